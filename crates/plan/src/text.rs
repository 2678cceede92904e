//! Plain text in: the encodings offices use, and the reflow that undoes what PDF
//! extraction leaves behind (hard wraps, blank lines, page breaks, stray spaces).

use crate::annotation;
use crate::blocks::{LineMark, Paragraph};
use crate::error::ParseError;
use crate::marker::{self, Style};

/// Decodes UTF-8 (with or without BOM), UTF-16 with BOM, or GB18030/GBK.
pub fn decode(bytes: &[u8]) -> Result<String, ParseError> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return utf8(rest);
    }
    if let Some((encoding, bom_len)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, had_errors) = encoding.decode_without_bom_handling(&bytes[bom_len..]);
        if had_errors {
            return Err(encoding_error(bytes, bom_len));
        }
        return Ok(text.into_owned());
    }
    if let Some(offset) = memchr::memchr(0, bytes) {
        return Err(ParseError::Binary { offset, byte: 0 });
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(text.to_owned()),
        Err(utf8_error) => {
            match encoding_rs::GB18030.decode_without_bom_handling_and_without_replacement(bytes) {
                Some(text) => Ok(text.into_owned()),
                None => Err(encoding_error(bytes, utf8_error.valid_up_to())),
            }
        }
    }
}

fn utf8(bytes: &[u8]) -> Result<String, ParseError> {
    std::str::from_utf8(bytes)
        .map(str::to_owned)
        .map_err(|e| encoding_error(bytes, e.valid_up_to()))
}

fn encoding_error(bytes: &[u8], offset: usize) -> ParseError {
    let line = bytes[..offset.min(bytes.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1;
    ParseError::Encoding { line, offset }
}

/// Rejects text that is mostly control characters: a binary file that
/// happened to decode.
pub fn check_is_text(text: &str) -> Result<(), ParseError> {
    let bytes = text.as_bytes();
    let controls = count_controls(bytes);
    if controls == 0 || (controls * 100 <= bytes.len() && controls <= 64) {
        return Ok(());
    }
    let offset = bytes.iter().position(|&b| is_control(b)).unwrap_or(0);
    Err(ParseError::Binary {
        offset,
        byte: bytes[offset],
    })
}

/// A C0 control other than the layout ones, or DEL. In UTF-8 these are
/// single bytes, so a byte scan finds them all.
fn is_control(b: u8) -> bool {
    (b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0C)) || b == 0x7F
}

/// Counts control bytes eight at a time: a word with no byte below 0x20 and no
/// DEL (nearly every word of CJK text) is passed over with a few operations.
fn count_controls(bytes: &[u8]) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let has_low = |x: u64| x.wrapping_sub(ONES * 0x20) & !x & HIGHS != 0;
    let has_del = |x: u64| {
        let y = x ^ (ONES * 0x7F);
        y.wrapping_sub(ONES) & !y & HIGHS != 0
    };
    let mut chunks = bytes.chunks_exact(8);
    let mut count = 0;
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let x = u64::from_le_bytes(word);
        if has_low(x) || has_del(x) {
            count += chunk.iter().filter(|&&b| is_control(b)).count();
        }
    }
    count
        + chunks
            .remainder()
            .iter()
            .filter(|&&b| is_control(b))
            .count()
}

/// A non-blank source line, trimmed.
struct Line<'a> {
    text: &'a str,
    number: u32,
    width: usize,
}

/// Width in half-width columns: a CJK character counts two.
fn width(text: &str) -> usize {
    // By UTF-8 lead byte: ASCII and two-byte (Latin, Greek) characters are
    // narrow, three- and four-byte ones (CJK, full-width forms) wide;
    // continuation bytes count nothing. Branch-free, so it vectorises.
    text.bytes()
        .map(|b| usize::from(b < 0x80) + usize::from(b & 0xE0 == 0xC0) + 2 * usize::from(b >= 0xE0))
        .sum()
}

/// CJK ideographs, kana and full-width forms, CJK punctuation and the curly
/// quotes Chinese text uses: characters next to which a space is never meant.
pub fn is_wide(c: char) -> bool {
    matches!(c,
        '\u{2E80}'..='\u{A4CF}'
        | '\u{AC00}'..='\u{D7AF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{FE30}'..='\u{FE4F}'
        | '\u{FF00}'..='\u{FF60}'
        | '\u{FFE0}'..='\u{FFE6}'
        | '\u{2018}'..='\u{201F}'
        | '\u{2026}' | '\u{2014}' | '\u{00B7}')
}

fn is_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{3000}' || c == '\u{feff}'
}

fn source_lines(text: &str) -> Vec<Line<'_>> {
    text.split('\n')
        .enumerate()
        .filter_map(|(index, raw)| {
            let trimmed = raw.trim_matches(is_space);
            (!trimmed.is_empty() && !is_page_number(trimmed)).then(|| Line {
                text: trimmed,
                number: u32::try_from(index + 1).unwrap_or(u32::MAX),
                width: width(trimmed),
            })
        })
        .collect()
}

/// Page numbers left by PDF extraction: "- 3 -", "— 12 —", "第 3 页 共 10 页", "3".
fn is_page_number(line: &str) -> bool {
    line.len() <= 32
        && line.chars().count() <= 16
        && line.chars().any(|c| c.is_ascii_digit())
        && line.chars().all(|c| {
            c.is_ascii_digit()
                || is_space(c)
                || matches!(c, '-' | '—' | '–' | '－' | '第' | '页' | '共' | '/' | '／')
        })
}

/// The column at which the document was hard-wrapped, if it was: most long
/// lines then end within a few columns of one width.
fn wrap_width(lines: &[Line<'_>]) -> Option<usize> {
    const MIN_WRAPPED_WIDTH: usize = 20;
    // No page is wider than this; longer lines are paragraphs, never wrapped.
    const MAX_WRAPPED_WIDTH: usize = 400;
    let mut histogram = vec![0usize; MAX_WRAPPED_WIDTH + 3];
    let mut long_lines = 0;
    for line in lines.iter().filter(|l| l.width >= MIN_WRAPPED_WIDTH) {
        if line.width <= MAX_WRAPPED_WIDTH {
            histogram[line.width] += 1;
        }
        long_lines += 1;
    }
    if long_lines < 4 {
        return None;
    }
    // The width whose neighbourhood (−6…+2 columns: a first line is indented) holds the most lines.
    let (width, near) = (MIN_WRAPPED_WIDTH..=MAX_WRAPPED_WIDTH)
        .filter(|&w| histogram[w] > 0)
        .map(|w| (w, histogram[w - 6..=w + 2].iter().sum::<usize>()))
        .max_by_key(|&(w, near)| (near, w))?;
    // Wrapped text: half the long lines or more end near one column, and most
    // end mid-sentence. Clean text ends nearly every line with punctuation.
    let ended = lines
        .iter()
        .filter(|l| l.width >= MIN_WRAPPED_WIDTH)
        .filter(|l| ends_with_any(l.text, SENTENCE_END) || ends_with_any(l.text, CLOSERS))
        .count();
    (near >= 3 && near * 2 >= long_lines && ended * 2 < long_lines).then_some(width)
}

fn ends_with_any(text: &str, set: &[char]) -> bool {
    text.chars().next_back().is_some_and(|c| set.contains(&c))
}

const SENTENCE_END: &[char] = &['。', '！', '？', '!', '?', '；', ';', '：', ':'];
const CLOSERS: &[char] = &['）', ')', '】', ']'];

/// Splits text into paragraphs. Text wrapped at a fixed width (as PDF
/// extraction leaves it) is joined back into paragraphs; other text keeps one
/// paragraph per line.
pub fn paragraphs(text: &str) -> Vec<Paragraph> {
    let lines = source_lines(text);
    let Some(wrap) = wrap_width(&lines) else {
        return lines
            .iter()
            .map(|line| {
                let mut paragraph = Paragraph::default();
                append_line(&mut paragraph, line);
                paragraph
            })
            .collect();
    };
    Reflow::new(wrap).run(&lines)
}

/// Joins hard-wrapped lines. A line starts a new paragraph when the line before
/// it ended one (short, or closed by punctuation), or when it opens with a
/// numbering marker that continues the document's numbering.
struct Reflow {
    wrap: usize,
    /// The last number seen for each numbering scheme (a document uses a few).
    last_number: Vec<(Style, u32)>,
}

impl Reflow {
    fn new(wrap: usize) -> Self {
        Reflow {
            wrap,
            last_number: Vec::new(),
        }
    }

    fn run(mut self, lines: &[Line<'_>]) -> Vec<Paragraph> {
        let mut paragraphs: Vec<Paragraph> = Vec::new();
        let mut current: Option<(Paragraph, Option<Style>)> = None;
        let mut previous: Option<&Line<'_>> = None;
        for line in lines {
            let marker = marker::detect(line.text);
            let starts_new = match (previous, &current) {
                (Some(prev), Some((_, open_style))) => {
                    self.ends_paragraph(prev)
                        || marker
                            .as_ref()
                            .is_some_and(|m| self.continues_numbering(prev, m, *open_style))
                        || (ends_with_any(prev.text, SENTENCE_END)
                            && annotation::opens_with_keyword(line.text))
                }
                _ => true,
            };
            if starts_new {
                if let Some((done, _)) = current.take() {
                    paragraphs.push(done);
                }
                let style = marker.as_ref().map(|m| {
                    match self.last_number.iter_mut().find(|(s, _)| *s == m.style) {
                        Some((_, n)) => *n = m.number,
                        None => self.last_number.push((m.style, m.number)),
                    }
                    m.style
                });
                current = Some((Paragraph::default(), style));
            }
            if let Some((paragraph, _)) = current.as_mut() {
                append_line(paragraph, line);
            }
            previous = Some(line);
        }
        paragraphs.extend(current.map(|(paragraph, _)| paragraph));
        paragraphs
    }

    /// A line well short of the wrap width, or a little short and closed by
    /// sentence-final punctuation, is the last line of its paragraph.
    fn ends_paragraph(&self, line: &Line<'_>) -> bool {
        line.width + 12 < self.wrap
            || (line.width + 4 < self.wrap
                && (ends_with_any(line.text, SENTENCE_END) || ends_with_any(line.text, CLOSERS)))
    }

    fn continues_numbering(
        &self,
        prev: &Line<'_>,
        marker: &marker::Marker,
        open_style: Option<Style>,
    ) -> bool {
        if ends_with_any(prev.text, SENTENCE_END) || ends_with_any(prev.text, CLOSERS) {
            return true;
        }
        let last = self
            .last_number
            .iter()
            .find(|(style, _)| *style == marker.style)
            .map_or(0, |&(_, n)| n);
        if marker.number == last + 1 {
            return true;
        }
        // The first item under a heading: headings carry no final punctuation.
        marker.number == 1
            && open_style.is_some_and(|style| style != marker.style)
            && !ends_with_any(prev.text, &['，', ',', '、'])
    }
}

/// Appends one source line to a paragraph, dropping the spaces PDF extraction
/// puts between CJK text and figures.
fn append_line(paragraph: &mut Paragraph, line: &Line<'_>) {
    let text = &mut paragraph.text;
    if let (Some(last), Some(first)) = (text.chars().next_back(), line.text.chars().next())
        && last.is_ascii_alphabetic()
        && first.is_ascii_alphabetic()
    {
        text.push(' ');
    }
    paragraph.lines.push(LineMark {
        offset: text.len(),
        line: line.number,
    });
    text.reserve(line.text.len());
    let source = line.text;
    // Most lines of Chinese text hold no space at all: copy them whole.
    if !source.bytes().any(|b| b == b' ' || b == b'\t')
        && ![
            '\u{3000}', '\u{a0}', '\u{feff}', '\u{2002}', '\u{2003}', '\u{2009}',
        ]
        .iter()
        .any(|&c| source.contains(c))
    {
        text.push_str(source);
        return;
    }
    let mut copied = 0;
    let mut chars = source.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        if !is_space(c) {
            continue;
        }
        // Copy the run before this space in one go, then decide on the space.
        text.push_str(&source[copied..at]);
        while chars.peek().is_some_and(|&(_, n)| is_space(n)) {
            chars.next();
        }
        copied = chars.peek().map_or(source.len(), |&(next, _)| next);
        let before = text.chars().next_back();
        let after = chars.peek().map(|&(_, a)| a);
        if let (Some(b), Some(a)) = (before, after)
            && !is_wide(b)
            && !is_wide(a)
        {
            text.push(' ');
        }
    }
    text.push_str(&source[copied..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_gb18030_and_utf8_with_bom() {
        let (gbk, _, _) = encoding_rs::GB18030.encode("责任单位：区委办公室");
        assert_eq!(decode(&gbk).unwrap(), "责任单位：区委办公室");
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice("二、重点任务".as_bytes());
        assert_eq!(decode(&bom).unwrap(), "二、重点任务");
    }

    #[test]
    fn rejects_bytes_that_are_no_text_encoding() {
        let bytes = b"ok\nline two \xFF\xFF\xFF";
        assert_eq!(
            decode(bytes),
            Err(ParseError::Encoding {
                line: 2,
                offset: 12
            })
        );
    }

    #[test]
    fn counts_control_bytes_in_any_position() {
        let mut bytes = "责任单位：区委办公室\n\t第2行\r\n".repeat(3).into_bytes();
        assert_eq!(count_controls(&bytes), 0);
        for (i, at) in [0usize, 7, 8, 15, 31, 40].into_iter().enumerate() {
            bytes[at] = if i % 2 == 0 { 0x01 } else { 0x7F };
            assert_eq!(count_controls(&bytes), i + 1, "after byte {at}");
        }
    }

    #[test]
    fn page_numbers_are_not_text() {
        for line in [
            "- 3 -",
            "— 12 —",
            "第 3 页 共 10 页",
            "3",
            "－ 7 －",
            "3/10",
        ] {
            assert!(is_page_number(line), "{line}");
        }
        for line in ["2021年", "1、推进", "开工 45 公里"] {
            assert!(!is_page_number(line), "{line}");
        }
    }

    #[test]
    fn drops_spaces_between_chinese_and_figures_only() {
        let mut p = Paragraph::default();
        let line = Line {
            text: "成立 100 周年，COVID 19 与 5G",
            number: 1,
            width: 0,
        };
        append_line(&mut p, &line);
        assert_eq!(p.text, "成立100周年，COVID 19与5G");
    }

    #[test]
    fn joins_wrapped_lines_and_keeps_their_line_numbers() {
        let text = "一、工作要求\n\n1、注重对标看齐。以习近平新时代中国特色社会主义\n\n思想为指导，全面贯彻党的十九大和十九届二中、三中、四\n\n中、五中全会精神，深入学习贯彻习近平总书记考察上海重\n\n要讲话精神。\n\n2、注重服务大局。把思想和行动统一到中央和市委对\n\n形势的判断和工作的要求上。\n";
        let paragraphs = paragraphs(text);
        let texts: Vec<&str> = paragraphs.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "一、工作要求",
                "1、注重对标看齐。以习近平新时代中国特色社会主义思想为指导，全面贯彻党的十九大和十九届二中、三中、四中、五中全会精神，深入学习贯彻习近平总书记考察上海重要讲话精神。",
                "2、注重服务大局。把思想和行动统一到中央和市委对形势的判断和工作的要求上。"
            ]
        );
        assert_eq!(paragraphs[1].start_line(), 3);
        assert_eq!(paragraphs[1].end_line(), 9);
        let offset = paragraphs[1].text.find("思想为指导").unwrap();
        assert_eq!(paragraphs[1].line_at(offset), 5);
    }
}
