//! Sessions, API tokens and failed sign-ins. Secrets are stored as SHA-256.

use sqlx::Row;

use super::{Db, StoreResult, Tx};
use crate::{on_db, on_tx};

pub async fn create(
    tx: &mut Tx,
    token_hash: &str,
    user_id: i64,
    at: i64,
    expires_at: i64,
) -> StoreResult<()> {
    on_tx!(tx, conn => {
        sqlx::query("INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
            .bind(token_hash)
            .bind(user_id)
            .bind(at)
            .bind(expires_at)
            .execute(&mut **conn)
            .await?;
    });
    Ok(())
}

/// Ends every session of a user (API tokens stay: they are revoked on their
/// own); returns how many there were.
pub async fn delete_all_of(tx: &mut Tx, user_id: i64) -> StoreResult<u64> {
    Ok(on_tx!(tx, conn => {
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut **conn)
            .await?
            .rows_affected()
    }))
}

pub async fn delete(tx: &mut Tx, token_hash: &str) -> StoreResult<Option<i64>> {
    Ok(on_tx!(tx, conn => {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1 RETURNING user_id")
            .bind(token_hash)
            .fetch_optional(&mut **conn)
            .await?
            .map(|row| row.try_get::<i64, _>(0))
            .transpose()?
    }))
}

pub async fn create_api_token(
    tx: &mut Tx,
    token_hash: &str,
    user_id: i64,
    name: &str,
    at: i64,
) -> StoreResult<()> {
    on_tx!(tx, conn => {
        sqlx::query("INSERT INTO api_tokens (token_hash, user_id, name, created_at) VALUES ($1, $2, $3, $4)")
            .bind(token_hash)
            .bind(user_id)
            .bind(name)
            .bind(at)
            .execute(&mut **conn)
            .await?;
    });
    Ok(())
}

pub async fn record_failure(db: &Db, username: &str, address: &str, at: i64) -> StoreResult<()> {
    on_db!(db, pool => {
        sqlx::query("INSERT INTO login_failures (username, address, at) VALUES ($1, $2, $3)")
            .bind(username)
            .bind(address)
            .bind(at)
            .execute(pool)
            .await?;
    });
    Ok(())
}

/// Failed sign-ins since `since`: (for this account, from this address).
pub async fn failures_since(
    db: &Db,
    username: &str,
    address: &str,
    since: i64,
) -> StoreResult<(i64, i64)> {
    Ok(on_db!(db, pool => {
        let row = sqlx::query(
            "SELECT (SELECT COUNT(*) FROM login_failures WHERE username = $1 AND at > $3), \
                    (SELECT COUNT(*) FROM login_failures WHERE address = $2 AND at > $3)",
        )
        .bind(username)
        .bind(address)
        .bind(since)
        .fetch_one(pool)
        .await?;
        (row.try_get::<i64, _>(0)?, row.try_get::<i64, _>(1)?)
    }))
}

/// Moves every session's times by `delta_ms` (the demo's clock moved).
pub async fn shift(tx: &mut Tx, delta_ms: i64) -> StoreResult<()> {
    on_tx!(tx, conn => {
        sqlx::query("UPDATE sessions SET created_at = created_at + $1, expires_at = expires_at + $1")
            .bind(delta_ms)
            .execute(&mut **conn)
            .await?;
    });
    Ok(())
}
