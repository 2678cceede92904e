//! The plan as the importer found it: the shape `duban parse` prints (see PLAN-JSON.md).

use serde::{Deserialize, Serialize, Serializer};

/// A plan read from one document, before anything is stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanDraft {
    /// The plan's own title, `None` when the document states none.
    pub title: Option<String>,
    /// The plan year, from the title or the text; `None` when not stated.
    pub year: Option<i32>,
    /// Part 一、工作要求 (or 总体要求), in order.
    pub requirements: Vec<Requirement>,
    pub categories: Vec<Category>,
    pub tasks: Vec<Task>,
    /// Everything the importer was unsure of, each at its line.
    pub warnings: Vec<Warning>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Requirement {
    pub number: String,
    /// The first sentence, without its full stop.
    pub title: String,
    /// The whole requirement, reflowed, title included.
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Category {
    /// "一", "二"… as printed; for an unnumbered heading, its position in Chinese numerals.
    pub ordinal: String,
    pub title: String,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Task {
    /// As printed: "18", "3.2", "（五）".
    pub number: String,
    /// Ordinal of the task's category, `None` when the plan has no categories.
    pub category: Option<String>,
    /// The first clause of `text`.
    pub title: String,
    /// The task text, reflowed, without its responsibility annotation.
    pub text: String,
    /// Responsible units in document order, names as written.
    pub units: Vec<UnitRef>,
    /// Leaders named as responsible (牵头市领导: …): persons, not units.
    pub leaders: Vec<String>,
    pub deadline: Option<Deadline>,
    /// Quantities the task commits to.
    pub targets: Vec<Target>,
    /// Commitments to a direction without a figure ("同比下降").
    pub directions: Vec<Direction>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitRef {
    pub name: String,
    pub role: Role,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// 牵头单位, or the first of a plain 责任单位 list.
    Lead,
    /// 配合单位 / 协办单位, or the rest of a plain list.
    Co,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deadline {
    /// ISO date (`2021-06-30`) when the text names one, else `None`.
    pub date: Option<String>,
    /// The deadline as written.
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Target {
    pub metric: String,
    pub op: Comparison,
    /// A plain number: "100 万平方米" is 1000000.
    #[serde(serialize_with = "plain_number")]
    pub value: f64,
    pub unit: String,
    /// "力争" or "左右" when the text hedges the figure.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub qualifier: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Comparison {
    #[serde(rename = ">=")]
    AtLeast,
    #[serde(rename = "<=")]
    AtMost,
    #[serde(rename = "=")]
    Equal,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Direction {
    pub metric: String,
    pub op: Trend,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub qualifier: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Trend {
    Up,
    Down,
}

/// 1-based, inclusive lines of the source (for .docx: paragraphs in body order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Span {
    pub start_line: u32,
    pub end_line: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Warning {
    pub line: u32,
    pub message: String,
}

/// Whole numbers print without a fraction (185, not 185.0), so consumers that
/// compare with integers see what the document said.
fn plain_number<S: Serializer>(value: &f64, serializer: S) -> Result<S::Ok, S::Error> {
    const EXACT_INTEGER_LIMIT: f64 = 9_007_199_254_740_992.0; // 2^53
    if value.fract() == 0.0 && value.abs() < EXACT_INTEGER_LIMIT {
        serializer.serialize_i64(*value as i64)
    } else {
        serializer.serialize_f64(*value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plan_reads_back_from_its_json() {
        let target = Target {
            metric: "既有多层住宅加装电梯新开工".into(),
            op: Comparison::AtLeast,
            value: 185.0,
            unit: "台".into(),
            qualifier: None,
        };
        let json = serde_json::to_string(&target).unwrap();
        assert_eq!(
            json,
            r#"{"metric":"既有多层住宅加装电梯新开工","op":">=","value":185,"unit":"台"}"#
        );
        assert_eq!(serde_json::from_str::<Target>(&json).unwrap(), target);
    }
}
