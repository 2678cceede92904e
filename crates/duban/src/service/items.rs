//! 立项: the office opens a supervised item from any source, numbers it in its
//! own series, has a leader approve it when asked to (领导审核), and hands it
//! to its lead and co units (交办). The item's work is a task of its year's
//! register, so everything that follows an annual plan's task follows it.

use jiff::civil::Date;
use serde_json::json;

use super::{ServiceError, ServiceResult, record, require, text};
use crate::clock::Clock;
use crate::domain::item::{ItemState, Source, number};
use crate::domain::roles::{Actor, Role};
use crate::store::completions::{CompletionRow, FileRow};
use crate::store::items::{self, ItemRow, ItemUnit, NewItem};
use crate::store::{Db, Tx, handover, plans, tasks};

/// What the office writes when it opens an item.
#[derive(Debug, Clone, Default)]
pub struct OpenItem {
    pub source: String,
    pub source_ref: String,
    pub title: String,
    pub content: String,
    pub required_result: String,
    /// YYYY-MM-DD.
    pub deadline: String,
    pub lead_units: Vec<String>,
    pub co_units: Vec<String>,
    /// A leader approves the item before it goes to its units.
    pub needs_approval: bool,
    /// Completion must carry evidence (a file) to be accepted.
    pub evidence_required: bool,
    /// Its own report rhythm (weekly, half_monthly, monthly, quarterly);
    /// empty: the office's.
    pub report_frequency: String,
}

/// Unit names as the form gives them: trimmed, empty ones dropped.
fn names(list: &[String]) -> Vec<String> {
    list.iter()
        .map(|n| n.trim().to_string())
        .filter(|n| !n.is_empty())
        .collect()
}

/// The units of an item resolved by name, lead units first; a name that is
/// no unit, a group without fixed members, or a unit named twice is refused.
async fn resolve_units(
    tx: &mut Tx,
    lead: &[String],
    co: &[String],
) -> ServiceResult<Vec<(i64, String, &'static str)>> {
    if lead.is_empty() {
        return Err(ServiceError::field(
            "lead_units",
            "name at least one lead unit (牵头单位)",
        ));
    }
    let mut resolved: Vec<(i64, String, &'static str)> = Vec::new();
    for (list, role, name) in [(lead, "lead", "lead_units"), (co, "co", "co_units")] {
        for unit in list {
            let found = crate::store::units::resolve(tx, unit)
                .await?
                .ok_or_else(|| {
                    ServiceError::field(name, format!("'{unit}' is not a known unit"))
                })?;
            let ids = if found.is_group {
                let members = crate::store::units::members(tx, found.id).await?;
                if members.is_empty() {
                    return Err(ServiceError::field(
                        name,
                        format!("'{unit}' names no fixed units: name its members"),
                    ));
                }
                members
            } else {
                vec![found.id]
            };
            for id in ids {
                if resolved.iter().any(|(seen, _, _)| *seen == id) {
                    return Err(ServiceError::field(
                        name,
                        format!("'{unit}' is named twice (as lead and co, or through a group)"),
                    ));
                }
                resolved.push((id, unit.clone(), role));
            }
        }
    }
    Ok(resolved)
}

/// Who opens items: the office.
pub fn may_open(actor: &Actor) -> bool {
    matches!(actor.role, Role::Admin | Role::Supervisor)
}

/// Who decides an item awaiting approval: a leader (or an admin), never the
/// one who opened it.
pub fn may_decide(actor: &Actor, item: &ItemRow) -> bool {
    matches!(actor.role, Role::Admin | Role::Leader) && item.opened_by != actor.name
}

/// Opens an item (立项). Without approval it is assigned at once; with it, it
/// waits for a leader.
pub async fn open(
    db: &Db,
    clock: &dyn Clock,
    actor: &Actor,
    new: &OpenItem,
) -> ServiceResult<ItemRow> {
    if !may_open(actor) {
        return Err(ServiceError::Forbidden(format!(
            "{} ({}) may not open items",
            actor.name, actor.role
        )));
    }
    let source: Source = new
        .source
        .trim()
        .parse()
        .map_err(|e: String| ServiceError::field("source", e))?;
    let source_ref = text("source_ref", &new.source_ref, 200)?;
    let title = text("title", &new.title, 200)?;
    let content = text("content", &new.content, 20_000)?;
    let required_result = text("required_result", &new.required_result, 2_000)?;
    let deadline: Date = new.deadline.trim().parse().map_err(|_| {
        ServiceError::field(
            "deadline",
            format!("'{}' is not a date (YYYY-MM-DD)", new.deadline),
        )
    })?;
    let today = super::lights::today(clock)?;
    if deadline < today {
        return Err(ServiceError::field(
            "deadline",
            format!("{deadline} has passed: an item's deadline is today or later"),
        ));
    }
    let rhythm = super::report_periods::parse_rhythm("report_frequency", &new.report_frequency)?;
    let (lead, co) = (names(&new.lead_units), names(&new.co_units));
    let (rules, _) = super::item_rules::rules(db).await?;
    let lights = super::lights::Refresher::load(db, clock).await?;
    let now = clock.now_millis();
    let year = i64::from(today.year());
    let mut tx = db.begin().await?;
    let units = resolve_units(&mut tx, &lead, &co).await?;
    let plan_id = items::register_of(&mut tx, year, now).await?;
    let seq = crate::store::document_numbers::take(&mut tx, "item", year).await?;
    let item_number = number(&rules.number_format, year, seq);
    let deadline_text = deadline.to_string();
    let task_id = plans::insert_task(
        &mut tx,
        &plans::NewTask {
            plan_id,
            category_id: None,
            number: &seq.to_string(),
            title: &title,
            body: &content,
            deadline_date: Some(&deadline_text),
            deadline_text: Some(&deadline_text),
            position: seq,
            start_line: 0,
            end_line: 0,
        },
    )
    .await?;
    // Its own rhythm from the start (no `since`).
    let from_the_start = crate::domain::period::Rhythm {
        own: rhythm,
        since: None,
    };
    tasks::set_rhythm(&mut tx, task_id, from_the_start).await?;
    let state = if new.needs_approval {
        ItemState::AwaitingApproval
    } else {
        ItemState::Assigned
    };
    let item_id = items::insert(
        &mut tx,
        &NewItem {
            task_id,
            year,
            seq,
            number: &item_number,
            source: source.as_str(),
            source_ref: &source_ref,
            required_result: &required_result,
            evidence_required: new.evidence_required,
            state: state.as_str(),
            opened_by: &actor.name,
            opened_at: now,
        },
    )
    .await?;
    for (position, (unit_id, _, role)) in units.iter().enumerate() {
        items::insert_unit(&mut tx, item_id, *unit_id, role, position as i64).await?;
    }
    record(
        &mut tx,
        now,
        actor,
        "item.open",
        "item",
        item_id,
        json!({
            "number": item_number, "source": source.as_str(), "source_ref": source_ref,
            "title": title, "deadline": deadline_text, "task_id": task_id,
            "units": units.iter().map(|(_, name, role)| json!({"unit": name, "role": role})).collect::<Vec<_>>(),
            "needs_approval": new.needs_approval, "evidence_required": new.evidence_required,
            "report_frequency": rhythm.map(|f| f.as_str()),
        }),
    )
    .await?;
    if state == ItemState::Assigned {
        hand_out(
            &mut tx,
            item_id,
            task_id,
            today,
            rules.sign_days,
            &lights,
            now,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(items::read(db, item_id).await?)
}

/// 交办: the item's units get their assignments, each to be signed for
/// within `sign_days` working days.
async fn hand_out(
    tx: &mut Tx,
    item_id: i64,
    task_id: i64,
    today: Date,
    sign_days: i32,
    lights: &super::lights::Refresher,
    now: i64,
) -> ServiceResult<()> {
    let sign_by = lights
        .thresholds
        .calendar
        .add_working_days(today, sign_days)
        .to_string();
    for ItemUnit { unit_id, role, .. } in items::units_in(tx, item_id).await? {
        if let Some(id) = plans::insert_assignment(tx, task_id, unit_id, &role, None, now).await? {
            handover::set_sign_by(tx, id, Some(&sign_by)).await?;
        }
    }
    lights.task(tx, task_id).await?;
    Ok(())
}

/// A leader's decision on an item waiting for approval (领导审核).
pub async fn decide(
    db: &Db,
    clock: &dyn Clock,
    actor: &Actor,
    item_id: i64,
    version: i64,
    approve: bool,
    note: Option<&str>,
) -> ServiceResult<ItemRow> {
    require(
        actor,
        &[Role::Admin, Role::Leader],
        "approve or refuse items",
    )?;
    let note = note.map(str::trim).filter(|n| !n.is_empty());
    if !approve && note.is_none() {
        return Err(ServiceError::field("note", "say why the item is refused"));
    }
    let (rules, _) = super::item_rules::rules(db).await?;
    let lights = super::lights::Refresher::load(db, clock).await?;
    let now = clock.now_millis();
    let mut tx = db.begin().await?;
    let item = items::get(&mut tx, item_id).await?;
    if !may_decide(actor, &item) {
        return Err(ServiceError::Forbidden(
            "an item is approved by someone other than who opened it".into(),
        ));
    }
    if item.state != ItemState::AwaitingApproval.as_str() {
        return Err(ServiceError::Transition(format!(
            "item {} is not waiting for approval (it is {})",
            item.number, item.state
        )));
    }
    let to = if approve {
        ItemState::Assigned
    } else {
        ItemState::Refused
    };
    items::decide(
        &mut tx,
        item_id,
        version,
        to.as_str(),
        &actor.name,
        now,
        note,
    )
    .await?;
    crate::store::audit::append(
        &mut tx,
        now,
        crate::store::audit::NewEvent {
            actor: &actor.name,
            action: if approve {
                "item.approve"
            } else {
                "item.refuse"
            },
            entity: "item",
            entity_id: Some(item_id),
            before: Some(json!({"state": item.state, "version": version})),
            after: Some(json!({"state": to.as_str(), "version": version + 1, "note": note})),
        },
    )
    .await?;
    if approve {
        hand_out(
            &mut tx,
            item_id,
            item.task_id,
            lights.today,
            rules.sign_days,
            &lights,
            now,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(items::read(db, item_id).await?)
}

/// Items of a year, for anyone who reads the whole record; a liaison sees
/// the items its unit was given.
pub async fn list(db: &Db, actor: &Actor, year: Option<i64>) -> ServiceResult<Vec<ItemRow>> {
    if actor.role != Role::Liaison {
        return Ok(items::list(db, year, None).await?);
    }
    match actor.unit_id {
        Some(unit_id) => Ok(items::list(db, year, Some(unit_id)).await?),
        None => Ok(Vec::new()),
    }
}

/// One item with its named units and its assignments as they stand.
#[derive(Debug, Clone)]
pub struct ItemDetail {
    pub item: ItemRow,
    pub units: Vec<ItemUnit>,
    pub assignments: Vec<crate::store::assignments::AssignmentRow>,
    pub returns: Vec<handover::ReturnRow>,
    pub extensions: Vec<handover::ExtensionRow>,
    /// Completion reports (办结) with their evidence, oldest first.
    pub completions: Vec<(CompletionRow, Vec<FileRow>)>,
    /// Each assignment's result in the same order: on_time, late,
    /// not_completed, or none yet.
    pub results: Vec<Option<&'static str>>,
}

pub async fn detail(
    db: &Db,
    clock: &dyn Clock,
    actor: &Actor,
    item_id: i64,
) -> ServiceResult<ItemDetail> {
    let item = items::read(db, item_id).await?;
    let assignments = crate::store::assignments::of_tasks(db, &[item.task_id]).await?;
    if actor.role == Role::Liaison && !assignments.iter().any(|a| Some(a.unit_id) == actor.unit_id)
    {
        return Err(ServiceError::Forbidden(format!(
            "item {} was not given to your unit",
            item.number
        )));
    }
    let ids: Vec<i64> = assignments.iter().map(|a| a.id).collect();
    let completions = crate::store::completions::of_assignments(db, &ids).await?;
    let today = super::lights::today(clock)?;
    let results = super::completions::results_of(&item, &assignments, &completions, today);
    Ok(ItemDetail {
        units: items::units_of(db, item_id).await?,
        returns: handover::returns_of(db, &ids).await?,
        extensions: handover::extensions_of(db, &ids).await?,
        completions,
        results,
        assignments,
        item,
    })
}
