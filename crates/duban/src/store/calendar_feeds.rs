//! Calendar feeds: one secret token per unit or per user (stored as its
//! SHA-256), and the deadlines a feed lists that no other store reads in
//! this shape: a unit's open assignments with their plan year, and open
//! rectifications by unit, by supervision body or all of them.

use sqlx::Row;

use super::{Db, StoreResult, Tx};
use crate::{on_db, on_tx};

/// Whose deadlines a feed lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedOwner {
    Unit(i64),
    User(i64),
}

impl FeedOwner {
    /// The owner's column and id.
    fn key(self) -> (&'static str, i64) {
        match self {
            FeedOwner::Unit(id) => ("unit_id", id),
            FeedOwner::User(id) => ("user_id", id),
        }
    }
}

/// A live feed as its page shows it (never its token).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedRow {
    pub created_at: i64,
    pub created_by: String,
}

/// The owner of the feed whose token has this hash, if any.
pub async fn owner_of(db: &Db, token_hash: &str) -> StoreResult<Option<FeedOwner>> {
    let row: Option<(Option<i64>, Option<i64>)> = on_db!(db, pool => {
        sqlx::query("SELECT unit_id, user_id FROM calendar_feeds WHERE token_hash = $1")
            .bind(token_hash)
            .fetch_optional(pool)
            .await?
            .map(|r| Ok::<_, sqlx::Error>((r.try_get(0)?, r.try_get(1)?)))
            .transpose()?
    });
    Ok(match row {
        Some((Some(unit), _)) => Some(FeedOwner::Unit(unit)),
        Some((None, Some(user))) => Some(FeedOwner::User(user)),
        _ => None,
    })
}

/// The owner's live feed, if it has one.
pub async fn feed_of(db: &Db, owner: FeedOwner) -> StoreResult<Option<FeedRow>> {
    let (column, id) = owner.key();
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT created_at, created_by FROM calendar_feeds WHERE {column} = $1"
    ));
    Ok(on_db!(db, pool => {
        sqlx::query(sql)
            .bind(id)
            .fetch_optional(pool)
            .await?
            .map(|r| Ok::<_, sqlx::Error>(FeedRow { created_at: r.try_get(0)?, created_by: r.try_get(1)? }))
            .transpose()?
    }))
}

/// Gives the owner a feed with this token hash, replacing its old one (whose
/// URL then stops working). True when there was an old one.
pub async fn replace(
    tx: &mut Tx,
    owner: FeedOwner,
    token_hash: &str,
    at: i64,
    created_by: &str,
) -> StoreResult<bool> {
    let (column, id) = owner.key();
    let existed = super::id_of(
        tx,
        match owner {
            FeedOwner::Unit(_) => "SELECT id FROM calendar_feeds WHERE unit_id = $1",
            FeedOwner::User(_) => "SELECT id FROM calendar_feeds WHERE user_id = $1",
        },
        id,
    )
    .await?
    .is_some();
    // One statement either way: two resets at once leave one live token.
    let sql = sqlx::AssertSqlSafe(format!(
        "INSERT INTO calendar_feeds ({column}, token_hash, created_at, created_by) VALUES ($1, $2, $3, $4) \
         ON CONFLICT ({column}) DO UPDATE SET token_hash = excluded.token_hash, \
         created_at = excluded.created_at, created_by = excluded.created_by"
    ));
    on_tx!(tx, conn => {
        sqlx::query(sql)
            .bind(id)
            .bind(token_hash)
            .bind(at)
            .bind(created_by)
            .execute(&mut **conn)
            .await?;
    });
    Ok(existed)
}

/// Stops the owner's feed. True when it had one.
pub async fn remove(tx: &mut Tx, owner: FeedOwner) -> StoreResult<bool> {
    let (column, id) = owner.key();
    let sql = sqlx::AssertSqlSafe(format!("DELETE FROM calendar_feeds WHERE {column} = $1"));
    let removed = on_tx!(tx, conn => {
        sqlx::query(sql).bind(id).execute(&mut **conn).await?.rows_affected()
    });
    Ok(removed > 0)
}

/// One of a unit's assignments still to work on: in a published plan, not
/// withdrawn, its task not removed, not yet verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenAssignment {
    pub id: i64,
    pub state: String,
    pub assigned_at: i64,
    pub task_number: String,
    pub task_title: String,
    pub plan_year: Option<i64>,
    /// The task's or item's own report rhythm; `None`: the office's.
    pub rhythm: crate::domain::period::Rhythm,
}

pub async fn open_assignments_of_unit(db: &Db, unit_id: i64) -> StoreResult<Vec<OpenAssignment>> {
    Ok(on_db!(db, pool => {
        sqlx::query(
            "SELECT a.id, a.state, a.assigned_at, t.number, t.title, p.year, t.report_frequency, t.report_frequency_since \
             FROM assignments a \
             JOIN tasks t ON t.id = a.task_id JOIN plans p ON p.id = t.plan_id \
             WHERE a.unit_id = $1 AND a.withdrawn_in IS NULL AND t.removed_in IS NULL \
             AND p.state = 'published' AND a.state <> 'verified' ORDER BY p.id, t.position, a.id",
        )
        .bind(unit_id)
        .fetch_all(pool)
        .await?
        .iter()
        .map(|r| {
            Ok(OpenAssignment {
                id: r.try_get(0)?,
                state: r.try_get(1)?,
                assigned_at: r.try_get(2)?,
                task_number: r.try_get(3)?,
                task_title: r.try_get(4)?,
                plan_year: r.try_get(5)?,
                rhythm: super::assignments::rhythm_at(r, 6)?,
            })
        })
        .collect::<StoreResult<Vec<_>>>()?
    }))
}

/// Which open rectifications a feed lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RectificationsOf {
    /// Those addressed to a unit.
    Unit(i64),
    /// Those a supervision body raised.
    Body(i64),
    All,
}

/// A rectification not yet closed (销号), with its deadline and context.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenRectification {
    pub id: i64,
    pub version: i64,
    pub assignment_id: i64,
    pub description: String,
    /// 'YYYY-MM-DD'.
    pub deadline: String,
    pub state: String,
    pub unit_name: String,
    pub task_number: String,
    pub task_title: String,
    pub body_name: String,
}

pub async fn open_rectifications(
    db: &Db,
    of: RectificationsOf,
) -> StoreResult<Vec<OpenRectification>> {
    let (filter, id) = match of {
        RectificationsOf::Unit(id) => ("AND a.unit_id = $1", Some(id)),
        RectificationsOf::Body(id) => ("AND i.body_id = $1", Some(id)),
        RectificationsOf::All => ("", None),
    };
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT f.id, f.version, f.assignment_id, f.description, f.deadline, f.state, u.name, t.number, t.title, b.name \
         FROM findings f JOIN assignments a ON a.id = f.assignment_id JOIN units u ON u.id = a.unit_id \
         JOIN tasks t ON t.id = a.task_id JOIN inspections i ON i.id = f.inspection_id \
         JOIN supervision_bodies b ON b.id = i.body_id \
         WHERE f.action = 'rectification' AND f.state <> 'closed' AND f.deadline IS NOT NULL {filter} \
         ORDER BY f.deadline, f.id"
    ));
    Ok(on_db!(db, pool => {
        let mut query = sqlx::query(sql);
        if let Some(id) = id {
            query = query.bind(id);
        }
        query
            .fetch_all(pool)
            .await?
            .iter()
            .map(|r| {
                Ok(OpenRectification {
                    id: r.try_get(0)?,
                    version: r.try_get(1)?,
                    assignment_id: r.try_get(2)?,
                    description: r.try_get(3)?,
                    deadline: r.try_get(4)?,
                    state: r.try_get(5)?,
                    unit_name: r.try_get(6)?,
                    task_number: r.try_get(7)?,
                    task_title: r.try_get(8)?,
                    body_name: r.try_get(9)?,
                })
            })
            .collect::<StoreResult<Vec<_>>>()?
    }))
}
