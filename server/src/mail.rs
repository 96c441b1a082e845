//! Outgoing mail: the SMTP transport (lettre) and the worker that drains the outbox. Messages
//! are leased before sending and marked sent after, so a crash or an SMTP outage delays mail
//! but loses none, and a message is handed to SMTP once (its Message-ID names the outbox row,
//! so a rare resend after a crash between SMTP's "OK" and our commit is recognisable).

use app::kernel::outbox::{retry_delay, LEASE_SECS};
use app::platform::store::{Channel, OutboxMail};
use app::platform::store::{Store, StoreError};
use async_trait::async_trait;
use lettre::message::{header::ContentType, Mailbox};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::sync::Arc;
use std::time::Duration;

/// Something that delivers one outbox message (an e-mail, a text message), or says why not.
#[async_trait]
pub trait MailTransport: Send + Sync + 'static {
    async fn send(&self, mail: &OutboxMail) -> Result<(), String>;

    /// Whether the outbox row is this transport's only delivery, so its codes must stay
    /// readable there after "sending" (the development SMS provider, read in the demo
    /// mailbox). Any real transport delivers elsewhere: the row keeps no code once sent.
    fn delivers_into_outbox(&self) -> bool {
        false
    }

    /// The longest one `send` may take, in seconds (its timeout).
    fn longest_secs(&self) -> i64 {
        15
    }
}

pub struct SmtpMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl SmtpMailer {
    /// `url`: `smtp://host:port` (plain, for a local relay), `smtp://host?tls=required`
    /// (STARTTLS) or `smtps://host` (TLS), with `user:password@` when the relay wants it.
    pub fn new(url: &str, from: &str) -> anyhow::Result<Self> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| anyhow::anyhow!("KABINET_SMTP_URL: {e}"))?
            .timeout(Some(Duration::from_secs(15)))
            .build();
        let from = from.parse().map_err(|e| anyhow::anyhow!("KABINET_MAIL_FROM: {e}"))?;
        Ok(Self { transport, from })
    }
}

#[async_trait]
impl MailTransport for SmtpMailer {
    async fn send(&self, mail: &OutboxMail) -> Result<(), String> {
        let to: Mailbox = mail.recipient.parse().map_err(|e| format!("recipient: {e}"))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(&mail.subject)
            .message_id(Some(format!("<outbox-{}.{}@kabinet>", mail.id, mail.created_at)))
            .header(ContentType::TEXT_PLAIN)
            .body(mail.body.clone())
            .map_err(|e| format!("message: {e}"))?;
        self.transport.send(message).await.map(|_| ()).map_err(|e| e.to_string())
    }
}

/// Sends the e-mail that is due now; returns how many messages went out.
pub async fn drain_once(store: &dyn Store, mailer: &dyn MailTransport, now: i64) -> Result<usize, StoreError> {
    drain(store, Channel::Email, mailer, now).await
}

/// Sends what is due on one channel: leased first, marked sent after, retried with backoff.
pub async fn drain(
    store: &dyn Store,
    channel: Channel,
    transport: &dyn MailTransport,
    now: i64,
) -> Result<usize, StoreError> {
    let mut sent = 0;
    let started = std::time::Instant::now();
    for message in store.outbox_lease_due(channel, now, now + LEASE_SECS, 20).await? {
        // Never send on a lease that could run out before the transport answers (a slow SMS
        // gateway, 20 × 10 s): what is left is taken again once its lease ends, by this worker
        // or another, and no row is sent by two.
        if started.elapsed().as_secs() as i64 + transport.longest_secs() >= LEASE_SECS {
            break;
        }
        if store.notify_withdrawn(message.id, now).await? {
            // A notification whose patient refused, or whose visit was cancelled or moved, after
            // it was handed over (the relay was down meanwhile): not sent.
            continue;
        }
        match transport.send(&message).await {
            Ok(()) => {
                store.outbox_mark_sent(message.id, now, transport.delivers_into_outbox()).await?;
                sent += 1;
            }
            Err(error) => {
                // The error names the relay's complaint, never the message's content; a relay
                // that repeats the address in it («550 <anna@…>: rejected») has it taken out.
                let error = error.replace(&message.recipient, "…");
                tracing::warn!(outbox_id = message.id, attempts = message.attempts, channel = channel.as_str(), %error,
                    "message not sent; will retry");
                store.outbox_mark_failed(message.id, now + retry_delay(message.attempts), &error).await?;
            }
        }
    }
    Ok(sent)
}

/// Drains one channel of the outbox every two seconds until the process ends.
pub fn spawn_worker(
    store: Arc<dyn Store>,
    channel: Channel,
    transport: Arc<dyn MailTransport>,
    clock: app::platform::state::Clock,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(2));
        loop {
            tick.tick().await;
            if let Err(e) = drain(&*store, channel, &*transport, clock()).await {
                tracing::error!(error = %e, channel = channel.as_str(), "outbox worker: storage error");
            }
        }
    })
}

/// The development SMS provider: the message stays recorded in the outbox, code included
/// (where the demo mailbox shows it), and is marked delivered; nothing leaves the machine. The
/// real one, `sms::HttpSms`, is used instead when `KABINET_SMS_URL` is set.
pub struct DevSms;

#[async_trait]
impl MailTransport for DevSms {
    async fn send(&self, sms: &OutboxMail) -> Result<(), String> {
        // The number and the text are personal data: the log names the outbox row only.
        tracing::info!(outbox_id = sms.id, "sms recorded by the development provider");
        Ok(())
    }

    fn delivers_into_outbox(&self) -> bool {
        true
    }
}
