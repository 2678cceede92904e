//! 退回 and 延期: a unit hands back what is not its remit (before signing for
//! it) and the office re-assigns it or keeps it there; a unit asks for more
//! time and a supervisor (or a leader, by setting) grants or refuses it. The
//! original deadline always stays on record.

use jiff::civil::Date;
use serde_json::json;

use super::{ServiceError, ServiceResult, record, require, text};
use crate::clock::Clock;
use crate::domain::assignment::{State, deadline_in_force};
use crate::domain::item::ReturnReason;
use crate::domain::roles::{Actor, Role};
use crate::store::assignments::{self, AssignmentRow};
use crate::store::handover::{self, ExtensionRow, NewExtension, NewReturn, ReturnRow};
use crate::store::{Db, audit};

/// Whether the actor acts for the assignment's unit: its liaison, or an admin.
pub fn acts_for(actor: &Actor, assignment: &AssignmentRow) -> bool {
    actor.role == Role::Admin
        || (actor.role == Role::Liaison && actor.unit_id == Some(assignment.unit_id))
}

/// Whether the actor decides returns: the office.
pub fn decides_returns(actor: &Actor) -> bool {
    matches!(actor.role, Role::Admin | Role::Supervisor)
}

/// Whether the actor decides extensions under the office's rules.
pub fn decides_extensions(actor: &Actor, rules: &super::item_rules::ItemRules) -> bool {
    actor.role == Role::Admin || actor.role == rules.extension_approver.role()
}

/// Only the unit itself (its liaison) or an admin acts for a unit.
fn acts_for_unit(actor: &Actor, assignment: &AssignmentRow, doing: &str) -> ServiceResult<()> {
    if acts_for(actor, assignment) {
        Ok(())
    } else {
        Err(ServiceError::Forbidden(format!(
            "only {}'s liaison may {doing}",
            assignment.unit_name
        )))
    }
}

/// The unit hands an assignment back (退回) with its reason. Only what it has
/// not signed for can be returned: signed work is the unit's.
#[allow(clippy::too_many_arguments)]
pub async fn return_assignment(
    db: &Db,
    clock: &dyn Clock,
    actor: &Actor,
    assignment_id: i64,
    version: i64,
    reason_kind: &str,
    reason: &str,
    suggested_unit: Option<&str>,
) -> ServiceResult<ReturnRow> {
    let kind: ReturnReason = reason_kind
        .trim()
        .parse()
        .map_err(|e: String| ServiceError::field("reason_kind", e))?;
    let reason = text("reason", reason, 2_000)?;
    let suggested = suggested_unit.map(str::trim).filter(|s| !s.is_empty());
    let now = clock.now_millis();
    let lights = super::lights::Refresher::load(db, clock).await?;
    let mut tx = db.begin().await?;
    let assignment = assignments::get(&mut tx, assignment_id).await?;
    acts_for_unit(actor, &assignment, "return this assignment")?;
    if assignment.version != version {
        return Err(ServiceError::stale("assignment", assignment_id, version));
    }
    if assignment.returned_at.is_some() {
        return Err(ServiceError::Transition(
            "this assignment is already returned and waits for the office".into(),
        ));
    }
    if assignment.state != State::Assigned.as_str() {
        return Err(ServiceError::Transition(format!(
            "{} has already signed for this assignment (it is {}); a signed assignment cannot be returned — raise a difficulty instead",
            assignment.unit_name, assignment.state
        )));
    }
    let id = handover::insert_return(
        &mut tx,
        &NewReturn {
            assignment_id,
            unit_id: assignment.unit_id,
            reason_kind: kind.as_str(),
            reason: &reason,
            suggested_unit: suggested,
            returned_by: &actor.name,
            returned_at: now,
        },
    )
    .await?;
    handover::set_returned(&mut tx, assignment_id, version, Some(now)).await?;
    record(
        &mut tx,
        now,
        actor,
        "assignment.return",
        "assignment",
        assignment_id,
        json!({"return": id, "unit": assignment.unit_name, "reason_kind": kind.as_str(),
               "reason": reason, "suggested_unit": suggested}),
    )
    .await?;
    lights.assignments(&mut tx, &[assignment_id]).await?;
    let row = handover::get_return(&mut tx, id).await?;
    tx.commit().await?;
    Ok(row)
}

/// What the office does with a return.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReturnDecision {
    /// 改派: the assignment goes to this unit, to be signed for afresh.
    Reassign(String),
    /// The unit keeps it, with a new signing time limit.
    Keep,
}

/// The office decides a return: re-assign to another unit or keep it where
/// it was. Either way the return and its decision stay on record.
pub async fn decide_return(
    db: &Db,
    clock: &dyn Clock,
    actor: &Actor,
    return_id: i64,
    version: i64,
    decision: &ReturnDecision,
    note: Option<&str>,
) -> ServiceResult<ReturnRow> {
    if !decides_returns(actor) {
        return Err(ServiceError::Forbidden(format!(
            "{} ({}) may not decide returned assignments",
            actor.name, actor.role
        )));
    }
    let note = note.map(str::trim).filter(|n| !n.is_empty());
    if *decision == ReturnDecision::Keep && note.is_none() {
        return Err(ServiceError::field(
            "note",
            "say why the unit keeps the assignment it returned",
        ));
    }
    let (rules, _) = super::item_rules::rules(db).await?;
    let lights = super::lights::Refresher::load(db, clock).await?;
    let now = clock.now_millis();
    let sign_by = lights
        .thresholds
        .calendar
        .add_working_days(lights.today, rules.sign_days)
        .to_string();
    let mut tx = db.begin().await?;
    let returned = handover::get_return(&mut tx, return_id).await?;
    if returned.decision.is_some() {
        return Err(ServiceError::Transition(format!(
            "return {return_id} was already decided"
        )));
    }
    let assignment = assignments::get(&mut tx, returned.assignment_id).await?;
    let (label, to_unit) = match decision {
        ReturnDecision::Reassign(unit) => {
            let unit = unit.trim();
            let found = crate::store::units::resolve(&mut tx, unit)
                .await?
                .filter(|u| !u.is_group)
                .ok_or_else(|| {
                    ServiceError::field("unit", format!("'{unit}' is not a known unit"))
                })?;
            if found.id == returned.unit_id {
                return Err(ServiceError::field(
                    "unit",
                    "re-assign to another unit, or keep it with the one that returned it",
                ));
            }
            let moved = handover::move_to_unit(
                &mut tx,
                assignment.id,
                assignment.version,
                found.id,
                now,
                Some(&sign_by),
            )
            .await?;
            if !moved {
                return Err(ServiceError::field(
                    "unit",
                    format!("{unit} already holds this task"),
                ));
            }
            ("reassigned", Some((found.id, found.name)))
        }
        ReturnDecision::Keep => {
            handover::set_returned(&mut tx, assignment.id, assignment.version, None).await?;
            handover::set_sign_by(&mut tx, assignment.id, Some(&sign_by)).await?;
            ("kept", None)
        }
    };
    handover::decide_return(
        &mut tx,
        return_id,
        version,
        &handover::ReturnDecided {
            decision: label,
            to_unit_id: to_unit.as_ref().map(|(id, _)| *id),
            by: &actor.name,
            at: now,
            note,
        },
    )
    .await?;
    audit::append(
        &mut tx,
        now,
        audit::NewEvent {
            actor: &actor.name,
            action: "assignment.return_decided",
            entity: "assignment",
            entity_id: Some(assignment.id),
            before: Some(json!({"unit": assignment.unit_name, "return": return_id})),
            after: Some(json!({"decision": label,
                "unit": to_unit.as_ref().map_or(assignment.unit_name.as_str(), |(_, n)| n.as_str()),
                "sign_by": sign_by, "note": note})),
        },
    )
    .await?;
    lights.assignments(&mut tx, &[assignment.id]).await?;
    let row = handover::get_return(&mut tx, return_id).await?;
    tx.commit().await?;
    Ok(row)
}

/// The unit asks for more time (延期申请). Asking after the deadline passed
/// is allowed and flagged late.
pub async fn request_extension(
    db: &Db,
    clock: &dyn Clock,
    actor: &Actor,
    assignment_id: i64,
    requested_to: &str,
    reason: &str,
) -> ServiceResult<ExtensionRow> {
    let requested: Date = requested_to.trim().parse().map_err(|_| {
        ServiceError::field(
            "requested_to",
            format!("'{requested_to}' is not a date (YYYY-MM-DD)"),
        )
    })?;
    let reason = text("reason", reason, 2_000)?;
    let today = super::lights::today(clock)?;
    let now = clock.now_millis();
    let mut tx = db.begin().await?;
    let assignment = assignments::get(&mut tx, assignment_id).await?;
    acts_for_unit(actor, &assignment, "ask for an extension")?;
    if matches!(assignment.state.as_str(), "done" | "verified") {
        return Err(ServiceError::Transition(format!(
            "an extension is for work still open; this work is already {}",
            assignment.state
        )));
    }
    if handover::pending_extension_of(&mut tx, assignment_id).await? {
        return Err(ServiceError::Transition(
            "a request for this assignment is already waiting for a decision".into(),
        ));
    }
    let (task_deadline, year) = handover::deadline_parts(&mut tx, assignment_id).await?;
    let current = deadline_in_force(
        assignment.extended_to.as_deref(),
        task_deadline.as_deref(),
        year,
    )
    .ok_or_else(|| ServiceError::field("requested_to", "this work has no deadline to extend"))?;
    if requested <= current {
        return Err(ServiceError::field(
            "requested_to",
            format!("ask for a date after the deadline in force, {current}"),
        ));
    }
    let late = today > current;
    let id = handover::insert_extension(
        &mut tx,
        &NewExtension {
            assignment_id,
            deadline_before: &current.to_string(),
            requested_to: &requested.to_string(),
            reason: &reason,
            late,
            requested_by: &actor.name,
            requested_at: now,
        },
    )
    .await?;
    record(
        &mut tx,
        now,
        actor,
        "extension.request",
        "extension",
        id,
        json!({"assignment": assignment_id, "unit": assignment.unit_name,
               "deadline_before": current.to_string(), "requested_to": requested.to_string(),
               "reason": reason, "late": late}),
    )
    .await?;
    let row = handover::get_extension(&mut tx, id).await?;
    tx.commit().await?;
    Ok(row)
}

/// Grants or refuses a request. The decider is the role the office chose
/// (or an admin), never the one who asked; a refusal says why.
pub async fn decide_extension(
    db: &Db,
    clock: &dyn Clock,
    actor: &Actor,
    extension_id: i64,
    version: i64,
    approve: bool,
    note: Option<&str>,
) -> ServiceResult<ExtensionRow> {
    let (rules, _) = super::item_rules::rules(db).await?;
    if !decides_extensions(actor, &rules) {
        return Err(ServiceError::Forbidden(format!(
            "{} ({}) may not decide extensions",
            actor.name, actor.role
        )));
    }
    let note = note.map(str::trim).filter(|n| !n.is_empty());
    if !approve && note.is_none() {
        return Err(ServiceError::field(
            "note",
            "say why the extension is refused",
        ));
    }
    let now = clock.now_millis();
    let lights = super::lights::Refresher::load(db, clock).await?;
    let mut tx = db.begin().await?;
    let request = handover::get_extension(&mut tx, extension_id).await?;
    if request.requested_by == actor.name {
        return Err(ServiceError::Forbidden(
            "a request is decided by someone other than who made it".into(),
        ));
    }
    if request.state != "pending" {
        return Err(ServiceError::Transition(format!(
            "extension {extension_id} was already {}",
            request.state
        )));
    }
    let state = if approve { "approved" } else { "refused" };
    handover::decide_extension(
        &mut tx,
        extension_id,
        version,
        state,
        &actor.name,
        now,
        note,
    )
    .await?;
    if approve {
        handover::set_extended_to(&mut tx, request.assignment_id, &request.requested_to).await?;
    }
    audit::append(
        &mut tx,
        now,
        audit::NewEvent {
            actor: &actor.name,
            action: if approve {
                "extension.approve"
            } else {
                "extension.refuse"
            },
            entity: "extension",
            entity_id: Some(extension_id),
            before: Some(json!({"state": "pending", "deadline": request.deadline_before})),
            after: Some(json!({"state": state, "deadline": if approve { &request.requested_to } else { &request.deadline_before }, "note": note})),
        },
    )
    .await?;
    lights
        .assignments(&mut tx, &[request.assignment_id])
        .await?;
    let row = handover::get_extension(&mut tx, extension_id).await?;
    tx.commit().await?;
    Ok(row)
}

/// What waits for the office: returns to decide and extensions to grant or
/// refuse (the extensions only for those who decide them).
pub async fn waiting(db: &Db, actor: &Actor) -> ServiceResult<(Vec<ReturnRow>, Vec<ExtensionRow>)> {
    require(
        actor,
        &[Role::Admin, Role::Supervisor, Role::Leader],
        "see what waits for a decision",
    )?;
    Ok((
        handover::undecided_returns(db).await?,
        handover::pending_extensions(db).await?,
    ))
}

/// An assignment's returns and extension requests.
pub async fn history(
    db: &Db,
    actor: &Actor,
    assignment_id: i64,
) -> ServiceResult<(Vec<ReturnRow>, Vec<ExtensionRow>)> {
    let assignment = assignments::read(db, assignment_id).await?;
    super::may_read_unit(actor, assignment.unit_id, "assignments")?;
    Ok((
        handover::returns_of(db, &[assignment_id]).await?,
        handover::extensions_of(db, &[assignment_id]).await?,
    ))
}

/// Everything the handover page and the 交办单 show of one assignment.
#[derive(Debug, Clone)]
pub struct HandoverRecord {
    pub assignment: AssignmentRow,
    pub task: crate::store::tasks::TaskRow,
    pub plan_title: String,
    pub plan_year: Option<i64>,
    /// The item the task carries, when it was opened by hand (立项).
    pub item: Option<crate::store::items::ItemRow>,
    /// The deadline in force for this unit (an extension's, the task's, or the year's end).
    pub deadline: Option<Date>,
    pub returns: Vec<ReturnRow>,
    pub extensions: Vec<ExtensionRow>,
    /// Completion reports (办结) with their evidence, oldest first.
    pub completions: Vec<(
        crate::store::completions::CompletionRow,
        Vec<crate::store::completions::FileRow>,
    )>,
    /// 督办单 issued on it, newest first.
    pub notices: Vec<crate::store::notices::NoticeRow>,
    /// Its light history: every span it showed red, newest first.
    pub red_spans: Vec<crate::store::lights::RedSpan>,
}

pub async fn record_of(
    db: &Db,
    actor: &Actor,
    assignment_id: i64,
) -> ServiceResult<HandoverRecord> {
    let assignment = assignments::read(db, assignment_id).await?;
    super::may_read_unit(actor, assignment.unit_id, "assignments")?;
    let (plan_id, task) = crate::store::tasks::task_by_id(db, assignment.task_id)
        .await?
        .ok_or_else(|| ServiceError::NotFound(format!("task {}", assignment.task_id)))?;
    // The header only: a plan's summary counts its whole size.
    let plan = crate::store::plans::header(db, plan_id)
        .await?
        .ok_or_else(|| ServiceError::NotFound(format!("plan {plan_id}")))?;
    let deadline = deadline_in_force(
        assignment.extended_to.as_deref(),
        task.deadline_date.as_deref(),
        plan.year,
    );
    Ok(HandoverRecord {
        item: crate::store::items::of_task(db, task.id).await?,
        returns: handover::returns_of(db, &[assignment_id]).await?,
        extensions: handover::extensions_of(db, &[assignment_id]).await?,
        completions: crate::store::completions::of_assignments(db, &[assignment_id]).await?,
        notices: crate::store::notices::list(db, Some(assignment_id), None).await?,
        red_spans: crate::store::lights::red_spans_of(db, assignment_id).await?,
        plan_title: plan.title,
        plan_year: plan.year,
        deadline,
        task,
        assignment,
    })
}
