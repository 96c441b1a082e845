//! Protocols ("Отправить и напечатать"): the protocol form, a card's protocols, and one protocol's
//! page.

use super::*;

/// The kinds a clinician writes (the patient's own entries come from the patient).
const PROTOCOL_KINDS: [RecordKind; 3] = [RecordKind::Outpatient, RecordKind::Inpatient, RecordKind::Telemedicine];

#[component]
fn ProtocolForm(
    card: i64,
    existing: Option<StaffProtocol>,
    today: time::Date,
    /// The patient is 15 to 17 today (or the protocol is marked already): the minor's own
    /// consent can be marked.
    own_consent_today: bool,
    protocol: ServerAction<ProtocolSave>,
) -> impl IntoView {
    let t = use_texts();
    let error = last_error(protocol.value());
    let p = existing.clone();
    let kind = p.as_ref().map(|p| p.kind).unwrap_or(RecordKind::Outpatient);
    view! {
        <ActionForm action=protocol attr:class="stack">
            <input type="hidden" name="card" value=card.to_string()/>
            {p.as_ref().map(|p| view! { <input type="hidden" name="id" value=p.id.to_string()/> })}
            <label for="p-kind">{t.docs().protocol_kind}</label>
            <select id="p-kind" name="kind">
                {PROTOCOL_KINDS.into_iter().map(|k| view! { <option value=k.as_str() selected=k == kind>{kind_label(t, k)}</option> }).collect_view()}
            </select>
            <FieldError error field="kind"/>
            <label for="p-date">{t.docs().visit_date}</label>
            <input id="p-date" name="visit_date" type="date" required
                value=p.as_ref().map(|p| p.visit_date).unwrap_or(today).to_string()/>
            <FieldError error field="visit_date"/>
            <label for="p-title">{t.docs().doc_title}</label>
            <input id="p-title" name="title" type="text" required maxlength="200" value=p.as_ref().map(|p| p.title.clone())/>
            <FieldError error field="title"/>
            <label for="p-icd">{t.docs().icd_code}</label>
            <input id="p-icd" name="icd_code" type="text" maxlength="16" value=p.as_ref().and_then(|p| p.icd_code.clone())/>
            <label for="p-icd-text">{t.docs().icd_text}</label>
            <input id="p-icd-text" name="icd_text" type="text" maxlength="300" value=p.as_ref().and_then(|p| p.icd_text.clone())/>
            <label for="p-body">{t.docs().protocol_body}</label>
            <textarea id="p-body" name="body" rows="8" required>{p.as_ref().map(|p| p.body.clone())}</textarea>
            <FieldError error field="body"/>
            {(own_consent_today || p.as_ref().is_some_and(|p| p.own_consent)).then(|| view! {
                <label class="check">
                    <input type="checkbox" name="own_consent" value="on" checked=p.as_ref().is_some_and(|p| p.own_consent)/>
                    {t.docs().own_consent}
                </label>
            })}
            <FieldError error field="own_consent"/>
            <FormError error/>
            <div class="actions">
                <button type="submit">{t.docs().save_protocol}</button>
                <button type="submit" class="primary" name="send" value="1">{t.docs().send_and_print}</button>
            </div>
        </ActionForm>
    }
}

#[component]
pub(super) fn ProtocolsSection(
    card: i64,
    protocols: Vec<StaffProtocol>,
    today: time::Date,
    own_consent_today: bool,
    protocol: ServerAction<ProtocolSave>,
) -> impl IntoView {
    let t = use_texts();
    let lang = use_lang();
    view! {
        <section class="panel" aria-labelledby="protocols-heading">
            <h2 id="protocols-heading">{t.docs().protocols}</h2>
            <ul class="admin-list" data-testid="protocols">
                {protocols.into_iter().map(|p| view! {
                    <li>
                        <a href=format!("/staff/cards/{card}/records/{}", p.id)>{p.title.clone()}</a>
                        <span class="meta">{format_date(p.visit_date, lang)}" · "{kind_label(t, p.kind)}</span>
                        {p.sent_at.map(|_| view! { <span class="badge status-published">{t.docs().protocol_sent}</span> })}
                        {p.own_consent.then(|| view! { <span class="badge">{t.docs().own_consent_badge}</span> })}
                    </li>
                }).collect_view()}
            </ul>
            <details>
                <summary>{t.docs().new_protocol}</summary>
                <ProtocolForm card existing=None today own_consent_today protocol/>
            </details>
        </section>
    }
}

/// One protocol: the print view ("Отправить и напечатать" lands here) and, inside the edit
/// window and while unsent, its edit form.
#[component]
pub fn StaffProtocolPage() -> impl IntoView {
    let t = use_texts();
    let lang = use_lang();
    let params = use_params_map();
    let card = Memo::new(move |_| params.read().get("id").and_then(|s| s.parse::<i64>().ok()).unwrap_or(0));
    let record = Memo::new(move |_| params.read().get("record").and_then(|s| s.parse::<i64>().ok()).unwrap_or(0));
    let protocol = ServerAction::<ProtocolSave>::new();
    let data = Resource::new(move || (card.get(), protocol.version().get()), |(id, _)| get_card_documents(id));
    view! {
        <Title text=t.docs().protocols/>
        <p class="no-print"><a href=move || format!("/staff/cards/{}/documents", card.get())>{t.nav_documents}</a></p>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                let d = match data.await {
                    Err(e) => return view! { <ErrorPanel error=e/> }.into_any(),
                    Ok(d) => d,
                };
                let Some(p) = d.protocols.iter().find(|p| p.id == record.get_untracked()).cloned() else {
                    return view! { <ErrorPanel error=crate::kernel::error::AppError::NotFound/> }.into_any();
                };
                view! {
                    <article class="record">
                        <h1>{p.title.clone()}</h1>
                        <dl class="facts">
                            <dt>{t.patient_label}</dt><dd>{d.full_name.clone()}</dd>
                            <dt>{t.record().record_date}</dt><dd>{format_date(p.visit_date, lang)}</dd>
                            <dt>{t.record().record_kind}</dt><dd>{kind_label(t, p.kind)}</dd>
                            {p.icd_code.clone().map(|c| view! {
                                <dt>{t.record().record_diagnosis}</dt><dd>{format!("{c} — {}", p.icd_text.clone().unwrap_or_default())}</dd>
                            })}
                        </dl>
                        <div class="record-body">{p.body.clone()}</div>
                        {p.sent_at.map(|_| view! { <p class="badge status-published">{t.docs().protocol_sent}</p> })}
                        {p.own_consent.then(|| view! { <p class="badge no-print">{t.docs().own_consent_badge}</p> })}
                    </article>
                    <PrintButton/>
                    {if p.editable {
                        view! {
                            <section class="panel no-print">
                                <h2>{t.docs().edit_protocol}</h2>
                                <ProtocolForm card=d.card_id existing=Some(p.clone()) today=d.today
                                    own_consent_today=d.own_consent_today protocol/>
                            </section>
                        }.into_any()
                    } else if p.sent_at.is_none() {
                        view! { <p class="notice warning no-print">{(t.docs().protocol_locked)(d.edit_hours)}</p> }.into_any()
                    } else {
                        ().into_any()
                    }}
                }.into_any()
            })}
        </Suspense>
    }
}
