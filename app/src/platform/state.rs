//! What every request can reach: the store and the portal's settings.

use crate::platform::store::Store;
use leptos::prelude::*;
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use std::sync::Arc;

/// Settings the use cases need (the process-level ones live in the `server` crate).
#[derive(Clone, Debug)]
pub struct PortalConfig {
    /// The clinic's offset from UTC (`AppState::utc_offset`) and whether its details are set.
    pub clinic: LiveClinic,
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

/// What the portal keeps in memory of the clinic's details: its offset from UTC in minutes,
/// whether the head has set the details yet, and the name, address and phone patients see at
/// the foot of every page. The head may change them (the clinic's details page), so every
/// clone reads the one current value. (Another replica reads the change at its next start.)
#[derive(Clone, Debug)]
pub struct LiveClinic(Arc<LiveInner>);

#[derive(Debug)]
struct LiveInner {
    offset: AtomicI32,
    set: AtomicBool,
    card: std::sync::RwLock<Option<crate::kernel::account::ClinicCard>>,
    hidden_tabs: std::sync::atomic::AtomicU8,
}

impl LiveClinic {
    pub fn new(utc_offset_minutes: i32, details_set: bool) -> Self {
        LiveClinic(Arc::new(LiveInner {
            offset: AtomicI32::new(utc_offset_minutes),
            set: AtomicBool::new(details_set),
            card: std::sync::RwLock::new(None),
            hidden_tabs: std::sync::atomic::AtomicU8::new(0),
        }))
    }
    pub fn utc_offset(&self) -> i32 {
        self.0.offset.load(Ordering::Relaxed)
    }
    /// The head has set the clinic's details (until then, the head is led to them).
    pub fn details_set(&self) -> bool {
        self.0.set.load(Ordering::Relaxed)
    }
    pub fn update(&self, utc_offset_minutes: i32, details_set: bool) {
        self.0.offset.store(utc_offset_minutes, Ordering::Relaxed);
        self.0.set.store(details_set, Ordering::Relaxed);
    }
    /// The clinic's name, address and phone as patients see them (none until set).
    pub fn card(&self) -> Option<crate::kernel::account::ClinicCard> {
        self.0.card.read().ok().and_then(|c| c.clone())
    }
    /// The cabinet's tabs the clinic hides.
    pub fn hidden_tabs(&self) -> crate::kernel::tabs::HiddenTabs {
        crate::kernel::tabs::HiddenTabs::from_bits(self.0.hidden_tabs.load(Ordering::Relaxed))
    }
    pub fn set_hidden_tabs(&self, hidden: crate::kernel::tabs::HiddenTabs) {
        self.0.hidden_tabs.store(hidden.bits(), Ordering::Relaxed);
    }
    pub fn set_card(&self, card: Option<crate::kernel::account::ClinicCard>) {
        if let Ok(mut c) = self.0.card.write() {
            *c = card;
        }
    }
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

    /// The clinic's offset from UTC in minutes, now.
    pub fn utc_offset(&self) -> i32 {
        self.config.clinic.utc_offset()
    }
}

/// The state, from the server function's or page's context.
pub fn use_state() -> Result<AppState, crate::kernel::error::AppError> {
    use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from context");
        crate::kernel::error::AppError::Internal { reference: "state".into() }
    })
}
