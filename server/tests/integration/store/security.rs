//! `SecurityStore`: the second factor and recovery codes, the pending half of a two-step
//! sign-in, password and e-mail changes, the account page's sessions and the access journal.

use super::{account, journal_lines, mail, rows, seeded, NOW};
use app::features::security::store::*;
use app::kernel::account::{ActorRole, Role};
use app::kernel::email::Email;
use app::platform::store::Store;
use app::platform::store::{Actor, AuditEntry, NewSession};

/// A session of `account_id` seen last at `now`; its id.
async fn session(store: &dyn Store, account_id: i64, token: char, now: i64, ua: &str) -> i64 {
    let token_hash = token.to_string().repeat(64);
    let new = NewSession {
        token_hash: token_hash.clone(),
        account_id,
        active_card_id: None,
        now,
        expires_at: now + 3600,
        origin: "10.1.1.1".into(),
        user_agent: ua.into(),
    };
    store.create_session(new).await.unwrap();
    store.session(&token_hash, now, now - 1).await.unwrap().expect("live").session_id
}

pub async fn story(url: &str) {
    let store = seeded(url).await;
    let store = &*store;
    let patient = account(store, "patient@kabinet.example").await;
    let (p, card) = (patient.account_id, patient.own_card_id.unwrap());
    let holder = Actor::account_holder(p, "10.0.0.9".parse().unwrap());
    let line = |action: &str, at: i64| AuditEntry::by(&holder, at, action).card(card);

    // Enrolment: nothing pending refuses (and queues nothing), a pending secret turns on.
    let blank = TotpState {
        email: "patient@kabinet.example".into(),
        secret: None,
        pending_secret: None,
        last_step: None,
        recovery_codes_left: 0,
    };
    assert_eq!(store.totp_state(p).await.unwrap(), Some(blank.clone()));
    assert!(store.totp_state(987_654).await.unwrap().is_none());
    assert!(store.totp_secrets_all().await.unwrap().is_empty());
    let (outbox, journal) = (rows(url, "outbox").await, store.audit_for_card(card).await.unwrap().len());
    let codes = vec!["r1".to_string(), "r2".to_string(), "r3".to_string()];
    let notice = || mail("patient@kabinet.example", "Второй фактор", "включён");
    assert!(
        !store.totp_enable(p, 100, &codes, notice(), line("totp.enable", NOW), NOW).await.unwrap(),
        "nothing pending"
    );
    assert_eq!(
        (rows(url, "outbox").await, store.audit_for_card(card).await.unwrap().len(), rows(url, "recovery_code").await),
        (outbox, journal, 0),
        "a refusal writes nothing"
    );
    assert!(!store.totp_accept_step(p, 5).await.unwrap(), "no secret, no step");

    store.totp_begin(p, "PENDING-A").await.unwrap();
    assert_eq!(store.totp_state(p).await.unwrap().unwrap().pending_secret.as_deref(), Some("PENDING-A"));
    assert_eq!(
        store.totp_secrets_all().await.unwrap(),
        [StoredTotpSecrets { account_id: p, secret: None, pending_secret: Some("PENDING-A".into()) }]
    );
    assert!(!store.totp_secret_replace(p, true, "OTHER", "SEALED-A").await.unwrap(), "changed meanwhile");
    assert!(store.totp_secret_replace(p, true, "PENDING-A", "SEALED-A").await.unwrap());
    assert!(store.totp_enable(p, 100, &codes, notice(), line("totp.enable", NOW + 1), NOW + 1).await.unwrap());
    assert_eq!(
        store.totp_state(p).await.unwrap(),
        Some(TotpState {
            secret: Some("SEALED-A".into()),
            last_step: Some(100),
            recovery_codes_left: 3,
            ..blank.clone()
        })
    );
    assert!(account(store, "patient@kabinet.example").await.totp_enabled);
    assert_eq!(store.outbox_recent(1).await.unwrap()[0].subject, "Второй фактор");
    assert_eq!(store.audit_for_card(card).await.unwrap()[0], line("totp.enable", NOW + 1));
    assert!(!store.totp_secret_replace(p, false, "OTHER", "SEALED-B").await.unwrap());
    assert!(store.totp_secret_replace(p, false, "SEALED-A", "SEALED-B").await.unwrap());
    assert_eq!(
        store.totp_secrets_all().await.unwrap(),
        [StoredTotpSecrets { account_id: p, secret: Some("SEALED-B".into()), pending_secret: None }]
    );

    // A time step works once, and only forward.
    assert!(!store.totp_accept_step(p, 100).await.unwrap(), "the enrolling step is used");
    assert!(!store.totp_accept_step(p, 99).await.unwrap());
    assert!(store.totp_accept_step(p, 101).await.unwrap());
    assert_eq!(store.totp_state(p).await.unwrap().unwrap().last_step, Some(101));

    // Recovery codes: each once, only the account's own.
    let guardian = account(store, "guardian@kabinet.example").await;
    assert!(!store.recovery_code_use(guardian.account_id, "r1", NOW).await.unwrap(), "another account's code");
    assert!(store.recovery_code_use(p, "r1", NOW).await.unwrap());
    assert!(!store.recovery_code_use(p, "r1", NOW + 1).await.unwrap(), "spent");
    assert!(!store.recovery_code_use(p, "zz", NOW).await.unwrap(), "unknown");
    assert_eq!(store.totp_state(p).await.unwrap().unwrap().recovery_codes_left, 2);
    // Enabling again replaces the codes.
    store.totp_begin(p, "PENDING-C").await.unwrap();
    assert!(store
        .totp_enable(p, 200, &["r9".to_string()], notice(), line("totp.enable", NOW + 2), NOW + 2)
        .await
        .unwrap());
    assert_eq!(store.totp_state(p).await.unwrap().unwrap().recovery_codes_left, 1);
    assert!(!store.recovery_code_use(p, "r2", NOW).await.unwrap(), "old codes are gone");

    // The reveal of fresh codes: per session, replaced, expiring, cleared.
    let s1 = session(store, p, 'a', NOW, "Firefox").await;
    store.recovery_reveal_put(s1, "r9", NOW + 600).await.unwrap();
    assert_eq!(store.recovery_reveal_get(s1, NOW + 1).await.unwrap().as_deref(), Some("r9"));
    store.recovery_reveal_put(s1, "r8 r7", NOW + 600).await.unwrap();
    assert_eq!(store.recovery_reveal_get(s1, NOW + 2).await.unwrap().as_deref(), Some("r8 r7"));
    assert!(store.recovery_reveal_get(s1, NOW + 600).await.unwrap().is_none(), "expired");
    assert!(store.recovery_reveal_get(s1, NOW + 3).await.unwrap().is_none(), "and removed");
    store.recovery_reveal_put(s1, "r6", NOW + 600).await.unwrap();
    store.recovery_reveal_clear(s1).await.unwrap();
    assert!(store.recovery_reveal_get(s1, NOW + 4).await.unwrap().is_none(), "cleared");

    // Turning it off clears everything, with its notice and line.
    store
        .totp_disable(
            p,
            mail("patient@kabinet.example", "Второй фактор", "выключен"),
            line("totp.disable", NOW + 3),
            NOW + 3,
        )
        .await
        .unwrap();
    assert_eq!(store.totp_state(p).await.unwrap(), Some(blank.clone()));
    assert!(!account(store, "patient@kabinet.example").await.totp_enabled);
    assert_eq!(store.outbox_recent(1).await.unwrap()[0].body, "выключен");
    assert_eq!(store.audit_for_card(card).await.unwrap()[0].action, "totp.disable");
    assert!(store.totp_secrets_all().await.unwrap().is_empty());

    // The pending half of a sign-in.
    let token = "p".repeat(64);
    store.pending_sign_in_create(&token, p, NOW, NOW + 300).await.unwrap();
    let pending = store.pending_sign_in_get(&token, NOW + 1).await.unwrap().unwrap();
    assert_eq!((pending.account_id, pending.own_card_id, pending.failures), (p, Some(card), 0));
    assert!(store.pending_sign_in_get(&token, NOW + 300).await.unwrap().is_none(), "expired");
    assert!(store.pending_sign_in_get(&"q".repeat(64), NOW).await.unwrap().is_none());
    assert_eq!(store.pending_sign_in_failed(pending.id, 3).await.unwrap(), 1);
    assert_eq!(store.pending_sign_in_failed(pending.id, 3).await.unwrap(), 2);
    assert_eq!(store.pending_sign_in_get(&token, NOW + 2).await.unwrap().unwrap().failures, 2);
    assert_eq!(store.pending_sign_in_failed(pending.id, 3).await.unwrap(), 3);
    assert!(store.pending_sign_in_get(&token, NOW + 3).await.unwrap().is_none(), "dropped at the limit");
    store.pending_sign_in_create(&token, p, NOW + 10, NOW + 300).await.unwrap();
    let again = store.pending_sign_in_get(&token, NOW + 11).await.unwrap().unwrap();
    store.pending_sign_in_delete(again.id).await.unwrap();
    assert!(store.pending_sign_in_get(&token, NOW + 12).await.unwrap().is_none(), "deleted");

    // The clinic's rule for staff.
    assert!(!store.staff_totp_required().await.unwrap(), "relaxed by the demo");
    let head = account(store, "head@kabinet.example").await;
    let head_actor =
        Actor { account_id: Some(head.account_id), role: ActorRole::Staff(Role::Head), origin: "10.0.0.1".into() };
    store.set_staff_totp_required(true, AuditEntry::by(&head_actor, NOW, "clinic.staff_totp")).await.unwrap();
    assert!(store.staff_totp_required().await.unwrap());
    assert_eq!(journal_lines(url, "clinic.staff_totp").await, 1);

    passwords_emails_sessions(store, url, p, card).await;
    access_journal(store, card).await;
}

async fn passwords_emails_sessions(store: &dyn Store, url: &str, p: i64, card: i64) {
    let holder = Actor::account_holder(p, "10.0.0.9".parse().unwrap());
    assert!(store.account_password_hash(p).await.unwrap().unwrap().starts_with("$argon2id$"));
    assert!(store.account_password_hash(987_654).await.unwrap().is_none());

    // Sessions, most recently seen first; expired and idle ones are not listed.
    let here = session(store, p, 'b', NOW + 100, "Firefox").await;
    let phone = session(store, p, 'c', NOW + 200, "Safari").await;
    let old = session(store, p, 'd', NOW - 3000, "Old").await;
    let listed = store.sessions_of(p, NOW + 300, NOW).await.unwrap();
    let ids: Vec<_> = listed.iter().map(|s| s.id).collect();
    assert!(ids.starts_with(&[phone, here]) && !ids.contains(&old), "{ids:?}");
    assert_eq!(
        listed[0],
        SessionInfo {
            id: phone,
            created_at: NOW + 200,
            last_seen_at: NOW + 200,
            origin: "10.1.1.1".into(),
            user_agent: "Safari".into()
        }
    );
    assert!(store.sessions_of(p, NOW + 200 + 3600, NOW).await.unwrap().iter().all(|s| s.id != phone), "expired");

    // A password change ends the other sessions, keeps this one, queues its notice.
    store
        .account_password_change(
            p,
            "$argon2id$changed",
            here,
            mail("patient@kabinet.example", "Пароль изменён", "."),
            AuditEntry::by(&holder, NOW + 400, "account.password").card(card),
            NOW + 400,
        )
        .await
        .unwrap();
    assert_eq!(store.account_password_hash(p).await.unwrap().as_deref(), Some("$argon2id$changed"));
    assert_eq!(
        store.sessions_of(p, NOW + 401, NOW - 10_000).await.unwrap().iter().map(|s| s.id).collect::<Vec<_>>(),
        [here]
    );
    assert_eq!(store.outbox_recent(1).await.unwrap()[0].subject, "Пароль изменён");
    assert_eq!(store.audit_for_card(card).await.unwrap()[0].action, "account.password");

    // Ending sessions: only the account's own; all but one.
    let guardian = account(store, "guardian@kabinet.example").await;
    assert!(!store.session_end(guardian.account_id, here).await.unwrap(), "not the guardian's session");
    let other = session(store, p, 'f', NOW + 500, "Edge").await;
    assert!(store.session_end(p, other).await.unwrap());
    assert!(!store.session_end(p, other).await.unwrap(), "ended already");
    session(store, p, 'g', NOW + 510, "Edge").await;
    session(store, p, 'h', NOW + 520, "Edge").await;
    assert_eq!(store.sessions_end_all(p, Some(here)).await.unwrap(), 2);
    assert_eq!(store.sessions_of(p, NOW + 530, NOW).await.unwrap().iter().map(|s| s.id).collect::<Vec<_>>(), [here]);
    assert_eq!(store.sessions_end_all(p, None).await.unwrap(), 1);
    assert!(store.sessions_of(p, NOW + 530, NOW).await.unwrap().is_empty());

    // An e-mail another account holds is refused, with nothing queued or journalled.
    let (outbox, journal) = (rows(url, "outbox").await, store.audit_for_card(card).await.unwrap().len());
    let notices = [
        mail("patient@kabinet.example", "Адрес изменён", "старый"),
        mail("anna@example.com", "Адрес изменён", "новый"),
    ];
    let changed = |at: i64| AuditEntry::by(&holder, at, "account.email").card(card);
    assert!(!store
        .account_email_change(p, "guardian@kabinet.example", &notices, changed(NOW + 600), NOW + 600)
        .await
        .unwrap());
    assert_eq!((rows(url, "outbox").await, store.audit_for_card(card).await.unwrap().len()), (outbox, journal));
    assert!(
        store.account_email_change(p, "patient@kabinet.example", &[], changed(NOW + 601), NOW + 601).await.unwrap(),
        "its own address"
    );
    assert!(store.account_email_change(p, "anna@example.com", &notices, changed(NOW + 602), NOW + 602).await.unwrap());
    assert_eq!(store.totp_state(p).await.unwrap().unwrap().email, "anna@example.com");
    assert!(store.sign_in_record(&Email::parse("patient@kabinet.example").unwrap()).await.unwrap().is_none());
    assert_eq!(account(store, "anna@example.com").await.account_id, p);
    let recipients: Vec<_> = store.outbox_recent(2).await.unwrap().into_iter().map(|m| m.recipient).collect();
    assert_eq!(recipients, ["anna@example.com", "patient@kabinet.example"]);
    assert_eq!(store.audit_for_card(card).await.unwrap().len(), journal + 2);
}

/// The access journal: newest first, limited, with staff named and others not.
async fn access_journal(store: &dyn Store, card: i64) {
    let doctor = account(store, "doctor@kabinet.example").await;
    let staff = Actor {
        account_id: Some(doctor.account_id),
        role: ActorRole::Staff(Role::Clinician),
        origin: "10.0.0.5".into(),
    };
    let journal_card = card + 1000;
    store.audit(AuditEntry::by(&staff, NOW + 10, "record.open").card(journal_card).object("record:7")).await.unwrap();
    store
        .audit(AuditEntry::by(&Actor::system("worker"), NOW + 20, "document.delivered").card(journal_card))
        .await
        .unwrap();
    store.audit(AuditEntry::by(&staff, NOW + 20, "card.open").card(journal_card)).await.unwrap();
    let lines = store.access_journal(journal_card, 10).await.unwrap();
    assert_eq!(
        lines,
        [
            JournalLine {
                at: NOW + 20,
                actor_role: ActorRole::Staff(Role::Clinician),
                actor_staff_name: Some("Соколов Андрей Викторович".into()),
                action: "card.open".into(),
                origin: "10.0.0.5".into(),
                object: None
            },
            JournalLine {
                at: NOW + 20,
                actor_role: ActorRole::System,
                actor_staff_name: None,
                action: "document.delivered".into(),
                origin: "worker".into(),
                object: None
            },
            JournalLine {
                at: NOW + 10,
                actor_role: ActorRole::Staff(Role::Clinician),
                actor_staff_name: Some("Соколов Андрей Викторович".into()),
                action: "record.open".into(),
                origin: "10.0.0.5".into(),
                object: Some("record:7".into())
            },
        ]
    );
    assert_eq!(store.access_journal(journal_card, 2).await.unwrap(), lines[..2]);
    let own = store.access_journal(card, 100).await.unwrap();
    assert!(
        own.iter().all(|l| l.actor_staff_name.is_none() && l.actor_role == ActorRole::AccountHolder),
        "the patient is not staff"
    );
    assert!(own.windows(2).all(|w| w[0].at >= w[1].at), "newest first");
}
