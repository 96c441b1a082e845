//! `kabinet`: the portal's one binary. `kabinet --help` lists its commands; settings come from
//! `KABINET_*` environment variables (README.md, "Configuration").

use app::features::clinic::use_cases::{create_head, HeadRefusal};
use clap::{Parser, Subcommand};
use kabinet_server::{backup, build, config::Settings, db, demo, mail, now};
use tracing_subscriber::EnvFilter;

#[derive(Parser)]
#[command(
    name = "kabinet",
    version,
    about = "Kabinet, a clinic's patient portal.",
    after_help = "Settings come from KABINET_* environment variables; see README.md."
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the portal (applies pending migrations first). The default.
    Serve,
    /// Apply pending migrations and exit.
    Migrate,
    /// Load the demo clinic into the configured database and exit.
    Demo,
    /// Create the clinic's head on a database that has none, and print a one-time link (24 h)
    /// to set the password; with KABINET_SMTP_URL the link is also mailed.
    CreateHead {
        /// The head's e-mail, their login.
        email: String,
        /// "Surname Name Patronymic" (the patronymic may be left out), e.g. "Соколова Анна Сергеевна".
        name: String,
    },
    /// Write a consistent copy of the database (SQLite; for PostgreSQL it says how to use
    /// pg_dump) and the files folder into DIR, a new or empty folder. Safe while the portal runs.
    Backup {
        /// The folder to write the backup into.
        dir: std::path::PathBuf,
        /// Add the secret key file (otherwise kept apart, as README "Secret key" advises).
        #[arg(long)]
        with_key: bool,
    },
    /// Restore a backup from DIR onto an empty installation (no clinic in the database, no
    /// files), then bring the database up to this version.
    Restore {
        /// The folder `kabinet backup` wrote.
        dir: std::path::PathBuf,
    },
}

fn main() -> anyhow::Result<()> {
    // Parsed before anything else: `--help` and a mistyped command need no settings. clap
    // prints the usage and exits 2 on a command it does not know.
    let cli = Cli::parse();
    init_logging();
    let settings = Settings::from_env()?;
    // One worker per CPU unless KABINET_WORKER_THREADS says otherwise. (Until leptos 0.8.23 /
    // reactive_graph 0.2.16, a Suspense could lose a wake-up when its resource finished on
    // another worker, leptos-rs/leptos#4851, fixed by #4853; the hang this project met in its
    // tests was #4773, which `route_list()` prevents. `tests/integration/load.rs` sends
    // thousands of pages through a 4-worker runtime to keep both fixed.)
    let runtime =
        tokio::runtime::Builder::new_multi_thread().worker_threads(settings.worker_threads).enable_all().build()?;
    runtime.block_on(run(cli.command.unwrap_or(Command::Serve), settings))
}

async fn run(command: Command, settings: Settings) -> anyhow::Result<()> {
    match command {
        Command::Serve => {
            let app = build(settings.clone()).await?;
            let addr = app.local_addr()?;
            tracing::info!(%addr, "Kabinet is listening");
            println!("Kabinet is listening on http://{addr}/signin");
            app.run_until_stopped().await?;
        }
        Command::Migrate => {
            db::open(&settings.database_url).await?;
            println!("Migrations are up to date.");
        }
        Command::Demo => {
            let store = db::open(&settings.database_url).await?;
            if store.load_seed(&demo::seed()).await? {
                demo::conversations(&*store).await?;
                demo::notification_schedules(&*store).await?;
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
        Command::CreateHead { email, name } => {
            let store = db::open(&settings.database_url).await?;
            let mails = settings.smtp_url.is_some();
            let url = settings.public_base_url();
            let started = now();
            match create_head(&*store, &url, settings.utc_offset_minutes, &email, &name, started, mails).await {
                Ok(head) => {
                    println!(
                        "The clinic's head {} is created. To set the password, open (once, within 24 hours):",
                        head.email
                    );
                    println!("  {}", head.link);
                    println!("Then turn on the second factor on the account page and fill in the clinic's details.");
                    if let Some(url) = &settings.smtp_url {
                        let mailer = mail::SmtpMailer::new(url, &settings.mail_from)?;
                        match mail::drain_once(&*store, &mailer, now()).await {
                            Ok(n) if n > 0 => println!("The link was also mailed to {}.", head.email),
                            _ => println!(
                                "The link could not be mailed now; it stays in the outbox and `kabinet serve` sends it."
                            ),
                        }
                    }
                }
                // A refusal is the operator's to read: a sentence and exit code 1, no backtrace.
                Err(e @ HeadRefusal::Store(_)) => return Err(e.into()),
                Err(refusal) => {
                    eprintln!("kabinet create-head: {refusal}; nothing was created.");
                    std::process::exit(1);
                }
            }
        }
        Command::Backup { dir, with_key } => match backup::backup(&settings, &dir, with_key).await {
            Ok(report) => {
                println!("Backup written to {}:", dir.display());
                print_report(&report);
            }
            Err(e) => refuse("backup", &e),
        },
        Command::Restore { dir } => match backup::restore(&settings, &dir).await {
            Ok(report) => {
                println!("Restored from {}:", dir.display());
                print_report(&report);
            }
            Err(e) => refuse("restore", &e),
        },
    }
    Ok(())
}

fn print_report(report: &backup::Report) {
    if let Some(db) = &report.database {
        println!("  database  {}", db.display());
    }
    println!("  files     {} ({} bytes)", report.files, report.bytes);
    match (&report.key_apart, report.key) {
        (_, true) => println!("  key file  secret.key (keep this backup as safe as the server)"),
        (Some(key), false) => {
            println!("  key file  not included: keep {} apart, and with it (README \"Secret key\")", key.display())
        }
        (None, false) => println!("  key       from KABINET_SECRET_KEY: keep it apart, and with it"),
    }
    if let Some(advice) = &report.postgres_advice {
        println!("The database is on PostgreSQL: run");
        println!("  {advice}");
    }
}

/// A refusal or failure: one sentence on stderr, exit 1, no backtrace.
fn refuse(command: &str, e: &anyhow::Error) -> ! {
    eprintln!("kabinet {command}: {e:#}");
    std::process::exit(1);
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
