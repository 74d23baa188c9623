//! Integration tests: one binary (fast linking), the real server on port 0, a fresh database per
//! test. Every test that touches the database runs twice, on SQLite and on PostgreSQL
//! (`TEST_DATABASE_URL`, an admin connection that may create databases; `just test` sets it).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod helpers;

mod auth;
mod bad_input;
mod break_findings;
mod finals;
mod fuzz_findings;
mod import;
mod invites;
mod journal;
mod matrix;
mod openapi;
mod reports;
mod roster;
mod statements;
mod structure;
mod timetable;
mod timetable_replace;
