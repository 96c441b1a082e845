//! The real server over HTTP: sign-in, sessions, headers, news, prices, language, profiles.

use crate::support::{spawn_app, PASSWORD};
use app::kernel::account::ActorRole;
use app::kernel::error::AppError;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_and_readiness_answer() {
    let app = spawn_app().await;
    let c = app.client();
    assert_eq!(app.get(&c, "/healthz").await.status(), 200);
    assert_eq!(app.get(&c, "/readyz").await.status(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_page_is_russian_with_security_headers() {
    let app = spawn_app().await;
    let res = app.get(&app.client(), "/signin").await;
    assert_eq!(res.status(), 200);
    let h = res.headers().clone();
    let csp = h["content-security-policy"].to_str().unwrap().to_string();
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(csp.contains("script-src 'self' 'nonce-"), "{csp}");
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["referrer-policy"], "same-origin");
    assert_eq!(h["cache-control"], "no-store");
    let body = res.text().await.unwrap();
    assert!(body.contains(r#"<html lang="ru""#));
    assert!(body.contains("Вход в личный кабинет"));
    assert!(body.contains(r#"<label for="email">Электронная почта</label>"#));
    // The nonce in the header is the one on the inline script.
    let nonce = csp.split("'nonce-").nth(1).unwrap().split('\'').next().unwrap();
    assert!(body.contains(&format!(r#"nonce="{nonce}""#)), "inline scripts carry the nonce");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn session_cookie_is_http_only_and_same_site() {
    let app = spawn_app().await;
    let c = app.client();
    let res = app.rpc(&c, "sign_in", &[("email", "patient@kabinet.example"), ("password", PASSWORD)]).await;
    assert_eq!(res.status(), 200);
    let cookie = res.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(cookie.starts_with("kabinet_session="), "{cookie}");
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/"), "{cookie}");
    let news = app.get(&c, "/news").await;
    assert_eq!(news.status(), 200);
    let body = news.text().await.unwrap();
    assert!(body.contains("График работы в праздничные дни"), "signed in, the news list shows");
    assert!(body.contains("Анна Иванова"), "the header greets the patient");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_sign_ins_look_the_same_whatever_was_wrong() {
    let app = spawn_app().await;
    let c = app.client();
    let wrong_password =
        app.rpc(&c, "sign_in", &[("email", "patient@kabinet.example"), ("password", "nope-nope")]).await;
    let (s1, b1) = (wrong_password.status(), wrong_password.text().await.unwrap());
    let unknown = app.rpc(&c, "sign_in", &[("email", "stranger@kabinet.example"), ("password", "nope-nope")]).await;
    let (s2, b2) = (unknown.status(), unknown.text().await.unwrap());
    assert_eq!((s1.as_u16(), &b1), (s2.as_u16(), &b2));
    assert_eq!(s1, 401);
    assert_eq!(serde_json::from_str::<AppError>(&b1).unwrap(), AppError::SignInFailed);
}

async fn sign_in_as(app: &crate::support::TestApp, c: &reqwest::Client, email: &str, password: &str) -> (u16, i64) {
    let res = app.rpc(c, "sign_in", &[("email", email), ("password", password)]).await;
    let status = res.status().as_u16();
    let wait = match status {
        429 => match serde_json::from_str::<AppError>(&res.text().await.unwrap()).unwrap() {
            AppError::RateLimited { retry_after_secs } => retry_after_secs,
            other => panic!("{other:?}"),
        },
        _ => 0,
    };
    (status, wait)
}

const SLOWED_SUBJECT: &str = "Неудачные попытки входа в личный кабинет";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn repeated_failures_slow_sign_in_for_that_email_and_tell_the_owner_once() {
    let app = spawn_app().await;
    let c = app.client();
    let doctor = "doctor@kabinet.example";
    for _ in 0..4 {
        assert_eq!(sign_in_as(&app, &c, doctor, "wrong-password").await, (401, 0));
    }
    assert_eq!(sign_in_as(&app, &c, doctor, "wrong-password").await, (429, 1), "the fifth makes the next wait 1 s");
    // Within the pause even the right password waits.
    assert_eq!(sign_in_as(&app, &c, doctor, PASSWORD).await, (429, 1));
    app.clock.advance(1);
    // Each further failure doubles the pause.
    for expected in [2, 4, 8, 16] {
        assert_eq!(sign_in_as(&app, &c, doctor, "wrong-password").await, (429, expected));
        app.clock.advance(expected);
    }
    // After the pause the right password works: no lock an attacker could impose.
    assert_eq!(sign_in_as(&app, &c, doctor, PASSWORD).await.0, 200);
    let notices: Vec<_> = app
        .store
        .outbox_recent(50)
        .await
        .unwrap()
        .into_iter()
        .filter(|m| m.recipient == doctor && m.subject == SLOWED_SUBJECT)
        .collect();
    assert_eq!(notices.len(), 1, "the owner is told once per episode");
    assert!(notices[0].body.contains("Регистрация пациента, смена пароля"), "{}", notices[0].body);
    // The success ended the episode: the count starts again.
    assert_eq!(sign_in_as(&app, &c, doctor, "wrong-password").await, (401, 0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_pause_never_grows_past_a_quarter_hour_and_unknown_emails_get_no_mail() {
    let app = spawn_app().await;
    let c = app.client();
    let doctor = "doctor@kabinet.example";
    let mut waits = Vec::new();
    for _ in 0..16 {
        let (status, wait) = sign_in_as(&app, &c, doctor, "wrong-password").await;
        assert!(status == 401 || status == 429);
        waits.push(wait);
        // Past the per-address window, so that only the per-account pause is at work.
        app.clock.advance(wait.max(1) + 15 * 60);
    }
    assert_eq!(waits, [0, 0, 0, 0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900]);
    assert_eq!(sign_in_as(&app, &c, doctor, PASSWORD).await.0, 200, "the owner still gets in");
    for _ in 0..6 {
        sign_in_as(&app, &c, "stranger@kabinet.example", "wrong-password").await;
        app.clock.advance(20);
    }
    let mails = app.store.outbox_recent(50).await.unwrap();
    assert!(mails.iter().all(|m| m.recipient != "stranger@kabinet.example"), "no account, no mail");
    assert_eq!(mails.iter().filter(|m| m.subject == SLOWED_SUBJECT).count(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slowed_account_can_still_set_a_new_password_by_email() {
    let app = spawn_app().await;
    let c = app.client();
    let patient = "patient@kabinet.example";
    for _ in 0..8 {
        sign_in_as(&app, &c, patient, "wrong-password").await;
    }
    assert_eq!(sign_in_as(&app, &c, patient, PASSWORD).await.0, 429, "paused now");
    let form = [("email", patient), ("surname", "Иванова"), ("name", "Анна"), ("birth_date", "1985-04-12")];
    assert_eq!(app.rpc(&c, "request_code", &form).await.status(), 200);
    let mail = app
        .store
        .outbox_recent(20)
        .await
        .unwrap()
        .into_iter()
        .find(|m| m.recipient == patient && m.subject.contains("Проверочный код"))
        .expect("the code e-mail");
    let line = mail.body.lines().find(|l| l.contains("код:")).unwrap();
    let code = line.rsplit(' ').next().unwrap().trim().to_string();
    let new_password = "violet heron under the bridge";
    let res = app
        .rpc(
            &c,
            "set_password_with_code",
            &[("email", patient), ("code", &code), ("password", new_password), ("password_again", new_password)],
        )
        .await;
    assert_eq!(res.status(), 200, "the reset is not held back by the sign-in pause");
    assert_eq!(sign_in_as(&app, &app.client(), patient, new_password).await.0, 200, "and the pause is over");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_out_ends_the_session_on_the_server() {
    let app = spawn_app().await;
    let c = app.signed_in("patient@kabinet.example").await;
    assert_eq!(app.get(&c, "/prices").await.status(), 200);
    let res = app.rpc(&c, "sign_out", &[]).await;
    assert_eq!(res.status(), 200);
    assert!(res.headers()["set-cookie"].to_str().unwrap().contains("Max-Age=0"));
    let after = app.get(&c, "/prices").await;
    assert_eq!(after.status(), 303);
    assert_eq!(after.headers()["location"], "/signin?next=/prices");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_in_again_replaces_the_old_session() {
    let app = spawn_app().await;
    let c = app.client();
    let first = app.sign_in_token(&c, "patient@kabinet.example").await;
    let second = app.sign_in_token(&c, "patient@kabinet.example").await;
    assert_ne!(first, second, "a new token at every sign-in");
    let res = app
        .client()
        .get(format!("{}/news", app.base))
        .header("Cookie", format!("kabinet_session={first}"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303, "the replaced session no longer works");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_sessions_expire() {
    let app = spawn_app().await;
    let c = app.signed_in("patient@kabinet.example").await;
    app.clock.advance(31 * 60);
    assert_eq!(app.get(&c, "/news").await.status(), 303);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cross_site_posts_are_refused() {
    let app = spawn_app().await;
    let c = app.client();
    let res = c
        .post(format!("{}/rpc/sign_in", app.base))
        .header("Origin", "https://evil.example")
        .form(&[("email", "patient@kabinet.example"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    let res = c
        .post(format!("{}/lang", app.base))
        .header("Sec-Fetch-Site", "cross-site")
        .form(&[("lang", "en")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn language_switch_is_remembered() {
    let app = spawn_app().await;
    let c = app.client();
    let res = c
        .post(format!("{}/lang", app.base))
        .header("Origin", &app.base)
        .form(&[("lang", "en"), ("next", "/signin")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/signin");
    assert!(res.headers()["set-cookie"].to_str().unwrap().contains("Max-Age=31536000"));
    let body = app.get(&c, "/signin").await.text().await.unwrap();
    assert!(body.contains(r#"<html lang="en""#));
    assert!(body.contains("Sign in to the patient cabinet"));
    // An outside address is never followed.
    let res = c
        .post(format!("{}/lang", app.base))
        .header("Origin", &app.base)
        .form(&[("lang", "ru"), ("next", "https://evil.example/")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["location"], "/");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn editor_publishes_news_that_patients_then_read_safely() {
    let app = spawn_app().await;
    let editor = app.signed_in("editor@kabinet.example").await;
    let patient = app.signed_in("patient@kabinet.example").await;
    let body =
        "Приём **с 8:00**.\n\n<script>alert('x')</script>\n\nТекст <img src=x onerror=alert(1)> и [ссылка](javascript:alert(1))";
    let res = app.rpc(&editor, "news_save", &[("title", "Новый график"), ("body", body)]).await;
    assert_eq!(res.status(), 200);
    let id: i64 = res.json().await.unwrap();

    assert_eq!(app.get(&patient, &format!("/news/{id}")).await.status(), 404, "a draft is not public");
    let draft_rpc = app.rpc(&patient, "get_news_article", &[("id", &id.to_string())]).await;
    assert_eq!(draft_rpc.status(), 404);

    let res = app.rpc(&editor, "news_publish", &[("id", &id.to_string())]).await;
    assert_eq!(res.status(), 200);
    let page = app.get(&patient, &format!("/news/{id}")).await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("<strong>с 8:00</strong>"));
    assert!(!html.contains("<script>alert"), "raw script is escaped");
    assert!(!html.contains("<img src=x"), "raw tags are escaped");
    assert!(!html.contains("href=\"javascript"), "unsafe link schemes are dropped");
    assert!(html.contains(r##"<a href="#">ссылка</a>"##));
    assert!(app.get(&patient, "/news").await.text().await.unwrap().contains("Новый график"));

    let res = app.rpc(&editor, "news_withdraw", &[("id", &id.to_string())]).await;
    assert_eq!(res.status(), 200);
    assert_eq!(app.get(&patient, &format!("/news/{id}")).await.status(), 404, "withdrawn");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scheduled_news_appears_at_its_time() {
    let app = spawn_app().await;
    let editor = app.signed_in("editor@kabinet.example").await;
    let id: i64 = app.rpc(&editor, "news_save", &[("title", "Завтра"), ("body", "Текст")]).await.json().await.unwrap();
    let at = app::kernel::time_fmt::to_input_value(app.clock.now() + 2 * 3600, 180);
    let res = app.rpc(&editor, "news_publish", &[("id", &id.to_string()), ("publish_at", &at)]).await;
    assert_eq!(res.status(), 200);
    let bad = app.rpc(&editor, "news_publish", &[("id", &id.to_string()), ("publish_at", "завтра")]).await;
    assert_eq!(bad.status(), 422);
    let patient = app.signed_in("patient@kabinet.example").await;
    assert_eq!(app.get(&patient, &format!("/news/{id}")).await.status(), 404);
    app.clock.advance(2 * 3600 + 60);
    let patient = app.signed_in("patient@kabinet.example").await;
    assert_eq!(app.get(&patient, &format!("/news/{id}")).await.status(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn news_input_is_validated_with_field_errors() {
    let app = spawn_app().await;
    let editor = app.signed_in("editor@kabinet.example").await;
    let res = app.rpc(&editor, "news_save", &[("title", "  "), ("body", "текст")]).await;
    assert_eq!(res.status(), 422);
    let err: AppError = res.json().await.unwrap();
    assert_eq!(err.field_message("title", &app::i18n::RU).as_deref(), Some("Заполните это поле."));
    assert_eq!(app.store.news_all().await.unwrap().len(), 4, "nothing stored");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prices_offer_only_the_plans_shown_in_the_cabinet() {
    let app = spawn_app().await;
    let c = app.signed_in("patient@kabinet.example").await;
    let html = app
        .get(&c, "/prices?q=%D1%89%D0%B8%D1%82%D0%BE%D0%B2%D0%B8%D0%B4%D0%BD%D0%BE%D0%B9")
        .await
        .text()
        .await
        .unwrap();
    // Every row is sent (the island filters them in place as the patient types); those the
    // query does not match are hidden on the server, so the search works without JavaScript.
    let row_of = |service: &str| {
        let cell = html.find(&format!(">{service}</td>")).unwrap_or_else(|| panic!("{service} is sent"));
        let start = html[..cell].rfind("<tr").unwrap();
        html[start..html[start..].find('>').unwrap() + start + 1].to_string()
    };
    assert_eq!(row_of("Ультразвуковое исследование щитовидной железы"), "<tr>", "a matching row shows");
    assert!(row_of("Эхокардиография").starts_with("<tr hidden"), "a row the search does not match is hidden");
    assert!(html.contains(r#"id="price-nothing""#), "the nothing-found line is there for the island");
    assert!(html.contains("ДМС") && !html.contains("Корпоративный"));
    let plans = app.store.cabinet_tariff_plans().await.unwrap();
    let hidden = plans.iter().map(|p| p.id).max().unwrap() + 1;
    let res = app.rpc(&c, "get_price_list", &[("plan_id", &hidden.to_string())]).await;
    assert_eq!(res.status(), 404, "a plan hidden from the cabinet is refused");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn guardian_switches_to_the_ward_and_it_is_journalled() {
    let app = spawn_app().await;
    let c = app.signed_in("guardian@kabinet.example").await;
    let me: Option<app::kernel::account::Me> = app.rpc(&c, "current_user", &[]).await.json().await.unwrap();
    let me = me.unwrap();
    assert_eq!(me.profiles.len(), 3, "his own and his two children's");
    let ward = me.profiles.iter().find(|p| p.is_ward).unwrap().clone();
    assert_eq!(ward.name, "Петрова Мария Дмитриевна");

    let res = app.rpc(&c, "switch_profile", &[("card_id", &ward.card_id.to_string())]).await;
    assert_eq!(res.status(), 200);
    let me: Option<app::kernel::account::Me> = app.rpc(&c, "current_user", &[]).await.json().await.unwrap();
    assert_eq!(me.unwrap().active_card_id, Some(ward.card_id));
    let journal = app.store.audit_for_card(ward.card_id).await.unwrap();
    assert_eq!(journal[0].action, "card.open");
    assert_eq!(journal[0].actor_role, ActorRole::Guardian);

    // Another family's card: the same answer as a card that does not exist.
    let patient = app.signed_in("patient@kabinet.example").await;
    let theirs: Option<app::kernel::account::Me> = app.rpc(&patient, "current_user", &[]).await.json().await.unwrap();
    let other = theirs.unwrap().profiles[0].card_id;
    let res = app.rpc(&c, "switch_profile", &[("card_id", &other.to_string())]).await;
    assert_eq!(res.status(), 404);
    let res = app.rpc(&c, "switch_profile", &[("card_id", "987654")]).await;
    assert_eq!(res.status(), 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_are_compressed_for_browsers_that_accept_it() {
    let app = spawn_app().await;
    let res =
        app.client().get(format!("{}/signin", app.base)).header("Accept-Encoding", "br, gzip").send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-encoding"], "br");
    let res = app.client().get(format!("{}/signin", app.base)).header("Accept-Encoding", "gzip").send().await.unwrap();
    assert_eq!(res.headers()["content-encoding"], "gzip");
}
