//! «Сведения о клинике»: the head sets the clinic's name, address, phone and time zone. Until
//! they are set, the head's pages lead here (`server::middleware::access`).

use crate::features::clinic::api::{get_clinic_details, SaveClinicDetails};
use crate::features::clinic::rules::{time_zone_label, TIME_ZONES};
use crate::i18n::{use_lang, use_texts, Lang};
use crate::kernel::account::{Role, Roles};
use crate::platform::ui::errors::{last_error, ErrorPanel, FieldError, FormError, Loading};
use crate::platform::ui::staff::RequireStaff;
use crate::platform::ui::title::Title;
use leptos::prelude::*;

#[component]
pub fn ClinicDetailsPage() -> impl IntoView {
    let t = use_texts();
    let lang = use_lang();
    let save = ServerAction::<SaveClinicDetails>::new();
    let error = last_error(save.value());
    let details = Resource::new(|| (), |_| get_clinic_details());
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
        }/>
    }
}
