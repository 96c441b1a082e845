//! Documents the clinic sends to the cabinet: which files may be sent and why not, and where a
//! file sent from a ward's card lands. Pure rules shared by the staff page (which shows the
//! reason before upload) and the server (which decides). SPEC.md "Documents sent by the clinic".

use crate::kernel::person::PhoneKind;
use serde::{Deserialize, Serialize};

/// The largest file the cabinet takes: 16 MB.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;
/// Files in one upload, at most.
pub const MAX_FILES_PER_UPLOAD: usize = 9;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Category {
    Analyses,
    Examinations,
    /// A doctor's conclusion, with the doctor's specialty.
    Conclusion,
    /// Stays in the clinic: never sent.
    Other,
}

impl Category {
    pub const ALL: [Category; 4] = [Category::Analyses, Category::Examinations, Category::Conclusion, Category::Other];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::Analyses => "analyses",
            Category::Examinations => "examinations",
            Category::Conclusion => "conclusion",
            Category::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

/// Who sent an upload: the clinic (staff, to the cabinet), or the patient (to their own record).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum UploadSource {
    Clinic,
    Patient,
}

impl UploadSource {
    pub fn as_str(self) -> &'static str {
        match self {
            UploadSource::Clinic => "clinic",
            UploadSource::Patient => "patient",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [UploadSource::Clinic, UploadSource::Patient].into_iter().find(|x| x.as_str() == s)
    }
}

/// Why a file cannot be sent to the cabinet. The order is the order the sender reads them in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Refusal {
    TooLarge,
    SurnameMissing,
    NameMissing,
    BirthDateMissing,
    RefusedPdProcessing,
    AnonymousVisit,
    LandlinePhone,
    ForeignPhone,
    NoDiagnosis,
    OtherBeforeModule,
    Semd,
    /// Category Other is never sent, whenever it was uploaded.
    OtherCategory,
    /// The clinic has not enabled the cabinet module.
    ModuleDisabled,
    /// A ward's file that would land with a guardian, but no guardian can receive it.
    NoAbleGuardian,
    /// Care the minor consented to alone: never sent to a guardian's card, and the ward's own
    /// profile cannot take it (the card lacks the ward's full name).
    OwnConsentCare,
}

impl Refusal {
    pub const ALL: [Refusal; 15] = [
        Refusal::TooLarge,
        Refusal::SurnameMissing,
        Refusal::NameMissing,
        Refusal::BirthDateMissing,
        Refusal::RefusedPdProcessing,
        Refusal::AnonymousVisit,
        Refusal::LandlinePhone,
        Refusal::ForeignPhone,
        Refusal::NoDiagnosis,
        Refusal::OtherBeforeModule,
        Refusal::Semd,
        Refusal::OtherCategory,
        Refusal::ModuleDisabled,
        Refusal::NoAbleGuardian,
        Refusal::OwnConsentCare,
    ];

    /// The code stored with a file that was not sent.
    pub fn as_str(self) -> &'static str {
        match self {
            Refusal::TooLarge => "too_large",
            Refusal::SurnameMissing => "surname_missing",
            Refusal::NameMissing => "name_missing",
            Refusal::BirthDateMissing => "birth_date_missing",
            Refusal::RefusedPdProcessing => "refused_pd",
            Refusal::AnonymousVisit => "anonymous",
            Refusal::LandlinePhone => "landline",
            Refusal::ForeignPhone => "foreign",
            Refusal::NoDiagnosis => "no_diagnosis",
            Refusal::OtherBeforeModule => "other_before_module",
            Refusal::Semd => "semd",
            Refusal::OtherCategory => "other_category",
            Refusal::ModuleDisabled => "module_disabled",
            Refusal::NoAbleGuardian => "no_able_guardian",
            Refusal::OwnConsentCare => "own_consent",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// What the rules read about the card a file lands in (the patient's, a ward's, or the guardian's).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardFacts {
    pub has_surname: bool,
    pub has_name: bool,
    pub has_birth_date: bool,
    pub refused_pd_processing: bool,
    pub phone: Option<PhoneKind>,
}

/// What the rules read about the upload a file is part of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UploadFacts {
    pub category: Category,
    pub anonymous_visit: bool,
    pub has_icd_diagnosis: bool,
    pub module_enabled: bool,
    pub before_module: bool,
}

impl FileFacts {
    /// The facts of one file of size `size` (a SEMD or not) in this upload, landing in `card`.
    pub fn of(card: &CardFacts, upload: &UploadFacts, size: u64, is_semd: bool) -> Self {
        FileFacts {
            size,
            category: upload.category,
            has_surname: card.has_surname,
            has_name: card.has_name,
            has_birth_date: card.has_birth_date,
            refused_pd_processing: card.refused_pd_processing,
            anonymous_visit: upload.anonymous_visit,
            phone: card.phone,
            is_protocol_or_conclusion: upload.category == Category::Conclusion,
            has_icd_diagnosis: upload.has_icd_diagnosis,
            module_enabled: upload.module_enabled,
            before_module: upload.before_module || !upload.module_enabled,
            is_semd,
        }
    }
}

/// What the rules read about one file and the card it is sent from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileFacts {
    pub size: u64,
    pub category: Category,
    pub has_surname: bool,
    pub has_name: bool,
    pub has_birth_date: bool,
    pub refused_pd_processing: bool,
    pub anonymous_visit: bool,
    /// The card's phone, if it has one.
    pub phone: Option<PhoneKind>,
    /// The file is an examination protocol or a doctor's conclusion (these need an ICD code).
    pub is_protocol_or_conclusion: bool,
    pub has_icd_diagnosis: bool,
    /// The clinic has enabled the cabinet module.
    pub module_enabled: bool,
    /// Uploaded before the clinic enabled the cabinet module.
    pub before_module: bool,
    /// A structured electronic medical document: it travels by its own channel.
    pub is_semd: bool,
}

/// Every reason the file cannot be sent, in reading order; empty when it can be.
pub fn refusals(f: &FileFacts) -> Vec<Refusal> {
    let mut out = Vec::new();
    let mut refuse = |cond: bool, r: Refusal| {
        if cond {
            out.push(r);
        }
    };
    refuse(f.size > MAX_FILE_BYTES, Refusal::TooLarge);
    refuse(!f.has_surname, Refusal::SurnameMissing);
    refuse(!f.has_name, Refusal::NameMissing);
    refuse(!f.has_birth_date, Refusal::BirthDateMissing);
    refuse(f.refused_pd_processing, Refusal::RefusedPdProcessing);
    refuse(f.anonymous_visit, Refusal::AnonymousVisit);
    refuse(f.phone == Some(PhoneKind::Landline), Refusal::LandlinePhone);
    refuse(f.phone == Some(PhoneKind::Foreign), Refusal::ForeignPhone);
    refuse(f.is_protocol_or_conclusion && !f.has_icd_diagnosis, Refusal::NoDiagnosis);
    refuse(f.before_module && f.category == Category::Other, Refusal::OtherBeforeModule);
    refuse(f.is_semd, Refusal::Semd);
    refuse(f.category == Category::Other && !f.before_module, Refusal::OtherCategory);
    refuse(!f.module_enabled && f.category != Category::Other, Refusal::ModuleDisabled);
    out
}

/// What the router knows of a card (a ward's or a guardian's).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PersonFacts {
    pub card_id: i64,
    pub has_surname: bool,
    pub has_name: bool,
    pub has_birth_date: bool,
    pub refused_pd_processing: bool,
    pub phone: Option<PhoneKind>,
}

/// Why a guardian cannot receive a ward's files.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum GuardianRefusal {
    RefusedPdProcessing,
    LandlinePhone,
    ForeignPhone,
}

pub fn guardian_refusal(g: &PersonFacts) -> Option<GuardianRefusal> {
    if g.refused_pd_processing {
        Some(GuardianRefusal::RefusedPdProcessing)
    } else if g.phone == Some(PhoneKind::Landline) {
        Some(GuardianRefusal::LandlinePhone)
    } else if g.phone == Some(PhoneKind::Foreign) {
        Some(GuardianRefusal::ForeignPhone)
    } else {
        None
    }
}

/// Where a file sent from a ward's card lands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Route {
    /// In the ward's own profile (surname, first name and date of birth are on the card).
    WardProfile,
    /// In this guardian's own card.
    Guardian(i64),
    /// Several guardians could receive it: the sender chooses one of these.
    Choose(Vec<i64>),
    /// No guardian can receive it: each one's reason.
    Nobody(Vec<(i64, GuardianRefusal)>),
    /// Care the minor consented to alone, and the ward's profile cannot take it: it is never
    /// sent to a guardian's card, so it is not sent.
    KeptFromGuardians,
}

/// Routes a ward's file: to the ward's profile when the card names the ward fully, else to a
/// guardian who can receive it (the one the sender chose, or the only one, or the visit's) —
/// except care the minor consented to alone (`own_consent`), which no guardian receives.
pub fn route(ward: &PersonFacts, guardians: &[PersonFacts], chosen: Option<i64>, own_consent: bool) -> Route {
    if ward.has_surname && ward.has_name && ward.has_birth_date {
        return Route::WardProfile;
    }
    if own_consent {
        return Route::KeptFromGuardians;
    }
    let able: Vec<i64> = guardians.iter().filter(|g| guardian_refusal(g).is_none()).map(|g| g.card_id).collect();
    match (chosen, able.as_slice()) {
        (_, []) => {
            Route::Nobody(guardians.iter().filter_map(|g| guardian_refusal(g).map(|r| (g.card_id, r))).collect())
        }
        (Some(c), _) if able.contains(&c) => Route::Guardian(c),
        (_, [only]) => Route::Guardian(*only),
        _ => Route::Choose(able),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sendable() -> FileFacts {
        FileFacts {
            size: 1024,
            category: Category::Analyses,
            has_surname: true,
            has_name: true,
            has_birth_date: true,
            refused_pd_processing: false,
            anonymous_visit: false,
            phone: Some(PhoneKind::Mobile),
            is_protocol_or_conclusion: false,
            has_icd_diagnosis: false,
            module_enabled: true,
            before_module: false,
            is_semd: false,
        }
    }

    #[test]
    fn every_reason_and_the_combinations_that_matter() {
        use Refusal::*;
        let cases: Vec<(&str, FileFacts, Vec<Refusal>)> = vec![
            ("sendable", sendable(), vec![]),
            ("exactly 16 MB is fine", FileFacts { size: MAX_FILE_BYTES, ..sendable() }, vec![]),
            ("16 MB + 1 byte", FileFacts { size: MAX_FILE_BYTES + 1, ..sendable() }, vec![TooLarge]),
            ("no surname", FileFacts { has_surname: false, ..sendable() }, vec![SurnameMissing]),
            ("no first name", FileFacts { has_name: false, ..sendable() }, vec![NameMissing]),
            ("no birth date", FileFacts { has_birth_date: false, ..sendable() }, vec![BirthDateMissing]),
            ("refused pd", FileFacts { refused_pd_processing: true, ..sendable() }, vec![RefusedPdProcessing]),
            ("anonymous", FileFacts { anonymous_visit: true, ..sendable() }, vec![AnonymousVisit]),
            ("landline", FileFacts { phone: Some(PhoneKind::Landline), ..sendable() }, vec![LandlinePhone]),
            ("foreign", FileFacts { phone: Some(PhoneKind::Foreign), ..sendable() }, vec![ForeignPhone]),
            ("no phone at all is no reason", FileFacts { phone: None, ..sendable() }, vec![]),
            (
                "conclusion without ICD",
                FileFacts { category: Category::Conclusion, is_protocol_or_conclusion: true, ..sendable() },
                vec![NoDiagnosis],
            ),
            (
                "conclusion with ICD",
                FileFacts {
                    category: Category::Conclusion,
                    is_protocol_or_conclusion: true,
                    has_icd_diagnosis: true,
                    ..sendable()
                },
                vec![],
            ),
            ("an analysis needs no ICD", FileFacts { has_icd_diagnosis: false, ..sendable() }, vec![]),
            (
                "Other before the module",
                FileFacts { category: Category::Other, before_module: true, ..sendable() },
                vec![OtherBeforeModule],
            ),
            ("Other after the module", FileFacts { category: Category::Other, ..sendable() }, vec![OtherCategory]),
            ("Analyses before the module", FileFacts { before_module: true, ..sendable() }, vec![]),
            ("SEMD", FileFacts { is_semd: true, ..sendable() }, vec![Semd]),
            (
                "module not enabled: nothing is sent",
                FileFacts { module_enabled: false, before_module: true, ..sendable() },
                vec![ModuleDisabled],
            ),
            (
                "module not enabled, Other: the Other reason alone",
                FileFacts { module_enabled: false, before_module: true, category: Category::Other, ..sendable() },
                vec![OtherBeforeModule],
            ),
            (
                "an anonymous foreigner's oversized conclusion without ICD",
                FileFacts {
                    size: MAX_FILE_BYTES * 2,
                    category: Category::Conclusion,
                    anonymous_visit: true,
                    phone: Some(PhoneKind::Foreign),
                    is_protocol_or_conclusion: true,
                    ..sendable()
                },
                vec![TooLarge, AnonymousVisit, ForeignPhone, NoDiagnosis],
            ),
            (
                "a card with nothing but a refusal",
                FileFacts {
                    has_surname: false,
                    has_name: false,
                    has_birth_date: false,
                    refused_pd_processing: true,
                    ..sendable()
                },
                vec![SurnameMissing, NameMissing, BirthDateMissing, RefusedPdProcessing],
            ),
        ];
        for (name, facts, expected) in cases {
            assert_eq!(refusals(&facts), expected, "{name}");
        }
        for c in Category::ALL {
            assert_eq!(Category::parse(c.as_str()), Some(c));
        }
        for r in Refusal::ALL {
            assert_eq!(Refusal::parse(r.as_str()), Some(r));
        }
    }

    fn person(id: i64) -> PersonFacts {
        PersonFacts {
            card_id: id,
            has_surname: true,
            has_name: true,
            has_birth_date: true,
            refused_pd_processing: false,
            phone: Some(PhoneKind::Mobile),
        }
    }

    #[test]
    fn a_wards_file_lands_with_the_ward_or_an_able_guardian() {
        let unnamed = PersonFacts { has_birth_date: false, phone: None, ..person(1) };
        let refused = PersonFacts { refused_pd_processing: true, ..person(11) };
        let landline = PersonFacts { phone: Some(PhoneKind::Landline), ..person(12) };
        let foreign = PersonFacts { phone: Some(PhoneKind::Foreign), ..person(13) };
        // (case, ward, guardians, the sender's choice, where the file lands)
        type Case = (&'static str, PersonFacts, Vec<PersonFacts>, Option<i64>, Route);
        let own_consent_cases: Vec<Case> = vec![
            ("own consent, fully named: the ward's profile", person(1), vec![person(10)], None, Route::WardProfile),
            ("own consent, one able guardian: kept", unnamed.clone(), vec![person(10)], None, Route::KeptFromGuardians),
            (
                "own consent, a guardian chosen: still kept",
                unnamed.clone(),
                vec![person(10), person(20)],
                Some(10),
                Route::KeptFromGuardians,
            ),
            ("own consent, no guardian on record", unnamed.clone(), vec![], None, Route::KeptFromGuardians),
        ];
        for (name, ward, guardians, chosen, expected) in own_consent_cases {
            assert_eq!(route(&ward, &guardians, chosen, true), expected, "{name}");
        }
        let cases: Vec<Case> = vec![
            ("a fully named ward gets it", person(1), vec![person(10)], None, Route::WardProfile),
            ("fully named, even with no able guardian", person(1), vec![refused.clone()], None, Route::WardProfile),
            ("one able guardian", unnamed.clone(), vec![person(10)], None, Route::Guardian(10)),
            ("the able one of two", unnamed.clone(), vec![refused.clone(), person(10)], None, Route::Guardian(10)),
            (
                "two able: the sender chooses",
                unnamed.clone(),
                vec![person(10), person(20)],
                None,
                Route::Choose(vec![10, 20]),
            ),
            ("two able, one chosen", unnamed.clone(), vec![person(10), person(20)], Some(20), Route::Guardian(20)),
            (
                "a chosen guardian who cannot receive is not taken",
                unnamed.clone(),
                vec![person(10), landline.clone(), person(20)],
                Some(12),
                Route::Choose(vec![10, 20]),
            ),
            (
                "nobody: each guardian's reason",
                unnamed.clone(),
                vec![refused, landline, foreign],
                None,
                Route::Nobody(vec![
                    (11, GuardianRefusal::RefusedPdProcessing),
                    (12, GuardianRefusal::LandlinePhone),
                    (13, GuardianRefusal::ForeignPhone),
                ]),
            ),
            ("no guardian on record", unnamed, vec![], None, Route::Nobody(vec![])),
        ];
        for (name, ward, guardians, chosen, expected) in cases {
            assert_eq!(route(&ward, &guardians, chosen, false), expected, "{name}");
        }
    }
}
