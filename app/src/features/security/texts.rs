//! Security's words: the e-mails sent when the password, the sign-in address or two-factor
//! sign-in changes.

/// Every text only security sends, in one language.
pub struct SecurityTexts {
    pub mail_totp_on_subject: &'static str,
    pub mail_totp_on_body: &'static str,
    pub mail_totp_off_subject: &'static str,
    pub mail_totp_off_body: &'static str,
    pub mail_email_changed_subject: &'static str,
    pub mail_email_changed_body: fn(&str) -> String,
}

pub static RU: SecurityTexts = SecurityTexts {
    mail_totp_on_subject: "Второй фактор включён",
    mail_totp_on_body: "Здравствуйте!\n\nДля вашей учётной записи в личном кабинете включён второй фактор: при входе теперь нужен код из приложения-аутентификатора.\n\nЕсли это сделали не вы, сразу смените пароль и сообщите в клинику.",
    mail_totp_off_subject: "Второй фактор отключён",
    mail_totp_off_body: "Здравствуйте!\n\nДля вашей учётной записи в личном кабинете отключён второй фактор: для входа снова достаточно пароля.\n\nЕсли это сделали не вы, сразу смените пароль и сообщите в клинику.",
    mail_email_changed_subject: "Адрес для входа в личный кабинет изменён",
    mail_email_changed_body: |new| format!("Здравствуйте!\n\nАдрес для входа в личный кабинет пациента изменён на {new}.\n\nЕсли это сделали не вы, сразу сообщите в клинику."),
};

pub static EN: SecurityTexts = SecurityTexts {
    mail_totp_on_subject: "Second factor turned on",
    mail_totp_on_body: "Hello,\n\nThe second factor is now on for your cabinet account: signing in needs a code from your authenticator app.\n\nIf this was not you, change your password at once and tell the clinic.",
    mail_totp_off_subject: "Second factor turned off",
    mail_totp_off_body: "Hello,\n\nThe second factor was turned off for your cabinet account: the password alone signs in again.\n\nIf this was not you, change your password at once and tell the clinic.",
    mail_email_changed_subject: "Your cabinet sign-in address was changed",
    mail_email_changed_body: |new| format!("Hello,\n\nThe sign-in address of your patient cabinet was changed to {new}.\n\nIf this was not you, tell the clinic at once."),
};

impl crate::i18n::Texts {
    /// Account security's texts, in this language. (A feature's texts hang off `Texts` here, next to the feature:
    /// nothing to register in `i18n.rs`.)
    pub fn security(&self) -> &'static SecurityTexts {
        self.lang.pick(&RU, &EN)
    }
}
