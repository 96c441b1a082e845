//! The cabinet's tabs a clinic may hide («Какие вкладки показывать»): which pages each one
//! holds, and the set the clinic hides, kept as a short list of keys ("booking,news").

use serde::{Deserialize, Serialize};

/// A tab of the patient's cabinet that the clinic can switch off. The account page and the
/// staff area are never hidden.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CabinetTab {
    Record,
    Booking,
    Prices,
    News,
}

impl CabinetTab {
    /// In the order the navigation shows them.
    pub const ALL: [CabinetTab; 4] = [CabinetTab::Record, CabinetTab::Booking, CabinetTab::News, CabinetTab::Prices];

    pub fn key(self) -> &'static str {
        match self {
            CabinetTab::Record => "record",
            CabinetTab::Booking => "booking",
            CabinetTab::Prices => "prices",
            CabinetTab::News => "news",
        }
    }

    /// The page a tab opens on.
    pub fn path(self) -> &'static str {
        match self {
            CabinetTab::Record => "/record",
            CabinetTab::Booking => "/booking",
            CabinetTab::Prices => "/prices",
            CabinetTab::News => "/news",
        }
    }

    /// The tab a page belongs to (the booking tab holds the patient's appointments too).
    pub fn of_path(path: &str) -> Option<CabinetTab> {
        let under = |root: &str| path == root || path.strip_prefix(root).is_some_and(|rest| rest.starts_with('/'));
        if under("/record") {
            Some(CabinetTab::Record)
        } else if under("/booking") || under("/appointments") {
            Some(CabinetTab::Booking)
        } else if under("/prices") {
            Some(CabinetTab::Prices)
        } else if under("/news") {
            Some(CabinetTab::News)
        } else {
            None
        }
    }

    fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

/// The tabs the clinic hides; none by default.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HiddenTabs(u8);

impl HiddenTabs {
    pub fn of(tabs: impl IntoIterator<Item = CabinetTab>) -> Self {
        HiddenTabs(tabs.into_iter().fold(0, |bits, t| bits | t.bit()))
    }

    /// From the stored list; unknown keys (a tab that no longer exists) are ignored.
    pub fn parse(stored: &str) -> Self {
        Self::of(stored.split(',').filter_map(|k| CabinetTab::ALL.into_iter().find(|t| t.key() == k.trim())))
    }

    /// As stored: the keys in the navigation's order, comma-separated ("" when none).
    pub fn to_stored(self) -> String {
        self.iter().map(CabinetTab::key).collect::<Vec<_>>().join(",")
    }

    pub fn hides(self, tab: CabinetTab) -> bool {
        self.0 & tab.bit() != 0
    }

    pub fn iter(self) -> impl Iterator<Item = CabinetTab> {
        CabinetTab::ALL.into_iter().filter(move |t| self.hides(*t))
    }

    /// Where a page of a hidden tab sends the visitor: the first tab still shown that they can
    /// use (the record and booking need a card), else the staff area for staff, else the
    /// account page.
    pub fn landing(self, has_card: bool, staff: bool) -> &'static str {
        let usable = |t: &CabinetTab| has_card || !matches!(t, CabinetTab::Record | CabinetTab::Booking);
        match CabinetTab::ALL.into_iter().filter(usable).find(|t| !self.hides(*t)) {
            Some(tab) => tab.path(),
            None if staff => "/staff",
            None => "/account",
        }
    }

    pub fn bits(self) -> u8 {
        self.0
    }

    pub fn from_bits(bits: u8) -> Self {
        HiddenTabs(bits & 0b1111)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_belong_to_their_tabs() {
        assert_eq!(CabinetTab::of_path("/record"), Some(CabinetTab::Record));
        assert_eq!(CabinetTab::of_path("/record/15"), Some(CabinetTab::Record));
        assert_eq!(CabinetTab::of_path("/appointments"), Some(CabinetTab::Booking));
        assert_eq!(CabinetTab::of_path("/news/3"), Some(CabinetTab::News));
        assert_eq!(CabinetTab::of_path("/newsletter"), None, "a prefix is not a page of the tab");
        assert_eq!(CabinetTab::of_path("/staff/prices"), None, "the staff area is never hidden");
        assert_eq!(CabinetTab::of_path("/account"), None);
    }

    #[test]
    fn the_hidden_set_round_trips_through_its_stored_form() {
        let hidden = HiddenTabs::of([CabinetTab::News, CabinetTab::Booking]);
        assert_eq!(hidden.to_stored(), "booking,news");
        assert_eq!(HiddenTabs::parse("booking,news"), hidden);
        assert_eq!(HiddenTabs::parse(" news , diary,booking"), hidden, "unknown keys are ignored");
        assert_eq!(HiddenTabs::parse(""), HiddenTabs::default());
        assert_eq!(HiddenTabs::from_bits(hidden.bits()), hidden);
    }

    #[test]
    fn a_hidden_tab_lands_on_the_first_shown_one_the_visitor_can_use() {
        assert_eq!(HiddenTabs::default().landing(true, false), "/record");
        assert_eq!(HiddenTabs::of([CabinetTab::Record]).landing(true, false), "/booking");
        let record_and_booking = HiddenTabs::of([CabinetTab::Record, CabinetTab::Booking]);
        assert_eq!(record_and_booking.landing(true, false), "/news", "in the navigation's order");
        assert_eq!(HiddenTabs::of(CabinetTab::ALL).landing(true, false), "/account");
        // Staff without a card of their own: not to the record, which would refuse them.
        let news = HiddenTabs::of([CabinetTab::News]);
        assert_eq!(news.landing(false, true), "/prices");
        assert_eq!(HiddenTabs::of([CabinetTab::News, CabinetTab::Prices]).landing(false, true), "/staff");
        assert_eq!(HiddenTabs::of([CabinetTab::News, CabinetTab::Prices]).landing(false, false), "/account");
    }
}
