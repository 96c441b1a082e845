//! The Prices tab: the price list by section under a tariff plan the clinic shows in the
//! cabinet, with a search that works as a plain form and, in the browser, filters as you type
//! (the one island of this page).

use crate::features::prices::api::get_price_list;
use crate::features::prices::rules::{filter, PriceList};
use crate::i18n::{use_texts, Texts};
use crate::platform::ui::errors::{ErrorPanel, Loading};
use crate::platform::ui::title::Title;
use leptos::either::EitherOf3;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

#[component]
pub fn PricesPage() -> impl IntoView {
    let t = use_texts();
    let query = use_query_map();
    let plan = Memo::new(move |_| query.read().get("plan").and_then(|p| p.parse::<i64>().ok()));
    let list = Resource::new(move || plan.get(), get_price_list);
    view! {
        <Title text=t.nav_prices/>
        <h1>{t.nav_prices}</h1>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                let q = query.read_untracked().get("q").unwrap_or_default();
                match list.await {
                    Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                    Ok(list) => view! { <PriceSearch list q texts=PriceTexts::new(t)/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The words the price search shows (islands get their texts as props, not from the context).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriceTexts {
    tariff_plan: String,
    search_label: String,
    search_placeholder: String,
    find: String,
    no_prices: String,
    nothing_found: String,
    code: String,
    service: String,
    price: String,
}

impl PriceTexts {
    pub fn new(t: &Texts) -> Self {
        PriceTexts {
            tariff_plan: t.prices().tariff_plan.into(),
            search_label: t.prices().prices_search_label.into(),
            search_placeholder: t.prices().prices_search_placeholder.into(),
            find: t.find.into(),
            no_prices: t.prices().no_prices.into(),
            nothing_found: t.prices().nothing_found.into(),
            code: t.prices().price_code.into(),
            service: t.prices().price_service.into(),
            price: t.prices().price_price.into(),
        }
    }
}

/// The search form and the list. On the server it shows the list filtered by the query `q`;
/// in the browser the list follows what is typed, without a page load.
#[island]
pub fn PriceSearch(list: PriceList, q: String, texts: PriceTexts) -> impl IntoView {
    let PriceList { plans, plan_id, sections } = list;
    let PriceTexts {
        tariff_plan,
        search_label,
        search_placeholder,
        find,
        no_prices,
        nothing_found,
        code,
        service,
        price,
    } = texts;
    let empty_list = sections.is_empty();
    let typed = RwSignal::new(q.clone());
    let shown = Memo::new(move |_| filter(&sections, &typed.read()));
    view! {
        <form method="get" action="/prices" class="price-search" role="search">
            {(plans.len() > 1).then(|| view! {
                <div class="field">
                    <label for="plan">{tariff_plan}</label>
                    <select id="plan" name="plan">
                        {plans.iter().map(|p| view! {
                            <option value=p.id.to_string() selected=Some(p.id) == plan_id>{p.name.clone()}</option>
                        }).collect_view()}
                    </select>
                </div>
            })}
            {(plans.len() == 1).then(|| plan_id.map(|id| view! { <input type="hidden" name="plan" value=id.to_string()/> }))}
            <div class="field grow">
                <label for="q">{search_label}</label>
                <input id="q" name="q" type="search" placeholder=search_placeholder value=q
                    on:input=move |ev| typed.set(event_target_value(&ev))/>
            </div>
            <button type="submit">{find}</button>
        </form>
        {move || {
            let shown = shown.get();
            // `EitherOf3` rather than `into_any()`: the type-erased view costs the WASM more.
            if empty_list {
                EitherOf3::A(view! { <p class="empty">{no_prices.clone()}</p> })
            } else if shown.is_empty() {
                EitherOf3::B(view! { <p class="empty" role="status">{nothing_found.clone()}</p> })
            } else {
                let (code, service, price) = (code.clone(), service.clone(), price.clone());
                EitherOf3::C(shown.into_iter().map(|s| view! {
                    <section class="price-section">
                        <h2>{s.name}</h2>
                        <table class="prices">
                            <thead><tr><th scope="col">{code.clone()}</th><th scope="col">{service.clone()}</th><th scope="col" class="num">{price.clone()}</th></tr></thead>
                            <tbody>
                                {s.items.into_iter().map(|i| view! {
                                    <tr>
                                        <td class="code" data-label=code.clone()>{i.code}</td>
                                        <td data-label=service.clone()>{i.service}</td>
                                        <td class="num" data-label=price.clone()>{i.price.format_rub()}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </section>
                }).collect_view())
            }
        }}
    }
}
