//! The Prices tab: the price list by section under a tariff plan the clinic shows in the
//! cabinet, with a search that filters as you type and also works as a plain form.

use crate::api::prices::get_price_list;
use crate::components::errors::{ErrorPanel, Loading};
use crate::components::title::Title;
use crate::domain::prices::{filter, PriceList};
use crate::i18n::use_texts;
use leptos::prelude::*;
use leptos_router::{components::Form, hooks::use_query_map};

#[component]
pub fn PricesPage() -> impl IntoView {
    let t = use_texts();
    let query = use_query_map();
    let plan = Memo::new(move |_| query.read().get("plan").and_then(|p| p.parse::<i64>().ok()));
    let url_q = Memo::new(move |_| query.read().get("q").unwrap_or_default());
    // What is typed wins over the URL until the next navigation.
    let typed = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        url_q.track();
        typed.set(None);
    });
    let q = Signal::derive(move || typed.get().unwrap_or_else(|| url_q.get()));
    let list = Resource::new(move || plan.get(), get_price_list);
    view! {
        <Title text=t.nav_prices/>
        <h1>{t.nav_prices}</h1>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match list.await {
                    Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                    Ok(list) => view! { <PriceTable list q typed/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn PriceTable(list: PriceList, q: Signal<String>, typed: RwSignal<Option<String>>) -> impl IntoView {
    let t = use_texts();
    let PriceList { plans, plan_id, sections } = list;
    let empty_list = sections.is_empty();
    let shown = Memo::new(move |_| filter(&sections, &q.get()));
    view! {
        <Form method="GET" action="/prices" attr:class="price-search" attr:role="search">
            {(plans.len() > 1).then(|| view! {
                <div class="field">
                    <label for="plan">{t.tariff_plan}</label>
                    <select id="plan" name="plan">
                        {plans.iter().map(|p| view! {
                            <option value=p.id.to_string() selected=Some(p.id) == plan_id>{p.name.clone()}</option>
                        }).collect_view()}
                    </select>
                </div>
            })}
            {(plans.len() == 1).then(|| plan_id.map(|id| view! { <input type="hidden" name="plan" value=id.to_string()/> }))}
            <div class="field grow">
                <label for="q">{t.prices_search_label}</label>
                <input id="q" name="q" type="search" placeholder=t.prices_search_placeholder
                    prop:value=move || q.get()
                    on:input=move |ev| typed.set(Some(event_target_value(&ev)))/>
            </div>
            <button type="submit">{t.find}</button>
        </Form>
        {move || {
            let shown = shown.get();
            if empty_list {
                view! { <p class="empty">{t.no_prices}</p> }.into_any()
            } else if shown.is_empty() {
                view! { <p class="empty" role="status">{t.nothing_found}</p> }.into_any()
            } else {
                shown.into_iter().map(|s| view! {
                    <section class="price-section">
                        <h2>{s.name}</h2>
                        <table class="prices">
                            <thead><tr><th scope="col">{t.price_code}</th><th scope="col">{t.price_service}</th><th scope="col" class="num">{t.price_price}</th></tr></thead>
                            <tbody>
                                {s.items.into_iter().map(|i| view! {
                                    <tr>
                                        <td class="code" data-label=t.price_code>{i.code}</td>
                                        <td data-label=t.price_service>{i.service}</td>
                                        <td class="num" data-label=t.price_price>{i.price.format_rub()}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </section>
                }).collect_view().into_any()
            }
        }}
    }
}
