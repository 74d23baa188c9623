//! Test harness: spawn the app on SQLite or PostgreSQL, an HTTP client with a cookie jar, and
//! small builders for schools, invites and accounts.

use std::sync::Arc;

use otmetka_api::config::Settings;
use otmetka_api::startup::Application;
use otmetka_api::state::AppState;
use otmetka_domain::Role;
use reqwest::{Client, Response, StatusCode};
use sea_orm::{ConnectionTrait, Database};
use serde_json::{Value, json};
use uuid::Uuid;

/// Which database a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Db {
    Sqlite,
    Postgres,
}

/// Runs an `async fn(TestApp)` on both databases as `NAME::sqlite` and `NAME::postgres`.
#[macro_export]
macro_rules! both_dbs {
    ($($name:ident),+ $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    super::$name($crate::helpers::spawn($crate::helpers::Db::Sqlite).await).await
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    super::$name($crate::helpers::spawn($crate::helpers::Db::Postgres).await).await
                }
            }
        )+
    };
}

/// Drops the per-test PostgreSQL database when the test ends (also on panic).
struct PgGuard {
    admin_url: String,
    name: String,
}

impl Drop for PgGuard {
    fn drop(&mut self) {
        let admin_url = self.admin_url.clone();
        let name = self.name.clone();
        // Drop runs inside the test's runtime: do the async work on a thread of its own.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                if let Ok(db) = Database::connect(&admin_url).await {
                    let _ = db
                        .execute_unprepared(&format!(
                            "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
                        ))
                        .await;
                    let _ = db.close().await;
                }
            });
        })
        .join();
    }
}

/// A running server with a client that keeps cookies.
pub struct TestApp {
    pub base: String,
    pub client: Client,
    pub state: AppState,
    _dir: Arc<tempfile::TempDir>,
    _pg: Option<PgGuard>,
}

fn admin_url() -> String {
    std::env::var("TEST_DATABASE_URL").expect(
        "TEST_DATABASE_URL is not set: PostgreSQL tests need an admin URL such as \
         postgres://otmetka:otmetka@127.0.0.1:5432/postgres — run `just test`, which starts PostgreSQL and sets it",
    )
}

fn with_db_name(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let host_end = base[scheme_end..]
        .find('/')
        .map(|i| i + scheme_end)
        .unwrap_or(base.len());
    let mut out = format!("{}/{}", &base[..host_end], name);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

/// Settings for a test server: port 0, a temp data dir, the given database.
pub fn test_settings(dir: &std::path::Path, database_url: String) -> Settings {
    Settings {
        bind: "127.0.0.1:0".into(),
        database_url,
        db_max_connections: Some(5),
        data_dir: dir.to_path_buf(),
        static_dir: dir.join("no-spa"),
        log: "warn".into(),
        // Tests sign in many actors from one IP; the rate limit has its own test.
        auth_rate_burst: 10_000,
        ..Settings::default()
    }
}

/// Starts the app on a fresh database.
pub async fn spawn(db: Db) -> TestApp {
    spawn_with(db, |_| {}).await
}

/// Starts the app on a fresh database with adjusted settings.
pub async fn spawn_with(db: Db, adjust: impl FnOnce(&mut Settings)) -> TestApp {
    let dir = Arc::new(tempfile::tempdir().unwrap());
    let (url, guard) = match db {
        Db::Sqlite => (
            format!("sqlite://{}/test.db?mode=rwc", dir.path().display()),
            None,
        ),
        Db::Postgres => {
            let admin = admin_url();
            let name = format!("otmetka_test_{}", Uuid::now_v7().simple());
            let conn = Database::connect(&admin)
                .await
                .expect("connect to TEST_DATABASE_URL");
            conn.execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
                .await
                .unwrap();
            conn.close().await.unwrap();
            (
                with_db_name(&admin, &name),
                Some(PgGuard {
                    admin_url: admin,
                    name,
                }),
            )
        }
    };
    let mut settings = test_settings(dir.path(), url);
    adjust(&mut settings);
    let app = Application::build(settings).await.expect("build app");
    let port = app.port();
    let state = app.state().clone();
    tokio::spawn(app.run_until_stopped());
    TestApp {
        base: format!("http://127.0.0.1:{port}"),
        client: new_client(),
        state,
        _dir: dir,
        _pg: guard,
    }
}

/// A client with its own cookie jar (one browser).
pub fn new_client() -> Client {
    Client::builder().cookie_store(true).build().unwrap()
}

/// The password every test account gets.
pub const PASSWORD: &str = "Синий-кит-на-крыше-7";

impl TestApp {
    /// `{base}/api/v1{path}`.
    pub fn url(&self, path: &str) -> String {
        format!("{}/api/v1{}", self.base, path)
    }

    /// GET with an optional bearer token.
    pub async fn get(&self, path: &str, token: Option<&str>) -> Response {
        let mut r = self.client.get(self.url(path));
        if let Some(t) = token {
            r = r.bearer_auth(t);
        }
        r.send().await.unwrap()
    }

    /// A request with a JSON body and an optional bearer token.
    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Response {
        let mut r = self.client.request(method, self.url(path));
        if let Some(t) = token {
            r = r.bearer_auth(t);
        }
        if let Some(b) = body {
            r = r.json(&b);
        }
        r.send().await.unwrap()
    }

    /// POST JSON.
    pub async fn post(&self, path: &str, token: Option<&str>, body: Value) -> Response {
        self.send(reqwest::Method::POST, path, token, Some(body))
            .await
    }

    /// Signs in with this app's client (its cookie jar gets the refresh cookie); the access token.
    pub async fn login(&self, login: &str, password: &str) -> String {
        login_with(&self.client, self, login, password).await
    }

    /// Creates a superadmin directly through the service and returns its access token.
    pub async fn superadmin(&self) -> String {
        let login = format!("root{}", &Uuid::now_v7().simple().to_string()[20..]);
        otmetka_api::service::superadmin::create(&self.state.db, &login, PASSWORD)
            .await
            .unwrap();
        login_with(&new_client(), self, &login, PASSWORD).await
    }

    /// Creates a school as superadmin; returns (school id, first admin's invite code).
    pub async fn create_school(&self, root: &str, name: &str) -> (Uuid, String) {
        let res = self
            .post(
                "/schools",
                Some(root),
                json!({"name": name, "first_admin": {"last_name": "Петрова", "first_name": "Мадина", "middle_name": "Магомедовна"}}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::CREATED);
        let body: Value = res.json().await.unwrap();
        (
            body["school"]["id"].as_str().unwrap().parse().unwrap(),
            body["admin_invite"]["code"].as_str().unwrap().to_string(),
        )
    }

    /// Registers with a code and signs in with a fresh client; returns the access token.
    pub async fn register(&self, code: &str, login: &str) -> String {
        let res = self
            .post(
                "/auth/register",
                None,
                json!({"invite_code": code, "login": login, "password": PASSWORD}),
            )
            .await;
        let status = res.status();
        assert_eq!(
            status,
            StatusCode::CREATED,
            "register {login}: {}",
            res.text().await.unwrap()
        );
        login_with(&new_client(), self, login, PASSWORD).await
    }

    /// Issues an invite for a new person with the given role; returns (code, person id).
    pub async fn invite(
        &self,
        admin: &str,
        school: Uuid,
        role: Role,
        last_name: &str,
    ) -> (String, Uuid) {
        let res = self
            .post(
                &format!("/schools/{school}/invites"),
                Some(admin),
                json!({"person": {"last_name": last_name, "first_name": "Тест"}, "role": role}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::CREATED);
        let body: Value = res.json().await.unwrap();
        (
            body["code"].as_str().unwrap().to_string(),
            body["person_id"].as_str().unwrap().parse().unwrap(),
        )
    }

    /// A school with a registered admin: (school id, admin token).
    pub async fn school_with_admin(
        &self,
        root: &str,
        name: &str,
        admin_login: &str,
    ) -> (Uuid, String) {
        let (school, code) = self.create_school(root, name).await;
        let admin = self.register(&code, admin_login).await;
        (school, admin)
    }

    /// A registered member of a school with a role: its access token.
    pub async fn member(&self, admin: &str, school: Uuid, role: Role, login: &str) -> String {
        let (code, _) = self.invite(admin, school, role, login).await;
        self.register(&code, login).await
    }
}

/// Signs in with a given client.
pub async fn login_with(client: &Client, app: &TestApp, login: &str, password: &str) -> String {
    let res = client
        .post(app.url("/auth/login"))
        .json(&json!({"login": login, "password": password}))
        .send()
        .await
        .unwrap();
    let status = res.status();
    let body: Value = res.json().await.unwrap();
    assert_eq!(status, StatusCode::OK, "login {login}: {body}");
    body["access_token"].as_str().unwrap().to_string()
}

/// Reads a problem+json answer, checking the content type; returns (status, body).
pub async fn problem(res: Response) -> (StatusCode, Value) {
    let status = res.status();
    let ct = res
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    let body: Value = res.json().await.unwrap_or(Value::Null);
    assert_eq!(
        ct, "application/problem+json",
        "status {status}, body {body}"
    );
    assert_eq!(
        body["status"].as_u64(),
        Some(status.as_u16() as u64),
        "{body}"
    );
    assert!(
        body["code"].is_string() && body["type"].is_string() && body["title"].is_string(),
        "{body}"
    );
    (status, body)
}

/// Asserts a problem answer's status and code.
pub async fn assert_problem(res: Response, status: StatusCode, code: &str) -> Value {
    let (s, body) = problem(res).await;
    assert_eq!(
        (s, body["code"].as_str().unwrap()),
        (status, code),
        "{body}"
    );
    body
}

/// The sample school's files (`tests/fixtures/school/`, `dirty/…` for the messy exports).
pub fn fixture(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/tests/fixtures/school/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The import kinds and their sample files, in the order they depend on each other.
pub const FIXTURE_ORDER: [(&str, &str); 7] = [
    ("periods", "periods.csv"),
    ("subjects", "subjects.csv"),
    ("staff", "staff.csv"),
    ("classes", "classes.csv"),
    ("students", "students.csv"),
    ("parents", "parents.csv"),
    ("courses", "courses.csv"),
];

impl TestApp {
    /// `POST /schools/{school}/import/{kind}{query}` with a body and content type, ready for
    /// more headers (`Idempotency-Key`).
    pub fn import_request(
        &self,
        token: &str,
        school: Uuid,
        kind: &str,
        body: impl Into<reqwest::Body>,
        content_type: &str,
        query: &str,
    ) -> reqwest::RequestBuilder {
        self.client
            .post(self.url(&format!("/schools/{school}/import/{kind}{query}")))
            .bearer_auth(token)
            .header("content-type", content_type)
            .body(body)
    }

    /// An import: `query` is `""` or `?dry_run=true`.
    pub async fn import(
        &self,
        token: &str,
        school: Uuid,
        kind: &str,
        body: impl Into<reqwest::Body>,
        content_type: &str,
        query: &str,
    ) -> Response {
        self.import_request(token, school, kind, body, content_type, query)
            .send()
            .await
            .unwrap()
    }

    /// An import that must succeed: its report.
    pub async fn import_ok(
        &self,
        token: &str,
        school: Uuid,
        kind: &str,
        body: impl Into<reqwest::Body>,
        content_type: &str,
    ) -> Value {
        let res = self
            .import(token, school, kind, body, content_type, "")
            .await;
        let status = res.status();
        let text = res.text().await.unwrap();
        assert_eq!(
            status,
            StatusCode::OK,
            "import {kind}: {}",
            text.chars().take(2000).collect::<String>()
        );
        let report: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(report["committed"], true, "{kind}");
        report
    }

    /// Imports every sample file into a school through the API; the reports in import order.
    pub async fn import_fixtures(&self, token: &str, school: Uuid) -> Vec<Value> {
        let mut reports = Vec::new();
        for (kind, file) in FIXTURE_ORDER {
            reports.push(
                self.import_ok(token, school, kind, fixture(file), "text/csv")
                    .await,
            );
        }
        reports
    }

    /// A school with a registered admin and the whole sample school imported through the API:
    /// (school id, admin token).
    pub async fn demo_school(&self, root: &str, name: &str, admin_login: &str) -> (Uuid, String) {
        let (school, admin) = self.school_with_admin(root, name, admin_login).await;
        self.import_fixtures(&admin, school).await;
        (school, admin)
    }

    /// The person with an external id (admin or principal token).
    pub async fn person_by_ext(&self, token: &str, school: Uuid, ext: &str) -> Value {
        let res = self
            .get(
                &format!("/schools/{school}/persons?q={ext}&limit=500"),
                Some(token),
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        let list: Vec<Value> = res.json().await.unwrap();
        list.into_iter()
            .find(|p| p["external_id"] == ext)
            .unwrap_or_else(|| panic!("no person {ext}"))
    }

    /// `schools.generation` of a school (the snapshot cache's counter).
    pub async fn school_generation(&self, school: Uuid) -> i64 {
        use sea_orm::EntityTrait;
        otmetka_api::entity::school::Entity::find_by_id(school)
            .one(&self.state.db)
            .await
            .unwrap()
            .unwrap()
            .generation
    }

    /// The id of the person with an external id.
    pub async fn person_id(&self, token: &str, school: Uuid, ext: &str) -> Uuid {
        self.person_by_ext(token, school, ext).await["id"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap()
    }

    /// Issues an invite for an existing person; its code.
    pub async fn invite_person(
        &self,
        admin: &str,
        school: Uuid,
        person: Uuid,
        role: Role,
    ) -> String {
        let res = self
            .post(
                &format!("/schools/{school}/invites"),
                Some(admin),
                json!({"person_id": person, "role": role}),
            )
            .await;
        let status = res.status();
        let body: Value = res.json().await.unwrap();
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body["code"].as_str().unwrap().to_string()
    }

    /// A person of the school registered with a role through an invite: the access token.
    pub async fn register_person(
        &self,
        admin: &str,
        school: Uuid,
        person: Uuid,
        role: Role,
        login: &str,
    ) -> String {
        let code = self.invite_person(admin, school, person, role).await;
        self.register(&code, login).await
    }

    /// How many persons of a kind the school has (`X-Total-Count` of the person list).
    pub async fn count_persons(&self, token: &str, school: Uuid, kind: &str) -> u64 {
        let res = self
            .get(
                &format!("/schools/{school}/persons?kind={kind}&limit=1"),
                Some(token),
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        res.headers()
            .get("x-total-count")
            .expect("X-Total-Count")
            .to_str()
            .unwrap()
            .parse()
            .unwrap()
    }

    /// GET that must answer 200: the JSON body.
    pub async fn get_ok(&self, path: &str, token: &str) -> Value {
        let res = self.get(path, Some(token)).await;
        let status = res.status();
        let text = res.text().await.unwrap();
        assert_eq!(status, StatusCode::OK, "GET {path}: {text}");
        serde_json::from_str(&text).unwrap()
    }
}

/// The `key` field (an id, as text) of the first item of a JSON array whose `field` is `value`;
/// panics when none is.
pub fn field_of(list: &Value, field: &str, value: &str, key: &str) -> String {
    list.as_array()
        .unwrap()
        .iter()
        .find(|item| item[field] == value)
        .unwrap_or_else(|| panic!("no item with {field} = {value}"))[key]
        .as_str()
        .unwrap()
        .to_string()
}
