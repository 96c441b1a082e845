//! When a message that could not be sent is tried again.

/// Seconds to wait after the `attempts`-th failed attempt: 30 s, doubling, at most an hour.
pub fn retry_delay(attempts: i64) -> i64 {
    let exp = attempts.clamp(1, 8) - 1;
    (30 * (1_i64 << exp)).min(3600)
}

/// How long a worker holds a message it is sending before another may take it over (a worker
/// that crashed mid-send). Longer than any SMTP conversation.
pub const LEASE_SECS: i64 = 120;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_exponentially_up_to_an_hour() {
        let delays: Vec<_> = (1..=9).map(retry_delay).collect();
        assert_eq!(delays, [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]);
        assert_eq!(retry_delay(0), 30);
    }
}
