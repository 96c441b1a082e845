//! `OutboxStore`: queued messages, leased by channel and due time, sent (secrets blanked) or
//! failed (tried again later).

use super::{card, mail, seeded, NOW};
use app::features::onboarding::store::NewAttachCode;
use app::kernel::outbox::{secret, REDACTED};
use app::platform::store::Store;
use app::platform::store::{Actor, AuditEntry, Channel, OutboxMail};

fn ids(mails: &[OutboxMail]) -> Vec<i64> {
    mails.iter().map(|m| m.id).collect()
}

async fn get(store: &dyn Store, id: i64) -> OutboxMail {
    store.outbox_recent(100).await.unwrap().into_iter().find(|m| m.id == id).expect("queued")
}

pub async fn story(url: &str) {
    let store = seeded(url).await;
    let store = &*store;
    assert!(store.outbox_recent(10).await.unwrap().is_empty(), "a fresh clinic has sent nothing");

    let body = format!("Ваш код: {}. Никому его не сообщайте.", secret("314159"));
    let first = store.outbox_enqueue(mail("anna@example.com", "Код", &body), NOW).await.unwrap();
    let second = store.outbox_enqueue(mail("boris@example.com", "Новости", "Текст"), NOW + 1).await.unwrap();
    let third = store.outbox_enqueue(mail("vera@example.com", "Код", &secret("2718")), NOW + 2).await.unwrap();

    // Read back exactly, newest first, the secret's marks gone from the body to send.
    let recent = store.outbox_recent(10).await.unwrap();
    assert_eq!(ids(&recent), [third, second, first]);
    assert_eq!(
        recent[2],
        OutboxMail {
            id: first,
            channel: Channel::Email,
            recipient: "anna@example.com".into(),
            subject: "Код".into(),
            body: "Ваш код: 314159. Никому его не сообщайте.".into(),
            attempts: 0,
            created_at: NOW,
            sent_at: None,
            last_error: None,
        }
    );
    assert_eq!(ids(&store.outbox_recent(2).await.unwrap()), [third, second], "the limit keeps the newest");

    // Leasing: only what is due, oldest first, at most `limit`, each row once.
    assert!(store.outbox_lease_due(Channel::Email, NOW - 1, NOW + 120, 10).await.unwrap().is_empty(), "not due");
    assert!(store.outbox_lease_due(Channel::Sms, NOW + 10, NOW + 130, 10).await.unwrap().is_empty(), "no SMS");
    let leased = store.outbox_lease_due(Channel::Email, NOW + 10, NOW + 130, 2).await.unwrap();
    assert_eq!(ids(&leased), [first, second]);
    assert_eq!(leased[0].attempts, 1, "a lease counts an attempt");
    let rest = store.outbox_lease_due(Channel::Email, NOW + 20, NOW + 140, 10).await.unwrap();
    assert_eq!(ids(&rest), [third], "leased rows are not leased twice");

    // A failure frees the row and sets when to try again.
    store.outbox_mark_failed(second, NOW + 500, "smtp: 451 try later").await.unwrap();
    let failed = get(store, second).await;
    assert_eq!((failed.last_error.as_deref(), failed.sent_at), (Some("smtp: 451 try later"), None));
    assert!(store.outbox_lease_due(Channel::Email, NOW + 100, NOW + 220, 10).await.unwrap().is_empty());
    let expired = store.outbox_lease_due(Channel::Email, NOW + 200, NOW + 320, 10).await.unwrap();
    assert_eq!(ids(&expired), [first, third], "a lease that ran out is taken over");
    assert_eq!(expired[0].attempts, 2);

    // Sent: the kept body has the secret blanked, unless the transport keeps secrets.
    store.outbox_mark_sent(first, NOW + 201, false).await.unwrap();
    let sent = get(store, first).await;
    assert_eq!(sent.body, format!("Ваш код: {REDACTED}. Никому его не сообщайте."));
    assert_eq!((sent.sent_at, sent.last_error.as_deref()), (Some(NOW + 201), None));
    store.outbox_mark_sent(third, NOW + 202, true).await.unwrap();
    assert_eq!(get(store, third).await.body, "2718", "a development transport keeps the code");
    store.outbox_mark_failed(first, NOW + 900, "late failure").await.unwrap();
    assert_eq!(get(store, first).await, sent, "a sent message does not fail afterwards");
    let due = store.outbox_lease_due(Channel::Email, NOW + 1000, NOW + 1120, 10).await.unwrap();
    assert_eq!(ids(&due), [second], "sent messages are never leased again");
    assert_eq!(due[0].attempts, 2);
    store.outbox_mark_sent(second, NOW + 1001, false).await.unwrap();
    let after = get(store, second).await;
    assert_eq!((after.body.as_str(), after.last_error), ("Текст", None), "sending clears the last error");

    // An SMS (queued by an attach code) is leased on its own channel only.
    let card = card(store, "петрова мария").await;
    let sms = mail("+79161234567", "", &format!("Код: {}", secret("123456789")));
    let code = NewAttachCode {
        card_id: card,
        guardian_card_id: None,
        code_hash: "0".repeat(64),
        channel: Channel::Sms,
        message: sms,
        now: NOW + 2000,
        expires_at: NOW + 2600,
        audit: AuditEntry::by(&Actor::system("test"), NOW + 2000, "attach.code").card(card),
    };
    store.attach_code_issue(code).await.unwrap();
    assert!(store.outbox_lease_due(Channel::Email, NOW + 2001, NOW + 2100, 10).await.unwrap().is_empty());
    let texts = store.outbox_lease_due(Channel::Sms, NOW + 2001, NOW + 2100, 10).await.unwrap();
    assert_eq!(texts.len(), 1);
    assert_eq!((texts[0].channel, texts[0].body.as_str()), (Channel::Sms, "Код: 123456789"));
    store.outbox_mark_sent(texts[0].id, NOW + 2002, false).await.unwrap();
    assert_eq!(get(store, texts[0].id).await.body, format!("Код: {REDACTED}"));
}
