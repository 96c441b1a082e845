//! `NewsStore`: the clinic's news.

use super::sql::query;
use super::sql::Row;
use super::SqlStore;
use crate::db::db_err;
use app::features::news::store::*;
use app::platform::store::*;
use async_trait::async_trait;

/// A news item's draft: the editor's «Сохранить» and the demo clinic's news.
pub(super) async fn insert_news<'c>(
    on: impl super::sql::On<'c>,
    title: &str,
    body: &str,
    author: i64,
    now: i64,
) -> StoreResult<i64> {
    query(
        "INSERT INTO news (title, body, author_account_id, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $4) RETURNING id",
    )
    .bind(title)
    .bind(body)
    .bind(author)
    .bind(now)
    .fetch_one(on)
    .await
    .and_then(|r| r.try_get("id"))
    .map_err(db_err)
}

/// Publishes a news item now or at `publish_at`: «Опубликовать» and the demo clinic's news.
pub(super) async fn publish_news<'c>(
    on: impl super::sql::On<'c>,
    id: i64,
    publish_at: i64,
    now: i64,
) -> StoreResult<bool> {
    let done = query("UPDATE news SET publish_at = $2, withdrawn_at = NULL, updated_at = $3 WHERE id = $1")
        .bind(id)
        .bind(publish_at)
        .bind(now)
        .execute(on)
        .await
        .map_err(db_err)?;
    Ok(done.rows_affected() == 1)
}

#[async_trait]
impl NewsStore for SqlStore {
    async fn news_published_page(&self, now: i64, offset: i64, limit: i64) -> StoreResult<(Vec<NewsRecord>, i64)> {
        const VISIBLE: &str = "publish_at IS NOT NULL AND publish_at <= $1 AND withdrawn_at IS NULL";
        let items = query(&format!(
            "SELECT {NEWS_COLUMNS} FROM news WHERE {VISIBLE}
             ORDER BY publish_at DESC, id DESC LIMIT $2 OFFSET $3"
        ))
        .bind(now)
        .bind(limit)
        .bind(offset)
        .fetch_all(&self.db)
        .await
        .map_err(db_err)?
        .iter()
        .map(news_record)
        .collect::<Result<Vec<_>, _>>()
        .map_err(db_err)?;
        let total: i64 = query(&format!("SELECT COUNT(*) AS n FROM news WHERE {VISIBLE}"))
            .bind(now)
            .fetch_one(&self.db)
            .await
            .and_then(|r| r.try_get("n"))
            .map_err(db_err)?;
        Ok((items, total))
    }

    async fn news_published(&self, id: i64, now: i64) -> StoreResult<Option<NewsRecord>> {
        query(&format!(
            "SELECT {NEWS_COLUMNS} FROM news
             WHERE id = $1 AND publish_at IS NOT NULL AND publish_at <= $2 AND withdrawn_at IS NULL"
        ))
        .bind(id)
        .bind(now)
        .fetch_optional(&self.db)
        .await
        .and_then(|r| r.as_ref().map(news_record).transpose())
        .map_err(db_err)
    }

    async fn news_all(&self) -> StoreResult<Vec<NewsRecord>> {
        query(&format!("SELECT {NEWS_COLUMNS} FROM news ORDER BY updated_at DESC, id DESC"))
            .fetch_all(&self.db)
            .await
            .and_then(|rows| rows.iter().map(news_record).collect())
            .map_err(db_err)
    }

    async fn news_get(&self, id: i64) -> StoreResult<Option<NewsRecord>> {
        query(&format!("SELECT {NEWS_COLUMNS} FROM news WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.db)
            .await
            .and_then(|r| r.as_ref().map(news_record).transpose())
            .map_err(db_err)
    }

    async fn news_create(&self, title: &str, body: &str, author: i64, now: i64) -> StoreResult<i64> {
        insert_news(&self.db, title, body, author, now).await
    }

    async fn news_update(&self, id: i64, title: &str, body: &str, now: i64) -> StoreResult<bool> {
        let done = query("UPDATE news SET title = $2, body = $3, updated_at = $4 WHERE id = $1")
            .bind(id)
            .bind(title)
            .bind(body)
            .bind(now)
            .execute(&self.db)
            .await
            .map_err(db_err)?;
        Ok(done.rows_affected() == 1)
    }

    async fn news_publish(&self, id: i64, publish_at: i64, now: i64) -> StoreResult<bool> {
        publish_news(&self.db, id, publish_at, now).await
    }

    async fn news_withdraw(&self, id: i64, now: i64) -> StoreResult<bool> {
        let done = query("UPDATE news SET withdrawn_at = $2, updated_at = $2 WHERE id = $1")
            .bind(id)
            .bind(now)
            .execute(&self.db)
            .await
            .map_err(db_err)?;
        Ok(done.rows_affected() == 1)
    }
}

const NEWS_COLUMNS: &str = "id, title, body, publish_at, withdrawn_at, updated_at";

fn news_record(r: &Row) -> Result<NewsRecord, sqlx::Error> {
    Ok(NewsRecord {
        id: r.try_get("id")?,
        title: r.try_get("title")?,
        body: r.try_get("body")?,
        publish_at: r.try_get("publish_at")?,
        withdrawn_at: r.try_get("withdrawn_at")?,
        updated_at: r.try_get("updated_at")?,
    })
}
