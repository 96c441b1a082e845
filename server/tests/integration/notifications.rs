//! Notifications through the real server and store, on SQLite and (with
//! KABINET_TEST_BACKEND=postgres) PostgreSQL, with the test clock: a schedule fires at the
//! clinic's local time, once; quiet hours hold it; a refusal made between queuing and sending
//! wins; a cancelled visit's reminder is not sent and a moved one is re-timed; two evaluators
//! racing queue each notification once; an SMTP outage delays mail without losing or doubling
//! it; a template with an unknown parameter is refused.

use crate::booking::{book, pick};
use crate::outbox::{body_of, SmtpSink};
use crate::support::{error_of, spawn_app, TestApp};
use app::features::notifications::rules::{at_local, Reason, Status};
use app::features::notifications::store::{LogFilter, LogRecord};
use app::features::notifications::use_cases::{tick, Env};
use app::kernel::error::{AppError, Problem};
use std::net::TcpListener;
use time::Duration;

const OFFSET: i32 = 180;

fn env() -> Env {
    Env {
        utc_offset_minutes: OFFSET,
        // E-mail first, so the reminders reach the SMTP server on loopback.
        phone_first: false,
        public_url: "http://portal.test".into(),
        clinic_name: "Клиника «Здоровье»".into(),
        video_base_url: "https://video.test/room".into(),
        video_link_minutes: 15,
    }
}

/// A schedule saved by the head through the form's server function; its id.
async fn schedule(app: &TestApp, head: &reqwest::Client, fields: &[(&str, &str)]) -> i64 {
    let res = app.rpc(head, "notify_schedule_save", fields).await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap_or_default());
    res.json().await.unwrap()
}

fn reminder<'a>(name: &'a str, kind: &'a str, extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut f = vec![
        ("name", name),
        ("kind", kind),
        ("enabled", "on"),
        ("via", "email"),
        ("sms_text", "{имя}, ждём Вас {дата} в {время}"),
        ("email_subject", "Напоминание о приёме {дата}"),
        ("email_body", "{имя_отчество}, ждём Вас {дата} в {время}, врач {врач}, {адрес}. {клиника}"),
    ];
    f.extend_from_slice(extra);
    f
}

async fn log(app: &TestApp, schedule_id: i64) -> Vec<LogRecord> {
    let filter = LogFilter { schedule_id: Some(schedule_id), limit: 100, ..Default::default() };
    app.store.notify_log(&filter).await.unwrap()
}

/// Books the patient's first free time at least `ahead` days away; (appointment id, day, starts_at).
async fn booked(app: &TestApp, patient: &reqwest::Client, ahead: i64, nth: usize) -> (i64, time::Date, i64) {
    let p = pick(app, patient, "Терапевт", Some("B01.047.002"), ahead).await;
    let res = book(app, patient, &p, &p.times[nth]).await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap_or_default());
    let id: i64 = res.json().await.unwrap();
    let a = app.store.notify_appointment(id).await.unwrap().unwrap();
    (id, a.day, a.starts_at)
}

/// «Новое сообщение» after 30 minutes, by e-mail.
async fn new_message_schedule(app: &TestApp, head: &reqwest::Client) -> i64 {
    let fields = [
        ("name", "Новое сообщение"),
        ("kind", "new_message"),
        ("enabled", "on"),
        ("via", "email"),
        ("minutes", "30"),
        ("email_subject", "Новое сообщение"),
        ("email_body", "{имя}, для Вас новое сообщение в личном кабинете: {ссылка_на_запись}"),
    ];
    schedule(app, head, &fields).await
}

/// The demo clinic's quiet hours (21:00–09:00) off, so a reminder goes at its own time.
async fn no_quiet_hours(app: &TestApp) {
    app.raw_sql("UPDATE clinic SET quiet_from_min = 0, quiet_to_min = 0").await;
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

#[tokio::test]
async fn a_reminder_days_before_fires_at_the_clinics_time_once_and_reaches_the_mail_server() {
    let app = spawn_app().await;
    no_quiet_hours(&app).await;
    let head = app.signed_in("head@kabinet.example").await;
    let patient = app.signed_in("patient@kabinet.example").await;
    let id = schedule(&app, &head, &reminder("За день", "days_before", &[("days", "1"), ("send_at", "10:00")])).await;
    let (appointment, day, _) = booked(&app, &patient, 3, 0).await;
    // 10:00 in the clinic (UTC+3) the day before: 07:00 UTC.
    let fire = at_local(day - Duration::days(1), 600, OFFSET);
    assert_eq!(time::OffsetDateTime::from_unix_timestamp(fire).unwrap().hour(), 7);

    // Within the horizon it is queued, once, however often the evaluator runs.
    let r = tick(&*app.store, &env(), fire - 3600).await.unwrap();
    assert_eq!((r.queued, r.sent), (1, 0));
    let r = tick(&*app.store, &env(), fire - 1800).await.unwrap();
    assert_eq!((r.queued, r.sent), (0, 0));
    let lines = log(&app, id).await;
    assert_eq!(lines.len(), 1);
    assert_eq!((lines[0].status, lines[0].due_at), (Status::Queued, fire));

    // At its time it goes, once.
    let r = tick(&*app.store, &env(), fire).await.unwrap();
    assert_eq!(r.sent, 1);
    let r = tick(&*app.store, &env(), fire + 60).await.unwrap();
    assert_eq!((r.queued, r.sent), (0, 0));

    let maildir = tempfile::tempdir().unwrap();
    let port = free_port();
    let sink = SmtpSink::start(port, maildir.path());
    let mailer =
        kabinet_server::mail::SmtpMailer::new(&format!("smtp://127.0.0.1:{port}"), "Клиника <clinic@kabinet.example>")
            .unwrap();
    assert_eq!(kabinet_server::mail::drain_once(&*app.store, &mailer, fire + 5).await.unwrap(), 1);
    assert_eq!(kabinet_server::mail::drain_once(&*app.store, &mailer, fire + 600).await.unwrap(), 0);
    let received = sink.messages();
    assert_eq!(received.len(), 1);
    let body = body_of(&received[0]);
    let date = app::kernel::time_fmt::format_date(day, app::i18n::Lang::Ru);
    assert!(body.contains(&format!("Анна Петровна, ждём Вас {date} в")), "{body}");
    assert!(body.contains("врач Соколов Андрей Викторович"), "{body}");
    assert!(received[0].contains("To: patient@kabinet.example"), "{}", received[0]);
    let lines = log(&app, id).await;
    assert_eq!(lines[0].status, Status::Sent);
    assert!(lines[0].delivered_at.is_some());

    // The appointment's history shows the communication status, naming the schedule.
    let events = app.store.appointment_events(appointment).await.unwrap();
    let notified = events.iter().find(|e| e.action == "notified_email").expect("«Отправили e-mail» in the history");
    assert_eq!(notified.detail, "За день");
    // The patient sees it in «Учётная запись».
    let mine: Vec<app::features::notifications::api::SentToMe> =
        app.rpc(&patient, "notify_mine", &[]).await.json().await.unwrap();
    assert_eq!(mine.len(), 1);
    assert!(mine[0].body.contains(&date));
}

#[tokio::test]
async fn quiet_hours_hold_a_reminder_and_a_change_of_plan_cancels_or_re_times_it() {
    let app = spawn_app().await;
    let head = app.signed_in("head@kabinet.example").await;
    let patient = app.signed_in("patient@kabinet.example").await;
    // 22:00 two days before falls in the quiet hours (21:00–09:00): it waits for 09:00.
    let late = schedule(&app, &head, &reminder("Вечером", "days_before", &[("days", "2"), ("send_at", "22:00")])).await;
    let soon = schedule(&app, &head, &reminder("За 2 часа", "minutes_before", &[("minutes", "120")])).await;
    let (a, day, starts_at) = booked(&app, &patient, 3, 0).await;
    let evening = at_local(day - Duration::days(2), 22 * 60, OFFSET);
    tick(&*app.store, &env(), evening - 3600).await.unwrap();
    let line = log(&app, late).await.pop().unwrap();
    assert_eq!(line.due_at, at_local(day - Duration::days(1), 9 * 60, OFFSET), "moved to the end of the quiet hours");
    no_quiet_hours(&app).await;

    // Queued for two hours before; then the patient moves the visit: the old reminder is
    // cancelled as moved and one for the new time is queued.
    tick(&*app.store, &env(), starts_at - 3 * 3600).await.unwrap();
    let first = log(&app, soon).await;
    assert_eq!((first.len(), first[0].due_at), (1, starts_at - 7200));
    let p = pick(&app, &patient, "Терапевт", Some("B01.047.002"), 3).await;
    let to = p.times.iter().rev().find(|t| *t != &p.times[0]).unwrap().clone();
    let res =
        app.rpc(&patient, "reschedule_appointment", &[("id", &a.to_string()), ("day", &p.day), ("time", &to)]).await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap_or_default());
    let moved_to = app.store.notify_appointment(a).await.unwrap().unwrap().starts_at;
    assert_ne!(moved_to, starts_at);
    let r = tick(&*app.store, &env(), starts_at - 7200).await.unwrap();
    assert_eq!(r.cancelled, 1);
    let lines = log(&app, soon).await;
    let old = lines.iter().find(|l| l.due_at == starts_at - 7200).unwrap();
    assert_eq!((old.status, old.reason), (Status::Cancelled, Some(Reason::Moved)));
    // The new time is later the same day: within the day the evaluator looks ahead.
    assert!(moved_to > starts_at && moved_to - starts_at < 86_400);
    let new = lines.iter().find(|l| l.due_at == moved_to - 7200).expect("re-timed");
    assert_eq!(new.status, Status::Queued);

    // Cancelled before its time: not sent.
    tick(&*app.store, &env(), moved_to - 3 * 3600).await.unwrap();
    let res = app.rpc(&patient, "cancel_appointment", &[("id", &a.to_string()), ("reason", "Заболел")]).await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap_or_default());
    let outbox_before = app.scalar("SELECT COUNT(*) FROM outbox").await;
    let r = tick(&*app.store, &env(), moved_to - 7200).await.unwrap();
    assert_eq!(r.sent, 0);
    let new = log(&app, soon).await.into_iter().find(|l| l.due_at == moved_to - 7200).unwrap();
    assert_eq!((new.status, new.reason), (Status::Cancelled, Some(Reason::AppointmentCancelled)));
    assert_eq!(app.scalar("SELECT COUNT(*) FROM outbox").await, outbox_before);
}

#[tokio::test]
async fn a_refusal_made_between_queuing_and_sending_wins() {
    let app = spawn_app().await;
    no_quiet_hours(&app).await;
    let head = app.signed_in("head@kabinet.example").await;
    let patient = app.signed_in("patient@kabinet.example").await;
    let id = schedule(&app, &head, &reminder("За 2 часа", "minutes_before", &[("minutes", "120")])).await;
    let (_, _, starts_at) = booked(&app, &patient, 2, 0).await;
    tick(&*app.store, &env(), starts_at - 4 * 3600).await.unwrap();
    assert_eq!(log(&app, id).await[0].status, Status::Queued);
    // «Отказ от всех уведомлений», from the account page.
    let res = app.rpc(&patient, "set_my_refusals", &[("notifications", "on")]).await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap_or_default());
    let outbox_before = app.scalar("SELECT COUNT(*) FROM outbox").await;
    let r = tick(&*app.store, &env(), starts_at - 7200).await.unwrap();
    assert_eq!((r.sent, r.cancelled), (0, 1));
    let line = &log(&app, id).await[0];
    assert_eq!((line.status, line.reason), (Status::Cancelled, Some(Reason::Refused)));
    assert_eq!(app.scalar("SELECT COUNT(*) FROM outbox").await, outbox_before);
}

#[tokio::test]
async fn marketing_skips_those_who_refused_advertising_when_queuing() {
    let app = spawn_app().await;
    let head = app.signed_in("head@kabinet.example").await;
    let id = schedule(
        &app,
        &head,
        &[
            ("name", "С днём рождения"),
            ("kind", "birthday"),
            ("enabled", "on"),
            ("via", "either"),
            ("days", "0"),
            ("send_at", "12:00"),
            ("sms_text", "{имя}, с днём рождения! {клиника}"),
            ("email_subject", "С днём рождения"),
            ("email_body", "{имя_отчество}, поздравляем! Ждём Вас: {ссылка_на_запись}"),
        ],
    )
    .await;
    app.raw_sql("UPDATE patient_card SET refused_advertising = TRUE WHERE surname = 'Петров' AND name = 'Дмитрий'")
        .await;
    // Everyone born today and tomorrow: move two cards' birthdays there.
    let today = app::kernel::time_fmt::local_date(app.clock.now(), OFFSET);
    let tomorrow = today + Duration::days(1);
    let born = |y: i32| format!("{y}-{:02}-{:02}", tomorrow.month() as u8, tomorrow.day());
    app.raw_sql(&format!("UPDATE patient_card SET birth_date = '{}' WHERE surname = 'Иванова'", born(1985))).await;
    app.raw_sql(&format!(
        "UPDATE patient_card SET birth_date = '{}' WHERE surname = 'Петров' AND name = 'Дмитрий'",
        born(1980)
    ))
    .await;
    let noon = at_local(tomorrow, 12 * 60, OFFSET);
    tick(&*app.store, &env(), noon - 3600).await.unwrap();
    let lines = log(&app, id).await;
    let ivanova = lines.iter().find(|l| l.patient.starts_with("Иванова")).expect("Иванова queued");
    assert_eq!(ivanova.status, Status::Queued);
    let petrov = lines
        .iter()
        .find(|l| l.patient.starts_with("Петров Дмитрий"))
        .unwrap_or_else(|| panic!("Петров considered: {lines:?}"));
    assert_eq!((petrov.status, petrov.reason), (Status::Cancelled, Some(Reason::RefusedAdvertising)));
    let r = tick(&*app.store, &env(), noon).await.unwrap();
    assert!(r.sent >= 1);
    let sent = log(&app, id).await.into_iter().find(|l| l.patient.starts_with("Иванова")).unwrap();
    assert_eq!(sent.status, Status::Sent);
    assert_eq!(sent.subject.as_deref(), Some("С днём рождения"));
    assert!(sent.body.as_deref().unwrap().contains("Анна Петровна, поздравляем! Ждём Вас: http://portal.test/booking"));
}

#[tokio::test]
async fn two_evaluators_racing_queue_and_send_each_notification_once() {
    let app = spawn_app().await;
    no_quiet_hours(&app).await;
    let head = app.signed_in("head@kabinet.example").await;
    let patient = app.signed_in("patient@kabinet.example").await;
    let id = schedule(&app, &head, &reminder("За 2 часа", "minutes_before", &[("minutes", "120")])).await;
    let (_, _, first) = booked(&app, &patient, 2, 0).await;
    let (_, _, second) = booked(&app, &patient, 2, 1).await;
    // A second process on the same database: its own pool, as a replica has.
    let other = kabinet_server::db::open(&app.db.url).await.unwrap();
    let at = first.max(second) - 7200;
    let e = env();
    let (mut queued, mut sent) = (0, 0);
    for now in [first.min(second) - 4 * 3600, at] {
        let (a, b) = tokio::join!(tick(&*app.store, &e, now), tick(&*other, &e, now));
        let (a, b) = (a.unwrap(), b.unwrap());
        queued += a.queued + b.queued;
        sent += a.sent + b.sent;
    }
    assert_eq!((queued, sent), (2, 2), "between them, each queued and sent once");
    let lines = log(&app, id).await;
    assert_eq!(lines.len(), 2, "one notification per appointment");
    assert!(lines.iter().all(|l| l.status == Status::Sent), "{lines:?}");
    let outbox_rows = app
        .scalar(&format!(
            "SELECT COUNT(*) FROM outbox o JOIN notification n ON n.outbox_id = o.id WHERE n.schedule_id = {id}"
        ))
        .await;
    assert_eq!(outbox_rows, 2);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM outbox WHERE recipient = 'patient@kabinet.example'").await, 2);
}

#[tokio::test]
async fn an_hour_without_the_mail_server_delays_reminders_without_losing_or_doubling_them() {
    let app = spawn_app().await;
    no_quiet_hours(&app).await;
    let head = app.signed_in("head@kabinet.example").await;
    let patient = app.signed_in("patient@kabinet.example").await;
    // Five hours before: the outage ends well before either visit begins (a reminder whose visit
    // has begun is not sent late).
    let id = schedule(&app, &head, &reminder("За 5 часов", "minutes_before", &[("minutes", "300")])).await;
    let (_, _, first) = booked(&app, &patient, 2, 0).await;
    let (_, _, second) = booked(&app, &patient, 2, 1).await;
    let at = first.max(second) - 5 * 3600;
    tick(&*app.store, &env(), first.min(second) - 7 * 3600).await.unwrap();
    tick(&*app.store, &env(), at).await.unwrap();
    let port = free_port();
    let mailer =
        kabinet_server::mail::SmtpMailer::new(&format!("smtp://127.0.0.1:{port}"), "clinic@kabinet.example").unwrap();
    // Nothing listens: every attempt for an hour fails and is kept.
    for minute in (0..60).step_by(10) {
        kabinet_server::mail::drain_once(&*app.store, &mailer, at + minute * 60).await.unwrap();
    }
    let lines = log(&app, id).await;
    assert!(lines.iter().all(|l| l.delivered_at.is_none() && l.error.is_some()), "{lines:?}");
    let staff_view: app::features::notifications::api::LogView =
        app.rpc(&head, "notify_log", &[("schedule", &id.to_string())]).await.json().await.unwrap();
    assert!(staff_view.rows.iter().all(|r| r.status == Status::Failed && r.error.is_some()));
    // The server is back: both go, once.
    let maildir = tempfile::tempdir().unwrap();
    let sink = SmtpSink::start(port, maildir.path());
    let mut sent = 0;
    for minute in (60..180).step_by(10) {
        sent += kabinet_server::mail::drain_once(&*app.store, &mailer, at + minute * 60).await.unwrap();
    }
    assert_eq!(sent, 2);
    assert_eq!(sink.messages().len(), 2);
    assert!(log(&app, id).await.iter().all(|l| l.delivered_at.is_some()));
}

#[tokio::test]
async fn a_template_with_an_unknown_parameter_or_a_bad_time_is_refused_and_changes_nothing() {
    let app = spawn_app().await;
    let head = app.signed_in("head@kabinet.example").await;
    let bad = reminder("За день", "days_before", &[("days", "1"), ("send_at", "10:00")])
        .into_iter()
        .map(|(k, v)| if k == "sms_text" { (k, "{фамилия}, ждём Вас") } else { (k, v) })
        .collect::<Vec<_>>();
    let res = app.rpc(&head, "notify_schedule_save", &bad).await;
    assert_eq!(res.status(), 422);
    match error_of(res).await {
        AppError::Validation(errors) => {
            assert_eq!(errors.len(), 1);
            assert_eq!((errors[0].field.as_str(), errors[0].problem), ("sms_text", Problem::UnknownParameter));
        }
        other => panic!("{other:?}"),
    }
    let res = app
        .rpc(&head, "notify_schedule_save", &reminder("x", "days_before", &[("days", "1"), ("send_at", "24:30")]))
        .await;
    assert!(matches!(error_of(res).await, AppError::Validation(e) if e[0].field == "send_at"));
    // A doctor's visit parameter in a birthday greeting names no visit.
    let res = app
        .rpc(
            &head,
            "notify_schedule_save",
            &[
                ("name", "ДР"),
                ("kind", "birthday"),
                ("via", "sms"),
                ("days", "0"),
                ("send_at", "12:00"),
                ("sms_text", "{имя}, Вас ждёт {врач}"),
            ],
        )
        .await;
    assert!(matches!(error_of(res).await, AppError::Validation(e) if e[0].problem == Problem::UnknownParameter));
    // Only the head sets schedules.
    let desk = app.signed_in("registrar@kabinet.example").await;
    let res = app
        .rpc(&desk, "notify_schedule_save", &reminder("x", "days_before", &[("days", "1"), ("send_at", "10:00")]))
        .await;
    assert_eq!(res.status(), 403);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM notify_schedule").await, 0);
    // The desk reads the log; a patient does not.
    assert_eq!(app.rpc(&desk, "notify_log", &[]).await.status(), 200);
    let patient = app.signed_in("patient@kabinet.example").await;
    assert_eq!(app.rpc(&patient, "notify_log", &[]).await.status(), 403);
}

#[tokio::test]
async fn an_unread_broadcast_brings_one_notice_per_patient_and_opening_it_first_cancels_that_one() {
    let app = spawn_app().await;
    no_quiet_hours(&app).await;
    let head = app.signed_in("head@kabinet.example").await;
    let id = new_message_schedule(&app, &head).await;
    let editor = app.signed_in("editor@kabinet.example").await;
    let res = app
        .rpc(&editor, "broadcast_save", &[("title", "Часы работы"), ("body", "С 1 января."), ("audience", "all")])
        .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap_or_default());
    let broadcast: i64 = res.json().await.unwrap();
    assert_eq!(app.rpc(&editor, "broadcast_send", &[("id", &broadcast.to_string())]).await.status(), 200);
    let recipients =
        app.scalar(&format!("SELECT COUNT(*) FROM broadcast_delivery WHERE broadcast_id = {broadcast}")).await;
    assert!(recipients >= 3, "{recipients}");
    let sent_at = app.scalar(&format!("SELECT sent_at FROM broadcast WHERE id = {broadcast}")).await;
    let r = tick(&*app.store, &env(), sent_at + 60).await.unwrap();
    assert_eq!((r.queued as i64, r.sent), (recipients, 0), "one queued per patient it reached");
    // Иванова opens it within the half hour; the others do not.
    let patient = app.signed_in("patient@kabinet.example").await;
    assert_eq!(app.rpc(&patient, "messages_broadcast", &[("id", &broadcast.to_string())]).await.status(), 200);
    let r = tick(&*app.store, &env(), sent_at + 1800).await.unwrap();
    assert_eq!((r.sent as i64, r.cancelled), (recipients - 1, 1));
    let lines = log(&app, id).await;
    let mut cards: Vec<i64> = lines.iter().map(|l| l.card_id).collect();
    cards.dedup();
    assert_eq!(cards.len() as i64, recipients);
    let ivanova = lines.iter().find(|l| l.patient.starts_with("Иванова")).unwrap();
    assert_eq!((ivanova.status, ivanova.reason), (Status::Cancelled, Some(Reason::Read)));
    let sent: Vec<_> = lines.iter().filter(|l| l.status == Status::Sent).collect();
    assert!(!sent.is_empty());
    assert!(sent.iter().all(|l| l.body.as_deref().unwrap().contains("для Вас новое сообщение в личном кабинете")));
    // Nothing more, however often it runs.
    let r = tick(&*app.store, &env(), sent_at + 3600).await.unwrap();
    assert_eq!((r.queued, r.sent), (0, 0));
}

/// Posts a message form as the upload island does; the dialogue's id.
async fn write(app: &TestApp, c: &reqwest::Client, path: &str, fields: &[(&str, &str)]) -> i64 {
    let mut form = reqwest::multipart::Form::new();
    for (k, v) in fields {
        form = form.text(k.to_string(), v.to_string());
    }
    let res = c
        .post(format!("{}{path}", app.base))
        .header("Origin", &app.base)
        .header("Accept", "application/json")
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap_or_default());
    res.json::<serde_json::Value>().await.unwrap()["upload"].as_i64().unwrap()
}

#[tokio::test]
async fn answers_left_unread_bring_one_notice_per_stretch_of_unread() {
    let app = spawn_app().await;
    no_quiet_hours(&app).await;
    let head = app.signed_in("head@kabinet.example").await;
    let id = new_message_schedule(&app, &head).await;
    let patient = app.signed_in("patient@kabinet.example").await;
    let desk = app.signed_in("registrar@kabinet.example").await;
    let fields = [("recipient", "desk"), ("subject", "documents"), ("body", "Нужна справка")];
    let dialogue = write(&app, &patient, "/messages/send", &fields).await;
    let start = app.clock.now();
    // Two answers in a row: one stretch of unread, one notice.
    write(&app, &desk, &format!("/staff/messages/{dialogue}/send"), &[("body", "Готовим.")]).await;
    app.clock.advance(300);
    write(&app, &desk, &format!("/staff/messages/{dialogue}/send"), &[("body", "Готова.")]).await;
    let r = tick(&*app.store, &env(), start + 1800).await.unwrap();
    assert_eq!((r.queued, r.sent), (1, 1));
    // Read, then a new answer left unread: a second notice, 30 minutes after it.
    assert_eq!(app.rpc(&patient, "messages_dialogue", &[("id", &dialogue.to_string())]).await.status(), 200);
    app.clock.advance(3600);
    // An hour later both have signed in again (sessions idle out after 30 minutes).
    let (patient, desk) =
        (app.signed_in("patient@kabinet.example").await, app.signed_in("registrar@kabinet.example").await);
    let again = app.clock.now();
    write(&app, &desk, &format!("/staff/messages/{dialogue}/send"), &[("body", "Заберите в регистратуре.")]).await;
    let r = tick(&*app.store, &env(), again + 1799).await.unwrap();
    assert_eq!((r.queued, r.sent), (1, 0), "queued for its time");
    // Read before its time: cancelled.
    assert_eq!(app.rpc(&patient, "messages_dialogue", &[("id", &dialogue.to_string())]).await.status(), 200);
    let r = tick(&*app.store, &env(), again + 1800).await.unwrap();
    assert_eq!((r.sent, r.cancelled), (0, 1));
    let lines = log(&app, id).await;
    assert_eq!(lines.len(), 2);
    assert_eq!(lines.iter().filter(|l| l.status == Status::Sent).count(), 1);
    assert_eq!(lines.iter().filter(|l| l.reason == Some(Reason::Read)).count(), 1);
}

#[tokio::test]
async fn editing_a_schedule_keeps_its_reminders_and_a_status_message_goes_once_wherever_the_visit_moves() {
    let app = spawn_app().await;
    no_quiet_hours(&app).await;
    let head = app.signed_in("head@kabinet.example").await;
    let patient = app.signed_in("patient@kabinet.example").await;
    let desk = app.signed_in("registrar@kabinet.example").await;
    let fields = reminder("За 2 часа", "minutes_before", &[("minutes", "120")]);
    let soon = schedule(&app, &head, &fields).await;
    let thanks = schedule(
        &app,
        &head,
        &reminder(
            "Спасибо за подтверждение",
            "after_status",
            // The visit was booked today: «учитывать записи, созданные в день отправки».
            &[("minutes", "60"), ("status", "confirmed"), ("include_same_day", "on")],
        ),
    )
    .await;
    let (a, day, starts_at) = booked(&app, &patient, 2, 0).await;
    tick(&*app.store, &env(), starts_at - 4 * 3600).await.unwrap();
    assert_eq!(log(&app, soon).await.len(), 1);
    // The head fixes the text: what was queued by the old one is queued again by the new.
    let mut edited = fields.clone();
    let id = soon.to_string();
    edited.push(("id", &id));
    for f in edited.iter_mut() {
        if f.0 == "email_subject" {
            f.1 = "Напоминание: приём {дата} в {время}";
        }
    }
    assert_eq!(schedule(&app, &head, &edited).await, soon);
    let r = tick(&*app.store, &env(), starts_at - 7200).await.unwrap();
    assert_eq!((r.queued, r.sent), (1, 1));
    let sent = log(&app, soon).await;
    assert_eq!(sent.len(), 1);
    assert!(sent[0].subject.as_deref().unwrap().starts_with("Напоминание: приём"), "{sent:?}");

    // Confirmed by the desk: one message an hour later; then the visit moves: no second one.
    let doctor = app.scalar(&format!("SELECT staff_id FROM appointment WHERE id = {a}")).await.to_string();
    let set = app
        .rpc(
            &desk,
            "set_appointment_status",
            &[
                ("id", &a.to_string()),
                ("status", "confirmed"),
                ("reason", ""),
                ("doctor", &doctor),
                ("day", &day.to_string()),
            ],
        )
        .await;
    assert_eq!(set.status(), 200, "{}", set.text().await.unwrap_or_default());
    let confirmed_at = app.clock.now();
    let r = tick(&*app.store, &env(), confirmed_at + 3600).await.unwrap();
    assert_eq!(r.sent, 1);
    let p = pick(&app, &patient, "Терапевт", Some("B01.047.002"), 3).await;
    let res = app
        .rpc(&patient, "reschedule_appointment", &[("id", &a.to_string()), ("day", &p.day), ("time", &p.times[1])])
        .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap_or_default());
    let r = tick(&*app.store, &env(), app.clock.now() + 3600).await.unwrap();
    assert_eq!(log(&app, thanks).await.len(), 1, "once per appointment: {r:?}");
}

#[tokio::test]
async fn booked_in_the_evening_for_tomorrow_the_reminder_waits_for_the_end_of_the_quiet_hours() {
    let app = spawn_app().await;
    // The clock moves to the next 22:30 in the clinic; the patient books the first working day
    // after it, and the schedule reminds that many days before, at 10:00 — today's 10:00, past.
    let today = app::kernel::time_fmt::local_date(app.clock.now(), OFFSET);
    let mut evening = at_local(today, 22 * 60 + 30, OFFSET);
    if evening <= app.clock.now() {
        evening += 86_400;
    }
    app.clock.advance(evening - app.clock.now());
    let patient = app.signed_in("patient@kabinet.example").await;
    let p = pick(&app, &patient, "Терапевт", Some("B01.047.002"), 1).await;
    let visit_day = app::kernel::time_fmt::parse_iso_date(&p.day).unwrap();
    let days = (visit_day - app::kernel::time_fmt::local_date(evening, OFFSET)).whole_days().to_string();
    let head = app.signed_in("head@kabinet.example").await;
    let id =
        schedule(&app, &head, &reminder("За N дней", "days_before", &[("days", &days), ("send_at", "10:00")])).await;
    // Saved before that 10:00 in the test's story: it fires from then.
    app.raw_sql(&format!("UPDATE notify_schedule SET active_since = {}", evening - 86_400)).await;
    let next_day = app::kernel::time_fmt::local_date(evening, OFFSET) + Duration::days(1);
    // A time after 10:00, so that 09:00 is before the visit.
    let time = p.times.iter().find(|t| t.as_str() >= "10:00").expect("a time from 10:00").clone();
    let res = book(&app, &patient, &p, &time).await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap_or_default());
    tick(&*app.store, &env(), evening).await.unwrap();
    let line = log(&app, id).await.pop().expect("queued although its 10:00 has passed");
    assert_eq!(line.due_at, at_local(next_day, 9 * 60, OFFSET), "not at 22:30: at the end of the quiet hours");
}

#[tokio::test]
async fn a_cancellation_or_refusal_during_a_mail_outage_stops_a_reminder_already_handed_over() {
    let app = spawn_app().await;
    no_quiet_hours(&app).await;
    let head = app.signed_in("head@kabinet.example").await;
    let patient = app.signed_in("patient@kabinet.example").await;
    let id = schedule(&app, &head, &reminder("За 2 часа", "minutes_before", &[("minutes", "120")])).await;
    let (first, _, a_at) = booked(&app, &patient, 2, 0).await;
    let (_, _, b_at) = booked(&app, &patient, 2, 1).await;
    tick(&*app.store, &env(), a_at.min(b_at) - 4 * 3600).await.unwrap();
    let at = a_at.max(b_at) - 7200;
    tick(&*app.store, &env(), at).await.unwrap();
    assert!(log(&app, id).await.iter().all(|l| l.status == Status::Sent && l.delivered_at.is_none()));
    let port = free_port();
    let mailer =
        kabinet_server::mail::SmtpMailer::new(&format!("smtp://127.0.0.1:{port}"), "clinic@kabinet.example").unwrap();
    kabinet_server::mail::drain_once(&*app.store, &mailer, at).await.unwrap();
    // While the relay is down, the first visit is cancelled.
    let res = app.rpc(&patient, "cancel_appointment", &[("id", &first.to_string()), ("reason", "Передумала")]).await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap_or_default());
    let maildir = tempfile::tempdir().unwrap();
    let sink = SmtpSink::start(port, maildir.path());
    let mut sent = 0;
    for minute in (1..30).step_by(2) {
        sent += kabinet_server::mail::drain_once(&*app.store, &mailer, at + minute * 60).await.unwrap();
    }
    assert_eq!((sent, sink.messages().len()), (1, 1), "only the visit still booked");
    let lines = log(&app, id).await;
    assert_eq!(lines.iter().filter(|l| l.reason == Some(Reason::AppointmentCancelled)).count(), 1, "{lines:?}");
    assert_eq!(lines.iter().filter(|l| l.delivered_at.is_some()).count(), 1);
}

#[tokio::test]
async fn a_childs_reminder_reaches_the_guardian_by_his_contacts() {
    let app = spawn_app().await;
    no_quiet_hours(&app).await;
    let head = app.signed_in("head@kabinet.example").await;
    let id = schedule(&app, &head, &reminder("За 2 часа", "minutes_before", &[("minutes", "120")])).await;
    let guardian = app.signed_in("guardian@kabinet.example").await;
    let me: Option<app::kernel::account::Me> = app.rpc(&guardian, "current_user", &[]).await.json().await.unwrap();
    let ward = me.unwrap().profiles.into_iter().find(|p| p.is_ward && p.name.starts_with("Петрова")).unwrap().card_id;
    assert_eq!(app.rpc(&guardian, "switch_profile", &[("card_id", &ward.to_string())]).await.status(), 200);
    let p = pick(&app, &guardian, "Педиатр", Some("B01.031.001"), 2).await;
    let res = book(&app, &guardian, &p, &p.times[0]).await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap_or_default());
    let appointment: i64 = res.json().await.unwrap();
    let starts_at = app.store.notify_appointment(appointment).await.unwrap().unwrap().starts_at;
    tick(&*app.store, &env(), starts_at - 3 * 3600).await.unwrap();
    tick(&*app.store, &env(), starts_at - 7200).await.unwrap();
    let line = log(&app, id).await.pop().unwrap();
    assert_eq!(line.card_id, ward);
    assert_eq!((line.status, line.recipient.as_deref()), (Status::Sent, Some("guardian@kabinet.example")));
    assert!(line.body.as_deref().unwrap().starts_with("Мария"), "{line:?}");
    // The card's journal says who read its log.
    let res = app.rpc(&head, "notify_log", &[("card", &ward.to_string())]).await;
    assert_eq!(res.status(), 200);
    let journal = app.store.audit_for_card(ward).await.unwrap();
    assert!(journal.iter().any(|e| e.action == "notification.log"));
}

#[tokio::test]
async fn a_service_two_weeks_on_and_results_and_documents_delivered_bring_their_messages_once() {
    let app = spawn_app().await;
    no_quiet_hours(&app).await;
    let head = app.signed_in("head@kabinet.example").await;
    let plain = |name: &'static str, kind: &'static str, extra: &[(&'static str, &'static str)]| {
        let mut f = vec![
            ("name", name),
            ("kind", kind),
            ("enabled", "on"),
            ("via", "email"),
            ("email_subject", name),
            ("email_body", "{имя}, новое в личном кабинете: {ссылка_на_запись}"),
        ];
        f.extend_from_slice(extra);
        f
    };
    let after = schedule(
        &app,
        &head,
        &plain(
            "Через 14 дней",
            "days_after_service",
            &[("days", "14"), ("send_at", "13:00"), ("services", "B01.047.001")],
        ),
    )
    .await;
    let ready = schedule(&app, &head, &plain("Результаты готовы", "result_ready", &[("minutes", "30")])).await;
    let documents = schedule(&app, &head, &plain("Документы за час", "document_delivered", &[("hourly", "on")])).await;
    let ivanova = app.scalar("SELECT id FROM patient_card WHERE surname = 'Иванова'").await;
    let now = app.clock.now();
    let today = app::kernel::time_fmt::local_date(now, OFFSET);

    // A first therapist visit today, completed (arranged behind the portal's back).
    app.raw_sql(&format!(
        "INSERT INTO appointment (staff_id, card_id, branch_id, service_id, day, start_min, duration_min, starts_at,
                                  mode, status, source, created_at, updated_at)
         VALUES ((SELECT id FROM staff WHERE surname = 'Соколов'), {ivanova}, (SELECT MIN(id) FROM branch),
                 (SELECT id FROM price_service WHERE code = 'B01.047.001'), '{today}', 540, 30, {start},
                 'in_clinic', 'completed', 'desk', {start}, {start})",
        start = at_local(today, 540, OFFSET)
    ))
    .await;
    let fire = at_local(today + Duration::days(14), 13 * 60, OFFSET);
    tick(&*app.store, &env(), fire - 3600).await.unwrap();
    assert_eq!(log(&app, after).await[0].status, Status::Queued);
    assert_eq!(tick(&*app.store, &env(), fire).await.unwrap().sent, 1);
    assert_eq!(tick(&*app.store, &env(), fire + 60).await.unwrap().queued, 0);
    assert_eq!(log(&app, after).await.len(), 1);

    // Analyses sent to the cabinet: two files, the second still converting.
    app.raw_sql(&format!(
        "INSERT INTO medical_record (card_id, kind, visit_date, title, body, category, search_text, created_at)
         VALUES ({ivanova}, 'outpatient', '{today}', 'Общий анализ крови', '', 'analyses', 'общий анализ крови', {now})"
    ))
    .await;
    app.raw_sql(&format!(
        "INSERT INTO document_upload (card_id, record_id, source, uploaded_by, created_at)
         VALUES ({ivanova}, (SELECT MAX(id) FROM medical_record), 'clinic',
                 (SELECT id FROM account WHERE email = 'doctor@kabinet.example'), {now})"
    ))
    .await;
    for (position, status, delivered) in [(1, "delivered", now.to_string()), (2, "queued", "NULL".to_string())] {
        app.raw_sql(&format!(
            "INSERT INTO document_file (upload_id, position, original_name, media_type, size, stored_name, status,
                                        next_attempt_at, delivered_at)
             VALUES ((SELECT MAX(id) FROM document_upload), {position}, 'a{position}.pdf', 'application/pdf', 1,
                     'bench-{position}', '{status}', {now}, {delivered})"
        ))
        .await;
    }
    let r = tick(&*app.store, &env(), now + 3 * 3600).await.unwrap();
    assert_eq!(r.queued, 0, "not before the whole upload reached the cabinet");
    let done = now + 600;
    app.raw_sql(&format!(
        "UPDATE document_file SET status = 'delivered', delivered_at = {done} WHERE stored_name = 'bench-2'"
    ))
    .await;
    tick(&*app.store, &env(), done + 1800).await.unwrap();
    let results = log(&app, ready).await;
    assert_eq!((results.len(), results[0].status), (1, Status::Sent), "results: 30 minutes after the last file");
    let hour_end = done - done.rem_euclid(3600) + 3600;
    let r = tick(&*app.store, &env(), hour_end.max(done + 1800) + 1).await.unwrap();
    assert_eq!(log(&app, documents).await.len(), 1, "one message for the hour: {r:?}");
    tick(&*app.store, &env(), hour_end + 3600).await.unwrap();
    assert_eq!(log(&app, ready).await.len(), 1);
    assert_eq!(log(&app, documents).await.len(), 1);
    assert!(log(&app, documents).await.iter().all(|l| l.status == Status::Sent));
}
