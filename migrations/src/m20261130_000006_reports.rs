//! Reports (issue 7): what the journal-keeping control and the activity report need that the
//! journal did not record yet.
//! - `subjects.homework_expected`: lessons of the subject get homework (физкультура: no);
//! - `lessons.attendance_taken_at`: when attendance was first taken for the lesson (a code
//!   written, or «все присутствуют» pressed), so that a lesson where everyone was present is
//!   told apart from one where nobody looked;
//! - `diary_views`: one row per account, student and day on which the account opened the
//!   student's diary or marks page, with a count (the monthly activity report, regulation §15).

use sea_orm_migration::{prelude::*, schema::*};

use crate::keys::{fk, index};

#[derive(DeriveIden)]
enum Subjects {
    Table,
    HomeworkExpected,
}

#[derive(DeriveIden)]
enum Lessons {
    Table,
    AttendanceTakenAt,
}

#[derive(DeriveIden)]
enum Accounts {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum DiaryViews {
    Table,
    Id,
    SchoolId,
    AccountId,
    StudentId,
    Day,
    Views,
}

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Subjects::Table)
                .add_column(boolean(Subjects::HomeworkExpected).default(true))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Lessons::Table)
                .add_column(timestamp_with_time_zone_null(Lessons::AttendanceTakenAt))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(DiaryViews::Table)
                .col(uuid(DiaryViews::Id).primary_key())
                .col(uuid(DiaryViews::SchoolId))
                .col(uuid(DiaryViews::AccountId))
                .col(uuid(DiaryViews::StudentId))
                .col(date(DiaryViews::Day))
                .col(integer(DiaryViews::Views).default(1))
                .foreign_key(&mut fk(
                    "fk_diary_views_account",
                    (DiaryViews::Table, DiaryViews::AccountId),
                    (Accounts::Table, Accounts::Id),
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ux_diary_views_day",
            DiaryViews::Table,
            &["account_id", "student_id", "day"],
            true,
        )
        .await?;
        index(
            m,
            "ix_diary_views_school_day",
            DiaryViews::Table,
            &["school_id", "day"],
            false,
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(DiaryViews::Table).to_owned())
            .await?;
        m.alter_table(
            Table::alter()
                .table(Lessons::Table)
                .drop_column(Lessons::AttendanceTakenAt)
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Subjects::Table)
                .drop_column(Subjects::HomeworkExpected)
                .to_owned(),
        )
        .await
    }
}
