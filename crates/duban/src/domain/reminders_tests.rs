//! The reminder rule on hand-built cases across 2021's 中秋 and 国庆
//! holidays and their 调休 working weekends (Sunday Sep 26, Saturday Oct 9).

use super::*;
use crate::domain::trajectory::Trajectory;

fn date(text: &str) -> Date {
    text.parse().unwrap()
}

fn watched(state: State, assigned_on: &str) -> Watched {
    Watched {
        assignment_id: 1,
        unit_id: 7,
        unit_name: "区房管局".into(),
        task_title: "既有多层住宅加装电梯".into(),
        state,
        assigned_on: date(assigned_on),
        plan_year: 2021,
        rhythm: crate::domain::period::Rhythm::default(),
        measures: Vec::new(),
        reported: Vec::new(),
        rectifications: Vec::new(),
        difficulties: Vec::new(),
        targets: Vec::new(),
    }
}

fn all_months() -> Vec<Period> {
    (1..=12)
        .map(|month| Period::Month { year: 2021, month })
        .collect()
}

/// Walks the days from `from` to `to` and keeps each key the first day it
/// is due, as the store's unique key does.
fn walk(w: &Watched, from: &str, to: &str) -> Vec<(String, String)> {
    let t = Thresholds::default();
    let rules = ReminderRules::default();
    let mut seen = std::collections::BTreeSet::new();
    let mut sent = Vec::new();
    let mut day = date(from);
    while day <= date(to) {
        for due in due(w, day, &t, &rules) {
            if seen.insert(due.key.clone()) {
                sent.push((day.to_string(), due.key));
            }
        }
        day = day.tomorrow().unwrap();
    }
    sent
}

fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    expected
        .iter()
        .map(|(d, k)| (d.to_string(), k.to_string()))
        .collect()
}

#[test]
fn unclaimed_work_is_chased_in_rounds_of_working_days_and_never_on_a_holiday() {
    // Assigned Wednesday Sep 22. Working days after it: Sep 23, 24, 26 (Sun,
    // 调休), 27, 28, 29 (the 6th: over the 5 claim days), 30, Oct 8, 9 (Sat,
    // 调休), 11, 12 (the 11th: round 2), 13, 14, 15, 18, 19 (the 16th: round 3).
    let w = watched(State::Assigned, "2021-09-22");
    assert_eq!(
        walk(&w, "2021-09-22", "2021-10-31"),
        pairs(&[
            ("2021-09-29", "unclaimed:1:1"),
            ("2021-10-12", "unclaimed:1:2"),
            ("2021-10-19", "unclaimed:1:3"),
        ])
    );
    let rules = ReminderRules::default();
    let t = Thresholds::default();
    assert!(
        due(&w, date("2021-10-04"), &t, &rules).is_empty(),
        "nothing is sent during 国庆"
    );
    let third = due(&w, date("2021-10-19"), &t, &rules);
    assert_eq!(
        third[0].audience,
        Audience::Unit {
            head: true,
            leaders: true
        }
    );
    assert!(third[0].subject.contains("第3次"), "{}", third[0].subject);
}

#[test]
fn a_measure_is_reminded_before_its_deadline_then_chased_after_it() {
    // Due Friday Oct 8: 3 working days before is Tuesday Sep 28 (Sep 29, 30,
    // Oct 8). Overdue from Saturday Oct 9, a 调休 working day; then every 5
    // working days: Oct 15, Oct 22.
    let mut w = watched(State::InProgress, "2021-09-01");
    w.reported = all_months();
    w.measures = vec![(5, "完成方案".into(), date("2021-10-08"), false)];
    assert_eq!(
        walk(&w, "2021-09-20", "2021-10-31"),
        pairs(&[
            ("2021-09-28", "measure_due:5:2021-10-08"),
            ("2021-10-09", "measure_overdue:5:2021-10-08:1"),
            ("2021-10-15", "measure_overdue:5:2021-10-08:2"),
            ("2021-10-22", "measure_overdue:5:2021-10-08:3"),
        ])
    );
    w.measures[0].3 = true;
    assert!(
        walk(&w, "2021-09-20", "2021-10-31").is_empty(),
        "done: quiet"
    );
}

#[test]
fn report_windows_open_close_and_are_chased_when_missed() {
    // September ends Thursday Sep 30. Its window opens 5 working days before
    // (Sep 29, 28, 27, 26 Sun 调休, 24) and closes 5 after (Oct 8, 9 Sat 调休,
    // 11, 12, 13); the closing reminder comes 2 working days before, Oct 11.
    // October's window opens Oct 25.
    let mut w = watched(State::InProgress, "2021-04-01");
    w.reported = (4..=8)
        .map(|month| Period::Month { year: 2021, month })
        .collect();
    assert_eq!(
        walk(&w, "2021-09-01", "2021-10-31"),
        pairs(&[
            ("2021-09-24", "report_open:1:2021-09"),
            ("2021-10-11", "report_closing:1:2021-09"),
            ("2021-10-14", "report_missed:1:2021-09:1"),
            ("2021-10-21", "report_missed:1:2021-09:2"),
            ("2021-10-25", "report_open:1:2021-10"),
            ("2021-10-28", "report_missed:1:2021-09:3"),
        ])
    );
}

#[test]
fn rectifications_difficulties_and_targets() {
    let mut w = watched(State::InProgress, "2021-04-01");
    w.reported = all_months();
    w.rectifications = vec![(9, "台账不全".into(), date("2021-06-18"))];
    w.difficulties = vec![(4, "资金缺口".into(), date("2021-06-01"))];
    let lifts = Trajectory::pro_rata(2021, 185.0);
    w.targets = vec![(3, "加装电梯新开工".into(), lifts, 40.0)];
    let sent = walk(&w, "2021-06-01", "2021-06-30");
    // 端午: Monday June 14 is a holiday. Rectification due June 18: 3 working
    // days before is June 15 (16, 17, 18). The difficulty raised June 1 has
    // waited 5 working days on June 8, 10 on June 16, 15 on June 23. The target is behind its pace all June.
    assert_eq!(
        sent,
        pairs(&[
            ("2021-06-01", "behind:1:3:2021-06"),
            ("2021-06-08", "difficulty:4:1"),
            ("2021-06-15", "rectification_due:9:2021-06-18"),
            ("2021-06-16", "difficulty:4:2"),
            ("2021-06-21", "rectification_overdue:9:2021-06-18:1"),
            ("2021-06-23", "difficulty:4:3"),
            ("2021-06-28", "rectification_overdue:9:2021-06-18:2"),
        ])
    );
    let t = Thresholds::default();
    let office = due(&w, date("2021-06-23"), &t, &ReminderRules::default());
    let difficulty = office
        .iter()
        .find(|d| d.cause == Cause::DifficultyUnanswered)
        .unwrap();
    assert_eq!(difficulty.audience, Audience::Office { leaders: true });
}

#[test]
fn targets_are_chased_by_their_trajectory_milestones_and_ceilings_too() {
    let mut w = watched(State::InProgress, "2021-04-01");
    w.reported = all_months();
    let t = Thresholds::default();
    let rules = ReminderRules::default();
    let behind = |w: &Watched, day: &str| -> Vec<String> {
        due(w, date(day), &t, &rules)
            .into_iter()
            .filter(|d| d.cause == Cause::BehindTrajectory)
            .map(|d| d.body)
            .collect()
    };
    // 80 by June 30 and 140 by September 30: 75 is on track on June 30
    // (pro rata it would be behind 92.5), behind by August 16 (about 111).
    let milestones = crate::domain::milestones::parse_milestones(
        "2021-06-30 80\n2021-09-30 140",
        2021,
        ">=",
        Some(185.0),
    )
    .unwrap();
    let lifts = Trajectory::of_target(2021, ">=", 185.0, milestones).unwrap();
    w.targets = vec![(3, "加装电梯新开工".into(), lifts, 75.0)];
    assert!(behind(&w, "2021-06-30").is_empty());
    let said = behind(&w, "2021-08-16");
    assert_eq!(said.len(), 1);
    assert!(said[0].contains("按时间应完成约111"), "{}", said[0]);
    // 安全事故 ≤ 5: chased once above its line.
    let ceiling = Trajectory::of_target(2021, "<=", 5.0, Vec::new()).unwrap();
    w.targets = vec![(4, "安全生产事故".into(), ceiling, 5.0)];
    assert!(behind(&w, "2021-08-16").is_empty());
    w.targets[0].3 = 6.0;
    let said = behind(&w, "2021-08-16");
    assert!(said[0].contains("全年不超过5，目前已达6"), "{}", said[0]);
}

#[test]
fn verified_work_and_past_years_are_quiet_and_rules_are_checked() {
    let mut w = watched(State::Verified, "2021-03-01");
    w.measures = vec![(5, "x".into(), date("2021-04-01"), false)];
    assert!(walk(&w, "2021-03-01", "2021-12-31").is_empty());
    let w = watched(State::Assigned, "2021-03-01");
    assert!(
        due(
            &w,
            date("2022-01-04"),
            &Thresholds::default(),
            &ReminderRules::default()
        )
        .is_empty()
    );
    let bad = ReminderRules {
        repeat_every_days: 0,
        ..ReminderRules::default()
    };
    assert_eq!(bad.check().unwrap_err().0, "repeat_every_days");
    assert!(ReminderRules::default().check().is_ok());
}
