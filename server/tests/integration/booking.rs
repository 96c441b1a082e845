//! Booking through the real server, on SQLite and (with KABINET_TEST_BACKEND=postgres) on
//! PostgreSQL: no time is ever given twice, cancelling frees it, moving is atomic, the clinic's
//! limits hold, online consultations carry a video link, and every change has a history.

use crate::support::{error_of, spawn_app, spawn_app_with_env, TestApp};
use app::features::booking::rules::{
    AppointmentHistory, AppointmentStatus, BookingAdmin, BookingView, DayBook, MyAppointments, VisitMode,
};
use app::kernel::account::{ActorRole, Role};
use app::kernel::error::{AppError, Problem};
use std::collections::BTreeMap;

/// A doctor's bookable times on one day, as the booking page offers them.
pub(crate) struct Pick {
    pub(crate) doctor: String,
    pub(crate) service: String,
    pub(crate) day: String,
    pub(crate) times: Vec<String>,
}

async fn view(app: &TestApp, c: &reqwest::Client, doctor: &str, service: &str, day: &str) -> BookingView {
    let res = app
        .rpc(
            c,
            "booking_view",
            &[("specialty", ""), ("doctor", doctor), ("service", service), ("day", day), ("reschedule", "")],
        )
        .await;
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

/// The first day at least `ahead` days from now with free times for the doctor of `specialty`
/// and the service with `code` (or none).
pub(crate) async fn pick(app: &TestApp, c: &reqwest::Client, specialty: &str, code: Option<&str>, ahead: i64) -> Pick {
    let all = view(app, c, "", "", "").await;
    let doctor = all.doctors.iter().find(|d| d.specialty == specialty).expect("doctor").id.to_string();
    let first = view(app, c, &doctor, "", "").await;
    let service = code
        .map(|code| first.services.iter().find(|s| s.code == code).expect("service").service_id.to_string())
        .unwrap_or_default();
    let with_service = view(app, c, &doctor, &service, "").await;
    let today = app::kernel::time_fmt::local_date(app.clock.now(), 180);
    let day = with_service
        .days
        .iter()
        .find(|d| d.free > 2 && (d.day - today).whole_days() >= ahead)
        .expect("a day with free times")
        .day
        .to_string();
    let v = view(app, c, &doctor, &service, &day).await;
    let times = v.slots.iter().map(|m| app::features::booking::rules::format_hhmm(*m)).collect();
    Pick { doctor, service, day, times }
}

pub(crate) async fn book(app: &TestApp, c: &reqwest::Client, p: &Pick, time: &str) -> reqwest::Response {
    app.rpc(c, "book_appointment", &[("doctor", &p.doctor), ("service", &p.service), ("day", &p.day), ("time", time)])
        .await
}

async fn mine(app: &TestApp, c: &reqwest::Client) -> MyAppointments {
    let res = app.rpc(c, "my_appointments", &[]).await;
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

async fn history(app: &TestApp, desk: &reqwest::Client, id: i64) -> AppointmentHistory {
    let res = app.rpc(desk, "appointment_history", &[("id", &id.to_string())]).await;
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

/// Live appointments held on (doctor, day, time), read from the database.
async fn live_at(app: &TestApp, p: &Pick, time: &str) -> usize {
    let day = time::Date::parse(&p.day, time::macros::format_description!("[year]-[month]-[day]")).unwrap();
    let minute = app::features::booking::rules::parse_hhmm(time).unwrap();
    let rows = app.store.appointments_for_day(p.doctor.parse().unwrap(), day).await.unwrap();
    rows.iter().filter(|a| a.start_min == minute && a.status.is_active()).count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_requests_for_one_time_make_one_appointment_and_clear_refusals() {
    let app = spawn_app().await;
    let patient = app.signed_in("patient@kabinet.example").await;
    let p = pick(&app, &patient, "Терапевт", Some("B01.047.002"), 2).await;
    let time = p.times[1].clone();
    let p = std::sync::Arc::new(p);
    let mut tasks = Vec::new();
    for _ in 0..200 {
        let (base, c, p, time) = (app.base.clone(), patient.clone(), p.clone(), time.clone());
        tasks.push(tokio::spawn(async move {
            let res = c
                .post(format!("{base}/rpc/book_appointment"))
                .header("Origin", &base)
                .header("Accept", "application/json")
                .form(&[("doctor", p.doctor.as_str()), ("service", &p.service), ("day", &p.day), ("time", &time)])
                .send()
                .await
                .expect("request");
            let status = res.status().as_u16();
            (status, res.text().await.unwrap())
        }));
    }
    let mut by_status: BTreeMap<u16, usize> = BTreeMap::new();
    for t in tasks {
        let (status, body) = t.await.unwrap();
        *by_status.entry(status).or_default() += 1;
        if status == 409 {
            match serde_json::from_str::<AppError>(&body).unwrap() {
                AppError::SlotTaken { nearest } => {
                    assert!(!nearest.is_empty(), "the refusal offers other times");
                    assert!(nearest.iter().all(|s| app::features::booking::rules::format_hhmm(s.start_min) != time
                        || s.day.to_string() != p.day));
                }
                other => panic!("unexpected refusal {other:?}"),
            }
        }
    }
    assert_eq!(by_status, BTreeMap::from([(200, 1), (409, 199)]), "one booking, 199 refusals, nothing else");
    assert_eq!(live_at(&app, &p, &time).await, 1);
    let my = mine(&app, &patient).await;
    assert_eq!(my.upcoming.len(), 1);
    assert_eq!(my.upcoming[0].status, AppointmentStatus::Booked);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancelling_needs_a_reason_frees_the_time_and_shows_in_the_day_book_and_history() {
    let app = spawn_app().await;
    let patient = app.signed_in("patient@kabinet.example").await;
    let guardian = app.signed_in("guardian@kabinet.example").await;
    let desk = app.signed_in("registrar@kabinet.example").await;
    let p = pick(&app, &patient, "Терапевт", Some("B01.047.001"), 2).await;
    let time = p.times[0].clone();
    let res = book(&app, &patient, &p, &time).await;
    assert_eq!(res.status(), 200);
    let id: i64 = res.json().await.unwrap();
    // The in-clinic visit carries its price: 2 200 ₽ less the clinic's 5 % online discount.
    let my = mine(&app, &patient).await;
    assert_eq!(my.upcoming[0].price.map(|k| k.0), Some(209_000));
    assert_eq!(my.upcoming[0].mode, VisitMode::InClinic);
    // Someone else cannot have it meanwhile.
    assert!(matches!(error_of(book(&app, &guardian, &p, &time).await).await, AppError::SlotTaken { .. }));
    // No reason, no cancellation.
    let res = app.rpc(&patient, "cancel_appointment", &[("id", &id.to_string()), ("reason", "  ")]).await;
    assert_eq!(res.status(), 422);
    assert_eq!(error_of(res).await.field_message("reason", &app::i18n::RU).as_deref(), Some("Заполните это поле."));
    assert_eq!(live_at(&app, &p, &time).await, 1);
    // Another patient's appointment is not found, whatever they try.
    let res = app.rpc(&guardian, "cancel_appointment", &[("id", &id.to_string()), ("reason", "чужая")]).await;
    assert_eq!(error_of(res).await, AppError::NotFound);
    let res = app.rpc(&patient, "cancel_appointment", &[("id", &id.to_string()), ("reason", "Заболел ребёнок")]).await;
    assert_eq!(res.status(), 200);
    assert_eq!(live_at(&app, &p, &time).await, 0);
    // Cancelled twice is refused, not duplicated.
    let res = app.rpc(&patient, "cancel_appointment", &[("id", &id.to_string()), ("reason", "ещё раз")]).await;
    assert_eq!(error_of(res).await, AppError::Conflict);
    // The time is free again and someone else takes it.
    assert!(view(&app, &guardian, &p.doctor, &p.service, &p.day)
        .await
        .slots
        .contains(&app::features::booking::rules::parse_hhmm(&time).unwrap()));
    assert_eq!(book(&app, &guardian, &p, &time).await.status(), 200);
    // The desk sees both in the day's book: the cancelled one with its reason.
    let res = app.rpc(&desk, "day_book", &[("doctor", &p.doctor), ("day", &p.day)]).await;
    let day: DayBook = res.json().await.unwrap();
    let cancelled = day.appointments.iter().find(|a| a.id == id).unwrap();
    assert_eq!(cancelled.status, AppointmentStatus::Cancelled);
    assert_eq!(cancelled.cancel_reason.as_deref(), Some("Заболел ребёнок"));
    assert_eq!(day.appointments.iter().filter(|a| a.status.is_active()).count(), 1);
    let h = history(&app, &desk, id).await;
    let actions: Vec<&str> = h.events.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["booked", "cancelled"]);
    assert_eq!(h.events[1].detail, "Заболел ребёнок");
    assert!(h.events[1].actor.contains("Иванова"), "{:?}", h.events[1]);
    // The patient's own journal shows it too.
    let card = app.store.appointment(id).await.unwrap().unwrap().card_id;
    let actions: Vec<String> = app.store.audit_for_card(card).await.unwrap().into_iter().map(|e| e.action).collect();
    assert!(
        actions.contains(&"appointment.book".to_string()) && actions.contains(&"appointment.cancelled".to_string())
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rescheduling_moves_in_one_step_and_never_holds_two_times_or_none() {
    let app = spawn_app().await;
    let patient = app.signed_in("patient@kabinet.example").await;
    let guardian = app.signed_in("guardian@kabinet.example").await;
    let p = pick(&app, &patient, "Терапевт", Some("B01.047.002"), 2).await;
    let (a, b) = (p.times[0].clone(), p.times[1].clone());
    let id: i64 = book(&app, &patient, &p, &a).await.json().await.unwrap();
    assert_eq!(book(&app, &guardian, &p, &b).await.status(), 200);
    // Onto a taken time: refused, and the old time is still held.
    let res =
        app.rpc(&patient, "reschedule_appointment", &[("id", &id.to_string()), ("day", &p.day), ("time", &b)]).await;
    assert!(matches!(error_of(res).await, AppError::SlotTaken { .. }));
    assert_eq!((live_at(&app, &p, &a).await, live_at(&app, &p, &b).await), (1, 1));
    // Many moves of the same appointment at once, to different free times: it ends on one.
    let targets: Vec<String> = p.times[2..8].to_vec();
    let mut tasks = Vec::new();
    for t in &targets {
        let (base, c, day, t, id) = (app.base.clone(), patient.clone(), p.day.clone(), t.clone(), id.to_string());
        tasks.push(tokio::spawn(async move {
            c.post(format!("{base}/rpc/reschedule_appointment"))
                .header("Origin", &base)
                .header("Accept", "application/json")
                .form(&[("id", id.as_str()), ("day", &day), ("time", &t)])
                .send()
                .await
                .expect("request")
                .status()
                .as_u16()
        }));
    }
    for t in tasks {
        let status = t.await.unwrap();
        assert!(status == 200 || status == 409, "status {status}");
    }
    let mut held = 0;
    for t in std::iter::once(&a).chain(&targets) {
        held += live_at(&app, &p, t).await;
    }
    assert_eq!(held, 1, "the appointment is in exactly one place");
    let my = mine(&app, &patient).await;
    assert_eq!(my.upcoming.len(), 1);
    assert_eq!(my.upcoming[0].id, id);
    let desk = app.signed_in("registrar@kabinet.example").await;
    let h = history(&app, &desk, id).await;
    assert!(h.events.iter().any(|e| e.action == "rescheduled" && e.detail.contains('→')), "{:?}", h.events);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_clinics_limit_and_cancellation_window_hold() {
    let app = spawn_app().await;
    let patient = app.signed_in("patient@kabinet.example").await;
    let head = app.signed_in("head@kabinet.example").await;
    let p = pick(&app, &patient, "Кардиолог", Some("B01.015.001"), 2).await;
    // The demo allows two future appointments with one doctor.
    for t in &p.times[..2] {
        assert_eq!(book(&app, &patient, &p, t).await.status(), 200);
    }
    assert_eq!(error_of(book(&app, &patient, &p, &p.times[2]).await).await, AppError::BookingLimit { max: 2 });
    // The head raises the limit; bad settings change nothing.
    let res = app
        .rpc(
            &head,
            "save_booking_settings",
            &[
                ("online_discount_percent", "120"),
                ("max_future_per_doctor", "3"),
                ("cancel_close_hours", "2"),
                ("horizon_days", "21"),
            ],
        )
        .await;
    assert_eq!(error_of(res).await, AppError::field("online_discount_percent", Problem::Range));
    assert_eq!(error_of(book(&app, &patient, &p, &p.times[2]).await).await, AppError::BookingLimit { max: 2 });
    let res = app
        .rpc(
            &head,
            "save_booking_settings",
            &[
                ("online_discount_percent", "5"),
                ("max_future_per_doctor", "3"),
                ("cancel_close_hours", "24"),
                ("horizon_days", "21"),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    let id: i64 = book(&app, &patient, &p, &p.times[2]).await.json().await.unwrap();
    // A day before the start, cancelling closes.
    let starts_at = app.store.appointment(id).await.unwrap().unwrap().starts_at;
    app.clock.advance(starts_at - 24 * 3600 - app.clock.now());
    let patient = app.signed_in("patient@kabinet.example").await; // the old session has lapsed
    let res = app.rpc(&patient, "cancel_appointment", &[("id", &id.to_string()), ("reason", "поздно")]).await;
    assert_eq!(error_of(res).await, AppError::CancellationClosed);
    let my = mine(&app, &patient).await;
    let item = my.upcoming.iter().find(|a| a.id == id).unwrap();
    assert!(!item.can_change);
    // Patients cannot reach the desk's functions.
    let res = app.rpc(&patient, "booking_admin", &[]).await;
    assert_eq!(error_of(res).await, AppError::Forbidden);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_online_consultation_shows_its_own_video_room_shortly_before_the_start() {
    let app = spawn_app_with_env(&[("KABINET_VIDEO_BASE_URL", "https://video.clinic.example/room/")]).await;
    let patient = app.signed_in("patient@kabinet.example").await;
    let p = pick(&app, &patient, "Терапевт", Some("B01.047.901"), 2).await;
    let id: i64 = book(&app, &patient, &p, &p.times[0]).await.json().await.unwrap();
    let second: i64 = book(&app, &patient, &p, &p.times[1]).await.json().await.unwrap();
    let my = mine(&app, &patient).await;
    let item = my.upcoming.iter().find(|a| a.id == id).unwrap();
    assert_eq!(item.mode, VisitMode::Online);
    assert_eq!(item.video_url, None, "not yet");
    let starts_at = app.store.appointment(id).await.unwrap().unwrap().starts_at;
    assert_eq!(item.video_from, Some(starts_at - 15 * 60));
    app.clock.advance(starts_at - 10 * 60 - app.clock.now());
    let patient = app.signed_in("patient@kabinet.example").await; // the old session has lapsed
    let my = mine(&app, &patient).await;
    let url = my.upcoming.iter().find(|a| a.id == id).unwrap().video_url.clone().expect("the link shows");
    let room = url.strip_prefix("https://video.clinic.example/room/").expect("under the configured service");
    assert_eq!(room.len(), 32);
    assert!(room.chars().all(|c| c.is_ascii_hexdigit()));
    let other = app.store.appointment(second).await.unwrap().unwrap().room.unwrap();
    assert_ne!(room, other, "each consultation has its own room");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_front_desk_books_confirms_and_completes_and_a_guardian_books_for_the_child() {
    let app = spawn_app().await;
    let desk = app.signed_in("registrar@kabinet.example").await;
    let guardian = app.signed_in("guardian@kabinet.example").await;
    // The guardian switches to the child's profile and books the paediatrician.
    let me: Option<app::kernel::account::Me> = app.rpc(&guardian, "current_user", &[]).await.json().await.unwrap();
    let ward = me.unwrap().profiles.into_iter().find(|p| p.is_ward).expect("a ward").card_id;
    assert_eq!(app.rpc(&guardian, "switch_profile", &[("card_id", &ward.to_string())]).await.status(), 200);
    let p = pick(&app, &guardian, "Педиатр", Some("B01.031.001"), 2).await;
    let child_appt: i64 = book(&app, &guardian, &p, &p.times[0]).await.json().await.unwrap();
    let a = app.store.appointment(child_appt).await.unwrap().unwrap();
    assert_eq!(a.card_id, ward);
    let journal = app.store.audit_for_card(ward).await.unwrap();
    assert!(journal.iter().any(|e| e.action == "appointment.book" && e.actor_role == ActorRole::Guardian));
    // The desk books the guardian himself at the next time, by card number.
    let own = app.store.card_search("петров дмитрий", None, 1).await.unwrap()[0].card_id;
    let res = app
        .rpc(
            &desk,
            "desk_book",
            &[
                ("doctor", &p.doctor),
                ("service", &p.service),
                ("day", &p.day),
                ("time", &p.times[1]),
                ("card", &own.to_string()),
            ],
        )
        .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    // An unknown card changes nothing.
    let res = app
        .rpc(
            &desk,
            "desk_book",
            &[
                ("doctor", &p.doctor),
                ("service", &p.service),
                ("day", &p.day),
                ("time", &p.times[2]),
                ("card", "999999"),
            ],
        )
        .await;
    assert_eq!(error_of(res).await, AppError::field("card", Problem::Choice));
    let day: DayBook =
        app.rpc(&desk, "day_book", &[("doctor", &p.doctor), ("day", &p.day)]).await.json().await.unwrap();
    assert_eq!(day.appointments.len(), 2);
    assert_eq!(day.appointments.iter().map(|a| a.source.as_str()).collect::<Vec<_>>(), ["cabinet", "desk"]);
    let set = |status: &'static str| {
        let (app, desk, id, doctor, day) = (&app, &desk, child_appt.to_string(), p.doctor.clone(), p.day.clone());
        async move {
            app.rpc(
                desk,
                "set_appointment_status",
                &[("id", &id), ("status", status), ("reason", ""), ("doctor", &doctor), ("day", &day)],
            )
            .await
        }
    };
    assert_eq!(set("confirmed").await.status(), 200);
    assert_eq!(set("completed").await.status(), 200);
    // A completed visit cannot be cancelled; a cancellation without a reason is refused.
    assert_eq!(error_of(set("cancelled").await).await, AppError::field("status", Problem::Choice));
    let h = history(&app, &desk, child_appt).await;
    let actions: Vec<&str> = h.events.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["booked", "confirmed", "completed"]);
    assert!(h.events[1].actor.contains("Никитина"), "{:?}", h.events[1]);
    // The guardian sees the child's visit among past ones now that it is completed.
    let my = mine(&app, &guardian).await;
    assert_eq!(my.past.iter().map(|a| a.status).collect::<Vec<_>>(), [AppointmentStatus::Completed]);
}

/// One rule names staff in the journal: the head (who is also a clinician) is "head" in
/// documents as in booking, where documents once called him "clinician".
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_head_is_journalled_as_the_head_in_documents_and_in_booking() {
    use crate::documents::{batch, pdf, upload};
    let app = spawn_app().await;
    let head = app.signed_in("head@kabinet.example").await;
    let patient = app.signed_in("patient@kabinet.example").await;
    let card = app.store.card_search("иванова анна", None, 1).await.unwrap()[0].card_id;
    let res = upload(&app, &head, card, batch("Заключение", "conclusion", vec![("a.pdf", pdf(500))], &[0])).await;
    assert_eq!(res.status(), 200);
    let p = pick(&app, &patient, "Терапевт", Some("B01.047.001"), 2).await;
    let card_no = card.to_string();
    let res = app
        .rpc(
            &head,
            "desk_book",
            &[
                ("doctor", &p.doctor),
                ("service", &p.service),
                ("day", &p.day),
                ("time", &p.times[0]),
                ("card", &card_no),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    let id: i64 = res.json().await.unwrap();
    let journal = app.store.audit_for_card(card).await.unwrap();
    let role_of = |action: &str| journal.iter().find(|e| e.action == action).map(|e| e.actor_role);
    assert_eq!(role_of("document.upload"), Some(ActorRole::Staff(Role::Head)));
    assert_eq!(role_of("appointment.book"), Some(ActorRole::Staff(Role::Head)));
    let h = history(&app, &head, id).await;
    assert!(h.events[0].actor.ends_with("(head)"), "{:?}", h.events[0]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn schedules_are_edited_by_day_copied_week_to_week_and_make_the_free_times() {
    let app = spawn_app().await;
    let desk = app.signed_in("registrar@kabinet.example").await;
    let patient = app.signed_in("patient@kabinet.example").await;
    let all = view(&app, &patient, "", "", "").await;
    let doctor = all.doctors.iter().find(|d| d.specialty == "Врач ультразвуковой диагностики").unwrap().id.to_string();
    // A Monday four weeks ahead (beyond the demo's schedule), then the week after it.
    let today = app::kernel::time_fmt::local_date(app.clock.now(), 180);
    let monday = app::features::booking::rules::week_start(today) + time::Duration::days(14);
    let (app_ref, desk_ref) = (&app, &desk);
    let form = |day: String, start: &'static str, end: &'static str, breaks: &'static str| {
        let (doctor, app, desk) = (doctor.clone(), app_ref, desk_ref);
        async move {
            app.rpc(
                desk,
                "save_schedule_day",
                &[
                    ("doctor", doctor.as_str()),
                    ("day", &day),
                    ("branch", "1"),
                    ("start", start),
                    ("end", end),
                    ("step", "30"),
                    ("breaks", breaks),
                ],
            )
            .await
        }
    };
    // A span that ends before it starts is refused.
    assert_eq!(
        error_of(form(monday.to_string(), "12:00", "09:00", "").await).await,
        AppError::field("end", Problem::Time)
    );
    assert_eq!(form(monday.to_string(), "09:00", "12:00", "10:00-10:30").await.status(), 200);
    let res = app.rpc(&desk, "copy_schedule_week", &[("doctor", &doctor), ("week", &monday.to_string())]).await;
    assert_eq!(res.status(), 200);
    let next = monday + time::Duration::days(7);
    for day in [monday, next] {
        let v = view(&app, &patient, &doctor, "", &day.to_string()).await;
        if v.day == Some(day) {
            let hours: Vec<String> = v.slots.iter().map(|m| app::features::booking::rules::format_hhmm(*m)).collect();
            assert_eq!(hours, ["09:00", "09:30", "10:30", "11:00", "11:30"], "{day}");
        } else {
            // Beyond the cabinet's three-week horizon: the desk's book still has the times.
            let book: DayBook = app
                .rpc(&desk, "day_book", &[("doctor", &doctor), ("day", &day.to_string())])
                .await
                .json()
                .await
                .unwrap();
            assert_eq!(book.free.len(), 5, "{day}");
        }
    }
    // The desk books beyond the cabinet's horizon; the cabinet may not.
    let far = (next + time::Duration::days(14)).to_string();
    assert_eq!(form(far.clone(), "09:00", "10:00", "").await.status(), 200);
    let own = app.store.card_search("иванова анна", None, 1).await.unwrap()[0].card_id.to_string();
    let res = app
        .rpc(&patient, "book_appointment", &[("doctor", &doctor), ("service", ""), ("day", &far), ("time", "09:00")])
        .await;
    assert!(matches!(error_of(res).await, AppError::SlotTaken { .. }));
    let res = app
        .rpc(
            &desk,
            "desk_book",
            &[("doctor", &doctor), ("service", ""), ("day", &far), ("time", "09:00"), ("card", &own)],
        )
        .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    // Clearing start and end makes a day off.
    assert_eq!(form(monday.to_string(), "", "", "").await.status(), 200);
    let book: DayBook =
        app.rpc(&desk, "day_book", &[("doctor", &doctor), ("day", &monday.to_string())]).await.json().await.unwrap();
    assert!(book.free.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_patient_joins_a_waitlist_and_the_desk_sees_and_closes_it() {
    let app = spawn_app().await;
    let patient = app.signed_in("patient@kabinet.example").await;
    let desk = app.signed_in("registrar@kabinet.example").await;
    let p = pick(&app, &patient, "Кардиолог", Some("B01.015.001"), 2).await;
    let res = app.rpc(&patient, "join_waitlist", &[("doctor", &p.doctor), ("day", "2001-01-01"), ("note", "")]).await;
    assert_eq!(error_of(res).await, AppError::field("day", Problem::Date));
    let res = app.rpc(&patient, "join_waitlist", &[("doctor", &p.doctor), ("day", ""), ("note", "после 17:00")]).await;
    assert_eq!(res.status(), 200);
    let my = mine(&app, &patient).await;
    assert_eq!(my.waitlist.len(), 1);
    assert_eq!(my.waitlist[0].day, None);
    let day: DayBook =
        app.rpc(&desk, "day_book", &[("doctor", &p.doctor), ("day", &p.day)]).await.json().await.unwrap();
    assert_eq!(day.waitlist.len(), 1);
    assert_eq!(day.waitlist[0].note, "после 17:00");
    let id = day.waitlist[0].id.to_string();
    let res = app.rpc(&desk, "close_waitlist", &[("id", &id), ("doctor", &p.doctor), ("day", &p.day)]).await;
    assert_eq!(res.status(), 200);
    assert!(mine(&app, &patient).await.waitlist.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_clinic_sets_how_far_ahead_the_cabinet_offers_times() {
    let app = spawn_app().await;
    let patient = app.signed_in("patient@kabinet.example").await;
    let head = app.signed_in("head@kabinet.example").await;
    // Three weeks by default: a time a week ahead is offered.
    let far = pick(&app, &patient, "Кардиолог", Some("B01.015.001"), 7).await;
    let settings = |horizon: &'static str| {
        [
            ("online_discount_percent", "0"),
            ("max_future_per_doctor", "2"),
            ("cancel_close_hours", "2"),
            ("horizon_days", horizon),
        ]
    };
    let res = app.rpc(&head, "save_booking_settings", &settings("0")).await;
    assert_eq!(error_of(res).await, AppError::field("horizon_days", Problem::Range));
    assert_eq!(app.rpc(&head, "save_booking_settings", &settings("3")).await.status(), 200);
    assert_eq!(
        app.scalar(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'booking.settings' AND detail LIKE '%horizon_days: 21 → 3%'"
        )
        .await,
        1
    );
    // Now the cabinet offers three days, and the far time is refused with nearer ones.
    let view = view(&app, &patient, &far.doctor, &far.service, "").await;
    let today = app::kernel::time_fmt::local_date(app.clock.now(), 180);
    assert!(!view.days.is_empty() && view.days.iter().all(|d| (d.day - today).whole_days() <= 3), "{:?}", view.days);
    let AppError::SlotTaken { nearest } = error_of(book(&app, &patient, &far, &far.times[0]).await).await else {
        panic!("refused")
    };
    assert!(nearest.iter().all(|s| s.day <= today + time::Duration::days(3)));
}

async fn admin(app: &TestApp, c: &reqwest::Client) -> BookingAdmin {
    let res = app.rpc(c, "booking_admin", &[]).await;
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

/// «Причины отмены записи на приём»: the front desk keeps the list (add, hide, offer again,
/// journalled); the cancellation forms offer it with «Другая причина», whose words are then
/// required; a reason chosen is what the day book and the patient read.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancellation_reasons_come_from_the_clinics_list() {
    let app = spawn_app().await;
    let patient = app.signed_in("patient@kabinet.example").await;
    let desk = app.signed_in("registrar@kabinet.example").await;
    let names = |a: &BookingAdmin| a.reasons.iter().map(|r| (r.name.clone(), r.active)).collect::<Vec<_>>();
    assert_eq!(admin(&app, &desk).await.reasons.len(), 4, "the defaults");

    // Added (a second time is refused as taken), then one hidden.
    let res = app.rpc(&desk, "add_cancel_reason", &[("reason_name", " Болезнь врача ")]).await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let res = app.rpc(&desk, "add_cancel_reason", &[("reason_name", "Болезнь врача")]).await;
    assert_eq!(error_of(res).await, AppError::field("reason_name", Problem::Taken));
    let res = app.rpc(&desk, "add_cancel_reason", &[("reason_name", "  ")]).await;
    assert_eq!(error_of(res).await, AppError::field("reason_name", Problem::Required));
    let a = admin(&app, &desk).await;
    let hidden = a.reasons.iter().find(|r| r.name == "Самочувствие улучшилось").unwrap().id.to_string();
    assert_eq!(app.rpc(&desk, "set_cancel_reason_active", &[("id", &hidden)]).await.status(), 200);
    assert!(names(&admin(&app, &desk).await).contains(&("Самочувствие улучшилось".into(), false)));
    assert!(names(&admin(&app, &desk).await).contains(&("Болезнь врача".into(), true)));
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM audit_log WHERE action LIKE 'cancel_reason.%'").await,
        2,
        "the addition and the hiding are journalled, the refusals are not"
    );
    assert_eq!(
        error_of(app.rpc(&patient, "add_cancel_reason", &[("reason_name", "x")]).await).await,
        AppError::Forbidden
    );

    // The patient's form offers the active reasons and «Другая причина».
    let p = pick(&app, &patient, "Терапевт", Some("B01.047.001"), 2).await;
    let id: i64 = book(&app, &patient, &p, &p.times[0]).await.json().await.unwrap();
    let my = mine(&app, &patient).await;
    assert!(my.reasons.contains(&"Болезнь врача".to_string()));
    assert!(!my.reasons.contains(&"Самочувствие улучшилось".to_string()), "a hidden reason is not offered");
    let page = app.get(&patient, "/appointments").await.text().await.unwrap();
    assert!(page.contains(r#"<option value="other">Другая причина</option>"#), "{page}");
    assert!(page.contains("Подробнее (для другой причины — обязательно)"));

    // «Другая причина» without words is refused; a listed reason with words is kept whole.
    let cancel = |reason: &'static str, text: &'static str| {
        let patient = &patient;
        let app = &app;
        async move {
            app.rpc(
                patient,
                "cancel_appointment",
                &[("id", &id.to_string()), ("reason", reason), ("reason_text", text)],
            )
            .await
        }
    };
    let res = cancel("other", " ").await;
    assert_eq!(error_of(res).await.field_message("reason", &app::i18n::RU).as_deref(), Some("Заполните это поле."));
    assert_eq!(live_at(&app, &p, &p.times[0]).await, 1, "nothing cancelled");
    assert_eq!(cancel("Изменились планы", "уезжаю в командировку").await.status(), 200);
    let a = app.store.appointment(id).await.unwrap().unwrap();
    assert_eq!(a.cancel_reason.as_deref(), Some("Изменились планы: уезжаю в командировку"));

    // The desk cancels with a reason from the list too.
    let id: i64 = book(&app, &patient, &p, &p.times[1]).await.json().await.unwrap();
    let res = app
        .rpc(
            &desk,
            "set_appointment_status",
            &[
                ("id", &id.to_string()),
                ("status", "cancelled"),
                ("reason", "Болезнь врача"),
                ("reason_text", ""),
                ("doctor", &p.doctor),
                ("day", &p.day),
            ],
        )
        .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let day: DayBook =
        app.rpc(&desk, "day_book", &[("doctor", &p.doctor), ("day", &p.day)]).await.json().await.unwrap();
    assert_eq!(day.appointments.iter().find(|a| a.id == id).unwrap().cancel_reason.as_deref(), Some("Болезнь врача"));
    assert!(day.reasons.contains(&"Изменились планы".to_string()));
}

/// A doctor's service without a price of its own shows the price list's (under the first plan
/// the cabinet shows); a typed price wins; a service the list does not price needs one typed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_service_link_without_its_own_price_takes_the_price_lists() {
    let app = spawn_app().await;
    let desk = app.signed_in("registrar@kabinet.example").await;
    let doctor = app.scalar("SELECT id FROM staff WHERE surname = 'Морозов'").await.to_string();
    let service = |code: &str| {
        let sql = format!("SELECT id FROM price_service WHERE code = '{code}'");
        let app = &app;
        async move { app.scalar(&sql).await.to_string() }
    };
    let link = |service: String, price: &'static str, show: bool| {
        let (desk, app, doctor) = (&desk, &app, doctor.clone());
        async move {
            let mut form = vec![
                ("doctor", doctor),
                ("service", service),
                ("mode", "in_clinic".to_string()),
                ("price", price.to_string()),
                ("prepayment", String::new()),
                ("prepayment_discount", String::new()),
            ];
            if show {
                form.push(("show_price", "on".into()));
            }
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.rpc(desk, "save_service_link", &form).await
        }
    };
    let price_of = |service: String| {
        let app = &app;
        let doctor = doctor.clone();
        async move {
            app.scalar(&format!(
                "SELECT COALESCE(price_kopecks, -1) FROM doctor_service WHERE staff_id = {doctor} AND service_id = {service}"
            ))
            .await
        }
    };
    // B01.047.001 costs 2 200 ₽ in the demo's first plan.
    let therapist = service("B01.047.001").await;
    assert_eq!(link(therapist.clone(), "", true).await.status(), 200);
    assert_eq!(price_of(therapist.clone()).await, 220_000, "the price list's price");
    assert_eq!(link(therapist.clone(), "1 999,50", true).await.status(), 200);
    assert_eq!(price_of(therapist.clone()).await, 199_950, "the clinic's own");
    assert_eq!(link(therapist.clone(), "", false).await.status(), 200);
    assert_eq!(price_of(therapist.clone()).await, -1, "no price shown, none kept");

    // A service the first plan does not price: a price must be typed to show one.
    app.raw_sql(&format!("DELETE FROM price WHERE service_id = {therapist}")).await;
    let res = link(therapist.clone(), "", true).await;
    assert_eq!(error_of(res).await, AppError::field("price", Problem::Required));
}
