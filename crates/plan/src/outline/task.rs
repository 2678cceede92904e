//! One task read from its paragraphs: text without annotations, units with
//! roles, leaders, deadline, targets.

use super::{Reader, TaskPlan, names_units};
use crate::annotation::{self, Annotation, Field};
use crate::blocks::Paragraph;
use crate::deadlines;
use crate::marker;
use crate::model::{Deadline, Role, Span, Task, UnitRef};
use crate::targets;
use crate::units;

const CLAUSE_ENDS: &[char] = &['。', '；', ';', '！', '？', '，', ','];

impl Reader<'_> {
    pub(super) fn task(&mut self, plan: &TaskPlan) -> Task {
        let mut pieces: Vec<String> = Vec::new();
        let mut units: Vec<UnitRef> = Vec::new();
        let mut leaders: Vec<String> = Vec::new();
        let mut deadline: Option<Deadline> = None;
        let mut annotated = false;
        let mut end_line = self.paragraphs[plan.head].end_line();
        let members =
            std::iter::once((plan.head, plan.skip)).chain(plan.members.iter().map(|&p| (p, 0)));
        for (p, skip) in members {
            let paragraph = &self.paragraphs[p];
            let annotations = &self.annotations[p];
            let only_annotation = annotation::opens_with_keyword(&paragraph.text);
            if annotated
                && annotations.is_empty()
                && p != plan.head
                && marker::detect(&paragraph.text).is_none()
            {
                // After the annotation that closed the task: a heading or a signature.
                continue;
            }
            self.loose[p] = false;
            end_line = paragraph.end_line();
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
            let tail = paragraph.text.get(cursor..).unwrap_or("");
            // "…建设。（责任单位：A）。": the full stop after the annotation is not text.
            let stray_stop = !annotations.is_empty()
                && tail
                    .trim_matches(|c: char| c.is_whitespace() || "。；;".contains(c))
                    .is_empty()
                && remainder.trim_end().ends_with(['。', '；', ';']);
            if !stray_stop {
                remainder.push_str(tail);
            }
            let remainder = remainder.trim();
            if !remainder.is_empty() && !only_annotation {
                pieces.push(remainder.to_string());
            }
            annotated |= names_units(annotations);
        }
        let text = pieces.join("\n");
        let (targets, directions) = targets::extract(&text);
        let start_line = self.paragraphs[plan.head].start_line();
        if units.is_empty() {
            self.warn(
                start_line,
                format!("task {} names no responsible unit", plan.label),
            );
        }
        Task {
            number: plan.label.clone(),
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
        // Each unit list split once: the names decide the roles and are then kept.
        let split: Vec<Vec<units::NameAt>> = annotation
            .entries
            .iter()
            .map(|e| match e.field {
                Field::Lead | Field::Co | Field::Responsible => {
                    units::split(&e.value, self.registry)
                }
                Field::Leader | Field::Deadline => Vec::new(),
            })
            .collect();
        let names_lead = annotation.entries.iter().any(|e| e.field == Field::Lead)
            || units.iter().any(|u| u.role == Role::Lead)
            || split.iter().flatten().any(|n| n.leads);
        for ((e, entry), names) in annotation.entries.iter().enumerate().zip(split) {
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
                            _ if name.leads => Role::Lead,
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
