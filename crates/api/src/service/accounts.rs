//! Accounts of a school as the administration manages them: roles and disabling. Either change
//! ends the account's sessions at once (DESIGN §3, issue: "disabling an account or changing its
//! roles ends its sessions at once").

use std::collections::{BTreeSet, HashMap};

use chrono::Utc;
use otmetka_domain::account::{SchoolAccount, UpdateSchoolAccountRequest};
use otmetka_domain::person::full_name;
use otmetka_domain::{ErrorCode, Role};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
    TransactionSession, TransactionTrait,
};
use uuid::Uuid;

use crate::auth::Actor;
use crate::auth::policy::{self, Action};
use crate::entity::{account, person, role_assignment};
use crate::error::{AppError, AppResult};
use crate::service::audit::Audit;
use crate::service::auth::revoke_account_sessions;

async fn build(
    db: &impl ConnectionTrait,
    school_id: Uuid,
    account_ids: Option<Vec<Uuid>>,
) -> AppResult<Vec<SchoolAccount>> {
    let mut rq =
        role_assignment::Entity::find().filter(role_assignment::Column::SchoolId.eq(school_id));
    if let Some(ids) = &account_ids {
        rq = rq.filter(role_assignment::Column::AccountId.is_in(ids.clone()));
    }
    let roles = rq.all(db).await?;
    let mut by_account: HashMap<Uuid, BTreeSet<Role>> = HashMap::new();
    for r in roles {
        if let Some(role) = Role::parse(&r.role) {
            by_account.entry(r.account_id).or_default().insert(role);
        }
    }
    // Accounts linked to a person of the school count even with no roles left (disabled ones).
    let mut pq = person::Entity::find()
        .filter(person::Column::SchoolId.eq(school_id))
        .filter(person::Column::AccountId.is_not_null());
    if let Some(ids) = &account_ids {
        pq = pq.filter(person::Column::AccountId.is_in(ids.clone()));
    }
    let persons = pq.all(db).await?;
    let mut ids: BTreeSet<Uuid> = by_account.keys().copied().collect();
    ids.extend(persons.iter().filter_map(|p| p.account_id));
    let accounts = account::Entity::find()
        .filter(account::Column::Id.is_in(ids.into_iter().collect::<Vec<_>>()))
        .order_by_asc(account::Column::LoginNormalized)
        .all(db)
        .await?;
    Ok(accounts
        .into_iter()
        .map(|a| {
            let p = persons.iter().find(|p| p.account_id == Some(a.id));
            SchoolAccount {
                account_id: a.id,
                login: a.login,
                is_active: a.is_active,
                roles: by_account
                    .get(&a.id)
                    .map(|s| s.iter().copied().collect())
                    .unwrap_or_default(),
                person_id: p.map(|p| p.id),
                person_name: p
                    .map(|p| full_name(&p.last_name, &p.first_name, p.middle_name.as_deref())),
                created_at: a.created_at,
                last_login_at: a.last_login_at,
            }
        })
        .collect())
}

/// The school's accounts with their roles here, by login. Admin and principal.
pub async fn list(
    db: &impl ConnectionTrait,
    actor: &Actor,
    school_id: Uuid,
) -> AppResult<Vec<SchoolAccount>> {
    policy::authorize(actor, school_id, Action::ReadAccounts)?;
    build(db, school_id, None).await
}

/// Sets an account's roles in this school and/or disables or enables it. Admin.
///
/// Errors: 404 when the account has no role and no person in this school; 409 `conflict` when an
/// admin would disable themself or drop their own admin role (ask another admin); 403 when a
/// school admin tries to disable an account that also holds roles in another school.
pub async fn update(
    db: &(impl ConnectionTrait + TransactionTrait),
    actor: &Actor,
    school_id: Uuid,
    account_id: Uuid,
    req: UpdateSchoolAccountRequest,
) -> AppResult<SchoolAccount> {
    policy::authorize(actor, school_id, Action::ManageAccounts)?;
    let current = build(db, school_id, Some(vec![account_id]))
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| AppError::not_found("account"))?;
    let txn = db.begin_with_options(crate::service::WRITE_TXN).await?;
    let mut changed = false;
    if let Some(new_roles) = &req.roles {
        let new: BTreeSet<Role> = new_roles.iter().copied().collect();
        let old: BTreeSet<Role> = current.roles.iter().copied().collect();
        if account_id == actor.account_id
            && old.contains(&Role::Admin)
            && !new.contains(&Role::Admin)
        {
            return Err(
                AppError::new(ErrorCode::Conflict).detail("you cannot remove your own admin role")
            );
        }
        if new != old {
            role_assignment::Entity::delete_many()
                .filter(role_assignment::Column::SchoolId.eq(school_id))
                .filter(role_assignment::Column::AccountId.eq(account_id))
                .exec(&txn)
                .await?;
            for r in &new {
                role_assignment::ActiveModel {
                    id: Set(Uuid::now_v7()),
                    school_id: Set(school_id),
                    account_id: Set(account_id),
                    role: Set(r.as_str().into()),
                    created_at: Set(Utc::now()),
                }
                .insert(&txn)
                .await?;
            }
            Audit::new("roles_changed")
                .school(school_id)
                .by(actor)
                .object("account", account_id)
                .old(serde_json::json!(old))
                .new_value(serde_json::json!(new))
                .write(&txn)
                .await?;
            changed = true;
        }
    }
    if let Some(active) = req.is_active
        && active != current.is_active
    {
        if account_id == actor.account_id {
            return Err(
                AppError::new(ErrorCode::Conflict).detail("you cannot disable your own account")
            );
        }
        if !actor.is_superadmin {
            let elsewhere = role_assignment::Entity::find()
                .filter(role_assignment::Column::AccountId.eq(account_id))
                .filter(role_assignment::Column::SchoolId.ne(school_id))
                .one(&txn)
                .await?
                .is_some();
            if elsewhere {
                return Err(AppError::forbidden().detail(
                    "the account also works in another school; remove its roles here instead",
                ));
            }
        }
        account::Entity::update_many()
            .col_expr(account::Column::IsActive, Expr::value(active))
            .filter(account::Column::Id.eq(account_id))
            .exec(&txn)
            .await?;
        Audit::new(if active {
            "account_enabled"
        } else {
            "account_disabled"
        })
        .school(school_id)
        .by(actor)
        .object("account", account_id)
        .old(serde_json::json!({ "is_active": current.is_active }))
        .new_value(serde_json::json!({ "is_active": active }))
        .write(&txn)
        .await?;
        changed = true;
    }
    if changed {
        let ended = revoke_account_sessions(&txn, account_id, None, "account_changed").await?;
        if ended > 0 {
            Audit::new("sessions_revoked")
                .school(school_id)
                .by(actor)
                .object("account", account_id)
                .new_value(serde_json::json!({ "ended": ended }))
                .write(&txn)
                .await?;
        }
    }
    txn.commit().await?;
    build(db, school_id, Some(vec![account_id]))
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| AppError::not_found("account"))
}
