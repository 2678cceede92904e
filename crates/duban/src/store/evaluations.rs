//! Evaluations and the settings they are weighted by.

use sqlx::Row;

use super::{Db, StoreResult, Tx};
use crate::{on_db, on_tx};

pub async fn setting(db: &Db, key: &str) -> StoreResult<Option<(String, i64)>> {
    Ok(on_db!(db, pool => {
        sqlx::query("SELECT value, version FROM settings WHERE key = $1")
            .bind(key)
            .fetch_optional(pool)
            .await?
            .map(|r| -> StoreResult<(String, i64)> { Ok((r.try_get(0)?, r.try_get(1)?)) })
            .transpose()?
    }))
}

/// Several settings in one round trip: key → (value, version), for the keys
/// that are stored.
pub async fn settings(
    db: &Db,
    keys: &[&str],
) -> StoreResult<std::collections::HashMap<String, (String, i64)>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT key, value, version FROM settings WHERE key IN ({})",
        super::placeholders(keys.len())
    ));
    Ok(on_db!(db, pool => {
        super::bind_all(sqlx::query(sql), keys)
            .fetch_all(pool)
            .await?
            .iter()
            .map(|r| -> StoreResult<(String, (String, i64))> {
                Ok((r.try_get(0)?, (r.try_get(1)?, r.try_get(2)?)))
            })
            .collect::<StoreResult<_>>()?
    }))
}

/// A setting read inside a transaction (its value only).
pub async fn setting_in(tx: &mut Tx, key: &str) -> StoreResult<Option<String>> {
    Ok(on_tx!(tx, conn => {
        sqlx::query("SELECT value FROM settings WHERE key = $1")
            .bind(key)
            .fetch_optional(&mut **conn)
            .await?
            .map(|r| r.try_get::<String, _>(0))
            .transpose()?
    }))
}

/// Writes a marker setting that nobody edits (the day something was last
/// done), whatever its version: no form was drawn on it.
pub async fn mark(tx: &mut Tx, key: &str, value: &str) -> StoreResult<()> {
    on_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO settings (key, value) VALUES ($1, $2) \
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        )
        .bind(key)
        .bind(value)
        .execute(&mut **conn)
        .await?;
    });
    Ok(())
}

/// Writes a setting if it is still at `version` (0: not set yet).
pub async fn put_setting(tx: &mut Tx, key: &str, value: &str, version: i64) -> StoreResult<i64> {
    let changed = on_tx!(tx, conn => {
        if version == 0 {
            sqlx::query("INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING")
                .bind(key)
                .bind(value)
                .execute(&mut **conn)
                .await?
                .rows_affected()
        } else {
            sqlx::query("UPDATE settings SET value = $1, version = version + 1 WHERE key = $2 AND version = $3")
                .bind(value)
                .bind(key)
                .bind(version)
                .execute(&mut **conn)
                .await?
                .rows_affected()
        }
    });
    super::check_version(changed, "setting", 0, version)?;
    Ok(version + 1)
}

#[derive(Debug, Clone, PartialEq)]
pub struct EvaluationRow {
    pub id: i64,
    pub assignment_id: i64,
    pub round: String,
    pub body_id: i64,
    pub evaluator: String,
    pub scores: [f64; 4],
    pub weights: String,
    pub weighted: f64,
    pub comment: String,
}

#[derive(Debug, Clone)]
pub struct NewEvaluation<'a> {
    pub assignment_id: i64,
    pub round: &'a str,
    pub body_id: i64,
    pub evaluator: &'a str,
    pub scores: [f64; 4],
    pub weights: &'a str,
    pub weighted: f64,
    pub comment: &'a str,
}

/// Adds an evaluation; `None` when the body already evaluated the assignment in this round.
pub async fn create(tx: &mut Tx, new: &NewEvaluation<'_>, at: i64) -> StoreResult<Option<i64>> {
    Ok(on_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO evaluations (assignment_id, round, body_id, evaluator, completion, innovation, effect, attitude, \
             weights, weighted, comment, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) \
             ON CONFLICT (assignment_id, round, body_id) DO NOTHING RETURNING id",
        )
        .bind(new.assignment_id)
        .bind(new.round)
        .bind(new.body_id)
        .bind(new.evaluator)
        .bind(new.scores[0])
        .bind(new.scores[1])
        .bind(new.scores[2])
        .bind(new.scores[3])
        .bind(new.weights)
        .bind(new.weighted)
        .bind(new.comment)
        .bind(at)
        .fetch_optional(&mut **conn)
        .await?
        .map(|r| r.try_get::<i64, _>(0))
        .transpose()?
    }))
}

pub async fn of_assignment(db: &Db, assignment_id: i64) -> StoreResult<Vec<EvaluationRow>> {
    of_assignments(db, &[assignment_id]).await
}

/// The evaluations of several assignments, by assignment, each one's by
/// round and body, in one round trip.
pub async fn of_assignments(db: &Db, assignment_ids: &[i64]) -> StoreResult<Vec<EvaluationRow>> {
    if assignment_ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT id, assignment_id, round, body_id, evaluator, completion, innovation, effect, attitude, weights, weighted, comment \
         FROM evaluations WHERE assignment_id IN ({}) ORDER BY assignment_id, round, body_id",
        super::placeholders(assignment_ids.len())
    ));
    Ok(on_db!(db, pool => {
        super::bind_all(sqlx::query(sql), assignment_ids)
        .fetch_all(pool)
        .await?
        .iter()
        .map(|r| -> StoreResult<EvaluationRow> {
            Ok(EvaluationRow {
                id: r.try_get(0)?,
                assignment_id: r.try_get(1)?,
                round: r.try_get(2)?,
                body_id: r.try_get(3)?,
                evaluator: r.try_get(4)?,
                scores: [r.try_get(5)?, r.try_get(6)?, r.try_get(7)?, r.try_get(8)?],
                weights: r.try_get(9)?,
                weighted: r.try_get(10)?,
                comment: r.try_get(11)?,
            })
        })
        .collect::<StoreResult<Vec<_>>>()?
    }))
}
