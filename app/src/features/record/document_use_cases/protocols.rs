//! Clinicians' protocols: written in the portal, edited within the edit window, sent to the
//! cabinet.

use super::*;

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
    let today = local_date(state.now(), state.utc_offset());
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
) -> Result<crate::features::record::store::RecordRow, AppError> {
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
