//! Where forms may send people next: only to paths on this site.

/// A path on this site, never another site's address: forms that send people on ("next")
/// cannot be used to send them elsewhere.
pub fn local_path(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.starts_with("/\\") => n.to_string(),
        _ => "/".to_string(),
    }
}

/// Where to go after signing in: a local path other than the sign-in page itself.
pub fn safe_next(next: Option<&str>) -> String {
    match local_path(next) {
        n if n.starts_with("/signin") => "/".to_string(),
        n => n,
    }
}

/// Percent-encodes a query parameter's value (RFC 3986 unreserved characters stay).
pub fn percent_encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed_after_sign_in() {
        assert_eq!(safe_next(Some("/prices?q=узи")), "/prices?q=узи");
        assert_eq!(safe_next(Some("https://evil.example/")), "/");
        assert_eq!(safe_next(Some("//evil.example/")), "/");
        assert_eq!(safe_next(Some("/\\evil.example")), "/");
        assert_eq!(safe_next(Some("/signin")), "/");
        assert_eq!(safe_next(None), "/");
    }

    #[test]
    fn query_values_are_percent_encoded() {
        assert_eq!(percent_encode("anna+1@example.ru"), "anna%2B1%40example.ru");
        assert_eq!(percent_encode("a b&c"), "a%20b%26c");
    }
}
