//! The HTTP SMS provider against a stand-in for the gateway on loopback (axum, speaking the
//! API of SMS.RU): the form it posts, what it makes of each answer, the outbox around it
//! (refused: tried again later; accepted: sent once), the settings, and the real server sending
//! an attach code through it.

use crate::outbox::free_port;
use crate::support::{pg_db, spawn_app_with_env, sqlite_db};
use app::features::onboarding::store::NewAttachCode;
use app::kernel::outbox::{secret, REDACTED};
use app::platform::store::{Actor, AuditEntry, Channel, NewMail, OutboxMail, Store};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Form, Json, Router};
use kabinet_server::config::Settings;
use kabinet_server::mail::{drain, MailTransport};
use kabinet_server::sms::HttpSms;
use serde_json::json;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const NOW: i64 = 1_800_000_000;
const PHONE: &str = "+79161234567";
const DIGITS: &str = "79161234567";
const TEXT: &str = "Код привязки карты: 123 456 789. Никому его не сообщайте.";

/// How the stand-in answers the next requests.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    /// `status` OK for the request and for the number.
    Accept,
    /// The request OK, the number refused (status_code 207).
    RefuseNumber,
    /// The request refused (status_code 202), the text repeating the number.
    RefuseRequest,
    /// The request OK, but no status for the number.
    NoNumber,
    /// HTTP 500 with an error page that repeats the request.
    ServerError,
    /// HTTP 200 with something that is not JSON.
    Garbage,
    /// No answer for 20 seconds.
    Hang,
}

type Fields = HashMap<String, String>;

struct Inner {
    mode: Mode,
    received: Vec<Fields>,
}

/// The gateway: records each request's form fields and answers as its mode says.
struct Gateway {
    url: String,
    inner: Arc<Mutex<Inner>>,
}

impl Gateway {
    async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let inner = Arc::new(Mutex::new(Inner { mode: Mode::Accept, received: Vec::new() }));
        let router = Router::new().route("/sms/send", post(answer)).with_state(inner.clone());
        tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
        Self { url, inner }
    }

    fn set(&self, mode: Mode) {
        self.inner.lock().unwrap().mode = mode;
    }

    fn received(&self) -> Vec<Fields> {
        self.inner.lock().unwrap().received.clone()
    }
}

async fn answer(State(inner): State<Arc<Mutex<Inner>>>, Form(fields): Form<Fields>) -> Response {
    let mode = {
        let mut inner = inner.lock().unwrap();
        inner.received.push(fields.clone());
        inner.mode
    };
    let to = fields.get("to").cloned().unwrap_or_default();
    match mode {
        Mode::Accept => Json(json!({
            "status": "OK", "status_code": 100,
            "sms": { to: { "status": "OK", "status_code": 100, "sms_id": "000000-10000000" } },
            "balance": 4122.56
        }))
        .into_response(),
        Mode::RefuseNumber => Json(json!({
            "status": "OK", "status_code": 100,
            "sms": { to: {
                "status": "ERROR", "status_code": 207,
                "status_text": "На этот номер (или один из номеров) нельзя отправлять сообщения"
            } },
            "balance": 4122.56
        }))
        .into_response(),
        Mode::RefuseRequest => Json(json!({
            "status": "ERROR", "status_code": 202,
            "status_text": format!("Неправильно указан номер телефона получателя: {to}")
        }))
        .into_response(),
        Mode::NoNumber => Json(json!({ "status": "OK", "status_code": 100, "sms": {} })).into_response(),
        Mode::ServerError => {
            let msg = fields.get("msg").cloned().unwrap_or_default();
            (StatusCode::INTERNAL_SERVER_ERROR, format!("<h1>Internal error</h1><p>to={to} msg={msg}</p>"))
                .into_response()
        }
        Mode::Garbage => "<html>Сервис временно недоступен</html>".into_response(),
        Mode::Hang => {
            tokio::time::sleep(Duration::from_secs(20)).await;
            Json(json!({ "status": "OK" })).into_response()
        }
    }
}

fn text_message(body: &str) -> OutboxMail {
    OutboxMail {
        id: 1,
        channel: Channel::Sms,
        recipient: PHONE.into(),
        subject: String::new(),
        body: body.into(),
        attempts: 1,
        created_at: NOW,
        sent_at: None,
        last_error: None,
    }
}

fn fields(pairs: &[(&str, &str)]) -> Fields {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

/// A refusal's reason names the gateway's complaint and never the number or the text.
fn assert_no_personal_data(reason: &str) {
    assert!(!reason.contains("9161234567") && !reason.contains("Код") && !reason.contains("123 456"), "{reason}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sms_the_gateway_gets_the_number_and_the_text_and_its_answer_decides() {
    let gateway = Gateway::start().await;
    // A trailing slash on the base URL does not double the path's.
    let sms = HttpSms::new(&format!("{}/", gateway.url), "test-token-1", Some("Zvezda")).unwrap();
    let message = text_message(TEXT);

    // Accepted: the form carries the token, the number's digits, the UTF-8 text and json=1.
    sms.send(&message).await.expect("accepted");
    let expected =
        fields(&[("api_id", "test-token-1"), ("to", DIGITS), ("msg", TEXT), ("json", "1"), ("from", "Zvezda")]);
    assert_eq!(gateway.received(), std::slice::from_ref(&expected));
    // Without a sender name (or a blank one) there is no `from`.
    for sender in [None, Some("  ")] {
        HttpSms::new(&gateway.url, "test-token-1", sender).unwrap().send(&message).await.expect("accepted");
        let mut without_from = expected.clone();
        without_from.remove("from");
        assert_eq!(gateway.received().last(), Some(&without_from), "{sender:?}");
    }

    // The number refused: the reason names status 207 and the gateway's text.
    gateway.set(Mode::RefuseNumber);
    let reason = sms.send(&message).await.unwrap_err();
    assert!(reason.contains("207") && reason.contains("нельзя отправлять сообщения"), "{reason}");
    assert_no_personal_data(&reason);

    // The request refused: its code, and its text without the number it repeats.
    gateway.set(Mode::RefuseRequest);
    let reason = sms.send(&message).await.unwrap_err();
    assert!(reason.contains("202") && reason.contains("Неправильно указан номер"), "{reason}");
    assert_no_personal_data(&reason);

    // OK for the request but no word on the number is no success.
    gateway.set(Mode::NoNumber);
    let reason = sms.send(&message).await.unwrap_err();
    assert!(reason.contains("no status for the number"), "{reason}");

    // HTTP 500: the status, not the error page (which repeats the request).
    gateway.set(Mode::ServerError);
    let reason = sms.send(&message).await.unwrap_err();
    assert!(reason.contains("HTTP 500"), "{reason}");
    assert_no_personal_data(&reason);

    // An answer that is not JSON.
    gateway.set(Mode::Garbage);
    let reason = sms.send(&message).await.unwrap_err();
    assert!(reason.contains("not the expected JSON"), "{reason}");
    assert_no_personal_data(&reason);

    // No answer within the time limit.
    gateway.set(Mode::Hang);
    let quick =
        HttpSms::new(&gateway.url, "test-token-1", None).unwrap().with_timeout(Duration::from_millis(700)).unwrap();
    let started = Instant::now();
    let reason = quick.send(&message).await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(5), "gave up after {:?}", started.elapsed());
    assert!(reason.contains("did not answer within 0.7 s"), "{reason}");

    // Each send was one request: retrying is the outbox's job.
    assert_eq!(gateway.received().len(), 9);

    // Nobody listening.
    let nowhere = HttpSms::new(&format!("http://127.0.0.1:{}", free_port()), "test-token-1", None).unwrap();
    let reason = nowhere.send(&message).await.unwrap_err();
    assert!(reason.contains("not reached"), "{reason}");
    assert_no_personal_data(&reason);
    assert!(!reason.contains("test-token-1"), "{reason}");

    // A recipient without digits is refused before anything is sent.
    let reason = sms.send(&OutboxMail { recipient: "patient@kabinet.example".into(), ..message.clone() }).await;
    assert!(reason.is_err());
    assert_eq!(gateway.received().len(), 9);
}

/// An attach code's SMS through the real outbox: refused, then the gateway down, each time
/// tried again after the back-off with the reason kept; once accepted, sent exactly once.
async fn outbox_story(store: &dyn Store) {
    let gateway = Gateway::start().await;
    let sms = HttpSms::new(&gateway.url, "test-token-2", None).unwrap();
    let card = store.card_search("петрова мария", None, 2).await.unwrap()[0].card_id;
    let body = format!("Код привязки карты: {}", secret("123 456 789"));
    store
        .attach_code_issue(NewAttachCode {
            card_id: card,
            guardian_card_id: None,
            code_hash: "0".repeat(64),
            channel: Channel::Sms,
            message: NewMail { recipient: PHONE.into(), subject: String::new(), body },
            now: NOW,
            expires_at: NOW + 3600,
            audit: AuditEntry::by(&Actor::system("test"), NOW, "attach.code").card(card),
        })
        .await
        .unwrap();
    let row = |id: i64| async move {
        store.outbox_recent(20).await.unwrap().into_iter().find(|m| m.id == id).expect("queued")
    };
    let id = store.outbox_recent(20).await.unwrap().into_iter().find(|m| m.channel == Channel::Sms).expect("an SMS").id;

    // Not an e-mail: the mail worker leaves it alone.
    assert_eq!(drain(store, Channel::Email, &sms, NOW).await.unwrap(), 0);
    assert!(gateway.received().is_empty());

    // Refused for the number: not sent, the gateway's reason kept, tried again later.
    gateway.set(Mode::RefuseNumber);
    assert_eq!(drain(store, Channel::Sms, &sms, NOW).await.unwrap(), 0);
    let refused = row(id).await;
    assert_eq!((refused.attempts, refused.sent_at), (1, None));
    let reason = refused.last_error.expect("the reason");
    assert!(reason.contains("207"), "{reason}");
    assert_no_personal_data(&reason);
    assert_eq!(gateway.received().len(), 1);
    assert_eq!(drain(store, Channel::Sms, &sms, NOW + 10).await.unwrap(), 0);
    assert_eq!(gateway.received().len(), 1, "backing off, not hammering");

    // The gateway fails: again not sent, after the first back-off (30 s).
    gateway.set(Mode::ServerError);
    assert_eq!(drain(store, Channel::Sms, &sms, NOW + 31).await.unwrap(), 0);
    let failed = row(id).await;
    assert_eq!((failed.attempts, failed.sent_at), (2, None));
    assert!(failed.last_error.as_deref().is_some_and(|e| e.contains("HTTP 500")), "{failed:?}");
    assert_eq!(gateway.received().len(), 2);

    // Accepted after the second back-off (60 s): sent once, with the code, and never again.
    gateway.set(Mode::Accept);
    assert_eq!(drain(store, Channel::Sms, &sms, NOW + 80).await.unwrap(), 0, "still backing off");
    assert_eq!(drain(store, Channel::Sms, &sms, NOW + 92).await.unwrap(), 1);
    assert_eq!(drain(store, Channel::Sms, &sms, NOW + 5000).await.unwrap(), 0, "nothing is sent twice");
    let received = gateway.received();
    assert_eq!(received.len(), 3, "{received:?}");
    assert_eq!(
        received[2],
        fields(&[
            ("api_id", "test-token-2"),
            ("to", DIGITS),
            ("msg", "Код привязки карты: 123 456 789"),
            ("json", "1")
        ])
    );
    let sent = row(id).await;
    assert_eq!((sent.sent_at, sent.last_error), (Some(NOW + 92), None));
    assert_eq!(sent.body, format!("Код привязки карты: {REDACTED}"), "the code left with the SMS, not kept");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sms_refused_by_the_gateway_is_retried_and_sent_once_on_sqlite() {
    let db = sqlite_db();
    let store = crate::store::seeded(&db.url).await;
    outbox_story(&*store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sms_refused_by_the_gateway_is_retried_and_sent_once_on_postgres() {
    if let Some(db) = pg_db().await {
        let store = crate::store::seeded(&db.url).await;
        outbox_story(&*store).await;
    }
}

fn settings(pairs: &[(&str, &str)]) -> anyhow::Result<Settings> {
    let map: HashMap<String, String> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    Settings::from_lookup(|k| map.get(k).cloned())
}

#[test]
fn sms_gateway_settings_need_a_token_and_keep_it_secret() {
    assert!(settings(&[]).unwrap().sms_gateway.is_none(), "the development provider by default");
    let s = settings(&[
        ("KABINET_SMS_URL", "https://sms.ru/"),
        ("KABINET_SMS_TOKEN", " 0A1B2C3D-SECRET "),
        ("KABINET_SMS_FROM", "Zvezda"),
    ])
    .unwrap();
    let gateway = s.sms_gateway.as_ref().expect("configured");
    assert_eq!(
        (gateway.url.as_str(), gateway.token.as_str(), gateway.from.as_deref()),
        ("https://sms.ru", "0A1B2C3D-SECRET", Some("Zvezda"))
    );
    assert!(!format!("{s:?}").contains("SECRET"), "{s:?}");
    let s = settings(&[("KABINET_SMS_URL", "https://sms.ru"), ("KABINET_SMS_TOKEN", "t")]).unwrap();
    assert_eq!(s.sms_gateway.unwrap().from, None);

    for refused in [
        vec![("KABINET_SMS_URL", "https://sms.ru")],
        vec![("KABINET_SMS_URL", "https://sms.ru"), ("KABINET_SMS_TOKEN", "  ")],
    ] {
        let e = settings(&refused).unwrap_err().to_string();
        assert!(e.contains("KABINET_SMS_TOKEN"), "{refused:?}: {e}");
    }
    let e = settings(&[("KABINET_SMS_URL", "sms.ru"), ("KABINET_SMS_TOKEN", "t")]).unwrap_err().to_string();
    assert!(e.contains("KABINET_SMS_URL"), "{e}");
    // A token or a sender name without the gateway is a mistake, not the development provider.
    for stray in [("KABINET_SMS_TOKEN", "0A1B2C3D-SECRET"), ("KABINET_SMS_FROM", "Zvezda")] {
        let e = settings(&[stray]).unwrap_err().to_string();
        assert!(e.contains("KABINET_SMS_URL") && !e.contains("SECRET"), "{e}");
    }
}

/// The real server with the gateway configured: the front desk issues an attach code, the SMS
/// worker posts it to the gateway, the outbox keeps no code, and the code works.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sms_an_attach_code_goes_out_through_the_configured_gateway() {
    let gateway = Gateway::start().await;
    let app = spawn_app_with_env(&[
        ("KABINET_SMS_URL", &gateway.url),
        ("KABINET_SMS_TOKEN", "test-token-3"),
        ("KABINET_SMS_FROM", "Zvezda"),
    ])
    .await;
    let desk = app.signed_in("registrar@kabinet.example").await;
    let res = app
        .rpc(
            &desk,
            "card_create",
            &[
                ("surname", "Иванов"),
                ("name", "Тест"),
                ("patronymic", ""),
                ("birth_date", "2019-03-01"),
                ("sex", "male"),
                ("phone", ""),
                ("email", ""),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    let child: i64 = res.json().await.unwrap();
    let mother = app.store.card_search("иванова анна", None, 1).await.unwrap()[0].card_id;
    let res = app
        .rpc(
            &desk,
            "issue_attach_code",
            &[("id", &child.to_string()), ("recipient", "guardian"), ("guardian_card", &mother.to_string())],
        )
        .await;
    assert_eq!(res.status(), 200);

    // The worker drains every two seconds.
    let deadline = Instant::now() + Duration::from_secs(15);
    while gateway.received().is_empty() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let received = gateway.received();
    assert_eq!(received.len(), 1, "{received:?}");
    let form = &received[0];
    assert_eq!([&form["api_id"], &form["to"], &form["json"], &form["from"]], ["test-token-3", DIGITS, "1", "Zvezda"]);
    let code: String = form["msg"].chars().filter(char::is_ascii_digit).take(9).collect();
    assert_eq!(code.len(), 9, "{}", form["msg"]);

    // Marked sent, without the code.
    let deadline = Instant::now() + Duration::from_secs(5);
    let row = loop {
        let row = app.store.outbox_recent(50).await.unwrap().into_iter().find(|m| m.recipient == PHONE).unwrap();
        if row.sent_at.is_some() || Instant::now() > deadline {
            break row;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(row.sent_at.is_some(), "{row:?}");
    let kept: String = row.body.chars().filter(char::is_ascii_digit).collect();
    assert!(!kept.contains(&code) && row.body.contains(REDACTED), "{}", row.body);

    // The code the gateway got attaches the card.
    let mother_c = app.signed_in("patient@kabinet.example").await;
    assert_eq!(app.rpc(&mother_c, "attach_card", &[("code", &code)]).await.status(), 200);
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(gateway.received().len(), 1, "sent once");
}
