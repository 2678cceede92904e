//! Evaluating a unit's work on an assignment, and the weights of the four dimensions.

use serde_json::json;

use super::{ServiceError, ServiceResult, require};
use crate::clock::Clock;
use crate::domain::evaluation::{Scores, Weights};
use crate::domain::roles::{Actor, Role};
use crate::store::audit::NewEvent;
use crate::store::evaluations::{self, EvaluationRow, NewEvaluation};
use crate::store::{Db, assignments, audit, supervision};

const WEIGHTS_KEY: &str = "evaluation.weights";

/// The weights in force and their version (0 while the defaults apply).
pub async fn weights(db: &Db) -> ServiceResult<(Weights, i64)> {
    match evaluations::setting(db, WEIGHTS_KEY).await? {
        Some((value, version)) => {
            let weights = serde_json::from_str(&value).map_err(|e| {
                ServiceError::Invalid(format!("stored weights are unreadable: {e}"))
            })?;
            Ok((weights, version))
        }
        None => Ok((Weights::default(), 0)),
    }
}

pub async fn set_weights(
    db: &Db,
    clock: &dyn Clock,
    actor: &Actor,
    weights: Weights,
    version: i64,
) -> ServiceResult<i64> {
    require(actor, &[Role::Admin], "change the evaluation weights")?;
    let weights = Weights::parse(weights).map_err(|message| ServiceError::Field {
        field: "weights",
        message,
    })?;
    let (before, current) = self::weights(db).await?;
    if current != version {
        return Err(ServiceError::Store(crate::store::StoreError::Conflict {
            entity: "setting",
            id: 0,
            expected: version,
        }));
    }
    let value =
        serde_json::to_string(&weights).map_err(|e| ServiceError::Invalid(e.to_string()))?;
    let now = clock.now_millis();
    let mut tx = db.begin().await?;
    let next = evaluations::put_setting(&mut tx, WEIGHTS_KEY, &value, version).await?;
    audit::append(
        &mut tx,
        now,
        NewEvent {
            actor: &actor.name,
            action: "settings.evaluation_weights",
            entity: "setting",
            entity_id: None,
            before: Some(json!(before)),
            after: Some(json!(weights)),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(next)
}

/// An evaluation as a supervisor writes it.
#[derive(Debug, Clone)]
pub struct EvaluationInput<'a> {
    pub assignment_id: i64,
    /// "2021" for the year, "2021-H1" for a half.
    pub round: &'a str,
    pub body_id: i64,
    pub scores: Scores,
    pub comment: &'a str,
}

pub async fn evaluate(
    db: &Db,
    clock: &dyn Clock,
    actor: &Actor,
    input: &EvaluationInput<'_>,
) -> ServiceResult<EvaluationRow> {
    require(actor, &[Role::Admin, Role::Supervisor], "evaluate units")?;
    if !actor.acts_for_body(input.body_id) {
        return Err(ServiceError::Forbidden(
            "you evaluate for your own supervision body".into(),
        ));
    }
    let scores = Scores::parse(input.scores)
        .map_err(|(field, message)| ServiceError::Field { field, message })?;
    let round = input.round.trim();
    let round_ok = round.len() == 4 && round.chars().all(|c| c.is_ascii_digit())
        || (round.len() == 7
            && round[..4].chars().all(|c| c.is_ascii_digit())
            && matches!(&round[4..], "-H1" | "-H2"));
    if !round_ok {
        return Err(ServiceError::Field {
            field: "round",
            message: format!("'{round}' is not a round: 2021, 2021-H1 or 2021-H2"),
        });
    }
    let comment = input.comment.trim();
    if comment.chars().count() > 4000 {
        return Err(ServiceError::Field {
            field: "comment",
            message: "at most 4000 characters".into(),
        });
    }
    let (weights, _) = self::weights(db).await?;
    let weights_json =
        serde_json::to_string(&weights).map_err(|e| ServiceError::Invalid(e.to_string()))?;
    let weighted = scores.weighted(&weights);
    let now = clock.now_millis();
    let mut tx = db.begin().await?;
    assignments::get(&mut tx, input.assignment_id).await?;
    if !supervision::body_exists(&mut tx, input.body_id).await? {
        return Err(ServiceError::Field {
            field: "body_id",
            message: format!("supervision body {} does not exist", input.body_id),
        });
    }
    let new = NewEvaluation {
        assignment_id: input.assignment_id,
        round,
        body_id: input.body_id,
        evaluator: &actor.name,
        scores: [
            scores.completion,
            scores.innovation,
            scores.effect,
            scores.attitude,
        ],
        weights: &weights_json,
        weighted,
        comment,
    };
    let id = evaluations::create(&mut tx, &new, now)
        .await?
        .ok_or_else(|| {
            ServiceError::Transition(format!(
                "this body already evaluated the assignment in round {round}"
            ))
        })?;
    audit::append(
        &mut tx,
        now,
        NewEvent {
            actor: &actor.name,
            action: "evaluation.add",
            entity: "evaluation",
            entity_id: Some(id),
            before: None,
            after: Some(json!({"assignment_id": input.assignment_id, "round": round, "body_id": input.body_id,
                               "scores": scores, "weights": weights, "weighted": weighted, "comment": comment})),
        },
    )
    .await?;
    tx.commit().await?;
    let rows = evaluations::of_assignment(db, input.assignment_id).await?;
    rows.into_iter()
        .find(|e| e.id == id)
        .ok_or_else(|| ServiceError::NotFound(format!("evaluation {id}")))
}

/// An assignment's evaluations; a liaison reads its own unit's only.
pub async fn of_assignment(
    db: &Db,
    actor: &Actor,
    assignment_id: i64,
) -> ServiceResult<Vec<EvaluationRow>> {
    let assignment = assignments::read(db, assignment_id).await?;
    super::may_read_unit(actor, assignment.unit_id, "evaluations")?;
    Ok(evaluations::of_assignment(db, assignment_id).await?)
}
