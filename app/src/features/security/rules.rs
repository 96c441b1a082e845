//! Second-factor rules shared by the browser and the server: how typed codes are read.

/// Recovery codes issued when the second factor is turned on.
pub const RECOVERY_CODES: usize = 10;
/// A recovery code: 16 characters of Crockford's base 32, 80 bits.
pub const RECOVERY_CODE_LEN: usize = 16;

const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// Crockford base 32 of `bytes`, five bits per character.
pub fn crockford(bytes: &[u8]) -> String {
    let mut out = String::new();
    let (mut buffer, mut bits) = (0u32, 0u32);
    for b in bytes {
        buffer = (buffer << 8) | u32::from(*b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(CROCKFORD[((buffer >> bits) & 31) as usize] as char);
        }
    }
    if bits > 0 {
        out.push(CROCKFORD[((buffer << (5 - bits)) & 31) as usize] as char);
    }
    out
}

/// A six-digit code from an authenticator app, spaces allowed ("123 456").
pub fn normalize_totp_code(typed: &str) -> Option<String> {
    let code: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
    (code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit())).then_some(code)
}

/// A recovery code as typed (any case, dashes and spaces, O for 0, I or L for 1).
pub fn normalize_recovery_code(typed: &str) -> Option<String> {
    let code: String = typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            c => c,
        })
        .collect();
    (code.len() == RECOVERY_CODE_LEN && code.bytes().all(|b| CROCKFORD.contains(&b))).then_some(code)
}

/// "ABCD-EFGH-JKMN-PQRS".
pub fn display_recovery_code(code: &str) -> String {
    code.as_bytes().chunks(4).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>().join("-")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crockford_encodes_five_bits_per_character() {
        assert_eq!(crockford(&[0u8; 10]), "0000000000000000");
        assert_eq!(crockford(&[0xff; 10]), "ZZZZZZZZZZZZZZZZ");
        assert_eq!(crockford(&[0x84, 0x21, 0x08, 0x42, 0x10]), "GGGGGGGG");
    }

    #[test]
    fn typed_codes_are_read_as_meant() {
        assert_eq!(normalize_totp_code(" 123 456 ").as_deref(), Some("123456"));
        assert_eq!(normalize_totp_code("12345"), None);
        assert_eq!(normalize_totp_code("12345a"), None);
        assert_eq!(normalize_recovery_code("abcd-efgh-jkmn-pqrs").as_deref(), Some("ABCDEFGHJKMNPQRS"));
        assert_eq!(normalize_recovery_code("oooo iiii llll 2345").as_deref(), Some("0000111111112345"));
        assert_eq!(normalize_recovery_code("ABCD-EFGH-JKMN-PQRU"), None);
        assert_eq!(normalize_recovery_code("123456"), None);
        assert_eq!(display_recovery_code("ABCDEFGHJKMNPQRS"), "ABCD-EFGH-JKMN-PQRS");
    }
}
