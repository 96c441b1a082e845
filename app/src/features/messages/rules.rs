//! The rules of messages, with no I/O: what may be sent, to whom, what a dialogue's state is,
//! how a message's text becomes text and links, and who a broadcast is for.

use serde::{Deserialize, Serialize};

/// The longest message, in characters.
pub const BODY_MAX: usize = 10_000;
/// Attachments per message.
pub const MAX_ATTACHMENTS: usize = 5;
/// A patient's messages per hour (across all their profiles' dialogues).
pub const PER_HOUR: i64 = 20;
/// A video call ends by itself this long after it was opened.
pub const VIDEO_SECS: i64 = 2 * 3600;
/// How often an open dialogue asks for news, in milliseconds.
pub const POLL_MS: u32 = 3_000;
/// Messages a dialogue page shows at once (the newest; older ones a link away).
pub const PAGE_MESSAGES: i64 = 200;
/// Dialogues an inbox or list page shows at once.
pub const PAGE_DIALOGUES: i64 = 50;
pub const TITLE_MAX: usize = 200;
pub const BROADCAST_MAX: usize = 20_000;

/// What a patient writes about (the short list «Тема»).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Subject {
    Treatment,
    Results,
    Booking,
    Documents,
    Other,
}

impl Subject {
    pub const ALL: [Subject; 5] =
        [Subject::Treatment, Subject::Results, Subject::Booking, Subject::Documents, Subject::Other];

    pub fn key(self) -> &'static str {
        match self {
            Subject::Treatment => "treatment",
            Subject::Results => "results",
            Subject::Booking => "booking",
            Subject::Documents => "documents",
            Subject::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.key() == s)
    }
}

/// Whom a new dialogue is addressed to: a doctor (their staff id) or the front desk. Sent by
/// forms as "desk" or "doctor:ID".
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Recipient {
    Desk,
    Doctor(i64),
}

impl Recipient {
    pub fn key(self) -> String {
        match self {
            Recipient::Desk => "desk".into(),
            Recipient::Doctor(id) => format!("doctor:{id}"),
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "desk" => Some(Recipient::Desk),
            _ => s.strip_prefix("doctor:")?.parse().ok().filter(|id| *id > 0).map(Recipient::Doctor),
        }
    }

    pub fn staff_id(self) -> Option<i64> {
        match self {
            Recipient::Desk => None,
            Recipient::Doctor(id) => Some(id),
        }
    }
}

/// The staff inbox's filters.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum InboxFilter {
    /// Every dialogue not closed.
    #[default]
    Open,
    /// With messages from the patient no one on the clinic's side has read.
    Unread,
    /// Open, the last message the patient's.
    Waiting,
    Closed,
}

impl InboxFilter {
    pub const ALL: [InboxFilter; 4] =
        [InboxFilter::Open, InboxFilter::Unread, InboxFilter::Waiting, InboxFilter::Closed];

    pub fn key(self) -> &'static str {
        match self {
            InboxFilter::Open => "open",
            InboxFilter::Unread => "unread",
            InboxFilter::Waiting => "waiting",
            InboxFilter::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Self {
        Self::ALL.into_iter().find(|x| x.key() == s).unwrap_or_default()
    }
}

/// Which side of a dialogue is reading or writing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Side {
    Patient,
    Clinic,
}

/// What a message's text is checked for: not empty unless files come with it, at most
/// `BODY_MAX` characters. The text is kept as typed (ends trimmed).
pub fn check_body(body: &str, attachments: usize) -> Result<String, crate::kernel::error::Problem> {
    use crate::kernel::error::Problem;
    let body = body.trim();
    if body.is_empty() && attachments == 0 {
        return Err(Problem::Required);
    }
    if body.chars().count() > BODY_MAX {
        return Err(Problem::TooLong(BODY_MAX));
    }
    Ok(body.replace("\r\n", "\n"))
}

/// Seconds until a patient who sent `sent_in_hour` messages within the hour may send again
/// (`oldest` is the first of those), or `None` when they may send now.
pub fn wait_before_next(sent_in_hour: i64, oldest_in_hour: Option<i64>, now: i64) -> Option<i64> {
    (sent_in_hour >= PER_HOUR).then(|| oldest_in_hour.map(|t| t + 3600 - now).unwrap_or(3600).max(1))
}

/// Whether a video call is open: it has a room and has not run out.
pub fn video_open(room: Option<&str>, until: Option<i64>, now: i64) -> bool {
    room.is_some() && until.is_some_and(|u| u > now)
}

/// One piece of a message's text: words, or a link to show as a link.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Piece {
    Text(String),
    Link(String),
}

/// A message's text as words and links: `http://` and `https://` addresses become links (up to
/// the next space, without trailing punctuation); nothing else is interpreted, so Markdown or
/// HTML a patient types is shown as typed.
pub fn pieces(text: &str) -> Vec<Piece> {
    let mut out = Vec::new();
    let mut rest = text;
    let mut plain = String::new();
    while !rest.is_empty() {
        let next = ["https://", "http://"].iter().filter_map(|p| rest.find(p)).min();
        let Some(start) = next else { break };
        let end = rest[start..].find(char::is_whitespace).map(|e| start + e).unwrap_or(rest.len());
        let mut url = &rest[start..end];
        while let Some(last) = url.chars().last().filter(|c| ".,;:!?)»\"'".contains(*c)) {
            url = &url[..url.len() - last.len_utf8()];
        }
        let scheme_only = url == "https://" || url == "http://";
        plain.push_str(&rest[..start]);
        if scheme_only {
            plain.push_str(url);
        } else {
            if !plain.is_empty() {
                out.push(Piece::Text(std::mem::take(&mut plain)));
            }
            out.push(Piece::Link(url.to_string()));
        }
        rest = &rest[start + url.len()..];
    }
    plain.push_str(rest);
    if !plain.is_empty() {
        out.push(Piece::Text(plain));
    }
    out
}

/// The broadcast form's «Вид рассылки»: "ads" (the radio button) or "on" (a checkbox) is
/// advertising; anything else, or nothing, informational.
pub fn is_advertising(kind: &str) -> bool {
    matches!(kind.trim(), "ads" | "on")
}

/// Who a broadcast is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Audience {
    All,
    /// Patients with an appointment at this branch.
    Branch(i64),
    /// Patients with an appointment with this doctor.
    Doctor(i64),
    /// Patients whose age today is within the range, inclusive.
    Age {
        min: i64,
        max: i64,
    },
}

impl Audience {
    pub fn key(self) -> &'static str {
        match self {
            Audience::All => "all",
            Audience::Branch(_) => "branch",
            Audience::Doctor(_) => "doctor",
            Audience::Age { .. } => "age",
        }
    }

    /// From the form: the kind and its fields. `Err` names the field that is wrong.
    pub fn from_form(kind: &str, branch: &str, doctor: &str, min: &str, max: &str) -> Result<Self, &'static str> {
        let id = |s: &str| s.trim().parse::<i64>().ok().filter(|v| *v > 0);
        match kind {
            "all" => Ok(Audience::All),
            "branch" => id(branch).map(Audience::Branch).ok_or("branch"),
            "doctor" => id(doctor).map(Audience::Doctor).ok_or("doctor"),
            "age" => {
                let age = |s: &str| s.trim().parse::<i64>().ok().filter(|v| (0..=150).contains(v));
                let min = age(min).ok_or("age_min")?;
                let max = age(max).ok_or("age_max")?;
                if max < min {
                    return Err("age_max");
                }
                Ok(Audience::Age { min, max })
            }
            _ => Err("audience"),
        }
    }
}

/// The birth dates (inclusive, as ISO text compares) of people aged `min` to `max` on `today`.
pub fn birth_range(min: i64, max: i64, today: time::Date) -> (time::Date, time::Date) {
    let years_before = |years: i64| crate::kernel::person::anniversary(today, -(years as i32));
    // Aged at most `max`: born after the day `max + 1` years ago.
    let earliest = years_before(max + 1).next_day().unwrap_or(today);
    let latest = years_before(min);
    (earliest, latest)
}

/// A dialogue in a list (the patient's tab or the staff's inbox).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DialogueRow {
    pub id: i64,
    pub subject: Subject,
    /// The doctor's name, or `None` for the front desk.
    pub doctor: Option<String>,
    /// The patient's name (staff lists).
    pub patient: String,
    pub closed: bool,
    pub waiting: bool,
    /// Unread for whoever is looking.
    pub unread: i64,
    pub last_at: i64,
    pub video_open: bool,
}

/// A broadcast in the patient's tab.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BroadcastRow {
    pub id: i64,
    pub title: String,
    pub sent_at: i64,
    pub unread: bool,
}

/// The patient's tab: dialogues, broadcasts, and whom a new dialogue may go to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Inbox {
    pub dialogues: Vec<DialogueRow>,
    pub broadcasts: Vec<BroadcastRow>,
    /// The page of dialogues shown (`PAGE_DIALOGUES` each) and how many pages there are.
    pub page: i64,
    pub pages: i64,
}

/// One recipient a patient may write to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecipientChoice {
    pub key: String,
    pub label: String,
}

/// A file attached to a message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachmentView {
    pub id: i64,
    pub name: String,
    pub image: bool,
    pub size: i64,
}

/// One message as shown.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageView {
    pub id: i64,
    pub from_patient: bool,
    /// Who wrote it: the doctor's or registrar's name, or the patient's (or guardian's).
    pub author: String,
    pub at: i64,
    pub pieces: Vec<Piece>,
    pub files: Vec<AttachmentView>,
}

/// An appointment shown beside a dialogue on the staff side.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecentVisit {
    pub starts_at: i64,
    pub doctor: String,
    pub status: crate::features::booking::rules::AppointmentStatus,
}

/// A dialogue page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DialogueView {
    pub row: DialogueRow,
    pub messages: Vec<MessageView>,
    /// There are older messages: the id to ask for those before.
    pub older_before: Option<i64>,
    /// The room's address while a call is open.
    pub video_url: Option<String>,
    /// Staff: the card beside the dialogue.
    pub card: Option<CardSide>,
    /// Staff: where the dialogue may be handed over to.
    pub handover: Vec<RecipientChoice>,
}

/// Staff: the patient's card and recent appointments beside a dialogue.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardSide {
    pub card_id: i64,
    pub name: String,
    pub birth_date: String,
    pub visits: Vec<RecentVisit>,
}

/// Where an open dialogue page asks for news: the messages after `after`, rendered by the server
/// as the page renders them, as the body; the rest in headers (below), so that the browser needs
/// no JSON parser for it.
pub fn updates_path(dialogue: i64, after: i64) -> String {
    format!("/messages/{dialogue}/updates?after={after}")
}

/// The newest message id the page shows once the body is added.
pub const LAST_ID_HEADER: &str = "kabinet-last-id";
/// Unread in the patient's whole tab (the navigation's badge); absent on the staff side.
pub const UNREAD_HEADER: &str = "kabinet-unread";
/// The open video call's address; absent when none is open.
pub const VIDEO_HEADER: &str = "kabinet-video";

/// A broadcast on the staff side.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BroadcastAdminRow {
    pub id: i64,
    pub title: String,
    pub advertising: bool,
    pub audience: Audience,
    pub send_at: i64,
    /// Set to go out, not sent yet.
    pub scheduled: bool,
    pub sent: bool,
    pub recipients: i64,
}

/// A broadcast's text as shown (rendered from Markdown on the server).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BroadcastView {
    pub id: i64,
    pub title: String,
    pub body_html: String,
    pub sent_at: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_become_links_and_nothing_else_is_interpreted() {
        assert_eq!(
            pieces("Смотрите https://example.org/a?b=1. И <b>это</b> **так**"),
            vec![
                Piece::Text("Смотрите ".into()),
                Piece::Link("https://example.org/a?b=1".into()),
                Piece::Text(". И <b>это</b> **так**".into()),
            ]
        );
        assert_eq!(pieces("javascript:alert(1)"), vec![Piece::Text("javascript:alert(1)".into())]);
        assert_eq!(pieces("http:// нет"), vec![Piece::Text("http:// нет".into())]);
        assert_eq!(
            pieces("(http://a.b)"),
            vec![Piece::Text("(".into()), Piece::Link("http://a.b".into()), Piece::Text(")".into())]
        );
        assert_eq!(pieces(""), vec![]);
    }

    #[test]
    fn a_message_needs_words_or_files_and_fits_the_limit() {
        use crate::kernel::error::Problem;
        assert_eq!(check_body("  ", 0), Err(Problem::Required));
        assert_eq!(check_body("  ", 1), Ok(String::new()));
        assert_eq!(check_body(" Здравствуйте\r\n ", 0), Ok("Здравствуйте".into()));
        assert_eq!(check_body(&"я".repeat(BODY_MAX), 0).map(|s| s.chars().count()), Ok(BODY_MAX));
        assert_eq!(check_body(&"я".repeat(BODY_MAX + 1), 0), Err(Problem::TooLong(BODY_MAX)));
    }

    #[test]
    fn the_hourly_limit_says_when_the_next_message_may_go() {
        assert_eq!(wait_before_next(19, Some(1_000), 2_000), None);
        assert_eq!(wait_before_next(20, Some(1_000), 2_000), Some(2_600));
        assert_eq!(wait_before_next(25, Some(1_000), 4_600), Some(1));
    }

    #[test]
    fn recipients_and_filters_round_trip() {
        assert_eq!(Recipient::parse("desk"), Some(Recipient::Desk));
        assert_eq!(Recipient::parse("doctor:7"), Some(Recipient::Doctor(7)));
        assert_eq!(Recipient::parse(&Recipient::Doctor(12).key()), Some(Recipient::Doctor(12)));
        assert_eq!(Recipient::parse("doctor:-1"), None);
        assert_eq!(Recipient::parse("doctor:x"), None);
        assert_eq!(InboxFilter::parse("closed"), InboxFilter::Closed);
        assert_eq!(InboxFilter::parse("??"), InboxFilter::Open);
        assert_eq!(Subject::parse("results"), Some(Subject::Results));
    }

    #[test]
    fn the_form_says_advertising_by_its_radio_button() {
        assert!(is_advertising("ads") && is_advertising("on"));
        assert!(!is_advertising("info") && !is_advertising(""));
    }

    #[test]
    fn video_is_open_until_it_runs_out() {
        assert!(video_open(Some("abc"), Some(100), 99));
        assert!(!video_open(Some("abc"), Some(100), 100));
        assert!(!video_open(None, Some(100), 1));
    }

    #[test]
    fn the_age_range_is_read_from_the_form_and_becomes_birth_dates() {
        assert_eq!(Audience::from_form("age", "", "", "18", "65"), Ok(Audience::Age { min: 18, max: 65 }));
        assert_eq!(Audience::from_form("age", "", "", "65", "18"), Err("age_max"));
        assert_eq!(Audience::from_form("branch", "x", "", "", ""), Err("branch"));
        assert_eq!(Audience::from_form("doctor", "", "3", "", ""), Ok(Audience::Doctor(3)));
        assert_eq!(Audience::from_form("nobody", "", "", "", ""), Err("audience"));
        let today = time::macros::date!(2026 - 12 - 05);
        let (earliest, latest) = birth_range(18, 18, today);
        // 18 today: born from 06.12.2007 to 05.12.2008.
        assert_eq!(earliest, time::macros::date!(2007 - 12 - 06));
        assert_eq!(latest, time::macros::date!(2008 - 12 - 05));
    }
}
