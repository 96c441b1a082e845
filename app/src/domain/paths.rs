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
}
