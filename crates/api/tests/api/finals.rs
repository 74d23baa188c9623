//! Final marks, period closing and the report card (issue 6): the teachers' window counted in
//! the school's time zone while the server runs in UTC, the settings that move it and the
//! rounding of suggestions, suggestions through the API (period averages and year marks, н/а and
//! осв.), the principal's and the admin's override with a reason and its audit, 412 on a stale
//! version, the comment rule, values and terms, the journal of a closed period and the admin's
//! reopening, the principal's closing view, the report card (JSON and CSV) and the marks page.
//!
//! Every case runs on the small school of `journal.rs` (5А, 5Б; quarter 1 is 1 September – 24
//! October 2026, Europe/Moscow) with the clock at Thursday 26 November 2026, 12:00 in Moscow;
//! servers with other clocks on the same database stand for other moments.

use otmetka_domain::Role;
use reqwest::{Method, Response, StatusCode};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::*;
use crate::journal::{
    ENGLISH, MATH, PE, RUSSIAN, School, errs, expect, field_errors, id, mark, of, school, server_at,
};

/// Runs an `async fn(TestApp)` on both databases with the clock of `journal.rs` (26 November
/// 2026, 12:00 in Moscow).
macro_rules! finals_tests {
    ($($name:ident),+ $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    super::$name(crate::journal::spawn_now($crate::helpers::Db::Sqlite).await).await
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    super::$name(crate::journal::spawn_now($crate::helpers::Db::Postgres).await).await
                }
            }
        )+
    };
}

finals_tests!(
    teachers_write_a_quarter_mark_from_k_days_before_to_n_days_after_its_end_in_school_time,
    the_settings_move_the_window_and_the_rounding_of_suggestions,
    suggestions_round_period_averages_and_year_marks_with_the_school_threshold,
    after_the_deadline_the_principal_and_the_admin_override_with_a_reason_that_is_audited,
    only_students_of_the_course_are_written_and_unchanged_cells_keep_their_version,
    a_stale_version_gets_412_with_the_current_cells_and_nothing_of_the_batch_is_written,
    a_mark_more_than_one_point_from_the_suggestion_needs_a_comment,
    values_come_from_the_subjects_scale_and_terms_from_the_courses_grade,
    a_closed_period_is_read_only_for_teachers_until_the_admin_reopens_it_for_the_course,
    the_closing_view_counts_missing_marks_per_course_and_lists_failing_ones,
    the_report_card_is_for_the_student_their_parents_and_the_class_teacher_also_as_csv,
    the_marks_page_shows_the_final_mark_and_the_suggestion_of_the_sheet,
);

/// 27 October 23:59 in Moscow: the last minute of quarter 1's window (ends 24 October, N = 3).
const LAST_MINUTE: &str = "2026-10-27T20:59:00Z";
/// 28 October 00:00 in Moscow: the window has closed.
const CLOSED_AT: &str = "2026-10-27T21:00:00Z";
/// 16 October 23:59 in Moscow: the day before the window opens (K = 7).
const BEFORE_OPEN: &str = "2026-10-16T20:59:00Z";
/// 17 October 00:00 in Moscow (still 16 October in UTC): the window's first minute.
const FIRST_MINUTE: &str = "2026-10-16T21:00:00Z";
/// Monday 26 October, 12:00 in Moscow: inside quarter 1's window.
const IN_WINDOW: &str = "2026-10-26T09:00:00Z";

const Q1: &str = "quarter_1";
const REASON: &str = "учитель на больничном, отметку выставляет завуч";

// ---------- helpers ----------

/// One cell of a final-marks batch.
fn fm(student: Uuid, term: &str, value: Option<&str>, version: i64) -> Value {
    json!({"student_id": student, "term": term, "value": value, "version": version})
}

/// The same with a comment.
fn fmc(student: Uuid, term: &str, value: &str, version: i64, comment: &str) -> Value {
    json!({"student_id": student, "term": term, "value": value, "version": version, "comment": comment})
}

/// A request to the server at `base` (another clock, same database); `path` under the school.
async fn call(
    app: &TestApp,
    base: &str,
    s: &School,
    method: Method,
    token: &str,
    path: &str,
    body: Option<Value>,
) -> Response {
    let mut r = app
        .client
        .request(method, format!("{base}/api/v1{}", s.path(path)))
        .bearer_auth(token);
    if let Some(b) = body {
        r = r.json(&b);
    }
    r.send().await.unwrap()
}

/// `POST …/courses/{course}/final-marks` on the main server.
async fn write(app: &TestApp, s: &School, token: &str, course: Uuid, body: Value) -> Response {
    write_at(app, &app.base, s, token, course, body).await
}

/// A batch of one cell (`fm(…)`) on the main server.
async fn write_one(app: &TestApp, s: &School, token: &str, course: Uuid, cell: Value) -> Response {
    write(app, s, token, course, json!({ "marks": [cell] })).await
}

/// A batch of one cell (`fm(…)`) on the server at `base`.
async fn write_one_at(
    app: &TestApp,
    base: &str,
    s: &School,
    token: &str,
    course: Uuid,
    cell: Value,
) -> Response {
    write_at(app, base, s, token, course, json!({ "marks": [cell] })).await
}

/// `POST …/courses/{course}/final-marks` on the server at `base`.
async fn write_at(
    app: &TestApp,
    base: &str,
    s: &School,
    token: &str,
    course: Uuid,
    body: Value,
) -> Response {
    call(
        app,
        base,
        s,
        Method::POST,
        token,
        &format!("/courses/{course}/final-marks"),
        Some(body),
    )
    .await
}

/// A batch that must answer 200: the written cells.
async fn write_ok(app: &TestApp, s: &School, token: &str, course: Uuid, body: Value) -> Value {
    expect(write(app, s, token, course, body).await, StatusCode::OK).await["cells"].clone()
}

/// `GET …/courses/{course}/final-marks` on the main server.
async fn sheet(app: &TestApp, s: &School, token: &str, course: Uuid) -> Value {
    app.get_ok(&s.path(&format!("/courses/{course}/final-marks")), token)
        .await
}

/// The same on the server at `base`.
async fn sheet_at(app: &TestApp, base: &str, s: &School, token: &str, course: Uuid) -> Value {
    let path = format!("/courses/{course}/final-marks");
    expect(
        call(app, base, s, Method::GET, token, &path, None).await,
        StatusCode::OK,
    )
    .await
}

/// A cell of a sheet (or of a list of cells).
fn cell<'a>(cells: &'a Value, student: Uuid, term: &str) -> &'a Value {
    cells
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["student_id"] == student.to_string() && c["term"] == term)
        .unwrap_or_else(|| panic!("no cell {student} {term} in {cells}"))
}

/// A term of a sheet.
fn term<'a>(sheet: &'a Value, name: &str) -> &'a Value {
    sheet["terms"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["term"] == name)
        .unwrap_or_else(|| panic!("no term {name} in {}", sheet["terms"]))
}

/// (value, version, suggested, average) of a cell.
fn vsa(c: &Value) -> (Value, Value, Value, Value) {
    (
        c["value"].clone(),
        c["version"].clone(),
        c["suggested"].clone(),
        c["average"].clone(),
    )
}

/// Changes the school's settings (keeping the rest): the answer.
async fn put_settings(app: &TestApp, s: &School, change: Value) -> Value {
    let mut settings = app.get_ok(&s.path("/settings"), &s.admin).await;
    for (k, v) in change.as_object().unwrap() {
        settings[k] = v.clone();
    }
    let res = s
        .send(app, Method::PUT, &s.admin, "/settings", settings)
        .await;
    expect(res, StatusCode::OK).await
}

/// The id of the school's quarter with this number.
async fn period(app: &TestApp, s: &School, number: i64) -> Uuid {
    let list = app.get_ok(&s.path("/periods"), &s.admin).await;
    id(list
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["kind"] == "quarter" && p["number"] == number)
        .unwrap())
}

/// Works of weights on 5А maths lessons of quarter 1, and marks as the admin (the journal of a
/// closed period stays open to the admin), so that the quarter averages are
/// S01 3 (w1), 4 (w1) → 3.5; S02 4 (w1.1), 3 (w0.9) → 3.55; S03 5 (w3), 4 (w2) → 4.6;
/// S04 2 (w1), 3 (w1) → 2.5. Returns [S01, S02, S03, S04].
async fn quarter_one_marks(app: &TestApp, s: &School) -> [Uuid; 4] {
    let math = s.course("5А", MATH, None);
    let students = [
        s.person(app, "S01").await,
        s.person(app, "S02").await,
        s.person(app, "S03").await,
        s.person(app, "S04").await,
    ];
    let [s01, s02, s03, s04] = students;
    let mut works = Vec::new();
    for (day, weight) in [
        ("2026-09-02", 1.0),
        ("2026-09-07", 1.0),
        ("2026-09-09", 1.1),
        ("2026-09-14", 0.9),
        ("2026-09-16", 3.0),
        ("2026-09-21", 2.0),
    ] {
        let lesson = s.lesson_on(app, math, day).await;
        let work = id(&s.work(app, &s.admin, lesson, "oral", weight).await);
        works.push((lesson, work));
    }
    let m = |i: usize, student: Uuid, value: &str| {
        mark(works[i].0, Some(works[i].1), student, value, 0)
    };
    let body = json!({"marks": [
        m(0, s01, "3"), m(1, s01, "4"),
        m(2, s02, "4"), m(3, s02, "3"),
        m(4, s03, "5"), m(5, s03, "4"),
        m(0, s04, "2"), m(1, s04, "3"),
    ]});
    expect(s.batch(app, &s.admin, math, body).await, StatusCode::OK).await;
    students
}

/// A principal of the school: the access token.
async fn principal(app: &TestApp, s: &School) -> String {
    app.member(&s.admin, s.id, Role::Principal, "principal.f")
        .await
}

// ---------- 1. the deadline in the school's time zone ----------

async fn teachers_write_a_quarter_mark_from_k_days_before_to_n_days_after_its_end_in_school_time(
    app: TestApp,
) {
    let s = school(&app).await;
    let math = s.course("5А", MATH, None);
    let m01 = s.account(&app, "M01", Role::Teacher).await;
    let [s01, s02, s03] = [
        s.person(&app, "S01").await,
        s.person(&app, "S02").await,
        s.person(&app, "S03").await,
    ];
    // The defaults: K = 7, N = 3, threshold 0.5.
    let settings = app.get_ok(&s.path("/settings"), &s.admin).await;
    assert_eq!(
        (
            &settings["final_marks_open_days"],
            &settings["final_marks_close_days"],
            &settings["rounding_threshold"]
        ),
        (&json!(7), &json!(3), &json!(0.5))
    );

    // 27 October, 23:59 in Moscow (20:59 UTC): the teacher writes.
    let last = server_at(&app, LAST_MINUTE).await;
    let sh = sheet_at(&app, &last, &s, &m01, math).await;
    assert_eq!(sh["today"], "2026-10-27");
    let q1 = term(&sh, Q1);
    assert_eq!(
        (
            &q1["starts_on"],
            &q1["ends_on"],
            &q1["opens_on"],
            &q1["closes_on"]
        ),
        (
            &json!("2026-09-01"),
            &json!("2026-10-24"),
            &json!("2026-10-17"),
            &json!("2026-10-27")
        )
    );
    assert_eq!(
        (&q1["state"], &q1["writable"], &q1["reason_required"]),
        (&json!("open"), &json!(true), &json!(false))
    );
    let res = write_one_at(&app, &last, &s, &m01, math, fm(s01, Q1, Some("4"), 0)).await;
    let cells = expect(res, StatusCode::OK).await["cells"].clone();
    let c = cell(&cells, s01, Q1);
    assert_eq!((&c["value"], &c["version"]), (&json!("4"), &json!(1)));
    assert_eq!(c["set_at"], "2026-10-27T20:59:00Z");
    assert_eq!(c["set_by_name"], "Орлова Анна Петровна");

    // 28 October, 00:00 in Moscow (still 27 October in UTC): 403, nothing written.
    let closed = server_at(&app, CLOSED_AT).await;
    let body = json!({"marks": [fm(s01, Q1, Some("5"), 1), fm(s02, Q1, Some("4"), 0)]});
    let res = write_at(&app, &closed, &s, &m01, math, body).await;
    let p = assert_problem(res, StatusCode::FORBIDDEN, "final_mark_deadline_passed").await;
    assert!(p["detail"].as_str().unwrap().contains("2026-10-27"), "{p}");
    let sh = sheet_at(&app, &closed, &s, &m01, math).await;
    assert_eq!(sh["today"], "2026-10-28");
    let q1 = term(&sh, Q1);
    assert_eq!(
        (&q1["state"], &q1["writable"], &q1["reason_required"]),
        (&json!("closed"), &json!(false), &json!(false))
    );
    assert_eq!(cell(&sh["cells"], s01, Q1)["value"], "4");
    assert_eq!(cell(&sh["cells"], s02, Q1)["version"], 0);
    // The admin at that minute needs a reason.
    let admin_sheet = sheet_at(&app, &closed, &s, &s.admin, math).await;
    let q1 = term(&admin_sheet, Q1);
    assert_eq!(
        (&q1["writable"], &q1["reason_required"]),
        (&json!(true), &json!(true))
    );

    // Before the window: 16 October, 23:59 in Moscow → not open; 17 October, 00:00 → open.
    let before = server_at(&app, BEFORE_OPEN).await;
    let sh = sheet_at(&app, &before, &s, &m01, math).await;
    assert_eq!(
        (&term(&sh, Q1)["state"], &term(&sh, Q1)["writable"]),
        (&json!("not_open"), &json!(false))
    );
    let res = write_one_at(&app, &before, &s, &m01, math, fm(s02, Q1, Some("4"), 0)).await;
    let p = assert_problem(res, StatusCode::FORBIDDEN, "final_mark_not_open").await;
    assert!(p["detail"].as_str().unwrap().contains("2026-10-17"), "{p}");
    let first_minute = server_at(&app, FIRST_MINUTE).await;
    let sh = sheet_at(&app, &first_minute, &s, &m01, math).await;
    assert_eq!(sh["today"], "2026-10-17");
    assert_eq!(
        (&term(&sh, Q1)["state"], &term(&sh, Q1)["writable"]),
        (&json!("open"), &json!(true))
    );
    let res = write_one_at(
        &app,
        &first_minute,
        &s,
        &m01,
        math,
        fm(s02, Q1, Some("4"), 0),
    )
    .await;
    let cells = expect(res, StatusCode::OK).await["cells"].clone();
    assert_eq!(cell(&cells, s02, Q1)["version"], 1);
    let sh = sheet(&app, &s, &s.admin, math).await;
    assert_eq!(
        cell(&sh["cells"], s02, Q1)["set_at"],
        "2026-10-16T21:00:00Z"
    );
    // The year mark follows the same window from the last quarter's end (26 May 2027): not
    // open for the teacher in October.
    let res = write_one_at(&app, &last, &s, &m01, math, fm(s01, "year", Some("4"), 0)).await;
    assert_problem(res, StatusCode::FORBIDDEN, "final_mark_not_open").await;
    // Quarter 2 (5 November – 26 December) opens on 19 December.
    let res = write_one(&app, &s, &m01, math, fm(s01, "quarter_2", Some("4"), 0)).await;
    assert_problem(res, StatusCode::FORBIDDEN, "final_mark_not_open").await;
    let q2_open = server_at(&app, "2026-12-18T21:00:00Z").await;
    let res = write_one_at(
        &app,
        &q2_open,
        &s,
        &m01,
        math,
        fm(s01, "quarter_2", Some("4"), 0),
    )
    .await;
    expect(res, StatusCode::OK).await;
    // A teacher of another course of the class neither reads nor writes the sheet.
    let m02 = s.account(&app, "M02", Role::Teacher).await;
    let res = call(
        &app,
        &last,
        &s,
        Method::GET,
        &m02,
        &format!("/courses/{math}/final-marks"),
        None,
    )
    .await;
    assert_problem(res, StatusCode::FORBIDDEN, "forbidden").await;
    let res = write_one_at(&app, &last, &s, &m02, math, fm(s03, Q1, Some("5"), 0)).await;
    assert_problem(res, StatusCode::FORBIDDEN, "forbidden").await;
}

// ---------- 2. settings ----------

async fn the_settings_move_the_window_and_the_rounding_of_suggestions(app: TestApp) {
    let s = school(&app).await;
    let math = s.course("5А", MATH, None);
    let m01 = s.account(&app, "M01", Role::Teacher).await;
    let [s01, s02, s03, s04] = quarter_one_marks(&app, &s).await;

    // N = 3: on 29 October the teacher is late.
    let oct29 = server_at(&app, "2026-10-29T09:00:00Z").await;
    let res = write_one_at(&app, &oct29, &s, &m01, math, fm(s01, Q1, Some("4"), 0)).await;
    assert_problem(res, StatusCode::FORBIDDEN, "final_mark_deadline_passed").await;
    // K = 7: on 15 October too early.
    let oct15 = server_at(&app, "2026-10-15T09:00:00Z").await;
    let res = write_one_at(&app, &oct15, &s, &m01, math, fm(s01, Q1, Some("4"), 0)).await;
    assert_problem(res, StatusCode::FORBIDDEN, "final_mark_not_open").await;

    // Suggestions at 0.5.
    let sh = sheet(&app, &s, &m01, math).await;
    assert_eq!(sh["rounding_threshold"], 0.5);
    let suggested = |sh: &Value, st: Uuid| cell(&sh["cells"], st, Q1)["suggested"].clone();
    assert_eq!(
        [s01, s02, s03, s04].map(|st| suggested(&sh, st)),
        [json!("4"), json!("4"), json!("5"), json!("3")]
    );

    // K = 10, N = 5, threshold 0.6.
    let out = put_settings(
        &app,
        &s,
        json!({"rounding_threshold": 0.6, "final_marks_open_days": 10, "final_marks_close_days": 5}),
    )
    .await;
    assert_eq!(
        (
            &out["rounding_threshold"],
            &out["final_marks_open_days"],
            &out["final_marks_close_days"]
        ),
        (&json!(0.6), &json!(10), &json!(5))
    );
    let changed = s.audit(&app, "settings_changed").await;
    assert_eq!(changed[0]["new_value"]["rounding_threshold"], 0.6);
    let sh = sheet(&app, &s, &m01, math).await;
    assert_eq!(sh["rounding_threshold"], 0.6);
    assert_eq!(
        [s01, s02, s03, s04].map(|st| suggested(&sh, st)),
        [json!("3"), json!("3"), json!("5"), json!("2")]
    );
    // The averages themselves do not move.
    assert_eq!(
        [s01, s02, s03, s04].map(|st| cell(&sh["cells"], st, Q1)["average"].clone()),
        [json!(3.5), json!(3.55), json!(4.6), json!(2.5)]
    );
    let q1 = term(&sh, Q1);
    assert_eq!(
        (&q1["opens_on"], &q1["closes_on"]),
        (&json!("2026-10-14"), &json!("2026-10-29"))
    );
    // Now 29 October is inside, 30 October (Moscow) is not; 15 October is inside too.
    for (base, student, value) in [(&oct29, s01, "3"), (&oct15, s02, "3")] {
        let res = write_at(
            &app,
            base,
            &s,
            &m01,
            math,
            json!({"marks": [fm(student, Q1, Some(value), 0)]}),
        )
        .await;
        expect(res, StatusCode::OK).await;
    }
    let oct30 = server_at(&app, "2026-10-29T21:00:00Z").await;
    let res = write_one_at(&app, &oct30, &s, &m01, math, fm(s03, Q1, Some("5"), 0)).await;
    assert_problem(res, StatusCode::FORBIDDEN, "final_mark_deadline_passed").await;
    let oct13 = server_at(&app, "2026-10-13T09:00:00Z").await;
    let res = write_one_at(&app, &oct13, &s, &m01, math, fm(s03, Q1, Some("5"), 0)).await;
    assert_problem(res, StatusCode::FORBIDDEN, "final_mark_not_open").await;
    // The closed-period rule of the journal follows N too: a quarter-1 lesson is writable by
    // the teacher on 29 October, not on 30 October.
    let lesson = s.lesson_on(&app, math, "2026-10-21").await;
    let body = json!({"marks": [mark(lesson, None, s04, "4", 0)]});
    let path = format!("/courses/{math}/journal");
    let res = call(
        &app,
        &oct30,
        &s,
        Method::POST,
        &m01,
        &path,
        Some(body.clone()),
    )
    .await;
    assert_problem(res, StatusCode::FORBIDDEN, "period_closed").await;
    let res = call(&app, &oct29, &s, Method::POST, &m01, &path, Some(body)).await;
    expect(res, StatusCode::OK).await;

    // Out of range settings are refused.
    for (field, value) in [
        ("rounding_threshold", json!(0)),
        ("rounding_threshold", json!(1.2)),
        ("final_marks_open_days", json!(61)),
        ("final_marks_close_days", json!(-1)),
    ] {
        let mut settings = app.get_ok(&s.path("/settings"), &s.admin).await;
        settings[field] = value;
        let res = s
            .send(&app, Method::PUT, &s.admin, "/settings", settings)
            .await;
        let p = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
        assert_eq!(field_errors(&p)[0].0, field, "{p}");
    }
}

// ---------- 3. suggestions ----------

async fn suggestions_round_period_averages_and_year_marks_with_the_school_threshold(app: TestApp) {
    let s = school(&app).await;
    let math = s.course("5А", MATH, None);
    let russian = s.course("5А", RUSSIAN, None);
    let math_b = s.course("5Б", MATH, None);
    let [s01, s02, s03, s04] = quarter_one_marks(&app, &s).await;
    let s05 = s.person(&app, "S05").await;

    // Quarter 1 of maths at 0.5: 3.5 → 4, 3.55 → 4, 4.6 → 5, 2.5 → 3.
    let sh = sheet(&app, &s, &s.admin, math).await;
    let want_05 = [
        (s01, json!(3.5), "4"),
        (s02, json!(3.55), "4"),
        (s03, json!(4.6), "5"),
        (s04, json!(2.5), "3"),
    ];
    for (st, average, suggested) in &want_05 {
        let c = cell(&sh["cells"], *st, Q1);
        assert_eq!(
            vsa(c),
            (Value::Null, json!(0), json!(suggested), average.clone()),
            "{st}"
        );
        assert_eq!(c["due"], true);
        // No marks in quarter 2 yet: nothing to suggest.
        let c = cell(&sh["cells"], *st, "quarter_2");
        assert_eq!(
            (&c["average"], &c["suggested"]),
            (&Value::Null, &Value::Null)
        );
    }
    // The journal's average is the sheet's.
    let q1 = period(&app, &s, 1).await;
    let journal = app
        .get_ok(
            &s.path(&format!("/courses/{math}/journal?period_id={q1}")),
            &s.admin,
        )
        .await;
    for (st, average, _) in &want_05 {
        assert_eq!(
            &of(&journal["averages"], "student_id", *st)["average"],
            average
        );
    }

    // The year from the quarter marks (the admin sets them, with a reason: quarter 1 is closed,
    // the others not open for teachers). Russian: S01 4, 4, 5, 5; S02 4, н/а, 5, 5; S03 4, осв,
    // 4, 5; S04 н/а only. 5Б maths: S05 осв only.
    let quarters = |st: Uuid, values: [Option<&str>; 4]| -> Vec<Value> {
        values
            .iter()
            .enumerate()
            .filter_map(|(i, v)| v.map(|v| fm(st, &format!("quarter_{}", i + 1), Some(v), 0)))
            .collect()
    };
    let mut marks = Vec::new();
    marks.extend(quarters(s01, [Some("4"), Some("4"), Some("5"), Some("5")]));
    marks.extend(quarters(
        s02,
        [Some("4"), Some("н/а"), Some("5"), Some("5")],
    ));
    marks.extend(quarters(
        s03,
        [Some("4"), Some("осв"), Some("4"), Some("5")],
    ));
    marks.extend(quarters(s04, [Some("н/а"), None, None, None]));
    let cells = write_ok(
        &app,
        &s,
        &s.admin,
        russian,
        json!({"marks": marks, "reason": REASON}),
    )
    .await;
    assert_eq!(cells.as_array().unwrap().len(), 13);
    write_ok(
        &app,
        &s,
        &s.admin,
        math_b,
        json!({"marks": [fm(s05, Q1, Some("осв"), 0)], "reason": REASON}),
    )
    .await;

    let year = |sh: &Value, st: Uuid| {
        let c = cell(&sh["cells"], st, "year");
        (c["average"].clone(), c["suggested"].clone())
    };
    let sh = sheet(&app, &s, &s.admin, russian).await;
    assert_eq!(year(&sh, s01), (json!(4.5), json!("5")));
    assert_eq!(year(&sh, s02), (json!(4.67), json!("5")));
    assert_eq!(year(&sh, s03), (json!(4.33), json!("4")));
    assert_eq!(year(&sh, s04), (Value::Null, json!("н/а")));
    let sh_b = sheet(&app, &s, &s.admin, math_b).await;
    assert_eq!(year(&sh_b, s05), (Value::Null, json!("осв")));
    // The year mark of S01 accepted as suggested; a 3 would need a comment.
    let res = write(
        &app,
        &s,
        &s.admin,
        russian,
        json!({"marks": [fm(s01, "year", Some("3"), 0)], "reason": REASON}),
    )
    .await;
    let p = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(
        field_errors(&p),
        errs(&[("marks[0].comment", "comment_required")])
    );

    // Threshold 0.6: quarter 1 of maths 3.5 → 3, 3.55 → 3, 4.6 → 5, 2.5 → 2; the year 4.5 → 4,
    // 4.67 → 5, 4.33 → 4.
    put_settings(&app, &s, json!({"rounding_threshold": 0.6})).await;
    let sh = sheet(&app, &s, &s.admin, math).await;
    for (st, suggested) in [(s01, "3"), (s02, "3"), (s03, "5"), (s04, "2")] {
        assert_eq!(cell(&sh["cells"], st, Q1)["suggested"], suggested, "{st}");
    }
    let sh = sheet(&app, &s, &s.admin, russian).await;
    assert_eq!(year(&sh, s01), (json!(4.5), json!("4")));
    assert_eq!(year(&sh, s02), (json!(4.67), json!("5")));
    assert_eq!(year(&sh, s03), (json!(4.33), json!("4")));
    assert_eq!(year(&sh, s04), (Value::Null, json!("н/а")));
    // The year suggestion reads the quarter marks of the same batch: S04's quarters 2–4 set to
    // 3, 3, 4 with the year 3 (mean 3.33 → 3) in one write, no comment needed.
    let mut marks = quarters(s04, [None, Some("3"), Some("3"), Some("4")]);
    marks.push(fm(s04, "year", Some("3"), 0));
    let cells = write_ok(
        &app,
        &s,
        &s.admin,
        russian,
        json!({"marks": marks, "reason": REASON}),
    )
    .await;
    let c = cell(&cells, s04, "year");
    assert_eq!(vsa(c), (json!("3"), json!(1), json!("3"), json!(3.33)));
}

// ---------- 4. the override after the deadline ----------

async fn after_the_deadline_the_principal_and_the_admin_override_with_a_reason_that_is_audited(
    app: TestApp,
) {
    let s = school(&app).await;
    let math = s.course("5А", MATH, None);
    let director = principal(&app, &s).await;
    let m01 = s.account(&app, "M01", Role::Teacher).await;
    let [s01, s02] = [s.person(&app, "S01").await, s.person(&app, "S02").await];

    // 26 November: quarter 1 closed on 27 October. The teacher may not.
    let res = write(
        &app,
        &s,
        &m01,
        math,
        json!({"marks": [fm(s01, Q1, Some("4"), 0)], "reason": REASON}),
    )
    .await;
    assert_problem(res, StatusCode::FORBIDDEN, "final_mark_deadline_passed").await;
    let sh = sheet(&app, &s, &director, math).await;
    assert_eq!(
        (
            &term(&sh, Q1)["state"],
            &term(&sh, Q1)["writable"],
            &term(&sh, Q1)["reason_required"]
        ),
        (&json!("closed"), &json!(true), &json!(true))
    );
    // The principal without a reason (or a blank one): 422 `reason: required`; nothing written.
    for body in [
        json!({"marks": [fm(s01, Q1, Some("4"), 0)]}),
        json!({"marks": [fm(s01, Q1, Some("4"), 0)], "reason": "    "}),
    ] {
        let res = write(&app, &s, &director, math, body).await;
        let p = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
        assert_eq!(field_errors(&p), errs(&[("reason", "required")]));
    }
    assert_eq!(
        cell(&sheet(&app, &s, &director, math).await["cells"], s01, Q1)["version"],
        0
    );
    // With a reason: 200, audited with the reason.
    let cells = write_ok(
        &app,
        &s,
        &director,
        math,
        json!({"marks": [fm(s01, Q1, Some("4"), 0)], "reason": REASON}),
    )
    .await;
    let c = cell(&cells, s01, Q1);
    assert_eq!((&c["value"], &c["version"]), (&json!("4"), &json!(1)));
    assert_eq!(c["set_by_name"], "principal.f Тест");
    let set = s.audit(&app, "final_mark_set").await;
    assert_eq!(set.len(), 1, "{set:?}");
    let a = &set[0];
    assert_eq!(a["object_type"], "final_mark");
    assert_eq!(a["old_value"], Value::Null);
    let new = &a["new_value"];
    assert_eq!(
        (
            &new["student_id"],
            &new["course_id"],
            &new["term"],
            &new["value"],
            &new["version"],
            &new["override_reason"]
        ),
        (
            &json!(s01),
            &json!(math),
            &json!(Q1),
            &json!("4"),
            &json!(1),
            &json!(REASON)
        )
    );
    // The admin changes it, with a reason: `final_mark_changed` with old and new value.
    let cells = write_ok(
        &app,
        &s,
        &s.admin,
        math,
        json!({"marks": [fmc(s01, Q1, "5", 1, "пересдача")], "reason": "исправление ошибки"}),
    )
    .await;
    assert_eq!(cell(&cells, s01, Q1)["version"], 2);
    let changed = s.audit(&app, "final_mark_changed").await;
    assert_eq!(changed.len(), 1, "{changed:?}");
    assert_eq!(changed[0]["old_value"]["value"], "4");
    assert_eq!(changed[0]["old_value"]["version"], 1);
    assert_eq!(changed[0]["new_value"]["value"], "5");
    assert_eq!(changed[0]["new_value"]["comment"], "пересдача");
    assert_eq!(
        changed[0]["new_value"]["override_reason"],
        "исправление ошибки"
    );
    // The admin without a reason: 422 too.
    let res = write_one(&app, &s, &s.admin, math, fm(s02, Q1, Some("3"), 0)).await;
    let p = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(field_errors(&p), errs(&[("reason", "required")]));
    // Clearing is audited as `final_mark_cleared`.
    write_ok(
        &app,
        &s,
        &s.admin,
        math,
        json!({"marks": [fm(s01, Q1, None, 2)], "reason": "выставлено по ошибке"}),
    )
    .await;
    let cleared = s.audit(&app, "final_mark_cleared").await;
    assert_eq!(cleared.len(), 1);
    assert_eq!(cleared[0]["old_value"]["value"], "5");
    assert_eq!(cleared[0]["new_value"]["value"], Value::Null);
    let c = cell(&sheet(&app, &s, &s.admin, math).await["cells"], s01, Q1).clone();
    assert_eq!((&c["value"], &c["version"]), (&Value::Null, &json!(3)));
    // Inside the teachers' window the principal needs no reason, and the audit has none.
    let open = server_at(&app, IN_WINDOW).await;
    let res = write_one_at(&app, &open, &s, &director, math, fm(s02, Q1, Some("3"), 0)).await;
    expect(res, StatusCode::OK).await;
    let set = s.audit(&app, "final_mark_set").await;
    assert_eq!(set.len(), 2);
    assert_eq!(set[0]["new_value"]["student_id"], s02.to_string());
    assert!(
        set[0]["new_value"].get("override_reason").is_none(),
        "{}",
        set[0]
    );
}

// ---------- 5. versions ----------

async fn a_stale_version_gets_412_with_the_current_cells_and_nothing_of_the_batch_is_written(
    app: TestApp,
) {
    let s = school(&app).await;
    let math = s.course("5А", MATH, None);
    let m01 = s.account(&app, "M01", Role::Teacher).await;
    let [s01, s02, s03] = [
        s.person(&app, "S01").await,
        s.person(&app, "S02").await,
        s.person(&app, "S03").await,
    ];
    let open = server_at(&app, IN_WINDOW).await;
    // The teacher sets S01's 4; the admin meanwhile changes it to 5 (version 2).
    let res = write_one_at(&app, &open, &s, &m01, math, fm(s01, Q1, Some("4"), 0)).await;
    expect(res, StatusCode::OK).await;
    let res = write_one_at(&app, &open, &s, &s.admin, math, fm(s01, Q1, Some("5"), 1)).await;
    expect(res, StatusCode::OK).await;
    // The teacher's batch with the stale version 1 for S01 and new cells for S02 and S03.
    let body = json!({"marks": [
        fm(s02, Q1, Some("4"), 0),
        fm(s01, Q1, Some("3"), 1),
        fm(s03, Q1, Some("5"), 0),
    ]});
    let res = write_at(&app, &open, &s, &m01, math, body).await;
    let p = assert_problem(res, StatusCode::PRECONDITION_FAILED, "version_mismatch").await;
    let current = p["current"]["cells"].as_array().unwrap();
    assert_eq!(current.len(), 1, "{p}");
    let c = &current[0];
    assert_eq!(
        (
            &c["student_id"],
            &c["term"],
            &c["value"],
            &c["version"],
            &c["set_by_name"]
        ),
        (
            &json!(s01),
            &json!(Q1),
            &json!("5"),
            &json!(2),
            &json!("Петрова Мадина Магомедовна")
        )
    );
    // Nothing of the batch was written.
    let sh = sheet(&app, &s, &m01, math).await;
    assert_eq!(cell(&sh["cells"], s01, Q1)["value"], "5");
    for st in [s02, s03] {
        let c = cell(&sh["cells"], st, Q1);
        assert_eq!((&c["value"], &c["version"]), (&Value::Null, &json!(0)));
    }
    assert_eq!(s.audit(&app, "final_mark_set").await.len(), 1);
    // A cell written meanwhile by someone else at version 0 is stale for the next writer too.
    let res = write_one_at(&app, &open, &s, &s.admin, math, fm(s02, Q1, Some("4"), 0)).await;
    expect(res, StatusCode::OK).await;
    let res = write_one_at(&app, &open, &s, &m01, math, fm(s02, Q1, Some("3"), 0)).await;
    let p = assert_problem(res, StatusCode::PRECONDITION_FAILED, "version_mismatch").await;
    let c = &p["current"]["cells"][0];
    assert_eq!(
        (&c["student_id"], &c["value"], &c["version"]),
        (&json!(s02), &json!("4"), &json!(1))
    );
    // With the version read again the write goes through.
    let res = write_one_at(&app, &open, &s, &m01, math, fm(s02, Q1, Some("3"), 1)).await;
    let cells = expect(res, StatusCode::OK).await["cells"].clone();
    assert_eq!(
        (
            &cell(&cells, s02, Q1)["value"],
            &cell(&cells, s02, Q1)["version"]
        ),
        (&json!("3"), &json!(2))
    );
}

async fn only_students_of_the_course_are_written_and_unchanged_cells_keep_their_version(
    app: TestApp,
) {
    let s = school(&app).await;
    let math = s.course("5А", MATH, None);
    let m01 = s.account(&app, "M01", Role::Teacher).await;
    let [s01, s05] = [s.person(&app, "S01").await, s.person(&app, "S05").await];
    let director = principal(&app, &s).await;
    let open = server_at(&app, IN_WINDOW).await;
    // Clearing a cell of someone who is not in the course (another class's student, a random
    // id) is refused like setting one, and nothing is written.
    for who in [s05, Uuid::now_v7()] {
        let res = write_at(
            &app,
            &open,
            &s,
            &m01,
            math,
            json!({"marks": [fm(s01, Q1, Some("4"), 0), fm(who, Q1, None, 0)]}),
        )
        .await;
        let p = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
        assert_eq!(p["errors"][0]["field"], "marks[1].student_id", "{p}");
        assert_eq!(p["errors"][0]["code"], "not_enrolled", "{p}");
    }
    assert_eq!(s.audit(&app, "final_mark_set").await.len(), 0);
    // Clearing a cell never written writes nothing: it stays at version 0.
    let res = write_one_at(&app, &open, &s, &m01, math, fm(s01, Q1, None, 0)).await;
    expect(res, StatusCode::OK).await;
    assert_eq!(
        cell(&sheet(&app, &s, &m01, math).await["cells"], s01, Q1)["version"],
        0
    );
    assert_eq!(s.audit(&app, "final_mark_changed").await.len(), 0);
    // Writing the value a cell has keeps its version and leaves no audit record.
    write_ok(
        &app,
        &s,
        &s.admin,
        math,
        json!({"marks": [fm(s01, Q1, Some("4"), 0)], "reason": REASON}),
    )
    .await;
    let cells = write_ok(
        &app,
        &s,
        &s.admin,
        math,
        json!({"marks": [fm(s01, Q1, Some("4"), 1)], "reason": REASON}),
    )
    .await;
    assert_eq!(cell(&cells, s01, Q1)["version"], 1);
    assert_eq!(s.audit(&app, "final_mark_changed").await.len(), 0);
    // A reason is 3 characters besides spaces.
    let res = write(
        &app,
        &s,
        &director,
        math,
        json!({"marks": [fm(s01, Q1, Some("5"), 1)], "reason": "a    "}),
    )
    .await;
    let p = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(p["errors"][0]["field"], "reason", "{p}");
    // A reopening of quarter 2 (teachers write it until 29 December) until 30 November would
    // change nothing.
    let res = s
        .send(
            &app,
            Method::POST,
            &s.admin,
            &format!("/courses/{math}/reopenings"),
            json!({"term": "quarter_2", "until": "2026-11-30", "reason": REASON}),
        )
        .await;
    let p = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(
        (&p["errors"][0]["field"], &p["errors"][0]["code"]),
        (&json!("until"), &json!("within_window")),
        "{p}"
    );
    let res = s
        .send(
            &app,
            Method::POST,
            &s.admin,
            &format!("/courses/{math}/reopenings"),
            json!({"term": Q1, "until": "2026-11-30", "reason": "  a  "}),
        )
        .await;
    let p = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(p["errors"][0]["field"], "reason", "{p}");
}

// ---------- 6. the comment rule ----------

async fn a_mark_more_than_one_point_from_the_suggestion_needs_a_comment(app: TestApp) {
    let s = school(&app).await;
    let math = s.course("5А", MATH, None);
    let m01 = s.account(&app, "M01", Role::Teacher).await;
    // Suggested: S01 4 (3.5), S02 4 (3.55), S03 5 (4.6), S04 3 (2.5).
    let [s01, s02, s03, s04] = quarter_one_marks(&app, &s).await;
    let open = server_at(&app, IN_WINDOW).await;

    // S03 4 (one point below 5) needs none; S01 2 (two below 4) and S04 5 (two above 3) do;
    // н/а for S02 is not a number and needs none. Nothing is written.
    let body = json!({"marks": [
        fm(s03, Q1, Some("4"), 0),
        fm(s01, Q1, Some("2"), 0),
        fm(s02, Q1, Some("н/а"), 0),
        fmc(s04, Q1, "5", 0, "   "),
    ]});
    let res = write_at(&app, &open, &s, &m01, math, body).await;
    let p = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(
        field_errors(&p),
        errs(&[
            ("marks[1].comment", "comment_required"),
            ("marks[3].comment", "comment_required"),
        ])
    );
    let sh = sheet(&app, &s, &m01, math).await;
    for st in [s01, s02, s03, s04] {
        assert_eq!(cell(&sh["cells"], st, Q1)["version"], 0);
    }
    // With comments: 200, the comments stored.
    let body = json!({"marks": [
        fm(s03, Q1, Some("4"), 0),
        fmc(s01, Q1, "2", 0, "не сдал две контрольные"),
        fm(s02, Q1, Some("н/а"), 0),
        fmc(s04, Q1, "5", 0, "олимпиада"),
    ]});
    let res = write_at(&app, &open, &s, &m01, math, body).await;
    let cells = expect(res, StatusCode::OK).await["cells"].clone();
    assert_eq!(
        vsa(cell(&cells, s01, Q1)),
        (json!("2"), json!(1), json!("4"), json!(3.5))
    );
    assert_eq!(cell(&cells, s01, Q1)["comment"], "не сдал две контрольные");
    assert_eq!(cell(&cells, s04, Q1)["comment"], "олимпиада");
    assert_eq!(cell(&cells, s03, Q1)["comment"], Value::Null);
    // An omitted comment is kept: S01's 2 → 1 still has its comment; removing it (`""`) while
    // the mark stays far from the suggestion is refused; moving the mark to the suggestion and
    // removing the comment is fine.
    let res = write_one_at(&app, &open, &s, &m01, math, fm(s01, Q1, Some("1"), 1)).await;
    let cells = expect(res, StatusCode::OK).await["cells"].clone();
    assert_eq!(
        (
            &cell(&cells, s01, Q1)["value"],
            &cell(&cells, s01, Q1)["comment"]
        ),
        (&json!("1"), &json!("не сдал две контрольные"))
    );
    let res = write_at(
        &app,
        &open,
        &s,
        &m01,
        math,
        json!({"marks": [fmc(s01, Q1, "1", 2, "")]}),
    )
    .await;
    let p = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(
        field_errors(&p),
        errs(&[("marks[0].comment", "comment_required")])
    );
    let res = write_at(
        &app,
        &open,
        &s,
        &m01,
        math,
        json!({"marks": [fmc(s01, Q1, "3", 2, "")]}),
    )
    .await;
    let cells = expect(res, StatusCode::OK).await["cells"].clone();
    assert_eq!(
        (
            &cell(&cells, s01, Q1)["value"],
            &cell(&cells, s01, Q1)["comment"],
            &cell(&cells, s01, Q1)["version"]
        ),
        (&json!("3"), &Value::Null, &json!(3))
    );
    // A comment is at most 500 characters.
    let long = "а".repeat(501);
    let res = write_at(
        &app,
        &open,
        &s,
        &m01,
        math,
        json!({"marks": [fmc(s02, Q1, "3", 1, &long)]}),
    )
    .await;
    let p = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(field_errors(&p)[0].0, "marks[0].comment");
}

// ---------- 7. values and terms ----------

async fn values_come_from_the_subjects_scale_and_terms_from_the_courses_grade(app: TestApp) {
    let s = school(&app).await;
    let math = s.course("5А", MATH, None);
    let pe = s.course("5А", PE, None);
    let m01 = s.account(&app, "M01", Role::Teacher).await;
    let [s01, s02, s03, s04, s05] = [
        s.person(&app, "S01").await,
        s.person(&app, "S02").await,
        s.person(&app, "S03").await,
        s.person(&app, "S04").await,
        s.person(&app, "S05").await,
    ];
    let open = server_at(&app, IN_WINDOW).await;

    // Grade 5: four quarters and the year.
    let sh = sheet(&app, &s, &m01, math).await;
    let terms: Vec<&str> = sh["terms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["term"].as_str().unwrap())
        .collect();
    assert_eq!(
        terms,
        ["quarter_1", "quarter_2", "quarter_3", "quarter_4", "year"]
    );
    assert_eq!(sh["scale"]["code"], "five_point");
    assert_eq!(sh["students"].as_array().unwrap().len(), 4);
    assert_eq!(sh["cells"].as_array().unwrap().len(), 4 * 5);
    let year = term(&sh, "year");
    assert_eq!(
        (&year["period_id"], &year["starts_on"], &year["ends_on"]),
        (&Value::Null, &json!("2026-09-01"), &json!("2027-05-26"))
    );

    // Off the scale, a term the course lacks, a student not in it, a cell twice: one 422 with
    // every error, nothing written.
    let body = json!({"marks": [
        fm(s01, Q1, Some("6"), 0),
        fm(s01, "exam", Some("5"), 0),
        fm(s05, Q1, Some("4"), 0),
        fm(s02, Q1, Some("4"), 0),
        fm(s02, Q1, Some("5"), 0),
        fm(s03, "trimester_1", Some("5"), 0),
    ]});
    let res = write_at(&app, &open, &s, &m01, math, body).await;
    let p = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(
        field_errors(&p),
        errs(&[
            ("marks[0].value", "not_on_scale"),
            ("marks[1].term", "unknown_term"),
            ("marks[2].student_id", "not_enrolled"),
            ("marks[4].student_id", "duplicate"),
            ("marks[5].term", "unknown_term"),
        ])
    );
    // A term that is no term at all is refused as a bad body.
    let res = write_one_at(
        &app,
        &open,
        &s,
        &m01,
        math,
        fm(s01, "quarter_5", Some("5"), 0),
    )
    .await;
    let (status, _) = problem(res).await;
    assert!(status.is_client_error(), "{status}");
    let sh = sheet(&app, &s, &m01, math).await;
    assert!(
        sh["cells"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["version"] == 0),
        "{}",
        sh["cells"]
    );
    // н/а and осв. are values of the five-point scale.
    let body = json!({"marks": [
        fm(s01, Q1, Some("н/а"), 0),
        fm(s02, Q1, Some("осв"), 0),
        fm(s03, Q1, Some("5"), 0),
    ]});
    let res = write_at(&app, &open, &s, &m01, math, body).await;
    let cells = expect(res, StatusCode::OK).await["cells"].clone();
    assert_eq!(cell(&cells, s01, Q1)["value"], "н/а");
    assert_eq!(cell(&cells, s02, Q1)["value"], "осв");

    // Physical education on the pass/fail scale takes зч and нз, not 5; nothing is suggested.
    let settings = s.settings(&app).await;
    let pass_fail = id(settings["scales"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["code"] == "pass_fail")
        .unwrap());
    let pe_subject = s.courses.iter().find(|c| id(c) == pe).unwrap()["subject_id"].clone();
    let res = s
        .send(
            &app,
            Method::PUT,
            &s.admin,
            &format!("/subjects/{}", pe_subject.as_str().unwrap()),
            json!({"name": PE, "short_name": "Физ", "mark_scale_id": pass_fail}),
        )
        .await;
    expect(res, StatusCode::OK).await;
    let m06 = s.account(&app, "M06", Role::Teacher).await;
    let sh = sheet(&app, &s, &m06, pe).await;
    assert_eq!(sh["scale"]["code"], "pass_fail");
    let res = write_at(
        &app,
        &open,
        &s,
        &m06,
        pe,
        json!({"marks": [fm(s01, Q1, Some("5"), 0), fm(s02, Q1, Some("зч"), 0)]}),
    )
    .await;
    let p = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(
        field_errors(&p),
        errs(&[("marks[0].value", "not_on_scale")])
    );
    let body = json!({"marks": [
        fm(s01, Q1, Some("зч"), 0),
        fm(s02, Q1, Some("нз"), 0),
        fm(s03, Q1, Some("н/а"), 0),
        fm(s04, Q1, Some("осв"), 0),
    ]});
    let res = write_at(&app, &open, &s, &m06, pe, body).await;
    let cells = expect(res, StatusCode::OK).await["cells"].clone();
    for (st, v) in [(s01, "зч"), (s02, "нз"), (s03, "н/а"), (s04, "осв")] {
        let c = cell(&cells, st, Q1);
        assert_eq!((&c["value"], &c["suggested"]), (&json!(v), &Value::Null));
    }

    // A grade-9 class gets exam and final marks.
    let maths_subject = s.courses.iter().find(|c| id(c) == math).unwrap()["subject_id"].clone();
    let res = app
        .post(
            &s.path("/classes"),
            Some(&s.admin),
            json!({"grade": 9, "letter": "А"}),
        )
        .await;
    let nine = id(&expect(res, StatusCode::CREATED).await);
    let m05_person = s.person(&app, "M05").await;
    let res = app
        .post(
            &s.path("/courses"),
            Some(&s.admin),
            json!({"class_id": nine, "subject_id": maths_subject, "teacher_ids": [m05_person], "hours_per_week": 4}),
        )
        .await;
    let math9 = id(&expect(res, StatusCode::CREATED).await);
    let res = app
        .post(
            &s.path("/persons"),
            Some(&s.admin),
            json!({"last_name": "Жуков", "first_name": "Иван", "kind": "student"}),
        )
        .await;
    let ivan = id(&expect(res, StatusCode::CREATED).await);
    let res = app
        .post(
            &s.path(&format!("/students/{ivan}/arrive")),
            Some(&s.admin),
            json!({"class_id": nine, "date": "2026-09-01"}),
        )
        .await;
    expect(res, StatusCode::CREATED).await;
    let m05 = s.account(&app, "M05", Role::Teacher).await;
    let sh = sheet(&app, &s, &m05, math9).await;
    let terms: Vec<&str> = sh["terms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["term"].as_str().unwrap())
        .collect();
    assert_eq!(
        terms,
        [
            "quarter_1",
            "quarter_2",
            "quarter_3",
            "quarter_4",
            "year",
            "exam",
            "final"
        ]
    );
    let exam = term(&sh, "exam");
    assert_eq!(
        (&exam["state"], &exam["writable"], &exam["opens_on"]),
        (&json!("not_open"), &json!(false), &json!("2027-05-19"))
    );
    let res = write_one(&app, &s, &m05, math9, fm(ivan, "exam", Some("5"), 0)).await;
    assert_problem(res, StatusCode::FORBIDDEN, "final_mark_not_open").await;
    // The admin sets year 4 and exam 5: the final suggestion is their mean 4.5 → 5; a final 3
    // would need a comment, 5 does not.
    let body = json!({"marks": [
        fm(ivan, "year", Some("4"), 0),
        fm(ivan, "exam", Some("5"), 0),
        fm(ivan, "final", Some("3"), 0),
    ], "reason": REASON});
    let res = write(&app, &s, &s.admin, math9, body).await;
    let p = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(
        field_errors(&p),
        errs(&[("marks[2].comment", "comment_required")])
    );
    let body = json!({"marks": [
        fm(ivan, "year", Some("4"), 0),
        fm(ivan, "exam", Some("5"), 0),
        fm(ivan, "final", Some("5"), 0),
    ], "reason": REASON});
    let cells = write_ok(&app, &s, &s.admin, math9, body).await;
    assert_eq!(
        vsa(cell(&cells, ivan, "final")),
        (json!("5"), json!(1), json!("5"), json!(4.5))
    );
    assert_eq!(
        vsa(cell(&cells, ivan, "exam")),
        (json!("5"), json!(1), Value::Null, Value::Null)
    );
    let card = app
        .get_ok(&s.path(&format!("/students/{ivan}/report-card")), &s.admin)
        .await;
    assert_eq!(
        card["terms"],
        json!([
            "quarter_1",
            "quarter_2",
            "quarter_3",
            "quarter_4",
            "year",
            "exam",
            "final"
        ])
    );
    assert_eq!(
        card["subjects"],
        json!([{"subject_id": maths_subject, "subject_name": MATH, "marks": [null, null, null, null, "4", "5", "5"]}])
    );
}

// ---------- 8. the closed period and reopening ----------

async fn a_closed_period_is_read_only_for_teachers_until_the_admin_reopens_it_for_the_course(
    app: TestApp,
) {
    let s = school(&app).await;
    let math = s.course("5А", MATH, None);
    let math_b = s.course("5Б", MATH, None);
    let m01 = s.account(&app, "M01", Role::Teacher).await;
    let director = principal(&app, &s).await;
    let [s01, s02] = [s.person(&app, "S01").await, s.person(&app, "S02").await];
    let s05 = s.person(&app, "S05").await;
    let q1 = period(&app, &s, 1).await;
    let oct21 = s.lesson_on(&app, math, "2026-10-21").await;
    let oct21_b = s.lesson_on(&app, math_b, "2026-10-21").await;
    let nov23 = s.lesson_on(&app, math, "2026-11-23").await;

    let journal_q1 = |token: String, course: Uuid| {
        let app = &app;
        let s = &s;
        async move {
            app.get_ok(
                &s.path(&format!("/courses/{course}/journal?period_id={q1}")),
                &token,
            )
            .await
        }
    };
    let writable = |j: &Value, lesson: Uuid| {
        j["lessons"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["lesson"]["id"] == lesson.to_string())
            .unwrap()["writable"]
            .clone()
    };
    let all_writable = |j: &Value| -> Vec<bool> {
        j["lessons"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["writable"].as_bool().unwrap())
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect()
    };

    // 26 November: quarter 1 closed on 27 October. The teacher's writes to its lessons are
    // refused — marks, attendance, works — and every lesson of it is read-only for them.
    let res = s
        .batch(
            &app,
            &m01,
            math,
            json!({"marks": [mark(oct21, None, s01, "5", 0)]}),
        )
        .await;
    let p = assert_problem(res, StatusCode::FORBIDDEN, "period_closed").await;
    assert!(p["detail"].as_str().unwrap().contains("quarter_1"), "{p}");
    let res = s
        .send(
            &app,
            Method::PUT,
            &m01,
            &format!("/lessons/{oct21}/attendance/{s01}"),
            json!({"code": "н", "version": 0}),
        )
        .await;
    assert_problem(res, StatusCode::FORBIDDEN, "period_closed").await;
    let oral = s.work_type(&app, "oral").await;
    let res = s
        .send(
            &app,
            Method::POST,
            &m01,
            &format!("/lessons/{oct21}/works"),
            json!({"work_type_id": oral}),
        )
        .await;
    assert_problem(res, StatusCode::FORBIDDEN, "period_closed").await;
    // Its topics and homework too.
    let res = s
        .send(
            &app,
            Method::PUT,
            &m01,
            &format!("/lessons/{oct21}/content"),
            json!({"topic": "Дроби", "homework": null, "homework_due_on": null, "version": 1}),
        )
        .await;
    assert_problem(res, StatusCode::FORBIDDEN, "period_closed").await;
    assert_eq!(all_writable(&journal_q1(m01.clone(), math).await), [false]);
    assert_eq!(
        all_writable(&journal_q1(s.admin.clone(), math).await),
        [true]
    );
    // Quarter 2 stays open; the admin still writes quarter 1.
    let res = s
        .batch(
            &app,
            &m01,
            math,
            json!({"marks": [mark(nov23, None, s01, "5", 0)]}),
        )
        .await;
    expect(res, StatusCode::OK).await;
    let res = s
        .batch(
            &app,
            &s.admin,
            math,
            json!({"marks": [mark(oct21, None, s02, "4", 0)]}),
        )
        .await;
    expect(res, StatusCode::OK).await;

    // Only the admin reopens.
    let reopen =
        |until: &str| json!({"term": Q1, "until": until, "reason": "учитель был на больничном"});
    for token in [&m01, &director] {
        let res = s
            .send(
                &app,
                Method::POST,
                token,
                &format!("/courses/{math}/reopenings"),
                reopen("2026-11-30"),
            )
            .await;
        assert_problem(res, StatusCode::FORBIDDEN, "forbidden").await;
    }
    // `until` from today to 60 days on; a term of the course; a reason.
    for (body, field) in [
        (reopen("2026-11-25"), "until"),
        (reopen("2027-01-26"), "until"),
        (
            json!({"term": "exam", "until": "2026-11-30", "reason": "нужно"}),
            "term",
        ),
        (
            json!({"term": Q1, "until": "2026-11-30", "reason": "да"}),
            "reason",
        ),
    ] {
        let res = s
            .send(
                &app,
                Method::POST,
                &s.admin,
                &format!("/courses/{math}/reopenings"),
                body,
            )
            .await;
        let p = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
        assert_eq!(field_errors(&p)[0].0, field, "{p}");
    }
    let res = s
        .send(
            &app,
            Method::POST,
            &s.admin,
            &format!("/courses/{math}/reopenings"),
            reopen("2026-11-30"),
        )
        .await;
    let r = expect(res, StatusCode::CREATED).await;
    let reopening = id(&r);
    assert_eq!(
        (
            &r["course_id"],
            &r["term"],
            &r["until"],
            &r["reopened_by_name"]
        ),
        (
            &json!(math),
            &json!(Q1),
            &json!("2026-11-30"),
            &json!("Петрова Мадина Магомедовна")
        )
    );
    let audit = s.audit(&app, "term_reopened").await;
    assert_eq!(audit.len(), 1);
    assert_eq!(
        (&audit[0]["object_type"], &audit[0]["object_id"]),
        (&json!("course"), &json!(math))
    );
    assert_eq!(
        audit[0]["new_value"],
        json!({"term": Q1, "until": "2026-11-30", "reason": "учитель был на больничном"})
    );
    let list = app
        .get_ok(&s.path(&format!("/courses/{math}/reopenings")), &m01)
        .await;
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["id"], reopening.to_string());

    // The teacher writes quarter 1 of this course again — the journal and the final marks —
    // but not of 5Б.
    let res = s
        .batch(
            &app,
            &m01,
            math,
            json!({"marks": [mark(oct21, None, s01, "5", 0)]}),
        )
        .await;
    expect(res, StatusCode::OK).await;
    let j = journal_q1(m01.clone(), math).await;
    assert_eq!(all_writable(&j), [true]);
    assert_eq!(writable(&j, oct21), true);
    let res = s
        .batch(
            &app,
            &m01,
            math_b,
            json!({"marks": [mark(oct21_b, None, s05, "5", 0)]}),
        )
        .await;
    assert_problem(res, StatusCode::FORBIDDEN, "period_closed").await;
    assert_eq!(
        all_writable(&journal_q1(m01.clone(), math_b).await),
        [false]
    );
    let sh = sheet(&app, &s, &m01, math).await;
    let t = term(&sh, Q1);
    assert_eq!(
        (
            &t["state"],
            &t["reopened_until"],
            &t["writable"],
            &t["reason_required"]
        ),
        (
            &json!("reopened"),
            &json!("2026-11-30"),
            &json!(true),
            &json!(false)
        )
    );
    write_ok(
        &app,
        &s,
        &m01,
        math,
        json!({"marks": [fm(s01, Q1, Some("5"), 0)]}),
    )
    .await;
    let res = write_one(&app, &s, &m01, math_b, fm(s05, Q1, Some("5"), 0)).await;
    assert_problem(res, StatusCode::FORBIDDEN, "final_mark_deadline_passed").await;

    // Until the end of 30 November in Moscow.
    let last = server_at(&app, "2026-11-30T20:59:00Z").await;
    let after = server_at(&app, "2026-11-30T21:00:00Z").await;
    let path = format!("/courses/{math}/journal");
    let body = json!({"marks": [mark(oct21, None, s02, "5", 1)]});
    let res = call(
        &app,
        &after,
        &s,
        Method::POST,
        &m01,
        &path,
        Some(body.clone()),
    )
    .await;
    assert_problem(res, StatusCode::FORBIDDEN, "period_closed").await;
    let res = write_one_at(&app, &after, &s, &m01, math, fm(s02, Q1, Some("4"), 0)).await;
    assert_problem(res, StatusCode::FORBIDDEN, "final_mark_deadline_passed").await;
    let res = call(&app, &last, &s, Method::POST, &m01, &path, Some(body)).await;
    expect(res, StatusCode::OK).await;
    let res = write_one_at(&app, &last, &s, &m01, math, fm(s02, Q1, Some("4"), 0)).await;
    expect(res, StatusCode::OK).await;

    // A later reopening of the term replaces the earlier.
    let res = s
        .send(
            &app,
            Method::POST,
            &s.admin,
            &format!("/courses/{math}/reopenings"),
            reopen("2026-12-05"),
        )
        .await;
    let r2 = expect(res, StatusCode::CREATED).await;
    let list = app
        .get_ok(&s.path(&format!("/courses/{math}/reopenings")), &s.admin)
        .await;
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["id"], r2["id"]);
    assert_eq!(list[0]["until"], "2026-12-05");
    let audit = s.audit(&app, "term_reopened").await;
    assert_eq!(audit.len(), 2);
    assert_eq!(audit[0]["old_value"]["until"], "2026-11-30");
    let res = s
        .send(
            &app,
            Method::DELETE,
            &s.admin,
            &format!("/reopenings/{reopening}"),
            Value::Null,
        )
        .await;
    assert_problem(res, StatusCode::NOT_FOUND, "not_found").await;

    // Ending it closes the period again; only the admin may.
    let r2 = id(&r2);
    let res = s
        .send(
            &app,
            Method::DELETE,
            &m01,
            &format!("/reopenings/{r2}"),
            Value::Null,
        )
        .await;
    assert_problem(res, StatusCode::FORBIDDEN, "forbidden").await;
    let res = s
        .send(
            &app,
            Method::DELETE,
            &s.admin,
            &format!("/reopenings/{r2}"),
            Value::Null,
        )
        .await;
    expect(res, StatusCode::NO_CONTENT).await;
    let removed = s.audit(&app, "term_reopening_removed").await;
    assert_eq!(removed.len(), 1);
    assert_eq!(removed[0]["old_value"]["until"], "2026-12-05");
    assert_eq!(
        app.get_ok(&s.path(&format!("/courses/{math}/reopenings")), &s.admin)
            .await,
        json!([])
    );
    let res = s
        .batch(
            &app,
            &m01,
            math,
            json!({"marks": [mark(oct21, None, s01, "4", 1)]}),
        )
        .await;
    assert_problem(res, StatusCode::FORBIDDEN, "period_closed").await;
    // Its topics and homework too.
    let res = s
        .send(
            &app,
            Method::PUT,
            &m01,
            &format!("/lessons/{oct21}/content"),
            json!({"topic": "Дроби", "homework": null, "homework_due_on": null, "version": 1}),
        )
        .await;
    assert_problem(res, StatusCode::FORBIDDEN, "period_closed").await;
    assert_eq!(all_writable(&journal_q1(m01.clone(), math).await), [false]);
    let t = term(&sheet(&app, &s, &m01, math).await, Q1).clone();
    assert_eq!(
        (&t["state"], &t["writable"], &t["reopened_until"]),
        (&json!("closed"), &json!(false), &Value::Null)
    );
}

// ---------- 9. the closing view ----------

async fn the_closing_view_counts_missing_marks_per_course_and_lists_failing_ones(app: TestApp) {
    let s = school(&app).await;
    let math = s.course("5А", MATH, None);
    let director = principal(&app, &s).await;
    let [s01, s02, s03] = [
        s.person(&app, "S01").await,
        s.person(&app, "S02").await,
        s.person(&app, "S03").await,
    ];
    let closing = |query: &str| {
        let (app, s, director) = (&app, &s, &director);
        let path = s.path(&format!("/final-marks/closing{query}"));
        async move { app.get_ok(&path, director).await }
    };
    let rows = |c: &Value| -> Vec<(String, String, Value, u64, u64, u64)> {
        c["courses"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| {
                (
                    x["class_name"].as_str().unwrap().to_string(),
                    x["subject_name"].as_str().unwrap().to_string(),
                    x["group_number"].clone(),
                    x["students"].as_u64().unwrap(),
                    x["set"].as_u64().unwrap(),
                    x["missing"].as_u64().unwrap(),
                )
            })
            .collect()
    };
    let row = |class: &str, subject: &str, group: Value, n: u64, set: u64| {
        (
            class.to_string(),
            subject.to_string(),
            group,
            n,
            set,
            n - set,
        )
    };

    // Without a term: the quarter that ended last (quarter 1), nothing set. By teacher: Белов
    // (Russian), Зуева (English 1), Киселёв (English 2), Миронов (PE), Орлова (maths of 5А, 5Б).
    let c = closing("").await;
    assert_eq!(
        (&c["term"], &c["ends_on"], &c["closes_on"]),
        (&json!(Q1), &json!("2026-10-24"), &json!("2026-10-27"))
    );
    assert_eq!(
        rows(&c),
        vec![
            row("5А", RUSSIAN, Value::Null, 4, 0),
            row("5А", ENGLISH, json!(1), 2, 0),
            row("5А", ENGLISH, json!(2), 1, 0),
            row("5А", PE, Value::Null, 4, 0),
            row("5А", MATH, Value::Null, 4, 0),
            row("5Б", MATH, Value::Null, 1, 0),
        ]
    );
    assert_eq!(
        (&c["complete_courses"], &c["missing_marks"], &c["failing"]),
        (&json!(0), &json!(16), &json!([]))
    );
    let names: Vec<Value> = c["courses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["teacher_names"].clone())
        .collect();
    let mut sorted = names.clone();
    sorted.sort_by_key(|n| n.to_string());
    assert_eq!(names, sorted);

    // Maths of 5А: S01 2, S02 н/а, S03 4.
    write_ok(
        &app,
        &s,
        &s.admin,
        math,
        json!({"marks": [
            fm(s01, Q1, Some("2"), 0),
            fm(s02, Q1, Some("н/а"), 0),
            fm(s03, Q1, Some("4"), 0),
        ], "reason": REASON}),
    )
    .await;
    let c = closing("?term=quarter_1").await;
    assert_eq!(rows(&c)[4], row("5А", MATH, Value::Null, 4, 3));
    assert_eq!(
        (&c["complete_courses"], &c["missing_marks"]),
        (&json!(0), &json!(13))
    );
    let failing: Vec<(Value, Value, Value, Value, Value)> = c["failing"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["student_name"].clone(),
                f["class_name"].clone(),
                f["subject_name"].clone(),
                f["value"].clone(),
                f["label"].clone(),
            )
        })
        .collect();
    assert_eq!(
        failing,
        vec![
            (
                json!("Акимов Артём Ильич"),
                json!("5А"),
                json!(MATH),
                json!("2"),
                json!("2")
            ),
            (
                json!("Борисова Вера Олеговна"),
                json!("5А"),
                json!(MATH),
                json!("н/а"),
                json!("н/а")
            ),
        ]
    );
    assert_eq!(c["failing"][0]["student_id"], s01.to_string());
    // One class only.
    let c5b = closing(&format!("?class_id={}", s.class("5Б"))).await;
    assert_eq!(rows(&c5b), vec![row("5Б", MATH, Value::Null, 1, 0)]);
    assert_eq!(c5b["failing"], json!([]));

    // Every due mark of 5А set: its view has nothing missing; the failing marks stay listed.
    for course in s.courses.iter().filter(|c| c["class_name"] == "5А").map(id) {
        let sh = sheet(&app, &s, &s.admin, course).await;
        let marks: Vec<Value> = sh["cells"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["term"] == Q1 && c["due"] == true && c["value"].is_null())
            .map(|c| {
                fm(
                    c["student_id"].as_str().unwrap().parse().unwrap(),
                    Q1,
                    Some("5"),
                    0,
                )
            })
            .collect();
        write_ok(
            &app,
            &s,
            &s.admin,
            course,
            json!({"marks": marks, "reason": REASON}),
        )
        .await;
    }
    let c5a = closing(&format!("?class_id={}&term=quarter_1", s.class("5А"))).await;
    assert_eq!(
        rows(&c5a),
        vec![
            row("5А", RUSSIAN, Value::Null, 4, 4),
            row("5А", ENGLISH, json!(1), 2, 2),
            row("5А", ENGLISH, json!(2), 1, 1),
            row("5А", PE, Value::Null, 4, 4),
            row("5А", MATH, Value::Null, 4, 4),
        ]
    );
    assert_eq!(
        (&c5a["complete_courses"], &c5a["missing_marks"]),
        (&json!(5), &json!(0))
    );
    assert_eq!(c5a["failing"].as_array().unwrap().len(), 2);
    // The whole school still misses 5Б.
    let all = closing("").await;
    assert_eq!(
        (&all["complete_courses"], &all["missing_marks"]),
        (&json!(5), &json!(1))
    );
    // The year's view: nothing set yet.
    let year = closing("?term=year").await;
    assert_eq!(year["ends_on"], "2027-05-26");
    assert_eq!(year["missing_marks"], 16);
    // A term the school does not have, or no term at all: 400.
    for q in ["?term=trimester_1", "?term=quarter_9", "?term=четверть"] {
        let res = app
            .get(
                &s.path(&format!("/final-marks/closing{q}")),
                Some(&director),
            )
            .await;
        assert_problem(res, StatusCode::BAD_REQUEST, "invalid_query_parameter").await;
    }
    // Teachers (the class teacher too) and students do not see it.
    let m01 = s.account(&app, "M01", Role::Teacher).await;
    let student = s.account(&app, "S01", Role::Student).await;
    for token in [&m01, &student] {
        let res = app.get(&s.path("/final-marks/closing"), Some(token)).await;
        assert_problem(res, StatusCode::FORBIDDEN, "forbidden").await;
    }
}

// ---------- 10. the report card ----------

async fn the_report_card_is_for_the_student_their_parents_and_the_class_teacher_also_as_csv(
    app: TestApp,
) {
    let s = school(&app).await;
    let math = s.course("5А", MATH, None);
    let russian = s.course("5А", RUSSIAN, None);
    let english = s.course("5А", ENGLISH, Some(1));
    let [s01, s02] = [s.person(&app, "S01").await, s.person(&app, "S02").await];
    write_ok(
        &app,
        &s,
        &s.admin,
        math,
        json!({"marks": [fm(s01, Q1, Some("4"), 0), fm(s01, "year", Some("4"), 0), fm(s02, Q1, Some("3"), 0)], "reason": REASON}),
    )
    .await;
    write_ok(
        &app,
        &s,
        &s.admin,
        russian,
        json!({"marks": [fm(s01, Q1, Some("5"), 0), fm(s01, "quarter_2", Some("4"), 0)], "reason": REASON}),
    )
    .await;
    write_ok(
        &app,
        &s,
        &s.admin,
        english,
        json!({"marks": [fm(s01, Q1, Some("осв"), 0)], "reason": REASON}),
    )
    .await;
    let student = s.account(&app, "S01", Role::Student).await;
    let parent = s.account(&app, "P01", Role::Parent).await;
    let other_parent = s.account(&app, "P02", Role::Parent).await;
    let other_student = s.account(&app, "S02", Role::Student).await;
    let class_teacher = s.account(&app, "M01", Role::Teacher).await;
    let other_teacher = s.account(&app, "M02", Role::Teacher).await;
    let director = principal(&app, &s).await;

    let path = s.path(&format!("/students/{s01}/report-card"));
    let card = app.get_ok(&path, &student).await;
    assert_eq!(
        (
            &card["student_id"],
            &card["student_name"],
            &card["class_name"],
            &card["academic_year_name"],
            &card["school_name"]
        ),
        (
            &json!(s01),
            &json!("Акимов Артём Ильич"),
            &json!("5А"),
            &json!("2026/2027"),
            &json!("Школа № 7")
        )
    );
    assert_eq!(card["class_id"], s.class("5А").to_string());
    assert_eq!(
        card["terms"],
        json!(["quarter_1", "quarter_2", "quarter_3", "quarter_4", "year"])
    );
    let marks: Vec<(Value, Value)> = card["subjects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| (x["subject_name"].clone(), x["marks"].clone()))
        .collect();
    assert_eq!(
        marks,
        vec![
            (json!(ENGLISH), json!(["осв.", null, null, null, null])),
            (json!(MATH), json!(["4", null, null, null, "4"])),
            (json!(RUSSIAN), json!(["5", "4", null, null, null])),
            (json!(PE), json!([null, null, null, null, null])),
        ]
    );
    // The parent, the class teacher, the principal and the admin read the same card.
    for token in [&parent, &class_teacher, &director, &s.admin] {
        assert_eq!(app.get_ok(&path, token).await, card);
    }
    // Another parent, another student and a teacher who is not the class teacher may not.
    for token in [&other_parent, &other_student, &other_teacher] {
        let res = app.get(&path, Some(token)).await;
        assert_problem(res, StatusCode::FORBIDDEN, "forbidden").await;
    }
    let res = app
        .get(
            &format!("{path}?academic_year_id={}", Uuid::now_v7()),
            Some(&student),
        )
        .await;
    assert_problem(res, StatusCode::NOT_FOUND, "not_found").await;

    // CSV: BOM, `;`, Russian headers, the same values.
    let res = app.get(&format!("{path}.csv"), Some(&parent)).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv"),
        "{:?}",
        res.headers()
    );
    // The file is named after the student: «Табель — Акимов Артём Ильич, 5А, 2026-2027.csv».
    let disposition = res.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_string();
    let encoded = disposition.split("filename*=UTF-8''").nth(1).unwrap();
    let decoded: Vec<u8> = {
        let b = encoded.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < b.len() {
            if b[i] == b'%' {
                out.push(u8::from_str_radix(&encoded[i + 1..i + 3], 16).unwrap());
                i += 3;
            } else {
                out.push(b[i]);
                i += 1;
            }
        }
        out
    };
    assert_eq!(
        String::from_utf8(decoded).unwrap(),
        "Табель — Акимов Артём Ильич, 5А, 2026-2027.csv",
        "{disposition}"
    );
    let bytes = res.bytes().await.unwrap();
    assert_eq!(&bytes[..3], b"\xEF\xBB\xBF");
    let text = std::str::from_utf8(&bytes[3..]).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines,
        [
            "Ученик;Класс;Учебный год;Предмет;1 четверть;2 четверть;3 четверть;4 четверть;Год",
            "Акимов Артём Ильич;5А;2026/2027;Иностранный язык (английский);осв.;;;;",
            "Акимов Артём Ильич;5А;2026/2027;Математика;4;;;;4",
            "Акимов Артём Ильич;5А;2026/2027;Русский язык;5;4;;;",
            "Акимов Артём Ильич;5А;2026/2027;Физическая культура;;;;;",
        ]
    );
    for token in [&other_parent, &other_teacher] {
        let res = app.get(&format!("{path}.csv"), Some(token)).await;
        assert_problem(res, StatusCode::FORBIDDEN, "forbidden").await;
    }

    // The class's report cards: the class teacher, principal and admin; by name.
    let class_path = s.path(&format!("/classes/{}/report-cards", s.class("5А")));
    let cards = app.get_ok(&class_path, &class_teacher).await;
    let names: Vec<&str> = cards
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["student_name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "Акимов Артём Ильич",
            "Борисова Вера Олеговна",
            "Гусев Глеб Петрович",
            "Дмитриева Дарья Сергеевна"
        ]
    );
    assert_eq!(cards[0], card);
    let maths_of_s02 = cards[1]["subjects"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["subject_name"] == MATH)
        .unwrap()["marks"]
        .clone();
    assert_eq!(maths_of_s02, json!(["3", null, null, null, null]));
    assert_eq!(app.get_ok(&class_path, &director).await, cards);
    for token in [&other_teacher, &student, &parent] {
        let res = app.get(&class_path, Some(token)).await;
        assert_problem(res, StatusCode::FORBIDDEN, "forbidden").await;
    }
    let res = app
        .get(&format!("{class_path}.csv"), Some(&class_teacher))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let bytes = res.bytes().await.unwrap();
    assert_eq!(&bytes[..3], b"\xEF\xBB\xBF");
    let text = std::str::from_utf8(&bytes[3..]).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "Ученик;Класс;Учебный год;Предмет;1 четверть;2 четверть;3 четверть;4 четверть;Год"
    );
    // S01, S02 and S04 have four subjects (an English group each), S03 three.
    assert_eq!(lines.len(), 1 + 4 + 4 + 3 + 4, "{text}");
    assert_eq!(lines[1..5], lines_of_card(&card)[..]);
    assert!(
        lines.contains(&"Борисова Вера Олеговна;5А;2026/2027;Математика;3;;;;"),
        "{text}"
    );
    let res = app
        .get(&format!("{class_path}.csv"), Some(&other_teacher))
        .await;
    assert_problem(res, StatusCode::FORBIDDEN, "forbidden").await;
}

/// The CSV lines of one report card, built from its JSON.
fn lines_of_card(card: &Value) -> Vec<String> {
    card["subjects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            let mut cols = vec![
                card["student_name"].as_str().unwrap().to_string(),
                card["class_name"].as_str().unwrap().to_string(),
                card["academic_year_name"].as_str().unwrap().to_string(),
                x["subject_name"].as_str().unwrap().to_string(),
            ];
            cols.extend(
                x["marks"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|m| m.as_str().unwrap_or("").to_string()),
            );
            cols.join(";")
        })
        .collect()
}

// ---------- 11. the marks page ----------

async fn the_marks_page_shows_the_final_mark_and_the_suggestion_of_the_sheet(app: TestApp) {
    let s = school(&app).await;
    let math = s.course("5А", MATH, None);
    let students = quarter_one_marks(&app, &s).await;
    let [s01, ..] = students;
    write_ok(
        &app,
        &s,
        &s.admin,
        math,
        json!({"marks": [fm(s01, Q1, Some("4"), 0)], "reason": REASON}),
    )
    .await;
    let q1 = period(&app, &s, 1).await;
    let student = s.account(&app, "S01", Role::Student).await;

    let check = |threshold: f64| {
        let (app, s) = (&app, &s);
        async move {
            let sh = sheet(app, s, &s.admin, math).await;
            for st in students {
                let page = app
                    .get_ok(
                        &s.path(&format!("/students/{st}/marks?period_id={q1}")),
                        &s.admin,
                    )
                    .await;
                assert_eq!(page["rounding_threshold"], threshold);
                let subject = of(&page["subjects"], "course_id", math);
                let c = cell(&sh["cells"], st, Q1);
                assert_eq!(
                    (
                        &subject["average"],
                        &subject["final_mark"],
                        &subject["suggested_final"]
                    ),
                    (&c["average"], &c["value"], &c["suggested"]),
                    "{st}"
                );
                assert!(
                    page["scales"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .any(|x| x["id"] == subject["scale_id"]),
                    "{page}"
                );
                assert!(!page["work_types"].as_array().unwrap().is_empty());
            }
            sh
        }
    };
    let sh = check(0.5).await;
    let c = cell(&sh["cells"], s01, Q1);
    assert_eq!((&c["value"], &c["suggested"]), (&json!("4"), &json!("4")));
    let page = app
        .get_ok(
            &s.path(&format!("/students/{s01}/marks?period_id={q1}")),
            &student,
        )
        .await;
    let subject = of(&page["subjects"], "course_id", math);
    assert_eq!(
        (&subject["final_mark"], &subject["suggested_final"]),
        (&json!("4"), &json!("4"))
    );
    put_settings(&app, &s, json!({"rounding_threshold": 0.6})).await;
    let sh = check(0.6).await;
    assert_eq!(cell(&sh["cells"], s01, Q1)["suggested"], "3");
    // Quarter 2 (the current one): no final mark and, without marks, no suggestion.
    let page = app
        .get_ok(&s.path(&format!("/students/{s01}/marks")), &student)
        .await;
    assert_eq!(page["period"]["number"], 2);
    let subject = of(&page["subjects"], "course_id", math);
    assert_eq!(
        (&subject["final_mark"], &subject["suggested_final"]),
        (&Value::Null, &Value::Null)
    );
}
