//! The key that seals second-factor secrets at rest: `KABINET_SECRET_KEY`, else the key file
//! (`KABINET_SECRET_KEY_FILE`, default `secret.key` beside the files folder). Without either,
//! the first `serve` makes the default file (readable by its owner only) and says so in the log;
//! a configured file that is missing is an error, because a fresh key would leave the secrets
//! already sealed unreadable. README "Secret key" explains backup and rotation.

use crate::config::Settings;
use anyhow::Context;
use app::platform::secret_box::{SecretBox, SecretKey};
use std::io::Write;
use std::path::Path;

/// The sealing box for this process: the current key, and the previous one during a rotation.
pub fn load(settings: &Settings) -> anyhow::Result<SecretBox> {
    let current = match &settings.secret_key {
        Some(key) => key.clone(),
        None => from_file(&settings.secret_key_path(), settings.secret_key_file.is_none())?,
    };
    Ok(SecretBox::new(current, settings.secret_key_old.clone()))
}

/// Reads the key at `path`; when it does not exist and `may_create`, makes a new one there.
fn from_file(path: &Path, may_create: bool) -> anyhow::Result<SecretKey> {
    match std::fs::read_to_string(path) {
        Ok(text) => {
            warn_if_readable_by_others(path);
            SecretKey::parse(&text).with_context(|| format!("secret key file {}", path.display()))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && may_create => create(path),
        Err(e) => Err(e)
            .with_context(|| format!("secret key file {} (KABINET_SECRET_KEY_FILE) cannot be read", path.display())),
    }
}

fn create(path: &Path) -> anyhow::Result<SecretKey> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let key = SecretKey::generate();
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = match options.open(path) {
        Ok(f) => f,
        // Another process made it first: use that one.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => return from_file(path, false),
        Err(e) => return Err(e).with_context(|| format!("creating the secret key file {}", path.display())),
    };
    file.write_all(format!("{}\n", key.to_base64()).as_bytes())
        .and_then(|()| file.sync_all())
        .with_context(|| format!("writing the secret key file {}", path.display()))?;
    tracing::warn!(
        path = %path.display(),
        "no KABINET_SECRET_KEY: generated a new secret key file; back it up apart from the database \
         (README: Secret key)"
    );
    Ok(key)
}

fn warn_if_readable_by_others(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(meta) = std::fs::metadata(path) {
            if meta.permissions().mode() & 0o077 != 0 {
                tracing::warn!(path = %path.display(), "the secret key file is readable by others: chmod 600 it");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(pairs: &[(&str, &str)]) -> Settings {
        let map: std::collections::HashMap<String, String> =
            pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Settings::from_lookup(|k| map.get(k).cloned()).unwrap()
    }

    #[test]
    fn the_first_start_makes_a_private_key_file_and_later_starts_read_it() {
        let dir = tempfile::tempdir().unwrap();
        let files = dir.path().join("data/files");
        let s = settings(&[("KABINET_FILES_DIR", files.to_str().unwrap())]);
        let first = load(&s).unwrap();
        let path = dir.path().join("data/secret.key");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        }
        let sealed = first.seal("JBSWY3DPEHPK3PXP", 3);
        let again = load(&s).unwrap();
        assert_eq!(again.open(&sealed, 3).unwrap().into_plain(), "JBSWY3DPEHPK3PXP", "the same key is read back");
    }

    #[test]
    fn a_configured_key_file_that_is_missing_or_bad_stops_the_start() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("nope.key");
        let e = load(&settings(&[("KABINET_SECRET_KEY_FILE", missing.to_str().unwrap())])).unwrap_err();
        assert!(format!("{e:#}").contains("KABINET_SECRET_KEY_FILE"), "{e:#}");
        assert!(!missing.exists(), "a configured file is never made up");
        let bad = dir.path().join("bad.key");
        std::fs::write(&bad, "not a key").unwrap();
        let e = load(&settings(&[("KABINET_SECRET_KEY_FILE", bad.to_str().unwrap())])).unwrap_err();
        assert!(format!("{e:#}").contains("bad.key"), "{e:#}");
    }

    #[test]
    fn the_environment_key_wins_over_any_file() {
        let dir = tempfile::tempdir().unwrap();
        let key = SecretKey::generate();
        let s = settings(&[
            ("KABINET_SECRET_KEY", &key.to_base64()),
            ("KABINET_FILES_DIR", dir.path().join("files").to_str().unwrap()),
        ]);
        let sealed = load(&s).unwrap().seal("ABC", 1);
        assert!(SecretBox::new(key, None).open(&sealed, 1).is_ok());
        assert!(!dir.path().join("secret.key").exists());
    }
}
