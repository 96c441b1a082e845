//! A clinic from nothing, as its installer meets it: the built binary on an empty database (no
//! `demo`), `kabinet create-head` printing and mailing (real SMTP on loopback) a one-time link,
//! the head setting a password with it and signing in; the command line's usage and refusals.
//!
//! Child processes, as in `newcomer.rs`: the binary is what the installer runs.

use crate::binary::{free_port, run};
use crate::outbox::{body_of, SmtpSink};
use std::path::Path;
use std::process::Command;

/// `kabinet` on a database in `dir`, mailing through `smtp` when given.
fn kabinet(dir: &Path, port: u16, smtp: Option<u16>) -> Command {
    let mut cmd = crate::binary::kabinet(dir, port);
    if let Some(smtp) = smtp {
        cmd.env("KABINET_SMTP_URL", format!("smtp://127.0.0.1:{smtp}"));
    }
    cmd
}

#[test]
fn the_command_line_explains_itself_and_refuses_what_it_does_not_know() {
    let dir = tempfile::tempdir().unwrap();
    let (code, out, err) = run(kabinet(dir.path(), free_port(), None).arg("serv"));
    assert_eq!(code, 2, "an unknown command exits 2: {out}{err}");
    assert!(err.contains("Usage: kabinet"), "{err}");
    assert!(!err.contains("backtrace") && !err.contains("panicked"), "{err}");
    let (code, out, _) = run(kabinet(dir.path(), free_port(), None).arg("--help"));
    assert_eq!(code, 0);
    for command in ["serve", "migrate", "demo", "create-head"] {
        assert!(out.contains(command), "--help lists {command}: {out}");
    }
    let (code, out, _) = run(kabinet(dir.path(), free_port(), None).args(["create-head", "--help"]));
    assert_eq!(code, 0);
    assert!(out.contains("one-time link") && out.contains("<EMAIL>") && out.contains("<NAME>"), "{out}");
    let (code, _, err) = run(kabinet(dir.path(), free_port(), None).arg("create-head"));
    assert_eq!(code, 2, "a missing argument is a usage error");
    assert!(err.contains("<EMAIL>"), "{err}");
    // Bad input: a sentence, exit 1, and nothing made.
    for (email, name, says) in
        [("not-an-email", "Соколова Анна", "not an e-mail address"), ("head@clinic.example", "Соколова", "the name")]
    {
        let (code, _, err) = run(kabinet(dir.path(), free_port(), None).args(["create-head", email, name]));
        assert_eq!(code, 1, "{err}");
        assert!(err.contains(says) && err.contains("nothing was created"), "{err}");
        assert!(!err.contains("backtrace") && !err.contains("panicked"), "{err}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_clinic_from_nothing_gets_its_head_by_a_one_time_link() {
    let dir = tempfile::tempdir().unwrap();
    let (port, smtp_port) = (free_port(), free_port());
    let smtp = SmtpSink::start(smtp_port, &dir.path().join("maildir"));
    let (code, out, err) = run(kabinet(dir.path(), port, Some(smtp_port)).args([
        "create-head",
        "Head@Clinic.example",
        "Соколова Анна Сергеевна",
    ]));
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("head@clinic.example") && out.contains("mailed"), "{out}");
    let prefix = format!("http://127.0.0.1:{port}/welcome?token=");
    let link = out.lines().map(str::trim).find(|l| l.starts_with(&prefix)).unwrap_or_else(|| panic!("a link: {out}"));
    let token = &link[prefix.len()..];
    assert!(token.len() >= 40, "an unguessable token");
    // The same link arrived by mail, once.
    let mails = smtp.messages();
    assert_eq!(mails.len(), 1);
    assert!(body_of(&mails[0]).contains(link), "{}", body_of(&mails[0]));

    // One head: the second is refused, and the demo does not load over a clinic.
    let (code, _, err) =
        run(kabinet(dir.path(), port, None).args(["create-head", "two@clinic.example", "Петров Пётр"]));
    assert_eq!(code, 1);
    assert!(err.contains("already has an active head"), "{err}");
    let (code, out, _) = run(kabinet(dir.path(), port, None).arg("demo"));
    assert_eq!(code, 0);
    assert!(out.contains("already holds a clinic"), "{out}");

    let _server = crate::binary::serve(kabinet(dir.path(), port, None), port).await;
    let base = format!("http://127.0.0.1:{port}");
    let client =
        || reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let c = client();
    let page = c.get(link).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Соколова Анна Сергеевна") && page.contains("head@clinic.example"), "{page}");
    assert!(page.contains(r#"<label for="password">"#) && page.contains("Задать пароль"));
    let wrong = c.get(format!("{base}/welcome?token=wrong")).send().await.unwrap().text().await.unwrap();
    assert!(wrong.contains("Ссылка не действует"), "{wrong}");

    // Without JavaScript: a plain form post. A weak password is refused and spends nothing.
    let post = |c: &reqwest::Client, password: &str| {
        c.post(format!("{base}/rpc/accept_staff_invite"))
            .header("Origin", &base)
            .header("Accept", "text/html")
            .form(&[("token", token), ("password", password), ("password_again", password)])
            .send()
    };
    let weak = post(&c, "12345678").await.unwrap();
    assert!(!weak.headers().contains_key("set-cookie"), "no session for a refused password");
    let done = post(&c, "a long and private passphrase").await.unwrap();
    assert!(done.status().is_redirection(), "{}", done.status());
    assert_eq!(done.headers()["location"], "/account");
    let account = c.get(format!("{base}/account")).send().await.unwrap();
    assert_eq!(account.status(), 200, "signed in by the link");
    let account = account.text().await.unwrap();
    assert!(account.contains("Соколова"), "the head's own account page");

    // Spent: the link works once; the password signs in.
    let again = client().get(link).send().await.unwrap().text().await.unwrap();
    assert!(again.contains("Ссылка не действует"));
    let replay = post(&client(), "another long passphrase").await.unwrap();
    assert!(!replay.status().is_redirection() || replay.headers()["location"] != "/account");
    let fresh = client();
    let res = fresh
        .post(format!("{base}/rpc/sign_in"))
        .header("Origin", &base)
        .header("Accept", "application/json")
        .form(&[("email", "head@clinic.example"), ("password", "a long and private passphrase")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());

    // The head turns on the second factor, then is led to the clinic's details until they are set.
    let rpc = |c: &reqwest::Client, name: &str, form: &[(&str, &str)]| {
        c.post(format!("{base}/rpc/{name}"))
            .header("Origin", &base)
            .header("Accept", "application/json")
            .form(&form.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect::<Vec<_>>())
            .send()
    };
    assert_eq!(rpc(&fresh, "totp_start", &[]).await.unwrap().status(), 200);
    let page: app::features::account::rules::AccountPage =
        rpc(&fresh, "get_account_page", &[]).await.unwrap().json().await.unwrap();
    let key = page.enrolment.expect("enrolment under way").key;
    let secret = totp_rs::Secret::try_from_base32(key.replace(' ', "")).unwrap();
    let code = totp_rs::Builder::new().with_secret(secret).build().unwrap().generate(kabinet_server::now() as u64);
    let res = rpc(
        &fresh,
        "totp_confirm",
        &[("code", &code.to_string()), ("current_password", "a long and private passphrase")],
    )
    .await
    .unwrap();
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let news = fresh.get(format!("{base}/news")).send().await.unwrap();
    assert_eq!(news.status(), 303);
    assert_eq!(news.headers()["location"], "/staff/clinic", "the details come first");
    assert_eq!(fresh.get(format!("{base}/account")).send().await.unwrap().status(), 200, "but the account page opens");
    let form = fresh.get(format!("{base}/staff/clinic")).send().await.unwrap().text().await.unwrap();
    for label in ["Название клиники", "Адрес", "Телефон", "Часовой пояс", "Сохранить", "Прежде чем начать работу"]
    {
        assert!(form.contains(label), "{label}: {form}");
    }
    let save = |c: &reqwest::Client, phone: &str| {
        c.post(format!("{base}/rpc/save_clinic_details"))
            .header("Origin", &base)
            .header("Accept", "text/html")
            .form(&[
                ("name", "Клиника «Здоровье»"),
                ("address", "г. Томск, ул. Ленина, 1"),
                ("phone", phone),
                ("utc_offset", "420"),
            ])
            .send()
    };
    let refused = save(&fresh, "12").await.unwrap();
    assert_ne!(
        refused.headers().get("location").map(|l| l.to_str().unwrap()),
        Some("/staff"),
        "a bad phone saves nothing"
    );
    assert_eq!(fresh.get(format!("{base}/news")).send().await.unwrap().status(), 303, "still to be set");
    let saved = save(&fresh, "+7 (3822) 12-34-56").await.unwrap();
    assert!(saved.status().is_redirection());
    assert_eq!(saved.headers()["location"], "/staff");
    assert_eq!(fresh.get(format!("{base}/news")).send().await.unwrap().status(), 200, "set: the pages open");
    let form = fresh.get(format!("{base}/staff/clinic")).send().await.unwrap().text().await.unwrap();
    assert!(form.contains("Клиника «Здоровье»") && form.contains("+7 (3822) 12-34-56"), "{form}");
    assert!(form.contains(r#"<option value="420" selected"#), "the time zone is kept: {form}");
    assert!(!form.contains("Прежде чем начать работу"));
    smtp.stop();
}
