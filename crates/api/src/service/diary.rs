//! What students and parents read (regulation §4): the diary week, the marks page of a period,
//! the feed of recent marks — and the class teacher's class summary. Averages come from the one
//! grading function through [`crate::service::journal::student_average`], the same as the
//! journal's.
//!
//! Access: a student reads only self, a parent only linked children, the class teacher the whole
//! class, admin and principal the school (`authorize_student_schedule`).

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use otmetka_domain::finals::Term;
use otmetka_domain::grading::{MarkScale, suggest_period_mark};
use otmetka_domain::journal::{
    ClassSummary, Diary, DiaryDay, DiaryLesson, HomeworkDue, MarkFeedItem, StudentMark,
    StudentMarks, SubjectMarks, SummaryCell, SummaryCourse, SummaryStudent,
};
use otmetka_domain::person::full_name;
use otmetka_domain::structure::PeriodKind;
use otmetka_domain::{ErrorCode, Role};
use sea_orm::DatabaseConnection;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, JoinType, QueryFilter, QueryOrder,
    QuerySelect, QueryTrait, RelationTrait,
};
use uuid::Uuid;

use crate::auth::Actor;
use crate::auth::policy::{self, Action};
use crate::entity::{attendance, lesson, mark, work};
use crate::error::{AppError, AppResult};
use crate::service::journal::{pick_period, student_average};
use crate::service::lessons::{Span, Subject, authorize_student_schedule, schedule_of};
use crate::service::marks::MarkConfig;
use crate::service::reports::activity::DiaryViews;
use crate::service::structure::{period_dto, school_today_at};

/// A stored mark as the diary shows it.
fn student_mark(
    scale: &MarkScale,
    cfg: &MarkConfig,
    m: &mark::Model,
    w: Option<&work::Model>,
    date: NaiveDate,
) -> Option<StudentMark> {
    let value = m.value.clone()?;
    let sv = scale.values.iter().find(|v| v.value == value);
    let t = w.and_then(|w| cfg.work_type(w.work_type_id));
    Some(StudentMark {
        lesson_id: m.lesson_id,
        work_id: m.work_id,
        date,
        label: sv.map(|v| v.label.clone()).unwrap_or_else(|| value.clone()),
        numeric: sv.filter(|v| v.counts).and_then(|v| v.numeric),
        value,
        work_type_name: t.map(|t| t.name.clone()).unwrap_or_default(),
        work_type_short_name: t.map(|t| t.short_name.clone()).unwrap_or_default(),
        weight: w.map(|w| w.weight).unwrap_or(1.0),
        title: w.and_then(|w| w.title.clone()),
        comment: m.comment.clone(),
        set_at: m.set_at,
    })
}

/// A mark with its lesson's day and its work (the marks page's one joined statement; the
/// work's columns are selected as `work_<column>`).
#[derive(Debug, sea_orm::FromQueryResult)]
struct DatedMark {
    #[sea_orm(nested)]
    mark: mark::Model,
    lesson_date: NaiveDate,
    #[sea_orm(nested(prefix = "work_"))]
    work: work::Model,
}

async fn works_by_id(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = Uuid>,
) -> AppResult<HashMap<Uuid, work::Model>> {
    let ids: Vec<Uuid> = ids
        .into_iter()
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(work::Entity::find()
        .filter(work::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|w| (w.id, w))
        .collect())
}

/// A student's diary week (default: the current week in the school's time zone): every day
/// Monday to Sunday with the student's lessons in order (their class's, following transfers day
/// by day, and only their subgroups), topic, homework, marks with work type and weight, and
/// attendance; plus the homework due each day. Errors: 400 `invalid_query_parameter` (week),
/// 403, 404.
pub async fn diary(
    db: &DatabaseConnection,
    views: &DiaryViews,
    actor: &Actor,
    school_id: Uuid,
    student_id: Uuid,
    week: Option<String>,
    now: DateTime<Utc>,
) -> AppResult<Diary> {
    policy::authorize(actor, school_id, Action::ReadDiary)?;
    let snap = crate::service::snapshot::get(db, actor, school_id).await?;
    let student =
        authorize_student_schedule(db, Some(&snap), actor, school_id, student_id, now).await?;
    let span = match week {
        Some(w) => Span::Week(w),
        None => Span::CurrentWeek,
    };
    let (sched, att_of) = schedule_of(
        db,
        &snap,
        school_id,
        Subject::Student(student_id),
        span,
        now,
    )
    .await?;
    // Counted once the week is known to be valid (the monthly activity report).
    let settings = snap.settings.clone();
    views.record(
        actor,
        school_id,
        student_id,
        school_today_at(&settings.time_zone, now),
    );
    let lesson_ids: Vec<Uuid> = sched
        .days
        .iter()
        .flat_map(|d| d.lessons.iter().map(|l| l.id))
        .collect();
    let marks = if lesson_ids.is_empty() {
        Vec::new()
    } else {
        mark::Entity::find()
            .filter(mark::Column::StudentId.eq(student_id))
            .filter(mark::Column::LessonId.is_in(lesson_ids))
            .filter(mark::Column::Value.is_not_null())
            .join(JoinType::LeftJoin, mark::Relation::Work.def())
            .select_also(work::Entity)
            .all(db)
            .await?
    };
    let works: HashMap<Uuid, work::Model> = marks
        .iter()
        .filter_map(|(_, w)| w.clone().map(|w| (w.id, w)))
        .collect();
    let marks: Vec<mark::Model> = marks.into_iter().map(|(m, _)| m).collect();
    let cfg = &snap.marks;
    let scales: HashMap<Uuid, Option<Uuid>> = snap
        .catalog
        .courses
        .values()
        .map(|c| (c.subject_id, c.subject_scale_id))
        .collect();
    // Homework due this week, given at the student's courses' earlier lessons.
    let courses: HashMap<Uuid, String> = sched
        .days
        .iter()
        .flat_map(|d| {
            d.lessons
                .iter()
                .map(|l| (l.course_id, l.subject_name.clone()))
        })
        .collect();
    let due = if courses.is_empty() {
        Vec::new()
    } else {
        lesson::Entity::find()
            .filter(lesson::Column::SchoolId.eq(school_id))
            .filter(lesson::Column::CourseId.is_in(courses.keys().copied().collect::<Vec<_>>()))
            .filter(lesson::Column::HomeworkDueOn.gte(sched.from))
            .filter(lesson::Column::HomeworkDueOn.lte(sched.to))
            .filter(lesson::Column::Homework.is_not_null())
            .order_by_asc(lesson::Column::Date)
            .all(db)
            .await?
    };
    let mut marks_of: HashMap<Uuid, Vec<&mark::Model>> = HashMap::new();
    for m in &marks {
        marks_of.entry(m.lesson_id).or_default().push(m);
    }
    let days = sched
        .days
        .into_iter()
        .map(|d| {
            let lessons = d
                .lessons
                .into_iter()
                .map(|l| {
                    let scale = cfg.scale(scales.get(&l.subject_id).copied().flatten());
                    let mut ms: Vec<StudentMark> = marks_of
                        .get(&l.id)
                        .into_iter()
                        .flatten()
                        .filter_map(|m| student_mark(scale, cfg, m, works.get(&m.work_id), l.date))
                        .collect();
                    ms.sort_by_key(|m| {
                        (
                            works.get(&m.work_id).map(|w| w.position).unwrap_or(0),
                            m.work_id,
                        )
                    });
                    let code = att_of.get(&l.id).cloned();
                    DiaryLesson {
                        lesson_id: l.id,
                        course_id: l.course_id,
                        subject_id: l.subject_id,
                        subject_name: l.subject_name,
                        lesson_number: l.lesson_number,
                        starts_at: l.starts_at,
                        ends_at: l.ends_at,
                        room: l.room,
                        status: l.status,
                        cancel_reason: l.cancel_reason,
                        teacher_names: l.teacher_names,
                        substitute_name: l.substitute_name,
                        topic: l.topic,
                        homework: l.homework,
                        homework_due_on: l.homework_due_on,
                        marks: ms,
                        attendance_label: code
                            .as_deref()
                            .and_then(|c| cfg.codes.iter().find(|x| x.code == c))
                            .map(|c| c.label.clone()),
                        attendance: code,
                    }
                })
                .collect();
            let homework_due = due
                .iter()
                .filter(|l| l.homework_due_on == Some(d.date) && l.date < d.date)
                .map(|l| HomeworkDue {
                    lesson_id: l.id,
                    subject_name: courses.get(&l.course_id).cloned().unwrap_or_default(),
                    given_on: l.date,
                    homework: l.homework.clone().unwrap_or_default(),
                })
                .collect();
            DiaryDay {
                is_today: d.date == sched.today,
                date: d.date,
                weekday: d.weekday,
                is_school_day: d.is_school_day,
                holiday: d.holiday,
                lessons,
                homework_due,
            }
        })
        .collect();
    Ok(Diary {
        student_id,
        student_name: student,
        week: otmetka_domain::timetable::iso_week_of(sched.from),
        from: sched.from,
        to: sched.to,
        today: sched.today,
        days,
    })
}

/// The ids of the school's lessons in `[from, to]`, as a subquery.
/// The condition on a joined `lessons`: the school's lessons from `from` to `to`.
fn lessons_between(school_id: Uuid, from: NaiveDate, to: NaiveDate) -> Condition {
    Condition::all()
        .add(lesson::Column::SchoolId.eq(school_id))
        .add(lesson::Column::Date.gte(from))
        .add(lesson::Column::Date.lte(to))
}

/// A student's marks of a period (default: the current final-mark period) by subject: the marks
/// by date, the weighted average and count (the same numbers as the journal), absences, and the
/// final mark once it exists. Subjects of every class the student was in during the period are
/// listed, with or without marks. Errors: 403, 404.
pub async fn student_marks(
    db: &DatabaseConnection,
    views: &DiaryViews,
    actor: &Actor,
    school_id: Uuid,
    student_id: Uuid,
    period_id: Option<Uuid>,
    now: DateTime<Utc>,
) -> AppResult<StudentMarks> {
    policy::authorize(actor, school_id, Action::ReadDiary)?;
    let snap = crate::service::snapshot::get(db, actor, school_id).await?;
    let student =
        authorize_student_schedule(db, Some(&snap), actor, school_id, student_id, now).await?;
    let settings = snap.settings.clone();
    let today = school_today_at(&settings.time_zone, now);
    let period = pick_period(&snap.periods, period_id, settings.final_period_kind, today)?;
    views.record(actor, school_id, student_id, today);
    let (from, to) = (period.starts_on, period.ends_on);
    let classes: HashSet<Uuid> = snap
        .roster
        .enrollments_between(student_id, from, to)
        .into_iter()
        .map(|e| e.class_id)
        .collect();
    let groups = snap.roster.groups_of(student_id);
    // Joined (not `lesson_id IN (lessons of the period)`): SQLite then starts from the
    // student's index instead of probing every lesson of the school in the period.
    let marks = mark::Entity::find()
        .join(JoinType::InnerJoin, mark::Relation::Lesson.def())
        .filter(mark::Column::StudentId.eq(student_id))
        .filter(mark::Column::Value.is_not_null())
        .filter(lessons_between(school_id, from, to))
        .join(JoinType::InnerJoin, mark::Relation::Work.def())
        // Only the lesson's date: decoding every column of each lesson tripled the page's
        // time on SQLite.
        .column_as(lesson::Column::Date, "lesson_date");
    let marks = <work::Column as sea_orm::Iterable>::iter()
        .fold(marks, |q, c| {
            q.column_as(
                sea_orm::sea_query::Expr::col((work::Entity, c)),
                format!("work_{}", sea_orm::IdenStatic::as_str(&c)),
            )
        })
        .into_model::<DatedMark>()
        .all(db)
        .await?;
    let lesson_dates: HashMap<Uuid, NaiveDate> = marks
        .iter()
        .map(|m| (m.mark.lesson_id, m.lesson_date))
        .collect();
    let works: HashMap<Uuid, work::Model> =
        marks.iter().map(|m| (m.work.id, m.work.clone())).collect();
    let marks: Vec<mark::Model> = marks.into_iter().map(|m| m.mark).collect();
    let att = attendance::Entity::find()
        .join(
            JoinType::InnerJoin,
            attendance::Entity::belongs_to(lesson::Entity)
                .from(attendance::Column::LessonId)
                .to(lesson::Column::Id)
                .into(),
        )
        .filter(attendance::Column::StudentId.eq(student_id))
        .filter(attendance::Column::Code.is_not_null())
        .filter(lessons_between(school_id, from, to))
        .all(db)
        .await?;
    let cfg = &snap.marks;
    let cat = &snap.catalog;
    // The period's final marks, when the period is one the school gives them for.
    let term = PeriodKind::parse(&period.kind)
        .filter(|k| *k == settings.final_period_kind)
        .map(|kind| Term::Period {
            kind,
            number: period.number,
        });
    let finals = match term {
        Some(t) => {
            crate::service::finals::student_term_marks(
                db,
                school_id,
                student_id,
                period.academic_year_id,
                t,
            )
            .await?
        }
        None => HashMap::new(),
    };
    let mut course_ids: HashSet<Uuid> = cat
        .courses
        .values()
        .filter(|c| classes.contains(&c.class_id))
        .filter(|c| c.group_id.is_none_or(|g| groups.contains(&g)))
        .map(|c| c.id)
        .collect();
    course_ids.extend(marks.iter().map(|m| m.course_id));
    let mut subjects: Vec<SubjectMarks> = course_ids
        .into_iter()
        .filter_map(|id| cat.courses.get(&id))
        .map(|c| {
            let scale = cfg.scale(c.subject_scale_id);
            let mine: Vec<&mark::Model> = marks.iter().filter(|m| m.course_id == c.id).collect();
            let weights: HashMap<Uuid, f64> = works.iter().map(|(id, w)| (*id, w.weight)).collect();
            let avg = student_average(scale, &weights, mine.iter().copied());
            let mut list: Vec<StudentMark> = mine
                .iter()
                .filter_map(|m| {
                    student_mark(
                        scale,
                        cfg,
                        m,
                        works.get(&m.work_id),
                        lesson_dates.get(&m.lesson_id).copied().unwrap_or(from),
                    )
                })
                .collect();
            list.sort_by_key(|m| (m.date, m.set_at));
            SubjectMarks {
                course_id: c.id,
                subject_id: c.subject_id,
                subject_name: c.subject_name.clone(),
                teacher_names: c.teacher_names.clone(),
                marks: list,
                average: avg.average,
                mark_count: avg.mark_count,
                absences: att
                    .iter()
                    .filter(|a| a.course_id == c.id)
                    .filter(|a| a.code.as_deref().is_some_and(|x| cfg.counts_as_absence(x)))
                    .count() as u32,
                scale_id: scale.id,
                final_mark: term.and_then(|_| finals.get(&c.subject_id).cloned()),
                // Over every course of the subject, as the final-mark sheet suggests (a
                // student who changed class keeps the old class's marks).
                suggested_final: suggest_period_mark(
                    scale,
                    student_average(
                        scale,
                        &weights,
                        marks.iter().filter(|m| {
                            cat.courses
                                .get(&m.course_id)
                                .is_some_and(|x| x.subject_id == c.subject_id)
                        }),
                    )
                    .average,
                    settings.rounding_threshold,
                ),
            }
        })
        .collect();
    subjects.sort_by(|a, b| (&a.subject_name, a.course_id).cmp(&(&b.subject_name, b.course_id)));
    let used: HashSet<Uuid> = subjects.iter().map(|s| s.scale_id).collect();
    Ok(StudentMarks {
        student_id,
        student_name: student,
        period: period_dto(period),
        subjects,
        scales: cfg
            .scales
            .iter()
            .filter(|s| used.contains(&s.id))
            .cloned()
            .collect(),
        work_types: cfg.work_types.clone(),
        rounding_threshold: settings.rounding_threshold,
    })
}

/// The student's recent marks, newest first by when they were set (not by lesson date); changed
/// marks carry the value before (`previous_value`), removed ones `value: null`. `limit` 1–500
/// (default 20). Errors: 400, 403, 404.
pub async fn recent_marks(
    db: &DatabaseConnection,
    actor: &Actor,
    school_id: Uuid,
    student_id: Uuid,
    limit: Option<u64>,
    now: DateTime<Utc>,
) -> AppResult<Vec<MarkFeedItem>> {
    policy::authorize(actor, school_id, Action::ReadDiary)?;
    let snap = crate::service::snapshot::get(db, actor, school_id).await?;
    let limit = limit.unwrap_or(20);
    if !(1..=500).contains(&limit) {
        return Err(
            AppError::new(ErrorCode::InvalidQueryParameter).detail("limit must be 1 to 500")
        );
    }
    authorize_student_schedule(db, Some(&snap), actor, school_id, student_id, now).await?;
    let marks = mark::Entity::find()
        .filter(mark::Column::SchoolId.eq(school_id))
        .filter(mark::Column::StudentId.eq(student_id))
        .filter(
            Condition::any()
                .add(mark::Column::Value.is_not_null())
                .add(mark::Column::PreviousValue.is_not_null()),
        )
        .order_by_desc(mark::Column::SetAt)
        .order_by_desc(mark::Column::Id)
        .limit(limit)
        .all(db)
        .await?;
    let works = works_by_id(db, marks.iter().map(|m| m.work_id)).await?;
    let lessons: HashMap<Uuid, NaiveDate> = if marks.is_empty() {
        HashMap::new()
    } else {
        lesson::Entity::find()
            .filter(lesson::Column::Id.is_in(marks.iter().map(|m| m.lesson_id).collect::<Vec<_>>()))
            .all(db)
            .await?
            .into_iter()
            .map(|l| (l.id, l.date))
            .collect()
    };
    let cfg = &snap.marks;
    let cat = &snap.catalog;
    Ok(marks
        .into_iter()
        .map(|m| {
            let w = works.get(&m.work_id);
            MarkFeedItem {
                student_id,
                lesson_id: m.lesson_id,
                work_id: m.work_id,
                subject_name: cat
                    .courses
                    .get(&m.course_id)
                    .map(|c| c.subject_name.clone())
                    .unwrap_or_default(),
                date: lessons.get(&m.lesson_id).copied().unwrap_or_default(),
                value: m.value,
                previous_value: m.previous_value,
                work_type_name: w
                    .and_then(|w| cfg.work_type(w.work_type_id))
                    .map(|t| t.name.clone())
                    .unwrap_or_default(),
                weight: w.map(|w| w.weight).unwrap_or(1.0),
                comment: m.comment,
                set_at: m.set_at,
            }
        })
        .collect())
}

/// The class teacher's summary of a class for a period (default: the current final-mark
/// period): every student × course average (the journal's numbers) and absences. Access: admin,
/// principal, the class's class teacher. Errors: 403, 404.
pub async fn class_summary(
    db: &DatabaseConnection,
    actor: &Actor,
    school_id: Uuid,
    class_id: Uuid,
    period_id: Option<Uuid>,
    now: DateTime<Utc>,
) -> AppResult<ClassSummary> {
    policy::authorize(actor, school_id, Action::ReadJournal)?;
    let snap = crate::service::snapshot::get(db, actor, school_id).await?;
    let class = snap
        .catalog
        .classes
        .get(&class_id)
        .ok_or_else(|| AppError::not_found("class"))?;
    if !(actor.is_superadmin
        || actor
            .roles_in(school_id)
            .any(|r| r == Role::Admin || r == Role::Principal))
    {
        let me = snap.catalog.teacher_person_of(actor, school_id);
        if me.is_none() || class.class_teacher_id != me {
            tracing::warn!(actor = %actor.account_id, class = %class_id, "class summary denied");
            return Err(AppError::forbidden().detail("only the class teacher reads the summary"));
        }
    }
    let settings = snap.settings.clone();
    let today = school_today_at(&settings.time_zone, now);
    let period = pick_period(&snap.periods, period_id, settings.final_period_kind, today)?;
    let (from, to) = (period.starts_on, period.ends_on);
    let cat = &snap.catalog;
    let cfg = &snap.marks;
    let mut courses: Vec<_> = cat
        .courses
        .values()
        .filter(|c| c.class_id == class_id)
        .collect();
    courses.sort_by(|a, b| {
        (&a.subject_name, a.group_number, a.id).cmp(&(&b.subject_name, b.group_number, b.id))
    });
    let course_ids: Vec<Uuid> = courses.iter().map(|c| c.id).collect();
    // The class's students during the period, with their names and subgroups, from the
    // snapshot's roster.
    let roster = &snap.roster;
    let mut people: Vec<(Uuid, &crate::service::snapshot::StudentName)> = roster
        .class_enrollments(class_id, None, from, to)
        .into_iter()
        .map(|(e, n)| (e.student_id, n))
        .collect::<HashMap<_, _>>()
        .into_iter()
        .collect();
    people.sort_by(|(ia, a), (ib, b)| (a, ia).cmp(&(b, ib)));
    let in_group = |g: Uuid, s: Uuid| roster.groups.get(&s).is_some_and(|gs| gs.contains(&g));
    let in_period = || {
        lesson::Entity::find()
            .select_only()
            .column(lesson::Column::Id)
            .filter(lesson::Column::CourseId.is_in(course_ids.clone()))
            .filter(lesson::Column::Date.gte(from))
            .filter(lesson::Column::Date.lte(to))
            .into_query()
    };
    let (marks, weights, att) = if course_ids.is_empty() {
        (Vec::new(), HashMap::new(), Vec::new())
    } else {
        (
            mark::Entity::find()
                .filter(mark::Column::LessonId.in_subquery(in_period()))
                .filter(mark::Column::Value.is_not_null())
                .all(db)
                .await?,
            work::Entity::find()
                .filter(work::Column::LessonId.in_subquery(in_period()))
                .all(db)
                .await?
                .into_iter()
                .map(|w| (w.id, w.weight))
                .collect::<HashMap<Uuid, f64>>(),
            attendance::Entity::find()
                .filter(attendance::Column::LessonId.in_subquery(in_period()))
                .filter(attendance::Column::Code.is_not_null())
                .all(db)
                .await?,
        )
    };
    let mut marks_of: HashMap<(Uuid, Uuid), Vec<&mark::Model>> = HashMap::new();
    for m in &marks {
        marks_of
            .entry((m.student_id, m.course_id))
            .or_default()
            .push(m);
    }
    let mut absences_of: HashMap<(Uuid, Uuid), u32> = HashMap::new();
    for a in &att {
        if a.code.as_deref().is_some_and(|c| cfg.counts_as_absence(c)) {
            *absences_of.entry((a.student_id, a.course_id)).or_default() += 1;
        }
    }
    let students = people
        .iter()
        .map(|(id, (last, first, middle))| {
            let cells: Vec<SummaryCell> = courses
                .iter()
                .filter(|c| c.group_id.is_none_or(|g| in_group(g, *id)))
                .map(|c| {
                    let avg = student_average(
                        cfg.scale(c.subject_scale_id),
                        &weights,
                        marks_of.get(&(*id, c.id)).into_iter().flatten().copied(),
                    );
                    SummaryCell {
                        course_id: c.id,
                        average: avg.average,
                        mark_count: avg.mark_count,
                        absences: absences_of.get(&(*id, c.id)).copied().unwrap_or(0),
                    }
                })
                .collect();
            SummaryStudent {
                student_id: *id,
                full_name: full_name(last, first, middle.as_deref()),
                absences: cells.iter().map(|c| c.absences).sum(),
                cells,
            }
        })
        .collect();
    Ok(ClassSummary {
        class_id,
        class_name: class.name.clone(),
        period: period_dto(period),
        courses: courses
            .iter()
            .map(|c| SummaryCourse {
                course_id: c.id,
                subject_name: c.subject_name.clone(),
                group_number: c.group_number,
                teacher_names: c.teacher_names.clone(),
            })
            .collect(),
        students,
    })
}
