//! `classes`: A class (класс) of an academic year: grade 1–11 and a letter.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "classes")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub school_id: Uuid,
    pub academic_year_id: Uuid,
    pub grade: i32,
    pub letter: String,
    pub name: String,
    pub class_teacher_id: Option<Uuid>,
    pub created_at: DateTimeUtc,
    /// A bell schedule other than the school's default (second shift).
    pub bell_schedule_id: Option<Uuid>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
