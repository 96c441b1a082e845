//! Reading what was sent: a record's files, who may fetch a file, the date-of-birth gate,
//! resends, and the cabinet module's switch.

use super::*;
use crate::features::record::store::ReaderView;

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
    let copy = |f: &crate::features::record::document_store::FileRow| match (&f.converted_name, f.converted_type) {
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
    // A file answers exactly the reader its record is shown to (`ReaderView::of`).
    let reader = ReaderView::of(&me, profile);
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
    let reader = ReaderView::of(&me, &profile);
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
    let reader = ReaderView::of(&me, profile);
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
