//! Parse speed: the seed plan, and a large synthetic plan in both shapes
//! (clean paragraphs, and hard-wrapped as PDF extraction leaves text).
//! Budget (DESIGN.md): the seed well under 1 ms; at least 50 MB/s of plan text.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use duban_plan::{Registry, parse};

const SEED: &[u8] = include_bytes!("../tests/fixtures/changning-2021-plan.txt");

const TASK_TEXTS: &[&str] = &[
    "持续推进不少于 100 万平方米精品小区建设，探索推进非成套里弄房屋居住条件改善。加大力度推进既有多层住宅加装电梯，新开工不少于 185 台，竣工 150 台。",
    "深入推进政务服务“一网通办”，持续深化行政审批制度改革和业务流程优化再造，拓展公共服务事项接入，做优市民主页和企业专属网页。",
    "持续实施架空线入地和杆箱整治工作，开工 45 公里、竣工 25 公里。逐步消除库内重点类违法建筑缓拆点位，实现新增违法建筑零增长。",
    "全面实施就业优先政策，多措并举稳定和扩大就业，统筹推进高校毕业生就业创业。探索建立社会救助综合需求评估体系，深化“社区救助顾问”制度。",
];

const UNIT_LISTS: &[&str] = &[
    "（责任单位：区房管局、区建设管理委）",
    "（牵头单位：区政府办公室；配合单位：区城运中心、各街镇）",
    "（责任单位：区绿化市容局、区建设管理委、区城管执法局 完成时限：2021年6月底前）",
    "（责任单位：区人力资源社会保障局、区民政局、区医保局、区退役军人局）",
];

/// A city-scale plan made of the seed's own 33 tasks (their real mix of text,
/// unit lists and figures), `repeats` times under each of `categories` categories.
fn plan_from_seed(categories: usize, repeats: usize, registry: &Registry) -> String {
    let seed = parse(SEED, registry).expect("the seed parses");
    let mut text = String::from("2021年重点推进和督查工作安排\n二、重点任务\n");
    let mut number = 0;
    for c in 1..=categories {
        text.push_str(&format!(
            "（{}）{}\n",
            chinese(c),
            seed.categories[(c - 1) % 10].title
        ));
        for task in seed.tasks.iter().cycle().take(33 * repeats) {
            number += 1;
            let units: Vec<&str> = task.units.iter().map(|u| u.name.as_str()).collect();
            text.push_str(&format!(
                "{number}、{}（责任单位：{}）\n",
                task.text,
                units.join("、")
            ));
        }
    }
    text
}

/// A figure-dense stress plan of `categories` × `per_category` tasks: every
/// task carries a unit list, every other one three targets.
fn synthetic_plan(categories: usize, per_category: usize) -> String {
    let mut text = String::from(
        "2021年重点推进和督查工作安排\n一、工作要求\n1、注重狠抓落实。各部门要主动认领任务。\n二、重点任务\n",
    );
    let mut number = 0;
    for c in 1..=categories {
        text.push_str(&format!("（{}）第{c}类重点任务\n", chinese(c)));
        for _ in 0..per_category {
            number += 1;
            let i = number % TASK_TEXTS.len();
            text.push_str(&format!("{number}、{}{}\n", TASK_TEXTS[i], UNIT_LISTS[i]));
        }
    }
    text
}

/// The same plan hard-wrapped every 25 characters with blank lines between
/// lines, as text extracted from a PDF looks.
fn wrapped(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    for paragraph in text.lines() {
        let chars: Vec<char> = paragraph.chars().collect();
        for line in chars.chunks(25) {
            out.extend(line);
            out.push_str("\n\n");
        }
    }
    out
}

fn mb(text: &str) -> f64 {
    text.len() as f64 / 1_000_000.0
}

fn chinese(n: usize) -> String {
    const DIGITS: [&str; 10] = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        1..=9 => DIGITS[n].to_string(),
        10 => "十".to_string(),
        11..=19 => format!("十{}", DIGITS[n - 10]),
        _ => format!("{}十{}", DIGITS[n / 10], DIGITS[n % 10]),
    }
}

fn bench_parse(c: &mut Criterion) {
    let registry = Registry::builtin();

    let mut group = c.benchmark_group("parse");
    group.throughput(Throughput::Bytes(SEED.len() as u64));
    group.bench_function("seed (changning 2021, 33 tasks)", |b| {
        b.iter(|| parse(black_box(SEED), &registry).expect("the seed parses"))
    });

    let clean = plan_from_seed(99, 6, &registry);
    let tasks = 99 * 6 * 33;
    group.throughput(Throughput::Bytes(clean.len() as u64));
    group.sample_size(10);
    group.bench_function(
        format!(
            "seed tasks ×594, clean text, {tasks} tasks, {:.1} MB",
            mb(&clean)
        ),
        |b| b.iter(|| parse(black_box(clean.as_bytes()), &registry).expect("the plan parses")),
    );

    let hard_wrapped = wrapped(&clean);
    group.throughput(Throughput::Bytes(hard_wrapped.len() as u64));
    group.bench_function(
        format!(
            "seed tasks ×594, PDF-extracted text, {tasks} tasks, {:.1} MB",
            mb(&hard_wrapped)
        ),
        |b| {
            b.iter(|| {
                parse(black_box(hard_wrapped.as_bytes()), &registry).expect("the plan parses")
            })
        },
    );

    let dense = synthetic_plan(90, 220);
    group.throughput(Throughput::Bytes(dense.len() as u64));
    group.bench_function(
        format!("figure-dense stress, 19800 tasks, {:.1} MB", mb(&dense)),
        |b| b.iter(|| parse(black_box(dense.as_bytes()), &registry).expect("the plan parses")),
    );
    group.finish();
}

criterion_group!(benches, bench_parse);
criterion_main!(benches);
