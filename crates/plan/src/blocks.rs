//! The common shape every input format is brought to before the plan is read:
//! paragraphs of reflowed text that remember their source lines, and tables.

/// Where a piece of paragraph text came from: text from `offset` (bytes) on
/// was on source line `line` (1-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineMark {
    pub offset: usize,
    pub line: u32,
}

/// One logical paragraph: hard wraps removed, its source lines remembered.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Paragraph {
    pub text: String,
    /// Ascending by offset; never empty for a paragraph built from a source.
    pub lines: Vec<LineMark>,
}

impl Paragraph {
    /// A paragraph that sits on a single source line (docx paragraphs, table cells).
    pub fn single(text: String, line: u32) -> Self {
        Paragraph {
            text,
            lines: vec![LineMark { offset: 0, line }],
        }
    }

    pub fn start_line(&self) -> u32 {
        self.lines.first().map_or(0, |mark| mark.line)
    }

    pub fn end_line(&self) -> u32 {
        self.lines.last().map_or(0, |mark| mark.line)
    }

    /// The source line that holds the byte at `offset` of `text`.
    pub fn line_at(&self, offset: usize) -> u32 {
        let index = self.lines.partition_point(|mark| mark.offset <= offset);
        self.lines
            .get(index.saturating_sub(1))
            .map_or(0, |mark| mark.line)
    }
}

/// A table cell; horizontally merged cells appear once with their `span`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Cell {
    pub text: String,
    /// Grid columns this cell covers (Word's `gridSpan`), at least 1.
    pub span: u32,
    /// True when the cell continues a vertical merge from the row above.
    pub continues_above: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Row {
    pub cells: Vec<Cell>,
    /// Source line (for .docx: paragraph number) of the row's first paragraph.
    pub line: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Table {
    pub rows: Vec<Row>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    Paragraph(Paragraph),
    Table(Table),
}
