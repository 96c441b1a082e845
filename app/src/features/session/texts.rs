//! Signing in: the sign-in page, its demo hints and the second step of two-factor sign-in.

/// Every text only the sign-in pages show, in one language.
pub struct SessionTexts {
    pub sign_in_title: &'static str,
    pub password: &'static str,
    pub demo_title: &'static str,
    pub demo_text: &'static str,
    pub demo_register_hint: &'static str,
    pub demo_accounts: [(&'static str, &'static str); 6],
    pub second_step_title: &'static str,
    pub second_step_intro: &'static str,
    pub totp_code: &'static str,
    pub confirm: &'static str,
}

pub static RU: SessionTexts = SessionTexts {
    sign_in_title: "Вход в личный кабинет",
    password: "Пароль",
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
    second_step_title: "Подтверждение входа",
    second_step_intro: "Введите шестизначный код из приложения-аутентификатора или один из резервных кодов.",
    totp_code: "Код из приложения или резервный код",
    confirm: "Подтвердить",
};

pub static EN: SessionTexts = SessionTexts {
    sign_in_title: "Sign in to the patient cabinet",
    password: "Password",
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
    second_step_title: "Confirm sign-in",
    second_step_intro: "Enter the six-digit code from your authenticator app or one of your recovery codes.",
    totp_code: "App code or recovery code",
    confirm: "Confirm",
};

impl crate::i18n::Texts {
    /// Sign-in's texts, in this language. (A feature's texts hang off `Texts` here, next to the feature:
    /// nothing to register in `i18n.rs`.)
    pub fn session(&self) -> &'static SessionTexts {
        self.lang.pick(&RU, &EN)
    }
}
