//! Storage for documents: uploads and their files, the delivery queue the worker leases from,
//! the date-of-birth gate, clinicians' protocols and the cabinet module's switch. Every method
//! that changes something writes its journal line in the same transaction.

use crate::features::record::delivery::{FileStatus, Reason};
use crate::features::record::document_rules::{Category, UploadSource};
use crate::features::record::rules::RecordKind;
use crate::kernel::media::MediaType;
use crate::kernel::person::PhoneKind;
use crate::platform::store::{AuditEntry, StoreResult};
use async_trait::async_trait;
use time::Date;

/// What the delivery rules read about a card.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CardFactsRow {
    pub card_id: i64,
    pub surname: String,
    pub name: String,
    pub patronymic: Option<String>,
    pub birth_date: Date,
    pub refused_pd_processing: bool,
    pub phone_kind: Option<PhoneKind>,
    pub phone_confirmed: bool,
    pub incapacitated: bool,
}

/// The clinic's document settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DocumentSettings {
    pub module_enabled_at: Option<i64>,
    pub protocol_edit_hours: i64,
}

/// One file of a new upload, already on disk under `stored_name`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewFile {
    pub original_name: String,
    pub media_type: MediaType,
    pub size: i64,
    pub stored_name: String,
    /// Queued, not sent or cannot be sent.
    pub status: FileStatus,
    pub reasons: Vec<Reason>,
}

/// A new upload and the record it shows as.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewUpload {
    /// The card it is sent from.
    pub card_id: i64,
    /// The card whose record shows it (the same, or a guardian's).
    pub target_card_id: i64,
    pub source: UploadSource,
    pub uploaded_by: i64,
    pub kind: RecordKind,
    pub category: Option<Category>,
    pub title: String,
    pub visit_date: Date,
    pub staff_id: Option<i64>,
    pub icd_code: Option<String>,
    pub icd_text: Option<String>,
    /// What the text filter finds the record by (`domain::record::search_key`).
    pub search_text: String,
    pub anonymous_visit: bool,
    /// The minor's own-consent care (kept from the guardian's view).
    pub own_consent: bool,
    /// The record is shown at once (a patient's own upload), not when its first file arrives.
    pub shown_now: bool,
    pub dob_gate: bool,
    pub files: Vec<NewFile>,
    pub now: i64,
    pub audit: AuditEntry,
}

/// A stored file with what access checks need.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileRow {
    pub id: i64,
    pub upload_id: i64,
    pub position: i64,
    pub original_name: String,
    pub media_type: MediaType,
    pub size: i64,
    pub stored_name: String,
    pub converted_name: Option<String>,
    pub converted_type: Option<MediaType>,
    pub status: FileStatus,
    pub reasons: Vec<Reason>,
    pub attempts: i64,
    pub resend_requested_at: Option<i64>,
    pub record_id: i64,
    /// The card whose record shows the file.
    pub record_card_id: i64,
    /// The card the upload was sent from.
    pub upload_card_id: i64,
    pub source: UploadSource,
    pub dob_gate: bool,
    pub dob_unlocked_at: Option<i64>,
}

/// An upload on the sender's page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UploadRow {
    pub id: i64,
    pub record_id: i64,
    pub record_card_id: i64,
    pub landed_with: Option<String>,
    pub title: String,
    pub category: Option<Category>,
    pub visit_date: Date,
    pub created_at: i64,
    pub uploaded_by: String,
    pub own_consent: bool,
    pub files: Vec<FileRow>,
}

/// A clinician's record of a visit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProtocolInput {
    pub kind: RecordKind,
    pub visit_date: Date,
    pub title: String,
    pub icd_code: Option<String>,
    pub icd_text: Option<String>,
    pub body: String,
    pub search_text: String,
    pub own_consent: bool,
}

#[async_trait]
pub trait DocumentStore: Send + Sync {
    /// The staff member an account belongs to: (staff id, full name).
    async fn staff_of_account(&self, account_id: i64) -> StoreResult<Option<(i64, String)>>;
    async fn card_facts(&self, card_id: i64) -> StoreResult<Option<CardFactsRow>>;
    /// The card's guardians whose guardianship was not revoked.
    async fn guardians_of(&self, ward_card_id: i64) -> StoreResult<Vec<CardFactsRow>>;
    async fn document_settings(&self) -> StoreResult<DocumentSettings>;
    /// Enables the cabinet module at `at` (once: a later call keeps the first date).
    async fn enable_cabinet_module(&self, at: i64, audit: AuditEntry) -> StoreResult<()>;

    /// Stores the record, the upload and its files in one transaction; returns (upload, record).
    async fn create_upload(&self, upload: NewUpload) -> StoreResult<(i64, i64)>;
    /// The uploads sent from a card, newest first, with their files.
    async fn uploads_of_card(&self, card_id: i64) -> StoreResult<Vec<UploadRow>>;
    async fn file(&self, id: i64) -> StoreResult<Option<FileRow>>;
    async fn record_files(&self, record_id: i64) -> StoreResult<Vec<FileRow>>;
    /// Whether the upload was marked as an anonymous visit.
    async fn upload_anonymous(&self, upload_id: i64) -> StoreResult<bool>;

    /// Leases up to `limit` queued files that are due, so no other worker takes them.
    async fn lease_files(&self, now: i64, lease_until: i64, limit: i64) -> StoreResult<Vec<FileRow>>;
    /// Marks a queued file delivered (with its converted copy: stored name and type) and shows
    /// its record; false when it was no longer queued (another worker finished it).
    async fn deliver_file(
        &self,
        id: i64,
        converted: Option<(String, MediaType)>,
        now: i64,
        audit: AuditEntry,
    ) -> StoreResult<bool>;
    /// Marks a queued file not sent with `reasons`.
    async fn fail_file(&self, id: i64, reasons: &[Reason]) -> StoreResult<()>;
    /// Gives a leased file back to the queue, to be tried at `next_attempt_at`.
    async fn retry_file(&self, id: i64, next_attempt_at: i64) -> StoreResult<()>;
    /// Puts a file that was not sent back in the queue with `status` and `reasons` (the rules
    /// as they read now); false when it was delivered or queued already.
    async fn requeue_file(
        &self,
        id: i64,
        status: FileStatus,
        reasons: &[Reason],
        now: i64,
        audit: AuditEntry,
    ) -> StoreResult<bool>;
    /// The patient asks the clinic to send a file again.
    async fn request_resend(&self, id: i64, now: i64, audit: AuditEntry) -> StoreResult<bool>;

    /// Opens a record's date-of-birth gate for good.
    async fn unlock_gate(&self, record_id: i64, now: i64, audit: AuditEntry) -> StoreResult<()>;
    /// Sets the card's phone confirmed (which also lifts a locked gate: the caller clears it).
    async fn confirm_phone(&self, card_id: i64, audit: AuditEntry) -> StoreResult<()>;

    async fn create_protocol(
        &self,
        card_id: i64,
        staff_id: Option<i64>,
        author: i64,
        p: &ProtocolInput,
        now: i64,
        audit: AuditEntry,
    ) -> StoreResult<i64>;
    /// Updates a protocol of `card_id` that was not sent; false when there is none.
    async fn update_protocol(
        &self,
        card_id: i64,
        id: i64,
        p: &ProtocolInput,
        now: i64,
        audit: AuditEntry,
    ) -> StoreResult<bool>;
    /// Shows a protocol in the cabinet (behind the gate when `dob_gate`).
    async fn send_protocol(
        &self,
        card_id: i64,
        id: i64,
        dob_gate: bool,
        now: i64,
        audit: AuditEntry,
    ) -> StoreResult<bool>;
}
