//! The monthly activity report (отчёт по активности пользователей, regulation §15: made once a
//! month): per role and per class — people, accounts registered, invite codes outstanding,
//! accounts that signed in during the month and their sign-ins, students and parents who
//! opened a diary (and how often), teachers' journal edits; and per person (drill-down).
//!
//! Sources: sign-ins are the audit log's `login_succeeded` records, journal edits its journal
//! actions ([`JOURNAL_ACTIONS`]) in the school, diary openings the `diary_views` rows (one per
//! account, student and day, counted by the diary and marks pages in [`DiaryViews`] and written
//! every few seconds and before a report). The database groups them
//! per account; the month is the school's calendar month in its time zone, by the server's
//! calendar clock (which `fixed_clock` freezes for demos), while audit records carry the real
//! instant they were written.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Datelike, Months, NaiveDate, TimeZone, Utc};
use otmetka_domain::Role;
use otmetka_domain::reports::{ActivityCounts, ActivityReport, ActivityRow, UserActivity};
use sea_orm::sea_query::{Alias, Expr, Func, OnConflict};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use uuid::Uuid;

use super::Scope;
use crate::auth::Actor;
use crate::entity::{
    account, audit_log, diary_view, guardian_link, invite_code, person, role_assignment,
};
use crate::error::{AppError, AppResult};
use crate::service::finals::name_of;
use crate::service::structure::school_today_at;

/// The audit actions that count as journal edits.
pub const JOURNAL_ACTIONS: [&str; 14] = [
    "mark_set",
    "mark_changed",
    "mark_cleared",
    "attendance_set",
    "attendance_changed",
    "attendance_taken",
    "work_created",
    "work_changed",
    "work_deleted",
    "lesson_content_changed",
    "final_mark_set",
    "final_mark_changed",
    "final_mark_cleared",
    "term_reopened",
];

/// Writes this instance's counted diary views before a report reads them; a failure is logged
/// and the report is made from what is written. [`report`] calls it; the caller of [`users`]
/// does.
pub async fn flush_before_report(db: &impl ConnectionTrait, views: &DiaryViews) {
    if let Err(e) = views.flush(db).await {
        tracing::warn!(error = %e, "could not record diary views before the activity report");
    }
}

/// How often [`DiaryViews`] is written to `diary_views` by the server (and at shutdown).
pub const DIARY_VIEWS_FLUSH_EVERY: std::time::Duration = std::time::Duration::from_secs(5);

/// Openings of diaries and marks pages counted in memory, per (school, account, student, day),
/// and written to `diary_views` in one statement per 500 rows: every
/// [`DIARY_VIEWS_FLUSH_EVERY`], at shutdown and before this instance computes an activity report.
/// A diary read is then a read only (no write per read; on SQLite the write lock is shared by
/// every writer). One per server ([`crate::state::AppState`]); with several instances, a report
/// sees the other instances' views of the last few seconds once they flush (README, "Running
/// several instances").
#[derive(Debug, Default)]
pub struct DiaryViews {
    pending: std::sync::Mutex<HashMap<ViewKey, i32>>,
}

/// (school, account, student, day).
type ViewKey = (Uuid, Uuid, Uuid, NaiveDate);
type ViewCount = (ViewKey, i32);

/// One `INSERT … ON CONFLICT DO UPDATE SET views = views + excluded.views` of `rows`.
async fn upsert_views(db: &impl ConnectionTrait, rows: &[ViewCount]) -> Result<(), sea_orm::DbErr> {
    let models = rows.iter().map(
        |((school, account, student, day), n)| diary_view::ActiveModel {
            id: sea_orm::Set(Uuid::now_v7()),
            school_id: sea_orm::Set(*school),
            account_id: sea_orm::Set(*account),
            student_id: sea_orm::Set(*student),
            day: sea_orm::Set(*day),
            views: sea_orm::Set(*n),
        },
    );
    diary_view::Entity::insert_many(models)
        .on_conflict(
            OnConflict::columns([
                diary_view::Column::AccountId,
                diary_view::Column::StudentId,
                diary_view::Column::Day,
            ])
            .value(
                diary_view::Column::Views,
                sea_orm::sea_query::ExprTrait::add(
                    Expr::col((diary_view::Entity, diary_view::Column::Views)),
                    Expr::col((Alias::new("excluded"), diary_view::Column::Views)),
                ),
            )
            .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}

impl DiaryViews {
    /// Counts that `actor` opened `student_id`'s diary or marks page on `today` (the school's
    /// day). Only students' and parents' own views count; staff reading a diary are not
    /// recorded.
    pub fn record(&self, actor: &Actor, school_id: Uuid, student_id: Uuid, today: NaiveDate) {
        let roles: Vec<Role> = actor.roles_in(school_id).collect();
        if !roles
            .iter()
            .any(|r| matches!(r, Role::Student | Role::Parent))
            || roles
                .iter()
                .any(|r| matches!(r, Role::Admin | Role::Principal | Role::Teacher))
        {
            return;
        }
        if let Ok(mut p) = self.pending.lock() {
            *p.entry((school_id, actor.account_id, student_id, today))
                .or_default() += 1;
        }
    }

    /// The counts not written yet (for tests).
    pub fn pending(&self) -> i64 {
        self.pending
            .lock()
            .map(|p| p.values().map(|v| i64::from(*v)).sum())
            .unwrap_or(0)
    }

    /// Adds the counted views to `diary_views` (`views = views + n` on an existing row), 500
    /// rows per statement. A statement that fails is retried row by row; a row that still fails
    /// (e.g. its school was deleted meanwhile) is dropped, and the first error is returned
    /// after the rest was written (the periodic flush logs it).
    pub async fn flush(&self, db: &impl ConnectionTrait) -> Result<(), sea_orm::DbErr> {
        let taken: Vec<ViewCount> = match self.pending.lock() {
            Ok(mut p) => p.drain().collect(),
            Err(_) => return Ok(()),
        };
        let mut first_error = None;
        for chunk in taken.chunks(500) {
            if upsert_views(db, chunk).await.is_ok() {
                continue;
            }
            for row in chunk {
                if let Err(e) = upsert_views(db, std::slice::from_ref(row)).await {
                    first_error.get_or_insert(e);
                }
            }
        }
        first_error.map_or(Ok(()), Err)
    }

    /// Flushes every [`DIARY_VIEWS_FLUSH_EVERY`] until the process ends.
    pub fn spawn_flusher(views: std::sync::Arc<DiaryViews>, db: sea_orm::DatabaseConnection) {
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(DIARY_VIEWS_FLUSH_EVERY).await;
                if let Err(e) = views.flush(&db).await {
                    tracing::warn!(error = %e, "could not record diary views");
                }
            }
        });
    }
}

/// The month `YYYY-MM` (exactly: four digits of a year from 1900, a dash, two of the month):
/// its first and last day. Errors: 400 `invalid_query_parameter`.
pub fn parse_month(s: &str) -> AppResult<(NaiveDate, NaiveDate)> {
    let bad = || {
        AppError::new(otmetka_domain::ErrorCode::InvalidQueryParameter)
            .detail(format!("month must be YYYY-MM, got {s:?}"))
    };
    let b = s.as_bytes();
    let shape = b.len() == 7
        && b[4] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || c.is_ascii_digit());
    if !shape || s < "1900-01" {
        return Err(bad());
    }
    let first = NaiveDate::parse_from_str(&format!("{s}-01"), "%Y-%m-%d").map_err(|_| bad())?;
    let last = first
        .checked_add_months(Months::new(1))
        .and_then(|d| d.pred_opt())
        .ok_or_else(bad)?;
    Ok((first, last))
}

/// Everything the report and its drill-down read, grouped per account and person.
struct Month {
    from: NaiveDate,
    to: NaiveDate,
    /// Account → roles in the school.
    roles: HashMap<Uuid, HashSet<Role>>,
    people: Vec<person::Model>,
    /// Person → outstanding invite roles.
    invites: HashMap<Uuid, HashSet<Role>>,
    /// Account → (sign-ins, last sign-in).
    logins: HashMap<Uuid, (u32, Option<DateTime<Utc>>)>,
    /// Account → (diary views, days × students opened).
    views: HashMap<Uuid, u32>,
    edits: HashMap<Uuid, u32>,
    /// Student → class id on the month's last day (or today).
    class_of: HashMap<Uuid, Uuid>,
    /// Parent → their children.
    children: HashMap<Uuid, Vec<Uuid>>,
    classes: BTreeMap<(i32, String), (Uuid, String)>,
    logins_by_account: HashMap<Uuid, String>,
    /// Staff who teach a course of the school (teachers whether or not they registered).
    teaching: HashSet<Uuid>,
}

async fn load_month(
    db: &impl ConnectionTrait,
    snap: &crate::service::snapshot::Snapshot,
    month: Option<&str>,
    now: DateTime<Utc>,
) -> AppResult<Month> {
    let school_id = snap.school.id;
    let cat = &snap.catalog;
    let settings = &snap.settings;
    let tz: chrono_tz::Tz = settings
        .time_zone
        .parse()
        .unwrap_or(chrono_tz::Europe::Moscow);
    let today = school_today_at(&settings.time_zone, now);
    let (from, to) = match month {
        Some(m) => parse_month(m)?,
        None => parse_month(&format!("{:04}-{:02}", today.year(), today.month()))?,
    };
    let start = |d: NaiveDate| {
        tz.from_local_datetime(&d.and_hms_opt(0, 0, 0).unwrap_or_default())
            .earliest()
            .map_or_else(
                || d.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc(),
                |t| t.with_timezone(&Utc),
            )
    };
    let (t0, t1) = (start(from), start(to.succ_opt().unwrap_or(to)));
    let mut roles: HashMap<Uuid, HashSet<Role>> = HashMap::new();
    for r in role_assignment::Entity::find()
        .filter(role_assignment::Column::SchoolId.eq(school_id))
        .all(db)
        .await?
    {
        if let Some(role) = Role::parse(&r.role) {
            roles.entry(r.account_id).or_default().insert(role);
        }
    }
    let people = person::Entity::find()
        .filter(person::Column::SchoolId.eq(school_id))
        .all(db)
        .await?;
    let end_instant = if to >= today { now } else { t1 };
    let mut invites: HashMap<Uuid, HashSet<Role>> = HashMap::new();
    for i in invite_code::Entity::find()
        .filter(invite_code::Column::SchoolId.eq(school_id))
        .filter(invite_code::Column::UsedAt.is_null())
        .filter(invite_code::Column::RevokedAt.is_null())
        .filter(invite_code::Column::ExpiresAt.gt(end_instant))
        .filter(invite_code::Column::CreatedAt.lt(end_instant))
        .all(db)
        .await?
    {
        if let Some(role) = Role::parse(&i.role) {
            invites.entry(i.person_id).or_default().insert(role);
        }
    }
    let members: HashSet<Uuid> = roles.keys().copied().collect();
    let login_rows: Vec<(Option<Uuid>, i64, Option<DateTime<Utc>>)> = audit_log::Entity::find()
        .select_only()
        .column(audit_log::Column::ActorAccountId)
        .column_as(
            Expr::from(Func::count(Expr::col(audit_log::Column::Id))),
            "n",
        )
        .column_as(
            Expr::from(Func::max(Expr::col(audit_log::Column::At))),
            "last",
        )
        .filter(audit_log::Column::Action.eq("login_succeeded"))
        .filter(audit_log::Column::At.gte(t0))
        .filter(audit_log::Column::At.lt(t1))
        .group_by(audit_log::Column::ActorAccountId)
        .into_tuple()
        .all(db)
        .await?;
    let logins = login_rows
        .into_iter()
        .filter_map(|(a, n, last)| {
            let a = a?;
            members
                .contains(&a)
                .then(|| (a, (u32::try_from(n).unwrap_or(0), last)))
        })
        .collect();
    let view_rows: Vec<(Uuid, Option<i64>)> = diary_view::Entity::find()
        .select_only()
        .column(diary_view::Column::AccountId)
        .column_as(
            Expr::from(Func::sum(Expr::col(diary_view::Column::Views))),
            "n",
        )
        .filter(diary_view::Column::SchoolId.eq(school_id))
        .filter(diary_view::Column::Day.gte(from))
        .filter(diary_view::Column::Day.lte(to))
        .group_by(diary_view::Column::AccountId)
        .into_tuple()
        .all(db)
        .await?;
    let views = view_rows
        .into_iter()
        .map(|(a, n)| (a, u32::try_from(n.unwrap_or(0)).unwrap_or(0)))
        .collect();
    let edit_rows: Vec<(Option<Uuid>, i64)> = audit_log::Entity::find()
        .select_only()
        .column(audit_log::Column::ActorAccountId)
        .column_as(
            Expr::from(Func::count(Expr::col(audit_log::Column::Id))),
            "n",
        )
        .filter(audit_log::Column::SchoolId.eq(school_id))
        .filter(audit_log::Column::Action.is_in(JOURNAL_ACTIONS))
        .filter(audit_log::Column::At.gte(t0))
        .filter(audit_log::Column::At.lt(t1))
        .group_by(audit_log::Column::ActorAccountId)
        .into_tuple()
        .all(db)
        .await?;
    let edits = edit_rows
        .into_iter()
        .filter_map(|(a, n)| Some((a?, u32::try_from(n).unwrap_or(0))))
        .collect();
    let day = Ord::min(to, today);
    let class_of: HashMap<Uuid, Uuid> = snap
        .roster
        .enrollments
        .values()
        .flatten()
        .filter(|e| e.starts_on <= day && e.ends_on.is_none_or(|x| x >= day))
        .map(|e| (e.student_id, e.class_id))
        .collect();
    let mut children: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    for g in guardian_link::Entity::find()
        .filter(guardian_link::Column::SchoolId.eq(school_id))
        .all(db)
        .await?
    {
        children.entry(g.parent_id).or_default().push(g.student_id);
    }
    let live: HashSet<Uuid> = class_of.values().copied().collect();
    let classes = cat
        .classes
        .values()
        .filter(|c| live.contains(&c.id))
        .map(|c| ((c.grade, c.letter.clone()), (c.id, c.name.clone())))
        .collect();
    let account_ids: Vec<Uuid> = people.iter().filter_map(|p| p.account_id).collect();
    let mut logins_by_account = HashMap::new();
    for chunk in account_ids.chunks(500) {
        for (id, login) in account::Entity::find()
            .select_only()
            .column(account::Column::Id)
            .column(account::Column::Login)
            .filter(account::Column::Id.is_in(chunk.to_vec()))
            .into_tuple::<(Uuid, String)>()
            .all(db)
            .await?
        {
            logins_by_account.insert(id, login);
        }
    }
    Ok(Month {
        from,
        to,
        roles,
        people,
        invites,
        logins,
        views,
        edits,
        class_of,
        children,
        classes,
        logins_by_account,
        teaching: cat
            .courses
            .values()
            .flat_map(|c| c.teacher_ids.iter().copied())
            .collect(),
    })
}

impl Month {
    /// The people who count for `role`: enrolled students, parents of enrolled students, and
    /// staff holding the role (by account) or invited for it, and for teachers everyone who
    /// teaches a course.
    fn holds(&self, p: &person::Model, role: Role) -> bool {
        let by_account = p
            .account_id
            .and_then(|a| self.roles.get(&a))
            .is_some_and(|r| r.contains(&role));
        let invited = self.invites.get(&p.id).is_some_and(|r| r.contains(&role));
        match role {
            Role::Student => p.kind == "student" && self.class_of.contains_key(&p.id),
            Role::Parent => {
                p.kind == "parent"
                    && (by_account
                        || invited
                        || self
                            .children
                            .get(&p.id)
                            .is_some_and(|c| c.iter().any(|s| self.class_of.contains_key(s))))
            }
            Role::Teacher => by_account || invited || self.teaching.contains(&p.id),
            _ => by_account || invited,
        }
    }

    /// The classes a student or parent belongs to.
    fn classes_of(&self, p: &person::Model, role: Role) -> Vec<Uuid> {
        match role {
            Role::Student => self.class_of.get(&p.id).copied().into_iter().collect(),
            Role::Parent => {
                let mut v: Vec<Uuid> = self
                    .children
                    .get(&p.id)
                    .into_iter()
                    .flatten()
                    .filter_map(|s| self.class_of.get(s).copied())
                    .collect();
                v.sort();
                v.dedup();
                v
            }
            _ => Vec::new(),
        }
    }

    fn add(&self, c: &mut ActivityCounts, p: &person::Model, role: Role) {
        c.persons += 1;
        let account = p
            .account_id
            .filter(|a| self.roles.get(a).is_some_and(|r| r.contains(&role)));
        if let Some(a) = account {
            c.registered += 1;
            if let Some((n, _)) = self.logins.get(&a) {
                c.active_users += 1;
                c.sign_ins += n;
            }
            if let Some(v) = self.views.get(&a) {
                c.diary_openers += 1;
                c.diary_views += v;
            }
            c.journal_edits += self.edits.get(&a).copied().unwrap_or(0);
        } else if self.invites.get(&p.id).is_some_and(|r| r.contains(&role)) {
            c.invites_outstanding += 1;
        }
    }
}

const ROLES: [(Role, &str); 5] = [
    (Role::Admin, "Администраторы"),
    (Role::Principal, "Администрация (директор, завучи)"),
    (Role::Teacher, "Учителя"),
    (Role::Student, "Обучающиеся"),
    (Role::Parent, "Родители"),
];

/// The monthly activity report. Principal and admin only (it is about every user). Errors:
/// 400 (month), 403.
pub async fn report(
    db: &(impl ConnectionTrait + sea_orm::TransactionTrait),
    views: &DiaryViews,
    actor: &Actor,
    school_id: Uuid,
    month: Option<&str>,
    now: DateTime<Utc>,
) -> AppResult<ActivityReport> {
    let snap = crate::service::snapshot::get(db, actor, school_id).await?;
    let cat = &snap.catalog;
    if !Scope::of(db, actor, school_id, cat).await?.whole_school() {
        return Err(
            AppError::forbidden().detail("the activity report is for the principal and the admin")
        );
    }
    flush_before_report(db, views).await;
    let m = load_month(db, &snap, month, now).await?;
    let mut roles = Vec::new();
    for (role, label) in ROLES {
        let mut c = ActivityCounts::default();
        for p in m.people.iter().filter(|p| m.holds(p, role)) {
            m.add(&mut c, p, role);
        }
        roles.push(ActivityRow {
            key: format!("role:{}", role.as_str()),
            label: label.into(),
            role,
            class_id: None,
            counts: c,
        });
    }
    let mut per_class: HashMap<(Uuid, Role), ActivityCounts> = HashMap::new();
    for role in [Role::Student, Role::Parent] {
        for p in m.people.iter().filter(|p| m.holds(p, role)) {
            for c in m.classes_of(p, role) {
                m.add(per_class.entry((c, role)).or_default(), p, role);
            }
        }
    }
    let mut classes = Vec::new();
    for (id, name) in m.classes.values() {
        for (role, who) in [(Role::Student, "обучающиеся"), (Role::Parent, "родители")]
        {
            classes.push(ActivityRow {
                key: format!("class:{id}:{}", role.as_str()),
                label: format!("{name} — {who}"),
                role,
                class_id: Some(*id),
                counts: per_class.remove(&(*id, role)).unwrap_or_default(),
            });
        }
    }
    let (year, mon) = (m.from.year(), m.from.month());
    Ok(ActivityReport {
        month: format!("{year:04}-{mon:02}"),
        from: m.from,
        to: m.to,
        roles,
        classes,
    })
}

/// The people of a role (and class) with their month's activity, by name (flush the diary views
/// with [`flush_before_report`] first). Principal and admin.
/// Errors: 400 (month), 403, 404 (class).
pub async fn users(
    db: &(impl ConnectionTrait + sea_orm::TransactionTrait),
    actor: &Actor,
    school_id: Uuid,
    month: Option<&str>,
    role: Role,
    class_id: Option<Uuid>,
    now: DateTime<Utc>,
) -> AppResult<Vec<UserActivity>> {
    let snap = crate::service::snapshot::get(db, actor, school_id).await?;
    let cat = &snap.catalog;
    if !Scope::of(db, actor, school_id, cat).await?.whole_school() {
        return Err(
            AppError::forbidden().detail("the activity report is for the principal and the admin")
        );
    }
    if let Some(c) = class_id {
        crate::service::structure::class_row(db, school_id, c).await?;
    }
    let m = load_month(db, &snap, month, now).await?;
    let class_names: HashMap<Uuid, String> =
        m.classes.values().map(|(id, n)| (*id, n.clone())).collect();
    let mut out: Vec<UserActivity> = m
        .people
        .iter()
        .filter(|p| m.holds(p, role))
        .filter(|p| class_id.is_none_or(|c| m.classes_of(p, role).contains(&c)))
        .map(|p| {
            let account = p
                .account_id
                .filter(|a| m.roles.get(a).is_some_and(|r| r.contains(&role)));
            let (sign_ins, last) = account
                .and_then(|a| m.logins.get(&a).copied())
                .unwrap_or((0, None));
            let classes: Vec<String> = m
                .classes_of(p, role)
                .iter()
                .filter_map(|c| class_names.get(c).cloned())
                .collect();
            UserActivity {
                person_id: p.id,
                name: name_of(p),
                role,
                class_name: (!classes.is_empty()).then(|| classes.join(", ")),
                login: account.and_then(|a| m.logins_by_account.get(&a).cloned()),
                invite_outstanding: account.is_none()
                    && m.invites.get(&p.id).is_some_and(|r| r.contains(&role)),
                sign_ins,
                last_sign_in_at: last,
                diary_views: account.and_then(|a| m.views.get(&a).copied()).unwrap_or(0),
                journal_edits: account.and_then(|a| m.edits.get(&a).copied()).unwrap_or(0),
            }
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_are_parsed_strictly() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        assert_eq!(
            parse_month("2026-11").unwrap(),
            (d(2026, 11, 1), d(2026, 11, 30))
        );
        assert_eq!(
            parse_month("2028-02").unwrap(),
            (d(2028, 2, 1), d(2028, 2, 29))
        );
        for bad in [
            "26-11", "2026-1", " 2026-11", "2026-+1", "0000-01", "-0001-01", "2026-13", "",
            "2026-11 ",
        ] {
            assert!(parse_month(bad).is_err(), "{bad:?}");
        }
    }
}
