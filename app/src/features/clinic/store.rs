//! What clinic administration needs from storage.

use super::rules::{ClinicDetails, FullName};
use crate::kernel::email::Email;
use crate::platform::audit::Actor;
use crate::platform::store::{AuditEntry, NewMail, StoreResult};
use async_trait::async_trait;

/// The clinic's first head, as `kabinet create-head` makes it.
#[derive(Clone, Debug)]
pub struct NewHead {
    pub email: Email,
    pub name: FullName,
    /// SHA-256 of the one-time link's token.
    pub token_hash: String,
    pub expires_at: i64,
    pub now: i64,
    /// The clinic's offset from UTC, for the clinic's row when there is none yet.
    pub utc_offset_minutes: i32,
    /// The link by e-mail, when the installation sends mail.
    pub mail: Option<NewMail>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HeadOutcome {
    Created {
        account_id: i64,
    },
    /// The clinic already has an active head: further heads are the head's to invite.
    HeadExists,
    /// An account with this e-mail exists.
    EmailTaken,
}

/// An invitation link that still works.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LiveInvite {
    pub id: i64,
    pub account_id: i64,
    pub email: String,
    pub staff_name: String,
}

#[async_trait]
pub trait ClinicAdminStore: Send + Sync {
    /// Creates the clinic's head in one transaction: the staff member with the head's role, an
    /// account without a password, the one-time invitation, the e-mail carrying it (if any) and
    /// a journal line; also the
    /// clinic's row when there is none yet (its details still to be set). Nothing is written
    /// when an active head exists or the e-mail has an account.
    async fn create_head(&self, head: NewHead, actor: &Actor) -> StoreResult<HeadOutcome>;

    /// The unspent, unexpired invitation with this token hash, of an account not deactivated.
    async fn staff_invite_live(&self, token_hash: &str, now: i64) -> StoreResult<Option<LiveInvite>>;

    /// Spends the invitation and sets its account's password, ending the account's sessions,
    /// with a journal line. False (and nothing written) when it was spent or expired meanwhile.
    async fn accept_staff_invite(
        &self,
        invite: &LiveInvite,
        password_hash: &str,
        now: i64,
        actor: &Actor,
    ) -> StoreResult<bool>;

    /// The clinic's details; None before the clinic's row exists (an empty database).
    async fn clinic_details(&self) -> StoreResult<Option<ClinicDetails>>;

    /// Sets the clinic's details, with the journal's line. False when the clinic has no row.
    async fn set_clinic_details(&self, details: &ClinicDetails, audit: AuditEntry) -> StoreResult<bool>;
}
