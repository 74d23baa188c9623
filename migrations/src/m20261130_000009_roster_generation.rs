//! The school snapshot (`service::snapshot`) also holds the roster's class enrollments and
//! subgroup memberships and the final-mark reopenings (issue 8: the diary, the marks page and
//! the journal read them on every request, against the ≤ 5 statements per page of DESIGN §7).
//! So `enrollments`, `group_members` and `term_reopenings` now raise
//! `schools.generation` too, with the same triggers as the tables of `m20261130_000007` (on
//! PostgreSQL once per school and transaction, and on `TRUNCATE`, as `m20261130_000008` made
//! them).

use sea_orm_migration::prelude::*;

/// The tables added behind the snapshot.
pub const TABLES: &[&str] = &["enrollments", "group_members", "term_reopenings"];

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

/// Makes every change of `tables` (each with a `school_id` column) raise its school's
/// `schools.generation`: on PostgreSQL once per school and transaction (the functions of
/// `m20261130_000007`/`8`) and every school's on `TRUNCATE`; on SQLite a trigger per operation
/// (an update that moves a row to another school raises both).
pub(crate) async fn add_generation_triggers(
    m: &SchemaManager<'_>,
    tables: &[&str],
) -> Result<(), DbErr> {
    let db = m.get_connection();
    for t in tables {
        match m.get_database_backend() {
            sea_orm::DbBackend::Postgres => {
                db.execute_unprepared(&format!(
                    "CREATE TRIGGER {t}_generation AFTER INSERT OR UPDATE OR DELETE ON {t} \
                     FOR EACH ROW EXECUTE FUNCTION otmetka_bump_school_generation()"
                ))
                .await?;
                db.execute_unprepared(&format!(
                    "CREATE TRIGGER {t}_generation_truncate AFTER TRUNCATE ON {t} \
                     FOR EACH STATEMENT EXECUTE FUNCTION otmetka_bump_all_generations()"
                ))
                .await?;
            }
            _ => {
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
        }
    }
    Ok(())
}

/// Removes the triggers of [`add_generation_triggers`] from `tables`.
pub(crate) async fn drop_generation_triggers(
    m: &SchemaManager<'_>,
    tables: &[&str],
) -> Result<(), DbErr> {
    let db = m.get_connection();
    for t in tables {
        if m.get_database_backend() == sea_orm::DbBackend::Postgres {
            for name in ["generation", "generation_truncate"] {
                db.execute_unprepared(&format!("DROP TRIGGER IF EXISTS {t}_{name} ON {t}"))
                    .await?;
            }
        } else {
            for op in ["insert", "update", "delete"] {
                db.execute_unprepared(&format!("DROP TRIGGER IF EXISTS {t}_generation_{op}"))
                    .await?;
            }
        }
    }
    Ok(())
}
