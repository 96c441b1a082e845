//! Clinic administration's rules: a staff member's name and roles as typed, how long an
//! invitation link lives, and the clinic's details.

use crate::kernel::account::{Role, Roles};
use crate::kernel::person::FullName;
use crate::kernel::tabs::HiddenTabs;

/// A staff invitation link works once, for a day.
pub const INVITE_TTL_SECS: i64 = 24 * 60 * 60;

/// The longest surname, name or patronymic taken (as on a patient's card).
pub const NAME_PART_MAX_CHARS: usize = 100;

/// "Фамилия Имя Отчество" as typed: the first word is the surname, the second the name, the
/// rest (none, or a patronymic such as «Ахмед оглы») the patronymic. None when there are fewer
/// than two words, a part is too long, or the name holds anything but letters, hyphens,
/// apostrophes, dots and spaces.
pub fn parse_full_name(typed: &str) -> Option<FullName> {
    let words: Vec<&str> = typed.split_whitespace().collect();
    let allowed = |c: char| c.is_alphabetic() || matches!(c, '-' | '\'' | '’' | '.');
    if words.len() < 2 || !words.iter().all(|w| w.chars().all(allowed)) {
        return None;
    }
    let patronymic = words[2..].join(" ");
    let fits = |p: &str| p.chars().count() <= NAME_PART_MAX_CHARS;
    (fits(words[0]) && fits(words[1]) && fits(&patronymic)).then(|| FullName {
        surname: words[0].to_owned(),
        name: words[1].to_owned(),
        patronymic: (!patronymic.is_empty()).then_some(patronymic),
    })
}

/// The clinic's details, as the head sets them and patients read them.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ClinicDetails {
    pub name: String,
    pub address: String,
    pub phone: String,
    pub utc_offset_minutes: i32,
}

impl ClinicDetails {
    /// Set on first sign-in: until then the clinic has no name.
    pub fn is_set(&self) -> bool {
        !self.name.trim().is_empty()
    }

    /// What patients see at the foot of every page, once set.
    pub fn card(&self) -> Option<crate::kernel::account::ClinicCard> {
        self.is_set().then(|| crate::kernel::account::ClinicCard {
            name: self.name.clone(),
            address: self.address.clone(),
            phone: self.phone.clone(),
        })
    }
}

/// The longest clinic name and address taken.
pub const CLINIC_NAME_MAX_CHARS: usize = 200;
pub const CLINIC_ADDRESS_MAX_CHARS: usize = 300;

/// Russia's time zones, by offset from UTC in minutes, each named by its best-known city.
pub const TIME_ZONES: [(i32, &str, &str); 11] = [
    (120, "Калининград", "Kaliningrad"),
    (180, "Москва", "Moscow"),
    (240, "Самара", "Samara"),
    (300, "Екатеринбург", "Yekaterinburg"),
    (360, "Омск", "Omsk"),
    (420, "Красноярск", "Krasnoyarsk"),
    (480, "Иркутск", "Irkutsk"),
    (540, "Якутск", "Yakutsk"),
    (600, "Владивосток", "Vladivostok"),
    (660, "Магадан", "Magadan"),
    (720, "Камчатка", "Kamchatka"),
];

/// "Москва (UTC+3)": a time zone as the form lists it.
pub fn time_zone_label(offset_minutes: i32, russian: bool) -> String {
    let city = TIME_ZONES.iter().find(|z| z.0 == offset_minutes).map(|z| if russian { z.1 } else { z.2 });
    let hours = offset_minutes / 60;
    let minutes = (offset_minutes % 60).abs();
    let utc = if minutes == 0 { format!("UTC{hours:+}") } else { format!("UTC{hours:+}:{minutes:02}") };
    match city {
        Some(c) => format!("{c} ({utc})"),
        None => utc,
    }
}

/// What is wrong with one field of the clinic's details.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DetailsProblem {
    Required,
    TooLong(usize),
    Phone,
    Choice,
    Range,
    /// Not "Surname Name [Patronymic]".
    FullName,
}

/// A place's name, address and phone as typed (the clinic's, a branch's): trimmed; name and
/// address required and bounded; the phone readable (Russian or international, kept as typed)
/// and required when `phone_required`. Returns them with the problems found, field by field.
fn check_place(
    name: &str,
    address: &str,
    phone: &str,
    phone_required: bool,
) -> (String, String, String, Vec<(&'static str, DetailsProblem)>) {
    let mut problems = Vec::new();
    let mut text = |field: &'static str, value: &str, max: usize| {
        let v = value.trim();
        if v.is_empty() {
            problems.push((field, DetailsProblem::Required));
        } else if v.chars().count() > max || v.chars().any(char::is_control) {
            problems.push((field, DetailsProblem::TooLong(max)));
        }
        v.to_string()
    };
    let name = text("name", name, CLINIC_NAME_MAX_CHARS);
    let address = text("address", address, CLINIC_ADDRESS_MAX_CHARS);
    let phone = phone.trim().to_string();
    if phone.is_empty() {
        if phone_required {
            problems.push(("phone", DetailsProblem::Required));
        }
    } else if crate::kernel::person::PhoneNumber::parse(&phone).is_err() {
        problems.push(("phone", DetailsProblem::Phone));
    }
    (name, address, phone, problems)
}

/// The details as typed, checked: trimmed name and address (required, bounded), a phone the
/// portal can read (Russian or international; kept as typed), and one of `TIME_ZONES`.
pub fn check_details(
    name: &str,
    address: &str,
    phone: &str,
    utc_offset: &str,
) -> Result<ClinicDetails, Vec<(&'static str, DetailsProblem)>> {
    let (name, address, phone, mut problems) = check_place(name, address, phone, true);
    let offset = utc_offset.trim().parse::<i32>().ok().filter(|o| TIME_ZONES.iter().any(|z| z.0 == *o));
    if offset.is_none() {
        problems.push(("utc_offset", DetailsProblem::Choice));
    }
    match offset {
        Some(utc_offset_minutes) if problems.is_empty() => {
            Ok(ClinicDetails { name, address, phone, utc_offset_minutes })
        }
        _ => Err(problems),
    }
}

/// The staff roles, in the order forms list them.
pub const ROLES: [Role; 4] = [Role::Clinician, Role::Registrar, Role::Editor, Role::Head];

/// The roles ticked on a form, in `ROLES` order; None when none is ticked (a staff member has
/// at least one role).
pub fn roles_ticked(ticked: [bool; 4]) -> Option<Roles> {
    let roles: Vec<Role> = ROLES.iter().zip(ticked).filter(|(_, on)| *on).map(|(r, _)| *r).collect();
    (!roles.is_empty()).then_some(Roles(roles))
}

/// A branch as typed: name and address required, the phone optional but readable.
pub fn check_branch(
    name: &str,
    address: &str,
    phone: &str,
) -> Result<BranchInput, Vec<(&'static str, DetailsProblem)>> {
    let (name, address, phone, problems) = check_place(name, address, phone, false);
    if problems.is_empty() {
        Ok(BranchInput { name, address, phone })
    } else {
        Err(problems)
    }
}

/// A branch's details, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BranchInput {
    pub name: String,
    pub address: String,
    pub phone: String,
}

/// A branch as the admin list shows it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct BranchRecord {
    pub id: i64,
    pub name: String,
    pub address: String,
    pub phone: String,
    pub active: bool,
    /// Doctors, schedule days or appointments name it: it can be deactivated, not deleted.
    pub in_use: bool,
}

/// The clinic's settings the head sets on the clinic's page.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ClinicSettings {
    /// How long an attach code works, in hours.
    pub attach_code_ttl_hours: i64,
    /// Where an attach code goes first: "phone" (SMS to a mobile number) or "email".
    pub contact_priority: String,
    /// How long a protocol can be corrected after it was written, in hours.
    pub protocol_edit_hours: i64,
    /// The cabinet's tabs patients do not see.
    pub hidden_tabs: HiddenTabs,
}

/// The hours a setting takes: an hour to a month.
pub const SETTING_HOURS: std::ops::RangeInclusive<i64> = 1..=720;

/// The settings as typed, checked: hours within `SETTING_HOURS`, a known contact.
pub fn check_settings(
    attach_code_ttl_hours: &str,
    contact_priority: &str,
    protocol_edit_hours: &str,
    hidden_tabs: HiddenTabs,
) -> Result<ClinicSettings, Vec<(&'static str, DetailsProblem)>> {
    let mut problems = Vec::new();
    let mut hours = |field: &'static str, typed: &str| {
        let h = typed.trim().parse::<i64>().ok().filter(|h| SETTING_HOURS.contains(h));
        if h.is_none() {
            problems.push((field, DetailsProblem::Range));
        }
        h.unwrap_or_default()
    };
    let attach_code_ttl_hours = hours("attach_code_ttl_hours", attach_code_ttl_hours);
    let protocol_edit_hours = hours("protocol_edit_hours", protocol_edit_hours);
    if !matches!(contact_priority, "phone" | "email") {
        problems.push(("contact_priority", DetailsProblem::Choice));
    }
    if problems.is_empty() {
        Ok(ClinicSettings {
            attach_code_ttl_hours,
            contact_priority: contact_priority.into(),
            protocol_edit_hours,
            hidden_tabs,
        })
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_name_is_surname_name_and_the_rest_as_patronymic() {
        let n = parse_full_name("  Соколова   Анна Сергеевна ").unwrap();
        assert_eq!(
            (n.surname.as_str(), n.name.as_str(), n.patronymic.as_deref()),
            ("Соколова", "Анна", Some("Сергеевна"))
        );
        assert_eq!(n.full(), "Соколова Анна Сергеевна");
        let two = parse_full_name("Smith John").unwrap();
        assert_eq!(two.patronymic, None);
        assert_eq!(two.full(), "Smith John");
        assert_eq!(parse_full_name("Алиев Рустам Ахмед оглы").unwrap().patronymic.as_deref(), Some("Ахмед оглы"));
        assert_eq!(parse_full_name("Римский-Корсакова Д’Арк Ивановна").unwrap().surname, "Римский-Корсакова");
    }

    #[test]
    fn a_name_of_one_word_or_with_other_characters_is_refused() {
        for bad in ["", "   ", "Соколова", "Соколова <script>", "Соколова Анна1", "Соколова\u{0} Анна"]
        {
            assert_eq!(parse_full_name(bad), None, "{bad:?}");
        }
        let long = "а".repeat(NAME_PART_MAX_CHARS + 1);
        assert_eq!(parse_full_name(&format!("{long} Анна")), None);
        assert!(parse_full_name(&format!("{} Анна", "а".repeat(NAME_PART_MAX_CHARS))).is_some());
    }

    #[test]
    fn the_clinic_details_are_checked_field_by_field() {
        let ok =
            check_details("  Клиника «Здоровье» ", "г. Томск, ул. Ленина, 1", "+7 (3822) 12-34-56", "420").unwrap();
        assert_eq!(ok.name, "Клиника «Здоровье»");
        assert_eq!(ok.phone, "+7 (3822) 12-34-56", "kept as typed");
        assert_eq!(ok.utc_offset_minutes, 420);
        assert!(ok.is_set() && !ClinicDetails::default().is_set());
        let bad = check_details(" ", &"д".repeat(CLINIC_ADDRESS_MAX_CHARS + 1), "12", "200").unwrap_err();
        assert_eq!(
            bad,
            [
                ("name", DetailsProblem::Required),
                ("address", DetailsProblem::TooLong(CLINIC_ADDRESS_MAX_CHARS)),
                ("phone", DetailsProblem::Phone),
                ("utc_offset", DetailsProblem::Choice),
            ]
        );
        assert_eq!(
            check_details("К", "А", "", "x").unwrap_err(),
            [("phone", DetailsProblem::Required), ("utc_offset", DetailsProblem::Choice)]
        );
    }

    #[test]
    fn time_zones_read_as_a_city_and_the_offset() {
        assert_eq!(time_zone_label(180, true), "Москва (UTC+3)");
        assert_eq!(time_zone_label(720, false), "Kamchatka (UTC+12)");
        assert_eq!(time_zone_label(-330, true), "UTC-5:30");
    }

    #[test]
    fn a_staff_member_has_at_least_one_role() {
        assert_eq!(roles_ticked([false; 4]), None);
        assert_eq!(roles_ticked([false, true, false, true]), Some(Roles(vec![Role::Registrar, Role::Head])));
        assert_eq!(roles_ticked([true; 4]).unwrap().0, ROLES.to_vec());
    }

    #[test]
    fn a_branch_needs_a_name_and_an_address_and_a_readable_phone_if_any() {
        let b = check_branch(" Филиал на Ленина ", "ул. Ленина, 1", "").unwrap();
        assert_eq!((b.name.as_str(), b.phone.as_str()), ("Филиал на Ленина", ""));
        assert_eq!(
            check_branch("", " ", "abc").unwrap_err(),
            [
                ("name", DetailsProblem::Required),
                ("address", DetailsProblem::Required),
                ("phone", DetailsProblem::Phone)
            ]
        );
    }

    #[test]
    fn settings_take_an_hour_to_a_month_and_a_known_contact() {
        let s = check_settings("72", "email", " 24 ", HiddenTabs::default()).unwrap();
        assert_eq!((s.attach_code_ttl_hours, s.contact_priority.as_str(), s.protocol_edit_hours), (72, "email", 24));
        assert_eq!(
            check_settings("0", "fax", "721", HiddenTabs::default()).unwrap_err(),
            [
                ("attach_code_ttl_hours", DetailsProblem::Range),
                ("protocol_edit_hours", DetailsProblem::Range),
                ("contact_priority", DetailsProblem::Choice),
            ]
        );
        assert!(check_settings("720", "phone", "1", HiddenTabs::default()).is_ok());
    }
}

/// Journal lines per page of the admin journal.
pub const JOURNAL_PAGE_SIZE: i64 = 50;

/// The journal's groups of actions, by the part of the action's name before the dot: what the
/// head filters by. Administrative changes first.
pub const JOURNAL_GROUPS: [&str; 15] = [
    "clinic",
    "staff",
    "branch",
    "doctor",
    "specialty",
    "prices",
    "booking",
    "cancel_reason",
    "account",
    "session",
    "card",
    "appointment",
    "record",
    "document",
    "waitlist",
];

/// What the head asks the journal for.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct JournalQuery {
    /// One of `JOURNAL_GROUPS`, or every action.
    pub group: Option<String>,
    /// Done by this staff member.
    pub staff_id: Option<i64>,
    /// From this instant (inclusive) …
    pub from: Option<i64>,
    /// … to this one (exclusive).
    pub to: Option<i64>,
    /// From 1.
    pub page: i64,
}

impl JournalQuery {
    /// The query from the page's address: unknown groups, unreadable people, dates and pages are
    /// dropped rather than refused (a filter form cannot hold a wrong value; a typed address
    /// can); dates are the clinic's days (`offset_minutes` from UTC), `to` inclusive.
    pub fn from_form(group: &str, person: &str, from: &str, to: &str, page: &str, offset_minutes: i32) -> Self {
        let day_start = |s: &str| {
            let format = time::macros::format_description!("[year]-[month]-[day]");
            let date = time::Date::parse(s.trim(), &format).ok()?;
            let offset = time::UtcOffset::from_whole_seconds(offset_minutes * 60).ok()?;
            Some(date.midnight().assume_offset(offset).unix_timestamp())
        };
        JournalQuery {
            group: JOURNAL_GROUPS.iter().find(|g| **g == group).map(|g| g.to_string()),
            staff_id: person.parse().ok(),
            from: day_start(from),
            to: day_start(to).map(|t| t + 86_400),
            page: page.parse::<i64>().ok().filter(|p| *p >= 1).unwrap_or(1),
        }
    }
}

/// One line of the admin journal.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct JournalLine {
    pub at: i64,
    /// The person, when the journal names an account (staff by name, patients by their card's).
    pub who: Option<String>,
    /// The role they acted in (the journal's `actor_role`).
    pub role: String,
    pub action: String,
    pub object: Option<String>,
    pub detail: Option<String>,
    pub origin: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct JournalPage {
    pub lines: Vec<JournalLine>,
    pub total: i64,
}

/// "field: before → after; …" for the fields that changed, or none when nothing did.
pub fn changes(fields: &[(&str, String, String)]) -> Option<String> {
    let changed: Vec<String> = fields
        .iter()
        .filter(|(_, before, after)| before != after)
        .map(|(name, before, after)| {
            let shown = |v: &str| if v.is_empty() { "—".to_string() } else { v.to_string() };
            format!("{name}: {} → {}", shown(before), shown(after))
        })
        .collect();
    (!changed.is_empty()).then(|| changed.join("; "))
}

#[cfg(test)]
mod journal_tests {
    use super::*;

    #[test]
    fn a_change_names_only_the_fields_that_changed() {
        let fields = [
            ("name", "Клиника".to_string(), "Клиника «Здоровье»".to_string()),
            ("phone", String::new(), "+7 3822 12-34-56".to_string()),
            ("address", "Томск".to_string(), "Томск".to_string()),
        ];
        assert_eq!(
            changes(&fields).as_deref(),
            Some("name: Клиника → Клиника «Здоровье»; phone: — → +7 3822 12-34-56")
        );
        assert_eq!(changes(&fields[2..]), None);
    }

    #[test]
    fn the_journal_filter_reads_the_clinic_s_days_and_drops_what_it_cannot_read() {
        let q = JournalQuery::from_form("prices", "12", "2026-12-01", "2026-12-01", "3", 180);
        // Midnight in Moscow is 21:00 UTC the day before; `to` covers the whole day.
        assert_eq!(q.from, Some(1_796_072_400));
        assert_eq!(q.to, Some(1_796_072_400 + 86_400));
        assert_eq!((q.group.as_deref(), q.staff_id, q.page), (Some("prices"), Some(12), 3));
        let q = JournalQuery::from_form("drop table", "x", "1.12.2026", "", "-1", 180);
        assert_eq!(q, JournalQuery { page: 1, ..JournalQuery::default() });
    }
}
