//! The bulletin (督查通报) as a .docx laid out after the party and government
//! document format (GB/T 9704) as far as a generated file reasonably goes:
//! A4 with margins 37 / 35 / 28 / 26 mm (top, bottom, left, right), the
//! title in 方正小标宋简体 22 pt centred, the issuing office and 文号 under it,
//! the body in 仿宋_GB2312 16 pt on a fixed 28.95 pt line, first-level
//! headings in 黑体, second-level in 楷体_GB2312, tables in 仿宋 12 pt with
//! borders, the office and date at the end on the right, and the page number
//! as "— 1 —" in the footer. Pure: a document in, bytes out.
//!
//! A run names its east-asian font (仿宋_GB2312, 楷体_GB2312, 方正小标宋简体)
//! and, for Latin text and as the fallback where that font is missing, the
//! font every Chinese system has (仿宋, 楷体, 宋体).

use std::io::Cursor;

use docx_rs::{
    AlignmentType, Docx, FieldCharType, Footer, InstrPAGE, InstrText, LineSpacing, LineSpacingType,
    PageMargin, Paragraph, Run, RunFonts, Table, TableCell, TableLayoutType, TableRow, WidthType,
};

use super::bulletin_text::{Block, BulletinDoc};

/// The media type of a .docx.
pub const CONTENT_TYPE: &str =
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/// Twentieths of a point per millimetre.
fn mm(millimetres: f64) -> i32 {
    (millimetres * 1440.0 / 25.4).round() as i32
}

/// A4 in twentieths of a point.
const A4: (u32, u32) = (11906, 16838);
/// The text block's width: 210 mm less 28 and 26 mm.
const TEXT_WIDTH: u32 = 8844;
/// 22 lines on the page: a fixed line of 28.95 pt.
const LINE: i32 = 579;

/// (east-asian font, its fallback and Latin font)
const FANGSONG: (&str, &str) = ("仿宋_GB2312", "仿宋");
const HEITI: (&str, &str) = ("黑体", "黑体");
const KAITI: (&str, &str) = ("楷体_GB2312", "楷体");
const XIAOBIAOSONG: (&str, &str) = ("方正小标宋简体", "宋体");

fn fonts((east, latin): (&str, &str)) -> RunFonts {
    RunFonts::new()
        .east_asia(east)
        .ascii(latin)
        .hi_ansi(latin)
        .cs(latin)
}

/// A run of text in a font at a size in points.
fn run(text: &str, font: (&str, &str), points: usize) -> Run {
    Run::new()
        .add_text(text)
        .fonts(fonts(font))
        .size(points * 2)
}

fn line(spacing: i32) -> LineSpacing {
    LineSpacing::new()
        .line(spacing)
        .line_rule(LineSpacingType::Exact)
}

fn body(text: &str) -> Paragraph {
    Paragraph::new()
        .add_run(run(text, FANGSONG, 16))
        .line_spacing(line(LINE))
        .first_line_chars(200)
        .align(AlignmentType::Both)
}

fn centred(text: &str, font: (&str, &str), points: usize) -> Paragraph {
    Paragraph::new()
        .add_run(run(text, font, points))
        .line_spacing(line(LINE))
        .align(AlignmentType::Center)
}

fn blank() -> Paragraph {
    Paragraph::new().line_spacing(line(LINE))
}

/// "— 1 —": the PAGE field between two em dashes, in 宋体 14 pt (4号).
fn page_number() -> Footer {
    let size = 28;
    let song = fonts(("宋体", "宋体"));
    let field = Run::new()
        .fonts(song.clone())
        .size(size)
        .add_field_char(FieldCharType::Begin, false)
        .add_instr_text(InstrText::PAGE(InstrPAGE::new()))
        .add_field_char(FieldCharType::Separate, false)
        .add_text("1")
        .add_field_char(FieldCharType::End, false);
    Footer::new().add_paragraph(
        Paragraph::new()
            .align(AlignmentType::Center)
            .add_run(Run::new().fonts(song.clone()).size(size).add_text("— "))
            .add_run(field)
            .add_run(Run::new().fonts(song).size(size).add_text(" —")),
    )
}

fn table(widths: &[u32], header: &[String], rows: &[Vec<String>]) -> Table {
    let parts: u32 = widths.iter().sum::<u32>().max(1);
    let grid: Vec<usize> = widths
        .iter()
        .map(|w| (TEXT_WIDTH * w / parts) as usize)
        .collect();
    let cell = |text: &str, width: usize, head: bool| {
        let mut r = run(text, if head { HEITI } else { FANGSONG }, 12);
        if head {
            r = r.bold();
        }
        TableCell::new()
            .width(width, WidthType::Dxa)
            .add_paragraph(Paragraph::new().add_run(r).align(AlignmentType::Center))
    };
    let row = |texts: &[String], head: bool| {
        TableRow::new(
            texts
                .iter()
                .zip(&grid)
                .map(|(t, w)| cell(t, *w, head))
                .collect(),
        )
    };
    let mut all = vec![row(header, true)];
    all.extend(rows.iter().map(|r| row(r, false)));
    Table::new(all)
        .set_grid(grid.clone())
        .layout(TableLayoutType::Fixed)
        .width(TEXT_WIDTH as usize, WidthType::Dxa)
        .align(docx_rs::TableAlignmentType::Center)
}

/// A form's fields: the label column a fifth of the width, the value left-aligned.
fn fields(fields: &[(String, String)]) -> Table {
    let grid = vec![(TEXT_WIDTH / 5) as usize, (TEXT_WIDTH * 4 / 5) as usize];
    let rows = fields
        .iter()
        .map(|(label, value)| {
            let label = TableCell::new()
                .width(grid[0], WidthType::Dxa)
                .add_paragraph(
                    Paragraph::new()
                        .add_run(run(label, HEITI, 14))
                        .align(AlignmentType::Center),
                );
            // A value of several lines keeps them as paragraphs.
            let mut value_cell = TableCell::new().width(grid[1], WidthType::Dxa);
            for line in value.lines() {
                value_cell = value_cell.add_paragraph(
                    Paragraph::new()
                        .add_run(run(line, FANGSONG, 14))
                        .align(AlignmentType::Both),
                );
            }
            TableRow::new(vec![label, value_cell])
        })
        .collect();
    Table::new(rows)
        .set_grid(grid)
        .layout(TableLayoutType::Fixed)
        .width(TEXT_WIDTH as usize, WidthType::Dxa)
        .align(docx_rs::TableAlignmentType::Center)
}

/// The document as .docx bytes.
pub fn write(doc: &BulletinDoc) -> std::io::Result<Vec<u8>> {
    let mut docx = Docx::new()
        .page_size(A4.0, A4.1)
        .page_margin(PageMargin {
            top: mm(37.0),
            bottom: mm(35.0),
            left: mm(28.0),
            right: mm(26.0),
            header: mm(15.0),
            footer: mm(28.0) - LINE,
            gutter: 0,
        })
        .default_fonts(fonts(FANGSONG))
        .default_size(32)
        .footer(page_number());
    docx = docx
        .add_paragraph(centred(&doc.office, FANGSONG, 16))
        .add_paragraph(match &doc.number {
            Some(number) => centred(number, FANGSONG, 16),
            None => blank(),
        })
        .add_paragraph(blank())
        .add_paragraph(
            Paragraph::new()
                .add_run(run(&doc.title, XIAOBIAOSONG, 22))
                .line_spacing(line(700))
                .align(AlignmentType::Center),
        )
        .add_paragraph(blank());
    for block in &doc.blocks {
        match block {
            Block::Heading(text) => {
                docx = docx.add_paragraph(
                    Paragraph::new()
                        .add_run(run(text, HEITI, 16))
                        .line_spacing(line(LINE))
                        .first_line_chars(200)
                        .keep_next(true),
                );
            }
            Block::Subheading(text) => {
                docx = docx.add_paragraph(
                    Paragraph::new()
                        .add_run(run(text, KAITI, 16))
                        .line_spacing(line(LINE))
                        .first_line_chars(200)
                        .keep_next(true),
                );
            }
            Block::Paragraph(text) => docx = docx.add_paragraph(body(text)),
            Block::Table {
                widths,
                header,
                rows,
            } => {
                docx = docx
                    .add_table(table(widths, header, rows))
                    .add_paragraph(blank());
            }
            Block::Fields(list) => {
                docx = docx.add_table(fields(list)).add_paragraph(blank());
            }
        }
    }
    let right = |text: &str| {
        Paragraph::new()
            .add_run(run(text, FANGSONG, 16))
            .line_spacing(line(LINE))
            .align(AlignmentType::Right)
            // 右空四字: four 16 pt characters from the right margin.
            .indent(None, None, Some(4 * 320), None)
    };
    docx = docx
        .add_paragraph(blank())
        .add_paragraph(blank())
        .add_paragraph(right(&doc.office))
        .add_paragraph(right(&doc.date));
    let mut bytes = Cursor::new(Vec::new());
    docx.build()
        .pack(&mut bytes)
        .map_err(std::io::Error::other)?;
    Ok(bytes.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_a_docx_with_the_layout_and_the_text() {
        let doc = BulletinDoc {
            title: "关于2021年6月重点任务推进情况的督查通报".into(),
            number: Some("督查通报〔2021〕6号".into()),
            office: "区委督查室".into(),
            date: "2021年7月8日".into(),
            blocks: vec![
                Block::Heading("一、总体情况".into()),
                Block::Paragraph("共有重点任务33项。".into()),
                Block::Table {
                    widths: vec![1, 1],
                    header: vec!["类别".into(), "任务数".into()],
                    rows: vec![vec!["一、城市更新".into(), "3".into()]],
                },
            ],
        };
        let bytes = write(&doc).unwrap();
        assert_eq!(&bytes[..2], b"PK");
        let text = String::from_utf8_lossy(&bytes);
        // The document part is deflated; its name is not.
        assert!(text.contains("word/document.xml"));
        assert!(
            text.contains("word/footer1.xml"),
            "page numbers in a footer"
        );
    }
}
