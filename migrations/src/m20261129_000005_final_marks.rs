//! Final marks (итоговые отметки) per student × subject × term of an academic year, and the
//! admin's reopenings of a closed term for one course.

use sea_orm_migration::{prelude::*, schema::*};

use crate::keys::{fk, index};

#[derive(DeriveIden)]
enum Persons {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Subjects {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Courses {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum AcademicYears {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum FinalMarks {
    Table,
    Id,
    SchoolId,
    AcademicYearId,
    StudentId,
    SubjectId,
    Term,
    CourseId,
    Value,
    PreviousValue,
    Comment,
    Version,
    SetBy,
    SetAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum TermReopenings {
    Table,
    Id,
    SchoolId,
    CourseId,
    Term,
    Until,
    Reason,
    ReopenedBy,
    CreatedAt,
}

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One row per student × subject × term; a cleared mark keeps its row (value NULL) so
        // that its version goes on. `course_id` is the course it was set through.
        m.create_table(
            Table::create()
                .table(FinalMarks::Table)
                .col(uuid(FinalMarks::Id).primary_key())
                .col(uuid(FinalMarks::SchoolId))
                .col(uuid(FinalMarks::AcademicYearId))
                .col(uuid(FinalMarks::StudentId))
                .col(uuid(FinalMarks::SubjectId))
                .col(string_len(FinalMarks::Term, 16))
                .col(uuid_null(FinalMarks::CourseId))
                .col(string_len_null(FinalMarks::Value, 8))
                .col(string_len_null(FinalMarks::PreviousValue, 8))
                .col(string_len_null(FinalMarks::Comment, 500))
                .col(integer(FinalMarks::Version).default(1))
                .col(uuid_null(FinalMarks::SetBy))
                .col(timestamp_with_time_zone(FinalMarks::SetAt))
                .col(timestamp_with_time_zone(FinalMarks::CreatedAt))
                .foreign_key(&mut fk(
                    "fk_final_marks_year",
                    (FinalMarks::Table, FinalMarks::AcademicYearId),
                    (AcademicYears::Table, AcademicYears::Id),
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    "fk_final_marks_student",
                    (FinalMarks::Table, FinalMarks::StudentId),
                    (Persons::Table, Persons::Id),
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    "fk_final_marks_subject",
                    (FinalMarks::Table, FinalMarks::SubjectId),
                    (Subjects::Table, Subjects::Id),
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    "fk_final_marks_course",
                    (FinalMarks::Table, FinalMarks::CourseId),
                    (Courses::Table, Courses::Id),
                    ForeignKeyAction::SetNull,
                ))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ux_final_marks_cell",
            FinalMarks::Table,
            &["student_id", "subject_id", "academic_year_id", "term"],
            true,
        )
        .await?;
        index(
            m,
            "ix_final_marks_year_term",
            FinalMarks::Table,
            &["school_id", "academic_year_id", "term"],
            false,
        )
        .await?;

        m.create_table(
            Table::create()
                .table(TermReopenings::Table)
                .col(uuid(TermReopenings::Id).primary_key())
                .col(uuid(TermReopenings::SchoolId))
                .col(uuid(TermReopenings::CourseId))
                .col(string_len(TermReopenings::Term, 16))
                .col(date(TermReopenings::Until))
                .col(string_len(TermReopenings::Reason, 500))
                .col(uuid_null(TermReopenings::ReopenedBy))
                .col(timestamp_with_time_zone(TermReopenings::CreatedAt))
                .foreign_key(&mut fk(
                    "fk_term_reopenings_course",
                    (TermReopenings::Table, TermReopenings::CourseId),
                    (Courses::Table, Courses::Id),
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ux_term_reopenings_course_term",
            TermReopenings::Table,
            &["course_id", "term"],
            true,
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            TermReopenings::Table.into_iden(),
            FinalMarks::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
