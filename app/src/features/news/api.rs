//! The News tab for everyone signed in, and news management for editors and the head.

use crate::features::news::rules::{NewsAdminItem, NewsAdminRow, NewsArticle, NewsPage};
use crate::kernel::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::store::NewsRecord;
#[cfg(feature = "ssr")]
use crate::features::news::markdown;
#[cfg(feature = "ssr")]
use crate::features::news::rules;
#[cfg(feature = "ssr")]
use crate::kernel::error::Problem;
#[cfg(feature = "ssr")]
use crate::platform::auth;
#[cfg(feature = "ssr")]
use crate::platform::server_fn::with_error_status;
#[cfg(feature = "ssr")]
use crate::platform::state::use_state;

#[cfg(feature = "ssr")]
fn summary(r: NewsRecord) -> rules::NewsSummary {
    rules::NewsSummary {
        id: r.id,
        excerpt: rules::excerpt(&markdown::plain_text(&r.body), 240),
        title: r.title,
        published_at: r.publish_at.unwrap_or(r.updated_at),
    }
}

#[cfg(feature = "ssr")]
fn admin_item(r: NewsRecord, now: i64) -> NewsAdminItem {
    NewsAdminItem {
        id: r.id,
        status: rules::status(r.publish_at, r.withdrawn_at, now),
        body_html: markdown::render(&r.body),
        title: r.title,
        body: r.body,
        publish_at: r.publish_at,
        updated_at: r.updated_at,
    }
}

/// Published news, newest first, one page at a time.
#[server(prefix = "/rpc", endpoint = "get_news_page")]
pub async fn get_news_page(page: i64) -> Result<NewsPage, AppError> {
    with_error_status(
        async {
            auth::require_session()?;
            let state = use_state()?;
            let page = page.max(1);
            let (records, total) =
                state.store.news_published_page(state.now(), (page - 1) * rules::PAGE_SIZE, rules::PAGE_SIZE).await?;
            Ok(NewsPage { items: records.into_iter().map(summary).collect(), page, pages: rules::page_count(total) })
        }
        .await,
    )
}

/// One published news item.
#[server(prefix = "/rpc", endpoint = "get_news_article")]
pub async fn get_news_article(id: i64) -> Result<NewsArticle, AppError> {
    with_error_status(
        async {
            auth::require_session()?;
            let state = use_state()?;
            let r = state.store.news_published(id, state.now()).await?.ok_or(AppError::NotFound)?;
            Ok(NewsArticle {
                id: r.id,
                body_html: markdown::render(&r.body),
                title: r.title,
                published_at: r.publish_at,
            })
        }
        .await,
    )
}

/// Every news item in every state, for the editor.
#[server(prefix = "/rpc", endpoint = "news_admin_list")]
pub async fn news_admin_list() -> Result<Vec<NewsAdminRow>, AppError> {
    with_error_status(
        async {
            auth::require_staff(|r| r.can_manage_news())?;
            let state = use_state()?;
            let now = state.now();
            Ok(state
                .store
                .news_all()
                .await?
                .into_iter()
                .map(|r| NewsAdminRow {
                    id: r.id,
                    status: rules::status(r.publish_at, r.withdrawn_at, now),
                    title: r.title,
                    updated_at: r.updated_at,
                })
                .collect())
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "news_admin_get")]
pub async fn news_admin_get(id: i64) -> Result<NewsAdminItem, AppError> {
    with_error_status(
        async {
            auth::require_staff(|r| r.can_manage_news())?;
            let state = use_state()?;
            let r = state.store.news_get(id).await?.ok_or(AppError::NotFound)?;
            Ok(admin_item(r, state.now()))
        }
        .await,
    )
}

#[cfg(feature = "ssr")]
fn parse_draft(title: &str, body: &str) -> Result<rules::NewsDraft, AppError> {
    rules::NewsDraft::parse(title, body).map_err(|problems| {
        AppError::Validation(
            problems
                .into_iter()
                .map(|(field, p)| crate::kernel::error::FieldError {
                    field: field.into(),
                    problem: match p {
                        rules::DraftProblem::TitleMissing | rules::DraftProblem::BodyMissing => Problem::Required,
                        rules::DraftProblem::TitleTooLong => Problem::TooLong(rules::TITLE_MAX),
                        rules::DraftProblem::BodyTooLong => Problem::TooLong(rules::BODY_MAX),
                    },
                })
                .collect(),
        )
    })
}

/// Saves a news item: a new draft when `id` is absent, else changes to an existing one. Then
/// shows its preview.
#[server(prefix = "/rpc", endpoint = "news_save")]
pub async fn news_save(id: Option<i64>, title: String, body: String) -> Result<i64, AppError> {
    with_error_status(
        async {
            let session = auth::require_staff(|r| r.can_manage_news())?;
            let state = use_state()?;
            let draft = parse_draft(&title, &body)?;
            let now = state.now();
            let id = match id {
                Some(id) => {
                    if !state.store.news_update(id, &draft.title, &draft.body, now).await? {
                        return Err(AppError::NotFound);
                    }
                    id
                }
                None => state.store.news_create(&draft.title, &draft.body, session.account_id, now).await?,
            };
            leptos_axum::redirect(&format!("/staff/news/{id}"));
            Ok(id)
        }
        .await,
    )
}

/// Publishes now, or at `publish_at` ("2026-11-21T14:30" in clinic time) when given.
#[server(prefix = "/rpc", endpoint = "news_publish")]
pub async fn news_publish(id: i64, publish_at: Option<String>) -> Result<(), AppError> {
    with_error_status(
        async {
            auth::require_staff(|r| r.can_manage_news())?;
            let state = use_state()?;
            let now = state.now();
            let at = match publish_at.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
                None => now,
                Some(s) => crate::kernel::time_fmt::parse_input_value(s, state.utc_offset())
                    .ok_or_else(|| AppError::field("publish_at", Problem::DateTime))?
                    .max(now),
            };
            if !state.store.news_publish(id, at, now).await? {
                return Err(AppError::NotFound);
            }
            Ok(())
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "news_withdraw")]
pub async fn news_withdraw(id: i64) -> Result<(), AppError> {
    with_error_status(
        async {
            auth::require_staff(|r| r.can_manage_news())?;
            let state = use_state()?;
            if !state.store.news_withdraw(id, state.now()).await? {
                return Err(AppError::NotFound);
            }
            Ok(())
        }
        .await,
    )
}
