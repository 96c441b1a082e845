//! The front desk's booking pages: online booking settings (the general discount, limits,
//! doctors' online switch and their service links), doctors' schedules by week, the day's
//! appointment book with statuses, desk booking and the waitlist, and each appointment's
//! history. Registrars and the head; the server refuses everyone else.

use crate::api::booking::{
    get_appointment_history, get_booking_admin, get_day_book, get_schedule_week, CloseWaitlist, CopyScheduleWeek,
    DeleteServiceLink, DeskBook, DeskReschedule, SaveBookingSettings, SaveScheduleDay, SaveServiceLink,
    SetAppointmentStatus, SetDoctorBooking,
};
use crate::components::errors::{last_error, ErrorPanel, FieldError, FormError, Loading};
use crate::components::title::Title;
use crate::domain::booking::{
    format_hhmm, AppointmentHistory, AppointmentSource, AppointmentStatus, AppointmentView, BookingAdmin, DayBook,
    DoctorView, ScheduleWeek, StaffDoctorView, VisitMode, REASON_MAX,
};
use crate::domain::time_fmt::{format_date, format_datetime};
use crate::i18n::{clinic_offset, use_lang, use_texts, Texts};
use crate::pages::booking::{mode_label, status_label, QuoteView};
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};
use time::Duration;

fn event_label(t: &Texts, action: &str) -> String {
    match action {
        "booked" => t.event_booked.to_string(),
        "rescheduled" => t.event_rescheduled.to_string(),
        other => {
            AppointmentStatus::parse(other).map(|s| status_label(t, s).to_string()).unwrap_or_else(|| other.into())
        }
    }
}

/// A doctor picker as a plain GET form, so each view has an address.
#[component]
fn DoctorPicker(
    action: &'static str,
    doctors: Vec<DoctorView>,
    current: i64,
    extra: Option<(&'static str, String)>,
) -> impl IntoView {
    let t = use_texts();
    view! {
        <form method="get" action=action class="picker">
            <label for="doctor-pick">{t.step_doctor}</label>
            <select id="doctor-pick" name="doctor">
                {doctors.into_iter().map(|d| view! {
                    <option value=d.id.to_string() selected=d.id == current>{format!("{} — {}", d.name, d.specialty)}</option>
                }).collect_view()}
            </select>
            {extra.map(|(name, value)| {
                let label = if name == "day" { t.day_label } else { t.week_label };
                view! {
                    <label for="pick-date">{label}</label>
                    <input id="pick-date" name=name type="date" value=value/>
                }
            })}
            <button type="submit">{t.show_button}</button>
        </form>
    }
}

#[component]
fn StaffBookingNav() -> impl IntoView {
    let t = use_texts();
    view! {
        <nav class="subnav" aria-label=t.nav_booking_settings>
            <a href="/staff/booking">{t.nav_booking_settings}</a>
            <a href="/staff/schedule">{t.nav_schedule}</a>
            <a href="/staff/appointments">{t.nav_day_book}</a>
        </nav>
    }
}

#[component]
pub fn StaffBookingPage() -> impl IntoView {
    let t = use_texts();
    let settings = ServerAction::<SaveBookingSettings>::new();
    let doctor = ServerAction::<SetDoctorBooking>::new();
    let link = ServerAction::<SaveServiceLink>::new();
    let unlink = ServerAction::<DeleteServiceLink>::new();
    let data = Resource::new(
        move || (settings.version().get(), doctor.version().get(), link.version().get(), unlink.version().get()),
        |_| get_booking_admin(),
    );
    let saved = use_query_map().get_untracked().get("saved").is_some();
    view! {
        <Title text=t.nav_booking_settings/>
        <StaffBookingNav/>
        <h1>{t.booking_settings_title}</h1>
        {saved.then(|| view! { <p class="notice" role="status">{t.saved}</p> })}
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                    Ok(a) => view! { <BookingAdminView a settings doctor link unlink/> }.into_any(),
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
            <h2 id="settings-heading">{t.booking_rules_title}</h2>
            <ActionForm action=settings attr:class="stack">
                <label for="online_discount_percent">{t.online_discount}</label>
                <input id="online_discount_percent" name="online_discount_percent" type="number" min="0" max="100" required
                    value=s.online_discount_percent.to_string() aria-describedby="online_discount_percent-error"/>
                <FieldError error field="online_discount_percent"/>
                <label for="max_future_per_doctor">{t.max_future}</label>
                <input id="max_future_per_doctor" name="max_future_per_doctor" type="number" min="1" max="50" required
                    value=s.max_future_per_doctor.to_string() aria-describedby="max_future_per_doctor-error"/>
                <FieldError error field="max_future_per_doctor"/>
                <label for="cancel_close_hours">{t.cancel_close_hours}</label>
                <input id="cancel_close_hours" name="cancel_close_hours" type="number" min="0" max="168" required
                    value=(s.cancel_close_minutes / 60).to_string() aria-describedby="cancel_close_hours-error"/>
                <FieldError error field="cancel_close_hours"/>
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
                <label class="check"><input type="checkbox" name="online" value="on" checked=d.online/>{t.online_booking_switch}</label>
                <label for=ids("degree")>{t.degree_label}</label>
                <input id=ids("degree") name="degree" type="text" maxlength="100" value=d.doctor.degree.clone().unwrap_or_default()/>
                <FieldError error=doctor_error field="degree"/>
                <button type="submit">{t.save_doctor}</button>
            </ActionForm>
            <h3>{t.links_title}</h3>
            {d.links.is_empty().then(|| view! { <p class="hint">{t.no_links}</p> })}
            <ul class="service-list">
                {d.links.clone().into_iter().map(|l| view! {
                    <li>
                        <span class="service-name">{l.name.clone()}</span>
                        <span class="badge">{mode_label(t, l.mode)}</span>
                        <QuoteView quote=l.quote/>
                        <ActionForm action=unlink attr:class="inline">
                            <input type="hidden" name="doctor" value=id.to_string()/>
                            <input type="hidden" name="service" value=l.service_id.to_string()/>
                            <button type="submit" class="link-button" aria-label=format!("{} {}", t.remove_link, l.name)>{t.remove_link}</button>
                        </ActionForm>
                    </li>
                }).collect_view()}
            </ul>
            <details>
                <summary>{t.add_link}</summary>
                <ActionForm action=link attr:class="stack">
                    <input type="hidden" name="doctor" value=id.to_string()/>
                    <label for=ids("service")>{t.step_service}</label>
                    <select id=ids("service") name="service">
                        {services.iter().map(|(sid, code, name)| view! {
                            <option value=sid.to_string()>{format!("{code} {name}")}</option>
                        }).collect_view()}
                    </select>
                    <FieldError error=link_error field="service"/>
                    <fieldset>
                        <legend>{t.link_mode}</legend>
                        <label class="check"><input type="radio" name="mode" value=VisitMode::InClinic.as_str() checked=true/>{t.mode_in_clinic}</label>
                        <label class="check"><input type="radio" name="mode" value=VisitMode::Online.as_str()/>{t.mode_online}</label>
                    </fieldset>
                    <label class="check"><input type="checkbox" name="show_price" value="on" checked=true/>{t.show_price}</label>
                    <label for=ids("price")>{t.link_price}</label>
                    <input id=ids("price") name="price" type="text" inputmode="decimal"/>
                    <FieldError error=link_error field="price"/>
                    <label for=ids("prepayment")>{t.link_prepayment}</label>
                    <input id=ids("prepayment") name="prepayment" type="text" inputmode="decimal"/>
                    <FieldError error=link_error field="prepayment"/>
                    <label for=ids("prepayment_discount")>{t.link_prepayment_discount}</label>
                    <input id=ids("prepayment_discount") name="prepayment_discount" type="text" inputmode="decimal"/>
                    <FieldError error=link_error field="prepayment_discount"/>
                    <label class="check"><input type="checkbox" name="round_to_roubles" value="on"/>{t.link_round}</label>
                    <FormError error=link_error/>
                    <button type="submit">{t.save_link}</button>
                </ActionForm>
            </details>
        </section>
    }
}

#[component]
pub fn StaffSchedulePage() -> impl IntoView {
    let t = use_texts();
    let query = use_query_map();
    let save = ServerAction::<SaveScheduleDay>::new();
    let copy = ServerAction::<CopyScheduleWeek>::new();
    let data = Resource::new(
        move || {
            let q = query.read();
            (
                q.get("doctor").unwrap_or_default(),
                q.get("week").unwrap_or_default(),
                save.version().get(),
                copy.version().get(),
            )
        },
        |(d, w, ..)| get_schedule_week(d, w),
    );
    let copied = move || query.read().get("copied").is_some();
    let saved = move || query.read().get("saved").is_some();
    view! {
        <Title text=t.nav_schedule/>
        <StaffBookingNav/>
        <h1>{t.nav_schedule}</h1>
        {move || copied().then(|| view! { <p class="notice" role="status">{t.copied_notice}</p> })}
        {move || saved().then(|| view! { <p class="notice" role="status">{t.saved}</p> })}
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                    Ok(w) => view! { <WeekView w save copy/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn WeekView(
    w: ScheduleWeek,
    save: ServerAction<SaveScheduleDay>,
    copy: ServerAction<CopyScheduleWeek>,
) -> impl IntoView {
    let t = use_texts();
    let lang = use_lang();
    let error = last_error(save.value());
    let copy_error = last_error(copy.value());
    let id = w.doctor.id;
    let start = w.week_start;
    let prev = format!("/staff/schedule?doctor={id}&week={}", start - Duration::days(7));
    let next = format!("/staff/schedule?doctor={id}&week={}", start + Duration::days(7));
    let branches = w.branches.clone();
    view! {
        <DoctorPicker action="/staff/schedule" doctors=w.doctors.clone() current=id extra=Some(("week", start.to_string()))/>
        <h2>{w.doctor.name.clone()}", "{(t.week_of)(&format_date(start, lang))}</h2>
        <p class="pager"><a href=prev>{t.prev_week}</a>" "<a href=next>{t.next_week}</a></p>
        <p class="hint">{t.schedule_hint}</p>
        <FormError error/>
        <div class="schedule-week">
            {w.days.into_iter().map(|(day, entry)| {
                let iso = day.to_string();
                let f = {
                    let iso = iso.clone();
                    move |n: &str| format!("{n}-{iso}")
                };
                let branches = branches.clone();
                let e = entry.clone();
                let branch_now = e.as_ref().map(|e| e.branch_id);
                view! {
                    <ActionForm action=save attr:class="stack schedule-day" attr:aria-label=format_date(day, lang)>
                        <h3>{format_date(day, lang)}</h3>
                        {e.is_none().then(|| view! { <p class="meta">{t.day_off}</p> })}
                        <input type="hidden" name="doctor" value=id.to_string()/>
                        <input type="hidden" name="day" value=iso.clone()/>
                        <label for=f("branch")>{t.branch_label}</label>
                        <select id=f("branch") name="branch">
                            {branches.iter().map(|(bid, name)| view! {
                                <option value=bid.to_string() selected=Some(*bid) == branch_now>{name.clone()}</option>
                            }).collect_view()}
                        </select>
                        <label for=f("start")>{t.work_start}</label>
                        <input id=f("start") name="start" type="time" value=e.as_ref().map(|e| format_hhmm(e.start_min)).unwrap_or_default()/>
                        <label for=f("end")>{t.work_end}</label>
                        <input id=f("end") name="end" type="time" value=e.as_ref().map(|e| format_hhmm(e.end_min)).unwrap_or_default()/>
                        <label for=f("step")>{t.slot_step}</label>
                        <input id=f("step") name="step" type="number" min="5" max="240" value=e.as_ref().map(|e| e.step_min.to_string()).unwrap_or_else(|| "30".into())/>
                        <label for=f("breaks")>{t.breaks_label}</label>
                        <input id=f("breaks") name="breaks" type="text" value=e.as_ref().map(|e| e.breaks.clone()).unwrap_or_default()/>
                        <button type="submit">{t.save_day}</button>
                    </ActionForm>
                }
            }).collect_view()}
        </div>
        <ActionForm action=copy>
            <input type="hidden" name="doctor" value=id.to_string()/>
            <input type="hidden" name="week" value=start.to_string()/>
            <FormError error=copy_error/>
            <button type="submit">{t.copy_week}</button>
        </ActionForm>
    }
}

#[component]
pub fn StaffDayBookPage() -> impl IntoView {
    let t = use_texts();
    let query = use_query_map();
    let status = ServerAction::<SetAppointmentStatus>::new();
    let desk = ServerAction::<DeskBook>::new();
    let close = ServerAction::<CloseWaitlist>::new();
    let data = Resource::new(
        move || {
            let q = query.read();
            (
                q.get("doctor").unwrap_or_default(),
                q.get("day").unwrap_or_default(),
                status.version().get(),
                desk.version().get(),
                close.version().get(),
            )
        },
        |(d, day, ..)| get_day_book(d, day),
    );
    view! {
        <Title text=t.nav_day_book/>
        <StaffBookingNav/>
        <h1>{t.nav_day_book}</h1>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                    Ok(b) => view! { <DayBookView b status desk close/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn DayBookView(
    b: DayBook,
    status: ServerAction<SetAppointmentStatus>,
    desk: ServerAction<DeskBook>,
    close: ServerAction<CloseWaitlist>,
) -> impl IntoView {
    let t = use_texts();
    let lang = use_lang();
    let status_error = last_error(status.value());
    let desk_error = last_error(desk.value());
    let id = b.doctor.id;
    let day = b.day.to_string();
    let prev = format!("/staff/appointments?doctor={id}&day={}", b.day - Duration::days(1));
    let next = format!("/staff/appointments?doctor={id}&day={}", b.day + Duration::days(1));
    let has_services = !b.services.is_empty();
    view! {
        <DoctorPicker action="/staff/appointments" doctors=b.doctors.clone() current=id extra=Some(("day", day.clone()))/>
        <h2>{b.doctor.name.clone()}", "{format_date(b.day, lang)}</h2>
        <p class="pager"><a href=prev>{t.prev_day}</a>" "<a href=next>{t.next_day}</a></p>
        <FormError error=status_error/>
        {b.appointments.is_empty().then(|| view! { <p class="empty">{t.no_appointments_day}</p> })}
        <table class="day-book">
            <thead>
                <tr>
                    <th scope="col">{t.time_label}</th>
                    <th scope="col">{t.patient_label}</th>
                    <th scope="col">{t.step_service}</th>
                    <th scope="col">{t.status}</th>
                    <th scope="col">{t.change_status}</th>
                </tr>
            </thead>
            <tbody>
                {b.appointments.into_iter().map(|a| view! { <BookRow a status doctor=id day=day.clone()/> }).collect_view()}
            </tbody>
        </table>

        <section class="panel" aria-labelledby="desk-heading">
            <h2 id="desk-heading">{t.desk_book_title}</h2>
            {b.free.is_empty().then(|| view! { <p class="empty">{t.no_free_time_day}</p> })}
            {(!b.free.is_empty()).then(|| {
                let day = day.clone();
                view! {
                <ActionForm action=desk attr:class="stack">
                    <input type="hidden" name="doctor" value=id.to_string()/>
                    <input type="hidden" name="day" value=day.clone()/>
                    <label for="desk-card">{t.card_no_label}</label>
                    <input id="desk-card" name="card" type="text" inputmode="numeric" required aria-describedby="card-error"/>
                    <FieldError error=desk_error field="card"/>
                    <label for="desk-time">{t.time_label}</label>
                    <select id="desk-time" name="time">
                        {b.free.iter().map(|m| view! { <option value=format_hhmm(*m)>{format_hhmm(*m)}</option> }).collect_view()}
                    </select>
                    {if has_services {
                        view! {
                            <label for="desk-service">{t.step_service}</label>
                            <select id="desk-service" name="service">
                                {b.services.iter().map(|s| view! {
                                    <option value=s.service_id.to_string()>{format!("{} ({})", s.name, mode_label(t, s.mode))}</option>
                                }).collect_view()}
                            </select>
                        }.into_any()
                    } else {
                        view! { <input type="hidden" name="service" value=""/> }.into_any()
                    }}
                    <FieldError error=desk_error field="service"/>
                    <FormError error=desk_error/>
                    <button type="submit" class="primary">{t.desk_book_button}</button>
                </ActionForm>
            }})}
        </section>

        <section class="panel" aria-labelledby="waitlist-heading">
            <h2 id="waitlist-heading">{t.waitlist_title}</h2>
            {b.waitlist.is_empty().then(|| view! { <p class="empty">{t.waitlist_empty}</p> })}
            <ul class="appointments">
                {b.waitlist.into_iter().map(|w| {
                    let day = day.clone();
                    view! {
                    <li>
                        <strong>{w.patient.clone()}</strong>
                        " · "{w.day.map(|d| format_date(d, lang)).unwrap_or_else(|| t.any_date.into())}
                        {(!w.note.is_empty()).then(|| view! { <span class="meta">" · "{w.note.clone()}</span> })}
                        <ActionForm action=close attr:class="inline">
                            <input type="hidden" name="id" value=w.id.to_string()/>
                            <input type="hidden" name="doctor" value=id.to_string()/>
                            <input type="hidden" name="day" value=day.clone()/>
                            <button type="submit" class="link-button">{t.close_waitlist}</button>
                        </ActionForm>
                    </li>
                }}).collect_view()}
            </ul>
        </section>
    }
}

#[component]
fn BookRow(a: AppointmentView, status: ServerAction<SetAppointmentStatus>, doctor: i64, day: String) -> impl IntoView {
    let t = use_texts();
    let next: Vec<AppointmentStatus> = AppointmentStatus::ALL.into_iter().filter(|s| a.status.can_become(*s)).collect();
    let reason_title = a.cancel_reason.clone().unwrap_or_default();
    let sel = format!("status-{}", a.id);
    let rsn = format!("reason-{}", a.id);
    let source = match a.source {
        AppointmentSource::Desk => t.source_desk,
        AppointmentSource::Cabinet => t.source_cabinet,
    };
    view! {
        <tr data-status=a.status.as_str()>
            <td data-label=t.time_label>{format_hhmm(a.start_min)}</td>
            <td data-label=t.patient_label>
                <a href=format!("/staff/appointments/{}", a.id)>{a.patient.clone()}</a>
                <span class="meta">" · "{source}</span>
            </td>
            <td data-label=t.step_service>
                {a.service.clone().unwrap_or_default()}" "<span class="meta">{mode_label(t, a.mode)}</span>
            </td>
            <td data-label=t.status>
                <span class="badge" title=reason_title.clone() data-testid="book-status">{status_label(t, a.status)}</span>
                {a.cancel_reason.clone().map(|r| view! { <span class="visually-hidden">" — "{r}</span> })}
            </td>
            <td data-label=t.change_status>
                {(!next.is_empty()).then(|| view! {
                    <ActionForm action=status attr:class="inline-form">
                        <input type="hidden" name="id" value=a.id.to_string()/>
                        <input type="hidden" name="doctor" value=doctor.to_string()/>
                        <input type="hidden" name="day" value=day.clone()/>
                        <label for=sel.clone() class="visually-hidden">{t.status}</label>
                        <select id=sel.clone() name="status">
                            {next.iter().map(|s| view! { <option value=s.as_str()>{status_label(t, *s)}</option> }).collect_view()}
                        </select>
                        <label for=rsn.clone() class="visually-hidden">{t.reason_if_cancel}</label>
                        <input id=rsn.clone() name="reason" type="text" maxlength=REASON_MAX.to_string() placeholder=t.reason_if_cancel/>
                        <button type="submit">{t.change_status}</button>
                    </ActionForm>
                })}
            </td>
        </tr>
    }
}

#[component]
pub fn StaffAppointmentPage() -> impl IntoView {
    let t = use_texts();
    let params = use_params_map();
    let moving = ServerAction::<DeskReschedule>::new();
    let id = Memo::new(move |_| params.read().get("id").and_then(|s| s.parse::<i64>().ok()).unwrap_or(0));
    let data = Resource::new(move || (id.get(), moving.version().get()), |(id, _)| get_appointment_history(id));
    view! {
        <Title text=t.history_title/>
        <StaffBookingNav/>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                    Ok(h) => view! { <HistoryView h moving/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn HistoryView(h: AppointmentHistory, moving: ServerAction<DeskReschedule>) -> impl IntoView {
    let t = use_texts();
    let lang = use_lang();
    let offset = clinic_offset();
    let error = last_error(moving.value());
    let a = h.appointment;
    let back = format!("/staff/appointments?doctor={}&day={}", a.staff_id, a.day);
    view! {
        <p><a href=back>{t.nav_day_book}</a></p>
        <h1>{t.history_title}</h1>
        <dl class="facts">
            <dt>{t.patient_label}</dt><dd>{a.patient.clone()}</dd>
            <dt>{t.step_doctor}</dt><dd>{a.doctor.clone()}</dd>
            <dt>{t.time_label}</dt><dd>{format!("{}, {}", format_date(a.day, lang), format_hhmm(a.start_min))}</dd>
            <dt>{t.status}</dt><dd data-testid="history-status">{status_label(t, a.status)}</dd>
            {a.cancel_reason.clone().map(|r| view! { <dt>{t.cancel_reason_label}</dt><dd>{r}</dd> })}
        </dl>
        <table class="journal">
            <thead><tr><th scope="col">{t.journal_when}</th><th scope="col">{t.journal_who}</th><th scope="col">{t.journal_what}</th></tr></thead>
            <tbody>
                {h.events.into_iter().map(|e| view! {
                    <tr>
                        <td data-label=t.journal_when>{format_datetime(e.at, offset, lang)}</td>
                        <td data-label=t.journal_who>{e.actor}</td>
                        <td data-label=t.journal_what>{event_label(t, &e.action)}{(!e.detail.is_empty()).then(|| format!(": {}", e.detail))}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
        {a.status.is_active().then(|| view! {
            <section class="panel" aria-labelledby="move-heading">
                <h2 id="move-heading">{t.reschedule}</h2>
                <ActionForm action=moving attr:class="stack">
                    <input type="hidden" name="id" value=a.id.to_string()/>
                    <label for="move-day">{t.day_label}</label>
                    <input id="move-day" name="day" type="date" required value=a.day.to_string()/>
                    <label for="move-time">{t.time_label}</label>
                    <input id="move-time" name="time" type="time" required/>
                    <FormError error/>
                    <button type="submit">{t.reschedule}</button>
                </ActionForm>
            </section>
        })}
    }
}
