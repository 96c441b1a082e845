//! `AuditStore`: the append-only journal, read back per card, newest first.

use super::seeded;
use app::kernel::account::{ActorRole, Role};
use app::platform::store::Store;
use app::platform::store::{Actor, AuditEntry};

pub async fn story(url: &str) {
    let store = seeded(url).await;
    audit_journal(&*store, url).await;
    ordering(&*store).await;
}

async fn audit_journal(store: &dyn Store, url: &str) {
    let guardian = Actor { account_id: Some(1), role: ActorRole::Guardian, origin: "127.0.0.1".into() };
    let entry = AuditEntry::by(&guardian, 1_800_000_000, "card.open").card(3).object("profile");
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

/// Lines come back exactly as written (Options, roles), only the card's, newest first and, at
/// one instant, the later line first.
async fn ordering(store: &dyn Store) {
    let staff = Actor { account_id: Some(3), role: ActorRole::Staff(Role::Head), origin: "10.0.0.7".into() };
    let system = Actor::system("worker");
    let early = AuditEntry::by(&system, 1_800_000_100, "document.delivered").card(40);
    let late = AuditEntry::by(&staff, 1_800_000_300, "record.send").card(40).object("record:9");
    let same_time = AuditEntry::by(&staff, 1_800_000_300, "record.update").card(40).object("record:9");
    let elsewhere = AuditEntry::by(&staff, 1_800_000_200, "card.open").card(41);
    let no_card = AuditEntry::by(&staff, 1_800_000_200, "clinic.settings");
    for e in [&early, &late, &elsewhere, &same_time, &no_card] {
        store.audit(e.clone()).await.unwrap();
    }
    assert_eq!(store.audit_for_card(40).await.unwrap(), vec![same_time, late, early]);
    assert_eq!(store.audit_for_card(41).await.unwrap(), vec![elsewhere]);
    assert!(store.audit_for_card(42).await.unwrap().is_empty());
}
