//! Who may export a record as PDF right now. An export runs LibreOffice, heavy on two cores, and
//! it is a GET a link on another site can trigger, so:
//! - one account runs one export at a time: a second while the first runs is refused at once
//!   and starts no second LibreOffice;
//! - one account runs at most `PER_WINDOW` exports per `WINDOW_SECS`;
//! - the server runs one export at a time; the next waits at most `GATE_WAIT` for its turn and
//!   is then told to try again, so nobody waits behind a queue of unknown length. With a
//!   conversion capped at `convert::TIMEOUT`, an export answers within their sum.
//!
//! Kept in this process, not in the database: what it protects is this process's LibreOffice,
//! and a restart frees that as well.

use app::kernel::error::AppError;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Exports one account may start within `WINDOW_SECS`.
pub const PER_WINDOW: usize = 5;
pub const WINDOW_SECS: i64 = 600;
/// How long an export waits for another account's to finish before it is told to try again.
pub const GATE_WAIT: Duration = Duration::from_secs(10);

#[derive(Default)]
struct Account {
    running: bool,
    /// When its recent exports started (within the window).
    started: Vec<i64>,
}

#[derive(Clone)]
pub struct Exports {
    accounts: Arc<Mutex<HashMap<i64, Account>>>,
    gate: Arc<Semaphore>,
    gate_wait: Duration,
}

impl Default for Exports {
    fn default() -> Self {
        Self::new(GATE_WAIT)
    }
}

/// An export under way: the account's turn (and, once taken, the server's), given back on drop.
pub struct Turn {
    accounts: Arc<Mutex<HashMap<i64, Account>>>,
    account_id: i64,
    _gate: Option<OwnedSemaphorePermit>,
}

impl Drop for Turn {
    fn drop(&mut self) {
        if let Ok(mut accounts) = self.accounts.lock() {
            if let Some(a) = accounts.get_mut(&self.account_id) {
                a.running = false;
            }
        }
    }
}

impl Exports {
    pub fn new(gate_wait: Duration) -> Self {
        Self { accounts: Arc::default(), gate: Arc::new(Semaphore::new(1)), gate_wait }
    }

    /// The account's turn to export at `now`, or why not.
    pub async fn begin(&self, account_id: i64, now: i64) -> Result<Turn, AppError> {
        let mut turn = {
            let mut accounts = self.accounts.lock().map_err(|_| AppError::ExportBusy)?;
            // Forget accounts with nothing recent, so the map stays as small as the traffic.
            accounts.retain(|_, a| a.running || a.started.iter().any(|t| *t > now - WINDOW_SECS));
            let a = accounts.entry(account_id).or_default();
            if a.running {
                return Err(AppError::ExportRunning);
            }
            a.started.retain(|t| *t > now - WINDOW_SECS);
            if a.started.len() >= PER_WINDOW {
                let oldest = a.started.iter().min().copied().unwrap_or(now);
                return Err(AppError::RateLimited { retry_after_secs: (oldest + WINDOW_SECS - now).max(1) });
            }
            a.running = true;
            a.started.push(now);
            Turn { accounts: self.accounts.clone(), account_id, _gate: None }
        };
        // The account's turn is held while it waits: a second request of the same account is
        // refused, not queued.
        let permit = tokio::time::timeout(self.gate_wait, self.gate.clone().acquire_owned())
            .await
            .map_err(|_| AppError::ExportBusy)?
            .map_err(|_| AppError::ExportBusy)?;
        turn._gate = Some(permit);
        Ok(turn)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn an_account_runs_one_export_at_a_time_and_a_few_per_window() {
        let exports = Exports::new(Duration::from_millis(50));
        let first = exports.begin(1, 1000).await.unwrap();
        assert_eq!(exports.begin(1, 1001).await.err(), Some(AppError::ExportRunning));
        // Another account waits for the server's turn, briefly, then is told to come back.
        assert_eq!(exports.begin(2, 1001).await.err(), Some(AppError::ExportBusy));
        drop(first);
        // Account 2's refused wait did not count as running.
        drop(exports.begin(2, 1002).await.unwrap());
        for i in 1..PER_WINDOW as i64 {
            drop(exports.begin(1, 1000 + i).await.unwrap());
        }
        assert_eq!(
            exports.begin(1, 1010).await.err(),
            Some(AppError::RateLimited { retry_after_secs: WINDOW_SECS - 10 })
        );
        // Once the first falls out of the window, one more may start.
        drop(exports.begin(1, 1000 + WINDOW_SECS).await.unwrap());
    }
}
