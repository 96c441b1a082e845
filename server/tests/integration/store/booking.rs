//! `BookingStore`: settings, doctors and their service links, schedules, appointments (a time
//! is never given twice; the per-doctor limit), their history and journal lines, the waitlist.

use super::{account, card, journal_lines, seeded, NOW};
use crate::support::demo_seed;
use app::features::booking::rules::{AppointmentSource, AppointmentStatus, VisitMode};
use app::features::booking::store::*;
use app::kernel::account::{ActorRole, Role};
use app::platform::store::AuditEntry;
use app::platform::store::Store;
use time::macros::date;
use time::{Date, Duration};

/// The instant a clinic-local (UTC+3) minute of `day` starts.
fn at(day: Date, min: u16) -> i64 {
    day.midnight().assume_utc().unix_timestamp() + i64::from(min) * 60 - 180 * 60
}

fn place(branch_id: i64, day: Date, start_min: u16) -> SlotPlace {
    SlotPlace { branch_id, day, start_min, duration_min: 30, starts_at: at(day, start_min) }
}

pub async fn story(url: &str) {
    let store = seeded(url).await;
    let store = &*store;
    let head = account(store, "head@kabinet.example").await;
    let admin =
        Actor { account_id: Some(head.account_id), role: ActorRole::Staff(Role::Head), origin: "10.0.0.1".into() };
    let audit = |action: &str| AuditEntry::by(&admin, NOW, action);

    // Settings read back exactly.
    let settings = store.booking_settings().await.unwrap();
    assert_eq!(
        settings,
        BookingSettingsRecord {
            online_discount_percent: 5,
            max_future_per_doctor: 2,
            cancel_close_minutes: 120,
            horizon_days: 21,
        }
    );
    let changed = BookingSettingsRecord {
        online_discount_percent: 12,
        max_future_per_doctor: 3,
        cancel_close_minutes: 45,
        horizon_days: 30,
    };
    store.save_booking_settings(changed, audit("booking.settings")).await.unwrap();
    assert_eq!(store.booking_settings().await.unwrap(), changed);
    assert_eq!(journal_lines(url, "booking.settings").await, 1);

    // «Причины отмены записи на приём»: the defaults, one added (once), one hidden and offered again.
    let reasons = store.cancel_reasons().await.unwrap();
    assert_eq!(reasons.len(), 4);
    assert!(reasons.iter().all(|r| r.active));
    assert_eq!(reasons[0].name, "Изменились планы", "in the order they were added");
    assert!(store.add_cancel_reason("Болезнь врача", &admin, NOW).await.unwrap());
    assert!(!store.add_cancel_reason("Болезнь врача", &admin, NOW).await.unwrap(), "the list has it");
    let first = reasons[0].id;
    assert!(store.set_cancel_reason_active(first, false, &admin, NOW).await.unwrap());
    assert!(!store.set_cancel_reason_active(987_654, false, &admin, NOW).await.unwrap(), "unknown");
    let now = store.cancel_reasons().await.unwrap();
    assert_eq!((now.len(), now[0].active, now[4].name.as_str()), (5, false, "Болезнь врача"));
    assert!(store.set_cancel_reason_active(first, true, &admin, NOW).await.unwrap());
    assert!(store.cancel_reasons().await.unwrap()[0].active);
    assert_eq!(journal_lines(url, "cancel_reason.add").await, 1);
    assert_eq!(journal_lines(url, "cancel_reason.deactivate").await, 1);

    // Doctors: staff with a specialty, by specialty; online ones with their degree.
    let all = store.doctors(false).await.unwrap();
    let surnames: Vec<_> = all.iter().map(|d| d.surname.as_str()).collect();
    assert_eq!(surnames, ["Белова", "Волков", "Морозов", "Кузнецова", "Соколов"]);
    let by = |surname: &str| all.iter().find(|d| d.surname == surname).unwrap().id;
    let (sokolov, volkov, morozov) = (by("Соколов"), by("Волков"), by("Морозов"));
    assert_eq!(
        all[4],
        DoctorRecord {
            id: sokolov,
            surname: "Соколов".into(),
            name: "Андрей".into(),
            patronymic: "Викторович".into(),
            specialty: Some("Терапевт".into()),
            branch_name: Some("Филиал на Ленинском".into()),
            degree: Some("Кандидат медицинских наук".into()),
            online_booking: true,
        }
    );
    assert_eq!(
        store.doctors(true).await.unwrap().iter().map(|d| d.surname.as_str()).collect::<Vec<_>>(),
        ["Белова", "Морозов", "Кузнецова", "Соколов"]
    );
    assert!(store.set_doctor_online(volkov, true, Some("Профессор".into()), audit("booking.doctor")).await.unwrap());
    let volkov_row = store.doctors(true).await.unwrap().into_iter().find(|d| d.id == volkov).expect("online now");
    assert_eq!(volkov_row.degree.as_deref(), Some("Профессор"));
    assert!(store.set_doctor_online(volkov, false, None, audit("booking.doctor")).await.unwrap());
    assert_eq!(store.doctors(false).await.unwrap()[1].degree, None, "the degree cleared");
    let registrar =
        store.staff_of_account(account(store, "registrar@kabinet.example").await.account_id).await.unwrap().unwrap().0;
    assert!(!store.set_doctor_online(registrar, true, None, audit("booking.doctor")).await.unwrap(), "not a doctor");
    assert_eq!(journal_lines(url, "booking.doctor").await, 2, "a refusal journals nothing");

    // Services and branches, in the price list's and the clinic's order.
    let services = store.services().await.unwrap();
    assert_eq!(services.len(), 15);
    assert_eq!((services[0].1.as_str(), services[14].1.as_str()), ("B01.047.001", "B03.016.004"));
    let service = |code: &str| services.iter().find(|s| s.1 == code).unwrap().0;
    let branches = store.branches().await.unwrap();
    assert_eq!(branches.iter().map(|b| b.1.as_str()).collect::<Vec<_>>(), ["Филиал на Ленинском", "Филиал на Садовой"]);
    let (lenin, sad) = (branches[0].0, branches[1].0);

    // Service links: read back exactly, replaced in place, refused for a non-doctor, deleted once.
    let links = store.service_links(Some(sokolov)).await.unwrap();
    let codes: Vec<_> = links.iter().map(|l| l.service_code.clone()).collect();
    let price_list_order: Vec<_> =
        store.services().await.unwrap().into_iter().map(|(_, code, _)| code).filter(|c| codes.contains(c)).collect();
    assert_eq!(codes, price_list_order, "a doctor's services in the price list's order");
    let mut sorted = codes.clone();
    sorted.sort();
    assert_eq!(sorted, ["B01.047.001", "B01.047.002", "B01.047.901"]);
    assert_eq!(
        links[0],
        ServiceLinkRecord {
            staff_id: sokolov,
            service_id: service("B01.047.001"),
            service_code: "B01.047.001".into(),
            service_name: "Приём (осмотр, консультация) врача-терапевта первичный".into(),
            mode: VisitMode::InClinic,
            show_price: true,
            price: Some(220_000),
            prepayment: Some(50_000),
            prepayment_discount: Some(15_050),
            round_to_roubles: true,
        }
    );
    assert_eq!(links.iter().find(|l| l.service_code == "B01.047.901").unwrap().mode, VisitMode::Online);
    let every = store.service_links(None).await.unwrap();
    assert_eq!(every.len(), 7);
    assert!(every.windows(2).all(|w| w[0].staff_id <= w[1].staff_id), "grouped by doctor");
    let mut ecg = ServiceLinkRecord {
        staff_id: sokolov,
        service_id: service("A05.10.006"),
        service_code: "A05.10.006".into(),
        service_name: "Регистрация электрокардиограммы".into(),
        mode: VisitMode::Online,
        show_price: false,
        price: None,
        prepayment: None,
        prepayment_discount: None,
        round_to_roubles: false,
    };
    assert!(store.save_service_link(ecg.clone(), audit("booking.link")).await.unwrap());
    let linked = |service_id: i64| async move {
        store
            .service_links(Some(sokolov))
            .await
            .unwrap()
            .into_iter()
            .filter(|l| l.service_id == service_id)
            .collect::<Vec<_>>()
    };
    assert_eq!(linked(ecg.service_id).await, [ecg.clone()]);
    ecg.price = Some(90_000);
    ecg.mode = VisitMode::InClinic;
    assert!(store.save_service_link(ecg.clone(), audit("booking.link")).await.unwrap());
    assert_eq!(linked(ecg.service_id).await, [ecg.clone()], "replaced, not added");
    assert_eq!(store.service_links(Some(sokolov)).await.unwrap().len(), 4);
    assert!(!store
        .save_service_link(ServiceLinkRecord { staff_id: registrar, ..ecg.clone() }, audit("booking.link"))
        .await
        .unwrap());
    assert!(!store
        .save_service_link(ServiceLinkRecord { service_id: 987_654, ..ecg.clone() }, audit("booking.link"))
        .await
        .unwrap());
    assert!(store.delete_service_link(sokolov, ecg.service_id, audit("booking.unlink")).await.unwrap());
    assert!(!store.delete_service_link(sokolov, ecg.service_id, audit("booking.unlink")).await.unwrap(), "gone");
    assert_eq!(store.service_links(Some(sokolov)).await.unwrap().len(), 3);
    assert_eq!((journal_lines(url, "booking.link").await, journal_lines(url, "booking.unlink").await), (2, 1));

    schedules(store, url, sokolov, lenin, sad, registrar, &admin).await;
    appointments(store, sokolov, morozov, lenin, sad, service("B01.047.001")).await;
}

async fn schedules(store: &dyn Store, url: &str, sokolov: i64, lenin: i64, sad: i64, registrar: i64, admin: &Actor) {
    let audit = |action: &str| AuditEntry::by(admin, NOW, action);
    // The seeded weeks, in day order.
    let weeks: Vec<_> =
        demo_seed().booking.schedule.into_iter().filter(|d| d.staff == "sokolov").map(|d| d.day).collect();
    let (first, last) = (weeks[0], *weeks.last().unwrap());
    let days = store.schedule(sokolov, first, last).await.unwrap();
    assert_eq!(days.iter().map(|d| d.day).collect::<Vec<_>>(), weeks);
    assert_eq!(
        days[0],
        ScheduleDayRecord {
            staff_id: sokolov,
            day: first,
            branch_id: lenin,
            branch_name: "Филиал на Ленинском".into(),
            start_min: 540,
            end_min: 1020,
            step_min: 30,
            breaks: "13:00-14:00".into()
        }
    );
    assert_eq!(
        store.schedule(sokolov, first + Duration::days(1), first + Duration::days(1)).await.unwrap().len(),
        1,
        "the range is inclusive"
    );

    // A day of our own far ahead: read back, replaced, refused for unknown staff or branch.
    let monday = date!(2031 - 01 - 06);
    let day = ScheduleDayRecord {
        staff_id: sokolov,
        day: monday,
        branch_id: sad,
        branch_name: "Филиал на Садовой".into(),
        start_min: 600,
        end_min: 720,
        step_min: 15,
        breaks: String::new(),
    };
    assert!(store.save_schedule_day(day.clone(), audit("schedule.save")).await.unwrap());
    assert_eq!(store.schedule(sokolov, monday, monday).await.unwrap(), std::slice::from_ref(&day));
    let longer = ScheduleDayRecord {
        branch_id: lenin,
        branch_name: "Филиал на Ленинском".into(),
        start_min: 480,
        end_min: 960,
        breaks: "12:00-12:30".into(),
        ..day.clone()
    };
    assert!(store.save_schedule_day(longer.clone(), audit("schedule.save")).await.unwrap());
    assert_eq!(
        store.schedule(sokolov, monday, monday).await.unwrap(),
        std::slice::from_ref(&longer),
        "one day per doctor, replaced"
    );
    assert!(!store
        .save_schedule_day(ScheduleDayRecord { branch_id: 987_654, ..day.clone() }, audit("schedule.save"))
        .await
        .unwrap());
    assert!(!store
        .save_schedule_day(ScheduleDayRecord { staff_id: registrar, ..day.clone() }, audit("schedule.save"))
        .await
        .unwrap());
    assert_eq!(journal_lines(url, "schedule.save").await, 2);
    let wednesday = monday + Duration::days(2);
    store.save_schedule_day(ScheduleDayRecord { day: wednesday, ..day.clone() }, audit("schedule.save")).await.unwrap();

    // Copying a week replaces the target week with the source's days, shifted.
    let next_friday = monday + Duration::days(11);
    store
        .save_schedule_day(ScheduleDayRecord { day: next_friday, ..day.clone() }, audit("schedule.save"))
        .await
        .unwrap();
    let copied =
        store.copy_schedule(sokolov, monday, monday + Duration::days(6), 7, audit("schedule.copy")).await.unwrap();
    assert_eq!(copied, 2);
    let next = store.schedule(sokolov, monday + Duration::days(7), monday + Duration::days(13)).await.unwrap();
    assert_eq!(
        next,
        [
            ScheduleDayRecord { day: monday + Duration::days(7), ..longer.clone() },
            ScheduleDayRecord { day: wednesday + Duration::days(7), ..day.clone() }
        ]
    );
    assert_eq!(journal_lines(url, "schedule.copy").await, 1);
    store.delete_schedule_day(sokolov, wednesday, audit("schedule.delete")).await.unwrap();
    assert_eq!(store.schedule(sokolov, monday, monday + Duration::days(6)).await.unwrap(), [longer]);
    assert_eq!(journal_lines(url, "schedule.delete").await, 1);
}

async fn appointments(store: &dyn Store, sokolov: i64, morozov: i64, lenin: i64, sad: i64, first_visit: i64) {
    let ivanova = card(store, "иванова").await;
    let maria = card(store, "петрова мария").await;
    let patient = account(store, "patient@kabinet.example").await;
    let me = Actor { account_id: Some(patient.account_id), role: ActorRole::Patient, origin: "10.0.0.8".into() };
    let desk = Actor {
        account_id: Some(account(store, "registrar@kabinet.example").await.account_id),
        role: ActorRole::Staff(Role::Registrar),
        origin: "10.0.0.2".into(),
    };
    let day = date!(2031 - 01 - 06);
    let new = |card_id: i64, start: u16, max_future: Option<i64>| NewAppointment {
        staff_id: sokolov,
        card_id,
        service_id: Some(first_visit),
        place: place(lenin, day, start),
        mode: VisitMode::InClinic,
        room: None,
        price: Some(220_000),
        source: AppointmentSource::Cabinet,
        max_future,
    };

    let BookOutcome::Booked(a) = store.book(new(ivanova, 540, Some(2)), &me, NOW).await.unwrap() else {
        panic!("booked")
    };
    assert_eq!(
        store.appointment(a).await.unwrap().unwrap(),
        AppointmentRecord {
            id: a,
            staff_id: sokolov,
            card_id: ivanova,
            day,
            start_min: 540,
            duration_min: 30,
            starts_at: at(day, 540),
            mode: VisitMode::InClinic,
            status: AppointmentStatus::Booked,
            cancel_reason: None,
            room: None,
            price: Some(220_000),
            source: AppointmentSource::Cabinet,
            doctor_name: "Соколов Андрей Викторович".into(),
            specialty: Some("Терапевт".into()),
            branch_name: "Филиал на Ленинском".into(),
            service_id: Some(first_visit),
            service_name: Some("Приём (осмотр, консультация) врача-терапевта первичный".into()),
            patient_name: "Иванова Анна Петровна".into(),
        }
    );
    assert!(store.appointment(987_654).await.unwrap().is_none());
    // The same doctor's time is never given twice, and a refusal leaves nothing behind.
    let journal = store.audit_for_card(maria).await.unwrap().len();
    assert_eq!(store.book(new(maria, 540, None), &desk, NOW).await.unwrap(), BookOutcome::Taken);
    assert!(store.appointments_for_card(maria).await.unwrap().is_empty());
    assert_eq!(store.audit_for_card(maria).await.unwrap().len(), journal);
    let other_doctor = NewAppointment { staff_id: morozov, ..new(maria, 540, None) };
    assert!(
        matches!(store.book(other_doctor, &desk, NOW).await.unwrap(), BookOutcome::Booked(_)),
        "another doctor's time"
    );

    // The limit counts the card's future live appointments with the doctor.
    let BookOutcome::Booked(b) = store.book(new(ivanova, 570, Some(2)), &me, NOW).await.unwrap() else {
        panic!("second")
    };
    assert_eq!(store.book(new(ivanova, 600, Some(2)), &me, NOW).await.unwrap(), BookOutcome::LimitReached);
    let third = store.book(new(ivanova, 600, Some(2)), &me, at(day, 560)).await.unwrap();
    let BookOutcome::Booked(third) = third else { panic!("a past one does not count: {third:?}") };
    let online = NewAppointment {
        place: place(sad, day + time::Duration::days(1), 600),
        mode: VisitMode::Online,
        room: Some("room-42".into()),
        price: None,
        service_id: None,
        source: AppointmentSource::Desk,
        ..new(ivanova, 0, None)
    };
    let BookOutcome::Booked(c) = store.book(online, &desk, NOW).await.unwrap() else { panic!("desk booking") };
    let c_row = store.appointment(c).await.unwrap().unwrap();
    assert_eq!(
        (c_row.mode, c_row.room.as_deref(), c_row.source, c_row.service_name, c_row.price, c_row.branch_name.as_str()),
        (VisitMode::Online, Some("room-42"), AppointmentSource::Desk, None, None, "Филиал на Садовой")
    );

    let taken = store.taken_times(sokolov, day, day).await.unwrap();
    assert_eq!(taken, [(day, 540), (day, 570), (day, 600)], "in order");
    let for_card: Vec<_> = store.appointments_for_card(ivanova).await.unwrap().iter().map(|r| r.id).collect();
    assert_eq!(for_card, [a, b, third, c], "by start time");
    let for_day: Vec<_> = store.appointments_for_day(sokolov, day).await.unwrap().iter().map(|r| r.start_min).collect();
    assert_eq!(for_day, [540, 570, 600]);

    // Status changes only from the status the caller saw.
    assert!(store
        .change_status(a, AppointmentStatus::Booked, AppointmentStatus::Confirmed, None, &desk, NOW + 1)
        .await
        .unwrap());
    assert!(
        !store
            .change_status(a, AppointmentStatus::Booked, AppointmentStatus::Cancelled, Some("x".into()), &me, NOW + 2)
            .await
            .unwrap(),
        "changed meanwhile"
    );
    assert!(store
        .change_status(
            a,
            AppointmentStatus::Confirmed,
            AppointmentStatus::Cancelled,
            Some("Заболела".into()),
            &me,
            NOW + 3
        )
        .await
        .unwrap());
    let cancelled = store.appointment(a).await.unwrap().unwrap();
    assert_eq!(
        (cancelled.status, cancelled.cancel_reason.as_deref()),
        (AppointmentStatus::Cancelled, Some("Заболела"))
    );
    assert!(!store.taken_times(sokolov, day, day).await.unwrap().contains(&(day, 540)), "a cancelled time is free");
    assert!(
        matches!(store.book(new(maria, 540, None), &desk, NOW + 4).await.unwrap(), BookOutcome::Booked(_)),
        "and bookable again"
    );

    // Moving: to a free time; never onto a taken one (the old time is kept); not when gone.
    assert_eq!(store.reschedule(b, place(lenin, day, 630), &me, NOW + 5).await.unwrap(), MoveOutcome::Moved);
    let moved = store.appointment(b).await.unwrap().unwrap();
    assert_eq!((moved.day, moved.start_min, moved.starts_at), (day, 630, at(day, 630)));
    assert_eq!(store.reschedule(b, place(lenin, day, 600), &me, NOW + 6).await.unwrap(), MoveOutcome::Taken);
    assert_eq!(store.appointment(b).await.unwrap().unwrap().start_min, 630, "held its time");
    assert_eq!(
        store.reschedule(a, place(lenin, day, 660), &me, NOW + 7).await.unwrap(),
        MoveOutcome::Gone,
        "cancelled"
    );
    assert_eq!(store.reschedule(987_654, place(lenin, day, 660), &me, NOW + 7).await.unwrap(), MoveOutcome::Gone);
    assert!(store
        .change_status(b, AppointmentStatus::Booked, AppointmentStatus::Completed, None, &desk, NOW + 8)
        .await
        .unwrap());
    assert_eq!(store.reschedule(b, place(lenin, day, 690), &desk, NOW + 9).await.unwrap(), MoveOutcome::Gone, "over");

    // The history, in order, with the actor's name; and the journal lines.
    let events = store.appointment_events(a).await.unwrap();
    let staff_name = Some("Никитина Марина Алексеевна".to_string());
    assert_eq!(
        events,
        [
            AppointmentEventRecord {
                at: NOW,
                actor_name: Some("Иванова Анна Петровна".into()),
                actor_role: ActorRole::Patient,
                action: "booked".into(),
                detail: "2031-01-06 09:00".into()
            },
            AppointmentEventRecord {
                at: NOW + 1,
                actor_name: staff_name,
                actor_role: ActorRole::Staff(Role::Registrar),
                action: "confirmed".into(),
                detail: String::new()
            },
            AppointmentEventRecord {
                at: NOW + 3,
                actor_name: Some("Иванова Анна Петровна".into()),
                actor_role: ActorRole::Patient,
                action: "cancelled".into(),
                detail: "Заболела".into()
            },
        ]
    );
    let b_events: Vec<_> =
        store.appointment_events(b).await.unwrap().into_iter().map(|e| (e.action, e.detail)).collect();
    assert_eq!(b_events[1], ("rescheduled".to_string(), "2031-01-06 09:30 → 2031-01-06 10:30".to_string()));
    assert_eq!(b_events.len(), 3, "booked, rescheduled, completed: the refused move wrote nothing");
    let lines: Vec<_> = store
        .audit_for_card(ivanova)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.object.as_deref() == Some(&format!("appointment:{a}")))
        .map(|e| e.action)
        .collect();
    assert_eq!(lines, ["appointment.cancelled", "appointment.confirmed", "appointment.book"]);
    let b_lines = store
        .audit_for_card(ivanova)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.object.as_deref() == Some(&format!("appointment:{b}")))
        .count();
    assert_eq!(b_lines, 3);

    // The waitlist: open entries by doctor or card, oldest first; closed once.
    let w1 = store.waitlist_add(sokolov, ivanova, Some(day), "утром", &me, NOW + 10).await.unwrap();
    let w2 = store.waitlist_add(morozov, maria, None, "", &desk, NOW + 11).await.unwrap();
    let w3 = store.waitlist_add(sokolov, maria, None, "любое время", &desk, NOW + 12).await.unwrap();
    assert_eq!(
        store.waitlist(Some(sokolov), None).await.unwrap()[0],
        WaitlistRecord {
            id: w1,
            staff_id: sokolov,
            card_id: ivanova,
            patient_name: "Иванова Анна Петровна".into(),
            day: Some(day),
            note: "утром".into(),
            created_at: NOW + 10
        }
    );
    let ids = |list: Vec<WaitlistRecord>| list.into_iter().map(|w| w.id).collect::<Vec<_>>();
    assert_eq!(ids(store.waitlist(Some(sokolov), None).await.unwrap()), [w1, w3]);
    assert_eq!(ids(store.waitlist(None, Some(maria)).await.unwrap()), [w2, w3]);
    assert_eq!(ids(store.waitlist(Some(sokolov), Some(maria)).await.unwrap()), [w3]);
    assert_eq!(ids(store.waitlist(None, None).await.unwrap()), [w1, w2, w3]);
    assert_eq!(store.waitlist(None, Some(maria)).await.unwrap()[0].day, None);
    assert!(store.waitlist_close(w1, &desk, NOW + 13).await.unwrap());
    assert!(!store.waitlist_close(w1, &desk, NOW + 14).await.unwrap(), "closed already");
    assert_eq!(ids(store.waitlist(Some(sokolov), None).await.unwrap()), [w3]);
    let w_lines: Vec<_> = store
        .audit_for_card(ivanova)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.object.as_deref() == Some(&format!("waitlist:{w1}")))
        .map(|e| e.action)
        .collect();
    assert_eq!(w_lines, ["waitlist.close", "waitlist.add"]);
}
