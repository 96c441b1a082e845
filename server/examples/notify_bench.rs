//! Benchmark (prints figures, asserts nothing): the notification engine over 100,000
//! appointments and 20 schedules. Fills a database with the demo clinic, 10,000 more cards, 20
//! more doctors and 100,000 booked appointments in the next three and a half days, saves 20
//! schedules of every type, then times the engine's ticks: the first (it queues what falls due
//! within a day), a second at once (steady state: nothing new), and one two hours later (it
//! settles what fell due). While each tick runs, a probe writes a one-row transaction every 5 ms
//! and records how long it waited: on SQLite, whose database has one writer, the longest wait
//! is the longest write transaction the engine held.
//!
//!   cargo run --release -p kabinet --example notify_bench -- sqlite:/tmp/n.db
//!   cargo run --release -p kabinet --example notify_bench -- postgres://postgres@127.0.0.1/bench

use app::features::notifications::rules::{check_schedule, ScheduleForm};
use app::features::notifications::use_cases::{dispatch, evaluate, Env};
use app::platform::store::{Actor, AuditEntry, Store};
use sqlx::Connection;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const CARDS: i64 = 10_000;
const DOCTORS: i64 = 20;
const APPOINTMENTS: i64 = 100_000;

fn main() -> anyhow::Result<()> {
    let url = std::env::args().nth(1).ok_or_else(|| anyhow::anyhow!("usage: notify_bench DATABASE_URL"))?;
    tokio::runtime::Builder::new_multi_thread().enable_all().build()?.block_on(run(&url))
}

/// `n` numbered rows: PostgreSQL's `generate_series`, SQLite's recursive CTE.
fn series(pg: bool, n: i64) -> String {
    if pg {
        format!("SELECT g AS i FROM generate_series(1, {n}) AS g")
    } else {
        format!("WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < {n}) SELECT i FROM s")
    }
}

async fn exec(url: &str, sql: &str) -> anyhow::Result<()> {
    if url.starts_with("sqlite:") {
        let mut c = sqlx::SqliteConnection::connect(url).await?;
        sqlx::raw_sql(sql).execute(&mut c).await?;
    } else {
        let mut c = sqlx::PgConnection::connect(url).await?;
        sqlx::raw_sql(sql).execute(&mut c).await?;
    }
    Ok(())
}

/// A number from 1 to 99 as two digits ("07").
fn two_digits(pg: bool, e: &str) -> String {
    if pg {
        format!("lpad(({e})::text, 2, '0')")
    } else {
        format!("substr('0' || ({e}), -2)")
    }
}

async fn fill(url: &str, now: i64) -> anyhow::Result<()> {
    let pg = !url.starts_with("sqlite:");
    let t = Instant::now();
    let (tx_begin, tx_end) = ("BEGIN;", "COMMIT;");
    // Doctors, cards, then appointments every 2 minutes per doctor from an hour from now: all
    // 100,000 within the next 3.5 days, so every tick's windows hold as many as they can.
    let day_expr = |e: &str| {
        if pg {
            format!("to_char(to_timestamp({e} + 10800) AT TIME ZONE 'UTC', 'YYYY-MM-DD')")
        } else {
            format!("date({e} + 10800, 'unixepoch')")
        }
    };
    let base = now - now.rem_euclid(3600) + 3600;
    let starts = format!("({base} + ((i - 1) / {DOCTORS}) * 120)");
    let sql = format!(
        "{tx_begin}
         INSERT INTO staff (surname, name, patronymic, specialty)
           SELECT 'Врач' || i, 'Бенч', 'Тестович', 'Терапевт' FROM ({}) s;
         INSERT INTO patient_card (surname, name, patronymic, birth_date, sex, phone, phone_kind, email, created_at)
           SELECT 'Пациент' || i, 'Имя', 'Отчество', '1980-' || {} || '-' || {},
                  'female', '+7900' || (1000000 + i), 'mobile', 'p' || i || '@bench.example', {now}
           FROM ({}) s;
         INSERT INTO appointment (staff_id, card_id, branch_id, day, start_min, duration_min, starts_at, mode, status,
                                  source, created_at, updated_at)
           SELECT (SELECT MAX(id) FROM staff) - {DOCTORS} + 1 + (i % {DOCTORS}),
                  (SELECT MAX(id) FROM patient_card) - {CARDS} + 1 + (i % {CARDS}),
                  (SELECT MIN(id) FROM branch), {}, (({starts} + 10800) % 86400) / 60, 30, {starts},
                  'in_clinic', 'booked', 'cabinet', {now} - 86400, {now} - 86400
           FROM ({}) s;
         {tx_end}",
        series(pg, DOCTORS),
        two_digits(pg, "1 + i % 12"),
        two_digits(pg, "1 + i % 28"),
        series(pg, CARDS),
        day_expr(&starts),
        series(pg, APPOINTMENTS),
    );
    exec(url, &sql).await?;
    println!(
        "   fixture: {DOCTORS} doctors, {CARDS} cards, {APPOINTMENTS} appointments in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    Ok(())
}

fn forms() -> Vec<ScheduleForm> {
    let base = |name: &str, kind: &str| ScheduleForm {
        name: name.into(),
        kind: kind.into(),
        enabled: true,
        via: "either".into(),
        sms_text: "{имя}, ждём Вас {дата} в {время}".into(),
        email_subject: "Напоминание".into(),
        email_body: "{имя_отчество}, ждём Вас {дата} в {время}, {врач}, {адрес}.".into(),
        include_same_day: true,
        ..Default::default()
    };
    let mut v = Vec::new();
    for (i, time) in ["09:00", "10:00", "12:00", "15:00", "18:00"].into_iter().enumerate() {
        v.push(ScheduleForm {
            days: (i % 3 + 1).to_string(),
            send_at: time.into(),
            ..base(&format!("За день {i}"), "days_before")
        });
    }
    for m in [60, 120, 180, 240, 300] {
        v.push(ScheduleForm { minutes: m.to_string(), ..base(&format!("За {m} минут"), "minutes_before") });
    }
    for (i, st) in ["completed", "no_show", "cancelled"].into_iter().enumerate() {
        v.push(ScheduleForm {
            minutes: "180".into(),
            status: st.into(),
            ..base(&format!("После статуса {i}"), "after_status")
        });
    }
    for d in [1, 14] {
        v.push(ScheduleForm {
            days: d.to_string(),
            send_at: "13:00".into(),
            services: vec!["1".into()],
            ..base(&format!("После услуги {d}"), "days_after_service")
        });
    }
    let greeting = |name: &str| ScheduleForm {
        sms_text: "{имя}, с днём рождения!".into(),
        email_body: "{имя_отчество}, с днём рождения!".into(),
        ..base(name, "birthday")
    };
    v.push(ScheduleForm { days: "0".into(), send_at: "12:00".into(), ..greeting("ДР") });
    v.push(ScheduleForm { days: "3".into(), send_at: "12:00".into(), ..greeting("ДР заранее") });
    let plain = |f: ScheduleForm| ScheduleForm {
        sms_text: "{имя}, новое в кабинете".into(),
        email_body: "{имя_отчество}, новое в кабинете".into(),
        ..f
    };
    v.push(plain(base("Документ", "document_delivered")));
    v.push(plain(ScheduleForm { minutes: "30".into(), ..base("Результаты", "result_ready") }));
    v.push(plain(ScheduleForm { minutes: "30".into(), ..base("Новое сообщение", "new_message") }));
    v.push(plain(ScheduleForm { minutes: "120".into(), ..base("Новое сообщение 2", "new_message") }));
    v
}

/// A writer beside the engine, on a thread of its own: a one-row transaction every 5 ms; the
/// longest it waited.
fn probe(url: String, stop: Arc<AtomicBool>, longest_us: Arc<AtomicU64>) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("probe runtime");
        rt.block_on(async move {
            let store = kabinet_server::db::open(&url).await.expect("probe store");
            while !stop.load(Ordering::Relaxed) {
                let t = Instant::now();
                let entry = AuditEntry::by(&Actor::system("probe"), 0, "bench.probe");
                let _ = store.audit(entry).await;
                longest_us.fetch_max(t.elapsed().as_micros() as u64, Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        })
    })
}

async fn timed(store: &dyn Store, url: &str, env: &Env, at: i64, label: &str) -> anyhow::Result<()> {
    let stop = Arc::new(AtomicBool::new(false));
    let longest = Arc::new(AtomicU64::new(0));
    let p = probe(url.to_string(), stop.clone(), longest.clone());
    tokio::time::sleep(Duration::from_millis(50)).await;
    // The two halves of a tick, timed apart: queuing, then settling what is due.
    let t = Instant::now();
    let queued = evaluate(store, env, at).await?;
    let queuing = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let r = dispatch(store, env, at).await?;
    let settling = t.elapsed().as_secs_f64();
    stop.store(true, Ordering::Relaxed);
    p.join().map_err(|_| anyhow::anyhow!("probe panicked"))?;
    println!(
        "   {label:<30} queue {queuing:6.2} s: {queued:>7} new ({:>7.0}/s)   settle {settling:6.2} s: sent {:>6} ({:>5.0}/s), cancelled {:>5}   longest write wait {:>6.1} ms",
        queued as f64 / queuing.max(0.001),
        r.sent,
        r.sent as f64 / settling.max(0.001),
        r.cancelled,
        longest.load(Ordering::Relaxed) as f64 / 1000.0
    );
    Ok(())
}

async fn run(url: &str) -> anyhow::Result<()> {
    let store = kabinet_server::db::open(url).await?;
    store.load_seed(&kabinet_server::demo::seed()).await?;
    let now = kabinet_server::now();
    fill(url, now).await?;
    for form in forms() {
        let s = check_schedule(&form).map_err(|e| anyhow::anyhow!("{}: {e:?}", form.name))?;
        let audit = AuditEntry::by(&Actor::system("bench"), now, "notify_schedule.create");
        store.notify_schedule_save(None, &s, now - 7 * 86_400, audit).await?;
    }
    // No quiet hours: every reminder falls due at its own time.
    exec(url, "UPDATE clinic SET quiet_from_min = 0, quiet_to_min = 0").await?;
    let env = Env {
        utc_offset_minutes: 180,
        phone_first: true,
        public_url: "https://kabinet.example".into(),
        clinic_name: "Клиника".into(),
        video_base_url: "https://video.example/room".into(),
        video_link_minutes: 15,
    };
    timed(&*store, url, &env, now, "tick 1 (a day ahead)").await?;
    timed(&*store, url, &env, now + 30, "tick 2 (+30 s)").await?;
    timed(&*store, url, &env, now + 60, "tick 3 (+60 s)").await?;
    timed(&*store, url, &env, now + 2 * 3600, "tick 4 (+2 h)").await?;
    timed(&*store, url, &env, now + 2 * 3600 + 30, "tick 5 (+2 h 30 s)").await?;
    Ok(())
}
