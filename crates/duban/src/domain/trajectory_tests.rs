//! Trajectories on hand-built cases: pro rata by month, milestones across
//! 2021, the tolerance band's edges, a ceiling, before and after the year.

use super::*;
use crate::domain::milestones::{MilestoneError, parse_milestones};

fn date(text: &str) -> Date {
    text.parse().unwrap()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

/// 既有多层住宅加装电梯新开工 ≥ 185 台: 6月底 80, 9月底 140, the year's end 185.
fn lifts() -> Trajectory {
    let milestones = parse_milestones("2021-09-30 140\n2021-06-30 80", 2021, ">=", Some(185.0));
    Trajectory::of_target(2021, ">=", 185.0, milestones.unwrap()).unwrap()
}

#[test]
fn pro_rata_by_month_is_half_by_the_end_of_june() {
    let t = Trajectory::pro_rata(2021, 120.0);
    assert!(
        close(t.planned_at(date("2021-06-30")), 60.0),
        "时间过半、任务过半"
    );
    assert!(close(t.planned_at(date("2021-01-31")), 10.0));
    // February 2021 has 28 days: its 14th is half of the month.
    assert!(close(t.planned_at(date("2021-02-14")), 15.0));
    assert!(close(t.planned_at(date("2021-12-31")), 120.0));
    assert_eq!(t.planned_at(date("2020-12-31")), 0.0, "before the year");
    assert_eq!(t.planned_at(date("2022-03-01")), 120.0, "after the year");
    let corners = t.corners();
    assert_eq!(corners.len(), 13);
    assert_eq!(corners[6], (181.0, 60.0), "June 30 is day 181");
    assert_eq!(corners[12], (365.0, 120.0));
}

#[test]
fn milestones_across_the_year() {
    let t = lifts();
    // From 0 at the start of the year to 80 on June 30 (day 181).
    assert!(close(t.planned_at(date("2021-03-31")), 80.0 * 90.0 / 181.0));
    assert!(close(t.planned_at(date("2021-06-30")), 80.0));
    // August 15 (day 227) is halfway from June 30 to September 30 (day 273).
    assert!(close(t.planned_at(date("2021-08-15")), 110.0));
    assert!(close(t.planned_at(date("2021-09-30")), 140.0));
    // November 15 (day 319) is halfway on to the year's end.
    assert!(close(t.planned_at(date("2021-11-15")), 162.5));
    assert!(close(t.planned_at(date("2021-12-31")), 185.0));
    assert_eq!(t.planned_at(date("2020-06-30")), 0.0);
    assert_eq!(t.planned_at(date("2022-01-01")), 185.0);
    assert_eq!(
        t.corners(),
        vec![(0.0, 0.0), (181.0, 80.0), (273.0, 140.0), (365.0, 185.0)]
    );
    // The same target pro rata would ask 92.5 by June 30: 80 is not behind
    // that by the milestones, but 75 would be behind pro rata.
    let plain = Trajectory::pro_rata(2021, 185.0);
    assert_eq!(plain.status(75.0, date("2021-06-30")), Pace::Behind);
    assert_eq!(t.status(75.0, date("2021-06-30")), Pace::OnTrack);
}

#[test]
fn ahead_on_track_and_behind_at_the_band_s_edges() {
    let t = lifts();
    let june = date("2021-06-30");
    // 80 planned: behind below 72, ahead above 88.
    assert_eq!(t.status(71.9, june), Pace::Behind);
    assert_eq!(
        t.status(72.0, june),
        Pace::OnTrack,
        "90% exactly is on track"
    );
    assert_eq!(t.status(80.0, june), Pace::OnTrack);
    assert_eq!(t.status(87.9, june), Pace::OnTrack);
    assert_eq!(t.status(88.1, june), Pace::Ahead);
    assert_eq!(t.status(0.0, date("2021-01-01")), Pace::Behind, "0 of 0.44");
}

#[test]
fn a_ceiling_is_behind_once_above_its_line_and_never_ahead() {
    // 安全生产事故数 ≤ 5: the line is 5 all year.
    let t = Trajectory::of_target(2021, "<=", 5.0, Vec::new()).unwrap();
    assert_eq!(t.direction(), Direction::Ceiling);
    for day in ["2021-01-10", "2021-06-30", "2021-12-31"] {
        assert_eq!(t.planned_at(date(day)), 5.0);
    }
    assert_eq!(t.status(0.0, date("2021-03-01")), Pace::OnTrack);
    assert_eq!(t.status(5.0, date("2021-03-01")), Pace::OnTrack);
    assert_eq!(t.status(5.5, date("2021-12-31")), Pace::Behind);
    assert_eq!(t.status(6.0, date("2021-03-01")), Pace::Behind);
    assert_eq!(t.corners(), vec![(0.0, 5.0), (365.0, 5.0)]);
    // Milestones stored for it (they cannot be, but) are not read.
    let m = Milestone {
        due_on: date("2021-06-30"),
        value: 1.0,
    };
    let t = Trajectory::of_target(2021, "<=", 5.0, vec![m]).unwrap();
    assert!(t.milestones().is_empty());
    assert_eq!(
        parse_milestones("2021-06-30 2", 2021, "<=", Some(5.0)),
        Err(MilestoneError::Ceiling)
    );
}

#[test]
fn before_and_after_the_year_and_trends() {
    let t = Trajectory::pro_rata(2021, 185.0);
    let before = date("2020-12-20");
    assert_eq!(t.status(0.0, before), Pace::OnTrack);
    assert_eq!(t.status(10.0, before), Pace::Ahead, "work begun early");
    let after = date("2022-01-05");
    assert_eq!(t.status(170.0, after), Pace::OnTrack, "within 10% of 185");
    assert_eq!(t.status(100.0, after), Pace::Behind);
    assert_eq!(t.status(210.0, after), Pace::Ahead);
    assert!(Trajectory::of_target(2021, "up", 10.0, Vec::new()).is_none());
    assert!(Trajectory::of_target(2021, "down", 10.0, Vec::new()).is_none());
    assert_eq!(
        Trajectory::of_target(2021, "=", 150.0, Vec::new()),
        Some(Trajectory::pro_rata(2021, 150.0)),
        "竣工150台 is a figure to reach"
    );
    // A stored milestone of another year is not read.
    let stray = Milestone {
        due_on: date("2022-06-30"),
        value: 80.0,
    };
    let t = Trajectory::of_target(2021, ">=", 185.0, vec![stray]).unwrap();
    assert!(t.milestones().is_empty());
}
