//! `NotificationsStore`: a schedule written and read back exactly (and journalled); queuing
//! once per key, a refused card's notice written cancelled; settling once, into the outbox in
//! the same transaction; an edited schedule's queued notices gone; the quiet hours; the log;
//! a handed-over notice withdrawn when the patient refuses before the relay takes it.

use super::{card, execute, journal_lines, rows, scalar, seeded, NOW};
use app::features::booking::rules::AppointmentStatus;
use app::features::notifications::rules::{Kind, QuietHours, Reason, Schedule, Status, Via};
use app::features::notifications::store::{Handover, LogFilter, NewNotification};
use app::platform::store::{Actor, AuditEntry, NewMail};

fn audit(action: &str) -> AuditEntry {
    AuditEntry::by(&Actor::system("test"), NOW, action)
}

fn schedule() -> Schedule {
    Schedule {
        name: "После приёма".into(),
        kind: Kind::AfterStatus,
        enabled: true,
        via: Via::Either,
        marketing: true,
        days: 0,
        minutes: 180,
        send_at_min: 0,
        status: Some(AppointmentStatus::Completed),
        working_days_only: true,
        include_same_day: false,
        services: vec![3, 7],
        hourly: false,
        sms_text: "{имя}, оцените приём 😊".into(),
        email_subject: "Как прошёл приём?".into(),
        email_body: "{имя_отчество}, оцените приём: {ссылка_на_запись}".into(),
    }
}

fn notice(schedule_id: i64, card_id: i64, subject_id: i64, marketing: bool) -> NewNotification {
    NewNotification {
        schedule_id,
        card_id,
        subject_kind: "birthday",
        subject_id,
        occurrence: 2027,
        due_at: NOW + 600,
        marketing,
    }
}

pub async fn story(url: &str) {
    let store = seeded(url).await;
    let s = schedule();
    let id = store.notify_schedule_save(None, &s, NOW, audit("notify_schedule.create")).await.unwrap().unwrap();
    let back = store.notify_schedule(id).await.unwrap().unwrap();
    assert_eq!((back.schedule, back.active_since), (s.clone(), NOW));
    assert_eq!(journal_lines(url, "notify_schedule.create").await, 1);
    assert_eq!(store.notify_schedule_save(Some(id + 100), &s, NOW, audit("x")).await.unwrap(), None);

    // Quiet hours: the clinic's default, then the head's.
    assert_eq!(store.quiet_hours().await.unwrap(), QuietHours { from_min: 21 * 60, to_min: 9 * 60 });
    let quiet = QuietHours { from_min: 22 * 60, to_min: 8 * 60 };
    store.set_quiet_hours(quiet, audit("clinic.quiet_hours")).await.unwrap();
    assert_eq!(store.quiet_hours().await.unwrap(), quiet);

    // Queued once per key; a card that refused advertising gets its marketing notice cancelled.
    let ivanova = card(&*store, "иванова анна").await;
    let petrov = card(&*store, "петров дмитрий").await;
    execute(url, &format!("UPDATE patient_card SET refused_advertising = TRUE WHERE id = {petrov}")).await;
    let items = [notice(id, ivanova, ivanova, true), notice(id, petrov, petrov, true)];
    assert_eq!(store.notify_queue(&items, NOW).await.unwrap(), 2);
    assert_eq!(store.notify_queue(&items, NOW + 30).await.unwrap(), 0, "the same keys again: nothing");
    let log = store.notify_log(&LogFilter { schedule_id: Some(id), limit: 10, ..Default::default() }).await.unwrap();
    let of = |card_id: i64| log.iter().find(|l| l.card_id == card_id).unwrap().clone();
    assert_eq!((of(ivanova).status, of(ivanova).reason), (Status::Queued, None));
    assert_eq!((of(petrov).status, of(petrov).reason), (Status::Cancelled, Some(Reason::RefusedAdvertising)));

    // Due: only the queued one, from its time.
    assert!(store.notify_due(NOW, 10).await.unwrap().is_empty());
    let due = store.notify_due(NOW + 600, 10).await.unwrap();
    assert_eq!(due.len(), 1);
    let n = &due[0];
    assert_eq!((n.card_id, n.subject_kind.as_str(), n.occurrence), (ivanova, "birthday", 2027));

    // Settled once: the outbox row is written with it; a second settling changes nothing.
    let outbox_before = rows(url, "outbox").await;
    let mail =
        NewMail { recipient: "patient@kabinet.example".into(), subject: "Тема".into(), body: "Текст".into() };
    let send = Handover::Send { sms: false, mail };
    assert!(store.notify_settle(n.id, send.clone(), NOW + 600).await.unwrap());
    assert!(!store.notify_settle(n.id, send, NOW + 601).await.unwrap());
    assert!(!store.notify_settle(n.id, Handover::Cancel(Reason::Read), NOW + 601).await.unwrap());
    assert_eq!(rows(url, "outbox").await, outbox_before + 1);
    let line = store
        .notify_log(&LogFilter { card_id: Some(ivanova), limit: 10, ..Default::default() })
        .await
        .unwrap()
        .remove(0);
    assert_eq!(
        (line.status, line.channel.as_deref(), line.body.as_deref()),
        (Status::Sent, Some("email"), Some("Текст"))
    );
    assert_eq!(line.delivered_at, None, "not taken by the relay yet");

    // Refused before the relay took it: withdrawn, outbox row gone, the notice cancelled.
    let outbox_id = scalar(url, &format!("SELECT outbox_id FROM notification WHERE id = {}", n.id)).await;
    assert!(!store.notify_withdrawn(outbox_id, NOW + 610).await.unwrap(), "nothing changed yet");
    execute(url, &format!("UPDATE patient_card SET refused_notifications = TRUE WHERE id = {ivanova}")).await;
    assert!(store.notify_withdrawn(outbox_id, NOW + 620).await.unwrap());
    assert_eq!(rows(url, "outbox").await, outbox_before);
    let line = store
        .notify_log(&LogFilter { card_id: Some(ivanova), limit: 10, ..Default::default() })
        .await
        .unwrap()
        .remove(0);
    assert_eq!((line.status, line.reason, line.channel), (Status::Cancelled, Some(Reason::Refused), None));
    assert!(!store.notify_withdrawn(outbox_id, NOW + 630).await.unwrap(), "once");

    // An edited schedule's queued notices go (to be queued again by its new settings); settled
    // ones stay.
    let novikova = card(&*store, "новикова ольга").await;
    store.notify_queue(&[notice(id, novikova, novikova, false)], NOW).await.unwrap();
    let edited = Schedule { name: "Отзыв".into(), marketing: false, ..s };
    assert_eq!(store.notify_schedule_save(Some(id), &edited, NOW + 700, audit("x")).await.unwrap(), Some(id));
    let log = store.notify_log(&LogFilter { schedule_id: Some(id), limit: 10, ..Default::default() }).await.unwrap();
    assert_eq!(log.len(), 2, "the queued one gone: {log:?}");
    assert!(log.iter().all(|l| l.schedule_name == "Отзыв"));
    assert_eq!(store.notify_schedule(id).await.unwrap().unwrap().active_since, NOW, "on all along");
}
