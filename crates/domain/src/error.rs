//! The API's error shape: RFC 9457 `application/problem+json` with a stable `code`.

use serde::{Deserialize, Serialize};

/// Stable, machine-readable error codes. Clients (the SPA, integrations) match on these, never on
/// `title` or `detail`, which are for humans and may change. Serialized in `snake_case`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// A field failed validation; see `errors`. HTTP 422.
    ValidationFailed,
    /// The request is malformed in a way no more specific code covers. HTTP 400.
    BadRequest,
    /// The body is not valid JSON, not UTF-8, nested too deeply, or has unknown/mistyped fields. HTTP 400.
    MalformedJson,
    /// The body's `Content-Type` is not `application/json`. HTTP 415.
    UnsupportedMediaType,
    /// The body is larger than the server accepts. HTTP 413.
    PayloadTooLarge,
    /// A path parameter is not of its type (e.g. not a UUID). HTTP 400 (404 for unknown ids).
    InvalidPathParameter,
    /// A query parameter is missing or not of its type. HTTP 400.
    InvalidQueryParameter,
    /// A header is missing or malformed. HTTP 400.
    InvalidHeader,
    /// No such resource, or the caller may not know it exists. HTTP 404.
    NotFound,
    /// The path exists but not with this method; see `Allow`. HTTP 405.
    MethodNotAllowed,
    /// No credentials were sent. HTTP 401.
    AuthenticationRequired,
    /// Login or password is wrong (never says which). HTTP 401.
    InvalidCredentials,
    /// The access token is malformed, forged, of the wrong audience or issuer. HTTP 401.
    TokenInvalid,
    /// The access token has expired; refresh it. HTTP 401.
    TokenExpired,
    /// The session behind the token was ended (logout, password change, admin action). HTTP 401.
    SessionRevoked,
    /// The refresh token is missing, unknown or expired. HTTP 401.
    RefreshTokenInvalid,
    /// An already rotated refresh token was presented again; the whole session family is revoked. HTTP 401.
    RefreshTokenReused,
    /// The account is disabled. HTTP 403 at login (after the password checked out), 401 on tokens.
    AccountDisabled,
    /// Authenticated, but this actor may not do this. HTTP 403.
    Forbidden,
    /// The API token lacks the scope this request needs (`read`, `write`, `import`). HTTP 403.
    InsufficientScope,
    /// The request needs an interactive session, not an API token. HTTP 403.
    SessionRequired,
    /// Too many attempts; retry after `Retry-After` seconds. HTTP 429.
    TooManyRequests,
    /// The login is already taken. HTTP 409.
    LoginTaken,
    /// The new password is shorter than 8 or longer than 128 characters. HTTP 422.
    PasswordLength,
    /// The new password is in the list of common passwords. HTTP 422.
    PasswordTooCommon,
    /// The current password given for a change is wrong. HTTP 403.
    CurrentPasswordWrong,
    /// No invite has this code. HTTP 404.
    InviteUnknown,
    /// The invite was already used to register. HTTP 410.
    InviteUsed,
    /// The invite is past its expiry. HTTP 410.
    InviteExpired,
    /// The invite was revoked by the school administration. HTTP 410.
    InviteRevoked,
    /// The person already has an account; invite them with a role instead of a new account. HTTP 409.
    PersonHasAccount,
    /// The request conflicts with the current state (e.g. a duplicate). HTTP 409.
    Conflict,
    /// An import file has row errors; nothing was written. `errors` lists them, `report` holds
    /// every row's outcome. HTTP 422.
    ImportRejected,
    /// The object changed since the caller read it (`version` / `If-Match`). HTTP 412.
    VersionMismatch,
    /// A timetable entry, lesson move, extra lesson or substitution would put a teacher, class,
    /// subgroup or room in two places at once; `conflicts` lists what collides. HTTP 409.
    TimetableConflict,
    /// The day is outside every period or a holiday, so no lesson can be there. HTTP 422.
    NotASchoolDay,
    /// The lesson is cancelled; its journal cannot be written. HTTP 409.
    LessonCancelled,
    /// The lesson has a topic, homework, marks or attendance and cannot be deleted. HTTP 409.
    LessonHasData,
    /// The lesson is older than the school's edit window (`edit_window_days`); only the admin
    /// changes its marks and attendance now. HTTP 403.
    EditWindowClosed,
    /// The object is still used (a work with marks, a scale value, work type or attendance code
    /// that marks use) and cannot be removed. HTTP 409.
    InUse,
    /// A teacher's window for a period's final marks has closed (N days after the period's end,
    /// regulation §6, counted in the school's time zone); only the principal or the admin sets
    /// them now, with a reason, or the admin reopens the period for the course. HTTP 403.
    FinalMarkDeadlinePassed,
    /// A teacher's window for a period's final marks has not opened yet (K days before the
    /// period's end). HTTP 403.
    FinalMarkNotOpen,
    /// The lesson lies in a period whose final marks are closed; its journal is read-only for
    /// teachers until the admin reopens the period for the course. HTTP 403.
    PeriodClosed,
    /// The database is unreachable. HTTP 503.
    DatabaseUnavailable,
    /// Anything unexpected; details are in the server log under the `instance` id. HTTP 500.
    Internal,
}

impl ErrorCode {
    /// The snake_case string of the code, as it appears in JSON.
    pub fn as_str(self) -> &'static str {
        use ErrorCode::*;
        match self {
            BadRequest => "bad_request",
            ValidationFailed => "validation_failed",
            MalformedJson => "malformed_json",
            UnsupportedMediaType => "unsupported_media_type",
            PayloadTooLarge => "payload_too_large",
            InvalidPathParameter => "invalid_path_parameter",
            InvalidQueryParameter => "invalid_query_parameter",
            InvalidHeader => "invalid_header",
            NotFound => "not_found",
            MethodNotAllowed => "method_not_allowed",
            AuthenticationRequired => "authentication_required",
            InvalidCredentials => "invalid_credentials",
            TokenInvalid => "token_invalid",
            TokenExpired => "token_expired",
            SessionRevoked => "session_revoked",
            RefreshTokenInvalid => "refresh_token_invalid",
            RefreshTokenReused => "refresh_token_reused",
            AccountDisabled => "account_disabled",
            Forbidden => "forbidden",
            InsufficientScope => "insufficient_scope",
            SessionRequired => "session_required",
            TooManyRequests => "too_many_requests",
            LoginTaken => "login_taken",
            PasswordLength => "password_length",
            PasswordTooCommon => "password_too_common",
            CurrentPasswordWrong => "current_password_wrong",
            InviteUnknown => "invite_unknown",
            InviteUsed => "invite_used",
            InviteExpired => "invite_expired",
            InviteRevoked => "invite_revoked",
            PersonHasAccount => "person_has_account",
            Conflict => "conflict",
            ImportRejected => "import_rejected",
            VersionMismatch => "version_mismatch",
            TimetableConflict => "timetable_conflict",
            NotASchoolDay => "not_a_school_day",
            LessonCancelled => "lesson_cancelled",
            LessonHasData => "lesson_has_data",
            EditWindowClosed => "edit_window_closed",
            InUse => "in_use",
            FinalMarkDeadlinePassed => "final_mark_deadline_passed",
            FinalMarkNotOpen => "final_mark_not_open",
            PeriodClosed => "period_closed",
            DatabaseUnavailable => "database_unavailable",
            Internal => "internal",
        }
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One field's validation failure inside a [`Problem`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldError {
    /// The JSON field name (`login`, `password`, `person.last_name`).
    pub field: String,
    /// A stable snake_case code for the rule that failed (`length`, `required`, `format`, `too_common`).
    pub code: String,
    /// A human-readable message (English).
    pub message: String,
}

/// An RFC 9457 problem document, sent with `Content-Type: application/problem+json` for every
/// error the API returns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Problem {
    /// A URI naming the problem type: `https://otmetka.org/problems/{code}`.
    #[serde(rename = "type")]
    pub problem_type: String,
    /// Short human-readable summary of the problem type.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// Human-readable explanation of this occurrence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// The stable machine-readable code.
    pub code: ErrorCode,
    /// Per-field validation errors (only for `validation_failed` and password rules).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// For `version_mismatch`: the current state of the object, so the client can show it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current: Option<serde_json::Value>,
    /// For `import_rejected`: the full import report (every row's outcome).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub report: Option<serde_json::Value>,
    /// For `timetable_conflict`: the collisions (`TimetableConflict` objects).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conflicts: Option<serde_json::Value>,
}

impl Problem {
    /// The `type` URI for a code.
    pub fn type_uri(code: ErrorCode) -> String {
        format!(
            "https://otmetka.org/problems/{}",
            code.as_str().replace('_', "-")
        )
    }
}
