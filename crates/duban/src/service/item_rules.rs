//! The office's rules for supervised items, a stored setting: how items are
//! numbered, how many working days a unit has to sign for an assignment, and
//! who decides extensions.
//!
//! Stored under `items.rules` in the `settings` table as JSON; until an admin
//! saves them, [`ItemRules::default`] applies and the version reads 0.

use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{ServiceError, ServiceResult, require};
use crate::clock::Clock;
use crate::domain::item::{DEFAULT_NUMBER_FORMAT, check_number_format};
use crate::domain::roles::{Actor, Role};
use crate::store::audit::NewEvent;
use crate::store::{Db, audit, evaluations};

const KEY: &str = "items.rules";

/// Who approves or refuses a unit's request for more time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ExtensionApprover {
    Supervisor,
    Leader,
}

impl ExtensionApprover {
    pub fn role(self) -> Role {
        match self {
            ExtensionApprover::Supervisor => Role::Supervisor,
            ExtensionApprover::Leader => Role::Leader,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ExtensionApprover::Supervisor => "supervisor",
            ExtensionApprover::Leader => "leader",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemRules {
    /// `{year}` and `{seq}` are filled in: 督〔{year}〕{seq}号.
    pub number_format: String,
    /// Working days a unit has to sign for (签收) what it is given.
    pub sign_days: i32,
    pub extension_approver: ExtensionApprover,
}

impl Default for ItemRules {
    fn default() -> ItemRules {
        ItemRules {
            number_format: DEFAULT_NUMBER_FORMAT.to_string(),
            sign_days: 3,
            extension_approver: ExtensionApprover::Supervisor,
        }
    }
}

/// The rules in force and their version (0 while the defaults apply).
pub async fn rules(db: &Db) -> ServiceResult<(ItemRules, i64)> {
    match evaluations::setting(db, KEY).await? {
        Some((value, version)) => {
            let rules = serde_json::from_str(&value).map_err(|e| {
                ServiceError::Invalid(format!("stored item rules are unreadable: {e}"))
            })?;
            Ok((rules, version))
        }
        None => Ok((ItemRules::default(), 0)),
    }
}

/// Saves new rules if they are still at `version`; returns them as saved
/// (the format trimmed) with their new version.
pub async fn set_rules(
    db: &Db,
    clock: &dyn Clock,
    actor: &Actor,
    new: ItemRules,
    version: i64,
) -> ServiceResult<(ItemRules, i64)> {
    require(actor, &[Role::Admin], "change the item rules")?;
    let new = ItemRules {
        number_format: new.number_format.trim().to_string(),
        ..new
    };
    check_number_format(&new.number_format).map_err(|message| ServiceError::Field {
        field: "number_format",
        message,
    })?;
    if !(0..=super::settings::MAX_DAYS).contains(&new.sign_days) {
        return Err(ServiceError::Field {
            field: "sign_days",
            message: format!(
                "sign_days is a number of working days from 0 to {}",
                super::settings::MAX_DAYS
            ),
        });
    }
    let (before, _) = rules(db).await?;
    let value = serde_json::to_string(&new).map_err(|e| ServiceError::Internal(e.to_string()))?;
    let mut tx = db.begin().await?;
    let next = evaluations::put_setting(&mut tx, KEY, &value, version).await?;
    audit::append(
        &mut tx,
        clock.now_millis(),
        NewEvent {
            actor: &actor.name,
            action: "settings.item_rules",
            entity: "setting",
            entity_id: None,
            before: Some(json!(before)),
            after: Some(json!(new)),
        },
    )
    .await?;
    tx.commit().await?;
    Ok((new, next))
}
