//! Reports (issue 7): the performance and quality report of the issue's crafted class of ten
//! (final marks, suggestions, the class drill-down, subject rows), its CSV and XLSX against the
//! JSON, attendance over a hand-built range, the weekly journal-keeping control with its score
//! and drill-down, the monthly activity, and who may read what.
//!
//! Every case runs on a small school of one class (5А, ten students, three subjects) imported
//! from the CSV texts below, with the clock of `journal.rs`: Thursday 26 November 2026, 12:00 in
//! Moscow (quarter 1: 1 September – 24 October, its final marks closed on 27 October; quarter 2:
//! 5 November – 26 December). Servers with other clocks on the same database stand for other
//! moments.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use chrono::{Datelike, Duration};
use otmetka_api::startup::Application;
use otmetka_domain::Role;
use reqwest::{Method, Response, StatusCode};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::*;
use crate::journal::{School, expect, field_errors, id, instance_at, mark, server_at};

/// Runs an `async fn(TestApp)` on both databases with the clock of `journal.rs` (26 November
/// 2026, 12:00 in Moscow).
macro_rules! reports_tests {
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

reports_tests!(
    quality_of_the_crafted_class_of_ten_from_final_marks,
    quality_of_a_term_without_final_marks_comes_from_suggestions,
    quality_csv_and_xlsx_carry_the_numbers_of_the_json,
    attendance_of_a_hand_built_range_per_student_class_and_week,
    journal_control_of_a_hand_built_week_with_its_score_and_drill_down,
    activity_of_the_month_sign_ins_diary_views_edits_and_invites,
    students_and_parents_read_no_report_and_teachers_only_their_own,
    a_quality_csv_table_without_rows_is_a_file_with_its_header_row,
    a_substitutes_lesson_counts_for_the_substitute_for_every_reader,
);

// ---------- the small school ----------

const SUBJECTS: &str = "name,short_name
Математика,Мат
Русский язык,Рус
Литература,Лит
";
const STAFF: &str = "external_id,last_name,first_name,middle_name,role,subject,email
T01,Орлова,Анна,Петровна,teacher,,
T02,Белов,Игорь,Сергеевич,teacher,,
T03,Зуева,Ольга,Ивановна,teacher,,
";
/// 5А's class teacher is T01, who teaches its maths and literature; T02 teaches Russian; T03
/// teaches nothing.
const CLASSES: &str = "name,grade,letter,class_teacher_external_id
5А,5,А,T01
";
/// Ten students, their names in the order of their external ids.
const STUDENTS: &str = "external_id,last_name,first_name,middle_name,birth_date,sex,class,group
S01,Акимов,Артём,Ильич,2015-01-10,M,5А,
S02,Борисова,Вера,Олеговна,2015-02-11,F,5А,
S03,Васильев,Глеб,Петрович,2015-03-12,M,5А,
S04,Гусева,Дарья,Сергеевна,2015-04-13,F,5А,
S05,Дмитриев,Егор,Егорович,2015-05-14,M,5А,
S06,Егорова,Жанна,Ивановна,2015-06-15,F,5А,
S07,Жуков,Захар,Олегович,2015-07-16,M,5А,
S08,Зайцева,Ирина,Павловна,2015-08-17,F,5А,
S09,Ильин,Кирилл,Романович,2015-09-18,M,5А,
S10,Котова,Лидия,Семёновна,2015-10-19,F,5А,
";
const PARENTS: &str =
    "external_id,last_name,first_name,middle_name,student_external_id,relation,phone
P01,Акимова,Мария,Сергеевна,S01,мать,
P02,Борисов,Олег,Иванович,S02,отец,
";
const COURSES: &str = "class,subject,teacher_external_id,hours_per_week,group
5А,Математика,T01,3,
5А,Русский язык,T02,3,
5А,Литература,T01,2,
";
/// Monday: maths, Russian, literature; Tuesday: maths, Russian; Wednesday: literature;
/// Thursday: maths, Russian. Eight lessons a week, 3 + 2 + 1 + 2 a day.
const TIMETABLE: &str = "class,weekday,lesson_number,subject,teacher_external_id,group,room
5А,1,1,Математика,T01,,101
5А,1,2,Русский язык,T02,,102
5А,1,3,Литература,T01,,101
5А,2,1,Математика,T01,,101
5А,2,2,Русский язык,T02,,102
5А,3,1,Литература,T01,,101
5А,4,1,Математика,T01,,101
5А,4,2,Русский язык,T02,,102
";

const MATH: &str = "Математика";
const RUSSIAN: &str = "Русский язык";
const LITERATURE: &str = "Литература";
const Q1: &str = "quarter_1";
const REASON: &str = "итоговые отметки выставляет завуч";

/// The names of S01…S10, in that order (the order of the students' tables).
const NAMES: [&str; 10] = [
    "Акимов Артём Ильич",
    "Борисова Вера Олеговна",
    "Васильев Глеб Петрович",
    "Гусева Дарья Сергеевна",
    "Дмитриев Егор Егорович",
    "Егорова Жанна Ивановна",
    "Жуков Захар Олегович",
    "Зайцева Ирина Павловна",
    "Ильин Кирилл Романович",
    "Котова Лидия Семёновна",
];

async fn school(app: &TestApp) -> School {
    let root = app.superadmin().await;
    let (id, admin) = app.school_with_admin(&root, "Школа № 12", "admin.r").await;
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
    let list = |path: &'static str| {
        let admin = admin.clone();
        async move {
            app.get_ok(&format!("/schools/{id}/{path}"), &admin)
                .await
                .as_array()
                .unwrap()
                .clone()
        }
    };
    let courses = list("courses").await;
    let classes = list("classes").await;
    School {
        id,
        admin,
        courses,
        classes,
    }
}

/// The ids of S01…S10.
async fn students(app: &TestApp, s: &School) -> Vec<Uuid> {
    let mut out = Vec::new();
    for i in 1..=10 {
        out.push(s.person(app, &format!("S{i:02}")).await);
    }
    out
}

/// A GET of a report under the school that must answer 200.
async fn report(app: &TestApp, s: &School, token: &str, path: &str) -> Value {
    app.get_ok(&s.path(path), token).await
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

/// A second server on the same database whose clock is the real one: its base URL.
async fn live_server(app: &TestApp) -> String {
    let mut settings = (*app.state.settings).clone();
    settings.fixed_clock = None;
    let other = Application::build(settings).await.expect("build app");
    let base = format!("http://127.0.0.1:{}", other.port());
    tokio::spawn(other.run_until_stopped());
    base
}

/// A download that must answer 200: (content type, content disposition, bytes).
async fn download(app: &TestApp, s: &School, token: &str, path: &str) -> (String, String, Vec<u8>) {
    let res = app.get(&s.path(path), Some(token)).await;
    let status = res.status();
    let header = |name: &str| {
        res.headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default()
    };
    let (ct, cd) = (header("content-type"), header("content-disposition"));
    let bytes = res.bytes().await.unwrap().to_vec();
    assert_eq!(
        status,
        StatusCode::OK,
        "GET {path}: {}",
        String::from_utf8_lossy(&bytes)
    );
    (ct, cd, bytes)
}

/// A report's CSV: checks the BOM and the content type; the records, header first.
async fn csv_of(app: &TestApp, s: &School, token: &str, path: &str) -> Vec<Vec<String>> {
    let (ct, cd, bytes) = download(app, s, token, path).await;
    assert!(ct.starts_with("text/csv"), "{ct}");
    assert!(cd.starts_with("attachment; filename=\""), "{cd}");
    assert!(cd.contains("filename*=UTF-8''"), "{cd}");
    assert_eq!(&bytes[..3], &[0xEF, 0xBB, 0xBF], "no BOM");
    csv::ReaderBuilder::new()
        .delimiter(b';')
        .has_headers(false)
        .from_reader(&bytes[3..])
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

/// A CSV number with a decimal comma (`77,8`).
fn num(cell: &str) -> f64 {
    assert!(!cell.contains('.'), "a decimal point in {cell:?}");
    cell.replace(',', ".")
        .parse()
        .unwrap_or_else(|_| panic!("not a number: {cell:?}"))
}

/// A JSON number (or null) as the CSV writes it: `77,8`, `10`, `` for null.
fn as_csv(v: &Value, decimals: usize) -> String {
    match v.as_f64() {
        None => String::new(),
        Some(x) if decimals == 0 => format!("{x}"),
        Some(x) => format!("{x:.decimals$}").replace('.', ","),
    }
}

/// Asserts every field of `want` in `actual`.
fn assert_fields(actual: &Value, want: Value, what: &str) {
    for (k, v) in want.as_object().unwrap() {
        assert_eq!(&actual[k], v, "{what}: {k} in {actual}");
    }
}

/// The row of `list` whose `key` field is `value`.
fn row_of<'a>(list: &'a Value, key: &str, value: &str) -> &'a Value {
    list.as_array()
        .unwrap_or_else(|| panic!("not a list: {list}"))
        .iter()
        .find(|r| r[key] == value)
        .unwrap_or_else(|| panic!("no {key} = {value} in {list}"))
}

/// One decimal, as the reports round percentages.
fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// Two decimals, as the reports round averages.
fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// The XLSX of a report: checks the content type; the workbook.
async fn xlsx_of(app: &TestApp, s: &School, token: &str, path: &str) -> Xlsx<Cursor<Vec<u8>>> {
    let (ct, cd, bytes) = download(app, s, token, path).await;
    assert_eq!(
        ct,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    assert!(cd.contains(".xlsx"), "{cd}");
    Xlsx::new(Cursor::new(bytes)).expect("an XLSX workbook")
}

/// A sheet of a workbook as rows of cells.
fn sheet(book: &mut Xlsx<Cursor<Vec<u8>>>, name: &str) -> Vec<Vec<Data>> {
    let range = book
        .worksheet_range(name)
        .unwrap_or_else(|e| panic!("sheet {name}: {e}"));
    range.rows().map(|r| r.to_vec()).collect()
}

fn text_of(d: &Data) -> String {
    match d {
        Data::String(s) => s.clone(),
        Data::Empty => String::new(),
        other => panic!("not text: {other:?}"),
    }
}

fn number_of(d: &Data) -> Option<f64> {
    match d {
        Data::Float(f) => Some(*f),
        Data::Int(n) => Some(*n as f64),
        Data::Empty => None,
        other => panic!("not a number: {other:?}"),
    }
}

/// A batch of final marks of one course as the admin (quarter 1 has closed: with a reason).
async fn finals(app: &TestApp, s: &School, course: Uuid, marks: &[(Uuid, &str)]) {
    let cells: Vec<Value> = marks
        .iter()
        .map(|(st, v)| json!({"student_id": st, "term": Q1, "value": v, "version": 0}))
        .collect();
    let res = s
        .send(
            app,
            Method::POST,
            &s.admin,
            &format!("/courses/{course}/final-marks"),
            json!({"marks": cells, "reason": REASON}),
        )
        .await;
    expect(res, StatusCode::OK).await;
}

/// The issue's crafted class: per student (S01…S10) the quarter-1 marks of maths, Russian and
/// literature.
const CRAFTED: [[&str; 3]; 10] = [
    ["5", "5", "5"],       // S01 отличник
    ["5", "5", "5"],       // S02 отличник
    ["4", "5", "5"],       // S03 хорошист
    ["4", "4", "5"],       // S04 хорошист
    ["4", "4", "4"],       // S05 хорошист
    ["3", "4", "5"],       // S06 с одной «3»
    ["3", "5", "5"],       // S07 с одной «3»
    ["2", "4", "5"],       // S08 неуспевающий
    ["н/а", "4", "4"],     // S09 не аттестован
    ["осв", "осв", "осв"], // S10 освобождён
];

/// Writes [`CRAFTED`] through the final-marks API; the students' ids.
async fn crafted_class(app: &TestApp, s: &School) -> Vec<Uuid> {
    let ids = students(app, s).await;
    for (i, subject) in [MATH, RUSSIAN, LITERATURE].into_iter().enumerate() {
        let course = s.course("5А", subject, None);
        let marks: Vec<(Uuid, &str)> = ids.iter().zip(CRAFTED).map(|(st, m)| (*st, m[i])).collect();
        finals(app, s, course, &marks).await;
    }
    ids
}

// ---------- 1. quality ----------

async fn quality_of_the_crafted_class_of_ten_from_final_marks(app: TestApp) {
    let s = school(&app).await;
    let ids = crafted_class(&app, &s).await;
    let class = s.class("5А");

    // The default term is the quarter that ended last: quarter 1.
    let r = report(&app, &s, &s.admin, "/reports/quality").await;
    assert_eq!(r["term"], Q1);
    assert_eq!(r["term_title"], "1 четверть");
    assert_eq!(r["basis"], "final", "every mark is a final mark");
    let classes = r["classes"].as_array().unwrap();
    assert_eq!(classes.len(), 1, "{r}");
    let row = &classes[0];
    assert_eq!(
        (&row["key"], &row["label"], &row["grade"], &row["class_id"]),
        (
            &json!(format!("class:{class}")),
            &json!("5А"),
            &json!(5),
            &json!(class)
        )
    );
    // Thirty final marks (the exempt student's осв included), no suggestion.
    assert_eq!(
        (&row["final_marks"], &row["suggested_marks"]),
        (&json!(30), &json!(0))
    );
    // The marks of the nine attested: 5 — 2·3 + 2 + 1 + 0 + 2 + 1 + 1 = 13; 4 — 1 + 2 + 3 + 1 +
    // 0 + 1 + 2 = 10; 3 — 2; 2 — 1; н/а — 1: 27 marks, 26 numeric.
    let (n5, n4, n3, n2, n_na) = (13u32, 10u32, 2u32, 1u32, 1u32);
    // СОУ = (100·13 + 64·10 + 36·2 + 16·1 + 7·1) / 27 = (1300 + 640 + 72 + 16 + 7) / 27
    //     = 2035 / 27 = 75.37… → 75.4 %.
    let sou = round1(
        f64::from(100 * n5 + 64 * n4 + 36 * n3 + 16 * n2 + 7 * n_na)
            / f64::from(n5 + n4 + n3 + n2 + n_na),
    );
    assert_eq!(sou, 75.4);
    // Average = (5·13 + 4·10 + 3·2 + 2·1) / 26 = 113 / 26 = 4.346… → 4.35.
    let average =
        round2(f64::from(5 * n5 + 4 * n4 + 3 * n3 + 2 * n2) / f64::from(n5 + n4 + n3 + n2));
    assert_eq!(average, 4.35);
    let class_stats = json!({
        "students": 10, "attested": 9,
        "excellent": 2, "good": 3, "one_three": 2, "satisfactory": 0, "passed": 0,
        "failing": 1, "not_attested": 1, "exempt": 1, "no_marks": 0,
        "n5": n5, "n4": n4, "n3": n3, "n2": n2, "n_na": n_na,
        // 7 / 9 = 77.8 %, 5 / 9 = 55.6 %.
        "pass_rate": 77.8, "quality": 55.6, "sou": sou, "average": average,
    });
    assert_eq!(row["stats"], class_stats, "the class row");
    // The school and its one grade level are the class.
    assert_eq!(r["school"]["stats"], class_stats, "the school row");
    assert_eq!(r["school"]["key"], "school");
    assert_eq!(
        (&r["school"]["final_marks"], &r["school"]["suggested_marks"]),
        (&json!(30), &json!(0))
    );
    let grades = r["grades"].as_array().unwrap();
    assert_eq!(grades.len(), 1);
    assert_eq!(
        (&grades[0]["key"], &grades[0]["label"]),
        (&json!("grade:5"), &json!("5 классы"))
    );
    assert_eq!(grades[0]["stats"], class_stats, "the grade row");

    // Subject rows: every student × subject pair stands alone by its one mark.
    // Maths: 5, 5, 4, 4, 4, 3, 3, 2, н/а, осв → 2 отличника, 3 хорошиста, 2 с одной «3», 1
    // неуспевающий, 1 н/а, 1 освобождён; N = 9. Marks: 5×2, 4×3, 3×2, 2×1, н/а×1 = 9.
    // СОУ = (100·2 + 64·3 + 36·2 + 16·1 + 7·1) / 9 = (200 + 192 + 72 + 16 + 7) / 9 = 487 / 9 =
    // 54.11… → 54.1; average = (10 + 12 + 6 + 2) / 8 = 3.75.
    let subjects = &r["subjects"];
    assert_eq!(subjects.as_array().unwrap().len(), 3, "{subjects}");
    let names: Vec<&str> = subjects
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["label"].as_str().unwrap())
        .collect();
    assert_eq!(names, [LITERATURE, MATH, RUSSIAN]);
    let math = row_of(subjects, "label", MATH);
    let math_sou = round1(f64::from(100 * 2 + 64 * 3 + 36 * 2 + 16 + 7) / 9.0);
    assert_eq!(math_sou, 54.1);
    assert_eq!(
        math["stats"],
        json!({
            "students": 10, "attested": 9,
            "excellent": 2, "good": 3, "one_three": 2, "satisfactory": 0, "passed": 0,
            "failing": 1, "not_attested": 1, "exempt": 1, "no_marks": 0,
            "n5": 2, "n4": 3, "n3": 2, "n2": 1, "n_na": 1,
            "pass_rate": 77.8, "quality": 55.6, "sou": math_sou, "average": 3.75,
        }),
        "maths"
    );
    assert_eq!(
        (&math["final_marks"], &math["suggested_marks"]),
        (&json!(10), &json!(0))
    );
    // Russian: 5, 5, 5, 4, 4, 4, 5, 4, 4, осв → 4 отличника, 5 хорошистов; СОУ = (100·4 +
    // 64·5) / 9 = 720 / 9 = 80.0; average = 40 / 9 = 4.44.
    let russian = row_of(subjects, "label", RUSSIAN);
    assert_fields(
        &russian["stats"],
        json!({"students": 10, "attested": 9, "excellent": 4, "good": 5, "exempt": 1,
               "pass_rate": 100.0, "quality": 100.0, "sou": 80.0, "average": 4.44}),
        "Russian",
    );
    // Literature: 5 ×7, 4 ×2, осв → СОУ = (700 + 128) / 9 = 92.0; average = 43 / 9 = 4.78.
    assert_fields(
        &row_of(subjects, "label", LITERATURE)["stats"],
        json!({"excellent": 7, "good": 2, "exempt": 1, "sou": 92.0, "average": 4.78}),
        "literature",
    );
    // Teachers: T01 maths and literature (20 pairs), T02 Russian (the Russian row).
    let teachers = &r["teachers"];
    let labels: Vec<&str> = teachers
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels, ["Белов Игорь Сергеевич", "Орлова Анна Петровна"]);
    assert_eq!(teachers[0]["stats"], russian["stats"]);
    assert_fields(
        &teachers[1]["stats"],
        json!({"students": 20, "attested": 18, "excellent": 9, "good": 5, "one_three": 2,
               "failing": 1, "not_attested": 1, "exempt": 2}),
        "Орлова",
    );
    // Courses: one per subject, their stats the subject's.
    let courses = &r["courses"];
    assert_eq!(courses.as_array().unwrap().len(), 3);
    let math_course = row_of(courses, "label", "5А · Математика");
    assert_eq!(math_course["stats"], math["stats"]);
    assert_eq!(math_course["course_id"], json!(s.course("5А", MATH, None)));
    // No drill-down without class_id.
    assert_eq!(
        (&r["students"], &r["subjects_of_class"]),
        (&json!([]), &json!([]))
    );

    // The class drill-down: the ten students by name with their standings and marks.
    let r = report(
        &app,
        &s,
        &s.admin,
        &format!("/reports/quality?term=quarter_1&class_id={class}&basis=final"),
    )
    .await;
    assert_eq!(r["basis"], "final");
    assert_eq!(r["classes"][0]["stats"], class_stats);
    let shorts: Vec<(&str, &str)> = r["subjects_of_class"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            (
                x["name"].as_str().unwrap(),
                x["short_name"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        shorts,
        [(LITERATURE, "Лит"), (MATH, "Мат"), (RUSSIAN, "Рус")]
    );
    let list = r["students"].as_array().unwrap();
    assert_eq!(list.len(), 10, "{r}");
    let standings = [
        "excellent",
        "excellent",
        "good",
        "good",
        "good",
        "one_three",
        "one_three",
        "failing",
        "not_attested",
        "exempt",
    ];
    let averages = [
        json!(5.0),
        json!(5.0),
        json!(4.67),
        json!(4.33),
        json!(4.0),
        json!(4.0),
        json!(4.33),
        json!(3.67),
        json!(4.0),
        Value::Null,
    ];
    for (i, st) in list.iter().enumerate() {
        assert_eq!(st["student_id"], json!(ids[i]), "{st}");
        assert_eq!(st["name"], NAMES[i]);
        assert_eq!(st["standing"], standings[i], "{st}");
        assert_eq!(st["average"], averages[i], "{st}");
        // Columns: literature, maths, Russian.
        let [m, ru, lit] = CRAFTED[i];
        assert_eq!(
            st["marks"],
            json!([
                {"value": lit, "suggested": false},
                {"value": m, "suggested": false},
                {"value": ru, "suggested": false},
            ]),
            "{st}"
        );
    }
}

async fn quality_of_a_term_without_final_marks_comes_from_suggestions(app: TestApp) {
    let s = school(&app).await;
    let ids = students(&app, &s).await;
    let math = s.course("5А", MATH, None);
    let russian = s.course("5А", RUSSIAN, None);
    // Quarter 2, current marks only (every work of weight 1): S01 maths 5, 4, 4 → 4.33 → 4;
    // S02 maths 3, 4 → 3.5 → 4 (threshold 0.5); S03 Russian 2, 3 → 2.5 → 3.
    let [m9, m10, m12] = [
        s.lesson_on(&app, math, "2026-11-09").await,
        s.lesson_on(&app, math, "2026-11-10").await,
        s.lesson_on(&app, math, "2026-11-12").await,
    ];
    let body = json!({"marks": [
        mark(m9, None, ids[0], "5", 0), mark(m10, None, ids[0], "4", 0), mark(m12, None, ids[0], "4", 0),
        mark(m9, None, ids[1], "3", 0), mark(m10, None, ids[1], "4", 0),
    ]});
    expect(s.batch(&app, &s.admin, math, body).await, StatusCode::OK).await;
    let [r9, r10] = [
        s.lesson_on(&app, russian, "2026-11-09").await,
        s.lesson_on(&app, russian, "2026-11-10").await,
    ];
    let body = json!({"marks": [mark(r9, None, ids[2], "2", 0), mark(r10, None, ids[2], "3", 0)]});
    expect(s.batch(&app, &s.admin, russian, body).await, StatusCode::OK).await;

    let class = s.class("5А");
    for path in [
        format!("/reports/quality?term=quarter_2&class_id={class}"),
        format!("/reports/quality?term=quarter_2&class_id={class}&basis=auto"),
        format!("/reports/quality?term=quarter_2&class_id={class}&basis=suggested"),
    ] {
        let r = report(&app, &s, &s.admin, &path).await;
        assert_eq!(r["basis"], "suggested", "{path}");
        let row = &r["classes"][0];
        assert_eq!(
            (&row["final_marks"], &row["suggested_marks"]),
            (&json!(0), &json!(3)),
            "{path}"
        );
        // S01 4, S02 4, S03 3; the other seven have no mark. N = 3: 3 / 3 pass, 2 / 3 quality;
        // СОУ = (64·2 + 36·1) / 3 = 164 / 3 = 54.67 → 54.7; average = 11 / 3 = 3.67.
        assert_eq!(
            row["stats"],
            json!({
                "students": 10, "attested": 3,
                "excellent": 0, "good": 2, "one_three": 1, "satisfactory": 0, "passed": 0,
                "failing": 0, "not_attested": 0, "exempt": 0, "no_marks": 7,
                "n5": 0, "n4": 2, "n3": 1, "n2": 0, "n_na": 0,
                "pass_rate": 100.0, "quality": 66.7, "sou": round1(164.0 / 3.0), "average": 3.67,
            }),
            "{path}"
        );
        assert_eq!(row_of(&r["subjects"], "label", MATH)["suggested_marks"], 2);
        assert_eq!(
            row_of(&r["courses"], "label", "5А · Русский язык")["suggested_marks"],
            1
        );
        // The drill-down marks the suggestions.
        let st = row_of(&r["students"], "name", NAMES[0]);
        assert_eq!(st["standing"], "good");
        assert_eq!(
            st["marks"],
            json!([
                {"value": null, "suggested": false},
                {"value": "4", "suggested": true},
                {"value": null, "suggested": false},
            ])
        );
        let st = row_of(&r["students"], "name", NAMES[2]);
        assert_eq!(st["standing"], "one_three");
        assert_eq!(st["marks"][2], json!({"value": "3", "suggested": true}));
        assert_eq!(
            row_of(&r["students"], "name", NAMES[5])["standing"],
            "no_marks"
        );
    }
    // Final marks only: nothing yet.
    let r = report(
        &app,
        &s,
        &s.admin,
        "/reports/quality?term=quarter_2&basis=final",
    )
    .await;
    assert_eq!(r["basis"], "empty");
    let row = &r["classes"][0];
    assert_eq!(
        (&row["final_marks"], &row["suggested_marks"]),
        (&json!(0), &json!(0))
    );
    assert_fields(
        &row["stats"],
        json!({"students": 10, "attested": 0, "no_marks": 10, "pass_rate": null,
               "quality": null, "sou": null, "average": null}),
        "quarter 2, final only",
    );
    // A final mark for one pair makes the report mixed; it wins over the suggestion.
    let q2_open = server_at(&app, "2026-12-21T09:00:00Z").await;
    let res = call(
        &app,
        &q2_open,
        &s,
        Method::POST,
        &s.admin,
        &format!("/courses/{math}/final-marks"),
        Some(json!({"marks": [{"student_id": ids[0], "term": "quarter_2", "value": "5", "version": 0}]})),
    )
    .await;
    expect(res, StatusCode::OK).await;
    let r = report(&app, &s, &s.admin, "/reports/quality?term=quarter_2").await;
    assert_eq!(r["basis"], "mixed");
    let row = &r["classes"][0];
    assert_eq!(
        (
            &row["final_marks"],
            &row["suggested_marks"],
            &row["stats"]["n5"],
            &row["stats"]["n4"]
        ),
        (&json!(1), &json!(2), &json!(1), &json!(1))
    );
    // A bad term is refused.
    let res = app
        .get(&s.path("/reports/quality?term=quarter_9"), Some(&s.admin))
        .await;
    assert_problem(res, StatusCode::BAD_REQUEST, "invalid_query_parameter").await;
}

// ---------- 2. CSV and XLSX ----------

/// The 14 numbers of a quality row as the tables write them (Учеников … Предварительных).
fn quality_numbers(row: &Value) -> Vec<String> {
    let q = &row["stats"];
    let mut out: Vec<String> = [
        "students",
        "attested",
        "excellent",
        "good",
        "one_three",
        "satisfactory",
        "failing",
        "not_attested",
        "exempt",
    ]
    .iter()
    .map(|k| as_csv(&q[k], 0))
    .collect();
    out.push(as_csv(&q["pass_rate"], 1));
    out.push(as_csv(&q["quality"], 1));
    out.push(as_csv(&q["sou"], 1));
    out.push(as_csv(&q["average"], 2));
    out.push(as_csv(&row["suggested_marks"], 0));
    out
}

async fn quality_csv_and_xlsx_carry_the_numbers_of_the_json(app: TestApp) {
    let s = school(&app).await;
    crafted_class(&app, &s).await;
    let json = report(&app, &s, &s.admin, "/reports/quality?term=quarter_1").await;

    let rows = csv_of(
        &app,
        &s,
        &s.admin,
        "/reports/quality.csv?term=quarter_1&table=classes",
    )
    .await;
    assert_eq!(
        rows[0],
        [
            "Класс",
            "Учеников",
            "Аттестовано",
            "Отличники",
            "Хорошисты",
            "С одной «3»",
            "Троечники",
            "Неуспевающие",
            "Н/а",
            "Освобождены",
            "Успеваемость, %",
            "Качество, %",
            "СОУ, %",
            "Средний балл",
            "Предварительных отметок",
        ]
    );
    // The class, then the school.
    assert_eq!(rows.len(), 3, "{rows:?}");
    assert_eq!(rows[1][0], "5А");
    assert_eq!(rows[2][0], "Школа");
    assert_eq!(rows[1][1..], quality_numbers(&json["classes"][0])[..]);
    assert_eq!(rows[2][1..], quality_numbers(&json["school"])[..]);
    // Decimal commas that read back as the JSON's numbers.
    assert_eq!(rows[1][10], "77,8");
    assert_eq!(num(&rows[1][10]), json["classes"][0]["stats"]["pass_rate"]);
    assert_eq!(num(&rows[1][11]), json["classes"][0]["stats"]["quality"]);
    assert_eq!(num(&rows[1][12]), json["classes"][0]["stats"]["sou"]);
    assert_eq!(rows[1][13], "4,35");
    // The default table is the classes'; the subjects' table has a row per subject.
    let default = csv_of(&app, &s, &s.admin, "/reports/quality.csv?term=quarter_1").await;
    assert_eq!(default, rows);
    let subjects = csv_of(
        &app,
        &s,
        &s.admin,
        "/reports/quality.csv?term=quarter_1&table=subjects",
    )
    .await;
    assert_eq!(subjects[0][0], "Предмет");
    assert_eq!(subjects.len(), 4);
    for (i, r) in json["subjects"].as_array().unwrap().iter().enumerate() {
        assert_eq!(subjects[i + 1][0], r["label"].as_str().unwrap());
        assert_eq!(subjects[i + 1][1..], quality_numbers(r)[..]);
    }
    // The students' table of the drill-down.
    let class = s.class("5А");
    let students = csv_of(
        &app,
        &s,
        &s.admin,
        &format!("/reports/quality.csv?term=quarter_1&class_id={class}&table=students"),
    )
    .await;
    assert_eq!(
        students[0],
        ["Ученик", "Итог", "Лит", "Мат", "Рус", "Средний балл"]
    );
    assert_eq!(students[1], [NAMES[0], "отличник", "5", "5", "5", "5,00"]);
    assert_eq!(
        students[8],
        [NAMES[7], "неуспевающий", "5", "2", "4", "3,67"]
    );
    assert_eq!(
        students[10],
        [NAMES[9], "освобождён", "осв", "осв", "осв", ""]
    );
    // An unknown table: 422 problem+json naming the field.
    let res = app
        .get(
            &s.path("/reports/quality.csv?term=quarter_1&table=nope"),
            Some(&s.admin),
        )
        .await;
    let p = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(
        field_errors(&p),
        [("table".to_string(), "unknown".to_string())]
    );
    // `students` without a class is not a table of the report.
    let res = app
        .get(
            &s.path("/reports/quality.csv?term=quarter_1&table=students"),
            Some(&s.admin),
        )
        .await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;

    // The XLSX: one sheet per table, numbers as numbers.
    let mut book = xlsx_of(&app, &s, &s.admin, "/reports/quality.xlsx?term=quarter_1").await;
    assert_eq!(
        book.sheet_names(),
        [
            "По классам",
            "По параллелям",
            "По предметам",
            "По учителям",
            "По классам и предметам"
        ]
    );
    let classes = sheet(&mut book, "По классам");
    assert_eq!(classes.len(), 3);
    let headers: Vec<String> = classes[0].iter().map(text_of).collect();
    assert_eq!(headers, rows[0]);
    for (r, row) in [(1, &json["classes"][0]), (2, &json["school"])] {
        let q = &row["stats"];
        let cells = &classes[r];
        assert_eq!(text_of(&cells[0]), row["label"].as_str().unwrap());
        for (c, k) in ["students", "attested", "excellent", "good", "one_three"]
            .iter()
            .enumerate()
        {
            assert_eq!(number_of(&cells[c + 1]), q[k].as_f64(), "{k}");
        }
        assert_eq!(number_of(&cells[10]), q["pass_rate"].as_f64());
        assert_eq!(number_of(&cells[10]), Some(77.8));
        assert_eq!(number_of(&cells[11]), Some(55.6));
        assert_eq!(number_of(&cells[12]), q["sou"].as_f64());
        assert_eq!(number_of(&cells[13]), Some(4.35));
        assert_eq!(number_of(&cells[14]), Some(0.0));
    }
    let subjects_sheet = sheet(&mut book, "По предметам");
    assert_eq!(subjects_sheet.len(), 4);
    assert_eq!(text_of(&subjects_sheet[2][0]), MATH);
    assert_eq!(number_of(&subjects_sheet[2][12]), Some(54.1));
    assert_eq!(number_of(&subjects_sheet[2][13]), Some(3.75));
}

// ---------- 3. attendance ----------

/// One attendance cell of a batch.
fn att(lesson: Uuid, student: Uuid, code: &str) -> Value {
    json!({"lesson_id": lesson, "student_id": student, "code": code, "version": 0})
}

/// The numbers of an attendance row: (students, lessons, [н, б, уп, оп], missed, excused, %,
/// days missed, above the threshold).
fn attendance_numbers(r: &Value) -> Value {
    let codes: Vec<(String, Value)> = r["by_code"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["code"].as_str().unwrap().to_string(), c["count"].clone()))
        .collect();
    json!({
        "students": r["students"], "lessons": r["lessons"], "by_code": codes,
        "missed": r["missed"], "missed_excused": r["missed_excused"],
        "missed_percent": r["missed_percent"], "days_missed": r["days_missed"],
        "above_threshold": r["above_threshold"],
    })
}

#[allow(clippy::too_many_arguments)]
fn want_attendance(
    students: u32,
    lessons: u32,
    codes: [u32; 4],
    missed: u32,
    excused: u32,
    percent: Option<f64>,
    days: u32,
    above: u32,
) -> Value {
    json!({
        "students": students, "lessons": lessons,
        "by_code": [["н", codes[0]], ["б", codes[1]], ["уп", codes[2]], ["оп", codes[3]]],
        "missed": missed, "missed_excused": excused, "missed_percent": percent,
        "days_missed": days, "above_threshold": above,
    })
}

async fn attendance_of_a_hand_built_range_per_student_class_and_week(app: TestApp) {
    let s = school(&app).await;
    let ids = students(&app, &s).await;
    let [math, russian, lit] = [MATH, RUSSIAN, LITERATURE].map(|x| s.course("5А", x, None));
    // 18–24 November: Wednesday 18 literature; Thursday 19 maths, Russian; Monday 23 maths,
    // Russian, literature; Tuesday 24 maths, Russian — 8 lessons per student, 3 in the week of
    // 16 November (clipped to 18–22), 5 in the week of 23 November (clipped to 23–24).
    let lit18 = s.lesson_on(&app, lit, "2026-11-18").await;
    let math19 = s.lesson_on(&app, math, "2026-11-19").await;
    let rus19 = s.lesson_on(&app, russian, "2026-11-19").await;
    let math23 = s.lesson_on(&app, math, "2026-11-23").await;
    let rus23 = s.lesson_on(&app, russian, "2026-11-23").await;
    let lit23 = s.lesson_on(&app, lit, "2026-11-23").await;
    let math24 = s.lesson_on(&app, math, "2026-11-24").await;
    let rus24 = s.lesson_on(&app, russian, "2026-11-24").await;
    // S01: н at every lesson of Monday 23 (a whole day). S02: б at both lessons of Thursday 19
    // (a whole day), уп at maths on Tuesday 24. S03: оп (late, present) on Wednesday 18, н at
    // Russian on Tuesday 24 (not the whole day). S04: н at Wednesday 18's only lesson (a whole
    // day). Outside the range: S05 н on Tuesday 17 and Wednesday 25.
    let batches = [
        (
            math,
            vec![
                att(math23, ids[0], "н"),
                att(math19, ids[1], "б"),
                att(math24, ids[1], "уп"),
                att(s.lesson_on(&app, math, "2026-11-17").await, ids[4], "н"),
            ],
        ),
        (
            russian,
            vec![
                att(rus23, ids[0], "н"),
                att(rus19, ids[1], "б"),
                att(rus24, ids[2], "н"),
            ],
        ),
        (
            lit,
            vec![
                att(lit23, ids[0], "н"),
                att(lit18, ids[2], "оп"),
                att(lit18, ids[3], "н"),
                att(s.lesson_on(&app, lit, "2026-11-25").await, ids[4], "н"),
            ],
        ),
    ];
    for (course, cells) in batches {
        let res = s
            .batch(&app, &s.admin, course, json!({ "attendance": cells }))
            .await;
        expect(res, StatusCode::OK).await;
    }

    let path = "/reports/attendance?from=2026-11-18&to=2026-11-24&threshold=30";
    let r = report(&app, &s, &s.admin, path).await;
    assert_eq!(
        (&r["from"], &r["to"], &r["threshold_percent"]),
        (&json!("2026-11-18"), &json!("2026-11-24"), &json!(30.0))
    );
    let codes: Vec<(&str, &str)> = r["codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["code"].as_str().unwrap(), c["label"].as_str().unwrap()))
        .collect();
    assert_eq!(codes, [("н", "Н"), ("б", "Б"), ("уп", "УП"), ("оп", "ОП")]);
    // Per student: 8 lessons each; missed = н + б + уп, excused = б + уп.
    let students = r["students"].as_array().unwrap();
    assert_eq!(students.len(), 10, "{r}");
    let want = [
        // S01: 3 н of 8 = 37.5 % > 30; one whole day.
        want_attendance(1, 8, [3, 0, 0, 0], 3, 0, Some(37.5), 1, 1),
        // S02: 2 б + 1 уп = 3, all excused; 37.5 %; one whole day.
        want_attendance(1, 8, [0, 2, 1, 0], 3, 3, Some(37.5), 1, 1),
        // S03: оп is not an absence; 1 н of 8 = 12.5 %; no whole day.
        want_attendance(1, 8, [1, 0, 0, 1], 1, 0, Some(12.5), 0, 0),
        // S04: the only lesson of Wednesday 18 missed: a whole day.
        want_attendance(1, 8, [1, 0, 0, 0], 1, 0, Some(12.5), 1, 0),
        // S05: the absences are outside the range.
        want_attendance(1, 8, [0, 0, 0, 0], 0, 0, Some(0.0), 0, 0),
    ];
    for (i, w) in want.iter().enumerate() {
        let st = &students[i];
        assert_eq!(st["label"], NAMES[i]);
        assert_eq!(st["key"], format!("student:{}", ids[i]));
        assert_eq!(st["student_id"], json!(ids[i]));
        assert_eq!(st["class_id"], json!(s.class("5А")));
        assert_eq!(&attendance_numbers(st), w, "{}", NAMES[i]);
    }
    for st in &students[5..] {
        assert_eq!(
            attendance_numbers(st),
            want_attendance(1, 8, [0, 0, 0, 0], 0, 0, Some(0.0), 0, 0)
        );
    }
    // The class (and the total): 10 × 8 = 80 lessons; н 3 + 1 + 1 = 5, б 2, уп 1, оп 1; missed
    // 8 = 10.0 %, 3 excused; 3 whole days; 2 students above 30 %.
    let class_want = want_attendance(10, 80, [5, 2, 1, 1], 8, 3, Some(10.0), 3, 2);
    let classes = r["classes"].as_array().unwrap();
    assert_eq!(classes.len(), 1);
    assert_eq!(classes[0]["label"], "5А");
    assert_eq!(attendance_numbers(&classes[0]), class_want);
    assert_eq!(attendance_numbers(&r["total"]), class_want);
    assert_eq!(
        r["codes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["count"].as_u64().unwrap())
            .collect::<Vec<_>>(),
        [5, 2, 1, 1]
    );
    // The weeks, clipped to the range: 18–22 November 3 lessons each (30): S02 б 2, S03 оп, S04
    // н; missed 3 = 10.0 %, excused 2; two whole days. 23–24 November 5 each (50): S01 н 3, S03
    // н, S02 уп; missed 5 = 10.0 %, excused 1; one whole day.
    let weeks = r["weeks"].as_array().unwrap();
    assert_eq!(weeks.len(), 2);
    assert_eq!(
        (&weeks[0]["key"], &weeks[0]["label"]),
        (&json!("week:2026-11-16"), &json!("18.11–22.11"))
    );
    assert_eq!(
        attendance_numbers(&weeks[0]),
        want_attendance(10, 30, [1, 2, 0, 1], 3, 2, Some(10.0), 2, 0)
    );
    assert_eq!(
        (&weeks[1]["key"], &weeks[1]["label"]),
        (&json!("week:2026-11-23"), &json!("23.11–24.11"))
    );
    assert_eq!(
        attendance_numbers(&weeks[1]),
        want_attendance(10, 50, [4, 0, 1, 0], 5, 1, Some(10.0), 1, 0)
    );
    // A threshold of 40 %: nobody above it.
    let r40 = report(
        &app,
        &s,
        &s.admin,
        "/reports/attendance?from=2026-11-18&to=2026-11-24&threshold=40",
    )
    .await;
    assert_eq!(r40["total"]["above_threshold"], 0);

    // The CSVs carry the JSON's numbers.
    let csv = csv_of(
        &app,
        &s,
        &s.admin,
        &path.replace("attendance?", "attendance.csv?"),
    )
    .await;
    assert_eq!(
        csv[0],
        [
            "Класс",
            "Учеников",
            "Уроков",
            "Н",
            "Б",
            "УП",
            "ОП",
            "Пропущено уроков",
            "Из них по уважительной",
            "Пропущено, %",
            "Пропущено дней",
            "Выше 30 %"
        ]
    );
    assert_eq!(
        csv[1],
        [
            "5А", "10", "80", "5", "2", "1", "1", "8", "3", "10,0", "3", "2"
        ]
    );
    assert_eq!(csv[2][0], "Итого");
    assert_eq!(csv[2][1..], csv[1][1..]);
    assert_eq!(num(&csv[1][9]), r["total"]["missed_percent"]);
    let csv = csv_of(
        &app,
        &s,
        &s.admin,
        &format!(
            "{}&table=students",
            path.replace("attendance?", "attendance.csv?")
        ),
    )
    .await;
    assert_eq!(csv[0][..3], ["Ученик", "Класс", "Уроков"]);
    assert_eq!(csv.len(), 11);
    assert_eq!(
        csv[2],
        [
            NAMES[1], "5А", "8", "0", "2", "1", "0", "3", "3", "37,5", "1"
        ]
    );
    assert_eq!(num(&csv[3][9]), students[2]["missed_percent"]);
    let weeks_csv = csv_of(
        &app,
        &s,
        &s.admin,
        &format!(
            "{}&table=weeks",
            path.replace("attendance?", "attendance.csv?")
        ),
    )
    .await;
    assert_eq!(
        weeks_csv[1],
        [
            "18.11–22.11",
            "10",
            "30",
            "1",
            "2",
            "0",
            "1",
            "3",
            "2",
            "10,0",
            "2",
            "0"
        ]
    );
    let res = app
        .get(
            &s.path("/reports/attendance.csv?table=months"),
            Some(&s.admin),
        )
        .await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    let mut book = xlsx_of(
        &app,
        &s,
        &s.admin,
        &path.replace("attendance?", "attendance.xlsx?"),
    )
    .await;
    assert_eq!(
        book.sheet_names(),
        ["По классам", "По ученикам", "По неделям"]
    );
    let sh = sheet(&mut book, "По классам");
    assert_eq!(text_of(&sh[1][0]), "5А");
    assert_eq!(number_of(&sh[1][2]), Some(80.0));
    assert_eq!(number_of(&sh[1][9]), Some(10.0));
    let sh = sheet(&mut book, "По ученикам");
    assert_eq!(number_of(&sh[1][9]), Some(37.5));

    // The class teacher reads their class; another teacher may not ask for it.
    let t01 = s.account(&app, "T01", Role::Teacher).await;
    let t02 = s.account(&app, "T02", Role::Teacher).await;
    let class = s.class("5А");
    let mine = report(&app, &s, &t01, &format!("{path}&class_id={class}")).await;
    assert_eq!(attendance_numbers(&mine["total"]), class_want);
    let res = app
        .get(&s.path(&format!("{path}&class_id={class}")), Some(&t02))
        .await;
    assert_problem(res, StatusCode::FORBIDDEN, "forbidden").await;
    // Without class_id, a teacher who leads no class sees no class.
    let theirs = report(&app, &s, &t02, path).await;
    assert_eq!(theirs["classes"], json!([]));
    assert_eq!(theirs["students"], json!([]));
    assert_eq!(theirs["total"]["lessons"], 0);

    // `from` after `to`: 422.
    let res = app
        .get(
            &s.path("/reports/attendance?from=2026-11-20&to=2026-11-19"),
            Some(&s.admin),
        )
        .await;
    let p = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(
        field_errors(&p),
        [("from".to_string(), "range".to_string())]
    );
    // A threshold outside 0–100: 422.
    let res = app
        .get(
            &s.path("/reports/attendance?from=2026-11-18&to=2026-11-24&threshold=120"),
            Some(&s.admin),
        )
        .await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
}

// ---------- 4. journal control ----------

/// Sets a lesson's topic and homework as the admin.
async fn content(app: &TestApp, s: &School, lesson: Uuid, topic: &str, homework: &str) {
    let current = app
        .get_ok(&s.path(&format!("/lessons/{lesson}")), &s.admin)
        .await;
    let res = s
        .send(
            app,
            Method::PUT,
            &s.admin,
            &format!("/lessons/{lesson}/content"),
            json!({"topic": topic, "homework": homework, "version": current["version"]}),
        )
        .await;
    expect(res, StatusCode::OK).await;
}

/// The counts of a control row, in the order of the tables.
fn control_numbers(r: &Value) -> Value {
    let c = &r["counts"];
    json!([
        c["lessons_held"],
        c["without_topic"],
        c["without_homework"],
        c["without_attendance"],
        c["marks"],
        c["marks_per_student_lesson"],
        c["students"],
        c["students_below_min"],
        c["students_without_marks"],
        c["late_marks"],
        c["missing_finals"],
        c["score"],
    ])
}

/// The mean of the shares (numerator, denominator) that have a denominator, × 100, one
/// decimal.
fn score(shares: &[(u32, u32)]) -> f64 {
    let s: Vec<f64> = shares
        .iter()
        .filter(|(_, d)| *d > 0)
        .map(|(n, d)| f64::from(*n) / f64::from(*d))
        .collect();
    round1(s.iter().sum::<f64>() / s.len() as f64 * 100.0)
}

async fn journal_control_of_a_hand_built_week_with_its_score_and_drill_down(app: TestApp) {
    let s = school(&app).await;
    let ids = students(&app, &s).await;
    let [math, russian, lit] = [MATH, RUSSIAN, LITERATURE].map(|x| s.course("5А", x, None));
    // Literature expects no homework.
    let subjects = app.get_ok(&s.path("/subjects"), &s.admin).await;
    let literature = row_of(&subjects, "name", LITERATURE);
    assert_eq!(literature["homework_expected"], true, "the default");
    let res = s
        .send(
            &app,
            Method::PUT,
            &s.admin,
            &format!("/subjects/{}", id(literature)),
            json!({"name": LITERATURE, "short_name": "Лит", "homework_expected": false}),
        )
        .await;
    assert_eq!(
        expect(res, StatusCode::OK).await["homework_expected"],
        false
    );

    // The week of 16 November: maths on 16, 17, 19; Russian on 16, 17, 19; literature on 16,
    // 18.
    let m16 = s.lesson_on(&app, math, "2026-11-16").await;
    let m17 = s.lesson_on(&app, math, "2026-11-17").await;
    let m19 = s.lesson_on(&app, math, "2026-11-19").await;
    let l16 = s.lesson_on(&app, lit, "2026-11-16").await;
    let l18 = s.lesson_on(&app, lit, "2026-11-18").await;
    // Maths: topics on 16 and 17 (not 19), homework on 16 only.
    content(&app, &s, m16, "Дроби", "№ 12, 13").await;
    content(&app, &s, m17, "Сравнение дробей", "").await;
    // Literature: a topic on 16 only, no homework at all (not expected).
    content(&app, &s, l16, "Басни Крылова", "").await;
    // Attendance: maths 16 an absence written; maths 17 «все присутствуют»; maths 19 nothing.
    // Literature: 18 «все присутствуют», 16 nothing.
    let body = json!({"attendance": [att(m16, ids[0], "н")]});
    expect(s.batch(&app, &s.admin, math, body).await, StatusCode::OK).await;
    for lesson in [m17, l18] {
        let path = s.path(&format!("/lessons/{lesson}/attendance-taken"));
        let res = app.send(Method::POST, &path, Some(&s.admin), None).await;
        let out = expect(res, StatusCode::OK).await;
        assert_eq!(out, json!({"attendance_taken_at": "2026-11-26T09:00:00Z"}));
    }
    // Pressed again later: the first instant stays.
    let later = server_at(&app, "2026-11-26T10:00:00Z").await;
    let res = call(
        &app,
        &later,
        &s,
        Method::POST,
        &s.admin,
        &format!("/lessons/{m17}/attendance-taken"),
        None,
    )
    .await;
    assert_eq!(
        expect(res, StatusCode::OK).await["attendance_taken_at"],
        "2026-11-26T09:00:00Z"
    );
    // The journal shows which lessons had attendance taken.
    let q2 = app.get_ok(&s.path("/periods"), &s.admin).await;
    let q2 = id(q2
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["number"] == 2)
        .unwrap());
    let journal = app
        .get_ok(
            &s.path(&format!("/courses/{math}/journal?period_id={q2}")),
            &s.admin,
        )
        .await;
    let taken = |l: Uuid| {
        journal["lessons"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["lesson"]["id"] == l.to_string())
            .unwrap_or_else(|| panic!("no lesson {l} in the journal"))["attendance_taken"]
            .clone()
    };
    assert_eq!(
        [taken(m16), taken(m17), taken(m19)],
        [json!(true), json!(true), json!(false)]
    );

    // Marks. On Thursday 19 November (in time): maths 16 S01 5, S02 4; maths 19 S03 3; and S01's
    // earlier marks of the quarter (9 and 10 November). On 26 November (the clock): maths 16 S04
    // 4 and maths 17 S05 5 — more than D = 7 days late; maths 19 S06 4 — 7 days, in time.
    let nov19 = server_at(&app, "2026-11-19T09:00:00Z").await;
    let body = json!({"marks": [
        mark(m16, None, ids[0], "5", 0), mark(m16, None, ids[1], "4", 0),
        mark(m19, None, ids[2], "3", 0),
        mark(s.lesson_on(&app, math, "2026-11-09").await, None, ids[0], "4", 0),
        mark(s.lesson_on(&app, math, "2026-11-10").await, None, ids[0], "5", 0),
    ]});
    let res = call(
        &app,
        &nov19,
        &s,
        Method::POST,
        &s.admin,
        &format!("/courses/{math}/journal"),
        Some(body),
    )
    .await;
    expect(res, StatusCode::OK).await;
    let body = json!({"marks": [
        mark(m16, None, ids[3], "4", 0), mark(m17, None, ids[4], "5", 0), mark(m19, None, ids[5], "4", 0),
    ]});
    expect(s.batch(&app, &s.admin, math, body).await, StatusCode::OK).await;
    // Final marks of quarter 1 (its deadline, 27 October, has passed): maths for S01–S07 (3
    // missing), literature for all ten, Russian none.
    let five: Vec<(Uuid, &str)> = ids.iter().map(|st| (*st, "5")).collect();
    finals(&app, &s, math, &five[..7]).await;
    finals(&app, &s, lit, &five).await;

    let t01 = s.account(&app, "T01", Role::Teacher).await;
    let t02 = s.account(&app, "T02", Role::Teacher).await;
    let orlova = s.person(&app, "T01").await;
    let belov = s.person(&app, "T02").await;
    let r = report(
        &app,
        &s,
        &s.admin,
        "/reports/journal-control?week=2026-11-18",
    )
    .await;
    assert_fields(
        &r,
        json!({"from": "2026-11-16", "to": "2026-11-22", "min_marks": 3, "late_days": 7,
               "period_term": "quarter_2", "period_starts_on": "2026-11-05",
               "finals_term": "quarter_1"}),
        "control",
    );
    let courses = &r["courses"];
    let keys: Vec<&str> = courses
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["key"].as_str().unwrap())
        .collect();
    assert_eq!(
        keys,
        [
            format!("course:{russian}:{belov}"),
            format!("course:{lit}:{orlova}"),
            format!("course:{math}:{orlova}"),
        ]
    );
    // Maths (T01): 3 lessons, 1 without a topic, 2 without homework, 1 without attendance; 6
    // marks of which 2 late; 6 / (10 students × 3 lessons) = 0.2 per student and lesson. Marks in
    // quarter 2 so far: S01 3, S02–S06 1, S07–S10 none → 9 below M = 3, 4 without. Finals: 3 of
    // 10 missing.
    let m = row_of(courses, "key", &format!("course:{math}:{orlova}"));
    assert_fields(
        m,
        json!({"teacher_id": orlova, "teacher_name": "Орлова Анна Петровна", "course_id": math,
               "class_name": "5А", "subject_name": MATH}),
        "maths row",
    );
    // Score = mean(2/3 topics, 1/3 homework, 2/3 attendance, 1/10 students, 4/6 in time, 7/10
    // finals) = (0.667 + 0.333 + 0.667 + 0.1 + 0.667 + 0.7) / 6 = 3.133 / 6 = 0.5222 → 52.2.
    let math_score = score(&[(2, 3), (1, 3), (2, 3), (1, 10), (4, 6), (7, 10)]);
    assert_eq!(math_score, 52.2);
    assert_eq!(
        control_numbers(m),
        json!([3, 1, 2, 1, 6, 0.2, 10, 9, 4, 2, 3, math_score])
    );
    // Literature (T01): 2 lessons, 1 without a topic, homework not expected, 1 without
    // attendance; no marks (0 per student and lesson); all 10 below M and without marks; no
    // final mark missing. Score = mean(1/2, 1/2, 0/10, 10/10) — no homework share, no marks
    // share = 2 / 4 = 50.0.
    let lit_score = score(&[(1, 2), (0, 0), (1, 2), (0, 10), (0, 0), (10, 10)]);
    assert_eq!(lit_score, 50.0);
    let l = row_of(courses, "key", &format!("course:{lit}:{orlova}"));
    assert_eq!(
        control_numbers(l),
        json!([2, 1, 0, 1, 0, 0.0, 10, 10, 10, 0, 0, lit_score])
    );
    // Russian (T02): nothing done; no final marks. Score 0.
    let ru = row_of(courses, "key", &format!("course:{russian}:{belov}"));
    assert_eq!(
        control_numbers(ru),
        json!([3, 3, 3, 3, 0, 0.0, 10, 10, 10, 0, 10, 0.0])
    );
    // The teachers: T01 is maths and literature together — 5 lessons, 2 without a topic, 2
    // without homework (of 3 due), 2 without attendance, 6 marks / (10 × 3 + 10 × 2) = 0.12, 20
    // students, 19 below M, 14 without, 2 late, 3 of 20 finals missing. Score = mean(3/5, 1/3,
    // 3/5, 1/20, 4/6, 17/20) = (0.6 + 0.333 + 0.6 + 0.05 + 0.667 + 0.85) / 6 = 3.1 / 6 → 51.7.
    let teachers = &r["teachers"];
    let names: Vec<&str> = teachers
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["teacher_name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Белов Игорь Сергеевич", "Орлова Анна Петровна"]);
    let t = row_of(teachers, "key", &format!("teacher:{orlova}"));
    assert_eq!(
        (&t["course_id"], &t["class_name"]),
        (&Value::Null, &Value::Null)
    );
    let t01_score = score(&[(3, 5), (1, 3), (3, 5), (1, 20), (4, 6), (17, 20)]);
    assert_eq!(t01_score, 51.7);
    assert_eq!(
        control_numbers(t),
        json!([5, 2, 2, 2, 6, 0.12, 20, 19, 14, 2, 3, t01_score])
    );
    assert_eq!(
        control_numbers(row_of(teachers, "key", &format!("teacher:{belov}"))),
        control_numbers(ru)
    );

    // The drill-down lists the lessons and students behind the numbers.
    let detail = |issue: &'static str| {
        let path = format!(
            "/reports/journal-control/courses/{math}?week=2026-11-18{}",
            if issue.is_empty() {
                String::new()
            } else {
                format!("&issue={issue}")
            }
        );
        let token = s.admin.clone();
        let s = &s;
        let app = &app;
        async move { report(app, s, &token, &path).await }
    };
    let d = detail("without_topic").await;
    assert_fields(
        &d,
        json!({"course_id": math, "label": "5А · Математика", "from": "2026-11-16",
               "to": "2026-11-22", "issue": "without_topic", "students": []}),
        "without_topic",
    );
    assert_eq!(
        d["lessons"],
        json!([{
            "lesson_id": m19, "course_id": math, "date": "2026-11-19", "lesson_number": 1,
            "topic": null, "homework": null, "homework_expected": true,
            "attendance_taken": false, "marks": 2, "late_marks": 0, "substitute_name": null,
        }])
    );
    let lessons_of = |d: &Value| -> Vec<Value> {
        d["lessons"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["lesson_id"].clone())
            .collect()
    };
    assert_eq!(
        lessons_of(&detail("without_homework").await),
        [json!(m17), json!(m19)]
    );
    assert_eq!(
        lessons_of(&detail("without_attendance").await),
        [json!(m19)]
    );
    let late = detail("late_marks").await;
    assert_eq!(lessons_of(&late), [json!(m16), json!(m17)]);
    assert_eq!(
        late["lessons"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| (
                l["marks"].as_u64().unwrap(),
                l["late_marks"].as_u64().unwrap()
            ))
            .collect::<Vec<_>>(),
        [(3, 1), (1, 1)]
    );
    let all = detail("").await;
    assert_eq!(lessons_of(&all), [json!(m16), json!(m17), json!(m19)]);
    assert_eq!(all["students"].as_array().unwrap().len(), 10);
    assert_eq!(
        all["students"][0],
        json!({"student_id": ids[0], "name": NAMES[0], "marks": 3})
    );
    let without = detail("without_marks").await;
    assert_eq!(without["lessons"], json!([]));
    let names: Vec<&str> = without["students"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, NAMES[6..]);
    let below = detail("below_min_marks").await;
    assert_eq!(below["students"].as_array().unwrap().len(), 9);
    assert_eq!(below["students"][0]["name"], NAMES[1]);
    assert_eq!(below["students"][0]["marks"], 1);

    // The CSV carries the JSON's numbers.
    let csv = csv_of(
        &app,
        &s,
        &s.admin,
        "/reports/journal-control.csv?week=2026-11-18&table=courses",
    )
    .await;
    assert_eq!(
        csv[0],
        [
            "Учитель",
            "Класс",
            "Предмет",
            "Уроков проведено",
            "Без темы",
            "Без д/з",
            "Без посещаемости",
            "Отметок",
            "Отметок на ученика за урок",
            "Учеников",
            "Меньше 3 отметок",
            "Без отметок",
            "Отметки с опозданием",
            "Нет итоговых",
            "Балл"
        ]
    );
    assert_eq!(csv.len(), 4);
    assert_eq!(
        csv[3],
        [
            "Орлова Анна Петровна",
            "5А",
            MATH,
            "3",
            "1",
            "2",
            "1",
            "6",
            "0,20",
            "10",
            "9",
            "4",
            "2",
            "3",
            "52,2"
        ]
    );
    assert_eq!(num(&csv[3][14]), m["counts"]["score"]);
    let csv = csv_of(
        &app,
        &s,
        &s.admin,
        "/reports/journal-control.csv?week=2026-11-18",
    )
    .await;
    assert_eq!(csv[0][0], "Учитель");
    assert_eq!(csv[2][0], "Орлова Анна Петровна");
    assert_eq!(num(&csv[2][12]), t["counts"]["score"]);
    assert_eq!(csv[2][6], "0,12");
    let mut book = xlsx_of(
        &app,
        &s,
        &s.admin,
        "/reports/journal-control.xlsx?week=2026-11-18",
    )
    .await;
    assert_eq!(
        book.sheet_names(),
        ["По учителям", "По классам и предметам"]
    );
    let sh = sheet(&mut book, "По учителям");
    assert_eq!(number_of(&sh[2][12]), Some(51.7));
    assert_eq!(number_of(&sh[2][6]), Some(0.12));

    // A teacher sees only their own rows.
    let theirs = report(&app, &s, &t02, "/reports/journal-control?week=2026-11-18").await;
    assert_eq!(
        theirs["teachers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["teacher_id"].clone())
            .collect::<Vec<_>>(),
        [json!(belov)]
    );
    assert_eq!(
        theirs["courses"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["key"].clone())
            .collect::<Vec<_>>(),
        [json!(format!("course:{russian}:{belov}"))]
    );
    assert_eq!(control_numbers(&theirs["courses"][0]), control_numbers(ru));
    let res = app
        .get(
            &s.path(&format!(
                "/reports/journal-control/courses/{math}?week=2026-11-18"
            )),
            Some(&t02),
        )
        .await;
    assert_problem(res, StatusCode::FORBIDDEN, "forbidden").await;
    // The class teacher: their own teacher row only, the courses of their class.
    let mine = report(&app, &s, &t01, "/reports/journal-control?week=2026-11-18").await;
    assert_eq!(mine["teachers"].as_array().unwrap().len(), 1);
    assert_eq!(mine["teachers"][0]["teacher_id"], json!(orlova));
    assert_eq!(control_numbers(&mine["teachers"][0]), control_numbers(t));
    // The admin narrows to one teacher.
    let one = report(
        &app,
        &s,
        &s.admin,
        &format!("/reports/journal-control?week=2026-11-18&teacher_id={belov}"),
    )
    .await;
    assert_eq!(one["teachers"].as_array().unwrap().len(), 1);
    assert_eq!(one["courses"].as_array().unwrap().len(), 1);
}

// ---------- 5. activity ----------

async fn activity_of_the_month_sign_ins_diary_views_edits_and_invites(app: TestApp) {
    let s = school(&app).await;
    let ids = students(&app, &s).await;
    let math = s.course("5А", MATH, None);
    // Sign-ins and journal edits are recorded at the real instant, so the month is the real one
    // (Moscow), read from a server with the real clock.
    let live = live_server(&app).await;
    let today = chrono::Utc::now()
        .with_timezone(&chrono_tz::Europe::Moscow)
        .date_naive();
    let month = format!("{:04}-{:02}", today.year(), today.month());
    let other_day = if today.day() == 1 {
        today + Duration::days(1)
    } else {
        today.with_day(1).unwrap()
    };

    // T01 signs in three times (once when registering); P01 once; the admin once.
    let t01 = s.account(&app, "T01", Role::Teacher).await;
    app.login("u.t01", PASSWORD).await;
    app.login("u.t01", PASSWORD).await;
    let p01 = s.account(&app, "P01", Role::Parent).await;
    // A teacher invited who has not registered.
    app.invite(&s.admin, s.id, Role::Teacher, "Новиков").await;
    // T01's journal edits: two marks and an absence on today's maths (three), «все
    // присутствуют» on Tuesday's (one).
    let m26 = s.lesson_on(&app, math, "2026-11-26").await;
    let body = json!({
        "marks": [mark(m26, None, ids[0], "5", 0), mark(m26, None, ids[1], "4", 0)],
        "attendance": [att(m26, ids[2], "н")],
    });
    expect(s.batch(&app, &t01, math, body).await, StatusCode::OK).await;
    let m24 = s.lesson_on(&app, math, "2026-11-24").await;
    let res = app
        .send(
            Method::POST,
            &s.path(&format!("/lessons/{m24}/attendance-taken")),
            Some(&t01),
            None,
        )
        .await;
    expect(res, StatusCode::OK).await;
    // The parent opens the child's diary twice today and once on another day of the month;
    // staff reading it are not counted.
    let now_server = live.clone();
    let (other_server, other) = instance_at(&app, &format!("{other_day}T09:00:00Z")).await;
    for base in [&now_server, &now_server, &other_server] {
        let res = call(
            &app,
            base,
            &s,
            Method::GET,
            &p01,
            &format!("/students/{}/diary", ids[0]),
            None,
        )
        .await;
        expect(res, StatusCode::OK).await;
    }
    let res = call(
        &app,
        &live,
        &s,
        Method::GET,
        &s.admin,
        &format!("/students/{}/diary", ids[0]),
        None,
    )
    .await;
    expect(res, StatusCode::OK).await;

    // Views are counted in each instance's memory: the report on `live` writes its own first
    // (2 views today); the other instance's view counts once that instance has written it
    // (every 5 s, at shutdown).
    let path = format!("/reports/activity?month={month}");
    let res = call(&app, &live, &s, Method::GET, &s.admin, &path, None).await;
    let r = expect(res, StatusCode::OK).await;
    let parents = row_of(&r["roles"], "key", "role:parent")["counts"].clone();
    assert_eq!(parents["diary_views"], 2, "{parents}");
    assert_eq!(other.diary_views.pending(), 1);
    other.diary_views.flush(&other.db).await.unwrap();
    assert_eq!(other.diary_views.pending(), 0);
    let res = call(&app, &live, &s, Method::GET, &s.admin, &path, None).await;
    let r = expect(res, StatusCode::OK).await;
    assert_eq!(r["month"], month);
    assert_eq!(r["from"], today.with_day(1).unwrap().to_string());
    // The default is the current month.
    let res = call(
        &app,
        &live,
        &s,
        Method::GET,
        &s.admin,
        "/reports/activity",
        None,
    )
    .await;
    assert_eq!(expect(res, StatusCode::OK).await, r);
    let roles: Vec<&str> = r["roles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["key"].as_str().unwrap())
        .collect();
    assert_eq!(
        roles,
        [
            "role:admin",
            "role:principal",
            "role:teacher",
            "role:student",
            "role:parent"
        ]
    );
    let counts = |key: &str| row_of(&r["roles"], "key", key)["counts"].clone();
    let want = |persons, registered, invites, active, sign_ins, openers, views, edits| {
        json!({
            "persons": persons, "registered": registered, "invites_outstanding": invites,
            "active_users": active, "sign_ins": sign_ins, "diary_openers": openers,
            "diary_views": views, "journal_edits": edits,
        })
    };
    assert_eq!(counts("role:admin"), want(1, 1, 0, 1, 1, 0, 0, 0));
    assert_eq!(counts("role:principal"), want(0, 0, 0, 0, 0, 0, 0, 0));
    // Teachers: T01 (registered, 3 sign-ins, 4 edits), T02 (teaches Russian, no account, no
    // invite) and the invited one; T03 teaches nothing and has neither an account nor an invite.
    assert_eq!(counts("role:teacher"), want(3, 1, 1, 1, 3, 0, 0, 4));
    assert_eq!(counts("role:student"), want(10, 0, 0, 0, 0, 0, 0, 0));
    // Parents: P01 (1 sign-in, opened the diary on 2 days, 3 times) and P02.
    assert_eq!(counts("role:parent"), want(2, 1, 0, 1, 1, 1, 3, 0));
    let class = s.class("5А");
    let classes = &r["classes"];
    assert_eq!(classes.as_array().unwrap().len(), 2);
    let parents = row_of(classes, "key", &format!("class:{class}:parent"));
    assert_eq!(parents["label"], "5А — родители");
    assert_eq!(parents["counts"], counts("role:parent"));
    let pupils = row_of(classes, "key", &format!("class:{class}:student"));
    assert_eq!(pupils["label"], "5А — обучающиеся");
    assert_eq!(pupils["counts"], counts("role:student"));

    // The drill-down: the parents by name.
    let res = call(
        &app,
        &live,
        &s,
        Method::GET,
        &s.admin,
        &format!("/reports/activity/users?month={month}&role=parent"),
        None,
    )
    .await;
    let users = expect(res, StatusCode::OK).await;
    assert_eq!(users.as_array().unwrap().len(), 2, "{users}");
    assert_fields(
        &users[0],
        json!({"person_id": s.person(&app, "P01").await, "name": "Акимова Мария Сергеевна",
               "role": "parent", "class_name": "5А", "login": "u.p01",
               "invite_outstanding": false, "sign_ins": 1, "diary_views": 3,
               "journal_edits": 0}),
        "P01",
    );
    assert!(users[0]["last_sign_in_at"].is_string(), "{users}");
    assert_fields(
        &users[1],
        json!({"name": "Борисов Олег Иванович", "login": null, "sign_ins": 0,
               "last_sign_in_at": null, "diary_views": 0}),
        "P02",
    );
    let res = call(
        &app,
        &live,
        &s,
        Method::GET,
        &s.admin,
        &format!("/reports/activity/users?month={month}&role=teacher"),
        None,
    )
    .await;
    let teachers = expect(res, StatusCode::OK).await;
    let list: Vec<(&str, bool, u64, u64)> = teachers
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["name"].as_str().unwrap(),
                t["invite_outstanding"].as_bool().unwrap(),
                t["sign_ins"].as_u64().unwrap(),
                t["journal_edits"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        list,
        [
            ("Белов Игорь Сергеевич", false, 0, 0),
            ("Новиков Тест", true, 0, 0),
            ("Орлова Анна Петровна", false, 3, 4)
        ]
    );
    // The CSV of the roles.
    let res = call(
        &app,
        &live,
        &s,
        Method::GET,
        &s.admin,
        &format!("/reports/activity.csv?month={month}"),
        None,
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let bytes = res.bytes().await.unwrap();
    assert_eq!(&bytes[..3], &[0xEF, 0xBB, 0xBF]);
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "Роль;Людей;Зарегистрировано;Кодов не использовано;Входили в месяце;Входов;Открывали дневник;Просмотров дневника;Правок журнала"
    );
    assert_eq!(lines[3], "Учителя;3;1;1;1;3;0;0;4");
    assert_eq!(lines[5], "Родители;2;1;0;1;1;1;3;0");
    // A month with nothing: zeros, the people still counted.
    let res = call(
        &app,
        &live,
        &s,
        Method::GET,
        &s.admin,
        "/reports/activity?month=2020-01",
        None,
    )
    .await;
    let empty = expect(res, StatusCode::OK).await;
    assert_eq!(
        row_of(&empty["roles"], "key", "role:parent")["counts"]["sign_ins"],
        0
    );
    assert_eq!(
        row_of(&empty["roles"], "key", "role:parent")["counts"]["diary_views"],
        0
    );

    // A teacher may not read it; a bad month is 400.
    for path in [
        "/reports/activity".to_string(),
        "/reports/activity/users?role=parent".to_string(),
    ] {
        let res = call(&app, &live, &s, Method::GET, &t01, &path, None).await;
        assert_problem(res, StatusCode::FORBIDDEN, "forbidden").await;
    }
    for month in ["2026-13", "ноябрь", "2026-1-1"] {
        let res = call(
            &app,
            &live,
            &s,
            Method::GET,
            &s.admin,
            &format!("/reports/activity?month={month}"),
            None,
        )
        .await;
        assert_problem(res, StatusCode::BAD_REQUEST, "invalid_query_parameter").await;
    }
}

// ---------- 6. access ----------

/// Every report path of the school (with the course of the drill-down).
fn report_paths(math: Uuid) -> Vec<String> {
    [
        "/reports/quality",
        "/reports/quality.csv",
        "/reports/quality.xlsx",
        "/reports/attendance",
        "/reports/attendance.csv",
        "/reports/attendance.xlsx",
        "/reports/journal-control",
        "/reports/journal-control.csv",
        "/reports/journal-control.xlsx",
        "/reports/activity",
        "/reports/activity.csv",
        "/reports/activity.xlsx",
        "/reports/activity/users?role=student",
    ]
    .iter()
    .map(|p| p.to_string())
    .chain([format!("/reports/journal-control/courses/{math}")])
    .collect()
}

async fn students_and_parents_read_no_report_and_teachers_only_their_own(app: TestApp) {
    let s = school(&app).await;
    crafted_class(&app, &s).await;
    let math = s.course("5А", MATH, None);
    let student = s.account(&app, "S01", Role::Student).await;
    let parent = s.account(&app, "P01", Role::Parent).await;
    let root = app.superadmin().await;
    let (_, stranger) = app
        .school_with_admin(&root, "Другая школа", "admin.other")
        .await;
    for path in report_paths(math) {
        for (who, token) in [("student", &student), ("parent", &parent)] {
            let res = app.get(&s.path(&path), Some(token)).await;
            let (status, body) = problem(res).await;
            assert_eq!(
                (status, body["code"].as_str()),
                (StatusCode::FORBIDDEN, Some("forbidden")),
                "{who} {path}: {body}"
            );
        }
        let res = app.get(&s.path(&path), Some(&stranger)).await;
        let (status, body) = problem(res).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (StatusCode::NOT_FOUND, Some("not_found")),
            "other school's admin {path}: {body}"
        );
        let res = app.get(&s.path(&path), None).await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "{path}");
        // The admin and the superadmin read every one of them.
        for token in [&s.admin, &root] {
            let res = app.get(&s.path(&path), Some(token)).await;
            assert_eq!(res.status(), StatusCode::OK, "{path}");
        }
    }
    // «Все присутствуют» is a journal write: not for students, parents or the stranger.
    let lesson = s.lesson_on(&app, math, "2026-11-24").await;
    let path = s.path(&format!("/lessons/{lesson}/attendance-taken"));
    for token in [&student, &parent] {
        let res = app.send(Method::POST, &path, Some(token), None).await;
        assert_problem(res, StatusCode::FORBIDDEN, "forbidden").await;
    }
    let res = app.send(Method::POST, &path, Some(&stranger), None).await;
    assert_problem(res, StatusCode::NOT_FOUND, "not_found").await;
    // Another teacher of the class (Russian) may not take maths attendance.
    let t02 = s.account(&app, "T02", Role::Teacher).await;
    let res = app.send(Method::POST, &path, Some(&t02), None).await;
    assert_problem(res, StatusCode::FORBIDDEN, "forbidden").await;
    // A cancelled lesson: 409.
    let cancelled = s.lesson_on(&app, math, "2026-11-23").await;
    let res = app
        .post(
            &s.path(&format!("/lessons/{cancelled}/cancel")),
            Some(&s.admin),
            json!({"reason": "карантин"}),
        )
        .await;
    expect(res, StatusCode::OK).await;
    let res = app
        .send(
            Method::POST,
            &s.path(&format!("/lessons/{cancelled}/attendance-taken")),
            Some(&s.admin),
            None,
        )
        .await;
    assert_problem(res, StatusCode::CONFLICT, "lesson_cancelled").await;

    // A teacher's quality report: no school, grade or subject rows; only their courses (T02:
    // Russian), no class (they lead none), their own teacher row.
    let r = report(&app, &s, &t02, "/reports/quality?term=quarter_1").await;
    assert_eq!(r["school"], Value::Null);
    assert_eq!(
        (&r["grades"], &r["subjects"], &r["classes"]),
        (&json!([]), &json!([]), &json!([]))
    );
    let labels = |list: &Value| -> Vec<String> {
        list.as_array()
            .unwrap()
            .iter()
            .map(|x| x["label"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(labels(&r["courses"]), ["5А · Русский язык"]);
    assert_eq!(labels(&r["teachers"]), ["Белов Игорь Сергеевич"]);
    let admin_view = report(&app, &s, &s.admin, "/reports/quality?term=quarter_1").await;
    assert_eq!(
        r["courses"][0],
        *row_of(&admin_view["courses"], "label", "5А · Русский язык")
    );
    let class = s.class("5А");
    let res = app
        .get(
            &s.path(&format!("/reports/quality?term=quarter_1&class_id={class}")),
            Some(&t02),
        )
        .await;
    assert_problem(res, StatusCode::FORBIDDEN, "forbidden").await;
    // Its CSV of the courses is their one course.
    let csv = csv_of(
        &app,
        &s,
        &t02,
        "/reports/quality.csv?term=quarter_1&table=courses",
    )
    .await;
    assert_eq!(csv.len(), 2);
    assert_eq!(csv[1][0], "5А · Русский язык");
    assert_eq!(csv[1][1..], quality_numbers(&r["courses"][0])[..]);
    // The class teacher (T01): their class, all its courses, their own teacher row, the
    // drill-down; still no school, grade or subject rows.
    let t01 = s.account(&app, "T01", Role::Teacher).await;
    let r = report(
        &app,
        &s,
        &t01,
        &format!("/reports/quality?term=quarter_1&class_id={class}"),
    )
    .await;
    assert_eq!(r["school"], Value::Null);
    assert_eq!((&r["grades"], &r["subjects"]), (&json!([]), &json!([])));
    assert_eq!(labels(&r["classes"]), ["5А"]);
    assert_eq!(r["classes"][0], admin_view["classes"][0]);
    assert_eq!(
        labels(&r["courses"]),
        ["5А · Литература", "5А · Математика", "5А · Русский язык"]
    );
    assert_eq!(labels(&r["teachers"]), ["Орлова Анна Петровна"]);
    assert_eq!(r["students"].as_array().unwrap().len(), 10);
}

/// A teacher who leads no class has no class rows, and a teacher who teaches nothing no rows at
/// all: the CSV of such a table (`table=classes`, also the default) is still the table, with its
/// header row only — not a 422 «table: one of: …» for a table the contract lists, nor a 404.
async fn a_quality_csv_table_without_rows_is_a_file_with_its_header_row(app: TestApp) {
    let s = school(&app).await;
    crafted_class(&app, &s).await;
    let t02 = s.account(&app, "T02", Role::Teacher).await;
    let t03 = s.account(&app, "T03", Role::Teacher).await;
    let header = |first: &str| {
        let mut h = vec![first.to_string()];
        h.extend(
            [
                "Учеников",
                "Аттестовано",
                "Отличники",
                "Хорошисты",
                "С одной «3»",
                "Троечники",
                "Неуспевающие",
                "Н/а",
                "Освобождены",
                "Успеваемость, %",
                "Качество, %",
                "СОУ, %",
                "Средний балл",
                "Предварительных отметок",
            ]
            .map(String::from),
        );
        h
    };
    for (who, token) in [("T02", &t02), ("T03", &t03)] {
        for path in [
            "/reports/quality.csv?term=quarter_1&table=classes",
            "/reports/quality.csv?term=quarter_1",
        ] {
            let res = app.get(&s.path(path), Some(token)).await;
            let status = res.status();
            let text = res.text().await.unwrap();
            assert_eq!(status, StatusCode::OK, "{who} {path}: {text}");
            let rows = csv_of(&app, &s, token, path).await;
            assert_eq!(rows, [header("Класс")], "{who} {path}");
        }
    }
    // T03's courses' table too.
    let rows = csv_of(
        &app,
        &s,
        &t03,
        "/reports/quality.csv?term=quarter_1&table=courses",
    )
    .await;
    assert_eq!(rows, [header("Класс и предмет")]);
}

/// A lesson a substitute held counts for the substitute in the admin's control and in the
/// substitute's own, the same numbers; the substitute reads the drill-down of their own lessons
/// of the course (not its students); the course's teacher's drill-down leaves it out.
/// «Все присутствуют» waits for the lesson's day; a week outside every academic year is empty.
async fn a_substitutes_lesson_counts_for_the_substitute_for_every_reader(app: TestApp) {
    let s = school(&app).await;
    let math = s.course("5А", MATH, None);
    let orlova = s.person(&app, "T01").await;
    let belov = s.person(&app, "T02").await;
    let t02 = s.account(&app, "T02", Role::Teacher).await;
    let m16 = s.lesson_on(&app, math, "2026-11-16").await;
    let m17 = s.lesson_on(&app, math, "2026-11-17").await;
    let res = s
        .send(
            &app,
            Method::PUT,
            &s.admin,
            &format!("/lessons/{m17}/substitute"),
            json!({"teacher_id": belov}),
        )
        .await;
    expect(res, StatusCode::OK).await;

    let week = "/reports/journal-control?week=2026-11-16";
    let by_admin = report(&app, &s, &s.admin, week).await;
    let by_t02 = report(&app, &s, &t02, week).await;
    let sub_key = format!("course:{math}:{belov}");
    let admin_row = row_of(&by_admin["courses"], "key", &sub_key).clone();
    assert_eq!(admin_row["counts"]["lessons_held"], 1, "{admin_row}");
    assert_eq!(
        admin_row["counts"]["students"], 0,
        "students count for the course's teacher"
    );
    assert_eq!(row_of(&by_t02["courses"], "key", &sub_key), &admin_row);
    let teacher_key = format!("teacher:{belov}");
    assert_eq!(
        row_of(&by_t02["teachers"], "key", &teacher_key),
        row_of(&by_admin["teachers"], "key", &teacher_key),
        "the substitute's own row equals the admin's"
    );
    // T01's maths row lost the substituted lesson.
    let own = row_of(
        &by_admin["courses"],
        "key",
        &format!("course:{math}:{orlova}"),
    );
    let all = report(
        &app,
        &s,
        &s.admin,
        &format!("/reports/journal-control/courses/{math}?week=2026-11-16"),
    )
    .await;
    let n_all = all["lessons"].as_array().unwrap().len();
    assert_eq!(own["counts"]["lessons_held"], n_all - 1);

    // The drill-downs: T02 sees only the lesson they held and no students; T01's row leaves it
    // out.
    let mine = report(
        &app,
        &s,
        &t02,
        &format!("/reports/journal-control/courses/{math}?week=2026-11-16"),
    )
    .await;
    let lessons: Vec<&str> = mine["lessons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["lesson_id"].as_str().unwrap())
        .collect();
    assert_eq!(lessons, [m17.to_string()]);
    assert_eq!(mine["students"], json!([]));
    let of_t01 = report(
        &app,
        &s,
        &s.admin,
        &format!("/reports/journal-control/courses/{math}?week=2026-11-16&teacher_id={orlova}"),
    )
    .await;
    let ids: Vec<&str> = of_t01["lessons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["lesson_id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&m16.to_string().as_str()) && !ids.contains(&m17.to_string().as_str()));
    assert_eq!(ids.len(), n_all - 1);
    // Another week the substitute held nothing of the course: 403.
    let path = s.path(&format!(
        "/reports/journal-control/courses/{math}?week=2026-11-09"
    ));
    let res = app.send(Method::GET, &path, Some(&t02), None).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    // «Все присутствуют» on a lesson still to come (the clock is 26 November): 422.
    let m30 = s.lesson_on(&app, math, "2026-11-30").await;
    let path = s.path(&format!("/lessons/{m30}/attendance-taken"));
    let res = app.send(Method::POST, &path, Some(&s.admin), None).await;
    let problem = expect(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(problem["errors"][0]["field"], "lesson_id", "{problem}");
    assert_eq!(problem["errors"][0]["code"], "future_lesson", "{problem}");

    // A week outside every academic year: no rows at all.
    let r = report(
        &app,
        &s,
        &s.admin,
        "/reports/journal-control?week=1900-01-03",
    )
    .await;
    assert_eq!(
        (r["teachers"].clone(), r["courses"].clone()),
        (json!([]), json!([]))
    );
    assert_eq!(r["finals_term"], Value::Null);
}
