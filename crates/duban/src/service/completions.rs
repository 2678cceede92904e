//! 办结 and 复核: the unit submits a completion report with its evidence,
//! which declares the work done; the office accepts it (办结, classed on time
//! or late against the unit's deadline in force) or sends it back (驳回) with
//! a reason, through the assignment's own verify and reject moves.

use serde_json::json;
use sha2::Digest;

use super::{ServiceError, ServiceResult, record, text};
use crate::clock::Clock;
use crate::domain::assignment::{Move, deadline_in_force};
use crate::domain::light::china_date;
use crate::domain::roles::Actor;
use crate::store::completions::{self, CompletionRow, FileRow, NewFile};
use crate::store::{Db, Tx, assignments, handover};

/// Whether work submitted on `submitted_on` met `deadline`: "on_time" or "late".
pub fn outcome(
    submitted_on: jiff::civil::Date,
    deadline: Option<jiff::civil::Date>,
) -> &'static str {
    match deadline {
        Some(d) if submitted_on > d => "late",
        _ => "on_time",
    }
}

/// How a unit's work ended, as the ledger classes it: the accepted
/// completion's outcome (on_time, late), "not_completed" once the deadline in
/// force has passed without verified work, else nothing yet.
pub fn result(
    state: &str,
    accepted: Option<&str>,
    deadline: Option<jiff::civil::Date>,
    today: jiff::civil::Date,
) -> Option<&'static str> {
    if state == "verified" {
        return match accepted {
            Some("late") => Some("late"),
            Some(_) => Some("on_time"),
            None => None,
        };
    }
    deadline.filter(|d| today > *d).map(|_| "not_completed")
}

/// Each assignment's result on an item (`result`), in the same order, from
/// its accepted completion and its deadline in force.
pub fn results_of(
    item: &crate::store::items::ItemRow,
    assignments: &[crate::store::assignments::AssignmentRow],
    completions: &[(CompletionRow, Vec<FileRow>)],
    today: jiff::civil::Date,
) -> Vec<Option<&'static str>> {
    assignments
        .iter()
        .map(|a| {
            let accepted = completions
                .iter()
                .rev()
                .find(|(c, _)| c.assignment_id == a.id && c.decision.as_deref() == Some("accepted"))
                .and_then(|(c, _)| c.outcome.as_deref());
            let deadline = deadline_in_force(
                a.extended_to.as_deref(),
                item.deadline.as_deref(),
                // The register's year is the item's.
                Some(item.year),
            );
            result(&a.state, accepted, deadline, today)
        })
        .collect()
}

/// How an item stands as a whole: 按期办结 when every unit's work was
/// accepted on time, 逾期办结 when all were accepted and one late, 逾期未办结
/// when one is past its deadline undone, else 办理中.
pub fn item_result(results: &[Option<&str>]) -> &'static str {
    if results.contains(&Some("not_completed")) {
        "not_completed"
    } else if !results.is_empty() && results.iter().all(|r| r.is_some()) {
        if results.contains(&Some("late")) {
            "late"
        } else {
            "on_time"
        }
    } else {
        "running"
    }
}

/// The unit's completion report (办结申请): a summary and evidence files,
/// every file checked before anything is written. It declares the work done.
pub async fn complete(
    db: &Db,
    clock: &dyn Clock,
    actor: &Actor,
    assignment_id: i64,
    version: i64,
    summary: &str,
    files: &[(&str, &[u8])],
) -> ServiceResult<CompletionRow> {
    let summary = text("summary", summary, 4_000)?;
    // Every file checked before anything is written; their kinds kept for storing.
    let kinds = files
        .iter()
        .map(|(name, content)| {
            crate::domain::evidence::check(name, content)
                .map_err(|message| ServiceError::field("file", format!("{name}: {message}")))
        })
        .collect::<ServiceResult<Vec<_>>>()?;
    let now = clock.now_millis();
    let lights = super::lights::Refresher::load(db, clock).await?;
    let mut tx = db.begin().await?;
    if files.is_empty() && completions::evidence_required(&mut tx, assignment_id).await? {
        return Err(ServiceError::field(
            "file",
            "this item's completion needs evidence: attach at least one file",
        ));
    }
    let assignment = super::assignments::make_move(
        &mut tx,
        now,
        actor,
        assignment_id,
        version,
        Move::DeclareDone,
        None,
    )
    .await?;
    let (task_deadline, year) = handover::deadline_parts(&mut tx, assignment_id).await?;
    let deadline = deadline_in_force(
        assignment.extended_to.as_deref(),
        task_deadline.as_deref(),
        year,
    )
    .map(|d| d.to_string());
    let id = completions::insert(
        &mut tx,
        assignment_id,
        &summary,
        &actor.name,
        now,
        deadline.as_deref(),
    )
    .await?;
    let mut stored = Vec::new();
    for ((name, content), kind) in files.iter().zip(kinds) {
        let sha256 = hex::encode(sha2::Sha256::digest(content));
        completions::insert_file(
            &mut tx,
            &NewFile {
                completion_id: id,
                file_name: name.trim(),
                content_type: kind.content_type(),
                sha256: &sha256,
                content,
                uploaded_by: &actor.name,
            },
            now,
        )
        .await?;
        // The hashes tie the stored files to the record.
        stored.push(json!({"file_name": name.trim(), "size": content.len(), "sha256": sha256}));
    }
    record(
        &mut tx,
        now,
        actor,
        "completion.submit",
        "completion",
        id,
        json!({"assignment_id": assignment_id, "summary": summary, "deadline": deadline, "files": stored}),
    )
    .await?;
    lights.assignments(&mut tx, &[assignment_id]).await?;
    let row = completions::waiting_of(&mut tx, assignment_id)
        .await?
        .ok_or_else(|| ServiceError::Internal(format!("completion {id} vanished")))?;
    tx.commit().await?;
    Ok(row)
}

/// Decides the completion report waiting on an assignment as the office
/// verifies the work (accepted, with its outcome) or sends it back
/// (rejected, with the reason). Work declared done without a report has
/// none to decide.
pub(super) async fn decide_waiting(
    tx: &mut Tx,
    now: i64,
    actor: &Actor,
    assignment_id: i64,
    mv: Move,
    reason: Option<&str>,
) -> ServiceResult<Option<&'static str>> {
    let Some(waiting) = completions::waiting_of(tx, assignment_id).await? else {
        return Ok(None);
    };
    let (decision, outcome) = if mv == Move::Verify {
        let submitted_on = china_date(waiting.submitted_at)
            .ok_or_else(|| ServiceError::Invalid("a completion's time is out of range".into()))?;
        let deadline = waiting.deadline.as_deref().and_then(|d| d.parse().ok());
        ("accepted", Some(outcome(submitted_on, deadline)))
    } else {
        ("rejected", None)
    };
    completions::decide(tx, waiting.id, decision, outcome, &actor.name, now, reason).await?;
    Ok(outcome)
}

/// An assignment's completion reports with their files; a liaison reads its own unit's.
pub async fn of_assignment(
    db: &Db,
    actor: &Actor,
    assignment_id: i64,
) -> ServiceResult<Vec<(CompletionRow, Vec<FileRow>)>> {
    let assignment = assignments::read(db, assignment_id).await?;
    super::may_read_unit(actor, assignment.unit_id, "completion reports")?;
    Ok(completions::of_assignments(db, &[assignment_id]).await?)
}

/// One evidence file of a completion, for those who may read its unit's record.
pub async fn file(db: &Db, actor: &Actor, id: i64) -> ServiceResult<(FileRow, Vec<u8>)> {
    let (row, content, assignment_id) = completions::file(db, id)
        .await?
        .ok_or_else(|| ServiceError::NotFound(format!("completion file {id}")))?;
    let assignment = assignments::read(db, assignment_id).await?;
    super::may_read_unit(actor, assignment.unit_id, "evidence")?;
    Ok((row, content))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn work_is_on_time_up_to_its_deadline_and_late_after() {
        let d = |t: &str| t.parse::<jiff::civil::Date>().unwrap();
        assert_eq!(outcome(d("2021-07-05"), Some(d("2021-07-05"))), "on_time");
        assert_eq!(outcome(d("2021-07-06"), Some(d("2021-07-05"))), "late");
        assert_eq!(outcome(d("2022-01-06"), None), "on_time");
    }

    #[test]
    fn results_are_on_time_late_or_not_completed() {
        let d = |t: &str| t.parse::<jiff::civil::Date>().unwrap();
        let today = d("2021-07-10");
        assert_eq!(result("verified", Some("late"), None, today), Some("late"));
        assert_eq!(
            result("verified", Some("on_time"), None, today),
            Some("on_time")
        );
        assert_eq!(result("verified", None, None, today), None);
        assert_eq!(
            result("in_progress", None, Some(d("2021-07-05")), today),
            Some("not_completed")
        );
        assert_eq!(result("done", None, Some(d("2021-07-31")), today), None);
    }
}
