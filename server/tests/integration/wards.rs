//! The teen and ended-guardianship rules (SECURITY.md "Access") through the real server: care a
//! minor of 15 or more consented to alone is kept from the guardian's view of the ward in every
//! read path (list, record, doctors, files, export) and never lands in a guardian's card; files
//! that landed in a guardian's card for a ward show there, under the ward's name, only while the
//! guardianship holds (18th birthday, revocation — also in an open session), and in the ward's
//! own record once the ward has an account.

use crate::support::{error_of, spawn_app, TestApp};
use app::features::record::delivery::{CardDocuments, FileStatus, Reason};
use app::features::record::document_rules::Refusal;
use app::features::record::rules::RecordList;
use app::i18n::Lang;
use app::kernel::account::Roles;
use app::kernel::error::{AppError, FieldError, Problem};
use app::platform::state::{AppState, ContactPriority, PortalConfig};
use app::platform::store::SessionRecord;
use reqwest::multipart::{Form, Part};
use std::sync::Arc;
use std::time::Duration;
use time::{Date, OffsetDateTime};

/// The server's today (the clinic is at UTC+3; the tests move the clock by whole days).
fn today(app: &TestApp) -> Date {
    OffsetDateTime::from_unix_timestamp(app.clock.now() + 3 * 3600).unwrap().date()
}

/// A birth date `years` full years and `days_more` days before `day`.
fn born(day: Date, years: i32, days_more: i64) -> Date {
    let d = day.replace_year(day.year() - years).unwrap_or(day);
    d - time::Duration::days(days_more)
}

async fn card_of(app: &TestApp, name: &str) -> i64 {
    app.store.card_search(name, None, 1).await.unwrap()[0].card_id
}

/// One ticked PDF, as the staff page sends it.
fn batch(app: &TestApp, title: &str, own_consent: bool) -> Form {
    let mut pdf = b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n".to_vec();
    pdf.resize(600, b' ');
    let mut form = Form::new()
        .text("category", "analyses")
        .text("title", title.to_string())
        .text("visit_date", today(app).to_string())
        .text("icd_code", "")
        .text("icd_text", "")
        .text("per_file", "1")
        .text("send_0", "on");
    if own_consent {
        form = form.text("own_consent", "on");
    }
    form.part("files", Part::bytes(pdf).file_name(format!("{title}.pdf")))
}

async fn upload(app: &TestApp, c: &reqwest::Client, card: i64, form: Form) -> reqwest::Response {
    c.post(format!("{}/staff/cards/{card}/documents/upload", app.base))
        .header("Origin", &app.base)
        .header("Accept", "application/json")
        .multipart(form)
        .send()
        .await
        .unwrap()
}

async fn delivered(app: &TestApp) {
    for _ in 0..240 {
        if app.scalar("SELECT COUNT(*) FROM document_file WHERE status = 'queued'").await == 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    panic!("files still queued after a minute");
}

async fn list(app: &TestApp, c: &reqwest::Client) -> RecordList {
    let form = [("kind", ""), ("from", ""), ("to", ""), ("doctor", ""), ("q", ""), ("page", "")];
    let res = app.rpc(c, "record_list", &form).await;
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

fn titles(l: &RecordList) -> Vec<String> {
    l.items.iter().map(|i| i.title.clone()).collect()
}

async fn record_status(app: &TestApp, c: &reqwest::Client, id: i64) -> u16 {
    app.rpc(c, "record_get", &[("id", &id.to_string())]).await.status().as_u16()
}

async fn file_status(app: &TestApp, c: &reqwest::Client, id: i64) -> u16 {
    app.get(c, &format!("/files/{id}")).await.status().as_u16()
}

async fn switch(app: &TestApp, c: &reqwest::Client, card: i64) {
    let res = app.rpc(c, "switch_profile", &[("card_id", &card.to_string())]).await;
    assert!(res.status().is_success() || res.status().is_redirection(), "{}", res.status());
}

async fn record_id(app: &TestApp, title: &str) -> i64 {
    app.scalar(&format!("SELECT id FROM medical_record WHERE title = '{title}'")).await
}

async fn file_id(app: &TestApp, title: &str) -> i64 {
    app.scalar(&format!(
        "SELECT f.id FROM document_file f JOIN document_upload u ON u.id = f.upload_id
         JOIN medical_record r ON r.id = u.record_id WHERE r.title = '{title}'"
    ))
    .await
}

/// Gives the ward's card its own account (the guardian's password, for the test's sign-in).
async fn register(app: &TestApp, card: i64, email: &str) {
    app.raw_sql(&format!(
        "INSERT INTO account (email, password_hash, card_id, created_at)
         SELECT '{email}', password_hash, {card}, created_at FROM account WHERE email = 'guardian@kabinet.example'"
    ))
    .await;
}

/// The export's HTML as the guardian's session in `card`'s profile would get it.
async fn export_html(app: &TestApp, account_email: &str, own_card: i64, card: i64) -> String {
    let account_id = app.scalar(&format!("SELECT id FROM account WHERE email = '{account_email}'")).await;
    let state = AppState {
        store: app.store.clone(),
        config: Arc::new(PortalConfig {
            clinic: app::platform::state::LiveClinic::new(180, true),
            secure_cookies: false,
            demo: false,
            public_url: app.base.clone(),
            contact_priority: ContactPriority::Phone,
            attach_code_ttl_secs: 900,
            video_base_url: String::new(),
            video_link_minutes: 10,
            secrets: app::platform::secret_box::SecretBox::new(
                app::platform::secret_box::SecretKey::parse(crate::support::TEST_SECRET_KEY).expect("test key"),
                None,
            ),
        }),
        clock: app.clock.as_fn(),
    };
    let session = SessionRecord {
        session_id: 0,
        account_id,
        own_card_id: Some(own_card),
        active_card_id: Some(card),
        roles: Roles(vec![]),
        totp_enabled: false,
        staff_totp_required: false,
    };
    app::features::record::export::record_html(&state, &session, "127.0.0.1".parse().unwrap(), Lang::Ru).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_teens_own_consent_care_is_kept_from_the_guardian_in_every_read_path() {
    let app = spawn_app().await;
    let doctor = app.signed_in("doctor@kabinet.example").await;
    let maria = card_of(&app, "петрова мария").await;
    let ivan = card_of(&app, "петров иван").await;
    let guardian_card = card_of(&app, "петров дмитрий").await;
    // Maria is 16; her phone is confirmed, so nothing waits behind the date-of-birth gate.
    let birth = born(today(&app), 16, 30);
    app.raw_sql(&format!("UPDATE patient_card SET birth_date = '{birth}', phone_confirmed = TRUE WHERE id = {maria}"))
        .await;

    // Ivan is 7: his care cannot be marked as his own consent; nothing is stored.
    let uploads_before = app.scalar("SELECT COUNT(*) FROM document_upload").await;
    let res = upload(&app, &doctor, ivan, batch(&app, "Не по возрасту", true)).await;
    assert_eq!(res.status(), 422);
    assert_eq!(
        error_of(res).await,
        AppError::Validation(vec![FieldError { field: "own_consent".into(), problem: Problem::OwnConsentAge }])
    );
    assert_eq!(app.scalar("SELECT COUNT(*) FROM document_upload").await, uploads_before);
    assert_eq!(
        AppError::Validation(vec![FieldError { field: "own_consent".into(), problem: Problem::OwnConsentAge }])
            .field_message("own_consent", Lang::Ru.texts())
            .as_deref(),
        Some("Согласие несовершеннолетнего отмечается только для пациента от 15 до 18 лет на дату приёма.")
    );

    // Maria's own-consent upload and protocol, and one ordinary upload.
    assert_eq!(upload(&app, &doctor, maria, batch(&app, "Консультация по согласию", true)).await.status(), 200);
    assert_eq!(upload(&app, &doctor, maria, batch(&app, "Анализ крови", false)).await.status(), 200);
    let day = today(&app).to_string();
    let res = app
        .rpc(
            &doctor,
            "protocol_save",
            &[
                ("card", &maria.to_string()),
                ("kind", "outpatient"),
                ("visit_date", &day),
                ("title", "Протокол по согласию"),
                ("icd_code", "N94.6"),
                ("icd_text", "Дисменорея"),
                ("body", "Жалобы, осмотр."),
                ("own_consent", "on"),
                ("send", "1"),
            ],
        )
        .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    delivered(&app).await;
    let docs: CardDocuments =
        app.rpc(&doctor, "card_documents", &[("id", &maria.to_string())]).await.json().await.unwrap();
    assert!(docs.own_consent_today);
    assert!(docs.uploads.iter().any(|u| u.title == "Консультация по согласию" && u.own_consent));
    assert!(docs.protocols.iter().any(|p| p.title == "Протокол по согласию" && p.own_consent));
    let (hidden_upload, hidden_protocol) =
        (record_id(&app, "Консультация по согласию").await, record_id(&app, "Протокол по согласию").await);
    let (hidden_file, plain_file) =
        (file_id(&app, "Консультация по согласию").await, file_id(&app, "Анализ крови").await);

    // The guardian in Maria's profile: not listed, not counted, not among the doctors, not
    // opened, no bytes, not exported; and no journal line says it was opened.
    let guardian = app.signed_in("guardian@kabinet.example").await;
    switch(&app, &guardian, maria).await;
    let seen = list(&app, &guardian).await;
    assert!(titles(&seen).contains(&"Анализ крови".to_string()));
    assert!(!titles(&seen).iter().any(|t| t.contains("по согласию")), "{:?}", titles(&seen));
    assert_eq!(seen.total as usize, seen.items.len());
    assert!(!seen.doctors.iter().any(|(_, n)| n.starts_with("Соколов")), "the author shows: {:?}", seen.doctors);
    assert_eq!(record_status(&app, &guardian, hidden_upload).await, 404);
    assert_eq!(record_status(&app, &guardian, hidden_protocol).await, 404);
    assert_eq!(file_status(&app, &guardian, hidden_file).await, 404);
    assert_eq!(file_status(&app, &guardian, plain_file).await, 200);
    let html = export_html(&app, "guardian@kabinet.example", guardian_card, maria).await;
    assert!(html.contains("Анализ крови") && !html.contains("по согласию"), "{html}");
    let opened = app
        .scalar(&format!(
            "SELECT COUNT(*) FROM audit_log WHERE object IN ('record:{hidden_upload}', 'record:{hidden_protocol}')
             AND action = 'record.open'"
        ))
        .await;
    assert_eq!(opened, 0);

    let journal = |page: serde_json::Value| -> Vec<String> {
        page["journal"].as_array().unwrap().iter().map(|l| l["action"].as_str().unwrap().to_string()).collect()
    };
    let count = |lines: &[String], action: &str| lines.iter().filter(|a| *a == action).count();
    let res = app.rpc(&guardian, "get_account_page", &[]).await;
    assert_eq!(res.status(), 200);
    let guardian_journal = journal(res.json().await.unwrap());
    assert_eq!(count(&guardian_journal, "document.upload"), 1, "{guardian_journal:?}");
    assert_eq!(count(&guardian_journal, "record.create") + count(&guardian_journal, "record.send"), 0);

    // Maria with her own account sees all of it.
    register(&app, maria, "maria@kabinet.example").await;
    let maria_client = app.signed_in("maria@kabinet.example").await;
    let own = list(&app, &maria_client).await;
    for t in ["Консультация по согласию", "Протокол по согласию", "Анализ крови"]
    {
        assert!(titles(&own).contains(&t.to_string()), "{t}");
    }
    assert_eq!(own.total, seen.total + 2);
    assert_eq!(record_status(&app, &maria_client, hidden_protocol).await, 200);
    assert_eq!(file_status(&app, &maria_client, hidden_file).await, 200);
    let own_journal = journal(app.rpc(&maria_client, "get_account_page", &[]).await.json().await.unwrap());
    assert_eq!(count(&own_journal, "document.upload"), 2, "{own_journal:?}");
    assert_eq!(count(&own_journal, "record.send"), 1);

    // Without her full name on the card her profile cannot take files: own-consent care is then
    // not sent at all — never to the guardian's card, which an ordinary file still reaches.
    app.raw_sql(&format!("UPDATE patient_card SET name = '' WHERE id = {maria}")).await;
    assert_eq!(upload(&app, &doctor, maria, batch(&app, "Ещё по согласию", true)).await.status(), 200);
    assert_eq!(upload(&app, &doctor, maria, batch(&app, "Справка опекуну", false)).await.status(), 200);
    delivered(&app).await;
    let docs: CardDocuments =
        app.rpc(&doctor, "card_documents", &[("id", &maria.to_string())]).await.json().await.unwrap();
    let kept = docs.uploads.iter().find(|u| u.title == "Ещё по согласию").unwrap();
    assert_eq!(kept.landed_with, None);
    assert_eq!(kept.files[0].status, FileStatus::CannotSend);
    assert!(kept.files[0].reasons.contains(&Reason::Refused(Refusal::OwnConsentCare)), "{:?}", kept.files[0].reasons);
    let routed = docs.uploads.iter().find(|u| u.title == "Справка опекуну").unwrap();
    assert!(routed.landed_with.is_some());
    let in_guardian_card = app
        .scalar(&format!("SELECT COUNT(*) FROM medical_record WHERE card_id = {guardian_card} AND own_consent = TRUE"))
        .await;
    assert_eq!(in_guardian_card, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn files_sent_to_the_guardians_card_follow_the_guardianship_and_reach_the_ward() {
    let app = spawn_app().await;
    // Ten minutes before the clinic's midnight; Maria turns 18 tomorrow. Neither child's card
    // names the child fully, so their files land in the guardian's own card.
    let into_day = (app.clock.now() + 3 * 3600).rem_euclid(24 * 3600);
    app.clock.advance(24 * 3600 - into_day - 600);
    let doctor = app.signed_in("doctor@kabinet.example").await;
    let maria = card_of(&app, "петрова мария").await;
    let ivan = card_of(&app, "петров иван").await;
    let birth = born(today(&app), 18, -1);
    app.raw_sql(&format!("UPDATE patient_card SET birth_date = '{birth}', name = '' WHERE id = {maria}")).await;
    app.raw_sql(&format!("UPDATE patient_card SET name = '' WHERE id = {ivan}")).await;
    assert_eq!(upload(&app, &doctor, maria, batch(&app, "Справка для Марии", false)).await.status(), 200);
    assert_eq!(upload(&app, &doctor, ivan, batch(&app, "Справка для Ивана", false)).await.status(), 200);
    delivered(&app).await;
    let (for_maria, for_ivan) =
        (record_id(&app, "Справка для Марии").await, record_id(&app, "Справка для Ивана").await);
    let (maria_file, ivan_file) = (file_id(&app, "Справка для Марии").await, file_id(&app, "Справка для Ивана").await);

    // In the guardian's own record, each under the ward's name.
    let guardian = app.signed_in("guardian@kabinet.example").await;
    let mine = list(&app, &guardian).await;
    let label = |l: &RecordList, title: &str| l.items.iter().find(|i| i.title == title).map(|i| i.for_ward.clone());
    let named = |l: &RecordList, title: &str, surname: &str| {
        label(l, title).flatten().is_some_and(|n| n.split_whitespace().next() == Some(surname))
    };
    assert!(named(&mine, "Справка для Марии", "Петрова"), "{:?}", mine.items);
    assert!(named(&mine, "Справка для Ивана", "Петров"), "{:?}", mine.items);
    assert_eq!(file_status(&app, &guardian, maria_file).await, 200);

    // Midnight: Maria is 18. In the same open session her file is gone from the guardian's
    // record, page, file and export; Ivan's stays.
    app.clock.advance(20 * 60);
    let mine = list(&app, &guardian).await;
    assert_eq!(label(&mine, "Справка для Марии"), None);
    assert!(label(&mine, "Справка для Ивана").is_some());
    assert_eq!(record_status(&app, &guardian, for_maria).await, 404);
    assert_eq!(file_status(&app, &guardian, maria_file).await, 404);
    let guardian_card = card_of(&app, "петров дмитрий").await;
    let html = export_html(&app, "guardian@kabinet.example", guardian_card, guardian_card).await;
    assert!(html.contains("Справка для Ивана") && !html.contains("Справка для Марии"), "{html}");

    // Registered, Maria finds it in her own record.
    register(&app, maria, "maria@kabinet.example").await;
    let maria_client = app.signed_in("maria@kabinet.example").await;
    let own = list(&app, &maria_client).await;
    assert_eq!(label(&own, "Справка для Марии"), Some(None));
    assert_eq!(record_status(&app, &maria_client, for_maria).await, 200);
    assert_eq!(file_status(&app, &maria_client, maria_file).await, 200);
    assert_eq!(file_status(&app, &maria_client, ivan_file).await, 404, "another ward's file is not hers");

    // Revocation wins at once, in the open session too.
    app.raw_sql(&format!("UPDATE guardianship SET revoked_at = 1 WHERE ward_card_id = {ivan}")).await;
    let mine = list(&app, &guardian).await;
    assert_eq!(label(&mine, "Справка для Ивана"), None);
    assert_eq!(record_status(&app, &guardian, for_ivan).await, 404);
    assert_eq!(file_status(&app, &guardian, ivan_file).await, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_two_guardians_the_page_asks_which_and_the_choice_is_sent_with_the_upload() {
    let app = spawn_app().await;
    let doctor = app.signed_in("doctor@kabinet.example").await;
    let ivan = card_of(&app, "петров иван").await;
    let petrov = card_of(&app, "петров дмитрий").await;
    let ivanova = card_of(&app, "иванова анна").await;
    // Ivan's card does not name him fully, so his files land with a guardian; he has two.
    app.raw_sql(&format!("UPDATE patient_card SET name = '' WHERE id = {ivan}")).await;
    app.raw_sql(&format!(
        "INSERT INTO guardianship (guardian_card_id, ward_card_id, granted_at) VALUES ({ivanova}, {ivan}, 0)"
    ))
    .await;

    // The page asks which guardian, and each choice belongs to the upload form although it is
    // shown above it: without that, the browser never sends it and every upload is refused.
    let html = app.get(&doctor, &format!("/staff/cards/{ivan}/documents")).await.text().await.unwrap();
    assert!(html.contains("Кому из опекунов отправить"), "{html}");
    assert!(html.contains(r#"<form id="upload-form""#), "{html}");
    let choices: Vec<&str> = html
        .split("<input")
        .skip(1)
        .filter(|tag| tag.split('>').next().unwrap().contains(r#"name="guardian""#))
        .collect();
    assert_eq!(choices.len(), 2, "{html}");
    for tag in &choices {
        assert!(tag.split('>').next().unwrap().contains(r#"form="upload-form""#), "<input{tag}");
    }

    // Without a choice the upload is refused and nothing is stored; with one it lands there.
    let before = app.scalar("SELECT COUNT(*) FROM document_upload").await;
    let res = upload(&app, &doctor, ivan, batch(&app, "Без выбора", false)).await;
    assert_eq!(res.status(), 422);
    assert_eq!(
        error_of(res).await,
        AppError::Validation(vec![FieldError { field: "guardian".into(), problem: Problem::Choice }])
    );
    assert_eq!(app.scalar("SELECT COUNT(*) FROM document_upload").await, before);
    let chosen = batch(&app, "Для Ивановой", false).text("guardian", ivanova.to_string());
    assert_eq!(upload(&app, &doctor, ivan, chosen).await.status(), 200);
    let landed = app.scalar("SELECT card_id FROM medical_record WHERE title = 'Для Ивановой'").await;
    assert_eq!(landed, ivanova, "not in Petrov's card ({petrov})");
}
