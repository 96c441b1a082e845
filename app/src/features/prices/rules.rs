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

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriceItem {
    pub code: String,
    pub service: String,
    pub price: Kopecks,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriceSection {
    pub name: String,
    pub items: Vec<PriceItem>,
}

/// The price list under one plan, as the Prices tab shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriceList {
    pub plans: Vec<TariffPlan>,
    pub plan_id: Option<i64>,
    pub sections: Vec<PriceSection>,
}

fn fold(s: &str) -> String {
    s.to_lowercase().replace('ё', "е")
}

/// Every word of the query must occur in the service name, its code or its section's name,
/// ignoring case and ё/е. An empty query matches everything.
pub fn matches(query: &str, section: &str, item: &PriceItem) -> bool {
    let folded = fold(query);
    has_words(&folded.split_whitespace().collect::<Vec<_>>(), section, item)
}

/// Whether every one of the (folded) `words` occurs in the item's code, name or section.
fn has_words(words: &[&str], section: &str, item: &PriceItem) -> bool {
    let haystack = fold(&format!("{} {} {}", item.code, item.service, section));
    words.iter().all(|w| haystack.contains(w))
}

/// The sections with only the matching items; sections left empty are dropped. An empty query
/// keeps everything (the page's first render: nothing to fold or compare).
pub fn filter(sections: &[PriceSection], query: &str) -> Vec<PriceSection> {
    let folded = fold(query);
    let words: Vec<&str> = folded.split_whitespace().collect();
    if words.is_empty() {
        return sections.to_vec();
    }
    sections
        .iter()
        .filter_map(|s| {
            let items: Vec<_> = s.items.iter().filter(|i| has_words(&words, &s.name, i)).cloned().collect();
            (!items.is_empty()).then(|| PriceSection { name: s.name.clone(), items })
        })
        .collect()
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
        PriceItem { code: code.into(), service: service.into(), price: Kopecks(150_000) }
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
        assert!(matches("терапевт", "Терапия", &i));
        assert!(matches("ПЕРВИЧНЫЙ прием", "Терапия", &i));
        assert!(matches("b01.047", "Терапия", &i));
        assert!(matches("терапия", "Терапия", &i));
        assert!(matches("", "Терапия", &i));
        assert!(!matches("кардиолог", "Терапия", &i));
    }

    #[test]
    fn filtering_drops_sections_left_empty() {
        let sections = vec![
            PriceSection { name: "Терапия".into(), items: vec![item("1", "Приём терапевта")] },
            PriceSection { name: "УЗИ".into(), items: vec![item("2", "УЗИ щитовидной железы")] },
        ];
        let found = filter(&sections, "щитовидной");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].name, "УЗИ");
    }
}
