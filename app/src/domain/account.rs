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
    pub fn can_manage_cards(&self) -> bool {
        self.has(Role::Registrar) || self.has(Role::Head)
    }
    /// Reading protocols, and so uploading and sending documents: clinicians and the head.
    pub fn can_read_protocols(&self) -> bool {
        self.has(Role::Clinician) || self.has(Role::Head)
    }
    /// Online booking settings, schedules and the appointment book: the front desk and the head.
    pub fn can_manage_booking(&self) -> bool {
        self.has(Role::Registrar) || self.has(Role::Head)
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
}
