//! One appointment's history, and moving it.

use super::*;

#[component]
pub fn StaffAppointmentPage() -> impl IntoView {
    let t = use_texts();
    let params = use_params_map();
    let moving = ServerAction::<DeskReschedule>::new();
    let id = Memo::new(move |_| params.read().get("id").and_then(|s| s.parse::<i64>().ok()).unwrap_or(0));
    let data = Resource::new(move || (id.get(), moving.version().get()), |(id, _)| get_appointment_history(id));
    view! {
        <Title text=t.booking().history_title/>
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
        <h1>{t.booking().history_title}</h1>
        <dl class="facts">
            <dt>{t.patient_label}</dt><dd>{a.patient.clone()}</dd>
            <dt>{t.step_doctor}</dt><dd>{a.doctor.clone()}</dd>
            <dt>{t.booking().time_label}</dt><dd>{format!("{}, {}", format_date(a.day, lang), format_hhmm(a.start_min))}</dd>
            <dt>{t.status}</dt><dd data-testid="history-status">{status_label(t, a.status)}</dd>
            {a.cancel_reason.clone().map(|r| view! { <dt>{t.booking().cancel_reason_label}</dt><dd>{r}</dd> })}
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
                <h2 id="move-heading">{t.booking().reschedule}</h2>
                <ActionForm action=moving attr:class="stack">
                    <input type="hidden" name="id" value=a.id.to_string()/>
                    <label for="move-day">{t.booking().day_label}</label>
                    <input id="move-day" name="day" type="date" required value=a.day.to_string()/>
                    <label for="move-time">{t.booking().time_label}</label>
                    <input id="move-time" name="time" type="time" required/>
                    <FormError error/>
                    <button type="submit">{t.booking().reschedule}</button>
                </ActionForm>
            </section>
        })}
    }
}
