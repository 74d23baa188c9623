//! School structure and roster: academic years, periods, subjects, classes, groups, courses with
//! their teachers, person details (students, staff, parents), guardian links, enrollments with
//! history, group memberships, and idempotency keys for imports.

use sea_orm_migration::{prelude::*, schema::*};

use crate::keys::{fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Schools {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Persons {
    Table,
    Id,
    Kind,
    BirthDate,
    Sex,
    Email,
    Phone,
    Position,
}

#[derive(DeriveIden)]
enum AcademicYears {
    Table,
    Id,
    SchoolId,
    Name,
    StartsOn,
    EndsOn,
    IsCurrent,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Periods {
    Table,
    Id,
    SchoolId,
    AcademicYearId,
    Kind,
    Number,
    StartsOn,
    EndsOn,
}

#[derive(DeriveIden)]
enum Subjects {
    Table,
    Id,
    SchoolId,
    Name,
    ShortName,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Classes {
    Table,
    Id,
    SchoolId,
    AcademicYearId,
    Grade,
    Letter,
    Name,
    ClassTeacherId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Groups {
    Table,
    Id,
    SchoolId,
    ClassId,
    Number,
    Name,
}

#[derive(DeriveIden)]
enum GroupMembers {
    Table,
    Id,
    SchoolId,
    GroupId,
    StudentId,
}

#[derive(DeriveIden)]
enum Courses {
    Table,
    Id,
    SchoolId,
    AcademicYearId,
    ClassId,
    GroupId,
    SubjectId,
    HoursPerWeek,
    CreatedAt,
}

#[derive(DeriveIden)]
enum CourseTeachers {
    Table,
    Id,
    SchoolId,
    CourseId,
    TeacherId,
}

#[derive(DeriveIden)]
enum GuardianLinks {
    Table,
    Id,
    SchoolId,
    ParentId,
    StudentId,
    Relation,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Enrollments {
    Table,
    Id,
    SchoolId,
    StudentId,
    ClassId,
    StartsOn,
    EndsOn,
    StartReason,
    EndReason,
    EndNote,
    CreatedAt,
}

#[derive(DeriveIden)]
enum IdempotencyKeys {
    Table,
    Id,
    SchoolId,
    Key,
    RequestHash,
    Status,
    Response,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // Person details. `kind`: student, staff, parent. `position` (staff): admin, principal,
        // teacher. SQLite adds one column per ALTER.
        for col in [
            string_len(Persons::Kind, 16).default("staff").to_owned(),
            date_null(Persons::BirthDate).to_owned(),
            string_len_null(Persons::Sex, 1).to_owned(),
            string_len_null(Persons::Email, 254).to_owned(),
            string_len_null(Persons::Phone, 32).to_owned(),
            string_len_null(Persons::Position, 16).to_owned(),
        ] {
            let mut col = col;
            m.alter_table(
                Table::alter()
                    .table(Persons::Table)
                    .add_column(&mut col)
                    .to_owned(),
            )
            .await?;
        }
        index(
            m,
            "ix_persons_school_kind",
            Persons::Table,
            &["school_id", "kind", "last_name"],
            false,
        )
        .await?;

        m.create_table(
            Table::create()
                .table(AcademicYears::Table)
                .col(uuid(AcademicYears::Id).primary_key())
                .col(uuid(AcademicYears::SchoolId))
                .col(string_len(AcademicYears::Name, 32))
                .col(date(AcademicYears::StartsOn))
                .col(date(AcademicYears::EndsOn))
                .col(boolean(AcademicYears::IsCurrent).default(false))
                .col(timestamp_with_time_zone(AcademicYears::CreatedAt))
                .foreign_key(&mut fk(
                    "fk_years_school",
                    (AcademicYears::Table, AcademicYears::SchoolId),
                    (Schools::Table, Schools::Id),
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ux_years_school_name",
            AcademicYears::Table,
            &["school_id", "name"],
            true,
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Periods::Table)
                .col(uuid(Periods::Id).primary_key())
                .col(uuid(Periods::SchoolId))
                .col(uuid(Periods::AcademicYearId))
                .col(string_len(Periods::Kind, 16))
                .col(integer(Periods::Number))
                .col(date(Periods::StartsOn))
                .col(date(Periods::EndsOn))
                .foreign_key(&mut fk(
                    "fk_periods_year",
                    (Periods::Table, Periods::AcademicYearId),
                    (AcademicYears::Table, AcademicYears::Id),
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ux_periods_year_kind_number",
            Periods::Table,
            &["academic_year_id", "kind", "number"],
            true,
        )
        .await?;
        index(
            m,
            "ix_periods_school",
            Periods::Table,
            &["school_id", "starts_on"],
            false,
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Subjects::Table)
                .col(uuid(Subjects::Id).primary_key())
                .col(uuid(Subjects::SchoolId))
                .col(string_len(Subjects::Name, 200))
                .col(string_len(Subjects::ShortName, 32))
                .col(timestamp_with_time_zone(Subjects::CreatedAt))
                .foreign_key(&mut fk(
                    "fk_subjects_school",
                    (Subjects::Table, Subjects::SchoolId),
                    (Schools::Table, Schools::Id),
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ux_subjects_school_name",
            Subjects::Table,
            &["school_id", "name"],
            true,
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Classes::Table)
                .col(uuid(Classes::Id).primary_key())
                .col(uuid(Classes::SchoolId))
                .col(uuid(Classes::AcademicYearId))
                .col(integer(Classes::Grade))
                .col(string_len(Classes::Letter, 8))
                .col(string_len(Classes::Name, 16))
                .col(uuid_null(Classes::ClassTeacherId))
                .col(timestamp_with_time_zone(Classes::CreatedAt))
                .foreign_key(&mut fk(
                    "fk_classes_year",
                    (Classes::Table, Classes::AcademicYearId),
                    (AcademicYears::Table, AcademicYears::Id),
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    "fk_classes_teacher",
                    (Classes::Table, Classes::ClassTeacherId),
                    (Persons::Table, Persons::Id),
                    ForeignKeyAction::SetNull,
                ))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ux_classes_year_name",
            Classes::Table,
            &["academic_year_id", "name"],
            true,
        )
        .await?;
        index(
            m,
            "ix_classes_school",
            Classes::Table,
            &["school_id", "academic_year_id"],
            false,
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Groups::Table)
                .col(uuid(Groups::Id).primary_key())
                .col(uuid(Groups::SchoolId))
                .col(uuid(Groups::ClassId))
                .col(integer(Groups::Number))
                .col(string_len(Groups::Name, 100))
                .foreign_key(&mut fk(
                    "fk_groups_class",
                    (Groups::Table, Groups::ClassId),
                    (Classes::Table, Classes::Id),
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ux_groups_class_number",
            Groups::Table,
            &["class_id", "number"],
            true,
        )
        .await?;

        m.create_table(
            Table::create()
                .table(GroupMembers::Table)
                .col(uuid(GroupMembers::Id).primary_key())
                .col(uuid(GroupMembers::SchoolId))
                .col(uuid(GroupMembers::GroupId))
                .col(uuid(GroupMembers::StudentId))
                .foreign_key(&mut fk(
                    "fk_group_members_group",
                    (GroupMembers::Table, GroupMembers::GroupId),
                    (Groups::Table, Groups::Id),
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    "fk_group_members_student",
                    (GroupMembers::Table, GroupMembers::StudentId),
                    (Persons::Table, Persons::Id),
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ux_group_members",
            GroupMembers::Table,
            &["group_id", "student_id"],
            true,
        )
        .await?;
        index(
            m,
            "ix_group_members_student",
            GroupMembers::Table,
            &["student_id"],
            false,
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Courses::Table)
                .col(uuid(Courses::Id).primary_key())
                .col(uuid(Courses::SchoolId))
                .col(uuid(Courses::AcademicYearId))
                .col(uuid(Courses::ClassId))
                .col(uuid_null(Courses::GroupId))
                .col(uuid(Courses::SubjectId))
                .col(integer(Courses::HoursPerWeek))
                .col(timestamp_with_time_zone(Courses::CreatedAt))
                .foreign_key(&mut fk(
                    "fk_courses_class",
                    (Courses::Table, Courses::ClassId),
                    (Classes::Table, Classes::Id),
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    "fk_courses_group",
                    (Courses::Table, Courses::GroupId),
                    (Groups::Table, Groups::Id),
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    "fk_courses_subject",
                    (Courses::Table, Courses::SubjectId),
                    (Subjects::Table, Subjects::Id),
                    ForeignKeyAction::Restrict,
                ))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ix_courses_class",
            Courses::Table,
            &["class_id", "subject_id"],
            false,
        )
        .await?;
        index(
            m,
            "ix_courses_school_year",
            Courses::Table,
            &["school_id", "academic_year_id"],
            false,
        )
        .await?;

        m.create_table(
            Table::create()
                .table(CourseTeachers::Table)
                .col(uuid(CourseTeachers::Id).primary_key())
                .col(uuid(CourseTeachers::SchoolId))
                .col(uuid(CourseTeachers::CourseId))
                .col(uuid(CourseTeachers::TeacherId))
                .foreign_key(&mut fk(
                    "fk_course_teachers_course",
                    (CourseTeachers::Table, CourseTeachers::CourseId),
                    (Courses::Table, Courses::Id),
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    "fk_course_teachers_teacher",
                    (CourseTeachers::Table, CourseTeachers::TeacherId),
                    (Persons::Table, Persons::Id),
                    ForeignKeyAction::Restrict,
                ))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ux_course_teachers",
            CourseTeachers::Table,
            &["course_id", "teacher_id"],
            true,
        )
        .await?;
        index(
            m,
            "ix_course_teachers_teacher",
            CourseTeachers::Table,
            &["teacher_id"],
            false,
        )
        .await?;

        m.create_table(
            Table::create()
                .table(GuardianLinks::Table)
                .col(uuid(GuardianLinks::Id).primary_key())
                .col(uuid(GuardianLinks::SchoolId))
                .col(uuid(GuardianLinks::ParentId))
                .col(uuid(GuardianLinks::StudentId))
                .col(string_len_null(GuardianLinks::Relation, 32))
                .col(timestamp_with_time_zone(GuardianLinks::CreatedAt))
                .foreign_key(&mut fk(
                    "fk_guardian_parent",
                    (GuardianLinks::Table, GuardianLinks::ParentId),
                    (Persons::Table, Persons::Id),
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    "fk_guardian_student",
                    (GuardianLinks::Table, GuardianLinks::StudentId),
                    (Persons::Table, Persons::Id),
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ux_guardian_links",
            GuardianLinks::Table,
            &["parent_id", "student_id"],
            true,
        )
        .await?;
        index(
            m,
            "ix_guardian_student",
            GuardianLinks::Table,
            &["student_id"],
            false,
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Enrollments::Table)
                .col(uuid(Enrollments::Id).primary_key())
                .col(uuid(Enrollments::SchoolId))
                .col(uuid(Enrollments::StudentId))
                .col(uuid(Enrollments::ClassId))
                .col(date(Enrollments::StartsOn))
                .col(date_null(Enrollments::EndsOn))
                .col(string_len(Enrollments::StartReason, 16))
                .col(string_len_null(Enrollments::EndReason, 16))
                .col(string_len_null(Enrollments::EndNote, 300))
                .col(timestamp_with_time_zone(Enrollments::CreatedAt))
                .foreign_key(&mut fk(
                    "fk_enrollments_student",
                    (Enrollments::Table, Enrollments::StudentId),
                    (Persons::Table, Persons::Id),
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    "fk_enrollments_class",
                    (Enrollments::Table, Enrollments::ClassId),
                    (Classes::Table, Classes::Id),
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ix_enrollments_class",
            Enrollments::Table,
            &["class_id", "starts_on"],
            false,
        )
        .await?;
        index(
            m,
            "ix_enrollments_student",
            Enrollments::Table,
            &["student_id", "starts_on"],
            false,
        )
        .await?;

        m.create_table(
            Table::create()
                .table(IdempotencyKeys::Table)
                .col(uuid(IdempotencyKeys::Id).primary_key())
                .col(uuid(IdempotencyKeys::SchoolId))
                .col(string_len(IdempotencyKeys::Key, 128))
                .col(string_len(IdempotencyKeys::RequestHash, 64))
                .col(integer(IdempotencyKeys::Status))
                .col(text(IdempotencyKeys::Response))
                .col(timestamp_with_time_zone(IdempotencyKeys::CreatedAt))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ux_idempotency_school_key",
            IdempotencyKeys::Table,
            &["school_id", "key"],
            true,
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            IdempotencyKeys::Table.into_iden(),
            Enrollments::Table.into_iden(),
            GuardianLinks::Table.into_iden(),
            CourseTeachers::Table.into_iden(),
            Courses::Table.into_iden(),
            GroupMembers::Table.into_iden(),
            Groups::Table.into_iden(),
            Classes::Table.into_iden(),
            Subjects::Table.into_iden(),
            Periods::Table.into_iden(),
            AcademicYears::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        for c in ["kind", "birth_date", "sex", "email", "phone", "position"] {
            m.alter_table(
                Table::alter()
                    .table(Persons::Table)
                    .drop_column(Alias::new(c))
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
