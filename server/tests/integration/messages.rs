//! Messages through the real server, with the real converters: a patient writes to a doctor she
//! saw, with a photo (re-encoded without its GPS) and a PDF; the doctor's inbox, the read
//! journalled on the card, the answer, the video call that ends by itself, closing and writing
//! again, handing over to the front desk; a guardian writes from the ward's profile; bad input
//! and the hourly limit change nothing; another card's dialogue and files answer like missing
//! ones; broadcasts reach their audience only, an advertising one never a patient who refused it.

use crate::documents::pdf;
use crate::support::{error_of, TestApp};
use app::features::booking::rules::{AppointmentSource, VisitMode};
use app::features::booking::store::{BookOutcome, NewAppointment, SlotPlace};
use app::features::messages::api::{BroadcastAdmin, PatientTab, StaffInbox};
use app::features::messages::rules::{updates_path, DialogueView, BODY_MAX, PER_HOUR};
use app::kernel::account::{ActorRole, Me};
use app::kernel::error::{AppError, Problem};
use app::platform::store::Actor;
use reqwest::multipart::{Form, Part};

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))).expect("fixture")
}

async fn spawn() -> TestApp {
    crate::support::spawn_app().await
}

async fn card_of(app: &TestApp, name: &str) -> i64 {
    app.store.card_search(name, None, 1).await.unwrap()[0].card_id
}

async fn staff_id(app: &TestApp, email: &str) -> i64 {
    let a = app.store.sign_in_record(&app::kernel::email::Email::parse(email).unwrap()).await.unwrap().unwrap();
    app.store.staff_of_account(a.account_id).await.unwrap().unwrap().0
}

/// A completed visit of `card` to the doctor a week ago: what lets the patient write to them.
async fn visit(app: &TestApp, card: i64, doctor: i64) {
    let branch = app.store.branches().await.unwrap()[0].0;
    let starts_at = app.clock.now() - 7 * 86400;
    let day = app::kernel::time_fmt::local_date(starts_at, 180);
    let place = SlotPlace { branch_id: branch, day, start_min: 600, duration_min: 30, starts_at };
    let new = NewAppointment {
        staff_id: doctor,
        card_id: card,
        service_id: None,
        place,
        mode: VisitMode::InClinic,
        room: None,
        price: None,
        source: AppointmentSource::Desk,
        max_future: None,
    };
    assert!(matches!(
        app.store.book(new, &Actor::system("test"), app.clock.now()).await.unwrap(),
        BookOutcome::Booked(_)
    ));
}

fn message(recipient: &str, subject: &str, body: &str, files: Vec<(&str, Vec<u8>)>) -> Form {
    let mut form = Form::new()
        .text("recipient", recipient.to_string())
        .text("subject", subject.to_string())
        .text("body", body.to_string());
    for (name, bytes) in files {
        form = form.part("files", Part::bytes(bytes).file_name(name.to_string()));
    }
    form
}

fn reply(body: &str, files: Vec<(&str, Vec<u8>)>) -> Form {
    message("", "", body, files)
}

/// Posts a message form as the upload island does (JSON back).
async fn post(app: &TestApp, c: &reqwest::Client, path: &str, form: Form) -> reqwest::Response {
    c.post(format!("{}{path}", app.base))
        .header("Origin", &app.base)
        .header("Accept", "application/json")
        .multipart(form)
        .send()
        .await
        .unwrap()
}

async fn sent_id(res: reqwest::Response) -> i64 {
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap_or_default());
    let v: serde_json::Value = res.json().await.unwrap();
    v["upload"].as_i64().expect("the dialogue's id")
}

async fn tab(app: &TestApp, c: &reqwest::Client) -> PatientTab {
    let res = app.rpc(c, "messages_tab", &[]).await;
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

async fn dialogue(app: &TestApp, c: &reqwest::Client, id: i64) -> reqwest::Response {
    app.rpc(c, "messages_dialogue", &[("id", &id.to_string())]).await
}

async fn staff_dialogue(app: &TestApp, c: &reqwest::Client, id: i64) -> reqwest::Response {
    app.rpc(c, "messages_staff_dialogue", &[("id", &id.to_string())]).await
}

async fn inbox(app: &TestApp, c: &reqwest::Client, filter: &str) -> StaffInbox {
    let res = app.rpc(c, "messages_staff_inbox", &[("filter", filter), ("page", "1")]).await;
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

/// What an open dialogue page gets when it asks for news: status, body, newest id, unread.
async fn updates(app: &TestApp, c: &reqwest::Client, id: i64, after: i64) -> (u16, String, i64, Option<i64>) {
    let res = app.get(c, &updates_path(id, after)).await;
    let header = |name: &str| res.headers().get(name).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<i64>().ok());
    let (newest, unread) = (header("kabinet-last-id").unwrap_or(-1), header("kabinet-unread"));
    let status = res.status().as_u16();
    (status, res.text().await.unwrap(), newest, unread)
}

async fn unread(app: &TestApp, c: &reqwest::Client) -> i64 {
    let me: Option<Me> = app.rpc(c, "current_user", &[]).await.json().await.unwrap();
    me.unwrap().unread_messages
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_patient_writes_with_a_photo_and_the_doctor_answers_reads_on_the_journal_and_opens_a_video_call() {
    let app = spawn().await;
    let patient = app.signed_in("patient@kabinet.example").await;
    let card = card_of(&app, "иванова анна").await;
    let sokolov = staff_id(&app, "doctor@kabinet.example").await;
    let to_sokolov = format!("doctor:{sokolov}");

    // No visit yet: only the front desk is offered, and a forged doctor is refused.
    assert!(tab(&app, &patient).await.doctors.is_empty());
    let res = post(&app, &patient, "/messages/send", message(&to_sokolov, "results", "Вопрос", vec![])).await;
    assert_eq!(error_of(res).await, AppError::field("recipient", Problem::Choice));
    visit(&app, card, sokolov).await;
    let offered = tab(&app, &patient).await.doctors;
    assert_eq!(offered.len(), 1);
    assert_eq!(offered[0].key, to_sokolov);
    assert!(offered[0].label.starts_with("Соколов Андрей Викторович"));

    let files = vec![("фото.jpg", fixture("photo-gps.jpg")), ("анализ.pdf", pdf(2048))];
    let text = "Здравствуйте! Результаты: https://example.org/r?id=1. **не markdown**";
    let id = sent_id(post(&app, &patient, "/messages/send", message(&to_sokolov, "results", text, files)).await).await;
    let mine: DialogueView = dialogue(&app, &patient, id).await.json().await.unwrap();
    assert_eq!(mine.messages.len(), 1);
    let sent = &mine.messages[0];
    assert!(sent.from_patient);
    assert_eq!(sent.author, "Иванова Анна Петровна");
    assert_eq!(sent.files.len(), 2);
    // The photo is served as a WEBP copy without its metadata; the PDF as it came.
    let photo = sent.files.iter().find(|f| f.image).expect("the photo");
    let res = patient.get(format!("{}/messages/files/{}", app.base, photo.id)).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "image/webp");
    let bytes = res.bytes().await.unwrap();
    assert_eq!(&bytes[8..12], b"WEBP");
    assert!(!bytes.windows(4).any(|w| w == b"Exif") && !bytes.windows(3).any(|w| w == b"GPS"), "no metadata");
    let document = sent.files.iter().find(|f| !f.image).unwrap();
    let res = patient.get(format!("{}/messages/files/{}", app.base, document.id)).send().await.unwrap();
    assert_eq!(res.headers()["content-type"], "application/pdf");
    assert_eq!(res.bytes().await.unwrap().len(), 2048);
    // Stored as written: Markdown is text, the link a link.
    let links: Vec<_> =
        sent.pieces.iter().filter(|p| matches!(p, app::features::messages::rules::Piece::Link(_))).collect();
    assert_eq!(links.len(), 1);

    // The doctor's inbox has it, unread and waiting; the front desk's does not.
    let doctor = app.signed_in("doctor@kabinet.example").await;
    let registrar = app.signed_in("registrar@kabinet.example").await;
    let waiting = inbox(&app, &doctor, "waiting").await;
    let row = waiting.rows.iter().find(|r| r.id == id).expect("in the doctor's inbox");
    assert_eq!((row.unread, row.waiting, row.patient.as_str()), (1, true, "Иванова Анна Петровна"));
    assert!(inbox(&app, &registrar, "open").await.rows.iter().all(|r| r.id != id));
    assert_eq!(staff_dialogue(&app, &registrar, id).await.status(), 404);
    let res = registrar.get(format!("{}/messages/files/{}", app.base, photo.id)).send().await.unwrap();
    assert_eq!(res.status(), 404, "the desk does not read the doctor's dialogue's files");

    // Reading it is journalled on the card, like a record; the card and visits are beside it.
    let seen: DialogueView = staff_dialogue(&app, &doctor, id).await.json().await.unwrap();
    let side = seen.card.expect("the card beside the dialogue");
    assert_eq!(side.card_id, card);
    assert_eq!(side.visits.len(), 1);
    let journal = app.store.audit_for_card(card).await.unwrap();
    assert!(journal
        .iter()
        .any(|e| e.action == "message.read" && e.object.as_deref() == Some(&format!("dialogue:{id}"))));
    assert!(journal.iter().any(|e| e.action == "message.send" && e.actor_role == ActorRole::Patient));
    assert_eq!(inbox(&app, &doctor, "unread").await.rows.iter().filter(|r| r.id == id).count(), 0, "read now");

    // The answer: the patient's tab counts it, and an open page gets it rendered.
    let first = sent.id;
    let res = post(&app, &doctor, &format!("/staff/messages/{id}/send"), reply("Показатели в норме.", vec![])).await;
    assert_eq!(sent_id(res).await, id);
    assert_eq!(unread(&app, &patient).await, 1);
    assert!(inbox(&app, &doctor, "waiting").await.rows.iter().all(|r| r.id != id), "answered");
    let (status, html, newest, unread_now) = updates(&app, &patient, id, first).await;
    assert_eq!(status, 200);
    assert!(html.contains("Показатели в норме.") && html.contains("Соколов Андрей Викторович"));
    assert!(newest > first);
    assert_eq!(unread_now, Some(0), "shown on an open page, it is read");
    assert_eq!(unread(&app, &patient).await, 0);

    // A video call: the link shows only while it is open, and it ends by itself after 2 h.
    assert_eq!(app.rpc(&doctor, "dialogue_video", &[("id", &id.to_string()), ("open", "true")]).await.status(), 200);
    let open: DialogueView = dialogue(&app, &patient, id).await.json().await.unwrap();
    let url = open.video_url.expect("the room's link");
    let room = url.strip_prefix("https://meet.jit.si/").expect("under KABINET_VIDEO_BASE_URL");
    assert!(room.len() == 32 && room.chars().all(|c| c.is_ascii_hexdigit()), "{room}");
    assert_eq!(app.rpc(&doctor, "dialogue_video", &[("id", &id.to_string()), ("open", "false")]).await.status(), 200);
    assert_eq!(dialogue(&app, &patient, id).await.json::<DialogueView>().await.unwrap().video_url, None, "ended");
    app.rpc(&doctor, "dialogue_video", &[("id", &id.to_string()), ("open", "true")]).await;
    app.clock.advance(2 * 3600 + 1);
    let patient = app.signed_in("patient@kabinet.example").await;
    let doctor = app.signed_in("doctor@kabinet.example").await;
    assert_eq!(dialogue(&app, &patient, id).await.json::<DialogueView>().await.unwrap().video_url, None, "expired");

    // Closed, the patient still reads it; writing again reopens it and it waits again.
    assert_eq!(app.rpc(&doctor, "dialogue_close", &[("id", &id.to_string()), ("closed", "true")]).await.status(), 200);
    assert!(inbox(&app, &doctor, "closed").await.rows.iter().any(|r| r.id == id));
    assert!(dialogue(&app, &patient, id).await.json::<DialogueView>().await.unwrap().row.closed);
    sent_id(post(&app, &patient, &format!("/messages/{id}/send"), reply("И ещё вопрос.", vec![])).await).await;
    let row =
        inbox(&app, &doctor, "waiting").await.rows.into_iter().find(|r| r.id == id).expect("open and waiting again");
    assert!(!row.closed);

    // Handed over to the front desk: it leaves the doctor's inbox and reaches the registrar's.
    let res = app.rpc(&doctor, "dialogue_handover", &[("id", &id.to_string()), ("to", "desk")]).await;
    assert_eq!(res.status(), 200);
    assert_eq!(staff_dialogue(&app, &doctor, id).await.status(), 404);
    let registrar = app.signed_in("registrar@kabinet.example").await;
    assert!(inbox(&app, &registrar, "open").await.rows.iter().any(|r| r.id == id && r.doctor.is_none()));
    let bad = app.rpc(&registrar, "dialogue_handover", &[("id", &id.to_string()), ("to", "doctor:999999")]).await;
    assert_eq!(error_of(bad).await, AppError::field("to", Problem::Choice));
    let journal = app.store.audit_for_card(card).await.unwrap();
    for action in ["message.answer", "message.video_start", "message.video_end", "message.close", "message.handover"] {
        assert!(journal.iter().any(|e| e.action == action), "{action} journalled");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_and_the_hourly_limit_change_nothing_and_another_cards_dialogue_is_missing() {
    let app = spawn().await;
    let patient = app.signed_in("patient@kabinet.example").await;
    let count = || app.scalar("SELECT COUNT(*) FROM message");
    let stored =
        || std::fs::read_dir(app.files.path()).unwrap().filter(|e| e.as_ref().unwrap().path().is_file()).count();

    let res = post(&app, &patient, "/messages/send", message("desk", "other", "   ", vec![])).await;
    assert_eq!(error_of(res).await, AppError::field("body", Problem::Required));
    let long = "я".repeat(BODY_MAX + 1);
    let res = post(&app, &patient, "/messages/send", message("desk", "other", &long, vec![])).await;
    assert_eq!(error_of(res).await, AppError::field("body", Problem::TooLong(BODY_MAX)));
    let six = (0..6).map(|i| (["a.pdf", "b.pdf", "c.pdf", "d.pdf", "e.pdf", "f.pdf"][i], pdf(100))).collect();
    let res = post(&app, &patient, "/messages/send", message("desk", "other", "Шесть", six)).await;
    assert_eq!(error_of(res).await, AppError::field("files", Problem::TooManyFiles(5)));
    let res = post(
        &app,
        &patient,
        "/messages/send",
        message("desk", "other", "Файл", vec![("l.docx", fixture("letter.docx"))]),
    )
    .await;
    assert_eq!(error_of(res).await, AppError::field("files", Problem::FileType));
    let res = post(&app, &patient, "/messages/send", message("desk", "nonsense", "Тема", vec![])).await;
    assert_eq!(error_of(res).await, AppError::field("subject", Problem::Choice));
    assert_eq!((count().await, stored()), (0, 0), "nothing written, no file kept");

    // Without JavaScript the form comes back with the error and the text typed.
    let res = patient
        .post(format!("{}/messages/send", app.base))
        .header("Origin", &app.base)
        .multipart(message("desk", "other", "", vec![]))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    assert!(res.headers()["location"].to_str().unwrap().starts_with("/messages/new?upload_error="));

    // A file alone is a message; a plain form then opens the new dialogue.
    let res = patient
        .post(format!("{}/messages/send", app.base))
        .header("Origin", &app.base)
        .multipart(message("desk", "documents", "", vec![("справка.pdf", pdf(512))]))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let location = res.headers()["location"].to_str().unwrap().to_string();
    let id: i64 = location.trim_start_matches("/messages/").split('?').next().unwrap().parse().expect(&location);
    let file = dialogue(&app, &patient, id).await.json::<DialogueView>().await.unwrap().messages[0].files[0].id;

    // The guardian's profile is another card: the dialogue and its file answer like missing ones.
    let guardian = app.signed_in("guardian@kabinet.example").await;
    let theirs = dialogue(&app, &guardian, id).await;
    let missing = dialogue(&app, &guardian, 999_999).await;
    assert_eq!((theirs.status().as_u16(), missing.status().as_u16()), (404, 404));
    assert_eq!(error_of(theirs).await, error_of(missing).await);
    let res = post(&app, &guardian, &format!("/messages/{id}/send"), reply("Чужое", vec![])).await;
    assert_eq!(error_of(res).await, AppError::NotFound);
    let res = guardian.get(format!("{}/messages/files/{file}", app.base)).send().await.unwrap();
    assert_eq!(res.status(), 404);
    assert_eq!(updates(&app, &guardian, id, 0).await.0, 404);

    // Twenty messages an hour; the twenty-first is refused with the wait, then allowed again.
    for i in 1..PER_HOUR {
        sent_id(post(&app, &patient, &format!("/messages/{id}/send"), reply(&format!("№{i}"), vec![])).await).await;
    }
    let before = count().await;
    let res = post(&app, &patient, &format!("/messages/{id}/send"), reply("Ещё", vec![("x.pdf", pdf(64))])).await;
    assert_eq!(res.status(), 429);
    assert!(res.headers().contains_key("retry-after"));
    assert!(matches!(error_of(res).await, AppError::MessageLimit { max: 20, .. }));
    assert_eq!(count().await, before);
    app.clock.advance(3601);
    let patient = app.signed_in("patient@kabinet.example").await;
    sent_id(post(&app, &patient, &format!("/messages/{id}/send"), reply("Через час", vec![])).await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_guardian_writes_from_the_wards_profile_and_the_front_desk_answers() {
    let app = spawn().await;
    let guardian = app.signed_in("guardian@kabinet.example").await;
    let me: Option<Me> = app.rpc(&guardian, "current_user", &[]).await.json().await.unwrap();
    let ward = me.unwrap().profiles.into_iter().find(|p| p.is_ward && p.name.starts_with("Петрова")).unwrap().card_id;
    assert_eq!(app.rpc(&guardian, "switch_profile", &[("card_id", &ward.to_string())]).await.status(), 200);
    let id = sent_id(
        post(&app, &guardian, "/messages/send", message("desk", "documents", "Справка для школы?", vec![])).await,
    )
    .await;
    let journal = app.store.audit_for_card(ward).await.unwrap();
    assert!(journal.iter().any(|e| e.action == "message.send" && e.actor_role == ActorRole::Guardian));
    let registrar = app.signed_in("registrar@kabinet.example").await;
    let row = inbox(&app, &registrar, "unread").await.rows.into_iter().find(|r| r.id == id).expect("the desk's");
    assert_eq!(row.patient, "Петрова Мария Дмитриевна");
    // The doctor does not handle the desk's dialogues.
    let doctor = app.signed_in("doctor@kabinet.example").await;
    assert_eq!(staff_dialogue(&app, &doctor, id).await.status(), 404);
    sent_id(
        post(
            &app,
            &registrar,
            &format!("/staff/messages/{id}/send"),
            reply("Готова, заберите в регистратуре.", vec![]),
        )
        .await,
    )
    .await;
    assert_eq!(unread(&app, &guardian).await, 1, "in the ward's profile");
    // In his own profile the ward's dialogue is not listed.
    let own = app
        .store
        .sign_in_record(&app::kernel::email::Email::parse("guardian@kabinet.example").unwrap())
        .await
        .unwrap()
        .unwrap();
    app.rpc(&guardian, "switch_profile", &[("card_id", &own.own_card_id.unwrap().to_string())]).await;
    assert!(tab(&app, &guardian).await.inbox.dialogues.is_empty());
    assert_eq!(dialogue(&app, &guardian, id).await.status(), 404);
}

async fn broadcast(app: &TestApp, editor: &reqwest::Client, title: &str, form: &[(&str, &str)]) -> i64 {
    let mut all = vec![("title", title), ("body", "Текст **рассылки**")];
    all.extend_from_slice(form);
    let res = app.rpc(editor, "broadcast_save", &all).await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap_or_default());
    res.json().await.unwrap()
}

async fn reach(app: &TestApp, editor: &reqwest::Client, id: i64) -> BroadcastAdmin {
    app.rpc(editor, "broadcast_get", &[("id", &id.to_string())]).await.json().await.unwrap()
}

fn has(tab: &PatientTab, title: &str) -> bool {
    tab.inbox.broadcasts.iter().any(|b| b.title == title)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn broadcasts_reach_their_audience_only_and_advertising_never_one_who_refused_it() {
    let app = spawn().await;
    let editor = app.signed_in("editor@kabinet.example").await;
    let patient = app.signed_in("patient@kabinet.example").await;
    let guardian = app.signed_in("guardian@kabinet.example").await;
    let cards = app.scalar("SELECT COUNT(*) FROM patient_card").await;

    // Only editors and the head send them.
    let doctor = app.signed_in("doctor@kabinet.example").await;
    let res = app.rpc(&doctor, "broadcast_save", &[("title", "x"), ("body", "y"), ("audience", "all")]).await;
    assert_eq!(res.status(), 403);
    let res = app
        .rpc(
            &editor,
            "broadcast_save",
            &[("title", "x"), ("body", "y"), ("audience", "age"), ("age_min", "30"), ("age_max", "5")],
        )
        .await;
    assert_eq!(error_of(res).await, AppError::field("age_max", Problem::Choice));
    assert_eq!(app.scalar("SELECT COUNT(*) FROM broadcast").await, 0);

    // Advertising: the patient who refused advertising is left out of the count and the sending.
    app.raw_sql("UPDATE patient_card SET refused_advertising = TRUE WHERE surname = 'Иванова'").await;
    let ads = broadcast(&app, &editor, "Скидка на УЗИ", &[("audience", "all"), ("advertising", "ads")]).await;
    let preview = reach(&app, &editor, ads).await;
    assert_eq!(preview.reach, cards - 1);
    assert!(preview.body_html.contains("<strong>рассылки</strong>"), "Markdown rendered like news");
    assert!(!has(&tab(&app, &patient).await, "Скидка на УЗИ"), "a draft reaches no one");
    assert_eq!(app.rpc(&editor, "broadcast_send", &[("id", &ads.to_string())]).await.status(), 200);
    assert!(!has(&tab(&app, &patient).await, "Скидка на УЗИ"));
    assert!(has(&tab(&app, &guardian).await, "Скидка на УЗИ"));
    assert_eq!(reach(&app, &editor, ads).await.row.recipients, cards - 1);
    // Sent once: sending again is refused and writes nobody twice.
    assert_eq!(app.rpc(&editor, "broadcast_send", &[("id", &ads.to_string())]).await.status(), 409);
    assert_eq!(
        app.scalar(&format!("SELECT COUNT(*) FROM broadcast_delivery WHERE broadcast_id = {ads}")).await,
        cards - 1
    );

    // Informational, by age: the children's profiles get it, the adults' do not.
    let kids = broadcast(
        &app,
        &editor,
        "Прививки школьникам",
        &[("audience", "age"), ("age_min", "6"), ("age_max", "12"), ("advertising", "info")],
    )
    .await;
    assert_eq!(reach(&app, &editor, kids).await.reach, 2);
    app.rpc(&editor, "broadcast_send", &[("id", &kids.to_string())]).await;
    assert!(!has(&tab(&app, &guardian).await, "Прививки школьникам"), "not the guardian's own card");
    let me: Option<Me> = app.rpc(&guardian, "current_user", &[]).await.json().await.unwrap();
    let ward = me.unwrap().profiles.into_iter().find(|p| p.is_ward).unwrap().card_id;
    app.rpc(&guardian, "switch_profile", &[("card_id", &ward.to_string())]).await;
    let ward_tab = tab(&app, &guardian).await;
    let item = ward_tab.inbox.broadcasts.iter().find(|b| b.title == "Прививки школьникам").expect("the ward's");
    assert!(item.unread);
    let before = unread(&app, &guardian).await;
    assert!(before >= 1);
    let res = app.rpc(&guardian, "messages_broadcast", &[("id", &item.id.to_string())]).await;
    assert_eq!(res.status(), 200);
    assert_eq!(unread(&app, &guardian).await, before - 1, "read");
    assert_eq!(app.rpc(&patient, "messages_broadcast", &[("id", &item.id.to_string())]).await.status(), 404);

    // Of a doctor: only patients with a visit to that doctor; at a time: nothing before it.
    let sokolov = staff_id(&app, "doctor@kabinet.example").await;
    let card = card_of(&app, "иванова анна").await;
    visit(&app, card, sokolov).await;
    let own =
        broadcast(&app, &editor, "Соколов в отпуске", &[("audience", "doctor"), ("doctor", &sokolov.to_string())])
            .await;
    assert_eq!(reach(&app, &editor, own).await.reach, 1);
    let later = app::kernel::time_fmt::to_input_value(app.clock.now() + 3 * 3600, 180);
    assert_eq!(
        app.rpc(&editor, "broadcast_send", &[("id", &own.to_string()), ("send_at", &later)]).await.status(),
        200
    );
    assert!(reach(&app, &editor, own).await.scheduled);
    assert!(!has(&tab(&app, &patient).await, "Соколов в отпуске"));
    app.clock.advance(4 * 3600);
    let today = app::kernel::time_fmt::local_date(app.clock.now(), 180);
    assert_eq!(app.store.release_broadcasts(app.clock.now(), today).await.unwrap(), 1);
    assert_eq!(app.store.release_broadcasts(app.clock.now(), today).await.unwrap(), 0, "once");
    let patient = app.signed_in("patient@kabinet.example").await;
    assert!(has(&tab(&app, &patient).await, "Соколов в отпуске"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_open_dialogue_asking_for_news_does_not_keep_the_session_alive() {
    let app = spawn().await;
    let idle = app.signed_in("patient@kabinet.example").await;
    let active = app.signed_in("patient@kabinet.example").await;
    let id = sent_id(post(&app, &idle, "/messages/send", message("desk", "other", "Вопрос", vec![])).await).await;
    let poll = |c: &reqwest::Client| {
        let c = c.clone();
        let app = &app;
        async move { updates(app, &c, id, 0).await.0 }
    };
    app.clock.advance(20 * 60);
    assert_eq!(poll(&idle).await, 200);
    // The other reader does something: that counts.
    assert_eq!(app.rpc(&active, "messages_tab", &[]).await.status(), 200);
    app.clock.advance(15 * 60);
    // 35 minutes after she last did anything, the page's own polling finds her signed out.
    assert_eq!(poll(&idle).await, 401);
    let res = app.get(&idle, "/messages").await;
    assert!(res.headers()["location"].to_str().unwrap().starts_with("/signin"));
    assert_eq!(poll(&active).await, 200, "15 minutes after real activity the session holds");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sends_in_parallel_do_not_pass_the_hourly_limit() {
    let app = spawn().await;
    let patient = app.signed_in("patient@kabinet.example").await;
    let mut sends = tokio::task::JoinSet::new();
    for i in 0..PER_HOUR + 6 {
        let (c, base) = (patient.clone(), app.base.clone());
        sends.spawn(async move {
            c.post(format!("{base}/messages/send"))
                .header("Origin", &base)
                .header("Accept", "application/json")
                .multipart(message("desk", "other", &format!("№{i}"), vec![]))
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        });
    }
    let mut statuses = Vec::new();
    while let Some(status) = sends.join_next().await {
        statuses.push(status.unwrap());
    }
    assert_eq!(statuses.iter().filter(|s| **s == 200).count() as i64, PER_HOUR, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == 429).count(), 6);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM message").await, PER_HOUR);
}
