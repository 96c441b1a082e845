//! The front desk's use cases: cards, consents, refusals, invitations. Every read and change of
//! a card is journalled with the staff member's role.

use crate::features::cards::rules::{CardDetail, CardSummary, ConsentView, RefusalsView};
use crate::features::onboarding::rules::{consents_complete, normalize_name, ConsentKind, CONSENT_TEXT_VERSION};
use crate::features::onboarding::store::{CardRecord, NewCard, NewConsent, Refusals};
use crate::kernel::email::Email;
use crate::kernel::error::{AppError, FieldError, Problem};
use crate::kernel::person::{FullName, PhoneNumber, Sex};
use crate::kernel::time_fmt::parse_iso_date;
use crate::platform::auth::internal;
use crate::platform::state::AppState;
use crate::platform::store::{Actor, AuditEntry, NewMail, SessionRecord};
use std::net::IpAddr;
use time::Date;

fn full_name(surname: &str, name: &str, patronymic: Option<&str>) -> String {
    FullName { surname: surname.into(), name: name.into(), patronymic: patronymic.map(Into::into) }.full()
}

pub async fn search(state: &AppState, query: &str, birth_date: Option<&str>) -> Result<Vec<CardSummary>, AppError> {
    let birth = match birth_date.map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => Some(parse_iso_date(s).ok_or_else(|| AppError::field("birth_date", Problem::Date))?),
        None => None,
    };
    let prefix = normalize_name(query);
    if prefix.is_empty() && birth.is_none() {
        return Ok(Vec::new());
    }
    let rows = state.store.card_search(&prefix, birth, 50).await?;
    Ok(rows
        .into_iter()
        .map(|r| CardSummary {
            id: r.card_id,
            full_name: full_name(&r.surname, &r.name, r.patronymic.as_deref()),
            birth_date: r.birth_date,
            email: r.email,
            consents_complete: consents_complete(&r.consents),
            has_account: r.has_account,
        })
        .collect())
}

pub struct CardForm {
    pub surname: String,
    pub name: String,
    pub patronymic: String,
    pub birth_date: String,
    pub sex: String,
    pub phone: String,
    pub email: String,
}

fn validate_card(form: &CardForm, today: Date) -> Result<NewCard, AppError> {
    let mut problems = Vec::new();
    let mut text = |field: &str, value: &str, required: bool| {
        let v = value.trim();
        if required && v.is_empty() {
            problems.push(FieldError { field: field.into(), problem: Problem::Required });
        } else if v.chars().count() > 100 {
            problems.push(FieldError { field: field.into(), problem: Problem::TooLong(100) });
        }
        (!v.is_empty()).then(|| v.split_whitespace().collect::<Vec<_>>().join(" "))
    };
    let surname = text("surname", &form.surname, true);
    let name = text("name", &form.name, true);
    let patronymic = text("patronymic", &form.patronymic, false);
    let birth = parse_iso_date(&form.birth_date).filter(|d| *d <= today && d.year() >= 1900);
    if birth.is_none() {
        let p = if form.birth_date.trim().is_empty() { Problem::Required } else { Problem::Date };
        problems.push(FieldError { field: "birth_date".into(), problem: p });
    }
    let sex = Sex::parse(&form.sex);
    if sex.is_none() {
        problems.push(FieldError { field: "sex".into(), problem: Problem::Required });
    }
    let phone = match form.phone.trim() {
        "" => None,
        p => match PhoneNumber::parse(p) {
            Ok(p) => Some(p),
            Err(_) => {
                problems.push(FieldError { field: "phone".into(), problem: Problem::Phone });
                None
            }
        },
    };
    let email = match form.email.trim() {
        "" => None,
        e => match Email::parse(e) {
            Ok(e) => Some(e),
            Err(_) => {
                problems.push(FieldError { field: "email".into(), problem: Problem::Email });
                None
            }
        },
    };
    if !problems.is_empty() {
        return Err(AppError::Validation(problems));
    }
    Ok(NewCard {
        surname: surname.expect("checked"),
        name: name.expect("checked"),
        patronymic,
        birth_date: birth.expect("checked"),
        sex: sex.expect("checked"),
        phone,
        email,
    })
}

fn today(state: &AppState) -> Date {
    crate::kernel::time_fmt::local_date(state.now(), state.utc_offset())
}

pub async fn create(state: &AppState, session: &SessionRecord, peer: IpAddr, form: CardForm) -> Result<i64, AppError> {
    let card = validate_card(&form, today(state))?;
    let id = state
        .store
        .card_create(card, state.now(), AuditEntry::by(&Actor::staff(session, peer), state.now(), "card.create"))
        .await?;
    Ok(id)
}

fn detail_of(r: CardRecord, clinic_today: Date) -> CardDetail {
    let kinds: Vec<ConsentKind> = r.consents.iter().map(|c| c.kind).collect();
    CardDetail {
        id: r.card_id,
        full_name: full_name(&r.surname, &r.name, r.patronymic.as_deref()),
        birth_date: r.birth_date,
        sex: r.sex,
        phone: r.phone,
        email: r.email,
        refusals: RefusalsView {
            pd_processing: r.refusals.pd_processing,
            notifications: r.refusals.notifications,
            advertising: r.refusals.advertising,
        },
        consents_complete: consents_complete(&kinds),
        consents: r
            .consents
            .into_iter()
            .map(|c| ConsentView { kind: c.kind, signed_on: c.signed_on, text_version: c.text_version, email: c.email })
            .collect(),
        invited_at: r.invited_at,
        account_email: r.account_email,
        clinic_today,
    }
}

pub async fn detail(state: &AppState, session: &SessionRecord, peer: IpAddr, id: i64) -> Result<CardDetail, AppError> {
    let record = state.store.card_get(id).await?.ok_or(AppError::NotFound)?;
    state.store.audit(AuditEntry::by(&Actor::staff(session, peer), state.now(), "card.open").card(id)).await?;
    Ok(detail_of(record, today(state)))
}

pub struct ConsentForm {
    pub signed_on: String,
    pub telemedicine: bool,
    pub email_results: bool,
    pub pd_processing: bool,
    pub results_email: String,
}

pub async fn record_consents(
    state: &AppState,
    session: &SessionRecord,
    peer: IpAddr,
    id: i64,
    form: ConsentForm,
) -> Result<(), AppError> {
    state.store.card_get(id).await?.ok_or(AppError::NotFound)?;
    let signed_on = parse_iso_date(&form.signed_on).filter(|d| *d <= today(state)).ok_or_else(|| {
        AppError::field("signed_on", if form.signed_on.trim().is_empty() { Problem::Required } else { Problem::Date })
    })?;
    let results_email = if form.email_results {
        match form.results_email.trim() {
            "" => return Err(AppError::field("results_email", Problem::Required)),
            e => Some(Email::parse(e).map_err(|_| AppError::field("results_email", Problem::Email))?),
        }
    } else {
        None
    };
    let mut consents = Vec::new();
    for (kind, ticked) in [
        (ConsentKind::Telemedicine, form.telemedicine),
        (ConsentKind::EmailResults, form.email_results),
        (ConsentKind::PdProcessing, form.pd_processing),
    ] {
        if ticked {
            let email = if kind == ConsentKind::EmailResults { results_email.clone() } else { None };
            consents.push(NewConsent { kind, signed_on, text_version: CONSENT_TEXT_VERSION.into(), email });
        }
    }
    if consents.is_empty() {
        return Err(AppError::field("consents", Problem::Required));
    }
    let entry = AuditEntry::by(&Actor::staff(session, peer), state.now(), "card.consents")
        .card(id)
        .object(consents.iter().map(|c| c.kind.as_str()).collect::<Vec<_>>().join(","));
    state.store.consents_record(id, &consents, session.account_id, state.now(), entry).await?;
    Ok(())
}

pub async fn set_refusals(
    state: &AppState,
    session: &SessionRecord,
    peer: IpAddr,
    id: i64,
    refusals: Refusals,
) -> Result<(), AppError> {
    state.store.card_get(id).await?.ok_or(AppError::NotFound)?;
    state
        .store
        .refusals_set(id, refusals, AuditEntry::by(&Actor::staff(session, peer), state.now(), "card.refusals").card(id))
        .await?;
    Ok(())
}

/// Queues the invitation to the card's e-mail; the card needs an e-mail and all consents.
pub async fn invite(state: &AppState, session: &SessionRecord, peer: IpAddr, id: i64) -> Result<(), AppError> {
    let card = state.store.card_get(id).await?.ok_or(AppError::NotFound)?;
    let kinds: Vec<ConsentKind> = card.consents.iter().map(|c| c.kind).collect();
    if !consents_complete(&kinds) {
        return Err(AppError::ConsentsMissing);
    }
    let Some(email) = card.email.clone() else {
        return Err(AppError::field("email", Problem::Required));
    };
    // Invitations are written in Russian, the clinic's language, whatever the registrar's UI.
    let t = crate::i18n::Lang::Ru.texts();
    let link = format!("{}/signin", state.config.public_url);
    let mail = NewMail {
        recipient: email,
        subject: t.cards().mail_invite_subject.into(),
        body: (t.cards().mail_invite_body)(&card.name, &link),
    };
    state
        .store
        .invite(
            id,
            mail,
            state.now(),
            AuditEntry::by(&Actor::staff(session, peer), state.now(), "card.invite").card(id),
        )
        .await
        .map_err(internal)
}
