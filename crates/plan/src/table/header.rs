//! Which column holds what: header cell names to column kinds, the header row
//! (a second row may name the columns under a merged one), and the kind of
//! each data cell by the grid column it starts at.

use super::{MAX_COLUMNS, grid, is_number, is_space, join_lines};
use crate::blocks::{Cell, Row};

/// What a column holds, judged by its header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Column {
    Number,
    Task,
    Lead,
    Responsible,
    Co,
    Deadline,
    Leader,
    Category,
    Other,
}

/// Header cells longer than this are text, not a column name.
const MAX_HEADER_CHARS: usize = 16;
/// 工作任务, 主要工作内容, 目标任务及措施: task headers are shorter than tasks.
const MAX_TASK_HEADER_CHARS: usize = 8;

fn contains_any(text: &str, words: &[&str]) -> bool {
    words.iter().any(|w| text.contains(w))
}

/// The kind of column a header cell names ("序  号" and "序\n号" too).
pub(super) fn column_of(header: &str) -> Column {
    let h: String = header.chars().filter(|c| !is_space(*c)).collect();
    if h.is_empty() || h.chars().count() > MAX_HEADER_CHARS {
        return Column::Other;
    }
    let deadline_endings = [
        "时限",
        "时间",
        "期限",
        "节点",
        "时限要求",
        "时间要求",
        "进度安排",
        "时间安排",
    ];
    if deadline_endings.iter().any(|e| h.ends_with(e)) {
        Column::Deadline
    } else if h.contains("领导") {
        Column::Leader
    } else if contains_any(&h, &["牵头", "主责", "主办"]) {
        Column::Lead
    } else if contains_any(&h, &["配合", "协办", "参与", "协同", "协助", "会办"]) {
        Column::Co
    } else if contains_any(&h, &["单位", "部门", "责任主体", "承办"]) {
        Column::Responsible
    } else if contains_any(&h, &["责任人", "联系人"]) {
        Column::Leader
    } else if contains_any(&h, &["类别", "领域", "板块", "类型", "分类"]) {
        Column::Category
    } else if matches!(h.as_str(), "序号" | "编号" | "序") {
        Column::Number
    } else if contains_any(
        &h,
        &["任务", "内容", "事项", "措施", "目标", "工作", "项目"],
    ) {
        Column::Task
    } else {
        Column::Other
    }
}

/// Column kinds by grid column when `row` is a header row: at least two
/// known columns, one of them the task.
pub(super) fn header_kinds(row: &Row) -> Option<Vec<Column>> {
    let cells = grid(row);
    let kinds: Vec<Column> = cells.iter().map(|(_, c)| column_of(&c.text)).collect();
    let known = kinds.iter().filter(|k| **k != Column::Other).count();
    // A data row has a number, or a task longer than any column name.
    let looks_like_data = cells.iter().zip(&kinds).any(|((_, c), kind)| {
        let text = join_lines(&c.text);
        is_number(&text) || (*kind == Column::Task && text.chars().count() > MAX_TASK_HEADER_CHARS)
    });
    if known < 2 || !kinds.contains(&Column::Task) || looks_like_data {
        return None;
    }
    let mut by_column = Vec::new();
    for ((start, cell), kind) in cells.iter().zip(kinds) {
        let end = start
            .saturating_add(cell.span.max(1) as usize)
            .min(MAX_COLUMNS);
        by_column.resize(by_column.len().max(end), Column::Other);
        by_column[*start..end].fill(kind);
    }
    Some(by_column)
}

/// A second header row naming the columns under a merged one (责任单位 over
/// 牵头单位 | 配合单位): every cell it fills names a column.
pub(super) fn refine_header(kinds: &mut [Column], row: &Row) -> bool {
    let cells: Vec<(usize, &Cell)> = grid(row)
        .into_iter()
        .filter(|(_, c)| !c.continues_above && !c.text.trim_matches(is_space).is_empty())
        .collect();
    if cells.is_empty()
        || cells
            .iter()
            .any(|(_, c)| column_of(&c.text) == Column::Other)
    {
        return false;
    }
    for (start, cell) in cells {
        if let Some(slot) = kinds.get_mut(start) {
            *slot = column_of(&cell.text);
        }
    }
    true
}

/// The kind of a data cell: the first named column it covers.
pub(super) fn kind_at(kinds: &[Column], start: usize, span: u32) -> Column {
    let end = start.saturating_add(span.max(1) as usize).min(kinds.len());
    kinds
        .get(start..end)
        .and_then(|covered| covered.iter().copied().find(|k| *k != Column::Other))
        .unwrap_or(Column::Other)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::blocks::Table;
    use crate::table::tests::{cell, continued, merged, row, texts};

    #[test]
    fn reads_header_names_with_spaces_and_line_breaks() {
        assert_eq!(column_of("序  号"), Column::Number);
        assert_eq!(column_of("工作\n任务"), Column::Task);
        assert_eq!(column_of("牵头单位"), Column::Lead);
        assert_eq!(column_of("牵头市领导"), Column::Leader);
        assert_eq!(column_of("责任部门"), Column::Responsible);
        assert_eq!(column_of("配合单位"), Column::Co);
        assert_eq!(column_of("完成时限"), Column::Deadline);
        assert_eq!(column_of("时间节点"), Column::Deadline);
        assert_eq!(column_of("项目类别"), Column::Category);
        assert_eq!(column_of("备注"), Column::Other);
    }

    #[test]
    fn a_two_row_header_names_the_unit_columns() {
        let table = Table {
            rows: vec![
                row(
                    1,
                    vec![cell("序号"), cell("重点任务"), merged("责任单位", 2)],
                ),
                row(
                    4,
                    vec![continued(), continued(), cell("牵头单位"), cell("配合单位")],
                ),
                row(
                    8,
                    vec![
                        cell("一"),
                        cell("建设公园"),
                        cell("区绿化市容局"),
                        cell("各街镇"),
                    ],
                ),
            ],
        };
        assert_eq!(
            texts(&table),
            [(
                "1、建设公园（牵头单位：区绿化市容局；配合单位：各街镇）".to_string(),
                8
            )]
        );
    }
}
