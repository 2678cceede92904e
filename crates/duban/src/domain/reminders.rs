//! Which reminders are due on a day, by rule (issue #6): pure, from what the
//! record says of each assignment and the working-day calendar. Each reminder
//! carries a key naming its cause and window (`measure_overdue:17:2021-06-30:2`);
//! the store keeps keys unique, so a reminder is sent once however often the
//! rule is asked. Reminders fall on working days only: on a holiday or a
//! weekend nothing is due, and what became due then is sent on the next
//! working day.
//!
//! Escalation: a condition that lasts (unclaimed, overdue, missed, unanswered)
//! is reminded again every `repeat_every_days` working days. Round 1 goes to
//! the unit's liaisons, from round `head_from` the unit's head is told too,
//! and from round `leader_from` the leaders are in copy; there is no round
//! after `leader_from`.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::assignment::State;
use super::light::Thresholds;
use super::period::Period;
use super::report_window;
use super::trajectory::{Direction, Pace, Trajectory};
use super::words::{date_zh, figure, period_zh};

/// The reminder rules: settings, with these defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ReminderRules {
    /// A measure is reminded this many working days before its deadline.
    pub measure_due_days: i32,
    /// A report window's closing reminder, this many working days before it closes.
    pub report_closing_days: i32,
    /// A rectification is reminded this many working days before its deadline.
    pub rectification_due_days: i32,
    /// A difficulty unanswered this many working days is reminded to the office.
    pub difficulty_days: i32,
    /// A lasting condition is reminded again after this many working days.
    pub repeat_every_days: i32,
    /// From this round on the unit's head is told too.
    pub head_from: u32,
    /// From this round on the leaders are in copy; the last round.
    pub leader_from: u32,
}

impl Default for ReminderRules {
    fn default() -> ReminderRules {
        ReminderRules {
            measure_due_days: 3,
            report_closing_days: 2,
            rectification_due_days: 3,
            difficulty_days: 5,
            repeat_every_days: 5,
            head_from: 2,
            leader_from: 3,
        }
    }
}

impl ReminderRules {
    /// Each number within its range; names the first one outside.
    pub fn check(&self) -> Result<(), (&'static str, String)> {
        for (field, days) in [
            ("measure_due_days", self.measure_due_days),
            ("report_closing_days", self.report_closing_days),
            ("rectification_due_days", self.rectification_due_days),
            ("difficulty_days", self.difficulty_days),
        ] {
            if !(0..=60).contains(&days) {
                return Err((field, format!("{field} is 0 to 60 working days")));
            }
        }
        if !(1..=60).contains(&self.repeat_every_days) {
            return Err((
                "repeat_every_days",
                "repeat_every_days is 1 to 60 working days".into(),
            ));
        }
        if !(1..=10).contains(&self.leader_from)
            || !(1..=self.leader_from).contains(&self.head_from)
        {
            return Err((
                "head_from",
                "the head is told from round 1 to the leaders' round, the leaders from round 1 to 10"
                    .into(),
            ));
        }
        Ok(())
    }
}

/// Why a reminder is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Cause {
    Unclaimed,
    MeasureDue,
    MeasureOverdue,
    ReportOpen,
    ReportClosing,
    ReportMissed,
    RectificationDue,
    RectificationOverdue,
    DifficultyUnanswered,
    BehindTrajectory,
    /// 催办 by a supervisor, with a message.
    Manual,
}

impl Cause {
    pub fn as_str(self) -> &'static str {
        match self {
            Cause::Unclaimed => "unclaimed",
            Cause::MeasureDue => "measure_due",
            Cause::MeasureOverdue => "measure_overdue",
            Cause::ReportOpen => "report_open",
            Cause::ReportClosing => "report_closing",
            Cause::ReportMissed => "report_missed",
            Cause::RectificationDue => "rectification_due",
            Cause::RectificationOverdue => "rectification_overdue",
            Cause::DifficultyUnanswered => "difficulty_unanswered",
            Cause::BehindTrajectory => "behind_trajectory",
            Cause::Manual => "manual",
        }
    }
}

/// Who is told.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// The unit's liaisons; its head too; the leaders in copy.
    Unit { head: bool, leaders: bool },
    /// The supervision office (supervisors); the leaders in copy.
    Office { leaders: bool },
}

/// A reminder due today.
#[derive(Debug, Clone, PartialEq)]
pub struct Due {
    pub cause: Cause,
    /// Unique per cause and window: the store sends each key once.
    pub key: String,
    pub round: u32,
    pub assignment_id: i64,
    pub unit_id: i64,
    pub audience: Audience,
    /// Chinese, as sent.
    pub subject: String,
    pub body: String,
}

/// What the rule reads of one live assignment.
#[derive(Debug, Clone, PartialEq)]
pub struct Watched {
    pub assignment_id: i64,
    pub unit_id: i64,
    pub unit_name: String,
    pub task_title: String,
    pub state: State,
    pub assigned_on: Date,
    pub plan_year: i16,
    /// The task's or item's own report rhythm; `None`: the office's.
    pub rhythm: crate::domain::period::Rhythm,
    /// (id, description, deadline, done)
    pub measures: Vec<(i64, String, Date, bool)>,
    pub reported: Vec<Period>,
    /// Rectifications still waiting for the unit's answer: (id, description, deadline).
    pub rectifications: Vec<(i64, String, Date)>,
    /// Difficulties not resolved: (id, description, raised on).
    pub difficulties: Vec<(i64, String, Date)>,
    /// Targets with a trajectory and an actual: (id, metric, trajectory, latest actual).
    pub targets: Vec<(i64, String, Trajectory, f64)>,
}

/// The reminders due on `today` for `w`; none on a day that is not a working day.
pub fn due(w: &Watched, today: Date, t: &Thresholds, rules: &ReminderRules) -> Vec<Due> {
    let calendar = &t.calendar;
    if !calendar.is_working_day(today) || w.state == State::Verified || today.year() > w.plan_year {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut push = |cause: Cause,
                    key: String,
                    round: u32,
                    audience: Audience,
                    subject: String,
                    body: String| {
        out.push(Due {
            cause,
            key,
            round,
            assignment_id: w.assignment_id,
            unit_id: w.unit_id,
            audience,
            subject,
            body,
        });
    };
    let task = &w.task_title;
    let unit = &w.unit_name;
    // A lasting condition that began after `start` (working days counted
    // from it): the round reached today, if any.
    let round_of = |start: Date, after_days: i32| -> Option<u32> {
        let days = calendar.working_days_between(start, today) - after_days;
        (days >= 1).then(|| {
            let round = 1 + (days - 1) / rules.repeat_every_days;
            u32::try_from(round)
                .unwrap_or(u32::MAX)
                .min(rules.leader_from)
        })
    };
    let unit_audience = |round: u32| Audience::Unit {
        head: round >= rules.head_from,
        leaders: round >= rules.leader_from,
    };
    let nth = |round: u32| {
        if round > 1 {
            format!("（第{round}次）")
        } else {
            String::new()
        }
    };

    if w.state == State::Assigned {
        if let Some(round) = round_of(w.assigned_on, t.claim_days) {
            let waited = calendar.working_days_between(w.assigned_on, today);
            push(
                Cause::Unclaimed,
                format!("unclaimed:{}:{round}", w.assignment_id),
                round,
                unit_audience(round),
                format!("【催办】{}请认领任务{}", unit, nth(round)),
                format!(
                    "任务“{task}”交办已{waited}个工作日，{unit}尚未认领。请登录督办系统认领，并制定细化措施、明确责任人和时间节点。"
                ),
            );
        }
        return out;
    }

    // Work declared done waits for the office's check: its measures, reports
    // and targets are not chased any more; rectifications and difficulties are.
    let working = w.state != State::Done;
    for (id, description, deadline, done) in &w.measures {
        if *done || !working {
            continue;
        }
        if today <= *deadline {
            let left = calendar.working_days_between(today, *deadline);
            if left <= rules.measure_due_days {
                push(
                    Cause::MeasureDue,
                    format!("measure_due:{id}:{deadline}"),
                    1,
                    unit_audience(1),
                    "【提醒】细化措施即将到期".into(),
                    format!(
                        "任务“{task}”的措施“{description}”将于{}到期（还有{left}个工作日），请按时完成并报送进展。",
                        date_zh(*deadline)
                    ),
                );
            }
        } else if let Some(round) = round_of(*deadline, 0) {
            push(
                Cause::MeasureOverdue,
                format!("measure_overdue:{id}:{deadline}:{round}"),
                round,
                unit_audience(round),
                format!("【催办】细化措施已逾期{}", nth(round)),
                format!(
                    "任务“{task}”的措施“{description}”已于{}到期，尚未完成。请抓紧推进，并说明原因和补救措施。",
                    date_zh(*deadline)
                ),
            );
        }
    }

    let rhythm = &*t.with_rhythm(w.rhythm);
    for (period, end) in report_window::periods(w.plan_year, rhythm) {
        if end < rhythm.owed_from(w.assigned_on)
            || report_window::is_reported(period, &w.reported)
            || !working
        {
            continue;
        }
        let (opens, due_day) = report_window::window(end, rhythm);
        let closing = calendar.add_working_days(due_day, -rules.report_closing_days);
        let label = period_zh(period);
        if today > due_day {
            if let Some(round) = round_of(due_day, 0) {
                push(
                    Cause::ReportMissed,
                    format!("report_missed:{}:{period}:{round}", w.assignment_id),
                    round,
                    unit_audience(round),
                    format!("【催办】{label}进展未按时报送{}", nth(round)),
                    format!(
                        "任务“{task}”{label}的进展应于{}前报送，至今未报。请立即报送。",
                        date_zh(due_day)
                    ),
                );
            }
        } else if today >= closing {
            push(
                Cause::ReportClosing,
                format!("report_closing:{}:{period}", w.assignment_id),
                1,
                unit_audience(1),
                format!("【提醒】{label}进展报送即将截止"),
                format!(
                    "任务“{task}”{label}的进展报送将于{}截止，请及时报送。",
                    date_zh(due_day)
                ),
            );
        } else if today >= opens {
            push(
                Cause::ReportOpen,
                format!("report_open:{}:{period}", w.assignment_id),
                1,
                unit_audience(1),
                format!("【提醒】{label}进展报送已开始"),
                format!(
                    "请于{}前报送任务“{task}”{label}的进展情况。",
                    date_zh(due_day)
                ),
            );
        }
    }

    for (id, description, deadline) in &w.rectifications {
        if today <= *deadline {
            let left = calendar.working_days_between(today, *deadline);
            if left <= rules.rectification_due_days {
                push(
                    Cause::RectificationDue,
                    format!("rectification_due:{id}:{deadline}"),
                    1,
                    unit_audience(1),
                    "【提醒】整改期限将至".into(),
                    format!(
                        "任务“{task}”的整改事项“{description}”将于{}到期，请按时整改并反馈。",
                        date_zh(*deadline)
                    ),
                );
            }
        } else if let Some(round) = round_of(*deadline, 0) {
            push(
                Cause::RectificationOverdue,
                format!("rectification_overdue:{id}:{deadline}:{round}"),
                round,
                unit_audience(round),
                format!("【督办】整改已逾期{}", nth(round)),
                format!(
                    "任务“{task}”的整改事项“{description}”已于{}到期，尚未反馈整改情况。请立即整改并反馈。",
                    date_zh(*deadline)
                ),
            );
        }
    }

    for (id, description, raised_on) in &w.difficulties {
        // Reminded once it has waited `difficulty_days` working days.
        if let Some(round) = round_of(*raised_on, rules.difficulty_days - 1) {
            let waited = calendar.working_days_between(*raised_on, today);
            push(
                Cause::DifficultyUnanswered,
                format!("difficulty:{id}:{round}"),
                round,
                Audience::Office {
                    leaders: round >= rules.leader_from,
                },
                format!("【提醒】{unit}反映的困难待答复{}", nth(round)),
                format!(
                    "{unit}在任务“{task}”中反映的困难“{description}”已{waited}个工作日未答复，请协调答复。"
                ),
            );
        }
    }

    if working && today.year() == w.plan_year {
        for (id, metric, trajectory, actual) in &w.targets {
            if trajectory.status(*actual, today) != Pace::Behind {
                continue;
            }
            let month = format!("{}-{:02}", today.year(), today.month());
            let value = figure(trajectory.value());
            let body = match trajectory.direction() {
                Direction::Floor => format!(
                    "任务“{task}”的目标“{metric}”全年{value}，目前完成{}，低于序时进度（按时间应完成约{}）。请加快推进。",
                    figure(*actual),
                    figure(trajectory.planned_at(today).round())
                ),
                Direction::Ceiling => format!(
                    "任务“{task}”的目标“{metric}”全年不超过{value}，目前已达{}，超出控制目标。请采取措施。",
                    figure(*actual)
                ),
            };
            push(
                Cause::BehindTrajectory,
                format!("behind:{}:{id}:{month}", w.assignment_id),
                1,
                unit_audience(1),
                "【预警】目标完成进度滞后".into(),
                body,
            );
        }
    }
    out
}

#[cfg(test)]
#[path = "reminders_tests.rs"]
mod tests;
