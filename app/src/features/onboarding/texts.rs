//! Onboarding's words: registration with an e-mailed code, the demo mailbox, attaching a card
//! with a code, and the e-mails and SMS it sends. Its error messages stay in
//! `crate::i18n::Texts`.

/// Every text only onboarding shows or sends, in one language.
pub struct OnboardingTexts {
    pub mail_no_consents_subject: &'static str,
    pub mail_no_consents_body: &'static str,
    pub mail_code_subject: &'static str,
    pub mail_code_body: fn(&str, &str) -> String,
    pub register_intro: &'static str,
    pub send_code: &'static str,
    pub code_step_title: &'static str,
    pub code_sent_text: &'static str,
    pub verification_code: &'static str,
    pub set_password: &'static str,
    pub request_new_code: &'static str,
    pub demo_mailbox_intro: &'static str,
    pub demo_mailbox_empty: &'static str,
    pub mail_to: &'static str,
    pub mail_sent: &'static str,
    pub mail_queued: &'static str,
    pub sms_attach_body: fn(&str, i64) -> String,
    pub mail_attach_subject: &'static str,
    pub mail_attach_body: fn(&str, i64) -> String,
}

pub static RU: OnboardingTexts = OnboardingTexts {
    mail_no_consents_subject: "Личный кабинет пациента: нужны согласия",
    mail_no_consents_body: "Здравствуйте!\n\nВы запросили регистрацию в личном кабинете пациента. Открыть кабинет пока нельзя: в клинике не оформлены все три согласия — на телемедицинские консультации, на получение результатов по электронной почте и на обработку персональных данных.\n\nОбратитесь, пожалуйста, в регистратуру клиники. После этого повторите регистрацию.\n\nЕсли вы не запрашивали регистрацию, просто удалите это письмо.",
    mail_code_subject: "Проверочный код для личного кабинета",
    mail_code_body: |code, link| format!("Здравствуйте!\n\nВаш проверочный код: {}\n\nКод действует 24 часа и подходит один раз. Введите его на странице регистрации или откройте ссылку — код подставится сам:\n{}\n\nНикому не сообщайте код: сотрудники клиники его никогда не спрашивают. Если вы не запрашивали код, просто удалите письмо — без кода пароль не изменится.", code, link),
    register_intro: "Укажите адрес эл. почты, фамилию, имя и дату рождения так, как они записаны в клинике. Если они совпадут с картой пациента, мы пришлём проверочный код. Так же восстанавливается забытый пароль.",
    send_code: "Получить код",
    code_step_title: "Введите проверочный код",
    code_sent_text: "Если данные совпали с картой клиники, на этот адрес отправлено письмо с проверочным кодом. Код действует 24 часа. Письмо не пришло — проверьте папку «Спам» или запросите код ещё раз.",
    verification_code: "Проверочный код",
    set_password: "Сохранить пароль и войти",
    request_new_code: "Запросить новый код",
    demo_mailbox_intro: "Это демонстрационная установка: письма, которые отправил портал, видны здесь, даже если почтовый сервер не настроен.",
    demo_mailbox_empty: "Писем пока нет.",
    mail_to: "Кому",
    mail_sent: "отправлено",
    mail_queued: "в очереди",
    sms_attach_body: |code, hours| format!("Код привязки карты в личном кабинете: {code}. Действует {hours} ч. Никому не сообщайте его."),
    mail_attach_subject: "Код привязки карты в личном кабинете",
    mail_attach_body: |code, hours| format!("Здравствуйте!\n\nКод привязки карты в личном кабинете: {code}\n\nВойдите в кабинет, откройте «Учётная запись» → «Привязать карту» и введите код. Он действует {hours} ч и подходит один раз. Никому не сообщайте код."),
};

pub static EN: OnboardingTexts = OnboardingTexts {
    mail_no_consents_subject: "Patient cabinet: consents needed",
    mail_no_consents_body: "Hello,\n\nYou asked to register in the patient cabinet. It cannot be opened yet: the clinic does not have all three consents on record (telemedicine consultations, results by e-mail, personal-data processing).\n\nPlease visit the clinic's front desk, then register again.\n\nIf you did not ask to register, simply delete this e-mail.",
    mail_code_subject: "Verification code for the patient cabinet",
    mail_code_body: |code, link| format!("Hello,\n\nYour verification code: {}\n\nThe code is valid for 24 hours and works once. Type it on the registration page, or open this link and it is filled in for you:\n{}\n\nNever tell anyone the code: the clinic's staff never ask for it. If you did not ask for a code, simply delete this e-mail; without the code your password stays as it is.", code, link),
    register_intro: "Enter your e-mail address, surname, first name and date of birth as the clinic has them. If they match a patient card, we will e-mail you a verification code. A forgotten password is reset the same way.",
    send_code: "Get a code",
    code_step_title: "Enter the verification code",
    code_sent_text: "If the details matched a clinic card, an e-mail with a verification code has been sent to this address. The code is valid for 24 hours. No e-mail? Check the spam folder or request the code again.",
    verification_code: "Verification code",
    set_password: "Save the password and sign in",
    request_new_code: "Request a new code",
    demo_mailbox_intro: "This is a demo installation: the mail the portal sent is shown here, even without a mail server.",
    demo_mailbox_empty: "No mail yet.",
    mail_to: "To",
    mail_sent: "sent",
    mail_queued: "queued",
    sms_attach_body: |code, hours| format!("Your patient cabinet attach code: {code}. Valid for {hours} h. Do not share it."),
    mail_attach_subject: "Attach code for the patient cabinet",
    mail_attach_body: |code, hours| format!("Hello,\n\nYour attach code for the patient cabinet: {code}\n\nSign in, open Account → Attach a card and enter the code. It is valid for {hours} h and works once. Do not share it."),
};

impl crate::i18n::Texts {
    /// Onboarding's texts, in this language. (A feature's texts hang off `Texts` here, next to the feature:
    /// nothing to register in `i18n.rs`.)
    pub fn onboarding(&self) -> &'static OnboardingTexts {
        self.lang.pick(&RU, &EN)
    }
}
