//! Evaluations on the four dimensions, and their weights.

use axum::Json;
use axum::extract::{Path, State};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::views::{
    DimensionsView, ErrorBody, EvaluationRequest, EvaluationView, EvaluationsBody, WeightsBody,
    WeightsRequest,
};
use super::{ApiJson, Caller};
use crate::app::AppState;
use crate::domain::evaluation::{Scores, Weights};
use crate::error::ApiError;
use crate::service::evaluations::{self, EvaluationInput};
use crate::store::evaluations::EvaluationRow;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_weights, put_weights))
        .routes(routes!(list, evaluate))
}

fn dimensions(values: [f64; 4]) -> DimensionsView {
    DimensionsView {
        completion: values[0],
        innovation: values[1],
        effect: values[2],
        attitude: values[3],
    }
}

fn view(row: &EvaluationRow) -> EvaluationView {
    let weights: Weights = serde_json::from_str(&row.weights).unwrap_or_default();
    EvaluationView {
        id: row.id,
        assignment_id: row.assignment_id,
        round: row.round.clone(),
        body_id: row.body_id,
        evaluator: row.evaluator.clone(),
        scores: dimensions(row.scores),
        weights: dimensions([
            weights.completion,
            weights.innovation,
            weights.effect,
            weights.attitude,
        ]),
        weighted: row.weighted,
        comment: row.comment.clone(),
    }
}

/// The weights of the four dimensions in force.
#[utoipa::path(get, path = "/settings/evaluation-weights", tag = "evaluations", responses((status = 200, body = WeightsBody), (status = 401, body = ErrorBody)))]
async fn get_weights(
    State(state): State<AppState>,
    _caller: Caller,
) -> Result<Json<WeightsBody>, ApiError> {
    let (w, version) = evaluations::weights(&state.db).await?;
    Ok(Json(WeightsBody {
        weights: dimensions([w.completion, w.innovation, w.effect, w.attitude]),
        version,
    }))
}

/// Change the weights (admin); they must add up to 100.
#[utoipa::path(
    put, path = "/settings/evaluation-weights", tag = "evaluations",
    request_body = WeightsRequest,
    responses((status = 200, body = WeightsBody), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody))
)]
async fn put_weights(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(request): ApiJson<WeightsRequest>,
) -> Result<Json<WeightsBody>, ApiError> {
    let d = request.weights;
    let weights = Weights {
        completion: d.completion,
        innovation: d.innovation,
        effect: d.effect,
        attitude: d.attitude,
    };
    let version = evaluations::set_weights(
        &state.db,
        state.clock.as_ref(),
        &caller.actor,
        weights,
        request.version,
    )
    .await?;
    Ok(Json(WeightsBody {
        weights: d,
        version,
    }))
}

/// An assignment's evaluations.
#[utoipa::path(
    get, path = "/assignments/{id}/evaluations", tag = "evaluations",
    params(("id" = i64, Path)),
    responses((status = 200, body = EvaluationsBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody))
)]
async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Json<EvaluationsBody>, ApiError> {
    let rows = evaluations::of_assignment(&state.db, &caller.actor, id).await?;
    Ok(Json(EvaluationsBody {
        evaluations: rows.iter().map(view).collect(),
    }))
}

/// Score a unit's work on an assignment for a round (supervisors).
#[utoipa::path(
    post, path = "/assignments/{id}/evaluations", tag = "evaluations",
    params(("id" = i64, Path)),
    request_body = EvaluationRequest,
    responses(
        (status = 200, body = EvaluationView),
        (status = 403, body = ErrorBody),
        (status = 409, description = "The body already evaluated this assignment in the round", body = ErrorBody),
        (status = 422, body = ErrorBody),
    )
)]
async fn evaluate(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiJson(request): ApiJson<EvaluationRequest>,
) -> Result<Json<EvaluationView>, ApiError> {
    let s = request.scores;
    let input = EvaluationInput {
        assignment_id: id,
        round: &request.round,
        body_id: request.body_id,
        scores: Scores {
            completion: s.completion,
            innovation: s.innovation,
            effect: s.effect,
            attitude: s.attitude,
        },
        comment: &request.comment,
    };
    let row = evaluations::evaluate(&state.db, state.clock.as_ref(), &caller.actor, &input).await?;
    Ok(Json(view(&row)))
}
