//! A school's slowly changing data, derived once and shared by the requests that read it: the
//! school row and settings, the course catalog ([`Catalog`]), the mark settings ([`MarkConfig`]),
//! the calendar ([`Calendar`]) and the roster's enrollments and subgroup memberships
//! ([`Roster`]) with who may read which student's diary (persons of an account, parents'
//! links), and the final-mark reopenings. Loading them takes about twenty whole-school
//! reads (every course, teacher, class, subject, group, bell schedule, scale, work type, code,
//! period, holiday, student, enrollment, membership and reopening); the journal, the diary and the marks page need them on every request.
//!
//! Every change of the tables behind them raises `schools.generation` through database
//! triggers (migrations `m20261130_000007_school_generation`, `…_000009_roster_generation` and
//! `…_000011_guardian_links_generation`),
//! whichever instance or script made it. [`get`] takes that counter as the caller's session read
//! it (`Actor::generation_in`, no statement of its own), or reads it (one statement), and answers
//! from this process's cache while it has not moved; otherwise it loads a new snapshot in one
//! consistent read transaction.
//! So several instances behind one database stay consistent (DESIGN §7: ≤ 5 statements per page,
//! ≥ 1 000 diary reads/s; issue 8). Writers keep loading what they check inside their own
//! transaction.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, LazyLock, RwLock};

use otmetka_domain::structure::SchoolSettings;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, IsolationLevel, QueryFilter, QueryOrder,
    QuerySelect, TransactionSession, TransactionTrait,
};
use uuid::Uuid;

use crate::auth::Actor;
use crate::entity::{
    academic_year, enrollment, group_member, guardian_link, period, person, school, term_reopening,
};
use crate::error::{AppError, AppResult};
use crate::service::marks::MarkConfig;
use crate::service::structure::{get_settings_row, school_row};
use crate::service::timetable::{Calendar, Catalog};

/// What [`get`] answers: one school's derived data as of `generation`.
#[derive(Debug)]
pub struct Snapshot {
    /// `schools.generation` the data was read at.
    pub generation: i64,
    pub school: school::Model,
    pub settings: SchoolSettings,
    pub catalog: Catalog,
    pub marks: MarkConfig,
    pub calendar: Calendar,
    /// The school's periods of every year, by first day.
    pub periods: Vec<period::Model>,
    /// The school's academic years, by first day.
    pub years: Vec<academic_year::Model>,
    /// Who is in which class and subgroup.
    pub roster: Roster,
    /// Every final-mark reopening of the school (running or ended), by creation.
    pub reopenings: Vec<term_reopening::Model>,
}

impl Snapshot {
    /// The academic year `year_id` of the school, or the current one without it. Errors: 404
    /// `not_found` (no such year of the school, or no current year).
    pub fn year(&self, year_id: Option<Uuid>) -> AppResult<&academic_year::Model> {
        match year_id {
            Some(id) => self.years.iter().find(|y| y.id == id),
            None => self.years.iter().find(|y| y.is_current),
        }
        .ok_or_else(|| AppError::not_found("academic year"))
    }

    /// The current academic year, if the school has one.
    pub fn current_year(&self) -> Option<&academic_year::Model> {
        self.years.iter().find(|y| y.is_current)
    }
}

/// A student's (last, first, middle) name.
pub type StudentName = (String, String, Option<String>);

/// The school's students' names, class enrollments (every year) and subgroup memberships.
#[derive(Debug, Default)]
pub struct Roster {
    /// Every student of the school (`persons.kind = 'student'`) by id: last, first and middle
    /// name.
    pub names: HashMap<Uuid, StudentName>,
    /// A student's enrollments, by first day.
    pub enrollments: HashMap<Uuid, Vec<enrollment::Model>>,
    /// A student's subgroups (`groups.id`).
    pub groups: HashMap<Uuid, HashSet<Uuid>>,
    /// The school's persons of an account (`persons.account_id`), by account: who a caller is
    /// in the school.
    pub persons_of_account: HashMap<Uuid, Vec<Uuid>>,
    /// A parent's children (`guardian_links`): parent person → students.
    pub children: HashMap<Uuid, Vec<Uuid>>,
}

impl Roster {
    /// The student's enrollments that overlap `[from, to]`, by first day.
    pub fn enrollments_between(
        &self,
        student_id: Uuid,
        from: chrono::NaiveDate,
        to: chrono::NaiveDate,
    ) -> Vec<enrollment::Model> {
        self.enrollments
            .get(&student_id)
            .into_iter()
            .flatten()
            .filter(|e| e.starts_on <= to && e.ends_on.is_none_or(|x| x >= from))
            .cloned()
            .collect()
    }

    /// Whether the account is the student (a person of the school with that account) or a
    /// parent linked to them (regulation §4: a student reads only self, a parent only their
    /// children).
    pub fn is_self_or_child(&self, account_id: Uuid, student_id: Uuid) -> bool {
        self.persons_of_account
            .get(&account_id)
            .into_iter()
            .flatten()
            .any(|p| {
                *p == student_id
                    || self
                        .children
                        .get(p)
                        .is_some_and(|c| c.contains(&student_id))
            })
    }

    /// The student's subgroups (empty for none).
    pub fn groups_of(&self, student_id: Uuid) -> HashSet<Uuid> {
        self.groups.get(&student_id).cloned().unwrap_or_default()
    }

    /// The enrollments in `class_id` that overlap `[from, to]` of the students in `group_id`
    /// (every student of the class without one), by first day, with the student's name as
    /// (last, first, middle).
    pub fn class_enrollments(
        &self,
        class_id: Uuid,
        group_id: Option<Uuid>,
        from: chrono::NaiveDate,
        to: chrono::NaiveDate,
    ) -> Vec<(&enrollment::Model, &StudentName)> {
        let in_group = |s: &Uuid| {
            group_id.is_none_or(|g| self.groups.get(s).is_some_and(|gs| gs.contains(&g)))
        };
        let mut out: Vec<(&enrollment::Model, &StudentName)> = self
            .enrollments
            .iter()
            .filter(|(s, _)| in_group(s))
            .flat_map(|(_, es)| es.iter())
            .filter(|e| {
                e.class_id == class_id && e.starts_on <= to && e.ends_on.is_none_or(|x| x >= from)
            })
            .filter_map(|e| Some((e, self.names.get(&e.student_id)?)))
            .collect();
        out.sort_by_key(|(e, _)| (e.starts_on, e.id));
        out
    }
}

/// The snapshots of this process by school id (a few hundred kilobytes per school). Static, not
/// in `AppState`: the services that read it take a connection, not the state; school ids are
/// UUIDs, so servers of one process on different databases (the tests) do not collide.
static CACHE: LazyLock<RwLock<HashMap<Uuid, Arc<Snapshot>>>> = LazyLock::new(Default::default);

/// One loader at a time per school: requests that find the snapshot stale together (the first
/// minute of the evening's diary reads, 64 at once) wait for one load instead of each loading
/// the whole school (64 loads at once took the server's memory from 130 to 220 MiB).
static LOADING: LazyLock<std::sync::Mutex<HashMap<Uuid, Arc<tokio::sync::Mutex<()>>>>> =
    LazyLock::new(Default::default);

/// The school's snapshot: from the cache when `schools.generation` has not moved, else loaded
/// anew. The counter is the one read with the actor's session when they hold a role in the
/// school (no statement), else read here (one statement). Errors: 404 `not_found` (school),
/// database errors.
pub async fn get(
    db: &(impl ConnectionTrait + TransactionTrait),
    actor: &Actor,
    school_id: Uuid,
) -> AppResult<Arc<Snapshot>> {
    match actor.generation_in(school_id) {
        Some(generation) => at_generation(db, school_id, generation).await,
        None => get_current(db, school_id).await,
    }
}

/// The school's snapshot for the counter read anew (one statement): after a writer's lock saw
/// `schools.generation` move past the snapshot it started from. Errors: as [`get`].
pub async fn get_current(
    db: &(impl ConnectionTrait + TransactionTrait),
    school_id: Uuid,
) -> AppResult<Arc<Snapshot>> {
    let generation: i64 = school::Entity::find_by_id(school_id)
        .select_only()
        .column(school::Column::Generation)
        .into_tuple()
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("school"))?;
    at_generation(db, school_id, generation).await
}

/// The cached snapshot when it is of `generation`, else one loaded anew.
async fn at_generation(
    db: &(impl ConnectionTrait + TransactionTrait),
    school_id: Uuid,
    generation: i64,
) -> AppResult<Arc<Snapshot>> {
    let fresh = || {
        CACHE
            .read()
            .ok()
            .and_then(|c| c.get(&school_id).cloned())
            .filter(|s| s.generation == generation)
    };
    if let Some(s) = fresh() {
        return Ok(s);
    }
    let gate = LOADING
        .lock()
        .map(|mut l| l.entry(school_id).or_default().clone())
        .unwrap_or_default();
    let _loading = gate.lock().await;
    // Another request may have loaded it while this one waited.
    if let Some(s) = fresh() {
        return Ok(s);
    }
    let snap = Arc::new(load(db, school_id).await?);
    // Always replaced, even by a lower generation: a database restored from a backup goes back
    // to an older counter, and a kept "newer" entry would be served again once the counter
    // climbs back to its value. Two loads racing can leave the older one cached; the next
    // request then sees the mismatch and loads again.
    if let Ok(mut c) = CACHE.write() {
        c.insert(school_id, snap.clone());
    }
    Ok(snap)
}

/// Loads everything in one transaction, so that the data and the generation belong together
/// (PostgreSQL: repeatable read; SQLite: a WAL read transaction sees one snapshot).
async fn load(
    db: &(impl ConnectionTrait + TransactionTrait),
    school_id: Uuid,
) -> AppResult<Snapshot> {
    let txn = match db.get_database_backend() {
        DbBackend::Postgres => {
            db.begin_with_config(Some(IsolationLevel::RepeatableRead), None)
                .await?
        }
        _ => db.begin().await?,
    };
    let school = school_row(&txn, school_id).await?;
    let settings = get_settings_row(&txn, school_id).await?;
    let catalog = Catalog::load(&txn, school_id).await?;
    let marks = MarkConfig::load(&txn, school_id).await?;
    let calendar = Calendar::load(&txn, school_id).await?;
    let periods = period::Entity::find()
        .filter(period::Column::SchoolId.eq(school_id))
        .order_by_asc(period::Column::StartsOn)
        .all(&txn)
        .await?;
    let years = academic_year::Entity::find()
        .filter(academic_year::Column::SchoolId.eq(school_id))
        .order_by_asc(academic_year::Column::StartsOn)
        .all(&txn)
        .await?;
    let mut roster = Roster::default();
    let names: Vec<(Uuid, String, String, Option<String>)> = person::Entity::find()
        .select_only()
        .column(person::Column::Id)
        .column(person::Column::LastName)
        .column(person::Column::FirstName)
        .column(person::Column::MiddleName)
        .filter(person::Column::SchoolId.eq(school_id))
        .filter(person::Column::Kind.eq("student"))
        .into_tuple()
        .all(&txn)
        .await?;
    roster.names = names
        .into_iter()
        .map(|(id, l, f, m)| (id, (l, f, m)))
        .collect();
    for e in enrollment::Entity::find()
        .filter(enrollment::Column::SchoolId.eq(school_id))
        .order_by_asc(enrollment::Column::StartsOn)
        .all(&txn)
        .await?
    {
        roster.enrollments.entry(e.student_id).or_default().push(e);
    }
    for g in group_member::Entity::find()
        .filter(group_member::Column::SchoolId.eq(school_id))
        .all(&txn)
        .await?
    {
        roster
            .groups
            .entry(g.student_id)
            .or_default()
            .insert(g.group_id);
    }
    let accounts: Vec<(Uuid, Uuid)> = person::Entity::find()
        .select_only()
        .column(person::Column::AccountId)
        .column(person::Column::Id)
        .filter(person::Column::SchoolId.eq(school_id))
        .filter(person::Column::AccountId.is_not_null())
        .into_tuple()
        .all(&txn)
        .await?;
    for (account, person) in accounts {
        roster
            .persons_of_account
            .entry(account)
            .or_default()
            .push(person);
    }
    let links: Vec<(Uuid, Uuid)> = guardian_link::Entity::find()
        .select_only()
        .column(guardian_link::Column::ParentId)
        .column(guardian_link::Column::StudentId)
        .filter(guardian_link::Column::SchoolId.eq(school_id))
        .into_tuple()
        .all(&txn)
        .await?;
    for (parent, student) in links {
        roster.children.entry(parent).or_default().push(student);
    }
    let reopenings = term_reopening::Entity::find()
        .filter(term_reopening::Column::SchoolId.eq(school_id))
        .order_by_asc(term_reopening::Column::CreatedAt)
        .all(&txn)
        .await?;
    txn.commit().await?;
    Ok(Snapshot {
        generation: school.generation,
        school,
        settings,
        catalog,
        marks,
        calendar,
        periods,
        years,
        roster,
        reopenings,
    })
}
