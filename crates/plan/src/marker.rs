//! Numbering markers at the start of a paragraph: 一、 （一） 1、 1. （1） ① 3.2 第一部分.

use crate::numerals::{is_chinese_numeral_char, parse_chinese};

/// The printed form of a numbering scheme. Plans nest schemes in an order of
/// their own choosing, so the outline learns the nesting from the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Style {
    /// 一、
    ChineseComma,
    /// （一） or (一)
    ChineseParen,
    /// 1、
    ArabicComma,
    /// 1. or 1．
    ArabicDot,
    /// （1） or (1)
    ArabicParen,
    /// 1) or 1）
    ArabicHalfParen,
    /// ① ②
    Circled,
    /// 3.2, 3.2.1: the number of levels
    Decimal(u8),
    /// 第一部分, 第一章
    Part,
    /// 第一条
    Article,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Marker {
    pub style: Style,
    /// The item's number within its list (the last component of 3.2).
    pub number: u32,
    /// As printed, for a task's `number`: "18", "3.2", "（五）", "一".
    pub label: String,
    /// The number as an ordinal for categories: "一", "五", "18".
    pub ordinal: String,
    /// Bytes of the paragraph taken by the marker and the space after it.
    pub len: usize,
}

const MAX_ITEM_NUMBER: u64 = 999;

/// The marker that opens `text`, if any.
pub fn detect(text: &str) -> Option<Marker> {
    let first = text.chars().next()?;
    let marker = match first {
        '（' | '(' => paren(text),
        '第' => part_or_article(text),
        '①'..='⑳' => Some(Marker {
            style: Style::Circled,
            number: u32::from(first) - u32::from('①') + 1,
            label: first.to_string(),
            ordinal: (u32::from(first) - u32::from('①') + 1).to_string(),
            len: first.len_utf8(),
        }),
        c if c.is_ascii_digit() || is_fullwidth_digit(c) => arabic(text),
        c if is_chinese_numeral_char(c) => chinese(text),
        _ => None,
    }?;
    let rest = &text[marker.len..];
    let trimmed = rest.trim_start_matches(is_space);
    // A marker alone on a line ("一、") is still a marker; the title follows.
    Some(Marker {
        len: marker.len + (rest.len() - trimmed.len()),
        ..marker
    })
}

fn is_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{3000}'
}

fn is_fullwidth_digit(c: char) -> bool {
    ('０'..='９').contains(&c)
}

fn ascii_digit(c: char) -> Option<u32> {
    if c.is_ascii_digit() {
        c.to_digit(10)
    } else if is_fullwidth_digit(c) {
        Some(u32::from(c) - u32::from('０'))
    } else {
        None
    }
}

/// Leading run of (ASCII or full-width) digits: (value, bytes).
fn leading_number(text: &str) -> Option<(u64, usize)> {
    let mut value: u64 = 0;
    let mut len = 0;
    for c in text.chars() {
        let Some(d) = ascii_digit(c) else { break };
        value = value.checked_mul(10)?.checked_add(u64::from(d))?;
        len += c.len_utf8();
    }
    (len > 0).then_some((value, len))
}

fn leading_chinese(text: &str) -> Option<(u64, usize)> {
    let len: usize = text
        .chars()
        .take_while(|&c| is_chinese_numeral_char(c))
        .map(char::len_utf8)
        .sum();
    let value = parse_chinese(&text[..len])?;
    Some((value, len))
}

fn item(style: Style, number: u64, label: String, ordinal: String, len: usize) -> Option<Marker> {
    if number == 0 || number > MAX_ITEM_NUMBER {
        return None;
    }
    Some(Marker {
        style,
        number: number as u32,
        label,
        ordinal,
        len,
    })
}

fn paren(text: &str) -> Option<Marker> {
    let open = text.chars().next()?;
    let inner = &text[open.len_utf8()..];
    let (number, style, digits_len) = if let Some((n, len)) = leading_number(inner) {
        (n, Style::ArabicParen, len)
    } else {
        let (n, len) = leading_chinese(inner)?;
        (n, Style::ChineseParen, len)
    };
    let close = inner[digits_len..].chars().next()?;
    if close != '）' && close != ')' {
        return None;
    }
    let len = open.len_utf8() + digits_len + close.len_utf8();
    let ordinal = inner[..digits_len].to_string();
    item(style, number, text[..len].to_string(), ordinal, len)
}

fn chinese(text: &str) -> Option<Marker> {
    let (number, digits_len) = leading_chinese(text)?;
    let sep = text[digits_len..].chars().next()?;
    if !matches!(sep, '、' | '．' | '.') {
        return None;
    }
    let numeral = text[..digits_len].to_string();
    item(
        Style::ChineseComma,
        number,
        numeral.clone(),
        numeral,
        digits_len + sep.len_utf8(),
    )
}

fn arabic(text: &str) -> Option<Marker> {
    let (number, digits_len) = leading_number(text)?;
    if digits_len > 3 * 3 {
        return None;
    }
    let rest = &text[digits_len..];
    let sep = rest.chars().next()?;
    let digits = normalize_digits(&text[..digits_len]);
    match sep {
        '、' => item(
            Style::ArabicComma,
            number,
            digits.clone(),
            digits,
            digits_len + sep.len_utf8(),
        ),
        ')' | '）' => item(
            Style::ArabicHalfParen,
            number,
            digits.clone(),
            digits,
            digits_len + sep.len_utf8(),
        ),
        '.' | '．' => {
            let after = &rest[sep.len_utf8()..];
            if after.starts_with(|c: char| ascii_digit(c).is_some()) {
                decimal(text)
            } else if after.starts_with(|c: char| c.is_ascii_alphabetic()) {
                None // "1.5G", "v1.x": not numbering
            } else {
                item(
                    Style::ArabicDot,
                    number,
                    digits.clone(),
                    digits,
                    digits_len + sep.len_utf8(),
                )
            }
        }
        _ => None,
    }
}

/// 3.2 or 3.2.1 followed by a space or a CJK character; no component may be 0,
/// which keeps "2.0 版" (a wrapped figure) from reading as item 2.0.
fn decimal(text: &str) -> Option<Marker> {
    let mut components = Vec::new();
    let mut len = 0;
    loop {
        let (n, digits_len) = leading_number(&text[len..])?;
        if n == 0 || n > MAX_ITEM_NUMBER {
            return None;
        }
        components.push(n);
        len += digits_len;
        let next = text[len..].chars().next();
        match next {
            Some('.' | '．') if text[len + 1..].starts_with(|c: char| c.is_ascii_digit()) => {
                len += next.map_or(0, char::len_utf8);
            }
            _ => break,
        }
        if components.len() > 4 {
            return None;
        }
    }
    let follower = text[len..].chars().next();
    let ok = match follower {
        None => false,
        Some(c) => is_space(c) || c == '、' || is_cjk_letter(c),
    };
    if !ok {
        return None;
    }
    let label = normalize_digits(&text[..len]);
    let number = *components.last()?;
    item(
        Style::Decimal(components.len() as u8),
        number,
        label.clone(),
        label,
        len + if follower == Some('、') {
            '、'.len_utf8()
        } else {
            0
        },
    )
}

fn part_or_article(text: &str) -> Option<Marker> {
    let inner = &text['第'.len_utf8()..];
    let (number, digits_len) = leading_chinese(inner).or_else(|| leading_number(inner))?;
    let after = &inner[digits_len..];
    let (style, word) = if after.starts_with("部分") {
        (Style::Part, "部分")
    } else if after.starts_with('章') {
        (Style::Part, "章")
    } else if after.starts_with('条') {
        (Style::Article, "条")
    } else {
        return None;
    };
    let len = '第'.len_utf8() + digits_len + word.len();
    item(
        style,
        number,
        text[..len].to_string(),
        inner[..digits_len].to_string(),
        len,
    )
}

fn normalize_digits(text: &str) -> String {
    text.chars()
        .map(|c| match ascii_digit(c) {
            Some(d) if is_fullwidth_digit(c) => char::from_digit(d, 10).unwrap_or(c),
            _ => c,
        })
        .collect()
}

fn is_cjk_letter(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn style_and_label(text: &str) -> Option<(Style, String, u32)> {
        detect(text).map(|m| (m.style, m.label, m.number))
    }

    #[test]
    fn recognises_each_scheme() {
        assert_eq!(
            style_and_label("一、工作要求"),
            Some((Style::ChineseComma, "一".into(), 1))
        );
        assert_eq!(
            style_and_label("（十）持续深化"),
            Some((Style::ChineseParen, "（十）".into(), 10))
        );
        assert_eq!(
            style_and_label("(一)地区生产总值"),
            Some((Style::ChineseParen, "(一)".into(), 1))
        );
        assert_eq!(
            style_and_label("18、持续推进"),
            Some((Style::ArabicComma, "18".into(), 18))
        );
        assert_eq!(
            style_and_label("1.聚焦不平衡"),
            Some((Style::ArabicDot, "1".into(), 1))
        );
        assert_eq!(
            style_and_label("（3）加强"),
            Some((Style::ArabicParen, "（3）".into(), 3))
        );
        assert_eq!(
            style_and_label("3.2 推进"),
            Some((Style::Decimal(2), "3.2".into(), 2))
        );
        assert_eq!(
            style_and_label("②完善"),
            Some((Style::Circled, "②".into(), 2))
        );
        assert_eq!(
            style_and_label("第二部分 重点任务"),
            Some((Style::Part, "第二部分".into(), 2))
        );
        assert_eq!(
            style_and_label("１２、全角"),
            Some((Style::ArabicComma, "12".into(), 12))
        );
    }

    #[test]
    fn leaves_figures_and_phrases_alone() {
        for text in [
            "2.0 版，做实街镇平台功能",
            "二〇三五年远景目标",
            "一是加强",
            "十四五规划",
            "2021年",
            "(此件公开发布)",
            "5G、千兆光网",
            "1.5G",
            "0、零",
        ] {
            assert_eq!(detect(text), None, "{text}");
        }
    }

    #[test]
    fn marker_length_covers_the_space_after_it() {
        let m = detect("一、　工作要求").unwrap();
        assert_eq!(&"一、　工作要求"[m.len..], "工作要求");
    }
}
