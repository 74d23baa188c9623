//! The class journal: mark scales, work types and attendance codes per school (with the
//! defaults for schools that exist already), a subject's scale, works in lessons, marks and
//! attendance cells (each with a version for optimistic concurrency).

use sea_orm_migration::{prelude::*, schema::*};

use crate::keys::{fk, index};

#[derive(DeriveIden)]
enum Schools {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Persons {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Subjects {
    Table,
    MarkScaleId,
}

#[derive(DeriveIden)]
enum Lessons {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum MarkScales {
    Table,
    Id,
    SchoolId,
    Code,
    Name,
    Values,
    IsDefault,
    CreatedAt,
}

#[derive(DeriveIden)]
enum WorkTypes {
    Table,
    Id,
    SchoolId,
    Code,
    Name,
    ShortName,
    Weight,
    Position,
    CreatedAt,
}

#[derive(DeriveIden)]
enum AttendanceCodes {
    Table,
    Id,
    SchoolId,
    Code,
    Label,
    Name,
    CountsAsAbsence,
    Excused,
    Position,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Works {
    Table,
    Id,
    SchoolId,
    CourseId,
    LessonId,
    WorkTypeId,
    Weight,
    Title,
    Position,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Marks {
    Table,
    Id,
    SchoolId,
    CourseId,
    LessonId,
    WorkId,
    StudentId,
    Value,
    PreviousValue,
    Comment,
    Version,
    SetBy,
    SetAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Attendance {
    Table,
    Id,
    SchoolId,
    CourseId,
    LessonId,
    StudentId,
    Code,
    Version,
    SetBy,
    SetAt,
}

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(MarkScales::Table)
                .col(uuid(MarkScales::Id).primary_key())
                .col(uuid(MarkScales::SchoolId))
                .col(string_len(MarkScales::Code, 32))
                .col(string_len(MarkScales::Name, 100))
                // JSON array of `ScaleValue`s.
                .col(text(MarkScales::Values))
                .col(boolean(MarkScales::IsDefault).default(false))
                .col(timestamp_with_time_zone(MarkScales::CreatedAt))
                .foreign_key(&mut fk(
                    "fk_mark_scales_school",
                    (MarkScales::Table, MarkScales::SchoolId),
                    (Schools::Table, Schools::Id),
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ux_mark_scales_code",
            MarkScales::Table,
            &["school_id", "code"],
            true,
        )
        .await?;

        m.create_table(
            Table::create()
                .table(WorkTypes::Table)
                .col(uuid(WorkTypes::Id).primary_key())
                .col(uuid(WorkTypes::SchoolId))
                .col(string_len(WorkTypes::Code, 32))
                .col(string_len(WorkTypes::Name, 100))
                .col(string_len(WorkTypes::ShortName, 8))
                .col(double(WorkTypes::Weight))
                .col(integer(WorkTypes::Position).default(0))
                .col(timestamp_with_time_zone(WorkTypes::CreatedAt))
                .foreign_key(&mut fk(
                    "fk_work_types_school",
                    (WorkTypes::Table, WorkTypes::SchoolId),
                    (Schools::Table, Schools::Id),
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ux_work_types_code",
            WorkTypes::Table,
            &["school_id", "code"],
            true,
        )
        .await?;

        m.create_table(
            Table::create()
                .table(AttendanceCodes::Table)
                .col(uuid(AttendanceCodes::Id).primary_key())
                .col(uuid(AttendanceCodes::SchoolId))
                .col(string_len(AttendanceCodes::Code, 4))
                .col(string_len(AttendanceCodes::Label, 8))
                .col(string_len(AttendanceCodes::Name, 100))
                .col(boolean(AttendanceCodes::CountsAsAbsence))
                .col(boolean(AttendanceCodes::Excused).default(false))
                .col(integer(AttendanceCodes::Position).default(0))
                .col(timestamp_with_time_zone(AttendanceCodes::CreatedAt))
                .foreign_key(&mut fk(
                    "fk_attendance_codes_school",
                    (AttendanceCodes::Table, AttendanceCodes::SchoolId),
                    (Schools::Table, Schools::Id),
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ux_attendance_codes_code",
            AttendanceCodes::Table,
            &["school_id", "code"],
            true,
        )
        .await?;

        // SQLite cannot add a foreign key to an existing table; the service checks the scale.
        m.alter_table(
            Table::alter()
                .table(Subjects::Table)
                .add_column(uuid_null(Subjects::MarkScaleId))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Works::Table)
                .col(uuid(Works::Id).primary_key())
                .col(uuid(Works::SchoolId))
                .col(uuid(Works::CourseId))
                .col(uuid(Works::LessonId))
                .col(uuid(Works::WorkTypeId))
                .col(double(Works::Weight))
                .col(string_len_null(Works::Title, 200))
                .col(integer(Works::Position).default(0))
                .col(integer(Works::Version).default(1))
                .col(timestamp_with_time_zone(Works::CreatedAt))
                .col(timestamp_with_time_zone(Works::UpdatedAt))
                .foreign_key(&mut fk(
                    "fk_works_lesson",
                    (Works::Table, Works::LessonId),
                    (Lessons::Table, Lessons::Id),
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    "fk_works_type",
                    (Works::Table, Works::WorkTypeId),
                    (WorkTypes::Table, WorkTypes::Id),
                    ForeignKeyAction::Restrict,
                ))
                .to_owned(),
        )
        .await?;
        index(m, "ix_works_lesson", Works::Table, &["lesson_id"], false).await?;
        index(m, "ix_works_course", Works::Table, &["course_id"], false).await?;

        // A cleared cell keeps its row (value NULL) so that its version goes on.
        m.create_table(
            Table::create()
                .table(Marks::Table)
                .col(uuid(Marks::Id).primary_key())
                .col(uuid(Marks::SchoolId))
                .col(uuid(Marks::CourseId))
                .col(uuid(Marks::LessonId))
                .col(uuid(Marks::WorkId))
                .col(uuid(Marks::StudentId))
                .col(string_len_null(Marks::Value, 8))
                .col(string_len_null(Marks::PreviousValue, 8))
                .col(string_len_null(Marks::Comment, 500))
                .col(integer(Marks::Version).default(1))
                .col(uuid_null(Marks::SetBy))
                .col(timestamp_with_time_zone(Marks::SetAt))
                .col(timestamp_with_time_zone(Marks::CreatedAt))
                .foreign_key(&mut fk(
                    "fk_marks_work",
                    (Marks::Table, Marks::WorkId),
                    (Works::Table, Works::Id),
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    "fk_marks_student",
                    (Marks::Table, Marks::StudentId),
                    (Persons::Table, Persons::Id),
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ux_marks_work_student",
            Marks::Table,
            &["work_id", "student_id"],
            true,
        )
        .await?;
        index(m, "ix_marks_course", Marks::Table, &["course_id"], false).await?;
        index(
            m,
            "ix_marks_student_set_at",
            Marks::Table,
            &["student_id", "set_at"],
            false,
        )
        .await?;
        index(m, "ix_marks_lesson", Marks::Table, &["lesson_id"], false).await?;

        m.create_table(
            Table::create()
                .table(Attendance::Table)
                .col(uuid(Attendance::Id).primary_key())
                .col(uuid(Attendance::SchoolId))
                .col(uuid(Attendance::CourseId))
                .col(uuid(Attendance::LessonId))
                .col(uuid(Attendance::StudentId))
                .col(string_len_null(Attendance::Code, 4))
                .col(integer(Attendance::Version).default(1))
                .col(uuid_null(Attendance::SetBy))
                .col(timestamp_with_time_zone(Attendance::SetAt))
                .foreign_key(&mut fk(
                    "fk_attendance_lesson",
                    (Attendance::Table, Attendance::LessonId),
                    (Lessons::Table, Lessons::Id),
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    "fk_attendance_student",
                    (Attendance::Table, Attendance::StudentId),
                    (Persons::Table, Persons::Id),
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ux_attendance_lesson_student",
            Attendance::Table,
            &["lesson_id", "student_id"],
            true,
        )
        .await?;
        index(
            m,
            "ix_attendance_course",
            Attendance::Table,
            &["course_id"],
            false,
        )
        .await?;
        index(
            m,
            "ix_attendance_student",
            Attendance::Table,
            &["student_id"],
            false,
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            Attendance::Table.into_iden(),
            Marks::Table.into_iden(),
            Works::Table.into_iden(),
            AttendanceCodes::Table.into_iden(),
            WorkTypes::Table.into_iden(),
            MarkScales::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        m.alter_table(
            Table::alter()
                .table(Subjects::Table)
                .drop_column(Subjects::MarkScaleId)
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}
