//! The price list's administration: server functions for the head and the editors. The file
//! itself arrives by a multipart route on the server (`/staff/prices/import`), which reads it
//! into cells and hands them to `admin_use_cases::stage_import`; the export is a plain route too
//! (`/staff/prices/export.csv`).

use super::import_rules::{ImportRow, Mapping, MappingProblem, RowError, Summary};
use super::rules::PlanRecord;
use crate::kernel::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use super::admin_use_cases as use_cases;
#[cfg(feature = "ssr")]
use crate::platform::auth;
#[cfg(feature = "ssr")]
use crate::platform::server_fn::with_error_status;
#[cfg(feature = "ssr")]
use crate::platform::state::use_state;

/// A staged import as the preview shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportPreview {
    pub id: i64,
    pub file_name: String,
    pub applied: bool,
    pub can_apply: bool,
    pub plans: Vec<PlanRecord>,
    pub mapping: Mapping,
    /// `mapping` as the apply form sends it back.
    pub mapping_key: String,
    /// The file's first rows as they are, for choosing the columns.
    pub head: Vec<Vec<String>>,
    pub width: usize,
    pub rows_total: usize,
    /// Services read without errors.
    pub services: usize,
    pub sample: Vec<ImportRow>,
    pub mapping_problems: Vec<MappingProblem>,
    pub too_many_rows: bool,
    pub errors: Vec<RowError>,
    pub error_count: usize,
    pub summary: Summary,
}

#[cfg(feature = "ssr")]
fn require_price_keeper() -> Result<crate::platform::store::SessionRecord, AppError> {
    auth::require_staff(crate::kernel::account::Roles::can_manage_prices)
}

/// The tariff plans (the head, the editors).
#[server(prefix = "/rpc", endpoint = "price_plans")]
pub async fn get_price_plans() -> Result<Vec<PlanRecord>, AppError> {
    with_error_status(
        async {
            require_price_keeper()?;
            use_cases::plans(&use_state()?).await
        }
        .await,
    )
}

/// Adds a tariff plan (no `id`) or changes one: name, funding source, shown in the cabinet.
#[server(prefix = "/rpc", endpoint = "save_price_plan")]
pub async fn save_price_plan(
    id: Option<i64>,
    name: String,
    funding: String,
    visible: Option<String>,
) -> Result<(), AppError> {
    with_error_status(
        async {
            let session = require_price_keeper()?;
            let peer = auth::request_context()?.peer;
            use_cases::save_plan(&use_state()?, &session, peer, id, &name, &funding, visible.is_some()).await?;
            leptos_axum::redirect("/staff/prices");
            Ok(())
        }
        .await,
    )
}

/// A staged import under `mapping` ("header;columns"), or under the guessed mapping.
#[server(prefix = "/rpc", endpoint = "price_import_preview")]
pub async fn get_import_preview(id: i64, mapping: Option<String>) -> Result<ImportPreview, AppError> {
    with_error_status(
        async {
            require_price_keeper()?;
            use_cases::preview(&use_state()?, id, mapping.as_deref()).await
        }
        .await,
    )
}

/// Applies a staged import as previewed; back to the price list with what changed.
#[server(prefix = "/rpc", endpoint = "apply_price_import")]
pub async fn apply_price_import(id: i64, mapping: String) -> Result<(), AppError> {
    with_error_status(
        async {
            let session = require_price_keeper()?;
            let peer = auth::request_context()?.peer;
            let to = match use_cases::apply(&use_state()?, &session, peer, id, &mapping).await? {
                Some(s) => format!("/staff/prices?added={}&changed={}&unchanged={}", s.added, s.changed, s.unchanged),
                None => "/staff/prices?imported=again".into(),
            };
            leptos_axum::redirect(&to);
            Ok(())
        }
        .await,
    )
}
