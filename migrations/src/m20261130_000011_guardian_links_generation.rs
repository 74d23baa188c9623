//! The school snapshot (`service::snapshot`) also holds who may read a student's diary: the
//! persons of the school with an account and the parents' links to their children (issue 8:
//! the diary, the marks page, the recent marks and the report card asked the database on every
//! request whether the caller is the student or a linked parent). So `guardian_links` now
//! raises `schools.generation` too, with the triggers of `m20261130_000009` (`persons` does
//! since `m20261130_000007`).

use sea_orm_migration::prelude::*;

use crate::m20261130_000009_roster_generation::{
    add_generation_triggers, drop_generation_triggers,
};

/// The table added behind the snapshot.
pub const TABLES: &[&str] = &["guardian_links"];

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        add_generation_triggers(m, TABLES).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        drop_generation_triggers(m, TABLES).await
    }
}
