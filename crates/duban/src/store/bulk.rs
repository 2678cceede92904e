//! Bulk loading for the benchmark generator (`duban bench gen`): many rows
//! per INSERT, within the bind-parameter limits of both backends, and the
//! reads the generator needs of what the import service wrote.

use sqlx::Row;

use super::{StoreResult, Tx, placeholders};
use crate::on_tx;

/// One value of a row to insert, typed so that PostgreSQL knows a NULL's type.
#[derive(Debug, Clone)]
pub enum Cell {
    Int(i64),
    OptInt(Option<i64>),
    Real(f64),
    Text(String),
}

/// SQLite allows 32766 parameters per statement, PostgreSQL 65535.
const MAX_PARAMETERS: usize = 30_000;
/// Rows per INSERT. Binding slows down past a few hundred parameters per
/// statement with sqlx's SQLite driver (measured: 5,000 six-column rows took
/// over a second in one statement); a few hundred rows keep round trips few.
const ROWS_PER_STATEMENT: usize = 200;

/// Inserts `rows` into `table`, as many to a statement as the limits allow.
/// `table` and `columns` are the caller's constants, never user input.
pub async fn insert(
    tx: &mut Tx,
    table: &'static str,
    columns: &[&'static str],
    rows: &[Vec<Cell>],
) -> StoreResult<()> {
    let per_statement = (MAX_PARAMETERS / columns.len().max(1)).clamp(1, ROWS_PER_STATEMENT);
    for chunk in rows.chunks(per_statement) {
        let values = super::row_placeholders(chunk.len(), columns.len());
        let sql = sqlx::AssertSqlSafe(format!(
            "INSERT INTO {table} ({}) VALUES {values}",
            columns.join(", ")
        ));
        on_tx!(tx, conn => {
            let mut query = sqlx::query(sql);
            for cell in chunk.iter().flatten() {
                query = match cell {
                    Cell::Int(v) => query.bind(*v),
                    Cell::OptInt(v) => query.bind(*v),
                    Cell::Real(v) => query.bind(*v),
                    Cell::Text(v) => query.bind(v.as_str()),
                };
            }
            query.execute(&mut **conn).await?;
        });
    }
    Ok(())
}

/// After rows were inserted with their own ids, PostgreSQL's identity
/// sequence must move past them (SQLite takes the largest id by itself).
pub async fn move_identity_past(tx: &mut Tx, table: &'static str) -> StoreResult<()> {
    if let Tx::Postgres(conn) = tx {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
        ));
        sqlx::query(sql).execute(&mut **conn).await?;
    }
    Ok(())
}

/// The largest id in `table`, 0 when empty.
pub async fn max_id(tx: &mut Tx, table: &'static str) -> StoreResult<i64> {
    let sql = sqlx::AssertSqlSafe(format!("SELECT COALESCE(MAX(id), 0) FROM {table}"));
    Ok(on_tx!(tx, conn => sqlx::query(sql).fetch_one(&mut **conn).await?.try_get::<i64, _>(0)?))
}

/// Whether the database already holds plans or accounts: the generator
/// writes only into an empty one.
pub async fn holds_data(tx: &mut Tx) -> StoreResult<bool> {
    Ok(on_tx!(tx, conn => {
        sqlx::query("SELECT (SELECT COUNT(*) FROM plans) + (SELECT COUNT(*) FROM users)")
            .fetch_one(&mut **conn)
            .await?
            .try_get::<i64, _>(0)?
            > 0
    }))
}

/// One imported assignment: (id, unit, plan year, task deadline, task title, task id).
pub type AssignmentLine = (i64, i64, i64, Option<String>, String, i64);

/// Every assignment with what the generator derives its work from, in id order.
pub async fn assignment_lines(tx: &mut Tx) -> StoreResult<Vec<AssignmentLine>> {
    Ok(on_tx!(tx, conn => {
        sqlx::query(
            "SELECT a.id, a.unit_id, COALESCE(p.year, 0), t.deadline_date, t.title, t.id \
             FROM assignments a JOIN tasks t ON t.id = a.task_id JOIN plans p ON p.id = t.plan_id \
             ORDER BY a.id",
        )
        .fetch_all(&mut **conn)
        .await?
        .iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?, r.try_get(3)?, r.try_get(4)?, r.try_get(5)?)))
        .collect::<StoreResult<Vec<_>>>()?
    }))
}

/// Every target with a figure: (id, task id, value).
pub async fn target_lines(tx: &mut Tx) -> StoreResult<Vec<(i64, i64, f64)>> {
    Ok(on_tx!(tx, conn => {
        sqlx::query("SELECT id, task_id, value FROM targets WHERE value IS NOT NULL ORDER BY id")
            .fetch_all(&mut **conn)
            .await?
            .iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)))
            .collect::<StoreResult<Vec<_>>>()?
    }))
}

/// Every unit's id, in id order.
pub async fn unit_ids(tx: &mut Tx) -> StoreResult<Vec<i64>> {
    Ok(on_tx!(tx, conn => {
        sqlx::query("SELECT id FROM units WHERE is_group = FALSE ORDER BY id")
            .fetch_all(&mut **conn)
            .await?
            .iter()
            .map(|r| r.try_get::<i64, _>(0))
            .collect::<Result<Vec<_>, _>>()?
    }))
}

/// Moves these assignments to `state` (claimed, in progress, …) at once.
pub async fn set_states(tx: &mut Tx, state: &str, ids: &[i64]) -> StoreResult<()> {
    for chunk in ids.chunks(MAX_PARAMETERS / 30) {
        let sql = sqlx::AssertSqlSafe(format!(
            "UPDATE assignments SET state = $1 WHERE id IN ({})",
            placeholders(chunk.len() + 1)
                .split_once(", ")
                .map_or(String::new(), |(_, rest)| rest.to_string())
        ));
        on_tx!(tx, conn => {
            let mut query = sqlx::query(sql).bind(state);
            for id in chunk {
                query = query.bind(*id);
            }
            query.execute(&mut **conn).await?;
        });
    }
    Ok(())
}

/// The live tasks of these plans, in plan order.
pub async fn task_ids_of(tx: &mut Tx, plan_ids: &[i64]) -> StoreResult<Vec<i64>> {
    if plan_ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT id FROM tasks WHERE removed_in IS NULL AND plan_id IN ({}) ORDER BY plan_id, position",
        placeholders(plan_ids.len())
    ));
    Ok(on_tx!(tx, conn => {
        super::bind_all(sqlx::query(sql), plan_ids)
            .fetch_all(&mut **conn)
            .await?
            .iter()
            .map(|r| r.try_get::<i64, _>(0))
            .collect::<Result<Vec<_>, _>>()?
    }))
}

/// Gathers the query planner's statistics after a bulk load, as a
/// production database would have them. (SQLite is built without STAT4,
/// see `.cargo/config.toml`: `sqlite_stat1` only.)
pub async fn analyze(db: &super::Db) -> StoreResult<()> {
    crate::on_db!(db, pool => {
        sqlx::query("ANALYZE").execute(pool).await?;
    });
    Ok(())
}
