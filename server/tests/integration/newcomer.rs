//! The portal as a newcomer runs it: the built binary, started from a folder of its own with the
//! default, relative data paths (`data/kabinet.db`, `data/files`) and no other setting than its
//! address, loads the demo clinic, converts a clinician's DOCX and exports a patient's record;
//! and an export abandoned mid-conversion leaves no converter process behind.
//!
//! A child process, not a server in this test binary: the relative paths resolve against the
//! working directory, which is one per process, and the other tests run in parallel threads.

use reqwest::multipart::{Form, Part};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Server {
    child: Child,
    base: String,
    dir: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `kabinet` with none of this environment's KABINET_* settings, run in `dir`.
fn kabinet(dir: &Path, port: u16) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kabinet"));
    for (k, _) in std::env::vars() {
        if k.starts_with("KABINET_") {
            cmd.env_remove(k);
        }
    }
    cmd.current_dir(dir)
        .env("KABINET_ADDR", format!("127.0.0.1:{port}"))
        .env("KABINET_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::null());
    cmd
}

async fn start() -> Server {
    let dir = tempfile::tempdir().expect("temp dir");
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let demo = kabinet(dir.path(), port).arg("demo").status().expect("kabinet demo");
    assert!(demo.success());
    let child = kabinet(dir.path(), port).arg("serve").spawn().expect("kabinet serve");
    let server = Server { child, base: format!("http://127.0.0.1:{port}"), dir };
    let started = Instant::now();
    while reqwest::get(format!("{}/signin", server.base)).await.is_err() {
        assert!(started.elapsed() < Duration::from_secs(60), "the server did not start");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    server
}

impl Server {
    async fn signed_in(&self, email: &str) -> reqwest::Client {
        let c = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(120))
            .build()
            .unwrap();
        let res = self.rpc(&c, "sign_in", &[("email", email), ("password", crate::support::PASSWORD)]).await;
        assert_eq!(res.status(), 200, "sign in as {email}");
        c
    }

    async fn rpc(&self, c: &reqwest::Client, name: &str, form: &[(&str, &str)]) -> reqwest::Response {
        c.post(format!("{}/rpc/{name}", self.base))
            .header("Origin", &self.base)
            .header("Accept", "application/json")
            .form(form)
            .send()
            .await
            .unwrap()
    }
}

/// Processes alive in process group `pgid` (zombies hold nothing and are left to their reaper).
fn live_in_group(pgid: i32) -> Vec<String> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else { continue };
        // pid (comm) state ppid pgrp …: comm may hold spaces, so split after its ')'.
        let Some((head, rest)) = stat.rsplit_once(')') else { continue };
        let fields: Vec<&str> = rest.split_whitespace().collect();
        if fields.len() > 2 && fields[0] != "Z" && fields[2] == pgid.to_string() {
            found.push(head.to_string());
        }
    }
    found
}

/// Process groups of converters working under `dir`.
fn converter_groups(dir: &Path) -> Vec<i32> {
    let needle = dir.to_string_lossy().to_string();
    let mut groups = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(cmdline) = std::fs::read(entry.path().join("cmdline")) else { continue };
        if !String::from_utf8_lossy(&cmdline).contains(&needle) {
            continue;
        }
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else { continue };
        let Some((_, rest)) = stat.rsplit_once(')') else { continue };
        let fields: Vec<&str> = rest.split_whitespace().collect();
        if let Some(pgid) = fields.get(2).and_then(|p| p.parse().ok()) {
            if fields[0] != "Z" && !groups.contains(&pgid) {
                groups.push(pgid);
            }
        }
    }
    groups
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_newcomers_install_with_relative_folders_converts_a_docx_and_exports_the_record() {
    let server = start().await;
    assert!(server.dir.path().join("data/kabinet.db").exists());
    let doctor = server.signed_in("doctor@kabinet.example").await;
    let res = server.rpc(&doctor, "document_card_search", &[("query", "иванова анна")]).await;
    assert_eq!(res.status(), 200);
    let cards: Vec<app::features::cards::rules::CardSummary> = res.json().await.unwrap();
    let card = cards[0].id;
    let docx = std::fs::read(format!("{}/tests/fixtures/letter.docx", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let form = Form::new()
        .text("category", "examinations")
        .text("title", "Заключение")
        .text("visit_date", time::OffsetDateTime::now_utc().date().to_string())
        .text("icd_code", "")
        .text("icd_text", "")
        .text("per_file", "1")
        .text("send_0", "on")
        .part("files", Part::bytes(docx).file_name("Заключение.docx"));
    let res = doctor
        .post(format!("{}/staff/cards/{card}/documents/upload", server.base))
        .header("Origin", &server.base)
        .header("Accept", "application/json")
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    // The worker in the server converts it: well within the converters' 60 s.
    let started = Instant::now();
    let file = loop {
        let res = server.rpc(&doctor, "card_documents", &[("id", &card.to_string())]).await;
        let docs: app::features::record::delivery::CardDocuments = res.json().await.unwrap();
        let file = docs.uploads[0].files[0].clone();
        if file.status != app::features::record::delivery::FileStatus::Queued {
            break file;
        }
        assert!(started.elapsed() < Duration::from_secs(60), "still queued after a minute");
        tokio::time::sleep(Duration::from_millis(250)).await;
    };
    assert_eq!(file.status, app::features::record::delivery::FileStatus::Delivered, "{:?}", file.reasons);
    assert_eq!(file.converted, Some(app::kernel::media::MediaType::Pdf));
    // The copy sits in the default folder, under the server's working directory.
    let pdfs = std::fs::read_dir(server.dir.path().join("data/files"))
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(".pdf"))
        .count();
    assert_eq!(pdfs, 1);

    let patient = server.signed_in("patient@kabinet.example").await;
    let started = Instant::now();
    let res = patient.get(format!("{}/record/export.pdf", server.base)).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let pdf = res.bytes().await.unwrap();
    assert!(pdf.starts_with(b"%PDF-"), "not a PDF");
    assert!(started.elapsed() < Duration::from_secs(30), "export took {:?}", started.elapsed());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_export_abandoned_mid_conversion_leaves_no_converter_running() {
    let server = start().await;
    let patient = server.signed_in("patient@kabinet.example").await;
    let url = format!("{}/record/export.pdf", server.base);
    let request = tokio::spawn(async move { patient.get(url).send().await.map(|r| r.status()) });
    // Wait for LibreOffice's own process (soffice.bin) in the job's group, then hang up.
    let started = Instant::now();
    let group = loop {
        let groups = converter_groups(server.dir.path());
        if let Some(g) = groups.iter().find(|g| live_in_group(**g).iter().any(|p| p.contains("soffice.bin"))) {
            break *g;
        }
        assert!(!request.is_finished(), "the export finished before it could be abandoned");
        assert!(started.elapsed() < Duration::from_secs(30), "no converter started");
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    request.abort();
    let started = Instant::now();
    while !live_in_group(group).is_empty() {
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "left running after the request was dropped: {:?}",
            live_in_group(group)
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(converter_groups(server.dir.path()).is_empty());
    // The server is still there and the account may export again.
    let patient = server.signed_in("patient@kabinet.example").await;
    let res = patient.get(format!("{}/record/export.pdf", server.base)).send().await.unwrap();
    assert_eq!(res.status(), 200);
}
