//! The walk over page content: graphics and text state, form XObjects, and
//! where one visual line ends and the next begins.
//!
//! lopdf's `extract_text` breaks lines at every `ET` and `T*` and nowhere else
//! (runs of one line in text objects of their own come apart, lines moved with
//! `Td`/`Tm` inside one text object run together) and skips form XObjects.
//! Here a line ends when the baseline moves; runs on one baseline join, with a
//! space only across a visible gap (advances estimated: one em for a CJK
//! character, half an em for others).

use std::collections::HashMap;
use std::rc::Rc;

use lopdf::content::Content;
use lopdf::{DecompressError, Dictionary, Document, Object, ObjectId};

use super::fonts::Font;
use super::{
    MAX_CONTENT_BYTES, MAX_FORM_DEPTH, MAX_FORMS, MAX_OPERATIONS, MAX_SAVED_STATES, MAX_TEXT_BYTES,
    content_too_large, deref, too_large,
};
use crate::error::ParseError;
use crate::text::is_wide;

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

pub(super) struct Walker<'d> {
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
    pub(super) fn new(doc: &'d Document) -> Self {
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

    pub(super) fn page(&mut self, page_id: ObjectId) -> Result<Vec<String>, ParseError> {
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
}
