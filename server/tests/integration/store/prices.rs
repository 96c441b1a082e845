//! `PricesStore`: the plans the cabinet offers and their price lists.

use super::seeded;
use app::platform::store::Store;

pub async fn story(url: &str) {
    let store = seeded(url).await;
    prices(&*store).await;
}

async fn prices(store: &dyn Store) {
    let plans = store.cabinet_tariff_plans().await.unwrap();
    let names: Vec<_> = plans.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["Базовый прайс", "ДМС"], "the hidden corporate plan is not offered");
    let base = store.price_list(plans[0].id).await.unwrap();
    assert_eq!(base.iter().map(|s| s.name.as_str()).collect::<Vec<_>>()[0], "Терапия");
    assert_eq!(base.len(), 6);
    assert_eq!(base[0].items[0].code, "B01.047.001");
    assert_eq!(base[0].items[0].price.0, 220_000);
    let dms = store.price_list(plans[1].id).await.unwrap();
    assert_eq!(dms[0].items[0].price.0, 264_000);
}
