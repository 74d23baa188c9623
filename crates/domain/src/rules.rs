//! Validation rules that the server enforces and the SPA checks before sending.

/// Passwords are 8 to 128 characters (Unicode scalar values, so Cyrillic counts one per letter).
pub const PASSWORD_MIN_CHARS: usize = 8;
/// See [`PASSWORD_MIN_CHARS`].
pub const PASSWORD_MAX_CHARS: usize = 128;

/// Logins are 3 to 64 characters.
pub const LOGIN_MIN_CHARS: usize = 3;
/// See [`LOGIN_MIN_CHARS`].
pub const LOGIN_MAX_CHARS: usize = 64;

/// Why a password length is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordLengthError {
    TooShort,
    TooLong,
}

/// Checks the password's length in characters (8–128). Any character is allowed, including
/// spaces and Cyrillic; the list of common passwords is checked on the server.
pub fn check_password_length(password: &str) -> Result<(), PasswordLengthError> {
    let n = password.chars().count();
    if n < PASSWORD_MIN_CHARS {
        Err(PasswordLengthError::TooShort)
    } else if n > PASSWORD_MAX_CHARS {
        Err(PasswordLengthError::TooLong)
    } else {
        Ok(())
    }
}

/// Normalizes a login for uniqueness and lookup: trimmed and lower-cased (Unicode-aware), so
/// `Ivanova`, `ivanova` and ` IVANOVA ` are the same account.
pub fn normalize_login(login: &str) -> String {
    login.trim().to_lowercase()
}

/// Checks a login: 3–64 characters of letters (any script), digits, `.`, `_`, `-`, `@`; no
/// spaces or control characters. Returns a message for the user on failure.
pub fn check_login(login: &str) -> Result<(), &'static str> {
    let n = login.chars().count();
    if !(LOGIN_MIN_CHARS..=LOGIN_MAX_CHARS).contains(&n) {
        return Err("login must be 3 to 64 characters");
    }
    if !login
        .chars()
        .all(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'))
    {
        return Err("login may contain only letters, digits and . _ - @");
    }
    Ok(())
}

/// The invite-code alphabet: digits and Latin capitals without look-alikes (no 0/O, 1/I/L).
pub const INVITE_ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
/// Significant characters in an invite code (31^12 ≈ 2^59 codes).
pub const INVITE_CODE_LEN: usize = 12;

/// Normalizes a typed invite code: drops spaces and dashes, upper-cases, and maps the look-alikes
/// a person may type (`O`→`0` is not in the alphabet, so `O` and `0` are refused by
/// [`is_valid_invite_code`]). Returns the bare 12 characters or whatever was typed, normalized.
pub fn normalize_invite_code(code: &str) -> String {
    code.chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_uppercase)
        .collect()
}

/// True when a normalized code has the right length and only alphabet characters.
pub fn is_valid_invite_code(normalized: &str) -> bool {
    normalized.len() == INVITE_CODE_LEN && normalized.bytes().all(|b| INVITE_ALPHABET.contains(&b))
}

/// Formats a normalized code in groups of four for printing: `K7QF-M3XP-2WHN`.
pub fn format_invite_code(normalized: &str) -> String {
    let chars: Vec<char> = normalized.chars().collect();
    chars
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

/// Masks a person's name for the invite preview, so a leaked code does not reveal the full name:
/// `Иванова Мария Петровна` → `Иванова М. П.`.
pub fn mask_person_name(last_name: &str, first_name: &str, middle_name: Option<&str>) -> String {
    let initial = |s: &str| {
        s.chars()
            .next()
            .map(|c| format!("{c}."))
            .unwrap_or_default()
    };
    let mut out = last_name.to_string();
    let f = initial(first_name);
    if !f.is_empty() {
        out.push(' ');
        out.push_str(&f);
    }
    if let Some(m) = middle_name {
        let m = initial(m);
        if !m.is_empty() {
            out.push(' ');
            out.push_str(&m);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_length_counts_characters_not_bytes() {
        assert_eq!(check_password_length("пароль12"), Ok(()));
        assert_eq!(
            check_password_length("пароль1"),
            Err(PasswordLengthError::TooShort)
        );
        assert_eq!(check_password_length(&"ж".repeat(128)), Ok(()));
        assert_eq!(
            check_password_length(&"ж".repeat(129)),
            Err(PasswordLengthError::TooLong)
        );
    }

    #[test]
    fn login_rules_accept_cyrillic_and_refuse_spaces_and_nul() {
        assert!(check_login("Иванова.мп").is_ok());
        assert!(check_login("ab").is_err());
        assert!(check_login("a b c").is_err());
        assert!(check_login("abc\0").is_err());
        assert!(check_login(&"a".repeat(65)).is_err());
        assert_eq!(normalize_login("  IvanovA "), "ivanova");
    }

    #[test]
    fn invite_codes_are_case_and_dash_insensitive() {
        let n = normalize_invite_code("k7qf-m3xp 2whn");
        assert_eq!(n, "K7QFM3XP2WHN");
        assert!(is_valid_invite_code(&n));
        assert_eq!(format_invite_code(&n), "K7QF-M3XP-2WHN");
        assert!(
            !is_valid_invite_code("K7QFM3XP2WH0"),
            "0 is not in the alphabet"
        );
        assert!(
            !is_valid_invite_code("K7QFM3XP2WHL"),
            "L is not in the alphabet"
        );
        assert!(!is_valid_invite_code("K7QF"));
    }

    #[test]
    fn person_name_is_masked_to_initials() {
        assert_eq!(
            mask_person_name("Иванова", "Мария", Some("Петровна")),
            "Иванова М. П."
        );
        assert_eq!(mask_person_name("Smith", "John", None), "Smith J.");
    }
}
