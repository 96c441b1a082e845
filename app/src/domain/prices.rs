//! The clinic's price list: sections, services, tariff plans, and the search over them.

use serde::{Deserialize, Serialize};

/// Money in kopecks, so arithmetic is exact.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Kopecks(pub i64);

impl Kopecks {
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
    let haystack = fold(&format!("{} {} {}", item.code, item.service, section));
    fold(query).split_whitespace().all(|word| haystack.contains(word))
}

/// The sections with only the matching items; sections left empty are dropped.
pub fn filter(sections: &[PriceSection], query: &str) -> Vec<PriceSection> {
    sections
        .iter()
        .filter_map(|s| {
            let items: Vec<_> = s.items.iter().filter(|i| matches(query, &s.name, i)).cloned().collect();
            (!items.is_empty()).then(|| PriceSection { name: s.name.clone(), items })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

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
