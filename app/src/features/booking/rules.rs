//! Booking rules shared by the browser and the server: what a service costs when booked online,
//! and which times of a doctor's day are free. Pure functions, no I/O.

use crate::features::prices::rules::Kopecks;
pub use crate::kernel::time_fmt::{format_hhmm, parse_hhmm, SlotRef};
use serde::{Deserialize, Serialize};

mod views;
pub use views::*;

/// How a service is given.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum VisitMode {
    InClinic,
    Online,
}

/// A doctor–service link's price settings, as the clinic set them up for online booking.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServicePricing {
    /// The full price, shown only when set.
    pub price: Option<Kopecks>,
    /// The amount paid in advance, when the clinic takes prepayment.
    pub prepayment: Option<Kopecks>,
    /// Taken off the price when the patient prepays.
    pub prepayment_discount: Option<Kopecks>,
    /// Round the prepaid price (after the discount) down to whole roubles.
    pub round_to_roubles: bool,
}

/// What the patient sees for a service.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quote {
    /// The full price (when the clinic shows it).
    pub price: Option<Kopecks>,
    /// The price with the clinic's general online-booking discount, when there is one.
    pub online_price: Option<Kopecks>,
    pub prepayment: Option<Kopecks>,
    /// The price when paying in advance: the (online) price less the prepayment discount,
    /// rounded down to roubles when the clinic asked for it.
    pub prepaid_price: Option<Kopecks>,
}

/// The one place prices for online booking are computed. `online_discount_percent` is the
/// clinic's general discount for booking online (0–100; out-of-range values are clamped).
pub fn quote(pricing: &ServicePricing, online_discount_percent: u8) -> Quote {
    let percent = i64::from(online_discount_percent.min(100));
    let Some(Kopecks(price)) = pricing.price else {
        return Quote { prepayment: pricing.prepayment, ..Quote::default() };
    };
    // Whole kopecks, rounded in the patient's favour.
    let online = (percent > 0).then(|| price - (price * percent + 99) / 100);
    let base = online.unwrap_or(price);
    let prepaid = match (pricing.prepayment, pricing.prepayment_discount) {
        (Some(_), Some(Kopecks(discount))) if discount > 0 => {
            let amount = (base - discount).max(0);
            Some(if pricing.round_to_roubles { amount - amount % 100 } else { amount })
        }
        _ => None,
    };
    Quote {
        price: Some(Kopecks(price)),
        online_price: online.map(Kopecks),
        prepayment: pricing.prepayment,
        prepaid_price: prepaid.map(Kopecks),
    }
}

/// A span of a working day in minutes from midnight, `[start, end)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Span {
    pub start: u16,
    pub end: u16,
}

/// The free start times of a day: every `step` minutes from each working span's start, whole
/// slots only, not inside a break, not already taken, and not before `not_before` (minutes
/// from midnight; the past and the booking horizon of today).
pub fn free_slots(work: &[Span], breaks: &[Span], step: u16, taken: &[u16], not_before: u16) -> Vec<u16> {
    if step == 0 {
        return Vec::new();
    }
    let mut out = Vec::new();
    for span in work {
        let mut t = span.start;
        while t.checked_add(step).is_some_and(|end| end <= span.end) {
            let end = t + step;
            let in_break = breaks.iter().any(|b| t < b.end && b.start < end);
            if !in_break && !taken.contains(&t) && t >= not_before {
                out.push(t);
            }
            t += step;
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// Where an appointment stands. Cancelled, completed and no-show are outcomes; a cancelled
/// appointment frees its time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AppointmentStatus {
    Booked,
    Confirmed,
    Cancelled,
    Completed,
    NoShow,
}

impl AppointmentStatus {
    pub const ALL: [AppointmentStatus; 5] = [
        AppointmentStatus::Booked,
        AppointmentStatus::Confirmed,
        AppointmentStatus::Cancelled,
        AppointmentStatus::Completed,
        AppointmentStatus::NoShow,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AppointmentStatus::Booked => "booked",
            AppointmentStatus::Confirmed => "confirmed",
            AppointmentStatus::Cancelled => "cancelled",
            AppointmentStatus::Completed => "completed",
            AppointmentStatus::NoShow => "no_show",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// Still holds its time: booked or confirmed.
    pub fn is_active(self) -> bool {
        matches!(self, AppointmentStatus::Booked | AppointmentStatus::Confirmed)
    }

    /// The changes the front desk may make. A cancelled appointment stays cancelled (its time
    /// may already be someone else's); completed and no-show may be swapped to mend a mistake.
    pub fn can_become(self, to: AppointmentStatus) -> bool {
        use AppointmentStatus::*;
        match (self, to) {
            (a, b) if a == b => false,
            (Booked, _) => true,
            (Confirmed, Booked) => false,
            (Confirmed, _) => true,
            (Completed, NoShow) | (NoShow, Completed) => true,
            _ => false,
        }
    }
}

impl VisitMode {
    pub fn as_str(self) -> &'static str {
        match self {
            VisitMode::InClinic => "in_clinic",
            VisitMode::Online => "online",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [VisitMode::InClinic, VisitMode::Online].into_iter().find(|m| m.as_str() == s)
    }
}

/// Where an appointment was made: in the cabinet (by the patient or a guardian) or at the
/// front desk.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AppointmentSource {
    Cabinet,
    Desk,
}

impl AppointmentSource {
    pub fn as_str(self) -> &'static str {
        match self {
            AppointmentSource::Cabinet => "cabinet",
            AppointmentSource::Desk => "desk",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [AppointmentSource::Cabinet, AppointmentSource::Desk].into_iter().find(|x| x.as_str() == s)
    }
}

/// The patient may still cancel (or move) an appointment: the clinic closes cancellation
/// `close_minutes` before the start.
pub fn cancellation_open(now: i64, starts_at: i64, close_minutes: i64) -> bool {
    now < starts_at - close_minutes.max(0) * 60
}

/// The video link of an online consultation is shown from `show_minutes` before the start
/// until an hour after its end.
pub fn video_link_visible(now: i64, starts_at: i64, duration_minutes: i64, show_minutes: i64) -> bool {
    now >= starts_at - show_minutes.max(0) * 60 && now < starts_at + (duration_minutes + 60) * 60
}

/// The meeting room's address: the clinic's video service and the appointment's room id.
pub fn video_url(base: &str, room: &str) -> String {
    format!("{}/{}", base.trim_end_matches('/'), room)
}

/// Breaks as the staff type them: "13:00-14:00, 16:30-16:45". Empty means none.
pub fn parse_breaks(value: &str) -> Option<Vec<Span>> {
    let mut out = Vec::new();
    for part in value.split([',', ';']).map(str::trim).filter(|p| !p.is_empty()) {
        let (a, b) = part.split_once(['-', '–'])?;
        let span = Span { start: parse_hhmm(a)?, end: parse_hhmm(b)? };
        if span.start >= span.end {
            return None;
        }
        out.push(span);
    }
    out.sort_by_key(|s| s.start);
    Some(out)
}

pub fn format_breaks(breaks: &[Span]) -> String {
    breaks.iter().map(|b| format!("{}-{}", format_hhmm(b.start), format_hhmm(b.end))).collect::<Vec<_>>().join(", ")
}

/// The free times nearest to the one that was just taken, by distance in minutes (days
/// apart count as whole days), earliest first on a tie; at most `n`.
pub fn nearest_free<D: Copy + Ord>(free: &[(D, i64, u16)], wanted_at: i64, n: usize) -> Vec<(D, u16)> {
    let mut all: Vec<&(D, i64, u16)> = free.iter().collect();
    all.sort_by_key(|(_, at, _)| ((at - wanted_at).abs(), *at));
    let mut picked: Vec<&(D, i64, u16)> = all.into_iter().take(n).collect();
    picked.sort_by_key(|(_, at, _)| *at);
    picked.into_iter().map(|(d, _, m)| (*d, *m)).collect()
}

/// How many days ahead the cabinet offers times.
/// The online booking horizon until the clinic sets its own (`clinic.booking_horizon_days`).
pub const BOOKING_HORIZON_DAYS: i64 = 21;
/// The horizons a clinic may set, in days.
pub const BOOKING_HORIZON_RANGE: std::ops::RangeInclusive<i64> = 1..=180;
/// A cancellation reason's longest form.
pub const REASON_MAX: usize = 300;

/// What is wrong with a typed reason or comment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextProblem {
    Missing,
    TooLong(usize),
}

/// A cancellation reason (`required`) or a waitlist comment, trimmed; at most `REASON_MAX`
/// characters.
pub fn typed_text(value: &str, required: bool) -> Result<String, TextProblem> {
    let v = value.trim();
    if required && v.is_empty() {
        Err(TextProblem::Missing)
    } else if v.chars().count() > REASON_MAX {
        Err(TextProblem::TooLong(REASON_MAX))
    } else {
        Ok(v.to_string())
    }
}

/// A reason from «Причины отмены записи на приём», the clinic's reference list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CancelReason {
    pub id: i64,
    pub name: String,
    /// Offered in the cancellation forms (a hidden one stays in the cancellations that chose it).
    pub active: bool,
}

/// The choice «Другая причина»: the reason is then typed in words.
pub const OTHER_REASON: &str = "other";

/// The reason a cancellation records: a reason offered in the list, with the typed words after
/// it when there are any; for «Другая причина» (or a client that sends words rather than a
/// choice) the typed words, which are then required. The typed words are at most `REASON_MAX`
/// characters, as the form's field allows.
pub fn chosen_reason(reasons: &[CancelReason], chosen: &str, typed: &str) -> Result<String, TextProblem> {
    let chosen = chosen.trim();
    if let Some(r) = reasons.iter().find(|r| r.active && r.name == chosen) {
        let more = typed_text(typed, false)?;
        return Ok(if more.is_empty() { r.name.clone() } else { format!("{}: {more}", r.name) });
    }
    if chosen.is_empty() || chosen == OTHER_REASON {
        typed_text(typed, true)
    } else {
        typed_text(chosen, true)
    }
}

/// A reason's name as the clinic types it: one line, 1–100 characters.
pub fn check_reason_name(name: &str) -> Result<String, TextProblem> {
    let name = name.trim();
    match name.chars().count() {
        0 => Err(TextProblem::Missing),
        n if n > 100 || name.chars().any(char::is_control) => Err(TextProblem::TooLong(100)),
        _ => Ok(name.to_string()),
    }
}

/// Monday of `day`'s week.
pub fn week_start(day: time::Date) -> time::Date {
    day - time::Duration::days(i64::from(day.weekday().number_days_from_monday()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(rub: i64) -> Option<Kopecks> {
        Some(Kopecks(rub * 100))
    }

    #[test]
    fn quotes_follow_the_clinics_settings() {
        let cases: [(&str, ServicePricing, u8, Quote); 7] = [
            ("price hidden", ServicePricing::default(), 10, Quote::default()),
            (
                "price only",
                ServicePricing { price: k(2000), ..Default::default() },
                0,
                Quote { price: k(2000), ..Default::default() },
            ),
            (
                "general online discount",
                ServicePricing { price: k(2000), ..Default::default() },
                10,
                Quote { price: k(2000), online_price: k(1800), ..Default::default() },
            ),
            (
                "discount rounds in the patient's favour",
                ServicePricing { price: Some(Kopecks(99_999)), ..Default::default() },
                15,
                Quote { price: Some(Kopecks(99_999)), online_price: Some(Kopecks(84_999)), ..Default::default() },
            ),
            (
                "prepayment with a discount, rounded to roubles",
                ServicePricing {
                    price: Some(Kopecks(250_050)),
                    prepayment: k(500),
                    prepayment_discount: Some(Kopecks(10_025)),
                    round_to_roubles: true,
                },
                0,
                Quote {
                    price: Some(Kopecks(250_050)),
                    prepayment: k(500),
                    prepaid_price: k(2400),
                    ..Default::default()
                },
            ),
            (
                "prepayment discount on top of the online discount, not rounded",
                ServicePricing {
                    price: k(3000),
                    prepayment: k(1000),
                    prepayment_discount: Some(Kopecks(15_050)),
                    round_to_roubles: false,
                },
                10,
                Quote {
                    price: k(3000),
                    online_price: k(2700),
                    prepayment: k(1000),
                    prepaid_price: Some(Kopecks(254_950)),
                },
            ),
            (
                "a discount larger than the price costs nothing, never less",
                ServicePricing {
                    price: k(100),
                    prepayment: k(100),
                    prepayment_discount: k(500),
                    round_to_roubles: false,
                },
                0,
                Quote { price: k(100), prepayment: k(100), prepaid_price: Some(Kopecks(0)), ..Default::default() },
            ),
        ];
        for (name, pricing, percent, expected) in cases {
            assert_eq!(quote(&pricing, percent), expected, "{name}");
        }
        // A percentage over 100 is read as 100.
        let free = quote(&ServicePricing { price: k(500), ..Default::default() }, 150);
        assert_eq!(free.online_price, Some(Kopecks(0)));
    }

    #[test]
    fn free_slots_respect_steps_breaks_bookings_and_the_clock() {
        let day = [Span { start: 9 * 60, end: 12 * 60 }, Span { start: 13 * 60, end: 14 * 60 + 10 }];
        let lunch = [Span { start: 10 * 60 + 30, end: 11 * 60 }];
        let all = free_slots(&day, &lunch, 30, &[], 0);
        let hours: Vec<String> = all.iter().map(|m| format!("{}:{:02}", m / 60, m % 60)).collect();
        assert_eq!(hours, ["9:00", "9:30", "10:00", "11:00", "11:30", "13:00", "13:30"]);
        // Taken slots and the past disappear.
        assert_eq!(free_slots(&day, &lunch, 30, &[9 * 60 + 30, 13 * 60], 10 * 60), [600, 660, 690, 810]);
        // A break that overlaps part of a slot removes the whole slot.
        let short = [Span { start: 9 * 60 + 20, end: 9 * 60 + 25 }];
        assert_eq!(free_slots(&day[..1], &short, 30, &[], 0).first(), Some(&(9 * 60 + 30)));
        assert!(free_slots(&day, &[], 0, &[], 0).is_empty());
    }

    #[test]
    fn status_changes_follow_the_appointment_book() {
        use AppointmentStatus::*;
        let cases = [
            (Booked, Confirmed, true),
            (Booked, Cancelled, true),
            (Booked, NoShow, true),
            (Confirmed, Completed, true),
            (Confirmed, Cancelled, true),
            (Confirmed, Booked, false),
            (Cancelled, Booked, false),
            (Cancelled, Confirmed, false),
            (Completed, NoShow, true),
            (NoShow, Completed, true),
            (Completed, Cancelled, false),
            (Booked, Booked, false),
        ];
        for (from, to, allowed) in cases {
            assert_eq!(from.can_become(to), allowed, "{from:?} -> {to:?}");
        }
        for s in AppointmentStatus::ALL {
            assert_eq!(AppointmentStatus::parse(s.as_str()), Some(s));
        }
        assert!(Booked.is_active() && Confirmed.is_active() && !Cancelled.is_active());
    }

    #[test]
    fn cancellation_closes_before_the_start_and_video_opens_before_it() {
        let start = 1_000_000;
        assert!(cancellation_open(start - 121 * 60, start, 120));
        assert!(!cancellation_open(start - 120 * 60, start, 120));
        assert!(!cancellation_open(start + 1, start, 0));
        assert!(!video_link_visible(start - 16 * 60, start, 30, 15));
        assert!(video_link_visible(start - 15 * 60, start, 30, 15));
        assert!(video_link_visible(start + 89 * 60, start, 30, 15));
        assert!(!video_link_visible(start + 90 * 60, start, 30, 15));
        assert_eq!(video_url("https://meet.example/", "abc"), "https://meet.example/abc");
    }

    #[test]
    fn times_and_breaks_read_as_typed() {
        assert_eq!(parse_hhmm("9:05"), Some(545));
        assert_eq!(parse_hhmm("09:05:00"), Some(545));
        for bad in ["", "24:00", "12:60", "12", "ab:cd", "12:00:00:00"] {
            assert_eq!(parse_hhmm(bad), None, "{bad}");
        }
        assert_eq!(format_hhmm(545), "09:05");
        let b = parse_breaks("16:30-16:45, 13:00–14:00").unwrap();
        assert_eq!(b, [Span { start: 780, end: 840 }, Span { start: 990, end: 1005 }]);
        assert_eq!(format_breaks(&b), "13:00-14:00, 16:30-16:45");
        assert_eq!(parse_breaks(" "), Some(vec![]));
        assert_eq!(parse_breaks("14:00-13:00"), None);
        assert_eq!(parse_breaks("lunch"), None);
    }

    #[test]
    fn a_cancellation_records_the_reason_chosen_or_the_words_typed() {
        let reasons = [
            CancelReason { id: 1, name: "Изменились планы".into(), active: true },
            CancelReason { id: 2, name: "Старая причина".into(), active: false },
        ];
        assert_eq!(chosen_reason(&reasons, "Изменились планы", "  ").as_deref(), Ok("Изменились планы"));
        assert_eq!(
            chosen_reason(&reasons, "Изменились планы", "уезжаю").as_deref(),
            Ok("Изменились планы: уезжаю"),
            "words typed beside a reason follow it"
        );
        assert_eq!(chosen_reason(&reasons, OTHER_REASON, " Заболел ребёнок ").as_deref(), Ok("Заболел ребёнок"));
        assert_eq!(chosen_reason(&reasons, OTHER_REASON, " "), Err(TextProblem::Missing), "other needs words");
        assert_eq!(chosen_reason(&reasons, "", ""), Err(TextProblem::Missing));
        assert_eq!(
            chosen_reason(&reasons, "Не смогу прийти", "").as_deref(),
            Ok("Не смогу прийти"),
            "words sent as the reason (an older form) are taken as typed"
        );
        assert_eq!(chosen_reason(&reasons, "Старая причина", "").as_deref(), Ok("Старая причина"));
        let longest = "я".repeat(REASON_MAX);
        assert!(chosen_reason(&reasons, "Изменились планы", &longest).is_ok(), "what the field allows");
        let longer = "я".repeat(REASON_MAX + 1);
        assert_eq!(chosen_reason(&reasons, "Изменились планы", &longer), Err(TextProblem::TooLong(REASON_MAX)));
        assert_eq!(chosen_reason(&reasons, OTHER_REASON, &longer), Err(TextProblem::TooLong(REASON_MAX)));
        assert_eq!(check_reason_name("  Болезнь врача "), Ok("Болезнь врача".into()));
        assert_eq!(check_reason_name(" "), Err(TextProblem::Missing));
        assert_eq!(check_reason_name(&"я".repeat(101)), Err(TextProblem::TooLong(100)));
    }

    #[test]
    fn reasons_are_required_and_comments_are_not_and_both_are_bounded() {
        assert_eq!(typed_text("  Заболел  ", true), Ok("Заболел".into()));
        assert_eq!(typed_text(" ", true), Err(TextProblem::Missing));
        assert_eq!(typed_text(" ", false), Ok(String::new()));
        assert_eq!(typed_text(&"я".repeat(REASON_MAX), true).map(|s| s.chars().count()), Ok(REASON_MAX));
        assert_eq!(typed_text(&"я".repeat(REASON_MAX + 1), false), Err(TextProblem::TooLong(REASON_MAX)));
    }

    #[test]
    fn the_nearest_free_times_come_in_order() {
        let free = [(1, 100, 10), (1, 160, 11), (2, 500, 12), (1, 40, 9), (2, 1000, 13)];
        assert_eq!(nearest_free(&free, 130, 3), [(1, 9), (1, 10), (1, 11)]);
        assert_eq!(nearest_free(&free, 900, 2), [(2, 12), (2, 13)]);
        assert!(nearest_free::<i32>(&[], 0, 3).is_empty());
    }
}
