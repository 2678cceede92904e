//! The bulletin's words for the record's codes: a finding's action, and why
//! a unit's assignment is red, as an office writes them.

use crate::domain::bulletin_period::{BulletinPeriod, date_zh};
use crate::domain::red_reasons::RedReason;
use crate::service::bulletin::RedLine;

pub fn action_zh(action: &str) -> &'static str {
    match action {
        "reminder" => "提醒",
        "service" => "服务",
        _ => "整改",
    }
}

/// One reason said in Chinese, with the unit it concerns.
pub fn reason(line: &RedLine) -> String {
    let what = |kind: &str| {
        line.what
            .as_ref()
            .map_or_else(|| kind.to_string(), |w| format!("{kind}“{w}”"))
    };
    let text = match line.reason {
        RedReason::YearOver { year } => format!("{year}年度已结束，任务尚未办结销号"),
        RedReason::DeadlinePassed { deadline } => {
            format!("办理时限为{}，逾期未办结", date_zh(deadline))
        }
        RedReason::OverdueMeasure { deadline } => {
            format!(
                "{}时限为{}，逾期未完成",
                what("细化措施"),
                date_zh(deadline)
            )
        }
        RedReason::OverdueRectification { deadline } => {
            format!(
                "{}整改时限为{}，逾期未整改销号",
                what("督查整改意见"),
                date_zh(deadline)
            )
        }
        RedReason::MissedReport { period, due } => {
            let name = period
                .to_string()
                .parse::<BulletinPeriod>()
                .map_or_else(|_| period.to_string(), |p| p.label_zh());
            format!("{name}进展报告报送时限为{}，逾期未报", date_zh(due))
        }
    };
    format!(
        "{}{text}",
        if line.unit.is_empty() {
            String::new()
        } else {
            format!("{}：", line.unit)
        }
    )
}
