//! The medical record's words: the record list, its filters and an entry's details. The words
//! of documents (uploads, delivery, the date-of-birth gate, protocols) are in
//! [`document_texts`](super::document_texts).

/// Every text only the medical record shows, in one language.
pub struct RecordTexts {
    pub record_outpatient: &'static str,
    pub record_inpatient: &'static str,
    pub record_by_patient: &'static str,
    pub record_telemedicine: &'static str,
    pub record_all: &'static str,
    pub record_filters: &'static str,
    pub category_analyses: &'static str,
    pub category_examinations: &'static str,
    pub category_conclusion: &'static str,
    pub category_other: &'static str,
    pub record_of: fn(&str) -> String,
    pub date_from: &'static str,
    pub date_to: &'static str,
    pub any_doctor: &'static str,
    pub record_search: &'static str,
    pub record_empty: &'static str,
    pub record_date: &'static str,
    pub record_kind: &'static str,
    pub record_category: &'static str,
    pub record_diagnosis: &'static str,
}

pub static RU: RecordTexts = RecordTexts {
    record_outpatient: "Амбулаторно",
    record_inpatient: "Стационарно",
    record_by_patient: "Внесенные пациентом",
    record_telemedicine: "Телемедицинские консультации",
    record_all: "Все записи",
    record_filters: "Фильтр записей",
    category_analyses: "Анализы",
    category_examinations: "Обследования",
    category_conclusion: "Заключение врача",
    category_other: "Другое",
    record_of: |n| format!("Медкарта: {n}"),
    date_from: "С даты",
    date_to: "По дату",
    any_doctor: "Любой врач",
    record_search: "Поиск по тексту",
    record_empty: "Записей нет.",
    record_date: "Дата",
    record_kind: "Вид записи",
    record_category: "Категория",
    record_diagnosis: "Диагноз (МКБ-10)",
};

pub static EN: RecordTexts = RecordTexts {
    record_outpatient: "Outpatient",
    record_inpatient: "Inpatient",
    record_by_patient: "Entered by patient",
    record_telemedicine: "Telemedicine consultations",
    record_all: "All records",
    record_filters: "Filter records",
    category_analyses: "Analyses",
    category_examinations: "Examinations",
    category_conclusion: "Doctor's conclusion",
    category_other: "Other",
    record_of: |n| format!("Medical record of {n}"),
    date_from: "From",
    date_to: "To",
    any_doctor: "Any doctor",
    record_search: "Search the text",
    record_empty: "No records.",
    record_date: "Date",
    record_kind: "Kind",
    record_category: "Category",
    record_diagnosis: "Diagnosis (ICD-10)",
};

impl crate::i18n::Texts {
    /// The medical record's texts, in this language. (A feature's texts hang off `Texts` here, next to the feature:
    /// nothing to register in `i18n.rs`.)
    pub fn record(&self) -> &'static RecordTexts {
        self.lang.pick(&RU, &EN)
    }
}
