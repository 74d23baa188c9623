//! The demo school (`otmetka seed-demo`, and `otmetka serve --demo` on an empty database): the
//! sample school of `tests/fixtures/school/` imported through the same import code a school
//! uses, and one account per role registered through invite codes like real users.

use otmetka_domain::Role;
use otmetka_domain::auth::RegisterRequest;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, TransactionTrait};

use crate::auth::ClientInfo;
use crate::entity::{account, person};
use crate::error::{AppError, AppResult};
use crate::import::kinds::{self, Kind};
use crate::import::reader;
use crate::service::{auth, invites, roster, superadmin};
use crate::state::AppState;

/// The password of every demo account (printed at start; change it for anything real).
pub const DEMO_PASSWORD: &str = "otmetka-demo";

/// The demo school's name.
pub const DEMO_SCHOOL: &str = "Демо-школа № 1";

/// One demo account: login, role (`None` for the superadmin), the person's external id in the
/// fixtures, and what it shows.
pub struct DemoAccount {
    pub login: &'static str,
    pub role: Option<Role>,
    pub external_id: Option<&'static str>,
    pub note: &'static str,
}

/// The demo accounts.
pub const DEMO_ACCOUNTS: &[DemoAccount] = &[
    DemoAccount {
        login: "superadmin",
        role: None,
        external_id: None,
        note: "creates schools",
    },
    DemoAccount {
        login: "admin",
        role: Some(Role::Admin),
        external_id: Some("T0003"),
        note: "Петрова М. М., school administrator",
    },
    DemoAccount {
        login: "principal",
        role: Some(Role::Principal),
        external_id: Some("T0001"),
        note: "Иванов Р. Р., director",
    },
    DemoAccount {
        login: "teacher",
        role: Some(Role::Teacher),
        external_id: Some("T0019"),
        note: "Абдуллаева С. Ш., English",
    },
    DemoAccount {
        login: "classteacher",
        role: Some(Role::Teacher),
        external_id: Some("T0004"),
        note: "Алиева П. А., class teacher of 1А",
    },
    DemoAccount {
        login: "teacher4b",
        role: Some(Role::Teacher),
        external_id: Some("T0011"),
        note: "Кузнецов Р. А., class teacher of 4Б, teaches most of its subjects",
    },
    DemoAccount {
        login: "student",
        role: Some(Role::Student),
        external_id: Some("S00001"),
        note: "Михайлов Кирилл, 1А",
    },
    DemoAccount {
        login: "parent",
        role: Some(Role::Parent),
        external_id: Some("P00001"),
        note: "Михайлова Марьям, mother of Кирилл (1А) and Алексей (4Б)",
    },
];

/// The sample files, in import order.
pub const FIXTURES: &[(Kind, &[u8])] = &[
    (
        Kind::Periods,
        include_bytes!("../../tests/fixtures/school/periods.csv"),
    ),
    (
        Kind::Subjects,
        include_bytes!("../../tests/fixtures/school/subjects.csv"),
    ),
    (
        Kind::Staff,
        include_bytes!("../../tests/fixtures/school/staff.csv"),
    ),
    (
        Kind::Classes,
        include_bytes!("../../tests/fixtures/school/classes.csv"),
    ),
    (
        Kind::Students,
        include_bytes!("../../tests/fixtures/school/students.csv"),
    ),
    (
        Kind::Parents,
        include_bytes!("../../tests/fixtures/school/parents.csv"),
    ),
    (
        Kind::Courses,
        include_bytes!("../../tests/fixtures/school/courses.csv"),
    ),
    (
        Kind::BellSchedule,
        include_bytes!("../../tests/fixtures/school/bell_schedule.csv"),
    ),
    (
        Kind::Holidays,
        include_bytes!("../../tests/fixtures/school/holidays.csv"),
    ),
    (
        Kind::Timetable,
        include_bytes!("../../tests/fixtures/school/timetable.csv"),
    ),
];

/// The second child of the demo parent (a brother of S00001 in 4Б), so the parent's pages show
/// a child switcher.
const SECOND_CHILD: &str = "S00180";

/// Imports every fixture file into a school through the import code. Errors: 500 when a fixture
/// does not import cleanly (they are tested to).
pub async fn import_fixtures(state: &AppState, school_id: uuid::Uuid) -> AppResult<()> {
    for (kind, bytes) in FIXTURES {
        let table = reader::read_csv(bytes, kind.spec()).map_err(|e| {
            AppError::internal(format!("fixture {}: {:?}", kind.as_str(), e.first()))
        })?;
        let txn = state
            .db
            .begin_with_options(crate::service::WRITE_TXN)
            .await?;
        let report = kinds::apply(
            &txn,
            school_id,
            None,
            *kind,
            &table,
            kinds::Options {
                now: Some(state.now()),
                ..kinds::Options::default()
            },
        )
        .await?;
        if report.counts.errors > 0 {
            let first = report.rows.iter().find(|r| !r.problems.is_empty());
            return Err(AppError::internal(format!(
                "fixture {} has errors: {first:?}",
                kind.as_str()
            )));
        }
        txn.commit().await?;
    }
    Ok(())
}

/// Creates the demo school and accounts when the database has no accounts. Returns false (and
/// changes nothing) when it already has some.
pub async fn seed_if_empty(state: &AppState) -> AppResult<bool> {
    if account::Entity::find().count(&state.db).await? > 0 {
        return Ok(false);
    }
    let db = &state.db;
    superadmin::create_unchecked(db, "superadmin", DEMO_PASSWORD, true).await?;
    let school = crate::entity::school::ActiveModel {
        id: sea_orm::Set(uuid::Uuid::now_v7()),
        name: sea_orm::Set(DEMO_SCHOOL.into()),
        time_zone: sea_orm::Set(crate::service::schools::DEFAULT_TIME_ZONE.into()),
        settings: sea_orm::Set("{}".into()),
        created_at: sea_orm::Set(chrono::Utc::now()),
        generation: sea_orm::NotSet,
    };
    let school = sea_orm::ActiveModelTrait::insert(school, db).await?;
    crate::service::marks::seed_defaults(db, school.id).await?;
    import_fixtures(state, school.id).await?;
    let by_ext = |ext: &'static str| {
        person::Entity::find()
            .filter(person::Column::SchoolId.eq(school.id))
            .filter(person::Column::ExternalId.eq(ext))
            .one(db)
    };
    let parent = by_ext("P00001")
        .await?
        .ok_or_else(|| AppError::internal("demo parent missing"))?;
    let second = by_ext(SECOND_CHILD)
        .await?
        .ok_or_else(|| AppError::internal("demo child missing"))?;
    roster::save_link(db, school.id, parent.id, second.id, Some("мать".into())).await?;
    let client = ClientInfo {
        ip: Some("demo".into()),
        user_agent: None,
    };
    for a in DEMO_ACCOUNTS {
        let (Some(role), Some(ext)) = (a.role, a.external_id) else {
            continue;
        };
        let p = by_ext(ext)
            .await?
            .ok_or_else(|| AppError::internal(format!("demo person {ext} missing")))?;
        let inv = invites::issue(db, school.id, &p, role, 30, None).await?;
        auth::register(
            state,
            RegisterRequest {
                invite_code: inv.code,
                login: a.login.into(),
                password: DEMO_PASSWORD.into(),
                email: None,
            },
            &client,
        )
        .await?;
    }
    Ok(true)
}

/// The demo logins, printed by `seed-demo` and by `serve --demo` (with the URL).
pub fn banner(url: Option<&str>) -> String {
    let mut s = match url {
        Some(url) => format!("\nOtmetka is running at {url}\n"),
        None => {
            String::from("\nThe demo school is ready; start the server with `otmetka serve`.\n")
        }
    };
    s.push_str(&format!(
        "Demo accounts of {DEMO_SCHOOL} (password `{DEMO_PASSWORD}`):\n"
    ));
    for a in DEMO_ACCOUNTS {
        s.push_str(&format!("  {:<13} {}\n", a.login, a.note));
    }
    s
}

/// What `seed_marks` wrote.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct MarksSeeded {
    pub lessons: usize,
    pub marks: usize,
    pub absences: usize,
    /// Final marks of periods whose teachers' window had closed by today.
    pub final_marks: usize,
}

/// Fills a school's lessons up to `until` (inclusive; the demo school's, or the benchmark's
/// reference school through `otmetka seed-marks`) with topics, homework, marks and
/// attendance in a realistic distribution (and the gaps a weekly control finds: about one
/// course in eleven has no topics, no attendance and late marks in its last two weeks, and 1.5 % of
/// lessons elsewhere lack a topic, 3 % homework; Физическая культура gets no homework): every student has a level between 2.8 and 5 (most
/// marks are 4 and 5, a few 2), about a third of a class is marked in an ordinary lesson, every
/// eighth lesson of a course is a control work (weight 3) marked for everyone present, about
/// 5 % of student-lessons are absences (Н, Б, УП; some ОП lates). First grades get no marks
/// (безотметочное обучение), only attendance. Marks and attendance go through the journal's
/// batch write ([`crate::service::journal::write_batch`], one batch per course, as the school's
/// first admin account; 500 when it has none); topics and homework are stored in one transaction. Deterministic (fixed seed), so a
/// demo looks the same every time. Does nothing when the school already has marks.
pub async fn seed_marks(
    state: &AppState,
    school_id: uuid::Uuid,
    until: chrono::NaiveDate,
) -> AppResult<MarksSeeded> {
    use std::collections::HashMap;

    use otmetka_domain::journal::{AttendanceWrite, JournalBatch, MarkWrite, WorkInput};
    use rand::{Rng, SeedableRng};
    use sea_orm::{ActiveModelTrait, QueryOrder, Set};

    use crate::entity::{lesson, mark};
    use crate::service::journal;
    use crate::service::marks::MarkConfig;
    use crate::service::timetable::Catalog;

    let db = &state.db;
    if mark::Entity::find()
        .filter(mark::Column::SchoolId.eq(school_id))
        .count(db)
        .await?
        > 0
    {
        return Ok(MarksSeeded::default());
    }
    // The school's first admin account writes (the demo's `admin`).
    let admin_id = crate::entity::role_assignment::Entity::find()
        .filter(crate::entity::role_assignment::Column::SchoolId.eq(school_id))
        .filter(crate::entity::role_assignment::Column::Role.eq(Role::Admin.as_str()))
        .order_by_asc(crate::entity::role_assignment::Column::CreatedAt)
        .one(db)
        .await?
        .ok_or_else(|| AppError::internal("the school has no admin account to write as"))?
        .account_id;
    let admin = account::Entity::find_by_id(admin_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::internal("the school's admin account is missing"))?;
    let actor = crate::auth::Actor {
        account_id: admin.id,
        login: admin.login.clone(),
        is_superadmin: false,
        roles: vec![(school_id, Role::Admin)],
        generations: Vec::new(),
        session_id: None,
        api_token: None,
        client: ClientInfo {
            ip: Some("demo".into()),
            user_agent: None,
        },
    };
    let cat = Catalog::load(db, school_id).await?;
    let cfg = MarkConfig::load(db, school_id).await?;
    let control = cfg
        .work_types
        .iter()
        .find(|t| t.code == "control")
        .map(|t| t.id);
    let lessons = lesson::Entity::find()
        .filter(lesson::Column::SchoolId.eq(school_id))
        .filter(lesson::Column::Date.lte(until))
        .filter(lesson::Column::Status.eq("scheduled"))
        .order_by_asc(lesson::Column::Date)
        .order_by_asc(lesson::Column::LessonNumber)
        .all(db)
        .await?;
    let mut by_course: HashMap<uuid::Uuid, Vec<lesson::Model>> = HashMap::new();
    for l in lessons {
        by_course.entry(l.course_id).or_default().push(l);
    }
    let mut courses: Vec<uuid::Uuid> = by_course.keys().copied().collect();
    courses.sort();
    let mut rng = rand::rngs::StdRng::seed_from_u64(20261129);
    let mut out = MarksSeeded::default();
    let now = state.now();
    // Физическая культура gets no homework (the control report skips it).
    crate::entity::subject::Entity::update_many()
        .col_expr(
            crate::entity::subject::Column::HomeworkExpected,
            sea_orm::sea_query::Expr::value(false),
        )
        .filter(crate::entity::subject::Column::SchoolId.eq(school_id))
        .filter(crate::entity::subject::Column::Name.eq("Физическая культура"))
        .exec(db)
        .await?;
    let no_homework: std::collections::HashSet<uuid::Uuid> = crate::entity::subject::Entity::find()
        .filter(crate::entity::subject::Column::SchoolId.eq(school_id))
        .filter(crate::entity::subject::Column::HomeworkExpected.eq(false))
        .all(db)
        .await?
        .into_iter()
        .map(|s| s.id)
        .collect();
    // A few courses whose teachers let the journal slide in the last two weeks (no topic, no
    // attendance, marks entered late), and a sprinkle of forgotten topics and homework
    // elsewhere: what the weekly control is for. A separate generator, so that the marks stay
    // the same as without it.
    let lazy_from = until - chrono::Duration::days(13);
    let lazy_courses: std::collections::HashSet<uuid::Uuid> = courses
        .iter()
        .enumerate()
        .filter(|(i, _)| i % 11 == 5)
        .map(|(_, c)| *c)
        .collect();
    let is_lazy = |course: &uuid::Uuid, date: chrono::NaiveDate| {
        lazy_courses.contains(course) && date >= lazy_from
    };
    let mut gaps = rand::rngs::StdRng::seed_from_u64(7);
    // Topics and homework: "§ n" of the subject's textbook, homework for grades 2 and up; the
    // attendance taken on the lesson's day.
    let txn = db.begin_with_options(crate::service::WRITE_TXN).await?;
    for course_id in &courses {
        let info = cat.course(*course_id)?;
        let list = &by_course[course_id];
        for (i, l) in list.iter().enumerate() {
            let lazy = is_lazy(course_id, l.date);
            let forgot: f64 = gaps.r#gen();
            let mut am: lesson::ActiveModel = l.clone().into();
            if !lazy && forgot >= 0.015 {
                am.topic = Set(Some(format!("{}: тема {}", info.subject_name, i + 1)));
            }
            if info.grade >= 2 && !no_homework.contains(&info.subject_id) && !lazy && forgot >= 0.03
            {
                am.homework = Set(Some(format!("§ {}, упр. {}", i + 1, 3 * i + 1)));
                am.homework_due_on = Set(list.get(i + 1).map(|n| n.date));
            }
            if !lazy {
                am.attendance_taken_at = Set(Some(day_at(l.date, 9)));
            }
            am.version = Set(l.version + 1);
            am.update(&txn).await?;
        }
    }
    txn.commit().await?;
    for course_id in courses {
        let info = cat.course(course_id)?;
        let list = &by_course[&course_id];
        let (Some(first), Some(last)) = (list.first(), list.last()) else {
            continue;
        };
        let students = journal::course_students(db, school_id, info, first.date, last.date).await?;
        let level: HashMap<uuid::Uuid, f64> = students
            .iter()
            .map(|s| (s.id, 2.8 + 2.2 * rng.gen_range(0.0f64..1.0).sqrt()))
            .collect();
        let mut batch = JournalBatch {
            marks: Vec::new(),
            attendance: Vec::new(),
        };
        for (i, l) in list.iter().enumerate() {
            let is_control = info.grade >= 2 && i % 8 == 7;
            let work_id = match (is_control, control) {
                (true, Some(t)) => Some(
                    journal::create_work(
                        db,
                        &actor,
                        school_id,
                        l.id,
                        WorkInput {
                            work_type_id: t,
                            weight: None,
                            title: Some("Контрольная работа".into()),
                        },
                        now,
                    )
                    .await?
                    .id,
                ),
                _ => None,
            };
            for s in &students {
                if !s.enrolled.iter().any(|e| e.contains(l.date)) {
                    continue;
                }
                let roll: f64 = rng.r#gen();
                let lazy = is_lazy(&course_id, l.date);
                if roll < 0.05 {
                    let code = match rng.gen_range(0..20) {
                        0..=7 => "н",
                        8..=16 => "б",
                        _ => "уп",
                    };
                    if !lazy {
                        batch.attendance.push(AttendanceWrite {
                            lesson_id: l.id,
                            student_id: s.id,
                            code: Some(code.into()),
                            version: 0,
                        });
                        out.absences += 1;
                    }
                    continue;
                }
                if roll < 0.06 && !lazy {
                    batch.attendance.push(AttendanceWrite {
                        lesson_id: l.id,
                        student_id: s.id,
                        code: Some("оп".into()),
                        version: 0,
                    });
                }
                if info.grade < 2 || !(is_control || rng.gen_bool(0.3)) {
                    continue;
                }
                let noise: f64 = rng.gen_range(-1.3..1.3);
                let v = (level[&s.id] + noise).round().clamp(2.0, 5.0) as i32;
                batch.marks.push(MarkWrite {
                    lesson_id: l.id,
                    work_id,
                    student_id: s.id,
                    value: Some(v.to_string()),
                    comment: None,
                    version: 0,
                });
                out.marks += 1;
            }
            out.lessons += 1;
        }
        // Batches of at most 2 000 cells of each kind.
        while !batch.marks.is_empty() || !batch.attendance.is_empty() {
            let marks: Vec<MarkWrite> = batch.marks.drain(..batch.marks.len().min(2000)).collect();
            let attendance: Vec<AttendanceWrite> = batch
                .attendance
                .drain(..batch.attendance.len().min(2000))
                .collect();
            journal::write_batch(
                db,
                &actor,
                school_id,
                course_id,
                None,
                JournalBatch { marks, attendance },
                now,
            )
            .await?;
        }
    }
    // The marks were entered on their lesson's day (those of the lazy courses' last two weeks
    // only now, late), so the control counts no late marks for the rest.
    let mut days: Vec<chrono::NaiveDate> = by_course
        .values()
        .flatten()
        .map(|l| l.date)
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    days.retain(|d| *d <= until);
    let lazy_list: Vec<uuid::Uuid> = lazy_courses.iter().copied().collect();
    for d in days {
        let at = day_at(d, 15);
        let lessons_of_day = sea_orm::sea_query::Query::select()
            .column(lesson::Column::Id)
            .from(lesson::Entity)
            .and_where(lesson::Column::SchoolId.eq(school_id))
            .and_where(lesson::Column::Date.eq(d))
            .to_owned();
        let mut q = mark::Entity::update_many()
            .col_expr(mark::Column::CreatedAt, sea_orm::sea_query::Expr::value(at))
            .col_expr(mark::Column::SetAt, sea_orm::sea_query::Expr::value(at))
            .filter(mark::Column::SchoolId.eq(school_id))
            .filter(mark::Column::LessonId.in_subquery(lessons_of_day));
        if d >= lazy_from && !lazy_list.is_empty() {
            q = q.filter(mark::Column::CourseId.is_not_in(lazy_list.clone()));
        }
        q.exec(db).await?;
    }
    // Final marks of the terms already closed by today: the suggestions, set by the admin with
    // a reason (what a school that moved its past quarter into Otmetka would have).
    for course_id in by_course
        .keys()
        .copied()
        .collect::<std::collections::BTreeSet<_>>()
    {
        let sheet =
            crate::service::finals::course_sheet(db, &actor, school_id, course_id, now).await?;
        let closed: Vec<_> = sheet
            .terms
            .iter()
            .filter(|t| t.state == otmetka_domain::finals::TermState::Closed)
            .map(|t| t.term)
            .collect();
        let marks: Vec<otmetka_domain::finals::FinalMarkWrite> = sheet
            .cells
            .iter()
            .filter(|c| c.due && c.value.is_none() && closed.contains(&c.term))
            .filter_map(|c| {
                Some(otmetka_domain::finals::FinalMarkWrite {
                    student_id: c.student_id,
                    term: c.term,
                    value: Some(c.suggested.clone()?),
                    comment: None,
                    version: c.version,
                })
            })
            .collect();
        if marks.is_empty() {
            continue;
        }
        out.final_marks += marks.len();
        crate::service::finals::write_batch(
            db,
            &actor,
            school_id,
            course_id,
            otmetka_domain::finals::FinalMarksBatch {
                marks,
                reason: Some("демо-школа: отметки прошедших четвертей".into()),
            },
            now,
        )
        .await?;
    }
    crate::db::optimize_after_bulk_load(db).await;
    Ok(out)
}

/// `day` at `hour`:00 Moscow time (UTC+3), as an instant.
fn day_at(day: chrono::NaiveDate, hour: u32) -> chrono::DateTime<chrono::Utc> {
    (day.and_hms_opt(hour, 0, 0).unwrap_or_default() - chrono::Duration::hours(3)).and_utc()
}

/// [`seed_marks`] for the demo school up to its today (the `fixed_clock` setting, if any, sets
/// today). Errors: 500 when there is no demo school.
pub async fn seed_demo_marks(state: &AppState) -> AppResult<MarksSeeded> {
    let school = crate::entity::school::Entity::find()
        .filter(crate::entity::school::Column::Name.eq(DEMO_SCHOOL))
        .one(&state.db)
        .await?
        .ok_or_else(|| AppError::internal("no demo school"))?;
    let today = crate::service::structure::school_today_at(&school.time_zone, state.now());
    seed_marks(state, school.id, today).await
}
