//! `lessons`: A dated lesson. `status`: scheduled, cancelled; `origin`: timetable, extra; `slot_date`/`slot_number`: the timetable slot it was generated for.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "lessons")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub school_id: Uuid,
    pub course_id: Uuid,
    pub date: Date,
    pub lesson_number: i32,
    pub room: Option<String>,
    pub status: String,
    pub cancel_reason: Option<String>,
    pub origin: String,
    pub timetable_entry_id: Option<Uuid>,
    pub slot_date: Option<Date>,
    pub slot_number: Option<i32>,
    pub substitute_id: Option<Uuid>,
    pub needs_review: bool,
    pub review_reason: Option<String>,
    pub topic: Option<String>,
    pub homework: Option<String>,
    pub homework_due_on: Option<Date>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// When attendance was first taken (a code written or «все присутствуют»).
    pub attendance_taken_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
