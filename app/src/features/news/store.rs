//! What the news feature needs from storage.

use crate::platform::store::StoreResult;
use async_trait::async_trait;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewsRecord {
    pub id: i64,
    pub title: String,
    pub body: String,
    pub publish_at: Option<i64>,
    pub withdrawn_at: Option<i64>,
    pub updated_at: i64,
}

/// The clinic's news.
#[async_trait]
pub trait NewsStore: Send + Sync {
    async fn news_published_page(&self, now: i64, offset: i64, limit: i64) -> StoreResult<(Vec<NewsRecord>, i64)>;
    async fn news_published(&self, id: i64, now: i64) -> StoreResult<Option<NewsRecord>>;
    async fn news_all(&self) -> StoreResult<Vec<NewsRecord>>;
    async fn news_get(&self, id: i64) -> StoreResult<Option<NewsRecord>>;
    async fn news_create(&self, title: &str, body: &str, author_account_id: i64, now: i64) -> StoreResult<i64>;
    /// False when there is no such item.
    async fn news_update(&self, id: i64, title: &str, body: &str, now: i64) -> StoreResult<bool>;
    /// Publishes at `publish_at` (now or later), clearing any withdrawal.
    async fn news_publish(&self, id: i64, publish_at: i64, now: i64) -> StoreResult<bool>;
    async fn news_withdraw(&self, id: i64, now: i64) -> StoreResult<bool>;
}
