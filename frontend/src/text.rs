//! Translated texts chosen at run time (by error code, role, form problem), for a given locale.
//!
//! Views call these inside closures that read the locale signal, so they re-render when the
//! language changes: `move || error_text(i18n.get_locale(), &err)`.

use otmetka_domain::{ErrorCode, Role};

use crate::api::ApiError;
use crate::forms::FieldProblem;
use crate::i18n::{Locale, td_string};

/// The message for an API error, chosen by its stable code (never the server's English text).
pub fn error_text(locale: Locale, err: &ApiError) -> String {
    match err {
        ApiError::Network => td_string!(locale, errors.network).to_string(),
        ApiError::Unexpected { status } => td_string!(locale, errors.unexpected, status = *status),
        ApiError::Problem {
            problem,
            retry_after,
        } => match (problem.code, retry_after) {
            (ErrorCode::TooManyRequests, Some(seconds)) => {
                let seconds = *seconds;
                td_string!(locale, errors.too_many_requests_retry, count = seconds)
            }
            (code, _) => code_text(locale, code).to_string(),
        },
    }
}

/// The message for an error code.
pub fn code_text(locale: Locale, code: ErrorCode) -> &'static str {
    use ErrorCode::*;
    match code {
        ValidationFailed => td_string!(locale, errors.validation_failed),
        MalformedJson => td_string!(locale, errors.malformed_json),
        UnsupportedMediaType => td_string!(locale, errors.unsupported_media_type),
        PayloadTooLarge => td_string!(locale, errors.payload_too_large),
        BadRequest
        | InvalidPathParameter
        | InvalidQueryParameter
        | InvalidHeader
        | MethodNotAllowed => {
            td_string!(locale, errors.invalid_request)
        }
        NotFound => td_string!(locale, errors.not_found),
        AuthenticationRequired => td_string!(locale, errors.authentication_required),
        InvalidCredentials => td_string!(locale, errors.invalid_credentials),
        TokenInvalid | TokenExpired | SessionRevoked | RefreshTokenInvalid => {
            td_string!(locale, errors.session_ended)
        }
        RefreshTokenReused => td_string!(locale, errors.refresh_token_reused),
        AccountDisabled => td_string!(locale, errors.account_disabled),
        Forbidden => td_string!(locale, errors.forbidden),
        InsufficientScope => td_string!(locale, errors.insufficient_scope),
        SessionRequired => td_string!(locale, errors.session_required),
        TooManyRequests => td_string!(locale, errors.too_many_requests),
        LoginTaken => td_string!(locale, errors.login_taken),
        PasswordLength => td_string!(locale, errors.password_length),
        PasswordTooCommon => td_string!(locale, errors.password_too_common),
        CurrentPasswordWrong => td_string!(locale, errors.current_password_wrong),
        InviteUnknown => td_string!(locale, errors.invite_unknown),
        InviteUsed => td_string!(locale, errors.invite_used),
        InviteExpired => td_string!(locale, errors.invite_expired),
        InviteRevoked => td_string!(locale, errors.invite_revoked),
        PersonHasAccount => td_string!(locale, errors.person_has_account),
        Conflict => td_string!(locale, errors.conflict),
        VersionMismatch => td_string!(locale, errors.version_mismatch),
        DatabaseUnavailable => td_string!(locale, errors.database_unavailable),
        Internal => td_string!(locale, errors.internal),
    }
}

/// The message under an input.
pub fn field_problem_text(locale: Locale, problem: FieldProblem) -> &'static str {
    use FieldProblem::*;
    match problem {
        Required => td_string!(locale, field_errors.required),
        LoginLength => td_string!(locale, field_errors.login_length),
        LoginChars => td_string!(locale, field_errors.login_chars),
        LoginFormat => td_string!(locale, field_errors.login_format),
        LoginTaken => td_string!(locale, field_errors.login_taken),
        PasswordTooShort => td_string!(locale, field_errors.password_too_short),
        PasswordTooLong => td_string!(locale, field_errors.password_too_long),
        PasswordLength => td_string!(locale, field_errors.password_length),
        PasswordTooCommon => td_string!(locale, field_errors.password_too_common),
        PasswordMismatch => td_string!(locale, field_errors.password_mismatch),
        EmailFormat => td_string!(locale, field_errors.email_format),
        InviteFormat => td_string!(locale, field_errors.invite_format),
        Invalid => td_string!(locale, field_errors.invalid),
    }
}

/// A role's name (`role_*` keys).
pub fn role_text(locale: Locale, role: Role) -> &'static str {
    match role {
        Role::Admin => td_string!(locale, role_admin),
        Role::Principal => td_string!(locale, role_principal),
        Role::Teacher => td_string!(locale, role_teacher),
        Role::Student => td_string!(locale, role_student),
        Role::Parent => td_string!(locale, role_parent),
    }
}

/// "3 активных сеанса" with the plural form for the count.
pub fn sessions_count_text(locale: Locale, count: usize) -> String {
    td_string!(locale, sessions_count, count = count)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn too_many(retry_after: Option<u64>) -> ApiError {
        ApiError::from_code(ErrorCode::TooManyRequests, 429).with_retry_after(retry_after)
    }

    #[test]
    fn session_count_uses_russian_plural_forms() {
        let forms: Vec<String> = [1, 2, 3, 5, 11, 21, 22, 25, 101, 111]
            .into_iter()
            .map(|n| sessions_count_text(Locale::ru, n))
            .collect();
        assert_eq!(
            forms,
            [
                "1 активный сеанс",
                "2 активных сеанса",
                "3 активных сеанса",
                "5 активных сеансов",
                "11 активных сеансов",
                "21 активный сеанс",
                "22 активных сеанса",
                "25 активных сеансов",
                "101 активный сеанс",
                "111 активных сеансов",
            ]
        );
        assert_eq!(sessions_count_text(Locale::en, 1), "1 active session");
        assert_eq!(sessions_count_text(Locale::en, 3), "3 active sessions");
    }

    #[test]
    fn rate_limit_message_tells_the_seconds_in_the_right_form() {
        assert_eq!(
            error_text(Locale::ru, &too_many(Some(1))),
            "Слишком много попыток. Повторите через 1 секунду."
        );
        assert_eq!(
            error_text(Locale::ru, &too_many(Some(3))),
            "Слишком много попыток. Повторите через 3 секунды."
        );
        assert_eq!(
            error_text(Locale::ru, &too_many(Some(60))),
            "Слишком много попыток. Повторите через 60 секунд."
        );
        assert_eq!(
            error_text(Locale::ru, &too_many(None)),
            "Слишком много попыток. Попробуйте позже."
        );
        assert_eq!(
            error_text(Locale::en, &too_many(Some(1))),
            "Too many attempts. Try again in 1 second."
        );
    }

    #[test]
    fn errors_are_translated_by_code_not_by_server_text() {
        let mut err = ApiError::from_code(ErrorCode::InvalidCredentials, 401);
        if let ApiError::Problem { problem, .. } = &mut err {
            problem.title = "Invalid credentials".into();
            problem.detail = Some("login or password is wrong".into());
        }
        assert_eq!(error_text(Locale::ru, &err), "Неверный логин или пароль.");
        assert_eq!(error_text(Locale::en, &err), "Wrong login or password.");
        assert_eq!(
            error_text(Locale::ru, &ApiError::Unexpected { status: 502 }),
            "Неожиданный ответ сервера (код 502). Попробуйте позже."
        );
    }

    #[test]
    fn every_code_and_role_has_a_text_in_both_languages() {
        use ErrorCode::*;
        let codes = [
            ValidationFailed,
            BadRequest,
            MalformedJson,
            UnsupportedMediaType,
            PayloadTooLarge,
            InvalidPathParameter,
            InvalidQueryParameter,
            InvalidHeader,
            NotFound,
            MethodNotAllowed,
            AuthenticationRequired,
            InvalidCredentials,
            TokenInvalid,
            TokenExpired,
            SessionRevoked,
            RefreshTokenInvalid,
            RefreshTokenReused,
            AccountDisabled,
            Forbidden,
            InsufficientScope,
            SessionRequired,
            TooManyRequests,
            LoginTaken,
            PasswordLength,
            PasswordTooCommon,
            CurrentPasswordWrong,
            InviteUnknown,
            InviteUsed,
            InviteExpired,
            InviteRevoked,
            PersonHasAccount,
            Conflict,
            VersionMismatch,
            DatabaseUnavailable,
            Internal,
        ];
        for locale in [Locale::ru, Locale::en] {
            for code in codes {
                assert!(!code_text(locale, code).is_empty(), "{code} in {locale:?}");
            }
            for role in Role::ALL {
                assert!(!role_text(locale, role).is_empty());
            }
        }
        assert_eq!(role_text(Locale::ru, Role::Teacher), "Учитель");
    }
}
