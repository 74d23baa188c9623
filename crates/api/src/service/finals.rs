//! Final marks (regulation §6; DESIGN §2, §3): quarter (trimester, half-year), year, exam and
//! final (итоговая) marks per student × subject × term, beside the suggestion the marks give
//! through the one grading function and the school's rounding threshold; the teachers' window
//! (K days before a period's end to N days after it, in the school's time zone), the principal's
//! and the admin's override with a reason, the admin's reopening of a term for a course, the
//! principal's closing view and the report card (табель успеваемости).

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use otmetka_domain::finals::{
    ClosingCourse, CourseFinalMarks, FailingFinalMark, FinalMarkCell, FinalMarksBatch,
    FinalMarksResult, FinalTerm, PeriodClosing, ReportCard, ReportCardSubject, Term, TermReopening,
    TermReopeningInput, TermState, mean_of_marks, needs_comment, suggest_for_term, term_state,
    term_window, terms_for,
};
use otmetka_domain::grading::{Average, MarkScale, weighted_average};
use otmetka_domain::journal::{DateSpan, JournalStudent};
use otmetka_domain::structure::{PeriodKind, SchoolSettings};
use otmetka_domain::{ErrorCode, FieldError, Role};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set, TransactionSession, TransactionTrait,
};
use uuid::Uuid;
use validator::Validate;

use crate::auth::Actor;
use crate::auth::policy::{self, Action};
use crate::entity::{
    academic_year, class, enrollment, final_mark, period, person, subject, term_reopening,
};
use crate::error::{AppError, AppResult};
use crate::service::audit::Audit;
use crate::service::journal::{authorize_journal_read, course_students};
use crate::service::lessons::authorize_student_schedule;
use crate::service::marks::{MarkConfig, weighed_marks};
use crate::service::structure::{begin_locked, get_settings_row, school_today_at};
use crate::service::timetable::{Catalog, CourseInfo};

// ---------- the terms of a year ----------

/// A year's final-mark terms for a school: the periods of its final kind and the K/N days.
pub struct YearTerms {
    pub year: academic_year::Model,
    pub kind: PeriodKind,
    /// The periods of the final kind, by number.
    pub periods: Vec<period::Model>,
    open_days: i32,
    close_days: i32,
}

impl YearTerms {
    /// Loads the year and its periods of the school's final kind (two queries). Errors: 404.
    pub async fn load(
        db: &impl ConnectionTrait,
        school_id: Uuid,
        year_id: Uuid,
        settings: &SchoolSettings,
    ) -> AppResult<YearTerms> {
        let year = academic_year::Entity::find_by_id(year_id)
            .filter(academic_year::Column::SchoolId.eq(school_id))
            .one(db)
            .await?
            .ok_or_else(|| AppError::not_found("academic year"))?;
        let periods = period::Entity::find()
            .filter(period::Column::SchoolId.eq(school_id))
            .filter(period::Column::AcademicYearId.eq(year_id))
            .filter(period::Column::Kind.eq(settings.final_period_kind.as_str()))
            .order_by_asc(period::Column::Number)
            .all(db)
            .await?;
        Ok(YearTerms::new(year, periods, settings))
    }

    /// [`YearTerms::load`] from the school's snapshot (no statement); `None` = the current
    /// year. Errors: 404.
    pub fn of_snapshot(
        snap: &crate::service::snapshot::Snapshot,
        year_id: Option<Uuid>,
    ) -> AppResult<YearTerms> {
        let year = snap.year(year_id)?.clone();
        let kind = snap.settings.final_period_kind.as_str();
        let mut periods: Vec<period::Model> = snap
            .periods
            .iter()
            .filter(|p| p.academic_year_id == year.id && p.kind == kind)
            .cloned()
            .collect();
        periods.sort_by_key(|p| p.number);
        Ok(YearTerms::new(year, periods, &snap.settings))
    }

    fn new(
        year: academic_year::Model,
        periods: Vec<period::Model>,
        settings: &SchoolSettings,
    ) -> YearTerms {
        YearTerms {
            year,
            kind: settings.final_period_kind,
            periods,
            open_days: settings.final_marks_open_days,
            close_days: settings.final_marks_close_days,
        }
    }

    /// The terms a class of `grade` gets marks for.
    pub fn terms(&self, grade: i32) -> Vec<Term> {
        let numbers: Vec<i32> = self.periods.iter().map(|p| p.number).collect();
        terms_for(self.kind, &numbers, grade)
    }

    /// The year's teaching days: the first period's start to the last period's end (the
    /// academic year's bounds without periods).
    pub fn teaching(&self) -> (NaiveDate, NaiveDate) {
        match (self.periods.first(), self.periods.last()) {
            (Some(f), Some(l)) => (f.starts_on, l.ends_on),
            _ => (self.year.starts_on, self.year.ends_on),
        }
    }

    fn period(&self, term: Term) -> Option<&period::Model> {
        match term {
            Term::Period { kind, number } if kind == self.kind => {
                self.periods.iter().find(|p| p.number == number)
            }
            _ => None,
        }
    }

    /// The days a term is about (`None` for a period the year lacks).
    pub fn bounds(&self, term: Term) -> Option<(NaiveDate, NaiveDate)> {
        match term {
            Term::Period { .. } => self.period(term).map(|p| (p.starts_on, p.ends_on)),
            _ => Some(self.teaching()),
        }
    }

    /// The term a view is about by default: the final-kind period that ended last before
    /// `today`, else the one running, else the first; the year when there are no periods.
    pub fn default_term(&self, today: NaiveDate) -> Term {
        self.periods
            .iter()
            .rev()
            .find(|p| p.ends_on < today)
            .or_else(|| self.periods.iter().find(|p| p.starts_on <= today))
            .or_else(|| self.periods.first())
            .map(|p| Term::Period {
                kind: self.kind,
                number: p.number,
            })
            .unwrap_or(Term::Year)
    }

    /// The teachers' window (inclusive days): K days before the term's end to N days after it;
    /// exam and final marks stay open until the academic year's last day at least (the exams
    /// come after the teaching ends).
    pub fn window(&self, term: Term) -> Option<(NaiveDate, NaiveDate)> {
        let (_, ends) = self.bounds(term)?;
        let (opens, closes) = term_window(ends, self.open_days, self.close_days);
        Some(match term {
            Term::Exam | Term::Final => (opens, closes.max(self.year.ends_on)),
            _ => (opens, closes),
        })
    }

    /// The term as a reader of a course sees it today.
    pub fn info(
        &self,
        term: Term,
        reopened_until: Option<NaiveDate>,
        today: NaiveDate,
        who: Who,
    ) -> Option<FinalTerm> {
        let (starts_on, ends_on) = self.bounds(term)?;
        let (opens_on, closes_on) = self.window(term)?;
        let state = state_of(opens_on, closes_on, reopened_until, today);
        let teachers_may = matches!(state, TermState::Open | TermState::Reopened);
        Some(FinalTerm {
            term,
            period_id: self.period(term).map(|p| p.id),
            starts_on,
            ends_on,
            opens_on,
            closes_on,
            reopened_until,
            state,
            writable: match who {
                Who::Overseer => true,
                Who::Teacher => teachers_may,
                Who::Reader => false,
            },
            reason_required: who == Who::Overseer && !teachers_may,
        })
    }
}

fn state_of(
    opens_on: NaiveDate,
    closes_on: NaiveDate,
    reopened_until: Option<NaiveDate>,
    today: NaiveDate,
) -> TermState {
    // `term_state` counts from the period's end; shift so that it sees the same window.
    let k = (closes_on - opens_on).num_days() as i32;
    term_state(closes_on, k, 0, reopened_until, today)
}

/// Who a reader is for a course's final marks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Who {
    /// The principal, the admin (and the superadmin): write any time; outside the teachers'
    /// window with a reason.
    Overseer,
    /// A teacher of the course: inside the window.
    Teacher,
    /// Anyone else who reads (the class teacher, a substitute).
    Reader,
}

fn who_for(cat: &Catalog, actor: &Actor, school_id: Uuid, course: &CourseInfo) -> Who {
    if actor.is_superadmin
        || actor
            .roles_in(school_id)
            .any(|r| r == Role::Admin || r == Role::Principal)
    {
        return Who::Overseer;
    }
    match cat.teacher_person_of(actor, school_id) {
        Some(me) if course.teacher_ids.contains(&me) => Who::Teacher,
        _ => Who::Reader,
    }
}

/// The reopenings of a course: term → last day.
async fn reopenings_of(
    db: &impl ConnectionTrait,
    school_id: Uuid,
    course_id: Uuid,
) -> AppResult<Vec<term_reopening::Model>> {
    Ok(term_reopening::Entity::find()
        .filter(term_reopening::Column::SchoolId.eq(school_id))
        .filter(term_reopening::Column::CourseId.eq(course_id))
        .order_by_asc(term_reopening::Column::CreatedAt)
        .all(db)
        .await?)
}

fn reopened_map(rows: &[term_reopening::Model]) -> HashMap<Term, NaiveDate> {
    rows.iter()
        .filter_map(|r| Some((r.term.parse::<Term>().ok()?, r.until)))
        .collect()
}

/// The periods whose final marks are closed for teachers today, for the journal's read-only
/// rule: `(course or None for every course, first day, last day)` spans are not needed; the
/// journal asks [`ClosedPeriods::closes`] per lesson.
pub struct ClosedPeriods {
    /// Final-kind periods of the school: (term, starts_on, ends_on, last open day).
    periods: Vec<(Term, NaiveDate, NaiveDate, NaiveDate)>,
    /// (course, term) → reopened until.
    reopened: HashMap<(Uuid, Term), NaiveDate>,
    today: NaiveDate,
}

impl ClosedPeriods {
    /// Loads the school's final-kind periods and the reopenings still running (two queries).
    pub async fn load(
        db: &impl ConnectionTrait,
        school_id: Uuid,
        settings: &SchoolSettings,
        today: NaiveDate,
    ) -> AppResult<ClosedPeriods> {
        let periods = period::Entity::find()
            .filter(period::Column::SchoolId.eq(school_id))
            .filter(period::Column::Kind.eq(settings.final_period_kind.as_str()))
            .all(db)
            .await?;
        let reopenings = term_reopening::Entity::find()
            .filter(term_reopening::Column::SchoolId.eq(school_id))
            .filter(term_reopening::Column::Until.gte(today))
            .all(db)
            .await?;
        Ok(ClosedPeriods::of(&periods, &reopenings, settings, today))
    }

    /// [`ClosedPeriods::load`] from the school's snapshot (no statement).
    pub fn of_snapshot(
        snap: &crate::service::snapshot::Snapshot,
        today: NaiveDate,
    ) -> ClosedPeriods {
        ClosedPeriods::of(&snap.periods, &snap.reopenings, &snap.settings, today)
    }

    /// From the school's periods (of any kind) and reopenings (running or not).
    fn of(
        periods: &[period::Model],
        reopenings: &[term_reopening::Model],
        settings: &SchoolSettings,
        today: NaiveDate,
    ) -> ClosedPeriods {
        let periods = periods
            .iter()
            .filter(|p| p.kind == settings.final_period_kind.as_str())
            .map(|p| {
                let (_, closes) = term_window(
                    p.ends_on,
                    settings.final_marks_open_days,
                    settings.final_marks_close_days,
                );
                (
                    Term::Period {
                        kind: settings.final_period_kind,
                        number: p.number,
                    },
                    p.starts_on,
                    p.ends_on,
                    closes,
                )
            })
            .collect();
        let reopened = reopenings
            .iter()
            .filter(|r| r.until >= today)
            .filter_map(|r| Some(((r.course_id, r.term.parse::<Term>().ok()?), r.until)))
            .collect();
        ClosedPeriods {
            periods,
            reopened,
            today,
        }
    }

    /// The closed period a lesson of the course on `date` lies in, if any: its window ended
    /// before today and no reopening for the course runs.
    pub fn closes(&self, course_id: Uuid, date: NaiveDate) -> Option<(Term, NaiveDate)> {
        self.periods
            .iter()
            .find(|(_, from, to, _)| *from <= date && date <= *to)
            .filter(|(term, _, _, closes)| {
                self.today > *closes
                    && self
                        .reopened
                        .get(&(course_id, *term))
                        .is_none_or(|u| self.today > *u)
            })
            .map(|(t, _, _, closes)| (*t, *closes))
    }
}

// ---------- suggestions ----------

/// The subject's marks of the students in the year, bucketed by the year's periods: each
/// (student, period term) → the weighted average over every course of the subject (a student who
/// changed class keeps the marks of the old class). Three queries.
async fn period_averages(
    db: &impl ConnectionTrait,
    cat: &Catalog,
    school_id: Uuid,
    scale: &MarkScale,
    subject_id: Uuid,
    yt: &YearTerms,
    students: &[Uuid],
) -> AppResult<HashMap<(Uuid, Term), Average>> {
    if students.is_empty() || yt.periods.is_empty() {
        return Ok(HashMap::new());
    }
    let (from, to) = yt.teaching();
    let courses: Vec<Uuid> = cat
        .courses
        .values()
        .filter(|c| c.academic_year_id == yt.year.id && c.subject_id == subject_id)
        .map(|c| c.id)
        .collect();
    if courses.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = weighed_marks(db, school_id, &courses, students, from, to).await?;
    // Per (student, term): each mark's counting value and its work's weight.
    let mut buckets: HashMap<(Uuid, Term), Vec<CountedMark>> = HashMap::new();
    for r in &rows {
        if let Some(p) = yt
            .periods
            .iter()
            .find(|p| p.starts_on <= r.lesson_date && r.lesson_date <= p.ends_on)
        {
            let term = Term::Period {
                kind: yt.kind,
                number: p.number,
            };
            buckets
                .entry((r.student_id, term))
                .or_default()
                .push((scale.counting(&r.value), r.work_weight));
        }
    }
    Ok(buckets
        .into_iter()
        .map(|(k, ms)| (k, weighted_average(ms)))
        .collect())
}

/// A mark as the weighted average takes it: its value if it counts, its work's weight.
type CountedMark = (Option<f64>, f64);

/// The values set per (student, term), as the suggestion of later terms reads them.
type Values = HashMap<(Uuid, Term), String>;

/// The average and suggestion of one cell. The year's average is the mean of the counting
/// period marks; the final's of the year and exam marks.
fn suggestion(
    scale: &MarkScale,
    yt: &YearTerms,
    student: Uuid,
    term: Term,
    averages: &HashMap<(Uuid, Term), Average>,
    values: &Values,
    threshold: f64,
) -> (Option<f64>, Option<String>) {
    let get = |t: Term| values.get(&(student, t)).map(String::as_str);
    let period_marks: Vec<&str> = yt
        .periods
        .iter()
        .filter_map(|p| {
            get(Term::Period {
                kind: yt.kind,
                number: p.number,
            })
        })
        .collect();
    let year_exam: Vec<&str> = [Term::Year, Term::Exam]
        .into_iter()
        .filter_map(get)
        .collect();
    let average = match term {
        Term::Period { .. } => averages.get(&(student, term)).and_then(|a| a.average),
        Term::Year => mean_of_marks(scale, period_marks.iter().copied()),
        Term::Exam => None,
        Term::Final => mean_of_marks(scale, year_exam.iter().copied()),
    };
    let suggested = suggest_for_term(scale, term, average, &period_marks, &year_exam, threshold);
    (average, suggested)
}

// ---------- the course sheet ----------

/// Everyone in the course during the year, with their spans (three queries).
async fn year_students(
    db: &impl ConnectionTrait,
    school_id: Uuid,
    course: &CourseInfo,
    yt: &YearTerms,
) -> AppResult<Vec<JournalStudent>> {
    let (from, to) = (yt.year.starts_on, yt.year.ends_on);
    course_students(db, school_id, course, from, to).await
}

fn in_spans(spans: &[DateSpan], day: NaiveDate) -> bool {
    spans.iter().any(|s| s.contains(day))
}

fn overlaps(spans: &[DateSpan], from: NaiveDate, to: NaiveDate) -> bool {
    spans
        .iter()
        .any(|s| s.from <= to && s.to.is_none_or(|t| from <= t))
}

/// Stored final marks of the students in a subject and year.
async fn stored_marks(
    db: &impl ConnectionTrait,
    school_id: Uuid,
    year_id: Uuid,
    subject_id: Uuid,
    students: &[Uuid],
) -> AppResult<Vec<final_mark::Model>> {
    let mut out = Vec::new();
    for chunk in students.chunks(500) {
        out.extend(
            final_mark::Entity::find()
                .filter(final_mark::Column::SchoolId.eq(school_id))
                .filter(final_mark::Column::AcademicYearId.eq(year_id))
                .filter(final_mark::Column::SubjectId.eq(subject_id))
                .filter(final_mark::Column::StudentId.is_in(chunk.to_vec()))
                .all(db)
                .await?,
        );
    }
    Ok(out)
}

pub(crate) fn name_of(p: &person::Model) -> String {
    otmetka_domain::person::full_name(&p.last_name, &p.first_name, p.middle_name.as_deref())
}

fn cell(
    student: Uuid,
    subject_id: Uuid,
    term: Term,
    row: Option<&final_mark::Model>,
    names: &HashMap<Uuid, String>,
    (average, suggested): (Option<f64>, Option<String>),
    due: bool,
) -> FinalMarkCell {
    FinalMarkCell {
        student_id: student,
        subject_id,
        term,
        value: row.and_then(|r| r.value.clone()),
        comment: row.and_then(|r| r.comment.clone()),
        version: row.map_or(0, |r| r.version),
        set_at: row.filter(|r| r.value.is_some()).map(|r| r.set_at),
        set_by_name: row
            .filter(|r| r.value.is_some())
            .and_then(|r| r.set_by)
            .and_then(|a| names.get(&a).cloned()),
        average,
        suggested,
        due,
    }
}

/// The course's year the request is about.
async fn course_context(
    db: &impl ConnectionTrait,
    school_id: Uuid,
    course: &CourseInfo,
    settings: &SchoolSettings,
) -> AppResult<YearTerms> {
    YearTerms::load(db, school_id, course.academic_year_id, settings).await
}

/// A course's final-mark sheet for its academic year: the terms with their windows and what the
/// reader may do, everyone in the course during the year, and one cell per student × term with
/// the stored mark, the average and the suggestion. Readers: as the journal (the course's
/// teachers, the class teacher, substitutes, admin, principal). Errors: 403, 404.
pub async fn course_sheet(
    db: &sea_orm::DatabaseConnection,
    actor: &Actor,
    school_id: Uuid,
    course_id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<CourseFinalMarks> {
    policy::authorize(actor, school_id, Action::ReadJournal)?;
    // The catalog, settings and mark settings from the school's snapshot (the journal page
    // reloads this sheet after every saved batch).
    let snap = crate::service::snapshot::get(db, actor, school_id).await?;
    let cat = &snap.catalog;
    let course = cat.course(course_id)?;
    authorize_journal_read(db, cat, actor, school_id, course).await?;
    let settings = &snap.settings;
    let today = school_today_at(&settings.time_zone, now);
    let cfg = &snap.marks;
    let scale = cfg.scale(course.subject_scale_id).clone();
    let yt = YearTerms::of_snapshot(&snap, Some(course.academic_year_id))?;
    let who = who_for(cat, actor, school_id, course);
    let reopenings: Vec<term_reopening::Model> = snap
        .reopenings
        .iter()
        .filter(|r| r.course_id == course_id)
        .cloned()
        .collect();
    let reopened = reopened_map(&reopenings);
    let terms: Vec<FinalTerm> = yt
        .terms(course.grade)
        .into_iter()
        .filter_map(|t| yt.info(t, reopened.get(&t).copied(), today, who))
        .collect();
    let students = crate::service::journal::course_students_in(
        &snap.roster,
        course,
        yt.year.starts_on,
        yt.year.ends_on,
    );
    let ids: Vec<Uuid> = students.iter().map(|s| s.id).collect();
    let rows = stored_marks(db, school_id, yt.year.id, course.subject_id, &ids).await?;
    let names = account_names(db, school_id, rows.iter().filter_map(|r| r.set_by)).await?;
    let averages =
        period_averages(db, cat, school_id, &scale, course.subject_id, &yt, &ids).await?;
    let mut by_cell: HashMap<(Uuid, Term), &final_mark::Model> = HashMap::new();
    let mut values: Values = HashMap::new();
    for r in &rows {
        if let Ok(t) = r.term.parse::<Term>() {
            by_cell.insert((r.student_id, t), r);
            if let Some(v) = &r.value {
                values.insert((r.student_id, t), v.clone());
            }
        }
    }
    let mut cells = Vec::with_capacity(ids.len() * terms.len());
    for s in &students {
        for t in &terms {
            let due = in_spans(&s.enrolled, t.ends_on);
            let sug = suggestion(
                &scale,
                &yt,
                s.id,
                t.term,
                &averages,
                &values,
                settings.rounding_threshold,
            );
            cells.push(cell(
                s.id,
                course.subject_id,
                t.term,
                by_cell.get(&(s.id, t.term)).copied(),
                &names,
                sug,
                due,
            ));
        }
    }
    Ok(CourseFinalMarks {
        course: course.dto(),
        scale,
        rounding_threshold: settings.rounding_threshold,
        terms,
        students,
        cells,
        today,
    })
}

// ---------- writing ----------

fn push(errors: &mut Vec<FieldError>, field: String, code: &str, message: impl Into<String>) {
    errors.push(FieldError {
        field,
        code: code.into(),
        message: message.into(),
    });
}

/// Writes a batch of a course's final marks, all or nothing, inside the school's lock.
///
/// Who: the course's teachers inside the term's window (`ends_on − K` … `ends_on + N`, whole
/// days of the school's time zone, or until a reopening's last day); before it 403
/// `final_mark_not_open`, after it 403 `final_mark_deadline_passed` (regulation §6). The
/// principal and the admin write any time; outside the teachers' window the batch needs a
/// `reason` (422 `reason: required`), which the audit keeps. Others: 403.
///
/// Each cell: the term must be one of the course's (422 `unknown_term`), the value one of the
/// subject's scale (`not_on_scale`), the student in the course during the term (`not_enrolled`;
/// clearing is always allowed), one write per cell (`duplicate`); a value more than one point
/// from the suggestion needs a comment (`comment_required`). A stale `version` → 412
/// `version_mismatch` with `current.cells`, nothing written. Audited as `final_mark_set`,
/// `final_mark_changed`, `final_mark_cleared` with old and new value (and the reason).
pub async fn write_batch(
    db: &(impl ConnectionTrait + TransactionTrait),
    actor: &Actor,
    school_id: Uuid,
    course_id: Uuid,
    batch: FinalMarksBatch,
    now: DateTime<Utc>,
) -> AppResult<FinalMarksResult> {
    policy::authorize(actor, school_id, Action::WriteFinalMarks)?;
    batch.validate()?;
    let cat = Catalog::load(db, school_id).await?;
    let course = cat.course(course_id)?;
    let who = who_for(&cat, actor, school_id, course);
    if who == Who::Reader {
        return Err(AppError::forbidden()
            .detail("only the course's teachers, the principal and the admin set final marks"));
    }
    let settings = get_settings_row(db, school_id).await?;
    let today = school_today_at(&settings.time_zone, now);
    let cfg = MarkConfig::load(db, school_id).await?;
    let scale = cfg.scale(course.subject_scale_id).clone();
    let reason = batch
        .reason
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(str::to_owned);
    if reason.as_ref().is_some_and(|r| r.chars().count() < 3) {
        return Err(AppError::field(
            "reason",
            "length",
            "a reason has 3–500 characters besides spaces",
        ));
    }

    let txn = begin_locked(db, school_id).await?;
    let yt = course_context(&txn, school_id, course, &settings).await?;
    let reopened = reopened_map(&reopenings_of(&txn, school_id, course_id).await?);
    let course_terms = yt.terms(course.grade);
    let students = year_students(&txn, school_id, course, &yt).await?;
    let spans: HashMap<Uuid, &Vec<DateSpan>> =
        students.iter().map(|s| (s.id, &s.enrolled)).collect();

    // Who may write which term now.
    let mut errors = Vec::new();
    let mut infos: HashMap<Term, FinalTerm> = HashMap::new();
    let mut seen = HashSet::new();
    let mut override_used = false;
    for (i, w) in batch.marks.iter().enumerate() {
        let at = format!("marks[{i}]");
        if !course_terms.contains(&w.term) {
            push(
                &mut errors,
                format!("{at}.term"),
                "unknown_term",
                if course_terms.is_empty() {
                    format!(
                        "grade {} is taught without marks and has no final marks",
                        course.grade
                    )
                } else {
                    format!(
                        "{} is not a term of this course ({})",
                        w.term,
                        course_terms
                            .iter()
                            .map(Term::to_string)
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                },
            );
            continue;
        }
        let Some(info) = yt.info(w.term, reopened.get(&w.term).copied(), today, who) else {
            push(
                &mut errors,
                format!("{at}.term"),
                "unknown_term",
                format!("the year has no {}", w.term),
            );
            continue;
        };
        if !info.writable {
            txn.rollback().await?;
            return Err(match info.state {
                TermState::NotOpen => AppError::new(ErrorCode::FinalMarkNotOpen).detail(format!(
                    "final marks of {} open on {}",
                    w.term, info.opens_on
                )),
                _ => AppError::new(ErrorCode::FinalMarkDeadlinePassed).detail(format!(
                    "final marks of {} were due by the end of {} (school time); the principal \
                     or the admin sets them now, or the admin reopens the term for the course",
                    w.term, info.closes_on
                )),
            });
        }
        override_used |= info.reason_required;
        if !seen.insert((w.student_id, w.term)) {
            push(
                &mut errors,
                format!("{at}.student_id"),
                "duplicate",
                "the batch writes this cell twice",
            );
        }
        if !spans.contains_key(&w.student_id) {
            // Not in the course at any time of the year (or not a student of the school).
            push(
                &mut errors,
                format!("{at}.student_id"),
                "not_enrolled",
                format!(
                    "the student is not in {} during the year",
                    course.class_name
                ),
            );
        } else if let Some(v) = &w.value {
            if scale.find(v).is_none() {
                push(
                    &mut errors,
                    format!("{at}.value"),
                    "not_on_scale",
                    format!(
                        "`{v}` is not a value of the scale {} ({})",
                        scale.name,
                        scale
                            .values
                            .iter()
                            .map(|v| v.value.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                );
            }
            if !spans
                .get(&w.student_id)
                .is_some_and(|s| overlaps(s, info.starts_on, info.ends_on))
            {
                push(
                    &mut errors,
                    format!("{at}.student_id"),
                    "not_enrolled",
                    format!(
                        "the student is not in {} between {} and {}",
                        course.class_name, info.starts_on, info.ends_on
                    ),
                );
            }
        }
        infos.insert(w.term, info);
    }
    if override_used && reason.is_none() {
        push(
            &mut errors,
            "reason".into(),
            "required",
            "outside the teachers' window a final mark needs a reason (3–500 characters)",
        );
    }
    if !errors.is_empty() {
        txn.rollback().await?;
        return Err(AppError::fields(errors));
    }

    // Current state of the cells, versions.
    let ids: Vec<Uuid> = students.iter().map(|s| s.id).collect();
    let rows = stored_marks(&txn, school_id, yt.year.id, course.subject_id, &ids).await?;
    let mut by_cell: HashMap<(Uuid, Term), final_mark::Model> = HashMap::new();
    for r in rows {
        if let Ok(t) = r.term.parse::<Term>() {
            by_cell.insert((r.student_id, t), r);
        }
    }
    let averages =
        period_averages(&txn, &cat, school_id, &scale, course.subject_id, &yt, &ids).await?;
    let names = account_names(&txn, school_id, by_cell.values().filter_map(|r| r.set_by)).await?;
    let mut values: Values = by_cell
        .iter()
        .filter_map(|(k, r)| Some((*k, r.value.clone()?)))
        .collect();
    let mut stale = Vec::new();
    for w in &batch.marks {
        let row = by_cell.get(&(w.student_id, w.term));
        if row.map_or(0, |r| r.version) != w.version {
            let sug = suggestion(
                &scale,
                &yt,
                w.student_id,
                w.term,
                &averages,
                &values,
                settings.rounding_threshold,
            );
            let due = spans
                .get(&w.student_id)
                .is_some_and(|s| in_spans(s, infos[&w.term].ends_on));
            stale.push(cell(
                w.student_id,
                course.subject_id,
                w.term,
                row,
                &names,
                sug,
                due,
            ));
        }
    }
    if !stale.is_empty() {
        txn.rollback().await?;
        let mut e = AppError::new(ErrorCode::VersionMismatch).detail(format!(
            "{} final mark(s) were changed meanwhile; nothing was written; see `current`",
            stale.len()
        ));
        e.current = Some(serde_json::json!({ "cells": stale }));
        return Err(e);
    }

    // The values after the batch (the year's suggestion reads the period marks being set).
    let canonical = |v: &Option<String>| -> Option<String> {
        v.as_deref()
            .and_then(|v| scale.find(v))
            .map(|s| s.value.clone())
    };
    for w in &batch.marks {
        match canonical(&w.value) {
            Some(v) => values.insert((w.student_id, w.term), v),
            None => values.remove(&(w.student_id, w.term)),
        };
    }
    // The comment rule.
    for (i, w) in batch.marks.iter().enumerate() {
        let Some(v) = canonical(&w.value) else {
            continue;
        };
        let (_, suggested) = suggestion(
            &scale,
            &yt,
            w.student_id,
            w.term,
            &averages,
            &values,
            settings.rounding_threshold,
        );
        let comment_after = match &w.comment {
            Some(c) => Some(c.trim().to_string()),
            None => by_cell
                .get(&(w.student_id, w.term))
                .and_then(|r| r.comment.clone()),
        }
        .filter(|c| !c.is_empty());
        if needs_comment(&scale, &v, suggested.as_deref()) && comment_after.is_none() {
            push(
                &mut errors,
                format!("marks[{i}].comment"),
                "comment_required",
                format!(
                    "{v} differs from the suggested {} by more than one point; say why in a comment",
                    suggested.unwrap_or_default()
                ),
            );
        }
    }
    if !errors.is_empty() {
        txn.rollback().await?;
        return Err(AppError::fields(errors));
    }

    // Apply.
    let mut audits = Vec::new();
    let mut written = Vec::new();
    for w in &batch.marks {
        let value = canonical(&w.value);
        let comment = w.comment.as_ref().map(|c| {
            let c = c.trim();
            (!c.is_empty()).then(|| c.to_string())
        });
        let old = by_cell.get(&(w.student_id, w.term)).cloned();
        let unchanged = match &old {
            Some(o) => {
                o.value == value
                    && comment
                        .as_ref()
                        .is_none_or(|c| c.as_deref() == o.comment.as_deref())
            }
            None => value.is_none() && comment.clone().flatten().is_none(),
        };
        if unchanged {
            // Nothing to write: the cell stays as it is (no new version, no audit record).
            if let Some(o) = old {
                written.push(o);
            }
            continue;
        }
        let action = match (&old.as_ref().and_then(|o| o.value.clone()), &value) {
            (None, Some(_)) => "final_mark_set",
            (Some(_), None) => "final_mark_cleared",
            _ => "final_mark_changed",
        };
        let row = match old.clone() {
            Some(o) => {
                let mut am: final_mark::ActiveModel = o.clone().into();
                if o.value != value {
                    am.previous_value = Set(o.value.clone());
                }
                am.value = Set(value.clone());
                if let Some(c) = comment.clone() {
                    am.comment = Set(c);
                }
                am.version = Set(o.version + 1);
                am.set_by = Set(Some(actor.account_id));
                am.set_at = Set(now);
                am.course_id = Set(Some(course_id));
                am.update(&txn).await?
            }
            None => {
                final_mark::ActiveModel {
                    id: Set(Uuid::now_v7()),
                    school_id: Set(school_id),
                    academic_year_id: Set(yt.year.id),
                    student_id: Set(w.student_id),
                    subject_id: Set(course.subject_id),
                    term: Set(w.term.to_string()),
                    course_id: Set(Some(course_id)),
                    value: Set(value.clone()),
                    previous_value: Set(None),
                    comment: Set(comment.clone().flatten()),
                    version: Set(1),
                    set_by: Set(Some(actor.account_id)),
                    set_at: Set(now),
                    created_at: Set(now),
                }
                .insert(&txn)
                .await?
            }
        };
        let info = &infos[&w.term];
        let mut new_value = serde_json::json!({
            "student_id": w.student_id,
            "subject_id": course.subject_id,
            "course_id": course_id,
            "term": w.term,
            "value": row.value,
            "comment": row.comment,
            "version": row.version,
        });
        if info.reason_required {
            new_value["override_reason"] = serde_json::json!(reason);
        }
        audits.push(
            Audit::new(action)
                .school(school_id)
                .by(actor)
                .object("final_mark", row.id)
                .old(old.map_or(serde_json::Value::Null, |o| {
                    serde_json::json!({"value": o.value, "comment": o.comment, "version": o.version})
                }))
                .new_value(new_value),
        );
        written.push(row);
    }
    Audit::write_all(audits, &txn).await?;
    let names = account_names(&txn, school_id, written.iter().filter_map(|r| r.set_by)).await?;
    let cells = written
        .iter()
        .map(|r| {
            let term: Term = r.term.parse().unwrap_or(Term::Year);
            let sug = suggestion(
                &scale,
                &yt,
                r.student_id,
                term,
                &averages,
                &values,
                settings.rounding_threshold,
            );
            let due = spans
                .get(&r.student_id)
                .is_some_and(|s| in_spans(s, infos[&term].ends_on));
            cell(r.student_id, r.subject_id, term, Some(r), &names, sug, due)
        })
        .collect();
    txn.commit().await?;
    Ok(FinalMarksResult { cells })
}

// ---------- reopenings ----------

fn reopening_dto(r: &term_reopening::Model, names: &HashMap<Uuid, String>) -> TermReopening {
    TermReopening {
        id: r.id,
        course_id: r.course_id,
        term: r.term.parse().unwrap_or(Term::Year),
        until: r.until,
        reason: r.reason.clone(),
        reopened_by_name: r.reopened_by.and_then(|a| names.get(&a).cloned()),
        created_at: r.created_at,
    }
}

/// The names of accounts' persons in the school (who set a mark, who reopened a term).
async fn account_names(
    db: &impl ConnectionTrait,
    school_id: Uuid,
    ids: impl IntoIterator<Item = Uuid>,
) -> AppResult<HashMap<Uuid, String>> {
    let ids: Vec<Uuid> = ids
        .into_iter()
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(person::Entity::find()
        .filter(person::Column::SchoolId.eq(school_id))
        .filter(person::Column::AccountId.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .filter_map(|p| Some((p.account_id?, name_of(&p))))
        .collect())
}

/// The course's reopened terms. Readers of the course's journal. Errors: 403, 404.
pub async fn list_reopenings(
    db: &impl ConnectionTrait,
    actor: &Actor,
    school_id: Uuid,
    course_id: Uuid,
) -> AppResult<Vec<TermReopening>> {
    policy::authorize(actor, school_id, Action::ReadJournal)?;
    let cat = Catalog::load(db, school_id).await?;
    let course = cat.course(course_id)?;
    authorize_journal_read(db, &cat, actor, school_id, course).await?;
    let rows = reopenings_of(db, school_id, course_id).await?;
    let names = account_names(db, school_id, rows.iter().filter_map(|r| r.reopened_by)).await?;
    Ok(rows.iter().map(|r| reopening_dto(r, &names)).collect())
}

/// Reopens a term for a course until `until` (today … today + 60 days, after the teachers'
/// window's last day — given before the window closes it extends it): its teachers set its
/// final marks and write the period's journal again. Replaces an earlier reopening of the same
/// term. Admin. Audited `term_reopened` with the reason. Errors: 403, 404, 422 (`term`,
/// `until`).
pub async fn reopen(
    db: &(impl ConnectionTrait + TransactionTrait),
    actor: &Actor,
    school_id: Uuid,
    course_id: Uuid,
    input: TermReopeningInput,
    now: DateTime<Utc>,
) -> AppResult<TermReopening> {
    policy::authorize(actor, school_id, Action::ManageStructure)?;
    input.validate()?;
    let cat = Catalog::load(db, school_id).await?;
    let course = cat.course(course_id)?;
    let settings = get_settings_row(db, school_id).await?;
    let today = school_today_at(&settings.time_zone, now);
    let yt = course_context(db, school_id, course, &settings).await?;
    if !yt.terms(course.grade).contains(&input.term) {
        return Err(AppError::field(
            "term",
            "unknown_term",
            format!("{} is not a term of this course", input.term),
        ));
    }
    if input.reason.trim().chars().count() < 3 {
        return Err(AppError::field(
            "reason",
            "length",
            "a reason has 3–500 characters besides spaces",
        ));
    }
    // A reopening lets teachers write after their window; one that ends inside it changes
    // nothing. (Given before the window closes it extends the window.)
    if let Some((opens, closes)) = yt.window(input.term)
        && input.until <= closes
    {
        return Err(AppError::field(
            "until",
            "within_window",
            format!(
                "teachers write {} until {closes} anyway (their window is {opens} … {closes}); \
                 a reopening lasts past it",
                input.term
            ),
        ));
    }
    if input.until < today || input.until > today + chrono::Duration::days(60) {
        return Err(AppError::field(
            "until",
            "range",
            format!("the last open day is between {today} and 60 days later"),
        ));
    }
    let txn = begin_locked(db, school_id).await?;
    let old = term_reopening::Entity::find()
        .filter(term_reopening::Column::SchoolId.eq(school_id))
        .filter(term_reopening::Column::CourseId.eq(course_id))
        .filter(term_reopening::Column::Term.eq(input.term.to_string()))
        .one(&txn)
        .await?;
    if let Some(o) = &old {
        term_reopening::Entity::delete_by_id(o.id)
            .exec(&txn)
            .await?;
    }
    let row = term_reopening::ActiveModel {
        id: Set(Uuid::now_v7()),
        school_id: Set(school_id),
        course_id: Set(course_id),
        term: Set(input.term.to_string()),
        until: Set(input.until),
        reason: Set(input.reason.trim().to_string()),
        reopened_by: Set(Some(actor.account_id)),
        created_at: Set(now),
    }
    .insert(&txn)
    .await?;
    Audit::new("term_reopened")
        .school(school_id)
        .by(actor)
        .object("course", course_id)
        .old(old.map_or(
            serde_json::Value::Null,
            |o| serde_json::json!({"term": o.term, "until": o.until, "reason": o.reason}),
        ))
        .new_value(serde_json::json!({
            "term": row.term, "until": row.until, "reason": row.reason
        }))
        .write(&txn)
        .await?;
    txn.commit().await?;
    let names = account_names(db, school_id, row.reopened_by).await?;
    Ok(reopening_dto(&row, &names))
}

/// Ends a reopening at once. Admin. Audited `term_reopening_removed`. Errors: 403, 404.
pub async fn delete_reopening(
    db: &(impl ConnectionTrait + TransactionTrait),
    actor: &Actor,
    school_id: Uuid,
    id: Uuid,
) -> AppResult<()> {
    policy::authorize(actor, school_id, Action::ManageStructure)?;
    let txn = begin_locked(db, school_id).await?;
    let row = term_reopening::Entity::find_by_id(id)
        .filter(term_reopening::Column::SchoolId.eq(school_id))
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::not_found("reopening"))?;
    term_reopening::Entity::delete_by_id(id).exec(&txn).await?;
    Audit::new("term_reopening_removed")
        .school(school_id)
        .by(actor)
        .object("course", row.course_id)
        .old(serde_json::json!({"term": row.term, "until": row.until, "reason": row.reason}))
        .write(&txn)
        .await?;
    txn.commit().await?;
    Ok(())
}

// ---------- the closing view ----------

/// Students in each class (and group) on `day`: (class → students), (group → members).
pub(crate) fn class_lists_on(
    roster: &crate::service::snapshot::Roster,
    day: NaiveDate,
) -> (HashMap<Uuid, Vec<Uuid>>, HashMap<Uuid, HashSet<Uuid>>) {
    let mut classes: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    for e in roster.enrollments.values().flatten() {
        if e.starts_on <= day && e.ends_on.is_none_or(|x| x >= day) {
            classes.entry(e.class_id).or_default().push(e.student_id);
        }
    }
    let mut groups: HashMap<Uuid, HashSet<Uuid>> = HashMap::new();
    for (student, gs) in &roster.groups {
        for g in gs {
            groups.entry(*g).or_default().insert(*student);
        }
    }
    (classes, groups)
}

/// The students of a course on the lists of [`class_lists_on`]: its class's, and for a
/// subgroup's course only the subgroup's members.
pub(crate) fn course_members(
    c: &CourseInfo,
    lists: &HashMap<Uuid, Vec<Uuid>>,
    groups: &HashMap<Uuid, HashSet<Uuid>>,
) -> Vec<Uuid> {
    lists
        .get(&c.class_id)
        .into_iter()
        .flatten()
        .copied()
        .filter(|s| {
            c.group_id
                .is_none_or(|g| groups.get(&g).is_some_and(|m| m.contains(s)))
        })
        .collect()
}

/// The principal's closing view of a term: every course of the year (or of one class) with the
/// students due a mark (in the course on the term's last day), how many have one and how many
/// lack it, sorted by teacher, class and subject; and every not passing final mark (2, 1, нз,
/// н/а) of the term. Without `term`: the final-kind period that ended last (or the current
/// one). Principal and admin. A fixed number of queries. Errors: 400 (term), 403, 404 (year,
/// class).
pub async fn closing(
    db: &(impl ConnectionTrait + sea_orm::TransactionTrait),
    actor: &Actor,
    school_id: Uuid,
    year_id: Option<Uuid>,
    term: Option<Term>,
    class_id: Option<Uuid>,
    now: DateTime<Utc>,
) -> AppResult<PeriodClosing> {
    policy::authorize(actor, school_id, Action::ControlFinalMarks)?;
    let snap = crate::service::snapshot::get(db, actor, school_id).await?;
    let settings = &snap.settings;
    let today = school_today_at(&settings.time_zone, now);
    let yt = YearTerms::of_snapshot(&snap, year_id)?;
    let year_id = yt.year.id;
    let term = term.unwrap_or_else(|| yt.default_term(today));
    let (_, ends_on) = yt.bounds(term).ok_or_else(|| {
        AppError::new(ErrorCode::InvalidQueryParameter).detail(format!(
            "the year has no {term}; terms: {}",
            yt.terms(11)
                .iter()
                .map(Term::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ))
    })?;
    let (_, closes_on) = yt.window(term).unwrap_or((ends_on, ends_on));
    if let Some(c) = class_id {
        crate::service::structure::class_row(db, school_id, c).await?;
    }
    let cat = &snap.catalog;
    let cfg = &snap.marks;
    let (lists, groups) = class_lists_on(&snap.roster, ends_on);
    // The three columns only: a quarter of the reference school is 10 500 final marks, and
    // whole rows held at once raised the server's peak memory by 30 MB.
    let marks: HashMap<(Uuid, Uuid), String> = final_mark::Entity::find()
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
        .filter_map(|(student, subject, value)| Some(((student, subject), value?)))
        .collect();
    let mut courses: Vec<ClosingCourse> = Vec::new();
    let mut failing = Vec::new();
    let mut failing_seen = HashSet::new();
    let mut student_class: HashMap<Uuid, &CourseInfo> = HashMap::new();
    for c in cat.courses.values() {
        if c.academic_year_id != year_id
            || class_id.is_some_and(|id| id != c.class_id)
            || !yt.terms(c.grade).contains(&term)
        {
            continue;
        }
        let due = course_members(c, &lists, &groups);
        let scale = cfg.scale(c.subject_scale_id);
        let mut set = 0;
        for s in &due {
            if let Some(v) = marks.get(&(*s, c.subject_id)) {
                set += 1;
                let passing = scale.find(v).is_some_and(|x| x.passing);
                if !passing && failing_seen.insert((*s, c.subject_id)) {
                    student_class.insert(*s, c);
                    failing.push((*s, c, v.clone(), scale.find(v).map(|x| x.label.clone())));
                }
            }
        }
        courses.push(ClosingCourse {
            course_id: c.id,
            class_id: c.class_id,
            class_name: c.class_name.clone(),
            group_number: c.group_number,
            subject_id: c.subject_id,
            subject_name: c.subject_name.clone(),
            teacher_ids: c.teacher_ids.clone(),
            teacher_names: c.teacher_names.clone(),
            students: due.len() as u32,
            set,
            missing: due.len() as u32 - set,
        });
    }
    courses.sort_by(|a, b| {
        (
            &a.teacher_names,
            class_key(cat, a.course_id),
            &a.subject_name,
            a.group_number,
        )
            .cmp(&(
                &b.teacher_names,
                class_key(cat, b.course_id),
                &b.subject_name,
                b.group_number,
            ))
    });
    let people: HashMap<Uuid, person::Model> = if failing.is_empty() {
        HashMap::new()
    } else {
        person::Entity::find()
            .filter(person::Column::SchoolId.eq(school_id))
            .filter(person::Column::Id.is_in(failing.iter().map(|f| f.0).collect::<Vec<_>>()))
            .all(db)
            .await?
            .into_iter()
            .map(|p| (p.id, p))
            .collect()
    };
    let mut failing: Vec<FailingFinalMark> = failing
        .into_iter()
        .map(|(s, c, v, label)| FailingFinalMark {
            student_id: s,
            student_name: people.get(&s).map(name_of).unwrap_or_default(),
            class_id: c.class_id,
            class_name: c.class_name.clone(),
            subject_id: c.subject_id,
            subject_name: c.subject_name.clone(),
            label: label.unwrap_or_else(|| v.clone()),
            value: v,
        })
        .collect();
    failing.sort_by(|a, b| {
        (
            a.class_name.len(),
            &a.class_name,
            &a.student_name,
            &a.subject_name,
        )
            .cmp(&(
                b.class_name.len(),
                &b.class_name,
                &b.student_name,
                &b.subject_name,
            ))
    });
    Ok(PeriodClosing {
        academic_year_id: year_id,
        term,
        ends_on,
        closes_on,
        complete_courses: courses.iter().filter(|c| c.missing == 0).count() as u32,
        missing_marks: courses.iter().map(|c| c.missing).sum(),
        courses,
        failing,
    })
}

pub(crate) fn class_key(cat: &Catalog, course_id: Uuid) -> (i32, String) {
    cat.courses
        .get(&course_id)
        .map(|c| (c.grade, c.letter.clone()))
        .unwrap_or_default()
}

// ---------- the report card ----------

/// The report cards of students in a year (a fixed number of queries for any number of them):
/// the catalog, mark settings, names, enrollments and subgroups from the school's snapshot.
async fn report_cards(
    db: &impl ConnectionTrait,
    snap: &crate::service::snapshot::Snapshot,
    year_id: Option<Uuid>,
    students: &[Uuid],
) -> AppResult<Vec<ReportCard>> {
    let school_id = snap.school.id;
    let yt = YearTerms::of_snapshot(snap, year_id)?;
    let year_id = yt.year.id;
    let school = &snap.school;
    let cat = &snap.catalog;
    let cfg = &snap.marks;
    let classes: HashMap<Uuid, &class::Model> = cat
        .classes
        .values()
        .filter(|c| c.academic_year_id == year_id)
        .map(|c| (c.id, c))
        .collect();
    let mut enrollments: HashMap<Uuid, Vec<enrollment::Model>> = HashMap::new();
    let mut groups: HashMap<Uuid, HashSet<Uuid>> = HashMap::new();
    let mut finals: HashMap<Uuid, Vec<final_mark::Model>> = HashMap::new();
    for s in students {
        let ens: Vec<enrollment::Model> = snap
            .roster
            .enrollments
            .get(s)
            .into_iter()
            .flatten()
            .filter(|e| classes.contains_key(&e.class_id))
            .cloned()
            .collect();
        enrollments.insert(*s, ens);
        groups.insert(*s, snap.roster.groups_of(*s));
    }
    for chunk in students.chunks(500) {
        for m in final_mark::Entity::find()
            .filter(final_mark::Column::SchoolId.eq(school_id))
            .filter(final_mark::Column::AcademicYearId.eq(year_id))
            .filter(final_mark::Column::StudentId.is_in(chunk.to_vec()))
            .filter(final_mark::Column::Value.is_not_null())
            .all(db)
            .await?
        {
            finals.entry(m.student_id).or_default().push(m);
        }
    }
    let subjects: HashMap<Uuid, subject::Model> = subject::Entity::find()
        .filter(subject::Column::SchoolId.eq(school_id))
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.id, s))
        .collect();
    let mut out = Vec::new();
    for s in students {
        let Some((last_name, first_name, middle_name)) = snap.roster.names.get(s) else {
            continue;
        };
        let ens = enrollments.get(s).map(Vec::as_slice).unwrap_or_default();
        let class_ids: HashSet<Uuid> = ens.iter().map(|e| e.class_id).collect();
        let last = ens.last().and_then(|e| classes.get(&e.class_id));
        let grade = last.map_or(0, |c| c.grade);
        let terms = yt.terms(grade);
        let my_groups = groups.get(s).cloned().unwrap_or_default();
        let mine = finals.get(s).map(Vec::as_slice).unwrap_or_default();
        let mut subject_ids: HashSet<Uuid> = cat
            .courses
            .values()
            .filter(|c| c.academic_year_id == year_id && class_ids.contains(&c.class_id))
            .filter(|c| c.group_id.is_none_or(|g| my_groups.contains(&g)))
            .map(|c| c.subject_id)
            .collect();
        subject_ids.extend(mine.iter().map(|m| m.subject_id));
        let mut rows: Vec<ReportCardSubject> = subject_ids
            .into_iter()
            .filter_map(|id| subjects.get(&id))
            .map(|sub| {
                let scale = cfg.scale(sub.mark_scale_id);
                ReportCardSubject {
                    subject_id: sub.id,
                    subject_name: sub.name.clone(),
                    marks: terms
                        .iter()
                        .map(|t| {
                            mine.iter()
                                .find(|m| m.subject_id == sub.id && m.term == t.to_string())
                                .and_then(|m| m.value.as_deref())
                                .map(|v| scale.find(v).map_or(v.to_string(), |x| x.label.clone()))
                        })
                        .collect(),
                }
            })
            .collect();
        rows.sort_by(|a, b| a.subject_name.cmp(&b.subject_name));
        out.push(ReportCard {
            student_id: *s,
            student_name: otmetka_domain::person::full_name(
                last_name,
                first_name,
                middle_name.as_deref(),
            ),
            class_id: last.map(|c| c.id),
            class_name: last.map(|c| c.name.clone()),
            academic_year_id: year_id,
            academic_year_name: yt.year.name.clone(),
            school_name: school.name.clone(),
            terms,
            subjects: rows,
        });
    }
    Ok(out)
}

/// A student's report card (табель успеваемости) for a year (default: the current one):
/// subjects × terms with the set final marks' labels. Readers: the student, linked parents, the
/// class teacher, admin, principal. Errors: 403, 404.
pub async fn student_report_card(
    db: &(impl ConnectionTrait + sea_orm::TransactionTrait),
    actor: &Actor,
    school_id: Uuid,
    student_id: Uuid,
    year_id: Option<Uuid>,
    now: DateTime<Utc>,
) -> AppResult<ReportCard> {
    policy::authorize(actor, school_id, Action::ReadDiary)?;
    let snap = crate::service::snapshot::get(db, actor, school_id).await?;
    authorize_student_schedule(db, Some(&snap), actor, school_id, student_id, now).await?;
    report_cards(db, &snap, year_id, &[student_id])
        .await?
        .pop()
        .ok_or_else(|| AppError::not_found("student"))
}

/// The report cards of a class's students (those in it on its year's last teaching day, or
/// today when that is earlier), by name: one print job. Readers: the class teacher, admin,
/// principal. Errors: 403, 404.
pub async fn class_report_cards(
    db: &(impl ConnectionTrait + sea_orm::TransactionTrait),
    actor: &Actor,
    school_id: Uuid,
    class_id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<Vec<ReportCard>> {
    policy::authorize(actor, school_id, Action::ReadDiary)?;
    let c = crate::service::structure::class_row(db, school_id, class_id).await?;
    let staff = actor.is_superadmin
        || actor
            .roles_in(school_id)
            .any(|r| r == Role::Admin || r == Role::Principal);
    if !staff && !crate::service::roster::is_class_teacher(db, actor, &c).await? {
        return Err(AppError::forbidden()
            .detail("a class's report cards are for its class teacher, the admin and principal"));
    }
    let snap = crate::service::snapshot::get(db, actor, school_id).await?;
    let settings = &snap.settings;
    let today = school_today_at(&settings.time_zone, now);
    let yt = YearTerms::of_snapshot(&snap, Some(c.academic_year_id))?;
    let day = today.min(yt.teaching().1).max(yt.teaching().0);
    let students: Vec<Uuid> = enrollment::Entity::find()
        .filter(enrollment::Column::SchoolId.eq(school_id))
        .filter(enrollment::Column::ClassId.eq(class_id))
        .filter(crate::service::structure::on_date(day))
        .all(db)
        .await?
        .into_iter()
        .map(|e| e.student_id)
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let mut cards = report_cards(db, &snap, Some(c.academic_year_id), &students).await?;
    cards.sort_by(|a, b| a.student_name.cmp(&b.student_name));
    Ok(cards)
}

/// The Russian column title of a term (`1 четверть`, `Год`).
pub fn term_title(t: Term) -> String {
    match t {
        Term::Period { kind, number } => match kind {
            PeriodKind::Quarter => format!("{number} четверть"),
            PeriodKind::Trimester => format!("{number} триместр"),
            PeriodKind::HalfYear => format!("{number} полугодие"),
            PeriodKind::Year => "Год".into(),
        },
        Term::Year => "Год".into(),
        Term::Exam => "Экзамен".into(),
        Term::Final => "Итоговая".into(),
    }
}

/// Report cards as CSV for a spreadsheet: UTF-8 with a BOM, `;`-separated, Russian headers;
/// one row per student × subject (`Ученик;Класс;Предмет;1 четверть;…;Год`), empty cells where
/// no mark is set. Cards with different terms (a grade 9 class) get the union of the columns.
pub fn report_cards_csv(cards: &[ReportCard]) -> AppResult<Vec<u8>> {
    let mut terms: Vec<Term> = cards
        .iter()
        .flat_map(|c| c.terms.iter().copied())
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    terms.sort_by_key(Term::sort_key);
    let mut w = csv::WriterBuilder::new()
        .delimiter(b';')
        .from_writer(vec![0xEF, 0xBB, 0xBF]);
    let mut header = vec![
        "Ученик".to_string(),
        "Класс".to_string(),
        "Учебный год".to_string(),
        "Предмет".to_string(),
    ];
    header.extend(terms.iter().map(|t| term_title(*t)));
    w.write_record(&header).map_err(AppError::internal)?;
    // A cell a spreadsheet would run as a formula is kept as text with a leading apostrophe.
    let text = crate::service::reports::export::csv_text;
    for c in cards {
        for s in &c.subjects {
            let mut row = vec![
                text(&c.student_name),
                text(c.class_name.as_deref().unwrap_or_default()),
                text(&c.academic_year_name),
                text(&s.subject_name),
            ];
            row.extend(terms.iter().map(|t| {
                c.terms
                    .iter()
                    .position(|x| x == t)
                    .and_then(|i| s.marks.get(i).cloned().flatten())
                    .unwrap_or_default()
            }));
            w.write_record(&row).map_err(AppError::internal)?;
        }
    }
    w.into_inner().map_err(AppError::internal)
}

/// The final mark and the suggestion of a period for the marks page: (subject → value) of the
/// student's stored marks of `term` in the period's year.
pub async fn student_term_marks(
    db: &impl ConnectionTrait,
    school_id: Uuid,
    student_id: Uuid,
    year_id: Uuid,
    term: Term,
) -> AppResult<HashMap<Uuid, String>> {
    Ok(final_mark::Entity::find()
        .filter(final_mark::Column::SchoolId.eq(school_id))
        .filter(final_mark::Column::AcademicYearId.eq(year_id))
        .filter(final_mark::Column::StudentId.eq(student_id))
        .filter(final_mark::Column::Term.eq(term.to_string()))
        .filter(final_mark::Column::Value.is_not_null())
        .all(db)
        .await?
        .into_iter()
        .filter_map(|m| Some((m.subject_id, m.value?)))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_cells_that_a_spreadsheet_would_run_are_kept_as_text() {
        let card = ReportCard {
            student_id: Uuid::nil(),
            student_name: "=HYPERLINK(\"http://evil.example\";\"x\")".into(),
            class_id: None,
            class_name: Some("5А".into()),
            academic_year_id: Uuid::nil(),
            academic_year_name: "2026/2027".into(),
            school_name: "Школа".into(),
            terms: vec![
                Term::Period {
                    kind: PeriodKind::Quarter,
                    number: 1,
                },
                Term::Year,
            ],
            subjects: vec![ReportCardSubject {
                subject_id: Uuid::nil(),
                subject_name: "-Математика".into(),
                marks: vec![Some("5".into()), None],
            }],
        };
        let csv = String::from_utf8(report_cards_csv(&[card]).unwrap()).unwrap();
        assert_eq!(
            csv,
            "\u{feff}Ученик;Класс;Учебный год;Предмет;1 четверть;Год\n\
             \"'=HYPERLINK(\"\"http://evil.example\"\";\"\"x\"\")\";5А;2026/2027;'-Математика;5;\n"
        );
    }
}
