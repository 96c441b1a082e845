//! "Запись к врачу" and "Мои записи": choose a specialty, a doctor, a service and a free time,
//! each step a link (a page load, with or without JavaScript), then book with a plain form;
//! see, cancel and move appointments; join a doctor's waitlist.

use crate::features::booking::api::{
    get_booking_view, get_my_appointments, BookAppointment, CancelAppointment, JoinWaitlist, RescheduleAppointment,
};
use crate::features::booking::rules::{
    format_hhmm, AppointmentStatus, AppointmentView, BookingView, DoctorView, Quote, ServiceOffer, VisitMode,
    OTHER_REASON, REASON_MAX,
};
use crate::i18n::{clinic_offset, use_lang, use_texts, Texts};
use crate::kernel::paths::percent_encode;
use crate::kernel::time_fmt::{format_date, format_datetime};
use crate::platform::ui::errors::{last_error, ErrorPanel, FieldError, FormError, Loading};
use crate::platform::ui::title::Title;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

pub fn mode_label(t: &Texts, mode: VisitMode) -> &'static str {
    match mode {
        VisitMode::InClinic => t.booking().mode_in_clinic,
        VisitMode::Online => t.booking().mode_online,
    }
}

pub fn status_label(t: &Texts, status: AppointmentStatus) -> &'static str {
    match status {
        AppointmentStatus::Booked => t.booking().status_booked,
        AppointmentStatus::Confirmed => t.booking().status_confirmed,
        AppointmentStatus::Cancelled => t.booking().status_cancelled,
        AppointmentStatus::Completed => t.booking().status_completed,
        AppointmentStatus::NoShow => t.booking().status_no_show,
    }
}

/// The booking page's address for a set of choices (empty ones left out).
fn href(specialty: &str, doctor: Option<i64>, service: Option<i64>, day: Option<&str>, moving: Option<i64>) -> String {
    let mut parts = Vec::new();
    if !specialty.is_empty() {
        parts.push(format!("specialty={}", percent_encode(specialty)));
    }
    if let Some(d) = doctor {
        parts.push(format!("doctor={d}"));
    }
    if let Some(s) = service {
        parts.push(format!("service={s}"));
    }
    if let Some(d) = day {
        parts.push(format!("day={d}"));
    }
    if let Some(m) = moving {
        parts.push(format!("reschedule={m}"));
    }
    if parts.is_empty() {
        "/booking".into()
    } else {
        format!("/booking?{}", parts.join("&"))
    }
}

/// What a service costs, as the clinic chose to show it.
#[component]
pub fn QuoteView(quote: Quote) -> impl IntoView {
    let t = use_texts();
    let line = |label: &'static str, v: Option<crate::features::prices::rules::Kopecks>| {
        v.map(|k| view! { <span class="quote-line">{label}": "<strong>{k.format_rub()}</strong></span> })
    };
    view! {
        <span class="quote">
            {line(t.booking().price_label, quote.price)}
            {line(t.booking().online_price_label, quote.online_price)}
            {line(t.booking().prepayment_label, quote.prepayment)}
            {line(t.booking().prepaid_price_label, quote.prepaid_price)}
        </span>
    }
}

#[component]
fn DoctorCard(doctor: DoctorView) -> impl IntoView {
    view! {
        <span class="avatar" aria-hidden="true">{doctor.initials.clone()}</span>
        <span class="doctor-facts">
            <strong>{doctor.name.clone()}</strong>
            <span>{doctor.specialty.clone()}</span>
            {doctor.degree.clone().map(|d| view! { <span class="meta">{d}</span> })}
            {doctor.branch.clone().map(|b| view! { <span class="meta">{b}</span> })}
        </span>
    }
}

#[component]
pub fn BookingPage() -> impl IntoView {
    let t = use_texts();
    let query = use_query_map();
    let get = move |k: &'static str| query.read().get(k).unwrap_or_default();
    let book = ServerAction::<BookAppointment>::new();
    let moving = ServerAction::<RescheduleAppointment>::new();
    let wait = ServerAction::<JoinWaitlist>::new();
    let data = Resource::new(
        move || {
            (
                get("specialty"),
                get("doctor"),
                get("service"),
                get("day"),
                get("reschedule"),
                book.version().get(),
                moving.version().get(),
            )
        },
        |(s, d, sv, day, r, ..)| get_booking_view(s, d, sv, day, r),
    );
    view! {
        <Title text=t.nav_booking/>
        <h1>{t.nav_booking}</h1>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                    Ok(v) => view! { <BookingSteps v book moving wait/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn BookingSteps(
    v: BookingView,
    book: ServerAction<BookAppointment>,
    moving: ServerAction<RescheduleAppointment>,
    wait: ServerAction<JoinWaitlist>,
) -> impl IntoView {
    let t = use_texts();
    let lang = use_lang();
    let book_error = last_error(book.value());
    let move_error = last_error(moving.value());
    let wait_error = last_error(wait.value());
    let spec = v.specialty.clone().unwrap_or_default();
    let moving_id = v.moving.as_ref().map(|m| m.id);
    let doctor_id = v.doctor.as_ref().map(|d| d.id);
    let service_id = v.service.as_ref().map(|s| s.service_id);
    let chosen_day = v.day.map(|d| d.to_string());
    let no_doctors = v.doctors.is_empty() && v.specialties.is_empty();
    let specialties = v.specialties.clone();
    let doctors = v.doctors.clone();
    view! {
        <p class="lead" data-testid="booking-for">{(t.booking().booking_for)(&v.patient_name)}</p>
        <p class="hint">{t.booking().booking_for_hint}</p>
        {v.moving.clone().map(|m| view! {
            <p class="notice" role="status">
                {(t.booking().moving_title)(&format!("{}, {} {}", m.doctor, format_date(m.day, lang), format_hhmm(m.start_min)))}
            </p>
        })}
        {no_doctors.then(|| view! { <p class="empty">{t.booking().no_doctors}</p> })}

        {(moving_id.is_none() && !no_doctors).then(|| {
            let spec = spec.clone();
            view! {
                <section class="step" aria-labelledby="step-specialty">
                    <h2 id="step-specialty">{t.step_specialty}</h2>
                    <ul class="choices">
                        <li><a href="/booking" aria-current=spec.is_empty().then_some("true")>{t.booking().all_specialties}</a></li>
                        {specialties.clone().into_iter().map(|s| {
                            let current = s == spec;
                            view! {
                                <li><a href=href(&s, None, None, None, None) aria-current=current.then_some("true")>{s.clone()}</a></li>
                            }
                        }).collect_view()}
                    </ul>
                </section>
            }
        })}

        {(moving_id.is_none() && !no_doctors).then(|| {
            let spec = spec.clone();
            view! {
                <section class="step" aria-labelledby="step-doctor">
                    <h2 id="step-doctor">{t.step_doctor}</h2>
                    <ul class="doctor-list">
                        {doctors.clone().into_iter().map(|d| {
                            let current = Some(d.id) == doctor_id;
                            view! {
                                <li class:current=current>
                                    <DoctorCard doctor=d.clone()/>
                                    <a href=href(&spec, Some(d.id), None, None, None) class="button"
                                        aria-current=current.then_some("true")
                                        aria-label=format!("{} {}", t.booking().choose, d.name)>
                                        {if current { t.booking().chosen } else { t.booking().choose }}
                                    </a>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                </section>
            }
        })}

        {v.doctor.clone().filter(|_| !v.services.is_empty()).map(|d| {
            let spec = spec.clone();
            let services = v.services.clone();
            view! {
                <section class="step" aria-labelledby="step-service">
                    <h2 id="step-service">{t.booking().step_service}</h2>
                    <ul class="service-list">
                        {services.into_iter().map(|s: ServiceOffer| {
                            let current = Some(s.service_id) == service_id;
                            let link = (moving_id.is_none()).then(|| view! {
                                <a href=href(&spec, Some(d.id), Some(s.service_id), None, None) class="button"
                                    aria-label=format!("{} {}", t.booking().choose, s.name)>
                                    {if current { t.booking().chosen } else { t.booking().choose }}
                                </a>
                            });
                            view! {
                                <li class:current=current>
                                    <span class="service-name">{s.name.clone()}</span>
                                    <span class="badge">{mode_label(t, s.mode)}</span>
                                    <QuoteView quote=s.quote/>
                                    {link}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                </section>
            }
        })}

        {v.doctor.clone().filter(|_| !v.needs_service).map(|d| {
            let spec = spec.clone();
            let days = v.days.clone();
            let slots = v.slots.clone();
            let none_at_all = days.iter().all(|x| x.free == 0);
            let day_value = chosen_day.clone().unwrap_or_default();
            let service_value = service_id.map(|s| s.to_string()).unwrap_or_default();
            view! {
                <section class="step" aria-labelledby="step-time">
                    <h2 id="step-time">{t.booking().step_time}</h2>
                    {none_at_all.then(|| view! { <p class="empty">{t.booking().no_free_time}</p> })}
                    <ul class="days">
                        {days.into_iter().map(|x| {
                            let iso = x.day.to_string();
                            let current = Some(&iso) == chosen_day.as_ref();
                            view! {
                                <li>
                                    <a href=href(&spec, Some(d.id), service_id, Some(&iso), moving_id)
                                        aria-current=current.then_some("true")
                                        class=if x.free == 0 { "day full" } else { "day" }>
                                        <span>{format_date(x.day, lang)}</span>
                                        <span class="meta">{(t.booking().free_count)(x.free)}</span>
                                    </a>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                    <FormError error=book_error/>
                    <FormError error=move_error/>
                    {(!none_at_all && slots.is_empty()).then(|| view! { <p class="empty">{t.booking().no_free_time_day}</p> })}
                    <ul class="slots" aria-label=t.booking().free_times>
                        {slots.into_iter().map(|m| {
                            let time = format_hhmm(m);
                            let day_value = day_value.clone();
                            let service_value = service_value.clone();
                            match moving_id {
                                Some(id) => view! {
                                    <li>
                                        <ActionForm action=moving>
                                            <input type="hidden" name="id" value=id.to_string()/>
                                            <input type="hidden" name="day" value=day_value.clone()/>
                                            <input type="hidden" name="time" value=time.clone()/>
                                            <button type="submit" class="slot">{time.clone()}</button>
                                        </ActionForm>
                                    </li>
                                }.into_any(),
                                None => view! {
                                    <li>
                                        <ActionForm action=book>
                                            <input type="hidden" name="doctor" value=d.id.to_string()/>
                                            <input type="hidden" name="service" value=service_value.clone()/>
                                            <input type="hidden" name="day" value=day_value.clone()/>
                                            <input type="hidden" name="time" value=time.clone()/>
                                            <button type="submit" class="slot">{time.clone()}</button>
                                        </ActionForm>
                                    </li>
                                }.into_any(),
                            }
                        }).collect_view()}
                    </ul>
                </section>
                {moving_id.is_none().then(|| view! {
                    <section class="panel" aria-labelledby="waitlist-heading">
                        <h2 id="waitlist-heading">{t.booking().waitlist_title}</h2>
                        <p class="hint">{t.booking().waitlist_intro}</p>
                        <ActionForm action=wait attr:class="stack">
                            <input type="hidden" name="doctor" value=d.id.to_string()/>
                            <label for="waitlist-day">{t.booking().waitlist_day}</label>
                            <input id="waitlist-day" name="day" type="date" aria-describedby="day-error"/>
                            <FieldError error=wait_error field="day"/>
                            <label for="waitlist-note">{t.booking().waitlist_note}</label>
                            <input id="waitlist-note" name="note" type="text" maxlength=REASON_MAX.to_string() aria-describedby="note-error"/>
                            <FieldError error=wait_error field="note"/>
                            <FormError error=wait_error/>
                            <button type="submit">{t.booking().join_waitlist}</button>
                        </ActionForm>
                    </section>
                })}
            }
        })}
    }
}

#[component]
pub fn AppointmentsPage() -> impl IntoView {
    let t = use_texts();
    let query = use_query_map();
    let cancel = ServerAction::<CancelAppointment>::new();
    let data = Resource::new(move || (cancel.version().get(), query.read().get("booked")), |_| get_my_appointments());
    let notice = move || {
        let q = query.read();
        if q.get("booked").is_some() {
            Some(t.booking().booked_notice)
        } else if q.get("cancelled").is_some() {
            Some(t.booking().cancelled_notice)
        } else if q.get("moved").is_some() {
            Some(t.booking().moved_notice)
        } else if q.get("waitlisted").is_some() {
            Some(t.booking().waitlisted_notice)
        } else {
            None
        }
    };
    view! {
        <Title text=t.nav_appointments/>
        <h1>{t.nav_appointments}</h1>
        {move || notice().map(|n| view! { <p class="notice" role="status">{n}</p> })}
        <p><a href="/booking" class="button primary">{t.nav_booking}</a></p>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                    Ok(my) => {
                        let close_hours = my.cancel_close_minutes / 60;
                        let reasons = my.reasons.clone();
                        view! {
                            <p class="lead">{(t.booking().booking_for)(&my.patient_name)}</p>
                            <section aria-labelledby="upcoming-heading">
                                <h2 id="upcoming-heading">{t.booking().upcoming_title}</h2>
                                {my.upcoming.is_empty().then(|| view! { <p class="empty">{t.booking().no_appointments}</p> })}
                                <ul class="appointments" data-testid="upcoming">
                                    {my.upcoming.into_iter().map(|a| view! { <AppointmentItem a cancel close_hours reasons=reasons.clone()/> }).collect_view()}
                                </ul>
                            </section>
                            {(!my.waitlist.is_empty()).then(|| view! {
                                <section aria-labelledby="my-waitlist-heading">
                                    <h2 id="my-waitlist-heading">{t.booking().waitlist_title}</h2>
                                    <ul class="appointments">
                                        {my.waitlist.into_iter().map(|w| view! {
                                            <li>
                                                <strong>{w.doctor}</strong>
                                                <span>{w.day.map(|d| format_date(d, use_lang())).unwrap_or_else(|| t.booking().any_date.into())}</span>
                                                {(!w.note.is_empty()).then(|| view! { <span class="meta">{w.note}</span> })}
                                            </li>
                                        }).collect_view()}
                                    </ul>
                                </section>
                            })}
                            <section aria-labelledby="past-heading">
                                <h2 id="past-heading">{t.booking().past_title}</h2>
                                {my.past.is_empty().then(|| view! { <p class="empty">{t.booking().no_appointments}</p> })}
                                <ul class="appointments" data-testid="past">
                                    {my.past.into_iter().map(|a| view! { <AppointmentItem a cancel close_hours reasons=reasons.clone()/> }).collect_view()}
                                </ul>
                            </section>
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}

#[component]
fn AppointmentItem(
    a: AppointmentView,
    cancel: ServerAction<CancelAppointment>,
    close_hours: i64,
    reasons: Vec<String>,
) -> impl IntoView {
    let t = use_texts();
    let lang = use_lang();
    let offset = clinic_offset();
    let error = last_error(cancel.value());
    let reason_id = format!("reason-{}", a.id);
    let title = format!("{}, {}", format_date(a.day, lang), format_hhmm(a.start_min));
    let move_href = format!("/booking?reschedule={}", a.id);
    let active = a.status.is_active();
    view! {
        <li class="appointment" data-status=a.status.as_str()>
            <h3>{title}</h3>
            <p>
                <strong>{a.doctor.clone()}</strong>
                {a.specialty.clone().map(|s| view! { ", "{s} })}
            </p>
            <p class="meta">{mode_label(t, a.mode)}" · "{a.branch.clone()}</p>
            {a.service.clone().map(|s| view! { <p>{s}</p> })}
            {a.price.map(|p| view! { <p>{t.booking().price_label}": "<strong>{p.format_rub()}</strong></p> })}
            <p><span class="badge" data-testid="status">{status_label(t, a.status)}</span></p>
            {a.cancel_reason.clone().map(|r| view! { <p class="meta">{(t.booking().cancelled_because)(&r)}</p> })}
            {a.video_url.clone().map(|url| view! {
                <p><a class="button primary" href=url.clone() target="_blank" rel="noopener noreferrer">{t.booking().video_link}</a></p>
            })}
            {a.video_from.map(|at| view! { <p class="hint">{(t.booking().video_from)(&format_datetime(at, offset, lang))}</p> })}
            {(active && !a.can_change).then(|| view! { <p class="hint">{(t.booking().change_closed)(close_hours)}</p> })}
            {(active && a.can_change).then(|| view! {
                <div class="appointment-actions">
                    <a href=move_href.clone() class="button">{t.booking().reschedule}</a>
                    <ActionForm action=cancel attr:class="stack cancel-form">
                        <input type="hidden" name="id" value=a.id.to_string()/>
                        <ReasonChoice id=reason_id.clone() reasons=reasons.clone() required=true/>
                        <FieldError error field="reason"/>
                        <FormError error/>
                        <button type="submit">{t.booking().cancel_appointment}</button>
                    </ActionForm>
                </div>
            })}
        </li>
    }
}

/// The cancellation's reason: a choice from «Причины отмены записи на приём» or «Другая
/// причина», and words (required for «Другая причина», added after a listed reason). For the
/// patient the choice is `required` (the browser asks, with or without JavaScript); the front
/// desk's compact form names its fields for screen readers only.
#[component]
pub fn ReasonChoice(id: String, reasons: Vec<String>, required: bool) -> impl IntoView {
    let t = use_texts();
    let b = t.booking();
    let text_id = format!("{id}-text");
    let label_class = if required { "" } else { "visually-hidden" };
    view! {
        <label for=id.clone() class=label_class>{b.cancel_reason_label}</label>
        <select id=id.clone() name="reason" required=required>
            <option value="" selected=true disabled=required>{if required { b.choose_reason } else { b.reason_if_cancel }}</option>
            {reasons.into_iter().map(|r| view! { <option value=r.clone()>{r.clone()}</option> }).collect_view()}
            <option value=OTHER_REASON>{b.other_reason}</option>
        </select>
        <label for=text_id.clone() class=label_class>{b.reason_details}</label>
        <input id=text_id name="reason_text" type="text" maxlength=REASON_MAX.to_string() placeholder=(!required).then_some(b.reason_details)/>
    }
}
