//! A plan's whole record, table by table, as rows streamed out of a
//! [`Snapshot`]: what `duban export data` and `GET /api/v1/plans/{id}/data`
//! write. Each [`Record`] type is one section of the export (its JSON field
//! names are the contract, documented in README), read in a stable order and
//! never held in memory all at once.

use futures_util::stream::{BoxStream, StreamExt, TryStreamExt};
use serde::Serialize;
use sqlx::FromRow;
use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;

use super::{Snapshot, StoreError, StoreResult};

/// One section of a plan's record.
pub trait Record:
    Serialize + Send + Unpin + 'static + for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow>
{
    /// The section's key in the export.
    const SECTION: &'static str;
    /// The rows of plan `$1`, in a stable order.
    const SQL: &'static str;
}

/// The rows of one section of plan `plan_id`, as they are read.
pub fn rows<T: Record>(snapshot: &mut Snapshot, plan_id: i64) -> BoxStream<'_, StoreResult<T>> {
    match snapshot {
        Snapshot::Sqlite(tx) => sqlx::query_as::<_, T>(T::SQL)
            .bind(plan_id)
            .fetch(&mut **tx)
            .map_err(StoreError::from)
            .boxed(),
        Snapshot::Postgres(tx) => sqlx::query_as::<_, T>(T::SQL)
            .bind(plan_id)
            .fetch(&mut **tx)
            .map_err(StoreError::from)
            .boxed(),
    }
}

/// The plan itself (one row, or none when there is no such plan).
#[derive(Debug, Clone, Serialize, FromRow)]
pub struct PlanRecord {
    pub id: i64,
    pub year: Option<i64>,
    pub title: String,
    pub state: String,
    pub created_at: i64,
}

impl Record for PlanRecord {
    const SECTION: &'static str = "plan";
    const SQL: &'static str = "SELECT id, year, title, state, created_at FROM plans WHERE id = $1";
}

#[derive(Debug, Serialize, FromRow)]
pub struct CategoryRecord {
    pub id: i64,
    pub ordinal: String,
    pub title: String,
    pub position: i64,
}

impl Record for CategoryRecord {
    const SECTION: &'static str = "categories";
    const SQL: &'static str = "SELECT id, ordinal, title, position FROM categories \
        WHERE plan_id = $1 ORDER BY position";
}

#[derive(Debug, Serialize, FromRow)]
pub struct TaskRecord {
    pub id: i64,
    pub category_id: Option<i64>,
    pub number: String,
    pub title: String,
    pub body: String,
    pub deadline_date: Option<String>,
    pub deadline_text: Option<String>,
    pub light: String,
    pub position: i64,
    /// Its own report rhythm (weekly … quarterly; null: the office's) and
    /// the day it was last changed.
    pub report_frequency: Option<String>,
    pub report_frequency_since: Option<String>,
}

impl Record for TaskRecord {
    const SECTION: &'static str = "tasks";
    const SQL: &'static str = "SELECT id, category_id, number, title, body, deadline_date, \
        deadline_text, light, position, report_frequency, report_frequency_since \
        FROM tasks WHERE plan_id = $1 ORDER BY position";
}

#[derive(Debug, Serialize, FromRow)]
pub struct TargetRecord {
    pub id: i64,
    pub task_id: i64,
    pub metric: String,
    pub op: String,
    pub value: Option<f64>,
    pub unit: Option<String>,
    pub qualifier: Option<String>,
    pub position: i64,
}

impl Record for TargetRecord {
    const SECTION: &'static str = "targets";
    const SQL: &'static str = "SELECT g.id, g.task_id, g.metric, g.op, g.value, g.unit, \
        g.qualifier, g.position FROM targets g JOIN tasks t ON t.id = g.task_id \
        WHERE t.plan_id = $1 ORDER BY t.position, g.position";
}

#[derive(Debug, Serialize, FromRow)]
pub struct MilestoneRecord {
    pub target_id: i64,
    pub due_on: String,
    pub value: f64,
}

impl Record for MilestoneRecord {
    const SECTION: &'static str = "target_milestones";
    const SQL: &'static str = "SELECT s.target_id, s.due_on, s.value FROM target_milestones s \
        JOIN targets g ON g.id = s.target_id JOIN tasks t ON t.id = g.task_id \
        WHERE t.plan_id = $1 ORDER BY s.target_id, s.due_on";
}

#[derive(Debug, Serialize, FromRow)]
pub struct AssignmentRecord {
    pub id: i64,
    pub task_id: i64,
    pub unit_id: i64,
    pub unit: String,
    pub role: String,
    pub state: String,
    pub light: String,
    pub via_group_id: Option<i64>,
    pub assigned_at: i64,
    pub note: Option<String>,
}

impl Record for AssignmentRecord {
    const SECTION: &'static str = "assignments";
    const SQL: &'static str = "SELECT a.id, a.task_id, a.unit_id, u.name AS unit, a.role, \
        a.state, a.light, a.via_group_id, a.assigned_at, a.note FROM assignments a \
        JOIN tasks t ON t.id = a.task_id JOIN units u ON u.id = a.unit_id \
        WHERE t.plan_id = $1 ORDER BY t.position, a.id";
}

#[derive(Debug, Serialize, FromRow)]
pub struct MeasureRecord {
    pub id: i64,
    pub assignment_id: i64,
    pub description: String,
    pub responsible_person: String,
    pub deadline: String,
    pub done_at: Option<i64>,
    pub created_at: i64,
}

impl Record for MeasureRecord {
    const SECTION: &'static str = "measures";
    const SQL: &'static str = "SELECT m.id, m.assignment_id, m.description, \
        m.responsible_person, m.deadline, m.done_at, m.created_at FROM measures m \
        JOIN assignments a ON a.id = m.assignment_id JOIN tasks t ON t.id = a.task_id \
        WHERE t.plan_id = $1 ORDER BY m.assignment_id, m.id";
}

#[derive(Debug, Serialize, FromRow)]
pub struct ReportRecord {
    pub id: i64,
    pub assignment_id: i64,
    pub period: String,
    pub narrative: String,
    pub submitted_at: i64,
    pub submitted_by: String,
}

impl Record for ReportRecord {
    const SECTION: &'static str = "progress_reports";
    const SQL: &'static str = "SELECT r.id, r.assignment_id, r.period, r.narrative, \
        r.submitted_at, r.submitted_by FROM progress_reports r \
        JOIN assignments a ON a.id = r.assignment_id JOIN tasks t ON t.id = a.task_id \
        WHERE t.plan_id = $1 ORDER BY r.assignment_id, r.period";
}

#[derive(Debug, Serialize, FromRow)]
pub struct ActualRecord {
    pub report_id: i64,
    pub target_id: i64,
    pub actual: f64,
}

impl Record for ActualRecord {
    const SECTION: &'static str = "report_actuals";
    const SQL: &'static str = "SELECT x.report_id, x.target_id, x.actual FROM report_actuals x \
        JOIN progress_reports r ON r.id = x.report_id \
        JOIN assignments a ON a.id = r.assignment_id JOIN tasks t ON t.id = a.task_id \
        WHERE t.plan_id = $1 ORDER BY x.report_id, x.target_id";
}

/// An attachment's description; its bytes are downloaded on their own.
#[derive(Debug, Serialize, FromRow)]
pub struct AttachmentRecord {
    pub id: i64,
    pub report_id: i64,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    pub uploaded_by: String,
    pub uploaded_at: i64,
}

impl Record for AttachmentRecord {
    const SECTION: &'static str = "attachments";
    const SQL: &'static str = "SELECT f.id, f.report_id, f.file_name, f.content_type, f.size, \
        f.sha256, f.uploaded_by, f.uploaded_at FROM attachments f \
        JOIN progress_reports r ON r.id = f.report_id \
        JOIN assignments a ON a.id = r.assignment_id JOIN tasks t ON t.id = a.task_id \
        WHERE t.plan_id = $1 ORDER BY f.report_id, f.id";
}

#[derive(Debug, Serialize, FromRow)]
pub struct InspectionRecord {
    pub id: i64,
    pub body_id: i64,
    pub body: String,
    pub title: String,
    pub inspected_on: String,
    pub created_by: String,
    pub created_at: i64,
}

impl Record for InspectionRecord {
    const SECTION: &'static str = "inspections";
    const SQL: &'static str = "SELECT i.id, i.body_id, b.name AS body, i.title, i.inspected_on, \
        i.created_by, i.created_at FROM inspections i \
        JOIN supervision_bodies b ON b.id = i.body_id WHERE i.plan_id = $1 ORDER BY i.id";
}

#[derive(Debug, Serialize, FromRow)]
pub struct FindingRecord {
    pub id: i64,
    pub inspection_id: i64,
    pub assignment_id: i64,
    pub action: String,
    pub description: String,
    pub deadline: Option<String>,
    pub state: String,
    pub response: Option<String>,
    pub responded_at: Option<i64>,
    pub verified_by: Option<String>,
    pub verified_at: Option<i64>,
    pub created_at: i64,
}

impl Record for FindingRecord {
    const SECTION: &'static str = "findings";
    const SQL: &'static str = "SELECT f.id, f.inspection_id, f.assignment_id, f.action, \
        f.description, f.deadline, f.state, f.response, f.responded_at, f.verified_by, \
        f.verified_at, f.created_at FROM findings f \
        JOIN inspections i ON i.id = f.inspection_id WHERE i.plan_id = $1 ORDER BY f.id";
}

#[derive(Debug, Serialize, FromRow)]
pub struct EvaluationRecord {
    pub id: i64,
    pub assignment_id: i64,
    pub round: String,
    pub body_id: i64,
    pub evaluator: String,
    pub completion: f64,
    pub innovation: f64,
    pub effect: f64,
    pub attitude: f64,
    /// The four weights as they were when the score was given (JSON text).
    pub weights: String,
    pub weighted: f64,
    pub comment: String,
    pub created_at: i64,
}

impl Record for EvaluationRecord {
    const SECTION: &'static str = "evaluations";
    const SQL: &'static str = "SELECT e.id, e.assignment_id, e.round, e.body_id, e.evaluator, \
        e.completion, e.innovation, e.effect, e.attitude, e.weights, e.weighted, e.comment, \
        e.created_at FROM evaluations e \
        JOIN assignments a ON a.id = e.assignment_id JOIN tasks t ON t.id = a.task_id \
        WHERE t.plan_id = $1 ORDER BY e.assignment_id, e.round, e.body_id";
}

#[derive(Debug, Serialize, FromRow)]
pub struct DifficultyRecord {
    pub id: i64,
    pub assignment_id: i64,
    pub description: String,
    pub routed_to: String,
    pub raised_by: String,
    pub raised_at: i64,
    pub state: String,
    pub answer: Option<String>,
    pub resolved_by: Option<String>,
    pub resolved_at: Option<i64>,
}

impl Record for DifficultyRecord {
    const SECTION: &'static str = "difficulties";
    const SQL: &'static str = "SELECT d.id, d.assignment_id, d.description, d.routed_to, \
        d.raised_by, d.raised_at, d.state, d.answer, d.resolved_by, d.resolved_at \
        FROM difficulties d \
        JOIN assignments a ON a.id = d.assignment_id JOIN tasks t ON t.id = a.task_id \
        WHERE t.plan_id = $1 ORDER BY d.id";
}

#[derive(Debug, Serialize, FromRow)]
pub struct SituationRecord {
    pub id: i64,
    pub task_id: i64,
    pub unit_id: Option<i64>,
    pub description: String,
    pub reported_by: String,
    pub reported_at: i64,
    pub acknowledged_by: Option<String>,
    pub acknowledged_at: Option<i64>,
}

impl Record for SituationRecord {
    const SECTION: &'static str = "situation_reports";
    const SQL: &'static str = "SELECT s.id, s.task_id, s.unit_id, s.description, \
        s.reported_by, s.reported_at, s.acknowledged_by, s.acknowledged_at \
        FROM situation_reports s JOIN tasks t ON t.id = s.task_id \
        WHERE t.plan_id = $1 ORDER BY s.id";
}

/// A leader's instruction (批示) or a comment on a task.
#[derive(Debug, Serialize, FromRow)]
pub struct NoteRecord {
    pub id: i64,
    pub task_id: i64,
    pub kind: String,
    pub body: String,
    pub author: String,
    pub written_at: i64,
}

impl Record for NoteRecord {
    const SECTION: &'static str = "task_notes";
    const SQL: &'static str = "SELECT n.id, n.task_id, n.kind, n.body, n.author, n.written_at \
        FROM task_notes n JOIN tasks t ON t.id = n.task_id WHERE t.plan_id = $1 ORDER BY n.id";
}

/// A reminder or 催办 sent about one of the plan's assignments.
#[derive(Debug, Serialize, FromRow)]
pub struct ReminderRecord {
    pub id: i64,
    pub cause: String,
    pub level: i64,
    pub unit_id: Option<i64>,
    pub assignment_id: Option<i64>,
    pub subject: String,
    pub due_on: String,
    pub created_at: i64,
}

impl Record for ReminderRecord {
    const SECTION: &'static str = "reminders";
    const SQL: &'static str = "SELECT m.id, m.cause, m.level, m.unit_id, m.assignment_id, \
        m.subject, m.due_on, m.created_at FROM reminders m \
        JOIN assignments a ON a.id = m.assignment_id JOIN tasks t ON t.id = a.task_id \
        WHERE t.plan_id = $1 ORDER BY m.id";
}
