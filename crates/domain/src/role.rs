//! Roles (per school) and API-token scopes.

use serde::{Deserialize, Serialize};

/// A role an account holds in one school (DESIGN §3). An account may hold several roles in a
/// school and roles in several schools. Stored as the snake_case string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// School administrator (ответственный за ведение журнала): roster, timetable, invites, settings.
    Admin,
    /// Director and deputies (директор, завучи): read everything in the school, reports, control.
    Principal,
    /// Subject teacher (учитель); class teacher is a relation, not a role.
    Teacher,
    /// Student (обучающийся): reads only their own data.
    Student,
    /// Parent or legal guardian (родитель, законный представитель): reads linked children's data.
    Parent,
}

impl Role {
    /// Every role, in display order.
    pub const ALL: [Role; 5] = [
        Role::Admin,
        Role::Principal,
        Role::Teacher,
        Role::Student,
        Role::Parent,
    ];

    /// The stored and serialized name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Principal => "principal",
            Role::Teacher => "teacher",
            Role::Student => "student",
            Role::Parent => "parent",
        }
    }

    /// Parses the stored name; `None` for anything else.
    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What an API token may do. A token carries one or more scopes.
///
/// - `read`: `GET` requests;
/// - `write`: any other method (except managing tokens, sessions and the password, which needs an
///   interactive session);
/// - `import`: the import endpoints (`POST .../import/{kind}`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ApiScope {
    Read,
    Write,
    Import,
}

impl ApiScope {
    /// Every scope.
    pub const ALL: [ApiScope; 3] = [ApiScope::Read, ApiScope::Write, ApiScope::Import];

    /// The stored and serialized name.
    pub fn as_str(self) -> &'static str {
        match self {
            ApiScope::Read => "read",
            ApiScope::Write => "write",
            ApiScope::Import => "import",
        }
    }

    /// Parses the stored name; `None` for anything else.
    pub fn parse(s: &str) -> Option<ApiScope> {
        ApiScope::ALL.into_iter().find(|r| r.as_str() == s)
    }
}
