//! `AppError`: the one error every server function returns. It crosses the wire as JSON, carries
//! no internal detail (internal failures are logged on the server under a reference id), and
//! knows its HTTP status and its translated message.

use crate::i18n::Texts;
use leptos::server_fn::{
    codec::JsonEncoding,
    error::{FromServerFnError, ServerFnErrorErr},
};
use serde::{Deserialize, Serialize};

/// What is wrong with one form field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Problem {
    Required,
    TooLong(usize),
    Email,
    DateTime,
    Date,
    Phone,
    PasswordTooShort,
    PasswordCommon,
    PasswordMismatch,
    PasswordWrong,
    /// Not one of the choices offered (a service, a branch, a status).
    Choice,
    /// A time of day ("09:30") or a span that ends before it starts.
    Time,
    /// A number out of its allowed range.
    Range,
    TotpWrong,
    EmailUnavailable,
    /// A file of a type the portal does not take (decided by its content).
    FileType,
    /// A file over the limit, in MB.
    FileTooLarge(u64),
    /// More files than one upload takes.
    TooManyFiles(usize),
    /// Care marked as the minor's own consent for a patient not 15 to 17 on the visit's date.
    OwnConsentAge,
    /// Not "Surname Name [Patronymic]" in letters.
    FullName,
    /// Not a table the portal reads (CSV, XLSX, XLS).
    Spreadsheet,
    /// A table of more rows than an import takes.
    TooManyRows(usize),
    /// A list's entry that is there already.
    Taken,
    /// A template names a parameter its type does not offer (`{…}` not in «Параметры»).
    UnknownParameter,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub problem: Problem,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("validation failed")]
    Validation(Vec<FieldError>),
    /// Sign-in failed; deliberately silent about which part was wrong.
    #[error("sign-in failed")]
    SignInFailed,
    #[error("not signed in")]
    Unauthenticated,
    #[error("forbidden")]
    Forbidden,
    /// Unknown and forbidden ids get this same answer.
    #[error("not found")]
    NotFound,
    #[error("conflict")]
    Conflict,
    /// A verification code that is wrong, spent, replaced or expired: one answer for all.
    #[error("code invalid")]
    CodeInvalid,
    /// The code took too many wrong tries and is void.
    #[error("code exhausted")]
    CodeExhausted,
    /// The card lacks the consents the cabinet needs.
    #[error("consents missing")]
    ConsentsMissing,
    /// The code from the authenticator app (or a recovery code) was not accepted.
    #[error("second factor invalid")]
    SecondFactorInvalid,
    /// The second step of sign-in timed out or failed too often: type the password again.
    #[error("second step expired")]
    SecondStepExpired,
    /// Staff must turn on a second factor before using the staff area.
    #[error("second factor required")]
    SecondFactorRequired,
    /// An attach code that is wrong, used, expired or not for this account: one answer.
    #[error("attach code invalid")]
    AttachCodeInvalid,
    /// A staff invitation link that is unknown, used or expired: one answer.
    #[error("link invalid")]
    LinkInvalid,
    /// The change would leave the clinic without an active head.
    #[error("last head")]
    LastHead,
    /// A branch that doctors, schedule days or appointments name cannot be deleted.
    #[error("branch in use")]
    BranchInUse,
    /// The card has no contact to send a code to.
    #[error("no contact")]
    NoContact,
    /// The time was just taken (or is not free); these are the nearest free ones.
    #[error("slot taken")]
    SlotTaken { nearest: Vec<crate::kernel::time_fmt::SlotRef> },
    /// The patient already holds the clinic's limit of future appointments with this doctor.
    #[error("booking limit")]
    BookingLimit { max: i64 },
    /// Too close to the start to cancel or move in the cabinet: call the clinic.
    #[error("cancellation closed")]
    CancellationClosed,
    /// The rules refuse to send this to the cabinet, for these reasons.
    #[error("cannot send")]
    CannotSend { reasons: Vec<crate::features::record::document_rules::Refusal> },
    /// A protocol older than the clinic's edit window.
    #[error("edit window closed")]
    EditWindowClosed { hours: i64 },
    /// The date of birth typed at a document's gate does not match the card.
    #[error("birth date wrong")]
    BirthDateWrong,
    /// Too many wrong dates of birth: the gate stays locked until the phone is confirmed.
    #[error("gate blocked")]
    GateBlocked,
    /// The account's record export is already under way.
    #[error("export running")]
    ExportRunning,
    /// Another account's export holds the converter; try again shortly.
    #[error("export busy")]
    ExportBusy,
    /// The record's PDF could not be made (the converter failed or ran out of time).
    #[error("export failed")]
    ExportFailed,
    #[error("rate limited")]
    RateLimited { retry_after_secs: i64 },
    /// The request could not be read (malformed or missing arguments): the caller's fault.
    #[error("bad request")]
    BadRequest,
    /// The request's body is over the limit of where it was sent.
    #[error("too large")]
    TooLarge,
    #[error("internal error {reference}")]
    Internal { reference: String },
    /// The browser could not reach the server or read its answer.
    #[error("server unavailable")]
    Unavailable,
    /// A doctor whom schedules, appointments, records or an account refer to.
    #[error("doctor in use")]
    DoctorInUse,
    /// A patient's messages over the hourly limit: the next may go after the wait.
    #[error("message limit")]
    MessageLimit { max: i64, retry_after_secs: i64 },
    /// A price-list import whose file or column mapping still has errors.
    #[error("import has errors")]
    ImportHasErrors,
}

impl AppError {
    pub fn field(field: &str, problem: Problem) -> Self {
        AppError::Validation(vec![FieldError { field: field.into(), problem }])
    }

    pub fn status(&self) -> u16 {
        match self {
            AppError::Validation(_) => 422,
            AppError::SignInFailed | AppError::Unauthenticated => 401,
            AppError::Forbidden => 403,
            AppError::NotFound => 404,
            AppError::Conflict => 409,
            AppError::CodeInvalid | AppError::CodeExhausted => 422,
            AppError::ConsentsMissing => 403,
            AppError::SecondFactorInvalid => 422,
            AppError::SecondStepExpired => 401,
            AppError::SecondFactorRequired => 403,
            AppError::AttachCodeInvalid | AppError::NoContact | AppError::LinkInvalid => 422,
            AppError::LastHead | AppError::BranchInUse | AppError::DoctorInUse => 409,
            AppError::ImportHasErrors => 422,
            AppError::SlotTaken { .. } => 409,
            AppError::BookingLimit { .. } | AppError::CancellationClosed => 422,
            AppError::CannotSend { .. } | AppError::EditWindowClosed { .. } | AppError::BirthDateWrong => 422,
            AppError::GateBlocked => 423,
            AppError::ExportRunning => 409,
            AppError::ExportBusy | AppError::ExportFailed => 503,
            AppError::RateLimited { .. } | AppError::MessageLimit { .. } => 429,
            AppError::BadRequest => 400,
            AppError::TooLarge => 413,
            AppError::Internal { .. } => 500,
            AppError::Unavailable => 503,
        }
    }

    /// The sentence shown to the person.
    pub fn message(&self, t: &Texts) -> String {
        match self {
            AppError::Validation(_) => t.err_fix_fields.into(),
            AppError::SignInFailed => t.sign_in_failed.into(),
            AppError::Unauthenticated => t.err_unauthenticated.into(),
            AppError::Forbidden => t.forbidden_text.into(),
            AppError::NotFound => t.not_found_text.into(),
            AppError::Conflict => t.err_conflict.into(),
            AppError::CodeInvalid => t.err_code_invalid.into(),
            AppError::CodeExhausted => t.err_code_exhausted.into(),
            AppError::ConsentsMissing => t.err_consents_missing.into(),
            AppError::SecondFactorInvalid => t.err_second_factor_invalid.into(),
            AppError::SecondStepExpired => t.err_second_step_expired.into(),
            AppError::SecondFactorRequired => t.err_second_factor_required.into(),
            AppError::AttachCodeInvalid => t.err_attach_code_invalid.into(),
            AppError::LinkInvalid => t.clinic().err_link_invalid.into(),
            AppError::LastHead => t.clinic().err_last_head.into(),
            AppError::BranchInUse => t.clinic().err_branch_in_use.into(),
            AppError::DoctorInUse => t.clinic().err_doctor_in_use.into(),
            AppError::ImportHasErrors => t.prices().err_import_has_errors.into(),
            AppError::NoContact => t.err_no_contact.into(),
            AppError::SlotTaken { nearest } => {
                let times: Vec<String> = nearest
                    .iter()
                    .map(|s| {
                        format!(
                            "{:02}.{:02} {}",
                            s.day.day(),
                            s.day.month() as u8,
                            crate::kernel::time_fmt::format_hhmm(s.start_min)
                        )
                    })
                    .collect();
                if times.is_empty() {
                    t.err_slot_taken_none.into()
                } else {
                    (t.err_slot_taken)(&times.join(", "))
                }
            }
            AppError::BookingLimit { max } => (t.err_booking_limit)(*max),
            AppError::CancellationClosed => t.err_cancellation_closed.into(),
            AppError::CannotSend { reasons } => {
                let why: Vec<&str> = reasons.iter().map(|r| t.docs().refusal(*r)).collect();
                format!("{}: {}.", t.err_cannot_send, why.join(", "))
            }
            AppError::EditWindowClosed { hours } => (t.err_edit_window)(*hours),
            AppError::BirthDateWrong => t.err_birth_date_wrong.into(),
            AppError::GateBlocked => t.err_gate_blocked.into(),
            AppError::ExportRunning => t.err_export_running.into(),
            AppError::ExportBusy => t.err_export_busy.into(),
            AppError::ExportFailed => t.err_export_failed.into(),
            AppError::RateLimited { retry_after_secs } if *retry_after_secs < 60 => {
                (t.err_rate_limited_secs)((*retry_after_secs).max(1))
            }
            AppError::RateLimited { retry_after_secs } => (t.err_rate_limited)((retry_after_secs + 59) / 60),
            AppError::MessageLimit { max, retry_after_secs } => {
                (t.messages().err_limit)(*max, (retry_after_secs + 59) / 60)
            }
            AppError::BadRequest => t.err_bad_request.into(),
            AppError::TooLarge => t.err_too_large.into(),
            AppError::Internal { reference } => (t.err_internal)(reference),
            AppError::Unavailable => t.err_unavailable.into(),
        }
    }

    /// Seconds to wait before trying again (a `Retry-After` header), for a rate limit.
    pub fn retry_after(&self) -> Option<i64> {
        match self {
            AppError::RateLimited { retry_after_secs } | AppError::MessageLimit { retry_after_secs, .. } => {
                Some((*retry_after_secs).max(1))
            }
            _ => None,
        }
    }

    /// The message for one field, if this error names it.
    pub fn field_message(&self, field: &str, t: &Texts) -> Option<String> {
        let AppError::Validation(errors) = self else { return None };
        errors.iter().find(|e| e.field == field).map(|e| match e.problem {
            Problem::Required => t.problem_required.into(),
            Problem::TooLong(n) => (t.problem_too_long)(n),
            Problem::Email => t.problem_email.into(),
            Problem::DateTime => t.problem_datetime.into(),
            Problem::Date => t.problem_date.into(),
            Problem::Phone => t.problem_phone.into(),
            Problem::PasswordTooShort => t.problem_password_short.into(),
            Problem::PasswordCommon => t.problem_password_common.into(),
            Problem::PasswordMismatch => t.problem_password_mismatch.into(),
            Problem::PasswordWrong => t.problem_password_wrong.into(),
            Problem::Choice => t.problem_choice.into(),
            Problem::Time => t.problem_time.into(),
            Problem::Range => t.problem_range.into(),
            Problem::TotpWrong => t.problem_totp_wrong.into(),
            Problem::EmailUnavailable => t.problem_email_unavailable.into(),
            Problem::FileType => t.problem_file_type.into(),
            Problem::FileTooLarge(mb) => (t.problem_file_too_large)(mb),
            Problem::TooManyFiles(n) => (t.problem_too_many_files)(n),
            Problem::OwnConsentAge => t.problem_own_consent_age.into(),
            Problem::FullName => t.clinic().problem_full_name.into(),
            Problem::Spreadsheet => t.prices().problem_spreadsheet.into(),
            Problem::TooManyRows(n) => (t.prices().problem_too_many_rows)(n),
            Problem::Taken => t.clinic().problem_taken.into(),
            Problem::UnknownParameter => t.notifications().problem_unknown_parameter.into(),
        })
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        #[cfg(feature = "ssr")]
        if let Some(e) = unreadable_request(&value) {
            return e;
        }
        match value {
            // The browser's own failures to reach or read the server.
            ServerFnErrorErr::Request(_)
            | ServerFnErrorErr::Deserialization(_)
            | ServerFnErrorErr::Serialization(_) => AppError::Unavailable,
            // Malformed arguments are the caller's fault and say nothing about the server.
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::MissingArg(_) => AppError::Validation(Vec::new()),
            _ => AppError::Internal { reference: "-".into() },
        }
    }
}

/// On the server, a request whose arguments cannot be read (missing, malformed, of the wrong
/// type, a body that breaks off) is the caller's fault: 400 with `BadRequest`, logged at debug.
/// server_fn would answer 500; the status is set here because its error path keeps whatever
/// status the response options hold. A plain form post with a Referer stays server_fn's
/// redirect back to its page, the error in the URL.
#[cfg(feature = "ssr")]
fn unreadable_request(value: &ServerFnErrorErr) -> Option<AppError> {
    use leptos::prelude::use_context;
    let kind = match value {
        ServerFnErrorErr::Args(_) => "arguments",
        ServerFnErrorErr::MissingArg(_) => "missing argument",
        ServerFnErrorErr::Request(_) | ServerFnErrorErr::Deserialization(_) => "body",
        _ => return None,
    };
    let parts = use_context::<axum::http::request::Parts>()?;
    let response = use_context::<leptos_axum::ResponseOptions>()?;
    // The message may quote what was sent: only the kind is logged.
    tracing::debug!(path = %parts.uri.path(), kind, "server function request unreadable");
    let plain_form = parts
        .headers
        .get(axum::http::header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("text/html"));
    if !(plain_form && parts.headers.contains_key(axum::http::header::REFERER)) {
        response.set_status(axum::http::StatusCode::BAD_REQUEST);
    }
    Some(AppError::BadRequest)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{EN, RU};

    #[test]
    fn errors_carry_their_http_status() {
        assert_eq!(AppError::Forbidden.status(), 403);
        assert_eq!(AppError::NotFound.status(), 404);
        assert_eq!(AppError::RateLimited { retry_after_secs: 5 }.status(), 429);
        assert_eq!(AppError::field("title", Problem::Required).status(), 422);
        assert_eq!(AppError::BadRequest.status(), 400);
        assert_eq!(AppError::TooLarge.status(), 413);
        assert_eq!(AppError::RateLimited { retry_after_secs: 0 }.retry_after(), Some(1));
        assert_eq!(AppError::Forbidden.retry_after(), None);
    }

    #[test]
    fn messages_are_translated_and_internal_errors_show_only_a_reference() {
        let e = AppError::Internal { reference: "K7Q2".into() };
        assert!(e.message(&RU).contains("K7Q2"));
        assert!(e.message(&EN).starts_with("Something went wrong"));
        assert_eq!(
            AppError::RateLimited { retry_after_secs: 61 }.message(&RU),
            "Слишком много попыток. Повторите через 2 минуты."
        );
    }

    #[test]
    fn field_messages_name_the_field() {
        let e = AppError::field("title", Problem::TooLong(200));
        assert_eq!(e.field_message("title", &EN).as_deref(), Some("At most 200 characters."));
        assert_eq!(e.field_message("body", &EN), None);
    }
}
