//! `marks`: A mark cell: a student × a work. `value` NULL = cleared; `previous_value` is the value before the last change.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "marks")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub school_id: Uuid,
    pub course_id: Uuid,
    pub lesson_id: Uuid,
    pub work_id: Uuid,
    pub student_id: Uuid,
    pub value: Option<String>,
    pub previous_value: Option<String>,
    pub comment: Option<String>,
    pub version: i32,
    pub set_by: Option<Uuid>,
    pub set_at: DateTimeUtc,
    pub created_at: DateTimeUtc,
}

/// The joins the pages and reports make (`JoinType::InnerJoin, Relation::Work.def()`): every
/// mark has its work and lesson.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::work::Entity",
        from = "Column::WorkId",
        to = "super::work::Column::Id"
    )]
    Work,
    #[sea_orm(
        belongs_to = "super::lesson::Entity",
        from = "Column::LessonId",
        to = "super::lesson::Column::Id"
    )]
    Lesson,
}

impl ActiveModelBehavior for ActiveModel {}
