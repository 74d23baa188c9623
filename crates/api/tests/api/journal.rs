//! The class journal (issue 5): the journal grid across a transfer and in subgroups, the one
//! grading function seen through the journal, the diary, the marks page and the class summary,
//! versions and 412s (also under a race), scales and attendance codes, cancelled lessons and the
//! edit window, who reads and writes what, substitutes, the audit trail, the recent-marks feed,
//! the diary week, mark settings, and lessons kept for their journal data.
//!
//! Every case runs on a small school imported from the CSV texts below with the clock fixed at
//! Thursday 26 November 2026, 12:00 in Moscow (quarter 2: 5 November – 26 December).

use std::collections::BTreeSet;

use otmetka_api::startup::Application;
use otmetka_domain::Role;
use reqwest::{Method, Response, StatusCode};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::*;

/// Runs an `async fn(TestApp)` on both databases with the clock fixed at [`NOW`].
macro_rules! journal_tests {
    ($($name:ident),+ $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    super::$name(super::spawn_now($crate::helpers::Db::Sqlite).await).await
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    super::$name(super::spawn_now($crate::helpers::Db::Postgres).await).await
                }
            }
        )+
    };
}

journal_tests!(
    a_write_decides_from_the_course_as_it_is_under_the_lock,
    a_transfer_in_the_middle_of_the_quarter_splits_the_student_between_the_two_journals,
    the_four_grading_cases_give_one_number_in_journal_diary_marks_page_and_summary,
    two_teachers_writing_one_cell_the_second_gets_412_with_the_first_value,
    concurrent_batches_writing_one_cell_at_version_0_give_one_200_and_one_412,
    values_off_the_scale_and_unknown_attendance_codes_are_refused_per_cell,
    cancelled_lessons_and_the_edit_window_stop_teachers_but_not_the_admin,
    students_and_parents_read_only_their_own_and_the_class_teacher_the_class,
    a_substitute_writes_only_the_covered_lesson_on_behalf_of_the_teacher,
    every_mark_change_is_audited_with_old_and_new_value,
    recent_marks_are_ordered_by_when_they_were_set_and_show_changes,
    the_diary_week_has_lessons_in_order_with_marks_attendance_and_homework_due,
    mark_settings_have_defaults_and_refuse_to_drop_what_is_in_use,
    a_lesson_with_marks_is_kept_for_review_when_its_timetable_entry_goes,
    marks_and_attendance_wait_for_the_lessons_day,
    a_mark_left_behind_by_a_back_dated_transfer_can_be_cleared_but_not_changed,
    value_and_code_are_required_and_an_omitted_comment_is_kept,
    a_label_never_shadows_another_code_or_scale_value,
    lengths_are_checked_after_lower_casing,
    a_work_with_a_comment_only_cell_is_in_use,
    recent_marks_take_up_to_500,
    a_negative_version_is_refused_with_422_and_writes_nothing,
);

/// Thursday 26 November 2026, 09:00 UTC: 12:00 in Moscow, the school's time zone.
pub(crate) const NOW: &str = "2026-11-26T09:00:00Z";
/// The day before, same hour.
const YESTERDAY: &str = "2026-11-25T09:00:00Z";

pub(crate) async fn spawn_now(db: Db) -> TestApp {
    spawn_with(db, |s| s.fixed_clock = Some(NOW.parse().unwrap())).await
}

/// A second server on the same database (same data dir, so the same JWT secret) whose clock is
/// `clock`: its base URL.
pub(crate) async fn server_at(app: &TestApp, clock: &str) -> String {
    instance_at(app, clock).await.0
}

/// [`server_at`] with the other instance's state (its in-memory diary views).
pub(crate) async fn instance_at(
    app: &TestApp,
    clock: &str,
) -> (String, otmetka_api::state::AppState) {
    let mut settings = (*app.state.settings).clone();
    settings.fixed_clock = Some(clock.parse().unwrap());
    let other = Application::build(settings).await.expect("build app");
    let base = format!("http://127.0.0.1:{}", other.port());
    let state = other.state().clone();
    tokio::spawn(other.run_until_stopped());
    (base, state)
}

// ---------- the small school ----------

const SUBJECTS: &str = "name,short_name
Математика,Мат
Русский язык,Рус
Иностранный язык (английский),Англ
Физическая культура,Физ
";
const STAFF: &str = "external_id,last_name,first_name,middle_name,role,subject,email
M01,Орлова,Анна,Петровна,teacher,,
M02,Белов,Игорь,Сергеевич,teacher,,
M03,Зуева,Ольга,Ивановна,teacher,,
M04,Киселёв,Пётр,Андреевич,teacher,,
M05,Лебедева,Нина,Олеговна,teacher,,
M06,Миронов,Глеб,Ильич,teacher,,
M07,Назарова,Вера,Павловна,teacher,,
";
/// 5А's class teacher is M01 (who teaches its maths), 5Б's is M02.
const CLASSES: &str = "name,grade,letter,class_teacher_external_id
5А,5,А,M01
5Б,5,Б,M02
";
/// 5А: S01 and S04 in English group 1, S02 in group 2, S03 in none. 5Б: S05.
const STUDENTS: &str = "external_id,last_name,first_name,middle_name,birth_date,sex,class,group
S01,Акимов,Артём,Ильич,2015-01-10,M,5А,1
S02,Борисова,Вера,Олеговна,2015-02-11,F,5А,2
S03,Гусев,Глеб,Петрович,2015-03-12,M,5А,
S04,Дмитриева,Дарья,Сергеевна,2015-04-13,F,5А,1
S05,Егоров,Егор,Егорович,2015-05-14,M,5Б,
";
const PARENTS: &str =
    "external_id,last_name,first_name,middle_name,student_external_id,relation,phone
P01,Акимова,Мария,Сергеевна,S01,мать,
P02,Борисов,Олег,Иванович,S02,отец,
";
/// M05 and M07 teach nothing (a substitute, a second maths teacher).
const COURSES: &str = "class,subject,teacher_external_id,hours_per_week,group
5А,Математика,M01,2,
5А,Русский язык,M02,2,
5А,Иностранный язык (английский),M03,1,1
5А,Иностранный язык (английский),M04,1,2
5А,Физическая культура,M06,1,
5Б,Математика,M01,2,
";
/// 5А: Monday maths, Russian, English (both groups); Tuesday PE; Wednesday maths; Thursday
/// Russian. 5Б: Monday and Wednesday maths, lesson 2.
const TIMETABLE: &str = "class,weekday,lesson_number,subject,teacher_external_id,group,room
5А,1,1,Математика,M01,,101
5А,3,1,Математика,M01,,101
5А,1,2,Русский язык,M02,,102
5А,4,1,Русский язык,M02,,102
5А,1,3,Иностранный язык (английский),M03,1,201
5А,1,3,Иностранный язык (английский),M04,2,202
5А,2,1,Физическая культура,M06,,зал
5Б,1,2,Математика,M01,,101
5Б,3,2,Математика,M01,,101
";

pub(crate) const MATH: &str = "Математика";
pub(crate) const RUSSIAN: &str = "Русский язык";
pub(crate) const ENGLISH: &str = "Иностранный язык (английский)";
pub(crate) const PE: &str = "Физическая культура";

pub(crate) struct School {
    pub(crate) id: Uuid,
    pub(crate) admin: String,
    pub(crate) courses: Vec<Value>,
    pub(crate) classes: Vec<Value>,
}

pub(crate) async fn school(app: &TestApp) -> School {
    let root = app.superadmin().await;
    let (id, admin) = app.school_with_admin(&root, "Школа № 7", "admin.j").await;
    let periods = String::from_utf8(fixture("periods.csv")).unwrap();
    let bells = String::from_utf8(fixture("bell_schedule.csv")).unwrap();
    let holidays = String::from_utf8(fixture("holidays.csv")).unwrap();
    for (kind, text) in [
        ("periods", periods.as_str()),
        ("subjects", SUBJECTS),
        ("staff", STAFF),
        ("classes", CLASSES),
        ("students", STUDENTS),
        ("parents", PARENTS),
        ("courses", COURSES),
        ("bell_schedule", bells.as_str()),
        ("holidays", holidays.as_str()),
        ("timetable", TIMETABLE),
    ] {
        let report = app
            .import_ok(&admin, id, kind, text.to_string(), "text/csv")
            .await;
        assert_eq!(report["counts"]["errors"], 0, "{kind}: {report}");
    }
    let courses = app
        .get_ok(&format!("/schools/{id}/courses"), &admin)
        .await
        .as_array()
        .unwrap()
        .clone();
    let classes = app
        .get_ok(&format!("/schools/{id}/classes"), &admin)
        .await
        .as_array()
        .unwrap()
        .clone();
    School {
        id,
        admin,
        courses,
        classes,
    }
}

/// The JSON body of an answer that must have status `want`.
pub(crate) async fn expect(res: Response, want: StatusCode) -> Value {
    let status = res.status();
    let text = res.text().await.unwrap();
    assert_eq!(
        status,
        want,
        "{}",
        text.chars().take(3000).collect::<String>()
    );
    if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap()
    }
}

pub(crate) fn id(v: &Value) -> Uuid {
    v["id"]
        .as_str()
        .unwrap_or_else(|| panic!("no id in {v}"))
        .parse()
        .unwrap()
}

/// `(field, code)` of each field error of a problem.
pub(crate) fn field_errors(body: &Value) -> Vec<(String, String)> {
    body["errors"]
        .as_array()
        .unwrap_or_else(|| panic!("no errors in {body}"))
        .iter()
        .map(|e| {
            (
                e["field"].as_str().unwrap().to_string(),
                e["code"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

pub(crate) fn errs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(f, c)| (f.to_string(), c.to_string()))
        .collect()
}

/// One mark write of a batch (into the lesson's first work when `work` is `None`).
pub(crate) fn mark(
    lesson: Uuid,
    work: Option<Uuid>,
    student: Uuid,
    value: &str,
    version: i64,
) -> Value {
    json!({"lesson_id": lesson, "work_id": work, "student_id": student, "value": value, "version": version})
}

/// The row of `list` whose `key` is `student`.
pub(crate) fn of<'a>(list: &'a Value, key: &str, student: Uuid) -> &'a Value {
    list.as_array()
        .unwrap()
        .iter()
        .find(|x| x[key] == student.to_string())
        .unwrap_or_else(|| panic!("no {key} {student} in {list}"))
}

/// The student's (average, mark_count) in a list of averages.
fn avg(list: &Value, student: Uuid) -> (Value, u64) {
    let a = of(list, "student_id", student);
    (a["average"].clone(), a["mark_count"].as_u64().unwrap())
}

impl School {
    pub(crate) fn path(&self, p: &str) -> String {
        format!("/schools/{}{p}", self.id)
    }

    pub(crate) fn course(&self, class: &str, subject: &str, group: Option<i64>) -> Uuid {
        id(self
            .courses
            .iter()
            .find(|c| {
                c["class_name"] == class
                    && c["subject_name"] == subject
                    && c["group_number"].as_i64() == group
            })
            .unwrap_or_else(|| panic!("no course {class} {subject} {group:?}")))
    }

    pub(crate) fn class(&self, name: &str) -> Uuid {
        id(self.classes.iter().find(|c| c["name"] == name).unwrap())
    }

    pub(crate) async fn person(&self, app: &TestApp, ext: &str) -> Uuid {
        app.person_id(&self.admin, self.id, ext).await
    }

    /// Registers the person with an external id with a role: their access token.
    pub(crate) async fn account(&self, app: &TestApp, ext: &str, role: Role) -> String {
        let person = self.person(app, ext).await;
        app.register_person(
            &self.admin,
            self.id,
            person,
            role,
            &format!("u.{}", ext.to_lowercase()),
        )
        .await
    }

    /// The one lesson of a course on a day.
    pub(crate) async fn lesson_on(&self, app: &TestApp, course: Uuid, day: &str) -> Uuid {
        let list = app
            .get_ok(
                &self.path(&format!("/lessons?course_id={course}&from={day}&to={day}")),
                &self.admin,
            )
            .await;
        let list = list.as_array().unwrap();
        assert_eq!(list.len(), 1, "lessons of {course} on {day}: {list:?}");
        id(&list[0])
    }

    pub(crate) async fn send(
        &self,
        app: &TestApp,
        method: Method,
        token: &str,
        path: &str,
        body: Value,
    ) -> Response {
        app.send(method, &self.path(path), Some(token), Some(body))
            .await
    }

    /// `GET …/courses/{course}/journal` (the current quarter, 2) that must answer 200.
    pub(crate) async fn journal(&self, app: &TestApp, token: &str, course: Uuid) -> Value {
        app.get_ok(&self.path(&format!("/courses/{course}/journal")), token)
            .await
    }

    /// `POST …/courses/{course}/journal`.
    pub(crate) async fn batch(
        &self,
        app: &TestApp,
        token: &str,
        course: Uuid,
        body: Value,
    ) -> Response {
        self.send(
            app,
            Method::POST,
            token,
            &format!("/courses/{course}/journal"),
            body,
        )
        .await
    }

    /// The school's mark settings.
    pub(crate) async fn settings(&self, app: &TestApp) -> Value {
        app.get_ok(&self.path("/mark-settings"), &self.admin).await
    }

    /// The id of a work type by code.
    pub(crate) async fn work_type(&self, app: &TestApp, code: &str) -> Uuid {
        id(self.settings(app).await["work_types"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["code"] == code)
            .unwrap_or_else(|| panic!("no work type {code}")))
    }

    /// `POST …/lessons/{lesson}/works` that must answer 201: the work.
    pub(crate) async fn work(
        &self,
        app: &TestApp,
        token: &str,
        lesson: Uuid,
        type_code: &str,
        weight: f64,
    ) -> Value {
        let work_type = self.work_type(app, type_code).await;
        let res = self
            .send(
                app,
                Method::POST,
                token,
                &format!("/lessons/{lesson}/works"),
                json!({"work_type_id": work_type, "weight": weight}),
            )
            .await;
        expect(res, StatusCode::CREATED).await
    }

    /// `PUT …/works/{work}/marks/{student}`.
    pub(crate) async fn put_mark(
        &self,
        app: &TestApp,
        token: &str,
        work: Uuid,
        student: Uuid,
        value: Option<&str>,
        version: i64,
    ) -> Response {
        self.send(
            app,
            Method::PUT,
            token,
            &format!("/works/{work}/marks/{student}"),
            json!({"value": value, "version": version}),
        )
        .await
    }

    /// `GET …/audit?action=` as the admin.
    pub(crate) async fn audit(&self, app: &TestApp, action: &str) -> Vec<Value> {
        app.get_ok(
            &self.path(&format!("/audit?action={action}&limit=100")),
            &self.admin,
        )
        .await
        .as_array()
        .unwrap()
        .clone()
    }
}

// ---------- 1. a transfer in the middle of the quarter ----------

async fn a_transfer_in_the_middle_of_the_quarter_splits_the_student_between_the_two_journals(
    app: TestApp,
) {
    let s = school(&app).await;
    let math_a = s.course("5А", MATH, None);
    let math_b = s.course("5Б", MATH, None);
    let x = s.person(&app, "S03").await;
    let m01 = s.account(&app, "M01", Role::Teacher).await;

    // Before the transfer: a 5 on 9 November and a 3 on 16 November in 5А.
    let nov9 = s.lesson_on(&app, math_a, "2026-11-09").await;
    let nov16 = s.lesson_on(&app, math_a, "2026-11-16").await;
    let body = json!({"marks": [mark(nov9, None, x, "5", 0), mark(nov16, None, x, "3", 0)]});
    let out = expect(s.batch(&app, &m01, math_a, body).await, StatusCode::OK).await;
    assert_eq!(avg(&out["averages"], x), (json!(4.0), 2));

    // X moves to 5Б from Wednesday 18 November.
    let res = app
        .post(
            &s.path(&format!("/students/{x}/transfer")),
            Some(&s.admin),
            json!({"class_id": s.class("5Б"), "date": "2026-11-18"}),
        )
        .await;
    expect(res, StatusCode::CREATED).await;

    // 5А's journal: X enrolled up to the day before, the marks and the average stay.
    let ja = s.journal(&app, &m01, math_a).await;
    assert_eq!(ja["period"]["number"], 2);
    assert_eq!(
        of(&ja["students"], "id", x)["enrolled"],
        json!([{"from": "2026-09-01", "to": "2026-11-17"}])
    );
    assert_eq!(avg(&ja["averages"], x), (json!(4.0), 2));
    let xs_marks: Vec<&Value> = ja["marks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["student_id"] == x.to_string())
        .collect();
    assert_eq!(xs_marks.len(), 2);
    // 5Б's: X from the transfer day on, no marks there yet.
    let jb = s.journal(&app, &m01, math_b).await;
    assert_eq!(
        of(&jb["students"], "id", x)["enrolled"],
        json!([{"from": "2026-11-18", "to": null}])
    );
    assert_eq!(avg(&jb["averages"], x), (Value::Null, 0));
    assert_eq!(jb["marks"], json!([]));

    // A write for X on 5А's lesson of the transfer day is refused, and so is attendance; nothing
    // of the batch is written.
    let nov18 = s.lesson_on(&app, math_a, "2026-11-18").await;
    let s02 = s.person(&app, "S02").await;
    let body = json!({
        "marks": [mark(nov18, None, s02, "5", 0), mark(nov18, None, x, "4", 0)],
        "attendance": [{"lesson_id": nov18, "student_id": x, "code": "н", "version": 0}],
    });
    let res = s.batch(&app, &m01, math_a, body).await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(
        field_errors(&problem),
        errs(&[
            ("marks[1].student_id", "not_enrolled"),
            ("attendance[0].student_id", "not_enrolled"),
        ])
    );
    let after = s.journal(&app, &m01, math_a).await;
    assert_eq!(after["marks"], ja["marks"]);
    assert_eq!(after["attendance"], json!([]));
    // In 5Б the same day is X's; the day before is not.
    let nov18b = s.lesson_on(&app, math_b, "2026-11-18").await;
    let nov16b = s.lesson_on(&app, math_b, "2026-11-16").await;
    let body = json!({"marks": [mark(nov16b, None, x, "4", 0)]});
    let res = s.batch(&app, &m01, math_b, body).await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(
        field_errors(&problem),
        errs(&[("marks[0].student_id", "not_enrolled")])
    );
    let body = json!({"marks": [mark(nov18b, None, x, "4", 0)]});
    let out = expect(s.batch(&app, &m01, math_b, body).await, StatusCode::OK).await;
    assert_eq!(avg(&out["averages"], x), (json!(4.0), 1));
    // 5А's average of X is unchanged by 5Б's mark.
    let ja = s.journal(&app, &m01, math_a).await;
    assert_eq!(avg(&ja["averages"], x), (json!(4.0), 2));
    // X's marks page has both maths courses with their own averages.
    let page = app
        .get_ok(&s.path(&format!("/students/{x}/marks")), &s.admin)
        .await;
    let subjects = &page["subjects"];
    let a = of(subjects, "course_id", math_a);
    assert_eq!((&a["average"], &a["mark_count"]), (&json!(4.0), &json!(2)));
    let b = of(subjects, "course_id", math_b);
    assert_eq!((&b["average"], &b["mark_count"]), (&json!(4.0), &json!(1)));

    // A subgroup course lists only its group's members, and writes only them.
    let s01 = s.person(&app, "S01").await;
    let s04 = s.person(&app, "S04").await;
    let eng1 = s.course("5А", ENGLISH, Some(1));
    let eng2 = s.course("5А", ENGLISH, Some(2));
    let ids =
        |j: &Value| -> Vec<Uuid> { j["students"].as_array().unwrap().iter().map(id).collect() };
    assert_eq!(ids(&s.journal(&app, &s.admin, eng1).await), vec![s01, s04]);
    assert_eq!(ids(&s.journal(&app, &s.admin, eng2).await), vec![s02]);
    let eng_nov16 = s.lesson_on(&app, eng1, "2026-11-16").await;
    let body =
        json!({"marks": [mark(eng_nov16, None, s01, "5", 0), mark(eng_nov16, None, s02, "5", 0)]});
    let res = s.batch(&app, &s.admin, eng1, body).await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(
        field_errors(&problem),
        errs(&[("marks[1].student_id", "not_enrolled")])
    );
}

// ---------- 2. the grading cases through the API ----------

async fn the_four_grading_cases_give_one_number_in_journal_diary_marks_page_and_summary(
    app: TestApp,
) {
    let s = school(&app).await;
    let math = s.course("5А", MATH, None);
    let m01 = s.account(&app, "M01", Role::Teacher).await;
    let [s01, s02, s03, s04] = [
        s.person(&app, "S01").await,
        s.person(&app, "S02").await,
        s.person(&app, "S03").await,
        s.person(&app, "S04").await,
    ];
    let nov9 = s.lesson_on(&app, math, "2026-11-09").await;
    let nov11 = s.lesson_on(&app, math, "2026-11-11").await;
    let nov16 = s.lesson_on(&app, math, "2026-11-16").await;
    // Oral answers and homework (weight 1) on 9 November, a test (2) on 11 November, a control
    // work (3) on 16 November.
    let oral = id(&s.work(&app, &m01, nov9, "oral", 1.0).await);
    let homework = s.work(&app, &m01, nov9, "homework", 1.0).await;
    assert_eq!(homework["work_type_short_name"], "ДЗ");
    let homework = id(&homework);
    let test = s.work(&app, &m01, nov11, "test", 2.0).await;
    assert_eq!(
        (&test["weight"], &test["work_type_code"], &test["version"]),
        (&json!(2.0), &json!("test"), &json!(1))
    );
    let test = id(&test);
    let control = id(&s.work(&app, &m01, nov16, "control", 3.0).await);
    let body = json!({"marks": [
        // 5 (w1), 4 (w1), 3 (w2) → 3.75
        mark(nov9, Some(oral), s01, "5", 0),
        mark(nov9, Some(homework), s01, "4", 0),
        mark(nov11, Some(test), s01, "3", 0),
        // 5, blank, 4 → 4.5
        mark(nov9, Some(oral), s02, "5", 0),
        mark(nov9, Some(homework), s02, "4", 0),
        // only осв. → none
        mark(nov9, Some(oral), s03, "осв", 0),
        // 5 (w1) + 2 (w3) → 2.75
        mark(nov9, Some(oral), s04, "5", 0),
        mark(nov16, Some(control), s04, "2", 0),
    ]});
    let out = expect(s.batch(&app, &m01, math, body).await, StatusCode::OK).await;
    assert!(out["works"].as_array().unwrap().is_empty(), "{out}");
    let want = [
        (s01, json!(3.75), 3),
        (s02, json!(4.5), 2),
        (s03, Value::Null, 0),
        (s04, json!(2.75), 2),
    ];
    for (student, average, count) in &want {
        assert_eq!(
            avg(&out["averages"], *student),
            (average.clone(), *count),
            "batch answer"
        );
    }
    // The journal.
    let journal = s.journal(&app, &m01, math).await;
    for (student, average, count) in &want {
        assert_eq!(
            avg(&journal["averages"], *student),
            (average.clone(), *count),
            "journal"
        );
    }
    // The marks page of each student: the same number.
    for (student, average, count) in &want {
        let page = app
            .get_ok(&s.path(&format!("/students/{student}/marks")), &s.admin)
            .await;
        assert_eq!(page["period"]["number"], 2);
        let maths = of(&page["subjects"], "course_id", math);
        assert_eq!(
            (&maths["average"], maths["mark_count"].as_u64().unwrap()),
            (average, *count),
            "marks page"
        );
    }
    // The class summary: the same number.
    let summary = app
        .get_ok(
            &s.path(&format!("/classes/{}/summary", s.class("5А"))),
            &m01,
        )
        .await;
    for (student, average, count) in &want {
        let row = of(&summary["students"], "student_id", *student);
        let cell = of(&row["cells"], "course_id", math);
        assert_eq!(
            (&cell["average"], cell["mark_count"].as_u64().unwrap()),
            (average, *count),
            "summary"
        );
    }
    // The diary shows each mark with its work type and weight; the weighted mean of what it
    // shows is the journal's number.
    for (student, average, _) in &want {
        let mut num = 0.0;
        let mut den = 0.0;
        let mut shown = Vec::new();
        for week in ["2026-W46", "2026-W47"] {
            let diary = app
                .get_ok(
                    &s.path(&format!("/students/{student}/diary?week={week}")),
                    &s.admin,
                )
                .await;
            for day in diary["days"].as_array().unwrap() {
                for lesson in day["lessons"].as_array().unwrap() {
                    if lesson["course_id"] != math.to_string() {
                        continue;
                    }
                    for m in lesson["marks"].as_array().unwrap() {
                        shown.push((
                            day["date"].as_str().unwrap().to_string(),
                            m["value"].as_str().unwrap().to_string(),
                            m["work_type_short_name"].as_str().unwrap().to_string(),
                            m["weight"].as_f64().unwrap(),
                        ));
                        if let Some(n) = m["numeric"].as_f64() {
                            num += n * m["weight"].as_f64().unwrap();
                            den += m["weight"].as_f64().unwrap();
                        }
                    }
                }
            }
        }
        let mean = (den > 0.0).then(|| ((num / den) * 100.0).round() / 100.0);
        assert_eq!(
            mean.map(|m| json!(m)).unwrap_or(Value::Null),
            *average,
            "diary of {student}: {shown:?}"
        );
        if *student == s01 {
            let want: Vec<(String, String, String, f64)> = [
                ("2026-11-09", "5", "Отв", 1.0),
                ("2026-11-09", "4", "ДЗ", 1.0),
                ("2026-11-11", "3", "ПР", 2.0),
            ]
            .iter()
            .map(|(d, v, t, w)| (d.to_string(), v.to_string(), t.to_string(), *w))
            .collect();
            assert_eq!(shown, want);
        }
        if *student == s03 {
            assert_eq!(
                shown,
                vec![("2026-11-09".into(), "осв".into(), "Отв".into(), 1.0)]
            );
        }
    }
    // Changing a work's weight moves the averages at once: the control work at weight 1 makes
    // S04's 5 (w1) + 2 (w1) = 3.5.
    let control_type = s.work_type(&app, "control").await;
    let res = s
        .send(
            &app,
            Method::PUT,
            &m01,
            &format!("/works/{control}"),
            json!({"work_type_id": control_type, "weight": 1, "version": 1}),
        )
        .await;
    let changed = expect(res, StatusCode::OK).await;
    assert_eq!(
        (&changed["weight"], &changed["version"]),
        (&json!(1.0), &json!(2))
    );
    let journal = s.journal(&app, &m01, math).await;
    assert_eq!(avg(&journal["averages"], s04), (json!(3.5), 2));
    // A stale version of the work: 412 with the work as it is.
    let res = s
        .send(
            &app,
            Method::PUT,
            &m01,
            &format!("/works/{control}"),
            json!({"work_type_id": control_type, "weight": 3, "version": 1}),
        )
        .await;
    let problem = assert_problem(res, StatusCode::PRECONDITION_FAILED, "version_mismatch").await;
    assert_eq!(problem["current"]["weight"], 1.0);
    assert_eq!(problem["current"]["version"], 2);
}

// ---------- 3. versions ----------

async fn two_teachers_writing_one_cell_the_second_gets_412_with_the_first_value(app: TestApp) {
    let s = school(&app).await;
    let math = s.course("5А", MATH, None);
    let m01_person = s.person(&app, "M01").await;
    let m07_person = s.person(&app, "M07").await;
    // M07 teaches 5А maths together with M01.
    let course = s.courses.iter().find(|c| id(c) == math).unwrap().clone();
    let res = s
        .send(
            &app,
            Method::PUT,
            &s.admin,
            &format!("/courses/{math}"),
            json!({"class_id": course["class_id"], "subject_id": course["subject_id"], "teacher_ids": [m01_person, m07_person], "hours_per_week": 2}),
        )
        .await;
    expect(res, StatusCode::OK).await;
    let m01 = s.account(&app, "M01", Role::Teacher).await;
    let m07 = s.account(&app, "M07", Role::Teacher).await;
    let s01 = s.person(&app, "S01").await;
    let s02 = s.person(&app, "S02").await;
    let s03 = s.person(&app, "S03").await;
    let nov23 = s.lesson_on(&app, math, "2026-11-23").await;
    let work = id(&s.work(&app, &m01, nov23, "oral", 1.0).await);

    // Both read the cell: never written, version 0.
    for token in [&m01, &m07] {
        let j = s.journal(&app, token, math).await;
        assert_eq!(j["marks"], json!([]));
        let lesson = j["lessons"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["lesson"]["id"] == nov23.to_string())
            .unwrap();
        assert_eq!(lesson["writable"], true);
    }
    // M01 writes first.
    let res = s.put_mark(&app, &m01, work, s01, Some("5"), 0).await;
    let first = expect(res, StatusCode::OK).await;
    assert_eq!(
        (&first["value"], &first["version"]),
        (&json!("5"), &json!(1))
    );
    // M07 with the same version: 412, the current cell is M01's.
    let res = s.put_mark(&app, &m07, work, s01, Some("3"), 0).await;
    let problem = assert_problem(res, StatusCode::PRECONDITION_FAILED, "version_mismatch").await;
    assert_eq!(problem["current"]["value"], "5");
    assert_eq!(problem["current"]["version"], 1);
    assert_eq!(problem["current"]["student_id"], s01.to_string());
    assert_eq!(problem["current"]["work_id"], work.to_string());
    // The same through a batch: `current` lists the stale cells.
    let body = json!({"marks": [mark(nov23, Some(work), s01, "3", 0)]});
    let res = s.batch(&app, &m07, math, body).await;
    let problem = assert_problem(res, StatusCode::PRECONDITION_FAILED, "version_mismatch").await;
    assert_eq!(problem["current"]["marks"].as_array().unwrap().len(), 1);
    assert_eq!(problem["current"]["marks"][0]["value"], "5");
    assert_eq!(problem["current"]["marks"][0]["version"], 1);
    assert_eq!(problem["current"]["attendance"], json!([]));
    // With the version read again, M07's write goes through.
    let res = s.put_mark(&app, &m07, work, s01, Some("3"), 1).await;
    let second = expect(res, StatusCode::OK).await;
    assert_eq!(
        (&second["value"], &second["version"]),
        (&json!("3"), &json!(2))
    );

    // A batch with one stale cell writes nothing: S02's new mark and S03's attendance stay
    // unwritten, S01's cell keeps its 3.
    let body = json!({
        "marks": [mark(nov23, Some(work), s02, "4", 0), mark(nov23, Some(work), s01, "4", 1)],
        "attendance": [{"lesson_id": nov23, "student_id": s03, "code": "н", "version": 0}],
    });
    let res = s.batch(&app, &m01, math, body).await;
    let problem = assert_problem(res, StatusCode::PRECONDITION_FAILED, "version_mismatch").await;
    let stale = problem["current"]["marks"].as_array().unwrap();
    assert_eq!(stale.len(), 1, "{problem}");
    assert_eq!(
        (
            &stale[0]["student_id"],
            &stale[0]["value"],
            &stale[0]["version"]
        ),
        (&json!(s01), &json!("3"), &json!(2))
    );
    let j = s.journal(&app, &m01, math).await;
    let marks = j["marks"].as_array().unwrap();
    assert_eq!(marks.len(), 1, "{marks:?}");
    assert_eq!(
        (
            &marks[0]["student_id"],
            &marks[0]["value"],
            &marks[0]["version"]
        ),
        (&json!(s01), &json!("3"), &json!(2))
    );
    assert_eq!(j["attendance"], json!([]));
    // Attendance has versions too.
    let att = format!("/lessons/{nov23}/attendance/{s03}");
    let res = s
        .send(
            &app,
            Method::PUT,
            &m01,
            &att,
            json!({"code": "б", "version": 0}),
        )
        .await;
    let cell = expect(res, StatusCode::OK).await;
    assert_eq!((&cell["code"], &cell["version"]), (&json!("б"), &json!(1)));
    let res = s
        .send(
            &app,
            Method::PUT,
            &m07,
            &att,
            json!({"code": "н", "version": 0}),
        )
        .await;
    let problem = assert_problem(res, StatusCode::PRECONDITION_FAILED, "version_mismatch").await;
    assert_eq!(
        (&problem["current"]["code"], &problem["current"]["version"]),
        (&json!("б"), &json!(1))
    );
}

async fn concurrent_batches_writing_one_cell_at_version_0_give_one_200_and_one_412(app: TestApp) {
    let s = school(&app).await;
    let math = s.course("5А", MATH, None);
    let m01 = s.account(&app, "M01", Role::Teacher).await;
    let s01 = s.person(&app, "S01").await;
    let lessons = [
        "2026-11-09",
        "2026-11-11",
        "2026-11-16",
        "2026-11-18",
        "2026-11-23",
    ];
    for day in lessons {
        let lesson = s.lesson_on(&app, math, day).await;
        let work = id(&s.work(&app, &m01, lesson, "oral", 1.0).await);
        let body = |v: &str| json!({"marks": [mark(lesson, Some(work), s01, v, 0)]});
        let (a, b) = tokio::join!(
            s.batch(&app, &m01, math, body("5")),
            s.batch(&app, &s.admin, math, body("2")),
        );
        let mut won = Vec::new();
        let mut lost = Vec::new();
        for (value, res) in [("5", a), ("2", b)] {
            let status = res.status();
            let v: Value = res.json().await.unwrap();
            match status {
                StatusCode::OK => {
                    assert_eq!(v["marks"][0]["version"], 1, "{v}");
                    won.push(value);
                }
                StatusCode::PRECONDITION_FAILED => {
                    assert_eq!(v["code"], "version_mismatch", "{v}");
                    lost.push((value, v));
                }
                other => panic!("{day}: {other} {v}"),
            }
        }
        assert_eq!(
            (won.len(), lost.len()),
            (1, 1),
            "{day}: exactly one write wins"
        );
        // The loser sees the winner's value.
        let current = &lost[0].1["current"]["marks"][0];
        assert_eq!(current["value"], won[0], "{day}");
        assert_eq!(current["version"], 1);
        let j = s.journal(&app, &m01, math).await;
        let cells: Vec<&Value> = j["marks"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| m["work_id"] == work.to_string())
            .collect();
        assert_eq!(cells.len(), 1);
        assert_eq!(
            (&cells[0]["value"], &cells[0]["version"]),
            (&json!(won[0]), &json!(1))
        );
    }
    // One mark_set per cell in the audit log.
    assert_eq!(s.audit(&app, "mark_set").await.len(), lessons.len());
}

// ---------- 4. scales and codes ----------

async fn values_off_the_scale_and_unknown_attendance_codes_are_refused_per_cell(app: TestApp) {
    let s = school(&app).await;
    let math = s.course("5А", MATH, None);
    let m01 = s.account(&app, "M01", Role::Teacher).await;
    let s01 = s.person(&app, "S01").await;
    let s02 = s.person(&app, "S02").await;
    let nov23 = s.lesson_on(&app, math, "2026-11-23").await;
    for bad in ["6", "0", "abc", "5+"] {
        let body = json!({"marks": [mark(nov23, None, s01, bad, 0)]});
        let res = s.batch(&app, &m01, math, body).await;
        let problem =
            assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
        assert_eq!(
            field_errors(&problem),
            errs(&[("marks[0].value", "not_on_scale")]),
            "{bad}"
        );
    }
    // Nothing was written, not even the lesson's default work.
    let j = s.journal(&app, &m01, math).await;
    assert_eq!(j["marks"], json!([]));
    assert!(
        j["lessons"]
            .as_array()
            .unwrap()
            .iter()
            .all(|l| l["works"] == json!([]))
    );

    // `Н/А` is on the scale, whatever the case; attendance `Н` is `н`.
    let body = json!({
        "marks": [mark(nov23, None, s01, "Н/А", 0), mark(nov23, None, s02, " 4 ", 0)],
        "attendance": [{"lesson_id": nov23, "student_id": s02, "code": "Н", "version": 0}],
    });
    let out = expect(s.batch(&app, &m01, math, body).await, StatusCode::OK).await;
    assert_eq!(out["marks"][0]["value"], "н/а");
    assert_eq!(out["marks"][1]["value"], "4");
    assert_eq!(out["attendance"][0]["code"], "н");
    // Sent without a work, the marks went to a new first work of the first work type.
    let works = out["works"].as_array().unwrap();
    assert_eq!(works.len(), 1);
    assert_eq!(
        (&works[0]["work_type_code"], &works[0]["weight"]),
        (&json!("oral"), &json!(1.0))
    );
    let j = s.journal(&app, &m01, math).await;
    let stored: BTreeSet<(String, String)> = j["marks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["student_id"].as_str().unwrap().to_string(),
                m["value"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        stored,
        BTreeSet::from([
            (s01.to_string(), "н/а".to_string()),
            (s02.to_string(), "4".to_string())
        ])
    );
    assert_eq!(j["attendance"][0]["code"], "н");
    // н/а does not count: S01 has no average; S02 missed one lesson.
    assert_eq!(avg(&j["averages"], s01), (Value::Null, 0));
    assert_eq!(of(&j["averages"], "student_id", s02)["absences"], 1);

    // An unknown attendance code, also through the one-cell endpoint.
    let body =
        json!({"attendance": [{"lesson_id": nov23, "student_id": s01, "code": "x", "version": 0}]});
    let res = s.batch(&app, &m01, math, body).await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(
        field_errors(&problem),
        errs(&[("attendance[0].code", "unknown_code")])
    );
    let res = s
        .send(
            &app,
            Method::PUT,
            &m01,
            &format!("/lessons/{nov23}/attendance/{s01}"),
            json!({"code": "x", "version": 0}),
        )
        .await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(field_errors(&problem)[0].1, "unknown_code");
    // And an off-scale value through the one-cell endpoint.
    let work = id(&works[0]);
    let res = s.put_mark(&app, &m01, work, s02, Some("6"), 1).await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(field_errors(&problem)[0].1, "not_on_scale");
}

// ---------- 5. cancelled lessons, the edit window ----------

async fn cancelled_lessons_and_the_edit_window_stop_teachers_but_not_the_admin(app: TestApp) {
    let s = school(&app).await;
    let math = s.course("5А", MATH, None);
    let m01 = s.account(&app, "M01", Role::Teacher).await;
    let s01 = s.person(&app, "S01").await;

    // A lesson with marks or attendance was held: it cannot be cancelled until they are cleared.
    let nov23 = s.lesson_on(&app, math, "2026-11-23").await;
    let body =
        json!({"attendance": [{"lesson_id": nov23, "student_id": s01, "code": "н", "version": 0}]});
    expect(s.batch(&app, &s.admin, math, body).await, StatusCode::OK).await;
    let res = app
        .post(
            &s.path(&format!("/lessons/{nov23}/cancel")),
            Some(&s.admin),
            json!({"reason": "карантин"}),
        )
        .await;
    assert_problem(res, StatusCode::CONFLICT, "lesson_has_data").await;
    let body = json!({"attendance": [{"lesson_id": nov23, "student_id": s01, "code": null, "version": 1}]});
    expect(s.batch(&app, &s.admin, math, body).await, StatusCode::OK).await;

    // A cancelled lesson takes no marks, from nobody.
    let res = app
        .post(
            &s.path(&format!("/lessons/{nov23}/cancel")),
            Some(&s.admin),
            json!({"reason": "карантин"}),
        )
        .await;
    expect(res, StatusCode::OK).await;
    for token in [&m01, &s.admin] {
        let body = json!({"marks": [mark(nov23, None, s01, "5", 0)]});
        let res = s.batch(&app, token, math, body).await;
        assert_problem(res, StatusCode::CONFLICT, "lesson_cancelled").await;
        let res = s
            .send(
                &app,
                Method::PUT,
                token,
                &format!("/lessons/{nov23}/attendance/{s01}"),
                json!({"code": "н", "version": 0}),
            )
            .await;
        assert_problem(res, StatusCode::CONFLICT, "lesson_cancelled").await;
        let oral = s.work_type(&app, "oral").await;
        let res = s
            .send(
                &app,
                Method::POST,
                token,
                &format!("/lessons/{nov23}/works"),
                json!({"work_type_id": oral}),
            )
            .await;
        assert_problem(res, StatusCode::CONFLICT, "lesson_cancelled").await;
    }

    // A 7-day edit window; today is Thursday 26 November.
    let mut settings = app.get_ok(&s.path("/settings"), &s.admin).await;
    settings["edit_window_days"] = json!(7);
    let res = s
        .send(&app, Method::PUT, &s.admin, "/settings", settings)
        .await;
    assert_eq!(expect(res, StatusCode::OK).await["edit_window_days"], 7);
    assert_eq!(s.settings(&app).await["edit_window_days"], 7);
    // Wednesday 18 November is 8 days old: closed to the teacher.
    let nov18 = s.lesson_on(&app, math, "2026-11-18").await;
    let body = json!({"marks": [mark(nov18, None, s01, "5", 0)]});
    let res = s.batch(&app, &m01, math, body.clone()).await;
    assert_problem(res, StatusCode::FORBIDDEN, "edit_window_closed").await;
    // An extra lesson on Thursday 19 November is exactly 7 days old: still open.
    let res = app
        .post(
            &s.path("/lessons"),
            Some(&s.admin),
            json!({"course_id": math, "date": "2026-11-19", "lesson_number": 2}),
        )
        .await;
    let nov19 = id(&expect(res, StatusCode::CREATED).await);
    let res = s
        .batch(
            &app,
            &m01,
            math,
            json!({"marks": [mark(nov19, None, s01, "4", 0)]}),
        )
        .await;
    expect(res, StatusCode::OK).await;
    // The journal tells which lessons the teacher may write.
    let j = s.journal(&app, &m01, math).await;
    assert_eq!(j["edit_window_days"], 7);
    assert_eq!(j["today"], "2026-11-26");
    let writable = |j: &Value, lesson: Uuid| {
        j["lessons"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["lesson"]["id"] == lesson.to_string())
            .unwrap()["writable"]
            .clone()
    };
    assert_eq!(writable(&j, nov18), false);
    assert_eq!(writable(&j, nov19), true);
    assert_eq!(writable(&j, nov23), false);
    // The admin writes the old lesson.
    let out = expect(s.batch(&app, &s.admin, math, body).await, StatusCode::OK).await;
    assert_eq!(out["marks"][0]["value"], "5");
    let j = s.journal(&app, &s.admin, math).await;
    assert_eq!(writable(&j, nov18), true);
    assert_eq!(writable(&j, nov23), false);
    // …and the teacher still may not change it.
    let work = out["marks"][0]["work_id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let res = s.put_mark(&app, &m01, work, s01, Some("4"), 1).await;
    assert_problem(res, StatusCode::FORBIDDEN, "edit_window_closed").await;
}

// ---------- 6. who reads and writes ----------

async fn students_and_parents_read_only_their_own_and_the_class_teacher_the_class(app: TestApp) {
    let s = school(&app).await;
    let math = s.course("5А", MATH, None);
    let m01 = s.account(&app, "M01", Role::Teacher).await;
    let m02 = s.account(&app, "M02", Role::Teacher).await;
    let m03 = s.account(&app, "M03", Role::Teacher).await;
    let student1 = s.account(&app, "S01", Role::Student).await;
    let parent1 = s.account(&app, "P01", Role::Parent).await;
    let s01 = s.person(&app, "S01").await;
    let s02 = s.person(&app, "S02").await;
    let nov23 = s.lesson_on(&app, math, "2026-11-23").await;
    let body = json!({"marks": [mark(nov23, None, s01, "4", 0), mark(nov23, None, s02, "2", 0)]});
    let out = expect(s.batch(&app, &m01, math, body).await, StatusCode::OK).await;
    let work: Uuid = out["marks"][0]["work_id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();

    // Students and parents write nothing.
    for token in [&student1, &parent1] {
        let body = json!({"marks": [mark(nov23, Some(work), s01, "5", 1)]});
        let res = s.batch(&app, token, math, body).await;
        assert_problem(res, StatusCode::FORBIDDEN, "forbidden").await;
        let res = s.put_mark(&app, token, work, s01, Some("5"), 1).await;
        assert_problem(res, StatusCode::FORBIDDEN, "forbidden").await;
        let res = app
            .get(&s.path(&format!("/courses/{math}/journal")), Some(token))
            .await;
        assert_problem(res, StatusCode::FORBIDDEN, "forbidden").await;
    }
    // Nor does a teacher of another course (M03 teaches English).
    let res = s.put_mark(&app, &m03, work, s01, Some("5"), 1).await;
    assert_problem(res, StatusCode::FORBIDDEN, "forbidden").await;
    let res = app
        .get(&s.path(&format!("/courses/{math}/journal")), Some(&m03))
        .await;
    assert_problem(res, StatusCode::FORBIDDEN, "forbidden").await;
    let j = s.journal(&app, &s.admin, math).await;
    assert_eq!(
        j["marks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["value"].clone())
            .collect::<Vec<_>>(),
        vec![json!("4"), json!("2")]
    );

    // The student and their parent read the student's diary, marks and feed.
    for token in [&student1, &parent1] {
        let diary = app
            .get_ok(&s.path(&format!("/students/{s01}/diary")), token)
            .await;
        assert_eq!(diary["week"], "2026-W48");
        let monday = &diary["days"][0];
        assert_eq!(monday["date"], "2026-11-23");
        let maths = monday["lessons"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["course_id"] == math.to_string())
            .unwrap();
        assert_eq!(maths["marks"][0]["value"], "4");
        let page = app
            .get_ok(&s.path(&format!("/students/{s01}/marks")), token)
            .await;
        assert_eq!(of(&page["subjects"], "course_id", math)["average"], 4.0);
        let feed = app
            .get_ok(&s.path(&format!("/students/{s01}/recent-marks")), token)
            .await;
        assert_eq!(feed.as_array().unwrap().len(), 1);
        assert_eq!(feed[0]["value"], "4");
    }
    // Another child's: 403, and the answer names nothing of S02's.
    for token in [&student1, &parent1] {
        for path in ["diary", "marks", "recent-marks"] {
            let res = app
                .get(&s.path(&format!("/students/{s02}/{path}")), Some(token))
                .await;
            let problem = assert_problem(res, StatusCode::FORBIDDEN, "forbidden").await;
            let text = problem.to_string();
            assert!(
                !text.contains("Борисова") && !text.contains("\"2\"") && !text.contains("marks\":"),
                "{path}: {text}"
            );
        }
        // The summary is the staff's.
        let res = app
            .get(
                &s.path(&format!("/classes/{}/summary", s.class("5А"))),
                Some(token),
            )
            .await;
        assert_problem(res, StatusCode::FORBIDDEN, "forbidden").await;
    }
    // An unknown student: 404 for the admin, who may read every student.
    let res = app
        .get(
            &s.path(&format!("/students/{}/diary", Uuid::now_v7())),
            Some(&s.admin),
        )
        .await;
    assert_problem(res, StatusCode::NOT_FOUND, "not_found").await;

    // The class teacher reads the class's diaries and the summary; another teacher does not.
    for student in [s01, s02] {
        let page = app
            .get_ok(&s.path(&format!("/students/{student}/marks")), &m01)
            .await;
        assert_eq!(page["student_id"], student.to_string());
        app.get_ok(&s.path(&format!("/students/{student}/diary")), &m01)
            .await;
    }
    let summary = app
        .get_ok(
            &s.path(&format!("/classes/{}/summary", s.class("5А"))),
            &m01,
        )
        .await;
    assert_eq!(summary["class_name"], "5А");
    assert_eq!(summary["students"].as_array().unwrap().len(), 4);
    let row = of(&summary["students"], "student_id", s02);
    assert_eq!(of(&row["cells"], "course_id", math)["average"], 2.0);
    // S01 attends English group 1 only; S02 group 2 only.
    let eng1 = s.course("5А", ENGLISH, Some(1));
    let eng2 = s.course("5А", ENGLISH, Some(2));
    let courses_of = |student: Uuid| -> BTreeSet<String> {
        of(&summary["students"], "student_id", student)["cells"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["course_id"].as_str().unwrap().to_string())
            .collect()
    };
    assert!(courses_of(s01).contains(&eng1.to_string()));
    assert!(!courses_of(s01).contains(&eng2.to_string()));
    assert!(courses_of(s02).contains(&eng2.to_string()));
    // M02 is 5Б's class teacher, not 5А's.
    let res = app
        .get(
            &s.path(&format!("/classes/{}/summary", s.class("5А"))),
            Some(&m02),
        )
        .await;
    assert_problem(res, StatusCode::FORBIDDEN, "forbidden").await;
    let res = app
        .get(&s.path(&format!("/students/{s01}/diary")), Some(&m02))
        .await;
    assert_problem(res, StatusCode::FORBIDDEN, "forbidden").await;
    app.get_ok(
        &s.path(&format!("/classes/{}/summary", s.class("5Б"))),
        &m02,
    )
    .await;
    // The class teacher reads the journal of every course of the class without teaching it.
    let russian = s.course("5А", RUSSIAN, None);
    let j = s.journal(&app, &m01, russian).await;
    assert!(
        j["lessons"]
            .as_array()
            .unwrap()
            .iter()
            .all(|l| l["writable"] == false)
    );
}

// ---------- 7. substitutes ----------

async fn a_substitute_writes_only_the_covered_lesson_on_behalf_of_the_teacher(app: TestApp) {
    let s = school(&app).await;
    let math = s.course("5А", MATH, None);
    let m01_person = s.person(&app, "M01").await;
    let m05_person = s.person(&app, "M05").await;
    let m05 = s.account(&app, "M05", Role::Teacher).await;
    let s01 = s.person(&app, "S01").await;
    let l = s.lesson_on(&app, math, "2026-11-23").await;
    let other = s.lesson_on(&app, math, "2026-11-25").await;

    // Before the substitution: no reading, no writing.
    let res = app
        .get(&s.path(&format!("/courses/{math}/journal")), Some(&m05))
        .await;
    assert_problem(res, StatusCode::FORBIDDEN, "forbidden").await;
    let body = json!({"marks": [mark(l, None, s01, "5", 0)]});
    let res = s.batch(&app, &m05, math, body.clone()).await;
    assert_problem(res, StatusCode::FORBIDDEN, "forbidden").await;

    let res = s
        .send(
            &app,
            Method::PUT,
            &s.admin,
            &format!("/lessons/{l}/substitute"),
            json!({"teacher_id": m05_person}),
        )
        .await;
    expect(res, StatusCode::OK).await;
    // The substitute writes L.
    let out = expect(s.batch(&app, &m05, math, body).await, StatusCode::OK).await;
    assert_eq!(out["marks"][0]["value"], "5");
    let res = s
        .send(
            &app,
            Method::PUT,
            &m05,
            &format!("/lessons/{l}/attendance/{}", s.person(&app, "S02").await),
            json!({"code": "оп", "version": 0}),
        )
        .await;
    expect(res, StatusCode::OK).await;
    // …on behalf of the course's teacher.
    let me = app.get_ok("/me", &m05).await;
    let audit = s.audit(&app, "mark_set").await;
    assert_eq!(audit.len(), 1, "{audit:?}");
    assert_eq!(audit[0]["actor_account_id"], me["account_id"]);
    assert_eq!(audit[0]["on_behalf_of"], m01_person.to_string());
    assert_eq!(audit[0]["new_value"]["value"], "5");
    assert_eq!(audit[0]["new_value"]["lesson_id"], l.to_string());
    let audit = s.audit(&app, "attendance_set").await;
    assert_eq!(audit[0]["on_behalf_of"], m01_person.to_string());
    // Another lesson of the same course: refused.
    let body = json!({"marks": [mark(other, None, s01, "5", 0)]});
    let res = s.batch(&app, &m05, math, body).await;
    assert_problem(res, StatusCode::FORBIDDEN, "forbidden").await;
    let oral = s.work_type(&app, "oral").await;
    let res = s
        .send(
            &app,
            Method::POST,
            &m05,
            &format!("/lessons/{other}/works"),
            json!({"work_type_id": oral}),
        )
        .await;
    assert_problem(res, StatusCode::FORBIDDEN, "forbidden").await;
    // The substitute reads the course's journal; only L is writable for them.
    let j = s.journal(&app, &m05, math).await;
    let lessons = j["lessons"].as_array().unwrap();
    assert!(lessons.len() > 10);
    for lesson in lessons {
        assert_eq!(
            lesson["writable"],
            lesson["lesson"]["id"] == l.to_string(),
            "{}",
            lesson["lesson"]["date"]
        );
    }
    // The course's teacher's own writes carry no on_behalf_of.
    let m01 = s.account(&app, "M01", Role::Teacher).await;
    let body = json!({"marks": [mark(other, None, s01, "3", 0)]});
    expect(s.batch(&app, &m01, math, body).await, StatusCode::OK).await;
    let audit = s.audit(&app, "mark_set").await;
    assert_eq!(audit.len(), 2);
    assert_eq!(audit[0]["on_behalf_of"], Value::Null);
}

// ---------- 8. the audit trail ----------

async fn every_mark_change_is_audited_with_old_and_new_value(app: TestApp) {
    let s = school(&app).await;
    let math = s.course("5А", MATH, None);
    let m01 = s.account(&app, "M01", Role::Teacher).await;
    let s01 = s.person(&app, "S01").await;
    let nov23 = s.lesson_on(&app, math, "2026-11-23").await;
    let work = id(&s.work(&app, &m01, nov23, "oral", 1.0).await);
    let created = s.audit(&app, "work_created").await;
    assert_eq!(created.len(), 1);
    assert_eq!(created[0]["object_id"], work.to_string());

    let res = s.put_mark(&app, &m01, work, s01, Some("5"), 0).await;
    expect(res, StatusCode::OK).await;
    let res = s.put_mark(&app, &m01, work, s01, Some("4"), 1).await;
    expect(res, StatusCode::OK).await;
    let res = s.put_mark(&app, &m01, work, s01, None, 2).await;
    let cleared = expect(res, StatusCode::OK).await;
    assert_eq!(
        (&cleared["value"], &cleared["version"]),
        (&Value::Null, &json!(3))
    );
    // Writing the same value again changes nothing and audits nothing.
    let res = s.put_mark(&app, &m01, work, s01, None, 3).await;
    assert_eq!(expect(res, StatusCode::OK).await["version"], 3);

    let me = app.get_ok("/me", &m01).await;
    let set = s.audit(&app, "mark_set").await;
    let changed = s.audit(&app, "mark_changed").await;
    let clear = s.audit(&app, "mark_cleared").await;
    assert_eq!((set.len(), changed.len(), clear.len()), (1, 1, 1));
    let mark_id = &set[0]["object_id"];
    for (rec, old, new) in [
        (&set[0], Value::Null, json!("5")),
        (&changed[0], json!("5"), json!("4")),
        (&clear[0], json!("4"), Value::Null),
    ] {
        assert_eq!(rec["object_type"], "mark");
        assert_eq!(&rec["object_id"], mark_id);
        assert_eq!(rec["actor_account_id"], me["account_id"]);
        assert_eq!(rec["on_behalf_of"], Value::Null);
        assert_eq!(rec["old_value"]["value"], old, "{rec}");
        assert_eq!(rec["new_value"]["value"], new, "{rec}");
        assert_eq!(rec["new_value"]["student_id"], s01.to_string());
    }
    // The journal keeps the cleared cell with its version; the average has no mark.
    let j = s.journal(&app, &m01, math).await;
    assert_eq!(j["marks"][0]["value"], Value::Null);
    assert_eq!(j["marks"][0]["version"], 3);
    assert_eq!(avg(&j["averages"], s01), (Value::Null, 0));

    // Attendance too: set, changed, cleared.
    let att = format!("/lessons/{nov23}/attendance/{s01}");
    for (code, version) in [(json!("н"), 0), (json!("уп"), 1), (Value::Null, 2)] {
        let res = s
            .send(
                &app,
                Method::PUT,
                &m01,
                &att,
                json!({"code": code, "version": version}),
            )
            .await;
        expect(res, StatusCode::OK).await;
    }
    let set = s.audit(&app, "attendance_set").await;
    let changed = s.audit(&app, "attendance_changed").await;
    assert_eq!(set.len(), 1);
    assert_eq!(set[0]["new_value"]["code"], "н");
    assert_eq!(changed.len(), 2);
    // Newest first: уп → cleared, then н → уп.
    assert_eq!(
        (
            &changed[0]["old_value"]["code"],
            &changed[0]["new_value"]["code"]
        ),
        (&json!("уп"), &Value::Null)
    );
    assert_eq!(
        (
            &changed[1]["old_value"]["code"],
            &changed[1]["new_value"]["code"]
        ),
        (&json!("н"), &json!("уп"))
    );
    // Removing the work: audited with what it was.
    let res = s
        .send(
            &app,
            Method::DELETE,
            &m01,
            &format!("/works/{work}"),
            Value::Null,
        )
        .await;
    expect(res, StatusCode::NO_CONTENT).await;
    let deleted = s.audit(&app, "work_deleted").await;
    assert_eq!(deleted[0]["old_value"]["id"], work.to_string());
}

// ---------- 9. the recent-marks feed ----------

async fn recent_marks_are_ordered_by_when_they_were_set_and_show_changes(app: TestApp) {
    let s = school(&app).await;
    let math = s.course("5А", MATH, None);
    let m01 = s.account(&app, "M01", Role::Teacher).await;
    let student = s.account(&app, "S01", Role::Student).await;
    let s01 = s.person(&app, "S01").await;
    let nov18 = s.lesson_on(&app, math, "2026-11-18").await;
    let nov25 = s.lesson_on(&app, math, "2026-11-25").await;

    // Yesterday (Wednesday 25 November) M01 gave a 5 at that day's lesson…
    let yesterday = server_at(&app, YESTERDAY).await;
    let res = app
        .client
        .post(format!(
            "{yesterday}/api/v1/schools/{}/courses/{math}/journal",
            s.id
        ))
        .bearer_auth(&m01)
        .json(&json!({"marks": [mark(nov25, None, s01, "5", 0)]}))
        .send()
        .await
        .unwrap();
    let first = expect(res, StatusCode::OK).await;
    assert_eq!(first["marks"][0]["set_at"], "2026-11-25T09:00:00Z");
    // …and today a 3 for last week's lesson.
    let body = json!({"marks": [mark(nov18, None, s01, "3", 0)]});
    let second = expect(s.batch(&app, &m01, math, body).await, StatusCode::OK).await;
    assert_eq!(second["marks"][0]["set_at"], "2026-11-26T09:00:00Z");

    // Newest first by when the mark was set, not by the lesson's date.
    let feed = app
        .get_ok(&s.path(&format!("/students/{s01}/recent-marks")), &student)
        .await;
    let items: Vec<(String, String)> = feed
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["date"].as_str().unwrap().to_string(),
                i["value"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        items,
        vec![
            ("2026-11-18".to_string(), "3".to_string()),
            ("2026-11-25".to_string(), "5".to_string())
        ]
    );
    assert_eq!(feed[0]["subject_name"], MATH);
    assert_eq!(feed[0]["work_type_name"], "Ответ на уроке");
    assert_eq!(feed[0]["weight"], 1.0);
    assert_eq!(feed[0]["previous_value"], Value::Null);
    let res = app
        .get(
            &s.path(&format!("/students/{s01}/recent-marks?limit=1")),
            Some(&student),
        )
        .await;
    assert_eq!(
        expect(res, StatusCode::OK).await.as_array().unwrap().len(),
        1
    );
    for bad in ["0", "501", "x"] {
        let res = app
            .get(
                &s.path(&format!("/students/{s01}/recent-marks?limit={bad}")),
                Some(&student),
            )
            .await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "limit={bad}");
    }

    // Yesterday's 5 changed to 4 today: the feed shows 5 → 4 and puts it first.
    let work: Uuid = first["marks"][0]["work_id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let res = s.put_mark(&app, &m01, work, s01, Some("4"), 1).await;
    expect(res, StatusCode::OK).await;
    let feed = app
        .get_ok(&s.path(&format!("/students/{s01}/recent-marks")), &student)
        .await;
    let changed = feed
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["lesson_id"] == nov25.to_string())
        .unwrap();
    assert_eq!(
        (
            &changed["previous_value"],
            &changed["value"],
            &changed["set_at"]
        ),
        (&json!("5"), &json!("4"), &json!("2026-11-26T09:00:00Z"))
    );
    assert_eq!(feed.as_array().unwrap().len(), 2);
}

// ---------- 10. the diary week ----------

async fn the_diary_week_has_lessons_in_order_with_marks_attendance_and_homework_due(app: TestApp) {
    let s = school(&app).await;
    let math = s.course("5А", MATH, None);
    let russian = s.course("5А", RUSSIAN, None);
    let m01 = s.account(&app, "M01", Role::Teacher).await;
    let parent = s.account(&app, "P01", Role::Parent).await;
    let s01 = s.person(&app, "S01").await;
    let mon = s.lesson_on(&app, math, "2026-11-23").await;
    let wed = s.lesson_on(&app, math, "2026-11-25").await;
    // Monday's maths: a topic, homework due Wednesday; a test (ПР, weight 2) with a 4; absent on
    // Wednesday.
    let res = s
        .send(
            &app,
            Method::PUT,
            &m01,
            &format!("/lessons/{mon}/content"),
            json!({"topic": "Дроби", "homework": "№ 245", "homework_due_on": "2026-11-25", "version": 1}),
        )
        .await;
    expect(res, StatusCode::OK).await;
    let test = id(&s.work(&app, &m01, mon, "test", 2.0).await);
    let body = json!({
        "marks": [mark(mon, Some(test), s01, "4", 0)],
        "attendance": [{"lesson_id": wed, "student_id": s01, "code": "Н", "version": 0}],
    });
    expect(s.batch(&app, &m01, math, body).await, StatusCode::OK).await;

    let diary = app
        .get_ok(
            &s.path(&format!("/students/{s01}/diary?week=2026-W48")),
            &parent,
        )
        .await;
    assert_eq!(diary["student_name"], "Акимов Артём Ильич");
    assert_eq!(
        (&diary["from"], &diary["to"]),
        (&json!("2026-11-23"), &json!("2026-11-29"))
    );
    let days = diary["days"].as_array().unwrap();
    assert_eq!(days.len(), 7);
    assert_eq!(
        days.iter()
            .map(|d| d["is_today"] == true)
            .collect::<Vec<_>>(),
        [false, false, false, true, false, false, false]
    );
    // Monday: maths, Russian, English (S01's group 1) in lesson order.
    let monday = &days[0];
    let subjects: Vec<(i64, String)> = monday["lessons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["lesson_number"].as_i64().unwrap(),
                l["subject_name"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        subjects,
        vec![
            (1, MATH.to_string()),
            (2, RUSSIAN.to_string()),
            (3, ENGLISH.to_string())
        ]
    );
    let maths = &monday["lessons"][0];
    assert_eq!(maths["topic"], "Дроби");
    assert_eq!(maths["homework"], "№ 245");
    assert_eq!(maths["homework_due_on"], "2026-11-25");
    assert_eq!(maths["starts_at"], "08:30");
    let marks = maths["marks"].as_array().unwrap();
    assert_eq!(marks.len(), 1);
    assert_eq!(
        (
            &marks[0]["value"],
            &marks[0]["label"],
            &marks[0]["numeric"],
            &marks[0]["work_type_short_name"],
            &marks[0]["work_type_name"],
            &marks[0]["weight"],
        ),
        (
            &json!("4"),
            &json!("4"),
            &json!(4.0),
            &json!("ПР"),
            &json!("Проверочная работа"),
            &json!(2.0)
        )
    );
    assert_eq!(maths["attendance"], Value::Null);
    // Tuesday: PE. Wednesday: maths, absent, and Monday's homework due.
    assert_eq!(days[1]["lessons"][0]["subject_name"], PE);
    let wednesday = &days[2];
    assert_eq!(wednesday["lessons"][0]["lesson_id"], wed.to_string());
    assert_eq!(wednesday["lessons"][0]["attendance"], "н");
    assert_eq!(wednesday["lessons"][0]["attendance_label"], "Н");
    assert_eq!(wednesday["lessons"][0]["marks"], json!([]));
    assert_eq!(
        wednesday["homework_due"],
        json!([{"lesson_id": mon, "subject_name": MATH, "given_on": "2026-11-23", "homework": "№ 245"}])
    );
    assert_eq!(days[0]["homework_due"], json!([]));
    // Thursday: Russian; the weekend is empty.
    assert_eq!(days[3]["lessons"][0]["course_id"], russian.to_string());
    assert_eq!(days[5]["lessons"], json!([]));
    assert_eq!(days[6]["lessons"], json!([]));
    // Without a week: the current one.
    let current = app
        .get_ok(&s.path(&format!("/students/{s01}/diary")), &parent)
        .await;
    assert_eq!(current["week"], "2026-W48");
    assert_eq!(current["today"], "2026-11-26");
    let res = app
        .get(
            &s.path(&format!("/students/{s01}/diary?week=2026-48")),
            Some(&parent),
        )
        .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
}

// ---------- 11. mark settings ----------

async fn mark_settings_have_defaults_and_refuse_to_drop_what_is_in_use(app: TestApp) {
    let s = school(&app).await;
    let settings = s.settings(&app).await;
    assert_eq!(settings["edit_window_days"], Value::Null);
    // Two scales: five-point (the default: 5…1, н/а, осв) and pass/fail.
    let scales = settings["scales"].as_array().unwrap();
    assert_eq!(scales.len(), 2);
    let five = &scales[0];
    assert_eq!(
        (&five["code"], &five["is_default"]),
        (&json!("five_point"), &json!(true))
    );
    let values: Vec<&str> = five["values"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["value"].as_str().unwrap())
        .collect();
    assert_eq!(values, ["5", "4", "3", "2", "1", "н/а", "осв"]);
    let counting: Vec<(&str, f64)> = five["values"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|v| v["counts"] == true)
        .map(|v| (v["value"].as_str().unwrap(), v["numeric"].as_f64().unwrap()))
        .collect();
    assert_eq!(
        counting,
        [("5", 5.0), ("4", 4.0), ("3", 3.0), ("2", 2.0), ("1", 1.0)]
    );
    let pass_fail = &scales[1];
    assert_eq!(
        (&pass_fail["code"], &pass_fail["is_default"]),
        (&json!("pass_fail"), &json!(false))
    );
    assert!(
        pass_fail["values"]
            .as_array()
            .unwrap()
            .iter()
            .all(|v| v["counts"] == false)
    );
    // Six work types with their weights.
    let types: Vec<(&str, f64)> = settings["work_types"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["code"].as_str().unwrap(), t["weight"].as_f64().unwrap()))
        .collect();
    assert_eq!(
        types,
        [
            ("oral", 1.0),
            ("homework", 1.0),
            ("independent", 2.0),
            ("test", 2.0),
            ("dictation", 2.0),
            ("control", 3.0)
        ]
    );
    // Н, Б, УП, ОП; ОП (late) is no absence.
    let codes: Vec<(&str, &str, bool)> = settings["attendance_codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["code"].as_str().unwrap(),
                c["label"].as_str().unwrap(),
                c["counts_as_absence"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        codes,
        [
            ("н", "Н", true),
            ("б", "Б", true),
            ("уп", "УП", true),
            ("оп", "ОП", false)
        ]
    );
    // A teacher, a student read them too.
    let m06 = s.account(&app, "M06", Role::Teacher).await;
    let student = s.account(&app, "S01", Role::Student).await;
    for token in [&m06, &student] {
        assert_eq!(app.get_ok(&s.path("/mark-settings"), token).await, settings);
    }

    // PE on the pass/fail scale: зч is taken, 5 is not.
    let pe = s.course("5А", PE, None);
    let subjects = app.get_ok(&s.path("/subjects"), &s.admin).await;
    let pe_subject = subjects
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["name"] == PE)
        .unwrap()
        .clone();
    let res = s
        .send(
            &app,
            Method::PUT,
            &s.admin,
            &format!("/subjects/{}", id(&pe_subject)),
            json!({"name": PE, "short_name": "Физ", "mark_scale_id": pass_fail["id"]}),
        )
        .await;
    assert_eq!(
        expect(res, StatusCode::OK).await["mark_scale_id"],
        pass_fail["id"]
    );
    let s01 = s.person(&app, "S01").await;
    let s02 = s.person(&app, "S02").await;
    let tue = s.lesson_on(&app, pe, "2026-11-24").await;
    let body = json!({"marks": [mark(tue, None, s01, "5", 0)]});
    let res = s.batch(&app, &m06, pe, body).await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(
        field_errors(&problem),
        errs(&[("marks[0].value", "not_on_scale")])
    );
    let body = json!({"marks": [mark(tue, None, s01, "ЗЧ", 0), mark(tue, None, s02, "незач", 0)]});
    let out = expect(s.batch(&app, &m06, pe, body).await, StatusCode::OK).await;
    assert_eq!(out["marks"][0]["value"], "зч");
    assert_eq!(out["marks"][1]["value"], "нз");
    assert_eq!(avg(&out["averages"], s01), (Value::Null, 0));
    let j = s.journal(&app, &m06, pe).await;
    assert_eq!(j["scale"]["code"], "pass_fail");
    // PE cannot go back to the five-point scale while it has зч and нз.
    let res = s
        .send(
            &app,
            Method::PUT,
            &s.admin,
            &format!("/subjects/{}", id(&pe_subject)),
            json!({"name": PE, "short_name": "Физ", "mark_scale_id": five["id"]}),
        )
        .await;
    assert_problem(res, StatusCode::CONFLICT, "in_use").await;
    // Dropping нз from the pass/fail scale: 409 in_use; dropping осв (unused) is fine.
    let mut scale =
        json!({"code": "pass_fail", "name": pass_fail["name"], "values": pass_fail["values"]});
    let all_values = pass_fail["values"].as_array().unwrap().clone();
    scale["values"] = json!(
        all_values
            .iter()
            .filter(|v| v["value"] != "нз")
            .collect::<Vec<_>>()
    );
    let path = format!("/mark-scales/{}", id(pass_fail));
    let res = s
        .send(&app, Method::PUT, &s.admin, &path, scale.clone())
        .await;
    assert_problem(res, StatusCode::CONFLICT, "in_use").await;
    scale["values"] = json!(
        all_values
            .iter()
            .filter(|v| v["value"] != "осв")
            .collect::<Vec<_>>()
    );
    let res = s.send(&app, Method::PUT, &s.admin, &path, scale).await;
    assert_eq!(
        expect(res, StatusCode::OK).await["values"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    // The scale a subject uses is not deleted; nor is the default.
    let res = s
        .send(&app, Method::DELETE, &s.admin, &path, Value::Null)
        .await;
    assert_problem(res, StatusCode::CONFLICT, "in_use").await;
    let res = s
        .send(
            &app,
            Method::DELETE,
            &s.admin,
            &format!("/mark-scales/{}", id(five)),
            Value::Null,
        )
        .await;
    assert_problem(res, StatusCode::CONFLICT, "conflict").await;

    // A work type in use is not deleted; an unused one is.
    let math = s.course("5А", MATH, None);
    let m01 = s.account(&app, "M01", Role::Teacher).await;
    let nov23 = s.lesson_on(&app, math, "2026-11-23").await;
    let control = s.work(&app, &m01, nov23, "control", 3.0).await;
    let res = s
        .send(
            &app,
            Method::DELETE,
            &s.admin,
            &format!("/work-types/{}", control["work_type_id"].as_str().unwrap()),
            Value::Null,
        )
        .await;
    assert_problem(res, StatusCode::CONFLICT, "in_use").await;
    let dictation = s.work_type(&app, "dictation").await;
    let res = s
        .send(
            &app,
            Method::DELETE,
            &s.admin,
            &format!("/work-types/{dictation}"),
            Value::Null,
        )
        .await;
    expect(res, StatusCode::NO_CONTENT).await;
    assert_eq!(
        s.settings(&app).await["work_types"]
            .as_array()
            .unwrap()
            .len(),
        5
    );
    // A work with marks is not deleted; cleared, it is.
    let work = id(&control);
    let res = s.put_mark(&app, &m01, work, s01, Some("5"), 0).await;
    expect(res, StatusCode::OK).await;
    let res = s
        .send(
            &app,
            Method::DELETE,
            &m01,
            &format!("/works/{work}"),
            Value::Null,
        )
        .await;
    assert_problem(res, StatusCode::CONFLICT, "in_use").await;
    let res = s.put_mark(&app, &m01, work, s01, None, 1).await;
    expect(res, StatusCode::OK).await;
    let res = s
        .send(
            &app,
            Method::DELETE,
            &m01,
            &format!("/works/{work}"),
            Value::Null,
        )
        .await;
    expect(res, StatusCode::NO_CONTENT).await;
    // An attendance code in use is not deleted.
    let res = s
        .send(
            &app,
            Method::PUT,
            &m01,
            &format!("/lessons/{nov23}/attendance/{s01}"),
            json!({"code": "б", "version": 0}),
        )
        .await;
    expect(res, StatusCode::OK).await;
    let ill = s.settings(&app).await["attendance_codes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == "б")
        .unwrap()
        .clone();
    let res = s
        .send(
            &app,
            Method::DELETE,
            &s.admin,
            &format!("/attendance-codes/{}", id(&ill)),
            Value::Null,
        )
        .await;
    assert_problem(res, StatusCode::CONFLICT, "in_use").await;
}

// ---------- 12. lessons with journal data survive timetable changes ----------

async fn a_lesson_with_marks_is_kept_for_review_when_its_timetable_entry_goes(app: TestApp) {
    let s = school(&app).await;
    let math_b = s.course("5Б", MATH, None);
    let s05 = s.person(&app, "S05").await;
    // 5Б's Wednesday maths (marks wait for the lesson's day, so past Wednesdays): a mark on
    // 18 November, attendance only on 25 November.
    let dec2 = s.lesson_on(&app, math_b, "2026-11-18").await;
    let dec9 = s.lesson_on(&app, math_b, "2026-11-25").await;
    let body = json!({
        "marks": [mark(dec2, None, s05, "5", 0)],
        "attendance": [{"lesson_id": dec9, "student_id": s05, "code": "б", "version": 0}],
    });
    expect(s.batch(&app, &s.admin, math_b, body).await, StatusCode::OK).await;
    let entry = app
        .get_ok(&s.path("/timetable"), &s.admin)
        .await
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["course_id"] == math_b.to_string() && e["weekday"] == 3)
        .unwrap()
        .clone();
    let res = s
        .send(
            &app,
            Method::DELETE,
            &s.admin,
            &format!("/timetable/{}?from=2026-11-16", id(&entry)),
            Value::Null,
        )
        .await;
    expect(res, StatusCode::NO_CONTENT).await;
    let wednesdays: Vec<Value> = app
        .get_ok(
            &s.path(&format!(
                "/lessons?course_id={math_b}&from=2026-11-16&limit=500"
            )),
            &s.admin,
        )
        .await
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| {
            chrono::NaiveDate::parse_from_str(l["date"].as_str().unwrap(), "%Y-%m-%d")
                .map(|d| chrono::Datelike::weekday(&d) == chrono::Weekday::Wed)
                .unwrap()
        })
        .cloned()
        .collect();
    let kept: Vec<(Uuid, bool, bool)> = wednesdays
        .iter()
        .map(|l| (id(l), l["has_data"] == true, l["needs_review"] == true))
        .collect();
    // The Wednesdays without data are gone; the two with data stay for review.
    assert_eq!(kept, vec![(dec2, true, true), (dec9, true, true)]);
    // The mark is still in the journal.
    let j = s.journal(&app, &s.admin, math_b).await;
    assert_eq!(j["marks"][0]["value"], "5");
    assert_eq!(j["attendance"][0]["code"], "б");
}

// ---------- 13. the write rules of the hardened journal ----------

/// The journal lesson with id `lesson`.
fn journal_lesson(j: &Value, lesson: Uuid) -> &Value {
    j["lessons"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["lesson"]["id"] == lesson.to_string())
        .unwrap_or_else(|| panic!("no lesson {lesson} in the journal"))
}

async fn marks_and_attendance_wait_for_the_lessons_day(app: TestApp) {
    let s = school(&app).await;
    let russian = s.course("5А", RUSSIAN, None);
    let m02 = s.account(&app, "M02", Role::Teacher).await;
    let s01 = s.person(&app, "S01").await;
    // Today is Thursday 26 November; Russian is on Mondays (lesson 2) and Thursdays.
    let nov23 = s.lesson_on(&app, russian, "2026-11-23").await;
    let today = s.lesson_on(&app, russian, "2026-11-26").await;
    let nov30 = s.lesson_on(&app, russian, "2026-11-30").await;
    let dec3 = s.lesson_on(&app, russian, "2026-12-03").await;

    // Neither the teacher nor the admin writes a lesson that has not taken place; nothing of
    // the batch is written, not even the default work.
    for token in [&m02, &s.admin] {
        let body = json!({
            "marks": [mark(today, None, s01, "5", 0), mark(nov30, None, s01, "5", 0)],
            "attendance": [
                {"lesson_id": dec3, "student_id": s01, "code": "н", "version": 0},
            ],
        });
        let res = s.batch(&app, token, russian, body).await;
        let problem =
            assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
        assert_eq!(
            field_errors(&problem),
            errs(&[
                ("marks[1].lesson_id", "future_lesson"),
                ("attendance[0].lesson_id", "future_lesson"),
            ])
        );
    }
    // The one-cell attendance endpoint follows the same rule.
    let res = s
        .send(
            &app,
            Method::PUT,
            &m02,
            &format!("/lessons/{nov30}/attendance/{s01}"),
            json!({"code": "б", "version": 0}),
        )
        .await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(
        field_errors(&problem),
        errs(&[("attendance[0].lesson_id", "future_lesson")])
    );
    let j = s.journal(&app, &m02, russian).await;
    assert_eq!(j["today"], "2026-11-26");
    assert_eq!(j["marks"], json!([]));
    assert_eq!(j["attendance"], json!([]));
    assert!(
        j["lessons"]
            .as_array()
            .unwrap()
            .iter()
            .all(|l| l["works"] == json!([]))
    );

    // The journal: past and today's lessons writable for their teacher, later ones not.
    for (lesson, writable) in [(nov23, true), (today, true), (nov30, false), (dec3, false)] {
        assert_eq!(
            journal_lesson(&j, lesson)["writable"],
            writable,
            "lesson {lesson}"
        );
    }
    let later: Vec<&Value> = j["lessons"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["lesson"]["date"].as_str().unwrap() > "2026-11-26")
        .collect();
    assert!(!later.is_empty());
    assert!(later.iter().all(|l| l["writable"] == false));
    // Not for the admin either.
    let ja = s.journal(&app, &s.admin, russian).await;
    assert_eq!(journal_lesson(&ja, today)["writable"], true);
    assert_eq!(journal_lesson(&ja, nov30)["writable"], false);

    // Today's lesson takes marks and attendance.
    let body = json!({
        "marks": [mark(today, None, s01, "5", 0)],
        "attendance": [{"lesson_id": today, "student_id": s01, "code": "оп", "version": 0}],
    });
    let out = expect(s.batch(&app, &m02, russian, body).await, StatusCode::OK).await;
    assert_eq!(
        (&out["marks"][0]["value"], &out["marks"][0]["version"]),
        (&json!("5"), &json!(1))
    );
    assert_eq!(out["attendance"][0]["code"], "оп");
    let j = s.journal(&app, &m02, russian).await;
    assert_eq!(j["marks"].as_array().unwrap().len(), 1);
    assert_eq!(j["marks"][0]["lesson_id"], today.to_string());
    assert_eq!(avg(&j["averages"], s01), (json!(5.0), 1));
}

async fn a_mark_left_behind_by_a_back_dated_transfer_can_be_cleared_but_not_changed(app: TestApp) {
    let s = school(&app).await;
    let math_a = s.course("5А", MATH, None);
    let m01 = s.account(&app, "M01", Role::Teacher).await;
    let x = s.person(&app, "S03").await;
    let nov23 = s.lesson_on(&app, math_a, "2026-11-23").await;
    let nov25 = s.lesson_on(&app, math_a, "2026-11-25").await;
    // X gets a 5 and an absence on Monday 23 November, a 4 on Wednesday 25 November.
    let body = json!({
        "marks": [mark(nov23, None, x, "5", 0), mark(nov25, None, x, "4", 0)],
        "attendance": [{"lesson_id": nov23, "student_id": x, "code": "н", "version": 0}],
    });
    let out = expect(s.batch(&app, &m01, math_a, body).await, StatusCode::OK).await;
    assert_eq!(avg(&out["averages"], x), (json!(4.5), 2));
    let work23: Uuid = out["marks"][0]["work_id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let work25: Uuid = out["marks"][1]["work_id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();

    // Then the admin records that X moved to 5Б on 18 November.
    let res = app
        .post(
            &s.path(&format!("/students/{x}/transfer")),
            Some(&s.admin),
            json!({"class_id": s.class("5Б"), "date": "2026-11-18"}),
        )
        .await;
    expect(res, StatusCode::CREATED).await;

    // Changing the marks or the attendance is refused…
    let body = json!({
        "marks": [mark(nov23, Some(work23), x, "4", 1)],
        "attendance": [{"lesson_id": nov23, "student_id": x, "code": "б", "version": 1}],
    });
    let res = s.batch(&app, &m01, math_a, body).await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(
        field_errors(&problem),
        errs(&[
            ("marks[0].student_id", "not_enrolled"),
            ("attendance[0].student_id", "not_enrolled"),
        ])
    );
    let res = s.put_mark(&app, &m01, work25, x, Some("3"), 1).await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(
        field_errors(&problem),
        errs(&[("marks[0].student_id", "not_enrolled")])
    );
    let j = s.journal(&app, &m01, math_a).await;
    assert_eq!(avg(&j["averages"], x), (json!(4.5), 2));
    assert_eq!(j["attendance"][0]["code"], "н");

    // …clearing them is allowed, in a batch and through the one-cell endpoints.
    let body = json!({
        "marks": [{"lesson_id": nov23, "work_id": work23, "student_id": x, "value": null, "version": 1}],
        "attendance": [{"lesson_id": nov23, "student_id": x, "code": null, "version": 1}],
    });
    let out = expect(s.batch(&app, &m01, math_a, body).await, StatusCode::OK).await;
    assert_eq!(
        (&out["marks"][0]["value"], &out["marks"][0]["version"]),
        (&Value::Null, &json!(2))
    );
    assert_eq!(
        (
            &out["attendance"][0]["code"],
            &out["attendance"][0]["version"]
        ),
        (&Value::Null, &json!(2))
    );
    let res = s.put_mark(&app, &m01, work25, x, None, 1).await;
    let cleared = expect(res, StatusCode::OK).await;
    assert_eq!(
        (&cleared["value"], &cleared["version"]),
        (&Value::Null, &json!(2))
    );
    // Nothing of X counts in 5А any more.
    let j = s.journal(&app, &m01, math_a).await;
    assert_eq!(avg(&j["averages"], x), (Value::Null, 0));
    assert_eq!(of(&j["averages"], "student_id", x)["absences"], 0);
    let values: Vec<&Value> = j["marks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["student_id"] == x.to_string())
        .map(|m| &m["value"])
        .collect();
    assert_eq!(values, vec![&Value::Null, &Value::Null]);
    assert!(
        j["attendance"]
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["code"].is_null())
    );
    // And once cleared, a value still cannot go back in.
    let res = s.put_mark(&app, &m01, work25, x, Some("4"), 2).await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(
        field_errors(&problem),
        errs(&[("marks[0].student_id", "not_enrolled")])
    );
}

async fn value_and_code_are_required_and_an_omitted_comment_is_kept(app: TestApp) {
    let s = school(&app).await;
    let math = s.course("5А", MATH, None);
    let m01 = s.account(&app, "M01", Role::Teacher).await;
    let s01 = s.person(&app, "S01").await;
    let nov23 = s.lesson_on(&app, math, "2026-11-23").await;
    let work = id(&s.work(&app, &m01, nov23, "oral", 1.0).await);

    // No `value`: 400, in a batch and in the one-cell endpoint; no `code`: 400 too.
    let body =
        json!({"marks": [{"lesson_id": nov23, "work_id": work, "student_id": s01, "version": 0}]});
    let res = s.batch(&app, &m01, math, body).await;
    let problem = assert_problem(res, StatusCode::BAD_REQUEST, "malformed_json").await;
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("missing field `value`"),
        "{problem}"
    );
    let res = s
        .send(
            &app,
            Method::PUT,
            &m01,
            &format!("/works/{work}/marks/{s01}"),
            json!({"comment": "молодец", "version": 0}),
        )
        .await;
    let problem = assert_problem(res, StatusCode::BAD_REQUEST, "malformed_json").await;
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("missing field `value`"),
        "{problem}"
    );
    let body = json!({"attendance": [{"lesson_id": nov23, "student_id": s01, "version": 0}]});
    let res = s.batch(&app, &m01, math, body).await;
    let problem = assert_problem(res, StatusCode::BAD_REQUEST, "malformed_json").await;
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("missing field `code`"),
        "{problem}"
    );
    let res = s
        .send(
            &app,
            Method::PUT,
            &m01,
            &format!("/lessons/{nov23}/attendance/{s01}"),
            json!({"version": 0}),
        )
        .await;
    assert_problem(res, StatusCode::BAD_REQUEST, "malformed_json").await;
    let j = s.journal(&app, &m01, math).await;
    assert_eq!(j["marks"], json!([]));
    assert_eq!(j["attendance"], json!([]));

    // A 5 with a comment; then a 4 without `comment` keeps it.
    let body = json!({"marks": [{
        "lesson_id": nov23, "work_id": work, "student_id": s01,
        "value": "5", "comment": "молодец", "version": 0,
    }]});
    let out = expect(s.batch(&app, &m01, math, body).await, StatusCode::OK).await;
    assert_eq!(
        (&out["marks"][0]["value"], &out["marks"][0]["comment"]),
        (&json!("5"), &json!("молодец"))
    );
    let body = json!({"marks": [mark(nov23, Some(work), s01, "4", 1)]});
    let out = expect(s.batch(&app, &m01, math, body).await, StatusCode::OK).await;
    assert_eq!(
        (
            &out["marks"][0]["value"],
            &out["marks"][0]["comment"],
            &out["marks"][0]["version"]
        ),
        (&json!("4"), &json!("молодец"), &json!(2))
    );
    // The one-cell endpoint without `comment` keeps it as well.
    let res = s.put_mark(&app, &m01, work, s01, Some("3"), 2).await;
    let cell = expect(res, StatusCode::OK).await;
    assert_eq!(
        (&cell["value"], &cell["comment"], &cell["version"]),
        (&json!("3"), &json!("молодец"), &json!(3))
    );
    let j = s.journal(&app, &m01, math).await;
    assert_eq!(
        (&j["marks"][0]["value"], &j["marks"][0]["comment"]),
        (&json!("3"), &json!("молодец"))
    );
    // `""` removes it (the value stays).
    let res = s
        .send(
            &app,
            Method::PUT,
            &m01,
            &format!("/works/{work}/marks/{s01}"),
            json!({"value": "3", "comment": "", "version": 3}),
        )
        .await;
    let cell = expect(res, StatusCode::OK).await;
    assert_eq!(
        (&cell["value"], &cell["comment"], &cell["version"]),
        (&json!("3"), &Value::Null, &json!(4))
    );
    let j = s.journal(&app, &m01, math).await;
    assert_eq!(
        (&j["marks"][0]["value"], &j["marks"][0]["comment"]),
        (&json!("3"), &Value::Null)
    );
}

async fn a_label_never_shadows_another_code_or_scale_value(app: TestApp) {
    let s = school(&app).await;
    let codes_before = s.settings(&app).await["attendance_codes"].clone();
    // A new code labelled «Н» would make «н» mean two codes.
    let res = s
        .send(
            &app,
            Method::POST,
            &s.admin,
            "/attendance-codes",
            json!({"code": "до", "label": "Н", "name": "дистант", "counts_as_absence": false}),
        )
        .await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(field_errors(&problem), errs(&[("label", "duplicate")]));
    // A label equal to another code is refused as well.
    let res = s
        .send(
            &app,
            Method::POST,
            &s.admin,
            "/attendance-codes",
            json!({"code": "д", "label": "уп", "name": "дистант", "counts_as_absence": false}),
        )
        .await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(field_errors(&problem), errs(&[("label", "duplicate")]));
    assert_eq!(s.settings(&app).await["attendance_codes"], codes_before);
    // A code of its own is fine: `до` shown as «Д».
    let res = s
        .send(
            &app,
            Method::POST,
            &s.admin,
            "/attendance-codes",
            json!({"code": "до", "label": "Д", "name": "дистант", "counts_as_absence": false}),
        )
        .await;
    let created = expect(res, StatusCode::CREATED).await;
    assert_eq!(
        (&created["code"], &created["label"]),
        (&json!("до"), &json!("Д"))
    );
    // Now a code `д` would be shadowed by that label.
    let res = s
        .send(
            &app,
            Method::POST,
            &s.admin,
            "/attendance-codes",
            json!({"code": "Д", "label": "ДД", "name": "другое", "counts_as_absence": true}),
        )
        .await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(field_errors(&problem), errs(&[("label", "duplicate")]));
    assert_eq!(
        s.settings(&app).await["attendance_codes"]
            .as_array()
            .unwrap()
            .len(),
        5
    );

    // A scale whose labels swap its values is refused.
    let res = s
        .send(
            &app,
            Method::POST,
            &s.admin,
            "/mark-scales",
            json!({"code": "swap", "name": "Перевёртыш", "values": [
                {"value": "a", "label": "b", "counts": false, "passing": true},
                {"value": "b", "label": "a", "counts": false, "passing": false},
            ]}),
        )
        .await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(
        field_errors(&problem),
        errs(&[("values[1].value", "duplicate")])
    );
    let scales = s.settings(&app).await["scales"].clone();
    assert_eq!(scales.as_array().unwrap().len(), 2);

    // Typing «н» or «Н» still stores `н`; «Д» (the label) stores `до`.
    let math = s.course("5А", MATH, None);
    let m01 = s.account(&app, "M01", Role::Teacher).await;
    let s01 = s.person(&app, "S01").await;
    let s02 = s.person(&app, "S02").await;
    let s03 = s.person(&app, "S03").await;
    let nov23 = s.lesson_on(&app, math, "2026-11-23").await;
    let body = json!({"attendance": [
        {"lesson_id": nov23, "student_id": s01, "code": "н", "version": 0},
        {"lesson_id": nov23, "student_id": s02, "code": "Н", "version": 0},
        {"lesson_id": nov23, "student_id": s03, "code": "Д", "version": 0},
    ]});
    let out = expect(s.batch(&app, &m01, math, body).await, StatusCode::OK).await;
    let codes: Vec<&Value> = out["attendance"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| &a["code"])
        .collect();
    assert_eq!(codes, vec![&json!("н"), &json!("н"), &json!("до")]);
    let j = s.journal(&app, &m01, math).await;
    assert_eq!(of(&j["attendance"], "student_id", s01)["code"], "н");
    assert_eq!(of(&j["attendance"], "student_id", s03)["code"], "до");
    // н counts as an absence, the distance code does not.
    assert_eq!(of(&j["averages"], "student_id", s01)["absences"], 1);
    assert_eq!(of(&j["averages"], "student_id", s03)["absences"], 0);
}

async fn lengths_are_checked_after_lower_casing(app: TestApp) {
    let s = school(&app).await;
    let before = s.settings(&app).await;
    // «İ» is one character that lower-cases to two: 8 of them are 16 stored characters.
    let long = "İ".repeat(8);
    assert_eq!(long.chars().count(), 8);
    assert_eq!(long.to_lowercase().chars().count(), 16);
    let res = s
        .send(
            &app,
            Method::POST,
            &s.admin,
            "/mark-scales",
            json!({"code": "dotted", "name": "Точки", "values": [
                {"value": long, "label": "İ", "counts": false, "passing": true},
            ]}),
        )
        .await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(
        field_errors(&problem),
        errs(&[("values[0].value", "length")])
    );
    // An attendance code of 4 such characters is 8 after lower-casing.
    let res = s
        .send(
            &app,
            Method::POST,
            &s.admin,
            "/attendance-codes",
            json!({"code": "İİİİ", "label": "İ", "name": "точки", "counts_as_absence": false}),
        )
        .await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(field_errors(&problem), errs(&[("code", "format")]));
    // Nothing was stored.
    assert_eq!(s.settings(&app).await, before);
    // Within the limits after lower-casing, both are accepted and stored lower case.
    let res = s
        .send(
            &app,
            Method::POST,
            &s.admin,
            "/mark-scales",
            json!({"code": "dotted", "name": "Точки", "values": [
                {"value": "İİİİ", "label": "İİİİ", "counts": false, "passing": true},
            ]}),
        )
        .await;
    let created = expect(res, StatusCode::CREATED).await;
    assert_eq!(created["values"][0]["value"], "İİİİ".to_lowercase());
    let res = s
        .send(
            &app,
            Method::POST,
            &s.admin,
            "/attendance-codes",
            json!({"code": "İİ", "label": "İİ", "name": "точки", "counts_as_absence": false}),
        )
        .await;
    let created = expect(res, StatusCode::CREATED).await;
    assert_eq!(created["code"], "İİ".to_lowercase());
}

async fn a_work_with_a_comment_only_cell_is_in_use(app: TestApp) {
    let s = school(&app).await;
    let math = s.course("5А", MATH, None);
    let m01 = s.account(&app, "M01", Role::Teacher).await;
    let s01 = s.person(&app, "S01").await;
    let nov23 = s.lesson_on(&app, math, "2026-11-23").await;
    let work = id(&s.work(&app, &m01, nov23, "homework", 1.0).await);
    let cell = format!("/works/{work}/marks/{s01}");
    let res = s
        .send(
            &app,
            Method::PUT,
            &m01,
            &cell,
            json!({"value": null, "comment": "нет тетради", "version": 0}),
        )
        .await;
    let out = expect(res, StatusCode::OK).await;
    assert_eq!(
        (&out["value"], &out["comment"], &out["version"]),
        (&Value::Null, &json!("нет тетради"), &json!(1))
    );
    let res = s
        .send(
            &app,
            Method::DELETE,
            &m01,
            &format!("/works/{work}"),
            Value::Null,
        )
        .await;
    assert_problem(res, StatusCode::CONFLICT, "in_use").await;
    let j = s.journal(&app, &m01, math).await;
    assert_eq!(
        journal_lesson(&j, nov23)["works"][0]["id"],
        work.to_string()
    );
    assert_eq!(j["marks"][0]["comment"], "нет тетради");
    // With the comment removed, the work goes.
    let res = s
        .send(
            &app,
            Method::PUT,
            &m01,
            &cell,
            json!({"value": null, "comment": "", "version": 1}),
        )
        .await;
    assert_eq!(expect(res, StatusCode::OK).await["comment"], Value::Null);
    let res = s
        .send(
            &app,
            Method::DELETE,
            &m01,
            &format!("/works/{work}"),
            Value::Null,
        )
        .await;
    expect(res, StatusCode::NO_CONTENT).await;
    let j = s.journal(&app, &m01, math).await;
    assert_eq!(journal_lesson(&j, nov23)["works"], json!([]));
}

async fn recent_marks_take_up_to_500(app: TestApp) {
    let s = school(&app).await;
    let math = s.course("5А", MATH, None);
    let m01 = s.account(&app, "M01", Role::Teacher).await;
    let student = s.account(&app, "S01", Role::Student).await;
    let s01 = s.person(&app, "S01").await;
    let nov23 = s.lesson_on(&app, math, "2026-11-23").await;
    let body = json!({"marks": [mark(nov23, None, s01, "5", 0)]});
    expect(s.batch(&app, &m01, math, body).await, StatusCode::OK).await;
    let feed = |limit: &str| {
        let path = s.path(&format!("/students/{s01}/recent-marks?limit={limit}"));
        let app = &app;
        let student = &student;
        async move { app.get(&path, Some(student)).await }
    };
    let items = expect(feed("500").await, StatusCode::OK).await;
    let items = items.as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(
        (&items[0]["lesson_id"], &items[0]["value"]),
        (&json!(nov23.to_string()), &json!("5"))
    );
    let problem = assert_problem(
        feed("501").await,
        StatusCode::BAD_REQUEST,
        "invalid_query_parameter",
    )
    .await;
    assert!(
        problem["detail"].as_str().unwrap().contains("1 to 500"),
        "{problem}"
    );
}

/// Break-it finding: a negative `version` in a journal write was taken as a stale version (412,
/// or worse, compared with a cell's version). Versions are ≥ 0 for cells (0: never written) and
/// ≥ 1 for works: anything less is 422 `validation_failed` with `range` on the field, checked
/// before anything is read or written, in the batch and in the one-cell endpoints.
async fn a_negative_version_is_refused_with_422_and_writes_nothing(app: TestApp) {
    let s = school(&app).await;
    let math = s.course("5А", MATH, None);
    let m01 = s.account(&app, "M01", Role::Teacher).await;
    let s01 = s.person(&app, "S01").await;
    let nov23 = s.lesson_on(&app, math, "2026-11-23").await;
    let body = json!({
        "marks": [mark(nov23, None, s01, "5", -1)],
        "attendance": [{"lesson_id": nov23, "student_id": s01, "code": "н", "version": -3}],
    });
    let problem = assert_problem(
        s.batch(&app, &m01, math, body).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(
        field_errors(&problem),
        errs(&[
            ("attendance[0].version", "range"),
            ("marks[0].version", "range")
        ]),
        "{problem}"
    );
    let j = s.journal(&app, &m01, math).await;
    assert_eq!(j["marks"], json!([]));
    assert_eq!(j["attendance"], json!([]));
    assert!(
        j["lessons"]
            .as_array()
            .unwrap()
            .iter()
            .all(|l| l["works"] == json!([]))
    );

    // The one-cell endpoints: the field is `version`.
    let res = s
        .send(
            &app,
            Method::PUT,
            &m01,
            &format!("/lessons/{nov23}/attendance/{s01}"),
            json!({"code": "н", "version": i32::MIN}),
        )
        .await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(field_errors(&problem), errs(&[("version", "range")]));
    let work = s.work(&app, &m01, nov23, "oral", 1.0).await;
    let res = s.put_mark(&app, &m01, id(&work), s01, Some("5"), -1).await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(field_errors(&problem), errs(&[("version", "range")]));
    // A work starts at version 1.
    let res = s
        .send(
            &app,
            Method::PUT,
            &m01,
            &format!("/works/{}", id(&work)),
            json!({"work_type_id": work["work_type_id"], "weight": 2.0, "version": 0}),
        )
        .await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(field_errors(&problem), errs(&[("version", "range")]));
    // Nothing was written by the refusals; version 0 of a new cell still writes.
    let j = s.journal(&app, &m01, math).await;
    assert_eq!(j["marks"], json!([]));
    assert_eq!(j["attendance"], json!([]));
    let res = s.put_mark(&app, &m01, id(&work), s01, Some("5"), 0).await;
    assert_eq!(expect(res, StatusCode::OK).await["version"], 1);
}

/// A teacher's write whose request began before the teacher was taken off the course (the
/// session's `schools.generation` still the old one, the old snapshot cached) is refused: the
/// write's lock reads the counter again and the write decides from the new snapshot.
async fn a_write_decides_from_the_course_as_it_is_under_the_lock(app: TestApp) {
    use sea_orm::{ConnectionTrait, EntityTrait, PaginatorTrait};
    let s = school(&app).await;
    let math = s.course("5А", MATH, None);
    let m01 = s.account(&app, "M01", Role::Teacher).await;
    let s01 = s.person(&app, "S01").await;
    let l = s.lesson_on(&app, math, "2026-11-25").await;
    let me = app.get_ok("/me", &m01).await;
    // The journal warms the snapshot the request below starts from.
    app.get_ok(&s.path(&format!("/courses/{math}/journal")), &m01)
        .await;
    let actor = otmetka_api::auth::Actor {
        account_id: me["account_id"].as_str().unwrap().parse().unwrap(),
        login: me["login"].as_str().unwrap().into(),
        is_superadmin: false,
        roles: vec![(s.id, Role::Teacher)],
        generations: vec![(s.id, app.school_generation(s.id).await)],
        session_id: None,
        api_token: None,
        client: Default::default(),
    };
    let batch = || -> otmetka_domain::journal::JournalBatch {
        serde_json::from_value(json!({"marks": [mark(l, None, s01, "5", 0)]})).unwrap()
    };
    let write = |actor| {
        otmetka_api::service::journal::write_batch(
            &app.state.db,
            actor,
            s.id,
            math,
            None,
            batch(),
            NOW.parse().unwrap(),
        )
    };
    // Taken off the course after the session was read, before the write's lock.
    let row = match app.state.db.get_database_backend() {
        sea_orm::DbBackend::Sqlite => format!("X'{}'", math.simple()),
        _ => format!("'{math}'"),
    };
    app.state
        .db
        .execute_unprepared(&format!(
            "DELETE FROM course_teachers WHERE course_id = {row}"
        ))
        .await
        .unwrap();
    let err = write(&actor)
        .await
        .expect_err("M01 no longer teaches the course");
    assert_eq!(err.code, otmetka_domain::ErrorCode::Forbidden, "{err:?}");
    let marks = otmetka_api::entity::mark::Entity::find()
        .count(&app.state.db)
        .await
        .unwrap();
    assert_eq!(marks, 0, "nothing written");
}
