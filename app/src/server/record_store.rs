//! Storage for the medical record: a card's records, filtered and paged, and one record.

use super::store::StoreResult;
use async_trait::async_trait;
use time::Date;

/// A record as stored, with the doctor's name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordRow {
    pub id: i64,
    pub card_id: i64,
    /// "outpatient", "inpatient", "patient" or "telemedicine".
    pub kind: String,
    pub visit_date: Date,
    pub staff_id: Option<i64>,
    pub doctor_name: Option<String>,
    pub specialty: Option<String>,
    pub icd_code: Option<String>,
    pub icd_text: Option<String>,
    pub title: String,
    pub body: String,
    pub category: Option<String>,
    pub created_at: i64,
    /// When the cabinet started showing it (none: the clinic's only).
    pub sent_at: Option<i64>,
    pub author_account_id: Option<i64>,
    pub dob_gate: bool,
    pub dob_unlocked_at: Option<i64>,
    /// It shows an upload's files (else it is a written record: a protocol).
    pub has_upload: bool,
}

/// The list's filter, as the store applies it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RecordQuery {
    pub kind: Option<String>,
    pub from: Option<Date>,
    pub to: Option<Date>,
    pub doctor: Option<i64>,
    /// Lower-case text to find in the title, text, diagnosis or doctor's name.
    pub text: Option<String>,
    /// Only what the cabinet shows (the patient's view); staff see every record.
    pub sent_only: bool,
}

#[async_trait]
pub trait RecordStore: Send + Sync {
    /// One page of the card's records, newest first, and how many match in all.
    async fn records(
        &self,
        card_id: i64,
        q: &RecordQuery,
        offset: i64,
        limit: i64,
    ) -> StoreResult<(Vec<RecordRow>, i64)>;
    /// The record if it belongs to the card (else none, whether or not it exists); with
    /// `sent_only`, only if the cabinet shows it.
    async fn record(&self, card_id: i64, id: i64, sent_only: bool) -> StoreResult<Option<RecordRow>>;
    /// The doctors who wrote the card's records the cabinet shows: (staff id, name).
    async fn record_doctors(&self, card_id: i64) -> StoreResult<Vec<(i64, String)>>;
}
