//! Doctors as the clinic keeps them: name, specialty from the reference list («Специальности»),
//! academic degree, the branches they work in, shown in online booking or not, a portrait.

use super::rules::{parse_full_name, BranchRecord, DetailsProblem};
use crate::kernel::person::FullName;

pub const SPECIALTY_MAX_CHARS: usize = 100;
pub const DEGREE_MAX_CHARS: usize = 100;
/// A portrait is made this wide (cwebp keeps the proportions), without metadata.
pub const PORTRAIT_WIDTH: u32 = 400;
/// A portrait upload over this is refused before conversion.
pub const PORTRAIT_MAX_BYTES: u64 = 8 * 1024 * 1024;

/// A specialty of the reference list, with how many doctors have it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SpecialtyRecord {
    pub id: i64,
    pub name: String,
    /// Offered for new choices.
    pub active: bool,
    pub doctors: i64,
}

/// A doctor (a staff member with the clinician's role) as the admin list shows them.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DoctorRecord {
    pub id: i64,
    pub surname: String,
    pub name: String,
    pub patronymic: String,
    pub specialty: Option<String>,
    pub degree: String,
    pub branches: Vec<i64>,
    pub online: bool,
    pub has_photo: bool,
    pub has_account: bool,
    /// Schedules, appointments, records, service links or an account name them: not deleted.
    pub in_use: bool,
}

impl DoctorRecord {
    pub fn full_name(&self) -> String {
        [self.surname.as_str(), self.name.as_str(), self.patronymic.as_str()]
            .iter()
            .filter(|p| !p.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// The doctors' page: doctors, the specialties to choose from, the branches.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DoctorsAdmin {
    pub doctors: Vec<DoctorRecord>,
    pub specialties: Vec<SpecialtyRecord>,
    pub branches: Vec<BranchRecord>,
}

/// A doctor's details, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DoctorInput {
    pub name: FullName,
    pub specialty: String,
    pub degree: String,
    pub branches: Vec<i64>,
    pub online: bool,
}

/// A doctor's form as typed; `branches` are the ticked branches' ids.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DoctorForm {
    pub full_name: String,
    pub specialty: String,
    pub degree: String,
    pub branches: Vec<String>,
    pub online: bool,
}

/// A doctor as typed: «Фамилия Имя Отчество»; a specialty of the list that is offered (or the
/// doctor's own, kept, when `current` is it); an optional degree; branches among the clinic's
/// active ones (at least one); shown in online booking or not.
pub fn check_doctor(
    form: &DoctorForm,
    current: Option<&str>,
    specialties: &[SpecialtyRecord],
    known: &[BranchRecord],
) -> Result<DoctorInput, Vec<(&'static str, DetailsProblem)>> {
    let DoctorForm { full_name, specialty, degree, branches, online } = form;
    let online = *online;
    let mut problems = Vec::new();
    let name = parse_full_name(full_name);
    if name.is_none() {
        problems.push((
            "full_name",
            if full_name.trim().is_empty() { DetailsProblem::Required } else { DetailsProblem::FullName },
        ));
    }
    let specialty = specialty.trim();
    let offered = specialties.iter().any(|s| s.name == specialty && (s.active || current == Some(specialty)));
    if specialty.is_empty() {
        problems.push(("specialty", DetailsProblem::Required));
    } else if !offered {
        problems.push(("specialty", DetailsProblem::Choice));
    }
    let degree = degree.trim();
    if degree.chars().count() > DEGREE_MAX_CHARS || degree.chars().any(char::is_control) {
        problems.push(("degree", DetailsProblem::TooLong(DEGREE_MAX_CHARS)));
    }
    let mut ids = Vec::new();
    for b in branches {
        match b.trim().parse::<i64>().ok().filter(|id| known.iter().any(|k| k.id == *id && k.active)) {
            Some(id) if !ids.contains(&id) => ids.push(id),
            Some(_) => {}
            None => {
                problems.push(("branches", DetailsProblem::Choice));
                break;
            }
        }
    }
    if ids.is_empty() && !problems.iter().any(|(f, _)| *f == "branches") {
        problems.push(("branches", DetailsProblem::Required));
    }
    match name {
        Some(name) if problems.is_empty() => Ok(DoctorInput {
            name,
            specialty: specialty.to_string(),
            degree: degree.to_string(),
            branches: ids,
            online,
        }),
        _ => Err(problems),
    }
}

/// A specialty's name as typed: one line, 2–100 characters, a capital first letter kept as typed.
pub fn check_specialty(name: &str) -> Result<String, DetailsProblem> {
    let name = name.trim();
    match name.chars().count() {
        0 => Err(DetailsProblem::Required),
        n if n > SPECIALTY_MAX_CHARS || name.chars().any(char::is_control) => {
            Err(DetailsProblem::TooLong(SPECIALTY_MAX_CHARS))
        }
        _ => Ok(name.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(full_name: &str, specialty: &str, degree: &str, branches: &[&str], online: bool) -> DoctorForm {
        DoctorForm {
            full_name: full_name.into(),
            specialty: specialty.into(),
            degree: degree.into(),
            branches: branches.iter().map(|b| b.to_string()).collect(),
            online,
        }
    }

    fn specialties() -> Vec<SpecialtyRecord> {
        vec![
            SpecialtyRecord { id: 1, name: "Терапевт".into(), active: true, doctors: 1 },
            SpecialtyRecord { id: 2, name: "Фтизиатр".into(), active: false, doctors: 1 },
        ]
    }

    fn branches() -> Vec<BranchRecord> {
        let b = |id, active| BranchRecord {
            id,
            name: format!("Филиал {id}"),
            address: "ул. Ленина, 1".into(),
            phone: String::new(),
            active,
            in_use: false,
        };
        vec![b(1, true), b(2, true), b(3, false)]
    }

    #[test]
    fn a_doctor_is_named_given_a_listed_specialty_and_at_least_one_active_branch() {
        let ok = check_doctor(
            &form(" Соколов Андрей Викторович ", "Терапевт", "к.м.н.", &["2", "1", "2"], true),
            None,
            &specialties(),
            &branches(),
        )
        .unwrap();
        assert_eq!(
            (ok.specialty.as_str(), ok.degree.as_str(), ok.branches, ok.online),
            ("Терапевт", "к.м.н.", vec![2, 1], true)
        );
        let typed = form("Соколов", "Хирург", &"x".repeat(101), &["3"], false);
        let bad = check_doctor(&typed, None, &specialties(), &branches()).unwrap_err();
        let fields: Vec<_> = bad.iter().map(|(f, _)| *f).collect();
        assert_eq!(fields, ["full_name", "specialty", "degree", "branches"]);
        let none =
            check_doctor(&form("Соколов Андрей", "", "", &[], false), None, &specialties(), &branches()).unwrap_err();
        assert_eq!(none, vec![("specialty", DetailsProblem::Required), ("branches", DetailsProblem::Required)]);
    }

    #[test]
    fn a_withdrawn_specialty_stays_with_the_doctors_who_have_it_but_is_not_offered_to_others() {
        let typed = form("Орлова Мария", "Фтизиатр", "", &["1"], false);
        assert!(check_doctor(&typed, Some("Фтизиатр"), &specialties(), &branches()).is_ok());
        let new = check_doctor(&typed, Some("Терапевт"), &specialties(), &branches());
        assert_eq!(new.unwrap_err(), vec![("specialty", DetailsProblem::Choice)]);
        assert_eq!(check_specialty("  Кардиолог "), Ok("Кардиолог".into()));
        assert_eq!(check_specialty(""), Err(DetailsProblem::Required));
    }
}
