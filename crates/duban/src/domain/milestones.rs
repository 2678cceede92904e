//! The milestones (节点目标) the office types for a target, one a line, read
//! and checked against the target and its plan year before they are stored:
//! a trajectory (`trajectory.rs`) trusts what it is given.

use jiff::civil::Date;

use super::trajectory::{Direction, Milestone};

/// The most milestones one target takes: twice a month.
pub const MAX_MILESTONES: usize = 24;

/// Why the milestones typed for a target are refused; `line` counts from 1.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum MilestoneError {
    #[error("line {line}: write a date and a figure, such as {year}-06-30 80")]
    Unreadable { line: usize, year: i16 },
    #[error("line {line}: a figure is not negative")]
    Negative { line: usize },
    #[error("line {line}: {day} is outside the plan year {year}")]
    OutsideYear { line: usize, day: Date, year: i16 },
    #[error("line {line}: {day} is given twice")]
    Twice { line: usize, day: Date },
    #[error("line {line}: {figure} is less than {previous}, planned by an earlier date")]
    Decreasing {
        line: usize,
        figure: f64,
        previous: f64,
    },
    #[error("line {line}: {figure} is more than the target {value}")]
    AboveTarget {
        line: usize,
        figure: f64,
        value: f64,
    },
    #[error("line {line}: by December 31 the plan is the target itself, {value}")]
    YearEnd { line: usize, value: f64 },
    #[error("a ceiling (≤) is not to be crossed all year: it takes no milestones")]
    Ceiling,
    #[error("this target has no figure to reach: it takes no milestones")]
    NoFigure,
    #[error("at most 24 milestones")]
    TooMany,
}

/// The milestones the office typed for a target of plan `year`, one a line
/// (`2021-06-30 80`; `2021/6/30`, commas and a `≥` are read too), in any
/// order, checked: dates within the year, each once; figures not negative,
/// not above the value and not decreasing with time (they are cumulative);
/// a milestone on December 31 is the value itself. Empty text clears them
/// (the trajectory is pro rata again).
pub fn parse_milestones(
    text: &str,
    year: i16,
    op: &str,
    value: Option<f64>,
) -> Result<Vec<Milestone>, MilestoneError> {
    let lines: Vec<(usize, &str)> = text
        .lines()
        .enumerate()
        .map(|(i, line)| (i + 1, line.trim()))
        .filter(|(_, line)| !line.is_empty())
        .collect();
    if lines.is_empty() {
        return Ok(Vec::new());
    }
    let value = match (Direction::of_op(op), value) {
        (Some(Direction::Ceiling), _) => return Err(MilestoneError::Ceiling),
        (Some(Direction::Floor), Some(value)) => value,
        _ => return Err(MilestoneError::NoFigure),
    };
    if lines.len() > MAX_MILESTONES {
        return Err(MilestoneError::TooMany);
    }
    let mut read: Vec<(usize, Milestone)> = Vec::new();
    for (line, text) in lines {
        let (day, figure) = read_line(text).ok_or(MilestoneError::Unreadable { line, year })?;
        if figure < 0.0 {
            return Err(MilestoneError::Negative { line });
        }
        if day.year() != year {
            return Err(MilestoneError::OutsideYear { line, day, year });
        }
        if figure > value {
            return Err(MilestoneError::AboveTarget {
                line,
                figure,
                value,
            });
        }
        if day.month() == 12 && day.day() == 31 && figure != value {
            return Err(MilestoneError::YearEnd { line, value });
        }
        read.push((
            line,
            Milestone {
                due_on: day,
                value: figure,
            },
        ));
    }
    read.sort_by_key(|(line, m)| (m.due_on, *line));
    for pair in read.windows(2) {
        let ((_, before), (line, m)) = (pair[0], pair[1]);
        if m.due_on == before.due_on {
            return Err(MilestoneError::Twice {
                line,
                day: m.due_on,
            });
        }
        if m.value < before.value {
            return Err(MilestoneError::Decreasing {
                line,
                figure: m.value,
                previous: before.value,
            });
        }
    }
    Ok(read.into_iter().map(|(_, m)| m).collect())
}

/// `2021-06-30 80`, `2021/6/30，80`, `2021-06-30 ≥ 80`.
fn read_line(text: &str) -> Option<(Date, f64)> {
    let words: Vec<&str> = text
        .split(|c: char| c.is_whitespace() || matches!(c, ',' | '，' | '≥' | ':' | '：'))
        .filter(|w| !w.is_empty() && *w != ">=")
        .collect();
    let [day, figure] = words.as_slice() else {
        return None;
    };
    let figure: f64 = figure.parse().ok().filter(|f: &f64| f.is_finite())?;
    Some((read_date(day)?, figure))
}

/// YYYY-MM-DD, YYYY-M-D or YYYY/M/D.
fn read_date(text: &str) -> Option<Date> {
    let parts: Vec<&str> = text.split(['-', '/']).collect();
    let [year, month, day] = parts.as_slice() else {
        return None;
    };
    if year.len() != 4 || month.is_empty() || month.len() > 2 || day.is_empty() || day.len() > 2 {
        return None;
    }
    Date::new(year.parse().ok()?, month.parse().ok()?, day.parse().ok()?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> Date {
        text.parse().unwrap()
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
}
