//! A student's marks page reads the student's marks and absences of a period, joined to their
//! lessons for the day (`service::diary::student_marks`). PostgreSQL probed the lessons by id
//! only if it could answer the join from an index: otherwise it read every lesson of the school
//! in the period (8 800 in a quarter of the benchmark's school) into a hash table, and the page
//! took 8–9 ms, against a budget of 9 (DESIGN §7). With `(id, school_id, date)` the join is an
//! index-only probe per mark (the page's marks statement 5.4 → 2.0 ms). Portable: SQLite has no
//! `INCLUDE`, so the columns are key columns.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.get_connection()
            .execute_unprepared(
                "CREATE INDEX ix_lessons_id_school_date ON lessons (id, school_id, date)",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.get_connection()
            .execute_unprepared("DROP INDEX IF EXISTS ix_lessons_id_school_date")
            .await?;
        Ok(())
    }
}
