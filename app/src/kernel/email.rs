//! E-mail addresses as the portal stores and compares them.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A syntactically plausible e-mail address, trimmed and lower-cased so that the same mailbox
/// always compares equal. Deliverability is proven by mail, not by parsing.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Email(String);

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid e-mail address")]
pub struct InvalidEmail;

impl Email {
    pub fn parse(raw: &str) -> Result<Self, InvalidEmail> {
        let s = raw.trim().to_lowercase();
        let (local, domain) = s.split_once('@').ok_or(InvalidEmail)?;
        let ok = !local.is_empty()
            && local.len() <= 64
            && s.len() <= 254
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains('@')
            && !s.chars().any(|c| c.is_whitespace() || c.is_control());
        if ok {
            Ok(Self(s))
        } else {
            Err(InvalidEmail)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_normalised_to_lower_case_without_spaces() {
        let e = Email::parse("  Patient@Kabinet.Example ").unwrap();
        assert_eq!(e.as_str(), "patient@kabinet.example");
    }

    #[test]
    fn malformed_addresses_are_refused() {
        for raw in ["", "patient", "@kabinet.example", "a@b", "a@.b", "a@b.", "a b@c.d", "a@b@c.d"] {
            assert_eq!(Email::parse(raw), Err(InvalidEmail), "{raw:?}");
        }
    }
}
