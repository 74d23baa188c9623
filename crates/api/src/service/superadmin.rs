//! Deployment-level accounts: `otmetka create-superadmin`.

use chrono::Utc;
use otmetka_domain::ErrorCode;
use otmetka_domain::rules::{check_login, normalize_login};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

use crate::auth::password;
use crate::entity::account;
use crate::error::{AppError, AppResult};
use crate::service::audit::Audit;

/// Creates a superadmin account (no school, no person). Errors: 422 login/password rules; 409
/// `login_taken`.
pub async fn create(db: &impl ConnectionTrait, login: &str, pass: &str) -> AppResult<Uuid> {
    check_login(login).map_err(|m| AppError::field("login", "format", m))?;
    password::check_policy(pass, Some(login), "password")?;
    create_unchecked(db, login, pass, true).await
}

/// Inserts an account without the common-password check (demo accounts with printed, known
/// passwords). Errors: 409 `login_taken`.
pub async fn create_unchecked(
    db: &impl ConnectionTrait,
    login: &str,
    pass: &str,
    superadmin: bool,
) -> AppResult<Uuid> {
    let norm = normalize_login(login);
    if account::Entity::find()
        .filter(account::Column::LoginNormalized.eq(&norm))
        .one(db)
        .await?
        .is_some()
    {
        return Err(AppError::new(ErrorCode::LoginTaken).detail(format!("login {login} is taken")));
    }
    let hash = password::hash(pass.to_string()).await?;
    let now = Utc::now();
    let id = Uuid::now_v7();
    account::ActiveModel {
        id: Set(id),
        login: Set(login.trim().to_string()),
        login_normalized: Set(norm),
        password_hash: Set(hash),
        email: Set(None),
        is_superadmin: Set(superadmin),
        is_active: Set(true),
        created_at: Set(now),
        last_login_at: Set(None),
        password_changed_at: Set(now),
    }
    .insert(db)
    .await?;
    if superadmin {
        Audit::new("superadmin_created")
            .object("account", id)
            .write(db)
            .await?;
    }
    Ok(id)
}
