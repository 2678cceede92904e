//! The office's document numbers (督〔2021〕12号, 红色督办单〔2021〕3号): one
//! sequence per kind and year.

use sqlx::Row;

use super::{StoreResult, Tx};
use crate::on_tx;

/// The next number of a series (`kind`, `year`): 1 for the first. One upsert,
/// so that concurrent writers on PostgreSQL queue on the row instead of
/// reading the same maximum.
pub async fn take(tx: &mut Tx, kind: &str, year: i64) -> StoreResult<i64> {
    Ok(on_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO document_numbers (kind, year, last) VALUES ($1, $2, 1) \
             ON CONFLICT (kind, year) DO UPDATE SET last = document_numbers.last + 1 RETURNING last",
        )
        .bind(kind)
        .bind(year)
        .fetch_one(&mut **conn)
        .await?
        .try_get::<i64, _>(0)?
    }))
}
