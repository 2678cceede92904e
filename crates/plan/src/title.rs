//! The plan's title and year, found even when the document's first line is lost.

use crate::blocks::Paragraph;

/// Words a plan's title ends with.
const TITLE_ENDINGS: &[&str] = &[
    "安排",
    "方案",
    "计划",
    "要点",
    "清单",
    "分解",
    "意见",
    "任务",
    "责任书",
    "表",
    "台账",
    "通知",
];

/// The title: a heading line naming the plan, the subject of "关于印发《X》的通知",
/// or the phrase of "现就X如下" that introduces the tasks.
pub fn find_title(paragraphs: &[&Paragraph]) -> Option<String> {
    let heading = paragraphs
        .iter()
        .map(|p| p.text.as_str())
        .find(|text| is_title_line(text) && !text.contains("关于"));
    if let Some(title) = heading {
        return Some(title.to_string());
    }
    for paragraph in paragraphs {
        let text = paragraph.text.as_str();
        if let Some(at) = text.find("关于印发")
            && let Some(subject) = text[at + "关于印发".len()..].strip_suffix("的通知")
        {
            let subject = subject.trim_start_matches('《').trim_end_matches('》');
            if !subject.is_empty() {
                return Some(subject.to_string());
            }
        }
        if let Some(at) = text.find("现就") {
            let rest = &text[at + "现就".len()..];
            if let Some(end) = rest.find("如下") {
                let phrase = rest[..end].trim_end_matches(['，', ',']);
                if !phrase.is_empty() && phrase.chars().count() <= 60 {
                    return Some(phrase.to_string());
                }
            }
        }
    }
    None
}

/// A short line without sentence punctuation that names a plan and its year.
fn is_title_line(text: &str) -> bool {
    let chars = text.chars().count();
    (8..=60).contains(&chars)
        && !text.contains(['。', '；', '：', ':', '，'])
        && TITLE_ENDINGS.iter().any(|e| text.ends_with(e))
        && year_in(text).is_some()
}

/// The first plausible year (1990–2100) written as four digits before 年.
pub fn year_in(text: &str) -> Option<i32> {
    let bytes = text.as_bytes();
    let mut search_from = 0;
    while let Some(found) = text[search_from..].find('年') {
        let at = search_from + found;
        search_from = at + '年'.len_utf8();
        let digits = text[..at].trim_end_matches(' ');
        let tail: String = digits
            .chars()
            .rev()
            .take_while(char::is_ascii_digit)
            .collect();
        if tail.len() != 4 {
            continue;
        }
        let start = digits.len() - 4;
        if start > 0 && bytes[start - 1].is_ascii_digit() {
            continue;
        }
        if let Ok(year) = tail.chars().rev().collect::<String>().parse::<i32>()
            && (1990..=2100).contains(&year)
        {
            return Some(year);
        }
    }
    None
}

/// The plan year: from the title, else the year the opening text names most.
pub fn find_year(title: Option<&str>, opening: &[&Paragraph]) -> Option<i32> {
    if let Some(year) = title.and_then(year_in) {
        return Some(year);
    }
    let mut counts: Vec<(i32, usize)> = Vec::new();
    for paragraph in opening {
        let mut text = paragraph.text.as_str();
        while let Some(year) = year_in(text) {
            match counts.iter_mut().find(|(y, _)| *y == year) {
                Some((_, n)) => *n += 1,
                None => counts.push((year, 1)),
            }
            let needle = year.to_string();
            let Some(at) = text.find(&needle) else { break };
            text = &text[at + needle.len()..];
        }
    }
    counts
        .into_iter()
        .max_by_key(|&(year, n)| (n, year))
        .map(|(y, _)| y)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paragraph(text: &str) -> Paragraph {
        Paragraph::single(text.to_string(), 1)
    }

    #[test]
    fn finds_the_title_in_each_form() {
        let p = [paragraph(
            "年是中国共产党成立100周年。现就2021年重点推进和督查工作安排如下：",
        )];
        let refs: Vec<&Paragraph> = p.iter().collect();
        assert_eq!(
            find_title(&refs).as_deref(),
            Some("2021年重点推进和督查工作安排")
        );

        let p = [
            paragraph(
                "区人民政府办公室关于印发2023年区《政府工作报告》确定的主要目标任务责任分解方案的通知",
            ),
            paragraph("2023年区《政府工作报告》确定的主要目标任务责任分解方案"),
        ];
        let refs: Vec<&Paragraph> = p.iter().collect();
        assert_eq!(
            find_title(&refs).as_deref(),
            Some("2023年区《政府工作报告》确定的主要目标任务责任分解方案")
        );

        let p = [paragraph("2022年区重点工作任务分解表")];
        let refs: Vec<&Paragraph> = p.iter().collect();
        assert_eq!(
            find_title(&refs).as_deref(),
            Some("2022年区重点工作任务分解表")
        );

        let p = [paragraph("关于印发《2022年区重点工作任务分解》的通知")];
        let refs: Vec<&Paragraph> = p.iter().collect();
        assert_eq!(
            find_title(&refs).as_deref(),
            Some("2022年区重点工作任务分解")
        );
    }

    #[test]
    fn the_year_comes_from_the_text_when_the_title_is_lost() {
        let p = [
            paragraph("年是中国共产党成立100周年，为推进落实关于2021年的工作部署"),
            paragraph("现就2021年重点推进和督查工作安排如下："),
        ];
        let refs: Vec<&Paragraph> = p.iter().collect();
        assert_eq!(find_year(None, &refs), Some(2021));
        assert_eq!(year_in("成立100周年"), None);
        assert_eq!(year_in("20210年"), None);
    }
}
