//! Test scaffolding: throwaway databases (a SQLite file in a temp dir, or a fresh database on
//! the PostgreSQL at KABINET_TEST_PG_URL), the demo clinic, and the server on port 0.

use app::platform::store::Seed;
use app::platform::store::Store;
use kabinet_server::config::Settings;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, OnceLock};

pub const PASSWORD: &str = kabinet_server::demo::PASSWORD;
/// The secret key test servers seal second-factor secrets with (32 bytes of 7, base64).
pub const TEST_SECRET_KEY: &str = "BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=";

/// The demo clinic, hashed once per test binary.
pub fn demo_seed() -> Seed {
    static SEED: OnceLock<Seed> = OnceLock::new();
    SEED.get_or_init(kabinet_server::demo::seed).clone()
}

/// A database that is dropped with this value.
pub struct TestDb {
    pub url: String,
    _dir: Option<tempfile::TempDir>,
    admin: Option<(String, String)>,
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((admin_url, name)) = self.admin.take() {
            // Best effort, on a runtime of its own: the test's runtime may be gone.
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().ok()?;
                rt.block_on(async {
                    use sqlx::Connection;
                    let mut c = sqlx::PgConnection::connect(&admin_url).await.ok()?;
                    sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&mut c).await.ok()
                })
            })
            .join();
        }
    }
}

pub fn sqlite_db() -> TestDb {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite:{}", dir.path().join("kabinet.db").display());
    TestDb { url, _dir: Some(dir), admin: None }
}

fn pg_admin_url() -> String {
    std::env::var("KABINET_TEST_PG_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// A fresh PostgreSQL database, or None when no server answers and none is required
/// (`scripts/test` sets KABINET_REQUIRE_PG=1, so there a missing server fails the run).
pub async fn pg_db() -> Option<TestDb> {
    use sqlx::Connection;
    let admin = pg_admin_url();
    let mut conn = match sqlx::PgConnection::connect(&admin).await {
        Ok(c) => c,
        Err(e) => {
            if std::env::var("KABINET_REQUIRE_PG").as_deref() == Ok("1") {
                panic!("PostgreSQL required but not reachable at KABINET_TEST_PG_URL: {e}");
            }
            eprintln!("skipping PostgreSQL half: no server at KABINET_TEST_PG_URL ({e})");
            return None;
        }
    };
    let name = format!("kabinet_test_{}", rand::random::<u64>());
    sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut conn).await.expect("create test database");
    let base = admin.rsplit_once('/').map(|(b, _)| b.to_string()).expect("URL with a database");
    Some(TestDb { url: format!("{base}/{name}"), _dir: None, admin: Some((admin, name)) })
}

/// A clock tests can move; starts at the real time.
#[derive(Clone)]
pub struct TestClock(pub Arc<AtomicI64>);

impl TestClock {
    pub fn new() -> Self {
        Self(Arc::new(AtomicI64::new(kabinet_server::now())))
    }
    pub fn now(&self) -> i64 {
        self.0.load(Ordering::SeqCst)
    }
    pub fn advance(&self, secs: i64) {
        self.0.fetch_add(secs, Ordering::SeqCst);
    }
    pub fn as_fn(&self) -> Arc<dyn Fn() -> i64 + Send + Sync> {
        let c = self.0.clone();
        Arc::new(move || c.load(Ordering::SeqCst))
    }
}

/// The server running on port 0 with the demo clinic.
pub struct TestApp {
    pub base: String,
    pub clock: TestClock,
    pub store: Arc<dyn Store>,
    pub db: TestDb,
    /// KABINET_FILES_DIR of this server.
    pub files: tempfile::TempDir,
}

/// Test servers run on one runtime with a worker per CPU, as `kabinet serve` does by default.
fn server_runtime() -> &'static tokio::runtime::Runtime {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RT.get_or_init(|| {
        let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(workers)
            .enable_all()
            .build()
            .expect("server runtime")
    })
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with_site(std::path::Path::new("/nonexistent-site-root")).await
}

/// As `spawn_app`, serving the front end from `site_root`.
pub async fn spawn_app_with_site(site_root: &std::path::Path) -> TestApp {
    spawn_app_with(site_root, &[]).await
}

/// As `spawn_app`, with more settings (`KABINET_SMTP_URL`, `KABINET_DEMO`, ...).
pub async fn spawn_app_with_env(env: &[(&str, &str)]) -> TestApp {
    spawn_app_with(std::path::Path::new("/nonexistent-site-root"), env).await
}

async fn spawn_app_with(site_root: &std::path::Path, env: &[(&str, &str)]) -> TestApp {
    spawn_app_in(server_runtime(), site_root, env).await
}

/// As `spawn_app`, on a runtime of the caller's (the load test's own 4-worker runtime).
pub async fn spawn_app_on(runtime: &'static tokio::runtime::Runtime) -> TestApp {
    spawn_app_in(runtime, std::path::Path::new("/nonexistent-site-root"), &[]).await
}

async fn spawn_app_in(
    runtime: &'static tokio::runtime::Runtime,
    site_root: &std::path::Path,
    env: &[(&str, &str)],
) -> TestApp {
    let env: Vec<(String, String)> = env.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    let site_root = site_root.to_string_lossy().to_string();
    // KABINET_TEST_BACKEND=postgres runs every server test against PostgreSQL instead.
    let db = match std::env::var("KABINET_TEST_BACKEND").as_deref() {
        Ok("postgres") => pg_db().await.expect("KABINET_TEST_BACKEND=postgres needs KABINET_TEST_PG_URL"),
        _ => sqlite_db(),
    };
    let clock = TestClock::new();
    let files = tempfile::tempdir().expect("files dir");
    let files_dir = files.path().to_string_lossy().to_string();
    let (url, server_clock) = (db.url.clone(), clock.as_fn());
    // Started from a plain thread: `block_on` takes futures that are not provably `Send`.
    let (base, store) = std::thread::spawn(move || {
        runtime.block_on(async move {
            let store = kabinet_server::db::open(&url).await.expect("open store");
            store.load_seed(&demo_seed()).await.expect("seed");
            let settings = Settings::from_lookup(|k| match k {
                "KABINET_ADDR" => Some("127.0.0.1:0".into()),
                "KABINET_DATABASE_URL" => Some(url.clone()),
                "KABINET_SITE_ROOT" => Some(site_root.clone()),
                "KABINET_FILES_DIR" => Some(files_dir.clone()),
                // A fixed key, so that no test writes a key file beside its temporary folder.
                "KABINET_SECRET_KEY" => Some(
                    env.iter()
                        .find(|(k, _)| k == "KABINET_SECRET_KEY")
                        .map_or(TEST_SECRET_KEY.into(), |(_, v)| v.clone()),
                ),
                other => env.iter().find(|(k, _)| k == other).map(|(_, v)| v.clone()),
            })
            .expect("settings");
            let app = kabinet_server::build_with_store(settings, store.clone(), server_clock).await.expect("build");
            let base = format!("http://127.0.0.1:{}", app.port());
            tokio::spawn(app.run_until_stopped());
            (base, store)
        })
    })
    .join()
    .expect("server started");
    TestApp { base, clock, store, db, files }
}

impl TestApp {
    /// Runs one SQL statement on the app's database, behind the app's back (for arranging
    /// states the product cannot reach through its own doors).
    pub async fn raw_sql(&self, sql: &str) {
        use sqlx::Connection;
        if self.db.url.starts_with("sqlite:") {
            let mut c = sqlx::SqliteConnection::connect(&self.db.url).await.expect("sqlite");
            sqlx::query(sql).execute(&mut c).await.expect("raw sql");
        } else {
            let mut c = sqlx::PgConnection::connect(&self.db.url).await.expect("postgres");
            sqlx::query(sql).execute(&mut c).await.expect("raw sql");
        }
    }

    /// One number from the app's database (a count, an id), behind the app's back.
    pub async fn scalar(&self, sql: &str) -> i64 {
        use sqlx::{Connection, Row};
        if self.db.url.starts_with("sqlite:") {
            let mut c = sqlx::SqliteConnection::connect(&self.db.url).await.expect("sqlite");
            sqlx::query(sql).fetch_one(&mut c).await.expect("scalar").try_get::<i64, _>(0).expect("i64")
        } else {
            let mut c = sqlx::PgConnection::connect(&self.db.url).await.expect("postgres");
            sqlx::query(sql).fetch_one(&mut c).await.expect("scalar").try_get::<i64, _>(0).expect("i64")
        }
    }

    /// A browser-like client: its own cookie jar, redirects not followed.
    pub fn client(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            // A hang is a failure with a message, not a stuck CI run.
            .timeout(std::time::Duration::from_secs(30))
            .build()
            .expect("client")
    }

    /// Calls a server function as the hydrated page does (JSON back, same origin).
    pub async fn rpc(&self, client: &reqwest::Client, name: &str, form: &[(&str, &str)]) -> reqwest::Response {
        client
            .post(format!("{}/rpc/{name}", self.base))
            .header("Origin", &self.base)
            .header("Accept", "application/json")
            .form(form)
            .send()
            .await
            .expect("request")
    }

    /// A client signed in as `email`.
    pub async fn signed_in(&self, email: &str) -> reqwest::Client {
        let c = self.client();
        let res = self.rpc(&c, "sign_in", &[("email", email), ("password", PASSWORD)]).await;
        assert_eq!(res.status(), 200, "sign in as {email}: {}", res.text().await.unwrap_or_default());
        c
    }

    /// Signs `client` in (again) and returns the new session token from the cookie.
    pub async fn sign_in_token(&self, client: &reqwest::Client, email: &str) -> String {
        let res = self.rpc(client, "sign_in", &[("email", email), ("password", PASSWORD)]).await;
        assert_eq!(res.status(), 200);
        let cookie = res.headers()["set-cookie"].to_str().unwrap().to_string();
        cookie.split(';').next().unwrap().split_once('=').unwrap().1.to_string()
    }

    pub async fn get(&self, client: &reqwest::Client, path: &str) -> reqwest::Response {
        client.get(format!("{}{path}", self.base)).send().await.expect("request")
    }
}

/// The `AppError` a server function answered with.
pub async fn error_of(res: reqwest::Response) -> app::kernel::error::AppError {
    let body = res.text().await.unwrap();
    serde_json::from_str(&body).unwrap_or_else(|e| panic!("not an AppError ({e}): {body}"))
}
