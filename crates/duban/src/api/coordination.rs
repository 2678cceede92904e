//! Difficulties, situation reports, instructions (批示) and comments.

use axum::Json;
use axum::extract::{Path, State};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::views::{
    DifficultiesBody, DifficultyRequest, DifficultyView, ErrorBody, NoteView, NotesBody,
    ResolveRequest, SituationView, SituationsBody, TextRequest, VersionRequest,
};
use super::{ApiJson, Caller};
use crate::app::AppState;
use crate::error::ApiError;
use crate::service::coordination;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(difficulties, raise_difficulty))
        .routes(routes!(resolve_difficulty))
        .routes(routes!(situations, report_situation))
        .routes(routes!(acknowledge_situation))
        .routes(routes!(notes))
        .routes(routes!(instruct))
        .routes(routes!(comment))
}

/// An assignment's difficulties.
#[utoipa::path(get, path = "/assignments/{id}/difficulties", tag = "coordination", params(("id" = i64, Path)),
    responses((status = 200, body = DifficultiesBody), (status = 403, body = ErrorBody)))]
async fn difficulties(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Json<DifficultiesBody>, ApiError> {
    let rows = coordination::difficulties_of(&state.db, &caller.actor, id).await?;
    Ok(Json(DifficultiesBody {
        difficulties: rows.iter().map(DifficultyView::from).collect(),
    }))
}

/// The unit raises a difficulty (难点问题) for coordination.
#[utoipa::path(post, path = "/assignments/{id}/difficulties", tag = "coordination", params(("id" = i64, Path)), request_body = DifficultyRequest,
    responses((status = 200, body = DifficultyView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn raise_difficulty(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiJson(r): ApiJson<DifficultyRequest>,
) -> Result<Json<DifficultyView>, ApiError> {
    let row = coordination::raise_difficulty(
        &state.db,
        state.clock.as_ref(),
        &caller.actor,
        id,
        &r.description,
        &r.routed_to,
    )
    .await?;
    Ok(Json(DifficultyView::from(&row)))
}

/// The office or a leader resolves a difficulty with an answer.
#[utoipa::path(post, path = "/difficulties/{id}/resolve", tag = "coordination", params(("id" = i64, Path)), request_body = ResolveRequest,
    responses((status = 200, body = DifficultyView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn resolve_difficulty(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiJson(r): ApiJson<ResolveRequest>,
) -> Result<Json<DifficultyView>, ApiError> {
    let row = coordination::resolve_difficulty(
        &state.db,
        state.clock.as_ref(),
        &caller.actor,
        id,
        r.version,
        &r.answer,
    )
    .await?;
    Ok(Json(DifficultyView::from(&row)))
}

/// A task's urgent situation reports (a liaison sees its unit's).
#[utoipa::path(get, path = "/tasks/{id}/situations", tag = "coordination", params(("id" = i64, Path)),
    responses((status = 200, body = SituationsBody)))]
async fn situations(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Json<SituationsBody>, ApiError> {
    let rows = coordination::situations_of(&state.db, &caller.actor, id).await?;
    Ok(Json(SituationsBody {
        situations: rows.iter().map(SituationView::from).collect(),
    }))
}

/// File an urgent situation report (重要情况) on a task.
#[utoipa::path(post, path = "/tasks/{id}/situations", tag = "coordination", params(("id" = i64, Path)), request_body = TextRequest,
    responses((status = 200, body = SituationView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn report_situation(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiJson(r): ApiJson<TextRequest>,
) -> Result<Json<SituationView>, ApiError> {
    let row =
        coordination::report_situation(&state.db, state.clock.as_ref(), &caller.actor, id, &r.text)
            .await?;
    Ok(Json(SituationView::from(&row)))
}

/// A supervisor acknowledges a situation report.
#[utoipa::path(post, path = "/situations/{id}/acknowledge", tag = "coordination", params(("id" = i64, Path)), request_body = VersionRequest,
    responses((status = 200, body = SituationView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn acknowledge_situation(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiJson(r): ApiJson<VersionRequest>,
) -> Result<Json<SituationView>, ApiError> {
    let row = coordination::acknowledge_situation(
        &state.db,
        state.clock.as_ref(),
        &caller.actor,
        id,
        r.version,
    )
    .await?;
    Ok(Json(SituationView::from(&row)))
}

/// A task's instructions (批示) and comments, oldest first.
#[utoipa::path(get, path = "/tasks/{id}/notes", tag = "coordination", params(("id" = i64, Path)), responses((status = 200, body = NotesBody)))]
async fn notes(
    State(state): State<AppState>,
    _caller: Caller,
    Path(id): Path<i64>,
) -> Result<Json<NotesBody>, ApiError> {
    let rows = coordination::notes_of(&state.db, id).await?;
    Ok(Json(NotesBody {
        notes: rows.iter().map(NoteView::from).collect(),
    }))
}

/// A leader's instruction (批示) on a task.
#[utoipa::path(post, path = "/tasks/{id}/instructions", tag = "coordination", params(("id" = i64, Path)), request_body = TextRequest,
    responses((status = 200, body = NoteView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn instruct(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiJson(r): ApiJson<TextRequest>,
) -> Result<Json<NoteView>, ApiError> {
    let row = coordination::write_note(
        &state.db,
        state.clock.as_ref(),
        &caller.actor,
        id,
        true,
        &r.text,
    )
    .await?;
    Ok(Json(NoteView::from(&row)))
}

/// A comment on a task (not viewers; a liaison on its unit's tasks).
#[utoipa::path(post, path = "/tasks/{id}/comments", tag = "coordination", params(("id" = i64, Path)), request_body = TextRequest,
    responses((status = 200, body = NoteView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn comment(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiJson(r): ApiJson<TextRequest>,
) -> Result<Json<NoteView>, ApiError> {
    let row = coordination::write_note(
        &state.db,
        state.clock.as_ref(),
        &caller.actor,
        id,
        false,
        &r.text,
    )
    .await?;
    Ok(Json(NoteView::from(&row)))
}
