//! Re-importing a changed document: a new revision of the plan, and what
//! changed applied to the record without losing any history.

use duban_plan::{PlanDraft, Registry};
use serde_json::json;
use sha2::{Digest, Sha256};

use super::import::{Document, Written, assign_unit, insert_task};
use super::{ServiceError, ServiceResult, require};
use crate::clock::Clock;
use crate::domain::revision::{PlanDiff, diff};
use crate::domain::roles::{Actor, Role};
use crate::store::audit::NewEvent;
use crate::store::plans::Positioned;
use crate::store::{Db, Tx, audit, plans, units};

#[derive(Debug, Clone, PartialEq)]
pub struct Revised {
    pub revision: i64,
    pub diff: PlanDiff,
    pub assignments_added: usize,
    pub assignments_withdrawn: u64,
    pub new_units: Vec<String>,
}

async fn latest(tx: &mut Tx, plan_id: i64) -> ServiceResult<(i64, PlanDraft)> {
    read_revision(plan_id, plans::latest_revision(tx, plan_id).await?)
}

fn read_revision(plan_id: i64, found: Option<(i64, String)>) -> ServiceResult<(i64, PlanDraft)> {
    let (number, json) = found.ok_or_else(|| ServiceError::NotFound(format!("plan {plan_id}")))?;
    let draft = serde_json::from_str(&json)
        .map_err(|e| ServiceError::Invalid(format!("revision {number} is unreadable: {e}")))?;
    Ok((number, draft))
}

/// What re-importing `document` would change, without writing anything: the
/// preview shown before a revision is applied.
pub async fn preview(
    db: &Db,
    actor: &Actor,
    registry: &Registry,
    plan_id: i64,
    document: &[u8],
) -> ServiceResult<(i64, PlanDiff)> {
    require(actor, &[Role::Admin, Role::Supervisor], "revise plans")?;
    let draft = duban_plan::parse(document, registry)?;
    let (number, before) = read_revision(plan_id, plans::latest_revision_of(db, plan_id).await?)?;
    Ok((number, diff(&before, &draft)))
}

pub async fn revise_plan(
    db: &Db,
    clock: &dyn Clock,
    actor: &Actor,
    registry: &Registry,
    plan_id: i64,
    document: Document<'_>,
) -> ServiceResult<Revised> {
    require(actor, &[Role::Admin, Role::Supervisor], "revise plans")?;
    let draft = duban_plan::parse(document.bytes, registry)?;
    let sha256 = hex::encode(Sha256::digest(document.bytes));
    let now = clock.now_millis();
    let lights = super::lights::Refresher::load(db, clock).await?;
    let mut tx = db.begin().await?;
    units::sync_registry(&mut tx, registry).await?;
    let (previous, before) = latest(&mut tx, plan_id).await?;
    let changes = diff(&before, &draft);
    if changes.is_empty() {
        return Err(ServiceError::Transition(format!(
            "the document holds no change from revision {previous}"
        )));
    }
    let revision = previous + 1;
    let parsed = serde_json::to_string(&draft).map_err(|e| ServiceError::Invalid(e.to_string()))?;
    plans::insert_revision(
        &mut tx,
        plan_id,
        revision,
        document.name,
        &sha256,
        &parsed,
        now,
    )
    .await?;
    let mut written = Written::default();
    let mut withdrawn = 0;

    for number in &changes.added {
        let Some(task) = draft.tasks.iter().find(|t| &t.number == number) else {
            continue;
        };
        let category_id = match task.category.as_deref() {
            Some(ordinal) => match plans::category_id(&mut tx, plan_id, ordinal).await? {
                Some(id) => Some(id),
                None => {
                    let title = draft
                        .categories
                        .iter()
                        .find(|c| c.ordinal == ordinal)
                        .map_or("", |c| c.title.as_str());
                    let position =
                        plans::next_position(&mut tx, Positioned::Categories, plan_id).await?;
                    Some(plans::insert_category(&mut tx, plan_id, ordinal, title, position).await?)
                }
            },
            None => None,
        };
        let position = plans::next_position(&mut tx, Positioned::Tasks, plan_id).await?;
        insert_task(
            &mut tx,
            plan_id,
            category_id,
            position,
            task,
            now,
            &mut written,
        )
        .await?;
    }
    for change in &changes.reworded {
        let Some(task) = draft.tasks.iter().find(|t| t.number == change.number) else {
            continue;
        };
        if let Some(id) = plans::live_task_id(&mut tx, plan_id, &change.number).await? {
            plans::reword_task(&mut tx, id, &task.title, &task.text).await?;
        }
    }
    for number in &changes.removed {
        if let Some(id) = plans::live_task_id(&mut tx, plan_id, number).await? {
            plans::remove_task(&mut tx, id, revision).await?;
        }
    }
    for moved in &changes.units_moved {
        let Some(task_id) = plans::live_task_id(&mut tx, plan_id, &moved.number).await? else {
            continue;
        };
        for (name, role) in &moved.added {
            // A unit whose role changed is in both lists: its role is updated.
            let unit_id = assign_unit(
                &mut tx,
                task_id,
                &moved.number,
                name,
                role,
                now,
                &mut written,
            )
            .await?;
            if moved.removed.iter().any(|(n, _)| n == name) {
                plans::set_role(&mut tx, task_id, unit_id, role).await?;
            }
        }
        for (name, _) in moved
            .removed
            .iter()
            .filter(|(n, _)| !moved.added.iter().any(|(a, _)| a == n))
        {
            if let Some(unit) = units::resolve(&mut tx, name).await? {
                withdrawn += plans::withdraw_units(&mut tx, task_id, unit.id, revision).await?;
            }
        }
    }
    audit::append(
        &mut tx,
        now,
        NewEvent {
            actor: &actor.name,
            action: "plan.revise",
            entity: "plan",
            entity_id: Some(plan_id),
            before: Some(json!({"revision": previous})),
            after: Some(json!({"revision": revision, "source": document.name, "sha256": sha256, "diff": changes})),
        },
    )
    .await?;
    lights.plan(&mut tx, plan_id).await?;
    tx.commit().await?;
    Ok(Revised {
        revision,
        diff: changes,
        assignments_added: written.assignments,
        assignments_withdrawn: withdrawn,
        new_units: written.new_units,
    })
}
