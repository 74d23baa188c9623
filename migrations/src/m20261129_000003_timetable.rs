//! Timetable and calendar: bell schedules (and each class's schedule), holidays and vacations,
//! weekly timetable entries, dated lessons (with topic and homework, substitutes and review
//! flags), and teachers' absences.

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
enum Classes {
    Table,
    BellScheduleId,
}

#[derive(DeriveIden)]
enum Courses {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum BellSchedules {
    Table,
    Id,
    SchoolId,
    Name,
    IsDefault,
    Slots,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Holidays {
    Table,
    Id,
    SchoolId,
    Name,
    Kind,
    StartsOn,
    EndsOn,
    CreatedAt,
}

#[derive(DeriveIden)]
enum TimetableEntries {
    Table,
    Id,
    SchoolId,
    CourseId,
    Weekday,
    LessonNumber,
    Room,
    ValidFrom,
    ValidTo,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Lessons {
    Table,
    Id,
    SchoolId,
    CourseId,
    Date,
    LessonNumber,
    Room,
    Status,
    CancelReason,
    Origin,
    TimetableEntryId,
    SlotDate,
    SlotNumber,
    SubstituteId,
    NeedsReview,
    ReviewReason,
    Topic,
    Homework,
    HomeworkDueOn,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum TeacherAbsences {
    Table,
    Id,
    SchoolId,
    TeacherId,
    StartsOn,
    EndsOn,
    Reason,
    CreatedAt,
}

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // Slots are a small JSON array ([{number, starts_at, ends_at}]), always read whole.
        m.create_table(
            Table::create()
                .table(BellSchedules::Table)
                .col(uuid(BellSchedules::Id).primary_key())
                .col(uuid(BellSchedules::SchoolId))
                .col(string_len(BellSchedules::Name, 100))
                .col(boolean(BellSchedules::IsDefault).default(false))
                .col(text(BellSchedules::Slots))
                .col(timestamp_with_time_zone(BellSchedules::CreatedAt))
                .foreign_key(&mut fk(
                    "fk_bell_schedules_school",
                    (BellSchedules::Table, BellSchedules::SchoolId),
                    (Schools::Table, Schools::Id),
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ux_bell_schedules_school_name",
            BellSchedules::Table,
            &["school_id", "name"],
            true,
        )
        .await?;
        // A class on a schedule other than the default (second shift). No FK: SQLite cannot add
        // one by ALTER; deleting a schedule clears the column in the same transaction.
        m.alter_table(
            Table::alter()
                .table(Classes::Table)
                .add_column(uuid_null(Classes::BellScheduleId))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Holidays::Table)
                .col(uuid(Holidays::Id).primary_key())
                .col(uuid(Holidays::SchoolId))
                .col(string_len(Holidays::Name, 200))
                .col(string_len(Holidays::Kind, 16))
                .col(date(Holidays::StartsOn))
                .col(date(Holidays::EndsOn))
                .col(timestamp_with_time_zone(Holidays::CreatedAt))
                .foreign_key(&mut fk(
                    "fk_holidays_school",
                    (Holidays::Table, Holidays::SchoolId),
                    (Schools::Table, Schools::Id),
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ix_holidays_school_starts",
            Holidays::Table,
            &["school_id", "starts_on"],
            false,
        )
        .await?;

        m.create_table(
            Table::create()
                .table(TimetableEntries::Table)
                .col(uuid(TimetableEntries::Id).primary_key())
                .col(uuid(TimetableEntries::SchoolId))
                .col(uuid(TimetableEntries::CourseId))
                .col(integer(TimetableEntries::Weekday))
                .col(integer(TimetableEntries::LessonNumber))
                .col(string_len_null(TimetableEntries::Room, 50))
                .col(date(TimetableEntries::ValidFrom))
                .col(date(TimetableEntries::ValidTo))
                .col(timestamp_with_time_zone(TimetableEntries::CreatedAt))
                .foreign_key(&mut fk(
                    "fk_timetable_course",
                    (TimetableEntries::Table, TimetableEntries::CourseId),
                    (Courses::Table, Courses::Id),
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ix_timetable_school_slot",
            TimetableEntries::Table,
            &["school_id", "weekday", "lesson_number"],
            false,
        )
        .await?;
        index(
            m,
            "ix_timetable_course",
            TimetableEntries::Table,
            &["course_id", "valid_from"],
            false,
        )
        .await?;

        // A timetable lesson keeps the slot the timetable gave it (`slot_date`, `slot_number`) even
        // when moved or cancelled, so regeneration never creates it twice; extra lessons have none.
        m.create_table(
            Table::create()
                .table(Lessons::Table)
                .col(uuid(Lessons::Id).primary_key())
                .col(uuid(Lessons::SchoolId))
                .col(uuid(Lessons::CourseId))
                .col(date(Lessons::Date))
                .col(integer(Lessons::LessonNumber))
                .col(string_len_null(Lessons::Room, 50))
                .col(string_len(Lessons::Status, 16).default("scheduled"))
                .col(string_len_null(Lessons::CancelReason, 500))
                .col(string_len(Lessons::Origin, 16).default("timetable"))
                .col(uuid_null(Lessons::TimetableEntryId))
                .col(date_null(Lessons::SlotDate))
                .col(integer_null(Lessons::SlotNumber))
                .col(uuid_null(Lessons::SubstituteId))
                .col(boolean(Lessons::NeedsReview).default(false))
                .col(string_len_null(Lessons::ReviewReason, 200))
                .col(string_len_null(Lessons::Topic, 500))
                .col(text_null(Lessons::Homework))
                .col(date_null(Lessons::HomeworkDueOn))
                .col(integer(Lessons::Version).default(1))
                .col(timestamp_with_time_zone(Lessons::CreatedAt))
                .col(timestamp_with_time_zone(Lessons::UpdatedAt))
                .foreign_key(&mut fk(
                    "fk_lessons_course",
                    (Lessons::Table, Lessons::CourseId),
                    (Courses::Table, Courses::Id),
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    "fk_lessons_substitute",
                    (Lessons::Table, Lessons::SubstituteId),
                    (Persons::Table, Persons::Id),
                    ForeignKeyAction::SetNull,
                ))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ux_lessons_course_slot",
            Lessons::Table,
            &["course_id", "slot_date", "slot_number"],
            true,
        )
        .await?;
        index(
            m,
            "ix_lessons_school_date",
            Lessons::Table,
            &["school_id", "date", "lesson_number"],
            false,
        )
        .await?;
        index(
            m,
            "ix_lessons_course_date",
            Lessons::Table,
            &["course_id", "date"],
            false,
        )
        .await?;
        index(
            m,
            "ix_lessons_substitute_date",
            Lessons::Table,
            &["substitute_id", "date"],
            false,
        )
        .await?;

        m.create_table(
            Table::create()
                .table(TeacherAbsences::Table)
                .col(uuid(TeacherAbsences::Id).primary_key())
                .col(uuid(TeacherAbsences::SchoolId))
                .col(uuid(TeacherAbsences::TeacherId))
                .col(date(TeacherAbsences::StartsOn))
                .col(date(TeacherAbsences::EndsOn))
                .col(string_len_null(TeacherAbsences::Reason, 500))
                .col(timestamp_with_time_zone(TeacherAbsences::CreatedAt))
                .foreign_key(&mut fk(
                    "fk_absences_school",
                    (TeacherAbsences::Table, TeacherAbsences::SchoolId),
                    (Schools::Table, Schools::Id),
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    "fk_absences_teacher",
                    (TeacherAbsences::Table, TeacherAbsences::TeacherId),
                    (Persons::Table, Persons::Id),
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ix_absences_school_starts",
            TeacherAbsences::Table,
            &["school_id", "starts_on"],
            false,
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            TeacherAbsences::Table.into_iden(),
            Lessons::Table.into_iden(),
            TimetableEntries::Table.into_iden(),
            Holidays::Table.into_iden(),
            BellSchedules::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        m.alter_table(
            Table::alter()
                .table(Classes::Table)
                .drop_column(Classes::BellScheduleId)
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}
