//! A quantitative target's trajectory (序时进度) over its plan year: the
//! cumulative figure planned by each day, and where a reported actual stands
//! against it (ahead, on track, behind). The light rule, the reminders, the
//! cockpit and the task page's chart all read it from here.
//!
//! By default the trajectory is pro rata **by month**: by the end of month m
//! the plan is value × m/12, linear by days within the month. That is how
//! offices reckon 序时进度 ("时间过半、任务过半": half the value by June 30,
//! not by day 183), and units report monthly figures as of each month's end.
//! The office may instead give milestones (节点目标: 6月底 ≥ 80, 9月底 ≥ 140):
//! the line runs from 0 at the start of the year through each milestone,
//! linear by days between them, to the value at the year's end.
//!
//! A ceiling (≤, 事故数 ≤ 5) has no path to follow: its line is the ceiling
//! itself all year, behind once the actual is above it, never ahead. Trends
//! (同比上升/下降) compare with last year, not with a path through this
//! one: they have no trajectory.

use jiff::civil::Date;

/// How far below its trajectory an actual may be before it counts as behind
/// (and, symmetrically, above it before it counts as ahead).
pub const TRAJECTORY_TOLERANCE: f64 = 0.1;

/// Where an actual stands against its target's trajectory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pace {
    Ahead,
    OnTrack,
    Behind,
}

impl Pace {
    pub fn as_str(self) -> &'static str {
        match self {
            Pace::Ahead => "ahead",
            Pace::OnTrack => "on_track",
            Pace::Behind => "behind",
        }
    }
}

/// Which side of the line a target wants its actual on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// ≥, and = (plans write "竣工150台" for a figure to reach): reach it.
    Floor,
    /// ≤: stay under it.
    Ceiling,
}

impl Direction {
    /// A stored target's `op`; `None` for a trend (up, down).
    pub fn of_op(op: &str) -> Option<Direction> {
        match op {
            ">=" | "=" => Some(Direction::Floor),
            "<=" => Some(Direction::Ceiling),
            _ => None,
        }
    }
}

/// The cumulative figure planned by the end of a day.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Milestone {
    pub due_on: Date,
    pub value: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Trajectory {
    year: i16,
    value: f64,
    direction: Direction,
    /// In date order, all within the year; empty: pro rata by month.
    milestones: Vec<Milestone>,
}

impl Trajectory {
    /// A figure to reach by the end of `year`, pro rata by month.
    pub fn pro_rata(year: i16, value: f64) -> Trajectory {
        Trajectory {
            year,
            value,
            direction: Direction::Floor,
            milestones: Vec::new(),
        }
    }

    /// A stored target's trajectory; `None` for a trend. Milestones outside
    /// the year are left out, and a ceiling takes none (`milestones::parse`
    /// refuses both, so the store holds neither).
    pub fn of_target(
        year: i16,
        op: &str,
        value: f64,
        mut milestones: Vec<Milestone>,
    ) -> Option<Trajectory> {
        let direction = Direction::of_op(op)?;
        milestones.retain(|m| m.due_on.year() == year && direction == Direction::Floor);
        milestones.sort_by_key(|m| m.due_on);
        Some(Trajectory {
            year,
            value,
            direction,
            milestones,
        })
    }

    pub fn year(&self) -> i16 {
        self.year
    }

    pub fn value(&self) -> f64 {
        self.value
    }

    pub fn direction(&self) -> Direction {
        self.direction
    }

    pub fn milestones(&self) -> &[Milestone] {
        &self.milestones
    }

    /// The figure planned by the end of `day`: 0 before the year, the value
    /// after it; a ceiling's is the ceiling all along.
    pub fn planned_at(&self, day: Date) -> f64 {
        if self.direction == Direction::Ceiling {
            return self.value;
        }
        match day.year().cmp(&self.year) {
            std::cmp::Ordering::Less => 0.0,
            std::cmp::Ordering::Greater => self.value,
            std::cmp::Ordering::Equal if self.milestones.is_empty() => {
                let within = f64::from(day.day()) / f64::from(day.days_in_month());
                self.value * (f64::from(day.month() - 1) + within) / 12.0
            }
            std::cmp::Ordering::Equal => {
                let t = f64::from(day.day_of_year());
                let corners = self.corners();
                let mut from = corners[0];
                for &(at, planned) in &corners[1..] {
                    if t <= at {
                        return from.1 + (planned - from.1) * (t - from.0) / (at - from.0);
                    }
                    from = (at, planned);
                }
                self.value
            }
        }
    }

    /// An actual on `day` against the plan: a floor is behind below the
    /// tolerance band and ahead above it; a ceiling is behind above itself
    /// (a line crossed is crossed, there is no band) and never ahead.
    pub fn status(&self, actual: f64, day: Date) -> Pace {
        let planned = self.planned_at(day);
        match self.direction {
            Direction::Ceiling if actual > planned => Pace::Behind,
            Direction::Ceiling => Pace::OnTrack,
            Direction::Floor if actual < planned * (1.0 - TRAJECTORY_TOLERANCE) => Pace::Behind,
            Direction::Floor if actual > planned * (1.0 + TRAJECTORY_TOLERANCE) => Pace::Ahead,
            Direction::Floor => Pace::OnTrack,
        }
    }

    /// The corners of the planned line over the year, for charts: (days
    /// gone, from 0 at the start of January 1 to the year's length at the end
    /// of December 31; the figure planned by then). Straight between corners.
    pub fn corners(&self) -> Vec<(f64, f64)> {
        let end = f64::from(days_in_year(self.year));
        if self.direction == Direction::Ceiling {
            return vec![(0.0, self.value), (end, self.value)];
        }
        let mut corners = vec![(0.0, 0.0)];
        if self.milestones.is_empty() {
            for month in 1..=12_i8 {
                let last = Date::new(self.year, month, 1)
                    .map_or(end, |first| f64::from(first.last_of_month().day_of_year()));
                corners.push((last, self.value * f64::from(month) / 12.0));
            }
            return corners;
        }
        for m in &self.milestones {
            corners.push((f64::from(m.due_on.day_of_year()), m.value));
        }
        if corners.last().is_some_and(|&(at, _)| at < end) {
            corners.push((end, self.value));
        }
        corners
    }
}

/// 365 or 366.
pub fn days_in_year(year: i16) -> i16 {
    Date::new(year, 1, 1).map_or(365, |d| d.days_in_year())
}

#[cfg(test)]
#[path = "trajectory_tests.rs"]
mod tests;
