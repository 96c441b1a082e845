//! What the Account page shows.

use crate::features::cards::rules::{ConsentView, RefusalsView};
use crate::kernel::account::ActorRole;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardContacts {
    pub full_name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnrolmentView {
    /// The key grouped by four for typing.
    pub key: String,
    /// The otpauth:// URL as a QR code, an SVG made on the server.
    pub qr_svg: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionView {
    pub id: i64,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub origin: String,
    pub user_agent: String,
    pub current: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct JournalView {
    pub at: i64,
    pub actor_role: ActorRole,
    pub staff_name: Option<String>,
    pub action: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountPage {
    pub login_email: String,
    /// The active profile's card (own or a ward's), if the account has one.
    pub card: Option<CardContacts>,
    pub consents: Vec<ConsentView>,
    pub refusals: Option<RefusalsView>,
    pub totp_enabled: bool,
    pub recovery_codes_left: i64,
    pub enrolment: Option<EnrolmentView>,
    /// Shown once, right after the second factor was turned on.
    pub fresh_recovery_codes: Vec<String>,
    pub sessions: Vec<SessionView>,
    pub journal: Vec<JournalView>,
    pub is_staff: bool,
    pub staff_totp_required: bool,
    /// The head, in a demo installation.
    pub can_change_staff_totp: bool,
}
