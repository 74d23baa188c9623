//! API calls of the timetable administration pages: bell schedules, the calendar, the weekly
//! timetable and its conflict check, lessons (cancel, move, extra, substitute) and teacher
//! absences. Same conventions as [`crate::api`], whose request helpers these use.

use chrono::NaiveDate;
use gloo_net::http::Method;
use otmetka_domain::person::{Person, PersonKind};
use otmetka_domain::structure::Course;
use otmetka_domain::timetable::{
    BellSchedule, BellScheduleInput, CancelLessonInput, ExtraLessonInput, FreeTeacher, Holiday,
    HolidayInput, Lesson, MoveLessonInput, SubstituteInput, TeacherAbsence, TeacherAbsenceInput,
    TimetableCheck, TimetableCheckInput, TimetableEntry, TimetableEntryInput,
};
use uuid::Uuid;

use crate::api::{
    self, ApiError, ListPage, delete, delete_json, get_json, get_list, post_empty, send_json,
};
use crate::auth::Auth;
use crate::paging::query_string;

/// `GET …/bell-schedules`.
pub async fn bell_schedules(auth: Auth, school_id: Uuid) -> Result<Vec<BellSchedule>, ApiError> {
    get_json(auth, school_id, "/bell-schedules").await
}

/// `POST …/bell-schedules` (no id) or `PUT …/bell-schedules/{id}`. Errors: 409 (name taken), 422.
pub async fn save_bell_schedule(
    auth: Auth,
    school_id: Uuid,
    id: Option<Uuid>,
    body: &BellScheduleInput,
) -> Result<BellSchedule, ApiError> {
    match id {
        Some(id) => {
            let rest = format!("/bell-schedules/{id}");
            send_json(auth, Method::PUT, school_id, &rest, body).await
        }
        None => send_json(auth, Method::POST, school_id, "/bell-schedules", body).await,
    }
}

/// `DELETE …/bell-schedules/{id}` → 204.
pub async fn delete_bell_schedule(auth: Auth, school_id: Uuid, id: Uuid) -> Result<(), ApiError> {
    delete(auth, school_id, &format!("/bell-schedules/{id}")).await
}

/// `GET …/holidays?academic_year_id=`, by first day.
pub async fn holidays(
    auth: Auth,
    school_id: Uuid,
    year_id: Uuid,
) -> Result<Vec<Holiday>, ApiError> {
    get_json(
        auth,
        school_id,
        &format!("/holidays?academic_year_id={year_id}"),
    )
    .await
}

/// `POST …/holidays` (no id) or `PUT …/holidays/{id}`.
pub async fn save_holiday(
    auth: Auth,
    school_id: Uuid,
    id: Option<Uuid>,
    body: &HolidayInput,
) -> Result<Holiday, ApiError> {
    match id {
        Some(id) => {
            let rest = format!("/holidays/{id}");
            send_json(auth, Method::PUT, school_id, &rest, body).await
        }
        None => send_json(auth, Method::POST, school_id, "/holidays", body).await,
    }
}

/// `DELETE …/holidays/{id}` → 204.
pub async fn delete_holiday(auth: Auth, school_id: Uuid, id: Uuid) -> Result<(), ApiError> {
    delete(auth, school_id, &format!("/holidays/{id}")).await
}

/// Whose timetable to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Whose {
    Class(Uuid),
    Teacher(Uuid),
}

/// `GET …/timetable?class_id=|teacher_id=&on=`: the entries valid on `on` (every entry without
/// it).
pub async fn timetable(
    auth: Auth,
    school_id: Uuid,
    whose: Whose,
    on: Option<NaiveDate>,
) -> Result<Vec<TimetableEntry>, ApiError> {
    let (class_id, teacher_id) = match whose {
        Whose::Class(id) => (Some(id.to_string()), None),
        Whose::Teacher(id) => (None, Some(id.to_string())),
    };
    let query = query_string(&[
        ("class_id", class_id),
        ("teacher_id", teacher_id),
        ("on", on.map(|d| d.to_string())),
    ]);
    get_json(auth, school_id, &format!("/timetable{query}")).await
}

/// `POST …/timetable` (no id) or `PUT …/timetable/{id}`. Errors: `409 timetable_conflict` with
/// the collisions in `Problem.conflicts`, 422.
pub async fn save_entry(
    auth: Auth,
    school_id: Uuid,
    id: Option<Uuid>,
    body: &TimetableEntryInput,
) -> Result<TimetableEntry, ApiError> {
    match id {
        Some(id) => {
            let rest = format!("/timetable/{id}");
            send_json(auth, Method::PUT, school_id, &rest, body).await
        }
        None => send_json(auth, Method::POST, school_id, "/timetable", body).await,
    }
}

/// `DELETE …/timetable/{id}?from=`: the entry ends the day before `from` (default today).
pub async fn delete_entry(
    auth: Auth,
    school_id: Uuid,
    id: Uuid,
    from: Option<NaiveDate>,
) -> Result<(), ApiError> {
    let query = query_string(&[("from", from.map(|d| d.to_string()))]);
    delete(auth, school_id, &format!("/timetable/{id}{query}")).await
}

/// `POST …/timetable/check`: the collisions of a candidate entry; nothing is saved.
pub async fn check_entry(
    auth: Auth,
    school_id: Uuid,
    body: &TimetableCheckInput,
) -> Result<TimetableCheck, ApiError> {
    send_json(auth, Method::POST, school_id, "/timetable/check", body).await
}

/// `GET …/courses?teacher_id=` of the current year.
pub async fn teacher_courses(
    auth: Auth,
    school_id: Uuid,
    teacher_id: Uuid,
) -> Result<Vec<Course>, ApiError> {
    get_json(
        auth,
        school_id,
        &format!("/courses?teacher_id={teacher_id}"),
    )
    .await
}

/// The school's staff (teachers to choose from), at most 500.
pub async fn staff(auth: Auth, school_id: Uuid) -> Result<Vec<Person>, ApiError> {
    api::persons(auth, school_id, Some(PersonKind::Staff), None, 500, 0)
        .await
        .map(|page| page.items)
}

/// Filters of the lesson list.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LessonQuery {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub course_id: Option<Uuid>,
    pub teacher_id: Option<Uuid>,
    pub needs_review: bool,
    pub limit: u64,
    pub offset: u64,
}

/// The query string of a lesson list.
pub fn lesson_query(q: &LessonQuery) -> String {
    query_string(&[
        ("from", q.from.map(|d| d.to_string())),
        ("to", q.to.map(|d| d.to_string())),
        ("course_id", q.course_id.map(|d| d.to_string())),
        ("teacher_id", q.teacher_id.map(|d| d.to_string())),
        ("needs_review", q.needs_review.then(|| "true".to_string())),
        ("limit", (q.limit > 0).then(|| q.limit.to_string())),
        ("offset", (q.offset > 0).then(|| q.offset.to_string())),
    ])
}

/// `GET …/lessons?…` with the total from `X-Total-Count` (admin, principal).
pub async fn lessons(
    auth: Auth,
    school_id: Uuid,
    q: LessonQuery,
) -> Result<ListPage<Lesson>, ApiError> {
    let rest = format!("/lessons{}", lesson_query(&q));
    get_list(auth, school_id, &rest, q.offset).await
}

/// `POST …/lessons`: an extra lesson. Errors: 409 `timetable_conflict`, 422 `not_a_school_day`.
pub async fn extra_lesson(
    auth: Auth,
    school_id: Uuid,
    body: &ExtraLessonInput,
) -> Result<Lesson, ApiError> {
    send_json(auth, Method::POST, school_id, "/lessons", body).await
}

/// `POST …/lessons/{id}/cancel`.
pub async fn cancel_lesson(
    auth: Auth,
    school_id: Uuid,
    id: Uuid,
    body: &CancelLessonInput,
) -> Result<Lesson, ApiError> {
    let rest = format!("/lessons/{id}/cancel");
    send_json(auth, Method::POST, school_id, &rest, body).await
}

/// `POST …/lessons/{id}/restore`: undoes a cancel.
pub async fn restore_lesson(auth: Auth, school_id: Uuid, id: Uuid) -> Result<Lesson, ApiError> {
    post_empty(auth, school_id, &format!("/lessons/{id}/restore")).await
}

/// `POST …/lessons/{id}/move`. Errors: 409 `timetable_conflict`, 422 `not_a_school_day`.
pub async fn move_lesson(
    auth: Auth,
    school_id: Uuid,
    id: Uuid,
    body: &MoveLessonInput,
) -> Result<Lesson, ApiError> {
    let rest = format!("/lessons/{id}/move");
    send_json(auth, Method::POST, school_id, &rest, body).await
}

/// `POST …/lessons/{id}/acknowledge`: clears `needs_review`.
pub async fn acknowledge_lesson(auth: Auth, school_id: Uuid, id: Uuid) -> Result<Lesson, ApiError> {
    post_empty(auth, school_id, &format!("/lessons/{id}/acknowledge")).await
}

/// `DELETE …/lessons/{id}` → 204. Errors: 409 `lesson_has_data`.
pub async fn delete_lesson(auth: Auth, school_id: Uuid, id: Uuid) -> Result<(), ApiError> {
    delete(auth, school_id, &format!("/lessons/{id}")).await
}

/// `PUT …/lessons/{id}/substitute`. Errors: 409 `timetable_conflict` (the teacher is busy).
pub async fn set_substitute(
    auth: Auth,
    school_id: Uuid,
    id: Uuid,
    teacher_id: Uuid,
) -> Result<Lesson, ApiError> {
    let rest = format!("/lessons/{id}/substitute");
    send_json(
        auth,
        Method::PUT,
        school_id,
        &rest,
        &SubstituteInput { teacher_id },
    )
    .await
}

/// `GET …/lessons/{id}/free-teachers`: the teachers who could substitute the lesson (not
/// teaching the course, not absent that day, not busy then), by name.
pub async fn free_teachers(
    auth: Auth,
    school_id: Uuid,
    id: Uuid,
) -> Result<Vec<FreeTeacher>, ApiError> {
    get_json(auth, school_id, &format!("/lessons/{id}/free-teachers")).await
}

/// `DELETE …/lessons/{id}/substitute` → the lesson without a substitute.
pub async fn remove_substitute(auth: Auth, school_id: Uuid, id: Uuid) -> Result<Lesson, ApiError> {
    delete_json(auth, school_id, &format!("/lessons/{id}/substitute")).await
}

/// `GET …/teacher-absences?from=&to=`.
pub async fn absences(
    auth: Auth,
    school_id: Uuid,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> Result<Vec<TeacherAbsence>, ApiError> {
    let query = query_string(&[
        ("from", from.map(|d| d.to_string())),
        ("to", to.map(|d| d.to_string())),
    ]);
    get_json(auth, school_id, &format!("/teacher-absences{query}")).await
}

/// `POST …/teacher-absences`.
pub async fn create_absence(
    auth: Auth,
    school_id: Uuid,
    body: &TeacherAbsenceInput,
) -> Result<TeacherAbsence, ApiError> {
    send_json(auth, Method::POST, school_id, "/teacher-absences", body).await
}

/// `DELETE …/teacher-absences/{id}` → 204.
pub async fn delete_absence(auth: Auth, school_id: Uuid, id: Uuid) -> Result<(), ApiError> {
    delete(auth, school_id, &format!("/teacher-absences/{id}")).await
}

/// `GET …/teacher-absences/{id}/lessons`: the teacher's lessons in the range, to cover.
pub async fn absence_lessons(
    auth: Auth,
    school_id: Uuid,
    id: Uuid,
) -> Result<Vec<Lesson>, ApiError> {
    get_json(auth, school_id, &format!("/teacher-absences/{id}/lessons")).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lesson_queries_carry_only_what_is_set() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
        assert_eq!(
            lesson_query(&LessonQuery {
                from: Some(day),
                to: Some(day),
                limit: 500,
                ..LessonQuery::default()
            }),
            "?from=2026-11-30&to=2026-11-30&limit=500"
        );
        assert_eq!(
            lesson_query(&LessonQuery {
                needs_review: true,
                ..LessonQuery::default()
            }),
            "?needs_review=true"
        );
        assert_eq!(lesson_query(&LessonQuery::default()), "");
    }
}
