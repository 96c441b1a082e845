//! What an attacker types reaches people only as text, never as markup, a redirect elsewhere or
//! a failed request: titles in the page head, "next" addresses, oversized and malformed bodies.

use crate::support::{spawn_app, PASSWORD};

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
