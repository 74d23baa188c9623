//! Reports (issue 7; regulation §10 weekly journal control, §15 monthly activity, §16
//! performance and quality every quarter and at year end, §17 incentive payments):
//! [`quality`], [`attendance`], [`control`], [`activity`], and their CSV/XLSX [`export`].
//!
//! Access ([`Scope`]): the principal and the admin read every report of the school; a teacher
//! reads the rows of the courses they teach and of the class they lead; students and parents
//! read none (403). The queries aggregate (counts and sums per student or lesson); no report
//! loads every mark.

pub mod activity;
pub mod attendance;
pub mod control;
pub mod export;
pub mod quality;

use std::collections::HashSet;

use otmetka_domain::Role;
use sea_orm::ConnectionTrait;
use uuid::Uuid;

use crate::auth::Actor;
use crate::auth::policy::{self, Action};
use crate::error::AppResult;
use crate::service::lessons::actor_staff_person;
use crate::service::timetable::{Catalog, CourseInfo};

/// What a reader of reports may see.
#[derive(Debug, Clone)]
pub enum Scope {
    /// The principal, the admin, the superadmin: everything.
    School,
    /// A teacher: their courses and the classes they lead.
    Teacher {
        person_id: Option<Uuid>,
        classes: HashSet<Uuid>,
    },
}

impl Scope {
    /// Authorizes [`Action::ReadReports`] and tells the scope. Errors: 403 students and
    /// parents, 404 strangers.
    pub async fn of(
        db: &impl ConnectionTrait,
        actor: &Actor,
        school_id: Uuid,
        cat: &Catalog,
    ) -> AppResult<Scope> {
        policy::authorize(actor, school_id, Action::ReadReports)?;
        if actor.is_superadmin
            || actor
                .roles_in(school_id)
                .any(|r| r == Role::Admin || r == Role::Principal)
        {
            return Ok(Scope::School);
        }
        let me = actor_staff_person(db, actor, school_id)
            .await?
            .map(|p| p.id);
        let classes = cat
            .courses
            .values()
            .filter(|c| me.is_some() && c.class_teacher_id == me)
            .map(|c| c.class_id)
            .collect();
        Ok(Scope::Teacher {
            person_id: me,
            classes,
        })
    }

    /// Whether the whole school is visible.
    pub fn whole_school(&self) -> bool {
        matches!(self, Scope::School)
    }

    /// Whether the reader sees the course: the whole school, a course they teach, or a course
    /// of the class they lead.
    pub fn sees_course(&self, c: &CourseInfo) -> bool {
        match self {
            Scope::School => true,
            Scope::Teacher { person_id, classes } => {
                person_id.is_some_and(|me| c.teacher_ids.contains(&me))
                    || classes.contains(&c.class_id)
            }
        }
    }

    /// Whether the reader sees the class as a whole (its students' standing, attendance).
    pub fn sees_class(&self, class_id: Uuid) -> bool {
        match self {
            Scope::School => true,
            Scope::Teacher { classes, .. } => classes.contains(&class_id),
        }
    }

    /// Whether the reader sees a teacher's row.
    pub fn sees_teacher(&self, teacher_id: Uuid) -> bool {
        match self {
            Scope::School => true,
            Scope::Teacher { person_id, .. } => *person_id == Some(teacher_id),
        }
    }
}
