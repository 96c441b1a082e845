//! «Прайс-лист» for the head and the editors: the tariff plans (name, funding source, shown in
//! the cabinet or not), the import of a file from the MIS (a plain multipart form: the server
//! reads it and sends the browser to the preview), and the export as CSV.

use super::admin_api::{get_price_plans, SavePricePlan};
use super::rules::{Funding, PlanRecord};
use crate::i18n::{use_texts, Texts};
use crate::kernel::account::Roles;
use crate::platform::ui::errors::{last_error, ErrorPanel, FieldError, FormError, Loading};
use crate::platform::ui::staff::RequireStaff;
use crate::platform::ui::title::Title;
use crate::platform::ui::upload::upload_error_from_query;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

pub fn funding_label(t: &Texts, f: Funding) -> &'static str {
    let p = t.prices();
    match f {
        Funding::Oms => p.funding_oms,
        Funding::Dms => p.funding_dms,
        Funding::Paid => p.funding_paid,
    }
}

#[component]
pub fn PriceAdminPage() -> impl IntoView {
    let t = use_texts();
    let p = t.prices();
    let save = ServerAction::<SavePricePlan>::new();
    let save_error = last_error(save.value());
    let plans = Resource::new(move || save.version().get(), |_| get_price_plans());
    let query = use_query_map();
    let q = query.get_untracked();
    let import_error = Signal::stored(upload_error_from_query(q.get("import_error")));
    let notice = match (q.get("added"), q.get("changed"), q.get("unchanged"), q.get("imported")) {
        (Some(a), Some(c), Some(u), _) => Some((p.imported)(&a, &c, &u)),
        (_, _, _, Some(_)) => Some(p.imported_again.to_string()),
        _ => None,
    };
    view! {
        <Title text=p.admin_title/>
        <RequireStaff allowed=Roles::can_manage_prices view=move |_| view! {
            <h1>{p.admin_title}</h1>
            {notice.clone().map(|n| view! { <p class="notice" role="status">{n}</p> })}
            <p><a href="/prices">{t.nav_prices}</a>" · "<a href="/staff/prices/export.csv" download="prices.csv">{p.export_link}</a></p>
            <section class="panel">
                <h2>{p.import_title}</h2>
                <p class="hint" id="import-hint">{p.import_intro}</p>
                <form method="post" action="/staff/prices/import" enctype="multipart/form-data" class="stack">
                    <label for="import-file">{p.import_file}</label>
                    <input id="import-file" name="file" type="file" required
                        accept=".csv,.xlsx,.xls,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                        aria-describedby="import-hint file-error"/>
                    <FieldError error=import_error field="file"/>
                    <FormError error=Signal::derive(move || import_error.get().filter(|e| e.field_message("file", t).is_none()))/>
                    <button type="submit" class="primary">{p.import_button}</button>
                </form>
            </section>
            <h2>{p.plans_title}</h2>
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    match plans.await {
                        Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                        Ok(list) => view! {
                            <ul class="team">
                                {list.into_iter().map(|plan| view! { <PlanItem plan save/> }).collect_view()}
                            </ul>
                        }.into_any(),
                    }
                })}
            </Suspense>
            <section class="panel">
                <h2>{p.add_plan}</h2>
                <ActionForm action=save attr:class="stack">
                    <label for="plan-name">{p.plan_name}</label>
                    <input id="plan-name" name="name" type="text" required maxlength="100" aria-describedby="name-error"/>
                    <FieldError error=save_error field="name"/>
                    <FundingSelect id="plan-funding".into() chosen=Funding::Paid/>
                    <FieldError error=save_error field="funding"/>
                    <label class="check"><input type="checkbox" name="visible"/>" "{p.plan_visible}</label>
                    <FormError error=save_error/>
                    <button type="submit" class="primary">{p.add_plan}</button>
                </ActionForm>
            </section>
        }/>
    }
}

#[component]
fn FundingSelect(id: String, chosen: Funding) -> impl IntoView {
    let t = use_texts();
    view! {
        <label for=id.clone()>{t.prices().funding}</label>
        <select id=id name="funding">
            {Funding::ALL.into_iter().map(|f| view! {
                <option value=f.as_str() selected=f == chosen>{funding_label(t, f)}</option>
            }).collect_view()}
        </select>
    }
}

#[component]
fn PlanItem(plan: PlanRecord, save: ServerAction<SavePricePlan>) -> impl IntoView {
    let t = use_texts();
    let p = t.prices();
    let id = plan.id;
    let field = move |name: &str| format!("plan-{id}-{name}");
    view! {
        <li class="panel" data-testid="plan">
            <h3>{plan.name.clone()}</h3>
            <p class="hint">{funding_label(t, plan.funding)}" · "{(p.plan_priced)(plan.priced)}</p>
            <ActionForm action=save attr:class="stack">
                <input type="hidden" name="id" value=id.to_string()/>
                <label for=field("name")>{p.plan_name}</label>
                <input id=field("name") name="name" type="text" required maxlength="100" value=plan.name.clone()/>
                <FundingSelect id=field("funding") chosen=plan.funding/>
                <label class="check"><input type="checkbox" name="visible" checked=plan.visible/>" "{p.plan_visible}</label>
                <button type="submit">{p.save}</button>
            </ActionForm>
        </li>
    }
}
