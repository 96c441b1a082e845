//! What clinic administration needs from storage.

use super::rules::{BranchInput, BranchRecord, ClinicDetails, ClinicSettings};
use crate::kernel::account::Roles;
use crate::kernel::email::Email;
use crate::kernel::person::FullName;
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

/// A staff member as the head's list shows them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StaffRecord {
    pub staff_id: i64,
    pub name: String,
    /// Their account's e-mail (a staff member without an account — a doctor who does not sign
    /// in — has none).
    pub email: Option<String>,
    pub roles: Roles,
    /// The account is not deactivated.
    pub active: bool,
    /// Invited, but no password set yet.
    pub invited: bool,
    /// The latest sign-in, from the journal.
    pub last_sign_in: Option<i64>,
}

/// A staff member the head invites: the same one-time link as the first head's.
#[derive(Clone, Debug)]
pub struct NewStaff {
    pub email: Email,
    pub name: FullName,
    pub roles: Roles,
    pub token_hash: String,
    pub expires_at: i64,
    pub now: i64,
    pub mail: NewMail,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InviteOutcome {
    Invited {
        staff_id: i64,
    },
    EmailTaken,
    /// The doctor's profile is unknown, or has an account already.
    NoProfile,
}

/// A doctor's profile (a staff member without an account) given an account by invitation.
#[derive(Clone, Debug)]
pub struct DoctorInvite {
    pub staff_id: i64,
    /// The profile's name, for the journal.
    pub name: String,
    pub email: Email,
    pub token_hash: String,
    pub expires_at: i64,
    pub now: i64,
    pub mail: NewMail,
}

/// How a change to a staff member's roles or account ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StaffChange {
    Done,
    /// It would leave the clinic without an active head: nothing changed.
    LastHead,
    /// No such staff member with an account (or, for a new link, one who has set a password).
    Missing,
}

/// What deleting a branch or a doctor came to: one with history is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Deletion {
    Deleted,
    InUse,
    Missing,
}

impl Deletion {
    /// Done, or refused with `in_use` (the reason for this kind of thing) or as missing.
    pub fn into_result(self, in_use: crate::kernel::error::AppError) -> Result<(), crate::kernel::error::AppError> {
        match self {
            Deletion::Deleted => Ok(()),
            Deletion::InUse => Err(in_use),
            Deletion::Missing => Err(crate::kernel::error::AppError::NotFound),
        }
    }
}

/// The clinic's settings as stored: None where the head has not set one (the installation's
/// default applies).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StoredSettings {
    pub attach_code_ttl_hours: Option<i64>,
    pub contact_priority: Option<String>,
    pub protocol_edit_hours: i64,
    /// `HiddenTabs::to_stored`.
    pub hidden_tabs: String,
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

    /// Every staff member, by surname, with their roles, account state and latest sign-in.
    async fn staff_list(&self) -> StoreResult<Vec<StaffRecord>>;

    /// Creates the staff member with their roles, an account without a password, the one-time
    /// invitation, its e-mail and a journal line, in one transaction; nothing when the e-mail
    /// has an account.
    async fn invite_staff(&self, staff: NewStaff, actor: &Actor) -> StoreResult<InviteOutcome>;
    /// As `invite_staff`, for a doctor's profile that has no account yet: the account with the
    /// one-time link joins the profile (its schedule, services and history stay its own).
    async fn invite_doctor(&self, invite: DoctorInvite, actor: &Actor) -> StoreResult<InviteOutcome>;

    /// Replaces the staff member's roles (journalled). Refused when it would take the head's
    /// role from the last active head.
    async fn set_staff_roles(&self, staff_id: i64, roles: &Roles, actor: &Actor, now: i64) -> StoreResult<StaffChange>;

    /// Deactivates the staff member's account and ends its sessions at once; history stays.
    /// Refused for the last active head.
    async fn deactivate_staff(&self, staff_id: i64, actor: &Actor, now: i64) -> StoreResult<StaffChange>;

    /// A new one-time link for an invited staff member who has not set a password yet: the
    /// earlier links stop working; the e-mail goes out with it.
    async fn renew_staff_invite(
        &self,
        staff_id: i64,
        token_hash: &str,
        expires_at: i64,
        mail: NewMail,
        actor: &Actor,
        now: i64,
    ) -> StoreResult<StaffChange>;

    /// Every branch, active ones first, each with whether anything refers to it.
    async fn branch_list(&self) -> StoreResult<Vec<BranchRecord>>;

    /// Adds a branch (`id` None) or changes one, journalled; the branch's id, None when there is
    /// no such branch.
    async fn save_branch(
        &self,
        id: Option<i64>,
        branch: &BranchInput,
        actor: &Actor,
        now: i64,
    ) -> StoreResult<Option<i64>>;

    /// Deletes a branch nothing refers to, journalled.
    async fn delete_branch(&self, id: i64, actor: &Actor, now: i64) -> StoreResult<Deletion>;

    /// Deactivates (no new schedule days there) or reactivates a branch, journalled; false when
    /// there is no such branch.
    async fn set_branch_active(&self, id: i64, active: bool, actor: &Actor, now: i64) -> StoreResult<bool>;

    /// The clinic's settings; None before the clinic's row exists.
    async fn clinic_settings(&self) -> StoreResult<Option<StoredSettings>>;

    /// Sets the clinic's settings, journalled; false when the clinic has no row.
    async fn set_clinic_settings(&self, settings: &ClinicSettings, audit: AuditEntry) -> StoreResult<bool>;
    /// The reference list of specialties, with how many doctors have each.
    async fn specialties(&self) -> StoreResult<Vec<super::doctor_rules::SpecialtyRecord>>;
    /// Adds a specialty; false when the list has it already.
    async fn add_specialty(&self, name: &str, actor: &Actor, now: i64) -> StoreResult<bool>;
    /// Offers a specialty for new choices again, or stops offering it; false when unknown.
    async fn set_specialty_active(&self, id: i64, active: bool, actor: &Actor, now: i64) -> StoreResult<bool>;
    /// Every doctor (staff with the clinician's role).
    async fn doctor_list(&self) -> StoreResult<Vec<super::doctor_rules::DoctorRecord>>;
    /// Adds a doctor (`id` None: a staff member with the clinician's role, no account yet) or
    /// changes one, journalled with what changed; None when `id` is not a doctor.
    async fn save_doctor(
        &self,
        id: Option<i64>,
        doctor: &super::doctor_rules::DoctorInput,
        actor: &Actor,
        now: i64,
    ) -> StoreResult<Option<i64>>;
    /// Sets the doctor's portrait (a path under the files folder); the previous one's path, or
    /// None when `id` is not a doctor.
    async fn set_doctor_photo(
        &self,
        id: i64,
        photo: &str,
        actor: &Actor,
        now: i64,
    ) -> StoreResult<Option<Option<String>>>;
    /// The doctor's portrait's path, when they have one.
    async fn doctor_photo(&self, id: i64) -> StoreResult<Option<String>>;
    /// Deletes a doctor nothing refers to (no account, schedule, appointment, record, link).
    async fn delete_doctor(&self, id: i64, actor: &Actor, now: i64) -> StoreResult<Deletion>;
    /// The journal, newest first, filtered as the head asks; a page of `JOURNAL_PAGE_SIZE`.
    async fn journal(&self, query: &super::rules::JournalQuery) -> StoreResult<super::rules::JournalPage>;
}
