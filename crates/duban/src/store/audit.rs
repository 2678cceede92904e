//! The audit chain: append inside the caller's transaction, verify end to end.

use sqlx::Row;

use super::{Db, StoreError, StoreResult, Tx};
use crate::domain::audit::{EventFields, event_hash};
use crate::{on_db, on_tx};

/// A change to record.
#[derive(Debug, Clone)]
pub struct NewEvent<'a> {
    pub actor: &'a str,
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_id: Option<i64>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

/// Appends an event to the chain in the caller's transaction. The head row is
/// locked first, so concurrent writers append one after another.
pub async fn append(tx: &mut Tx, at: i64, event: NewEvent<'_>) -> StoreResult<i64> {
    let (last_id, prev_hash): (i64, String) = match tx {
        Tx::Sqlite(conn, _) => {
            // BEGIN IMMEDIATE already holds SQLite's write lock.
            let row = sqlx::query("SELECT last_event_id, hash FROM audit_head WHERE id = 1")
                .fetch_one(&mut **conn)
                .await?;
            (row.try_get(0)?, row.try_get(1)?)
        }
        Tx::Postgres(conn) => {
            let row =
                sqlx::query("SELECT last_event_id, hash FROM audit_head WHERE id = 1 FOR UPDATE")
                    .fetch_one(&mut **conn)
                    .await?;
            (row.try_get(0)?, row.try_get(1)?)
        }
    };
    let id = last_id + 1;
    let before = event.before.as_ref().map(serde_json::Value::to_string);
    let after = event.after.as_ref().map(serde_json::Value::to_string);
    let hash = event_hash(
        &prev_hash,
        &EventFields {
            id,
            at,
            actor: event.actor,
            action: event.action,
            entity: event.entity,
            entity_id: event.entity_id,
            before_json: before.as_deref(),
            after_json: after.as_deref(),
        },
    );
    on_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO audit_events (id, at, actor, action, entity, entity_id, before_json, after_json, prev_hash, hash) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(id)
        .bind(at)
        .bind(event.actor)
        .bind(event.action)
        .bind(event.entity)
        .bind(event.entity_id)
        .bind(&before)
        .bind(&after)
        .bind(&prev_hash)
        .bind(&hash)
        .execute(&mut **conn)
        .await?;
        sqlx::query("UPDATE audit_head SET last_event_id = $1, hash = $2 WHERE id = 1")
            .bind(id)
            .bind(&hash)
            .execute(&mut **conn)
            .await?;
    });
    Ok(id)
}

/// What `duban audit verify` found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    /// Events read.
    pub events: i64,
    /// The first break in the chain, if any: (event id, what is wrong).
    pub broken: Option<(i64, String)>,
}

const PAGE: i64 = 2_000;

/// Walks the whole chain in order and names the first event whose row was
/// altered or removed, or the point after which the newest events were cut.
pub async fn verify(db: &Db) -> StoreResult<Verification> {
    let mut expected_id = 1i64;
    let mut prev_hash = String::new();
    let mut events = 0i64;
    loop {
        let rows: Vec<StoredEvent> = on_db!(db, pool => {
            let rows = sqlx::query(
                "SELECT id, at, actor, action, entity, entity_id, before_json, after_json, prev_hash, hash \
                 FROM audit_events WHERE id >= $1 ORDER BY id LIMIT $2",
            )
            .bind(expected_id)
            .bind(PAGE)
            .fetch_all(pool)
            .await?;
            rows.iter().map(|row| -> StoreResult<StoredEvent> {
                Ok(StoredEvent {
                    id: row.try_get(0)?,
                    at: row.try_get(1)?,
                    actor: row.try_get(2)?,
                    action: row.try_get(3)?,
                    entity: row.try_get(4)?,
                    entity_id: row.try_get(5)?,
                    before_json: row.try_get(6)?,
                    after_json: row.try_get(7)?,
                    prev_hash: row.try_get(8)?,
                    hash: row.try_get(9)?,
                })
            }).collect::<StoreResult<Vec<_>>>()?
        });
        let page_len = rows.len() as i64;
        for event in rows {
            if event.id != expected_id {
                return Ok(broken(events, expected_id, "the event was removed"));
            }
            if event.prev_hash != prev_hash {
                return Ok(broken(
                    events,
                    event.id,
                    "its link to the event before was altered",
                ));
            }
            let recomputed = event_hash(&prev_hash, &event.fields());
            if recomputed != event.hash {
                return Ok(broken(
                    events,
                    event.id,
                    "the row was altered after it was written",
                ));
            }
            events += 1;
            expected_id += 1;
            prev_hash = event.hash;
        }
        if page_len < PAGE {
            break;
        }
    }
    let head = on_db!(db, pool => {
        let row = sqlx::query("SELECT last_event_id, hash FROM audit_head WHERE id = 1")
            .fetch_optional(pool)
            .await?
            .ok_or_else(|| StoreError::Corrupt("the audit head row is missing".into()))?;
        (row.try_get::<i64, _>(0)?, row.try_get::<String, _>(1)?)
    });
    if head.0 != expected_id - 1 || head.1 != prev_hash {
        return Ok(broken(
            events,
            expected_id,
            &format!(
                "events after {} were removed (the chain head records event {})",
                expected_id - 1,
                head.0
            ),
        ));
    }
    Ok(Verification {
        events,
        broken: None,
    })
}

fn broken(events: i64, id: i64, what: &str) -> Verification {
    Verification {
        events,
        broken: Some((id, what.to_string())),
    }
}

struct StoredEvent {
    id: i64,
    at: i64,
    actor: String,
    action: String,
    entity: String,
    entity_id: Option<i64>,
    before_json: Option<String>,
    after_json: Option<String>,
    prev_hash: String,
    hash: String,
}

impl StoredEvent {
    fn fields(&self) -> EventFields<'_> {
        EventFields {
            id: self.id,
            at: self.at,
            actor: &self.actor,
            action: &self.action,
            entity: &self.entity,
            entity_id: self.entity_id,
            before_json: self.before_json.as_deref(),
            after_json: self.after_json.as_deref(),
        }
    }
}

/// One line of a record's history, without the before/after detail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryRow {
    pub id: i64,
    pub at: i64,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<i64>,
}

/// The history of a task, newest first: events on the task and on every
/// record hanging from it (assignments, measures, reports and their evidence,
/// findings, evaluations, difficulties, situation reports, notes).
pub async fn task_history(db: &Db, task_id: i64, limit: i64) -> StoreResult<Vec<HistoryRow>> {
    const ASSIGNMENTS: &str = "SELECT id FROM assignments WHERE task_id = $1";
    // One indexed lookup per kind of record (audit_events_entity), joined:
    // a single WHERE with eleven ORs was planned as a scan of the whole
    // chain, newest first, and the chain grows with every change.
    let of = |entity: &str, ids: &str| {
        format!("SELECT id FROM audit_events WHERE entity = '{entity}' AND entity_id IN ({ids})")
    };
    let branches = [
        of("task", "$1"),
        of("assignment", ASSIGNMENTS),
        of(
            "measure",
            &format!("SELECT id FROM measures WHERE assignment_id IN ({ASSIGNMENTS})"),
        ),
        of(
            "progress_report",
            &format!("SELECT id FROM progress_reports WHERE assignment_id IN ({ASSIGNMENTS})"),
        ),
        of(
            "attachment",
            &format!(
                "SELECT x.id FROM attachments x JOIN progress_reports p ON p.id = x.report_id \
                 WHERE p.assignment_id IN ({ASSIGNMENTS})"
            ),
        ),
        of(
            "finding",
            &format!("SELECT id FROM findings WHERE assignment_id IN ({ASSIGNMENTS})"),
        ),
        of(
            "evaluation",
            &format!("SELECT id FROM evaluations WHERE assignment_id IN ({ASSIGNMENTS})"),
        ),
        of(
            "difficulty",
            &format!("SELECT id FROM difficulties WHERE assignment_id IN ({ASSIGNMENTS})"),
        ),
        of(
            "situation_report",
            "SELECT id FROM situation_reports WHERE task_id = $1",
        ),
        of("task_note", "SELECT id FROM task_notes WHERE task_id = $1"),
        of("target", "SELECT id FROM targets WHERE task_id = $1"),
    ];
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT id, at, actor, action, entity, entity_id FROM audit_events WHERE id IN ({}) \
         ORDER BY id DESC LIMIT $2",
        branches.join(" UNION ALL ")
    ));
    Ok(on_db!(db, pool => {
        sqlx::query(sql)
            .bind(task_id)
            .bind(limit)
            .fetch_all(pool)
            .await?
            .iter()
            .map(|r| -> StoreResult<HistoryRow> {
                Ok(HistoryRow {
                    id: r.try_get(0)?,
                    at: r.try_get(1)?,
                    actor: r.try_get(2)?,
                    action: r.try_get(3)?,
                    entity: r.try_get(4)?,
                    entity_id: r.try_get(5)?,
                })
            })
            .collect::<StoreResult<Vec<_>>>()?
    }))
}

/// The id of the newest event: every recorded change moves it, so it tells
/// a cache built from the record whether anything has changed since (on
/// every server that shares the database).
pub async fn last_event_id(db: &Db) -> StoreResult<i64> {
    Ok(on_db!(db, pool => {
        sqlx::query("SELECT last_event_id FROM audit_head WHERE id = 1")
            .fetch_optional(pool)
            .await?
            .map(|r| r.try_get::<i64, _>(0))
            .transpose()?
            .unwrap_or(0)
    }))
}
