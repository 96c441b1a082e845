//! «Журнал действий»: the head reads who changed what, before → after, filtered by group of
//! actions, person and days; nobody else reads it.

use crate::support::spawn_app;
use app::features::clinic::rules::JournalPage;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_head_reads_every_administrative_change_with_before_and_after() {
    let app = spawn_app().await;
    let head = app.signed_in("head@kabinet.example").await;
    let settings = [("attach_code_ttl_hours", "2"), ("contact_priority", "email"), ("protocol_edit_hours", "24")];
    assert_eq!(app.rpc(&head, "save_clinic_settings", &settings).await.status(), 200);
    let plan = [("name", "ОМС"), ("funding", "oms")];
    assert_eq!(app.rpc(&head, "save_price_plan", &plan).await.status(), 200);

    let journal = |form: Vec<(&'static str, String)>| {
        let app = &app;
        let head = &head;
        async move {
            let mut all: Vec<(&str, String)> =
                ["group", "person", "from", "to", "page"].iter().map(|k| (*k, String::new())).collect();
            for (k, v) in form {
                all.iter_mut().find(|(n, _)| *n == k).unwrap().1 = v;
            }
            let form: Vec<(&str, &str)> = all.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let res = app.rpc(head, "admin_journal", &form).await;
            assert_eq!(res.status(), 200);
            res.json::<JournalPage>().await.unwrap()
        }
    };
    let clinic = journal(vec![("group", "clinic".into())]).await;
    assert_eq!(clinic.total, 1, "{:?}", clinic.lines);
    let line = &clinic.lines[0];
    assert_eq!((line.action.as_str(), line.role.as_str()), ("clinic.settings", "head"));
    assert_eq!(line.who.as_deref(), Some("Волков Сергей Анатольевич"));
    // The demo's defaults: 72 h, SMS first; the 24 h window did not change, so it is not named.
    assert_eq!(line.detail.as_deref(), Some("attach_code_ttl_hours: 72 → 2; contact_priority: phone → email"));
    let prices = journal(vec![("group", "prices".into())]).await;
    assert_eq!(prices.lines[0].detail.as_deref(), Some("— → ОМС (oms, hidden)"));

    // By person, by day: the head's own sign-in is there; another's name or a past day has none.
    let head_id = app.scalar("SELECT staff_id FROM account WHERE email = 'head@kabinet.example'").await.to_string();
    let mine = journal(vec![("person", head_id), ("group", "session".into())]).await;
    assert!(mine.total >= 1 && mine.lines.iter().all(|l| l.action.starts_with("session.")));
    let desk_id =
        app.scalar("SELECT staff_id FROM account WHERE email = 'registrar@kabinet.example'").await.to_string();
    assert_eq!(journal(vec![("person", desk_id), ("group", "clinic".into())]).await.total, 0);
    let past = journal(vec![("from", "2020-01-01".into()), ("to", "2020-01-31".into())]).await;
    assert_eq!(past.total, 0);
    let all = journal(vec![]).await;
    assert!(all.total >= 3);

    // The page, without JavaScript: the filter form and the lines in words.
    let page = app.get(&head, "/staff/journal?group=clinic").await.text().await.unwrap();
    for text in [
        "Журнал действий",
        "Действия",
        "Сотрудник",
        "С даты",
        "По дату",
        "Показать",
        "Настройки",
        "attach_code_ttl_hours: 72 → 2",
    ] {
        assert!(page.contains(text), "{text}");
    }

    // Only the head.
    for email in ["registrar@kabinet.example", "editor@kabinet.example", "patient@kabinet.example"] {
        let c = app.signed_in(email).await;
        let form = [("group", ""), ("person", ""), ("from", ""), ("to", ""), ("page", "")];
        assert_eq!(app.rpc(&c, "admin_journal", &form).await.status(), 403, "{email}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn patients_see_the_clinic_s_name_address_and_phone_at_the_foot_of_every_page() {
    let app = spawn_app().await;
    let patient = app.signed_in("patient@kabinet.example").await;
    let page = app.get(&patient, "/news").await.text().await.unwrap();
    assert!(page.contains(r#"<footer class="clinic-card">"#), "{page}");
    for text in ["Клиника «Северная звезда»", "Москва, Ленинский проспект, 42", r#"href="tel:+74951234567""#]
    {
        assert!(page.contains(text), "{text}");
    }
    // The head changes them: the next page shows the new ones, and the journal says what changed.
    let head = app.signed_in("head@kabinet.example").await;
    let form = [
        ("name", "Клиника «Северная звезда»"),
        ("address", "Москва, ул. Вавилова, 7"),
        ("phone", "+7 495 765-43-21"),
        ("utc_offset", "180"),
    ];
    let res = app.rpc(&head, "save_clinic_details", &form).await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let page = app.get(&patient, "/prices").await.text().await.unwrap();
    assert!(page.contains("Москва, ул. Вавилова, 7") && page.contains("tel:+74957654321"));
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'clinic.details' AND detail = 'address: Москва, Ленинский проспект, 42 → Москва, ул. Вавилова, 7; phone: +7 495 123-45-67 → +7 495 765-43-21'").await,
        1
    );
}
