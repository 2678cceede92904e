//! The directory (LDAP / Active Directory): its settings and last sync, and
//! a sync on demand. The admin's only.

use axum::Json;
use axum::extract::State;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::Caller;
use super::views::ErrorBody;
use crate::app::AppState;
use crate::error::ApiError;
use crate::service::directory::{self, DirectoryStatus, SyncOutcome};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(show))
        .routes(routes!(sync))
}

/// The directory's settings (never the service account's password) and the last sync's outcome.
#[utoipa::path(get, path = "/directory", tag = "directory",
    responses((status = 200, body = DirectoryStatus), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn show(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<DirectoryStatus>, ApiError> {
    Ok(Json(
        directory::status(&state.db, &caller.actor, state.directory.as_deref()).await?,
    ))
}

/// Sync now: make missing units and accounts, update names, e-mail and units,
/// turn off accounts gone from the directory, in one transaction. 503 when the
/// directory cannot be read (nothing changed); 422 when none is configured.
#[utoipa::path(post, path = "/directory/sync", tag = "directory",
    responses(
        (status = 200, body = SyncOutcome),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 409, description = "An account changed while the sync ran; run it again", body = ErrorBody),
        (status = 422, description = "No directory is configured", body = ErrorBody),
        (status = 503, description = "The directory cannot be read; nothing changed", body = ErrorBody),
    ))]
async fn sync(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<SyncOutcome>, ApiError> {
    Ok(Json(
        directory::sync_now(
            &state.db,
            state.clock.as_ref(),
            &caller.actor,
            state.directory.as_deref(),
        )
        .await?,
    ))
}
