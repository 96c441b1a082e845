//! Documents through the real server, with the real converters (LibreOffice, cwebp,
//! heif-convert): a clinician's batch ends with the right per-file statuses and converted
//! copies; limits refuse a request whole and store nothing; a worker killed mid-batch and
//! restarted finishes it with no duplicates; files and records answer only their reader; the
//! date-of-birth gate holds for direct file URLs; wards' files land where the rules say.

use crate::support::{error_of, spawn_app, spawn_app_with_env, TestApp};
use app::features::record::delivery::{CardDocuments, FileStatus, Gate, Reason, UploadStatus};
use app::features::record::document_rules::{Refusal, MAX_FILE_BYTES};
use app::features::record::rules::{RecordDetail, RecordList};
use app::kernel::account::ActorRole;
use app::kernel::error::{AppError, Problem};
use reqwest::multipart::{Form, Part};
use std::time::Duration;

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))).expect("fixture")
}

/// A DOCX cut short after its document part's name: typed as DOCX, unreadable by LibreOffice.
fn truncated_docx() -> Vec<u8> {
    let mut b = fixture("letter.docx");
    let at = b.windows(17).position(|w| w == b"word/document.xml").expect("docx part") + 40;
    b.truncate(at);
    b
}

/// A PDF of exactly `size` bytes.
pub(crate) fn pdf(size: usize) -> Vec<u8> {
    let mut b = b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n".to_vec();
    b.resize(size, b' ');
    b
}

async fn card_of(app: &TestApp, name: &str) -> i64 {
    app.store.card_search(name, None, 1).await.unwrap()[0].card_id
}

/// The upload form as the staff page sends it with JavaScript (one tick per file).
pub(crate) fn batch(title: &str, category: &str, files: Vec<(&str, Vec<u8>)>, ticked: &[usize]) -> Form {
    let mut form = Form::new()
        .text("category", category.to_string())
        .text("title", title.to_string())
        .text("visit_date", time::OffsetDateTime::now_utc().date().to_string())
        .text("icd_code", "")
        .text("icd_text", "")
        .text("per_file", "1");
    for i in ticked {
        form = form.text(format!("send_{i}"), "on");
    }
    for (name, bytes) in files {
        form = form.part("files", Part::bytes(bytes).file_name(name.to_string()));
    }
    form
}

pub(crate) async fn upload(app: &TestApp, c: &reqwest::Client, card: i64, form: Form) -> reqwest::Response {
    c.post(format!("{}/staff/cards/{card}/documents/upload", app.base))
        .header("Origin", &app.base)
        .header("Accept", "application/json")
        .multipart(form)
        .send()
        .await
        .unwrap()
}

async fn documents(app: &TestApp, c: &reqwest::Client, card: i64) -> CardDocuments {
    let res = app.rpc(c, "card_documents", &[("id", &card.to_string())]).await;
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

/// Waits until the worker has taken every queued file.
async fn delivered(app: &TestApp) {
    for _ in 0..240 {
        if app.scalar("SELECT COUNT(*) FROM document_file WHERE status = 'queued'").await == 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    panic!("files still queued after two minutes");
}

/// Files in the store's folder (not its work folder).
fn stored_files(app: &TestApp) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(app.files.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().map(|t| t.is_file()).unwrap_or(false))
        .map(|e| e.file_name().to_string_lossy().to_string())
        .collect();
    names.sort();
    names
}

async fn record(app: &TestApp, c: &reqwest::Client, id: i64) -> reqwest::Response {
    app.rpc(c, "record_get", &[("id", &id.to_string())]).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_nine_file_batch_ends_with_each_files_status_and_its_converted_copy() {
    let app = spawn_app().await;
    let doctor = app.signed_in("doctor@kabinet.example").await;
    let card = card_of(&app, "иванова анна").await;
    let files = vec![
        ("Заключение.docx", fixture("letter.docx")),
        ("Анализы.xlsx", fixture("table.xlsx")),
        ("IMG_0001.HEIC", fixture("photo.heic")),
        ("scan.png", fixture("scan.png")),
        ("МРТ 16 МБ.pdf", pdf(MAX_FILE_BYTES as usize)),
        ("too big.pdf", pdf(MAX_FILE_BYTES as usize + 1)),
        ("photo.jpg", fixture("photo-gps.jpg")),
        ("broken.docx", truncated_docx()),
        ("not ticked.pdf", pdf(2048)),
    ];
    let res = upload(
        &app,
        &doctor,
        card,
        batch("Обследование брюшной полости", "examinations", files, &[0, 1, 2, 3, 4, 5, 6, 7]),
    )
    .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    delivered(&app).await;

    let docs = documents(&app, &doctor, card).await;
    let u = &docs.uploads[0];
    assert_eq!(u.title, "Обследование брюшной полости");
    assert_eq!(u.status, UploadStatus::DeliveredSome { delivered: 6, total: 9 });
    let by_name = |n: &str| u.files.iter().find(|f| f.name == n).unwrap_or_else(|| panic!("{n}"));
    for n in ["Заключение.docx", "Анализы.xlsx"] {
        assert_eq!(by_name(n).status, FileStatus::Delivered, "{n}");
        assert_eq!(by_name(n).converted, Some(app::kernel::media::MediaType::Pdf), "{n}");
    }
    for n in ["IMG_0001.HEIC", "scan.png", "photo.jpg"] {
        assert_eq!(by_name(n).status, FileStatus::Delivered, "{n}");
        assert_eq!(by_name(n).converted, Some(app::kernel::media::MediaType::Webp), "{n}");
    }
    assert_eq!(by_name("МРТ 16 МБ.pdf").status, FileStatus::Delivered);
    assert_eq!(by_name("МРТ 16 МБ.pdf").converted, None);
    assert_eq!(by_name("too big.pdf").status, FileStatus::CannotSend);
    assert_eq!(by_name("too big.pdf").reasons, vec![Reason::Refused(Refusal::TooLarge)]);
    assert_eq!(by_name("broken.docx").status, FileStatus::NotSent);
    assert_eq!(by_name("broken.docx").reasons, vec![Reason::ConversionFailed]);
    assert_eq!(by_name("not ticked.pdf").status, FileStatus::NotSent);
    assert_eq!(by_name("not ticked.pdf").reasons, vec![Reason::NotSelected]);

    // The patient sees the record with its category and the delivered copies.
    let patient = app.signed_in("patient@kabinet.example").await;
    let list: RecordList = app
        .rpc(
            &patient,
            "record_list",
            &[("kind", ""), ("from", ""), ("to", ""), ("doctor", ""), ("q", "брюшной"), ("page", "")],
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list.total, 1);
    let r: RecordDetail = record(&app, &patient, list.items[0].id).await.json().await.unwrap();
    assert_eq!(r.gate, Gate::Open);
    let files = r.files.expect("files");
    assert_eq!(files.status, UploadStatus::DeliveredSome { delivered: 6, total: 9 });
    let docx = files.files.iter().find(|f| f.name == "Заключение.pdf").expect("the docx arrives as PDF");
    let res = app.get(&patient, &format!("/files/{}", docx.id)).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "application/pdf");
    assert_eq!(res.headers()["x-content-type-options"], "nosniff");
    assert!(res.headers()["content-security-policy"].to_str().unwrap().contains("sandbox"));
    let disposition = res.headers()["content-disposition"].to_str().unwrap().to_string();
    assert!(disposition.starts_with("attachment;") && disposition.contains("UTF-8''%D0%97"), "{disposition}");
    assert!(res.bytes().await.unwrap().starts_with(b"%PDF-"));
    // The photo's copy is WEBP without its GPS (or any EXIF) metadata; the clinic keeps the original.
    let photo = files.files.iter().find(|f| f.name == "photo.webp").unwrap();
    let bytes = app.get(&patient, &format!("/files/{}?inline=1", photo.id)).await.bytes().await.unwrap();
    assert_eq!(&bytes[8..12], b"WEBP");
    assert!(!bytes.windows(4).any(|w| w == b"Exif") && !bytes.windows(3).any(|w| w == b"GPS"));
    let original = app.get(&doctor, &format!("/files/{}", by_name("photo.jpg").id)).await.bytes().await.unwrap();
    assert!(original.windows(4).any(|w| w == b"Exif"), "the original is kept as it was");
    // A file that did not arrive gives no bytes, and the patient can ask for it again.
    let broken = files.files.iter().find(|f| f.name == "broken.docx").unwrap();
    assert_eq!(app.get(&patient, &format!("/files/{}", broken.id)).await.status(), 404);
    let res = app.rpc(&patient, "ask_resend", &[("record", &r.id.to_string()), ("file", &broken.id.to_string())]).await;
    assert_eq!(res.status(), 200);
    let docs = documents(&app, &doctor, card).await;
    assert!(docs.uploads[0].files.iter().find(|f| f.name == "broken.docx").unwrap().resend_requested);
    // Sending the unticked file again delivers it; nothing is duplicated.
    let unticked = by_name("not ticked.pdf").id;
    let res =
        app.rpc(&doctor, "document_resend", &[("card", &card.to_string()), ("file", &unticked.to_string())]).await;
    assert_eq!(res.status(), 200);
    delivered(&app).await;
    assert_eq!(
        documents(&app, &doctor, card).await.uploads[0].status,
        UploadStatus::DeliveredSome { delivered: 7, total: 9 }
    );
    assert_eq!(app.scalar("SELECT COUNT(*) FROM document_upload").await, 1);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM document_file").await, 9);
    // 9 originals and 5 converted copies (the PDFs need none) on disk.
    assert_eq!(stored_files(&app).len(), 9 + 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn over_the_limits_a_request_is_refused_whole_and_nothing_is_stored() {
    let app = spawn_app().await;
    let doctor = app.signed_in("doctor@kabinet.example").await;
    let card = card_of(&app, "иванова анна").await;
    let ten: Vec<(&str, Vec<u8>)> = (0..10).map(|_| ("a.pdf", pdf(1000))).collect();
    let res = upload(&app, &doctor, card, batch("Десять", "analyses", ten, &[0])).await;
    assert_eq!(res.status(), 422);
    assert_eq!(error_of(res).await, AppError::field("files", Problem::TooManyFiles(9)));
    // A type the portal does not take, whatever its name says.
    for (name, bytes) in [("scan.pdf", b"MZ\x90\0".to_vec()), ("letter.docx", fixture("broken.docx"))] {
        let res = upload(&app, &doctor, card, batch("Программа", "analyses", vec![(name, bytes)], &[0])).await;
        assert_eq!(error_of(res).await, AppError::field("files", Problem::FileType), "{name}");
    }
    // Form errors refuse it too, and name the field.
    let res = upload(&app, &doctor, card, batch("", "analyses", vec![("a.pdf", pdf(100))], &[0])).await;
    match error_of(res).await {
        AppError::Validation(f) => assert!(f.iter().any(|e| e.field == "title")),
        other => panic!("{other:?}"),
    }
    assert_eq!(app.scalar("SELECT COUNT(*) FROM document_upload").await, 0);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM document_file").await, 0);
    assert_eq!(stored_files(&app), Vec::<String>::new());
    // A patient's own file over 16 MB is refused whole.
    let patient = app.signed_in("patient@kabinet.example").await;
    let own = |bytes: Vec<u8>| {
        Form::new()
            .text("title", "Выписка")
            .text("visit_date", "2026-01-10")
            .part("files", Part::bytes(bytes).file_name("выписка.pdf"))
    };
    let post = |form: Form| {
        patient
            .post(format!("{}/record/upload", app.base))
            .header("Origin", &app.base)
            .header("Accept", "application/json")
            .multipart(form)
            .send()
    };
    let res = post(own(pdf(MAX_FILE_BYTES as usize + 1))).await.unwrap();
    assert_eq!(error_of(res).await, AppError::field("files", Problem::FileTooLarge(16)));
    let res = post(own(fixture("letter.docx"))).await.unwrap();
    assert_eq!(error_of(res).await, AppError::field("files", Problem::FileType), "patients add PDF, JPG or PNG only");
    assert_eq!(stored_files(&app), Vec::<String>::new());
    // Within the limits it is stored and shown under "Entered by patient" at once.
    let res = post(own(pdf(MAX_FILE_BYTES as usize))).await.unwrap();
    assert_eq!(res.status(), 200);
    delivered(&app).await;
    let list: RecordList = app
        .rpc(
            &patient,
            "record_list",
            &[("kind", "patient"), ("from", ""), ("to", ""), ("doctor", ""), ("q", "выписка"), ("page", "")],
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list.total, 1);
    // Without JavaScript the form comes back to the record page, the error in the address.
    let res = patient
        .post(format!("{}/record/upload", app.base))
        .header("Origin", &app.base)
        .multipart(own(b"not a pdf".to_vec()))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    assert!(res.headers()["location"].to_str().unwrap().starts_with("/record?upload_error="));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_killed_mid_batch_and_restarted_finishes_it_with_no_duplicates() {
    let app = spawn_app_with_env(&[("KABINET_DOCUMENT_WORKER", "0")]).await;
    let doctor = app.signed_in("doctor@kabinet.example").await;
    let card = card_of(&app, "иванова анна").await;
    let files = vec![
        ("a.pdf", pdf(4096)),
        ("b.docx", fixture("letter.docx")),
        ("c.xlsx", fixture("table.xlsx")),
        ("d.png", fixture("scan.png")),
        ("e.docx", fixture("letter.docx")),
    ];
    let res = upload(&app, &doctor, card, batch("Пакет", "analyses", files, &[0, 1, 2, 3, 4])).await;
    assert_eq!(res.status(), 200);
    let files_dir = app.files.path().to_path_buf();
    let worker = kabinet_server::delivery::Worker {
        store: app.store.clone(),
        files: kabinet_server::files::FileStore::open(&files_dir).unwrap(),
        converter: kabinet_server::convert::Converter::new("soffice".into(), files_dir.join("tmp"), true),
        clock: app.clock.as_fn(),
    };
    let first = worker.clone().spawn();
    // Kill it as soon as one file is through: it is in the middle of the next (LibreOffice).
    for _ in 0..240 {
        if app.scalar("SELECT COUNT(*) FROM document_file WHERE status = 'delivered'").await >= 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    first.abort();
    let _ = first.await;
    let after_kill = app.scalar("SELECT COUNT(*) FROM document_file WHERE status = 'delivered'").await;
    assert!(after_kill < 5, "killed mid-batch ({after_kill} delivered)");
    // The dead worker's lease runs out; a new worker takes the rest.
    app.clock.advance(kabinet_server::delivery::LEASE_SECS + 1);
    let second = worker.spawn();
    delivered(&app).await;
    second.abort();
    assert_eq!(app.scalar("SELECT COUNT(*) FROM document_file WHERE status = 'delivered'").await, 5);
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'document.delivered'").await,
        5,
        "each file delivered exactly once"
    );
    assert_eq!(app.scalar("SELECT COUNT(*) FROM medical_record WHERE title = 'Пакет'").await, 1);
    // 5 originals and 4 converted copies, no leftovers beside them.
    let names = stored_files(&app);
    assert_eq!(names.len(), 9, "{names:?}");
    // Converted copies are named c{file id}.{ext}; originals are random hex without a dot.
    let copies = names.iter().filter(|n| n.contains('.')).count();
    assert_eq!(copies, 4, "{names:?}");
    assert!(names
        .iter()
        .filter(|n| n.contains('.'))
        .all(|n| n.starts_with('c') && n[1..n.find('.').unwrap()].parse::<i64>().is_ok()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn files_answer_only_their_reader_and_the_date_of_birth_gate_holds_for_direct_urls() {
    let app = spawn_app().await;
    let doctor = app.signed_in("doctor@kabinet.example").await;
    let child = card_of(&app, "петрова мария").await;
    let patient_card = card_of(&app, "иванова анна").await;
    // The child's card has no confirmed phone: her documents open with her date of birth.
    for (title, card) in [("Анализ крови ребёнка", child), ("Анализ Ивановой", patient_card)]
    {
        let res = upload(&app, &doctor, card, batch(title, "analyses", vec![("blood.pdf", pdf(3000))], &[0])).await;
        assert_eq!(res.status(), 200);
    }
    delivered(&app).await;
    let file_of = |title: &'static str| {
        let app = &app;
        async move {
            app.scalar(&format!(
                "SELECT f.id FROM document_file f JOIN document_upload u ON u.id = f.upload_id
                 JOIN medical_record r ON r.id = u.record_id WHERE r.title = '{title}'"
            ))
            .await
        }
    };
    let (child_file, patient_file) = (file_of("Анализ крови ребёнка").await, file_of("Анализ Ивановой").await);
    let missing = app.scalar("SELECT COALESCE(MAX(id), 0) + 100 FROM document_file").await;

    // Another patient, a registrar and a stranger: nothing, the same answer as a missing file.
    let guardian = app.signed_in("guardian@kabinet.example").await;
    let registrar = app.signed_in("registrar@kabinet.example").await;
    let stranger_body = app.get(&guardian, &format!("/files/{missing}")).await.text().await.unwrap();
    for (who, c) in [("guardian in his own profile", &guardian), ("registrar", &registrar)] {
        for id in [patient_file, child_file, missing] {
            let res = app.get(c, &format!("/files/{id}")).await;
            assert_eq!(res.status(), 404, "{who}, file {id}");
            assert_eq!(res.text().await.unwrap(), stranger_body, "{who}: same answer whether it exists");
        }
    }
    assert_eq!(app.get(&app.client(), &format!("/files/{patient_file}")).await.status(), 303, "signed out: to sign-in");
    // Uploading is for clinicians and the head.
    let res = upload(&app, &registrar, patient_card, batch("x", "analyses", vec![("a.pdf", pdf(100))], &[0])).await;
    assert_eq!(res.status(), 403);
    let patient = app.signed_in("patient@kabinet.example").await;
    let res = upload(&app, &patient, patient_card, batch("x", "analyses", vec![("a.pdf", pdf(100))], &[0])).await;
    assert_eq!(res.status(), 403);
    assert_eq!(app.get(&patient, &format!("/files/{patient_file}")).await.status(), 200);
    assert_eq!(app.get(&patient, &format!("/files/{child_file}")).await.status(), 404);

    // The guardian switches to the child's profile: the record is listed but locked.
    let res = app.rpc(&guardian, "switch_profile", &[("card_id", &child.to_string())]).await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let record_id = app.scalar("SELECT id FROM medical_record WHERE title = 'Анализ крови ребёнка'").await;
    let r: RecordDetail = record(&app, &guardian, record_id).await.json().await.unwrap();
    assert_eq!(r.gate, Gate::AskBirthDate);
    assert!(r.files.is_none() && r.body.is_empty());
    assert_eq!(app.get(&guardian, &format!("/files/{child_file}")).await.status(), 404, "no bytes before the gate");
    assert_eq!(app.get(&guardian, &format!("/files/{child_file}?inline=1")).await.status(), 404);
    // Three wrong dates (across sessions) lock the gate; even the right one is refused then.
    let answer = |c: &reqwest::Client, date: &str| {
        let (c, date) = (c.clone(), date.to_string());
        let app = &app;
        async move { app.rpc(&c, "gate_answer", &[("record", &record_id.to_string()), ("birth_date", &date)]).await }
    };
    assert_eq!(error_of(answer(&guardian, "2016-05-21").await).await, AppError::BirthDateWrong);
    assert_eq!(error_of(answer(&guardian, "2015-05-20").await).await, AppError::BirthDateWrong);
    let again = app.signed_in("guardian@kabinet.example").await;
    app.rpc(&again, "switch_profile", &[("card_id", &child.to_string())]).await;
    let res = answer(&again, "2016-01-01").await;
    assert_eq!(res.status(), 423);
    assert_eq!(error_of(answer(&again, "2016-05-20").await).await, AppError::GateBlocked);
    let r: RecordDetail = record(&app, &again, record_id).await.json().await.unwrap();
    assert_eq!(r.gate, Gate::Blocked);
    assert_eq!(app.get(&again, &format!("/files/{child_file}")).await.status(), 404);
    // Staff see the lock and lift it; the right date then opens the document for good.
    assert!(documents(&app, &doctor, child).await.gate_blocked);
    let res = app.rpc(&doctor, "gate_reset", &[("card", &child.to_string())]).await;
    assert_eq!(res.status(), 200);
    assert_eq!(answer(&again, "2016-05-20").await.status(), 200);
    let r: RecordDetail = record(&app, &again, record_id).await.json().await.unwrap();
    assert_eq!(r.gate, Gate::Open);
    assert_eq!(r.files.unwrap().status, UploadStatus::Delivered);
    assert_eq!(app.get(&again, &format!("/files/{child_file}")).await.status(), 200);
    // Journalled with the guardian as actor and the child as subject.
    let journal = app.store.audit_for_card(child).await.unwrap();
    for action in ["record.unlock_failed", "record.unlock", "document.download", "document.upload"] {
        assert!(journal.iter().any(|e| e.action == action), "{action}");
    }
    assert!(journal.iter().any(|e| e.action == "record.unlock" && e.actor_role == ActorRole::Guardian));
    // Back in his own profile the guardian has no access to the child's file.
    let own = card_of(&app, "петров дмитрий").await;
    app.rpc(&again, "switch_profile", &[("card_id", &own.to_string())]).await;
    assert_eq!(app.get(&again, &format!("/files/{child_file}")).await.status(), 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wards_files_land_with_the_guardian_when_the_ward_is_not_fully_named() {
    let app = spawn_app().await;
    let doctor = app.signed_in("doctor@kabinet.example").await;
    let child = card_of(&app, "петрова мария").await;
    let guardian_card = card_of(&app, "петров дмитрий").await;
    app.raw_sql(&format!("UPDATE patient_card SET name = '' WHERE id = {child}")).await;
    let docs = documents(&app, &doctor, child).await;
    assert!(
        matches!(docs.route, app::features::record::delivery::RouteView::Guardian { card_id, .. } if card_id == guardian_card)
    );
    let res =
        upload(&app, &doctor, child, batch("Справка для опекуна", "conclusion", vec![("a.pdf", pdf(500))], &[0])).await;
    assert_eq!(res.status(), 200);
    // A conclusion needs an ICD diagnosis: refused, with the reason, before anything is sent.
    delivered(&app).await;
    let docs = documents(&app, &doctor, child).await;
    assert_eq!(docs.uploads[0].status, UploadStatus::CannotSend);
    assert_eq!(docs.uploads[0].files[0].reasons, vec![Reason::Refused(Refusal::NoDiagnosis)]);
    let form = batch("Анализ для опекуна", "analyses", vec![("a.pdf", pdf(500))], &[0]);
    assert_eq!(upload(&app, &doctor, child, form).await.status(), 200);
    delivered(&app).await;
    let docs = documents(&app, &doctor, child).await;
    assert_eq!(docs.uploads[0].status, UploadStatus::Delivered);
    assert_eq!(docs.uploads[0].landed_with.as_deref(), Some("Петров Дмитрий Сергеевич"));
    // It is in the guardian's own record (his phone is confirmed: no gate).
    let guardian = app.signed_in("guardian@kabinet.example").await;
    let list: RecordList = app
        .rpc(
            &guardian,
            "record_list",
            &[("kind", ""), ("from", ""), ("to", ""), ("doctor", ""), ("q", "опекуна"), ("page", "")],
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list.total, 1);
    assert!(!list.items[0].locked);
    // When no guardian can receive (a landline), the sender sees why and nothing is sent.
    app.raw_sql(&format!("UPDATE patient_card SET phone_kind = 'landline' WHERE id = {guardian_card}")).await;
    let docs = documents(&app, &doctor, child).await;
    assert!(matches!(&docs.route, app::features::record::delivery::RouteView::Nobody(r) if r.len() == 1));
    let form = batch("Никому", "analyses", vec![("a.pdf", pdf(500))], &[0]);
    assert_eq!(upload(&app, &doctor, child, form).await.status(), 200);
    let docs = documents(&app, &doctor, child).await;
    assert!(docs.uploads[0].files[0].reasons.contains(&Reason::Refused(Refusal::NoAbleGuardian)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn protocols_are_sent_with_a_diagnosis_and_locked_after_the_edit_window() {
    let app = spawn_app().await;
    let doctor = app.signed_in("doctor@kabinet.example").await;
    let card = card_of(&app, "иванова анна").await;
    let c = card.to_string();
    let today = time::OffsetDateTime::now_utc().date().to_string();
    let save = |id: &str, title: &str, icd: &str, send: bool| {
        let mut form = vec![
            ("card", c.clone()),
            ("kind", "outpatient".to_string()),
            ("visit_date", today.clone()),
            ("title", title.to_string()),
            ("icd_code", icd.to_string()),
            ("icd_text", "Гипертензия".to_string()),
            ("body", "Давление 150/95.".to_string()),
        ];
        if !id.is_empty() {
            form.push(("id", id.to_string()));
        }
        if send {
            form.push(("send", "1".to_string()));
        }
        let app = &app;
        let doctor = doctor.clone();
        async move {
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.rpc(&doctor, "protocol_save", &form).await
        }
    };
    let res = save("", "Осмотр терапевта", "", false).await;
    assert_eq!(res.status(), 200);
    let id: i64 = res.json().await.unwrap();
    // Not in the cabinet until sent.
    let patient = app.signed_in("patient@kabinet.example").await;
    assert_eq!(record(&app, &patient, id).await.status(), 404);
    // Without an ICD diagnosis it cannot be sent, and the answer says why.
    let res = save(&id.to_string(), "Осмотр терапевта", "", true).await;
    assert_eq!(error_of(res).await, AppError::CannotSend { reasons: vec![Refusal::NoDiagnosis] });
    // After 24 hours it can no longer be edited.
    app.clock.advance(24 * 3600);
    let doctor2 = app.signed_in("doctor@kabinet.example").await;
    let res = app
        .rpc(
            &doctor2,
            "protocol_save",
            &[
                ("card", &c),
                ("id", &id.to_string()),
                ("kind", "outpatient"),
                ("visit_date", &today),
                ("title", "x"),
                ("icd_code", "I10"),
                ("icd_text", ""),
                ("body", "y"),
            ],
        )
        .await;
    assert_eq!(error_of(res).await, AppError::EditWindowClosed { hours: 24 });
    // A new one with a diagnosis is sent and printed, and the patient reads it.
    let res = app
        .rpc(
            &doctor2,
            "protocol_save",
            &[
                ("card", &c),
                ("kind", "outpatient"),
                ("visit_date", &today),
                ("title", "Повторный осмотр"),
                ("icd_code", "I10"),
                ("icd_text", "Гипертензия"),
                ("body", "Давление 130/85."),
                ("send", "1"),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    let sent: i64 = res.json().await.unwrap();
    let patient = app.signed_in("patient@kabinet.example").await;
    let r: RecordDetail = record(&app, &patient, sent).await.json().await.unwrap();
    assert_eq!(r.icd_code.as_deref(), Some("I10"));
    assert!(r.body.contains("130/85"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn before_the_module_is_enabled_nothing_is_sent_and_the_head_enables_it() {
    let app = spawn_app().await;
    app.raw_sql("UPDATE clinic SET cabinet_module_enabled_at = NULL").await;
    let head = app.signed_in("head@kabinet.example").await;
    let card = card_of(&app, "иванова анна").await;
    let res = upload(&app, &head, card, batch("До подключения", "analyses", vec![("a.pdf", pdf(500))], &[0])).await;
    assert_eq!(res.status(), 200);
    let docs = documents(&app, &head, card).await;
    assert!(!docs.module_enabled);
    assert_eq!(docs.uploads[0].files[0].reasons, vec![Reason::Refused(Refusal::ModuleDisabled)]);
    // Only the head enables it.
    let doctor = app.signed_in("doctor@kabinet.example").await;
    assert_eq!(app.rpc(&doctor, "enable_cabinet_module", &[]).await.status(), 403);
    assert_eq!(app.rpc(&head, "enable_cabinet_module", &[]).await.status(), 200);
    let enabled: Option<i64> = app.rpc(&head, "modules", &[]).await.json().await.unwrap();
    assert!(enabled.is_some());
    // Now the same file can be sent again.
    let file = docs.uploads[0].files[0].id;
    let res = app.rpc(&head, "document_resend", &[("card", &card.to_string()), ("file", &file.to_string())]).await;
    assert_eq!(res.status(), 200);
    delivered(&app).await;
    assert_eq!(documents(&app, &head, card).await.uploads[0].status, UploadStatus::Delivered);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_whole_record_downloads_as_one_pdf() {
    let app = spawn_app().await;
    let patient = app.signed_in("patient@kabinet.example").await;
    let res = app.get(&patient, "/record/export.pdf").await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "application/pdf");
    assert!(res.headers()["content-disposition"].to_str().unwrap().starts_with("attachment;"));
    let pdf = res.bytes().await.unwrap();
    assert!(pdf.starts_with(b"%PDF-") && pdf.len() > 2000, "{} bytes", pdf.len());
    let card = card_of(&app, "иванова анна").await;
    assert!(app.store.audit_for_card(card).await.unwrap().iter().any(|e| e.action == "record.export"));
}

/// A PNG of a few dozen bytes that declares 100 000 × 100 000 pixels (ten gigapixels).
fn png_bomb() -> Vec<u8> {
    fn chunk(kind: &[u8], data: &[u8]) -> Vec<u8> {
        let mut c = (data.len() as u32).to_be_bytes().to_vec();
        c.extend(kind);
        c.extend(data);
        // The checksum is not checked before the size: any value will do for this test.
        c.extend([0, 0, 0, 0]);
        c
    }
    let mut ihdr = 100_000u32.to_be_bytes().to_vec();
    ihdr.extend(100_000u32.to_be_bytes());
    ihdr.extend([8, 2, 0, 0, 0]);
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend(chunk(b"IHDR", &ihdr));
    png.extend(chunk(b"IDAT", &[0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]));
    png.extend(chunk(b"IEND", &[]));
    png
}

/// The letter as a macro-enabled document: the same package with a `word/vbaProject.bin`.
fn docm() -> Vec<u8> {
    use std::io::Write;
    let mut letter = zip::ZipArchive::new(std::io::Cursor::new(fixture("letter.docx"))).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..letter.len() {
        out.raw_copy_file(letter.by_index_raw(i).unwrap()).unwrap();
    }
    out.start_file("word/vbaProject.bin", zip::write::SimpleFileOptions::default()).unwrap();
    out.write_all(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1 macro").unwrap();
    out.finish().unwrap().into_inner()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_decompression_bomb_is_not_sent_with_its_reason_and_a_macro_document_is_refused() {
    let app = spawn_app().await;
    let doctor = app.signed_in("doctor@kabinet.example").await;
    let card = card_of(&app, "иванова анна").await;
    let res = upload(&app, &doctor, card, batch("Макрос", "analyses", vec![("letter.docm", docm())], &[0])).await;
    assert_eq!(error_of(res).await, AppError::field("files", Problem::FileType));
    assert_eq!(stored_files(&app), Vec::<String>::new());

    let started = std::time::Instant::now();
    let res = upload(&app, &doctor, card, batch("Снимок", "analyses", vec![("bomb.png", png_bomb())], &[0])).await;
    assert_eq!(res.status(), 200);
    delivered(&app).await;
    assert!(started.elapsed() < Duration::from_secs(10), "took {:?}", started.elapsed());
    let docs = documents(&app, &doctor, card).await;
    let file = &docs.uploads[0].files[0];
    assert_eq!(file.status, FileStatus::NotSent);
    assert_eq!(file.reasons, vec![Reason::ImageTooLarge]);
    assert_eq!(docs.uploads[0].status, UploadStatus::NotSent);
    let texts = app::i18n::Lang::Ru.texts();
    assert_eq!(texts.docs().status(UploadStatus::NotSent), "Не отправлено");
    assert_eq!(texts.docs().reason(Reason::ImageTooLarge), "изображение слишком большое (больше 50 мегапикселей)");
}
