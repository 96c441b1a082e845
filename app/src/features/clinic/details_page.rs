//! «Сведения о клинике»: the head sets the clinic's name, address, phone and time zone. Until
//! they are set, the head's pages lead here (`server::middleware::access`).

use crate::features::clinic::api::{get_clinic_details, get_clinic_settings, SaveClinicDetails, SaveClinicSettings};
use crate::features::clinic::rules::{time_zone_label, TIME_ZONES};
use crate::i18n::Texts;
use crate::i18n::{use_lang, use_texts, Lang};
use crate::kernel::account::{Role, Roles};
use crate::kernel::tabs::CabinetTab;
use crate::platform::ui::errors::{last_error, ErrorPanel, FieldError, FormError, Loading};
use crate::platform::ui::staff::RequireStaff;
use crate::platform::ui::title::Title;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn ClinicDetailsPage() -> impl IntoView {
    let t = use_texts();
    let lang = use_lang();
    let save = ServerAction::<SaveClinicDetails>::new();
    let error = last_error(save.value());
    let details = Resource::new(|| (), |_| get_clinic_details());
    let save_settings = ServerAction::<SaveClinicSettings>::new();
    let settings_error = last_error(save_settings.value());
    let settings = Resource::new(|| (), |_| get_clinic_settings());
    let saved = use_query_map().get_untracked().get("saved").is_some();
    view! {
        <Title text=t.clinic().details_title/>
        <RequireStaff allowed=|r: &Roles| r.has(Role::Head) view=move |_| view! {
            <h1>{t.clinic().details_title}</h1>
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    match details.await {
                        Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                        Ok(d) => view! {
                            <section class="panel">
                                {(!d.is_set()).then(|| view! { <p class="notice" role="status">{t.clinic().details_first}</p> })}
                                <p class="hint">{t.clinic().details_intro}</p>
                                <ActionForm action=save attr:class="stack">
                                    <label for="name">{t.clinic().clinic_name}</label>
                                    <input id="name" name="name" type="text" required maxlength="200" value=d.name
                                        autocomplete="organization" aria-describedby="name-error"/>
                                    <FieldError error field="name"/>
                                    <label for="address">{t.clinic().clinic_address}</label>
                                    <input id="address" name="address" type="text" required maxlength="300" value=d.address
                                        autocomplete="street-address" aria-describedby="address-error"/>
                                    <FieldError error field="address"/>
                                    <label for="phone">{t.clinic().clinic_phone}</label>
                                    <input id="phone" name="phone" type="tel" required maxlength="40" value=d.phone
                                        autocomplete="tel" inputmode="tel" aria-describedby="phone-error"/>
                                    <FieldError error field="phone"/>
                                    <label for="utc_offset">{t.clinic().time_zone}</label>
                                    <select id="utc_offset" name="utc_offset" aria-describedby="utc_offset-error">
                                        {TIME_ZONES.iter().map(|(offset, ..)| view! {
                                            <option value=offset.to_string() selected=*offset == d.utc_offset_minutes>
                                                {time_zone_label(*offset, lang == Lang::Ru)}
                                            </option>
                                        }).collect_view()}
                                    </select>
                                    <FieldError error field="utc_offset"/>
                                    <FormError error/>
                                    <button type="submit" class="primary">{t.clinic().save}</button>
                                </ActionForm>
                            </section>
                        }.into_any(),
                    }
                })}
            </Suspense>
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    match settings.await {
                        Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                        Ok(s) => view! {
                            <section class="panel">
                                <h2>{t.clinic().settings_title}</h2>
                                {saved.then(|| view! { <p class="notice" role="status">{t.clinic().saved}</p> })}
                                <ActionForm action=save_settings attr:class="stack">
                                    <label for="attach_code_ttl_hours">{t.clinic().attach_code_ttl}</label>
                                    <input id="attach_code_ttl_hours" name="attach_code_ttl_hours" type="number" min="1" max="720"
                                        required value=s.attach_code_ttl_hours.to_string() aria-describedby="attach_code_ttl_hours-error"/>
                                    <FieldError error=settings_error field="attach_code_ttl_hours"/>
                                    <label for="contact_priority">{t.clinic().contact_priority}</label>
                                    <select id="contact_priority" name="contact_priority">
                                        <option value="phone" selected=s.contact_priority == "phone">{t.clinic().contact_phone}</option>
                                        <option value="email" selected=s.contact_priority == "email">{t.clinic().contact_email}</option>
                                    </select>
                                    <FieldError error=settings_error field="contact_priority"/>
                                    <label for="protocol_edit_hours">{t.clinic().protocol_edit}</label>
                                    <input id="protocol_edit_hours" name="protocol_edit_hours" type="number" min="1" max="720"
                                        required value=s.protocol_edit_hours.to_string() aria-describedby="protocol_edit_hours-error"/>
                                    <FieldError error=settings_error field="protocol_edit_hours"/>
                                    <fieldset class="checks">
                                        <legend>{t.clinic().tabs_legend}</legend>
                                        <input type="hidden" name="tabs" value="on"/>
                                        {CabinetTab::ALL.into_iter().map(|tab| view! {
                                            <label class="check">
                                                <input type="checkbox" name=format!("tab_{}", tab.key()) value="on" checked=!s.hidden_tabs.hides(tab)/>
                                                {tab_label(t, tab)}
                                            </label>
                                        }).collect_view()}
                                    </fieldset>
                                    <FormError error=settings_error/>
                                    <button type="submit">{t.clinic().save_settings}</button>
                                </ActionForm>
                                <p class="hint">{t.clinic().more_settings}" "
                                    <a href="/account#second-factor">{t.clinic().staff_second_factor_link}</a>", "
                                    <a href="/staff/modules">{t.clinic().modules_link}</a>", "
                                    <a href="/staff/booking">{t.clinic().booking_settings_link}</a>"."
                                </p>
                            </section>
                        }.into_any(),
                    }
                })}
            </Suspense>
        }/>
    }
}

/// A tab's name as the navigation shows it.
pub fn tab_label(t: &'static Texts, tab: CabinetTab) -> &'static str {
    match tab {
        CabinetTab::Record => t.nav_record,
        CabinetTab::Booking => t.nav_booking,
        CabinetTab::Prices => t.nav_prices,
        CabinetTab::News => t.nav_news,
    }
}
