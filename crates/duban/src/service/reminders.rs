//! Reminders (提醒、催办): made by rule once a day (`generate`) or by a
//! supervisor (`urge`), each stored once under its key with its deliveries
//! planned in the same transaction: an inbox item per recipient (delivered by
//! being stored), an e-mail per recipient who has an address, a message per
//! robot of the unit (and the office's robots for escalations and 催办).
//! Who is told on which channel is `delivery_plan`'s; sending is the
//! scheduler's (`jobs::sender`), never the request's.

use std::collections::HashMap;

use jiff::civil::Date;

use super::notify_settings;
use super::{ServiceError, ServiceResult, require};
use crate::clock::Clock;
use crate::domain::assignment::State;
use crate::domain::light::china_date;
use crate::domain::reminders::{self, Audience, Cause, Watched};
use crate::domain::roles::{Actor, Role};
use crate::store::Db;
use crate::store::deliveries::{self, DeliveryRow};
use crate::store::reminders::{self as store, NewReminder, ReminderRow};

/// What a day's generation made.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Generated {
    /// Reminders due today by rule (new or already stored).
    pub due: usize,
    /// Of them, stored now for the first time.
    pub new: usize,
}

/// Makes today's reminders by rule, unless today's were made already. Safe
/// to run from several servers: a reminder's key is unique.
pub async fn generate(db: &Db, clock: &dyn Clock) -> ServiceResult<Generated> {
    let today = super::lights::today(clock)?;
    if store::generated_on(db).await?.as_deref() == Some(today.to_string().as_str()) {
        return Ok(Generated::default());
    }
    let (thresholds, _) = super::settings::thresholds(db).await?;
    let (rules, _) = notify_settings::rules(db).await?;
    let mut setup = super::delivery_plan::Setup::load(db).await?;
    let now = clock.now_millis();
    let (mut due_count, mut new) = (0, 0);
    // A plan at a time: the records read and the reminders made stay one
    // plan's (a city's whole year held at once took 300 MB).
    for plan_id in store::watched_plans(db, i64::from(today.year())).await? {
        let inputs = store::watched(db, plan_id).await?;
        let due: Vec<reminders::Due> = watched(inputs)
            .iter()
            .flat_map(|w| reminders::due(w, today, &thresholds, &rules))
            .collect();
        due_count += due.len();
        // A city's day can bring thousands: written a batch per transaction,
        // so the write lock (all of SQLite's) is never held for long. A batch
        // that fails leaves the day unmarked; the next tick skips what its
        // dedup key shows was made, and makes the rest.
        for batch in due.chunks(REMINDERS_PER_TRANSACTION) {
            new += write_batch(db, batch, today, now, &mut setup).await?;
        }
    }
    let mut tx = db.begin().await?;
    store::set_generated_on(&mut tx, &today.to_string()).await?;
    tx.commit().await?;
    if new > 0 {
        tracing::info!(day = %today, due = due_count, new, "reminders generated");
    }
    Ok(Generated {
        due: due_count,
        new,
    })
}

/// Reminders written in one transaction.
const REMINDERS_PER_TRANSACTION: usize = 200;

/// Writes one batch of due reminders with their deliveries; returns how many were new.
async fn write_batch(
    db: &Db,
    batch: &[reminders::Due],
    today: Date,
    now: i64,
    setup: &mut super::delivery_plan::Setup,
) -> ServiceResult<usize> {
    let mut tx = db.begin().await?;
    let mut new = 0;
    for d in batch {
        let link = format!("/assignments/{}", d.assignment_id);
        let reminder = NewReminder {
            cause: d.cause.as_str(),
            dedup_key: &d.key,
            level: i64::from(d.round),
            unit_id: Some(d.unit_id),
            assignment_id: Some(d.assignment_id),
            subject: &d.subject,
            body: &d.body,
            link: &link,
            due_on: &today.to_string(),
            created_by: None,
            created_at: now,
        };
        if let Some(id) = store::insert(&mut tx, &reminder).await? {
            let escalated = matches!(d.audience, Audience::Unit { leaders: true, .. });
            super::delivery_plan::plan(&mut tx, id, d.unit_id, d.audience, escalated, setup, now)
                .await?;
            new += 1;
        }
    }
    tx.commit().await?;
    Ok(new)
}

/// The stored rows as the rule reads them.
fn watched(inputs: store::WatchedInputs) -> Vec<Watched> {
    let date = |text: &str| text.parse::<Date>().ok();
    let mut by_id: HashMap<i64, Watched> = HashMap::new();
    let mut order = Vec::new();
    for a in inputs.assignments {
        let (Some(assigned_on), Ok(year)) = (china_date(a.assigned_at), i16::try_from(a.year))
        else {
            continue;
        };
        order.push(a.id);
        by_id.insert(
            a.id,
            Watched {
                assignment_id: a.id,
                unit_id: a.unit_id,
                unit_name: a.unit_name,
                task_title: a.task_title,
                state: a.state.parse().unwrap_or(State::Assigned),
                assigned_on,
                plan_year: year,
                rhythm: a.rhythm,
                measures: Vec::new(),
                reported: Vec::new(),
                rectifications: Vec::new(),
                difficulties: Vec::new(),
                targets: Vec::new(),
            },
        );
    }
    for (a, id, description, deadline) in inputs.measures {
        if let (Some(w), Some(deadline)) = (by_id.get_mut(&a), date(&deadline)) {
            w.measures.push((id, description, deadline, false));
        }
    }
    for (a, period) in inputs.reports {
        if let (Some(w), Ok(period)) = (by_id.get_mut(&a), period.parse()) {
            w.reported.push(period);
        }
    }
    for (a, id, description, deadline) in inputs.rectifications {
        if let (Some(w), Some(deadline)) = (by_id.get_mut(&a), date(&deadline)) {
            w.rectifications.push((id, description, deadline));
        }
    }
    for (a, id, description, raised_at) in inputs.difficulties {
        if let (Some(w), Some(raised_on)) = (by_id.get_mut(&a), china_date(raised_at)) {
            w.difficulties.push((id, description, raised_on));
        }
    }
    for (a, id, metric, op, value, actual) in inputs.targets {
        let Some(w) = by_id.get_mut(&a) else {
            continue;
        };
        let milestones = inputs
            .milestones
            .iter()
            .filter(|m| m.0 == id)
            .map(|m| (m.1.as_str(), m.2));
        if let Some(trajectory) =
            super::trajectories::trajectory_of(Some(w.plan_year), &op, Some(value), milestones)
        {
            w.targets.push((id, metric, trajectory, actual));
        }
    }
    order
        .into_iter()
        .filter_map(|id| by_id.remove(&id))
        .collect()
}

/// The account behind an actor, who signs a 催办 (none for the system).
pub(crate) async fn sender_of(
    db: &Db,
    actor: &Actor,
) -> ServiceResult<Option<crate::store::users::UserRow>> {
    Ok(match actor.name.strip_prefix("user:") {
        Some(username) => crate::store::users::by_username(db, username).await?,
        None => None,
    })
}

/// A supervisor's 催办 on an assignment, with a message; the unit's head is
/// told too when `to_head`. Returns the reminder.
pub async fn urge(
    db: &Db,
    clock: &dyn Clock,
    actor: &Actor,
    assignment_id: i64,
    message: &str,
    to_head: bool,
) -> ServiceResult<ReminderRow> {
    require(actor, &[Role::Admin, Role::Supervisor], "send a 催办")?;
    let message = message.trim();
    if message.is_empty() || message.chars().count() > 2000 {
        return Err(ServiceError::Field {
            field: "message",
            message: "a 催办 says what is asked, in 1 to 2000 characters".into(),
        });
    }
    let assignment = crate::store::assignments::read(db, assignment_id).await?;
    let mut setup = super::delivery_plan::Setup::load(db).await?;
    let (_, task) = crate::store::tasks::task_by_id(db, assignment.task_id)
        .await?
        .ok_or_else(|| ServiceError::NotFound(format!("task {}", assignment.task_id)))?;
    let now = clock.now_millis();
    let today = super::lights::today(clock)?;
    let subject = format!("【催办】{}：{}", assignment.unit_name, task.title);
    let sender = sender_of(db, actor).await?;
    let signed = sender
        .as_ref()
        .map_or("督查室", |u| u.display_name.as_str());
    let body = format!("{message}（{signed}催办）");
    let link = format!("/assignments/{assignment_id}");
    let created_by = sender.map(|u| u.id);
    let mut tx = db.begin().await?;
    let id = send_to_unit(
        &mut tx,
        &mut setup,
        &Outgoing {
            assignment: &assignment,
            subject: &subject,
            body: &body,
            link: &link,
            to_head,
            created_by,
        },
        now,
        today,
    )
    .await?;
    super::record(
        &mut tx,
        now,
        actor,
        "reminder.urge",
        "assignment",
        assignment_id,
        serde_json::json!({ "reminder_id": id, "message": message, "to_head": to_head }),
    )
    .await?;
    tx.commit().await?;
    store::get(db, id)
        .await?
        .ok_or_else(|| ServiceError::NotFound(format!("reminder {id}")))
}

/// A message from the office to an assignment's unit: a 催办, or a 督办单.
pub(crate) struct Outgoing<'a> {
    pub assignment: &'a crate::store::assignments::AssignmentRow,
    pub subject: &'a str,
    pub body: &'a str,
    pub link: &'a str,
    /// The unit's head is told too.
    pub to_head: bool,
    pub created_by: Option<i64>,
}

/// Stores a manual reminder and plans its deliveries to the unit (inbox,
/// e-mail, robots) inside the caller's transaction; the sender sends them.
pub(crate) async fn send_to_unit(
    tx: &mut crate::store::Tx,
    setup: &mut super::delivery_plan::Setup,
    out: &Outgoing<'_>,
    now: i64,
    today: Date,
) -> ServiceResult<i64> {
    let token = crate::domain::secrets::new_token().map_err(ServiceError::Invalid)?;
    let key = format!("manual:{}:{now}:{}", out.assignment.id, &token[..12]);
    let id = store::insert(
        tx,
        &NewReminder {
            cause: Cause::Manual.as_str(),
            dedup_key: &key,
            level: if out.to_head { 2 } else { 1 },
            unit_id: Some(out.assignment.unit_id),
            assignment_id: Some(out.assignment.id),
            subject: out.subject,
            body: out.body,
            link: out.link,
            due_on: &today.to_string(),
            created_by: out.created_by,
            created_at: now,
        },
    )
    .await?
    .ok_or_else(|| ServiceError::Invalid("the reminder could not be stored".into()))?;
    let audience = Audience::Unit {
        head: out.to_head,
        leaders: false,
    };
    super::delivery_plan::plan(tx, id, out.assignment.unit_id, audience, true, setup, now).await?;
    Ok(id)
}

/// A reminder with what became of each of its deliveries.
#[derive(Debug, Clone, PartialEq)]
pub struct WithReceipts {
    pub reminder: ReminderRow,
    pub deliveries: Vec<DeliveryRow>,
}

/// The reminders of an assignment with their receipts: the office sees who
/// read each and when; a unit sees its own.
pub async fn of_assignment(
    db: &Db,
    actor: &Actor,
    assignment_id: i64,
) -> ServiceResult<Vec<WithReceipts>> {
    let assignment = crate::store::assignments::read(db, assignment_id).await?;
    super::may_read_unit(actor, assignment.unit_id, "reminders")?;
    let mut sent: HashMap<i64, Vec<DeliveryRow>> = HashMap::new();
    for delivery in deliveries::of_assignment(db, assignment_id).await? {
        sent.entry(delivery.reminder_id).or_default().push(delivery);
    }
    Ok(store::of_assignment(db, assignment_id)
        .await?
        .into_iter()
        .map(|reminder| WithReceipts {
            deliveries: sent.remove(&reminder.id).unwrap_or_default(),
            reminder,
        })
        .collect())
}
