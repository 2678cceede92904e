//! A deterministic synthetic data set for benchmarks (`duban bench gen`): a
//! city's units, its and its districts' annual plans over several years, and
//! the years of claims, measures and reports that follow them. Pure: it makes
//! rows; `commands::bench` writes them through the import service and
//! `store::bulk`.

pub mod activity;
pub mod city;
pub mod text;
pub mod writer;

use jiff::civil::Date;

/// How much to make. The presets are named on the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scale {
    pub name: String,
    /// Districts beside the city; each has its own units and plans.
    pub districts: usize,
    pub units: usize,
    pub tasks: usize,
    pub assignments: usize,
    pub reports: usize,
    pub measures: usize,
    pub users: usize,
    /// Plans run from this year to the year of `as_of`.
    pub first_year: i16,
    /// "Today" in the data: what is past is reported, what is due is open.
    pub as_of: Date,
    pub seed: u64,
}

impl Scale {
    /// `city` (the budget's scale), `district` (one district over six
    /// years) or `small` (the tests').
    pub fn preset(name: &str, as_of: Date, seed: u64) -> Option<Scale> {
        let (districts, units, tasks, assignments, reports, measures, users) = match name {
            "city" => (16, 300, 20_000, 60_000, 1_000_000, 200_000, 5_000),
            "district" => (1, 60, 240, 720, 12_000, 2_400, 300),
            "small" => (2, 40, 60, 150, 1_200, 300, 80),
            _ => return None,
        };
        Some(Scale {
            name: name.to_string(),
            districts,
            units,
            tasks,
            assignments,
            reports,
            measures,
            users,
            first_year: as_of.year() - 5,
            as_of,
            seed,
        })
    }

    pub fn years(&self) -> std::ops::RangeInclusive<i16> {
        self.first_year..=self.as_of.year()
    }

    /// What cannot be made as asked, said before anything is written.
    pub fn check(&self) -> Result<(), String> {
        let plans = (self.districts + 1) * self.years().count();
        if self.units < (self.districts + 1) * 3 {
            return Err(format!(
                "{} units cannot staff the city and {} districts: give at least 3 each",
                self.units, self.districts
            ));
        }
        if self.tasks < plans {
            return Err(format!(
                "{} tasks are fewer than the {plans} plans (one per year for the city and each district)",
                self.tasks
            ));
        }
        if self.assignments < self.tasks {
            return Err(format!(
                "{} assignments cannot give each of the {} tasks a unit",
                self.assignments, self.tasks
            ));
        }
        if self.users < self.units + 4 {
            return Err(format!(
                "{} users are too few: each of the {} units needs a liaison, and the office four staff",
                self.users, self.units
            ));
        }
        Ok(())
    }
}

/// `n` split into `parts` nearly equal whole shares, the larger ones first.
pub fn shares(n: usize, parts: usize) -> impl Iterator<Item = usize> {
    (0..parts).map(move |i| n * (i + 1) / parts - n * i / parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_add_up() {
        assert_eq!(shares(10, 3).collect::<Vec<_>>(), vec![3, 3, 4]);
        assert_eq!(shares(20_000, 102).sum::<usize>(), 20_000);
    }

    #[test]
    fn the_city_preset_is_the_budget_scale() {
        let scale = Scale::preset("city", "2026-11-30".parse().unwrap(), 1).unwrap();
        assert_eq!((scale.tasks, scale.assignments), (20_000, 60_000));
        assert_eq!(scale.years().count(), 6);
        scale.check().unwrap();
        assert!(Scale::preset("galaxy", scale.as_of, 1).is_none());
    }

    #[test]
    fn impossible_scales_are_refused_with_the_reason() {
        let mut scale = Scale::preset("small", "2026-11-30".parse().unwrap(), 1).unwrap();
        scale.tasks = 5;
        assert!(scale.check().unwrap_err().contains("fewer than the"));
    }
}
