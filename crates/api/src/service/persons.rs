//! Person records (students, staff, parents) of a school. Issue 3 adds imports and guardians.

use chrono::Utc;
use otmetka_domain::person::{Person, PersonInput};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};
use uuid::Uuid;
use validator::Validate;

use crate::auth::Actor;
use crate::auth::policy::{self, Action};
use crate::entity::person;
use crate::error::{AppError, AppResult};
use otmetka_domain::ErrorCode;

/// The DTO of a person row.
pub fn to_dto(p: person::Model) -> Person {
    Person {
        id: p.id,
        school_id: p.school_id,
        last_name: p.last_name,
        first_name: p.first_name,
        middle_name: p.middle_name,
        external_id: p.external_id,
        account_id: p.account_id,
        created_at: p.created_at,
    }
}

fn clean(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Validates and inserts a person (no permission check: callers do it).
/// Errors: 422 `validation_failed`; 409 `conflict` when `external_id` is taken in the school.
/// `field_prefix` names the object in error fields (`person.`, `first_admin.`, or empty).
pub async fn insert(
    db: &impl ConnectionTrait,
    school_id: Uuid,
    input: &PersonInput,
    field_prefix: &str,
) -> AppResult<person::Model> {
    if let Err(e) = input.validate() {
        let mut err = AppError::from(e);
        for f in err.errors.iter_mut() {
            f.field = format!("{field_prefix}{}", f.field);
        }
        return Err(err);
    }
    let last = clean(&input.last_name);
    let first = clean(&input.first_name);
    let mut errors = Vec::new();
    for (field, v) in [("last_name", &last), ("first_name", &first)] {
        if v.is_empty() {
            errors.push(otmetka_domain::FieldError {
                field: format!("{field_prefix}{field}"),
                code: "required".into(),
                message: "must be a non-empty name".into(),
            });
        }
    }
    for (field, v) in [
        ("last_name", Some(input.last_name.as_str())),
        ("first_name", Some(input.first_name.as_str())),
        ("middle_name", input.middle_name.as_deref()),
        ("external_id", input.external_id.as_deref()),
    ] {
        if v.is_some_and(|v| v.chars().any(char::is_control)) {
            errors.push(otmetka_domain::FieldError {
                field: format!("{field_prefix}{field}"),
                code: "format".into(),
                message: "must not contain control characters".into(),
            });
        }
    }
    if !errors.is_empty() {
        return Err(AppError::fields(errors));
    }
    let middle = input
        .middle_name
        .as_deref()
        .map(clean)
        .filter(|m| !m.is_empty());
    let external_id = input
        .external_id
        .as_deref()
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .map(str::to_string);
    if let Some(ext) = &external_id
        && person::Entity::find()
            .filter(person::Column::SchoolId.eq(school_id))
            .filter(person::Column::ExternalId.eq(ext))
            .one(db)
            .await?
            .is_some()
    {
        return Err(AppError::new(ErrorCode::Conflict)
            .detail(format!("external_id {ext} is taken in this school")));
    }
    let now = Utc::now();
    Ok(person::ActiveModel {
        id: Set(Uuid::now_v7()),
        school_id: Set(school_id),
        last_name: Set(last),
        first_name: Set(first),
        middle_name: Set(middle),
        external_id: Set(external_id),
        account_id: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await?)
}

/// Creates a person. Admin.
pub async fn create(
    db: &impl ConnectionTrait,
    actor: &Actor,
    school_id: Uuid,
    input: PersonInput,
) -> AppResult<Person> {
    policy::authorize(actor, school_id, Action::ManagePersons)?;
    let p = insert(db, school_id, &input, "").await?;
    crate::service::audit::Audit::new("person_created")
        .school(school_id)
        .by(actor)
        .object("person", p.id)
        .new_value(serde_json::json!({
            "last_name": p.last_name, "first_name": p.first_name,
            "middle_name": p.middle_name, "external_id": p.external_id
        }))
        .write(db)
        .await?;
    Ok(to_dto(p))
}

/// Lists persons by name, optionally filtered by a search string `q` (in last, first or middle
/// name or external id). Admin and principal.
pub async fn list(
    db: &impl ConnectionTrait,
    actor: &Actor,
    school_id: Uuid,
    q: Option<&str>,
    limit: u64,
    offset: u64,
) -> AppResult<(Vec<Person>, u64)> {
    policy::authorize(actor, school_id, Action::ReadPersons)?;
    let mut query = person::Entity::find().filter(person::Column::SchoolId.eq(school_id));
    if let Some(q) = q.map(str::trim).filter(|q| !q.is_empty()) {
        let like = format!("%{}%", q.replace(['%', '_'], ""));
        query = query.filter(
            Condition::any()
                .add(person::Column::LastName.like(&like))
                .add(person::Column::FirstName.like(&like))
                .add(person::Column::MiddleName.like(&like))
                .add(person::Column::ExternalId.like(&like)),
        );
    }
    let total = query.clone().count(db).await?;
    let rows = query
        .order_by_asc(person::Column::LastName)
        .order_by_asc(person::Column::FirstName)
        .order_by_asc(person::Column::Id)
        .limit(limit)
        .offset(offset)
        .all(db)
        .await?;
    Ok((rows.into_iter().map(to_dto).collect(), total))
}

/// One person of the school. Admin and principal, and the person themself.
pub async fn get(
    db: &impl ConnectionTrait,
    actor: &Actor,
    school_id: Uuid,
    id: Uuid,
) -> AppResult<Person> {
    let p = person::Entity::find_by_id(id)
        .filter(person::Column::SchoolId.eq(school_id))
        .one(db)
        .await?;
    if let Some(p) = &p
        && p.account_id == Some(actor.account_id)
    {
        return Ok(to_dto(p.clone()));
    }
    policy::authorize(actor, school_id, Action::ReadPersons)?;
    p.map(to_dto).ok_or_else(|| AppError::not_found("person"))
}
