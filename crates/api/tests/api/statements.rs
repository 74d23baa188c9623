//! SQL statements per request (`sql_statements_header`, DESIGN §7: no N+1) and migrations of
//! several instances started at once on one PostgreSQL database.

use otmetka_domain::Role;
use reqwest::StatusCode;
use sea_orm::{ConnectionTrait, Database};
use serde_json::Value;
use uuid::Uuid;

use crate::helpers::*;

/// The `X-Sql-Statements` header of a GET that must answer 200.
async fn statements(app: &TestApp, path: &str, token: &str) -> u32 {
    let res = app.get(path, Some(token)).await;
    assert_eq!(res.status(), StatusCode::OK, "GET {path}");
    res.headers()
        .get("x-sql-statements")
        .unwrap_or_else(|| panic!("GET {path}: no X-Sql-Statements"))
        .to_str()
        .unwrap()
        .parse()
        .unwrap()
}

/// The course of a class and subject.
async fn course(app: &TestApp, admin: &str, school: Uuid, class: &str, subject: &str) -> Value {
    let list = app
        .get_ok(&format!("/schools/{school}/courses"), admin)
        .await;
    list.as_array()
        .unwrap()
        .iter()
        .find(|c| c["class_name"] == class && c["subject_name"] == subject)
        .unwrap_or_else(|| panic!("no course {class} {subject}"))
        .clone()
}

/// The page endpoints issue a fixed number of statements, whatever the class size: the journal
/// of a class of 25 and of 21 students, the diary and marks page of students of two classes.
async fn page_statements_do_not_grow_with_the_data(app: TestApp) {
    let root = app.superadmin().await;
    let (school, admin) = app.demo_school(&root, "Школа", "admin").await;
    let a = course(&app, &admin, school, "4Б", "Математика").await;
    let b = course(&app, &admin, school, "2А", "Математика").await;
    let size = |c: &Value| c["class_id"].as_str().unwrap().to_string();
    let students = |class: String| {
        let app = &app;
        let admin = admin.clone();
        async move {
            app.get_ok(
                &format!("/schools/{school}/classes/{class}/students"),
                &admin,
            )
            .await
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["student_id"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
        }
    };
    let (sa, sb) = (students(size(&a)).await, students(size(&b)).await);
    assert_ne!(sa.len(), sb.len(), "two class sizes");

    let journal = |c: &Value| {
        format!(
            "/schools/{school}/courses/{}/journal",
            c["id"].as_str().unwrap()
        )
    };
    // The first request after a change loads the school's snapshot (service::snapshot); later
    // ones reuse it. (The lists above loaded it already: the counter is raised by hand.)
    {
        use otmetka_api::entity::school;
        use sea_orm::sea_query::{Expr, ExprTrait};
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        school::Entity::update_many()
            .col_expr(
                school::Column::Generation,
                Expr::col(school::Column::Generation).add(1),
            )
            .filter(school::Column::Id.eq(school))
            .exec(&app.state.db)
            .await
            .unwrap();
    }
    let cold = statements(&app, &journal(&a), &admin).await;
    let ja = statements(&app, &journal(&a), &admin).await;
    let jb = statements(&app, &journal(&b), &admin).await;
    assert_eq!(
        ja,
        jb,
        "journal statements of {} and {} students",
        sa.len(),
        sb.len()
    );
    assert!(cold > ja, "a cold snapshot costs more: {cold} vs {ja}");
    eprintln!("journal: {cold} statements cold, {ja} warm");
    // The count as of issue 8 (BENCHMARKS.md); it may only go down.
    assert!(ja <= 5, "journal: {ja} statements");

    // A change behind the snapshot is seen by the next request: the subject renamed (its
    // trigger raises the school's generation), the journal shows the new name at once.
    let subject = a["subject_id"].as_str().unwrap();
    let res = app
        .send(
            reqwest::Method::PUT,
            &format!("/schools/{school}/subjects/{subject}"),
            Some(&admin),
            Some(serde_json::json!({"name": "Математика и логика", "short_name": "Мат"})),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let j = app.get_ok(&journal(&a), &admin).await;
    assert_eq!(j["course"]["subject_name"], "Математика и логика");
    let again = statements(&app, &journal(&a), &admin).await;
    assert_eq!(again, ja, "reloaded once, then warm again");

    // A journal write takes the school's lock (`UPDATE schools SET name = name`), which must not
    // raise the generation: the next read stays warm (m20261130_000008).
    let generation = || app.school_generation(school);
    let before = generation().await;
    let txn = otmetka_api::service::structure::begin_locked(&app.state.db, school)
        .await
        .unwrap();
    txn.commit().await.unwrap();
    assert_eq!(
        generation().await,
        before,
        "the school's lock keeps the generation"
    );
    assert_eq!(
        statements(&app, &journal(&a), &admin).await,
        ja,
        "warm after the lock"
    );
    // A real change of the school's own columns still raises it.
    let res = app
        .send(
            reqwest::Method::PUT,
            &format!("/schools/{school}/settings"),
            Some(&admin),
            Some({
                let mut s = app
                    .get_ok(&format!("/schools/{school}/settings"), &admin)
                    .await;
                s["time_zone"] = "Asia/Yekaterinburg".into();
                s
            }),
        )
        .await;
    assert_eq!(
        res.status(),
        StatusCode::OK,
        "{}",
        res.text().await.unwrap()
    );
    assert!(
        generation().await > before,
        "a time zone change raises the generation"
    );
    assert!(
        statements(&app, &journal(&a), &admin).await > ja,
        "reloaded"
    );
    // Many rows changed in one transaction (an import): PostgreSQL raises the counter once per
    // transaction (m20261130_000008), SQLite once per row.
    let g0 = generation().await;
    {
        use sea_orm::TransactionTrait;
        let txn = app.state.db.begin().await.unwrap();
        let n = txn
            .execute_unprepared("UPDATE subjects SET short_name = short_name")
            .await
            .unwrap()
            .rows_affected();
        assert!(n > 3, "{n} subjects");
        txn.commit().await.unwrap();
        let g1 = generation().await;
        match app.state.db.get_database_backend() {
            sea_orm::DbBackend::Postgres => assert_eq!(g1, g0 + 1),
            _ => assert_eq!(g1, g0 + n as i64),
        }
    }
    assert!(
        statements(&app, &journal(&a), &admin).await > ja,
        "reloaded after the transaction"
    );

    // The roster is behind the snapshot too (m20261130_000009): a student's enrollments
    // deleted straight in the database (a script, another instance) leave the journal and the
    // marks page (its subjects are those of the student's classes) at the next request.
    let listed = |j: &Value| -> Vec<String> {
        j["students"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["id"].as_str().unwrap().to_string())
            .collect()
    };
    let subjects = |m: &Value| m["subjects"].as_array().unwrap().len();
    let gone = sa.last().unwrap();
    let j = app.get_ok(&journal(&a), &admin).await;
    let marks_page = format!("/schools/{school}/students/{gone}/marks");
    let before = listed(&j);
    assert!(before.contains(gone), "{gone} in the journal");
    assert!(subjects(&app.get_ok(&marks_page, &admin).await) > 3);
    {
        use otmetka_api::entity::enrollment;
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        let n = enrollment::Entity::delete_many()
            .filter(enrollment::Column::StudentId.eq(gone.parse::<Uuid>().unwrap()))
            .exec(&app.state.db)
            .await
            .unwrap()
            .rows_affected;
        assert_eq!(n, 1, "one enrollment");
    }
    let after = listed(&app.get_ok(&journal(&a), &admin).await);
    assert_eq!(after.len(), before.len() - 1);
    assert!(!after.contains(gone), "{gone} left the journal");
    assert_eq!(subjects(&app.get_ok(&marks_page, &admin).await), 0);

    // The final-mark sheet the journal page reloads after every save.
    let sheet = |c: &Value| {
        format!(
            "/schools/{school}/courses/{}/final-marks",
            c["id"].as_str().unwrap()
        )
    };
    statements(&app, &sheet(&a), &admin).await;
    let (fa, fb) = (
        statements(&app, &sheet(&a), &admin).await,
        statements(&app, &sheet(&b), &admin).await,
    );
    assert_eq!(fa, fb, "final-mark sheet statements of two class sizes");
    eprintln!("final-mark sheet: {fa} statements");
    assert!(fa <= 5, "final-mark sheet: {fa} statements");

    // The other pages the SPA opens: at most 5 statements each (DESIGN §7).
    let class_a = size(&a);
    for path in [
        "/me".to_string(),
        format!("/schools/{school}/classes"),
        format!("/schools/{school}/courses?class_id={class_a}"),
        format!("/schools/{school}/classes/{class_a}/summary"),
        format!("/schools/{school}/students/{}/report-card", sa[0]),
        format!("/schools/{school}/students/{}/recent-marks?limit=20", sa[0]),
        format!("/schools/{school}/final-marks/closing"),
        format!("/schools/{school}/reports/quality"),
    ] {
        statements(&app, &path, &admin).await;
        let n = statements(&app, &path, &admin).await;
        eprintln!("{path}: {n} statements");
        assert!(n <= 5, "{path}: {n} statements");
    }

    for page in ["diary", "marks"] {
        let pa = statements(
            &app,
            &format!("/schools/{school}/students/{}/{page}", sa[0]),
            &admin,
        )
        .await;
        let pb = statements(
            &app,
            &format!("/schools/{school}/students/{}/{page}", sb[0]),
            &admin,
        )
        .await;
        assert_eq!(pa, pb, "{page}: statements of students of two classes");
        eprintln!("{page}: {pa} statements");
        assert!(pa <= 5, "{page}: {pa} statements");
    }
    // No database: none counted.
    let res = app.get("/health", None).await;
    assert_eq!(res.headers()["x-sql-statements"], "0");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn page_statements_sqlite() {
    let app = spawn_with(Db::Sqlite, |s| s.sql_statements_header = true).await;
    page_statements_do_not_grow_with_the_data(app).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn page_statements_postgres() {
    let app = spawn_with(Db::Postgres, |s| s.sql_statements_header = true).await;
    page_statements_do_not_grow_with_the_data(app).await;
}

/// Off by default: no header.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_statements_header_by_default() {
    let app = spawn(Db::Sqlite).await;
    let res = app.get("/health", None).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers().get("x-sql-statements").is_none());
}

/// Three instances starting at once on a new PostgreSQL database all migrate without error
/// (the advisory lock of `db::migrate`), and the schema is there once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn instances_started_at_once_migrate_one_after_the_other() {
    let admin = std::env::var("TEST_DATABASE_URL").expect("TEST_DATABASE_URL");
    let name = format!("otmetka_test_{}", Uuid::now_v7().simple());
    let conn = Database::connect(&admin).await.unwrap();
    conn.execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
        .await
        .unwrap();
    let url = {
        let mut u = reqwest::Url::parse(&admin).unwrap();
        u.set_path(&format!("/{name}"));
        u.to_string()
    };
    let runs = (0..3).map(|_| {
        let url = url.clone();
        tokio::spawn(async move {
            let db = Database::connect(&url).await.unwrap();
            let res = otmetka_api::db::migrate(&db).await;
            db.close().await.unwrap();
            res
        })
    });
    let results = futures_util::future::join_all(runs).await;
    let db = Database::connect(&url).await.unwrap();
    let applied = db
        .query_one_raw(sea_orm::Statement::from_string(
            sea_orm::DbBackend::Postgres,
            "SELECT COUNT(*) AS n FROM seaql_migrations",
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get::<i64>("", "n")
        .unwrap();
    db.close().await.unwrap();
    // Clean-up only: a failure (an autovacuum worker in the database on a server where the role
    // may not end it) leaves a database behind, not a wrong result.
    let _ = conn
        .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
        .await;
    for r in results {
        r.unwrap().expect("migrate");
    }
    let expected = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../../migrations/src"))
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .starts_with("m2026")
        })
        .count();
    assert_eq!(applied as usize, expected);
}

/// SQLite: refreshing the statistics moves the schema cookie, so that every pooled connection
/// (and every other process's) reloads `sqlite_stat1` at its next statement; the table used for
/// it is gone again and a read on another pooled connection still answers.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_statistics_refresh_reaches_every_connection() {
    let app = spawn(Db::Sqlite).await;
    let db = &app.state.db;
    let before = scalar(db, "PRAGMA schema_version").await;
    // Statistics exist (the start ran it once), so ANALYZE alone leaves the cookie.
    db.execute_unprepared("ANALYZE").await.unwrap();
    assert_eq!(scalar(db, "PRAGMA schema_version").await, before);
    otmetka_api::db::optimize(db).await;
    assert_eq!(scalar(db, "PRAGMA schema_version").await, before + 2);
    let leftover = scalar(
        db,
        "SELECT count(*) FROM sqlite_master WHERE name = 'otmetka_statistics_epoch'",
    )
    .await;
    assert_eq!(leftover, 0);
    let root = app.superadmin().await;
    let (school, admin) = app.school_with_admin(&root, "Школа № 3", "admin.st").await;
    let res = app
        .get(&format!("/schools/{school}/classes"), Some(&admin))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
}

/// SQLite is built (`.cargo/config.toml`, `LIBSQLITE3_FLAGS`) without STAT4 — with it, every
/// statement whose WHERE binds an analyzed index's column was parsed and planned again at each
/// run (29 % of the server's CPU under 64 diary readers) —, without the page cache shared by all
/// connections behind one mutex and without the global allocation statistics' mutex.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_is_built_without_stat4_shared_cache_mutex_or_memory_statistics() {
    let app = spawn(Db::Sqlite).await;
    let db = &app.state.db;
    let option = |name: &'static str| async move {
        scalar(
            db,
            &format!(
                "SELECT count(*) FROM pragma_compile_options WHERE compile_options = '{name}'"
            ),
        )
        .await
    };
    assert_eq!(option("ENABLE_STAT4").await, 0);
    assert_eq!(option("ENABLE_MEMORY_MANAGEMENT").await, 0);
    assert_eq!(option("DEFAULT_MEMSTATUS=0").await, 1);
    // The statistics ANALYZE writes are sqlite_stat1's only.
    db.execute_unprepared("ANALYZE").await.unwrap();
    let stat_tables = |name: &'static str| async move {
        scalar(
            db,
            &format!("SELECT count(*) FROM sqlite_master WHERE name = '{name}'"),
        )
        .await
    };
    assert_eq!(stat_tables("sqlite_stat1").await, 1);
    assert_eq!(stat_tables("sqlite_stat4").await, 0);
}

/// The one integer a SQLite statement answers.
async fn scalar(db: &sea_orm::DatabaseConnection, sql: &str) -> i64 {
    db.query_one_raw(sea_orm::Statement::from_string(
        sea_orm::DbBackend::Sqlite,
        sql,
    ))
    .await
    .unwrap()
    .unwrap()
    .try_get_by_index::<i64>(0)
    .unwrap()
}

/// A parent's pages decide from the school's snapshot who their children are
/// (m20261130_000011): the diary takes 4 statements; a guardian link deleted straight in the
/// database (a script, another instance) takes the child's diary, marks page, recent marks and
/// report card away at the next request, and one inserted gives another child's.
async fn parent_pages_follow_the_guardian_links_in_the_database(app: TestApp) {
    use crate::journal::{MATH, mark, school};
    use otmetka_api::entity::guardian_link;
    use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
    let s = school(&app).await;
    let math = s.course("5А", MATH, None);
    let parent = s.account(&app, "P01", Role::Parent).await;
    let p01 = s.person(&app, "P01").await;
    let s01 = s.person(&app, "S01").await;
    let s02 = s.person(&app, "S02").await;
    // Monday's maths of week 48: homework due Wednesday, a 5 for S01.
    let mon = s.lesson_on(&app, math, "2026-11-23").await;
    let res = app
        .send(
            reqwest::Method::PUT,
            &s.path(&format!("/lessons/{mon}/content")),
            Some(&s.admin),
            Some(serde_json::json!({"topic": "Дроби", "homework": "№ 245", "homework_due_on": "2026-11-25", "version": 1})),
        )
        .await;
    assert_eq!(
        res.status(),
        StatusCode::OK,
        "{}",
        res.text().await.unwrap()
    );
    let body = serde_json::json!({"marks": [mark(mon, None, s01, "5", 0)], "attendance": []});
    let res = s.batch(&app, &s.admin, math, body).await;
    assert_eq!(
        res.status(),
        StatusCode::OK,
        "{}",
        res.text().await.unwrap()
    );

    let week = |student: Uuid| s.path(&format!("/students/{student}/diary?week=2026-W48"));
    let diary = app.get_ok(&week(s01), &parent).await;
    assert_eq!(diary["student_name"], "Акимов Артём Ильич");
    let marks: Vec<&Value> = diary["days"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|d| d["lessons"].as_array().unwrap())
        .flat_map(|l| l["marks"].as_array().unwrap())
        .collect();
    assert_eq!(marks.len(), 1, "{diary}");
    assert_eq!(marks[0]["value"], "5");
    assert_eq!(diary["days"][2]["homework_due"][0]["homework"], "№ 245");
    let n = statements(&app, &week(s01), &parent).await;
    assert_eq!(n, 4, "a parent's diary: {n} statements");

    let pages = |student: Uuid| {
        [
            week(student),
            s.path(&format!("/students/{student}/marks")),
            s.path(&format!("/students/{student}/recent-marks")),
            s.path(&format!("/students/{student}/report-card")),
        ]
    };
    let statuses = |student: Uuid| {
        let app = &app;
        let parent = parent.clone();
        let pages = pages(student);
        async move {
            let mut out = Vec::new();
            for page in pages {
                out.push(app.get(&page, Some(&parent)).await.status().as_u16());
            }
            out
        }
    };
    assert_eq!(statuses(s01).await, [200, 200, 200, 200]);
    assert_eq!(
        statuses(s02).await,
        [403, 403, 403, 403],
        "another family's child"
    );

    let gone = guardian_link::Entity::delete_many()
        .filter(guardian_link::Column::ParentId.eq(p01))
        .filter(guardian_link::Column::StudentId.eq(s01))
        .exec(&app.state.db)
        .await
        .unwrap()
        .rows_affected;
    assert_eq!(gone, 1);
    assert_eq!(
        statuses(s01).await,
        [403, 403, 403, 403],
        "the link is gone"
    );

    guardian_link::ActiveModel {
        id: Set(Uuid::now_v7()),
        school_id: Set(s.id),
        parent_id: Set(p01),
        student_id: Set(s02),
        relation: Set(Some("мать".into())),
        created_at: Set(chrono::Utc::now()),
    }
    .insert(&app.state.db)
    .await
    .unwrap();
    assert_eq!(statuses(s02).await, [200, 200, 200, 200], "a new link");
    let theirs = app.get_ok(&week(s02), &parent).await;
    assert_eq!(theirs["student_name"], "Борисова Вера Олеговна");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parent_pages_follow_the_guardian_links_sqlite() {
    let app = spawn_with(Db::Sqlite, |s| {
        s.sql_statements_header = true;
        s.fixed_clock = Some(crate::journal::NOW.parse().unwrap());
    })
    .await;
    parent_pages_follow_the_guardian_links_in_the_database(app).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parent_pages_follow_the_guardian_links_postgres() {
    let app = spawn_with(Db::Postgres, |s| {
        s.sql_statements_header = true;
        s.fixed_clock = Some(crate::journal::NOW.parse().unwrap());
    })
    .await;
    parent_pages_follow_the_guardian_links_in_the_database(app).await;
}
