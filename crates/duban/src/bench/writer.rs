//! Writes a [`Scale`] into an empty database: the plans through the import
//! service (so they are stored as a real import stores them, audit event
//! and all), then the accounts, measures and reports in batched
//! transactions, the lights by the rule on "today", and the planner's
//! statistics. Returns what a load test needs to sign in and aim.

use std::collections::HashMap;
use std::time::Instant;

use anyhow::Context;
use jiff::civil::Date;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::Serialize;
use serde_json::json;

use super::activity::{self, AssignmentFacts, Selection};
use super::{Scale, city};
use crate::clock::FixedClock;
use crate::domain::roles::Actor;
use crate::domain::secrets::hash_password;
use crate::service::import::{Document, import_draft};
use crate::store::bulk::{self, Cell};
use crate::store::{Db, audit};

/// The one password of every generated account.
pub const PASSWORD: &str = "bench";
/// Rows per committed batch: small enough to keep memory flat, large
/// enough that commits do not dominate.
const BATCH: usize = 20_000;
/// Open report slots kept in the manifest for write benchmarks.
const OPEN_SLOTS: usize = 50_000;

/// What the generator tells a caller as it goes: a stage, done, total.
pub type Progress<'a> = &'a (dyn Fn(&str, u64, u64) + Sync);

/// What was made, and where a load test can aim.
#[derive(Debug, Serialize)]
pub struct Manifest {
    pub scale: String,
    pub as_of: String,
    pub password: &'static str,
    pub counts: Counts,
    pub seconds: HashMap<&'static str, f64>,
    pub plans: Vec<PlanEntry>,
    /// A liaison of each unit, with its unit's plan of the last year.
    pub liaisons: Vec<LiaisonEntry>,
    pub supervisors: Vec<String>,
    pub leaders: Vec<String>,
    /// Tasks of the last year's plans.
    pub tasks: Vec<i64>,
    /// (liaison, assignment, period) not reported yet: writes that succeed.
    pub open_reports: Vec<OpenReport>,
}

#[derive(Debug, Default, Serialize)]
pub struct Counts {
    pub plans: usize,
    pub units: usize,
    pub tasks: usize,
    pub assignments: usize,
    pub measures: usize,
    pub reports: usize,
    pub report_actuals: usize,
    pub users: usize,
}

#[derive(Debug, Serialize)]
pub struct PlanEntry {
    pub id: i64,
    pub owner: String,
    pub year: i16,
    pub tasks: usize,
}

#[derive(Debug, Serialize)]
pub struct LiaisonEntry {
    pub username: String,
    pub unit_id: i64,
    pub plan_id: i64,
}

#[derive(Debug, Serialize)]
pub struct OpenReport {
    pub username: String,
    pub assignment_id: i64,
    pub period: String,
}

pub async fn write(db: &Db, scale: &Scale, progress: Progress<'_>) -> anyhow::Result<Manifest> {
    scale.check().map_err(anyhow::Error::msg)?;
    let mut tx = db.begin().await?;
    anyhow::ensure!(
        !bulk::holds_data(&mut tx).await?,
        "the database already holds plans or accounts: `duban bench gen` writes into an empty one"
    );
    tx.commit().await?;
    let mut rng = ChaCha8Rng::seed_from_u64(scale.seed);
    let mut seconds = HashMap::new();
    let mut counts = Counts::default();

    let started = Instant::now();
    let units = city::units(scale);
    let registry = duban_plan::Registry::from_toml(&city::registry_toml(&units))
        .context("the generated unit registry")?;
    let city_plans = city::plans(scale, &units, &mut rng);
    let mut plans = Vec::with_capacity(city_plans.len());
    let operator = Actor::operator();
    for (done, plan) in city_plans.iter().enumerate() {
        let json = serde_json::to_vec(&plan.draft)?;
        let name = format!("bench-{}-{}.json", plan.owner, plan.year);
        let clock = FixedClock(start_of_year(plan.year)?);
        let imported = import_draft(
            db,
            &clock,
            &operator,
            &registry,
            Document {
                name: &name,
                bytes: &json,
            },
            &plan.draft,
            true,
        )
        .await
        .with_context(|| format!("importing {name}"))?;
        counts.tasks += imported.tasks;
        counts.assignments += imported.assignments;
        plans.push(PlanEntry {
            id: imported.plan_id,
            owner: city::owner_name(plan.owner),
            year: plan.year,
            tasks: imported.tasks,
        });
        progress("plans", done as u64 + 1, city_plans.len() as u64);
    }
    counts.plans = plans.len();
    seconds.insert("plans", started.elapsed().as_secs_f64());

    let started = Instant::now();
    let mut tx = db.begin().await?;
    let unit_ids = bulk::unit_ids(&mut tx).await?;
    counts.units = unit_ids.len();
    let users = activity::users(scale.users, &unit_ids, &mut rng);
    let hash = hash_password(PASSWORD).map_err(anyhow::Error::msg)?;
    let created = activity::millis_at(Date::new(scale.first_year, 1, 4)?, 9);
    let rows: Vec<Vec<Cell>> = users
        .iter()
        .map(|u| {
            vec![
                Cell::Text(u.username.clone()),
                Cell::Text(u.display_name.clone()),
                Cell::Text(hash.clone()),
                Cell::Text(u.role.to_string()),
                Cell::OptInt(u.unit_id),
                Cell::Int(created),
            ]
        })
        .collect();
    bulk::insert(
        &mut tx,
        "users",
        &[
            "username",
            "display_name",
            "password_hash",
            "role",
            "unit_id",
            "created_at",
        ],
        &rows,
    )
    .await?;
    tx.commit().await?;
    counts.users = users.len();
    seconds.insert("users", started.elapsed().as_secs_f64());

    // Each assignment's state, from its task's year and deadline.
    let started = Instant::now();
    let mut tx = db.begin().await?;
    let facts = facts(&mut tx).await?;
    let states: Vec<&'static str> = facts
        .iter()
        .map(|f| activity::state(f, scale.as_of, &mut rng))
        .collect();
    let mut by_state: HashMap<&str, Vec<i64>> = HashMap::new();
    for (f, state) in facts.iter().zip(&states) {
        by_state.entry(state).or_default().push(f.id);
    }
    for (state, ids) in &by_state {
        if *state != "assigned" {
            bulk::set_states(&mut tx, state, ids).await?;
        }
    }
    // The data set's office reports monthly with wide windows, so that on
    // any day of the year some period is open for the write benchmark (a
    // closed one is locked); lights and the manifest read the same setting.
    let thresholds = bench_thresholds();
    let stored = serde_json::to_string(&crate::service::settings::StoredThresholds::from(
        thresholds.clone(),
    ))?;
    crate::store::evaluations::put_setting(
        &mut tx,
        crate::service::settings::THRESHOLDS_KEY,
        &stored,
        0,
    )
    .await?;
    tx.commit().await?;
    seconds.insert("states", started.elapsed().as_secs_f64());

    let liaison_of: HashMap<i64, String> = unit_ids
        .iter()
        .map(|&id| (id, activity::liaison_name(id, 1)))
        .collect();

    let started = Instant::now();
    counts.measures = write_measures(db, scale, &facts, &states, &mut rng, progress).await?;
    seconds.insert("measures", started.elapsed().as_secs_f64());

    let started = Instant::now();
    let (reports, actuals, open_reports) =
        write_reports(db, scale, &facts, &states, &liaison_of, &mut rng, progress).await?;
    counts.reports = reports;
    counts.report_actuals = actuals;
    seconds.insert("reports", started.elapsed().as_secs_f64());

    let started = Instant::now();
    let clock = FixedClock(start_of(scale.as_of)?);
    let lights = crate::service::lights::Refresher::load(db, &clock).await?;
    let mut tx = db.begin().await?;
    lights.all(&mut tx).await?;
    audit::append(
        &mut tx,
        clock.0.as_millisecond(),
        audit::NewEvent {
            actor: &operator.name,
            action: "bench.generate",
            entity: "database",
            entity_id: None,
            before: None,
            after: Some(json!({ "scale": scale.name, "seed": scale.seed, "as_of": scale.as_of.to_string(), "counts": &counts })),
        },
    )
    .await?;
    tx.commit().await?;
    seconds.insert("lights", started.elapsed().as_secs_f64());

    let started = Instant::now();
    bulk::analyze(db).await?;
    seconds.insert("analyze", started.elapsed().as_secs_f64());

    let last_year = scale.as_of.year();
    let plan_of_owner: HashMap<String, i64> = plans
        .iter()
        .filter(|p| p.year == last_year)
        .map(|p| (p.owner.clone(), p.id))
        .collect();
    let liaisons = units
        .iter()
        .zip(&unit_ids)
        .filter_map(|(unit, &unit_id)| {
            Some(LiaisonEntry {
                username: liaison_of.get(&unit_id)?.clone(),
                unit_id,
                plan_id: *plan_of_owner.get(&city::owner_name(unit.owner))?,
            })
        })
        .collect();
    let last_plans: Vec<i64> = plan_of_owner.values().copied().collect();
    let mut tx = db.begin().await?;
    let tasks = bulk::task_ids_of(&mut tx, &last_plans).await?;
    tx.commit().await?;
    Ok(Manifest {
        scale: scale.name.clone(),
        as_of: scale.as_of.to_string(),
        password: PASSWORD,
        counts,
        seconds,
        plans,
        liaisons,
        supervisors: users_with_role(&users, "supervisor"),
        leaders: users_with_role(&users, "leader"),
        tasks,
        open_reports,
    })
}

fn users_with_role(users: &[activity::UserRow], role: &str) -> Vec<String> {
    users
        .iter()
        .filter(|u| u.role == role)
        .map(|u| u.username.clone())
        .collect()
}

/// The imported assignments with their task's year, deadline and targets.
async fn facts(tx: &mut crate::store::Tx) -> anyhow::Result<Vec<AssignmentFacts>> {
    let mut targets: HashMap<i64, Vec<(i64, f64)>> = HashMap::new();
    for (id, task_id, value) in bulk::target_lines(tx).await? {
        targets.entry(task_id).or_default().push((id, value));
    }
    bulk::assignment_lines(tx)
        .await?
        .into_iter()
        .map(|(id, unit_id, year, deadline, title, task_id)| {
            let year = i16::try_from(year).context("a plan year out of range")?;
            let deadline = match deadline {
                Some(date) => date.parse().context("a task deadline")?,
                None => Date::new(year, 12, 31)?,
            };
            Ok(AssignmentFacts {
                id,
                unit_id,
                year,
                deadline,
                title,
                targets: targets.get(&task_id).cloned().unwrap_or_default(),
            })
        })
        .collect()
}

async fn write_measures(
    db: &Db,
    scale: &Scale,
    facts: &[AssignmentFacts],
    states: &[&str],
    rng: &mut ChaCha8Rng,
    progress: Progress<'_>,
) -> anyhow::Result<usize> {
    let claimed: Vec<usize> = (0..facts.len())
        .filter(|&i| states[i] != "assigned")
        .collect();
    let shares = super::shares(scale.measures, claimed.len());
    let mut rows = Vec::with_capacity(BATCH);
    let mut written = 0;
    for (&i, count) in claimed.iter().zip(shares) {
        for _ in 0..count {
            let m = activity::measure(&facts[i], states[i], scale.as_of, rng);
            rows.push(vec![
                Cell::Int(m.assignment_id),
                Cell::Text(m.description),
                Cell::Text(m.responsible_person),
                Cell::Text(m.deadline),
                Cell::OptInt(m.done_at),
                Cell::Int(m.created_at),
            ]);
        }
        if rows.len() >= BATCH {
            written += flush_measures(db, &mut rows).await?;
            progress("measures", written as u64, scale.measures as u64);
        }
    }
    written += flush_measures(db, &mut rows).await?;
    progress("measures", written as u64, scale.measures as u64);
    Ok(written)
}

async fn flush_measures(db: &Db, rows: &mut Vec<Vec<Cell>>) -> anyhow::Result<usize> {
    let mut tx = db.begin().await?;
    bulk::insert(
        &mut tx,
        "measures",
        &[
            "assignment_id",
            "description",
            "responsible_person",
            "deadline",
            "done_at",
            "created_at",
        ],
        rows,
    )
    .await?;
    tx.commit().await?;
    let n = rows.len();
    rows.clear();
    Ok(n)
}

/// Writes the reports and their figures; returns (reports, figures, open slots).
async fn write_reports(
    db: &Db,
    scale: &Scale,
    facts: &[AssignmentFacts],
    states: &[&str],
    liaison_of: &HashMap<i64, String>,
    rng: &mut ChaCha8Rng,
    progress: Progress<'_>,
) -> anyhow::Result<(usize, usize, Vec<OpenReport>)> {
    let slots: Vec<Vec<_>> = facts
        .iter()
        .zip(states)
        .map(|(f, state)| activity::report_slots(f, state, scale.as_of))
        .collect();
    let total: usize = slots.iter().map(Vec::len).sum();
    anyhow::ensure!(
        scale.reports <= total,
        "{} reports asked, but the plans' assignments have only {total} periods to report on",
        scale.reports
    );
    let mut selection = Selection::new(scale.reports, total);
    let mut tx = db.begin().await?;
    let mut next_id = bulk::max_id(&mut tx, "progress_reports").await? + 1;
    tx.commit().await?;
    let mut open = Vec::new();
    let mut batch = Vec::with_capacity(BATCH);
    let (mut reports, mut figures) = (0, 0);
    // The manifest's writes: windows open on `as_of` by the data set's setting.
    let thresholds = bench_thresholds();
    for ((f, state), periods) in facts.iter().zip(states).zip(&slots) {
        let liaison = liaison_of.get(&f.unit_id).map_or("", String::as_str);
        // Reports carry their author as the application records an actor.
        let author = format!("user:{liaison}");
        let mut kept = Vec::new();
        for &period in periods {
            if selection.keep(rng) {
                kept.push(period);
                batch.push(activity::report(
                    next_id,
                    f,
                    period,
                    &author,
                    scale.as_of,
                    rng,
                ));
                next_id += 1;
            }
        }
        let at_work = matches!(*state, "claimed" | "in_progress" | "done");
        if at_work && f.deadline >= scale.as_of && f.year == scale.as_of.year() {
            let first_day = Date::new(f.year, 1, 1).unwrap_or(scale.as_of);
            for owed in crate::domain::report_window::owed(
                f.year,
                first_day,
                &kept,
                scale.as_of,
                &thresholds,
            ) {
                if !owed.missed && open.len() < OPEN_SLOTS {
                    open.push(OpenReport {
                        username: liaison.to_string(),
                        assignment_id: f.id,
                        period: owed.period.to_string(),
                    });
                }
            }
        }
        if batch.len() >= BATCH {
            let (r, a) = flush_reports(db, &mut batch).await?;
            (reports, figures) = (reports + r, figures + a);
            progress("reports", reports as u64, scale.reports as u64);
        }
    }
    let (r, a) = flush_reports(db, &mut batch).await?;
    (reports, figures) = (reports + r, figures + a);
    progress("reports", reports as u64, scale.reports as u64);
    let mut tx = db.begin().await?;
    bulk::move_identity_past(&mut tx, "progress_reports").await?;
    tx.commit().await?;
    Ok((reports, figures, open))
}

async fn flush_reports(
    db: &Db,
    batch: &mut Vec<activity::ReportRow>,
) -> anyhow::Result<(usize, usize)> {
    let reports: Vec<Vec<Cell>> = batch
        .iter()
        .map(|r| {
            vec![
                Cell::Int(r.id),
                Cell::Int(r.assignment_id),
                Cell::Text(r.period.clone()),
                Cell::Text(r.narrative.clone()),
                Cell::Int(r.submitted_at),
                Cell::Text(r.submitted_by.clone()),
            ]
        })
        .collect();
    let actuals: Vec<Vec<Cell>> = batch
        .iter()
        .flat_map(|r| {
            r.actuals.iter().map(|&(target, actual)| {
                vec![Cell::Int(r.id), Cell::Int(target), Cell::Real(actual)]
            })
        })
        .collect();
    let mut tx = db.begin().await?;
    bulk::insert(
        &mut tx,
        "progress_reports",
        &[
            "id",
            "assignment_id",
            "period",
            "narrative",
            "submitted_at",
            "submitted_by",
        ],
        &reports,
    )
    .await?;
    bulk::insert(
        &mut tx,
        "report_actuals",
        &["report_id", "target_id", "actual"],
        &actuals,
    )
    .await?;
    tx.commit().await?;
    batch.clear();
    Ok((reports.len(), actuals.len()))
}

fn start_of_year(year: i16) -> anyhow::Result<jiff::Timestamp> {
    start_of(Date::new(year, 1, 10)?)
}

/// 09:00 in China on `day`.
fn start_of(day: Date) -> anyhow::Result<jiff::Timestamp> {
    Ok(jiff::tz::offset(8).to_timestamp(day.at(9, 0, 0, 0))?)
}

/// The data set's light thresholds: the defaults, with 15 working days'
/// grace, so that a month's window opens three weeks before it ends and the
/// last month's closes three weeks after: some window is open every day.
pub fn bench_thresholds() -> crate::domain::light::Thresholds {
    crate::domain::light::Thresholds {
        report_grace_days: 15,
        ..crate::domain::light::Thresholds::default()
    }
}
