//! Bad input never panics and never leaks a bare status: every answer is problem+json with a
//! stable `code` (and for validation, the field), and the server keeps answering afterwards.

use chrono::{Duration, Utc};
use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use otmetka_api::auth::jwt::{Claims, JwtKeys};
use otmetka_api::entity::invite_code;
use otmetka_domain::Role;
use reqwest::{Method, StatusCode};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::both_dbs;
use crate::helpers::*;

both_dbs!(
    wrong_password_and_unknown_login_get_401_invalid_credentials,
    expired_forged_unsigned_and_garbage_tokens_get_401,
    expired_used_revoked_unknown_and_malformed_invite_codes_answer_distinctly,
    the_21st_unknown_invite_code_from_one_ip_gets_429_with_retry_after,
    huge_logins_and_nul_bytes_get_stable_codes,
    bodies_that_are_not_json_get_400_malformed_json,
    a_body_over_max_body_bytes_gets_413,
    a_body_without_json_content_type_gets_415,
    unknown_fields_and_wrong_types_get_400_malformed_json,
    bad_path_and_query_values_get_400,
    unknown_paths_get_404_and_wrong_methods_405_with_allow,
    registration_refuses_short_common_and_login_equal_passwords,
    registration_refuses_bad_and_taken_logins_and_used_codes,
    two_registrations_racing_for_one_code_give_one_201_and_one_410,
    nul_bytes_in_names_and_searches_never_reach_the_database,
);

/// The server still answers after whatever came before.
async fn assert_alive(app: &TestApp) {
    let res = app.get("/health", None).await;
    assert_eq!(res.status(), StatusCode::OK);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["status"], "ok");
}

/// A request with raw bytes and the given content type (none: no header).
async fn raw(
    app: &TestApp,
    method: Method,
    path: &str,
    token: Option<&str>,
    content_type: Option<&str>,
    body: Vec<u8>,
) -> reqwest::Response {
    let mut r = app.client.request(method, app.url(path)).body(body);
    if let Some(ct) = content_type {
        r = r.header("content-type", ct);
    }
    if let Some(t) = token {
        r = r.bearer_auth(t);
    }
    r.send().await.unwrap()
}

/// A school with a registered admin: (school id, admin token).
async fn school(app: &TestApp) -> (Uuid, String) {
    let root = app.superadmin().await;
    app.school_with_admin(&root, "Школа № 1", "admin1").await
}

/// A new active invite for a new student: (invite id, code).
async fn new_invite(app: &TestApp, admin: &str, school: Uuid) -> (Uuid, String) {
    let res = app
        .post(
            &format!("/schools/{school}/invites"),
            Some(admin),
            json!({"person": {"last_name": "Сидоров", "first_name": "Пётр"}, "role": Role::Student}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let body: Value = res.json().await.unwrap();
    (
        body["id"].as_str().unwrap().parse().unwrap(),
        body["code"].as_str().unwrap().to_string(),
    )
}

fn register_body(code: &str, login: &str, password: &str) -> Value {
    json!({"invite_code": code, "login": login, "password": password})
}

/// Asserts a 422 whose first field error names `field`.
async fn assert_field(res: reqwest::Response, code: &str, field: &str) {
    let body = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, code).await;
    assert_eq!(body["errors"][0]["field"], field, "{body}");
}

/// Collects a test's mismatches and fails once with all of them, so one run shows every case.
#[derive(Default)]
struct Mismatches(Vec<String>);

impl Mismatches {
    /// Checks a problem answer's status, code and (when given) first field; returns the body.
    async fn check(
        &mut self,
        what: &str,
        res: reqwest::Response,
        status: StatusCode,
        code: &str,
        field: Option<&str>,
    ) -> Value {
        let got = res.status();
        let ct = res
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap_or_default().to_string())
            .unwrap_or_default();
        let text = res.text().await.unwrap_or_default();
        let body: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        let ok = got == status
            && ct == "application/problem+json"
            && body["code"] == code
            && body["status"] == got.as_u16()
            && field.is_none_or(|f| body["errors"][0]["field"] == f);
        if !ok {
            let want_field = field.map(|f| format!(" on `{f}`")).unwrap_or_default();
            self.0.push(format!(
                "{what}: expected {} {code}{want_field}, got {got} ({ct}) {}",
                status.as_u16(),
                text.chars().take(400).collect::<String>()
            ));
        }
        body
    }

    fn assert_none(self) {
        assert!(
            self.0.is_empty(),
            "{} cases answered wrongly:\n{}",
            self.0.len(),
            self.0.join("\n")
        );
    }
}

async fn wrong_password_and_unknown_login_get_401_invalid_credentials(app: TestApp) {
    school(&app).await; // its admin signs in as `admin1`
    for body in [
        json!({"login": "admin1", "password": "not-the-password-1"}),
        json!({"login": "nobody.at.all", "password": PASSWORD}),
        json!({"login": "ADMIN1", "password": "not-the-password-2"}),
    ] {
        let res = app.post("/auth/login", None, body).await;
        let problem = assert_problem(res, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
        assert!(problem.get("errors").is_none(), "{problem}");
    }
    // The right password still works: the failures were below the lock-out.
    app.login("Admin1", PASSWORD).await;
    assert_alive(&app).await;
}

async fn expired_forged_unsigned_and_garbage_tokens_get_401(app: TestApp) {
    let root = app.superadmin().await;
    let me: Value = app.get("/me", Some(&root)).await.json().await.unwrap();
    let account: Uuid = me["account_id"].as_str().unwrap().parse().unwrap();
    let session: Uuid = me["session_id"].as_str().unwrap().parse().unwrap();
    let settings = &app.state.settings;
    let secret = std::fs::read_to_string(settings.data_dir.join("jwt-secret")).unwrap();
    let secret = secret.trim().as_bytes().to_vec();
    let (iss, aud) = (settings.jwt_issuer.as_str(), settings.jwt_audience.as_str());

    // Control: a token made here with the server's secret is accepted, so the refusals below
    // are for the reason each one names.
    let good = JwtKeys::new(&secret, iss, aud, 900)
        .unwrap()
        .issue(account, session)
        .unwrap();
    assert_eq!(app.get("/me", Some(&good)).await.status(), StatusCode::OK);

    let now = Utc::now().timestamp();
    let claims = |exp: i64| Claims {
        iss: iss.into(),
        aud: aud.into(),
        sub: account,
        sid: session,
        iat: now - 2000,
        exp,
    };
    let key = EncodingKey::from_secret(&secret).unwrap();
    let expired = encode(&Header::new(Algorithm::HS256), &claims(now - 1000), &key).unwrap();
    let hs512 = encode(&Header::new(Algorithm::HS512), &claims(now + 900), &key).unwrap();
    let forged = JwtKeys::new(b"another-deployment-secret-0123456789abcdef", iss, aud, 900)
        .unwrap()
        .issue(account, session)
        .unwrap();
    let wrong_aud = JwtKeys::new(&secret, iss, "someone-else", 900)
        .unwrap()
        .issue(account, session)
        .unwrap();
    let wrong_iss = JwtKeys::new(&secret, "someone-else", aud, 900)
        .unwrap()
        .issue(account, session)
        .unwrap();
    let unsigned = {
        use base64::Engine;
        use base64::engine::general_purpose::URL_SAFE_NO_PAD;
        format!(
            "{}.{}.",
            URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#),
            URL_SAFE_NO_PAD.encode(serde_json::to_vec(&claims(now + 900)).unwrap())
        )
    };
    let cases: Vec<(&str, String, &str)> = vec![
        ("expired", format!("Bearer {expired}"), "token_expired"),
        ("other secret", format!("Bearer {forged}"), "token_invalid"),
        ("alg none", format!("Bearer {unsigned}"), "token_invalid"),
        ("HS512", format!("Bearer {hs512}"), "token_invalid"),
        ("wrong aud", format!("Bearer {wrong_aud}"), "token_invalid"),
        ("wrong iss", format!("Bearer {wrong_iss}"), "token_invalid"),
        ("garbage", "Bearer garbage".into(), "token_invalid"),
        ("three dots", "Bearer a.b.c".into(), "token_invalid"),
        (
            "unknown API token",
            "Bearer otm_nope".into(),
            "token_invalid",
        ),
        (
            "basic",
            "Basic cm9vdDpwYXNzd29yZA==".into(),
            "token_invalid",
        ),
        ("bare scheme", "Bearer".into(), "token_invalid"),
        (
            "huge",
            format!("Bearer {}", "A".repeat(16_000)),
            "token_invalid",
        ),
    ];
    for (what, header, code) in &cases {
        let res = app
            .client
            .get(app.url("/me"))
            .header("authorization", header)
            .send()
            .await
            .unwrap();
        assert!(
            res.headers().contains_key("www-authenticate"),
            "{what}: no WWW-Authenticate"
        );
        let (status, body) = problem(res).await;
        assert_eq!(
            (status, body["code"].as_str().unwrap()),
            (StatusCode::UNAUTHORIZED, *code),
            "{what}: {body}"
        );
    }
    // A header that is not text.
    let res = app
        .client
        .get(app.url("/me"))
        .header(
            "authorization",
            reqwest::header::HeaderValue::from_bytes(b"Bearer \xff\xfe\xfd").unwrap(),
        )
        .send()
        .await
        .unwrap();
    assert_problem(res, StatusCode::UNAUTHORIZED, "token_invalid").await;
    // The real session was not harmed by any of it.
    assert_eq!(app.get("/me", Some(&root)).await.status(), StatusCode::OK);
    assert_alive(&app).await;
}

async fn expired_used_revoked_unknown_and_malformed_invite_codes_answer_distinctly(app: TestApp) {
    let (school, admin) = school(&app).await;
    let (expired_id, expired) = new_invite(&app, &admin, school).await;
    invite_code::Entity::update_many()
        .col_expr(
            invite_code::Column::ExpiresAt,
            Expr::value(Utc::now() - Duration::days(1)),
        )
        .filter(invite_code::Column::Id.eq(expired_id))
        .exec(&app.state.db)
        .await
        .unwrap();
    let (_, used) = new_invite(&app, &admin, school).await;
    app.register(&used, "first.user").await;
    let (revoked_id, revoked) = new_invite(&app, &admin, school).await;
    let res = app
        .send(
            Method::DELETE,
            &format!("/schools/{school}/invites/{revoked_id}"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);

    let cases = [
        (
            "expired",
            expired.clone(),
            StatusCode::GONE,
            "invite_expired",
        ),
        ("used", used, StatusCode::GONE, "invite_used"),
        ("revoked", revoked, StatusCode::GONE, "invite_revoked"),
        (
            "unknown",
            "2345-6789-ABCD".to_string(),
            StatusCode::NOT_FOUND,
            "invite_unknown",
        ),
        (
            "look-alikes",
            "O0O0-IIII-LLLL".to_string(),
            StatusCode::NOT_FOUND,
            "invite_unknown",
        ),
        (
            "malformed",
            "not-a-code!".to_string(),
            StatusCode::NOT_FOUND,
            "invite_unknown",
        ),
    ];
    for (what, code, status, err) in &cases {
        let res = app.get(&format!("/auth/invites/{code}"), None).await;
        let (s, body) = problem(res).await;
        assert_eq!(
            (s, body["code"].as_str().unwrap()),
            (*status, *err),
            "preview {what}: {body}"
        );
        let res = app
            .post(
                "/auth/register",
                None,
                register_body(code, "newcomer", PASSWORD),
            )
            .await;
        let (s, body) = problem(res).await;
        assert_eq!(
            (s, body["code"].as_str().unwrap()),
            (*status, *err),
            "register {what}: {body}"
        );
    }
    // A code far too long: unknown on preview, a field error on register.
    let long = "A".repeat(1000);
    let res = app.get(&format!("/auth/invites/{long}"), None).await;
    assert_problem(res, StatusCode::NOT_FOUND, "invite_unknown").await;
    let res = app
        .post(
            "/auth/register",
            None,
            register_body(&long, "newcomer", PASSWORD),
        )
        .await;
    assert_field(res, "validation_failed", "invite_code").await;
    // Nobody registered, and the list shows the expired invite as expired.
    let res = app
        .post(
            "/auth/login",
            None,
            json!({"login": "newcomer", "password": PASSWORD}),
        )
        .await;
    assert_problem(res, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
    let list: Vec<Value> = app
        .get(
            &format!("/schools/{school}/invites?state=expired"),
            Some(&admin),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["id"], expired_id.to_string());
    assert_alive(&app).await;
}

async fn the_21st_unknown_invite_code_from_one_ip_gets_429_with_retry_after(app: TestApp) {
    assert_eq!(app.state.settings.login_failures_per_ip, 20);
    let root = app.superadmin().await;
    let (_, real) = app.create_school(&root, "Школа").await;
    const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
    for i in 0..20 {
        let guess = format!(
            "ZZZZ-ZZZZ-ZZ{}{}",
            ALPHABET[i / 31] as char,
            ALPHABET[i % 31] as char
        );
        let res = app.get(&format!("/auth/invites/{guess}"), None).await;
        assert_problem(res, StatusCode::NOT_FOUND, "invite_unknown").await;
    }
    let res = app.get("/auth/invites/ZZZZ-ZZZZ-YYYY", None).await;
    let retry: u64 = res.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry), "{retry}");
    assert_problem(res, StatusCode::TOO_MANY_REQUESTS, "too_many_requests").await;
    // While locked, even a real code waits: the answer tells a guesser nothing.
    let res = app.get(&format!("/auth/invites/{real}"), None).await;
    assert_problem(res, StatusCode::TOO_MANY_REQUESTS, "too_many_requests").await;
    let res = app
        .post(
            "/auth/register",
            None,
            register_body("ZZZZ-ZZZZ-XXXX", "guesser", PASSWORD),
        )
        .await;
    assert_problem(res, StatusCode::TOO_MANY_REQUESTS, "too_many_requests").await;
    assert_alive(&app).await;
}

async fn huge_logins_and_nul_bytes_get_stable_codes(app: TestApp) {
    let (school, admin) = school(&app).await;
    let (_, code) = new_invite(&app, &admin, school).await;
    let huge = "щ".repeat(10_000);
    let mut m = Mismatches::default();
    let login = |login: &str, password: &str| {
        app.post(
            "/auth/login",
            None,
            json!({"login": login, "password": password}),
        )
    };
    let register = |login: &str, password: &str| {
        app.post(
            "/auth/register",
            None,
            register_body(&code, login, password),
        )
    };
    let unprocessable = StatusCode::UNPROCESSABLE_ENTITY;
    let (vf, login_field) = ("validation_failed", Some("login"));
    m.check(
        "login: 10 000-character login",
        login(&huge, PASSWORD).await,
        unprocessable,
        vf,
        login_field,
    )
    .await;
    m.check(
        "login: 10 000-character password",
        login("admin1", &huge).await,
        unprocessable,
        vf,
        Some("password"),
    )
    .await;
    m.check(
        "register: 10 000-character login",
        register(&huge, PASSWORD).await,
        unprocessable,
        vf,
        login_field,
    )
    .await;
    // NUL bytes: the JSON extractor refuses them in any stored field, naming it.
    let unauthorized = StatusCode::UNAUTHORIZED;
    m.check(
        "login: NUL in the login",
        login("admin\u{0}1", PASSWORD).await,
        unprocessable,
        vf,
        login_field,
    )
    .await;
    m.check(
        "login: NUL in the password",
        login("admin1", "Синий\u{0}кит").await,
        unauthorized,
        "invalid_credentials",
        None,
    )
    .await;
    m.check(
        "register: NUL in the login",
        register("nul\u{0}login", PASSWORD).await,
        unprocessable,
        vf,
        login_field,
    )
    .await;
    m.assert_none();
    // A password may hold any character, NUL included: it is hashed, never stored as text.
    let odd = "Пароль\u{0}с-нулём-7";
    let res = register("nul.user", odd).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    login_with(&new_client(), &app, "nul.user", odd).await;
    assert_alive(&app).await;
}

async fn bodies_that_are_not_json_get_400_malformed_json(app: TestApp) {
    let bomb = "[".repeat(100_000).into_bytes();
    let mut nested_in_field = br#"{"login":"#.to_vec();
    nested_in_field.extend(std::iter::repeat_n(b'[', 100_000));
    let cases: Vec<(&str, Vec<u8>)> = vec![
        (
            "invalid UTF-8",
            b"{\"login\":\"\xff\xfe\",\"password\":\"x\"}".to_vec(),
        ),
        ("nesting bomb", bomb),
        ("nesting bomb in a field", nested_in_field),
        ("form encoding", b"login=admin1&password=x".to_vec()),
        ("truncated", br#"{"login":"admin1","#.to_vec()),
        ("empty", Vec::new()),
        (
            "trailing garbage",
            br#"{"login":"a","password":"b"} x"#.to_vec(),
        ),
    ];
    let mut m = Mismatches::default();
    for (what, body) in cases {
        let res = raw(
            &app,
            Method::POST,
            "/auth/login",
            None,
            Some("application/json"),
            body,
        )
        .await;
        m.check(what, res, StatusCode::BAD_REQUEST, "malformed_json", None)
            .await;
    }
    m.assert_none();
    assert_alive(&app).await;
}

async fn a_body_over_max_body_bytes_gets_413(app: TestApp) {
    let max = app.state.settings.max_body_bytes;
    assert_eq!(max, 1024 * 1024);
    let body = json!({"login": "a".repeat(max + 1), "password": "x"}).to_string();
    let res = raw(
        &app,
        Method::POST,
        "/auth/login",
        None,
        Some("application/json"),
        body.into_bytes(),
    )
    .await;
    assert_problem(res, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large").await;
    // Same behind authentication.
    let root = app.superadmin().await;
    let body =
        json!({"name": "Ш".repeat(max), "first_admin": {"last_name": "А", "first_name": "Б"}});
    let res = app.post("/schools", Some(&root), body).await;
    assert_problem(res, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large").await;
    assert_alive(&app).await;
}

async fn a_body_without_json_content_type_gets_415(app: TestApp) {
    let body = br#"{"login":"admin1","password":"wrong-password"}"#.to_vec();
    for ct in [
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
        Some("application/xml"),
        None,
    ] {
        let res = raw(&app, Method::POST, "/auth/login", None, ct, body.clone()).await;
        let (status, problem) = problem(res).await;
        assert_eq!(
            (status, problem["code"].as_str().unwrap()),
            (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type"),
            "{ct:?}: {problem}"
        );
    }
    // Control: with a charset parameter it is JSON and reaches the handler.
    let res = raw(
        &app,
        Method::POST,
        "/auth/login",
        None,
        Some("application/json; charset=utf-8"),
        body,
    )
    .await;
    assert_problem(res, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
    assert_alive(&app).await;
}

/// `ErrorCode::MalformedJson` is documented as "not valid JSON, not UTF-8, nested too deeply,
/// or has unknown/mistyped fields. HTTP 400" — clients match on that.
async fn unknown_fields_and_wrong_types_get_400_malformed_json(app: TestApp) {
    let (school, admin) = school(&app).await;
    let invites = format!("/schools/{school}/invites");
    let person = json!({"last_name": "Сидоров", "first_name": "Пётр"});
    let cases: Vec<(&str, &str, Value)> = vec![
        (
            "unknown field",
            "/auth/login",
            json!({"login": "admin1", "password": PASSWORD, "remember_me": true}),
        ),
        (
            "number for a string",
            "/auth/login",
            json!({"login": 12345, "password": PASSWORD}),
        ),
        ("null body", "/auth/login", Value::Null),
        ("array body", "/auth/login", json!(["admin1", PASSWORD])),
        (
            "3.5 for an integer (3.0 is an integer: tests/api/fuzz_findings.rs)",
            &invites,
            json!({"person": person, "role": "teacher", "expires_in_days": 3.5}),
        ),
        (
            "string for an integer",
            &invites,
            json!({"person": person, "role": "teacher", "expires_in_days": "30"}),
        ),
        (
            "negative for an unsigned integer",
            &invites,
            json!({"person": person, "role": "teacher", "expires_in_days": -1}),
        ),
        (
            "unknown role",
            &invites,
            json!({"person": person, "role": "director"}),
        ),
        (
            "unknown nested field",
            &invites,
            json!({"person": {"last_name": "А", "first_name": "Б", "snils": "1"}, "role": "teacher"}),
        ),
        (
            "3.5 for an integer (API token)",
            "/me/api-tokens",
            json!({"name": "x", "scopes": ["read"], "expires_in_days": 3.5}),
        ),
        (
            "unknown scope",
            "/me/api-tokens",
            json!({"name": "x", "scopes": ["admin"]}),
        ),
    ];
    let mut m = Mismatches::default();
    for (what, path, body) in cases {
        let res = app.post(path, Some(&admin), body).await;
        m.check(what, res, StatusCode::BAD_REQUEST, "malformed_json", None)
            .await;
    }
    // Nothing was created by any of them.
    let list: Vec<Value> = app.get(&invites, Some(&admin)).await.json().await.unwrap();
    assert_eq!(list.len(), 1, "only the first admin's invite");
    let tokens: Vec<Value> = app
        .get("/me/api-tokens", Some(&admin))
        .await
        .json()
        .await
        .unwrap();
    assert!(tokens.is_empty(), "{tokens:?}");
    assert_alive(&app).await;
    m.assert_none();
}

async fn bad_path_and_query_values_get_400(app: TestApp) {
    let (school, admin) = school(&app).await;
    let paths = [
        (Method::GET, "/schools/not-a-uuid".to_string()),
        (Method::GET, format!("/schools/{school}/persons/123")),
        (Method::GET, format!("/schools/{school}x/persons")),
        (Method::DELETE, "/me/sessions/xyz".to_string()),
        (Method::DELETE, "/me/api-tokens/%00".to_string()),
        (Method::DELETE, format!("/schools/{school}/invites/{{id}}")),
        (Method::PATCH, format!("/schools/{school}/accounts/1e100")),
    ];
    for (method, path) in paths {
        let body = (method == Method::PATCH).then(|| json!({"is_active": true}));
        let res = app.send(method.clone(), &path, Some(&admin), body).await;
        let (status, problem) = problem(res).await;
        assert_eq!(
            (status, problem["code"].as_str().unwrap()),
            (StatusCode::BAD_REQUEST, "invalid_path_parameter"),
            "{method} {path}: {problem}"
        );
    }
    let queries = [
        format!("/schools/{school}/invites?limit=0"),
        format!("/schools/{school}/invites?limit=501"),
        format!("/schools/{school}/invites?limit=abc"),
        format!("/schools/{school}/invites?offset=-1"),
        format!("/schools/{school}/invites?state=bogus"),
        format!("/schools/{school}/invites?limit=99999999999999999999999"),
        format!("/schools/{school}/persons?limit=0"),
        format!("/schools/{school}/persons?offset=x"),
        format!("/schools/{school}/audit?limit=501"),
        format!("/schools/{school}/audit?limit=1.5"),
    ];
    for path in queries {
        let res = app.get(&path, Some(&admin)).await;
        let (status, problem) = problem(res).await;
        assert_eq!(
            (status, problem["code"].as_str().unwrap()),
            (StatusCode::BAD_REQUEST, "invalid_query_parameter"),
            "{path}: {problem}"
        );
    }
    // Control: the edges of the ranges are accepted.
    for path in [
        format!("/schools/{school}/invites?limit=1&offset=0&state=active"),
        format!("/schools/{school}/invites?limit=500"),
        format!("/schools/{school}/persons?limit=500&offset=1000000"),
    ] {
        let res = app.get(&path, Some(&admin)).await;
        assert_eq!(res.status(), StatusCode::OK, "{path}");
    }
    assert_alive(&app).await;
}

async fn unknown_paths_get_404_and_wrong_methods_405_with_allow(app: TestApp) {
    let root = app.superadmin().await;
    let school = Uuid::now_v7();
    let mut m = Mismatches::default();
    for path in [
        "/api/v1/nope".to_string(),
        format!("/api/v1/schools/{school}/nope"),
        "/api/v1/me/nope/deeper".to_string(),
        "/api/v1/auth/nope".to_string(),
        "/api/v2/health".to_string(),
    ] {
        let res = app
            .client
            .get(format!("{}{path}", app.base))
            .bearer_auth(&root)
            .send()
            .await
            .unwrap();
        m.check(&path, res, StatusCode::NOT_FOUND, "not_found", None)
            .await;
    }
    let cases = [
        (Method::PUT, "/me".to_string(), "GET"),
        (Method::DELETE, "/schools".to_string(), "GET, POST"),
        (Method::PATCH, format!("/schools/{school}"), "GET"),
        (Method::PUT, "/me/sessions".to_string(), "DELETE, GET"),
        (Method::GET, "/auth/login".to_string(), "POST"),
        (Method::DELETE, "/auth/register".to_string(), "POST"),
    ];
    for (method, path, allowed) in cases {
        let res = app.send(method.clone(), &path, Some(&root), None).await;
        let allow = res
            .headers()
            .get("allow")
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default();
        let what = format!("{method} {path}");
        m.check(
            &what,
            res,
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            None,
        )
        .await;
        let mut got: Vec<&str> = allow.split(',').map(str::trim).collect();
        got.sort();
        if got.join(", ") != allowed {
            m.0.push(format!(
                "{what}: expected Allow: {allowed}, got Allow: {allow}"
            ));
        }
    }
    m.assert_none();
    assert_alive(&app).await;
}

async fn registration_refuses_short_common_and_login_equal_passwords(app: TestApp) {
    let (school, admin) = school(&app).await;
    let (_, code) = new_invite(&app, &admin, school).await;
    let cases = [
        ("Ivanova.MP", "Кит-7аб", "password_length"),
        ("Ivanova.MP", &"ж".repeat(129), "password_length"),
        ("Ivanova.MP", "qwerty123", "password_too_common"),
        ("Ivanova.MP", "PASSWORD1", "password_too_common"),
        ("Ivanova.MP", "ivanova.mp", "password_too_common"),
    ];
    for (login, password, err) in cases {
        let res = app
            .post(
                "/auth/register",
                None,
                register_body(&code, login, password),
            )
            .await;
        let body = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, err).await;
        assert_eq!(body["errors"][0]["field"], "password", "{password}: {body}");
    }
    // None of them used the code up.
    app.register(&code, "Ivanova.MP").await;
    assert_alive(&app).await;
}

async fn registration_refuses_bad_and_taken_logins_and_used_codes(app: TestApp) {
    let (school, admin) = school(&app).await;
    let (_, first) = new_invite(&app, &admin, school).await;
    let (_, second) = new_invite(&app, &admin, school).await;
    for login in ["ivan ova", "ab", "ivanova!", "иванова\t", ""] {
        let res = app
            .post(
                "/auth/register",
                None,
                register_body(&first, login, PASSWORD),
            )
            .await;
        assert_field(res, "validation_failed", "login").await;
    }
    app.register(&first, "ivanova").await;
    for taken in ["ivanova", "IVANOVA", "Ivanova"] {
        let res = app
            .post(
                "/auth/register",
                None,
                register_body(&second, taken, PASSWORD),
            )
            .await;
        assert_problem(res, StatusCode::CONFLICT, "login_taken").await;
    }
    // The used code again, with a free login.
    let res = app
        .post(
            "/auth/register",
            None,
            register_body(&first, "petrova", PASSWORD),
        )
        .await;
    assert_problem(res, StatusCode::GONE, "invite_used").await;
    // The refused attempts did not use the second code.
    app.register(&second, "petrova").await;
    assert_alive(&app).await;
}

async fn two_registrations_racing_for_one_code_give_one_201_and_one_410(app: TestApp) {
    let (school, admin) = school(&app).await;
    for round in 0..3 {
        let (_, code) = new_invite(&app, &admin, school).await;
        let one = format!("racer{round}.one");
        let two = format!("racer{round}.two");
        let (a, b) = tokio::join!(
            app.post("/auth/register", None, register_body(&code, &one, PASSWORD)),
            app.post("/auth/register", None, register_body(&code, &two, PASSWORD)),
        );
        let (winner, loser, loser_login) = match (a.status(), b.status()) {
            (StatusCode::CREATED, _) => (a, b, two),
            (_, StatusCode::CREATED) => (b, a, one),
            (x, y) => panic!(
                "round {round}: nobody registered: {x} {}, {y} {}",
                a.text().await.unwrap(),
                b.text().await.unwrap()
            ),
        };
        let won: Value = winner.json().await.unwrap();
        assert_problem(loser, StatusCode::GONE, "invite_used").await;
        // The winner signs in; the loser's login does not exist.
        login_with(
            &new_client(),
            &app,
            won["login"].as_str().unwrap(),
            PASSWORD,
        )
        .await;
        let res = app
            .post(
                "/auth/login",
                None,
                json!({"login": loser_login, "password": PASSWORD}),
            )
            .await;
        assert_problem(res, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
    }
    // Exactly three new accounts in the school besides the admin.
    let accounts: Vec<Value> = app
        .get(&format!("/schools/{school}/accounts"), Some(&admin))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(accounts.len(), 4, "{accounts:?}");
    assert_alive(&app).await;
}

/// PostgreSQL refuses NUL in text; a NUL in a name must be a 422 on the field and a NUL in a
/// query 400 `invalid_query_parameter`, never a database error (500).
async fn nul_bytes_in_names_and_searches_never_reach_the_database(app: TestApp) {
    let root = app.superadmin().await;
    let (school, admin) = app.school_with_admin(&root, "Школа", "admin1").await;
    let persons = format!("/schools/{school}/persons");
    let mut m = Mismatches::default();
    for path in [
        format!("{persons}?q=%00"),
        format!("{persons}?q=a%00b"),
        format!("/schools/{school}/audit?action=%00"),
    ] {
        let res = app.get(&path, Some(&admin)).await;
        m.check(
            &format!("GET {path}"),
            res,
            StatusCode::BAD_REQUEST,
            "invalid_query_parameter",
            None,
        )
        .await;
    }
    let name = |extra: Value| {
        let mut p = json!({"last_name": "Сидоров", "first_name": "Пётр"});
        p.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        p
    };
    for (field, body) in [
        ("last_name", name(json!({"last_name": "Си\u{0}доров"}))),
        ("first_name", name(json!({"first_name": "\u{0}"}))),
        ("middle_name", name(json!({"middle_name": "Ива\u{0}нович"}))),
        ("external_id", name(json!({"external_id": "id\u{0}1"}))),
    ] {
        let res = app.post(&persons, Some(&admin), body.clone()).await;
        m.check(
            &format!("person with NUL in {field}"),
            res,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            Some(field),
        )
        .await;
        let res = app
            .post(
                &format!("/schools/{school}/invites"),
                Some(&admin),
                json!({"person": body, "role": "teacher"}),
            )
            .await;
        m.check(
            &format!("invite for a person with NUL in {field}"),
            res,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            Some(&format!("person.{field}")),
        )
        .await;
    }
    let res = app
        .post(
            "/schools",
            Some(&root),
            json!({"name": "Школа\u{0}", "first_admin": {"last_name": "А", "first_name": "Б"}}),
        )
        .await;
    m.check(
        "school with NUL in the name",
        res,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
        Some("name"),
    )
    .await;
    let res = app
        .post(
            "/me/api-tokens",
            Some(&admin),
            json!({"name": "скрипт\u{0}", "scopes": ["read"]}),
        )
        .await;
    m.check(
        "API token with NUL in the name",
        res,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
        Some("name"),
    )
    .await;
    m.assert_none();
    assert_alive(&app).await;
}
