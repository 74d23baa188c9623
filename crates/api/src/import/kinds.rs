//! The import kinds: how each file's rows become subjects, staff, classes, students (with their
//! enrollment and subgroup), parents (with guardian links), courses, periods, bell schedules,
//! holidays and the weekly timetable.
//!
//! All or nothing (DESIGN §4 imports): the whole file is applied inside one transaction, row by
//! row, each row checked first; every row gets an outcome (created, updated, unchanged, error).
//! When any row has an error, or on a dry run, the transaction is rolled back, so the answer
//! describes exactly what a real run would do and nothing is half written. Rows upsert by their
//! key: `external_id` for people, the name for subjects and classes, year + kind + number for
//! periods, class + subject + subgroup for courses.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use otmetka_domain::import::{ImportCounts, ImportReport, RowOutcome, RowProblem, RowResult};
use otmetka_domain::person::{PersonInput, PersonKind, Sex, StaffPosition};
use otmetka_domain::roster::StartReason;
use otmetka_domain::structure::{AcademicYearInput, PeriodKind};
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

use crate::entity::{
    academic_year, bell_schedule, class, course, course_teacher, enrollment, group, group_member,
    guardian_link, holiday, period, person, subject, timetable_entry,
};
use crate::error::{AppError, AppResult};
use crate::import::reader::{ColumnSpec, Row, RowError, Table};
use crate::service::audit::Audit;
use crate::service::{persons, roster, structure, timetable};
use otmetka_domain::timetable::{
    BellScheduleInput, ConflictKind, HolidayInput, HolidayKind, LessonSlot, check_slots,
};

/// What can be imported.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, serde::Serialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Subjects,
    Staff,
    Classes,
    Students,
    Parents,
    Courses,
    Periods,
    BellSchedule,
    Holidays,
    Timetable,
}

impl Kind {
    /// The path name.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Subjects => "subjects",
            Kind::Staff => "staff",
            Kind::Classes => "classes",
            Kind::Students => "students",
            Kind::Parents => "parents",
            Kind::Courses => "courses",
            Kind::Periods => "periods",
            Kind::BellSchedule => "bell_schedule",
            Kind::Holidays => "holidays",
            Kind::Timetable => "timetable",
        }
    }

    /// Parses the path name.
    pub fn parse(s: &str) -> Option<Kind> {
        [
            Kind::Subjects,
            Kind::Staff,
            Kind::Classes,
            Kind::Students,
            Kind::Parents,
            Kind::Courses,
            Kind::Periods,
            Kind::BellSchedule,
            Kind::Holidays,
            Kind::Timetable,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }

    /// The columns of the kind's file (headers as in `tests/fixtures/school/*.csv`, or their
    /// Russian aliases).
    pub fn spec(self) -> &'static [ColumnSpec] {
        match self {
            Kind::Subjects => SUBJECTS_COLUMNS,
            Kind::Staff => STAFF_COLUMNS,
            Kind::Classes => CLASSES_COLUMNS,
            Kind::Students => STUDENTS_COLUMNS,
            Kind::Parents => PARENTS_COLUMNS,
            Kind::Courses => COURSES_COLUMNS,
            Kind::Periods => PERIODS_COLUMNS,
            Kind::BellSchedule => BELL_SCHEDULE_COLUMNS,
            Kind::Holidays => HOLIDAYS_COLUMNS,
            Kind::Timetable => TIMETABLE_COLUMNS,
        }
    }
}

const SUBJECTS_COLUMNS: &[ColumnSpec] = &[
    ColumnSpec::required("name"),
    ColumnSpec::required("short_name"),
];
const STAFF_COLUMNS: &[ColumnSpec] = &[
    ColumnSpec::required("external_id"),
    ColumnSpec::required("last_name"),
    ColumnSpec::required("first_name"),
    ColumnSpec::optional("middle_name"),
    ColumnSpec::required("role"),
    ColumnSpec::optional("subject"),
    ColumnSpec::optional("email"),
];
const CLASSES_COLUMNS: &[ColumnSpec] = &[
    ColumnSpec::required("name"),
    ColumnSpec::required("grade"),
    ColumnSpec::required("letter"),
    ColumnSpec::optional("class_teacher_external_id"),
];
const STUDENTS_COLUMNS: &[ColumnSpec] = &[
    ColumnSpec::required("external_id"),
    ColumnSpec::required("last_name"),
    ColumnSpec::required("first_name"),
    ColumnSpec::optional("middle_name"),
    ColumnSpec::optional("birth_date"),
    ColumnSpec::optional("sex"),
    ColumnSpec::required("class"),
    ColumnSpec::optional("group"),
];
const PARENTS_COLUMNS: &[ColumnSpec] = &[
    ColumnSpec::required("external_id"),
    ColumnSpec::required("last_name"),
    ColumnSpec::required("first_name"),
    ColumnSpec::optional("middle_name"),
    ColumnSpec::required("student_external_id"),
    ColumnSpec::optional("relation"),
    ColumnSpec::optional("phone"),
];
const COURSES_COLUMNS: &[ColumnSpec] = &[
    ColumnSpec::required("class"),
    ColumnSpec::required("subject"),
    ColumnSpec::required("teacher_external_id"),
    ColumnSpec::required("hours_per_week"),
    ColumnSpec::optional("group"),
];
const PERIODS_COLUMNS: &[ColumnSpec] = &[
    ColumnSpec::required("academic_year"),
    ColumnSpec::required("kind"),
    ColumnSpec::required("number"),
    ColumnSpec::required("starts_on"),
    ColumnSpec::required("ends_on"),
];

/// Collects row outcomes and the audit records of roster changes.
struct Report {
    rows: Vec<RowResult>,
    audits: Vec<Audit>,
    school_id: Uuid,
    actor: Option<Uuid>,
}

impl Report {
    /// Records a roster change of a person (enrollment, subgroup, guardian link).
    fn audit(
        &mut self,
        action: &str,
        person_id: Uuid,
        old: Option<serde_json::Value>,
        new: serde_json::Value,
    ) {
        let mut a = Audit::new(action)
            .school(self.school_id)
            .actor(self.actor)
            .object("person", person_id)
            .new_value(new);
        if let Some(o) = old {
            a = a.old(o);
        }
        self.audits.push(a);
    }

    fn push(&mut self, line: usize, key: String, outcome: RowOutcome) {
        self.rows.push(RowResult {
            line,
            key,
            outcome,
            problems: Vec::new(),
        });
    }
    fn errors(&mut self, line: usize, key: String, errs: Vec<RowError>) {
        self.rows.push(RowResult {
            line,
            key,
            outcome: RowOutcome::Error,
            problems: errs
                .into_iter()
                .map(|e| RowProblem {
                    column: e.column,
                    message: e.message,
                })
                .collect(),
        });
    }
    fn finish(mut self, kind: Kind, dry_run: bool) -> ImportReport {
        self.rows.sort_by_key(|r| r.line);
        let mut counts = ImportCounts::default();
        for r in &self.rows {
            match r.outcome {
                RowOutcome::Created => counts.created += 1,
                RowOutcome::Updated => counts.updated += 1,
                RowOutcome::Unchanged => counts.unchanged += 1,
                RowOutcome::Error => counts.errors += 1,
            }
        }
        ImportReport {
            kind: kind.as_str().into(),
            dry_run,
            committed: false,
            counts,
            rows: self.rows,
        }
    }
}

/// Gathers a row's field errors: `take(&mut errs, row.text("x"))` keeps going after a failure so
/// one pass reports every bad column of the row.
fn take<T: Default>(errs: &mut Vec<RowError>, r: Result<T, RowError>) -> T {
    r.unwrap_or_else(|e| {
        errs.push(e);
        T::default()
    })
}

/// How an import runs.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Check every row, write nothing (the caller rolls back; lessons are not regenerated).
    pub dry_run: bool,
    /// `timetable` only: the file is the whole timetable from this day.
    pub replace_from: Option<NaiveDate>,
    /// The instant the import runs at (the server's clock, fixed in tests and demos); `None`:
    /// the system clock. `students` enrolls from the school's day of it.
    pub now: Option<DateTime<Utc>>,
}

/// Applies a table inside `txn`. Returns the report; the caller commits or rolls back.
/// Errors: 400 `invalid_query_parameter` for `replace_from` with another kind than `timetable`.
pub async fn apply(
    txn: &DatabaseTransaction,
    school_id: Uuid,
    actor: Option<Uuid>,
    kind: Kind,
    table: &Table,
    options: Options,
) -> AppResult<ImportReport> {
    let dry_run = options.dry_run;
    if options.replace_from.is_some() && kind != Kind::Timetable {
        return Err(
            AppError::new(otmetka_domain::ErrorCode::InvalidQueryParameter)
                .detail("replace_from applies to timetable imports only"),
        );
    }
    // One import (or timetable write) of a school at a time: rows are checked against the
    // school's data as it is when they are written. A dry run writes nothing that stays, so it
    // does not hold the school's other writers back for its duration: it checks the rows against
    // the data as it is when it reads them (see `import::run`).
    if !dry_run {
        structure::lock_school(txn, school_id).await?;
    }
    let mut report = Report {
        rows: Vec::new(),
        audits: Vec::new(),
        school_id,
        actor,
    };
    for e in &table.errors {
        report.errors(e.line, String::new(), vec![e.clone()]);
    }
    if table.rows.is_empty() && table.errors.is_empty() {
        report.errors(
            1,
            String::new(),
            vec![RowError::new(1, None, "the file has a header but no rows")],
        );
    }
    match kind {
        Kind::Subjects => subjects(txn, school_id, table, &mut report).await?,
        Kind::Staff => staff(txn, school_id, table, &mut report).await?,
        Kind::Classes => classes(txn, school_id, table, &mut report).await?,
        Kind::Students => {
            let now = options.now.unwrap_or_else(Utc::now);
            students(txn, school_id, table, &mut report, now).await?
        }
        Kind::Parents => parents(txn, school_id, table, &mut report).await?,
        Kind::Courses => courses(txn, school_id, table, &mut report).await?,
        Kind::Periods => periods(txn, school_id, table, &mut report, dry_run).await?,
        Kind::BellSchedule => bell_schedules(txn, school_id, table, &mut report).await?,
        Kind::Holidays => holidays(txn, school_id, table, &mut report, dry_run).await?,
        Kind::Timetable => timetable_rows(txn, school_id, table, &mut report, options).await?,
    }
    Audit::write_all(std::mem::take(&mut report.audits), txn).await?;
    Ok(report.finish(kind, dry_run))
}

/// Keys seen earlier in the file: a repeat is a row error.
fn duplicate(
    seen: &mut HashMap<String, usize>,
    key: &str,
    row: &Row,
    column: &str,
) -> Option<RowError> {
    match seen.get(key) {
        Some(first) => Some(row.error(
            column,
            format!("{key} appears again (first on line {first})"),
        )),
        None => {
            seen.insert(key.to_string(), row.line);
            None
        }
    }
}

async fn subjects(
    txn: &DatabaseTransaction,
    school_id: Uuid,
    table: &Table,
    report: &mut Report,
) -> AppResult<()> {
    let mut existing: HashMap<String, subject::Model> = subject::Entity::find()
        .filter(subject::Column::SchoolId.eq(school_id))
        .all(txn)
        .await?
        .into_iter()
        .map(|s| (s.name.clone(), s))
        .collect();
    let mut seen = HashMap::new();
    for row in &table.rows {
        let mut errs = Vec::new();
        let name = structure::clean(take(&mut errs, row.text("name")));
        let short = structure::clean(take(&mut errs, row.text("short_name")));
        if let Some(e) = duplicate(&mut seen, &name, row, "name") {
            errs.push(e);
        }
        if !errs.is_empty() {
            report.errors(row.line, name, errs);
            continue;
        }
        let input = otmetka_domain::structure::SubjectInput {
            name: name.clone(),
            short_name: short.clone(),
            mark_scale_id: existing.get(&name).and_then(|s| s.mark_scale_id),
            homework_expected: existing.get(&name).is_none_or(|s| s.homework_expected),
        };
        let outcome = match existing.get(&name) {
            Some(s) if s.short_name == short => RowOutcome::Unchanged,
            Some(s) => {
                let saved = structure::save_subject(txn, school_id, Some(s.id), &input).await?;
                existing.insert(name.clone(), saved);
                RowOutcome::Updated
            }
            None => match structure::save_subject(txn, school_id, None, &input).await {
                Ok(saved) => {
                    existing.insert(name.clone(), saved);
                    RowOutcome::Created
                }
                Err(e) => {
                    report.errors(row.line, name, vec![app_error(row, "name", e)]);
                    continue;
                }
            },
        };
        report.push(row.line, name, outcome);
    }
    Ok(())
}

/// A service error as a row error (validation messages keep their field).
fn app_error(row: &Row, column: &str, e: AppError) -> RowError {
    match e.errors.first() {
        Some(f) => row.error(&f.field, f.message.clone()),
        None => row.error(
            column,
            e.detail.clone().unwrap_or_else(|| e.code.to_string()),
        ),
    }
}

/// People of one kind by external id.
async fn people_by_external_id(
    txn: &DatabaseTransaction,
    school_id: Uuid,
) -> AppResult<HashMap<String, person::Model>> {
    Ok(person::Entity::find()
        .filter(person::Column::SchoolId.eq(school_id))
        .filter(person::Column::ExternalId.is_not_null())
        .all(txn)
        .await?
        .into_iter()
        .filter_map(|p| p.external_id.clone().map(|e| (e, p)))
        .collect())
}

/// People without an external id (created by hand, e.g. the first admin made with the school),
/// by kind and name: an import row with the same kind and full name adopts such a record instead
/// of making a second one.
type Orphans = HashMap<(String, String, String, Option<String>), Vec<person::Model>>;

async fn orphans_of(txn: &DatabaseTransaction, school_id: Uuid) -> AppResult<Orphans> {
    let mut out: Orphans = HashMap::new();
    for p in person::Entity::find()
        .filter(person::Column::SchoolId.eq(school_id))
        .filter(person::Column::ExternalId.is_null())
        .all(txn)
        .await?
    {
        out.entry((
            p.kind.clone(),
            p.last_name.clone(),
            p.first_name.clone(),
            p.middle_name.clone(),
        ))
        .or_default()
        .push(p);
    }
    Ok(out)
}

/// The fields a person row sets, compared with the stored person to tell updated from unchanged.
fn same_person(p: &person::Model, i: &PersonInput, kind: PersonKind) -> bool {
    p.last_name == structure::clean(&i.last_name)
        && p.first_name == structure::clean(&i.first_name)
        && p.middle_name
            == i.middle_name
                .as_deref()
                .map(structure::clean)
                .filter(|m| !m.is_empty())
        && p.kind == kind.as_str()
        && p.birth_date == i.birth_date
        && p.sex.as_deref() == i.sex.map(|s| s.as_str())
        && p.email
            == i.email
                .as_deref()
                .map(structure::clean)
                .filter(|m| !m.is_empty())
        && p.phone
            == i.phone
                .as_deref()
                .map(structure::clean)
                .filter(|m| !m.is_empty())
        && p.position.as_deref() == i.position.map(|s| s.as_str())
}

/// Creates or updates a person by external id; the outcome and the stored row. A person of
/// another kind with the same external id is an error.
async fn upsert_person(
    txn: &DatabaseTransaction,
    school_id: Uuid,
    existing: &mut HashMap<String, person::Model>,
    orphans: &mut Orphans,
    row: &Row,
    input: PersonInput,
    kind: PersonKind,
) -> Result<(RowOutcome, person::Model), RowError> {
    let ext = input.external_id.clone().unwrap_or_default();
    let mut input = input;
    input.kind = Some(kind);
    let name_key = (
        kind.as_str().to_string(),
        structure::clean(&input.last_name),
        structure::clean(&input.first_name),
        input
            .middle_name
            .as_deref()
            .map(structure::clean)
            .filter(|m| !m.is_empty()),
    );
    let adopt = match (existing.contains_key(&ext), orphans.get_mut(&name_key)) {
        (false, Some(list)) if list.len() == 1 => list.pop(),
        _ => None,
    };
    if let Some(p) = adopt {
        let saved = persons::apply(txn, school_id, p, &input, "")
            .await
            .map_err(|e| app_error(row, "external_id", e))?;
        existing.insert(ext, saved.clone());
        return Ok((RowOutcome::Updated, saved));
    }
    match existing.get(&ext).cloned() {
        Some(p) if p.kind != kind.as_str() => Err(row.error(
            "external_id",
            format!(
                "{ext} is a {} of this school, not a {}",
                p.kind,
                kind.as_str()
            ),
        )),
        Some(p) if same_person(&p, &input, kind) => Ok((RowOutcome::Unchanged, p)),
        Some(p) => {
            let saved = persons::apply(txn, school_id, p, &input, "")
                .await
                .map_err(|e| app_error(row, "external_id", e))?;
            existing.insert(ext, saved.clone());
            Ok((RowOutcome::Updated, saved))
        }
        None => {
            let saved = persons::insert(txn, school_id, &input, "")
                .await
                .map_err(|e| app_error(row, "external_id", e))?;
            existing.insert(ext, saved.clone());
            Ok((RowOutcome::Created, saved))
        }
    }
}

fn person_input(row: &Row, errs: &mut Vec<RowError>) -> PersonInput {
    let mut i = PersonInput::named(
        take(errs, row.text("last_name")),
        take(errs, row.text("first_name")),
        take(errs, row.opt_text("middle_name")),
    );
    i.external_id = Some(take(errs, row.text("external_id")).to_string());
    i
}

async fn staff(
    txn: &DatabaseTransaction,
    school_id: Uuid,
    table: &Table,
    report: &mut Report,
) -> AppResult<()> {
    let mut existing = people_by_external_id(txn, school_id).await?;
    let mut orphans = orphans_of(txn, school_id).await?;
    let mut seen = HashMap::new();
    for row in &table.rows {
        let mut errs = Vec::new();
        let mut input = person_input(row, &mut errs);
        let key = input.external_id.clone().unwrap_or_default();
        let role = take(&mut errs, row.text("role"));
        match StaffPosition::parse(role) {
            Some(p) => input.position = Some(p),
            None if role.is_empty() => {}
            None => errs.push(row.error(
                "role",
                format!("`{role}` is not admin, principal or teacher"),
            )),
        }
        input.email = take(&mut errs, row.opt_text("email")).map(str::to_string);
        if let Some(e) = duplicate(&mut seen, &key, row, "external_id") {
            errs.push(e);
        }
        if !errs.is_empty() {
            report.errors(row.line, key, errs);
            continue;
        }
        match upsert_person(
            txn,
            school_id,
            &mut existing,
            &mut orphans,
            row,
            input,
            PersonKind::Staff,
        )
        .await
        {
            Ok((o, _)) => report.push(row.line, key, o),
            Err(e) => report.errors(row.line, key, vec![e]),
        }
    }
    Ok(())
}

async fn year_of(
    txn: &DatabaseTransaction,
    school_id: Uuid,
) -> AppResult<Option<academic_year::Model>> {
    structure::current_year(txn, school_id).await
}

/// The current academic year; without one, a file-level error row (the kinds that need a year
/// stop there).
async fn year_or_error(
    txn: &DatabaseTransaction,
    school_id: Uuid,
    report: &mut Report,
) -> AppResult<Option<academic_year::Model>> {
    let year = year_of(txn, school_id).await?;
    if year.is_none() {
        report.errors(
            1,
            String::new(),
            vec![RowError::new(
                1,
                None,
                "the school has no current academic year: import periods first",
            )],
        );
    }
    Ok(year)
}

async fn classes(
    txn: &DatabaseTransaction,
    school_id: Uuid,
    table: &Table,
    report: &mut Report,
) -> AppResult<()> {
    let Some(year) = year_or_error(txn, school_id, report).await? else {
        return Ok(());
    };
    let staff = people_by_external_id(txn, school_id).await?;
    let mut existing: HashMap<String, class::Model> = class::Entity::find()
        .filter(class::Column::AcademicYearId.eq(year.id))
        .all(txn)
        .await?
        .into_iter()
        .map(|c| (c.name.clone(), c))
        .collect();
    let mut seen = HashMap::new();
    for row in &table.rows {
        let mut errs = Vec::new();
        let name = take(&mut errs, row.text("name")).to_uppercase();
        let grade: i32 = take(&mut errs, row.int("grade", 1..=11));
        let letter = take(&mut errs, row.text("letter")).to_uppercase();
        let teacher_ext = take(&mut errs, row.opt_text("class_teacher_external_id"));
        let mut teacher = None;
        if let Some(t) = teacher_ext {
            match staff.get(t) {
                Some(p) if p.kind == "staff" => teacher = Some(p.id),
                _ => errs.push(row.error(
                    "class_teacher_external_id",
                    format!("no staff member {t}: import staff first"),
                )),
            }
        }
        if errs.is_empty() && structure::class_name(grade, &letter) != name {
            errs.push(row.error(
                "name",
                format!("{name} does not match grade {grade} and letter {letter}"),
            ));
        }
        if let Some(e) = duplicate(&mut seen, &name, row, "name") {
            errs.push(e);
        }
        if !errs.is_empty() {
            report.errors(row.line, name, errs);
            continue;
        }
        let input = otmetka_domain::structure::ClassInput {
            academic_year_id: Some(year.id),
            grade,
            letter: letter.clone(),
            class_teacher_id: teacher,
        };
        let (outcome, id) = match existing.get(&name) {
            Some(c) if c.class_teacher_id == teacher => (RowOutcome::Unchanged, None),
            Some(c) => (RowOutcome::Updated, Some(c.id)),
            None => (RowOutcome::Created, None),
        };
        if outcome != RowOutcome::Unchanged {
            match structure::save_class(txn, school_id, id, &input).await {
                Ok(c) => {
                    existing.insert(name.clone(), c);
                }
                Err(e) => {
                    report.errors(row.line, name, vec![app_error(row, "name", e)]);
                    continue;
                }
            }
        }
        report.push(row.line, name, outcome);
    }
    Ok(())
}

async fn classes_of_year(
    txn: &DatabaseTransaction,
    year_id: Uuid,
) -> AppResult<HashMap<String, class::Model>> {
    Ok(class::Entity::find()
        .filter(class::Column::AcademicYearId.eq(year_id))
        .all(txn)
        .await?
        .into_iter()
        .map(|c| (c.name.clone(), c))
        .collect())
}

async fn students(
    txn: &DatabaseTransaction,
    school_id: Uuid,
    table: &Table,
    report: &mut Report,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let Some(year) = year_or_error(txn, school_id, report).await? else {
        return Ok(());
    };
    let school = structure::school_row(txn, school_id).await?;
    let today = structure::school_today_at(&school.time_zone, now);
    let classes = classes_of_year(txn, year.id).await?;
    let class_ids: Vec<Uuid> = classes.values().map(|c| c.id).collect();
    let mut existing = people_by_external_id(txn, school_id).await?;
    let mut orphans = orphans_of(txn, school_id).await?;
    let mut open: HashMap<Uuid, enrollment::Model> = enrollment::Entity::find()
        .filter(enrollment::Column::SchoolId.eq(school_id))
        .filter(enrollment::Column::EndsOn.is_null())
        .all(txn)
        .await?
        .into_iter()
        .map(|e| (e.student_id, e))
        .collect();
    let ended: HashSet<Uuid> = enrollment::Entity::find()
        .filter(enrollment::Column::SchoolId.eq(school_id))
        .filter(enrollment::Column::EndsOn.is_not_null())
        .filter(enrollment::Column::ClassId.is_in(class_ids.clone()))
        .all(txn)
        .await?
        .into_iter()
        .map(|e| e.student_id)
        .collect();
    let groups: Vec<group::Model> = group::Entity::find()
        .filter(group::Column::ClassId.is_in(class_ids))
        .all(txn)
        .await?;
    let mut groups: HashMap<(Uuid, i32), Uuid> = groups
        .into_iter()
        .map(|g| ((g.class_id, g.number), g.id))
        .collect();
    let mut memberships: HashSet<(Uuid, Uuid)> = group_member::Entity::find()
        .filter(group_member::Column::SchoolId.eq(school_id))
        .all(txn)
        .await?
        .into_iter()
        .map(|m| (m.group_id, m.student_id))
        .collect();
    let mut seen = HashMap::new();
    for row in &table.rows {
        let mut errs = Vec::new();
        let mut input = person_input(row, &mut errs);
        let key = input.external_id.clone().unwrap_or_default();
        input.birth_date = take(&mut errs, row.opt_date("birth_date"));
        input.sex = take(&mut errs, row.opt_sex("sex")).and_then(Sex::parse);
        let class_name = take(&mut errs, row.text("class")).to_uppercase();
        let group_no: Option<i32> = take(&mut errs, row.opt_int("group", 1..=9));
        let cl = classes.get(&class_name);
        if cl.is_none() && !class_name.is_empty() {
            errs.push(row.error(
                "class",
                format!(
                    "no class {class_name} in {}: import classes first",
                    year.name
                ),
            ));
        }
        if let Some(b) = input.birth_date
            && b > today
        {
            errs.push(row.error("birth_date", "the birth date is in the future"));
        }
        if let Some(e) = duplicate(&mut seen, &key, row, "external_id") {
            errs.push(e);
        }
        let Some(cl) = cl.filter(|_| errs.is_empty()) else {
            report.errors(row.line, key, errs);
            continue;
        };
        let (mut outcome, p) = match upsert_person(
            txn,
            school_id,
            &mut existing,
            &mut orphans,
            row,
            input,
            PersonKind::Student,
        )
        .await
        {
            Ok(x) => x,
            Err(e) => {
                report.errors(row.line, key, vec![e]);
                continue;
            }
        };
        // Enrollment: new students arrive; a different class is a transfer from today.
        match open.get(&p.id) {
            Some(e) if e.class_id == cl.id => {}
            Some(e) => {
                if today <= e.starts_on {
                    let mut am: enrollment::ActiveModel = e.clone().into();
                    am.class_id = Set(cl.id);
                    let e2 = am.update(txn).await?;
                    open.insert(p.id, e2);
                } else {
                    enrollment::Entity::update_many()
                        .col_expr(
                            enrollment::Column::EndsOn,
                            sea_orm::sea_query::Expr::value(today - chrono::Duration::days(1)),
                        )
                        .col_expr(
                            enrollment::Column::EndReason,
                            sea_orm::sea_query::Expr::value("transfer"),
                        )
                        .filter(enrollment::Column::Id.eq(e.id))
                        .exec(txn)
                        .await?;
                    let e2 = roster::insert_enrollment(
                        txn,
                        school_id,
                        p.id,
                        cl.id,
                        today,
                        StartReason::Transfer,
                    )
                    .await?;
                    open.insert(p.id, e2);
                }
                if outcome == RowOutcome::Unchanged {
                    outcome = RowOutcome::Updated;
                }
            }
            None if ended.contains(&p.id) => {
                // Withdrawn (or moved out) earlier: an old roster file does not bring them back;
                // a return is an `arrive` with its date.
            }
            None => {
                // On the roster for the whole year: the import is the list as of the year's start.
                let start = year.starts_on;
                let e = roster::insert_enrollment(
                    txn,
                    school_id,
                    p.id,
                    cl.id,
                    start,
                    StartReason::Arrival,
                )
                .await?;
                open.insert(p.id, e);
                if outcome == RowOutcome::Unchanged {
                    outcome = RowOutcome::Updated;
                }
            }
        }
        // Subgroup: the student is in group N of the class and in no other group of it.
        let class_groups: Vec<(i32, Uuid)> = groups
            .iter()
            .filter(|((c, _), _)| *c == cl.id)
            .map(|((_, n), id)| (*n, *id))
            .collect();
        let wanted = match group_no {
            Some(n) => Some(match groups.get(&(cl.id, n)) {
                Some(g) => *g,
                None => {
                    let g = structure::ensure_group(txn, school_id, cl.id, n).await?;
                    groups.insert((cl.id, n), g.id);
                    g.id
                }
            }),
            None => None,
        };
        for (_, gid) in class_groups.iter().filter(|(_, gid)| Some(*gid) != wanted) {
            if memberships.remove(&(*gid, p.id)) {
                group_member::Entity::delete_many()
                    .filter(group_member::Column::GroupId.eq(*gid))
                    .filter(group_member::Column::StudentId.eq(p.id))
                    .exec(txn)
                    .await?;
                if outcome == RowOutcome::Unchanged {
                    outcome = RowOutcome::Updated;
                }
            }
        }
        if let Some(gid) = wanted
            && memberships.insert((gid, p.id))
        {
            group_member::ActiveModel {
                id: Set(Uuid::now_v7()),
                school_id: Set(school_id),
                group_id: Set(gid),
                student_id: Set(p.id),
            }
            .insert(txn)
            .await?;
            if outcome == RowOutcome::Unchanged {
                outcome = RowOutcome::Updated;
            }
        }
        report.push(row.line, key, outcome);
    }
    Ok(())
}

async fn parents(
    txn: &DatabaseTransaction,
    school_id: Uuid,
    table: &Table,
    report: &mut Report,
) -> AppResult<()> {
    let mut existing = people_by_external_id(txn, school_id).await?;
    let mut orphans = orphans_of(txn, school_id).await?;
    let mut links: HashMap<(Uuid, Uuid), Option<String>> = guardian_link::Entity::find()
        .filter(guardian_link::Column::SchoolId.eq(school_id))
        .all(txn)
        .await?
        .into_iter()
        .map(|l| ((l.parent_id, l.student_id), l.relation))
        .collect();
    // A parent appears once per child: the person fields must agree across their rows.
    let mut seen_pairs = HashMap::new();
    let mut first_row_of: HashMap<String, (usize, PersonInput)> = HashMap::new();
    for row in &table.rows {
        let mut errs = Vec::new();
        let mut input = person_input(row, &mut errs);
        let key = input.external_id.clone().unwrap_or_default();
        input.phone = take(&mut errs, row.opt_text("phone")).map(str::to_string);
        let student_ext = take(&mut errs, row.text("student_external_id")).to_string();
        let relation = take(&mut errs, row.opt_text("relation")).map(str::to_string);
        let student = existing.get(&student_ext).cloned();
        match &student {
            Some(s) if s.kind == "student" => {}
            _ if student_ext.is_empty() => {}
            _ => errs.push(row.error(
                "student_external_id",
                format!("no student {student_ext}: import students first"),
            )),
        }
        if let Some(e) = duplicate(
            &mut seen_pairs,
            &format!("{key} → {student_ext}"),
            row,
            "student_external_id",
        ) {
            errs.push(e);
        }
        if let Some((line, first)) = first_row_of.get(&key)
            && (first.last_name != input.last_name
                || first.first_name != input.first_name
                || first.middle_name != input.middle_name)
        {
            errs.push(row.error(
                "last_name",
                format!("{key} has another name on line {line}"),
            ));
        }
        let Some(student) = student.filter(|_| errs.is_empty()) else {
            report.errors(row.line, key, errs);
            continue;
        };
        let repeat = first_row_of.contains_key(&key);
        first_row_of
            .entry(key.clone())
            .or_insert((row.line, input.clone()));
        let (mut outcome, p) = if repeat {
            match existing.get(&key) {
                Some(p) => (RowOutcome::Unchanged, p.clone()),
                None => {
                    report.errors(
                        row.line,
                        key,
                        vec![row.error("external_id", "unknown parent")],
                    );
                    continue;
                }
            }
        } else {
            match upsert_person(
                txn,
                school_id,
                &mut existing,
                &mut orphans,
                row,
                input,
                PersonKind::Parent,
            )
            .await
            {
                Ok(x) => x,
                Err(e) => {
                    report.errors(row.line, key, vec![e]);
                    continue;
                }
            }
        };
        let link_changed = match links.get(&(p.id, student.id)) {
            Some(r) => *r != relation,
            None => true,
        };
        if link_changed {
            roster::save_link(txn, school_id, p.id, student.id, relation.clone()).await?;
            report.audit(
                "guardian_linked",
                student.id,
                None,
                serde_json::json!({ "parent_id": p.id, "relation": relation, "source": "import" }),
            );
            links.insert((p.id, student.id), relation);
            if outcome == RowOutcome::Unchanged {
                outcome = RowOutcome::Updated;
            }
        }
        report.push(row.line, key, outcome);
    }
    Ok(())
}

async fn courses(
    txn: &DatabaseTransaction,
    school_id: Uuid,
    table: &Table,
    report: &mut Report,
) -> AppResult<()> {
    let Some(year) = year_or_error(txn, school_id, report).await? else {
        return Ok(());
    };
    let classes = classes_of_year(txn, year.id).await?;
    let subjects: HashMap<String, Uuid> = subject::Entity::find()
        .filter(subject::Column::SchoolId.eq(school_id))
        .all(txn)
        .await?
        .into_iter()
        .map(|s| (s.name, s.id))
        .collect();
    let staff = people_by_external_id(txn, school_id).await?;
    // Rows with the same class, subject and subgroup are one course with several teachers.
    struct Planned {
        line: usize,
        key: String,
        class_id: Uuid,
        group_no: Option<i32>,
        subject_id: Uuid,
        hours: i32,
        teachers: Vec<Uuid>,
        /// Further rows of the same course (more teachers): they share its outcome.
        extra_lines: Vec<usize>,
    }
    let mut planned: Vec<Planned> = Vec::new();
    let mut seen_teacher = HashMap::new();
    for row in &table.rows {
        let mut errs = Vec::new();
        let class_name = take(&mut errs, row.text("class")).to_uppercase();
        let subject_name = structure::clean(take(&mut errs, row.text("subject")));
        let teacher_ext = take(&mut errs, row.text("teacher_external_id")).to_string();
        let hours: i32 = take(&mut errs, row.int("hours_per_week", 0..=40));
        let group_no: Option<i32> = take(&mut errs, row.opt_int("group", 1..=9));
        let key = match group_no {
            Some(g) => format!("{class_name} {subject_name} гр. {g}"),
            None => format!("{class_name} {subject_name}"),
        };
        let cl = classes.get(&class_name);
        if cl.is_none() && !class_name.is_empty() {
            errs.push(row.error(
                "class",
                format!("no class {class_name}: import classes first"),
            ));
        }
        let subj = subjects.get(&subject_name);
        if subj.is_none() && !subject_name.is_empty() {
            errs.push(row.error(
                "subject",
                format!("no subject {subject_name}: import subjects first"),
            ));
        }
        let teacher = staff.get(&teacher_ext).filter(|p| p.kind == "staff");
        if teacher.is_none() && !teacher_ext.is_empty() {
            errs.push(row.error(
                "teacher_external_id",
                format!("no staff member {teacher_ext}: import staff first"),
            ));
        }
        if let Some(e) = duplicate(
            &mut seen_teacher,
            &format!("{key} {teacher_ext}"),
            row,
            "teacher_external_id",
        ) {
            errs.push(e);
        }
        let (Some(cl), Some(subj), Some(teacher)) = (cl, subj, teacher) else {
            report.errors(row.line, key, errs);
            continue;
        };
        if !errs.is_empty() {
            report.errors(row.line, key, errs);
            continue;
        }
        match planned.iter_mut().find(|p| p.key == key) {
            Some(p) if p.hours != hours => {
                report.errors(
                    row.line,
                    key,
                    vec![row.error(
                        "hours_per_week",
                        format!("line {} gives {} hours", p.line, p.hours),
                    )],
                );
            }
            Some(p) => {
                p.teachers.push(teacher.id);
                p.extra_lines.push(row.line);
            }
            None => planned.push(Planned {
                line: row.line,
                key,
                class_id: cl.id,
                group_no,
                subject_id: *subj,
                hours,
                teachers: vec![teacher.id],
                extra_lines: Vec::new(),
            }),
        }
    }
    let existing = course::Entity::find()
        .filter(course::Column::AcademicYearId.eq(year.id))
        .all(txn)
        .await?;
    let teachers = course_teacher::Entity::find()
        .filter(course_teacher::Column::SchoolId.eq(school_id))
        .all(txn)
        .await?;
    for p in planned {
        let group_id = match p.group_no {
            Some(n) => Some(
                structure::ensure_group(txn, school_id, p.class_id, n)
                    .await?
                    .id,
            ),
            None => None,
        };
        let mut wanted = p.teachers.clone();
        wanted.sort();
        wanted.dedup();
        let current = existing.iter().find(|c| {
            c.class_id == p.class_id && c.subject_id == p.subject_id && c.group_id == group_id
        });
        let outcome = match current {
            Some(c) => {
                let mut have: Vec<Uuid> = teachers
                    .iter()
                    .filter(|t| t.course_id == c.id)
                    .map(|t| t.teacher_id)
                    .collect();
                have.sort();
                if have == wanted && c.hours_per_week == p.hours {
                    RowOutcome::Unchanged
                } else {
                    let mut am: course::ActiveModel = c.clone().into();
                    am.hours_per_week = Set(p.hours);
                    am.update(txn).await?;
                    structure::set_course_teachers(txn, school_id, c.id, &wanted).await?;
                    RowOutcome::Updated
                }
            }
            None => {
                let id = Uuid::now_v7();
                course::ActiveModel {
                    id: Set(id),
                    school_id: Set(school_id),
                    academic_year_id: Set(year.id),
                    class_id: Set(p.class_id),
                    group_id: Set(group_id),
                    subject_id: Set(p.subject_id),
                    hours_per_week: Set(p.hours),
                    created_at: Set(Utc::now()),
                }
                .insert(txn)
                .await?;
                structure::set_course_teachers(txn, school_id, id, &wanted).await?;
                RowOutcome::Created
            }
        };
        for line in &p.extra_lines {
            report.push(*line, p.key.clone(), outcome);
        }
        report.push(p.line, p.key, outcome);
    }
    Ok(())
}

/// `2026/2027` → 1 September 2026 to 31 August 2027 (any years: the caller checks the range).
fn year_bounds(name: &str) -> Option<(NaiveDate, NaiveDate)> {
    let (a, b) = name.split_once(['/', '-'])?;
    let a: i32 = a.trim().parse().ok()?;
    let b: i32 = b.trim().parse().ok()?;
    if b != a + 1 {
        return None;
    }
    Some((
        NaiveDate::from_ymd_opt(a, 9, 1)?,
        NaiveDate::from_ymd_opt(b, 8, 31)?,
    ))
}

async fn periods(
    txn: &DatabaseTransaction,
    school_id: Uuid,
    table: &Table,
    report: &mut Report,
    dry_run: bool,
) -> AppResult<()> {
    let mut changed: Option<(NaiveDate, NaiveDate)> = None;
    let mut years: HashMap<String, academic_year::Model> = academic_year::Entity::find()
        .filter(academic_year::Column::SchoolId.eq(school_id))
        .all(txn)
        .await?
        .into_iter()
        .map(|y| (y.name.clone(), y))
        .collect();
    let mut seen = HashMap::new();
    for row in &table.rows {
        let mut errs = Vec::new();
        let year_name = take(&mut errs, row.text("academic_year")).replace(' ', "");
        let kind_text = take(&mut errs, row.text("kind"));
        let kind = PeriodKind::parse(kind_text);
        if kind.is_none() && !kind_text.is_empty() {
            errs.push(row.error(
                "kind",
                format!("`{kind_text}` is not quarter, trimester, half_year or year"),
            ));
        }
        let number: i32 = take(&mut errs, row.int("number", 1..=4));
        let starts_on = take(&mut errs, row.date("starts_on"));
        let ends_on = take(&mut errs, row.date("ends_on"));
        let key = format!("{year_name} {kind_text} {number}");
        if let Some(e) = duplicate(&mut seen, &key, row, "number") {
            errs.push(e);
        }
        let bounds = year_bounds(&year_name);
        if bounds.is_none() && !years.contains_key(&year_name) && !year_name.is_empty() {
            errs.push(row.error(
                "academic_year",
                format!("`{year_name}` is not a year like 2026/2027"),
            ));
        }
        // A new year is made from its name: the API's date range, on this column.
        if let Some((s, e)) = bounds
            && !years.contains_key(&year_name)
            && structure::check_calendar_dates(s, e).is_err()
        {
            use otmetka_domain::structure::{FIRST_YEAR, LAST_YEAR};
            errs.push(row.error(
                "academic_year",
                format!(
                    "`{year_name}` would run {s} – {e}: not in the years {FIRST_YEAR}–{LAST_YEAR}"
                ),
            ));
        }
        let Some(kind) = kind.filter(|_| errs.is_empty()) else {
            report.errors(row.line, key, errs);
            continue;
        };
        let year = match years.get(&year_name) {
            Some(y) => y.clone(),
            None => {
                let (s, e) = bounds.unwrap_or((starts_on, ends_on));
                let input = AcademicYearInput {
                    name: year_name.clone(),
                    starts_on: s,
                    ends_on: e,
                    is_current: false,
                };
                match structure::save_year(txn, school_id, None, &input).await {
                    Ok(y) => {
                        years.insert(year_name.clone(), y.clone());
                        y
                    }
                    Err(e) => {
                        report.errors(row.line, key, vec![app_error(row, "academic_year", e)]);
                        continue;
                    }
                }
            }
        };
        let input = otmetka_domain::structure::PeriodInput {
            academic_year_id: year.id,
            kind,
            number,
            starts_on,
            ends_on,
        };
        let current = period::Entity::find()
            .filter(period::Column::AcademicYearId.eq(year.id))
            .filter(period::Column::Kind.eq(kind.as_str()))
            .filter(period::Column::Number.eq(number))
            .one(txn)
            .await?;
        let (outcome, id) = match &current {
            Some(p) if p.starts_on == starts_on && p.ends_on == ends_on => {
                (RowOutcome::Unchanged, None)
            }
            Some(p) => (RowOutcome::Updated, Some(p.id)),
            None => (RowOutcome::Created, None),
        };
        if outcome != RowOutcome::Unchanged
            && let Err(e) = structure::save_period(txn, school_id, id, &input).await
        {
            report.errors(row.line, key, vec![app_error(row, "starts_on", e)]);
            continue;
        }
        if outcome != RowOutcome::Unchanged {
            let (a, b) = match &current {
                Some(p) => (p.starts_on.min(starts_on), p.ends_on.max(ends_on)),
                None => (starts_on, ends_on),
            };
            changed = Some(match changed {
                Some((x, y)) => (a.min(x), b.max(y)),
                None => (a, b),
            });
        }
        report.push(row.line, key, outcome);
    }
    // School days follow the periods: regenerate the lessons of the days gained or lost.
    if let Some((a, b)) = changed
        && !dry_run
        && !report.rows.iter().any(|r| r.outcome == RowOutcome::Error)
    {
        timetable::regenerate(txn, school_id, a, b, None).await?;
    }
    Ok(())
}

// ---------- bell schedules, holidays, timetable ----------

const BELL_SCHEDULE_COLUMNS: &[ColumnSpec] = &[
    ColumnSpec::required("number"),
    ColumnSpec::required("starts_at"),
    ColumnSpec::required("ends_at"),
    ColumnSpec::optional("name"),
];
const HOLIDAYS_COLUMNS: &[ColumnSpec] = &[
    ColumnSpec::required("name"),
    ColumnSpec::optional("kind"),
    ColumnSpec::required("starts_on"),
    ColumnSpec::optional("ends_on"),
];
const TIMETABLE_COLUMNS: &[ColumnSpec] = &[
    ColumnSpec::required("class"),
    ColumnSpec::required("weekday"),
    ColumnSpec::required("lesson_number"),
    ColumnSpec::required("subject"),
    ColumnSpec::optional("teacher_external_id"),
    ColumnSpec::optional("group"),
    ColumnSpec::optional("room"),
    ColumnSpec::optional("valid_from"),
    ColumnSpec::optional("valid_to"),
];

/// The name of the bell schedule rows without a `name`.
pub const DEFAULT_BELL_SCHEDULE: &str = "Основное расписание";

/// Bell schedule rows, grouped by `name` (default [`DEFAULT_BELL_SCHEDULE`]): each group
/// replaces that schedule's slots; the classes on it stay. The first schedule is the default.
async fn bell_schedules(
    txn: &DatabaseTransaction,
    school_id: Uuid,
    table: &Table,
    report: &mut Report,
) -> AppResult<()> {
    let mut groups: Vec<(String, Vec<(usize, LessonSlot)>)> = Vec::new();
    let mut seen = HashMap::new();
    for row in &table.rows {
        let mut errs = Vec::new();
        let number: i32 = take(&mut errs, row.int("number", 0..=12));
        let a = take(&mut errs, row.opt_time("starts_at"));
        let b = take(&mut errs, row.opt_time("ends_at"));
        if a.is_none()
            && !errs
                .iter()
                .any(|e| e.column.as_deref() == Some("starts_at"))
        {
            errs.push(row.error("starts_at", "a value is required"));
        }
        if b.is_none() && !errs.iter().any(|e| e.column.as_deref() == Some("ends_at")) {
            errs.push(row.error("ends_at", "a value is required"));
        }
        let name = take(&mut errs, row.opt_text("name"))
            .map(structure::clean)
            .unwrap_or_else(|| DEFAULT_BELL_SCHEDULE.to_string());
        let key = format!("{name} {number}");
        if let Some(e) = duplicate(&mut seen, &key, row, "number") {
            errs.push(e);
        }
        if let (Some(a), Some(b)) = (a, b)
            && b <= a
        {
            errs.push(row.error("ends_at", "a lesson must end after it starts"));
        }
        if !errs.is_empty() {
            report.errors(row.line, key, errs);
            continue;
        }
        let slot = LessonSlot {
            number,
            starts_at: a.map(|t| t.format("%H:%M").to_string()).unwrap_or_default(),
            ends_at: b.map(|t| t.format("%H:%M").to_string()).unwrap_or_default(),
        };
        match groups.iter_mut().find(|g| g.0 == name) {
            Some(g) => g.1.push((row.line, slot)),
            None => groups.push((name, vec![(row.line, slot)])),
        }
    }
    let existing = bell_schedule::Entity::find()
        .filter(bell_schedule::Column::SchoolId.eq(school_id))
        .all(txn)
        .await?;
    let classes = class::Entity::find()
        .filter(class::Column::SchoolId.eq(school_id))
        .all(txn)
        .await?;
    for (name, rows) in groups {
        let mut slots: Vec<LessonSlot> = rows.iter().map(|r| r.1.clone()).collect();
        slots.sort_by_key(|s| s.number);
        if let Err((_, msg)) = check_slots(&slots) {
            for (line, s) in &rows {
                report.errors(
                    *line,
                    format!("{name} {}", s.number),
                    vec![RowError::new(*line, Some("starts_at"), msg)],
                );
            }
            continue;
        }
        let old = existing.iter().find(|s| s.name == name);
        let outcome = match old {
            Some(o)
                if serde_json::from_str::<Vec<LessonSlot>>(&o.slots).ok()
                    == Some(slots.clone()) =>
            {
                RowOutcome::Unchanged
            }
            _ => {
                let input = BellScheduleInput {
                    name: name.clone(),
                    is_default: old.is_some_and(|o| o.is_default),
                    slots: slots.clone(),
                    class_ids: old
                        .map(|o| {
                            classes
                                .iter()
                                .filter(|c| c.bell_schedule_id == Some(o.id))
                                .map(|c| c.id)
                                .collect()
                        })
                        .unwrap_or_default(),
                };
                timetable::save_bell_schedule(txn, school_id, old.map(|o| o.id), &input).await?;
                if old.is_some() {
                    RowOutcome::Updated
                } else {
                    RowOutcome::Created
                }
            }
        };
        for (line, s) in rows {
            report.push(line, format!("{name} {}", s.number), outcome);
        }
    }
    Ok(())
}

/// Holiday rows, keyed by name and first day; the lessons of the current year are regenerated
/// after a real run.
async fn holidays(
    txn: &DatabaseTransaction,
    school_id: Uuid,
    table: &Table,
    report: &mut Report,
    dry_run: bool,
) -> AppResult<()> {
    let existing = holiday::Entity::find()
        .filter(holiday::Column::SchoolId.eq(school_id))
        .all(txn)
        .await?;
    let mut seen = HashMap::new();
    for row in &table.rows {
        let mut errs = Vec::new();
        let name = structure::clean(take(&mut errs, row.text("name")));
        let kind_text = take(&mut errs, row.opt_text("kind"));
        let kind = match kind_text {
            None => Some(HolidayKind::Holiday),
            Some(k) => HolidayKind::parse(k),
        };
        if kind.is_none() {
            errs.push(row.error("kind", "holiday (праздник) or vacation (каникулы)"));
        }
        let starts_on = take(&mut errs, row.date("starts_on"));
        let ends_on = take(&mut errs, row.opt_date("ends_on")).unwrap_or(starts_on);
        let key = format!("{name} {starts_on}");
        if let Some(e) = duplicate(&mut seen, &key, row, "starts_on") {
            errs.push(e);
        }
        if !errs.is_empty() {
            report.errors(row.line, key, errs);
            continue;
        }
        let input = HolidayInput {
            name: name.clone(),
            kind: kind.unwrap_or(HolidayKind::Holiday),
            starts_on,
            ends_on: Some(ends_on),
        };
        let old = existing
            .iter()
            .find(|h| h.name == name && h.starts_on == starts_on);
        let outcome = match old {
            Some(o) if o.ends_on == ends_on && o.kind == input.kind.as_str() => {
                RowOutcome::Unchanged
            }
            _ => match timetable::save_holiday(txn, school_id, old.map(|o| o.id), &input).await {
                Ok(_) => {
                    if old.is_some() {
                        RowOutcome::Updated
                    } else {
                        RowOutcome::Created
                    }
                }
                Err(e) => {
                    report.errors(row.line, key, vec![app_error(row, "ends_on", e)]);
                    continue;
                }
            },
        };
        report.push(row.line, key, outcome);
    }
    if !dry_run
        && !report.rows.iter().any(|r| r.outcome == RowOutcome::Error)
        && let Some(year) = year_of(txn, school_id).await?
    {
        timetable::regenerate(txn, school_id, year.starts_on, year.ends_on, None).await?;
    }
    Ok(())
}

/// Timetable rows: a course (class + subject + subgroup) meets on a weekday in a slot. A row
/// with the same course, weekday and slot as an entry whose validity overlaps is that entry
/// (room and validity updated); others are created. Rows of a course's second teacher share the
/// row's outcome. Every row is checked for conflicts against the school's timetable as it will
/// be (teacher, class, subgroup, room at once); a conflict is a row error naming the other row or
/// entry. After a real run, the lessons of the imported courses are regenerated.
///
/// With `replace_from`, the file is the whole timetable from that day: rows start on it by
/// default (not before it), an entry that goes on unchanged stays as it is, a changed one ends
/// the day before and a new one starts, and entries missing from the file end the day before
/// (audited `timetable_entry_ended`).
async fn timetable_rows(
    txn: &DatabaseTransaction,
    school_id: Uuid,
    table: &Table,
    report: &mut Report,
    options: Options,
) -> AppResult<()> {
    let Options {
        dry_run,
        replace_from,
        ..
    } = options;
    let Some(year) = year_or_error(txn, school_id, report).await? else {
        return Ok(());
    };
    let cat = timetable::Catalog::load(txn, school_id).await?;
    let classes = classes_of_year(txn, year.id).await?;
    let subjects: HashMap<String, Uuid> = subject::Entity::find()
        .filter(subject::Column::SchoolId.eq(school_id))
        .all(txn)
        .await?
        .into_iter()
        .map(|s| (s.name, s.id))
        .collect();
    let staff = people_by_external_id(txn, school_id).await?;
    struct Planned {
        line: usize,
        key: String,
        course_id: Uuid,
        weekday: i32,
        number: i32,
        room: Option<String>,
        from: NaiveDate,
        to: NaiveDate,
        extra_lines: Vec<usize>,
    }
    let mut planned: Vec<Planned> = Vec::new();
    for row in &table.rows {
        let mut errs = Vec::new();
        let class_name = take(&mut errs, row.text("class")).to_uppercase();
        let weekday: i32 = take(&mut errs, row.int("weekday", 1..=7));
        let number: i32 = take(&mut errs, row.int("lesson_number", 0..=12));
        let subject_name = structure::clean(take(&mut errs, row.text("subject")));
        let teacher_ext = take(&mut errs, row.opt_text("teacher_external_id")).map(str::to_owned);
        let group_no: Option<i32> = take(&mut errs, row.opt_int("group", 1..=9));
        let room = take(&mut errs, row.opt_text("room"))
            .map(structure::clean)
            .filter(|r| !r.is_empty());
        if room.as_ref().is_some_and(|r| r.chars().count() > 50) {
            errs.push(row.error("room", "at most 50 characters"));
        }
        let from = take(&mut errs, row.opt_date("valid_from"))
            .unwrap_or(replace_from.unwrap_or(year.starts_on));
        if let Some(d) = replace_from
            && from < d
        {
            errs.push(row.error(
                "valid_from",
                format!("before replace_from ({d}): this import replaces the timetable from then"),
            ));
        }
        let to = take(&mut errs, row.opt_date("valid_to")).unwrap_or(year.ends_on);
        let key = match group_no {
            Some(g) => format!("{class_name} {weekday}/{number} {subject_name} гр. {g}"),
            None => format!("{class_name} {weekday}/{number} {subject_name}"),
        };
        if to < from {
            errs.push(row.error("valid_to", "the entry ends before it starts"));
        } else if from < year.starts_on || to > year.ends_on {
            errs.push(row.error(
                "valid_from",
                format!(
                    "outside the academic year {} ({} – {})",
                    year.name, year.starts_on, year.ends_on
                ),
            ));
        }
        let cl = classes.get(&class_name);
        if cl.is_none() && !class_name.is_empty() {
            errs.push(row.error(
                "class",
                format!("no class {class_name}: import classes first"),
            ));
        }
        let subj = subjects.get(&subject_name);
        if subj.is_none() && !subject_name.is_empty() {
            errs.push(row.error(
                "subject",
                format!("no subject {subject_name}: import subjects first"),
            ));
        }
        let course = match (cl, subj) {
            (Some(cl), Some(subj)) => {
                let c = cat.courses.values().find(|c| {
                    c.academic_year_id == year.id
                        && c.class_id == cl.id
                        && c.subject_id == *subj
                        && c.group_number == group_no
                });
                if c.is_none() {
                    errs.push(row.error(
                        "subject",
                        format!(
                                "{class_name} has no course {subject_name}{}: import courses first",
                                group_no
                                    .map(|g| format!(" (group {g})"))
                                    .unwrap_or_default()
                            ),
                    ));
                }
                c
            }
            _ => None,
        };
        if let (Some(c), Some(t)) = (course, &teacher_ext) {
            match staff.get(t).filter(|p| p.kind == "staff") {
                None => errs.push(row.error(
                    "teacher_external_id",
                    format!("no staff member {t}: import staff first"),
                )),
                Some(p) if !c.teacher_ids.contains(&p.id) => errs.push(row.error(
                    "teacher_external_id",
                    format!(
                        "{t} does not teach {class_name} {subject_name}: fix the courses first"
                    ),
                )),
                Some(_) => {}
            }
        }
        let Some(course) = course else {
            report.errors(row.line, key, errs);
            continue;
        };
        if !cat.has_slot(course.class_id, number) {
            errs.push(row.error(
                "lesson_number",
                format!("the bell schedule of {class_name} has no lesson {number}"),
            ));
        }
        if !errs.is_empty() {
            report.errors(row.line, key, errs);
            continue;
        }
        match planned.iter_mut().find(|p| {
            p.course_id == course.id
                && p.weekday == weekday
                && p.number == number
                && p.from <= to
                && from <= p.to
        }) {
            Some(p) if p.room != room || p.from != from || p.to != to => report.errors(
                row.line,
                key,
                vec![row.error(
                    "room",
                    format!("line {} gives this lesson another room or dates", p.line),
                )],
            ),
            Some(p) => p.extra_lines.push(row.line),
            None => planned.push(Planned {
                line: row.line,
                key,
                course_id: course.id,
                weekday,
                number,
                room,
                from,
                to,
                extra_lines: Vec::new(),
            }),
        }
    }
    let existing = timetable_entry::Entity::find()
        .filter(timetable_entry::Column::SchoolId.eq(school_id))
        .all(txn)
        .await?;
    // Match rows to existing entries.
    let mut matched: HashMap<Uuid, usize> = HashMap::new();
    let matches: Vec<Option<&timetable_entry::Model>> = planned
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let m = existing.iter().find(|e| {
                e.course_id == p.course_id
                    && e.weekday == p.weekday
                    && e.lesson_number == p.number
                    && e.valid_from <= p.to
                    && p.from <= e.valid_to
                    && !matched.contains_key(&e.id)
            });
            if let Some(e) = m {
                matched.insert(e.id, i);
            }
            m
        })
        .collect();
    // The timetable as it will be: existing entries not matched (in replace mode only those
    // ending before the day, which cannot meet a row), and the planned rows.
    let mut occupants: Vec<timetable::Occupant> = existing
        .iter()
        .filter(|e| !matched.contains_key(&e.id))
        .filter(|e| replace_from.is_none_or(|d| e.valid_to < d))
        .filter_map(|e| timetable::Occupant::entry(&cat, e))
        .collect();
    let first_planned = occupants.len();
    for p in &planned {
        let c = cat.course(p.course_id)?;
        occupants.push(timetable::Occupant {
            course: c,
            weekday: p.weekday,
            lesson_number: p.number,
            from: p.from,
            to: p.to,
            room: p.room.clone(),
            teachers: c.teacher_ids.clone(),
            entry_id: None,
            lesson_id: None,
            line: Some(p.line),
        });
    }
    let mut failed = vec![false; planned.len()];
    for (i, p) in planned.iter().enumerate() {
        let me = &occupants[first_planned + i];
        let clashes: Vec<String> = occupants
            .iter()
            .enumerate()
            .filter(|(j, _)| *j != first_planned + i)
            .flat_map(|(_, o)| timetable::collisions(&cat, me, o))
            .map(|c| {
                let at = match c.line {
                    Some(l) => format!("line {l}"),
                    None => "an existing entry".to_string(),
                };
                format!(
                    "{} {} also has {} {} at this time ({at})",
                    match c.kind {
                        ConflictKind::Teacher => "teacher",
                        ConflictKind::Class => "class",
                        ConflictKind::Group => "group",
                        ConflictKind::Room => "room",
                    },
                    c.shared,
                    c.class_name,
                    c.subject_name
                )
            })
            .collect();
        if !clashes.is_empty() {
            failed[i] = true;
            let mut errs = vec![RowError::new(
                p.line,
                Some("lesson_number"),
                clashes.join("; "),
            )];
            errs.truncate(1);
            report.errors(p.line, p.key.clone(), errs);
            for l in &p.extra_lines {
                report.errors(
                    *l,
                    p.key.clone(),
                    vec![RowError::new(
                        *l,
                        Some("lesson_number"),
                        "see the course's first row",
                    )],
                );
            }
        }
    }
    let mut courses = HashSet::new();
    for (i, p) in planned.iter().enumerate() {
        if failed[i] {
            continue;
        }
        let outcome = match matches[i] {
            Some(e) if e.room == p.room && e.valid_from == p.from && e.valid_to == p.to => {
                RowOutcome::Unchanged
            }
            // Replace mode: an entry that started before the day goes on, or ends and a
            // changed one takes over from the day.
            Some(e) if replace_from.is_some_and(|d| e.valid_from < d) => {
                let d = replace_from.unwrap_or(p.from);
                if e.room == p.room && e.valid_to == p.to && p.from == d {
                    RowOutcome::Unchanged
                } else {
                    let mut am: timetable_entry::ActiveModel = e.clone().into();
                    am.valid_to = Set(d - chrono::Duration::days(1));
                    am.update(txn).await?;
                    insert_timetable_entry(
                        txn,
                        school_id,
                        p.course_id,
                        p.weekday,
                        p.number,
                        &p.room,
                        p.from,
                        p.to,
                    )
                    .await?;
                    courses.insert(p.course_id);
                    RowOutcome::Updated
                }
            }
            Some(e) => {
                let mut am: timetable_entry::ActiveModel = e.clone().into();
                am.room = Set(p.room.clone());
                am.valid_from = Set(p.from);
                am.valid_to = Set(p.to);
                am.update(txn).await?;
                courses.insert(p.course_id);
                RowOutcome::Updated
            }
            None => {
                insert_timetable_entry(
                    txn,
                    school_id,
                    p.course_id,
                    p.weekday,
                    p.number,
                    &p.room,
                    p.from,
                    p.to,
                )
                .await?;
                courses.insert(p.course_id);
                RowOutcome::Created
            }
        };
        for l in &p.extra_lines {
            report.push(*l, p.key.clone(), outcome);
        }
        report.push(p.line, p.key.clone(), outcome);
    }
    if let Some(d) = replace_from
        && !report.rows.iter().any(|r| r.outcome == RowOutcome::Error)
    {
        for e in existing
            .iter()
            .filter(|e| !matched.contains_key(&e.id) && e.valid_to >= d)
        {
            if e.valid_from >= d {
                timetable_entry::Entity::delete_by_id(e.id)
                    .exec(txn)
                    .await?;
            } else {
                let mut am: timetable_entry::ActiveModel = e.clone().into();
                am.valid_to = Set(d - chrono::Duration::days(1));
                am.update(txn).await?;
            }
            courses.insert(e.course_id);
            report.audits.push(
                Audit::new("timetable_entry_ended")
                    .school(school_id)
                    .actor(report.actor)
                    .object("timetable_entry", e.id)
                    .new_value(serde_json::json!({ "ends_before": d, "by": "import" })),
            );
        }
    }
    if !dry_run
        && !courses.is_empty()
        && !report.rows.iter().any(|r| r.outcome == RowOutcome::Error)
    {
        timetable::regenerate(txn, school_id, year.starts_on, year.ends_on, Some(&courses)).await?;
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
async fn insert_timetable_entry(
    txn: &DatabaseTransaction,
    school_id: Uuid,
    course_id: Uuid,
    weekday: i32,
    number: i32,
    room: &Option<String>,
    from: NaiveDate,
    to: NaiveDate,
) -> AppResult<()> {
    timetable_entry::ActiveModel {
        id: Set(Uuid::now_v7()),
        school_id: Set(school_id),
        course_id: Set(course_id),
        weekday: Set(weekday),
        lesson_number: Set(number),
        room: Set(room.clone()),
        valid_from: Set(from),
        valid_to: Set(to),
        created_at: Set(Utc::now()),
    }
    .insert(txn)
    .await?;
    Ok(())
}
