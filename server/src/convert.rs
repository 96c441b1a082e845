//! Conversions by Debian's own programs: LibreOffice (headless) turns office documents and the
//! record's HTML into PDF; libwebp's `cwebp`/`gif2webp` turn images into WEBP, dropping their
//! metadata (GPS, camera); libheif's `heif-convert` decodes HEIC first. Each run works in a
//! fresh folder of its own (LibreOffice needs its own profile per process: concurrent runs that
//! share one fail silently) and is killed if it outlives its time.

use app::domain::files::{Conversion, MediaType};
use std::path::{Path, PathBuf};
use std::time::Duration;
use tokio::process::Command;

/// The longest one conversion may take.
const TIMEOUT: Duration = Duration::from_secs(180);

#[derive(Clone, Debug)]
pub struct Converter {
    pub soffice: String,
    /// Where work folders are made (inside the file store, so results move by rename).
    pub work_root: PathBuf,
}

/// A folder removed when dropped.
struct WorkDir(PathBuf);

impl Drop for WorkDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

async fn run(mut cmd: Command, what: &str) -> Result<(), String> {
    cmd.kill_on_drop(true).stdin(std::process::Stdio::null());
    let out = tokio::time::timeout(TIMEOUT, cmd.output())
        .await
        .map_err(|_| format!("{what}: timed out"))?
        .map_err(|e| format!("{what}: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!("{what}: exit {}", out.status))
    }
}

impl Converter {
    fn work_dir(&self) -> Result<WorkDir, String> {
        let dir = self.work_root.join(format!("conv-{}", crate::files::new_name()));
        std::fs::create_dir_all(&dir).map_err(|e| format!("work folder: {e}"))?;
        Ok(WorkDir(dir))
    }

    /// LibreOffice, headless, with a profile of its own in `dir`. It exits 0 even when it could
    /// not read the input, so success is the output file being there.
    async fn soffice_pdf(&self, dir: &Path, input: &Path, filter: Option<&str>) -> Result<PathBuf, String> {
        let mut cmd = Command::new(&self.soffice);
        cmd.env("HOME", dir)
            .arg("--headless")
            .arg("--norestore")
            .arg("--nolockcheck")
            .arg(format!("-env:UserInstallation=file://{}", dir.join("profile").display()));
        // Office files pick their own PDF export; HTML goes through Writer's import and export.
        let export = match filter {
            Some(f) => {
                cmd.arg(format!("--infilter={f}"));
                "pdf:writer_pdf_Export"
            }
            None => "pdf",
        };
        cmd.arg("--convert-to").arg(export).arg("--outdir").arg(dir.join("out")).arg(input);
        run(cmd, "soffice").await?;
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
        tokio::fs::copy(input, &named).await.map_err(|e| format!("copy: {e}"))?;
        let (result, kind) = match conversion {
            Conversion::ToPdf => (self.soffice_pdf(&dir.0, &named, None).await?, MediaType::Pdf),
            Conversion::ToWebp => (self.webp(&dir.0, &named, media).await?, MediaType::Webp),
        };
        tokio::fs::rename(&result, target).await.map_err(|e| format!("keep: {e}"))?;
        Ok(kind)
    }

    async fn webp(&self, dir: &Path, input: &Path, media: MediaType) -> Result<PathBuf, String> {
        let out = dir.join("out.webp");
        let source = if media == MediaType::Heic {
            let png = dir.join("decoded.png");
            let mut cmd = Command::new("heif-convert");
            cmd.arg("--quiet").arg(input).arg(&png);
            run(cmd, "heif-convert").await?;
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
        cmd.arg("-quiet").arg("-metadata").arg("none").arg("-q").arg("80").arg(&source).arg("-o").arg(&out);
        run(cmd, "webp").await?;
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
