//! Onboarding use cases: the front desk's invitation, and "Registration / change password"
//! with an e-mailed verification code. Mail is queued in the same transaction as the change.

use crate::features::onboarding::rules::{
    check_password, consents_complete, display_code, generate_code, names_match, normalize_code, PasswordProblem,
    CODE_MAX_FAILURES, CODE_TTL_SECS,
};
use crate::features::onboarding::store::{CompleteRegistration, NewVerificationCode};
use crate::features::session::use_cases::SignInStep;
use crate::i18n::Lang;
use crate::kernel::email::Email;
use crate::kernel::error::{AppError, Problem};
use crate::kernel::outbox::secret;
use crate::platform::auth::{self, check_throttle, hash_password, internal, throttle_key, verify_password};
use crate::platform::state::AppState;
use crate::platform::store::{Actor, AuditEntry, NewMail};
use std::net::IpAddr;

/// Code requests: per peer address and per e-mail, within an hour.
pub const CODE_REQUEST_WINDOW_SECS: i64 = 60 * 60;
pub const CODE_REQUESTS_PER_ADDRESS: i64 = 20;
pub const CODE_REQUESTS_PER_EMAIL: i64 = 5;
/// Wrong codes typed from one address before it must wait.
pub const CODE_TRIES_PER_ADDRESS: i64 = 20;
pub const CODE_LOCKOUT_SECS: i64 = 15 * 60;

/// The request's language, for mail written on its behalf.
pub fn request_lang() -> Lang {
    leptos::prelude::use_context::<axum::http::request::Parts>()
        .and_then(|p| {
            p.headers.get(axum::http::header::COOKIE).and_then(|v| v.to_str().ok()).map(Lang::from_cookie_header)
        })
        .unwrap_or_default()
}

/// Counts one use of a rate-limited action; answers "rate limited" once the key is over.
async fn count(state: &AppState, key: &str, window: i64, limit: i64, lockout: i64) -> Result<(), AppError> {
    check_throttle(state, key).await?;
    let now = state.now();
    match state.store.throttle_failure(key, now, window, limit, lockout).await? {
        Some(until) => Err(AppError::RateLimited { retry_after_secs: until - now }),
        None => Ok(()),
    }
}

pub struct CodeRequest {
    pub email: String,
    pub surname: String,
    pub name: String,
    pub birth_date: String,
}

/// Step 1. Validates the form, then, whatever matched, answers the same: a code is e-mailed
/// only when e-mail, surname, name and date of birth match a card with all three consents; a
/// card without them gets a letter saying what to do instead.
pub async fn request_code(state: &AppState, peer: IpAddr, req: CodeRequest, lang: Lang) -> Result<Email, AppError> {
    let mut problems = Vec::new();
    let email = Email::parse(&req.email);
    if req.email.trim().is_empty() {
        problems.push(("email", Problem::Required));
    } else if email.is_err() {
        problems.push(("email", Problem::Email));
    }
    for (field, value) in [("surname", &req.surname), ("name", &req.name)] {
        if value.trim().is_empty() {
            problems.push((field, Problem::Required));
        } else if value.chars().count() > 100 {
            problems.push((field, Problem::TooLong(100)));
        }
    }
    let birth = crate::kernel::time_fmt::parse_iso_date(&req.birth_date);
    if birth.is_none() {
        problems.push(("birth_date", if req.birth_date.trim().is_empty() { Problem::Required } else { Problem::Date }));
    }
    if !problems.is_empty() {
        return Err(AppError::Validation(
            problems
                .into_iter()
                .map(|(f, p)| crate::kernel::error::FieldError { field: f.into(), problem: p })
                .collect(),
        ));
    }
    let (email, birth) = (email.expect("checked"), birth.expect("checked"));
    count(
        state,
        &throttle_key("code-req-addr", &peer.to_string()),
        CODE_REQUEST_WINDOW_SECS,
        CODE_REQUESTS_PER_ADDRESS,
        CODE_REQUEST_WINDOW_SECS,
    )
    .await?;
    count(
        state,
        &throttle_key("code-req-email", email.as_str()),
        CODE_REQUEST_WINDOW_SECS,
        CODE_REQUESTS_PER_EMAIL,
        CODE_REQUEST_WINDOW_SECS,
    )
    .await?;

    let now = state.now();
    let candidates = state.store.registration_candidates(&email).await?;
    let matched = candidates.into_iter().find(|c| {
        names_match(&req.surname, &c.surname)
            && names_match(&req.name, &c.name)
            && c.birth_date == birth
            // The e-mail must be free, or already this card's own login.
            && c.email_account.is_none_or(|(_, card)| card == Some(c.card_id))
    });
    // The code is generated and hashed in every case, so a match takes no longer to answer.
    let code = generate_code();
    let code_hash = hash_password(code.clone()).await?;
    let t = lang.texts();
    let Some(card) = matched else {
        tracing::info!(event = "registration_no_match", "registration request matched no card");
        return Ok(email);
    };
    if !consents_complete(&card.consents) {
        state
            .store
            .outbox_enqueue(
                NewMail {
                    recipient: email.to_string(),
                    subject: t.onboarding().mail_no_consents_subject.into(),
                    body: t.onboarding().mail_no_consents_body.into(),
                },
                now,
            )
            .await?;
        return Ok(email);
    }
    let link = format!(
        "{}/register/code?email={}&code={}",
        state.config.public_url,
        crate::kernel::paths::percent_encode(email.as_str()),
        code
    );
    let mail = NewMail {
        recipient: email.to_string(),
        subject: t.onboarding().mail_code_subject.into(),
        // The code and its link are secrets: once sent, the outbox keeps neither.
        body: (t.onboarding().mail_code_body)(&secret(&display_code(&code)), &secret(&link)),
    };
    state
        .store
        .verification_code_issue(
            NewVerificationCode {
                card_id: card.card_id,
                email: email.clone(),
                code_hash,
                now,
                expires_at: now + CODE_TTL_SECS,
            },
            mail,
        )
        .await?;
    Ok(email)
}

pub struct CodeSubmission {
    pub email: String,
    pub code: String,
    pub password: String,
    pub password_again: String,
}

/// Step 2. Checks the password rules first (a mistake there costs no try), then the code; on
/// success sets the password, spends the code, ends the account's other sessions, mails a
/// notice and signs the person in (or asks for the second factor when the account has one).
pub async fn complete(state: &AppState, peer: IpAddr, sub: CodeSubmission, lang: Lang) -> Result<SignInStep, AppError> {
    let problem = match check_password(&sub.password, &sub.password_again) {
        Ok(()) => None,
        Err(PasswordProblem::TooShort) => Some(("password", Problem::PasswordTooShort)),
        Err(PasswordProblem::TooLong) => {
            Some(("password", Problem::TooLong(crate::features::onboarding::rules::PASSWORD_MAX_CHARS)))
        }
        Err(PasswordProblem::Common) => Some(("password", Problem::PasswordCommon)),
        Err(PasswordProblem::Mismatch) => Some(("password_again", Problem::PasswordMismatch)),
    };
    if sub.code.trim().is_empty() {
        return Err(AppError::field("code", Problem::Required));
    }
    if let Some((field, problem)) = problem {
        return Err(AppError::field(field, problem));
    }
    let by_address = throttle_key("code-try-addr", &peer.to_string());
    check_throttle(state, &by_address).await?;
    let now = state.now();
    let wrong = |state: &AppState| {
        let state = state.clone();
        let key = by_address.clone();
        async move {
            state
                .store
                .throttle_failure(&key, now, CODE_LOCKOUT_SECS, CODE_TRIES_PER_ADDRESS, CODE_LOCKOUT_SECS)
                .await?;
            Ok::<_, AppError>(())
        }
    };
    let (Ok(email), Some(code)) = (Email::parse(&sub.email), normalize_code(&sub.code)) else {
        wrong(state).await?;
        return Err(AppError::CodeInvalid);
    };
    let Some(live) = state.store.verification_code_live(&email, now).await? else {
        // Verify against the decoy so that "no code" answers as slowly as "wrong code".
        verify_password(code, None).await?;
        wrong(state).await?;
        return Err(AppError::CodeInvalid);
    };
    if !verify_password(code, Some(live.code_hash.clone())).await? {
        wrong(state).await?;
        let failures = state.store.verification_code_failed(live.id, CODE_MAX_FAILURES, now).await?;
        if failures >= CODE_MAX_FAILURES {
            tracing::warn!(event = "verification_code_voided", "verification code void after repeated wrong tries");
            return Err(AppError::CodeExhausted);
        }
        return Err(AppError::CodeInvalid);
    }
    let password_hash = hash_password(sub.password).await?;
    let t = lang.texts();
    let account_id = state
        .store
        .registration_complete(CompleteRegistration {
            code_id: live.id,
            card_id: live.card_id,
            email: email.clone(),
            password_hash,
            now,
            notice: NewMail {
                recipient: email.to_string(),
                subject: t.mail_password_set_subject.into(),
                body: t.mail_password_set_body.into(),
            },
            audit: AuditEntry::by(&Actor::newcomer(peer), now, "account.password_set").card(live.card_id),
        })
        .await?
        .ok_or(AppError::CodeInvalid)?;
    state.store.throttle_clear(&throttle_key("signin-email", email.as_str())).await.map_err(internal)?;
    // A reset by e-mail does not get past the second factor: with one on, its code comes next.
    let totp_on = state.store.totp_state(account_id).await?.is_some_and(|t| t.secret.is_some());
    if totp_on {
        crate::features::security::use_cases::start_second_step(state, account_id).await?;
        return Ok(SignInStep::SecondFactor);
    }
    auth::open_session(state, account_id, Some(live.card_id), peer).await?;
    Ok(SignInStep::Done)
}
