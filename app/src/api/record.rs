//! The medical record tab ("Медкарта"): the active profile's records and one record.

use crate::domain::record::{RecordDetail, RecordList};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::server::{auth, record, state::use_state};

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
    auth::finish(
        async {
            let session = auth::require_session()?;
            let filter = crate::domain::record::RecordFilter::from_query(&kind, &from, &to, &doctor, &q, &page);
            record::list(&use_state()?, &session, filter).await
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "record_get")]
pub async fn get_record(id: i64) -> Result<RecordDetail, AppError> {
    auth::finish(
        async {
            let session = auth::require_session()?;
            let peer = auth::request_context()?.peer;
            record::open(&use_state()?, &session, peer, id).await
        }
        .await,
    )
}
