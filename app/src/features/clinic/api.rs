//! Clinic administration's server functions. The welcome page's are public: the person is not
//! signed in yet, and the link's token is what they hold.

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
