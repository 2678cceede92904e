//! The years of work that follow the plans: each assignment's state, its
//! measures and its progress reports (with the figures reached), and the
//! people who sign in. Reports fill the months and quarters that ended
//! before "today", a chosen share of them left unreported, as in real ledgers.

use jiff::ToSpan;
use jiff::civil::Date;
use rand::Rng;

use super::text;
use crate::domain::period::Period;

/// What the generator needs to know of one imported assignment.
#[derive(Debug, Clone)]
pub struct AssignmentFacts {
    pub id: i64,
    pub unit_id: i64,
    pub year: i16,
    pub deadline: Date,
    pub title: String,
    /// (target id, target value).
    pub targets: Vec<(i64, f64)>,
}

/// The state an assignment is in on `as_of`: finished work is mostly
/// verified, running work mostly in progress, a few still unclaimed.
pub fn state(facts: &AssignmentFacts, as_of: Date, rng: &mut impl Rng) -> &'static str {
    let roll = rng.random_range(0..100);
    if facts.deadline < as_of {
        match roll {
            0..75 => "verified",
            75..85 => "done",
            85..97 => "in_progress",
            _ => "claimed",
        }
    } else {
        match roll {
            0..4 => "assigned",
            4..20 => "claimed",
            20..98 => "in_progress",
            _ => "done",
        }
    }
}

/// The periods an assignment could have reported on by `as_of`: every month
/// and quarter of its span that has ended. An unclaimed one reports nothing.
pub fn report_slots(facts: &AssignmentFacts, state: &str, as_of: Date) -> Vec<Period> {
    if state == "assigned" {
        return Vec::new();
    }
    let mut slots = Vec::new();
    let mut year = facts.year;
    while year <= facts.deadline.year() {
        for month in 1..=12u8 {
            let period = Period::Month { year, month };
            if reportable(period, facts.deadline, as_of) {
                slots.push(period);
            }
            if month % 3 == 0 {
                let quarter = Period::Quarter {
                    year,
                    quarter: month / 3,
                };
                if reportable(quarter, facts.deadline, as_of) {
                    slots.push(quarter);
                }
            }
        }
        year += 1;
    }
    slots
}

fn reportable(period: Period, deadline: Date, as_of: Date) -> bool {
    let (start, end) = bounds(period);
    end < as_of && start <= deadline
}

/// The first and last day of a period.
pub fn bounds(period: Period) -> (Date, Date) {
    period.bounds().unwrap_or((Date::MIN, Date::MIN))
}

/// Picks exactly `wanted` of `total` slots met one at a time, each with the
/// same chance (selection sampling, Knuth's algorithm S): exact counts
/// without holding a million candidates.
pub struct Selection {
    wanted: u64,
    left: u64,
}

impl Selection {
    pub fn new(wanted: usize, total: usize) -> Selection {
        Selection {
            wanted: wanted.min(total) as u64,
            left: total as u64,
        }
    }

    pub fn keep(&mut self, rng: &mut impl Rng) -> bool {
        if self.left == 0 {
            return false;
        }
        let keep = rng.random_range(0..self.left) < self.wanted;
        self.left -= 1;
        if keep {
            self.wanted -= 1;
        }
        keep
    }
}

/// A progress report as stored.
#[derive(Debug, Clone)]
pub struct ReportRow {
    pub id: i64,
    pub assignment_id: i64,
    pub period: String,
    pub narrative: String,
    pub submitted_at: i64,
    pub submitted_by: String,
    /// (target id, actual figure).
    pub actuals: Vec<(i64, f64)>,
}

/// The report of one period: submitted within a few days after the period
/// ended, figures growing towards the target as the span runs.
pub fn report(
    id: i64,
    facts: &AssignmentFacts,
    period: Period,
    liaison: &str,
    as_of: Date,
    rng: &mut impl Rng,
) -> ReportRow {
    let (_, end) = bounds(period);
    let submitted = end
        .checked_add(rng.random_range(0..6).days())
        .unwrap_or(end)
        .min(as_of);
    let start = Date::new(facts.year, 1, 1).unwrap_or(Date::MIN);
    let span = (facts.deadline - start).get_days().max(1) as f64;
    let elapsed = (end - start).get_days().max(0) as f64;
    let share = (elapsed / span * rng.random_range(0.75..1.1)).min(1.15);
    ReportRow {
        id,
        assignment_id: facts.id,
        period: period.to_string(),
        narrative: text::narrative(rng, &facts.title),
        submitted_at: millis_at(submitted, rng.random_range(9..18)),
        submitted_by: liaison.to_string(),
        actuals: facts
            .targets
            .iter()
            .map(|&(target, value)| (target, (value * share).round()))
            .collect(),
    }
}

/// A measure as stored.
#[derive(Debug, Clone)]
pub struct MeasureRow {
    pub assignment_id: i64,
    pub description: String,
    pub responsible_person: String,
    pub deadline: String,
    pub done_at: Option<i64>,
    pub created_at: i64,
}

/// One measure of an assignment: due within its span; most of those due
/// are done, some overdue; finished assignments have all theirs done.
pub fn measure(
    facts: &AssignmentFacts,
    state: &str,
    as_of: Date,
    rng: &mut impl Rng,
) -> MeasureRow {
    let start = Date::new(facts.year, 1, 15).unwrap_or(Date::MIN);
    let days = (facts.deadline - start).get_days().max(1);
    let deadline = start
        .checked_add(rng.random_range(14..=days.max(15)).days())
        .unwrap_or(facts.deadline)
        .min(facts.deadline);
    let finished = matches!(state, "done" | "verified");
    let done = if deadline < as_of {
        finished || rng.random_bool(0.88)
    } else {
        finished || rng.random_bool(0.3)
    };
    let done_on = deadline
        .checked_sub(rng.random_range(0..20).days())
        .unwrap_or(deadline)
        .min(as_of);
    MeasureRow {
        assignment_id: facts.id,
        description: text::measure(rng),
        responsible_person: text::person(rng),
        deadline: deadline.to_string(),
        done_at: done.then(|| millis_at(done_on, 16)),
        created_at: millis_at(start, 10),
    }
}

/// An account to create.
#[derive(Debug, Clone)]
pub struct UserRow {
    pub username: String,
    pub display_name: String,
    pub role: &'static str,
    pub unit_id: Option<i64>,
}

/// The office's staff, each unit's liaisons and the readers: one admin, a
/// supervisor per fifty accounts, a leader per hundred, two liaisons per unit
/// (`u0007-02` is unit 7's second), and the rest read-only viewers (the
/// units' staff who follow the ledger), as a city's accounts are spread.
pub fn users(total: usize, unit_ids: &[i64], rng: &mut impl Rng) -> Vec<UserRow> {
    let supervisors = (total / 50).max(1);
    let leaders = (total / 100).max(1);
    let liaisons =
        (unit_ids.len() * LIAISONS_PER_UNIT).min(total.saturating_sub(1 + supervisors + leaders));
    let viewers = total.saturating_sub(1 + supervisors + leaders + liaisons);
    let mut rows = vec![UserRow {
        username: "admin".into(),
        display_name: "系统管理员".into(),
        role: "admin",
        unit_id: None,
    }];
    for (role, count) in [
        ("supervisor", supervisors),
        ("leader", leaders),
        ("viewer", viewers),
    ] {
        rows.extend((1..=count).map(|n| UserRow {
            username: format!("{role}-{n:04}"),
            display_name: text::person(rng),
            role,
            unit_id: None,
        }));
    }
    for (&unit_id, count) in unit_ids.iter().zip(super::shares(liaisons, unit_ids.len())) {
        rows.extend((1..=count).map(|n| UserRow {
            username: liaison_name(unit_id, n),
            display_name: text::person(rng),
            role: "liaison",
            unit_id: Some(unit_id),
        }));
    }
    rows
}

/// Liaisons per unit: the one who reports and a deputy.
const LIAISONS_PER_UNIT: usize = 2;

/// The username of a unit's `n`th liaison.
pub fn liaison_name(unit_id: i64, n: usize) -> String {
    format!("u{unit_id:04}-{n:02}")
}

/// Milliseconds since the epoch at `hour`:00 in China on `day`.
pub fn millis_at(day: Date, hour: i8) -> i64 {
    jiff::tz::offset(8)
        .to_timestamp(day.at(hour, 0, 0, 0))
        .map_or(0, |t| t.as_millisecond())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    fn facts(year: i16, deadline: &str) -> AssignmentFacts {
        AssignmentFacts {
            id: 1,
            unit_id: 1,
            year,
            deadline: deadline.parse().unwrap(),
            title: "推进城市更新工作".into(),
            targets: vec![(9, 100.0)],
        }
    }

    #[test]
    fn slots_are_the_ended_periods_of_the_span() {
        let as_of: Date = "2026-11-30".parse().unwrap();
        let past = report_slots(&facts(2024, "2024-12-31"), "verified", as_of);
        assert_eq!(past.len(), 16);
        let running = report_slots(&facts(2026, "2026-12-31"), "in_progress", as_of);
        // January to October and the first three quarters.
        assert_eq!(running.len(), 13);
        assert_eq!(running.last().unwrap().to_string(), "2026-10");
        let two_years = report_slots(&facts(2025, "2026-12-31"), "claimed", as_of);
        assert_eq!(two_years.len(), 16 + 13);
        assert!(report_slots(&facts(2026, "2026-12-31"), "assigned", as_of).is_empty());
    }

    #[test]
    fn selection_keeps_exactly_what_is_wanted() {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let mut selection = Selection::new(700, 1000);
        let kept = (0..1000).filter(|_| selection.keep(&mut rng)).count();
        assert_eq!(kept, 700);
    }

    #[test]
    fn figures_grow_towards_the_target() {
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        let as_of: Date = "2026-11-30".parse().unwrap();
        let facts = facts(2025, "2025-12-31");
        let march = report(1, &facts, "2025-03".parse().unwrap(), "u", as_of, &mut rng);
        let december = report(2, &facts, "2025-12".parse().unwrap(), "u", as_of, &mut rng);
        assert!(march.actuals[0].1 < december.actuals[0].1);
        assert!(december.actuals[0].1 >= 75.0);
    }

    #[test]
    fn users_are_the_number_asked_with_every_unit_staffed() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let units: Vec<i64> = (1..=300).collect();
        let rows = users(5_000, &units, &mut rng);
        assert_eq!(rows.len(), 5_000);
        for unit in units {
            assert!(rows.iter().any(|u| u.unit_id == Some(unit)));
        }
        assert_eq!(rows.iter().filter(|u| u.role == "supervisor").count(), 100);
        assert_eq!(rows.iter().filter(|u| u.role == "liaison").count(), 600);
        assert_eq!(rows.iter().filter(|u| u.role == "viewer").count(), 4_249);
    }
}
