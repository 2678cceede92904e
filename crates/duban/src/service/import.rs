//! Loading a published plan: the document is read by the importer, then the
//! plan, its revision, categories, tasks, targets and assignments are written
//! in one transaction with one audit event.

use duban_plan::{Comparison, PlanDraft, Registry, Role as UnitRole, Trend};
use serde_json::json;
use sha2::{Digest, Sha256};

use super::{ServiceResult, require};
use crate::clock::Clock;
use crate::domain::roles::{Actor, Role};
use crate::store::audit::NewEvent;
use crate::store::plans::{NewTarget, NewTask};
use crate::store::{Db, Tx, audit, plans, units};

/// What an import did.
#[derive(Debug, Clone, PartialEq)]
pub struct Imported {
    pub plan_id: i64,
    pub tasks: usize,
    pub assignments: usize,
    /// Units the registry did not know, created as new units.
    pub new_units: Vec<String>,
    /// Open groups ("相关部门和国企集团") whose members must be assigned by hand: (task number, group).
    pub open_groups: Vec<(String, String)>,
    /// The importer's warnings, as `line N: message`.
    pub warnings: Vec<String>,
}

/// A document to import.
pub struct Document<'a> {
    pub name: &'a str,
    pub bytes: &'a [u8],
}

pub async fn import_plan(
    db: &Db,
    clock: &dyn Clock,
    actor: &Actor,
    registry: &Registry,
    document: Document<'_>,
    publish: bool,
) -> ServiceResult<Imported> {
    require(actor, &[Role::Admin, Role::Supervisor], "import a plan")?;
    let draft = duban_plan::parse(document.bytes, registry)?;
    import_draft(db, clock, actor, registry, document, &draft, publish).await
}

/// Imports a plan already in structured form: a draft parsed earlier, or
/// made by the benchmark generator (`duban bench gen`), which stands for
/// `document` in the record.
pub async fn import_draft(
    db: &Db,
    clock: &dyn Clock,
    actor: &Actor,
    registry: &Registry,
    document: Document<'_>,
    draft: &PlanDraft,
    publish: bool,
) -> ServiceResult<Imported> {
    require(actor, &[Role::Admin, Role::Supervisor], "import a plan")?;
    let lights = super::lights::Refresher::load(db, clock).await?;
    let mut tx = db.begin().await?;
    let imported = import_in(
        &mut tx,
        clock.now_millis(),
        actor,
        registry,
        &document,
        draft,
        publish,
    )
    .await?;
    lights.plan(&mut tx, imported.plan_id).await?;
    tx.commit().await?;
    tracing::info!(
        plan_id = imported.plan_id,
        tasks = imported.tasks,
        assignments = imported.assignments,
        "plan imported"
    );
    Ok(imported)
}

/// The import's writes and audit event, inside the caller's transaction (so
/// a caller can store unit aliases the document needs in the same one). The
/// caller has checked the actor's permission and parsed `document` into `draft`.
pub(super) async fn import_in(
    tx: &mut Tx,
    now: i64,
    actor: &Actor,
    registry: &Registry,
    document: &Document<'_>,
    draft: &PlanDraft,
    publish: bool,
) -> ServiceResult<Imported> {
    let sha256 = hex::encode(Sha256::digest(document.bytes));
    units::sync_registry(tx, registry).await?;
    let title = draft
        .title
        .clone()
        .unwrap_or_else(|| document.name.to_string());
    let state = if publish { "published" } else { "draft" };
    let plan_id = plans::insert_plan(tx, draft.year.map(i64::from), &title, state, now).await?;
    let parsed =
        serde_json::to_string(draft).map_err(|e| super::ServiceError::Invalid(e.to_string()))?;
    plans::insert_revision(tx, plan_id, 1, document.name, &sha256, &parsed, now).await?;
    let outcome = write_tasks(tx, plan_id, draft, now).await?;
    audit::append(
        tx,
        now,
        NewEvent {
            actor: &actor.name,
            action: "plan.import",
            entity: "plan",
            entity_id: Some(plan_id),
            before: None,
            after: Some(json!({
                "title": title,
                "year": draft.year,
                "state": state,
                "source": document.name,
                "sha256": sha256,
                "categories": draft.categories.len(),
                "tasks": draft.tasks.len(),
                "assignments": outcome.assignments,
                "new_units": outcome.new_units,
            })),
        },
    )
    .await?;
    Ok(Imported {
        plan_id,
        tasks: draft.tasks.len(),
        assignments: outcome.assignments,
        new_units: outcome.new_units,
        open_groups: outcome.open_groups,
        warnings: draft
            .warnings
            .iter()
            .map(|w| format!("line {}: {}", w.line, w.message))
            .collect(),
    })
}

/// What writing tasks produced, for the caller's report.
#[derive(Default)]
pub(super) struct Written {
    pub(super) assignments: usize,
    pub(super) new_units: Vec<String>,
    pub(super) open_groups: Vec<(String, String)>,
}

async fn write_tasks(
    tx: &mut Tx,
    plan_id: i64,
    draft: &PlanDraft,
    now: i64,
) -> ServiceResult<Written> {
    let mut written = Written::default();
    let mut category_ids = Vec::with_capacity(draft.categories.len());
    for (position, category) in draft.categories.iter().enumerate() {
        let id = plans::insert_category(
            tx,
            plan_id,
            &category.ordinal,
            &category.title,
            position as i64,
        )
        .await?;
        category_ids.push((category.ordinal.as_str(), id));
    }
    for (position, task) in draft.tasks.iter().enumerate() {
        let category_id = task
            .category
            .as_deref()
            .and_then(|ordinal| category_ids.iter().find(|(o, _)| *o == ordinal))
            .map(|&(_, id)| id);
        insert_task(
            tx,
            plan_id,
            category_id,
            position as i64,
            task,
            now,
            &mut written,
        )
        .await?;
    }
    Ok(written)
}

/// Writes one task with its targets and assignments.
pub(super) async fn insert_task(
    tx: &mut Tx,
    plan_id: i64,
    category_id: Option<i64>,
    position: i64,
    task: &duban_plan::Task,
    now: i64,
    written: &mut Written,
) -> ServiceResult<i64> {
    let task_id = plans::insert_task(
        tx,
        &NewTask {
            plan_id,
            category_id,
            number: &task.number,
            title: &task.title,
            body: &task.text,
            deadline_date: task.deadline.as_ref().and_then(|d| d.date.as_deref()),
            deadline_text: task.deadline.as_ref().map(|d| d.text.as_str()),
            position,
            start_line: i64::from(task.span.start_line),
            end_line: i64::from(task.span.end_line),
        },
    )
    .await?;
    let figures = task.targets.iter().map(|t| {
        let op = match t.op {
            Comparison::AtLeast => ">=",
            Comparison::AtMost => "<=",
            Comparison::Equal => "=",
        };
        (
            t.metric.as_str(),
            op,
            Some(t.value),
            Some(t.unit.as_str()),
            t.qualifier.as_deref(),
        )
    });
    let directions = task.directions.iter().map(|d| {
        let op = match d.op {
            Trend::Up => "up",
            Trend::Down => "down",
        };
        (d.metric.as_str(), op, None, None, d.qualifier.as_deref())
    });
    for (position, (metric, op, value, unit, qualifier)) in figures.chain(directions).enumerate() {
        plans::insert_target(
            tx,
            &NewTarget {
                task_id,
                metric,
                op,
                value,
                unit,
                qualifier,
                position: position as i64,
            },
        )
        .await?;
    }
    for unit in &task.units {
        let role = match unit.role {
            UnitRole::Lead => "lead",
            UnitRole::Co => "co",
        };
        assign_unit(tx, task_id, &task.number, &unit.name, role, now, written).await?;
    }
    Ok(task_id)
}

/// Assigns a unit named in the document: a known unit, a group's members, or
/// a new unit kept as written. Returns the unit's (or group's) id.
pub(super) async fn assign_unit(
    tx: &mut Tx,
    task_id: i64,
    number: &str,
    name: &str,
    role: &str,
    now: i64,
    written: &mut Written,
) -> ServiceResult<i64> {
    let found = match units::resolve(tx, name).await? {
        Some(found) => found,
        None => {
            // Kept as written, as the importer warned; an admin can merge it
            // into a registry unit later.
            let id = units::create(tx, name, "unregistered", false, false).await?;
            written.new_units.push(name.to_string());
            units::UnitRow {
                id,
                name: name.to_string(),
                is_group: false,
                open_group: false,
            }
        }
    };
    if !found.is_group {
        if plans::insert_assignment(tx, task_id, found.id, role, None, now)
            .await?
            .is_some()
        {
            written.assignments += 1;
        }
        return Ok(found.id);
    }
    let members = units::members(tx, found.id).await?;
    if members.is_empty() {
        written
            .open_groups
            .push((number.to_string(), name.to_string()));
    }
    for member in members {
        if plans::insert_assignment(tx, task_id, member, role, Some(found.id), now)
            .await?
            .is_some()
        {
            written.assignments += 1;
        }
    }
    Ok(found.id)
}
