//! «Сотрудники»: the head invites staff by e-mail with their roles (the same one-time link as the
//! first head's), changes roles, deactivates accounts (sessions end at once) and never leaves
//! the clinic without a head; nobody else may.

use crate::support::{error_of, spawn_app, TestApp};
use app::kernel::error::{AppError, Problem};

/// The welcome link in the newest invitation mailed to `to`.
async fn link_to(app: &TestApp, to: &str) -> String {
    let mails = app.store.outbox_recent(100).await.unwrap();
    let mail = mails.iter().find(|m| m.recipient == to).unwrap_or_else(|| panic!("an invitation to {to}"));
    let line = mail.body.lines().find(|l| l.contains("/welcome?token=")).expect("a link line");
    line.trim().to_string()
}

fn token_of(link: &str) -> &str {
    link.split_once("token=").unwrap().1
}

async fn staff_id(app: &TestApp, email: &str) -> i64 {
    app.scalar(&format!("SELECT staff_id FROM account WHERE email = '{email}'")).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_head_invites_staff_who_set_a_password_and_work_with_their_roles() {
    let app = spawn_app().await;
    let head = app.signed_in("head@kabinet.example").await;
    let page = app.get(&head, "/staff/team").await.text().await.unwrap();
    for label in ["Сотрудники", "Пригласить сотрудника", "Фамилия Имя Отчество", "Роли", "Пригласить", "Последний вход"]
    {
        assert!(page.contains(label), "{label}");
    }
    assert!(page.contains("registrar@kabinet.example"), "the demo's staff are listed");

    // Bad input: each field named, nothing made.
    let staff_before = app.scalar("SELECT COUNT(*) FROM staff").await;
    let res = app.rpc(&head, "invite_staff", &[("email", "nope"), ("name", "Белова")]).await;
    let AppError::Validation(problems) = error_of(res).await else { panic!("validation") };
    let fields: Vec<_> = problems.iter().map(|p| (p.field.as_str(), p.problem)).collect();
    assert_eq!(fields, [("email", Problem::Email), ("name", Problem::FullName), ("roles", Problem::Required)]);
    let res = app
        .rpc(
            &head,
            "invite_staff",
            &[("email", "patient@kabinet.example"), ("name", "Белова Ирина"), ("clinician", "on")],
        )
        .await;
    assert_eq!(error_of(res).await, AppError::field("email", Problem::EmailUnavailable));
    assert_eq!(app.scalar("SELECT COUNT(*) FROM staff").await, staff_before);

    // Without JavaScript: a form post, back to the list with the notice.
    let res = head
        .post(format!("{}/rpc/invite_staff", app.base))
        .header("Origin", &app.base)
        .header("Accept", "text/html")
        .form(&[("email", "New.Doctor@Clinic.example"), ("name", "Белова Ирина Павловна"), ("clinician", "on")])
        .send()
        .await
        .unwrap();
    assert!(res.status().is_redirection());
    assert_eq!(res.headers()["location"], "/staff/team?invited=1");
    let page = app.get(&head, "/staff/team?invited=1").await.text().await.unwrap();
    assert!(page.contains("Приглашение отправлено") && page.contains("Белова Ирина Павловна"));
    assert!(page.contains("Приглашён(а), пароль ещё не задан"));
    let doctor = staff_id(&app, "new.doctor@clinic.example").await;
    assert_eq!(app.scalar(&format!("SELECT COUNT(*) FROM staff_role WHERE staff_id = {doctor}")).await, 1);

    // A new link voids the first one.
    let first = link_to(&app, "new.doctor@clinic.example").await;
    let res = app.rpc(&head, "renew_staff_invite", &[("staff_id", &doctor.to_string())]).await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let second = link_to(&app, "new.doctor@clinic.example").await;
    assert_ne!(first, second);
    let newcomer = app.client();
    let accept = |token: String| {
        let c = newcomer.clone();
        let base = app.base.clone();
        async move {
            c.post(format!("{base}/rpc/accept_staff_invite"))
                .header("Origin", &base)
                .header("Accept", "application/json")
                .form(&[
                    ("token", token.as_str()),
                    ("password", "a doctor's own passphrase"),
                    ("password_again", "a doctor's own passphrase"),
                ])
                .send()
                .await
                .unwrap()
        }
    };
    assert_eq!(error_of(accept(token_of(&first).to_string()).await).await, AppError::LinkInvalid);
    assert_eq!(accept(token_of(&second).to_string()).await.status(), 200);
    let me: Option<app::kernel::account::Me> = app.rpc(&newcomer, "current_user", &[]).await.json().await.unwrap();
    assert_eq!(me.unwrap().roles.0, [app::kernel::account::Role::Clinician]);
    let page = app.get(&head, "/staff/team").await.text().await.unwrap();
    assert!(!page.contains("Приглашён(а)"), "the password is set");

    // Roles change at once; a patient may not change them.
    let res = app
        .rpc(&head, "set_staff_roles", &[("staff_id", &doctor.to_string()), ("clinician", "on"), ("registrar", "on")])
        .await;
    assert_eq!(res.status(), 200);
    let me: Option<app::kernel::account::Me> = app.rpc(&newcomer, "current_user", &[]).await.json().await.unwrap();
    assert!(me.unwrap().roles.has(app::kernel::account::Role::Registrar));
    let res = app.rpc(&head, "set_staff_roles", &[("staff_id", &doctor.to_string())]).await;
    assert_eq!(error_of(res).await, AppError::field("roles", Problem::Required), "at least one role");
    let patient = app.signed_in("patient@kabinet.example").await;
    for (name, form) in [
        ("set_staff_roles", vec![("staff_id", doctor.to_string()), ("head", "on".to_string())]),
        ("deactivate_staff", vec![("staff_id", doctor.to_string())]),
        (
            "invite_staff",
            vec![("email", "x@y.example".to_string()), ("name", "А Б".to_string()), ("head", "on".to_string())],
        ),
    ] {
        let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        assert_eq!(app.rpc(&patient, name, &form).await.status(), 403, "{name}");
    }
    assert_eq!(app.scalar("SELECT COUNT(*) FROM staff_role WHERE role = 'head'").await, 1, "nothing changed");

    // Deactivating ends the sessions at once; the history stays.
    let journal_before = app.scalar("SELECT COUNT(*) FROM audit_log").await;
    let res = app.rpc(&head, "deactivate_staff", &[("staff_id", &doctor.to_string())]).await;
    assert_eq!(res.status(), 200);
    assert_eq!(app.get(&newcomer, "/news").await.status(), 303, "signed out");
    let res = app
        .rpc(
            &app.client(),
            "sign_in",
            &[("email", "new.doctor@clinic.example"), ("password", "a doctor's own passphrase")],
        )
        .await;
    assert_eq!(error_of(res).await, AppError::SignInFailed);
    assert!(app.scalar("SELECT COUNT(*) FROM audit_log").await > journal_before);
    let page = app.get(&head, "/staff/team").await.text().await.unwrap();
    assert!(page.contains("Отключён(а)"));

    // The clinic never loses its last head.
    let me = staff_id(&app, "head@kabinet.example").await;
    let res = app.rpc(&head, "set_staff_roles", &[("staff_id", &me.to_string()), ("clinician", "on")]).await;
    assert_eq!(error_of(res).await, AppError::LastHead);
    let res = app.rpc(&head, "deactivate_staff", &[("staff_id", &me.to_string())]).await;
    assert_eq!(error_of(res).await, AppError::LastHead);
    assert_eq!(app.get(&head, "/staff/team").await.status(), 200, "still the head");
}

/// A doctor the front desk added (a profile with a schedule, without an account) is invited by
/// e-mail from «Сотрудники»: the account joins that profile, so the doctor signs in to their own
/// schedule; a profile that has an account, or a taken e-mail, is refused and nothing is made.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_doctor_without_an_account_is_invited_into_their_own_profile() {
    let app = spawn_app().await;
    let head = app.signed_in("head@kabinet.example").await;
    let profile = app
        .scalar(
            "SELECT MIN(s.id) FROM staff s JOIN schedule_day d ON d.staff_id = s.id
             WHERE NOT EXISTS (SELECT 1 FROM account a WHERE a.staff_id = s.id)",
        )
        .await;
    let page = app.get(&head, "/staff/team").await.text().await.unwrap();
    assert!(page.contains("Без учётной записи") && page.contains("Электронная почта для входа"), "{page}");
    let staff_before = app.scalar("SELECT COUNT(*) FROM staff").await;
    let accounts_before = app.scalar("SELECT COUNT(*) FROM account").await;

    let invite = |email: &'static str, id: i64| {
        let head = &head;
        let app = &app;
        async move { app.rpc(head, "invite_doctor", &[("staff_id", &id.to_string()), ("doctor_email", email)]).await }
    };
    assert_eq!(error_of(invite("not-mail", profile).await).await, AppError::field("doctor_email", Problem::Email));
    assert_eq!(
        error_of(invite("patient@kabinet.example", profile).await).await,
        AppError::field("doctor_email", Problem::EmailUnavailable)
    );
    let with_account = staff_id(&app, "registrar@kabinet.example").await;
    assert_eq!(error_of(invite("other@clinic.example", with_account).await).await, AppError::NotFound);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM account").await, accounts_before, "nothing made");

    let res = invite("Orlov@Clinic.example", profile).await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    assert_eq!(app.scalar("SELECT COUNT(*) FROM staff").await, staff_before, "no second staff member");
    assert_eq!(staff_id(&app, "orlov@clinic.example").await, profile, "the account joins the profile");
    assert_eq!(error_of(invite("again@clinic.example", profile).await).await, AppError::NotFound, "once");

    // The doctor sets a password by the link and is the clinician of that profile.
    let link = link_to(&app, "orlov@clinic.example").await;
    let doctor = app.client();
    let res = doctor
        .post(format!("{}/rpc/accept_staff_invite", app.base))
        .header("Origin", &app.base)
        .header("Accept", "application/json")
        .form(&[
            ("token", token_of(&link)),
            ("password", "the doctor's passphrase"),
            ("password_again", "the doctor's passphrase"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let me: Option<app::kernel::account::Me> = app.rpc(&doctor, "current_user", &[]).await.json().await.unwrap();
    assert!(me.unwrap().roles.has(app::kernel::account::Role::Clinician));
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'staff.invited'
               AND detail LIKE '% <orlov@clinic.example> (staff:{profile})'"
        ))
        .await,
        1
    );
    let patient = app.signed_in("patient@kabinet.example").await;
    let res = app
        .rpc(&patient, "invite_doctor", &[("staff_id", &profile.to_string()), ("doctor_email", "x@y.example")])
        .await;
    assert_eq!(res.status(), 403);
}
