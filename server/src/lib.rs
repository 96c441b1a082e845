//! The Kabinet server: configuration, storage, middleware and the process around the Leptos
//! app. `build()` returns a bound, ready-to-run `Application`; tests start it on port 0.

pub mod backup;
pub mod config;
pub mod convert;
pub mod db;
pub mod delivery;
pub mod demo;
pub mod exports;
pub mod files;
pub mod mail;
mod middleware;
mod routes;
pub mod secret_key;
pub mod sms;
pub mod spreadsheet;

use anyhow::Context;
use app::app::{shell, App, Assets};
use app::platform::state::Clock;
use app::platform::state::{AppState, PortalConfig};
use app::platform::store::Store;
use axum::extract::FromRef;
use axum::Router;
use config::Settings;
use leptos::config::LeptosOptions;
use leptos_axum::{generate_route_list, AxumRouteListing, LeptosRoutes};
use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, OnceLock};
use tokio::net::TcpListener;

/// Everything a request handler can reach: one shared value, so that the layers and handlers
/// that take it per request clone a pointer, not its strings and paths.
#[derive(Clone)]
pub struct ServerState(Arc<Shared>);

impl std::ops::Deref for ServerState {
    type Target = Shared;
    fn deref(&self) -> &Shared {
        &self.0
    }
}

pub struct Shared {
    pub leptos_options: LeptosOptions,
    pub app: AppState,
    pub assets: Arc<Assets>,
    pub settings: Arc<Settings>,
    pub files: files::FileStore,
    pub converter: convert::Converter,
    pub exports: exports::Exports,
}

impl FromRef<ServerState> for LeptosOptions {
    fn from_ref(s: &ServerState) -> Self {
        s.leptos_options.clone()
    }
}

pub struct Application {
    listener: TcpListener,
    router: Router,
    /// The outbox worker's parts, when an SMTP server is configured.
    mail: Option<MailWorker>,
    /// The text-message worker's parts: the SMS gateway, or the development provider that
    /// records messages in the outbox.
    sms: (Arc<dyn Store>, Arc<dyn mail::MailTransport>, Clock),
    /// The document delivery worker, unless turned off (`KABINET_DOCUMENT_WORKER=0`).
    documents: Option<delivery::Worker>,
    /// Sends the broadcasts that were set to go out at a time, and runs the notification engine.
    app: app::platform::state::AppState,
}

struct MailWorker {
    store: Arc<dyn Store>,
    mailer: Arc<dyn mail::MailTransport>,
    clock: Clock,
}

pub fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

/// Opens the database (applying migrations) and binds the listener.
pub async fn build(settings: Settings) -> anyhow::Result<Application> {
    let store = db::open(&settings.database_url).await?;
    build_with_store(settings, store, Arc::new(now)).await
}

/// As `build`, with the store and the clock given (tests move the clock).
pub async fn build_with_store(settings: Settings, store: Arc<dyn Store>, clock: Clock) -> anyhow::Result<Application> {
    // Leptos spawns its rendering tasks on the global executor: ours is tokio. Set once per
    // process; a second call (another app in the same test binary) is harmless.
    let _ = any_spawner::Executor::init_tokio();
    let clinic = match store.clinic_details().await? {
        Some(c) => {
            let live = app::platform::state::LiveClinic::new(c.utc_offset_minutes, c.is_set());
            live.set_card(c.card());
            live
        }
        None => app::platform::state::LiveClinic::new(settings.utc_offset_minutes, false),
    };
    if let Some(s) = store.clinic_settings().await? {
        clinic.set_hidden_tabs(app::kernel::tabs::HiddenTabs::parse(&s.hidden_tabs));
    }
    let mail = match &settings.smtp_url {
        Some(url) => {
            let mailer: Arc<dyn mail::MailTransport> = Arc::new(mail::SmtpMailer::new(url, &settings.mail_from)?);
            Some(MailWorker { store: store.clone(), mailer, clock: clock.clone() })
        }
        None => {
            tracing::warn!("KABINET_SMTP_URL not set: mail stays in the outbox");
            None
        }
    };
    let sms_transport: Arc<dyn mail::MailTransport> = match &settings.sms_gateway {
        Some(gateway) => {
            tracing::info!(url = %config::redact_url(&gateway.url), sender = ?gateway.from, "SMS go through the gateway");
            Arc::new(sms::HttpSms::new(&gateway.url, &gateway.token, gateway.from.as_deref())?)
        }
        None => {
            tracing::info!("KABINET_SMS_URL not set: SMS stay in the outbox (development provider)");
            Arc::new(mail::DevSms)
        }
    };
    let sms = (store.clone(), sms_transport, clock.clone());
    if settings.demo && !settings.reachable_only_from_this_machine() {
        tracing::warn!(
            "KABINET_DEMO_UNSAFE_PUBLIC: demo mode is reachable from other machines; anyone can read /demo/mail"
        );
    }
    tokio::task::spawn_blocking(app::platform::auth::prepare_decoy).await?;
    let secrets = secret_key::load(&settings)?;
    let resealed = app::features::security::use_cases::reseal_stored_secrets(&*store, &secrets).await?;
    if resealed.sealed > 0 {
        tracing::info!(count = resealed.sealed, "second-factor secrets sealed with the current secret key");
    }
    if resealed.unreadable > 0 {
        tracing::error!(
            count = resealed.unreadable,
            "second-factor secrets do not open with KABINET_SECRET_KEY (a different key sealed them; set it, or \
             KABINET_SECRET_KEY_OLD during a rotation); those accounts cannot pass the second step"
        );
    }
    let app_state = AppState {
        store,
        config: Arc::new(PortalConfig {
            clinic,
            secure_cookies: settings.secure_cookies(),
            demo: settings.demo,
            public_url: settings.public_base_url(),
            contact_priority: settings.contact_priority,
            attach_code_ttl_secs: settings.attach_code_ttl_hours * 3600,
            video_base_url: settings.video_base_url.clone(),
            video_link_minutes: settings.video_link_minutes,
            secrets,
        }),
        clock,
    };
    let (leptos_options, assets) = front_end(&settings.site_root);
    // Resolved once, here: converters run in folders of their own and LibreOffice takes its
    // profile as a file:// URL, where a relative "data/files" would name a host "data".
    let mut settings = settings;
    settings.files_dir = std::path::absolute(&settings.files_dir)
        .with_context(|| format!("KABINET_FILES_DIR {}", settings.files_dir.display()))?;
    let files = files::FileStore::open(&settings.files_dir)
        .with_context(|| format!("KABINET_FILES_DIR {}", settings.files_dir.display()))?;
    let converter =
        convert::Converter::new(settings.soffice.clone(), settings.files_dir.join("tmp"), settings.converter_sandbox);
    if !settings.converter_sandbox {
        tracing::warn!("KABINET_CONVERTER_SANDBOX=off: converters run with the network (unsafe)");
    }
    let documents = settings.document_worker.then(|| delivery::Worker {
        store: app_state.store.clone(),
        files: files.clone(),
        converter: converter.clone(),
        clock: app_state.clock.clone(),
    });
    let app_for_worker = app_state.clone();
    let state = ServerState(Arc::new(Shared {
        leptos_options,
        app: app_state,
        assets: Arc::new(assets),
        settings: Arc::new(settings.clone()),
        files,
        converter,
        exports: exports::Exports::default(),
    }));

    let context = {
        let state = state.clone();
        move || {
            leptos::prelude::provide_context(state.app.clone());
            leptos::prelude::provide_context(state.assets.clone());
        }
    };
    let pages = route_list();
    let router = Router::new()
        .leptos_routes_with_context(&state, pages, context.clone(), shell)
        .layer(axum::middleware::from_fn_with_state(state.clone(), middleware::timeout::pages))
        .merge(routes::router(&settings.site_root, context));
    let router = middleware::wrap(router, state.clone()).with_state(state);

    let listener = TcpListener::bind(settings.addr).await.with_context(|| format!("binding {}", settings.addr))?;
    Ok(Application { listener, router, mail, sms, documents, app: app_for_worker })
}

/// The page routes, generated once per process. Generating them runs the app with resource
/// loading suppressed by a process-wide flag (leptos_server's `SuppressResourceLoad`,
/// leptos-rs/leptos#4773): a
/// resource first polled by a request while another app in the same process (tests start
/// many) generated its list would wait forever. Once per process, before any app serves,
/// leaves no such window.
pub fn route_list() -> Vec<AxumRouteListing> {
    static PAGES: OnceLock<Vec<AxumRouteListing>> = OnceLock::new();
    PAGES.get_or_init(|| generate_route_list(App)).clone()
}

/// Leptos options and hashed asset names from the front-end build in `site_root`.
fn front_end(site_root: &Path) -> (LeptosOptions, Assets) {
    let hash_file = site_root.join("hash.txt");
    let hashes = std::fs::read_to_string(&hash_file).unwrap_or_else(|_| {
        tracing::warn!(path = %hash_file.display(), "front end not built: pages render without scripts and styles");
        String::new()
    });
    let hashed = |kind: &str| {
        hashes
            .lines()
            .filter_map(|l| l.split_once(':'))
            .find(|(k, _)| k.trim() == kind)
            .map(|(_, h)| format!("kabinet.{}.{kind}", h.trim()))
    };
    let css = hashed("css").unwrap_or_else(|| "kabinet.css".into());
    let scripts = hashed("js").zip(hashed("wasm"));
    let options = LeptosOptions::builder()
        .output_name("kabinet")
        .site_root(site_root.to_string_lossy().to_string())
        .site_pkg_dir("pkg")
        .hash_files(!hashes.is_empty())
        .hash_file(std::path::absolute(&hash_file).unwrap_or(hash_file).to_string_lossy().to_string().into())
        .build();
    (options, Assets { stylesheet: css, scripts })
}

impl Application {
    pub fn port(&self) -> u16 {
        self.listener.local_addr().map(|a| a.port()).unwrap_or(0)
    }

    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Serves until SIGINT or SIGTERM, then finishes the requests under way.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        use axum::serve::ListenerExt;
        // Without TCP_NODELAY small responses wait for delayed ACKs (BUILD.md, trap 6).
        if let Some(w) = self.mail {
            mail::spawn_worker(w.store, app::platform::store::Channel::Email, w.mailer, w.clock);
        }
        let (store, sms, clock) = self.sms;
        mail::spawn_worker(store, app::platform::store::Channel::Sms, sms, clock);
        if let Some(worker) = self.documents {
            worker.spawn();
        }
        spawn_notifications(self.app.clone());
        spawn_broadcasts(self.app);
        let listener = self.listener.tap_io(|tcp| {
            let _ = tcp.set_nodelay(true);
        });
        axum::serve(listener, self.router.into_make_service_with_connect_info::<SocketAddr>())
            .with_graceful_shutdown(shutdown_signal())
            .await
    }
}

/// Every 20 seconds, writes the recipients of the broadcasts whose time has come (each once:
/// the store claims a broadcast in the transaction that writes its recipients).
fn spawn_broadcasts(app: app::platform::state::AppState) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(20));
        loop {
            tick.tick().await;
            match app::features::messages::use_cases::release(&app).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(broadcasts = n, "broadcasts sent"),
                Err(error) => tracing::error!(?error, "broadcasts: release failed"),
            }
        }
    });
}

/// Every 30 seconds, runs the notification engine: queues what the clinic's schedules make due
/// and settles what is due now (each once: the store's unique key and the settling update's
/// guard hold across replicas).
fn spawn_notifications(app: app::platform::state::AppState) {
    use app::features::notifications::{rules::TICK_SECS, use_cases};
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(TICK_SECS));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            let env = use_cases::Env::of(&app);
            match use_cases::tick(&*app.store, &env, app.now()).await {
                Ok(r) if r.queued + r.sent + r.cancelled + r.failed == 0 => {}
                Ok(r) => tracing::info!(
                    queued = r.queued,
                    sent = r.sent,
                    cancelled = r.cancelled,
                    failed = r.failed,
                    "notifications"
                ),
                Err(error) => tracing::error!(%error, "notifications: tick failed"),
            }
        }
    });
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutting down");
}
