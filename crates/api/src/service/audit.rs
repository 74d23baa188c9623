//! Writing and reading the audit log (152-FZ: who, when, on whose behalf, old and new value).

use chrono::Utc;
use otmetka_domain::audit::AuditRecord;
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, ExprTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use uuid::Uuid;

use crate::auth::Actor;
use crate::auth::policy::{self, Action};
use crate::entity::{audit_log, role_assignment};
use crate::error::AppResult;

/// An audit record being built: `Audit::new("invite_created").school(id).actor(a)…write(db)`.
#[derive(Debug, Clone, Default)]
pub struct Audit {
    school_id: Option<Uuid>,
    actor: Option<Uuid>,
    on_behalf_of: Option<Uuid>,
    action: String,
    object_type: Option<String>,
    object_id: Option<String>,
    old_value: Option<serde_json::Value>,
    new_value: Option<serde_json::Value>,
    ip: Option<String>,
}

impl Audit {
    /// A record of `action` (snake_case verb in the past tense: `login_failed`).
    pub fn new(action: &str) -> Self {
        Audit {
            action: action.into(),
            ..Default::default()
        }
    }
    /// The school the record belongs to.
    pub fn school(mut self, id: Uuid) -> Self {
        self.school_id = Some(id);
        self
    }
    /// The acting account and its IP.
    pub fn by(mut self, actor: &Actor) -> Self {
        self.actor = Some(actor.account_id);
        self.ip = actor.client.ip.clone();
        self
    }
    /// The acting account id.
    pub fn actor(mut self, id: Option<Uuid>) -> Self {
        self.actor = id;
        self
    }
    /// The teacher (person id) on whose behalf a substitute acted.
    pub fn on_behalf_of(mut self, person_id: Option<Uuid>) -> Self {
        self.on_behalf_of = person_id;
        self
    }
    /// The client IP.
    pub fn ip(mut self, ip: Option<String>) -> Self {
        self.ip = ip;
        self
    }
    /// The object acted on.
    pub fn object(mut self, kind: &str, id: impl ToString) -> Self {
        self.object_type = Some(kind.into());
        self.object_id = Some(id.to_string());
        self
    }
    /// The value before.
    pub fn old(mut self, v: serde_json::Value) -> Self {
        self.old_value = Some(v);
        self
    }
    /// The value after.
    pub fn new_value(mut self, v: serde_json::Value) -> Self {
        self.new_value = Some(v);
        self
    }
    /// Inserts the record.
    pub async fn write(self, db: &impl ConnectionTrait) -> AppResult<()> {
        self.into_model().insert(db).await?;
        Ok(())
    }

    /// Inserts many records with multi-row statements (imports write thousands).
    pub async fn write_all(records: Vec<Audit>, db: &impl ConnectionTrait) -> AppResult<()> {
        let mut models: Vec<audit_log::ActiveModel> =
            records.into_iter().map(Audit::into_model).collect();
        while !models.is_empty() {
            let rest = models.split_off(models.len().min(500));
            audit_log::Entity::insert_many(std::mem::replace(&mut models, rest))
                .exec(db)
                .await?;
        }
        Ok(())
    }

    fn into_model(self) -> audit_log::ActiveModel {
        audit_log::ActiveModel {
            id: Set(Uuid::now_v7()),
            school_id: Set(self.school_id),
            at: Set(Utc::now()),
            actor_account_id: Set(self.actor),
            on_behalf_of: Set(self.on_behalf_of),
            action: Set(self.action),
            object_type: Set(self.object_type),
            object_id: Set(self.object_id),
            old_value: Set(self.old_value.map(|v| v.to_string())),
            new_value: Set(self.new_value.map(|v| v.to_string())),
            ip: Set(self.ip),
        }
    }
}

fn to_dto(m: audit_log::Model) -> AuditRecord {
    let parse = |s: Option<String>| s.and_then(|s| serde_json::from_str(&s).ok());
    AuditRecord {
        id: m.id,
        at: m.at,
        school_id: m.school_id,
        actor_account_id: m.actor_account_id,
        on_behalf_of: m.on_behalf_of,
        action: m.action,
        object_type: m.object_type,
        object_id: m.object_id,
        old_value: parse(m.old_value),
        new_value: parse(m.new_value),
        ip: m.ip,
    }
}

/// A school's audit log, newest first: records of the school, plus school-less records (sign-ins,
/// password changes) of the school's members. Optional `action` filter. Admin and principal.
pub async fn list_for_school(
    db: &impl ConnectionTrait,
    actor: &Actor,
    school_id: Uuid,
    action: Option<&str>,
    limit: u64,
    offset: u64,
) -> AppResult<(Vec<AuditRecord>, u64)> {
    policy::authorize(actor, school_id, Action::ReadAudit)?;
    let members = Query::select()
        .column(role_assignment::Column::AccountId)
        .from(role_assignment::Entity)
        .and_where(Expr::col(role_assignment::Column::SchoolId).eq(school_id))
        .to_owned();
    let mut cond = Condition::any()
        .add(audit_log::Column::SchoolId.eq(school_id))
        .add(
            Condition::all()
                .add(audit_log::Column::SchoolId.is_null())
                .add(audit_log::Column::ActorAccountId.in_subquery(members)),
        );
    if let Some(a) = action {
        cond = Condition::all()
            .add(cond)
            .add(audit_log::Column::Action.eq(a));
    }
    let q = audit_log::Entity::find().filter(cond);
    let total = q.clone().count(db).await?;
    let rows = q
        .order_by_desc(audit_log::Column::At)
        .order_by_desc(audit_log::Column::Id)
        .limit(limit)
        .offset(offset)
        .all(db)
        .await?;
    Ok((rows.into_iter().map(to_dto).collect(), total))
}

/// The whole deployment's audit log, newest first. Superadmin only.
pub async fn list_all(
    db: &impl ConnectionTrait,
    actor: &Actor,
    action: Option<&str>,
    limit: u64,
    offset: u64,
) -> AppResult<(Vec<AuditRecord>, u64)> {
    policy::require_superadmin(actor, "global audit log")?;
    let mut q = audit_log::Entity::find();
    if let Some(a) = action {
        q = q.filter(audit_log::Column::Action.eq(a));
    }
    let total = q.clone().count(db).await?;
    let rows = q
        .order_by_desc(audit_log::Column::At)
        .order_by_desc(audit_log::Column::Id)
        .limit(limit)
        .offset(offset)
        .all(db)
        .await?;
    Ok((rows.into_iter().map(to_dto).collect(), total))
}
