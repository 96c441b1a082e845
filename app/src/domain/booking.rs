//! Booking rules shared by the browser and the server: what a service costs when booked online,
//! and which times of a doctor's day are free. Pure functions, no I/O.

use crate::domain::prices::Kopecks;
use serde::{Deserialize, Serialize};

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
}
