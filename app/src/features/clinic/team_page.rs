//! «Сотрудники» (the head): the clinic's staff with their roles, state and latest sign-in;
//! inviting a staff member by e-mail, changing roles, deactivating, sending a new link.

use crate::features::clinic::api::{
    get_team, DeactivateStaff, InviteDoctor, InviteStaff, RenewStaffInvite, SetStaffRoles, StaffRow,
};
use crate::features::clinic::rules::ROLES;
use crate::i18n::{clinic_offset, use_lang, use_texts, Texts};
use crate::kernel::account::{Role, Roles};
use crate::kernel::time_fmt::format_datetime;
use crate::platform::ui::errors::{last_error, ErrorPanel, FieldError, FormError, Loading};
use crate::platform::ui::staff::RequireStaff;
use crate::platform::ui::title::Title;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// A role's name and the form field that ticks it.
fn role_field(t: &Texts, r: Role) -> (&'static str, &'static str) {
    match r {
        Role::Clinician => ("clinician", t.role_clinician),
        Role::Registrar => ("registrar", t.role_registrar),
        Role::Editor => ("editor", t.role_editor),
        Role::Head => ("head", t.role_head),
    }
}

/// One checkbox per role, ticked as `held` has them.
fn role_boxes(t: &'static Texts, held: &Roles) -> impl IntoView {
    ROLES
        .iter()
        .map(|r| {
            let (field, label) = role_field(t, *r);
            view! { <label class="check"><input type="checkbox" name=field value="on" checked=held.has(*r)/>{label}</label> }
        })
        .collect_view()
}

#[component]
pub fn TeamPage() -> impl IntoView {
    let t = use_texts();
    let invite = ServerAction::<InviteStaff>::new();
    let roles = ServerAction::<SetStaffRoles>::new();
    let off = ServerAction::<DeactivateStaff>::new();
    let renew = ServerAction::<RenewStaffInvite>::new();
    let doctor = ServerAction::<InviteDoctor>::new();
    let doctor_error = last_error(doctor.value());
    let invite_error = last_error(invite.value());
    let roles_error = last_error(roles.value());
    let off_error = last_error(off.value());
    let renew_error = last_error(renew.value());
    let team = Resource::new(
        move || {
            (
                invite.version().get(),
                roles.version().get(),
                off.version().get(),
                renew.version().get(),
                doctor.version().get(),
            )
        },
        |_| get_team(),
    );
    let invited = use_query_map().get_untracked().get("invited").is_some();
    view! {
        <Title text=t.clinic().team_title/>
        <RequireStaff allowed=|r: &Roles| r.has(Role::Head) view=move |_| view! {
            <h1>{t.clinic().team_title}</h1>
            {invited.then(|| view! { <p class="notice" role="status">{t.clinic().invited_notice}</p> })}
            <FormError error=roles_error/>
            <FormError error=off_error/>
            <FormError error=renew_error/>
            <FieldError error=doctor_error field="doctor_email"/>
            <FormError error=doctor_error/>
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    match team.await {
                        Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                        Ok(team) => view! {
                            <ul class="team">
                                {team.into_iter().map(|s| view! { <StaffItem s roles off renew doctor/> }).collect_view()}
                            </ul>
                        }.into_any(),
                    }
                })}
            </Suspense>
            <section class="panel">
                <h2>{t.clinic().invite_title}</h2>
                <ActionForm action=invite attr:class="stack">
                    <label for="invite-email">{t.email}</label>
                    <input id="invite-email" name="email" type="email" required autocomplete="off" inputmode="email"
                        aria-describedby="email-error"/>
                    <FieldError error=invite_error field="email"/>
                    <label for="invite-name">{t.clinic().full_name}</label>
                    <input id="invite-name" name="name" type="text" required maxlength="300" autocomplete="off"
                        aria-describedby="name-error"/>
                    <FieldError error=invite_error field="name"/>
                    <fieldset aria-describedby="roles-error">
                        <legend>{t.clinic().roles}</legend>
                        {role_boxes(t, &Roles::default())}
                    </fieldset>
                    <FieldError error=invite_error field="roles"/>
                    <FormError error=invite_error/>
                    <button type="submit" class="primary">{t.clinic().invite}</button>
                </ActionForm>
            </section>
        }/>
    }
}

#[component]
fn StaffItem(
    s: StaffRow,
    roles: ServerAction<SetStaffRoles>,
    off: ServerAction<DeactivateStaff>,
    renew: ServerAction<RenewStaffInvite>,
    doctor: ServerAction<InviteDoctor>,
) -> impl IntoView {
    let t = use_texts();
    let lang = use_lang();
    let c = t.clinic();
    let status = match (&s.email, s.active, s.invited) {
        (None, ..) => c.status_no_account,
        (Some(_), false, _) => c.status_off,
        (Some(_), true, true) => c.status_invited,
        (Some(_), true, false) => c.status_active,
    };
    let last = s.last_sign_in.map_or_else(|| c.never.to_string(), |at| format_datetime(at, clinic_offset(), lang));
    let id = s.staff_id;
    view! {
        <li class="panel" data-testid="staff">
            <h2>{s.name.clone()}</h2>
            <dl class="facts">
                {s.email.clone().map(|e| view! { <dt>{c.staff_email}</dt><dd>{e}</dd> })}
                <dt>{c.status}</dt><dd>{status}</dd>
                {s.email.is_some().then(|| view! { <dt>{c.last_sign_in}</dt><dd>{last}</dd> })}
            </dl>
            {s.email.is_none().then(|| {
                let field = format!("doctor-email-{id}");
                view! {
                    <ActionForm action=doctor attr:class="stack">
                        <input type="hidden" name="staff_id" value=id.to_string()/>
                        <p class="hint">{c.no_account_hint}</p>
                        <label for=field.clone()>{c.doctor_email}</label>
                        <input id=field name="doctor_email" type="email" required autocomplete="off" inputmode="email"
                            aria-describedby="doctor_email-error"/>
                        <button type="submit" aria-label=format!("{} {}", c.invite_doctor, s.name)>{c.invite_doctor}</button>
                    </ActionForm>
                }
            })}
            <ActionForm action=roles attr:class="stack">
                <input type="hidden" name="staff_id" value=id.to_string()/>
                <fieldset>
                    <legend>{c.roles}</legend>
                    {role_boxes(t, &s.roles)}
                </fieldset>
                <button type="submit">{c.save_roles}</button>
            </ActionForm>
            <div class="actions">
                {(s.active && s.invited).then(|| view! {
                    <ActionForm action=renew>
                        <input type="hidden" name="staff_id" value=id.to_string()/>
                        <button type="submit">{c.renew_invite}</button>
                    </ActionForm>
                })}
                {s.active.then(|| view! {
                    <ActionForm action=off>
                        <input type="hidden" name="staff_id" value=id.to_string()/>
                        <button type="submit" class="danger">{c.deactivate}</button>
                    </ActionForm>
                })}
            </div>
        </li>
    }
}
