//! Reading a price list as clinics export it from their MIS (CSV or XLSX, already read into
//! cells by the server): which column holds what (guessed from the header, changed by staff on
//! the preview), every row checked with its errors named by the file's row number, and what an
//! import would add and change compared with the list in force. Nothing here touches storage.

use super::rules::{Kopecks, PlanRecord};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// More rows than this is not a price list (the bench imports 5,000).
pub const MAX_IMPORT_ROWS: usize = 50_000;
/// Columns beyond this are not read (an MIS export has a handful).
pub const MAX_IMPORT_COLUMNS: usize = 40;
pub const MAX_CODE_CHARS: usize = 40;
pub const MAX_NAME_CHARS: usize = 500;
/// Where services go that come before any section's heading, in a file without a section column.
pub const DEFAULT_SECTION: &str = "Услуги";
/// How many rows of the file the preview shows.
pub const PREVIEW_ROWS: usize = 15;

/// What one column of the file holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Column {
    Skip,
    Section,
    Code,
    Name,
    /// The price under this tariff plan.
    Price(i64),
}

impl Column {
    pub fn key(self) -> String {
        match self {
            Column::Skip => "skip".into(),
            Column::Section => "section".into(),
            Column::Code => "code".into(),
            Column::Name => "name".into(),
            Column::Price(plan) => format!("price:{plan}"),
        }
    }

    pub fn parse(s: &str) -> Option<Column> {
        match s {
            "skip" => Some(Column::Skip),
            "section" => Some(Column::Section),
            "code" => Some(Column::Code),
            "name" => Some(Column::Name),
            _ => s.strip_prefix("price:")?.parse().ok().map(Column::Price),
        }
    }
}

/// Which row is the header (none: the data starts at the first row) and what each column holds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mapping {
    /// Index of the header row; rows up to it are not data.
    pub header: Option<usize>,
    pub columns: Vec<Column>,
}

impl Mapping {
    /// "2;code,name,skip,price:3" (header row index or "-", then the columns): the form the
    /// preview's "apply" button sends back, so that exactly what was previewed is applied.
    pub fn key(&self) -> String {
        let header = self.header.map(|h| h.to_string()).unwrap_or_else(|| "-".into());
        let cols: Vec<String> = self.columns.iter().map(|c| c.key()).collect();
        format!("{header};{}", cols.join(","))
    }

    pub fn parse(s: &str) -> Option<Mapping> {
        let (header, cols) = s.split_once(';')?;
        let header = if header == "-" { None } else { Some(header.parse().ok()?) };
        let columns = if cols.is_empty() {
            Vec::new()
        } else {
            cols.split(',').map(Column::parse).collect::<Option<Vec<_>>>()?
        };
        (columns.len() <= MAX_IMPORT_COLUMNS).then_some(Mapping { header, columns })
    }

    /// The plans whose prices this mapping reads, in column order.
    pub fn plans(&self) -> Vec<i64> {
        let mut plans = Vec::new();
        for c in &self.columns {
            if let Column::Price(p) = c {
                if !plans.contains(p) {
                    plans.push(*p);
                }
            }
        }
        plans
    }
}

fn fold(s: &str) -> String {
    s.trim().to_lowercase().replace('ё', "е")
}

/// The mapping a file most likely wants: the header is the first of its first rows (those the
/// preview shows) with a
/// code and a service heading («Код внешний», «Услуга»/«Наименование»); a price column is the
/// plan whose name it carries, or, for a bare «Цена»/«Стоимость», the first plan not yet taken.
/// A file without such a header is read as code, name, price under the first plan.
pub fn guess(cells: &[Vec<String>], plans: &[PlanRecord]) -> Mapping {
    let width = cells.iter().map(Vec::len).max().unwrap_or(0).min(MAX_IMPORT_COLUMNS);
    let is_code = |c: &str| c.starts_with("код") || c == "code" || c.starts_with("артикул");
    let is_name = |c: &str| c.contains("услуг") || c.starts_with("наименован") || c.starts_with("название");
    let header = cells.iter().take(PREVIEW_ROWS).position(|row| {
        let folded: Vec<String> = row.iter().map(|c| fold(c)).collect();
        folded.iter().any(|c| is_code(c)) && folded.iter().any(|c| is_name(c))
    });
    let mut columns = vec![Column::Skip; width];
    match header {
        Some(h) => {
            let row = &cells[h];
            let mut taken: Vec<i64> = Vec::new();
            let mut bare: Vec<usize> = Vec::new();
            for (i, cell) in row.iter().enumerate().take(width) {
                let c = fold(cell);
                if c.is_empty() {
                    continue;
                }
                let named = plans.iter().find(|p| !taken.contains(&p.id) && c.contains(&fold(&p.name)));
                columns[i] = if let Some(p) = named {
                    taken.push(p.id);
                    Column::Price(p.id)
                } else if is_code(&c) && !columns.contains(&Column::Code) {
                    Column::Code
                } else if c.starts_with("раздел") || c.starts_with("группа") || c.starts_with("категория")
                {
                    Column::Section
                } else if is_name(&c) && !columns.contains(&Column::Name) {
                    Column::Name
                } else if c.starts_with("цена") || c.starts_with("стоимость") || c == "price" {
                    bare.push(i);
                    Column::Skip
                } else {
                    Column::Skip
                };
            }
            let mut free = plans.iter().filter(|p| !taken.contains(&p.id));
            for i in bare {
                if let Some(p) = free.next() {
                    columns[i] = Column::Price(p.id);
                }
            }
        }
        None => {
            let defaults = [Column::Code, Column::Name];
            for (i, c) in defaults.into_iter().enumerate().take(width) {
                columns[i] = c;
            }
            if width > 2 {
                if let Some(p) = plans.first() {
                    columns[2] = Column::Price(p.id);
                }
            }
        }
    }
    Mapping { header, columns }
}

/// One service as the file gives it, checked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportRow {
    /// The file's row number, from 1, as a spreadsheet shows it.
    pub line: usize,
    pub section: String,
    pub code: String,
    pub name: String,
    /// For each mapped plan (in `Mapping::plans` order), the price or none (an empty cell: the
    /// service has no price under that plan).
    pub prices: Vec<Option<Kopecks>>,
}

/// What is wrong with the mapping itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum MappingProblem {
    NoCode,
    NoName,
    NoPrice,
    /// A plan the clinic does not have (changed since the preview).
    UnknownPlan,
    /// Two columns hold the same field.
    Twice,
}

/// What is wrong with one row.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RowProblem {
    NoCode,
    NoName,
    CodeTooLong,
    NameTooLong,
    /// The cell under this plan is not an amount of roubles.
    BadPrice {
        plan: i64,
        cell: String,
    },
    /// The same code as an earlier row.
    Duplicate {
        first_line: usize,
    },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowError {
    pub line: usize,
    pub problem: RowProblem,
}

/// A file read under a mapping: the services it holds, or why it cannot be applied.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checked {
    pub rows: Vec<ImportRow>,
    pub mapping: Vec<MappingProblem>,
    pub errors: Vec<RowError>,
    pub too_many_rows: bool,
}

impl Checked {
    pub fn can_apply(&self) -> bool {
        self.mapping.is_empty() && self.errors.is_empty() && !self.too_many_rows && !self.rows.is_empty()
    }
}

/// Reads every data row under `mapping`. A row with a single filled cell and no price is a
/// section's heading (as MIS exports print «01. ВРАЧЕБНЫЕ КОНСУЛЬТАЦИИ» above their services)
/// unless a column holds the section; empty rows are skipped.
pub fn check(cells: &[Vec<String>], mapping: &Mapping, plans: &[PlanRecord]) -> Checked {
    let mut out = Checked::default();
    let col = |c: Column| mapping.columns.iter().position(|x| *x == c);
    let (code_col, name_col, section_col) = (col(Column::Code), col(Column::Name), col(Column::Section));
    if code_col.is_none() {
        out.mapping.push(MappingProblem::NoCode);
    }
    if name_col.is_none() {
        out.mapping.push(MappingProblem::NoName);
    }
    let plan_ids = mapping.plans();
    if plan_ids.is_empty() {
        out.mapping.push(MappingProblem::NoPrice);
    }
    if plan_ids.iter().any(|p| !plans.iter().any(|x| x.id == *p)) {
        out.mapping.push(MappingProblem::UnknownPlan);
    }
    let fields: Vec<Column> = mapping.columns.iter().copied().filter(|c| *c != Column::Skip).collect();
    if fields.iter().enumerate().any(|(i, c)| fields[..i].contains(c)) {
        out.mapping.push(MappingProblem::Twice);
    }
    if !out.mapping.is_empty() {
        return out;
    }
    let (code_col, name_col) = (code_col.unwrap_or(0), name_col.unwrap_or(0));
    let price_cols: Vec<(usize, i64)> = mapping
        .columns
        .iter()
        .enumerate()
        .filter_map(|(i, c)| if let Column::Price(p) = c { Some((i, *p)) } else { None })
        .collect();
    let start = mapping.header.map(|h| h + 1).unwrap_or(0);
    if cells.len().saturating_sub(start) > MAX_IMPORT_ROWS {
        out.too_many_rows = true;
        return out;
    }
    let mut section = DEFAULT_SECTION.to_string();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (index, row) in cells.iter().enumerate().skip(start) {
        let line = index + 1;
        let cell = |i: usize| row.get(i).map(|s| s.trim()).unwrap_or("");
        let filled: Vec<&str> = row.iter().map(|s| s.trim()).filter(|s| !s.is_empty()).collect();
        if filled.is_empty() {
            continue;
        }
        let priced = price_cols.iter().any(|(i, _)| !cell(*i).is_empty());
        match section_col {
            Some(s) if !cell(s).is_empty() => section = cell(s).to_string(),
            Some(_) => {}
            None if filled.len() == 1 && !priced => {
                section = filled[0].to_string();
                continue;
            }
            None => {}
        }
        let (code, name) = (cell(code_col), cell(name_col));
        let mut problems = Vec::new();
        if code.is_empty() {
            problems.push(RowProblem::NoCode);
        } else if code.chars().count() > MAX_CODE_CHARS {
            problems.push(RowProblem::CodeTooLong);
        }
        if name.is_empty() {
            problems.push(RowProblem::NoName);
        } else if name.chars().count() > MAX_NAME_CHARS {
            problems.push(RowProblem::NameTooLong);
        }
        let mut prices = vec![None; plan_ids.len()];
        for (i, plan) in &price_cols {
            let slot = plan_ids.iter().position(|p| p == plan).unwrap_or(0);
            match Kopecks::parse_roubles(&strip_currency(cell(*i))) {
                Ok(p) => prices[slot] = p,
                Err(()) => {
                    problems.push(RowProblem::BadPrice { plan: *plan, cell: cell(*i).chars().take(40).collect() })
                }
            }
        }
        if !code.is_empty() {
            if let Some(first) = seen.get(&fold(code)) {
                problems.push(RowProblem::Duplicate { first_line: *first });
            } else {
                seen.insert(fold(code), line);
            }
        }
        if problems.is_empty() {
            out.rows.push(ImportRow { line, section: section.clone(), code: code.into(), name: name.into(), prices });
        } else {
            out.errors.extend(problems.into_iter().map(|problem| RowError { line, problem }));
        }
    }
    out
}

/// "1 500,00 ₽", "1500 руб.", "1500р" → "1 500,00" / "1500": the currency as exports print it.
fn strip_currency(cell: &str) -> String {
    let lower = cell.to_lowercase();
    let trimmed =
        ["₽", "руб.", "руб", "р.", "р", "rub"].iter().find_map(|suffix| lower.strip_suffix(suffix)).unwrap_or(&lower);
    trimmed.trim().to_string()
}

/// A service in the list in force, as an import compares against it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentService {
    pub code: String,
    pub section: String,
    pub name: String,
    /// (plan, price) for every plan it has a price under.
    pub prices: Vec<(i64, Kopecks)>,
}

/// What applying would do.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    pub added: usize,
    pub changed: usize,
    pub unchanged: usize,
    /// Sections the list does not have yet.
    pub new_sections: usize,
    /// Services in force that the file does not name: left as they are.
    pub untouched: usize,
}

/// Compares the checked rows with the list in force: the summary, and which rows need writing
/// (new or changed — a file applied twice writes nothing the second time).
pub fn compare(current: &[CurrentService], rows: &[ImportRow], plans: &[i64]) -> (Summary, Vec<usize>) {
    // Codes and sections match as written: they are the keys the database keeps unique.
    let by_code: HashMap<&str, &CurrentService> = current.iter().map(|c| (c.code.as_str(), c)).collect();
    let sections: std::collections::HashSet<&str> = current.iter().map(|c| c.section.as_str()).collect();
    let mut new_sections: std::collections::HashSet<&str> = std::collections::HashSet::new();
    let mut summary = Summary::default();
    let mut write = Vec::new();
    let mut named = 0;
    for (i, row) in rows.iter().enumerate() {
        if !sections.contains(row.section.as_str()) {
            new_sections.insert(&row.section);
        }
        match by_code.get(row.code.as_str()) {
            None => {
                summary.added += 1;
                write.push(i);
            }
            Some(c) => {
                named += 1;
                let same_prices = plans
                    .iter()
                    .zip(&row.prices)
                    .all(|(plan, price)| c.prices.iter().find(|(p, _)| p == plan).map(|(_, k)| *k) == *price);
                if c.name == row.name && c.section == row.section && same_prices {
                    summary.unchanged += 1;
                } else {
                    summary.changed += 1;
                    write.push(i);
                }
            }
        }
    }
    summary.new_sections = new_sections.len();
    summary.untouched = current.len() - named;
    (summary, write)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::prices::rules::Funding;

    fn plans() -> Vec<PlanRecord> {
        let plan =
            |id, name: &str| PlanRecord { id, name: name.into(), funding: Funding::Paid, visible: true, priced: 0 };
        vec![plan(1, "Платные услуги"), plan(2, "ДМС Согаз")]
    }

    fn table(rows: &[&[&str]]) -> Vec<Vec<String>> {
        rows.iter().map(|r| r.iter().map(|c| c.to_string()).collect()).collect()
    }

    /// The seed's layout: a title line, the header, a section heading in the first column,
    /// services under it.
    fn mis_export() -> Vec<Vec<String>> {
        table(&[
            &["Прайс-лист на 01.12.2026", "", ""],
            &["Код внешний", "Услуга", "Цена"],
            &["01. ВРАЧЕБНЫЕ КОНСУЛЬТАЦИИ", "", ""],
            &["01000001", "Врачебный консилиум (не менее 3 врачей)", ""],
            &["01000003", "Консультация профессора первично", "3 500,00"],
            &["", "", ""],
            &["02. УЗИ", "", ""],
            &["02000001", "УЗИ щитовидной железы", "1500 руб."],
        ])
    }

    #[test]
    fn the_header_and_columns_are_guessed_from_an_mis_export() {
        let m = guess(&mis_export(), &plans());
        assert_eq!(m, Mapping { header: Some(1), columns: vec![Column::Code, Column::Name, Column::Price(1)] });
        let m = guess(&table(&[&["Раздел", "Код", "Наименование", "Стоимость ДМС Согаз", "Цена"]]), &plans());
        assert_eq!(m.columns, vec![Column::Section, Column::Code, Column::Name, Column::Price(2), Column::Price(1)]);
        let m = guess(&table(&[&["A1", "Приём", "100", "x"]]), &plans());
        assert_eq!(
            m,
            Mapping { header: None, columns: vec![Column::Code, Column::Name, Column::Price(1), Column::Skip] }
        );
    }

    #[test]
    fn section_headings_rows_and_prices_are_read_with_their_row_numbers() {
        let cells = mis_export();
        let c = check(&cells, &guess(&cells, &plans()), &plans());
        assert!(c.can_apply(), "{c:?}");
        let got: Vec<(usize, &str, &str, Option<Kopecks>)> =
            c.rows.iter().map(|r| (r.line, r.section.as_str(), r.code.as_str(), r.prices[0])).collect();
        assert_eq!(
            got,
            vec![
                (4, "01. ВРАЧЕБНЫЕ КОНСУЛЬТАЦИИ", "01000001", None),
                (5, "01. ВРАЧЕБНЫЕ КОНСУЛЬТАЦИИ", "01000003", Some(Kopecks(350_000))),
                (8, "02. УЗИ", "02000001", Some(Kopecks(150_000))),
            ]
        );
    }

    #[test]
    fn every_bad_row_is_named_and_nothing_can_be_applied() {
        let cells = table(&[
            &["Код", "Услуга", "Цена"],
            &["A1", "Приём", "100"],
            &["", "Без кода", "200"],
            &["A2", "", "300"],
            &["A3", "Приём", "сто"],
            &["a1", "Повтор", "100"],
            &["A4", "Минус", "-5"],
        ]);
        let c = check(&cells, &guess(&cells, &plans()), &plans());
        assert!(!c.can_apply());
        assert_eq!(
            c.errors,
            vec![
                RowError { line: 3, problem: RowProblem::NoCode },
                RowError { line: 4, problem: RowProblem::NoName },
                RowError { line: 5, problem: RowProblem::BadPrice { plan: 1, cell: "сто".into() } },
                RowError { line: 6, problem: RowProblem::Duplicate { first_line: 2 } },
                RowError { line: 7, problem: RowProblem::BadPrice { plan: 1, cell: "-5".into() } },
            ]
        );
        assert_eq!(c.rows.len(), 1);
    }

    #[test]
    fn a_mapping_without_code_name_or_price_or_with_a_field_twice_is_refused() {
        let cells = mis_export();
        let m = |cols: Vec<Column>| Mapping { header: Some(1), columns: cols };
        let problems = |cols| check(&cells, &m(cols), &plans()).mapping;
        assert_eq!(problems(vec![Column::Skip, Column::Name, Column::Price(1)]), vec![MappingProblem::NoCode]);
        assert_eq!(
            problems(vec![Column::Code, Column::Skip, Column::Skip]),
            vec![MappingProblem::NoName, MappingProblem::NoPrice]
        );
        assert_eq!(problems(vec![Column::Code, Column::Name, Column::Price(9)]), vec![MappingProblem::UnknownPlan]);
        assert_eq!(
            problems(vec![Column::Code, Column::Code, Column::Name, Column::Price(1)]),
            vec![MappingProblem::Twice]
        );
    }

    #[test]
    fn a_mapping_survives_its_round_trip_through_the_form() {
        let m = Mapping { header: Some(2), columns: vec![Column::Code, Column::Skip, Column::Price(12)] };
        assert_eq!(m.key(), "2;code,skip,price:12");
        assert_eq!(Mapping::parse(&m.key()), Some(m));
        assert_eq!(Mapping::parse("-;code,name").map(|m| m.header), Some(None));
        for bad in ["", "x;code", "1;code,bogus", "1;price:x"] {
            assert_eq!(Mapping::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn compared_with_the_list_in_force_only_new_and_changed_rows_are_written() {
        let cells = mis_export();
        let c = check(&cells, &guess(&cells, &plans()), &plans());
        let current = vec![
            CurrentService {
                code: "01000001".into(),
                section: "01. ВРАЧЕБНЫЕ КОНСУЛЬТАЦИИ".into(),
                name: "Врачебный консилиум (не менее 3 врачей)".into(),
                prices: vec![(2, Kopecks(100))],
            },
            CurrentService {
                code: "01000003".into(),
                section: "01. ВРАЧЕБНЫЕ КОНСУЛЬТАЦИИ".into(),
                name: "Консультация профессора первично".into(),
                prices: vec![(1, Kopecks(300_000))],
            },
            CurrentService {
                code: "99".into(), section: "Прочее".into(), name: "Старое".into(), prices: vec![]
            },
        ];
        let (summary, write) = compare(&current, &c.rows, &[1]);
        assert_eq!(summary, Summary { added: 1, changed: 1, unchanged: 1, new_sections: 1, untouched: 1 });
        assert_eq!(write, vec![1, 2]);
    }
}
