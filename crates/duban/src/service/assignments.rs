//! A unit's work on its assignment: claim, measures, declaring it done; and
//! the supervisors' verification (销号) or sending it back (驳回).

use jiff::civil::Date;
use serde_json::json;

use super::{ServiceError, ServiceResult};
use crate::clock::Clock;
use crate::domain::assignment::{Move, State, may_edit_measures};
use crate::domain::roles::{Actor, Role};
use crate::store::assignments::{self, AssignmentRow, MeasureFields, MeasureRow};
use crate::store::audit::NewEvent;
use crate::store::{Db, audit};

/// A liaison sees and touches only its own unit's records; anything of
/// another unit is refused outright (403).
fn check_unit(actor: &Actor, assignment: &AssignmentRow) -> ServiceResult<()> {
    if actor.role == Role::Liaison && actor.unit_id != Some(assignment.unit_id) {
        return Err(ServiceError::Forbidden(format!(
            "assignment {} belongs to {}, not to your unit",
            assignment.id, assignment.unit_name
        )));
    }
    Ok(())
}

fn state_of(assignment: &AssignmentRow) -> ServiceResult<State> {
    assignment
        .state
        .parse()
        .map_err(|e: String| ServiceError::Invalid(e))
}

/// An audit event for a change of `entity` `id`, from `before` to `after`.
fn change<'a>(
    actor: &'a Actor,
    action: &'a str,
    entity: &'a str,
    id: i64,
    before: serde_json::Value,
    after: serde_json::Value,
) -> NewEvent<'a> {
    NewEvent {
        actor: &actor.name,
        action,
        entity,
        entity_id: Some(id),
        before: Some(before),
        after: Some(after),
    }
}

/// Makes a move on an assignment the caller holds at `version`. An item
/// whose completion needs evidence is declared done only through its
/// completion report (`service::completions::complete`).
pub async fn act(
    db: &Db,
    clock: &dyn Clock,
    actor: &Actor,
    assignment_id: i64,
    version: i64,
    mv: Move,
    reason: Option<&str>,
) -> ServiceResult<AssignmentRow> {
    let now = clock.now_millis();
    let lights = super::lights::Refresher::load(db, clock).await?;
    let mut tx = db.begin().await?;
    if mv == Move::DeclareDone
        && crate::store::completions::evidence_required(&mut tx, assignment_id).await?
    {
        return Err(ServiceError::Transition(
            "this item is completed with a completion report and its evidence".into(),
        ));
    }
    let updated = make_move(&mut tx, now, actor, assignment_id, version, mv, reason).await?;
    lights.assignments(&mut tx, &[assignment_id]).await?;
    tx.commit().await?;
    Ok(updated)
}

/// A move inside the caller's transaction, with its audit event: the rules
/// of who may make it and from which state, shared by every path that moves
/// an assignment. Verifying or sending back work also decides the completion
/// report waiting for review, if there is one (办结 on time or late, or 驳回).
pub(super) async fn make_move(
    tx: &mut crate::store::Tx,
    now: i64,
    actor: &Actor,
    assignment_id: i64,
    version: i64,
    mv: Move,
    reason: Option<&str>,
) -> ServiceResult<AssignmentRow> {
    let reason = reason.map(str::trim).filter(|r| !r.is_empty());
    if mv == Move::Reject && reason.is_none() {
        return Err(ServiceError::field(
            "reason",
            "say why the work is sent back",
        ));
    }
    let assignment = assignments::get(tx, assignment_id).await?;
    check_unit(actor, &assignment)?;
    if !mv.allowed(actor, assignment.unit_id) {
        return Err(ServiceError::Forbidden(format!(
            "{} ({}) may not {} assignments",
            actor.name,
            actor.role,
            mv.as_str()
        )));
    }
    if assignment.version != version {
        return Err(ServiceError::stale("assignment", assignment_id, version));
    }
    if assignment.returned_at.is_some() {
        return Err(ServiceError::Transition(
            "this assignment was returned (退回) and waits for the office's decision".into(),
        ));
    }
    let from = state_of(&assignment)?;
    let to = mv.apply(from).map_err(ServiceError::Transition)?;
    let note = if mv == Move::Reject {
        reason
    } else {
        assignment.note.as_deref()
    };
    assignments::set_state(tx, assignment_id, version, to.as_str(), note).await?;
    if mv == Move::Claim {
        // 签收: when the unit signed is part of the record.
        crate::store::handover::mark_claimed(tx, assignment_id, now).await?;
    }
    let outcome = match mv {
        Move::Verify | Move::Reject => {
            super::completions::decide_waiting(tx, now, actor, assignment_id, mv, reason).await?
        }
        _ => None,
    };
    audit::append(
        tx,
        now,
        change(
            actor,
            &format!("assignment.{}", mv.as_str()),
            "assignment",
            assignment_id,
            json!({"state": from.as_str(), "version": version}),
            json!({"state": to.as_str(), "version": version + 1, "reason": reason, "outcome": outcome}),
        ),
    )
    .await?;
    Ok(assignments::get(tx, assignment_id).await?)
}

/// An assignment with its measures.
#[derive(Debug, Clone, PartialEq)]
pub struct AssignmentDetail {
    pub assignment: AssignmentRow,
    pub measures: Vec<MeasureRow>,
}

pub async fn detail(db: &Db, actor: &Actor, assignment_id: i64) -> ServiceResult<AssignmentDetail> {
    let assignment = assignments::read(db, assignment_id).await?;
    check_unit(actor, &assignment)?;
    let measures = assignments::measures_of(db, assignment_id).await?;
    Ok(AssignmentDetail {
        assignment,
        measures,
    })
}

/// A unit's task list. Liaisons read their own unit's only.
pub async fn of_unit(db: &Db, actor: &Actor, unit_id: i64) -> ServiceResult<Vec<AssignmentRow>> {
    super::may_read_unit(actor, unit_id, "assignments")?;
    Ok(assignments::of_unit(db, unit_id).await?)
}

/// A measure as a unit writes it, checked field by field.
#[derive(Debug, Clone)]
pub struct MeasureInput {
    pub description: String,
    pub responsible_person: String,
    pub deadline: Date,
    pub done: bool,
}

impl MeasureInput {
    pub fn parse(
        description: &str,
        responsible_person: &str,
        deadline: &str,
        done: bool,
    ) -> ServiceResult<MeasureInput> {
        let description = description.trim();
        if description.is_empty() || description.chars().count() > 2000 {
            return Err(ServiceError::Field {
                field: "description",
                message: "describe the measure (1–2000 characters)".into(),
            });
        }
        let person = responsible_person.trim();
        if person.is_empty() || person.chars().count() > 100 {
            return Err(ServiceError::Field {
                field: "responsible_person",
                message: "name the person responsible (1–100 characters)".into(),
            });
        }
        let deadline: Date = deadline.trim().parse().map_err(|_| ServiceError::Field {
            field: "deadline",
            message: format!("'{deadline}' is not a date (YYYY-MM-DD)"),
        })?;
        Ok(MeasureInput {
            description: description.to_string(),
            responsible_person: person.to_string(),
            deadline,
            done,
        })
    }
}

/// Adds a measure. Work must be claimed first; the first measure starts it.
pub async fn add_measure(
    db: &Db,
    clock: &dyn Clock,
    actor: &Actor,
    assignment_id: i64,
    input: &MeasureInput,
) -> ServiceResult<MeasureRow> {
    let now = clock.now_millis();
    let lights = super::lights::Refresher::load(db, clock).await?;
    let mut tx = db.begin().await?;
    let assignment = assignments::get(&mut tx, assignment_id).await?;
    check_unit(actor, &assignment)?;
    if !may_edit_measures(actor, assignment.unit_id) {
        return Err(ServiceError::Forbidden(format!(
            "{} ({}) may not add measures",
            actor.name, actor.role
        )));
    }
    let state = state_of(&assignment)?;
    match state {
        State::Assigned => {
            return Err(ServiceError::Transition(
                "claim the task before adding measures".into(),
            ));
        }
        State::Done | State::Verified => {
            return Err(ServiceError::Transition(format!(
                "the work is already {state}; measures are closed"
            )));
        }
        State::Claimed | State::InProgress => {}
    }
    let deadline = input.deadline.to_string();
    let fields = MeasureFields {
        description: &input.description,
        responsible_person: &input.responsible_person,
        deadline: &deadline,
        done_at: input.done.then_some(now),
    };
    let id = assignments::add_measure(&mut tx, assignment_id, &fields, now).await?;
    audit::append(
        &mut tx,
        now,
        NewEvent {
            actor: &actor.name,
            action: "measure.add",
            entity: "measure",
            entity_id: Some(id),
            before: None,
            after: Some(json!({
                "assignment_id": assignment_id, "description": input.description,
                "responsible_person": input.responsible_person, "deadline": deadline, "done": input.done,
            })),
        },
    )
    .await?;
    if state == State::Claimed {
        assignments::set_state(
            &mut tx,
            assignment_id,
            assignment.version,
            State::InProgress.as_str(),
            assignment.note.as_deref(),
        )
        .await?;
        audit::append(
            &mut tx,
            now,
            change(
                actor,
                "assignment.start",
                "assignment",
                assignment_id,
                json!({"state": "claimed"}),
                json!({"state": "in_progress", "by": "first measure"}),
            ),
        )
        .await?;
    }
    let measure = assignments::get_measure(&mut tx, id).await?;
    lights.assignments(&mut tx, &[assignment_id]).await?;
    tx.commit().await?;
    Ok(measure)
}

/// Edits a measure the caller holds at `version`.
pub async fn update_measure(
    db: &Db,
    clock: &dyn Clock,
    actor: &Actor,
    measure_id: i64,
    version: i64,
    input: &MeasureInput,
) -> ServiceResult<MeasureRow> {
    let now = clock.now_millis();
    let lights = super::lights::Refresher::load(db, clock).await?;
    let mut tx = db.begin().await?;
    let measure = assignments::get_measure(&mut tx, measure_id).await?;
    let assignment = assignments::get(&mut tx, measure.assignment_id).await?;
    check_unit(actor, &assignment)?;
    if !may_edit_measures(actor, assignment.unit_id) {
        return Err(ServiceError::Forbidden(format!(
            "{} ({}) may not edit measures",
            actor.name, actor.role
        )));
    }
    if matches!(state_of(&assignment)?, State::Verified) {
        return Err(ServiceError::Transition(
            "the work is verified; its measures are closed".into(),
        ));
    }
    if measure.version != version {
        return Err(ServiceError::stale("measure", measure_id, version));
    }
    let deadline = input.deadline.to_string();
    // Keep the original completion time when a done measure is edited again.
    let done_at = if input.done {
        measure.done_at.or(Some(now))
    } else {
        None
    };
    let fields = MeasureFields {
        description: &input.description,
        responsible_person: &input.responsible_person,
        deadline: &deadline,
        done_at,
    };
    assignments::update_measure(&mut tx, measure_id, version, &fields).await?;
    audit::append(&mut tx, now, change(actor,
        "measure.update",
        "measure",
        measure_id,
        json!({"description": measure.description, "responsible_person": measure.responsible_person,
               "deadline": measure.deadline, "done": measure.done_at.is_some(), "version": version}),
        json!({"description": input.description, "responsible_person": input.responsible_person,
               "deadline": deadline, "done": input.done, "version": version + 1}),
    ))
    .await?;
    let updated = assignments::get_measure(&mut tx, measure_id).await?;
    lights
        .assignments(&mut tx, &[measure.assignment_id])
        .await?;
    tx.commit().await?;
    Ok(updated)
}

/// The office assigns a unit (or a group's members) to a task by hand: the
/// members of an open group such as 相关部门和国企集团, or a unit the plan left out.
pub async fn assign(
    db: &Db,
    clock: &dyn Clock,
    actor: &Actor,
    task_id: i64,
    unit: &str,
    role: &str,
) -> ServiceResult<Vec<AssignmentRow>> {
    super::require(actor, &[Role::Admin, Role::Supervisor], "assign units")?;
    if !matches!(role, "lead" | "co") {
        return Err(ServiceError::Field {
            field: "role",
            message: "lead or co".into(),
        });
    }
    let unit = unit.trim();
    let now = clock.now_millis();
    let lights = super::lights::Refresher::load(db, clock).await?;
    let mut tx = db.begin().await?;
    if !crate::store::coordination::task_exists(&mut tx, task_id).await? {
        return Err(ServiceError::NotFound(format!("task {task_id}")));
    }
    let found = crate::store::units::resolve(&mut tx, unit)
        .await?
        .ok_or_else(|| ServiceError::Field {
            field: "unit",
            message: format!("'{unit}' is not a known unit or group"),
        })?;
    if found.is_group
        && crate::store::units::members(&mut tx, found.id)
            .await?
            .is_empty()
    {
        return Err(ServiceError::Field {
            field: "unit",
            message: format!("'{unit}' names no fixed units: assign its members one by one"),
        });
    }
    let mut written = super::import::Written::default();
    super::import::assign_unit(&mut tx, task_id, "", unit, role, now, &mut written).await?;
    if written.assignments == 0 {
        return Err(ServiceError::Transition(format!(
            "{unit} already holds this task"
        )));
    }
    audit::append(
        &mut tx,
        now,
        NewEvent {
            actor: &actor.name,
            action: "assignment.assign",
            entity: "task",
            entity_id: Some(task_id),
            before: None,
            after: Some(json!({"unit": unit, "role": role, "assignments": written.assignments})),
        },
    )
    .await?;
    lights.task(&mut tx, task_id).await?;
    tx.commit().await?;
    let all = assignments::of_tasks(db, &[task_id]).await?;
    Ok(all)
}
