//! Patient cards as the front desk sees them.

use crate::features::onboarding::rules::ConsentKind;
use crate::kernel::person::Sex;
use serde::{Deserialize, Serialize};
use time::Date;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardSummary {
    pub id: i64,
    pub full_name: String,
    pub birth_date: Date,
    pub email: Option<String>,
    pub consents_complete: bool,
    pub has_account: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentView {
    pub kind: ConsentKind,
    pub signed_on: Date,
    pub text_version: String,
    pub email: Option<String>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefusalsView {
    pub pd_processing: bool,
    pub notifications: bool,
    pub advertising: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardDetail {
    pub id: i64,
    pub full_name: String,
    pub birth_date: Date,
    pub sex: Sex,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub refusals: RefusalsView,
    pub consents: Vec<ConsentView>,
    pub consents_complete: bool,
    pub invited_at: Option<i64>,
    pub account_email: Option<String>,
    /// Today in the clinic's time zone: the default date of signing.
    pub clinic_today: Date,
}

impl CardDetail {
    pub fn consent(&self, kind: ConsentKind) -> Option<&ConsentView> {
        self.consents.iter().find(|c| c.kind == kind)
    }
}
