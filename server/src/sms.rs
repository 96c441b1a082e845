//! Text messages through an HTTP gateway with the API of SMS.RU (`POST {base}/sms/send`, form
//! fields `api_id`, `to`, `msg`, `json=1`, optional `from`; a JSON answer with a status for the
//! request and one for each number). One message to one number per call; retries are the
//! outbox's (`mail::drain` marks a refused message failed and tries it again later).
//!
//! The reasons this transport gives for a refusal end up in the outbox row and the log, so they
//! name the gateway's status code and text, never the number or the message.

use crate::mail::MailTransport;
use app::platform::store::OutboxMail;
use async_trait::async_trait;
use serde::Deserialize;
use std::collections::HashMap;
use std::time::Duration;

/// The SMS provider over HTTP.
pub struct HttpSms {
    client: reqwest::Client,
    /// `{base_url}/sms/send`.
    endpoint: String,
    /// The gateway's API key (`api_id`): never logged, never in `Debug`.
    token: String,
    /// The sender name the gateway shows (`from`), when the clinic has one approved.
    sender: Option<String>,
    timeout: Duration,
}

impl std::fmt::Debug for HttpSms {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpSms")
            .field("endpoint", &self.endpoint)
            .field("token", &"***")
            .field("sender", &self.sender)
            .field("timeout", &self.timeout)
            .finish()
    }
}

impl HttpSms {
    /// How long one request may take, answer included.
    pub const TIMEOUT: Duration = Duration::from_secs(10);

    /// `base_url`: the gateway, e.g. `https://sms.ru`; `token`: its API key; `sender`: the
    /// sender name, or `None` for the gateway's default.
    pub fn new(base_url: &str, token: &str, sender: Option<&str>) -> anyhow::Result<Self> {
        let timeout = Self::TIMEOUT;
        Ok(Self {
            client: client(timeout)?,
            endpoint: format!("{}/sms/send", base_url.trim().trim_end_matches('/')),
            token: token.trim().to_string(),
            sender: sender.map(str::trim).filter(|s| !s.is_empty()).map(str::to_string),
            timeout,
        })
    }

    /// The same gateway with another time limit per request (tests use a short one).
    pub fn with_timeout(self, timeout: Duration) -> anyhow::Result<Self> {
        Ok(Self { client: client(timeout)?, timeout, ..self })
    }
}

fn client(timeout: Duration) -> anyhow::Result<reqwest::Client> {
    reqwest::Client::builder()
        .timeout(timeout)
        .connect_timeout(timeout)
        // The token travels in the body: a redirect must not carry it to another address.
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| anyhow::anyhow!("SMS gateway client: {e}"))
}

/// The gateway's answer: the request's status and one per number.
#[derive(Deserialize)]
struct Answer {
    status: String,
    status_code: Option<i64>,
    status_text: Option<String>,
    #[serde(default)]
    sms: HashMap<String, NumberAnswer>,
}

#[derive(Deserialize)]
struct NumberAnswer {
    status: String,
    status_code: Option<i64>,
    status_text: Option<String>,
    sms_id: Option<String>,
}

/// "status_code 207 (text)", without the number should the gateway's text repeat it.
fn refusal(code: Option<i64>, text: Option<&str>, number: &str) -> String {
    let code = code.map_or_else(|| "without a status code".to_string(), |c| format!("status_code {c}"));
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        Some(text) => {
            let text = text.replace(number, "…");
            let short: String = text.chars().take(200).collect();
            format!("{code} ({short})")
        }
        None => code,
    }
}

/// A transport error and its causes (reqwest's own text is only "error sending request"),
/// without the URL.
fn transport_error(e: reqwest::Error, timeout: Duration, what: &str) -> String {
    if e.is_timeout() {
        return format!("SMS gateway did not answer within {} s", timeout.as_secs_f64());
    }
    let e = e.without_url();
    let mut reason = format!("SMS gateway {what}: {e}");
    let mut cause = std::error::Error::source(&e);
    while let Some(c) = cause {
        reason.push_str(": ");
        reason.push_str(&c.to_string());
        cause = c.source();
    }
    reason
}

#[async_trait]
impl MailTransport for HttpSms {
    fn longest_secs(&self) -> i64 {
        self.timeout.as_secs().max(1) as i64
    }

    async fn send(&self, sms: &OutboxMail) -> Result<(), String> {
        let number: String = sms.recipient.chars().filter(char::is_ascii_digit).collect();
        if number.is_empty() {
            return Err("recipient is not a phone number".into());
        }
        let mut form: Vec<(&str, &str)> =
            vec![("api_id", &self.token), ("to", &number), ("msg", &sms.body), ("json", "1")];
        if let Some(sender) = &self.sender {
            form.push(("from", sender));
        }
        let response = self
            .client
            .post(&self.endpoint)
            .form(&form)
            .send()
            .await
            .map_err(|e| transport_error(e, self.timeout, "not reached"))?;
        let status = response.status();
        if !status.is_success() {
            return Err(format!("SMS gateway answered HTTP {}", status.as_u16()));
        }
        let body = response.bytes().await.map_err(|e| transport_error(e, self.timeout, "answer not read"))?;
        let answer: Answer = serde_json::from_slice(&body)
            .map_err(|e| format!("SMS gateway's answer is not the expected JSON ({e})"))?;
        if answer.status != "OK" {
            return Err(format!(
                "SMS gateway refused the request: {}",
                refusal(answer.status_code, answer.status_text.as_deref(), &number)
            ));
        }
        // The entry for our number (the gateway writes it as sent); a lone entry under another
        // spelling of it is still ours.
        let entry = match answer.sms.get(&number) {
            Some(entry) => entry,
            None if answer.sms.len() == 1 => answer.sms.values().next().expect("one entry"),
            None => return Err("SMS gateway's answer has no status for the number".into()),
        };
        if entry.status != "OK" {
            return Err(format!(
                "SMS gateway refused the message: {}",
                refusal(entry.status_code, entry.status_text.as_deref(), &number)
            ));
        }
        tracing::info!(
            outbox_id = sms.id,
            sms_id = entry.sms_id.as_deref().unwrap_or(""),
            "sms accepted by the gateway"
        );
        Ok(())
    }
}
