//! API calls of the schedule views: `GET /api/v1/schools/{id}/schedule`.

use otmetka_domain::timetable::Schedule;
use uuid::Uuid;

use crate::api::{ApiError, get_json};
use crate::auth::Auth;
use crate::schedule::{Target, When, api_query};

/// `GET …/schedule?{teacher_id|class_id|student_id|room}=…&{week|date|today}=…` → [`Schedule`].
/// Errors: 403 (a view the account may not open), 404 (an unknown class, teacher or student),
/// 422 (a malformed week or date).
pub async fn schedule(
    auth: Auth,
    school_id: Uuid,
    target: Target,
    when: When,
) -> Result<Schedule, ApiError> {
    get_json(
        auth,
        school_id,
        &format!("/schedule{}", api_query(&target, &when)),
    )
    .await
}

/// Today's lessons and, when today has none, the next day with lessons (`next_lesson_date`).
#[derive(Debug, Clone, PartialEq)]
pub struct TodayData {
    pub today: Schedule,
    pub next: Option<Schedule>,
}

/// Whether a one-day schedule has no lessons at all (a weekend, a holiday, a free day).
pub fn no_lessons(schedule: &Schedule) -> bool {
    schedule.days.iter().all(|d| d.lessons.is_empty())
}

/// Today (in the school's time zone) and, when it has no lessons, the next day that has.
pub async fn today(auth: Auth, school_id: Uuid, target: Target) -> Result<TodayData, ApiError> {
    let today = schedule(auth, school_id, target.clone(), When::Today).await?;
    let next = match today.next_lesson_date {
        Some(day) if no_lessons(&today) => {
            Some(schedule(auth, school_id, target, When::Date(day)).await?)
        }
        _ => None,
    };
    Ok(TodayData { today, next })
}
