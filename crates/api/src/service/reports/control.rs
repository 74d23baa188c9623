//! The weekly journal-keeping control (контроль ведения электронного журнала, regulation §10:
//! the director and the deputy check it every week; §6: teachers fill marks and attendance at
//! least weekly and final marks within 3 days of the period's end; §17: the school pays a
//! bonus for keeping it properly — the `score` is meant for that).
//!
//! Per course and teacher, for the week's lessons held (not cancelled, on or before today):
//! lessons without a topic, without homework (where the subject expects it), without
//! attendance taken; marks set and marks per student and lesson; marks set more than D days
//! after the lesson (`control_late_days`, by when the mark was first entered); students with
//! fewer than M marks (`control_min_marks`) in the current period so far, and with none; final
//! marks still missing for the last period whose deadline passed. A lesson a substitute held
//! counts for the substitute; the students' counts for the course's teachers. First grades get
//! no marks and no homework, so those columns stay 0 for them.
//!
//! The database counts marks per lesson (late ones by a `CASE` on the lesson's day) and per
//! course and student; only the week's lessons are loaded as rows.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use otmetka_domain::finals::{FIRST_GRADED_GRADE, Term};
use otmetka_domain::reports::{
    ControlCounts, ControlDetail, ControlIssue, ControlLesson, ControlRow, ControlStudent,
    JournalControl,
};
use sea_orm::sea_query::{CaseStatement, Expr, ExprTrait, Func};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, JoinType, QueryFilter, QueryOrder,
    QuerySelect, RelationDef, RelationTrait,
};
use uuid::Uuid;

use super::Scope;
use super::attendance::week_start;
use crate::auth::Actor;
use crate::entity::{final_mark, lesson, mark, person};
use crate::error::{AppError, AppResult};
use crate::service::finals::{YearTerms, class_lists_on, course_members, name_of};
use crate::service::structure::school_today_at;
use crate::service::timetable::CourseInfo;

/// The query of the control.
#[derive(Debug, Clone, Default)]
pub struct ControlQuery {
    /// Any day of the week; default: today (school time zone).
    pub week: Option<NaiveDate>,
    /// Only this teacher's rows.
    pub teacher_id: Option<Uuid>,
}

/// What the counts are made of, before the shares.
#[derive(Debug, Clone, Default)]
struct Acc {
    c: ControlCounts,
    /// Held lessons of subjects that expect homework.
    homework_due: u32,
    /// Σ students × lessons held (the denominator of marks per student and lesson).
    student_lessons: u32,
    /// Students due a final mark of the closed term.
    finals_due: u32,
    /// Students of graded courses (grade 2 and up): the denominator of the M-marks share.
    graded_students: u32,
}

impl Acc {
    fn add(&mut self, o: &Acc) {
        let (a, b) = (&mut self.c, &o.c);
        a.lessons_held += b.lessons_held;
        a.without_topic += b.without_topic;
        a.without_homework += b.without_homework;
        a.without_attendance += b.without_attendance;
        a.marks += b.marks;
        a.students += b.students;
        a.students_below_min += b.students_below_min;
        a.students_without_marks += b.students_without_marks;
        a.late_marks += b.late_marks;
        a.missing_finals += b.missing_finals;
        self.homework_due += o.homework_due;
        self.student_lessons += o.student_lessons;
        self.finals_due += o.finals_due;
        self.graded_students += o.graded_students;
    }

    /// The counts with the derived figures: marks per student and lesson, and the score = the
    /// mean of the shares in order (topic, homework, attendance, students with ≥ M marks, marks
    /// in time, final marks set) over those with a denominator, × 100, one decimal.
    fn finish(&self) -> ControlCounts {
        let mut c = self.c.clone();
        c.marks_per_student_lesson = (self.student_lessons > 0).then(|| {
            otmetka_domain::grading::round2(f64::from(c.marks) / f64::from(self.student_lessons))
        });
        let shares: Vec<f64> = [
            (c.lessons_held - c.without_topic, c.lessons_held),
            (self.homework_due - c.without_homework, self.homework_due),
            (c.lessons_held - c.without_attendance, c.lessons_held),
            (
                self.graded_students - c.students_below_min,
                self.graded_students,
            ),
            (c.marks - c.late_marks, c.marks),
            (self.finals_due - c.missing_finals, self.finals_due),
        ]
        .into_iter()
        .filter(|(_, d)| *d > 0)
        .map(|(n, d)| f64::from(n) / f64::from(d))
        .collect();
        c.score = (!shares.is_empty())
            .then(|| (shares.iter().sum::<f64>() / shares.len() as f64 * 1000.0).round() / 10.0);
        c
    }
}

/// The week of `day`: Monday and Sunday.
pub fn week_of(day: NaiveDate) -> (NaiveDate, NaiveDate) {
    let monday = week_start(day);
    (monday, monday + Duration::days(6))
}

/// The instant after which a mark of a lesson on `day` is late: the end of day + D in the
/// school's time zone.
fn late_after(tz: &chrono_tz::Tz, day: NaiveDate, late_days: i32) -> DateTime<Utc> {
    let next = day + Duration::days(i64::from(late_days) + 1);
    tz.from_local_datetime(&next.and_hms_opt(0, 0, 0).unwrap_or_default())
        .earliest()
        .map_or_else(
            || next.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc(),
            |t| t.with_timezone(&Utc),
        )
}

/// Marks per lesson of the week: (lesson → (marks, late marks)). One grouped query; a mark is
/// late when first entered after [`late_after`] its lesson's day.
async fn marks_per_lesson(
    db: &impl ConnectionTrait,
    school_id: Uuid,
    lesson_ids: &[Uuid],
    days: &[NaiveDate],
    tz: &chrono_tz::Tz,
    late_days: i32,
) -> AppResult<HashMap<Uuid, (u32, u32)>> {
    let mut out = HashMap::new();
    if lesson_ids.is_empty() {
        return Ok(out);
    }
    let mut late = CaseStatement::new();
    for d in days {
        late = late.case(
            Expr::col((lesson::Entity, lesson::Column::Date))
                .eq(*d)
                .and(
                    Expr::col((mark::Entity, mark::Column::CreatedAt))
                        .gt(late_after(tz, *d, late_days)),
                ),
            Expr::val(1),
        );
    }
    let late: Expr = late.finally(Expr::val(0)).into();
    let rel: RelationDef = mark::Relation::Lesson.def();
    for chunk in lesson_ids.chunks(500) {
        let rows: Vec<(Uuid, i64, Option<i64>)> = mark::Entity::find()
            .select_only()
            .column(mark::Column::LessonId)
            .column_as(
                Expr::from(Func::count(Expr::col((mark::Entity, mark::Column::Id)))),
                "n",
            )
            .column_as(Expr::from(Func::sum(late.clone())), "late")
            .join(JoinType::InnerJoin, rel.clone())
            .filter(mark::Column::SchoolId.eq(school_id))
            .filter(mark::Column::Value.is_not_null())
            .filter(mark::Column::LessonId.is_in(chunk.to_vec()))
            .group_by(mark::Column::LessonId)
            .into_tuple()
            .all(db)
            .await?;
        for (l, n, late) in rows {
            out.insert(
                l,
                (
                    u32::try_from(n).unwrap_or(0),
                    u32::try_from(late.unwrap_or(0)).unwrap_or(0),
                ),
            );
        }
    }
    Ok(out)
}

/// Marks per (course, student) over lessons in `[from, to]`. One grouped query.
async fn marks_per_student(
    db: &impl ConnectionTrait,
    school_id: Uuid,
    courses: &[Uuid],
    from: NaiveDate,
    to: NaiveDate,
) -> AppResult<HashMap<(Uuid, Uuid), u32>> {
    let rel: RelationDef = mark::Relation::Lesson.def();
    let mut q = mark::Entity::find()
        .select_only()
        .column(mark::Column::CourseId)
        .column(mark::Column::StudentId)
        .column_as(
            Expr::from(Func::count(Expr::col((mark::Entity, mark::Column::Id)))),
            "n",
        )
        .join(JoinType::InnerJoin, rel)
        .filter(mark::Column::SchoolId.eq(school_id))
        .filter(lesson::Column::SchoolId.eq(school_id))
        .filter(mark::Column::Value.is_not_null())
        .filter(lesson::Column::Date.gte(from))
        .filter(lesson::Column::Date.lte(to));
    if courses.len() <= 500 {
        q = q.filter(mark::Column::CourseId.is_in(courses.to_vec()));
    }
    let rows: Vec<(Uuid, Uuid, i64)> = q
        .group_by(mark::Column::CourseId)
        .group_by(mark::Column::StudentId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(c, s, n)| ((c, s), u32::try_from(n).unwrap_or(0)))
        .collect())
}

/// Everything the control and its drill-down share.
struct Week<'a> {
    from: NaiveDate,
    to: NaiveDate,
    min_marks: i32,
    late_days: i32,
    period: Option<(Term, NaiveDate)>,
    finals_term: Option<(Term, NaiveDate)>,
    courses: Vec<&'a CourseInfo>,
    lessons: Vec<lesson::Model>,
    homework_expected: HashMap<Uuid, bool>,
    per_lesson: HashMap<Uuid, (u32, u32)>,
    /// Course → its students now (class list and subgroup).
    students: HashMap<Uuid, Vec<Uuid>>,
    per_student: HashMap<(Uuid, Uuid), u32>,
    /// Course → (due, missing) final marks of `finals_term`.
    finals: HashMap<Uuid, (u32, u32)>,
}

/// The academic year the week falls in (the current one when the week touches it), if any.
fn year_of_week(
    snap: &crate::service::snapshot::Snapshot,
    from: NaiveDate,
    to: NaiveDate,
) -> Option<Uuid> {
    let mut years: Vec<_> = snap
        .years
        .iter()
        .filter(|y| y.starts_on <= to && y.ends_on >= from)
        .collect();
    years.sort_by_key(|y| (!y.is_current, y.starts_on));
    years.first().map(|y| y.id)
}

/// Loads the week of every course of its academic year (or of `only_course`); rows are
/// narrowed to what the reader sees afterwards, so that a substitute's lessons count the same
/// for every reader. A week outside every academic year has no courses.
async fn load_week<'a>(
    db: &impl ConnectionTrait,
    snap: &'a crate::service::snapshot::Snapshot,
    week: Option<NaiveDate>,
    only_course: Option<Uuid>,
    now: DateTime<Utc>,
) -> AppResult<Week<'a>> {
    let school_id = snap.school.id;
    let cat = &snap.catalog;
    let settings = &snap.settings;
    let tz: chrono_tz::Tz = settings
        .time_zone
        .parse()
        .unwrap_or(chrono_tz::Europe::Moscow);
    let today = school_today_at(&settings.time_zone, now);
    let (from, to) = week_of(week.unwrap_or(today));
    let upto = Ord::min(to, today);
    let Some(year_id) = year_of_week(snap, from, to) else {
        return Ok(Week {
            from,
            to,
            min_marks: settings.control_min_marks,
            late_days: settings.control_late_days,
            period: None,
            finals_term: None,
            courses: Vec::new(),
            lessons: Vec::new(),
            homework_expected: HashMap::new(),
            per_lesson: HashMap::new(),
            students: HashMap::new(),
            per_student: HashMap::new(),
            finals: HashMap::new(),
        });
    };
    let yt = YearTerms::of_snapshot(snap, Some(year_id))?;
    let term_of = |p: &crate::entity::period::Model| Term::Period {
        kind: yt.kind,
        number: p.number,
    };
    let period = yt
        .periods
        .iter()
        .find(|p| p.starts_on <= upto && upto <= p.ends_on)
        .or_else(|| yt.periods.iter().rev().find(|p| p.starts_on <= upto))
        .map(|p| (term_of(p), p.starts_on));
    // The last period whose teachers' window had closed by the week's last day counted (its
    // missing marks as they stand now).
    let finals_term = yt
        .periods
        .iter()
        .rev()
        .find(|p| {
            yt.window(term_of(p))
                .is_some_and(|(_, closes)| closes < upto)
        })
        .map(|p| (term_of(p), p.ends_on));
    let courses: Vec<&CourseInfo> = cat
        .courses
        .values()
        .filter(|c| c.academic_year_id == year_id)
        .filter(|c| only_course.is_none_or(|id| id == c.id))
        .collect();
    let course_ids: Vec<Uuid> = courses.iter().map(|c| c.id).collect();
    let mut lq = lesson::Entity::find()
        .filter(lesson::Column::SchoolId.eq(school_id))
        .filter(lesson::Column::Status.eq("scheduled"))
        .filter(lesson::Column::Date.gte(from))
        .filter(lesson::Column::Date.lte(upto));
    if let Some(c) = only_course {
        lq = lq.filter(lesson::Column::CourseId.eq(c));
    }
    let course_set: HashSet<Uuid> = course_ids.iter().copied().collect();
    let lessons: Vec<lesson::Model> = if from > upto {
        Vec::new()
    } else {
        lq.order_by_asc(lesson::Column::Date)
            .order_by_asc(lesson::Column::LessonNumber)
            .all(db)
            .await?
            .into_iter()
            .filter(|l| course_set.contains(&l.course_id))
            .collect()
    };
    let homework_expected: HashMap<Uuid, bool> = cat
        .subjects
        .values()
        .map(|s| (s.id, s.homework_expected))
        .collect();
    let lesson_ids: Vec<Uuid> = lessons.iter().map(|l| l.id).collect();
    let days: Vec<NaiveDate> = lessons
        .iter()
        .map(|l| l.date)
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let per_lesson = marks_per_lesson(
        db,
        school_id,
        &lesson_ids,
        &days,
        &tz,
        settings.control_late_days,
    )
    .await?;
    let (lists, groups) = class_lists_on(&snap.roster, Ord::max(upto, from));
    let members =
        |c: &CourseInfo, lists: &HashMap<Uuid, Vec<Uuid>>| course_members(c, lists, &groups);
    let students: HashMap<Uuid, Vec<Uuid>> =
        courses.iter().map(|c| (c.id, members(c, &lists))).collect();
    let per_student = match period {
        Some((_, starts)) if starts <= upto => {
            marks_per_student(db, school_id, &course_ids, starts, upto).await?
        }
        _ => HashMap::new(),
    };
    let mut finals = HashMap::new();
    if let Some((term, ends_on)) = finals_term {
        let (lists_then, _) = class_lists_on(&snap.roster, ends_on);
        let set: HashSet<(Uuid, Uuid)> = final_mark::Entity::find()
            .select_only()
            .column(final_mark::Column::StudentId)
            .column(final_mark::Column::SubjectId)
            .filter(final_mark::Column::SchoolId.eq(school_id))
            .filter(final_mark::Column::AcademicYearId.eq(year_id))
            .filter(final_mark::Column::Term.eq(term.to_string()))
            .filter(final_mark::Column::Value.is_not_null())
            .into_tuple::<(Uuid, Uuid)>()
            .all(db)
            .await?
            .into_iter()
            .collect();
        for c in &courses {
            if !yt.terms(c.grade).contains(&term) {
                continue;
            }
            let due = members(c, &lists_then);
            let missing = due
                .iter()
                .filter(|s| !set.contains(&(**s, c.subject_id)))
                .count() as u32;
            finals.insert(c.id, (due.len() as u32, missing));
        }
    }
    Ok(Week {
        from,
        to,
        min_marks: settings.control_min_marks,
        late_days: settings.control_late_days,
        period,
        finals_term,
        courses,
        lessons,
        homework_expected,
        per_lesson,
        students,
        per_student,
        finals,
    })
}

impl Week<'_> {
    /// Homework is expected where the subject has it, from grade 2 (first graders get none,
    /// СанПиН 1.2.3685-21).
    fn expects_homework(&self, c: &CourseInfo) -> bool {
        c.grade >= FIRST_GRADED_GRADE
            && self
                .homework_expected
                .get(&c.subject_id)
                .copied()
                .unwrap_or(true)
    }

    fn lesson_issues(&self, c: &CourseInfo, l: &lesson::Model) -> Acc {
        let blank = |s: &Option<String>| s.as_deref().is_none_or(|t| t.trim().is_empty());
        let (marks, late) = self.per_lesson.get(&l.id).copied().unwrap_or((0, 0));
        let hw = self.expects_homework(c);
        let students = self.students.get(&c.id).map_or(0, |s| s.len() as u32);
        Acc {
            c: ControlCounts {
                lessons_held: 1,
                without_topic: u32::from(blank(&l.topic)),
                without_homework: u32::from(hw && blank(&l.homework)),
                without_attendance: u32::from(l.attendance_taken_at.is_none()),
                marks,
                late_marks: late,
                ..Default::default()
            },
            homework_due: u32::from(hw),
            student_lessons: if c.grade >= FIRST_GRADED_GRADE {
                students
            } else {
                0
            },
            finals_due: 0,
            graded_students: 0,
        }
    }

    fn student_counts(&self, c: &CourseInfo) -> Acc {
        let students = self.students.get(&c.id).cloned().unwrap_or_default();
        let m = |s: &Uuid| self.per_student.get(&(c.id, *s)).copied().unwrap_or(0);
        // First graders get no marks (безотметочное обучение): nobody is below M there.
        let min = if c.grade >= FIRST_GRADED_GRADE {
            u32::try_from(self.min_marks).unwrap_or(0)
        } else {
            0
        };
        let graded = c.grade >= FIRST_GRADED_GRADE;
        let (due, missing) = self.finals.get(&c.id).copied().unwrap_or((0, 0));
        Acc {
            c: ControlCounts {
                students: students.len() as u32,
                students_below_min: students.iter().filter(|s| m(s) < min).count() as u32,
                students_without_marks: if graded {
                    students.iter().filter(|s| m(s) == 0).count() as u32
                } else {
                    0
                },
                missing_finals: missing,
                ..Default::default()
            },
            homework_due: 0,
            student_lessons: 0,
            finals_due: due,
            graded_students: if graded { students.len() as u32 } else { 0 },
        }
    }
}

fn class_label(c: &CourseInfo) -> String {
    match c.group_number {
        Some(g) => format!("{} (гр. {g})", c.class_name),
        None => c.class_name.clone(),
    }
}

/// The weekly control. Principal and admin: every teacher; a teacher: their own rows and the
/// courses of the class they lead. Errors: 403 (students, parents), 404 (no current year).
pub async fn report(
    db: &(impl ConnectionTrait + sea_orm::TransactionTrait),
    actor: &Actor,
    school_id: Uuid,
    q: ControlQuery,
    now: DateTime<Utc>,
) -> AppResult<JournalControl> {
    let snap = crate::service::snapshot::get(db, actor, school_id).await?;
    let cat = &snap.catalog;
    let scope = Scope::of(db, actor, school_id, cat).await?;
    let w = load_week(db, &snap, q.week, None, now).await?;
    // (course, teacher) → counts.
    let mut rows: HashMap<(Uuid, Uuid), Acc> = HashMap::new();
    let by_id: HashMap<Uuid, &CourseInfo> = w.courses.iter().map(|c| (c.id, *c)).collect();
    for l in &w.lessons {
        let Some(c) = by_id.get(&l.course_id) else {
            continue;
        };
        let acc = w.lesson_issues(c, l);
        let holders: Vec<Uuid> = match l.substitute_id {
            Some(s) => vec![s],
            None => c.teacher_ids.clone(),
        };
        for t in holders {
            rows.entry((c.id, t)).or_default().add(&acc);
        }
    }
    for c in &w.courses {
        let acc = w.student_counts(c);
        for t in &c.teacher_ids {
            rows.entry((c.id, *t)).or_default().add(&acc);
        }
    }
    let visible = |c: &CourseInfo, t: Uuid| {
        q.teacher_id.is_none_or(|x| x == t)
            && (scope.sees_teacher(t) || scope.sees_class(c.class_id))
    };
    let name = |t: Uuid| cat.staff_names.get(&t).cloned().unwrap_or_default();
    let mut course_rows = Vec::new();
    let mut teachers: BTreeMap<(String, Uuid), Acc> = BTreeMap::new();
    for ((course_id, t), acc) in &rows {
        let c = by_id[course_id];
        if !visible(c, *t) {
            continue;
        }
        if q.teacher_id.is_none_or(|x| x == *t) && scope.sees_teacher(*t) {
            teachers.entry((name(*t), *t)).or_default().add(acc);
        }
        course_rows.push((
            (
                name(*t),
                c.grade,
                c.letter.clone(),
                c.subject_name.clone(),
                c.group_number,
            ),
            ControlRow {
                key: format!("course:{course_id}:{t}"),
                teacher_id: *t,
                teacher_name: name(*t),
                course_id: Some(*course_id),
                class_name: Some(class_label(c)),
                subject_name: Some(c.subject_name.clone()),
                counts: acc.finish(),
            },
        ));
    }
    course_rows.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(JournalControl {
        from: w.from,
        to: w.to,
        min_marks: w.min_marks,
        late_days: w.late_days,
        period_term: w.period.map(|p| p.0),
        period_starts_on: w.period.map(|p| p.1),
        finals_term: w.finals_term.map(|p| p.0),
        teachers: teachers
            .into_iter()
            .map(|((n, t), acc)| ControlRow {
                key: format!("teacher:{t}"),
                teacher_id: t,
                teacher_name: n,
                course_id: None,
                class_name: None,
                subject_name: None,
                counts: acc.finish(),
            })
            .collect(),
        courses: course_rows.into_iter().map(|(_, r)| r).collect(),
    })
}

/// The query of a drill-down.
#[derive(Debug, Clone, Copy, Default)]
pub struct DetailQuery {
    /// Any day of the week; default: today.
    pub week: Option<NaiveDate>,
    /// The row of this teacher.
    pub teacher_id: Option<Uuid>,
    /// Only the lessons or students with this issue.
    pub issue: Option<ControlIssue>,
}

/// The lessons and students behind one course's control row for the week, only those with
/// `issue` when given; with `teacher_id` those of that teacher's row (the lessons they held:
/// their substitutions, or the lessons nobody substituted when they teach the course). Who sees
/// the course's row; a teacher who only substituted in it sees their own lessons. Errors: 403,
/// 404 (course).
pub async fn detail(
    db: &(impl ConnectionTrait + sea_orm::TransactionTrait),
    actor: &Actor,
    school_id: Uuid,
    course_id: Uuid,
    q: DetailQuery,
    now: DateTime<Utc>,
) -> AppResult<ControlDetail> {
    let DetailQuery {
        week,
        teacher_id,
        issue,
    } = q;
    let snap = crate::service::snapshot::get(db, actor, school_id).await?;
    let cat = &snap.catalog;
    let scope = Scope::of(db, actor, school_id, cat).await?;
    let course = cat.course(course_id)?;
    let mut w = load_week(db, &snap, week, Some(course_id), now).await?;
    // A teacher who only substituted in the course sees their own lessons of it.
    let teacher_id = if scope.sees_course(course) {
        teacher_id
    } else {
        let me = match &scope {
            Scope::Teacher { person_id, .. } => *person_id,
            Scope::School => None,
        };
        match me {
            Some(me) if w.lessons.iter().any(|l| l.substitute_id == Some(me)) => Some(me),
            _ => return Err(AppError::forbidden()),
        }
    };
    // The row of one teacher: the lessons they held (their substitutions, or the course's
    // lessons nobody substituted), and the students only for the course's own teachers.
    let students_shown = teacher_id.is_none_or(|t| course.teacher_ids.contains(&t));
    if let Some(t) = teacher_id {
        w.lessons.retain(|l| match l.substitute_id {
            Some(s) => s == t,
            None => course.teacher_ids.contains(&t),
        });
    }
    let subs: Vec<Uuid> = w.lessons.iter().filter_map(|l| l.substitute_id).collect();
    let sub_names: HashMap<Uuid, String> = if subs.is_empty() {
        HashMap::new()
    } else {
        person::Entity::find()
            .filter(person::Column::SchoolId.eq(school_id))
            .filter(person::Column::Id.is_in(subs))
            .all(db)
            .await?
            .iter()
            .map(|p| (p.id, name_of(p)))
            .collect()
    };
    let lessons: Vec<ControlLesson> = w
        .lessons
        .iter()
        .filter(|l| {
            let acc = w.lesson_issues(course, l).c;
            match issue {
                None | Some(ControlIssue::BelowMinMarks) | Some(ControlIssue::WithoutMarks) => {
                    issue.is_none()
                }
                Some(ControlIssue::WithoutTopic) => acc.without_topic > 0,
                Some(ControlIssue::WithoutHomework) => acc.without_homework > 0,
                Some(ControlIssue::WithoutAttendance) => acc.without_attendance > 0,
                Some(ControlIssue::LateMarks) => acc.late_marks > 0,
            }
        })
        .map(|l| {
            let (marks, late) = w.per_lesson.get(&l.id).copied().unwrap_or((0, 0));
            ControlLesson {
                lesson_id: l.id,
                course_id,
                date: l.date,
                lesson_number: l.lesson_number,
                topic: l.topic.clone(),
                homework: l.homework.clone(),
                homework_expected: w.expects_homework(course),
                attendance_taken: l.attendance_taken_at.is_some(),
                marks,
                late_marks: late,
                substitute_name: l.substitute_id.and_then(|s| sub_names.get(&s).cloned()),
            }
        })
        .collect();
    let ids = w.students.get(&course_id).cloned().unwrap_or_default();
    let names: HashMap<Uuid, String> = if ids.is_empty() {
        HashMap::new()
    } else {
        person::Entity::find()
            .filter(
                Condition::all()
                    .add(person::Column::SchoolId.eq(school_id))
                    .add(person::Column::Id.is_in(ids.clone())),
            )
            .all(db)
            .await?
            .iter()
            .map(|p| (p.id, name_of(p)))
            .collect()
    };
    let min = u32::try_from(w.min_marks).unwrap_or(0);
    // First graders get no marks: nobody is below M or without marks there (as in the row).
    let graded = course.grade >= FIRST_GRADED_GRADE;
    let mut students: Vec<ControlStudent> = ids
        .iter()
        .filter(|_| students_shown)
        .map(|s| ControlStudent {
            student_id: *s,
            name: names.get(s).cloned().unwrap_or_default(),
            marks: w.per_student.get(&(course_id, *s)).copied().unwrap_or(0),
        })
        .filter(|s| match issue {
            Some(ControlIssue::BelowMinMarks) => graded && s.marks < min,
            Some(ControlIssue::WithoutMarks) => graded && s.marks == 0,
            None => true,
            _ => false,
        })
        .collect();
    students.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(ControlDetail {
        course_id,
        label: format!("{} · {}", class_label(course), course.subject_name),
        from: w.from,
        to: w.to,
        issue,
        lessons,
        students,
    })
}
