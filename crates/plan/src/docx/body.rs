//! The body of `word/document.xml`, read in one pass: paragraphs with their
//! text (deleted text, field codes, hidden runs and drawings left out) and
//! automatic numbers, tables with their merges, and paragraph line numbers.

use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesStart, Event};
use quick_xml::reader::Reader;

use super::numbering::Numbering;
use super::{attr, is_on, local};
use crate::blocks::{Block, Cell, Paragraph, Row, Table};

/// Tables in tables in tables…: real documents nest two or three deep.
const MAX_NESTED_TABLES: usize = 16;

/// Elements whose content is not the text a reader sees: deleted or moved-away
/// text, field codes, tracked property changes, content-control settings,
/// drawings and text boxes, and the fallback copy of alternate content.
fn is_skipped(name: &str) -> bool {
    matches!(
        name,
        "delText"
            | "delInstrText"
            | "instrText"
            | "del"
            | "moveFrom"
            | "sdtPr"
            | "sdtEndPr"
            | "Fallback"
            | "drawing"
            | "pict"
            | "object"
            | "txbxContent"
            | "footnote"
            | "endnote"
    ) || name.ends_with("Change")
}

#[derive(Default)]
struct OpenParagraph {
    line: u32,
    text: String,
    num_id: Option<String>,
    ilvl: Option<usize>,
    style: Option<String>,
}

#[derive(Default)]
struct OpenCell {
    /// One entry per paragraph, empty ones too (see [`Body::close_table`]).
    lines: Vec<String>,
    span: u32,
    continues_above: bool,
    /// Legacy `w:hMerge`: this cell is part of the one before it.
    merged_left: bool,
}

#[derive(Default)]
struct OpenRow {
    cells: Vec<Cell>,
    line: Option<u32>,
    cell: Option<OpenCell>,
}

#[derive(Default)]
struct OpenTable {
    rows: Vec<Row>,
    row: Option<OpenRow>,
}

/// The body reader: one pass over `document.xml`'s events.
pub struct Body {
    numbering: Numbering,
    blocks: Vec<Block>,
    /// Open tables, innermost last.
    tables: Vec<OpenTable>,
    paragraph: Option<OpenParagraph>,
    line: u32,
    depth: usize,
    /// Depth of the skipped element being passed over.
    skip_from: Option<usize>,
    in_run: bool,
    hidden_run: bool,
    in_properties: bool,
    in_text: bool,
}

impl Body {
    pub fn new(numbering: Numbering) -> Body {
        Body {
            numbering,
            blocks: Vec::new(),
            tables: Vec::new(),
            paragraph: None,
            line: 0,
            depth: 0,
            skip_from: None,
            in_run: false,
            hidden_run: false,
            in_properties: false,
            in_text: false,
        }
    }

    /// The blocks of the body in order; the error says where the XML breaks.
    pub fn read(mut self, xml: &str) -> Result<Vec<Block>, String> {
        let mut reader = Reader::from_str(xml);
        loop {
            let event = reader
                .read_event()
                .map_err(|e| format!("{e} (at byte {})", reader.error_position()))?;
            match event {
                Event::Start(e) => {
                    self.open(&e, false);
                    self.depth += 1;
                }
                Event::Empty(e) => self.open(&e, true),
                Event::End(e) => {
                    self.depth = self.depth.saturating_sub(1);
                    self.close(local(e.name().0));
                }
                Event::Text(t) => self.push_text(&t.xml10_content()),
                Event::CData(t) => self.push_text(&t),
                Event::GeneralRef(r) => {
                    let c = match r.resolve_char_ref() {
                        Ok(Some(c)) => c.to_string(),
                        _ => resolve_predefined_entity(&r)
                            .unwrap_or_default()
                            .to_string(),
                    };
                    self.push_text(&c);
                }
                Event::Eof if self.depth > 0 => {
                    return Err("it ends before its elements close (truncated?)".into());
                }
                Event::Eof => break,
                _ => {}
            }
        }
        Ok(self.blocks)
    }

    fn push_text(&mut self, text: &str) {
        if self.in_text
            && self.skip_from.is_none()
            && !self.hidden_run
            && let Some(p) = &mut self.paragraph
        {
            p.text.push_str(text);
        }
    }

    fn cell(&mut self) -> Option<&mut OpenCell> {
        self.tables.last_mut()?.row.as_mut()?.cell.as_mut()
    }

    fn open(&mut self, e: &BytesStart<'_>, empty: bool) {
        if self.skip_from.is_some() {
            return;
        }
        let name = local(e.name().0);
        if is_skipped(name) || (name == "p" && self.paragraph.is_some()) {
            if !empty {
                self.skip_from = Some(self.depth);
            }
            return;
        }
        match name {
            "p" => {
                self.line += 1;
                // Rows enclosing this one learn their line when it closes.
                if let Some(row) = self.tables.last_mut().and_then(|t| t.row.as_mut()) {
                    row.line.get_or_insert(self.line);
                }
                self.paragraph = Some(OpenParagraph {
                    line: self.line,
                    ..OpenParagraph::default()
                });
                if empty {
                    self.close_paragraph();
                }
            }
            "pPr" if !self.in_run => self.in_properties = !empty,
            "numId" | "ilvl" | "pStyle" if self.in_properties => {
                if let Some(p) = &mut self.paragraph {
                    let value = attr(e, "val");
                    match name {
                        "numId" => p.num_id = value,
                        "ilvl" => p.ilvl = value.and_then(|v| v.trim().parse().ok()),
                        _ => p.style = value,
                    }
                }
            }
            "r" => self.in_run = !empty,
            "vanish" if self.in_run => self.hidden_run = is_on(e),
            "t" if self.in_run => self.in_text = !empty,
            "tab" | "ptab" | "br" | "cr" if self.in_run && !self.hidden_run => {
                if let Some(p) = &mut self.paragraph {
                    p.text.push(' ');
                }
            }
            "noBreakHyphen" if self.in_run => {
                if let Some(p) = &mut self.paragraph {
                    p.text.push('-');
                }
            }
            // Tables nested deeper than any document needs are passed over.
            "tbl" if !empty && self.tables.len() >= MAX_NESTED_TABLES => {
                self.skip_from = Some(self.depth);
            }
            "tbl" if !empty => self.tables.push(OpenTable::default()),
            "tr" if !empty => {
                if let Some(table) = self.tables.last_mut() {
                    table.row = Some(OpenRow::default());
                }
            }
            "tc" => {
                if let Some(row) = self.tables.last_mut().and_then(|t| t.row.as_mut()) {
                    row.cell = Some(OpenCell {
                        span: 1,
                        ..OpenCell::default()
                    });
                }
                if empty {
                    self.close("tc");
                }
            }
            "gridSpan" => {
                let span = attr(e, "val").and_then(|v| v.trim().parse::<u32>().ok());
                if let (Some(cell), Some(span)) = (self.cell(), span) {
                    cell.span = span.clamp(1, 1000);
                }
            }
            "vMerge" | "hMerge" => {
                let continues = attr(e, "val").as_deref() != Some("restart");
                if let Some(cell) = self.cell() {
                    if name == "vMerge" {
                        cell.continues_above = continues;
                    } else {
                        cell.merged_left = continues;
                    }
                }
            }
            _ => {}
        }
    }

    fn close(&mut self, name: &str) {
        if let Some(from) = self.skip_from {
            if from == self.depth {
                self.skip_from = None;
            }
            return;
        }
        match name {
            "p" => self.close_paragraph(),
            "pPr" => self.in_properties = false,
            "r" => {
                self.in_run = false;
                self.hidden_run = false;
            }
            "t" => self.in_text = false,
            "tc" => {
                let Some(row) = self.tables.last_mut().and_then(|t| t.row.as_mut()) else {
                    return;
                };
                let Some(cell) = row.cell.take() else { return };
                let text = cell.lines.join("\n");
                match row.cells.last_mut() {
                    Some(previous) if cell.merged_left => {
                        previous.text.push('\n');
                        previous.text.push_str(&text);
                        previous.span = previous.span.saturating_add(cell.span);
                    }
                    _ => row.cells.push(Cell {
                        text,
                        span: cell.span,
                        continues_above: cell.continues_above,
                    }),
                }
            }
            "tr" => {
                let line = self.line;
                if let Some(table) = self.tables.last_mut()
                    && let Some(row) = table.row.take()
                    && !row.cells.is_empty()
                {
                    table.rows.push(Row {
                        cells: row.cells,
                        line: row.line.unwrap_or(line),
                    });
                }
            }
            "tbl" => self.close_table(),
            _ => {}
        }
    }

    fn close_paragraph(&mut self) {
        let Some(p) = self.paragraph.take() else {
            return;
        };
        self.in_properties = false;
        let mut text = self
            .numbering
            .label(p.num_id.as_deref(), p.ilvl, p.style.as_deref());
        text.push_str(&p.text);
        let text = text
            .trim_matches(|c: char| c.is_whitespace() || c == '\u{3000}')
            .to_string();
        if let Some(cell) = self.cell() {
            cell.lines.push(text);
        } else if !text.is_empty() {
            self.blocks
                .push(Block::Paragraph(Paragraph::single(text, p.line)));
        }
    }

    /// A table nested in a cell is flattened into the cell's text, one line
    /// per paragraph, so paragraph `j` of a cell is line `row.line + j` plus
    /// the lines of the cells before it.
    fn close_table(&mut self) {
        let Some(table) = self.tables.pop() else {
            return;
        };
        if table.rows.is_empty() {
            return;
        }
        let first_line = table.rows.first().map(|row| row.line);
        if let Some(row) = self.tables.last_mut().and_then(|t| t.row.as_mut())
            && let Some(cell) = row.cell.as_mut()
        {
            if let Some(line) = first_line {
                row.line.get_or_insert(line);
            }
            for nested in table.rows {
                cell.lines.extend(nested.cells.into_iter().map(|c| c.text));
            }
        } else {
            self.blocks.push(Block::Table(Table { rows: table.rows }));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(xml: &str) -> Vec<Block> {
        let document = format!(
            r#"<?xml version="1.0"?><w:document xmlns:w="w"><w:body>{xml}</w:body></w:document>"#
        );
        Body::new(Numbering::default())
            .read(&document)
            .expect("well-formed")
    }

    fn texts(blocks: &[Block]) -> Vec<(String, u32)> {
        blocks
            .iter()
            .filter_map(|b| match b {
                Block::Paragraph(p) => Some((p.text.clone(), p.start_line())),
                Block::Table(_) => None,
            })
            .collect()
    }

    #[test]
    fn skips_deleted_text_field_codes_and_hidden_runs() {
        let blocks = body(
            r#"<w:p><w:r><w:t>推进</w:t></w:r><w:del><w:r><w:delText>删除</w:delText></w:r></w:del>
               <w:ins><w:r><w:t xml:space="preserve">建设 </w:t></w:r></w:ins>
               <w:r><w:instrText>PAGE</w:instrText></w:r><w:r><w:rPr><w:vanish/></w:rPr><w:t>隐藏</w:t></w:r>
               <w:r><w:t>A&amp;B</w:t><w:br/><w:t>C</w:t></w:r></w:p>
               <w:p/><w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="420"/></w:tabs></w:pPr><w:r><w:t>第三段</w:t></w:r></w:p>"#,
        );
        assert_eq!(
            texts(&blocks),
            [("推进建设 A&B C".to_string(), 1), ("第三段".to_string(), 3)]
        );
    }

    #[test]
    fn tables_keep_merges_and_count_cell_paragraphs() {
        let blocks = body(
            r#"<w:p><w:r><w:t>标题</w:t></w:r></w:p>
               <w:tbl><w:tr><w:tc><w:tcPr><w:gridSpan w:val="2"/></w:tcPr><w:p><w:r><w:t>一</w:t></w:r></w:p><w:p/></w:tc></w:tr>
               <w:tr><w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc>
                     <w:tc><w:tbl><w:tr><w:tc><w:p><w:r><w:t>内</w:t></w:r></w:p></w:tc></w:tr></w:tbl><w:p/></w:tc></w:tr></w:tbl>"#,
        );
        let Some(Block::Table(table)) = blocks.get(1) else {
            panic!("a table after the title: {blocks:?}");
        };
        assert_eq!(table.rows[0].line, 2);
        assert_eq!(table.rows[0].cells[0].span, 2);
        assert_eq!(table.rows[0].cells[0].text, "一\n");
        assert_eq!(table.rows[1].line, 4);
        assert!(table.rows[1].cells[0].continues_above);
        assert_eq!(table.rows[1].cells[1].text, "内\n");
    }

    #[test]
    fn rejects_unclosed_elements() {
        let document = r#"<w:document xmlns:w="w"><w:body><w:p><w:r><w:t>半"#;
        assert!(Body::new(Numbering::default()).read(document).is_err());
    }
}
