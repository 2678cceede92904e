//! Categories, requirements and the numbering check: the plan around its tasks.

use std::ops::Range;

use super::{Reader, TaskPlan};
use crate::marker::Style;
use crate::model::{Category, Requirement, Span, Task};
use crate::numerals::to_chinese;
use crate::title;

impl Reader<'_> {
    /// Gives each task its category: the heading one level up, or for tasks
    /// with no numbered parent, the unnumbered heading lines just before them.
    pub(super) fn categorise(&mut self, plans: &[TaskPlan], tasks: &mut [Task]) -> Vec<Category> {
        let mut categories: Vec<Category> = Vec::new();
        let mut keys: Vec<CategoryKey> = Vec::new();
        let mut current: Option<usize> = None;
        for (task, plan) in tasks.iter_mut().zip(plans) {
            let key = match plan.parent {
                Some(parent) => Some(CategoryKey::Node(parent)),
                None => self
                    .heading_before(plan.head)
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
    fn heading_before(&self, p: usize) -> Option<Range<usize>> {
        let mut start = p;
        while start > 0
            && self.loose[start - 1]
            && is_heading_like(&self.paragraphs[start - 1].text)
            && self.title.as_deref() != Some(self.paragraphs[start - 1].text.as_str())
        {
            start -= 1;
        }
        (start < p).then_some(start..p)
    }

    /// Part 工作要求 / 总体要求: the items directly under a heading naming it.
    pub(super) fn requirements(&self, task_level: Option<(Style, usize)>) -> Vec<Requirement> {
        let Some(part) = self.nodes.iter().position(|node| {
            let heading = &self.paragraphs[node.paragraph].text[node.marker.len..];
            heading.chars().count() <= 12 && heading.contains("要求")
        }) else {
            return Vec::new();
        };
        self.nodes
            .iter()
            .filter(|node| {
                node.parent == Some(part) && Some((node.marker.style, node.depth)) != task_level
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
    pub(super) fn check_numbering(&mut self, plans: &[TaskPlan], tasks: &[Task]) {
        let mut previous: Option<u32> = None;
        for (plan, task) in plans.iter().zip(tasks) {
            let number = plan.number;
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
    Lines(Range<usize>),
}

/// A short line without sentence punctuation that is not a date, a bracketed
/// remark or an annotation: the shape of an unnumbered heading.
pub(super) fn is_heading_like(text: &str) -> bool {
    let chars = text.chars().count();
    (2..=40).contains(&chars)
        && !text.contains(['。', '；', ';', '：', ':', '，', ','])
        && !text.starts_with(['（', '('])
        && (!text.ends_with('日') || title::year_in(text).is_none())
}
