//! Why an assignment is red (滞后): the red branches of the light rule
//! (`light::assignment_light`), named one by one so that a bulletin can say
//! what the record shows: the measure past its deadline, the report missed,
//! the rectification overdue, the plan year over.

use jiff::civil::Date;

use super::assignment::State;
use super::light::{Record, Thresholds};
use super::period::Period;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RedReason {
    /// The plan year ended and the work is not verified.
    YearOver { year: i16 },
    /// The deadline in force (the task's own, or a granted extension) passed
    /// with the work neither verified nor declared done.
    DeadlinePassed { deadline: Date },
    /// A measure not done by its deadline.
    OverdueMeasure { deadline: Date },
    /// A rectification still open past its deadline.
    OverdueRectification { deadline: Date },
    /// A period's report missing past its due day.
    MissedReport { period: Period, due: Date },
}

impl RedReason {
    /// The code kept in the light history (`red_spans.reason`).
    pub fn code(&self) -> &'static str {
        match self {
            RedReason::YearOver { .. } => "year_over",
            RedReason::DeadlinePassed { .. } => "deadline_passed",
            RedReason::OverdueMeasure { .. } => "overdue_measure",
            RedReason::OverdueRectification { .. } => "overdue_rectification",
            RedReason::MissedReport { .. } => "missed_report",
        }
    }
}

/// Every reason the rule has to light the assignment red on `today`, in the
/// order the rule reads them; empty exactly when the light is not red.
pub fn red_reasons(record: &Record, today: Date, t: &Thresholds) -> Vec<RedReason> {
    if record.state == State::Verified {
        return Vec::new();
    }
    if super::light::past_deadline(record.state, record.plan_year, record.deadline, today) {
        let year_end = record.plan_year.and_then(|y| Date::new(y, 12, 31).ok());
        return match (record.deadline, record.plan_year) {
            // A deadline of the year's last day reads as the year being over.
            (Some(deadline), _) if Some(deadline) != year_end => {
                vec![RedReason::DeadlinePassed { deadline }]
            }
            (_, Some(year)) => vec![RedReason::YearOver { year }],
            (deadline, None) => deadline
                .map(|deadline| RedReason::DeadlinePassed { deadline })
                .into_iter()
                .collect(),
        };
    }
    if record.state == State::Assigned {
        return Vec::new();
    }
    let mut reasons: Vec<RedReason> = record
        .measures
        .iter()
        .filter(|&&(deadline, done)| !done && today > deadline)
        .map(|&(deadline, _)| RedReason::OverdueMeasure { deadline })
        .collect();
    reasons.extend(record.open_findings.iter().filter_map(|&(rect, deadline)| {
        let deadline = deadline.filter(|d| rect && today > *d)?;
        Some(RedReason::OverdueRectification { deadline })
    }));
    if let Some(year) = record.plan_year {
        let t = &*t.with_rhythm(record.rhythm);
        let owed = super::report_window::owed(year, record.assigned_on, &record.reported, today, t);
        reasons.extend(
            owed.iter()
                .filter(|o| o.missed)
                .map(|o| RedReason::MissedReport {
                    period: o.period,
                    due: o.due,
                }),
        );
    }
    reasons
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::light::{Light, assignment_light};

    fn date(text: &str) -> Date {
        text.parse().unwrap()
    }

    fn june() -> Period {
        Period::Month {
            year: 2021,
            month: 6,
        }
    }

    #[test]
    fn each_red_branch_is_named_and_none_when_not_red() {
        let t = Thresholds::default();
        let mut r = Record {
            state: State::InProgress,
            assigned_on: date("2021-03-01"),
            measures: vec![(date("2021-06-15"), true), (date("2021-07-05"), false)],
            reported: (3..=5)
                .map(|month| Period::Month { year: 2021, month })
                .collect(),
            open_findings: vec![(true, Some(date("2021-07-20"))), (false, None)],
            targets: Vec::new(),
            plan_year: Some(2021),
            deadline: None,
            last_red: None,
            rhythm: crate::domain::period::Rhythm::default(),
        };
        let check = |r: &Record, day: &str, want: Vec<RedReason>| {
            let reasons = red_reasons(r, date(day), &t);
            assert_eq!(reasons, want, "{day}");
            let red = assignment_light(r, date(day), &t) == Light::Red;
            assert_eq!(red, !reasons.is_empty(), "the rule agrees on {day}");
        };
        check(&r, "2021-07-05", vec![]);
        let measure = RedReason::OverdueMeasure {
            deadline: date("2021-07-05"),
        };
        check(&r, "2021-07-06", vec![measure]);
        // June's report is due on the 5th working day of July.
        let missed = RedReason::MissedReport {
            period: june(),
            due: date("2021-07-07"),
        };
        check(&r, "2021-07-08", vec![measure, missed]);
        let rectification = RedReason::OverdueRectification {
            deadline: date("2021-07-20"),
        };
        r.reported.push(june());
        check(&r, "2021-07-21", vec![measure, rectification]);
        check(&r, "2022-01-01", vec![RedReason::YearOver { year: 2021 }]);
        r.state = State::Verified;
        check(&r, "2022-01-01", vec![]);
        r.state = State::Assigned;
        r.measures.clear();
        check(&r, "2021-07-21", vec![]);
        r.deadline = Some(date("2021-07-20"));
        let deadline = RedReason::DeadlinePassed {
            deadline: date("2021-07-20"),
        };
        check(&r, "2021-07-21", vec![deadline]);
        r.deadline = Some(date("2021-12-31"));
        check(&r, "2022-01-01", vec![RedReason::YearOver { year: 2021 }]);
    }
}
