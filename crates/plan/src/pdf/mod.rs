//! PDF text extraction: every page's text layer in order, one line per visual line.
//!
//! lopdf parses the file, content streams and ToUnicode maps; the rest is ours:
//! the walk over the content and where its lines break (`walk`), and how a
//! font's bytes become text (`fonts`). lopdf's own `extract_text` breaks lines
//! in the wrong places, reads a CID font without ToUnicode as ASCII garbage and
//! skips form XObjects.
//!
//! Hostile files: lopdf can panic on malformed input, so every call into it runs
//! under `catch_unwind` and a caught panic becomes [`ParseError::Pdf`]. Such a
//! panic still passes through the process's panic hook (by default a message on
//! stderr): the hook is process-wide and belongs to the binary, so this library
//! neither installs nor replaces one. Pages, decompressed content, operations,
//! ToUnicode maps and extracted text are all bounded.

mod fonts;
mod walk;

use std::fmt::Display;
use std::panic::{AssertUnwindSafe, catch_unwind};

use lopdf::{DecompressError, Document, LoadOptions, Object};

use crate::error::ParseError;
use fonts::check_readable;
use walk::Walker;

const MAX_PAGES: usize = 2_000;
const MAX_TEXT_BYTES: usize = 64 * 1024 * 1024;
/// Decompressed page and form content, the whole document together.
const MAX_CONTENT_BYTES: usize = 256 * 1024 * 1024;
/// One stream: an object stream while loading, or a font's ToUnicode map.
const MAX_STREAM_BYTES: usize = 64 * 1024 * 1024;
const MAX_OPERATIONS: usize = 20_000_000;
const MAX_FORM_DEPTH: usize = 8;
/// Form XObjects drawn, the whole document together (a form can draw forms).
const MAX_FORMS: usize = 10_000;
const MAX_SAVED_STATES: usize = 256;
/// lopdf expands every ToUnicode range into a reverse map; larger maps are refused.
const MAX_CMAP_CODES: u64 = 1 << 20;

/// The text of every page, pages separated by a blank line.
pub fn extract_text(bytes: &[u8]) -> Result<String, ParseError> {
    let text = catch_unwind(AssertUnwindSafe(|| extract(bytes)))
        .unwrap_or_else(|_| Err(damaged("its structure is malformed")))?;
    check_readable(&text)?;
    Ok(text)
}

fn damaged(detail: impl Display) -> ParseError {
    ParseError::Pdf(format!("the file is damaged: {detail}"))
}

fn encrypted() -> ParseError {
    ParseError::Pdf("the PDF is encrypted; remove the password and import it again".into())
}

fn too_large(what: impl Display) -> ParseError {
    ParseError::Pdf(format!("{what}; this is not a plan document"))
}

fn content_too_large() -> ParseError {
    too_large(format_args!(
        "its page content inflates past {} MiB",
        MAX_CONTENT_BYTES >> 20
    ))
}

fn load_error(error: lopdf::Error) -> ParseError {
    use lopdf::Error as E;
    match error {
        E::Decryption(_) | E::InvalidPassword | E::UnsupportedSecurityHandler(_) => encrypted(),
        E::Decompress(DecompressError::MemoryLimitExceeded { .. }) => too_large(format_args!(
            "a stream in it inflates past {} MiB",
            MAX_STREAM_BYTES >> 20
        )),
        other => {
            // The error and its causes, on one line.
            let mut text = other.to_string();
            let mut source = std::error::Error::source(&other);
            while let Some(cause) = source {
                text = format!("{text}: {cause}");
                source = cause.source();
            }
            damaged(text)
        }
    }
}

fn extract(bytes: &[u8]) -> Result<String, ParseError> {
    let options = LoadOptions {
        max_decompressed_size: Some(MAX_STREAM_BYTES),
        ..LoadOptions::default()
    };
    let doc = Document::load_mem_with_options(bytes, options).map_err(load_error)?;
    // A file that needs a user password loads without its objects and without a key.
    if doc.trailer.get(b"Encrypt").is_ok() && doc.encryption_state.is_none() {
        return Err(encrypted());
    }
    let pages = doc.get_pages();
    if pages.is_empty() {
        return Err(damaged("none of its pages can be read"));
    }
    if pages.len() > MAX_PAGES {
        return Err(too_large(format_args!(
            "it has {} pages, more than the {MAX_PAGES} read",
            pages.len()
        )));
    }
    let mut walker = Walker::new(&doc);
    let mut out = String::new();
    for &page_id in pages.values() {
        let lines = walker.page(page_id)?;
        if !out.is_empty() {
            out.push_str("\n\n");
        }
        let lines: Vec<String> = lines.into_iter().filter(|l| !l.trim().is_empty()).collect();
        out.push_str(&lines.join("\n"));
    }
    Ok(out)
}

/// `object`, its reference followed; `None` when it points nowhere.
fn deref<'d>(doc: &'d Document, object: &'d Object) -> Option<&'d Object> {
    doc.dereference(object).ok().map(|(_, o)| o)
}
