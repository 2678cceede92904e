//! Font decoding: ToUnicode maps (their ranges counted before lopdf expands
//! them), lopdf's encodings where they can be trusted, U+FFFD where nothing
//! leads back to Unicode; and the check that the result is text at all.
//!
//! lopdf reads a CID font without ToUnicode through StandardEncoding: ASCII
//! garbage instead of "unreadable". Here such a font shows U+FFFD, and text
//! mostly made of it is no text layer.

use lopdf::{Dictionary, Document, Encoding, Object};

use super::{MAX_CMAP_CODES, MAX_STREAM_BYTES, deref};
use crate::error::ParseError;

/// No text at all, or text that is mostly replacement, private-use or control
/// characters (a CID font without ToUnicode), is no text layer.
pub(super) fn check_readable(text: &str) -> Result<(), ParseError> {
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

/// How a font's bytes become text: its ToUnicode map, else the encoding lopdf
/// reads (simple encodings, UniGB-UCS2-H); `None` when there is no way back
/// to Unicode (Identity-H without ToUnicode), and every code shows as U+FFFD.
pub(super) struct Font<'d> {
    map: Option<Encoding<'d>>,
    /// A simple font: one byte a code (else two), word spacing applies.
    pub(super) simple: bool,
}

impl<'d> Font<'d> {
    pub(super) fn new(doc: &'d Document, dict: &'d Dictionary) -> Font<'d> {
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

    pub(super) fn decode(&self, bytes: &[u8], out: &mut String) {
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
