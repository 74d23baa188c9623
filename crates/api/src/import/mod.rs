//! School data imports (DESIGN §4 "Imports"): `POST /api/v1/schools/{school_id}/import/{kind}`
//! for subjects, staff, classes, students, parents, courses, periods and the timetable.
//!
//! [`reader`] is the one reader of uploaded files: it turns CSV (UTF-8 with or without BOM, or
//! Windows-1251; `,` or `;`) or JSON into validated rows against a per-kind column spec. The
//! per-kind upsert logic builds on its [`reader::Row`] accessors.

pub mod reader;
