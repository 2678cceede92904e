//! China's working-day calendar: Monday to Friday, less the public holidays
//! (法定节假日 and the days off joined to them), plus the weekends worked in
//! exchange (调休上班), as the State Council General Office (国务院办公厅)
//! announces them each year. Pure: the holiday file is text in, a calendar out.
//!
//! # The holiday file
//!
//! TOML, one `[[year]]` table per yearly notice and one `[[year.holiday]]`
//! table per holiday (the shipped default is `assets/holidays/cn.toml`):
//!
//! ```toml
//! [[year]]
//! year = 2021
//! [[year.holiday]]
//! name = "春节"
//! from = 2021-02-11                    # first day off
//! to = 2021-02-17                      # last day off; omit for a one-day holiday
//! workdays = [2021-02-07, 2021-02-20]  # 调休上班; may be omitted
//! ```
//!
//! Dates are TOML dates or strings (`"2021-02-11"`). Every date lies in its
//! year, except that a holiday may begin, or have a workday, in the last week
//! of the year before: 元旦 2023 began on 2022-12-31. A workday is a Saturday
//! or Sunday and not also a day off; a holiday lasts at most 31 days; no day
//! belongs to two holidays; no year is listed twice; unknown keys are errors.
//! Every error names the line and the field.
//!
//! Outside the years the file lists, Monday to Friday are working days and
//! weekends are not: a deadline beyond them is counted plainly, not refused.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use jiff::ToSpan;
use jiff::civil::{Date, Weekday};
use serde::Deserialize;
use toml::{Spanned, Value};

/// Which days are worked in China, year by year.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkCalendar {
    years: BTreeSet<i16>,
    /// Days off, with the name of their holiday.
    holidays: BTreeMap<Date, String>,
    /// Weekends worked (调休上班).
    workdays: BTreeSet<Date>,
}

/// Why a holiday file was refused: where, and what to fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarError {
    /// 1-based; `None` when the error concerns the whole file.
    pub line: Option<usize>,
    /// The key at fault (`from`, `workdays`…); empty for a syntax error
    /// outside any key.
    pub field: String,
    pub message: String,
}

impl fmt::Display for CalendarError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(line) = self.line {
            write!(f, "line {line}")?;
            if !self.field.is_empty() {
                f.write_str(", ")?;
            }
        }
        if !self.field.is_empty() {
            write!(f, "field `{}`", self.field)?;
        }
        if self.line.is_some() || !self.field.is_empty() {
            f.write_str(": ")?;
        }
        f.write_str(&self.message)
    }
}

impl std::error::Error for CalendarError {}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileToml {
    #[serde(default)]
    year: Vec<YearToml>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct YearToml {
    year: Spanned<i64>,
    #[serde(default)]
    holiday: Vec<HolidayToml>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct HolidayToml {
    name: Spanned<String>,
    from: Spanned<Value>,
    to: Option<Spanned<Value>>,
    #[serde(default)]
    workdays: Vec<Spanned<Value>>,
}

/// A holiday longer than this is taken for a typo in a date.
const LONGEST_HOLIDAY_DAYS: i32 = 31;

impl WorkCalendar {
    /// The shipped schedule, 2020 to 2026 (`assets/holidays/cn.toml`).
    pub const EMBEDDED_TEXT: &'static str = include_str!("../../assets/holidays/cn.toml");

    /// The calendar of [`Self::EMBEDDED_TEXT`]. A test parses that file, so
    /// the plain Monday-to-Friday fallback here is never reached.
    pub fn embedded() -> WorkCalendar {
        WorkCalendar::parse(Self::EMBEDDED_TEXT).unwrap_or_else(|_| WorkCalendar::plain())
    }

    fn plain() -> WorkCalendar {
        WorkCalendar {
            years: BTreeSet::new(),
            holidays: BTreeMap::new(),
            workdays: BTreeSet::new(),
        }
    }

    /// Reads a holiday file (format in the module documentation).
    pub fn parse(text: &str) -> Result<WorkCalendar, CalendarError> {
        let file: FileToml = toml::from_str(text).map_err(|e| toml_error(text, &e))?;
        if file.year.is_empty() {
            return Err(CalendarError {
                line: None,
                field: "year".into(),
                message: "the file lists no year: add a [[year]] table".into(),
            });
        }
        let mut calendar = WorkCalendar::plain();
        for entry in &file.year {
            let at = Place::new(text, &entry.year, "year");
            let year = match i16::try_from(*entry.year.get_ref()) {
                Ok(year) if (1900..=2999).contains(&year) => year,
                _ => return Err(at.error("expected a year between 1900 and 2999")),
            };
            if !calendar.years.insert(year) {
                return Err(at.error(format!("year {year} is listed twice")));
            }
            if entry.holiday.is_empty() {
                return Err(Place::new(text, &entry.year, "holiday").error(format!(
                    "year {year} lists no holiday: add [[year.holiday]] tables"
                )));
            }
            for holiday in &entry.holiday {
                calendar.add_holiday(text, year, holiday)?;
            }
        }
        Ok(calendar)
    }

    fn add_holiday(&mut self, text: &str, year: i16, h: &HolidayToml) -> Result<(), CalendarError> {
        let name = h.name.get_ref().trim();
        if name.is_empty() {
            return Err(Place::new(text, &h.name, "name").error("the holiday has no name"));
        }
        let from_at = Place::new(text, &h.from, "from");
        let from = from_at.date(h.from.get_ref(), year)?;
        let (to_at, to) = match &h.to {
            Some(to) => {
                let at = Place::new(text, to, "to");
                (at, at.date(to.get_ref(), year)?)
            }
            None => (from_at, from),
        };
        if to < from {
            return Err(to_at.error(format!("{name} ends on {to}, before it begins on {from}")));
        }
        if (to - from).get_days() >= LONGEST_HOLIDAY_DAYS {
            return Err(to_at.error(format!(
                "{name} would last more than {LONGEST_HOLIDAY_DAYS} days ({from} to {to}): check the dates"
            )));
        }
        for day in from.series(1.day()).take_while(|day| *day <= to) {
            if let Some(other) = self.holidays.get(&day) {
                return Err(from_at.error(format!("{day} is already a day off of {other}")));
            }
            if self.workdays.contains(&day) {
                return Err(from_at.error(format!("{day} is also listed as a workday")));
            }
            self.holidays.insert(day, name.to_string());
        }
        for workday in &h.workdays {
            let at = Place::new(text, workday, "workdays");
            let day = at.date(workday.get_ref(), year)?;
            if !is_weekend(day) {
                return Err(at.error(format!(
                    "{day} is a {:?}: a workday (调休上班) is a Saturday or Sunday",
                    day.weekday()
                )));
            }
            if let Some(other) = self.holidays.get(&day) {
                return Err(at.error(format!("{day} is also a day off of {other}")));
            }
            self.workdays.insert(day);
        }
        Ok(())
    }

    /// Listed days first; any other day is worked from Monday to Friday.
    pub fn is_working_day(&self, day: Date) -> bool {
        if self.holidays.contains_key(&day) {
            false
        } else {
            self.workdays.contains(&day) || !is_weekend(day)
        }
    }

    /// The n-th working day after `from` (n > 0), before it (n < 0); `from`
    /// itself when n == 0, working or not. Stops at the first or last date
    /// jiff can represent rather than fail.
    pub fn add_working_days(&self, from: Date, n: i32) -> Date {
        let step = if n < 0 {
            Date::yesterday
        } else {
            Date::tomorrow
        };
        let mut day = from;
        let mut left = n.unsigned_abs();
        while left > 0 {
            let Ok(next) = step(day) else {
                return day;
            };
            day = next;
            if self.is_working_day(day) {
                left -= 1;
            }
        }
        day
    }

    /// The working days stepped onto going from `from` to `to`: forward, the
    /// working days d with from < d <= to; backward (to < from), minus those
    /// with to <= d < from. So `working_days_between(from,
    /// add_working_days(from, n)) == n` for every n. Not antisymmetric: going
    /// back from a Saturday to the Friday before counts −1, while going
    /// forward from that Friday to the Saturday counts 0.
    pub fn working_days_between(&self, from: Date, to: Date) -> i32 {
        if to > from {
            from.tomorrow().map_or(0, |first| self.count(first, to))
        } else if to < from {
            from.yesterday().map_or(0, |last| -self.count(to, last))
        } else {
            0
        }
    }

    /// Working days in `first..=last`.
    fn count(&self, first: Date, last: Date) -> i32 {
        let mut worked = 0;
        let mut day = first;
        while day <= last {
            worked += i32::from(self.is_working_day(day));
            match day.tomorrow() {
                Ok(next) => day = next,
                Err(_) => break,
            }
        }
        worked
    }

    /// The years the file lists, ascending.
    pub fn years(&self) -> Vec<i16> {
        self.years.iter().copied().collect()
    }

    /// Whether `year`'s notice is in the file; if not, days count Monday to Friday.
    pub fn covers(&self, year: i16) -> bool {
        self.years.contains(&year)
    }

    /// The holiday `day` is off for ("国庆节" for 2021-10-04), if any.
    pub fn holiday_name(&self, day: Date) -> Option<&str> {
        self.holidays.get(&day).map(String::as_str)
    }
}

fn is_weekend(day: Date) -> bool {
    matches!(day.weekday(), Weekday::Saturday | Weekday::Sunday)
}

/// Where in the file a value stands, to name it in an error.
#[derive(Clone, Copy)]
struct Place {
    line: usize,
    field: &'static str,
}

impl Place {
    fn new<T>(text: &str, value: &Spanned<T>, field: &'static str) -> Place {
        Place {
            line: line_of(text, value.span().start),
            field,
        }
    }

    fn error(&self, message: impl Into<String>) -> CalendarError {
        CalendarError {
            line: Some(self.line),
            field: self.field.into(),
            message: message.into(),
        }
    }

    /// A date of `year`'s notice: in the year, or in the last week before it.
    fn date(&self, value: &Value, year: i16) -> Result<Date, CalendarError> {
        let day = match value {
            Value::Datetime(dt) => match (dt.date, dt.time, dt.offset) {
                (Some(d), None, None) => i16::try_from(d.year)
                    .ok()
                    .and_then(|y| Date::new(y, d.month as i8, d.day as i8).ok()),
                _ => None,
            },
            Value::String(s) => Date::strptime("%Y-%m-%d", s.trim()).ok(),
            _ => None,
        };
        let day = day.ok_or_else(|| {
            let shown = match value {
                Value::String(s) => format!("\"{s}\""),
                Value::Datetime(dt) => dt.to_string(),
                other => other.type_str().to_string(),
            };
            self.error(format!("expected a date such as 2021-02-11, found {shown}"))
        })?;
        let first = Date::new(year - 1, 12, 25).unwrap_or(Date::MIN);
        let last = Date::new(year, 12, 31).unwrap_or(Date::MAX);
        if day < first || day > last {
            return Err(self.error(format!(
                "{day} is outside year {year} (or its last week before, where 元旦 may begin)"
            )));
        }
        Ok(day)
    }
}

/// 1-based line of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    let before = &text.as_bytes()[..offset.min(text.len())];
    before.iter().filter(|&&b| b == b'\n').count() + 1
}

/// A syntax or shape error from the TOML reader, with its line and the key
/// it names (`unknown field `x``, `missing field `x``) or stands on.
fn toml_error(text: &str, error: &toml::de::Error) -> CalendarError {
    let line = error.span().map(|span| line_of(text, span.start));
    let message = error.message().trim().to_string();
    let named = ["unknown field `", "missing field `"]
        .iter()
        .find_map(|prefix| message.strip_prefix(prefix))
        .and_then(|rest| rest.split('`').next());
    let on_line = line
        .and_then(|l| text.lines().nth(l - 1))
        .and_then(|l| l.split_once('='))
        .map(|(key, _)| key.trim())
        .filter(|key| {
            !key.is_empty()
                && key
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        });
    let field = named.or(on_line).unwrap_or_default().to_string();
    CalendarError {
        line,
        field,
        message,
    }
}

#[cfg(test)]
mod tests;
