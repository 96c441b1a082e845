//! People on the clinic's cards: names, dates of birth, phones, and the guardianship rule.

use serde::{Deserialize, Serialize};
use time::{Date, Month};

/// Surname, first name and patronymic, as the clinic writes them on a card.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FullName {
    pub surname: String,
    pub name: String,
    pub patronymic: Option<String>,
}

impl FullName {
    /// "Иванова Анна Петровна".
    pub fn full(&self) -> String {
        let mut s = format!("{} {}", self.surname, self.name);
        if let Some(p) = self.patronymic.as_deref().filter(|p| !p.is_empty()) {
            s.push(' ');
            s.push_str(p);
        }
        s
    }

    /// "Анна Иванова": how the header greets a person.
    pub fn short(&self) -> String {
        format!("{} {}", self.name, self.surname)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Sex {
    Female,
    Male,
}

impl Sex {
    pub fn as_str(self) -> &'static str {
        match self {
            Sex::Female => "female",
            Sex::Male => "male",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "female" => Some(Sex::Female),
            "male" => Some(Sex::Male),
            _ => None,
        }
    }
}

/// Whether a number can receive SMS and is Russian: it decides what the clinic may send.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PhoneKind {
    Mobile,
    Landline,
    Foreign,
}

impl PhoneKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PhoneKind::Mobile => "mobile",
            PhoneKind::Landline => "landline",
            PhoneKind::Foreign => "foreign",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "mobile" => Some(PhoneKind::Mobile),
            "landline" => Some(PhoneKind::Landline),
            "foreign" => Some(PhoneKind::Foreign),
            _ => None,
        }
    }
}

/// A phone number in E.164 form ("+79161234567") with its kind.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhoneNumber {
    e164: String,
    kind: PhoneKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid phone number")]
pub struct InvalidPhone;

impl PhoneNumber {
    /// Accepts the ways people write Russian numbers ("8 916 123-45-67", "+7 (916) 123 45 67")
    /// and international ones with a leading "+". Russian numbers whose national part starts
    /// with 9 are mobile; other Russian numbers are landlines; any other country is foreign.
    pub fn parse(raw: &str) -> Result<Self, InvalidPhone> {
        let trimmed = raw.trim();
        if trimmed.chars().any(|c| !(c.is_ascii_digit() || " +-()".contains(c))) {
            return Err(InvalidPhone);
        }
        let digits: String = trimmed.chars().filter(char::is_ascii_digit).collect();
        let international = trimmed.starts_with('+');
        let national_ru = match (international, digits.len(), digits.chars().next()) {
            (true, 11, Some('7')) => Some(digits[1..].to_string()),
            (false, 11, Some('7' | '8')) => Some(digits[1..].to_string()),
            (false, 10, _) => Some(digits.clone()),
            _ => None,
        };
        if let Some(national) = national_ru {
            let kind = if national.starts_with('9') { PhoneKind::Mobile } else { PhoneKind::Landline };
            return Ok(Self { e164: format!("+7{national}"), kind });
        }
        if international && (8..=15).contains(&digits.len()) {
            return Ok(Self { e164: format!("+{digits}"), kind: PhoneKind::Foreign });
        }
        Err(InvalidPhone)
    }

    pub fn e164(&self) -> &str {
        &self.e164
    }
    pub fn kind(&self) -> PhoneKind {
        self.kind
    }
}

/// The day a person turns `years` old; people born on 29 February come of age on 1 March in
/// common years.
pub fn anniversary(birth: Date, years: i32) -> Date {
    let year = birth.year() + years;
    Date::from_calendar_date(year, birth.month(), birth.day())
        .unwrap_or_else(|_| Date::from_calendar_date(year, Month::March, 1).expect("1 March exists"))
}

/// A guardian acts for a ward while the ward is under 18, or for as long as a court has declared
/// the adult ward legally incapacitated (SECURITY.md "Access"). Access ends on the 18th birthday
/// itself.
pub fn guardianship_is_valid(ward_birth: Date, ward_incapacitated: bool, today: Date) -> bool {
    ward_incapacitated || today < anniversary(ward_birth, 18)
}

/// From 15 a minor may consent to care alone (323-FZ art. 54), and until 18 the clinician may
/// keep such care from the guardian. True when a patient born on `birth` was at least 15 and
/// not yet 18 on `day` (the visit's date).
pub fn own_consent_possible(birth: Date, day: Date) -> bool {
    anniversary(birth, 15) <= day && day < anniversary(birth, 18)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn phone_numbers_are_classified_by_kind() {
        let cases = [
            ("+7 916 123-45-67", "+79161234567", PhoneKind::Mobile),
            ("8 (916) 123 45 67", "+79161234567", PhoneKind::Mobile),
            ("9161234567", "+79161234567", PhoneKind::Mobile),
            ("+7 495 123-45-67", "+74951234567", PhoneKind::Landline),
            ("8 812 123 45 67", "+78121234567", PhoneKind::Landline),
            ("+49 30 1234567", "+49301234567", PhoneKind::Foreign),
            ("+375 29 123 45 67", "+375291234567", PhoneKind::Foreign),
        ];
        for (raw, e164, kind) in cases {
            let p = PhoneNumber::parse(raw).unwrap_or_else(|_| panic!("{raw}"));
            assert_eq!((p.e164(), p.kind()), (e164, kind), "{raw}");
        }
    }

    #[test]
    fn malformed_phone_numbers_are_refused() {
        for raw in ["", "12345", "+7 916 123", "phone", "8916123456789", "+7-916-abc-45-67"] {
            assert_eq!(PhoneNumber::parse(raw), Err(InvalidPhone), "{raw:?}");
        }
    }

    #[test]
    fn guardianship_ends_on_the_eighteenth_birthday_unless_incapacitated() {
        let born = date!(2008 - 06 - 15);
        let cases = [
            (date!(2026 - 06 - 14), false, true),
            (date!(2026 - 06 - 15), false, false),
            (date!(2030 - 01 - 01), false, false),
            (date!(2030 - 01 - 01), true, true),
        ];
        for (today, incapacitated, valid) in cases {
            assert_eq!(guardianship_is_valid(born, incapacitated, today), valid, "{today}");
        }
    }

    #[test]
    fn leap_day_children_come_of_age_on_the_first_of_march() {
        let born = date!(2008 - 02 - 29);
        assert!(guardianship_is_valid(born, false, date!(2026 - 02 - 28)));
        assert!(!guardianship_is_valid(born, false, date!(2026 - 03 - 01)));
    }

    #[test]
    fn a_minor_consents_alone_from_the_fifteenth_to_the_eighteenth_birthday() {
        let born = date!(2010 - 06 - 15);
        let leap = date!(2008 - 02 - 29);
        // (case, birth, visit day, may be marked as the minor's own consent)
        let cases = [
            ("the day before turning 15", born, date!(2025 - 06 - 14), false),
            ("the 15th birthday itself", born, date!(2025 - 06 - 15), true),
            ("at 16", born, date!(2026 - 12 - 03), true),
            ("the day before turning 18", born, date!(2028 - 06 - 14), true),
            ("the 18th birthday: an adult consents for themselves", born, date!(2028 - 06 - 15), false),
            ("a child of 8", born, date!(2018 - 09 - 01), false),
            ("a visit before birth", born, date!(2009 - 01 - 01), false),
            ("leap-day child on 28 Feb of the 15th year", leap, date!(2023 - 02 - 28), false),
            ("leap-day child turns 15 on 1 March", leap, date!(2023 - 03 - 01), true),
            ("leap-day child on 28 Feb of the 18th year", leap, date!(2026 - 02 - 28), true),
            ("leap-day child turns 18 on 1 March", leap, date!(2026 - 03 - 01), false),
        ];
        for (name, birth, day, expected) in cases {
            assert_eq!(own_consent_possible(birth, day), expected, "{name}");
        }
    }

    #[test]
    fn names_read_as_on_the_card() {
        let n = FullName {
            surname: "Иванова".into(), name: "Анна".into(), patronymic: Some("Петровна".into())
        };
        assert_eq!(n.full(), "Иванова Анна Петровна");
        assert_eq!(n.short(), "Анна Иванова");
    }
}
