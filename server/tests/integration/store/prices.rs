//! `PricesStore`: the plans the cabinet offers and their price lists. `PriceAdminStore`: plans
//! with their funding source, a file's cells kept until applied, the import applied once in one
//! transaction, journalled with what changed.

use super::{account, execute, scalar, seeded, NOW};
use app::features::prices::import_rules::{check, guess};
use app::features::prices::rules::{Funding, Kopecks, PriceQuery};
use app::features::prices::store::{ApplyOutcome, PlanInput};
use app::platform::store::{Actor, Store};

pub async fn story(url: &str) {
    let store = seeded(url).await;
    prices(&*store, url).await;
    admin(&*store, url).await;
}

async fn prices(store: &dyn Store, url: &str) {
    let plans = store.cabinet_tariff_plans().await.unwrap();
    let names: Vec<_> = plans.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["Базовый прайс", "ДМС"], "the hidden corporate plan is not offered");
    let base = store.price_list(plans[0].id, None).await.unwrap();
    assert_eq!(base.iter().map(|s| s.name.as_str()).collect::<Vec<_>>()[0], "Терапия");
    assert_eq!(base.len(), 6);
    assert_eq!(base[0].items[0].code, "B01.047.001");
    assert_eq!(base[0].items[0].price, Some(Kopecks(220_000)));
    let dms = store.price_list(plans[1].id, None).await.unwrap();
    assert_eq!(dms[0].items[0].price, Some(Kopecks(264_000)));

    // The index of sections, and one section's rows.
    let index = store.price_sections().await.unwrap();
    assert_eq!(index.len(), 6);
    assert_eq!(index.iter().map(|s| s.services).sum::<i64>(), base.iter().map(|s| s.items.len() as i64).sum::<i64>());
    assert_eq!((index[0].id, index[0].name.as_str()), (base[0].id, "Терапия"));
    let one = store.price_list(plans[0].id, Some(index[1].id)).await.unwrap();
    assert_eq!(one, vec![base[1].clone()], "only that section, as in the whole list");
    assert!(store.price_list(plans[0].id, Some(987_654)).await.unwrap().is_empty());

    // The search runs in the database over the folded search text: every word, any case, ё as е,
    // the first `limit` in the list's order and how many match; wildcards are plain characters.
    let words = |typed: &str| PriceQuery::new(typed).words().to_vec();
    let (found, total) = store.price_search(plans[0].id, &words("ПРИЁМ терапевта"), 200).await.unwrap();
    assert!(total >= 2, "{total}");
    assert_eq!(found[0].items[0].code, "B01.047.001");
    assert!(found.iter().flat_map(|s| &s.items).all(|i| i.service.to_lowercase().replace('ё', "е").contains("прием")));
    let (first, all) = store.price_search(plans[0].id, &words("прием"), 1).await.unwrap();
    assert_eq!(
        (first.iter().map(|s| s.items.len()).sum::<usize>(), first[0].items[0].price),
        (1, Some(Kopecks(220_000)))
    );
    assert!(all > 1, "the count is of every match, not of those shown");
    for nothing in ["%", "_", "терапевт кардиолог"] {
        let (found, total) = store.price_search(plans[0].id, &words(nothing), 200).await.unwrap();
        assert_eq!((found.len(), total), (0, 0), "{nothing}");
    }

    // Services written before the search text was kept (migration 0018) get it when the portal
    // next opens the database.
    let services = scalar(url, "SELECT COUNT(*) FROM price_service").await;
    execute(url, "UPDATE price_service SET search_text = ''").await;
    assert_eq!(store.price_search(plans[0].id, &words("прием"), 200).await.unwrap().1, 0);
    let reopened = kabinet_server::db::open(url).await.expect("open");
    assert_eq!(scalar(url, "SELECT COUNT(*) FROM price_service WHERE search_text = ''").await, 0);
    assert_eq!(reopened.price_search(plans[0].id, &words("прием"), 200).await.unwrap().1, all);
    assert!(services > 0);
}

fn cells(rows: &[&[&str]]) -> Vec<Vec<String>> {
    rows.iter().map(|r| r.iter().map(|c| c.to_string()).collect()).collect()
}

async fn admin(store: &dyn Store, url: &str) {
    let head = account(store, "head@kabinet.example").await;
    let actor = Actor::account_holder(head.account_id, "10.0.0.9".parse().unwrap());
    let plans = store.plans().await.unwrap();
    let described: Vec<_> = plans.iter().map(|p| (p.name.as_str(), p.funding, p.visible)).collect();
    assert_eq!(
        described,
        [("Базовый прайс", Funding::Paid, true), ("ДМС", Funding::Dms, true), ("Корпоративный", Funding::Paid, false)]
    );
    assert!(plans[0].priced > 0);

    // A new plan, then shown in the cabinet: each change journalled with before and after.
    let oms = PlanInput { name: "ОМС".into(), funding: Funding::Oms, visible: false };
    let oms_id = store.save_plan(None, &oms, &actor, NOW).await.unwrap().unwrap();
    let shown = PlanInput { visible: true, ..oms };
    assert_eq!(store.save_plan(Some(oms_id), &shown, &actor, NOW).await.unwrap(), Some(oms_id));
    assert_eq!(store.save_plan(Some(9_999), &shown, &actor, NOW).await.unwrap(), None, "an unknown plan");
    assert_eq!(store.cabinet_tariff_plans().await.unwrap().len(), 3);
    assert_eq!(
        scalar(
            url,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'prices.plan' AND detail LIKE '%hidden) → ОМС (oms, shown)'"
        )
        .await,
        1
    );

    // A file as an MIS exports it: a section heading, one service changed, one new, one
    // without a price under the new plan; 1,000 more to cross the statements' chunks.
    let mut rows = cells(&[
        &["Код внешний", "Услуга", "Базовый прайс", "ОМС"],
        &["Терапия", "", "", ""],
        &["B01.047.001", "Приём врача-терапевта первичный", "2 300,00", "0"],
        &["X.1", "Новая услуга", "100", ""],
        &["Лаборатория (импорт)", "", "", ""],
    ]);
    for i in 0..1_000 {
        rows.push(vec![format!("L{i:04}"), format!("Анализ {i}"), format!("{}", 100 + i), String::new()]);
    }
    let all = store.plans().await.unwrap();
    let mapping = guess(&rows, &all);
    let checked = check(&rows, &mapping, &all);
    assert!(checked.can_apply(), "{:?}", checked.errors);
    let id = store.stage_import(head.account_id, "прайс.csv", &rows, NOW).await.unwrap();
    let staged = store.staged_import(id).await.unwrap().unwrap();
    assert_eq!((staged.cells, staged.file_name.as_str(), staged.applied_at), (rows.clone(), "прайс.csv", None));
    let before = store.current_services().await.unwrap().len();

    let outcome = store.apply_import(id, &checked.rows, &mapping.plans(), &actor, NOW).await.unwrap();
    let ApplyOutcome::Applied(summary) = outcome else { panic!("applied: {outcome:?}") };
    assert_eq!((summary.added, summary.changed, summary.unchanged, summary.new_sections), (1_001, 1, 0, 1));
    assert_eq!(store.current_services().await.unwrap().len(), before + 1_001);
    assert_eq!(
        store.apply_import(id, &checked.rows, &mapping.plans(), &actor, NOW).await.unwrap(),
        ApplyOutcome::AlreadyApplied,
        "a second click writes nothing"
    );
    assert_eq!(store.apply_import(9_999, &checked.rows, &[], &actor, NOW).await.unwrap(), ApplyOutcome::Missing);
    assert_eq!(scalar(url, "SELECT COUNT(*) FROM audit_log WHERE action = 'prices.import'").await, 1);

    let base = store.price_list(all[0].id, None).await.unwrap();
    let therapist = base[0].items.iter().find(|i| i.code == "B01.047.001").unwrap();
    assert_eq!(therapist.price, Some(Kopecks(230_000)), "the changed price");
    let lab = base.iter().find(|s| s.name == "Лаборатория (импорт)").expect("the new section");
    assert_eq!((lab.items.len(), lab.items[999].price), (1_000, Some(Kopecks(109_900))));
    let under_oms = store.price_list(oms_id, None).await.unwrap();
    let new = under_oms.iter().flat_map(|s| &s.items).find(|i| i.code == "X.1").unwrap();
    assert_eq!(new.price, None, "listed under ОМС with an empty price");
    let therapist = under_oms.iter().flat_map(|s| &s.items).find(|i| i.code == "B01.047.001").unwrap();
    assert_eq!(therapist.price, Some(Kopecks(0)));

    // The same file again: nothing to write.
    let again = store.stage_import(head.account_id, "прайс.csv", &rows, NOW + 1).await.unwrap();
    let outcome = store.apply_import(again, &checked.rows, &mapping.plans(), &actor, NOW + 1).await.unwrap();
    let ApplyOutcome::Applied(summary) = outcome else { panic!("applied: {outcome:?}") };
    assert_eq!((summary.added, summary.changed, summary.unchanged), (0, 0, 1_002));
}
