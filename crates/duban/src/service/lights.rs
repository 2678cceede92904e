//! Lights kept current (issue #6): the rule (`domain::light`) decides, this
//! module stores its answer beside the assignment and the task, in the
//! transaction of every change that the rule reads, and for everything once
//! a day (the first request or scheduler tick of a new day), so that lists and
//! filters at city scale read a column instead of relighting the record.
//! [`verify`] recomputes everything and names what differs.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::atomic::{AtomicI64, Ordering};

use jiff::civil::Date;

use super::{ServiceError, ServiceResult};
use crate::clock::Clock;
use crate::domain::assignment::State;
use crate::domain::light::{
    Light, Record, Thresholds, assignment_light, china_date, settled_light, task_light,
};
use crate::domain::red_reasons::red_reasons;
use crate::store::assignments::{AssignmentRow, LightInputs};
use crate::store::lights::{self as store, LitRow, Scope};
use crate::store::{Db, Tx};

/// Today in China by `clock`.
pub fn today(clock: &dyn Clock) -> ServiceResult<Date> {
    china_date(clock.now_millis())
        .ok_or_else(|| ServiceError::Invalid("the clock is out of range".into()))
}

/// The rule's settings and the day, read before a write transaction opens,
/// applied inside it.
pub struct Refresher {
    pub today: Date,
    pub thresholds: Thresholds,
}

impl Refresher {
    pub async fn load(db: &Db, clock: &dyn Clock) -> ServiceResult<Refresher> {
        let (thresholds, _) = super::settings::thresholds(db).await?;
        Ok(Refresher {
            today: today(clock)?,
            thresholds,
        })
    }

    /// Relights these assignments and their tasks.
    pub async fn assignments(&self, tx: &mut Tx, ids: &[i64]) -> ServiceResult<()> {
        refresh(tx, self.today, &self.thresholds, Scope::Assignments(ids)).await
    }

    /// Relights a task's assignments (a unit added to it).
    pub async fn task(&self, tx: &mut Tx, task_id: i64) -> ServiceResult<()> {
        refresh(tx, self.today, &self.thresholds, Scope::Task(task_id)).await
    }

    /// Relights a whole plan (tasks added, removed or re-assigned).
    pub async fn plan(&self, tx: &mut Tx, plan_id: i64) -> ServiceResult<()> {
        refresh(tx, self.today, &self.thresholds, Scope::Plan(plan_id)).await
    }

    /// Relights everything and records the day (thresholds or calendar changed).
    pub async fn all(&self, tx: &mut Tx) -> ServiceResult<()> {
        // A plan at a time: the records read stay one plan's, not a city's.
        for plan_id in store::plan_ids(tx).await? {
            refresh(tx, self.today, &self.thresholds, Scope::Plan(plan_id)).await?;
        }
        store::set_as_of(tx, &self.today.to_string()).await?;
        Ok(())
    }
}

/// Lights the assignments of `scope` by the rule and writes those that
/// changed, with their light history (a red span opened when one turns red,
/// closed when it leaves red), then their tasks (the worst of their live
/// assignments).
async fn refresh(tx: &mut Tx, today: Date, t: &Thresholds, scope: Scope<'_>) -> ServiceResult<()> {
    let rows = store::rows(tx, scope).await?;
    let inputs = store::inputs(tx, &unsettled(&rows, today)).await?;
    let mut changed: BTreeMap<&'static str, Vec<i64>> = BTreeMap::new();
    let mut turned_red: Vec<(i64, &'static str)> = Vec::new();
    let mut left_red: Vec<i64> = Vec::new();
    for (row, record, light) in light_rows(&rows, &inputs, today, t) {
        if row.light == light.as_str() {
            continue;
        }
        changed.entry(light.as_str()).or_default().push(row.id);
        if light == Light::Red {
            let reason = red_reasons(&record, today, t)
                .first()
                .map_or("other", |r| r.code());
            turned_red.push((row.id, reason));
        } else if row.light == Light::Red.as_str() {
            left_red.push(row.id);
        }
    }
    store::set_assignment_lights(tx, &changed).await?;
    let day = today.to_string();
    store::close_red_spans(tx, &day, &left_red).await?;
    store::open_red_spans(tx, &day, &turned_red).await?;
    let tasks: Vec<(i64, String)> = match scope {
        Scope::All => store::tasks_in(tx, None).await?,
        Scope::Plan(plan_id) => store::tasks_in(tx, Some(plan_id)).await?,
        Scope::Assignments(_) | Scope::Task(_) => {
            let ids: BTreeSet<i64> = rows.iter().map(|r| r.task_id).collect();
            store::task_lights(tx, &ids.into_iter().collect::<Vec<_>>()).await?
        }
    };
    let task_ids: Vec<i64> = tasks.iter().map(|(id, _)| *id).collect();
    let mut worst: HashMap<i64, Vec<Light>> = HashMap::new();
    for (task_id, light) in store::of_tasks(tx, &task_ids).await? {
        worst.entry(task_id).or_default().push(parse_light(&light));
    }
    let mut changed: BTreeMap<&'static str, Vec<i64>> = BTreeMap::new();
    for (task_id, stored) in tasks {
        let light = task_light(worst.get(&task_id).map_or(&[][..], Vec::as_slice));
        if stored != light.as_str() {
            changed.entry(light.as_str()).or_default().push(task_id);
        }
    }
    store::set_task_lights(tx, &changed).await?;
    Ok(())
}

/// The rows whose light depends on their record: the others are settled by
/// state and plan year alone, and their records are not read.
fn unsettled(rows: &[LitRow], today: Date) -> Vec<i64> {
    rows.iter()
        .filter(|r| {
            let state = r.state.parse().unwrap_or(State::Assigned);
            let year = r.year.and_then(|y| i16::try_from(y).ok());
            let deadline = r.deadline.as_deref().and_then(|d| d.parse().ok());
            settled_light(state, year, deadline, today).is_none()
        })
        .map(|r| r.id)
        .collect()
}

/// A stored light; an unknown word reads as green (the CHECK constraint
/// keeps any other out).
pub fn parse_light(text: &str) -> Light {
    match text {
        "done" => Light::Done,
        "yellow" => Light::Yellow,
        "red" => Light::Red,
        _ => Light::Green,
    }
}

/// Each row lit by the rule, with what the rule read of it.
fn light_rows<'a>(
    rows: &'a [LitRow],
    inputs: &LightInputs,
    today: Date,
    t: &Thresholds,
) -> Vec<(&'a LitRow, Record, Light)> {
    let own = by_assignment(inputs);
    let none = LightInputs::default();
    rows.iter()
        .map(|row| {
            let lit = LitAssignment {
                id: row.id,
                state: &row.state,
                assigned_at: row.assigned_at,
                deadline: row.deadline.as_deref(),
                year: row.year.and_then(|y| i16::try_from(y).ok()),
                rhythm: row.rhythm,
            };
            let record = record_from(&lit, own.get(&row.id).unwrap_or(&none), today);
            let light = assignment_light(&record, today, t);
            (row, record, light)
        })
        .collect()
}

/// The day-by-day gate of one process: the day it last saw the lights
/// current, and a lock so that one request per process relights while the
/// others of that moment wait for it instead of queueing on the database.
#[derive(Debug, Default)]
pub struct DailyGate {
    day: AtomicI64,
    relighting: tokio::sync::Mutex<()>,
}

/// Brings every light up to `clock`'s day if nobody has yet today: once per
/// process per day this reads the stored day, and relights everything if it
/// is another day (forward, or back when a demo clock is moved back).
pub async fn ensure_current(db: &Db, clock: &dyn Clock, gate: &DailyGate) -> ServiceResult<()> {
    let today = today(clock)?;
    let key =
        i64::from(today.year()) * 10_000 + i64::from(today.month()) * 100 + i64::from(today.day());
    if gate.day.load(Ordering::Acquire) == key {
        return Ok(());
    }
    let _relighting = gate.relighting.lock().await;
    if gate.day.load(Ordering::Acquire) == key {
        return Ok(());
    }
    let day = today.to_string();
    // Another server (or the scheduler) may have done it: a plain read says so.
    if store::as_of_now(db).await?.as_deref() != Some(day.as_str()) {
        let refresher = Refresher::load(db, clock).await?;
        let mut tx = db.begin().await?;
        if store::as_of(&mut tx).await?.as_deref() != Some(day.as_str()) {
            refresher.all(&mut tx).await?;
            tx.commit().await?;
            tracing::info!(day = %today, "lights brought up to date");
        }
    }
    gate.day.store(key, Ordering::Release);
    Ok(())
}

/// An assignment's light history: every span of days it showed red, newest
/// first, for those who may read its unit's record.
pub async fn history(
    db: &Db,
    actor: &crate::domain::roles::Actor,
    assignment_id: i64,
) -> ServiceResult<Vec<store::RedSpan>> {
    let assignment = crate::store::assignments::read(db, assignment_id).await?;
    super::may_read_unit(actor, assignment.unit_id, "light history")?;
    Ok(store::red_spans_of(db, assignment_id).await?)
}

/// An assignment whose stored light is not the rule's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    pub assignment_id: Option<i64>,
    pub task_id: i64,
    pub stored: String,
    pub rule: String,
}

/// Recomputes every light by the rule on `clock`'s day and lists where the
/// stored one differs (an empty list: the store is true to the rule).
pub async fn verify(db: &Db, clock: &dyn Clock) -> ServiceResult<Vec<Mismatch>> {
    let refresher = Refresher::load(db, clock).await?;
    // Read in a transaction that is rolled back: one consistent view.
    let mut tx = db.begin().await?;
    let rows = store::rows(&mut tx, Scope::All).await?;
    let inputs = store::inputs(&mut tx, &unsettled(&rows, refresher.today)).await?;
    let mut mismatches = Vec::new();
    let mut per_task: HashMap<i64, Vec<Light>> = HashMap::new();
    for (row, _, light) in light_rows(&rows, &inputs, refresher.today, &refresher.thresholds) {
        per_task.entry(row.task_id).or_default().push(light);
        if row.light != light.as_str() {
            mismatches.push(Mismatch {
                assignment_id: Some(row.id),
                task_id: row.task_id,
                stored: row.light.clone(),
                rule: light.as_str().into(),
            });
        }
    }
    for (task_id, stored) in store::tasks_in(&mut tx, None).await? {
        let light = task_light(per_task.get(&task_id).map_or(&[][..], Vec::as_slice));
        if stored != light.as_str() {
            mismatches.push(Mismatch {
                assignment_id: None,
                task_id,
                stored,
                rule: light.as_str().into(),
            });
        }
    }
    drop(tx);
    Ok(mismatches)
}

/// The inputs of each assignment, picked out once.
fn by_assignment(inputs: &LightInputs) -> HashMap<i64, LightInputs> {
    let mut own: HashMap<i64, LightInputs> = HashMap::new();
    for m in &inputs.measures {
        own.entry(m.0).or_default().measures.push(m.clone());
    }
    for r in &inputs.reports {
        own.entry(r.0).or_default().reports.push(r.clone());
    }
    for f in &inputs.open_findings {
        own.entry(f.0).or_default().open_findings.push(f.clone());
    }
    for g in &inputs.targets {
        own.entry(g.0).or_default().targets.push(g.clone());
    }
    for m in &inputs.milestones {
        own.entry(m.0).or_default().milestones.push(m.clone());
    }
    for r in &inputs.red_spans {
        own.entry(r.0).or_default().red_spans.push(r.clone());
    }
    own
}

/// Every assignment given, lit by the rule: what the rule read of each (its
/// record) and its light, in the same order. For views that need the record
/// too (the cockpit counts missed reports from it). `task_deadlines` holds
/// each task's own deadline where it has one.
pub fn light_all(
    rows: &[AssignmentRow],
    inputs: &LightInputs,
    task_deadlines: &HashMap<i64, String>,
    year: Option<i16>,
    today: Date,
    thresholds: &Thresholds,
) -> Vec<(Record, Light)> {
    let own = by_assignment(inputs);
    let none = LightInputs::default();
    rows.iter()
        .map(|a| {
            let lit = LitAssignment {
                id: a.id,
                state: &a.state,
                assigned_at: a.assigned_at,
                deadline: a
                    .extended_to
                    .as_deref()
                    .or_else(|| task_deadlines.get(&a.task_id).map(String::as_str)),
                year,
                rhythm: a.rhythm,
            };
            let record = record_from(&lit, own.get(&a.id).unwrap_or(&none), today);
            let light = assignment_light(&record, today, thresholds);
            (record, light)
        })
        .collect()
}

/// What the rule needs of an assignment's own row.
pub struct LitAssignment<'a> {
    pub id: i64,
    pub state: &'a str,
    pub assigned_at: i64,
    /// The deadline in force where one is set ('YYYY-MM-DD').
    pub deadline: Option<&'a str>,
    pub year: Option<i16>,
    /// The task's or item's own report rhythm; `None`: the office's.
    pub rhythm: crate::domain::period::Rhythm,
}

/// What the light rule reads of one assignment on `today`, from the rows
/// fetched.
pub fn record_from(a: &LitAssignment<'_>, inputs: &LightInputs, today: Date) -> Record {
    let id = a.id;
    let year = a.year;
    let date = |text: &str| text.parse::<Date>().ok();
    Record {
        state: a.state.parse().unwrap_or(State::Assigned),
        assigned_on: china_date(a.assigned_at).unwrap_or(Date::constant(2000, 1, 1)),
        deadline: a.deadline.and_then(date),
        // The last day seen red: an open span is red until today. Spans
        // from days not yet come (a demo clock moved back) are not read.
        last_red: inputs
            .red_spans
            .iter()
            .filter(|(s, _, _)| *s == id)
            .filter_map(|(_, from, until)| {
                let from = date(from)?;
                let until = until.as_deref().and_then(date).unwrap_or(today);
                (from <= today).then_some(until.min(today))
            })
            .max(),
        measures: inputs
            .measures
            .iter()
            .filter(|(a, _, _)| *a == id)
            .filter_map(|(_, deadline, done)| Some((date(deadline)?, *done)))
            .collect(),
        reported: inputs
            .reports
            .iter()
            .filter(|(a, _)| *a == id)
            .filter_map(|(_, period)| period.parse().ok())
            .collect(),
        open_findings: inputs
            .open_findings
            .iter()
            .filter(|(a, _, _)| *a == id)
            .map(|(_, action, deadline)| {
                (
                    action == "rectification",
                    deadline.as_deref().and_then(date),
                )
            })
            .collect(),
        targets: inputs
            .targets
            .iter()
            .filter(|g| g.0 == id)
            .filter_map(|(_, target, op, value, actual)| {
                let milestones = inputs
                    .milestones
                    .iter()
                    .filter(|m| m.0 == id && m.1 == *target)
                    .map(|m| (m.2.as_str(), m.3));
                let trajectory =
                    super::trajectories::trajectory_of(year, op, Some(*value), milestones)?;
                Some((trajectory, *actual))
            })
            .collect(),
        plan_year: year,
        rhythm: a.rhythm,
    }
}
