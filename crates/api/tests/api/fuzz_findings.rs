//! What the API fuzzing (`scripts/fuzz.sh`, schemathesis) found, kept from coming back: an
//! offset past the databases' range crashed the worker, concurrent writes on SQLite failed with
//! `database is locked`, integer fields refused `3.0`, report endpoints accepted a `table` the
//! spec refuses, and the spec left out the framework's own error answers.

use reqwest::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::both_dbs;
use crate::helpers::*;

both_dbs!(
    an_offset_past_the_limit_gets_400_and_the_server_keeps_answering,
    concurrent_writing_transactions_all_succeed,
    integral_floats_fill_integer_fields,
    an_unknown_report_table_gets_422_on_every_endpoint_of_the_report,
);

async fn school(app: &TestApp) -> (Uuid, String) {
    let root = app.superadmin().await;
    app.school_with_admin(&root, "Школа № 1", "admin1").await
}

/// `offset=9223372036854775808` parsed as u64 and then overflowed the database's signed offset:
/// a panic in the SQLite driver that dropped the connection without an answer.
async fn an_offset_past_the_limit_gets_400_and_the_server_keeps_answering(app: TestApp) {
    let (school, admin) = school(&app).await;
    for list in ["persons", "invites", "audit", "lessons"] {
        for offset in ["9223372036854775808", "18446744073709551615", "1000000001"] {
            let res = app
                .get(
                    &format!("/schools/{school}/{list}?offset={offset}"),
                    Some(&admin),
                )
                .await;
            let body =
                assert_problem(res, StatusCode::BAD_REQUEST, "invalid_query_parameter").await;
            assert!(
                body["detail"].as_str().unwrap().contains("offset"),
                "{body}"
            );
        }
        let res = app
            .get(
                &format!("/schools/{school}/{list}?offset=1000000000"),
                Some(&admin),
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK, "{list}");
    }
    assert_eq!(app.get("/health", None).await.status(), StatusCode::OK);
}

/// Writing transactions that read first: on SQLite a deferred transaction cannot wait for the
/// write lock when another connection wrote in between (`database is locked`, a 500); they now
/// begin `IMMEDIATE`.
async fn concurrent_writing_transactions_all_succeed(app: TestApp) {
    let (school, admin) = school(&app).await;
    let mut tasks = Vec::new();
    for i in 0..24 {
        let client = app.client.clone();
        let url = app.url(&format!("/schools/{school}/invites"));
        let admin = admin.clone();
        tasks.push(tokio::spawn(async move {
            client
                .post(url)
                .bearer_auth(admin)
                .json(&json!({
                    "person": {"last_name": "Сидоров", "first_name": format!("Пётр{i}")},
                    "role": "student",
                }))
                .send()
                .await
                .unwrap()
        }));
    }
    for t in tasks {
        let res = t.await.unwrap();
        let status = res.status();
        let body: Value = res.json().await.unwrap();
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
}

/// JSON Schema's `integer` includes `30.0`; serde alone refused it (400 `malformed_json`).
async fn integral_floats_fill_integer_fields(app: TestApp) {
    let (_, admin) = school(&app).await;
    let res = app
        .post(
            "/me/api-tokens",
            Some(&admin),
            json!({"name": "script", "scopes": ["read"], "expires_in_days": 30.0}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    // A fraction is still not an integer.
    let res = app
        .post(
            "/me/api-tokens",
            Some(&admin),
            json!({"name": "script", "scopes": ["read"], "expires_in_days": 30.5}),
        )
        .await;
    assert_problem(res, StatusCode::BAD_REQUEST, "malformed_json").await;
}

/// `table` is documented (with its values) on the JSON, CSV and XLSX endpoints of a report;
/// the JSON and XLSX ones ignored a wrong value.
async fn an_unknown_report_table_gets_422_on_every_endpoint_of_the_report(app: TestApp) {
    let (school, admin) = school(&app).await;
    for report in ["quality", "attendance", "journal-control", "activity"] {
        for suffix in ["", ".csv", ".xlsx"] {
            let res = app
                .get(
                    &format!("/schools/{school}/reports/{report}{suffix}?table=nope"),
                    Some(&admin),
                )
                .await;
            let body =
                assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
            assert_eq!(
                body["errors"][0]["field"], "table",
                "{report}{suffix}: {body}"
            );
        }
    }
}

/// Every operation documents the answers that come from the framework rather than from its
/// handler: 401/403 when it needs a token, 400/404 for path parameters, 400 for a query,
/// 400/413/415/422 for a JSON body, 429 in the rate-limited `/auth` scope.
#[test]
fn every_operation_documents_the_framework_errors() {
    let spec: Value = serde_json::from_str(&otmetka_api::openapi::spec_pretty()).unwrap();
    let mut checked = 0;
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let responses = op["responses"].as_object().unwrap();
            let has = |s: &str| responses.contains_key(s);
            let params = op["parameters"].as_array().cloned().unwrap_or_default();
            let in_ = |w: &str| params.iter().any(|p| p["in"] == w);
            let what = format!("{method} {path}");
            if op["security"].as_array().is_some_and(|s| !s.is_empty()) {
                assert!(has("401") && has("403"), "{what}: 401/403");
            }
            if in_("path") {
                assert!(has("400") && has("404"), "{what}: 400/404");
            }
            if in_("query") {
                assert!(has("400"), "{what}: 400");
            }
            if op.get("requestBody").is_some() {
                for s in ["400", "413", "415", "422"] {
                    assert!(has(s), "{what}: {s}");
                }
            }
            if path.starts_with("/api/v1/auth/") {
                assert!(has("429"), "{what}: 429");
            }
            for (status, r) in responses {
                if status.starts_with('4') {
                    assert_eq!(
                        r["content"]["application/problem+json"]["schema"]["$ref"],
                        "#/components/schemas/Problem",
                        "{what}: {status}"
                    );
                }
            }
            checked += 1;
        }
    }
    assert!(checked > 100, "{checked} operations");
}
