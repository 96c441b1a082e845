//! The second factor, the account page's sessions and password change, and the staff
//! requirement, through the real server.

use crate::support::{error_of, spawn_app, spawn_app_with_env, TestApp, PASSWORD, TEST_SECRET_KEY};
use app::features::account::rules::AccountPage;
use app::features::security::use_cases::{reseal_stored_secrets, ResealReport};
use app::kernel::account::{ActorRole, Role};
use app::kernel::error::{AppError, Problem};
use app::platform::secret_box::{Opened, SecretBox, SecretKey};
use app::platform::store::{Actor, AuditEntry};
use totp_rs::{Builder, Secret};

async fn account_page(app: &TestApp, c: &reqwest::Client) -> AccountPage {
    let res = app.rpc(c, "get_account_page", &[]).await;
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

/// The code an authenticator app shows for `key` at unix time `at`.
fn code_at(key: &str, at: i64) -> String {
    let secret = Secret::try_from_base32(key.replace(' ', "")).unwrap();
    Builder::new().with_secret(secret).build().unwrap().generate(at as u64).to_string()
}

/// Turns the second factor on for the client's account; returns the key and the recovery codes.
async fn enrol(app: &TestApp, c: &reqwest::Client) -> (String, Vec<String>) {
    assert_eq!(app.rpc(c, "totp_start", &[]).await.status(), 200);
    let key = account_page(app, c).await.enrolment.expect("enrolment under way").key;
    let code = code_at(&key, app.clock.now());
    let res = app.rpc(c, "totp_confirm", &[("code", &code), ("current_password", PASSWORD)]).await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let page = account_page(app, c).await;
    assert!(page.totp_enabled);
    (key, page.fresh_recovery_codes)
}

/// Signs in with the password; returns whether a second step was asked for.
async fn password_step(app: &TestApp, c: &reqwest::Client, email: &str, password: &str) -> bool {
    let res = app.rpc(c, "sign_in", &[("email", email), ("password", password)]).await;
    assert_eq!(res.status(), 200);
    let target = res.headers().get("location").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    target.starts_with("/signin/second-factor")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_patient_turns_on_totp_and_then_signs_in_with_it_or_a_recovery_code() {
    let app = spawn_app().await;
    let email = "patient@kabinet.example";
    let c = app.signed_in(email).await;
    assert!(!account_page(&app, &c).await.totp_enabled);
    assert_eq!(app.rpc(&c, "totp_start", &[]).await.status(), 200);
    let page = account_page(&app, &c).await;
    let enrolment = page.enrolment.expect("enrolment");
    assert!(enrolment.qr_svg.starts_with("<svg"));
    let key = enrolment.key;
    // Confirming needs the password and a right code.
    let now = app.clock.now();
    let res = app.rpc(&c, "totp_confirm", &[("code", &code_at(&key, now)), ("current_password", "wrong")]).await;
    assert_eq!(error_of(res).await, AppError::field("current_password", Problem::PasswordWrong));
    let res = app.rpc(&c, "totp_confirm", &[("code", "000000"), ("current_password", PASSWORD)]).await;
    assert_eq!(error_of(res).await, AppError::field("code", Problem::TotpWrong));
    let res = app.rpc(&c, "totp_confirm", &[("code", &code_at(&key, now)), ("current_password", PASSWORD)]).await;
    assert_eq!(res.status(), 200);
    let page = account_page(&app, &c).await;
    assert!(page.totp_enabled && page.enrolment.is_none());
    assert_eq!(page.recovery_codes_left, 10);
    assert_eq!(page.fresh_recovery_codes.len(), 10);
    let codes = page.fresh_recovery_codes;
    // Shown once: dismissed, they are gone from the page.
    assert_eq!(app.rpc(&c, "recovery_codes_seen", &[]).await.status(), 200);
    assert!(account_page(&app, &c).await.fresh_recovery_codes.is_empty());
    let mails = app.store.outbox_recent(20).await.unwrap();
    assert!(mails.iter().any(|m| m.recipient == email && m.subject == "Второй фактор включён"));

    // The password alone no longer opens a session.
    let c2 = app.client();
    assert!(password_step(&app, &c2, email, PASSWORD).await);
    assert_eq!(app.get(&c2, "/news").await.status(), 303);
    let res = app.rpc(&c2, "verify_second_factor", &[("code", "123456")]).await;
    assert_eq!(error_of(res).await, AppError::SecondFactorInvalid);
    // The code used to turn it on was spent; the next step's code (within ±1 step) works once.
    let res = app.rpc(&c2, "verify_second_factor", &[("code", &code_at(&key, now))]).await;
    assert_eq!(error_of(res).await, AppError::SecondFactorInvalid, "a code works once");
    let next = code_at(&key, now + 30);
    let res = app.rpc(&c2, "verify_second_factor", &[("code", &next)]).await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    assert_eq!(app.get(&c2, "/news").await.status(), 200);
    let c3 = app.client();
    assert!(password_step(&app, &c3, email, PASSWORD).await);
    let res = app.rpc(&c3, "verify_second_factor", &[("code", &next)]).await;
    assert_eq!(error_of(res).await, AppError::SecondFactorInvalid, "replayed code");
    // A recovery code works once, typed any way.
    let res = app.rpc(&c3, "verify_second_factor", &[("code", &codes[0].to_lowercase())]).await;
    assert_eq!(res.status(), 200);
    assert_eq!(account_page(&app, &c3).await.recovery_codes_left, 9);
    let c4 = app.client();
    assert!(password_step(&app, &c4, email, PASSWORD).await);
    let res = app.rpc(&c4, "verify_second_factor", &[("code", &codes[0])]).await;
    assert_eq!(error_of(res).await, AppError::SecondFactorInvalid);

    // Guessing: after five wrong codes the password must be typed again, and the account's
    // second factor waits even with the right code.
    for _ in 0..3 {
        app.rpc(&c4, "verify_second_factor", &[("code", "111111")]).await;
    }
    let res = app.rpc(&c4, "verify_second_factor", &[("code", "222222")]).await;
    assert!(matches!(error_of(res).await, AppError::RateLimited { .. } | AppError::SecondStepExpired));
    let c5 = app.client();
    assert!(password_step(&app, &c5, email, PASSWORD).await);
    let res = app.rpc(&c5, "verify_second_factor", &[("code", &code_at(&key, app.clock.now() + 30))]).await;
    assert!(matches!(error_of(res).await, AppError::RateLimited { .. }));
    // Fifteen minutes later the right code works.
    app.clock.advance(16 * 60);
    let c6 = app.client();
    assert!(password_step(&app, &c6, email, PASSWORD).await);
    let res = app.rpc(&c6, "verify_second_factor", &[("code", &code_at(&key, app.clock.now()))]).await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());

    // A password reset by e-mail does not get past the second factor.
    let form = [("email", email), ("surname", "Иванова"), ("name", "Анна"), ("birth_date", "1985-04-12")];
    assert_eq!(app.rpc(&app.client(), "request_code", &form).await.status(), 200);
    let mail =
        app.store.outbox_recent(5).await.unwrap().into_iter().find(|m| m.subject.contains("Проверочный код")).unwrap();
    let line = mail.body.lines().find(|l| l.contains("код:")).unwrap();
    let code = line.rsplit(' ').next().unwrap().to_string();
    let c7 = app.client();
    let new = "reset but still two factors";
    let res = app
        .rpc(
            &c7,
            "set_password_with_code",
            &[("email", email), ("code", &code), ("password", new), ("password_again", new)],
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["location"], "/signin/second-factor");
    assert_eq!(app.get(&c7, "/news").await.status(), 303);
    assert_eq!(app.rpc(&c7, "verify_second_factor", &[("code", &codes[1])]).await.status(), 200);
    assert_eq!(app.get(&c7, "/news").await.status(), 200);

    // Turning it off needs the password and sends a notice.
    let res = app.rpc(&c7, "totp_turn_off", &[("current_password", PASSWORD)]).await;
    assert_eq!(error_of(res).await, AppError::field("current_password", Problem::PasswordWrong));
    let res = app.rpc(&c7, "totp_turn_off", &[("current_password", new)]).await;
    assert_eq!(res.status(), 200);
    assert!(!password_step(&app, &app.client(), email, new).await);
    let mails = app.store.outbox_recent(20).await.unwrap();
    assert!(mails.iter().any(|m| m.recipient == email && m.subject == "Второй фактор отключён"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_without_a_second_factor_cannot_use_the_staff_area_when_required() {
    let app = spawn_app().await;
    let desk = app.signed_in("registrar@kabinet.example").await;
    // The demo clinic relaxed the rule: works.
    assert_eq!(app.rpc(&desk, "card_search", &[("query", "ив"), ("birth_date", "")]).await.status(), 200);
    let audit = AuditEntry::by(&Actor::system("test"), app.clock.now(), "clinic.staff_totp");
    app.store.set_staff_totp_required(true, audit).await.unwrap();
    let res = app.rpc(&desk, "card_search", &[("query", "ив"), ("birth_date", "")]).await;
    assert_eq!(res.status(), 403);
    assert_eq!(error_of(res).await, AppError::SecondFactorRequired);
    let page = app.get(&desk, "/staff/cards").await;
    assert_eq!(page.status(), 403);
    assert!(page.text().await.unwrap().contains("включите второй фактор"));
    // The account page stays open, so that the factor can be turned on; then the area opens.
    assert_eq!(app.get(&desk, "/account").await.status(), 200);
    enrol(&app, &desk).await;
    assert_eq!(app.rpc(&desk, "card_search", &[("query", "ив"), ("birth_date", "")]).await.status(), 200);
    // Patients are not affected by the staff rule.
    let patient = app.signed_in("patient@kabinet.example").await;
    assert_eq!(app.get(&patient, "/news").await.status(), 200);
    // Only the head of a demo installation may relax it.
    let head = app.signed_in("head@kabinet.example").await;
    assert_eq!(app.rpc(&head, "set_staff_totp", &[]).await.status(), 403, "not a demo installation");
    let demo = spawn_app_with_env(&[("KABINET_DEMO", "1")]).await;
    let demo_head = demo.signed_in("head@kabinet.example").await;
    let demo_desk = demo.signed_in("registrar@kabinet.example").await;
    assert_eq!(demo.rpc(&demo_desk, "set_staff_totp", &[("required", "on")]).await.status(), 403);
    assert_eq!(demo.rpc(&demo_head, "set_staff_totp", &[("required", "on")]).await.status(), 200);
    assert!(demo.store.staff_totp_required().await.unwrap());
    assert_eq!(demo.rpc(&demo_desk, "card_search", &[("query", "ив"), ("birth_date", "")]).await.status(), 403);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sessions_are_listed_and_can_be_ended_one_by_one_or_everywhere() {
    let app = spawn_app().await;
    let email = "guardian@kabinet.example";
    let phone = app.signed_in(email).await;
    let laptop = app.signed_in(email).await;
    let page = account_page(&app, &laptop).await;
    assert_eq!(page.sessions.len(), 2);
    assert_eq!(page.sessions.iter().filter(|s| s.current).count(), 1);
    let other = page.sessions.iter().find(|s| !s.current).unwrap().id;
    // Somebody else's session id is unknown to this account.
    let stranger = app.signed_in("patient@kabinet.example").await;
    let res = app.rpc(&stranger, "end_session", &[("id", &other.to_string())]).await;
    assert_eq!(res.status(), 404);
    assert_eq!(app.get(&phone, "/news").await.status(), 200);
    // The owner ends it: that browser is signed out.
    assert_eq!(app.rpc(&laptop, "end_session", &[("id", &other.to_string())]).await.status(), 200);
    assert_eq!(app.get(&phone, "/news").await.status(), 303);
    assert_eq!(app.get(&laptop, "/news").await.status(), 200);
    // Everywhere, this one included.
    let phone = app.signed_in(email).await;
    assert_eq!(app.rpc(&laptop, "end_all_sessions", &[]).await.status(), 200);
    assert_eq!(app.get(&phone, "/news").await.status(), 303);
    assert_eq!(app.get(&laptop, "/news").await.status(), 303);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changing_the_password_asks_for_the_old_one_ends_other_sessions_and_sends_a_notice() {
    let app = spawn_app().await;
    let email = "patient@kabinet.example";
    let other = app.signed_in(email).await;
    let c = app.signed_in(email).await;
    let new = "a much better passphrase";
    let res = app
        .rpc(&c, "change_password", &[("current_password", "nope"), ("password", new), ("password_again", new)])
        .await;
    assert_eq!(error_of(res).await, AppError::field("current_password", Problem::PasswordWrong));
    let res = app
        .rpc(
            &c,
            "change_password",
            &[("current_password", PASSWORD), ("password", "password1"), ("password_again", "password1")],
        )
        .await;
    assert_eq!(error_of(res).await, AppError::field("password", Problem::PasswordCommon));
    assert_eq!(app.get(&other, "/news").await.status(), 200, "nothing changed yet");
    let res = app
        .rpc(&c, "change_password", &[("current_password", PASSWORD), ("password", new), ("password_again", new)])
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(app.get(&other, "/news").await.status(), 303);
    assert_eq!(app.get(&c, "/news").await.status(), 200);
    let mails = app.store.outbox_recent(20).await.unwrap();
    assert!(mails.iter().any(|m| m.recipient == email && m.subject.contains("Пароль")));
    let fresh = app.client();
    let res = app.rpc(&fresh, "sign_in", &[("email", email), ("password", new)]).await;
    assert_eq!(res.status(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_patient_refuses_advertising_and_sees_who_opened_the_card() {
    let app = spawn_app().await;
    let patient = app.signed_in("patient@kabinet.example").await;
    let page = account_page(&app, &patient).await;
    assert_eq!(page.consents.len(), 3);
    assert!(!page.refusals.unwrap().advertising);
    let res = app.rpc(&patient, "set_my_refusals", &[("advertising", "on")]).await;
    assert_eq!(res.status(), 200);
    let page = account_page(&app, &patient).await;
    let refusals = page.refusals.unwrap();
    assert!(refusals.advertising && !refusals.notifications && !refusals.pd_processing);
    assert!(page.journal.iter().any(|l| l.action == "card.refusals" && l.actor_role == ActorRole::Patient));
    // The front desk opens the card: the patient sees who, by role and name.
    let desk = app.signed_in("registrar@kabinet.example").await;
    let card_id = app.store.card_search("иванова", None, 1).await.unwrap()[0].card_id;
    assert_eq!(app.rpc(&desk, "get_card", &[("id", &card_id.to_string())]).await.status(), 200);
    let page = account_page(&app, &patient).await;
    let line = page.journal.iter().find(|l| l.action == "card.open").expect("journalled");
    assert_eq!(line.actor_role, ActorRole::Staff(Role::Registrar));
    assert!(line.staff_name.is_some());
    let html = app.get(&patient, "/account").await.text().await.unwrap();
    assert!(html.contains("Журнал доступа к карте"));
    assert!(html.contains("открыта карта"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changing_the_sign_in_address_asks_for_the_password_and_tells_both_addresses() {
    let app = spawn_app().await;
    let c = app.signed_in("patient@kabinet.example").await;
    let form = |pw: &'static str, to: &'static str| [("current_password", pw), ("new_email", to)];
    let res = app.rpc(&c, "change_email", &form("wrong", "anna.new@example.com")).await;
    assert_eq!(error_of(res).await, AppError::field("current_password", Problem::PasswordWrong));
    let res = app.rpc(&c, "change_email", &form(PASSWORD, "not an address")).await;
    assert_eq!(error_of(res).await, AppError::field("new_email", Problem::Email));
    // Another account's address is refused without saying whose it is.
    let res = app.rpc(&c, "change_email", &form(PASSWORD, "doctor@kabinet.example")).await;
    assert_eq!(error_of(res).await, AppError::field("new_email", Problem::EmailUnavailable));
    let res = app.rpc(&c, "change_email", &form(PASSWORD, "Anna.New@Example.com")).await;
    assert_eq!(res.status(), 200);
    assert_eq!(account_page(&app, &c).await.login_email, "anna.new@example.com");
    let mails = app.store.outbox_recent(10).await.unwrap();
    for to in ["patient@kabinet.example", "anna.new@example.com"] {
        assert!(mails.iter().any(|m| m.recipient == to && m.subject.contains("изменён")), "{to}");
    }
    let fresh = app.client();
    let res = app.rpc(&fresh, "sign_in", &[("email", "anna.new@example.com"), ("password", PASSWORD)]).await;
    assert_eq!(res.status(), 200);
}

// --- Secrets at rest -------------------------------------------------------------------------

/// The TOTP secret as the database keeps it for `email`'s account.
async fn stored_secret(app: &TestApp, email: &str) -> (i64, Option<String>) {
    let id = app.scalar(&format!("SELECT id FROM account WHERE email = '{email}'")).await;
    let all = app.store.totp_secrets_all().await.unwrap();
    (id, all.into_iter().find(|s| s.account_id == id).and_then(|s| s.secret))
}

fn test_box() -> SecretBox {
    SecretBox::new(SecretKey::parse(TEST_SECRET_KEY).unwrap(), None)
}

const CLEAR_SECRET: &str = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_second_factor_secret_is_kept_sealed_and_sign_in_still_works() {
    let app = spawn_app().await;
    let email = "patient@kabinet.example";
    let c = app.signed_in(email).await;
    let (key, _) = enrol(&app, &c).await;
    let plain = key.replace(' ', "");
    let (id, stored) = stored_secret(&app, email).await;
    let stored = stored.expect("a confirmed secret");
    assert!(stored.starts_with("v1:"), "sealed: {stored}");
    assert!(!stored.contains(&plain) && !stored.contains(&plain[..8]), "no base32 secret in the column");
    assert_eq!(test_box().open(&stored, id).unwrap().into_plain(), plain, "sealed with the configured key");
    let c2 = app.client();
    assert!(password_step(&app, &c2, email, PASSWORD).await);
    let res = app.rpc(&c2, "verify_second_factor", &[("code", &code_at(&key, app.clock.now() + 30))]).await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_secret_kept_in_clear_before_the_upgrade_works_once_and_is_sealed() {
    let app = spawn_app().await;
    let email = "patient@kabinet.example";
    app.raw_sql(&format!("UPDATE account SET totp_secret = '{CLEAR_SECRET}' WHERE email = '{email}'")).await;
    let c = app.client();
    assert!(password_step(&app, &c, email, PASSWORD).await);
    let res = app.rpc(&c, "verify_second_factor", &[("code", &code_at(CLEAR_SECRET, app.clock.now()))]).await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let (id, stored) = stored_secret(&app, email).await;
    let stored = stored.unwrap();
    assert!(stored.starts_with("v1:") && !stored.contains(CLEAR_SECRET), "sealed on first use: {stored}");
    assert_eq!(test_box().open(&stored, id).unwrap().into_plain(), CLEAR_SECRET);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn starting_seals_clear_secrets_and_counts_those_no_key_opens() {
    let app = spawn_app().await;
    app.raw_sql(&format!(
        "UPDATE account SET totp_pending_secret = '{CLEAR_SECRET}' WHERE email = 'doctor@kabinet.example'"
    ))
    .await;
    let report = reseal_stored_secrets(&*app.store, &test_box()).await.unwrap();
    assert_eq!(report, ResealReport { sealed: 1, unreadable: 0 });
    let doctor = app.scalar("SELECT id FROM account WHERE email = 'doctor@kabinet.example'").await;
    let all = app.store.totp_secrets_all().await.unwrap();
    let pending = all.iter().find(|s| s.account_id == doctor).unwrap().pending_secret.clone().unwrap();
    assert!(pending.starts_with("v1:"), "{pending}");
    assert_eq!(reseal_stored_secrets(&*app.store, &test_box()).await.unwrap(), ResealReport::default());
    let stranger = SecretBox::new(SecretKey::generate(), None);
    let report = reseal_stored_secrets(&*app.store, &stranger).await.unwrap();
    assert_eq!(report, ResealReport { sealed: 0, unreadable: 1 }, "a wrong key changes nothing");
    assert_eq!(app.store.totp_secrets_all().await.unwrap(), all);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_a_key_rotation_old_secrets_open_and_are_sealed_with_the_new_key() {
    let new_key = SecretKey::generate();
    let app = spawn_app_with_env(&[
        ("KABINET_SECRET_KEY", &new_key.to_base64()),
        ("KABINET_SECRET_KEY_OLD", TEST_SECRET_KEY),
    ])
    .await;
    let email = "patient@kabinet.example";
    let id = app.scalar(&format!("SELECT id FROM account WHERE email = '{email}'")).await;
    let under_old_key = test_box().seal(CLEAR_SECRET, id);
    app.raw_sql(&format!("UPDATE account SET totp_secret = '{under_old_key}' WHERE id = {id}")).await;
    let c = app.client();
    assert!(password_step(&app, &c, email, PASSWORD).await);
    let res = app.rpc(&c, "verify_second_factor", &[("code", &code_at(CLEAR_SECRET, app.clock.now()))]).await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let stored = stored_secret(&app, email).await.1.unwrap();
    assert_ne!(stored, under_old_key);
    let new_only = SecretBox::new(new_key, None);
    assert!(matches!(new_only.open(&stored, id), Ok(Opened::Current(p)) if p == CLEAR_SECRET), "re-sealed");
}
