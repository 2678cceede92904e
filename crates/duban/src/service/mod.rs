//! Use cases: each one checks permission first, runs in one transaction, and
//! writes its audit event in that same transaction.

pub mod assessment;
pub mod assignments;
pub mod audit;
pub mod auth;
pub mod bulletin;
pub mod bulletin_items;
pub mod calendar;
pub mod calendar_content;
pub mod calendar_feeds;
pub mod cascades;
pub mod channels;
pub mod cockpit;
pub mod cockpit_cache;
pub mod completions;
pub mod consolidation;
pub mod coordination;
pub mod delivery_plan;
pub mod directory;
mod directory_apply;
pub mod evaluations;
pub mod handover;
pub mod import;
pub mod imports;
pub mod inbox;
pub mod item_rules;
pub mod items;
pub mod ledger;
pub mod ledger_diff;
pub mod ledger_export;
pub mod ledger_import;
pub mod ledger_progress;
pub mod lights;
pub mod notices;
pub mod notify_admin;
pub mod notify_settings;
pub mod plan_data;
pub mod plans;
pub mod public_page;
pub mod publishing;
pub mod reminders;
pub mod report_periods;
pub mod reports;
pub mod revisions;
pub mod robots;
pub mod settings;
pub mod supervision;
pub mod supervision_board;
pub mod tasks;
pub mod trajectories;
pub mod units;
pub mod users;
pub mod workspace;

use crate::domain::roles::{Actor, Role};
use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("not allowed: {0}")]
    Forbidden(String),
    #[error("{0}")]
    Unauthorized(String),
    #[error("{0}")]
    RateLimited(String),
    /// A service the request needs (the directory) cannot be reached now.
    #[error("{0}")]
    Unavailable(String),
    #[error("{0} does not exist")]
    NotFound(String),
    #[error("{0}")]
    Invalid(String),
    /// A move the record's state does not allow (claiming twice, verifying undeclared work).
    #[error("{0}")]
    Transition(String),
    /// Bad input in one named field.
    #[error("{field}: {message}")]
    Field {
        field: &'static str,
        message: String,
    },
    #[error(transparent)]
    Parse(#[from] duban_plan::ParseError),
    /// A failure of the server itself, not of the request (a worker thread
    /// that stopped): logged, answered with 500.
    #[error("{0}")]
    Internal(String),
}

pub type ServiceResult<T> = Result<T, ServiceError>;

impl ServiceError {
    /// Bad input in the named field.
    pub(crate) fn field(field: &'static str, message: impl Into<String>) -> ServiceError {
        ServiceError::Field {
            field,
            message: message.into(),
        }
    }

    /// The record changed since the caller read it at `expected`.
    pub(crate) fn stale(entity: &'static str, id: i64, expected: i64) -> ServiceError {
        ServiceError::Store(StoreError::Conflict {
            entity,
            id,
            expected,
        })
    }
}

/// A required text field, trimmed, of 1 to `max` characters.
pub(crate) fn text(field: &'static str, value: &str, max: usize) -> ServiceResult<String> {
    let value = value.trim();
    if value.is_empty() || value.chars().count() > max {
        return Err(ServiceError::field(field, format!("1–{max} characters")));
    }
    Ok(value.to_string())
}

/// A liaison reads only its own unit's records (`what`: "reports",
/// "findings"…); every other role reads them all.
pub fn may_read_unit(actor: &Actor, unit_id: i64, what: &str) -> ServiceResult<()> {
    if actor.role == Role::Liaison && actor.unit_id != Some(unit_id) {
        return Err(ServiceError::Forbidden(format!(
            "a liaison reads its own unit's {what}"
        )));
    }
    Ok(())
}

/// Refuses unless the actor holds one of `roles`.
pub fn require(actor: &Actor, roles: &[Role], doing: &str) -> ServiceResult<()> {
    if roles.contains(&actor.role) {
        Ok(())
    } else {
        Err(ServiceError::Forbidden(format!(
            "{} ({}) may not {doing}",
            actor.name, actor.role
        )))
    }
}

/// Records a new record's creation or a change without a "before" in the
/// audit chain, inside the caller's transaction.
pub(crate) async fn record(
    tx: &mut crate::store::Tx,
    at: i64,
    actor: &Actor,
    action: &str,
    entity: &str,
    id: i64,
    after: serde_json::Value,
) -> ServiceResult<()> {
    crate::store::audit::append(
        tx,
        at,
        crate::store::audit::NewEvent {
            actor: &actor.name,
            action,
            entity,
            entity_id: Some(id),
            before: None,
            after: Some(after),
        },
    )
    .await?;
    Ok(())
}
