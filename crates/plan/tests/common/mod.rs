//! Helpers shared by the importer's integration tests.

#![allow(dead_code)] // each test binary uses its own subset

use duban_plan::{ParseError, PlanDraft, Registry, Role, Task};

pub fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"))
}

pub fn truth(name: &str) -> serde_json::Value {
    serde_json::from_slice(&fixture(name)).expect("truth file is JSON")
}

pub fn parse(bytes: &[u8]) -> Result<PlanDraft, ParseError> {
    duban_plan::parse(bytes, &Registry::builtin())
}

pub fn parse_text(text: &str) -> PlanDraft {
    parse(text.as_bytes()).unwrap_or_else(|e| panic!("plan expected, got error: {e}\n{text}"))
}

/// (name, "lead"/"co") pairs of a task.
pub fn units(task: &Task) -> Vec<(&str, &'static str)> {
    task.units
        .iter()
        .map(|u| {
            let role = match u.role {
                Role::Lead => "lead",
                Role::Co => "co",
            };
            (u.name.as_str(), role)
        })
        .collect()
}

pub fn names(task: &Task) -> Vec<&str> {
    task.units.iter().map(|u| u.name.as_str()).collect()
}

/// Targets as (metric, op, value, unit), in the JSON spelling of op.
pub fn targets(task: &Task) -> Vec<(String, String, f64, String)> {
    task.targets
        .iter()
        .map(|t| {
            let op = serde_json::to_value(t.op).expect("op serialises");
            (
                t.metric.clone(),
                op.as_str().unwrap_or_default().to_string(),
                t.value,
                t.unit.clone(),
            )
        })
        .collect()
}
