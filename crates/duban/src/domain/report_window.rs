//! Which progress reports an assignment owes on a given day: the same rule
//! the light reads (a window opens `report_grace_days` working days before a
//! period ends and closes that many working days after it; a report still
//! missing then is missed), so the unit's list of reports due, its light and
//! its reminders never disagree.

use jiff::civil::Date;

use super::light::Thresholds;
use super::period::Period;

/// A report the unit owes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Owed {
    pub period: Period,
    /// The last day it is on time.
    pub due: Date,
    /// Past its due day and still not reported.
    pub missed: bool,
}

/// The periods of `year` by how often units report (`Thresholds`), with
/// the day each ends.
pub fn periods(year: i16, t: &Thresholds) -> Vec<(Period, Date)> {
    t.report_period.periods(year)
}

/// The reports owed on `today`, oldest first: periods whose window is open
/// and not yet reported, and periods missed. Periods that ended before the
/// unit took the task on are not owed.
pub fn owed(
    year: i16,
    assigned_on: Date,
    reported: &[Period],
    today: Date,
    t: &Thresholds,
) -> Vec<Owed> {
    periods(year, t)
        .into_iter()
        .filter(|(period, end)| *end >= t.owed_from(assigned_on) && !is_reported(*period, reported))
        .filter_map(|(period, end)| {
            let (opens, due) = window(end, t);
            (today >= opens).then_some(Owed {
                period,
                due,
                missed: today > due,
            })
        })
        .collect()
}

/// The first day a period must end on or after to be owed: the work's
/// assignment, or the later change of its rhythm (`Rhythm::since`).
pub fn owed_from(assigned_on: Date, rhythm_since: Option<Date>) -> Date {
    rhythm_since.map_or(assigned_on, |since| since.max(assigned_on))
}

/// Whether `period` has its report: one for the period itself, or, where
/// the rhythm changed during the year (a monthly item made weekly), a report
/// of the earlier rhythm whose period holds this one's last day. Without
/// the second half, a change of rhythm would turn the months already
/// reported into missed weeks.
pub fn is_reported(period: Period, reported: &[Period]) -> bool {
    let end = period.last_day();
    reported.iter().any(|r| {
        *r == period
            || (r.frequency() != period.frequency()
                && r.bounds()
                    .is_some_and(|(first, last)| first <= end && end <= last))
    })
}

/// The day a period's window opens and the last day its report is on time.
pub fn window(end: Date, t: &Thresholds) -> (Date, Date) {
    (
        t.calendar.add_working_days(end, -t.report_grace_days),
        t.calendar.add_working_days(end, t.report_grace_days),
    )
}

/// The period a report written on `today` is for: the oldest whose window
/// is open (opened and not past its due day: the report due soonest; weekly
/// windows overlap, last week's still open when this week's opens), else
/// the latest that has ended; `None` before the year's first period ends.
pub fn current(year: i16, today: Date, t: &Thresholds) -> Option<Period> {
    let all = periods(year, t);
    let open = all.iter().find(|(_, end)| {
        let (opens, due) = window(*end, t);
        opens <= today && today <= due
    });
    open.or_else(|| all.iter().rev().find(|(_, end)| *end < today))
        .map(|(period, _)| *period)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> Date {
        text.parse().unwrap()
    }

    fn month(m: u8) -> Period {
        Period::Month {
            year: 2021,
            month: m,
        }
    }

    #[test]
    fn a_window_opens_before_the_month_ends_and_is_missed_after_the_grace_days() {
        let t = Thresholds::default(); // 5 grace days, monthly
        let assigned = date("2021-05-10");
        // Mid-June: May's report was due June 7 (5 working days after May 31);
        // June's window is not open yet.
        let owed_now = owed(2021, assigned, &[], date("2021-06-15"), &t);
        assert_eq!(
            owed_now,
            vec![Owed {
                period: month(5),
                due: date("2021-06-07"),
                missed: true
            }]
        );
        // June's window opens June 23, 5 working days before June 30.
        assert!(owed(2021, assigned, &[month(5)], date("2021-06-22"), &t).is_empty());
        // June 26: June's window is open, due July 7, not missed.
        let owed_late_june = owed(2021, assigned, &[month(5)], date("2021-06-26"), &t);
        assert_eq!(
            owed_late_june,
            vec![Owed {
                period: month(6),
                due: date("2021-07-07"),
                missed: false
            }]
        );
        // Reported: nothing owed.
        assert!(
            owed(
                2021,
                assigned,
                &[month(5), month(6)],
                date("2021-06-26"),
                &t
            )
            .is_empty()
        );
    }

    #[test]
    fn a_rhythm_changed_mid_year_owes_only_from_the_change() {
        let week = |week| Period::Week { year: 2021, week };
        let weekly = |since: Option<Date>| Thresholds {
            report_period: crate::domain::period::Frequency::Weekly,
            rhythm_since: since,
            ..Thresholds::default()
        };
        // Monthly to May, made weekly on Wednesday June 16. On the 21st the
        // first week owed is the 24th (June 14–20), in its window.
        let reported = [month(3), month(4), month(5)];
        let changed = weekly(Some(date("2021-06-16")));
        let owed_now = owed(
            2021,
            date("2021-03-01"),
            &reported,
            date("2021-06-21"),
            &changed,
        );
        assert_eq!(owed_now.first().map(|o| o.period), Some(week(24)));
        assert!(owed_now.iter().all(|o| !o.missed), "{owed_now:?}");
        // Without the day of the change, every week of June before it would
        // be missed at once.
        let from_the_start = owed(
            2021,
            date("2021-03-01"),
            &reported,
            date("2021-06-21"),
            &weekly(None),
        );
        assert!(
            from_the_start
                .iter()
                .any(|o| o.period == week(22) && o.missed)
        );
    }

    #[test]
    fn the_current_week_is_the_one_due_soonest() {
        let t = Thresholds {
            report_period: crate::domain::period::Frequency::Weekly,
            ..Thresholds::default()
        };
        let week = |week| Period::Week { year: 2021, week };
        // Wednesday March 10: week 9's window (due Friday 12th) and week
        // 10's (opened Monday 8th) are both open; week 9 is due first.
        assert_eq!(current(2021, date("2021-03-10"), &t), Some(week(9)));
        // Monday 15th: week 9 has closed; week 10 is due on the 19th.
        assert_eq!(current(2021, date("2021-03-15"), &t), Some(week(10)));
    }

    #[test]
    fn reports_of_an_earlier_rhythm_count_for_the_periods_they_cover() {
        let week = |week| Period::Week { year: 2021, week };
        // Made weekly after March was reported monthly: weeks ending in
        // March are reported, the week ending April 4 is not.
        let reported = [month(3)];
        assert!(is_reported(week(12), &reported), "March 22–28");
        assert!(!is_reported(week(13), &reported), "March 29–April 4");
        // Made monthly after weekly reports: a month counts when the week
        // holding its last day was reported.
        assert!(is_reported(month(3), &[week(12), week(13)]));
        assert!(!is_reported(month(3), &[week(12)]));
        // Within one rhythm only the period itself counts.
        assert!(!is_reported(month(4), &[month(3)]));
        // And the owed list reads it: weekly from March 22 with March filed.
        let t = Thresholds {
            report_period: crate::domain::period::Frequency::Weekly,
            ..Thresholds::default()
        };
        let owed_now = owed(2021, date("2021-03-22"), &reported, date("2021-04-06"), &t);
        assert_eq!(
            owed_now.iter().map(|o| o.period).collect::<Vec<_>>(),
            vec![week(13), week(14)]
        );
    }

    #[test]
    fn the_current_period_is_the_open_window_else_the_last_ended() {
        let t = Thresholds::default();
        // June 15: May's window closed June 7, June's opens June 23.
        assert_eq!(current(2021, date("2021-06-15"), &t), Some(month(5)));
        // June 28: June's window is open (May's long closed).
        assert_eq!(current(2021, date("2021-06-28"), &t), Some(month(6)));
        // July 2: only June's window is open (July's opens late in July).
        assert_eq!(current(2021, date("2021-07-02"), &t), Some(month(6)));
        // January 10: nothing of 2021 has ended yet.
        assert_eq!(current(2021, date("2021-01-10"), &t), None);
    }

    #[test]
    fn periods_before_the_assignment_are_not_owed_and_quarters_follow_the_setting() {
        let t = Thresholds {
            report_period: crate::domain::period::Frequency::Quarterly,
            ..Thresholds::default()
        };
        let owed_now = owed(2021, date("2021-04-02"), &[], date("2021-07-03"), &t);
        assert_eq!(
            owed_now.len(),
            1,
            "Q1 ended before the assignment: {owed_now:?}"
        );
        assert_eq!(
            owed_now[0].period,
            Period::Quarter {
                year: 2021,
                quarter: 2
            }
        );
        assert!(!owed_now[0].missed, "Q2 is due on July 7");
    }
}
