//! The document's lines as the importer numbered them, for a preview that
//! shows the source with what was read marked at the same line numbers the
//! spans and warnings carry: text and PDF lines count every source line
//! (blank ones too); a .docx counts its body paragraphs, table cells and
//! empty paragraphs included.

use crate::blocks::Block;
use crate::error::ParseError;
use crate::{Format, OLE_SIGNATURE, docx, pdf, text};

/// One non-blank line of the source, trimmed, at its 1-based number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceLine {
    pub number: u32,
    pub text: String,
}

/// The non-blank lines of a document, numbered as [`crate::parse`] numbers
/// spans and warnings. Fails where `parse` fails to read the bytes.
pub fn source_lines(bytes: &[u8]) -> Result<Vec<SourceLine>, ParseError> {
    if bytes.starts_with(OLE_SIGNATURE) {
        return Err(ParseError::Docx(
            "this is a legacy Word .doc file; save it as .docx and import that".into(),
        ));
    }
    match Format::sniff(bytes) {
        Format::Docx => Ok(docx_lines(docx::read(bytes)?)),
        Format::Pdf => Ok(text_lines(&pdf::extract_text(bytes)?)),
        Format::Text => {
            let decoded = text::decode(bytes)?;
            text::check_is_text(&decoded)?;
            Ok(text_lines(&decoded))
        }
    }
}

fn trimmed(raw: &str) -> &str {
    raw.trim_matches(|c: char| c.is_whitespace() || c == '\u{3000}' || c == '\u{feff}')
}

fn text_lines(text: &str) -> Vec<SourceLine> {
    text.split('\n')
        .enumerate()
        .filter_map(|(index, raw)| {
            let line = trimmed(raw);
            (!line.is_empty()).then(|| SourceLine {
                number: u32::try_from(index + 1).unwrap_or(u32::MAX),
                text: line.to_string(),
            })
        })
        .collect()
}

/// Paragraphs keep their number; a table row's cells hold one text line per
/// paragraph, numbered on from the row's first paragraph.
fn docx_lines(blocks: Vec<Block>) -> Vec<SourceLine> {
    let mut lines = Vec::new();
    for block in blocks {
        match block {
            Block::Paragraph(p) => lines.push(SourceLine {
                number: p.start_line(),
                text: p.text,
            }),
            Block::Table(table) => {
                for row in table.rows {
                    let mut number = row.line;
                    for cell in row.cells {
                        for paragraph in cell.text.split('\n') {
                            let text = trimmed(paragraph);
                            if !text.is_empty() {
                                lines.push(SourceLine {
                                    number,
                                    text: text.to_string(),
                                });
                            }
                            number = number.saturating_add(1);
                        }
                    }
                }
            }
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Registry;

    #[test]
    fn text_lines_carry_the_numbers_of_the_spans() {
        let text = "  标题\n\n一、城市建设\n1、推进旧区改造，\n完成100户。（责任单位：区房管局）\n";
        let lines = source_lines(text.as_bytes()).unwrap();
        let numbers: Vec<u32> = lines.iter().map(|l| l.number).collect();
        assert_eq!(numbers, [1, 3, 4, 5]);
        assert_eq!(lines[0].text, "标题");
        let plan = crate::parse(text.as_bytes(), &Registry::builtin()).unwrap();
        let task = &plan.tasks[0];
        let first = lines.iter().find(|l| l.number == task.span.start_line);
        assert!(first.is_some_and(|l| l.text.starts_with("1、")));
    }

    #[test]
    fn unreadable_bytes_fail_as_parse_does() {
        assert!(matches!(
            source_lines(b"\x00\x01\x02binary"),
            Err(ParseError::Binary { .. })
        ));
        assert!(matches!(
            source_lines(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest"),
            Err(ParseError::Docx(_))
        ));
    }
}
