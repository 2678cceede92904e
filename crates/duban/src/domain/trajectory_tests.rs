//! Trajectories on hand-built cases: pro rata by month, milestones across
//! 2021, the tolerance band's edges, a ceiling, before and after the year,
//! and the milestones the office types.

use super::*;

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

#[test]
fn the_office_types_milestones_in_any_order_and_any_usual_way() {
    let read = parse_milestones(
        "\n2021/9/30，140\n  2021-06-30 ≥ 80 \n\n2021-12-31 185\n",
        2021,
        ">=",
        Some(185.0),
    )
    .unwrap();
    let days: Vec<String> = read.iter().map(|m| m.due_on.to_string()).collect();
    assert_eq!(days, ["2021-06-30", "2021-09-30", "2021-12-31"]);
    assert_eq!(read[0].value, 80.0);
    assert_eq!(
        parse_milestones("  \n", 2021, ">=", Some(185.0)),
        Ok(Vec::new()),
        "empty text clears them"
    );
    assert_eq!(parse_milestones("", 2021, "<=", None), Ok(Vec::new()));
}

#[test]
fn bad_milestones_are_refused_with_their_line() {
    let check = |text: &str| parse_milestones(text, 2021, ">=", Some(185.0)).unwrap_err();
    assert_eq!(
        check("2021-06-30 80\n2022-03-31 100"),
        MilestoneError::OutsideYear {
            line: 2,
            day: date("2022-03-31"),
            year: 2021
        }
    );
    assert_eq!(
        check("2021-06-30 80\n2021-09-30 60"),
        MilestoneError::Decreasing {
            line: 2,
            figure: 60.0,
            previous: 80.0
        }
    );
    // Out of order as typed: September's 60 comes after June's 80 in time.
    assert_eq!(
        check("2021-09-30 60\n2021-06-30 80"),
        MilestoneError::Decreasing {
            line: 1,
            figure: 60.0,
            previous: 80.0
        }
    );
    assert_eq!(
        check("2021-06-30 80\n2021-06-30 90"),
        MilestoneError::Twice {
            line: 2,
            day: date("2021-06-30")
        }
    );
    assert_eq!(
        check("2021-06-30 200"),
        MilestoneError::AboveTarget {
            line: 1,
            figure: 200.0,
            value: 185.0
        }
    );
    assert_eq!(
        check("2021-12-31 180"),
        MilestoneError::YearEnd {
            line: 1,
            value: 185.0
        }
    );
    assert_eq!(check("2021-06-30 -5"), MilestoneError::Negative { line: 1 });
    for unreadable in [
        "6月底 80",
        "2021-06-31 80",
        "2021-06-30",
        "2021-06-30 八十",
        "80 2021-06-30 1",
    ] {
        assert_eq!(
            check(unreadable),
            MilestoneError::Unreadable {
                line: 1,
                year: 2021
            },
            "{unreadable}"
        );
    }
    let many: String = (1..=25).map(|d| format!("2021-01-{d:02} {d}\n")).collect();
    assert_eq!(check(&many), MilestoneError::TooMany);
    assert_eq!(
        parse_milestones("2021-06-30 1", 2021, "up", Some(10.0)),
        Err(MilestoneError::NoFigure)
    );
    assert_eq!(
        parse_milestones("2021-06-30 1", 2021, ">=", None),
        Err(MilestoneError::NoFigure)
    );
    assert_eq!(
        check("2022-03-31 100").to_string(),
        "line 1: 2022-03-31 is outside the plan year 2021"
    );
}
