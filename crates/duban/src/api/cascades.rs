//! The unit tree and cascades (分解下达): a unit passes its part of a task
//! down to a unit directly under it; each tier reads its own subtree.

use axum::Json;
use axum::extract::{Path, State};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::views::{AssignmentView, ErrorBody};
use super::{ApiJson, Caller};
use crate::app::AppState;
use crate::error::ApiError;
use crate::service::cascades;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(set_parent))
        .routes(routes!(cascade))
        .routes(routes!(subtree))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ParentRequest {
    /// The unit to place.
    pub unit: String,
    /// The unit it sits under (a street for its residents' committee); null
    /// or absent for none.
    #[serde(default)]
    pub parent: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DoneBody {
    pub done: bool,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CascadeRequest {
    /// A unit directly under the assignment's unit.
    pub unit: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NodeView {
    /// 1 directly under the assignment, 2 under that, …
    pub depth: usize,
    pub assignment: AssignmentView,
    /// The latest report's period and text.
    pub latest_period: Option<String>,
    pub latest_narrative: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SubtreeBody {
    pub assignment_id: i64,
    /// The part this one was passed down from, if it was.
    pub parent_assignment_id: Option<i64>,
    /// The worst light in the subtree, this assignment's included.
    pub rolled_light: String,
    /// Depth first.
    pub below: Vec<NodeView>,
}

/// Places a unit under another, or under none (admin); a loop is refused.
#[utoipa::path(put, path = "/units/parent", tag = "assignments", request_body = ParentRequest,
    responses((status = 200, body = DoneBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn set_parent(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(r): ApiJson<ParentRequest>,
) -> Result<Json<DoneBody>, ApiError> {
    cascades::set_parent(
        &state.db,
        state.clock.as_ref(),
        &caller.actor,
        &r.unit,
        r.parent.as_deref(),
    )
    .await?;
    Ok(Json(DoneBody { done: true }))
}

/// The unit passes its part down to a unit directly under it (分解下达).
#[utoipa::path(post, path = "/assignments/{id}/cascade", tag = "assignments", params(("id" = i64, Path)), request_body = CascadeRequest,
    responses((status = 200, body = AssignmentView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn cascade(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiJson(r): ApiJson<CascadeRequest>,
) -> Result<Json<AssignmentView>, ApiError> {
    let row =
        cascades::cascade(&state.db, state.clock.as_ref(), &caller.actor, id, &r.unit).await?;
    Ok(Json(AssignmentView::of(&row, None)))
}

/// The parts passed down from an assignment, rolled up (its unit, the units
/// above it and the office; not a sibling).
#[utoipa::path(get, path = "/assignments/{id}/subtree", tag = "assignments", params(("id" = i64, Path)),
    responses((status = 200, body = SubtreeBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn subtree(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Json<SubtreeBody>, ApiError> {
    let t = cascades::subtree(&state.db, &caller.actor, id).await?;
    Ok(Json(SubtreeBody {
        assignment_id: t.root.id,
        parent_assignment_id: t.parent,
        rolled_light: t.rolled.as_str().to_string(),
        below: t
            .nodes
            .iter()
            .map(|n| NodeView {
                depth: n.depth,
                assignment: AssignmentView::of(&n.assignment, Some(n.assignment.light.clone())),
                latest_period: n.latest.as_ref().map(|l| l.0.clone()),
                latest_narrative: n.latest.as_ref().map(|l| l.1.clone()),
            })
            .collect(),
    }))
}
