//! Onboarding rules shared by the browser and the server: consents, verification codes,
//! passwords, and how a typed name is compared with the card.

use serde::{Deserialize, Serialize};

/// The consents a patient signs at the front desk; the cabinet opens only with all three.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ConsentKind {
    Telemedicine,
    EmailResults,
    PdProcessing,
}

impl ConsentKind {
    pub const ALL: [ConsentKind; 3] = [ConsentKind::Telemedicine, ConsentKind::EmailResults, ConsentKind::PdProcessing];

    pub fn as_str(self) -> &'static str {
        match self {
            ConsentKind::Telemedicine => "telemedicine",
            ConsentKind::EmailResults => "email_results",
            ConsentKind::PdProcessing => "pd_processing",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// The version of the consent texts the front desk prints today; recorded with each consent.
pub const CONSENT_TEXT_VERSION: &str = "2026-1";

/// True when every consent the cabinet needs is on record.
pub fn consents_complete(kinds: &[ConsentKind]) -> bool {
    ConsentKind::ALL.iter().all(|k| kinds.contains(k))
}

/// Verification codes: 8 characters of Crockford's base 32 (digits and letters without I, L, O
/// and U), which is 40 bits. Typed look-alikes (O for 0, I or L for 1) are read as meant.
pub const CODE_LEN: usize = 8;
/// How long an e-mailed code stays valid.
pub const CODE_TTL_SECS: i64 = 24 * 60 * 60;
/// Wrong tries after which a code is void.
pub const CODE_MAX_FAILURES: i64 = 5;

fn code_symbols() -> &'static [u8] {
    b"0123456789ABCDEFGHJKMNPQRSTVWXYZ"
}

/// A typed code as the server compares it: spaces and dashes dropped, upper case, and the
/// look-alikes people type by mistake mapped to the symbol they meant. `None` when it cannot be
/// a code at all.
pub fn normalize_code(input: &str) -> Option<String> {
    let code: String = input
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            c => c,
        })
        .collect();
    let ok = code.len() == CODE_LEN && code.bytes().all(|b| code_symbols().contains(&b));
    ok.then_some(code)
}

/// A fresh code from the operating system's generator.
#[cfg(feature = "ssr")]
pub fn generate_code() -> String {
    use rand::Rng;
    let symbols = code_symbols();
    let mut rng = rand::rngs::OsRng;
    (0..CODE_LEN).map(|_| symbols[rng.gen_range(0..symbols.len())] as char).collect()
}

/// Shows a code in two groups of four, as the e-mail prints it.
pub fn display_code(code: &str) -> String {
    if code.len() == CODE_LEN {
        format!("{}-{}", &code[..4], &code[4..])
    } else {
        code.to_string()
    }
}

pub const PASSWORD_MIN_CHARS: usize = 8;
pub const PASSWORD_MAX_CHARS: usize = 128;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PasswordProblem {
    TooShort,
    TooLong,
    Common,
    Mismatch,
}

/// NIST 800-63B: length, a list of passwords everybody tries, and no composition rules.
pub fn check_password(password: &str, again: &str) -> Result<(), PasswordProblem> {
    let chars = password.chars().count();
    if chars < PASSWORD_MIN_CHARS {
        return Err(PasswordProblem::TooShort);
    }
    if chars > PASSWORD_MAX_CHARS {
        return Err(PasswordProblem::TooLong);
    }
    if is_common_password(password) {
        return Err(PasswordProblem::Common);
    }
    if password != again {
        return Err(PasswordProblem::Mismatch);
    }
    Ok(())
}

/// Passwords at the top of every leaked list, in Latin and on a Russian keyboard. Compared case-
/// insensitively; a password made of one repeated character or a plain run of digits counts too.
pub fn is_common_password(password: &str) -> bool {
    let p = password.trim().to_lowercase();
    if let Some(first) = p.chars().next() {
        if p.chars().all(|c| c == first) {
            return true;
        }
    }
    if p.chars().all(|c| c.is_ascii_digit())
        && ("01234567890123456789".contains(&p) || "98765432109876543210".contains(&p))
    {
        return true;
    }
    COMMON_PASSWORDS.contains(&p.as_str())
}

const COMMON_PASSWORDS: &[&str] = &[
    "password",
    "password1",
    "password12",
    "password123",
    "password!",
    "passw0rd",
    "p@ssw0rd",
    "p@ssword",
    "qwerty123",
    "qwertyui",
    "qwertyuiop",
    "qwerty12",
    "qwerty1234",
    "qwe12345",
    "qweasdzxc",
    "1q2w3e4r",
    "1q2w3e4r5t",
    "1qaz2wsx",
    "zaq12wsx",
    "asdfghjk",
    "asdfghjkl",
    "zxcvbnm1",
    "zxcvbnmm",
    "12345678",
    "123456789",
    "1234567890",
    "12341234",
    "11223344",
    "12121212",
    "123123123",
    "123321123",
    "87654321",
    "iloveyou",
    "iloveyou1",
    "sunshine",
    "princess",
    "football",
    "baseball",
    "welcome1",
    "welcome123",
    "admin123",
    "administrator",
    "letmein1",
    "trustno1",
    "superman",
    "starwars",
    "dragon12",
    "master12",
    "monkey12",
    "michael1",
    "jennifer",
    "computer",
    "internet",
    "whatever",
    "abc12345",
    "abcd1234",
    "abcdefgh",
    "changeme",
    "secret12",
    "samsung1",
    "google12",
    "123qweasd",
    "q1w2e3r4",
    "q1w2e3r4t5",
    "a1b2c3d4",
    "aa123456",
    "asd12345",
    "zxc12345",
    "qazwsxedc",
    "1qazxsw2",
    "mypassword",
    "parol123",
    "parolparol",
    "privet123",
    "natasha1",
    "marina123",
    "nikita123",
    "maksim123",
    "alexander",
    "vladimir",
    "йцукенгш",
    "йцукенгшщз",
    "йцукен123",
    "пароль123",
    "парольпароль",
    "пароль12",
    "привет123",
    "ячсмитьб",
    "фывапролд",
    "qwertyqwerty",
    "passpass",
    "testtest",
    "test1234",
    "kabinet123",
    "clinic123",
    "doctor123",
];

/// Names as people type them: case, surrounding spaces, doubled spaces and ё/е do not matter.
pub fn normalize_name(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase().replace('ё', "е")
}

pub fn names_match(typed: &str, on_card: &str) -> bool {
    !typed.trim().is_empty() && normalize_name(typed) == normalize_name(on_card)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cabinet_needs_all_three_consents() {
        assert!(consents_complete(&ConsentKind::ALL));
        assert!(!consents_complete(&[ConsentKind::Telemedicine, ConsentKind::PdProcessing]));
        assert!(!consents_complete(&[]));
        for k in ConsentKind::ALL {
            assert_eq!(ConsentKind::parse(k.as_str()), Some(k));
        }
        assert_eq!(ConsentKind::parse("advertising"), None);
    }

    #[test]
    fn codes_have_forty_bits_and_tolerate_how_people_type_them() {
        assert_eq!(code_symbols().len(), 32);
        assert_eq!(normalize_code("abcd-efgh").as_deref(), Some("ABCDEFGH"));
        assert_eq!(normalize_code(" AB CD EF GH ").as_deref(), Some("ABCDEFGH"));
        // Look-alikes map onto the symbols the code uses.
        assert_eq!(normalize_code("0o1il234").as_deref(), Some("00111234"));
        assert_eq!(normalize_code("ABCDEFGU"), None);
        assert_eq!(normalize_code("ABCDEFG"), None);
        assert_eq!(normalize_code("ABCDEFGHJ"), None);
        assert_eq!(normalize_code("ABCDEFG!"), None);
        assert_eq!(display_code("ABCDEFGH"), "ABCD-EFGH");
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn generated_codes_are_valid_and_differ() {
        let a = generate_code();
        assert_eq!(normalize_code(&a).as_deref(), Some(a.as_str()));
        let distinct: std::collections::HashSet<_> = (0..50).map(|_| generate_code()).collect();
        assert_eq!(distinct.len(), 50);
    }

    #[test]
    fn passwords_need_length_and_must_not_be_common() {
        assert_eq!(check_password("short", "short"), Err(PasswordProblem::TooShort));
        assert_eq!(check_password("12345678", "12345678"), Err(PasswordProblem::Common));
        assert_eq!(check_password("Password1", "Password1"), Err(PasswordProblem::Common));
        assert_eq!(check_password("ЙЦУКЕНГШ", "ЙЦУКЕНГШ"), Err(PasswordProblem::Common));
        assert_eq!(check_password("zzzzzzzzzz", "zzzzzzzzzz"), Err(PasswordProblem::Common));
        assert_eq!(check_password("34567890", "34567890"), Err(PasswordProblem::Common));
        assert_eq!(check_password("green pelican 42", "green pelican 43"), Err(PasswordProblem::Mismatch));
        assert_eq!(check_password("green pelican 42", "green pelican 42"), Ok(()));
        // No composition rules; eight Cyrillic letters are eight characters, not sixteen bytes.
        assert_eq!(check_password("зелёныйслон", "зелёныйслон"), Ok(()));
        let long = "a long passphrase that keeps going ".repeat(2);
        assert!(long.chars().count() >= 64);
        assert_eq!(check_password(&long, &long), Ok(()));
        let too_long = "x1".repeat(65);
        assert_eq!(check_password(&too_long, &too_long), Err(PasswordProblem::TooLong));
    }

    #[test]
    fn names_compare_as_people_write_them() {
        assert!(names_match("  фёдорова ", "Федорова"));
        assert!(names_match("Анна  Мария", "анна мария"));
        assert!(!names_match("", ""));
        assert!(!names_match("Иванова", "Иванов"));
    }
}
