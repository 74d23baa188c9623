//! sea-orm entities, one per table (see `otmetka-migration` for the schema).

pub mod academic_year;
pub mod account;
pub mod api_token;
pub mod audit_log;
pub mod bell_schedule;
pub mod class;
pub mod course;
pub mod course_teacher;
pub mod enrollment;
pub mod group;
pub mod group_member;
pub mod guardian_link;
pub mod holiday;
pub mod idempotency_key;
pub mod invite_code;
pub mod lesson;
pub mod period;
pub mod person;
pub mod refresh_token;
pub mod role_assignment;
pub mod school;
pub mod session;
pub mod subject;
pub mod teacher_absence;
pub mod timetable_entry;
