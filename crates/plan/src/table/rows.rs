//! Data rows to paragraphs: category rows and a category column as headings,
//! task numbers as printed or in sequence, unit and deadline columns as an
//! annotation, and vertically merged cells inheriting the value above.

use super::header::{Column, column_of, header_kinds, kind_at};
use super::{grid, is_number, is_space, join_lines};
use crate::blocks::{Cell, Paragraph, Row};
use crate::marker;
use crate::numerals::{parse_chinese, to_chinese};

/// Annotation entries in the order the paragraph writes them.
const ANNOTATED: [(Column, &str); 5] = [
    (Column::Lead, "牵头单位"),
    (Column::Responsible, "责任单位"),
    (Column::Co, "配合单位"),
    (Column::Deadline, "完成时限"),
    (Column::Leader, "牵头领导"),
];

/// Category headings are short titles without sentence punctuation.
const MAX_HEADING_CHARS: usize = 40;

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

pub(super) struct TableReader {
    kinds: Vec<Column>,
    /// The last own value of each grid column, for vertically merged cells.
    above: Vec<String>,
    headings: u32,
    last_number: u32,
    category: Option<String>,
    out: Vec<Paragraph>,
}

impl TableReader {
    /// Reads the data rows under a header that named `kinds`, appending to `out`.
    pub(super) fn new(kinds: Vec<Column>, out: Vec<Paragraph>) -> Self {
        TableReader {
            kinds,
            above: Vec::new(),
            headings: 0,
            last_number: 0,
            category: None,
            out,
        }
    }

    /// The paragraphs written so far, the rows before the header first.
    pub(super) fn into_paragraphs(self) -> Vec<Paragraph> {
        self.out
    }

    pub(super) fn row(&mut self, row: &Row) {
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

fn is_heading(text: &str) -> bool {
    text.chars().count() <= MAX_HEADING_CHARS && !text.contains(['。', '；', ';'])
}

#[cfg(test)]
mod tests {
    use crate::blocks::Table;
    use crate::table::tests::{cell, continued, merged, row, texts};

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
}
