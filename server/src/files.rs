//! Files on disk: uploads streamed from a multipart request straight to temporary files (never
//! held whole in memory), typed by their content, then moved under server-made names. The
//! database rows that point at them are written afterwards, in one transaction; a crash in
//! between leaves at most an unreferenced file, never a row without its bytes.

use app::features::record::document_use_cases::IncomingFile;
use app::kernel::error::{AppError, Problem};
use app::kernel::media::{clean_name, sniff, MediaType, SNIFF_BYTES};
use axum::extract::Multipart;
use rand::RngCore;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use tokio::io::AsyncWriteExt;

#[derive(Clone, Debug)]
pub struct FileStore {
    root: PathBuf,
}

/// A server-made name: 128 random bits in hex.
pub fn new_name() -> String {
    let mut bytes = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl FileStore {
    pub fn open(root: &Path) -> std::io::Result<Self> {
        std::fs::create_dir_all(root.join("tmp"))?;
        Ok(Self { root: root.to_path_buf() })
    }

    /// Where a stored file lives. Names are ours (hex, dots, dashes): anything else is refused
    /// so a corrupted row cannot point outside the folder.
    pub fn path(&self, stored_name: &str) -> Option<PathBuf> {
        let ok = !stored_name.is_empty()
            && !stored_name.starts_with('.')
            && stored_name.chars().all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-');
        ok.then(|| self.root.join(stored_name))
    }

    /// A fresh path for work in progress.
    pub fn temp_path(&self) -> PathBuf {
        self.root.join("tmp").join(new_name())
    }

    /// Moves a finished temporary file under `name`, durably.
    pub async fn keep(&self, temp: &Path, name: &str) -> std::io::Result<()> {
        let target = self.path(name).ok_or_else(|| std::io::Error::other("bad stored name"))?;
        tokio::fs::rename(temp, &target).await?;
        if let Ok(dir) = tokio::fs::File::open(&self.root).await {
            let _ = dir.sync_all().await;
        }
        Ok(())
    }

    pub async fn remove(&self, name: &str) {
        if let Some(p) = self.path(name) {
            let _ = tokio::fs::remove_file(p).await;
        }
    }
}

/// What one upload request may carry.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub max_files: usize,
    /// A larger file refuses the whole request.
    pub max_file_bytes: u64,
    pub allowed: &'static [MediaType],
}

/// The form fields and the files of a multipart request, the files already kept on disk.
pub struct Received {
    pub fields: HashMap<String, String>,
    pub files: Vec<IncomingFile>,
}

/// A text field's limit, in bytes: counted as it arrives, so a huge field is refused at this
/// size rather than read whole first.
pub const TEXT_FIELD_MAX: usize = 64 * 1024;
/// Parts (text fields and files) one request may hold; our forms send about twenty.
pub const MAX_PARTS: usize = 64;

/// A broken or oversized multipart body: over the route's body limit is 413, anything else
/// the caller's malformed request.
fn unreadable(e: axum::extract::multipart::MultipartError) -> AppError {
    if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
        AppError::TooLarge
    } else {
        AppError::BadRequest
    }
}

/// Streams the request: text fields into memory (each bounded as it arrives), file parts to
/// temporary files with their size counted as they arrive. Any refusal (too many parts or
/// files, a field or file too large, a type the portal does not take, a broken request)
/// removes everything written and stores nothing.
/// A refused request: the error, and the text fields read before it (so that the page can give
/// back what was typed).
pub struct Refused {
    pub error: AppError,
    pub fields: HashMap<String, String>,
}

pub async fn receive(store: &FileStore, mut multipart: Multipart, limits: Limits) -> Result<Received, Refused> {
    let mut fields = HashMap::new();
    let mut temps: Vec<(String, PathBuf, u64, MediaType)> = Vec::new();
    let mut parts = 0;
    let result = async {
        while let Some(mut field) = multipart.next_field().await.map_err(unreadable)? {
            parts += 1;
            if parts > MAX_PARTS {
                return Err(AppError::BadRequest);
            }
            let name = field.name().unwrap_or_default().to_string();
            match field.file_name().map(str::to_string) {
                None => {
                    let mut bytes = Vec::new();
                    while let Some(chunk) = field.chunk().await.map_err(unreadable)? {
                        if bytes.len() + chunk.len() > TEXT_FIELD_MAX {
                            return Err(AppError::field(&name, Problem::TooLong(TEXT_FIELD_MAX)));
                        }
                        bytes.extend_from_slice(&chunk);
                    }
                    let text = String::from_utf8(bytes).map_err(|_| AppError::BadRequest)?;
                    fields.insert(name, text);
                }
                Some(file_name) => {
                    let path = store.temp_path();
                    let mut out = tokio::fs::File::create(&path).await.map_err(app::platform::auth::internal)?;
                    let mut size: u64 = 0;
                    let mut head: Vec<u8> = Vec::new();
                    let mut tail: Vec<u8> = Vec::new();
                    let written = async {
                        while let Some(chunk) = field.chunk().await.map_err(unreadable)? {
                            size += chunk.len() as u64;
                            if size > limits.max_file_bytes {
                                return Err(AppError::field(
                                    "files",
                                    Problem::FileTooLarge(limits.max_file_bytes >> 20),
                                ));
                            }
                            if head.len() < SNIFF_BYTES {
                                head.extend_from_slice(&chunk[..chunk.len().min(SNIFF_BYTES - head.len())]);
                            }
                            tail.extend_from_slice(&chunk);
                            if tail.len() > 2 * SNIFF_BYTES {
                                tail.drain(..tail.len() - SNIFF_BYTES);
                            }
                            out.write_all(&chunk).await.map_err(app::platform::auth::internal)?;
                        }
                        out.sync_all().await.map_err(app::platform::auth::internal)
                    }
                    .await;
                    let typed = sniff(&head, &tail);
                    // Browsers send an empty part for a file input left empty.
                    let empty = size == 0 && file_name.is_empty();
                    temps.push((clean_name(&file_name), path, size, typed.unwrap_or(MediaType::Pdf)));
                    written?;
                    if empty {
                        let (_, p, ..) = temps.pop().expect("just pushed");
                        let _ = tokio::fs::remove_file(p).await;
                        continue;
                    }
                    if temps.len() > limits.max_files {
                        return Err(AppError::field("files", Problem::TooManyFiles(limits.max_files)));
                    }
                    if !typed.is_some_and(|t| limits.allowed.contains(&t)) {
                        return Err(AppError::field("files", Problem::FileType));
                    }
                }
            }
        }
        Ok(())
    }
    .await;
    if let Err(e) = result {
        for (_, path, ..) in &temps {
            let _ = tokio::fs::remove_file(path).await;
        }
        if e != AppError::TooLarge {
            drain(&mut multipart).await;
        }
        return Err(Refused { error: e, fields });
    }
    let mut files = Vec::with_capacity(temps.len());
    for (original_name, path, size, media_type) in temps {
        let stored_name = new_name();
        if let Err(e) = store.keep(&path, &stored_name).await {
            discard(store, &files).await;
            return Err(Refused { error: app::platform::auth::internal(e), fields });
        }
        files.push(IncomingFile { original_name, media_type, size, stored_name });
    }
    Ok(Received { fields, files })
}

/// Reads and drops what is left of a refused request, up to the route's body limit, so that a
/// browser still sending it receives the refusal instead of a reset connection. (A body over
/// the limit is not read on: that refusal closes the connection.)
async fn drain(multipart: &mut Multipart) {
    while let Ok(Some(mut field)) = multipart.next_field().await {
        while let Ok(Some(_)) = field.chunk().await {}
    }
}

/// Removes kept files whose rows were never written (the use case refused the upload).
pub async fn discard(store: &FileStore, files: &[IncomingFile]) {
    for f in files {
        store.remove(&f.stored_name).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_names_cannot_leave_the_folder() {
        let store = FileStore { root: PathBuf::from("/srv/files") };
        assert_eq!(store.path("0a1b.pdf"), Some(PathBuf::from("/srv/files/0a1b.pdf")));
        for bad in ["", "../x", "a/b", ".hidden", "x\0y", "tmp/../../etc"] {
            assert_eq!(store.path(bad), None, "{bad:?}");
        }
        assert_eq!(new_name().len(), 32);
        assert_ne!(new_name(), new_name());
    }
}
