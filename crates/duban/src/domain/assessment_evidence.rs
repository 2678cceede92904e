//! The rows behind each figure of the assessment: every claim, measure,
//! report period, rectification and target of a unit's assignments, said
//! as counted or not and credited or not, so that each rate can be traced
//! to what it was made of. The rates are counted from these rows and nothing
//! else.

use jiff::civil::Date;

use super::assessment::Figure;
use super::indicators::{Ratio, TargetFigure, measure_on_time, report_lines};
use super::light::Thresholds;
use super::period::Period;

/// One assignment's record as the assessment reads it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AssignmentRecord {
    pub assignment_id: i64,
    pub task: String,
    pub assigned_on: Option<Date>,
    pub claimed_on: Option<Date>,
    pub plan_year: Option<i16>,
    /// The task's or item's own report rhythm; `None`: the office's.
    pub rhythm: crate::domain::period::Rhythm,
    /// (description, deadline, the day it was done)
    pub measures: Vec<(String, Date, Option<Date>)>,
    /// (period, the day it was submitted)
    pub reports: Vec<(Period, Date)>,
    /// (description, deadline, closed, the day the unit answered)
    pub rectifications: Vec<(String, Option<Date>, bool, Option<Date>)>,
    pub targets: Vec<TargetFigure>,
}

/// One row behind a figure.
#[derive(Debug, Clone, PartialEq)]
pub struct Evidence {
    pub figure: Figure,
    pub assignment_id: i64,
    pub task: String,
    /// What the row is, in Chinese (a measure's text, 2021年6月, a target).
    pub item: String,
    /// When it was due, if it has a day.
    pub due: Option<Date>,
    /// When it was done (claimed, reported, answered), if it was.
    pub done: Option<Date>,
    /// Counted in the rate (it was owed by today).
    pub counted: bool,
    /// Counted as done in time (or reached).
    pub credited: bool,
}

/// The rows of one assignment on `today`.
pub fn evidence(r: &AssignmentRecord, today: Date, t: &Thresholds) -> Vec<Evidence> {
    let mut rows = Vec::new();
    let mut row = |figure, item: String, due, done, counted, credited| {
        rows.push(Evidence {
            figure,
            assignment_id: r.assignment_id,
            task: r.task.clone(),
            item,
            due,
            done,
            counted,
            credited,
        });
    };
    if let Some(assigned_on) = r.assigned_on {
        let due = t.calendar.add_working_days(assigned_on, t.claim_days);
        let counted = r.claimed_on.is_some() || today > due;
        let credited = r.claimed_on.is_some_and(|on| on <= due);
        row(
            Figure::Claims,
            "认领".into(),
            Some(due),
            r.claimed_on,
            counted,
            credited,
        );
    }
    for (description, deadline, done_on) in &r.measures {
        let verdict = measure_on_time(*deadline, *done_on, today);
        row(
            Figure::Measures,
            description.clone(),
            Some(*deadline),
            *done_on,
            verdict.is_some(),
            verdict == Some(true),
        );
    }
    // Reports are owed once the work is claimed, as the light rule says;
    // unclaimed work is counted once, as a late claim.
    if let (Some(year), true) = (r.plan_year, r.claimed_on.is_some()) {
        let t = &*t.with_rhythm(r.rhythm);
        for line in report_lines(year, r.assigned_on, &r.reports, today, t) {
            row(
                Figure::Reports,
                super::words::period_zh(line.period),
                Some(line.due),
                line.submitted,
                line.verdict.is_some(),
                line.verdict == Some(true),
            );
        }
    }
    for (description, deadline, closed, answered_on) in &r.rectifications {
        let overdue = deadline.is_some_and(|d| today > d);
        let counted = *closed || overdue;
        let in_time = match (answered_on, deadline) {
            (Some(answered), Some(deadline)) => answered <= deadline,
            (_, None) => true,
            (None, Some(_)) => false,
        };
        row(
            Figure::Rectifications,
            description.clone(),
            *deadline,
            *answered_on,
            counted,
            *closed && in_time,
        );
    }
    for target in &r.targets {
        let item = format!("{} {} {}", target.metric, target.op, target.value);
        row(Figure::Targets, item, None, None, true, target.reached());
    }
    rows
}

/// The rate of one figure over some rows: credited of counted.
pub fn ratio(rows: &[Evidence], figure: Figure) -> Ratio {
    let mine = rows.iter().filter(|e| e.figure == figure && e.counted);
    Ratio {
        of: mine.clone().count(),
        done: mine.filter(|e| e.credited).count(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::indicators::{IndicatorRecord, Rectification, indicators};

    fn d(text: &str) -> Date {
        text.parse().unwrap()
    }

    fn record() -> AssignmentRecord {
        AssignmentRecord {
            assignment_id: 7,
            task: "18、加装电梯".into(),
            assigned_on: Some(d("2021-03-01")),
            claimed_on: Some(d("2021-03-09")),
            plan_year: Some(2021),
            rhythm: crate::domain::period::Rhythm::default(),
            measures: vec![
                ("征询".into(), d("2021-04-30"), Some(d("2021-04-29"))),
                ("开工".into(), d("2021-05-31"), Some(d("2021-06-02"))),
                ("竣工".into(), d("2021-12-31"), None),
            ],
            reports: vec![
                (
                    Period::Month {
                        year: 2021,
                        month: 3,
                    },
                    d("2021-04-08"),
                ),
                (
                    Period::Month {
                        year: 2021,
                        month: 4,
                    },
                    d("2021-05-12"),
                ),
            ],
            rectifications: vec![
                (
                    "台账".into(),
                    Some(d("2021-05-20")),
                    true,
                    Some(d("2021-05-18")),
                ),
                ("进度".into(), Some(d("2021-06-10")), false, None),
                ("宣传".into(), Some(d("2021-07-10")), false, None),
            ],
            targets: Vec::new(),
        }
    }

    #[test]
    fn each_rate_is_counted_from_its_rows() {
        let t = Thresholds::default();
        let rows = evidence(&record(), d("2021-06-15"), &t);
        // Assigned Monday March 1: claim due the 5th working day, March 8;
        // claimed the 9th: late.
        assert_eq!(ratio(&rows, Figure::Claims), Ratio { done: 0, of: 1 });
        // The open December measure is not owed yet.
        assert_eq!(ratio(&rows, Figure::Measures), Ratio { done: 1, of: 2 });
        // March (due April 8) on time, April (due May 11) a day late, May
        // (due June 7) missed; June's window is still open.
        assert_eq!(ratio(&rows, Figure::Reports), Ratio { done: 1, of: 3 });
        // One closed in time, one open past its deadline; July's not due.
        assert_eq!(
            ratio(&rows, Figure::Rectifications),
            Ratio { done: 1, of: 2 }
        );
    }

    #[test]
    fn measures_and_reports_agree_with_the_indicators_beside_the_evaluations() {
        let t = Thresholds::default();
        let r = record();
        let today = d("2021-06-15");
        let rows = evidence(&r, today, &t);
        let shown = indicators(
            &IndicatorRecord {
                assigned_on: r.assigned_on,
                plan_year: r.plan_year,
                rhythm: r.rhythm,
                measures: r
                    .measures
                    .iter()
                    .map(|(_, due, done)| (*due, *done))
                    .collect(),
                reports: r.reports.clone(),
                rectifications: vec![Rectification {
                    deadline: None,
                    closed: true,
                    answered_on: None,
                }],
                targets: Vec::new(),
            },
            today,
            &t,
        );
        assert_eq!(ratio(&rows, Figure::Measures), shown.measures_on_time);
        assert_eq!(ratio(&rows, Figure::Reports), shown.reports_on_time);
    }
}
