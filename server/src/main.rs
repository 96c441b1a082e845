//! `kabinet`: the portal's one binary.
//!
//!   kabinet [serve]   run the portal (applies pending migrations first)
//!   kabinet migrate   apply pending migrations and exit
//!   kabinet demo      load the demo clinic into the configured database and exit

use kabinet_server::{build, config::Settings, db, demo};
use tracing_subscriber::EnvFilter;

fn main() -> anyhow::Result<()> {
    init_logging();
    let settings = Settings::from_env()?;
    // One worker per CPU unless KABINET_WORKER_THREADS says otherwise. (Until leptos 0.8.23 /
    // reactive_graph 0.2.16, a Suspense could lose a wake-up when its resource finished on
    // another worker, leptos-rs/leptos#4851, fixed by #4853; the hang this project met in its
    // tests was #4773, which `route_list()` prevents. `tests/integration/load.rs` sends
    // thousands of pages through a 4-worker runtime to keep both fixed.)
    let runtime =
        tokio::runtime::Builder::new_multi_thread().worker_threads(settings.worker_threads).enable_all().build()?;
    runtime.block_on(run(settings))
}

async fn run(settings: Settings) -> anyhow::Result<()> {
    let command = std::env::args().nth(1).unwrap_or_else(|| "serve".into());
    match command.as_str() {
        "serve" => {
            let app = build(settings.clone()).await?;
            let addr = app.local_addr()?;
            tracing::info!(%addr, "Kabinet is listening");
            println!("Kabinet is listening on http://{addr}/signin");
            app.run_until_stopped().await?;
        }
        "migrate" => {
            db::open(&settings.database_url).await?;
            println!("Migrations are up to date.");
        }
        "demo" => {
            let store = db::open(&settings.database_url).await?;
            if store.load_seed(&demo::seed()).await? {
                println!("Demo clinic loaded. Accounts (password {}):", demo::PASSWORD);
            } else {
                println!(
                    "The database already holds a clinic; nothing loaded. Demo accounts (password {}):",
                    demo::PASSWORD
                );
            }
            for (email, who) in demo::ACCOUNTS {
                println!("  {email:<28} {who}");
            }
        }
        "help" | "--help" | "-h" => {
            println!("usage: kabinet [serve|migrate|demo]\nSettings come from KABINET_* environment variables; see README.md.");
        }
        other => anyhow::bail!("unknown command {other:?}; try: kabinet help"),
    }
    Ok(())
}

fn init_logging() {
    let filter = EnvFilter::try_from_env("KABINET_LOG").unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    let colour = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_ansi(colour).with_writer(std::io::stderr);
    if std::env::var("KABINET_LOG_FORMAT").as_deref() == Ok("json") {
        builder.json().init();
    } else {
        builder.init();
    }
}
