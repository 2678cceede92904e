//! Report periods (报送周期): windows by how often units report, each open
//! from `report_grace_days` working days before the period ends to as many
//! after (`domain::report_window`). Once a window has closed the period is
//! locked: a report for it is refused, unless the office reopened it for the
//! assignment, with a reason, until a day (audited). And the board of who has
//! not reported (未报送) in the current window, with one 催办 to all of them.

use jiff::civil::Date;
use serde_json::json;

use super::reminders::{Outgoing, send_to_unit};
use super::{ServiceError, ServiceResult, require, text};
use crate::clock::Clock;
use crate::domain::light::Thresholds;
use crate::domain::period::{Frequency, Period, Rhythm};
use crate::domain::report_window;
use crate::domain::roles::{Actor, Role};
use crate::store::assignments::AssignmentRow;
use crate::store::report_periods::{self as store, NewReopening, ReopeningRow, Unreported};
use crate::store::{Db, Tx};

/// Refuses a report for `period` that the office does not take now: a
/// period of another rhythm than the assignment's (its task's or item's own,
/// else the office's), one not yet begun (nor its window open), or one whose
/// window has closed and that is not reopened for this assignment.
pub async fn check_open(
    tx: &mut Tx,
    t: &Thresholds,
    assignment: &AssignmentRow,
    period: Period,
    today: Date,
) -> ServiceResult<()> {
    let t = &*t.with_rhythm(assignment.rhythm);
    check_kind(t, period)?;
    let (opens, due) = report_window::window(period.last_day(), t);
    // A period not yet begun, whose window has not opened either, takes no
    // report: filing months ahead would keep a light from ever turning red.
    let begun = period.bounds().is_some_and(|(first, _)| first <= today);
    if !begun && today < opens {
        return Err(ServiceError::field(
            "period",
            format!(
                "{period} has not begun: its report is taken from {}",
                opens.min(period.bounds().map_or(opens, |(first, _)| first))
            ),
        ));
    }
    if today <= due {
        return Ok(());
    }
    let reopened = store::open_until(tx, assignment.id, &period.to_string()).await?;
    if reopened
        .and_then(|until| until.parse::<Date>().ok())
        .is_some_and(|until| today <= until)
    {
        return Ok(());
    }
    Err(ServiceError::field(
        "period",
        format!(
            "the report window of {period} closed on {due}: the period is locked (已锁定); \
             the supervision office may reopen it"
        ),
    ))
}

/// `t` already holds the assignment's rhythm.
fn check_kind(t: &Thresholds, period: Period) -> ServiceResult<()> {
    let wanted = t.report_period;
    if period.frequency() == wanted {
        return Ok(());
    }
    Err(ServiceError::field(
        "period",
        format!(
            "this work reports {} ({}): write a period such as {}",
            wanted.en(),
            wanted.zh(),
            wanted.example()
        ),
    ))
}

/// Reopens a locked period of one assignment (supervisors and admins), with
/// a reason, for `report_grace_days` working days from today.
pub async fn reopen(
    db: &Db,
    clock: &dyn Clock,
    actor: &Actor,
    assignment_id: i64,
    period: &str,
    reason: &str,
) -> ServiceResult<ReopeningRow> {
    require(
        actor,
        &[Role::Admin, Role::Supervisor],
        "reopen a report period",
    )?;
    let period: Period = period
        .parse()
        .map_err(|message: String| ServiceError::field("period", message))?;
    let reason = text("reason", reason, 2000)?;
    let (office, _) = super::settings::thresholds(db).await?;
    let rhythm = crate::store::assignments::read(db, assignment_id)
        .await?
        .rhythm;
    let t = office.with_rhythm(rhythm);
    check_kind(&t, period)?;
    let today = super::lights::today(clock)?;
    let (_, due) = report_window::window(period.last_day(), &t);
    if today <= due {
        return Err(ServiceError::field(
            "period",
            format!("the window of {period} is open until {due}: there is nothing to reopen"),
        ));
    }
    let until = t
        .calendar
        .add_working_days(today, t.report_grace_days.max(1))
        .to_string();
    let now = clock.now_millis();
    let period_text = period.to_string();
    let mut tx = db.begin().await?;
    let assignment = crate::store::assignments::get(&mut tx, assignment_id).await?;
    if crate::store::reports::period_reported(&mut tx, assignment_id, &period_text).await? {
        return Err(ServiceError::Transition(format!(
            "{} has reported {period}: nothing to reopen",
            assignment.unit_name
        )));
    }
    let id = store::insert(
        &mut tx,
        &NewReopening {
            assignment_id,
            period: &period_text,
            reason: &reason,
            until_day: &until,
            reopened_by: &actor.name,
            reopened_at: now,
        },
    )
    .await?;
    super::record(
        &mut tx,
        now,
        actor,
        "report_period.reopen",
        "assignment",
        assignment_id,
        json!({ "reopening_id": id, "period": period_text, "reason": reason, "until": until }),
    )
    .await?;
    tx.commit().await?;
    Ok(ReopeningRow {
        id,
        assignment_id,
        period: period_text,
        reason,
        until_day: until,
        reopened_by: actor.name.clone(),
        reopened_at: now,
    })
}

/// An assignment's reopened periods, newest first.
pub async fn reopenings(
    db: &Db,
    actor: &Actor,
    assignment_id: i64,
) -> ServiceResult<Vec<ReopeningRow>> {
    let assignment = crate::store::assignments::read(db, assignment_id).await?;
    super::may_read_unit(actor, assignment.unit_id, "report periods")?;
    Ok(store::of_assignment(db, assignment_id).await?)
}

/// Who has not reported (未报送) in a plan's current windows: one window per
/// report rhythm its tasks follow (the office's, and any task's or item's
/// own), since a weekly item and a monthly task are not due together.
#[derive(Debug, Clone)]
pub struct Board {
    pub plan: crate::store::plans::PlanHeader,
    /// Oldest rhythm first (weekly before quarterly); none before the plan
    /// year's first period ends, or for a plan without a year.
    pub windows: Vec<BoardWindow>,
}

impl Board {
    /// Every assignment that owes a report, across the windows.
    pub fn owing(&self) -> usize {
        self.windows.iter().map(|w| w.rows.len()).sum()
    }
}

/// One rhythm's current window and who owes its report.
#[derive(Debug, Clone)]
pub struct BoardWindow {
    pub rhythm: Frequency,
    /// The period of the open window, else the last that ended.
    pub period: Period,
    /// The last day a report for it is on time.
    pub due: Date,
    /// Its window has closed: the rows are missed reports.
    pub closed: bool,
    pub rows: Vec<Unreported>,
}

/// The 未报送 board of a plan (the office and leaders; not units).
pub async fn board(
    db: &Db,
    clock: &dyn Clock,
    actor: &Actor,
    plan_id: i64,
) -> ServiceResult<Board> {
    require(
        actor,
        &[Role::Admin, Role::Supervisor, Role::Leader, Role::Viewer],
        "read who has not reported",
    )?;
    let plan = crate::store::plans::header(db, plan_id)
        .await?
        .ok_or_else(|| ServiceError::NotFound(format!("plan {plan_id}")))?;
    let (office, _) = super::settings::thresholds(db).await?;
    let today = super::lights::today(clock)?;
    let year = plan.year.and_then(|y| i16::try_from(y).ok());
    let mut windows = Vec::new();
    let Some(year) = year else {
        return Ok(Board { plan, windows });
    };
    for rhythm in rhythms_of(db, plan_id, office.report_period).await? {
        let t = office.of_frequency(rhythm);
        let Some(period) = report_window::current(year, today, &t) else {
            continue;
        };
        let end = period.last_day();
        let (_, due) = report_window::window(end, &t);
        // Work taken on after the period ended owes no report for it, nor
        // work whose rhythm changed after it ended.
        let owes = |r: &Unreported| {
            let since = r
                .rhythm_since
                .as_deref()
                .and_then(|d| d.parse::<Date>().ok());
            crate::domain::light::china_date(r.assigned_at)
                .is_some_and(|on| report_window::owed_from(on, since) <= end)
        };
        let rows = store::unreported(
            db,
            plan_id,
            &period.to_string(),
            rhythm.as_str(),
            office.report_period.as_str(),
        )
        .await?
        .into_iter()
        .filter(owes)
        .collect();
        windows.push(BoardWindow {
            rhythm,
            period,
            due,
            closed: today > due,
            rows,
        });
    }
    Ok(Board { plan, windows })
}

/// The report rhythms a plan's live tasks follow, most frequent first.
async fn rhythms_of(db: &Db, plan_id: i64, office: Frequency) -> ServiceResult<Vec<Frequency>> {
    let own = store::rhythms_of_plan(db, plan_id).await?;
    Ok(Frequency::ALL
        .into_iter()
        .filter(|f| {
            own.iter()
                .any(|o| o.as_deref().and_then(Frequency::parse).unwrap_or(office) == *f)
        })
        .collect())
}

/// One 催办 to every assignment on the board, in one transaction; returns
/// how many were sent.
pub async fn urge_all(
    db: &Db,
    clock: &dyn Clock,
    actor: &Actor,
    plan_id: i64,
    message: &str,
) -> ServiceResult<usize> {
    require(actor, &[Role::Admin, Role::Supervisor], "send a 催办")?;
    let message = text("message", message, 2000)?;
    let board = board(db, clock, actor, plan_id).await?;
    if board.owing() == 0 {
        return Ok(0);
    }
    // (assignment, its task's title, the period it owes)
    let owing: std::collections::HashMap<i64, (&str, Period)> = board
        .windows
        .iter()
        .flat_map(|w| {
            w.rows
                .iter()
                .map(|r| (r.assignment_id, (r.task_title.as_str(), w.period)))
        })
        .collect();
    let assignments: Vec<_> = crate::store::cockpit::assignments_of_plan(db, plan_id)
        .await?
        .into_iter()
        .filter(|a| owing.contains_key(&a.id))
        .collect();
    let mut setup = super::delivery_plan::Setup::load(db).await?;
    let now = clock.now_millis();
    let today = super::lights::today(clock)?;
    let sender = super::reminders::sender_of(db, actor).await?;
    let signed = sender
        .as_ref()
        .map_or("督查室", |u| u.display_name.as_str())
        .to_string();
    let created_by = sender.map(|u| u.id);
    let mut tx = db.begin().await?;
    let mut sent = Vec::new();
    for assignment in &assignments {
        let Some(&(title, period)) = owing.get(&assignment.id) else {
            continue;
        };
        let period_zh = crate::domain::words::period_zh(period);
        let subject = format!("【催办】{period_zh}进展未报送：{title}");
        let body = format!("{message}（{period_zh}进展未报送，{signed}催办）");
        let link = format!("/assignments/{}", assignment.id);
        let id = send_to_unit(
            &mut tx,
            &mut setup,
            &Outgoing {
                assignment,
                subject: &subject,
                body: &body,
                link: &link,
                to_head: false,
                created_by,
            },
            now,
            today,
        )
        .await?;
        sent.push(json!({ "assignment_id": assignment.id, "reminder_id": id,
            "period": period.to_string() }));
    }
    super::record(
        &mut tx,
        now,
        actor,
        "reminder.urge_unreported",
        "plan",
        plan_id,
        json!({ "message": message, "sent": sent }),
    )
    .await?;
    tx.commit().await?;
    Ok(sent.len())
}

/// A rhythm as a form or a request writes it: weekly, half_monthly, monthly
/// or quarterly; empty (or "office") for the office's setting.
pub fn parse_rhythm(field: &'static str, text: &str) -> ServiceResult<Option<Frequency>> {
    match text.trim() {
        "" | "office" => Ok(None),
        word => Frequency::parse(word).map(Some).ok_or_else(|| {
            ServiceError::field(
                field,
                format!(
                    "'{word}' is not a report rhythm: weekly, half_monthly, monthly or quarterly \
                     (每周、每半月、每月、每季度), or empty for the office's"
                ),
            )
        }),
    }
}

/// A task's rhythm after a change: its own (none: the office's) and the one
/// its reports are due on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RhythmInForce {
    pub own: Option<Frequency>,
    pub frequency: Frequency,
}

/// Gives a task or item its own report rhythm (报送周期), or returns it to
/// the office's (`rhythm` empty). Supervisors and admins; audited, and its
/// lights relit in the same transaction. Reports already made under the
/// earlier rhythm keep counting for the periods they cover
/// (`report_window::is_reported`).
pub async fn set_rhythm(
    db: &Db,
    clock: &dyn Clock,
    actor: &Actor,
    task_id: i64,
    rhythm: &str,
) -> ServiceResult<RhythmInForce> {
    require(
        actor,
        &[Role::Admin, Role::Supervisor],
        "set a task's report rhythm",
    )?;
    let rhythm = parse_rhythm("frequency", rhythm)?;
    let lights = super::lights::Refresher::load(db, clock).await?;
    let now = clock.now_millis();
    let mut tx = db.begin().await?;
    let before = crate::store::tasks::rhythm_of(&mut tx, task_id).await?;
    let in_force = RhythmInForce {
        own: rhythm,
        frequency: rhythm.unwrap_or(lights.thresholds.report_period),
    };
    if before.own == rhythm {
        return Ok(in_force);
    }
    // In force from today: the new rhythm's periods that ended before today
    // are not owed (`Thresholds::owed_from`).
    let since = lights.today;
    let new = Rhythm {
        own: rhythm,
        since: Some(since),
    };
    crate::store::tasks::set_rhythm(&mut tx, task_id, new).await?;
    let word = |f: Option<Frequency>| f.map_or("office", Frequency::as_str);
    crate::store::audit::append(
        &mut tx,
        now,
        crate::store::audit::NewEvent {
            actor: &actor.name,
            action: "task.report_rhythm",
            entity: "task",
            entity_id: Some(task_id),
            before: Some(json!({ "report_frequency": word(before.own),
                "since": before.since.map(|d| d.to_string()) })),
            after: Some(json!({ "report_frequency": word(rhythm), "since": since.to_string() })),
        },
    )
    .await?;
    lights.task(&mut tx, task_id).await?;
    tx.commit().await?;
    Ok(in_force)
}
