//! Why a document could not be read as a plan: one clear sentence each.

use thiserror::Error;

/// The largest document the importer reads. Published plans are a few hundred
/// kilobytes of text; a .docx with photos can reach tens of megabytes.
pub const MAX_DOCUMENT_BYTES: u64 = 64 * 1024 * 1024;

#[derive(Debug, Error, PartialEq, Eq)]
pub enum ParseError {
    #[error("the document is empty")]
    Empty,
    #[error("the document is {size_mb:.1} MB; plan documents are read up to {limit_mb} MB", size_mb = *.size as f64 / 1_048_576.0, limit_mb = MAX_DOCUMENT_BYTES / 1_048_576)]
    TooLarge { size: u64 },
    #[error(
        "this is a binary file, not a text, .docx or .pdf document (byte {offset} is {byte:#04x})"
    )]
    Binary { offset: usize, byte: u8 },
    #[error(
        "the text is neither UTF-8 nor GB18030/GBK: invalid bytes at line {line}, byte offset {offset}"
    )]
    Encoding { line: usize, offset: usize },
    #[error("the .docx file cannot be read: {0}")]
    Docx(String),
    #[error("the PDF cannot be read: {0}")]
    Pdf(String),
    #[error(
        "the PDF has no text layer (a scanned image?): its text cannot be recovered; import the .docx or a text copy instead"
    )]
    PdfWithoutText,
    #[error("no plan found: the document has text but no numbered tasks with responsible units")]
    NoTasks,
}
