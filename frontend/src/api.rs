//! The API client: typed calls to `/api/v1/...` with the DTOs of `otmetka-domain`.
//!
//! Every URL is same-origin and relative (the API binary serves the SPA), so the browser sends the
//! `otmetka_refresh` HttpOnly cookie with `credentials: same-origin` (fetch's default). The access
//! token lives only in memory ([`crate::auth::Auth::token`]), never in `localStorage`.
//!
//! Errors come back as [`ApiError`]; the UI turns them into translated text by `problem.code`
//! (see [`crate::text::error_text`]), never by showing the server's English `title`/`detail`.
//!
//! Calls that need a signed-in account go through [`authed`]: a `401 token_expired` triggers one
//! refresh (shared by every call that hits it at the same time, because a refresh token may be used
//! only once) and one retry; any other 401, or a failed refresh, signs the SPA out.

use std::cell::RefCell;

use chrono::NaiveDate;
use futures::FutureExt as _;
use futures::future::{LocalBoxFuture, Shared};
use gloo_net::http::{Method, RequestBuilder, Response};
use leptos::prelude::{GetUntracked as _, Set as _};
use otmetka_domain::account::{SchoolAccount, UpdateSchoolAccountRequest};
use otmetka_domain::audit::AuditRecord;
use otmetka_domain::auth::{
    ApiTokenCreated, ApiTokenInfo, CreateApiTokenRequest, LoginRequest, Me, RegisterRequest,
    RegisterResponse, SessionInfo, TokenResponse,
};
use otmetka_domain::import::ImportReport;
use otmetka_domain::invite::{
    CreateInviteRequest, Invite, InviteCreated, InvitePreview, InviteState,
};
use otmetka_domain::person::{Person, PersonInput, PersonKind};
use otmetka_domain::roster::{
    ArriveRequest, ClassStudent, Enrollment, EnrollmentCorrection, GuardianLink, GuardianLinkInput,
    InviteSheet, TransferRequest, WithdrawRequest,
};
use otmetka_domain::school::{CreateSchoolRequest, School, SchoolCreated};
use otmetka_domain::structure::{
    AcademicYear, AcademicYearInput, Class, Course, Group, Period, PeriodInput, SchoolSettings,
};
use otmetka_domain::{ErrorCode, Problem};
use serde::de::DeserializeOwned;
use uuid::Uuid;

use crate::auth::Auth;
use crate::paging::{query_string, total_from_header};

/// The API's base path, relative to the page's origin.
pub const BASE: &str = "/api/v1";

/// Why a call failed.
#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// The server answered with a problem document (`application/problem+json`).
    Problem {
        /// Boxed: a problem document is large and errors travel through every `Result`.
        problem: Box<Problem>,
        /// Seconds from `Retry-After` (on 429), when the server sent it.
        retry_after: Option<u64>,
    },
    /// No answer at all: offline, server down, request aborted.
    Network,
    /// An answer that is neither the expected body nor a problem document (a proxy's HTML error
    /// page, a body that does not match the DTO).
    Unexpected { status: u16 },
}

impl ApiError {
    /// The stable error code, when the server sent one.
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            ApiError::Problem { problem, .. } => Some(problem.code),
            _ => None,
        }
    }

    /// A problem the SPA makes up itself, e.g. for a 429 without a problem body.
    pub fn from_code(code: ErrorCode, status: u16) -> ApiError {
        ApiError::Problem {
            problem: Box::new(Problem {
                problem_type: Problem::type_uri(code),
                title: code.as_str().to_string(),
                status,
                detail: None,
                code,
                errors: Vec::new(),
                current: None,
                report: None,
                conflicts: None,
            }),
            retry_after: None,
        }
    }

    /// Sets the `Retry-After` seconds of a problem (no effect on other errors).
    pub fn with_retry_after(mut self, seconds: Option<u64>) -> ApiError {
        if let ApiError::Problem { retry_after, .. } = &mut self {
            *retry_after = seconds;
        }
        self
    }
}

/// Parses `Retry-After` given in seconds (the HTTP-date form is not used by the API).
pub fn parse_retry_after(value: &str) -> Option<u64> {
    value.trim().parse::<u64>().ok()
}

/// Builds the error for a non-2xx answer from its status, `Content-Type`, body and `Retry-After`.
///
/// A body that parses as a [`Problem`] wins; a 429 without one still becomes
/// `too_many_requests` (a rate limiter in front of the API may answer in plain text); anything
/// else is [`ApiError::Unexpected`].
pub fn error_from_parts(
    status: u16,
    content_type: Option<&str>,
    body: &str,
    retry_after: Option<&str>,
) -> ApiError {
    let retry_after = retry_after.and_then(parse_retry_after);
    let is_json = content_type.is_some_and(|ct| ct.to_ascii_lowercase().contains("json"));
    if is_json && let Ok(problem) = serde_json::from_str::<Problem>(body) {
        return ApiError::Problem {
            problem: Box::new(problem),
            retry_after,
        };
    }
    if status == 429 {
        return ApiError::from_code(ErrorCode::TooManyRequests, status)
            .with_retry_after(retry_after);
    }
    ApiError::Unexpected { status }
}

/// What an authenticated call does after an error answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterError {
    /// The access token expired: refresh it once and send the request again.
    RefreshAndRetry,
    /// The session is gone (revoked, invalid token, disabled account): forget it, go to login.
    SignOut,
    /// An ordinary error for the page to show.
    Report,
}

/// Decides what to do with an error answer to an authenticated call. Only `token_expired` is worth
/// a refresh, and only once per call; every other 401 means the session cannot be used any more.
pub fn after_error(status: u16, code: Option<ErrorCode>, already_retried: bool) -> AfterError {
    match (status, code) {
        (401, Some(ErrorCode::TokenExpired)) if !already_retried => AfterError::RefreshAndRetry,
        (401, _) => AfterError::SignOut,
        _ => AfterError::Report,
    }
}

/// A request body.
enum Body {
    /// Serialized JSON.
    Json(String),
    /// A file as it is (an import), with its media type.
    Bytes {
        data: Vec<u8>,
        content_type: &'static str,
    },
}

/// One request, kept so that it can be sent again after a refresh.
struct Call {
    method: Method,
    path: String,
    body: Option<Body>,
    /// Extra headers (`Idempotency-Key`).
    headers: Vec<(&'static str, String)>,
}

impl Call {
    fn new(method: Method, path: impl Into<String>) -> Call {
        Call {
            method,
            path: path.into(),
            body: None,
            headers: Vec::new(),
        }
    }

    fn json<T: serde::Serialize>(mut self, body: &T) -> Result<Call, ApiError> {
        // Serializing our own DTOs cannot fail; map it anyway instead of panicking.
        self.body = Some(Body::Json(
            serde_json::to_string(body).map_err(|_| ApiError::Unexpected { status: 0 })?,
        ));
        Ok(self)
    }

    async fn send(&self, token: Option<&str>) -> Result<Response, ApiError> {
        let url = format!("{BASE}{}", self.path);
        let mut builder = RequestBuilder::new(&url)
            .method(self.method.clone())
            .header("Accept", "application/json, application/problem+json");
        if let Some(token) = token {
            builder = builder.header("Authorization", &format!("Bearer {token}"));
        }
        for (name, value) in &self.headers {
            builder = builder.header(name, value);
        }
        let request = match &self.body {
            Some(Body::Json(body)) => builder
                .header("Content-Type", "application/json")
                .body(body.clone()),
            Some(Body::Bytes { data, content_type }) => builder
                .header("Content-Type", content_type)
                .body(bytes_value(data)),
            None => builder.build(),
        }
        .map_err(|_| ApiError::Network)?;
        request.send().await.map_err(|_| ApiError::Network)
    }
}

/// A byte body for `fetch`.
#[cfg(target_arch = "wasm32")]
fn bytes_value(data: &[u8]) -> wasm_bindgen::JsValue {
    js_sys::Uint8Array::from(data).into()
}

/// The host build (unit tests) sends nothing.
#[cfg(not(target_arch = "wasm32"))]
fn bytes_value(_data: &[u8]) -> wasm_bindgen::JsValue {
    wasm_bindgen::JsValue::NULL
}

/// Reads the error out of a non-2xx answer.
async fn read_error(resp: &Response) -> ApiError {
    let headers = resp.headers();
    let content_type = headers.get("content-type");
    let retry_after = headers
        .get("retry-after")
        .or_else(|| headers.get("x-ratelimit-after"));
    let body = resp.text().await.unwrap_or_default();
    error_from_parts(
        resp.status(),
        content_type.as_deref(),
        &body,
        retry_after.as_deref(),
    )
}

/// The body of a 2xx answer, read as text, with the list total when the answer has one.
///
/// Reading is the same for every answer, so it is done here once; only [`parse`] is per type,
/// which keeps the many typed calls small in the wasm.
pub struct Answer {
    status: u16,
    text: String,
    total: Option<String>,
}

/// Reads a 2xx answer's body, or the error of any other answer.
async fn answer(resp: Response) -> Result<Answer, ApiError> {
    if !resp.ok() {
        return Err(read_error(&resp).await);
    }
    let status = resp.status();
    let total = resp.headers().get("x-total-count");
    let text = resp
        .text()
        .await
        .map_err(|_| ApiError::Unexpected { status })?;
    Ok(Answer {
        status,
        text,
        total,
    })
}

/// Sends an authenticated call and reads its answer. Boxed: one compiled future for every call.
fn authed_answer(auth: Auth, call: Call) -> LocalBoxFuture<'static, Result<Answer, ApiError>> {
    Box::pin(async move { answer(authed(auth, &call).await?).await })
}

/// Sends a call without credentials other than the cookie and reads its answer.
fn anonymous_answer(call: Call) -> LocalBoxFuture<'static, Result<Answer, ApiError>> {
    Box::pin(async move { answer(anonymous(&call).await?).await })
}

/// The expected JSON body of an answer. Never inlined: one copy of each type's parser, however
/// many calls read that type.
#[inline(never)]
fn parse<T: DeserializeOwned>(answer: Answer) -> Result<T, ApiError> {
    serde_json::from_str(&answer.text).map_err(|_| ApiError::Unexpected {
        status: answer.status,
    })
}

/// One page of a list and the total number of rows (`X-Total-Count`).
#[derive(Debug, Clone, PartialEq)]
pub struct ListPage<T> {
    pub items: Vec<T>,
    pub total: u64,
}

/// A page of a list, with the total from `X-Total-Count`.
fn parse_list<T: DeserializeOwned>(answer: Answer, offset: u64) -> Result<ListPage<T>, ApiError> {
    let total = answer.total.clone();
    let items: Vec<T> = parse(answer)?;
    let total = total_from_header(total.as_deref(), items.len(), offset);
    Ok(ListPage { items, total })
}

/// Accepts any 2xx answer without a body (204).
async fn no_body(resp: Response) -> Result<(), ApiError> {
    if resp.ok() {
        Ok(())
    } else {
        Err(read_error(&resp).await)
    }
}

/// Sends a call without credentials other than the cookie (login, register, refresh, invites).
async fn anonymous(call: &Call) -> Result<Response, ApiError> {
    call.send(None).await
}

/// Sends a call with the access token, refreshing it once on `token_expired`.
async fn authed(auth: Auth, call: &Call) -> Result<Response, ApiError> {
    let mut retried = false;
    loop {
        let token = auth.token.get_untracked();
        let resp = call.send(token.as_deref()).await?;
        if resp.ok() {
            return Ok(resp);
        }
        let err = read_error(&resp).await;
        match after_error(resp.status(), err.code(), retried) {
            AfterError::Report => return Err(err),
            AfterError::SignOut => {
                auth.signed_out(Some(err.clone()));
                return Err(err);
            }
            AfterError::RefreshAndRetry => {
                retried = true;
                // Another call may have refreshed while this one was in flight.
                if auth.token.get_untracked() != token {
                    continue;
                }
                match refresh_shared().await {
                    Ok(fresh) => auth.token.set(Some(fresh.access_token)),
                    Err(refresh_err) => {
                        auth.signed_out(Some(refresh_err));
                        return Err(err);
                    }
                }
            }
        }
    }
}

type RefreshFuture = Shared<LocalBoxFuture<'static, Result<TokenResponse, ApiError>>>;

thread_local! {
    /// The refresh in flight, shared by every caller: the server rotates the refresh cookie on
    /// each use and treats a second use of the old one as theft (`refresh_token_reused`), so two
    /// parallel refreshes would end the session.
    static REFRESH: RefCell<Option<RefreshFuture>> = const { RefCell::new(None) };
}

/// `POST /auth/refresh`, at most one at a time.
pub async fn refresh_shared() -> Result<TokenResponse, ApiError> {
    let fut = REFRESH.with(|slot| {
        slot.borrow_mut()
            .get_or_insert_with(|| refresh().boxed_local().shared())
            .clone()
    });
    let result = fut.clone().await;
    REFRESH.with(|slot| {
        let mut slot = slot.borrow_mut();
        if slot.as_ref().is_some_and(|current| current.ptr_eq(&fut)) {
            *slot = None;
        }
    });
    result
}

/// `POST /api/v1/auth/refresh`: a new access token for the refresh cookie (which is rotated).
async fn refresh() -> Result<TokenResponse, ApiError> {
    parse(anonymous_answer(Call::new(Method::POST, "/auth/refresh")).await?)
}

/// `POST /api/v1/auth/login` → 200 [`TokenResponse`] and the refresh cookie.
/// Errors: `invalid_credentials` (401), `account_disabled` (403), `validation_failed` (422),
/// `too_many_requests` (429 with `Retry-After`).
pub async fn login(body: &LoginRequest) -> Result<TokenResponse, ApiError> {
    let call = Call::new(Method::POST, "/auth/login").json(body)?;
    parse(anonymous_answer(call).await?)
}

/// `POST /api/v1/auth/logout` → 204: ends this session and clears the cookie.
pub async fn logout(auth: Auth) -> Result<(), ApiError> {
    no_body(authed(auth, &Call::new(Method::POST, "/auth/logout")).await?).await
}

/// `GET /api/v1/auth/invites/{code}` with a normalized code → [`InvitePreview`].
/// Errors: `invite_unknown` (404), `invite_used` / `invite_expired` / `invite_revoked` (410).
pub async fn invite_preview(code: &str) -> Result<InvitePreview, ApiError> {
    let call = Call::new(Method::GET, format!("/auth/invites/{code}"));
    parse(anonymous_answer(call).await?)
}

/// `POST /api/v1/auth/register` → 201 [`RegisterResponse`].
/// Errors: the invite ones, `login_taken` (409), `password_length` / `password_too_common` /
/// `validation_failed` (422, with `errors`), `too_many_requests`.
pub async fn register(body: &RegisterRequest) -> Result<RegisterResponse, ApiError> {
    let call = Call::new(Method::POST, "/auth/register").json(body)?;
    parse(anonymous_answer(call).await?)
}

/// `GET /api/v1/me`.
pub async fn me(auth: Auth) -> Result<Me, ApiError> {
    parse(authed_answer(auth, Call::new(Method::GET, "/me")).await?)
}

/// `GET /api/v1/me/sessions`.
pub async fn sessions(auth: Auth) -> Result<Vec<SessionInfo>, ApiError> {
    parse(authed_answer(auth, Call::new(Method::GET, "/me/sessions")).await?)
}

/// `DELETE /api/v1/me/sessions/{id}` → 204.
pub async fn revoke_session(auth: Auth, id: Uuid) -> Result<(), ApiError> {
    let call = Call::new(Method::DELETE, format!("/me/sessions/{id}"));
    no_body(authed(auth, &call).await?).await
}

/// `DELETE /api/v1/me/sessions` → 204: ends every session except this one.
pub async fn revoke_other_sessions(auth: Auth) -> Result<(), ApiError> {
    no_body(authed(auth, &Call::new(Method::DELETE, "/me/sessions")).await?).await
}

/// `GET /api/v1/me/api-tokens`: the account's tokens that are not revoked, newest first.
pub async fn api_tokens(auth: Auth) -> Result<Vec<ApiTokenInfo>, ApiError> {
    parse(authed_answer(auth, Call::new(Method::GET, "/me/api-tokens")).await?)
}

/// `POST /api/v1/me/api-tokens` → 201 [`ApiTokenCreated`], the only answer with the secret.
/// Errors: `session_required` (403), `validation_failed` (422).
pub async fn create_api_token(
    auth: Auth,
    body: &CreateApiTokenRequest,
) -> Result<ApiTokenCreated, ApiError> {
    let call = Call::new(Method::POST, "/me/api-tokens").json(body)?;
    parse(authed_answer(auth, call).await?)
}

/// `DELETE /api/v1/me/api-tokens/{id}` → 204. Errors: `not_found` (already revoked).
pub async fn revoke_api_token(auth: Auth, id: Uuid) -> Result<(), ApiError> {
    let call = Call::new(Method::DELETE, format!("/me/api-tokens/{id}"));
    no_body(authed(auth, &call).await?).await
}

/// `GET /api/v1/schools`: every school for a superadmin, the member's schools otherwise.
pub async fn schools(auth: Auth) -> Result<Vec<School>, ApiError> {
    parse(authed_answer(auth, Call::new(Method::GET, "/schools")).await?)
}

/// `POST /api/v1/schools` (superadmin) → 201 [`SchoolCreated`] with the first admin's invite.
pub async fn create_school(
    auth: Auth,
    body: &CreateSchoolRequest,
) -> Result<SchoolCreated, ApiError> {
    let call = Call::new(Method::POST, "/schools").json(body)?;
    parse(authed_answer(auth, call).await?)
}

/// The wire name of an invite state (`active`, …), taken from the domain type's serde form.
pub fn invite_state_param(state: InviteState) -> Option<String> {
    match serde_json::to_value(state) {
        Ok(serde_json::Value::String(s)) => Some(s),
        _ => None,
    }
}

/// Reads an invite state from its wire name; `None` for anything else.
pub fn invite_state_from_param(value: &str) -> Option<InviteState> {
    serde_json::from_value(serde_json::Value::String(value.trim().to_string())).ok()
}

/// `GET /api/v1/schools/{school_id}/invites?state=&limit=&offset=`, newest first.
pub async fn invites(
    auth: Auth,
    school_id: Uuid,
    state: Option<InviteState>,
    limit: u64,
    offset: u64,
) -> Result<ListPage<Invite>, ApiError> {
    let query = query_string(&[
        ("state", state.and_then(invite_state_param)),
        ("limit", Some(limit.to_string())),
        ("offset", Some(offset.to_string())),
    ]);
    let call = Call::new(Method::GET, format!("/schools/{school_id}/invites{query}"));
    parse_list(authed_answer(auth, call).await?, offset)
}

/// `POST /api/v1/schools/{school_id}/invites` → 201 [`InviteCreated`] (the code, shown once).
/// Errors: `person_has_account`, `conflict` (409), `validation_failed` (422).
pub async fn create_invite(
    auth: Auth,
    school_id: Uuid,
    body: &CreateInviteRequest,
) -> Result<InviteCreated, ApiError> {
    let call = Call::new(Method::POST, format!("/schools/{school_id}/invites")).json(body)?;
    parse(authed_answer(auth, call).await?)
}

/// `DELETE /api/v1/schools/{school_id}/invites/{invite_id}` → 204. Errors: `conflict` (409) for
/// a used invite.
pub async fn revoke_invite(auth: Auth, school_id: Uuid, invite_id: Uuid) -> Result<(), ApiError> {
    let call = Call::new(
        Method::DELETE,
        format!("/schools/{school_id}/invites/{invite_id}"),
    );
    no_body(authed(auth, &call).await?).await
}

/// `GET /api/v1/schools/{school_id}/accounts`, by login.
pub async fn accounts(auth: Auth, school_id: Uuid) -> Result<Vec<SchoolAccount>, ApiError> {
    let call = Call::new(Method::GET, format!("/schools/{school_id}/accounts"));
    parse(authed_answer(auth, call).await?)
}

/// `PATCH /api/v1/schools/{school_id}/accounts/{account_id}` → 200 [`SchoolAccount`]. Ends the
/// account's sessions. Errors: `conflict` (409: own admin role or own account), `forbidden`
/// (403: disabling an account of several schools).
pub async fn update_account(
    auth: Auth,
    school_id: Uuid,
    account_id: Uuid,
    body: &UpdateSchoolAccountRequest,
) -> Result<SchoolAccount, ApiError> {
    let call = Call::new(
        Method::PATCH,
        format!("/schools/{school_id}/accounts/{account_id}"),
    )
    .json(body)?;
    parse(authed_answer(auth, call).await?)
}

/// `GET /api/v1/schools/{school_id}/audit?limit=&offset=&action=`, newest first.
pub async fn audit(
    auth: Auth,
    school_id: Uuid,
    action: Option<String>,
    limit: u64,
    offset: u64,
) -> Result<ListPage<AuditRecord>, ApiError> {
    let query = query_string(&[
        ("action", action),
        ("limit", Some(limit.to_string())),
        ("offset", Some(offset.to_string())),
    ]);
    let call = Call::new(Method::GET, format!("/schools/{school_id}/audit{query}"));
    parse_list(authed_answer(auth, call).await?, offset)
}

/// `…/schools/{school_id}{rest}`.
fn school_path(school_id: Uuid, rest: &str) -> String {
    format!("/schools/{school_id}{rest}")
}

/// `GET` a JSON body from a school path.
pub(crate) async fn get_json<T: DeserializeOwned>(
    auth: Auth,
    school_id: Uuid,
    rest: &str,
) -> Result<T, ApiError> {
    let call = Call::new(Method::GET, school_path(school_id, rest));
    parse(authed_answer(auth, call).await?)
}

/// Sends a JSON body to a school path and reads the JSON answer.
pub(crate) async fn send_json<B: serde::Serialize, T: DeserializeOwned>(
    auth: Auth,
    method: Method,
    school_id: Uuid,
    rest: &str,
    body: &B,
) -> Result<T, ApiError> {
    let call = Call::new(method, school_path(school_id, rest)).json(body)?;
    parse(authed_answer(auth, call).await?)
}

/// `DELETE` a school path → 204.
pub(crate) async fn delete(auth: Auth, school_id: Uuid, rest: &str) -> Result<(), ApiError> {
    let call = Call::new(Method::DELETE, school_path(school_id, rest));
    no_body(authed(auth, &call).await?).await
}

/// `GET` a page of a list from a school path, with the total from `X-Total-Count`.
pub(crate) async fn get_list<T: DeserializeOwned>(
    auth: Auth,
    school_id: Uuid,
    rest: &str,
    offset: u64,
) -> Result<ListPage<T>, ApiError> {
    let call = Call::new(Method::GET, school_path(school_id, rest));
    parse_list(authed_answer(auth, call).await?, offset)
}

/// `POST` to a school path without a body and read the JSON answer (an action on an object).
pub(crate) async fn post_empty<T: DeserializeOwned>(
    auth: Auth,
    school_id: Uuid,
    rest: &str,
) -> Result<T, ApiError> {
    let call = Call::new(Method::POST, school_path(school_id, rest));
    parse(authed_answer(auth, call).await?)
}

/// `DELETE` a school path and read the JSON answer (an undo that returns the object).
pub(crate) async fn delete_json<T: DeserializeOwned>(
    auth: Auth,
    school_id: Uuid,
    rest: &str,
) -> Result<T, ApiError> {
    let call = Call::new(Method::DELETE, school_path(school_id, rest));
    parse(authed_answer(auth, call).await?)
}

/// A file the API sent (a CSV export): its bytes, media type and `Content-Disposition`.
#[derive(Debug, Clone, PartialEq)]
pub struct FileAnswer {
    pub data: Vec<u8>,
    pub content_type: Option<String>,
    pub disposition: Option<String>,
}

/// `GET` a file from a school path with the access token (a plain link could not send it);
/// `accept` is its media type (`text/csv`).
pub(crate) async fn get_file(
    auth: Auth,
    school_id: Uuid,
    rest: &str,
    accept: &str,
) -> Result<FileAnswer, ApiError> {
    let mut call = Call::new(Method::GET, school_path(school_id, rest));
    call.headers
        .push(("Accept", format!("{accept}, application/problem+json")));
    let resp = authed(auth, &call).await?;
    let status = resp.status();
    let headers = resp.headers();
    let data = resp
        .binary()
        .await
        .map_err(|_| ApiError::Unexpected { status })?;
    Ok(FileAnswer {
        data,
        content_type: headers.get("content-type"),
        disposition: headers.get("content-disposition"),
    })
}

/// `GET …/settings`.
pub async fn settings(auth: Auth, school_id: Uuid) -> Result<SchoolSettings, ApiError> {
    get_json(auth, school_id, "/settings").await
}

/// `PUT …/settings` → the settings as stored. Errors: 422 (`final_period_kind` = year, time zone).
pub async fn save_settings(
    auth: Auth,
    school_id: Uuid,
    body: &SchoolSettings,
) -> Result<SchoolSettings, ApiError> {
    send_json(auth, Method::PUT, school_id, "/settings", body).await
}

/// `GET …/academic-years`, newest first.
pub async fn years(auth: Auth, school_id: Uuid) -> Result<Vec<AcademicYear>, ApiError> {
    get_json(auth, school_id, "/academic-years").await
}

/// `POST …/academic-years` (no id) or `PUT …/academic-years/{id}`. Errors: 409 (name taken,
/// overlapping dates), 422.
pub async fn save_year(
    auth: Auth,
    school_id: Uuid,
    id: Option<Uuid>,
    body: &AcademicYearInput,
) -> Result<AcademicYear, ApiError> {
    match id {
        Some(id) => {
            let rest = format!("/academic-years/{id}");
            send_json(auth, Method::PUT, school_id, &rest, body).await
        }
        None => send_json(auth, Method::POST, school_id, "/academic-years", body).await,
    }
}

/// `GET …/periods?academic_year_id=`.
pub async fn periods(auth: Auth, school_id: Uuid, year_id: Uuid) -> Result<Vec<Period>, ApiError> {
    get_json(
        auth,
        school_id,
        &format!("/periods?academic_year_id={year_id}"),
    )
    .await
}

/// `POST …/periods` (no id) or `PUT …/periods/{id}`. Errors: 409 (overlap), 422 (outside the year).
pub async fn save_period(
    auth: Auth,
    school_id: Uuid,
    id: Option<Uuid>,
    body: &PeriodInput,
) -> Result<Period, ApiError> {
    match id {
        Some(id) => {
            let rest = format!("/periods/{id}");
            send_json(auth, Method::PUT, school_id, &rest, body).await
        }
        None => send_json(auth, Method::POST, school_id, "/periods", body).await,
    }
}

/// `DELETE …/periods/{id}` → 204.
pub async fn delete_period(auth: Auth, school_id: Uuid, id: Uuid) -> Result<(), ApiError> {
    delete(auth, school_id, &format!("/periods/{id}")).await
}

/// `GET …/classes`: the classes of the current year with today's student counts.
pub async fn classes(auth: Auth, school_id: Uuid) -> Result<Vec<Class>, ApiError> {
    get_json(auth, school_id, "/classes").await
}

/// `GET …/classes/{id}`.
pub async fn class(auth: Auth, school_id: Uuid, class_id: Uuid) -> Result<Class, ApiError> {
    get_json(auth, school_id, &format!("/classes/{class_id}")).await
}

/// `GET …/classes/{id}/students?on=`: the class list on a day (default: the school's today).
/// Errors: 403 for a teacher who is not the class teacher.
pub async fn class_students(
    auth: Auth,
    school_id: Uuid,
    class_id: Uuid,
    on: Option<NaiveDate>,
) -> Result<Vec<ClassStudent>, ApiError> {
    let query = query_string(&[("on", on.map(|d| d.to_string()))]);
    get_json(
        auth,
        school_id,
        &format!("/classes/{class_id}/students{query}"),
    )
    .await
}

/// `GET …/classes/{id}/groups`.
pub async fn groups(auth: Auth, school_id: Uuid, class_id: Uuid) -> Result<Vec<Group>, ApiError> {
    get_json(auth, school_id, &format!("/classes/{class_id}/groups")).await
}

/// `GET …/courses?class_id=`.
pub async fn class_courses(
    auth: Auth,
    school_id: Uuid,
    class_id: Uuid,
) -> Result<Vec<Course>, ApiError> {
    get_json(auth, school_id, &format!("/courses?class_id={class_id}")).await
}

/// `GET …/persons?kind=&q=&limit=&offset=`, by name; the total from `X-Total-Count`.
pub async fn persons(
    auth: Auth,
    school_id: Uuid,
    kind: Option<PersonKind>,
    q: Option<String>,
    limit: u64,
    offset: u64,
) -> Result<ListPage<Person>, ApiError> {
    let query = query_string(&[
        ("kind", kind.map(|k| k.as_str().to_string())),
        ("q", q),
        ("limit", Some(limit.to_string())),
        ("offset", Some(offset.to_string())),
    ]);
    let call = Call::new(
        Method::GET,
        school_path(school_id, &format!("/persons{query}")),
    );
    parse_list(authed_answer(auth, call).await?, offset)
}

/// `GET …/persons/{id}`.
pub async fn person(auth: Auth, school_id: Uuid, id: Uuid) -> Result<Person, ApiError> {
    get_json(auth, school_id, &format!("/persons/{id}")).await
}

/// `PUT …/persons/{id}` → the person as stored. Errors: 409 (`external_id` taken), 422.
pub async fn save_person(
    auth: Auth,
    school_id: Uuid,
    id: Uuid,
    body: &PersonInput,
) -> Result<Person, ApiError> {
    send_json(
        auth,
        Method::PUT,
        school_id,
        &format!("/persons/{id}"),
        body,
    )
    .await
}

/// `GET …/persons/{id}/guardians`: a student's parents or a parent's children.
pub async fn guardians(
    auth: Auth,
    school_id: Uuid,
    id: Uuid,
) -> Result<Vec<GuardianLink>, ApiError> {
    get_json(auth, school_id, &format!("/persons/{id}/guardians")).await
}

/// `POST …/persons/{student_id}/guardians` → the student's links.
pub async fn link_guardian(
    auth: Auth,
    school_id: Uuid,
    student_id: Uuid,
    body: &GuardianLinkInput,
) -> Result<Vec<GuardianLink>, ApiError> {
    let rest = format!("/persons/{student_id}/guardians");
    send_json(auth, Method::POST, school_id, &rest, body).await
}

/// `DELETE …/persons/{student_id}/guardians/{parent_id}` → 204.
pub async fn unlink_guardian(
    auth: Auth,
    school_id: Uuid,
    student_id: Uuid,
    parent_id: Uuid,
) -> Result<(), ApiError> {
    delete(
        auth,
        school_id,
        &format!("/persons/{student_id}/guardians/{parent_id}"),
    )
    .await
}

/// `GET …/persons/{id}/enrollments`, oldest first.
pub async fn enrollments(
    auth: Auth,
    school_id: Uuid,
    id: Uuid,
) -> Result<Vec<Enrollment>, ApiError> {
    get_json(auth, school_id, &format!("/persons/{id}/enrollments")).await
}

/// `PATCH …/enrollments/{id}`. Errors: 409 (overlap), 422 (order, ending an open one).
pub async fn correct_enrollment(
    auth: Auth,
    school_id: Uuid,
    id: Uuid,
    body: &EnrollmentCorrection,
) -> Result<Enrollment, ApiError> {
    send_json(
        auth,
        Method::PATCH,
        school_id,
        &format!("/enrollments/{id}"),
        body,
    )
    .await
}

/// `POST …/students/{id}/arrive`. Errors: 409 (already enrolled then).
pub async fn arrive(
    auth: Auth,
    school_id: Uuid,
    student_id: Uuid,
    body: &ArriveRequest,
) -> Result<Enrollment, ApiError> {
    let rest = format!("/students/{student_id}/arrive");
    send_json(auth, Method::POST, school_id, &rest, body).await
}

/// `POST …/students/{id}/transfer`. Errors: 409 (not enrolled, same class), 422 (date).
pub async fn transfer(
    auth: Auth,
    school_id: Uuid,
    student_id: Uuid,
    body: &TransferRequest,
) -> Result<Enrollment, ApiError> {
    let rest = format!("/students/{student_id}/transfer");
    send_json(auth, Method::POST, school_id, &rest, body).await
}

/// `POST …/students/{id}/withdraw`. Errors: 409 (not enrolled), 422 (date, reason).
pub async fn withdraw(
    auth: Auth,
    school_id: Uuid,
    student_id: Uuid,
    body: &WithdrawRequest,
) -> Result<Enrollment, ApiError> {
    let rest = format!("/students/{student_id}/withdraw");
    send_json(auth, Method::POST, school_id, &rest, body).await
}

/// `POST …/classes/{id}/invite-sheet`: new codes (shown once) for the class's students and
/// parents without an account; their earlier unused codes are revoked.
pub async fn invite_sheet(
    auth: Auth,
    school_id: Uuid,
    class_id: Uuid,
) -> Result<InviteSheet, ApiError> {
    let call = Call::new(
        Method::POST,
        school_path(school_id, &format!("/classes/{class_id}/invite-sheet")),
    );
    parse(authed_answer(auth, call).await?)
}

/// `POST …/import/{kind}[?dry_run=true]` with the file as it is. A commit carries an
/// `Idempotency-Key`, so that a repeated click gets the first answer. A file with row errors is
/// `422 import_rejected` with the report in the problem's `report` (see
/// [`crate::import::rejected_report`]).
pub async fn import(
    auth: Auth,
    school_id: Uuid,
    kind: &str,
    data: Vec<u8>,
    content_type: &'static str,
    dry_run: bool,
    idempotency_key: Option<String>,
) -> Result<ImportReport, ApiError> {
    let query = if dry_run { "?dry_run=true" } else { "" };
    let mut call = Call::new(
        Method::POST,
        school_path(school_id, &format!("/import/{kind}{query}")),
    );
    call.body = Some(Body::Bytes { data, content_type });
    if let Some(key) = idempotency_key {
        call.headers.push(("Idempotency-Key", key));
    }
    parse(authed_answer(auth, call).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PROBLEM_429: &str = r#"{"type":"https://otmetka.org/problems/too-many-requests",
        "title":"Too many requests","status":429,"code":"too_many_requests"}"#;

    #[test]
    fn problem_body_is_parsed_with_its_code_and_retry_after() {
        let err = error_from_parts(
            429,
            Some("application/problem+json"),
            PROBLEM_429,
            Some("42"),
        );
        assert_eq!(err.code(), Some(ErrorCode::TooManyRequests));
        let ApiError::Problem { retry_after, .. } = err else {
            panic!("expected a problem")
        };
        assert_eq!(retry_after, Some(42));
    }

    #[test]
    fn field_errors_survive_parsing() {
        let body = r#"{"type":"x","title":"t","status":422,"code":"password_too_common",
            "errors":[{"field":"password","code":"too_common","message":"m"}]}"#;
        let err = error_from_parts(
            422,
            Some("application/problem+json; charset=utf-8"),
            body,
            None,
        );
        let ApiError::Problem { problem, .. } = err else {
            panic!("expected a problem")
        };
        assert_eq!(problem.code, ErrorCode::PasswordTooCommon);
        assert_eq!(problem.errors.len(), 1);
        assert_eq!(problem.errors[0].field, "password");
    }

    #[test]
    fn plain_text_429_still_means_too_many_requests() {
        let err = error_from_parts(
            429,
            Some("text/plain"),
            "Too Many Requests! Wait for 3s",
            Some("3"),
        );
        assert_eq!(err.code(), Some(ErrorCode::TooManyRequests));
        assert!(matches!(
            err,
            ApiError::Problem {
                retry_after: Some(3),
                ..
            }
        ));
    }

    #[test]
    fn html_error_page_is_unexpected_not_shown_raw() {
        let err = error_from_parts(502, Some("text/html"), "<html>Bad Gateway</html>", None);
        assert_eq!(err, ApiError::Unexpected { status: 502 });
        let err = error_from_parts(500, Some("application/json"), "{\"oops\":1}", None);
        assert_eq!(err, ApiError::Unexpected { status: 500 });
    }

    #[test]
    fn retry_after_accepts_only_seconds() {
        assert_eq!(parse_retry_after(" 17 "), Some(17));
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), None);
        assert_eq!(parse_retry_after("-1"), None);
    }

    #[test]
    fn only_an_expired_token_is_refreshed_and_only_once() {
        use ErrorCode::*;
        assert_eq!(
            after_error(401, Some(TokenExpired), false),
            AfterError::RefreshAndRetry
        );
        assert_eq!(
            after_error(401, Some(TokenExpired), true),
            AfterError::SignOut
        );
        assert_eq!(
            after_error(401, Some(SessionRevoked), false),
            AfterError::SignOut
        );
        assert_eq!(after_error(401, None, false), AfterError::SignOut);
        assert_eq!(after_error(403, Some(Forbidden), false), AfterError::Report);
        assert_eq!(after_error(404, Some(NotFound), false), AfterError::Report);
    }

    #[test]
    fn invite_states_travel_by_their_domain_names() {
        assert_eq!(
            invite_state_param(InviteState::Active).as_deref(),
            Some("active")
        );
        assert_eq!(
            invite_state_param(InviteState::Revoked).as_deref(),
            Some("revoked")
        );
        assert_eq!(invite_state_from_param("used"), Some(InviteState::Used));
        assert_eq!(
            invite_state_from_param("expired"),
            Some(InviteState::Expired)
        );
        assert_eq!(invite_state_from_param("all"), None);
        assert_eq!(invite_state_from_param(""), None);
    }
}
