//! The period a supervision bulletin (督查通报) covers: a month (2021-06), a
//! quarter (2021-Q2), or two dates (2021-06-01..2021-06-30), each day of it
//! inclusive, with its name as an official document writes it.

use std::fmt;
use std::str::FromStr;

use jiff::civil::Date;

use super::period::Period;

/// A span of civil days, `from` to `to` inclusive; `to` is never before `from`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BulletinPeriod {
    from: Date,
    to: Date,
    /// The report period it is, when it is a month or a quarter (for its name).
    period: Option<Period>,
}

/// The separators accepted between two dates.
const SEPARATORS: [&str; 4] = ["..", "~", "至", "/"];

impl BulletinPeriod {
    pub fn from(&self) -> Date {
        self.from
    }

    pub fn to(&self) -> Date {
        self.to
    }

    /// Whether a day falls in the period.
    pub fn contains(&self, day: Date) -> bool {
        self.from <= day && day <= self.to
    }

    /// The name in Chinese: 2021年6月, 2021年第二季度, 2021年6月1日至2021年6月30日.
    pub fn label_zh(&self) -> String {
        const QUARTERS: [&str; 4] = ["一", "二", "三", "四"];
        match self.period {
            Some(Period::Month { year, month }) => format!("{year}年{month}月"),
            Some(Period::Quarter { year, quarter }) => {
                format!("{year}年第{}季度", QUARTERS[usize::from(quarter - 1)])
            }
            Some(period) => super::words::period_zh(period),
            None => format!("{}至{}", date_zh(self.from), date_zh(self.to)),
        }
    }
}

pub use super::words::date_zh;

impl FromStr for BulletinPeriod {
    type Err = String;

    fn from_str(text: &str) -> Result<BulletinPeriod, String> {
        let text = text.trim();
        let bad = || {
            format!(
                "'{text}' is not a period: write 2021-06 for a month, 2021-Q2 for a quarter, \
                 or 2021-06-01..2021-06-30 for two dates"
            )
        };
        if let Some((a, b)) = SEPARATORS.iter().find_map(|s| text.split_once(s)) {
            let day = |t: &str| t.trim().parse::<Date>().map_err(|_| bad());
            let (from, to) = (day(a)?, day(b)?);
            if to < from {
                return Err(format!("the period ends ({to}) before it starts ({from})"));
            }
            return Ok(BulletinPeriod {
                from,
                to,
                period: None,
            });
        }
        let period: Period = text.parse().map_err(|_| bad())?;
        let (from, to) = period.bounds().ok_or_else(bad)?;
        Ok(BulletinPeriod {
            from,
            to,
            period: Some(period),
        })
    }
}

impl fmt::Display for BulletinPeriod {
    /// The form it was written in (a month, a quarter, or `from..to`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.period {
            Some(period) => write!(f, "{period}"),
            None => write!(f, "{}..{}", self.from, self.to),
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
    fn months_quarters_and_spans() {
        let june: BulletinPeriod = "2021-06".parse().unwrap();
        assert_eq!(
            (june.from(), june.to()),
            (date("2021-06-01"), date("2021-06-30"))
        );
        assert_eq!(june.label_zh(), "2021年6月");
        assert_eq!(june.to_string(), "2021-06");
        let q2: BulletinPeriod = "2021-Q2".parse().unwrap();
        assert_eq!(
            (q2.from(), q2.to()),
            (date("2021-04-01"), date("2021-06-30"))
        );
        assert_eq!(q2.label_zh(), "2021年第二季度");
        let feb: BulletinPeriod = "2024-02".parse().unwrap();
        assert_eq!(feb.to(), date("2024-02-29"));
        for text in [
            "2021-06-01..2021-06-15",
            "2021-06-01 至 2021-06-15",
            "2021-06-01~2021-06-15",
        ] {
            let span: BulletinPeriod = text.parse().unwrap();
            assert_eq!(
                (span.from(), span.to()),
                (date("2021-06-01"), date("2021-06-15"))
            );
            assert_eq!(span.label_zh(), "2021年6月1日至2021年6月15日");
            assert_eq!(span.to_string(), "2021-06-01..2021-06-15");
            assert!(span.contains(date("2021-06-15")) && !span.contains(date("2021-06-16")));
        }
    }

    #[test]
    fn malformed_periods_are_refused() {
        for bad in [
            "",
            "2021",
            "2021-13",
            "2021-Q5",
            "June",
            "2021-06-01..",
            "2021-02-30..2021-03-01",
        ] {
            assert!(bad.parse::<BulletinPeriod>().is_err(), "{bad}");
        }
        let reversed = "2021-06-30..2021-06-01".parse::<BulletinPeriod>();
        assert!(reversed.unwrap_err().contains("before it starts"));
    }
}
