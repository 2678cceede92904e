//! 统一身份认证 (the directory): its settings as the config file gives them
//! (never the password), the last sync's time and outcome, and 立即同步.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use super::only_admin;
use crate::app::AppState;
use crate::service::ServiceError;
use crate::service::directory::{self, DirectoryStatus};
use crate::web::error::WebError;
use crate::web::page::{Ctx, Page, Posted};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/directory", get(show))
        .route("/admin/directory/sync", post(sync_now))
}

#[derive(Template)]
#[template(path = "admin/directory.html")]
struct DirectoryPage {
    ctx: Ctx,
    status: DirectoryStatus,
}

async fn show(State(state): State<AppState>, page: Page) -> Result<Response, WebError> {
    only_admin(&page)?;
    let status = directory::status(&state.db, &page.actor, state.directory.as_deref()).await?;
    Ok(crate::web::render(&DirectoryPage {
        ctx: page.ctx(),
        status,
    })?
    .into_response())
}

#[derive(Deserialize)]
struct SyncForm {}

/// Runs the sync and shows its outcome on the page, failure included: a
/// directory that cannot be read is an outcome to show, not an error page.
async fn sync_now(
    State(state): State<AppState>,
    Posted(page, SyncForm {}): Posted<SyncForm>,
) -> Result<Response, WebError> {
    only_admin(&page)?;
    match directory::sync_now(
        &state.db,
        state.clock.as_ref(),
        &page.actor,
        state.directory.as_deref(),
    )
    .await
    {
        Ok(_) | Err(ServiceError::Unavailable(_)) => {
            Ok(Redirect::to("/admin/directory#last-sync").into_response())
        }
        Err(other) => Err(other.into()),
    }
}
