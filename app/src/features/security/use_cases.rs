//! Account security use cases: the second factor (TOTP, RFC 6238) with recovery codes, the
//! second step of sign-in, re-authentication for sensitive changes, sessions.

use crate::features::onboarding::rules::{check_password, PasswordProblem, PASSWORD_MAX_CHARS};
use crate::features::security::rules::{normalize_recovery_code, normalize_totp_code, RECOVERY_CODES};
use crate::i18n::Lang;
use crate::kernel::error::{AppError, Problem};
use crate::platform::auth::{
    self, check_throttle, hash_password, internal, new_token, request_context, token_hash, verify_password,
};
use crate::platform::secret_box::{Opened, SecretBox};
use crate::platform::state::AppState;
use crate::platform::store::{Actor, AuditEntry, NewMail, SessionRecord, Store, StoreError};
use axum::http::{header, HeaderValue};
use leptos::prelude::use_context;
use leptos_axum::ResponseOptions;
use rand::RngCore;
use std::net::IpAddr;
use totp_rs::{Builder, Secret, Totp};

pub const ISSUER: &str = "Kabinet";
/// Time to type the second factor after the password.
pub const PENDING_SIGN_IN_SECS: i64 = 5 * 60;
/// Wrong second-factor codes per account before it waits, and per pending sign-in before the
/// password must be typed again.
pub const TOTP_WINDOW_SECS: i64 = 15 * 60;
pub const TOTP_LIMIT: i64 = 5;
/// Wrong passwords when confirming a sensitive change.
pub const REAUTH_LIMIT: i64 = 5;
/// How long fresh recovery codes stay on screen at most.
pub const RECOVERY_REVEAL_SECS: i64 = 10 * 60;

fn totp(secret_b32: &str, email: &str) -> Result<Totp, AppError> {
    let secret = Secret::try_from_base32(secret_b32).map_err(|e| internal(format!("stored TOTP secret: {e:?}")))?;
    Builder::new()
        .with_secret(secret)
        .with_skew(1)
        .with_account_name(email)
        .with_issuer(Some(ISSUER))
        .build()
        .map_err(|e| internal(format!("TOTP: {e:?}")))
}

/// The time step a typed code belongs to, if it is right within ±1 step of `now`.
fn matching_step(secret_b32: &str, email: &str, code: &str, now: i64) -> Result<Option<i64>, AppError> {
    Ok(totp(secret_b32, email)?.check(code, now.max(0) as u64).map(|s| s as i64))
}

/// The plain base32 of a stored secret (`pending`: the one being enrolled). A value stored
/// before encryption, or under the previous key, is sealed anew with the current key here.
async fn reveal(state: &AppState, account_id: i64, stored: &str, pending: bool) -> Result<String, AppError> {
    let secrets = &state.config.secrets;
    match secrets.open(stored, account_id).map_err(internal)? {
        Opened::Current(plain) => Ok(plain),
        Opened::Stale(plain) => {
            let sealed = secrets.seal(&plain, account_id);
            state.store.totp_secret_replace(account_id, pending, stored, &sealed).await?;
            Ok(plain)
        }
    }
}

/// What sealing the stored second-factor secrets found.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ResealReport {
    /// Clear (from before encryption) or under the previous key, now sealed with the current.
    pub sealed: usize,
    /// Opened by no configured key: the key is not the one they were sealed with.
    pub unreadable: usize,
}

/// Seals every stored second-factor secret that is clear or under the previous key with the
/// current key (run at start: after an upgrade, and to finish a key rotation).
pub async fn reseal_stored_secrets(store: &dyn Store, secrets: &SecretBox) -> Result<ResealReport, StoreError> {
    let mut report = ResealReport::default();
    for account in store.totp_secrets_all().await? {
        for (pending, stored) in [(false, account.secret), (true, account.pending_secret)] {
            let Some(stored) = stored else { continue };
            match secrets.open(&stored, account.account_id) {
                Ok(Opened::Current(_)) => {}
                Ok(Opened::Stale(plain)) => {
                    let sealed = secrets.seal(&plain, account.account_id);
                    if store.totp_secret_replace(account.account_id, pending, &stored, &sealed).await? {
                        report.sealed += 1;
                    }
                }
                Err(_) => report.unreadable += 1,
            }
        }
    }
    Ok(report)
}

fn sha256_hex(s: &str) -> String {
    token_hash(s)
}

fn pending_cookie_name(secure: bool) -> &'static str {
    if secure {
        "__Host-kabinet_pending"
    } else {
        "kabinet_pending"
    }
}

fn set_pending_cookie(state: &AppState, value: &str, max_age: i64) {
    let secure = state.config.secure_cookies;
    let attr = if secure { "; Secure" } else { "" };
    let name = pending_cookie_name(secure);
    if let (Some(res), Ok(v)) = (
        use_context::<ResponseOptions>(),
        HeaderValue::from_str(&format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{attr}")),
    ) {
        res.append_header(header::SET_COOKIE, v);
    }
}

fn pending_token(state: &AppState) -> Option<String> {
    let name = pending_cookie_name(state.config.secure_cookies);
    use_context::<axum::http::request::Parts>().and_then(|p| auth::cookie_value(&p.headers, name))
}

/// After a right password on an account with a second factor: remember that for five minutes
/// in a cookie of its own; no session yet.
pub async fn start_second_step(state: &AppState, account_id: i64) -> Result<(), AppError> {
    let token = new_token();
    let now = state.now();
    state.store.pending_sign_in_create(&token_hash(&token), account_id, now, now + PENDING_SIGN_IN_SECS).await?;
    set_pending_cookie(state, &token, PENDING_SIGN_IN_SECS);
    Ok(())
}

/// Counts a wrong second-factor code for the account; answers "rate limited" when it locks.
async fn totp_failure(state: &AppState, account_id: i64) -> Result<(), AppError> {
    let now = state.now();
    let key = format!("totp:{account_id}");
    if let Some(until) = state.store.throttle_failure(&key, now, TOTP_WINDOW_SECS, TOTP_LIMIT, TOTP_WINDOW_SECS).await?
    {
        tracing::warn!(event = "totp_locked", account_id, "second factor locked after repeated failures");
        return Err(AppError::RateLimited { retry_after_secs: until - now });
    }
    Ok(())
}

/// Checks a TOTP code (once per step) or a recovery code (once) for the account.
async fn check_second_factor(state: &AppState, account_id: i64, typed: &str) -> Result<bool, AppError> {
    let Some(t) = state.store.totp_state(account_id).await? else { return Ok(false) };
    let Some(stored) = t.secret else { return Ok(false) };
    let secret = reveal(state, account_id, &stored, false).await?;
    let now = state.now();
    if let Some(code) = normalize_totp_code(typed) {
        return Ok(match matching_step(&secret, &t.email, &code, now)? {
            Some(step) => state.store.totp_accept_step(account_id, step).await?,
            None => false,
        });
    }
    if let Some(code) = normalize_recovery_code(typed) {
        let used = state.store.recovery_code_use(account_id, &sha256_hex(&code), now).await?;
        if used {
            tracing::info!(event = "recovery_code_used", account_id, "a recovery code was used");
        }
        return Ok(used);
    }
    Ok(false)
}

/// The second step of sign-in: a code from the app or a recovery code.
pub async fn finish_second_step(state: &AppState, peer: IpAddr, typed: &str) -> Result<(), AppError> {
    let now = state.now();
    let pending = match pending_token(state) {
        Some(token) => state.store.pending_sign_in_get(&token_hash(&token), now).await?,
        None => None,
    };
    let Some(pending) = pending else { return Err(AppError::SecondStepExpired) };
    check_throttle(state, &format!("totp:{}", pending.account_id)).await?;
    if !check_second_factor(state, pending.account_id, typed).await? {
        let failures = state.store.pending_sign_in_failed(pending.id, TOTP_LIMIT).await?;
        totp_failure(state, pending.account_id).await?;
        if failures >= TOTP_LIMIT {
            set_pending_cookie(state, "", 0);
            return Err(AppError::SecondStepExpired);
        }
        return Err(AppError::SecondFactorInvalid);
    }
    state.store.pending_sign_in_delete(pending.id).await?;
    state.store.throttle_clear(&format!("totp:{}", pending.account_id)).await?;
    set_pending_cookie(state, "", 0);
    auth::open_session(state, pending.account_id, pending.own_card_id, peer).await
}

/// Re-authentication for sensitive changes: the current password, throttled per account.
async fn reauthenticate(state: &AppState, session: &SessionRecord, password: String) -> Result<(), AppError> {
    let key = format!("reauth:{}", session.account_id);
    check_throttle(state, &key).await?;
    let hash = state.store.account_password_hash(session.account_id).await?;
    if verify_password(password, hash).await? {
        state.store.throttle_clear(&key).await?;
        return Ok(());
    }
    let now = state.now();
    if let Some(until) =
        state.store.throttle_failure(&key, now, TOTP_WINDOW_SECS, REAUTH_LIMIT, TOTP_WINDOW_SECS).await?
    {
        return Err(AppError::RateLimited { retry_after_secs: until - now });
    }
    Err(AppError::field("current_password", Problem::PasswordWrong))
}

/// The account holder about their own account, journalled in their own card (if they have one).
fn audit(state: &AppState, session: &SessionRecord, peer: IpAddr, action: &str) -> AuditEntry {
    AuditEntry::by(&Actor::account_holder(session.account_id, peer), state.now(), action).card(session.own_card_id)
}

/// What the page shows while a second factor is being enrolled.
pub struct Enrolment {
    pub secret_b32: String,
    pub otpauth_url: String,
}

/// Starts (or restarts) enrolment with a fresh secret.
pub async fn begin_enrolment(state: &AppState, session: &SessionRecord) -> Result<(), AppError> {
    let mut bytes = [0u8; 20];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let secret = Secret::from(bytes.to_vec()).to_base32();
    let sealed = state.config.secrets.seal(&secret, session.account_id);
    state.store.totp_begin(session.account_id, &sealed).await?;
    Ok(())
}

pub async fn pending_enrolment(state: &AppState, session: &SessionRecord) -> Result<Option<Enrolment>, AppError> {
    let Some(t) = state.store.totp_state(session.account_id).await? else { return Ok(None) };
    match (t.secret, t.pending_secret) {
        (None, Some(stored)) => {
            let pending = reveal(state, session.account_id, &stored, true).await?;
            let url = totp(&pending, &t.email)?.to_url().map_err(|e| internal(format!("otpauth: {e:?}")))?;
            Ok(Some(Enrolment { secret_b32: pending, otpauth_url: url }))
        }
        _ => Ok(None),
    }
}

fn new_recovery_codes() -> Vec<String> {
    (0..RECOVERY_CODES)
        .map(|_| {
            let mut bytes = [0u8; 10];
            rand::rngs::OsRng.fill_bytes(&mut bytes);
            crate::features::security::rules::crockford(&bytes)
        })
        .collect()
}

/// Confirms enrolment with the password and a first code; issues ten recovery codes, shown
/// once to this session.
pub async fn confirm_enrolment(
    state: &AppState,
    session: &SessionRecord,
    peer: IpAddr,
    password: String,
    code: &str,
    lang: Lang,
) -> Result<(), AppError> {
    reauthenticate(state, session, password).await?;
    let t = state.store.totp_state(session.account_id).await?.ok_or(AppError::NotFound)?;
    let stored = t.pending_secret.ok_or(AppError::Conflict)?;
    let pending = reveal(state, session.account_id, &stored, true).await?;
    let step = match normalize_totp_code(code) {
        Some(code) => matching_step(&pending, &t.email, &code, state.now())?,
        None => None,
    };
    let Some(step) = step else {
        totp_failure(state, session.account_id).await?;
        return Err(AppError::field("code", Problem::TotpWrong));
    };
    let codes = new_recovery_codes();
    let hashes: Vec<String> = codes.iter().map(|c| sha256_hex(c)).collect();
    let texts = lang.texts();
    let notice = NewMail {
        recipient: t.email.clone(),
        subject: texts.security().mail_totp_on_subject.into(),
        body: texts.security().mail_totp_on_body.into(),
    };
    let now = state.now();
    if !state
        .store
        .totp_enable(session.account_id, step, &hashes, notice, audit(state, session, peer, "account.totp_on"), now)
        .await?
    {
        return Err(AppError::Conflict);
    }
    state.store.recovery_reveal_put(session.session_id, &codes.join(" "), now + RECOVERY_REVEAL_SECS).await?;
    Ok(())
}

pub async fn disable(
    state: &AppState,
    session: &SessionRecord,
    peer: IpAddr,
    password: String,
    lang: Lang,
) -> Result<(), AppError> {
    reauthenticate(state, session, password).await?;
    let t = state.store.totp_state(session.account_id).await?.ok_or(AppError::NotFound)?;
    let texts = lang.texts();
    let notice = NewMail {
        recipient: t.email,
        subject: texts.security().mail_totp_off_subject.into(),
        body: texts.security().mail_totp_off_body.into(),
    };
    state
        .store
        .totp_disable(session.account_id, notice, audit(state, session, peer, "account.totp_off"), state.now())
        .await?;
    Ok(())
}

/// Changes the password after checking the current one; other sessions end; a notice is sent.
pub async fn change_password(
    state: &AppState,
    session: &SessionRecord,
    peer: IpAddr,
    current: String,
    new: String,
    again: String,
    lang: Lang,
) -> Result<(), AppError> {
    match check_password(&new, &again) {
        Ok(()) => {}
        Err(PasswordProblem::TooShort) => return Err(AppError::field("password", Problem::PasswordTooShort)),
        Err(PasswordProblem::TooLong) => return Err(AppError::field("password", Problem::TooLong(PASSWORD_MAX_CHARS))),
        Err(PasswordProblem::Common) => return Err(AppError::field("password", Problem::PasswordCommon)),
        Err(PasswordProblem::Mismatch) => return Err(AppError::field("password_again", Problem::PasswordMismatch)),
    }
    reauthenticate(state, session, current).await?;
    let hash = hash_password(new).await?;
    let t = state.store.totp_state(session.account_id).await?.ok_or(AppError::NotFound)?;
    let texts = lang.texts();
    let notice = NewMail {
        recipient: t.email,
        subject: texts.mail_password_set_subject.into(),
        body: texts.mail_password_set_body.into(),
    };
    state
        .store
        .account_password_change(
            session.account_id,
            &hash,
            session.session_id,
            notice,
            audit(state, session, peer, "account.password_change"),
            state.now(),
        )
        .await?;
    Ok(())
}

/// The caller's session (for functions that need the session id too).
pub fn current() -> Result<(SessionRecord, IpAddr), AppError> {
    let ctx = request_context()?;
    Ok((ctx.session.ok_or(AppError::Unauthenticated)?, ctx.peer))
}

/// Changes the sign-in e-mail after checking the password; the old and the new address are
/// told. An address another account uses is refused without saying whose it is.
pub async fn change_email(
    state: &AppState,
    session: &SessionRecord,
    peer: IpAddr,
    current: String,
    new_email: &str,
    lang: Lang,
) -> Result<(), AppError> {
    let email = crate::kernel::email::Email::parse(new_email).map_err(|_| {
        AppError::field("new_email", if new_email.trim().is_empty() { Problem::Required } else { Problem::Email })
    })?;
    reauthenticate(state, session, current).await?;
    let t = state.store.totp_state(session.account_id).await?.ok_or(AppError::NotFound)?;
    if t.email == email.as_str() {
        return Ok(());
    }
    let texts = lang.texts();
    let notices = [
        NewMail {
            recipient: t.email.clone(),
            subject: texts.security().mail_email_changed_subject.into(),
            body: (texts.security().mail_email_changed_body)(email.as_str()),
        },
        NewMail {
            recipient: email.to_string(),
            subject: texts.security().mail_email_changed_subject.into(),
            body: (texts.security().mail_email_changed_body)(email.as_str()),
        },
    ];
    let changed = state
        .store
        .account_email_change(
            session.account_id,
            email.as_str(),
            &notices,
            audit(state, session, peer, "account.email_change"),
            state.now(),
        )
        .await?;
    if !changed {
        return Err(AppError::field("new_email", Problem::EmailUnavailable));
    }
    Ok(())
}
