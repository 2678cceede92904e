//! The document as the preview shows it: every line at its number, with what
//! the importer read marked on it — each task's lines and number, its lead
//! and co units, the figures of its targets, category headings, and the
//! lines that carry a warning. Pure: lines and draft in, marked lines out.
//!
//! Hard-wrapped documents break names and figures across lines ("区市场" /
//! "监管局"), so a task's lines are searched joined, and each mark is then
//! cut back at the line ends.

use duban_plan::{PlanDraft, Role, SourceLine, Task};

/// A line of the document with its marks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkedLine {
    pub number: u32,
    pub segments: Vec<Segment>,
    /// The task whose lines these are.
    pub task: Option<String>,
    /// Set on a task's first line only: where its number badge goes.
    pub task_start: Option<String>,
    /// Set on a category heading's first line: the category's ordinal.
    pub category: Option<String>,
    /// A line of a category heading.
    pub in_category: bool,
    pub warned: bool,
}

/// A piece of a line; `mark` is empty for plain text, else the CSS classes
/// of what it is: `unit lead`, `unit co` (plus `unknown`), `target`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    pub text: String,
    pub mark: String,
}

/// Where a task's responsibility annotation begins: units are marked from
/// here on, figures before it.
const ANNOTATION_WORDS: &[&str] = &["责任单位", "牵头单位", "责任部门", "牵头部门"];

pub fn mark(lines: &[SourceLine], draft: &PlanDraft, unknown: &[String]) -> Vec<MarkedLine> {
    let mut marked: Vec<MarkedLine> = lines
        .iter()
        .map(|line| MarkedLine {
            number: line.number,
            segments: vec![Segment {
                text: line.text.clone(),
                mark: String::new(),
            }],
            task: None,
            task_start: None,
            category: None,
            in_category: false,
            warned: draft.warnings.iter().any(|w| w.line == line.number),
        })
        .collect();
    for category in &draft.categories {
        let mut heading = marked
            .iter_mut()
            .filter(|l| (category.span.start_line..=category.span.end_line).contains(&l.number));
        if let Some(first) = heading.next() {
            first.category = Some(category.ordinal.clone());
            first.in_category = true;
        }
        for line in heading {
            line.in_category = true;
        }
    }
    for task in &draft.tasks {
        let inside: Vec<usize> = (0..lines.len())
            .filter(|&i| (task.span.start_line..=task.span.end_line).contains(&lines[i].number))
            .collect();
        let Some(&first) = inside.first() else {
            continue;
        };
        marked[first].task_start = Some(task.number.clone());
        let texts: Vec<&str> = inside.iter().map(|&i| lines[i].text.as_str()).collect();
        let ranges = task_marks(&texts.concat(), task, unknown);
        let mut offset = 0;
        for (&i, text) in inside.iter().zip(&texts) {
            marked[i].task = Some(task.number.clone());
            marked[i].segments = cut(text, offset, &ranges);
            offset += text.len();
        }
    }
    marked
}

/// Byte ranges of `joined` to mark, sorted and not overlapping.
fn task_marks(joined: &str, task: &Task, unknown: &[String]) -> Vec<(usize, usize, String)> {
    let annotation = ANNOTATION_WORDS
        .iter()
        .filter_map(|word| joined.find(word))
        .min()
        .unwrap_or(0);
    let mut ranges: Vec<(usize, usize, String)> = Vec::new();
    // Longer names first, so 区委办公室 is not marked inside a longer name.
    let mut units: Vec<_> = task.units.iter().collect();
    units.sort_by_key(|u| std::cmp::Reverse(u.name.len()));
    for unit in units {
        let role = match unit.role {
            Role::Lead => "unit lead",
            Role::Co => "unit co",
        };
        let class = if unknown.contains(&unit.name) {
            format!("{role} unknown")
        } else {
            role.to_string()
        };
        for (at, _) in joined[annotation..].match_indices(unit.name.as_str()) {
            let start = annotation + at;
            push_free(&mut ranges, (start, start + unit.name.len(), class.clone()));
        }
    }
    let before = if annotation == 0 {
        joined.len()
    } else {
        annotation
    };
    for target in &task.targets {
        if target.unit.is_empty() {
            continue;
        }
        for (at, _) in joined[..before].match_indices(target.unit.as_str()) {
            if let Some(start) = figure_start(&joined[..at]) {
                push_free(
                    &mut ranges,
                    (start, at + target.unit.len(), "target".into()),
                );
            }
        }
    }
    ranges.sort_by_key(|r| r.0);
    ranges
}

/// Where the figure ending right before a unit of measure begins: digits,
/// a decimal point, spaces and 万/亿 walked back over; `None` without a digit.
fn figure_start(before: &str) -> Option<usize> {
    let mut start = before.len();
    let mut digits = false;
    for (i, c) in before.char_indices().rev() {
        match c {
            '0'..='9' | '０'..='９' => digits = true,
            '.' | ' ' | '万' | '亿' => {}
            _ => break,
        }
        start = i;
    }
    let skipped = before[start..].trim_start_matches([' ', '万', '亿', '.']);
    let start = before.len() - skipped.len();
    digits.then_some(start)
}

fn push_free(ranges: &mut Vec<(usize, usize, String)>, range: (usize, usize, String)) {
    if !ranges.iter().any(|r| range.0 < r.1 && r.0 < range.1) {
        ranges.push(range);
    }
}

/// The segments of one line starting at `offset` of the joined text.
fn cut(text: &str, offset: usize, ranges: &[(usize, usize, String)]) -> Vec<Segment> {
    let end = offset + text.len();
    let mut segments = Vec::new();
    let mut at = offset;
    for (start, stop, class) in ranges.iter().filter(|r| r.0 < end && r.1 > offset) {
        let (start, stop) = ((*start).max(offset), (*stop).min(end));
        if start > at {
            segments.push(plain(&text[at - offset..start - offset]));
        }
        segments.push(Segment {
            text: text[start - offset..stop - offset].to_string(),
            mark: class.clone(),
        });
        at = stop;
    }
    if at < end || segments.is_empty() {
        segments.push(plain(&text[at - offset..]));
    }
    segments
}

fn plain(text: &str) -> Segment {
    Segment {
        text: text.to_string(),
        mark: String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A hard-wrapped task as PDF extraction leaves it, read as the importer
    /// reads such text (the draft is written out, so only marking is tested).
    fn marked_of(text: &str) -> Vec<MarkedLine> {
        let draft: PlanDraft = serde_json::from_value(serde_json::json!({
            "title": null, "year": null, "requirements": [],
            "categories": [{"ordinal": "一", "title": "城市建设", "span": {"start_line": 1, "end_line": 1}}],
            "tasks": [{
                "number": "1", "category": "一", "title": "推进加装电梯",
                "text": "推进加装电梯，新开工不少于185台，竣工150台。",
                "units": [
                    {"name": "区房管局", "role": "lead"},
                    {"name": "区建设管理委", "role": "co"},
                    {"name": "区新设办", "role": "co"}
                ],
                "leaders": [], "deadline": null,
                "targets": [
                    {"metric": "加装电梯新开工", "op": ">=", "value": 185, "unit": "台"},
                    {"metric": "加装电梯竣工", "op": "=", "value": 150, "unit": "台"}
                ],
                "directions": [],
                "span": {"start_line": 2, "end_line": 3}
            }],
            "warnings": [{"line": 3, "message": "unit '区新设办' is not in the unit registry"}]
        }))
        .unwrap();
        let lines = duban_plan::source_lines(text.as_bytes()).unwrap();
        mark(&lines, &draft, &["区新设办".to_string()])
    }

    fn marks(line: &MarkedLine) -> Vec<(&str, &str)> {
        line.segments
            .iter()
            .filter(|s| !s.mark.is_empty())
            .map(|s| (s.text.as_str(), s.mark.as_str()))
            .collect()
    }

    #[test]
    fn marks_units_across_a_wrap_and_figures_before_the_annotation() {
        let text = "一、城市建设\n1、推进加装电梯，新开工不少于 185 台，竣工150台。（责任单位：区房管局、区建设\n管理委、区新设办）\n";
        let lines = marked_of(text);
        assert_eq!(lines[0].category.as_deref(), Some("一"));
        assert!(lines[2].warned && !lines[1].warned);
        assert_eq!(lines[1].task_start.as_deref(), Some("1"));
        assert_eq!(lines[2].task.as_deref(), Some("1"));
        assert_eq!(
            marks(&lines[1]),
            [
                ("185 台", "target"),
                ("150台", "target"),
                ("区房管局", "unit lead"),
                ("区建设", "unit co")
            ]
        );
        assert_eq!(
            marks(&lines[2]),
            [("管理委", "unit co"), ("区新设办", "unit co unknown")]
        );
        let joined: String = lines[1].segments.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(
            joined,
            "1、推进加装电梯，新开工不少于 185 台，竣工150台。（责任单位：区房管局、区建设"
        );
    }

    #[test]
    fn a_unit_of_measure_without_a_figure_is_not_marked() {
        assert_eq!(figure_start("新开工不少于"), None);
        assert_eq!(figure_start("开工 4.5 万"), Some(7));
    }
}
