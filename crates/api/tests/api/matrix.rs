//! The authorization matrix (DESIGN §3): every `/api/v1` endpoint × every kind of actor → the
//! expected status, run against the real server on SQLite and PostgreSQL with the clock fixed at
//! [`CLOCK`] (quarter 1 of the world's school is current and its final marks open to teachers).
//!
//! [`table`] is the matrix: one line per endpoint, one status per actor in [`ACTORS`] order.
//! Every later issue adds its rows there. `every_served_endpoint_has_a_row_in_the_matrix` fails
//! when the served OpenAPI document lists an endpoint that has no row, so none is forgotten.
//!
//! The rules the statuses follow (`auth::policy`): no token → 401; an account with no role in
//! the school → 404 (it may not even learn the school's objects exist); a member without the
//! needed role → 403; admin and superadmin → 2xx. A person may read their own person record.
//! The school's structure (settings, years, periods, subjects, classes, subgroups, courses) is
//! read by every member and written by admins; a class list is read by admins, principals and
//! the class's class teacher; a person's enrollments and guardians by admins, principals, the
//! person and their linked parents or children.

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicUsize, Ordering};

use otmetka_domain::Role;
use reqwest::Method as M;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::*;

/// Runs an `async fn(TestApp)` on both databases with the clock fixed at [`CLOCK`].
macro_rules! matrix_tests {
    ($($name:ident),+ $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    super::$name(super::spawn_at_clock($crate::helpers::Db::Sqlite).await).await
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    super::$name(super::spawn_at_clock($crate::helpers::Db::Postgres).await).await
                }
            }
        )+
    };
}

matrix_tests!(
    every_endpoint_answers_every_actor_as_the_matrix_says,
    other_school_admin_gets_404_for_every_id_of_school_a,
);

/// Friday 23 October 2026, 12:00 in Moscow: school A's quarter 1 (1 September – 24 October) is
/// current, the world's lessons (September) are in the past, and the quarter's final marks are
/// open to teachers (17–27 October), so the teacher's journal and final-mark rows write. (After
/// 27 October the quarter's journal is read-only for teachers.)
const CLOCK: &str = "2026-10-23T09:00:00Z";

async fn spawn_at_clock(db: Db) -> TestApp {
    spawn_with(db, |s| s.fixed_clock = Some(CLOCK.parse().unwrap())).await
}

/// The actors, in the order of the status columns of [`table`].
const ACTORS: [&str; 11] = [
    "anonymous",
    "superadmin",
    "admin",
    "other_school_admin",
    "principal",
    "teacher",
    "other_teacher",
    "student",
    "other_student",
    "parent",
    "other_parent",
];
const ANONYMOUS: usize = 0;
const OTHER_SCHOOL_ADMIN: usize = 3;
const TEACHER: usize = 5;
const OTHER_TEACHER: usize = 6;
const STUDENT: usize = 7;
const OTHER_STUDENT: usize = 8;
const PARENT: usize = 9;
const OTHER_PARENT: usize = 10;

/// The actors' logins (all with [`PASSWORD`]); the anonymous has none. `admin.b` is the admin of
/// school B; everybody else belongs to school A.
const LOGINS: [&str; 11] = [
    "",
    "root",
    "admin.a",
    "admin.b",
    "principal",
    "teacher",
    "teacher.2",
    "student",
    "student.2",
    "parent",
    "parent.2",
];
/// A teacher of school A whom every actor signs in as in the `/auth/*` rows (those endpoints do
/// not look at the caller's bearer token).
const LOGINEE: &str = "loginee";
/// The `/me/password` row changes every password to this and back.
const NEW_PASSWORD: &str = "Другой-пароль-на-время-9";

// Request bodies. `{name}` placeholders are filled per request (see `World::run`).
const LOGIN: &str = r#"{"login":"loginee","password":"{password}"}"#;
const REGISTER: &str =
    r#"{"invite_code":"{fresh_code}","login":"reg.{n}","password":"{password}"}"#;
const CHANGE_PASSWORD: &str =
    r#"{"current_password":"{password}","new_password":"{new_password}"}"#;
const API_TOKEN: &str = r#"{"name":"скрипт {n}","scopes":["read"]}"#;
const SCHOOL: &str =
    r#"{"name":"Школа {n}","first_admin":{"last_name":"Орлова","first_name":"Анна"}}"#;
const INVITE: &str = r#"{"person":{"last_name":"Новиков","first_name":"Олег"},"role":"teacher"}"#;
const PERSON: &str = r#"{"last_name":"Смирнова","first_name":"Ольга"}"#;
const ROLES: &str = r#"{"roles":["student","parent"]}"#;
const SETTINGS: &str =
    r#"{"name":"Школа А","time_zone":"Europe/Moscow","final_period_kind":"quarter"}"#;
/// A year of its own per request (`{yr}` = 3000 + n).
const NEW_YEAR: &str = r#"{"name":"{yr}/{yr1}","starts_on":"{yr}-09-01","ends_on":"{yr1}-08-31"}"#;
/// School A's year as it is (a PUT that changes nothing).
const YEAR_A: &str =
    r#"{"name":"2026/2027","starts_on":"2026-09-01","ends_on":"2027-08-31","is_current":true}"#;
/// A year far from every other (no overlap in either school).
const FAR_YEAR: &str = r#"{"name":"2090/2091","starts_on":"2090-09-01","ends_on":"2091-08-31"}"#;
const NEW_PERIOD: &str = r#"{"academic_year_id":"{fresh_year}","kind":"quarter","number":1,"starts_on":"{yr}-09-01","ends_on":"{yr}-10-31"}"#;
const PERIOD_A: &str = r#"{"academic_year_id":"{year}","kind":"quarter","number":1,"starts_on":"2026-09-01","ends_on":"2026-10-24"}"#;
const PERIOD_B: &str = r#"{"academic_year_id":"{b_year}","kind":"quarter","number":1,"starts_on":"2026-09-01","ends_on":"2026-10-24"}"#;
const NEW_SUBJECT: &str = r#"{"name":"Предмет {n}","short_name":"П{n}"}"#;
const SUBJECT_A: &str = r#"{"name":"Математика","short_name":"Мат"}"#;
/// A subject name neither school has.
const SUBJECT_OTHER: &str = r#"{"name":"Физика","short_name":"Физ"}"#;
/// Class 9 with a letter of its own per request (`{letters}`: n in letters).
const NEW_CLASS: &str = r#"{"grade":9,"letter":"{letters}"}"#;
const CLASS_A: &str = r#"{"grade":5,"letter":"А","class_teacher_id":"{teacher_person}"}"#;
const CLASS_PLAIN: &str = r#"{"grade":5,"letter":"А"}"#;
const GROUP: &str = r#"{"number":1}"#;
const NEW_COURSE: &str = r#"{"class_id":"{class}","subject_id":"{fresh_subject}","teacher_ids":["{teacher_person}"],"hours_per_week":2}"#;
const COURSE_A: &str = r#"{"class_id":"{class}","subject_id":"{subject}","teacher_ids":["{teacher_person}"],"hours_per_week":4}"#;
const COURSE_B: &str = r#"{"class_id":"{b_class}","subject_id":"{b_subject}","teacher_ids":["{b_teacher}"],"hours_per_week":4}"#;
const LINK: &str = r#"{"parent_id":"{parent_person}","relation":"мать"}"#;
const ARRIVE: &str = r#"{"class_id":"{class}","date":"2026-09-01"}"#;
const TRANSFER: &str = r#"{"class_id":"{class2}","date":"2026-10-01"}"#;
const WITHDRAW: &str = r#"{"date":"2026-10-01","reason":"переезд"}"#;
/// The start of the student's enrollment as it is.
const CORRECT: &str = r#"{"starts_on":"2026-09-01"}"#;
/// An import of one subject (JSON body), its name of its own per request.
const IMPORT: &str = r#"[{"name":"Импорт {n}","short_name":"И{n}"}]"#;
const NEW_STUDENT: &str = r#"{"last_name":"Новенький","first_name":"Ученик {n}","kind":"student"}"#;
const NEW_PARENT: &str = r#"{"last_name":"Новенькая","first_name":"Мама {n}","kind":"parent"}"#;
// Issue 4: timetable. School A's bells, a holiday, the course's Monday lesson 1 in quarter 1
// (`{entry}`), its lesson of 7 September (`{lesson}`) and the teacher's absence that week.
/// Every lesson number 0–12, so the world's extra lessons and summer entries have their slots.
const BELL_A: &str = r#"{"name":"Основное","is_default":true,"slots":[{"number":0,"starts_at":"07:30","ends_at":"08:15"},{"number":1,"starts_at":"08:25","ends_at":"09:10"},{"number":2,"starts_at":"09:20","ends_at":"10:05"},{"number":3,"starts_at":"10:15","ends_at":"11:00"},{"number":4,"starts_at":"11:10","ends_at":"11:55"},{"number":5,"starts_at":"12:05","ends_at":"12:50"},{"number":6,"starts_at":"13:00","ends_at":"13:45"},{"number":7,"starts_at":"13:55","ends_at":"14:40"},{"number":8,"starts_at":"14:50","ends_at":"15:35"},{"number":9,"starts_at":"15:45","ends_at":"16:30"},{"number":10,"starts_at":"16:40","ends_at":"17:25"},{"number":11,"starts_at":"17:35","ends_at":"18:20"},{"number":12,"starts_at":"18:30","ends_at":"19:15"}]}"#;
const NEW_BELL: &str =
    r#"{"name":"Смена {n}","slots":[{"number":1,"starts_at":"14:00","ends_at":"14:45"}]}"#;
/// A holiday far from every lesson.
const HOLIDAY_A: &str =
    r#"{"name":"Новый год","kind":"holiday","starts_on":"2026-12-30","ends_on":"2026-12-31"}"#;
const NEW_HOLIDAY: &str = r#"{"name":"Праздник {n}","kind":"holiday","starts_on":"2026-12-29"}"#;
const ENTRY_A: &str = r#"{"course_id":"{course}","weekday":1,"lesson_number":1,"room":"101","valid_from":"2026-09-01","valid_to":"2026-10-24"}"#;
const ENTRY_B: &str = r#"{"course_id":"{b_course}","weekday":1,"lesson_number":1,"valid_from":"2026-09-01","valid_to":"2026-10-24"}"#;
/// An entry of its own slot in the summer (no school days, so no lessons; `{slot_*}` per request).
const NEW_ENTRY: &str = r#"{"course_id":"{course}","weekday":{slot_weekday},"lesson_number":{slot_number},"valid_from":"2027-06-01","valid_to":"2027-08-31"}"#;
const CHECK_ENTRY: &str = r#"{"course_id":"{course}","weekday":2,"lesson_number":1,"valid_from":"2026-09-01","valid_to":"2026-10-24"}"#;
const GENERATE: &str = r#"{"from":"2026-09-01","to":"2026-10-24"}"#;
/// An extra lesson in a free slot of its own (`{fresh_date}`, `{fresh_number}` per request).
const NEW_EXTRA: &str =
    r#"{"course_id":"{course}","date":"{fresh_date}","lesson_number":{fresh_number}}"#;
const EXTRA_A: &str = r#"{"course_id":"{course}","date":"2026-09-08","lesson_number":3}"#;
const CANCEL: &str = r#"{"reason":"карантин"}"#;
/// The lesson stays in its slot and changes room.
const MOVE: &str = r#"{"date":"{fresh_date}","lesson_number":{fresh_number},"room":"202"}"#;
const MOVE_A: &str = r#"{"date":"2026-09-08","lesson_number":3}"#;
const SUBSTITUTE: &str = r#"{"teacher_id":"{other_teacher_person}"}"#;
const SUBSTITUTE_B: &str = r#"{"teacher_id":"{b_teacher}"}"#;
/// A fresh lesson's first write (version 1).
const CONTENT: &str = r#"{"topic":"Тема {n}","version":1}"#;
// Issue 5: the class journal. School A's mark settings as they are (`{scale}` the pass/fail
// scale, `{work_type}` oral answers, `{attendance_code}` ОП), `{work}` a work of `{lesson}` with
// the student's 5, `{course2}` the teacher's course of 5Б (no lessons, no substitutes).
const NEW_SCALE: &str = r#"{"code":"scale_{n}","name":"Шкала {n}","values":[{"value":"a","label":"A","numeric":5,"counts":true,"passing":true},{"value":"f","label":"F","numeric":2,"counts":true,"passing":false}]}"#;
/// The pass/fail scale as it is (a PUT that changes nothing).
const SCALE_A: &str = r#"{"code":"pass_fail","name":"Зачёт / незачёт","values":[{"value":"зч","label":"зач","counts":false,"passing":true},{"value":"нз","label":"незач","counts":false,"passing":false},{"value":"н/а","label":"н/а","counts":false,"passing":false},{"value":"осв","label":"осв.","counts":false,"passing":true}]}"#;
const NEW_WORK_TYPE: &str =
    r#"{"code":"wt_{n}","name":"Вид работы {n}","short_name":"В{n}","weight":1.5,"position":50}"#;
/// Oral answers as they are.
const WORK_TYPE_A: &str =
    r#"{"code":"oral","name":"Ответ на уроке","short_name":"Отв","weight":1,"position":0}"#;
/// An attendance code of its own per request (`{letters}`: never one of н, б, уп, оп).
const NEW_CODE: &str = r#"{"code":"{letters}","label":"{letters}","name":"Код {n}","counts_as_absence":true,"position":50}"#;
/// ОП as it is.
const CODE_A: &str = r#"{"code":"оп","label":"ОП","name":"Опоздал","counts_as_absence":false,"excused":false,"position":3}"#;
const NEW_WORK: &str = r#"{"work_type_id":"{work_type}","weight":2,"title":"Работа {n}"}"#;
/// A fresh work's first change (version 1).
const WORK_CHANGE: &str =
    r#"{"work_type_id":"{work_type}","weight":3,"title":"Контрольная {n}","version":1}"#;
/// A fresh cell's first write (version 0).
const MARK: &str = r#"{"value":"5","version":0}"#;
const ATTENDANCE: &str = r#"{"code":"н","version":0}"#;
const BATCH: &str = r#"{"marks":[{"lesson_id":"{lesson}","work_id":"{fresh_work}","student_id":"{own_person}","value":"4","version":0}]}"#;
/// A batch naming the world's work (for the other school's admin, who never gets that far).
const BATCH_A: &str = r#"{"marks":[{"lesson_id":"{lesson}","work_id":"{work}","student_id":"{own_person}","value":"4","version":1}]}"#;
/// A one-day absence of the teacher on a day of its own per request (`{absence_day}`): absences
/// of one teacher may not overlap.
const ABSENCE: &str =
    r#"{"teacher_id":"{teacher_person}","starts_on":"{absence_day}","reason":"курсы"}"#;
// Issue 6: final marks. A fresh student's first quarter mark (version 0); `{reopening}` reopens
// quarter 1 of `{course2}`; the POST row reopens the year of `{course}` (a later reopening of a
// term replaces the earlier, so the rows never touch each other's).
const FINAL_MARKS: &str =
    r#"{"marks":[{"student_id":"{fresh_student}","term":"quarter_1","value":"5","version":0}]}"#;
/// The same for the world's student (for the other school's admin, who never gets that far).
const FINAL_MARKS_A: &str =
    r#"{"marks":[{"student_id":"{own_person}","term":"quarter_1","value":"5","version":0}]}"#;
const REOPEN: &str = r#"{"term":"year","until":"2026-11-10","reason":"проверка {n}"}"#;
const REOPEN_A: &str = r#"{"term":"quarter_1","until":"2026-11-10","reason":"проверка"}"#;

/// What a row needs prepared for each actor before its request, so that writes never break
/// later rows (nobody revokes, disables or signs out an object another row relies on).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fix {
    /// Nothing: the world's objects.
    Plain,
    /// The request carries a fresh token of the actor (a new session), which it may end.
    FreshToken,
    /// `{session}`: a second session of the actor, signed in just before.
    OtherSession,
    /// `{api_token}`: an API token the actor creates just before.
    OwnApiToken,
    /// `{fresh_invite}`: a new active invite of school A.
    FreshInvite,
    /// `{fresh_code}`: the code of a new active invite of school A.
    FreshCode,
    /// `{fresh_account}`: a newly registered teacher account of school A.
    FreshAccount,
    /// The refresh cookie of a new sign-in of the loginee.
    RefreshCookie,
    /// After a 204, the password is changed back so that later rows still sign in.
    PasswordRoundTrip,
    /// `{fresh_year}`: a new academic year of school A (dates `{yr}`).
    FreshYear,
    /// `{fresh_period}`: a period of a new academic year of school A.
    FreshPeriod,
    /// `{fresh_subject}`: a new subject of school A.
    FreshSubject,
    /// `{fresh_course}`: a new course of `{class}` (with a new subject).
    FreshCourse,
    /// `{fresh_student}`: a new student of school A, not enrolled.
    FreshStudent,
    /// `{fresh_student}`: a new student enrolled in `{class}` from 2026-09-01.
    FreshEnrolled,
    /// `{fresh_student}` and `{fresh_parent}`: a new student and parent, linked.
    FreshLink,
    /// `{fresh_bell}`: a new bell schedule of school A (not the default).
    FreshBell,
    /// `{fresh_holiday}`: a new holiday of school A.
    FreshHoliday,
    /// `{slot_weekday}`, `{slot_number}`: a summer timetable slot nobody uses.
    FreshEntrySlot,
    /// `{fresh_entry}`: a new summer timetable entry of `{course}`.
    FreshEntry,
    /// `{fresh_date}`, `{fresh_number}`: a free lesson slot of `{class}` in quarter 1.
    FreshSlot,
    /// `{fresh_lesson}`: a new extra lesson of `{course}` in a free slot (`{fresh_date}`,
    /// `{fresh_number}`).
    FreshLesson,
    /// `{fresh_lesson}`: a new extra lesson of `{course}` held by the other teacher as substitute.
    FreshSubstituted,
    /// `{fresh_absence}`: a new absence of the teacher.
    FreshAbsence,
    /// `{fresh_scale}`: a new mark scale of school A (not the default, unused).
    FreshScale,
    /// `{fresh_work_type}`: a new work type of school A (unused).
    FreshWorkType,
    /// `{fresh_attendance_code}`: a new attendance code of school A (unused).
    FreshAttendanceCode,
    /// `{fresh_work}`: a new work of `{lesson}` (no marks).
    FreshWork,
    /// `{fresh_reopening}`: quarter 1 of `{course}` reopened by the admin (replacing the
    /// previous request's).
    FreshReopening,
}

/// One endpoint: method, path template under `/api/v1`, JSON body template (`""`: none), the
/// fixture, and the expected status for each actor in [`ACTORS`] order.
struct Row {
    method: M,
    path: &'static str,
    body: &'static str,
    fix: Fix,
    expect: [u16; 11],
}

fn row(method: M, path: &'static str, body: &'static str, fix: Fix, expect: [u16; 11]) -> Row {
    Row {
        method,
        path,
        body,
        fix,
        expect,
    }
}

/// The matrix. Path placeholders: `{A}` school A, `{B}` school B, `{person}` a person of A with
/// no account, `{own_person}` the student's own person record (enrolled in `{class}`, linked to
/// the parent's `{parent_person}`), `{code}` an active invite code of A, `{year}`, `{period}`,
/// `{subject}`, `{class}` (5А, whose class teacher is the teacher), `{class2}` (5Б, the other
/// student's), `{course}`, `{enrollment}` (the student's), `{kind}` an import kind, plus the
/// fixtures' (see [`Fix`]).
#[rustfmt::skip]
fn table() -> Vec<Row> {
    use Fix::*;
    vec![
        //  method     path                                        body             fixture            anon root adm  oadm prn  tch  otch stu  ostu par  opar
        row(M::GET,    "/health",                                  "",              Plain,             [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
        row(M::GET,    "/ready",                                   "",              Plain,             [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
        row(M::GET,    "/openapi.json",                            "",              Plain,             [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
        row(M::POST,   "/auth/login",                              LOGIN,           Plain,             [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
        row(M::POST,   "/auth/refresh",                            "",              RefreshCookie,     [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
        row(M::POST,   "/auth/logout",                             "",              FreshToken,        [204, 204, 204, 204, 204, 204, 204, 204, 204, 204, 204]),
        row(M::POST,   "/auth/register",                           REGISTER,        FreshCode,         [201, 201, 201, 201, 201, 201, 201, 201, 201, 201, 201]),
        row(M::GET,    "/auth/invites/{code}",                     "",              Plain,             [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
        row(M::GET,    "/me",                                      "",              Plain,             [401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
        row(M::POST,   "/me/password",                             CHANGE_PASSWORD, PasswordRoundTrip, [401, 204, 204, 204, 204, 204, 204, 204, 204, 204, 204]),
        row(M::GET,    "/me/sessions",                             "",              Plain,             [401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
        row(M::DELETE, "/me/sessions",                             "",              Plain,             [401, 204, 204, 204, 204, 204, 204, 204, 204, 204, 204]),
        row(M::DELETE, "/me/sessions/{session}",                   "",              OtherSession,      [401, 204, 204, 204, 204, 204, 204, 204, 204, 204, 204]),
        row(M::GET,    "/me/api-tokens",                           "",              Plain,             [401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
        row(M::POST,   "/me/api-tokens",                           API_TOKEN,       Plain,             [401, 201, 201, 201, 201, 201, 201, 201, 201, 201, 201]),
        row(M::DELETE, "/me/api-tokens/{api_token}",               "",              OwnApiToken,       [401, 204, 204, 204, 204, 204, 204, 204, 204, 204, 204]),
        row(M::POST,   "/schools",                                 SCHOOL,          Plain,             [401, 201, 403, 403, 403, 403, 403, 403, 403, 403, 403]),
        row(M::GET,    "/schools",                                 "",              Plain,             [401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
        row(M::GET,    "/schools/{A}",                             "",              Plain,             [401, 200, 200, 404, 200, 200, 200, 200, 200, 200, 200]),
        row(M::GET,    "/schools/{B}",                             "",              Plain,             [401, 200, 404, 200, 404, 404, 404, 404, 404, 404, 404]),
        row(M::POST,   "/schools/{A}/invites",                     INVITE,          Plain,             [401, 201, 201, 404, 403, 403, 403, 403, 403, 403, 403]),
        row(M::GET,    "/schools/{A}/invites",                     "",              Plain,             [401, 200, 200, 404, 200, 403, 403, 403, 403, 403, 403]),
        row(M::DELETE, "/schools/{A}/invites/{fresh_invite}",      "",              FreshInvite,       [401, 204, 204, 404, 403, 403, 403, 403, 403, 403, 403]),
        row(M::POST,   "/schools/{A}/persons",                     PERSON,          Plain,             [401, 201, 201, 404, 403, 403, 403, 403, 403, 403, 403]),
        row(M::GET,    "/schools/{A}/persons",                     "",              Plain,             [401, 200, 200, 404, 200, 403, 403, 403, 403, 403, 403]),
        row(M::GET,    "/schools/{A}/persons/{person}",            "",              Plain,             [401, 200, 200, 404, 200, 403, 403, 403, 403, 403, 403]),
        row(M::GET,    "/schools/{A}/persons/{own_person}",        "",              Plain,             [401, 200, 200, 404, 200, 403, 403, 200, 403, 403, 403]),
        row(M::GET,    "/schools/{A}/accounts",                    "",              Plain,             [401, 200, 200, 404, 200, 403, 403, 403, 403, 403, 403]),
        row(M::PATCH,  "/schools/{A}/accounts/{fresh_account}",    ROLES,           FreshAccount,      [401, 200, 200, 404, 403, 403, 403, 403, 403, 403, 403]),
        row(M::GET,    "/schools/{A}/audit",                       "",              Plain,             [401, 200, 200, 404, 200, 403, 403, 403, 403, 403, 403]),
        row(M::GET,    "/audit",                                   "",              Plain,             [401, 200, 403, 403, 403, 403, 403, 403, 403, 403, 403]),
        // Issue 3: structure (members read, admins write), roster, import.
        //  method     path                                                  body         fixture        anon root adm  oadm prn  tch  otch stu  ostu par  opar
        row(M::GET,    "/schools/{A}/settings",                              "",          Plain,         [401, 200, 200, 404, 200, 200, 200, 200, 200, 200, 200]),
        row(M::PUT,    "/schools/{A}/settings",                              SETTINGS,    Plain,         [401, 200, 200, 404, 403, 403, 403, 403, 403, 403, 403]),
        row(M::GET,    "/schools/{A}/academic-years",                        "",          Plain,         [401, 200, 200, 404, 200, 200, 200, 200, 200, 200, 200]),
        row(M::POST,   "/schools/{A}/academic-years",                        NEW_YEAR,    Plain,         [401, 201, 201, 404, 403, 403, 403, 403, 403, 403, 403]),
        row(M::PUT,    "/schools/{A}/academic-years/{year}",                 YEAR_A,      Plain,         [401, 200, 200, 404, 403, 403, 403, 403, 403, 403, 403]),
        row(M::GET,    "/schools/{A}/periods",                               "",          Plain,         [401, 200, 200, 404, 200, 200, 200, 200, 200, 200, 200]),
        row(M::POST,   "/schools/{A}/periods",                               NEW_PERIOD,  FreshYear,     [401, 201, 201, 404, 403, 403, 403, 403, 403, 403, 403]),
        row(M::PUT,    "/schools/{A}/periods/{period}",                      PERIOD_A,    Plain,         [401, 200, 200, 404, 403, 403, 403, 403, 403, 403, 403]),
        row(M::DELETE, "/schools/{A}/periods/{fresh_period}",                "",          FreshPeriod,   [401, 204, 204, 404, 403, 403, 403, 403, 403, 403, 403]),
        row(M::GET,    "/schools/{A}/subjects",                              "",          Plain,         [401, 200, 200, 404, 200, 200, 200, 200, 200, 200, 200]),
        row(M::POST,   "/schools/{A}/subjects",                              NEW_SUBJECT, Plain,         [401, 201, 201, 404, 403, 403, 403, 403, 403, 403, 403]),
        row(M::PUT,    "/schools/{A}/subjects/{subject}",                    SUBJECT_A,   Plain,         [401, 200, 200, 404, 403, 403, 403, 403, 403, 403, 403]),
        row(M::GET,    "/schools/{A}/classes",                               "",          Plain,         [401, 200, 200, 404, 200, 200, 200, 200, 200, 200, 200]),
        row(M::POST,   "/schools/{A}/classes",                               NEW_CLASS,   Plain,         [401, 201, 201, 404, 403, 403, 403, 403, 403, 403, 403]),
        row(M::GET,    "/schools/{A}/classes/{class}",                       "",          Plain,         [401, 200, 200, 404, 200, 200, 200, 200, 200, 200, 200]),
        row(M::PUT,    "/schools/{A}/classes/{class}",                       CLASS_A,     Plain,         [401, 200, 200, 404, 403, 403, 403, 403, 403, 403, 403]),
        row(M::GET,    "/schools/{A}/classes/{class}/groups",                "",          Plain,         [401, 200, 200, 404, 200, 200, 200, 200, 200, 200, 200]),
        row(M::POST,   "/schools/{A}/classes/{class}/groups",                GROUP,       Plain,         [401, 200, 200, 404, 403, 403, 403, 403, 403, 403, 403]),
        row(M::GET,    "/schools/{A}/classes/{class}/students",              "",          Plain,         [401, 200, 200, 404, 200, 200, 403, 403, 403, 403, 403]),
        row(M::GET,    "/schools/{A}/classes/{class2}/students",             "",          Plain,         [401, 200, 200, 404, 200, 403, 403, 403, 403, 403, 403]),
        row(M::POST,   "/schools/{A}/classes/{class}/invite-sheet",          "",          Plain,         [401, 200, 200, 404, 403, 403, 403, 403, 403, 403, 403]),
        row(M::GET,    "/schools/{A}/courses",                               "",          Plain,         [401, 200, 200, 404, 200, 200, 200, 200, 200, 200, 200]),
        row(M::POST,   "/schools/{A}/courses",                               NEW_COURSE,  FreshSubject,  [401, 201, 201, 404, 403, 403, 403, 403, 403, 403, 403]),
        row(M::PUT,    "/schools/{A}/courses/{course}",                      COURSE_A,    Plain,         [401, 200, 200, 404, 403, 403, 403, 403, 403, 403, 403]),
        row(M::DELETE, "/schools/{A}/courses/{fresh_course}",                "",          FreshCourse,   [401, 204, 204, 404, 403, 403, 403, 403, 403, 403, 403]),
        row(M::PUT,    "/schools/{A}/persons/{person}",                      PERSON,      Plain,         [401, 200, 200, 404, 403, 403, 403, 403, 403, 403, 403]),
        row(M::GET,    "/schools/{A}/persons/{own_person}/enrollments",      "",          Plain,         [401, 200, 200, 404, 200, 403, 403, 200, 403, 200, 403]),
        row(M::GET,    "/schools/{A}/persons/{own_person}/guardians",        "",          Plain,         [401, 200, 200, 404, 200, 403, 403, 200, 403, 200, 403]),
        row(M::GET,    "/schools/{A}/persons/{parent_person}/guardians",     "",          Plain,         [401, 200, 200, 404, 200, 403, 403, 200, 403, 200, 403]),
        row(M::POST,   "/schools/{A}/persons/{own_person}/guardians",        LINK,        Plain,         [401, 200, 200, 404, 403, 403, 403, 403, 403, 403, 403]),
        row(M::DELETE, "/schools/{A}/persons/{fresh_student}/guardians/{fresh_parent}", "", FreshLink, [401, 204, 204, 404, 403, 403, 403, 403, 403, 403, 403]),
        row(M::POST,   "/schools/{A}/students/{fresh_student}/arrive",       ARRIVE,      FreshStudent,  [401, 201, 201, 404, 403, 403, 403, 403, 403, 403, 403]),
        row(M::POST,   "/schools/{A}/students/{fresh_student}/transfer",     TRANSFER,    FreshEnrolled, [401, 201, 201, 404, 403, 403, 403, 403, 403, 403, 403]),
        row(M::POST,   "/schools/{A}/students/{fresh_student}/withdraw",     WITHDRAW,    FreshEnrolled, [401, 200, 200, 404, 403, 403, 403, 403, 403, 403, 403]),
        row(M::PATCH,  "/schools/{A}/enrollments/{enrollment}",              CORRECT,     Plain,         [401, 200, 200, 404, 403, 403, 403, 403, 403, 403, 403]),
        row(M::POST,   "/schools/{A}/import/{kind}",                         IMPORT,      Plain,         [401, 200, 200, 404, 403, 403, 403, 403, 403, 403, 403]),
        // Issue 4: timetable, lessons, substitutions, schedules. Bells, the calendar and the
        // timetable are read by every member and written by admins; lesson lists, a lesson's free
        // teachers and absences are read by admins and principals; one lesson and the staff views
        // by the staff; a lesson's journal is written by the course's teacher or the lesson's
        // substitute; a student's week by the staff who may, the student and their parents.
        //  method     path                                                  body         fixture           anon root adm  oadm prn  tch  otch stu  ostu par  opar
        row(M::GET,    "/schools/{A}/bell-schedules",                        "",          Plain,            [401, 200, 200, 404, 200, 200, 200, 200, 200, 200, 200]),
        row(M::POST,   "/schools/{A}/bell-schedules",                        NEW_BELL,    Plain,            [401, 201, 201, 404, 403, 403, 403, 403, 403, 403, 403]),
        row(M::PUT,    "/schools/{A}/bell-schedules/{bell}",                 BELL_A,      Plain,            [401, 200, 200, 404, 403, 403, 403, 403, 403, 403, 403]),
        row(M::DELETE, "/schools/{A}/bell-schedules/{fresh_bell}",           "",          FreshBell,        [401, 204, 204, 404, 403, 403, 403, 403, 403, 403, 403]),
        row(M::GET,    "/schools/{A}/holidays",                              "",          Plain,            [401, 200, 200, 404, 200, 200, 200, 200, 200, 200, 200]),
        row(M::POST,   "/schools/{A}/holidays",                              NEW_HOLIDAY, Plain,            [401, 201, 201, 404, 403, 403, 403, 403, 403, 403, 403]),
        row(M::PUT,    "/schools/{A}/holidays/{holiday}",                    HOLIDAY_A,   Plain,            [401, 200, 200, 404, 403, 403, 403, 403, 403, 403, 403]),
        row(M::DELETE, "/schools/{A}/holidays/{fresh_holiday}",              "",          FreshHoliday,     [401, 204, 204, 404, 403, 403, 403, 403, 403, 403, 403]),
        row(M::GET,    "/schools/{A}/timetable",                             "",          Plain,            [401, 200, 200, 404, 200, 200, 200, 200, 200, 200, 200]),
        row(M::POST,   "/schools/{A}/timetable",                             NEW_ENTRY,   FreshEntrySlot,   [401, 201, 201, 404, 403, 403, 403, 403, 403, 403, 403]),
        row(M::PUT,    "/schools/{A}/timetable/{entry}",                     ENTRY_A,     Plain,            [401, 200, 200, 404, 403, 403, 403, 403, 403, 403, 403]),
        row(M::DELETE, "/schools/{A}/timetable/{fresh_entry}?from=2027-01-01", "",        FreshEntry,       [401, 204, 204, 404, 403, 403, 403, 403, 403, 403, 403]),
        row(M::POST,   "/schools/{A}/timetable/check",                       CHECK_ENTRY, Plain,            [401, 200, 200, 404, 403, 403, 403, 403, 403, 403, 403]),
        row(M::POST,   "/schools/{A}/lessons/generate",                      GENERATE,    Plain,            [401, 200, 200, 404, 403, 403, 403, 403, 403, 403, 403]),
        row(M::GET,    "/schools/{A}/lessons",                               "",          Plain,            [401, 200, 200, 404, 200, 403, 403, 403, 403, 403, 403]),
        row(M::POST,   "/schools/{A}/lessons",                               NEW_EXTRA,   FreshSlot,        [401, 201, 201, 404, 403, 403, 403, 403, 403, 403, 403]),
        row(M::GET,    "/schools/{A}/lessons/{lesson}",                      "",          Plain,            [401, 200, 200, 404, 200, 200, 200, 403, 403, 403, 403]),
        row(M::DELETE, "/schools/{A}/lessons/{fresh_lesson}",                "",          FreshLesson,      [401, 204, 204, 404, 403, 403, 403, 403, 403, 403, 403]),
        row(M::POST,   "/schools/{A}/lessons/{fresh_lesson}/cancel",         CANCEL,      FreshLesson,      [401, 200, 200, 404, 403, 403, 403, 403, 403, 403, 403]),
        row(M::POST,   "/schools/{A}/lessons/{fresh_lesson}/restore",        "",          FreshLesson,      [401, 200, 200, 404, 403, 403, 403, 403, 403, 403, 403]),
        row(M::POST,   "/schools/{A}/lessons/{fresh_lesson}/move",           MOVE,        FreshLesson,      [401, 200, 200, 404, 403, 403, 403, 403, 403, 403, 403]),
        row(M::POST,   "/schools/{A}/lessons/{lesson}/acknowledge",          "",          Plain,            [401, 200, 200, 404, 403, 403, 403, 403, 403, 403, 403]),
        row(M::GET,    "/schools/{A}/lessons/{lesson}/free-teachers",        "",          Plain,            [401, 200, 200, 404, 200, 403, 403, 403, 403, 403, 403]),
        row(M::PUT,    "/schools/{A}/lessons/{fresh_lesson}/substitute",     SUBSTITUTE,  FreshLesson,      [401, 200, 200, 404, 403, 403, 403, 403, 403, 403, 403]),
        row(M::DELETE, "/schools/{A}/lessons/{fresh_lesson}/substitute",     "",          FreshSubstituted, [401, 200, 200, 404, 403, 403, 403, 403, 403, 403, 403]),
        row(M::PUT,    "/schools/{A}/lessons/{fresh_lesson}/content",        CONTENT,     FreshLesson,      [401, 200, 200, 404, 403, 200, 403, 403, 403, 403, 403]),
        row(M::PUT,    "/schools/{A}/lessons/{fresh_lesson}/content",        CONTENT,     FreshSubstituted, [401, 200, 200, 404, 403, 200, 200, 403, 403, 403, 403]),
        row(M::GET,    "/schools/{A}/teacher-absences",                      "",          Plain,            [401, 200, 200, 404, 200, 403, 403, 403, 403, 403, 403]),
        row(M::POST,   "/schools/{A}/teacher-absences",                      ABSENCE,     Plain,            [401, 201, 201, 404, 403, 403, 403, 403, 403, 403, 403]),
        row(M::DELETE, "/schools/{A}/teacher-absences/{fresh_absence}",      "",          FreshAbsence,     [401, 204, 204, 404, 403, 403, 403, 403, 403, 403, 403]),
        row(M::GET,    "/schools/{A}/teacher-absences/{absence}/lessons",    "",          Plain,            [401, 200, 200, 404, 200, 403, 403, 403, 403, 403, 403]),
        row(M::GET,    "/schools/{A}/schedule?teacher_id={teacher_person}&week=2026-W37", "", Plain,        [401, 200, 200, 404, 200, 200, 200, 403, 403, 403, 403]),
        row(M::GET,    "/schools/{A}/schedule?class_id={class}&date=2026-09-07", "",      Plain,            [401, 200, 200, 404, 200, 200, 200, 403, 403, 403, 403]),
        row(M::GET,    "/schools/{A}/schedule?room=101&today=true",          "",          Plain,            [401, 200, 200, 404, 200, 200, 200, 403, 403, 403, 403]),
        row(M::GET,    "/schools/{A}/schedule?student_id={own_person}&week=2026-W37", "", Plain,            [401, 200, 200, 404, 200, 200, 403, 200, 403, 200, 403]),
        // Issue 5: the class journal. Mark settings are read by every member and written by
        // admins. A course's journal is read by admins, principals, its teachers, the class
        // teacher and its lessons' substitutes (`{course2}`: the other teacher is none of them);
        // marks, attendance and works are written by the course's teachers, the lesson's
        // substitute and the admin. A student's diary, marks and feed are read as their week
        // (the staff who may, the student, their parents); a class summary by admins, principals
        // and the class teacher.
        //  method     path                                                  body           fixture              anon root adm  oadm prn  tch  otch stu  ostu par  opar
        row(M::GET,    "/schools/{A}/mark-settings",                         "",            Plain,               [401, 200, 200, 404, 200, 200, 200, 200, 200, 200, 200]),
        row(M::POST,   "/schools/{A}/mark-scales",                           NEW_SCALE,     Plain,               [401, 201, 201, 404, 403, 403, 403, 403, 403, 403, 403]),
        row(M::PUT,    "/schools/{A}/mark-scales/{scale}",                   SCALE_A,       Plain,               [401, 200, 200, 404, 403, 403, 403, 403, 403, 403, 403]),
        row(M::DELETE, "/schools/{A}/mark-scales/{fresh_scale}",             "",            FreshScale,          [401, 204, 204, 404, 403, 403, 403, 403, 403, 403, 403]),
        row(M::POST,   "/schools/{A}/work-types",                            NEW_WORK_TYPE, Plain,               [401, 201, 201, 404, 403, 403, 403, 403, 403, 403, 403]),
        row(M::PUT,    "/schools/{A}/work-types/{work_type}",                WORK_TYPE_A,   Plain,               [401, 200, 200, 404, 403, 403, 403, 403, 403, 403, 403]),
        row(M::DELETE, "/schools/{A}/work-types/{fresh_work_type}",          "",            FreshWorkType,       [401, 204, 204, 404, 403, 403, 403, 403, 403, 403, 403]),
        row(M::POST,   "/schools/{A}/attendance-codes",                      NEW_CODE,      Plain,               [401, 201, 201, 404, 403, 403, 403, 403, 403, 403, 403]),
        row(M::PUT,    "/schools/{A}/attendance-codes/{attendance_code}",    CODE_A,        Plain,               [401, 200, 200, 404, 403, 403, 403, 403, 403, 403, 403]),
        row(M::DELETE, "/schools/{A}/attendance-codes/{fresh_attendance_code}", "",         FreshAttendanceCode, [401, 204, 204, 404, 403, 403, 403, 403, 403, 403, 403]),
        // The other teacher substitutes `{sub_lesson}` of `{course}`: they read its journal.
        row(M::GET,    "/schools/{A}/courses/{course}/journal?period_id={period}", "",      Plain,               [401, 200, 200, 404, 200, 200, 200, 403, 403, 403, 403]),
        row(M::GET,    "/schools/{A}/courses/{course2}/journal",             "",            Plain,               [401, 200, 200, 404, 200, 200, 403, 403, 403, 403, 403]),
        row(M::POST,   "/schools/{A}/courses/{course}/journal",              BATCH,         FreshWork,           [401, 200, 200, 404, 403, 200, 403, 403, 403, 403, 403]),
        row(M::PUT,    "/schools/{A}/works/{fresh_work}/marks/{own_person}", MARK,          FreshWork,           [401, 200, 200, 404, 403, 200, 403, 403, 403, 403, 403]),
        row(M::PUT,    "/schools/{A}/lessons/{fresh_lesson}/attendance/{own_person}", ATTENDANCE, FreshLesson,   [401, 200, 200, 404, 403, 200, 403, 403, 403, 403, 403]),
        row(M::PUT,    "/schools/{A}/lessons/{fresh_lesson}/attendance/{own_person}", ATTENDANCE, FreshSubstituted, [401, 200, 200, 404, 403, 200, 200, 403, 403, 403, 403]),
        row(M::POST,   "/schools/{A}/lessons/{lesson}/works",                NEW_WORK,      Plain,               [401, 201, 201, 404, 403, 201, 403, 403, 403, 403, 403]),
        row(M::PUT,    "/schools/{A}/works/{fresh_work}",                    WORK_CHANGE,   FreshWork,           [401, 200, 200, 404, 403, 200, 403, 403, 403, 403, 403]),
        row(M::DELETE, "/schools/{A}/works/{fresh_work}",                    "",            FreshWork,           [401, 204, 204, 404, 403, 204, 403, 403, 403, 403, 403]),
        row(M::GET,    "/schools/{A}/students/{own_person}/diary?week=2026-W37", "",        Plain,               [401, 200, 200, 404, 200, 200, 403, 200, 403, 200, 403]),
        row(M::GET,    "/schools/{A}/students/{own_person}/marks?period_id={period}", "",   Plain,               [401, 200, 200, 404, 200, 200, 403, 200, 403, 200, 403]),
        row(M::GET,    "/schools/{A}/students/{own_person}/recent-marks",    "",            Plain,               [401, 200, 200, 404, 200, 200, 403, 200, 403, 200, 403]),
        row(M::GET,    "/schools/{A}/classes/{class}/summary?period_id={period}", "",       Plain,               [401, 200, 200, 404, 200, 200, 403, 403, 403, 403, 403]),
        row(M::GET,    "/schools/{A}/classes/{class2}/summary",              "",            Plain,               [401, 200, 200, 404, 200, 403, 403, 403, 403, 403, 403]),
        // Issue 6: final marks. A course's sheet and reopenings are read as its journal (the other
        // teacher substitutes a lesson of `{course}`); its teacher writes inside the window (open
        // at [`CLOCK`]), the principal and the admin always, a substitute never; the admin reopens
        // terms; the principal and the admin see the closing view; the report card is read as the
        // diary; a class's report cards by its class teacher, the principal and the admin.
        //  method     path                                                  body           fixture              anon root adm  oadm prn  tch  otch stu  ostu par  opar
        row(M::GET,    "/schools/{A}/courses/{course}/final-marks",          "",            Plain,               [401, 200, 200, 404, 200, 200, 200, 403, 403, 403, 403]),
        row(M::GET,    "/schools/{A}/courses/{course2}/final-marks",         "",            Plain,               [401, 200, 200, 404, 200, 200, 403, 403, 403, 403, 403]),
        row(M::POST,   "/schools/{A}/courses/{course}/final-marks",          FINAL_MARKS,   FreshEnrolled,       [401, 200, 200, 404, 200, 200, 403, 403, 403, 403, 403]),
        row(M::GET,    "/schools/{A}/courses/{course}/reopenings",           "",            Plain,               [401, 200, 200, 404, 200, 200, 200, 403, 403, 403, 403]),
        row(M::GET,    "/schools/{A}/courses/{course2}/reopenings",          "",            Plain,               [401, 200, 200, 404, 200, 200, 403, 403, 403, 403, 403]),
        row(M::POST,   "/schools/{A}/courses/{course}/reopenings",           REOPEN,        Plain,               [401, 201, 201, 404, 403, 403, 403, 403, 403, 403, 403]),
        row(M::DELETE, "/schools/{A}/reopenings/{fresh_reopening}",          "",            FreshReopening,      [401, 204, 204, 404, 403, 403, 403, 403, 403, 403, 403]),
        row(M::GET,    "/schools/{A}/final-marks/closing",                   "",            Plain,               [401, 200, 200, 404, 200, 403, 403, 403, 403, 403, 403]),
        row(M::GET,    "/schools/{A}/final-marks/closing?term=quarter_1&academic_year_id={year}&class_id={class}", "", Plain, [401, 200, 200, 404, 200, 403, 403, 403, 403, 403, 403]),
        row(M::GET,    "/schools/{A}/students/{own_person}/report-card",     "",            Plain,               [401, 200, 200, 404, 200, 200, 403, 200, 403, 200, 403]),
        row(M::GET,    "/schools/{A}/students/{own_person}/report-card?academic_year_id={year}", "", Plain,    [401, 200, 200, 404, 200, 200, 403, 200, 403, 200, 403]),
        row(M::GET,    "/schools/{A}/students/{own_person}/report-card.csv", "",            Plain,               [401, 200, 200, 404, 200, 200, 403, 200, 403, 200, 403]),
        row(M::GET,    "/schools/{A}/classes/{class}/report-cards",          "",            Plain,               [401, 200, 200, 404, 200, 200, 403, 403, 403, 403, 403]),
        row(M::GET,    "/schools/{A}/classes/{class2}/report-cards",         "",            Plain,               [401, 200, 200, 404, 200, 403, 403, 403, 403, 403, 403]),
        row(M::GET,    "/schools/{A}/classes/{class}/report-cards.csv",      "",            Plain,               [401, 200, 200, 404, 200, 200, 403, 403, 403, 403, 403]),
        // Issue 7: reports. The principal and the admin read every report of the school; a
        // teacher reads the rows of their courses and of the class they lead (the teacher leads
        // `{class}`, the other teacher nothing: their reports are empty, a class of theirs 403)
        // and not the activity report; students and parents none. «Все присутствуют» is a
        // journal write (the course's teacher, the lesson's substitute, the admin).
        //  method     path                                                  body           fixture              anon root adm  oadm prn  tch  otch stu  ostu par  opar
        row(M::GET,    "/schools/{A}/reports/quality",                       "",            Plain,               [401, 200, 200, 404, 200, 200, 200, 403, 403, 403, 403]),
        row(M::GET,    "/schools/{A}/reports/quality?term=quarter_1&academic_year_id={year}&class_id={class}&basis=auto", "", Plain, [401, 200, 200, 404, 200, 200, 403, 403, 403, 403, 403]),
        row(M::GET,    "/schools/{A}/reports/quality.csv?table=classes",     "",            Plain,               [401, 200, 200, 404, 200, 200, 200, 403, 403, 403, 403]),
        row(M::GET,    "/schools/{A}/reports/quality.xlsx",                  "",            Plain,               [401, 200, 200, 404, 200, 200, 200, 403, 403, 403, 403]),
        row(M::GET,    "/schools/{A}/reports/attendance",                    "",            Plain,               [401, 200, 200, 404, 200, 200, 200, 403, 403, 403, 403]),
        row(M::GET,    "/schools/{A}/reports/attendance?from=2026-09-01&to=2026-10-23&class_id={class}&threshold=30", "", Plain, [401, 200, 200, 404, 200, 200, 403, 403, 403, 403, 403]),
        row(M::GET,    "/schools/{A}/reports/attendance.csv?table=students", "",            Plain,               [401, 200, 200, 404, 200, 200, 200, 403, 403, 403, 403]),
        row(M::GET,    "/schools/{A}/reports/attendance.xlsx",               "",            Plain,               [401, 200, 200, 404, 200, 200, 200, 403, 403, 403, 403]),
        row(M::GET,    "/schools/{A}/reports/journal-control",               "",            Plain,               [401, 200, 200, 404, 200, 200, 200, 403, 403, 403, 403]),
        row(M::GET,    "/schools/{A}/reports/journal-control.csv?week=2026-09-07&table=courses", "", Plain,      [401, 200, 200, 404, 200, 200, 200, 403, 403, 403, 403]),
        row(M::GET,    "/schools/{A}/reports/journal-control.xlsx",          "",            Plain,               [401, 200, 200, 404, 200, 200, 200, 403, 403, 403, 403]),
        // The other teacher substitutes `{sub_lesson}` of `{course}` that week: they read the
        // drill-down of their own lessons of it.
        row(M::GET,    "/schools/{A}/reports/journal-control/courses/{course}?week=2026-09-07", "", Plain,       [401, 200, 200, 404, 200, 200, 200, 403, 403, 403, 403]),
        row(M::GET,    "/schools/{A}/reports/journal-control/courses/{course2}?issue=without_topic", "", Plain,  [401, 200, 200, 404, 200, 200, 403, 403, 403, 403, 403]),
        row(M::GET,    "/schools/{A}/reports/activity",                      "",            Plain,               [401, 200, 200, 404, 200, 403, 403, 403, 403, 403, 403]),
        row(M::GET,    "/schools/{A}/reports/activity.csv?month=2026-10&table=classes", "", Plain,              [401, 200, 200, 404, 200, 403, 403, 403, 403, 403, 403]),
        row(M::GET,    "/schools/{A}/reports/activity.xlsx",                 "",            Plain,               [401, 200, 200, 404, 200, 403, 403, 403, 403, 403, 403]),
        row(M::GET,    "/schools/{A}/reports/activity/users?role=student",   "",            Plain,               [401, 200, 200, 404, 200, 403, 403, 403, 403, 403, 403]),
        row(M::GET,    "/schools/{A}/reports/activity/users?role=parent&class_id={class}&month=2026-10", "", Plain, [401, 200, 200, 404, 200, 403, 403, 403, 403, 403, 403]),
        row(M::POST,   "/schools/{A}/lessons/{fresh_lesson}/attendance-taken", "",          FreshLesson,         [401, 200, 200, 404, 403, 200, 403, 403, 403, 403, 403]),
        row(M::POST,   "/schools/{A}/lessons/{fresh_lesson}/attendance-taken", "",          FreshSubstituted,    [401, 200, 200, 404, 403, 200, 200, 403, 403, 403, 403]),
    ]
}

/// The problem `code` an error status of the matrix must carry.
fn code_of(status: u16) -> Option<&'static str> {
    match status {
        401 => Some("authentication_required"),
        403 => Some("forbidden"),
        404 => Some("not_found"),
        405 => Some("method_not_allowed"),
        _ => None,
    }
}

/// An answer, reduced to what the matrix compares and reports.
#[derive(Debug, Clone, PartialEq)]
struct Answer {
    status: u16,
    code: Option<String>,
    body: String,
}

/// The world every row runs against: two schools, the actors and a few objects of school A.
struct World {
    api: String,
    /// No cookie jar: the refresh cookie is sent only where a row says so.
    http: reqwest::Client,
    tokens: Vec<Option<String>>,
    school_a: Uuid,
    school_b: Uuid,
    /// A person of A without an account.
    person: Uuid,
    /// The student's own person record.
    own_person: Uuid,
    /// An active invite of A (its code is previewed, so nobody uses or revokes it).
    invite: Uuid,
    invite_code: String,
    /// The teacher's account.
    account: Uuid,
    /// School A's structure and roster (see [`table`]).
    year: Uuid,
    period: Uuid,
    subject: Uuid,
    class: Uuid,
    class2: Uuid,
    group: Uuid,
    course: Uuid,
    enrollment: Uuid,
    teacher_person: Uuid,
    parent_person: Uuid,
    /// School B's own year, class, subject and teacher (bodies of writes under `{B}`).
    b_year: Uuid,
    b_class: Uuid,
    b_subject: Uuid,
    b_teacher: Uuid,
    b_course: Uuid,
    /// The other teacher's person (a substitute in the lesson rows).
    other_teacher_person: Uuid,
    /// School A's timetable (see [`World::build_timetable`]).
    bell: Uuid,
    holiday: Uuid,
    entry: Uuid,
    lesson: Uuid,
    absence: Uuid,
    /// An extra lesson of `{course}` the other teacher substitutes.
    sub_lesson: Uuid,
    /// School A's journal (see [`World::build_journal`]).
    course2: Uuid,
    scale: Uuid,
    work_type: Uuid,
    attendance_code: Uuid,
    work: Uuid,
    /// Quarter 1 of `{course2}` reopened (see [`World::build_finals`]).
    reopening: Uuid,
    counter: AtomicUsize,
    /// Hands out free lesson slots of `{class}` in quarter 1 (extra lessons).
    lesson_slots: AtomicUsize,
    /// Hands out free summer timetable slots of `{course}`.
    entry_slots: AtomicUsize,
    /// Hands out free academic years (`{yr}`/`{yr1}`) from 2030/2031 on: years lie in 2000–2100.
    year_slots: AtomicUsize,
}

impl World {
    async fn build(app: &TestApp) -> World {
        otmetka_api::service::superadmin::create(&app.state.db, LOGINS[1], PASSWORD)
            .await
            .unwrap();
        let root = login_with(&new_client(), app, LOGINS[1], PASSWORD).await;
        let (a, admin) = app.school_with_admin(&root, "Школа А", LOGINS[2]).await;
        let (b, admin_b) = app.school_with_admin(&root, "Школа Б", LOGINS[3]).await;
        let mut tokens = vec![None, Some(root), Some(admin.clone()), Some(admin_b)];
        let roles = [
            Role::Principal,
            Role::Teacher,
            Role::Teacher,
            Role::Student,
            Role::Student,
            Role::Parent,
            Role::Parent,
        ];
        for (i, role) in roles.into_iter().enumerate() {
            tokens.push(Some(app.member(&admin, a, role, LOGINS[4 + i]).await));
        }
        app.member(&admin, a, Role::Teacher, LOGINEE).await;
        let mut w = World {
            api: app.url(""),
            http: reqwest::Client::new(),
            tokens,
            school_a: a,
            school_b: b,
            person: Uuid::nil(),
            own_person: Uuid::nil(),
            invite: Uuid::nil(),
            invite_code: String::new(),
            account: Uuid::nil(),
            year: Uuid::nil(),
            period: Uuid::nil(),
            subject: Uuid::nil(),
            class: Uuid::nil(),
            class2: Uuid::nil(),
            group: Uuid::nil(),
            course: Uuid::nil(),
            enrollment: Uuid::nil(),
            teacher_person: Uuid::nil(),
            parent_person: Uuid::nil(),
            b_year: Uuid::nil(),
            b_class: Uuid::nil(),
            b_subject: Uuid::nil(),
            b_teacher: Uuid::nil(),
            b_course: Uuid::nil(),
            other_teacher_person: Uuid::nil(),
            bell: Uuid::nil(),
            holiday: Uuid::nil(),
            entry: Uuid::nil(),
            lesson: Uuid::nil(),
            absence: Uuid::nil(),
            sub_lesson: Uuid::nil(),
            course2: Uuid::nil(),
            scale: Uuid::nil(),
            work_type: Uuid::nil(),
            attendance_code: Uuid::nil(),
            work: Uuid::nil(),
            reopening: Uuid::nil(),
            counter: AtomicUsize::new(0),
            lesson_slots: AtomicUsize::new(0),
            entry_slots: AtomicUsize::new(0),
            year_slots: AtomicUsize::new(0),
        };
        let created = w
            .send(
                M::POST,
                &format!("/schools/{a}/persons"),
                Some(&admin),
                Some(PERSON),
                None,
            )
            .await;
        assert_eq!(created.status, 201, "{}", created.body);
        w.person = id_in(&created.body, "id");
        (w.invite, w.invite_code) = w.new_invite().await;
        let me = |i: usize| {
            let w = &w;
            async move {
                let me = w.send(M::GET, "/me", w.token(i), None, None).await;
                serde_json::from_str::<Value>(&me.body).unwrap()
            }
        };
        let teacher = me(TEACHER).await;
        let other_teacher = me(OTHER_TEACHER).await;
        let student = me(STUDENT).await;
        let parent = me(PARENT).await;
        let other_student = me(OTHER_STUDENT).await;
        let other_parent = me(OTHER_PARENT).await;
        w.account = teacher["account_id"].as_str().unwrap().parse().unwrap();
        w.own_person = student["memberships"][0]["person_id"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        let person_of = |v: &Value| -> Uuid {
            v["memberships"][0]["person_id"]
                .as_str()
                .unwrap()
                .parse()
                .unwrap()
        };
        w.teacher_person = person_of(&teacher);
        w.other_teacher_person = person_of(&other_teacher);
        w.parent_person = person_of(&parent);
        w.build_structure(person_of(&other_student), person_of(&other_parent))
            .await;
        w.build_timetable().await;
        w.build_journal().await;
        w.build_finals().await;
        w
    }

    /// School A's year 2026/2027 with quarter 1, Математика, 5А (the teacher's class, the
    /// student's) and 5Б (the other student's) with subgroup 1 of 5А, a course of 5А; each parent
    /// linked to their student. School B gets a year, class 1А, a subject and a teacher.
    async fn build_structure(&mut self, other_student: Uuid, other_parent: Uuid) {
        let a = self.school_a;
        self.year = id_in(
            &self.post(2, "/schools/{A}/academic-years", YEAR_A).await,
            "id",
        );
        self.period = id_in(&self.post(2, "/schools/{A}/periods", PERIOD_A).await, "id");
        self.subject = id_in(
            &self.post(2, "/schools/{A}/subjects", SUBJECT_A).await,
            "id",
        );
        self.class = id_in(&self.post(2, "/schools/{A}/classes", CLASS_A).await, "id");
        let five_b = r#"{"grade":5,"letter":"Б"}"#;
        self.class2 = id_in(&self.post(2, "/schools/{A}/classes", five_b).await, "id");
        let groups = "/schools/{A}/classes/{class}/groups";
        self.group = id_in(&self.post(2, groups, GROUP).await, "id");
        self.course = id_in(&self.post(2, "/schools/{A}/courses", COURSE_A).await, "id");
        let arrive = "/schools/{A}/students/{own_person}/arrive";
        self.enrollment = id_in(&self.post(2, arrive, ARRIVE).await, "id");
        self.post(2, "/schools/{A}/persons/{own_person}/guardians", LINK)
            .await;
        let path = format!("/schools/{a}/students/{other_student}/arrive");
        let body = format!(r#"{{"class_id":"{}","date":"2026-09-01"}}"#, self.class2);
        self.post(2, &path, &body).await;
        let path = format!("/schools/{a}/persons/{other_student}/guardians");
        self.post(2, &path, &format!(r#"{{"parent_id":"{other_parent}"}}"#))
            .await;

        let b = OTHER_SCHOOL_ADMIN;
        self.b_year = id_in(
            &self.post(b, "/schools/{B}/academic-years", YEAR_A).await,
            "id",
        );
        let one_a = r#"{"grade":1,"letter":"А"}"#;
        self.b_class = id_in(&self.post(b, "/schools/{B}/classes", one_a).await, "id");
        self.b_subject = id_in(
            &self.post(b, "/schools/{B}/subjects", SUBJECT_A).await,
            "id",
        );
        let teacher = r#"{"last_name":"Учителева","first_name":"Бэ","kind":"staff"}"#;
        self.b_teacher = id_in(&self.post(b, "/schools/{B}/persons", teacher).await, "id");
        // B's own course (of a subject of its own: the rows' B bodies stay free of conflicts).
        let body = r#"{"name":"Химия","short_name":"Хим"}"#;
        let chemistry = id_in(&self.post(b, "/schools/{B}/subjects", body).await, "id");
        let course = format!(
            r#"{{"class_id":"{}","subject_id":"{chemistry}","teacher_ids":["{}"],"hours_per_week":2}}"#,
            self.b_class, self.b_teacher
        );
        self.b_course = id_in(&self.post(b, "/schools/{B}/courses", &course).await, "id");
    }

    /// School A's bell schedule and a holiday; the course on Monday lesson 1 in quarter 1 (room
    /// 101), so its lessons exist; the lesson of Monday 7 September; the teacher absent that
    /// week.
    async fn build_timetable(&mut self) {
        self.bell = id_in(
            &self.post(2, "/schools/{A}/bell-schedules", BELL_A).await,
            "id",
        );
        self.holiday = id_in(
            &self.post(2, "/schools/{A}/holidays", HOLIDAY_A).await,
            "id",
        );
        self.entry = id_in(&self.post(2, "/schools/{A}/timetable", ENTRY_A).await, "id");
        let path = format!(
            "/schools/{}/lessons?course_id={}&from=2026-09-07&to=2026-09-07",
            self.school_a, self.course
        );
        let res = self.send(M::GET, &path, self.admin(), None, None).await;
        let list: Vec<Value> = serde_json::from_str(&res.body).unwrap();
        assert_eq!(list.len(), 1, "{}", res.body);
        self.lesson = list[0]["id"].as_str().unwrap().parse().unwrap();
        let absence =
            r#"{"teacher_id":"{teacher_person}","starts_on":"2026-09-07","ends_on":"2026-09-11"}"#;
        self.absence = id_in(
            &self.post(2, "/schools/{A}/teacher-absences", absence).await,
            "id",
        );
        let (date, number) = self.lesson_slot();
        let extra = format!(
            r#"{{"course_id":"{}","date":"{date}","lesson_number":{number}}}"#,
            self.course
        );
        self.sub_lesson = id_in(&self.post(2, "/schools/{A}/lessons", &extra).await, "id");
        let path = format!(
            "/schools/{}/lessons/{}/substitute",
            self.school_a, self.sub_lesson
        );
        self.admin_ok(M::PUT, &path, &fill(SUBSTITUTE, &self.subs(0)))
            .await;
    }

    /// School A's mark settings (the pass/fail scale, oral answers, ОП); `{work}`, a work of
    /// `{lesson}` where the teacher gave the student a 5; `{course2}`, the teacher's course of 5Б.
    async fn build_journal(&mut self) {
        let path = format!("/schools/{}/mark-settings", self.school_a);
        let settings = self.send(M::GET, &path, self.admin(), None, None).await;
        let settings: Value = serde_json::from_str(&settings.body).unwrap();
        let find = |list: &str, key: &str, value: &str| -> Uuid {
            settings[list]
                .as_array()
                .unwrap()
                .iter()
                .find(|x| x[key] == value)
                .unwrap_or_else(|| panic!("no {list} {value} in {settings}"))["id"]
                .as_str()
                .unwrap()
                .parse()
                .unwrap()
        };
        self.scale = find("scales", "code", "pass_fail");
        self.work_type = find("work_types", "code", "oral");
        self.attendance_code = find("attendance_codes", "code", "оп");
        self.work = id_in(
            &self
                .post(2, "/schools/{A}/lessons/{lesson}/works", NEW_WORK)
                .await,
            "id",
        );
        let mark = self
            .send(
                M::PUT,
                &fill(
                    "/schools/{A}/works/{work}/marks/{own_person}",
                    &self.subs(0),
                ),
                self.token(TEACHER),
                Some(MARK),
                None,
            )
            .await;
        assert_eq!(mark.status, 200, "{}", mark.body);
        let course2 = r#"{"class_id":"{class2}","subject_id":"{subject}","teacher_ids":["{teacher_person}"],"hours_per_week":1}"#;
        self.course2 = id_in(&self.post(2, "/schools/{A}/courses", course2).await, "id");
    }

    /// `{reopening}`: quarter 1 of `{course2}` reopened by the admin until 10 November.
    async fn build_finals(&mut self) {
        self.reopening = id_in(
            &self
                .post(2, "/schools/{A}/courses/{course2}/reopenings", REOPEN_A)
                .await,
            "id",
        );
    }

    /// A free slot of `{class}` in quarter 1 for an extra lesson: (date, lesson number). Lessons
    /// 2–12, eleven a day from 1 September (the timetable has only Monday lesson 1).
    fn lesson_slot(&self) -> (String, String) {
        let k = self.lesson_slots.fetch_add(1, Ordering::Relaxed);
        let day = chrono::NaiveDate::from_ymd_opt(2026, 9, 1).unwrap()
            + chrono::Duration::days((k / 11) as i64);
        assert!(day <= chrono::NaiveDate::from_ymd_opt(2026, 10, 24).unwrap());
        (day.to_string(), (2 + k % 11).to_string())
    }

    /// A summer timetable slot of `{course}` nobody else uses: (weekday, lesson number).
    fn entry_slot(&self) -> (String, String) {
        let k = self.entry_slots.fetch_add(1, Ordering::Relaxed);
        assert!(k < 7 * 13);
        ((1 + k % 7).to_string(), (k / 7).to_string())
    }

    /// A POST by an actor that must succeed, path and body filled with the world's ids: the
    /// answer's body.
    async fn post(&self, actor: usize, path: &str, body: &str) -> String {
        let subs = self.subs(0);
        let (path, body) = (fill(path, &subs), fill(body, &subs));
        let res = self
            .send(M::POST, &path, self.token(actor), Some(&body), None)
            .await;
        assert!(
            (200..300).contains(&res.status),
            "POST {path} {body}: {} {}",
            res.status,
            res.body
        );
        res.body
    }

    /// A write as school A's admin that must succeed: the answer's body.
    async fn admin_ok(&self, method: M, path: &str, body: &str) -> String {
        let res = self
            .send(method.clone(), path, self.admin(), Some(body), None)
            .await;
        assert!(
            (200..300).contains(&res.status),
            "{method} {path} {body}: {} {}",
            res.status,
            res.body
        );
        res.body
    }

    fn token(&self, actor: usize) -> Option<&str> {
        self.tokens[actor].as_deref()
    }

    fn admin(&self) -> Option<&str> {
        self.token(2)
    }

    /// The values of the placeholders every row may use.
    fn subs(&self, n: usize) -> Vec<(&'static str, String)> {
        vec![
            ("A", self.school_a.to_string()),
            ("B", self.school_b.to_string()),
            ("person", self.person.to_string()),
            ("own_person", self.own_person.to_string()),
            ("invite", self.invite.to_string()),
            ("account", self.account.to_string()),
            ("code", self.invite_code.clone()),
            ("password", PASSWORD.to_string()),
            ("new_password", NEW_PASSWORD.to_string()),
            ("year", self.year.to_string()),
            ("period", self.period.to_string()),
            ("subject", self.subject.to_string()),
            ("class", self.class.to_string()),
            ("class2", self.class2.to_string()),
            ("group", self.group.to_string()),
            ("course", self.course.to_string()),
            ("enrollment", self.enrollment.to_string()),
            ("teacher_person", self.teacher_person.to_string()),
            ("parent_person", self.parent_person.to_string()),
            ("b_year", self.b_year.to_string()),
            ("b_class", self.b_class.to_string()),
            ("b_subject", self.b_subject.to_string()),
            ("b_teacher", self.b_teacher.to_string()),
            ("b_course", self.b_course.to_string()),
            (
                "other_teacher_person",
                self.other_teacher_person.to_string(),
            ),
            ("bell", self.bell.to_string()),
            ("holiday", self.holiday.to_string()),
            ("entry", self.entry.to_string()),
            ("lesson", self.lesson.to_string()),
            ("absence", self.absence.to_string()),
            ("sub_lesson", self.sub_lesson.to_string()),
            ("course2", self.course2.to_string()),
            ("scale", self.scale.to_string()),
            ("work_type", self.work_type.to_string()),
            ("attendance_code", self.attendance_code.to_string()),
            ("work", self.work.to_string()),
            ("reopening", self.reopening.to_string()),
            (
                "absence_day",
                (chrono::NaiveDate::from_ymd_opt(2026, 9, 14).unwrap()
                    + chrono::Duration::days(n as i64))
                .to_string(),
            ),
            ("kind", "subjects".to_string()),
            // Replaced by a free year in `run` where a request needs one.
            ("yr", (3000 + n).to_string()),
            ("yr1", (3001 + n).to_string()),
            ("letters", letters(n)),
            ("n", n.to_string()),
        ]
    }

    /// Sends a request with an optional bearer token, JSON body and refresh cookie. (The test
    /// settings lift the `/auth` request-rate limit, which has its own test in `auth.rs`.)
    async fn request(
        &self,
        method: M,
        path: &str,
        token: Option<&str>,
        body: Option<&str>,
        cookie: Option<&str>,
    ) -> reqwest::Response {
        let mut r = self.http.request(method, format!("{}{path}", self.api));
        if let Some(t) = token {
            r = r.bearer_auth(t);
        }
        if let Some(b) = body {
            r = r
                .header("content-type", "application/json")
                .body(b.to_string());
        }
        if let Some(c) = cookie {
            r = r.header("cookie", format!("otmetka_refresh={c}"));
        }
        r.send().await.unwrap()
    }

    async fn send(
        &self,
        method: M,
        path: &str,
        token: Option<&str>,
        body: Option<&str>,
        cookie: Option<&str>,
    ) -> Answer {
        answer(self.request(method, path, token, body, cookie).await).await
    }

    /// Signs in; returns the access token and the refresh cookie.
    async fn sign_in(&self, login: &str) -> (String, String) {
        let body = json!({"login": login, "password": PASSWORD}).to_string();
        let res = self
            .request(M::POST, "/auth/login", None, Some(&body), None)
            .await;
        assert_eq!(res.status(), 200, "sign in {login}");
        let cookie = res
            .cookies()
            .find(|c| c.name() == "otmetka_refresh")
            .unwrap()
            .value()
            .to_string();
        let v: Value = res.json().await.unwrap();
        (v["access_token"].as_str().unwrap().to_string(), cookie)
    }

    /// A new session of an actor: (access token, session id).
    async fn new_session(&self, actor: usize) -> (String, Uuid) {
        let (token, _) = self.sign_in(LOGINS[actor]).await;
        let me = self.send(M::GET, "/me", Some(&token), None, None).await;
        (token, id_in(&me.body, "session_id"))
    }

    /// A new active invite of school A (teacher role): (id, code).
    async fn new_invite(&self) -> (Uuid, String) {
        let path = format!("/schools/{}/invites", self.school_a);
        let res = self
            .send(M::POST, &path, self.admin(), Some(INVITE), None)
            .await;
        assert_eq!(res.status, 201, "{}", res.body);
        let v: Value = serde_json::from_str(&res.body).unwrap();
        (
            v["id"].as_str().unwrap().parse().unwrap(),
            v["code"].as_str().unwrap().to_string(),
        )
    }

    /// A newly registered teacher account of school A.
    async fn new_account(&self, n: usize) -> Uuid {
        let (_, code) = self.new_invite().await;
        let body = json!({"invite_code": code, "login": format!("acc.{n}"), "password": PASSWORD})
            .to_string();
        let res = self
            .send(M::POST, "/auth/register", None, Some(&body), None)
            .await;
        assert_eq!(res.status, 201, "{}", res.body);
        id_in(&res.body, "account_id")
    }

    /// Runs one row as one actor.
    async fn run(&self, r: &Row, actor: usize) -> Answer {
        let n = self.counter.fetch_add(1, Ordering::Relaxed);
        let mut subs = self.subs(n);
        if r.body.contains("{yr}") || matches!(r.fix, Fix::FreshYear | Fix::FreshPeriod) {
            // A year of its own: years lie in 2000–2100 and must not overlap.
            let yr = 2030 + self.year_slots.fetch_add(1, Ordering::Relaxed);
            subs.retain(|(k, _)| !matches!(*k, "yr" | "yr1"));
            subs.push(("yr", yr.to_string()));
            subs.push(("yr1", (yr + 1).to_string()));
        }
        let mut token = self.tokens[actor].clone();
        let mut cookie = None;
        let anonymous = actor == ANONYMOUS;
        match r.fix {
            Fix::Plain | Fix::PasswordRoundTrip => {}
            Fix::FreshToken => {
                if !anonymous {
                    token = Some(self.new_session(actor).await.0);
                }
            }
            Fix::OtherSession => {
                let id = if anonymous {
                    Uuid::now_v7()
                } else {
                    self.new_session(actor).await.1
                };
                subs.push(("session", id.to_string()));
            }
            Fix::OwnApiToken => {
                let id = if anonymous {
                    Uuid::now_v7()
                } else {
                    let res = self
                        .send(
                            M::POST,
                            "/me/api-tokens",
                            token.as_deref(),
                            Some(&fill(API_TOKEN, &subs)),
                            None,
                        )
                        .await;
                    assert_eq!(res.status, 201, "{}", res.body);
                    id_in(&res.body, "id")
                };
                subs.push(("api_token", id.to_string()));
            }
            Fix::FreshInvite => {
                let (id, _) = self.new_invite().await;
                subs.push(("fresh_invite", id.to_string()));
            }
            Fix::FreshCode => {
                let (_, code) = self.new_invite().await;
                subs.push(("fresh_code", code));
            }
            Fix::FreshAccount => {
                let id = self.new_account(n).await;
                subs.push(("fresh_account", id.to_string()));
            }
            Fix::RefreshCookie => cookie = Some(self.sign_in(LOGINEE).await.1),
            Fix::FreshYear | Fix::FreshPeriod => {
                let path = format!("/schools/{}/academic-years", self.school_a);
                let year = self.admin_ok(M::POST, &path, &fill(NEW_YEAR, &subs)).await;
                subs.push(("fresh_year", id_in(&year, "id").to_string()));
                if r.fix == Fix::FreshPeriod {
                    let path = format!("/schools/{}/periods", self.school_a);
                    let period = self
                        .admin_ok(M::POST, &path, &fill(NEW_PERIOD, &subs))
                        .await;
                    subs.push(("fresh_period", id_in(&period, "id").to_string()));
                }
            }
            Fix::FreshSubject | Fix::FreshCourse => {
                let path = format!("/schools/{}/subjects", self.school_a);
                let subject = self
                    .admin_ok(M::POST, &path, &fill(NEW_SUBJECT, &subs))
                    .await;
                subs.push(("fresh_subject", id_in(&subject, "id").to_string()));
                if r.fix == Fix::FreshCourse {
                    let path = format!("/schools/{}/courses", self.school_a);
                    let course = self
                        .admin_ok(M::POST, &path, &fill(NEW_COURSE, &subs))
                        .await;
                    subs.push(("fresh_course", id_in(&course, "id").to_string()));
                }
            }
            Fix::FreshStudent | Fix::FreshEnrolled | Fix::FreshLink => {
                let a = self.school_a;
                let path = format!("/schools/{a}/persons");
                let student = id_in(
                    &self
                        .admin_ok(M::POST, &path, &fill(NEW_STUDENT, &subs))
                        .await,
                    "id",
                );
                if r.fix == Fix::FreshEnrolled {
                    let path = format!("/schools/{a}/students/{student}/arrive");
                    self.admin_ok(M::POST, &path, &fill(ARRIVE, &subs)).await;
                }
                if r.fix == Fix::FreshLink {
                    let parent = id_in(
                        &self
                            .admin_ok(M::POST, &path, &fill(NEW_PARENT, &subs))
                            .await,
                        "id",
                    );
                    let link = format!("/schools/{a}/persons/{student}/guardians");
                    let body = format!(r#"{{"parent_id":"{parent}"}}"#);
                    self.admin_ok(M::POST, &link, &body).await;
                    subs.push(("fresh_parent", parent.to_string()));
                }
                subs.push(("fresh_student", student.to_string()));
            }
            Fix::FreshBell => {
                let path = format!("/schools/{}/bell-schedules", self.school_a);
                let body = fill(
                    r#"{"name":"Удаляемая {n}","slots":[{"number":1,"starts_at":"15:00","ends_at":"15:45"}]}"#,
                    &subs,
                );
                let bell = self.admin_ok(M::POST, &path, &body).await;
                subs.push(("fresh_bell", id_in(&bell, "id").to_string()));
            }
            Fix::FreshHoliday => {
                let path = format!("/schools/{}/holidays", self.school_a);
                let holiday = self
                    .admin_ok(M::POST, &path, &fill(NEW_HOLIDAY, &subs))
                    .await;
                subs.push(("fresh_holiday", id_in(&holiday, "id").to_string()));
            }
            Fix::FreshEntrySlot | Fix::FreshEntry => {
                let (weekday, number) = self.entry_slot();
                subs.push(("slot_weekday", weekday));
                subs.push(("slot_number", number));
                if r.fix == Fix::FreshEntry {
                    let path = format!("/schools/{}/timetable", self.school_a);
                    let entry = self.admin_ok(M::POST, &path, &fill(NEW_ENTRY, &subs)).await;
                    subs.push(("fresh_entry", id_in(&entry, "id").to_string()));
                }
            }
            Fix::FreshSlot | Fix::FreshLesson | Fix::FreshSubstituted => {
                let (date, number) = self.lesson_slot();
                subs.push(("fresh_date", date));
                subs.push(("fresh_number", number));
                if r.fix != Fix::FreshSlot {
                    let a = self.school_a;
                    let lesson = self
                        .admin_ok(
                            M::POST,
                            &format!("/schools/{a}/lessons"),
                            &fill(NEW_EXTRA, &subs),
                        )
                        .await;
                    let lesson = id_in(&lesson, "id");
                    if r.fix == Fix::FreshSubstituted {
                        let path = format!("/schools/{a}/lessons/{lesson}/substitute");
                        self.admin_ok(M::PUT, &path, &fill(SUBSTITUTE, &subs)).await;
                    }
                    subs.push(("fresh_lesson", lesson.to_string()));
                }
            }
            Fix::FreshAbsence => {
                let path = format!("/schools/{}/teacher-absences", self.school_a);
                let absence = self.admin_ok(M::POST, &path, &fill(ABSENCE, &subs)).await;
                subs.push(("fresh_absence", id_in(&absence, "id").to_string()));
            }
            Fix::FreshReopening => {
                let path = format!(
                    "/schools/{}/courses/{}/reopenings",
                    self.school_a, self.course
                );
                let body = fill(
                    r#"{"term":"quarter_1","until":"2026-11-10","reason":"проверка {n}"}"#,
                    &subs,
                );
                let made = self.admin_ok(M::POST, &path, &body).await;
                subs.push(("fresh_reopening", id_in(&made, "id").to_string()));
            }
            Fix::FreshScale | Fix::FreshWorkType | Fix::FreshAttendanceCode | Fix::FreshWork => {
                let (path, body, key) = match r.fix {
                    Fix::FreshScale => ("/schools/{A}/mark-scales", NEW_SCALE, "fresh_scale"),
                    Fix::FreshWorkType => {
                        ("/schools/{A}/work-types", NEW_WORK_TYPE, "fresh_work_type")
                    }
                    Fix::FreshAttendanceCode => (
                        "/schools/{A}/attendance-codes",
                        NEW_CODE,
                        "fresh_attendance_code",
                    ),
                    _ => (
                        "/schools/{A}/lessons/{lesson}/works",
                        NEW_WORK,
                        "fresh_work",
                    ),
                };
                let made = self
                    .admin_ok(M::POST, &fill(path, &subs), &fill(body, &subs))
                    .await;
                subs.push((key, id_in(&made, "id").to_string()));
            }
        }
        let path = fill(r.path, &subs);
        let body = (!r.body.is_empty()).then(|| fill(r.body, &subs));
        let ans = self
            .send(
                r.method.clone(),
                &path,
                token.as_deref(),
                body.as_deref(),
                cookie.as_deref(),
            )
            .await;
        if r.fix == Fix::PasswordRoundTrip && ans.status == 204 {
            let back = json!({"current_password": NEW_PASSWORD, "new_password": PASSWORD});
            let res = self
                .send(
                    M::POST,
                    "/me/password",
                    token.as_deref(),
                    Some(&back.to_string()),
                    None,
                )
                .await;
            assert_eq!(res.status, 204, "password back: {}", res.body);
        }
        ans
    }
}

async fn answer(res: reqwest::Response) -> Answer {
    let status = res.status().as_u16();
    let problem = res
        .headers()
        .get("content-type")
        .is_some_and(|v| v.as_bytes().starts_with(b"application/problem+json"));
    let body = res.text().await.unwrap_or_default();
    let code = problem
        .then(|| serde_json::from_str::<Value>(&body).ok())
        .flatten()
        .and_then(|v| v["code"].as_str().map(str::to_string));
    Answer { status, code, body }
}

fn id_in(body: &str, field: &str) -> Uuid {
    let v: Value = serde_json::from_str(body).unwrap();
    v[field]
        .as_str()
        .unwrap_or_else(|| panic!("no {field} in {body}"))
        .parse()
        .unwrap()
}

/// `n` written with letters (`0` → `А`, `12` → `БВ`): a class letter of its own per request.
fn letters(n: usize) -> String {
    const L: [char; 10] = ['А', 'Б', 'В', 'Г', 'Д', 'Е', 'Ж', 'З', 'И', 'К'];
    n.to_string()
        .chars()
        .map(|d| L[d.to_digit(10).unwrap() as usize])
        .collect()
}

/// Replaces every `{name}` of `subs` in a template.
fn fill(template: &str, subs: &[(&str, String)]) -> String {
    subs.iter().fold(template.to_string(), |s, (k, v)| {
        s.replace(&format!("{{{k}}}"), v)
    })
}

/// A path with every `{parameter}` segment as `{}`: `/schools/{}/persons/{}`.
fn shape(path: &str) -> String {
    let path = path.split('?').next().unwrap_or(path);
    path.split('/')
        .map(|s| if s.starts_with('{') { "{}" } else { s })
        .collect::<Vec<_>>()
        .join("/")
}

/// Every operation of an OpenAPI document as `METHOD /shape` (paths without `/api/v1`).
fn spec_endpoints(spec: &Value) -> BTreeSet<String> {
    const METHODS: [&str; 8] = [
        "get", "put", "post", "delete", "patch", "head", "options", "trace",
    ];
    let mut out = BTreeSet::new();
    for (path, item) in spec["paths"].as_object().into_iter().flatten() {
        let path = path.strip_prefix("/api/v1").unwrap_or(path);
        for m in METHODS {
            if item.get(m).is_some() {
                out.insert(format!("{} {}", m.to_uppercase(), shape(path)));
            }
        }
    }
    out
}

fn table_endpoints(rows: &[Row]) -> BTreeSet<String> {
    rows.iter()
        .map(|r| format!("{} {}", r.method, shape(r.path)))
        .collect()
}

/// The operations of the document that have no row in the table.
fn missing_rows(spec: &Value, rows: &[Row]) -> Vec<String> {
    spec_endpoints(spec)
        .difference(&table_endpoints(rows))
        .cloned()
        .collect()
}

async fn every_endpoint_answers_every_actor_as_the_matrix_says(app: TestApp) {
    let w = World::build(&app).await;
    let mut mismatches = Vec::new();
    for r in table() {
        for (actor, name) in ACTORS.iter().enumerate() {
            let got = w.run(&r, actor).await;
            let want = r.expect[actor];
            let want_code = code_of(want);
            if got.status != want || (want_code.is_some() && got.code.as_deref() != want_code) {
                let want = match want_code {
                    Some(code) => format!("{want} {code}"),
                    None => want.to_string(),
                };
                mismatches.push(format!(
                    "{} {} as {name}: expected {want}, got {} {}",
                    r.method,
                    r.path,
                    got.status,
                    got.body.chars().take(300).collect::<String>()
                ));
            }
        }
    }
    assert!(
        mismatches.is_empty(),
        "{} cells of the authorization matrix differ:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
    // The world is intact after every row: the actors' own tokens still work.
    for (actor, name) in ACTORS.iter().enumerate().skip(1) {
        let me = w.send(M::GET, "/me", w.token(actor), None, None).await;
        assert_eq!(me.status, 200, "{name}: {}", me.body);
    }
}

#[tokio::test]
async fn every_served_endpoint_has_a_row_in_the_matrix() {
    let app = spawn(Db::Sqlite).await;
    let spec: Value = app.get("/openapi.json", None).await.json().await.unwrap();
    let missing = missing_rows(&spec, &table());
    assert!(
        missing.is_empty(),
        "endpoints with no row in the authorization matrix (add them to matrix::table): {missing:?}"
    );
    let served = spec_endpoints(&spec);
    let stale: Vec<String> = table_endpoints(&table())
        .difference(&served)
        .cloned()
        .collect();
    assert!(
        stale.is_empty(),
        "rows for endpoints the server does not serve: {stale:?}"
    );
}

#[test]
fn the_coverage_check_names_endpoints_missing_from_the_table() {
    let spec = json!({"paths": {
        "/api/v1/health": {"get": {}},
        "/api/v1/schools/{school_id}": {"get": {}, "delete": {}, "parameters": []},
        "/api/v1/schools/{school_id}/widgets/{widget_id}": {"get": {}},
    }});
    assert_eq!(
        missing_rows(&spec, &table()),
        vec![
            "DELETE /schools/{}".to_string(),
            "GET /schools/{}/widgets/{}".to_string()
        ]
    );
}

/// Every path that names an object of school A, with the body a write to it carries. The last
/// ones put A's ids under school B, where the stranger *is* an admin: still 404 (their bodies
/// name B's own objects, so only the id in the path is foreign).
const IDS_OF_A: [(&str, &str); 146] = [
    ("/schools/{A}", ""),
    ("/schools/{A}/invites", INVITE),
    ("/schools/{A}/invites/{invite}", ""),
    ("/schools/{A}/persons", PERSON),
    ("/schools/{A}/persons/{person}", PERSON),
    ("/schools/{A}/persons/{own_person}", PERSON),
    ("/schools/{A}/accounts", ""),
    ("/schools/{A}/accounts/{account}", ROLES),
    ("/schools/{A}/audit", ""),
    ("/schools/{A}/settings", SETTINGS),
    ("/schools/{A}/academic-years", FAR_YEAR),
    ("/schools/{A}/academic-years/{year}", FAR_YEAR),
    ("/schools/{A}/periods", PERIOD_A),
    ("/schools/{A}/periods/{period}", PERIOD_A),
    ("/schools/{A}/subjects", SUBJECT_A),
    ("/schools/{A}/subjects/{subject}", SUBJECT_A),
    ("/schools/{A}/classes", CLASS_PLAIN),
    ("/schools/{A}/classes/{class}", CLASS_PLAIN),
    ("/schools/{A}/classes/{class}/groups", GROUP),
    ("/schools/{A}/classes/{class}/students", ""),
    ("/schools/{A}/classes/{class}/invite-sheet", ""),
    ("/schools/{A}/courses", COURSE_A),
    ("/schools/{A}/courses/{course}", COURSE_A),
    ("/schools/{A}/persons/{own_person}/enrollments", ""),
    ("/schools/{A}/persons/{own_person}/guardians", LINK),
    (
        "/schools/{A}/persons/{own_person}/guardians/{parent_person}",
        "",
    ),
    ("/schools/{A}/students/{own_person}/arrive", ARRIVE),
    ("/schools/{A}/students/{own_person}/transfer", TRANSFER),
    ("/schools/{A}/students/{own_person}/withdraw", WITHDRAW),
    ("/schools/{A}/enrollments/{enrollment}", CORRECT),
    ("/schools/{A}/import/{kind}", IMPORT),
    ("/schools/{A}/bell-schedules", NEW_BELL),
    ("/schools/{A}/bell-schedules/{bell}", BELL_A),
    ("/schools/{A}/holidays", HOLIDAY_A),
    ("/schools/{A}/holidays/{holiday}", HOLIDAY_A),
    ("/schools/{A}/timetable", ENTRY_A),
    ("/schools/{A}/timetable/{entry}", ENTRY_A),
    ("/schools/{A}/timetable/check", CHECK_ENTRY),
    ("/schools/{A}/lessons", EXTRA_A),
    ("/schools/{A}/lessons/generate", GENERATE),
    ("/schools/{A}/lessons/{lesson}", ""),
    ("/schools/{A}/lessons/{lesson}/cancel", CANCEL),
    ("/schools/{A}/lessons/{lesson}/restore", ""),
    ("/schools/{A}/lessons/{lesson}/move", MOVE_A),
    ("/schools/{A}/lessons/{lesson}/acknowledge", ""),
    ("/schools/{A}/lessons/{lesson}/substitute", SUBSTITUTE),
    ("/schools/{A}/lessons/{lesson}/free-teachers", ""),
    ("/schools/{A}/lessons/{lesson}/content", CONTENT),
    ("/schools/{A}/teacher-absences", ABSENCE),
    ("/schools/{A}/teacher-absences/{absence}", ""),
    ("/schools/{A}/teacher-absences/{absence}/lessons", ""),
    ("/schools/{A}/schedule?teacher_id={teacher_person}", ""),
    ("/schools/{A}/mark-settings", ""),
    ("/schools/{A}/mark-scales", NEW_SCALE),
    ("/schools/{A}/mark-scales/{scale}", SCALE_A),
    ("/schools/{A}/work-types", NEW_WORK_TYPE),
    ("/schools/{A}/work-types/{work_type}", WORK_TYPE_A),
    ("/schools/{A}/attendance-codes", NEW_CODE),
    ("/schools/{A}/attendance-codes/{attendance_code}", CODE_A),
    ("/schools/{A}/courses/{course}/journal", BATCH_A),
    ("/schools/{A}/works/{work}/marks/{own_person}", MARK),
    (
        "/schools/{A}/lessons/{lesson}/attendance/{own_person}",
        ATTENDANCE,
    ),
    ("/schools/{A}/lessons/{lesson}/works", NEW_WORK),
    ("/schools/{A}/works/{work}", WORK_CHANGE),
    ("/schools/{A}/students/{own_person}/diary", ""),
    ("/schools/{A}/students/{own_person}/marks", ""),
    ("/schools/{A}/students/{own_person}/recent-marks", ""),
    ("/schools/{A}/classes/{class}/summary", ""),
    ("/schools/{A}/courses/{course}/final-marks", FINAL_MARKS_A),
    ("/schools/{A}/courses/{course}/reopenings", REOPEN_A),
    ("/schools/{A}/reopenings/{reopening}", ""),
    ("/schools/{A}/final-marks/closing", ""),
    ("/schools/{A}/students/{own_person}/report-card", ""),
    ("/schools/{A}/students/{own_person}/report-card.csv", ""),
    ("/schools/{A}/classes/{class}/report-cards", ""),
    ("/schools/{A}/classes/{class}/report-cards.csv", ""),
    ("/schools/{A}/reports/quality", ""),
    ("/schools/{A}/reports/quality.csv", ""),
    ("/schools/{A}/reports/quality.xlsx", ""),
    ("/schools/{A}/reports/attendance", ""),
    ("/schools/{A}/reports/attendance.csv", ""),
    ("/schools/{A}/reports/attendance.xlsx", ""),
    ("/schools/{A}/reports/journal-control", ""),
    ("/schools/{A}/reports/journal-control.csv", ""),
    ("/schools/{A}/reports/journal-control.xlsx", ""),
    ("/schools/{A}/reports/journal-control/courses/{course}", ""),
    ("/schools/{A}/reports/activity", ""),
    ("/schools/{A}/reports/activity.csv", ""),
    ("/schools/{A}/reports/activity.xlsx", ""),
    ("/schools/{A}/reports/activity/users?role=student", ""),
    ("/schools/{A}/lessons/{lesson}/attendance-taken", ""),
    ("/schools/{B}/invites/{invite}", ""),
    ("/schools/{B}/persons/{person}", PERSON),
    ("/schools/{B}/persons/{own_person}", PERSON),
    ("/schools/{B}/accounts/{account}", ROLES),
    ("/schools/{B}/academic-years/{year}", FAR_YEAR),
    ("/schools/{B}/periods/{period}", PERIOD_B),
    ("/schools/{B}/subjects/{subject}", SUBJECT_OTHER),
    ("/schools/{B}/classes/{class}", CLASS_PLAIN),
    ("/schools/{B}/classes/{class}/groups", GROUP),
    ("/schools/{B}/classes/{class}/students", ""),
    ("/schools/{B}/classes/{class}/invite-sheet", ""),
    ("/schools/{B}/courses/{course}", COURSE_B),
    ("/schools/{B}/persons/{own_person}/enrollments", ""),
    ("/schools/{B}/persons/{own_person}/guardians", LINK),
    (
        "/schools/{B}/persons/{own_person}/guardians/{parent_person}",
        "",
    ),
    ("/schools/{B}/enrollments/{enrollment}", CORRECT),
    ("/schools/{B}/bell-schedules/{bell}", BELL_A),
    ("/schools/{B}/holidays/{holiday}", HOLIDAY_A),
    ("/schools/{B}/timetable/{entry}", ENTRY_B),
    ("/schools/{B}/lessons/{lesson}", ""),
    ("/schools/{B}/lessons/{lesson}/cancel", CANCEL),
    ("/schools/{B}/lessons/{lesson}/restore", ""),
    ("/schools/{B}/lessons/{lesson}/move", MOVE_A),
    ("/schools/{B}/lessons/{lesson}/acknowledge", ""),
    ("/schools/{B}/lessons/{lesson}/substitute", SUBSTITUTE_B),
    ("/schools/{B}/lessons/{lesson}/free-teachers", ""),
    ("/schools/{B}/lessons/{lesson}/content", CONTENT),
    ("/schools/{B}/teacher-absences/{absence}", ""),
    ("/schools/{B}/teacher-absences/{absence}/lessons", ""),
    ("/schools/{B}/schedule?teacher_id={teacher_person}", ""),
    ("/schools/{B}/schedule?class_id={class}", ""),
    ("/schools/{B}/schedule?student_id={own_person}", ""),
    ("/schools/{B}/mark-scales/{scale}", SCALE_A),
    ("/schools/{B}/work-types/{work_type}", WORK_TYPE_A),
    ("/schools/{B}/attendance-codes/{attendance_code}", CODE_A),
    ("/schools/{B}/courses/{course}/journal", BATCH_A),
    ("/schools/{B}/works/{work}/marks/{own_person}", MARK),
    (
        "/schools/{B}/lessons/{lesson}/attendance/{own_person}",
        ATTENDANCE,
    ),
    ("/schools/{B}/lessons/{lesson}/works", NEW_WORK),
    ("/schools/{B}/works/{work}", WORK_CHANGE),
    ("/schools/{B}/students/{own_person}/diary", ""),
    ("/schools/{B}/students/{own_person}/marks", ""),
    ("/schools/{B}/students/{own_person}/recent-marks", ""),
    ("/schools/{B}/classes/{class}/summary", ""),
    ("/schools/{B}/courses/{course}/final-marks", FINAL_MARKS_A),
    ("/schools/{B}/courses/{course}/reopenings", REOPEN_A),
    ("/schools/{B}/reopenings/{reopening}", ""),
    ("/schools/{B}/students/{own_person}/report-card", ""),
    ("/schools/{B}/students/{own_person}/report-card.csv", ""),
    ("/schools/{B}/classes/{class}/report-cards", ""),
    ("/schools/{B}/classes/{class}/report-cards.csv", ""),
    ("/schools/{B}/reports/quality?class_id={class}", ""),
    ("/schools/{B}/reports/attendance?class_id={class}", ""),
    ("/schools/{B}/reports/journal-control/courses/{course}", ""),
    ("/schools/{B}/lessons/{lesson}/attendance-taken", ""),
];

/// The students' roster moves under school B (A's student, B's class in the body).
const ROSTER_MOVES_UNDER_B: [(&str, &str); 3] = [
    (
        "/schools/{B}/students/{own_person}/arrive",
        r#"{"class_id":"{b_class}","date":"2026-09-01"}"#,
    ),
    (
        "/schools/{B}/students/{own_person}/transfer",
        r#"{"class_id":"{b_class}","date":"2026-10-01"}"#,
    ),
    ("/schools/{B}/students/{own_person}/withdraw", WITHDRAW),
];

async fn other_school_admin_gets_404_for_every_id_of_school_a(app: TestApp) {
    let w = World::build(&app).await;
    let spec: Value = app.get("/openapi.json", None).await.json().await.unwrap();
    let routed = spec_endpoints(&spec);
    let stranger = w.token(OTHER_SCHOOL_ADMIN);
    let real = w.subs(0);
    // The same paths with unknown ids: the answers must not tell the two apart.
    let random: Vec<(&str, String)> = real
        .iter()
        .map(|(k, v)| match *k {
            "A"
            | "person"
            | "own_person"
            | "invite"
            | "account"
            | "year"
            | "period"
            | "subject"
            | "class"
            | "class2"
            | "group"
            | "course"
            | "enrollment"
            | "teacher_person"
            | "parent_person"
            | "other_teacher_person"
            | "bell"
            | "holiday"
            | "entry"
            | "lesson"
            | "absence"
            | "sub_lesson"
            | "course2"
            | "scale"
            | "work_type"
            | "attendance_code"
            | "work"
            | "reopening" => (*k, Uuid::now_v7().to_string()),
            _ => (*k, v.clone()),
        })
        .collect();
    let mut mismatches = Vec::new();
    for (path, body) in IDS_OF_A.into_iter().chain(ROSTER_MOVES_UNDER_B) {
        for method in [M::GET, M::POST, M::PUT, M::PATCH, M::DELETE] {
            let endpoint = format!("{method} {}", shape(path));
            let (want, want_code) = if routed.contains(&endpoint) {
                (404, "not_found")
            } else {
                // Also `PUT …/timetable/check`, which reaches `PUT …/timetable/{entry_id}`: the
                // literal route exists for other methods, so 405 with `Allow`, not a bad id.
                (405, "method_not_allowed")
            };
            let body = (!body.is_empty()).then(|| fill(body, &real));
            let got = w
                .send(
                    method.clone(),
                    &fill(path, &real),
                    stranger,
                    body.as_deref(),
                    None,
                )
                .await;
            if got.status != want || got.code.as_deref() != Some(want_code) {
                mismatches.push(format!(
                    "{endpoint} ({path}): expected {want} {want_code}, got {} {}",
                    got.status, got.body
                ));
            }
            let unknown = w
                .send(
                    method.clone(),
                    &fill(path, &random),
                    stranger,
                    body.as_deref(),
                    None,
                )
                .await;
            if unknown.status != got.status || unknown.body != got.body {
                mismatches.push(format!(
                    "{endpoint} ({path}): A's ids answer {} {}, unknown ids {} {}",
                    got.status, got.body, unknown.status, unknown.body
                ));
            }
        }
    }
    // Creating an invite in B for A's person is refused the same way.
    let body = json!({"person_id": w.person, "role": "teacher"}).to_string();
    let res = w
        .send(
            M::POST,
            &format!("/schools/{}/invites", w.school_b),
            stranger,
            Some(&body),
            None,
        )
        .await;
    if (res.status, res.code.as_deref()) != (404, Some("not_found")) {
        mismatches.push(format!(
            "POST /schools/{{B}}/invites with A's person_id: expected 404 not_found, got {} {}",
            res.status, res.body
        ));
    }
    assert!(
        mismatches.is_empty(),
        "the other school's admin learned something about school A:\n{}",
        mismatches.join("\n")
    );

    // Nothing of A changed: the invite is active, the teacher's account keeps its role.
    let a = w.school_a;
    let list = w
        .send(
            M::GET,
            &format!("/schools/{a}/invites?state=active"),
            w.admin(),
            None,
            None,
        )
        .await;
    let invites: Vec<Value> = serde_json::from_str(&list.body).unwrap();
    assert!(
        invites.iter().any(|i| i["id"] == w.invite.to_string()),
        "{}",
        list.body
    );
    let accounts = w
        .send(
            M::GET,
            &format!("/schools/{a}/accounts"),
            w.admin(),
            None,
            None,
        )
        .await;
    let accounts: Vec<Value> = serde_json::from_str(&accounts.body).unwrap();
    let teacher = accounts
        .iter()
        .find(|x| x["account_id"] == w.account.to_string())
        .unwrap();
    assert_eq!(teacher["roles"], json!(["teacher"]));
    assert_eq!(teacher["is_active"], true);
    // A's roster and structure are as they were.
    let history = w
        .send(
            M::GET,
            &format!("/schools/{a}/persons/{}/enrollments", w.own_person),
            w.admin(),
            None,
            None,
        )
        .await;
    let history: Value = serde_json::from_str(&history.body).unwrap();
    assert_eq!(history.as_array().unwrap().len(), 1, "{history}");
    assert_eq!(history[0]["id"], w.enrollment.to_string());
    assert_eq!(history[0]["starts_on"], "2026-09-01");
    assert_eq!(history[0]["ends_on"], Value::Null);
    let links = w
        .send(
            M::GET,
            &format!("/schools/{a}/persons/{}/guardians", w.own_person),
            w.admin(),
            None,
            None,
        )
        .await;
    let links: Value = serde_json::from_str(&links.body).unwrap();
    assert_eq!(links.as_array().unwrap().len(), 1, "{links}");
    let courses = w
        .send(
            M::GET,
            &format!("/schools/{a}/courses"),
            w.admin(),
            None,
            None,
        )
        .await;
    let courses: Value = serde_json::from_str(&courses.body).unwrap();
    let ids: BTreeSet<&str> = courses
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    let want = [w.course.to_string(), w.course2.to_string()];
    assert_eq!(ids, want.iter().map(String::as_str).collect(), "{courses}");
    let subjects = w
        .send(
            M::GET,
            &format!("/schools/{a}/subjects"),
            w.admin(),
            None,
            None,
        )
        .await;
    let subjects: Value = serde_json::from_str(&subjects.body).unwrap();
    assert_eq!(subjects.as_array().unwrap().len(), 1, "{subjects}");
    // A's timetable is as it was: the entry, the lesson (scheduled, no substitute, no topic),
    // the absence, the bells and the holiday.
    let entries = w
        .send(
            M::GET,
            &format!("/schools/{a}/timetable"),
            w.admin(),
            None,
            None,
        )
        .await;
    let entries: Value = serde_json::from_str(&entries.body).unwrap();
    assert_eq!(entries.as_array().unwrap().len(), 1, "{entries}");
    assert_eq!(entries[0]["id"], w.entry.to_string());
    assert_eq!(entries[0]["valid_to"], "2026-10-24");
    let lesson = w
        .send(
            M::GET,
            &format!("/schools/{a}/lessons/{}", w.lesson),
            w.admin(),
            None,
            None,
        )
        .await;
    let lesson: Value = serde_json::from_str(&lesson.body).unwrap();
    assert_eq!(lesson["status"], "scheduled", "{lesson}");
    assert_eq!(lesson["substitute_id"], Value::Null);
    assert_eq!(lesson["topic"], Value::Null);
    assert_eq!(lesson["date"], "2026-09-07");
    let absences = w
        .send(
            M::GET,
            &format!("/schools/{a}/teacher-absences"),
            w.admin(),
            None,
            None,
        )
        .await;
    let absences: Value = serde_json::from_str(&absences.body).unwrap();
    assert_eq!(absences.as_array().unwrap().len(), 1, "{absences}");
    for (path, id) in [("bell-schedules", w.bell), ("holidays", w.holiday)] {
        let list = w
            .send(
                M::GET,
                &format!("/schools/{a}/{path}"),
                w.admin(),
                None,
                None,
            )
            .await;
        let list: Value = serde_json::from_str(&list.body).unwrap();
        assert_eq!(list.as_array().unwrap().len(), 1, "{list}");
        assert_eq!(list[0]["id"], id.to_string());
    }
    // A's journal is as it was: the work of the lesson with the student's 5 (version 1), no
    // attendance; the mark settings keep their scales, work types and codes.
    let journal = w
        .send(
            M::GET,
            &format!(
                "/schools/{a}/courses/{}/journal?period_id={}",
                w.course, w.period
            ),
            w.admin(),
            None,
            None,
        )
        .await;
    let journal: Value = serde_json::from_str(&journal.body).unwrap();
    let marks = journal["marks"].as_array().unwrap();
    assert_eq!(marks.len(), 1, "{journal}");
    assert_eq!(
        (
            &marks[0]["work_id"],
            &marks[0]["student_id"],
            &marks[0]["value"],
            &marks[0]["version"]
        ),
        (&json!(w.work), &json!(w.own_person), &json!("5"), &json!(1))
    );
    assert_eq!(journal["attendance"], json!([]));
    let works: Vec<&Value> = journal["lessons"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|l| l["works"].as_array().unwrap())
        .collect();
    assert_eq!(works.len(), 1, "{journal}");
    assert_eq!(works[0]["id"], json!(w.work));
    assert_eq!(works[0]["weight"], 2.0);
    assert_eq!(works[0]["version"], 1);
    let settings = w
        .send(
            M::GET,
            &format!("/schools/{a}/mark-settings"),
            w.admin(),
            None,
            None,
        )
        .await;
    let settings: Value = serde_json::from_str(&settings.body).unwrap();
    assert_eq!(
        settings["scales"].as_array().unwrap().len(),
        2,
        "{settings}"
    );
    assert_eq!(settings["work_types"].as_array().unwrap().len(), 6);
    assert_eq!(settings["attendance_codes"].as_array().unwrap().len(), 4);
    // And B gained no persons or invites of A's.
    let b_invites = w
        .send(
            M::GET,
            &format!("/schools/{}/invites", w.school_b),
            stranger,
            None,
            None,
        )
        .await;
    let b_invites: Vec<Value> = serde_json::from_str(&b_invites.body).unwrap();
    assert_eq!(b_invites.len(), 1, "only B's first admin invite");
}
