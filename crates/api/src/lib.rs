//! Otmetka API server library: everything `main` and the integration tests share.
//! Layout follows DESIGN §1: `config`, `startup`, `error`, `auth/`, `entity/`, `service/`,
//! `routes/`, `openapi`.

pub mod auth;
pub mod config;
pub mod db;
pub mod entity;
pub mod error;
pub mod import;
pub mod json;
pub mod openapi;
pub mod routes;
pub mod service;
pub mod startup;
pub mod state;
