//! Plans and their tasks.

use axum::Json;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use axum::body::Bytes;
use duban_plan::Registry;

use super::views::{ErrorBody, PlanView, PlansBody, RevisionBody, TaskPageBody, TaskView};
use super::{ApiQuery, Caller};
use crate::app::AppState;
use crate::domain::revision::PlanDiff;
use crate::error::ApiError;
use crate::service::import::Document;
use crate::service::revisions;
use crate::service::{plan_data, plans};
use crate::store::tasks::TaskFilter;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(tasks))
        .routes(routes!(revise))
        .routes(routes!(data))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct RevisionQuery {
    /// The document's file name, kept with the revision.
    name: String,
    /// Show what would change without applying it.
    #[serde(default)]
    dry_run: bool,
}

/// Re-import a changed edition of the plan (the document's raw bytes as the
/// body): tasks added, removed, reworded and units moved, as a new revision.
#[utoipa::path(
    post, path = "/plans/{id}/revisions", tag = "plans",
    params(("id" = i64, Path), RevisionQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses(
        (status = 200, body = RevisionBody),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "The document holds no change", body = ErrorBody),
        (status = 422, description = "The document holds no plan", body = ErrorBody),
    )
)]
async fn revise(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiQuery(query): ApiQuery<RevisionQuery>,
    body: Bytes,
) -> Result<Json<RevisionBody>, ApiError> {
    let registry = Registry::builtin();
    let summary =
        |revision: i64, applied: bool, d: &PlanDiff, added: usize, withdrawn: u64| RevisionBody {
            revision,
            applied,
            added: d.added.clone(),
            removed: d.removed.clone(),
            reworded: d.reworded.iter().map(|r| r.number.clone()).collect(),
            units_moved: d.units_moved.iter().map(|m| m.number.clone()).collect(),
            assignments_added: added,
            assignments_withdrawn: withdrawn,
        };
    if query.dry_run {
        let (revision, d) =
            revisions::preview(&state.db, &caller.actor, &registry, id, &body).await?;
        return Ok(Json(summary(revision, false, &d, 0, 0)));
    }
    let document = Document {
        name: &query.name,
        bytes: &body,
    };
    let revised = revisions::revise_plan(
        &state.db,
        state.clock.as_ref(),
        &caller.actor,
        &registry,
        id,
        document,
    )
    .await?;
    Ok(Json(summary(
        revised.revision,
        true,
        &revised.diff,
        revised.assignments_added,
        revised.assignments_withdrawn,
    )))
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
    /// green, yellow, red or done.
    light: Option<String>,
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
        light: None,
    };
    let query = plans::TaskQuery {
        filter,
        light: query.light,
        page: query.page.unwrap_or(1),
        per_page: query.per_page.unwrap_or(50),
    };
    let page = plans::tasks(&state.db, &caller.actor, id, &query).await?;
    Ok(Json(TaskPageBody {
        tasks: page.tasks.iter().map(TaskView::from).collect(),
        total: page.total,
        page: page.page,
        per_page: page.per_page,
    }))
}

/// The plan's whole record as one JSON document, streamed as it is read from
/// one consistent snapshot: the plan, its categories, tasks, targets and
/// milestones, assignments, measures, progress reports with their actuals and
/// attachments (described, not included), inspections, findings,
/// evaluations, difficulties, situation reports, notes and reminders.
/// Instants are milliseconds since the epoch. A document cut short by a
/// failure ends the response without its closing brace.
#[utoipa::path(
    get, path = "/plans/{id}/data", tag = "plans",
    params(("id" = i64, Path, description = "Plan id")),
    responses(
        (status = 200, description = "The record (format duban.plan-data.v1)", content_type = "application/json"),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Not an admin, supervisor or leader", body = ErrorBody),
        (status = 404, description = "No such plan", body = ErrorBody),
    )
)]
async fn data(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    let export = plan_data::export(&state.db, state.clock.as_ref(), &caller.actor, id).await?;
    let body = futures_util::stream::unfold(export.chunks, |mut chunks| async move {
        let chunk = chunks.recv().await?;
        Some((chunk.map_err(std::io::Error::other), chunks))
    });
    Ok((
        [
            (header::CONTENT_TYPE, "application/json".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}\"", export.file_name),
            ),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        Body::from_stream(body),
    )
        .into_response())
}
