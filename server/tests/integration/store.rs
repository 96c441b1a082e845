//! One storage story, run against SQLite and against PostgreSQL.

use crate::support::{demo_seed, pg_db, sqlite_db};
use app::domain::account::Role;
use app::domain::email::Email;
use app::server::store::{AuditEntry, NewSession};
use app::server::Store;

async fn story(url: &str) {
    let store = kabinet_server::db::open(url).await.expect("open");
    store.ping().await.expect("ping");
    assert!(store.load_seed(&demo_seed()).await.unwrap(), "first load fills the database");
    assert!(!store.load_seed(&demo_seed()).await.unwrap(), "a second load changes nothing");
    assert_eq!(store.clinic().await.unwrap().unwrap().utc_offset_minutes, 180);

    accounts_and_sessions(&*store).await;
    throttling(&*store).await;
    news_life_cycle(&*store).await;
    prices(&*store).await;
    audit_journal(&*store, url).await;

    // Opening again applies nothing twice.
    kabinet_server::db::open(url).await.expect("reopen");
}

async fn accounts_and_sessions(store: &dyn Store) {
    let email = Email::parse("guardian@kabinet.example").unwrap();
    let rec = store.sign_in_record(&email).await.unwrap().expect("guardian exists");
    assert!(rec.password_hash.starts_with("$argon2id$"));
    assert!(store.sign_in_record(&Email::parse("nobody@kabinet.example").unwrap()).await.unwrap().is_none());

    let now = 1_800_000_000;
    store
        .create_session(NewSession {
            token_hash: "a".repeat(64),
            account_id: rec.account_id,
            active_card_id: rec.own_card_id,
            now,
            expires_at: now + 3600,
            origin: "127.0.0.1".into(),
            user_agent: "test".into(),
        })
        .await
        .unwrap();
    let s = store.session(&"a".repeat(64), now + 10, now - 1800).await.unwrap().expect("live session");
    assert_eq!(s.account_id, rec.account_id);
    assert!(s.roles.0.is_empty(), "a patient has no staff roles");
    assert!(store.session(&"b".repeat(64), now + 10, now - 1800).await.unwrap().is_none(), "unknown token");
    assert!(store.session(&"a".repeat(64), now + 3600, now).await.unwrap().is_none(), "past absolute expiry");
    assert!(store.session(&"a".repeat(64), now + 3000, now + 2000).await.unwrap().is_none(), "idle too long");

    let overview = store.account_overview(rec.account_id).await.unwrap();
    assert_eq!(overview.own_card.as_ref().unwrap().surname, "Петров");
    assert_eq!(overview.wards.len(), 2);
    assert_eq!(overview.wards[0].name, "Мария");
    assert_eq!(overview.wards[1].name, "Иван");
    store.set_active_card(s.session_id, overview.wards[0].card_id).await.unwrap();
    let s2 = store.session(&"a".repeat(64), now + 20, now - 1800).await.unwrap().unwrap();
    assert_eq!(s2.active_card_id, Some(overview.wards[0].card_id));
    store.delete_session(s.session_id).await.unwrap();
    assert!(store.session(&"a".repeat(64), now + 30, now - 1800).await.unwrap().is_none(), "signed out");

    let head = store.sign_in_record(&Email::parse("head@kabinet.example").unwrap()).await.unwrap().unwrap();
    store
        .create_session(NewSession {
            token_hash: "c".repeat(64),
            account_id: head.account_id,
            active_card_id: None,
            now,
            expires_at: now + 60,
            origin: "127.0.0.1".into(),
            user_agent: "test".into(),
        })
        .await
        .unwrap();
    let hs = store.session(&"c".repeat(64), now, now - 60).await.unwrap().unwrap();
    assert_eq!(hs.roles.0, vec![Role::Clinician, Role::Head]);
    assert_eq!(
        store.account_overview(head.account_id).await.unwrap().staff_name.as_deref(),
        Some("Сергей Анатольевич Волков")
    );
}

async fn throttling(store: &dyn Store) {
    let (key, now) = ("signin-email:test", 1_800_000_000);
    for i in 0..4 {
        assert_eq!(store.throttle_failure(key, now + i, 900, 5, 900).await.unwrap(), None, "failure {i} does not lock");
    }
    assert_eq!(store.throttle_locked_until(key, now + 4).await.unwrap(), None);
    assert_eq!(store.throttle_failure(key, now + 4, 900, 5, 900).await.unwrap(), Some(now + 904), "the fifth locks");
    assert_eq!(store.throttle_locked_until(key, now + 5).await.unwrap(), Some(now + 904));
    assert_eq!(store.throttle_locked_until(key, now + 905).await.unwrap(), None, "the lock ends");
    // A new window starts counting from one again.
    assert_eq!(store.throttle_failure(key, now + 2000, 900, 5, 900).await.unwrap(), None);
    store.throttle_clear(key).await.unwrap();
    assert_eq!(store.throttle_locked_until(key, now + 2001).await.unwrap(), None);
}

async fn news_life_cycle(store: &dyn Store) {
    let now = kabinet_server::now();
    let (seeded, total) = store.news_published_page(now, 0, 10).await.unwrap();
    assert_eq!(total, 3, "the demo has three published items and one draft");
    assert!(seeded.windows(2).all(|w| w[0].publish_at >= w[1].publish_at), "newest first");

    let editor = store.sign_in_record(&Email::parse("editor@kabinet.example").unwrap()).await.unwrap().unwrap();
    let id = store.news_create("Новость", "Текст", editor.account_id, now).await.unwrap();
    assert!(store.news_published(id, now).await.unwrap().is_none(), "a draft is not public");
    assert!(store.news_update(id, "Новость дня", "Текст", now + 1).await.unwrap());
    assert!(!store.news_update(999_999, "x", "y", now).await.unwrap(), "unknown id");

    assert!(store.news_publish(id, now + 3600, now + 2).await.unwrap());
    assert!(store.news_published(id, now + 10).await.unwrap().is_none(), "scheduled, not yet public");
    let later = store.news_published(id, now + 3600).await.unwrap().expect("public at its time");
    assert_eq!(later.title, "Новость дня");
    let (first_page, total) = store.news_published_page(now + 3600, 0, 2).await.unwrap();
    assert_eq!((first_page.len(), total), (2, 4));
    assert_eq!(first_page[0].id, id, "the newest comes first");
    let (last_page, _) = store.news_published_page(now + 3600, 2, 2).await.unwrap();
    assert_eq!(last_page.len(), 2);

    assert!(store.news_withdraw(id, now + 4000).await.unwrap());
    assert!(store.news_published(id, now + 5000).await.unwrap().is_none(), "withdrawn");
    assert_eq!(store.news_get(id).await.unwrap().unwrap().withdrawn_at, Some(now + 4000));
    assert!(store.news_all().await.unwrap().iter().any(|n| n.id == id && n.publish_at.is_some()));
}

async fn prices(store: &dyn Store) {
    let plans = store.cabinet_tariff_plans().await.unwrap();
    let names: Vec<_> = plans.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["Базовый прайс", "ДМС"], "the hidden corporate plan is not offered");
    let base = store.price_list(plans[0].id).await.unwrap();
    assert_eq!(base.iter().map(|s| s.name.as_str()).collect::<Vec<_>>()[0], "Терапия");
    assert_eq!(base.len(), 6);
    assert_eq!(base[0].items[0].code, "B01.047.001");
    assert_eq!(base[0].items[0].price.0, 220_000);
    let dms = store.price_list(plans[1].id).await.unwrap();
    assert_eq!(dms[0].items[0].price.0, 264_000);
}

async fn audit_journal(store: &dyn Store, url: &str) {
    let entry = AuditEntry {
        at: 1_800_000_000,
        actor_account_id: Some(1),
        actor_role: "guardian".into(),
        card_id: Some(3),
        action: "card.open".into(),
        object: Some("profile".into()),
        origin: "127.0.0.1".into(),
    };
    store.audit(entry.clone()).await.unwrap();
    assert_eq!(store.audit_for_card(3).await.unwrap(), vec![entry]);
    // Append-only, enforced by the database itself.
    let changed = match kabinet_server::db::Backend::of_url(url).unwrap() {
        kabinet_server::db::Backend::Sqlite => {
            let pool = sqlx::SqlitePool::connect(url).await.unwrap();
            let upd = sqlx::query("UPDATE audit_log SET action = 'x'").execute(&pool).await;
            let del = sqlx::query("DELETE FROM audit_log").execute(&pool).await;
            upd.is_ok() || del.is_ok()
        }
        kabinet_server::db::Backend::Postgres => {
            let pool = sqlx::PgPool::connect(url).await.unwrap();
            let upd = sqlx::query("UPDATE audit_log SET action = 'x'").execute(&pool).await;
            let del = sqlx::query("DELETE FROM audit_log").execute(&pool).await;
            upd.is_ok() || del.is_ok()
        }
    };
    assert!(!changed, "the audit journal refused changes");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn storage_story_on_sqlite() {
    let db = sqlite_db();
    story(&db.url).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn storage_story_on_postgres() {
    if let Some(db) = pg_db().await {
        story(&db.url).await;
    }
}
