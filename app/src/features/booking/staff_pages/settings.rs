//! Online booking settings: the general discount, limits, doctors' online switch and their
//! service links.

use super::*;
use crate::features::prices::rules::WHOLE_LIST_MAX;

#[component]
pub fn StaffBookingPage() -> impl IntoView {
    let t = use_texts();
    let settings = ServerAction::<SaveBookingSettings>::new();
    let doctor = ServerAction::<SetDoctorBooking>::new();
    let link = ServerAction::<SaveServiceLink>::new();
    let unlink = ServerAction::<DeleteServiceLink>::new();
    let add_reason = ServerAction::<AddCancelReason>::new();
    let toggle_reason = ServerAction::<SetCancelReasonActive>::new();
    let data = Resource::new(
        move || {
            (
                settings.version().get(),
                doctor.version().get(),
                link.version().get(),
                unlink.version().get(),
                add_reason.version().get(),
                toggle_reason.version().get(),
            )
        },
        |_| get_booking_admin(),
    );
    let saved = use_query_map().get_untracked().get("saved").is_some();
    view! {
        <Title text=t.nav_booking_settings/>
        <StaffBookingNav/>
        <h1>{t.booking().booking_settings_title}</h1>
        {saved.then(|| view! { <p class="notice" role="status">{t.saved}</p> })}
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                    Ok(a) => {
                        let reasons = a.reasons.clone();
                        view! {
                            <BookingAdminView a settings doctor link unlink/>
                            <ReasonsPanel reasons add=add_reason toggle=toggle_reason/>
                        }
                        .into_any()
                    }
                }
            })}
        </Suspense>
    }
}

#[component]
fn BookingAdminView(
    a: BookingAdmin,
    settings: ServerAction<SaveBookingSettings>,
    doctor: ServerAction<SetDoctorBooking>,
    link: ServerAction<SaveServiceLink>,
    unlink: ServerAction<DeleteServiceLink>,
) -> impl IntoView {
    let t = use_texts();
    let error = last_error(settings.value());
    let s = a.settings;
    let services = a.services.clone();
    view! {
        <section class="panel" aria-labelledby="settings-heading">
            <h2 id="settings-heading">{t.booking().booking_rules_title}</h2>
            <ActionForm action=settings attr:class="stack">
                <label for="online_discount_percent">{t.booking().online_discount}</label>
                <input id="online_discount_percent" name="online_discount_percent" type="number" min="0" max="100" required
                    value=s.online_discount_percent.to_string() aria-describedby="online_discount_percent-error"/>
                <FieldError error field="online_discount_percent"/>
                <label for="max_future_per_doctor">{t.booking().max_future}</label>
                <input id="max_future_per_doctor" name="max_future_per_doctor" type="number" min="1" max="50" required
                    value=s.max_future_per_doctor.to_string() aria-describedby="max_future_per_doctor-error"/>
                <FieldError error field="max_future_per_doctor"/>
                <label for="cancel_close_hours">{t.booking().cancel_close_hours}</label>
                <input id="cancel_close_hours" name="cancel_close_hours" type="number" min="0" max="168" required
                    value=(s.cancel_close_minutes / 60).to_string() aria-describedby="cancel_close_hours-error"/>
                <FieldError error field="cancel_close_hours"/>
                <label for="horizon_days">{t.booking().horizon_days}</label>
                <input id="horizon_days" name="horizon_days" type="number" min="1" max="180" required
                    value=s.horizon_days.to_string() aria-describedby="horizon_days-error"/>
                <FieldError error field="horizon_days"/>
                <FormError error/>
                <button type="submit" class="primary">{t.save_setting}</button>
            </ActionForm>
        </section>
        {a.doctors.into_iter().map(|d| view! { <DoctorPanel d services=services.clone() doctor link unlink/> }).collect_view()}
    }
}

#[component]
fn DoctorPanel(
    d: StaffDoctorView,
    services: Vec<(i64, String, String)>,
    doctor: ServerAction<SetDoctorBooking>,
    link: ServerAction<SaveServiceLink>,
    unlink: ServerAction<DeleteServiceLink>,
) -> impl IntoView {
    let t = use_texts();
    let id = d.doctor.id;
    let ids = move |name: &str| format!("{name}-{id}");
    let doctor_error = last_error(doctor.value());
    let link_error = last_error(link.value());
    let heading = ids("doctor-heading");
    view! {
        <section class="panel" id=format!("doctor-{id}") aria-labelledby=heading.clone()>
            <h2 id=heading.clone()>{d.doctor.name.clone()}</h2>
            <p class="meta">{d.doctor.specialty.clone()}{d.doctor.branch.clone().map(|b| format!(" · {b}"))}</p>
            <ActionForm action=doctor attr:class="stack">
                <input type="hidden" name="doctor" value=id.to_string()/>
                <label class="check"><input type="checkbox" name="online" value="on" checked=d.online/>{t.booking().online_booking_switch}</label>
                <label for=ids("degree")>{t.booking().degree_label}</label>
                <input id=ids("degree") name="degree" type="text" maxlength="100" value=d.doctor.degree.clone().unwrap_or_default()/>
                <FieldError error=doctor_error field="degree"/>
                <button type="submit">{t.booking().save_doctor}</button>
            </ActionForm>
            <h3>{t.booking().links_title}</h3>
            {d.links.is_empty().then(|| view! { <p class="hint">{t.booking().no_links}</p> })}
            <ul class="service-list">
                {d.links.clone().into_iter().map(|l| view! {
                    <li>
                        <span class="service-name">{l.name.clone()}</span>
                        <span class="badge">{mode_label(t, l.mode)}</span>
                        <QuoteView quote=l.quote/>
                        <ActionForm action=unlink attr:class="inline">
                            <input type="hidden" name="doctor" value=id.to_string()/>
                            <input type="hidden" name="service" value=l.service_id.to_string()/>
                            <button type="submit" class="link-button" aria-label=format!("{} {}", t.booking().remove_link, l.name)>{t.booking().remove_link}</button>
                        </ActionForm>
                    </li>
                }).collect_view()}
            </ul>
            <details>
                <summary>{t.booking().add_link}</summary>
                <ActionForm action=link attr:class="stack">
                    <input type="hidden" name="doctor" value=id.to_string()/>
                    {if services.len() as i64 <= WHOLE_LIST_MAX {
                        view! {
                            <label for=ids("service")>{t.booking().step_service}</label>
                            <select id=ids("service") name="service">
                                {services.iter().map(|(sid, code, name)| view! {
                                    <option value=sid.to_string()>{format!("{code} {name}")}</option>
                                }).collect_view()}
                            </select>
                        }.into_any()
                    } else {
                        // Thousands of services are no list to scroll, once per doctor: the code.
                        view! {
                            <label for=ids("service")>{t.booking().service_code}</label>
                            <input id=ids("service") name="service" type="text" required maxlength="50" autocomplete="off"/>
                        }.into_any()
                    }}
                    <FieldError error=link_error field="service"/>
                    <fieldset>
                        <legend>{t.booking().link_mode}</legend>
                        <label class="check"><input type="radio" name="mode" value=VisitMode::InClinic.as_str() checked=true/>{t.booking().mode_in_clinic}</label>
                        <label class="check"><input type="radio" name="mode" value=VisitMode::Online.as_str()/>{t.booking().mode_online}</label>
                    </fieldset>
                    <label class="check"><input type="checkbox" name="show_price" value="on" checked=true/>{t.booking().show_price}</label>
                    <label for=ids("price")>{t.booking().link_price}</label>
                    <input id=ids("price") name="price" type="text" inputmode="decimal"/>
                    <FieldError error=link_error field="price"/>
                    <label for=ids("prepayment")>{t.booking().link_prepayment}</label>
                    <input id=ids("prepayment") name="prepayment" type="text" inputmode="decimal"/>
                    <FieldError error=link_error field="prepayment"/>
                    <label for=ids("prepayment_discount")>{t.booking().link_prepayment_discount}</label>
                    <input id=ids("prepayment_discount") name="prepayment_discount" type="text" inputmode="decimal"/>
                    <FieldError error=link_error field="prepayment_discount"/>
                    <label class="check"><input type="checkbox" name="round_to_roubles" value="on"/>{t.booking().link_round}</label>
                    <FormError error=link_error/>
                    <button type="submit">{t.booking().save_link}</button>
                </ActionForm>
            </details>
        </section>
    }
}

/// «Причины отмены записи на приём»: the list the cancellation forms offer; a reason is hidden,
/// never deleted.
#[component]
fn ReasonsPanel(
    reasons: Vec<CancelReason>,
    add: ServerAction<AddCancelReason>,
    toggle: ServerAction<SetCancelReasonActive>,
) -> impl IntoView {
    let t = use_texts();
    let b = t.booking();
    let add_error = last_error(add.value());
    let toggle_error = last_error(toggle.value());
    view! {
        <section class="panel" id="reasons" aria-labelledby="reasons-heading">
            <h2 id="reasons-heading">{b.reasons_title}</h2>
            <p class="hint">{b.reasons_hint}</p>
            <ul class="plain" data-testid="cancel-reasons">
                {reasons.into_iter().map(|r| {
                    let (button, label) = if r.active {
                        (b.hide_reason, format!("{} {}", b.hide_reason, r.name))
                    } else {
                        (b.show_reason, format!("{} {}", b.show_reason, r.name))
                    };
                    view! {
                        <li>
                            {r.name.clone()}
                            {(!r.active).then(|| view! { " · " <span class="meta">{b.reason_hidden}</span> })}
                            " "
                            <ActionForm action=toggle attr:class="inline">
                                <input type="hidden" name="id" value=r.id.to_string()/>
                                {(!r.active).then(|| view! { <input type="hidden" name="active" value="on"/> })}
                                <button type="submit" class="link-button" aria-label=label>{button}</button>
                            </ActionForm>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <FormError error=toggle_error/>
            <ActionForm action=add attr:class="stack">
                <label for="reason-name">{b.reason_name}</label>
                <input id="reason-name" name="reason_name" type="text" required maxlength="100" aria-describedby="reason_name-error"/>
                <FieldError error=add_error field="reason_name"/>
                <button type="submit">{b.add_reason}</button>
            </ActionForm>
        </section>
    }
}
