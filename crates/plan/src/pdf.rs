//! PDF text extraction: every page's text layer in order, one line per visual line.
//!
//! lopdf parses the file, content streams and ToUnicode maps; the walk over the
//! content is ours. lopdf's `extract_text` breaks lines at every `ET` and `T*`
//! and nowhere else (runs of one line in text objects of their own come apart,
//! lines moved with `Td`/`Tm` inside one text object run together), reads a CID
//! font without ToUnicode through StandardEncoding (ASCII garbage instead of
//! "unreadable") and skips form XObjects. Here a line ends when the baseline
//! moves; runs on one baseline join, with a space only across a visible gap
//! (advances estimated: one em for a CJK character, half an em for others).
//!
//! Hostile files: lopdf can panic on malformed input, so every call into it runs
//! under `catch_unwind` and a caught panic becomes [`ParseError::Pdf`]. Such a
//! panic still passes through the process's panic hook (by default a message on
//! stderr): the hook is process-wide and belongs to the binary, so this library
//! neither installs nor replaces one. Pages, decompressed content, operations,
//! ToUnicode maps and extracted text are all bounded.

use std::collections::HashMap;
use std::fmt::Display;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::rc::Rc;

use lopdf::content::Content;
use lopdf::{DecompressError, Dictionary, Document, Encoding, LoadOptions, Object, ObjectId};

use crate::error::ParseError;
use crate::text::is_wide;

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

/// No text at all, or text that is mostly replacement, private-use or control
/// characters (a CID font without ToUnicode), is no text layer.
fn check_readable(text: &str) -> Result<(), ParseError> {
    let (mut total, mut bad) = (0usize, 0usize);
    for c in text.chars().filter(|c| !c.is_whitespace()) {
        total += 1;
        let private = matches!(c, '\u{E000}'..='\u{F8FF}' | '\u{F0000}'..);
        bad += usize::from(c == '\u{FFFD}' || private || c.is_control());
    }
    if total == 0 || bad * 2 >= total {
        return Err(ParseError::PdfWithoutText);
    }
    Ok(())
}

type Matrix = [f64; 6];
const IDENTITY: Matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

/// `m × n` in PDF's row-vector convention: apply `m`, then `n`.
fn mul(m: &Matrix, n: &Matrix) -> Matrix {
    [
        m[0] * n[0] + m[1] * n[2],
        m[0] * n[1] + m[1] * n[3],
        m[2] * n[0] + m[3] * n[2],
        m[2] * n[1] + m[3] * n[3],
        m[4] * n[0] + m[5] * n[2] + n[4],
        m[4] * n[1] + m[5] * n[3] + n[5],
    ]
}

fn translate(tx: f64, ty: f64) -> Matrix {
    [1.0, 0.0, 0.0, 1.0, tx, ty]
}

fn number(object: &Object) -> Option<f64> {
    match *object {
        Object::Integer(i) => Some(i as f64),
        Object::Real(r) => Some(f64::from(r)).filter(|r| r.is_finite()),
        _ => None,
    }
}

fn matrix(operands: &[Object]) -> Option<Matrix> {
    let values: Vec<f64> = operands.iter().filter_map(number).collect();
    <[f64; 6]>::try_from(values).ok()
}

fn deref<'d>(doc: &'d Document, object: &'d Object) -> Option<&'d Object> {
    doc.dereference(object).ok().map(|(_, o)| o)
}

/// `name` in the `kind` (/Font, /XObject) of the first resources that have it.
fn resource<'d>(
    doc: &'d Document,
    scope: &[&'d Dictionary],
    kind: &[u8],
    name: &[u8],
) -> Option<&'d Object> {
    scope.iter().find_map(|resources| {
        let entries = deref(doc, resources.get(kind).ok()?)?.as_dict().ok()?;
        deref(doc, entries.get(name).ok()?)
    })
}

/// Where the last shown text ended: baseline direction and height, end along it, font size.
#[derive(Clone, Copy)]
struct Pen {
    dir: (f64, f64),
    v: f64,
    end: f64,
    em: f64,
}

/// The graphics state the walk needs: transformation and text state.
#[derive(Clone)]
struct State<'d> {
    ctm: Matrix,
    font: Option<Rc<Font<'d>>>,
    size: f64,
    char_space: f64,
    word_space: f64,
    scale: f64,
    leading: f64,
}

impl Default for State<'_> {
    fn default() -> Self {
        let (ctm, font, size, scale) = (IDENTITY, None, 1.0, 1.0);
        State {
            ctm,
            font,
            size,
            char_space: 0.0,
            word_space: 0.0,
            scale,
            leading: 0.0,
        }
    }
}

struct Walker<'d> {
    doc: &'d Document,
    /// Keyed by the font dictionary's address: the document does not move.
    fonts: HashMap<usize, Rc<Font<'d>>>,
    content_left: usize,
    operations: usize,
    forms: usize,
    text_bytes: usize,
    lines: Vec<String>,
    pen: Option<Pen>,
    force_break: bool,
}

impl<'d> Walker<'d> {
    fn new(doc: &'d Document) -> Self {
        let (fonts, lines) = (HashMap::new(), Vec::new());
        let (content_left, operations, forms, text_bytes) = (MAX_CONTENT_BYTES, 0, 0, 0);
        Walker {
            doc,
            fonts,
            content_left,
            operations,
            forms,
            text_bytes,
            lines,
            pen: None,
            force_break: false,
        }
    }

    fn page(&mut self, page_id: ObjectId) -> Result<Vec<String>, ParseError> {
        self.pen = None;
        let data = self
            .doc
            .get_page_content_with_limit(page_id, self.content_left);
        let data = data.map_err(|_| content_too_large())?;
        self.content_left -= data.len().min(self.content_left);
        let (inline, ids) = self.doc.get_page_resources(page_id).unwrap_or_default();
        let referenced = ids
            .into_iter()
            .filter_map(|id| self.doc.get_dictionary(id).ok());
        let scope: Vec<&'d Dictionary> = inline.into_iter().chain(referenced).collect();
        self.run(&data, &scope, State::default(), 0)?;
        Ok(std::mem::take(&mut self.lines))
    }

    fn run(
        &mut self,
        data: &[u8],
        scope: &[&'d Dictionary],
        mut gs: State<'d>,
        depth: usize,
    ) -> Result<(), ParseError> {
        let mut saved: Vec<State<'d>> = Vec::new();
        let (mut tm, mut tlm) = (IDENTITY, IDENTITY);
        // A stream that stops parsing keeps the operations before the fault.
        for op in Content::decode_iter(data).map_while(Result::ok) {
            self.operations += 1;
            if self.operations > MAX_OPERATIONS {
                return Err(too_large(format_args!(
                    "its pages hold over {MAX_OPERATIONS} operations"
                )));
            }
            let operand = |i: usize| op.operands.get(i).and_then(number);
            let name = || op.operands.first().and_then(|o| o.as_name().ok());
            let string = |i: usize| match op.operands.get(i) {
                Some(Object::String(bytes, _)) => bytes.as_slice(),
                _ => &[],
            };
            match op.operator.as_str() {
                "q" if saved.len() < MAX_SAVED_STATES => saved.push(gs.clone()),
                "Q" => gs = saved.pop().unwrap_or(gs),
                "cm" => gs.ctm = matrix(&op.operands).map_or(gs.ctm, |m| mul(&m, &gs.ctm)),
                "BT" => (tm, tlm) = (IDENTITY, IDENTITY),
                "Tf" => {
                    gs.font = name().and_then(|name| self.font(scope, name));
                    gs.size = operand(1).unwrap_or(gs.size);
                }
                "Tc" => gs.char_space = operand(0).unwrap_or(gs.char_space),
                "Tw" => gs.word_space = operand(0).unwrap_or(gs.word_space),
                "Tz" => gs.scale = operand(0).map_or(gs.scale, |s| s / 100.0),
                "TL" => gs.leading = operand(0).unwrap_or(gs.leading),
                "Td" | "TD" => {
                    let (tx, ty) = (operand(0).unwrap_or(0.0), operand(1).unwrap_or(0.0));
                    if op.operator == "TD" {
                        gs.leading = -ty;
                    }
                    tlm = mul(&translate(tx, ty), &tlm);
                    tm = tlm;
                }
                "Tm" => (tm, tlm) = matrix(&op.operands).map_or((tm, tlm), |m| (m, m)),
                "T*" | "'" | "\"" => {
                    if op.operator == "\"" {
                        gs.word_space = operand(0).unwrap_or(gs.word_space);
                        gs.char_space = operand(1).unwrap_or(gs.char_space);
                    }
                    tlm = mul(&translate(0.0, -gs.leading), &tlm);
                    tm = tlm;
                    if op.operator != "T*" {
                        self.force_break = true;
                        let text = string(if op.operator == "'" { 0 } else { 2 });
                        self.show(&gs, &mut tm, text, false);
                    }
                }
                "Tj" => self.show(&gs, &mut tm, string(0), false),
                "TJ" => {
                    let items = op.operands.first().and_then(|o| o.as_array().ok());
                    let mut joined = false;
                    for item in items.map(Vec::as_slice).unwrap_or_default() {
                        let Object::String(bytes, _) = item else {
                            let kern = number(item).unwrap_or(0.0) / 1000.0;
                            // Kerning wider than a quarter em stands for a space.
                            if let Some(line) = self.lines.last_mut()
                                && joined
                                && kern < -0.25
                                && !line.ends_with(' ')
                            {
                                line.push(' ');
                            }
                            tm = mul(&translate(-kern * gs.size * gs.scale, 0.0), &tm);
                            continue;
                        };
                        self.show(&gs, &mut tm, bytes, joined);
                        joined = true;
                    }
                }
                "Do" if depth < MAX_FORM_DEPTH => {
                    if let Some(form) =
                        name().and_then(|n| resource(self.doc, scope, b"XObject", n))
                    {
                        self.form(form, scope, &gs, depth)?;
                    }
                }
                _ => {}
            }
            if self.text_bytes > MAX_TEXT_BYTES {
                return Err(too_large(format_args!(
                    "its text exceeds {} MiB",
                    MAX_TEXT_BYTES >> 20
                )));
            }
        }
        Ok(())
    }

    /// A form XObject's content, drawn in place with its own resources (or the caller's).
    fn form(
        &mut self,
        form: &'d Object,
        scope: &[&'d Dictionary],
        gs: &State<'d>,
        depth: usize,
    ) -> Result<(), ParseError> {
        let Ok(stream) = form.as_stream() else {
            return Ok(());
        };
        let dict = &stream.dict;
        if !matches!(dict.get(b"Subtype").and_then(Object::as_name), Ok(b"Form")) {
            return Ok(());
        }
        self.forms += 1;
        if self.forms > MAX_FORMS {
            return Err(too_large(format_args!(
                "its pages draw over {MAX_FORMS} forms"
            )));
        }
        let data = match stream.get_plain_content_with_limit(self.content_left) {
            Ok(data) => data,
            Err(lopdf::Error::Decompress(DecompressError::MemoryLimitExceeded { .. })) => {
                return Err(content_too_large());
            }
            Err(_) => return Ok(()),
        };
        self.content_left -= data.len().min(self.content_left);
        let mut state = gs.clone();
        if let Some(m) = dict
            .get(b"Matrix")
            .ok()
            .and_then(|m| matrix(m.as_array().ok()?))
        {
            state.ctm = mul(&m, &state.ctm);
        }
        match dict
            .get(b"Resources")
            .ok()
            .and_then(|r| deref(self.doc, r)?.as_dict().ok())
        {
            Some(own) => self.run(&data, &[own], state, depth + 1),
            None => self.run(&data, scope, state, depth + 1),
        }
    }

    fn font(&mut self, scope: &[&'d Dictionary], name: &[u8]) -> Option<Rc<Font<'d>>> {
        let dict = resource(self.doc, scope, b"Font", name)?.as_dict().ok()?;
        let doc = self.doc;
        let key = std::ptr::from_ref(dict) as usize;
        let font = self
            .fonts
            .entry(key)
            .or_insert_with(|| Rc::new(Font::new(doc, dict)));
        Some(font.clone())
    }

    /// Shows one string: a new line when the baseline moved, a space across a gap.
    /// `joined`: a later string of one `TJ`, placed by kerning (no gap test).
    fn show(&mut self, gs: &State<'d>, tm: &mut Matrix, bytes: &[u8], joined: bool) {
        let Some(font) = gs.font.clone() else { return };
        let trm = mul(tm, &gs.ctm);
        let length = trm[0].hypot(trm[1]);
        let dir = if length > 1e-9 {
            (trm[0] / length, trm[1] / length)
        } else {
            (1.0, 0.0)
        };
        let along = |m: &Matrix| m[4] * dir.0 + m[5] * dir.1;
        let (u, v) = (along(&trm), trm[5] * dir.0 - trm[4] * dir.1);
        let em = (gs.size.abs() * trm[2].hypot(trm[3])).max(1e-3);
        let pen = self.pen.filter(|p| {
            let same_direction = p.dir.0 * dir.0 + p.dir.1 * dir.1 > 0.99;
            joined || (!self.force_break && same_direction && (v - p.v).abs() <= 0.4 * em.max(p.em))
        });
        self.force_break = false;
        if pen.is_none() && !self.lines.last().is_some_and(|l| l.trim().is_empty()) {
            self.lines.push(String::new());
        }
        let Some(line) = self.lines.last_mut() else {
            return;
        };
        if let Some(pen) = pen
            && !joined
            && u - pen.end > 0.25 * em.max(pen.em)
            && !line.ends_with(' ')
        {
            line.push(' ');
        }
        let mut text = String::new();
        font.decode(bytes, &mut text);
        text.retain(|c| !c.is_control());
        let (mut ems, mut glyphs, mut spaces) = (0.0, 0.0, 0.0);
        for c in text.chars() {
            ems += if is_wide(c) { 1.0 } else { 0.5 };
            glyphs += 1.0;
            spaces += f64::from(u8::from(c == ' '));
        }
        // Word spacing applies to the single-byte code 32 only.
        let word = spaces * gs.word_space * f64::from(u8::from(font.simple));
        let advance = (ems * gs.size + glyphs * gs.char_space + word) * gs.scale;
        *tm = mul(&translate(advance, 0.0), tm);
        self.text_bytes += text.len();
        line.push_str(&text);
        self.pen = Some(Pen {
            dir,
            v,
            end: along(&mul(tm, &gs.ctm)),
            em,
        });
    }
}

/// How a font's bytes become text: its ToUnicode map, else the encoding lopdf
/// reads (simple encodings, UniGB-UCS2-H); `None` when there is no way back
/// to Unicode (Identity-H without ToUnicode), and every code shows as U+FFFD.
struct Font<'d> {
    map: Option<Encoding<'d>>,
    /// A simple font: one byte a code (else two), word spacing applies.
    simple: bool,
}

impl<'d> Font<'d> {
    fn new(doc: &'d Document, dict: &'d Dictionary) -> Font<'d> {
        let get = |key: &[u8]| dict.get(key).ok().and_then(|o| deref(doc, o));
        let simple = !matches!(get(b"Subtype").map(Object::as_name), Some(Ok(b"Type0")));
        let encoding = get(b"Encoding");
        // lopdf reads a CID font without ToUnicode, or /Differences naming
        // glyphs it does not know, as StandardEncoding: garbage, not text.
        let differences = encoding.and_then(|e| e.as_dict().ok()?.get(b"Differences").ok());
        let unicode_cmap = encoding.and_then(|e| e.as_name().ok());
        let unicode_cmap = matches!(unicode_cmap, Some(b"UniGB-UCS2-H" | b"UniGB-UTF16-H"));
        // Without /Encoding, or with Identity-H/V, lopdf would parse the ToUnicode
        // map that `to_unicode` refused or failed to read.
        let identity = matches!(
            encoding.map(Object::as_name),
            Some(Ok(b"Identity-H" | b"Identity-V"))
        );
        let rereads = (encoding.is_none() || identity) && dict.has(b"ToUnicode");
        let map = to_unicode(doc, dict).or_else(|| {
            let read = (!rereads).then(|| dict.get_font_encoding_with_limit(doc, MAX_STREAM_BYTES));
            let read = read?.ok()?;
            let trusted = match read {
                Encoding::Differences(_) => true,
                _ if simple => differences.is_none(),
                _ => unicode_cmap,
            };
            trusted.then_some(read)
        });
        Font { map, simple }
    }

    fn decode(&self, bytes: &[u8], out: &mut String) {
        let unreadable = match &self.map {
            Some(map) => usize::from(map.write_to_string(bytes, out).is_err()),
            None if self.simple => bytes.len(),
            None => bytes.len().div_ceil(2),
        };
        out.extend(std::iter::repeat_n('\u{FFFD}', unreadable));
    }
}

/// The font's ToUnicode map, when it parses and is of a sane size.
fn to_unicode<'d>(doc: &'d Document, font: &Dictionary) -> Option<Encoding<'d>> {
    let stream = deref(doc, font.get(b"ToUnicode").ok()?)?.as_stream().ok()?;
    let data = stream.get_plain_content_with_limit(MAX_STREAM_BYTES).ok()?;
    if cmap_codes(&data) > MAX_CMAP_CODES {
        return None;
    }
    // lopdf reads ToUnicode only through a font dictionary; this one holds nothing else.
    let mut probe = Dictionary::new();
    probe.set("Type", Object::Name(b"Font".to_vec()));
    probe.set("ToUnicode", lopdf::Stream::new(Dictionary::new(), data));
    match probe.get_font_encoding(doc) {
        Ok(Encoding::UnicodeMapEncoding(map)) => Some(Encoding::UnicodeMapEncoding(map)),
        _ => None,
    }
}

/// How many codes the bfrange sections of a CMap cover.
fn cmap_codes(data: &[u8]) -> u64 {
    let find =
        |haystack: &[u8], needle: &[u8]| haystack.windows(needle.len()).position(|w| w == needle);
    let mut total = 0u64;
    let mut rest = data;
    while let Some(start) = find(rest, b"beginbfrange") {
        rest = &rest[start + b"beginbfrange".len()..];
        let end = find(rest, b"endbfrange").unwrap_or(rest.len());
        // Entries are `<low> <high> <dst>` or `<low> <high> [<dst> …]`.
        let (mut field, mut depth, mut low) = (0u32, 0u32, 0u64);
        let mut bytes = rest[..end].iter();
        while let Some(&b) = bytes.next() {
            match b {
                b'[' => depth += 1,
                b']' => {
                    depth = depth.saturating_sub(1);
                    field += u32::from(depth == 0);
                }
                b'<' => {
                    let hex = bytes.by_ref().take_while(|&&b| b != b'>');
                    let digits = hex.filter_map(|&b| char::from(b).to_digit(16));
                    let value = digits.fold(0u64, |v, d| {
                        v.saturating_mul(16).saturating_add(u64::from(d))
                    });
                    if depth == 0 {
                        if field % 3 == 0 {
                            low = value;
                        } else if field % 3 == 1 {
                            total =
                                total.saturating_add(value.saturating_sub(low).saturating_add(1));
                        }
                        field += 1;
                    }
                }
                _ => {}
            }
        }
        rest = &rest[end..];
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::{Stream, dictionary};

    /// The lines a content stream shows in Helvetica (/F1, no widths: 500 each).
    fn lines(content: &str) -> Vec<String> {
        let mut doc = Document::with_version("1.7");
        let font = doc.add_object(dictionary! {
            "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica", "Encoding" => "WinAnsiEncoding",
        });
        let form = doc.add_object(Stream::new(
            dictionary! { "Type" => "XObject", "Subtype" => "Form" },
            b"BT /F1 10 Tf 72 300 Td (in a form) Tj ET".to_vec(),
        ));
        let resources = dictionary! {
            "Font" => dictionary! { "F1" => font }, "XObject" => dictionary! { "Fm1" => form },
        };
        let mut walker = Walker::new(&doc);
        walker
            .run(content.as_bytes(), &[&resources], State::default(), 0)
            .expect("walks");
        walker.lines
    }

    #[test]
    fn a_moved_baseline_starts_a_line() {
        assert_eq!(
            lines("BT /F1 10 Tf 72 700 Td (one) Tj 0 -14 Td (two) Tj ET"),
            ["one", "two"]
        );
        assert_eq!(
            lines("BT /F1 10 Tf 14 TL 72 700 Td (a) Tj T* (b) Tj (c) ' ET"),
            ["a", "b", "c"]
        );
        // A 1-point font scaled by the text matrix; a raised run stays on its line.
        let scaled = "BT /F1 1 Tf 12 0 0 12 72 700 Tm (x) Tj 12 0 0 12 78 703 Tm (2) Tj 12 0 0 12 72 686 Tm (y) Tj ET";
        assert_eq!(lines(scaled), ["x2", "y"]);
        // Text drawn through the page's coordinate flip, and through a form.
        assert_eq!(
            lines("1 0 0 -1 0 842 cm BT /F1 10 Tf 72 100 Td (p) Tj 0 14 Td (q) Tj ET"),
            ["p", "q"]
        );
        assert_eq!(lines("q 2 0 0 2 0 0 cm /Fm1 Do Q"), ["in a form"]);
    }

    #[test]
    fn runs_on_one_baseline_join_with_a_space_only_across_a_gap() {
        let runs = "BT /F1 10 Tf 72 700 Td (ab) Tj ET BT /F1 10 Tf 82 700 Td (cd) Tj ET";
        assert_eq!(lines(runs), ["abcd"]);
        assert_eq!(
            lines("BT /F1 10 Tf 72 700 Td (Name) Tj 200 0 Td (Unit) Tj ET"),
            ["Name Unit"]
        );
        assert_eq!(
            lines("BT /F1 10 Tf 72 700 Td [(A) -50 (B) -3000 (C)] TJ ET"),
            ["AB C"]
        );
    }

    fn type0(encoding: &str, to_unicode: Option<&str>) -> Vec<u8> {
        let mut doc = Document::with_version("1.7");
        let mut font =
            dictionary! { "Type" => "Font", "Subtype" => "Type0", "Encoding" => encoding };
        if let Some(map) = to_unicode {
            let id = doc.add_object(Stream::new(Dictionary::new(), map.as_bytes().to_vec()));
            font.set("ToUnicode", id);
        }
        let font = doc.add_object(font);
        let dict = doc.get_dictionary(font).expect("font");
        let mut out = String::new();
        Font::new(&doc, dict).decode(&[0x4E, 0x2D, 0xCE, 0xC4], &mut out);
        out.into_bytes()
    }

    #[test]
    fn cid_fonts_decode_through_to_unicode_or_a_predefined_cmap() {
        let map = "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n\
                   /CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n\
                   1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n\
                   2 beginbfchar\n<4E2D> <4E2D>\n<CEC4> <6587>\nendbfchar\n\
                   endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n";
        assert_eq!(type0("Identity-H", Some(map)), "中文".as_bytes());
        assert_eq!(type0("UniGB-UCS2-H", None), "中\u{CEC4}".as_bytes());
        assert_eq!(type0("Identity-H", None), "\u{FFFD}\u{FFFD}".as_bytes());
    }

    #[test]
    fn huge_cmap_ranges_are_counted_before_lopdf_expands_them() {
        let small =
            b"2 beginbfrange\n<0000> <00FF> <0000>\n<1000><1001>[<4E00> <4E01>]\nendbfrange";
        assert_eq!(cmap_codes(small), 258);
        assert!(
            cmap_codes(b"beginbfrange <00000000> <FFFFFFFF> <0000> endbfrange") > MAX_CMAP_CODES
        );
    }

    #[test]
    fn text_that_is_mostly_unmapped_is_no_text() {
        assert_eq!(check_readable(" \n\n "), Err(ParseError::PdfWithoutText));
        assert_eq!(
            check_readable("\u{FFFD}\u{E001}\n 中"),
            Err(ParseError::PdfWithoutText)
        );
        assert_eq!(check_readable("重点任务\u{FFFD}"), Ok(()));
    }
}
