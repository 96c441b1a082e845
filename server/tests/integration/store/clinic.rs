//! `ClinicAdminStore`: the first head on an empty database, refused while a head is active or
//! the e-mail has an account; the one-time invitation, spent once, not after it expired.

use super::{account, journal_lines, mail, rows, scalar, seeded, NOW};
use app::features::clinic::rules::{parse_full_name, BranchInput, ClinicDetails, ClinicSettings};
use app::features::clinic::store::*;
use app::kernel::account::{Role, Roles};
use app::kernel::email::Email;
use app::kernel::tabs::{CabinetTab, HiddenTabs};
use app::platform::store::{Actor, AuditEntry, NewMail, NewSession, Store};

fn head(email: &str, token_hash: &str) -> NewHead {
    NewHead {
        email: Email::parse(email).unwrap(),
        name: parse_full_name("Соколова Анна Сергеевна").unwrap(),
        token_hash: token_hash.into(),
        expires_at: NOW + 86_400,
        now: NOW,
        utc_offset_minutes: 420,
        mail: Some(NewMail {
            recipient: email.into(), subject: "Приглашение".into(), body: "ссылка".into()
        }),
    }
}

pub async fn story(url: &str) {
    let cli = Actor::system("command line");

    // An empty database: the head, the clinic's row (details to be set), one invitation, one
    // mail, one journal line.
    let store = kabinet_server::db::open(url).await.expect("open");
    let store: &dyn Store = &*store;
    assert_eq!(store.clinic().await.unwrap(), None);
    assert_eq!(store.clinic_details().await.unwrap(), None);
    let HeadOutcome::Created { account_id } = store.create_head(head("Head@Clinic.example", "h1"), &cli).await.unwrap()
    else {
        panic!("the first head is created")
    };
    let clinic = store.clinic().await.unwrap().expect("the clinic's row");
    assert_eq!((clinic.name.as_str(), clinic.utc_offset_minutes), ("", 420));
    assert_eq!(rows(url, "staff_role").await, 1);
    assert_eq!(scalar(url, "SELECT COUNT(*) FROM staff_role WHERE role = 'head'").await, 1);
    assert_eq!(rows(url, "outbox").await, 1);
    assert_eq!(journal_lines(url, "staff.head_created").await, 1);
    assert!(
        store.sign_in_record(&Email::parse("head@clinic.example").unwrap()).await.unwrap().is_none(),
        "no password yet"
    );

    // A second head is the head's to invite; the first one's e-mail is taken anyway.
    for again in [head("other@clinic.example", "h2"), head("head@clinic.example", "h3")] {
        assert_eq!(store.create_head(again, &cli).await.unwrap(), HeadOutcome::HeadExists);
    }
    assert_eq!((rows(url, "staff").await, rows(url, "account").await, rows(url, "staff_invite").await), (1, 1, 1));
    assert_eq!(rows(url, "outbox").await, 1, "a refusal mails nothing");

    // The invitation: found by its hash until spent or expired.
    assert_eq!(store.staff_invite_live("nope", NOW).await.unwrap(), None);
    assert_eq!(store.staff_invite_live("h1", NOW + 86_400).await.unwrap(), None, "expired at its time");
    let invite = store.staff_invite_live("h1", NOW + 60).await.unwrap().expect("live");
    assert_eq!(
        (invite.account_id, invite.email.as_str(), invite.staff_name.as_str()),
        (account_id, "head@clinic.example", "Соколова Анна Сергеевна")
    );
    let me = Actor::account_holder(account_id, "10.0.0.9".parse().unwrap());
    assert!(!store.accept_staff_invite(&invite, "phc-late", NOW + 86_400, &me).await.unwrap(), "too late");
    assert!(store.accept_staff_invite(&invite, "phc-1", NOW + 60, &me).await.unwrap());
    assert!(!store.accept_staff_invite(&invite, "phc-2", NOW + 61, &me).await.unwrap(), "spent once");
    assert_eq!(store.staff_invite_live("h1", NOW + 62).await.unwrap(), None);
    let signed = account(store, "head@clinic.example").await;
    assert_eq!((signed.account_id, signed.password_hash.as_str(), signed.is_staff), (account_id, "phc-1", true));
    assert_eq!(journal_lines(url, "account.password_set").await, 1);

    // The clinic's details: empty until the head sets them, then read back exactly.
    let details = store.clinic_details().await.unwrap().expect("the clinic's row");
    assert!(!details.is_set());
    assert_eq!(details.utc_offset_minutes, 420);
    let set = ClinicDetails {
        name: "Клиника «Здоровье»".into(),
        address: "г. Томск, ул. Ленина, 1".into(),
        phone: "+7 (3822) 12-34-56".into(),
        utc_offset_minutes: 420,
    };
    let head_at_work = Actor::account_holder(account_id, "10.0.0.9".parse().unwrap());
    assert!(store.set_clinic_details(&set, AuditEntry::by(&head_at_work, NOW, "clinic.details")).await.unwrap());
    assert_eq!(store.clinic_details().await.unwrap(), Some(set.clone()));
    assert_eq!(store.clinic().await.unwrap().unwrap().name, "Клиника «Здоровье»");
    assert_eq!(journal_lines(url, "clinic.details").await, 1);

    // The clinic's settings: the installation's defaults until the head sets them.
    let stored = store.clinic_settings().await.unwrap().expect("the clinic's row");
    assert_eq!(
        (stored.attach_code_ttl_hours, stored.contact_priority.as_deref(), stored.protocol_edit_hours),
        (None, None, 24)
    );
    assert_eq!(stored.hidden_tabs, "", "every tab shown");
    let hidden = HiddenTabs::of([CabinetTab::News, CabinetTab::Prices]);
    let settings = ClinicSettings {
        attach_code_ttl_hours: 2,
        contact_priority: "email".into(),
        protocol_edit_hours: 48,
        hidden_tabs: hidden,
    };
    assert!(store.set_clinic_settings(&settings, AuditEntry::by(&head_at_work, NOW, "clinic.settings")).await.unwrap());
    let stored = store.clinic_settings().await.unwrap().unwrap();
    assert_eq!(
        (stored.attach_code_ttl_hours, stored.contact_priority.as_deref(), stored.protocol_edit_hours),
        (Some(2), Some("email"), 48)
    );
    assert_eq!(HiddenTabs::parse(&stored.hidden_tabs), hidden);
    assert_eq!(store.document_settings().await.unwrap().protocol_edit_hours, 48, "the documents read the same window");
    assert_eq!(journal_lines(url, "clinic.settings").await, 1);

    // Staff the head invites: one transaction each; the list shows roles and state.
    let nurse = |email: &str, token: &str| NewStaff {
        email: Email::parse(email).unwrap(),
        name: parse_full_name("Белова Ирина").unwrap(),
        roles: Roles(vec![Role::Registrar]),
        token_hash: token.into(),
        expires_at: NOW + 86_400,
        now: NOW,
        mail: NewMail {
            recipient: email.into(), subject: "Приглашение".into(), body: "ссылка".into()
        },
    };
    let outbox = rows(url, "outbox").await;
    assert_eq!(
        store.invite_staff(nurse("head@clinic.example", "n0"), &head_at_work).await.unwrap(),
        InviteOutcome::EmailTaken
    );
    assert_eq!(rows(url, "outbox").await, outbox, "a refusal mails nothing");
    let InviteOutcome::Invited { staff_id: registrar } =
        store.invite_staff(nurse("desk@clinic.example", "n1"), &head_at_work).await.unwrap()
    else {
        panic!("invited")
    };
    assert_eq!(rows(url, "outbox").await, outbox + 1);
    assert_eq!(journal_lines(url, "staff.invited").await, 1);
    let list = store.staff_list().await.unwrap();
    let names: Vec<_> = list.iter().map(|s| (s.name.as_str(), s.roles.0.clone(), s.active, s.invited)).collect();
    assert_eq!(
        names,
        [
            ("Белова Ирина", vec![Role::Registrar], true, true),
            ("Соколова Анна Сергеевна", vec![Role::Head], true, false),
        ]
    );
    assert_eq!(list[1].last_sign_in, None, "no sign-in journalled yet");
    let head_staff = list[1].staff_id;

    // A new link voids the old one.
    let renewed = store
        .renew_staff_invite(
            registrar,
            "n2",
            NOW + 86_400,
            mail("desk@clinic.example", "Приглашение", "ссылка"),
            &head_at_work,
            NOW + 5,
        )
        .await
        .unwrap();
    assert_eq!(renewed, StaffChange::Done);
    assert_eq!(store.staff_invite_live("n1", NOW + 6).await.unwrap(), None);
    assert!(store.staff_invite_live("n2", NOW + 6).await.unwrap().is_some());
    let for_head = store
        .renew_staff_invite(head_staff, "n3", NOW + 86_400, mail("head@clinic.example", "x", "y"), &head_at_work, NOW)
        .await
        .unwrap();
    assert_eq!(for_head, StaffChange::Missing, "the head has a password: no new link");

    // Roles: never the last head's.
    let only_clinician = Roles(vec![Role::Clinician]);
    assert_eq!(
        store.set_staff_roles(head_staff, &only_clinician, &head_at_work, NOW).await.unwrap(),
        StaffChange::LastHead
    );
    assert_eq!(store.deactivate_staff(head_staff, &head_at_work, NOW).await.unwrap(), StaffChange::LastHead);
    assert_eq!(store.set_staff_roles(9_999, &only_clinician, &head_at_work, NOW).await.unwrap(), StaffChange::Missing);
    let two = Roles(vec![Role::Registrar, Role::Head]);
    assert_eq!(store.set_staff_roles(registrar, &two, &head_at_work, NOW).await.unwrap(), StaffChange::Done);
    assert_eq!(journal_lines(url, "staff.roles").await, 1);

    // Deactivating: the account's sessions end; a second time finds nothing to do.
    let desk = store.staff_invite_live("n2", NOW + 7).await.unwrap().unwrap();
    assert!(store.accept_staff_invite(&desk, "phc-desk", NOW + 7, &head_at_work).await.unwrap());
    store
        .create_session(NewSession {
            token_hash: "desk-session".into(),
            account_id: desk.account_id,
            active_card_id: None,
            now: NOW + 8,
            expires_at: NOW + 3_600,
            origin: "10.0.0.3".into(),
            user_agent: "test".into(),
        })
        .await
        .unwrap();
    assert!(store.session("desk-session", NOW + 9, NOW - 60).await.unwrap().is_some());
    assert_eq!(store.deactivate_staff(registrar, &head_at_work, NOW + 10).await.unwrap(), StaffChange::Done);
    assert_eq!(store.session("desk-session", NOW + 11, NOW - 60).await.unwrap(), None, "its sessions end at once");
    assert_eq!(store.deactivate_staff(registrar, &head_at_work, NOW + 12).await.unwrap(), StaffChange::Missing);
    assert_eq!(journal_lines(url, "staff.deactivated").await, 1);
    let list = store.staff_list().await.unwrap();
    assert!(!list[0].active && list[0].roles.has(Role::Head), "history and roles stay");

    // A deactivated head does not block a new one; an e-mail with an account still does.
    deactivate(url, account_id).await;
    assert_eq!(store.create_head(head("head@clinic.example", "h4"), &cli).await.unwrap(), HeadOutcome::EmailTaken);
    let HeadOutcome::Created { account_id: second } =
        store.create_head(head("second@clinic.example", "h5"), &cli).await.unwrap()
    else {
        panic!("a new head once the old one is deactivated")
    };
    assert_ne!(second, account_id);
    assert_eq!(store.clinic_details().await.unwrap(), Some(set), "the clinic's row is kept");
}

/// Deactivates an account behind the store's back (the admin pages will do it through theirs).
async fn deactivate(url: &str, account_id: i64) {
    use sqlx::Connection;
    let sql = format!("UPDATE account SET disabled_at = {NOW} WHERE id = {account_id}");
    if url.starts_with("sqlite:") {
        let mut c = sqlx::SqliteConnection::connect(url).await.unwrap();
        sqlx::query(&sql).execute(&mut c).await.unwrap();
    } else {
        let mut c = sqlx::PgConnection::connect(url).await.unwrap();
        sqlx::query(&sql).execute(&mut c).await.unwrap();
    }
}

/// On the demo clinic, whose head is active, `create-head` changes nothing.
pub async fn on_the_demo(url: &str) {
    let store = seeded(url).await;
    let before = (rows(url, "staff").await, rows(url, "account").await);
    let outcome = store.create_head(head("new.head@clinic.example", "d1"), &Actor::system("command line")).await;
    assert_eq!(outcome.unwrap(), HeadOutcome::HeadExists);
    assert_eq!((rows(url, "staff").await, rows(url, "account").await), before);
    assert_eq!(rows(url, "staff_invite").await, 0);

    // A doctor's profile without an account is invited into that profile, once.
    let desk = Actor::system("test");
    let staff = store.staff_list().await.unwrap();
    let profile = staff.iter().find(|s| s.name.starts_with("Кузнецова")).expect("a demo doctor");
    assert_eq!(profile.email, None, "no account yet");
    let with_account = staff.iter().find(|s| s.email.is_some()).unwrap().staff_id;
    let invite = |staff_id: i64, email: &str| DoctorInvite {
        staff_id,
        name: "Кузнецова Елена Сергеевна".into(),
        email: Email::parse(email).unwrap(),
        token_hash: format!("doctor-{email}"),
        expires_at: NOW + 86_400,
        now: NOW,
        mail: mail(email, "Приглашение", "ссылка"),
    };
    let accounts = rows(url, "account").await;
    assert_eq!(
        store.invite_doctor(invite(profile.staff_id, "patient@kabinet.example"), &desk).await.unwrap(),
        InviteOutcome::EmailTaken
    );
    assert_eq!(
        store.invite_doctor(invite(with_account, "other@clinic.example"), &desk).await.unwrap(),
        InviteOutcome::NoProfile
    );
    assert_eq!(rows(url, "account").await, accounts, "refusals make nothing");
    assert_eq!(
        store.invite_doctor(invite(profile.staff_id, "kuznetsova@clinic.example"), &desk).await.unwrap(),
        InviteOutcome::Invited { staff_id: profile.staff_id }
    );
    assert_eq!(
        store.invite_doctor(invite(profile.staff_id, "again@clinic.example"), &desk).await.unwrap(),
        InviteOutcome::NoProfile,
        "it has an account now"
    );
    let after = store.staff_list().await.unwrap();
    let invited = after.iter().find(|s| s.staff_id == profile.staff_id).unwrap();
    assert_eq!(
        (invited.email.as_deref(), invited.invited, invited.roles.0.clone()),
        (Some("kuznetsova@clinic.example"), true, vec![Role::Clinician])
    );

    // Branches: the demo's are in use; a new one is saved, changed, deactivated and deleted.
    let demo = store.branch_list().await.unwrap();
    assert!(demo.iter().all(|b| b.in_use && b.active));
    assert_eq!(store.delete_branch(demo[0].id, &desk, NOW).await.unwrap(), Deletion::InUse);
    let input =
        BranchInput { name: "Филиал".into(), address: "ул. Ленина, 1".into(), phone: String::new() };
    let id = store.save_branch(None, &input, &desk, NOW).await.unwrap().expect("added");
    let changed = BranchInput { phone: "+7 3822 12-34-56".into(), ..input.clone() };
    assert_eq!(store.save_branch(Some(id), &changed, &desk, NOW).await.unwrap(), Some(id));
    assert_eq!(store.save_branch(Some(9_999), &changed, &desk, NOW).await.unwrap(), None);
    assert!(store.set_branch_active(id, false, &desk, NOW).await.unwrap());
    let ours = store.branch_list().await.unwrap().into_iter().find(|b| b.id == id).unwrap();
    assert_eq!((ours.phone.as_str(), ours.active, ours.in_use), ("+7 3822 12-34-56", false, false));
    assert!(!store.branches().await.unwrap().iter().any(|(b, _)| *b == id), "not offered for schedules");
    assert_eq!(store.delete_branch(id, &desk, NOW).await.unwrap(), Deletion::Deleted);
    assert_eq!(store.delete_branch(id, &desk, NOW).await.unwrap(), Deletion::Missing);
    assert_eq!(journal_lines(url, "branch.save").await, 2);
    assert_eq!(journal_lines(url, "branch.delete").await, 1);
    // Each line says what changed, before → after.
    for detail in ["name: — → Филиал; address: — → ул. Ленина, 1", "phone: — → +7 3822 12-34-56"]
    {
        let sql = format!("SELECT COUNT(*) FROM audit_log WHERE action = 'branch.save' AND detail = '{detail}'");
        assert_eq!(scalar(url, &sql).await, 1, "{detail}");
    }
}
