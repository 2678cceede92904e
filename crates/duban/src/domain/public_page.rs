//! What a plan's public progress page (公开进度) may show, field by field.
//! The task's number and title always show (the plan is a published
//! document); everything else only when the office turns it on.

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum PublicField {
    /// 任务内容: the task's text.
    Body,
    /// 责任单位: lead and co units.
    Units,
    /// 时限.
    Deadline,
    /// 亮灯 and 办结 state.
    Light,
    /// 最新进展: each unit's latest report.
    Progress,
    /// 指标: targets and the latest figures reached.
    Targets,
    /// The counts of tasks by light at the top.
    Summary,
}

impl PublicField {
    pub const ALL: [PublicField; 7] = [
        PublicField::Body,
        PublicField::Units,
        PublicField::Deadline,
        PublicField::Light,
        PublicField::Progress,
        PublicField::Targets,
        PublicField::Summary,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PublicField::Body => "body",
            PublicField::Units => "units",
            PublicField::Deadline => "deadline",
            PublicField::Light => "light",
            PublicField::Progress => "progress",
            PublicField::Targets => "targets",
            PublicField::Summary => "summary",
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            PublicField::Body => "任务内容",
            PublicField::Units => "责任单位",
            PublicField::Deadline => "办理时限",
            PublicField::Light => "推进状态（亮灯）",
            PublicField::Progress => "最新进展",
            PublicField::Targets => "指标及完成情况",
            PublicField::Summary => "总体情况统计",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            PublicField::Body => "Task text",
            PublicField::Units => "Responsible units",
            PublicField::Deadline => "Deadline",
            PublicField::Light => "Status (light)",
            PublicField::Progress => "Latest progress",
            PublicField::Targets => "Targets and figures",
            PublicField::Summary => "Overall counts",
        }
    }

    pub fn parse(text: &str) -> Option<PublicField> {
        PublicField::ALL.into_iter().find(|f| f.as_str() == text)
    }
}

/// The fields named in a stored list ("body,units"), known ones only, in
/// order, each once.
pub fn fields_of(list: &str) -> Vec<PublicField> {
    let mut fields: Vec<PublicField> = list
        .split(',')
        .filter_map(|name| PublicField::parse(name.trim()))
        .collect();
    fields.sort_unstable();
    fields.dedup();
    fields
}

/// The stored form of a set of fields.
pub fn list_of(fields: &[PublicField]) -> String {
    let mut fields = fields.to_vec();
    fields.sort_unstable();
    fields.dedup();
    fields
        .iter()
        .map(|f| f.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_round_trip_and_unknown_names_are_dropped() {
        let fields = fields_of("units, body,units,secret,");
        assert_eq!(fields, vec![PublicField::Body, PublicField::Units]);
        assert_eq!(list_of(&fields), "body,units");
        assert!(fields_of("").is_empty());
        for f in PublicField::ALL {
            assert_eq!(PublicField::parse(f.as_str()), Some(f));
        }
    }
}
