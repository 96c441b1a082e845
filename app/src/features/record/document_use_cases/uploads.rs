//! Uploads: the clinic's upload-and-send from a card, the patient's own uploads, and the staff
//! documents page of a card.

use super::*;

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
    let today = local_date(now, state.utc_offset());
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
    let today = local_date(now, state.utc_offset());
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

fn staff_file(f: &crate::features::record::document_store::FileRow) -> StaffFile {
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
    let (records, _) =
        state.store.records(card_id, &crate::features::record::store::RecordQuery::default(), 0, 200).await?;
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
        own_consent_today: own_consent_possible(c.birth_date, local_date(now, state.utc_offset())),
        phone_confirmed: c.phone_confirmed,
        target_facts: facts_of(target.as_ref().unwrap_or(&c)),
        route,
        module_enabled: settings.module_enabled_at.is_some(),
        gate_blocked,
        doctors: doctor_list(state).await?,
        today: local_date(now, state.utc_offset()),
        uploads: uploads.iter().map(staff_upload).collect(),
        protocols,
        edit_hours: settings.protocol_edit_hours,
    })
}
