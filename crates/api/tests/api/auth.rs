//! Sign-in, refresh rotation, sessions, passwords, API tokens, throttling.

use otmetka_domain::Role;
use reqwest::StatusCode;
use sea_orm::EntityTrait;
use serde_json::{Value, json};

use crate::both_dbs;
use crate::helpers::*;

both_dbs!(
    superadmin_creates_school_admin_registers_and_sees_membership,
    sixth_wrong_password_in_a_minute_gets_429_with_retry_after,
    unknown_login_and_wrong_password_answer_the_same,
    refresh_rotates_and_reusing_an_old_token_kills_the_family,
    logout_ends_the_session_and_clears_the_cookie,
    sessions_are_listed_and_revoked,
    password_change_ends_other_sessions,
    api_token_works_with_scopes_and_dies_when_revoked,
    disabling_an_account_or_changing_roles_ends_its_sessions_at_once,
    audit_records_sign_ins_registration_invites_and_role_changes,
);

#[tokio::test]
async fn auth_request_flood_from_one_ip_gets_problem_429_with_retry_after() {
    let app = spawn_with(Db::Sqlite, |s| {
        s.auth_rate_burst = 3;
        s.auth_rate_per_second = 1;
    })
    .await;
    let mut last = None;
    for _ in 0..6 {
        last = Some(app.get("/auth/invites/AAAA-BBBB-CCCC", None).await);
    }
    let res = last.unwrap();
    let wait: u64 = res.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=5).contains(&wait), "{wait}");
    assert_problem(res, StatusCode::TOO_MANY_REQUESTS, "too_many_requests").await;
    // Other paths are not limited.
    assert_eq!(app.get("/health", None).await.status(), StatusCode::OK);
}

async fn superadmin_creates_school_admin_registers_and_sees_membership(app: TestApp) {
    let root = app.superadmin().await;
    let (school, code) = app.create_school(&root, "МБОУ «СОШ № 7»").await;
    assert_eq!(code.len(), 14, "three groups of four with dashes: {code}");
    let admin = app.register(&code.to_lowercase(), "petrova.mm").await;
    let me: Value = app.get("/me", Some(&admin)).await.json().await.unwrap();
    assert_eq!(me["login"], "petrova.mm");
    assert_eq!(me["is_superadmin"], false);
    assert_eq!(me["memberships"][0]["school_id"], school.to_string());
    assert_eq!(me["memberships"][0]["school_name"], "МБОУ «СОШ № 7»");
    assert_eq!(me["memberships"][0]["roles"], json!(["admin"]));
    assert_eq!(
        me["memberships"][0]["person_name"],
        "Петрова Мадина Магомедовна"
    );
    // Login is case-insensitive.
    app.login("PETROVA.MM", PASSWORD).await;
    let school_json: Value = app
        .get(&format!("/schools/{school}"), Some(&admin))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(school_json["time_zone"], "Europe/Moscow");
}

async fn sixth_wrong_password_in_a_minute_gets_429_with_retry_after(app: TestApp) {
    let root = app.superadmin().await;
    let (_, code) = app.create_school(&root, "Школа").await;
    app.register(&code, "ivanova").await;
    for i in 0..5 {
        let res = app
            .post(
                "/auth/login",
                None,
                json!({"login": "ivanova", "password": format!("wrong-{i}-password")}),
            )
            .await;
        assert_problem(res, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
    }
    let res = app
        .post(
            "/auth/login",
            None,
            json!({"login": "ivanova", "password": "wrong-6-password"}),
        )
        .await;
    let retry: u64 = res.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry), "{retry}");
    assert_problem(res, StatusCode::TOO_MANY_REQUESTS, "too_many_requests").await;
    // Even the right password waits: the account is locked for the window.
    let res = app
        .post(
            "/auth/login",
            None,
            json!({"login": "ivanova", "password": PASSWORD}),
        )
        .await;
    assert_problem(res, StatusCode::TOO_MANY_REQUESTS, "too_many_requests").await;
    // Another account from the same IP is not locked (the IP limit is higher).
    let res = app
        .post(
            "/auth/login",
            None,
            json!({"login": "nobody-here", "password": "whatever-123"}),
        )
        .await;
    assert_problem(res, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
}

async fn unknown_login_and_wrong_password_answer_the_same(app: TestApp) {
    let root = app.superadmin().await;
    let (_, code) = app.create_school(&root, "Школа").await;
    app.register(&code, "ivanova").await;
    let a = assert_problem(
        app.post(
            "/auth/login",
            None,
            json!({"login": "ivanova", "password": "wrong-password"}),
        )
        .await,
        StatusCode::UNAUTHORIZED,
        "invalid_credentials",
    )
    .await;
    let b = assert_problem(
        app.post(
            "/auth/login",
            None,
            json!({"login": "no-such-user", "password": "wrong-password"}),
        )
        .await,
        StatusCode::UNAUTHORIZED,
        "invalid_credentials",
    )
    .await;
    assert_eq!(a, b);
}

async fn refresh_rotates_and_reusing_an_old_token_kills_the_family(app: TestApp) {
    let root = app.superadmin().await;
    let (_, code) = app.create_school(&root, "Школа").await;
    app.register(&code, "ivanova").await;
    // Sign in with a raw client to see the cookie values.
    let client = reqwest::Client::new();
    let res = client
        .post(app.url("/auth/login"))
        .json(&json!({"login": "ivanova", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    let (v1, http_only, path) = {
        let c = res
            .cookies()
            .find(|c| c.name() == "otmetka_refresh")
            .unwrap();
        (
            c.value().to_string(),
            c.http_only(),
            c.path().map(str::to_string),
        )
    };
    assert!(http_only);
    assert_eq!(path.as_deref(), Some("/api/v1/auth"));
    assert!(v1.len() >= 43, "≥ 256 bits");
    let set_cookie = res.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(set_cookie.contains("SameSite=Strict"), "{set_cookie}");
    let access1 = res.json::<Value>().await.unwrap()["access_token"]
        .as_str()
        .unwrap()
        .to_string();

    let refresh = |v: String| {
        let client = client.clone();
        let url = app.url("/auth/refresh");
        async move {
            client
                .post(url)
                .header("cookie", format!("otmetka_refresh={v}"))
                .send()
                .await
                .unwrap()
        }
    };
    let res = refresh(v1.clone()).await;
    assert_eq!(res.status(), StatusCode::OK);
    let v2 = res
        .cookies()
        .find(|c| c.name() == "otmetka_refresh")
        .unwrap()
        .value()
        .to_string();
    assert_ne!(v1, v2, "rotated");
    let access2 = res.json::<Value>().await.unwrap()["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        app.get("/me", Some(&access2)).await.status(),
        StatusCode::OK
    );

    // The old token again: reuse → the whole family ends.
    assert_problem(
        refresh(v1).await,
        StatusCode::UNAUTHORIZED,
        "refresh_token_reused",
    )
    .await;
    assert_problem(
        refresh(v2).await,
        StatusCode::UNAUTHORIZED,
        "refresh_token_invalid",
    )
    .await;
    assert_problem(
        app.get("/me", Some(&access1)).await,
        StatusCode::UNAUTHORIZED,
        "session_revoked",
    )
    .await;
    assert_problem(
        app.get("/me", Some(&access2)).await,
        StatusCode::UNAUTHORIZED,
        "session_revoked",
    )
    .await;
    // No cookie at all.
    assert_problem(
        client.post(app.url("/auth/refresh")).send().await.unwrap(),
        StatusCode::UNAUTHORIZED,
        "refresh_token_invalid",
    )
    .await;
}

async fn logout_ends_the_session_and_clears_the_cookie(app: TestApp) {
    let root = app.superadmin().await;
    let (_, code) = app.create_school(&root, "Школа").await;
    app.register(&code, "ivanova").await;
    let token = app.login("ivanova", PASSWORD).await;
    let res = app
        .send(reqwest::Method::POST, "/auth/logout", Some(&token), None)
        .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let cleared = res.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(
        cleared.contains("otmetka_refresh=;") && cleared.contains("Max-Age=0"),
        "{cleared}"
    );
    assert_problem(
        app.get("/me", Some(&token)).await,
        StatusCode::UNAUTHORIZED,
        "session_revoked",
    )
    .await;
    // The cookie jar no longer refreshes.
    let res = app
        .send(reqwest::Method::POST, "/auth/refresh", None, None)
        .await;
    assert_problem(res, StatusCode::UNAUTHORIZED, "refresh_token_invalid").await;
}

async fn sessions_are_listed_and_revoked(app: TestApp) {
    let root = app.superadmin().await;
    let (_, code) = app.create_school(&root, "Школа").await;
    let t1 = app.register(&code, "ivanova").await;
    let t2 = app.login("ivanova", PASSWORD).await;
    let t3 = login_with(&new_client(), &app, "ivanova", PASSWORD).await;
    let list: Vec<Value> = app
        .get("/me/sessions", Some(&t1))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list.len(), 3);
    assert_eq!(list.iter().filter(|s| s["current"] == true).count(), 1);
    assert_eq!(list[0]["ip"], "127.0.0.1");
    assert!(
        list.iter()
            .all(|s| s["user_agent"].is_string() || s["user_agent"].is_null())
    );
    // Revoke t2's session from t1.
    let me2: Value = app.get("/me", Some(&t2)).await.json().await.unwrap();
    let sid2 = me2["session_id"].as_str().unwrap();
    let res = app
        .send(
            reqwest::Method::DELETE,
            &format!("/me/sessions/{sid2}"),
            Some(&t1),
            None,
        )
        .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_problem(
        app.get("/me", Some(&t2)).await,
        StatusCode::UNAUTHORIZED,
        "session_revoked",
    )
    .await;
    // Revoking it again, or someone else's id: 404.
    let res = app
        .send(
            reqwest::Method::DELETE,
            &format!("/me/sessions/{sid2}"),
            Some(&t1),
            None,
        )
        .await;
    assert_problem(res, StatusCode::NOT_FOUND, "not_found").await;
    // End all others: t3 dies, t1 lives.
    let res = app
        .send(reqwest::Method::DELETE, "/me/sessions", Some(&t1), None)
        .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_problem(
        app.get("/me", Some(&t3)).await,
        StatusCode::UNAUTHORIZED,
        "session_revoked",
    )
    .await;
    let list: Vec<Value> = app
        .get("/me/sessions", Some(&t1))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["current"], true);
}

async fn password_change_ends_other_sessions(app: TestApp) {
    let root = app.superadmin().await;
    let (_, code) = app.create_school(&root, "Школа").await;
    let t1 = app.register(&code, "ivanova").await;
    let t2 = login_with(&new_client(), &app, "ivanova", PASSWORD).await;
    let res = app
        .post(
            "/me/password",
            Some(&t1),
            json!({"current_password": "wrong-one-123", "new_password": "Новый-пароль-2026"}),
        )
        .await;
    assert_problem(res, StatusCode::FORBIDDEN, "current_password_wrong").await;
    let res = app
        .post(
            "/me/password",
            Some(&t1),
            json!({"current_password": PASSWORD, "new_password": "qwerty123"}),
        )
        .await;
    let body = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "password_too_common").await;
    assert_eq!(body["errors"][0]["field"], "new_password");
    let res = app
        .post(
            "/me/password",
            Some(&t1),
            json!({"current_password": PASSWORD, "new_password": "Новый-пароль-2026"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(app.get("/me", Some(&t1)).await.status(), StatusCode::OK);
    assert_problem(
        app.get("/me", Some(&t2)).await,
        StatusCode::UNAUTHORIZED,
        "session_revoked",
    )
    .await;
    assert_problem(
        app.post(
            "/auth/login",
            None,
            json!({"login": "ivanova", "password": PASSWORD}),
        )
        .await,
        StatusCode::UNAUTHORIZED,
        "invalid_credentials",
    )
    .await;
    login_with(&new_client(), &app, "ivanova", "Новый-пароль-2026").await;
}

async fn api_token_works_with_scopes_and_dies_when_revoked(app: TestApp) {
    let root = app.superadmin().await;
    let (school, admin) = app.school_with_admin(&root, "Школа", "admin1").await;
    let res = app
        .post(
            "/me/api-tokens",
            Some(&admin),
            json!({"name": "import script", "scopes": ["read"], "expires_in_days": 30}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let created: Value = res.json().await.unwrap();
    let token = created["token"].as_str().unwrap().to_string();
    assert!(token.starts_with("otm_"));
    assert_eq!(created["scopes"], json!(["read"]));
    assert_eq!(created["prefix"].as_str().unwrap(), &token[..8]);
    // The secret is not stored: the database holds only its hash.
    let id: uuid::Uuid = created["id"].as_str().unwrap().parse().unwrap();
    let stored = otmetka_api::entity::api_token::Entity::find_by_id(id)
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        stored.token_hash,
        otmetka_api::auth::tokens::hash_token(&token)
    );

    let me: Value = app.get("/me", Some(&token)).await.json().await.unwrap();
    assert_eq!(me["login"], "admin1");
    assert!(me["session_id"].is_null());
    let res = app
        .get(&format!("/schools/{school}/invites"), Some(&token))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    // A read token cannot write.
    let res = app
        .post(
            &format!("/schools/{school}/invites"),
            Some(&token),
            json!({"person": {"last_name": "А", "first_name": "Б"}, "role": Role::Teacher}),
        )
        .await;
    assert_problem(res, StatusCode::FORBIDDEN, "insufficient_scope").await;
    // A token cannot mint tokens or manage sessions.
    let res = app
        .post(
            "/me/api-tokens",
            Some(&token),
            json!({"name": "x", "scopes": ["read"]}),
        )
        .await;
    assert_problem(res, StatusCode::FORBIDDEN, "insufficient_scope").await;
    let list: Vec<Value> = app
        .get("/me/api-tokens", Some(&admin))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list.len(), 1);
    assert!(list[0].get("token").is_none());
    let res = app
        .send(
            reqwest::Method::DELETE,
            &format!("/me/api-tokens/{}", created["id"].as_str().unwrap()),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_problem(
        app.get("/me", Some(&token)).await,
        StatusCode::UNAUTHORIZED,
        "token_invalid",
    )
    .await;
    // A write-scoped token can write, but still cannot manage tokens.
    let res = app
        .post(
            "/me/api-tokens",
            Some(&admin),
            json!({"name": "writer", "scopes": ["read", "write"]}),
        )
        .await;
    let w = res.json::<Value>().await.unwrap()["token"]
        .as_str()
        .unwrap()
        .to_string();
    let res = app
        .post(
            &format!("/schools/{school}/invites"),
            Some(&w),
            json!({"person": {"last_name": "А", "first_name": "Б"}, "role": Role::Teacher}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let res = app
        .post(
            "/me/api-tokens",
            Some(&w),
            json!({"name": "x", "scopes": ["read"]}),
        )
        .await;
    assert_problem(res, StatusCode::FORBIDDEN, "session_required").await;
}

async fn disabling_an_account_or_changing_roles_ends_its_sessions_at_once(app: TestApp) {
    let root = app.superadmin().await;
    let (school, admin) = app.school_with_admin(&root, "Школа", "admin1").await;
    let teacher = app.member(&admin, school, Role::Teacher, "teacher1").await;
    let me: Value = app.get("/me", Some(&teacher)).await.json().await.unwrap();
    let tid = me["account_id"].as_str().unwrap().to_string();
    let res = app
        .send(
            reqwest::Method::PATCH,
            &format!("/schools/{school}/accounts/{tid}"),
            Some(&admin),
            Some(json!({"roles": ["teacher", "principal"]})),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let acc: Value = res.json().await.unwrap();
    assert_eq!(acc["roles"], json!(["principal", "teacher"]));
    assert_problem(
        app.get("/me", Some(&teacher)).await,
        StatusCode::UNAUTHORIZED,
        "session_revoked",
    )
    .await;
    let teacher = app.login("teacher1", PASSWORD).await;
    let me: Value = app.get("/me", Some(&teacher)).await.json().await.unwrap();
    assert_eq!(
        me["memberships"][0]["roles"],
        json!(["principal", "teacher"])
    );
    let res = app
        .send(
            reqwest::Method::PATCH,
            &format!("/schools/{school}/accounts/{tid}"),
            Some(&admin),
            Some(json!({"is_active": false})),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_problem(
        app.get("/me", Some(&teacher)).await,
        StatusCode::UNAUTHORIZED,
        "session_revoked",
    )
    .await;
    let res = app
        .post(
            "/auth/login",
            None,
            json!({"login": "teacher1", "password": PASSWORD}),
        )
        .await;
    assert_problem(res, StatusCode::FORBIDDEN, "account_disabled").await;
    // An admin cannot lock themself out.
    let me: Value = app.get("/me", Some(&admin)).await.json().await.unwrap();
    let aid = me["account_id"].as_str().unwrap();
    let res = app
        .send(
            reqwest::Method::PATCH,
            &format!("/schools/{school}/accounts/{aid}"),
            Some(&admin),
            Some(json!({"roles": ["teacher"]})),
        )
        .await;
    assert_problem(res, StatusCode::CONFLICT, "conflict").await;
    let res = app
        .send(
            reqwest::Method::PATCH,
            &format!("/schools/{school}/accounts/{aid}"),
            Some(&admin),
            Some(json!({"is_active": false})),
        )
        .await;
    assert_problem(res, StatusCode::CONFLICT, "conflict").await;
}

async fn audit_records_sign_ins_registration_invites_and_role_changes(app: TestApp) {
    let root = app.superadmin().await;
    let (school, admin) = app.school_with_admin(&root, "Школа", "admin1").await;
    let (code, _) = app.invite(&admin, school, Role::Teacher, "Учитель").await;
    let (code2, _) = app.invite(&admin, school, Role::Student, "Ученик").await;
    let list: Vec<Value> = app
        .get(
            &format!("/schools/{school}/invites?state=active"),
            Some(&admin),
        )
        .await
        .json()
        .await
        .unwrap();
    let student_invite = list.iter().find(|i| i["role"] == "student").unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let res = app
        .send(
            reqwest::Method::DELETE,
            &format!("/schools/{school}/invites/{student_invite}"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let _ = code2;
    let teacher = app.register(&code, "teacher1").await;
    let _ = app
        .post(
            "/auth/login",
            None,
            json!({"login": "teacher1", "password": "wrong-password-1"}),
        )
        .await;
    let me: Value = app.get("/me", Some(&teacher)).await.json().await.unwrap();
    let tid = me["account_id"].as_str().unwrap().to_string();
    app.send(
        reqwest::Method::PATCH,
        &format!("/schools/{school}/accounts/{tid}"),
        Some(&admin),
        Some(json!({"roles": ["teacher", "principal"]})),
    )
    .await;
    let res = app
        .get(&format!("/schools/{school}/audit?limit=500"), Some(&admin))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let total: u64 = res.headers()["x-total-count"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    let rows: Vec<Value> = res.json().await.unwrap();
    assert_eq!(total as usize, rows.len());
    let actions: Vec<&str> = rows.iter().map(|r| r["action"].as_str().unwrap()).collect();
    for a in [
        "school_created",
        "invite_created",
        "invite_revoked",
        "registered",
        "invite_used",
        "login_succeeded",
        "roles_changed",
        "sessions_revoked",
    ] {
        assert!(actions.contains(&a), "{a} missing in {actions:?}");
    }
    let change = rows
        .iter()
        .find(|r| r["action"] == "roles_changed")
        .unwrap();
    assert_eq!(change["old_value"], json!(["teacher"]));
    assert_eq!(change["new_value"], json!(["principal", "teacher"]));
    assert_eq!(change["object_id"], tid);
    // Failed logins are in the deployment log (superadmin).
    let rows: Vec<Value> = app
        .get("/audit?action=login_failed", Some(&root))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["object_id"], tid);
    assert_eq!(rows[0]["ip"], "127.0.0.1");
}
