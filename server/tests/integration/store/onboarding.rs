//! `OnboardingStore`: the front desk's cards, consents, refusals and invitations, attach codes,
//! verification codes and registration. Each change journals its line; each message stands or
//! falls with its change.

use super::{account, card, mail, rows, seeded, NOW};
use app::features::onboarding::rules::{ConsentKind, CONSENT_TEXT_VERSION};
use app::features::onboarding::store::*;
use app::kernel::account::ActorRole;
use app::kernel::email::Email;
use app::kernel::person::{PhoneKind, PhoneNumber, Sex};
use app::platform::store::Store;
use app::platform::store::{Actor, AuditEntry, Channel, NewSession};
use time::macros::date;

fn sorted(mut kinds: Vec<ConsentKind>) -> Vec<&'static str> {
    kinds.sort_by_key(|k| k.as_str());
    kinds.into_iter().map(ConsentKind::as_str).collect()
}

pub async fn story(url: &str) {
    let store = seeded(url).await;
    let store = &*store;
    let registrar = account(store, "registrar@kabinet.example").await;
    let desk = Actor {
        account_id: Some(registrar.account_id),
        role: ActorRole::Staff(app::kernel::account::Role::Registrar),
        origin: "10.0.0.2".into(),
    };
    let all_kinds = sorted(ConsentKind::ALL.to_vec());

    // Search: by normalized prefix, ordered by the key, with the birth date and the limit.
    let petrovs = store.card_search("петров", None, 10).await.unwrap();
    let names: Vec<_> = petrovs.iter().map(|c| (c.name.as_str(), c.birth_date)).collect();
    assert_eq!(
        names,
        [("Дмитрий", date!(1980 - 09 - 03)), ("Иван", date!(2019 - 10 - 07)), ("Мария", date!(2016 - 05 - 20))]
    );
    assert_eq!(petrovs[0].email.as_deref(), Some("guardian@kabinet.example"));
    assert!(petrovs[0].has_account && !petrovs[1].has_account);
    assert_eq!(sorted(petrovs[1].consents.clone()), all_kinds);
    let ivan = store.card_search("петров", Some(date!(2019 - 10 - 07)), 10).await.unwrap();
    assert_eq!(ivan.iter().map(|c| c.card_id).collect::<Vec<_>>(), [petrovs[1].card_id]);
    assert_eq!(store.card_search("петров", None, 1).await.unwrap().len(), 1, "the limit");
    assert!(store.card_search("%", None, 10).await.unwrap().is_empty(), "LIKE's characters are literal");
    assert!(store.card_search("петров_", None, 10).await.unwrap().is_empty());

    // A new card reads back exactly, found by its normalized key (ё as е), with its journal line.
    let phone = PhoneNumber::parse("+7 916 000-11-22").unwrap();
    let new = NewCard {
        surname: "Алёшина".into(),
        name: "Вера".into(),
        patronymic: None,
        birth_date: date!(2001 - 12 - 31),
        sex: Sex::Female,
        phone: Some(phone.clone()),
        email: Some(Email::parse("vera@example.com").unwrap()),
    };
    let created = AuditEntry::by(&desk, NOW, "card.create");
    let id = store.card_create(new, NOW, created.clone()).await.unwrap();
    assert_eq!(store.audit_for_card(id).await.unwrap(), vec![created.card(id)], "the store names the new card");
    let got = store.card_get(id).await.unwrap().unwrap();
    assert_eq!(
        got,
        CardRecord {
            card_id: id,
            surname: "Алёшина".into(),
            name: "Вера".into(),
            patronymic: None,
            birth_date: date!(2001 - 12 - 31),
            sex: Sex::Female,
            phone: Some(phone.e164().to_string()),
            email: Some("vera@example.com".into()),
            refusals: Refusals::default(),
            consents: vec![],
            invited_at: None,
            account_email: None,
        }
    );
    assert_eq!(store.card_search("алешина вера", None, 10).await.unwrap()[0].card_id, id);
    assert!(store.card_get(987_654).await.unwrap().is_none());
    assert_eq!(
        store.card_contacts(id).await.unwrap(),
        Some(Contacts {
            phone: Some(phone.e164().into()),
            phone_kind: Some(PhoneKind::Mobile),
            email: Some("vera@example.com".into())
        })
    );
    let maria = petrovs[2].card_id;
    assert_eq!(
        store.card_contacts(maria).await.unwrap(),
        Some(Contacts { phone: None, phone_kind: None, email: None })
    );
    assert!(store.card_contacts(987_654).await.unwrap().is_none());

    // Consents: recorded and re-recorded (one per kind), ordered by kind.
    let consent = |kind, version: &str, email: Option<&str>| NewConsent {
        kind,
        signed_on: date!(2026 - 11 - 30),
        text_version: version.into(),
        email: email.map(|e| Email::parse(e).unwrap()),
    };
    let signed = AuditEntry::by(&desk, NOW + 1, "consent.record").card(id);
    let first = [
        consent(ConsentKind::PdProcessing, "2026-1", None),
        consent(ConsentKind::EmailResults, "2026-1", Some("vera@example.com")),
    ];
    store.consents_record(id, &first, registrar.account_id, NOW + 1, signed.clone()).await.unwrap();
    let again = [consent(ConsentKind::PdProcessing, "2026-2", None)];
    store.consents_record(id, &again, registrar.account_id, NOW + 2, signed.clone()).await.unwrap();
    let got = store.card_get(id).await.unwrap().unwrap();
    assert_eq!(
        got.consents,
        [
            ConsentRecord {
                kind: ConsentKind::EmailResults,
                signed_on: date!(2026 - 11 - 30),
                text_version: "2026-1".into(),
                email: Some("vera@example.com".into()),
                recorded_at: NOW + 1
            },
            ConsentRecord {
                kind: ConsentKind::PdProcessing,
                signed_on: date!(2026 - 11 - 30),
                text_version: "2026-2".into(),
                email: None,
                recorded_at: NOW + 2
            },
        ]
    );
    assert_eq!(sorted(store.card_consents(id).await.unwrap()), ["email_results", "pd_processing"]);
    assert_eq!(sorted(store.card_consents(maria).await.unwrap()), all_kinds);
    let seeded_consents = store.card_get(maria).await.unwrap().unwrap().consents;
    assert!(seeded_consents.iter().all(|c| c.text_version == CONSENT_TEXT_VERSION && c.email.is_none()));

    // Refusals and the invitation.
    let refusals = Refusals { pd_processing: true, notifications: false, advertising: true };
    store.refusals_set(id, refusals, AuditEntry::by(&desk, NOW + 3, "card.refusals").card(id)).await.unwrap();
    assert_eq!(store.card_get(id).await.unwrap().unwrap().refusals, refusals);
    let invitation = mail("vera@example.com", "Приглашение", "Зарегистрируйтесь");
    store
        .invite(id, invitation.clone(), NOW + 4, AuditEntry::by(&desk, NOW + 4, "card.invite").card(id))
        .await
        .unwrap();
    assert_eq!(store.card_get(id).await.unwrap().unwrap().invited_at, Some(NOW + 4));
    let queued = &store.outbox_recent(1).await.unwrap()[0];
    assert_eq!(
        (queued.recipient.as_str(), queued.subject.as_str(), queued.created_at),
        ("vera@example.com", "Приглашение", NOW + 4)
    );
    let actions: Vec<_> = store.audit_for_card(id).await.unwrap().into_iter().map(|e| e.action).collect();
    assert_eq!(actions, ["card.invite", "card.refusals", "consent.record", "consent.record", "card.create"]);

    attach_codes(store, id, petrovs[0].card_id).await;
    registration(store, url).await;
}

/// Attach codes: live until spent or expired; a refusal leaves the code unspent.
async fn attach_codes(store: &dyn Store, vera: i64, petrov: i64) {
    let doctor = account(store, "doctor@kabinet.example").await;
    let patient = account(store, "patient@kabinet.example").await;
    let guardian = account(store, "guardian@kabinet.example").await;
    let code = |card: i64, guardian: Option<i64>, hash: &str| NewAttachCode {
        card_id: card,
        guardian_card_id: guardian,
        code_hash: hash.into(),
        channel: Channel::Email,
        message: mail("vera@example.com", "Код", "123"),
        now: NOW + 10,
        expires_at: NOW + 610,
        audit: AuditEntry::by(&Actor::system("desk"), NOW + 10, "attach.issue").card(card),
    };
    let mails = store.outbox_recent(100).await.unwrap().len();
    store.attach_code_issue(code(vera, None, "h-own")).await.unwrap();
    assert_eq!(store.outbox_recent(100).await.unwrap().len(), mails + 1, "the code's message is queued");
    let live = store.attach_code_live("h-own", NOW + 11).await.unwrap().expect("live");
    assert_eq!((live.card_id, live.guardian_card_id), (vera, None));
    assert!(store.attach_code_live("h-own", NOW + 610).await.unwrap().is_none(), "expired");
    assert!(store.attach_code_live("h-unknown", NOW + 11).await.unwrap().is_none());

    // Refused (the patient has a card of their own already): nothing spent, nothing journalled.
    let before = store.audit_for_card(vera).await.unwrap().len();
    let redeem = |by: i64| {
        AuditEntry::by(&Actor::account_holder(by, "10.0.0.3".parse().unwrap()), NOW + 20, "attach.redeem").card(vera)
    };
    assert_eq!(
        store.attach_code_redeem(&live, patient.account_id, NOW + 20, redeem(patient.account_id)).await.unwrap(),
        AttachOutcome::Refused
    );
    assert!(store.attach_code_live("h-own", NOW + 21).await.unwrap().is_some(), "a refusal leaves the code live");
    assert_eq!(store.audit_for_card(vera).await.unwrap().len(), before);
    // Redeemed by an account without a card: it becomes the account's own.
    assert_eq!(
        store.attach_code_redeem(&live, doctor.account_id, NOW + 22, redeem(doctor.account_id)).await.unwrap(),
        AttachOutcome::Attached
    );
    assert_eq!(account(store, "doctor@kabinet.example").await.own_card_id, Some(vera));
    assert!(store.attach_code_live("h-own", NOW + 23).await.unwrap().is_none(), "spent");
    assert_eq!(
        store.attach_code_redeem(&live, doctor.account_id, NOW + 24, redeem(doctor.account_id)).await.unwrap(),
        AttachOutcome::Refused,
        "a code works once"
    );
    assert_eq!(store.audit_for_card(vera).await.unwrap()[0].action, "attach.redeem");
    assert_eq!(store.audit_for_card(vera).await.unwrap().len(), before + 1);

    // A ward's code: only the named guardian redeems it, and the ward appears in their profiles.
    store.attach_code_issue(code(vera, Some(petrov), "h-ward")).await.unwrap();
    let ward = store.attach_code_live("h-ward", NOW + 30).await.unwrap().unwrap();
    assert_eq!(ward.guardian_card_id, Some(petrov));
    assert_eq!(
        store.attach_code_redeem(&ward, patient.account_id, NOW + 31, redeem(patient.account_id)).await.unwrap(),
        AttachOutcome::Refused
    );
    assert!(store.attach_code_live("h-ward", NOW + 32).await.unwrap().is_some());
    assert_eq!(
        store.attach_code_redeem(&ward, guardian.account_id, NOW + 33, redeem(guardian.account_id)).await.unwrap(),
        AttachOutcome::Attached
    );
    let wards: Vec<_> =
        store.account_overview(guardian.account_id).await.unwrap().wards.into_iter().map(|w| w.card_id).collect();
    assert!(wards.contains(&vera) && wards.len() == 3, "{wards:?}");
    assert_eq!(store.guardians_of(vera).await.unwrap().iter().map(|g| g.card_id).collect::<Vec<_>>(), [petrov]);
}

/// Registration: candidates by e-mail, codes (newest live, voided by a newer one or by failures),
/// and completion that spends the code, sets the password and ends the account's sessions.
async fn registration(store: &dyn Store, url: &str) {
    let newcomer = Email::parse("new.patient@kabinet.example").unwrap();
    let novikova = card(store, "новикова").await;
    let candidates = store.registration_candidates(&newcomer).await.unwrap();
    assert_eq!(candidates.len(), 1);
    assert_eq!(
        (
            candidates[0].card_id,
            candidates[0].surname.as_str(),
            candidates[0].name.as_str(),
            candidates[0].birth_date,
            candidates[0].email_account
        ),
        (novikova, "Новикова", "Ольга", date!(1992 - 02 - 17), None)
    );
    assert_eq!(sorted(candidates[0].consents.clone()), sorted(ConsentKind::ALL.to_vec()));
    let patient = account(store, "patient@kabinet.example").await;
    let theirs = store.registration_candidates(&Email::parse("patient@kabinet.example").unwrap()).await.unwrap();
    assert_eq!(theirs[0].email_account, Some((patient.account_id, patient.own_card_id)));
    assert!(store.registration_candidates(&Email::parse("nobody@example.com").unwrap()).await.unwrap().is_empty());

    let issue = |card_id: i64, email: &Email, hash: &str, now: i64, ttl: i64| {
        let code =
            NewVerificationCode { card_id, email: email.clone(), code_hash: hash.into(), now, expires_at: now + ttl };
        store.verification_code_issue(code, mail(email.as_str(), "Код", "код"))
    };
    let outbox = rows(url, "outbox").await;
    issue(novikova, &newcomer, "v1", NOW + 100, 900).await.unwrap();
    let v1 = store.verification_code_live(&newcomer, NOW + 101).await.unwrap().unwrap();
    assert_eq!((v1.card_id, v1.code_hash.as_str(), v1.failures), (novikova, "v1", 0));
    issue(novikova, &newcomer, "v2", NOW + 102, 900).await.unwrap();
    assert_eq!(rows(url, "outbox").await, outbox + 2, "each code's e-mail is queued");
    let v2 = store.verification_code_live(&newcomer, NOW + 103).await.unwrap().unwrap();
    assert_eq!(v2.code_hash, "v2", "the newest code is the live one");
    assert!(store.verification_code_live(&newcomer, NOW + 102 + 900).await.unwrap().is_none(), "expired");

    // Wrong tries are counted; at the limit the code is void.
    assert_eq!(store.verification_code_failed(v2.id, 3, NOW + 104).await.unwrap(), 1);
    assert_eq!(store.verification_code_failed(v2.id, 3, NOW + 105).await.unwrap(), 2);
    assert_eq!(store.verification_code_live(&newcomer, NOW + 106).await.unwrap().unwrap().failures, 2);
    assert_eq!(store.verification_code_failed(v2.id, 3, NOW + 107).await.unwrap(), 3);
    assert!(store.verification_code_live(&newcomer, NOW + 108).await.unwrap().is_none(), "void at the limit");

    let complete = |code_id: i64, card_id: i64, email: &Email, hash: &str, now: i64| CompleteRegistration {
        code_id,
        card_id,
        email: email.clone(),
        password_hash: hash.into(),
        now,
        notice: mail(email.as_str(), "Пароль установлен", "Готово"),
        audit: AuditEntry::by(&Actor::newcomer("10.0.0.4".parse().unwrap()), now, "account.register").card(card_id),
    };
    assert_eq!(
        store.registration_complete(complete(v1.id, novikova, &newcomer, "$argon2id$x", NOW + 110)).await.unwrap(),
        None,
        "voided by the newer code"
    );
    assert_eq!(
        store.registration_complete(complete(v2.id, novikova, &newcomer, "$argon2id$x", NOW + 110)).await.unwrap(),
        None,
        "voided by failures"
    );
    issue(novikova, &newcomer, "v3", NOW + 120, 900).await.unwrap();
    let v3 = store.verification_code_live(&newcomer, NOW + 121).await.unwrap().unwrap();
    let journal = store.audit_for_card(novikova).await.unwrap().len();
    let created = store
        .registration_complete(complete(v3.id, novikova, &newcomer, "$argon2id$new", NOW + 122))
        .await
        .unwrap()
        .expect("registered");
    let rec = account(store, "new.patient@kabinet.example").await;
    assert_eq!(
        (rec.account_id, rec.own_card_id, rec.password_hash.as_str()),
        (created, Some(novikova), "$argon2id$new")
    );
    let line = &store.audit_for_card(novikova).await.unwrap()[0];
    assert_eq!(
        (line.action.as_str(), line.actor_account_id, line.actor_role),
        ("account.register", Some(created), ActorRole::Patient)
    );
    assert_eq!(store.audit_for_card(novikova).await.unwrap().len(), journal + 1);
    assert_eq!(store.outbox_recent(1).await.unwrap()[0].subject, "Пароль установлен");
    assert_eq!(
        store.registration_complete(complete(v3.id, novikova, &newcomer, "$argon2id$again", NOW + 123)).await.unwrap(),
        None,
        "a code is spent once"
    );
    assert_eq!(account(store, "new.patient@kabinet.example").await.password_hash, "$argon2id$new");
    let v4_email = Email::parse("new.patient@kabinet.example").unwrap();
    issue(novikova, &v4_email, "v4", NOW + 130, 10).await.unwrap();
    let v4 = store.verification_code_live(&v4_email, NOW + 131).await.unwrap().unwrap();
    assert_eq!(
        store.registration_complete(complete(v4.id, novikova, &v4_email, "h", NOW + 140)).await.unwrap(),
        None,
        "expired"
    );

    // An account that exists already: the same account, a new password, every session ended.
    let ivanova = patient.own_card_id.unwrap();
    let email = Email::parse("patient@kabinet.example").unwrap();
    let session = NewSession {
        token_hash: "e".repeat(64),
        account_id: patient.account_id,
        active_card_id: Some(ivanova),
        now: NOW,
        expires_at: NOW + 3600,
        origin: "1.2.3.4".into(),
        user_agent: "t".into(),
    };
    store.create_session(session).await.unwrap();
    issue(ivanova, &email, "p1", NOW + 200, 900).await.unwrap();
    let p1 = store.verification_code_live(&email, NOW + 201).await.unwrap().unwrap();
    let again =
        store.registration_complete(complete(p1.id, ivanova, &email, "$argon2id$reset", NOW + 202)).await.unwrap();
    assert_eq!(again, Some(patient.account_id));
    assert_eq!(account(store, "patient@kabinet.example").await.password_hash, "$argon2id$reset");
    assert!(
        store.session(&"e".repeat(64), NOW + 203, NOW).await.unwrap().is_none(),
        "a new password ends the sessions"
    );
}
