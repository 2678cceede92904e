//! Directory accounts as the sync reads and writes them, inside its one
//! transaction.

use std::collections::HashMap;

use sqlx::Row;

use super::{StoreResult, Tx};
use crate::domain::directory_sync::Held;
use crate::on_tx;

/// Every user, local accounts included (the sync must see a local account
/// to leave it alone).
pub async fn held_users(tx: &mut Tx) -> StoreResult<Vec<Held>> {
    Ok(on_tx!(tx, conn => {
        sqlx::query(
            "SELECT id, version, username, display_name, email, unit_id, active, source, directory_gone_at \
             FROM users ORDER BY id",
        )
        .fetch_all(&mut **conn)
        .await?
        .iter()
        .map(|r| -> StoreResult<Held> {
            Ok(Held {
                id: r.try_get(0)?,
                version: r.try_get(1)?,
                username: r.try_get(2)?,
                display_name: r.try_get(3)?,
                email: r.try_get(4)?,
                unit_id: r.try_get(5)?,
                active: r.try_get(6)?,
                directory: r.try_get::<String, _>(7)? == "directory",
                gone: r.try_get::<Option<i64>, _>(8)?.is_some(),
            })
        })
        .collect::<StoreResult<Vec<_>>>()?
    }))
}

/// Every unit's name and alias, to its unit (groups are not a person's unit).
pub async fn unit_names(tx: &mut Tx) -> StoreResult<HashMap<String, i64>> {
    Ok(on_tx!(tx, conn => {
        sqlx::query(
            "SELECT name, id FROM units WHERE NOT is_group \
             UNION ALL SELECT a.alias, u.id FROM unit_aliases a JOIN units u ON u.id = a.unit_id WHERE NOT u.is_group",
        )
        .fetch_all(&mut **conn)
        .await?
        .iter()
        .map(|r| Ok((r.try_get::<String, _>(0)?, r.try_get::<i64, _>(1)?)))
        .collect::<StoreResult<HashMap<_, _>>>()?
    }))
}

/// A directory account as the sync makes it.
#[derive(Debug, Clone)]
pub struct NewAccount<'a> {
    pub username: &'a str,
    pub display_name: &'a str,
    pub email: Option<&'a str>,
    pub role: &'a str,
    pub unit_id: Option<i64>,
}

/// Adds a directory account with no password of its own; `None` when the
/// username was taken meanwhile.
pub async fn create(tx: &mut Tx, account: &NewAccount<'_>, at: i64) -> StoreResult<Option<i64>> {
    Ok(on_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO users (username, display_name, password_hash, role, unit_id, created_at, email, source) \
             VALUES ($1, $2, '', $3, $4, $5, $6, 'directory') ON CONFLICT (username) DO NOTHING RETURNING id",
        )
        .bind(account.username)
        .bind(account.display_name)
        .bind(account.role)
        .bind(account.unit_id)
        .bind(at)
        .bind(account.email)
        .fetch_optional(&mut **conn)
        .await?
        .map(|row| row.try_get::<i64, _>(0))
        .transpose()?
    }))
}

/// A directory account's values after a sync.
#[derive(Debug, Clone)]
pub struct Refreshed<'a> {
    pub display_name: &'a str,
    pub email: Option<&'a str>,
    pub unit_id: Option<i64>,
    pub active: bool,
    /// When the sync found it gone; `None` while the directory has it.
    pub gone_at: Option<i64>,
}

/// Writes a directory account's values if it is still at `version` and
/// still a directory account.
pub async fn refresh(
    tx: &mut Tx,
    id: i64,
    version: i64,
    values: &Refreshed<'_>,
) -> StoreResult<()> {
    let changed = on_tx!(tx, conn => {
        sqlx::query(
            "UPDATE users SET display_name = $1, email = $2, unit_id = $3, active = $4, directory_gone_at = $5, \
             version = version + 1 WHERE id = $6 AND version = $7 AND source = 'directory'",
        )
        .bind(values.display_name)
        .bind(values.email)
        .bind(values.unit_id)
        .bind(values.active)
        .bind(values.gone_at)
        .bind(id)
        .bind(version)
        .execute(&mut **conn)
        .await?
        .rows_affected()
    });
    super::check_version(changed, "user", id, version)
}
