//! The price list's words: search, tariff plans and the table's headings.

/// Every text only the price list shows, in one language.
pub struct PricesTexts {
    pub prices_search_label: &'static str,
    pub prices_search_placeholder: &'static str,
    pub tariff_plan: &'static str,
    pub show_plan: &'static str,
    pub price_code: &'static str,
    pub price_service: &'static str,
    pub price_price: &'static str,
    pub nothing_found: &'static str,
    pub no_prices: &'static str,
}

pub static RU: PricesTexts = PricesTexts {
    prices_search_label: "Поиск по прайс-листу",
    prices_search_placeholder: "Найти…",
    tariff_plan: "Тариф",
    show_plan: "Показать",
    price_code: "Код",
    price_service: "Услуга",
    price_price: "Цена",
    nothing_found: "Ничего не найдено. Измените запрос.",
    no_prices: "Прайс-лист пока не опубликован.",
};

pub static EN: PricesTexts = PricesTexts {
    prices_search_label: "Search the price list",
    prices_search_placeholder: "Find…",
    tariff_plan: "Tariff plan",
    show_plan: "Show",
    price_code: "Code",
    price_service: "Service",
    price_price: "Price",
    nothing_found: "Nothing found. Try another search.",
    no_prices: "The price list is not published yet.",
};

impl crate::i18n::Texts {
    /// The price list's texts, in this language. (A feature's texts hang off `Texts` here, next to the feature:
    /// nothing to register in `i18n.rs`.)
    pub fn prices(&self) -> &'static PricesTexts {
        self.lang.pick(&RU, &EN)
    }
}
