//! Documents: the clinic's upload-and-send, the patient's own uploads, who may fetch a file,
//! the date-of-birth gate, resends, protocols and the cabinet module. The rules are
//! `domain::documents` (eligibility, routing) and `domain::delivery` (statuses, gate, edit
//! window); this module reads the facts they need and stores what they decide. Files reach it
//! already streamed to disk by the server crate; conversion and delivery are the worker's.

use super::document_store::{CardFactsRow, NewFile, NewUpload, ProtocolInput, UploadRow};
use super::profiles;
use super::state::AppState;
use super::store::{Actor, AuditEntry, SessionRecord};
use crate::domain::delivery::{
    needs_dob_gate, protocol_editable, upload_status, CardDocuments, FileStatus, Gate, PatientFile, Reason,
    RecordFiles, RouteView, StaffFile, StaffProtocol, StaffUpload, DOB_TRIES,
};
use crate::domain::documents::{
    refusals, route, CardFacts, Category, FileFacts, PersonFacts, Refusal, Route, UploadFacts, UploadSource,
    MAX_FILES_PER_UPLOAD,
};
use crate::domain::files::{delivered_name, MediaType};
use crate::domain::person::{guardianship_is_valid, own_consent_possible, FullName};
use crate::domain::record::{search_key, RecordKind};
use crate::domain::time_fmt::{local_date, parse_iso_date};
use crate::error::{AppError, FieldError, Problem};
use std::net::IpAddr;
use time::Date;

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
    let today = local_date(state.now(), state.config.utc_offset_minutes);
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

/// The clinic's upload: validates the form, routes a ward's files, decides each file's fate by
/// the rules, and stores the record, the upload and its files in one transaction. Files whose
/// fate is "queued" are then the worker's. Returns the upload's id.
pub async fn clinic_upload(
    state: &AppState,
    session: &SessionRecord,
    peer: IpAddr,
    card_id: i64,
    form: UploadForm,
    files: Vec<IncomingFile>,
) -> Result<i64, AppError> {
    let now = state.now();
    let today = local_date(now, state.config.utc_offset_minutes);
    let source = card(state, card_id).await?;
    check_file_count(files.len())?;
    let mut errors = Vec::new();
    let category = Category::parse(form.category.trim());
    if category.is_none() {
        errors.push(FieldError { field: "category".into(), problem: Problem::Choice });
    }
    let title = required_text(&mut errors, "title", &form.title, 200);
    let visit = visit_date(&mut errors, &form.visit_date, today);
    let icd_code = optional_text(&mut errors, "icd_code", &form.icd_code, 16);
    let icd_text = optional_text(&mut errors, "icd_text", &form.icd_text, 300);
    let doctors = doctor_list(state).await?;
    let doctor = match form.doctor.trim() {
        "" => None,
        d => match d.parse::<i64>().ok().and_then(|id| doctors.iter().find(|(i, _)| *i == id)) {
            Some(found) => Some(found.clone()),
            None => {
                errors.push(FieldError { field: "doctor".into(), problem: Problem::Choice });
                None
            }
        },
    };
    check_own_consent(&mut errors, form.own_consent, source.birth_date, visit);
    let chosen = form.guardian.trim().parse::<i64>().ok();
    let (route, target) = routing(state, &source, chosen, form.own_consent).await?;
    if let RouteView::Choose(_) = route {
        errors.push(FieldError { field: "guardian".into(), problem: Problem::Choice });
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let category = category.expect("checked above");
    let settings = state.store.document_settings().await?;
    let upload_facts = UploadFacts {
        category,
        anonymous_visit: form.anonymous,
        has_icd_diagnosis: icd_code.is_some(),
        module_enabled: settings.module_enabled_at.is_some(),
        before_module: settings.module_enabled_at.is_none_or(|at| now < at),
    };
    let target_card = target.clone().unwrap_or_else(|| source.clone());
    let target_facts = facts_of(&target_card);
    let new_files = files
        .into_iter()
        .enumerate()
        .map(|(i, f)| {
            let mut reasons =
                refusals(&FileFacts::of(&target_facts, &upload_facts, f.size, f.media_type == MediaType::Semd));
            if route == RouteView::KeptFromGuardians {
                reasons.push(Refusal::OwnConsentCare);
            } else if target.is_none() {
                reasons.push(Refusal::NoAbleGuardian);
            }
            let ticked = form.send.get(i).copied().unwrap_or(false);
            let (status, reasons) = if !reasons.is_empty() {
                (FileStatus::CannotSend, reasons.into_iter().map(Reason::Refused).collect())
            } else if !ticked {
                (FileStatus::NotSent, vec![Reason::NotSelected])
            } else {
                (FileStatus::Queued, vec![])
            };
            NewFile {
                original_name: f.original_name,
                media_type: f.media_type,
                size: f.size as i64,
                stored_name: f.stored_name,
                status,
                reasons,
            }
        })
        .collect();
    let audit =
        AuditEntry::by(&Actor::staff(session, peer), state.now(), "document.upload").card(card_id).object("upload");
    let doctor_name = doctor.as_ref().map(|(_, n)| n.clone()).unwrap_or_default();
    let search_text = search_text(&title, "", icd_code.as_deref(), icd_text.as_deref(), &doctor_name);
    let (upload_id, _record) = state
        .store
        .create_upload(NewUpload {
            card_id,
            target_card_id: target_card.card_id,
            source: UploadSource::Clinic,
            uploaded_by: session.account_id,
            kind: RecordKind::Outpatient,
            category: Some(category),
            title: title.clone(),
            visit_date: visit,
            staff_id: doctor.map(|(id, _)| id),
            icd_code,
            icd_text,
            search_text,
            anonymous_visit: form.anonymous,
            own_consent: form.own_consent,
            shown_now: false,
            dob_gate: needs_dob_gate(target_card.phone_confirmed),
            files: new_files,
            now,
            audit,
        })
        .await?;
    Ok(upload_id)
}

/// The patient's own documents (PDF, JPG, PNG; the server crate has refused anything else and
/// anything over 16 MB): shown at once under "Entered by patient", images converted by the
/// worker like the clinic's.
pub async fn own_upload(
    state: &AppState,
    session: &SessionRecord,
    peer: IpAddr,
    form: OwnUploadForm,
    files: Vec<IncomingFile>,
) -> Result<i64, AppError> {
    let now = state.now();
    let today = local_date(now, state.config.utc_offset_minutes);
    let me = profiles::me(state, session).await?;
    let profile = me.active_profile().ok_or(AppError::Forbidden)?.clone();
    check_file_count(files.len())?;
    if files.iter().any(|f| !MediaType::PATIENT_UPLOADS.contains(&f.media_type)) {
        return Err(AppError::field("files", Problem::FileType));
    }
    let mut errors = Vec::new();
    let title = required_text(&mut errors, "title", &form.title, 200);
    let visit = visit_date(&mut errors, &form.visit_date, today);
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let new_files = files
        .into_iter()
        .map(|f| NewFile {
            original_name: f.original_name,
            media_type: f.media_type,
            size: f.size as i64,
            stored_name: f.stored_name,
            status: FileStatus::Queued,
            reasons: Vec::new(),
        })
        .collect();
    let audit = AuditEntry::by(&Actor::in_profile(session, peer, profile.is_ward), state.now(), "document.own_upload")
        .card(profile.card_id)
        .object("record");
    let search_text = search_text(&title, "", None, None, "");
    let (upload_id, _) = state
        .store
        .create_upload(NewUpload {
            card_id: profile.card_id,
            target_card_id: profile.card_id,
            source: UploadSource::Patient,
            uploaded_by: session.account_id,
            kind: RecordKind::Patient,
            category: None,
            title,
            visit_date: visit,
            staff_id: None,
            icd_code: None,
            icd_text: None,
            search_text,
            anonymous_visit: false,
            own_consent: false,
            shown_now: true,
            dob_gate: false,
            files: new_files,
            now,
            audit,
        })
        .await?;
    Ok(upload_id)
}

fn staff_file(f: &super::document_store::FileRow) -> StaffFile {
    StaffFile {
        id: f.id,
        name: f.original_name.clone(),
        media_type: f.media_type,
        converted: f.converted_type,
        size: f.size,
        status: f.status,
        reasons: f.reasons.clone(),
        resend_requested: f.resend_requested_at.is_some(),
    }
}

fn staff_upload(u: &UploadRow) -> StaffUpload {
    let files: Vec<StaffFile> = u.files.iter().map(staff_file).collect();
    StaffUpload {
        id: u.id,
        record_id: u.record_id,
        title: u.title.clone(),
        category: u.category,
        visit_date: u.visit_date,
        created_at: u.created_at,
        uploaded_by: u.uploaded_by.clone(),
        landed_with: u.landed_with.clone(),
        own_consent: u.own_consent,
        status: upload_status(&files.iter().map(|f| f.status).collect::<Vec<_>>()),
        files,
    }
}

/// The staff documents page of a card: routing, the facts for the reasons shown before upload,
/// the uploads with each file's state, and the card's protocols. Opening it is journalled.
pub async fn card_documents(
    state: &AppState,
    session: &SessionRecord,
    peer: IpAddr,
    card_id: i64,
) -> Result<CardDocuments, AppError> {
    let now = state.now();
    let c = card(state, card_id).await?;
    let (route, target) = routing(state, &c, None, false).await?;
    let settings = state.store.document_settings().await?;
    let uploads = state.store.uploads_of_card(card_id).await?;
    let (records, _) = state.store.records(card_id, &super::record_store::RecordQuery::default(), 0, 200).await?;
    let protocols = records
        .into_iter()
        .filter(|r| !r.has_upload && r.author_account_id.is_some())
        .map(|r| StaffProtocol {
            id: r.id,
            kind: r.kind,
            visit_date: r.visit_date,
            title: r.title,
            icd_code: r.icd_code,
            icd_text: r.icd_text,
            body: r.body,
            created_at: r.created_at,
            sent_at: r.sent_at,
            editable: r.sent_at.is_none() && protocol_editable(r.created_at, now, settings.protocol_edit_hours),
            own_consent: r.own_consent,
        })
        .collect();
    let gate_blocked = state.store.throttle_locked_until(&dob_key(card_id), now).await?.is_some();
    state
        .store
        .audit(AuditEntry::by(&Actor::staff(session, peer), state.now(), "document.list").card(card_id).object("card"))
        .await?;
    Ok(CardDocuments {
        card_id,
        full_name: name_of(&c),
        birth_date: c.birth_date,
        own_consent_today: own_consent_possible(c.birth_date, local_date(now, state.config.utc_offset_minutes)),
        phone_confirmed: c.phone_confirmed,
        target_facts: facts_of(target.as_ref().unwrap_or(&c)),
        route,
        module_enabled: settings.module_enabled_at.is_some(),
        gate_blocked,
        doctors: doctor_list(state).await?,
        today: local_date(now, state.config.utc_offset_minutes),
        uploads: uploads.iter().map(staff_upload).collect(),
        protocols,
        edit_hours: settings.protocol_edit_hours,
    })
}

/// The record's files as its reader sees them (delivered ones to open; the others by status).
pub async fn record_files(state: &AppState, record_id: i64) -> Result<Option<RecordFiles>, AppError> {
    let rows = state.store.record_files(record_id).await?;
    if rows.is_empty() {
        return Ok(None);
    }
    let files: Vec<PatientFile> = rows
        .iter()
        .map(|f| {
            let original = f.media_type;
            let delivered = f.converted_type.unwrap_or(original);
            PatientFile {
                id: f.id,
                name: if f.converted_type.is_some() {
                    delivered_name(&f.original_name, original)
                } else {
                    f.original_name.clone()
                },
                media_type: delivered,
                size: f.size,
                status: f.status,
                resend_requested: f.resend_requested_at.is_some(),
            }
        })
        .collect();
    Ok(Some(RecordFiles {
        status: upload_status(&files.iter().map(|f| f.status).collect::<Vec<_>>()),
        files,
        from_clinic: rows[0].source == UploadSource::Clinic,
    }))
}

/// The gate of a record for the card's reader.
pub async fn gate_of(state: &AppState, card_id: i64, dob_gate: bool, unlocked: bool) -> Result<Gate, AppError> {
    if !dob_gate || unlocked {
        return Ok(Gate::Open);
    }
    Ok(match state.store.throttle_locked_until(&dob_key(card_id), state.now()).await? {
        Some(_) => Gate::Blocked,
        None => Gate::AskBirthDate,
    })
}

/// The file's bytes for whoever may have them: the active profile's reader, once delivered and
/// past the gate (the delivered copy); staff who read protocols (the original, or the delivered
/// copy with `delivered`). Everyone else gets `NotFound`, whether or not the file exists.
/// Every fetch is journalled.
pub async fn fetch_file(
    state: &AppState,
    session: &SessionRecord,
    peer: IpAddr,
    file_id: i64,
    delivered: bool,
) -> Result<ServedFile, AppError> {
    let f = state.store.file(file_id).await?.ok_or(AppError::NotFound)?;
    let original = f.media_type;
    let copy = |f: &super::document_store::FileRow| match (&f.converted_name, f.converted_type) {
        (Some(name), Some(t)) => {
            ServedFile { stored_name: name.clone(), name: delivered_name(&f.original_name, original), media_type: t }
        }
        _ => ServedFile { stored_name: f.stored_name.clone(), name: f.original_name.clone(), media_type: original },
    };
    if session.roles.can_read_protocols() {
        if session.staff_totp_required && !session.totp_enabled {
            return Err(AppError::SecondFactorRequired);
        }
        let served = if delivered {
            copy(&f)
        } else {
            ServedFile { stored_name: f.stored_name.clone(), name: f.original_name.clone(), media_type: original }
        };
        let audit = AuditEntry::by(&Actor::staff(session, peer), state.now(), "document.download")
            .card(f.upload_card_id)
            .object(format!("file:{file_id}"));
        state.store.audit(audit).await?;
        return Ok(served);
    }
    let me = profiles::me(state, session).await?;
    let profile = me.active_profile().ok_or(AppError::NotFound)?;
    // A file answers exactly the reader its record is shown to (`profiles::reader_view`).
    let reader = profiles::reader_view(&me, profile);
    if f.status != FileStatus::Delivered
        || state.store.reader_record(profile.card_id, f.record_id, &reader).await?.is_none()
    {
        return Err(AppError::NotFound);
    }
    if gate_of(state, f.record_card_id, f.dob_gate, f.dob_unlocked_at.is_some()).await? != Gate::Open {
        return Err(AppError::NotFound);
    }
    let audit = AuditEntry::by(&Actor::in_profile(session, peer, profile.is_ward), state.now(), "document.download")
        .card(profile.card_id)
        .object(format!("file:{file_id}"));
    state.store.audit(audit).await?;
    Ok(copy(&f))
}

/// The reader types the date of birth to open a gated record. A match opens it for good; a
/// wrong date counts against the card, and the third locks every gated record of the card.
pub async fn answer_gate(
    state: &AppState,
    session: &SessionRecord,
    peer: IpAddr,
    record_id: i64,
    birth_date: &str,
) -> Result<(), AppError> {
    let me = profiles::me(state, session).await?;
    let profile = me.active_profile().ok_or(AppError::NotFound)?.clone();
    let reader = profiles::reader_view(&me, &profile);
    let r = state.store.reader_record(profile.card_id, record_id, &reader).await?.ok_or(AppError::NotFound)?;
    match gate_of(state, profile.card_id, r.dob_gate, r.dob_unlocked_at.is_some()).await? {
        Gate::Open => return Ok(()),
        Gate::Blocked => return Err(AppError::GateBlocked),
        Gate::AskBirthDate => {}
    }
    let Some(typed) = parse_iso_date(birth_date) else {
        return Err(AppError::field("birth_date", Problem::Date));
    };
    let c = card(state, profile.card_id).await?;
    let now = state.now();
    if typed == c.birth_date {
        let audit = AuditEntry::by(&Actor::in_profile(session, peer, profile.is_ward), state.now(), "record.unlock")
            .card(profile.card_id)
            .object(format!("record:{record_id}"));
        state.store.unlock_gate(record_id, now, audit).await?;
        return Ok(());
    }
    let key = dob_key(profile.card_id);
    let locked = state.store.throttle_failure(&key, now, DOB_LOCK_SECS, DOB_TRIES, DOB_LOCK_SECS).await?;
    let audit = AuditEntry::by(&Actor::in_profile(session, peer, profile.is_ward), state.now(), "record.unlock_failed")
        .card(profile.card_id)
        .object(format!("record:{record_id}"));
    state.store.audit(audit).await?;
    if locked.is_some() {
        tracing::warn!(card_id = profile.card_id, "date-of-birth gate locked after wrong answers");
        return Err(AppError::GateBlocked);
    }
    Err(AppError::BirthDateWrong)
}

/// The reader asks the clinic to send a file of their record again.
pub async fn ask_resend(state: &AppState, session: &SessionRecord, peer: IpAddr, file_id: i64) -> Result<(), AppError> {
    let me = profiles::me(state, session).await?;
    let profile = me.active_profile().ok_or(AppError::NotFound)?;
    let f = state.store.file(file_id).await?.ok_or(AppError::NotFound)?;
    let reader = profiles::reader_view(&me, profile);
    if f.source != UploadSource::Clinic
        || state.store.reader_record(profile.card_id, f.record_id, &reader).await?.is_none()
    {
        return Err(AppError::NotFound);
    }
    if f.status == FileStatus::Delivered {
        return Err(AppError::Conflict);
    }
    let audit =
        AuditEntry::by(&Actor::in_profile(session, peer, profile.is_ward), state.now(), "document.resend_asked")
            .card(profile.card_id)
            .object(format!("file:{file_id}"));
    state.store.request_resend(file_id, state.now(), audit).await?;
    Ok(())
}

/// Staff send a file again: the rules are read as they stand now (the card may have been
/// mended); a file they still refuse keeps its reasons and the answer names them.
pub async fn resend(state: &AppState, session: &SessionRecord, peer: IpAddr, file_id: i64) -> Result<(), AppError> {
    let now = state.now();
    let f = state.store.file(file_id).await?.ok_or(AppError::NotFound)?;
    if f.status == FileStatus::Delivered || f.status == FileStatus::Queued {
        return Err(AppError::Conflict);
    }
    let target = card(state, f.record_card_id).await?;
    // The upload's record holds its category and diagnosis, written in the upload's transaction.
    let record = state.store.record(f.record_card_id, f.record_id, false).await?.ok_or(AppError::NotFound)?;
    let settings = state.store.document_settings().await?;
    let anonymous = state.store.upload_anonymous(f.upload_id).await?;
    let facts = UploadFacts {
        // A patient's own upload has no category: like Other, the rules never send it.
        category: record.category.unwrap_or(Category::Other),
        anonymous_visit: anonymous,
        has_icd_diagnosis: record.icd_code.is_some(),
        module_enabled: settings.module_enabled_at.is_some(),
        before_module: settings.module_enabled_at.is_none_or(|at| record.created_at < at),
    };
    let refused = refusals(&FileFacts::of(&facts_of(&target), &facts, f.size as u64, f.media_type == MediaType::Semd));
    let audit = AuditEntry::by(&Actor::staff(session, peer), state.now(), "document.resend")
        .card(f.upload_card_id)
        .object(format!("file:{file_id}"));
    if refused.is_empty() {
        state.store.requeue_file(file_id, FileStatus::Queued, &[], now, audit).await?;
        Ok(())
    } else {
        let reasons: Vec<Reason> = refused.iter().copied().map(Reason::Refused).collect();
        state.store.requeue_file(file_id, FileStatus::CannotSend, &reasons, now, audit).await?;
        Err(AppError::CannotSend { reasons: refused })
    }
}

/// Staff lift a card's locked date-of-birth gate; `phone_confirmed` also records that the
/// card's phone was confirmed.
pub async fn unlock_card_gate(
    state: &AppState,
    session: &SessionRecord,
    peer: IpAddr,
    card_id: i64,
    phone_confirmed: bool,
) -> Result<(), AppError> {
    card(state, card_id).await?;
    state.store.throttle_clear(&dob_key(card_id)).await?;
    if phone_confirmed {
        state
            .store
            .confirm_phone(
                card_id,
                AuditEntry::by(&Actor::staff(session, peer), state.now(), "card.phone_confirmed")
                    .card(card_id)
                    .object("card"),
            )
            .await?;
    } else {
        state
            .store
            .audit(
                AuditEntry::by(&Actor::staff(session, peer), state.now(), "record.gate_reset")
                    .card(card_id)
                    .object("card"),
            )
            .await?;
    }
    Ok(())
}

/// The head enables the cabinet module; its date is what "uploaded before the module" reads.
pub async fn enable_module(state: &AppState, session: &SessionRecord, peer: IpAddr) -> Result<(), AppError> {
    let audit = AuditEntry::by(&Actor::staff(session, peer), state.now(), "clinic.module_enabled").object("cabinet");
    state.store.enable_cabinet_module(state.now(), audit).await?;
    Ok(())
}

/// A clinician's protocol, as typed.
#[derive(Clone, Debug, Default)]
pub struct ProtocolForm {
    pub kind: String,
    pub visit_date: String,
    pub title: String,
    pub icd_code: String,
    pub icd_text: String,
    pub body: String,
    /// The minor's own consent (see `UploadForm::own_consent`).
    pub own_consent: bool,
}

fn protocol_input(state: &AppState, form: &ProtocolForm, doctor: &str, birth: Date) -> Result<ProtocolInput, AppError> {
    let today = local_date(state.now(), state.config.utc_offset_minutes);
    let mut errors = Vec::new();
    let kind = match RecordKind::parse(form.kind.trim()).filter(|k| *k != RecordKind::Patient) {
        Some(k) => k,
        None => {
            errors.push(FieldError { field: "kind".into(), problem: Problem::Choice });
            RecordKind::Outpatient
        }
    };
    let title = required_text(&mut errors, "title", &form.title, 200);
    let icd_code = optional_text(&mut errors, "icd_code", &form.icd_code, 16);
    let icd_text = optional_text(&mut errors, "icd_text", &form.icd_text, 300);
    let body = required_text(&mut errors, "body", &form.body, 20_000);
    let visit = visit_date(&mut errors, &form.visit_date, today);
    check_own_consent(&mut errors, form.own_consent, birth, visit);
    let input = ProtocolInput {
        kind,
        visit_date: visit,
        own_consent: form.own_consent,
        search_text: search_text(&title, &body, icd_code.as_deref(), icd_text.as_deref(), doctor),
        title,
        icd_code,
        icd_text,
        body,
    };
    if errors.is_empty() {
        Ok(input)
    } else {
        Err(AppError::Validation(errors))
    }
}

/// Writes a protocol on a card (not yet shown in the cabinet); returns its id.
pub async fn create_protocol(
    state: &AppState,
    session: &SessionRecord,
    peer: IpAddr,
    card_id: i64,
    form: ProtocolForm,
) -> Result<i64, AppError> {
    let c = card(state, card_id).await?;
    let author = state.store.staff_of_account(session.account_id).await?;
    let input = protocol_input(state, &form, author.as_ref().map_or("", |(_, n)| n), c.birth_date)?;
    let audit =
        AuditEntry::by(&Actor::staff(session, peer), state.now(), "record.create").card(card_id).object("protocol");
    let staff_id = author.map(|(id, _)| id);
    Ok(state.store.create_protocol(card_id, staff_id, session.account_id, &input, state.now(), audit).await?)
}

async fn editable_protocol(
    state: &AppState,
    card_id: i64,
    id: i64,
) -> Result<super::record_store::RecordRow, AppError> {
    let r = state.store.record(card_id, id, false).await?.ok_or(AppError::NotFound)?;
    if r.has_upload || r.author_account_id.is_none() {
        return Err(AppError::NotFound);
    }
    let hours = state.store.document_settings().await?.protocol_edit_hours;
    if !protocol_editable(r.created_at, state.now(), hours) {
        return Err(AppError::EditWindowClosed { hours });
    }
    Ok(r)
}

/// Edits a protocol within the clinic's edit window (24 h by default), while it is unsent.
pub async fn update_protocol(
    state: &AppState,
    session: &SessionRecord,
    peer: IpAddr,
    card_id: i64,
    id: i64,
    form: ProtocolForm,
) -> Result<(), AppError> {
    let r = editable_protocol(state, card_id, id).await?;
    if r.sent_at.is_some() {
        return Err(AppError::Conflict);
    }
    let doctor = r.doctor_name.clone().unwrap_or_default();
    let c = card(state, card_id).await?;
    let input = protocol_input(state, &form, &doctor, c.birth_date)?;
    let audit = AuditEntry::by(&Actor::staff(session, peer), state.now(), "record.update")
        .card(card_id)
        .object(format!("record:{id}"));
    state.store.update_protocol(card_id, id, &input, state.now(), audit).await?.then_some(()).ok_or(AppError::NotFound)
}

/// "Отправить и напечатать": shows the protocol in the cabinet, if the rules allow it (an ICD
/// diagnosis, the card's facts), behind the gate when the phone is unconfirmed.
pub async fn send_protocol(
    state: &AppState,
    session: &SessionRecord,
    peer: IpAddr,
    card_id: i64,
    id: i64,
) -> Result<(), AppError> {
    let r = state.store.record(card_id, id, false).await?.ok_or(AppError::NotFound)?;
    if r.has_upload || r.author_account_id.is_none() {
        return Err(AppError::NotFound);
    }
    if r.sent_at.is_some() {
        return Ok(());
    }
    let c = card(state, card_id).await?;
    let settings = state.store.document_settings().await?;
    let facts = UploadFacts {
        category: Category::Conclusion,
        anonymous_visit: false,
        has_icd_diagnosis: r.icd_code.is_some(),
        module_enabled: settings.module_enabled_at.is_some(),
        before_module: settings.module_enabled_at.is_none(),
    };
    let (route, _) = routing(state, &c, None, false).await?;
    let mut refused = refusals(&FileFacts::of(&facts_of(&c), &facts, 0, false));
    if !matches!(route, RouteView::Own | RouteView::WardProfile) {
        // A ward's protocol stays on the ward's card: it needs the ward's full name.
        for r in [Refusal::SurnameMissing, Refusal::NameMissing] {
            if !refused.contains(&r) {
                refused.push(r);
            }
        }
    }
    if !refused.is_empty() {
        return Err(AppError::CannotSend { reasons: refused });
    }
    let audit = AuditEntry::by(&Actor::staff(session, peer), state.now(), "record.send")
        .card(card_id)
        .object(format!("record:{id}"));
    state.store.send_protocol(card_id, id, needs_dob_gate(c.phone_confirmed), state.now(), audit).await?;
    Ok(())
}
