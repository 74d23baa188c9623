//! `schools.generation` is raised by a change of the school's name, time zone or settings only
//! (issue 8). The trigger of `m20261130_000007` fired on every `UPDATE … OF name`, and the
//! school's write lock (`service::structure::lock_school`) is the no-op `SET name = name`: every
//! journal write thus emptied every instance's snapshot of the school, and the next request of
//! each reloaded it. The trigger (renamed `schools_generation_changed`, so that a pooled SQLite
//! connection still seeing the old schema cannot collide with it) now compares the old and new
//! values.
//!
//! On PostgreSQL also: a school's counter is raised once per transaction, not once per changed
//! row (imports were quadratic), and `TRUNCATE` of a table behind the cache raises every
//! school's counter (it fires no row triggers).

use sea_orm_migration::prelude::*;

use crate::m20261130_000007_school_generation::TABLES;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        match m.get_database_backend() {
            sea_orm::DbBackend::Postgres => {
                // Once per school and transaction: an import of 10 000 rows updated the school's
                // row 10 000 times in one transaction, and PostgreSQL's growing chain of row
                // versions made that quadratic (40 s). One raise at the first change is enough:
                // readers see the new counter and the changes together at commit.
                db.execute_unprepared(
                    "CREATE FUNCTION otmetka_bump_generation_once(school uuid) RETURNS void AS $$
                     DECLARE
                         k text := 'otmetka.generation_' || replace(school::text, '-', '');
                     BEGIN
                         IF current_setting(k, true) IS DISTINCT FROM txid_current()::text THEN
                             UPDATE schools SET generation = generation + 1 WHERE id = school;
                             PERFORM set_config(k, txid_current()::text, true);
                         END IF;
                     END $$ LANGUAGE plpgsql",
                )
                .await?;
                db.execute_unprepared(
                    "CREATE OR REPLACE FUNCTION otmetka_bump_school_generation() RETURNS trigger AS $$
                     BEGIN
                         IF TG_OP = 'DELETE' THEN
                             PERFORM otmetka_bump_generation_once(OLD.school_id);
                         ELSE
                             PERFORM otmetka_bump_generation_once(NEW.school_id);
                             IF TG_OP = 'UPDATE' AND OLD.school_id <> NEW.school_id THEN
                                 PERFORM otmetka_bump_generation_once(OLD.school_id);
                             END IF;
                         END IF;
                         RETURN NULL;
                     END $$ LANGUAGE plpgsql",
                )
                .await?;
                // TRUNCATE fires no row trigger: it raises every school's counter.
                db.execute_unprepared(
                    "CREATE FUNCTION otmetka_bump_all_generations() RETURNS trigger AS $$
                     BEGIN
                         UPDATE schools SET generation = generation + 1;
                         RETURN NULL;
                     END $$ LANGUAGE plpgsql",
                )
                .await?;
                for t in TABLES {
                    db.execute_unprepared(&format!(
                        "CREATE TRIGGER {t}_generation_truncate AFTER TRUNCATE ON {t} \
                         FOR EACH STATEMENT EXECUTE FUNCTION otmetka_bump_all_generations()"
                    ))
                    .await?;
                }
                db.execute_unprepared("DROP TRIGGER IF EXISTS schools_generation ON schools")
                    .await?;
                db.execute_unprepared(
                    "CREATE TRIGGER schools_generation_changed BEFORE UPDATE OF name, time_zone, settings \
                     ON schools FOR EACH ROW \
                     WHEN (OLD.name IS DISTINCT FROM NEW.name \
                           OR OLD.time_zone IS DISTINCT FROM NEW.time_zone \
                           OR OLD.settings IS DISTINCT FROM NEW.settings) \
                     EXECUTE FUNCTION otmetka_bump_own_generation()",
                )
                .await?;
            }
            _ => {
                db.execute_unprepared("DROP TRIGGER IF EXISTS schools_generation")
                    .await?;
                db.execute_unprepared(
                    "CREATE TRIGGER schools_generation_changed AFTER UPDATE OF name, time_zone, settings \
                     ON schools \
                     WHEN OLD.name IS NOT NEW.name OR OLD.time_zone IS NOT NEW.time_zone \
                          OR OLD.settings IS NOT NEW.settings \
                     BEGIN UPDATE schools SET generation = generation + 1 WHERE id = NEW.id; END",
                )
                .await?;
            }
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        match m.get_database_backend() {
            sea_orm::DbBackend::Postgres => {
                for t in TABLES {
                    db.execute_unprepared(&format!(
                        "DROP TRIGGER IF EXISTS {t}_generation_truncate ON {t}"
                    ))
                    .await?;
                }
                db.execute_unprepared("DROP FUNCTION IF EXISTS otmetka_bump_all_generations()")
                    .await?;
                db.execute_unprepared(
                    "CREATE OR REPLACE FUNCTION otmetka_bump_school_generation() RETURNS trigger AS $$
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
                db.execute_unprepared("DROP FUNCTION IF EXISTS otmetka_bump_generation_once(uuid)")
                    .await?;
                db.execute_unprepared(
                    "DROP TRIGGER IF EXISTS schools_generation_changed ON schools",
                )
                .await?;
                db.execute_unprepared(
                    "CREATE TRIGGER schools_generation BEFORE UPDATE OF name, time_zone, settings \
                     ON schools FOR EACH ROW EXECUTE FUNCTION otmetka_bump_own_generation()",
                )
                .await?;
            }
            _ => {
                db.execute_unprepared("DROP TRIGGER IF EXISTS schools_generation_changed")
                    .await?;
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
}
