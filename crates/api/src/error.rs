//! The one error type of the API. Every failure, including actix's own extractor errors and
//! unknown paths, leaves the server as `application/problem+json` (RFC 9457) with a stable
//! [`ErrorCode`] from `otmetka-domain`.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use otmetka_domain::{ErrorCode, FieldError, Problem};

/// An error answer: status, code, and optional detail, field errors, current value, and headers.
/// Boxed, so that `Result<T, AppError>` stays one pointer wide on the happy path; fields are
/// reached through `Deref` (`err.code`).
#[derive(Debug, Clone)]
pub struct AppError(Box<ErrorBody>);

/// The fields of an [`AppError`].
#[derive(Debug, Clone)]
pub struct ErrorBody {
    pub status: StatusCode,
    pub code: ErrorCode,
    pub detail: Option<String>,
    pub errors: Vec<FieldError>,
    pub current: Option<serde_json::Value>,
    /// For `import_rejected`: the import report.
    pub report: Option<serde_json::Value>,
    /// For `timetable_conflict`: the collisions.
    pub conflicts: Option<serde_json::Value>,
    /// Seconds for `Retry-After` (429).
    pub retry_after: Option<u64>,
    /// Methods for `Allow` (405).
    pub allow: Option<String>,
}

/// Shorthand for handler and service results.
pub type AppResult<T> = Result<T, AppError>;

impl std::ops::Deref for AppError {
    type Target = ErrorBody;
    fn deref(&self) -> &ErrorBody {
        &self.0
    }
}

impl std::ops::DerefMut for AppError {
    fn deref_mut(&mut self) -> &mut ErrorBody {
        &mut self.0
    }
}

impl AppError {
    /// An error with a code and its usual status.
    pub fn new(code: ErrorCode) -> Self {
        AppError(Box::new(ErrorBody {
            status: status_of(code),
            code,
            detail: None,
            errors: Vec::new(),
            current: None,
            report: None,
            conflicts: None,
            retry_after: None,
            allow: None,
        }))
    }

    /// Adds a human-readable detail.
    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    /// Overrides the status (e.g. 400 vs 404 for a path value).
    pub fn status(mut self, status: StatusCode) -> Self {
        self.status = status;
        self
    }

    /// 422 `validation_failed` with one field error.
    pub fn field(field: &str, code: &str, message: impl Into<String>) -> Self {
        Self::fields(vec![FieldError {
            field: field.into(),
            code: code.into(),
            message: message.into(),
        }])
    }

    /// 422 `validation_failed` with field errors.
    pub fn fields(errors: Vec<FieldError>) -> Self {
        let mut e = Self::new(ErrorCode::ValidationFailed);
        e.detail = Some(
            errors
                .iter()
                .map(|f| format!("{}: {}", f.field, f.message))
                .collect::<Vec<_>>()
                .join("; "),
        );
        e.errors = errors;
        e
    }

    /// 404 `not_found`.
    pub fn not_found(what: &str) -> Self {
        Self::new(ErrorCode::NotFound).detail(format!("{what} not found"))
    }

    /// 403 `forbidden`.
    pub fn forbidden() -> Self {
        Self::new(ErrorCode::Forbidden).detail("you may not do this")
    }

    /// 429 with `Retry-After`.
    pub fn too_many(retry_after_secs: u64) -> Self {
        let mut e = Self::new(ErrorCode::TooManyRequests).detail(format!(
            "too many attempts; retry after {retry_after_secs} s"
        ));
        e.retry_after = Some(retry_after_secs.max(1));
        e
    }

    /// 500 `internal`, logging the cause (which is never sent to the client).
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        tracing::error!(error = %cause, "internal error");
        Self::new(ErrorCode::Internal).detail("internal error; it has been logged")
    }

    /// The problem document of this error.
    pub fn problem(&self) -> Problem {
        Problem {
            problem_type: Problem::type_uri(self.code),
            title: title_of(self.code).to_string(),
            status: self.status.as_u16(),
            detail: self.detail.clone(),
            code: self.code,
            errors: self.errors.clone(),
            current: self.current.clone(),
            report: self.report.clone(),
            conflicts: self.conflicts.clone(),
        }
    }
}

impl std::fmt::Display for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.code, self.status)?;
        if let Some(d) = &self.detail {
            write!(f, ": {d}")?;
        }
        Ok(())
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        let mut res = HttpResponse::build(self.status);
        res.insert_header((header::CONTENT_TYPE, "application/problem+json"));
        if let Some(s) = self.retry_after {
            res.insert_header((header::RETRY_AFTER, s.to_string()));
        }
        if let Some(allow) = &self.allow
            && let Ok(v) = HeaderValue::from_str(allow)
        {
            res.insert_header((header::ALLOW, v));
        }
        if self.code == ErrorCode::AuthenticationRequired
            || self.code == ErrorCode::TokenInvalid
            || self.code == ErrorCode::TokenExpired
        {
            res.insert_header((header::WWW_AUTHENTICATE, "Bearer realm=\"otmetka\""));
        }
        match serde_json::to_vec(&self.problem()) {
            Ok(body) => res.body(body),
            Err(_) => res.finish(),
        }
    }
}

impl From<sea_orm::DbErr> for AppError {
    fn from(e: sea_orm::DbErr) -> Self {
        use sea_orm::DbErr;
        match &e {
            DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => {
                tracing::error!(error = %e, "database unavailable");
                AppError::new(ErrorCode::DatabaseUnavailable).detail("the database is unavailable")
            }
            _ if matches!(
                e.sql_err(),
                Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
            ) =>
            {
                // A concurrent request created the same thing between the service's check and
                // its insert (the services answer their own 409s before writing).
                tracing::info!(error = %e, "unique constraint violated");
                AppError::new(ErrorCode::Conflict)
                    .detail("the same record was created meanwhile; reload and retry")
            }
            _ if is_busy(&e) => {
                // SQLite's write lock held past the busy timeout (a long import), or a
                // PostgreSQL deadlock or serialization failure: nothing was written.
                tracing::warn!(error = %e, "database busy");
                let mut a = AppError::new(ErrorCode::DatabaseUnavailable)
                    .detail("the database is busy with another change; nothing was written; retry");
                a.retry_after = Some(2);
                a
            }
            _ => AppError::internal(e),
        }
    }
}

/// Whether a database error means "try again": SQLite `SQLITE_BUSY`/`SQLITE_LOCKED` (codes 5
/// and 6 with their extended codes), PostgreSQL `40P01` (deadlock) and `40001` (serialization).
fn is_busy(e: &sea_orm::DbErr) -> bool {
    use sea_orm::{DbErr, RuntimeErr};
    let (DbErr::Exec(RuntimeErr::SqlxError(x)) | DbErr::Query(RuntimeErr::SqlxError(x))) = e else {
        return false;
    };
    let Some(code) = x.as_database_error().and_then(|d| d.code()) else {
        return false;
    };
    if code.len() == 5 {
        // PostgreSQL's SQLSTATE has five characters; SQLite's codes are at most four digits.
        return code == "40P01" || code == "40001";
    }
    code.parse::<i64>().is_ok_and(|n| matches!(n & 0xff, 5 | 6))
}

impl From<sea_orm::TransactionError<AppError>> for AppError {
    fn from(e: sea_orm::TransactionError<AppError>) -> Self {
        match e {
            sea_orm::TransactionError::Connection(db) => db.into(),
            sea_orm::TransactionError::Transaction(app) => app,
        }
    }
}

impl From<validator::ValidationErrors> for AppError {
    fn from(errors: validator::ValidationErrors) -> Self {
        let mut out = Vec::new();
        flatten_validation("", &errors, &mut out);
        AppError::fields(out)
    }
}

fn flatten_validation(
    prefix: &str,
    errors: &validator::ValidationErrors,
    out: &mut Vec<FieldError>,
) {
    use validator::ValidationErrorsKind;
    for (field, kind) in errors.errors() {
        let name = if prefix.is_empty() {
            field.to_string()
        } else {
            format!("{prefix}.{field}")
        };
        match kind {
            ValidationErrorsKind::Field(list) => {
                for e in list {
                    let message = e
                        .message
                        .as_ref()
                        .map(|m| m.to_string())
                        .unwrap_or_else(|| describe_rule(&e.code, &e.params));
                    out.push(FieldError {
                        field: name.clone(),
                        code: e.code.to_string(),
                        message,
                    });
                }
            }
            ValidationErrorsKind::Struct(inner) => flatten_validation(&name, inner, out),
            ValidationErrorsKind::List(map) => {
                for (i, inner) in map {
                    flatten_validation(&format!("{name}[{i}]"), inner, out);
                }
            }
        }
    }
    out.sort_by(|a, b| a.field.cmp(&b.field));
}

fn describe_rule(
    code: &str,
    params: &std::collections::HashMap<std::borrow::Cow<'static, str>, serde_json::Value>,
) -> String {
    let p = |k: &str| params.get(k).map(|v| v.to_string());
    match code {
        "length" => match (p("min"), p("max")) {
            (Some(min), Some(max)) => format!("length must be {min} to {max}"),
            (Some(min), None) => format!("length must be at least {min}"),
            (None, Some(max)) => format!("length must be at most {max}"),
            _ => "length is out of range".into(),
        },
        "range" => match (p("min"), p("max")) {
            (Some(min), Some(max)) => format!("must be {min} to {max}"),
            _ => "out of range".into(),
        },
        "email" => "not an e-mail address".into(),
        other => format!("fails the `{other}` rule"),
    }
}

/// The usual status of each code.
pub fn status_of(code: ErrorCode) -> StatusCode {
    use ErrorCode::*;
    match code {
        ValidationFailed | PasswordLength | PasswordTooCommon | ImportRejected | NotASchoolDay => {
            StatusCode::UNPROCESSABLE_ENTITY
        }
        BadRequest
        | MalformedJson
        | InvalidPathParameter
        | InvalidQueryParameter
        | InvalidHeader => StatusCode::BAD_REQUEST,
        UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        NotFound | InviteUnknown => StatusCode::NOT_FOUND,
        MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
        AuthenticationRequired
        | InvalidCredentials
        | TokenInvalid
        | TokenExpired
        | SessionRevoked
        | RefreshTokenInvalid
        | RefreshTokenReused => StatusCode::UNAUTHORIZED,
        AccountDisabled
        | Forbidden
        | InsufficientScope
        | SessionRequired
        | CurrentPasswordWrong
        | EditWindowClosed
        | FinalMarkDeadlinePassed
        | FinalMarkNotOpen
        | PeriodClosed => StatusCode::FORBIDDEN,
        TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
        LoginTaken | PersonHasAccount | Conflict | TimetableConflict | LessonCancelled
        | LessonHasData | InUse => StatusCode::CONFLICT,
        InviteUsed | InviteExpired | InviteRevoked => StatusCode::GONE,
        VersionMismatch => StatusCode::PRECONDITION_FAILED,
        DatabaseUnavailable => StatusCode::SERVICE_UNAVAILABLE,
        Internal => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// The problem `title` of each code.
pub fn title_of(code: ErrorCode) -> &'static str {
    use ErrorCode::*;
    match code {
        BadRequest => "Bad request",
        ValidationFailed => "Validation failed",
        MalformedJson => "Malformed request body",
        UnsupportedMediaType => "Unsupported media type",
        PayloadTooLarge => "Request body too large",
        InvalidPathParameter => "Invalid path parameter",
        InvalidQueryParameter => "Invalid query parameter",
        InvalidHeader => "Invalid header",
        NotFound => "Not found",
        MethodNotAllowed => "Method not allowed",
        AuthenticationRequired => "Authentication required",
        InvalidCredentials => "Invalid login or password",
        TokenInvalid => "Invalid access token",
        TokenExpired => "Access token expired",
        SessionRevoked => "Session ended",
        RefreshTokenInvalid => "Invalid refresh token",
        RefreshTokenReused => "Refresh token reused",
        AccountDisabled => "Account disabled",
        Forbidden => "Forbidden",
        InsufficientScope => "Insufficient token scope",
        SessionRequired => "Interactive session required",
        TooManyRequests => "Too many requests",
        LoginTaken => "Login already taken",
        PasswordLength => "Password length",
        PasswordTooCommon => "Password too common",
        CurrentPasswordWrong => "Current password is wrong",
        InviteUnknown => "Unknown invite code",
        InviteUsed => "Invite code already used",
        InviteExpired => "Invite code expired",
        InviteRevoked => "Invite code revoked",
        PersonHasAccount => "Person already has an account",
        Conflict => "Conflict",
        ImportRejected => "Import rejected",
        VersionMismatch => "Version mismatch",
        TimetableConflict => "Timetable conflict",
        NotASchoolDay => "Not a school day",
        LessonCancelled => "Lesson cancelled",
        LessonHasData => "Lesson has journal data",
        EditWindowClosed => "Edit window closed",
        FinalMarkDeadlinePassed => "Final-mark deadline passed",
        FinalMarkNotOpen => "Final marks not open yet",
        PeriodClosed => "Period closed",
        InUse => "Still in use",
        DatabaseUnavailable => "Database unavailable",
        Internal => "Internal server error",
    }
}
