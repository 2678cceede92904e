//! The ledger workbook's fixed layout (台账), shared by the writer and the
//! reader so the two cannot drift: the sheet, its rows and columns, and the
//! marks written into cells.
//!
//! One row per measure: the task's cells (序号, 任务类别, 重点任务, 牵头单位)
//! are merged down over the task's rows, a unit's (责任单位, 进展情况, 状态)
//! over that unit's rows; 细化措施, 责任人 and 时间节点 stand on every row.
//! A hidden column (编号) carries each measure's id, so an edited row finds
//! its measure again and a row without one is a new measure.

use crate::domain::light::Light;

pub const SHEET: &str = "台账";

/// The header row, in column order; the last column is hidden.
pub const HEADERS: [&str; 11] = [
    "序号",
    "任务类别",
    "重点任务",
    "牵头单位",
    "责任单位",
    "细化措施",
    "责任人",
    "时间节点",
    "进展情况",
    "状态",
    "编号",
];

pub const COL_NUMBER: u16 = 0;
pub const COL_CATEGORY: u16 = 1;
pub const COL_TASK: u16 = 2;
pub const COL_LEADS: u16 = 3;
pub const COL_UNIT: u16 = 4;
pub const COL_MEASURE: u16 = 5;
pub const COL_PERSON: u16 = 6;
pub const COL_DEADLINE: u16 = 7;
pub const COL_PROGRESS: u16 = 8;
pub const COL_LIGHT: u16 = 9;
pub const COL_ID: u16 = 10;
/// The last printed column (状态).
pub const LAST_VISIBLE: u16 = COL_LIGHT;

/// Column widths in characters, in column order.
pub const WIDTHS: [f64; 11] = [
    6.0, 12.0, 40.0, 13.0, 13.0, 36.0, 10.0, 14.0, 30.0, 9.0, 8.0,
];

/// 0-based rows: the title, the date and scope line, the header; data below.
pub const TITLE_ROW: u32 = 0;
pub const INFO_ROW: u32 = 1;
pub const HEADER_ROW: u32 = 2;
pub const FIRST_DATA_ROW: u32 = 3;

/// Written in the hidden column of the title row: whose ledger this is.
pub const MARKER_PREFIX: &str = "duban-ledger plan=";

/// Appended to a done measure's description; adding or removing it marks
/// the measure done or not.
pub const DONE_MARK: &str = "（已完成）";

/// The column's letter as Excel names it (A, B, …).
pub fn letter(col: u16) -> char {
    char::from(b'A' + col.min(25) as u8)
}

/// The light's word in 状态 and its fill colour (RGB).
pub fn light_word(light: Light) -> (&'static str, u32) {
    match light {
        Light::Green => ("正常推进", 0xC6EFCE),
        Light::Yellow => ("预警", 0xFFEB9C),
        Light::Red => ("滞后", 0xFFC7CE),
        Light::Done => ("已办结", 0xDDEBF7),
    }
}

/// 进展情况 as written: the latest report, "［2021-05］narrative".
pub fn progress_text(period: &str, narrative: &str) -> String {
    format!("［{period}］{narrative}")
}

/// 进展情况 as read back: the narrative without a leading "［period］"
/// (full-width or ASCII brackets), trimmed.
pub fn progress_narrative(cell: &str) -> &str {
    let cell = cell.trim();
    let rest = ["［", "["].iter().find_map(|open| {
        let inner = cell.strip_prefix(open)?;
        let (period, rest) = inner.split_once('］').or_else(|| inner.split_once(']'))?;
        period
            .trim()
            .parse::<crate::domain::period::Period>()
            .ok()
            .map(|_| rest)
    });
    rest.unwrap_or(cell).trim()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_period_prefix_is_stripped_only_when_it_is_one() {
        let written = progress_text("2021-05", "完成开工 80 台");
        assert_eq!(progress_narrative(&written), "完成开工 80 台");
        assert_eq!(progress_narrative(" [2021-Q2] 推进中 "), "推进中");
        assert_eq!(progress_narrative("［注］推进中"), "［注］推进中");
        assert_eq!(progress_narrative(""), "");
    }
}
