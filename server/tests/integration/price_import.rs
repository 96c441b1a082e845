//! «Прайс-лист»: the editor uploads the MIS's file (a real XLSX saved by LibreOffice; a
//! Windows-1251 CSV as Russian Excel saves it), sees the preview, changes nothing until
//! «Применить», and the Prices tab shows the result; a file with errors lists them by row and
//! cannot be applied; the export imports back unchanged; patients and the front desk may not.

use crate::support::{error_of, spawn_app, TestApp};
use app::features::prices::admin_api::ImportPreview;
use app::features::prices::import_rules::{Column, RowProblem};
use app::kernel::error::{AppError, Problem};
use reqwest::multipart::{Form, Part};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");

async fn upload(app: &TestApp, c: &reqwest::Client, name: &str, bytes: Vec<u8>) -> reqwest::Response {
    c.post(format!("{}/staff/prices/import", app.base))
        .header("Origin", &app.base)
        .multipart(Form::new().part("file", Part::bytes(bytes).file_name(name.to_string())))
        .send()
        .await
        .unwrap()
}

/// The staged import's id from the redirect to its preview.
fn staged_id(res: &reqwest::Response) -> String {
    assert_eq!(res.status(), 303);
    let to = res.headers()["location"].to_str().unwrap();
    to.strip_prefix("/staff/prices/import/").unwrap_or_else(|| panic!("to the preview: {to}")).to_string()
}

async fn preview(app: &TestApp, c: &reqwest::Client, id: &str, mapping: Option<&str>) -> ImportPreview {
    let mut form = vec![("id", id)];
    if let Some(m) = mapping {
        form.push(("mapping", m));
    }
    let res = app.rpc(c, "price_import_preview", &form).await;
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!("{FIXTURES}/{name}")).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_mis_price_list_is_previewed_then_applied_once_and_shows_on_the_prices_tab() {
    let app = spawn_app().await;
    let editor = app.signed_in("editor@kabinet.example").await;
    let page = app.get(&editor, "/staff/prices").await.text().await.unwrap();
    for label in [
        "Прайс-лист",
        "Загрузка прайс-листа",
        "Файл CSV или XLSX",
        "Загрузить",
        "Тарифные планы",
        "Скачать прайс-лист (CSV)",
    ] {
        assert!(page.contains(label), "{label}");
    }
    let services = || async { app.scalar("SELECT COUNT(*) FROM price_service").await };
    let before = services().await;

    // The XLSX: header found under the title row, sections from the heading rows.
    let res = upload(&app, &editor, "Прайс 2026.xlsx", fixture("prices-mis.xlsx")).await;
    let id = staged_id(&res);
    let p = preview(&app, &editor, &id, None).await;
    assert_eq!(p.mapping.header, Some(1));
    assert_eq!(p.mapping.columns[..2], [Column::Code, Column::Name]);
    assert!(matches!(p.mapping.columns[2], Column::Price(_)), "«Цена» goes to the first plan");
    assert_eq!((p.services, p.error_count, p.can_apply), (5, 0, true));
    assert_eq!((p.summary.added, p.summary.new_sections), (5, 2));
    assert_eq!(p.sample[0].section, "01. ВРАЧЕБНЫЕ КОНСУЛЬТАЦИИ");
    assert_eq!(p.sample[0].prices, vec![None], "the consilium has no price");
    assert_eq!(services().await, before, "nothing changes before «Применить»");

    // The page renders the preview: the columns to choose, the apply button.
    let html = app.get(&editor, &format!("/staff/prices/import/{id}")).await.text().await.unwrap();
    for label in [
        "Проверка прайс-листа",
        "Строка заголовка",
        "Столбец 1",
        "Код внешний",
        "Проверить",
        "Применить",
        "Будет добавлено услуг: 5",
    ] {
        assert!(html.contains(label), "{label}");
    }

    // Applied as a plain form post: back to the price list with what changed; a second
    // click changes nothing.
    let apply = || async {
        editor
            .post(format!("{}/rpc/apply_price_import", app.base))
            .header("Origin", &app.base)
            .header("Accept", "text/html")
            .form(&[("id", id.as_str()), ("mapping", p.mapping_key.as_str())])
            .send()
            .await
            .unwrap()
    };
    let res = apply().await;
    assert!(res.status().is_redirection(), "{}", res.status());
    assert_eq!(res.headers()["location"], "/staff/prices?added=5&changed=0&unchanged=0");
    assert_eq!(services().await, before + 5);
    let res = apply().await;
    assert_eq!(res.headers()["location"], "/staff/prices?imported=again");
    assert_eq!(services().await, before + 5);
    let notice = app.get(&editor, "/staff/prices?added=5&changed=0&unchanged=0").await.text().await.unwrap();
    assert!(notice.contains("Прайс-лист обновлён: добавлено 5, изменено 0, без изменений 0."));
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'prices.import' AND detail LIKE 'added 5,%'").await,
        1
    );

    // A patient sees them under the first plan, the consilium with an empty price.
    let patient = app.signed_in("patient@kabinet.example").await;
    let prices = app.get(&patient, "/prices?q=консилиум").await.text().await.unwrap();
    assert!(prices.contains("Врачебный консилиум (не менее 3 врачей)"));
    let prices = app.get(&patient, "/prices").await.text().await.unwrap();
    assert!(prices.contains("3\u{202F}500,50\u{A0}₽"), "3500,5 from the XLSX");

    // The export, imported back, changes nothing.
    let res = app.get(&editor, "/staff/prices/export.csv").await;
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
    let csv = res.bytes().await.unwrap().to_vec();
    assert!(
        String::from_utf8_lossy(&csv).starts_with("\u{FEFF}Раздел;Код внешний;Услуга;Базовый прайс;ДМС;Корпоративный")
    );
    let back = staged_id(&upload(&app, &editor, "prices.csv", csv).await);
    let p = preview(&app, &editor, &back, None).await;
    assert_eq!(p.mapping.columns[0], Column::Section);
    assert!(p.can_apply, "{:?} {:?}", p.mapping_problems, p.errors);
    assert_eq!((p.summary.added, p.summary.changed, p.summary.unchanged), (0, 0, before as usize + 5));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_file_lists_its_errors_by_row_and_changes_nothing() {
    let app = spawn_app().await;
    let head = app.signed_in("head@kabinet.example").await;
    let prices = || async { app.scalar("SELECT COUNT(*) FROM price").await };
    let before = prices().await;

    // Windows-1251 with semicolons: read, then every bad row named.
    let id = staged_id(&upload(&app, &head, "прайс.csv", fixture("prices-errors-cp1251.csv")).await);
    let p = preview(&app, &head, &id, None).await;
    let errors: Vec<_> = p.errors.iter().map(|e| (e.line, e.problem.clone())).collect();
    assert_eq!(
        errors,
        [
            (3, RowProblem::BadPrice { plan: p.plans[0].id, cell: "двести".into() }),
            (4, RowProblem::NoCode),
            (6, RowProblem::Duplicate { first_line: 5 }),
        ]
    );
    assert!(!p.can_apply);
    let html = app.get(&head, &format!("/staff/prices/import/{id}")).await.text().await.unwrap();
    assert!(html.contains("Строка 3: «двести» в столбце «Базовый прайс» — не сумма в рублях"), "{html}");
    assert!(html.contains("Строка 6: этот код уже есть в строке 5"));
    assert!(!html.contains(">Применить<"), "no apply button while there are errors");
    let res = app.rpc(&head, "apply_price_import", &[("id", &id), ("mapping", &p.mapping_key)]).await;
    assert_eq!(res.status(), 422);
    assert_eq!(error_of(res).await, AppError::ImportHasErrors);

    // A mapping without a code column: said so, nothing applied.
    let p = preview(&app, &head, &id, Some("0;skip,name,skip")).await;
    assert!(!p.mapping_problems.is_empty() && !p.can_apply);
    assert_eq!(
        error_of(app.rpc(&head, "apply_price_import", &[("id", &id), ("mapping", "0;skip,name,skip")]).await).await,
        AppError::ImportHasErrors
    );
    assert_eq!(prices().await, before);

    // Not a table, empty, too large: back to the page with the reason, nothing kept.
    let staged = || async { app.scalar("SELECT COUNT(*) FROM price_import").await };
    let kept = staged().await;
    for (name, bytes, problem) in [
        ("scan.pdf", b"%PDF-1.7\n\x00\x01".to_vec(), Problem::Spreadsheet),
        ("empty.csv", b";;\r\n;;\r\n".to_vec(), Problem::Required),
        ("fake.xlsx", b"PK\x03\x04 not a workbook".to_vec(), Problem::Spreadsheet),
    ] {
        let res = upload(&app, &head, name, bytes).await;
        assert_eq!(res.status(), 303, "{name}");
        let to = res.headers()["location"].to_str().unwrap().to_string();
        assert!(to.starts_with("/staff/prices?import_error="), "{to}");
        let page = app.get(&head, &to).await.text().await.unwrap();
        let message = match problem {
            Problem::Spreadsheet => "Файл не читается как таблица: загрузите CSV или XLSX.",
            _ => "Заполните это поле.",
        };
        assert!(page.contains(message), "{name}: {message}");
    }
    assert_eq!(staged().await, kept);
    let res = upload(&app, &head, "huge.csv", vec![b'x'; 17 * 1024 * 1024]).await;
    assert!(res.status() == 303 || res.status() == 413, "{}", res.status());

    // Only the head and the editors: the front desk and patients are refused.
    for email in ["registrar@kabinet.example", "patient@kabinet.example"] {
        let c = app.signed_in(email).await;
        assert_eq!(upload(&app, &c, "p.xlsx", fixture("prices-mis.xlsx")).await.status(), 403, "{email}");
        assert_eq!(app.get(&c, "/staff/prices/export.csv").await.status(), 403, "{email}");
        assert_eq!(app.rpc(&c, "price_import_preview", &[("id", &id)]).await.status(), 403, "{email}");
        assert_eq!(app.rpc(&c, "save_price_plan", &[("name", "X"), ("funding", "paid")]).await.status(), 403);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tariff_plans_get_a_funding_source_and_the_cabinet_shows_only_those_chosen() {
    let app = spawn_app().await;
    let head = app.signed_in("head@kabinet.example").await;
    let res = app.rpc(&head, "save_price_plan", &[("name", " "), ("funding", "barter")]).await;
    let AppError::Validation(problems) = error_of(res).await else { panic!("validation") };
    assert_eq!(problems[0].field, "name");
    let res = app.rpc(&head, "save_price_plan", &[("name", "ОМС"), ("funding", "barter")]).await;
    assert_eq!(error_of(res).await, AppError::field("funding", Problem::Choice));
    assert_eq!(app.scalar("SELECT COUNT(*) FROM tariff_plan").await, 3);

    let res = app.rpc(&head, "save_price_plan", &[("name", "ОМС"), ("funding", "oms"), ("visible", "on")]).await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let patient = app.signed_in("patient@kabinet.example").await;
    let prices = app.get(&patient, "/prices").await.text().await.unwrap();
    assert!(prices.contains("ОМС</option>"), "offered in the cabinet");
    let id = app.scalar("SELECT id FROM tariff_plan WHERE name = 'ОМС'").await.to_string();
    let res = app.rpc(&head, "save_price_plan", &[("id", &id), ("name", "ОМС"), ("funding", "oms")]).await;
    assert_eq!(res.status(), 200);
    let prices = app.get(&patient, "/prices").await.text().await.unwrap();
    assert!(!prices.contains("ОМС</option>"), "hidden again");
    assert_eq!(app.rpc(&patient, "get_price_list", &[("plan_id", &id)]).await.status(), 404);
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'prices.plan' AND detail = 'ОМС (oms, shown) → ОМС (oms, hidden)'").await,
        1
    );
}

/// An MIS's list runs to thousands of services: over `WHOLE_LIST_MAX` the Prices tab shows an
/// index of sections, one section's rows at a time, and a search over the whole list that shows
/// the first `MATCHES_SHOWN` matches and counts the rest.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_price_list_is_shown_a_section_at_a_time_and_searched_whole() {
    let app = spawn_app().await;
    let editor = app.signed_in("editor@kabinet.example").await;
    let mut csv = String::from("Код внешний;Услуга;Цена\r\n");
    for (s, section) in ["Лаборатория", "Функциональная диагностика", "Стоматология"].iter().enumerate()
    {
        csv.push_str(&format!("{section};;\r\n"));
        for n in 0..150 {
            csv.push_str(&format!("L{s}.{n:03};Исследование номер {s}-{n};{}\r\n", 100 + n));
        }
    }
    let id = staged_id(&upload(&app, &editor, "big.csv", csv.into_bytes()).await);
    let p = preview(&app, &editor, &id, None).await;
    assert!(p.can_apply, "{:?} {:?}", p.mapping_problems, p.errors);
    let res = app.rpc(&editor, "apply_price_import", &[("id", &id), ("mapping", &p.mapping_key)]).await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());

    let patient = app.signed_in("patient@kabinet.example").await;
    let rows = |html: &str| html.matches("<tr").count() - html.matches("<thead><tr").count();
    let index = app.get(&patient, "/prices").await.text().await.unwrap();
    assert!(index.contains("aria-label=\"Разделы прайс-листа\""), "{index}");
    assert!(index.contains("Функциональная диагностика (150)"));
    assert!(index.contains("Терапия ("), "the demo's sections are in the index too");
    assert!(index.contains("Выберите раздел или найдите услугу по названию или коду."));
    assert_eq!(rows(&index), 0, "no rows until a section is chosen");

    let section = app.scalar("SELECT id FROM price_section WHERE name = 'Функциональная диагностика'").await;
    let page = app.get(&patient, &format!("/prices?section={section}")).await.text().await.unwrap();
    assert_eq!(rows(&page), 150);
    assert!(page.contains("L1.149") && !page.contains("L0.000"), "only the chosen section");
    assert!(page.contains("aria-current=\"page\">Функциональная диагностика (150)"));

    // The search runs over every section; 450 match «исследование», 200 are shown.
    let found = app.get(&patient, "/prices?q=ИССЛЕДОВАНИЕ%20номер").await.text().await.unwrap();
    assert_eq!(rows(&found), 200);
    assert!(found.contains("Показаны первые 200 найденных услуг, ещё 250 не показаны. Уточните запрос."));
    let one = app.get(&patient, "/prices?q=L2.007").await.text().await.unwrap();
    assert_eq!(rows(&one), 1);
    assert!(one.contains("Исследование номер 2-7") && one.contains("107\u{A0}₽"));
    let none = app.get(&patient, "/prices?q=нетакойуслуги").await.text().await.unwrap();
    assert!(none.contains("Ничего не найдено. Измените запрос."));
    assert_eq!(rows(&none), 0);

    assert_eq!(app.rpc(&patient, "get_price_list", &[("section", "987654")]).await.status(), 404);

    // The booking settings ask for a service by its code rather than list 450 of them per doctor.
    let desk = app.signed_in("registrar@kabinet.example").await;
    let settings = app.get(&desk, "/staff/booking").await.text().await.unwrap();
    assert!(settings.contains("Код внешний услуги (из прайс-листа)"), "{settings}");
    assert!(!settings.contains("Исследование номер 1-10<"), "no list of every service");
    let doctor = app.scalar("SELECT id FROM staff WHERE surname = 'Морозов'").await.to_string();
    let link = |code: &'static str| {
        let (app, desk, doctor) = (&app, &desk, doctor.clone());
        async move {
            let form = [
                ("doctor", doctor.as_str()),
                ("service", code),
                ("mode", "in_clinic"),
                ("show_price", "on"),
                ("price", ""),
                ("prepayment", ""),
                ("prepayment_discount", ""),
            ];
            app.rpc(desk, "save_service_link", &form).await
        }
    };
    assert_eq!(link(" l1.010 ").await.status(), 200, "the code, as typed");
    let linked = app
        .scalar(&format!(
            "SELECT d.price_kopecks FROM doctor_service d JOIN price_service p ON p.id = d.service_id
             WHERE d.staff_id = {doctor} AND p.code = 'L1.010'"
        ))
        .await;
    assert_eq!(linked, 11_000, "with the price list's price");
    assert_eq!(error_of(link("NO-SUCH").await).await, AppError::field("service", Problem::Choice));
}
