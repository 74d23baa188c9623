//! `/auth`: sign-in, refresh, sign-out, invite preview, registration.

use actix_web::cookie::time::Duration as CookieDuration;
use actix_web::cookie::{Cookie, SameSite};
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use otmetka_domain::Problem;
use otmetka_domain::auth::{LoginRequest, RegisterRequest, RegisterResponse, TokenResponse};
use otmetka_domain::invite::InvitePreview;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::openapi::documented_auth;

use crate::auth::ClientInfo;
use crate::error::AppResult;
use crate::json::ApiJson;
use crate::service::auth as svc;
use crate::state::AppState;

/// The refresh cookie's name. HttpOnly, SameSite=Strict, path `/api/v1/auth`.
pub const REFRESH_COOKIE: &str = "otmetka_refresh";
const COOKIE_PATH: &str = "/api/v1/auth";

fn refresh_cookie(state: &AppState, value: String) -> Cookie<'static> {
    Cookie::build(REFRESH_COOKIE, value)
        .path(COOKIE_PATH)
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(state.settings.cookie_secure)
        .max_age(CookieDuration::days(
            state.settings.refresh_token_ttl_days as i64,
        ))
        .finish()
}

fn removal_cookie(state: &AppState) -> Cookie<'static> {
    let mut c = refresh_cookie(state, String::new());
    c.make_removal();
    c
}

fn issued_response(state: &AppState, issued: svc::Issued) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .cookie(refresh_cookie(state, issued.refresh_token))
        .json(issued.response)
}

/// Sign in with login and password. Returns a short-lived access token (JWT, `expires_in`
/// seconds) and sets the refresh token in the HttpOnly cookie `otmetka_refresh`.
///
/// The 6th failed attempt within a minute for one login (or the 21st from one IP) gets 429 with
/// `Retry-After`. Unknown login and wrong password answer the same (401 `invalid_credentials`).
#[utoipa::path(tag = "auth", request_body = LoginRequest, responses(
    (status = 200, body = TokenResponse, description = "Signed in; `Set-Cookie: otmetka_refresh=…`"),
    (status = 401, body = Problem, content_type = "application/problem+json", description = "`invalid_credentials`"),
    (status = 403, body = Problem, content_type = "application/problem+json", description = "`account_disabled`"),
    (status = 422, body = Problem, content_type = "application/problem+json", description = "`validation_failed`"),
    (status = 429, body = Problem, content_type = "application/problem+json", description = "`too_many_requests`, see `Retry-After`"),
))]
#[post("/login")]
async fn login(
    state: web::Data<AppState>,
    client: ClientInfo,
    body: ApiJson<LoginRequest>,
) -> AppResult<HttpResponse> {
    let issued = svc::login(&state, body.into_inner(), &client).await?;
    Ok(issued_response(&state, issued))
}

/// Exchange the refresh cookie for a new access token; the refresh token rotates (a new cookie
/// is set). Presenting an already rotated token ends the whole session: 401 `refresh_token_reused`.
#[utoipa::path(tag = "auth", responses(
    (status = 200, body = TokenResponse),
    (status = 401, body = Problem, content_type = "application/problem+json", description = "`refresh_token_invalid` or `refresh_token_reused`"),
))]
#[post("/refresh")]
async fn refresh(
    state: web::Data<AppState>,
    client: ClientInfo,
    req: HttpRequest,
) -> AppResult<HttpResponse> {
    let cookie = req.cookie(REFRESH_COOKIE);
    match svc::refresh(&state, cookie.as_ref().map(|c| c.value()), &client).await {
        Ok(issued) => Ok(issued_response(&state, issued)),
        Err(e) => {
            let mut res = actix_web::ResponseError::error_response(&e);
            let _ = res.add_cookie(&removal_cookie(&state));
            Ok(res)
        }
    }
}

/// Sign out: ends the session of the refresh cookie (and of the bearer token, if sent) and
/// clears the cookie. Always 204.
#[utoipa::path(tag = "auth", responses((status = 204, description = "Signed out")))]
#[post("/logout")]
async fn logout(
    state: web::Data<AppState>,
    client: ClientInfo,
    req: HttpRequest,
) -> AppResult<HttpResponse> {
    let cookie = req.cookie(REFRESH_COOKIE);
    let bearer = req
        .headers()
        .get(actix_web::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .and_then(|t| state.jwt.verify(t.trim()).ok())
        .map(|c| (c.sid, c.sub));
    svc::logout(&state, cookie.as_ref().map(|c| c.value()), bearer, &client).await?;
    Ok(HttpResponse::NoContent()
        .cookie(removal_cookie(&state))
        .finish())
}

/// Preview an invite code before registering: school, role, the person's last name and
/// initials, expiry. Case and dashes do not matter.
///
/// Errors: 404 `invite_unknown`, 410 `invite_used` / `invite_expired` / `invite_revoked`;
/// failed look-ups are throttled per IP like failed logins (429).
#[utoipa::path(tag = "auth",
    params(("code" = String, Path, description = "The invite code, e.g. `K7QF-M3XP-2WHN`")),
    responses(
        (status = 200, body = InvitePreview),
        (status = 404, body = Problem, content_type = "application/problem+json", description = "`invite_unknown`"),
        (status = 410, body = Problem, content_type = "application/problem+json", description = "`invite_used`, `invite_expired`, `invite_revoked`"),
        (status = 429, body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/invites/{code}")]
async fn preview_invite(
    state: web::Data<AppState>,
    client: ClientInfo,
    code: web::Path<String>,
) -> AppResult<web::Json<InvitePreview>> {
    Ok(web::Json(
        svc::preview_invite(&state, &code, &client).await?,
    ))
}

/// Register with an invite code: creates the account (login 3–64 characters; password 8–128
/// characters, not a common one), links it to the invited person and gives it the invited role.
/// Sign in afterwards with `/auth/login`.
#[utoipa::path(tag = "auth", request_body = RegisterRequest, responses(
    (status = 201, body = RegisterResponse),
    (status = 404, body = Problem, content_type = "application/problem+json", description = "`invite_unknown`"),
    (status = 409, body = Problem, content_type = "application/problem+json", description = "`login_taken`, `person_has_account`"),
    (status = 410, body = Problem, content_type = "application/problem+json", description = "`invite_used`, `invite_expired`, `invite_revoked`"),
    (status = 422, body = Problem, content_type = "application/problem+json", description = "`validation_failed`, `password_length`, `password_too_common`"),
    (status = 429, body = Problem, content_type = "application/problem+json"),
))]
#[post("/register")]
async fn register(
    state: web::Data<AppState>,
    client: ClientInfo,
    body: ApiJson<RegisterRequest>,
) -> AppResult<HttpResponse> {
    let created = svc::register(&state, body.into_inner(), &client).await?;
    Ok(HttpResponse::Created().json(created))
}

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(documented_auth(login))
        .service(documented_auth(refresh))
        .service(documented_auth(logout))
        .service(documented_auth(preview_invite))
        .service(documented_auth(register));
}
