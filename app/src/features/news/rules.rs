//! News items: their life cycle (draft → scheduled → published → withdrawn) and input rules.

use serde::{Deserialize, Serialize};

pub const TITLE_MAX: usize = 200;
pub const BODY_MAX: usize = 20_000;
/// News items on one page of the News tab.
pub const PAGE_SIZE: i64 = 10;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum NewsStatus {
    Draft,
    Scheduled,
    Published,
    Withdrawn,
}

/// Where an item stands at `now` (unix seconds). Withdrawal wins over everything.
pub fn status(publish_at: Option<i64>, withdrawn_at: Option<i64>, now: i64) -> NewsStatus {
    match (publish_at, withdrawn_at) {
        (_, Some(_)) => NewsStatus::Withdrawn,
        (None, None) => NewsStatus::Draft,
        (Some(at), None) if at > now => NewsStatus::Scheduled,
        (Some(_), None) => NewsStatus::Published,
    }
}

/// What a news item must be before it is stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewsDraft {
    pub title: String,
    pub body: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DraftProblem {
    TitleMissing,
    TitleTooLong,
    BodyMissing,
    BodyTooLong,
}

impl NewsDraft {
    pub fn parse(title: &str, body: &str) -> Result<Self, Vec<(&'static str, DraftProblem)>> {
        let title = title.trim();
        let body = body.trim();
        let mut problems = Vec::new();
        if title.is_empty() {
            problems.push(("title", DraftProblem::TitleMissing));
        } else if title.chars().count() > TITLE_MAX {
            problems.push(("title", DraftProblem::TitleTooLong));
        }
        if body.is_empty() {
            problems.push(("body", DraftProblem::BodyMissing));
        } else if body.chars().count() > BODY_MAX {
            problems.push(("body", DraftProblem::BodyTooLong));
        }
        if problems.is_empty() {
            Ok(Self { title: title.to_string(), body: body.to_string() })
        } else {
            Err(problems)
        }
    }
}

/// One line of the News tab.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewsSummary {
    pub id: i64,
    pub title: String,
    pub published_at: i64,
    pub excerpt: String,
}

/// A page of news for patients.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewsPage {
    pub items: Vec<NewsSummary>,
    pub page: i64,
    pub pages: i64,
}

/// A news item as read, with its body already rendered to safe HTML by the server.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewsArticle {
    pub id: i64,
    pub title: String,
    pub body_html: String,
    pub published_at: Option<i64>,
}

/// A news item as the editor manages it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewsAdminItem {
    pub id: i64,
    pub title: String,
    pub body: String,
    pub body_html: String,
    pub status: NewsStatus,
    pub publish_at: Option<i64>,
    pub updated_at: i64,
}

/// A line of the editor's news list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewsAdminRow {
    pub id: i64,
    pub title: String,
    pub status: NewsStatus,
    pub updated_at: i64,
}

/// The first words of a text, for lists: at most `max` characters, cut at a word boundary.
pub fn excerpt(plain: &str, max: usize) -> String {
    let text: String = plain.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() <= max {
        return text;
    }
    let cut: String = text.chars().take(max).collect();
    let cut = cut.rsplit_once(' ').map(|(a, _)| a).unwrap_or(&cut);
    format!("{cut}…")
}

/// Number of pages for `total` items; at least one, so an empty list still has page 1.
pub fn page_count(total: i64) -> i64 {
    ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_follows_publication_and_withdrawal() {
        assert_eq!(status(None, None, 100), NewsStatus::Draft);
        assert_eq!(status(Some(200), None, 100), NewsStatus::Scheduled);
        assert_eq!(status(Some(100), None, 100), NewsStatus::Published);
        assert_eq!(status(Some(50), Some(90), 100), NewsStatus::Withdrawn);
        assert_eq!(status(None, Some(90), 100), NewsStatus::Withdrawn);
    }

    #[test]
    fn drafts_need_a_title_and_a_body_within_limits() {
        assert!(NewsDraft::parse(" Заголовок ", " Текст ").is_ok());
        let long = "я".repeat(TITLE_MAX + 1);
        let errs = NewsDraft::parse(&long, "  ").unwrap_err();
        assert_eq!(errs, vec![("title", DraftProblem::TitleTooLong), ("body", DraftProblem::BodyMissing)]);
        let errs = NewsDraft::parse("", &"a".repeat(BODY_MAX + 1)).unwrap_err();
        assert_eq!(errs, vec![("title", DraftProblem::TitleMissing), ("body", DraftProblem::BodyTooLong)]);
    }

    #[test]
    fn excerpts_cut_at_a_word() {
        assert_eq!(excerpt("короткий  текст", 50), "короткий текст");
        assert_eq!(excerpt("один два три четыре", 12), "один два…");
    }

    #[test]
    fn page_count_rounds_up_and_is_never_zero() {
        assert_eq!(page_count(0), 1);
        assert_eq!(page_count(10), 1);
        assert_eq!(page_count(11), 2);
    }
}
