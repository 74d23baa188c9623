//! What a tester trying to break the server found (issue 8), kept from coming back: concurrent
//! creations of one record answered 500, a school without mark scales wrote defaults from its
//! read path (and failed when reads raced), a database restored to an older
//! `schools.generation` was served from the snapshot cached before, and SQLite's write lock held
//! past the busy timeout answered 500.

use reqwest::StatusCode;
use sea_orm::{ConnectionTrait, EntityTrait, PaginatorTrait, TransactionTrait};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::both_dbs;
use crate::helpers::*;

both_dbs!(
    concurrent_creations_of_one_subject_give_one_201_and_409s,
    a_school_without_mark_scales_reads_with_the_built_in_scale_and_writes_nothing,
    a_generation_gone_back_by_a_restore_is_not_served_from_the_old_snapshot,
);

async fn demo(app: &TestApp) -> (Uuid, String) {
    let root = app.superadmin().await;
    app.demo_school(&root, "Школа № 1", "admin1").await
}

/// Runs `sql` on the test's database (the values are ids made by the server: no injection).
async fn exec(app: &TestApp, sql: &str) {
    app.state.db.execute_unprepared(sql).await.unwrap();
}

/// A SQL literal of a uuid as each backend stores it (SQLite: a 16-byte blob, PostgreSQL: uuid).
fn lit(app: &TestApp, id: Uuid) -> String {
    match app.state.db.get_database_backend() {
        sea_orm::DbBackend::Sqlite => format!("X'{}'", id.simple()),
        _ => format!("'{id}'"),
    }
}

async fn concurrent_creations_of_one_subject_give_one_201_and_409s(app: TestApp) {
    let (school, admin) = demo(&app).await;
    let path = format!("/schools/{school}/subjects");
    let calls = (0..6).map(|_| {
        app.post(
            &path,
            Some(&admin),
            json!({"name": "Дубль", "short_name": "Д"}),
        )
    });
    let answers = futures_util::future::join_all(calls).await;
    let mut created = 0;
    for res in answers {
        match res.status() {
            StatusCode::CREATED => created += 1,
            StatusCode::CONFLICT => {
                let body: Value = res.json().await.unwrap();
                assert_eq!(body["code"], "conflict", "{body}");
            }
            other => panic!("{other}: {}", res.text().await.unwrap()),
        }
    }
    assert_eq!(created, 1);
}

async fn a_school_without_mark_scales_reads_with_the_built_in_scale_and_writes_nothing(
    app: TestApp,
) {
    use otmetka_api::entity::{mark_scale, work_type};
    let (school, admin) = demo(&app).await;
    let s = lit(&app, school);
    exec(
        &app,
        &format!("UPDATE subjects SET mark_scale_id = NULL WHERE school_id = {s}"),
    )
    .await;
    exec(
        &app,
        &format!("DELETE FROM mark_scales WHERE school_id = {s}"),
    )
    .await;
    let courses = app
        .get_ok(&format!("/schools/{school}/courses"), &admin)
        .await;
    let course = courses[0]["id"].as_str().unwrap().to_string();
    let class = courses[0]["class_id"].as_str().unwrap().to_string();
    // Parallel first reads: all answer, none writes.
    let paths: Vec<String> = (0..10)
        .flat_map(|_| {
            [
                format!("/schools/{school}/schedule?class_id={class}&week=2026-W48"),
                format!("/schools/{school}/courses/{course}/journal"),
            ]
        })
        .collect();
    let answers =
        futures_util::future::join_all(paths.iter().map(|p| app.get(p, Some(&admin)))).await;
    for (p, res) in paths.iter().zip(answers) {
        assert_eq!(res.status(), StatusCode::OK, "GET {p}");
    }
    let journal = app
        .get_ok(
            &format!("/schools/{school}/courses/{course}/journal"),
            &admin,
        )
        .await;
    assert_eq!(journal["scale"]["code"], "five_point");
    assert_eq!(journal["scale"]["id"], Uuid::nil().to_string());
    let scales = mark_scale::Entity::find()
        .count(&app.state.db)
        .await
        .unwrap();
    assert_eq!(scales, 0, "a read wrote mark scales");
    let types = work_type::Entity::find()
        .count(&app.state.db)
        .await
        .unwrap();
    assert!(types > 0, "the work types stay");
}

async fn a_generation_gone_back_by_a_restore_is_not_served_from_the_old_snapshot(app: TestApp) {
    let (school, admin) = demo(&app).await;
    let courses = app
        .get_ok(&format!("/schools/{school}/courses"), &admin)
        .await;
    let course = &courses[0];
    let journal = format!(
        "/schools/{school}/courses/{}/journal",
        course["id"].as_str().unwrap()
    );
    let subject = lit(
        &app,
        course["subject_id"].as_str().unwrap().parse().unwrap(),
    );
    let s = lit(&app, school);
    let name = |j: Value| j["course"]["subject_name"].as_str().unwrap().to_string();
    let before = name(app.get_ok(&journal, &admin).await);
    let generation = || app.school_generation(school);
    let g = generation().await;
    // "Restore": the subject's name changes together with the counter going back by 3.
    {
        let txn = app.state.db.begin().await.unwrap();
        txn.execute_unprepared(&format!(
            "UPDATE subjects SET name = 'Из резервной копии' WHERE id = {subject}"
        ))
        .await
        .unwrap();
        txn.execute_unprepared(&format!(
            "UPDATE schools SET generation = {} WHERE id = {s}",
            g - 3
        ))
        .await
        .unwrap();
        txn.commit().await.unwrap();
    }
    assert_eq!(
        name(app.get_ok(&journal, &admin).await),
        "Из резервной копии"
    );
    // The counter climbs back to where the old snapshot was cached: still the restored data.
    while generation().await < g {
        exec(
            &app,
            &format!("UPDATE subjects SET short_name = short_name WHERE id = {subject}"),
        )
        .await;
    }
    assert_eq!(generation().await, g);
    assert_ne!(before, "Из резервной копии");
    assert_eq!(
        name(app.get_ok(&journal, &admin).await),
        "Из резервной копии"
    );
}

/// SQLite only (one file, one writer): a write that waits past the busy timeout for the write
/// lock (held here by another connection, as by a long import) is `503 database_unavailable`
/// with `Retry-After`, and nothing is written. PostgreSQL writers queue on row locks instead.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_write_lock_held_past_the_busy_timeout_gives_503_with_retry_after() {
    let app = spawn(Db::Sqlite).await;
    let root = app.superadmin().await;
    let (school, admin) = app.school_with_admin(&root, "Школа", "admin1").await;
    let other = sea_orm::Database::connect(app.state.settings.database_url.as_str())
        .await
        .unwrap();
    let lock = other
        .begin_with_options(otmetka_api::service::WRITE_TXN)
        .await
        .unwrap();
    lock.execute_unprepared("UPDATE schools SET name = name")
        .await
        .unwrap();
    let res = app
        .post(
            &format!("/schools/{school}/subjects"),
            Some(&admin),
            json!({"name": "История", "short_name": "Ист"}),
        )
        .await;
    assert_eq!(res.headers()["retry-after"], "2");
    assert_problem(res, StatusCode::SERVICE_UNAVAILABLE, "database_unavailable").await;
    lock.rollback().await.unwrap();
    let subjects = app
        .get_ok(&format!("/schools/{school}/subjects"), &admin)
        .await;
    assert!(
        subjects
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["name"] != "История"),
        "nothing written"
    );
}
