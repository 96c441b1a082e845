//! The medical record ("Медкарта"): its kinds of records, the filter that lives in the URL, and
//! what the pages show.

use crate::features::record::delivery::{Gate, RecordFiles};
use crate::features::record::document_rules::Category;
use crate::kernel::paths::percent_encode;
use crate::kernel::time_fmt::parse_iso_date;
use serde::{Deserialize, Serialize};
use time::Date;

pub const RECORDS_PER_PAGE: i64 = 20;
/// The longest text search the filter takes.
pub const SEARCH_MAX: usize = 100;

/// The record tab's four filters (SPEC.md glossary).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RecordKind {
    Outpatient,
    Inpatient,
    /// Entered by the patient.
    Patient,
    Telemedicine,
}

impl RecordKind {
    pub const ALL: [RecordKind; 4] =
        [RecordKind::Outpatient, RecordKind::Inpatient, RecordKind::Patient, RecordKind::Telemedicine];

    pub fn as_str(self) -> &'static str {
        match self {
            RecordKind::Outpatient => "outpatient",
            RecordKind::Inpatient => "inpatient",
            RecordKind::Patient => "patient",
            RecordKind::Telemedicine => "telemedicine",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// The filter as the URL carries it. Unknown or malformed values are dropped, not refused:
/// a bookmarked address keeps working.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordFilter {
    pub kind: Option<RecordKind>,
    pub from: Option<Date>,
    pub to: Option<Date>,
    pub doctor: Option<i64>,
    pub q: String,
    /// From 1.
    pub page: i64,
}

impl RecordFilter {
    pub fn from_query(kind: &str, from: &str, to: &str, doctor: &str, q: &str, page: &str) -> Self {
        RecordFilter {
            kind: RecordKind::parse(kind.trim()),
            from: parse_iso_date(from),
            to: parse_iso_date(to),
            doctor: doctor.trim().parse().ok(),
            q: q.trim().chars().take(SEARCH_MAX).collect(),
            page: page.trim().parse::<i64>().ok().filter(|p| *p >= 1).unwrap_or(1),
        }
    }

    /// The record tab's address for this filter with another kind and page.
    pub fn href(&self, kind: Option<RecordKind>, page: i64) -> String {
        let mut parts = Vec::new();
        if let Some(k) = kind {
            parts.push(format!("kind={}", k.as_str()));
        }
        if let Some(d) = self.from {
            parts.push(format!("from={d}"));
        }
        if let Some(d) = self.to {
            parts.push(format!("to={d}"));
        }
        if let Some(d) = self.doctor {
            parts.push(format!("doctor={d}"));
        }
        if !self.q.is_empty() {
            parts.push(format!("q={}", percent_encode(&self.q)));
        }
        if page > 1 {
            parts.push(format!("page={page}"));
        }
        if parts.is_empty() {
            "/record".into()
        } else {
            format!("/record?{}", parts.join("&"))
        }
    }
}

/// What the text filter compares: lower-case, single spaces.
pub fn search_key(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordSummary {
    pub id: i64,
    pub kind: RecordKind,
    pub date: Date,
    pub title: String,
    pub doctor: Option<String>,
    pub specialty: Option<String>,
    pub icd_code: Option<String>,
    pub category: Option<Category>,
    /// Behind the date-of-birth gate.
    pub locked: bool,
    /// Sent to this (a guardian's) card for a ward: the ward's name.
    pub for_ward: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordList {
    pub patient_name: String,
    pub items: Vec<RecordSummary>,
    pub total: i64,
    pub page: i64,
    pub pages: i64,
    /// The doctors who wrote this card's records, for the doctor filter.
    pub doctors: Vec<(i64, String)>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordDetail {
    pub id: i64,
    pub patient_name: String,
    pub kind: RecordKind,
    pub date: Date,
    pub title: String,
    pub doctor: Option<String>,
    pub specialty: Option<String>,
    pub icd_code: Option<String>,
    pub icd_text: Option<String>,
    pub body: String,
    pub category: Option<Category>,
    /// Closed: the text and files are not sent until the gate opens.
    pub gate: Gate,
    pub files: Option<RecordFiles>,
    /// Sent to this (a guardian's) card for a ward: the ward's name.
    pub for_ward: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn filters_round_trip_through_the_url_and_bad_values_are_dropped() {
        let f = RecordFilter::from_query("outpatient", "2026-01-01", "bad", "7", "  Гастрит  ", "2");
        assert_eq!(f.kind, Some(RecordKind::Outpatient));
        assert_eq!(f.from, Some(date!(2026 - 01 - 01)));
        assert_eq!(f.to, None);
        assert_eq!(f.doctor, Some(7));
        assert_eq!(f.q, "Гастрит");
        assert_eq!(f.page, 2);
        assert_eq!(
            f.href(f.kind, 3),
            "/record?kind=outpatient&from=2026-01-01&doctor=7&q=%D0%93%D0%B0%D1%81%D1%82%D1%80%D0%B8%D1%82&page=3"
        );
        assert_eq!(f.href(None, 1), "/record?from=2026-01-01&doctor=7&q=%D0%93%D0%B0%D1%81%D1%82%D1%80%D0%B8%D1%82");
        let bare = RecordFilter::from_query("everything", "", "", "x", "", "-4");
        assert_eq!(bare, RecordFilter { page: 1, ..Default::default() });
        assert_eq!(bare.href(None, 1), "/record");
        assert_eq!(RecordFilter::from_query("", "", "", "", &"я".repeat(500), "").q.chars().count(), SEARCH_MAX);
    }

    #[test]
    fn the_text_search_ignores_case_and_spacing() {
        assert_eq!(search_key("  Острый   ГАСТРИТ\n"), "острый гастрит");
    }
}
