//! Importing a plan in steps, as the browser does it: an upload is read and
//! kept (only if it holds a plan), previewed with what was read, then applied
//! (new plan or revision) or discarded. Kept uploads live in the database so
//! any server behind the load balancer can take the next step, and each one
//! is visible only to the person who uploaded it.

use duban_plan::{Known, PlanDraft, Registry, SourceLine};
use serde_json::json;
use sha2::{Digest, Sha256};

use super::import::{Document, Imported, import_in};
use super::revisions::{self, Revised};
use super::{ServiceError, ServiceResult, record, require};
use crate::clock::Clock;
use crate::domain::revision::PlanDiff;
use crate::domain::roles::{Actor, Role};
use crate::store::uploads::{self, NewUpload, Shelf, Upload as PendingImport};
use crate::store::{Db, plans, units, users};

const IMPORTERS: &[Role] = &[Role::Admin, Role::Supervisor];

/// Uploads nobody came back to are removed after this long.
const KEEP_MILLIS: i64 = 7 * 24 * 3600 * 1000;

/// An upload's own facts, without its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upload {
    pub id: i64,
    pub plan_id: Option<i64>,
    pub file_name: String,
    pub sha256: String,
    pub size: usize,
}

impl From<&PendingImport> for Upload {
    fn from(p: &PendingImport) -> Upload {
        Upload {
            id: p.id,
            plan_id: p.plan_id,
            file_name: p.file_name.clone(),
            sha256: p.sha256.clone(),
            size: p.content.len(),
        }
    }
}

/// The last path segment of a browser's file name, bounded.
fn file_name_of(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name).trim();
    let base: String = base.chars().take(200).collect();
    if base.is_empty() {
        "plan.txt".to_string()
    } else {
        base
    }
}

/// Reads an uploaded document and keeps it for its preview. A document that
/// holds no plan (empty, binary, legacy .doc, no tasks…) fails with the
/// importer's [`ServiceError::Parse`] and nothing is stored. For a re-import
/// (`plan_id`), a document identical in content to the plan's latest
/// revision fails as a [`ServiceError::Transition`]: there is nothing to preview.
pub async fn keep_upload(
    db: &Db,
    clock: &dyn Clock,
    actor: &Actor,
    registry: &Registry,
    plan_id: Option<i64>,
    file_name: &str,
    bytes: &[u8],
) -> ServiceResult<i64> {
    require(actor, IMPORTERS, "import plans")?;
    let uploader_id = actor_id(db, actor).await?;
    duban_plan::parse(bytes, registry)?;
    if let Some(plan_id) = plan_id {
        let (revision, diff) = revisions::preview(db, actor, registry, plan_id, bytes).await?;
        if diff.is_empty() {
            return Err(ServiceError::Transition(format!(
                "the document holds no change from revision {revision}"
            )));
        }
    }
    let file_name = file_name_of(file_name);
    let sha256 = hex::encode(Sha256::digest(bytes));
    let now = clock.now_millis();
    let mut tx = db.begin().await?;
    uploads::delete_older_than(&mut tx, Shelf::PlanImports, now - KEEP_MILLIS).await?;
    let id = uploads::insert(
        &mut tx,
        Shelf::PlanImports,
        &NewUpload {
            uploader_id,
            plan_id,
            file_name: &file_name,
            content: bytes,
            sha256: &sha256,
        },
        now,
    )
    .await?;
    record(
        &mut tx,
        now,
        actor,
        "import.upload",
        "pending_import",
        id,
        json!({"file_name": file_name, "sha256": sha256, "size": bytes.len(), "plan_id": plan_id}),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// The user an upload belongs to: the signed-in person acting.
pub(crate) async fn actor_id(db: &Db, actor: &Actor) -> ServiceResult<i64> {
    let forbidden = || ServiceError::Forbidden("only a signed-in person keeps uploads".into());
    let username = actor.name.strip_prefix("user:").ok_or_else(forbidden)?;
    Ok(users::by_username(db, username)
        .await?
        .ok_or_else(forbidden)?
        .id)
}

/// The upload `id` if the actor made it: another person's does not exist for them.
pub async fn upload(db: &Db, actor: &Actor, id: i64) -> ServiceResult<PendingImport> {
    require(actor, IMPORTERS, "import plans")?;
    uploads::find(db, Shelf::PlanImports, id, actor_id(db, actor).await?)
        .await?
        .ok_or_else(|| ServiceError::NotFound(format!("upload {id}")))
}

/// What the preview of a new plan shows.
#[derive(Debug, Clone)]
pub struct ImportPreview {
    pub upload: Upload,
    pub draft: PlanDraft,
    /// The document's lines, numbered as the draft's spans and warnings.
    pub lines: Vec<SourceLine>,
    /// Names of units neither the registry nor the database knows.
    pub unknown_units: Vec<String>,
    /// Groups whose members are chosen by hand, with the tasks that name them.
    pub open_groups: Vec<(String, Vec<String>)>,
    /// Units an unknown name can be mapped to: (id, name).
    pub units: Vec<(i64, String)>,
}

pub async fn import_preview(
    db: &Db,
    actor: &Actor,
    registry: &Registry,
    id: i64,
) -> ServiceResult<ImportPreview> {
    let pending = upload(db, actor, id).await?;
    if let Some(plan_id) = pending.plan_id {
        return Err(ServiceError::Invalid(format!(
            "upload {id} revises plan {plan_id}; its preview is the revision's"
        )));
    }
    let draft = duban_plan::parse(&pending.content, registry)?;
    let lines = duban_plan::source_lines(&pending.content)?;
    let known = units::known_names(db).await?;
    let (unknown_units, open_groups) = classify_units(&draft, registry, &known);
    Ok(ImportPreview {
        upload: Upload::from(&pending),
        lines,
        unknown_units,
        open_groups,
        units: units::all_units(db).await?,
        draft,
    })
}

/// Unknown names, and open groups with the numbers of the tasks naming them.
fn classify_units(
    draft: &PlanDraft,
    registry: &Registry,
    known: &[String],
) -> (Vec<String>, Vec<(String, Vec<String>)>) {
    let mut unknown: Vec<String> = Vec::new();
    let mut open: Vec<(String, Vec<String>)> = Vec::new();
    for task in &draft.tasks {
        for unit in &task.units {
            match registry.lookup(&unit.name) {
                Some(Known::Group(group)) if group.open || group.members.is_empty() => {
                    match open.iter_mut().find(|(name, _)| *name == unit.name) {
                        Some((_, tasks)) => tasks.push(task.number.clone()),
                        None => open.push((unit.name.clone(), vec![task.number.clone()])),
                    }
                }
                Some(_) => {}
                None if known.contains(&unit.name) || unknown.contains(&unit.name) => {}
                None => unknown.push(unit.name.clone()),
            }
        }
    }
    (unknown, open)
}

/// Applies a previewed upload as a new plan (published, or a draft), after
/// storing the chosen mappings of unknown names to existing units as aliases,
/// in the same transaction: the import then assigns the mapped units, and a
/// failed import leaves neither aliases nor a plan behind. The upload is
/// removed in that transaction too.
pub async fn apply_import(
    db: &Db,
    clock: &dyn Clock,
    actor: &Actor,
    registry: &Registry,
    id: i64,
    mappings: &[(String, i64)],
    publish: bool,
) -> ServiceResult<Imported> {
    let pending = upload(db, actor, id).await?;
    if pending.plan_id.is_some() {
        return Err(ServiceError::Invalid(format!(
            "upload {id} revises a plan; apply it as a revision"
        )));
    }
    let draft = duban_plan::parse(&pending.content, registry)?;
    let known = units::known_names(db).await?;
    let (unknown, _) = classify_units(&draft, registry, &known);
    let now = clock.now_millis();
    let lights = super::lights::Refresher::load(db, clock).await?;
    let mut tx = db.begin().await?;
    for (name, unit_id) in mappings {
        if !unknown.contains(name) {
            return Err(ServiceError::Field {
                field: "units",
                message: format!("'{name}' is not an unknown unit of this document"),
            });
        }
        let unit = units::by_id(&mut tx, *unit_id)
            .await?
            .filter(|u| !u.is_group)
            .ok_or_else(|| ServiceError::Field {
                field: "units",
                message: format!("unit {unit_id} does not exist"),
            })?;
        units::insert_alias(&mut tx, name, unit.id).await?;
        record(
            &mut tx,
            now,
            actor,
            "unit.alias",
            "unit",
            unit.id,
            json!({"alias": name, "unit": unit.name}),
        )
        .await?;
    }
    let document = Document {
        name: &pending.file_name,
        bytes: &pending.content,
    };
    let imported = import_in(&mut tx, now, actor, registry, &document, &draft, publish).await?;
    uploads::delete(&mut tx, Shelf::PlanImports, id, pending.uploader_id).await?;
    lights.plan(&mut tx, imported.plan_id).await?;
    tx.commit().await?;
    tracing::info!(
        plan_id = imported.plan_id,
        tasks = imported.tasks,
        "plan imported from the browser"
    );
    Ok(imported)
}

/// Drops an upload without applying it.
pub async fn discard(db: &Db, clock: &dyn Clock, actor: &Actor, id: i64) -> ServiceResult<()> {
    let pending = upload(db, actor, id).await?;
    let now = clock.now_millis();
    let mut tx = db.begin().await?;
    uploads::delete(&mut tx, Shelf::PlanImports, id, pending.uploader_id).await?;
    record(
        &mut tx,
        now,
        actor,
        "import.discard",
        "pending_import",
        id,
        json!({"file_name": pending.file_name, "sha256": pending.sha256}),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// What the preview of a re-import shows.
#[derive(Debug, Clone)]
pub struct RevisionPreview {
    pub upload: Upload,
    pub plan_id: i64,
    pub plan_title: String,
    /// The revision the plan is at now.
    pub revision: i64,
    pub diff: PlanDiff,
    /// The text of each added task: (number, text).
    pub added: Vec<(String, String)>,
}

pub async fn revision_preview(
    db: &Db,
    actor: &Actor,
    registry: &Registry,
    id: i64,
) -> ServiceResult<RevisionPreview> {
    let pending = upload(db, actor, id).await?;
    let plan_id = pending.plan_id.ok_or_else(|| {
        ServiceError::Invalid(format!("upload {id} is a new plan, not a revision"))
    })?;
    let (revision, diff) =
        revisions::preview(db, actor, registry, plan_id, &pending.content).await?;
    let draft = duban_plan::parse(&pending.content, registry)?;
    let added = draft
        .tasks
        .into_iter()
        .filter(|t| diff.added.contains(&t.number))
        .map(|t| (t.number, t.text))
        .collect();
    let plan_title = plans::summaries(db)
        .await?
        .into_iter()
        .find(|p| p.id == plan_id)
        .map(|p| p.title)
        .unwrap_or_default();
    Ok(RevisionPreview {
        upload: Upload::from(&pending),
        plan_id,
        plan_title,
        revision,
        diff,
        added,
    })
}

/// Applies a previewed re-import as the plan's next revision, then removes
/// the upload. (The revision is written by `revise_plan` in its own
/// transaction; should the removal fail after it, the upload only lingers
/// until it is discarded or expires, and applying it again says "no change".)
pub async fn apply_revision(
    db: &Db,
    clock: &dyn Clock,
    actor: &Actor,
    registry: &Registry,
    id: i64,
) -> ServiceResult<Revised> {
    let pending = upload(db, actor, id).await?;
    let plan_id = pending.plan_id.ok_or_else(|| {
        ServiceError::Invalid(format!("upload {id} is a new plan, not a revision"))
    })?;
    let document = Document {
        name: &pending.file_name,
        bytes: &pending.content,
    };
    let revised = revisions::revise_plan(db, clock, actor, registry, plan_id, document).await?;
    let mut tx = db.begin().await?;
    uploads::delete(&mut tx, Shelf::PlanImports, id, pending.uploader_id).await?;
    tx.commit().await?;
    Ok(revised)
}
