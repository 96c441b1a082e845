//! The portal's two languages. Russian is the default; English is the second. Every string a
//! person reads comes from a `Texts` value, so a missing translation is a compile error, not a
//! blank.
//!
//! This file holds the texts several parts share: the page frame (layout, navigation, the
//! language switch), the error pages, every `AppError` message and field problem, and the texts
//! used by more than one feature. Each feature's own texts live next to it, in
//! `features/<feature>/texts.rs` (a `<Feature>Texts` struct with a `RU` and an `EN` literal),
//! and are reached through a method that file adds to [`Texts`]: `t.news().news_title`,
//! `t.docs().upload_title` (nothing to register here).
//! Russian plurals all go through [`plural_ru`].
//!
//! The language is chosen by the `kabinet_lang` cookie (set by the language switch, a plain
//! form POST to `/lang`), rendered into `<html lang>`, and read back from there when the page
//! hydrates, so server and browser always agree.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

pub use crate::features::record::document_texts::DocTexts;

pub const LANG_COOKIE: &str = "kabinet_lang";

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Lang {
    #[default]
    Ru,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Ru => "ru",
            Lang::En => "en",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "ru" => Some(Lang::Ru),
            "en" => Some(Lang::En),
            _ => None,
        }
    }
    /// The language from a `Cookie` header's value; Russian when absent or unknown.
    pub fn from_cookie_header(header: &str) -> Self {
        header
            .split(';')
            .filter_map(|kv| kv.trim().split_once('='))
            .find(|(k, _)| *k == LANG_COOKIE)
            .and_then(|(_, v)| Lang::parse(v.trim()))
            .unwrap_or_default()
    }
    /// The one of a feature's two text tables that is in this language.
    pub fn pick<T>(self, ru: &'static T, en: &'static T) -> &'static T {
        match self {
            Lang::Ru => ru,
            Lang::En => en,
        }
    }
    pub fn texts(self) -> &'static Texts {
        match self {
            Lang::Ru => &RU,
            Lang::En => &EN,
        }
    }
}

/// The shared labels and messages of the UI. Each feature adds a method for its own texts
/// (`impl Texts { pub fn prices(&self) .. }` in `features/prices/texts.rs`).
pub struct Texts {
    /// The language these texts are in; each feature's texts follow it (`Texts::prices()`…).
    pub lang: Lang,
    // The page frame: layout, navigation, profile switch and language switch (`platform::ui`).
    pub cabinet: &'static str,
    pub main_nav: &'static str,
    pub skip_to_content: &'static str,
    pub nav_news: &'static str,
    pub nav_messages: &'static str,
    pub nav_prices: &'static str,
    pub nav_record: &'static str,
    pub nav_booking: &'static str,
    pub nav_appointments: &'static str,
    pub nav_account: &'static str,
    pub nav_staff: &'static str,
    pub nav_cards: &'static str,
    pub nav_booking_settings: &'static str,
    pub nav_schedule: &'static str,
    pub nav_day_book: &'static str,
    pub switch_to_other_lang: &'static str,
    pub other_lang: Lang,
    pub sign_out: &'static str,
    pub signed_in_as: &'static str,
    pub profile: &'static str,
    pub switch_profile: &'static str,
    pub own_profile: &'static str,
    pub ward: &'static str,
    pub staff_account: &'static str,

    // The staff area's start page (`platform::ui::staff`).
    pub staff_area: &'static str,
    pub staff_welcome: &'static str,
    pub your_roles: &'static str,
    pub role_clinician: &'static str,
    pub role_registrar: &'static str,
    pub role_editor: &'static str,
    pub role_head: &'static str,
    pub manage_news: &'static str,
    pub nav_documents: &'static str,
    pub modules_title: &'static str,

    // Error pages and the page served on a render timeout (`platform::ui::errors`, the server).
    pub forbidden_title: &'static str,
    pub forbidden_text: &'static str,
    pub not_found_title: &'static str,
    pub not_found_text: &'static str,
    pub to_home: &'static str,
    pub loading: &'static str,
    pub sign_in: &'static str,
    /// The page served when a page took longer than `KABINET_PAGE_TIMEOUT_SECS` to render.
    pub page_timeout_title: &'static str,
    pub page_timeout_body: &'static str,
    pub page_timeout_reload: &'static str,

    // `AppError` messages and field problems (`kernel::error`), for every feature.
    pub sign_in_failed: &'static str,
    pub err_unauthenticated: &'static str,
    pub err_conflict: &'static str,
    pub err_rate_limited: fn(i64) -> String,
    /// A pause shorter than a minute (sign-in's growing pauses start at a second).
    pub err_rate_limited_secs: fn(i64) -> String,
    pub err_internal: fn(&str) -> String,
    pub err_unavailable: &'static str,
    pub err_bad_request: &'static str,
    pub err_too_large: &'static str,
    pub err_fix_fields: &'static str,
    pub problem_required: &'static str,
    pub problem_too_long: fn(usize) -> String,
    pub problem_email: &'static str,
    pub problem_datetime: &'static str,
    pub err_code_invalid: &'static str,
    pub err_code_exhausted: &'static str,
    pub err_consents_missing: &'static str,
    pub problem_date: &'static str,
    pub problem_phone: &'static str,
    pub problem_password_short: &'static str,
    pub problem_password_common: &'static str,
    pub problem_password_mismatch: &'static str,
    pub err_second_factor_invalid: &'static str,
    pub err_second_step_expired: &'static str,
    pub err_second_factor_required: &'static str,
    pub problem_password_wrong: &'static str,
    pub problem_totp_wrong: &'static str,
    pub problem_email_unavailable: &'static str,
    pub err_attach_code_invalid: &'static str,
    pub err_no_contact: &'static str,
    pub err_slot_taken: fn(&str) -> String,
    pub err_slot_taken_none: &'static str,
    pub err_booking_limit: fn(i64) -> String,
    pub err_cancellation_closed: &'static str,
    pub problem_choice: &'static str,
    pub problem_time: &'static str,
    pub problem_range: &'static str,
    pub err_cannot_send: &'static str,
    pub err_edit_window: fn(i64) -> String,
    pub err_birth_date_wrong: &'static str,
    pub err_gate_blocked: &'static str,
    pub err_export_running: &'static str,
    pub err_export_busy: &'static str,
    pub err_export_failed: &'static str,
    pub problem_file_type: &'static str,
    pub problem_file_too_large: fn(u64) -> String,
    pub problem_too_many_files: fn(usize) -> String,
    pub problem_own_consent_age: &'static str,

    // The e-mail sign-in sends when it slows down (`platform::auth`).
    pub mail_sign_in_slowed_subject: &'static str,
    pub mail_sign_in_slowed_body: &'static str,

    // Used by several features: paging (news, record), search, statuses, the person's name and contacts
    // (cards, onboarding, account), passwords (account, onboarding), consents and refusals (account,
    // cards), the journal (account, booking), booking's choices reused by the record's filters,
    // and unlocking a blocked document (record, account).
    pub newer: &'static str,
    pub older: &'static str,
    pub page_of: fn(i64, i64) -> String,
    pub pagination: &'static str,
    pub find: &'static str,
    pub status: &'static str,
    pub email: &'static str,
    pub phone: &'static str,
    pub surname: &'static str,
    pub first_name: &'static str,
    pub patronymic: &'static str,
    pub birth_date: &'static str,
    pub card_number: fn(i64) -> String,
    pub no_cards_found: &'static str,
    pub register_title: &'static str,
    pub back_to_sign_in: &'static str,
    pub demo_mailbox: &'static str,
    pub new_password: &'static str,
    pub password_again: &'static str,
    pub password_hint: &'static str,
    pub mail_password_set_subject: &'static str,
    pub mail_password_set_body: &'static str,
    pub consents_title: &'static str,
    pub consent_telemedicine: &'static str,
    pub consent_email_results: &'static str,
    pub consent_pd: &'static str,
    pub consent_not_signed: &'static str,
    pub refusal_notifications: &'static str,
    pub refusal_advertising: &'static str,
    pub save_refusals: &'static str,
    pub issue_attach_code: &'static str,
    pub save_setting: &'static str,
    pub saved: &'static str,
    pub journal_when: &'static str,
    pub journal_who: &'static str,
    pub journal_what: &'static str,
    pub step_specialty: &'static str,
    pub step_doctor: &'static str,
    pub patient_label: &'static str,
    pub gate_reset: &'static str,
}

/// The Russian plural form for `n`: `one` for 1, 21, 101…; `few` for 2–4, 22–24…; `many` for
/// 0, 5–20, 25–30, 111…. Every Russian text that counts something picks its word here.
pub fn plural_ru(n: i64, one: &'static str, few: &'static str, many: &'static str) -> &'static str {
    match (n % 10, n % 100) {
        (1, r) if r != 11 => one,
        (2..=4, r) if !(12..=14).contains(&r) => few,
        _ => many,
    }
}

pub static RU: Texts = Texts {
    lang: Lang::Ru,
    cabinet: "Личный кабинет пациента",
    main_nav: "Разделы кабинета",
    skip_to_content: "Перейти к содержанию",
    nav_news: "Новости",
    nav_messages: "Сообщения",
    nav_prices: "Цены",
    nav_record: "Медкарта",
    nav_booking: "Запись к врачу",
    nav_appointments: "Мои записи",
    nav_account: "Учётная запись",
    nav_staff: "Рабочее место",
    nav_cards: "Карты пациентов",
    nav_booking_settings: "Онлайн-запись",
    nav_schedule: "Расписание врачей",
    nav_day_book: "Журнал записи",
    switch_to_other_lang: "English",
    other_lang: Lang::En,
    sign_out: "Выйти",
    signed_in_as: "Вы вошли как",
    profile: "Профиль",
    switch_profile: "Переключить профиль",
    own_profile: "мой профиль",
    ward: "подопечный",
    staff_account: "сотрудник клиники",

    staff_area: "Рабочее место",
    staff_welcome: "Рабочее место сотрудника клиники",
    your_roles: "Ваши роли",
    role_clinician: "Врач",
    role_registrar: "Регистратор",
    role_editor: "Редактор",
    role_head: "Руководитель",
    manage_news: "Управление новостями",
    nav_documents: "Документы пациентов",
    modules_title: "Модули",

    forbidden_title: "Доступ запрещён",
    forbidden_text: "У вашей учётной записи нет прав на эту страницу.",
    not_found_title: "Страница не найдена",
    not_found_text: "Такой страницы нет или она была удалена.",
    to_home: "На главную",
    loading: "Загрузка…",
    sign_in: "Войти",
    page_timeout_title: "Страница не успела открыться",
    page_timeout_body: "Сервер сейчас отвечает медленно. Ваши данные не потеряны: обновите страницу через минуту.",
    page_timeout_reload: "Обновить страницу",

    sign_in_failed: "Неверная электронная почта или пароль.",
    err_unauthenticated: "Сеанс завершён. Войдите снова.",
    err_conflict: "Данные уже изменились. Обновите страницу и повторите.",
    err_rate_limited: |m| format!("Слишком много попыток. Повторите через {m} {}.", plural_ru(m, "минуту", "минуты", "минут")),
    err_rate_limited_secs: |s| format!("Слишком много попыток. Повторите через {s} {}.", plural_ru(s, "секунду", "секунды", "секунд")),
    err_internal: |r| format!("Что-то пошло не так. Мы уже разбираемся. Код обращения: {r}."),
    err_unavailable: "Сервер недоступен. Проверьте соединение и повторите.",
    err_bad_request: "Запрос не удалось прочитать. Обновите страницу и повторите.",
    err_too_large: "Слишком большой запрос: сократите текст или отправьте меньше за раз.",
    err_fix_fields: "Исправьте отмеченные поля.",
    problem_required: "Заполните это поле.",
    problem_too_long: |n| format!("Не длиннее {n} символов."),
    problem_email: "Проверьте адрес электронной почты.",
    problem_datetime: "Укажите дату и время.",
    err_code_invalid: "Код неверен или больше не действует. Проверьте код из последнего письма или запросите новый.",
    err_code_exhausted: "Слишком много неверных попыток: этот код больше не действует. Запросите новый код.",
    err_consents_missing: "Кабинет пока нельзя открыть: в клинике не оформлены все согласия (на телемедицинские консультации, на получение результатов по эл. почте и на обработку персональных данных). Обратитесь в регистратуру клиники, это займёт несколько минут.",
    problem_date: "Укажите дату.",
    problem_phone: "Проверьте номер телефона: например, +7 916 123-45-67.",
    problem_password_short: "Пароль должен быть не короче 8 символов.",
    problem_password_common: "Этот пароль слишком распространён, его легко подобрать. Придумайте другой, например фразу из нескольких слов.",
    problem_password_mismatch: "Пароли не совпадают.",
    err_second_factor_invalid: "Код не подошёл. Введите текущий код из приложения-аутентификатора или неиспользованный резервный код.",
    err_second_step_expired: "Время на ввод кода вышло или было слишком много ошибок. Войдите заново.",
    err_second_factor_required: "Для работы в рабочем месте включите второй фактор (приложение-аутентификатор) на странице «Учётная запись».",
    problem_password_wrong: "Неверный текущий пароль.",
    problem_totp_wrong: "Код не подошёл. Проверьте, что время на телефоне точное, и введите новый код.",
    problem_email_unavailable: "Этот адрес нельзя использовать для входа. Укажите другой.",
    err_attach_code_invalid: "Код привязки не подошёл: он неверен, уже использован или устарел. Проверьте цифры или попросите в регистратуре новый код.",
    err_no_contact: "В карте нет ни мобильного телефона, ни адреса эл. почты: код некуда отправить. Добавьте контакт в карту.",
    err_slot_taken: |times| format!("Это время только что заняли. Ближайшее свободное время: {times}."),
    err_slot_taken_none: "Это время только что заняли, а другого свободного времени у врача пока нет.",
    err_booking_limit: |n| format!("К одному врачу можно иметь не больше {n} будущих записей."),
    err_cancellation_closed: "Отменить или перенести эту запись в кабинете уже нельзя. Позвоните в клинику.",
    problem_choice: "Выберите один из предложенных вариантов.",
    problem_time: "Укажите время как ЧЧ:ММ; конец — позже начала.",
    problem_range: "Число вне допустимого диапазона.",
    err_cannot_send: "Нельзя отправить в кабинет",
    err_edit_window: |h| format!("Прошло более {h} часов с момента создания протокола."),
    err_birth_date_wrong: "Дата рождения не совпадает с указанной в медкарте.",
    err_gate_blocked: "Слишком много неверных попыток. Документы откроются после подтверждения телефона: обратитесь в клинику.",
    err_export_running: "Медкарта уже готовится: дождитесь, пока файл скачается.",
    err_export_busy: "Сейчас готовится другая выгрузка. Повторите через минуту.",
    err_export_failed: "Не удалось подготовить PDF. Повторите позже; если не получится, обратитесь в клинику.",
    problem_file_type: "Тип файла не поддерживается.",
    problem_file_too_large: |mb| format!("Файл больше {mb} МБ."),
    problem_too_many_files: |n| format!("Не больше {n} файлов за раз."),
    problem_own_consent_age: "Согласие несовершеннолетнего отмечается только для пациента от 15 до 18 лет на дату приёма.",

    mail_sign_in_slowed_subject: "Неудачные попытки входа в личный кабинет",
    mail_sign_in_slowed_body: "Здравствуйте!\n\nВ ваш личный кабинет пациента несколько раз подряд пытались войти с неверным паролем. Чтобы пароль нельзя было подобрать, каждая следующая попытка теперь возможна только после паузы, которая растёт с каждой ошибкой (не больше 15 минут).\n\nЕсли это были вы, подождите немного или задайте новый пароль через «Регистрация пациента, смена пароля» на странице входа — так войти можно сразу.\n\nЕсли это были не вы, ваш пароль по-прежнему никому не известен; если он простой или используется где-то ещё, смените его тем же способом.",

    newer: "← Новее",
    older: "Раньше →",
    page_of: |p, n| format!("Страница {p} из {n}"),
    pagination: "Страницы новостей",
    find: "Найти",
    status: "Статус",
    email: "Электронная почта",
    phone: "Телефон",
    surname: "Фамилия",
    first_name: "Имя",
    patronymic: "Отчество",
    birth_date: "Дата рождения",
    card_number: |n| format!("Карта № {n}"),
    no_cards_found: "Карт не найдено.",
    register_title: "Регистрация пациента, смена пароля",
    back_to_sign_in: "← Ко входу",
    demo_mailbox: "Демо-почта",
    new_password: "Новый пароль",
    password_again: "Пароль ещё раз",
    password_hint: "Не короче 8 символов. Удобно взять фразу из нескольких слов.",
    mail_password_set_subject: "Пароль личного кабинета установлен",
    mail_password_set_body: "Здравствуйте!\n\nДля вашего личного кабинета пациента только что установлен новый пароль, все прежние сеансы завершены.\n\nЕсли это сделали не вы, сразу смените пароль через «Регистрация пациента, смена пароля» на странице входа и сообщите в клинику.",
    consents_title: "Согласия",
    consent_telemedicine: "На телемедицинские консультации",
    consent_email_results: "На получение результатов по эл. почте",
    consent_pd: "На обработку персональных данных (152-ФЗ)",
    consent_not_signed: "не подписано",
    refusal_notifications: "Отказ от всех уведомлений",
    refusal_advertising: "Отказ от рекламных рассылок",
    save_refusals: "Сохранить отказы",
    issue_attach_code: "Выдать код привязки",
    save_setting: "Сохранить настройку",
    saved: "Сохранено.",
    journal_when: "Когда",
    journal_who: "Кто",
    journal_what: "Что",
    step_specialty: "Специальность",
    step_doctor: "Врач",
    patient_label: "Пациент",
    gate_reset: "Снять блокировку",
};

pub static EN: Texts = Texts {
    lang: Lang::En,
    cabinet: "Patient cabinet",
    main_nav: "Cabinet sections",
    skip_to_content: "Skip to content",
    nav_news: "News",
    nav_messages: "Messages",
    nav_prices: "Prices",
    nav_record: "Medical record",
    nav_booking: "Book an appointment",
    nav_appointments: "My appointments",
    nav_account: "Account",
    nav_staff: "Workplace",
    nav_cards: "Patient cards",
    nav_booking_settings: "Online booking",
    nav_schedule: "Doctors' schedules",
    nav_day_book: "Appointment book",
    switch_to_other_lang: "Русский",
    other_lang: Lang::Ru,
    sign_out: "Sign out",
    signed_in_as: "Signed in as",
    profile: "Profile",
    switch_profile: "Switch profile",
    own_profile: "my profile",
    ward: "ward",
    staff_account: "clinic staff",

    staff_area: "Workplace",
    staff_welcome: "Clinic staff workplace",
    your_roles: "Your roles",
    role_clinician: "Clinician",
    role_registrar: "Registrar",
    role_editor: "Editor",
    role_head: "Head of clinic",
    manage_news: "Manage news",
    nav_documents: "Patients' documents",
    modules_title: "Modules",

    forbidden_title: "Forbidden",
    forbidden_text: "Your account has no rights to this page.",
    not_found_title: "Page not found",
    not_found_text: "This page does not exist or was removed.",
    to_home: "Home",
    loading: "Loading…",
    sign_in: "Sign in",
    page_timeout_title: "The page took too long to open",
    page_timeout_body: "The server is answering slowly just now. Nothing you entered is lost: reload the page in a minute.",
    page_timeout_reload: "Reload the page",

    sign_in_failed: "Wrong e-mail or password.",
    err_unauthenticated: "Your session has ended. Please sign in again.",
    err_conflict: "The data has changed meanwhile. Reload the page and try again.",
    err_rate_limited: |m| format!("Too many attempts. Try again in {m} min."),
    err_rate_limited_secs: |s| format!("Too many attempts. Try again in {s} s."),
    err_internal: |r| format!("Something went wrong. We are looking into it. Reference: {r}."),
    err_unavailable: "The server cannot be reached. Check your connection and try again.",
    err_bad_request: "The request could not be read. Reload the page and try again.",
    err_too_large: "The request is too large: shorten the text or send less at once.",
    err_fix_fields: "Please correct the marked fields.",
    problem_required: "Please fill in this field.",
    problem_too_long: |n| format!("At most {n} characters."),
    problem_email: "Please check the e-mail address.",
    problem_datetime: "Please enter a date and time.",
    err_code_invalid: "The code is wrong or no longer valid. Check the code in the latest e-mail or request a new one.",
    err_code_exhausted: "Too many wrong attempts: this code no longer works. Request a new code.",
    err_consents_missing: "The cabinet cannot be opened yet: the clinic does not have all your consents on record (telemedicine consultations, results by e-mail, personal-data processing). Please ask at the clinic's front desk; it takes a few minutes.",
    problem_date: "Please enter a date.",
    problem_phone: "Please check the phone number, e.g. +7 916 123-45-67.",
    problem_password_short: "The password must be at least 8 characters long.",
    problem_password_common: "This password is too common and easy to guess. Choose another, such as a phrase of several words.",
    problem_password_mismatch: "The passwords do not match.",
    err_second_factor_invalid: "The code was not accepted. Enter the current code from your authenticator app or an unused recovery code.",
    err_second_step_expired: "The time to enter the code ran out, or there were too many mistakes. Please sign in again.",
    err_second_factor_required: "To work in the staff area, turn on the second factor (an authenticator app) on the Account page.",
    problem_password_wrong: "The current password is wrong.",
    problem_totp_wrong: "The code was not accepted. Check that your phone's clock is right and enter a new code.",
    problem_email_unavailable: "This address cannot be used to sign in. Please choose another.",
    err_attach_code_invalid: "The attach code was not accepted: it is wrong, used or expired. Check the digits or ask the front desk for a new code.",
    err_no_contact: "The card has neither a mobile phone nor an e-mail address: there is nowhere to send the code. Add a contact to the card.",
    err_slot_taken: |times| format!("This time was just taken. The nearest free times: {times}."),
    err_slot_taken_none: "This time was just taken, and the doctor has no other free time yet.",
    err_booking_limit: |n| format!("You can hold at most {n} future appointments with one doctor."),
    err_cancellation_closed: "It is too late to cancel or move this appointment in the cabinet. Please call the clinic.",
    problem_choice: "Choose one of the options offered.",
    problem_time: "Enter times as HH:MM, the end after the start.",
    problem_range: "The number is out of range.",
    err_cannot_send: "Cannot be sent to the cabinet",
    err_edit_window: |h| format!("More than {h} hours have passed since the protocol was created."),
    err_birth_date_wrong: "The date of birth does not match the medical record.",
    err_gate_blocked: "Too many wrong tries. The documents open once the phone is confirmed: contact the clinic.",
    err_export_running: "Your record is already being prepared: wait for the file to download.",
    err_export_busy: "Another export is being prepared. Try again in a minute.",
    err_export_failed: "The PDF could not be prepared. Try again later; if it fails again, contact the clinic.",
    problem_file_type: "This file type is not accepted.",
    problem_file_too_large: |mb| format!("The file is over {mb} MB."),
    problem_too_many_files: |n| format!("At most {n} files at a time."),
    problem_own_consent_age: "A minor's own consent can be marked only for a patient aged 15 to 17 on the visit's date.",

    mail_sign_in_slowed_subject: "Failed sign-in attempts to your patient cabinet",
    mail_sign_in_slowed_body: "Hello,\n\nSomeone tried to sign in to your patient cabinet with a wrong password several times in a row. So that the password cannot be guessed, each further attempt now has to wait a pause that grows with every mistake (at most 15 minutes).\n\nIf this was you, wait a little, or set a new password through \"Registration / change password\" on the sign-in page: that signs you in at once.\n\nIf this was not you, your password is still unknown to others; if it is simple or used elsewhere, change it the same way.",

    newer: "← Newer",
    older: "Older →",
    page_of: |p, n| format!("Page {p} of {n}"),
    pagination: "News pages",
    find: "Find",
    status: "Status",
    email: "E-mail",
    phone: "Phone",
    surname: "Surname",
    first_name: "First name",
    patronymic: "Patronymic",
    birth_date: "Date of birth",
    card_number: |n| format!("Card No. {n}"),
    no_cards_found: "No cards found.",
    register_title: "Registration / change password",
    back_to_sign_in: "← Back to sign-in",
    demo_mailbox: "Demo mailbox",
    new_password: "New password",
    password_again: "Password again",
    password_hint: "At least 8 characters. A phrase of several words works well.",
    mail_password_set_subject: "Your patient cabinet password was set",
    mail_password_set_body: "Hello,\n\nA new password has just been set for your patient cabinet and all earlier sessions were ended.\n\nIf this was not you, change the password at once through \"Registration / change password\" on the sign-in page and tell the clinic.",
    consents_title: "Consents",
    consent_telemedicine: "Telemedicine consultations",
    consent_email_results: "Results by e-mail",
    consent_pd: "Personal-data processing (152-FZ)",
    consent_not_signed: "not signed",
    refusal_notifications: "Refused all notifications",
    refusal_advertising: "Refused advertising",
    save_refusals: "Save refusals",
    issue_attach_code: "Issue an attach code",
    save_setting: "Save the setting",
    saved: "Saved.",
    journal_when: "When",
    journal_who: "Who",
    journal_what: "What",
    step_specialty: "Specialty",
    step_doctor: "Doctor",
    patient_label: "Patient",
    gate_reset: "Unlock",
};

/// Makes the request's language available to every component.
pub fn provide_i18n_context() {
    #[cfg(feature = "ssr")]
    let lang = use_context::<axum::http::request::Parts>()
        .and_then(|parts| {
            parts.headers.get(axum::http::header::COOKIE).and_then(|v| v.to_str().ok()).map(Lang::from_cookie_header)
        })
        .unwrap_or_default();
    #[cfg(not(feature = "ssr"))]
    let lang = {
        #[cfg(feature = "hydrate")]
        {
            web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.document_element())
                .and_then(|e| e.get_attribute("lang"))
                .and_then(|l| Lang::parse(&l))
                .unwrap_or_default()
        }
        #[cfg(not(feature = "hydrate"))]
        {
            Lang::default()
        }
    };
    provide_context(lang);
    provide_context(ClinicOffset(utc_offset()));
}

/// The clinic's offset from UTC in minutes, for showing times. The server renders it into
/// `<html data-utc-offset>` so the browser shows the same times.
#[derive(Clone, Copy, Debug)]
pub struct ClinicOffset(pub i32);

pub const DEFAULT_UTC_OFFSET: i32 = 180;

fn utc_offset() -> i32 {
    #[cfg(feature = "ssr")]
    {
        use_context::<crate::platform::state::AppState>().map(|s| s.utc_offset()).unwrap_or(DEFAULT_UTC_OFFSET)
    }
    #[cfg(all(not(feature = "ssr"), feature = "hydrate"))]
    {
        web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
            .and_then(|e| e.get_attribute("data-utc-offset"))
            .and_then(|v| v.parse().ok())
            .unwrap_or(DEFAULT_UTC_OFFSET)
    }
    #[cfg(not(any(feature = "ssr", feature = "hydrate")))]
    {
        DEFAULT_UTC_OFFSET
    }
}

pub fn clinic_offset() -> i32 {
    use_context::<ClinicOffset>().map(|c| c.0).unwrap_or(DEFAULT_UTC_OFFSET)
}

pub fn use_lang() -> Lang {
    use_context::<Lang>().unwrap_or_default()
}

pub fn use_texts() -> &'static Texts {
    use_lang().texts()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_comes_from_its_cookie_and_defaults_to_russian() {
        assert_eq!(Lang::from_cookie_header("a=1; kabinet_lang=en"), Lang::En);
        assert_eq!(Lang::from_cookie_header("kabinet_lang=ru"), Lang::Ru);
        assert_eq!(Lang::from_cookie_header("kabinet_lang=de"), Lang::Ru);
        assert_eq!(Lang::from_cookie_header(""), Lang::Ru);
    }

    #[test]
    fn russian_minutes_agree_with_their_number() {
        assert_eq!((RU.err_rate_limited)(1), "Слишком много попыток. Повторите через 1 минуту.");
        assert_eq!((RU.err_rate_limited)(3), "Слишком много попыток. Повторите через 3 минуты.");
        assert_eq!((RU.err_rate_limited)(11), "Слишком много попыток. Повторите через 11 минут.");
        assert_eq!((RU.err_rate_limited)(15), "Слишком много попыток. Повторите через 15 минут.");
        assert_eq!((RU.err_rate_limited_secs)(1), "Слишком много попыток. Повторите через 1 секунду.");
        assert_eq!((RU.err_rate_limited_secs)(4), "Слишком много попыток. Повторите через 4 секунды.");
        assert_eq!((RU.err_rate_limited_secs)(32), "Слишком много попыток. Повторите через 32 секунды.");
        assert_eq!((RU.err_rate_limited_secs)(12), "Слишком много попыток. Повторите через 12 секунд.");
    }

    #[test]
    fn russian_plurals_follow_the_last_two_digits() {
        let form = |n| plural_ru(n, "one", "few", "many");
        for (n, want) in [
            (1, "one"),
            (2, "few"),
            (5, "many"),
            (11, "many"),
            (12, "many"),
            (14, "many"),
            (21, "one"),
            (22, "few"),
            (25, "many"),
            (101, "one"),
            (111, "many"),
        ] {
            assert_eq!(form(n), want, "{n}");
        }
    }
}
