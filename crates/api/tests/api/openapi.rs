//! The committed spec equals the served one (regenerate with `just openapi`).

use crate::helpers::{Db, spawn};

#[test]
fn committed_openapi_json_equals_the_generated_spec() {
    let generated = otmetka_api::openapi::spec_pretty();
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../openapi/openapi.json");
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed == generated,
        "openapi/openapi.json is stale: run `just openapi` (cargo run -p otmetka-api --bin otmetka -- export-openapi --out openapi/openapi.json)"
    );
}

/// The routes are registered most requested first (`routes::configure`); that is safe only while
/// no path can be matched by two routes of one method (`/a/{id}` and `/a/today` could).
#[test]
fn no_two_routes_of_one_method_match_the_same_path() {
    let spec: serde_json::Value =
        serde_json::from_str(&otmetka_api::openapi::spec_pretty()).unwrap();
    let mut routes: Vec<(String, Vec<String>)> = Vec::new();
    for (path, ops) in spec["paths"].as_object().unwrap() {
        for method in ops.as_object().unwrap().keys() {
            let segments = path
                .trim_matches('/')
                .split('/')
                .map(String::from)
                .collect();
            routes.push((method.clone(), segments));
        }
    }
    assert!(routes.len() > 100, "{} routes", routes.len());
    let param = |s: &str| s.starts_with('{');
    let mut clashes = Vec::new();
    for (i, (m1, a)) in routes.iter().enumerate() {
        for (m2, b) in &routes[i + 1..] {
            if m1 == m2
                && a.len() == b.len()
                && a != b
                && a.iter().zip(b).all(|(x, y)| x == y || param(x) || param(y))
            {
                clashes.push(format!("{m1} /{} and /{}", a.join("/"), b.join("/")));
            }
        }
    }
    assert!(clashes.is_empty(), "{clashes:#?}");
}

#[tokio::test]
async fn served_spec_equals_the_generated_spec_and_lists_the_auth_paths() {
    let app = spawn(Db::Sqlite).await;
    let served: serde_json::Value = app.get("/openapi.json", None).await.json().await.unwrap();
    let generated: serde_json::Value =
        serde_json::from_str(&otmetka_api::openapi::spec_pretty()).unwrap();
    assert_eq!(served, generated);
    for p in [
        "/api/v1/auth/login",
        "/api/v1/auth/register",
        "/api/v1/me/sessions/{session_id}",
        "/api/v1/schools/{school_id}/invites",
    ] {
        assert!(served["paths"][p].is_object(), "missing {p}");
    }
    assert_eq!(
        served["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
    // Swagger UI is served from vendored assets.
    let res = app
        .client
        .get(format!("{}/api/docs/", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.text().await.unwrap().contains("swagger"));
}
