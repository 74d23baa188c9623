//! Password hashing and the password policy.
//!
//! Hashes are argon2id with m = 19 MiB, t = 2, p = 1 (OWASP's minimum recommendation), in PHC
//! string form. Hashing runs on the blocking thread pool, never on the async workers.
//! Policy: 8–128 characters (any Unicode), not in the list of common passwords, not the login.

use std::collections::HashSet;
use std::sync::LazyLock;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use otmetka_domain::rules::{PasswordLengthError, check_password_length};
use otmetka_domain::{ErrorCode, FieldError};
use rand::rngs::OsRng;

use crate::error::AppError;

/// The common-password list: the 100 000 most frequent passwords of the OWASP SecLists
/// "10 million password list" (CC BY-SA 3.0), those of 8–128 characters, plus common Russian
/// ones. One per line.
static COMMON: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    include_str!("../../data/common-passwords.txt")
        .lines()
        .filter(|l| !l.is_empty())
        .collect()
});

fn argon2() -> Argon2<'static> {
    // The parameters are constants within argon2's bounds; `Params::new` cannot fail for them.
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Checks the policy for a new password. `field` names the JSON field in the error.
///
/// Errors: 422 `password_length` (fewer than 8 or more than 128 characters), 422
/// `password_too_common` (in the list, case-insensitively, or equal to the login).
pub fn check_policy(password: &str, login: Option<&str>, field: &str) -> Result<(), AppError> {
    let fail = |code: ErrorCode, rule: &str, message: &str| {
        let mut e = AppError::new(code).detail(message.to_string());
        e.errors = vec![FieldError {
            field: field.into(),
            code: rule.into(),
            message: message.into(),
        }];
        Err(e)
    };
    match check_password_length(password) {
        Err(PasswordLengthError::TooShort) => {
            return fail(
                ErrorCode::PasswordLength,
                "length",
                "password must be at least 8 characters",
            );
        }
        Err(PasswordLengthError::TooLong) => {
            return fail(
                ErrorCode::PasswordLength,
                "length",
                "password must be at most 128 characters",
            );
        }
        Ok(()) => {}
    }
    let lower = password.to_lowercase();
    if COMMON.contains(password) || COMMON.contains(lower.as_str()) {
        return fail(
            ErrorCode::PasswordTooCommon,
            "too_common",
            "this password is too common",
        );
    }
    if let Some(login) = login
        && lower == otmetka_domain::rules::normalize_login(login)
    {
        return fail(
            ErrorCode::PasswordTooCommon,
            "too_common",
            "the password must differ from the login",
        );
    }
    Ok(())
}

/// Hashes a password (argon2id, random salt) on the blocking pool. Returns the PHC string.
pub async fn hash(password: String) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        argon2()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(AppError::internal)
    })
    .await
    .map_err(AppError::internal)?
}

/// A hash of a random password, verified against when the login is unknown so that unknown and
/// known logins take the same time.
static DUMMY_HASH: LazyLock<String> = LazyLock::new(|| {
    let salt = SaltString::generate(&mut OsRng);
    argon2()
        .hash_password(crate::auth::tokens::random_hex(16).as_bytes(), &salt)
        .map(|h| h.to_string())
        .unwrap_or_default()
});

/// Verifies a password against a stored PHC hash on the blocking pool; `None` verifies against a
/// dummy hash and returns false (constant work for unknown logins).
pub async fn verify(password: String, stored: Option<String>) -> Result<bool, AppError> {
    tokio::task::spawn_blocking(move || {
        let known = stored.is_some();
        let stored = stored.unwrap_or_else(|| DUMMY_HASH.clone());
        let ok = match PasswordHash::new(&stored) {
            Ok(parsed) => argon2()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok(),
            Err(_) => false,
        };
        known && ok
    })
    .await
    .map_err(AppError::internal)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_rejects_short_long_common_and_login() {
        assert_eq!(
            check_policy("short", None, "password").unwrap_err().code,
            ErrorCode::PasswordLength
        );
        assert_eq!(
            check_policy(&"x".repeat(129), None, "password")
                .unwrap_err()
                .code,
            ErrorCode::PasswordLength
        );
        assert_eq!(
            check_policy("password", None, "password").unwrap_err().code,
            ErrorCode::PasswordTooCommon
        );
        assert_eq!(
            check_policy("Qwerty123", None, "password")
                .unwrap_err()
                .code,
            ErrorCode::PasswordTooCommon
        );
        assert_eq!(
            check_policy("пароль123", None, "password")
                .unwrap_err()
                .code,
            ErrorCode::PasswordTooCommon
        );
        let e = check_policy("ivanova.mp", Some("Ivanova.MP"), "password").unwrap_err();
        assert_eq!(e.code, ErrorCode::PasswordTooCommon);
        assert_eq!(e.errors[0].field, "password");
        assert!(check_policy("Синий-кит-на-крыше", None, "password").is_ok());
    }

    #[tokio::test]
    async fn hash_is_argon2id_with_the_documented_cost_and_verifies() {
        let h = hash("Синий-кит-на-крыше".into()).await.unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(
            verify("Синий-кит-на-крыше".into(), Some(h.clone()))
                .await
                .unwrap()
        );
        assert!(!verify("синий-кит-на-крыше".into(), Some(h)).await.unwrap());
        assert!(!verify("anything".into(), None).await.unwrap());
    }
}
