//! `term_reopenings`: the admin reopened a closed final-mark term for one course until `until`
//! (inclusive, the school's time zone). One row per course × term; a new reopening replaces it.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "term_reopenings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub school_id: Uuid,
    pub course_id: Uuid,
    pub term: String,
    pub until: Date,
    pub reason: String,
    pub reopened_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
