//! `kabinet backup DIR` and `kabinet restore DIR`: a consistent copy of an installation and
//! its return onto an empty one.
//!
//! A backup folder holds `kabinet.db` (SQLite's own consistent copy, `VACUUM INTO`, taken while
//! the portal runs), `files/` (the uploaded and converted files, copied after the database so
//! that every file the copy names is there) and `manifest.json`. The key that seals
//! second-factor secrets is kept apart from database backups (README "Secret key"): only
//! `--with-key` adds `secret.key`, for a backup that goes somewhere as safe as the server. On PostgreSQL the database is backed up
//! with `pg_dump` (the command says how); the files and the key are copied all the same.

use crate::config::Settings;
use crate::db::Backend;
use anyhow::{bail, Context};
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection};
use std::path::{Path, PathBuf};
use std::str::FromStr;

const DB_FILE: &str = "kabinet.db";
const FILES: &str = "files";
const KEY_FILE: &str = "secret.key";
const MANIFEST: &str = "manifest.json";

/// What a backup or a restore did, for the command to print.
#[derive(Debug, Default)]
pub struct Report {
    pub database: Option<PathBuf>,
    pub files: u64,
    pub bytes: u64,
    pub key: bool,
    /// Where the key lives, when it is not in the backup.
    pub key_apart: Option<PathBuf>,
    /// For PostgreSQL: the command that backs the database up (or restores it).
    pub postgres_advice: Option<String>,
}

fn sqlite_path(url: &str) -> anyhow::Result<PathBuf> {
    let options = SqliteConnectOptions::from_str(url).with_context(|| format!("database URL {url}"))?;
    Ok(options.get_filename().to_path_buf())
}

/// Copies every file under `from` into `to` (made as needed), skipping the converters'
/// scratch folder (`tmp` at the top); how many files and bytes.
fn copy_tree(from: &Path, to: &Path, top: bool) -> anyhow::Result<(u64, u64)> {
    let (mut files, mut bytes) = (0, 0);
    if !from.exists() {
        return Ok((0, 0));
    }
    std::fs::create_dir_all(to).with_context(|| format!("making {}", to.display()))?;
    for entry in std::fs::read_dir(from).with_context(|| format!("reading {}", from.display()))? {
        let entry = entry?;
        let kind = entry.file_type()?;
        let target = to.join(entry.file_name());
        if kind.is_dir() {
            if top && entry.file_name() == "tmp" {
                continue;
            }
            let (f, b) = copy_tree(&entry.path(), &target, false)?;
            files += f;
            bytes += b;
        } else if kind.is_file() {
            bytes +=
                std::fs::copy(entry.path(), &target).with_context(|| format!("copying {}", entry.path().display()))?;
            files += 1;
        }
    }
    Ok((files, bytes))
}

fn is_empty_dir(dir: &Path) -> bool {
    std::fs::read_dir(dir).map(|mut d| d.next().is_none()).unwrap_or(true)
}

/// The key file to carry, when the key lives in one.
fn key_file(settings: &Settings) -> Option<PathBuf> {
    settings.secret_key.is_none().then(|| settings.secret_key_path())
}

/// Backs the installation up into `dir`, which must be new or empty.
pub async fn backup(settings: &Settings, dir: &Path, with_key: bool) -> anyhow::Result<Report> {
    if dir.exists() && !is_empty_dir(dir) {
        bail!("{} is not empty; a backup goes into a new or empty folder", dir.display());
    }
    std::fs::create_dir_all(dir).with_context(|| format!("making {}", dir.display()))?;
    let mut report = Report::default();
    let backend = Backend::of_url(&settings.database_url)?;
    match backend {
        Backend::Sqlite => {
            let source = sqlite_path(&settings.database_url)?;
            if !source.exists() {
                bail!("there is no database at {}", source.display());
            }
            let target = std::path::absolute(dir.join(DB_FILE))?;
            let mut conn = SqliteConnectOptions::new().filename(&source).read_only(true).connect().await?;
            sqlx::query("VACUUM INTO $1")
                .bind(target.to_string_lossy().into_owned())
                .execute(&mut conn)
                .await
                .context("copying the database (VACUUM INTO)")?;
            conn.close().await?;
            report.database = Some(target);
        }
        Backend::Postgres => {
            report.postgres_advice = Some(format!(
                "pg_dump --format=custom --file={} \"$KABINET_DATABASE_URL\"",
                dir.join("kabinet.pgdump").display()
            ));
        }
    }
    let (files, bytes) = copy_tree(&settings.files_dir, &dir.join(FILES), true)?;
    (report.files, report.bytes) = (files, bytes);
    if let Some(key) = key_file(settings).filter(|k| with_key && k.exists()) {
        std::fs::copy(&key, dir.join(KEY_FILE)).with_context(|| format!("copying {}", key.display()))?;
        restrict(&dir.join(KEY_FILE));
        report.key = true;
    }
    if !report.key {
        report.key_apart = key_file(settings);
    }
    let manifest = serde_json::json!({
        "format": 1,
        "created_at": crate::now(),
        "backend": match backend { Backend::Sqlite => "sqlite", Backend::Postgres => "postgres" },
        "files": report.files,
        "bytes": report.bytes,
        "secret_key": report.key,
    });
    std::fs::write(dir.join(MANIFEST), serde_json::to_vec_pretty(&manifest)?)?;
    Ok(report)
}

#[cfg(unix)]
fn restrict(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600));
}
#[cfg(not(unix))]
fn restrict(_: &Path) {}

/// Whether the SQLite database at `path` holds nothing a clinic made: missing, or without a
/// clinic and accounts (a fresh `kabinet migrate`).
async fn sqlite_is_empty(path: &Path) -> anyhow::Result<bool> {
    if !path.exists() {
        return Ok(true);
    }
    let mut conn = SqliteConnectOptions::new().filename(path).read_only(true).connect().await?;
    let tables: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name IN ('clinic', 'account')")
            .fetch_one(&mut conn)
            .await?;
    let empty = if tables < 2 {
        true
    } else {
        let rows: i64 = sqlx::query_scalar("SELECT (SELECT COUNT(*) FROM clinic) + (SELECT COUNT(*) FROM account)")
            .fetch_one(&mut conn)
            .await?;
        rows == 0
    };
    conn.close().await?;
    Ok(empty)
}

/// Restores the backup in `dir` onto this installation, which must be empty: no clinic in the
/// database, no files, no key file. The database is then migrated to this version.
pub async fn restore(settings: &Settings, dir: &Path) -> anyhow::Result<Report> {
    if !dir.join(MANIFEST).exists() {
        bail!("{} holds no Kabinet backup (no {MANIFEST})", dir.display());
    }
    let mut report = Report::default();
    let backend = Backend::of_url(&settings.database_url)?;
    if backend == Backend::Sqlite {
        let target = sqlite_path(&settings.database_url)?;
        if !sqlite_is_empty(&target).await? {
            bail!("the database {} already holds a clinic; restore onto an empty installation", target.display());
        }
    }
    if copy_count(&settings.files_dir, true) > 0 {
        bail!("the files folder {} is not empty; restore onto an empty installation", settings.files_dir.display());
    }
    let key = key_file(settings);
    if dir.join(KEY_FILE).exists() {
        if let Some(key) = key.as_ref().filter(|k| k.exists()) {
            if std::fs::read(key)? != std::fs::read(dir.join(KEY_FILE))? {
                bail!("{} holds a different key; restore onto an empty installation", key.display());
            }
        }
    }
    match backend {
        Backend::Sqlite => {
            let target = sqlite_path(&settings.database_url)?;
            if !dir.join(DB_FILE).exists() {
                bail!("{} holds no {DB_FILE} (a PostgreSQL backup? restore it with pg_restore)", dir.display());
            }
            if let Some(parent) = target.parent().filter(|p| !p.as_os_str().is_empty()) {
                std::fs::create_dir_all(parent)?;
            }
            for suffix in ["-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", target.display()));
            }
            // Copied beside, then renamed: a crash leaves either no database or the whole one.
            let partial = target.with_extension("restoring");
            std::fs::copy(dir.join(DB_FILE), &partial)?;
            std::fs::rename(&partial, &target)?;
            report.database = Some(target);
        }
        Backend::Postgres => {
            report.postgres_advice = Some(format!(
                "pg_restore --no-owner --dbname=\"$KABINET_DATABASE_URL\" {}",
                dir.join("kabinet.pgdump").display()
            ));
        }
    }
    let (files, bytes) = copy_tree(&dir.join(FILES), &settings.files_dir, true)?;
    (report.files, report.bytes) = (files, bytes);
    if let Some(key) = key.filter(|_| dir.join(KEY_FILE).exists()) {
        if !key.exists() {
            if let Some(parent) = key.parent().filter(|p| !p.as_os_str().is_empty()) {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::copy(dir.join(KEY_FILE), &key)?;
            restrict(&key);
        }
        report.key = true;
    }
    if backend == Backend::Sqlite {
        crate::db::open(&settings.database_url).await.context("migrating the restored database")?;
    }
    Ok(report)
}

/// Files under `dir`, not counting the converters' scratch folder.
fn copy_count(dir: &Path, top: bool) -> u64 {
    let Ok(entries) = std::fs::read_dir(dir) else { return 0 };
    entries
        .flatten()
        .map(|e| match e.file_type() {
            Ok(t) if t.is_dir() && !(top && e.file_name() == "tmp") => copy_count(&e.path(), false),
            Ok(t) if t.is_file() => 1,
            _ => 0,
        })
        .sum()
}
