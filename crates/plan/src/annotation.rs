//! Responsibility annotations: `（责任单位：A、B）`, `（牵头单位：A；配合单位：B）`,
//! `牵头单位：A 责任单位：B`, `责任单位：… 完成时限：…`, `牵头市领导：…`.

/// What an annotation entry names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// 牵头单位: the lead units.
    Lead,
    /// 配合单位 / 协办单位: co-operating units.
    Co,
    /// 责任单位: responsible units; lead or co depending on whether a lead is named.
    Responsible,
    /// 牵头市领导 / 责任领导: persons, not units.
    Leader,
    /// 完成时限 / 时间节点.
    Deadline,
}

/// Keywords longest first, so 牵头责任单位 wins over 责任单位.
const KEYWORDS: &[(&str, Field)] = &[
    ("牵头责任单位", Field::Lead),
    ("牵头市领导", Field::Leader),
    ("牵头区领导", Field::Leader),
    ("牵头县领导", Field::Leader),
    ("责任市领导", Field::Leader),
    ("责任区领导", Field::Leader),
    ("分管市领导", Field::Leader),
    ("分管区领导", Field::Leader),
    ("牵头单位", Field::Lead),
    ("牵头部门", Field::Lead),
    ("主责单位", Field::Lead),
    ("主责部门", Field::Lead),
    ("主办单位", Field::Lead),
    ("配合单位", Field::Co),
    ("配合部门", Field::Co),
    ("协办单位", Field::Co),
    ("协同单位", Field::Co),
    ("协助单位", Field::Co),
    ("协作单位", Field::Co),
    ("参与单位", Field::Co),
    ("会办单位", Field::Co),
    ("责任单位", Field::Responsible),
    ("责任部门", Field::Responsible),
    ("承办单位", Field::Responsible),
    ("落实单位", Field::Responsible),
    ("实施单位", Field::Responsible),
    ("牵头领导", Field::Leader),
    ("责任领导", Field::Leader),
    ("分管领导", Field::Leader),
    ("联系领导", Field::Leader),
    ("完成时限", Field::Deadline),
    ("完成时间", Field::Deadline),
    ("完成期限", Field::Deadline),
    ("办结时限", Field::Deadline),
    ("时间节点", Field::Deadline),
    ("时限要求", Field::Deadline),
];

/// One `keyword：value` entry; `value_offset` is a byte offset in the paragraph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub field: Field,
    pub value: String,
    pub value_offset: usize,
}

/// An annotation found in a paragraph, with the byte range it occupies (the
/// range is cut out of the task text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Annotation {
    pub start: usize,
    pub end: usize,
    pub entries: Vec<Entry>,
    /// Opened with a bracket (closed or not), rather than running to the paragraph end.
    pub bracketed: bool,
    /// Opened with a bracket that never closes.
    pub unclosed: bool,
}

fn is_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{3000}'
}

fn is_colon(c: char) -> bool {
    c == '：' || c == ':'
}

/// The keyword that ends `before` (spaces allowed between it and the colon).
fn keyword_before(before: &str) -> Option<(usize, Field)> {
    let trimmed = before.trim_end_matches(is_space);
    KEYWORDS
        .iter()
        .find(|(word, _)| trimmed.ends_with(word))
        .map(|(word, field)| (trimmed.len() - word.len(), *field))
}

/// Every `keyword：` in `text`: (keyword start, colon end, field).
fn keyword_positions(text: &str) -> Vec<(usize, usize, Field)> {
    // Colons are rare: find them bytewise (':' or the last byte of '：', EF BC 9A)
    // instead of decoding every character.
    let bytes = text.as_bytes();
    memchr::memchr2_iter(b':', 0x9A, bytes)
        .filter_map(|end| {
            let at = if bytes[end] == b':' {
                end
            } else if end >= 2 && bytes[end - 2] == 0xEF && bytes[end - 1] == 0xBC {
                end - 2
            } else {
                return None;
            };
            keyword_before(&text[..at]).map(|(start, field)| (start, end + 1, field))
        })
        .collect()
}

/// True when `text` opens with an annotation keyword and its colon.
pub fn opens_with_keyword(text: &str) -> bool {
    // Bracket, keyword (at most six characters) and colon fit in the first 30 bytes.
    let head = &text.as_bytes()[..text.len().min(30)];
    if memchr::memchr2(b':', 0x9A, head).is_none() {
        return false;
    }
    let rest = text.trim_start_matches(|c: char| is_space(c) || c == '（' || c == '(');
    KEYWORDS.iter().any(|(word, _)| {
        rest.strip_prefix(word)
            .is_some_and(|after| after.trim_start_matches(is_space).starts_with(is_colon))
    })
}

/// All annotations in a paragraph, in order: `keyword：list` forms, or else a
/// closing bracket that assigns roles in words (`（区发展改革委牵头，区商务委配合）`).
pub fn find_all(text: &str) -> Vec<Annotation> {
    let mut annotations = keyword_annotations(text);
    let names_units = annotations.iter().any(|a| {
        a.entries
            .iter()
            .any(|e| matches!(e.field, Field::Lead | Field::Co | Field::Responsible))
    });
    let phrase = if names_units { None } else { role_phrase(text) };
    if let Some(phrase) = phrase.or_else(|| deadline_phrase(text, &annotations)) {
        annotations.push(phrase);
        annotations.sort_by_key(|a| a.start);
    }
    annotations
}

/// A closing bracket that only gives a date: `（2021年6月底前）`, `（年底前完成）`.
fn deadline_phrase(text: &str, found: &[Annotation]) -> Option<Annotation> {
    if found
        .iter()
        .any(|a| a.entries.iter().any(|e| e.field == Field::Deadline))
    {
        return None;
    }
    let trimmed = text.trim_end_matches(|c: char| is_space(c) || matches!(c, '。' | '；' | ';'));
    if !trimmed.ends_with(['）', ')']) {
        return None;
    }
    let open_at = matching_open(trimmed)?;
    if found.iter().any(|a| a.end > open_at) {
        return None;
    }
    let content_start = open_at + trimmed[open_at..].chars().next()?.len_utf8();
    let content_end = trimmed.len() - trimmed.chars().next_back()?.len_utf8();
    let content = &trimmed[content_start..content_end];
    let dated = content.chars().count() <= 20
        && content.contains(['年', '月', '季'])
        && ["前", "底", "末", "完成", "内"]
            .iter()
            .any(|e| content.ends_with(e))
        && !content.contains(['，', ',', '。']);
    dated.then(|| Annotation {
        start: open_at,
        end: text.len(),
        entries: vec![Entry {
            field: Field::Deadline,
            value: content.to_string(),
            value_offset: content_start,
        }],
        bracketed: true,
        unclosed: false,
    })
}

/// Verbs that assign a role after the units they follow.
const ROLE_VERBS: &[(&str, Field)] = &[
    ("牵头负责", Field::Lead),
    ("牵头", Field::Lead),
    ("配合", Field::Co),
    ("参与", Field::Co),
    ("协同", Field::Co),
    ("协助", Field::Co),
    ("协办", Field::Co),
    ("按职责分工负责", Field::Responsible),
    ("分别负责", Field::Responsible),
    ("负责", Field::Responsible),
];

/// The paragraph's closing bracket when every clause in it names units and
/// their role: `（A牵头，B、C配合）`, `（由A负责）`. Anything else in brackets
/// (党委（党组）, an aside) is text.
fn role_phrase(text: &str) -> Option<Annotation> {
    let trimmed = text.trim_end_matches(|c: char| is_space(c) || matches!(c, '。' | '；' | ';'));
    let close = trimmed.chars().next_back()?;
    if close != '）' && close != ')' {
        return None;
    }
    let close_at = trimmed.len() - close.len_utf8();
    let open_at = matching_open(trimmed)?;
    let content_start = open_at + trimmed[open_at..].chars().next()?.len_utf8();
    let content = &trimmed[content_start..close_at];
    let mut entries = Vec::new();
    let mut clause_start = 0;
    for clause in content.split_inclusive(['，', ',', '；', ';']) {
        let body = clause.trim_end_matches(['，', ',', '；', ';']);
        let offset = content_start + clause_start;
        clause_start += clause.len();
        let (verb, field) = ROLE_VERBS.iter().find(|(verb, _)| body.ends_with(verb))?;
        let names = body[..body.len() - verb.len()].trim_start_matches('由');
        let lead_trim = body.len() - verb.len() - names.len();
        let shaped = names
            .split(['、', '和', '及'])
            .any(|name| crate::units::shaped_like_unit(name) || name.starts_with('各'));
        if names.is_empty() || !shaped {
            return None;
        }
        entries.push(Entry {
            field: *field,
            value: names.to_string(),
            value_offset: offset + lead_trim,
        });
    }
    (!entries.is_empty()).then_some(Annotation {
        start: open_at,
        end: text.len(),
        entries,
        bracketed: true,
        unclosed: false,
    })
}

/// The bracket opening the one that closes `text`.
fn matching_open(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (at, c) in text.char_indices().rev() {
        match c {
            '）' | ')' => depth += 1,
            '（' | '(' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(at);
                }
            }
            _ => {}
        }
    }
    None
}

fn keyword_annotations(text: &str) -> Vec<Annotation> {
    let keywords = keyword_positions(text);
    let mut annotations = Vec::new();
    let mut index = 0;
    while index < keywords.len() {
        let (keyword_start, _, _) = keywords[index];
        if annotations
            .last()
            .is_some_and(|a: &Annotation| keyword_start < a.end)
        {
            index += 1;
            continue;
        }
        let open = bracket_before(text, keyword_start);
        let (start, content_end, end, unclosed) = match open {
            Some(open_at) => match matching_close(text, open_at) {
                Some(close_at) => (
                    open_at,
                    close_at,
                    close_at + text[close_at..].chars().next().map_or(0, char::len_utf8),
                    false,
                ),
                None => (open_at, text.len(), text.len(), true),
            },
            None => (keyword_start, text.len(), text.len(), false),
        };
        let entries = keywords[index..]
            .iter()
            .take_while(|(k, _, _)| *k < content_end)
            .enumerate()
            .map(|(i, &(_, value_start, field))| {
                let value_end = keywords
                    .get(index + i + 1)
                    .map_or(content_end, |(next, _, _)| (*next).min(content_end));
                let raw = &text[value_start..value_end.max(value_start)];
                let value = raw.trim_matches(|c: char| {
                    is_space(c) || matches!(c, '；' | ';' | '，' | ',' | '。' | '、')
                });
                let lead_trim = raw.len()
                    - raw
                        .trim_start_matches(|c: char| {
                            is_space(c) || matches!(c, '；' | ';' | '，' | ',' | '。' | '、')
                        })
                        .len();
                Entry {
                    field,
                    value: value.to_string(),
                    value_offset: value_start + lead_trim,
                }
            })
            .collect::<Vec<_>>();
        index += entries.len().max(1);
        annotations.push(Annotation {
            start,
            end,
            entries,
            bracketed: open.is_some(),
            unclosed,
        });
    }
    annotations
}

/// The opening bracket directly before a keyword (spaces allowed).
fn bracket_before(text: &str, keyword_start: usize) -> Option<usize> {
    let before = text[..keyword_start].trim_end_matches(is_space);
    let c = before.chars().next_back()?;
    (c == '（' || c == '(').then(|| before.len() - c.len_utf8())
}

/// The bracket closing the one at `open_at`, counting nested pairs such as
/// 区人民法院（区法院）.
fn matching_close(text: &str, open_at: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (at, c) in text[open_at..].char_indices() {
        match c {
            '（' | '(' => depth += 1,
            '）' | ')' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return Some(open_at + at);
                }
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(text: &str) -> Vec<(Field, String)> {
        find_all(text)
            .into_iter()
            .flat_map(|a| a.entries)
            .map(|e| (e.field, e.value))
            .collect()
    }

    #[test]
    fn reads_bracketed_lists_and_cuts_them_out() {
        let text = "完成古羊路积水点改善工程。（责任单位：区房管局、区建设管理委）";
        let annotations = find_all(text);
        assert_eq!(annotations.len(), 1);
        assert_eq!(&text[..annotations[0].start], "完成古羊路积水点改善工程。");
        assert_eq!(annotations[0].end, text.len());
        assert_eq!(
            fields(text),
            [(Field::Responsible, "区房管局、区建设管理委".to_string())]
        );
    }

    #[test]
    fn reads_lead_and_co_in_one_bracket_and_half_width_forms() {
        assert_eq!(
            fields("推进建设(牵头单位:区发改委;配合单位:区商务委、区科委)"),
            [
                (Field::Lead, "区发改委".to_string()),
                (Field::Co, "区商务委、区科委".to_string())
            ]
        );
        assert_eq!(
            fields("牵头单位：区发改委 责任单位：区商务委"),
            [
                (Field::Lead, "区发改委".to_string()),
                (Field::Responsible, "区商务委".to_string())
            ]
        );
        assert_eq!(
            fields("责任单位：区教育局 完成时限：2021年6月底"),
            [
                (Field::Responsible, "区教育局".to_string()),
                (Field::Deadline, "2021年6月底".to_string())
            ]
        );
    }

    #[test]
    fn keeps_brackets_inside_unit_names() {
        assert_eq!(
            fields("（责任单位：区人民法院（区法院）、区司法局）"),
            [(
                Field::Responsible,
                "区人民法院（区法院）、区司法局".to_string()
            )]
        );
    }

    #[test]
    fn marks_a_bracket_that_never_closes() {
        let annotations = find_all("推进工作（责任单位：区委办公室、区政府办公室");
        assert!(annotations[0].unclosed);
        assert_eq!(annotations[0].entries[0].value, "区委办公室、区政府办公室");
    }

    #[test]
    fn reads_roles_written_in_words() {
        let text = "推进虹桥国际开放枢纽建设。（区发展改革委牵头，区商务委、区临空办配合）";
        let annotations = find_all(text);
        assert_eq!(&text[..annotations[0].start], "推进虹桥国际开放枢纽建设。");
        assert_eq!(
            fields(text),
            [
                (Field::Lead, "区发展改革委".to_string()),
                (Field::Co, "区商务委、区临空办".to_string())
            ]
        );
        let entry = &annotations[0].entries[1];
        assert!(text[entry.value_offset..].starts_with("区商务委"));
        assert_eq!(
            fields("做好防汛工作（由区应急管理局负责）。"),
            [(Field::Responsible, "区应急管理局".to_string())]
        );
        assert!(find_all("充分发挥党委（党组）理论学习中心组作用").is_empty());
        assert!(find_all("推进改革（试点先行，逐步推开）").is_empty());
    }

    #[test]
    fn ignores_the_word_without_a_colon() {
        assert!(find_all("各责任单位要高度重视，切实加强领导").is_empty());
        assert!(opens_with_keyword("（责任单位：区委宣传部）"));
        assert!(opens_with_keyword("牵头市领导:汤飞帆"));
        assert!(!opens_with_keyword("各责任单位要"));
    }
}
