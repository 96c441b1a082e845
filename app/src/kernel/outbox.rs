//! When a message that could not be sent is tried again, and which part of a message is a
//! secret (a code, a link that carries one) that the outbox must not keep once it is sent.

/// Seconds to wait after the `attempts`-th failed attempt: 30 s, doubling, at most an hour.
pub fn retry_delay(attempts: i64) -> i64 {
    let exp = attempts.clamp(1, 8) - 1;
    (30 * (1_i64 << exp)).min(3600)
}

/// How long a worker holds a message it is sending before another may take it over (a worker
/// that crashed mid-send). Longer than any SMTP conversation.
pub const LEASE_SECS: i64 = 120;

const SECRET_OPEN: char = '\u{E000}';
const SECRET_CLOSE: char = '\u{E001}';
/// What a sent message's secret part reads in the outbox (and the demo mailbox) afterwards.
pub const REDACTED: &str = "•••";

/// Marks `text` as a message's secret part. The marks are private-use characters that
/// `split_secrets` takes out before the message is stored, so no transport ever sees them.
pub fn secret(text: &str) -> String {
    format!("{SECRET_OPEN}{text}{SECRET_CLOSE}")
}

/// The body to send (marks removed) and, when it holds a secret, the body the outbox keeps
/// once the message is sent (each secret replaced by `REDACTED`). An unclosed mark hides the
/// rest of the body.
pub fn split_secrets(body: &str) -> (String, Option<String>) {
    if !body.contains([SECRET_OPEN, SECRET_CLOSE]) {
        return (body.to_string(), None);
    }
    let (mut to_send, mut to_keep, mut inside) = (String::new(), String::new(), false);
    for c in body.chars() {
        match c {
            SECRET_OPEN if !inside => {
                inside = true;
                to_keep.push_str(REDACTED);
            }
            SECRET_CLOSE if inside => inside = false,
            SECRET_OPEN | SECRET_CLOSE => {}
            c => {
                to_send.push(c);
                if !inside {
                    to_keep.push(c);
                }
            }
        }
    }
    (to_send, Some(to_keep))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_sent_whole_and_kept_redacted() {
        let body = format!("Код: {}\nСсылка: {}\nВсё.", secret("123 456"), secret("https://x/r?code=123456"));
        let (sent, kept) = split_secrets(&body);
        assert_eq!(sent, "Код: 123 456\nСсылка: https://x/r?code=123456\nВсё.");
        assert_eq!(kept.as_deref(), Some("Код: •••\nСсылка: •••\nВсё."));
        assert_eq!(split_secrets("Без секретов"), ("Без секретов".into(), None));
        let (sent, kept) = split_secrets(&format!("a {}b", SECRET_OPEN));
        assert_eq!((sent.as_str(), kept.as_deref()), ("a b", Some("a •••")), "an unclosed mark hides the rest");
    }

    #[test]
    fn retries_back_off_exponentially_up_to_an_hour() {
        let delays: Vec<_> = (1..=9).map(retry_delay).collect();
        assert_eq!(delays, [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]);
        assert_eq!(retry_delay(0), 30);
    }
}
