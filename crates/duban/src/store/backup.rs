//! Backups and restores, one format for both backends: a backup is a SQLite
//! database file with the schema of this version.
//!
//! - SQLite → backup: `VACUUM INTO`, which reads one snapshot of the live
//!   file while writers go on, and writes a compact copy.
//! - PostgreSQL → backup: every table copied from one REPEATABLE READ
//!   snapshot into a new SQLite file.
//! - Backup → PostgreSQL: every table copied into an empty database in one
//!   transaction, the identity sequences moved past the restored ids.
//! - Backup → SQLite: `VACUUM INTO` the new file.
//!
//! Ids, hashes and timestamps are copied as they are, so the audit chain
//! verifies on the copy, and an office can move from SQLite to PostgreSQL
//! (or back) by a backup and a restore.

use std::path::Path;

use futures_util::TryStreamExt;
use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;
use sqlx::{Column, Row, TypeInfo, ValueRef};

use super::{Db, Snapshot, StoreError, StoreResult};
use crate::{on_db, on_tx};

/// Every table, parents before children: the order rows can be inserted in.
/// `tests/backup.rs` fails when a migration adds a table that is not here.
pub const TABLES: &[&str] = &[
    "supervision_bodies",
    "units",
    "users",
    "unit_aliases",
    "unit_group_members",
    "plans",
    "plan_revisions",
    "categories",
    "tasks",
    "targets",
    "target_milestones",
    "assignments",
    "document_numbers",
    "items",
    "item_units",
    "assignment_returns",
    "extensions",
    "completions",
    "completion_files",
    "measures",
    "progress_reports",
    "report_actuals",
    "report_sources",
    "cascades",
    "attachments",
    "inspections",
    "findings",
    "settings",
    "evaluations",
    "difficulties",
    "situation_reports",
    "task_notes",
    "pending_imports",
    "reminders",
    "notify_targets",
    "deliveries",
    "delivery_attempts",
    "notices",
    "red_spans",
    "period_reopenings",
    "public_pages",
    "leases",
    "calendar_feeds",
    "ledger_uploads",
    "sessions",
    "api_tokens",
    "login_failures",
    "audit_events",
    "audit_head",
];

/// Columns that point forward in [`TABLES`] (a unit's head is a user, a
/// user belongs to a unit): inserted empty, filled in once every row is in.
pub const FILLED_AFTER: &[(&str, &str)] = &[("units", "head_user_id"), ("units", "parent_id")];

/// Values bound to one INSERT at most. sqlx's SQLite driver looks each
/// parameter up by name among all of the statement's, so binding grows with
/// the square of their number: at 6,000 a statement it was 79 % of a
/// PostgreSQL backup's time.
const MAX_VALUES: usize = 1_000;

/// One table's rows copied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Copied {
    pub table: &'static str,
    pub rows: u64,
}

/// One cell, as either driver reads and binds it.
#[derive(Debug, Clone, PartialEq)]
enum Value {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
    Bool(bool),
    Bytes(Vec<u8>),
}

/// What a destination column takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Int,
    Real,
    Text,
    Bool,
    Bytes,
}

/// Writes a SQLite backup of `db` to `out`, which must not exist yet.
pub async fn backup(db: &Db, out: &Path) -> StoreResult<Vec<Copied>> {
    match db {
        Db::Sqlite(pool, _) => {
            vacuum_into(pool, out).await?;
            let copy = Db::connect(&sqlite_url(out)).await?;
            let counts = counts(&copy).await;
            copy.close().await;
            counts
        }
        Db::Postgres(_) => {
            let copy = Db::connect(&sqlite_url(out)).await?;
            let mut from = db.snapshot().await?;
            let copied = copy_all(&mut from, &copy).await;
            copy.close().await;
            copied
        }
    }
}

/// Restores the backup at `from` (an opened copy, migrated to this version)
/// into `to`: a new SQLite file, or an empty PostgreSQL database.
pub async fn restore(from: &Db, to: RestoreTarget<'_>) -> StoreResult<Vec<Copied>> {
    let Db::Sqlite(source, _) = from else {
        return Err(StoreError::Corrupt("a backup is a SQLite file".into()));
    };
    match to {
        RestoreTarget::SqliteFile(path) => {
            vacuum_into(source, path).await?;
            let restored = Db::connect(&sqlite_url(path)).await?;
            let counts = counts(&restored).await;
            restored.close().await;
            counts
        }
        RestoreTarget::Postgres(target) => {
            let mut snapshot = from.snapshot().await?;
            copy_all(&mut snapshot, target).await
        }
    }
}

/// Where a restore goes.
pub enum RestoreTarget<'a> {
    SqliteFile(&'a Path),
    Postgres(&'a Db),
}

/// True when the SQLite file at `path` is a Duban database (it has the
/// migrations' table and the audit chain's head), read without changing it.
pub async fn is_duban_file(path: &Path) -> bool {
    let options = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(path)
        .read_only(true);
    let Ok(mut conn) = sqlx::ConnectOptions::connect(&options).await else {
        return false;
    };
    let found: Result<i64, _> = sqlx::query_scalar(
        "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' \
         AND name IN ('_sqlx_migrations', 'audit_head')",
    )
    .fetch_one(&mut conn)
    .await;
    let _ = sqlx::Connection::close(conn).await;
    matches!(found, Ok(2))
}

/// True when the database holds no units, users or plans: a restore will not
/// mix a backup into an office's live record.
pub async fn is_empty(db: &Db) -> StoreResult<bool> {
    let sql = "SELECT (SELECT COUNT(*) FROM units) + (SELECT COUNT(*) FROM users) \
               + (SELECT COUNT(*) FROM plans)";
    let n: i64 = on_db!(db, pool => sqlx::query_scalar(sql).fetch_one(pool).await?);
    Ok(n == 0)
}

/// `PRAGMA integrity_check` of a SQLite database: `None` when it is ok,
/// otherwise what SQLite found.
pub async fn integrity_problem(db: &Db) -> StoreResult<Option<String>> {
    let Db::Sqlite(pool, _) = db else {
        return Ok(None);
    };
    let found: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_all(pool)
        .await?;
    Ok((found != ["ok"]).then(|| found.join("; ")))
}

/// Rows per table.
pub async fn counts(db: &Db) -> StoreResult<Vec<Copied>> {
    let mut counts = Vec::with_capacity(TABLES.len());
    for &table in TABLES {
        let sql = sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}"));
        let rows: i64 = on_db!(db, pool => sqlx::query_scalar(sql).fetch_one(pool).await?);
        counts.push(Copied {
            table,
            rows: rows as u64,
        });
    }
    Ok(counts)
}

/// The URL `Db::connect` opens the SQLite file at `path` by.
pub fn sqlite_url(path: &Path) -> String {
    format!("sqlite://{}", path.display())
}

async fn vacuum_into(pool: &sqlx::SqlitePool, out: &Path) -> StoreResult<()> {
    let path = out
        .to_str()
        .ok_or_else(|| StoreError::Corrupt(format!("{} is not UTF-8", out.display())))?;
    sqlx::query("VACUUM INTO $1")
        .bind(path)
        .execute(pool)
        .await?;
    Ok(())
}

/// Copies every table from `from` into `to` in one transaction of `to`,
/// replacing what its migrations seeded (the audit head's first row).
async fn copy_all(from: &mut Snapshot, to: &Db) -> StoreResult<Vec<Copied>> {
    let mut tx = to.begin().await?;
    for table in TABLES.iter().rev() {
        let sql = sqlx::AssertSqlSafe(format!("DELETE FROM {table}"));
        on_tx!(&mut tx, conn => {
            sqlx::query(sql).execute(&mut **conn).await?;
        });
    }
    let mut copied = Vec::with_capacity(TABLES.len());
    for &table in TABLES {
        let columns = columns_of(&mut tx, table).await?;
        let rows = copy_table(from, &mut tx, table, &columns).await?;
        copied.push(Copied { table, rows });
    }
    for (table, column) in FILLED_AFTER {
        fill_after(from, &mut tx, table, column).await?;
    }
    let mut identities = Vec::new();
    if let super::Tx::Postgres(conn) = &mut tx {
        for &table in TABLES {
            let has_identity: bool = sqlx::query_scalar(
                "SELECT EXISTS (SELECT 1 FROM information_schema.columns \
                 WHERE table_schema = current_schema() AND table_name = $1 \
                 AND column_name = 'id' AND is_identity = 'YES')",
            )
            .bind(table)
            .fetch_one(&mut **conn)
            .await?;
            if has_identity {
                identities.push(table);
            }
        }
    }
    for table in identities {
        super::bulk::move_identity_past(&mut tx, table).await?;
    }
    tx.commit().await?;
    Ok(copied)
}

/// The destination's columns and what each takes, in table order.
async fn columns_of(tx: &mut super::Tx, table: &str) -> StoreResult<Vec<(String, Kind)>> {
    let described: Vec<(String, String)> = match tx {
        super::Tx::Sqlite(conn, _) => {
            sqlx::query_as("SELECT name, type FROM pragma_table_info($1) ORDER BY cid")
                .bind(table)
                .fetch_all(&mut **conn)
                .await?
        }
        super::Tx::Postgres(conn) => {
            sqlx::query_as(
                "SELECT column_name::text, data_type::text FROM information_schema.columns \
                 WHERE table_schema = current_schema() AND table_name = $1 \
                 ORDER BY ordinal_position",
            )
            .bind(table)
            .fetch_all(&mut **conn)
            .await?
        }
    };
    if described.is_empty() {
        return Err(StoreError::Corrupt(format!("no table {table}")));
    }
    described
        .into_iter()
        .map(|(name, declared)| {
            let kind = kind_of(&declared).ok_or_else(|| {
                StoreError::Corrupt(format!("{table}.{name}: unexpected type {declared}"))
            })?;
            Ok((name, kind))
        })
        .collect()
}

fn kind_of(declared: &str) -> Option<Kind> {
    Some(match declared.to_ascii_uppercase().as_str() {
        "INTEGER" | "BIGINT" | "INT8" => Kind::Int,
        "DOUBLE PRECISION" | "REAL" | "FLOAT8" => Kind::Real,
        "TEXT" => Kind::Text,
        "BOOLEAN" | "BOOL" => Kind::Bool,
        "BLOB" | "BYTEA" => Kind::Bytes,
        _ => return None,
    })
}

/// Streams `table` out of the snapshot and inserts it in batches.
async fn copy_table(
    from: &mut Snapshot,
    to: &mut super::Tx,
    table: &'static str,
    columns: &[(String, Kind)],
) -> StoreResult<u64> {
    let list: Vec<String> = columns
        .iter()
        .map(|(name, _)| {
            if FILLED_AFTER.contains(&(table, name.as_str())) {
                format!("NULL AS {name}")
            } else {
                name.clone()
            }
        })
        .collect();
    let sql = sqlx::AssertSqlSafe(format!("SELECT {} FROM {table}", list.join(", ")));
    let per_statement = (MAX_VALUES / columns.len()).max(1);
    let mut batch: Vec<Vec<Value>> = Vec::with_capacity(per_statement);
    let mut copied = 0;
    match from {
        Snapshot::Sqlite(source) => {
            let mut rows = sqlx::query(sql).fetch(&mut **source);
            while let Some(row) = rows.try_next().await? {
                batch.push(sqlite_values(&row)?);
                if batch.len() == per_statement {
                    copied += insert(to, table, columns, &mut batch).await?;
                }
            }
        }
        Snapshot::Postgres(source) => {
            let mut rows = sqlx::query(sql).fetch(&mut **source);
            while let Some(row) = rows.try_next().await? {
                batch.push(pg_values(&row)?);
                if batch.len() == per_statement {
                    copied += insert(to, table, columns, &mut batch).await?;
                }
            }
        }
    }
    copied += insert(to, table, columns, &mut batch).await?;
    Ok(copied)
}

/// Fills a [`FILLED_AFTER`] column from the source, row by id.
async fn fill_after(
    from: &mut Snapshot,
    to: &mut super::Tx,
    table: &str,
    column: &str,
) -> StoreResult<()> {
    let read = sqlx::AssertSqlSafe(format!(
        "SELECT id, {column} FROM {table} WHERE {column} IS NOT NULL"
    ));
    let pairs: Vec<(i64, i64)> = match from {
        Snapshot::Sqlite(source) => sqlx::query_as(read).fetch_all(&mut **source).await?,
        Snapshot::Postgres(source) => sqlx::query_as(read).fetch_all(&mut **source).await?,
    };
    let write = format!("UPDATE {table} SET {column} = $1 WHERE id = $2");
    for (id, value) in pairs {
        let sql = sqlx::AssertSqlSafe(write.clone());
        on_tx!(to, conn => {
            sqlx::query(sql).bind(value).bind(id).execute(&mut **conn).await?;
        });
    }
    Ok(())
}

/// Inserts and empties `batch`; returns how many rows it held.
async fn insert(
    to: &mut super::Tx,
    table: &str,
    columns: &[(String, Kind)],
    batch: &mut Vec<Vec<Value>>,
) -> StoreResult<u64> {
    if batch.is_empty() {
        return Ok(0);
    }
    let names: Vec<&str> = columns.iter().map(|(name, _)| name.as_str()).collect();
    let sql = sqlx::AssertSqlSafe(format!(
        "INSERT INTO {table} ({}) VALUES {}",
        names.join(", "),
        super::row_placeholders(batch.len(), columns.len())
    ));
    let rows = batch.len() as u64;
    match to {
        super::Tx::Sqlite(conn, _) => {
            let mut query = sqlx::query(sql);
            for row in batch.drain(..) {
                for value in row {
                    query = match value {
                        Value::Null => query.bind(None::<i64>),
                        Value::Int(v) => query.bind(v),
                        Value::Real(v) => query.bind(v),
                        Value::Text(v) => query.bind(v),
                        Value::Bool(v) => query.bind(v),
                        Value::Bytes(v) => query.bind(v),
                    };
                }
            }
            query.execute(&mut **conn).await?;
        }
        super::Tx::Postgres(conn) => {
            let mut query = sqlx::query(sql);
            for row in batch.drain(..) {
                for ((name, kind), value) in columns.iter().zip(row) {
                    query = bind_pg(query, table, name, *kind, value)?;
                }
            }
            query.execute(&mut **conn).await?;
        }
    }
    Ok(rows)
}

type PgQuery<'q> = sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments>;

/// Binds `value` as the PostgreSQL column's own type: SQLite keeps a
/// boolean as 0 or 1, and may keep a whole-number double as an integer.
fn bind_pg<'q>(
    query: PgQuery<'q>,
    table: &str,
    column: &str,
    kind: Kind,
    value: Value,
) -> StoreResult<PgQuery<'q>> {
    Ok(match (kind, value) {
        (Kind::Int, Value::Null) => query.bind(None::<i64>),
        (Kind::Real, Value::Null) => query.bind(None::<f64>),
        (Kind::Text, Value::Null) => query.bind(None::<String>),
        (Kind::Bool, Value::Null) => query.bind(None::<bool>),
        (Kind::Bytes, Value::Null) => query.bind(None::<Vec<u8>>),
        (Kind::Int, Value::Int(v)) => query.bind(v),
        (Kind::Real, Value::Real(v)) => query.bind(v),
        (Kind::Real, Value::Int(v)) => query.bind(v as f64),
        (Kind::Text, Value::Text(v)) => query.bind(v),
        (Kind::Bool, Value::Bool(v)) => query.bind(v),
        (Kind::Bool, Value::Int(v)) => query.bind(v != 0),
        (Kind::Bytes, Value::Bytes(v)) => query.bind(v),
        (kind, value) => {
            return Err(StoreError::Corrupt(format!(
                "{table}.{column}: {value:?} does not fit a {kind:?} column"
            )));
        }
    })
}

/// A SQLite row's cells by the type each value is stored as.
fn sqlite_values(row: &SqliteRow) -> StoreResult<Vec<Value>> {
    (0..row.columns().len())
        .map(|i| {
            let raw = row.try_get_raw(i)?;
            if raw.is_null() {
                return Ok(Value::Null);
            }
            let stored = raw.type_info().name().to_string();
            Ok(match stored.as_str() {
                "INTEGER" => Value::Int(row.try_get(i)?),
                "REAL" => Value::Real(row.try_get(i)?),
                "TEXT" => Value::Text(row.try_get(i)?),
                "BLOB" => Value::Bytes(row.try_get(i)?),
                other => {
                    return Err(StoreError::Corrupt(format!(
                        "column {}: a value stored as {other}",
                        row.column(i).name()
                    )));
                }
            })
        })
        .collect()
}

/// A PostgreSQL row's cells by their column types.
fn pg_values(row: &PgRow) -> StoreResult<Vec<Value>> {
    (0..row.columns().len())
        .map(|i| {
            if row.try_get_raw(i)?.is_null() {
                return Ok(Value::Null);
            }
            let column = row.column(i);
            Ok(match column.type_info().name() {
                "INT8" => Value::Int(row.try_get(i)?),
                "INT4" => Value::Int(row.try_get::<i32, _>(i)?.into()),
                "FLOAT8" => Value::Real(row.try_get(i)?),
                "TEXT" | "VARCHAR" => Value::Text(row.try_get(i)?),
                "BOOL" => Value::Bool(row.try_get(i)?),
                "BYTEA" => Value::Bytes(row.try_get(i)?),
                other => {
                    return Err(StoreError::Corrupt(format!(
                        "column {}: unexpected type {other}",
                        column.name()
                    )));
                }
            })
        })
        .collect()
}
