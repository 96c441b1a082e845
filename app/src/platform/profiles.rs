//! Family profiles: which cards a signed-in person may act as, today.

use crate::kernel::account::{Me, Profile};
use crate::kernel::error::AppError;
use crate::kernel::person::{guardianship_is_valid, FullName};
use crate::kernel::time_fmt::local_date;
use crate::platform::auth::internal;
use crate::platform::state::AppState;
use crate::platform::store::{Actor, AuditEntry, CardBrief, SessionRecord};
use std::net::IpAddr;

fn full_name(card: &CardBrief) -> FullName {
    FullName { surname: card.surname.clone(), name: card.name.clone(), patronymic: card.patronymic.clone() }
}

/// The person, their profiles (own card, then wards whose guardianship holds today) and the
/// one they act as. An active card that is no longer allowed falls back to the own card, so a
/// revoked or expired guardianship ends at once, also in open sessions.
pub async fn me(state: &AppState, session: &SessionRecord) -> Result<Me, AppError> {
    let overview = state.store.account_overview(session.account_id).await?;
    let today = local_date(state.now(), state.utc_offset());
    let mut profiles = Vec::new();
    if let Some(own) = &overview.own_card {
        profiles.push(Profile { card_id: own.card_id, name: full_name(own).full(), is_ward: false });
    }
    for ward in overview.wards.iter().filter(|w| guardianship_is_valid(w.birth_date, w.incapacitated, today)) {
        profiles.push(Profile { card_id: ward.card_id, name: full_name(ward).full(), is_ward: true });
    }
    let display_name = overview
        .staff_name
        .clone()
        .or_else(|| overview.own_card.as_ref().map(|c| full_name(c).short()))
        .ok_or_else(|| internal(format!("account {} has neither card nor staff record", session.account_id)))?;
    let active_card_id = session
        .active_card_id
        .filter(|id| profiles.iter().any(|p| p.card_id == *id))
        .or_else(|| profiles.first().map(|p| p.card_id));
    Ok(Me {
        display_name,
        roles: session.roles.clone(),
        profiles,
        active_card_id,
        clinic: state.config.clinic.card(),
        hidden_tabs: state.config.clinic.hidden_tabs(),
        unread_messages: 0,
    })
}

/// Switches the session to `card_id` if it is one of the caller's profiles. Unknown and
/// forbidden cards get the same `NotFound`. Opening a card is journalled.
pub async fn switch(state: &AppState, session: &SessionRecord, peer: IpAddr, card_id: i64) -> Result<(), AppError> {
    let me = me(state, session).await?;
    let profile = me.profiles.iter().find(|p| p.card_id == card_id).ok_or(AppError::NotFound)?;
    state.store.set_active_card(session.session_id, card_id).await?;
    state
        .store
        .audit(
            AuditEntry::by(&Actor::in_profile(session, peer, profile.is_ward), state.now(), "card.open")
                .card(profile.card_id)
                .object("profile"),
        )
        .await?;
    Ok(())
}
