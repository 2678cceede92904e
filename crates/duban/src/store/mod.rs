//! ALL SQL lives below this module: one file per aggregate. Everything above
//! sees [`Db`] and [`Tx`], never a driver.
//!
//! SQLite (embedded, the default) and PostgreSQL each use their own sqlx
//! driver. Queries are written once in the portable subset (`$1…$n` in
//! ascending order, RETURNING, ON CONFLICT) and run on either driver through
//! [`on_tx!`]; dialect-specific SQL sits in explicit arms.

pub mod assessment;
pub mod assignments;
pub mod audit;
pub mod backup;
pub mod bulk;
pub mod bulletin;
pub mod calendar_feeds;
pub mod cascades;
pub mod cockpit;
pub mod completions;
pub mod coordination;
pub mod deliveries;
pub mod directory;
pub mod document_numbers;
pub mod evaluations;
pub mod handover;
pub mod indicators;
pub mod items;
pub mod leases;
pub mod lights;
pub mod notices;
pub mod notify_targets;
pub mod plan_data;
pub mod plans;
pub mod public_pages;
pub mod publishing;
pub mod reminders;
pub mod report_periods;
pub mod reports;
pub mod sessions;
pub mod supervision;
pub mod supervision_board;
pub mod targets;
pub mod tasks;
pub mod unit_work;
pub mod units;
pub mod uploads;
pub mod users;

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, Postgres, Sqlite, SqlitePool, Transaction};

/// A storage failure. Callers above the store map it once, in `error.rs`.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Sqlx(#[from] sqlx::Error),
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("unsupported database URL '{0}': use sqlite://PATH or postgres://…")]
    Url(String),
    #[error("{entity} {id} does not exist")]
    NotFound { entity: &'static str, id: i64 },
    #[error("{entity} {id} was changed by someone else (version {expected} is stale)")]
    Conflict {
        entity: &'static str,
        id: i64,
        expected: i64,
    },
    #[error("stored data is inconsistent: {0}")]
    Corrupt(String),
    #[error("the database stayed busy with other writes for {0:?}; try again")]
    Busy(Duration),
}

pub type StoreResult<T> = Result<T, StoreError>;

/// How long a write waits for SQLite's one write lock before it gives up.
const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// A PostgreSQL connection idle this long is pinged before it is used again.
const PING_AFTER_IDLE: Duration = Duration::from_secs(5);

/// A connection pool to one of the two backends.
#[derive(Clone, Debug)]
pub enum Db {
    Sqlite(SqlitePool, WriteGate),
    Postgres(PgPool),
}

/// The queue of this process's SQLite writers. SQLite admits one writer at a
/// time; left to its busy handler, waiting writers poll with sleeps growing
/// to 100 ms and the unlucky one waits for seconds while later ones get in.
/// Queued here first (a fair mutex), they take the lock in arrival order and
/// a write waits for the writes ahead of it only. Other processes on the
/// same file still meet the busy timeout.
#[derive(Clone, Debug, Default)]
pub struct WriteGate(std::sync::Arc<tokio::sync::Mutex<()>>);

/// One open transaction; every write goes through one. On SQLite it holds
/// its place at the [`WriteGate`] until it ends.
pub enum Tx {
    Sqlite(
        Transaction<'static, Sqlite>,
        tokio::sync::OwnedMutexGuard<()>,
    ),
    Postgres(Transaction<'static, Postgres>),
}

/// The database as of one moment, read-only, for reads of several statements
/// that must agree with each other (the data export). On SQLite a deferred
/// transaction: a reader, never in the writers' queue; on PostgreSQL
/// REPEATABLE READ. Dropped, it rolls back.
pub enum Snapshot {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

/// Runs the same code on whichever driver the transaction belongs to:
/// `on_tx!(tx, conn => sqlx::query("…").execute(&mut **conn).await)`.
#[macro_export]
macro_rules! on_tx {
    ($tx:expr, $conn:ident => $body:expr) => {
        match $tx {
            $crate::store::Tx::Sqlite($conn, _) => $body,
            $crate::store::Tx::Postgres($conn) => $body,
        }
    };
}

/// The same for a pool, for reads outside a transaction.
#[macro_export]
macro_rules! on_db {
    ($db:expr, $pool:ident => $body:expr) => {
        match $db {
            $crate::store::Db::Sqlite($pool, _) => $body,
            $crate::store::Db::Postgres($pool) => $body,
        }
    };
}

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

impl Db {
    /// Opens `sqlite://path` (created if missing; WAL, foreign keys, busy
    /// timeout) or `postgres://…`, and applies the migrations.
    pub async fn connect(url: &str) -> StoreResult<Db> {
        let db = if url.starts_with("sqlite:") {
            let options = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(SQLITE_BUSY_TIMEOUT);
            let pool = SqlitePoolOptions::new()
                .max_connections(8)
                // A file does not hang up: no ping (a round trip to the
                // connection's thread) before every statement.
                .test_before_acquire(false)
                .connect_with(options)
                .await?;
            Db::Sqlite(pool, WriteGate::default())
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            let options = PgConnectOptions::from_str(url)?;
            let pool = PgPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(10))
                // A ping before every statement doubles the round trips; a
                // connection that sat idle (past a database restart, say) is
                // still checked before it is used.
                .test_before_acquire(false)
                .before_acquire(|conn, meta| {
                    Box::pin(async move {
                        if meta.idle_for > PING_AFTER_IDLE {
                            sqlx::Connection::ping(conn).await?;
                        }
                        Ok(true)
                    })
                })
                .connect_with(options)
                .await?;
            Db::Postgres(pool)
        } else {
            return Err(StoreError::Url(url.to_string()));
        };
        db.migrate().await?;
        Ok(db)
    }

    async fn migrate(&self) -> StoreResult<()> {
        match self {
            Db::Sqlite(pool, _) => SQLITE_MIGRATIONS.run(pool).await?,
            Db::Postgres(pool) => POSTGRES_MIGRATIONS.run(pool).await?,
        }
        Ok(())
    }

    /// Begins a write transaction. SQLite takes its write lock at once
    /// (BEGIN IMMEDIATE), so two writers queue instead of failing on upgrade,
    /// after its turn at the process's [`WriteGate`].
    pub async fn begin(&self) -> StoreResult<Tx> {
        Ok(match self {
            Db::Sqlite(pool, gate) => {
                // As long as SQLite's own busy timeout: a write that waits
                // longer fails the same way instead of hanging.
                let place = tokio::time::timeout(
                    SQLITE_BUSY_TIMEOUT,
                    std::sync::Arc::clone(&gate.0).lock_owned(),
                )
                .await
                .map_err(|_| StoreError::Busy(SQLITE_BUSY_TIMEOUT))?;
                Tx::Sqlite(pool.begin_with("BEGIN IMMEDIATE").await?, place)
            }
            Db::Postgres(pool) => Tx::Postgres(pool.begin().await?),
        })
    }

    /// Opens a [`Snapshot`].
    pub async fn snapshot(&self) -> StoreResult<Snapshot> {
        Ok(match self {
            Db::Sqlite(pool, _) => Snapshot::Sqlite(pool.begin().await?),
            Db::Postgres(pool) => Snapshot::Postgres(
                pool.begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                    .await?,
            ),
        })
    }

    pub fn backend(&self) -> &'static str {
        match self {
            Db::Sqlite(..) => "sqlite",
            Db::Postgres(_) => "postgres",
        }
    }

    pub async fn close(&self) {
        on_db!(self, pool => pool.close().await)
    }
}

impl Tx {
    pub async fn commit(self) -> StoreResult<()> {
        on_tx!(self, tx => tx.commit().await?);
        Ok(())
    }
}

/// An edit carries the version it was made on: an UPDATE that matched no row
/// (someone changed the record since) is a conflict, and nothing is written.
pub(crate) fn check_version(
    changed: u64,
    entity: &'static str,
    id: i64,
    expected: i64,
) -> StoreResult<()> {
    if changed == 0 {
        return Err(StoreError::Conflict {
            entity,
            id,
            expected,
        });
    }
    Ok(())
}

/// The one id a query on one id returns, if any: the many "which plan / which
/// body does this belong to" lookups.
pub(crate) async fn id_of(tx: &mut Tx, sql: &'static str, id: i64) -> StoreResult<Option<i64>> {
    Ok(on_tx!(tx, conn => {
        sqlx::query(sql)
            .bind(id)
            .fetch_optional(&mut **conn)
            .await?
            .map(|row| sqlx::Row::try_get::<i64, _>(&row, 0))
            .transpose()?
    }))
}

/// One round trip to the database, for health checks.
pub async fn ping(db: &Db) -> StoreResult<()> {
    on_db!(db, pool => {
        sqlx::query("SELECT 1").execute(pool).await?;
    });
    Ok(())
}

/// `$1, $2, …, $n`: the placeholders of an `IN (…)` list of `n` values.
pub(crate) fn placeholders(n: usize) -> String {
    placeholders_from(1, n)
}

/// `$first, …`: `n` placeholders after the statement's own leading ones.
pub(crate) fn placeholders_from(first: usize, n: usize) -> String {
    (first..first + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `($1, $2), ($3, $4), …`: the placeholders of a multi-row VALUES list of
/// `rows` rows of `columns` values each.
pub(crate) fn row_placeholders(rows: usize, columns: usize) -> String {
    (0..rows)
        .map(|r| {
            let first = r * columns;
            let row = (first + 1..=first + columns)
                .map(|i| format!("${i}"))
                .collect::<Vec<_>>()
                .join(", ");
            format!("({row})")
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Binds `values` in order to the placeholders of [`placeholders`].
pub(crate) fn bind_all<'q, DB, T>(
    mut query: sqlx::query::Query<'q, DB, <DB as sqlx::Database>::Arguments>,
    values: &'q [T],
) -> sqlx::query::Query<'q, DB, <DB as sqlx::Database>::Arguments>
where
    DB: sqlx::Database,
    T: sqlx::Encode<'q, DB> + sqlx::Type<DB> + Sync,
{
    for value in values {
        query = query.bind(value);
    }
    query
}
