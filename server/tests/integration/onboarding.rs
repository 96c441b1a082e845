//! Onboarding through the real server: the front desk's card, consents and invitation;
//! "Registration / change password" with e-mailed codes; what is refused and how.

use crate::outbox::{body_of, free_port, SmtpSink};
use crate::support::{error_of, spawn_app, spawn_app_with_env, TestApp};
use app::kernel::error::{AppError, Problem};
use app::platform::store::OutboxMail;
use std::time::Duration;

const NEW_PATIENT: &str = "new.patient@kabinet.example";
const NEW_PATIENT_FORM: [(&str, &str); 4] =
    [("email", NEW_PATIENT), ("surname", "Новикова"), ("name", "Ольга"), ("birth_date", "1992-02-17")];
const GOOD_PASSWORD: &str = "green pelican on a bicycle";

/// The mail queued for `to`, newest first.
async fn mail_to(app: &TestApp, to: &str) -> Vec<OutboxMail> {
    app.store.outbox_recent(100).await.unwrap().into_iter().filter(|m| m.recipient == to).collect()
}

/// The code in a code e-mail ("XXXX-XXXX" on the line after the greeting).
fn code_in(mail: &OutboxMail) -> String {
    let line = mail.body.lines().find(|l| l.contains("код:") || l.contains("code:")).expect("a code line");
    let code = line.rsplit(' ').next().unwrap().trim().to_string();
    assert_eq!(code.len(), 9, "{code}");
    code
}

async fn latest_code(app: &TestApp, to: &str) -> String {
    let mails = mail_to(app, to).await;
    let mail = mails.iter().find(|m| m.subject.contains("Проверочный код")).expect("a code e-mail");
    code_in(mail)
}

async fn request_code(app: &TestApp, c: &reqwest::Client, form: &[(&str, &str)]) -> reqwest::Response {
    app.rpc(c, "request_code", form).await
}

async fn submit_code(app: &TestApp, c: &reqwest::Client, email: &str, code: &str, password: &str) -> reqwest::Response {
    app.rpc(
        c,
        "set_password_with_code",
        &[("email", email), ("code", code), ("password", password), ("password_again", password)],
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_patient_registers_with_the_emailed_code_and_is_signed_in() {
    let app = spawn_app().await;
    let c = app.client();
    let res = request_code(&app, &c, &NEW_PATIENT_FORM).await;
    assert_eq!(res.status(), 200);
    let code = latest_code(&app, NEW_PATIENT).await;
    // The e-mail's one-click link carries the code to the form.
    let mail = &mail_to(&app, NEW_PATIENT).await[0];
    assert!(mail
        .body
        .contains(&format!("/register/code?email=new.patient%40kabinet.example&code={}", code.replace('-', ""))));
    // Lower case and without the dash is the same code.
    let res = submit_code(&app, &c, NEW_PATIENT, &code.to_lowercase().replace('-', " "), GOOD_PASSWORD).await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    // Signed in at once.
    assert_eq!(app.get(&c, "/news").await.status(), 200);
    // A notice went to the mailbox; the password works for a fresh sign-in.
    assert!(mail_to(&app, NEW_PATIENT).await.iter().any(|m| m.subject.contains("Пароль")));
    let fresh = app.client();
    let res = app.rpc(&fresh, "sign_in", &[("email", NEW_PATIENT), ("password", GOOD_PASSWORD)]).await;
    assert_eq!(res.status(), 200);
    // The code is spent: using it again fails.
    let res = submit_code(&app, &app.client(), NEW_PATIENT, &code, "another fine password").await;
    assert_eq!(res.status(), 422);
    assert_eq!(error_of(res).await, AppError::CodeInvalid);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn registration_answers_the_same_whatever_matched() {
    let app = spawn_app().await;
    let variants: [[(&str, &str); 4]; 4] = [
        NEW_PATIENT_FORM,
        // Wrong date of birth.
        [("email", NEW_PATIENT), ("surname", "Новикова"), ("name", "Ольга"), ("birth_date", "1992-02-18")],
        // Unknown e-mail.
        [("email", "nobody@kabinet.example"), ("surname", "Новикова"), ("name", "Ольга"), ("birth_date", "1992-02-17")],
        // An existing patient with an account (password change) and a name typed differently.
        [
            ("email", "patient@kabinet.example"),
            ("surname", " иванова "),
            ("name", "АННА"),
            ("birth_date", "1985-04-12"),
        ],
    ];
    let mut answers = Vec::new();
    for form in &variants {
        let res = request_code(&app, &app.client(), form).await;
        let status = res.status();
        let target = res.headers().get("location").map(|v| v.to_str().unwrap().to_string());
        let body = res.text().await.unwrap();
        let target = target.map(|t| t.replace(&form[0].1.replace('@', "%40"), "EMAIL"));
        answers.push((status, target, body));
    }
    assert_eq!(answers[0].1.as_deref(), Some("/register/code?email=EMAIL"));
    for a in &answers[1..] {
        assert_eq!(a, &answers[0]);
    }
    // The same without JavaScript: a redirect to the next step, identical but for the e-mail.
    let mut plain = Vec::new();
    for form in &variants {
        let res = app
            .client()
            .post(format!("{}/rpc/request_code", app.base))
            .header("Origin", &app.base)
            .header("Accept", "text/html")
            .form(form)
            .send()
            .await
            .unwrap();
        let location = res.headers()["location"].to_str().unwrap().replace(&form[0].1.replace('@', "%40"), "EMAIL");
        plain.push((res.status(), location, res.text().await.unwrap()));
    }
    assert!(plain[0].0.is_redirection(), "{:?}", plain[0].0);
    assert_eq!(plain[0].1, "/register/code?email=EMAIL");
    for p in &plain[1..] {
        assert_eq!(p, &plain[0]);
    }
    // Only the two real matches got codes.
    assert!(!mail_to(&app, NEW_PATIENT).await.is_empty());
    assert!(!mail_to(&app, "patient@kabinet.example").await.is_empty());
    assert!(mail_to(&app, "nobody@kabinet.example").await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_expired_replaced_and_brute_forced_codes_are_refused() {
    let app = spawn_app().await;
    let c = app.client();
    request_code(&app, &c, &NEW_PATIENT_FORM).await;
    let first = latest_code(&app, NEW_PATIENT).await;
    // A second request replaces the first code.
    request_code(&app, &c, &NEW_PATIENT_FORM).await;
    let second = latest_code(&app, NEW_PATIENT).await;
    assert_ne!(first, second);
    let res = submit_code(&app, &c, NEW_PATIENT, &first, GOOD_PASSWORD).await;
    assert_eq!(error_of(res).await, AppError::CodeInvalid);
    // Password rules are checked before the code, and such a mistake costs no try.
    let res = submit_code(&app, &c, NEW_PATIENT, &second, "short").await;
    assert_eq!(error_of(res).await, AppError::field("password", Problem::PasswordTooShort));
    let res = submit_code(&app, &c, NEW_PATIENT, &second, "12345678").await;
    assert_eq!(error_of(res).await, AppError::field("password", Problem::PasswordCommon));
    let res = app
        .rpc(
            &c,
            "set_password_with_code",
            &[("email", NEW_PATIENT), ("code", &second), ("password", GOOD_PASSWORD), ("password_again", "other")],
        )
        .await;
    assert_eq!(error_of(res).await, AppError::field("password_again", Problem::PasswordMismatch));
    // Five wrong tries void the code (the replaced code typed above was the first), and then
    // even the right code is refused.
    for i in 0..4 {
        let res = submit_code(&app, &c, NEW_PATIENT, "ZZZZ-ZZZZ", GOOD_PASSWORD).await;
        assert_eq!(res.status(), 422);
        let expected = if i < 3 { AppError::CodeInvalid } else { AppError::CodeExhausted };
        assert_eq!(error_of(res).await, expected, "try {i}");
    }
    let res = submit_code(&app, &c, NEW_PATIENT, &second, GOOD_PASSWORD).await;
    assert_eq!(error_of(res).await, AppError::CodeInvalid);
    // An expired code: 24 hours later it no longer works.
    request_code(&app, &c, &NEW_PATIENT_FORM).await;
    let third = latest_code(&app, NEW_PATIENT).await;
    app.clock.advance(24 * 60 * 60 + 1);
    let res = submit_code(&app, &c, NEW_PATIENT, &third, GOOD_PASSWORD).await;
    assert_eq!(error_of(res).await, AppError::CodeInvalid);
    // Nothing was set: the account still does not exist.
    let res = app.rpc(&app.client(), "sign_in", &[("email", NEW_PATIENT), ("password", GOOD_PASSWORD)]).await;
    assert_eq!(error_of(res).await, AppError::SignInFailed);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn code_requests_and_tries_are_throttled() {
    let app = spawn_app().await;
    let c = app.client();
    let mut limited = None;
    for i in 0..7 {
        let res = request_code(&app, &c, &NEW_PATIENT_FORM).await;
        if res.status() == 429 {
            limited = Some(i);
            break;
        }
    }
    assert_eq!(limited, Some(4), "the fifth request for one e-mail within the hour is refused");
    // Wrong codes from one address: after 20 the address waits, whatever the e-mail.
    let mut statuses = Vec::new();
    for i in 0..22 {
        let email = format!("guess{i}@example.com");
        statuses.push(submit_code(&app, &c, &email, "ABCD-EFGH", GOOD_PASSWORD).await.status().as_u16());
    }
    assert!(statuses[..20].iter().all(|s| *s == 422), "{statuses:?}");
    assert_eq!(statuses[21], 429);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_front_desk_creates_a_card_records_consents_and_invites() {
    let app = spawn_app().await;
    let desk = app.signed_in("registrar@kabinet.example").await;
    let email = "sokolov@example.com";
    let res = app
        .rpc(
            &desk,
            "card_create",
            &[
                ("surname", "Соколов"),
                ("name", "Игорь"),
                ("patronymic", ""),
                ("birth_date", "1975-11-30"),
                ("sex", "male"),
                ("phone", "8 (916) 000-11-22"),
                ("email", email),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    let id: i64 = res.json().await.unwrap();
    // Bad input: every problem named, nothing created.
    let res = app
        .rpc(
            &desk,
            "card_create",
            &[
                ("surname", ""),
                ("name", "Игорь"),
                ("patronymic", ""),
                ("birth_date", "2999-01-01"),
                ("sex", "x"),
                ("phone", "12"),
                ("email", "not-an-email"),
            ],
        )
        .await;
    match error_of(res).await {
        AppError::Validation(errors) => {
            let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
            assert_eq!(fields, ["surname", "birth_date", "sex", "phone", "email"]);
        }
        other => panic!("{other:?}"),
    }
    // Found by the start of the surname, in any case.
    let res = app.rpc(&desk, "card_search", &[("query", "соко"), ("birth_date", "")]).await;
    let found: Vec<app::features::cards::rules::CardSummary> = res.json().await.unwrap();
    assert_eq!(found.iter().map(|c| c.id).collect::<Vec<_>>(), [id]);
    assert!(!found[0].consents_complete);

    // Without consents: no invitation, and registration sends a letter saying what to do.
    let res = app.rpc(&desk, "send_invitation", &[("id", &id.to_string())]).await;
    assert_eq!(error_of(res).await, AppError::ConsentsMissing);
    let form = [("email", email), ("surname", "Соколов"), ("name", "Игорь"), ("birth_date", "1975-11-30")];
    let res = request_code(&app, &app.client(), &form).await;
    assert_eq!(res.status(), 200);
    let mails = mail_to(&app, email).await;
    assert_eq!(mails.len(), 1);
    assert!(mails[0].subject.contains("согласия"), "{}", mails[0].subject);
    assert!(!mails[0].body.contains("код:"));

    // Two consents are not enough.
    let id_s = id.to_string();
    let today = time::OffsetDateTime::now_utc().date().to_string();
    let res = app
        .rpc(
            &desk,
            "record_consents",
            &[
                ("id", &id_s),
                ("signed_on", &today),
                ("telemedicine", "on"),
                ("pd_processing", "on"),
                ("results_email", ""),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    let res = app.rpc(&desk, "send_invitation", &[("id", &id_s)]).await;
    assert_eq!(error_of(res).await, AppError::ConsentsMissing);
    // Results by e-mail needs its address.
    let res = app
        .rpc(
            &desk,
            "record_consents",
            &[("id", &id_s), ("signed_on", &today), ("email_results", "on"), ("results_email", "")],
        )
        .await;
    assert_eq!(error_of(res).await, AppError::field("results_email", Problem::Required));
    let res = app
        .rpc(
            &desk,
            "record_consents",
            &[("id", &id_s), ("signed_on", &today), ("email_results", "on"), ("results_email", email)],
        )
        .await;
    assert_eq!(res.status(), 200);
    let res = app.rpc(&desk, "get_card", &[("id", &id_s)]).await;
    let card: app::features::cards::rules::CardDetail = res.json().await.unwrap();
    assert!(card.consents_complete);
    assert!(card.consents.iter().all(|c| c.text_version == app::features::onboarding::rules::CONSENT_TEXT_VERSION));

    let res = app.rpc(&desk, "send_invitation", &[("id", &id_s)]).await;
    assert_eq!(res.status(), 200);
    let invitation =
        mail_to(&app, email).await.into_iter().find(|m| m.subject.contains("Приглашение")).expect("invitation");
    assert!(invitation.body.contains("/signin"));
    assert!(invitation.body.contains("Игорь"));

    // Now registration works, and the journal names what the front desk did.
    request_code(&app, &app.client(), &form).await;
    let code = latest_code(&app, email).await;
    let patient = app.client();
    assert_eq!(submit_code(&app, &patient, email, &code, GOOD_PASSWORD).await.status(), 200);
    let actions: Vec<String> = app.store.audit_for_card(id).await.unwrap().into_iter().map(|e| e.action).collect();
    for a in ["card.create", "card.consents", "card.invite", "account.password_set"] {
        assert!(actions.iter().any(|x| x == a), "{a} in {actions:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_the_front_desk_and_the_head_manage_cards() {
    let app = spawn_app().await;
    for who in ["patient@kabinet.example", "doctor@kabinet.example", "editor@kabinet.example"] {
        let c = app.signed_in(who).await;
        let res = app.rpc(&c, "card_search", &[("query", "и"), ("birth_date", "")]).await;
        assert_eq!(res.status(), 403, "{who}");
        let res = app.rpc(&c, "get_card", &[("id", "1")]).await;
        assert_eq!(res.status(), 403, "{who}");
        assert_eq!(app.get(&c, "/staff/cards").await.status(), 403, "{who}");
    }
    let head = app.signed_in("head@kabinet.example").await;
    assert_eq!(app.get(&head, "/staff/cards?q=%D0%B8%D0%B2").await.status(), 200);
    let page = app.get(&head, "/staff/cards?q=%D0%B8%D0%B2").await.text().await.unwrap();
    assert!(page.contains("Иванова Анна Петровна"), "search results are rendered on the server");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_mailbox_exists_only_in_demo_mode() {
    let app = spawn_app().await;
    assert_eq!(app.rpc(&app.client(), "demo_mailbox", &[]).await.status(), 404);
    assert_eq!(app.get(&app.client(), "/demo/mail").await.status(), 404);
    let demo = spawn_app_with_env(&[("KABINET_DEMO", "1")]).await;
    request_code(&demo, &demo.client(), &NEW_PATIENT_FORM).await;
    let page = demo.get(&demo.client(), "/demo/mail").await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("Проверочный код для личного кабинета"));
    assert!(html.contains(NEW_PATIENT));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_smtp_outage_during_registration_delays_the_code_but_loses_nothing() {
    let port = free_port();
    let maildir = tempfile::tempdir().unwrap();
    let smtp = format!("smtp://127.0.0.1:{port}");
    let app =
        spawn_app_with_env(&[("KABINET_SMTP_URL", &smtp), ("KABINET_MAIL_FROM", "Клиника <clinic@kabinet.example>")])
            .await;
    // The SMTP server is down while the patient asks for a code.
    let res = request_code(&app, &app.client(), &NEW_PATIENT_FORM).await;
    assert_eq!(res.status(), 200);
    tokio::time::sleep(Duration::from_secs(3)).await;
    let queued = mail_to(&app, NEW_PATIENT).await;
    assert_eq!(queued.len(), 1);
    assert!(queued[0].sent_at.is_none() && queued[0].attempts >= 1, "{queued:?}");
    // Unsent, the outbox still holds the code (the demo mailbox shows it then).
    let code = code_in(&queued[0]);
    // It comes back; time passes beyond the retry delay; the message arrives once.
    let sink = SmtpSink::start(port, maildir.path());
    app.clock.advance(30 * 60);
    let mut received = Vec::new();
    for _ in 0..60 {
        received = sink.messages();
        if !received.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    app.clock.advance(30 * 60);
    tokio::time::sleep(Duration::from_secs(3)).await;
    let received_after = sink.messages();
    sink.stop();
    assert_eq!(received.len(), 1, "arrived");
    assert_eq!(received_after.len(), 1, "and only once");
    assert!(body_of(&received[0]).contains(&code), "the received message carries the code: {}", received[0]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn once_a_code_is_sent_the_outbox_keeps_the_message_without_it() {
    let port = free_port();
    let maildir = tempfile::tempdir().unwrap();
    let sink = SmtpSink::start(port, maildir.path());
    let smtp = format!("smtp://127.0.0.1:{port}");
    let app = spawn_app_with_env(&[("KABINET_SMTP_URL", &smtp)]).await;
    assert_eq!(request_code(&app, &app.client(), &NEW_PATIENT_FORM).await.status(), 200);
    let mut received = Vec::new();
    for _ in 0..60 {
        received = sink.messages();
        if !received.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert_eq!(received.len(), 1, "the worker sent the code");
    let sent_text = body_of(&received[0]);
    let code_line = sent_text.lines().find(|l| l.contains("код:")).expect("a code line");
    let code = code_line.rsplit(' ').next().unwrap().trim().to_string();
    assert_eq!(code.len(), 9, "{sent_text}");
    assert!(sent_text.contains(&format!("code={}", code.replace('-', ""))), "the link went out whole");
    let mut kept = mail_to(&app, NEW_PATIENT).await;
    for _ in 0..20 {
        if kept[0].sent_at.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
        kept = mail_to(&app, NEW_PATIENT).await;
    }
    let row = &kept[0];
    assert!(row.sent_at.is_some(), "marked sent");
    assert!(!row.body.contains(&code) && !row.body.contains(&code.replace('-', "")), "{}", row.body);
    assert!(!row.body.contains("code="), "nor the link that carries it: {}", row.body);
    assert!(row.body.contains("Ваш проверочный код: •••"), "the rest of the message stays: {}", row.body);
    assert!(!row.body.contains(['\u{E000}', '\u{E001}']), "no marks are stored");
    sink.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_patient_whose_card_lacks_consents_is_told_why_at_sign_in() {
    let app = spawn_app().await;
    let card = app.store.card_search("иванова", None, 1).await.unwrap()[0].card_id;
    app.raw_sql(&format!("DELETE FROM consent WHERE card_id = {card} AND kind = 'telemedicine'")).await;
    let res = app
        .rpc(&app.client(), "sign_in", &[("email", "patient@kabinet.example"), ("password", crate::support::PASSWORD)])
        .await;
    assert_eq!(res.status(), 403);
    assert_eq!(error_of(res).await, AppError::ConsentsMissing);
    // In plain words, in both languages.
    assert!(AppError::ConsentsMissing.message(&app::i18n::RU).contains("регистратуру"));
    // A wrong password still says nothing about the card.
    let res = app.rpc(&app.client(), "sign_in", &[("email", "patient@kabinet.example"), ("password", "wrong")]).await;
    assert_eq!(error_of(res).await, AppError::SignInFailed);
}
