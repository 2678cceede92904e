//! Word `.docx` in: the body's paragraphs and tables in document order, with
//! Word's automatic numbering written out as text, read straight from the
//! WordprocessingML (so files saved by WPS and LibreOffice read too).
//!
//! Line numbers are paragraph ordinals: every `w:p` of the body in order,
//! table cells and nested tables included, empty ones counted, so a task's
//! span points at the same paragraphs whatever is skipped.
//!
//! A soft line break (`w:br`, `w:cr`) becomes a space, not a new paragraph:
//! Word users press Shift+Enter inside a paragraph to wrap a long title or to
//! put each unit of a cell on its own line, so the paragraph stays one item
//! (and one line number), and the space keeps "区发改委↵区商务委" two names.

mod body;
mod number_format;
mod numbering;

use std::io::{Cursor, Read};

use quick_xml::XmlVersion;
use quick_xml::events::{BytesStart, Event};
use quick_xml::reader::Reader;
use zip::ZipArchive;

use crate::blocks::Block;
use crate::error::ParseError;
use body::Body;
use numbering::Numbering;

/// No part of a plan is anywhere near this when unpacked; more is a zip bomb.
const MAX_PART_BYTES: u64 = 256 * 1024 * 1024;
/// A Word file has tens of entries; a media-heavy one a few hundred.
const MAX_ENTRIES: usize = 10_000;

type Archive<'a> = ZipArchive<Cursor<&'a [u8]>>;

/// Reads the body of a `.docx`. Fails with [`ParseError::Docx`] and a reason a
/// user can act on when the bytes are not a readable Word document.
pub fn read(bytes: &[u8]) -> Result<Vec<Block>, ParseError> {
    let mut archive = ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| docx_error(format!("the file is not a readable zip archive ({e})")))?;
    if archive.len() > MAX_ENTRIES {
        return Err(docx_error(format!(
            "the archive holds {} entries; a Word document has far fewer",
            archive.len()
        )));
    }
    let document_name = main_part(&mut archive)?;
    let Some(document) = read_part(&mut archive, &document_name)? else {
        return Err(missing_document(&archive));
    };
    let (dir, file) = document_name
        .rsplit_once('/')
        .unwrap_or(("", &document_name));
    let dir = if dir.is_empty() {
        String::new()
    } else {
        format!("{dir}/")
    };
    let rels = read_part(&mut archive, &format!("{dir}_rels/{file}.rels"))?;
    let targets = rels.as_deref().map(relationships).unwrap_or_default();
    let part = |kind: &str, default: &str| {
        targets.iter().find(|(t, _)| t.ends_with(kind)).map_or_else(
            || format!("{dir}{default}"),
            |(_, target)| resolve(&dir, target),
        )
    };
    let (numbering_name, styles_name) = (
        part("/numbering", "numbering.xml"),
        part("/styles", "styles.xml"),
    );
    let mut numbering = Numbering::default();
    if let Some(xml) = read_part(&mut archive, &numbering_name)? {
        numbering
            .read_numbering(&xml)
            .map_err(|e| malformed(&numbering_name, &e))?;
    }
    if let Some(xml) = read_part(&mut archive, &styles_name)? {
        numbering
            .read_styles(&xml)
            .map_err(|e| malformed(&styles_name, &e))?;
    }
    Body::new(numbering)
        .read(&document)
        .map_err(|e| malformed(&document_name, &e))
}

fn docx_error(reason: String) -> ParseError {
    ParseError::Docx(reason)
}

fn malformed(part: &str, reason: &str) -> ParseError {
    docx_error(format!("{part} is not well-formed XML: {reason}"))
}

fn missing_document(archive: &Archive<'_>) -> ParseError {
    let has = |name: &str| archive.index_for_name(name).is_some();
    let kind = if has("xl/workbook.xml") {
        " (it is an Excel workbook)"
    } else if has("ppt/presentation.xml") {
        " (it is a PowerPoint presentation)"
    } else if has("content.xml") {
        " (it is an OpenDocument file; save it as .docx)"
    } else {
        ""
    };
    docx_error(format!(
        "not a Word document{kind}: word/document.xml is missing"
    ))
}

/// The main document part named by `_rels/.rels` (Word sometimes writes
/// `word/document2.xml`), else the usual `word/document.xml`.
fn main_part(archive: &mut Archive<'_>) -> Result<String, ParseError> {
    let rels = read_part(archive, "_rels/.rels")?;
    let named = rels
        .as_deref()
        .map(relationships)
        .unwrap_or_default()
        .into_iter()
        .find_map(|(kind, target)| {
            let name = resolve("", &target);
            (kind.ends_with("/officeDocument") && find(archive, &name).is_some()).then_some(name)
        });
    Ok(named.unwrap_or_else(|| "word/document.xml".to_string()))
}

/// (Type, Target) of each internal relationship in a `.rels` part. A damaged
/// `.rels` is not fatal: the usual part names are tried instead.
fn relationships(xml: &str) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let _ = walk(xml, |tag| {
        if let Tag::Open(e, _) = tag
            && local(e.name().0) == "Relationship"
            && attr(e, "TargetMode").as_deref() != Some("External")
            && let (Some(kind), Some(target)) = (attr(e, "Type"), attr(e, "Target"))
        {
            found.push((kind, target));
        }
    });
    found
}

/// A relationship target relative to `dir` ("word/") as a part name.
fn resolve(dir: &str, target: &str) -> String {
    let target = target.replace('\\', "/");
    let joined = match target.strip_prefix('/') {
        Some(absolute) => absolute.to_string(),
        None => format!("{dir}{target}"),
    };
    let mut parts: Vec<&str> = Vec::new();
    for piece in joined.split('/') {
        match piece {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            piece => parts.push(piece),
        }
    }
    parts.join("/")
}

fn find(archive: &Archive<'_>, name: &str) -> Option<usize> {
    archive.index_for_name(name).or_else(|| {
        (0..archive.len()).find(|&i| {
            archive
                .name_for_index(i)
                .and_then(Result::ok)
                .is_some_and(|n| n.eq_ignore_ascii_case(name))
        })
    })
}

/// A part as text; `None` when the archive has no such part.
fn read_part(archive: &mut Archive<'_>, name: &str) -> Result<Option<String>, ParseError> {
    let Some(index) = find(archive, name) else {
        return Ok(None);
    };
    let too_large = || {
        docx_error(format!(
            "{name} unpacks to more than {} MiB; refusing to read it",
            MAX_PART_BYTES / 1_048_576
        ))
    };
    let file = archive
        .by_index(index)
        .map_err(|e| docx_error(format!("{name} cannot be unpacked ({e})")))?;
    if file.size() > MAX_PART_BYTES {
        return Err(too_large());
    }
    let mut bytes = Vec::new();
    file.take(MAX_PART_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| {
            docx_error(format!(
                "{name} is damaged ({e}); the file may be truncated"
            ))
        })?;
    if bytes.len() as u64 > MAX_PART_BYTES {
        return Err(too_large());
    }
    decode(name, &bytes).map(Some)
}

/// XML parts are UTF-8 (rarely UTF-16 with a byte-order mark).
fn decode(name: &str, bytes: &[u8]) -> Result<String, ParseError> {
    if let Some((encoding, bom_len)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, had_errors) =
            encoding.decode_without_bom_handling(bytes.get(bom_len..).unwrap_or_default());
        if !had_errors {
            return Ok(text.into_owned());
        }
    } else if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok(text.to_string());
    }
    Err(docx_error(format!("{name} is not UTF-8 text")))
}

/// The local part of an XML name: `w:p` → `p`.
fn local(name: &str) -> &str {
    name.rsplit_once(':').map_or(name, |(_, local)| local)
}

/// An attribute by local name (`w:val` and `val` alike), unescaped.
fn attr(e: &BytesStart<'_>, name: &str) -> Option<String> {
    e.attributes()
        .with_checks(false)
        .flatten()
        .find(|a| local(a.key.as_ref()) == name)
        .and_then(|a| {
            a.normalized_value(XmlVersion::Implicit1_0)
                .ok()
                .map(|v| v.into_owned())
        })
}

/// An on/off property (`<w:vanish/>`, `<w:isLgl w:val="0"/>`).
fn is_on(e: &BytesStart<'_>) -> bool {
    !matches!(
        attr(e, "val").as_deref(),
        Some("0" | "false" | "off" | "none")
    )
}

/// An element as [`walk`] reports it.
enum Tag<'a, 'i> {
    /// A start or empty element (`true` when it has content to come).
    Open(&'a BytesStart<'i>, bool),
    /// The end of an element (empty elements end right after they open), by local name.
    Close(&'a str),
}

/// Streams `xml` through `visit`: the elements, not the text.
fn walk(xml: &str, mut visit: impl FnMut(Tag<'_, '_>)) -> Result<(), String> {
    let mut reader = Reader::from_str(xml);
    let mut depth = 0usize;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => {
                depth += 1;
                visit(Tag::Open(&e, true));
            }
            Ok(Event::Empty(e)) => {
                visit(Tag::Open(&e, false));
                visit(Tag::Close(local(e.name().0)));
            }
            Ok(Event::End(e)) => {
                depth = depth.saturating_sub(1);
                visit(Tag::Close(local(e.name().0)));
            }
            Ok(Event::Eof) if depth > 0 => return Err("it ends before its elements close".into()),
            Ok(Event::Eof) => return Ok(()),
            Ok(_) => {}
            Err(e) => return Err(format!("{e} (at byte {})", reader.error_position())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_relationship_targets() {
        assert_eq!(resolve("word/", "numbering.xml"), "word/numbering.xml");
        assert_eq!(resolve("word/", "/word/styles.xml"), "word/styles.xml");
        assert_eq!(
            resolve("word/", "../custom/numbering.xml"),
            "custom/numbering.xml"
        );
    }
}
