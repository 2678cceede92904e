//! A plan's public progress page settings (the office), and the page's data
//! for anyone (no sign-in), limited to the fields the office chose.

use axum::Json;
use axum::extract::{Path, State};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::views::ErrorBody;
use super::{ApiJson, Caller};
use crate::app::AppState;
use crate::error::ApiError;
use crate::service::public_page::{self, Settings};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(read, save))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PublicPageView {
    pub plan_id: i64,
    /// The page answers at /public/plans/{id} (the plan must be published).
    pub enabled: bool,
    /// body, units, deadline, light, progress, targets, summary.
    pub fields: Vec<String>,
    /// 0 until first saved.
    pub version: i64,
}

impl From<Settings> for PublicPageView {
    fn from(s: Settings) -> PublicPageView {
        PublicPageView {
            plan_id: s.plan.id,
            enabled: s.enabled,
            fields: s.fields.iter().map(|f| f.as_str().to_string()).collect(),
            version: s.version,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PublicPageRequest {
    pub enabled: bool,
    /// Each of body, units, deadline, light, progress, targets, summary.
    pub fields: Vec<String>,
    /// The version read (0 before the first save).
    pub version: i64,
}

/// The public page's settings (office).
#[utoipa::path(get, path = "/plans/{id}/public-page", tag = "plans", params(("id" = i64, Path)),
    responses((status = 200, body = PublicPageView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn read(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Json<PublicPageView>, ApiError> {
    let s = public_page::settings(&state.db, &caller.actor, id).await?;
    Ok(Json(s.into()))
}

/// Turns the public page on or off and chooses what it shows (office; audited).
#[utoipa::path(put, path = "/plans/{id}/public-page", tag = "plans", params(("id" = i64, Path)), request_body = PublicPageRequest,
    responses((status = 200, body = PublicPageView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn save(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiJson(r): ApiJson<PublicPageRequest>,
) -> Result<Json<PublicPageView>, ApiError> {
    let s = public_page::save(
        &state.db,
        state.clock.as_ref(),
        &caller.actor,
        id,
        r.enabled,
        &r.fields,
        r.version,
    )
    .await?;
    Ok(Json(s.into()))
}
