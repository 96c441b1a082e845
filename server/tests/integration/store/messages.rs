//! `MessagesStore`: a dialogue's unread counts on both sides, waiting and closed, the inbox's
//! scopes and filters, older pages, the hourly count, video calls, handover; broadcasts written
//! once to their audience, advertising leaving out who refused it.

use super::{account, card, execute, rows, seeded, NOW};
use app::features::messages::rules::{Audience, InboxFilter, Side, Subject};
use app::features::messages::store::{InboxScope, NewAttachment, NewBroadcast, NewMessage, Posted, Thread};
use app::kernel::media::MediaType;
use app::platform::store::{Actor, AuditEntry, Store};

fn audit(action: &str) -> AuditEntry {
    AuditEntry::by(&Actor::system("test"), NOW, action)
}

fn msg(thread: Thread, from: Side, author: i64, body: &str, at: i64) -> NewMessage {
    NewMessage {
        thread,
        from,
        author_account_id: author,
        body: body.into(),
        files: vec![],
        now: at,
        audit: audit("message.send"),
        hourly_limit: None,
    }
}

pub async fn story(url: &str) {
    let store = seeded(url).await;
    dialogues(&*store, url).await;
    broadcasts(&*store, url).await;
}

async fn dialogues(store: &dyn Store, url: &str) {
    let patient = account(store, "patient@kabinet.example").await;
    let doctor = account(store, "doctor@kabinet.example").await;
    let ivanova = card(store, "иванова анна").await;
    let (sokolov, _) = store.staff_of_account(doctor.account_id).await.unwrap().unwrap();
    let doctor_scope = InboxScope { staff_id: Some(sokolov), desk: false };
    let desk_scope = InboxScope { staff_id: None, desk: true };

    let new = Thread::New { card_id: ivanova, staff_id: Some(sokolov), subject: Subject::Results };
    let mut first = msg(new, Side::Patient, patient.account_id, "Вопрос", NOW);
    first.files = vec![NewAttachment {
        original_name: "фото.jpg".into(),
        media_type: MediaType::Jpeg,
        size: 1000,
        stored_name: "aa01".into(),
        served_name: "aa02".into(),
        served_type: MediaType::Webp,
    }];
    let Posted::Yes(id, m1) = store.post_message(first).await.unwrap() else { panic!("posted") };
    let d = store.dialogue(id).await.unwrap().unwrap();
    assert_eq!((d.staff_unread, d.patient_unread, d.waiting, d.closed), (1, 0, true, false));
    assert_eq!(d.doctor_name.as_deref(), Some("Соколов Андрей Викторович"));
    assert_eq!(d.patient_name, "Иванова Анна Петровна");
    assert_eq!(store.card_unread(ivanova).await.unwrap(), 0);
    let (unread, total) = store.inbox(doctor_scope, InboxFilter::Unread, 0, 50).await.unwrap();
    assert_eq!((unread.len(), total), (1, 1));
    assert_eq!(store.inbox(desk_scope, InboxFilter::Open, 0, 50).await.unwrap().1, 0, "not the desk's");

    // The attachment belongs to its dialogue; an unknown one is none.
    let files = store.dialogue_messages(id, None, 10).await.unwrap()[0].files.clone();
    assert_eq!(files.len(), 1);
    let found = store.message_file(files[0].id).await.unwrap().unwrap();
    assert_eq!((found.dialogue_id, found.file.served_type), (id, MediaType::Webp));
    assert!(store.message_file(999_999).await.unwrap().is_none());

    // The clinic answers twice: the patient has two to read, nothing waits.
    store.mark_read(id, Side::Clinic).await.unwrap();
    for (i, text) in ["Ответ", "Дополнение"].iter().enumerate() {
        store
            .post_message(msg(Thread::Existing(id), Side::Clinic, doctor.account_id, text, NOW + 10 + i as i64))
            .await
            .unwrap();
    }
    let d = store.dialogue(id).await.unwrap().unwrap();
    assert_eq!((d.staff_unread, d.patient_unread, d.waiting), (0, 2, false));
    assert_eq!(store.card_unread(ivanova).await.unwrap(), 2);
    assert_eq!(store.inbox(doctor_scope, InboxFilter::Waiting, 0, 50).await.unwrap().1, 0);
    store.mark_read(id, Side::Patient).await.unwrap();
    assert_eq!(store.card_unread(ivanova).await.unwrap(), 0);
    let after = store.messages_after(id, m1).await.unwrap();
    assert_eq!(after.iter().map(|m| m.body.as_str()).collect::<Vec<_>>(), ["Ответ", "Дополнение"]);
    assert_eq!(after[0].author_name, "Соколов Андрей Викторович");

    // Closed; the patient's next message reopens it and it waits again.
    assert!(store.set_closed(id, true, audit("message.close")).await.unwrap());
    assert_eq!(store.inbox(doctor_scope, InboxFilter::Closed, 0, 50).await.unwrap().1, 1);
    assert_eq!(store.inbox(doctor_scope, InboxFilter::Open, 0, 50).await.unwrap().1, 0);
    store.post_message(msg(Thread::Existing(id), Side::Patient, patient.account_id, "Ещё", NOW + 20)).await.unwrap();
    let d = store.dialogue(id).await.unwrap().unwrap();
    assert!(!d.closed && d.waiting);
    let missing = msg(Thread::Existing(999_999), Side::Patient, patient.account_id, "x", NOW);
    assert_eq!(store.post_message(missing).await.unwrap(), Posted::NoDialogue);
    assert!(!store.set_closed(999_999, true, audit("message.close")).await.unwrap());

    // Older pages: the newest first, shown oldest first.
    let newest = store.dialogue_messages(id, None, 2).await.unwrap();
    assert_eq!(newest.iter().map(|m| m.body.as_str()).collect::<Vec<_>>(), ["Дополнение", "Ещё"]);
    let older = store.dialogue_messages(id, Some(newest[0].id), 10).await.unwrap();
    assert_eq!(older.iter().map(|m| m.body.as_str()).collect::<Vec<_>>(), ["Вопрос", "Ответ"]);
    // The hourly count: the patient's two messages within the hour.
    assert_eq!(store.sent_since(patient.account_id, NOW - 3600).await.unwrap(), (2, Some(NOW)));
    assert_eq!(store.sent_since(patient.account_id, NOW + 5).await.unwrap().0, 1);
    // The hourly limit is counted inside the write: two sent this hour, a limit of two refuses
    // the third and writes nothing.
    let before = rows(url, "message").await;
    let third = || msg(Thread::Existing(id), Side::Patient, patient.account_id, "Третье", NOW + 30);
    let limited = NewMessage { hourly_limit: Some(2), ..third() };
    assert_eq!(store.post_message(limited).await.unwrap(), Posted::OverLimit { first: NOW });
    assert_eq!(rows(url, "message").await, before);
    let allowed = NewMessage { hourly_limit: Some(3), ..third() };
    assert!(matches!(store.post_message(allowed).await.unwrap(), Posted::Yes(..)));

    // Video: opened with its room and end, ended.
    assert!(store.set_video(id, Some(("ab".repeat(16), NOW + 7200)), audit("message.video_start")).await.unwrap());
    let d = store.dialogue(id).await.unwrap().unwrap();
    assert_eq!((d.video_room.as_deref().map(str::len), d.video_until), (Some(32), Some(NOW + 7200)));
    assert!(store.set_video(id, None, audit("message.video_end")).await.unwrap());
    assert_eq!(store.dialogue(id).await.unwrap().unwrap().video_room, None);

    // Handed to the desk: the desk's inbox has it, the doctor's does not.
    assert!(store.hand_over(id, None, audit("message.handover")).await.unwrap());
    assert_eq!(store.inbox(desk_scope, InboxFilter::Open, 0, 50).await.unwrap().1, 1);
    assert_eq!(store.inbox(doctor_scope, InboxFilter::Open, 0, 50).await.unwrap().1, 0);
    let (listed, total) = store.card_dialogues(ivanova, 0, 10).await.unwrap();
    assert_eq!(total, 1);
    assert!(listed.iter().any(|d| d.id == id && d.staff_id.is_none()));
    assert!(store.card_dialogues(ivanova, 10, 10).await.unwrap().0.is_empty(), "past the last page");
    assert!(rows(url, "audit_log").await > 0);

    // Doctors the card may write to: none without a visit; clinicians to hand over to.
    assert!(store.card_doctors(ivanova).await.unwrap().is_empty());
    assert!(store.clinicians().await.unwrap().iter().any(|c| c.staff_id == sokolov));
}

async fn broadcasts(store: &dyn Store, url: &str) {
    let editor = account(store, "editor@kabinet.example").await;
    let today = app::kernel::time_fmt::local_date(NOW, 180);
    let cards = rows(url, "patient_card").await;
    execute(url, "UPDATE patient_card SET refused_advertising = TRUE WHERE surname = 'Новикова'").await;
    let new = |title: &str, audience: Audience, advertising: bool| NewBroadcast {
        title: title.into(),
        body: "Текст".into(),
        advertising,
        audience,
        author_account_id: editor.account_id,
        now: NOW,
    };
    assert_eq!(store.audience_size(Audience::All, false, today).await.unwrap(), cards);
    assert_eq!(store.audience_size(Audience::All, true, today).await.unwrap(), cards - 1);
    // On 2027-01-15 the demo's children are 10 and 7.
    assert_eq!(store.audience_size(Audience::Age { min: 8, max: 12 }, false, today).await.unwrap(), 1);
    assert_eq!(store.audience_size(Audience::Age { min: 0, max: 17 }, false, today).await.unwrap(), 2);
    assert_eq!(store.audience_size(Audience::Branch(999_999), false, today).await.unwrap(), 0);

    let ads = store.broadcast_create(new("Акция", Audience::All, true), audit("broadcast.create")).await.unwrap();
    let later = store.broadcast_create(new("Позже", Audience::All, false), audit("broadcast.create")).await.unwrap();
    assert_eq!(store.release_broadcasts(NOW, today).await.unwrap(), 0, "drafts wait");
    assert!(store.broadcast_schedule(ads, NOW, audit("broadcast.send")).await.unwrap());
    assert!(store.broadcast_schedule(later, NOW + 3600, audit("broadcast.send")).await.unwrap());
    assert_eq!(store.release_broadcasts(NOW, today).await.unwrap(), 1);
    assert_eq!(store.release_broadcasts(NOW, today).await.unwrap(), 0, "written once");
    assert!(!store.broadcast_schedule(ads, NOW, audit("broadcast.send")).await.unwrap(), "sent stays sent");
    assert_eq!(store.broadcast(ads).await.unwrap().unwrap().recipients, cards - 1);
    assert_eq!(rows(url, "broadcast_delivery").await, cards - 1);
    let novikova = card(store, "новикова ольга").await;
    assert!(store.card_broadcasts(novikova, 10).await.unwrap().is_empty(), "refused advertising");
    let ivanova = card(store, "иванова анна").await;
    let got = store.card_broadcasts(ivanova, 10).await.unwrap();
    assert_eq!((got.len(), got[0].broadcast.title.as_str(), got[0].read_at), (1, "Акция", None));
    assert_eq!(store.card_unread(ivanova).await.unwrap(), 1);
    store.mark_broadcast_read(ivanova, ads, NOW + 5).await.unwrap();
    assert_eq!(store.card_broadcast(ivanova, ads).await.unwrap().unwrap().read_at, Some(NOW + 5));
    assert_eq!(store.card_unread(ivanova).await.unwrap(), 0);
    assert!(store.card_broadcast(ivanova, later).await.unwrap().is_none(), "not yet");
    assert_eq!(store.release_broadcasts(NOW + 3600, today).await.unwrap(), 1);
    assert_eq!(store.card_broadcasts(novikova, 10).await.unwrap().len(), 1, "informational reaches her");
    assert_eq!(store.broadcasts(10).await.unwrap().len(), 2);
}
