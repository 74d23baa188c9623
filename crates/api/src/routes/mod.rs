//! Thin HTTP handlers: parse, call a service, map to a DTO. One module per resource. Every
//! handler is annotated for the OpenAPI spec; its doc comment becomes the operation description.

pub mod accounts;
pub mod audit;
pub mod auth;
pub mod finals;
pub mod health;
pub mod import;
pub mod invites;
pub mod journal;
pub mod me;
pub mod persons;
pub mod reports;
pub mod roster;
pub mod schools;
pub mod structure;
pub mod timetable;

use actix_web::HttpResponse;
use serde::Serialize;
use utoipa_actix_web::service_config::ServiceConfig;

/// Registers every `/api/v1` handler.
///
/// The most requested first: actix-web tries the routes in the order registered, each by its
/// pattern, so the journal, the diary and the marks pages (teachers and parents, every day) are
/// not matched against the hundred administration routes first. No two routes of one method
/// match the same path, so the order changes which handler answers for none.
pub fn configure(cfg: &mut ServiceConfig) {
    health::configure(cfg);
    journal::configure(cfg);
    me::configure(cfg);
    timetable::configure(cfg);
    finals::configure(cfg);
    reports::configure(cfg);
    schools::configure(cfg);
    invites::configure(cfg);
    persons::configure(cfg);
    accounts::configure(cfg);
    audit::configure(cfg);
    structure::configure(cfg);
    roster::configure(cfg);
    import::configure(cfg);
}

/// A JSON list with `X-Total-Count`.
pub fn list_response<T: Serialize>(items: Vec<T>, total: u64) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header(("X-Total-Count", total.to_string()))
        .json(items)
}
