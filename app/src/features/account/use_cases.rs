//! The Account page's use cases: what it shows, and the patient's own refusals.

use crate::features::account::rules::{AccountPage, CardContacts, EnrolmentView, JournalView, SessionView};
use crate::features::cards::rules::{ConsentView, RefusalsView};
use crate::features::onboarding::store::Refusals;
use crate::features::security::rules::display_recovery_code;
use crate::features::security::use_cases::pending_enrolment;
use crate::kernel::account::Role;
use crate::kernel::error::AppError;
use crate::kernel::person::FullName;
use crate::platform::auth::SESSION_IDLE_SECS;
use crate::platform::profiles;
use crate::platform::state::AppState;
use crate::platform::store::{Actor, AuditEntry, SessionRecord};
use std::net::IpAddr;

/// An SVG of `text` as a QR code (medium error correction), drawn as one path.
pub fn qr_svg(text: &str) -> Option<String> {
    let qr = qrcodegen::QrCode::encode_text(text, qrcodegen::QrCodeEcc::Medium).ok()?;
    let border = 4;
    let size = qr.size();
    let mut path = String::new();
    for y in 0..size {
        for x in 0..size {
            if qr.get_module(x, y) {
                path.push_str(&format!("M{},{}h1v1h-1z", x + border, y + border));
            }
        }
    }
    let dim = size + border * 2;
    Some(format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {dim} {dim}" width="200" height="200" role="img" aria-label="QR"><rect width="100%" height="100%" fill="#fff"/><path d="{path}" fill="#000"/></svg>"##
    ))
}

pub async fn page(state: &AppState, session: &SessionRecord) -> Result<AccountPage, AppError> {
    let me = profiles::me(state, session).await?;
    let totp = state.store.totp_state(session.account_id).await?.ok_or(AppError::NotFound)?;
    let card = match me.active_card_id {
        Some(id) => state.store.card_get(id).await?,
        None => None,
    };
    let enrolment = pending_enrolment(state, session).await?.map(|e| EnrolmentView {
        key: e
            .secret_b32
            .as_bytes()
            .chunks(4)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect::<Vec<_>>()
            .join(" "),
        qr_svg: qr_svg(&e.otpauth_url).unwrap_or_default(),
    });
    let now = state.now();
    let fresh = state
        .store
        .recovery_reveal_get(session.session_id, now)
        .await?
        .map(|codes| codes.split_whitespace().map(display_recovery_code).collect())
        .unwrap_or_default();
    let sessions = state
        .store
        .sessions_of(session.account_id, now, now - SESSION_IDLE_SECS)
        .await?
        .into_iter()
        .map(|s| SessionView {
            current: s.id == session.session_id,
            id: s.id,
            created_at: s.created_at,
            last_seen_at: s.last_seen_at,
            origin: s.origin,
            user_agent: s.user_agent,
        })
        .collect();
    // In a ward's profile the guardian sees nothing of the minor's own-consent care, so no
    // journal line about it either (not even that something happened).
    let hidden = match me.active_profile() {
        Some(p) if p.is_ward => state.store.own_consent_objects(p.card_id).await?,
        _ => Vec::new(),
    };
    let journal = match &card {
        Some(c) => state
            .store
            .access_journal(c.card_id, 50)
            .await?
            .into_iter()
            .filter(|l| l.object.as_ref().is_none_or(|o| !hidden.contains(o)))
            .map(|l| JournalView {
                at: l.at,
                actor_role: l.actor_role,
                staff_name: l.actor_staff_name,
                action: l.action,
            })
            .collect(),
        None => Vec::new(),
    };
    let staff_totp_required = state.store.staff_totp_required().await?;
    Ok(AccountPage {
        login_email: totp.email,
        consents: card
            .as_ref()
            .map(|c| {
                c.consents
                    .iter()
                    .map(|k| ConsentView {
                        kind: k.kind,
                        signed_on: k.signed_on,
                        text_version: k.text_version.clone(),
                        email: k.email.clone(),
                    })
                    .collect()
            })
            .unwrap_or_default(),
        refusals: card.as_ref().map(|c| RefusalsView {
            pd_processing: c.refusals.pd_processing,
            notifications: c.refusals.notifications,
            advertising: c.refusals.advertising,
        }),
        card: card.map(|c| CardContacts {
            full_name: FullName { surname: c.surname, name: c.name, patronymic: c.patronymic }.full(),
            phone: c.phone,
            email: c.email,
        }),
        totp_enabled: totp.secret.is_some(),
        recovery_codes_left: totp.recovery_codes_left,
        enrolment,
        fresh_recovery_codes: fresh,
        sessions,
        journal,
        is_staff: session.roles.is_staff(),
        staff_totp_required,
        can_change_staff_totp: state.config.demo && session.roles.has(Role::Head),
    })
}

/// The active profile's refusals of notifications and advertising; journalled.
pub async fn set_refusals(
    state: &AppState,
    session: &SessionRecord,
    peer: IpAddr,
    notifications: bool,
    advertising: bool,
) -> Result<(), AppError> {
    let me = profiles::me(state, session).await?;
    let card_id = me.active_card_id.ok_or(AppError::NotFound)?;
    let card = state.store.card_get(card_id).await?.ok_or(AppError::NotFound)?;
    let ward = Some(card_id) != session.own_card_id;
    let audit = AuditEntry::by(&Actor::in_profile(session, peer, ward), state.now(), "card.refusals")
        .card(card_id)
        .object(format!("notifications={notifications},advertising={advertising}"));
    let refusals = Refusals { pd_processing: card.refusals.pd_processing, notifications, advertising };
    state.store.refusals_set(card_id, refusals, audit).await?;
    Ok(())
}

pub async fn set_staff_totp(
    state: &AppState,
    session: &SessionRecord,
    peer: IpAddr,
    required: bool,
) -> Result<(), AppError> {
    if !(state.config.demo && session.roles.has(Role::Head)) {
        return Err(AppError::Forbidden);
    }
    let audit =
        AuditEntry::by(&Actor::staff(session, peer), state.now(), "clinic.staff_totp").object(required.to_string());
    state.store.set_staff_totp_required(required, audit).await?;
    Ok(())
}
