//! «Врачи» (the head, the front desk): each doctor's name, specialty (from «Специальности»),
//! degree, branches, whether online booking shows them, and a portrait; adding a doctor;
//! deleting one nothing refers to; the specialties' reference list. A doctor's form is one
//! plain multipart form (the portrait travels with it), posted to the server's
//! `/staff/doctors/save`, which answers with a redirect back here — with JavaScript and without.

use super::api::{get_doctors_admin, AddSpecialty, DeleteDoctor, SetSpecialtyActive};
use super::doctor_rules::{DoctorRecord, DoctorsAdmin, SpecialtyRecord};
use super::rules::BranchRecord;
use crate::i18n::use_texts;
use crate::kernel::account::Roles;
use crate::kernel::error::AppError;
use crate::platform::ui::errors::{last_error, ErrorPanel, FieldError, FormError, Loading};
use crate::platform::ui::staff::RequireStaff;
use crate::platform::ui::title::Title;
use crate::platform::ui::upload::upload_error_from_query;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// The error a doctor's form came back with, and which form ("new" or the doctor's id).
#[derive(Clone, Debug, PartialEq)]
struct Returned {
    form: String,
    error: AppError,
}

#[component]
pub fn DoctorsPage() -> impl IntoView {
    let t = use_texts();
    let c = t.clinic();
    let delete = ServerAction::<DeleteDoctor>::new();
    let add = ServerAction::<AddSpecialty>::new();
    let active = ServerAction::<SetSpecialtyActive>::new();
    let delete_error = last_error(delete.value());
    let add_error = last_error(add.value());
    let data = Resource::new(
        move || (delete.version().get(), add.version().get(), active.version().get()),
        |_| get_doctors_admin(),
    );
    let q = use_query_map().get_untracked();
    let returned = upload_error_from_query(q.get("doctor_error"))
        .map(|error| Returned { form: q.get("doctor").unwrap_or_else(|| "new".into()), error });
    let saved = q.get("saved").is_some();
    view! {
        <Title text=c.doctors_title/>
        <RequireStaff allowed=Roles::can_manage_booking view=move |_| {
            let returned = returned.clone();
            view! {
                <h1>{c.doctors_title}</h1>
                {saved.then(|| view! { <p class="notice" role="status">{c.saved_doctor}</p> })}
                <FormError error=delete_error/>
                <Suspense fallback=Loading>
                    {move || {
                        let returned = returned.clone();
                        Suspend::new(async move {
                            match data.await {
                                Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                                Ok(a) => view! { <DoctorsView a returned delete active add add_error/> }.into_any(),
                            }
                        })
                    }}
                </Suspense>
            }
        }/>
    }
}

#[component]
fn DoctorsView(
    a: DoctorsAdmin,
    returned: Option<Returned>,
    delete: ServerAction<DeleteDoctor>,
    active: ServerAction<SetSpecialtyActive>,
    add: ServerAction<AddSpecialty>,
    add_error: Signal<Option<AppError>>,
) -> impl IntoView {
    let t = use_texts();
    let c = t.clinic();
    let error_for = |form: &str| returned.as_ref().filter(|r| r.form == form).map(|r| r.error.clone());
    let doctors = if a.doctors.is_empty() {
        view! { <p class="empty">{c.no_doctors}</p> }.into_any()
    } else {
        view! {
            <ul class="team">
                {a.doctors.clone().into_iter().map(|d| view! {
                    <li class="panel" data-testid="doctor">
                        <DoctorForm doctor=Some(d.clone()) specialties=a.specialties.clone() branches=a.branches.clone()
                            error=error_for(&d.id.to_string())/>
                        <ActionForm action=delete>
                            <input type="hidden" name="id" value=d.id.to_string()/>
                            <button type="submit" class="danger">{c.delete_doctor}</button>
                        </ActionForm>
                    </li>
                }).collect_view()}
            </ul>
        }
        .into_any()
    };
    view! {
        {doctors}
        <section class="panel">
            <h2>{c.add_doctor}</h2>
            <DoctorForm doctor=None specialties=a.specialties.clone() branches=a.branches.clone() error=error_for("new")/>
        </section>
        <section class="panel">
            <h2>{c.specialties_title}</h2>
            <ul class="links">
                {a.specialties.iter().map(|s| view! { <SpecialtyItem s=s.clone() active/> }).collect_view()}
            </ul>
            <ActionForm action=add attr:class="stack">
                <label for="specialty-name">{c.specialty_name}</label>
                <input id="specialty-name" name="specialty_name" type="text" required maxlength="100" aria-describedby="specialty_name-error"/>
                <FieldError error=add_error field="specialty_name"/>
                <button type="submit">{c.add_specialty}</button>
            </ActionForm>
        </section>
    }
}

#[component]
fn SpecialtyItem(s: SpecialtyRecord, active: ServerAction<SetSpecialtyActive>) -> impl IntoView {
    let t = use_texts();
    let c = t.clinic();
    view! {
        <li>
            {format!("{} ({}: {})", s.name, c.doctors_count, s.doctors)}
            {(!s.active).then(|| view! { " · " <span class="meta">{c.specialty_off}</span> })}
            <ActionForm action=active attr:class="inline">
                <input type="hidden" name="id" value=s.id.to_string()/>
                {(!s.active).then(|| view! { <input type="hidden" name="active" value="on"/> })}
                <button type="submit">{if s.active { c.deactivate } else { c.activate }}</button>
            </ActionForm>
        </li>
    }
}

#[component]
fn DoctorForm(
    doctor: Option<DoctorRecord>,
    specialties: Vec<SpecialtyRecord>,
    branches: Vec<BranchRecord>,
    error: Option<AppError>,
) -> impl IntoView {
    let t = use_texts();
    let c = t.clinic();
    let key = doctor.as_ref().map(|d| d.id.to_string()).unwrap_or_else(|| "new".into());
    let field = {
        let key = key.clone();
        move |name: &str| format!("doctor-{key}-{name}")
    };
    let error = Signal::stored(error);
    let current = doctor.as_ref().and_then(|d| d.specialty.clone());
    let chosen = doctor.as_ref().map(|d| d.branches.clone()).unwrap_or_default();
    let offered: Vec<SpecialtyRecord> =
        specialties.into_iter().filter(|s| s.active || current.as_deref() == Some(s.name.as_str())).collect();
    let heading = doctor.as_ref().map(|d| {
        let photo = d.has_photo.then(|| {
            view! { <img class="portrait" src=format!("/doctors/{}/photo", d.id) alt=c.photo_alt width="96" height="120"/> }
        });
        view! {
            <h2>{d.full_name()}</h2>
            {photo}
            <p class="meta">{if d.has_account { c.has_account } else { c.no_account }}</p>
        }
    });
    view! {
        {heading}
        <form method="post" action="/staff/doctors/save" enctype="multipart/form-data" class="stack">
            {doctor.as_ref().map(|d| view! { <input type="hidden" name="id" value=d.id.to_string()/> })}
            <label for=field("name")>{c.full_name}</label>
            <input id=field("name") name="full_name" type="text" required maxlength="200"
                value=doctor.as_ref().map(DoctorRecord::full_name).unwrap_or_default()/>
            <FieldError error field="full_name"/>
            <label for=field("specialty")>{c.specialty}</label>
            <select id=field("specialty") name="specialty" required>
                <option value="">{c.choose_specialty}</option>
                {offered.into_iter().map(|s| {
                    let selected = current.as_deref() == Some(s.name.as_str());
                    let name = s.name.clone();
                    view! { <option value=name selected=selected>{s.name}</option> }
                }).collect_view()}
            </select>
            <FieldError error field="specialty"/>
            <label for=field("degree")>{c.degree}</label>
            <input id=field("degree") name="degree" type="text" maxlength="100"
                value=doctor.as_ref().map(|d| d.degree.clone()).unwrap_or_default()/>
            <FieldError error field="degree"/>
            <fieldset>
                <legend>{c.doctor_branches}</legend>
                {branches.into_iter().filter(|b| b.active || chosen.contains(&b.id)).map(|b| view! {
                    <label class="check">
                        <input type="checkbox" name=format!("branch_{}", b.id) checked=chosen.contains(&b.id)/>
                        {b.name}
                    </label>
                }).collect_view()}
            </fieldset>
            <FieldError error field="branches"/>
            <label class="check">
                <input type="checkbox" name="online" checked=doctor.as_ref().is_some_and(|d| d.online)/>
                {c.doctor_online}
            </label>
            <label for=field("photo")>{c.photo}</label>
            <input id=field("photo") name="photo" type="file" accept="image/jpeg,image/png,image/heic,image/webp"/>
            <FieldError error field="files"/>
            <FormError error=Signal::derive(move || error.get().filter(|e| !matches!(e, AppError::Validation(_))))/>
            <button type="submit" class="primary">{if doctor.is_some() { c.save } else { c.add_doctor }}</button>
        </form>
    }
}
