//! Checking the audit chain.

use super::ServiceResult;
use crate::store::{Db, audit};

pub use crate::store::audit::Verification;

/// Walks the chain end to end. Reading needs no role: the command runs on the
/// server against its own database.
pub async fn verify(db: &Db) -> ServiceResult<Verification> {
    Ok(audit::verify(db).await?)
}
