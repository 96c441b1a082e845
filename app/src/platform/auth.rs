//! Authentication and authorisation for every feature: the request's session and peer, the
//! checks every server function starts with, passwords, session tokens and cookies, opening and
//! ending a session, and throttling. Signing in itself is the session feature's use case.

use crate::kernel::error::AppError;
use crate::platform::state::AppState;
use crate::platform::store::{Actor, AuditEntry, NewSession, SessionRecord, StoreError};
use argon2::{password_hash::SaltString, Argon2, PasswordHash, PasswordHasher, PasswordVerifier};
use axum::http::{header, request::Parts, HeaderValue};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine as _};
use leptos::prelude::*;
use leptos_axum::ResponseOptions;
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::net::IpAddr;

/// Idle expiry of a session (SECURITY.md: 30 min).
pub const SESSION_IDLE_SECS: i64 = 30 * 60;
/// Absolute expiry of a session (SECURITY.md: 12 h).
pub const SESSION_MAX_SECS: i64 = 12 * 60 * 60;

/// What the middleware learnt about a request before any handler runs.
#[derive(Clone, Debug)]
pub struct RequestContext {
    pub session: Option<SessionRecord>,
    /// The socket's peer, or the client named by a trusted proxy.
    pub peer: IpAddr,
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        internal(e)
    }
}

/// Logs an unexpected failure under a fresh reference id and returns the id-only error.
pub fn internal(e: impl std::fmt::Display) -> AppError {
    let mut bytes = [0u8; 5];
    rand::thread_rng().fill_bytes(&mut bytes);
    let reference = base32(&bytes);
    tracing::error!(reference = %reference, error = %e, "internal error");
    AppError::Internal { reference }
}

fn base32(bytes: &[u8]) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
    bytes.iter().map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char).collect()
}

pub fn request_context() -> Result<RequestContext, AppError> {
    use_context::<Parts>()
        .and_then(|p| p.extensions.get::<RequestContext>().cloned())
        .ok_or_else(|| internal("request context missing"))
}

/// The caller's session, or `Unauthenticated`.
pub fn require_session() -> Result<SessionRecord, AppError> {
    request_context()?.session.ok_or(AppError::Unauthenticated)
}

/// The caller's session if it holds a staff role that passes `allowed`, else `Forbidden`.
/// Staff without a second factor are refused while the clinic requires one.
pub fn require_staff(allowed: impl Fn(&crate::kernel::account::Roles) -> bool) -> Result<SessionRecord, AppError> {
    staff_session(&request_context()?, allowed)
}

/// As `require_staff`, for handlers outside server functions (file uploads and downloads).
pub fn staff_session(
    ctx: &RequestContext,
    allowed: impl Fn(&crate::kernel::account::Roles) -> bool,
) -> Result<SessionRecord, AppError> {
    let session = ctx.session.clone().ok_or(AppError::Unauthenticated)?;
    if !allowed(&session.roles) {
        return Err(AppError::Forbidden);
    }
    if session.staff_totp_required && !session.totp_enabled {
        return Err(AppError::SecondFactorRequired);
    }
    Ok(session)
}

/// Answers "rate limited" when `key` is locked.
pub async fn check_throttle(state: &AppState, key: &str) -> Result<(), AppError> {
    let now = state.now();
    match state.store.throttle_locked_until(key, now).await? {
        Some(until) => Err(AppError::RateLimited { retry_after_secs: until - now }),
        None => Ok(()),
    }
}

// --- Secrets -------------------------------------------------------------------------------

fn argon2() -> Argon2<'static> {
    // OWASP / SECURITY.md minimum: m = 19 MiB, t = 2, p = 1.
    let params = argon2::Params::new(19 * 1024, 2, 1, None).expect("valid argon2 params");
    Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params)
}

/// argon2id PHC string of `password`, computed on a blocking thread.
pub async fn hash_password(password: String) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
        argon2().hash_password(password.as_bytes(), &salt).map(|h| h.to_string()).map_err(internal)
    })
    .await
    .map_err(internal)?
}

/// Blocking variant for seeding and tests.
pub fn hash_password_blocking(password: &str) -> String {
    let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
    argon2().hash_password(password.as_bytes(), &salt).expect("argon2 hashing").to_string()
}

/// A hash of a password nobody has; verifying against it costs what a real check costs, so an
/// unknown e-mail answers as slowly as a known one.
fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash_password_blocking("decoy password that matches nothing"))
}

/// Computes the decoy hash now (at start), so that the first unknown e-mail does not pay for it.
pub fn prepare_decoy() {
    decoy_hash();
}

/// Verifies on a blocking thread; a missing hash verifies against the decoy and fails. The
/// hash is always computed before the answer is decided: whether an account (or a code)
/// exists must not show in how long the answer takes.
pub async fn verify_password(password: String, phc: Option<String>) -> Result<bool, AppError> {
    tokio::task::spawn_blocking(move || {
        let (phc, real) = match phc {
            Some(p) => (p, true),
            None => (decoy_hash().to_string(), false),
        };
        let parsed = PasswordHash::new(&phc).map_err(internal)?;
        let matches = argon2().verify_password(password.as_bytes(), &parsed).is_ok();
        Ok(matches && real)
    })
    .await
    .map_err(internal)?
}

/// A fresh random token for a cookie (256 bits).
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// What the database keeps of a token.
pub fn token_hash(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// The current request's browser, for the list of sessions (trimmed).
pub fn user_agent() -> String {
    use_context::<Parts>()
        .and_then(|p| {
            p.headers.get(header::USER_AGENT).and_then(|v| v.to_str().ok()).map(|s| s.chars().take(200).collect())
        })
        .unwrap_or_default()
}

/// Hash used as a throttle key, so that typed e-mails are not stored in clear.
pub(crate) fn throttle_key(kind: &str, value: &str) -> String {
    format!("{kind}:{}", &token_hash(value)[..32])
}

pub fn session_cookie_name(secure: bool) -> &'static str {
    if secure {
        "__Host-kabinet_session"
    } else {
        "kabinet_session"
    }
}

fn session_cookie(secure: bool, value: &str, max_age: i64) -> HeaderValue {
    let name = session_cookie_name(secure);
    let secure_attr = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure_attr}"))
        .expect("cookie is ASCII")
}

/// The token in the request's session cookie, if any.
pub fn session_token(headers: &axum::http::HeaderMap, secure: bool) -> Option<String> {
    cookie_value(headers, session_cookie_name(secure))
}

/// The value of the request's cookie `name`, if any.
pub fn cookie_value(headers: &axum::http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// Opens a new session for the account and sets its cookie, replacing the session the browser
/// had (a token planted before sign-in is worth nothing after it).
pub async fn open_session(
    state: &AppState,
    account_id: i64,
    own_card_id: Option<i64>,
    peer: IpAddr,
) -> Result<(), AppError> {
    let now = state.now();
    if let Some(previous) = request_context().ok().and_then(|c| c.session) {
        state.store.delete_session(previous.session_id).await?;
    }
    let token = new_token();
    state
        .store
        .create_session(NewSession {
            token_hash: token_hash(&token),
            account_id,
            active_card_id: own_card_id,
            now,
            expires_at: now + SESSION_MAX_SECS,
            origin: peer.to_string(),
            user_agent: user_agent(),
        })
        .await?;
    state.store.audit(AuditEntry::by(&Actor::account_holder(account_id, peer), now, "session.sign_in")).await?;
    if let Some(res) = use_context::<ResponseOptions>() {
        res.append_header(header::SET_COOKIE, session_cookie(state.config.secure_cookies, &token, SESSION_MAX_SECS));
    }
    Ok(())
}

/// Ends the caller's session on the server and clears the cookie.
pub async fn sign_out(state: &AppState) -> Result<(), AppError> {
    let ctx = request_context()?;
    if let Some(session) = ctx.session {
        state.store.delete_session(session.session_id).await?;
        state
            .store
            .audit(AuditEntry::by(
                &Actor::account_holder(session.account_id, ctx.peer),
                state.now(),
                "session.sign_out",
            ))
            .await?;
    }
    if let Some(res) = use_context::<ResponseOptions>() {
        res.append_header(header::SET_COOKIE, session_cookie(state.config.secure_cookies, "", 0));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_random_and_stored_only_as_hashes() {
        let (a, b) = (new_token(), new_token());
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        assert_eq!(token_hash(&a).len(), 64);
        assert_ne!(token_hash(&a), a);
    }

    #[test]
    fn session_cookie_is_found_among_others() {
        let mut h = axum::http::HeaderMap::new();
        h.insert(header::COOKIE, HeaderValue::from_static("kabinet_lang=en; kabinet_session=abc"));
        assert_eq!(session_token(&h, false).as_deref(), Some("abc"));
        assert_eq!(session_token(&h, true), None);
    }

    #[test]
    fn passwords_verify_only_against_their_own_hash() {
        let phc = hash_password_blocking("correct horse battery");
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
        assert!(rt.block_on(verify_password("correct horse battery".into(), Some(phc.clone()))).unwrap());
        assert!(!rt.block_on(verify_password("wrong".into(), Some(phc))).unwrap());
        assert!(!rt.block_on(verify_password("anything".into(), None)).unwrap());
    }
}
