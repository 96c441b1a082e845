//! `SessionStore`: sign-in records, sessions (expiry, idleness, the active card), the header's
//! account overview.

use super::seeded;
use app::kernel::account::Role;
use app::kernel::email::Email;
use app::platform::store::NewSession;
use app::platform::store::Store;

pub async fn story(url: &str) {
    let store = seeded(url).await;
    accounts_and_sessions(&*store).await;
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
