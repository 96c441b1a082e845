//! The journal's one way in. An `Actor` says who acts and, by one rule, in which role; a line
//! is `AuditEntry::by(actor, at, action)` with the card and the object set where there are
//! ones. Every use case builds its lines here, so one person is never journalled under two
//! names (the head is "head" in documents as in booking).

use super::store::SessionRecord;
use crate::kernel::account::ActorRole;
use std::net::IpAddr;

/// Who does something, for the card's journal and an appointment's history.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor {
    pub account_id: Option<i64>,
    pub role: ActorRole,
    /// The peer address, or the worker's name.
    pub origin: String,
}

impl Actor {
    /// Staff at work, named by their account's role (`Roles::journal_role`: the head as the
    /// head). Staff functions check the roles first, so an account without one does not get
    /// here; were it to, it is journalled as the account holder rather than as staff.
    pub fn staff(session: &SessionRecord, peer: IpAddr) -> Self {
        let role = session.roles.journal_role().map_or(ActorRole::AccountHolder, ActorRole::Staff);
        Actor { account_id: Some(session.account_id), role, origin: peer.to_string() }
    }

    /// Someone acting in a patient's profile: the patient in their own, the guardian in a
    /// ward's (`ward`).
    pub fn in_profile(session: &SessionRecord, peer: IpAddr, ward: bool) -> Self {
        Actor { account_id: Some(session.account_id), role: ActorRole::in_profile(ward), origin: peer.to_string() }
    }

    /// Someone about their own account (signing in, password, second factor, e-mail), whoever
    /// they are.
    pub fn account_holder(account_id: i64, peer: IpAddr) -> Self {
        Actor { account_id: Some(account_id), role: ActorRole::AccountHolder, origin: peer.to_string() }
    }

    /// A patient completing their registration: there is no account yet.
    pub fn newcomer(peer: IpAddr) -> Self {
        Actor { account_id: None, role: ActorRole::Patient, origin: peer.to_string() }
    }

    /// The portal itself; `origin` names the worker.
    pub fn system(origin: &str) -> Self {
        Actor { account_id: None, role: ActorRole::System, origin: origin.into() }
    }
}

/// One line of the append-only audit journal. Ids only, never personal data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditEntry {
    pub at: i64,
    pub actor_account_id: Option<i64>,
    pub actor_role: ActorRole,
    pub card_id: Option<i64>,
    pub action: String,
    pub object: Option<String>,
    pub origin: String,
    /// What changed, "before → after", for administrative changes the admin journal shows.
    pub detail: Option<String>,
}

impl AuditEntry {
    /// `actor` did `action` at `at`.
    pub fn by(actor: &Actor, at: i64, action: &str) -> Self {
        AuditEntry {
            at,
            actor_account_id: actor.account_id,
            actor_role: actor.role,
            card_id: None,
            action: action.into(),
            object: None,
            origin: actor.origin.clone(),
            detail: None,
        }
    }

    /// The card it was done in (or none).
    pub fn card(self, card_id: impl Into<Option<i64>>) -> Self {
        AuditEntry { card_id: card_id.into(), ..self }
    }

    /// What it was done to ("record:12", "upload:3", "file:7"...).
    pub fn object(self, object: impl Into<String>) -> Self {
        AuditEntry { object: Some(object.into()), ..self }
    }

    /// What changed ("72 ч → 2 ч"; "добавлено 12, изменено 3").
    pub fn detail(self, detail: impl Into<String>) -> Self {
        AuditEntry { detail: Some(detail.into()), ..self }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernel::account::{Role, Roles};

    fn session(roles: &[Role]) -> SessionRecord {
        SessionRecord {
            session_id: 1,
            account_id: 7,
            own_card_id: Some(3),
            active_card_id: Some(3),
            roles: Roles(roles.to_vec()),
            totp_enabled: true,
            staff_totp_required: true,
        }
    }

    #[test]
    fn a_head_who_is_also_a_clinician_is_journalled_as_the_head() {
        let peer: IpAddr = "10.0.0.1".parse().unwrap();
        let line = AuditEntry::by(&Actor::staff(&session(&[Role::Clinician, Role::Head]), peer), 5, "document.upload")
            .card(3)
            .object("upload");
        assert_eq!(line.actor_role, ActorRole::Staff(Role::Head));
        assert_eq!(line.actor_role.as_str(), "head");
        assert_eq!(
            (line.actor_account_id, line.card_id, line.object.as_deref(), line.origin.as_str()),
            (Some(7), Some(3), Some("upload"), "10.0.0.1")
        );
    }

    #[test]
    fn in_a_profile_the_actor_is_the_patient_or_the_guardian_whatever_their_staff_roles() {
        let peer: IpAddr = "10.0.0.1".parse().unwrap();
        let head = session(&[Role::Head]);
        assert_eq!(Actor::in_profile(&head, peer, false).role, ActorRole::Patient);
        assert_eq!(Actor::in_profile(&head, peer, true).role, ActorRole::Guardian);
        assert_eq!(Actor::account_holder(7, peer).role, ActorRole::AccountHolder);
        assert_eq!(AuditEntry::by(&Actor::system("worker"), 1, "document.delivered").card(None).card_id, None);
    }
}
