//! `final_marks`: a final mark (итоговая отметка) of a student × subject × term of an academic
//! year. `term` is `quarter_1`…, `year`, `exam`, `final`; `value` NULL = cleared (the row stays so
//! that its version goes on); `course_id` is the course it was set through.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "final_marks")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub school_id: Uuid,
    pub academic_year_id: Uuid,
    pub student_id: Uuid,
    pub subject_id: Uuid,
    pub term: String,
    pub course_id: Option<Uuid>,
    pub value: Option<String>,
    pub previous_value: Option<String>,
    pub comment: Option<String>,
    pub version: i32,
    pub set_by: Option<Uuid>,
    pub set_at: DateTimeUtc,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
