//! Leases: which process does a job that only one may do at a time (the
//! scheduler), when several servers share the database.

use super::{Db, StoreResult};
use crate::on_db;

/// Takes or renews the named lease for `holder` until `until`: true when
/// `holder` holds it now (it was free, lapsed, or already its own).
pub async fn acquire(db: &Db, name: &str, holder: &str, now: i64, until: i64) -> StoreResult<bool> {
    Ok(on_db!(db, pool => {
        sqlx::query("INSERT INTO leases (name, holder, expires_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING")
            .bind(name)
            .bind(holder)
            .bind(until)
            .execute(pool)
            .await?;
        sqlx::query("UPDATE leases SET holder = $1, expires_at = $2 WHERE name = $3 AND (holder = $4 OR expires_at < $5)")
            .bind(holder)
            .bind(until)
            .bind(name)
            .bind(holder)
            .bind(now)
            .execute(pool)
            .await?
            .rows_affected()
            == 1
    }))
}
