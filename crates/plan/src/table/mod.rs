//! Plans laid out as a table (序号 | 工作任务 | 牵头单位 | 责任单位 | 完成时限)
//! become paragraphs in the shapes the outline already reads: a heading per
//! category, and per task `N、task（牵头单位：…；责任单位：…；完成时限：…）`,
//! so every rule about tasks, units and deadlines is written once, there.
//!
//! `header` finds the header row and the kind of each column; `rows` turns
//! the data rows under it into paragraphs. Rows before the header, and tables
//! without one, read as plain text.

mod header;
mod rows;

use crate::blocks::{Cell, Paragraph, Row, Table};
use crate::marker;
use crate::text::is_wide;
use header::{header_kinds, refine_header};
use rows::TableReader;

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
    let mut reader = TableReader::new(kinds, out);
    for row in table.rows.iter().skip(first_data) {
        reader.row(row);
    }
    reader.into_paragraphs()
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

/// Spacing in cell text, the full-width space included.
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

/// A cell that holds only a task number: digits, or a whole marker (一、, （1）).
fn is_number(text: &str) -> bool {
    !text.is_empty()
        && (text
            .chars()
            .all(|c| c.is_ascii_digit() || ('０'..='９').contains(&c) || c == '.')
            || marker::detect(&format!("{text} 任")).is_some_and(|m| m.len == text.len() + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(super) fn cell(text: &str) -> Cell {
        Cell {
            text: text.to_string(),
            span: 1,
            continues_above: false,
        }
    }

    pub(super) fn merged(text: &str, span: u32) -> Cell {
        Cell { span, ..cell(text) }
    }

    pub(super) fn continued() -> Cell {
        Cell {
            continues_above: true,
            ..cell("")
        }
    }

    pub(super) fn row(line: u32, cells: Vec<Cell>) -> Row {
        Row { cells, line }
    }

    pub(super) fn texts(table: &Table) -> Vec<(String, u32)> {
        to_paragraphs(table)
            .into_iter()
            .map(|p| (p.text.clone(), p.start_line()))
            .collect()
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
