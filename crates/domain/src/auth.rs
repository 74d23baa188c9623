//! Authentication DTOs: login, tokens, sessions, API tokens, registration, the current user.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::role::{ApiScope, Role};

/// `POST /api/v1/auth/login` body.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "validate", derive(validator::Validate))]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    /// The login, case-insensitive. 1–256 characters are accepted here (anything longer is a 422).
    #[cfg_attr(feature = "validate", validate(length(min = 1, max = 256)))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 256))]
    pub login: String,
    /// The password, 1–1024 characters accepted here.
    #[cfg_attr(feature = "validate", validate(length(min = 1, max = 1024)))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 1024))]
    pub password: String,
}

/// An access token. The refresh token travels only in the `otmetka_refresh` HttpOnly cookie.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TokenResponse {
    /// A JWT (HS256) to send as `Authorization: Bearer …`.
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Seconds until the access token expires (900 by default).
    pub expires_in: u64,
}

/// `POST /api/v1/auth/register` body: create an account from an invite code.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "validate", derive(validator::Validate))]
#[serde(deny_unknown_fields)]
pub struct RegisterRequest {
    /// The code from the school, dashes and case do not matter (`k7qf-m3xp-2whn`).
    #[cfg_attr(feature = "validate", validate(length(min = 1, max = 64)))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 64))]
    pub invite_code: String,
    /// 3–64 characters: letters (any script), digits, `.`, `_`, `-`, `@`. Unique, case-insensitive.
    pub login: String,
    /// 8–128 characters, not a common password.
    pub password: String,
    /// Optional e-mail for notices.
    #[cfg_attr(feature = "validate", validate(email, length(max = 254)))]
    #[cfg_attr(feature = "openapi", schema(max_length = 254))]
    #[serde(default)]
    pub email: Option<String>,
}

/// `POST /api/v1/auth/register` answer (201).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RegisterResponse {
    pub account_id: Uuid,
    pub login: String,
    pub school_id: Uuid,
    pub role: Role,
}

/// `POST /api/v1/me/password` body. Changing the password ends every other session.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "validate", derive(validator::Validate))]
#[serde(deny_unknown_fields)]
pub struct ChangePasswordRequest {
    #[cfg_attr(feature = "validate", validate(length(min = 1, max = 1024)))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 1024))]
    pub current_password: String,
    /// 8–128 characters, not a common password.
    pub new_password: String,
}

/// The signed-in account: `GET /api/v1/me`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Me {
    pub account_id: Uuid,
    pub login: String,
    pub email: Option<String>,
    /// Deployment-wide administrator: creates schools and their first admin.
    pub is_superadmin: bool,
    /// The schools where the account holds roles.
    pub memberships: Vec<Membership>,
    /// The session of this request (`None` when called with an API token).
    pub session_id: Option<Uuid>,
}

/// An account's roles in one school, with the person record it is linked to there.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Membership {
    pub school_id: Uuid,
    pub school_name: String,
    pub roles: Vec<Role>,
    pub person_id: Option<Uuid>,
    /// `Фамилия Имя Отчество` of the linked person.
    pub person_name: Option<String>,
    /// For a parent: the linked children in this school.
    #[serde(default)]
    pub children: Vec<Child>,
}

/// A parent's child as shown on the home page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Child {
    pub person_id: Uuid,
    pub name: String,
    /// The class the child is in today, if enrolled.
    pub class_name: Option<String>,
}

/// One login session (a refresh-token family): `GET /api/v1/me/sessions`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionInfo {
    pub id: Uuid,
    pub created_at: DateTime<Utc>,
    pub last_used_at: DateTime<Utc>,
    /// Client IP at sign-in.
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    /// True for the session that made this request.
    pub current: bool,
}

/// `POST /api/v1/me/api-tokens` body.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "validate", derive(validator::Validate))]
#[serde(deny_unknown_fields)]
pub struct CreateApiTokenRequest {
    /// What the token is for, 1–100 characters ("import script").
    #[cfg_attr(feature = "validate", validate(length(min = 1, max = 100)))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub name: String,
    /// One or more of `read`, `write`, `import`.
    #[cfg_attr(feature = "validate", validate(length(min = 1, max = 3)))]
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 3))]
    pub scopes: Vec<ApiScope>,
    /// Days until the token expires, 1–366 (default 90).
    #[cfg_attr(feature = "validate", validate(range(min = 1, max = 366)))]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 366))]
    #[serde(default)]
    pub expires_in_days: Option<u32>,
}

/// An API token as listed (the secret is never shown again).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiTokenInfo {
    pub id: Uuid,
    pub name: String,
    pub scopes: Vec<ApiScope>,
    /// The first characters of the token (`otm_AbCd`), to recognise it.
    pub prefix: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
}

/// The answer to creating an API token: the only time the secret is shown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiTokenCreated {
    #[serde(flatten)]
    pub info: ApiTokenInfo,
    /// The secret: `otm_` + 43 base64url characters. Send as `Authorization: Bearer otm_…`.
    pub token: String,
}
