//! Storage for onboarding: patient cards as the front desk keeps them, consents, invitations,
//! verification codes and registration. Every use case that causes mail queues it in the same
//! transaction as its change, so the change and its message stand or fall together.

use crate::features::onboarding::rules::ConsentKind;
use crate::kernel::email::Email;
use crate::kernel::person::{PhoneNumber, Sex};
use crate::platform::store::{AuditEntry, NewMail, StoreResult};
use async_trait::async_trait;
use time::Date;

/// A card as the registration flow matches it against what the person typed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegistrationCandidate {
    pub card_id: i64,
    pub surname: String,
    pub name: String,
    pub birth_date: Date,
    pub consents: Vec<ConsentKind>,
    /// The account already holding this e-mail, and the card it belongs to.
    pub email_account: Option<(i64, Option<i64>)>,
}

pub struct NewVerificationCode {
    pub card_id: i64,
    pub email: Email,
    /// argon2id PHC string of the code.
    pub code_hash: String,
    pub now: i64,
    pub expires_at: i64,
}

/// A live code: not spent, not void, not expired.
pub struct VerificationCodeRecord {
    pub id: i64,
    pub card_id: i64,
    pub code_hash: String,
    pub failures: i64,
}

impl std::fmt::Debug for VerificationCodeRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VerificationCodeRecord").field("id", &self.id).finish_non_exhaustive()
    }
}

/// Spends a code and sets the password of the card's account (creating the account).
pub struct CompleteRegistration {
    pub code_id: i64,
    pub card_id: i64,
    pub email: Email,
    pub password_hash: String,
    pub now: i64,
    pub notice: NewMail,
    pub audit: AuditEntry,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewCard {
    pub surname: String,
    pub name: String,
    pub patronymic: Option<String>,
    pub birth_date: Date,
    pub sex: Sex,
    pub phone: Option<PhoneNumber>,
    pub email: Option<Email>,
}

/// One line of the front desk's card search.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CardSummaryRecord {
    pub card_id: i64,
    pub surname: String,
    pub name: String,
    pub patronymic: Option<String>,
    pub birth_date: Date,
    pub email: Option<String>,
    pub consents: Vec<ConsentKind>,
    pub has_account: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConsentRecord {
    pub kind: ConsentKind,
    pub signed_on: Date,
    pub text_version: String,
    pub email: Option<String>,
    pub recorded_at: i64,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Refusals {
    pub pd_processing: bool,
    pub notifications: bool,
    pub advertising: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CardRecord {
    pub card_id: i64,
    pub surname: String,
    pub name: String,
    pub patronymic: Option<String>,
    pub birth_date: Date,
    pub sex: Sex,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub refusals: Refusals,
    pub consents: Vec<ConsentRecord>,
    pub invited_at: Option<i64>,
    pub account_email: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewConsent {
    pub kind: ConsentKind,
    pub signed_on: Date,
    pub text_version: String,
    pub email: Option<Email>,
}

/// Where an attach code can be sent: the card's (or its guardian's) contacts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Contacts {
    pub phone: Option<String>,
    pub phone_kind: Option<crate::kernel::person::PhoneKind>,
    pub email: Option<String>,
}

pub struct NewAttachCode {
    pub card_id: i64,
    pub guardian_card_id: Option<i64>,
    /// SHA-256 hex of the nine digits.
    pub code_hash: String,
    pub channel: crate::platform::store::Channel,
    pub message: NewMail,
    pub now: i64,
    pub expires_at: i64,
    pub audit: AuditEntry,
}

/// A live attach code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AttachCodeRecord {
    pub id: i64,
    pub card_id: i64,
    pub guardian_card_id: Option<i64>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AttachOutcome {
    Attached,
    /// Spent meanwhile, or the card already belongs to another account.
    Refused,
}

#[async_trait]
pub trait OnboardingStore: Send + Sync {
    // The front desk.
    /// Cards whose surname (with name and patronymic) starts with `name_prefix`, a normalized
    /// search key, optionally born on `birth_date`; at most `limit`.
    async fn card_search(
        &self,
        name_prefix: &str,
        birth_date: Option<Date>,
        limit: i64,
    ) -> StoreResult<Vec<CardSummaryRecord>>;
    async fn card_create(&self, card: NewCard, now: i64, audit: AuditEntry) -> StoreResult<i64>;
    async fn card_get(&self, card_id: i64) -> StoreResult<Option<CardRecord>>;
    /// Records (or re-records) consents; one transaction with its journal line.
    async fn consents_record(
        &self,
        card_id: i64,
        consents: &[NewConsent],
        recorded_by: i64,
        now: i64,
        audit: AuditEntry,
    ) -> StoreResult<()>;
    async fn refusals_set(&self, card_id: i64, refusals: Refusals, audit: AuditEntry) -> StoreResult<()>;
    /// Marks the card invited and queues the invitation.
    async fn invite(&self, card_id: i64, mail: NewMail, now: i64, audit: AuditEntry) -> StoreResult<()>;

    /// The consents on record for a card.
    async fn card_consents(&self, card_id: i64) -> StoreResult<Vec<ConsentKind>>;

    /// Contacts of a card.
    async fn card_contacts(&self, card_id: i64) -> StoreResult<Option<Contacts>>;
    /// Stores the code and queues its message in one transaction.
    async fn attach_code_issue(&self, code: NewAttachCode) -> StoreResult<()>;
    async fn attach_code_live(&self, code_hash: &str, now: i64) -> StoreResult<Option<AttachCodeRecord>>;
    /// Spends the code and links the card: as `account_id`'s own card, or (with a guardian
    /// card) as that guardian's ward.
    async fn attach_code_redeem(
        &self,
        code: &AttachCodeRecord,
        account_id: i64,
        now: i64,
        audit: AuditEntry,
    ) -> StoreResult<AttachOutcome>;

    // Registration and password change.
    async fn registration_candidates(&self, email: &Email) -> StoreResult<Vec<RegistrationCandidate>>;
    /// Voids the card's earlier codes, stores the new one and queues its e-mail.
    async fn verification_code_issue(&self, code: NewVerificationCode, mail: NewMail) -> StoreResult<()>;
    /// The newest live code sent to `email`.
    async fn verification_code_live(&self, email: &Email, now: i64) -> StoreResult<Option<VerificationCodeRecord>>;
    /// Counts a wrong try; at `max_failures` the code is void. Returns the failures so far.
    async fn verification_code_failed(&self, code_id: i64, max_failures: i64, now: i64) -> StoreResult<i64>;
    /// Spends the code, sets the password, ends the account's other sessions and queues the
    /// notice, all at once. `None` when the code was spent or voided meanwhile.
    async fn registration_complete(&self, done: CompleteRegistration) -> StoreResult<Option<i64>>;
}
