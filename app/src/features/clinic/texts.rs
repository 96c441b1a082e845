//! Clinic administration's words: the staff welcome page and the invitation e-mail.

/// Every text only clinic administration shows or sends, in one language.
pub struct ClinicTexts {
    pub welcome_title: &'static str,
    pub welcome_intro: fn(&str, &str) -> String,
    pub welcome_next: &'static str,
    pub set_password: &'static str,
    pub err_link_invalid: &'static str,
    pub mail_invite_subject: &'static str,
    pub mail_invite_body: fn(&str, &str) -> String,
    pub details_title: &'static str,
    pub details_intro: &'static str,
    pub details_first: &'static str,
    pub clinic_name: &'static str,
    pub clinic_address: &'static str,
    pub clinic_phone: &'static str,
    pub time_zone: &'static str,
    pub save: &'static str,
}

pub static RU: ClinicTexts = ClinicTexts {
    welcome_title: "Добро пожаловать в Кабинет",
    welcome_intro: |name, email| {
        format!("{name}, задайте пароль для входа в Кабинет клиники. Ваш логин — {email}.")
    },
    welcome_next: "После этого включите второй фактор (приложение-аутентификатор) на странице «Учётная запись»: без него раздел сотрудника не откроется.",
    set_password: "Задать пароль",
    err_link_invalid: "Ссылка не действует: она уже использована, устарела (ссылка действует 24 часа) или набрана с ошибкой. Попросите новую у главного врача или администратора.",
    mail_invite_subject: "Приглашение в Кабинет клиники",
    mail_invite_body: |name, link| {
        format!(
            "{name}, для вас создана учётная запись сотрудника в Кабинете клиники.\n\nЧтобы задать пароль, откройте ссылку (она действует 24 часа и только один раз):\n{link}\n\nЕсли вы не ждали этого письма, просто удалите его."
        )
    },
    details_title: "Сведения о клинике",
    details_intro: "По часовому поясу клиники показываются и записываются все даты и время.",
    details_first: "Прежде чем начать работу, укажите сведения о клинике.",
    clinic_name: "Название клиники",
    clinic_address: "Адрес",
    clinic_phone: "Телефон",
    time_zone: "Часовой пояс",
    save: "Сохранить",
};

pub static EN: ClinicTexts = ClinicTexts {
    welcome_title: "Welcome to the Kabinet",
    welcome_intro: |name, email| format!("{name}, set a password to sign in to the clinic's Kabinet. Your login is {email}."),
    welcome_next: "Then turn on the second factor (an authenticator app) on the Account page: the staff area does not open without it.",
    set_password: "Set password",
    err_link_invalid: "This link does not work: it was used already, has expired (a link works for 24 hours) or was mistyped. Ask the head of the clinic or an administrator for a new one.",
    mail_invite_subject: "Invitation to the clinic's Kabinet",
    mail_invite_body: |name, link| {
        format!(
            "{name}, a staff account has been created for you in the clinic's Kabinet.\n\nTo set your password, open this link (it works for 24 hours, once):\n{link}\n\nIf you did not expect this e-mail, just delete it."
        )
    },
    details_title: "Clinic details",
    details_intro: "Every date and time is shown and booked in the clinic's time zone.",
    details_first: "Before you start, fill in the clinic's details.",
    clinic_name: "Clinic name",
    clinic_address: "Address",
    clinic_phone: "Phone",
    time_zone: "Time zone",
    save: "Save",
};

impl crate::i18n::Texts {
    /// Clinic administration's texts, in this language.
    pub fn clinic(&self) -> &'static ClinicTexts {
        self.lang.pick(&RU, &EN)
    }
}
