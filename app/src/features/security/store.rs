//! Storage for account security: the second factor, recovery codes, the pending half of a
//! two-step sign-in, sessions as the account page lists them, and the access journal.

use crate::platform::store::{AuditEntry, NewMail, StoreResult};
use async_trait::async_trait;

/// An account's second factor as sign-in and the account page need it.
#[derive(Clone, PartialEq, Eq)]
pub struct TotpState {
    pub email: String,
    /// base32; present once enrolment was confirmed.
    pub secret: Option<String>,
    pub pending_secret: Option<String>,
    pub last_step: Option<i64>,
    pub recovery_codes_left: i64,
}

impl std::fmt::Debug for TotpState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TotpState").field("enabled", &self.secret.is_some()).finish_non_exhaustive()
    }
}

/// An account's stored second-factor secrets as the database keeps them (sealed, or clear from
/// before encryption), for sealing them anew at start.
#[derive(Clone, PartialEq, Eq)]
pub struct StoredTotpSecrets {
    pub account_id: i64,
    pub secret: Option<String>,
    pub pending_secret: Option<String>,
}

impl std::fmt::Debug for StoredTotpSecrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoredTotpSecrets").field("account_id", &self.account_id).finish_non_exhaustive()
    }
}

/// What a pending two-step sign-in knows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PendingSignIn {
    pub id: i64,
    pub account_id: i64,
    pub own_card_id: Option<i64>,
    pub failures: i64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionInfo {
    pub id: i64,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub origin: String,
    pub user_agent: String,
}

/// One line of a card's access journal, with the actor's name when staff.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JournalLine {
    pub at: i64,
    pub actor_role: crate::kernel::account::ActorRole,
    pub actor_staff_name: Option<String>,
    pub action: String,
    pub origin: String,
    /// What it was done to ("record:12", "upload:3", "file:7"...).
    pub object: Option<String>,
}

#[async_trait]
pub trait SecurityStore: Send + Sync {
    async fn totp_state(&self, account_id: i64) -> StoreResult<Option<TotpState>>;
    /// Every account that keeps a second-factor secret, confirmed or pending.
    async fn totp_secrets_all(&self) -> StoreResult<Vec<StoredTotpSecrets>>;
    /// Replaces the stored secret (the pending one when `pending`) if it still is `old`; false
    /// when it changed meanwhile.
    async fn totp_secret_replace(&self, account_id: i64, pending: bool, old: &str, new: &str) -> StoreResult<bool>;
    /// Keeps a new secret until the first code confirms it.
    async fn totp_begin(&self, account_id: i64, pending_secret: &str) -> StoreResult<()>;
    /// Turns the pending secret on with its first accepted step, replaces the recovery codes,
    /// queues the notice; false when nothing was pending.
    async fn totp_enable(
        &self,
        account_id: i64,
        step: i64,
        recovery_hashes: &[String],
        notice: NewMail,
        audit: AuditEntry,
        now: i64,
    ) -> StoreResult<bool>;
    async fn totp_disable(&self, account_id: i64, notice: NewMail, audit: AuditEntry, now: i64) -> StoreResult<()>;
    /// Records `step` as used, if it is newer than the last one: a code works once.
    async fn totp_accept_step(&self, account_id: i64, step: i64) -> StoreResult<bool>;
    /// Spends a recovery code; false when it is unknown or spent.
    async fn recovery_code_use(&self, account_id: i64, code_hash: &str, now: i64) -> StoreResult<bool>;
    /// Fresh codes in clear for one session, until dismissed or expired.
    async fn recovery_reveal_put(&self, session_id: i64, codes: &str, expires_at: i64) -> StoreResult<()>;
    async fn recovery_reveal_get(&self, session_id: i64, now: i64) -> StoreResult<Option<String>>;
    async fn recovery_reveal_clear(&self, session_id: i64) -> StoreResult<()>;

    async fn pending_sign_in_create(
        &self,
        token_hash: &str,
        account_id: i64,
        now: i64,
        expires_at: i64,
    ) -> StoreResult<()>;
    async fn pending_sign_in_get(&self, token_hash: &str, now: i64) -> StoreResult<Option<PendingSignIn>>;
    /// Counts a wrong code; at `max` the pending sign-in is dropped. Returns the failures.
    async fn pending_sign_in_failed(&self, id: i64, max: i64) -> StoreResult<i64>;
    async fn pending_sign_in_delete(&self, id: i64) -> StoreResult<()>;

    async fn staff_totp_required(&self) -> StoreResult<bool>;
    async fn set_staff_totp_required(&self, required: bool, audit: AuditEntry) -> StoreResult<()>;

    async fn account_password_hash(&self, account_id: i64) -> StoreResult<Option<String>>;
    /// Sets a new password, ends the account's other sessions, queues the notice.
    async fn account_password_change(
        &self,
        account_id: i64,
        password_hash: &str,
        keep_session: i64,
        notice: NewMail,
        audit: AuditEntry,
        now: i64,
    ) -> StoreResult<()>;

    /// Changes the sign-in e-mail and queues the notices; false when another account has it.
    async fn account_email_change(
        &self,
        account_id: i64,
        new_email: &str,
        notices: &[NewMail],
        audit: AuditEntry,
        now: i64,
    ) -> StoreResult<bool>;

    async fn sessions_of(&self, account_id: i64, now: i64, idle_cutoff: i64) -> StoreResult<Vec<SessionInfo>>;
    /// Ends one of the account's sessions; false when it is not the account's.
    async fn session_end(&self, account_id: i64, session_id: i64) -> StoreResult<bool>;
    /// Ends every session of the account but `except`.
    async fn sessions_end_all(&self, account_id: i64, except: Option<i64>) -> StoreResult<u64>;

    async fn access_journal(&self, card_id: i64, limit: i64) -> StoreResult<Vec<JournalLine>>;
}
