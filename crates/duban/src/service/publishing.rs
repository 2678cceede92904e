//! The office's view of its plans: each with its size and latest revision,
//! and publishing a draft so units see it.

use serde_json::json;

use super::{ServiceError, ServiceResult, require};
use crate::clock::Clock;
use crate::domain::roles::{Actor, Role};
use crate::store::Db;
use crate::store::audit::{self, NewEvent};
use crate::store::plans::{self, PlanSummary};
use crate::store::publishing::{latest_revisions, move_plan_state, plan_state};

const OFFICE: &[Role] = &[Role::Admin, Role::Supervisor];

/// A plan as the plans page lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanOverview {
    pub plan: PlanSummary,
    /// The latest revision's number and source file name.
    pub revision: Option<(i64, String)>,
}

/// Every plan, drafts included, with its latest revision.
pub async fn overview(db: &Db, actor: &Actor) -> ServiceResult<Vec<PlanOverview>> {
    require(actor, OFFICE, "manage plans")?;
    let revisions = latest_revisions(db).await?;
    Ok(plans::summaries(db)
        .await?
        .into_iter()
        .map(|plan| PlanOverview {
            revision: revisions
                .iter()
                .find(|(id, ..)| *id == plan.id)
                .map(|(_, number, name, _)| (*number, name.clone())),
            plan,
        })
        .collect())
}

/// Publishes a draft plan: its units see it from now on. Only a draft can be
/// published; anything else is a [`ServiceError::Transition`].
pub async fn publish(db: &Db, clock: &dyn Clock, actor: &Actor, plan_id: i64) -> ServiceResult<()> {
    require(actor, OFFICE, "publish plans")?;
    let now = clock.now_millis();
    let mut tx = db.begin().await?;
    let state = plan_state(&mut tx, plan_id)
        .await?
        .ok_or_else(|| ServiceError::NotFound(format!("plan {plan_id}")))?;
    if state != "draft" || !move_plan_state(&mut tx, plan_id, "draft", "published").await? {
        return Err(ServiceError::Transition(format!(
            "plan {plan_id} is {state}; only a draft can be published"
        )));
    }
    audit::append(
        &mut tx,
        now,
        NewEvent {
            actor: &actor.name,
            action: "plan.publish",
            entity: "plan",
            entity_id: Some(plan_id),
            before: Some(json!({"state": "draft"})),
            after: Some(json!({"state": "published"})),
        },
    )
    .await?;
    tx.commit().await?;
    tracing::info!(plan_id, "plan published");
    Ok(())
}
