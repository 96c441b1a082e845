//! The Prices tab: the price list by section under a tariff plan the clinic shows in the
//! cabinet, with a search that works as a plain form and, in the browser, filters as you type.
//!
//! A short list (up to `WHOLE_LIST_MAX` services): the server renders every section and row, and
//! hides (`hidden`) those the query `q` does not match; the one island of this page, around the
//! search field, shows and hides the same rows as the patient types, by the same rule
//! (`PriceQuery`). The list is sent once, as HTML, not a second time as the island's props.
//!
//! A long list (an MIS's thousands of services): an index of sections, each a link; the chosen
//! section's rows, or the first `MATCHES_SHOWN` services the search finds across the list.

use crate::features::prices::api::get_price_list;
use crate::features::prices::rules::{Kopecks, PriceList, PriceQuery, PriceSection, MATCHES_SHOWN};
use crate::i18n::use_texts;
use crate::platform::ui::errors::{ErrorPanel, Loading};
use crate::platform::ui::title::Title;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// The element that holds the sections, one child per section.
const PRICE_LIST_ID: &str = "price-list";
/// The "nothing found" line, shown when no row is.
const NOTHING_FOUND_ID: &str = "price-nothing";

#[component]
pub fn PricesPage() -> impl IntoView {
    let t = use_texts();
    let query = use_query_map();
    let chosen = Memo::new(move |_| {
        let q = query.read();
        let number = |k: &str| q.get(k).and_then(|v| v.parse::<i64>().ok());
        (number("plan"), number("section"), q.get("q").filter(|q| !q.trim().is_empty()))
    });
    let list = Resource::new(move || chosen.get(), |(plan, section, q)| get_price_list(plan, section, q));
    view! {
        <Title text=t.nav_prices/>
        <h1>{t.nav_prices}</h1>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                let q = query.read_untracked().get("q").unwrap_or_default();
                match list.await {
                    Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                    Ok(list) => view! { <PriceListView list q/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The search form, then the list: a short one whole, the rows `q` does not match hidden; a
/// long one as its index of sections with the chosen section's rows or the search's matches.
#[component]
fn PriceListView(list: PriceList, q: String) -> impl IntoView {
    let t = use_texts();
    let p = t.prices();
    let whole = list.is_whole();
    let PriceList { plans, plan_id, sections, index, section, more } = list;
    let shown = if whole { PriceQuery::new(&q).shown(&sections) } else { all_shown(&sections) };
    let any_shown = shown.iter().flatten().any(|&s| s);
    let rows = (!sections.is_empty()).then(|| {
        view! {
            <div id=PRICE_LIST_ID>
                {sections.into_iter().zip(shown).map(|(s, shown)| section_table(s, shown)).collect_view()}
            </div>
        }
    });
    let list = match index {
        None if rows.is_none() => view! { <p class="empty">{p.no_prices}</p> }.into_any(),
        None => view! {
            {rows}
            <p id=NOTHING_FOUND_ID class="empty" role="status" hidden=any_shown>{p.nothing_found}</p>
        }
        .into_any(),
        Some(index) => {
            let searched = !q.trim().is_empty();
            let shown_count = if more > 0 { Some(MATCHES_SHOWN) } else { None };
            view! {
                <nav class="price-index" aria-label=p.sections_label>
                    <ul>
                        {index.into_iter().map(|s| {
                            let href = format!("/prices?{}section={}", plan_id.map(|id| format!("plan={id}&")).unwrap_or_default(), s.id);
                            let current = (section == Some(s.id)).then_some("page");
                            view! { <li><a href=href aria-current=current>{format!("{} ({})", s.name, s.services)}</a></li> }
                        }).collect_view()}
                    </ul>
                </nav>
                {match (rows, searched) {
                    (Some(rows), _) => rows.into_any(),
                    (None, true) => view! { <p class="empty" role="status">{p.nothing_found}</p> }.into_any(),
                    (None, false) => view! { <p class="empty">{p.choose_section}</p> }.into_any(),
                }}
                {shown_count.map(|n| view! { <p class="empty" role="status">{(p.more_matches)(n, more)}</p> })}
            }
            .into_any()
        }
    };
    view! {
        <form method="get" action="/prices" class="price-search" role="search">
            {(plans.len() > 1).then(|| view! {
                <div class="field">
                    <label for="plan">{p.tariff_plan}</label>
                    <select id="plan" name="plan">
                        {plans.iter().map(|pl| view! {
                            <option value=pl.id.to_string() selected=Some(pl.id) == plan_id>{pl.name.clone()}</option>
                        }).collect_view()}
                    </select>
                </div>
            })}
            {(plans.len() == 1).then(|| plan_id.map(|id| view! { <input type="hidden" name="plan" value=id.to_string()/> }))}
            {section.map(|id| view! { <input type="hidden" name="section" value=id.to_string()/> })}
            <PriceSearch live=whole>
                <label for="q">{p.prices_search_label}</label>
                <input id="q" name="q" type="search" placeholder=p.prices_search_placeholder value=q/>
            </PriceSearch>
            <button type="submit">{t.find}</button>
        </form>
        {list}
    }
}

fn all_shown(sections: &[PriceSection]) -> Vec<Vec<bool>> {
    sections.iter().map(|s| vec![true; s.items.len()]).collect()
}

/// One section's table, the rows not `shown` hidden.
fn section_table(s: PriceSection, shown: Vec<bool>) -> impl IntoView {
    let p = use_texts().prices();
    let section_shown = shown.iter().any(|&v| v);
    view! {
        <section class="price-section" hidden=!section_shown>
            <h2>{s.name}</h2>
            <table class="prices">
                <thead><tr><th scope="col">{p.price_code}</th><th scope="col">{p.price_service}</th><th scope="col" class="num">{p.price_price}</th></tr></thead>
                <tbody>
                    {s.items.into_iter().zip(shown).map(|(i, shown)| view! {
                        <tr hidden=!shown>
                            <td class="code" data-label=p.price_code>{i.code}</td>
                            <td data-label=p.price_service>{i.service}</td>
                            <td class="num" data-label=p.price_price>{i.price.map(Kopecks::format_rub)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </section>
    }
}

/// The search field's box. In the browser the list follows what is typed, without a page load:
/// the rows and sections that do not match are hidden, as the server hides them for `q`.
/// A long list (`live` false) is not all on the page: its search waits for «Найти».
#[island]
pub fn PriceSearch(live: bool, children: Children) -> impl IntoView {
    let _live = live;
    view! {
        <div class="field grow" on:input=move |_ev| {
            #[cfg(feature = "hydrate")]
            if _live {
                browser::show_matching(&PriceQuery::new(&event_target_value(&_ev)));
            }
        }>
            {children()}
        </div>
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use super::{PriceQuery, NOTHING_FOUND_ID, PRICE_LIST_ID};
    use web_sys::Element;

    fn text(e: Option<Element>) -> String {
        e.and_then(|e| e.text_content()).unwrap_or_default()
    }

    /// Hides the rows (and the sections left without one) that `q` does not match; shows the
    /// "nothing found" line when no row is left.
    pub fn show_matching(q: &PriceQuery) {
        let Some(doc) = web_sys::window().and_then(|w| w.document()) else { return };
        let Some(list) = doc.get_element_by_id(PRICE_LIST_ID) else { return };
        let sections = list.children();
        let mut any_shown = false;
        for i in 0..sections.length() {
            let Some(section) = sections.item(i) else { continue };
            let name = text(section.get_elements_by_tag_name("h2").item(0));
            let mut section_shown = false;
            if let Some(body) = section.get_elements_by_tag_name("tbody").item(0) {
                let rows = body.children();
                for r in 0..rows.length() {
                    let Some(row) = rows.item(r) else { continue };
                    let cells = row.children();
                    let shown = q.matches(&name, &text(cells.item(0)), &text(cells.item(1)));
                    let _ = row.toggle_attribute_with_force("hidden", !shown);
                    section_shown |= shown;
                }
            }
            let _ = section.toggle_attribute_with_force("hidden", !section_shown);
            any_shown |= section_shown;
        }
        if let Some(nothing) = doc.get_element_by_id(NOTHING_FOUND_ID) {
            let _ = nothing.toggle_attribute_with_force("hidden", any_shown);
        }
    }
}
