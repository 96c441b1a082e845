//! What every request can reach: the store and the portal's settings.

use crate::platform::store::Store;
use leptos::prelude::*;
use std::sync::Arc;

/// Settings the use cases need (the process-level ones live in the `server` crate).
#[derive(Clone, Debug)]
pub struct PortalConfig {
    /// The clinic's offset from UTC in minutes, for showing and reading times.
    pub utc_offset_minutes: i32,
    /// Set the `Secure` flag and the `__Host-` prefix on cookies (served over TLS).
    pub secure_cookies: bool,
    /// Demo mode: the portal says so on the sign-in page.
    pub demo: bool,
    /// Where people reach the portal, for links in mail (no trailing slash).
    pub public_url: String,
    /// Which contact an attach code goes to first.
    pub contact_priority: ContactPriority,
    pub attach_code_ttl_secs: i64,
    /// The video service that hosts online consultations; a room id is appended.
    pub video_base_url: String,
    /// How many minutes before an online consultation its link is shown.
    pub video_link_minutes: i64,
    /// Seals the second-factor secrets kept in the database (`KABINET_SECRET_KEY`).
    pub secrets: crate::platform::secret_box::SecretBox,
}

/// `KABINET_CONTACT_PRIORITY`: a mobile phone (SMS) or the e-mail address first, the other as
/// the fallback.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ContactPriority {
    #[default]
    Phone,
    Email,
}

/// The time source, unix seconds; tests replace it to move time.
pub type Clock = Arc<dyn Fn() -> i64 + Send + Sync>;

#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub config: Arc<PortalConfig>,
    /// Clock, replaceable in tests; unix seconds.
    pub clock: Clock,
}

impl AppState {
    pub fn now(&self) -> i64 {
        (self.clock)()
    }
}

/// The state, from the server function's or page's context.
pub fn use_state() -> Result<AppState, crate::kernel::error::AppError> {
    use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from context");
        crate::kernel::error::AppError::Internal { reference: "state".into() }
    })
}
