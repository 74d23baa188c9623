//! The one policy module (DESIGN §3): may this actor do this in this school?
//!
//! Services call [`authorize`] before every read or write. The rules:
//! - a superadmin may do everything in every school (deployment support);
//! - an actor with no role in the school gets 404 (the school's data is not theirs to know of);
//! - a member without the needed role gets 403;
//! - every denial is logged with the actor, school and action.

use otmetka_domain::Role;
use uuid::Uuid;

use crate::auth::Actor;
use crate::error::{AppError, AppResult};

/// What an actor wants to do in a school.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// See the school's name and settings: any member.
    ReadSchool,
    /// List and see invites: admin, principal.
    ReadInvites,
    /// Issue and revoke invites: admin.
    ManageInvites,
    /// List and see person records: admin, principal.
    ReadPersons,
    /// Create and edit person records: admin.
    ManagePersons,
    /// List accounts and their roles: admin, principal.
    ReadAccounts,
    /// Change roles, disable accounts: admin.
    ManageAccounts,
    /// Read the school's audit log: admin, principal.
    ReadAudit,
    /// Read the school's structure (years, periods, subjects, classes, courses): any member.
    ReadStructure,
    /// Change the structure and settings, import data: admin.
    ManageStructure,
    /// Read every class list, enrollment history and guardian link: admin, principal. (A class
    /// teacher reads their own class's list; services check that relation.)
    ReadRoster,
    /// Change enrollments and guardian links, issue invite sheets: admin.
    ManageRoster,
    /// Bell schedules, the calendar, the timetable, lesson changes, substitutes and teachers'
    /// absences (regulation §2: the responsible administrator publishes the timetable): admin.
    ManageTimetable,
    /// Staff schedules (a teacher's, a class's, a room's week), lesson details: admin, principal,
    /// teacher.
    ReadStaffSchedules,
    /// Lists of lessons and teachers' absences: admin, principal.
    ReadLessons,
    /// Write the journal of a lesson: teachers (services check that the actor teaches the course
    /// or substitutes the lesson, DESIGN §3, and the school's edit window) and the admin (any
    /// lesson, also past the edit window).
    WriteJournal,
    /// Read a course's journal grid and a class summary: admin, principal, teachers (services
    /// check that a teacher teaches the course, is the class's class teacher or substitutes one
    /// of its lessons).
    ReadJournal,
    /// Read a student's diary, marks and marks feed: every role; services check the relation
    /// (the student, their parents, their class teacher; admin and principal read every student).
    ReadDiary,
    /// Set final marks: teachers (services check that the actor teaches the course and that the
    /// term's window is open, regulation §6), the principal and the admin (any time; outside
    /// the teachers' window with a reason).
    WriteFinalMarks,
    /// The closing view of a term (which courses lack final marks, failing marks): admin,
    /// principal (regulation §9–10: the director and the deputy see that it happens).
    ControlFinalMarks,
    /// Reports (regulation §10, §15–17): the principal and the admin read every report of the
    /// school; a teacher those of their own courses and of the class they lead (the report
    /// services narrow the rows). Students and parents read none.
    ReadReports,
}

impl Action {
    /// The roles that may do this.
    fn allowed_roles(self) -> &'static [Role] {
        use Action::*;
        match self {
            ReadSchool | ReadStructure => &[
                Role::Admin,
                Role::Principal,
                Role::Teacher,
                Role::Student,
                Role::Parent,
            ],
            ReadInvites | ReadPersons | ReadAccounts | ReadAudit | ReadRoster | ReadLessons => {
                &[Role::Admin, Role::Principal]
            }
            ManageInvites | ManagePersons | ManageAccounts | ManageStructure | ManageRoster
            | ManageTimetable => &[Role::Admin],
            ReadStaffSchedules => &[Role::Admin, Role::Principal, Role::Teacher],
            WriteJournal => &[Role::Teacher, Role::Admin],
            ReadJournal => &[Role::Admin, Role::Principal, Role::Teacher],
            WriteFinalMarks => &[Role::Admin, Role::Principal, Role::Teacher],
            ControlFinalMarks => &[Role::Admin, Role::Principal],
            ReadReports => &[Role::Admin, Role::Principal, Role::Teacher],
            ReadDiary => &[
                Role::Admin,
                Role::Principal,
                Role::Teacher,
                Role::Student,
                Role::Parent,
            ],
        }
    }
}

/// Decides; `Ok(())` or the error to return (404 for strangers, 403 for members without the role).
pub fn authorize(actor: &Actor, school_id: Uuid, action: Action) -> AppResult<()> {
    if actor.is_superadmin {
        return Ok(());
    }
    if !actor.is_member(school_id) {
        deny(actor, school_id, action, "not a member of the school");
        return Err(AppError::not_found("school"));
    }
    if actor
        .roles_in(school_id)
        .any(|r| action.allowed_roles().contains(&r))
    {
        Ok(())
    } else {
        deny(actor, school_id, action, "role does not allow it");
        Err(AppError::forbidden())
    }
}

/// [`authorize`] for a first try that has other ways in (the person themself, a linked parent,
/// the class teacher): whether the roles allow it, with no log line when they do not (the
/// caller logs its final refusal). Errors: 404 for strangers (logged).
pub fn allows(actor: &Actor, school_id: Uuid, action: Action) -> AppResult<bool> {
    if actor.is_superadmin {
        return Ok(true);
    }
    if !actor.is_member(school_id) {
        deny(actor, school_id, action, "not a member of the school");
        return Err(AppError::not_found("school"));
    }
    Ok(actor
        .roles_in(school_id)
        .any(|r| action.allowed_roles().contains(&r)))
}

/// Deployment-level actions (creating schools, the global audit log): superadmin only.
pub fn require_superadmin(actor: &Actor, what: &str) -> AppResult<()> {
    if actor.is_superadmin {
        Ok(())
    } else {
        tracing::warn!(actor = %actor.account_id, what, "access denied: superadmin only");
        Err(AppError::forbidden())
    }
}

fn deny(actor: &Actor, school_id: Uuid, action: Action, why: &str) {
    tracing::warn!(
        actor = %actor.account_id,
        school = %school_id,
        action = ?action,
        ip = actor.client.ip.as_deref().unwrap_or("-"),
        why,
        "access denied"
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::ClientInfo;
    use otmetka_domain::ErrorCode;

    fn actor(roles: Vec<(Uuid, Role)>, superadmin: bool) -> Actor {
        Actor {
            account_id: Uuid::now_v7(),
            login: "x".into(),
            is_superadmin: superadmin,
            roles,
            generations: Vec::new(),
            session_id: None,
            api_token: None,
            client: ClientInfo::default(),
        }
    }

    #[test]
    fn strangers_get_404_members_without_role_403_admins_pass() {
        let school = Uuid::now_v7();
        let other = Uuid::now_v7();
        let admin = actor(vec![(school, Role::Admin)], false);
        let teacher = actor(vec![(school, Role::Teacher)], false);
        let other_admin = actor(vec![(other, Role::Admin)], false);
        let principal = actor(vec![(school, Role::Principal)], false);
        assert!(authorize(&admin, school, Action::ManageInvites).is_ok());
        assert_eq!(
            authorize(&teacher, school, Action::ManageInvites)
                .unwrap_err()
                .code,
            ErrorCode::Forbidden
        );
        assert_eq!(
            authorize(&other_admin, school, Action::ReadSchool)
                .unwrap_err()
                .code,
            ErrorCode::NotFound
        );
        assert!(authorize(&principal, school, Action::ReadInvites).is_ok());
        assert_eq!(
            authorize(&principal, school, Action::ManageInvites)
                .unwrap_err()
                .code,
            ErrorCode::Forbidden
        );
        assert!(authorize(&actor(vec![], true), school, Action::ManageAccounts).is_ok());
        assert!(authorize(&teacher, school, Action::ReadSchool).is_ok());
    }
}
