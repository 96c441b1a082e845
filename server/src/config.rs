//! Process settings, from environment variables (documented in the README). Secrets are kept
//! out of `Debug`.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;

#[derive(Clone)]
pub struct Settings {
    /// `KABINET_DATABASE_URL`: `sqlite:` or `postgres://` URL.
    pub database_url: String,
    /// `KABINET_ADDR`: where to listen.
    pub addr: SocketAddr,
    /// `KABINET_SITE_ROOT`: the built front end (`pkg/` with hashed assets, `hash.txt`).
    pub site_root: PathBuf,
    /// `KABINET_PUBLIC_URL`: the origin people use; https turns on secure cookies and HSTS.
    pub public_url: Option<String>,
    /// `KABINET_TRUSTED_PROXIES`: peers whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Vec<IpAddr>,
    /// `KABINET_UTC_OFFSET_MINUTES`: the clinic's offset from UTC when the database sets none.
    pub utc_offset_minutes: i32,
    /// `KABINET_DEMO`: demo mode (set by `kabinet demo`-loaded installs; shows demo hints).
    pub demo: bool,
    /// `KABINET_SMTP_URL`: the SMTP relay; without it mail stays in the outbox.
    pub smtp_url: Option<String>,
    /// `KABINET_MAIL_FROM`: the sender of the clinic's mail.
    pub mail_from: String,
    /// `KABINET_WORKER_THREADS`: async worker threads (see `main.rs` for why the default is 1).
    pub worker_threads: usize,
    /// `KABINET_CONTACT_PRIORITY`: `phone` (default) or `email`: where attach codes go first.
    pub contact_priority: app::server::state::ContactPriority,
    /// `KABINET_ATTACH_CODE_TTL_HOURS`: how long an attach code is valid (default 72).
    pub attach_code_ttl_hours: i64,
    /// `KABINET_VIDEO_BASE_URL`: the video service for online consultations (default
    /// `https://meet.jit.si`); each appointment gets a random room under it.
    pub video_base_url: String,
    /// `KABINET_VIDEO_LINK_MINUTES`: how long before an online consultation its link shows
    /// (default 15).
    pub video_link_minutes: i64,
    /// Where uploaded files and their converted copies are kept.
    pub files_dir: PathBuf,
    /// Run the document delivery worker in this process (tests drive it themselves).
    pub document_worker: bool,
    /// The LibreOffice program that converts office documents to PDF.
    pub soffice: String,
    /// `KABINET_CONVERTER_SANDBOX`: converters run in a network namespace of their own (default
    /// on); `off` runs them with the server's network, which is unsafe.
    pub converter_sandbox: bool,
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The database URL may hold a password.
        f.debug_struct("Settings")
            .field("database_url", &redact_url(&self.database_url))
            .field("addr", &self.addr)
            .field("site_root", &self.site_root)
            .field("public_url", &self.public_url)
            .field("trusted_proxies", &self.trusted_proxies)
            .field("utc_offset_minutes", &self.utc_offset_minutes)
            .field("demo", &self.demo)
            .field("smtp_url", &self.smtp_url.as_deref().map(redact_url))
            .field("mail_from", &self.mail_from)
            .field("contact_priority", &self.contact_priority)
            .field("attach_code_ttl_hours", &self.attach_code_ttl_hours)
            .field("video_base_url", &self.video_base_url)
            .field("video_link_minutes", &self.video_link_minutes)
            .field("worker_threads", &self.worker_threads)
            .field("files_dir", &self.files_dir)
            .field("document_worker", &self.document_worker)
            .field("soffice", &self.soffice)
            .field("converter_sandbox", &self.converter_sandbox)
            .finish()
    }
}

fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => format!("{}://***{}", &url[..scheme_end], &url[at..]),
        _ => url.to_string(),
    }
}

pub const DEFAULT_DATABASE_URL: &str = "sqlite:data/kabinet.db";

impl Settings {
    pub fn from_env() -> anyhow::Result<Self> {
        Self::from_lookup(|k| std::env::var(k).ok())
    }

    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> anyhow::Result<Self> {
        let addr = get("KABINET_ADDR").unwrap_or_else(|| "127.0.0.1:3000".into());
        let trusted_proxies = get("KABINET_TRUSTED_PROXIES")
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| s.parse().map_err(|_| anyhow::anyhow!("KABINET_TRUSTED_PROXIES: {s:?} is not an IP address")))
            .collect::<anyhow::Result<_>>()?;
        let utc_offset_minutes = match get("KABINET_UTC_OFFSET_MINUTES") {
            Some(v) => v.parse().map_err(|_| anyhow::anyhow!("KABINET_UTC_OFFSET_MINUTES must be whole minutes"))?,
            None => app::i18n::DEFAULT_UTC_OFFSET,
        };
        Ok(Self {
            database_url: get("KABINET_DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.into()),
            addr: addr.parse().map_err(|_| anyhow::anyhow!("KABINET_ADDR: {addr:?} is not host:port"))?,
            site_root: get("KABINET_SITE_ROOT").map(PathBuf::from).unwrap_or_else(default_site_root),
            public_url: get("KABINET_PUBLIC_URL").map(|u| u.trim_end_matches('/').to_string()),
            trusted_proxies,
            utc_offset_minutes,
            demo: matches!(get("KABINET_DEMO").as_deref(), Some("1" | "true" | "yes")),
            smtp_url: get("KABINET_SMTP_URL").filter(|u| !u.trim().is_empty()),
            mail_from: get("KABINET_MAIL_FROM").unwrap_or_else(|| "Kabinet <no-reply@kabinet.example>".into()),
            worker_threads: match get("KABINET_WORKER_THREADS") {
                Some(v) => v
                    .parse()
                    .ok()
                    .filter(|n| *n >= 1)
                    .ok_or_else(|| anyhow::anyhow!("KABINET_WORKER_THREADS must be a whole number of at least 1"))?,
                None => 1,
            },
            contact_priority: match get("KABINET_CONTACT_PRIORITY").as_deref().map(str::trim) {
                None | Some("") | Some("phone") => app::server::state::ContactPriority::Phone,
                Some("email") => app::server::state::ContactPriority::Email,
                Some(_) => anyhow::bail!("KABINET_CONTACT_PRIORITY must be phone or email"),
            },
            attach_code_ttl_hours: match get("KABINET_ATTACH_CODE_TTL_HOURS") {
                Some(v) => v.trim().parse::<i64>().ok().filter(|h| (1..=24 * 30).contains(h)).ok_or_else(|| {
                    anyhow::anyhow!("KABINET_ATTACH_CODE_TTL_HOURS must be a whole number of hours, 1 to 720")
                })?,
                None => 72,
            },
            video_base_url: match get("KABINET_VIDEO_BASE_URL").map(|u| u.trim().trim_end_matches('/').to_string()) {
                None => "https://meet.jit.si".into(),
                Some(u) if u.starts_with("https://") || u.starts_with("http://") => u,
                Some(_) => anyhow::bail!("KABINET_VIDEO_BASE_URL must be an http(s) URL"),
            },
            video_link_minutes: match get("KABINET_VIDEO_LINK_MINUTES") {
                Some(v) => {
                    v.trim().parse::<i64>().ok().filter(|m| (0..=30 * 24 * 60).contains(m)).ok_or_else(|| {
                        anyhow::anyhow!(
                            "KABINET_VIDEO_LINK_MINUTES must be a whole number of minutes, 0 to 43200 (30 days)"
                        )
                    })?
                }
                None => 15,
            },
            files_dir: get("KABINET_FILES_DIR").map(PathBuf::from).unwrap_or_else(|| PathBuf::from("data/files")),
            document_worker: !matches!(get("KABINET_DOCUMENT_WORKER").as_deref(), Some("0" | "off" | "false" | "no")),
            soffice: get("KABINET_SOFFICE").filter(|s| !s.trim().is_empty()).unwrap_or_else(|| "soffice".into()),
            converter_sandbox: match get("KABINET_CONVERTER_SANDBOX").as_deref().map(str::trim) {
                None | Some("") | Some("on") => true,
                Some("off") => false,
                Some(_) => anyhow::bail!("KABINET_CONVERTER_SANDBOX must be on or off"),
            },
        })
    }

    /// The portal's address for links in mail: KABINET_PUBLIC_URL, else the listening address.
    pub fn public_base_url(&self) -> String {
        match &self.public_url {
            Some(u) => u.trim_end_matches('/').to_string(),
            None => format!("http://{}", self.addr),
        }
    }

    pub fn secure_cookies(&self) -> bool {
        self.public_url.as_deref().is_some_and(|u| u.starts_with("https://"))
    }
}

/// `site/` beside the binary's build directory (`target/site`), else `./target/site`.
fn default_site_root() -> PathBuf {
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent()?.parent().map(|p| p.join("site")))
        .filter(|p| p.join("hash.txt").exists())
        .unwrap_or_else(|| PathBuf::from("target/site"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(pairs: &[(&str, &str)]) -> anyhow::Result<Settings> {
        let map: std::collections::HashMap<String, String> =
            pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Settings::from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn defaults_give_sqlite_on_localhost_3000() {
        let s = settings(&[]).unwrap();
        assert_eq!(s.database_url, "sqlite:data/kabinet.db");
        assert_eq!(s.addr.to_string(), "127.0.0.1:3000");
        assert!(!s.secure_cookies());
        assert!(s.converter_sandbox);
        assert!(!settings(&[("KABINET_CONVERTER_SANDBOX", "off")]).unwrap().converter_sandbox);
    }

    #[test]
    fn https_public_url_turns_on_secure_cookies() {
        assert!(settings(&[("KABINET_PUBLIC_URL", "https://lk.clinic.example/")]).unwrap().secure_cookies());
    }

    #[test]
    fn bad_values_are_refused_with_the_variable_named() {
        let e = settings(&[("KABINET_TRUSTED_PROXIES", "10.0.0.1, nonsense")]).unwrap_err();
        assert!(e.to_string().contains("KABINET_TRUSTED_PROXIES"));
        let e = settings(&[("KABINET_ADDR", "nowhere")]).unwrap_err();
        assert!(e.to_string().contains("KABINET_ADDR"));
        let e = settings(&[("KABINET_VIDEO_BASE_URL", "meet.example")]).unwrap_err();
        assert!(e.to_string().contains("KABINET_VIDEO_BASE_URL"));
        let e = settings(&[("KABINET_VIDEO_LINK_MINUTES", "-5")]).unwrap_err();
        assert!(e.to_string().contains("KABINET_VIDEO_LINK_MINUTES"));
        let e = settings(&[("KABINET_CONVERTER_SANDBOX", "no")]).unwrap_err();
        assert!(e.to_string().contains("KABINET_CONVERTER_SANDBOX"));
    }

    #[test]
    fn database_passwords_stay_out_of_debug_output() {
        let s = settings(&[("KABINET_DATABASE_URL", "postgres://kabinet:s3cret@db/kabinet")]).unwrap();
        let shown = format!("{s:?}");
        assert!(!shown.contains("s3cret"), "{shown}");
        assert!(shown.contains("postgres://***@db/kabinet"));
    }
}
