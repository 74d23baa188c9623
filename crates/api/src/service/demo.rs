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
        let txn = state.db.begin().await?;
        let report = kinds::apply(
            &txn,
            school_id,
            None,
            *kind,
            &table,
            kinds::Options::default(),
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
