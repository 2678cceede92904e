//! Reminders (催办) and what the reminder rule reads: the open work of every
//! live assignment of a published plan, in a handful of bulk queries.

use sqlx::Row;

use super::{Db, StoreResult, Tx};
use crate::{on_db, on_tx};

/// A live assignment the rule watches, as stored.
#[derive(Debug, Clone)]
pub struct WatchedRow {
    pub id: i64,
    pub unit_id: i64,
    pub unit_name: String,
    pub task_title: String,
    pub state: String,
    pub assigned_at: i64,
    pub year: i64,
    /// The task's or item's own report rhythm.
    pub rhythm: crate::domain::period::Rhythm,
}

/// Everything the rule reads, by assignment id (filtered by the caller).
#[derive(Debug, Default)]
pub struct WatchedInputs {
    pub assignments: Vec<WatchedRow>,
    /// (assignment, id, description, deadline) of measures not done.
    pub measures: Vec<(i64, i64, String, String)>,
    /// (assignment, period)
    pub reports: Vec<(i64, String)>,
    /// (assignment, id, description, deadline) of rectifications awaiting the unit.
    pub rectifications: Vec<(i64, i64, String, String)>,
    /// (assignment, id, description, raised at) of difficulties not resolved.
    pub difficulties: Vec<(i64, i64, String, i64)>,
    /// (assignment, target id, metric, op, value, latest actual)
    pub targets: Vec<(i64, i64, String, String, f64, f64)>,
    /// (target id, due on, value): the milestones of those targets.
    pub milestones: Vec<(i64, String, f64)>,
}

const LIVE: &str = "FROM assignments a JOIN tasks t ON t.id = a.task_id JOIN plans p ON p.id = t.plan_id \
     WHERE p.state = 'published' AND a.withdrawn_in IS NULL AND t.removed_in IS NULL \
     AND a.state <> 'verified' AND p.id = $1";

/// The published plans of `year` or later: what the day's reminders watch,
/// read one plan at a time.
pub async fn watched_plans(db: &Db, year: i64) -> StoreResult<Vec<i64>> {
    Ok(on_db!(db, pool => {
        sqlx::query("SELECT id FROM plans WHERE state = 'published' AND year >= $1 ORDER BY id")
            .bind(year)
            .fetch_all(pool)
            .await?
            .iter()
            .map(|r| r.try_get::<i64, _>(0))
            .collect::<Result<Vec<_>, _>>()?
    }))
}

/// The watched assignments of one of the [`watched_plans`], and their open work.
pub async fn watched(db: &Db, plan_id: i64) -> StoreResult<WatchedInputs> {
    let assignments = sqlx::AssertSqlSafe(format!(
        "SELECT a.id, a.unit_id, u.name, t.title, a.state, a.assigned_at, p.year, t.report_frequency, t.report_frequency_since \
         {LIVE_WITH_UNIT} ORDER BY a.id"
    ));
    let measures = sqlx::AssertSqlSafe(format!(
        "SELECT m.assignment_id, m.id, m.description, m.deadline FROM measures m \
         WHERE m.done_at IS NULL AND m.assignment_id IN (SELECT a.id {LIVE})"
    ));
    let reports = sqlx::AssertSqlSafe(format!(
        "SELECT r.assignment_id, r.period FROM progress_reports r \
         WHERE r.assignment_id IN (SELECT a.id {LIVE})"
    ));
    let rectifications = sqlx::AssertSqlSafe(format!(
        "SELECT f.assignment_id, f.id, f.description, f.deadline FROM findings f \
         WHERE f.action = 'rectification' AND f.state = 'open' AND f.deadline IS NOT NULL \
         AND f.assignment_id IN (SELECT a.id {LIVE})"
    ));
    let difficulties = sqlx::AssertSqlSafe(format!(
        "SELECT d.assignment_id, d.id, d.description, d.raised_at FROM difficulties d \
         WHERE d.state = 'open' AND d.assignment_id IN (SELECT a.id {LIVE})"
    ));
    let targets = sqlx::AssertSqlSafe(format!(
        "SELECT a.id, g.id, g.metric, g.op, g.value, (SELECT x.actual FROM report_actuals x \
           JOIN progress_reports r ON r.id = x.report_id \
           WHERE x.target_id = g.id AND r.assignment_id = a.id ORDER BY r.period DESC LIMIT 1) \
         {LIVE_WITH_TARGETS}"
    ));
    let milestones = sqlx::AssertSqlSafe(format!(
        "SELECT m.target_id, m.due_on, m.value FROM target_milestones m \
         WHERE m.target_id IN (SELECT g.id {LIVE_WITH_TARGETS})"
    ));
    Ok(on_db!(db, pool => {
        let mut w = WatchedInputs::default();
        for r in sqlx::query(assignments).bind(plan_id).fetch_all(pool).await? {
            w.assignments.push(WatchedRow {
                id: r.try_get(0)?,
                unit_id: r.try_get(1)?,
                unit_name: r.try_get(2)?,
                task_title: r.try_get(3)?,
                state: r.try_get(4)?,
                assigned_at: r.try_get(5)?,
                year: r.try_get(6)?,
                rhythm: super::assignments::rhythm_at(&r, 7)?,
            });
        }
        for r in sqlx::query(measures).bind(plan_id).fetch_all(pool).await? {
            w.measures.push((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?, r.try_get(3)?));
        }
        for r in sqlx::query(reports).bind(plan_id).fetch_all(pool).await? {
            w.reports.push((r.try_get(0)?, r.try_get(1)?));
        }
        for r in sqlx::query(rectifications).bind(plan_id).fetch_all(pool).await? {
            w.rectifications.push((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?, r.try_get(3)?));
        }
        for r in sqlx::query(difficulties).bind(plan_id).fetch_all(pool).await? {
            w.difficulties.push((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?, r.try_get(3)?));
        }
        for r in sqlx::query(targets).bind(plan_id).fetch_all(pool).await? {
            let actual: Option<f64> = r.try_get(5)?;
            if let Some(actual) = actual {
                w.targets.push((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?, r.try_get(3)?, r.try_get(4)?, actual));
            }
        }
        for r in sqlx::query(milestones).bind(plan_id).fetch_all(pool).await? {
            w.milestones.push((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?));
        }
        w
    }))
}

const LIVE_WITH_UNIT: &str = "FROM assignments a JOIN tasks t ON t.id = a.task_id JOIN plans p ON p.id = t.plan_id \
     JOIN units u ON u.id = a.unit_id \
     WHERE p.state = 'published' AND a.withdrawn_in IS NULL AND t.removed_in IS NULL \
     AND a.state <> 'verified' AND p.id = $1";

const LIVE_WITH_TARGETS: &str = "FROM assignments a JOIN tasks t ON t.id = a.task_id JOIN plans p ON p.id = t.plan_id \
     JOIN targets g ON g.task_id = t.id \
     WHERE g.value IS NOT NULL AND p.state = 'published' AND a.withdrawn_in IS NULL AND t.removed_in IS NULL \
     AND a.state <> 'verified' AND p.id = $1";

/// A reminder to store.
#[derive(Debug, Clone)]
pub struct NewReminder<'a> {
    pub cause: &'a str,
    pub dedup_key: &'a str,
    pub level: i64,
    pub unit_id: Option<i64>,
    pub assignment_id: Option<i64>,
    pub subject: &'a str,
    pub body: &'a str,
    pub link: &'a str,
    pub due_on: &'a str,
    pub created_by: Option<i64>,
    pub created_at: i64,
}

/// Stores a reminder unless its key is known: Some(id) when it is new.
pub async fn insert(tx: &mut Tx, r: &NewReminder<'_>) -> StoreResult<Option<i64>> {
    Ok(on_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO reminders (cause, dedup_key, level, unit_id, assignment_id, subject, body, link, due_on, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (dedup_key) DO NOTHING RETURNING id",
        )
        .bind(r.cause)
        .bind(r.dedup_key)
        .bind(r.level)
        .bind(r.unit_id)
        .bind(r.assignment_id)
        .bind(r.subject)
        .bind(r.body)
        .bind(r.link)
        .bind(r.due_on)
        .bind(r.created_by)
        .bind(r.created_at)
        .fetch_optional(&mut **conn)
        .await?
        .map(|row| row.try_get::<i64, _>(0))
        .transpose()?
    }))
}

/// A person a reminder may reach.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recipient {
    pub user_id: i64,
    pub name: String,
    pub email: Option<String>,
    pub email_enabled: bool,
    pub quiet_hours: Option<String>,
}

const RECIPIENT: &str =
    "SELECT u.id, u.display_name, u.email, u.email_enabled, u.quiet_hours FROM users u";

fn recipients_of<R: Row>(rows: &[R]) -> StoreResult<Vec<Recipient>>
where
    for<'r> i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> bool: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Option<String>: sqlx::Decode<'r, R::Database>,
    usize: sqlx::ColumnIndex<R>,
{
    rows.iter()
        .map(|r| {
            Ok(Recipient {
                user_id: r.try_get(0)?,
                name: r.try_get(1)?,
                email: r.try_get(2)?,
                email_enabled: r.try_get(3)?,
                quiet_hours: r.try_get(4)?,
            })
        })
        .collect()
}

/// The active liaisons of a unit.
pub async fn liaisons(tx: &mut Tx, unit_id: i64) -> StoreResult<Vec<Recipient>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "{RECIPIENT} WHERE u.active AND u.role = 'liaison' AND u.unit_id = $1 ORDER BY u.id"
    ));
    on_tx!(tx, conn => recipients_of(&sqlx::query(sql).bind(unit_id).fetch_all(&mut **conn).await?))
}

/// The unit's head, if one is named and active.
pub async fn head(tx: &mut Tx, unit_id: i64) -> StoreResult<Vec<Recipient>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "{RECIPIENT} JOIN units n ON n.head_user_id = u.id WHERE u.active AND n.id = $1"
    ));
    on_tx!(tx, conn => recipients_of(&sqlx::query(sql).bind(unit_id).fetch_all(&mut **conn).await?))
}

/// The active users of a role (leaders, supervisors).
pub async fn of_role(tx: &mut Tx, role: &str) -> StoreResult<Vec<Recipient>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "{RECIPIENT} WHERE u.active AND u.role = $1 ORDER BY u.id"
    ));
    on_tx!(tx, conn => recipients_of(&sqlx::query(sql).bind(role).fetch_all(&mut **conn).await?))
}

/// The quiet hours a unit set, if any.
pub async fn unit_quiet_hours(tx: &mut Tx, unit_id: i64) -> StoreResult<Option<String>> {
    Ok(on_tx!(tx, conn => {
        sqlx::query("SELECT quiet_hours FROM units WHERE id = $1")
            .bind(unit_id)
            .fetch_optional(&mut **conn)
            .await?
            .map(|r| r.try_get::<Option<String>, _>(0))
            .transpose()?
            .flatten()
    }))
}

/// The day reminders were last generated (`reminders.generated_on`).
pub async fn generated_on(db: &Db) -> StoreResult<Option<String>> {
    Ok(super::evaluations::setting(db, "reminders.generated_on")
        .await?
        .map(|(value, _)| value))
}

pub async fn set_generated_on(tx: &mut Tx, day: &str) -> StoreResult<()> {
    super::evaluations::mark(tx, "reminders.generated_on", day).await
}

/// A stored reminder.
#[derive(Debug, Clone, PartialEq)]
pub struct ReminderRow {
    pub id: i64,
    pub cause: String,
    pub dedup_key: String,
    pub level: i64,
    pub unit_id: Option<i64>,
    pub assignment_id: Option<i64>,
    pub subject: String,
    pub body: String,
    pub link: String,
    pub due_on: String,
    pub created_by: Option<i64>,
    pub created_at: i64,
}

const REMINDER: &str = "SELECT id, cause, dedup_key, level, unit_id, assignment_id, subject, body, link, due_on, created_by, created_at FROM reminders";

fn reminder<R: Row>(r: &R) -> StoreResult<ReminderRow>
where
    for<'r> i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Option<i64>: sqlx::Decode<'r, R::Database>,
    for<'r> String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    usize: sqlx::ColumnIndex<R>,
{
    Ok(ReminderRow {
        id: r.try_get(0)?,
        cause: r.try_get(1)?,
        dedup_key: r.try_get(2)?,
        level: r.try_get(3)?,
        unit_id: r.try_get(4)?,
        assignment_id: r.try_get(5)?,
        subject: r.try_get(6)?,
        body: r.try_get(7)?,
        link: r.try_get(8)?,
        due_on: r.try_get(9)?,
        created_by: r.try_get(10)?,
        created_at: r.try_get(11)?,
    })
}

/// Every reminder in the order it came into being (oldest first).
pub async fn all(db: &Db) -> StoreResult<Vec<ReminderRow>> {
    let sql = sqlx::AssertSqlSafe(format!("{REMINDER} ORDER BY id"));
    on_db!(db, pool => sqlx::query(sql).fetch_all(pool).await?.iter().map(reminder).collect())
}

/// The reminders of one assignment, newest first.
pub async fn of_assignment(db: &Db, assignment_id: i64) -> StoreResult<Vec<ReminderRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "{REMINDER} WHERE assignment_id = $1 ORDER BY id DESC"
    ));
    on_db!(db, pool => sqlx::query(sql).bind(assignment_id).fetch_all(pool).await?.iter().map(reminder).collect())
}

pub async fn get(db: &Db, id: i64) -> StoreResult<Option<ReminderRow>> {
    let sql = sqlx::AssertSqlSafe(format!("{REMINDER} WHERE id = $1"));
    on_db!(db, pool => sqlx::query(sql).bind(id).fetch_optional(pool).await?.as_ref().map(reminder).transpose())
}

/// Several reminders by id, in one round trip.
pub async fn by_ids(db: &Db, ids: &[i64]) -> StoreResult<Vec<ReminderRow>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = sqlx::AssertSqlSafe(format!(
        "{REMINDER} WHERE id IN ({})",
        super::placeholders(ids.len())
    ));
    on_db!(db, pool => super::bind_all(sqlx::query(sql), ids).fetch_all(pool).await?.iter().map(reminder).collect())
}
