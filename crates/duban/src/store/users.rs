//! People who sign in: their role, unit and password hash.

use sqlx::Row;

use super::{Db, StoreResult, Tx};
use crate::{on_db, on_tx};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRow {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub password_hash: String,
    pub role: String,
    pub unit_id: Option<i64>,
    pub active: bool,
    pub version: i64,
    pub body_id: Option<i64>,
    /// Where e-mail reminders go, if anywhere.
    pub email: Option<String>,
    pub email_enabled: bool,
    /// "22:00-08:00"; `None` follows the office's.
    pub quiet_hours: Option<String>,
    /// A directory account: the directory checks its password, the sync keeps it.
    pub directory: bool,
}

const COLUMNS: &str = "id, username, display_name, password_hash, role, unit_id, active, version, body_id, \
     email, email_enabled, quiet_hours, source";

fn from_row<R: Row>(row: &R) -> StoreResult<UserRow>
where
    for<'r> i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> bool: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Option<i64>: sqlx::Decode<'r, R::Database>,
    for<'r> Option<String>: sqlx::Decode<'r, R::Database>,
    usize: sqlx::ColumnIndex<R>,
{
    Ok(UserRow {
        id: row.try_get(0)?,
        username: row.try_get(1)?,
        display_name: row.try_get(2)?,
        password_hash: row.try_get(3)?,
        role: row.try_get(4)?,
        unit_id: row.try_get(5)?,
        active: row.try_get(6)?,
        version: row.try_get(7)?,
        body_id: row.try_get(8)?,
        email: row.try_get(9)?,
        email_enabled: row.try_get(10)?,
        quiet_hours: row.try_get(11)?,
        directory: row.try_get::<String, _>(12)? == "directory",
    })
}

/// The user a live session or an API token belongs to, in one statement:
/// every signed-in request asks this first.
const BY_TOKEN: &str = "FROM users WHERE id = (SELECT user_id FROM sessions WHERE token_hash = $1 AND expires_at > $2 \
     UNION ALL SELECT user_id FROM api_tokens WHERE token_hash = $1 LIMIT 1)";

pub async fn by_token(db: &Db, token_hash: &str, now: i64) -> StoreResult<Option<UserRow>> {
    let sql = sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} {BY_TOKEN}"));
    Ok(on_db!(db, pool => {
        sqlx::query(sql)
            .bind(token_hash)
            .bind(now)
            .fetch_optional(pool)
            .await?
            .as_ref()
            .map(from_row)
            .transpose()?
    }))
}

/// [`by_token`] with the count of the user's unread inbox items, which every
/// page shows in its header: one statement instead of two.
pub async fn by_token_with_unread(
    db: &Db,
    token_hash: &str,
    now: i64,
) -> StoreResult<Option<(UserRow, i64)>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS}, (SELECT COUNT(*) FROM deliveries d WHERE d.user_id = users.id \
         AND d.channel = 'inbox' AND d.read_at IS NULL) {BY_TOKEN}"
    ));
    Ok(on_db!(db, pool => {
        match sqlx::query(sql)
            .bind(token_hash)
            .bind(now)
            .fetch_optional(pool)
            .await?
        {
            Some(row) => Some((from_row(&row)?, row.try_get::<i64, _>(13)?)),
            None => None,
        }
    }))
}

#[derive(Debug, Clone)]
pub struct NewUser<'a> {
    pub username: &'a str,
    pub display_name: &'a str,
    pub password_hash: &'a str,
    pub role: &'a str,
    pub unit_id: Option<i64>,
    pub body_id: Option<i64>,
}

/// Adds a user; `None` when the username is taken.
pub async fn create(tx: &mut Tx, user: &NewUser<'_>, at: i64) -> StoreResult<Option<i64>> {
    Ok(on_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO users (username, display_name, password_hash, role, unit_id, created_at, body_id) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (username) DO NOTHING RETURNING id",
        )
        .bind(user.username)
        .bind(user.display_name)
        .bind(user.password_hash)
        .bind(user.role)
        .bind(user.unit_id)
        .bind(at)
        .bind(user.body_id)
        .fetch_optional(&mut **conn)
        .await?
        .map(|row| row.try_get::<i64, _>(0))
        .transpose()?
    }))
}

pub async fn by_username(db: &Db, username: &str) -> StoreResult<Option<UserRow>> {
    let sql = sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} FROM users WHERE username = $1"));
    Ok(on_db!(db, pool => {
        sqlx::query(sql).bind(username).fetch_optional(pool).await?.as_ref().map(from_row).transpose()?
    }))
}

pub async fn by_username_in(tx: &mut Tx, username: &str) -> StoreResult<Option<UserRow>> {
    let sql = sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} FROM users WHERE username = $1"));
    Ok(on_tx!(tx, conn => {
        sqlx::query(sql).bind(username).fetch_optional(&mut **conn).await?.as_ref().map(from_row).transpose()?
    }))
}

/// Changes one column of a user whose version is still `version`.
async fn update(
    tx: &mut Tx,
    id: i64,
    version: i64,
    column: &'static str,
    value: &str,
) -> StoreResult<()> {
    let sql = sqlx::AssertSqlSafe(format!(
        "UPDATE users SET {column} = $1, version = version + 1 WHERE id = $2 AND version = $3"
    ));
    let changed = on_tx!(tx, conn => {
        sqlx::query(sql).bind(value).bind(id).bind(version).execute(&mut **conn).await?.rows_affected()
    });
    super::check_version(changed, "user", id, version)?;
    Ok(())
}

pub async fn set_password_hash(tx: &mut Tx, id: i64, version: i64, hash: &str) -> StoreResult<()> {
    update(tx, id, version, "password_hash", hash).await
}

pub async fn set_role(tx: &mut Tx, id: i64, version: i64, role: &str) -> StoreResult<()> {
    update(tx, id, version, "role", role).await
}

pub async fn by_id(db: &Db, id: i64) -> StoreResult<Option<UserRow>> {
    let sql = sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} FROM users WHERE id = $1"));
    Ok(on_db!(db, pool => {
        sqlx::query(sql).bind(id).fetch_optional(pool).await?.as_ref().map(from_row).transpose()?
    }))
}

/// Display names of the given usernames (those that exist).
pub async fn display_names(
    db: &Db,
    usernames: &[String],
) -> StoreResult<std::collections::HashMap<String, String>> {
    if usernames.is_empty() {
        return Ok(std::collections::HashMap::new());
    }
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT username, display_name FROM users WHERE username IN ({})",
        super::placeholders(usernames.len())
    ));
    Ok(on_db!(db, pool => {
        super::bind_all(sqlx::query(sql), usernames)
            .fetch_all(pool)
            .await?
            .iter()
            .map(|r| Ok((r.try_get::<String, _>(0)?, r.try_get::<String, _>(1)?)))
            .collect::<StoreResult<std::collections::HashMap<_, _>>>()?
    }))
}

/// Every user, by username.
pub async fn all(db: &Db) -> StoreResult<Vec<UserRow>> {
    let sql = sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} FROM users ORDER BY username"));
    Ok(on_db!(db, pool => {
        sqlx::query(sql).fetch_all(pool).await?.iter().map(from_row).collect::<StoreResult<Vec<_>>>()?
    }))
}

/// Turns a user's sign-in on or off, if the user is still at `version`. An
/// admin's decision: the directory sync no longer counts the account as one
/// it turned off, so it will not turn it back on.
pub async fn set_active(tx: &mut Tx, id: i64, version: i64, active: bool) -> StoreResult<()> {
    let changed = on_tx!(tx, conn => {
        sqlx::query("UPDATE users SET active = $1, directory_gone_at = NULL, version = version + 1 WHERE id = $2 AND version = $3")
            .bind(active)
            .bind(id)
            .bind(version)
            .execute(&mut **conn)
            .await?
            .rows_affected()
    });
    super::check_version(changed, "user", id, version)?;
    Ok(())
}

/// How reminders reach a user: the e-mail address, whether e-mails go, and
/// the user's quiet hours; if the user is still at `version`.
pub async fn set_channels(
    tx: &mut Tx,
    id: i64,
    version: i64,
    email: Option<&str>,
    email_enabled: bool,
    quiet_hours: Option<&str>,
) -> StoreResult<()> {
    let changed = on_tx!(tx, conn => {
        sqlx::query(
            "UPDATE users SET email = $1, email_enabled = $2, quiet_hours = $3, version = version + 1 \
             WHERE id = $4 AND version = $5",
        )
        .bind(email)
        .bind(email_enabled)
        .bind(quiet_hours)
        .bind(id)
        .bind(version)
        .execute(&mut **conn)
        .await?
        .rows_affected()
    });
    super::check_version(changed, "user", id, version)
}

pub async fn by_id_in(tx: &mut Tx, id: i64) -> StoreResult<Option<UserRow>> {
    let sql = sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} FROM users WHERE id = $1"));
    Ok(on_tx!(tx, conn => {
        sqlx::query(sql).bind(id).fetch_optional(&mut **conn).await?.as_ref().map(from_row).transpose()?
    }))
}
