//! Report periods: a month (2021-03) or a quarter (2021-Q1).

use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Period {
    Month { year: i16, month: u8 },
    Quarter { year: i16, quarter: u8 },
}

impl FromStr for Period {
    type Err = String;

    fn from_str(text: &str) -> Result<Period, String> {
        let bad = || {
            format!("'{text}' is not a period: write 2021-03 for a month or 2021-Q1 for a quarter")
        };
        let (year, rest) = text.trim().split_once('-').ok_or_else(bad)?;
        let year: i16 = year.parse().map_err(|_| bad())?;
        if !(2000..=2100).contains(&year) {
            return Err(bad());
        }
        if let Some(q) = rest.strip_prefix('Q').or_else(|| rest.strip_prefix('q')) {
            let quarter: u8 = q.parse().map_err(|_| bad())?;
            return (1..=4)
                .contains(&quarter)
                .then_some(Period::Quarter { year, quarter })
                .ok_or_else(bad);
        }
        if rest.len() != 2 {
            return Err(bad());
        }
        let month: u8 = rest.parse().map_err(|_| bad())?;
        (1..=12)
            .contains(&month)
            .then_some(Period::Month { year, month })
            .ok_or_else(bad)
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Period::Month { year, month } => write!(f, "{year:04}-{month:02}"),
            Period::Quarter { year, quarter } => write!(f, "{year:04}-Q{quarter}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_and_quarters_round_trip() {
        for text in ["2021-03", "2021-12", "2021-Q1", "2021-Q4"] {
            assert_eq!(text.parse::<Period>().unwrap().to_string(), text);
        }
        assert_eq!("2021-q2".parse::<Period>().unwrap().to_string(), "2021-Q2");
        for bad in [
            "2021-13", "2021-Q5", "2021-3", "21-03", "March", "2021-00", "",
        ] {
            assert!(bad.parse::<Period>().is_err(), "{bad}");
        }
    }
}
