//! The web UI: server-rendered pages (askama templates compiled into the
//! binary) over the same service layer as the API, so a rule is written once.
//! Each module owns its routes; handlers extract, make one service call, and
//! render or redirect.

pub mod admin;
pub mod assessment;
pub mod assets;
pub mod assignment_notice;
mod assignment_page;
pub mod assignments;
pub mod auth;
pub mod bulletin;
pub mod calendar;
pub mod calendar_ics;
pub mod charts;
pub mod cockpit;
pub mod cookies;
pub mod csrf;
pub mod error;
pub mod form;
pub mod handover;
pub mod i18n;
pub mod inbox;
pub mod items;
pub mod ledger;
pub mod ledger_download;
pub mod ledger_import;
pub mod me;
pub mod notices;
pub mod page;
pub mod plans;
pub mod public_page;
pub mod report_periods;
pub mod security_headers;
pub mod supervision;
pub mod supervision_assignment;
pub mod supervision_inspection;
pub mod supervision_view;
pub mod tasks;
pub mod trajectories;
pub mod trajectory_chart;
pub mod view;
pub mod workspace;

use axum::Router;
use axum::response::Redirect;
use axum::routing::get;

use crate::app::AppState;
use crate::domain::roles::Role;
pub use error::WebError;
pub use page::Page;

/// Every page route; `app.rs` merges them beside the API.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .merge(assets::router())
        .merge(auth::router())
        .merge(cockpit::router())
        .merge(assessment::router())
        .merge(bulletin::router())
        .merge(ledger::router())
        .merge(ledger_download::router())
        .merge(ledger_import::router())
        .merge(tasks::router())
        .merge(trajectories::router())
        .merge(assignments::router())
        .merge(workspace::router())
        .merge(calendar::router())
        .merge(inbox::router())
        .merge(admin::router())
        .merge(me::router())
        .merge(supervision::router())
        .merge(plans::router())
        .merge(items::router())
        .merge(handover::router())
        .merge(assignment_notice::router())
        .merge(notices::router())
}

/// Each role starts where its work is.
async fn home(page: Page) -> Redirect {
    Redirect::to(start_of(page.actor.role))
}

/// The first page a role sees after signing in.
pub fn start_of(role: Role) -> &'static str {
    match role {
        Role::Admin | Role::Supervisor | Role::Leader => "/cockpit",
        Role::Liaison => "/workspace",
        Role::Viewer => "/ledger",
    }
}

/// A value as it goes into a query string.
pub fn url_encode(value: &str) -> String {
    form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

/// A page as HTML.
pub fn render(page: &impl askama::Template) -> Result<axum::response::Html<String>, WebError> {
    Ok(axum::response::Html(page.render()?))
}
