//! Signing in: e-mail and password, throttled per address and per e-mail, then the second
//! factor (security) or a new session (`platform::auth::open_session`).

use crate::features::onboarding::rules::consents_complete;
use crate::kernel::email::Email;
use crate::kernel::error::AppError;
use crate::platform::auth::{check_throttle, open_session, throttle_key, verify_password};
use crate::platform::state::AppState;
use std::net::IpAddr;

/// Sign-in throttling per peer address: a lock after many failures within the window.
pub const SIGN_IN_WINDOW_SECS: i64 = 15 * 60;
pub const SIGN_IN_LIMIT_PER_ADDRESS: i64 = 20;
pub const SIGN_IN_LOCKOUT_SECS: i64 = 15 * 60;
/// Per e-mail there is no lock an attacker could impose on the owner (NIST SP 800-63B-4
/// § 3.2.2): after the free failures each further one makes the next attempt wait, 1 s
/// doubling up to 15 min; the owner is told once per episode and can always set a new password
/// by e-mail, which signs them in and ends the episode. A day after it began the count restarts.
pub const SIGN_IN_FREE_FAILURES_PER_EMAIL: i64 = 5;
pub const SIGN_IN_EMAIL_WINDOW_SECS: i64 = 24 * 60 * 60;
pub const SIGN_IN_MAX_DELAY_SECS: i64 = 15 * 60;

/// How long the next sign-in for an e-mail waits after its `failures`-th failure in a row.
pub fn sign_in_delay(failures: i64) -> i64 {
    if failures < SIGN_IN_FREE_FAILURES_PER_EMAIL {
        return 0;
    }
    let doublings = (failures - SIGN_IN_FREE_FAILURES_PER_EMAIL).min(30);
    (1_i64 << doublings).min(SIGN_IN_MAX_DELAY_SECS)
}

/// What a right password leads to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignInStep {
    /// Signed in.
    Done,
    /// The account has a second factor: its code comes next.
    SecondFactor,
}

/// Checks e-mail and password, and on success opens a new session and sets its cookie.
/// Every failure answers `SignInFailed`, whatever was wrong.
pub async fn sign_in(state: &AppState, peer: IpAddr, email: &str, password: String) -> Result<SignInStep, AppError> {
    let by_address = throttle_key("signin-addr", &peer.to_string());
    let email_norm = email.trim().to_lowercase();
    let by_email = throttle_key("signin-email", &email_norm);
    check_throttle(state, &by_address).await?;
    check_throttle(state, &by_email).await?;

    let parsed = Email::parse(email).ok();
    let record = match &parsed {
        Some(e) => state.store.sign_in_record(e).await?,
        None => None,
    };
    let (account, phc) = match record {
        Some(r) => (Some((r.account_id, r.own_card_id, r.totp_enabled, r.is_staff)), Some(r.password_hash)),
        None => (None, None),
    };
    let known = account.is_some();
    let ok = verify_password(password, phc).await?;
    let now = state.now();
    let Some((account_id, own_card_id, totp_enabled, is_staff)) = account.filter(|_| ok) else {
        let store = &state.store;
        store
            .throttle_failure(&by_address, now, SIGN_IN_WINDOW_SECS, SIGN_IN_LIMIT_PER_ADDRESS, SIGN_IN_LOCKOUT_SECS)
            .await?;
        let failures = store.throttle_count(&by_email, now, SIGN_IN_EMAIL_WINDOW_SECS).await?;
        if failures == SIGN_IN_FREE_FAILURES_PER_EMAIL {
            if let Some(owner) = parsed.filter(|_| known) {
                // The request's language is the one of whoever typed; the account keeps none, so
                // the clinic's default language it is.
                let t = crate::i18n::Lang::default().texts();
                let notice = crate::platform::store::NewMail {
                    recipient: owner.to_string(),
                    subject: t.mail_sign_in_slowed_subject.into(),
                    body: t.mail_sign_in_slowed_body.into(),
                };
                store.outbox_enqueue(notice, now).await?;
            }
        }
        let delay = sign_in_delay(failures);
        if delay > 0 {
            store.throttle_lock(&by_email, now + delay).await?;
            tracing::warn!(
                event = "sign_in_slowed",
                failures,
                delay,
                "sign-in for an e-mail slowed after repeated failures"
            );
            return Err(AppError::RateLimited { retry_after_secs: delay });
        }
        return Err(AppError::SignInFailed);
    };
    state.store.throttle_clear(&by_email).await?;
    // A card without its three consents cannot open the cabinet (staff still reach their area).
    if let Some(card_id) = own_card_id.filter(|_| !is_staff) {
        if !consents_complete(&state.store.card_consents(card_id).await?) {
            return Err(AppError::ConsentsMissing);
        }
    }
    if totp_enabled {
        crate::features::security::use_cases::start_second_step(state, account_id).await?;
        return Ok(SignInStep::SecondFactor);
    }
    open_session(state, account_id, own_card_id, peer).await?;
    Ok(SignInStep::Done)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_in_delays_start_after_the_free_failures_and_double_up_to_a_quarter_hour() {
        let delays: Vec<i64> = (1..=16).map(sign_in_delay).collect();
        assert_eq!(delays, [0, 0, 0, 0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900]);
        assert_eq!(sign_in_delay(10_000), SIGN_IN_MAX_DELAY_SECS);
    }
}
