//! The plan's structure from its paragraphs: which items are tasks, which
//! headings are their categories, and part 工作要求.
//!
//! Plans nest numbering schemes in orders of their own (一、→（一）→1、, or
//! 一、→(一), or bare 1.), so nothing here assumes one: the nesting is learnt
//! from the document with a stack of schemes, and the task level is the
//! (scheme, depth) whose items carry responsibility annotations. Plans that do
//! not number their tasks (a paragraph, then its 责任单位 line) are read too.

mod structure;
mod task;

use std::collections::HashMap;

use crate::annotation::{self, Annotation, Field};
use crate::blocks::Paragraph;
use crate::error::ParseError;
use crate::marker::{self, Marker, Style};
use crate::model::{PlanDraft, Warning};
use crate::registry::Registry;
use crate::title;

/// A numbered paragraph and the unnumbered paragraphs that follow it.
#[derive(Debug)]
struct Node {
    paragraph: usize,
    marker: Marker,
    depth: usize,
    parent: Option<usize>,
    attached: Vec<usize>,
}

/// Where one task lies in the document, before it is read.
#[derive(Debug)]
struct TaskPlan {
    /// The paragraph that opens the task.
    head: usize,
    /// Bytes of the head taken by its number ("18、").
    skip: usize,
    /// The number as printed.
    label: String,
    /// The number within its list, for the numbering check.
    number: u32,
    /// Further paragraphs of the task, in order.
    members: Vec<usize>,
    /// The heading node above the task, if any.
    parent: Option<usize>,
}

/// Reads the plan out of a document's paragraphs.
pub fn read_plan(paragraphs: &[Paragraph], registry: &Registry) -> Result<PlanDraft, ParseError> {
    let (nodes, preamble) = build_nodes(paragraphs);
    let annotations: Vec<Vec<Annotation>> = paragraphs
        .iter()
        .map(|p| annotation::find_all(&p.text))
        .collect();
    let level = task_level(&nodes, paragraphs, &annotations);
    let plans = match level {
        Some(level) => numbered_tasks(&nodes, level),
        None => unnumbered_tasks(&nodes, &preamble, paragraphs, &annotations),
    };
    let Some(first) = plans.first() else {
        return Err(ParseError::NoTasks);
    };

    let opening: Vec<&Paragraph> = paragraphs[..first.head].iter().collect();
    let title = title::find_title(&opening);
    let year = title::find_year(title.as_deref(), &opening);

    let mut reader = Reader {
        paragraphs,
        annotations: &annotations,
        nodes: &nodes,
        registry,
        year,
        title: title.clone(),
        warnings: Vec::new(),
        loose: vec![true; paragraphs.len()],
    };
    let mut tasks: Vec<_> = plans.iter().map(|plan| reader.task(plan)).collect();
    let categories = reader.categorise(&plans, &mut tasks);
    let requirements = reader.requirements(level);
    match level {
        Some(_) => reader.check_numbering(&plans, &tasks),
        None => reader.warn(
            tasks[0].span.start_line,
            format!(
                "the document does not number its tasks; they are numbered 1–{} in document order",
                tasks.len()
            ),
        ),
    }

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

/// True when a paragraph holds text besides its annotations.
fn has_text_outside(paragraph: &Paragraph, annotations: &[Annotation]) -> bool {
    let mut cursor = 0;
    for a in annotations {
        if paragraph.text[cursor..a.start.max(cursor)]
            .trim()
            .chars()
            .count()
            > 1
        {
            return true;
        }
        cursor = cursor.max(a.end);
    }
    paragraph.text[cursor..].trim().chars().count() > 1
}

/// The (scheme, depth) whose items most often carry units; the deeper wins a
/// tie. `None` when the tasks are not numbered: when headings over unnumbered
/// tasks (a heading line, then paragraphs each closed by a unit list) hold
/// more tasks than any numbered level.
fn task_level(
    nodes: &[Node],
    paragraphs: &[Paragraph],
    annotations: &[Vec<Annotation>],
) -> Option<(Style, usize)> {
    let mut counts: HashMap<(Style, usize), usize> = HashMap::new();
    let mut unnumbered = 0;
    for node in nodes {
        let own = names_units(&annotations[node.paragraph]);
        let heading = &paragraphs[node.paragraph].text[node.marker.len..];
        let under_heading = if !own && structure::is_heading_like(heading) {
            unnumbered_in(&node.attached, paragraphs, annotations).len()
        } else {
            0
        };
        if under_heading > 0 {
            unnumbered += under_heading;
        } else if own || node.attached.iter().any(|&p| names_units(&annotations[p])) {
            *counts.entry((node.marker.style, node.depth)).or_default() += 1;
        }
    }
    let (level, count) = counts
        .into_iter()
        .max_by_key(|&((_, depth), count)| (count, depth))?;
    (count >= unnumbered).then_some(level)
}

/// Tasks at the task level; deeper items until the next task belong to it.
fn numbered_tasks(nodes: &[Node], (style, depth): (Style, usize)) -> Vec<TaskPlan> {
    let heads: Vec<usize> = (0..nodes.len())
        .filter(|&n| nodes[n].marker.style == style && nodes[n].depth == depth)
        .collect();
    heads
        .iter()
        .map(|&n| {
            let node = &nodes[n];
            let mut members = node.attached.clone();
            for deeper in nodes[n + 1..].iter().take_while(|d| d.depth > depth) {
                members.push(deeper.paragraph);
                members.extend(&deeper.attached);
            }
            TaskPlan {
                head: node.paragraph,
                skip: node.marker.len,
                label: node.marker.label.clone(),
                number: node.marker.number,
                members,
                parent: node.parent,
            }
        })
        .collect()
}

/// Tasks written as paragraphs, each closed by its unit list, under headings
/// (or in a document without numbering at all). Numbered 1…N in order.
fn unnumbered_tasks(
    nodes: &[Node],
    preamble: &[usize],
    paragraphs: &[Paragraph],
    annotations: &[Vec<Annotation>],
) -> Vec<TaskPlan> {
    let lists = std::iter::once((None, preamble)).chain(
        nodes
            .iter()
            .enumerate()
            .map(|(n, node)| (Some(n), node.attached.as_slice())),
    );
    let mut plans = Vec::new();
    for (parent, list) in lists {
        for (head, members) in unnumbered_in(list, paragraphs, annotations) {
            let number = u32::try_from(plans.len() + 1).unwrap_or(u32::MAX);
            plans.push(TaskPlan {
                head,
                skip: 0,
                label: number.to_string(),
                number,
                members,
                parent,
            });
        }
    }
    plans
}

/// (head, members) of each unnumbered task in a run of paragraphs: the
/// paragraph that carries a unit list with its text, or the paragraph just
/// before a unit list standing on its own line; annotation lines that follow
/// (完成时限：…) join the task.
fn unnumbered_in(
    list: &[usize],
    paragraphs: &[Paragraph],
    annotations: &[Vec<Annotation>],
) -> Vec<(usize, Vec<usize>)> {
    let mut tasks: Vec<(usize, Vec<usize>)> = Vec::new();
    let mut previous_text: Option<usize> = None;
    let mut closed = false;
    for &p in list {
        let paragraph = &paragraphs[p];
        let own = &annotations[p];
        let with_text = has_text_outside(paragraph, own);
        if names_units(own) {
            match (with_text, previous_text.take()) {
                (true, _) => tasks.push((p, Vec::new())),
                (false, Some(text)) => tasks.push((text, vec![p])),
                (false, None) if closed => {
                    if let Some((_, members)) = tasks.last_mut() {
                        members.push(p);
                    }
                }
                (false, None) => {}
            }
            closed = true;
        } else if !own.is_empty() && !with_text && closed {
            // 完成时限 or 牵头领导 on a line of its own, after the unit list.
            if let Some((_, members)) = tasks.last_mut() {
                members.push(p);
            }
        } else if with_text && marker::detect(&paragraph.text).is_none() {
            previous_text = Some(p);
            closed = false;
        }
    }
    tasks
}

struct Reader<'a> {
    paragraphs: &'a [Paragraph],
    /// The annotations of each paragraph, found once.
    annotations: &'a [Vec<Annotation>],
    nodes: &'a [Node],
    registry: &'a Registry,
    year: Option<i32>,
    /// The plan's title line is never a category heading.
    title: Option<String>,
    warnings: Vec<Warning>,
    /// Paragraphs outside any task: unnumbered headings may be among them.
    loose: Vec<bool>,
}

impl Reader<'_> {
    fn warn(&mut self, line: u32, message: String) {
        self.warnings.push(Warning { line, message });
    }
}

fn names_units(annotations: &[Annotation]) -> bool {
    annotations.iter().any(|a| {
        a.entries
            .iter()
            .any(|e| matches!(e.field, Field::Lead | Field::Co | Field::Responsible))
    })
}
