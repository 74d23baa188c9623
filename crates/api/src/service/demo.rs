//! `otmetka serve --demo`: on an empty database, a demo school with one account per role, made
//! through the same code paths as real use (persons, invites, registration by code).

use otmetka_domain::Role;
use otmetka_domain::auth::RegisterRequest;
use otmetka_domain::person::PersonInput;
use sea_orm::{EntityTrait, PaginatorTrait};

use crate::auth::ClientInfo;
use crate::entity::account;
use crate::error::AppResult;
use crate::service::{auth, invites, persons, superadmin};
use crate::state::AppState;

/// The password of every demo account (printed at start; change it for anything real).
pub const DEMO_PASSWORD: &str = "otmetka-demo";

/// One demo account: login, role (`None` for the superadmin), person name.
pub struct DemoAccount {
    pub login: &'static str,
    pub role: Option<Role>,
    pub name: &'static str,
}

/// The demo accounts.
pub const DEMO_ACCOUNTS: &[DemoAccount] = &[
    DemoAccount {
        login: "superadmin",
        role: None,
        name: "Суперадминистратор",
    },
    DemoAccount {
        login: "admin",
        role: Some(Role::Admin),
        name: "Петрова Мадина Магомедовна",
    },
    DemoAccount {
        login: "principal",
        role: Some(Role::Principal),
        name: "Иванов Рамазан Русланович",
    },
    DemoAccount {
        login: "teacher",
        role: Some(Role::Teacher),
        name: "Алиева Патимат Андреевна",
    },
    DemoAccount {
        login: "student",
        role: Some(Role::Student),
        name: "Михайлов Кирилл Русланович",
    },
    DemoAccount {
        login: "parent",
        role: Some(Role::Parent),
        name: "Михайлова Марьям Ахмедовна",
    },
];

/// The demo school's name.
pub const DEMO_SCHOOL: &str = "Демо-школа № 1";

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
    let client = ClientInfo {
        ip: Some("demo".into()),
        user_agent: None,
    };
    for a in DEMO_ACCOUNTS {
        let Some(role) = a.role else { continue };
        let mut parts = a.name.split(' ');
        let input = PersonInput::named(
            parts.next().unwrap_or_default(),
            parts.next().unwrap_or_default(),
            parts.next(),
        );
        let p = persons::insert(db, school.id, &input, "").await?;
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

/// The lines printed at start: URL and demo logins.
pub fn banner(url: &str) -> String {
    let mut s =
        format!("\nOtmetka is running at {url}\nDemo accounts (password `{DEMO_PASSWORD}`):\n");
    for a in DEMO_ACCOUNTS {
        let role = a.role.map(|r| r.as_str()).unwrap_or("superadmin");
        s.push_str(&format!("  {:<11} {:<11} {}\n", a.login, role, a.name));
    }
    s
}
