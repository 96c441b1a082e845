//! «Какие вкладки показывать»: the head hides tabs of the patient's cabinet; the navigation
//! leaves them out, their pages lead to the first tab still shown, the change is journalled,
//! and a form without the tabs' boxes leaves them as they are.

use crate::support::spawn_app;

/// Whether the checkbox `name` on the page is ticked.
fn ticked(page: &str, name: &str) -> bool {
    let at = page.find(&format!(r#"name="{name}""#)).unwrap_or_else(|| panic!("no box {name}"));
    let start = page[..at].rfind('<').unwrap();
    let end = at + page[at..].find('>').unwrap();
    page[start..end].contains("checked")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_head_hides_tabs_and_their_pages_lead_to_the_first_shown() {
    let app = spawn_app().await;
    let head = app.signed_in("head@kabinet.example").await;
    let page = app.get(&head, "/staff/clinic").await.text().await.unwrap();
    for label in ["Какие вкладки показывать в личном кабинете", "Медкарта", "Запись к врачу", "Цены", "Новости"]
    {
        assert!(page.contains(label), "{label}");
    }
    assert!(ticked(&page, "tab_news") && ticked(&page, "tab_record"), "every tab shown by default");
    assert!(page.contains(r#"href="/account#second-factor""#) && page.contains(r#"href="/staff/modules""#));

    let patient = app.signed_in("patient@kabinet.example").await;
    let nav = app.get(&patient, "/record").await.text().await.unwrap();
    assert!(nav.contains(r#"href="/news""#) && nav.contains(r#"href="/booking""#));

    // News and booking hidden: the record, prices stay (a plain form post, as without JS).
    let settings = [
        ("attach_code_ttl_hours", "72"),
        ("contact_priority", "phone"),
        ("protocol_edit_hours", "24"),
        ("tabs", "on"),
        ("tab_record", "on"),
        ("tab_prices", "on"),
    ];
    assert_eq!(app.rpc(&head, "save_clinic_settings", &settings).await.status(), 200);
    let nav = app.get(&patient, "/record").await.text().await.unwrap();
    assert!(!nav.contains(r#"href="/news""#) && !nav.contains(r#"href="/booking""#), "left out of the navigation");
    assert!(!nav.contains(r#"href="/appointments""#), "the appointments belong to the booking tab");
    assert!(nav.contains(r#"href="/prices""#) && nav.contains(r#"href="/record""#));
    for hidden in ["/news", "/news/1", "/booking", "/appointments"] {
        let res = app.get(&patient, hidden).await;
        assert_eq!(res.status(), 303, "{hidden}");
        assert_eq!(res.headers()["location"], "/record", "{hidden}");
    }
    assert_eq!(app.get(&patient, "/prices").await.status(), 200);
    // The head has no card: not led to the record (which would refuse), but to the first tab
    // that works without one.
    let res = app.get(&head, "/news").await;
    assert_eq!(res.headers()["location"], "/prices", "a staff member without a card");
    assert_eq!(app.get(&head, "/staff/news").await.status(), 200, "the staff area is never hidden");
    let page = app.get(&head, "/staff/clinic").await.text().await.unwrap();
    assert!(!ticked(&page, "tab_news") && ticked(&page, "tab_prices"), "the boxes say what is shown");
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'clinic.settings' AND detail = 'hidden_tabs: — → booking,news'")
            .await,
        1
    );

    // A form without the tabs' boxes (an older client) leaves them hidden.
    let without = [("attach_code_ttl_hours", "48"), ("contact_priority", "phone"), ("protocol_edit_hours", "24")];
    assert_eq!(app.rpc(&head, "save_clinic_settings", &without).await.status(), 200);
    assert_eq!(app.get(&patient, "/news").await.status(), 303);

    // Every tab hidden: the account page is what is left.
    let none =
        [("attach_code_ttl_hours", "48"), ("contact_priority", "phone"), ("protocol_edit_hours", "24"), ("tabs", "on")];
    assert_eq!(app.rpc(&head, "save_clinic_settings", &none).await.status(), 200);
    assert_eq!(app.get(&patient, "/record").await.headers()["location"], "/account");
    assert_eq!(app.get(&patient, "/account").await.status(), 200);
    assert_eq!(app.get(&head, "/news").await.headers()["location"], "/staff", "staff: the staff area");

    // Only the head sets them.
    let desk = app.signed_in("registrar@kabinet.example").await;
    assert_eq!(app.rpc(&desk, "save_clinic_settings", &settings).await.status(), 403);
}
