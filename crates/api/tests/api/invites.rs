//! Invite codes: format, preview, states, revocation, registration links person and role.

use otmetka_domain::Role;
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

use crate::both_dbs;
use crate::helpers::*;

both_dbs!(
    invite_code_format_preview_and_case_insensitive_registration,
    invite_for_existing_person_links_the_account_to_that_person,
    invites_list_with_states_and_revocation_rules,
    codes_are_stored_hashed_never_in_clear,
    person_with_account_gets_no_second_invite_and_other_schools_person_is_404,
    the_role_must_fit_the_persons_kind,
);

/// A student's record cannot be invited as admin (or any role of another kind of person): the
/// code would give a student's account the school's administration.
async fn the_role_must_fit_the_persons_kind(app: TestApp) {
    let root = app.superadmin().await;
    let (school, admin) = app.school_with_admin(&root, "Школа", "admin1").await;
    let (_, student) = app.invite(&admin, school, Role::Student, "Ученикова").await;
    let (_, parent) = app.invite(&admin, school, Role::Parent, "Родителева").await;
    let (_, teacher) = app.invite(&admin, school, Role::Teacher, "Учителева").await;
    for (pid, role) in [
        (student, "admin"),
        (student, "teacher"),
        (student, "parent"),
        (parent, "admin"),
        (parent, "student"),
        (teacher, "student"),
        (teacher, "parent"),
    ] {
        let res = app
            .post(
                &format!("/schools/{school}/invites"),
                Some(&admin),
                json!({"person_id": pid, "role": role}),
            )
            .await;
        let body = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
        assert_eq!(body["errors"][0]["field"], "role", "{role}");
        assert_eq!(body["errors"][0]["code"], "role_not_for_person", "{role}");
    }
    // A new person of an explicit kind, too; nothing is created.
    let before = app
        .get_ok(&format!("/schools/{school}/persons?limit=500"), &admin)
        .await;
    let res = app
        .post(
            &format!("/schools/{school}/invites"),
            Some(&admin),
            json!({"role": "admin", "person": {"last_name": "Новый", "first_name": "Ученик", "kind": "student"}}),
        )
        .await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    let after = app
        .get_ok(&format!("/schools/{school}/persons?limit=500"), &admin)
        .await;
    assert_eq!(
        before.as_array().unwrap().len(),
        after.as_array().unwrap().len()
    );
    // The fitting roles are issued.
    for (pid, role) in [(student, "student"), (parent, "parent"), (teacher, "admin")] {
        let res = app
            .post(
                &format!("/schools/{school}/invites"),
                Some(&admin),
                json!({"person_id": pid, "role": role}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::CREATED, "{role}");
    }
}

async fn invite_code_format_preview_and_case_insensitive_registration(app: TestApp) {
    let root = app.superadmin().await;
    let (school, admin) = app.school_with_admin(&root, "Лицей № 2", "admin1").await;
    let res = app
        .post(
            &format!("/schools/{school}/invites"),
            Some(&admin),
            json!({"person": {"last_name": "Иванова", "first_name": "Мария", "middle_name": "Петровна"}, "role": "parent", "expires_in_days": 7}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let inv: Value = res.json().await.unwrap();
    let code = inv["code"].as_str().unwrap().to_string();
    // Three groups of four from the look-alike-free alphabet.
    let groups: Vec<&str> = code.split('-').collect();
    assert_eq!(groups.len(), 3, "{code}");
    assert!(groups.iter().all(|g| g.len() == 4));
    assert!(
        code.chars()
            .filter(|c| *c != '-')
            .all(|c| "23456789ABCDEFGHJKMNPQRSTUVWXYZ".contains(c)),
        "{code}"
    );
    assert_eq!(inv["person_name"], "Иванова Мария Петровна");
    assert_eq!(inv["role"], "parent");
    let expires: chrono::DateTime<chrono::Utc> =
        inv["expires_at"].as_str().unwrap().parse().unwrap();
    let days = (expires - chrono::Utc::now()).num_hours();
    assert!((7 * 24 - 1..=7 * 24).contains(&days), "{days}");

    // Preview with lower case and without dashes.
    let typed = code.replace('-', "").to_lowercase();
    let res = app.get(&format!("/auth/invites/{typed}"), None).await;
    assert_eq!(res.status(), StatusCode::OK);
    let p: Value = res.json().await.unwrap();
    assert_eq!(p["school_name"], "Лицей № 2");
    assert_eq!(p["role"], "parent");
    assert_eq!(p["person_name_masked"], "Иванова М. П.");

    let token = app.register(&format!(" {typed} "), "ivanova.mp").await;
    let me: Value = app.get("/me", Some(&token)).await.json().await.unwrap();
    assert_eq!(me["memberships"][0]["roles"], json!(["parent"]));
    assert_eq!(
        me["memberships"][0]["person_name"],
        "Иванова Мария Петровна"
    );
    // Used now.
    assert_problem(
        app.get(&format!("/auth/invites/{code}"), None).await,
        StatusCode::GONE,
        "invite_used",
    )
    .await;
}

async fn invite_for_existing_person_links_the_account_to_that_person(app: TestApp) {
    let root = app.superadmin().await;
    let (school, admin) = app.school_with_admin(&root, "Школа", "admin1").await;
    let res = app
        .post(
            &format!("/schools/{school}/persons"),
            Some(&admin),
            json!({"last_name": "  Сидоров ", "first_name": "Пётр", "external_id": "T0042"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let person: Value = res.json().await.unwrap();
    assert_eq!(person["last_name"], "Сидоров");
    let pid = person["id"].as_str().unwrap();
    let res = app
        .post(
            &format!("/schools/{school}/invites"),
            Some(&admin),
            json!({"person_id": pid, "role": "teacher"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let code = res.json::<Value>().await.unwrap()["code"]
        .as_str()
        .unwrap()
        .to_string();
    let token = app.register(&code, "sidorov").await;
    let me: Value = app.get("/me", Some(&token)).await.json().await.unwrap();
    assert_eq!(me["memberships"][0]["person_id"], pid);
    let p: Value = app
        .get(&format!("/schools/{school}/persons/{pid}"), Some(&admin))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(p["account_id"], me["account_id"]);
    assert_eq!(p["external_id"], "T0042");
    // The teacher reads their own person record, not others'.
    assert_eq!(
        app.get(&format!("/schools/{school}/persons/{pid}"), Some(&token))
            .await
            .status(),
        StatusCode::OK
    );
    let list = app
        .get(&format!("/schools/{school}/persons"), Some(&token))
        .await;
    assert_problem(list, StatusCode::FORBIDDEN, "forbidden").await;
    // Duplicate external id in the school.
    let res = app
        .post(
            &format!("/schools/{school}/persons"),
            Some(&admin),
            json!({"last_name": "А", "first_name": "Б", "external_id": "T0042"}),
        )
        .await;
    assert_problem(res, StatusCode::CONFLICT, "conflict").await;
}

async fn invites_list_with_states_and_revocation_rules(app: TestApp) {
    let root = app.superadmin().await;
    let (school, admin) = app.school_with_admin(&root, "Школа", "admin1").await;
    let (c1, _) = app.invite(&admin, school, Role::Teacher, "Первый").await;
    let (_c2, _) = app.invite(&admin, school, Role::Student, "Второй").await;
    let (_c3, _) = app.invite(&admin, school, Role::Parent, "Третий").await;
    app.register(&c1, "first").await;
    let all: Vec<Value> = app
        .get(&format!("/schools/{school}/invites"), Some(&admin))
        .await
        .json()
        .await
        .unwrap();
    // The admin's own (used) invite plus three.
    assert_eq!(all.len(), 4);
    let by_name = |n: &str| {
        all.iter()
            .find(|i| i["person_name"].as_str().unwrap().starts_with(n))
            .unwrap()
            .clone()
    };
    assert_eq!(by_name("Первый")["state"], "used");
    assert_eq!(by_name("Второй")["state"], "active");
    assert_eq!(by_name("Второй")["code_hint"].as_str().unwrap().len(), 2);
    let second = by_name("Второй")["id"].as_str().unwrap().to_string();
    let first = by_name("Первый")["id"].as_str().unwrap().to_string();
    let del = |id: String| {
        let path = format!("/schools/{school}/invites/{id}");
        let admin = admin.clone();
        let app = &app;
        async move {
            app.send(reqwest::Method::DELETE, &path, Some(&admin), None)
                .await
        }
    };
    assert_eq!(del(second.clone()).await.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        del(second.clone()).await.status(),
        StatusCode::NO_CONTENT,
        "idempotent"
    );
    assert_problem(del(first).await, StatusCode::CONFLICT, "conflict").await;
    let res = app
        .get(
            &format!("/schools/{school}/invites?state=active"),
            Some(&admin),
        )
        .await;
    assert_eq!(res.headers()["x-total-count"], "1");
    let active: Vec<Value> = res.json().await.unwrap();
    assert_eq!(active.len(), 1);
    assert!(
        active[0]["person_name"]
            .as_str()
            .unwrap()
            .starts_with("Третий")
    );
    let revoked: Vec<Value> = app
        .get(
            &format!("/schools/{school}/invites?state=revoked"),
            Some(&admin),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(revoked.len(), 1);
    assert_eq!(revoked[0]["id"], second);
    let used: Vec<Value> = app
        .get(
            &format!("/schools/{school}/invites?state=used"),
            Some(&admin),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(used.len(), 2);
    let page: Vec<Value> = app
        .get(
            &format!("/schools/{school}/invites?limit=2&offset=1"),
            Some(&admin),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page.len(), 2);
    assert_eq!(page[0]["id"], all[1]["id"], "newest first, offset applies");
}

async fn codes_are_stored_hashed_never_in_clear(app: TestApp) {
    let root = app.superadmin().await;
    let (school, admin) = app.school_with_admin(&root, "Школа", "admin1").await;
    let (code, pid) = app.invite(&admin, school, Role::Teacher, "Тестов").await;
    let row = otmetka_api::entity::invite_code::Entity::find()
        .filter(otmetka_api::entity::invite_code::Column::PersonId.eq(pid))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    let bare = code.replace('-', "");
    assert_ne!(row.code_hash, bare);
    assert_eq!(row.code_hash, otmetka_api::auth::tokens::hash_token(&bare));
    assert_eq!(row.code_hint, &bare[10..]);
}

async fn person_with_account_gets_no_second_invite_and_other_schools_person_is_404(app: TestApp) {
    let root = app.superadmin().await;
    let (school, admin) = app.school_with_admin(&root, "Школа", "admin1").await;
    let (other_school, other_admin) = app.school_with_admin(&root, "Другая школа", "admin2").await;
    let (code, pid) = app.invite(&admin, school, Role::Teacher, "Тестов").await;
    app.register(&code, "testov").await;
    let res = app
        .post(
            &format!("/schools/{school}/invites"),
            Some(&admin),
            json!({"person_id": pid, "role": "principal"}),
        )
        .await;
    assert_problem(res, StatusCode::CONFLICT, "person_has_account").await;
    // The other school's admin cannot invite this school's person into their school.
    let res = app
        .post(
            &format!("/schools/{other_school}/invites"),
            Some(&other_admin),
            json!({"person_id": pid, "role": "teacher"}),
        )
        .await;
    assert_problem(res, StatusCode::NOT_FOUND, "not_found").await;
    // Both or neither of person_id/person.
    let res = app
        .post(
            &format!("/schools/{school}/invites"),
            Some(&admin),
            json!({"role": "teacher"}),
        )
        .await;
    let body = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(body["errors"][0]["field"], "person_id");
}
