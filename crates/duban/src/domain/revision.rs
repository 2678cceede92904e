//! What changed between two readings of a plan document: tasks added,
//! removed, reworded, and units moved. Tasks are matched by their number.

use duban_plan::{PlanDraft, Role, Task};
use serde::Serialize;

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct PlanDiff {
    /// Numbers of tasks new in this revision.
    pub added: Vec<String>,
    /// Numbers of tasks no longer in the document.
    pub removed: Vec<String>,
    /// Tasks whose text changed: (number, old text, new text).
    pub reworded: Vec<Reworded>,
    /// Tasks whose units or roles changed.
    pub units_moved: Vec<UnitsMoved>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reworded {
    pub number: String,
    pub before: String,
    pub after: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnitsMoved {
    pub number: String,
    /// (unit, role) newly responsible.
    pub added: Vec<(String, String)>,
    /// (unit, role) no longer responsible.
    pub removed: Vec<(String, String)>,
}

impl PlanDiff {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty()
            && self.removed.is_empty()
            && self.reworded.is_empty()
            && self.units_moved.is_empty()
    }
}

fn units(task: &Task) -> Vec<(String, String)> {
    task.units
        .iter()
        .map(|u| {
            let role = match u.role {
                Role::Lead => "lead",
                Role::Co => "co",
            };
            (u.name.clone(), role.to_string())
        })
        .collect()
}

pub fn diff(before: &PlanDraft, after: &PlanDraft) -> PlanDiff {
    let mut result = PlanDiff::default();
    for new in &after.tasks {
        let Some(old) = before.tasks.iter().find(|t| t.number == new.number) else {
            result.added.push(new.number.clone());
            continue;
        };
        if old.text != new.text {
            result.reworded.push(Reworded {
                number: new.number.clone(),
                before: old.text.clone(),
                after: new.text.clone(),
            });
        }
        let (old_units, new_units) = (units(old), units(new));
        let added: Vec<_> = new_units
            .iter()
            .filter(|u| !old_units.contains(u))
            .cloned()
            .collect();
        let removed: Vec<_> = old_units
            .iter()
            .filter(|u| !new_units.contains(u))
            .cloned()
            .collect();
        if !added.is_empty() || !removed.is_empty() {
            result.units_moved.push(UnitsMoved {
                number: new.number.clone(),
                added,
                removed,
            });
        }
    }
    result.removed = before
        .tasks
        .iter()
        .filter(|old| !after.tasks.iter().any(|t| t.number == old.number))
        .map(|t| t.number.clone())
        .collect();
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use duban_plan::Registry;

    fn plan(text: &str) -> PlanDraft {
        duban_plan::parse(text.as_bytes(), &Registry::builtin()).unwrap()
    }

    #[test]
    fn finds_each_kind_of_change() {
        let before = plan(
            "1、推进旧区改造。（责任单位：区房管局）\n2、推进美丽街区建设。（责任单位：区绿化市容局）\n3、做好防汛工作。（责任单位：区应急管理局）\n",
        );
        let after = plan(
            "1、推进旧区改造和城市更新。（责任单位：区房管局）\n2、推进美丽街区建设。（责任单位：区建设管理委、区绿化市容局）\n4、办好民生实事。（责任单位：区民政局）\n",
        );
        let d = diff(&before, &after);
        assert_eq!(d.added, ["4"]);
        assert_eq!(d.removed, ["3"]);
        assert_eq!(d.reworded.len(), 1);
        assert_eq!(d.reworded[0].after, "推进旧区改造和城市更新。");
        assert_eq!(d.units_moved.len(), 1);
        let moved = &d.units_moved[0];
        assert_eq!(
            moved.added,
            [
                ("区建设管理委".to_string(), "lead".to_string()),
                ("区绿化市容局".to_string(), "co".to_string())
            ]
        );
        assert_eq!(
            moved.removed,
            [("区绿化市容局".to_string(), "lead".to_string())]
        );
        assert!(diff(&before, &before).is_empty());
    }
}
