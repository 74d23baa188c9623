//! What a tester trying to break the server found (issue 8), kept from coming back: concurrent
//! creations of one record answered 500, a school without mark scales wrote defaults from its
//! read path (and failed when reads raced), a database restored to an older
//! `schools.generation` was served from the snapshot cached before, and SQLite's write lock held
//! past the busy timeout answered 500.
//!
//! The second round (issue 9): a `PUT` of a work type without `position` moved it to position 0,
//! a periods import made a year ending `+10000-08-31`, a teacher's bad body for an admin's
//! endpoint got 400 before the 403, and a dry-run import held the school's write lock. (A
//! negative journal `version` is in `journal.rs`, a shrunk period's lessons in `timetable.rs`.)
//!
//! The third round: an account whose teacher role was taken away still read its former class's
//! diaries, marks, report cards, list and summary, because the class still named its person;
//! with the server's clock fixed, class lists, class counts and `/me` took "today" from the
//! system clock. (A journal write deciding from a snapshot older than its lock is in
//! `journal.rs`.)

use reqwest::StatusCode;
use sea_orm::{ConnectionTrait, EntityTrait, PaginatorTrait, TransactionTrait};
use serde_json::{Value, json};
use uuid::Uuid;

use otmetka_domain::Role;

use crate::both_dbs;
use crate::helpers::*;

both_dbs!(
    concurrent_creations_of_one_subject_give_one_201_and_409s,
    a_school_without_mark_scales_reads_with_the_built_in_scale_and_writes_nothing,
    a_generation_gone_back_by_a_restore_is_not_served_from_the_old_snapshot,
    a_work_type_put_without_position_is_422_and_keeps_the_position,
    a_periods_import_refuses_years_outside_2000_to_2100,
    who_may_not_write_gets_401_403_404_whatever_the_body,
    a_dry_run_import_takes_no_write_lock_and_writes_nothing,
    a_class_teacher_whose_teacher_role_is_taken_reads_nothing_of_the_class,
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

/// The work type with a code, from the mark settings.
async fn work_type(app: &TestApp, school: Uuid, token: &str, code: &str) -> Value {
    app.get_ok(&format!("/schools/{school}/mark-settings"), token)
        .await["work_types"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["code"] == code)
        .unwrap_or_else(|| panic!("no work type {code}"))
        .clone()
}

/// `PUT` replaces the whole work type: an omitted (or `null`) `position` is 422 `required`, not
/// a silent 0 that would make the type the default of marks typed into an empty column.
async fn a_work_type_put_without_position_is_422_and_keeps_the_position(app: TestApp) {
    let root = app.superadmin().await;
    let (school, admin) = app.school_with_admin(&root, "Школа", "admin1").await;
    let control = work_type(&app, school, &admin, "control").await;
    let position = control["position"].as_i64().unwrap();
    assert!(position > 0, "{control}");
    let path = format!(
        "/schools/{school}/work-types/{}",
        control["id"].as_str().unwrap()
    );
    let mut body = json!({
        "code": "control",
        "name": "Контрольная работа",
        "short_name": "КР",
        "weight": 3.0,
    });
    for position in [None, Some(Value::Null)] {
        if let Some(p) = position {
            body["position"] = p;
        }
        let res = app
            .send(
                reqwest::Method::PUT,
                &path,
                Some(&admin),
                Some(body.clone()),
            )
            .await;
        let problem =
            assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
        assert_eq!(problem["errors"][0]["field"], "position", "{problem}");
        assert_eq!(problem["errors"][0]["code"], "required", "{problem}");
        assert_eq!(problem["errors"].as_array().unwrap().len(), 1, "{problem}");
    }
    let now = work_type(&app, school, &admin, "control").await;
    assert_eq!(now, control, "nothing changed");
    // With the position it is changed; a teacher is refused whatever the body.
    body["position"] = json!(position);
    let res = app
        .send(
            reqwest::Method::PUT,
            &path,
            Some(&admin),
            Some(body.clone()),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let changed: Value = res.json().await.unwrap();
    assert_eq!(changed["weight"], 3.0);
    assert_eq!(changed["position"], position);
    let teacher = app.member(&admin, school, Role::Teacher, "teacher1").await;
    body.as_object_mut().unwrap().remove("position");
    let res = app
        .send(
            reqwest::Method::PUT,
            &path,
            Some(&teacher),
            Some(body.clone()),
        )
        .await;
    assert_problem(res, StatusCode::FORBIDDEN, "forbidden").await;
    // A new work type without a position is first (position 0), as documented.
    let res = app
        .post(
            &format!("/schools/{school}/work-types"),
            Some(&admin),
            json!({"code": "project", "name": "Проект", "short_name": "Пр", "weight": 2.0}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    assert_eq!(res.json::<Value>().await.unwrap()["position"], 0);
}

/// A year made from its name in a periods import (`9999/10000` → 1 September 9999 – 31 August
/// 10000) or dates given to the API must lie in 2000–2100, as ISO weeks do.
async fn a_periods_import_refuses_years_outside_2000_to_2100(app: TestApp) {
    let root = app.superadmin().await;
    let (school, admin) = app.school_with_admin(&root, "Школа", "admin1").await;
    let years = format!("/schools/{school}/academic-years");
    for query in ["?dry_run=true", ""] {
        let res = app
            .import(
                &admin,
                school,
                "periods",
                "academic_year,kind,number,starts_on,ends_on\n\
                 2026/2027,quarter,1,2026-09-01,2026-10-24\n\
                 9999/10000,quarter,1,9999-09-01,9999-10-24\n\
                 2100/2101,year,1,2100-09-01,2100-12-31\n",
                "text/csv",
                query,
            )
            .await;
        let problem =
            assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "import_rejected").await;
        let rows = problem["report"]["rows"].as_array().unwrap();
        assert_eq!(rows[0]["outcome"], "created", "{problem}");
        for (row, end) in [(&rows[1], "+10000-08-31"), (&rows[2], "2101-08-31")] {
            assert_eq!(row["outcome"], "error", "{row}");
            assert_eq!(row["problems"][0]["column"], "academic_year", "{row}");
            let message = row["problems"][0]["message"].as_str().unwrap();
            assert!(
                message.contains(end) && message.contains("2000–2100"),
                "{message}"
            );
        }
        assert_eq!(problem["errors"][0]["code"], "row", "{problem}");
        assert_eq!(
            app.get_ok(&years, &admin).await,
            json!([]),
            "nothing written"
        );
    }
    // The API refuses the same dates, field by field.
    let res = app
        .post(
            &years,
            Some(&admin),
            json!({"name": "2100/2101", "starts_on": "2100-09-01", "ends_on": "2101-08-31"}),
        )
        .await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "ends_on", "{problem}");
    assert_eq!(problem["errors"][0]["code"], "range", "{problem}");
    let res = app
        .post(
            &years,
            Some(&admin),
            json!({"name": "1999/2000", "starts_on": "1999-09-01", "ends_on": "2000-08-31"}),
        )
        .await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "starts_on", "{problem}");
    assert_eq!(app.get_ok(&years, &admin).await, json!([]));
}

/// A request with a raw body.
async fn raw(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    token: Option<&str>,
    content_type: &str,
    body: &'static str,
) -> reqwest::Response {
    let mut r = app
        .client
        .request(method, app.url(path))
        .header("content-type", content_type)
        .body(body);
    if let Some(t) = token {
        r = r.bearer_auth(t);
    }
    r.send().await.unwrap()
}

/// Authorization comes before the body: a teacher gets 403 from an admin's endpoint (settings,
/// timetable, roster, persons, work types), a student from the journal, a stranger 404 and no
/// token 401, whatever they send; the admin gets the body's own 400/415/422.
async fn who_may_not_write_gets_401_403_404_whatever_the_body(app: TestApp) {
    use reqwest::Method;
    let root = app.superadmin().await;
    let (school, admin) = app.school_with_admin(&root, "Школа", "admin1").await;
    let (_, other_admin) = app.school_with_admin(&root, "Другая школа", "admin2").await;
    let teacher = app.member(&admin, school, Role::Teacher, "teacher1").await;
    let student = app.member(&admin, school, Role::Student, "student1").await;
    let settings = format!("/schools/{school}/settings");
    let bad_bodies: [(&str, &str); 6] = [
        ("application/json", "{not json"),
        ("application/json", "[]"),
        ("application/json", "{}"),
        ("application/json", r#"{"name": 5}"#),
        ("application/json", "{\"name\": \"a\\u0000b\"}"),
        ("text/plain", "name=x"),
    ];
    for (ct, body) in bad_bodies {
        let res = raw(&app, Method::PUT, &settings, Some(&teacher), ct, body).await;
        assert_problem(res, StatusCode::FORBIDDEN, "forbidden").await;
        let res = raw(&app, Method::PUT, &settings, Some(&other_admin), ct, body).await;
        assert_problem(res, StatusCode::NOT_FOUND, "not_found").await;
        let res = raw(&app, Method::PUT, &settings, None, ct, body).await;
        assert_problem(res, StatusCode::UNAUTHORIZED, "authentication_required").await;
        let res = raw(&app, Method::PUT, &settings, Some(&admin), ct, body).await;
        let (status, _) = problem(res).await;
        assert!(
            [
                StatusCode::BAD_REQUEST,
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                StatusCode::UNPROCESSABLE_ENTITY
            ]
            .contains(&status),
            "the admin gets the body's own answer for {body:?}: {status}"
        );
    }
    // Other admin-only writes, and the journal for a student.
    let nil = Uuid::nil();
    let paths = [
        (
            Method::POST,
            format!("/schools/{school}/timetable"),
            &teacher,
        ),
        (
            Method::POST,
            format!("/schools/{school}/holidays"),
            &teacher,
        ),
        (Method::POST, format!("/schools/{school}/persons"), &teacher),
        (Method::POST, format!("/schools/{school}/invites"), &teacher),
        (
            Method::POST,
            format!("/schools/{school}/students/{nil}/withdraw"),
            &teacher,
        ),
        (
            Method::PUT,
            format!("/schools/{school}/work-types/{nil}"),
            &teacher,
        ),
        (
            Method::POST,
            format!("/schools/{school}/academic-years"),
            &teacher,
        ),
        (
            Method::POST,
            format!("/schools/{school}/courses/{nil}/journal"),
            &student,
        ),
        (
            Method::POST,
            format!("/schools/{school}/courses/{nil}/final-marks"),
            &student,
        ),
    ];
    for (method, path, token) in paths {
        for (ct, body) in [
            ("application/json", "{not json"),
            ("application/json", "{}"),
        ] {
            let res = raw(&app, method.clone(), &path, Some(token), ct, body).await;
            let (status, problem) = problem(res).await;
            assert_eq!(
                (status, problem["code"].as_str().unwrap()),
                (StatusCode::FORBIDDEN, "forbidden"),
                "{method} {path} {body:?}: {problem}"
            );
        }
    }
    // Signed-in routes off a school: 401 without a token.
    let res = raw(
        &app,
        Method::POST,
        "/me/password",
        None,
        "application/json",
        "[]",
    )
    .await;
    assert_problem(res, StatusCode::UNAUTHORIZED, "authentication_required").await;
    let res = raw(
        &app,
        Method::POST,
        "/schools",
        Some(&admin),
        "application/json",
        "[]",
    )
    .await;
    assert_problem(res, StatusCode::FORBIDDEN, "forbidden").await;
    // Sign-in needs no token: its bad body is answered as such.
    let res = raw(
        &app,
        Method::POST,
        "/auth/login",
        None,
        "application/json",
        "[]",
    )
    .await;
    assert_problem(res, StatusCode::BAD_REQUEST, "malformed_json").await;
}

/// A dry run neither takes nor waits for the school's write lock: with another transaction
/// holding it (`UPDATE schools`, as a long import does), a dry run that has nothing to write
/// answers at once, checked against the current data. Afterwards a dry run that would create
/// rows writes nothing: no row, no audit record, no new `schools.generation`.
async fn a_dry_run_import_takes_no_write_lock_and_writes_nothing(app: TestApp) {
    let root = app.superadmin().await;
    let (school, admin) = app.school_with_admin(&root, "Школа", "admin1").await;
    let subjects = fixture("subjects.csv");
    app.import_ok(&admin, school, "subjects", subjects.clone(), "text/csv")
        .await;
    let other = sea_orm::Database::connect(app.state.settings.database_url.as_str())
        .await
        .unwrap();
    let lock = other
        .begin_with_options(otmetka_api::service::WRITE_TXN)
        .await
        .unwrap();
    lock.execute_unprepared(&format!(
        "UPDATE schools SET name = name WHERE id = {}",
        lit(&app, school)
    ))
    .await
    .unwrap();
    let dry = |body: Vec<u8>| {
        let app = &app;
        let admin = &admin;
        async move {
            tokio::time::timeout(
                std::time::Duration::from_secs(20),
                app.import(admin, school, "subjects", body, "text/csv", "?dry_run=true"),
            )
            .await
            .expect("the dry run waited for the school's write lock")
        }
    };
    let started = std::time::Instant::now();
    let res = dry(subjects.clone()).await;
    let status = res.status();
    let report: Value = res.json().await.unwrap();
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(report["dry_run"], true);
    assert_eq!(report["committed"], false);
    assert_eq!(
        report["counts"]["unchanged"],
        report["rows"].as_array().unwrap().len()
    );
    // Checked against the current data (the subject is there as the file has it); a repeated
    // row is an error.
    let res = dry("name,short_name\nРусский язык,Рус\nРусский язык,Рус\n"
        .as_bytes()
        .to_vec())
    .await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "import_rejected").await;
    let rows = problem["report"]["rows"].as_array().unwrap();
    assert_eq!(rows[0]["outcome"], "unchanged", "{problem}");
    assert_eq!(rows[1]["outcome"], "error", "{problem}");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(4),
        "no wait for the lock: {:?}",
        started.elapsed()
    );
    lock.rollback().await.unwrap();

    // Nothing stays of a dry run that creates and changes rows.
    let generation = app.school_generation(school).await;
    let before = app
        .get_ok(&format!("/schools/{school}/subjects"), &admin)
        .await;
    let res = dry("name,short_name\nАстрономия,Астр\nРусский язык,РЯ\n"
        .as_bytes()
        .to_vec())
    .await;
    let status = res.status();
    let report: Value = res.json().await.unwrap();
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(
        (&report["counts"]["created"], &report["counts"]["updated"]),
        (&json!(1), &json!(1))
    );
    assert_eq!(report["committed"], false);
    assert_eq!(
        app.get_ok(&format!("/schools/{school}/subjects"), &admin)
            .await,
        before
    );
    assert_eq!(app.school_generation(school).await, generation);
    let audit = app
        .get_ok(
            &format!("/schools/{school}/audit?action=import_committed&limit=100"),
            &admin,
        )
        .await;
    assert_eq!(
        audit.as_array().unwrap().len(),
        1,
        "only the real import: {audit}"
    );
}

async fn a_class_teacher_whose_teacher_role_is_taken_reads_nothing_of_the_class(app: TestApp) {
    let (school, admin) = demo(&app).await;
    let t4 = app.person_id(&admin, school, "T0004").await;
    let kirill = app.person_id(&admin, school, "S00001").await;
    let classes = app
        .get_ok(&format!("/schools/{school}/classes"), &admin)
        .await;
    let class_1a = field_of(&classes, "name", "1А", "id");
    let token = app
        .register_person(&admin, school, t4, Role::Teacher, "alieva")
        .await;
    let pages = [
        format!("/schools/{school}/students/{kirill}/diary"),
        format!("/schools/{school}/students/{kirill}/marks"),
        format!("/schools/{school}/students/{kirill}/recent-marks"),
        format!("/schools/{school}/students/{kirill}/report-card"),
        format!("/schools/{school}/classes/{class_1a}/students"),
        format!("/schools/{school}/classes/{class_1a}/summary"),
        format!("/schools/{school}/classes/{class_1a}/report-cards"),
    ];
    // As the class teacher of 1А: every page of the class and its students.
    for page in &pages {
        let res = app.get(page, Some(&token)).await;
        assert_eq!(res.status(), StatusCode::OK, "{page}");
    }
    let accounts = app
        .get_ok(&format!("/schools/{school}/accounts"), &admin)
        .await;
    let account = field_of(&accounts, "login", "alieva", "account_id");
    let res = app
        .send(
            reqwest::Method::PATCH,
            &format!("/schools/{school}/accounts/{account}"),
            Some(&admin),
            Some(json!({"roles": ["parent"]})),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    // The class still names her person; without the teacher role it grants nothing.
    let class = app
        .get_ok(&format!("/schools/{school}/classes/{class_1a}"), &admin)
        .await;
    assert_eq!(class["class_teacher_id"], json!(t4));
    let token = app.login("alieva", PASSWORD).await;
    for page in &pages {
        let res = app.get(page, Some(&token)).await;
        let (status, body) = problem(res).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{page}: {body}");
        assert_eq!(body["code"], "forbidden", "{page}");
    }
}

/// 20 May 2027, 09:00 UTC: the fourth quarter, far ahead of the system clock.
const MAY_20: &str = "2027-05-20T09:00:00Z";

mod class_lists_follow_the_servers_clock {
    use crate::helpers::{Db, spawn_with};

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        super::class_lists_follow_the_servers_clock(
            spawn_with(Db::Sqlite, |s| {
                s.fixed_clock = Some(super::MAY_20.parse().unwrap())
            })
            .await,
        )
        .await
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        super::class_lists_follow_the_servers_clock(
            spawn_with(Db::Postgres, |s| {
                s.fixed_clock = Some(super::MAY_20.parse().unwrap())
            })
            .await,
        )
        .await
    }
}

/// A transfer dated before the server's (fixed) day shows in the class counts, the class lists
/// without `on`, one class's count and the parent's `/me` at once.
async fn class_lists_follow_the_servers_clock(app: TestApp) {
    let (school, admin) = demo(&app).await;
    let kirill = app.person_id(&admin, school, "S00001").await;
    let counts = |classes: &Value| -> std::collections::HashMap<String, (String, u64)> {
        classes
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                (
                    c["name"].as_str().unwrap().to_string(),
                    (
                        c["id"].as_str().unwrap().to_string(),
                        c["student_count"].as_u64().unwrap(),
                    ),
                )
            })
            .collect()
    };
    let before = counts(
        &app.get_ok(&format!("/schools/{school}/classes"), &admin)
            .await,
    );
    let (class_1a, in_1a) = before["1А"].clone();
    let (class_1b, in_1b) = before["1Б"].clone();
    let res = app
        .post(
            &format!("/schools/{school}/students/{kirill}/transfer"),
            Some(&admin),
            json!({"class_id": class_1b, "date": "2027-05-17"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);

    let after = counts(
        &app.get_ok(&format!("/schools/{school}/classes"), &admin)
            .await,
    );
    assert_eq!(after["1А"].1, in_1a - 1);
    assert_eq!(after["1Б"].1, in_1b + 1);
    let one = app
        .get_ok(&format!("/schools/{school}/classes/{class_1b}"), &admin)
        .await;
    assert_eq!(one["student_count"], in_1b + 1);
    let ids = |list: Value| -> Vec<String> {
        list.as_array()
            .unwrap()
            .iter()
            .map(|s| s["student_id"].as_str().unwrap().to_string())
            .collect()
    };
    let list_1b = ids(app
        .get_ok(
            &format!("/schools/{school}/classes/{class_1b}/students"),
            &admin,
        )
        .await);
    assert!(list_1b.contains(&kirill.to_string()), "{list_1b:?}");
    let list_1a = ids(app
        .get_ok(
            &format!("/schools/{school}/classes/{class_1a}/students"),
            &admin,
        )
        .await);
    assert!(!list_1a.contains(&kirill.to_string()));
}
