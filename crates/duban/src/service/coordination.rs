//! Difficulties raised for coordination, urgent situation reports, leaders'
//! instructions (批示) and comments.

use serde_json::json;

use super::{ServiceError, ServiceResult, require, text};
use crate::clock::Clock;
use crate::domain::roles::{Actor, Role};
use crate::store::coordination::{self, DifficultyRow, NoteRow, SituationRow};
use crate::store::{Db, assignments};

fn own_unit(actor: &Actor, unit_id: i64) -> bool {
    actor.role == Role::Liaison && actor.unit_id == Some(unit_id)
}

/// A unit raises a difficulty on its assignment, naming whom it needs.
pub async fn raise_difficulty(
    db: &Db,
    clock: &dyn Clock,
    actor: &Actor,
    assignment_id: i64,
    description: &str,
    routed_to: &str,
) -> ServiceResult<DifficultyRow> {
    let description = text("description", description, 4000)?;
    let routed_to = text("routed_to", routed_to, 500)?;
    let now = clock.now_millis();
    let mut tx = db.begin().await?;
    let assignment = assignments::get(&mut tx, assignment_id).await?;
    if !(own_unit(actor, assignment.unit_id) || actor.role == Role::Admin) {
        return Err(ServiceError::Forbidden(format!(
            "only {}'s liaison raises difficulties on this assignment",
            assignment.unit_name
        )));
    }
    let id = coordination::raise_difficulty(
        &mut tx,
        assignment_id,
        &description,
        &routed_to,
        &actor.name,
        now,
    )
    .await?;
    super::record(
        &mut tx,
        now,
        actor,
        "difficulty.raise",
        "difficulty",
        id,
        json!({"assignment_id": assignment_id, "description": description, "routed_to": routed_to}),
    )
    .await?;
    let row = coordination::get_difficulty(&mut tx, id).await?;
    tx.commit().await?;
    Ok(row)
}

/// The office or a leader resolves a difficulty with a recorded answer.
pub async fn resolve_difficulty(
    db: &Db,
    clock: &dyn Clock,
    actor: &Actor,
    id: i64,
    version: i64,
    answer: &str,
) -> ServiceResult<DifficultyRow> {
    require(
        actor,
        &[Role::Admin, Role::Supervisor, Role::Leader],
        "resolve difficulties",
    )?;
    let answer = text("answer", answer, 4000)?;
    let now = clock.now_millis();
    let mut tx = db.begin().await?;
    let row = coordination::get_difficulty(&mut tx, id).await?;
    if row.state == "resolved" {
        return Err(ServiceError::Transition(
            "the difficulty is resolved already".into(),
        ));
    }
    coordination::resolve_difficulty(&mut tx, id, version, &answer, &actor.name, now).await?;
    super::record(
        &mut tx,
        now,
        actor,
        "difficulty.resolve",
        "difficulty",
        id,
        json!({"answer": answer}),
    )
    .await?;
    let row = coordination::get_difficulty(&mut tx, id).await?;
    tx.commit().await?;
    Ok(row)
}

pub async fn difficulties_of(
    db: &Db,
    actor: &Actor,
    assignment_id: i64,
) -> ServiceResult<Vec<DifficultyRow>> {
    let assignment = assignments::read(db, assignment_id).await?;
    super::may_read_unit(actor, assignment.unit_id, "difficulties")?;
    Ok(coordination::difficulties_of(db, assignment_id).await?)
}

/// An urgent situation on a task, from a unit assigned to it or from the office.
pub async fn report_situation(
    db: &Db,
    clock: &dyn Clock,
    actor: &Actor,
    task_id: i64,
    description: &str,
) -> ServiceResult<SituationRow> {
    let description = text("description", description, 4000)?;
    let now = clock.now_millis();
    let mut tx = db.begin().await?;
    if !coordination::task_exists(&mut tx, task_id).await? {
        return Err(ServiceError::NotFound(format!("task {task_id}")));
    }
    let unit_id = match actor.role {
        Role::Admin | Role::Supervisor => None,
        Role::Liaison => {
            let units = coordination::task_units(&mut tx, task_id).await?;
            match actor.unit_id {
                Some(unit) if units.contains(&unit) => Some(unit),
                _ => {
                    return Err(ServiceError::Forbidden(
                        "your unit is not assigned to this task".into(),
                    ));
                }
            }
        }
        Role::Leader | Role::Viewer => {
            return Err(ServiceError::Forbidden(format!(
                "{} ({}) may not file situation reports",
                actor.name, actor.role
            )));
        }
    };
    let id =
        coordination::report_situation(&mut tx, task_id, unit_id, &description, &actor.name, now)
            .await?;
    super::record(
        &mut tx,
        now,
        actor,
        "situation.report",
        "situation_report",
        id,
        json!({"task_id": task_id, "unit_id": unit_id, "description": description}),
    )
    .await?;
    let row = coordination::get_situation(&mut tx, id).await?;
    tx.commit().await?;
    Ok(row)
}

/// A supervisor acknowledges an urgent situation report.
pub async fn acknowledge_situation(
    db: &Db,
    clock: &dyn Clock,
    actor: &Actor,
    id: i64,
    version: i64,
) -> ServiceResult<SituationRow> {
    require(
        actor,
        &[Role::Admin, Role::Supervisor],
        "acknowledge situation reports",
    )?;
    let now = clock.now_millis();
    let mut tx = db.begin().await?;
    let row = coordination::get_situation(&mut tx, id).await?;
    if row.acknowledged_by.is_some() {
        return Err(ServiceError::Transition(
            "the report is acknowledged already".into(),
        ));
    }
    coordination::acknowledge_situation(&mut tx, id, version, &actor.name, now).await?;
    super::record(
        &mut tx,
        now,
        actor,
        "situation.acknowledge",
        "situation_report",
        id,
        json!({"acknowledged_by": actor.name}),
    )
    .await?;
    let row = coordination::get_situation(&mut tx, id).await?;
    tx.commit().await?;
    Ok(row)
}

/// A task's situation reports; a liaison reads those of its own unit.
pub async fn situations_of(
    db: &Db,
    actor: &Actor,
    task_id: i64,
) -> ServiceResult<Vec<SituationRow>> {
    let rows = coordination::situations_of(db, task_id).await?;
    Ok(match actor.role {
        Role::Liaison => rows
            .into_iter()
            .filter(|r| r.unit_id.is_some() && r.unit_id == actor.unit_id)
            .collect(),
        _ => rows,
    })
}

/// A leader's instruction (批示) or anyone's comment on a task.
pub async fn write_note(
    db: &Db,
    clock: &dyn Clock,
    actor: &Actor,
    task_id: i64,
    instruction: bool,
    body: &str,
) -> ServiceResult<NoteRow> {
    let body = text("body", body, 4000)?;
    let kind = if instruction {
        "instruction"
    } else {
        "comment"
    };
    if instruction {
        require(
            actor,
            &[Role::Admin, Role::Leader],
            "write instructions (批示)",
        )?;
    } else if actor.role == Role::Viewer {
        return Err(ServiceError::Forbidden(
            "a viewer reads; it does not comment".into(),
        ));
    }
    let now = clock.now_millis();
    let mut tx = db.begin().await?;
    if !coordination::task_exists(&mut tx, task_id).await? {
        return Err(ServiceError::NotFound(format!("task {task_id}")));
    }
    if actor.role == Role::Liaison {
        let units = coordination::task_units(&mut tx, task_id).await?;
        if !actor.unit_id.is_some_and(|u| units.contains(&u)) {
            return Err(ServiceError::Forbidden(
                "your unit is not assigned to this task".into(),
            ));
        }
    }
    let id = coordination::write_note(&mut tx, task_id, kind, &body, &actor.name, now).await?;
    super::record(
        &mut tx,
        now,
        actor,
        &format!("task.{kind}"),
        "task_note",
        id,
        json!({"task_id": task_id, "body": body}),
    )
    .await?;
    tx.commit().await?;
    let notes = coordination::notes_of(db, task_id).await?;
    notes
        .into_iter()
        .find(|n| n.id == id)
        .ok_or_else(|| ServiceError::NotFound(format!("note {id}")))
}

pub async fn notes_of(db: &Db, task_id: i64) -> ServiceResult<Vec<NoteRow>> {
    Ok(coordination::notes_of(db, task_id).await?)
}
