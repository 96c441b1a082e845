//! The storage conformance suite: one story per store trait, each calling the trait's methods
//! directly on a fresh, seeded database, run with the same code on SQLite and on PostgreSQL
//! (`<trait>_on_sqlite` / `<trait>_on_postgres`, so that a failure names both).

mod audit;
mod booking;
mod clinic;
mod documents;
mod messages;
mod news;
mod notifications;
mod onboarding;
mod outbox;
mod prices;
mod record;
mod security;
mod seed;
mod sessions;
mod throttle;
mod typed;

use crate::support::{demo_seed, pg_db, sqlite_db};
use app::features::record::delivery::FileStatus;
use app::features::record::document_rules::{Category, UploadSource};
use app::features::record::document_store::{NewFile, NewUpload, ProtocolInput};
use app::features::record::rules::RecordKind;
use app::kernel::email::Email;
use app::kernel::media::MediaType;
use app::platform::store::Store;
use app::platform::store::{Actor, AuditEntry, NewMail, SignInRecord};
use std::sync::Arc;

/// A fixed "now" for the stories (2027-01-15), well after the demo's data.
pub const NOW: i64 = 1_800_000_000;

/// The store at `url` with the demo clinic loaded.
pub async fn seeded(url: &str) -> Arc<dyn Store> {
    let store = kabinet_server::db::open(url).await.expect("open");
    assert!(store.load_seed(&demo_seed()).await.expect("seed"), "a fresh database takes the seed");
    store
}

/// The demo account with this e-mail.
pub async fn account(store: &dyn Store, email: &str) -> SignInRecord {
    store.sign_in_record(&Email::parse(email).unwrap()).await.unwrap().unwrap_or_else(|| panic!("{email} exists"))
}

/// The one demo card whose search key starts with `prefix` ("иванова анна").
pub async fn card(store: &dyn Store, prefix: &str) -> i64 {
    let found = store.card_search(prefix, None, 2).await.unwrap();
    assert_eq!(found.len(), 1, "one card for {prefix}");
    found[0].card_id
}

pub fn mail(recipient: &str, subject: &str, body: &str) -> NewMail {
    NewMail { recipient: recipient.into(), subject: subject.into(), body: body.into() }
}

/// One number from the database behind the store's back (a count the traits do not offer).
pub async fn scalar(url: &str, sql: &str) -> i64 {
    use sqlx::{Connection, Row};
    match kabinet_server::db::Backend::of_url(url).unwrap() {
        kabinet_server::db::Backend::Sqlite => {
            let mut c = sqlx::SqliteConnection::connect(url).await.unwrap();
            sqlx::query(sql).fetch_one(&mut c).await.unwrap().try_get::<i64, _>(0).unwrap()
        }
        kabinet_server::db::Backend::Postgres => {
            let mut c = sqlx::PgConnection::connect(url).await.unwrap();
            sqlx::query(sql).fetch_one(&mut c).await.unwrap().try_get::<i64, _>(0).unwrap()
        }
    }
}

/// Runs a statement behind the store's back (a state the traits cannot make, such as rows
/// written before a column existed).
pub async fn execute(url: &str, sql: &str) {
    use sqlx::Connection;
    match kabinet_server::db::Backend::of_url(url).unwrap() {
        kabinet_server::db::Backend::Sqlite => {
            let mut c = sqlx::SqliteConnection::connect(url).await.unwrap();
            sqlx::query(sql).execute(&mut c).await.unwrap();
        }
        kabinet_server::db::Backend::Postgres => {
            let mut c = sqlx::PgConnection::connect(url).await.unwrap();
            sqlx::query(sql).execute(&mut c).await.unwrap();
        }
    }
}

/// How many journal lines name `action` (for changes journalled without a card).
pub async fn journal_lines(url: &str, action: &str) -> i64 {
    scalar(url, &format!("SELECT COUNT(*) FROM audit_log WHERE action = '{action}'")).await
}

/// Rows in `table`.
pub async fn rows(url: &str, table: &str) -> i64 {
    scalar(url, &format!("SELECT COUNT(*) FROM {table}")).await
}

/// Two tests per story, one per backend, sharing the story's code.
macro_rules! on_both_backends {
    ($story:path, $on_sqlite:ident, $on_postgres:ident) => {
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $on_sqlite() {
            let db = sqlite_db();
            $story(&db.url).await;
        }

        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $on_postgres() {
            if let Some(db) = pg_db().await {
                $story(&db.url).await;
            }
        }
    };
}

on_both_backends!(seed::story, seed_store_on_sqlite, seed_store_on_postgres);
on_both_backends!(sessions::story, session_store_on_sqlite, session_store_on_postgres);
on_both_backends!(throttle::story, throttle_store_on_sqlite, throttle_store_on_postgres);
on_both_backends!(audit::story, audit_store_on_sqlite, audit_store_on_postgres);
on_both_backends!(news::story, news_store_on_sqlite, news_store_on_postgres);
on_both_backends!(prices::story, prices_store_on_sqlite, prices_store_on_postgres);
on_both_backends!(outbox::story, outbox_store_on_sqlite, outbox_store_on_postgres);
on_both_backends!(onboarding::story, onboarding_store_on_sqlite, onboarding_store_on_postgres);
on_both_backends!(security::story, security_store_on_sqlite, security_store_on_postgres);
on_both_backends!(booking::story, booking_store_on_sqlite, booking_store_on_postgres);
on_both_backends!(record::story, record_store_on_sqlite, record_store_on_postgres);
on_both_backends!(documents::story, document_store_on_sqlite, document_store_on_postgres);
on_both_backends!(messages::story, messages_store_on_sqlite, messages_store_on_postgres);
on_both_backends!(notifications::story, notifications_store_on_sqlite, notifications_store_on_postgres);
on_both_backends!(typed::rows_story, typed_rows_on_sqlite, typed_rows_on_postgres);
on_both_backends!(typed::corrupt_story, corrupt_values_on_sqlite, corrupt_values_on_postgres);

/// A clinic upload of one queued PDF (`stored_name` must be unique) sent from `card_id`, shown
/// in `target_card_id`'s record; callers change what their story needs.
pub fn new_upload(card_id: i64, target_card_id: i64, uploaded_by: i64, stored_name: &str) -> NewUpload {
    NewUpload {
        card_id,
        target_card_id,
        source: UploadSource::Clinic,
        uploaded_by,
        kind: RecordKind::Outpatient,
        category: Some(Category::Examinations),
        title: "УЗИ".into(),
        visit_date: time::macros::date!(2026 - 10 - 01),
        staff_id: None,
        icd_code: None,
        icd_text: None,
        search_text: "узи".into(),
        anonymous_visit: false,
        own_consent: false,
        shown_now: false,
        dob_gate: false,
        files: vec![NewFile {
            original_name: "scan.pdf".into(),
            media_type: MediaType::Pdf,
            size: 1234,
            stored_name: stored_name.into(),
            status: FileStatus::Queued,
            reasons: vec![],
        }],
        now: NOW,
        audit: AuditEntry::by(&Actor::system("test"), NOW, "document.upload").card(card_id),
    }
}

/// A clinician's protocol.
pub fn protocol(title: &str, own_consent: bool) -> ProtocolInput {
    ProtocolInput {
        kind: RecordKind::Outpatient,
        visit_date: time::macros::date!(2026 - 11 - 20),
        title: title.into(),
        icd_code: Some("J06.9".into()),
        icd_text: Some("ОРВИ".into()),
        body: "Жалобы: кашель.".into(),
        search_text: format!("{} кашель j06.9", title.to_lowercase()),
        own_consent,
    }
}
on_both_backends!(clinic::story, clinic_admin_store_on_sqlite, clinic_admin_store_on_postgres);
on_both_backends!(
    clinic::on_the_demo,
    clinic_admin_store_on_the_demo_on_sqlite,
    clinic_admin_store_on_the_demo_on_postgres
);
