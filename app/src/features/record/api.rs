//! The medical record tab ("Медкарта"): the active profile's records and one record.

use crate::features::record::rules::{RecordDetail, RecordList};
use crate::kernel::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::features::record::use_cases;
#[cfg(feature = "ssr")]
use crate::platform::auth;
#[cfg(feature = "ssr")]
use crate::platform::server_fn::with_error_status;
#[cfg(feature = "ssr")]
use crate::platform::state::use_state;

/// The filtered list; the arguments are the URL's query as it is (bad values are dropped).
#[server(prefix = "/rpc", endpoint = "record_list")]
pub async fn get_record_list(
    kind: String,
    from: String,
    to: String,
    doctor: String,
    q: String,
    page: String,
) -> Result<RecordList, AppError> {
    with_error_status(
        async {
            let session = auth::require_session()?;
            let filter =
                crate::features::record::rules::RecordFilter::from_query(&kind, &from, &to, &doctor, &q, &page);
            use_cases::list(&use_state()?, &session, filter).await
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "record_get")]
pub async fn get_record(id: i64) -> Result<RecordDetail, AppError> {
    with_error_status(
        async {
            let session = auth::require_session()?;
            let peer = auth::request_context()?.peer;
            use_cases::open(&use_state()?, &session, peer, id).await
        }
        .await,
    )
}
