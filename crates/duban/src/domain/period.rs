//! Report periods and how often units report: a week (2021-W05, ISO weeks),
//! a half month (2021-03-H1 for the 1st–15th, 2021-03-H2 for the rest), a
//! month (2021-03) or a quarter (2021-Q1).

use std::fmt;
use std::str::FromStr;

use jiff::civil::{Date, ISOWeekDate, Weekday};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Period {
    Month {
        year: i16,
        month: u8,
    },
    Quarter {
        year: i16,
        quarter: u8,
    },
    /// An ISO week of an ISO year (Monday to Sunday).
    Week {
        year: i16,
        week: u8,
    },
    /// The first (1st–15th) or second (16th–end) half of a month.
    HalfMonth {
        year: i16,
        month: u8,
        half: u8,
    },
}

/// How often units report (报送频次): a setting of the office, which an item
/// (督办事项) may override.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Frequency {
    Weekly,
    HalfMonthly,
    Monthly,
    Quarterly,
}

/// How one task's work reports: its own rhythm where it sets one (else the
/// office's), and the day its rhythm was last changed. Periods of the rhythm
/// in force that ended before that day are not owed: a change applies from
/// the day it is made, and never turns past weeks or months into misses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Rhythm {
    pub own: Option<Frequency>,
    pub since: Option<Date>,
}

impl Frequency {
    pub const ALL: [Frequency; 4] = [
        Frequency::Weekly,
        Frequency::HalfMonthly,
        Frequency::Monthly,
        Frequency::Quarterly,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Frequency::Weekly => "weekly",
            Frequency::HalfMonthly => "half_monthly",
            Frequency::Monthly => "monthly",
            Frequency::Quarterly => "quarterly",
        }
    }

    pub fn parse(text: &str) -> Option<Frequency> {
        Frequency::ALL.into_iter().find(|f| f.as_str() == text)
    }

    pub fn zh(self) -> &'static str {
        match self {
            Frequency::Weekly => "每周",
            Frequency::HalfMonthly => "每半月",
            Frequency::Monthly => "每月",
            Frequency::Quarterly => "每季度",
        }
    }

    /// A period of this frequency to show in an error: 2021-03, 2021-W05 ….
    pub fn example(self) -> &'static str {
        match self {
            Frequency::Weekly => "2021-W05",
            Frequency::HalfMonthly => "2021-03-H1",
            Frequency::Monthly => "2021-03",
            Frequency::Quarterly => "2021-Q1",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            Frequency::Weekly => "weekly",
            Frequency::HalfMonthly => "half-monthly",
            Frequency::Monthly => "monthly",
            Frequency::Quarterly => "quarterly",
        }
    }

    /// The periods of `year` in order, each with the day it ends. Weeks are
    /// those of the ISO year (2021-W01 starts on January 4, 2021).
    pub fn periods(self, year: i16) -> Vec<(Period, Date)> {
        let periods: Vec<Period> = match self {
            Frequency::Weekly => (1..=53u8)
                .map(|week| Period::Week { year, week })
                .filter(|p| p.bounds().is_some())
                .collect(),
            Frequency::HalfMonthly => (1..=12u8)
                .flat_map(|month| [1, 2].map(|half| Period::HalfMonth { year, month, half }))
                .collect(),
            Frequency::Monthly => (1..=12u8)
                .map(|month| Period::Month { year, month })
                .collect(),
            Frequency::Quarterly => (1..=4u8)
                .map(|quarter| Period::Quarter { year, quarter })
                .collect(),
        };
        periods
            .into_iter()
            .filter_map(|p| Some((p, p.bounds()?.1)))
            .collect()
    }
}

impl Period {
    /// The first and last day of the period; `None` for a week the ISO year
    /// does not have (W53 of a short year).
    pub fn bounds(self) -> Option<(Date, Date)> {
        let month = |year: i16, month: u8| Date::new(year, i8::try_from(month).ok()?, 1).ok();
        match self {
            Period::Month { year, month: m } => {
                let first = month(year, m)?;
                Some((first, first.last_of_month()))
            }
            Period::Quarter { year, quarter } => {
                let first = month(year, quarter * 3 - 2)?;
                Some((first, month(year, quarter * 3)?.last_of_month()))
            }
            Period::Week { year, week } => {
                let monday = ISOWeekDate::new(year, i8::try_from(week).ok()?, Weekday::Monday)
                    .ok()?
                    .date();
                let sunday = ISOWeekDate::new(year, i8::try_from(week).ok()?, Weekday::Sunday)
                    .ok()?
                    .date();
                Some((monday, sunday))
            }
            Period::HalfMonth {
                year,
                month: m,
                half,
            } => {
                let first = month(year, m)?;
                let fifteenth = first.with().day(15).build().ok()?;
                match half {
                    1 => Some((first, fifteenth)),
                    _ => Some((fifteenth.tomorrow().ok()?, first.last_of_month())),
                }
            }
        }
    }

    /// The frequency whose periods this one is of.
    pub fn frequency(self) -> Frequency {
        match self {
            Period::Month { .. } => Frequency::Monthly,
            Period::Quarter { .. } => Frequency::Quarterly,
            Period::Week { .. } => Frequency::Weekly,
            Period::HalfMonth { .. } => Frequency::HalfMonthly,
        }
    }

    /// The last day of the period (its first day's month end for a period
    /// that cannot be, which parsing never makes).
    pub fn last_day(self) -> Date {
        self.bounds()
            .map_or(Date::constant(2000, 1, 31), |(_, last)| last)
    }
}

impl FromStr for Period {
    type Err = String;

    fn from_str(text: &str) -> Result<Period, String> {
        let bad = || {
            format!(
                "'{text}' is not a period: write 2021-03 for a month, 2021-Q1 for a quarter, \
                 2021-W05 for a week or 2021-03-H1 for the first half of a month"
            )
        };
        let (year, rest) = text.trim().split_once('-').ok_or_else(bad)?;
        let year: i16 = year.parse().map_err(|_| bad())?;
        if !(2000..=2100).contains(&year) {
            return Err(bad());
        }
        let number = |digits: &str, range: std::ops::RangeInclusive<u8>| {
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            digits.parse::<u8>().ok().filter(|n| range.contains(n))
        };
        let period = if let Some(q) = rest.strip_prefix('Q').or_else(|| rest.strip_prefix('q')) {
            number(q, 1..=4).map(|quarter| Period::Quarter { year, quarter })
        } else if let Some(w) = rest.strip_prefix('W').or_else(|| rest.strip_prefix('w')) {
            (w.len() == 2)
                .then(|| number(w, 1..=53))
                .flatten()
                .map(|week| Period::Week { year, week })
        } else if let Some((m, h)) = rest.split_once('-') {
            let half = h
                .strip_prefix('H')
                .or_else(|| h.strip_prefix('h'))
                .and_then(|h| number(h, 1..=2));
            let month = (m.len() == 2).then(|| number(m, 1..=12)).flatten();
            month
                .zip(half)
                .map(|(month, half)| Period::HalfMonth { year, month, half })
        } else {
            (rest.len() == 2)
                .then(|| number(rest, 1..=12))
                .flatten()
                .map(|month| Period::Month { year, month })
        };
        // A week the ISO year does not have is not a period.
        period.filter(|p| p.bounds().is_some()).ok_or_else(bad)
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Period::Month { year, month } => write!(f, "{year:04}-{month:02}"),
            Period::Quarter { year, quarter } => write!(f, "{year:04}-Q{quarter}"),
            Period::Week { year, week } => write!(f, "{year:04}-W{week:02}"),
            Period::HalfMonth { year, month, half } => write!(f, "{year:04}-{month:02}-H{half}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> Date {
        text.parse().unwrap()
    }

    #[test]
    fn every_kind_round_trips_and_bad_text_is_refused() {
        for text in [
            "2021-03",
            "2021-12",
            "2021-Q1",
            "2021-Q4",
            "2021-W01",
            "2020-W53",
            "2021-03-H1",
            "2021-02-H2",
        ] {
            assert_eq!(text.parse::<Period>().unwrap().to_string(), text);
        }
        assert_eq!("2021-q2".parse::<Period>().unwrap().to_string(), "2021-Q2");
        for bad in [
            "2021-13",
            "2021-Q5",
            "2021-3",
            "21-03",
            "March",
            "2021-00",
            "",
            "2021-W53",
            "2021-W00",
            "2021-W5",
            "2021-03-H3",
            "2021-3-H1",
            "2021-+3",
        ] {
            assert!(bad.parse::<Period>().is_err(), "{bad}");
        }
    }

    #[test]
    fn periods_cover_their_days() {
        let bounds = |text: &str| text.parse::<Period>().unwrap().bounds().unwrap();
        assert_eq!(bounds("2021-W01"), (date("2021-01-04"), date("2021-01-10")));
        assert_eq!(
            bounds("2021-02-H1"),
            (date("2021-02-01"), date("2021-02-15"))
        );
        assert_eq!(
            bounds("2021-02-H2"),
            (date("2021-02-16"), date("2021-02-28"))
        );
        assert_eq!(bounds("2021-Q2"), (date("2021-04-01"), date("2021-06-30")));
        assert_eq!(Frequency::Weekly.periods(2021).len(), 52);
        assert_eq!(Frequency::Weekly.periods(2020).len(), 53);
        assert_eq!(Frequency::HalfMonthly.periods(2021).len(), 24);
        assert_eq!(Frequency::Monthly.periods(2021).len(), 12);
        let quarters = Frequency::Quarterly.periods(2021);
        assert_eq!(quarters[3].1, date("2021-12-31"));
        for f in Frequency::ALL {
            assert_eq!(Frequency::parse(f.as_str()), Some(f));
        }
    }
}
