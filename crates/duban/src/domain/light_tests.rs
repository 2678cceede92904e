//! The light rule on hand-built cases: claims, measures, reports, findings,
//! targets, the deadline in force, and lights that remember a red period.

use super::*;
use crate::domain::trajectory::Milestone;

fn date(text: &str) -> Date {
    text.parse().unwrap()
}

fn record(state: State) -> Record {
    Record {
        state,
        assigned_on: date("2021-03-01"),
        measures: Vec::new(),
        reported: Vec::new(),
        open_findings: Vec::new(),
        targets: Vec::new(),
        plan_year: Some(2021),
        deadline: None,
        last_red: None,
        rhythm: crate::domain::period::Rhythm::default(),
    }
}

fn months(from: u8, to: u8) -> Vec<Period> {
    (from..=to)
        .map(|month| Period::Month { year: 2021, month })
        .collect()
}

#[test]
fn unclaimed_work_warns_after_the_grace_days() {
    let t = Thresholds::default();
    let r = record(State::Assigned);
    // Assigned Monday March 1: five working days run to Monday March 8.
    assert_eq!(assignment_light(&r, date("2021-03-08"), &t), Light::Green);
    assert_eq!(assignment_light(&r, date("2021-03-09"), &t), Light::Yellow);
    assert_eq!(
        assignment_light(&r, date("2022-01-02"), &t),
        Light::Red,
        "the plan year is over"
    );
    assert_eq!(
        assignment_light(&record(State::Verified), date("2022-01-02"), &t),
        Light::Done
    );
}

#[test]
fn measures_reports_findings_and_targets() {
    let t = Thresholds::default();
    let mut r = record(State::InProgress);
    r.reported = months(3, 5);
    assert_eq!(assignment_light(&r, date("2021-06-10"), &t), Light::Green);
    r.measures = vec![(date("2021-06-23"), false)];
    assert_eq!(
        assignment_light(&r, date("2021-06-10"), &t),
        Light::Green,
        "June 23 is 8 working days after June 10 (June 14 is 端午)"
    );
    r.measures = vec![(date("2021-06-22"), false)];
    assert_eq!(
        assignment_light(&r, date("2021-06-10"), &t),
        Light::Yellow,
        "June 22 is 7: due within 7 working days"
    );
    r.measures = vec![(date("2021-06-15"), false)];
    assert_eq!(
        assignment_light(&r, date("2021-06-16"), &t),
        Light::Red,
        "overdue"
    );
    r.measures = vec![(date("2021-06-15"), true)];
    assert_eq!(
        assignment_light(&r, date("2021-06-28"), &t),
        Light::Yellow,
        "June's report window closing"
    );
    assert_eq!(
        assignment_light(&r, date("2021-07-07"), &t),
        Light::Yellow,
        "June's report is due on the 5th working day of July, the 7th"
    );
    assert_eq!(
        assignment_light(&r, date("2021-07-08"), &t),
        Light::Red,
        "June's report missed"
    );
    r.reported = months(3, 6);
    r.open_findings = vec![(true, Some(date("2021-07-15")))];
    assert_eq!(
        assignment_light(&r, date("2021-07-10"), &t),
        Light::Yellow,
        "an open finding"
    );
    assert_eq!(
        assignment_light(&r, date("2021-07-16"), &t),
        Light::Red,
        "a rectification overdue"
    );
    r.open_findings.clear();
    let lifts = Trajectory::pro_rata(2021, 185.0);
    r.targets = vec![(lifts.clone(), Some(40.0))];
    assert_eq!(
        assignment_light(&r, date("2021-07-10"), &t),
        Light::Yellow,
        "40 of 185 by July"
    );
    r.targets = vec![(lifts, Some(120.0))];
    assert_eq!(assignment_light(&r, date("2021-07-10"), &t), Light::Green);
    // With milestones (80 by June 30, 140 by September 30) 75 is on
    // track in June and behind by mid-August (110 planned).
    let milestones = [("2021-06-30", 80.0), ("2021-09-30", 140.0)]
        .map(|(day, value)| Milestone {
            due_on: date(day),
            value,
        })
        .to_vec();
    let lifts = Trajectory::of_target(2021, ">=", 185.0, milestones).unwrap();
    r.targets = vec![(lifts, Some(75.0))];
    assert_eq!(assignment_light(&r, date("2021-06-30"), &t), Light::Green);
    r.reported = months(3, 7);
    assert_eq!(assignment_light(&r, date("2021-08-16"), &t), Light::Yellow);
    r.targets[0].1 = Some(110.0);
    assert_eq!(assignment_light(&r, date("2021-08-16"), &t), Light::Green);
    // A ceiling (事故数 ≤ 5) turns yellow once above its line, not before.
    let ceiling = Trajectory::of_target(2021, "<=", 5.0, Vec::new()).unwrap();
    r.targets = vec![(ceiling.clone(), Some(0.0))];
    assert_eq!(assignment_light(&r, date("2021-08-16"), &t), Light::Green);
    r.targets = vec![(ceiling, Some(6.0))];
    assert_eq!(assignment_light(&r, date("2021-08-16"), &t), Light::Yellow);
}

#[test]
fn the_deadline_in_force_turns_the_light_red() {
    let t = Thresholds::default();
    let mut r = record(State::InProgress);
    r.reported = months(3, 6);
    r.deadline = Some(date("2021-06-30"));
    assert_eq!(assignment_light(&r, date("2021-06-30"), &t), Light::Green);
    assert_eq!(
        assignment_light(&r, date("2021-07-01"), &t),
        Light::Red,
        "the task's own deadline passed"
    );
    r.deadline = Some(date("2021-08-31"));
    assert_eq!(
        assignment_light(&r, date("2021-07-01"), &t),
        Light::Green,
        "an extension to August 31 is the deadline in force"
    );
    r.deadline = Some(date("2021-06-30"));
    r.state = State::Done;
    assert_eq!(
        assignment_light(&r, date("2021-07-01"), &t),
        Light::Green,
        "declared done and waiting for review: the office holds it"
    );
    assert_eq!(
        assignment_light(&r, date("2022-01-01"), &t),
        Light::Red,
        "not verified when the year ended"
    );
    r.state = State::Claimed;
    r.deadline = Some(date("2022-03-31"));
    assert!(
        !past_deadline(r.state, r.plan_year, r.deadline, date("2022-01-05")),
        "an extension past the year end holds"
    );
    assert!(past_deadline(
        r.state,
        r.plan_year,
        r.deadline,
        date("2022-04-01")
    ));
    r.state = State::Verified;
    assert_eq!(assignment_light(&r, date("2022-04-01"), &t), Light::Done);
}

#[test]
fn a_red_period_turns_yellow_not_green_when_the_unit_catches_up() {
    let t = Thresholds::default();
    let mut r = record(State::InProgress);
    // April's report was due May 11 and is missing on May 12: red.
    r.reported = months(3, 3);
    assert_eq!(assignment_light(&r, date("2021-05-12"), &t), Light::Red);
    // Filed on May 20: the record alone reads green (May's window opens
    // May 24), but May went red, so May stays yellow.
    r.reported = months(3, 4);
    r.last_red = Some(date("2021-05-19"));
    assert_eq!(assignment_light(&r, date("2021-05-20"), &t), Light::Yellow);
    assert_eq!(memory_ends(date("2021-05-19"), &t), date("2021-05-31"));
    r.last_red = None;
    assert_eq!(
        assignment_light(&r, date("2021-05-20"), &t),
        Light::Green,
        "without the history the same record is green"
    );
    // June: a new period, May reported on time: green again.
    r.last_red = Some(date("2021-05-19"));
    r.reported = months(3, 5);
    assert_eq!(assignment_light(&r, date("2021-06-01"), &t), Light::Green);
    // History never softens a red, and never reads a day not yet come
    // (a demo clock moved back).
    r.measures = vec![(date("2021-06-02"), false)];
    assert_eq!(assignment_light(&r, date("2021-06-03"), &t), Light::Red);
    r.measures.clear();
    r.last_red = Some(date("2021-06-10"));
    assert_eq!(assignment_light(&r, date("2021-06-03"), &t), Light::Green);
    // Quarterly reports remember a red for the rest of its quarter.
    let quarterly = Thresholds {
        report_period: Frequency::Quarterly,
        ..Thresholds::default()
    };
    assert_eq!(
        memory_ends(date("2021-05-12"), &quarterly),
        date("2021-06-30")
    );
}

#[test]
fn an_item_on_its_own_rhythm_is_lit_by_it() {
    // The office reports monthly; this record's task reports weekly.
    let t = Thresholds::default();
    let mut r = record(State::InProgress);
    r.rhythm.own = Some(Frequency::Weekly);
    let week = |week| Period::Week { year: 2021, week };
    // Week 9 (March 1–7) was due March 12: missed on the 15th. By the
    // office's months nothing was owed yet.
    assert_eq!(assignment_light(&r, date("2021-03-15"), &t), Light::Red);
    assert_eq!(missed_reports(&r, date("2021-03-15"), &t), 1);
    r.rhythm.own = None;
    assert_eq!(assignment_light(&r, date("2021-03-15"), &t), Light::Green);
    assert_eq!(missed_reports(&r, date("2021-03-15"), &t), 0);
    // Weeks 9 and 10 filed: week 11's window is open (yellow), and the red
    // of the 15th is remembered to the end of its week, not its month.
    r.rhythm.own = Some(Frequency::Weekly);
    r.reported = vec![week(9), week(10)];
    r.last_red = Some(date("2021-03-15"));
    assert_eq!(assignment_light(&r, date("2021-03-16"), &t), Light::Yellow);
    let weekly = t.with_rhythm(r.rhythm);
    assert_eq!(memory_ends(date("2021-03-15"), &weekly), date("2021-03-21"));
    // The rhythm the office already has borrows its thresholds.
    assert!(matches!(
        t.with_rhythm(Rhythm {
            own: Some(Frequency::Monthly),
            since: None
        }),
        Cow::Borrowed(_)
    ));
}

#[test]
fn a_task_shows_its_worst_assignment() {
    assert_eq!(
        task_light(&[Light::Done, Light::Green, Light::Yellow]),
        Light::Yellow
    );
    assert_eq!(task_light(&[Light::Done, Light::Done]), Light::Done);
    assert_eq!(task_light(&[Light::Red, Light::Done]), Light::Red);
}

#[test]
fn missed_reports_are_counted_where_the_light_turns_red() {
    let t = Thresholds::default();
    let mut r = record(State::InProgress);
    r.reported = months(3, 3);
    // March reported. April's report is due 5 working days after April 30:
    // May 1–5 are the Labour Day holiday and Saturday May 8 is worked
    // (调休), so May 6, 7, 8, 10, 11: missed from May 12. May's is due
    // June 7 (June 1–4, 7).
    assert_eq!(missed_reports(&r, date("2021-05-11"), &t), 0);
    assert_eq!(missed_reports(&r, date("2021-05-12"), &t), 1);
    assert_eq!(assignment_light(&r, date("2021-05-12"), &t), Light::Red);
    assert_eq!(missed_reports(&r, date("2021-06-07"), &t), 1);
    assert_eq!(missed_reports(&r, date("2021-06-08"), &t), 2);
    assert_eq!(missed_reports(&r, date("2021-06-15"), &t), 2);
    r.reported = months(3, 5);
    assert_eq!(missed_reports(&r, date("2021-06-15"), &t), 0);
    assert_eq!(
        missed_reports(&record(State::Assigned), date("2021-06-15"), &t),
        0,
        "unclaimed work owes no report yet"
    );
}
