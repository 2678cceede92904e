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

/// The most milestones one target takes: twice a month.
pub const MAX_MILESTONES: usize = 24;

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
    /// the year are left out, and a ceiling takes none (`parse_milestones`
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

/// Why the milestones typed for a target are refused; `line` counts from 1.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum MilestoneError {
    #[error("line {line}: write a date and a figure, such as {year}-06-30 80")]
    Unreadable { line: usize, year: i16 },
    #[error("line {line}: a figure is not negative")]
    Negative { line: usize },
    #[error("line {line}: {day} is outside the plan year {year}")]
    OutsideYear { line: usize, day: Date, year: i16 },
    #[error("line {line}: {day} is given twice")]
    Twice { line: usize, day: Date },
    #[error("line {line}: {figure} is less than {previous}, planned by an earlier date")]
    Decreasing {
        line: usize,
        figure: f64,
        previous: f64,
    },
    #[error("line {line}: {figure} is more than the target {value}")]
    AboveTarget {
        line: usize,
        figure: f64,
        value: f64,
    },
    #[error("line {line}: by December 31 the plan is the target itself, {value}")]
    YearEnd { line: usize, value: f64 },
    #[error("a ceiling (≤) is not to be crossed all year: it takes no milestones")]
    Ceiling,
    #[error("this target has no figure to reach: it takes no milestones")]
    NoFigure,
    #[error("at most 24 milestones")]
    TooMany,
}

/// The milestones the office typed for a target of plan `year`, one a line
/// (`2021-06-30 80`; `2021/6/30`, commas and a `≥` are read too), in any
/// order, checked: dates within the year, each once; figures not negative,
/// not above the value and not decreasing with time (they are cumulative);
/// a milestone on December 31 is the value itself. Empty text clears them
/// (the trajectory is pro rata again).
pub fn parse_milestones(
    text: &str,
    year: i16,
    op: &str,
    value: Option<f64>,
) -> Result<Vec<Milestone>, MilestoneError> {
    let lines: Vec<(usize, &str)> = text
        .lines()
        .enumerate()
        .map(|(i, line)| (i + 1, line.trim()))
        .filter(|(_, line)| !line.is_empty())
        .collect();
    if lines.is_empty() {
        return Ok(Vec::new());
    }
    let value = match (Direction::of_op(op), value) {
        (Some(Direction::Ceiling), _) => return Err(MilestoneError::Ceiling),
        (Some(Direction::Floor), Some(value)) => value,
        _ => return Err(MilestoneError::NoFigure),
    };
    if lines.len() > MAX_MILESTONES {
        return Err(MilestoneError::TooMany);
    }
    let mut read: Vec<(usize, Milestone)> = Vec::new();
    for (line, text) in lines {
        let (day, figure) = read_line(text).ok_or(MilestoneError::Unreadable { line, year })?;
        if figure < 0.0 {
            return Err(MilestoneError::Negative { line });
        }
        if day.year() != year {
            return Err(MilestoneError::OutsideYear { line, day, year });
        }
        if figure > value {
            return Err(MilestoneError::AboveTarget {
                line,
                figure,
                value,
            });
        }
        if day.month() == 12 && day.day() == 31 && figure != value {
            return Err(MilestoneError::YearEnd { line, value });
        }
        read.push((
            line,
            Milestone {
                due_on: day,
                value: figure,
            },
        ));
    }
    read.sort_by_key(|(line, m)| (m.due_on, *line));
    for pair in read.windows(2) {
        let ((_, before), (line, m)) = (pair[0], pair[1]);
        if m.due_on == before.due_on {
            return Err(MilestoneError::Twice {
                line,
                day: m.due_on,
            });
        }
        if m.value < before.value {
            return Err(MilestoneError::Decreasing {
                line,
                figure: m.value,
                previous: before.value,
            });
        }
    }
    Ok(read.into_iter().map(|(_, m)| m).collect())
}

/// `2021-06-30 80`, `2021/6/30，80`, `2021-06-30 ≥ 80`.
fn read_line(text: &str) -> Option<(Date, f64)> {
    let words: Vec<&str> = text
        .split(|c: char| c.is_whitespace() || matches!(c, ',' | '，' | '≥' | ':' | '：'))
        .filter(|w| !w.is_empty() && *w != ">=")
        .collect();
    let [day, figure] = words.as_slice() else {
        return None;
    };
    let figure: f64 = figure.parse().ok().filter(|f: &f64| f.is_finite())?;
    Some((read_date(day)?, figure))
}

/// YYYY-MM-DD, YYYY-M-D or YYYY/M/D.
fn read_date(text: &str) -> Option<Date> {
    let parts: Vec<&str> = text.split(['-', '/']).collect();
    let [year, month, day] = parts.as_slice() else {
        return None;
    };
    if year.len() != 4 || month.is_empty() || month.len() > 2 || day.is_empty() || day.len() > 2 {
        return None;
    }
    Date::new(year.parse().ok()?, month.parse().ok()?, day.parse().ok()?).ok()
}

#[cfg(test)]
#[path = "trajectory_tests.rs"]
mod tests;
