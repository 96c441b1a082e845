//! `kabinet backup` and `kabinet restore`, as an installer runs them: the built binary on the
//! default relative paths (data/kabinet.db, data/files, data/secret.key). A demo clinic whose
//! patient added a document is backed up while the portal runs, restored onto an empty
//! installation in another folder (the key file carried apart, as README "Secret key" asks), and
//! the patient signs in there to find the record, the file's very bytes and the appointments.

use crate::binary::{free_port, kabinet, run, Server};
use app::features::record::rules::{RecordDetail, RecordList};
use reqwest::multipart::{Form, Part};
use std::path::Path;
use std::time::{Duration, Instant};

async fn serve(dir: &Path, port: u16) -> Server {
    crate::binary::serve(kabinet(dir, port), port).await
}

async fn patient(port: u16) -> reqwest::Client {
    let c = reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let res = c
        .post(format!("http://127.0.0.1:{port}/rpc/sign_in"))
        .header("Origin", format!("http://127.0.0.1:{port}"))
        .header("Accept", "application/json")
        .form(&[("email", "patient@kabinet.example"), ("password", kabinet_server::demo::PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    c
}

async fn rpc<T: serde::de::DeserializeOwned>(c: &reqwest::Client, port: u16, name: &str, form: &[(&str, &str)]) -> T {
    let res = c
        .post(format!("http://127.0.0.1:{port}/rpc/{name}"))
        .header("Origin", format!("http://127.0.0.1:{port}"))
        .header("Accept", "application/json")
        .form(form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "{name}");
    res.json().await.unwrap()
}

/// The patient's own documents and the first one's file (id, bytes).
async fn own_document(c: &reqwest::Client, port: u16) -> (RecordList, Vec<u8>) {
    let form = [("kind", "patient"), ("from", ""), ("to", ""), ("doctor", ""), ("q", "резервной"), ("page", "")];
    let list: RecordList = rpc(c, port, "record_list", &form).await;
    let id = list.items.first().expect("the patient's document").id.to_string();
    let detail: RecordDetail = rpc(c, port, "record_get", &[("id", &id)]).await;
    let file = detail.files.expect("files").files[0].id;
    let bytes = c.get(format!("http://127.0.0.1:{port}/files/{file}")).send().await.unwrap().bytes().await.unwrap();
    (list, bytes.to_vec())
}

/// Books the first free time of the first doctor with one, as the patient.
async fn book_something(c: &reqwest::Client, port: u16) {
    use app::features::booking::rules::{format_hhmm, BookingView};
    let view = |doctor: String, service: String, day: String| async move {
        let form = [
            ("specialty", String::new()),
            ("doctor", doctor),
            ("service", service),
            ("day", day),
            ("reschedule", String::new()),
        ];
        let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        rpc::<BookingView>(c, port, "booking_view", &form).await
    };
    let all = view(String::new(), String::new(), String::new()).await;
    for d in &all.doctors {
        let first = view(d.id.to_string(), String::new(), String::new()).await;
        let service = first.services.first().map(|s| s.service_id.to_string()).unwrap_or_default();
        let with = view(d.id.to_string(), service.clone(), String::new()).await;
        let Some(day) = with.days.iter().find(|x| x.free > 0) else { continue };
        let day = day.day.to_string();
        let slots = view(d.id.to_string(), service.clone(), day.clone()).await.slots;
        let Some(time) = slots.first() else { continue };
        let form = [("doctor", d.id.to_string()), ("service", service), ("day", day), ("time", format_hhmm(*time))];
        let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let _: i64 = rpc(c, port, "book_appointment", &form).await;
        return;
    }
    panic!("no free time in the demo");
}

async fn count(db: &Path, sql: &str) -> i64 {
    crate::store::scalar(&format!("sqlite:{}", db.display()), sql).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_while_serving_restores_onto_an_empty_installation_whole() {
    let (old, new, backups) =
        (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let port = free_port();
    assert_eq!(run(kabinet(old.path(), port).arg("demo")).0, 0);
    let server = serve(old.path(), port).await;
    let c = patient(port).await;
    let pdf = {
        let mut b = b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n".to_vec();
        b.extend((0..5_000u32).flat_map(|i| i.to_le_bytes()));
        b
    };
    let res = c
        .post(format!("http://127.0.0.1:{port}/record/upload"))
        .header("Origin", format!("http://127.0.0.1:{port}"))
        .header("Accept", "application/json")
        .multipart(
            Form::new()
                .text("title", "Выписка до резервной копии")
                .text("visit_date", "2026-11-20")
                .part("files", Part::bytes(pdf.clone()).file_name("выписка.pdf")),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let started = Instant::now();
    let (before, bytes) = loop {
        let (list, bytes) = own_document(&c, port).await;
        if bytes == pdf {
            break (list, bytes);
        }
        assert!(started.elapsed() < Duration::from_secs(60), "the file is delivered");
        tokio::time::sleep(Duration::from_millis(200)).await;
    };

    book_something(&c, port).await;

    // Taken while the portal runs.
    let dir = backups.path().join("2026-12-04");
    let (code, out, err) = run(kabinet(old.path(), port).arg("backup").arg(&dir));
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("Backup written to") && out.contains("not included: keep data/secret.key apart"), "{out}");
    for part in ["kabinet.db", "files", "manifest.json"] {
        assert!(dir.join(part).exists(), "{part}");
    }
    assert!(!dir.join("secret.key").exists(), "the key is kept apart from database backups");
    let (code, _, err) = run(kabinet(old.path(), port).arg("backup").arg(&dir));
    assert_eq!(code, 1, "not over an earlier backup");
    assert!(err.contains("not empty") && !err.contains("panicked"), "{err}");
    let appointments = count(&old.path().join("data/kabinet.db"), "SELECT COUNT(*) FROM appointment").await;
    assert!(appointments > 0);
    drop(server);

    // Restored elsewhere, the key put there apart; not over a clinic.
    std::fs::create_dir_all(new.path().join("data")).unwrap();
    std::fs::copy(old.path().join("data/secret.key"), new.path().join("data/secret.key")).unwrap();
    let (code, out, err) = run(kabinet(new.path(), port).arg("restore").arg(&dir));
    assert_eq!(code, 0, "{out}{err}");
    let (code, _, err) = run(kabinet(new.path(), port).arg("restore").arg(&dir));
    assert_eq!(code, 1);
    assert!(err.contains("already holds a clinic"), "{err}");
    let (code, _, err) = run(kabinet(new.path(), port).arg("restore").arg(backups.path()));
    assert_eq!(code, 1);
    assert!(err.contains("no Kabinet backup"), "{err}");
    assert_eq!(count(&new.path().join("data/kabinet.db"), "SELECT COUNT(*) FROM appointment").await, appointments);

    let port = free_port();
    let _server = serve(new.path(), port).await;
    let c = patient(port).await;
    let (after, restored) = own_document(&c, port).await;
    assert_eq!(after.items, before.items, "the same record");
    assert_eq!(restored, bytes, "the file's very bytes");
}
