//! What messages need from storage.

use super::rules::{Audience, InboxFilter, Side, Subject};
use crate::kernel::media::MediaType;
use crate::platform::store::{AuditEntry, StoreResult};
use async_trait::async_trait;

/// A dialogue as stored, with the names its lists show.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DialogueRecord {
    pub id: i64,
    pub card_id: i64,
    /// The doctor; `None`: the front desk.
    pub staff_id: Option<i64>,
    pub doctor_name: Option<String>,
    pub patient_name: String,
    /// ISO date.
    pub patient_birth_date: String,
    pub subject: Subject,
    pub closed: bool,
    pub waiting: bool,
    pub patient_unread: i64,
    pub staff_unread: i64,
    pub created_at: i64,
    pub last_at: i64,
    pub video_room: Option<String>,
    pub video_until: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MessageFileRecord {
    pub id: i64,
    pub message_id: i64,
    pub original_name: String,
    pub media_type: MediaType,
    pub size: i64,
    pub stored_name: String,
    pub served_name: String,
    pub served_type: MediaType,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MessageRecord {
    pub id: i64,
    pub dialogue_id: i64,
    pub from_patient: bool,
    /// The staff member's name for the clinic's messages; the account's card name for the
    /// patient's (a guardian's own name when a guardian wrote).
    pub author_name: String,
    pub body: String,
    pub created_at: i64,
    pub files: Vec<MessageFileRecord>,
}

/// An attachment ready to be recorded: its bytes are on disk under both names already.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewAttachment {
    pub original_name: String,
    pub media_type: MediaType,
    pub size: i64,
    pub stored_name: String,
    pub served_name: String,
    pub served_type: MediaType,
}

/// Where a message goes: a new dialogue or an existing one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Thread {
    New { card_id: i64, staff_id: Option<i64>, subject: Subject },
    Existing(i64),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewMessage {
    pub thread: Thread,
    pub from: Side,
    pub author_account_id: i64,
    pub body: String,
    pub files: Vec<NewAttachment>,
    pub now: i64,
    pub audit: AuditEntry,
    /// At most this many messages by the author in the hour before `now` (a patient's limit),
    /// counted again inside the write, so parallel sends cannot pass it.
    pub hourly_limit: Option<i64>,
}

/// What became of a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Posted {
    /// Written: (dialogue, message).
    Yes(i64, i64),
    /// The existing dialogue is not there.
    NoDialogue,
    /// The author reached the hourly limit; `first` is the oldest message of that hour.
    OverLimit { first: i64 },
}

/// A file and the dialogue it belongs to, for the access check before its bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileInDialogue {
    pub file: MessageFileRecord,
    pub dialogue_id: i64,
}

/// Which dialogues a staff member handles: a doctor's own, and the front desk's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InboxScope {
    pub staff_id: Option<i64>,
    pub desk: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewBroadcast {
    pub title: String,
    pub body: String,
    pub advertising: bool,
    pub audience: Audience,
    pub author_account_id: i64,
    pub now: i64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BroadcastRecord {
    pub id: i64,
    pub title: String,
    pub body: String,
    pub advertising: bool,
    pub audience: Audience,
    pub send_at: Option<i64>,
    pub sent_at: Option<i64>,
    pub recipients: i64,
    pub created_at: i64,
}

/// A broadcast as one card received it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReceivedBroadcast {
    pub broadcast: BroadcastRecord,
    pub read_at: Option<i64>,
}

/// The patient's doctor to write to: one they have (had) an appointment with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DoctorChoice {
    pub staff_id: i64,
    pub name: String,
    pub specialty: Option<String>,
}

/// An appointment shown beside a dialogue.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VisitRecord {
    pub starts_at: i64,
    pub doctor_name: String,
    pub status: crate::features::booking::rules::AppointmentStatus,
}

#[async_trait]
pub trait MessagesStore: Send + Sync {
    /// One page of a card's dialogues, newest activity first, and how many it has.
    async fn card_dialogues(&self, card_id: i64, offset: i64, limit: i64) -> StoreResult<(Vec<DialogueRecord>, i64)>;
    async fn dialogue(&self, id: i64) -> StoreResult<Option<DialogueRecord>>;
    /// The newest `limit` messages before `before` (all when `None`), oldest first.
    async fn dialogue_messages(
        &self,
        dialogue_id: i64,
        before: Option<i64>,
        limit: i64,
    ) -> StoreResult<Vec<MessageRecord>>;
    /// Messages after `after`, oldest first.
    async fn messages_after(&self, dialogue_id: i64, after: i64) -> StoreResult<Vec<MessageRecord>>;
    /// Writes a message (and its dialogue when new) with its files and journal line in one
    /// transaction: the other side's unread count grows, a patient's message reopens a closed
    /// dialogue and marks it waiting, the clinic's clears waiting.
    async fn post_message(&self, m: NewMessage) -> StoreResult<Posted>;
    /// Marks the dialogue read for one side (its unread count becomes 0).
    async fn mark_read(&self, dialogue_id: i64, side: Side) -> StoreResult<()>;
    /// Messages an account wrote since `since`, and the first of them.
    async fn sent_since(&self, account_id: i64, since: i64) -> StoreResult<(i64, Option<i64>)>;
    /// Doctors the card has (had) an appointment with that was not cancelled.
    async fn card_doctors(&self, card_id: i64) -> StoreResult<Vec<DoctorChoice>>;
    /// Unread messages of a card, and unread broadcasts among the newest `PAGE_DIALOGUES` (the
    /// ones its tab lists).
    async fn card_unread(&self, card_id: i64) -> StoreResult<i64>;
    /// A staff inbox page, newest activity first, and how many match.
    async fn inbox(
        &self,
        scope: InboxScope,
        filter: InboxFilter,
        offset: i64,
        limit: i64,
    ) -> StoreResult<(Vec<DialogueRecord>, i64)>;
    /// Closes or reopens a dialogue; with its journal line. False when there is none.
    async fn set_closed(&self, dialogue_id: i64, closed: bool, audit: AuditEntry) -> StoreResult<bool>;
    /// Hands a dialogue to a doctor or the front desk; with its journal line.
    async fn hand_over(&self, dialogue_id: i64, staff_id: Option<i64>, audit: AuditEntry) -> StoreResult<bool>;
    /// Opens (`Some(room, until)`) or ends (`None`) the dialogue's video call; journalled.
    async fn set_video(&self, dialogue_id: i64, video: Option<(String, i64)>, audit: AuditEntry) -> StoreResult<bool>;
    async fn message_file(&self, file_id: i64) -> StoreResult<Option<FileInDialogue>>;
    /// The card and its last appointments, beside a dialogue.
    async fn recent_visits(&self, card_id: i64, limit: i64) -> StoreResult<Vec<VisitRecord>>;
    /// Doctors a dialogue may be handed to: staff with the clinician role who are active.
    async fn clinicians(&self) -> StoreResult<Vec<DoctorChoice>>;

    async fn broadcast_create(&self, b: NewBroadcast, audit: AuditEntry) -> StoreResult<i64>;
    async fn broadcast(&self, id: i64) -> StoreResult<Option<BroadcastRecord>>;
    async fn broadcasts(&self, limit: i64) -> StoreResult<Vec<BroadcastRecord>>;
    /// How many cards a broadcast to `audience` would reach today (an advertising one leaves out
    /// cards that refused advertising).
    async fn audience_size(&self, audience: Audience, advertising: bool, today: time::Date) -> StoreResult<i64>;
    /// Sets a draft to go out at `send_at`; false when it is not a draft.
    async fn broadcast_schedule(&self, id: i64, send_at: i64, audit: AuditEntry) -> StoreResult<bool>;
    /// Writes the recipients of every broadcast due at `now` (once each). Returns how many went.
    async fn release_broadcasts(&self, now: i64, today: time::Date) -> StoreResult<usize>;
    async fn card_broadcasts(&self, card_id: i64, limit: i64) -> StoreResult<Vec<ReceivedBroadcast>>;
    async fn card_broadcast(&self, card_id: i64, id: i64) -> StoreResult<Option<ReceivedBroadcast>>;
    async fn mark_broadcast_read(&self, card_id: i64, id: i64, now: i64) -> StoreResult<()>;
}
