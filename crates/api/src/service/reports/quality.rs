//! The performance and quality report (отчёт об успеваемости и качестве знаний, regulation
//! §16) of a term: per class, grade level, subject, teacher, course and the whole school, the
//! metrics of DESIGN §2 as [`otmetka_domain::reports::quality_stats`] computes them:
//! успеваемость = students with no failing or н/а mark ÷ N; качество = students with only 4 and
//! 5 ÷ N; СОУ = (100·n5 + 64·n4 + 36·n3 + 16·n2 + 7·n_na) ÷ marks; N = the attested students.
//!
//! The marks are the term's final marks; where a final mark is not set yet (`basis=auto`, the
//! default) the suggestion from the current weighted average stands in, counted separately as
//! `suggested_marks` so the SPA labels the figures preliminary. The averages come from the
//! database as sums per student and subject (one grouped query per numeric scale), not from
//! the marks one by one.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use otmetka_domain::ErrorCode;
use otmetka_domain::finals::Term;
use otmetka_domain::grading::{
    MarkScale, ScaleValue, average_from_sums, round2, suggest_period_mark, suggest_year_mark,
};
use otmetka_domain::reports::{
    BasisChoice, QualityReport, QualityRow, ReportBasis, ReportSubject, StandingMark,
    StudentStanding, quality_stats, standing,
};
use sea_orm::sea_query::{CaseStatement, Expr, ExprTrait, Func};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, JoinType, QueryFilter, QuerySelect, RelationDef,
    RelationTrait,
};
use uuid::Uuid;

use super::Scope;
use crate::auth::Actor;
use crate::entity::{course, final_mark, lesson, mark, person, subject, work};
use crate::error::{AppError, AppResult};
use crate::service::finals::{YearTerms, class_lists_on, course_members, name_of, term_title};
use crate::service::marks::MarkConfig;
use crate::service::structure::school_today_at;
use crate::service::timetable::{Catalog, CourseInfo};

/// The query of the report.
#[derive(Debug, Clone, Default)]
pub struct QualityQuery {
    pub academic_year_id: Option<Uuid>,
    /// Default: the final-kind period that ended last (or the current one).
    pub term: Option<Term>,
    /// Add the class's students (drill-down).
    pub class_id: Option<Uuid>,
    pub basis: BasisChoice,
}

fn mark_join() -> [RelationDef; 3] {
    [
        mark::Relation::Work.def(),
        mark::Relation::Lesson.def(),
        mark::Entity::belongs_to(course::Entity)
            .from(mark::Column::CourseId)
            .to(course::Column::Id)
            .into(),
    ]
}

/// The weighted averages of every student × subject of the year over lessons in
/// `[from, to]`: Σ(value × weight), Σ weight and the count summed by the database, one grouped
/// query per scale with numeric values, the value → number mapping as a `CASE` built from the
/// scale (DESIGN §2: marks that do not count leave both sums).
pub async fn subject_averages(
    db: &impl ConnectionTrait,
    school_id: Uuid,
    year_id: Uuid,
    cat: &Catalog,
    cfg: &MarkConfig,
    from: NaiveDate,
    to: NaiveDate,
) -> AppResult<HashMap<(Uuid, Uuid), Option<f64>>> {
    let mut out = HashMap::new();
    // scale id → the subjects that use it this year.
    let mut by_scale: HashMap<Uuid, HashSet<Uuid>> = HashMap::new();
    for c in cat.courses.values() {
        if c.academic_year_id == year_id {
            by_scale
                .entry(cfg.scale(c.subject_scale_id).id)
                .or_default()
                .insert(c.subject_id);
        }
    }
    for (scale_id, subjects) in by_scale {
        let Some(scale) = cfg.scales.iter().find(|s| s.id == scale_id) else {
            continue;
        };
        let counting: Vec<(&str, f64)> = scale
            .values
            .iter()
            .filter(|v| v.counts)
            .filter_map(|v| Some((v.value.as_str(), v.numeric?)))
            .collect();
        if counting.is_empty() {
            continue;
        }
        let mut case = CaseStatement::new();
        for (v, n) in &counting {
            case = case.case(
                Expr::col((mark::Entity, mark::Column::Value)).eq(*v),
                Expr::val(*n),
            );
        }
        let numeric: Expr = case.into();
        let weight = Expr::col((work::Entity, work::Column::Weight));
        let num = Expr::from(Func::sum(numeric.clone().mul(weight.clone())));
        let counted: Expr = CaseStatement::new()
            .case(numeric.clone().is_not_null(), weight)
            .into();
        let den = Expr::from(Func::sum(counted));
        let count = Expr::from(Func::count(numeric));
        let [w, l, c] = mark_join();
        let rows: Vec<SumsRow> = mark::Entity::find()
            .select_only()
            .column(mark::Column::StudentId)
            .column_as(
                Expr::col((course::Entity, course::Column::SubjectId)),
                "subject",
            )
            .column_as(num, "num")
            .column_as(den, "den")
            .column_as(count, "cnt")
            .join(JoinType::InnerJoin, w)
            .join(JoinType::InnerJoin, l)
            .join(JoinType::InnerJoin, c)
            .filter(mark::Column::SchoolId.eq(school_id))
            .filter(lesson::Column::SchoolId.eq(school_id))
            .filter(mark::Column::Value.is_not_null())
            .filter(course::Column::AcademicYearId.eq(year_id))
            .filter(course::Column::SubjectId.is_in(subjects))
            .filter(lesson::Column::Date.gte(from))
            .filter(lesson::Column::Date.lte(to))
            .filter(work::Column::Weight.gt(0.0))
            .group_by(mark::Column::StudentId)
            .group_by(course::Column::SubjectId)
            .into_tuple()
            .all(db)
            .await?;
        for (student, subject, num, den, cnt) in rows {
            let avg = average_from_sums(
                num.unwrap_or(0.0),
                den.unwrap_or(0.0),
                u32::try_from(cnt).unwrap_or(0),
            );
            out.insert((student, subject), avg.average);
        }
    }
    Ok(out)
}

/// (student, subject, Σ value × weight, Σ weight, count) as the database sums them.
type SumsRow = (Uuid, Uuid, Option<f64>, Option<f64>, i64);

/// A course's due students with their mark, if any.
type CourseEntries<'a> = Vec<(Uuid, Option<Entry<'a>>)>;

/// One student's mark in one course for the report.
struct Entry<'a> {
    value: &'a ScaleValue,
    suggested: bool,
}

/// The performance and quality report. Principal and admin: every row; a teacher: their
/// courses and the class they lead (no school, grade or subject rows). A fixed number of
/// queries for any school size. Errors: 400 (term the year lacks), 403 (students, parents),
/// 404 (year, class).
pub async fn report(
    db: &(impl ConnectionTrait + sea_orm::TransactionTrait),
    actor: &Actor,
    school_id: Uuid,
    q: QualityQuery,
    now: DateTime<Utc>,
) -> AppResult<QualityReport> {
    let snap = crate::service::snapshot::get(db, actor, school_id).await?;
    let cat = &snap.catalog;
    let scope = Scope::of(db, actor, school_id, cat).await?;
    let settings = snap.settings.clone();
    let today = school_today_at(&settings.time_zone, now);
    let yt = YearTerms::of_snapshot(&snap, q.academic_year_id)?;
    let year_id = yt.year.id;
    let term = q.term.unwrap_or_else(|| yt.default_term(today));
    let (from, ends_on) = yt.bounds(term).ok_or_else(|| {
        AppError::new(ErrorCode::InvalidQueryParameter).detail(format!("the year has no {term}"))
    })?;
    if let Some(c) = q.class_id {
        crate::service::structure::class_row(db, school_id, c).await?;
        if !scope.sees_class(c) {
            return Err(AppError::forbidden());
        }
    }
    let cfg = &snap.marks;
    // Who is counted: the students in each class (and group) on the term's last day, or today
    // while the term runs.
    let on = Ord::max(Ord::min(ends_on, today), from);
    let (lists, groups) = class_lists_on(&snap.roster, on);
    let finals: HashMap<(Uuid, Uuid), String> = if q.basis == BasisChoice::Suggested {
        HashMap::new()
    } else {
        final_mark::Entity::find()
            .select_only()
            .column(final_mark::Column::StudentId)
            .column(final_mark::Column::SubjectId)
            .column(final_mark::Column::Value)
            .filter(final_mark::Column::SchoolId.eq(school_id))
            .filter(final_mark::Column::AcademicYearId.eq(year_id))
            .filter(final_mark::Column::Term.eq(term.to_string()))
            .filter(final_mark::Column::Value.is_not_null())
            .into_tuple::<(Uuid, Uuid, Option<String>)>()
            .all(db)
            .await?
            .into_iter()
            .filter_map(|(s, subj, v)| Some(((s, subj), v?)))
            .collect()
    };
    // Suggestions: a period's from its weighted average; the year's from the period final
    // marks (as the final-mark sheet suggests it), or the year's average without any.
    let suggest = q.basis != BasisChoice::Final && matches!(term, Term::Period { .. } | Term::Year);
    let averages = if suggest {
        subject_averages(db, school_id, year_id, cat, cfg, from, ends_on).await?
    } else {
        HashMap::new()
    };
    let period_finals: HashMap<(Uuid, Uuid), Vec<String>> = if suggest && term == Term::Year {
        let terms: Vec<String> = yt
            .periods
            .iter()
            .map(|p| {
                Term::Period {
                    kind: yt.kind,
                    number: p.number,
                }
                .to_string()
            })
            .collect();
        let mut m: HashMap<(Uuid, Uuid), Vec<String>> = HashMap::new();
        for (s, subj, v) in final_mark::Entity::find()
            .select_only()
            .column(final_mark::Column::StudentId)
            .column(final_mark::Column::SubjectId)
            .column(final_mark::Column::Value)
            .filter(final_mark::Column::SchoolId.eq(school_id))
            .filter(final_mark::Column::AcademicYearId.eq(year_id))
            .filter(final_mark::Column::Term.is_in(terms))
            .filter(final_mark::Column::Value.is_not_null())
            .into_tuple::<(Uuid, Uuid, Option<String>)>()
            .all(db)
            .await?
        {
            if let Some(v) = v {
                m.entry((s, subj)).or_default().push(v);
            }
        }
        m
    } else {
        HashMap::new()
    };
    let threshold = settings.rounding_threshold;
    let suggestion = |scale: &MarkScale, student: Uuid, subject: Uuid| -> Option<String> {
        if !suggest {
            return None;
        }
        let avg = averages.get(&(student, subject)).copied().flatten();
        match (term, period_finals.get(&(student, subject))) {
            (Term::Year, Some(periods)) if !periods.is_empty() => {
                suggest_year_mark(scale, periods.iter().map(String::as_str), threshold)
            }
            _ => suggest_period_mark(scale, avg, threshold),
        }
    };

    // Every (course, student) due a mark of the term, with the mark.
    let mut courses: Vec<&CourseInfo> = cat
        .courses
        .values()
        .filter(|c| c.academic_year_id == year_id && yt.terms(c.grade).contains(&term))
        .collect();
    courses.sort_by(|a, b| {
        (a.grade, &a.letter, &a.subject_name, a.group_number).cmp(&(
            b.grade,
            &b.letter,
            &b.subject_name,
            b.group_number,
        ))
    });
    let mut per_course: Vec<(&CourseInfo, CourseEntries)> = Vec::new();
    for c in &courses {
        let scale = cfg.scale(c.subject_scale_id);
        let due = course_members(c, &lists, &groups);
        let mut entries = Vec::new();
        for s in due {
            let (value, suggested) = match finals.get(&(s, c.subject_id)) {
                Some(v) => (Some(v.clone()), false),
                None => (suggestion(scale, s, c.subject_id), true),
            };
            let entry = value
                .and_then(|v| scale.find(&v))
                .map(|value| Entry { value, suggested });
            entries.push((s, entry));
        }
        per_course.push((c, entries));
    }

    let row = |key: String, label: String, students: Vec<Vec<&Entry>>| -> QualityRow {
        let finals_n = students.iter().flatten().filter(|e| !e.suggested).count() as u32;
        let suggested_n = students.iter().flatten().filter(|e| e.suggested).count() as u32;
        QualityRow {
            key,
            label,
            grade: None,
            class_id: None,
            subject_id: None,
            teacher_id: None,
            course_id: None,
            stats: quality_stats(
                students
                    .iter()
                    .map(|marks| marks.iter().map(|e| e.value).collect::<Vec<_>>()),
            ),
            final_marks: finals_n,
            suggested_marks: suggested_n,
        }
    };

    // Course rows: each student × subject pair stands by its one mark.
    let mut course_rows = Vec::new();
    for (c, entries) in &per_course {
        if !scope.sees_course(c) {
            continue;
        }
        let label = match c.group_number {
            Some(g) => format!("{} (гр. {g}) · {}", c.class_name, c.subject_name),
            None => format!("{} · {}", c.class_name, c.subject_name),
        };
        let mut r = row(
            format!("course:{}", c.id),
            label,
            entries.iter().map(|(_, e)| e.iter().collect()).collect(),
        );
        r.grade = Some(c.grade);
        r.class_id = Some(c.class_id);
        r.subject_id = Some(c.subject_id);
        r.course_id = Some(c.id);
        r.teacher_id = c.teacher_ids.first().copied();
        course_rows.push(r);
    }

    // Students with all their marks (class, grade and school rows).
    let mut student_marks: HashMap<Uuid, Vec<(&CourseInfo, &Entry)>> = HashMap::new();
    let mut student_class: HashMap<Uuid, &CourseInfo> = HashMap::new();
    for (c, entries) in &per_course {
        for (s, e) in entries {
            if c.group_id.is_none() {
                student_class.entry(*s).or_insert(c);
            }
            let list = student_marks.entry(*s).or_default();
            if let Some(e) = e {
                list.push((c, e));
            }
        }
    }
    // Students of a class with only group courses still belong to it.
    for (c, entries) in &per_course {
        for (s, _) in entries {
            student_class.entry(*s).or_insert(c);
        }
    }
    let mut class_students: BTreeMap<(i32, String, Uuid), Vec<Uuid>> = BTreeMap::new();
    for (s, c) in &student_class {
        class_students
            .entry((c.grade, c.letter.clone(), c.class_id))
            .or_default()
            .push(*s);
    }
    let marks_of = |s: &Uuid| -> Vec<&Entry> {
        student_marks
            .get(s)
            .map(|v| v.iter().map(|(_, e)| *e).collect())
            .unwrap_or_default()
    };
    let mut class_rows = Vec::new();
    let mut grade_students: BTreeMap<i32, Vec<Uuid>> = BTreeMap::new();
    for ((grade, _, class_id), students) in &class_students {
        grade_students
            .entry(*grade)
            .or_default()
            .extend(students.iter().copied());
        if !scope.sees_class(*class_id) {
            continue;
        }
        let name = student_class[&students[0]].class_name.clone();
        let mut r = row(
            format!("class:{class_id}"),
            name,
            students.iter().map(marks_of).collect(),
        );
        r.grade = Some(*grade);
        r.class_id = Some(*class_id);
        class_rows.push(r);
    }
    let (mut grade_rows, mut subject_rows, mut school) = (Vec::new(), Vec::new(), None);
    if scope.whole_school() {
        for (grade, students) in &grade_students {
            let mut r = row(
                format!("grade:{grade}"),
                format!("{grade} классы"),
                students.iter().map(marks_of).collect(),
            );
            r.grade = Some(*grade);
            grade_rows.push(r);
        }
        let mut subjects: BTreeMap<(String, Uuid), Vec<Vec<&Entry>>> = BTreeMap::new();
        for (c, entries) in &per_course {
            subjects
                .entry((c.subject_name.clone(), c.subject_id))
                .or_default()
                .extend(entries.iter().map(|(_, e)| e.iter().collect()));
        }
        for ((name, id), pairs) in subjects {
            let mut r = row(format!("subject:{id}"), name, pairs);
            r.subject_id = Some(id);
            subject_rows.push(r);
        }
        school = Some(row(
            "school".into(),
            "Школа".into(),
            student_class.keys().map(marks_of).collect(),
        ));
    }
    // Teacher rows: every pair of the teacher's courses.
    let mut teachers: BTreeMap<(String, Uuid), Vec<Vec<&Entry>>> = BTreeMap::new();
    for (c, entries) in &per_course {
        for (i, t) in c.teacher_ids.iter().enumerate() {
            if !scope.sees_teacher(*t) {
                continue;
            }
            let name = c.teacher_names.get(i).cloned().unwrap_or_default();
            teachers
                .entry((name, *t))
                .or_default()
                .extend(entries.iter().map(|(_, e)| e.iter().collect()));
        }
    }
    let teacher_rows = teachers
        .into_iter()
        .map(|((name, id), pairs)| {
            let mut r = row(format!("teacher:{id}"), name, pairs);
            r.teacher_id = Some(id);
            r
        })
        .collect();

    // The class drill-down.
    let (mut subjects_of_class, mut students) = (Vec::new(), Vec::new());
    if let Some(class_id) = q.class_id {
        let ids: Vec<Uuid> = class_students
            .iter()
            .find(|((_, _, c), _)| *c == class_id)
            .map(|(_, s)| s.clone())
            .unwrap_or_default();
        let shorts: HashMap<Uuid, String> = subject::Entity::find()
            .filter(subject::Column::SchoolId.eq(school_id))
            .all(db)
            .await?
            .into_iter()
            .map(|s| (s.id, s.short_name))
            .collect();
        let mut subj: BTreeMap<(String, Uuid), String> = BTreeMap::new();
        for (c, _) in per_course.iter().filter(|(c, _)| c.class_id == class_id) {
            let short = shorts
                .get(&c.subject_id)
                .cloned()
                .unwrap_or_else(|| c.subject_name.clone());
            subj.insert((c.subject_name.clone(), c.subject_id), short);
        }
        subjects_of_class = subj
            .into_iter()
            .map(|((name, subject_id), short_name)| ReportSubject {
                subject_id,
                name,
                short_name,
            })
            .collect();
        let people: HashMap<Uuid, String> = if ids.is_empty() {
            HashMap::new()
        } else {
            person::Entity::find()
                .filter(person::Column::SchoolId.eq(school_id))
                .filter(person::Column::Id.is_in(ids.clone()))
                .all(db)
                .await?
                .iter()
                .map(|p| (p.id, name_of(p)))
                .collect()
        };
        for s in ids {
            let list = student_marks.get(&s).cloned().unwrap_or_default();
            let marks: Vec<StandingMark> = subjects_of_class
                .iter()
                .map(|sub| {
                    list.iter()
                        .find(|(c, _)| c.subject_id == sub.subject_id)
                        .map_or(
                            StandingMark {
                                value: None,
                                suggested: false,
                            },
                            |(_, e)| StandingMark {
                                value: Some(e.value.value.clone()),
                                suggested: e.suggested,
                            },
                        )
                })
                .collect();
            let nums: Vec<f64> = list
                .iter()
                .filter(|(_, e)| e.value.counts)
                .filter_map(|(_, e)| e.value.numeric)
                .collect();
            students.push(StudentStanding {
                student_id: s,
                name: people.get(&s).cloned().unwrap_or_default(),
                standing: standing(list.iter().map(|(_, e)| e.value)),
                marks,
                average: (!nums.is_empty())
                    .then(|| round2(nums.iter().sum::<f64>() / nums.len() as f64)),
            });
        }
        students.sort_by(|a, b| a.name.cmp(&b.name));
    }

    let all: Vec<&QualityRow> = class_rows.iter().chain(course_rows.iter()).collect();
    let (f, s): (u32, u32) = all.iter().fold((0, 0), |(f, s), r| {
        (f + r.final_marks, s + r.suggested_marks)
    });
    let basis = match (f, s) {
        (0, 0) => ReportBasis::Empty,
        (_, 0) => ReportBasis::Final,
        (0, _) => ReportBasis::Suggested,
        _ => ReportBasis::Mixed,
    };
    Ok(QualityReport {
        academic_year_id: year_id,
        term,
        term_title: term_title(term),
        basis,
        school,
        grades: grade_rows,
        classes: class_rows,
        subjects: subject_rows,
        teachers: teacher_rows,
        courses: course_rows,
        class_id: q.class_id,
        subjects_of_class,
        students,
    })
}
