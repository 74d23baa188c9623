//! `persons`: A person record of a school, optionally linked to an account.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "persons")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub school_id: Uuid,
    pub last_name: String,
    pub first_name: String,
    pub middle_name: Option<String>,
    pub external_id: Option<String>,
    pub account_id: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// `student`, `staff` or `parent`.
    pub kind: String,
    pub birth_date: Option<Date>,
    /// `M` or `F`.
    pub sex: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// Staff position: `admin`, `principal`, `teacher`.
    pub position: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
