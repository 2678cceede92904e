//! The record-derived indicators shown beside each dimension of an
//! evaluation: how much of the unit's own record was on time. A pure function
//! of the record and the day, so an evaluator sees the same figures the rule
//! would give anyone else.

use jiff::civil::Date;

use super::light::Thresholds;
use super::period::Period;
use super::report_window;

/// What the indicators read of one assignment.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct IndicatorRecord {
    pub assigned_on: Option<Date>,
    pub plan_year: Option<i16>,
    /// The task's or item's own report rhythm; `None`: the office's.
    pub rhythm: crate::domain::period::Rhythm,
    /// (deadline, the day it was marked done)
    pub measures: Vec<(Date, Option<Date>)>,
    /// (period, the day it was submitted)
    pub reports: Vec<(Period, Date)>,
    pub rectifications: Vec<Rectification>,
    pub targets: Vec<TargetFigure>,
}

/// A rectification finding as the indicators see it.
#[derive(Debug, Clone, PartialEq)]
pub struct Rectification {
    pub deadline: Option<Date>,
    pub closed: bool,
    /// The day of the unit's (latest) answer, if it answered.
    pub answered_on: Option<Date>,
}

/// A target with a figure and what was last reported against it.
#[derive(Debug, Clone, PartialEq)]
pub struct TargetFigure {
    pub metric: String,
    /// >=, <=, =, up or down.
    pub op: String,
    pub value: f64,
    pub unit: Option<String>,
    pub actual: Option<f64>,
}

impl TargetFigure {
    /// Reached when the latest actual is on the right side of the value.
    pub fn reached(&self) -> bool {
        match (self.op.as_str(), self.actual) {
            (_, None) => false,
            ("<=" | "down", Some(actual)) => actual <= self.value,
            (_, Some(actual)) => actual >= self.value,
        }
    }
}

/// `done` out of `of`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Ratio {
    pub done: usize,
    pub of: usize,
}

impl Ratio {
    /// Counts one item's verdict: `None` is not owed yet, `Some(in_time)` is.
    pub fn add(&mut self, verdict: Option<bool>) {
        if let Some(in_time) = verdict {
            self.of += 1;
            if in_time {
                self.done += 1;
            }
        }
    }

    /// Whole percent, none when nothing was owed.
    pub fn percent(&self) -> Option<usize> {
        (self.of > 0).then(|| (self.done * 100 + self.of / 2) / self.of)
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Indicators {
    /// Measures done by their deadline / measures due (deadline passed, or done).
    pub measures_on_time: Ratio,
    /// Periods reported within the grace days / periods owed so far.
    pub reports_on_time: Ratio,
    /// Rectifications closed / raised.
    pub rectifications_closed: Ratio,
    /// Closed ones answered by their deadline / rectifications closed.
    pub rectifications_closed_on_time: Ratio,
    /// Targets whose latest actual reaches the value / targets with a value.
    pub targets_reached: Ratio,
    pub targets: Vec<TargetFigure>,
}

/// A measure on `today`: not owed (`None`) while it is not due and not done;
/// else whether it was done by its deadline.
pub fn measure_on_time(deadline: Date, done_on: Option<Date>, today: Date) -> Option<bool> {
    (done_on.is_some() || deadline < today).then(|| done_on.is_some_and(|d| d <= deadline))
}

/// One report period as the indicators and the assessment count it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReportLine {
    pub period: Period,
    /// The last day it is on time (the window rule's due day).
    pub due: Date,
    pub submitted: Option<Date>,
    /// Not owed yet (`None`: its window is still open and nothing came), or
    /// whether it came by its due day.
    pub verdict: Option<bool>,
}

/// Each period of `year` that ended on or after the assignment (the same
/// periods the light rule and the report windows read), with its verdict.
pub fn report_lines(
    year: i16,
    assigned_on: Option<Date>,
    reports: &[(Period, Date)],
    today: Date,
    t: &Thresholds,
) -> Vec<ReportLine> {
    report_window::periods(year, t)
        .into_iter()
        .filter(|(_, end)| assigned_on.is_none_or(|on| *end >= t.owed_from(on)))
        .map(|(period, end)| {
            let (_, due) = report_window::window(end, t);
            // A report of an earlier rhythm that covers the period counts,
            // as the light reads it (`report_window::is_reported`).
            let submitted = reports
                .iter()
                .find(|(p, _)| report_window::is_reported(period, std::slice::from_ref(p)))
                .map(|&(_, on)| on);
            let owed = submitted.is_some() || today > due;
            ReportLine {
                period,
                due,
                submitted,
                verdict: owed.then(|| submitted.is_some_and(|on| on <= due)),
            }
        })
        .collect()
}

/// The indicators of one record on `today`. Reports are owed for each period
/// of the plan year (months, or quarters by the thresholds' report rhythm) that ended
/// on or after the assignment and whose grace days have run out, and for any
/// period already reported; a report is on time when it came by the period's
/// end plus the grace working days (`report_window::window`).
pub fn indicators(record: &IndicatorRecord, today: Date, t: &Thresholds) -> Indicators {
    let mut measures = Ratio::default();
    for &(deadline, done_on) in &record.measures {
        measures.add(measure_on_time(deadline, done_on, today));
    }

    let mut reports = Ratio::default();
    if let Some(year) = record.plan_year {
        let t = &*t.with_rhythm(record.rhythm);
        for line in report_lines(year, record.assigned_on, &record.reports, today, t) {
            reports.add(line.verdict);
        }
    }

    let mut closed = Ratio::default();
    let mut closed_on_time = Ratio::default();
    for r in &record.rectifications {
        closed.of += 1;
        if r.closed {
            closed.done += 1;
            closed_on_time.of += 1;
            let in_time = match (r.answered_on, r.deadline) {
                (Some(answered), Some(deadline)) => answered <= deadline,
                // Closed without a deadline to miss.
                (_, None) => true,
                (None, Some(_)) => false,
            };
            if in_time {
                closed_on_time.done += 1;
            }
        }
    }

    let targets_reached = Ratio {
        done: record.targets.iter().filter(|t| t.reached()).count(),
        of: record.targets.len(),
    };
    Indicators {
        measures_on_time: measures,
        reports_on_time: reports,
        rectifications_closed: closed,
        rectifications_closed_on_time: closed_on_time,
        targets_reached,
        targets: record.targets.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 5 grace days, monthly reports (the defaults).
    fn monthly() -> Thresholds {
        Thresholds::default()
    }

    fn quarterly() -> Thresholds {
        Thresholds {
            report_period: crate::domain::period::Frequency::Quarterly,
            ..Thresholds::default()
        }
    }

    fn d(text: &str) -> Date {
        text.parse().unwrap()
    }

    fn month(m: u8) -> Period {
        Period::Month {
            year: 2021,
            month: m,
        }
    }

    fn record() -> IndicatorRecord {
        IndicatorRecord {
            assigned_on: Some(d("2021-03-10")),
            plan_year: Some(2021),
            ..IndicatorRecord::default()
        }
    }

    fn target(op: &str, value: f64, actual: Option<f64>) -> TargetFigure {
        TargetFigure {
            metric: "加装电梯新开工".into(),
            op: op.into(),
            value,
            unit: Some("台".into()),
            actual,
        }
    }

    #[test]
    fn an_empty_record_owes_the_periods_that_closed() {
        let got = indicators(&record(), d("2021-06-15"), &monthly());
        assert_eq!(got.measures_on_time, Ratio { done: 0, of: 0 });
        // March, April, May closed with their grace days; June is still open.
        assert_eq!(got.reports_on_time, Ratio { done: 0, of: 3 });
        assert_eq!(got.rectifications_closed, Ratio::default());
        assert_eq!(got.targets_reached, Ratio::default());
        assert_eq!(got.measures_on_time.percent(), None);
        let no_year = IndicatorRecord::default();
        assert_eq!(
            indicators(&no_year, d("2021-06-15"), &monthly()).reports_on_time,
            Ratio::default()
        );
    }

    #[test]
    fn all_on_time() {
        let mut r = record();
        r.measures = vec![
            (d("2021-04-30"), Some(d("2021-04-28"))),
            (d("2021-12-31"), Some(d("2021-06-01"))),
            (d("2021-12-31"), None),
        ];
        r.reports = vec![
            (month(3), d("2021-04-02")),
            (month(4), d("2021-05-05")),
            (month(5), d("2021-06-03")),
        ];
        r.rectifications = vec![Rectification {
            deadline: Some(d("2021-05-20")),
            closed: true,
            answered_on: Some(d("2021-05-18")),
        }];
        let got = indicators(&r, d("2021-06-15"), &monthly());
        assert_eq!(got.measures_on_time, Ratio { done: 2, of: 2 });
        assert_eq!(got.reports_on_time, Ratio { done: 3, of: 3 });
        assert_eq!(got.rectifications_closed, Ratio { done: 1, of: 1 });
        assert_eq!(got.rectifications_closed_on_time, Ratio { done: 1, of: 1 });
        assert_eq!(got.reports_on_time.percent(), Some(100));
    }

    #[test]
    fn some_late() {
        let mut r = record();
        r.measures = vec![
            (d("2021-04-30"), Some(d("2021-05-03"))),
            (d("2021-05-31"), None),
            (d("2021-05-31"), Some(d("2021-05-31"))),
        ];
        r.reports = vec![(month(3), d("2021-04-09")), (month(4), d("2021-05-11"))];
        r.rectifications = vec![
            Rectification {
                deadline: Some(d("2021-05-20")),
                closed: true,
                answered_on: Some(d("2021-05-25")),
            },
            Rectification {
                deadline: Some(d("2021-06-30")),
                closed: false,
                answered_on: None,
            },
        ];
        let got = indicators(&r, d("2021-06-15"), &monthly());
        assert_eq!(got.measures_on_time, Ratio { done: 1, of: 3 });
        // March was due April 8 (five working days after the 31st, past 清明
        // April 3–5) and came the 9th; April's was due May 11 (past the May
        // holiday, with Saturday the 8th worked) and came that day; May never.
        assert_eq!(got.reports_on_time, Ratio { done: 1, of: 3 });
        assert_eq!(got.rectifications_closed, Ratio { done: 1, of: 2 });
        assert_eq!(got.rectifications_closed_on_time, Ratio { done: 0, of: 1 });
        assert_eq!(got.measures_on_time.percent(), Some(33));
        // Quarterly: Q1 ends March 31, after the assignment, so it is owed;
        // it was reported by month, not as a quarter. Q2's window is open.
        let quarterly = indicators(&r, d("2021-06-15"), &quarterly());
        assert_eq!(quarterly.reports_on_time, Ratio { done: 0, of: 1 });
    }

    #[test]
    fn targets_reached_or_not() {
        let mut r = record();
        r.targets = vec![
            target(">=", 185.0, Some(190.0)),
            target(">=", 185.0, Some(120.0)),
            target("<=", 10.0, Some(8.0)),
            target("=", 3.0, None),
        ];
        let got = indicators(&r, d("2021-06-15"), &monthly());
        assert_eq!(got.targets_reached, Ratio { done: 2, of: 4 });
        assert_eq!(
            got.targets
                .iter()
                .map(TargetFigure::reached)
                .collect::<Vec<_>>(),
            [true, false, true, false]
        );
    }
}
