//! Storage for the medical record: a card's records, filtered and paged, and one record.

use crate::features::record::document_rules::Category;
use crate::features::record::rules::RecordKind;
use crate::kernel::account::{Me, Profile};
use crate::platform::store::StoreResult;
use async_trait::async_trait;
use time::Date;

/// A record as stored, with the doctor's name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordRow {
    pub id: i64,
    pub card_id: i64,
    pub kind: RecordKind,
    pub visit_date: Date,
    pub staff_id: Option<i64>,
    pub doctor_name: Option<String>,
    pub specialty: Option<String>,
    pub icd_code: Option<String>,
    pub icd_text: Option<String>,
    pub title: String,
    pub body: String,
    pub category: Option<Category>,
    pub created_at: i64,
    /// When the cabinet started showing it (none: the clinic's only).
    pub sent_at: Option<i64>,
    pub author_account_id: Option<i64>,
    pub dob_gate: bool,
    pub dob_unlocked_at: Option<i64>,
    /// It shows an upload's files (else it is a written record: a protocol).
    pub has_upload: bool,
    /// Care the minor consented to alone (323-FZ art. 54): kept from the guardian's view.
    pub own_consent: bool,
    /// The ward's card the files were sent from, when they landed in a guardian's card.
    pub routed_from: Option<i64>,
}

/// What a reader of the cabinet sees of a card beyond its plain records (staff see the card's
/// records as stored). Built from the reader's profiles, which hold only guardianships valid
/// today, so an ended guardianship hides at once, also in open sessions.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReaderView {
    /// The guardian reads a ward's card: the minor's own-consent care is left out entirely.
    pub guardian: bool,
    /// Records that landed in this card for these wards are shown; ones that landed for anyone
    /// else (an ended guardianship) are not.
    pub wards: Vec<i64>,
    /// The card's own reader also sees what was sent from this card to a guardian's card.
    pub sent_to_guardians: bool,
}

impl ReaderView {
    /// What the cabinet shows the person in `profile`: a guardian in a ward's profile never sees
    /// the minor's own-consent care; in one's own profile, what landed there for a ward shows while
    /// that guardianship holds today, and what was sent from one's card to a guardian's shows too.
    pub fn of(me: &Me, profile: &Profile) -> ReaderView {
        if profile.is_ward {
            return ReaderView { guardian: true, wards: Vec::new(), sent_to_guardians: false };
        }
        ReaderView {
            guardian: false,
            wards: me.profiles.iter().filter(|p| p.is_ward).map(|p| p.card_id).collect(),
            sent_to_guardians: true,
        }
    }
}

/// The list's filter, as the store applies it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RecordQuery {
    pub kind: Option<RecordKind>,
    pub from: Option<Date>,
    pub to: Option<Date>,
    pub doctor: Option<i64>,
    /// Lower-case text to find in the title, text, diagnosis or doctor's name.
    pub text: Option<String>,
    /// Only what the cabinet shows (the patient's view); staff see every record.
    pub sent_only: bool,
    /// The cabinet's reader (none: staff, who see the card's records as stored).
    pub reader: Option<ReaderView>,
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
    /// The record if the cabinet shows it to `reader` in `card_id`'s profile (else none,
    /// whether or not it exists).
    async fn reader_record(&self, card_id: i64, id: i64, reader: &ReaderView) -> StoreResult<Option<RecordRow>>;
    /// The doctors who wrote the records the cabinet shows `reader` in the card's profile:
    /// (staff id, name).
    async fn record_doctors(&self, card_id: i64, reader: &ReaderView) -> StoreResult<Vec<(i64, String)>>;
    /// The journal's objects that name the card's own-consent care: its records ("record:N"),
    /// uploads ("upload:N") and files ("file:N").
    async fn own_consent_objects(&self, card_id: i64) -> StoreResult<Vec<String>>;
}
