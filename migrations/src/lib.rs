//! Otmetka database migrations, one module per migration, applied in order by `otmetka migrate`
//! and at `otmetka serve` start. They run on SQLite and PostgreSQL alike: ids are UUIDs, instants
//! are `timestamp with time zone` (UTC), enums are stored as strings.

pub use sea_orm_migration::prelude::*;

mod keys;
mod m20261129_000001_foundation;
mod m20261129_000002_structure;
mod m20261129_000003_timetable;
mod m20261129_000004_journal;
mod m20261129_000005_final_marks;
mod m20261130_000006_reports;
mod m20261130_000007_school_generation;
mod m20261130_000008_school_generation_changes_only;
mod m20261130_000009_roster_generation;
mod m20261130_000010_lessons_course_homework_due;
mod m20261130_000011_guardian_links_generation;
mod m20261130_000012_lessons_id_school_date;

/// The ordered list of migrations.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261129_000001_foundation::Migration),
            Box::new(m20261129_000002_structure::Migration),
            Box::new(m20261129_000003_timetable::Migration),
            Box::new(m20261129_000004_journal::Migration),
            Box::new(m20261129_000005_final_marks::Migration),
            Box::new(m20261130_000006_reports::Migration),
            Box::new(m20261130_000007_school_generation::Migration),
            Box::new(m20261130_000008_school_generation_changes_only::Migration),
            Box::new(m20261130_000009_roster_generation::Migration),
            Box::new(m20261130_000010_lessons_course_homework_due::Migration),
            Box::new(m20261130_000011_guardian_links_generation::Migration),
            Box::new(m20261130_000012_lessons_id_school_date::Migration),
        ]
    }
}
