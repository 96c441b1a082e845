//! The words of documents: the clinic's upload-and-send, delivery statuses, the reasons a file
//! cannot be sent, the date-of-birth gate, protocols and the patient's own uploads. Reached as
//! `t.docs`. The `AppError` messages documents raise are in `crate::i18n::Texts` with every other
//! error message; the journal's names for document actions are in the account's texts.

use crate::features::record::delivery::{Reason, UploadStatus};
use crate::features::record::document_rules::{GuardianRefusal, Refusal};

/// The texts of documents, in one language.
pub struct DocTexts {
    pub documents_intro: &'static str,
    pub find_card_hint: &'static str,
    pub open_documents: &'static str,
    pub documents_of: fn(&str) -> String,
    pub upload_title: &'static str,
    pub category: &'static str,
    pub doc_title: &'static str,
    pub visit_date: &'static str,
    pub doctor: &'static str,
    pub no_doctor: &'static str,
    pub icd_code: &'static str,
    pub icd_text: &'static str,
    pub anonymous_visit: &'static str,
    pub files: &'static str,
    pub files_hint: &'static str,
    pub send_to_cabinet: &'static str,
    pub upload_and_send: &'static str,
    pub uploading: &'static str,
    pub uploaded: &'static str,
    pub before_upload: &'static str,
    pub can_send_all: &'static str,
    pub lands_in_ward: &'static str,
    pub lands_with: fn(&str) -> String,
    pub choose_guardian: &'static str,
    pub no_guardians: &'static str,
    pub module_off: &'static str,
    pub uploads: &'static str,
    pub no_uploads: &'static str,
    pub file_name: &'static str,
    pub file_status: &'static str,
    pub converted_to: fn(&str) -> String,
    pub resend: &'static str,
    pub resend_asked: &'static str,
    pub download: &'static str,
    pub download_original: &'static str,
    pub open_file: &'static str,
    pub uploaded_by: &'static str,
    pub st_delivered: &'static str,
    pub st_sending: &'static str,
    pub st_not_sent: &'static str,
    pub st_cannot_send: &'static str,
    pub st_queued_file: &'static str,
    pub st_delivered_file: &'static str,
    pub gate_title: &'static str,
    pub gate_text: &'static str,
    pub gate_birth_date: &'static str,
    pub gate_open: &'static str,
    pub gate_blocked: &'static str,
    pub gate_locked_badge: &'static str,
    pub gate_blocked_staff: &'static str,
    pub phone_confirmed_now: &'static str,
    pub ask_resend: &'static str,
    pub not_arrived: &'static str,
    pub own_upload_title: &'static str,
    pub own_upload_hint: &'static str,
    pub add_document: &'static str,
    pub print: &'static str,
    pub export_pdf: &'static str,
    pub protocols: &'static str,
    pub new_protocol: &'static str,
    pub protocol_kind: &'static str,
    pub protocol_body: &'static str,
    pub save_protocol: &'static str,
    pub send_and_print: &'static str,
    pub edit_protocol: &'static str,
    pub protocol_sent: &'static str,
    pub protocol_locked: fn(i64) -> String,
    pub cabinet_module: &'static str,
    pub module_enabled_on: &'static str,
    pub enable_module: &'static str,
    pub own_consent: &'static str,
    pub own_consent_badge: &'static str,
    pub own_consent_kept: &'static str,
    pub for_ward: &'static str,
    refusals: [&'static str; 15],
    guardian_refusals: [&'static str; 3],
    not_selected: &'static str,
    conversion_failed: &'static str,
    image_too_large: &'static str,
    delivered_some: fn(usize, usize) -> String,
}

impl DocTexts {
    pub fn refusal(&self, r: Refusal) -> &'static str {
        let i = Refusal::ALL.iter().position(|x| *x == r).unwrap_or(0);
        self.refusals[i]
    }

    pub fn reason(&self, r: Reason) -> &'static str {
        match r {
            Reason::Refused(r) => self.refusal(r),
            Reason::NotSelected => self.not_selected,
            Reason::ConversionFailed => self.conversion_failed,
            Reason::ImageTooLarge => self.image_too_large,
        }
    }

    pub fn guardian_refusal(&self, r: GuardianRefusal) -> &'static str {
        match r {
            GuardianRefusal::RefusedPdProcessing => self.guardian_refusals[0],
            GuardianRefusal::LandlinePhone => self.guardian_refusals[1],
            GuardianRefusal::ForeignPhone => self.guardian_refusals[2],
        }
    }

    /// The upload's status in the glossary's words.
    pub fn status(&self, s: UploadStatus) -> String {
        match s {
            UploadStatus::Delivered => self.st_delivered.into(),
            UploadStatus::DeliveredSome { delivered, total } => (self.delivered_some)(delivered, total),
            UploadStatus::Sending => self.st_sending.into(),
            UploadStatus::NotSent => self.st_not_sent.into(),
            UploadStatus::CannotSend => self.st_cannot_send.into(),
        }
    }
}

pub static RU: DocTexts = DocTexts {
    documents_intro: "Загрузка документов в медкарту и отправка их в личный кабинет пациента.",
    find_card_hint: "Найдите карту по началу фамилии и дате рождения.",
    open_documents: "Документы",
    documents_of: |n| format!("Документы: {n}"),
    upload_title: "Загрузить документы",
    category: "Категория",
    doc_title: "Название документа",
    visit_date: "Дата посещения",
    doctor: "Врач",
    no_doctor: "Врач не из клиники",
    icd_code: "Диагноз: код МКБ-10",
    icd_text: "Диагноз: текст",
    anonymous_visit: "Анонимный приём",
    files: "Файлы",
    files_hint: "Не больше 9 файлов за раз, каждый не больше 16 МБ. DOC, DOCX, XLSX станут PDF, изображения — WEBP; оригинал сохраняется.",
    send_to_cabinet: "Отправить в кабинет",
    upload_and_send: "Загрузить и отправить",
    uploading: "Загрузка…",
    uploaded: "Документы загружены.",
    before_upload: "Нельзя отправить в кабинет:",
    can_send_all: "Файлы этой категории можно отправить в кабинет.",
    lands_in_ward: "Файлы попадут в профиль подопечного.",
    lands_with: |n| format!("Файлы попадут в медкарту опекуна: {n}."),
    choose_guardian: "Кому из опекунов отправить",
    no_guardians: "Нет опекунов, которым можно отправить файлы:",
    module_off: "Модуль «Личный кабинет пациента» не подключён: файлы останутся в клинике.",
    uploads: "Загруженные документы",
    no_uploads: "Документов пока нет.",
    file_name: "Файл",
    file_status: "Статус",
    converted_to: |t| format!("преобразован в {t}"),
    resend: "Отправить повторно",
    resend_asked: "Пациент просит отправить повторно",
    download: "Скачать",
    download_original: "Оригинал",
    open_file: "Открыть",
    uploaded_by: "Загрузил",
    st_delivered: "Доставлено пациенту",
    st_sending: "Отправляем, это может занять до 10 минут",
    st_not_sent: "Не отправлено",
    st_cannot_send: "Нельзя отправить",
    st_queued_file: "Отправляем",
    st_delivered_file: "Доставлен",
    gate_title: "Документ защищён",
    gate_text: "Документ отправлен на неподтверждённый номер телефона. Чтобы открыть его, введите свою дату рождения.",
    gate_birth_date: "Дата рождения",
    gate_open: "Открыть документ",
    gate_blocked: "Слишком много неверных попыток. Документы откроются после подтверждения телефона: обратитесь в клинику.",
    gate_locked_badge: "Защищён датой рождения",
    gate_blocked_staff: "Пациент трижды ввёл неверную дату рождения: защищённые документы заблокированы.",
    phone_confirmed_now: "Телефон подтверждён",
    ask_resend: "Попросить отправить повторно",
    not_arrived: "Не доставлен",
    own_upload_title: "Добавить свой документ",
    own_upload_hint: "PDF, JPG или PNG, каждый файл не больше 16 МБ. Документ появится в разделе «Внесенные пациентом».",
    add_document: "Добавить документ",
    print: "Распечатать",
    export_pdf: "Скачать медкарту (PDF)",
    protocols: "Протоколы",
    new_protocol: "Новый протокол",
    protocol_kind: "Вид записи",
    protocol_body: "Текст протокола",
    save_protocol: "Сохранить",
    send_and_print: "Отправить и напечатать",
    edit_protocol: "Изменить",
    protocol_sent: "Отправлен в кабинет",
    protocol_locked: |h| format!("Прошло более {h} часов с момента создания протокола: изменить его нельзя."),
    cabinet_module: "Личный кабинет пациента",
    module_enabled_on: "Подключён",
    enable_module: "Подключить",
    own_consent: "Приём по согласию несовершеннолетнего (с 15 лет): не показывать опекуну",
    own_consent_badge: "По согласию несовершеннолетнего",
    own_consent_kept: "Приём по согласию несовершеннолетнего не отправляется опекуну, а в профиль подопечного файлы не попадут: в карте нет его фамилии, имени или даты рождения.",
    for_ward: "Для подопечного",
    refusals: [
        "файл больше 16 МБ",
        "не указана фамилия",
        "не указано имя",
        "не указана дата рождения",
        "отказ от обработки персональных данных",
        "анонимный приём",
        "городской номер телефона",
        "иностранный номер телефона",
        "не указан диагноз по МКБ",
        "загружен до подключения модуля, категория «Другое»",
        "это СЭМД: отправляется своим каналом",
        "файлы категории «Другое» остаются в клинике",
        "модуль «Личный кабинет пациента» не подключён",
        "нет опекуна, которому можно отправить",
        "приём по согласию несовершеннолетнего: опекуну не отправляется, а в профиле подопечного нет фамилии, имени или даты рождения",
    ],
    guardian_refusals: ["отказ от обработки персональных данных", "городской номер телефона", "иностранный номер телефона"],
    not_selected: "не отмечен для отправки",
    conversion_failed: "не удалось преобразовать файл",
    image_too_large: "изображение слишком большое (больше 50 мегапикселей)",
    delivered_some: |k, n| format!("Доставлено {k} из {n}"),
};

pub static EN: DocTexts = DocTexts {
    documents_intro: "Upload documents to the medical record and send them to the patient's cabinet.",
    find_card_hint: "Find the card by the start of the surname and the date of birth.",
    open_documents: "Documents",
    documents_of: |n| format!("Documents: {n}"),
    upload_title: "Upload documents",
    category: "Category",
    doc_title: "Document title",
    visit_date: "Visit date",
    doctor: "Doctor",
    no_doctor: "Doctor not from the clinic",
    icd_code: "Diagnosis: ICD-10 code",
    icd_text: "Diagnosis: text",
    anonymous_visit: "Anonymous visit",
    files: "Files",
    files_hint:
        "At most 9 files at a time, each at most 16 MB. DOC, DOCX, XLSX become PDF, images WEBP; the original is kept.",
    send_to_cabinet: "Send to the cabinet",
    upload_and_send: "Upload and send",
    uploading: "Uploading…",
    uploaded: "Documents uploaded.",
    before_upload: "Cannot be sent to the cabinet:",
    can_send_all: "Files of this category can be sent to the cabinet.",
    lands_in_ward: "The files will land in the ward's profile.",
    lands_with: |n| format!("The files will land in the guardian's record: {n}."),
    choose_guardian: "Which guardian to send to",
    no_guardians: "No guardian can receive the files:",
    module_off: "The patient cabinet module is not enabled: files stay in the clinic.",
    uploads: "Uploaded documents",
    no_uploads: "No documents yet.",
    file_name: "File",
    file_status: "Status",
    converted_to: |t| format!("converted to {t}"),
    resend: "Send again",
    resend_asked: "The patient asks to send it again",
    download: "Download",
    download_original: "Original",
    open_file: "Open",
    uploaded_by: "Uploaded by",
    st_delivered: "Delivered",
    st_sending: "Sending, this may take up to 10 minutes",
    st_not_sent: "Not sent",
    st_cannot_send: "Cannot be sent",
    st_queued_file: "Sending",
    st_delivered_file: "Delivered",
    gate_title: "Protected document",
    gate_text: "The document was sent to an unconfirmed phone number. Enter your date of birth to open it.",
    gate_birth_date: "Date of birth",
    gate_open: "Open the document",
    gate_blocked: "Too many wrong tries. The documents open once the phone is confirmed: contact the clinic.",
    gate_locked_badge: "Protected by date of birth",
    gate_blocked_staff: "The patient typed a wrong date of birth three times: protected documents are locked.",
    phone_confirmed_now: "Phone confirmed",
    ask_resend: "Ask to send again",
    not_arrived: "Not delivered",
    own_upload_title: "Add your own document",
    own_upload_hint: "PDF, JPG or PNG, each file at most 16 MB. The document appears under \"Entered by patient\".",
    add_document: "Add document",
    print: "Print",
    export_pdf: "Download the record (PDF)",
    protocols: "Protocols",
    new_protocol: "New protocol",
    protocol_kind: "Kind of record",
    protocol_body: "Protocol text",
    save_protocol: "Save",
    send_and_print: "Send and print",
    edit_protocol: "Edit",
    protocol_sent: "Sent to the cabinet",
    protocol_locked: |h| {
        format!("More than {h} hours have passed since the protocol was created: it cannot be edited.")
    },
    cabinet_module: "Patient cabinet",
    module_enabled_on: "Enabled",
    enable_module: "Enable",
    own_consent: "Care the minor (15 or over) consented to alone: do not show the guardian",
    own_consent_badge: "The minor's own consent",
    own_consent_kept: "Care the minor consented to alone is not sent to a guardian, and the ward's profile cannot take the files: the card lacks the ward's surname, first name or date of birth.",
    for_ward: "For the ward",
    refusals: [
        "the file is over 16 MB",
        "the surname is missing",
        "the first name is missing",
        "the date of birth is missing",
        "refused personal-data processing",
        "anonymous visit",
        "landline phone number",
        "foreign phone number",
        "no ICD diagnosis",
        "uploaded before the module was enabled, category Other",
        "it is a SEMD: it travels by its own channel",
        "files in category Other stay in the clinic",
        "the patient cabinet module is not enabled",
        "no guardian can receive it",
        "the minor's own-consent care: never sent to a guardian, and the ward's profile lacks the surname, first name or date of birth",
    ],
    guardian_refusals: ["refused personal-data processing", "landline phone number", "foreign phone number"],
    not_selected: "not ticked for sending",
    conversion_failed: "the file could not be converted",
    image_too_large: "the image is too large (over 50 megapixels)",
    delivered_some: |k, n| format!("Delivered {k} of {n}"),
};

impl crate::i18n::Texts {
    /// Documents' texts (uploads, delivery, the date-of-birth gate, protocols), in this language. (A feature's texts hang off `Texts` here, next to the feature:
    /// nothing to register in `i18n.rs`.)
    pub fn docs(&self) -> &'static DocTexts {
        self.lang.pick(&RU, &EN)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_reason_has_words_in_both_languages() {
        for texts in [&RU, &EN] {
            let mut seen = std::collections::HashSet::new();
            for r in Refusal::ALL {
                assert!(seen.insert(texts.refusal(r)), "{r:?} shares its words");
            }
        }
        assert_eq!(RU.status(UploadStatus::DeliveredSome { delivered: 2, total: 4 }), "Доставлено 2 из 4");
        assert_eq!(EN.status(UploadStatus::CannotSend), "Cannot be sent");
        assert_eq!(RU.reason(Reason::Refused(Refusal::TooLarge)), "файл больше 16 МБ");
        assert_eq!(RU.reason(Reason::ImageTooLarge), "изображение слишком большое (больше 50 мегапикселей)");
        assert_eq!(EN.reason(Reason::ImageTooLarge), "the image is too large (over 50 megapixels)");
    }
}
