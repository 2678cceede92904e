//! What a supervision bulletin (督查通报) reads of a period beyond the
//! cockpit: the reports submitted in it and the findings raised or closed in
//! it, each in one query scoped by the plan and two instants (milliseconds,
//! the period's first instant inclusive, the instant after its last day
//! exclusive).

use sqlx::Row;

use super::{Db, StoreResult};
use crate::on_db;

/// The plan's live tasks and assignments, as the cockpit joins them.
const LIVE: &str = "JOIN assignments a ON a.id = x.assignment_id JOIN tasks t ON t.id = a.task_id \
    WHERE t.plan_id = $1 AND t.removed_in IS NULL AND a.withdrawn_in IS NULL";

/// The reports submitted in the span: (report period, submitted at).
pub async fn reports_submitted(
    db: &Db,
    plan_id: i64,
    from: i64,
    until: i64,
) -> StoreResult<Vec<(String, i64)>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT x.period, x.submitted_at FROM progress_reports x {LIVE} \
         AND x.submitted_at >= $2 AND x.submitted_at < $3 ORDER BY x.submitted_at, x.id"
    ));
    Ok(on_db!(db, pool => {
        let mut found = Vec::new();
        for r in sqlx::query(sql).bind(plan_id).bind(from).bind(until).fetch_all(pool).await? {
            found.push((r.try_get(0)?, r.try_get(1)?));
        }
        found
    }))
}

/// A finding raised or closed (销号) in the span.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FindingMoment {
    /// reminder, service or rectification.
    pub action: String,
    pub created_at: i64,
    /// When it was verified and closed, if it is closed.
    pub closed_at: Option<i64>,
}

/// The findings on the plan's live assignments raised or closed in the span.
pub async fn findings_moving(
    db: &Db,
    plan_id: i64,
    from: i64,
    until: i64,
) -> StoreResult<Vec<FindingMoment>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT x.action, x.created_at, CASE WHEN x.state = 'closed' THEN x.verified_at END \
         FROM findings x {LIVE} AND ((x.created_at >= $2 AND x.created_at < $3) \
         OR (x.state = 'closed' AND x.verified_at >= $2 AND x.verified_at < $3)) ORDER BY x.id"
    ));
    Ok(on_db!(db, pool => {
        let mut found = Vec::new();
        for r in sqlx::query(sql).bind(plan_id).bind(from).bind(until).fetch_all(pool).await? {
            found.push(FindingMoment {
                action: r.try_get(0)?,
                created_at: r.try_get(1)?,
                closed_at: r.try_get(2)?,
            });
        }
        found
    }))
}
