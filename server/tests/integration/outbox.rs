//! Mail through a real SMTP server on loopback (aiosmtpd from PyPI): sent once, and an SMTP
//! outage delays a message without losing or doubling it.

use crate::support::{pg_db, sqlite_db};
use app::platform::store::Store;
use app::platform::store::{Channel, NewMail};
use kabinet_server::mail::{drain_once, DevSms, SmtpMailer};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// An aiosmtpd process that keeps every message it receives in a maildir.
pub(crate) struct SmtpSink {
    child: Child,
    port: u16,
    maildir: PathBuf,
}

impl SmtpSink {
    pub(crate) fn start(port: u16, maildir: &Path) -> Self {
        for sub in ["tmp", "new", "cur"] {
            std::fs::create_dir_all(maildir.join(sub)).unwrap();
        }
        let mut child = Command::new("python3")
            .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}"), "-c", "aiosmtpd.handlers.Mailbox"])
            .arg(maildir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3 with aiosmtpd (scripts/setup installs it)");
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return Self { child, port, maildir: maildir.to_path_buf() };
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = child.kill();
        let _ = child.wait();
        panic!("aiosmtpd did not start on port {port}");
    }

    pub(crate) fn stop(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        for _ in 0..50 {
            if std::net::TcpStream::connect(("127.0.0.1", self.port)).is_err() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// The messages received so far, whole.
    pub(crate) fn messages(&self) -> Vec<String> {
        let Ok(dir) = std::fs::read_dir(self.maildir.join("new")) else { return Vec::new() };
        dir.filter_map(|e| std::fs::read_to_string(e.ok()?.path()).ok()).collect()
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A received message's text body, decoded from its transfer encoding.
pub(crate) fn body_of(raw: &str) -> String {
    use base64::Engine as _;
    let (headers, body) = raw.split_once("\n\n").or_else(|| raw.split_once("\r\n\r\n")).unwrap_or((raw, ""));
    if headers.to_ascii_lowercase().contains("content-transfer-encoding: base64") {
        let compact: String = body.chars().filter(|c| !c.is_whitespace()).collect();
        let bytes = base64::engine::general_purpose::STANDARD.decode(compact).expect("base64 body");
        String::from_utf8(bytes).expect("UTF-8 body")
    } else {
        body.to_string()
    }
}

pub(crate) fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn mail(subject: &str) -> NewMail {
    NewMail {
        recipient: "patient@kabinet.example".into(), subject: subject.into(), body: "Текст письма".into()
    }
}

async fn story(store: &dyn Store) {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let mailer = SmtpMailer::new(&format!("smtp://127.0.0.1:{port}"), "Клиника <no-reply@kabinet.example>").unwrap();
    let now = 1_800_000_000;

    // Sent once while the server is up.
    let sink = SmtpSink::start(port, dir.path());
    store.outbox_enqueue(mail("Первое письмо"), now).await.unwrap();
    let first = drain_once(store, &mailer, now).await.unwrap();
    assert_eq!(first, 1, "{:?}", store.outbox_recent(1).await.unwrap()[0].last_error);
    assert_eq!(drain_once(store, &mailer, now + 60).await.unwrap(), 0, "nothing is sent twice");
    let received = sink.messages();
    assert_eq!(received.len(), 1);
    assert!(received[0].contains("Message-ID: <outbox-"), "{}", received[0]);

    // The server goes down: the message waits, with the reason recorded.
    sink.stop();
    let id = store.outbox_enqueue(mail("Второе письмо"), now + 100).await.unwrap();
    assert_eq!(drain_once(store, &mailer, now + 100).await.unwrap(), 0);
    let queued = store.outbox_recent(10).await.unwrap().into_iter().find(|m| m.id == id).unwrap();
    assert_eq!((queued.attempts, queued.sent_at), (1, None));
    assert!(queued.last_error.is_some());
    assert_eq!(drain_once(store, &mailer, now + 110).await.unwrap(), 0, "backing off, not hammering");

    // Back up: after the back-off it is delivered, exactly once.
    let sink = SmtpSink::start(port, dir.path());
    assert_eq!(drain_once(store, &mailer, now + 131).await.unwrap(), 1);
    assert_eq!(drain_once(store, &mailer, now + 5000).await.unwrap(), 0);
    let received = sink.messages();
    assert_eq!(received.len(), 2, "each message arrived exactly once");
    assert_eq!(
        received.iter().filter(|m| m.contains("Subject: =?utf-8?b?")).count(),
        2,
        "Cyrillic subjects are encoded"
    );
    let sent = store.outbox_recent(10).await.unwrap();
    assert!(sent.iter().all(|m| m.sent_at.is_some()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mail_survives_an_smtp_outage_and_arrives_once_on_sqlite() {
    let db = sqlite_db();
    let store = kabinet_server::db::open(&db.url).await.unwrap();
    story(&*store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mail_survives_an_smtp_outage_and_arrives_once_on_postgres() {
    if let Some(db) = pg_db().await {
        let store = kabinet_server::db::open(&db.url).await.unwrap();
        story(&*store).await;
    }
}

/// A message with a secret part: sent whole, kept without the secret once sent; the
/// development SMS provider, whose only delivery is the outbox row, keeps it.
async fn secrets_after_sending(store: &dyn Store) {
    use app::kernel::outbox::secret;
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let sink = SmtpSink::start(port, dir.path());
    let mailer = SmtpMailer::new(&format!("smtp://127.0.0.1:{port}"), "Клиника <no-reply@kabinet.example>").unwrap();
    let now = 1_800_000_000;
    let body = format!("Ваш код: {}\nСсылка: {}", secret("482 913 007"), secret("http://x/r?code=482913007"));
    let id = store
        .outbox_enqueue(NewMail { recipient: "patient@kabinet.example".into(), subject: "Код".into(), body }, now)
        .await
        .unwrap();
    let unsent = store.outbox_recent(10).await.unwrap().into_iter().find(|m| m.id == id).unwrap();
    assert_eq!(unsent.body, "Ваш код: 482 913 007\nСсылка: http://x/r?code=482913007", "unsent: whole, unmarked");
    assert_eq!(drain_once(store, &mailer, now).await.unwrap(), 1);
    let received = body_of(&sink.messages()[0]);
    assert!(received.contains("482 913 007") && received.contains("code=482913007"), "{received}");
    let sent = store.outbox_recent(10).await.unwrap().into_iter().find(|m| m.id == id).unwrap();
    assert!(sent.sent_at.is_some());
    assert_eq!(sent.body, "Ваш код: •••\nСсылка: •••");
    sink.stop();

    // The development SMS provider: the row is the delivery, so the code stays.
    let body = format!("Код привязки: {}", secret("111 222 333"));
    let id = store
        .outbox_enqueue(NewMail { recipient: "+79161234567".into(), subject: String::new(), body }, now)
        .await
        .unwrap();
    assert_eq!(kabinet_server::mail::drain(store, Channel::Email, &DevSms, now).await.unwrap(), 1);
    let recorded = store.outbox_recent(10).await.unwrap().into_iter().find(|m| m.id == id).unwrap();
    assert!(recorded.sent_at.is_some());
    assert_eq!(recorded.body, "Код привязки: 111 222 333");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sent_message_keeps_no_code_in_the_outbox_on_sqlite() {
    let db = sqlite_db();
    let store = kabinet_server::db::open(&db.url).await.unwrap();
    secrets_after_sending(&*store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sent_message_keeps_no_code_in_the_outbox_on_postgres() {
    if let Some(db) = pg_db().await {
        let store = kabinet_server::db::open(&db.url).await.unwrap();
        secrets_after_sending(&*store).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_leased_message_is_not_taken_twice() {
    let db = sqlite_db();
    let store = kabinet_server::db::open(&db.url).await.unwrap();
    store.outbox_enqueue(mail("x"), 100).await.unwrap();
    assert_eq!(store.outbox_lease_due(Channel::Email, 100, 220, 10).await.unwrap().len(), 1);
    assert!(store.outbox_lease_due(Channel::Email, 150, 270, 10).await.unwrap().is_empty(), "held by the first worker");
    assert_eq!(
        store.outbox_lease_due(Channel::Email, 221, 341, 10).await.unwrap().len(),
        1,
        "a crashed worker's lease expires"
    );
}
