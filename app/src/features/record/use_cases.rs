//! The medical record of the active profile: the filtered list and one record. A record of
//! any other card answers `NotFound`, exactly as a record that does not exist.

use crate::features::record::delivery::Gate;
use crate::features::record::document_use_cases;
use crate::features::record::rules::{
    search_key, RecordDetail, RecordFilter, RecordList, RecordSummary, RECORDS_PER_PAGE,
};
use crate::features::record::store::{ReaderView, RecordQuery, RecordRow};
use crate::kernel::account::{Me, Profile};
use crate::kernel::error::AppError;
use crate::platform::profiles;
use crate::platform::state::AppState;
use crate::platform::store::{Actor, AuditEntry, SessionRecord};
use std::net::IpAddr;

/// The ward a record landed in this profile's card for (a guardian's own card), by name.
fn for_ward(me: &Me, profile: &Profile, r: &RecordRow) -> Option<String> {
    let ward = r.routed_from.filter(|_| r.card_id == profile.card_id)?;
    me.profiles.iter().find(|p| p.is_ward && p.card_id == ward).map(|p| p.name.clone())
}

pub async fn list(state: &AppState, session: &SessionRecord, filter: RecordFilter) -> Result<RecordList, AppError> {
    let me = profiles::me(state, session).await?;
    let profile = me.active_profile().ok_or(AppError::Forbidden)?;
    let reader = ReaderView::of(&me, profile);
    let q = RecordQuery {
        kind: filter.kind,
        from: filter.from,
        to: filter.to,
        doctor: filter.doctor,
        text: Some(search_key(&filter.q)).filter(|t| !t.is_empty()),
        sent_only: true,
        reader: Some(reader.clone()),
    };
    let offset = (filter.page - 1) * RECORDS_PER_PAGE;
    let (rows, total) = state.store.records(profile.card_id, &q, offset, RECORDS_PER_PAGE).await?;
    let items = rows
        .iter()
        .map(|r| RecordSummary {
            id: r.id,
            kind: r.kind,
            date: r.visit_date,
            title: r.title.clone(),
            doctor: r.doctor_name.clone(),
            specialty: r.specialty.clone(),
            icd_code: r.icd_code.clone(),
            category: r.category,
            locked: r.dob_gate && r.dob_unlocked_at.is_none(),
            for_ward: for_ward(&me, profile, r),
        })
        .collect();
    Ok(RecordList {
        patient_name: profile.name.clone(),
        items,
        total,
        page: filter.page,
        pages: ((total + RECORDS_PER_PAGE - 1) / RECORDS_PER_PAGE).max(1),
        doctors: state.store.record_doctors(profile.card_id, &reader).await?,
    })
}

/// One record of the active profile; opening it is journalled (by the guardian, for a ward).
/// A record the reader may not see (the minor's own-consent care in the guardian's view, what
/// landed for a ward whose guardianship ended) answers `NotFound` and journals nothing: nothing
/// was opened, and the ward's journal must not hint at it.
pub async fn open(state: &AppState, session: &SessionRecord, peer: IpAddr, id: i64) -> Result<RecordDetail, AppError> {
    let me = profiles::me(state, session).await?;
    let profile = me.active_profile().ok_or(AppError::NotFound)?;
    let reader = ReaderView::of(&me, profile);
    let r = state.store.reader_record(profile.card_id, id, &reader).await?.ok_or(AppError::NotFound)?;
    let audit = AuditEntry::by(&Actor::in_profile(session, peer, profile.is_ward), state.now(), "record.open")
        .card(profile.card_id)
        .object(format!("record:{id}"));
    state.store.audit(audit).await?;
    let gate = document_use_cases::gate_of(state, profile.card_id, r.dob_gate, r.dob_unlocked_at.is_some()).await?;
    let open = gate == Gate::Open;
    Ok(RecordDetail {
        id: r.id,
        patient_name: profile.name.clone(),
        kind: r.kind,
        date: r.visit_date,
        title: r.title.clone(),
        doctor: r.doctor_name.clone(),
        specialty: r.specialty.clone(),
        icd_code: r.icd_code.clone().filter(|_| open),
        icd_text: r.icd_text.clone().filter(|_| open),
        body: if open { r.body.clone() } else { String::new() },
        category: r.category,
        gate,
        files: if open { document_use_cases::record_files(state, r.id).await? } else { None },
        for_ward: for_ward(&me, profile, &r),
    })
}
