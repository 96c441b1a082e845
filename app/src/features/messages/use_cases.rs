//! Messages use cases: the patient's side (acting in the active profile: their own card, or a
//! ward's for a guardian) and the clinic's (a doctor's dialogues, the front desk's), and the
//! clinic's broadcasts. A dialogue of another card, or outside a staff member's inbox, answers
//! exactly like a missing one.

use super::rules::*;
use super::store::*;
use crate::features::booking::rules::video_url;
use crate::kernel::account::Roles;
use crate::kernel::error::{AppError, Problem};
use crate::kernel::media::MediaType;
use crate::kernel::time_fmt::local_date;
use crate::platform::profiles;
use crate::platform::state::AppState;
use crate::platform::store::{Actor, AuditEntry, SessionRecord};
use std::net::IpAddr;

/// The files a message may carry: the patient's upload types.
pub const ATTACHMENT_TYPES: [MediaType; 3] = MediaType::PATIENT_UPLOADS;

/// The profile a patient acts in.
struct Acting {
    card_id: i64,
    ward: bool,
}

async fn acting(state: &AppState, session: &SessionRecord) -> Result<Acting, AppError> {
    let me = profiles::me(state, session).await?;
    let p = me.active_profile().ok_or(AppError::NotFound)?;
    Ok(Acting { card_id: p.card_id, ward: p.is_ward })
}

fn row(d: &DialogueRecord, side: Side, now: i64) -> DialogueRow {
    DialogueRow {
        id: d.id,
        subject: d.subject,
        doctor: d.doctor_name.clone(),
        patient: d.patient_name.clone(),
        closed: d.closed,
        waiting: d.waiting && !d.closed,
        unread: match side {
            Side::Patient => d.patient_unread,
            Side::Clinic => d.staff_unread,
        },
        last_at: d.last_at,
        video_open: video_open(d.video_room.as_deref(), d.video_until, now),
    }
}

pub fn message_view(m: &MessageRecord) -> MessageView {
    MessageView {
        id: m.id,
        from_patient: m.from_patient,
        author: m.author_name.clone(),
        at: m.created_at,
        pieces: pieces(&m.body),
        files: m
            .files
            .iter()
            .map(|f| AttachmentView {
                id: f.id,
                name: f.original_name.clone(),
                image: f.served_type != MediaType::Pdf,
                size: f.size,
            })
            .collect(),
    }
}

fn room_url(state: &AppState, d: &DialogueRecord) -> Option<String> {
    let room = d.video_room.as_deref().filter(|_| video_open(d.video_room.as_deref(), d.video_until, state.now()))?;
    Some(video_url(&state.config.video_base_url, room))
}

// ---- the patient's side ----

/// The tab: the active profile's dialogues and the clinic's broadcasts to its card.
pub async fn inbox(state: &AppState, session: &SessionRecord, page: i64) -> Result<Inbox, AppError> {
    let acting = acting(state, session).await?;
    let now = state.now();
    let page = page.clamp(1, 100_000);
    let (dialogues, total) =
        state.store.card_dialogues(acting.card_id, (page - 1) * PAGE_DIALOGUES, PAGE_DIALOGUES).await?;
    let broadcasts = state.store.card_broadcasts(acting.card_id, PAGE_DIALOGUES).await?;
    Ok(Inbox {
        dialogues: dialogues.iter().map(|d| row(d, Side::Patient, now)).collect(),
        broadcasts: broadcasts
            .into_iter()
            .map(|b| BroadcastRow {
                id: b.broadcast.id,
                title: b.broadcast.title,
                sent_at: b.broadcast.sent_at.unwrap_or(b.broadcast.created_at),
                unread: b.read_at.is_none(),
            })
            .collect(),
        page,
        pages: ((total + PAGE_DIALOGUES - 1) / PAGE_DIALOGUES).max(1),
    })
}

/// Unread messages and broadcasts of the active profile (the tab's badge); 0 without one.
pub async fn unread(state: &AppState, session: &SessionRecord) -> Result<i64, AppError> {
    let me = profiles::me(state, session).await?;
    match me.active_profile() {
        Some(p) => Ok(state.store.card_unread(p.card_id).await?),
        None => Ok(0),
    }
}

/// The doctors the active profile may write to (besides the front desk, always offered).
pub async fn doctors(state: &AppState, session: &SessionRecord) -> Result<Vec<RecipientChoice>, AppError> {
    let acting = acting(state, session).await?;
    Ok(state
        .store
        .card_doctors(acting.card_id)
        .await?
        .into_iter()
        .map(|d| RecipientChoice {
            key: Recipient::Doctor(d.staff_id).key(),
            label: match d.specialty.filter(|s| !s.is_empty()) {
                Some(s) => format!("{} — {s}", d.name),
                None => d.name,
            },
        })
        .collect())
}

/// A dialogue of the active profile, read: its unread count goes to 0.
pub async fn patient_dialogue(
    state: &AppState,
    session: &SessionRecord,
    id: i64,
    before: Option<i64>,
) -> Result<DialogueView, AppError> {
    let acting = acting(state, session).await?;
    let d = state.store.dialogue(id).await?.filter(|d| d.card_id == acting.card_id).ok_or(AppError::NotFound)?;
    if d.patient_unread > 0 {
        state.store.mark_read(d.id, Side::Patient).await?;
    }
    view_of(state, &d, Side::Patient, before, None, Vec::new()).await
}

async fn view_of(
    state: &AppState,
    d: &DialogueRecord,
    side: Side,
    before: Option<i64>,
    card: Option<CardSide>,
    handover: Vec<RecipientChoice>,
) -> Result<DialogueView, AppError> {
    let messages = state.store.dialogue_messages(d.id, before, PAGE_MESSAGES + 1).await?;
    let more = messages.len() as i64 > PAGE_MESSAGES;
    let shown = if more { &messages[1..] } else { &messages[..] };
    let mut r = row(d, side, state.now());
    r.unread = 0;
    Ok(DialogueView {
        row: r,
        older_before: if more { shown.first().map(|m| m.id) } else { None },
        messages: shown.iter().map(message_view).collect(),
        video_url: room_url(state, d),
        card,
        handover,
    })
}

/// What a message form sent, as typed.
#[derive(Clone, Debug, Default)]
pub struct MessageForm {
    /// A new dialogue's recipient ("desk" or "doctor:ID"); empty in a reply.
    pub recipient: String,
    pub subject: String,
    pub body: String,
}

/// Where a patient's message may go, checked before its files are converted: the dialogue (or
/// the new one's recipient and subject). The hourly limit is `hourly_check`'s, before the request
/// is read, and `post_message`'s, inside the write.
#[derive(Clone, Debug)]
pub struct PatientTarget {
    card_id: i64,
    ward: bool,
    thread: Thread,
}

pub async fn patient_target(
    state: &AppState,
    session: &SessionRecord,
    dialogue: Option<i64>,
    form: &MessageForm,
) -> Result<PatientTarget, AppError> {
    let acting = acting(state, session).await?;
    let thread = match dialogue {
        Some(id) => {
            state.store.dialogue(id).await?.filter(|d| d.card_id == acting.card_id).ok_or(AppError::NotFound)?;
            Thread::Existing(id)
        }
        None => {
            let mut errors = Vec::new();
            let recipient = Recipient::parse(form.recipient.trim());
            let subject = Subject::parse(form.subject.trim());
            if recipient.is_none() {
                errors.push(crate::kernel::error::FieldError { field: "recipient".into(), problem: Problem::Choice });
            }
            if subject.is_none() {
                errors.push(crate::kernel::error::FieldError { field: "subject".into(), problem: Problem::Choice });
            }
            let (Some(recipient), Some(subject)) = (recipient, subject) else {
                return Err(AppError::Validation(errors));
            };
            if let Recipient::Doctor(staff_id) = recipient {
                // Only a doctor the profile has (had) an appointment with: the form offers no
                // other, and a forged one is refused the same way.
                let doctors = state.store.card_doctors(acting.card_id).await?;
                if !doctors.iter().any(|d| d.staff_id == staff_id) {
                    return Err(AppError::field("recipient", Problem::Choice));
                }
            }
            Thread::New { card_id: acting.card_id, staff_id: recipient.staff_id(), subject }
        }
    };
    Ok(PatientTarget { card_id: acting.card_id, ward: acting.ward, thread })
}

/// The patient's hourly limit, checked before anything of a request is read (and again when the
/// message is written).
pub async fn hourly_check(state: &AppState, session: &SessionRecord) -> Result<(), AppError> {
    let now = state.now();
    let (sent, first) = state.store.sent_since(session.account_id, now - 3600).await?;
    match wait_before_next(sent, first, now) {
        Some(wait) => Err(AppError::MessageLimit { max: PER_HOUR, retry_after_secs: wait }),
        None => Ok(()),
    }
}

/// Sends a patient's message (a new dialogue's first, or a reply) with its files, already
/// checked by `patient_target`. Returns the dialogue.
pub async fn patient_send(
    state: &AppState,
    session: &SessionRecord,
    peer: IpAddr,
    target: PatientTarget,
    form: &MessageForm,
    files: Vec<NewAttachment>,
) -> Result<i64, AppError> {
    let body = check_body(&form.body, files.len()).map_err(|p| AppError::field("body", p))?;
    check_files(&files)?;
    let now = state.now();
    let audit =
        AuditEntry::by(&Actor::in_profile(session, peer, target.ward), now, "message.send").card(target.card_id);
    let posted = state
        .store
        .post_message(NewMessage {
            thread: target.thread,
            from: Side::Patient,
            author_account_id: session.account_id,
            body,
            files,
            now,
            audit,
            hourly_limit: Some(PER_HOUR),
        })
        .await?;
    match posted {
        Posted::Yes(dialogue, _) => Ok(dialogue),
        Posted::NoDialogue => Err(AppError::NotFound),
        Posted::OverLimit { first } => Err(AppError::MessageLimit {
            max: PER_HOUR,
            retry_after_secs: wait_before_next(PER_HOUR, Some(first), now).unwrap_or(1),
        }),
    }
}

fn check_files(files: &[NewAttachment]) -> Result<(), AppError> {
    if files.len() > MAX_ATTACHMENTS {
        return Err(AppError::field("files", Problem::TooManyFiles(MAX_ATTACHMENTS)));
    }
    if files.iter().any(|f| !ATTACHMENT_TYPES.contains(&f.media_type)) {
        return Err(AppError::field("files", Problem::FileType));
    }
    Ok(())
}

/// News for an open dialogue page: messages after `after`, the video link, the tab's unread
/// count. The page is open, so what arrives is read.
pub async fn updates(
    state: &AppState,
    session: &SessionRecord,
    peer: IpAddr,
    id: i64,
    after: i64,
) -> Result<(Vec<MessageView>, Option<String>, Option<i64>), AppError> {
    let (d, side, card) = match staff_dialogue_of(state, session, id).await {
        Ok(d) => (d, Side::Clinic, None),
        Err(AppError::NotFound) if !session.roles.is_staff() || session.active_card_id.is_some() => {
            let acting = acting(state, session).await?;
            let d =
                state.store.dialogue(id).await?.filter(|d| d.card_id == acting.card_id).ok_or(AppError::NotFound)?;
            (d, Side::Patient, Some(acting.card_id))
        }
        Err(e) => return Err(e),
    };
    // Marked read first: whatever arrives after the mark is still unread if this answer is lost.
    let unread_here = match side {
        Side::Patient => d.patient_unread,
        Side::Clinic => d.staff_unread,
    };
    if unread_here > 0 {
        state.store.mark_read(d.id, side).await?;
    }
    let fresh = state.store.messages_after(d.id, after).await?;
    if side == Side::Clinic && !fresh.is_empty() {
        journal_staff_read(state, session, peer, &d).await?;
    }
    let unread = match card {
        Some(card) => Some(state.store.card_unread(card).await?),
        None => None,
    };
    Ok((fresh.iter().map(message_view).collect(), room_url(state, &d), unread))
}

// ---- the clinic's side ----

/// Whose dialogues a staff member handles: their own as a doctor, the front desk's as a
/// registrar or the head.
async fn scope(state: &AppState, session: &SessionRecord) -> Result<InboxScope, AppError> {
    // Only clinicians are written to by name; a registrar's inbox is the desk's alone (one
    // index range, in order).
    let staff_id = match session.roles.has(crate::kernel::account::Role::Clinician) {
        true => state.store.staff_of_account(session.account_id).await?.map(|(id, _)| id),
        false => None,
    };
    Ok(InboxScope { staff_id, desk: session.roles.can_manage_cards() })
}

fn may_handle(scope: InboxScope, d: &DialogueRecord) -> bool {
    match d.staff_id {
        Some(id) => scope.staff_id == Some(id),
        None => scope.desk,
    }
}

/// Staff with messages: doctors (clinicians, the head) and the front desk.
pub fn may_use_inbox(roles: &Roles) -> bool {
    roles.can_answer_messages()
}

fn require_inbox(session: &SessionRecord) -> Result<(), AppError> {
    if !may_use_inbox(&session.roles) {
        return Err(AppError::Forbidden);
    }
    if session.staff_totp_required && !session.totp_enabled {
        return Err(AppError::SecondFactorRequired);
    }
    Ok(())
}

async fn staff_dialogue_of(state: &AppState, session: &SessionRecord, id: i64) -> Result<DialogueRecord, AppError> {
    if !may_use_inbox(&session.roles) {
        return Err(AppError::NotFound);
    }
    require_inbox(session)?;
    let scope = scope(state, session).await?;
    state.store.dialogue(id).await?.filter(|d| may_handle(scope, d)).ok_or(AppError::NotFound)
}

async fn journal_staff_read(
    state: &AppState,
    session: &SessionRecord,
    peer: IpAddr,
    d: &DialogueRecord,
) -> Result<(), AppError> {
    let audit = AuditEntry::by(&Actor::staff(session, peer), state.now(), "message.read")
        .card(d.card_id)
        .object(format!("dialogue:{}", d.id));
    Ok(state.store.audit(audit).await?)
}

/// The staff inbox: one page of the dialogues this person handles.
pub async fn staff_inbox(
    state: &AppState,
    session: &SessionRecord,
    filter: InboxFilter,
    page: i64,
) -> Result<(Vec<DialogueRow>, i64), AppError> {
    require_inbox(session)?;
    let scope = scope(state, session).await?;
    let now = state.now();
    let page = page.clamp(1, 100_000);
    let (rows, total) = state.store.inbox(scope, filter, (page - 1) * PAGE_DIALOGUES, PAGE_DIALOGUES).await?;
    Ok((rows.iter().map(|d| row(d, Side::Clinic, now)).collect(), total))
}

/// A dialogue on the staff side, with the card beside it; the read is journalled on the card,
/// like a record's.
pub async fn staff_dialogue(
    state: &AppState,
    session: &SessionRecord,
    peer: IpAddr,
    id: i64,
    before: Option<i64>,
) -> Result<DialogueView, AppError> {
    let d = staff_dialogue_of(state, session, id).await?;
    journal_staff_read(state, session, peer, &d).await?;
    if d.staff_unread > 0 {
        state.store.mark_read(d.id, Side::Clinic).await?;
    }
    let visits = state
        .store
        .recent_visits(d.card_id, 5)
        .await?
        .into_iter()
        .map(|v| RecentVisit { starts_at: v.starts_at, doctor: v.doctor_name, status: v.status })
        .collect();
    let card =
        CardSide { card_id: d.card_id, name: d.patient_name.clone(), birth_date: d.patient_birth_date.clone(), visits };
    let mut handover: Vec<RecipientChoice> = state
        .store
        .clinicians()
        .await?
        .into_iter()
        .filter(|c| d.staff_id != Some(c.staff_id))
        .map(|c| RecipientChoice { key: Recipient::Doctor(c.staff_id).key(), label: c.name })
        .collect();
    if d.staff_id.is_some() {
        handover.insert(0, RecipientChoice { key: Recipient::Desk.key(), label: String::new() });
    }
    view_of(state, &d, Side::Clinic, before, Some(card), handover).await
}

/// Checks a staff reply's dialogue before its files are converted.
pub async fn staff_target(state: &AppState, session: &SessionRecord, id: i64) -> Result<DialogueRecord, AppError> {
    staff_dialogue_of(state, session, id).await
}

pub async fn staff_send(
    state: &AppState,
    session: &SessionRecord,
    peer: IpAddr,
    d: &DialogueRecord,
    body: &str,
    files: Vec<NewAttachment>,
) -> Result<i64, AppError> {
    let body = check_body(body, files.len()).map_err(|p| AppError::field("body", p))?;
    check_files(&files)?;
    let now = state.now();
    let audit = AuditEntry::by(&Actor::staff(session, peer), now, "message.answer").card(d.card_id);
    let posted = state
        .store
        .post_message(NewMessage {
            thread: Thread::Existing(d.id),
            from: Side::Clinic,
            author_account_id: session.account_id,
            body,
            files,
            now,
            audit,
            hourly_limit: None,
        })
        .await?;
    match posted {
        Posted::Yes(..) => Ok(d.id),
        _ => Err(AppError::NotFound),
    }
}

pub async fn set_closed(
    state: &AppState,
    session: &SessionRecord,
    peer: IpAddr,
    id: i64,
    closed: bool,
) -> Result<(), AppError> {
    let d = staff_dialogue_of(state, session, id).await?;
    let action = if closed { "message.close" } else { "message.reopen" };
    let audit = AuditEntry::by(&Actor::staff(session, peer), state.now(), action)
        .card(d.card_id)
        .object(format!("dialogue:{id}"));
    state.store.set_closed(id, closed, audit).await?.then_some(()).ok_or(AppError::NotFound)
}

/// Hands a dialogue to another doctor (a clinician with an active account) or the front desk.
pub async fn hand_over(
    state: &AppState,
    session: &SessionRecord,
    peer: IpAddr,
    id: i64,
    to: &str,
) -> Result<(), AppError> {
    let d = staff_dialogue_of(state, session, id).await?;
    let to = Recipient::parse(to.trim()).ok_or_else(|| AppError::field("to", Problem::Choice))?;
    if let Recipient::Doctor(staff_id) = to {
        if !state.store.clinicians().await?.iter().any(|c| c.staff_id == staff_id) {
            return Err(AppError::field("to", Problem::Choice));
        }
    }
    if to.staff_id() == d.staff_id {
        return Ok(());
    }
    let audit = AuditEntry::by(&Actor::staff(session, peer), state.now(), "message.handover")
        .card(d.card_id)
        .object(format!("dialogue:{id}"))
        .detail(format!("{} → {}", d.staff_id.map_or("desk".to_string(), |s| format!("doctor:{s}")), to.key()));
    state.store.hand_over(id, to.staff_id(), audit).await?.then_some(()).ok_or(AppError::NotFound)
}

/// Opens a video call in the dialogue (a fresh room each time) or ends it.
pub async fn video(
    state: &AppState,
    session: &SessionRecord,
    peer: IpAddr,
    id: i64,
    open: bool,
) -> Result<(), AppError> {
    let d = staff_dialogue_of(state, session, id).await?;
    let now = state.now();
    let call = open.then(|| (new_room(), now + VIDEO_SECS));
    let action = if open { "message.video_start" } else { "message.video_end" };
    let audit =
        AuditEntry::by(&Actor::staff(session, peer), now, action).card(d.card_id).object(format!("dialogue:{id}"));
    state.store.set_video(id, call, audit).await?.then_some(()).ok_or(AppError::NotFound)
}

fn new_room() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// An attachment's bytes, for whoever may read its dialogue: the card's profile, or the staff
/// who handle it (journalled on the card).
pub async fn attachment(
    state: &AppState,
    session: &SessionRecord,
    peer: IpAddr,
    file_id: i64,
) -> Result<crate::features::record::document_use_cases::ServedFile, AppError> {
    let found = state.store.message_file(file_id).await?.ok_or(AppError::NotFound)?;
    let d = state.store.dialogue(found.dialogue_id).await?.ok_or(AppError::NotFound)?;
    let by_staff = if may_use_inbox(&session.roles) {
        require_inbox(session)?;
        may_handle(scope(state, session).await?, &d)
    } else {
        false
    };
    let actor = if by_staff {
        Actor::staff(session, peer)
    } else {
        let acting = acting(state, session).await?;
        if acting.card_id != d.card_id {
            return Err(AppError::NotFound);
        }
        Actor::in_profile(session, peer, acting.ward)
    };
    let audit =
        AuditEntry::by(&actor, state.now(), "message.file").card(d.card_id).object(format!("message_file:{file_id}"));
    state.store.audit(audit).await?;
    let f = found.file;
    let name = if f.served_type == f.media_type {
        f.original_name.clone()
    } else {
        crate::kernel::media::delivered_name(&f.original_name, f.served_type)
    };
    Ok(crate::features::record::document_use_cases::ServedFile {
        stored_name: f.served_name,
        name,
        media_type: f.served_type,
    })
}

// ---- broadcasts ----

pub fn may_broadcast(roles: &Roles) -> bool {
    roles.can_manage_news()
}

/// The broadcast form, as typed.
#[derive(Clone, Debug, Default)]
pub struct BroadcastForm {
    pub title: String,
    pub body: String,
    pub advertising: bool,
    pub audience: String,
    pub branch: String,
    pub doctor: String,
    pub age_min: String,
    pub age_max: String,
}

pub async fn broadcast_create(
    state: &AppState,
    session: &SessionRecord,
    peer: IpAddr,
    form: BroadcastForm,
) -> Result<i64, AppError> {
    let mut errors = Vec::new();
    let mut text = |field: &str, value: &str, max: usize| {
        let v = value.trim();
        if v.is_empty() {
            errors.push(crate::kernel::error::FieldError { field: field.into(), problem: Problem::Required });
        } else if v.chars().count() > max {
            errors.push(crate::kernel::error::FieldError { field: field.into(), problem: Problem::TooLong(max) });
        }
        v.to_string()
    };
    let title = text("title", &form.title, TITLE_MAX);
    let body = text("body", &form.body, BROADCAST_MAX);
    let audience = Audience::from_form(form.audience.trim(), &form.branch, &form.doctor, &form.age_min, &form.age_max);
    if let Err(field) = audience {
        errors.push(crate::kernel::error::FieldError { field: field.into(), problem: Problem::Choice });
    }
    let Ok(audience) = audience.map_err(|_| ()) else { return Err(AppError::Validation(errors)) };
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let now = state.now();
    let audit = AuditEntry::by(&Actor::staff(session, peer), now, "broadcast.create").detail(title.clone());
    Ok(state
        .store
        .broadcast_create(
            NewBroadcast {
                title,
                body,
                advertising: form.advertising,
                audience,
                author_account_id: session.account_id,
                now,
            },
            audit,
        )
        .await?)
}

/// Sends a draft now, or at `at` (unix seconds, not before now). What is due goes at once.
pub async fn broadcast_send(
    state: &AppState,
    session: &SessionRecord,
    peer: IpAddr,
    id: i64,
    at: Option<i64>,
) -> Result<(), AppError> {
    let now = state.now();
    let at = at.unwrap_or(now).max(now);
    let audit = AuditEntry::by(&Actor::staff(session, peer), now, "broadcast.send").object(format!("broadcast:{id}"));
    if !state.store.broadcast_schedule(id, at, audit).await? {
        return Err(if state.store.broadcast(id).await?.is_some() { AppError::Conflict } else { AppError::NotFound });
    }
    if at <= now {
        release(state).await?;
    }
    Ok(())
}

/// Writes the recipients of every broadcast that is due (the worker calls this too).
pub async fn release(state: &AppState) -> Result<usize, AppError> {
    let now = state.now();
    Ok(state.store.release_broadcasts(now, local_date(now, state.utc_offset())).await?)
}

pub async fn audience_size(state: &AppState, audience: Audience, advertising: bool) -> Result<i64, AppError> {
    let today = local_date(state.now(), state.utc_offset());
    Ok(state.store.audience_size(audience, advertising, today).await?)
}

/// A broadcast the active profile received, read.
pub async fn received_broadcast(
    state: &AppState,
    session: &SessionRecord,
    id: i64,
) -> Result<ReceivedBroadcast, AppError> {
    let acting = acting(state, session).await?;
    let b = state.store.card_broadcast(acting.card_id, id).await?.ok_or(AppError::NotFound)?;
    if b.read_at.is_none() {
        state.store.mark_broadcast_read(acting.card_id, id, state.now()).await?;
    }
    Ok(b)
}
