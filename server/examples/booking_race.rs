//! Benchmark (prints figures, asserts nothing): 500 concurrent clients race for the 20 free
//! times of one doctor's day through the real HTTP server, and the run prints how many
//! appointments were created (it must be 20), the latency percentiles and the errors.
//!
//!   cargo run --release -p kabinet --example booking_race -- sqlite
//!   cargo run --release -p kabinet --example booking_race -- postgres   (KABINET_TEST_PG_URL)
//!
//! Fifty patients share the 500 clients (ten each); the clinic's per-doctor limit is raised so
//! that only the race decides who gets a time.

use app::features::booking::rules::format_hhmm;
use app::features::booking::store::{BookingSettingsRecord, ScheduleDayRecord};
use app::platform::store::{Actor, AuditEntry, SeedAccount, SeedCard};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

const CLIENTS: usize = 500;
const PATIENTS: usize = 50;
const SLOTS: u16 = 20;

fn audit() -> AuditEntry {
    AuditEntry::by(&Actor::system("bench"), kabinet_server::now(), "bench")
}

/// A fresh database URL for the backend, and what removes it afterwards.
async fn database(backend: &str) -> anyhow::Result<(String, Option<tempfile::TempDir>, Option<(String, String)>)> {
    match backend {
        "sqlite" => {
            let dir = tempfile::tempdir()?;
            let url = format!("sqlite:{}", dir.path().join("bench.db").display());
            Ok((url, Some(dir), None))
        }
        "postgres" => {
            use sqlx::Connection;
            let admin = std::env::var("KABINET_TEST_PG_URL")
                .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
            let mut c = sqlx::PgConnection::connect(&admin).await?;
            let name = format!("kabinet_bench_{}", std::process::id());
            sqlx::query(&format!("DROP DATABASE IF EXISTS {name}")).execute(&mut c).await?;
            sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut c).await?;
            let base = admin.rsplit_once('/').map(|(b, _)| b.to_string()).unwrap_or(admin.clone());
            Ok((format!("{base}/{name}"), None, Some((admin, name))))
        }
        other => anyhow::bail!("backend must be sqlite or postgres, not {other}"),
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

fn main() -> anyhow::Result<()> {
    let backend = std::env::args().nth(1).unwrap_or_else(|| "sqlite".into());
    // The server runs as `kabinet serve` does by default: one worker thread per CPU.
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    let server_rt = tokio::runtime::Builder::new_multi_thread().worker_threads(workers).enable_all().build()?;
    let client_rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;

    let (url, _dir, pg) = client_rt.block_on(database(&backend))?;
    let mut seed = kabinet_server::demo::seed();
    let hash = app::platform::auth::hash_password_blocking(kabinet_server::demo::PASSWORD);
    for i in 0..PATIENTS {
        seed.cards.push(SeedCard {
            key: format!("bench-{i}"),
            surname: "Тестов".into(),
            name: format!("Пациент{i}"),
            patronymic: None,
            birth_date: time::macros::date!(1990 - 01 - 01),
            sex: app::kernel::person::Sex::Male,
            phone: None,
            phone_confirmed: false,
            email: None,
            incapacitated: false,
            consents_signed: true,
        });
        seed.accounts.push(SeedAccount {
            email: app::kernel::email::Email::parse(&format!("bench-{i}@kabinet.example")).expect("e-mail"),
            password_hash: hash.clone(),
            card: Some(format!("bench-{i}")),
            staff: None,
        });
    }

    let (base, store, day, doctor, service) = server_rt.block_on(async {
        let store = kabinet_server::db::open(&url).await?;
        store.load_seed(&seed).await?;
        store
            .save_booking_settings(
                BookingSettingsRecord {
                    online_discount_percent: 0,
                    max_future_per_doctor: 50,
                    cancel_close_minutes: 120,
                    horizon_days: app::features::booking::rules::BOOKING_HORIZON_DAYS,
                },
                audit(),
            )
            .await?;
        let doctor = store.doctors(true).await?.into_iter().next().expect("an online doctor");
        let service = store.service_links(Some(doctor.id)).await?.first().map(|l| l.service_id);
        let day = app::kernel::time_fmt::local_date(kabinet_server::now(), 180) + time::Duration::days(10);
        store
            .save_schedule_day(
                ScheduleDayRecord {
                    staff_id: doctor.id,
                    day,
                    branch_id: 1,
                    branch_name: String::new(),
                    start_min: 9 * 60,
                    end_min: 9 * 60 + SLOTS * 30,
                    step_min: 30,
                    breaks: String::new(),
                },
                audit(),
            )
            .await?;
        let settings = kabinet_server::config::Settings::from_lookup(|k| match k {
            "KABINET_ADDR" => Some("127.0.0.1:0".into()),
            "KABINET_DATABASE_URL" => Some(url.clone()),
            "KABINET_SITE_ROOT" => Some("/nonexistent-site-root".into()),
            _ => None,
        })?;
        let app = kabinet_server::build_with_store(settings, store.clone(), Arc::new(kabinet_server::now)).await?;
        let base = format!("http://127.0.0.1:{}", app.port());
        tokio::spawn(app.run_until_stopped());
        anyhow::Ok((base, store, day, doctor.id, service))
    })?;

    let outcome = client_rt.block_on(async {
        let mut clients = Vec::new();
        for i in 0..PATIENTS {
            let c = reqwest::Client::builder().cookie_store(true).timeout(Duration::from_secs(60)).build()?;
            let res = c
                .post(format!("{base}/rpc/sign_in"))
                .header("Origin", &base)
                .header("Accept", "application/json")
                .form(&[
                    ("email", format!("bench-{i}@kabinet.example")),
                    ("password", kabinet_server::demo::PASSWORD.into()),
                ])
                .send()
                .await?;
            anyhow::ensure!(res.status().is_success(), "sign-in of bench-{i}: {}", res.status());
            clients.push(c);
        }
        let started = Instant::now();
        let mut tasks = Vec::new();
        for i in 0..CLIENTS {
            let c = clients[i % PATIENTS].clone();
            let base = base.clone();
            let time = format_hhmm(9 * 60 + (i as u16 % SLOTS) * 30);
            let form = vec![
                ("doctor", doctor.to_string()),
                ("service", service.map(|s| s.to_string()).unwrap_or_default()),
                ("day", day.to_string()),
                ("time", time),
            ];
            tasks.push(tokio::spawn(async move {
                let t = Instant::now();
                let res = c
                    .post(format!("{base}/rpc/book_appointment"))
                    .header("Origin", &base)
                    .header("Accept", "application/json")
                    .form(&form)
                    .send()
                    .await;
                (res.map(|r| r.status().as_u16()).unwrap_or(0), t.elapsed())
            }));
        }
        let mut statuses: BTreeMap<u16, usize> = BTreeMap::new();
        let mut latencies = Vec::new();
        for t in tasks {
            let (status, elapsed) = t.await?;
            *statuses.entry(status).or_default() += 1;
            latencies.push(elapsed);
        }
        anyhow::Ok((statuses, latencies, started.elapsed()))
    })?;
    let (statuses, mut latencies, wall) = outcome;
    latencies.sort();

    let created = server_rt.block_on(async {
        let rows = store.appointments_for_day(doctor, day).await?;
        anyhow::Ok(rows.iter().filter(|a| a.status.is_active()).count())
    })?;
    let errors: usize = statuses.iter().filter(|(s, _)| !matches!(**s, 200 | 409 | 422)).map(|(_, n)| n).sum();
    println!("== Booking race ({backend}): {CLIENTS} concurrent clients, {PATIENTS} patients, {SLOTS} free times");
    println!("   appointments created: {created} (of {SLOTS} times)");
    println!("   answers: {}", statuses.iter().map(|(s, n)| format!("{s} × {n}")).collect::<Vec<_>>().join(", "));
    println!(
        "   latency p50 {:.0} ms   p95 {:.0} ms   p99 {:.0} ms   max {:.0} ms   wall {:.2} s",
        percentile(&latencies, 0.50).as_secs_f64() * 1e3,
        percentile(&latencies, 0.95).as_secs_f64() * 1e3,
        percentile(&latencies, 0.99).as_secs_f64() * 1e3,
        latencies.last().copied().unwrap_or_default().as_secs_f64() * 1e3,
        wall.as_secs_f64()
    );
    println!("   errors (not 200, 409 or 422): {errors}");

    if let Some((admin, name)) = pg {
        drop(store);
        client_rt.block_on(async {
            use sqlx::Connection;
            let mut c = sqlx::PgConnection::connect(&admin).await?;
            sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&mut c).await?;
            anyhow::Ok(())
        })?;
    }
    Ok(())
}
