//! Duban's plan importer: a published key-task plan (plain text as PDF
//! extraction leaves it, clean text in UTF-8 or GB18030, `.docx`, text `.pdf`)
//! in; categories, tasks, responsible units, deadlines and targets out.
//!
//! Pure: no files, no database, no clock. Bytes in, [`PlanDraft`] out.

mod annotation;
mod blocks;
mod deadlines;
mod docx;
mod error;
mod lines;
mod marker;
mod model;
mod numerals;
mod outline;
mod pdf;
mod registry;
mod table;
mod targets;
mod text;
mod title;
mod units;

pub use error::{MAX_DOCUMENT_BYTES, ParseError};
pub use lines::{SourceLine, source_lines};
pub use model::{
    Category, Comparison, Deadline, Direction, PlanDraft, Requirement, Role, Span, Target, Task,
    Trend, UnitRef, Warning,
};
pub use registry::{Known, Registry, RegistryError, RegistryGroup, RegistryUnit};

use blocks::{Block, Paragraph};

/// What kind of document a byte string is, judged by its content, not its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Docx,
    Pdf,
}

impl Format {
    pub fn sniff(bytes: &[u8]) -> Format {
        if bytes.starts_with(b"PK\x03\x04") {
            Format::Docx
        } else if bytes[..bytes.len().min(1024)]
            .windows(5)
            .any(|w| w == b"%PDF-")
        {
            Format::Pdf
        } else {
            Format::Text
        }
    }
}

/// Legacy Word (.doc) and other OLE compound files start with this signature.
const OLE_SIGNATURE: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";

/// Reads a plan document. Fails with a [`ParseError`] that says what is wrong
/// when the bytes hold no plan; uncertain readings become warnings.
pub fn parse(bytes: &[u8], registry: &Registry) -> Result<PlanDraft, ParseError> {
    if bytes.len() as u64 > MAX_DOCUMENT_BYTES {
        return Err(ParseError::TooLarge {
            size: bytes.len() as u64,
        });
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ParseError::Empty);
    }
    if bytes.starts_with(OLE_SIGNATURE) {
        return Err(ParseError::Docx(
            "this is a legacy Word .doc file; save it as .docx and import that".into(),
        ));
    }
    let paragraphs = match Format::sniff(bytes) {
        Format::Docx => flatten(docx::read(bytes)?),
        Format::Pdf => text::paragraphs(&pdf::extract_text(bytes)?),
        Format::Text => {
            let decoded = text::decode(bytes)?;
            text::check_is_text(&decoded)?;
            text::paragraphs(&decoded)
        }
    };
    if paragraphs.is_empty() {
        return Err(ParseError::Empty);
    }
    outline::read_plan(&paragraphs, registry)
}

/// Tables become paragraphs in the shapes the outline reads (see `table`).
fn flatten(blocks: Vec<Block>) -> Vec<Paragraph> {
    let mut paragraphs = Vec::new();
    for block in blocks {
        match block {
            Block::Paragraph(p) => paragraphs.push(p),
            Block::Table(t) => paragraphs.extend(table::to_paragraphs(&t)),
        }
    }
    paragraphs
}
