//! The price list's administration (the head, the editors): tariff plans with their funding
//! source and whether the cabinet shows them; a file imported in three steps — read and kept
//! (`stage_import`), previewed under a column mapping (`preview`), applied in one transaction
//! once it has no errors (`apply`) —; the whole list exported as CSV.

use super::admin_api::ImportPreview;
use super::import_rules::{check, compare, guess, Column, Mapping, MAX_IMPORT_COLUMNS, MAX_IMPORT_ROWS, PREVIEW_ROWS};
use super::rules::{check_plan_name, Funding, Kopecks, PlanRecord};
use super::store::{ApplyOutcome, PlanInput};
use crate::kernel::error::{AppError, Problem};
use crate::platform::audit::Actor;
use crate::platform::state::AppState;
use crate::platform::store::SessionRecord;
use std::net::IpAddr;

/// A cell longer than this is cut when a file is read (a service's name is at most 500).
const MAX_CELL_CHARS: usize = 1_000;
/// How many row errors the preview lists (the count says how many there are).
const LISTED_ERRORS: usize = 200;

pub async fn plans(state: &AppState) -> Result<Vec<PlanRecord>, AppError> {
    Ok(state.store.plans().await?)
}

/// Adds (`id` None) or changes a tariff plan.
pub async fn save_plan(
    state: &AppState,
    session: &SessionRecord,
    peer: IpAddr,
    id: Option<i64>,
    name: &str,
    funding: &str,
    visible: bool,
) -> Result<(), AppError> {
    let name = check_plan_name(name).map_err(|()| {
        AppError::field("name", if name.trim().is_empty() { Problem::Required } else { Problem::TooLong(100) })
    })?;
    let funding = Funding::parse(funding).ok_or_else(|| AppError::field("funding", Problem::Choice))?;
    let plan = PlanInput { name, funding, visible };
    state.store.save_plan(id, &plan, &Actor::staff(session, peer), state.now()).await?.ok_or(AppError::NotFound)?;
    Ok(())
}

/// Keeps a file's cells (as the server read them) for the preview; its id. Cells are cut to a
/// sane size; an empty table or one over the row limit is refused here, before anything is kept.
pub async fn stage_import(
    state: &AppState,
    session: &SessionRecord,
    file_name: &str,
    cells: Vec<Vec<String>>,
) -> Result<i64, AppError> {
    if cells.len() > MAX_IMPORT_ROWS + 100 {
        return Err(AppError::field("file", Problem::TooManyRows(MAX_IMPORT_ROWS)));
    }
    let cells: Vec<Vec<String>> = cells
        .into_iter()
        .map(|row| {
            let mut row: Vec<String> = row
                .into_iter()
                .take(MAX_IMPORT_COLUMNS)
                .map(|c| c.chars().filter(|ch| !ch.is_control() || *ch == ' ').take(MAX_CELL_CHARS).collect())
                .collect();
            while row.last().is_some_and(|c: &String| c.trim().is_empty()) {
                row.pop();
            }
            row
        })
        .collect();
    if cells.iter().all(Vec::is_empty) {
        return Err(AppError::field("file", Problem::Required));
    }
    let name: String = file_name.chars().filter(|c| !c.is_control()).take(200).collect();
    Ok(state.store.stage_import(session.account_id, &name, &cells, state.now()).await?)
}

/// The import under `mapping` (the guessed one when none or an unreadable one is given).
pub async fn preview(state: &AppState, id: i64, mapping: Option<&str>) -> Result<ImportPreview, AppError> {
    let staged = state.store.staged_import(id).await?.ok_or(AppError::NotFound)?;
    let plans = state.store.plans().await?;
    let width = staged.cells.iter().map(Vec::len).max().unwrap_or(0).min(MAX_IMPORT_COLUMNS);
    let mapping = match mapping.and_then(Mapping::parse) {
        Some(mut m) => {
            m.columns.resize(width, Column::Skip);
            m
        }
        None => guess(&staged.cells, &plans),
    };
    let checked = check(&staged.cells, &mapping, &plans);
    let current = state.store.current_services().await?;
    let (summary, _) = compare(&current, &checked.rows, &mapping.plans());
    let head = staged
        .cells
        .iter()
        .take(PREVIEW_ROWS)
        .map(|row| row.iter().map(|c| c.chars().take(80).collect()).collect())
        .collect();
    Ok(ImportPreview {
        id,
        file_name: staged.file_name,
        applied: staged.applied_at.is_some(),
        can_apply: checked.can_apply() && staged.applied_at.is_none(),
        mapping_key: mapping.key(),
        head,
        width,
        rows_total: staged.cells.len(),
        error_count: checked.errors.len(),
        errors: checked.errors.into_iter().take(LISTED_ERRORS).collect(),
        mapping_problems: checked.mapping,
        too_many_rows: checked.too_many_rows,
        services: checked.rows.len(),
        sample: checked.rows.into_iter().take(PREVIEW_ROWS).collect(),
        mapping,
        summary,
        plans,
    })
}

/// Applies the import exactly as previewed under `mapping_key`; the summary, or None when it
/// was applied before (a second click changes nothing).
pub async fn apply(
    state: &AppState,
    session: &SessionRecord,
    peer: IpAddr,
    id: i64,
    mapping_key: &str,
) -> Result<Option<super::import_rules::Summary>, AppError> {
    let staged = state.store.staged_import(id).await?.ok_or(AppError::NotFound)?;
    let mapping = Mapping::parse(mapping_key).ok_or(AppError::BadRequest)?;
    let plans = state.store.plans().await?;
    let checked = check(&staged.cells, &mapping, &plans);
    if staged.applied_at.is_some() {
        return Ok(None);
    }
    if !checked.can_apply() {
        return Err(AppError::ImportHasErrors);
    }
    let actor = Actor::staff(session, peer);
    match state.store.apply_import(id, &checked.rows, &mapping.plans(), &actor, state.now()).await? {
        ApplyOutcome::Applied(summary) => Ok(Some(summary)),
        ApplyOutcome::AlreadyApplied => Ok(None),
        ApplyOutcome::Missing => Err(AppError::NotFound),
    }
}

/// A field for a CSV line: quoted when it holds the separator, a quote or a line break.
fn csv_field(s: &str) -> String {
    if s.contains([';', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// "1500,00": roubles as a Russian spreadsheet reads them.
fn csv_price(k: Kopecks) -> String {
    format!("{},{:02}", k.0 / 100, k.0 % 100)
}

/// The whole price list as CSV the way Russian spreadsheets open it (UTF-8 with a byte-order
/// mark, `;` between fields, decimal commas): section, external code, service, a price column
/// per plan (empty where the service has no price). Importing it back changes nothing.
pub async fn export_csv(state: &AppState) -> Result<String, AppError> {
    let plans = state.store.plans().await?;
    let services = state.store.current_services().await?;
    let mut out = String::from("\u{FEFF}");
    let mut header = vec!["Раздел".to_string(), "Код внешний".into(), "Услуга".into()];
    header.extend(plans.iter().map(|p| p.name.clone()));
    out.push_str(&header.iter().map(|h| csv_field(h)).collect::<Vec<_>>().join(";"));
    out.push_str("\r\n");
    for s in &services {
        let mut line = vec![csv_field(&s.section), csv_field(&s.code), csv_field(&s.name)];
        for p in &plans {
            line.push(s.prices.iter().find(|(id, _)| *id == p.id).map(|(_, k)| csv_price(*k)).unwrap_or_default());
        }
        out.push_str(&line.join(";"));
        out.push_str("\r\n");
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_only_when_they_must_be() {
        assert_eq!(csv_field("УЗИ"), "УЗИ");
        assert_eq!(csv_field("Приём; повторный"), "\"Приём; повторный\"");
        assert_eq!(csv_field("«Эконом» \"плюс\""), "\"«Эконом» \"\"плюс\"\"\"");
        assert_eq!(csv_price(Kopecks(150_005)), "1500,05");
        assert_eq!(Kopecks::parse_roubles(&csv_price(Kopecks(150_005))), Ok(Some(Kopecks(150_005))));
    }
}
