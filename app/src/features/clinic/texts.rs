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
    pub err_last_head: &'static str,
    pub problem_full_name: &'static str,
    pub team_title: &'static str,
    pub invite_title: &'static str,
    pub full_name: &'static str,
    pub roles: &'static str,
    pub invite: &'static str,
    pub invited_notice: &'static str,
    pub staff_email: &'static str,
    pub last_sign_in: &'static str,
    pub never: &'static str,
    pub status: &'static str,
    pub status_active: &'static str,
    pub status_invited: &'static str,
    pub status_off: &'static str,
    pub status_no_account: &'static str,
    pub save_roles: &'static str,
    pub deactivate: &'static str,
    pub renew_invite: &'static str,
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
    err_last_head: "Так клиника останется без главного врача. Сначала назначьте главным врачом другого сотрудника.",
    problem_full_name: "Укажите фамилию, имя и, если есть, отчество — буквами, через пробел.",
    team_title: "Сотрудники",
    invite_title: "Пригласить сотрудника",
    full_name: "Фамилия Имя Отчество",
    roles: "Роли",
    invite: "Пригласить",
    invited_notice: "Приглашение отправлено: ссылка для входа действует 24 часа.",
    staff_email: "Эл. почта",
    last_sign_in: "Последний вход",
    never: "не входил(а)",
    status: "Состояние",
    status_active: "Работает",
    status_invited: "Приглашён(а), пароль ещё не задан",
    status_off: "Отключён(а)",
    status_no_account: "Без учётной записи",
    save_roles: "Сохранить роли",
    deactivate: "Отключить",
    renew_invite: "Отправить приглашение ещё раз",
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
    err_last_head: "That would leave the clinic without a head. Make another staff member head first.",
    problem_full_name: "Give the surname, first name and, if any, patronymic, in letters, separated by spaces.",
    team_title: "Staff",
    invite_title: "Invite a staff member",
    full_name: "Surname Name Patronymic",
    roles: "Roles",
    invite: "Invite",
    invited_notice: "The invitation is sent: its sign-in link works for 24 hours.",
    staff_email: "E-mail",
    last_sign_in: "Last sign-in",
    never: "never",
    status: "Status",
    status_active: "Active",
    status_invited: "Invited, no password yet",
    status_off: "Deactivated",
    status_no_account: "No account",
    save_roles: "Save roles",
    deactivate: "Deactivate",
    renew_invite: "Send the invitation again",
};

impl crate::i18n::Texts {
    /// Clinic administration's texts, in this language.
    pub fn clinic(&self) -> &'static ClinicTexts {
        self.lang.pick(&RU, &EN)
    }
}
