//! Dates as people type them into a spreadsheet: real date cells (serial
//! numbers, also typed as 45473), 2021/6/30, 2021-06-30, 2021.6.30,
//! 2021年6月30日, 2021年6月底 (the month's last day), 6月30日 and 6月底 (in the
//! plan's year), 2021年底; a trailing 前 ("6月底前") is read as the same day.

use jiff::ToSpan;
use jiff::civil::Date;

/// The message for a value that is not a date.
fn not_a_date(text: &str) -> String {
    format!("“{text}”不是日期：请写成 2021-06-30、2021/6/30、2021年6月30日 或 2021年6月底")
}

/// An Excel serial day number (1900 date system) as a date.
pub fn from_serial(serial: f64) -> Result<Date, String> {
    let shown = if serial.fract() == 0.0 {
        format!("{serial:.0}")
    } else {
        serial.to_string()
    };
    // 1990-01-01 ..= 2100-12-31: anything else is a number, not a deadline.
    if !(32874.0..=73415.0).contains(&serial.floor()) {
        return Err(not_a_date(&shown));
    }
    let epoch = jiff::civil::date(1899, 12, 30);
    epoch
        .checked_add((serial.floor() as i64).days())
        .map_err(|_| not_a_date(&shown))
}

/// A typed date; `plan_year` completes one written without its year.
pub fn parse_text(text: &str, plan_year: Option<i16>) -> Result<Date, String> {
    let original = text.trim();
    let text: String = original
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            '／' => '/',
            '－' | '—' => '-',
            '．' => '.',
            c if c.is_whitespace() => ' ',
            c => c,
        })
        .filter(|c| *c != ' ')
        .collect();
    let text = text.strip_suffix('前').unwrap_or(&text);
    let fail = || not_a_date(original);
    if !text.is_empty() && text.chars().all(|c| c.is_ascii_digit() || c == '.') {
        if let Ok(serial) = text.parse::<f64>() {
            if text.len() == 5 || text.contains('.') && text.len() > 8 {
                return from_serial(serial);
            }
        }
    }
    if let Some(date) = numeric(text) {
        return date.ok_or_else(fail);
    }
    chinese(text, plan_year).ok_or_else(fail)
}

/// 2021/6/30, 2021-06-30, 2021.6.30: `Some(None)` when shaped so but impossible.
fn numeric(text: &str) -> Option<Option<Date>> {
    let sep = ['/', '-', '.'].into_iter().find(|s| text.contains(*s))?;
    let parts: Vec<&str> = text.split(sep).collect();
    if parts.len() != 3 || parts.iter().any(|p| p.is_empty()) {
        return None;
    }
    let numbers: Option<Vec<i64>> = parts.iter().map(|p| p.parse().ok()).collect();
    let n = numbers?;
    Some(ymd(n[0], n[1], n[2]))
}

fn ymd(year: i64, month: i64, day: i64) -> Option<Date> {
    if !(1990..=2100).contains(&year) {
        return None;
    }
    Date::new(
        year as i16,
        i8::try_from(month).ok()?,
        i8::try_from(day).ok()?,
    )
    .ok()
}

fn last_day(year: i64, month: i64) -> Option<Date> {
    Some(ymd(year, month, 1)?.last_of_month())
}

/// 2021年6月30日, 2021年6月底, 2021年6月, 6月30日, 6月底, 2021年底.
fn chinese(text: &str, plan_year: Option<i16>) -> Option<Date> {
    if matches!(text, "年底" | "年末") {
        return ymd(i64::from(plan_year?), 12, 31);
    }
    let (year, rest) = match text.split_once('年') {
        Some((year, rest)) => (year.parse::<i64>().ok()?, rest),
        None => (i64::from(plan_year?), text),
    };
    if matches!(rest, "底" | "末" | "年底" | "年末") {
        return ymd(year, 12, 31);
    }
    let (month, rest) = rest.split_once('月')?;
    let month: i64 = month.parse().ok()?;
    match rest {
        "" | "底" | "末" => last_day(year, month),
        day => {
            let day = day.strip_suffix(['日', '号']).unwrap_or(day);
            ymd(year, month, day.parse().ok()?)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> Result<String, String> {
        parse_text(text, Some(2021)).map(|d| d.to_string())
    }

    #[test]
    fn the_ways_people_type_a_deadline() {
        for text in [
            "2021/6/30",
            "2021-06-30",
            "2021.6.30",
            "2021年6月30日",
            "2021年6月底",
            "2021年6月底前",
            "2021年6月",
            "6月30日",
            "6月30号",
            "6月底",
            "２０２１年６月３０日",
            " 2021 / 6 / 30 ",
            "44377",
        ] {
            assert_eq!(d(text).as_deref(), Ok("2021-06-30"), "{text}");
        }
        assert_eq!(d("2021年2月底").as_deref(), Ok("2021-02-28"));
        assert_eq!(d("2024年2月底").as_deref(), Ok("2024-02-29"));
        assert_eq!(d("年底").as_deref(), Ok("2021-12-31"));
        assert_eq!(d("2021年底").as_deref(), Ok("2021-12-31"));
        assert_eq!(
            from_serial(45473.0).map(|d| d.to_string()).as_deref(),
            Ok("2024-06-30")
        );
    }

    #[test]
    fn what_is_not_a_date_says_so() {
        for text in [
            "下月",
            "2021/13/1",
            "2021/2/30",
            "6/30",
            "12",
            "1899/1/1",
            "六月底",
        ] {
            let error = d(text).expect_err(text);
            assert!(
                error.contains(&format!("“{}”不是日期", text.trim())),
                "{error}"
            );
        }
        assert!(parse_text("6月30日", None).is_err());
        assert!(from_serial(12.0).is_err());
    }
}
