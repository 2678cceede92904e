//! Deadlines as plans write them: 2021年6月底, 年底前, 6月30日前, 三季度末,
//! 持续推进, 全年. The year comes from the plan when the text omits it.

use std::sync::LazyLock;

use regex::Regex;

use crate::model::Deadline;
use crate::numerals::parse_chinese;

/// One date expression; named groups say which parts were written.
static DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?:(?P<year>\d{4})\s*[年.\-/／]\s*)?",
        r"(?:",
        r"(?P<month>\d{1,2}|[一二三四五六七八九十]{1,3})\s*(?:月|[.\-/／])\s*",
        r"(?:(?P<day>\d{1,2}|[一二三四五六七八九十]{1,3})\s*[日号]?|(?P<part>底|末|上旬|中旬|下旬|份|前|中)?)",
        r"|(?P<quarter>第?[一二三四1-4])\s*季度",
        r"|(?P<half>上半年|下半年)",
        r"|(?P<yearend>年底|年末|年内)",
        r")",
        r"|(?P<bareyear>\d{4})\s*年(?:底|末|内|前)?"
    ))
    .expect("the date pattern is valid")
});

/// Reads a deadline. The date is the last one the text names (a deadline
/// such as "6月底前完成方案，12月底前建成" ends at the later date); `None` when
/// the text names no date (持续推进, 全年, 长期).
pub fn parse(text: &str, plan_year: Option<i32>) -> Deadline {
    let text = text.trim();
    let date = DATE
        .captures_iter(text)
        .filter_map(|caps| resolve(&caps, plan_year))
        .last()
        .map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}"));
    Deadline {
        date,
        text: text.to_string(),
    }
}

fn number(text: &str) -> Option<u32> {
    let text = text.trim_start_matches('第');
    text.parse::<u32>()
        .ok()
        .or_else(|| parse_chinese(text).and_then(|n| u32::try_from(n).ok()))
}

fn resolve(caps: &regex::Captures<'_>, plan_year: Option<i32>) -> Option<(i32, u32, u32)> {
    if let Some(year) = caps.name("bareyear") {
        let year: i32 = year.as_str().parse().ok()?;
        return Some((year, 12, 31));
    }
    let year = match caps.name("year") {
        Some(y) => y.as_str().parse().ok()?,
        None => plan_year?,
    };
    if !(1949..=2200).contains(&year) {
        return None;
    }
    if let Some(month) = caps.name("month") {
        let month = number(month.as_str())?;
        if !(1..=12).contains(&month) {
            return None;
        }
        let last = days_in_month(year, month);
        let day = match (caps.name("day"), caps.name("part").map(|p| p.as_str())) {
            (Some(day), _) => number(day.as_str())?,
            (None, Some("上旬")) => 10,
            (None, Some("中旬")) => 20,
            _ => last,
        };
        return (1..=last).contains(&day).then_some((year, month, day));
    }
    if let Some(quarter) = caps.name("quarter") {
        let quarter = number(quarter.as_str())?;
        let month = quarter * 3;
        return (1..=4)
            .contains(&quarter)
            .then(|| (year, month, days_in_month(year, month)));
    }
    if let Some(half) = caps.name("half") {
        return Some(if half.as_str() == "上半年" {
            (year, 6, 30)
        } else {
            (year, 12, 31)
        });
    }
    caps.name("yearend").map(|_| (year, 12, 31))
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> Option<String> {
        parse(text, Some(2021)).date
    }

    #[test]
    fn reads_the_forms_plans_use() {
        assert_eq!(date("2021年6月底").as_deref(), Some("2021-06-30"));
        assert_eq!(date("2021年6月底前").as_deref(), Some("2021-06-30"));
        assert_eq!(date("年底前").as_deref(), Some("2021-12-31"));
        assert_eq!(date("6月30日前").as_deref(), Some("2021-06-30"));
        assert_eq!(date("9月").as_deref(), Some("2021-09-30"));
        assert_eq!(date("二月底").as_deref(), Some("2021-02-28"));
        assert_eq!(date("2024年2月底").as_deref(), Some("2024-02-29"));
        assert_eq!(date("三季度末").as_deref(), Some("2021-09-30"));
        assert_eq!(date("上半年").as_deref(), Some("2021-06-30"));
        assert_eq!(date("2022年").as_deref(), Some("2022-12-31"));
        assert_eq!(date("2021.10.15").as_deref(), Some("2021-10-15"));
        assert_eq!(date("12月中旬").as_deref(), Some("2021-12-20"));
        assert_eq!(
            date("6月底前完成方案，12月底前建成").as_deref(),
            Some("2021-12-31")
        );
    }

    #[test]
    fn keeps_the_text_when_it_is_not_a_date() {
        for text in ["持续推进", "全年", "长期坚持", "每季度"] {
            let deadline = parse(text, Some(2021));
            assert_eq!(deadline.date, None, "{text}");
            assert_eq!(deadline.text, text);
        }
        assert_eq!(parse("年底前", None).date, None);
        assert_eq!(date("6月31日"), None);
    }
}
