//! Attach codes: the front desk issues nine digits for a card; whoever enters them links the
//! card to their account (as their own, or as the ward of the guardian named at issue).

use crate::features::onboarding::store::{AttachCodeRecord, AttachOutcome, Contacts, NewAttachCode};
use crate::i18n::Lang;
use crate::kernel::error::AppError;
use crate::kernel::person::PhoneKind;
use crate::platform::auth::{check_throttle, token_hash};
use crate::platform::state::{AppState, ContactPriority};
use crate::platform::store::{Actor, AuditEntry, Channel, NewMail, SessionRecord};
use rand::Rng;
use std::net::IpAddr;

/// Wrong codes per account within an hour before it waits.
pub const ATTACH_TRIES_PER_ACCOUNT: i64 = 5;
pub const ATTACH_WINDOW_SECS: i64 = 60 * 60;
/// Wrong codes across all accounts within an hour that raise the alert.
pub const ATTACH_GLOBAL_ALERT: i64 = 100;

/// Nine digits as people type them: spaces and dashes allowed.
pub fn normalize_attach_code(typed: &str) -> Option<String> {
    let code: String = typed.chars().filter(|c| !c.is_whitespace() && *c != '-').collect();
    (code.len() == 9 && code.bytes().all(|b| b.is_ascii_digit())).then_some(code)
}

fn generate() -> String {
    format!("{:09}", rand::rngs::OsRng.gen_range(0..1_000_000_000u32))
}

fn grouped(code: &str) -> String {
    format!("{} {} {}", &code[..3], &code[3..6], &code[6..])
}

/// "+7 9** ***-45-67" / "a***@example.com": enough for the front desk to confirm the contact.
pub fn mask(channel: Channel, to: &str) -> String {
    match channel {
        Channel::Sms => {
            let digits: Vec<char> = to.chars().filter(char::is_ascii_digit).collect();
            let tail: String = digits.iter().rev().take(4).rev().collect();
            format!(
                "SMS +{}… {}-{}",
                digits.first().copied().unwrap_or('7'),
                &tail[..2.min(tail.len())],
                &tail[2.min(tail.len())..]
            )
        }
        Channel::Email => match to.split_once('@') {
            Some((local, domain)) => format!("{}***@{domain}", local.chars().next().unwrap_or('*')),
            None => "***".into(),
        },
    }
}

/// The contact a code goes to, by the configured priority.
pub fn pick_contact(contacts: &Contacts, priority: ContactPriority) -> Option<(Channel, String)> {
    let mobile =
        contacts.phone.clone().filter(|_| contacts.phone_kind == Some(PhoneKind::Mobile)).map(|p| (Channel::Sms, p));
    let email = contacts.email.clone().map(|e| (Channel::Email, e));
    match priority {
        ContactPriority::Phone => mobile.or(email),
        ContactPriority::Email => email.or(mobile),
    }
}

/// Issues a code for `card_id` (for its guardian with card `guardian_card_id`, if given) and
/// queues it to the right contact. Returns the masked destination.
pub async fn issue(
    state: &AppState,
    session: &SessionRecord,
    peer: IpAddr,
    card_id: i64,
    guardian_card_id: Option<i64>,
) -> Result<String, AppError> {
    state.store.card_get(card_id).await?.ok_or(AppError::NotFound)?;
    if let Some(g) = guardian_card_id {
        if g == card_id {
            return Err(AppError::field("guardian_card", crate::kernel::error::Problem::Required));
        }
    }
    let recipient_card = guardian_card_id.unwrap_or(card_id);
    let contacts = state
        .store
        .card_contacts(recipient_card)
        .await?
        .ok_or_else(|| AppError::field("guardian_card", crate::kernel::error::Problem::Required))?;
    // The head's settings, else the installation's defaults.
    let settings = crate::features::clinic::use_cases::settings(state).await?;
    let priority = if settings.contact_priority == "email" { ContactPriority::Email } else { ContactPriority::Phone };
    let (channel, to) = pick_contact(&contacts, priority).ok_or(AppError::NoContact)?;
    let code = generate();
    let hours = settings.attach_code_ttl_hours;
    let t = Lang::Ru.texts();
    // The code is a secret: once sent, the outbox keeps the message without it.
    let shown = crate::kernel::outbox::secret(&grouped(&code));
    let (subject, body) = match channel {
        Channel::Sms => (String::new(), (t.onboarding().sms_attach_body)(&shown, hours)),
        Channel::Email => {
            (t.onboarding().mail_attach_subject.to_string(), (t.onboarding().mail_attach_body)(&shown, hours))
        }
    };
    let now = state.now();
    state
        .store
        .attach_code_issue(NewAttachCode {
            card_id,
            guardian_card_id,
            code_hash: token_hash(&code),
            channel,
            message: NewMail { recipient: to.clone(), subject, body },
            now,
            expires_at: now + hours * 3600,
            audit: AuditEntry::by(&Actor::staff(session, peer), now, "card.attach_code")
                .card(card_id)
                .object(channel.as_str()),
        })
        .await?;
    Ok(mask(channel, &to))
}

async fn failure(state: &AppState, account_id: i64) -> Result<(), AppError> {
    let now = state.now();
    let key = format!("attach:{account_id}");
    let locked = state
        .store
        .throttle_failure(&key, now, ATTACH_WINDOW_SECS, ATTACH_TRIES_PER_ACCOUNT, ATTACH_WINDOW_SECS)
        .await?;
    // Failures across all accounts: many in an hour means someone is guessing at scale.
    if state.store.throttle_failure("attach:global", now, ATTACH_WINDOW_SECS, ATTACH_GLOBAL_ALERT, 1).await?.is_some() {
        tracing::error!(event = "attach_code_alert", "attach code failures across accounts reached the alert level");
    }
    if let Some(until) = locked {
        return Err(AppError::RateLimited { retry_after_secs: until - now });
    }
    Err(AppError::AttachCodeInvalid)
}

/// Links the card the code was issued for to the caller's account.
pub async fn redeem(state: &AppState, session: &SessionRecord, peer: IpAddr, typed: &str) -> Result<(), AppError> {
    check_throttle(state, &format!("attach:{}", session.account_id)).await?;
    let now = state.now();
    let live: Option<AttachCodeRecord> = match normalize_attach_code(typed) {
        Some(code) => state.store.attach_code_live(&token_hash(&code), now).await?,
        None => None,
    };
    let Some(code) = live else { return failure(state, session.account_id).await };
    let ward = code.guardian_card_id.is_some();
    let audit = AuditEntry::by(&Actor::in_profile(session, peer, ward), now, "card.attach").card(code.card_id);
    match state.store.attach_code_redeem(&code, session.account_id, now, audit).await? {
        AttachOutcome::Attached => Ok(()),
        AttachOutcome::Refused => failure(state, session.account_id).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_nine_digits_typed_any_way() {
        assert_eq!(normalize_attach_code("123 456-789").as_deref(), Some("123456789"));
        assert_eq!(normalize_attach_code("12345678"), None);
        assert_eq!(normalize_attach_code("12345678a"), None);
        let c = generate();
        assert_eq!(normalize_attach_code(&c).as_deref(), Some(c.as_str()));
        assert_eq!(grouped("123456789"), "123 456 789");
    }

    #[test]
    fn the_contact_follows_the_priority_with_the_other_as_fallback() {
        let both = Contacts {
            phone: Some("+79161234567".into()),
            phone_kind: Some(PhoneKind::Mobile),
            email: Some("a@example.com".into()),
        };
        assert_eq!(pick_contact(&both, ContactPriority::Phone).unwrap().0, Channel::Sms);
        assert_eq!(pick_contact(&both, ContactPriority::Email).unwrap().0, Channel::Email);
        let landline = Contacts { phone_kind: Some(PhoneKind::Landline), ..both.clone() };
        assert_eq!(pick_contact(&landline, ContactPriority::Phone).unwrap().0, Channel::Email);
        let phone_only = Contacts { email: None, ..both.clone() };
        assert_eq!(pick_contact(&phone_only, ContactPriority::Email).unwrap().0, Channel::Sms);
        let nothing = Contacts { phone: None, phone_kind: None, email: None };
        assert_eq!(pick_contact(&nothing, ContactPriority::Phone), None);
        assert_eq!(mask(Channel::Sms, "+79161234567"), "SMS +7… 45-67");
        assert_eq!(mask(Channel::Email, "anna@example.com"), "a***@example.com");
    }
}
