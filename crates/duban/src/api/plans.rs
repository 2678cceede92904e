//! Plans and their tasks.

use axum::Json;
use axum::extract::{Path, State};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::views::{ErrorBody, PlanView, PlansBody, TaskPageBody, TaskView};
use super::{ApiQuery, Caller};
use crate::app::AppState;
use crate::error::ApiError;
use crate::service::plans;
use crate::store::plans::TaskFilter;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(tasks))
}

/// The plans the caller may see (drafts only for the office and leaders).
#[utoipa::path(
    get, path = "/plans", tag = "plans",
    responses((status = 200, body = PlansBody), (status = 401, body = ErrorBody))
)]
async fn list(State(state): State<AppState>, caller: Caller) -> Result<Json<PlansBody>, ApiError> {
    let plans = plans::list(&state.db, &caller.actor).await?;
    Ok(Json(PlansBody {
        plans: plans.iter().map(PlanView::from).collect(),
    }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct TaskQuery {
    /// Category ordinal, e.g. 七.
    category: Option<String>,
    /// A unit's name: tasks assigned to it.
    unit: Option<String>,
    /// An assignment state: assigned, claimed, in_progress, done, verified.
    state: Option<String>,
    /// Text in the task, or its number.
    q: Option<String>,
    /// From 1 (default 1).
    page: Option<i64>,
    /// 1–200 (default 50).
    per_page: Option<i64>,
}

/// A plan's tasks in document order, each with its units, roles and states.
#[utoipa::path(
    get, path = "/plans/{id}/tasks", tag = "plans",
    params(("id" = i64, Path, description = "Plan id"), TaskQuery),
    responses(
        (status = 200, body = TaskPageBody),
        (status = 401, body = ErrorBody),
        (status = 404, description = "No such plan, or a draft the caller may not see", body = ErrorBody),
        (status = 422, description = "A bad page or per_page", body = ErrorBody),
    )
)]
async fn tasks(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiQuery(query): ApiQuery<TaskQuery>,
) -> Result<Json<TaskPageBody>, ApiError> {
    let filter = TaskFilter {
        category: query.category,
        unit: query.unit,
        state: query.state,
        text: query.q.filter(|q| !q.trim().is_empty()),
    };
    let page = plans::tasks(
        &state.db,
        &caller.actor,
        id,
        &filter,
        query.page.unwrap_or(1),
        query.per_page.unwrap_or(50),
    )
    .await?;
    Ok(Json(TaskPageBody {
        tasks: page.tasks.iter().map(TaskView::from).collect(),
        total: page.total,
        page: page.page,
        per_page: page.per_page,
    }))
}
