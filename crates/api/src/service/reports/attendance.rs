//! The attendance report over a date range: per student, per class and in total, the
//! student-lessons held, the count of every attendance code, the lessons missed (codes that
//! count as absence: Н, Б, УП) and the excused among them, the share missed, whole school days
//! missed (every lesson of the day), the students above a threshold share; and the total per
//! ISO week for the chart.
//!
//! The database counts: lessons per class, subgroup and day (one grouped query) and attendance
//! marks per student, day and code (one grouped query). A student's lessons follow their
//! enrollments day by day (a transfer moves them to the new class's lessons) and their
//! subgroups.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use otmetka_domain::ErrorCode;
use otmetka_domain::reports::{AttendanceReport, AttendanceRow, CodeCount};
use sea_orm::sea_query::{Expr, Func};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, JoinType, QueryFilter, QuerySelect, RelationDef,
};
use uuid::Uuid;

use super::Scope;
use crate::auth::Actor;
use crate::entity::{attendance, course, enrollment, lesson};
use crate::error::{AppError, AppResult};
use crate::service::finals::YearTerms;
use crate::service::structure::school_today_at;

/// The query of the report.
#[derive(Debug, Clone, Default)]
pub struct AttendanceQuery {
    /// Default: the first day of the current final-kind period (or of the year).
    pub from: Option<NaiveDate>,
    /// Default and at most: today (school time zone).
    pub to: Option<NaiveDate>,
    pub class_id: Option<Uuid>,
    /// % of lessons missed above which a student is flagged; 0–100, default 30.
    pub threshold: Option<f64>,
}

/// The longest range one report covers: 400 days.
pub const MAX_DAYS: i64 = 400;

/// Lessons-held counts of one student (or group) per code.
#[derive(Default, Clone)]
struct Tally {
    students: HashSet<Uuid>,
    lessons: u32,
    by_code: HashMap<String, u32>,
    days_missed: u32,
    above: HashSet<Uuid>,
}

impl Tally {
    fn row(
        &self,
        key: String,
        label: String,
        codes: &[otmetka_domain::grading::AttendanceCode],
    ) -> AttendanceRow {
        let by_code: Vec<CodeCount> = codes
            .iter()
            .map(|c| CodeCount {
                code: c.code.clone(),
                label: c.label.clone(),
                count: self.by_code.get(&c.code).copied().unwrap_or(0),
            })
            .collect();
        let missed = codes
            .iter()
            .filter(|c| c.counts_as_absence)
            .map(|c| self.by_code.get(&c.code).copied().unwrap_or(0))
            .sum();
        let missed_excused = codes
            .iter()
            .filter(|c| c.counts_as_absence && c.excused)
            .map(|c| self.by_code.get(&c.code).copied().unwrap_or(0))
            .sum();
        AttendanceRow {
            key,
            label,
            class_id: None,
            student_id: None,
            students: self.students.len() as u32,
            lessons: self.lessons,
            by_code,
            missed,
            missed_excused,
            missed_percent: percent(missed, self.lessons),
            days_missed: self.days_missed,
            above_threshold: self.above.len() as u32,
        }
    }
}

fn percent(part: u32, whole: u32) -> Option<f64> {
    (whole > 0).then(|| (f64::from(part) * 1000.0 / f64::from(whole)).round() / 10.0)
}

/// Monday of the ISO week of `d`.
pub fn week_start(d: NaiveDate) -> NaiveDate {
    d - Duration::days(i64::from(d.weekday().num_days_from_monday()))
}

/// The attendance report. Principal and admin: every class; a teacher: the class they lead
/// (403 for another class). Errors: 403, 404 (class), 422 (`from` after `to`, more than
/// [`MAX_DAYS`] days, threshold outside 0–100).
pub async fn report(
    db: &(impl ConnectionTrait + sea_orm::TransactionTrait),
    actor: &Actor,
    school_id: Uuid,
    q: AttendanceQuery,
    now: DateTime<Utc>,
) -> AppResult<AttendanceReport> {
    let snap = crate::service::snapshot::get(db, actor, school_id).await?;
    let cat = &snap.catalog;
    let scope = Scope::of(db, actor, school_id, cat).await?;
    let settings = snap.settings.clone();
    let today = school_today_at(&settings.time_zone, now);
    let threshold = q.threshold.unwrap_or(30.0);
    if !(0.0..=100.0).contains(&threshold) {
        return Err(AppError::field("threshold", "range", "0 to 100 (%)"));
    }
    let from = match q.from {
        Some(f) => f,
        None => {
            let yt = YearTerms::of_snapshot(&snap, None)?;
            yt.periods
                .iter()
                .find(|p| p.starts_on <= today && today <= p.ends_on)
                .map_or(yt.teaching().0, |p| p.starts_on)
                .min(today)
        }
    };
    let to = q.to.unwrap_or(today).min(today);
    if from > to {
        return Err(AppError::field(
            "from",
            "range",
            "from must not be after to (and to is at most today)",
        ));
    }
    if (to - from).num_days() >= MAX_DAYS {
        return Err(AppError::new(ErrorCode::ValidationFailed)
            .detail(format!("at most {MAX_DAYS} days at once")));
    }
    if let Some(c) = q.class_id {
        crate::service::structure::class_row(db, school_id, c).await?;
        if !scope.sees_class(c) {
            return Err(AppError::forbidden());
        }
    }
    let sees =
        |class_id: Uuid| q.class_id.is_none_or(|c| c == class_id) && scope.sees_class(class_id);
    let cfg = &snap.marks;
    let codes = &cfg.codes;
    let absence: HashSet<&str> = codes
        .iter()
        .filter(|c| c.counts_as_absence)
        .map(|c| c.code.as_str())
        .collect();

    // Lessons held per (class, group, day).
    let rel: RelationDef = lesson::Entity::belongs_to(course::Entity)
        .from(lesson::Column::CourseId)
        .to(course::Column::Id)
        .into();
    let held: Vec<(Uuid, Option<Uuid>, NaiveDate, i64)> = lesson::Entity::find()
        .select_only()
        .column_as(
            Expr::col((course::Entity, course::Column::ClassId)),
            "class",
        )
        .column_as(Expr::col((course::Entity, course::Column::GroupId)), "grp")
        .column(lesson::Column::Date)
        .column_as(
            Expr::from(Func::count(Expr::col((lesson::Entity, lesson::Column::Id)))),
            "n",
        )
        .join(JoinType::InnerJoin, rel)
        .filter(lesson::Column::SchoolId.eq(school_id))
        .filter(lesson::Column::Status.eq("scheduled"))
        .filter(lesson::Column::Date.gte(from))
        .filter(lesson::Column::Date.lte(to))
        .group_by(course::Column::ClassId)
        .group_by(course::Column::GroupId)
        .group_by(lesson::Column::Date)
        .into_tuple()
        .all(db)
        .await?;
    let mut day_lessons: HashMap<(Uuid, Option<Uuid>, NaiveDate), u32> = HashMap::new();
    let mut class_groups: HashMap<Uuid, HashSet<Uuid>> = HashMap::new();
    for (c, g, d, n) in held {
        day_lessons.insert((c, g, d), u32::try_from(n).unwrap_or(0));
        if let Some(g) = g {
            class_groups.entry(c).or_default().insert(g);
        }
    }
    // Enrollments in the range and subgroup memberships.
    // By start, so that a student's row ends in their latest class.
    let mut enrollments: Vec<enrollment::Model> = snap
        .roster
        .enrollments
        .values()
        .flatten()
        .filter(|e| e.starts_on <= to && e.ends_on.is_none_or(|x| x >= from))
        .filter(|e| sees(e.class_id))
        .cloned()
        .collect();
    enrollments.sort_by_key(|e| (e.starts_on, e.id));
    let member_of = &snap.roster.groups;
    // Attendance marks per (student, day, code).
    let rel: RelationDef = attendance::Entity::belongs_to(lesson::Entity)
        .from(attendance::Column::LessonId)
        .to(lesson::Column::Id)
        .into();
    let marks: Vec<(Uuid, NaiveDate, Option<String>, i64)> = attendance::Entity::find()
        .select_only()
        .column(attendance::Column::StudentId)
        .column_as(Expr::col((lesson::Entity, lesson::Column::Date)), "day")
        .column(attendance::Column::Code)
        .column_as(
            Expr::from(Func::count(Expr::col((
                attendance::Entity,
                attendance::Column::Id,
            )))),
            "n",
        )
        .join(JoinType::InnerJoin, rel)
        .filter(attendance::Column::SchoolId.eq(school_id))
        // Lets SQLite start from the school's lessons of the range (ix_lessons_school_date).
        .filter(lesson::Column::SchoolId.eq(school_id))
        .filter(attendance::Column::Code.is_not_null())
        .filter(lesson::Column::Status.eq("scheduled"))
        .filter(lesson::Column::Date.gte(from))
        .filter(lesson::Column::Date.lte(to))
        .group_by(attendance::Column::StudentId)
        .group_by(lesson::Column::Date)
        .group_by(attendance::Column::Code)
        .into_tuple()
        .all(db)
        .await?;
    let mut by_day: HashMap<(Uuid, NaiveDate), Vec<(String, u32)>> = HashMap::new();
    for (s, d, code, n) in marks {
        if let Some(code) = code {
            by_day
                .entry((s, d))
                .or_default()
                .push((code, u32::try_from(n).unwrap_or(0)));
        }
    }

    // Walk each enrollment day by day.
    let mut students: HashMap<Uuid, (Tally, Uuid)> = HashMap::new();
    let mut classes: HashMap<Uuid, Tally> = HashMap::new();
    let mut weeks: BTreeMap<NaiveDate, Tally> = BTreeMap::new();
    let mut total = Tally::default();
    let no_groups = HashSet::new();
    for e in &enrollments {
        let start = e.starts_on.max(from);
        let end = e.ends_on.map_or(to, |x| x.min(to));
        let groups = member_of.get(&e.student_id).unwrap_or(&no_groups);
        let my_groups: Vec<Uuid> = class_groups
            .get(&e.class_id)
            .map(|gs| gs.intersection(groups).copied().collect())
            .unwrap_or_default();
        let mut d = start;
        while d <= end {
            let mut n = day_lessons
                .get(&(e.class_id, None, d))
                .copied()
                .unwrap_or(0);
            for g in &my_groups {
                n += day_lessons
                    .get(&(e.class_id, Some(*g), d))
                    .copied()
                    .unwrap_or(0);
            }
            let marks = by_day.get(&(e.student_id, d));
            let missed: u32 = marks
                .into_iter()
                .flatten()
                .filter(|(c, _)| absence.contains(c.as_str()))
                .map(|(_, n)| *n)
                .sum();
            let whole_day = n > 0 && missed >= n;
            let (st, class_of) = students
                .entry(e.student_id)
                .or_insert_with(|| (Tally::default(), e.class_id));
            *class_of = e.class_id;
            let week = weeks.entry(week_start(d)).or_default();
            let class = classes.entry(e.class_id).or_default();
            for t in [&mut *st, &mut *class, &mut *week, &mut total] {
                t.students.insert(e.student_id);
                t.lessons += n;
                for (c, k) in marks.into_iter().flatten() {
                    *t.by_code.entry(c.clone()).or_default() += k;
                }
                t.days_missed += u32::from(whole_day);
            }
            d += Duration::days(1);
        }
    }
    // Students above the threshold, counted in their class(es) and the total.
    let class_of_enrollments: HashMap<Uuid, HashSet<Uuid>> =
        enrollments.iter().fold(HashMap::new(), |mut m, e| {
            m.entry(e.student_id).or_default().insert(e.class_id);
            m
        });
    let mut student_rows = Vec::new();
    let ids: Vec<Uuid> = students.keys().copied().collect();
    let names: HashMap<Uuid, String> = ids
        .iter()
        .filter_map(|id| {
            let (l, f, m) = snap.roster.names.get(id)?;
            Some((*id, otmetka_domain::person::full_name(l, f, m.as_deref())))
        })
        .collect();
    let class_names: HashMap<Uuid, (i32, String, String)> = cat
        .classes
        .values()
        .map(|c| (c.id, (c.grade, c.letter.clone(), c.name.clone())))
        .collect();
    for (id, (t, class_id)) in &students {
        let mut row = t.row(
            format!("student:{id}"),
            names.get(id).cloned().unwrap_or_default(),
            codes,
        );
        let above = row.missed_percent.is_some_and(|p| p > threshold);
        if above {
            total.above.insert(*id);
            for c in class_of_enrollments.get(id).into_iter().flatten() {
                classes.entry(*c).or_default().above.insert(*id);
            }
        }
        row.above_threshold = u32::from(above);
        row.student_id = Some(*id);
        row.class_id = Some(*class_id);
        student_rows.push(row);
    }
    let key = |c: &Option<Uuid>| {
        c.and_then(|c| class_names.get(&c))
            .map(|(g, l, _)| (*g, l.clone()))
            .unwrap_or_default()
    };
    student_rows.sort_by(|a, b| (key(&a.class_id), &a.label).cmp(&(key(&b.class_id), &b.label)));
    let mut class_rows: Vec<AttendanceRow> = classes
        .iter()
        .map(|(id, t)| {
            let mut r = t.row(
                format!("class:{id}"),
                class_names.get(id).map(|c| c.2.clone()).unwrap_or_default(),
                codes,
            );
            r.class_id = Some(*id);
            r
        })
        .collect();
    class_rows.sort_by_key(|r| key(&r.class_id));
    let week_rows = weeks
        .iter()
        .map(|(monday, t)| {
            let first = (*monday).max(from);
            let last = (*monday + Duration::days(6)).min(to);
            t.row(
                format!("week:{monday}"),
                format!("{}–{}", first.format("%d.%m"), last.format("%d.%m")),
                codes,
            )
        })
        .collect();
    Ok(AttendanceReport {
        from,
        to,
        threshold_percent: threshold,
        codes: codes
            .iter()
            .map(|c| CodeCount {
                code: c.code.clone(),
                label: c.label.clone(),
                count: total.by_code.get(&c.code).copied().unwrap_or(0),
            })
            .collect(),
        total: total.row("school".into(), "Итого".into(), codes),
        classes: class_rows,
        students: student_rows,
        weeks: week_rows,
    })
}
