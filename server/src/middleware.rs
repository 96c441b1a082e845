//! The layers every request passes, outermost first: request log, compression, security
//! headers, the cross-site request check, the session/access guard, and the server functions'
//! door (unknown names, body limits, `Retry-After`). Page routes alone also pass the render
//! time limit (`timeout`), set in `lib.rs` where they are registered.

mod access;
mod csrf;
mod headers;
mod log;
mod rpc;
pub mod timeout;

use crate::ServerState;
use axum::middleware::{from_fn, from_fn_with_state};
use axum::Router;
use tower_http::compression::CompressionLayer;

pub fn wrap(router: Router<ServerState>, state: ServerState) -> Router<ServerState> {
    router
        .layer(from_fn(rpc::bounded))
        .layer(from_fn_with_state(state.clone(), access::guard))
        .layer(from_fn_with_state(state.clone(), csrf::check))
        .layer(from_fn_with_state(state, headers::security_headers))
        .layer(CompressionLayer::new())
        .layer(from_fn(log::log_requests))
}
