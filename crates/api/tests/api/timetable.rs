//! Timetable, calendar, lessons and substitutions (issue 4): the demo timetable imported and its
//! lessons counted independently, conflict rules, regeneration that keeps lessons with journal
//! data, single lesson changes, the school time zone, substitutes and teachers' absences, and
//! who sees whose schedule.
//!
//! Most cases run on a small school imported from the CSV texts below (two classes, split
//! English and informatics in 5А, the sample periods, bells and holidays), so every expected
//! lesson can be counted by hand; the demo timetable test imports the whole sample school.

use std::collections::{BTreeSet, HashMap};

use chrono::{Datelike, Duration, NaiveDate};
use otmetka_domain::Role;
use reqwest::{Method, Response, StatusCode};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::both_dbs;
use crate::helpers::*;

both_dbs!(
    demo_timetable_imports_602_entries_and_generates_every_lesson_of_the_year,
    a_dry_run_timetable_import_writes_nothing,
    conflicting_entries_are_refused_with_what_collides,
    a_second_shift_collides_only_when_the_bell_times_overlap,
    conflicting_rows_in_a_timetable_import_are_row_errors_and_write_nothing,
    changing_the_timetable_keeps_lessons_with_data_and_flags_them,
    an_acknowledged_lesson_stays_acknowledged_when_lessons_are_regenerated,
    a_holiday_removes_lessons_without_data_and_flags_those_with_data,
    lessons_are_cancelled_restored_moved_added_and_deleted,
    a_substitute_writes_only_the_lesson_they_cover_on_behalf_of_the_teacher,
    a_teacher_absence_lists_exactly_the_lessons_to_cover,
    a_student_sees_only_their_subgroups_and_only_they_their_parents_and_staff_may,
    a_lesson_given_another_room_keeps_it_when_lessons_are_regenerated,
    bad_timetable_input_is_refused_and_changes_nothing,
    a_course_with_two_teachers_is_one_entry_both_teach_and_write,
    overlapping_absences_of_one_teacher_are_refused,
    free_teachers_of_a_lesson_are_those_not_teaching_it_absent_or_busy_then,
    concurrent_creates_in_one_class_slot_give_one_entry_and_one_conflict,
    concurrent_creates_in_different_classes_both_succeed,
    concurrent_substitutes_of_one_teacher_at_one_time_give_one_assignment,
    concurrent_timetable_imports_into_one_slot_commit_one,
    editing_a_course_keeps_the_timetable_free_of_conflicts_and_journal_data_in_place,
    lesson_numbers_must_exist_in_the_class_bell_schedule,
    without_a_bell_schedule_any_lesson_number_is_accepted,
    a_bell_schedule_keeps_the_slots_and_times_its_classes_use,
    changing_the_final_period_kind_regenerates_the_school_days,
    an_absent_teacher_substitutes_nothing_and_their_substitutions_need_cover,
    a_holiday_with_the_same_name_and_first_day_is_refused,
    schedule_weeks_outside_2000_to_2100_are_refused,
    an_unknown_import_kind_lists_every_kind,
    shrinking_a_period_flags_every_lesson_left_outside_the_periods,
);

// ---------- the calendar, computed independently from the fixture files ----------

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// The rows of a sample CSV file as header → value maps (read with the `csv` crate).
fn csv_rows(file: &str) -> Vec<HashMap<String, String>> {
    let bytes = fixture(file);
    let mut r = csv::Reader::from_reader(bytes.as_slice());
    let headers = r.headers().unwrap().clone();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            headers
                .iter()
                .zip(rec.iter())
                .map(|(h, v)| (h.to_string(), v.trim().to_string()))
                .collect()
        })
        .collect()
}

/// The sample school's quarters and holidays: a day is a school day when it lies in a quarter
/// and in no holiday or vacation.
struct Cal {
    quarters: Vec<(NaiveDate, NaiveDate)>,
    holidays: Vec<(NaiveDate, NaiveDate)>,
}

impl Cal {
    fn from_fixtures() -> Cal {
        let quarters = csv_rows("periods.csv")
            .into_iter()
            .filter(|p| p["kind"] == "quarter")
            .map(|p| (d(&p["starts_on"]), d(&p["ends_on"])))
            .collect();
        let holidays = csv_rows("holidays.csv")
            .into_iter()
            .map(|h| {
                let ends = if h["ends_on"].is_empty() {
                    &h["starts_on"]
                } else {
                    &h["ends_on"]
                };
                (d(&h["starts_on"]), d(ends))
            })
            .collect();
        Cal { quarters, holidays }
    }

    fn first(&self) -> NaiveDate {
        self.quarters.iter().map(|q| q.0).min().unwrap()
    }

    fn last(&self) -> NaiveDate {
        self.quarters.iter().map(|q| q.1).max().unwrap()
    }

    fn is_school_day(&self, day: NaiveDate) -> bool {
        self.quarters.iter().any(|q| q.0 <= day && day <= q.1)
            && !self.holidays.iter().any(|h| h.0 <= day && day <= h.1)
    }

    /// The school days of ISO weekday `weekday` (1 = Monday) in `from..=to`.
    fn days(&self, weekday: u32, from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
        let mut out = Vec::new();
        let mut day = from;
        while day <= to {
            if day.weekday().number_from_monday() == weekday && self.is_school_day(day) {
                out.push(day);
            }
            day += Duration::days(1);
        }
        out
    }
}

/// The distinct entries of the sample timetable: (class, subject, group, weekday, lesson number).
fn sample_timetable_entries() -> BTreeSet<(String, String, Option<i64>, i64, i64)> {
    csv_rows("timetable.csv")
        .into_iter()
        .map(|r| {
            (
                r["class"].clone(),
                r["subject"].clone(),
                (!r["group"].is_empty()).then(|| r["group"].parse().unwrap()),
                r["weekday"].parse().unwrap(),
                r["lesson_number"].parse().unwrap(),
            )
        })
        .collect()
}

// ---------- small helpers ----------

/// `(created, updated, unchanged, errors)` of an import report.
fn counts(report: &Value) -> (u64, u64, u64, u64) {
    let c = &report["counts"];
    (
        c["created"].as_u64().unwrap(),
        c["updated"].as_u64().unwrap(),
        c["unchanged"].as_u64().unwrap(),
        c["errors"].as_u64().unwrap(),
    )
}

/// `(created, updated, deleted, flagged, unchanged)` of a generation report.
fn generated(report: &Value) -> (u64, u64, u64, u64, u64) {
    (
        report["created"].as_u64().unwrap(),
        report["updated"].as_u64().unwrap(),
        report["deleted"].as_u64().unwrap(),
        report["flagged"].as_u64().unwrap(),
        report["unchanged"].as_u64().unwrap(),
    )
}

/// The JSON body of an answer that must have status `want`.
async fn expect(res: Response, want: StatusCode) -> Value {
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

fn id(v: &Value) -> Uuid {
    v["id"]
        .as_str()
        .unwrap_or_else(|| panic!("no id in {v}"))
        .parse()
        .unwrap()
}

fn ids(list: &[Value]) -> BTreeSet<Uuid> {
    list.iter().map(id).collect()
}

fn dates(list: &[Value]) -> Vec<NaiveDate> {
    let mut out: Vec<NaiveDate> = list
        .iter()
        .map(|l| d(l["date"].as_str().unwrap()))
        .collect();
    out.sort();
    out
}

fn weekday_of(l: &Value) -> u32 {
    d(l["date"].as_str().unwrap())
        .weekday()
        .number_from_monday()
}

/// `X-Total-Count` of a list.
async fn total(app: &TestApp, token: &str, path: &str) -> u64 {
    let res = app.get(path, Some(token)).await;
    assert_eq!(res.status(), StatusCode::OK, "{path}");
    res.headers()
        .get("x-total-count")
        .expect("X-Total-Count")
        .to_str()
        .unwrap()
        .parse()
        .unwrap()
}

/// The conflicts of a `timetable_conflict` problem.
async fn conflicts_of(res: Response) -> Vec<Value> {
    let body = assert_problem(res, StatusCode::CONFLICT, "timetable_conflict").await;
    body["conflicts"]
        .as_array()
        .unwrap_or_else(|| panic!("no conflicts in {body}"))
        .clone()
}

/// (kind, entry id) of each conflict, sorted.
fn kinds_and_entries(conflicts: &[Value]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = conflicts
        .iter()
        .map(|c| {
            (
                c["kind"].as_str().unwrap().to_string(),
                c["entry_id"].as_str().unwrap_or("-").to_string(),
            )
        })
        .collect();
    out.sort();
    out
}

// ---------- a small school ----------

const SUBJECTS: &str = "name,short_name
Математика,Мат
Русский язык,Рус
Иностранный язык (английский),Англ
Информатика,Инф
История,Ист
";
const STAFF: &str = "external_id,last_name,first_name,middle_name,role,subject,email
M01,Орлова,Анна,Петровна,teacher,,
M02,Белов,Игорь,Сергеевич,teacher,,
M03,Зуева,Ольга,Ивановна,teacher,,
M04,Киселёв,Пётр,Андреевич,teacher,,
M05,Лебедева,Нина,Олеговна,teacher,,
M06,Миронов,Глеб,Ильич,teacher,,
M07,Назарова,Вера,Павловна,teacher,,
M08,Волков,Денис,Юрьевич,principal,,
";
const CLASSES: &str = "name,grade,letter,class_teacher_external_id
5А,5,А,M01
5Б,5,Б,M02
";
const STUDENTS: &str = "external_id,last_name,first_name,middle_name,birth_date,sex,class,group
S01,Акимов,Артём,Ильич,2015-01-10,M,5А,1
S02,Борисова,Вера,Олеговна,2015-02-11,F,5А,2
S03,Гусев,Глеб,Петрович,2015-03-12,M,5Б,
";
const PARENTS: &str =
    "external_id,last_name,first_name,middle_name,student_external_id,relation,phone
P01,Акимова,Мария,Сергеевна,S01,мать,
P02,Борисов,Олег,Иванович,S02,отец,
";
/// 5А: mathematics (M01), Russian (M02), English in two subgroups (M03, M04), informatics in two
/// subgroups (M04, M06). 5Б: mathematics (M01), Russian (M02), history (M05). M07 teaches nothing.
const COURSES: &str = "class,subject,teacher_external_id,hours_per_week,group
5А,Математика,M01,2,
5А,Русский язык,M02,1,
5А,Иностранный язык (английский),M03,1,1
5А,Иностранный язык (английский),M04,1,2
5А,Информатика,M04,1,1
5А,Информатика,M06,1,2
5Б,Математика,M01,1,
5Б,Русский язык,M02,1,
5Б,История,M05,1,
";
/// Monday: 5А maths, Russian, English (both groups); 5Б Russian, maths, history. Tuesday: 5А
/// informatics (both groups). Wednesday: 5А maths.
const TIMETABLE: &str = "class,weekday,lesson_number,subject,teacher_external_id,group,room
5А,1,1,Математика,M01,,101
5А,3,1,Математика,M01,,101
5А,1,2,Русский язык,M02,,102
5А,1,3,Иностранный язык (английский),M03,1,201
5А,1,3,Иностранный язык (английский),M04,2,202
5А,2,1,Информатика,M04,1,301
5А,2,1,Информатика,M06,2,302
5Б,1,1,Русский язык,M02,,102
5Б,1,2,Математика,M01,,101
5Б,1,3,История,M05,,103
";

const MATH: &str = "Математика";
const RUSSIAN: &str = "Русский язык";
const ENGLISH: &str = "Иностранный язык (английский)";
const INFORMATICS: &str = "Информатика";
const HISTORY: &str = "История";

/// The small school: its id, admin and the courses as the API lists them.
struct Mini {
    school: Uuid,
    admin: String,
    courses: Vec<Value>,
    classes: Vec<Value>,
}

/// Imports the small school (sample periods, bells and holidays) into a new school; with the
/// timetable when `with_timetable`.
async fn mini_school(app: &TestApp, with_timetable: bool) -> Mini {
    mini_school_with(app, with_timetable, true).await
}

/// The small school, with or without the timetable and the bell schedule.
async fn mini_school_with(app: &TestApp, with_timetable: bool, with_bells: bool) -> Mini {
    let root = app.superadmin().await;
    let login = format!("admin.{}", &Uuid::now_v7().simple().to_string()[24..]);
    let (school, admin) = app.school_with_admin(&root, "Школа № 5", &login).await;
    let periods = String::from_utf8(fixture("periods.csv")).unwrap();
    let bells = String::from_utf8(fixture("bell_schedule.csv")).unwrap();
    let holidays = String::from_utf8(fixture("holidays.csv")).unwrap();
    let mut files = vec![
        ("periods", periods.as_str()),
        ("subjects", SUBJECTS),
        ("staff", STAFF),
        ("classes", CLASSES),
        ("students", STUDENTS),
        ("parents", PARENTS),
        ("courses", COURSES),
        ("bell_schedule", bells.as_str()),
        ("holidays", holidays.as_str()),
    ];
    if !with_bells {
        files.retain(|(kind, _)| *kind != "bell_schedule");
    }
    if with_timetable {
        files.push(("timetable", TIMETABLE));
    }
    for (kind, text) in files {
        let report = app
            .import_ok(&admin, school, kind, text.to_string(), "text/csv")
            .await;
        assert_eq!(report["counts"]["errors"], 0, "{kind}: {report}");
    }
    let courses = app
        .get_ok(&format!("/schools/{school}/courses"), &admin)
        .await
        .as_array()
        .unwrap()
        .clone();
    let classes = app
        .get_ok(&format!("/schools/{school}/classes"), &admin)
        .await
        .as_array()
        .unwrap()
        .clone();
    Mini {
        school,
        admin,
        courses,
        classes,
    }
}

impl Mini {
    fn path(&self, p: &str) -> String {
        format!("/schools/{}{p}", self.school)
    }

    fn course(&self, class: &str, subject: &str, group: Option<i64>) -> Uuid {
        let c = self
            .courses
            .iter()
            .find(|c| {
                c["class_name"] == class
                    && c["subject_name"] == subject
                    && c["group_number"].as_i64() == group
            })
            .unwrap_or_else(|| panic!("no course {class} {subject} {group:?}"));
        id(c)
    }

    fn class(&self, name: &str) -> Uuid {
        id(self.classes.iter().find(|c| c["name"] == name).unwrap())
    }

    async fn person(&self, app: &TestApp, ext: &str) -> Uuid {
        app.person_id(&self.admin, self.school, ext).await
    }

    /// Registers the person with an external id with a role; their access token.
    async fn account(&self, app: &TestApp, ext: &str, role: Role) -> String {
        let person = self.person(app, ext).await;
        let login = format!("u.{}", ext.to_lowercase());
        app.register_person(&self.admin, self.school, person, role, &login)
            .await
    }

    /// Lessons as the admin lists them (`query` without `limit`).
    async fn lessons(&self, app: &TestApp, query: &str) -> Vec<Value> {
        app.get_ok(
            &self.path(&format!("/lessons?limit=500&{query}")),
            &self.admin,
        )
        .await
        .as_array()
        .unwrap()
        .clone()
    }

    /// The one lesson of a course on a day.
    async fn lesson_on(&self, app: &TestApp, course: Uuid, day: &str) -> Value {
        let list = self
            .lessons(app, &format!("course_id={course}&from={day}&to={day}"))
            .await;
        assert_eq!(list.len(), 1, "lessons of {course} on {day}: {list:?}");
        list[0].clone()
    }

    async fn lesson(&self, app: &TestApp, lesson: Uuid) -> Value {
        app.get_ok(&self.path(&format!("/lessons/{lesson}")), &self.admin)
            .await
    }

    async fn lesson_total(&self, app: &TestApp) -> u64 {
        total(app, &self.admin, &self.path("/lessons?limit=1")).await
    }

    async fn entries(&self, app: &TestApp, query: &str) -> Vec<Value> {
        app.get_ok(&self.path(&format!("/timetable{query}")), &self.admin)
            .await
            .as_array()
            .unwrap()
            .clone()
    }

    /// The timetable entry of a course on a weekday and slot.
    async fn entry(&self, app: &TestApp, course: Uuid, weekday: i64, number: i64) -> Value {
        self.entries(app, "")
            .await
            .into_iter()
            .find(|e| {
                e["course_id"] == course.to_string()
                    && e["weekday"] == weekday
                    && e["lesson_number"] == number
            })
            .unwrap_or_else(|| panic!("no entry {course} {weekday}/{number}"))
    }

    async fn admin_send(&self, app: &TestApp, method: Method, path: &str, body: Value) -> Response {
        app.send(method, &self.path(path), Some(&self.admin), Some(body))
            .await
    }

    async fn generate(&self, app: &TestApp) -> Value {
        expect(
            self.admin_send(app, Method::POST, "/lessons/generate", json!({}))
                .await,
            StatusCode::OK,
        )
        .await
    }

    /// Sets the school's time zone (`PUT /settings`).
    async fn set_time_zone(&self, app: &TestApp, zone: &str) {
        let mut settings = app.get_ok(&self.path("/settings"), &self.admin).await;
        settings["time_zone"] = json!(zone);
        let res = self
            .admin_send(app, Method::PUT, "/settings", settings)
            .await;
        assert_eq!(expect(res, StatusCode::OK).await["time_zone"], zone);
    }

    /// `POST /timetable` that must succeed: the entry.
    async fn create_entry(&self, app: &TestApp, body: Value) -> Value {
        expect(
            self.admin_send(app, Method::POST, "/timetable", body).await,
            StatusCode::CREATED,
        )
        .await
    }

    /// `POST /timetable/check` that must answer 200: its conflicts.
    async fn check_entry(&self, app: &TestApp, body: Value) -> Vec<Value> {
        expect(
            self.admin_send(app, Method::POST, "/timetable/check", body)
                .await,
            StatusCode::OK,
        )
        .await["conflicts"]
            .as_array()
            .unwrap()
            .clone()
    }

    async fn schedule(&self, app: &TestApp, token: &str, query: &str) -> Response {
        app.get(&self.path(&format!("/schedule?{query}")), Some(token))
            .await
    }
}

/// `PUT /lessons/{id}/content` as `token`.
async fn write_content(
    app: &TestApp,
    m: &Mini,
    token: &str,
    lesson: Uuid,
    body: Value,
) -> Response {
    app.send(
        Method::PUT,
        &m.path(&format!("/lessons/{lesson}/content")),
        Some(token),
        Some(body),
    )
    .await
}

// ---------- 1. the demo timetable ----------

async fn demo_timetable_imports_602_entries_and_generates_every_lesson_of_the_year(app: TestApp) {
    let root = app.superadmin().await;
    let (school, admin) = app.demo_school(&root, "Лицей № 1", "admin.tt").await;
    for (kind, file, rows) in [
        ("bell_schedule", "bell_schedule.csv", 7),
        ("holidays", "holidays.csv", 7),
    ] {
        let report = app
            .import_ok(&admin, school, kind, fixture(file), "text/csv")
            .await;
        assert_eq!(counts(&report), (rows, 0, 0, 0), "{kind}");
    }
    let report = app
        .import_ok(
            &admin,
            school,
            "timetable",
            fixture("timetable.csv"),
            "text/csv",
        )
        .await;
    let rows = report["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 602);
    // Every row of the sample is its own entry (no course has a second teacher's row there).
    assert_eq!(counts(&report), (602, 0, 0, 0));
    assert!(rows.iter().all(|r| r["outcome"] == "created"), "{report}");

    // The entries, as the file says.
    let entries = app
        .get_ok(&format!("/schools/{school}/timetable"), &admin)
        .await;
    let entries = entries.as_array().unwrap();
    assert_eq!(entries.len(), 602);
    let distinct: BTreeSet<(String, i64, i64)> = entries
        .iter()
        .map(|e| {
            (
                e["course_id"].as_str().unwrap().to_string(),
                e["weekday"].as_i64().unwrap(),
                e["lesson_number"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(distinct.len(), 602);
    let sample = sample_timetable_entries();
    let served: BTreeSet<(String, String, Option<i64>, i64, i64)> = entries
        .iter()
        .map(|e| {
            (
                e["class_name"].as_str().unwrap().to_string(),
                e["subject_name"].as_str().unwrap().to_string(),
                e["group_number"].as_i64(),
                e["weekday"].as_i64().unwrap(),
                e["lesson_number"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(served, sample);
    // Times come from the bell schedule.
    let first = entries.iter().find(|e| e["lesson_number"] == 1).unwrap();
    assert_eq!(
        (first["starts_at"].as_str(), first["ends_at"].as_str()),
        (Some("08:30"), Some("09:15"))
    );
    let seventh = entries.iter().find(|e| e["lesson_number"] == 7);
    if let Some(e) = seventh {
        assert_eq!(e["starts_at"], "14:20");
    }

    // The lessons of the year: every entry on every school day of its weekday, counted here
    // from periods.csv, holidays.csv and timetable.csv.
    let cal = Cal::from_fixtures();
    let expected: usize = sample
        .iter()
        .map(|e| cal.days(e.3 as u32, cal.first(), cal.last()).len())
        .sum();
    let lessons_path = format!("/schools/{school}/lessons?limit=1");
    assert_eq!(total(&app, &admin, &lessons_path).await, expected as u64);
    // 1 September 2026 is a Tuesday: exactly the Tuesday entries.
    let tuesday_entries = sample.iter().filter(|e| e.3 == 2).count() as u64;
    let sept1 = format!("/schools/{school}/lessons?limit=1&from=2026-09-01&to=2026-09-01");
    assert_eq!(total(&app, &admin, &sept1).await, tuesday_entries);
    // No lesson on a holiday or in a vacation, none between the quarters' ends and starts.
    for (a, b) in &cal.holidays {
        let p = format!("/schools/{school}/lessons?limit=1&from={a}&to={b}");
        assert_eq!(total(&app, &admin, &p).await, 0, "{a}–{b}");
    }
    let after = format!("/schools/{school}/lessons?limit=1&from=2027-05-27");
    assert_eq!(total(&app, &admin, &after).await, 0);
    // One course: its lessons are its entries' weekdays.
    let course = entries[0]["course_id"].as_str().unwrap();
    let course_weekdays: Vec<u32> = entries
        .iter()
        .filter(|e| e["course_id"] == course)
        .map(|e| e["weekday"].as_u64().unwrap() as u32)
        .collect();
    let want: usize = course_weekdays
        .iter()
        .map(|w| cal.days(*w, cal.first(), cal.last()).len())
        .sum();
    let p = format!("/schools/{school}/lessons?limit=1&course_id={course}");
    assert_eq!(total(&app, &admin, &p).await, want as u64);

    // Generating again changes nothing, twice.
    for _ in 0..2 {
        let res = app
            .post(
                &format!("/schools/{school}/lessons/generate"),
                Some(&admin),
                json!({}),
            )
            .await;
        let report = expect(res, StatusCode::OK).await;
        assert_eq!(
            generated(&report),
            (0, 0, 0, 0, expected as u64),
            "{report}"
        );
    }
    assert_eq!(total(&app, &admin, &lessons_path).await, expected as u64);

    // Importing the same file again: every row unchanged, the same lessons.
    let again = app
        .import_ok(
            &admin,
            school,
            "timetable",
            fixture("timetable.csv"),
            "text/csv",
        )
        .await;
    assert_eq!(counts(&again), (0, 0, 602, 0));
    assert_eq!(total(&app, &admin, &lessons_path).await, expected as u64);
}

async fn a_dry_run_timetable_import_writes_nothing(app: TestApp) {
    let root = app.superadmin().await;
    let (school, admin) = app.demo_school(&root, "Лицей № 2", "admin.dry").await;
    for (kind, file) in [
        ("bell_schedule", "bell_schedule.csv"),
        ("holidays", "holidays.csv"),
    ] {
        app.import_ok(&admin, school, kind, fixture(file), "text/csv")
            .await;
    }
    let res = app
        .import(
            &admin,
            school,
            "timetable",
            fixture("timetable.csv"),
            "text/csv",
            "?dry_run=true",
        )
        .await;
    let report = expect(res, StatusCode::OK).await;
    assert_eq!(report["dry_run"], true);
    assert_eq!(report["committed"], false);
    assert_eq!(counts(&report), (602, 0, 0, 0));
    let entries = app
        .get_ok(&format!("/schools/{school}/timetable"), &admin)
        .await;
    assert_eq!(entries, json!([]));
    let lessons = format!("/schools/{school}/lessons?limit=1");
    assert_eq!(total(&app, &admin, &lessons).await, 0);
}

// ---------- 2. conflicts ----------

async fn conflicting_entries_are_refused_with_what_collides(app: TestApp) {
    let m = mini_school(&app, false).await;
    let cal = Cal::from_fixtures();
    let math_a = m.course("5А", MATH, None);
    let math_b = m.course("5Б", MATH, None);
    let rus_a = m.course("5А", RUSSIAN, None);
    let rus_b = m.course("5Б", RUSSIAN, None);
    let eng_a1 = m.course("5А", ENGLISH, Some(1));
    let inf_a1 = m.course("5А", INFORMATICS, Some(1));
    let inf_a2 = m.course("5А", INFORMATICS, Some(2));
    // From the year's first day (without `valid_from` an entry starts today: see
    // `an_entry_without_valid_from_starts_today_in_the_school`).
    let entry = |course: Uuid, weekday: i64, number: i64, room: &str| json!({"course_id": course, "weekday": weekday, "lesson_number": number, "room": room, "valid_from": "2026-09-01"});
    let post = |body: Value| {
        let path = m.path("/timetable");
        let admin = m.admin.clone();
        let app = &app;
        async move { app.post(&path, Some(&admin), body).await }
    };

    let a = expect(post(entry(math_a, 1, 1, "101")).await, StatusCode::CREATED).await;
    assert_eq!(a["class_name"], "5А");
    assert_eq!(a["subject_name"], MATH);
    assert_eq!(a["starts_at"], "08:30");
    assert_eq!(a["ends_at"], "09:15");
    assert_eq!(a["room"], "101");
    assert_eq!(a["valid_from"], "2026-09-01");
    assert_eq!(
        a["teacher_ids"],
        json!([m.person(&app, "M01").await.to_string()])
    );
    // The entry's lessons exist at once: every school Monday of the year.
    let mondays = cal.days(1, cal.first(), cal.last());
    let lessons = m.lessons(&app, &format!("course_id={math_a}")).await;
    assert_eq!(dates(&lessons), mondays);
    let lessons_before = m.lesson_total(&app).await;

    // The same teacher in two classes at once.
    let teacher = conflicts_of(post(entry(math_b, 1, 1, "105")).await).await;
    assert_eq!(
        kinds_and_entries(&teacher),
        vec![("teacher".into(), a["id"].as_str().unwrap().into())]
    );
    assert_eq!(teacher[0]["course_id"], math_a.to_string());
    assert_eq!(teacher[0]["class_name"], "5А");
    assert_eq!(teacher[0]["subject_name"], MATH);
    assert_eq!(teacher[0]["weekday"], 1);
    assert_eq!(teacher[0]["lesson_number"], 1);
    assert_eq!(teacher[0]["shared"], "Орлова Анна Петровна");
    // The problem's detail names them as they are written (not lowercased).
    let body = assert_problem(
        post(entry(math_b, 1, 1, "105")).await,
        StatusCode::CONFLICT,
        "timetable_conflict",
    )
    .await;
    let detail = body["detail"].as_str().unwrap();
    assert!(
        detail.contains("teacher Орлова Анна Петровна with 5А Математика (weekday 1, lesson 1)"),
        "{detail}"
    );

    // The whole class twice.
    let class = conflicts_of(post(entry(rus_a, 1, 1, "102")).await).await;
    assert_eq!(
        kinds_and_entries(&class),
        vec![("class".into(), a["id"].as_str().unwrap().into())]
    );
    assert_eq!(class[0]["shared"], "5А");

    // Two subgroups of one class at once, different subjects and teachers: allowed.
    let eng1 = expect(post(entry(eng_a1, 1, 2, "201")).await, StatusCode::CREATED).await;
    let inf2 = expect(post(entry(inf_a2, 1, 2, "302")).await, StatusCode::CREATED).await;
    assert_eq!(eng1["group_number"], 1);
    assert_eq!(inf2["group_number"], 2);
    // The same subgroup twice.
    let group = conflicts_of(post(entry(inf_a1, 1, 2, "301")).await).await;
    assert_eq!(
        kinds_and_entries(&group),
        vec![("group".into(), eng1["id"].as_str().unwrap().into())]
    );
    assert_eq!(group[0]["shared"], "5А / 1");
    // The whole class while both subgroups have lessons: a collision with each.
    let both = conflicts_of(post(entry(rus_a, 1, 2, "102")).await).await;
    let mut want = vec![
        (
            "class".to_string(),
            eng1["id"].as_str().unwrap().to_string(),
        ),
        (
            "class".to_string(),
            inf2["id"].as_str().unwrap().to_string(),
        ),
    ];
    want.sort();
    assert_eq!(kinds_and_entries(&both), want);

    // The same room.
    let room = conflicts_of(post(entry(rus_b, 1, 1, "101")).await).await;
    assert_eq!(
        kinds_and_entries(&room),
        vec![("room".into(), a["id"].as_str().unwrap().into())]
    );
    assert_eq!(room[0]["shared"], "101");

    // The check answers the same conflicts with 200 and saves nothing.
    let check = |body: Value| {
        let path = m.path("/timetable/check");
        let admin = m.admin.clone();
        let app = &app;
        async move { expect(app.post(&path, Some(&admin), body).await, StatusCode::OK).await }
    };
    let entries_before = m.entries(&app, "").await;
    let lessons_mid = m.lesson_total(&app).await;
    assert_eq!(
        check(entry(math_b, 1, 1, "105")).await["conflicts"],
        json!(teacher)
    );
    assert_eq!(
        check(entry(inf_a1, 1, 2, "301")).await["conflicts"],
        json!(group)
    );
    assert_eq!(
        check(entry(rus_b, 1, 1, "101")).await["conflicts"],
        json!(room)
    );
    assert_eq!(
        check(entry(math_b, 2, 1, "105")).await["conflicts"],
        json!([])
    );
    // An entry checked in its own place with its id does not collide with itself.
    let mut own = entry(math_a, 1, 1, "101");
    own["entry_id"] = a["id"].clone();
    assert_eq!(check(own).await["conflicts"], json!([]));
    assert_eq!(m.entries(&app, "").await, entries_before);
    assert_eq!(m.lesson_total(&app).await, lessons_mid);

    // A change into a taken slot is refused as well, and changes nothing.
    let res = m
        .admin_send(
            &app,
            Method::PUT,
            &format!("/timetable/{}", a["id"].as_str().unwrap()),
            json!({"course_id": math_a, "weekday": 1, "lesson_number": 2, "room": "101", "valid_from": "2026-09-01"}),
        )
        .await;
    let moved = conflicts_of(res).await;
    assert_eq!(kinds_and_entries(&moved), want);
    assert_eq!(m.entries(&app, "").await, entries_before);
    assert_eq!(m.lesson_total(&app).await, lessons_mid);

    // Another room at that time is fine (5Б has no lesson then, M02 is free).
    expect(post(entry(rus_b, 1, 1, "102")).await, StatusCode::CREATED).await;
    // Four entries, each with its lessons.
    assert_eq!(m.entries(&app, "").await.len(), 4);
    assert_eq!(
        m.lesson_total(&app).await,
        lessons_before + 3 * mondays.len() as u64
    );
}

async fn a_second_shift_collides_only_when_the_bell_times_overlap(app: TestApp) {
    let m = mini_school(&app, false).await;
    let math_a = m.course("5А", MATH, None);
    let math_b = m.course("5Б", MATH, None);
    // 5Б studies in the second shift: its lesson 1 is at 14:00.
    let shift = expect(
        m.admin_send(
            &app,
            Method::POST,
            "/bell-schedules",
            json!({"name": "Вторая смена", "slots": [
                {"number": 1, "starts_at": "14:00", "ends_at": "14:45"},
                {"number": 2, "starts_at": "14:55", "ends_at": "15:40"}
            ], "class_ids": [m.class("5Б")]}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(shift["is_default"], false);
    assert_eq!(shift["class_ids"], json!([m.class("5Б").to_string()]));
    let schedules = app.get_ok(&m.path("/bell-schedules"), &m.admin).await;
    assert_eq!(schedules.as_array().unwrap().len(), 2);
    assert_eq!(schedules[0]["is_default"], true);
    assert_eq!(schedules[0]["slots"].as_array().unwrap().len(), 7);
    assert_eq!(schedules[1]["id"], shift["id"]);

    let entry = |course: Uuid, number: i64| json!({"course_id": course, "weekday": 1, "lesson_number": number, "valid_from": "2026-09-01"});
    let path = m.path("/timetable");
    let first = expect(
        app.post(&path, Some(&m.admin), entry(math_a, 1)).await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(first["starts_at"], "08:30");
    // Lesson 1 of the second shift is 14:00–14:45: the same teacher is free then.
    let second = expect(
        app.post(&path, Some(&m.admin), entry(math_b, 1)).await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(second["starts_at"], "14:00");
    assert_eq!(second["ends_at"], "14:45");
    // Lesson 7 of the first shift (14:20–15:05) overlaps it: the teacher collides.
    let check = expect(
        app.post(
            &m.path("/timetable/check"),
            Some(&m.admin),
            entry(math_a, 7),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let res = app.post(&path, Some(&m.admin), entry(math_a, 7)).await;
    let conflicts = conflicts_of(res).await;
    assert_eq!(
        kinds_and_entries(&conflicts),
        vec![("teacher".into(), second["id"].as_str().unwrap().into())]
    );
    assert_eq!(conflicts[0]["class_name"], "5Б");
    assert_eq!(conflicts[0]["lesson_number"], 1);
    assert_eq!(check["conflicts"], json!(conflicts));
    // Lesson 6 (13:25–14:10) overlaps it by ten minutes; lesson 5 (12:30–13:15) does not.
    let res = app.post(&path, Some(&m.admin), entry(math_a, 6)).await;
    assert_eq!(conflicts_of(res).await.len(), 1);
    expect(
        app.post(&path, Some(&m.admin), entry(math_a, 5)).await,
        StatusCode::CREATED,
    )
    .await;
    // The lessons carry their class's bell times.
    let l = m.lesson_on(&app, math_b, "2026-11-16").await;
    assert_eq!(
        (l["starts_at"].as_str(), l["ends_at"].as_str()),
        (Some("14:00"), Some("14:45"))
    );
}

// ---------- a new entry starts today ----------

/// Tuesday 24 November 2026, 20:00 UTC: already Wednesday 25 November, 06:00, in Vladivostok;
/// still Tuesday, 23:00, in Moscow.
const TUESDAY_20_UTC: &str = "2026-11-24T20:00:00Z";

mod an_entry_without_valid_from_starts_today_in_the_school {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        super::an_entry_starts_today(super::Db::Sqlite).await
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        super::an_entry_starts_today(super::Db::Postgres).await
    }
}

async fn an_entry_starts_today(db: Db) {
    let app = spawn_with(db, |s| {
        s.fixed_clock = Some(TUESDAY_20_UTC.parse().unwrap());
    })
    .await;
    let m = mini_school(&app, false).await;
    let cal = Cal::from_fixtures();
    let (first, last) = (cal.first(), cal.last());
    let math_a = m.course("5А", MATH, None);
    let rus_a = m.course("5А", RUSSIAN, None);
    let math_b = m.course("5Б", MATH, None);
    let history_b = m.course("5Б", HISTORY, None);

    // Wednesday 25 November in Vladivostok: 5А maths on Wednesdays from that day on, that day
    // included, none before.
    m.set_time_zone(&app, "Asia/Vladivostok").await;
    let wednesday = m
        .create_entry(
            &app,
            json!({"course_id": math_a, "weekday": 3, "lesson_number": 1, "room": "101"}),
        )
        .await;
    assert_eq!(wednesday["valid_from"], "2026-11-25");
    let lessons = m.lessons(&app, &format!("course_id={math_a}")).await;
    assert_eq!(dates(&lessons), cal.days(3, d("2026-11-25"), last));
    assert_eq!(dates(&lessons)[0], d("2026-11-25"));
    assert!(
        m.lessons(&app, &format!("course_id={math_a}&to=2026-11-24"))
            .await
            .is_empty()
    );

    // The check takes the same default: 5А Russian on Monday lesson 2 until 20 November does
    // not collide with an entry from today, but does with one from September.
    let old = m
        .create_entry(
            &app,
            json!({"course_id": rus_a, "weekday": 1, "lesson_number": 2, "valid_from": "2026-09-01", "valid_to": "2026-11-20"}),
        )
        .await;
    let from_today = json!({"course_id": math_a, "weekday": 1, "lesson_number": 2});
    assert_eq!(
        m.check_entry(&app, from_today.clone()).await,
        Vec::<Value>::new()
    );
    let mut from_september = from_today.clone();
    from_september["valid_from"] = json!("2026-09-01");
    let conflicts = m.check_entry(&app, from_september.clone()).await;
    assert_eq!(
        kinds_and_entries(&conflicts),
        vec![("class".into(), old["id"].as_str().unwrap().into())]
    );
    let res = m
        .admin_send(&app, Method::POST, "/timetable", from_september)
        .await;
    assert_eq!(conflicts_of(res).await, conflicts);
    // Created without a day, it starts today and has lessons from Monday 30 November on.
    let monday = m.create_entry(&app, from_today).await;
    assert_eq!(monday["valid_from"], "2026-11-25");
    assert_eq!(monday["valid_to"], wednesday["valid_to"]);
    let mondays: Vec<Value> = m
        .lessons(&app, &format!("course_id={math_a}"))
        .await
        .into_iter()
        .filter(|l| weekday_of(l) == 1)
        .collect();
    assert_eq!(dates(&mondays), cal.days(1, d("2026-11-25"), last));
    assert_eq!(dates(&mondays)[0], d("2026-11-30"));
    // A day given explicitly is kept, even in the past.
    let explicit = m
        .create_entry(
            &app,
            json!({"course_id": math_b, "weekday": 5, "lesson_number": 1, "valid_from": "2026-09-01"}),
        )
        .await;
    assert_eq!(explicit["valid_from"], "2026-09-01");

    // The same instant in Moscow is still Tuesday 24 November: 5Б maths on Tuesdays from then.
    m.set_time_zone(&app, "Europe/Moscow").await;
    let tuesday = m
        .create_entry(
            &app,
            json!({"course_id": math_b, "weekday": 2, "lesson_number": 1}),
        )
        .await;
    assert_eq!(tuesday["valid_from"], "2026-11-24");
    let tuesdays: Vec<Value> = m
        .lessons(&app, &format!("course_id={math_b}"))
        .await
        .into_iter()
        .filter(|l| weekday_of(l) == 2)
        .collect();
    assert_eq!(dates(&tuesdays), cal.days(2, d("2026-11-24"), last));
    assert_eq!(dates(&tuesdays)[0], d("2026-11-24"));

    // An imported row without valid_from still starts when the year does.
    let report = app
        .import_ok(
            &m.admin,
            m.school,
            "timetable",
            "class,weekday,lesson_number,subject,teacher_external_id,group,room\n5Б,4,1,История,M05,,103\n",
            "text/csv",
        )
        .await;
    assert_eq!(counts(&report), (1, 0, 0, 0));
    let imported = m.entry(&app, history_b, 4, 1).await;
    assert_eq!(imported["valid_from"], "2026-09-01");
    let history = m.lessons(&app, &format!("course_id={history_b}")).await;
    assert_eq!(dates(&history), cal.days(4, first, last));

    // Before the year starts, and after it ended, an entry covers the whole year.
    for clock in ["2026-08-20T09:00:00Z", "2027-09-15T09:00:00Z"] {
        let app = spawn_with(db, |s| {
            s.fixed_clock = Some(clock.parse().unwrap());
        })
        .await;
        let m = mini_school(&app, false).await;
        let math_a = m.course("5А", MATH, None);
        let entry = m
            .create_entry(
                &app,
                json!({"course_id": math_a, "weekday": 3, "lesson_number": 1}),
            )
            .await;
        assert_eq!(entry["valid_from"], "2026-09-01", "at {clock}");
        let lessons = m.lessons(&app, &format!("course_id={math_a}")).await;
        assert_eq!(dates(&lessons), cal.days(3, first, last), "at {clock}");
    }
}

async fn conflicting_rows_in_a_timetable_import_are_row_errors_and_write_nothing(app: TestApp) {
    let m = mini_school(&app, true).await;
    let entries_before = m.entries(&app, "").await;
    assert_eq!(entries_before.len(), 10);
    let lessons_before = m.lesson_total(&app).await;
    // Line 2 and 3: M01 twice on Thursday 1. Line 4: 5А Russian on Monday 1, where 5А has
    // maths, M02 has 5Б Russian and room 102 is taken (existing entries). Line 5 is fine.
    let file = "class,weekday,lesson_number,subject,teacher_external_id,group,room
5А,4,1,Математика,M01,,101
5Б,4,1,Математика,M01,,105
5А,1,1,Русский язык,M02,,102
5Б,5,6,История,M05,,103
";
    let res = app
        .import(&m.admin, m.school, "timetable", file, "text/csv", "")
        .await;
    let body = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "import_rejected").await;
    let report = &body["report"];
    assert_eq!(report["committed"], false, "{report}");
    let rows = report["rows"].as_array().unwrap();
    let row = |line: u64| rows.iter().find(|r| r["line"] == line).unwrap();
    let message = |line: u64| {
        row(line)["problems"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["message"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
            .join(" | ")
    };
    assert_eq!(row(2)["outcome"], "error");
    assert!(
        message(2).contains("teacher") && message(2).contains("line 3"),
        "{}",
        message(2)
    );
    assert_eq!(row(3)["outcome"], "error");
    assert!(
        message(3).contains("teacher") && message(3).contains("line 2"),
        "{}",
        message(3)
    );
    assert_eq!(row(4)["outcome"], "error");
    let m4 = message(4);
    assert!(
        m4.contains("class")
            && m4.contains("teacher")
            && m4.contains("room")
            && m4.contains("existing entry"),
        "{m4}"
    );
    assert_eq!(row(5)["outcome"], "created");
    assert_eq!(counts(report).3, 3);
    // Nothing was written, not even line 5.
    assert_eq!(m.entries(&app, "").await, entries_before);
    assert_eq!(m.lesson_total(&app).await, lessons_before);
}

// ---------- 3. regeneration keeps lessons with data ----------

async fn changing_the_timetable_keeps_lessons_with_data_and_flags_them(app: TestApp) {
    let m = mini_school(&app, true).await;
    let cal = Cal::from_fixtures();
    let (first, last) = (cal.first(), cal.last());
    let math = m.course("5А", MATH, None);
    let m01 = m.account(&app, "M01", Role::Teacher).await;
    let monday = m.entry(&app, math, 1, 1).await;
    let wednesday = m.entry(&app, math, 3, 1).await;

    // Before: every school Monday and Wednesday.
    let all = m.lessons(&app, &format!("course_id={math}")).await;
    let mut want = cal.days(1, first, last);
    want.extend(cal.days(3, first, last));
    want.sort();
    assert_eq!(dates(&all), want);

    // Journal data on two Mondays after the coming change (a topic; homework only).
    let nov16 = m.lesson_on(&app, math, "2026-11-16").await;
    assert_eq!(nov16["version"], 1);
    assert_eq!(nov16["has_data"], false);
    let res = write_content(
        &app,
        &m,
        &m01,
        id(&nov16),
        json!({"topic": "Обыкновенные дроби", "version": 1}),
    )
    .await;
    let written = expect(res, StatusCode::OK).await;
    assert_eq!(written["topic"], "Обыкновенные дроби");
    assert_eq!(written["version"], 2);
    assert_eq!(written["has_data"], true);
    let nov30 = m.lesson_on(&app, math, "2026-11-30").await;
    let res = write_content(
        &app,
        &m,
        &m01,
        id(&nov30),
        json!({"homework": "№ 245, 246", "homework_due_on": "2026-12-02", "version": 1}),
    )
    .await;
    expect(res, StatusCode::OK).await;
    let oct19 = m.lesson_on(&app, math, "2026-10-19").await;

    // From 9 November the Monday lesson moves to Tuesday, lesson 2.
    let res = m
        .admin_send(
            &app,
            Method::PUT,
            &format!("/timetable/{}", id(&monday)),
            json!({"course_id": math, "weekday": 2, "lesson_number": 2, "room": "101", "valid_from": "2026-11-09"}),
        )
        .await;
    let tuesday = expect(res, StatusCode::OK).await;
    assert_eq!(tuesday["weekday"], 2);
    assert_eq!(tuesday["lesson_number"], 2);
    assert_eq!(tuesday["valid_from"], "2026-11-09");
    assert_ne!(
        tuesday["id"], monday["id"],
        "a change from a later day splits the entry"
    );
    let old = m
        .entries(&app, "")
        .await
        .into_iter()
        .find(|e| e["id"] == monday["id"])
        .expect("the old entry still covers the lessons before the change");
    assert_eq!(old["valid_to"], "2026-11-08");

    let change = d("2026-11-09");
    let all = m.lessons(&app, &format!("course_id={math}")).await;
    let on = |wd: u32| -> Vec<Value> {
        all.iter()
            .filter(|l| weekday_of(l) == wd)
            .cloned()
            .collect()
    };
    // Mondays: those before the change, and the two with data after it.
    let mut want = cal.days(1, first, change - Duration::days(1));
    want.extend([d("2026-11-16"), d("2026-11-30")]);
    assert_eq!(dates(&on(1)), want);
    // Tuesdays from the change on, lesson 2 at 09:25.
    let tuesdays = on(2);
    assert_eq!(dates(&tuesdays), cal.days(2, change, last));
    assert!(
        tuesdays.iter().all(|l| l["lesson_number"] == 2
            && l["starts_at"] == "09:25"
            && l["needs_review"] == false),
        "{tuesdays:?}"
    );
    // Wednesdays untouched.
    assert_eq!(dates(&on(3)), cal.days(3, first, last));
    // The lessons with data stayed where they were, flagged; the earlier one is the same lesson.
    for (before, date) in [(&nov16, "2026-11-16"), (&nov30, "2026-11-30")] {
        let now = m.lesson(&app, id(before)).await;
        assert_eq!(now["date"], date);
        assert_eq!(now["lesson_number"], 1);
        assert_eq!(now["needs_review"], true, "{now}");
        assert_eq!(now["review_reason"], "left_timetable", "{now}");
        assert_eq!(now["has_data"], true);
    }
    assert_eq!(
        m.lesson(&app, id(&nov16)).await["topic"],
        "Обыкновенные дроби"
    );
    let still = m.lesson(&app, id(&oct19)).await;
    assert_eq!(still["needs_review"], false);
    let flagged = m.lessons(&app, "needs_review=true").await;
    assert_eq!(ids(&flagged), BTreeSet::from([id(&nov16), id(&nov30)]));

    // The admin keeps one as it is.
    let res = m
        .admin_send(
            &app,
            Method::POST,
            &format!("/lessons/{}/acknowledge", id(&nov16)),
            json!({}),
        )
        .await;
    let ack = expect(res, StatusCode::OK).await;
    assert_eq!(ack["needs_review"], false);
    assert_eq!(ack["review_reason"], Value::Null);
    assert_eq!(ack["date"], "2026-11-16");
    assert_eq!(ack["topic"], "Обыкновенные дроби");

    // The Wednesday entry ends before 1 December; the lesson of 2 December has a topic.
    let dec2 = m.lesson_on(&app, math, "2026-12-02").await;
    let res = write_content(
        &app,
        &m,
        &m01,
        id(&dec2),
        json!({"topic": "Проценты", "version": 1}),
    )
    .await;
    expect(res, StatusCode::OK).await;
    let res = app
        .send(
            Method::DELETE,
            &m.path(&format!("/timetable/{}?from=2026-12-01", id(&wednesday))),
            Some(&m.admin),
            None,
        )
        .await;
    expect(res, StatusCode::NO_CONTENT).await;
    let ended = m
        .entries(&app, "")
        .await
        .into_iter()
        .find(|e| e["id"] == wednesday["id"])
        .unwrap();
    assert_eq!(ended["valid_to"], "2026-11-30");
    let all = m.lessons(&app, &format!("course_id={math}")).await;
    let wednesdays: Vec<Value> = all.iter().filter(|l| weekday_of(l) == 3).cloned().collect();
    let mut want = cal.days(3, first, d("2026-11-30"));
    want.push(d("2026-12-02"));
    assert_eq!(dates(&wednesdays), want);
    assert_eq!(m.lesson(&app, id(&dec2)).await["needs_review"], true);
    // Only the timetable of `/timetable?on=` that day: the Wednesday entry is gone from it.
    let on_dec9 = m
        .entries(&app, &format!("?class_id={}&on=2026-12-09", m.class("5А")))
        .await;
    assert!(
        on_dec9
            .iter()
            .all(|e| e["id"] != wednesday["id"] && e["id"] != monday["id"]),
        "{on_dec9:?}"
    );

    // Regenerating the year twice: the second run changes nothing.
    m.generate(&app).await;
    let total_before = m.lesson_total(&app).await;
    let again = m.generate(&app).await;
    assert_eq!(
        (
            generated(&again).0,
            generated(&again).1,
            generated(&again).2,
            generated(&again).3
        ),
        (0, 0, 0, 0),
        "{again}"
    );
    assert_eq!(generated(&again).4, total_before);
    assert_eq!(m.lesson_total(&app).await, total_before);
    // The lessons with data are all still there.
    for l in [&nov16, &nov30, &dec2] {
        assert_eq!(m.lesson(&app, id(l)).await["has_data"], true);
    }
}

async fn an_acknowledged_lesson_stays_acknowledged_when_lessons_are_regenerated(app: TestApp) {
    let m = mini_school(&app, true).await;
    let math = m.course("5А", MATH, None);
    let m01 = m.account(&app, "M01", Role::Teacher).await;
    let monday = m.entry(&app, math, 1, 1).await;
    let nov16 = m.lesson_on(&app, math, "2026-11-16").await;
    let res = write_content(
        &app,
        &m,
        &m01,
        id(&nov16),
        json!({"topic": "Обыкновенные дроби", "version": 1}),
    )
    .await;
    expect(res, StatusCode::OK).await;
    let res = m
        .admin_send(
            &app,
            Method::PUT,
            &format!("/timetable/{}", id(&monday)),
            json!({"course_id": math, "weekday": 2, "lesson_number": 2, "valid_from": "2026-11-09"}),
        )
        .await;
    expect(res, StatusCode::OK).await;
    let flagged = m.lesson(&app, id(&nov16)).await;
    assert_eq!(flagged["needs_review"], true);
    assert_eq!(flagged["review_reason"], "left_timetable");
    let res = m
        .admin_send(
            &app,
            Method::POST,
            &format!("/lessons/{}/acknowledge", id(&nov16)),
            json!({}),
        )
        .await;
    expect(res, StatusCode::OK).await;
    // The admin decided to keep it: a later regeneration of the year must not ask again.
    let report = m.generate(&app).await;
    assert_eq!(
        generated(&report).3,
        0,
        "regeneration flagged the acknowledged lesson again: {report}"
    );
    let kept = m.lesson(&app, id(&nov16)).await;
    assert_eq!(kept["needs_review"], false);
    assert_eq!(
        kept["review_reason"],
        Value::Null,
        "shown only while flagged: {kept}"
    );
}

async fn a_holiday_removes_lessons_without_data_and_flags_those_with_data(app: TestApp) {
    let m = mini_school(&app, true).await;
    let math = m.course("5А", MATH, None);
    let m01 = m.account(&app, "M01", Role::Teacher).await;
    let day = "2026-12-07"; // a Monday: 7 lessons in the small school
    let before = m.lessons(&app, &format!("from={day}&to={day}")).await;
    assert_eq!(before.len(), 7);
    let maths = m.lesson_on(&app, math, day).await;
    let res = write_content(
        &app,
        &m,
        &m01,
        id(&maths),
        json!({"topic": "Десятичные дроби", "version": 1}),
    )
    .await;
    expect(res, StatusCode::OK).await;

    let res = m
        .admin_send(
            &app,
            Method::POST,
            "/holidays",
            json!({"name": "Карантин по гриппу", "kind": "holiday", "starts_on": day}),
        )
        .await;
    let holiday = expect(res, StatusCode::CREATED).await;
    assert_eq!(holiday["ends_on"], day);
    assert_eq!(holiday["kind"], "holiday");
    let after = m.lessons(&app, &format!("from={day}&to={day}")).await;
    assert_eq!(ids(&after), BTreeSet::from([id(&maths)]));
    assert_eq!(after[0]["needs_review"], true);
    assert_eq!(after[0]["review_reason"], "left_timetable");
    assert_eq!(after[0]["topic"], "Десятичные дроби");
    // The class's day says so.
    let res = m
        .schedule(
            &app,
            &m.admin,
            &format!("class_id={}&date={day}", m.class("5А")),
        )
        .await;
    let sched = expect(res, StatusCode::OK).await;
    assert_eq!(sched["days"][0]["is_school_day"], false);
    assert_eq!(sched["days"][0]["holiday"], "Карантин по гриппу");
    assert_eq!(
        ids(sched["days"][0]["lessons"].as_array().unwrap()),
        BTreeSet::from([id(&maths)])
    );
    let holidays = app.get_ok(&m.path("/holidays"), &m.admin).await;
    let holidays = holidays.as_array().unwrap();
    assert_eq!(holidays.len(), 8);
    let starts: Vec<&str> = holidays
        .iter()
        .map(|h| h["starts_on"].as_str().unwrap())
        .collect();
    let mut sorted = starts.clone();
    sorted.sort();
    assert_eq!(starts, sorted);
    // An extra lesson cannot be put on it.
    let res = m
        .admin_send(
            &app,
            Method::POST,
            "/lessons",
            json!({"course_id": math, "date": day, "lesson_number": 6}),
        )
        .await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "not_a_school_day").await;

    // Moved to the next day: the Monday's lessons come back, Tuesday's go.
    let tuesday = "2026-12-08";
    assert_eq!(
        m.lessons(&app, &format!("from={tuesday}&to={tuesday}"))
            .await
            .len(),
        2
    );
    let res = m
        .admin_send(
            &app,
            Method::PUT,
            &format!("/holidays/{}", id(&holiday)),
            json!({"name": "Карантин по гриппу", "kind": "holiday", "starts_on": tuesday}),
        )
        .await;
    expect(res, StatusCode::OK).await;
    let monday = m.lessons(&app, &format!("from={day}&to={day}")).await;
    assert_eq!(monday.len(), 7);
    let kept = monday.iter().find(|l| id(l) == id(&maths)).unwrap();
    assert_eq!(kept["needs_review"], false, "{kept}");
    assert_eq!(kept["review_reason"], Value::Null, "{kept}");
    assert_eq!(
        m.lessons(&app, &format!("from={tuesday}&to={tuesday}"))
            .await
            .len(),
        0
    );

    // A holiday imported later removes that day's lessons as well.
    let report = app
        .import_ok(
            &m.admin,
            m.school,
            "holidays",
            "name,kind,starts_on,ends_on\nДень здоровья,holiday,2026-12-14,\n",
            "text/csv",
        )
        .await;
    assert_eq!(counts(&report), (1, 0, 0, 0));
    assert_eq!(
        m.lessons(&app, "from=2026-12-14&to=2026-12-14").await,
        Vec::<Value>::new()
    );
    assert_eq!(
        m.lessons(&app, "from=2026-12-21&to=2026-12-21").await.len(),
        7
    );

    // Deleted: Tuesday's lessons come back.
    let res = app
        .send(
            Method::DELETE,
            &m.path(&format!("/holidays/{}", id(&holiday))),
            Some(&m.admin),
            None,
        )
        .await;
    expect(res, StatusCode::NO_CONTENT).await;
    assert_eq!(
        m.lessons(&app, &format!("from={tuesday}&to={tuesday}"))
            .await
            .len(),
        2
    );
    assert_eq!(
        app.get_ok(&m.path("/holidays"), &m.admin)
            .await
            .as_array()
            .unwrap()
            .len(),
        8
    );
}

// ---------- 4. single lesson changes ----------

async fn lessons_are_cancelled_restored_moved_added_and_deleted(app: TestApp) {
    let m = mini_school(&app, true).await;
    let math = m.course("5А", MATH, None);
    let rus = m.course("5А", RUSSIAN, None);
    let m01 = m.account(&app, "M01", Role::Teacher).await;
    let lesson = m.lesson_on(&app, math, "2026-11-23").await;
    let l = id(&lesson);
    let post = |path: String, body: Value| {
        let m = &m;
        let app = &app;
        async move { m.admin_send(app, Method::POST, &path, body).await }
    };

    // Cancel, with a reason.
    let res = post(format!("/lessons/{l}/cancel"), json!({"reason": "   "})).await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    let res = post(
        format!("/lessons/{l}/cancel"),
        json!({"reason": "карантин"}),
    )
    .await;
    let cancelled = expect(res, StatusCode::OK).await;
    assert_eq!(cancelled["status"], "cancelled");
    assert_eq!(cancelled["cancel_reason"], "карантин");
    // Nothing is written into a cancelled lesson.
    let res = write_content(&app, &m, &m01, l, json!({"topic": "Углы", "version": 1})).await;
    assert_problem(res, StatusCode::CONFLICT, "lesson_cancelled").await;
    // Regeneration leaves it cancelled.
    m.generate(&app).await;
    assert_eq!(m.lesson(&app, l).await["status"], "cancelled");
    // Restored.
    let res = post(format!("/lessons/{l}/restore"), json!({})).await;
    let restored = expect(res, StatusCode::OK).await;
    assert_eq!(restored["status"], "scheduled");
    assert_eq!(restored["cancel_reason"], Value::Null);
    let res = write_content(&app, &m, &m01, l, json!({"topic": "Углы", "version": 1})).await;
    expect(res, StatusCode::OK).await;

    // Moved to Thursday lesson 4, with its topic.
    let res = post(
        format!("/lessons/{l}/move"),
        json!({"date": "2026-11-26", "lesson_number": 4, "room": "105"}),
    )
    .await;
    let moved = expect(res, StatusCode::OK).await;
    assert_eq!(moved["date"], "2026-11-26");
    assert_eq!(moved["lesson_number"], 4);
    assert_eq!(moved["room"], "105");
    assert_eq!(moved["starts_at"], "11:35");
    assert_eq!(moved["moved_from_date"], "2026-11-23");
    assert_eq!(moved["moved_from_number"], 1);
    assert_eq!(moved["topic"], "Углы");
    assert_eq!(moved["origin"], "timetable");
    // Regeneration does not bring the lesson back to its timetable slot.
    let report = m.generate(&app).await;
    assert_eq!(generated(&report).0, 0, "{report}");
    assert_eq!(generated(&report).2, 0, "{report}");
    let orig = m
        .lessons(
            &app,
            &format!("course_id={math}&from=2026-11-23&to=2026-11-23"),
        )
        .await;
    assert!(orig.is_empty(), "{orig:?}");
    let back = m.lesson(&app, l).await;
    assert_eq!(back["date"], "2026-11-26");
    assert_eq!(back["needs_review"], false);
    let res = m
        .schedule(
            &app,
            &m.admin,
            &format!("class_id={}&date=2026-11-26", m.class("5А")),
        )
        .await;
    let thursday = expect(res, StatusCode::OK).await;
    assert_eq!(
        ids(thursday["days"][0]["lessons"].as_array().unwrap()),
        BTreeSet::from([l])
    );

    // Not onto a holiday, nor outside the quarters, nor into a taken slot.
    let res = post(
        format!("/lessons/{l}/move"),
        json!({"date": "2026-11-04", "lesson_number": 4}),
    )
    .await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "not_a_school_day").await;
    let res = post(
        format!("/lessons/{l}/move"),
        json!({"date": "2027-06-07", "lesson_number": 4}),
    )
    .await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "not_a_school_day").await;
    let russian = m.lesson_on(&app, rus, "2026-11-30").await;
    let res = post(
        format!("/lessons/{l}/move"),
        json!({"date": "2026-11-30", "lesson_number": 2}),
    )
    .await;
    let conflicts = conflicts_of(res).await;
    assert!(
        conflicts
            .iter()
            .any(|c| c["kind"] == "class" && c["lesson_id"] == russian["id"]),
        "{conflicts:?}"
    );
    assert_eq!(m.lesson(&app, l).await["date"], "2026-11-26");

    // An extra lesson.
    let res = post(
        "/lessons".into(),
        json!({"course_id": math, "date": "2026-11-27", "lesson_number": 6, "room": "101"}),
    )
    .await;
    let extra = expect(res, StatusCode::CREATED).await;
    assert_eq!(extra["origin"], "extra");
    assert_eq!(extra["status"], "scheduled");
    assert_eq!(extra["date"], "2026-11-27");
    assert_eq!(extra["moved_from_date"], Value::Null);
    assert_eq!(extra["class_name"], "5А");
    // Not into a taken slot (5А has Russian on Monday lesson 2), not on a holiday.
    let res = post(
        "/lessons".into(),
        json!({"course_id": math, "date": "2026-11-30", "lesson_number": 2}),
    )
    .await;
    assert!(
        conflicts_of(res).await.iter().any(|c| c["kind"] == "class"),
        "5А has Russian then"
    );
    let res = post(
        "/lessons".into(),
        json!({"course_id": math, "date": "2027-02-23", "lesson_number": 2}),
    )
    .await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "not_a_school_day").await;
    // Regeneration keeps extra lessons.
    let report = m.generate(&app).await;
    assert_eq!(generated(&report).2, 0, "{report}");
    assert_eq!(m.lesson(&app, id(&extra)).await["origin"], "extra");
    // An extra lesson without data is deleted; one with data is not; a timetable lesson never.
    let res = app
        .send(
            Method::DELETE,
            &m.path(&format!("/lessons/{}", id(&extra))),
            Some(&m.admin),
            None,
        )
        .await;
    expect(res, StatusCode::NO_CONTENT).await;
    let res = app
        .get(&m.path(&format!("/lessons/{}", id(&extra))), Some(&m.admin))
        .await;
    assert_problem(res, StatusCode::NOT_FOUND, "not_found").await;
    let res = post(
        "/lessons".into(),
        json!({"course_id": math, "date": "2026-11-27", "lesson_number": 6}),
    )
    .await;
    let extra2 = expect(res, StatusCode::CREATED).await;
    let res = write_content(
        &app,
        &m,
        &m01,
        id(&extra2),
        json!({"topic": "Повторение", "version": 1}),
    )
    .await;
    expect(res, StatusCode::OK).await;
    let res = app
        .send(
            Method::DELETE,
            &m.path(&format!("/lessons/{}", id(&extra2))),
            Some(&m.admin),
            None,
        )
        .await;
    assert_problem(res, StatusCode::CONFLICT, "lesson_has_data").await;
    let plain = m.lesson_on(&app, math, "2026-12-14").await;
    let res = app
        .send(
            Method::DELETE,
            &m.path(&format!("/lessons/{}", id(&plain))),
            Some(&m.admin),
            None,
        )
        .await;
    assert_problem(res, StatusCode::CONFLICT, "conflict").await;
    assert_eq!(m.lesson(&app, id(&plain)).await["status"], "scheduled");

    // A course with journal data cannot be deleted; one without takes its timetable and
    // lessons along.
    let res = app
        .send(
            Method::DELETE,
            &m.path(&format!("/courses/{math}")),
            Some(&m.admin),
            None,
        )
        .await;
    assert_problem(res, StatusCode::CONFLICT, "lesson_has_data").await;
    let history = m.course("5Б", HISTORY, None);
    assert!(
        !m.lessons(&app, &format!("course_id={history}"))
            .await
            .is_empty()
    );
    let res = app
        .send(
            Method::DELETE,
            &m.path(&format!("/courses/{history}")),
            Some(&m.admin),
            None,
        )
        .await;
    expect(res, StatusCode::NO_CONTENT).await;
    assert_eq!(
        m.lessons(&app, &format!("course_id={history}")).await,
        Vec::<Value>::new()
    );
    assert!(
        m.entries(&app, "")
            .await
            .iter()
            .all(|e| e["course_id"] != history.to_string())
    );
    let monday = m.lessons(&app, "from=2026-12-07&to=2026-12-07").await;
    assert_eq!(monday.len(), 6, "{monday:?}");
}

// ---------- 5. the school time zone ----------

/// Sunday 29 November 2026, 15:00 UTC: already Monday 30 November, 01:00, in Vladivostok; still
/// Sunday, 18:00, in Moscow.
const SUNDAY_15_UTC: &str = "2026-11-29T15:00:00Z";

mod today_is_computed_in_the_school_time_zone {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        super::today_in_the_school_time_zone(super::Db::Sqlite).await
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        super::today_in_the_school_time_zone(super::Db::Postgres).await
    }
}

async fn today_in_the_school_time_zone(db: Db) {
    let app = spawn_with(db, |s| {
        s.fixed_clock = Some(SUNDAY_15_UTC.parse().unwrap());
    })
    .await;
    let m = mini_school(&app, true).await;
    let math_a = m.course("5А", MATH, None);
    let math_b = m.course("5Б", MATH, None);
    let m01_person = m.person(&app, "M01").await;
    let m01 = m.account(&app, "M01", Role::Teacher).await;
    let set_zone = |zone: &'static str| {
        let m = &m;
        let app = &app;
        async move {
            let mut settings = app.get_ok(&m.path("/settings"), &m.admin).await;
            settings["time_zone"] = json!(zone);
            let res = m.admin_send(app, Method::PUT, "/settings", settings).await;
            assert_eq!(expect(res, StatusCode::OK).await["time_zone"], zone);
        }
    };

    set_zone("Asia/Vladivostok").await;
    let query = format!("teacher_id={m01_person}&today=true");
    let today = expect(m.schedule(&app, &m01, &query).await, StatusCode::OK).await;
    assert_eq!(today["time_zone"], "Asia/Vladivostok");
    assert_eq!(today["today"], "2026-11-30");
    assert_eq!(
        (today["from"].as_str(), today["to"].as_str()),
        (Some("2026-11-30"), Some("2026-11-30"))
    );
    let days = today["days"].as_array().unwrap();
    assert_eq!(days.len(), 1);
    assert_eq!(days[0]["date"], "2026-11-30");
    assert_eq!(days[0]["weekday"], 1);
    assert_eq!(days[0]["is_school_day"], true);
    let lessons = days[0]["lessons"].as_array().unwrap();
    let got: Vec<(String, String, i64)> = lessons
        .iter()
        .map(|l| {
            (
                l["course_id"].as_str().unwrap().to_string(),
                l["date"].as_str().unwrap().to_string(),
                l["lesson_number"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (math_a.to_string(), "2026-11-30".to_string(), 1),
            (math_b.to_string(), "2026-11-30".to_string(), 2)
        ]
    );
    assert_eq!(lessons[0]["starts_at"], "08:30");
    assert_eq!(lessons[0]["room"], "101");
    assert_eq!(lessons[0]["class_name"], "5А");
    // The next day with lessons: Wednesday (5А maths).
    assert_eq!(today["next_lesson_date"], "2026-12-02");
    // The current week is Monday 30 November – Sunday 6 December there.
    let week = expect(
        m.schedule(&app, &m01, &format!("teacher_id={m01_person}"))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        (week["from"].as_str(), week["to"].as_str()),
        (Some("2026-11-30"), Some("2026-12-06"))
    );
    assert_eq!(week["days"].as_array().unwrap().len(), 7);
    // Ending an entry without a day ends it before today there: Monday 30 November has no
    // history lesson any more, Monday 23 November keeps its own.
    let history = m.course("5Б", HISTORY, None);
    let entry = m.entry(&app, history, 1, 3).await;
    let res = app
        .send(
            Method::DELETE,
            &m.path(&format!("/timetable/{}", id(&entry))),
            Some(&m.admin),
            None,
        )
        .await;
    expect(res, StatusCode::NO_CONTENT).await;
    let ended = m
        .entries(&app, "")
        .await
        .into_iter()
        .find(|e| e["id"] == entry["id"])
        .unwrap();
    assert_eq!(ended["valid_to"], "2026-11-29");
    let last = m
        .lessons(&app, &format!("course_id={history}&from=2026-11-23"))
        .await;
    assert_eq!(dates(&last), vec![d("2026-11-23")]);

    // The same instant in Moscow is still Sunday: no lessons today, next on Monday.
    set_zone("Europe/Moscow").await;
    let today = expect(m.schedule(&app, &m01, &query).await, StatusCode::OK).await;
    assert_eq!(today["today"], "2026-11-29");
    assert_eq!(today["days"][0]["date"], "2026-11-29");
    assert_eq!(today["days"][0]["weekday"], 7);
    assert_eq!(today["days"][0]["lessons"], json!([]));
    assert_eq!(today["next_lesson_date"], "2026-11-30");
    let week = expect(
        m.schedule(&app, &m01, &format!("teacher_id={m01_person}"))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        (week["from"].as_str(), week["to"].as_str()),
        (Some("2026-11-23"), Some("2026-11-29"))
    );
}

// ---------- 6. substitutions ----------

async fn a_substitute_writes_only_the_lesson_they_cover_on_behalf_of_the_teacher(app: TestApp) {
    let m = mini_school(&app, true).await;
    let math = m.course("5А", MATH, None);
    let rus_b = m.course("5Б", RUSSIAN, None);
    let eng_a1 = m.course("5А", ENGLISH, Some(1));
    let m01_person = m.person(&app, "M01").await;
    let m05_person = m.person(&app, "M05").await;
    let m07_person = m.person(&app, "M07").await;
    let m01 = m.account(&app, "M01", Role::Teacher).await;
    let m07 = m.account(&app, "M07", Role::Teacher).await;
    let m05 = m.account(&app, "M05", Role::Teacher).await;
    let day = "2026-11-16";
    let lesson = m.lesson_on(&app, math, day).await;
    let l = id(&lesson);
    let other_day = m.lesson_on(&app, math, "2026-11-18").await;

    // Before: the substitute may not write it.
    let res = write_content(&app, &m, &m07, l, json!({"topic": "Дроби", "version": 1})).await;
    assert_problem(res, StatusCode::FORBIDDEN, "forbidden").await;

    // Assigned.
    let sub = |lesson: Uuid, teacher: Uuid| {
        let m = &m;
        let app = &app;
        async move {
            m.admin_send(
                app,
                Method::PUT,
                &format!("/lessons/{lesson}/substitute"),
                json!({"teacher_id": teacher}),
            )
            .await
        }
    };
    let assigned = expect(sub(l, m07_person).await, StatusCode::OK).await;
    assert_eq!(assigned["substitute_id"], m07_person.to_string());
    assert_eq!(assigned["substitute_name"], "Назарова Вера Павловна");
    assert_eq!(assigned["teacher_ids"], json!([m01_person.to_string()]));
    // The course's own teacher is not a substitute, nor is the principal.
    let res = sub(id(&other_day), m01_person).await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    let res = sub(id(&other_day), m.person(&app, "M08").await).await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    // A cancelled lesson gets no substitute.
    let cancelled = m.lesson_on(&app, math, "2026-11-23").await;
    let res = m
        .admin_send(
            &app,
            Method::POST,
            &format!("/lessons/{}/cancel", id(&cancelled)),
            json!({"reason": "экскурсия"}),
        )
        .await;
    expect(res, StatusCode::OK).await;
    let res = sub(id(&cancelled), m07_person).await;
    assert_problem(res, StatusCode::CONFLICT, "lesson_cancelled").await;
    // The admin's list of the substitute's lessons has it.
    let listed = m.lessons(&app, &format!("teacher_id={m07_person}")).await;
    assert_eq!(ids(&listed), BTreeSet::from([l]));

    // The substitute's day lists it.
    let res = m
        .schedule(&app, &m07, &format!("teacher_id={m07_person}&date={day}"))
        .await;
    let sched = expect(res, StatusCode::OK).await;
    let lessons = sched["days"][0]["lessons"].as_array().unwrap();
    assert_eq!(ids(lessons), BTreeSet::from([l]));
    assert_eq!(lessons[0]["substitute_id"], m07_person.to_string());
    assert_eq!(lessons[0]["class_name"], "5А");
    // …and the week too.
    let res = m
        .schedule(
            &app,
            &m07,
            &format!("teacher_id={m07_person}&week=2026-W47"),
        )
        .await;
    let week = expect(res, StatusCode::OK).await;
    let all: Vec<Value> = week["days"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|d| d["lessons"].as_array().unwrap().clone())
        .collect();
    assert_eq!(ids(&all), BTreeSet::from([l]));

    // The substitute writes the covered lesson, on behalf of the course's teacher…
    let res = write_content(
        &app,
        &m,
        &m07,
        l,
        json!({"topic": "Сложение дробей", "homework": "№ 301", "version": 1}),
    )
    .await;
    let written = expect(res, StatusCode::OK).await;
    assert_eq!(written["topic"], "Сложение дробей");
    assert_eq!(written["version"], 2);
    // …and no other lesson of the course.
    let res = write_content(
        &app,
        &m,
        &m07,
        id(&other_day),
        json!({"topic": "Чужой урок", "version": 1}),
    )
    .await;
    assert_problem(res, StatusCode::FORBIDDEN, "forbidden").await;
    assert_eq!(m.lesson(&app, id(&other_day)).await["topic"], Value::Null);
    let audit = app
        .get_ok(
            &m.path("/audit?action=lesson_content_changed&limit=50"),
            &m.admin,
        )
        .await;
    let audit = audit.as_array().unwrap();
    assert_eq!(audit.len(), 1, "{audit:?}");
    let me = app.get_ok("/me", &m07).await;
    assert_eq!(audit[0]["object_id"], l.to_string());
    assert_eq!(audit[0]["actor_account_id"], me["account_id"]);
    assert_eq!(audit[0]["on_behalf_of"], m01_person.to_string());
    assert_eq!(audit[0]["new_value"]["topic"], "Сложение дробей");

    // A stale version: 412 with the current lesson.
    let res = write_content(
        &app,
        &m,
        &m01,
        l,
        json!({"topic": "Моя тема", "version": 1}),
    )
    .await;
    let body = assert_problem(res, StatusCode::PRECONDITION_FAILED, "version_mismatch").await;
    assert_eq!(body["current"]["id"], l.to_string());
    assert_eq!(body["current"]["version"], 2);
    assert_eq!(body["current"]["topic"], "Сложение дробей");
    // The course's teacher with the current version writes, on nobody's behalf.
    let res = write_content(
        &app,
        &m,
        &m01,
        l,
        json!({"topic": "Моя тема", "version": 2}),
    )
    .await;
    assert_eq!(expect(res, StatusCode::OK).await["version"], 3);
    let audit = app
        .get_ok(
            &m.path("/audit?action=lesson_content_changed&limit=50"),
            &m.admin,
        )
        .await;
    let own = audit
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["new_value"]["topic"] == "Моя тема")
        .unwrap();
    assert_eq!(own["on_behalf_of"], Value::Null);

    // A substitute who teaches elsewhere at that time: M05 has 5Б history on Monday lesson 3.
    let english = m.lesson_on(&app, eng_a1, day).await;
    let history = m.lesson_on(&app, m.course("5Б", HISTORY, None), day).await;
    let conflicts = conflicts_of(sub(id(&english), m05_person).await).await;
    assert_eq!(conflicts.len(), 1, "{conflicts:?}");
    assert_eq!(conflicts[0]["kind"], "teacher");
    assert_eq!(conflicts[0]["lesson_id"], history["id"]);
    // M07 now holds 5А maths on Monday lesson 1: 5Б Russian at the same time is refused too.
    let russian_b = m.lesson_on(&app, rus_b, day).await;
    let conflicts = conflicts_of(sub(id(&russian_b), m07_person).await).await;
    assert_eq!(conflicts.len(), 1, "{conflicts:?}");
    assert_eq!(conflicts[0]["lesson_id"], l.to_string());
    assert_eq!(
        m.lesson(&app, id(&russian_b)).await["substitute_id"],
        Value::Null
    );
    let _ = m05;

    // Removed: the substitute loses the lesson and the right to write it.
    let res = app
        .send(
            Method::DELETE,
            &m.path(&format!("/lessons/{l}/substitute")),
            Some(&m.admin),
            None,
        )
        .await;
    assert_eq!(
        expect(res, StatusCode::OK).await["substitute_id"],
        Value::Null
    );
    let res = write_content(&app, &m, &m07, l, json!({"topic": "Ещё", "version": 3})).await;
    assert_problem(res, StatusCode::FORBIDDEN, "forbidden").await;
    let res = m
        .schedule(&app, &m07, &format!("teacher_id={m07_person}&date={day}"))
        .await;
    assert_eq!(
        expect(res, StatusCode::OK).await["days"][0]["lessons"],
        json!([])
    );
}

async fn a_teacher_absence_lists_exactly_the_lessons_to_cover(app: TestApp) {
    let m = mini_school(&app, true).await;
    let math_a = m.course("5А", MATH, None);
    let math_b = m.course("5Б", MATH, None);
    let m01_person = m.person(&app, "M01").await;
    let m07_person = m.person(&app, "M07").await;
    let principal = m.account(&app, "M08", Role::Principal).await;
    // M01 in 16–20 November: 5А and 5Б maths on Monday, 5А maths on Wednesday.
    let mut want = BTreeSet::new();
    for (course, day) in [
        (math_a, "2026-11-16"),
        (math_b, "2026-11-16"),
        (math_a, "2026-11-18"),
    ] {
        want.insert(id(&m.lesson_on(&app, course, day).await));
    }
    let res = m
        .admin_send(
            &app,
            Method::POST,
            "/teacher-absences",
            json!({"teacher_id": m01_person, "starts_on": "2026-11-16", "ends_on": "2026-11-20", "reason": "больничный"}),
        )
        .await;
    let absence = expect(res, StatusCode::CREATED).await;
    assert_eq!(absence["teacher_name"], "Орлова Анна Петровна");
    assert_eq!(absence["lessons_total"], 3);
    assert_eq!(absence["lessons_covered"], 0);
    let a = id(&absence);
    let to_cover = app
        .get_ok(
            &m.path(&format!("/teacher-absences/{a}/lessons")),
            &principal,
        )
        .await;
    let to_cover = to_cover.as_array().unwrap();
    assert_eq!(ids(to_cover), want);
    assert!(
        to_cover
            .iter()
            .all(|l| l["teacher_ids"] == json!([m01_person.to_string()]))
    );
    // Ordered by date and lesson number.
    let order: Vec<(String, i64)> = to_cover
        .iter()
        .map(|l| {
            (
                l["date"].as_str().unwrap().to_string(),
                l["lesson_number"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        order,
        vec![
            ("2026-11-16".to_string(), 1),
            ("2026-11-16".to_string(), 2),
            ("2026-11-18".to_string(), 1)
        ]
    );

    // One is covered.
    let res = m
        .admin_send(
            &app,
            Method::PUT,
            &format!(
                "/lessons/{}/substitute",
                to_cover[0]["id"].as_str().unwrap()
            ),
            json!({"teacher_id": m07_person}),
        )
        .await;
    expect(res, StatusCode::OK).await;
    let list = app
        .get_ok(
            &m.path("/teacher-absences?from=2026-11-01&to=2026-11-30"),
            &principal,
        )
        .await;
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["id"], absence["id"]);
    assert_eq!(list[0]["lessons_total"], 3);
    assert_eq!(list[0]["lessons_covered"], 1);
    let to_cover = app
        .get_ok(&m.path(&format!("/teacher-absences/{a}/lessons")), &m.admin)
        .await;
    assert_eq!(
        to_cover
            .as_array()
            .unwrap()
            .iter()
            .filter(|l| l["substitute_id"] == m07_person.to_string())
            .count(),
        1
    );
    // Outside the range: not listed.
    let later = app
        .get_ok(&m.path("/teacher-absences?from=2026-12-01"), &principal)
        .await;
    assert_eq!(later, json!([]));
    // Deleted.
    let res = app
        .send(
            Method::DELETE,
            &m.path(&format!("/teacher-absences/{a}")),
            Some(&m.admin),
            None,
        )
        .await;
    expect(res, StatusCode::NO_CONTENT).await;
    let res = app
        .get(
            &m.path(&format!("/teacher-absences/{a}/lessons")),
            Some(&m.admin),
        )
        .await;
    assert_problem(res, StatusCode::NOT_FOUND, "not_found").await;
}

async fn overlapping_absences_of_one_teacher_are_refused(app: TestApp) {
    let m = mini_school(&app, true).await;
    let m01 = m.person(&app, "M01").await;
    let m02 = m.person(&app, "M02").await;
    let absent = |teacher: Uuid, body: Value| {
        let m = &m;
        let app = &app;
        let mut body = body;
        body["teacher_id"] = json!(teacher);
        async move {
            m.admin_send(app, Method::POST, "/teacher-absences", body)
                .await
        }
    };
    let listed = || async {
        let list = app
            .get_ok(
                &m.path("/teacher-absences?from=2026-11-01&to=2026-11-30"),
                &m.admin,
            )
            .await;
        ids(list.as_array().unwrap())
    };
    let first = expect(
        absent(
            m01,
            json!({"starts_on": "2026-11-16", "ends_on": "2026-11-20", "reason": "больничный"}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    // The same days, an overlap at either end, a day inside (one-day form too), a range around
    // it: 409, nothing recorded.
    for body in [
        json!({"starts_on": "2026-11-16", "ends_on": "2026-11-20"}),
        json!({"starts_on": "2026-11-10", "ends_on": "2026-11-16"}),
        json!({"starts_on": "2026-11-20", "ends_on": "2026-11-27"}),
        json!({"starts_on": "2026-11-18", "ends_on": "2026-11-18"}),
        json!({"starts_on": "2026-11-18"}),
        json!({"starts_on": "2026-11-02", "ends_on": "2026-11-30"}),
    ] {
        let problem = assert_problem(
            absent(m01, body.clone()).await,
            StatusCode::CONFLICT,
            "conflict",
        )
        .await;
        assert!(
            problem["detail"]
                .as_str()
                .unwrap()
                .contains("2026-11-16 to 2026-11-20"),
            "{body}: {problem}"
        );
    }
    assert_eq!(listed().await, BTreeSet::from([id(&first)]));
    // The days just before and just after, and another teacher the same days: recorded.
    let mut recorded = BTreeSet::from([id(&first)]);
    for (teacher, body) in [
        (
            m01,
            json!({"starts_on": "2026-11-09", "ends_on": "2026-11-15"}),
        ),
        (m01, json!({"starts_on": "2026-11-21"})),
        (
            m02,
            json!({"starts_on": "2026-11-16", "ends_on": "2026-11-20"}),
        ),
    ] {
        let a = expect(absent(teacher, body).await, StatusCode::CREATED).await;
        recorded.insert(id(&a));
    }
    assert_eq!(listed().await, recorded);
    // Once the absence is deleted, its days can be recorded again.
    let res = app
        .send(
            Method::DELETE,
            &m.path(&format!("/teacher-absences/{}", id(&first))),
            Some(&m.admin),
            None,
        )
        .await;
    expect(res, StatusCode::NO_CONTENT).await;
    let again = expect(
        absent(
            m01,
            json!({"starts_on": "2026-11-18", "ends_on": "2026-11-19"}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(
        again["lessons_total"], 1,
        "5А maths on Wednesday 18 November"
    );
}

async fn free_teachers_of_a_lesson_are_those_not_teaching_it_absent_or_busy_then(app: TestApp) {
    let m = mini_school(&app, true).await;
    let day = "2026-11-16"; // a Monday
    let math = m.course("5А", MATH, None);
    let rus_b = m.course("5Б", RUSSIAN, None);
    let mut person = HashMap::new();
    for ext in ["M02", "M03", "M04", "M05", "M06", "M07"] {
        person.insert(ext, m.person(&app, ext).await);
    }
    let free = |lesson: Uuid, token: &str| {
        let path = m.path(&format!("/lessons/{lesson}/free-teachers"));
        let app = &app;
        let token = token.to_string();
        async move {
            app.get_ok(&path, &token)
                .await
                .as_array()
                .unwrap()
                .iter()
                .map(|t| (id(t), t["name"].as_str().unwrap().to_string()))
                .collect::<Vec<_>>()
        }
    };
    let want = |exts: &[&str]| -> Vec<(Uuid, String)> {
        exts.iter()
            .map(|ext| {
                let name = match *ext {
                    "M02" => "Белов Игорь Сергеевич",
                    "M03" => "Зуева Ольга Ивановна",
                    "M04" => "Киселёв Пётр Андреевич",
                    "M05" => "Лебедева Нина Олеговна",
                    "M06" => "Миронов Глеб Ильич",
                    "M07" => "Назарова Вера Павловна",
                    other => panic!("{other}"),
                };
                (person[ext], name.to_string())
            })
            .collect()
    };
    let absent = |ext: &str, from: &str, to: &str| {
        let body = json!({"teacher_id": person[ext], "starts_on": from, "ends_on": to});
        let m = &m;
        let app = &app;
        async move {
            expect(
                m.admin_send(app, Method::POST, "/teacher-absences", body)
                    .await,
                StatusCode::CREATED,
            )
            .await
        }
    };
    // M05 is ill that week; M06 only from Tuesday.
    absent("M05", "2026-11-16", "2026-11-20").await;
    absent("M06", "2026-11-17", "2026-11-20").await;

    // 5А maths, lesson 1 (08:30–09:15), M01's. M01 teaches it, M02 has 5Б Russian then, M05 is
    // absent, M08 is the principal: M03 and M04 (lesson 3), M06 and M07 are free, by name.
    let lesson = id(&m.lesson_on(&app, math, day).await);
    assert_eq!(
        free(lesson, &m.admin).await,
        want(&["M03", "M04", "M06", "M07"])
    );
    // The principal sees the same; a teacher may not ask; an unknown lesson is not found.
    let principal = m.account(&app, "M08", Role::Principal).await;
    assert_eq!(free(lesson, &principal).await, free(lesson, &m.admin).await);
    let m01 = m.account(&app, "M01", Role::Teacher).await;
    let path = m.path(&format!("/lessons/{lesson}/free-teachers"));
    assert_problem(
        app.get(&path, Some(&m01)).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    let path = m.path(&format!("/lessons/{}/free-teachers", Uuid::now_v7()));
    assert_problem(
        app.get(&path, Some(&m.admin)).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;

    // M07 covers 5Б Russian at that time: now M07 holds a lesson then and M02 does not.
    let russian_b = id(&m.lesson_on(&app, rus_b, day).await);
    let res = m
        .admin_send(
            &app,
            Method::PUT,
            &format!("/lessons/{russian_b}/substitute"),
            json!({"teacher_id": person["M07"]}),
        )
        .await;
    expect(res, StatusCode::OK).await;
    assert_eq!(
        free(lesson, &m.admin).await,
        want(&["M02", "M03", "M04", "M06"])
    );

    // The bell times decide, not the lesson numbers: with 5Б in the second shift (lesson 1 at
    // 14:00), nobody of 5Б is busy at 08:30, and 5Б's lesson 1 meets 5А's lesson 6 (13:25–14:10).
    let res = m
        .admin_send(
            &app,
            Method::POST,
            "/bell-schedules",
            json!({"name": "Вторая смена", "slots": [
                {"number": 1, "starts_at": "14:00", "ends_at": "14:45"},
                {"number": 2, "starts_at": "14:55", "ends_at": "15:40"},
                {"number": 3, "starts_at": "15:50", "ends_at": "16:35"}
            ], "class_ids": [m.class("5Б")]}),
        )
        .await;
    expect(res, StatusCode::CREATED).await;
    assert_eq!(
        free(lesson, &m.admin).await,
        want(&["M02", "M03", "M04", "M06", "M07"])
    );
    let res = m
        .admin_send(
            &app,
            Method::POST,
            "/lessons",
            json!({"course_id": math, "date": day, "lesson_number": 6}),
        )
        .await;
    let sixth = expect(res, StatusCode::CREATED).await;
    assert_eq!(sixth["starts_at"], "13:25");
    let sixth = id(&sixth);
    assert_eq!(
        free(sixth, &m.admin).await,
        want(&["M02", "M03", "M04", "M06"])
    );
    // A cancelled lesson holds nobody.
    let res = m
        .admin_send(
            &app,
            Method::POST,
            &format!("/lessons/{russian_b}/cancel"),
            json!({"reason": "экскурсия"}),
        )
        .await;
    expect(res, StatusCode::OK).await;
    assert_eq!(
        free(sixth, &m.admin).await,
        want(&["M02", "M03", "M04", "M06", "M07"])
    );

    // Teachers with an account are offered by their teacher role: M06 registered as a teacher
    // stays, M03 registered as a principal only is no longer offered.
    m.account(&app, "M06", Role::Teacher).await;
    m.account(&app, "M03", Role::Principal).await;
    assert_eq!(
        free(sixth, &m.admin).await,
        want(&["M02", "M04", "M06", "M07"])
    );
}

// ---------- 7. whose schedule ----------

async fn a_student_sees_only_their_subgroups_and_only_they_their_parents_and_staff_may(
    app: TestApp,
) {
    let m = mini_school(&app, true).await;
    let s01_person = m.person(&app, "S01").await;
    let s02_person = m.person(&app, "S02").await;
    let m01_person = m.person(&app, "M01").await;
    let s01 = m.account(&app, "S01", Role::Student).await;
    let s02 = m.account(&app, "S02", Role::Student).await;
    let p01 = m.account(&app, "P01", Role::Parent).await;
    let p02 = m.account(&app, "P02", Role::Parent).await;
    let m01 = m.account(&app, "M01", Role::Teacher).await;
    let principal = m.account(&app, "M08", Role::Principal).await;
    let week = "week=2026-W47";

    let lessons_of = |v: &Value| -> Vec<Value> {
        v["days"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|d| d["lessons"].as_array().unwrap().clone())
            .collect()
    };
    let subjects = |lessons: &[Value]| -> Vec<(String, Option<i64>, String)> {
        let mut v: Vec<(String, Option<i64>, String)> = lessons
            .iter()
            .map(|l| {
                (
                    l["subject_name"].as_str().unwrap().to_string(),
                    l["group_number"].as_i64(),
                    l["date"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        v.sort();
        v
    };
    let own = expect(
        m.schedule(&app, &s01, &format!("student_id={s01_person}&{week}"))
            .await,
        StatusCode::OK,
    )
    .await;
    let own_lessons = lessons_of(&own);
    let s = |x: &str, g: Option<i64>, date: &str| (x.to_string(), g, date.to_string());
    let mut want = vec![
        s(MATH, None, "2026-11-16"),
        s(MATH, None, "2026-11-18"),
        s(RUSSIAN, None, "2026-11-16"),
        s(ENGLISH, Some(1), "2026-11-16"),
        s(INFORMATICS, Some(1), "2026-11-17"),
    ];
    want.sort();
    assert_eq!(subjects(&own_lessons), want);
    assert!(own_lessons.iter().all(|l| l["class_name"] == "5А"));
    // The class's week has both subgroups.
    let class = expect(
        m.schedule(&app, &m01, &format!("class_id={}&{week}", m.class("5А")))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(lessons_of(&class).len(), 7);
    // The other student: group 2.
    let other = expect(
        m.schedule(&app, &s02, &format!("student_id={s02_person}&{week}"))
            .await,
        StatusCode::OK,
    )
    .await;
    let mut want2 = vec![
        s(MATH, None, "2026-11-16"),
        s(MATH, None, "2026-11-18"),
        s(RUSSIAN, None, "2026-11-16"),
        s(ENGLISH, Some(2), "2026-11-16"),
        s(INFORMATICS, Some(2), "2026-11-17"),
    ];
    want2.sort();
    assert_eq!(subjects(&lessons_of(&other)), want2);

    // The linked parent sees the child's week; the class teacher, the principal and the admin
    // too.
    let path = format!("student_id={s01_person}&{week}");
    for token in [&p01, &m01, &principal, &m.admin] {
        let seen = expect(m.schedule(&app, token, &path).await, StatusCode::OK).await;
        assert_eq!(seen["days"], own["days"]);
    }
    // Another parent, another student: 403.
    assert_problem(
        m.schedule(&app, &p02, &path).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    assert_problem(
        m.schedule(&app, &s02, &path).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    // Students and parents do not read staff views.
    for token in [&s01, &p01] {
        for q in [
            format!("teacher_id={m01_person}&{week}"),
            format!("class_id={}&{week}", m.class("5А")),
            format!("room=101&{week}"),
        ] {
            assert_problem(
                m.schedule(&app, token, &q).await,
                StatusCode::FORBIDDEN,
                "forbidden",
            )
            .await;
        }
    }
    // Exactly one subject, at most one span.
    for q in [
        week.to_string(),
        format!("teacher_id={m01_person}&class_id={}", m.class("5А")),
        format!("teacher_id={m01_person}&week=2026-W47&today=true"),
        format!("teacher_id={m01_person}&week=2026-W99"),
    ] {
        assert_problem(
            m.schedule(&app, &m.admin, &q).await,
            StatusCode::BAD_REQUEST,
            "invalid_query_parameter",
        )
        .await;
    }
    // A student transferred on Wednesday sees 5Б's Monday and 5А's Wednesday (whole-class
    // lessons only: no subgroup in 5А).
    let s03_person = m.person(&app, "S03").await;
    let res = m
        .admin_send(
            &app,
            Method::POST,
            &format!("/students/{s03_person}/transfer"),
            json!({"class_id": m.class("5А"), "date": "2026-11-18"}),
        )
        .await;
    expect(res, StatusCode::CREATED).await;
    let moved = expect(
        m.schedule(&app, &m.admin, &format!("student_id={s03_person}&{week}"))
            .await,
        StatusCode::OK,
    )
    .await;
    let mut got: Vec<(String, String, String)> = lessons_of(&moved)
        .iter()
        .map(|l| {
            (
                l["date"].as_str().unwrap().to_string(),
                l["class_name"].as_str().unwrap().to_string(),
                l["subject_name"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    got.sort();
    let t = |a: &str, b: &str, c: &str| (a.to_string(), b.to_string(), c.to_string());
    assert_eq!(
        got,
        vec![
            t("2026-11-16", "5Б", HISTORY),
            t("2026-11-16", "5Б", MATH),
            t("2026-11-16", "5Б", RUSSIAN),
            t("2026-11-18", "5А", MATH),
        ]
    );

    // A room's week.
    let room = expect(
        m.schedule(&app, &m01, &format!("room=101&{week}")).await,
        StatusCode::OK,
    )
    .await;
    let room_lessons = lessons_of(&room);
    assert_eq!(room_lessons.len(), 3, "{room_lessons:?}");
    assert!(room_lessons.iter().all(|l| l["room"] == "101"));
}

// ---------- single changes survive regeneration; bad input ----------

async fn a_lesson_given_another_room_keeps_it_when_lessons_are_regenerated(app: TestApp) {
    let m = mini_school(&app, true).await;
    let math = m.course("5А", MATH, None);
    let lesson = m.lesson_on(&app, math, "2026-11-23").await;
    assert_eq!(lesson["room"], "101");
    // The lesson stays in its slot and moves to room 105 (the admin's single change).
    let res = m
        .admin_send(
            &app,
            Method::POST,
            &format!("/lessons/{}/move", id(&lesson)),
            json!({"date": "2026-11-23", "lesson_number": 1, "room": "105"}),
        )
        .await;
    assert_eq!(expect(res, StatusCode::OK).await["room"], "105");
    let report = m.generate(&app).await;
    assert_eq!(
        m.lesson(&app, id(&lesson)).await["room"],
        "105",
        "regeneration undid the room change: {report}"
    );
}

async fn bad_timetable_input_is_refused_and_changes_nothing(app: TestApp) {
    let m = mini_school(&app, true).await;
    let math = m.course("5А", MATH, None);
    let entries = m.entries(&app, "").await;
    let lessons = m.lesson_total(&app).await;
    async fn unprocessable(res: Response) {
        assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    }
    let slots = |a: &str, b: &str, c: &str, e: &str| {
        json!({"name": "Сокращённое", "slots": [
            {"number": 1, "starts_at": a, "ends_at": b},
            {"number": 2, "starts_at": c, "ends_at": e}
        ]})
    };
    // Bells: overlapping slots, a lesson ending before it starts, a malformed time.
    for body in [
        slots("08:30", "09:15", "09:10", "09:55"),
        slots("08:30", "08:00", "09:10", "09:55"),
        slots("8.30", "09:15", "09:25", "10:10"),
    ] {
        unprocessable(
            m.admin_send(&app, Method::POST, "/bell-schedules", body)
                .await,
        )
        .await;
    }
    // The default schedule cannot go while another exists.
    let schedules = app.get_ok(&m.path("/bell-schedules"), &m.admin).await;
    let default = id(&schedules[0]);
    let other = expect(
        m.admin_send(
            &app,
            Method::POST,
            "/bell-schedules",
            slots("08:00", "08:40", "08:50", "09:30"),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let res = app
        .send(
            Method::DELETE,
            &m.path(&format!("/bell-schedules/{default}")),
            Some(&m.admin),
            None,
        )
        .await;
    assert_problem(res, StatusCode::CONFLICT, "conflict").await;
    let res = app
        .send(
            Method::DELETE,
            &m.path(&format!("/bell-schedules/{}", id(&other))),
            Some(&m.admin),
            None,
        )
        .await;
    expect(res, StatusCode::NO_CONTENT).await;
    // Holidays: ending before they start.
    unprocessable(
        m.admin_send(
            &app,
            Method::POST,
            "/holidays",
            json!({"name": "Ошибка", "kind": "holiday", "starts_on": "2026-12-10", "ends_on": "2026-12-09"}),
        )
        .await,
    )
    .await;
    // Entries: outside the course's year, ending before they start, an unknown course, a
    // weekday 8.
    for body in [
        json!({"course_id": math, "weekday": 4, "lesson_number": 1, "valid_from": "2027-09-01", "valid_to": "2027-09-30"}),
        json!({"course_id": math, "weekday": 4, "lesson_number": 1, "valid_from": "2026-12-10", "valid_to": "2026-12-01"}),
        json!({"course_id": Uuid::now_v7(), "weekday": 4, "lesson_number": 1}),
        json!({"course_id": math, "weekday": 8, "lesson_number": 1}),
    ] {
        unprocessable(m.admin_send(&app, Method::POST, "/timetable", body).await).await;
    }
    // Generation: backwards, or more than 400 days.
    for body in [
        json!({"from": "2026-12-10", "to": "2026-12-01"}),
        json!({"from": "2026-09-01", "to": "2027-12-31"}),
    ] {
        unprocessable(
            m.admin_send(&app, Method::POST, "/lessons/generate", body)
                .await,
        )
        .await;
    }
    // Content: homework due before the lesson.
    let m01 = m.account(&app, "M01", Role::Teacher).await;
    let lesson = m.lesson_on(&app, math, "2026-11-23").await;
    unprocessable(
        write_content(
            &app,
            &m,
            &m01,
            id(&lesson),
            json!({"homework": "№ 1", "homework_due_on": "2026-11-20", "version": 1}),
        )
        .await,
    )
    .await;
    // Absences: ending before they start.
    unprocessable(
        m.admin_send(
            &app,
            Method::POST,
            "/teacher-absences",
            json!({"teacher_id": m.person(&app, "M01").await, "starts_on": "2026-11-20", "ends_on": "2026-11-19"}),
        )
        .await,
    )
    .await;
    assert_eq!(m.entries(&app, "").await, entries);
    assert_eq!(m.lesson_total(&app).await, lessons);
    assert_eq!(m.lesson(&app, id(&lesson)).await["version"], 1);
    assert_eq!(
        app.get_ok(&m.path("/holidays"), &m.admin)
            .await
            .as_array()
            .unwrap()
            .len(),
        7
    );
}

async fn a_course_with_two_teachers_is_one_entry_both_teach_and_write(app: TestApp) {
    let m = mini_school(&app, true).await;
    // 5Б informatics, taught by M04 and M06 together.
    let courses = "class,subject,teacher_external_id,hours_per_week,group
5Б,Информатика,M04,1,
5Б,Информатика,M06,1,
";
    app.import_ok(&m.admin, m.school, "courses", courses, "text/csv")
        .await;
    let before = m.entries(&app, "").await.len();
    let file = "class,weekday,lesson_number,subject,teacher_external_id,group,room
5Б,4,2,Информатика,M04,,305
5Б,4,2,Информатика,M06,,305
";
    let report = app
        .import_ok(&m.admin, m.school, "timetable", file, "text/csv")
        .await;
    assert_eq!(report["rows"].as_array().unwrap().len(), 2);
    assert_eq!(counts(&report), (2, 0, 0, 0));
    let entries = m.entries(&app, "").await;
    assert_eq!(entries.len(), before + 1);
    let courses = app
        .get_ok(&m.path("/courses"), &m.admin)
        .await
        .as_array()
        .unwrap()
        .clone();
    let inf_b = courses
        .iter()
        .find(|c| c["class_name"] == "5Б" && c["subject_name"] == INFORMATICS)
        .unwrap();
    let entry = entries
        .iter()
        .find(|e| e["course_id"] == inf_b["id"])
        .unwrap();
    assert_eq!(entry["teacher_ids"].as_array().unwrap().len(), 2);
    assert_eq!(entry["room"], "305");
    // Both teachers have the Thursday lesson and may write it.
    let day = "2026-11-19";
    let lesson = m.lesson_on(&app, id(inf_b), day).await;
    for (version, ext) in [(1, "M04"), (2, "M06")] {
        let person = m.person(&app, ext).await;
        let token = m.account(&app, ext, Role::Teacher).await;
        let res = m
            .schedule(&app, &token, &format!("teacher_id={person}&date={day}"))
            .await;
        let sched = expect(res, StatusCode::OK).await;
        assert_eq!(
            ids(sched["days"][0]["lessons"].as_array().unwrap()),
            BTreeSet::from([id(&lesson)])
        );
        let res = write_content(
            &app,
            &m,
            &token,
            id(&lesson),
            json!({"topic": format!("Алгоритмы ({ext})"), "version": version}),
        )
        .await;
        assert_eq!(expect(res, StatusCode::OK).await["version"], version + 1);
    }
    // The same file again: both rows unchanged.
    let again = app
        .import_ok(&m.admin, m.school, "timetable", file, "text/csv")
        .await;
    assert_eq!(counts(&again), (0, 0, 2, 0));
}

// ---------- concurrent writers of one school ----------

/// The problem fields of a `validation_failed` answer.
fn fields_of(body: &Value) -> Vec<String> {
    body["errors"]
        .as_array()
        .map(|e| {
            e.iter()
                .map(|f| f["field"].as_str().unwrap().to_string())
                .collect()
        })
        .unwrap_or_default()
}

/// Status and body text of an answer (for the races, where either outcome may come).
async fn status_and_text(res: Response) -> (StatusCode, String) {
    let status = res.status();
    (status, res.text().await.unwrap())
}

/// The five school Mondays of 16 November – 14 December 2026.
const MONDAYS: [&str; 5] = [
    "2026-11-16",
    "2026-11-23",
    "2026-11-30",
    "2026-12-07",
    "2026-12-14",
];

async fn concurrent_creates_in_one_class_slot_give_one_entry_and_one_conflict(app: TestApp) {
    let m = mini_school(&app, false).await;
    let second_admin = app
        .member(&m.admin, m.school, Role::Admin, "admin.second")
        .await;
    let math = m.course("5А", MATH, None);
    let rus = m.course("5А", RUSSIAN, None);
    let class_a = m.class("5А");
    let path = m.path("/timetable");
    for weekday in 1..=5i64 {
        let body = |course: Uuid| json!({"course_id": course, "weekday": weekday, "lesson_number": 1, "valid_from": "2026-09-01"});
        let (a, b) = tokio::join!(
            app.post(&path, Some(&m.admin), body(math)),
            app.post(&path, Some(&second_admin), body(rus)),
        );
        let mut created = Vec::new();
        let mut refused = Vec::new();
        for (course, res) in [(math, a), (rus, b)] {
            let (status, text) = status_and_text(res).await;
            let v: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
            match status {
                StatusCode::CREATED => {
                    assert_eq!(v["course_id"], course.to_string(), "{text}");
                    created.push(course);
                }
                StatusCode::CONFLICT => {
                    assert_eq!(v["code"], "timetable_conflict", "{text}");
                    let conflicts = v["conflicts"].as_array().unwrap();
                    assert!(
                        conflicts
                            .iter()
                            .any(|c| c["kind"] == "class" && c["class_name"] == "5А"),
                        "{text}"
                    );
                    refused.push(course);
                }
                other => panic!("weekday {weekday}: {other} {text}"),
            }
        }
        assert_eq!(
            (created.len(), refused.len()),
            (1, 1),
            "weekday {weekday}: exactly one of two concurrent creates in one slot wins"
        );
        let at_slot: Vec<Value> = m
            .entries(&app, &format!("?class_id={class_a}"))
            .await
            .into_iter()
            .filter(|e| e["weekday"] == weekday && e["lesson_number"] == 1)
            .collect();
        assert_eq!(at_slot.len(), 1, "weekday {weekday}: {at_slot:?}");
        assert_eq!(at_slot[0]["course_id"], created[0].to_string());
    }
    // One entry per weekday, one lesson per school day of a week.
    assert_eq!(m.entries(&app, "").await.len(), 5);
    let week = m.lessons(&app, "from=2026-11-16&to=2026-11-22").await;
    assert_eq!(week.len(), 5, "{week:?}");
    assert!(week.iter().all(|l| l["lesson_number"] == 1));
    let days: BTreeSet<String> = week
        .iter()
        .map(|l| l["date"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(days.len(), 5);
}

async fn concurrent_creates_in_different_classes_both_succeed(app: TestApp) {
    let m = mini_school(&app, false).await;
    let second_admin = app
        .member(&m.admin, m.school, Role::Admin, "admin.second")
        .await;
    let english = m.course("5А", ENGLISH, Some(1));
    let history = m.course("5Б", HISTORY, None);
    let path = m.path("/timetable");
    for weekday in 1..=5i64 {
        let body = |course: Uuid, room: &str| json!({"course_id": course, "weekday": weekday, "lesson_number": 2, "room": room, "valid_from": "2026-09-01"});
        let (a, b) = tokio::join!(
            app.post(&path, Some(&m.admin), body(english, "201")),
            app.post(&path, Some(&second_admin), body(history, "103")),
        );
        for (course, res) in [(english, a), (history, b)] {
            let (status, text) = status_and_text(res).await;
            assert_eq!(
                status,
                StatusCode::CREATED,
                "weekday {weekday}, course {course}: {text}"
            );
            let v: Value = serde_json::from_str(&text).unwrap();
            assert_eq!(v["course_id"], course.to_string());
            assert_eq!(v["weekday"], weekday);
            assert_eq!(v["starts_at"], "09:25");
        }
    }
    let entries = m.entries(&app, "").await;
    assert_eq!(entries.len(), 10);
    for course in [english, history] {
        let weekdays: BTreeSet<i64> = entries
            .iter()
            .filter(|e| e["course_id"] == course.to_string())
            .map(|e| e["weekday"].as_i64().unwrap())
            .collect();
        assert_eq!(weekdays, BTreeSet::from([1, 2, 3, 4, 5]));
    }
    // Two lessons on every school day of a week.
    assert_eq!(
        m.lessons(&app, "from=2026-11-16&to=2026-11-22").await.len(),
        10
    );
}

async fn concurrent_substitutes_of_one_teacher_at_one_time_give_one_assignment(app: TestApp) {
    let m = mini_school(&app, true).await;
    let second_admin = app
        .member(&m.admin, m.school, Role::Admin, "admin.second")
        .await;
    let math_a = m.course("5А", MATH, None);
    let rus_b = m.course("5Б", RUSSIAN, None);
    let m07 = m.person(&app, "M07").await;
    for day in MONDAYS {
        // 5А maths (M01) and 5Б Russian (M02): both lesson 1, 08:30, M07 free.
        let x = id(&m.lesson_on(&app, math_a, day).await);
        let y = id(&m.lesson_on(&app, rus_b, day).await);
        let body = json!({"teacher_id": m07});
        let (path_x, path_y) = (
            m.path(&format!("/lessons/{x}/substitute")),
            m.path(&format!("/lessons/{y}/substitute")),
        );
        let (a, b) = tokio::join!(
            app.send(Method::PUT, &path_x, Some(&m.admin), Some(body.clone()),),
            app.send(
                Method::PUT,
                &path_y,
                Some(&second_admin),
                Some(body.clone()),
            ),
        );
        let mut assigned = Vec::new();
        let mut refused = Vec::new();
        for (lesson, res) in [(x, a), (y, b)] {
            let (status, text) = status_and_text(res).await;
            let v: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
            match status {
                StatusCode::OK => {
                    assert_eq!(v["id"], lesson.to_string(), "{text}");
                    assert_eq!(v["substitute_id"], m07.to_string(), "{text}");
                    assigned.push(lesson);
                }
                StatusCode::CONFLICT => {
                    assert_eq!(v["code"], "timetable_conflict", "{text}");
                    refused.push(lesson);
                }
                other => panic!("{day}: {other} {text}"),
            }
        }
        assert_eq!(
            (assigned.len(), refused.len()),
            (1, 1),
            "{day}: one teacher, two lessons at once"
        );
        assert_eq!(
            m.lesson(&app, assigned[0]).await["substitute_id"],
            m07.to_string()
        );
        assert_eq!(
            m.lesson(&app, refused[0]).await["substitute_id"],
            Value::Null
        );
    }
    // The substitute holds exactly one lesson on each of those Mondays.
    let held = m
        .lessons(
            &app,
            &format!("teacher_id={m07}&from=2026-11-16&to=2026-12-14"),
        )
        .await;
    assert_eq!(
        dates(&held),
        MONDAYS.iter().map(|s| d(s)).collect::<Vec<_>>()
    );
}

async fn concurrent_timetable_imports_into_one_slot_commit_one(app: TestApp) {
    let m = mini_school(&app, true).await;
    let math = m.course("5А", MATH, None);
    let rus = m.course("5А", RUSSIAN, None);
    let class_a = m.class("5А");
    let header = "class,weekday,lesson_number,subject,teacher_external_id,group,room\n";
    for number in 1..=5i64 {
        let math_file = format!("{header}5А,4,{number},{MATH},M01,,\n");
        let rus_file = format!("{header}5А,4,{number},{RUSSIAN},M02,,\n");
        let (a, b) = tokio::join!(
            app.import(&m.admin, m.school, "timetable", math_file, "text/csv", ""),
            app.import(&m.admin, m.school, "timetable", rus_file, "text/csv", ""),
        );
        let mut committed = Vec::new();
        let mut rejected = Vec::new();
        for (course, res) in [(math, a), (rus, b)] {
            let (status, text) = status_and_text(res).await;
            let v: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
            match status {
                StatusCode::OK => {
                    assert_eq!(v["committed"], true, "{text}");
                    assert_eq!(counts(&v), (1, 0, 0, 0), "{text}");
                    committed.push(course);
                }
                StatusCode::UNPROCESSABLE_ENTITY => {
                    assert_eq!(v["code"], "import_rejected", "{text}");
                    let report = &v["report"];
                    assert_eq!(report["committed"], false, "{text}");
                    assert_eq!(counts(report).3, 1, "{text}");
                    let row = &report["rows"][0];
                    assert_eq!(row["line"], 2, "{text}");
                    assert_eq!(row["outcome"], "error", "{text}");
                    let message = row["problems"][0]["message"].as_str().unwrap_or("");
                    assert!(
                        message.contains("class") && message.contains("existing entry"),
                        "{text}"
                    );
                    rejected.push(course);
                }
                other => panic!("lesson {number}: {other} {text}"),
            }
        }
        assert_eq!(
            (committed.len(), rejected.len()),
            (1, 1),
            "lesson {number}: one of two concurrent imports into one slot commits"
        );
        let at_slot: Vec<Value> = m
            .entries(&app, &format!("?class_id={class_a}"))
            .await
            .into_iter()
            .filter(|e| e["weekday"] == 4 && e["lesson_number"] == number)
            .collect();
        assert_eq!(at_slot.len(), 1, "lesson {number}: {at_slot:?}");
        assert_eq!(at_slot[0]["course_id"], committed[0].to_string());
        // Thursday (only these imports use it): one lesson per slot so far.
        let thursday = m.lessons(&app, "from=2026-11-19&to=2026-11-19").await;
        assert!(thursday.iter().all(|l| l["class_name"] == "5А"));
        let numbers: Vec<i64> = {
            let mut v: Vec<i64> = thursday
                .iter()
                .map(|l| l["lesson_number"].as_i64().unwrap())
                .collect();
            v.sort();
            v
        };
        assert_eq!(numbers, (1..=number).collect::<Vec<_>>());
    }
}

// ---------- editing a course ----------

/// The course as `GET /courses` lists it.
async fn course_now(app: &TestApp, m: &Mini, course: Uuid) -> Value {
    app.get_ok(&m.path("/courses"), &m.admin)
        .await
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == course.to_string())
        .unwrap_or_else(|| panic!("no course {course}"))
        .clone()
}

/// A `PUT /courses/{id}` body from a listed course.
fn course_body(c: &Value) -> Value {
    json!({
        "class_id": c["class_id"],
        "group_id": c["group_id"],
        "subject_id": c["subject_id"],
        "teacher_ids": c["teacher_ids"],
        "hours_per_week": c["hours_per_week"],
    })
}

fn uuid_set(v: &Value) -> BTreeSet<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap().to_string())
        .collect()
}

async fn editing_a_course_keeps_the_timetable_free_of_conflicts_and_journal_data_in_place(
    app: TestApp,
) {
    let m = mini_school(&app, true).await;
    let history_b = m.course("5Б", HISTORY, None);
    let eng_a1 = m.course("5А", ENGLISH, Some(1));
    let m03 = m.person(&app, "M03").await;
    let m05 = m.person(&app, "M05").await;
    let m07 = m.person(&app, "M07").await;
    let put = |course: Uuid, body: Value| {
        let m = &m;
        let app = &app;
        async move {
            m.admin_send(app, Method::PUT, &format!("/courses/{course}"), body)
                .await
        }
    };
    let history = course_now(&app, &m, history_b).await;
    assert_eq!(history["teacher_ids"], json!([m05.to_string()]));
    let english_entry = m.entry(&app, eng_a1, 1, 3).await;

    // A second teacher who teaches 5А English (group 1) at the course's slot, Monday lesson 3.
    let mut body = course_body(&history);
    body["teacher_ids"] = json!([m05, m03]);
    let conflicts = conflicts_of(put(history_b, body).await).await;
    assert!(
        conflicts
            .iter()
            .any(|c| c["kind"] == "teacher" && c["entry_id"] == english_entry["id"]),
        "{conflicts:?}"
    );
    assert_eq!(course_now(&app, &m, history_b).await, history);
    let lesson = m.lesson_on(&app, history_b, "2026-11-16").await;
    assert_eq!(lesson["teacher_ids"], json!([m05.to_string()]));
    // A free one is added.
    let mut body = course_body(&history);
    body["teacher_ids"] = json!([m05, m07]);
    let changed = expect(put(history_b, body).await, StatusCode::OK).await;
    assert_eq!(
        uuid_set(&changed["teacher_ids"]),
        BTreeSet::from([m05.to_string(), m07.to_string()])
    );
    let history = course_now(&app, &m, history_b).await;

    // Into 5А, where Monday lesson 3 is taken by both English subgroups: refused, unchanged.
    let mut body = course_body(&history);
    body["class_id"] = json!(m.class("5А"));
    let conflicts = conflicts_of(put(history_b, body).await).await;
    assert!(
        conflicts
            .iter()
            .any(|c| c["kind"] == "class" && c["entry_id"] == english_entry["id"]),
        "{conflicts:?}"
    );
    assert_eq!(course_now(&app, &m, history_b).await, history);
    assert_eq!(
        m.lesson_on(&app, history_b, "2026-11-16").await["class_name"],
        "5Б"
    );

    // A new course of 5Б on Thursday lesson 1 (free in both classes).
    let subjects = app.get_ok(&m.path("/subjects"), &m.admin).await;
    let informatics = subjects
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == INFORMATICS)
        .unwrap()["id"]
        .clone();
    let inf_b = expect(
        m.admin_send(
            &app,
            Method::POST,
            "/courses",
            json!({"class_id": m.class("5Б"), "group_id": null, "subject_id": informatics, "teacher_ids": [m07], "hours_per_week": 1}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let inf_b = id(&inf_b);
    m.create_entry(
        &app,
        json!({"course_id": inf_b, "weekday": 4, "lesson_number": 1, "valid_from": "2026-09-01"}),
    )
    .await;
    let day = "2026-11-19";
    assert_eq!(m.lesson_on(&app, inf_b, day).await["class_name"], "5Б");
    // Without journal data it moves to 5А and back.
    let course = course_now(&app, &m, inf_b).await;
    let mut body = course_body(&course);
    body["class_id"] = json!(m.class("5А"));
    let moved = expect(put(inf_b, body).await, StatusCode::OK).await;
    assert_eq!(moved["class_name"], "5А");
    assert_eq!(m.lesson_on(&app, inf_b, day).await["class_name"], "5А");
    let moved = expect(put(inf_b, course_body(&course)).await, StatusCode::OK).await;
    assert_eq!(moved["class_name"], "5Б");
    let lesson = m.lesson_on(&app, inf_b, day).await;
    assert_eq!(lesson["class_name"], "5Б");

    // With a topic in one lesson, neither the class nor the subgroup changes.
    let m07_token = m.account(&app, "M07", Role::Teacher).await;
    let res = write_content(
        &app,
        &m,
        &m07_token,
        id(&lesson),
        json!({"topic": "Алгоритмы", "version": lesson["version"]}),
    )
    .await;
    expect(res, StatusCode::OK).await;
    let course = course_now(&app, &m, inf_b).await;
    let mut body = course_body(&course);
    body["class_id"] = json!(m.class("5А"));
    assert_problem(
        put(inf_b, body).await,
        StatusCode::CONFLICT,
        "lesson_has_data",
    )
    .await;
    assert_eq!(course_now(&app, &m, inf_b).await, course);
    let group = expect(
        m.admin_send(
            &app,
            Method::POST,
            &format!("/classes/{}/groups", m.class("5Б")),
            json!({"number": 1, "student_ids": []}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let mut body = course_body(&course);
    body["group_id"] = group["id"].clone();
    assert_problem(
        put(inf_b, body).await,
        StatusCode::CONFLICT,
        "lesson_has_data",
    )
    .await;
    assert_eq!(course_now(&app, &m, inf_b).await, course);
    let kept = m.lesson(&app, id(&lesson)).await;
    assert_eq!(kept["class_name"], "5Б");
    assert_eq!(kept["group_number"], Value::Null);
    assert_eq!(kept["topic"], "Алгоритмы");
}

// ---------- lesson numbers and bell schedules ----------

async fn lesson_numbers_must_exist_in_the_class_bell_schedule(app: TestApp) {
    let m = mini_school(&app, true).await;
    let math = m.course("5А", MATH, None);
    let history_b = m.course("5Б", HISTORY, None);
    let entries = m.entries(&app, "").await;
    let lessons = m.lesson_total(&app).await;
    async fn lesson_number_refused(res: Response) {
        let body = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
        assert_eq!(fields_of(&body), ["lesson_number"], "{body}");
    }
    // The default schedule has lessons 1–7.
    lesson_number_refused(
        m.admin_send(
            &app,
            Method::POST,
            "/timetable",
            json!({"course_id": math, "weekday": 4, "lesson_number": 8, "valid_from": "2026-09-01"}),
        )
        .await,
    )
    .await;
    let monday = m.entry(&app, math, 1, 1).await;
    lesson_number_refused(
        m.admin_send(
            &app,
            Method::PUT,
            &format!("/timetable/{}", id(&monday)),
            json!({"course_id": math, "weekday": 1, "lesson_number": 8, "room": "101", "valid_from": "2026-09-01"}),
        )
        .await,
    )
    .await;
    lesson_number_refused(
        m.admin_send(
            &app,
            Method::POST,
            "/lessons",
            json!({"course_id": math, "date": "2026-11-26", "lesson_number": 8}),
        )
        .await,
    )
    .await;
    let lesson = m.lesson_on(&app, math, "2026-11-23").await;
    lesson_number_refused(
        m.admin_send(
            &app,
            Method::POST,
            &format!("/lessons/{}/move", id(&lesson)),
            json!({"date": "2026-11-26", "lesson_number": 8}),
        )
        .await,
    )
    .await;
    assert_eq!(m.entries(&app, "").await, entries);
    assert_eq!(m.lesson_total(&app).await, lessons);
    let same = m.lesson(&app, id(&lesson)).await;
    assert_eq!(
        (same["date"].as_str(), same["lesson_number"].as_i64()),
        (Some("2026-11-23"), Some(1))
    );
    // Lesson 7 exists.
    let extra = expect(
        m.admin_send(
            &app,
            Method::POST,
            "/lessons",
            json!({"course_id": math, "date": "2026-11-26", "lesson_number": 7}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(extra["starts_at"], "14:20");

    // 5Б on a second shift of three lessons: its lesson 4 does not exist, lesson 3 does.
    expect(
        m.admin_send(
            &app,
            Method::POST,
            "/bell-schedules",
            json!({"name": "Вторая смена", "slots": [
                {"number": 1, "starts_at": "14:00", "ends_at": "14:45"},
                {"number": 2, "starts_at": "14:55", "ends_at": "15:40"},
                {"number": 3, "starts_at": "15:50", "ends_at": "16:35"}
            ], "class_ids": [m.class("5Б")]}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    lesson_number_refused(
        m.admin_send(
            &app,
            Method::POST,
            "/timetable",
            json!({"course_id": history_b, "weekday": 4, "lesson_number": 4, "valid_from": "2026-09-01"}),
        )
        .await,
    )
    .await;
    let third = m
        .create_entry(
            &app,
            json!({"course_id": history_b, "weekday": 4, "lesson_number": 3, "valid_from": "2026-09-01"}),
        )
        .await;
    assert_eq!(third["starts_at"], "15:50");
}

async fn without_a_bell_schedule_any_lesson_number_is_accepted(app: TestApp) {
    let m = mini_school_with(&app, false, false).await;
    assert_eq!(
        app.get_ok(&m.path("/bell-schedules"), &m.admin).await,
        json!([])
    );
    let math = m.course("5А", MATH, None);
    let entry = m
        .create_entry(
            &app,
            json!({"course_id": math, "weekday": 4, "lesson_number": 8, "valid_from": "2026-09-01"}),
        )
        .await;
    assert_eq!(entry["lesson_number"], 8);
    assert_eq!(
        m.lesson_on(&app, math, "2026-11-19").await["lesson_number"],
        8
    );
}

async fn a_bell_schedule_keeps_the_slots_and_times_its_classes_use(app: TestApp) {
    let m = mini_school(&app, true).await;
    let rus_a = m.course("5А", RUSSIAN, None);
    let rus_b = m.course("5Б", RUSSIAN, None);
    let schedules = app.get_ok(&m.path("/bell-schedules"), &m.admin).await;
    assert_eq!(schedules.as_array().unwrap().len(), 1);
    let default = schedules[0].clone();
    let default_id = id(&default);
    let slot = |n: i64, a: &str, b: &str| json!({"number": n, "starts_at": a, "ends_at": b});
    let replace = |slots: Value, class_ids: Value| json!({"name": default["name"], "is_default": true, "slots": slots, "class_ids": class_ids});
    // The timetable uses lessons 1–3 of the default schedule: lesson 3 may not disappear.
    let res = m
        .admin_send(
            &app,
            Method::PUT,
            &format!("/bell-schedules/{default_id}"),
            replace(
                json!([slot(1, "08:30", "09:15"), slot(2, "09:25", "10:10")]),
                json!([]),
            ),
        )
        .await;
    let body = assert_problem(res, StatusCode::CONFLICT, "conflict").await;
    let detail = body["detail"].as_str().unwrap_or_default();
    assert!(
        detail.contains("lesson 3") || detail.contains("slot 3"),
        "{body}"
    );
    assert_eq!(
        app.get_ok(&m.path("/bell-schedules"), &m.admin).await,
        schedules
    );
    // Lessons 4–7 are unused: they may go.
    let cut = expect(
        m.admin_send(
            &app,
            Method::PUT,
            &format!("/bell-schedules/{default_id}"),
            replace(
                json!([
                    slot(1, "08:30", "09:15"),
                    slot(2, "09:25", "10:10"),
                    slot(3, "10:30", "11:15")
                ]),
                json!([]),
            ),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(cut["slots"].as_array().unwrap().len(), 3);

    // A shift starting at 09:25 would put 5Б's Russian (M02, lesson 1) on 5А's Russian (M02,
    // lesson 2, 09:25–10:10): refused when created with 5Б, and when 5Б is added later.
    let russian_a = m.entry(&app, rus_a, 1, 2).await;
    let russian_b = m.entry(&app, rus_b, 1, 1).await;
    let late = json!([
        slot(1, "09:25", "10:10"),
        slot(2, "10:30", "11:15"),
        slot(3, "11:35", "12:20")
    ]);
    let class_b = m.class("5Б");
    let before = app.get_ok(&m.path("/bell-schedules"), &m.admin).await;
    let res = m
        .admin_send(
            &app,
            Method::POST,
            "/bell-schedules",
            json!({"name": "Сдвинутая смена", "slots": late, "class_ids": [class_b]}),
        )
        .await;
    let conflicts = conflicts_of(res).await;
    assert!(
        conflicts.iter().any(|c| c["kind"] == "teacher"
            && c["shared"] == "Белов Игорь Сергеевич"
            && (c["entry_id"] == russian_a["id"] || c["entry_id"] == russian_b["id"])),
        "{conflicts:?}"
    );
    assert_eq!(
        app.get_ok(&m.path("/bell-schedules"), &m.admin).await,
        before
    );
    assert_eq!(m.entry(&app, rus_b, 1, 1).await["starts_at"], "08:30");
    let shift = expect(
        m.admin_send(
            &app,
            Method::POST,
            "/bell-schedules",
            json!({"name": "Сдвинутая смена", "slots": late, "class_ids": []}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(shift["class_ids"], json!([]));
    let shift_id = id(&shift);
    let res = m
        .admin_send(
            &app,
            Method::PUT,
            &format!("/bell-schedules/{shift_id}"),
            json!({"name": "Сдвинутая смена", "slots": late, "class_ids": [class_b]}),
        )
        .await;
    let conflicts = conflicts_of(res).await;
    assert!(
        conflicts.iter().any(|c| c["kind"] == "teacher"
            && c["shared"] == "Белов Игорь Сергеевич"
            && (c["entry_id"] == russian_a["id"] || c["entry_id"] == russian_b["id"])),
        "{conflicts:?}"
    );
    let now = app.get_ok(&m.path("/bell-schedules"), &m.admin).await;
    let stored = now
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == shift["id"])
        .unwrap();
    assert_eq!(stored, &shift);
    assert_eq!(m.entry(&app, rus_b, 1, 1).await["starts_at"], "08:30");
    assert_eq!(
        m.lesson_on(&app, rus_b, "2026-11-16").await["starts_at"],
        "08:30"
    );
    // In the afternoon nobody collides.
    let afternoon = expect(
        m.admin_send(
            &app,
            Method::PUT,
            &format!("/bell-schedules/{shift_id}"),
            json!({"name": "Сдвинутая смена", "slots": [
                slot(1, "14:00", "14:45"),
                slot(2, "14:55", "15:40"),
                slot(3, "15:50", "16:35")
            ], "class_ids": [class_b]}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(afternoon["class_ids"], json!([class_b.to_string()]));
    assert_eq!(m.entry(&app, rus_b, 1, 1).await["starts_at"], "14:00");
}

// ---------- the final period kind decides the school days ----------

async fn changing_the_final_period_kind_regenerates_the_school_days(app: TestApp) {
    let m = mini_school(&app, true).await;
    let math = m.course("5А", MATH, None);
    let m01 = m.account(&app, "M01", Role::Teacher).await;
    // Half-years: the first ends on Sunday 20 December (the second quarter runs to 26 December),
    // the second runs to Monday 31 May (the fourth quarter ends on 26 May).
    app.import_ok(
        &m.admin,
        m.school,
        "periods",
        "academic_year,kind,number,starts_on,ends_on
2026/2027,half_year,1,2026-09-01,2026-12-20
2026/2027,half_year,2,2027-01-12,2027-05-31
",
        "text/csv",
    )
    .await;
    let on = |day: &'static str| {
        let m = &m;
        let app = &app;
        async move { m.lessons(app, &format!("from={day}&to={day}")).await }
    };
    // Quarters: 7 lessons on Monday 21 December, 2 on Tuesday 22, none on Monday 31 May.
    assert_eq!(on("2026-12-21").await.len(), 7);
    assert_eq!(on("2026-12-22").await.len(), 2);
    assert_eq!(on("2027-05-31").await.len(), 0);
    assert_eq!(on("2026-12-14").await.len(), 7);
    assert_eq!(on("2027-05-26").await.len(), 1);
    let with_data = m.lesson_on(&app, math, "2026-12-21").await;
    let res = write_content(
        &app,
        &m,
        &m01,
        id(&with_data),
        json!({"topic": "Итоговое повторение", "version": with_data["version"]}),
    )
    .await;
    expect(res, StatusCode::OK).await;

    let set_kind = |kind: &'static str| {
        let m = &m;
        let app = &app;
        async move {
            let mut settings = app.get_ok(&m.path("/settings"), &m.admin).await;
            settings["final_period_kind"] = json!(kind);
            let res = m.admin_send(app, Method::PUT, "/settings", settings).await;
            assert_eq!(expect(res, StatusCode::OK).await["final_period_kind"], kind);
        }
    };
    set_kind("half_year").await;
    // 21–26 December are no school days any more: only the lesson with data stays, flagged.
    let dec21 = on("2026-12-21").await;
    assert_eq!(ids(&dec21), BTreeSet::from([id(&with_data)]), "{dec21:?}");
    assert_eq!(dec21[0]["needs_review"], true, "{dec21:?}");
    assert_eq!(dec21[0]["topic"], "Итоговое повторение");
    assert_eq!(on("2026-12-22").await.len(), 0);
    assert_eq!(on("2026-12-23").await.len(), 0);
    // 27–31 May are: Monday 31 May has its lessons.
    let may31 = on("2027-05-31").await;
    assert_eq!(may31.len(), 7, "{may31:?}");
    assert!(may31.iter().all(|l| l["needs_review"] == false));
    // Days in both stay as they were.
    assert_eq!(on("2026-12-14").await.len(), 7);
    assert_eq!(on("2027-05-26").await.len(), 1);

    // And back to quarters.
    set_kind("quarter").await;
    let dec21 = on("2026-12-21").await;
    assert_eq!(dec21.len(), 7, "{dec21:?}");
    let kept = dec21.iter().find(|l| id(l) == id(&with_data)).unwrap();
    assert_eq!(kept["needs_review"], false, "{kept}");
    assert_eq!(kept["topic"], "Итоговое повторение");
    assert_eq!(on("2026-12-22").await.len(), 2);
    assert_eq!(on("2027-05-31").await.len(), 0);
    assert_eq!(on("2026-12-14").await.len(), 7);
}

// ---------- absent teachers and substitutions ----------

async fn an_absent_teacher_substitutes_nothing_and_their_substitutions_need_cover(app: TestApp) {
    let m = mini_school(&app, true).await;
    let math_a = m.course("5А", MATH, None);
    let math_b = m.course("5Б", MATH, None);
    let history_b = m.course("5Б", HISTORY, None);
    let m01 = m.person(&app, "M01").await;
    let m07 = m.person(&app, "M07").await;
    let day = "2026-11-16";
    let sub = |lesson: Uuid, teacher: Uuid| {
        let m = &m;
        let app = &app;
        async move {
            m.admin_send(
                app,
                Method::PUT,
                &format!("/lessons/{lesson}/substitute"),
                json!({"teacher_id": teacher}),
            )
            .await
        }
    };
    // M07 is ill on 16–20 November: no substitutions for M07 those days; on 23 November, yes.
    let absence = expect(
        m.admin_send(
            &app,
            Method::POST,
            "/teacher-absences",
            json!({"teacher_id": m07, "starts_on": "2026-11-16", "ends_on": "2026-11-20"}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(absence["lessons_total"], 0);
    let math_16 = m.lesson_on(&app, math_a, day).await;
    let body = assert_problem(
        sub(id(&math_16), m07).await,
        StatusCode::CONFLICT,
        "conflict",
    )
    .await;
    let detail = body["detail"].as_str().unwrap_or_default().to_lowercase();
    assert!(detail.contains("absen"), "{body}");
    assert_eq!(
        m.lesson(&app, id(&math_16)).await["substitute_id"],
        Value::Null
    );
    let math_23 = m.lesson_on(&app, math_a, "2026-11-23").await;
    assert_eq!(
        expect(sub(id(&math_23), m07).await, StatusCode::OK).await["substitute_id"],
        m07.to_string()
    );

    // M01 (5А maths lesson 1, 5Б maths lesson 2) substitutes 5Б history (lesson 3) on 16
    // November, then falls ill that day.
    let history_16 = m.lesson_on(&app, history_b, day).await;
    expect(sub(id(&history_16), m01).await, StatusCode::OK).await;
    let absence = expect(
        m.admin_send(
            &app,
            Method::POST,
            "/teacher-absences",
            json!({"teacher_id": m01, "starts_on": day, "ends_on": day}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let a = id(&absence);
    assert_eq!(absence["lessons_total"], 3, "{absence}");
    assert_eq!(absence["lessons_covered"], 0, "{absence}");
    let math_b_16 = m.lesson_on(&app, math_b, day).await;
    let listed = app
        .get_ok(&m.path(&format!("/teacher-absences/{a}/lessons")), &m.admin)
        .await;
    let listed = listed.as_array().unwrap().clone();
    assert_eq!(
        ids(&listed),
        BTreeSet::from([id(&math_16), id(&math_b_16), id(&history_16)])
    );
    let numbers: Vec<i64> = listed
        .iter()
        .map(|l| l["lesson_number"].as_i64().unwrap())
        .collect();
    assert_eq!(numbers, vec![1, 2, 3]);
    assert_eq!(listed[2]["substitute_id"], m01.to_string());
    // Someone else covers 5А maths: one of three covered.
    let m06 = m.person(&app, "M06").await;
    expect(sub(id(&math_16), m06).await, StatusCode::OK).await;
    assert_eq!(coverage(&app, &m, &absence).await, (Some(3), Some(1)));
    // Another teacher takes over the history lesson: it is no longer M01's to cover.
    let m03 = m.person(&app, "M03").await;
    let res = sub(id(&history_16), m03).await;
    // M03 teaches 5А English (group 1) at lesson 3: busy. M06 is free then.
    conflicts_of(res).await;
    expect(sub(id(&history_16), m06).await, StatusCode::OK).await;
    let listed = app
        .get_ok(&m.path(&format!("/teacher-absences/{a}/lessons")), &m.admin)
        .await;
    assert_eq!(
        ids(listed.as_array().unwrap()),
        BTreeSet::from([id(&math_16), id(&math_b_16)])
    );
    assert_eq!(coverage(&app, &m, &absence).await, (Some(2), Some(1)));
}

/// (`lessons_total`, `lessons_covered`) of an absence on 16 November, as the list shows it.
async fn coverage(app: &TestApp, m: &Mini, absence: &Value) -> (Option<u64>, Option<u64>) {
    let absences = app
        .get_ok(
            &m.path("/teacher-absences?from=2026-11-16&to=2026-11-16"),
            &m.admin,
        )
        .await;
    let mine = absences
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["id"] == absence["id"])
        .unwrap_or_else(|| panic!("absence {} not listed: {absences}", absence["id"]))
        .clone();
    (
        mine["lessons_total"].as_u64(),
        mine["lessons_covered"].as_u64(),
    )
}

// ---------- holidays, weeks, import kinds ----------

async fn a_holiday_with_the_same_name_and_first_day_is_refused(app: TestApp) {
    let m = mini_school(&app, true).await;
    let holidays = || {
        let m = &m;
        let app = &app;
        async move { app.get_ok(&m.path("/holidays"), &m.admin).await }
    };
    let before = holidays().await;
    assert_eq!(before.as_array().unwrap().len(), 7);
    let post = |body: Value| {
        let m = &m;
        let app = &app;
        async move { m.admin_send(app, Method::POST, "/holidays", body).await }
    };
    // The autumn vacation again, with the same or other last day.
    for ends_on in ["2026-11-04", "2026-11-01"] {
        let res = post(json!({"name": "Осенние каникулы", "kind": "vacation", "starts_on": "2026-10-25", "ends_on": ends_on})).await;
        assert_problem(res, StatusCode::CONFLICT, "conflict").await;
    }
    assert_eq!(holidays().await, before);
    // A health day twice on one day is refused; on another day it is another holiday.
    let first = expect(
        post(json!({"name": "День здоровья", "kind": "holiday", "starts_on": "2026-12-14"})).await,
        StatusCode::CREATED,
    )
    .await;
    let res =
        post(json!({"name": "День здоровья", "kind": "holiday", "starts_on": "2026-12-14"})).await;
    assert_problem(res, StatusCode::CONFLICT, "conflict").await;
    let second = expect(
        post(json!({"name": "День здоровья", "kind": "holiday", "starts_on": "2027-04-12"})).await,
        StatusCode::CREATED,
    )
    .await;
    let after = holidays().await;
    let after = after.as_array().unwrap();
    assert_eq!(after.len(), 9);
    let health: BTreeSet<Uuid> = after
        .iter()
        .filter(|h| h["name"] == "День здоровья")
        .map(id)
        .collect();
    assert_eq!(health, BTreeSet::from([id(&first), id(&second)]));
    assert_eq!(
        m.lessons(&app, "from=2026-12-14&to=2026-12-14").await.len(),
        0
    );
}

async fn schedule_weeks_outside_2000_to_2100_are_refused(app: TestApp) {
    let m = mini_school(&app, true).await;
    let m01 = m.person(&app, "M01").await;
    for week in ["9999-W52", "-2026-W01", "0000-W01", "1999-W52", "2101-W01"] {
        let res = m
            .schedule(&app, &m.admin, &format!("teacher_id={m01}&week={week}"))
            .await;
        let body = assert_problem(res, StatusCode::BAD_REQUEST, "invalid_query_parameter").await;
        assert!(body["detail"].is_string(), "{week}: {body}");
    }
    for (week, from) in [
        ("2026-W47", "2026-11-16"),
        ("2000-W10", "2000-03-06"),
        ("2100-W10", "2100-03-08"),
    ] {
        let res = m
            .schedule(&app, &m.admin, &format!("teacher_id={m01}&week={week}"))
            .await;
        let sched = expect(res, StatusCode::OK).await;
        assert_eq!(sched["from"], from, "{week}");
        assert_eq!(sched["days"].as_array().unwrap().len(), 7, "{week}");
    }
}

async fn an_unknown_import_kind_lists_every_kind(app: TestApp) {
    let root = app.superadmin().await;
    let (school, admin) = app
        .school_with_admin(&root, "Школа № 9", "admin.kinds")
        .await;
    let res = app
        .import(&admin, school, "timetables", "a,b\n1,2\n", "text/csv", "")
        .await;
    let body = assert_problem(res, StatusCode::NOT_FOUND, "not_found").await;
    let detail = body["detail"].as_str().unwrap();
    let words: BTreeSet<&str> = detail
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .collect();
    for kind in [
        "subjects",
        "staff",
        "classes",
        "students",
        "parents",
        "courses",
        "periods",
        "bell_schedule",
        "holidays",
        "timetable",
    ] {
        assert!(words.contains(kind), "{kind} missing from: {detail}");
    }
}

// ---------- a period's dates change under lessons ----------

/// Break-it finding: a shrunk period left lessons outside every period unflagged. Lessons the
/// timetable places (at their slot) were regenerated, but an extra lesson or a lesson the admin
/// moved stayed on a day that is no school day any more, with nothing telling the admin. Now
/// they are flagged `left_timetable` like a timetable lesson with data, and unflagged when the
/// period grows back.
async fn shrinking_a_period_flags_every_lesson_left_outside_the_periods(app: TestApp) {
    let m = mini_school(&app, true).await;
    let math = m.course("5А", MATH, None);
    let m01 = m.account(&app, "M01", Role::Teacher).await;
    // Quarter 2 runs 5 November – 26 December.
    let periods = app.get_ok(&m.path("/periods"), &m.admin).await;
    let q2 = periods
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["kind"] == "quarter" && p["number"] == 2)
        .unwrap()
        .clone();
    assert_eq!(q2["ends_on"], "2026-12-26");
    // A timetable lesson with a topic on Monday 21 December.
    let with_data = m.lesson_on(&app, math, "2026-12-21").await;
    let res = write_content(
        &app,
        &m,
        &m01,
        id(&with_data),
        json!({"topic": "Повторение", "version": with_data["version"]}),
    )
    .await;
    expect(res, StatusCode::OK).await;
    // An extra lesson on Saturday 19 December (no journal data).
    let res = m
        .admin_send(
            &app,
            Method::POST,
            "/lessons",
            json!({"course_id": math, "date": "2026-12-19", "lesson_number": 1}),
        )
        .await;
    let extra = expect(res, StatusCode::CREATED).await;
    assert_eq!(extra["origin"], "extra");
    // Monday 14 December's lesson moved by the admin to Saturday 26 December.
    let moved = m.lesson_on(&app, math, "2026-12-14").await;
    let res = m
        .admin_send(
            &app,
            Method::POST,
            &format!("/lessons/{}/move", id(&moved)),
            json!({"date": "2026-12-26", "lesson_number": 2}),
        )
        .await;
    expect(res, StatusCode::OK).await;
    let kept_before = m.lesson_on(&app, math, "2026-12-16").await;

    let put_q2 = |ends_on: &'static str| {
        let m = &m;
        let app = &app;
        let q2 = q2.clone();
        async move {
            let res = m
                .admin_send(
                    app,
                    Method::PUT,
                    &format!("/periods/{}", id(&q2)),
                    json!({
                        "academic_year_id": q2["academic_year_id"],
                        "kind": "quarter",
                        "number": 2,
                        "starts_on": "2026-11-05",
                        "ends_on": ends_on,
                    }),
                )
                .await;
            assert_eq!(expect(res, StatusCode::OK).await["ends_on"], ends_on);
        }
    };
    // Quarter 2 now ends on Friday 18 December: 19–26 December are in no period.
    put_q2("2026-12-18").await;
    let outside = m
        .lessons(
            &app,
            &format!("course_id={math}&from=2026-12-19&to=2026-12-26"),
        )
        .await;
    assert_eq!(
        ids(&outside),
        BTreeSet::from([id(&with_data), id(&extra), id(&moved)]),
        "{outside:?}"
    );
    for l in &outside {
        assert_eq!(l["needs_review"], true, "{l}");
        assert_eq!(l["review_reason"], "left_timetable", "{l}");
    }
    let flagged = m.lessons(&app, "needs_review=true").await;
    assert!(
        [id(&extra), id(&moved)]
            .iter()
            .all(|l| ids(&flagged).contains(l)),
        "the admin's list of lessons to review has them: {flagged:?}"
    );
    // Lessons still inside the period are not touched.
    let kept = m.lesson(&app, id(&kept_before)).await;
    assert_eq!(kept["needs_review"], false, "{kept}");

    // The quarter grows back: nothing is left to review, the extra and moved lessons stay.
    put_q2("2026-12-26").await;
    for l in [&with_data, &extra, &moved] {
        let now = m.lesson(&app, id(l)).await;
        assert_eq!(now["needs_review"], false, "{now}");
        assert_eq!(now["review_reason"], Value::Null, "{now}");
    }
    assert_eq!(m.lesson(&app, id(&moved)).await["date"], "2026-12-26");
    assert_eq!(m.lesson(&app, id(&extra)).await["date"], "2026-12-19");
}
