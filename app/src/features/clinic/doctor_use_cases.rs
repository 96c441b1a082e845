//! «Врачи» (the head, the front desk): doctors and the specialties they are chosen from. The
//! portrait's file is converted by the server's route (it owns the converters) and handed here
//! as a stored name.

pub use super::doctor_rules::DoctorForm;
use super::doctor_rules::{check_doctor, check_specialty, DoctorsAdmin};
use super::use_cases::invalid;
use crate::kernel::error::AppError;
use crate::platform::audit::Actor;
use crate::platform::state::AppState;
use crate::platform::store::SessionRecord;
use std::net::IpAddr;

pub async fn admin(state: &AppState) -> Result<DoctorsAdmin, AppError> {
    Ok(DoctorsAdmin {
        doctors: state.store.doctor_list().await?,
        specialties: state.store.specialties().await?,
        branches: state.store.branch_list().await?,
    })
}

/// Checks the form against the reference list and the branches; what a save would store.
pub async fn check(
    state: &AppState,
    id: Option<i64>,
    form: &DoctorForm,
) -> Result<super::doctor_rules::DoctorInput, AppError> {
    let specialties = state.store.specialties().await?;
    let branches = state.store.branch_list().await?;
    let current = match id {
        Some(id) => {
            let doctors = state.store.doctor_list().await?;
            Some(doctors.into_iter().find(|d| d.id == id).ok_or(AppError::NotFound)?.specialty)
        }
        None => None,
    };
    check_doctor(form, current.flatten().as_deref(), &specialties, &branches).map_err(invalid)
}

/// Adds (`id` None) or changes a doctor; their id.
pub async fn save_doctor(
    state: &AppState,
    session: &SessionRecord,
    peer: IpAddr,
    id: Option<i64>,
    form: &DoctorForm,
) -> Result<i64, AppError> {
    let doctor = check(state, id, form).await?;
    state.store.save_doctor(id, &doctor, &Actor::staff(session, peer), state.now()).await?.ok_or(AppError::NotFound)
}

/// Gives the doctor the portrait stored under `stored_name`; the previous one's name (for the
/// caller to remove).
pub async fn set_photo(
    state: &AppState,
    session: &SessionRecord,
    peer: IpAddr,
    id: i64,
    stored_name: &str,
) -> Result<Option<String>, AppError> {
    state
        .store
        .set_doctor_photo(id, stored_name, &Actor::staff(session, peer), state.now())
        .await?
        .ok_or(AppError::NotFound)
}

pub async fn delete_doctor(state: &AppState, session: &SessionRecord, peer: IpAddr, id: i64) -> Result<(), AppError> {
    state.store.delete_doctor(id, &Actor::staff(session, peer), state.now()).await?.into_result(AppError::DoctorInUse)
}

pub async fn add_specialty(
    state: &AppState,
    session: &SessionRecord,
    peer: IpAddr,
    name: &str,
) -> Result<(), AppError> {
    let name = check_specialty(name).map_err(|p| invalid(vec![("specialty_name", p)]))?;
    if state.store.add_specialty(&name, &Actor::staff(session, peer), state.now()).await? {
        Ok(())
    } else {
        Err(AppError::field("specialty_name", crate::kernel::error::Problem::Taken))
    }
}

pub async fn set_specialty_active(
    state: &AppState,
    session: &SessionRecord,
    peer: IpAddr,
    id: i64,
    active: bool,
) -> Result<(), AppError> {
    if state.store.set_specialty_active(id, active, &Actor::staff(session, peer), state.now()).await? {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}
