//! The directory sync's plan written, inside the sync's one transaction,
//! with an audit event for every unit and account it makes or changes.

use std::collections::HashMap;

use serde_json::json;

use super::directory::SyncCounts;
use super::{ServiceError, ServiceResult};
use crate::directory::Directory;
use crate::domain::directory_sync::{Change, Held, Plan, UnitRef};
use crate::domain::roles::Actor;
use crate::store::audit::NewEvent;
use crate::store::directory::{NewAccount, Refreshed};
use crate::store::{Tx, audit, directory as accounts, units};

/// Writes the plan: units first (people may belong to them), then people.
pub(super) async fn apply(
    tx: &mut Tx,
    now: i64,
    actor: &Actor,
    directory: &Directory,
    plan: &Plan,
    held: Vec<Held>,
) -> ServiceResult<SyncCounts> {
    let mut counts = SyncCounts {
        users_unchanged: plan.unchanged,
        ..SyncCounts::default()
    };
    let mut made = HashMap::new();
    for name in &plan.new_units {
        let id = units::create(tx, name, "", false, false).await?;
        let after = json!({"name": name, "source": "directory"});
        super::record(tx, now, actor, "unit.add", "unit", id, after).await?;
        made.insert(name.clone(), id);
        counts.units_created += 1;
    }
    let unit_id = |unit: &UnitRef| match unit {
        UnitRef::Held(id) => Some(*id),
        UnitRef::New(name) => made.get(name).copied(),
    };
    let role = directory.default_role().as_str();
    let held: HashMap<i64, Held> = held.into_iter().map(|h| (h.id, h)).collect();
    for change in &plan.changes {
        match change {
            Change::Create {
                username,
                display_name,
                email,
                unit,
            } => {
                let account = NewAccount {
                    username,
                    display_name,
                    email: email.as_deref(),
                    role,
                    unit_id: unit.as_ref().and_then(unit_id),
                };
                let id = accounts::create(tx, &account, now).await?.ok_or_else(|| {
                    // Another sync or an admin took the name since the plan was made.
                    ServiceError::Invalid(format!(
                        "username '{username}' was taken during the sync; run it again"
                    ))
                })?;
                let after = json!({"username": username, "role": role,
                    "unit_id": account.unit_id, "source": "directory"});
                super::record(tx, now, actor, "user.add", "user", id, after).await?;
                counts.users_created += 1;
            }
            Change::Update {
                id,
                version,
                display_name,
                email,
                unit,
                reinstate,
                ..
            } => {
                let Some(user) = held.get(id) else { continue };
                let values = Refreshed {
                    display_name: display_name.as_deref().unwrap_or(&user.display_name),
                    email: email
                        .as_ref()
                        .map_or(user.email.as_deref(), Option::as_deref),
                    unit_id: unit.as_ref().map_or(user.unit_id, unit_id),
                    active: user.active || *reinstate,
                    gone_at: None,
                };
                let action = if *reinstate {
                    counts.users_reinstated += 1;
                    "user.reactivate"
                } else {
                    counts.users_updated += 1;
                    "user.directory_update"
                };
                refresh(tx, now, actor, user, *version, &values, action).await?;
            }
            Change::Disable { id, version, .. } => {
                let Some(user) = held.get(id) else { continue };
                let values = Refreshed {
                    display_name: &user.display_name,
                    email: user.email.as_deref(),
                    unit_id: user.unit_id,
                    active: false,
                    gone_at: Some(now),
                };
                refresh(tx, now, actor, user, *version, &values, "user.deactivate").await?;
                counts.users_disabled += 1;
            }
        }
    }
    Ok(counts)
}

/// Writes an account's new values and audits them, before and after.
async fn refresh(
    tx: &mut Tx,
    now: i64,
    actor: &Actor,
    user: &Held,
    version: i64,
    values: &Refreshed<'_>,
    action: &str,
) -> ServiceResult<()> {
    accounts::refresh(tx, user.id, version, values).await?;
    let mut after = json!({"username": user.username, "display_name": values.display_name,
        "email": values.email, "unit_id": values.unit_id, "active": values.active});
    if values.gone_at.is_some() {
        after["reason"] = json!("no longer in the directory");
    }
    audit::append(
        tx,
        now,
        NewEvent {
            actor: &actor.name,
            action,
            entity: "user",
            entity_id: Some(user.id),
            before: Some(
                json!({"display_name": user.display_name, "email": user.email,
                "unit_id": user.unit_id, "active": user.active}),
            ),
            after: Some(after),
        },
    )
    .await?;
    Ok(())
}
