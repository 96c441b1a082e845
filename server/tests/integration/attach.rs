//! Attach codes through the real server: issued by the front desk to the right contact, they
//! link the right card exactly once.

use crate::support::{error_of, spawn_app, spawn_app_with_env, TestApp};
use app::kernel::error::{AppError, Problem};
use app::platform::store::{Channel, OutboxMail};

/// The newest message to `to` and the nine digits in it.
async fn code_sent_to(app: &TestApp, to: &str) -> (OutboxMail, String) {
    let m = app.store.outbox_recent(50).await.unwrap().into_iter().find(|m| m.recipient == to).expect("a message");
    let digits: String = m.body.chars().filter(|c| c.is_ascii_digit()).collect();
    let code = digits.chars().take(9).collect();
    (m, code)
}

async fn new_card(app: &TestApp, desk: &reqwest::Client, surname: &str, birth: &str, phone: &str, email: &str) -> i64 {
    let res = app
        .rpc(
            desk,
            "card_create",
            &[
                ("surname", surname),
                ("name", "Тест"),
                ("patronymic", ""),
                ("birth_date", birth),
                ("sex", "female"),
                ("phone", phone),
                ("email", email),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

async fn profiles(app: &TestApp, c: &reqwest::Client) -> Vec<i64> {
    let me: Option<app::kernel::account::Me> = app.rpc(c, "current_user", &[]).await.json().await.unwrap();
    me.unwrap().profiles.into_iter().map(|p| p.card_id).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_guardian_attaches_a_childs_card_with_a_code_sent_by_sms_exactly_once() {
    let app = spawn_app().await;
    let desk = app.signed_in("registrar@kabinet.example").await;
    let child = new_card(&app, &desk, "Иванов", "2019-03-01", "", "").await;
    let mother = app.store.card_search("иванова анна", None, 1).await.unwrap()[0].card_id;
    // For the patient themself: a child's card has no contact at all.
    let res = app
        .rpc(&desk, "issue_attach_code", &[("id", &child.to_string()), ("recipient", "patient"), ("guardian_card", "")])
        .await;
    assert_eq!(error_of(res).await, AppError::NoContact);
    // For the guardian: the code goes to her mobile phone first.
    let res = app
        .rpc(
            &desk,
            "issue_attach_code",
            &[("id", &child.to_string()), ("recipient", "guardian"), ("guardian_card", &mother.to_string())],
        )
        .await;
    assert_eq!(res.status(), 200);
    let shown: String = res.json().await.unwrap();
    assert_eq!(shown, "SMS +7… 45-67", "the desk sees where it went, masked");
    let (sms, code) = code_sent_to(&app, "+79161234567").await;
    assert_eq!(sms.channel, Channel::Sms);
    assert_eq!(code.len(), 9);

    let mother_c = app.signed_in("patient@kabinet.example").await;
    assert!(!profiles(&app, &mother_c).await.contains(&child));
    // Somebody else cannot use it: the code is bound to the guardian named at issue.
    let stranger = app.signed_in("guardian@kabinet.example").await;
    let res = app.rpc(&stranger, "attach_card", &[("code", &code)]).await;
    assert_eq!(error_of(res).await, AppError::AttachCodeInvalid);
    // A wrong code, then the right one typed with spaces.
    let res = app.rpc(&mother_c, "attach_card", &[("code", "000000000")]).await;
    assert_eq!(error_of(res).await, AppError::AttachCodeInvalid);
    let spaced = format!("{} {} {}", &code[..3], &code[3..6], &code[6..]);
    assert_eq!(app.rpc(&mother_c, "attach_card", &[("code", &spaced)]).await.status(), 200);
    assert!(profiles(&app, &mother_c).await.contains(&child));
    // Once only.
    let res = app.rpc(&mother_c, "attach_card", &[("code", &code)]).await;
    assert_eq!(error_of(res).await, AppError::AttachCodeInvalid);
    let actions: Vec<_> = app.store.audit_for_card(child).await.unwrap().into_iter().map(|e| e.action).collect();
    assert!(actions.contains(&"card.attach_code".to_string()) && actions.contains(&"card.attach".to_string()));
    // The development SMS provider records the message as delivered.
    tokio::time::sleep(std::time::Duration::from_secs(3)).await;
    let (sms, _) = code_sent_to(&app, "+79161234567").await;
    assert!(sms.sent_at.is_some(), "{sms:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_attach_code_expires_and_guessing_is_limited_per_account() {
    let app = spawn_app().await;
    let desk = app.signed_in("registrar@kabinet.example").await;
    let child = new_card(&app, &desk, "Петрова", "2020-07-07", "", "").await;
    let father = app.store.card_search("петров дмитрий", None, 1).await.unwrap()[0].card_id;
    let (child_s, father_s) = (child.to_string(), father.to_string());
    let form = [("id", child_s.as_str()), ("recipient", "guardian"), ("guardian_card", father_s.as_str())];
    assert_eq!(app.rpc(&desk, "issue_attach_code", &form).await.status(), 200);
    let (_, code) = code_sent_to(&app, "+79037654321").await;
    app.clock.advance(72 * 3600 + 1);
    let father_c = app.signed_in("guardian@kabinet.example").await;
    let res = app.rpc(&father_c, "attach_card", &[("code", &code)]).await;
    assert_eq!(error_of(res).await, AppError::AttachCodeInvalid, "expired");
    // Five wrong tries in an hour, then the account waits, even with a right code.
    let desk = app.signed_in("registrar@kabinet.example").await;
    assert_eq!(app.rpc(&desk, "issue_attach_code", &form).await.status(), 200);
    let (_, fresh) = code_sent_to(&app, "+79037654321").await;
    for _ in 0..3 {
        app.rpc(&father_c, "attach_card", &[("code", "111111111")]).await;
    }
    let res = app.rpc(&father_c, "attach_card", &[("code", "222222222")]).await;
    assert!(matches!(error_of(res).await, AppError::RateLimited { .. }));
    let res = app.rpc(&father_c, "attach_card", &[("code", &fresh)]).await;
    assert!(matches!(error_of(res).await, AppError::RateLimited { .. }));
    app.clock.advance(3601);
    let father_c = app.signed_in("guardian@kabinet.example").await;
    assert_eq!(app.rpc(&father_c, "attach_card", &[("code", &fresh)]).await.status(), 200);
    // Patients cannot issue codes.
    let res = app
        .rpc(
            &father_c,
            "issue_attach_code",
            &[("id", &child.to_string()), ("recipient", "patient"), ("guardian_card", "")],
        )
        .await;
    assert_eq!(res.status(), 403);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn codes_go_by_email_first_when_so_configured_and_attach_a_staff_members_own_card() {
    let app = spawn_app_with_env(&[("KABINET_CONTACT_PRIORITY", "email")]).await;
    let desk = app.signed_in("registrar@kabinet.example").await;
    let card = new_card(&app, &desk, "Врачёва", "1970-01-01", "+7 916 222-33-44", "own-card@example.com").await;
    let res = app
        .rpc(&desk, "issue_attach_code", &[("id", &card.to_string()), ("recipient", "patient"), ("guardian_card", "")])
        .await;
    assert_eq!(res.json::<String>().await.unwrap(), "o***@example.com");
    let (mail, code) = code_sent_to(&app, "own-card@example.com").await;
    assert_eq!(mail.channel, Channel::Email);
    // A doctor, whose account has no card, attaches this one as her own.
    let doctor = app.signed_in("doctor@kabinet.example").await;
    assert!(profiles(&app, &doctor).await.is_empty());
    assert_eq!(app.rpc(&doctor, "attach_card", &[("code", &code)]).await.status(), 200);
    assert_eq!(profiles(&app, &doctor).await, [card]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_heads_settings_decide_an_attach_codes_lifetime_and_first_contact() {
    let app = spawn_app().await;
    let head = app.signed_in("head@kabinet.example").await;
    let desk = app.signed_in("registrar@kabinet.example").await;
    let father = app.store.card_search("петров дмитрий", None, 1).await.unwrap()[0].card_id.to_string();
    let issue_form = [("id", father.as_str()), ("recipient", "patient"), ("guardian_card", "")];
    let issue = || app.rpc(&desk, "issue_attach_code", &issue_form);
    let latest = || async {
        (
            app.scalar(
                "SELECT COUNT(*) FROM (SELECT channel FROM attach_code ORDER BY id DESC LIMIT 1) latest
                 WHERE channel = 'email'",
            )
            .await,
            app.scalar("SELECT expires_at - created_at FROM attach_code ORDER BY id DESC LIMIT 1").await,
        )
    };
    // The installation's defaults: 72 hours, the phone first.
    assert_eq!(issue().await.status(), 200);
    assert_eq!(latest().await, (0, 72 * 3600));

    // Bad input is named field by field and changes nothing; the front desk may not set them.
    let form = |ttl: &'static str, to: &'static str, edit: &'static str| {
        [("attach_code_ttl_hours", ttl), ("contact_priority", to), ("protocol_edit_hours", edit)]
    };
    let res = app.rpc(&head, "save_clinic_settings", &form("0", "fax", "999")).await;
    let AppError::Validation(problems) = error_of(res).await else { panic!("validation") };
    let fields: Vec<_> = problems.iter().map(|p| (p.field.as_str(), p.problem)).collect();
    assert_eq!(
        fields,
        [
            ("attach_code_ttl_hours", Problem::Range),
            ("protocol_edit_hours", Problem::Range),
            ("contact_priority", Problem::Choice)
        ]
    );
    assert_eq!(app.rpc(&desk, "save_clinic_settings", &form("2", "email", "48")).await.status(), 403);
    assert_eq!(issue().await.status(), 200);
    assert_eq!(latest().await, (0, 72 * 3600), "unchanged");

    // The head's: two hours, e-mail first; the page shows them.
    assert_eq!(app.rpc(&head, "save_clinic_settings", &form("2", "email", "48")).await.status(), 200);
    assert_eq!(issue().await.status(), 200);
    assert_eq!(latest().await, (1, 2 * 3600));
    let page = app.get(&head, "/staff/clinic").await.text().await.unwrap();
    assert!(page.contains(r#"value="2""#) && page.contains(r#"<option value="email" selected"#), "{page}");
    assert!(page.contains(r#"value="48""#));
    assert_eq!(app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'clinic.settings'").await, 1);
}
