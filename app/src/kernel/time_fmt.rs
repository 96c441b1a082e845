//! Dates and times as the clinic shows them: in the clinic's own UTC offset, in the reader's
//! language. Times are unix seconds everywhere else.

use crate::i18n::Lang;
use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

const MONTHS_RU: [&str; 12] = [
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
];
const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

fn offset(offset_minutes: i32) -> UtcOffset {
    UtcOffset::from_whole_seconds(offset_minutes * 60).unwrap_or(UtcOffset::UTC)
}

fn local(unix: i64, offset_minutes: i32) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(unix).unwrap_or(OffsetDateTime::UNIX_EPOCH).to_offset(offset(offset_minutes))
}

/// "21 ноября 2026" / "21 November 2026".
pub fn format_date(date: Date, lang: Lang) -> String {
    let m = date.month() as usize - 1;
    match lang {
        Lang::Ru => format!("{} {} {}", date.day(), MONTHS_RU[m], date.year()),
        Lang::En => format!("{} {} {}", date.day(), MONTHS_EN[m], date.year()),
    }
}

/// "21 ноября 2026, 14:30" in the clinic's time.
pub fn format_datetime(unix: i64, offset_minutes: i32, lang: Lang) -> String {
    let t = local(unix, offset_minutes);
    format!("{}, {:02}:{:02}", format_date(t.date(), lang), t.hour(), t.minute())
}

/// Value for an `<input type="datetime-local">`: "2026-11-21T14:30".
pub fn to_input_value(unix: i64, offset_minutes: i32) -> String {
    let t = local(unix, offset_minutes);
    format!("{:04}-{:02}-{:02}T{:02}:{:02}", t.year(), t.month() as u8, t.day(), t.hour(), t.minute())
}

/// Parses "2026-11-21T14:30" (seconds optional) as clinic time.
pub fn parse_input_value(value: &str, offset_minutes: i32) -> Option<i64> {
    let (d, t) = value.trim().split_once('T')?;
    let mut dp = d.split('-').map(str::parse::<i32>);
    let (y, mo, day) = (dp.next()?.ok()?, dp.next()?.ok()?, dp.next()?.ok()?);
    let mut tp = t.split(':').map(str::parse::<u8>);
    let (h, mi) = (tp.next()?.ok()?, tp.next()?.ok()?);
    let date =
        Date::from_calendar_date(y, Month::try_from(u8::try_from(mo).ok()?).ok()?, u8::try_from(day).ok()?).ok()?;
    let time = Time::from_hms(h, mi, 0).ok()?;
    Some(PrimitiveDateTime::new(date, time).assume_offset(offset(offset_minutes)).unix_timestamp())
}

/// The clinic's calendar date at `unix`.
/// A date as `<input type="date">` sends it (`YYYY-MM-DD`).
pub fn parse_iso_date(value: &str) -> Option<Date> {
    Date::parse(value.trim(), time::macros::format_description!("[year]-[month]-[day]")).ok()
}

pub fn local_date(unix: i64, offset_minutes: i32) -> Date {
    local(unix, offset_minutes).date()
}

/// "09:05" from minutes after midnight.
pub fn format_hhmm(minutes: u16) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// "9:05" or "09:05" (as `<input type="time">` sends it, seconds allowed) to minutes after
/// midnight.
pub fn parse_hhmm(value: &str) -> Option<u16> {
    let mut parts = value.trim().split(':');
    let h: u16 = parts.next()?.parse().ok()?;
    let m: u16 = parts.next()?.parse().ok()?;
    if let Some(s) = parts.next() {
        s.parse::<u8>().ok().filter(|s| *s < 60)?;
    }
    (h < 24 && m < 60 && parts.next().is_none()).then_some(h * 60 + m)
}

/// A free time offered instead of a taken one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SlotRef {
    pub day: time::Date,
    pub start_min: u16,
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const MSK: i32 = 180;

    #[test]
    fn dates_read_naturally_in_each_language() {
        assert_eq!(format_date(date!(2026 - 11 - 21), Lang::Ru), "21 ноября 2026");
        assert_eq!(format_date(date!(2026 - 03 - 01), Lang::En), "1 March 2026");
    }

    #[test]
    fn datetimes_are_shown_in_clinic_time() {
        // 2026-11-21 11:30 UTC is 14:30 in Moscow.
        let unix = 1_795_260_600;
        assert_eq!(format_datetime(unix, MSK, Lang::Ru), "21 ноября 2026, 14:30");
        assert_eq!(to_input_value(unix, MSK), "2026-11-21T14:30");
    }

    #[test]
    fn input_values_round_trip() {
        let unix = parse_input_value("2026-11-21T14:30", MSK).unwrap();
        assert_eq!(unix, 1_795_260_600);
        assert_eq!(parse_input_value("2026-11-21T14:30:00", MSK), Some(unix));
        for bad in ["", "2026-11-21", "2026-13-01T10:00", "2026-11-21T25:00", "вчера"] {
            assert_eq!(parse_input_value(bad, MSK), None, "{bad}");
        }
    }
}
