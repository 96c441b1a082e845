//! How the files of an upload travel to the cabinet: each file's state, the upload's status as
//! the sender and the patient read it (SPEC.md: Delivered, Delivered k of n, Sending, Not sent,
//! Cannot be sent), the date-of-birth gate, the protocol edit window, and what pages show.

use crate::features::record::document_rules::{Category, Refusal};
use crate::features::record::rules::RecordKind;
use crate::kernel::media::{MediaType, Preview};
use serde::{Deserialize, Serialize};
use time::Date;

/// One file's state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum FileStatus {
    /// In the queue: being converted and delivered.
    Queued,
    Delivered,
    /// Not sent, but it could be: not ticked, or its conversion failed. Resend is offered.
    NotSent,
    /// The rules refuse it (the reasons say why).
    CannotSend,
}

impl FileStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            FileStatus::Queued => "queued",
            FileStatus::Delivered => "delivered",
            FileStatus::NotSent => "not_sent",
            FileStatus::CannotSend => "cannot_send",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        [FileStatus::Queued, FileStatus::Delivered, FileStatus::NotSent, FileStatus::CannotSend]
            .into_iter()
            .find(|x| x.as_str() == s)
    }
}

/// Why a file is not in the cabinet.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Reason {
    Refused(Refusal),
    /// The sender did not tick "Отправить в кабинет".
    NotSelected,
    /// The conversion (to PDF or WEBP) failed; the original is kept.
    ConversionFailed,
    /// An image that declares more pixels than the portal converts (`MAX_IMAGE_PIXELS`): a
    /// decompression bomb, or a picture no phone takes. The original is kept.
    ImageTooLarge,
}

impl Reason {
    pub fn code(self) -> &'static str {
        match self {
            Reason::Refused(r) => r.as_str(),
            Reason::NotSelected => "not_selected",
            Reason::ConversionFailed => "conversion_failed",
            Reason::ImageTooLarge => "image_too_large",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "not_selected" => Some(Reason::NotSelected),
            "conversion_failed" => Some(Reason::ConversionFailed),
            "image_too_large" => Some(Reason::ImageTooLarge),
            other => Refusal::parse(other).map(Reason::Refused),
        }
    }
    /// The stored form: codes joined by commas.
    pub fn join(reasons: &[Reason]) -> String {
        reasons.iter().map(|r| r.code()).collect::<Vec<_>>().join(",")
    }
    /// The stored form read back; none when a code is unknown (the store answers that as
    /// corrupt data rather than drop a reason).
    pub fn split(s: &str) -> Option<Vec<Reason>> {
        s.split(',').map(str::trim).filter(|c| !c.is_empty()).map(Reason::parse).collect()
    }
}

/// The upload's status, from its files'.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum UploadStatus {
    /// Every file arrived.
    Delivered,
    /// Some arrived: `delivered` of `total`.
    DeliveredSome { delivered: usize, total: usize },
    /// Files are still on their way.
    Sending,
    /// None arrived, and at least one could be sent again.
    NotSent,
    /// None arrived, and the rules refuse them all.
    CannotSend,
}

pub fn upload_status(files: &[FileStatus]) -> UploadStatus {
    let total = files.len();
    let delivered = files.iter().filter(|s| **s == FileStatus::Delivered).count();
    if files.contains(&FileStatus::Queued) {
        UploadStatus::Sending
    } else if total > 0 && delivered == total {
        UploadStatus::Delivered
    } else if delivered > 0 {
        UploadStatus::DeliveredSome { delivered, total }
    } else if total > 0 && files.iter().all(|s| *s == FileStatus::CannotSend) {
        UploadStatus::CannotSend
    } else {
        UploadStatus::NotSent
    }
}

/// Wrong dates of birth a patient may type, across all documents and sessions, before the gate
/// locks until the phone is confirmed or staff unlock it.
pub const DOB_TRIES: i64 = 3;

/// A document sent while the card's phone was unconfirmed opens only with the date of birth.
pub fn needs_dob_gate(phone_confirmed: bool) -> bool {
    !phone_confirmed
}

/// Whether a clinician's protocol created at `created_at` may still be edited at `now`.
pub fn protocol_editable(created_at: i64, now: i64, edit_hours: i64) -> bool {
    now < created_at + edit_hours * 3600
}

/// A file as the patient sees it in their record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PatientFile {
    pub id: i64,
    /// The delivered copy's name ("Анализ.pdf" for "Анализ.docx").
    pub name: String,
    pub media_type: MediaType,
    pub size: i64,
    pub status: FileStatus,
    pub resend_requested: bool,
}

impl PatientFile {
    pub fn preview(&self) -> Preview {
        self.media_type.preview()
    }
}

/// The documents of one record, as the patient sees them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordFiles {
    pub status: UploadStatus,
    pub files: Vec<PatientFile>,
    /// Sent by the clinic (the patient may ask to resend what did not arrive), not by the patient.
    pub from_clinic: bool,
}

/// The date-of-birth gate of a record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Gate {
    Open,
    /// Locked: the date of birth opens it.
    AskBirthDate,
    /// Too many wrong dates: locked until the phone is confirmed or staff unlock it.
    Blocked,
}

/// A file as the sender sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffFile {
    pub id: i64,
    pub name: String,
    pub media_type: MediaType,
    pub converted: Option<MediaType>,
    pub size: i64,
    pub status: FileStatus,
    pub reasons: Vec<Reason>,
    pub resend_requested: bool,
}

/// One upload on the staff documents page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffUpload {
    pub id: i64,
    pub record_id: i64,
    pub title: String,
    pub category: Option<Category>,
    pub visit_date: Date,
    pub created_at: i64,
    pub uploaded_by: String,
    /// Whose card the files landed in, when not this one (a guardian's).
    pub landed_with: Option<String>,
    /// Marked as the minor's own-consent care.
    pub own_consent: bool,
    pub status: UploadStatus,
    pub files: Vec<StaffFile>,
}

/// A clinician's record (protocol) on the staff documents page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffProtocol {
    pub id: i64,
    pub kind: RecordKind,
    pub visit_date: Date,
    pub title: String,
    pub icd_code: Option<String>,
    pub icd_text: Option<String>,
    pub body: String,
    pub created_at: i64,
    pub sent_at: Option<i64>,
    pub editable: bool,
    /// Marked as the minor's own-consent care.
    pub own_consent: bool,
}

/// Where a ward's files can land, for the sender's page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RouteView {
    /// Not a ward: the card itself.
    Own,
    WardProfile,
    Guardian {
        card_id: i64,
        name: String,
    },
    Choose(Vec<(i64, String)>),
    Nobody(Vec<(String, crate::features::record::document_rules::GuardianRefusal)>),
    /// The minor's own-consent care with no ward's profile to take it: not sent.
    KeptFromGuardians,
}

/// The staff documents page of one card.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardDocuments {
    pub card_id: i64,
    pub full_name: String,
    pub birth_date: Date,
    /// The patient is 15 to 17 today: care can be marked as the minor's own consent.
    pub own_consent_today: bool,
    pub phone_confirmed: bool,
    /// The facts of the card the files would land in (for the reasons shown before upload).
    pub target_facts: crate::features::record::document_rules::CardFacts,
    pub route: RouteView,
    pub module_enabled: bool,
    pub gate_blocked: bool,
    pub doctors: Vec<(i64, String)>,
    pub today: Date,
    pub uploads: Vec<StaffUpload>,
    pub protocols: Vec<StaffProtocol>,
    /// How long a protocol stays editable.
    pub edit_hours: i64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use FileStatus::*;

    #[test]
    fn an_uploads_status_follows_its_files() {
        let cases: Vec<(&str, Vec<FileStatus>, UploadStatus)> = vec![
            ("all arrived", vec![Delivered, Delivered], UploadStatus::Delivered),
            ("one still on its way", vec![Delivered, Queued], UploadStatus::Sending),
            ("all on their way", vec![Queued, Queued], UploadStatus::Sending),
            (
                "three of four, one refused",
                vec![Delivered, Delivered, CannotSend, Delivered],
                UploadStatus::DeliveredSome { delivered: 3, total: 4 },
            ),
            (
                "one of two, one failed",
                vec![NotSent, Delivered],
                UploadStatus::DeliveredSome { delivered: 1, total: 2 },
            ),
            ("none, one could be resent", vec![CannotSend, NotSent], UploadStatus::NotSent),
            ("none, all refused", vec![CannotSend, CannotSend], UploadStatus::CannotSend),
            ("nothing ticked", vec![NotSent], UploadStatus::NotSent),
            ("no files", vec![], UploadStatus::NotSent),
        ];
        for (name, files, expected) in cases {
            assert_eq!(upload_status(&files), expected, "{name}");
        }
    }

    #[test]
    fn reasons_round_trip_through_storage() {
        let all = [
            Reason::NotSelected,
            Reason::ConversionFailed,
            Reason::ImageTooLarge,
            Reason::Refused(Refusal::TooLarge),
            Reason::Refused(Refusal::NoAbleGuardian),
        ];
        assert_eq!(Reason::split(&Reason::join(&all)), Some(all.to_vec()));
        assert_eq!(Reason::split(""), Some(vec![]));
        assert_eq!(Reason::split("too_large,bogus"), None);
        for s in [Queued, Delivered, NotSent, CannotSend] {
            assert_eq!(FileStatus::parse(s.as_str()), Some(s));
        }
    }

    #[test]
    fn a_protocol_is_editable_for_the_clinics_window_only() {
        let created = 1_000_000;
        assert!(protocol_editable(created, created + 24 * 3600 - 1, 24));
        assert!(!protocol_editable(created, created + 24 * 3600, 24));
        assert!(protocol_editable(created, created + 47 * 3600, 48));
        assert!(needs_dob_gate(false));
        assert!(!needs_dob_gate(true));
    }
}
