//! Where forms may send people next: only to paths on this site. A "next" value comes from the
//! address bar, so it is checked as an attacker would shape it: browsers drop tabs and newlines
//! from URLs and read `\` as `/`, so `/\t/evil.example` or `/\evil.example` would leave the
//! site; a header cannot carry a newline at all.

/// Longer "next" values are not kept (no page of ours needs one).
const NEXT_MAX: usize = 2048;

/// Whether `next` is a path that, resolved against this site's own origin, stays on it: it
/// starts with one `/`, has no control characters, whitespace or backslashes, and its path
/// part (percent-decoded, as often as it decodes) has none of those either, nor `//`.
pub fn is_local_path(next: &str) -> bool {
    let bad_char = |c: char| c.is_control() || c.is_whitespace() || c == '\\';
    if next.len() > NEXT_MAX || !next.starts_with('/') || next.chars().any(bad_char) {
        return false;
    }
    let path = next.split(['?', '#']).next().unwrap_or_default();
    let mut decoded = path.to_string();
    for _ in 0..4 {
        if decoded.contains("//") || decoded.chars().any(bad_char) {
            return false;
        }
        let next_round = percent_decode(&decoded);
        if next_round == decoded {
            return true;
        }
        decoded = next_round;
    }
    // Encoded four times over: no page of ours has such a path.
    false
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (bytes[i], bytes.get(i + 1).copied().and_then(hex), bytes.get(i + 2).copied().and_then(hex)) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            (b, ..) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A path on this site, never another site's address: forms that send people on ("next")
/// cannot be used to send them elsewhere. Anything doubtful is the home page.
pub fn local_path(next: Option<&str>) -> String {
    match next {
        Some(n) if is_local_path(n) => n.to_string(),
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

/// Sends a server function's caller on to `path`. `leptos_axum::redirect` panics on a value a
/// header cannot carry (a newline); such a value sends them home instead, so no input can end
/// a request without an answer.
#[cfg(feature = "ssr")]
pub fn redirect(path: &str) {
    let sendable = axum::http::HeaderValue::from_str(path).is_ok();
    leptos_axum::redirect(if sendable { path } else { "/" });
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
    fn known_open_redirect_bypasses_go_home() {
        for bypass in [
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r\n/evil.example",
            "/\u{0}/evil.example",
            "/ /evil.example",
            "/\u{a0}/evil.example",
            "/\\evil.example",
            "\\/\\/evil.example",
            "\\\\evil.example",
            "/%09/evil.example",
            "/%0a/evil.example",
            "/%0D%0A/evil.example",
            "/%20/evil.example",
            "/%2F/evil.example",
            "/%2f%2fevil.example",
            "%2F%2Fevil.example",
            "/%5C/evil.example",
            "/%5cevil.example",
            "/%252F%252Fevil.example",
            "/%25252F%25252Fevil.example",
            "/%2525252F%2525252Fevil.example",
            "///evil.example",
            "/a//evil.example",
            "https://evil.example",
            "javascript:alert(1)",
            "evil.example",
            "",
        ] {
            assert_eq!(local_path(Some(bypass)), "/", "{bypass:?}");
            assert_eq!(safe_next(Some(bypass)), "/", "{bypass:?}");
        }
    }

    #[test]
    fn ordinary_paths_with_queries_and_fragments_are_kept() {
        for ok in [
            "/",
            "/record?year=2025&q=%D1%83%D0%B7%D0%B8",
            "/prices?q=a%20b",
            "/staff/cards/12/documents#files",
            "/news/3",
            "/prices?next=//evil.example",
        ] {
            assert_eq!(local_path(Some(ok)), ok);
        }
        assert_eq!(local_path(Some(&format!("/{}", "a".repeat(3000)))), "/");
    }

    #[test]
    fn query_values_are_percent_encoded() {
        assert_eq!(percent_encode("anna+1@example.ru"), "anna%2B1%40example.ru");
        assert_eq!(percent_encode("a b&c"), "a%20b%26c");
    }
}
