//! `NewsStore`: drafts, scheduled publication, withdrawal, the public pages newest first.

use super::seeded;
use app::kernel::email::Email;
use app::platform::store::Store;

pub async fn story(url: &str) {
    let store = seeded(url).await;
    news_life_cycle(&*store).await;
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
