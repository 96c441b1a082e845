//! Clinic administration's server functions. The welcome page's are public: the person is not
//! signed in yet, and the link's token is what they hold.
// A server function's arguments are its form's fields: the settings form has eight.
#![allow(clippy::too_many_arguments)]

use crate::kernel::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::features::clinic::use_cases;
#[cfg(feature = "ssr")]
use crate::platform::auth;
#[cfg(feature = "ssr")]
use crate::platform::server_fn::with_error_status;
#[cfg(feature = "ssr")]
use crate::platform::state::use_state;

/// Whom a welcome link invites, as the page greets them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invitation {
    pub name: String,
    pub email: String,
}

/// The invitation a welcome link's token names; `LinkInvalid` when it does not work.
#[server(prefix = "/rpc", endpoint = "staff_invitation")]
pub async fn staff_invitation(token: String) -> Result<Invitation, AppError> {
    with_error_status(
        async {
            let state = use_state()?;
            let i = use_cases::invitation(&state, &token).await?;
            Ok(Invitation { name: i.staff_name, email: i.email })
        }
        .await,
    )
}

/// Sets the invited staff member's password and signs them in; on to the account page, where
/// the second factor is turned on.
#[server(prefix = "/rpc", endpoint = "accept_staff_invite")]
pub async fn accept_staff_invite(token: String, password: String, password_again: String) -> Result<(), AppError> {
    with_error_status(
        async {
            let state = use_state()?;
            let peer = auth::request_context()?.peer;
            use_cases::accept(&state, peer, &token, password, &password_again).await?;
            leptos_axum::redirect("/account");
            Ok(())
        }
        .await,
    )
}

/// The clinic's details, for the head's form.
#[server(prefix = "/rpc", endpoint = "clinic_details")]
pub async fn get_clinic_details() -> Result<super::rules::ClinicDetails, AppError> {
    with_error_status(
        async {
            auth::require_staff(|r| r.has(crate::kernel::account::Role::Head))?;
            use_cases::details(&use_state()?).await
        }
        .await,
    )
}

/// Sets the clinic's details (the head); back to the staff area.
#[server(prefix = "/rpc", endpoint = "save_clinic_details")]
pub async fn save_clinic_details(
    name: String,
    address: String,
    phone: String,
    utc_offset: String,
) -> Result<(), AppError> {
    with_error_status(
        async {
            let session = auth::require_staff(|r| r.has(crate::kernel::account::Role::Head))?;
            let peer = auth::request_context()?.peer;
            let form = use_cases::DetailsForm { name, address, phone, utc_offset };
            use_cases::save_details(&use_state()?, &session, peer, form).await?;
            leptos_axum::redirect("/staff");
            Ok(())
        }
        .await,
    )
}

/// A staff member as the head's list shows them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffRow {
    pub staff_id: i64,
    pub name: String,
    pub email: Option<String>,
    pub roles: crate::kernel::account::Roles,
    pub active: bool,
    pub invited: bool,
    pub last_sign_in: Option<i64>,
}

#[cfg(feature = "ssr")]
fn require_head() -> Result<crate::platform::store::SessionRecord, AppError> {
    auth::require_staff(|r| r.has(crate::kernel::account::Role::Head))
}

/// The clinic's staff (the head).
#[server(prefix = "/rpc", endpoint = "staff_team")]
pub async fn get_team() -> Result<Vec<StaffRow>, AppError> {
    with_error_status(
        async {
            require_head()?;
            let team = use_cases::team(&use_state()?).await?;
            Ok(team
                .into_iter()
                .map(|s| StaffRow {
                    staff_id: s.staff_id,
                    name: s.name,
                    email: s.email,
                    roles: s.roles,
                    active: s.active,
                    invited: s.invited,
                    last_sign_in: s.last_sign_in,
                })
                .collect())
        }
        .await,
    )
}

/// Invites a staff member by e-mail with the ticked roles (the head).
#[server(prefix = "/rpc", endpoint = "invite_staff")]
pub async fn invite_staff(
    email: String,
    name: String,
    clinician: Option<String>,
    registrar: Option<String>,
    editor: Option<String>,
    head: Option<String>,
) -> Result<(), AppError> {
    with_error_status(
        async {
            let session = require_head()?;
            let peer = auth::request_context()?.peer;
            let roles = [clinician.is_some(), registrar.is_some(), editor.is_some(), head.is_some()];
            use_cases::invite(&use_state()?, &session, peer, use_cases::InviteForm { email, name, roles }).await?;
            leptos_axum::redirect("/staff/team?invited=1");
            Ok(())
        }
        .await,
    )
}

/// Invites a doctor whose profile has no account yet, by e-mail (the head).
#[server(prefix = "/rpc", endpoint = "invite_doctor")]
pub async fn invite_doctor(staff_id: i64, doctor_email: String) -> Result<(), AppError> {
    with_error_status(
        async {
            let session = require_head()?;
            let peer = auth::request_context()?.peer;
            use_cases::invite_doctor(&use_state()?, &session, peer, staff_id, &doctor_email).await?;
            leptos_axum::redirect("/staff/team?invited=1");
            Ok(())
        }
        .await,
    )
}

/// Replaces a staff member's roles (the head).
#[server(prefix = "/rpc", endpoint = "set_staff_roles")]
pub async fn set_staff_roles(
    staff_id: i64,
    clinician: Option<String>,
    registrar: Option<String>,
    editor: Option<String>,
    head: Option<String>,
) -> Result<(), AppError> {
    with_error_status(
        async {
            let session = require_head()?;
            let peer = auth::request_context()?.peer;
            let roles = [clinician.is_some(), registrar.is_some(), editor.is_some(), head.is_some()];
            use_cases::set_roles(&use_state()?, &session, peer, staff_id, roles).await?;
            leptos_axum::redirect("/staff/team");
            Ok(())
        }
        .await,
    )
}

/// Deactivates a staff member's account (the head).
#[server(prefix = "/rpc", endpoint = "deactivate_staff")]
pub async fn deactivate_staff(staff_id: i64) -> Result<(), AppError> {
    with_error_status(
        async {
            let session = require_head()?;
            let peer = auth::request_context()?.peer;
            use_cases::deactivate(&use_state()?, &session, peer, staff_id).await?;
            leptos_axum::redirect("/staff/team");
            Ok(())
        }
        .await,
    )
}

/// Sends an invited staff member a new link (the head).
#[server(prefix = "/rpc", endpoint = "renew_staff_invite")]
pub async fn renew_staff_invite(staff_id: i64) -> Result<(), AppError> {
    with_error_status(
        async {
            let session = require_head()?;
            let peer = auth::request_context()?.peer;
            use_cases::renew_invite(&use_state()?, &session, peer, staff_id).await?;
            leptos_axum::redirect("/staff/team?invited=1");
            Ok(())
        }
        .await,
    )
}

/// Branches are the head's and the front desk's (who keep the schedules).
#[cfg(feature = "ssr")]
fn require_branch_keeper() -> Result<crate::platform::store::SessionRecord, AppError> {
    auth::require_staff(crate::kernel::account::Roles::can_manage_booking)
}

/// The clinic's branches (the head, the front desk).
#[server(prefix = "/rpc", endpoint = "branches")]
pub async fn get_branches() -> Result<Vec<super::rules::BranchRecord>, AppError> {
    with_error_status(
        async {
            require_branch_keeper()?;
            use_cases::branches(&use_state()?).await
        }
        .await,
    )
}

/// Adds a branch (no `id`) or changes one.
#[server(prefix = "/rpc", endpoint = "save_branch")]
pub async fn save_branch(id: Option<i64>, name: String, address: String, phone: String) -> Result<(), AppError> {
    with_error_status(
        async {
            let session = require_branch_keeper()?;
            let peer = auth::request_context()?.peer;
            use_cases::save_branch(&use_state()?, &session, peer, id, &name, &address, &phone).await?;
            leptos_axum::redirect("/staff/branches");
            Ok(())
        }
        .await,
    )
}

/// Deletes a branch nothing refers to.
#[server(prefix = "/rpc", endpoint = "delete_branch")]
pub async fn delete_branch(id: i64) -> Result<(), AppError> {
    with_error_status(
        async {
            let session = require_branch_keeper()?;
            let peer = auth::request_context()?.peer;
            use_cases::delete_branch(&use_state()?, &session, peer, id).await?;
            leptos_axum::redirect("/staff/branches");
            Ok(())
        }
        .await,
    )
}

/// Deactivates (`active` absent) or reactivates a branch.
#[server(prefix = "/rpc", endpoint = "set_branch_active")]
pub async fn set_branch_active(id: i64, active: Option<String>) -> Result<(), AppError> {
    with_error_status(
        async {
            let session = require_branch_keeper()?;
            let peer = auth::request_context()?.peer;
            use_cases::set_branch_active(&use_state()?, &session, peer, id, active.is_some()).await?;
            leptos_axum::redirect("/staff/branches");
            Ok(())
        }
        .await,
    )
}

/// The clinic's settings in effect (the head).
#[server(prefix = "/rpc", endpoint = "clinic_settings")]
pub async fn get_clinic_settings() -> Result<super::rules::ClinicSettings, AppError> {
    with_error_status(
        async {
            require_head()?;
            use_cases::settings(&use_state()?).await
        }
        .await,
    )
}

/// Sets the clinic's settings (the head); back to the clinic's page.
#[server(prefix = "/rpc", endpoint = "save_clinic_settings")]
pub async fn save_clinic_settings(
    attach_code_ttl_hours: String,
    contact_priority: String,
    protocol_edit_hours: String,
    tabs: Option<String>,
    tab_record: Option<String>,
    tab_booking: Option<String>,
    tab_prices: Option<String>,
    tab_news: Option<String>,
) -> Result<(), AppError> {
    with_error_status(
        async {
            let session = require_head()?;
            let peer = auth::request_context()?.peer;
            let state = use_state()?;
            // With the tabs' boxes (`tabs` says the form has them) a ticked box shows the tab and
            // the hidden ones are those left unticked; without them the tabs stay as they are.
            use crate::kernel::tabs::{CabinetTab, HiddenTabs};
            let hidden = match tabs {
                Some(_) => {
                    let shown = [
                        (CabinetTab::Record, tab_record),
                        (CabinetTab::Booking, tab_booking),
                        (CabinetTab::Prices, tab_prices),
                        (CabinetTab::News, tab_news),
                    ];
                    HiddenTabs::of(shown.into_iter().filter(|(_, on)| on.is_none()).map(|(t, _)| t))
                }
                None => state.config.clinic.hidden_tabs(),
            };
            use_cases::save_settings(
                &state,
                &session,
                peer,
                &attach_code_ttl_hours,
                &contact_priority,
                &protocol_edit_hours,
                hidden,
            )
            .await?;
            leptos_axum::redirect("/staff/clinic?saved=1");
            Ok(())
        }
        .await,
    )
}

/// The admin journal (the head): who did what, before → after, when, from where; filtered by
/// group of actions, staff member and the clinic's days, a page at a time.
#[server(prefix = "/rpc", endpoint = "admin_journal")]
pub async fn get_journal(
    group: String,
    person: String,
    from: String,
    to: String,
    page: String,
) -> Result<super::rules::JournalPage, AppError> {
    with_error_status(
        async {
            require_head()?;
            use_cases::journal(&use_state()?, &group, &person, &from, &to, &page).await
        }
        .await,
    )
}

/// The doctors, the specialties and the branches (the head, the front desk).
#[server(prefix = "/rpc", endpoint = "doctors_admin")]
pub async fn get_doctors_admin() -> Result<super::doctor_rules::DoctorsAdmin, AppError> {
    with_error_status(
        async {
            require_branch_keeper()?;
            super::doctor_use_cases::admin(&use_state()?).await
        }
        .await,
    )
}

/// Deletes a doctor nothing refers to.
#[server(prefix = "/rpc", endpoint = "delete_doctor")]
pub async fn delete_doctor(id: i64) -> Result<(), AppError> {
    with_error_status(
        async {
            let session = require_branch_keeper()?;
            let peer = auth::request_context()?.peer;
            super::doctor_use_cases::delete_doctor(&use_state()?, &session, peer, id).await?;
            leptos_axum::redirect("/staff/doctors");
            Ok(())
        }
        .await,
    )
}

/// Adds a specialty to the reference list.
#[server(prefix = "/rpc", endpoint = "add_specialty")]
pub async fn add_specialty(specialty_name: String) -> Result<(), AppError> {
    with_error_status(
        async {
            let session = require_branch_keeper()?;
            let peer = auth::request_context()?.peer;
            super::doctor_use_cases::add_specialty(&use_state()?, &session, peer, &specialty_name).await?;
            leptos_axum::redirect("/staff/doctors");
            Ok(())
        }
        .await,
    )
}

/// Stops offering a specialty (`active` absent), or offers it again.
#[server(prefix = "/rpc", endpoint = "set_specialty_active")]
pub async fn set_specialty_active(id: i64, active: Option<String>) -> Result<(), AppError> {
    with_error_status(
        async {
            let session = require_branch_keeper()?;
            let peer = auth::request_context()?.peer;
            super::doctor_use_cases::set_specialty_active(&use_state()?, &session, peer, id, active.is_some()).await?;
            leptos_axum::redirect("/staff/doctors");
            Ok(())
        }
        .await,
    )
}
