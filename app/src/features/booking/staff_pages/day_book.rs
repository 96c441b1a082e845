//! The day's appointment book: statuses, desk booking and the waitlist.

use super::*;

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
    let reasons = b.reasons.clone();
    let prev = format!("/staff/appointments?doctor={id}&day={}", b.day - Duration::days(1));
    let next = format!("/staff/appointments?doctor={id}&day={}", b.day + Duration::days(1));
    let has_services = !b.services.is_empty();
    view! {
        <DoctorPicker action="/staff/appointments" doctors=b.doctors.clone() current=id extra=Some(("day", day.clone()))/>
        <h2>{b.doctor.name.clone()}", "{format_date(b.day, lang)}</h2>
        <p class="pager"><a href=prev>{t.booking().prev_day}</a>" "<a href=next>{t.booking().next_day}</a></p>
        <FormError error=status_error/>
        <FieldError error=status_error field="reason"/>
        {b.appointments.is_empty().then(|| view! { <p class="empty">{t.booking().no_appointments_day}</p> })}
        <table class="day-book">
            <thead>
                <tr>
                    <th scope="col">{t.booking().time_label}</th>
                    <th scope="col">{t.patient_label}</th>
                    <th scope="col">{t.booking().step_service}</th>
                    <th scope="col">{t.status}</th>
                    <th scope="col">{t.booking().change_status}</th>
                </tr>
            </thead>
            <tbody>
                {b.appointments.into_iter().map(|a| view! { <BookRow a status doctor=id day=day.clone() reasons=reasons.clone()/> }).collect_view()}
            </tbody>
        </table>

        <section class="panel" aria-labelledby="desk-heading">
            <h2 id="desk-heading">{t.booking().desk_book_title}</h2>
            {b.free.is_empty().then(|| view! { <p class="empty">{t.booking().no_free_time_day}</p> })}
            {(!b.free.is_empty()).then(|| {
                let day = day.clone();
                view! {
                <ActionForm action=desk attr:class="stack">
                    <input type="hidden" name="doctor" value=id.to_string()/>
                    <input type="hidden" name="day" value=day.clone()/>
                    <label for="desk-card">{t.booking().card_no_label}</label>
                    <input id="desk-card" name="card" type="text" inputmode="numeric" required aria-describedby="card-error"/>
                    <FieldError error=desk_error field="card"/>
                    <label for="desk-time">{t.booking().time_label}</label>
                    <select id="desk-time" name="time">
                        {b.free.iter().map(|m| view! { <option value=format_hhmm(*m)>{format_hhmm(*m)}</option> }).collect_view()}
                    </select>
                    {if has_services {
                        view! {
                            <label for="desk-service">{t.booking().step_service}</label>
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
                    <button type="submit" class="primary">{t.booking().desk_book_button}</button>
                </ActionForm>
            }})}
        </section>

        <section class="panel" aria-labelledby="waitlist-heading">
            <h2 id="waitlist-heading">{t.booking().waitlist_title}</h2>
            {b.waitlist.is_empty().then(|| view! { <p class="empty">{t.booking().waitlist_empty}</p> })}
            <ul class="appointments">
                {b.waitlist.into_iter().map(|w| {
                    let day = day.clone();
                    view! {
                    <li>
                        <strong>{w.patient.clone()}</strong>
                        " · "{w.day.map(|d| format_date(d, lang)).unwrap_or_else(|| t.booking().any_date.into())}
                        {(!w.note.is_empty()).then(|| view! { <span class="meta">" · "{w.note.clone()}</span> })}
                        <ActionForm action=close attr:class="inline">
                            <input type="hidden" name="id" value=w.id.to_string()/>
                            <input type="hidden" name="doctor" value=id.to_string()/>
                            <input type="hidden" name="day" value=day.clone()/>
                            <button type="submit" class="link-button">{t.booking().close_waitlist}</button>
                        </ActionForm>
                    </li>
                }}).collect_view()}
            </ul>
        </section>
    }
}

#[component]
fn BookRow(
    a: AppointmentView,
    status: ServerAction<SetAppointmentStatus>,
    doctor: i64,
    day: String,
    reasons: Vec<String>,
) -> impl IntoView {
    let t = use_texts();
    let next: Vec<AppointmentStatus> = AppointmentStatus::ALL.into_iter().filter(|s| a.status.can_become(*s)).collect();
    let reason_title = a.cancel_reason.clone().unwrap_or_default();
    let sel = format!("status-{}", a.id);
    let rsn = format!("reason-{}", a.id);
    let source = match a.source {
        AppointmentSource::Desk => t.booking().source_desk,
        AppointmentSource::Cabinet => t.booking().source_cabinet,
    };
    view! {
        <tr data-status=a.status.as_str()>
            <td data-label=t.booking().time_label>{format_hhmm(a.start_min)}</td>
            <td data-label=t.patient_label>
                <a href=format!("/staff/appointments/{}", a.id)>{a.patient.clone()}</a>
                <span class="meta">" · "{source}</span>
            </td>
            <td data-label=t.booking().step_service>
                {a.service.clone().unwrap_or_default()}" "<span class="meta">{mode_label(t, a.mode)}</span>
            </td>
            <td data-label=t.status>
                <span class="badge" title=reason_title.clone() data-testid="book-status">{status_label(t, a.status)}</span>
                {a.cancel_reason.clone().map(|r| view! { <span class="visually-hidden">" — "{r}</span> })}
            </td>
            <td data-label=t.booking().change_status>
                {(!next.is_empty()).then(|| view! {
                    <ActionForm action=status attr:class="inline-form">
                        <input type="hidden" name="id" value=a.id.to_string()/>
                        <input type="hidden" name="doctor" value=doctor.to_string()/>
                        <input type="hidden" name="day" value=day.clone()/>
                        <label for=sel.clone() class="visually-hidden">{t.status}</label>
                        <select id=sel.clone() name="status">
                            {next.iter().map(|s| view! { <option value=s.as_str()>{status_label(t, *s)}</option> }).collect_view()}
                        </select>
                        <ReasonChoice id=rsn.clone() reasons=reasons.clone() required=false/>
                        <button type="submit">{t.booking().change_status}</button>
                    </ActionForm>
                })}
            </td>
        </tr>
    }
}
