//! Importing an edited ledger (台账 .xlsx) in steps: the upload is checked
//! whole and kept only when every row is valid; its preview shows the
//! measures it adds and edits and the progress reports it submits (进展情况,
//! see `ledger_progress`); confirming applies exactly those changes in one
//! transaction. The lights (状态) are not read back: they are recomputed.

use serde_json::json;
use sha2::{Digest, Sha256};

use super::ledger_diff::{ChangeKind, Checked, LedgerDiff, check};
use super::{ServiceError, ServiceResult, record};
use crate::clock::Clock;
use crate::domain::assignment::State;
use crate::domain::roles::{Actor, Role};
use crate::store::assignments::{self, MeasureFields};
use crate::store::audit::{self, NewEvent};
use crate::store::uploads::{self, NewUpload, Shelf, Upload};
use crate::store::{Db, StoreError};

/// Uploads nobody came back to are removed after this long.
const KEEP_MILLIS: i64 = 7 * 24 * 3600 * 1000;

/// The office's administrator and units' liaisons edit measures, so they import ledgers.
pub fn may_import(actor: &Actor) -> bool {
    matches!(actor.role, Role::Admin | Role::Liaison)
}

fn require(actor: &Actor) -> ServiceResult<()> {
    if may_import(actor) {
        Ok(())
    } else {
        Err(ServiceError::Forbidden(format!(
            "{} ({}) may not import a ledger: measures are edited by the unit's liaison or the administrator",
            actor.name, actor.role
        )))
    }
}

/// Checks an uploaded ledger and keeps it for its preview: the upload's id,
/// or every reason it is refused (nothing is kept then).
pub async fn keep_upload(
    db: &Db,
    clock: &dyn Clock,
    actor: &Actor,
    file_name: &str,
    bytes: &[u8],
) -> ServiceResult<Result<i64, Vec<String>>> {
    require(actor)?;
    let uploader_id = super::imports::actor_id(db, actor).await?;
    let diff = match check(db, clock, actor, bytes).await? {
        Ok(diff) => diff,
        Err(errors) => return Ok(Err(errors)),
    };
    let base = file_name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(file_name)
        .trim();
    let file_name: String = base.chars().take(200).collect();
    let sha256 = hex::encode(Sha256::digest(bytes));
    let now = clock.now_millis();
    let mut tx = db.begin().await?;
    uploads::delete_older_than(&mut tx, Shelf::Ledgers, now - KEEP_MILLIS).await?;
    let new = NewUpload {
        uploader_id,
        plan_id: Some(diff.plan.id),
        file_name: &file_name,
        content: bytes,
        sha256: &sha256,
    };
    let id = uploads::insert(&mut tx, Shelf::Ledgers, &new, now).await?;
    let after = json!({"file_name": file_name, "sha256": sha256, "size": bytes.len(),
                       "plan_id": diff.plan.id, "changes": diff.changes.len(),
                       "progress": diff.progress.len()});
    record(
        &mut tx,
        now,
        actor,
        "ledger.upload",
        "ledger_upload",
        id,
        after,
    )
    .await?;
    tx.commit().await?;
    Ok(Ok(id))
}

async fn upload(db: &Db, actor: &Actor, id: i64) -> ServiceResult<(i64, Upload)> {
    require(actor)?;
    let uploader_id = super::imports::actor_id(db, actor).await?;
    let found = uploads::find(db, Shelf::Ledgers, id, uploader_id)
        .await?
        .ok_or_else(|| ServiceError::NotFound(format!("ledger upload {id}")))?;
    Ok((uploader_id, found))
}

/// The upload's file name and what it would change now (the record may
/// have moved since it was uploaded).
pub async fn preview(
    db: &Db,
    clock: &dyn Clock,
    actor: &Actor,
    id: i64,
) -> ServiceResult<(String, Checked)> {
    let (_, found) = upload(db, actor, id).await?;
    Ok((
        found.file_name.clone(),
        check(db, clock, actor, &found.content).await?,
    ))
}

/// What an applied import did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    pub plan_id: i64,
    pub added: usize,
    pub edited: usize,
    /// Progress reports submitted.
    pub reported: usize,
}

/// Applies the upload's changes, all or none, if they are still the ones
/// previewed (`fingerprint`).
pub async fn apply(
    db: &Db,
    clock: &dyn Clock,
    actor: &Actor,
    id: i64,
    fingerprint: &str,
) -> ServiceResult<Applied> {
    let (uploader_id, found) = upload(db, actor, id).await?;
    let diff: LedgerDiff = match check(db, clock, actor, &found.content).await? {
        Ok(diff) => diff,
        Err(errors) => return Err(ServiceError::Invalid(errors.join("\n"))),
    };
    if diff.fingerprint != fingerprint {
        return Err(ServiceError::Transition(
            "the record changed since the preview: look at the preview again before applying"
                .into(),
        ));
    }
    let now = clock.now_millis();
    let lights = super::lights::Refresher::load(db, clock).await?;
    let mut tx = db.begin().await?;
    if !uploads::delete(&mut tx, Shelf::Ledgers, id, uploader_id).await? {
        return Err(ServiceError::NotFound(format!("ledger upload {id}")));
    }
    let (mut added, mut edited, mut touched) = (0, 0, Vec::new());
    for change in &diff.changes {
        let a = &change.after;
        let deadline = a.deadline.to_string();
        let mut fields = MeasureFields {
            description: &a.description,
            responsible_person: &a.responsible_person,
            deadline: &deadline,
            done_at: a.done.then_some(now),
        };
        let after = json!({"assignment_id": change.assignment_id, "description": a.description,
            "responsible_person": a.responsible_person, "deadline": deadline, "done": a.done,
            "via": "ledger import", "ledger_upload": id, "row": change.row});
        match &change.kind {
            ChangeKind::Add => {
                let assignment = assignments::get(&mut tx, change.assignment_id).await?;
                let measure_id =
                    assignments::add_measure(&mut tx, change.assignment_id, &fields, now).await?;
                record(
                    &mut tx,
                    now,
                    actor,
                    "measure.add",
                    "measure",
                    measure_id,
                    after,
                )
                .await?;
                if assignment.state == State::Claimed.as_str() {
                    assignments::set_state(
                        &mut tx,
                        assignment.id,
                        assignment.version,
                        State::InProgress.as_str(),
                        assignment.note.as_deref(),
                    )
                    .await?;
                    let event = NewEvent {
                        actor: &actor.name,
                        action: "assignment.start",
                        entity: "assignment",
                        entity_id: Some(assignment.id),
                        before: Some(json!({"state": "claimed"})),
                        after: Some(json!({"state": "in_progress", "by": "first measure"})),
                    };
                    audit::append(&mut tx, now, event).await?;
                }
                added += 1;
            }
            ChangeKind::Edit {
                measure_id,
                version,
                before,
            } => {
                let current = assignments::get_measure(&mut tx, *measure_id).await?;
                if current.version != *version {
                    return Err(ServiceError::Store(StoreError::Conflict {
                        entity: "measure",
                        id: *measure_id,
                        expected: *version,
                    }));
                }
                // A done measure edited again keeps its completion time.
                fields.done_at = if a.done {
                    current.done_at.or(Some(now))
                } else {
                    None
                };
                assignments::update_measure(&mut tx, *measure_id, *version, &fields).await?;
                let before = json!({"description": before.description,
                    "responsible_person": before.responsible_person,
                    "deadline": before.deadline.to_string(), "done": before.done, "version": version});
                let event = NewEvent {
                    actor: &actor.name,
                    action: "measure.update",
                    entity: "measure",
                    entity_id: Some(*measure_id),
                    before: Some(before),
                    after: Some(after),
                };
                audit::append(&mut tx, now, event).await?;
                edited += 1;
            }
        }
        touched.push(change.assignment_id);
    }
    for change in &diff.progress {
        super::ledger_progress::apply(&mut tx, &lights, now, actor, id, change).await?;
        touched.push(change.assignment_id);
    }
    touched.sort_unstable();
    touched.dedup();
    let summary = json!({"file_name": found.file_name, "sha256": found.sha256,
        "plan_id": diff.plan.id, "added": added, "edited": edited,
        "reported": diff.progress.len()});
    record(
        &mut tx,
        now,
        actor,
        "ledger.import",
        "ledger_upload",
        id,
        summary,
    )
    .await?;
    lights.assignments(&mut tx, &touched).await?;
    tx.commit().await?;
    Ok(Applied {
        plan_id: diff.plan.id,
        added,
        edited,
        reported: diff.progress.len(),
    })
}

/// Drops the upload without applying anything.
pub async fn discard(db: &Db, clock: &dyn Clock, actor: &Actor, id: i64) -> ServiceResult<()> {
    let (uploader_id, found) = upload(db, actor, id).await?;
    let now = clock.now_millis();
    let mut tx = db.begin().await?;
    uploads::delete(&mut tx, Shelf::Ledgers, id, uploader_id).await?;
    let after = json!({"file_name": found.file_name, "sha256": found.sha256});
    record(
        &mut tx,
        now,
        actor,
        "ledger.discard",
        "ledger_upload",
        id,
        after,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
