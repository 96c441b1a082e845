//! Every route and server function is closed to strangers unless it is explicitly public, and
//! staff pages are closed to patients.

use crate::support::spawn_app;

const PUBLIC_RPC: [&str; 10] = [
    "/rpc/sign_in",
    "/rpc/sign_out",
    "/rpc/current_user",
    "/rpc/portal_info",
    "/rpc/request_code",
    "/rpc/set_password_with_code",
    "/rpc/demo_mailbox",
    "/rpc/verify_second_factor",
    // The welcome link's page: whoever holds the one-time token.
    "/rpc/staff_invitation",
    "/rpc/accept_staff_invite",
];
const PUBLIC_PAGES: [&str; 6] =
    ["/signin", "/signin/second-factor", "/register", "/register/code", "/demo/mail", "/welcome"];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_server_function_needs_a_session_unless_public() {
    let app = spawn_app().await;
    let c = app.client();
    let paths: Vec<_> = leptos::server_fn::axum::server_fn_paths().map(|(p, _)| p.to_string()).collect();
    assert!(paths.len() >= 10, "server functions are registered: {paths:?}");
    for path in paths.iter().filter(|p| !PUBLIC_RPC.contains(&p.as_str())) {
        let res = c
            .post(format!("{}{path}", app.base))
            .header("Accept", "application/json")
            .form(&[("id", "1")])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 401, "{path} without a session");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_sends_strangers_to_sign_in() {
    let app = spawn_app().await;
    let c = app.client();
    let routes = kabinet_server::route_list();
    let mut checked = 0;
    for route in routes {
        let path = route.path().replace(":id", "1");
        if PUBLIC_PAGES.contains(&path.as_str()) {
            continue;
        }
        let res = app.get(&c, &path).await;
        assert_eq!(res.status(), 303, "{path}");
        assert!(res.headers()["location"].to_str().unwrap().starts_with("/signin"), "{path}");
        checked += 1;
    }
    assert!(checked >= 8, "{checked} pages checked");
    // Unknown paths too.
    assert_eq!(app.get(&c, "/no/such/page").await.status(), 303);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn patients_get_forbidden_on_staff_pages_and_functions() {
    let app = spawn_app().await;
    let patient = app.signed_in("patient@kabinet.example").await;
    for path in [
        "/staff",
        "/staff/news",
        "/staff/news/new",
        "/staff/news/1",
        "/staff/news/1/edit",
        "/staff/booking",
        "/staff/schedule",
        "/staff/appointments",
        "/staff/appointments/1",
        "/staff/documents",
        "/staff/cards/1/documents",
        "/staff/cards/1/records/1",
        "/staff/modules",
    ] {
        let res = app.get(&patient, path).await;
        assert_eq!(res.status(), 403, "{path}");
        assert!(res.text().await.unwrap().contains("Доступ запрещён"), "{path}");
    }
    for (name, form) in [
        ("news_save", vec![("title", "x"), ("body", "y")]),
        ("news_publish", vec![("id", "1")]),
        ("news_withdraw", vec![("id", "1")]),
        ("news_admin_list", vec![]),
        ("news_admin_get", vec![("id", "1")]),
        ("booking_admin", vec![]),
        (
            "save_booking_settings",
            vec![
                ("online_discount_percent", "0"),
                ("max_future_per_doctor", "9"),
                ("cancel_close_hours", "0"),
                ("horizon_days", "21"),
            ],
        ),
        ("set_doctor_booking", vec![("doctor", "1"), ("online", "on"), ("degree", "")]),
        ("delete_service_link", vec![("doctor", "1"), ("service", "1")]),
        ("schedule_week", vec![("doctor", "1"), ("week", "")]),
        ("copy_schedule_week", vec![("doctor", "1"), ("week", "2026-11-23")]),
        ("day_book", vec![("doctor", "1"), ("day", "")]),
        ("appointment_history", vec![("id", "1")]),
        ("desk_reschedule", vec![("id", "1"), ("day", "2026-11-23"), ("time", "10:00")]),
        ("close_waitlist", vec![("id", "1"), ("doctor", "1"), ("day", "")]),
        ("document_card_search", vec![("query", "Иванова")]),
        ("card_documents", vec![("id", "1")]),
        ("document_resend", vec![("card", "1"), ("file", "1")]),
        ("gate_reset", vec![("card", "1")]),
        ("modules", vec![]),
        ("enable_cabinet_module", vec![]),
        (
            "protocol_save",
            vec![
                ("card", "1"),
                ("kind", "outpatient"),
                ("visit_date", "2026-01-01"),
                ("title", "x"),
                ("icd_code", ""),
                ("icd_text", ""),
                ("body", "y"),
            ],
        ),
    ] {
        let res = app.rpc(&patient, name, &form).await;
        assert_eq!(res.status(), 403, "{name}");
    }
    // A clinician is staff, but not an editor.
    let doctor = app.signed_in("doctor@kabinet.example").await;
    assert_eq!(app.get(&doctor, "/staff").await.status(), 200);
    assert_eq!(app.get(&doctor, "/staff/news").await.status(), 403);
    assert_eq!(app.get(&doctor, "/staff/appointments").await.status(), 403);
    assert_eq!(app.get(&doctor, "/staff/modules").await.status(), 403);
    assert_eq!(app.get(&doctor, "/staff/documents").await.status(), 200);
    // A registrar keeps the front desk, but does not read protocols.
    let registrar = app.signed_in("registrar@kabinet.example").await;
    assert_eq!(app.get(&registrar, "/staff/cards/1/documents").await.status(), 403);
    assert_eq!(app.rpc(&registrar, "card_documents", &[("id", "1")]).await.status(), 403);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_pages_answer_not_found_when_signed_in() {
    let app = spawn_app().await;
    let c = app.signed_in("patient@kabinet.example").await;
    let res = app.get(&c, "/no/such/page").await;
    assert_eq!(res.status(), 404);
    assert!(res.text().await.unwrap().contains("Страница не найдена"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hashed_assets_are_served_precompressed_and_cached_for_a_year() {
    let site = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(site.path().join("pkg")).unwrap();
    std::fs::write(site.path().join("pkg/kabinet.0123456789abcdef.css"), "body { color: black }").unwrap();
    std::fs::write(site.path().join("pkg/kabinet.0123456789abcdef.css.br"), b"brotli bytes").unwrap();
    std::fs::write(site.path().join("hash.txt"), "js: 1\nwasm: 2\ncss: 0123456789abcdef\n").unwrap();
    let app = crate::support::spawn_app_with_site(site.path()).await;
    let res = app
        .client()
        .get(format!("{}/pkg/kabinet.0123456789abcdef.css", app.base))
        .header("Accept-Encoding", "br")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-encoding"], "br");
    assert_eq!(res.headers()["cache-control"], "public, max-age=31536000, immutable");
    assert_eq!(res.bytes().await.unwrap().as_ref(), b"brotli bytes");
    // The page links the hashed stylesheet.
    let page = app.get(&app.client(), "/signin").await.text().await.unwrap();
    assert!(page.contains(r#"href="/pkg/kabinet.0123456789abcdef.css""#));
    // Assets need no session, and unknown ones are simply missing.
    assert_eq!(app.get(&app.client(), "/pkg/kabinet.ffff.css").await.status(), 404);
}
