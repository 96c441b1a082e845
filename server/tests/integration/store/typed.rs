//! Typed rows and corrupt values across the stores: what goes in as the domain's enums comes
//! back as the same enums; a value the domain does not know reads as corrupt, never as a default.

use super::seeded;
use app::features::record::delivery::{FileStatus, Reason};
use app::features::record::document_rules::{Category, Refusal, UploadSource};
use app::features::record::document_store::{NewFile, NewUpload};
use app::features::record::rules::RecordKind;
use app::features::record::store::RecordQuery;
use app::kernel::account::Role;
use app::kernel::email::Email;
use app::kernel::media::MediaType;
use app::platform::store::{Actor, AuditEntry, Channel, NewMail, NewSession};
use app::platform::store::{Store, StoreError};

pub async fn rows_story(url: &str) {
    let store = seeded(url).await;
    typed_rows(&*store).await;
}

pub async fn corrupt_story(url: &str) {
    let store = seeded(url).await;
    unknown_values_read_as_corrupt(&*store, url).await;
}

/// A card of the demo clinic and two files uploaded to it, stored under names made from `tag`:
/// (card, record, first file).
async fn an_upload(store: &dyn Store, tag: &str) -> (i64, i64, i64) {
    let card = store.card_search("иванова", None, 1).await.unwrap()[0].card_id;
    let staff = store.sign_in_record(&Email::parse("doctor@kabinet.example").unwrap()).await.unwrap().unwrap();
    let now = 1_800_000_000;
    let file = |name: &str, media_type: MediaType, status: FileStatus, reasons: Vec<Reason>| NewFile {
        original_name: name.into(),
        media_type,
        size: 500,
        stored_name: format!("{tag}-{name}"),
        status,
        reasons,
    };
    let (_, record) = store
        .create_upload(NewUpload {
            card_id: card,
            target_card_id: card,
            source: UploadSource::Clinic,
            uploaded_by: staff.account_id,
            kind: RecordKind::Inpatient,
            category: Some(Category::Conclusion),
            title: "Выписка".into(),
            visit_date: time::macros::date!(2026 - 11 - 02),
            staff_id: None,
            icd_code: None,
            icd_text: None,
            search_text: "выписка".into(),
            anonymous_visit: false,
            own_consent: false,
            shown_now: false,
            dob_gate: false,
            files: vec![
                file("scan.docx", MediaType::Docx, FileStatus::Queued, vec![]),
                file(
                    "big.pdf",
                    MediaType::Pdf,
                    FileStatus::CannotSend,
                    vec![Reason::Refused(Refusal::TooLarge), Reason::NotSelected],
                ),
            ],
            now,
            audit: AuditEntry::by(&Actor::system("test"), now, "document.upload").card(card),
        })
        .await
        .unwrap();
    let files = store.record_files(record).await.unwrap();
    (card, record, files[0].id)
}

/// What goes in as the domain's enums comes back as the same enums, on both backends.
async fn typed_rows(store: &dyn Store) {
    let (card, record, _) = an_upload(store, "typed").await;
    let files = store.record_files(record).await.unwrap();
    let read: Vec<_> = files.iter().map(|f| (f.media_type, f.status, f.reasons.clone(), f.source)).collect();
    assert_eq!(
        read,
        [
            (MediaType::Docx, FileStatus::Queued, vec![], UploadSource::Clinic),
            (
                MediaType::Pdf,
                FileStatus::CannotSend,
                vec![Reason::Refused(Refusal::TooLarge), Reason::NotSelected],
                UploadSource::Clinic
            ),
        ]
    );
    let now = 1_800_000_100;
    let leased = store.lease_files(now, now + 300, 10).await.unwrap();
    assert_eq!(leased.iter().map(|f| f.id).collect::<Vec<_>>(), [files[0].id]);
    let audit = AuditEntry::by(&Actor::system("worker"), now, "document.delivered").card(card);
    assert!(store.deliver_file(files[0].id, Some(("c1.pdf".into(), MediaType::Pdf)), now, audit).await.unwrap());
    let delivered = store.file(files[0].id).await.unwrap().unwrap();
    assert_eq!((delivered.status, delivered.converted_type), (FileStatus::Delivered, Some(MediaType::Pdf)));
    let row = store.record(card, record, false).await.unwrap().unwrap();
    assert_eq!((row.kind, row.category), (RecordKind::Inpatient, Some(Category::Conclusion)));
    let q = RecordQuery { kind: Some(RecordKind::Inpatient), ..Default::default() };
    let (rows, _) = store.records(card, &q, 0, 50).await.unwrap();
    assert!(!rows.is_empty() && rows.iter().all(|r| r.kind == RecordKind::Inpatient));
    let id =
        store.outbox_enqueue(NewMail { recipient: "a@b.example".into(), subject: "s".into(), body: "b".into() }, now);
    let id = id.await.unwrap();
    let mail = store.outbox_recent(50).await.unwrap().into_iter().find(|m| m.id == id).unwrap();
    assert_eq!(mail.channel, Channel::Email);
}

/// Runs `sql` behind the store's back with the schema's CHECK constraints out of the way: a
/// database edited by hand, or a value the code no longer knows.
async fn behind_the_back(url: &str, sql: &str) {
    use sqlx::Connection;
    match kabinet_server::db::Backend::of_url(url).unwrap() {
        kabinet_server::db::Backend::Sqlite => {
            let mut c = sqlx::SqliteConnection::connect(url).await.unwrap();
            sqlx::query("PRAGMA ignore_check_constraints = ON").execute(&mut c).await.unwrap();
            sqlx::query(sql).execute(&mut c).await.unwrap();
        }
        kabinet_server::db::Backend::Postgres => {
            let mut c = sqlx::PgConnection::connect(url).await.unwrap();
            let checked = [
                ("document_file", "status"),
                ("document_upload", "source"),
                ("medical_record", "kind"),
                ("medical_record", "category"),
                ("patient_card", "phone_kind"),
                ("outbox", "channel"),
                ("staff_role", "role"),
            ];
            for (table, column) in checked {
                let drop = format!("ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {table}_{column}_check");
                sqlx::query(&drop).execute(&mut c).await.unwrap();
            }
            sqlx::query(sql).execute(&mut c).await.unwrap();
        }
    }
}

fn corrupt<T: std::fmt::Debug>(read: Result<T, StoreError>, what: &str) {
    assert!(matches!(read, Err(StoreError::Corrupt(_))), "{what}: {read:?}");
}

/// A status, media type, reason, source, kind, channel, phone kind, staff role or journal role
/// the domain does not know is answered as corrupt data, never read as some default.
async fn unknown_values_read_as_corrupt(store: &dyn Store, url: &str) {
    let (card, record, file) = an_upload(store, "corrupt").await;
    let cases = [
        ("document_file", "media_type", "'application/x-unknown'", "'application/pdf'", file),
        ("document_file", "converted_type", "'image/x-unknown'", "NULL", file),
        ("document_file", "status", "'lost'", "'not_sent'", file),
        ("document_file", "reasons", "'too_large,bogus'", "''", file),
    ];
    for (table, column, bad, good, id) in cases {
        behind_the_back(url, &format!("UPDATE {table} SET {column} = {bad} WHERE id = {id}")).await;
        corrupt(store.file(file).await, column);
        corrupt(store.record_files(record).await, column);
        behind_the_back(url, &format!("UPDATE {table} SET {column} = {good} WHERE id = {id}")).await;
        assert!(store.file(file).await.is_ok(), "{column} mended");
    }
    let upload = format!("(SELECT upload_id FROM document_file WHERE id = {file})");
    behind_the_back(url, &format!("UPDATE document_upload SET source = 'fax' WHERE id = {upload}")).await;
    corrupt(store.file(file).await, "source");
    behind_the_back(url, &format!("UPDATE document_upload SET source = 'clinic' WHERE id = {upload}")).await;

    behind_the_back(url, &format!("UPDATE medical_record SET category = 'x-ray' WHERE id = {record}")).await;
    corrupt(store.record(card, record, false).await, "category");
    corrupt(store.uploads_of_card(card).await, "category");
    behind_the_back(
        url,
        &format!("UPDATE medical_record SET category = 'analyses', kind = 'dental' WHERE id = {record}"),
    )
    .await;
    corrupt(store.record(card, record, false).await, "kind");
    corrupt(store.records(card, &RecordQuery::default(), 0, 50).await, "kind");
    behind_the_back(url, &format!("UPDATE medical_record SET kind = 'outpatient' WHERE id = {record}")).await;
    assert!(store.record(card, record, false).await.is_ok());

    behind_the_back(url, &format!("UPDATE patient_card SET phone_kind = 'satellite' WHERE id = {card}")).await;
    corrupt(store.card_facts(card).await, "phone kind");
    behind_the_back(url, &format!("UPDATE patient_card SET phone_kind = 'mobile' WHERE id = {card}")).await;

    let mail = NewMail { recipient: "a@b.example".into(), subject: "s".into(), body: "b".into() };
    let id = store.outbox_enqueue(mail, 1_800_000_000).await.unwrap();
    behind_the_back(url, &format!("UPDATE outbox SET channel = 'pigeon' WHERE id = {id}")).await;
    corrupt(store.outbox_recent(50).await, "channel");
    behind_the_back(url, &format!("UPDATE outbox SET channel = 'email' WHERE id = {id}")).await;

    // A staff role the portal does not know is not dropped (nor read as some other role).
    let head = store.sign_in_record(&Email::parse("head@kabinet.example").unwrap()).await.unwrap().unwrap();
    let now = 1_800_000_000;
    let session = NewSession {
        token_hash: "d".repeat(64),
        account_id: head.account_id,
        active_card_id: None,
        now,
        expires_at: now + 60,
        origin: "127.0.0.1".into(),
        user_agent: "test".into(),
    };
    store.create_session(session).await.unwrap();
    let staff = format!("(SELECT staff_id FROM account WHERE id = {})", head.account_id);
    behind_the_back(url, &format!("UPDATE staff_role SET role = 'admin' WHERE role = 'head' AND staff_id = {staff}"))
        .await;
    corrupt(store.session(&"d".repeat(64), now, now - 60).await, "staff role");
    behind_the_back(url, &format!("UPDATE staff_role SET role = 'head' WHERE role = 'admin' AND staff_id = {staff}"))
        .await;
    assert_eq!(
        store.session(&"d".repeat(64), now, now - 60).await.unwrap().unwrap().roles.0,
        [Role::Clinician, Role::Head]
    );

    // The journal is append-only: the unknown role goes on a card of its own.
    behind_the_back(
        url,
        "INSERT INTO audit_log (at, actor_account_id, actor_role, card_id, action, object, origin)
         VALUES (1800000000, NULL, 'admin', 987654, 'card.open', NULL, 'test')",
    )
    .await;
    corrupt(store.audit_for_card(987_654).await, "actor role");
    corrupt(store.access_journal(987_654, 10).await, "actor role");
}
