//! Form checks done before sending, and where a server error belongs on a form.
//!
//! The rules themselves come from `otmetka_domain::rules`, the same functions the server runs, so
//! the SPA refuses exactly what the server would refuse (except the common-password list, which
//! only the server has).

use otmetka_domain::rules::{
    self, LOGIN_MAX_CHARS, LOGIN_MIN_CHARS, PasswordLengthError, check_login, check_password_length,
};
use otmetka_domain::{ErrorCode, FieldError};

use crate::api::ApiError;

/// An input of the login or registration form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    InviteCode,
    Login,
    Password,
    /// The repeated password.
    Password2,
    Email,
}

/// What is wrong with one input; each has a translated text (`field_errors.*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldProblem {
    Required,
    LoginLength,
    LoginChars,
    /// The server refused the login's form without saying why: both rules are shown.
    LoginFormat,
    LoginTaken,
    PasswordTooShort,
    PasswordTooLong,
    /// The server said the length is wrong without saying which way.
    PasswordLength,
    PasswordTooCommon,
    PasswordMismatch,
    EmailFormat,
    InviteFormat,
    /// A rule the SPA has no specific text for.
    Invalid,
}

/// Problems found on a form, at most one per field.
pub type FieldErrors = Vec<(Field, FieldProblem)>;

/// The problem shown under `field`, if any.
pub fn problem_for(errors: &[(Field, FieldProblem)], field: Field) -> Option<FieldProblem> {
    errors.iter().find(|(f, _)| *f == field).map(|(_, p)| *p)
}

/// Checks a typed invite code and returns its normalized form (12 characters, no dashes,
/// upper case) to send.
pub fn check_invite_code(input: &str) -> Result<String, FieldProblem> {
    let code = rules::normalize_invite_code(input);
    if code.is_empty() {
        Err(FieldProblem::Required)
    } else if rules::is_valid_invite_code(&code) {
        Ok(code)
    } else {
        Err(FieldProblem::InviteFormat)
    }
}

/// Reads a code from the `?code=` query parameter: prefilled only when it looks like a code, so
/// that a mangled link does not show garbage.
pub fn invite_code_from_query(value: Option<&str>) -> Option<String> {
    let code = check_invite_code(value?).ok()?;
    Some(rules::format_invite_code(&code))
}

/// The login form: both fields are required; everything else is the server's to judge (an old
/// account may have a login that today's rules would refuse).
pub fn check_login_form(login: &str, password: &str) -> FieldErrors {
    let mut errors = Vec::new();
    if login.trim().is_empty() {
        errors.push((Field::Login, FieldProblem::Required));
    }
    if password.is_empty() {
        errors.push((Field::Password, FieldProblem::Required));
    }
    errors
}

/// The registration form as typed.
#[derive(Debug, Clone, Default)]
pub struct RegisterInput {
    pub login: String,
    pub password: String,
    pub password2: String,
    pub email: String,
}

/// The e-mail to send: trimmed, `None` when left empty.
pub fn normalize_email(email: &str) -> Option<String> {
    let email = email.trim();
    (!email.is_empty()).then(|| email.to_string())
}

/// A light e-mail check (one `@`, a dot in the domain, no spaces, at most 254 characters); the
/// server has the final word.
pub fn looks_like_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    email.chars().count() <= 254
        && !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !email.chars().any(char::is_whitespace)
}

/// Checks the registration form with the domain's rules.
pub fn check_register(input: &RegisterInput) -> FieldErrors {
    let mut errors = Vec::new();
    let login = input.login.trim();
    if login.is_empty() {
        errors.push((Field::Login, FieldProblem::Required));
    } else if check_login(login).is_err() {
        let n = login.chars().count();
        let problem = if (LOGIN_MIN_CHARS..=LOGIN_MAX_CHARS).contains(&n) {
            FieldProblem::LoginChars
        } else {
            FieldProblem::LoginLength
        };
        errors.push((Field::Login, problem));
    }
    if input.password.is_empty() {
        errors.push((Field::Password, FieldProblem::Required));
    } else {
        match check_password_length(&input.password) {
            Ok(()) => {}
            Err(PasswordLengthError::TooShort) => {
                errors.push((Field::Password, FieldProblem::PasswordTooShort));
            }
            Err(PasswordLengthError::TooLong) => {
                errors.push((Field::Password, FieldProblem::PasswordTooLong));
            }
        }
    }
    if input.password2 != input.password {
        errors.push((Field::Password2, FieldProblem::PasswordMismatch));
    }
    if let Some(email) = normalize_email(&input.email)
        && !looks_like_email(&email)
    {
        errors.push((Field::Email, FieldProblem::EmailFormat));
    }
    errors
}

/// Maps one of the server's per-field errors to an input and a problem.
pub fn server_field_problem(error: &FieldError) -> Option<(Field, FieldProblem)> {
    let field = match error.field.as_str() {
        "login" => Field::Login,
        "password" => Field::Password,
        "email" => Field::Email,
        "invite_code" => Field::InviteCode,
        _ => return None,
    };
    let problem = match (field, error.code.as_str()) {
        (_, "required") => FieldProblem::Required,
        (Field::Login, "length") => FieldProblem::LoginLength,
        (Field::Login, "taken" | "login_taken") => FieldProblem::LoginTaken,
        (Field::Login, _) => FieldProblem::LoginFormat,
        (Field::Password, "too_common" | "password_too_common") => FieldProblem::PasswordTooCommon,
        (Field::Password, "length" | "password_length") => FieldProblem::PasswordLength,
        (Field::Email, _) => FieldProblem::EmailFormat,
        (Field::InviteCode, _) => FieldProblem::InviteFormat,
        _ => FieldProblem::Invalid,
    };
    Some((field, problem))
}

/// Where the registration form shows a server error.
#[derive(Debug, Clone, PartialEq)]
pub enum RegisterErrorPlace {
    /// Under the inputs it concerns.
    Fields(FieldErrors),
    /// The invite cannot be used (any more): back to step 1 with the message.
    Invite,
    /// Above the submit button.
    Form,
}

/// Decides where a registration error is shown.
pub fn register_error_place(err: &ApiError) -> RegisterErrorPlace {
    let ApiError::Problem { problem, .. } = err else {
        return RegisterErrorPlace::Form;
    };
    match problem.code {
        ErrorCode::InviteUnknown
        | ErrorCode::InviteUsed
        | ErrorCode::InviteExpired
        | ErrorCode::InviteRevoked => RegisterErrorPlace::Invite,
        ErrorCode::LoginTaken => {
            RegisterErrorPlace::Fields(vec![(Field::Login, FieldProblem::LoginTaken)])
        }
        ErrorCode::PasswordTooCommon => {
            RegisterErrorPlace::Fields(vec![(Field::Password, FieldProblem::PasswordTooCommon)])
        }
        ErrorCode::PasswordLength => {
            RegisterErrorPlace::Fields(vec![(Field::Password, FieldProblem::PasswordLength)])
        }
        ErrorCode::ValidationFailed => {
            let mut fields: FieldErrors = Vec::new();
            for (field, problem) in problem.errors.iter().filter_map(server_field_problem) {
                if problem_for(&fields, field).is_none() {
                    fields.push((field, problem));
                }
            }
            if fields.is_empty() || problem_for(&fields, Field::InviteCode).is_some() {
                RegisterErrorPlace::Form
            } else {
                RegisterErrorPlace::Fields(fields)
            }
        }
        _ => RegisterErrorPlace::Form,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(code: ErrorCode, errors: Vec<FieldError>) -> ApiError {
        let mut err = ApiError::from_code(code, 422);
        if let ApiError::Problem { problem, .. } = &mut err {
            problem.errors = errors;
        }
        err
    }

    fn field_error(field: &str, code: &str) -> FieldError {
        FieldError {
            field: field.into(),
            code: code.into(),
            message: "english text never shown".into(),
        }
    }

    fn input(login: &str, password: &str, password2: &str, email: &str) -> RegisterInput {
        RegisterInput {
            login: login.into(),
            password: password.into(),
            password2: password2.into(),
            email: email.into(),
        }
    }

    #[test]
    fn invite_code_is_accepted_in_any_case_with_or_without_dashes() {
        assert_eq!(
            check_invite_code("k7qf-m3xp-2whn").as_deref(),
            Ok("K7QFM3XP2WHN")
        );
        assert_eq!(
            check_invite_code(" K7QF M3XP 2WHN ").as_deref(),
            Ok("K7QFM3XP2WHN")
        );
        assert_eq!(
            check_invite_code("K7QFM3XP2WHN").as_deref(),
            Ok("K7QFM3XP2WHN")
        );
        assert_eq!(check_invite_code(""), Err(FieldProblem::Required));
        assert_eq!(check_invite_code(" - "), Err(FieldProblem::Required));
        assert_eq!(
            check_invite_code("K7QF-M3XP-2WH0"),
            Err(FieldProblem::InviteFormat)
        );
        assert_eq!(check_invite_code("K7QF"), Err(FieldProblem::InviteFormat));
    }

    #[test]
    fn invite_code_in_the_link_is_prefilled_formatted_or_ignored() {
        assert_eq!(
            invite_code_from_query(Some("k7qfm3xp2whn")).as_deref(),
            Some("K7QF-M3XP-2WHN")
        );
        assert_eq!(invite_code_from_query(Some("<script>")), None);
        assert_eq!(invite_code_from_query(None), None);
    }

    #[test]
    fn login_form_needs_both_fields_but_judges_nothing_else() {
        assert_eq!(
            check_login_form("  ", ""),
            vec![
                (Field::Login, FieldProblem::Required),
                (Field::Password, FieldProblem::Required)
            ]
        );
        assert!(
            check_login_form("ab", "x").is_empty(),
            "old short logins may still sign in"
        );
    }

    #[test]
    fn register_form_applies_the_domain_rules() {
        assert!(check_register(&input("Иванова.мп", "пароль12", "пароль12", "")).is_empty());
        assert_eq!(
            check_register(&input("ab", "short", "short", "")),
            vec![
                (Field::Login, FieldProblem::LoginLength),
                (Field::Password, FieldProblem::PasswordTooShort)
            ]
        );
        assert_eq!(
            check_register(&input("a b", &"ж".repeat(129), &"ж".repeat(129), "")),
            vec![
                (Field::Login, FieldProblem::LoginChars),
                (Field::Password, FieldProblem::PasswordTooLong)
            ]
        );
    }

    #[test]
    fn register_form_requires_the_same_password_twice() {
        assert_eq!(
            check_register(&input("ivanova", "correct horse", "correct hors", "")),
            vec![(Field::Password2, FieldProblem::PasswordMismatch)]
        );
    }

    #[test]
    fn email_is_optional_but_checked_when_given() {
        assert_eq!(normalize_email("  "), None);
        assert_eq!(normalize_email(" a@b.ru ").as_deref(), Some("a@b.ru"));
        assert!(
            check_register(&input("ivanova", "password1", "password1", " a@school.ru ")).is_empty()
        );
        for bad in ["ivanova", "a@b", "@b.ru", "a@@b.ru", "a b@c.ru", "a@b.ru."] {
            assert!(!looks_like_email(bad), "{bad} should be refused");
        }
    }

    #[test]
    fn server_errors_land_on_the_field_they_concern() {
        assert_eq!(
            register_error_place(&problem(ErrorCode::LoginTaken, vec![])),
            RegisterErrorPlace::Fields(vec![(Field::Login, FieldProblem::LoginTaken)])
        );
        assert_eq!(
            register_error_place(&problem(
                ErrorCode::ValidationFailed,
                vec![
                    field_error("email", "email"),
                    field_error("login", "length")
                ]
            )),
            RegisterErrorPlace::Fields(vec![
                (Field::Email, FieldProblem::EmailFormat),
                (Field::Login, FieldProblem::LoginLength)
            ])
        );
        assert_eq!(
            server_field_problem(&field_error("login", "format")),
            Some((Field::Login, FieldProblem::LoginFormat))
        );
        assert_eq!(
            server_field_problem(&field_error("password", "too_common")),
            Some((Field::Password, FieldProblem::PasswordTooCommon))
        );
        assert_eq!(
            register_error_place(&problem(ErrorCode::PasswordTooCommon, vec![])),
            RegisterErrorPlace::Fields(vec![(Field::Password, FieldProblem::PasswordTooCommon)])
        );
    }

    #[test]
    fn spent_invites_send_the_user_back_to_the_code_step() {
        for code in [
            ErrorCode::InviteUnknown,
            ErrorCode::InviteUsed,
            ErrorCode::InviteExpired,
            ErrorCode::InviteRevoked,
        ] {
            assert_eq!(
                register_error_place(&problem(code, vec![])),
                RegisterErrorPlace::Invite
            );
        }
        assert_eq!(
            register_error_place(&ApiError::Network),
            RegisterErrorPlace::Form
        );
        assert_eq!(
            register_error_place(&problem(
                ErrorCode::ValidationFailed,
                vec![field_error("x", "y")]
            )),
            RegisterErrorPlace::Form
        );
    }
}
