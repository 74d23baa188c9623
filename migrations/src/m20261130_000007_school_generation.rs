//! `schools.generation` (issue 8): a counter that every change of a school's slowly changing
//! data raises, kept by triggers in the database so that every server instance sees it. A
//! server caches what it derives from that data (the course catalog, the mark settings, the
//! calendar) per school and reloads it when the counter moved (`service::snapshot`): one
//! statement per request instead of a dozen whole-school reads (DESIGN §7: ≤ 5 statements per
//! page, ≥ 1 000 diary reads/s).
//!
//! The tables behind the cache: courses, course_teachers, persons, classes, subjects, groups,
//! bell_schedules, mark_scales, work_types, attendance_codes, periods, academic_years, holidays,
//! timetable_entries, and the school's own name, time zone and settings.
//!
//! Also `ix_lessons_school_homework_due`: the diary's homework due in a week.

use sea_orm_migration::prelude::*;

/// Tables whose every insert, update and delete raises `schools.generation` of the row's school.
pub const TABLES: &[&str] = &[
    "courses",
    "course_teachers",
    "persons",
    "classes",
    "subjects",
    "groups",
    "bell_schedules",
    "mark_scales",
    "work_types",
    "attendance_codes",
    "periods",
    "academic_years",
    "holidays",
    "timetable_entries",
];

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        db.execute_unprepared(
            "ALTER TABLE schools ADD COLUMN generation BIGINT NOT NULL DEFAULT 0",
        )
        .await?;
        // The diary's "homework due this week" reads lessons by their due day.
        db.execute_unprepared(
            "CREATE INDEX ix_lessons_school_homework_due ON lessons (school_id, homework_due_on)",
        )
        .await?;
        match m.get_database_backend() {
            sea_orm::DbBackend::Postgres => {
                db.execute_unprepared(
                    "CREATE FUNCTION otmetka_bump_school_generation() RETURNS trigger AS $$
                     BEGIN
                         IF TG_OP = 'DELETE' THEN
                             UPDATE schools SET generation = generation + 1 WHERE id = OLD.school_id;
                         ELSE
                             UPDATE schools SET generation = generation + 1 WHERE id = NEW.school_id;
                             IF TG_OP = 'UPDATE' AND OLD.school_id <> NEW.school_id THEN
                                 UPDATE schools SET generation = generation + 1 WHERE id = OLD.school_id;
                             END IF;
                         END IF;
                         RETURN NULL;
                     END $$ LANGUAGE plpgsql",
                )
                .await?;
                db.execute_unprepared(
                    "CREATE FUNCTION otmetka_bump_own_generation() RETURNS trigger AS $$
                     BEGIN
                         NEW.generation := OLD.generation + 1;
                         RETURN NEW;
                     END $$ LANGUAGE plpgsql",
                )
                .await?;
                for t in TABLES {
                    db.execute_unprepared(&format!(
                        "CREATE TRIGGER {t}_generation AFTER INSERT OR UPDATE OR DELETE ON {t} \
                         FOR EACH ROW EXECUTE FUNCTION otmetka_bump_school_generation()"
                    ))
                    .await?;
                }
                db.execute_unprepared(
                    "CREATE TRIGGER schools_generation BEFORE UPDATE OF name, time_zone, settings \
                     ON schools FOR EACH ROW EXECUTE FUNCTION otmetka_bump_own_generation()",
                )
                .await?;
            }
            _ => {
                for t in TABLES {
                    for (op, row) in [("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD")] {
                        let also_old = if op == "UPDATE" {
                            " UPDATE schools SET generation = generation + 1 \
                             WHERE id = OLD.school_id AND OLD.school_id <> NEW.school_id;"
                        } else {
                            ""
                        };
                        let name = op.to_lowercase();
                        db.execute_unprepared(&format!(
                            "CREATE TRIGGER {t}_generation_{name} AFTER {op} ON {t} BEGIN \
                             UPDATE schools SET generation = generation + 1 WHERE id = {row}.school_id;{also_old} END"
                        ))
                        .await?;
                    }
                }
                db.execute_unprepared(
                    "CREATE TRIGGER schools_generation AFTER UPDATE OF name, time_zone, settings \
                     ON schools BEGIN UPDATE schools SET generation = generation + 1 \
                     WHERE id = NEW.id; END",
                )
                .await?;
            }
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        let pg = m.get_database_backend() == sea_orm::DbBackend::Postgres;
        for t in TABLES {
            if pg {
                db.execute_unprepared(&format!("DROP TRIGGER IF EXISTS {t}_generation ON {t}"))
                    .await?;
            } else {
                for op in ["insert", "update", "delete"] {
                    db.execute_unprepared(&format!("DROP TRIGGER IF EXISTS {t}_generation_{op}"))
                        .await?;
                }
            }
        }
        if pg {
            db.execute_unprepared("DROP TRIGGER IF EXISTS schools_generation ON schools")
                .await?;
            db.execute_unprepared("DROP FUNCTION IF EXISTS otmetka_bump_school_generation()")
                .await?;
            db.execute_unprepared("DROP FUNCTION IF EXISTS otmetka_bump_own_generation()")
                .await?;
        } else {
            db.execute_unprepared("DROP TRIGGER IF EXISTS schools_generation")
                .await?;
        }
        db.execute_unprepared("DROP INDEX IF EXISTS ix_lessons_school_homework_due")
            .await?;
        m.alter_table(
            Table::alter()
                .table(Alias::new("schools"))
                .drop_column(Alias::new("generation"))
                .to_owned(),
        )
        .await
    }
}
