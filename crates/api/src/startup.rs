//! Building the server: one [`Application::build`] used by `main`, the tests and the OpenAPI
//! export. It connects, migrates, binds (port 0 in tests) and assembles the actix app:
//! `/api/v1` (the API, with a problem+json fallback answering 404 or 405), `/api/docs` (Swagger
//! UI from vendored assets), and the SPA with fallback to `index.html` for every other path.

use std::net::TcpListener;
use std::path::PathBuf;
use std::sync::Arc;

use actix_governor::{Governor, GovernorConfig, GovernorConfigBuilder, PeerIpKeyExtractor};
use actix_web::body::{BoxBody, EitherBody, MessageBody};
use actix_web::dev::{Server, ServiceRequest, ServiceResponse, fn_service};
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::{Compress, Condition, ErrorHandlerResponse, ErrorHandlers};
use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use otmetka_domain::ErrorCode;
use utoipa::OpenApi;
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::{Config as SwaggerConfig, SwaggerUi};

use crate::auth::jwt::JwtKeys;
use crate::auth::throttle::Throttles;
use crate::config::Settings;
use crate::error::{AppError, status_of};
use crate::openapi::{ApiDoc, SpecJson};
use crate::service::reports::activity::DiaryViews;
use crate::state::AppState;

/// A built, bound, not yet awaited server.
pub struct Application {
    port: u16,
    server: Server,
    state: AppState,
}

type AuthGovernor =
    GovernorConfig<PeerIpKeyExtractor, actix_governor::governor::middleware::NoOpMiddleware>;

impl Application {
    /// Connects to the database, applies migrations, resolves the JWT secret and binds.
    pub async fn build(settings: Settings) -> anyhow::Result<Application> {
        let state = build_state(settings).await?;
        let listener = TcpListener::bind(&state.settings.bind).map_err(|e| {
            anyhow::anyhow!(
                "setting `bind`: cannot listen on {}: {e}",
                state.settings.bind
            )
        })?;
        let port = listener.local_addr()?.port();
        let server = run(listener, state.clone())?;
        crate::db::optimize(&state.db).await;
        crate::db::spawn_optimizer(state.db.clone(), std::time::Duration::from_secs(3600));
        DiaryViews::spawn_flusher(state.diary_views.clone(), state.db.clone());
        Ok(Application {
            port,
            server,
            state,
        })
    }

    /// The bound port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The state (the tests reach the database through it).
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until SIGINT/SIGTERM, then finishes in-flight requests (up to 10 s) and writes
    /// the diary views counted since the last flush.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let served = self.server.await;
        if let Err(e) = self.state.diary_views.flush(&self.state.db).await {
            tracing::warn!(error = %e, "could not record diary views at shutdown");
        }
        served
    }
}

/// Connects, migrates and resolves the JWT secret: the state a server (or a command such as
/// `seed-demo`) works with.
pub async fn build_state(settings: Settings) -> anyhow::Result<AppState> {
    settings.ensure_sqlite_dir()?;
    let db = crate::db::connect(&settings)
        .await
        .map_err(|e| anyhow::anyhow!("setting `database_url`: cannot connect: {e}"))?;
    crate::db::migrate(&db)
        .await
        .map_err(|e| anyhow::anyhow!("migrations failed: {e}"))?;
    let secret = settings.resolve_jwt_secret()?;
    let jwt = JwtKeys::new(
        &secret,
        &settings.jwt_issuer,
        &settings.jwt_audience,
        settings.access_token_ttl_secs,
    )
    .map_err(|e| anyhow::anyhow!("setting `jwt_secret`: {e}"))?;
    Ok(AppState {
        db,
        diary_views: Arc::new(DiaryViews::default()),
        throttles: Arc::new(Throttles::new(
            settings.login_failures_per_account,
            settings.login_failures_per_ip,
        )),
        jwt: Arc::new(jwt),
        settings: Arc::new(settings),
    })
}

/// Request volume on `/api/v1/auth` per client IP (`auth_rate_burst`, then
/// `auth_rate_per_second`). Protects the password hasher from floods; failed logins are limited
/// separately (see `auth::throttle`).
fn auth_governor(settings: &Settings) -> anyhow::Result<AuthGovernor> {
    GovernorConfigBuilder::default()
        .requests_per_second(settings.auth_rate_per_second as u64)
        .burst_size(settings.auth_rate_burst)
        .finish()
        .ok_or_else(|| anyhow::anyhow!("invalid rate-limit configuration"))
}

/// The `/api/v1` scope with every handler.
fn api_scope(
    governor: AuthGovernor,
) -> utoipa_actix_web::scope::Scope<
    impl actix_web::dev::ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    utoipa_actix_web::scope("/api/v1")
        .wrap(actix_web::middleware::from_fn(reject_nul_in_query))
        .wrap(actix_web::middleware::from_fn(sql_statements_header))
        .service(crate::openapi::openapi_json)
        .service(
            utoipa_actix_web::scope("/auth")
                .wrap(Governor::new(&governor))
                .configure(crate::routes::auth::configure)
                .default_service(web::to(api_fallback)),
        )
        .configure(crate::routes::configure)
        .default_service(web::to(api_fallback))
}

/// Query strings must not carry NUL characters (`%00`): no stored value holds one and
/// PostgreSQL cannot compare with one. 400 `invalid_query_parameter`.
async fn reject_nul_in_query(
    req: ServiceRequest,
    next: actix_web::middleware::Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    if req.query_string().to_ascii_lowercase().contains("%00") {
        return Err(AppError::new(ErrorCode::InvalidQueryParameter)
            .detail("query values must not contain NUL characters")
            .into());
    }
    next.call(req).await
}

/// With the `sql_statements_header` setting: `X-Sql-Statements: N`, the statements the request
/// issued (the benchmark's "≤ 5 per page endpoint" of DESIGN §7). Otherwise a pass-through.
async fn sql_statements_header(
    req: ServiceRequest,
    next: actix_web::middleware::Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let enabled = req
        .app_data::<web::Data<AppState>>()
        .is_some_and(|s| s.settings.sql_statements_header);
    if !enabled {
        return next.call(req).await;
    }
    let (res, n) = crate::db::count_statements(next.call(req)).await;
    let mut res = res?;
    res.headers_mut().insert(
        header::HeaderName::from_static("x-sql-statements"),
        HeaderValue::from(n),
    );
    Ok(res)
}

/// The OpenAPI document of the running server (no state needed).
pub fn api_spec() -> utoipa::openapi::OpenApi {
    let governor =
        auth_governor(&Settings::default()).unwrap_or_else(|_| GovernorConfig::default());
    let (_, spec) = App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .service(api_scope(governor))
        .split_for_parts();
    spec
}

/// Path templates of the spec with their methods, for 404-vs-405 answers.
#[derive(Clone)]
struct KnownPaths(Arc<Vec<(Vec<String>, Vec<Method>)>>);

impl KnownPaths {
    fn from_spec(spec: &utoipa::openapi::OpenApi) -> KnownPaths {
        let mut out = Vec::new();
        for (path, item) in spec.paths.paths.iter() {
            let segs = path
                .trim_matches('/')
                .split('/')
                .map(str::to_string)
                .collect();
            let methods = [
                (Method::GET, item.get.is_some()),
                (Method::PUT, item.put.is_some()),
                (Method::POST, item.post.is_some()),
                (Method::DELETE, item.delete.is_some()),
                (Method::PATCH, item.patch.is_some()),
                (Method::HEAD, item.head.is_some()),
                (Method::OPTIONS, item.options.is_some()),
            ]
            .into_iter()
            .filter_map(|(m, present)| present.then_some(m))
            .collect();
            out.push((segs, methods));
        }
        KnownPaths(Arc::new(out))
    }

    /// The methods of the templates matching `path`; only the most specific ones count (the
    /// fewest `{param}` segments), so `/lessons/generate` is `POST` only, not also the methods of
    /// `/lessons/{lesson_id}`. `None` when no template matches.
    fn allowed(&self, path: &str) -> Option<Vec<Method>> {
        let segs: Vec<&str> = path.trim_matches('/').split('/').collect();
        // (parameter segments, methods) of the most specific matching templates.
        let mut best: Option<(usize, Vec<Method>)> = None;
        for (tpl, methods) in self.0.iter() {
            let matches = tpl.len() == segs.len()
                && tpl
                    .iter()
                    .zip(&segs)
                    .all(|(t, s)| (t.starts_with('{') && !s.is_empty()) || t == s);
            if !matches {
                continue;
            }
            let params = tpl.iter().filter(|t| t.starts_with('{')).count();
            match &mut best {
                Some((p, m)) if *p == params => m.extend(methods.iter().cloned()),
                Some((p, _)) if *p < params => {}
                _ => best = Some((params, methods.clone())),
            }
        }
        best.map(|(_, m)| m)
    }
}

/// 405 `method_not_allowed` with `Allow`.
fn method_not_allowed(method: &Method, allowed: &[Method]) -> AppError {
    let mut e = AppError::new(ErrorCode::MethodNotAllowed)
        .detail(format!("{method} is not allowed on this path"));
    e.allow = Some(
        allowed
            .iter()
            .map(|m| m.as_str())
            .collect::<Vec<_>>()
            .join(", "),
    );
    e
}

/// Unknown `/api/v1` paths: 405 with `Allow` when the path exists with other methods, else 404.
async fn api_fallback(
    req: HttpRequest,
    known: web::Data<KnownPaths>,
) -> Result<HttpResponse, AppError> {
    Err(match known.allowed(req.path()) {
        Some(methods) if !methods.is_empty() => method_not_allowed(req.method(), &methods),
        _ => AppError::not_found("path"),
    })
}

/// Outside `/api/v1` but under `/api`: 404 problem.
async fn api_not_found() -> Result<HttpResponse, AppError> {
    Err(AppError::not_found("path"))
}

fn json_error(err: actix_web::error::JsonPayloadError, _req: &HttpRequest) -> actix_web::Error {
    use actix_web::error::JsonPayloadError as J;
    let e = match &err {
        J::ContentType => AppError::new(ErrorCode::UnsupportedMediaType)
            .detail("send Content-Type: application/json"),
        J::Overflow { .. } | J::OverflowKnownLength { .. } => {
            AppError::new(ErrorCode::PayloadTooLarge).detail("the body is too large")
        }
        J::Deserialize(de) => {
            AppError::new(ErrorCode::MalformedJson).detail(format!("not valid JSON: {de}"))
        }
        other => AppError::new(ErrorCode::MalformedJson).detail(other.to_string()),
    };
    e.into()
}

/// A path value that does not parse: 400 `invalid_path_parameter`, unless the path is a literal
/// route for other methods (`PUT /timetable/check` reaches `PUT /timetable/{entry_id}`): then
/// 405 with `Allow`.
fn path_error(err: actix_web::error::PathError, req: &HttpRequest) -> actix_web::Error {
    if let Some(known) = req.app_data::<web::Data<KnownPaths>>()
        && let Some(methods) = known.allowed(req.path())
        && !methods.is_empty()
        && !methods.contains(req.method())
    {
        return method_not_allowed(req.method(), &methods).into();
    }
    AppError::new(ErrorCode::InvalidPathParameter)
        .detail(format!("bad path value: {err}"))
        .into()
}

fn query_error(err: actix_web::error::QueryPayloadError, _req: &HttpRequest) -> actix_web::Error {
    AppError::new(ErrorCode::InvalidQueryParameter)
        .detail(format!("bad query: {err}"))
        .into()
}

/// Safety net: any error response under `/api` that is not already problem+json (actix's own
/// defaults, the rate limiter's text 429) becomes one, keeping its status and headers.
fn problemize<B: MessageBody + 'static>(
    res: ServiceResponse<B>,
) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let is_problem = res
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/problem+json"));
    if is_problem || !res.request().path().starts_with("/api") {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let status = res.status();
    let code = match status {
        StatusCode::NOT_FOUND => ErrorCode::NotFound,
        StatusCode::METHOD_NOT_ALLOWED => ErrorCode::MethodNotAllowed,
        StatusCode::PAYLOAD_TOO_LARGE => ErrorCode::PayloadTooLarge,
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ErrorCode::UnsupportedMediaType,
        StatusCode::TOO_MANY_REQUESTS => ErrorCode::TooManyRequests,
        s if s.is_server_error() => ErrorCode::Internal,
        _ => ErrorCode::BadRequest,
    };
    let mut e = AppError::new(code).status(status);
    if status != status_of(code) {
        e.status = status;
    }
    let (req, old) = res.into_parts();
    let retry = old.headers().get(header::RETRY_AFTER).cloned();
    let mut new = actix_web::ResponseError::error_response(&e);
    for (name, value) in old.headers() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            new.headers_mut().insert(name.clone(), value.clone());
        }
    }
    if let Some(r) = retry {
        // The rate limiter rounds the wait down; "0" would invite an immediate retry.
        let secs = r
            .to_str()
            .ok()
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(1)
            .max(1);
        new.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(secs));
    }
    let res = ServiceResponse::new(req, new)
        .map_into_boxed_body()
        .map_into_right_body();
    Ok(ErrorHandlerResponse::Response(res))
}

/// Whether a file name carries trunk's content hash (16+ hex digits between `-`, `_` or `.`):
/// `otmetka-web-d9cacf17b0727029_bg.wasm`, `style-6da41b12a82787c6.css`.
fn is_hashed_asset(file_name: &str) -> bool {
    file_name
        .split(['-', '.', '_'])
        .any(|part| part.len() >= 16 && part.chars().all(|c| c.is_ascii_hexdigit()))
}

/// `Cache-Control` for the SPA: hashed assets are immutable for a year, `index.html` is
/// revalidated on every visit.
fn cache_headers<B>(mut res: ServiceResponse<B>) -> ServiceResponse<B> {
    let path = res.request().path().to_string();
    let hashed = path.rsplit('/').next().is_some_and(is_hashed_asset);
    let value = if hashed && res.status().is_success() {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    res
}

const SPA_MISSING: &str = "<!doctype html><html lang=ru><meta charset=utf-8><title>Отметка</title>\
<body style='font-family:sans-serif;max-width:40em;margin:2em auto'><h1>Отметка</h1>\
<p>The API is running (<a href='/api/docs/'>API docs</a>), but the web app is not built. \
Build it with <code>just frontend</code> (or run <code>./x run</code>).</p></body></html>";

fn spa_service(static_dir: PathBuf) -> actix_files::Files {
    let index = static_dir.join("index.html");
    actix_files::Files::new("/", static_dir)
        .index_file("index.html")
        .default_handler(fn_service(move |req: ServiceRequest| {
            let index = index.clone();
            async move {
                let (req, _) = req.into_parts();
                let res = match actix_files::NamedFile::open(&index) {
                    Ok(f) => f.into_response(&req),
                    Err(_) => HttpResponse::Ok()
                        .content_type("text/html; charset=utf-8")
                        .body(SPA_MISSING),
                };
                Ok(ServiceResponse::new(req, res))
            }
        }))
}

fn run(listener: TcpListener, state: AppState) -> anyhow::Result<Server> {
    let spec = api_spec();
    let known = KnownPaths::from_spec(&spec);
    let spec_json = SpecJson(Arc::new(spec.to_json()?));
    let governor = auth_governor(&state.settings)?;
    let max_body = state.settings.max_body_bytes;
    let static_dir = state.settings.static_dir.clone();
    let cors_origins = state.settings.cors_origins.clone();
    let state_data = web::Data::new(state);
    let server = HttpServer::new(move || {
        let cors = cors_origins.iter().fold(
            actix_cors::Cors::default()
                .allowed_methods(vec!["GET", "POST", "PUT", "PATCH", "DELETE"])
                .allowed_headers(vec![
                    header::AUTHORIZATION,
                    header::CONTENT_TYPE,
                    header::IF_MATCH,
                ])
                .expose_headers(vec!["X-Total-Count", "Retry-After"])
                .max_age(3600),
            |c, o| c.allowed_origin(o),
        );
        let (app, _) = App::new()
            .into_utoipa_app()
            .openapi(ApiDoc::openapi())
            .app_data(state_data.clone())
            .app_data(web::Data::new(known.clone()))
            .app_data(web::Data::new(spec_json.clone()))
            .app_data(
                web::JsonConfig::default()
                    .limit(max_body)
                    .content_type_required(true)
                    .error_handler(json_error),
            )
            .app_data(web::PathConfig::default().error_handler(path_error))
            .app_data(web::QueryConfig::default().error_handler(query_error))
            .app_data(web::PayloadConfig::default().limit(max_body))
            .service(api_scope(governor.clone()))
            .split_for_parts();
        app.service(
            SwaggerUi::new("/api/docs/{_:.*}").config(SwaggerConfig::new(["/api/v1/openapi.json"])),
        )
        .route(
            "/api/docs",
            web::get().to(|| async {
                HttpResponse::PermanentRedirect()
                    .insert_header((header::LOCATION, "/api/docs/"))
                    .finish()
            }),
        )
        .service(web::scope("/api").default_service(web::to(api_not_found)))
        .service(
            web::scope("")
                .wrap(actix_web::middleware::from_fn(
                    |req, next: actix_web::middleware::Next<BoxBody>| async move {
                        next.call(req).await.map(cache_headers)
                    },
                ))
                .service(spa_service(static_dir.clone())),
        )
        .wrap(ErrorHandlers::new().default_handler(problemize))
        .wrap(Condition::new(!cors_origins.is_empty(), cors))
        .wrap(Compress::default())
        .wrap(tracing_actix_web::TracingLogger::<RequestSpan>::new())
    })
    .shutdown_timeout(10)
    .listen(listener)?
    .run();
    Ok(server)
}

/// Each request's tracing span (`tracing-actix-web`): `http.method`, `http.target` (path and
/// query), `http.client_ip`, `request_id`; at the end `http.status_code` and, for an error,
/// `exception.message` and `exception.details` (as `DefaultRootSpanBuilder` records them).
///
/// Unlike the default span it has no `http.route`: finding a request's route pattern matches the
/// path against every route's pattern in turn, before and apart from the routing itself, and that
/// took about 9 % of the server's CPU time on a journal batch (`perf`, BENCHMARKS.md, sixth
/// round). The path names the request as well.
pub struct RequestSpan;

impl tracing_actix_web::RootSpanBuilder for RequestSpan {
    fn on_request_start(request: &actix_web::dev::ServiceRequest) -> tracing::Span {
        use actix_web::HttpMessage;
        let request_id = request
            .extensions()
            .get::<tracing_actix_web::RequestId>()
            .copied();
        let empty = tracing::field::Empty;
        tracing::info_span!(
            "HTTP request",
            http.method = %request.method(),
            http.target = %request.uri().path_and_query().map(|p| p.as_str()).unwrap_or(""),
            http.client_ip = %request.connection_info().realip_remote_addr().unwrap_or(""),
            http.status_code = empty,
            otel.status_code = empty,
            request_id = request_id.map(tracing::field::display),
            exception.message = empty,
            exception.details = empty,
        )
    }

    fn on_request_end<B: actix_web::body::MessageBody>(
        span: tracing::Span,
        outcome: &Result<actix_web::dev::ServiceResponse<B>, actix_web::Error>,
    ) {
        tracing_actix_web::DefaultRootSpanBuilder::on_request_end(span, outcome);
    }
}

#[allow(dead_code)]
fn _assert_types(_: EitherBody<BoxBody>) {}

#[cfg(test)]
mod tests {
    use super::is_hashed_asset;

    #[test]
    fn trunk_hashed_names_are_recognised() {
        assert!(is_hashed_asset("otmetka-web-d9cacf17b0727029_bg.wasm"));
        assert!(is_hashed_asset("otmetka-web-d9cacf17b0727029.js"));
        assert!(is_hashed_asset("style-6da41b12a82787c6.css"));
        assert!(!is_hashed_asset("index.html"));
        assert!(!is_hashed_asset("favicon.svg"));
        assert!(!is_hashed_asset("otmetka-web-d9cacf17_bg.wasm"));
    }
}
