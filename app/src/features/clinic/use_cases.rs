//! Clinic administration's use cases: the first head on the command line, the welcome page
//! where an invited staff member sets a password, the clinic's details and settings, the staff
//! (invitations, roles, deactivation) and the branches.

use super::rules::{
    changes, check_branch, check_details, check_settings, parse_full_name, roles_ticked, BranchRecord, ClinicDetails,
    ClinicSettings, DetailsProblem, JournalPage, JournalQuery, INVITE_TTL_SECS,
};
use super::store::{DoctorInvite, HeadOutcome, InviteOutcome, LiveInvite, NewHead, NewStaff, StaffChange, StaffRecord};
use crate::features::onboarding::rules::{check_password, PasswordProblem, PASSWORD_MAX_CHARS};
use crate::features::onboarding::use_cases::{CODE_LOCKOUT_SECS, CODE_TRIES_PER_ADDRESS};
use crate::i18n::Lang;
use crate::kernel::email::Email;
use crate::kernel::error::{AppError, FieldError, Problem};
use crate::kernel::outbox::secret;
use crate::kernel::tabs::HiddenTabs;
use crate::platform::audit::{Actor, AuditEntry};
use crate::platform::auth::{check_throttle, hash_password, new_token, open_session, throttle_key, token_hash};
use crate::platform::state::AppState;
use crate::platform::store::{NewMail, SessionRecord, Store, StoreError};
use std::net::IpAddr;

/// Why `kabinet create-head` made nothing.
#[derive(Debug, thiserror::Error)]
pub enum HeadRefusal {
    #[error("{0:?} is not an e-mail address")]
    Email(String),
    #[error("the name must be \"Surname Name [Patronymic]\": letters, hyphens and apostrophes, at least two words")]
    Name,
    #[error("the clinic already has an active head; further heads are invited by the head in the portal")]
    HeadExists,
    #[error("an account with this e-mail already exists")]
    EmailTaken,
    #[error("database: {0}")]
    Store(#[from] StoreError),
}

/// The head `create_head` made.
#[derive(Debug)]
pub struct CreatedHead {
    pub account_id: i64,
    pub email: Email,
    /// The one-time link to set the password (works once, for `INVITE_TTL_SECS`).
    pub link: String,
    pub expires_at: i64,
}

/// The link an invitation's token opens.
fn welcome_link(public_url: &str, token: &str) -> String {
    format!("{public_url}/welcome?token={token}")
}

/// Makes the clinic's first head: checks the e-mail and the name, creates the account without
/// a password and a one-time link to set one, and, with `mail`, puts the link in the outbox
/// (in the clinic's default language) for the mail worker, all in one transaction.
pub async fn create_head(
    store: &dyn Store,
    public_url: &str,
    utc_offset_minutes: i32,
    email: &str,
    full_name: &str,
    now: i64,
    mail: bool,
) -> Result<CreatedHead, HeadRefusal> {
    let email = Email::parse(email).map_err(|_| HeadRefusal::Email(email.to_string()))?;
    let name = parse_full_name(full_name).ok_or(HeadRefusal::Name)?;
    let token = new_token();
    let link = welcome_link(public_url, &token);
    // The link is a secret: once sent, the outbox keeps the message without it.
    let mail = mail.then(|| invite_mail(email.as_str(), &name.full(), &link));
    let head = NewHead {
        email: email.clone(),
        name,
        token_hash: token_hash(&token),
        expires_at: now + INVITE_TTL_SECS,
        now,
        utc_offset_minutes,
        mail,
    };
    let account_id = match store.create_head(head, &Actor::system("command line")).await? {
        HeadOutcome::Created { account_id } => account_id,
        HeadOutcome::HeadExists => return Err(HeadRefusal::HeadExists),
        HeadOutcome::EmailTaken => return Err(HeadRefusal::EmailTaken),
    };
    Ok(CreatedHead { account_id, email, link, expires_at: now + INVITE_TTL_SECS })
}

/// The invitation a welcome link names, or `LinkInvalid` (unknown, spent, expired, or the
/// account deactivated: one answer).
pub async fn invitation(state: &AppState, token: &str) -> Result<LiveInvite, AppError> {
    if token.is_empty() || token.len() > 100 {
        return Err(AppError::LinkInvalid);
    }
    state.store.staff_invite_live(&token_hash(token), state.now()).await?.ok_or(AppError::LinkInvalid)
}

/// Sets the invited staff member's password and signs them in. The password rules come first
/// (a mistake there does not spend the link); a wrong link counts against the address like a
/// wrong registration code.
pub async fn accept(
    state: &AppState,
    peer: IpAddr,
    token: &str,
    password: String,
    password_again: &str,
) -> Result<(), AppError> {
    match check_password(&password, password_again) {
        Ok(()) => {}
        Err(PasswordProblem::TooShort) => return Err(AppError::field("password", Problem::PasswordTooShort)),
        Err(PasswordProblem::TooLong) => return Err(AppError::field("password", Problem::TooLong(PASSWORD_MAX_CHARS))),
        Err(PasswordProblem::Common) => return Err(AppError::field("password", Problem::PasswordCommon)),
        Err(PasswordProblem::Mismatch) => return Err(AppError::field("password_again", Problem::PasswordMismatch)),
    }
    let by_address = throttle_key("invite-try-addr", &peer.to_string());
    check_throttle(state, &by_address).await?;
    let now = state.now();
    let invite = match invitation(state, token).await {
        Ok(i) => i,
        Err(e) => {
            state
                .store
                .throttle_failure(&by_address, now, CODE_LOCKOUT_SECS, CODE_TRIES_PER_ADDRESS, CODE_LOCKOUT_SECS)
                .await?;
            return Err(e);
        }
    };
    let hash = hash_password(password).await?;
    let actor = Actor::account_holder(invite.account_id, peer);
    if !state.store.accept_staff_invite(&invite, &hash, now, &actor).await? {
        return Err(AppError::LinkInvalid);
    }
    open_session(state, invite.account_id, None, peer).await
}

/// The clinic's details as the head's form shows them (the clinic's offset when none are set).
pub async fn details(state: &AppState) -> Result<ClinicDetails, AppError> {
    Ok(state
        .store
        .clinic_details()
        .await?
        .unwrap_or(ClinicDetails { utc_offset_minutes: state.utc_offset(), ..ClinicDetails::default() }))
}

/// The details' problems, field by field, as the forms show them.
pub(super) fn invalid(problems: Vec<(&'static str, DetailsProblem)>) -> AppError {
    AppError::Validation(
        problems
            .into_iter()
            .map(|(field, p)| FieldError {
                field: field.into(),
                problem: match p {
                    DetailsProblem::Required => Problem::Required,
                    DetailsProblem::TooLong(n) => Problem::TooLong(n),
                    DetailsProblem::Phone => Problem::Phone,
                    DetailsProblem::Choice => Problem::Choice,
                    DetailsProblem::Range => Problem::Range,
                    DetailsProblem::FullName => Problem::FullName,
                },
            })
            .collect(),
    )
}

/// The clinic's details as typed.
pub struct DetailsForm {
    pub name: String,
    pub address: String,
    pub phone: String,
    pub utc_offset: String,
}

/// Checks and sets the clinic's details (journalled); the time zone applies at once.
pub async fn save_details(
    state: &AppState,
    session: &SessionRecord,
    peer: IpAddr,
    form: DetailsForm,
) -> Result<(), AppError> {
    let details = check_details(&form.name, &form.address, &form.phone, &form.utc_offset).map_err(invalid)?;
    let before = self::details(state).await?;
    let mut audit = AuditEntry::by(&Actor::staff(session, peer), state.now(), "clinic.details").object("clinic");
    if let Some(detail) = changes(&[
        ("name", before.name, details.name.clone()),
        ("address", before.address, details.address.clone()),
        ("phone", before.phone, details.phone.clone()),
        ("utc_offset_minutes", before.utc_offset_minutes.to_string(), details.utc_offset_minutes.to_string()),
    ]) {
        audit = audit.detail(detail);
    }
    if !state.store.set_clinic_details(&details, audit).await? {
        return Err(AppError::NotFound);
    }
    state.config.clinic.update(details.utc_offset_minutes, details.is_set());
    state.config.clinic.set_card(details.card());
    Ok(())
}

/// The admin journal (the head), filtered; dates are the clinic's days.
pub async fn journal(
    state: &AppState,
    group: &str,
    person: &str,
    from: &str,
    to: &str,
    page: &str,
) -> Result<JournalPage, AppError> {
    let query = JournalQuery::from_form(group, person, from, to, page, state.utc_offset());
    Ok(state.store.journal(&query).await?)
}

/// The clinic's staff, for the head's list.
pub async fn team(state: &AppState) -> Result<Vec<StaffRecord>, AppError> {
    Ok(state.store.staff_list().await?)
}

/// The invitation e-mail, in the clinic's default language, with the link marked secret.
fn invite_mail(email: &str, name: &str, link: &str) -> NewMail {
    let t = Lang::default().texts().clinic();
    NewMail {
        recipient: email.to_string(),
        subject: t.mail_invite_subject.into(),
        body: (t.mail_invite_body)(name, &secret(link)),
    }
}

/// A staff member as the head's invitation form has them.
pub struct InviteForm {
    pub email: String,
    pub name: String,
    /// Clinician, registrar, editor, head (`rules::ROLES`).
    pub roles: [bool; 4],
}

/// Invites a staff member (the head): the account, its roles and a one-time link by e-mail.
pub async fn invite(
    state: &AppState,
    session: &SessionRecord,
    peer: IpAddr,
    form: InviteForm,
) -> Result<i64, AppError> {
    let email = Email::parse(&form.email);
    let name = parse_full_name(&form.name);
    let roles = roles_ticked(form.roles);
    let mut problems = Vec::new();
    if email.is_err() {
        let problem = if form.email.trim().is_empty() { Problem::Required } else { Problem::Email };
        problems.push(FieldError { field: "email".into(), problem });
    }
    if name.is_none() {
        let problem = if form.name.trim().is_empty() { Problem::Required } else { Problem::FullName };
        problems.push(FieldError { field: "name".into(), problem });
    }
    if roles.is_none() {
        problems.push(FieldError { field: "roles".into(), problem: Problem::Required });
    }
    let (Ok(email), Some(name), Some(roles), true) = (email, name, roles, problems.is_empty()) else {
        return Err(AppError::Validation(problems));
    };
    let token = new_token();
    let now = state.now();
    let mail = invite_mail(email.as_str(), &name.full(), &welcome_link(&state.config.public_url, &token));
    let staff =
        NewStaff { email, name, roles, token_hash: token_hash(&token), expires_at: now + INVITE_TTL_SECS, now, mail };
    match state.store.invite_staff(staff, &Actor::staff(session, peer)).await? {
        InviteOutcome::Invited { staff_id } => Ok(staff_id),
        InviteOutcome::EmailTaken => Err(AppError::field("email", Problem::EmailUnavailable)),
        InviteOutcome::NoProfile => Err(AppError::NotFound),
    }
}

/// Invites a doctor whose profile has no account yet (the head): the account joins the profile,
/// which keeps its schedule, services and history; the clinician's role is added.
pub async fn invite_doctor(
    state: &AppState,
    session: &SessionRecord,
    peer: IpAddr,
    staff_id: i64,
    email: &str,
) -> Result<i64, AppError> {
    let parsed = Email::parse(email).map_err(|_| {
        AppError::field("doctor_email", if email.trim().is_empty() { Problem::Required } else { Problem::Email })
    })?;
    let profile = state.store.staff_list().await?.into_iter().find(|s| s.staff_id == staff_id && s.email.is_none());
    let Some(StaffRecord { name, .. }) = profile else { return Err(AppError::NotFound) };
    let token = new_token();
    let now = state.now();
    let mail = invite_mail(parsed.as_str(), &name, &welcome_link(&state.config.public_url, &token));
    let invite = DoctorInvite {
        staff_id,
        name: name.clone(),
        email: parsed,
        token_hash: token_hash(&token),
        expires_at: now + INVITE_TTL_SECS,
        now,
        mail,
    };
    match state.store.invite_doctor(invite, &Actor::staff(session, peer)).await? {
        InviteOutcome::Invited { staff_id } => Ok(staff_id),
        InviteOutcome::EmailTaken => Err(AppError::field("doctor_email", Problem::EmailUnavailable)),
        InviteOutcome::NoProfile => Err(AppError::NotFound),
    }
}

fn staff_change(outcome: StaffChange) -> Result<(), AppError> {
    match outcome {
        StaffChange::Done => Ok(()),
        StaffChange::LastHead => Err(AppError::LastHead),
        StaffChange::Missing => Err(AppError::NotFound),
    }
}

/// Replaces a staff member's roles (the head); at least one, and never the last head's.
pub async fn set_roles(
    state: &AppState,
    session: &SessionRecord,
    peer: IpAddr,
    staff_id: i64,
    ticked: [bool; 4],
) -> Result<(), AppError> {
    let roles = roles_ticked(ticked).ok_or_else(|| AppError::field("roles", Problem::Required))?;
    staff_change(state.store.set_staff_roles(staff_id, &roles, &Actor::staff(session, peer), state.now()).await?)
}

/// Deactivates a staff member's account (the head): sessions end at once, history stays.
pub async fn deactivate(
    state: &AppState,
    session: &SessionRecord,
    peer: IpAddr,
    staff_id: i64,
) -> Result<(), AppError> {
    staff_change(state.store.deactivate_staff(staff_id, &Actor::staff(session, peer), state.now()).await?)
}

/// Sends an invited staff member a new link (the head); the earlier ones stop working.
pub async fn renew_invite(
    state: &AppState,
    session: &SessionRecord,
    peer: IpAddr,
    staff_id: i64,
) -> Result<(), AppError> {
    let staff = state.store.staff_list().await?.into_iter().find(|s| s.staff_id == staff_id && s.invited && s.active);
    let Some(StaffRecord { email: Some(email), name, .. }) = staff else { return Err(AppError::NotFound) };
    let token = new_token();
    let now = state.now();
    let mail = invite_mail(&email, &name, &welcome_link(&state.config.public_url, &token));
    let actor = Actor::staff(session, peer);
    staff_change(
        state.store.renew_staff_invite(staff_id, &token_hash(&token), now + INVITE_TTL_SECS, mail, &actor, now).await?,
    )
}

/// The clinic's branches, for the admin list.
pub async fn branches(state: &AppState) -> Result<Vec<BranchRecord>, AppError> {
    Ok(state.store.branch_list().await?)
}

/// Adds (`id` None) or changes a branch; its id.
pub async fn save_branch(
    state: &AppState,
    session: &SessionRecord,
    peer: IpAddr,
    id: Option<i64>,
    name: &str,
    address: &str,
    phone: &str,
) -> Result<i64, AppError> {
    let branch = check_branch(name, address, phone).map_err(invalid)?;
    state.store.save_branch(id, &branch, &Actor::staff(session, peer), state.now()).await?.ok_or(AppError::NotFound)
}

/// Deletes a branch nothing refers to; one with history is refused with the reason.
pub async fn delete_branch(state: &AppState, session: &SessionRecord, peer: IpAddr, id: i64) -> Result<(), AppError> {
    state.store.delete_branch(id, &Actor::staff(session, peer), state.now()).await?.into_result(AppError::BranchInUse)
}

/// Deactivates or reactivates a branch.
pub async fn set_branch_active(
    state: &AppState,
    session: &SessionRecord,
    peer: IpAddr,
    id: i64,
    active: bool,
) -> Result<(), AppError> {
    let actor = Actor::staff(session, peer);
    if state.store.set_branch_active(id, active, &actor, state.now()).await? {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

/// The clinic's settings in effect: the head's, else the installation's defaults
/// (KABINET_ATTACH_CODE_TTL_HOURS, KABINET_CONTACT_PRIORITY; the protocol window's 24 hours).
pub async fn settings(state: &AppState) -> Result<ClinicSettings, AppError> {
    let stored = state
        .store
        .clinic_settings()
        .await?
        .unwrap_or(super::store::StoredSettings { protocol_edit_hours: 24, ..Default::default() });
    let default_priority = match state.config.contact_priority {
        crate::platform::state::ContactPriority::Phone => "phone",
        crate::platform::state::ContactPriority::Email => "email",
    };
    Ok(ClinicSettings {
        attach_code_ttl_hours: stored.attach_code_ttl_hours.unwrap_or(state.config.attach_code_ttl_secs / 3600),
        contact_priority: stored.contact_priority.unwrap_or_else(|| default_priority.into()),
        protocol_edit_hours: stored.protocol_edit_hours,
        hidden_tabs: HiddenTabs::parse(&stored.hidden_tabs),
    })
}

/// Checks and sets the clinic's settings (the head), journalled.
pub async fn save_settings(
    state: &AppState,
    session: &SessionRecord,
    peer: IpAddr,
    attach_code_ttl_hours: &str,
    contact_priority: &str,
    protocol_edit_hours: &str,
    hidden_tabs: HiddenTabs,
) -> Result<(), AppError> {
    let settings =
        check_settings(attach_code_ttl_hours, contact_priority, protocol_edit_hours, hidden_tabs).map_err(invalid)?;
    let before = self::settings(state).await?;
    let mut audit = AuditEntry::by(&Actor::staff(session, peer), state.now(), "clinic.settings").object("clinic");
    if let Some(detail) = changes(&[
        ("attach_code_ttl_hours", before.attach_code_ttl_hours.to_string(), settings.attach_code_ttl_hours.to_string()),
        ("contact_priority", before.contact_priority, settings.contact_priority.clone()),
        ("protocol_edit_hours", before.protocol_edit_hours.to_string(), settings.protocol_edit_hours.to_string()),
        ("hidden_tabs", before.hidden_tabs.to_stored(), settings.hidden_tabs.to_stored()),
    ]) {
        audit = audit.detail(detail);
    }
    if state.store.set_clinic_settings(&settings, audit).await? {
        state.config.clinic.set_hidden_tabs(settings.hidden_tabs);
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}
