//! «Журнал действий» (the head): every journalled action, newest first — when (the clinic's
//! time), who and in what role, what, to what, what changed (before → after), from where —
//! filtered by group of actions, staff member and days; a plain GET form, so it works without
//! JavaScript, and its address can be bookmarked.

use crate::features::clinic::api::{get_journal, get_team};
use crate::features::clinic::rules::{JournalLine, JOURNAL_GROUPS, JOURNAL_PAGE_SIZE};
use crate::i18n::{clinic_offset, use_lang, use_texts, Texts};
use crate::kernel::account::{ActorRole, Roles};
use crate::kernel::time_fmt::format_datetime;
use crate::platform::ui::errors::{ErrorPanel, Loading};
use crate::platform::ui::journal_words::{action_label, role_label};
use crate::platform::ui::staff::RequireStaff;
use crate::platform::ui::title::Title;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

fn group_label(t: &Texts, group: &str) -> &'static str {
    let c = t.clinic();
    match group {
        "clinic" => c.journal_group_clinic,
        "staff" => c.team_title,
        "branch" => c.branches_title,
        "doctor" => c.doctors_title,
        "specialty" => c.specialties_title,
        "prices" => t.prices().admin_title,
        "booking" => t.nav_booking_settings,
        "cancel_reason" => t.booking().reasons_title,
        "account" => c.journal_group_account,
        "session" => c.journal_group_session,
        "card" => t.nav_cards,
        "appointment" => c.journal_group_appointment,
        "record" => c.journal_group_record,
        "document" => t.nav_documents,
        "waitlist" => c.journal_group_waitlist,
        _ => c.journal_all,
    }
}

/// The action in words: the administrative ones here, the rest as the account page names them.
fn action_text(t: &Texts, action: &str) -> String {
    let c = t.clinic();
    let text = match action {
        "clinic.details" => c.details_title,
        "clinic.settings" => c.settings_title,
        "clinic.staff_totp" => c.journal_staff_totp,
        "staff.head_created" => c.journal_head_created,
        "staff.invited" => c.journal_invited,
        "staff.invite_renewed" => c.renew_invite,
        "staff.roles" => c.save_roles,
        "staff.deactivated" => c.deactivate,
        "branch.save" => c.journal_branch_saved,
        "branch.delete" => c.journal_branch_deleted,
        "branch.activate" => c.activate,
        "branch.deactivate" => c.deactivate,
        "prices.import" => c.journal_price_import,
        "prices.plan" => c.journal_price_plan,
        "session.sign_in" => c.journal_sign_in,
        "doctor.save" => c.journal_doctor_saved,
        "doctor.photo" => c.journal_doctor_photo,
        "doctor.delete" => c.journal_doctor_deleted,
        "specialty.add" | "specialty.activate" | "specialty.deactivate" => c.journal_specialty,
        "cancel_reason.add" | "cancel_reason.activate" | "cancel_reason.deactivate" => t.booking().reasons_title,
        "booking.settings" => t.booking().booking_settings_title,
        "booking.doctor" => c.journal_booking_doctor,
        "booking.link" => c.journal_booking_link,
        "booking.unlink" => c.journal_booking_unlink,
        "booking.schedule" => c.journal_schedule,
        "booking.schedule_copy" => c.journal_schedule_copy,
        _ => return action_label(t, action),
    };
    text.to_string()
}

#[component]
pub fn JournalPage() -> impl IntoView {
    let t = use_texts();
    let c = t.clinic();
    let query = use_query_map();
    let field = move |name: &'static str| Memo::new(move |_| query.read().get(name).unwrap_or_default());
    let (group, person, from, to, page) = (field("group"), field("person"), field("from"), field("to"), field("page"));
    let journal = Resource::new(
        move || (group.get(), person.get(), from.get(), to.get(), page.get()),
        |(g, p, f, t, n)| get_journal(g, p, f, t, n),
    );
    let team = Resource::new(|| (), |_| get_team());
    view! {
        <Title text=c.journal_title/>
        <RequireStaff allowed=|r: &Roles| r.has(crate::kernel::account::Role::Head) view=move |_| view! {
            <h1>{c.journal_title}</h1>
            <form method="get" action="/staff/journal" class="filters stack" role="search">
                <label for="journal-group">{c.journal_group}</label>
                <select id="journal-group" name="group">
                    <option value="" selected=move || group.get().is_empty()>{c.journal_all}</option>
                    {JOURNAL_GROUPS.iter().map(|g| view! {
                        <option value=*g selected=move || group.get() == *g>{group_label(t, g)}</option>
                    }).collect_view()}
                </select>
                <label for="journal-person">{c.journal_person}</label>
                <select id="journal-person" name="person">
                    <option value="">{c.journal_anyone}</option>
                    <Suspense fallback=|| ()>
                        {move || Suspend::new(async move {
                            team.await.unwrap_or_default().into_iter().map(|s| {
                                let id = s.staff_id.to_string();
                                let chosen = person.get_untracked() == id;
                                view! { <option value=id selected=chosen>{s.name}</option> }
                            }).collect_view()
                        })}
                    </Suspense>
                </select>
                <label for="journal-from">{c.journal_from}</label>
                <input id="journal-from" name="from" type="date" value=move || from.get()/>
                <label for="journal-to">{c.journal_to}</label>
                <input id="journal-to" name="to" type="date" value=move || to.get()/>
                <button type="submit">{c.journal_show}</button>
            </form>
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    match journal.await {
                        Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                        Ok(j) if j.lines.is_empty() => view! { <p class="empty">{c.journal_empty}</p> }.into_any(),
                        Ok(j) => {
                            let current = page.get_untracked().parse::<i64>().ok().filter(|p| *p >= 1).unwrap_or(1);
                            let pages = (j.total + JOURNAL_PAGE_SIZE - 1) / JOURNAL_PAGE_SIZE;
                            let href = move |n: i64| {
                                let q = query.read_untracked();
                                let keep: Vec<String> = ["group", "person", "from", "to"]
                                    .iter()
                                    .filter_map(|k| q.get(k).filter(|v| !v.is_empty()).map(|v| {
                                        format!("{k}={}", crate::kernel::paths::percent_encode(&v))
                                    }))
                                    .collect();
                                format!("/staff/journal?{}page={n}", keep.iter().map(|k| format!("{k}&")).collect::<String>())
                            };
                            view! {
                                <p>{(c.journal_total)(j.total)}</p>
                                <table class="journal">
                                    <thead><tr>
                                        <th scope="col">{c.journal_when}</th>
                                        <th scope="col">{c.journal_who}</th>
                                        <th scope="col">{c.journal_what}</th>
                                        <th scope="col">{c.journal_change}</th>
                                        <th scope="col">{c.journal_where}</th>
                                    </tr></thead>
                                    <tbody>
                                        {j.lines.into_iter().map(|l| view! { <Line l/> }).collect_view()}
                                    </tbody>
                                </table>
                                {(pages > 1).then(|| view! {
                                    <nav class="pager" aria-label=t.pagination>
                                        {(current > 1).then(|| view! { <a href=href(current - 1) rel="prev">{t.newer}</a> })}
                                        <span>{(t.page_of)(current, pages)}</span>
                                        {(current < pages).then(|| view! { <a href=href(current + 1) rel="next">{t.older}</a> })}
                                    </nav>
                                })}
                            }.into_any()
                        }
                    }
                })}
            </Suspense>
        }/>
    }
}

#[component]
fn Line(l: JournalLine) -> impl IntoView {
    let t = use_texts();
    let lang = use_lang();
    let role = ActorRole::parse(&l.role).map(|r| role_label(t, r)).unwrap_or("");
    let who = match l.who {
        Some(name) => format!("{name} ({role})"),
        None => role.to_string(),
    };
    let what = match &l.object {
        Some(o) => format!("{} · {o}", action_text(t, &l.action)),
        None => action_text(t, &l.action),
    };
    view! {
        <tr>
            <td>{format_datetime(l.at, clinic_offset(), lang)}</td>
            <td>{who}</td>
            <td>{what}</td>
            <td>{l.detail.unwrap_or_default()}</td>
            <td>{l.origin}</td>
        </tr>
    }
}
