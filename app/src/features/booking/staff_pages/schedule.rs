//! Doctors' schedules by week.

use super::*;

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
        {move || copied().then(|| view! { <p class="notice" role="status">{t.booking().copied_notice}</p> })}
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
        <h2>{w.doctor.name.clone()}", "{(t.booking().week_of)(&format_date(start, lang))}</h2>
        <p class="pager"><a href=prev>{t.booking().prev_week}</a>" "<a href=next>{t.booking().next_week}</a></p>
        <p class="hint">{t.booking().schedule_hint}</p>
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
                        {e.is_none().then(|| view! { <p class="meta">{t.booking().day_off}</p> })}
                        <input type="hidden" name="doctor" value=id.to_string()/>
                        <input type="hidden" name="day" value=iso.clone()/>
                        <label for=f("branch")>{t.booking().branch_label}</label>
                        <select id=f("branch") name="branch">
                            {branches.iter().map(|(bid, name)| view! {
                                <option value=bid.to_string() selected=Some(*bid) == branch_now>{name.clone()}</option>
                            }).collect_view()}
                        </select>
                        <label for=f("start")>{t.booking().work_start}</label>
                        <input id=f("start") name="start" type="time" value=e.as_ref().map(|e| format_hhmm(e.start_min)).unwrap_or_default()/>
                        <label for=f("end")>{t.booking().work_end}</label>
                        <input id=f("end") name="end" type="time" value=e.as_ref().map(|e| format_hhmm(e.end_min)).unwrap_or_default()/>
                        <label for=f("step")>{t.booking().slot_step}</label>
                        <input id=f("step") name="step" type="number" min="5" max="240" value=e.as_ref().map(|e| e.step_min.to_string()).unwrap_or_else(|| "30".into())/>
                        <label for=f("breaks")>{t.booking().breaks_label}</label>
                        <input id=f("breaks") name="breaks" type="text" value=e.as_ref().map(|e| e.breaks.clone()).unwrap_or_default()/>
                        <button type="submit">{t.booking().save_day}</button>
                    </ActionForm>
                }
            }).collect_view()}
        </div>
        <ActionForm action=copy>
            <input type="hidden" name="doctor" value=id.to_string()/>
            <input type="hidden" name="week" value=start.to_string()/>
            <FormError error=copy_error/>
            <button type="submit">{t.booking().copy_week}</button>
        </ActionForm>
    }
}
