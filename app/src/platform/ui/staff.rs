//! The staff area ("Рабочее место"): the guard every staff page renders through, and the
//! overview by role. Every page asks the server, which refuses callers without the role; the
//! page then shows "forbidden" with status 403.

use crate::features::session::api::current_user;
use crate::i18n::{use_texts, Texts};
use crate::kernel::account::{Me, Role, Roles};
use crate::kernel::error::AppError;
use crate::platform::ui::errors::{ErrorPanel, Loading};
use crate::platform::ui::title::Title;
use leptos::prelude::*;

fn role_name(t: &Texts, r: Role) -> &'static str {
    match r {
        Role::Clinician => t.role_clinician,
        Role::Registrar => t.role_registrar,
        Role::Editor => t.role_editor,
        Role::Head => t.role_head,
    }
}

/// Shows what `view` makes of the signed-in person only to staff whose roles pass `allowed`;
/// everyone else gets "forbidden" (the server functions refuse them as well).
#[component]
pub(crate) fn RequireStaff<V: IntoView + 'static>(
    allowed: fn(&Roles) -> bool,
    view: impl Fn(Me) -> V + Clone + Send + Sync + 'static,
) -> impl IntoView {
    let me_res = Resource::new(|| (), |_| current_user());
    view! {
        <Suspense fallback=Loading>
            {move || {
                let view = view.clone();
                Suspend::new(async move {
                    match me_res.await {
                        Ok(Some(me)) if allowed(&me.roles) => view(me).into_any(),
                        Ok(_) => view! { <ErrorPanel error=AppError::Forbidden/> }.into_any(),
                        Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
pub fn StaffHomePage() -> impl IntoView {
    let t = use_texts();
    view! {
        <Title text=t.staff_area/>
        <RequireStaff allowed=Roles::is_staff view=move |me: Me| view! {
            <h1>{t.staff_welcome}</h1>
            <section class="panel">
                <h2>{t.your_roles}</h2>
                <ul class="roles">
                    {me.roles.0.iter().map(|r| view! { <li>{role_name(t, *r)}</li> }).collect_view()}
                </ul>
            </section>
            {me.roles.can_answer_messages().then(|| view! {
                <section class="panel">
                    <h2>{t.messages().inbox_title}</h2>
                    <p><a href="/staff/messages">{t.messages().inbox_title}</a></p>
                </section>
            })}
            {me.roles.can_manage_news().then(|| view! {
                <section class="panel">
                    <h2>{t.messages().broadcasts_title}</h2>
                    <p><a href="/staff/broadcasts">{t.messages().broadcasts_title}</a></p>
                </section>
            })}
            {me.roles.can_manage_cards().then(|| view! {
                <section class="panel">
                    <h2>{t.nav_cards}</h2>
                    <p><a href="/staff/cards">{t.nav_cards}</a></p>
                </section>
            })}
            {me.roles.can_read_protocols().then(|| view! {
                <section class="panel">
                    <h2>{t.nav_documents}</h2>
                    <p><a href="/staff/documents">{t.nav_documents}</a></p>
                </section>
            })}
            {me.roles.has(Role::Head).then(|| view! {
                <section class="panel">
                    <h2>{t.clinic().details_title}</h2>
                    <ul class="links">
                        <li><a href="/staff/clinic">{t.clinic().details_title}</a></li>
                        <li><a href="/staff/team">{t.clinic().team_title}</a></li>
                        <li><a href="/staff/journal">{t.clinic().journal_title}</a></li>
                    </ul>
                </section>
                <section class="panel">
                    <h2>{t.modules_title}</h2>
                    <p><a href="/staff/modules">{t.modules_title}</a></p>
                </section>
            })}
            {(me.roles.has(Role::Head) || me.roles.has(Role::Registrar)).then(|| view! {
                <section class="panel">
                    <h2>{t.notifications().title}</h2>
                    <ul class="links">
                        {me.roles.has(Role::Head).then(|| view! {
                            <li><a href="/staff/notifications">{t.notifications().schedules}</a></li>
                        })}
                        <li><a href="/staff/notifications/log">{t.notifications().log_link}</a></li>
                    </ul>
                </section>
            })}
            {me.roles.can_manage_booking().then(|| view! {
                <section class="panel">
                    <h2>{t.nav_booking_settings}</h2>
                    <ul class="links">
                        <li><a href="/staff/appointments">{t.nav_day_book}</a></li>
                        <li><a href="/staff/schedule">{t.nav_schedule}</a></li>
                        <li><a href="/staff/booking">{t.nav_booking_settings}</a></li>
                        <li><a href="/staff/branches">{t.clinic().branches_title}</a></li>
                        <li><a href="/staff/doctors">{t.clinic().doctors_title}</a></li>
                    </ul>
                </section>
            })}
            {me.roles.can_manage_news().then(|| view! {
                <section class="panel">
                    <h2>{t.nav_news}</h2>
                    <p><a href="/staff/news">{t.manage_news}</a></p>
                </section>
            })}
            {me.roles.can_manage_prices().then(|| view! {
                <section class="panel">
                    <h2>{t.prices().admin_title}</h2>
                    <p><a href="/staff/prices">{t.prices().admin_title}</a></p>
                </section>
            })}
        }/>
    }
}
