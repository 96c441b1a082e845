//! The clinic's price list: sections, services, tariff plans, and the search over them.

use serde::{Deserialize, Serialize};

/// Money in kopecks, so arithmetic is exact.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Kopecks(pub i64);

impl Kopecks {
    /// Roubles as staff type them ("1500", "1 500,50", "99.5"), up to ten million; empty is
    /// none; anything else (a third decimal, letters, a sign) is an error.
    #[allow(clippy::result_unit_err)]
    pub fn parse_roubles(value: &str) -> Result<Option<Kopecks>, ()> {
        let v: String =
            value.chars().filter(|c| !c.is_whitespace() && *c != '\u{202F}').collect::<String>().replace(',', ".");
        if v.is_empty() {
            return Ok(None);
        }
        let (rub, kop) = v.split_once('.').unwrap_or((&v, ""));
        let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
        if !digits(rub) || kop.len() > 2 || !(kop.is_empty() || digits(kop)) {
            return Err(());
        }
        let rub: i64 = rub.parse().map_err(|_| ())?;
        let kop: i64 = if kop.is_empty() { 0 } else { format!("{kop:0<2}").parse().map_err(|_| ())? };
        if rub > 10_000_000 {
            return Err(());
        }
        Ok(Some(Kopecks(rub * 100 + kop)))
    }

    /// "1 250 ₽" or "1 250,50 ₽": Russian grouping with a narrow no-break space.
    pub fn format_rub(self) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        let (rub, kop) = (abs / 100, abs % 100);
        let digits = rub.to_string();
        let mut grouped = String::new();
        for (i, ch) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                grouped.push('\u{202F}');
            }
            grouped.push(ch);
        }
        if kop == 0 {
            format!("{sign}{grouped}\u{A0}₽")
        } else {
            format!("{sign}{grouped},{kop:02}\u{A0}₽")
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TariffPlan {
    pub id: i64,
    pub name: String,
}

/// Who pays under a tariff plan: the state's insurance (ОМС), a voluntary insurer (ДМС) or the
/// patient.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Funding {
    Oms,
    Dms,
    Paid,
}

impl Funding {
    pub const ALL: [Funding; 3] = [Funding::Oms, Funding::Dms, Funding::Paid];

    pub fn as_str(self) -> &'static str {
        match self {
            Funding::Oms => "oms",
            Funding::Dms => "dms",
            Funding::Paid => "paid",
        }
    }

    pub fn parse(s: &str) -> Option<Funding> {
        Funding::ALL.into_iter().find(|f| f.as_str() == s)
    }
}

/// A tariff plan as the price-list administration sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanRecord {
    pub id: i64,
    pub name: String,
    pub funding: Funding,
    /// Whether the cabinet's Prices tab offers it.
    pub visible: bool,
    /// How many services have a price under it.
    pub priced: i64,
}

/// A plan's name as staff type it: one line, 1–100 characters.
#[allow(clippy::result_unit_err)]
pub fn check_plan_name(name: &str) -> Result<String, ()> {
    let name = name.trim();
    let n = name.chars().count();
    if n == 0 || n > 100 || name.chars().any(char::is_control) {
        return Err(());
    }
    Ok(name.to_string())
}

/// One service on the Prices tab; `price` is empty when the service has no price under the
/// chosen plan (the seed lists such services with an empty price).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriceItem {
    pub code: String,
    pub service: String,
    pub price: Option<Kopecks>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriceSection {
    pub id: i64,
    pub name: String,
    pub items: Vec<PriceItem>,
}

/// A section as the index of a long price list names it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SectionSummary {
    pub id: i64,
    pub name: String,
    pub services: i64,
}

/// Up to this many services the Prices tab sends the whole list, and the search filters it in
/// the browser as the patient types. A longer list (an MIS export runs to thousands) is shown a
/// section at a time from an index of sections, and searched on the server: a phone is not sent
/// a megabyte of table.
pub const WHOLE_LIST_MAX: i64 = 300;
/// How many services a search over a long list shows; the rest are counted.
pub const MATCHES_SHOWN: usize = 200;
/// A search longer than this is cut (a query is a few words).
pub const QUERY_MAX_CHARS: usize = 100;

/// The price list under one plan, as the Prices tab shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriceList {
    pub plans: Vec<TariffPlan>,
    pub plan_id: Option<i64>,
    /// The rows sent: the whole list, or for a long one the chosen section or the search's
    /// matches (none when neither is chosen).
    pub sections: Vec<PriceSection>,
    /// For a list longer than [`WHOLE_LIST_MAX`]: every section with its size.
    pub index: Option<Vec<SectionSummary>>,
    /// The section chosen in the index.
    pub section: Option<i64>,
    /// How many more services a search over a long list matched than it shows.
    pub more: usize,
}

impl PriceList {
    /// Whether the whole list is here, so that the browser may filter it as the patient types.
    pub fn is_whole(&self) -> bool {
        self.index.is_none()
    }
}

fn fold(s: &str) -> String {
    s.to_lowercase().replace('ё', "е")
}

/// What a service is found by, folded as a query is: its code, name and section's name. The
/// store keeps it with the service, so that a search over a long list runs in the database.
pub fn search_text(section: &str, code: &str, service: &str) -> String {
    fold(&format!("{code} {service} {section}"))
}

/// A search of more words than this uses the first of them.
pub const QUERY_MAX_WORDS: usize = 8;

/// What is typed into the price search, folded once: every word must occur in the service's
/// name, its code or its section's name, ignoring case and ё/е. No words match everything.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PriceQuery {
    words: Vec<String>,
}

impl PriceQuery {
    pub fn new(typed: &str) -> Self {
        PriceQuery { words: fold(typed).split_whitespace().take(QUERY_MAX_WORDS).map(str::to_owned).collect() }
    }

    /// The folded words, each of which must occur in a service's `search_text`.
    pub fn words(&self) -> &[String] {
        &self.words
    }

    /// Whether an item (its section's name, code and service name) shows under this query.
    pub fn matches(&self, section: &str, code: &str, service: &str) -> bool {
        if self.words.is_empty() {
            return true;
        }
        let haystack = search_text(section, code, service);
        self.words.iter().all(|w| haystack.contains(w.as_str()))
    }

    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// For each section, which of its items show (a section shows when any of them does).
    pub fn shown(&self, sections: &[PriceSection]) -> Vec<Vec<bool>> {
        sections.iter().map(|s| s.items.iter().map(|i| self.matches(&s.name, &i.code, &i.service)).collect()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roubles_read_as_staff_type_them() {
        for (typed, kopecks) in
            [("1500", 150_000), ("1 500,50", 150_050), ("99.5", 9_950), ("0", 0), ("10000000", 1_000_000_000)]
        {
            assert_eq!(Kopecks::parse_roubles(typed), Ok(Some(Kopecks(kopecks))), "{typed}");
        }
        assert_eq!(Kopecks::parse_roubles("  "), Ok(None));
        for bad in ["-5", "1.234", "abc", ",5", "10000001", "1.x", "+5"] {
            assert_eq!(Kopecks::parse_roubles(bad), Err(()), "{bad}");
        }
    }

    fn item(code: &str, service: &str) -> PriceItem {
        PriceItem { code: code.into(), service: service.into(), price: Some(Kopecks(150_000)) }
    }

    #[test]
    fn roubles_are_grouped_the_russian_way() {
        assert_eq!(Kopecks(150_000).format_rub(), "1\u{202F}500\u{A0}₽");
        assert_eq!(Kopecks(125_050).format_rub(), "1\u{202F}250,50\u{A0}₽");
        assert_eq!(Kopecks(90_000).format_rub(), "900\u{A0}₽");
        assert_eq!(Kopecks(123_456_700).format_rub(), "1\u{202F}234\u{202F}567\u{A0}₽");
    }

    #[test]
    fn search_matches_words_in_any_order_case_and_yo_insensitively() {
        let i = item("B01.047.001", "Приём врача-терапевта первичный");
        let matches = |typed: &str| PriceQuery::new(typed).matches("Терапия", &i.code, &i.service);
        assert!(matches("терапевт"));
        assert!(matches("ПЕРВИЧНЫЙ прием"));
        assert!(matches("b01.047"));
        assert!(matches("терапия"));
        assert!(matches(""));
        assert!(matches("   "));
        assert!(!matches("кардиолог"));
        assert!(!matches("терапевт кардиолог"), "every word must occur");
    }

    fn two_sections() -> Vec<PriceSection> {
        vec![
            PriceSection {
                id: 1,
                name: "Терапия".into(),
                items: vec![item("1", "Приём терапевта"), item("3", "Осмотр")],
            },
            PriceSection {
                id: 2, name: "УЗИ".into(), items: vec![item("2", "УЗИ щитовидной железы")]
            },
        ]
    }

    #[test]
    fn the_stored_search_text_is_folded_as_queries_are() {
        let text = search_text("Терапия", "B01.047.001", "Приём врача-терапевта ПЕРВИЧНЫЙ");
        assert_eq!(text, "b01.047.001 прием врача-терапевта первичный терапия");
        let q = PriceQuery::new("ПРИЁМ  первичный");
        assert_eq!(q.words(), ["прием", "первичный"]);
        assert!(q.words().iter().all(|w| text.contains(w.as_str())));
        assert_eq!(PriceQuery::new("a b c d e f g h i j").words().len(), QUERY_MAX_WORDS);
    }

    #[test]
    fn the_search_shows_matching_items_section_by_section() {
        let sections = two_sections();
        assert_eq!(PriceQuery::new("щитовидной").shown(&sections), vec![vec![false, false], vec![true]]);
        assert_eq!(PriceQuery::new("терапия").shown(&sections), vec![vec![true, true], vec![false]]);
        assert_eq!(PriceQuery::new("").shown(&sections), vec![vec![true, true], vec![true]]);
        assert_eq!(PriceQuery::new("кардиолог").shown(&sections), vec![vec![false, false], vec![false]]);
    }
}
