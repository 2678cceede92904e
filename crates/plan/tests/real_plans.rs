//! Openings of other published plans (see tests/fixtures/real/README.md):
//! a district's 2023 division of work (tasks as "(一)" lines with "责任单位:"
//! on the next line) and a city's 2021 one (a leader line and a unit line
//! after each task; an unnumbered two-line category heading).

mod common;

use common::{fixture, names, parse, targets, truth};
use serde_json::Value;

fn check_against_truth(document: &str, truth_file: &str) {
    let plan = parse(&fixture(document)).expect("the plan parses");
    let truth = truth(truth_file);
    assert_eq!(
        plan.year,
        truth["year"].as_i64().map(|y| y as i32),
        "{document}: year"
    );

    let headings: Vec<&str> = plan.categories.iter().map(|c| c.title.as_str()).collect();
    let expected: Vec<String> = truth["categories"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| strip_marker(c.as_str().unwrap()))
        .collect();
    assert_eq!(headings, expected, "{document}: categories");

    let tasks = truth["tasks"].as_array().unwrap();
    assert_eq!(plan.tasks.len(), tasks.len(), "{document}: task count");
    for (task, want) in plan.tasks.iter().zip(tasks) {
        let number = want["number"].as_str().unwrap();
        assert_eq!(task.number, number, "{document}: number");
        assert_eq!(
            task.category.as_deref(),
            Some(plan.categories[0].ordinal.as_str())
        );
        let want_units: Vec<&str> = want["units"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u.as_str().unwrap())
            .collect();
        assert_eq!(names(task), want_units, "{document}: units of {number}");
        let want_targets: Vec<(String, String, f64, String)> = want["targets"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| {
                (
                    t["metric"].as_str().unwrap().to_string(),
                    t["op"].as_str().unwrap().to_string(),
                    t["value"].as_f64().unwrap(),
                    t["unit"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        assert_eq!(
            targets(task),
            want_targets,
            "{document}: targets of {number}"
        );
        assert_eq!(task.deadline, None);
        if let Some(leader) = want.get("lead_leader").and_then(Value::as_str) {
            assert_eq!(task.leaders, [leader], "{document}: leader of {number}");
        }
    }
}

/// "一、2023年…目标" → "2023年…目标".
fn strip_marker(heading: &str) -> String {
    match heading.split_once('、') {
        Some((ordinal, rest)) if ordinal.chars().all(|c| "一二三四五六七八九十".contains(c)) => {
            rest.to_string()
        }
        _ => heading.to_string(),
    }
}

#[test]
fn caidian_2023_division_of_work() {
    check_against_truth("real/01-caidian2023.txt", "real/01-caidian2023.truth.json");
    let plan = parse(&fixture("real/01-caidian2023.txt")).unwrap();
    assert_eq!(
        plan.title.as_deref(),
        Some("2023年区《政府工作报告》确定的主要目标任务责任分解方案")
    );
    // The notice's own 一、二、三、 paragraphs are not tasks; the excerpt ends mid-list.
    assert_eq!(plan.tasks[0].text, "地区生产总值增长7%以上");
    assert!(
        plan.warnings
            .iter()
            .any(|w| w.message.contains("'区' looks cut off"))
    );
}

#[test]
fn quzhou_2021_division_of_work() {
    check_against_truth("real/02-quzhou2021.txt", "real/02-quzhou2021.truth.json");
    let plan = parse(&fixture("real/02-quzhou2021.txt")).unwrap();
    assert_eq!(
        plan.title.as_deref(),
        Some("2021年政府工作报告重点工作责任分解")
    );
    assert_eq!(
        plan.tasks[0].text,
        "聚焦不平衡不充分问题,实施提高居民收入富民行动,加快构建以共同富裕为导向的发展格局。"
    );
    // These are another city's units: each is reported, none is dropped.
    assert!(
        plan.warnings
            .iter()
            .any(|w| w.message == "unit '市农业农村局' is not in the unit registry")
    );
}
