//! The seed plan (长宁区 2021年重点推进和督查工作安排, as PDF extraction left it)
//! against its hand-checked truth file.

mod common;

use common::{fixture, parse, truth};
use serde_json::{Value, json};

const SEED: &str = "changning-2021-plan.txt";

fn seed_json() -> Value {
    serde_json::to_value(parse(&fixture(SEED)).expect("the seed parses")).expect("serialises")
}

#[test]
fn title_year_and_requirements() {
    let plan = seed_json();
    // The first line of the document is lost; the title comes from "现就…如下".
    assert_eq!(plan["title"], "2021年重点推进和督查工作安排");
    assert_eq!(plan["year"], 2021);
    let truth = truth("changning-2021-plan.truth.json");
    let titles: Vec<&Value> = plan["requirements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| &r["title"])
        .collect();
    let expected: Vec<&Value> = truth["requirements"].as_array().unwrap().iter().collect();
    assert_eq!(titles, expected);
    assert_eq!(plan["requirements"][2]["number"], "3");
    assert!(
        plan["requirements"][2]["text"]
            .as_str()
            .unwrap()
            .ends_with("加强主动提醒、主动服务、促进整改。")
    );
}

#[test]
fn categories_match_the_truth() {
    let plan = seed_json();
    let truth = truth("changning-2021-plan.truth.json");
    let headings: Vec<String> = plan["categories"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            format!(
                "（{}）{}",
                c["ordinal"].as_str().unwrap(),
                c["title"].as_str().unwrap()
            )
        })
        .collect();
    let expected: Vec<String> = truth["categories"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_string())
        .collect();
    assert_eq!(headings.len(), 10);
    assert_eq!(headings, expected);
}

#[test]
fn every_task_matches_the_truth_exactly() {
    let plan = seed_json();
    let truth = truth("changning-2021-plan.truth.json");
    let categories: Vec<(String, String)> = plan["categories"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["ordinal"].as_str().unwrap().to_string(),
                format!(
                    "（{}）{}",
                    c["ordinal"].as_str().unwrap(),
                    c["title"].as_str().unwrap()
                ),
            )
        })
        .collect();
    let tasks = plan["tasks"].as_array().unwrap();
    let expected = truth["tasks"].as_array().unwrap();
    assert_eq!(tasks.len(), 33);
    assert_eq!(tasks.len(), expected.len());
    for (task, want) in tasks.iter().zip(expected) {
        let number = &want["number"];
        assert_eq!(&task["number"], number);
        let heading = categories
            .iter()
            .find(|(ordinal, _)| task["category"] == ordinal.as_str())
            .map(|(_, heading)| heading.as_str());
        assert_eq!(
            heading,
            want["category"].as_str(),
            "category of task {number}"
        );
        let names: Vec<&Value> = task["units"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| &u["name"])
            .collect();
        let want_names: Vec<&Value> = want["units"].as_array().unwrap().iter().collect();
        assert_eq!(names, want_names, "units of task {number}");
        assert_eq!(task["text"], want["text"], "text of task {number}");
        let targets: Vec<Value> = task["targets"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| json!({"metric": t["metric"], "op": t["op"], "value": t["value"], "unit": t["unit"]}))
            .collect();
        assert_eq!(
            &Value::Array(targets),
            &want["targets"],
            "targets of task {number}"
        );
    }
}

#[test]
fn units_are_the_46_names_of_the_truth() {
    let plan = seed_json();
    let truth = truth("changning-2021-plan.truth.json");
    let mut found: Vec<&str> = plan["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|t| t["units"].as_array().unwrap())
        .map(|u| u["name"].as_str().unwrap())
        .collect();
    found.sort_unstable();
    found.dedup();
    let mut expected: Vec<&str> = truth["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u.as_str().unwrap())
        .collect();
    expected.sort_unstable();
    assert_eq!(found.len(), 46);
    assert_eq!(found, expected);
}

#[test]
fn roles_spans_deadlines_and_warnings() {
    let plan = parse(&fixture(SEED)).unwrap();
    let task18 = &plan.tasks[17];
    assert_eq!(task18.title, "持续推进不少于100万平方米精品小区建设");
    assert_eq!(
        common::units(task18),
        [("区房管局", "lead"), ("区建设管理委", "co")]
    );
    assert!(plan.tasks.iter().all(|t| t.deadline.is_none()));
    // Spans: task 1 starts on line 75; its annotation ends on line 93 (split over two pages).
    assert_eq!(
        (plan.tasks[0].span.start_line, plan.tasks[0].span.end_line),
        (75, 93)
    );
    let source = String::from_utf8(fixture(SEED)).unwrap();
    let lines: Vec<&str> = source.lines().collect();
    for task in &plan.tasks {
        let first = lines[task.span.start_line as usize - 1];
        assert!(
            first.starts_with(&format!("{}、", task.number)),
            "task {} starts at its line",
            task.number
        );
        let last = lines[task.span.end_line as usize - 1];
        assert!(
            last.trim_end().ends_with('）'),
            "task {} ends with its annotation",
            task.number
        );
    }
    // The one name the registry does not know is the document's own typo.
    assert_eq!(plan.warnings.len(), 1, "{:?}", plan.warnings);
    assert_eq!(
        plan.warnings[0].message,
        "unit '区区级机关工作党委' is not in the unit registry"
    );
    assert_eq!(plan.warnings[0].line, 395);
    // 同比下降 is a direction without a figure, kept apart from the quantified targets.
    let task26 = &plan.tasks[25];
    assert_eq!(task26.directions.len(), 1);
    assert_eq!(task26.directions[0].metric, "报警类110、电信网络诈骗发案");
    assert_eq!(
        serde_json::to_value(task26.directions[0].op).unwrap(),
        "down"
    );
}
