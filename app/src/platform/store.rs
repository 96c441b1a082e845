//! The storage interface. Methods are use-case sized and own their transactions; the `server`
//! crate implements them once, for SQLite and PostgreSQL alike, and one conformance suite
//! runs the same story against both.

use crate::kernel::account::{Role, Roles};
use crate::kernel::email::Email;
use async_trait::async_trait;
use time::Date;

pub use super::audit::{Actor, AuditEntry};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Database(String),
    #[error("stored data is inconsistent: {0}")]
    Corrupt(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

/// The clinic's own settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Clinic {
    pub name: String,
    pub utc_offset_minutes: i32,
    pub address: String,
    pub phone: String,
}

/// An account's password hash, for sign-in only. Never serialised, never printed.
pub struct SignInRecord {
    pub account_id: i64,
    pub password_hash: String,
    pub own_card_id: Option<i64>,
    /// A second factor is on: the password alone does not open a session.
    pub totp_enabled: bool,
    /// A staff account: it signs in for the staff area whatever its own card's consents.
    pub is_staff: bool,
}

impl std::fmt::Debug for SignInRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignInRecord").field("account_id", &self.account_id).finish_non_exhaustive()
    }
}

pub struct NewSession {
    /// SHA-256 of the cookie's token, hex; the token itself is never stored.
    pub token_hash: String,
    pub account_id: i64,
    pub active_card_id: Option<i64>,
    pub now: i64,
    pub expires_at: i64,
    /// The peer address and the browser, for the account page's list of sessions.
    pub origin: String,
    pub user_agent: String,
}

/// The session behind a request, resolved by the middleware.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionRecord {
    pub session_id: i64,
    pub account_id: i64,
    pub own_card_id: Option<i64>,
    pub active_card_id: Option<i64>,
    pub roles: Roles,
    pub totp_enabled: bool,
    /// The clinic requires staff to have a second factor.
    pub staff_totp_required: bool,
}

/// A card as the header and the profile switcher need it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CardBrief {
    pub card_id: i64,
    pub surname: String,
    pub name: String,
    pub patronymic: Option<String>,
    pub birth_date: Date,
    pub incapacitated: bool,
}

/// What the header shows of an account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccountOverview {
    /// For staff: their name from the staff list.
    pub staff_name: Option<String>,
    pub own_card: Option<CardBrief>,
    /// All wards on record, valid or not: the rule decides, not the query.
    pub wards: Vec<CardBrief>,
}

/// A message to send, as it enters the outbox.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewMail {
    pub recipient: String,
    pub subject: String,
    pub body: String,
}

/// How an outbox message travels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Channel {
    Email,
    Sms,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::Sms => "sms",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Channel::Email, Channel::Sms].into_iter().find(|c| c.as_str() == s)
    }
}

/// A message in the outbox.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutboxMail {
    pub id: i64,
    pub channel: Channel,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    pub attempts: i64,
    pub created_at: i64,
    pub sent_at: Option<i64>,
    pub last_error: Option<String>,
}

/// The demo clinic (or any initial data set) to load in one transaction.
#[derive(Clone, Debug, Default)]
pub struct Seed {
    pub clinic: Option<Clinic>,
    /// Staff may work without a second factor (demo installations only).
    pub relax_staff_totp: bool,
    pub branches: Vec<SeedBranch>,
    pub staff: Vec<SeedStaff>,
    pub cards: Vec<SeedCard>,
    /// (guardian card key, ward card key)
    pub guardianships: Vec<(String, String)>,
    pub accounts: Vec<SeedAccount>,
    pub news: Vec<SeedNews>,
    pub plans: Vec<SeedPlan>,
    pub sections: Vec<SeedSection>,
    pub booking: SeedBooking,
    pub records: Vec<SeedRecord>,
    /// The cabinet module is enabled as the seed loads.
    pub cabinet_module: bool,
}

/// A medical record of a card, `days_ago` before the seeding day.
#[derive(Clone, Debug)]
pub struct SeedRecord {
    pub card: String,
    pub kind: crate::features::record::rules::RecordKind,
    pub days_ago: i64,
    pub staff: Option<String>,
    pub icd: Option<(String, String)>,
    pub title: String,
    pub body: String,
    /// For a document the clinic sent.
    pub category: Option<crate::features::record::document_rules::Category>,
}

/// Online booking as the demo clinic set it up.
#[derive(Clone, Debug, Default)]
pub struct SeedBooking {
    pub online_discount_percent: u8,
    /// (staff key, academic degree) of doctors enabled for online booking.
    pub online_doctors: Vec<(String, Option<String>)>,
    pub links: Vec<SeedLink>,
    pub schedule: Vec<SeedScheduleDay>,
}

#[derive(Clone, Debug)]
pub struct SeedLink {
    pub staff: String,
    pub service_code: String,
    pub mode: crate::features::booking::rules::VisitMode,
    pub show_price: bool,
    pub price: Option<i64>,
    pub prepayment: Option<i64>,
    pub prepayment_discount: Option<i64>,
    pub round_to_roubles: bool,
}

#[derive(Clone, Debug)]
pub struct SeedScheduleDay {
    pub staff: String,
    pub branch: String,
    pub day: Date,
    pub start_min: u16,
    pub end_min: u16,
    pub step_min: u16,
    pub breaks: String,
}

#[derive(Clone, Debug)]
pub struct SeedBranch {
    pub key: String,
    pub name: String,
    pub address: String,
}

#[derive(Clone, Debug)]
pub struct SeedStaff {
    pub key: String,
    pub surname: String,
    pub name: String,
    pub patronymic: String,
    pub specialty: Option<String>,
    pub branch: Option<String>,
    pub roles: Vec<Role>,
}

#[derive(Clone, Debug)]
pub struct SeedCard {
    pub key: String,
    pub surname: String,
    pub name: String,
    pub patronymic: Option<String>,
    pub birth_date: Date,
    pub sex: crate::kernel::person::Sex,
    pub phone: Option<crate::kernel::person::PhoneNumber>,
    pub phone_confirmed: bool,
    pub email: Option<Email>,
    pub incapacitated: bool,
    /// All three consents on record, signed on the day of seeding.
    pub consents_signed: bool,
}

#[derive(Clone, Debug)]
pub struct SeedAccount {
    pub email: Email,
    /// An argon2id PHC string.
    pub password_hash: String,
    pub card: Option<String>,
    pub staff: Option<String>,
}

#[derive(Clone, Debug)]
pub struct SeedNews {
    pub title: String,
    pub body: String,
    pub publish_at: Option<i64>,
    pub author_staff: String,
}

#[derive(Clone, Debug)]
pub struct SeedPlan {
    pub key: String,
    pub name: String,
    pub funding: crate::features::prices::rules::Funding,
    pub visible_in_cabinet: bool,
}

#[derive(Clone, Debug)]
pub struct SeedSection {
    pub name: String,
    pub services: Vec<SeedService>,
}

#[derive(Clone, Debug)]
pub struct SeedService {
    pub code: String,
    pub name: String,
    /// (plan key, kopecks)
    pub prices: Vec<(String, i64)>,
}

/// The whole store: one trait per feature, implemented by the `server` crate's `SqlStore`.
#[async_trait]
pub trait Store:
    SessionStore
    + ThrottleStore
    + AuditStore
    + crate::features::news::store::NewsStore
    + crate::features::prices::store::PricesStore
    + crate::features::prices::store::PriceAdminStore
    + OutboxStore
    + SeedStore
    + crate::features::onboarding::store::OnboardingStore
    + crate::features::security::store::SecurityStore
    + crate::features::booking::store::ScheduleStore
    + crate::features::booking::store::BookingStore
    + crate::features::record::store::RecordStore
    + crate::features::record::document_store::DocumentStore
    + crate::features::clinic::store::ClinicAdminStore
    + crate::features::messages::store::MessagesStore
    + crate::features::notifications::store::NotificationsStore
    + Send
    + Sync
    + 'static
{
    /// Answers when the database does.
    async fn ping(&self) -> StoreResult<()>;
    async fn clinic(&self) -> StoreResult<Option<Clinic>>;
}

/// Accounts and their sessions.
#[async_trait]
pub trait SessionStore: Send + Sync {
    async fn sign_in_record(&self, email: &Email) -> StoreResult<Option<SignInRecord>>;
    async fn create_session(&self, session: NewSession) -> StoreResult<()>;
    /// The live session with this token hash: not past `now` absolutely, seen after
    /// `idle_cutoff`. Refreshes its last-seen time.
    async fn session(&self, token_hash: &str, now: i64, idle_cutoff: i64) -> StoreResult<Option<SessionRecord>>;
    /// As `session`, without refreshing its last-seen time: for requests a page makes by itself
    /// (an open dialogue asking for news), which are not the person's activity.
    async fn session_peek(&self, token_hash: &str, now: i64, idle_cutoff: i64) -> StoreResult<Option<SessionRecord>>;
    async fn delete_session(&self, session_id: i64) -> StoreResult<()>;
    async fn set_active_card(&self, session_id: i64, card_id: i64) -> StoreResult<()>;
    async fn account_overview(&self, account_id: i64) -> StoreResult<AccountOverview>;
}

/// Throttling of typed secrets: failures counted per key, locks with an end.
#[async_trait]
pub trait ThrottleStore: Send + Sync {
    /// Until when `key` is locked, if it is.
    async fn throttle_locked_until(&self, key: &str, now: i64) -> StoreResult<Option<i64>>;
    /// Counts one failure within a sliding `window`; at `limit` failures the key is locked for
    /// `lockout` seconds. Returns the lock's end when this failure locked it.
    async fn throttle_failure(
        &self,
        key: &str,
        now: i64,
        window: i64,
        limit: i64,
        lockout: i64,
    ) -> StoreResult<Option<i64>>;
    async fn throttle_clear(&self, key: &str) -> StoreResult<()>;
    /// Counts one failure for `key` (a new count once `window` seconds passed since the count
    /// began) and returns the count, without locking.
    async fn throttle_count(&self, key: &str, now: i64, window: i64) -> StoreResult<i64>;
    /// Locks `key` until `until`, unless it is already locked longer.
    async fn throttle_lock(&self, key: &str, until: i64) -> StoreResult<()>;
}

/// The journal of who did what to which card.
#[async_trait]
pub trait AuditStore: Send + Sync {
    async fn audit(&self, entry: AuditEntry) -> StoreResult<()>;
    async fn audit_for_card(&self, card_id: i64) -> StoreResult<Vec<AuditEntry>>;
}

/// Messages waiting to be sent (e-mail, SMS), leased by the delivery worker.
#[async_trait]
pub trait OutboxStore: Send + Sync {
    /// Queues an e-mail. Use cases that cause mail queue it inside their own transaction.
    async fn outbox_enqueue(&self, mail: NewMail, now: i64) -> StoreResult<i64>;
    /// Leases up to `limit` unsent messages that are due, so no other worker sends them.
    async fn outbox_lease_due(
        &self,
        channel: Channel,
        now: i64,
        lease_until: i64,
        limit: i64,
    ) -> StoreResult<Vec<OutboxMail>>;
    /// Marks a message sent; its secret parts (codes) are blanked from the kept body unless
    /// `keep_secrets` (a development transport whose only delivery is the outbox row itself).
    async fn outbox_mark_sent(&self, id: i64, now: i64, keep_secrets: bool) -> StoreResult<()>;
    /// Records a failed attempt and when to try again.
    async fn outbox_mark_failed(&self, id: i64, next_attempt_at: i64, error: &str) -> StoreResult<()>;
    /// The newest messages, for the demo mailbox.
    async fn outbox_recent(&self, limit: i64) -> StoreResult<Vec<OutboxMail>>;
}

/// Initial data (the demo clinic).
#[async_trait]
pub trait SeedStore: Send + Sync {
    /// Loads `seed` in one transaction; false when the database already holds a clinic.
    async fn load_seed(&self, seed: &Seed) -> StoreResult<bool>;
}
