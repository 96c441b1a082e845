//! The staff side of documents: find a card, upload and send documents from it (with the
//! reasons a file cannot be sent shown before the upload, by the same rules the server
//! applies), follow each upload's delivery, resend, lift a locked date-of-birth gate, write
//! protocols ("Отправить и напечатать"), and, for the head, enable the cabinet module.

use crate::features::cards::pages::{searched, CardResults, CardSearchForm};
use crate::features::record::delivery::{
    CardDocuments, FileStatus, RouteView, StaffProtocol, StaffUpload, UploadStatus,
};
use crate::features::record::document_api::{
    document_card_search, get_card_documents, get_modules, DocumentResend, EnableCabinetModule, GateReset, ProtocolSave,
};
use crate::features::record::document_rules::{refusals, CardFacts, Category, FileFacts, Refusal, UploadFacts};
use crate::features::record::page::{category_label, kind_label, PrintButton};
use crate::features::record::rules::RecordKind;
use crate::i18n::{clinic_offset, use_lang, use_texts, Texts};
use crate::kernel::account::{Role, Roles};
use crate::kernel::media::format_size;
use crate::kernel::time_fmt::{format_date, format_datetime};
use crate::platform::ui::errors::{last_error, ErrorPanel, FieldError, FormError, Loading};
use crate::platform::ui::staff::RequireStaff;
use crate::platform::ui::title::Title;
use crate::platform::ui::upload::{upload_error_from_query, upload_error_text, Typed, UploadForm, UPLOAD_FORM_ID};
use leptos::either::Either;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};
use serde::{Deserialize, Serialize};

mod protocols;
mod upload;
pub use protocols::*;
pub use upload::*;

fn status_class(s: UploadStatus) -> &'static str {
    match s {
        UploadStatus::Delivered => "badge status-published",
        UploadStatus::DeliveredSome { .. } | UploadStatus::Sending => "badge status-scheduled",
        UploadStatus::NotSent | UploadStatus::CannotSend => "badge status-withdrawn",
    }
}

fn file_status(t: &Texts, s: FileStatus) -> &'static str {
    match s {
        FileStatus::Queued => t.docs().st_queued_file,
        FileStatus::Delivered => t.docs().st_delivered_file,
        FileStatus::NotSent => t.docs().st_not_sent,
        FileStatus::CannotSend => t.docs().st_cannot_send,
    }
}

/// Find a card: a plain GET form, so results have an address and work without JavaScript.
#[component]
pub fn StaffDocumentsPage() -> impl IntoView {
    let t = use_texts();
    let query = use_query_map();
    let q = move || query.read().get("q").unwrap_or_default();
    let birth = move || query.read().get("birth_date").unwrap_or_default();
    let results = Resource::new(move || (q(), birth()), |(q, b)| document_card_search(q, Some(b)));
    view! {
        <Title text=t.nav_documents/>
        <RequireStaff allowed=Roles::can_read_protocols view=move |_| view! {
            <h1>{t.nav_documents}</h1>
            <p class="lead">{t.docs().documents_intro}</p>
            <p class="hint">{t.docs().find_card_hint}</p>
            <CardSearchForm action="/staff/documents" q=q() birth=birth()/>
            <CardResults results searched=searched(&q(), &birth()) link=|id| format!("/staff/cards/{id}/documents") badges=false/>
        }/>
    }
}

fn card_id_param() -> Memo<i64> {
    let params = use_params_map();
    Memo::new(move |_| params.read().get("id").and_then(|s| s.parse::<i64>().ok()).unwrap_or(0))
}

#[component]
pub fn StaffCardDocumentsPage() -> impl IntoView {
    let t = use_texts();
    let id = card_id_param();
    let resend = ServerAction::<DocumentResend>::new();
    let reset = ServerAction::<GateReset>::new();
    let protocol = ServerAction::<ProtocolSave>::new();
    let data = Resource::new(
        move || (id.get(), resend.version().get(), reset.version().get(), protocol.version().get()),
        |(id, ..)| get_card_documents(id),
    );
    view! {
        <Title text=t.nav_documents/>
        <p><a href="/staff/documents">{t.nav_documents}</a></p>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                    Ok(d) => view! { <CardDocumentsView d resend reset protocol/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn CardDocumentsView(
    d: CardDocuments,
    resend: ServerAction<DocumentResend>,
    reset: ServerAction<GateReset>,
    protocol: ServerAction<ProtocolSave>,
) -> impl IntoView {
    let t = use_texts();
    let lang = use_lang();
    let reset_error = last_error(reset.value());
    let card = d.card_id.to_string();
    view! {
        <h1>{(t.docs().documents_of)(&d.full_name)}</h1>
        <p class="meta" data-testid="card-number">
            {(t.card_number)(d.card_id)}" · "{format_date(d.birth_date, lang)}
        </p>
        {d.gate_blocked.then(|| {
            let card = card.clone();
            view! {
                <section class="panel warning" role="status" data-testid="gate-blocked">
                    <p>{t.docs().gate_blocked_staff}</p>
                    <ActionForm action=reset attr:class="stack">
                        <input type="hidden" name="card" value=card/>
                        <label class="check"><input type="checkbox" name="phone_confirmed" value="on"/>{t.docs().phone_confirmed_now}</label>
                        <FormError error=reset_error/>
                        <button type="submit">{t.gate_reset}</button>
                    </ActionForm>
                </section>
            }
        })}
        <UploadSection d=d.clone()/>
        <section class="panel" aria-labelledby="uploads-heading">
            <h2 id="uploads-heading">{t.docs().uploads}</h2>
            {d.uploads.is_empty().then(|| view! { <p class="empty">{t.docs().no_uploads}</p> })}
            <ul class="uploads" data-testid="uploads">
                {d.uploads.into_iter().map(|u| view! { <UploadItem u card=d.card_id resend/> }).collect_view()}
            </ul>
        </section>
        <ProtocolsSection card=d.card_id protocols=d.protocols today=d.today own_consent_today=d.own_consent_today protocol/>
    }
}

#[component]
pub fn StaffModulesPage() -> impl IntoView {
    let t = use_texts();
    let lang = use_lang();
    let enable = ServerAction::<EnableCabinetModule>::new();
    let error = last_error(enable.value());
    let data = Resource::new(move || enable.version().get(), |_| get_modules());
    view! {
        <Title text=t.modules_title/>
        <RequireStaff allowed=|r: &Roles| r.has(Role::Head) view=move |_| view! {
            <h1>{t.modules_title}</h1>
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                        Ok(enabled) => view! {
                            <section class="panel" data-testid="cabinet-module">
                                <h2>{t.docs().cabinet_module}</h2>
                                {match enabled {
                                    Some(at) => view! {
                                        <p>{t.docs().module_enabled_on}": "{format_datetime(at, clinic_offset(), lang)}</p>
                                    }.into_any(),
                                    None => view! {
                                        <ActionForm action=enable>
                                            <FormError error/>
                                            <button type="submit" class="primary">{t.docs().enable_module}</button>
                                        </ActionForm>
                                    }.into_any(),
                                }}
                            </section>
                        }.into_any(),
                    }
                })}
            </Suspense>
        }/>
    }
}
