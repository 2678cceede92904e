//! Plans laid out as a table (序号 | 工作任务 | 牵头单位 | 责任单位 | 完成时限)
//! become paragraphs in the shapes the outline already reads: a heading per
//! category, and per task `N、task（牵头单位：…；责任单位：…；完成时限：…）`,
//! so every rule about tasks, units and deadlines is written once, there.

use crate::blocks::{Cell, Paragraph, Row, Table};
use crate::marker;
use crate::numerals::{parse_chinese, to_chinese};
use crate::text::is_wide;

/// What a column holds, judged by its header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
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

/// Annotation entries in the order the paragraph writes them.
const ANNOTATED: [(Column, &str); 5] = [
    (Column::Lead, "牵头单位"),
    (Column::Responsible, "责任单位"),
    (Column::Co, "配合单位"),
    (Column::Deadline, "完成时限"),
    (Column::Leader, "牵头领导"),
];

/// Header cells longer than this are text, not a column name.
const MAX_HEADER_CHARS: usize = 16;
/// 工作任务, 主要工作内容, 目标任务及措施: task headers are shorter than tasks.
const MAX_TASK_HEADER_CHARS: usize = 8;
/// Category headings are short titles without sentence punctuation.
const MAX_HEADING_CHARS: usize = 40;

fn contains_any(text: &str, words: &[&str]) -> bool {
    words.iter().any(|w| text.contains(w))
}

/// The kind of column a header cell names ("序  号" and "序\n号" too).
fn column_of(header: &str) -> Column {
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

fn is_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{3000}'
}

/// A cell's paragraphs as one line: no space between two CJK characters,
/// one space elsewhere.
fn join_lines(text: &str) -> String {
    let mut out = String::new();
    for line in text
        .split('\n')
        .map(|l| l.trim_matches(is_space))
        .filter(|l| !l.is_empty())
    {
        let wide_seam = out.chars().next_back().is_some_and(is_wide)
            && line.chars().next().is_some_and(is_wide);
        if !out.is_empty() && !wide_seam {
            out.push(' ');
        }
        out.push_str(line);
    }
    out
}

/// A unit list written one unit per line becomes `A、B`.
fn join_units(text: &str) -> String {
    let mut out = String::new();
    for line in text
        .split('\n')
        .map(|l| l.trim_matches(is_space))
        .filter(|l| !l.is_empty())
    {
        if !out.is_empty() && !out.ends_with(['、', '，', ',', '；', ';']) {
            out.push('、');
        }
        out.push_str(line);
    }
    out
}

/// Word tables have at most 63 columns; cells beyond this are not read.
const MAX_COLUMNS: usize = 128;

/// The row's cells with the grid column each starts at.
fn grid(row: &Row) -> Vec<(usize, &Cell)> {
    let mut column = 0usize;
    row.cells
        .iter()
        .map(|cell| {
            let start = column;
            column = column.saturating_add(cell.span.max(1) as usize);
            (start, cell)
        })
        .take_while(|(start, _)| *start < MAX_COLUMNS)
        .collect()
}

/// Column kinds by grid column when `row` is a header row: at least two
/// known columns, one of them the task.
fn header_kinds(row: &Row) -> Option<Vec<Column>> {
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
fn refine_header(kinds: &mut [Column], row: &Row) -> bool {
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
fn kind_at(kinds: &[Column], start: usize, span: u32) -> Column {
    let end = start.saturating_add(span.max(1) as usize).min(kinds.len());
    kinds
        .get(start..end)
        .and_then(|covered| covered.iter().copied().find(|k| *k != Column::Other))
        .unwrap_or(Column::Other)
}

/// Converts a table into paragraphs the outline reads; see the module doc.
/// A table without a recognisable header reads row by row as plain text.
pub fn to_paragraphs(table: &Table) -> Vec<Paragraph> {
    let mut out = Vec::new();
    let Some(header) = table
        .rows
        .iter()
        .position(|row| header_kinds(row).is_some())
    else {
        for row in &table.rows {
            plain(row, &mut out);
        }
        return out;
    };
    for row in &table.rows[..header] {
        plain(row, &mut out);
    }
    let mut kinds = header_kinds(&table.rows[header]).unwrap_or_default();
    let mut first_data = header + 1;
    if let Some(next) = table.rows.get(first_data)
        && refine_header(&mut kinds, next)
    {
        first_data += 1;
    }
    let mut reader = TableReader {
        kinds,
        above: Vec::new(),
        headings: 0,
        last_number: 0,
        category: None,
        out,
    };
    for row in table.rows.iter().skip(first_data) {
        reader.row(row);
    }
    reader.out
}

/// A row outside the tabular part: one paragraph per line when a single cell
/// is filled (a plan typed into a one-cell frame), else the cells side by side.
fn plain(row: &Row, out: &mut Vec<Paragraph>) {
    let filled: Vec<&Cell> = row
        .cells
        .iter()
        .filter(|c| !c.continues_above && !c.text.trim_matches(is_space).is_empty())
        .collect();
    if let [only] = filled.as_slice() {
        // Each paragraph of a cell is one line; the cells before it hold the rest.
        let before: usize = row
            .cells
            .iter()
            .take_while(|c| !std::ptr::eq(*c, *only))
            .map(|c| c.text.split('\n').count())
            .sum();
        for (i, line) in only.text.split('\n').enumerate() {
            let line = line.trim_matches(is_space);
            if !line.is_empty() {
                let offset = u32::try_from(before + i).unwrap_or(u32::MAX);
                out.push(Paragraph::single(
                    line.to_string(),
                    row.line.saturating_add(offset),
                ));
            }
        }
        return;
    }
    let mut texts: Vec<String> = Vec::new();
    for cell in filled {
        let text = join_lines(&cell.text);
        if texts.last() != Some(&text) {
            texts.push(text);
        }
    }
    if !texts.is_empty() {
        out.push(Paragraph::single(texts.join(" "), row.line));
    }
}

/// A data row's values by column kind.
#[derive(Default)]
struct Values {
    number: Option<String>,
    number_continues: bool,
    task: Vec<String>,
    task_continues: bool,
    /// (kind, value, inherited from the row above)
    annotated: Vec<(Column, String, bool)>,
    category: Option<String>,
}

struct TableReader {
    kinds: Vec<Column>,
    /// The last own value of each grid column, for vertically merged cells.
    above: Vec<String>,
    headings: u32,
    last_number: u32,
    category: Option<String>,
    out: Vec<Paragraph>,
}

impl TableReader {
    fn row(&mut self, row: &Row) {
        if self.repeats_header(row) {
            return;
        }
        let filled: Vec<(usize, &Cell)> = grid(row)
            .into_iter()
            .filter(|(_, c)| !c.continues_above && !c.text.trim_matches(is_space).is_empty())
            .collect();
        if filled.is_empty() {
            return;
        }
        if let Some(text) = self.category_row(&filled) {
            if is_heading(&text) {
                self.heading(&text, row.line);
                self.category = None;
            } else {
                self.out.push(Paragraph::single(text, row.line));
            }
            return;
        }
        let values = self.values(row);
        if let Some(category) = values
            .category
            .filter(|c| self.category.as_ref() != Some(c))
        {
            self.heading(&category, row.line);
            self.category = Some(category);
        }
        let own_task = values.task.first().is_some_and(|t| !t.is_empty()) && !values.task_continues;
        let new_task = !values.number_continues && (own_task || values.number.is_some());
        let mut text = if new_task {
            self.number_prefix(values.number.as_deref(), &values.task)
        } else {
            String::new()
        };
        text.push_str(&task_text(&values.task));
        // A continuation with text of its own carries the inherited units too,
        // so the outline keeps it inside the task it continues.
        let with_inherited = new_task || own_task;
        let entries: Vec<String> = ANNOTATED
            .iter()
            .flat_map(|(kind, keyword)| {
                values
                    .annotated
                    .iter()
                    .filter(move |(k, v, inherited)| {
                        k == kind && !v.is_empty() && (with_inherited || !inherited)
                    })
                    .map(move |(_, value, _)| format!("{keyword}：{value}"))
            })
            .collect();
        if !entries.is_empty() {
            text.push_str(&format!("（{}）", entries.join("；")));
        }
        if !text.is_empty() {
            self.out.push(Paragraph::single(text, row.line));
        }
    }

    /// The header printed again (a table pasted page by page): every filled
    /// cell names the column it stands in.
    fn repeats_header(&self, row: &Row) -> bool {
        header_kinds(row).is_some()
            && grid(row).into_iter().all(|(start, cell)| {
                cell.text.trim_matches(is_space).is_empty()
                    || column_of(&cell.text) == kind_at(&self.kinds, start, cell.span)
            })
    }

    /// The text of a row that is one title across the table (merged cells,
    /// or only the first cell filled, or a marked heading in the task column).
    fn category_row(&self, filled: &[(usize, &Cell)]) -> Option<String> {
        let first = join_lines(&filled.first()?.1.text);
        if filled.iter().any(|(_, c)| join_lines(&c.text) != first) || is_number(&first) {
            return None;
        }
        let (start, cell) = filled.first()?;
        let kind = kind_at(&self.kinds, *start, cell.span);
        let merged = filled.len() > 1 || cell.span > 1;
        let first_column = *start == 0 && kind != Column::Task;
        let marked_task_heading =
            kind == Column::Task && marker::detect(&first).is_some() && is_heading(&first);
        (merged || first_column || marked_task_heading).then_some(first)
    }

    /// Emits a category heading: as printed when it carries a marker, else
    /// numbered （一）（二）… so it nests above the tasks.
    fn heading(&mut self, text: &str, line: u32) {
        self.headings += 1;
        let text = if marker::detect(text).is_some() {
            text.to_string()
        } else {
            format!("（{}）{text}", to_chinese(self.headings))
        };
        self.out.push(Paragraph::single(text, line));
    }

    fn values(&mut self, row: &Row) -> Values {
        let mut values = Values::default();
        for (start, cell) in grid(row) {
            let kind = kind_at(&self.kinds, start, cell.span);
            if self.above.len() <= start {
                self.above.resize(start + 1, String::new());
            }
            let own = !cell.continues_above;
            if own {
                self.above[start] = cell.text.clone();
            }
            let raw = &self.above[start];
            match kind {
                Column::Number => {
                    values.number_continues |= !own;
                    let number: String = cell.text.chars().filter(|c| !is_space(*c)).collect();
                    if own && !number.is_empty() {
                        values.number = Some(number);
                    }
                }
                Column::Task => {
                    if values.task.is_empty() {
                        values.task_continues = !own;
                    }
                    values.task.push(if own {
                        join_lines(&cell.text)
                    } else {
                        String::new()
                    });
                }
                Column::Category => {
                    let text = join_lines(raw);
                    if own && !text.is_empty() {
                        values.category = Some(text);
                    }
                }
                Column::Lead | Column::Responsible | Column::Co | Column::Leader => {
                    values.annotated.push((kind, join_units(raw), !own));
                }
                Column::Deadline => values.annotated.push((kind, join_lines(raw), !own)),
                Column::Other => {}
            }
        }
        values
    }

    /// The task's number as printed when the 序号 cell holds one, else the
    /// next in sequence; nothing when the task text carries its own marker.
    fn number_prefix(&mut self, number: Option<&str>, task: &[String]) -> String {
        if let Some(number) = number {
            let probe = format!("{number} 任");
            if let Some(m) = marker::detect(&probe)
                && m.len == number.len() + 1
            {
                self.last_number = m.number;
                return number.to_string();
            }
            let value = if number
                .chars()
                .all(|c| c.is_ascii_digit() || ('０'..='９').contains(&c))
            {
                number
                    .chars()
                    .filter_map(|c| {
                        c.to_digit(10)
                            .or_else(|| Some(u32::from(c) - u32::from('０')))
                    })
                    .try_fold(0u32, |n, d| n.checked_mul(10)?.checked_add(d))
            } else {
                parse_chinese(number).and_then(|n| u32::try_from(n).ok())
            };
            if let Some(value) = value.filter(|v| *v > 0) {
                self.last_number = value;
                return format!("{value}、");
            }
        } else if task.first().is_some_and(|t| marker::detect(t).is_some()) {
            return String::new();
        }
        self.last_number = self.last_number.saturating_add(1);
        format!("{}、", self.last_number)
    }
}

/// The task column's text, with any further task-like columns (目标, 措施)
/// after it as sentences of their own.
fn task_text(parts: &[String]) -> String {
    let mut text = String::new();
    for part in parts.iter().filter(|p| !p.is_empty()) {
        if !text.is_empty() && !text.ends_with(['。', '；', ';', '！', '？', '.']) {
            text.push('。');
        }
        text.push_str(part);
    }
    text
}

fn is_number(text: &str) -> bool {
    !text.is_empty()
        && (text
            .chars()
            .all(|c| c.is_ascii_digit() || ('０'..='９').contains(&c) || c == '.')
            || marker::detect(&format!("{text} 任")).is_some_and(|m| m.len == text.len() + 1))
}

fn is_heading(text: &str) -> bool {
    text.chars().count() <= MAX_HEADING_CHARS && !text.contains(['。', '；', ';'])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(text: &str) -> Cell {
        Cell {
            text: text.to_string(),
            span: 1,
            continues_above: false,
        }
    }

    fn merged(text: &str, span: u32) -> Cell {
        Cell { span, ..cell(text) }
    }

    fn continued() -> Cell {
        Cell {
            continues_above: true,
            ..cell("")
        }
    }

    fn row(line: u32, cells: Vec<Cell>) -> Row {
        Row { cells, line }
    }

    fn texts(table: &Table) -> Vec<(String, u32)> {
        to_paragraphs(table)
            .into_iter()
            .map(|p| (p.text.clone(), p.start_line()))
            .collect()
    }

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
    fn rows_become_annotated_tasks_under_headings() {
        let table = Table {
            rows: vec![
                row(1, vec![merged("2022年重点工作任务", 4)]),
                row(
                    2,
                    vec![
                        cell("序  号"),
                        cell("工作任务"),
                        cell("牵头单位"),
                        cell("责任单位"),
                    ],
                ),
                row(6, vec![merged("经济发展", 4)]),
                row(
                    7,
                    vec![
                        cell("1."),
                        cell("推进\n项目建设"),
                        cell("区发改委"),
                        cell("区商务委\n区科委"),
                    ],
                ),
                row(
                    11,
                    vec![
                        cell(""),
                        cell("优化营商环境"),
                        continued(),
                        cell("区司法局"),
                    ],
                ),
                row(
                    15,
                    vec![continued(), continued(), cell(""), cell("区财政局")],
                ),
            ],
        };
        assert_eq!(
            texts(&table),
            [
                ("2022年重点工作任务".to_string(), 1),
                ("（一）经济发展".to_string(), 6),
                (
                    "1.推进项目建设（牵头单位：区发改委；责任单位：区商务委、区科委）".to_string(),
                    7
                ),
                (
                    "2、优化营商环境（牵头单位：区发改委；责任单位：区司法局）".to_string(),
                    11
                ),
                ("（责任单位：区财政局）".to_string(), 15),
            ]
        );
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

    #[test]
    fn a_table_without_header_reads_as_text() {
        let table = Table {
            rows: vec![
                row(
                    1,
                    vec![cell(
                        "一、重点任务\n\n1、推进建设（责任单位：区建设管理委）",
                    )],
                ),
                row(4, vec![cell("附件"), cell("说明")]),
            ],
        };
        assert_eq!(
            texts(&table),
            [
                ("一、重点任务".to_string(), 1),
                ("1、推进建设（责任单位：区建设管理委）".to_string(), 3),
                ("附件 说明".to_string(), 4),
            ]
        );
    }
}
