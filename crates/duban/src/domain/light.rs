//! The status light (亮灯) of an assignment, by rule (DESIGN.md): computed from
//! the record and the date, never set by hand. A task's light is the worst of
//! its assignments'. Every "N days" of the thresholds counts China's working
//! days on the office's calendar (holidays and 调休 weekends, `calendar.rs`);
//! a deadline itself is passed the calendar day after it.

use std::borrow::Cow;
use std::sync::{Arc, OnceLock};

use jiff::civil::Date;

use super::assignment::State;
use super::calendar::WorkCalendar;
use super::period::{Frequency, Period, Rhythm};
use super::trajectory::Trajectory;
pub use super::trajectory::{Pace, TRAJECTORY_TOLERANCE};

/// Worst last: `max` of two lights is the one to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Light {
    /// 已办结: verified, shown apart.
    Done,
    /// 正常推进.
    Green,
    /// 预警.
    Yellow,
    /// 滞后.
    Red,
}

impl Light {
    pub fn as_str(self) -> &'static str {
        match self {
            Light::Done => "done",
            Light::Green => "green",
            Light::Yellow => "yellow",
            Light::Red => "red",
        }
    }
}

/// The thresholds of the rule, and the calendar their days are counted on;
/// settings, not constants.
#[derive(Debug, Clone, PartialEq)]
pub struct Thresholds {
    /// An assignment unclaimed this many working days after it was assigned turns yellow.
    pub claim_days: i32,
    /// A measure due within this many working days and not done turns yellow.
    pub measure_warning_days: i32,
    /// Reports are due this many working days after their period ends; later, missed (red).
    pub report_grace_days: i32,
    /// How often units report, unless a task or item sets its own rhythm
    /// ([`Thresholds::with_rhythm`]).
    pub report_period: Frequency,
    /// Periods that ended before this day are not owed: the day the work's
    /// rhythm was changed (`Rhythm::since`); none for the office's own.
    pub rhythm_since: Option<Date>,
    /// Working days, holidays and 调休 (the admin's holiday file, or the embedded one).
    pub calendar: Arc<WorkCalendar>,
}

impl Default for Thresholds {
    fn default() -> Thresholds {
        Thresholds {
            claim_days: 5,
            measure_warning_days: 7,
            report_grace_days: 5,
            report_period: Frequency::Monthly,
            rhythm_since: None,
            calendar: embedded_calendar(),
        }
    }
}

impl Thresholds {
    /// The thresholds for work that reports on its own rhythm (a task or
    /// item that sets one, `tasks.report_frequency`), else these, from the
    /// day that rhythm took effect: every reader of report windows goes
    /// through here so that the light, the form, the lock, the board and the
    /// reminders agree on the rhythm.
    pub fn with_rhythm(&self, rhythm: Rhythm) -> Cow<'_, Thresholds> {
        let frequency = rhythm.own.unwrap_or(self.report_period);
        if frequency == self.report_period && rhythm.since == self.rhythm_since {
            return Cow::Borrowed(self);
        }
        Cow::Owned(Thresholds {
            report_period: frequency,
            rhythm_since: rhythm.since,
            ..self.clone()
        })
    }

    /// The thresholds of one rhythm from the start of the year: a board's
    /// or an import's window of that rhythm.
    pub fn of_frequency(&self, frequency: Frequency) -> Cow<'_, Thresholds> {
        self.with_rhythm(Rhythm {
            own: Some(frequency),
            since: None,
        })
    }

    /// The first day a period must end on or after to be owed: the work's
    /// assignment, or the later change of its rhythm.
    pub fn owed_from(&self, assigned_on: Date) -> Date {
        super::report_window::owed_from(assigned_on, self.rhythm_since)
    }
}

/// The calendar shipped in the binary, parsed once.
pub fn embedded_calendar() -> Arc<WorkCalendar> {
    static EMBEDDED: OnceLock<Arc<WorkCalendar>> = OnceLock::new();
    Arc::clone(EMBEDDED.get_or_init(|| Arc::new(WorkCalendar::embedded())))
}

/// What the rule reads of one assignment.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    pub state: State,
    pub assigned_on: Date,
    /// (deadline, done)
    pub measures: Vec<(Date, bool)>,
    /// Periods reported.
    pub reported: Vec<Period>,
    /// Findings not closed: (is a rectification, its deadline).
    pub open_findings: Vec<(bool, Option<Date>)>,
    /// Targets with a trajectory: (the trajectory, which carries the value
    /// and any milestones; the latest actual reported, if any).
    pub targets: Vec<(Trajectory, Option<f64>)>,
    pub plan_year: Option<i16>,
    /// The deadline in force where one is set: a granted extension (延期),
    /// else the task's own date. Without one the plan year's end is it.
    pub deadline: Option<Date>,
    /// The last day this assignment showed red, from its light history.
    pub last_red: Option<Date>,
    /// The task's or item's own report rhythm, and since when.
    pub rhythm: Rhythm,
}

/// The light an assignment shows whatever its record holds: verified work
/// is done, and work past its deadline in force (or its plan year) is red.
/// Relighting reads no measures, reports or findings for these (most of a
/// city's assignments, once a few years have passed).
pub fn settled_light(
    state: State,
    plan_year: Option<i16>,
    deadline: Option<Date>,
    today: Date,
) -> Option<Light> {
    if state == State::Verified {
        return Some(Light::Done);
    }
    past_deadline(state, plan_year, deadline, today).then_some(Light::Red)
}

/// The deadline in force has passed with the work not verified. An
/// extension may run past the plan year's end, and then it is the deadline.
/// While the year runs, work declared done and waiting for its review is not
/// late by its deadline (the office, not the unit, is holding it); once the
/// year is over, work not verified is late whatever it declared.
pub fn past_deadline(
    state: State,
    plan_year: Option<i16>,
    deadline: Option<Date>,
    today: Date,
) -> bool {
    if state == State::Verified {
        return false;
    }
    let year_end = plan_year.and_then(|y| Date::new(y, 12, 31).ok());
    let Some(in_force) = deadline.or(year_end) else {
        return false;
    };
    today > in_force && (state != State::Done || year_end.is_some_and(|end| today > end))
}

/// The light of one assignment on `today`.
pub fn assignment_light(record: &Record, today: Date, t: &Thresholds) -> Light {
    if let Some(light) = settled_light(record.state, record.plan_year, record.deadline, today) {
        return light;
    }
    let t = &*t.with_rhythm(record.rhythm);
    remembered(record, live_light(record, today, t), today, t)
}

/// Lights remember history (DESIGN.md): work that went red shows yellow at
/// best for the rest of the report period it was last red in, even once it
/// has caught up; the red days themselves stay in the light history.
fn remembered(record: &Record, light: Light, today: Date, t: &Thresholds) -> Light {
    match record.last_red {
        Some(day) if light == Light::Green && day <= today && today <= memory_ends(day, t) => {
            Light::Yellow
        }
        _ => light,
    }
}

/// The last day a red on `last_red` is remembered: the end of the report
/// period (of the rhythm in `t`) that holds it.
pub fn memory_ends(last_red: Date, t: &Thresholds) -> Date {
    super::report_window::periods(last_red.year(), t)
        .into_iter()
        .map(|(_, end)| end)
        .find(|end| *end >= last_red)
        .unwrap_or_else(|| last_red.last_of_month())
}

/// The rule's reading of the record itself, before history.
fn live_light(record: &Record, today: Date, t: &Thresholds) -> Light {
    let mut light = Light::Green;
    let calendar = &t.calendar;
    if record.state == State::Assigned {
        let waited = calendar.working_days_between(record.assigned_on, today);
        return if waited > t.claim_days {
            Light::Yellow
        } else {
            Light::Green
        };
    }
    for &(deadline, done) in &record.measures {
        if done {
            continue;
        }
        if today > deadline {
            return Light::Red;
        }
        if calendar.working_days_between(today, deadline) <= t.measure_warning_days {
            light = light.max(Light::Yellow);
        }
    }
    for &(rectification, deadline) in &record.open_findings {
        if rectification && deadline.is_some_and(|d| today > d) {
            return Light::Red;
        }
        light = light.max(Light::Yellow);
    }
    match report_light(record, today, t) {
        Light::Red => return Light::Red,
        other => light = light.max(other),
    }
    if behind_trajectory(record, today) {
        light = light.max(Light::Yellow);
    }
    light
}

/// Red when a closed period's report is missing past its grace days; yellow
/// when a window is open without one (`report_window::owed`).
fn report_light(record: &Record, today: Date, t: &Thresholds) -> Light {
    let Some(year) = record.plan_year else {
        return Light::Green;
    };
    let owed = super::report_window::owed(year, record.assigned_on, &record.reported, today, t);
    if owed.iter().any(|o| o.missed) {
        Light::Red
    } else if owed.is_empty() {
        Light::Green
    } else {
        Light::Yellow
    }
}

/// How many reports an assignment has missed on `today`: closed periods past
/// their grace days without a report, counted exactly where [`report_light`]
/// turns red. Work not yet claimed, or verified, owes none (the light reads
/// other things there).
pub fn missed_reports(record: &Record, today: Date, t: &Thresholds) -> usize {
    if matches!(record.state, State::Assigned | State::Verified) {
        return 0;
    }
    let Some(year) = record.plan_year else {
        return 0;
    };
    let t = &*t.with_rhythm(record.rhythm);
    super::report_window::owed(year, record.assigned_on, &record.reported, today, t)
        .iter()
        .filter(|o| o.missed)
        .count()
}

/// A target whose latest actual is behind its trajectory (below its band, or
/// above a ceiling) while the plan year runs.
fn behind_trajectory(record: &Record, today: Date) -> bool {
    if record.plan_year != Some(today.year()) {
        return false;
    }
    record.targets.iter().any(|(trajectory, actual)| {
        actual.is_some_and(|a| trajectory.status(a, today) == Pace::Behind)
    })
}

/// A task's light: the worst of its assignments'; done only when all are.
pub fn task_light(lights: &[Light]) -> Light {
    lights.iter().copied().max().unwrap_or(Light::Green)
}

/// The civil date in China (UTC+8, no daylight saving) of an instant in
/// milliseconds: the date deadlines are counted in.
pub fn china_date(millis: i64) -> Option<Date> {
    let timestamp = jiff::Timestamp::from_millisecond(millis).ok()?;
    let offset = jiff::tz::Offset::constant(8);
    Some(offset.to_datetime(timestamp).date())
}

#[cfg(test)]
#[path = "light_tests.rs"]
mod tests;
