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
/// changed, then their tasks (the worst of their live assignments).
async fn refresh(tx: &mut Tx, today: Date, t: &Thresholds, scope: Scope<'_>) -> ServiceResult<()> {
    let rows = store::rows(tx, scope).await?;
    let inputs = store::inputs(tx, &unsettled(&rows, today)).await?;
    let mut changed: BTreeMap<&'static str, Vec<i64>> = BTreeMap::new();
    for (row, light) in light_rows(&rows, &inputs, today, t) {
        if row.light != light.as_str() {
            changed.entry(light.as_str()).or_default().push(row.id);
        }
    }
    store::set_assignment_lights(tx, &changed).await?;
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
            settled_light(state, year, today).is_none()
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

/// Each row lit by the rule.
fn light_rows<'a>(
    rows: &'a [LitRow],
    inputs: &LightInputs,
    today: Date,
    t: &Thresholds,
) -> Vec<(&'a LitRow, Light)> {
    let own = by_assignment(inputs);
    let none = LightInputs::default();
    rows.iter()
        .map(|row| {
            let year = row.year.and_then(|y| i16::try_from(y).ok());
            let inputs = own.get(&row.id).unwrap_or(&none);
            let record = record_from(row.id, &row.state, row.assigned_at, inputs, year);
            (row, assignment_light(&record, today, t))
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
    for (row, light) in light_rows(&rows, &inputs, refresher.today, &refresher.thresholds) {
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
    own
}

/// Every assignment given, lit by the rule: what the rule read of each (its
/// record) and its light, in the same order. For views that need the record
/// too (the cockpit counts missed reports from it).
pub fn light_all(
    rows: &[AssignmentRow],
    inputs: &LightInputs,
    year: Option<i16>,
    today: Date,
    thresholds: &Thresholds,
) -> Vec<(Record, Light)> {
    let own = by_assignment(inputs);
    let none = LightInputs::default();
    rows.iter()
        .map(|a| {
            let inputs = own.get(&a.id).unwrap_or(&none);
            let record = record_from(a.id, &a.state, a.assigned_at, inputs, year);
            let light = assignment_light(&record, today, thresholds);
            (record, light)
        })
        .collect()
}

/// What the light rule reads of one assignment, from the rows fetched.
pub fn record_from(
    id: i64,
    state: &str,
    assigned_at: i64,
    inputs: &LightInputs,
    year: Option<i16>,
) -> Record {
    let date = |text: &str| text.parse::<Date>().ok();
    Record {
        state: state.parse().unwrap_or(State::Assigned),
        assigned_on: china_date(assigned_at).unwrap_or(Date::constant(2000, 1, 1)),
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
    }
}
