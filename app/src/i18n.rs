//! The portal's two languages. Russian is the default; English is the second. Every string a
//! person reads comes from here, so a missing translation is a compile error, not a blank.
//!
//! The language is chosen by the `kabinet_lang` cookie (set by the language switch, a plain
//! form POST to `/lang`), rendered into `<html lang>`, and read back from there when the page
//! hydrates, so server and browser always agree.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

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
    pub fn texts(self) -> &'static Texts {
        match self {
            Lang::Ru => &RU,
            Lang::En => &EN,
        }
    }
}

/// Every label and message of the UI.
pub struct Texts {
    pub cabinet: &'static str,
    pub main_nav: &'static str,
    pub skip_to_content: &'static str,
    pub nav_news: &'static str,
    pub nav_prices: &'static str,
    pub nav_staff: &'static str,
    pub switch_to_other_lang: &'static str,
    pub other_lang: Lang,

    pub sign_in_title: &'static str,
    pub sign_in: &'static str,
    pub sign_out: &'static str,
    pub email: &'static str,
    pub password: &'static str,
    pub sign_in_failed: &'static str,
    pub signed_in_as: &'static str,
    pub demo_title: &'static str,
    pub demo_text: &'static str,
    pub demo_register_hint: &'static str,
    pub demo_accounts: [(&'static str, &'static str); 6],

    pub profile: &'static str,
    pub switch_profile: &'static str,
    pub own_profile: &'static str,
    pub ward: &'static str,
    pub staff_account: &'static str,

    pub news_empty: &'static str,
    pub news_published: &'static str,
    pub all_news: &'static str,
    pub newer: &'static str,
    pub older: &'static str,
    pub page_of: fn(i64, i64) -> String,
    pub pagination: &'static str,

    pub prices_search_label: &'static str,
    pub prices_search_placeholder: &'static str,
    pub find: &'static str,
    pub tariff_plan: &'static str,
    pub show_plan: &'static str,
    pub price_code: &'static str,
    pub price_service: &'static str,
    pub price_price: &'static str,
    pub nothing_found: &'static str,
    pub no_prices: &'static str,

    pub staff_area: &'static str,
    pub staff_welcome: &'static str,
    pub your_roles: &'static str,
    pub role_clinician: &'static str,
    pub role_registrar: &'static str,
    pub role_editor: &'static str,
    pub role_head: &'static str,
    pub manage_news: &'static str,
    pub write_news: &'static str,
    pub news_title: &'static str,
    pub news_body: &'static str,
    pub news_body_hint: &'static str,
    pub save_draft: &'static str,
    pub save_changes: &'static str,
    pub edit: &'static str,
    pub preview: &'static str,
    pub preview_hint: &'static str,
    pub publish_now: &'static str,
    pub publish_at: &'static str,
    pub schedule: &'static str,
    pub withdraw: &'static str,
    pub status: &'static str,
    pub status_draft: &'static str,
    pub status_scheduled: &'static str,
    pub status_published: &'static str,
    pub status_withdrawn: &'static str,
    pub updated: &'static str,
    pub no_news_yet: &'static str,
    pub back_to_list: &'static str,

    pub forbidden_title: &'static str,
    pub forbidden_text: &'static str,
    pub not_found_title: &'static str,
    pub not_found_text: &'static str,
    pub to_home: &'static str,
    pub loading: &'static str,

    pub err_unauthenticated: &'static str,
    pub err_conflict: &'static str,
    pub err_rate_limited: fn(i64) -> String,
    pub err_internal: fn(&str) -> String,
    pub err_unavailable: &'static str,
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
    pub mail_no_consents_subject: &'static str,
    pub mail_no_consents_body: &'static str,
    pub mail_code_subject: &'static str,
    pub mail_code_body: fn(&str, &str) -> String,
    pub mail_password_set_subject: &'static str,
    pub mail_password_set_body: &'static str,
    pub mail_invite_subject: &'static str,
    pub mail_invite_body: fn(&str, &str) -> String,
    pub register_title: &'static str,
    pub register_intro: &'static str,
    pub surname: &'static str,
    pub first_name: &'static str,
    pub patronymic: &'static str,
    pub birth_date: &'static str,
    pub send_code: &'static str,
    pub code_step_title: &'static str,
    pub code_sent_text: &'static str,
    pub verification_code: &'static str,
    pub new_password: &'static str,
    pub password_again: &'static str,
    pub password_hint: &'static str,
    pub set_password: &'static str,
    pub request_new_code: &'static str,
    pub back_to_sign_in: &'static str,
    pub demo_mailbox: &'static str,
    pub demo_mailbox_intro: &'static str,
    pub demo_mailbox_empty: &'static str,
    pub mail_to: &'static str,
    pub mail_sent: &'static str,
    pub mail_queued: &'static str,
    pub nav_cards: &'static str,
    pub find_card: &'static str,
    pub search_by_name: &'static str,
    pub new_card: &'static str,
    pub no_cards_found: &'static str,
    pub consents_ok: &'static str,
    pub consents_missing_badge: &'static str,
    pub has_account: &'static str,
    pub sex: &'static str,
    pub sex_female: &'static str,
    pub sex_male: &'static str,
    pub phone: &'static str,
    pub create_card: &'static str,
    pub consents_title: &'static str,
    pub consent_telemedicine: &'static str,
    pub consent_email_results: &'static str,
    pub consent_pd: &'static str,
    pub signed_on: &'static str,
    pub results_email: &'static str,
    pub record_consents: &'static str,
    pub consent_not_signed: &'static str,
    pub text_version: &'static str,
    pub refusals_title: &'static str,
    pub refusal_pd: &'static str,
    pub refusal_notifications: &'static str,
    pub refusal_advertising: &'static str,
    pub save_refusals: &'static str,
    pub invitation_title: &'static str,
    pub send_invitation: &'static str,
    pub invited_on: &'static str,
    pub invitation_queued: &'static str,
    pub invite_needs: &'static str,
    pub account_label: &'static str,
    pub no_account: &'static str,
}

fn minutes_ru(n: i64) -> &'static str {
    match (n % 10, n % 100) {
        (1, r) if r != 11 => "минуту",
        (2..=4, r) if !(12..=14).contains(&r) => "минуты",
        _ => "минут",
    }
}

pub static RU: Texts = Texts {
    cabinet: "Личный кабинет пациента",
    main_nav: "Разделы кабинета",
    skip_to_content: "Перейти к содержанию",
    nav_news: "Новости",
    nav_prices: "Цены",
    nav_staff: "Рабочее место",
    switch_to_other_lang: "English",
    other_lang: Lang::En,

    sign_in_title: "Вход в личный кабинет",
    sign_in: "Войти",
    sign_out: "Выйти",
    email: "Электронная почта",
    password: "Пароль",
    sign_in_failed: "Неверная электронная почта или пароль.",
    signed_in_as: "Вы вошли как",
    demo_title: "Демонстрационный режим",
    demo_text: "Пароль всех демо-учётных записей: kabinet-demo",
    demo_register_hint: "Ещё не зарегистрирована: new.patient@kabinet.example, Новикова Ольга, 17.02.1992 — попробуйте «Регистрация пациента, смена пароля», письмо с кодом появится в демо-почте.",
    demo_accounts: [
        ("patient@kabinet.example", "пациент"),
        ("guardian@kabinet.example", "опекун ребёнка"),
        ("doctor@kabinet.example", "врач"),
        ("registrar@kabinet.example", "регистратор"),
        ("editor@kabinet.example", "редактор новостей"),
        ("head@kabinet.example", "главный врач"),
    ],

    profile: "Профиль",
    switch_profile: "Переключить профиль",
    own_profile: "мой профиль",
    ward: "подопечный",
    staff_account: "сотрудник клиники",

    news_empty: "Новостей пока нет.",
    news_published: "Опубликовано",
    all_news: "Все новости",
    newer: "← Новее",
    older: "Раньше →",
    page_of: |p, n| format!("Страница {p} из {n}"),
    pagination: "Страницы новостей",

    prices_search_label: "Поиск по прайс-листу",
    prices_search_placeholder: "Найти…",
    find: "Найти",
    tariff_plan: "Тариф",
    show_plan: "Показать",
    price_code: "Код",
    price_service: "Услуга",
    price_price: "Цена",
    nothing_found: "Ничего не найдено. Измените запрос.",
    no_prices: "Прайс-лист пока не опубликован.",

    staff_area: "Рабочее место",
    staff_welcome: "Рабочее место сотрудника клиники",
    your_roles: "Ваши роли",
    role_clinician: "Врач",
    role_registrar: "Регистратор",
    role_editor: "Редактор",
    role_head: "Руководитель",
    manage_news: "Управление новостями",
    write_news: "Написать новость",
    news_title: "Заголовок",
    news_body: "Текст",
    news_body_hint: "Можно использовать Markdown: **жирный**, *курсив*, списки, ссылки. HTML показывается как текст.",
    save_draft: "Сохранить черновик",
    save_changes: "Сохранить изменения",
    edit: "Редактировать",
    preview: "Предпросмотр",
    preview_hint: "Так новость увидят пациенты.",
    publish_now: "Опубликовать сейчас",
    publish_at: "Дата и время публикации",
    schedule: "Запланировать",
    withdraw: "Снять с публикации",
    status: "Статус",
    status_draft: "Черновик",
    status_scheduled: "Запланирована",
    status_published: "Опубликована",
    status_withdrawn: "Снята с публикации",
    updated: "Изменена",
    no_news_yet: "Новостей ещё нет. Напишите первую.",
    back_to_list: "← К списку новостей",

    forbidden_title: "Доступ запрещён",
    forbidden_text: "У вашей учётной записи нет прав на эту страницу.",
    not_found_title: "Страница не найдена",
    not_found_text: "Такой страницы нет или она была удалена.",
    to_home: "На главную",
    loading: "Загрузка…",

    err_unauthenticated: "Сеанс завершён. Войдите снова.",
    err_conflict: "Данные уже изменились. Обновите страницу и повторите.",
    err_rate_limited: |m| format!("Слишком много попыток. Повторите через {m} {}.", minutes_ru(m)),
    err_internal: |r| format!("Что-то пошло не так. Мы уже разбираемся. Код обращения: {r}."),
    err_unavailable: "Сервер недоступен. Проверьте соединение и повторите.",
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
    mail_no_consents_subject: "Личный кабинет пациента: нужны согласия",
    mail_no_consents_body: "Здравствуйте!\n\nВы запросили регистрацию в личном кабинете пациента. Открыть кабинет пока нельзя: в клинике не оформлены все три согласия — на телемедицинские консультации, на получение результатов по электронной почте и на обработку персональных данных.\n\nОбратитесь, пожалуйста, в регистратуру клиники. После этого повторите регистрацию.\n\nЕсли вы не запрашивали регистрацию, просто удалите это письмо.",
    mail_code_subject: "Проверочный код для личного кабинета",
    mail_code_body: |code, link| format!("Здравствуйте!\n\nВаш проверочный код: {}\n\nКод действует 24 часа и подходит один раз. Введите его на странице регистрации или откройте ссылку — код подставится сам:\n{}\n\nНикому не сообщайте код: сотрудники клиники его никогда не спрашивают. Если вы не запрашивали код, просто удалите письмо — без кода пароль не изменится.", code, link),
    mail_password_set_subject: "Пароль личного кабинета установлен",
    mail_password_set_body: "Здравствуйте!\n\nДля вашего личного кабинета пациента только что установлен новый пароль, все прежние сеансы завершены.\n\nЕсли это сделали не вы, сразу смените пароль через «Регистрация пациента, смена пароля» на странице входа и сообщите в клинику.",
    mail_invite_subject: "Приглашение в личный кабинет пациента",
    mail_invite_body: |name, link| format!("Здравствуйте, {}!\n\nКлиника приглашает вас в личный кабинет пациента: медкарта, документы, запись к врачу и сообщения врачу.\n\nОткройте страницу входа и выберите «Регистрация пациента, смена пароля»:\n{}\n\nУкажите этот адрес эл. почты, фамилию, имя и дату рождения — мы пришлём проверочный код.", name, link),
    register_title: "Регистрация пациента, смена пароля",
    register_intro: "Укажите адрес эл. почты, фамилию, имя и дату рождения так, как они записаны в клинике. Если они совпадут с картой пациента, мы пришлём проверочный код. Так же восстанавливается забытый пароль.",
    surname: "Фамилия",
    first_name: "Имя",
    patronymic: "Отчество",
    birth_date: "Дата рождения",
    send_code: "Получить код",
    code_step_title: "Введите проверочный код",
    code_sent_text: "Если данные совпали с картой клиники, на этот адрес отправлено письмо с проверочным кодом. Код действует 24 часа. Письмо не пришло — проверьте папку «Спам» или запросите код ещё раз.",
    verification_code: "Проверочный код",
    new_password: "Новый пароль",
    password_again: "Пароль ещё раз",
    password_hint: "Не короче 8 символов. Удобно взять фразу из нескольких слов.",
    set_password: "Сохранить пароль и войти",
    request_new_code: "Запросить новый код",
    back_to_sign_in: "← Ко входу",
    demo_mailbox: "Демо-почта",
    demo_mailbox_intro: "Это демонстрационная установка: письма, которые отправил портал, видны здесь, даже если почтовый сервер не настроен.",
    demo_mailbox_empty: "Писем пока нет.",
    mail_to: "Кому",
    mail_sent: "отправлено",
    mail_queued: "в очереди",
    nav_cards: "Карты пациентов",
    find_card: "Найти карту",
    search_by_name: "Фамилия, имя (начало)",
    new_card: "Новая карта",
    no_cards_found: "Карт не найдено.",
    consents_ok: "Согласия оформлены",
    consents_missing_badge: "Нет согласий",
    has_account: "Кабинет открыт",
    sex: "Пол",
    sex_female: "Женский",
    sex_male: "Мужской",
    phone: "Телефон",
    create_card: "Создать карту",
    consents_title: "Согласия",
    consent_telemedicine: "На телемедицинские консультации",
    consent_email_results: "На получение результатов по эл. почте",
    consent_pd: "На обработку персональных данных (152-ФЗ)",
    signed_on: "Дата подписания",
    results_email: "Адрес для результатов",
    record_consents: "Сохранить согласия",
    consent_not_signed: "не подписано",
    text_version: "редакция",
    refusals_title: "Отказы",
    refusal_pd: "Отказ от обработки персональных данных",
    refusal_notifications: "Отказ от всех уведомлений",
    refusal_advertising: "Отказ от рекламных рассылок",
    save_refusals: "Сохранить отказы",
    invitation_title: "Приглашение в кабинет",
    send_invitation: "Отправить приглашение",
    invited_on: "Приглашение отправлено",
    invitation_queued: "Приглашение поставлено в очередь отправки.",
    invite_needs: "Для приглашения нужны все три согласия и адрес эл. почты в карте.",
    account_label: "Учётная запись",
    no_account: "ещё не зарегистрирован",
};

pub static EN: Texts = Texts {
    cabinet: "Patient cabinet",
    main_nav: "Cabinet sections",
    skip_to_content: "Skip to content",
    nav_news: "News",
    nav_prices: "Prices",
    nav_staff: "Workplace",
    switch_to_other_lang: "Русский",
    other_lang: Lang::Ru,

    sign_in_title: "Sign in to the patient cabinet",
    sign_in: "Sign in",
    sign_out: "Sign out",
    email: "E-mail",
    password: "Password",
    sign_in_failed: "Wrong e-mail or password.",
    signed_in_as: "Signed in as",
    demo_title: "Demo mode",
    demo_text: "Every demo account's password is kabinet-demo",
    demo_register_hint: "Not registered yet: new.patient@kabinet.example, Новикова Ольга, 17 Feb 1992 — try \"Registration / change password\"; the e-mail with the code appears in the demo mailbox.",
    demo_accounts: [
        ("patient@kabinet.example", "patient"),
        ("guardian@kabinet.example", "guardian of a child"),
        ("doctor@kabinet.example", "doctor"),
        ("registrar@kabinet.example", "registrar"),
        ("editor@kabinet.example", "news editor"),
        ("head@kabinet.example", "head of clinic"),
    ],

    profile: "Profile",
    switch_profile: "Switch profile",
    own_profile: "my profile",
    ward: "ward",
    staff_account: "clinic staff",

    news_empty: "No news yet.",
    news_published: "Published",
    all_news: "All news",
    newer: "← Newer",
    older: "Older →",
    page_of: |p, n| format!("Page {p} of {n}"),
    pagination: "News pages",

    prices_search_label: "Search the price list",
    prices_search_placeholder: "Find…",
    find: "Find",
    tariff_plan: "Tariff plan",
    show_plan: "Show",
    price_code: "Code",
    price_service: "Service",
    price_price: "Price",
    nothing_found: "Nothing found. Try another search.",
    no_prices: "The price list is not published yet.",

    staff_area: "Workplace",
    staff_welcome: "Clinic staff workplace",
    your_roles: "Your roles",
    role_clinician: "Clinician",
    role_registrar: "Registrar",
    role_editor: "Editor",
    role_head: "Head of clinic",
    manage_news: "Manage news",
    write_news: "Write news",
    news_title: "Title",
    news_body: "Text",
    news_body_hint: "Markdown works: **bold**, *italic*, lists, links. HTML is shown as text.",
    save_draft: "Save draft",
    save_changes: "Save changes",
    edit: "Edit",
    preview: "Preview",
    preview_hint: "This is how patients will see it.",
    publish_now: "Publish now",
    publish_at: "Publication date and time",
    schedule: "Schedule",
    withdraw: "Withdraw",
    status: "Status",
    status_draft: "Draft",
    status_scheduled: "Scheduled",
    status_published: "Published",
    status_withdrawn: "Withdrawn",
    updated: "Updated",
    no_news_yet: "No news yet. Write the first one.",
    back_to_list: "← Back to news",

    forbidden_title: "Forbidden",
    forbidden_text: "Your account has no rights to this page.",
    not_found_title: "Page not found",
    not_found_text: "This page does not exist or was removed.",
    to_home: "Home",
    loading: "Loading…",

    err_unauthenticated: "Your session has ended. Please sign in again.",
    err_conflict: "The data has changed meanwhile. Reload the page and try again.",
    err_rate_limited: |m| format!("Too many attempts. Try again in {m} min."),
    err_internal: |r| format!("Something went wrong. We are looking into it. Reference: {r}."),
    err_unavailable: "The server cannot be reached. Check your connection and try again.",
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
    mail_no_consents_subject: "Patient cabinet: consents needed",
    mail_no_consents_body: "Hello,\n\nYou asked to register in the patient cabinet. It cannot be opened yet: the clinic does not have all three consents on record (telemedicine consultations, results by e-mail, personal-data processing).\n\nPlease visit the clinic's front desk, then register again.\n\nIf you did not ask to register, simply delete this e-mail.",
    mail_code_subject: "Verification code for the patient cabinet",
    mail_code_body: |code, link| format!("Hello,\n\nYour verification code: {}\n\nThe code is valid for 24 hours and works once. Type it on the registration page, or open this link and it is filled in for you:\n{}\n\nNever tell anyone the code: the clinic's staff never ask for it. If you did not ask for a code, simply delete this e-mail; without the code your password stays as it is.", code, link),
    mail_password_set_subject: "Your patient cabinet password was set",
    mail_password_set_body: "Hello,\n\nA new password has just been set for your patient cabinet and all earlier sessions were ended.\n\nIf this was not you, change the password at once through \"Registration / change password\" on the sign-in page and tell the clinic.",
    mail_invite_subject: "Invitation to the patient cabinet",
    mail_invite_body: |name, link| format!("Hello {},\n\nThe clinic invites you to the patient cabinet: your medical record, documents, appointments and messages to your doctor.\n\nOpen the sign-in page and choose \"Registration / change password\":\n{}\n\nEnter this e-mail address, your surname, first name and date of birth, and we will send you a verification code.", name, link),
    register_title: "Registration / change password",
    register_intro: "Enter your e-mail address, surname, first name and date of birth as the clinic has them. If they match a patient card, we will e-mail you a verification code. A forgotten password is reset the same way.",
    surname: "Surname",
    first_name: "First name",
    patronymic: "Patronymic",
    birth_date: "Date of birth",
    send_code: "Get a code",
    code_step_title: "Enter the verification code",
    code_sent_text: "If the details matched a clinic card, an e-mail with a verification code has been sent to this address. The code is valid for 24 hours. No e-mail? Check the spam folder or request the code again.",
    verification_code: "Verification code",
    new_password: "New password",
    password_again: "Password again",
    password_hint: "At least 8 characters. A phrase of several words works well.",
    set_password: "Save the password and sign in",
    request_new_code: "Request a new code",
    back_to_sign_in: "← Back to sign-in",
    demo_mailbox: "Demo mailbox",
    demo_mailbox_intro: "This is a demo installation: the mail the portal sent is shown here, even without a mail server.",
    demo_mailbox_empty: "No mail yet.",
    mail_to: "To",
    mail_sent: "sent",
    mail_queued: "queued",
    nav_cards: "Patient cards",
    find_card: "Find a card",
    search_by_name: "Surname, name (beginning)",
    new_card: "New card",
    no_cards_found: "No cards found.",
    consents_ok: "Consents on record",
    consents_missing_badge: "Consents missing",
    has_account: "Cabinet open",
    sex: "Sex",
    sex_female: "Female",
    sex_male: "Male",
    phone: "Phone",
    create_card: "Create the card",
    consents_title: "Consents",
    consent_telemedicine: "Telemedicine consultations",
    consent_email_results: "Results by e-mail",
    consent_pd: "Personal-data processing (152-FZ)",
    signed_on: "Date signed",
    results_email: "E-mail for results",
    record_consents: "Save consents",
    consent_not_signed: "not signed",
    text_version: "version",
    refusals_title: "Refusals",
    refusal_pd: "Refused personal-data processing",
    refusal_notifications: "Refused all notifications",
    refusal_advertising: "Refused advertising",
    save_refusals: "Save refusals",
    invitation_title: "Invitation to the cabinet",
    send_invitation: "Send the invitation",
    invited_on: "Invitation sent",
    invitation_queued: "The invitation is queued for sending.",
    invite_needs: "An invitation needs all three consents and an e-mail address on the card.",
    account_label: "Account",
    no_account: "not registered yet",
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
        use_context::<crate::server::AppState>().map(|s| s.config.utc_offset_minutes).unwrap_or(DEFAULT_UTC_OFFSET)
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
    }
}
