//! Clinic administration's rules: a staff member's name as typed, and how long an invitation
//! link lives.

/// A staff invitation link works once, for a day.
pub const INVITE_TTL_SECS: i64 = 24 * 60 * 60;

/// The longest surname, name or patronymic taken (as on a patient's card).
pub const NAME_PART_MAX_CHARS: usize = 100;

/// A staff member's full name: surname, first name and, when there is one, patronymic.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FullName {
    pub surname: String,
    pub name: String,
    pub patronymic: String,
}

impl FullName {
    /// "Фамилия Имя Отчество" as typed: the first word is the surname, the second the name, the
    /// rest (none, or a patronymic such as «Ахмед оглы») the patronymic. None when there are
    /// fewer than two words, a part is too long, or the name holds anything but letters,
    /// hyphens, apostrophes, dots and spaces.
    pub fn parse(typed: &str) -> Option<FullName> {
        let words: Vec<&str> = typed.split_whitespace().collect();
        let allowed = |c: char| c.is_alphabetic() || matches!(c, '-' | '\'' | '’' | '.');
        if words.len() < 2 || !words.iter().all(|w| w.chars().all(allowed)) {
            return None;
        }
        let name =
            FullName { surname: words[0].to_owned(), name: words[1].to_owned(), patronymic: words[2..].join(" ") };
        let parts = [&name.surname, &name.name, &name.patronymic];
        parts.iter().all(|p| p.chars().count() <= NAME_PART_MAX_CHARS).then_some(name)
    }

    /// "Фамилия Имя Отчество", as the staff lists show it.
    pub fn display(&self) -> String {
        [self.surname.as_str(), self.name.as_str(), self.patronymic.as_str()]
            .iter()
            .filter(|p| !p.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_name_is_surname_name_and_the_rest_as_patronymic() {
        let n = FullName::parse("  Соколова   Анна Сергеевна ").unwrap();
        assert_eq!((n.surname.as_str(), n.name.as_str(), n.patronymic.as_str()), ("Соколова", "Анна", "Сергеевна"));
        assert_eq!(n.display(), "Соколова Анна Сергеевна");
        let two = FullName::parse("Smith John").unwrap();
        assert_eq!(two.patronymic, "");
        assert_eq!(two.display(), "Smith John");
        assert_eq!(FullName::parse("Алиев Рустам Ахмед оглы").unwrap().patronymic, "Ахмед оглы");
        assert_eq!(FullName::parse("Римский-Корсакова Д’Арк Ивановна").unwrap().surname, "Римский-Корсакова");
    }

    #[test]
    fn a_name_of_one_word_or_with_other_characters_is_refused() {
        for bad in ["", "   ", "Соколова", "Соколова <script>", "Соколова Анна1", "Соколова\u{0} Анна"]
        {
            assert_eq!(FullName::parse(bad), None, "{bad:?}");
        }
        let long = "а".repeat(NAME_PART_MAX_CHARS + 1);
        assert_eq!(FullName::parse(&format!("{long} Анна")), None);
        assert!(FullName::parse(&format!("{} Анна", "а".repeat(NAME_PART_MAX_CHARS))).is_some());
    }
}
