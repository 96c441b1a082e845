//! Documents: the clinic's upload-and-send, the patient's own uploads, who may fetch a file,
//! the date-of-birth gate, resends, protocols and the cabinet module. The rules are
//! `document_rules` (eligibility, routing) and `delivery` (statuses, gate, edit
//! window); this module reads the facts they need and stores what they decide. Files reach it
//! already streamed to disk by the server crate; conversion and delivery are the worker's.

use crate::features::record::delivery::{
    needs_dob_gate, protocol_editable, upload_status, CardDocuments, FileStatus, Gate, PatientFile, Reason,
    RecordFiles, RouteView, StaffFile, StaffProtocol, StaffUpload, DOB_TRIES,
};
use crate::features::record::document_rules::{
    refusals, route, CardFacts, Category, FileFacts, PersonFacts, Refusal, Route, UploadFacts, UploadSource,
    MAX_FILES_PER_UPLOAD,
};
use crate::features::record::document_store::{CardFactsRow, NewFile, NewUpload, ProtocolInput, UploadRow};
use crate::features::record::rules::{search_key, RecordKind};
use crate::kernel::error::{AppError, FieldError, Problem};
use crate::kernel::media::{delivered_name, MediaType};
use crate::kernel::person::{guardianship_is_valid, own_consent_possible, FullName};
use crate::kernel::time_fmt::{local_date, parse_iso_date};
use crate::platform::profiles;
use crate::platform::state::AppState;
use crate::platform::store::{Actor, AuditEntry, SessionRecord};
use std::net::IpAddr;
use time::Date;

mod files;
mod protocols;
mod uploads;
pub use files::*;
pub use protocols::*;
pub use uploads::*;

/// A file the server crate has streamed to disk, with its type decided by content.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IncomingFile {
    pub original_name: String,
    pub media_type: MediaType,
    pub size: u64,
    pub stored_name: String,
}

/// The clinic's upload form, as typed.
#[derive(Clone, Debug, Default)]
pub struct UploadForm {
    pub category: String,
    pub title: String,
    pub visit_date: String,
    pub doctor: String,
    pub icd_code: String,
    pub icd_text: String,
    pub anonymous: bool,
    /// The guardian chosen among several (card id).
    pub guardian: String,
    /// Per file (by position): "Отправить в кабинет" ticked.
    pub send: Vec<bool>,
    /// The minor (15 to 17 on the visit's date) consented to this care alone: kept from the
    /// guardian's view and never sent to a guardian's card.
    pub own_consent: bool,
}

/// The patient's own upload form.
#[derive(Clone, Debug, Default)]
pub struct OwnUploadForm {
    pub title: String,
    pub visit_date: String,
}

/// A file as the server hands it out: which stored bytes, under which name and type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServedFile {
    pub stored_name: String,
    pub name: String,
    pub media_type: MediaType,
}

fn facts_of(c: &CardFactsRow) -> CardFacts {
    CardFacts {
        has_surname: !c.surname.trim().is_empty(),
        has_name: !c.name.trim().is_empty(),
        has_birth_date: true,
        refused_pd_processing: c.refused_pd_processing,
        phone: c.phone_kind,
    }
}

fn person_of(c: &CardFactsRow) -> PersonFacts {
    let f = facts_of(c);
    PersonFacts {
        card_id: c.card_id,
        has_surname: f.has_surname,
        has_name: f.has_name,
        has_birth_date: f.has_birth_date,
        refused_pd_processing: f.refused_pd_processing,
        phone: f.phone,
    }
}

fn name_of(c: &CardFactsRow) -> String {
    FullName { surname: c.surname.clone(), name: c.name.clone(), patronymic: c.patronymic.clone() }.full()
}

fn dob_key(card_id: i64) -> String {
    format!("dob:{card_id}")
}

/// The gate never opens by waiting: only a confirmed phone or staff clear it.
const DOB_LOCK_SECS: i64 = 100 * 365 * 24 * 3600;

async fn card(state: &AppState, card_id: i64) -> Result<CardFactsRow, AppError> {
    state.store.card_facts(card_id).await?.ok_or(AppError::NotFound)
}

/// Where files sent from `card` land: the card, or a guardian's (chosen or only), or nowhere
/// (a minor's own-consent care never lands with a guardian).
async fn routing(
    state: &AppState,
    card: &CardFactsRow,
    chosen: Option<i64>,
    own_consent: bool,
) -> Result<(RouteView, Option<CardFactsRow>), AppError> {
    let today = local_date(state.now(), state.utc_offset());
    if !guardianship_is_valid(card.birth_date, card.incapacitated, today) {
        return Ok((RouteView::Own, Some(card.clone())));
    }
    let guardians = state.store.guardians_of(card.card_id).await?;
    if guardians.is_empty() {
        return Ok((RouteView::Own, Some(card.clone())));
    }
    let facts: Vec<PersonFacts> = guardians.iter().map(person_of).collect();
    let name = |id: i64| guardians.iter().find(|g| g.card_id == id).map(name_of).unwrap_or_default();
    Ok(match route(&person_of(card), &facts, chosen, own_consent) {
        Route::WardProfile => (RouteView::WardProfile, Some(card.clone())),
        Route::Guardian(id) => {
            (RouteView::Guardian { card_id: id, name: name(id) }, guardians.iter().find(|g| g.card_id == id).cloned())
        }
        Route::Choose(ids) => (RouteView::Choose(ids.iter().map(|id| (*id, name(*id))).collect()), None),
        Route::Nobody(reasons) => (RouteView::Nobody(reasons.into_iter().map(|(id, r)| (name(id), r)).collect()), None),
        Route::KeptFromGuardians => (RouteView::KeptFromGuardians, None),
    })
}

fn required_text(errors: &mut Vec<FieldError>, field: &str, value: &str, max: usize) -> String {
    let v = value.trim();
    if v.is_empty() {
        errors.push(FieldError { field: field.into(), problem: Problem::Required });
    } else if v.chars().count() > max {
        errors.push(FieldError { field: field.into(), problem: Problem::TooLong(max) });
    }
    v.to_string()
}

fn optional_text(errors: &mut Vec<FieldError>, field: &str, value: &str, max: usize) -> Option<String> {
    let v = value.trim();
    if v.chars().count() > max {
        errors.push(FieldError { field: field.into(), problem: Problem::TooLong(max) });
    }
    Some(v.to_string()).filter(|v| !v.is_empty())
}

fn visit_date(errors: &mut Vec<FieldError>, value: &str, today: Date) -> Date {
    match parse_iso_date(value).filter(|d| *d <= today) {
        Some(d) => d,
        None => {
            errors.push(FieldError { field: "visit_date".into(), problem: Problem::Date });
            today
        }
    }
}

/// The minor's own consent may be marked only for a patient of 15 to 17 on the visit's date.
fn check_own_consent(errors: &mut Vec<FieldError>, own_consent: bool, birth: Date, visit: Date) {
    if own_consent && !own_consent_possible(birth, visit) {
        errors.push(FieldError { field: "own_consent".into(), problem: Problem::OwnConsentAge });
    }
}

fn check_file_count(n: usize) -> Result<(), AppError> {
    if n == 0 {
        return Err(AppError::field("files", Problem::Required));
    }
    if n > MAX_FILES_PER_UPLOAD {
        return Err(AppError::field("files", Problem::TooManyFiles(MAX_FILES_PER_UPLOAD)));
    }
    Ok(())
}

/// The search text of a record: what the text filter finds it by.
fn search_text(title: &str, body: &str, icd_code: Option<&str>, icd_text: Option<&str>, doctor: &str) -> String {
    search_key(&format!("{title} {body} {} {} {doctor}", icd_code.unwrap_or(""), icd_text.unwrap_or("")))
}

async fn doctor_list(state: &AppState) -> Result<Vec<(i64, String)>, AppError> {
    Ok(state
        .store
        .doctors(false)
        .await?
        .into_iter()
        .map(|d| {
            let name = FullName { surname: d.surname, name: d.name, patronymic: Some(d.patronymic) }.full();
            (d.id, name)
        })
        .collect())
}
