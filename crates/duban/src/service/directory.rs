//! The directory sync: people and units read from the directory, then the
//! record brought in line in one transaction with an audit event for every
//! account and unit it makes or changes. A directory that cannot be read
//! changes nothing; the failure is kept as the last sync's outcome (and
//! audited) for the admin's page.

use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{ServiceError, ServiceResult, require};
use crate::clock::Clock;
use crate::directory::client::{self, DirectoryError, Snapshot};
use crate::directory::{Directory, DirectoryView};
use crate::domain::directory_sync::{self, Plan, Rules};
use crate::domain::roles::{Actor, Role};
use crate::store::audit::NewEvent;
use crate::store::{Db, Tx, audit, directory as accounts, evaluations};

/// The settings row that holds the last sync's outcome.
const LAST_SYNC_KEY: &str = "directory.last_sync";
/// Skipped entries kept with the outcome (the count says how many in all).
const SKIPPED_KEPT: usize = 50;

/// What a sync did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SyncCounts {
    pub units_created: usize,
    pub users_created: usize,
    pub users_updated: usize,
    pub users_disabled: usize,
    pub users_reinstated: usize,
    pub users_unchanged: usize,
    pub skipped: usize,
}

/// An entry the sync did not act on, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Skipped {
    pub who: String,
    pub why: String,
}

/// The last sync's outcome, as the admin's page and the API show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SyncOutcome {
    /// When it ran (milliseconds since the epoch, UTC).
    pub at: i64,
    pub ok: bool,
    /// Why it failed; nothing was changed then.
    pub error: Option<String>,
    /// Who asked: `user:NAME`, `system:cli` or `system:scheduler`.
    pub by: String,
    pub counts: SyncCounts,
    /// The first skipped entries.
    pub skipped: Vec<Skipped>,
}

/// The actor of scheduled syncs.
pub fn scheduler_actor() -> Actor {
    Actor {
        name: "system:scheduler".into(),
        role: Role::Admin,
        unit_id: None,
        body_id: None,
    }
}

/// The last sync's outcome, if a sync has run.
pub async fn last_sync(db: &Db) -> ServiceResult<Option<SyncOutcome>> {
    match evaluations::setting(db, LAST_SYNC_KEY).await? {
        None => Ok(None),
        Some((text, _)) => serde_json::from_str(&text).map(Some).map_err(|e| {
            ServiceError::Internal(format!("the stored {LAST_SYNC_KEY} is unreadable: {e}"))
        }),
    }
}

/// The directory as the admin's page and the API show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct DirectoryStatus {
    /// False when the config file has no [directory] table: local accounts only.
    pub configured: bool,
    /// The settings, without the service account's password.
    pub config: Option<DirectoryView>,
    pub last_sync: Option<SyncOutcome>,
}

pub async fn status(
    db: &Db,
    actor: &Actor,
    directory: Option<&Directory>,
) -> ServiceResult<DirectoryStatus> {
    require(actor, &[Role::Admin], "read the directory settings")?;
    Ok(DirectoryStatus {
        configured: directory.is_some(),
        config: directory.map(Directory::view),
        last_sync: last_sync(db).await?,
    })
}

/// An admin's "sync now": refused plainly when no directory is configured.
pub async fn sync_now(
    db: &Db,
    clock: &dyn Clock,
    actor: &Actor,
    directory: Option<&Directory>,
) -> ServiceResult<SyncOutcome> {
    require(actor, &[Role::Admin], "synchronise the directory")?;
    let directory = directory.ok_or_else(|| {
        ServiceError::Invalid(
            "no directory is configured (the [directory] table of the config file)".into(),
        )
    })?;
    sync(db, clock, actor, directory).await
}

/// Reads the directory and brings the record in line. Fails with
/// [`ServiceError::Unavailable`] when the directory cannot be read; nothing
/// but the outcome is written then, as after any failure.
pub async fn sync(
    db: &Db,
    clock: &dyn Clock,
    actor: &Actor,
    directory: &Directory,
) -> ServiceResult<SyncOutcome> {
    require(actor, &[Role::Admin], "synchronise the directory")?;
    let written = match client::snapshot(directory).await {
        Ok(snapshot) => write(db, clock, actor, directory, &snapshot).await,
        Err(error) => Err(ServiceError::Unavailable(error.to_string())),
    };
    match written {
        Ok(outcome) => {
            tracing::info!(actor = %actor.name, counts = ?outcome.counts, "directory synchronised");
            Ok(outcome)
        }
        Err(error) => {
            tracing::warn!(error = %error, actor = %actor.name, "directory sync failed");
            record_failure(db, clock, actor, &error.to_string()).await?;
            Err(error)
        }
    }
}

/// The one transaction of a sync, from what the directory holds.
async fn write(
    db: &Db,
    clock: &dyn Clock,
    actor: &Actor,
    directory: &Directory,
    snapshot: &Snapshot,
) -> ServiceResult<SyncOutcome> {
    let now = clock.now_millis();
    let mut tx = db.begin().await?;
    let held = accounts::held_users(&mut tx).await?;
    let live = held.iter().filter(|h| h.directory && h.active).count();
    if snapshot.people.is_empty() && live > 0 {
        // A base or filter that finds nobody (a typo, a moved tree) reads as
        // "everyone left": that is refused, not carried out.
        return Err(ServiceError::Unavailable(format!(
            "the directory listed nobody under {} with {}: refusing to turn off {live} directory accounts; \
             check user_base and user_filter",
            directory.config().user_base,
            directory.config().user_filter
        )));
    }
    let unit_names = accounts::unit_names(&mut tx).await?;
    let rules = Rules {
        needs_unit: directory.default_role() == Role::Liaison,
    };
    let plan = directory_sync::plan(&snapshot.people, &snapshot.units, &unit_names, &held, rules);
    let counts = super::directory_apply::apply(&mut tx, now, actor, directory, &plan, held).await?;
    let outcome = outcome_of(now, actor, counts, &plan, snapshot);
    audit::append(
        &mut tx,
        now,
        NewEvent {
            actor: &actor.name,
            action: "directory.sync",
            entity: "directory",
            entity_id: None,
            before: None,
            after: Some(json!({"counts": outcome.counts, "skipped": outcome.skipped})),
        },
    )
    .await?;
    mark_outcome(&mut tx, &outcome).await?;
    tx.commit().await?;
    Ok(outcome)
}

/// Syncs when the configured interval has passed since the last attempt
/// (the scheduler's lease holder asks on each tick). `None` when not due.
pub async fn sync_if_due(
    db: &Db,
    clock: &dyn Clock,
    directory: &Directory,
) -> ServiceResult<Option<SyncOutcome>> {
    let Some(every) = directory.sync_every_ms() else {
        return Ok(None);
    };
    let last = last_sync(db).await?;
    if last.is_some_and(|last| clock.now_millis() - last.at < every) {
        return Ok(None);
    }
    sync(db, clock, &scheduler_actor(), directory)
        .await
        .map(Some)
}

fn outcome_of(
    at: i64,
    actor: &Actor,
    counts: SyncCounts,
    plan: &Plan,
    snapshot: &Snapshot,
) -> SyncOutcome {
    let skipped: Vec<Skipped> = snapshot
        .unreadable
        .iter()
        .chain(plan.skipped.iter())
        .map(|(who, why)| Skipped {
            who: who.clone(),
            why: why.clone(),
        })
        .collect();
    SyncOutcome {
        at,
        ok: true,
        error: None,
        by: actor.name.clone(),
        counts: SyncCounts {
            skipped: skipped.len(),
            ..counts
        },
        skipped: skipped.into_iter().take(SKIPPED_KEPT).collect(),
    }
}

async fn mark_outcome(tx: &mut Tx, outcome: &SyncOutcome) -> ServiceResult<()> {
    let text = serde_json::to_string(outcome).map_err(|e| ServiceError::Internal(e.to_string()))?;
    evaluations::mark(tx, LAST_SYNC_KEY, &text).await?;
    Ok(())
}

/// The failure kept and audited in a transaction of its own: the record
/// itself is not touched.
async fn record_failure(
    db: &Db,
    clock: &dyn Clock,
    actor: &Actor,
    message: &str,
) -> ServiceResult<()> {
    let now = clock.now_millis();
    let outcome = SyncOutcome {
        at: now,
        ok: false,
        error: Some(message.to_string()),
        by: actor.name.clone(),
        counts: SyncCounts::default(),
        skipped: Vec::new(),
    };
    let mut tx = db.begin().await?;
    audit::append(
        &mut tx,
        now,
        NewEvent {
            actor: &actor.name,
            action: "directory.sync_failed",
            entity: "directory",
            entity_id: None,
            before: None,
            after: Some(json!({"error": message})),
        },
    )
    .await?;
    mark_outcome(&mut tx, &outcome).await?;
    tx.commit().await?;
    Ok(())
}

/// A directory sign-in's failure as the service reports it.
pub(crate) fn sign_in_error(error: DirectoryError) -> ServiceError {
    match error {
        DirectoryError::WrongCredentials => {
            ServiceError::Unauthorized("wrong username or password".into())
        }
        DirectoryError::Unavailable(detail) | DirectoryError::Unusable(detail) => {
            tracing::warn!(error = %detail, "directory sign-in could not be checked");
            ServiceError::Unavailable(
                "the directory is unavailable; directory accounts cannot sign in now".into(),
            )
        }
    }
}
