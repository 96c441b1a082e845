//! «Проверка прайс-листа»: a file that was read, before anything changes. The file's first rows
//! with a choice per column (what it holds) and of the header row — a plain GET form, so
//! «Проверить» works without JavaScript —, the errors by row, what applying would add and
//! change, and «Применить», which sends back exactly the mapping shown.

use super::admin_api::{get_import_preview, ApplyPriceImport, ImportPreview};
use super::import_rules::{Column, MappingProblem, RowProblem};
use super::rules::Kopecks;
use crate::i18n::{use_texts, Texts};
use crate::kernel::account::Roles;
use crate::kernel::error::AppError;
use crate::platform::ui::errors::{last_error, ErrorPanel, FormError, Loading};
use crate::platform::ui::staff::RequireStaff;
use crate::platform::ui::title::Title;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

/// The mapping the query asks for ("h" and "c0", "c1", …), as `Mapping::key` writes it; none when
/// the page is opened without one (the server guesses).
fn mapping_from_query(q: &leptos_router::params::ParamsMap) -> Option<String> {
    let h = q.get("h")?;
    let cols: Vec<String> = (0..).map_while(|i| q.get(&format!("c{i}"))).take(64).collect();
    Some(format!("{h};{}", cols.join(",")))
}

fn problem_text(t: &Texts, problem: &RowProblem, plan_name: &dyn Fn(i64) -> String) -> String {
    let p = t.prices();
    match problem {
        RowProblem::NoCode => p.row_no_code.into(),
        RowProblem::NoName => p.row_no_name.into(),
        RowProblem::CodeTooLong => p.row_code_too_long.into(),
        RowProblem::NameTooLong => p.row_name_too_long.into(),
        RowProblem::BadPrice { plan, cell } => (p.row_bad_price)(cell, &plan_name(*plan)),
        RowProblem::Duplicate { first_line } => (p.row_duplicate)(*first_line),
    }
}

fn mapping_text(t: &Texts, m: MappingProblem) -> &'static str {
    let p = t.prices();
    match m {
        MappingProblem::NoCode => p.map_no_code,
        MappingProblem::NoName => p.map_no_name,
        MappingProblem::NoPrice => p.map_no_price,
        MappingProblem::UnknownPlan => p.map_unknown_plan,
        MappingProblem::Twice => p.map_twice,
    }
}

#[component]
pub fn PriceImportPage() -> impl IntoView {
    let t = use_texts();
    let params = use_params_map();
    let query = use_query_map();
    let id = Memo::new(move |_| params.read().get("id").and_then(|s| s.parse::<i64>().ok()).unwrap_or(0));
    let mapping = Memo::new(move |_| mapping_from_query(&query.read()));
    let preview = Resource::new(move || (id.get(), mapping.get()), |(id, m)| get_import_preview(id, m));
    let apply = ServerAction::<ApplyPriceImport>::new();
    let apply_error = last_error(apply.value());
    view! {
        <Title text=t.prices().preview_title/>
        <RequireStaff allowed=Roles::can_manage_prices view=move |_| view! {
            <h1>{t.prices().preview_title}</h1>
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    match preview.await {
                        Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                        Ok(p) => view! { <Preview p apply apply_error/> }.into_any(),
                    }
                })}
            </Suspense>
            <p><a href="/staff/prices">{t.prices().back_to_prices}</a></p>
        }/>
    }
}

#[component]
fn Preview(
    p: ImportPreview,
    apply: ServerAction<ApplyPriceImport>,
    apply_error: Signal<Option<AppError>>,
) -> impl IntoView {
    let t = use_texts();
    let x = t.prices();
    let plans = p.plans.clone();
    let plan_name = move |id: i64| plans.iter().find(|pl| pl.id == id).map(|pl| pl.name.clone()).unwrap_or_default();
    let column_label = {
        let plan_name = plan_name.clone();
        move |c: Column| match c {
            Column::Skip => x.col_skip.to_string(),
            Column::Section => x.col_section.to_string(),
            Column::Code => x.col_code.to_string(),
            Column::Name => x.col_name.to_string(),
            Column::Price(plan) => (x.col_price)(&plan_name(plan)),
        }
    };
    let mut choices = vec![Column::Skip, Column::Section, Column::Code, Column::Name];
    choices.extend(p.plans.iter().map(|pl| Column::Price(pl.id)));
    let header_value = p.mapping.header.map(|h| h.to_string()).unwrap_or_else(|| "-".into());
    let action = format!("/staff/prices/import/{}", p.id);
    let columns = p.mapping.columns.clone();
    let plan_ids = p.mapping.plans();
    let sample_plans: Vec<String> = plan_ids.iter().map(|id| plan_name(*id)).collect();
    let intro = view! {
        <p>{(x.preview_file)(&p.file_name, p.rows_total)}</p>
        {p.applied.then(|| view! { <p class="notice" role="status">{x.applied_notice}</p> })}
    }
    .into_any();
    let file_head = view! {
        <section class="panel">
            <h2>{x.file_head_title}</h2>
            <form method="get" action=action class="stack">
                <label for="header-row">{x.header_row}</label>
                <select id="header-row" name="h">
                    <option value="-" selected=header_value == "-">{x.no_header}</option>
                    {(0..p.head.len()).map(|i| view! {
                        <option value=i.to_string() selected=header_value == i.to_string()>{(x.row_n)(i + 1)}</option>
                    }).collect_view()}
                </select>
                <div class="table-scroll">
                    <table class="import-head">
                        <thead>
                            <tr>
                                <th scope="col">"#"</th>
                                {columns.iter().enumerate().map(|(i, chosen)| {
                                    let chosen = *chosen;
                                    let id = format!("c{i}");
                                    view! {
                                        <th scope="col">
                                            <label for=id.clone()>{(x.column_n)(i + 1)}</label>
                                            <select id=id.clone() name=id>
                                                {choices.iter().map(|c| view! {
                                                    <option value=c.key() selected=*c == chosen>{column_label(*c)}</option>
                                                }).collect_view()}
                                            </select>
                                        </th>
                                    }
                                }).collect_view()}
                            </tr>
                        </thead>
                        <tbody>
                            {p.head.iter().enumerate().map(|(i, row)| view! {
                                <tr>
                                    <th scope="row">{i + 1}</th>
                                    {(0..p.width).map(|c| view! { <td>{row.get(c).cloned().unwrap_or_default()}</td> }).collect_view()}
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
                <button type="submit">{x.check_button}</button>
            </form>
        </section>
    }
    .into_any();
    let problems = view! {
        {(!p.mapping_problems.is_empty()).then(|| view! {
            <ul class="form-error" role="alert">
                {p.mapping_problems.iter().map(|m| view! { <li>{mapping_text(t, *m)}</li> }).collect_view()}
            </ul>
        })}
        {p.too_many_rows.then(|| view! { <p class="form-error" role="alert">{(t.prices().problem_too_many_rows)(super::import_rules::MAX_IMPORT_ROWS)}</p> })}
        {(p.error_count > 0).then(|| {
            let plan_name = plan_name.clone();
            view! {
                <section class="panel" aria-labelledby="import-errors">
                    <h2 id="import-errors">{(x.errors_title)(p.error_count)}</h2>
                    <ul class="import-errors">
                        {p.errors.iter().map(|e| view! {
                            <li>{format!("{}: {}", (x.row_n)(e.line), problem_text(t, &e.problem, &plan_name))}</li>
                        }).collect_view()}
                    </ul>
                    {(p.error_count > p.errors.len()).then(|| view! { <p>{(x.more_errors)(p.error_count - p.errors.len())}</p> })}
                </section>
            }
        })}
    }
    .into_any();
    let sample = view! {
        {p.mapping_problems.is_empty().then(|| view! {
            <section class="panel">
                <h2>{x.sample_title}</h2>
                <p>{(x.services_read)(p.services)}</p>
                <div class="table-scroll">
                    <table>
                        <thead>
                            <tr>
                                <th scope="col">"#"</th>
                                <th scope="col">{x.col_section}</th>
                                <th scope="col">{x.col_code}</th>
                                <th scope="col">{x.col_name}</th>
                                {sample_plans.iter().map(|n| view! { <th scope="col" class="num">{n.clone()}</th> }).collect_view()}
                            </tr>
                        </thead>
                        <tbody>
                            {p.sample.iter().map(|r| view! {
                                <tr>
                                    <th scope="row">{r.line}</th>
                                    <td>{r.section.clone()}</td>
                                    <td class="code">{r.code.clone()}</td>
                                    <td>{r.name.clone()}</td>
                                    {r.prices.iter().map(|k| view! { <td class="num">{k.map(Kopecks::format_rub)}</td> }).collect_view()}
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
                <p>{(x.summary)(p.summary.added, p.summary.changed, p.summary.unchanged, p.summary.new_sections, p.summary.untouched)}</p>
            </section>
        })}
    }
    .into_any();
    let apply_form = view! {
        {p.can_apply.then(|| view! {
            <ActionForm action=apply attr:class="stack">
                <input type="hidden" name="id" value=p.id.to_string()/>
                <input type="hidden" name="mapping" value=p.mapping_key.clone()/>
                <FormError error=apply_error/>
                <button type="submit" class="primary">{x.apply_button}</button>
            </ActionForm>
        })}
    }
    .into_any();
    view! { {intro} {file_head} {problems} {sample} {apply_form} }
}
