//! Person records (students, staff, parents) of a school. Issue 3 adds imports and guardians.

use chrono::Utc;
use otmetka_domain::person::{Person, PersonInput, PersonKind, Sex, StaffPosition};
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
        kind: PersonKind::parse(&p.kind).unwrap_or(PersonKind::Staff),
        birth_date: p.birth_date,
        sex: p.sex.as_deref().and_then(Sex::parse),
        email: p.email,
        phone: p.phone,
        position: p.position.as_deref().and_then(StaffPosition::parse),
        created_at: p.created_at,
    }
}

fn clean(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn opt_clean(s: Option<&str>) -> Option<String> {
    s.map(clean).filter(|s| !s.is_empty())
}

/// The checks of a person input, with field names under `field_prefix`. Errors: 422.
pub fn check(input: &PersonInput, field_prefix: &str) -> AppResult<()> {
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
        ("email", input.email.as_deref()),
        ("phone", input.phone.as_deref()),
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
    Ok(())
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
    check(input, field_prefix)?;
    let last = clean(&input.last_name);
    let first = clean(&input.first_name);
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
        kind: Set(input.kind.unwrap_or(PersonKind::Staff).as_str().into()),
        birth_date: Set(input.birth_date),
        sex: Set(input.sex.map(|x| x.as_str().into())),
        email: Set(opt_clean(input.email.as_deref())),
        phone: Set(opt_clean(input.phone.as_deref())),
        position: Set(input.position.map(|x| x.as_str().into())),
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
    kind: Option<PersonKind>,
    limit: u64,
    offset: u64,
) -> AppResult<(Vec<Person>, u64)> {
    policy::authorize(actor, school_id, Action::ReadPersons)?;
    let mut query = person::Entity::find().filter(person::Column::SchoolId.eq(school_id));
    if let Some(k) = kind {
        query = query.filter(person::Column::Kind.eq(k.as_str()));
    }
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

/// Changes a person's record (all fields of [`PersonInput`]; `kind` keeps its value when absent).
/// Admin. Errors: 404; 422; 409 `external_id` taken.
pub async fn update(
    db: &impl ConnectionTrait,
    actor: &Actor,
    school_id: Uuid,
    id: Uuid,
    input: PersonInput,
) -> AppResult<Person> {
    policy::authorize(actor, school_id, Action::ManagePersons)?;
    let old = person::Entity::find_by_id(id)
        .filter(person::Column::SchoolId.eq(school_id))
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("person"))?;
    let p = apply(db, school_id, old.clone(), &input, "").await?;
    crate::service::audit::Audit::new("person_changed")
        .school(school_id)
        .by(actor)
        .object("person", id)
        .old(serde_json::to_value(to_dto(old)).unwrap_or_default())
        .new_value(serde_json::to_value(to_dto(p.clone())).unwrap_or_default())
        .write(db)
        .await?;
    Ok(to_dto(p))
}

/// Writes `input` over an existing person after the same checks as [`insert`] (no permission
/// check). Returns the row as stored.
pub async fn apply(
    db: &impl ConnectionTrait,
    school_id: Uuid,
    old: person::Model,
    input: &PersonInput,
    field_prefix: &str,
) -> AppResult<person::Model> {
    check(input, field_prefix)?;
    let external_id = input
        .external_id
        .as_deref()
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .map(str::to_string);
    if let Some(ext) = &external_id
        && let Some(other) = person::Entity::find()
            .filter(person::Column::SchoolId.eq(school_id))
            .filter(person::Column::ExternalId.eq(ext))
            .one(db)
            .await?
        && other.id != old.id
    {
        return Err(AppError::new(ErrorCode::Conflict)
            .detail(format!("external_id {ext} is taken in this school")));
    }
    let mut am: person::ActiveModel = old.clone().into();
    am.last_name = Set(clean(&input.last_name));
    am.first_name = Set(clean(&input.first_name));
    am.middle_name = Set(opt_clean(input.middle_name.as_deref()));
    am.external_id = Set(external_id);
    if let Some(k) = input.kind {
        am.kind = Set(k.as_str().into());
    }
    am.birth_date = Set(input.birth_date);
    am.sex = Set(input.sex.map(|x| x.as_str().into()));
    am.email = Set(opt_clean(input.email.as_deref()));
    am.phone = Set(opt_clean(input.phone.as_deref()));
    am.position = Set(input.position.map(|x| x.as_str().into()));
    am.updated_at = Set(Utc::now());
    Ok(am.update(db).await?)
}
