//! What an attacker types reaches people only as text, never as markup, a redirect elsewhere or
//! a failed request: titles in the page head, "next" addresses, oversized and malformed bodies.

use crate::support::{error_of, spawn_app, TestApp, PASSWORD};
use app::features::record::document_rules::MAX_FILE_BYTES;
use app::kernel::error::{AppError, Problem};
use reqwest::multipart::{Form, Part};

/// An editor's headline built to close `<title>` and open elements of its own.
const HOSTILE_TITLE: &str =
    r#"x</title><b id=t>жирный</b><meta http-equiv="refresh" content="2;url=http://evil.example/">'"&"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_news_title_reaches_the_page_head_as_text() {
    let app = spawn_app().await;
    let editor = app.signed_in("editor@kabinet.example").await;
    let res = app.rpc(&editor, "news_save", &[("title", HOSTILE_TITLE), ("body", "Текст")]).await;
    assert_eq!(res.status(), 200);
    let id: i64 = res.json().await.unwrap();
    assert_eq!(app.rpc(&editor, "news_publish", &[("id", &id.to_string())]).await.status(), 200);

    let patient = app.signed_in("patient@kabinet.example").await;
    let page = app.get(&patient, &format!("/news/{id}")).await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    let escaped = "x&lt;/title&gt;&lt;b id=t&gt;жирный&lt;/b&gt;&lt;meta http-equiv=&quot;refresh&quot; \
                   content=&quot;2;url=http://evil.example/&quot;&gt;&#39;&quot;&amp;";
    assert!(html.contains(&format!("<title>{escaped}</title>")), "the title is text: {html}");
    assert!(!html.contains("<b id=t>"), "no element from the title");
    assert!(!html.contains("<meta http-equiv"), "no refresh from the title");
    assert_eq!(html.matches("<title>").count(), 1);
    // The heading shows it as text too.
    assert!(html.contains("&lt;b id=t&gt;жирный"), "{html}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_never_sends_people_to_another_site_and_survives_a_newline() {
    let app = spawn_app().await;
    for next in ["/\n/evil.example", "/\r\n/evil.example", "/\t/evil.example", "/%09/evil.example", "/\\evil.example"] {
        // As the hydrated page calls it (JSON) and as a plain form without JavaScript.
        let c = app.client();
        let res = app
            .rpc(&c, "sign_in", &[("email", "patient@kabinet.example"), ("password", PASSWORD), ("next", next)])
            .await;
        assert_eq!(res.status(), 200, "{next:?}");
        assert_eq!(res.headers()["location"], "/", "{next:?}");
        let c = app.client();
        let res = c
            .post(format!("{}/rpc/sign_in", app.base))
            .header("Origin", &app.base)
            .header("Accept", "text/html")
            .form(&[("email", "patient@kabinet.example"), ("password", PASSWORD), ("next", next)])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 302, "{next:?}");
        assert_eq!(res.headers()["location"], "/", "{next:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_language_switch_returns_only_to_paths_on_this_site() {
    let app = spawn_app().await;
    let c = app.client();
    for (next, expected) in [
        ("/\n/evil.example", "/"),
        ("/\t/evil.example", "/"),
        ("/%2F%2Fevil.example", "/"),
        ("\\/\\/evil.example", "/"),
        ("/prices?q=%D1%83%D0%B7%D0%B8", "/prices?q=%D1%83%D0%B7%D0%B8"),
    ] {
        let res = c
            .post(format!("{}/lang", app.base))
            .header("Origin", &app.base)
            .form(&[("lang", "en"), ("next", next)])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 303, "{next:?}");
        assert_eq!(res.headers()["location"], expected, "{next:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_oversized_body_to_a_server_function_is_413_with_a_clear_message() {
    let app = spawn_app().await;
    let c = app.client();
    // Just over the 64 KiB limit (ASCII: a form encodes each Cyrillic byte as three), so that
    // what the server leaves unread when it answers fits the loopback socket's buffers: a larger
    // body could still be on its way when it closes, and the client would see a reset.
    let huge = "x".repeat(66_000);
    let res = app.rpc(&c, "sign_in", &[("email", "patient@kabinet.example"), ("password", &huge)]).await;
    assert_eq!(res.status(), 413);
    assert_eq!(error_of(res).await, AppError::TooLarge);
    // A plain form gets the sentence in its language.
    let res = c
        .post(format!("{}/rpc/sign_in", app.base))
        .header("Origin", &app.base)
        .header("Accept", "text/html")
        .form(&[("email", "patient@kabinet.example"), ("password", &huge)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 413);
    assert_eq!(res.text().await.unwrap(), app::i18n::RU.err_too_large);
    // The long texts still fit: a news item of the most characters, all Cyrillic.
    let editor = app.signed_in("editor@kabinet.example").await;
    let body = "ж".repeat(app::features::news::rules::BODY_MAX);
    let res = app.rpc(&editor, "news_save", &[("title", "Длинная новость"), ("body", &body)]).await;
    assert_eq!(res.status(), 200);
}

/// A multipart body of `parts` text fields and the given files, as the patient's upload form.
fn own_upload_form(fields: usize, field_len: usize, files: Vec<Vec<u8>>) -> Form {
    let mut form = Form::new().text("title", "Выписка").text("visit_date", "2026-01-10");
    for i in 0..fields {
        form = form.text(format!("extra_{i}"), "x".repeat(field_len));
    }
    for bytes in files {
        form = form.part("files", Part::bytes(bytes).file_name("выписка.pdf"));
    }
    form
}

fn pdf(size: usize) -> Vec<u8> {
    let mut b = b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n".to_vec();
    b.resize(size, b' ');
    b
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_patients_upload_bounds_fields_parts_and_its_whole_body() {
    let app = spawn_app().await;
    let patient = app.signed_in("patient@kabinet.example").await;
    let post = |form: Form| {
        patient
            .post(format!("{}/record/upload", app.base))
            .header("Origin", &app.base)
            .header("Accept", "application/json")
            .multipart(form)
            .send()
    };
    let res = post(own_upload_form(1, 5 << 20, vec![pdf(2048)])).await.unwrap();
    assert_eq!(error_of(res).await, AppError::field("extra_0", Problem::TooLong(64 * 1024)));
    let res = post(own_upload_form(80, 1, vec![pdf(2048)])).await.unwrap();
    assert_eq!(res.status(), 400);
    assert_eq!(error_of(res).await, AppError::BadRequest);
    // Ten files of the largest size a patient may send: over this route's own cap, well under
    // the clinic's, so the body itself is refused before the tenth file is read through.
    let res = post(own_upload_form(0, 0, vec![pdf(MAX_FILE_BYTES as usize); 10])).await.unwrap();
    assert_eq!(res.status(), 413);
    assert_eq!(error_of(res).await, AppError::TooLarge);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM document_file").await, 0, "nothing stored");
    let leftovers = std::fs::read_dir(app.files.path().join("tmp")).unwrap().count();
    assert_eq!(leftovers, 0, "no temporary file is left");
}

/// Bodies no form of ours sends: nothing, bytes that are not a form, and arguments of the wrong
/// types under the names our functions use.
const MALFORMED: [&[u8]; 4] = [
    b"",
    b"%%\xff\xfe\x00=&&==%zz",
    b"id=abc&card=x%&page=-1e99&year=\xd0&from=2&to=[]&ids[]=x&doctor=x&service=x&day=x&slot=x",
    b"{\"id\": \"not json forms\"}",
];

/// Calls every registered server function with every malformed body and asserts the answer is
/// the caller's fault in the one error shape, never a server error.
async fn every_function_refuses_malformed_input(app: &TestApp, c: &reqwest::Client, who: &str, sign_in: Option<&str>) {
    let paths: Vec<String> = leptos::server_fn::axum::server_fn_paths().map(|(p, _)| p.to_string()).collect();
    assert!(paths.len() >= 30, "{paths:?}");
    let mut bad_requests = 0;
    // Ending the session would leave the rest of the run signed out.
    for path in paths.iter().filter(|p| !["/rpc/sign_out", "/rpc/end_all_sessions"].contains(&p.as_str())) {
        for body in MALFORMED {
            let res = c
                .post(format!("{}{path}", app.base))
                .header("Origin", &app.base)
                .header("Accept", "application/json")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .body(body.to_vec())
                .send()
                .await
                .unwrap();
            let status = res.status();
            let text = res.text().await.unwrap();
            assert!(status.as_u16() < 500, "{who} {path} {:?}: {status} {text}", String::from_utf8_lossy(body));
            if status.as_u16() >= 400 {
                let e: AppError = serde_json::from_str(&text)
                    .unwrap_or_else(|e| panic!("{who} {path}: not an AppError ({e}): {status} {text}"));
                if e == AppError::BadRequest {
                    assert_eq!(status, 400, "{who} {path}");
                    bad_requests += 1;
                }
                if e == AppError::Unauthenticated {
                    if let Some(email) = sign_in {
                        app.sign_in_token(c, email).await;
                    }
                }
            }
        }
    }
    assert!(bad_requests >= 20, "{who}: {bad_requests} malformed calls answered 400");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_calls_to_every_server_function_are_the_callers_fault() {
    let app = spawn_app().await;
    every_function_refuses_malformed_input(&app, &app.client(), "stranger", None).await;
    let patient = app.signed_in("patient@kabinet.example").await;
    every_function_refuses_malformed_input(&app, &patient, "patient", Some("patient@kabinet.example")).await;
    let editor = app.signed_in("editor@kabinet.example").await;
    every_function_refuses_malformed_input(&app, &editor, "staff", Some("editor@kabinet.example")).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_server_function_is_404_in_the_one_error_shape() {
    let app = spawn_app().await;
    let patient = app.signed_in("patient@kabinet.example").await;
    let res = app.rpc(&patient, "no_such_function", &[("id", "1")]).await;
    assert_eq!(res.status(), 404);
    let text = res.text().await.unwrap();
    assert_eq!(serde_json::from_str::<AppError>(&text).unwrap(), AppError::NotFound, "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limited_answers_say_when_to_come_back() {
    let app = spawn_app().await;
    let c = app.client();
    let mut limited = None;
    for _ in 0..40 {
        let res = app.rpc(&c, "sign_in", &[("email", "doctor@kabinet.example"), ("password", "wrong-password")]).await;
        if res.status() == 429 {
            limited = Some(res);
            break;
        }
    }
    let res = limited.expect("wrong passwords are throttled");
    let after: i64 = res.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    match error_of(res).await {
        AppError::RateLimited { retry_after_secs } => assert_eq!(after, retry_after_secs.max(1)),
        other => panic!("{other:?}"),
    }
    assert!(after > 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inline_previews_are_sandboxed() {
    let app = spawn_app().await;
    let patient = app.signed_in("patient@kabinet.example").await;
    let res = patient
        .post(format!("{}/record/upload", app.base))
        .header("Origin", &app.base)
        .header("Accept", "application/json")
        .multipart(own_upload_form(0, 0, vec![pdf(4096)]))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let id = app.scalar("SELECT MAX(id) FROM document_file").await;
    let mut preview = None;
    for _ in 0..100 {
        let res = app.get(&patient, &format!("/files/{id}?inline=1")).await;
        if res.status() == 200 {
            preview = Some(res);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let res = preview.expect("the patient's own file is shown");
    let csp = res.headers()["content-security-policy"].to_str().unwrap().to_string();
    assert!(csp.split(';').any(|d| d.trim() == "sandbox"), "{csp}");
    assert!(csp.contains("frame-ancestors 'self'"), "{csp}");
    // Staff open the same upload under the same policy.
    let doctor = app.signed_in("doctor@kabinet.example").await;
    let res = app.get(&doctor, &format!("/files/{id}?inline=1")).await;
    if res.status() == 200 {
        let csp = res.headers()["content-security-policy"].to_str().unwrap();
        assert!(csp.split(';').any(|d| d.trim() == "sandbox"), "{csp}");
    }
}
