//! Conversions by Debian's own programs: LibreOffice (headless) turns office documents and the
//! record's HTML into PDF; libwebp's `cwebp`/`gif2webp` turn images into WEBP, dropping their
//! metadata (GPS, camera); libheif's `heif-convert` decodes HEIC first. Each run works in a
//! fresh folder of its own (LibreOffice needs its own profile per process: concurrent runs that
//! share one fail silently).
//!
//! The programs read what anyone uploads, so each runs boxed in (`Job`):
//! - in a process group of its own, killed whole (`killpg`) when it outlives its time or its
//!   caller goes away: `/usr/bin/soffice` is a shell script whose `soffice.bin` would otherwise
//!   survive the script being killed;
//! - with no network: a new, empty network namespace (`unshare(CLONE_NEWNET)`; unprivileged,
//!   together with a user namespace), so a document cannot make the server fetch a URL. When
//!   the namespace cannot be made the conversion fails, unless the clinic turned the sandbox off
//!   (`KABINET_CONVERTER_SANDBOX=off`, unsafe);
//! - under rlimits on address space and CPU time, so a decompression bomb fails instead of
//!   taking the machine;
//! - LibreOffice with macros and link updates off (its fresh profile says so), and office
//!   packages lose their external relationships first (`ooxml`).

mod ooxml;

pub use ooxml::{drop_external_relationships, sanitize as sanitize_ooxml};

use app::kernel::media::{Conversion, MediaType};
use std::path::{Path, PathBuf};
use std::time::Duration;
use tokio::process::Command;

/// The longest one conversion may take (they take 1–2 s; 4 s for a 50-megapixel photo).
pub const TIMEOUT: Duration = Duration::from_secs(60);

/// Address space one converter process may map. Measured on Debian 12 (LibreOffice 7.4,
/// libwebp 1.2, libheif 1.15): soffice converts a DOCX, an XLSX and the record's HTML within
/// 256 MiB (fails at 128 MiB; peak RSS 210 MB); cwebp turns a 7000×7000 PNG (49 MP, just under
/// the pixel cap) into WEBP within 256 MiB (peak RSS 221 MB); heif-convert decodes a 49 MP HEIC
/// within 512 MiB (peak RSS 318 MB). 1 GiB leaves a margin of two to four.
pub const MAX_ADDRESS_SPACE: u64 = 1 << 30;
/// CPU seconds one converter process may use (measured: soffice 1.6 s, cwebp 3.4 s and
/// heif-convert 2.7 s on the 49 MP image); the wall-clock `TIMEOUT` stops it first in practice.
pub const MAX_CPU_SECS: u64 = 60;

#[derive(Clone, Debug)]
pub struct Converter {
    pub soffice: String,
    /// Where work folders are made (inside the file store, so results move by rename). Absolute:
    /// LibreOffice takes its profile as a `file://` URL.
    pub work_root: PathBuf,
    /// Run converters in a network namespace of their own (`KABINET_CONVERTER_SANDBOX`).
    pub sandbox: bool,
    pub timeout: Duration,
}

/// A folder removed when dropped.
struct WorkDir(PathBuf);

impl Drop for WorkDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// `path` as a `file://` URL, its bytes percent-encoded except the unreserved ones and `/`
/// (RFC 8089, RFC 3986). None for a relative path: "file://data/files" names a host "data".
pub fn file_url(path: &Path) -> Option<String> {
    use std::os::unix::ffi::OsStrExt;
    if !path.is_absolute() {
        return None;
    }
    let mut url = String::from("file://");
    for &b in path.as_os_str().as_bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => url.push(b as char),
            _ => url.push_str(&format!("%{b:02X}")),
        }
    }
    Some(url)
}

/// A running converter: the leader of its own process group. Dropping it kills the whole group.
pub(crate) struct Job {
    child: tokio::process::Child,
    pgid: i32,
}

impl Job {
    /// Starts `cmd` boxed in (see the module's doc). Its output is discarded: it may name the
    /// file or quote its content.
    pub(crate) fn start(mut cmd: Command, sandbox: bool) -> std::io::Result<Job> {
        // Everything the child needs is made here: between fork and exec only async-signal-safe
        // calls are allowed (no allocation).
        let uid = unsafe { libc::geteuid() };
        let gid = unsafe { libc::getegid() };
        let uid_map = format!("{uid} {uid} 1");
        let gid_map = format!("{gid} {gid} 1");
        cmd.process_group(0)
            .kill_on_drop(true)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null());
        unsafe {
            cmd.pre_exec(move || {
                limit(libc::RLIMIT_AS, MAX_ADDRESS_SPACE)?;
                limit(libc::RLIMIT_CPU, MAX_CPU_SECS)?;
                limit(libc::RLIMIT_CORE, 0)?;
                if sandbox {
                    if uid == 0 {
                        if libc::unshare(libc::CLONE_NEWNET) != 0 {
                            return Err(std::io::Error::last_os_error());
                        }
                    } else {
                        // The forked child has one thread, so it may enter a user namespace;
                        // mapping its own ids keeps it the same user inside.
                        if libc::unshare(libc::CLONE_NEWUSER | libc::CLONE_NEWNET) != 0 {
                            return Err(std::io::Error::last_os_error());
                        }
                        write_proc(c"/proc/self/setgroups", b"deny");
                        write_proc(c"/proc/self/uid_map", uid_map.as_bytes());
                        write_proc(c"/proc/self/gid_map", gid_map.as_bytes());
                    }
                }
                Ok(())
            });
        }
        let child = cmd.spawn()?;
        let pgid = child.id().map(|p| p as i32).unwrap_or(0);
        Ok(Job { child, pgid })
    }

    /// The process group (the leader's pid).
    #[cfg(test)]
    pub(crate) fn pgid(&self) -> i32 {
        self.pgid
    }

    /// Waits for the leader, at most `timeout`; the group is killed either way.
    pub(crate) async fn finish(mut self, timeout: Duration, what: &str) -> Result<(), String> {
        let status = tokio::time::timeout(timeout, self.child.wait())
            .await
            .map_err(|_| format!("{what}: timed out after {} s", timeout.as_secs()))?
            .map_err(|e| format!("{what}: {e}"))?;
        if status.success() {
            Ok(())
        } else {
            Err(format!("{what}: exit {status}"))
        }
    }
}

impl Drop for Job {
    fn drop(&mut self) {
        if self.pgid > 0 {
            // The leader may be gone while what it started lives on in the group.
            unsafe {
                libc::killpg(self.pgid, libc::SIGKILL);
            }
        }
    }
}

fn limit(resource: libc::__rlimit_resource_t, value: u64) -> std::io::Result<()> {
    let r = libc::rlimit { rlim_cur: value, rlim_max: value };
    if unsafe { libc::setrlimit(resource, &r) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(())
}

/// Writes a /proc file with raw calls (safe between fork and exec); failures are left to show
/// as the program failing.
fn write_proc(path: &std::ffi::CStr, bytes: &[u8]) {
    unsafe {
        let fd = libc::open(path.as_ptr(), libc::O_WRONLY | libc::O_CLOEXEC);
        if fd >= 0 {
            libc::write(fd, bytes.as_ptr().cast(), bytes.len());
            libc::close(fd);
        }
    }
}

/// LibreOffice's settings for a conversion profile: no macros run (the highest security level,
/// and execution disabled outright), links in documents are not updated (Writer: 2 = never;
/// Calc: 1 = never), and referer-less remote links are blocked.
const PROFILE_SETTINGS: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="MacroSecurityLevel" oor:op="fuse"><value>3</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="DisableMacrosExecution" oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="BlockUntrustedRefererLinks" oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Writer/Content/Update"><prop oor:name="Link" oor:op="fuse"><value>2</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Content/Update"><prop oor:name="Link" oor:op="fuse"><value>1</value></prop></item>
</oor:items>
"#;

impl Converter {
    pub fn new(soffice: String, work_root: PathBuf, sandbox: bool) -> Self {
        Self { soffice, work_root, sandbox, timeout: TIMEOUT }
    }

    fn work_dir(&self) -> Result<WorkDir, String> {
        let dir = self.work_root.join(format!("conv-{}", crate::files::new_name()));
        std::fs::create_dir_all(&dir).map_err(|e| format!("work folder: {e}"))?;
        Ok(WorkDir(dir))
    }

    async fn run(&self, cmd: Command, what: &str) -> Result<(), String> {
        let job = Job::start(cmd, self.sandbox).map_err(|e| {
            if self.sandbox {
                tracing::error!(
                    program = what,
                    error = %e,
                    "converter not started: its sandbox (a network namespace) could not be made; \
                     see KABINET_CONVERTER_SANDBOX in the README"
                );
            }
            format!("{what}: {e}")
        })?;
        job.finish(self.timeout, what).await
    }

    /// The LibreOffice command for one conversion, with a profile of its own in `dir` that has
    /// macros and link updates off.
    pub(crate) fn soffice_command(&self, dir: &Path, input: &Path, filter: Option<&str>) -> Result<Command, String> {
        let profile = dir.join("profile");
        std::fs::create_dir_all(profile.join("user")).map_err(|e| format!("profile: {e}"))?;
        std::fs::write(profile.join("user").join("registrymodifications.xcu"), PROFILE_SETTINGS)
            .map_err(|e| format!("profile: {e}"))?;
        let url = file_url(&profile).ok_or("soffice: work folder is not absolute")?;
        let mut cmd = Command::new(&self.soffice);
        cmd.env("HOME", dir)
            .current_dir(dir)
            .arg("--headless")
            .arg("--norestore")
            .arg("--nolockcheck")
            .arg(format!("-env:UserInstallation={url}"));
        // Office files pick their own PDF export; HTML goes through Writer's import and export.
        let export = match filter {
            Some(f) => {
                cmd.arg(format!("--infilter={f}"));
                "pdf:writer_pdf_Export"
            }
            None => "pdf",
        };
        cmd.arg("--convert-to").arg(export).arg("--outdir").arg(dir.join("out")).arg(input);
        Ok(cmd)
    }

    /// LibreOffice, headless. It exits 0 even when it could not read the input, so success is
    /// the output file being there.
    async fn soffice_pdf(&self, dir: &Path, input: &Path, filter: Option<&str>) -> Result<PathBuf, String> {
        let cmd = self.soffice_command(dir, input, filter)?;
        self.run(cmd, "soffice").await?;
        let stem = input.file_stem().map(|s| s.to_string_lossy().to_string()).unwrap_or_default();
        let pdf = dir.join("out").join(format!("{stem}.pdf"));
        match tokio::fs::read(&pdf).await {
            Ok(bytes) if bytes.starts_with(b"%PDF-") => Ok(pdf),
            _ => Err("soffice: no PDF produced".into()),
        }
    }

    /// Converts `input` (of type `media`) and moves the result to `target`; returns its type.
    /// The input is left as it was.
    pub async fn convert(&self, input: &Path, media: MediaType, target: &Path) -> Result<MediaType, String> {
        let Some(conversion) = media.conversion() else {
            return Err("no conversion for this type".into());
        };
        let dir = self.work_dir()?;
        // Programs read the type from the extension as well: give them a copy named by type.
        let named = dir.0.join(format!("document.{}", media.extension()));
        if matches!(media, MediaType::Docx | MediaType::Xlsx) {
            // The copy loses what would reach outside (external relationships) on the way.
            let (from, to) = (input.to_path_buf(), named.clone());
            tokio::task::spawn_blocking(move || sanitize_ooxml(&from, &to))
                .await
                .map_err(|e| format!("ooxml: {e}"))??;
        } else {
            tokio::fs::copy(input, &named).await.map_err(|e| format!("copy: {e}"))?;
        }
        let (result, kind) = match conversion {
            Conversion::ToPdf => (self.soffice_pdf(&dir.0, &named, None).await?, MediaType::Pdf),
            Conversion::ToWebp => (self.webp(&dir.0, &named, media).await?, MediaType::Webp),
        };
        tokio::fs::rename(&result, target).await.map_err(|e| format!("keep: {e}"))?;
        Ok(kind)
    }

    /// A portrait: an image (JPEG, PNG, HEIC, WEBP) as a WEBP `width` pixels wide, proportions
    /// kept, without metadata, moved to `target`.
    pub async fn portrait(&self, input: &Path, media: MediaType, width: u32, target: &Path) -> Result<(), String> {
        if !matches!(media, MediaType::Jpeg | MediaType::Png | MediaType::Heic | MediaType::Webp) {
            return Err("not a photo".into());
        }
        let dir = self.work_dir()?;
        let named = dir.0.join(format!("photo.{}", media.extension()));
        tokio::fs::copy(input, &named).await.map_err(|e| format!("copy: {e}"))?;
        let result = self.webp_sized(&dir.0, &named, media, Some(width)).await?;
        tokio::fs::rename(&result, target).await.map_err(|e| format!("keep: {e}"))
    }

    async fn webp(&self, dir: &Path, input: &Path, media: MediaType) -> Result<PathBuf, String> {
        self.webp_sized(dir, input, media, None).await
    }

    async fn webp_sized(
        &self,
        dir: &Path,
        input: &Path,
        media: MediaType,
        width: Option<u32>,
    ) -> Result<PathBuf, String> {
        let out = dir.join("out.webp");
        let source = if media == MediaType::Heic {
            let png = dir.join("decoded.png");
            let mut cmd = Command::new("heif-convert");
            cmd.current_dir(dir).arg("--quiet").arg(input).arg(&png);
            self.run(cmd, "heif-convert").await?;
            // A HEIC with several images decodes to decoded-1.png, decoded-2.png…: take the first.
            if tokio::fs::metadata(&png).await.is_ok() {
                png
            } else {
                dir.join("decoded-1.png")
            }
        } else {
            input.to_path_buf()
        };
        let mut cmd = if media == MediaType::Gif { Command::new("gif2webp") } else { Command::new("cwebp") };
        if let Some(w) = width {
            cmd.arg("-resize").arg(w.to_string()).arg("0");
        }
        cmd.current_dir(dir)
            .arg("-quiet")
            .arg("-metadata")
            .arg("none")
            .arg("-q")
            .arg("80")
            .arg(&source)
            .arg("-o")
            .arg(&out);
        self.run(cmd, "webp").await?;
        match tokio::fs::metadata(&out).await {
            Ok(m) if m.len() > 0 => Ok(out),
            _ => Err("webp: no output".into()),
        }
    }

    /// An HTML document (the record export) as PDF bytes.
    pub async fn html_to_pdf(&self, html: &str) -> Result<Vec<u8>, String> {
        let dir = self.work_dir()?;
        let input = dir.0.join("record.html");
        tokio::fs::write(&input, html).await.map_err(|e| format!("write: {e}"))?;
        // Without the Writer import filter LibreOffice drops the first block of the body.
        let pdf = self.soffice_pdf(&dir.0, &input, Some("HTML (StarWriter)")).await?;
        tokio::fs::read(&pdf).await.map_err(|e| format!("read: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    use std::sync::Arc;

    #[test]
    fn file_urls_are_absolute_and_percent_encoded() {
        assert_eq!(file_url(Path::new("data/files/tmp")), None);
        assert_eq!(file_url(Path::new("/srv/kabinet/files/tmp")).as_deref(), Some("file:///srv/kabinet/files/tmp"));
        assert_eq!(
            file_url(Path::new("/srv/Клиника №1/a b#c?d%e")).as_deref(),
            Some("file:///srv/%D0%9A%D0%BB%D0%B8%D0%BD%D0%B8%D0%BA%D0%B0%20%E2%84%961/a%20b%23c%3Fd%25e")
        );
    }

    /// Processes alive in group `pgid` (a zombie holds nothing; its reaper collects it).
    fn live_in_group(pgid: i32) -> Vec<String> {
        let mut found = Vec::new();
        for entry in std::fs::read_dir("/proc").unwrap().flatten() {
            let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else { continue };
            let Some((head, rest)) = stat.rsplit_once(')') else { continue };
            let fields: Vec<&str> = rest.split_whitespace().collect();
            if fields.len() > 2 && fields[0] != "Z" && fields[2] == pgid.to_string() {
                found.push(head.to_string());
            }
        }
        found
    }

    fn converter(root: &Path, sandbox: bool) -> Converter {
        Converter::new("soffice".into(), root.to_path_buf(), sandbox)
    }

    fn letter() -> PathBuf {
        PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/letter.docx"))
    }

    /// Starts LibreOffice on the letter and waits until its own process (soffice.bin, started
    /// by the shell script) is in the job's group.
    async fn started_soffice(c: &Converter, dir: &Path) -> Job {
        let cmd = c.soffice_command(dir, &letter(), None).unwrap();
        let job = Job::start(cmd, c.sandbox).unwrap();
        for _ in 0..400 {
            if live_in_group(job.pgid()).iter().any(|p| p.contains("soffice.bin")) {
                return job;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("soffice.bin never started: {:?}", live_in_group(job.pgid()));
    }

    async fn group_gone(pgid: i32) {
        for _ in 0..100 {
            if live_in_group(pgid).is_empty() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!("still running in group {pgid}: {:?}", live_in_group(pgid));
    }

    #[tokio::test]
    async fn a_conversion_dropped_or_over_its_time_leaves_nothing_in_its_process_group() {
        let root = tempfile::tempdir().unwrap();
        let c = converter(root.path(), true);
        // Dropped, as when the request that waited for it goes away.
        let job = started_soffice(&c, root.path()).await;
        let pgid = job.pgid();
        drop(job);
        group_gone(pgid).await;
        // Over its time.
        let job = started_soffice(&c, root.path()).await;
        let pgid = job.pgid();
        let error = job.finish(Duration::from_millis(1), "soffice").await.unwrap_err();
        assert!(error.contains("timed out"), "{error}");
        group_gone(pgid).await;
    }

    /// A DOCX whose only picture is linked from `url` (an external relationship).
    fn docx_linking(url: &str, macros: bool) -> Vec<u8> {
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let o = zip::write::SimpleFileOptions::default();
        let parts = [
            ("[Content_Types].xml", r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#.to_string()),
            ("_rels/.rels", r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#.to_string()),
            ("word/_rels/document.xml.rels", format!(r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="{url}" TargetMode="External"/></Relationships>"#)),
            ("word/document.xml", r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"><w:body><w:p><w:r><w:t>Снимок</w:t></w:r></w:p><w:p><w:r><w:drawing><wp:inline><wp:extent cx="914400" cy="914400"/><wp:docPr id="1" name="Picture 1"/><a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic><pic:nvPicPr><pic:cNvPr id="1" name="x.png"/><pic:cNvPicPr/></pic:nvPicPr><pic:blipFill><a:blip r:link="rId2"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill><pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="914400" cy="914400"/></a:xfrm><a:prstGeom prst="rect"/></pic:spPr></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p></w:body></w:document>"#.to_string()),
        ];
        for (name, text) in parts {
            zip.start_file(name, o).unwrap();
            zip.write_all(text.as_bytes()).unwrap();
        }
        if macros {
            zip.start_file("word/vbaProject.bin", o).unwrap();
            zip.write_all(b"\xD0\xCF\x11\xE0").unwrap();
        }
        zip.finish().unwrap().into_inner()
    }

    /// A listener on loopback that answers every connection with 404 and counts them.
    struct Probe {
        port: u16,
        hits: Arc<AtomicUsize>,
        stop: Arc<AtomicBool>,
    }

    impl Probe {
        fn start() -> Probe {
            let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            listener.set_nonblocking(true).unwrap();
            let port = listener.local_addr().unwrap().port();
            let (hits, stop) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicBool::new(false)));
            let (h, s) = (hits.clone(), stop.clone());
            std::thread::spawn(move || {
                while !s.load(Ordering::SeqCst) {
                    match listener.accept() {
                        Ok((mut conn, _)) => {
                            h.fetch_add(1, Ordering::SeqCst);
                            let _ = conn
                                .write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
                        }
                        Err(_) => std::thread::sleep(Duration::from_millis(5)),
                    }
                }
            });
            Probe { port, hits, stop }
        }
        fn hits(&self) -> usize {
            self.hits.load(Ordering::SeqCst)
        }
    }

    impl Drop for Probe {
        fn drop(&mut self) {
            self.stop.store(true, Ordering::SeqCst);
        }
    }

    /// Runs LibreOffice on `docx` as given: relationships kept, and a default profile (ours
    /// also blocks linked images; this isolates the sandbox). True when it made a PDF.
    async fn bare_soffice(root: &Path, docx: &[u8], sandbox: bool) -> bool {
        let dir = root.join(format!("raw-{}", crate::files::new_name()));
        std::fs::create_dir_all(&dir).unwrap();
        let input = dir.join("document.docx");
        std::fs::write(&input, docx).unwrap();
        let mut cmd = Command::new("soffice");
        cmd.env("HOME", &dir)
            .arg("--headless")
            .arg("--norestore")
            .arg(format!("-env:UserInstallation={}", file_url(&dir.join("profile")).unwrap()))
            .arg("--convert-to")
            .arg("pdf")
            .arg("--outdir")
            .arg(&dir)
            .arg(&input);
        let job = Job::start(cmd, sandbox).unwrap();
        job.finish(TIMEOUT, "soffice").await.is_ok() && dir.join("document.pdf").exists()
    }

    #[tokio::test]
    async fn an_external_image_in_a_docx_reaches_no_listener_on_loopback() {
        let root = tempfile::tempdir().unwrap();
        let probe = Probe::start();
        let docx = docx_linking(&format!("http://127.0.0.1:{}/x.png", probe.port), false);
        // The probe sees LibreOffice when nothing stands in its way (so zero below means
        // something).
        assert!(bare_soffice(root.path(), &docx, false).await);
        assert!(probe.hits() > 0, "LibreOffice did not fetch the linked image: the probe proves nothing");
        let before = probe.hits();
        // The sandbox alone keeps it off the network.
        assert!(bare_soffice(root.path(), &docx, true).await, "no PDF inside the sandbox");
        assert_eq!(probe.hits(), before, "a sandboxed LibreOffice reached the listener");
        let sandboxed = converter(root.path(), true);
        // The whole conversion: relationships dropped, sandboxed.
        let input = root.path().join("upload.docx");
        std::fs::write(&input, &docx).unwrap();
        let target = root.path().join("out.pdf");
        assert_eq!(sandboxed.convert(&input, MediaType::Docx, &target).await, Ok(MediaType::Pdf));
        assert!(std::fs::read(&target).unwrap().starts_with(b"%PDF-"));
        tokio::time::sleep(Duration::from_millis(200)).await;
        assert_eq!(probe.hits(), before, "a converter reached the listener");
        // The upload itself is left as it was.
        assert_eq!(std::fs::read(&input).unwrap(), docx);
    }

    #[tokio::test]
    async fn a_package_with_macros_is_not_converted_and_profiles_turn_macros_off() {
        let root = tempfile::tempdir().unwrap();
        let c = converter(root.path(), true);
        let input = root.path().join("upload.docx");
        std::fs::write(&input, docx_linking("media/x.png", true)).unwrap();
        let error = c.convert(&input, MediaType::Docx, &root.path().join("out.pdf")).await.unwrap_err();
        assert!(error.contains("macros"), "{error}");
        let dir = root.path().join("profile-check");
        std::fs::create_dir_all(&dir).unwrap();
        c.soffice_command(&dir, &letter(), None).unwrap();
        let settings = std::fs::read_to_string(dir.join("profile/user/registrymodifications.xcu")).unwrap();
        assert!(settings.contains(r#"<prop oor:name="DisableMacrosExecution" oor:op="fuse"><value>true</value>"#));
        assert!(settings.contains(r#"<prop oor:name="MacroSecurityLevel" oor:op="fuse"><value>3</value>"#));
    }
}
