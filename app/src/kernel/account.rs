//! Who is signed in, and what their roles let them do.

use serde::{Deserialize, Serialize};

/// A clinic staff role. A staff member may hold several.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Role {
    Clinician,
    Registrar,
    Editor,
    Head,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Clinician, Role::Registrar, Role::Editor, Role::Head];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Clinician => "clinician",
            Role::Registrar => "registrar",
            Role::Editor => "editor",
            Role::Head => "head",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// What a signed-in person may do, derived from their roles. One place decides, so the UI (which
/// hides what cannot be done) and the server (which refuses it) never disagree.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Roles(pub Vec<Role>);

impl Roles {
    pub fn has(&self, role: Role) -> bool {
        self.0.contains(&role)
    }
    pub fn is_staff(&self) -> bool {
        !self.0.is_empty()
    }
    /// Writing, scheduling and withdrawing news: editors and the head.
    pub fn can_manage_news(&self) -> bool {
        self.has(Role::Editor) || self.has(Role::Head)
    }
    /// The front desk's work: cards, consents, invitations.
    /// The price list and its tariff plans: the editors (who keep the clinic's texts) and the head.
    pub fn can_manage_prices(&self) -> bool {
        self.has(Role::Editor) || self.has(Role::Head)
    }

    pub fn can_manage_cards(&self) -> bool {
        self.has(Role::Registrar) || self.has(Role::Head)
    }
    /// Reading protocols, and so uploading and sending documents: clinicians and the head.
    pub fn can_read_protocols(&self) -> bool {
        self.has(Role::Clinician) || self.has(Role::Head)
    }
    /// Patients' messages: doctors (their own dialogues) and the front desk and the head (the
    /// desk's).
    pub fn can_answer_messages(&self) -> bool {
        self.has(Role::Clinician) || self.has(Role::Registrar) || self.has(Role::Head)
    }
    /// Online booking settings, schedules and the appointment book: the front desk and the head.
    pub fn can_manage_booking(&self) -> bool {
        self.has(Role::Registrar) || self.has(Role::Head)
    }
    /// The role the journal names staff by, whatever they are doing: the head as the head,
    /// anyone else by the first role they hold (clinician, registrar, editor). The one rule,
    /// so that one person is never journalled under two names.
    pub fn journal_role(&self) -> Option<Role> {
        if self.has(Role::Head) {
            return Some(Role::Head);
        }
        Role::ALL.into_iter().find(|r| self.has(*r))
    }
}

/// Who a journal line says acted (SPEC.md [004]: who, what, which card, when, from where).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ActorRole {
    /// The card's own patient.
    Patient,
    /// A guardian acting for a ward.
    Guardian,
    /// Clinic staff, in the role `Roles::journal_role` names.
    Staff(Role),
    /// Someone about their own account (signing in, password, second factor, e-mail).
    AccountHolder,
    /// The clinic's information system, through the integration API.
    Integration,
    /// The portal itself (the delivery worker).
    System,
}

impl ActorRole {
    /// The stored form (the journal's `actor_role` column).
    pub fn as_str(self) -> &'static str {
        match self {
            ActorRole::Patient => "patient",
            ActorRole::Guardian => "guardian",
            ActorRole::Staff(r) => r.as_str(),
            ActorRole::AccountHolder => "account",
            ActorRole::Integration => "integration",
            ActorRole::System => "system",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "patient" => Some(ActorRole::Patient),
            "guardian" => Some(ActorRole::Guardian),
            "account" => Some(ActorRole::AccountHolder),
            "integration" => Some(ActorRole::Integration),
            "system" => Some(ActorRole::System),
            other => Role::parse(other).map(ActorRole::Staff),
        }
    }

    /// Acting in a patient's profile: the patient in their own, the guardian in a ward's.
    pub fn in_profile(is_ward: bool) -> Self {
        if is_ward {
            ActorRole::Guardian
        } else {
            ActorRole::Patient
        }
    }
}

/// One profile a person can act as: their own card or a ward's.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    pub card_id: i64,
    pub name: String,
    pub is_ward: bool,
}

/// The signed-in person as the pages see them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    pub display_name: String,
    pub roles: Roles,
    /// Own profile first, then wards in guardianship that is valid today.
    pub profiles: Vec<Profile>,
    pub active_card_id: Option<i64>,
    /// The clinic, as the foot of every page names it (none until the head sets its details).
    pub clinic: Option<ClinicCard>,
    /// The cabinet's tabs the clinic hides: the navigation leaves them out.
    pub hidden_tabs: crate::kernel::tabs::HiddenTabs,
    /// Unread messages and broadcasts of the active profile (the «Сообщения» tab's badge).
    pub unread_messages: i64,
}

/// The clinic's name, address and phone, as patients see them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClinicCard {
    pub name: String,
    pub address: String,
    pub phone: String,
}

impl Me {
    pub fn active_profile(&self) -> Option<&Profile> {
        self.active_card_id.and_then(|id| self.profiles.iter().find(|p| p.card_id == id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_editors_and_the_head_manage_news() {
        assert!(Roles(vec![Role::Editor]).can_manage_news());
        assert!(Roles(vec![Role::Head]).can_manage_news());
        assert!(!Roles(vec![Role::Clinician, Role::Registrar]).can_manage_news());
        assert!(!Roles::default().can_manage_news());
    }

    #[test]
    fn roles_round_trip_through_their_names() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        assert_eq!(Role::parse("admin"), None);
    }

    #[test]
    fn the_head_is_journalled_as_the_head_whatever_else_they_are() {
        let cases = [
            (vec![Role::Clinician, Role::Head], Some(Role::Head)),
            (vec![Role::Head, Role::Registrar], Some(Role::Head)),
            (vec![Role::Clinician], Some(Role::Clinician)),
            (vec![Role::Registrar], Some(Role::Registrar)),
            (vec![Role::Editor], Some(Role::Editor)),
            (vec![Role::Registrar, Role::Clinician], Some(Role::Clinician)),
            (vec![], None),
        ];
        for (roles, journalled) in cases {
            assert_eq!(Roles(roles.clone()).journal_role(), journalled, "{roles:?}");
        }
    }

    #[test]
    fn actor_roles_round_trip_through_their_stored_names() {
        let all = [
            ActorRole::Patient,
            ActorRole::Guardian,
            ActorRole::AccountHolder,
            ActorRole::Integration,
            ActorRole::System,
        ]
        .into_iter()
        .chain(Role::ALL.map(ActorRole::Staff));
        for r in all {
            assert_eq!(ActorRole::parse(r.as_str()), Some(r));
        }
        assert_eq!(ActorRole::parse("admin"), None);
        assert_eq!(ActorRole::parse(""), None);
    }
}
