//! Plans and their tasks.

use axum::extract::{Path, State};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{ApiQuery, Caller};
use crate::app::AppState;
use crate::error::ApiError;
use crate::service::plans;
use crate::store::plans::TaskFilter;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/plans", get(list))
        .route("/plans/{id}/tasks", get(tasks))
}

async fn list(State(state): State<AppState>, caller: Caller) -> Result<Json<Value>, ApiError> {
    let plans = plans::list(&state.db, &caller.actor).await?;
    let plans: Vec<Value> = plans
        .iter()
        .map(|p| {
            json!({
                "id": p.id, "year": p.year, "title": p.title, "state": p.state,
                "categories": p.categories, "tasks": p.tasks, "targets": p.targets,
                "assignments": p.assignments,
            })
        })
        .collect();
    Ok(Json(json!({ "plans": plans })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TaskQuery {
    category: Option<String>,
    unit: Option<String>,
    state: Option<String>,
    q: Option<String>,
    page: Option<i64>,
    per_page: Option<i64>,
}

async fn tasks(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiQuery(query): ApiQuery<TaskQuery>,
) -> Result<Json<Value>, ApiError> {
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
    let tasks: Vec<Value> = page
        .tasks
        .iter()
        .map(|t| {
            json!({
                "id": t.task.id,
                "number": t.task.number,
                "category": t.task.category_ordinal.as_ref().map(|o| json!({"ordinal": o, "title": t.task.category_title})),
                "title": t.task.title,
                "text": t.task.body,
                "deadline": t.task.deadline_text.as_ref().map(|text| json!({"date": t.task.deadline_date, "text": text})),
                "units": t.assignments.iter().map(|a| json!({
                    "assignment_id": a.id, "unit_id": a.unit_id, "name": a.unit_name,
                    "role": a.role, "state": a.state, "version": a.version,
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    Ok(Json(json!({
        "tasks": tasks, "total": page.total, "page": page.page, "per_page": page.per_page,
    })))
}
