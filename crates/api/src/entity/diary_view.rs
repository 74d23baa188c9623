//! `diary_views`: an account opened a student's diary or marks page on a day (school time
//! zone), `views` times. One row per account × student × day; the monthly activity report
//! (regulation §15) counts them.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "diary_views")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub school_id: Uuid,
    pub account_id: Uuid,
    pub student_id: Uuid,
    pub day: Date,
    pub views: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
