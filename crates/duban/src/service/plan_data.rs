//! A plan's whole record as one JSON document, streamed: the "data as JSON"
//! of `duban export` (DESIGN.md) and `GET /api/v1/plans/{id}/data`.
//!
//! The rows are read from one [`Snapshot`] (every section agrees with every
//! other, whatever is written meanwhile) and written as they come, in chunks
//! through a bounded channel: memory stays flat however large the plan, the
//! first bytes leave before the last row is read, and a reader that stops
//! reading holds the producer instead of letting it buffer.

use serde::Serialize;
use tokio::sync::mpsc;

use super::{ServiceError, ServiceResult};
use crate::clock::Clock;
use crate::domain::roles::{Actor, Role};
use crate::store::plan_data::{
    ActualRecord, AssignmentRecord, AttachmentRecord, CategoryRecord, DifficultyRecord,
    EvaluationRecord, FindingRecord, InspectionRecord, MeasureRecord, MilestoneRecord, NoteRecord,
    PlanRecord, Record, ReminderRecord, ReportRecord, SituationRecord, TargetRecord, TaskRecord,
    rows,
};
use crate::store::{Db, Snapshot, StoreError};
use futures_util::TryStreamExt;

/// The document's `format` field; a change of shape gets a new one.
pub const FORMAT: &str = "duban.plan-data.v1";

/// Bytes gathered before they are handed on.
const CHUNK: usize = 64 * 1024;
/// Chunks in flight between the producer and the writer of the response or file.
const CHUNKS_IN_FLIGHT: usize = 4;

/// One piece of the document, or the failure that cut it short (the reader
/// must then discard what it got: the document is incomplete).
pub type Chunk = ServiceResult<Vec<u8>>;

/// An export under way: which plan, what to call the file, and its bytes as
/// they are produced.
pub struct DataExport {
    pub plan: PlanRecord,
    pub file_name: String,
    pub chunks: mpsc::Receiver<Chunk>,
}

/// The whole record reads everything: for those who read everything.
pub fn may_export(actor: &Actor) -> bool {
    matches!(actor.role, Role::Admin | Role::Supervisor | Role::Leader)
}

/// Starts exporting plan `plan_id`: the plan is looked up (and refused or
/// not found) before anything is streamed.
pub async fn export(
    db: &Db,
    clock: &dyn Clock,
    actor: &Actor,
    plan_id: i64,
) -> ServiceResult<DataExport> {
    if !may_export(actor) {
        return Err(ServiceError::Forbidden(
            "the plan's whole record is exported by the office, its supervisors and leaders".into(),
        ));
    }
    let mut snapshot = db.snapshot().await?;
    let plan = rows::<PlanRecord>(&mut snapshot, plan_id)
        .try_next()
        .await?
        .ok_or_else(|| ServiceError::NotFound(format!("plan {plan_id}")))?;
    let exported_at = clock.now().to_string();
    let (sender, chunks) = mpsc::channel(CHUNKS_IN_FLIGHT);
    let head = Head {
        format: FORMAT,
        exported_at,
        plan: plan.clone(),
    };
    tokio::spawn(async move {
        let mut out = Chunks {
            buf: Vec::with_capacity(CHUNK),
            sender,
        };
        match write_document(&mut snapshot, &head, &mut out).await {
            Ok(()) => {}
            // The reader went away: nothing to tell anyone.
            Err(Stop::Closed) => {}
            Err(Stop::Failed(error)) => {
                tracing::warn!(%error, plan = head.plan.id, "data export failed");
                let _ = out.sender.send(Err(error)).await;
            }
        }
    });
    Ok(DataExport {
        file_name: format!("plan-{plan_id}-data.json"),
        plan,
        chunks,
    })
}

/// The document's opening fields.
struct Head {
    format: &'static str,
    exported_at: String,
    plan: PlanRecord,
}

/// Why writing stopped early.
enum Stop {
    Closed,
    Failed(ServiceError),
}

impl From<StoreError> for Stop {
    fn from(error: StoreError) -> Stop {
        Stop::Failed(error.into())
    }
}

async fn write_document(
    snapshot: &mut Snapshot,
    head: &Head,
    out: &mut Chunks,
) -> Result<(), Stop> {
    // The head's fields, then each section as one more field of the object.
    out.write(b"{\"format\":").await?;
    out.value(&head.format).await?;
    out.write(b",\"exported_at\":").await?;
    out.value(&head.exported_at).await?;
    out.write(b",\"plan\":").await?;
    out.value(&head.plan).await?;
    let plan = head.plan.id;
    section::<CategoryRecord>(snapshot, plan, out).await?;
    section::<TaskRecord>(snapshot, plan, out).await?;
    section::<TargetRecord>(snapshot, plan, out).await?;
    section::<MilestoneRecord>(snapshot, plan, out).await?;
    section::<AssignmentRecord>(snapshot, plan, out).await?;
    section::<MeasureRecord>(snapshot, plan, out).await?;
    section::<ReportRecord>(snapshot, plan, out).await?;
    section::<ActualRecord>(snapshot, plan, out).await?;
    section::<AttachmentRecord>(snapshot, plan, out).await?;
    section::<InspectionRecord>(snapshot, plan, out).await?;
    section::<FindingRecord>(snapshot, plan, out).await?;
    section::<EvaluationRecord>(snapshot, plan, out).await?;
    section::<DifficultyRecord>(snapshot, plan, out).await?;
    section::<SituationRecord>(snapshot, plan, out).await?;
    section::<NoteRecord>(snapshot, plan, out).await?;
    section::<ReminderRecord>(snapshot, plan, out).await?;
    out.write(b"}\n").await?;
    out.flush().await
}

/// `,"name":[row,row,…]`, one row at a time.
async fn section<T: Record>(
    snapshot: &mut Snapshot,
    plan: i64,
    out: &mut Chunks,
) -> Result<(), Stop> {
    out.write(format!(",\"{}\":[", T::SECTION).as_bytes())
        .await?;
    let mut rows = rows::<T>(snapshot, plan);
    let mut first = true;
    while let Some(row) = rows.try_next().await? {
        if !first {
            out.write(b",").await?;
        }
        first = false;
        out.value(&row).await?;
    }
    out.write(b"]").await
}

/// The bytes written so far, handed on [`CHUNK`] at a time.
struct Chunks {
    buf: Vec<u8>,
    sender: mpsc::Sender<Chunk>,
}

impl Chunks {
    async fn value(&mut self, value: &impl Serialize) -> Result<(), Stop> {
        serde_json::to_writer(&mut self.buf, value)
            .map_err(|error| Stop::Failed(ServiceError::Internal(format!("JSON: {error}"))))?;
        self.flushed_when_full().await
    }

    async fn write(&mut self, bytes: &[u8]) -> Result<(), Stop> {
        self.buf.extend_from_slice(bytes);
        self.flushed_when_full().await
    }

    async fn flushed_when_full(&mut self) -> Result<(), Stop> {
        if self.buf.len() >= CHUNK {
            self.flush().await?;
        }
        Ok(())
    }

    async fn flush(&mut self) -> Result<(), Stop> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let full = std::mem::replace(&mut self.buf, Vec::with_capacity(CHUNK));
        self.sender.send(Ok(full)).await.map_err(|_| Stop::Closed)
    }
}
