//! Process settings, from environment variables (documented in the README). Secrets are kept
//! out of `Debug`.

use app::platform::secret_box::SecretKey;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};

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
    /// `KABINET_DEMO_UNSAFE_PUBLIC`: allow demo mode (which shows every code it sends to anyone)
    /// on an address or public URL other than loopback.
    pub demo_unsafe_public: bool,
    /// `KABINET_SECRET_KEY`: the key that seals second-factor secrets at rest.
    pub secret_key: Option<SecretKey>,
    /// `KABINET_SECRET_KEY_FILE`: where the key is kept when `KABINET_SECRET_KEY` is not set;
    /// `None`: `secret.key` beside the files folder, made on first start.
    pub secret_key_file: Option<PathBuf>,
    /// `KABINET_SECRET_KEY_OLD`: the previous key during a rotation (opens, never seals).
    pub secret_key_old: Option<SecretKey>,
    /// `KABINET_SMTP_URL`: the SMTP relay; without it mail stays in the outbox.
    pub smtp_url: Option<String>,
    /// `KABINET_MAIL_FROM`: the sender of the clinic's mail.
    pub mail_from: String,
    /// `KABINET_SMS_URL`, `KABINET_SMS_TOKEN`, `KABINET_SMS_FROM`: the SMS gateway; without it
    /// the development provider records text messages in the outbox and sends nothing.
    pub sms_gateway: Option<SmsGateway>,
    /// `KABINET_WORKER_THREADS`: async worker threads; default one per CPU.
    pub worker_threads: usize,
    /// `KABINET_PAGE_TIMEOUT_SECS`: how long a page may take to render before the visitor gets
    /// a "try again" page instead (default 30; uploads and server functions are not limited).
    pub page_timeout: std::time::Duration,
    /// `KABINET_CONTACT_PRIORITY`: `phone` (default) or `email`: where attach codes go first.
    pub contact_priority: app::platform::state::ContactPriority,
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
            .field("demo_unsafe_public", &self.demo_unsafe_public)
            .field("secret_key", &self.secret_key.as_ref().map(|_| "***"))
            .field("secret_key_file", &self.secret_key_file)
            .field("secret_key_old", &self.secret_key_old.as_ref().map(|_| "***"))
            .field("smtp_url", &self.smtp_url.as_deref().map(redact_url))
            .field("mail_from", &self.mail_from)
            .field("sms_gateway", &self.sms_gateway)
            .field("contact_priority", &self.contact_priority)
            .field("attach_code_ttl_hours", &self.attach_code_ttl_hours)
            .field("video_base_url", &self.video_base_url)
            .field("video_link_minutes", &self.video_link_minutes)
            .field("worker_threads", &self.worker_threads)
            .field("page_timeout", &self.page_timeout)
            .field("files_dir", &self.files_dir)
            .field("document_worker", &self.document_worker)
            .field("soffice", &self.soffice)
            .field("converter_sandbox", &self.converter_sandbox)
            .finish()
    }
}

/// An SMS gateway with the API of SMS.RU.
#[derive(Clone)]
pub struct SmsGateway {
    /// `KABINET_SMS_URL`: the gateway's base URL (`https://sms.ru`), without a trailing slash.
    pub url: String,
    /// `KABINET_SMS_TOKEN`: the API key (`api_id`); never logged or shown by `Debug`.
    pub token: String,
    /// `KABINET_SMS_FROM`: the sender name, when the clinic has one approved by the gateway.
    pub from: Option<String>,
}

impl std::fmt::Debug for SmsGateway {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmsGateway")
            .field("url", &redact_url(&self.url))
            .field("token", &"***")
            .field("from", &self.from)
            .finish()
    }
}

/// The URL with any `user:password@` replaced by `***@`.
pub fn redact_url(url: &str) -> String {
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
        let key = |name: &str| -> anyhow::Result<Option<SecretKey>> {
            match get(name).filter(|v| !v.trim().is_empty()) {
                Some(v) => SecretKey::parse(&v).map(Some).map_err(|e| anyhow::anyhow!("{name}: {e}")),
                None => Ok(None),
            }
        };
        let settings = Self {
            database_url: get("KABINET_DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.into()),
            addr: addr.parse().map_err(|_| anyhow::anyhow!("KABINET_ADDR: {addr:?} is not host:port"))?,
            site_root: get("KABINET_SITE_ROOT").map(PathBuf::from).unwrap_or_else(default_site_root),
            public_url: get("KABINET_PUBLIC_URL").map(|u| u.trim_end_matches('/').to_string()),
            trusted_proxies,
            utc_offset_minutes,
            demo: matches!(get("KABINET_DEMO").as_deref(), Some("1" | "true" | "yes")),
            demo_unsafe_public: matches!(get("KABINET_DEMO_UNSAFE_PUBLIC").as_deref(), Some("1" | "true" | "yes")),
            secret_key: key("KABINET_SECRET_KEY")?,
            secret_key_file: get("KABINET_SECRET_KEY_FILE").filter(|v| !v.trim().is_empty()).map(PathBuf::from),
            secret_key_old: key("KABINET_SECRET_KEY_OLD")?,
            smtp_url: get("KABINET_SMTP_URL").filter(|u| !u.trim().is_empty()),
            mail_from: get("KABINET_MAIL_FROM").unwrap_or_else(|| "Kabinet <no-reply@kabinet.example>".into()),
            sms_gateway: sms_gateway(&get)?,
            worker_threads: match get("KABINET_WORKER_THREADS") {
                Some(v) => v
                    .parse()
                    .ok()
                    .filter(|n| *n >= 1)
                    .ok_or_else(|| anyhow::anyhow!("KABINET_WORKER_THREADS must be a whole number of at least 1"))?,
                None => std::thread::available_parallelism().map_or(1, |n| n.get()),
            },
            page_timeout: match get("KABINET_PAGE_TIMEOUT_SECS") {
                Some(v) => v
                    .trim()
                    .parse()
                    .ok()
                    .filter(|n| (1..=600).contains(n))
                    .map(std::time::Duration::from_secs)
                    .ok_or_else(|| {
                        anyhow::anyhow!("KABINET_PAGE_TIMEOUT_SECS must be a whole number of seconds from 1 to 600")
                    })?,
                None => std::time::Duration::from_secs(30),
            },
            contact_priority: match get("KABINET_CONTACT_PRIORITY").as_deref().map(str::trim) {
                None | Some("") | Some("phone") => app::platform::state::ContactPriority::Phone,
                Some("email") => app::platform::state::ContactPriority::Email,
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
        };
        if settings.demo && !settings.demo_unsafe_public && !settings.reachable_only_from_this_machine() {
            anyhow::bail!(
                "KABINET_DEMO=1 shows every code and sign-in link the portal sends at /demo/mail to anyone \
                 who can open it, so demo mode runs only on a loopback address (KABINET_ADDR 127.0.0.1:… or \
                 [::1]:…) with KABINET_PUBLIC_URL unset or a plain http:// URL on loopback. To expose a demo \
                 anyway, knowing that anyone can then take over its accounts, also set \
                 KABINET_DEMO_UNSAFE_PUBLIC=1."
            );
        }
        Ok(settings)
    }

    /// The portal listens on loopback and is not announced under another origin (a proxy in
    /// front would publish it under its own public URL).
    pub fn reachable_only_from_this_machine(&self) -> bool {
        let url_on_loopback = match &self.public_url {
            None => true,
            Some(url) => url.strip_prefix("http://").map(url_host).is_some_and(is_loopback_host),
        };
        self.addr.ip().is_loopback() && url_on_loopback
    }

    /// The key file: `KABINET_SECRET_KEY_FILE`, else `secret.key` beside the files folder
    /// (`data/secret.key` with the defaults).
    pub fn secret_key_path(&self) -> PathBuf {
        self.secret_key_file.clone().unwrap_or_else(|| {
            let beside = self.files_dir.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
            beside.join("secret.key")
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

/// `KABINET_SMS_URL` with its token and sender name; `None` (the development provider) when
/// none of the three is set. The token never appears in an error.
fn sms_gateway(get: &impl Fn(&str) -> Option<String>) -> anyhow::Result<Option<SmsGateway>> {
    let set = |name: &str| get(name).map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
    let (token, from) = (set("KABINET_SMS_TOKEN"), set("KABINET_SMS_FROM"));
    let url = match set("KABINET_SMS_URL").map(|u| u.trim_end_matches('/').to_string()) {
        None if token.is_some() || from.is_some() => anyhow::bail!(
            "KABINET_SMS_TOKEN and KABINET_SMS_FROM need KABINET_SMS_URL, the SMS gateway (e.g. https://sms.ru); \
             unset them to keep the development SMS provider"
        ),
        None => return Ok(None),
        Some(u) if u.starts_with("https://") || u.starts_with("http://") => u,
        Some(_) => anyhow::bail!("KABINET_SMS_URL must be an http(s) URL, e.g. https://sms.ru"),
    };
    let Some(token) = token else {
        anyhow::bail!("KABINET_SMS_URL is set but KABINET_SMS_TOKEN is not: set the gateway's API key (api_id)")
    };
    Ok(Some(SmsGateway { url, token, from }))
}

/// The host of a URL's remainder after `scheme://`, without port, user or brackets.
fn url_host(rest: &str) -> &str {
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    match host_port.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or_default(),
        None => host_port.split(':').next().unwrap_or_default(),
    }
}

fn is_loopback_host(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost") || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
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
        let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
        assert_eq!(s.worker_threads, cpus, "one worker per CPU");
        assert_eq!(settings(&[("KABINET_WORKER_THREADS", "3")]).unwrap().worker_threads, 3);
        assert_eq!(s.page_timeout, std::time::Duration::from_secs(30));
        assert_eq!(settings(&[("KABINET_PAGE_TIMEOUT_SECS", "5")]).unwrap().page_timeout.as_secs(), 5);
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
        for bad in ["0", "many", "-1"] {
            let e = settings(&[("KABINET_WORKER_THREADS", bad)]).unwrap_err();
            assert!(e.to_string().contains("KABINET_WORKER_THREADS"), "{bad}");
        }
        for bad in ["0", "601", "soon"] {
            let e = settings(&[("KABINET_PAGE_TIMEOUT_SECS", bad)]).unwrap_err();
            assert!(e.to_string().contains("KABINET_PAGE_TIMEOUT_SECS"), "{bad}");
        }
    }

    #[test]
    fn demo_mode_starts_only_where_no_one_else_can_read_its_mailbox() {
        let demo = |pairs: &[(&str, &str)]| {
            let mut all = vec![("KABINET_DEMO", "1")];
            all.extend_from_slice(pairs);
            settings(&all)
        };
        assert!(demo(&[]).is_ok(), "the default 127.0.0.1:3000");
        assert!(demo(&[("KABINET_ADDR", "[::1]:3000")]).is_ok());
        assert!(demo(&[("KABINET_PUBLIC_URL", "http://127.0.0.1:3100")]).is_ok());
        assert!(demo(&[("KABINET_PUBLIC_URL", "http://localhost:3000/")]).is_ok());
        assert!(demo(&[("KABINET_PUBLIC_URL", "http://[::1]:3000")]).is_ok());
        for refused in [
            vec![("KABINET_ADDR", "0.0.0.0:3000")],
            vec![("KABINET_ADDR", "192.0.2.10:3000")],
            vec![("KABINET_ADDR", "[::]:3000")],
            vec![("KABINET_PUBLIC_URL", "https://demo.clinic.example")],
            vec![("KABINET_PUBLIC_URL", "https://127.0.0.1:3000")],
            vec![("KABINET_PUBLIC_URL", "http://demo.clinic.example")],
            vec![("KABINET_PUBLIC_URL", "http://127.0.0.1.evil.example")],
            vec![("KABINET_PUBLIC_URL", "http://127.0.0.1@evil.example")],
        ] {
            let e = demo(&refused).unwrap_err().to_string();
            assert!(e.contains("KABINET_DEMO") && e.contains("KABINET_DEMO_UNSAFE_PUBLIC"), "{refused:?}: {e}");
        }
        let public = demo(&[("KABINET_ADDR", "0.0.0.0:3000"), ("KABINET_DEMO_UNSAFE_PUBLIC", "1")]).unwrap();
        assert!(public.demo && public.demo_unsafe_public, "the explicit override starts it");
        assert!(settings(&[("KABINET_ADDR", "0.0.0.0:3000")]).is_ok(), "outside demo mode any address is fine");
    }

    #[test]
    fn secret_keys_are_checked_kept_out_of_debug_and_the_file_sits_beside_the_files() {
        let key = app::platform::secret_box::SecretKey::generate().to_base64();
        let s = settings(&[("KABINET_SECRET_KEY", &key)]).unwrap();
        assert!(s.secret_key.is_some());
        assert!(!format!("{s:?}").contains(&key[..20]));
        let e = settings(&[("KABINET_SECRET_KEY", "too-short")]).unwrap_err().to_string();
        assert!(e.contains("KABINET_SECRET_KEY") && !e.contains("too-short"), "{e}");
        let e = settings(&[("KABINET_SECRET_KEY_OLD", "AAAA")]).unwrap_err().to_string();
        assert!(e.contains("KABINET_SECRET_KEY_OLD"), "{e}");
        assert_eq!(settings(&[]).unwrap().secret_key_path(), PathBuf::from("data/secret.key"));
        assert_eq!(
            settings(&[("KABINET_FILES_DIR", "/var/lib/kabinet/files")]).unwrap().secret_key_path(),
            PathBuf::from("/var/lib/kabinet/secret.key")
        );
        assert_eq!(
            settings(&[("KABINET_SECRET_KEY_FILE", "/etc/kabinet/key")]).unwrap().secret_key_path(),
            PathBuf::from("/etc/kabinet/key")
        );
    }

    #[test]
    fn database_passwords_stay_out_of_debug_output() {
        let s = settings(&[("KABINET_DATABASE_URL", "postgres://kabinet:s3cret@db/kabinet")]).unwrap();
        let shown = format!("{s:?}");
        assert!(!shown.contains("s3cret"), "{shown}");
        assert!(shown.contains("postgres://***@db/kabinet"));
    }
}
