//! The document delivery worker: leases one queued file at a time, converts it where its type
//! asks for it (the converted copy gets a name made from the file's id, so a second run after a
//! crash overwrites the same copy instead of adding one), and marks it delivered in one
//! transaction that also shows its record. A lease that outlives a crashed worker expires and
//! the file is taken again; a file delivered once is never delivered twice (the update only
//! touches queued rows). An image that declares more pixels than the portal converts is not
//! sent, with its reason, before any decoder sees it.

use crate::convert::Converter;
use crate::files::FileStore;
use app::features::record::delivery::{FileStatus, Reason};
use app::kernel::media::MediaType;
use app::platform::state::Clock;
use app::platform::store::{Actor, AuditEntry};
use app::platform::store::{Store, StoreError};
use std::sync::Arc;
use std::time::Duration;

/// How long a worker holds a file before another may take it (longer than a conversion may run).
pub const LEASE_SECS: i64 = 300;
/// Tries before a file that keeps failing (a worker dying on it) is given up as not sent.
const MAX_ATTEMPTS: i64 = 5;

#[derive(Clone)]
pub struct Worker {
    pub store: Arc<dyn Store>,
    pub files: FileStore,
    pub converter: Converter,
    pub clock: Clock,
}

impl Worker {
    /// Delivers what is due, one file at a time; returns how many were delivered.
    pub async fn drain(&self) -> Result<usize, StoreError> {
        let mut delivered = 0;
        // Bounded, so one pass never starves the rest of the loop.
        for _ in 0..50 {
            let now = (self.clock)();
            let Some(file) = self.store.lease_files(now, now + LEASE_SECS, 1).await?.into_iter().next() else {
                break;
            };
            if self.deliver(&file).await? {
                delivered += 1;
            }
        }
        Ok(delivered)
    }

    async fn deliver(&self, f: &app::features::record::document_store::FileRow) -> Result<bool, StoreError> {
        if f.attempts > MAX_ATTEMPTS {
            tracing::warn!(file_id = f.id, "document given up after repeated attempts");
            self.store.fail_file(f.id, &[Reason::ConversionFailed]).await?;
            return Ok(false);
        }
        let media = f.media_type;
        let converted = match media.conversion() {
            None => None,
            Some(_) => {
                let name = format!("c{}.{}", f.id, media.delivered().extension());
                let (Some(input), Some(target)) = (self.files.path(&f.stored_name), self.files.path(&name)) else {
                    self.store.fail_file(f.id, &[Reason::ConversionFailed]).await?;
                    return Ok(false);
                };
                if media.conversion() == Some(app::kernel::media::Conversion::ToWebp)
                    && image_too_large(&input, media).await
                {
                    // Told before any decoder sees it: a bomb is a few bytes that declare
                    // gigapixels.
                    tracing::warn!(file_id = f.id, "image over the pixel cap: file not sent");
                    self.store.fail_file(f.id, &[Reason::ImageTooLarge]).await?;
                    return Ok(false);
                }
                match self.converter.convert(&input, media, &target).await {
                    Ok(kind) => Some((name, kind)),
                    Err(error) => {
                        // The reason names the program, never the file's content or name.
                        tracing::warn!(file_id = f.id, %error, "conversion failed: file not sent");
                        self.store.fail_file(f.id, &[Reason::ConversionFailed]).await?;
                        return Ok(false);
                    }
                }
            }
        };
        let now = (self.clock)();
        let audit = AuditEntry::by(&Actor::system("worker"), now, "document.delivered")
            .card(f.record_card_id)
            .object(format!("file:{}", f.id));
        let done = self.store.deliver_file(f.id, converted, now, audit).await?;
        if done {
            tracing::info!(file_id = f.id, status = FileStatus::Delivered.as_str(), "document delivered");
        }
        Ok(done)
    }

    /// Drains the queue every second until the process ends.
    pub fn spawn(self) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs(1));
            loop {
                tick.tick().await;
                if let Err(e) = self.drain().await {
                    tracing::error!(error = %e, "document worker: storage error");
                }
            }
        })
    }
}

/// Whether the image at `path` declares more pixels than the portal converts (its header only
/// is read).
async fn image_too_large(path: &std::path::Path, media: MediaType) -> bool {
    use tokio::io::AsyncReadExt;
    let mut head = Vec::with_capacity(app::kernel::media::IMAGE_HEADER_BYTES);
    let read = match tokio::fs::File::open(path).await {
        Ok(f) => f.take(app::kernel::media::IMAGE_HEADER_BYTES as u64).read_to_end(&mut head).await,
        Err(e) => Err(e),
    };
    // An unreadable file fails in the converter, with its own reason.
    read.is_ok() && app::kernel::media::image_too_large(media, &head)
}
