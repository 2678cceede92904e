//! How the office's documents write days, report periods and figures, in
//! one place for the reminders, the bulletin, the ledger and the pages.

use jiff::civil::Date;

use super::period::Period;

/// 2021年6月30日
pub fn date_zh(day: Date) -> String {
    format!("{}年{}月{}日", day.year(), day.month(), day.day())
}

/// 2021年6月, 2021年第2季度
pub fn period_zh(period: Period) -> String {
    match period {
        Period::Month { year, month } => format!("{year}年{month}月"),
        Period::Quarter { year, quarter } => format!("{year}年第{quarter}季度"),
        Period::Week { year, week } => format!("{year}年第{week}周"),
        Period::HalfMonth { year, month, half } => {
            format!(
                "{year}年{month}月{}",
                if half == 1 { "上半月" } else { "下半月" }
            )
        }
    }
}

/// A figure as people write it: 185, 12.5, 0.25 (at most two decimals,
/// no trailing zeros).
pub fn figure(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        return format!("{}", value as i64);
    }
    let text = format!("{value:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_periods_and_figures() {
        assert_eq!(date_zh("2021-06-30".parse().unwrap()), "2021年6月30日");
        assert_eq!(
            period_zh(Period::Month {
                year: 2021,
                month: 6
            }),
            "2021年6月"
        );
        assert_eq!(
            period_zh(Period::Quarter {
                year: 2021,
                quarter: 2
            }),
            "2021年第2季度"
        );
        assert_eq!(figure(185.0), "185");
        assert_eq!(figure(92.5), "92.5");
        assert_eq!(figure(84.7916), "84.79");
        assert_eq!(figure(0.25), "0.25");
    }
}
