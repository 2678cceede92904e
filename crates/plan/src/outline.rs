//! The plan's structure from its paragraphs: which numbered items are tasks,
//! which headings are their categories, and part 工作要求.
//!
//! Plans nest numbering schemes in orders of their own (一、→（一）→1、, or
//! 一、→(一), or bare 1.), so nothing here assumes one: the nesting is learnt
//! from the document with a stack of schemes, and the task level is the
//! (scheme, depth) whose items carry responsibility annotations.

use std::collections::HashMap;

use crate::annotation::{self, Annotation, Field};
use crate::blocks::Paragraph;
use crate::deadlines;
use crate::error::ParseError;
use crate::marker::{self, Marker, Style};
use crate::model::{
    Category, Deadline, PlanDraft, Requirement, Role, Span, Task, UnitRef, Warning,
};
use crate::numerals::to_chinese;
use crate::registry::Registry;
use crate::targets;
use crate::title;
use crate::units;

/// A numbered paragraph and the unnumbered paragraphs that follow it.
#[derive(Debug)]
struct Node {
    paragraph: usize,
    marker: Marker,
    depth: usize,
    parent: Option<usize>,
    attached: Vec<usize>,
}

/// Reads the plan out of a document's paragraphs.
pub fn read_plan(paragraphs: &[Paragraph], registry: &Registry) -> Result<PlanDraft, ParseError> {
    let (nodes, preamble) = build_nodes(paragraphs);
    let annotations: Vec<Vec<Annotation>> = paragraphs
        .iter()
        .map(|p| annotation::find_all(&p.text))
        .collect();
    let Some(task_level) = task_level(&nodes, &annotations) else {
        return Err(ParseError::NoTasks);
    };
    let task_nodes: Vec<usize> = (0..nodes.len())
        .filter(|&n| (nodes[n].marker.style, nodes[n].depth) == task_level)
        .collect();

    let first_task_paragraph = nodes[task_nodes[0]].paragraph;
    let opening: Vec<&Paragraph> = paragraphs[..first_task_paragraph].iter().collect();
    let title = title::find_title(&opening);
    let year = title::find_year(title.as_deref(), &opening);

    let mut reader = Reader {
        paragraphs,
        annotations: &annotations,
        nodes: &nodes,
        registry,
        year,
        warnings: Vec::new(),
        loose: vec![false; paragraphs.len()],
    };
    for &p in &preamble {
        reader.loose[p] = true;
    }
    let mut tasks = Vec::with_capacity(task_nodes.len());
    for (i, &n) in task_nodes.iter().enumerate() {
        let end = task_nodes.get(i + 1).map_or(nodes.len(), |&next| next);
        tasks.push(reader.task(n, end, task_level.1));
    }
    let categories = reader.categorise(&task_nodes, &mut tasks);
    let requirements = reader.requirements(task_level);
    reader.check_numbering(&task_nodes, &tasks);

    let mut warnings = reader.warnings;
    warnings.sort_by_key(|w| w.line);
    Ok(PlanDraft {
        title,
        year,
        requirements,
        categories,
        tasks,
        warnings,
    })
}

fn build_nodes(paragraphs: &[Paragraph]) -> (Vec<Node>, Vec<usize>) {
    let mut nodes: Vec<Node> = Vec::new();
    let mut preamble = Vec::new();
    let mut stack: Vec<(Style, usize)> = Vec::new();
    for (i, paragraph) in paragraphs.iter().enumerate() {
        let marker = marker::detect(&paragraph.text)
            .filter(|_| !annotation::opens_with_keyword(&paragraph.text));
        match marker {
            Some(marker) => {
                if let Some(pos) = stack.iter().position(|(style, _)| *style == marker.style) {
                    stack.truncate(pos);
                }
                let style = marker.style;
                nodes.push(Node {
                    paragraph: i,
                    marker,
                    depth: stack.len(),
                    parent: stack.last().map(|&(_, n)| n),
                    attached: Vec::new(),
                });
                stack.push((style, nodes.len() - 1));
            }
            None => match nodes.last_mut() {
                Some(node) => node.attached.push(i),
                None => preamble.push(i),
            },
        }
    }
    (nodes, preamble)
}

fn names_units(annotations: &[Annotation]) -> bool {
    annotations.iter().any(|a| {
        a.entries
            .iter()
            .any(|e| matches!(e.field, Field::Lead | Field::Co | Field::Responsible))
    })
}

/// The (scheme, depth) whose items most often carry units; the deeper wins a tie.
fn task_level(nodes: &[Node], annotations: &[Vec<Annotation>]) -> Option<(Style, usize)> {
    let mut counts: HashMap<(Style, usize), usize> = HashMap::new();
    for node in nodes {
        let carries = std::iter::once(node.paragraph)
            .chain(node.attached.iter().copied())
            .any(|p| names_units(&annotations[p]));
        if carries {
            *counts.entry((node.marker.style, node.depth)).or_default() += 1;
        }
    }
    counts
        .into_iter()
        .max_by_key(|&((_, depth), count)| (count, depth))
        .map(|(level, _)| level)
}

struct Reader<'a> {
    paragraphs: &'a [Paragraph],
    /// The annotations of each paragraph, found once.
    annotations: &'a [Vec<Annotation>],
    nodes: &'a [Node],
    registry: &'a Registry,
    year: Option<i32>,
    warnings: Vec<Warning>,
    /// Paragraphs outside any task: unnumbered headings may be among them.
    loose: Vec<bool>,
}

const CLAUSE_ENDS: &[char] = &['。', '；', ';', '！', '？', '，', ','];

impl Reader<'_> {
    fn warn(&mut self, line: u32, message: String) {
        self.warnings.push(Warning { line, message });
    }

    /// The task of node `n`; nodes up to `end` that are deeper belong to it.
    fn task(&mut self, n: usize, end: usize, depth: usize) -> Task {
        let node = &self.nodes[n];
        let mut members: Vec<(usize, bool)> = vec![(node.paragraph, true)];
        members.extend(node.attached.iter().map(|&p| (p, false)));
        for deeper in &self.nodes[n + 1..end] {
            if deeper.depth <= depth {
                break;
            }
            members.push((deeper.paragraph, false));
            members.extend(deeper.attached.iter().map(|&p| (p, false)));
        }

        let mut pieces: Vec<String> = Vec::new();
        let mut units: Vec<UnitRef> = Vec::new();
        let mut leaders: Vec<String> = Vec::new();
        let mut deadline: Option<Deadline> = None;
        let mut annotated = false;
        let mut end_line = self.paragraphs[node.paragraph].end_line();
        for (p, is_head) in members {
            let paragraph = &self.paragraphs[p];
            let annotations = &self.annotations[p];
            let only_annotation = annotation::opens_with_keyword(&paragraph.text);
            if annotated
                && annotations.is_empty()
                && !is_head
                && marker::detect(&paragraph.text).is_none()
            {
                // After the annotation that closed the task: a heading or a signature.
                self.loose[p] = true;
                continue;
            }
            end_line = paragraph.end_line();
            let skip = if is_head { node.marker.len } else { 0 };
            let mut remainder = String::new();
            let mut cursor = skip;
            for a in annotations {
                if a.start >= cursor {
                    remainder.push_str(&paragraph.text[cursor..a.start]);
                }
                cursor = cursor.max(a.end);
                if a.unclosed {
                    self.warn(
                        paragraph.line_at(a.start),
                        "the responsibility list opened here never closes (missing '）')".into(),
                    );
                }
                let ends_document = p + 1 == self.paragraphs.len() && a.end == paragraph.text.len();
                self.read_annotation(
                    paragraph,
                    a,
                    ends_document && !a.bracketed,
                    &mut units,
                    &mut leaders,
                    &mut deadline,
                );
            }
            remainder.push_str(paragraph.text.get(cursor..).unwrap_or(""));
            let remainder = remainder.trim();
            if !remainder.is_empty() && !only_annotation {
                pieces.push(remainder.to_string());
            }
            annotated |= names_units(annotations);
        }
        let text = pieces.join("\n");
        let (targets, directions) = targets::extract(&text);
        let start_line = self.paragraphs[node.paragraph].start_line();
        if units.is_empty() {
            self.warn(
                start_line,
                format!("task {} names no responsible unit", node.marker.label),
            );
        }
        Task {
            number: node.marker.label.clone(),
            category: None,
            title: first_clause(&text),
            text,
            units,
            leaders,
            deadline,
            targets,
            directions,
            span: Span {
                start_line,
                end_line,
            },
        }
    }

    fn read_annotation(
        &mut self,
        paragraph: &Paragraph,
        annotation: &Annotation,
        cut_at_document_end: bool,
        units: &mut Vec<UnitRef>,
        leaders: &mut Vec<String>,
        deadline: &mut Option<Deadline>,
    ) {
        let names_lead = annotation.entries.iter().any(|e| e.field == Field::Lead)
            || units.iter().any(|u| u.role == Role::Lead);
        for (e, entry) in annotation.entries.iter().enumerate() {
            let last_entry = e + 1 == annotation.entries.len();
            match entry.field {
                Field::Deadline => {
                    if deadline.is_none() && !entry.value.is_empty() {
                        *deadline = Some(deadlines::parse(&entry.value, self.year));
                    }
                }
                Field::Leader => leaders.extend(
                    entry
                        .value
                        .split(['、', '，', ',', ' ', '；', ';'])
                        .filter(|name| !name.is_empty())
                        .map(str::to_string),
                ),
                field => {
                    let names = units::split(&entry.value, self.registry);
                    let count = names.len();
                    for (i, name) in names.into_iter().enumerate() {
                        let line = paragraph.line_at(entry.value_offset + name.offset);
                        if cut_at_document_end
                            && last_entry
                            && i + 1 == count
                            && !units::reads_as_unit(&name.name, self.registry)
                        {
                            // An excerpt or a lost last page: the list stops mid-name.
                            self.warn(
                                line,
                                format!(
                                    "the document ends inside this unit list; '{}' looks cut off and was left out",
                                    name.name
                                ),
                            );
                            continue;
                        }
                        let role = match field {
                            Field::Lead => Role::Lead,
                            Field::Responsible if !names_lead && i == 0 && units.is_empty() => {
                                Role::Lead
                            }
                            _ => Role::Co,
                        };
                        if !self.registry.knows(&name.name) {
                            self.warn(
                                line,
                                format!("unit '{}' is not in the unit registry", name.name),
                            );
                        }
                        if !units.iter().any(|u| u.name == name.name) {
                            units.push(UnitRef {
                                name: name.name,
                                role,
                            });
                        }
                    }
                }
            }
        }
    }

    /// Gives each task its category: the heading one level up, or for tasks
    /// with no numbered parent, the unnumbered heading lines just before them.
    fn categorise(&mut self, task_nodes: &[usize], tasks: &mut [Task]) -> Vec<Category> {
        let mut categories: Vec<Category> = Vec::new();
        let mut keys: Vec<CategoryKey> = Vec::new();
        let mut current: Option<usize> = None;
        for (task, &n) in tasks.iter_mut().zip(task_nodes) {
            let node = &self.nodes[n];
            let key = match node.parent {
                Some(parent) => Some(CategoryKey::Node(parent)),
                None => self
                    .heading_before(node.paragraph)
                    .map(CategoryKey::Lines)
                    .or_else(|| current.map(|c| keys[c].clone())),
            };
            let Some(key) = key else {
                task.category = None;
                continue;
            };
            let index = match keys.iter().position(|k| *k == key) {
                Some(index) => index,
                None => {
                    categories.push(self.category(&key, categories.len()));
                    keys.push(key);
                    keys.len() - 1
                }
            };
            current = Some(index);
            task.category = Some(categories[index].ordinal.clone());
        }
        categories
    }

    fn category(&self, key: &CategoryKey, position: usize) -> Category {
        match key {
            CategoryKey::Node(n) => {
                let node = &self.nodes[*n];
                let paragraph = &self.paragraphs[node.paragraph];
                let heading = &paragraph.text[node.marker.len..];
                let title = heading
                    .split_once('。')
                    .map_or(heading, |(first, _)| first)
                    .trim()
                    .to_string();
                Category {
                    ordinal: node.marker.ordinal.clone(),
                    title,
                    span: Span {
                        start_line: paragraph.start_line(),
                        end_line: paragraph.end_line(),
                    },
                }
            }
            CategoryKey::Lines(range) => Category {
                ordinal: to_chinese(u32::try_from(position + 1).unwrap_or(u32::MAX)),
                title: range
                    .clone()
                    .map(|p| self.paragraphs[p].text.as_str())
                    .collect(),
                span: Span {
                    start_line: self.paragraphs[range.start].start_line(),
                    end_line: self.paragraphs[range.end - 1].end_line(),
                },
            },
        }
    }

    /// Unnumbered heading lines directly before paragraph `p`.
    fn heading_before(&self, p: usize) -> Option<std::ops::Range<usize>> {
        let mut start = p;
        while start > 0
            && self.loose[start - 1]
            && is_heading_like(&self.paragraphs[start - 1].text)
        {
            start -= 1;
        }
        (start < p).then_some(start..p)
    }

    /// Part 工作要求 / 总体要求: the items directly under a heading naming it.
    fn requirements(&self, task_level: (Style, usize)) -> Vec<Requirement> {
        let Some(part) = self.nodes.iter().position(|node| {
            let heading = &self.paragraphs[node.paragraph].text[node.marker.len..];
            heading.chars().count() <= 12 && heading.contains("要求")
        }) else {
            return Vec::new();
        };
        self.nodes
            .iter()
            .filter(|node| {
                node.parent == Some(part) && (node.marker.style, node.depth) != task_level
            })
            .map(|node| {
                let paragraph = &self.paragraphs[node.paragraph];
                let mut text = paragraph.text[node.marker.len..].trim().to_string();
                for &p in &node.attached {
                    text.push('\n');
                    text.push_str(&self.paragraphs[p].text);
                }
                let title = text
                    .split_once(['。', '！', '；'])
                    .map_or(text.as_str(), |(first, _)| first)
                    .to_string();
                Requirement {
                    number: node.marker.label.clone(),
                    title,
                    text,
                }
            })
            .collect()
    }

    /// Warns where task numbers skip or repeat (a lost page, a typo).
    fn check_numbering(&mut self, task_nodes: &[usize], tasks: &[Task]) {
        let mut previous: Option<u32> = None;
        for (&n, task) in task_nodes.iter().zip(tasks) {
            let number = self.nodes[n].marker.number;
            if let Some(prev) = previous
                && number != prev + 1
                && number != 1
            {
                self.warn(
                    task.span.start_line,
                    format!("task numbering jumps from {prev} to {number}"),
                );
            }
            previous = Some(number);
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum CategoryKey {
    Node(usize),
    Lines(std::ops::Range<usize>),
}

/// A short line without sentence punctuation that is not a date, a bracketed
/// remark or an annotation: the shape of an unnumbered heading.
fn is_heading_like(text: &str) -> bool {
    let chars = text.chars().count();
    (2..=40).contains(&chars)
        && !text.contains(['。', '；', ';', '：', ':', '，', ','])
        && !text.starts_with(['（', '('])
        && (!text.ends_with('日') || title::year_in(text).is_none())
}

/// The task's title: its first clause (a very short one takes the next along),
/// never cut inside quotes or brackets.
fn first_clause(text: &str) -> String {
    let mut depth = 0i32;
    let mut end = text.len();
    for (at, c) in text.char_indices() {
        match c {
            '“' | '（' | '(' | '《' | '「' => depth += 1,
            '”' | '）' | ')' | '》' | '」' => depth -= 1,
            c if depth <= 0
                && CLAUSE_ENDS.contains(&c)
                && (c == '。' || text[..at].chars().count() >= 8) =>
            {
                end = at;
                break;
            }
            '\n' => {
                end = at;
                break;
            }
            _ => {}
        }
    }
    text[..end].to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_are_first_clauses() {
        assert_eq!(
            first_clause("持续推进不少于100万平方米精品小区建设，探索推进"),
            "持续推进不少于100万平方米精品小区建设"
        );
        assert_eq!(
            first_clause("主动服务新发展格局。着力打造"),
            "主动服务新发展格局"
        );
        assert_eq!(
            first_clause("结合长宁实际，制定并实施“民心工程”实施方案。"),
            "结合长宁实际，制定并实施“民心工程”实施方案"
        );
        assert_eq!(
            first_clause("坚持“容缺、容错，扶新、扶特”，充分激发"),
            "坚持“容缺、容错，扶新、扶特”"
        );
    }
}
