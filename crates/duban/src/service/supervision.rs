//! Inspections and their findings: the supervision bodies raise them, the
//! unit answers, a supervisor verifies (销号) or reopens.

use jiff::civil::Date;
use serde_json::json;

use super::{ServiceError, ServiceResult, require, text};
use crate::clock::Clock;
use crate::domain::finding::{self, Action, FindingState};
use crate::domain::roles::{Actor, Role};
use crate::store::Db;
use crate::store::supervision::{self, FindingRow, NewFinding, NewInspection};

fn date(name: &'static str, value: &str) -> ServiceResult<String> {
    value
        .trim()
        .parse::<Date>()
        .map(|d| d.to_string())
        .map_err(|_| ServiceError::field(name, format!("'{value}' is not a date (YYYY-MM-DD)")))
}

pub async fn open_inspection(
    db: &Db,
    clock: &dyn Clock,
    actor: &Actor,
    body_id: i64,
    plan_id: i64,
    title: &str,
    inspected_on: &str,
) -> ServiceResult<i64> {
    require(actor, &[Role::Admin, Role::Supervisor], "open inspections")?;
    let title = text("title", title, 200)?;
    let inspected_on = date("inspected_on", inspected_on)?;
    let now = clock.now_millis();
    let mut tx = db.begin().await?;
    if !actor.acts_for_body(body_id) {
        return Err(ServiceError::Forbidden(
            "you inspect for your own supervision body".into(),
        ));
    }
    if !supervision::body_exists(&mut tx, body_id).await? {
        return Err(ServiceError::field(
            "body_id",
            format!("supervision body {body_id} does not exist"),
        ));
    }
    if !supervision::plan_exists(&mut tx, plan_id).await? {
        return Err(ServiceError::field(
            "plan_id",
            format!("plan {plan_id} does not exist"),
        ));
    }
    let new = NewInspection {
        body_id,
        plan_id,
        title: &title,
        inspected_on: &inspected_on,
        created_by: &actor.name,
    };
    let id = supervision::create_inspection(&mut tx, &new, now).await?;
    super::record(&mut tx, now, actor, "inspection.open", "inspection", id, json!({"body_id": body_id, "plan_id": plan_id, "title": title, "inspected_on": inspected_on})).await?;
    tx.commit().await?;
    Ok(id)
}

/// A finding as a supervisor writes it.
#[derive(Debug, Clone)]
pub struct FindingInput<'a> {
    pub inspection_id: i64,
    pub assignment_id: i64,
    /// reminder, service or rectification.
    pub action: &'a str,
    pub description: &'a str,
    /// Required for a rectification.
    pub deadline: Option<&'a str>,
}

pub async fn raise_finding(
    db: &Db,
    clock: &dyn Clock,
    actor: &Actor,
    input: &FindingInput<'_>,
) -> ServiceResult<FindingRow> {
    require(actor, &[Role::Admin, Role::Supervisor], "raise findings")?;
    let (inspection_id, assignment_id) = (input.inspection_id, input.assignment_id);
    let action: Action = input
        .action
        .parse()
        .map_err(|m: String| ServiceError::field("action", m))?;
    let description = text("description", input.description, 4000)?;
    let deadline = match (action, input.deadline) {
        (_, Some(d)) => Some(date("deadline", d)?),
        (Action::Rectification, None) => {
            return Err(ServiceError::field(
                "deadline",
                "a rectification needs a deadline",
            ));
        }
        (_, None) => None,
    };
    let now = clock.now_millis();
    let lights = super::lights::Refresher::load(db, clock).await?;
    let mut tx = db.begin().await?;
    let plan = supervision::inspection_plan(&mut tx, inspection_id).await?;
    if !actor.acts_for_body(supervision::inspection_body(&mut tx, inspection_id).await?) {
        return Err(ServiceError::Forbidden(
            "the inspection belongs to another supervision body".into(),
        ));
    }
    let assignment_plan = supervision::assignment_plan(&mut tx, assignment_id).await?;
    if plan != assignment_plan {
        return Err(ServiceError::field(
            "assignment_id",
            "the assignment is not in the plan this inspection looks at",
        ));
    }
    let new = NewFinding {
        inspection_id,
        assignment_id,
        action: action.as_str(),
        description: &description,
        deadline: deadline.as_deref(),
    };
    let id = supervision::create_finding(&mut tx, &new, now).await?;
    super::record(&mut tx, now, actor, "finding.raise", "finding", id, json!({"inspection_id": inspection_id, "assignment_id": assignment_id, "action": action.as_str(), "description": description, "deadline": deadline})).await?;
    let row = supervision::get_finding(&mut tx, id).await?;
    lights.assignments(&mut tx, &[assignment_id]).await?;
    tx.commit().await?;
    Ok(row)
}

/// The moves on a finding after it is raised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FindingMove {
    /// The unit's answer (整改情况).
    Respond,
    /// 销号.
    Verify,
    /// The answer is not accepted.
    Reopen,
}

pub async fn move_finding(
    db: &Db,
    clock: &dyn Clock,
    actor: &Actor,
    finding_id: i64,
    version: i64,
    mv: FindingMove,
    text_given: Option<&str>,
) -> ServiceResult<FindingRow> {
    let now = clock.now_millis();
    let lights = super::lights::Refresher::load(db, clock).await?;
    let mut tx = db.begin().await?;
    let row = supervision::get_finding(&mut tx, finding_id).await?;
    if actor.role == Role::Liaison && actor.unit_id != Some(row.unit_id) {
        return Err(ServiceError::Forbidden(format!(
            "finding {finding_id} is addressed to another unit"
        )));
    }
    let allowed = match mv {
        FindingMove::Respond => {
            actor.role == Role::Admin
                || (actor.role == Role::Liaison && actor.unit_id == Some(row.unit_id))
        }
        FindingMove::Verify | FindingMove::Reopen => {
            matches!(actor.role, Role::Admin | Role::Supervisor)
        }
    };
    if !allowed {
        return Err(ServiceError::Forbidden(format!(
            "{} ({}) may not do this to a finding",
            actor.name, actor.role
        )));
    }
    if matches!(mv, FindingMove::Verify | FindingMove::Reopen)
        && !actor.acts_for_body(supervision::finding_body(&mut tx, finding_id).await?)
    {
        return Err(ServiceError::Forbidden(
            "the finding belongs to another supervision body".into(),
        ));
    }
    if row.version != version {
        return Err(ServiceError::Store(crate::store::StoreError::Conflict {
            entity: "finding",
            id: finding_id,
            expected: version,
        }));
    }
    let state: FindingState = row.state.parse().map_err(ServiceError::Invalid)?;
    let action: Action = row.action.parse().map_err(ServiceError::Invalid)?;
    let (to, response, verified_by, name) = match mv {
        FindingMove::Respond => {
            let response = text("response", text_given.unwrap_or(""), 4000)?;
            (
                finding::respond(state),
                Some(response),
                None,
                "finding.respond",
            )
        }
        FindingMove::Verify => (
            finding::verify(action, state),
            None,
            Some(actor.name.clone()),
            "finding.verify",
        ),
        FindingMove::Reopen => {
            text("reason", text_given.unwrap_or(""), 2000)?;
            (finding::reopen(state), None, None, "finding.reopen")
        }
    };
    let to = to.map_err(ServiceError::Transition)?;
    supervision::set_finding_state(
        &mut tx,
        finding_id,
        version,
        to.as_str(),
        response.as_deref(),
        verified_by.as_deref(),
        now,
    )
    .await?;
    super::record(&mut tx, now, actor, name, "finding", finding_id, json!({"from": state.as_str(), "to": to.as_str(), "response": response, "reason": if mv == FindingMove::Reopen { text_given } else { None }})).await?;
    let updated = supervision::get_finding(&mut tx, finding_id).await?;
    lights.assignments(&mut tx, &[row.assignment_id]).await?;
    tx.commit().await?;
    Ok(updated)
}

/// The findings on an assignment; a liaison reads its own unit's only.
pub async fn of_assignment(
    db: &Db,
    actor: &Actor,
    assignment_id: i64,
) -> ServiceResult<Vec<FindingRow>> {
    let assignment = crate::store::assignments::read(db, assignment_id).await?;
    super::may_read_unit(actor, assignment.unit_id, "findings")?;
    Ok(supervision::findings_of_assignment(db, assignment_id).await?)
}

pub async fn bodies(db: &Db) -> ServiceResult<Vec<(i64, String)>> {
    Ok(supervision::bodies(db).await?)
}

/// Adds the named supervision bodies that are missing, each with its audit event.
pub async fn ensure_bodies(
    db: &Db,
    clock: &dyn Clock,
    actor: &Actor,
    names: &[&str],
) -> ServiceResult<()> {
    require(actor, &[Role::Admin], "add supervision bodies")?;
    let existing = supervision::bodies(db).await?;
    let now = clock.now_millis();
    let mut tx = db.begin().await?;
    for name in names
        .iter()
        .filter(|n| !existing.iter().any(|(_, e)| e == *n))
    {
        let id = supervision::ensure_body(&mut tx, name, now).await?;
        super::record(
            &mut tx,
            now,
            actor,
            "supervision_body.add",
            "supervision_body",
            id,
            json!({"name": name}),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}
