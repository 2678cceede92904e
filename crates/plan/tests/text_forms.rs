//! Each form a plan's text takes, from documents written here in the shapes
//! real plans use: clean paragraphs, BOM, GB18030, CRLF, every annotation
//! form, deadlines, targets, and the unit registry.

mod common;

use common::{names, parse, parse_text, targets, units};
use duban_plan::Registry;

/// A clean-text plan: one paragraph per line, full-width punctuation.
const CLEAN: &str = "\
2022年区重点工作任务安排
为推动各项工作落地见效，现就2022年区重点工作任务安排如下：
一、总体要求
1、坚持目标导向。各部门要对照任务，细化措施。
2、强化督查问效。区政府督查室按季度开展督查。
二、重点任务
（一）推动经济高质量发展
1、加快建设产业园区，新建标准厂房不少于 20 万平方米。（牵头单位：区发展改革委；配合单位：区商务委、区科委）
完成时限：2022年6月底
2、优化营商环境，企业开办时间压缩到1个工作日以内。
牵头单位：区市场监管局 责任单位：区政府办公室
完成时限：年底前
（二）提升城市管理水平
3、城市生活垃圾回收利用率提高到 95%，完成古羊路等四条道路积水点改善工程。（责任单位：区绿化市容局和区建设管理委，完成时限：6月30日前）
4、持续开展文明城区创建，电信网络诈骗发案同比下降。(责任单位:区委宣传部,区公安分局;各街镇)
完成时限：持续推进
5、做好全年防汛防台工作。（责任单位：区应急管理局及区民防办）
完成时限：全年
";

#[test]
fn clean_text_reads_every_annotation_form() {
    let plan = parse_text(CLEAN);
    assert_eq!(plan.title.as_deref(), Some("2022年区重点工作任务安排"));
    assert_eq!(plan.year, Some(2022));
    assert_eq!(plan.requirements.len(), 2);
    assert_eq!(plan.requirements[1].title, "强化督查问效");
    assert_eq!(plan.categories.len(), 2);
    assert_eq!(plan.categories[1].title, "提升城市管理水平");
    assert_eq!(plan.tasks.len(), 5);

    let t = &plan.tasks;
    assert_eq!(
        units(&t[0]),
        [
            ("区发展改革委", "lead"),
            ("区商务委", "co"),
            ("区科委", "co")
        ]
    );
    assert_eq!(
        units(&t[1]),
        [("区市场监管局", "lead"), ("区政府办公室", "co")]
    );
    assert_eq!(
        units(&t[2]),
        [("区绿化市容局", "lead"), ("区建设管理委", "co")]
    );
    assert_eq!(
        units(&t[3]),
        [
            ("区委宣传部", "lead"),
            ("区公安分局", "co"),
            ("各街镇", "co")
        ]
    );
    assert_eq!(units(&t[4]), [("区应急管理局", "lead"), ("区民防办", "co")]);
    assert_eq!(
        t[0].text,
        "加快建设产业园区，新建标准厂房不少于20万平方米。"
    );
    assert_eq!(t[0].span.start_line, 8);
    assert_eq!(t[0].span.end_line, 9);
    assert_eq!(t[1].category.as_deref(), Some("一"));
    assert_eq!(t[2].category.as_deref(), Some("二"));
    assert!(plan.warnings.is_empty(), "{:?}", plan.warnings);
}

#[test]
fn deadlines_take_the_plan_year() {
    let plan = parse_text(CLEAN);
    let deadlines: Vec<(Option<&str>, &str)> = plan
        .tasks
        .iter()
        .map(|t| {
            let d = t.deadline.as_ref().expect("every task here has a deadline");
            (d.date.as_deref(), d.text.as_str())
        })
        .collect();
    assert_eq!(
        deadlines,
        [
            (Some("2022-06-30"), "2022年6月底"),
            (Some("2022-12-31"), "年底前"),
            (Some("2022-06-30"), "6月30日前"),
            (None, "持续推进"),
            (None, "全年"),
        ]
    );
}

#[test]
fn targets_and_directions_in_task_text() {
    let plan = parse_text(CLEAN);
    let t = &plan.tasks;
    assert_eq!(
        targets(&t[0]),
        [(
            "新建标准厂房".into(),
            ">=".into(),
            200_000.0,
            "平方米".into()
        )]
    );
    assert_eq!(
        targets(&t[2]),
        [
            (
                "城市生活垃圾回收利用率".into(),
                ">=".into(),
                95.0,
                "%".into()
            ),
            ("道路积水点改善工程".into(), "=".into(), 4.0, "条".into()),
        ]
    );
    assert_eq!(t[3].directions.len(), 1);
    assert_eq!(t[3].directions[0].metric, "电信网络诈骗发案");
}

#[test]
fn bom_gb18030_and_crlf_read_the_same_plan() {
    let expected = parse_text(CLEAN);

    let mut with_bom = b"\xEF\xBB\xBF".to_vec();
    with_bom.extend_from_slice(CLEAN.as_bytes());
    assert_eq!(parse(&with_bom).unwrap(), expected);

    let (gb18030, _, unmappable) = encoding_rs::GB18030.encode(CLEAN);
    assert!(!unmappable);
    assert!(
        std::str::from_utf8(&gb18030).is_err(),
        "the test file really is GB18030"
    );
    assert_eq!(parse(&gb18030).unwrap(), expected);

    let crlf = CLEAN.replace('\n', "\r\n");
    assert_eq!(parse(crlf.as_bytes()).unwrap(), expected);
}

#[test]
fn pdf_extracted_shape_with_split_annotation_and_page_break() {
    // Wrapped every ~25 characters, blank lines between lines, a page break
    // (three blank lines) inside the annotation, spaces around figures.
    let text = "\
二、重点任务\n\n（一）加快城区数字化转型\n\n\
1、积极围绕经济数字化、生活数字化、治理数字化等\n\n\
重点领域，研究制定区数字化转型行动方案，打造不少\n\n\
于 30 个应用场景。加快实现 5G 网络在商圈、社区等\n\n\
深度覆盖。（责任单位：区政府办公室、区\n\n\n\n\
科委）\n\n\
2、持续实施架空线入地和杆箱整治工作，开工 45 公\n\n\
里、竣工 25 公里，完成北横通道主线段建设。（责任\n\n\
单位：区绿化市容局、区建设管理委）\n";
    let plan = parse_text(text);
    assert_eq!(plan.tasks.len(), 2);
    assert_eq!(
        plan.tasks[0].text,
        "积极围绕经济数字化、生活数字化、治理数字化等重点领域，研究制定区数字化转型行动方案，打造不少于30个应用场景。加快实现5G网络在商圈、社区等深度覆盖。"
    );
    assert_eq!(names(&plan.tasks[0]), ["区政府办公室", "区科委"]);
    assert_eq!(
        targets(&plan.tasks[0]),
        [("打造应用场景".into(), ">=".into(), 30.0, "个".into())]
    );
    assert_eq!(
        targets(&plan.tasks[1]),
        [
            (
                "架空线入地和杆箱整治开工".into(),
                "=".into(),
                45.0,
                "公里".into()
            ),
            (
                "架空线入地和杆箱整治竣工".into(),
                "=".into(),
                25.0,
                "公里".into()
            ),
        ]
    );
    assert_eq!(names(&plan.tasks[1]), ["区绿化市容局", "区建设管理委"]);
    assert_eq!(
        (plan.tasks[0].span.start_line, plan.tasks[0].span.end_line),
        (5, 15)
    );
}

#[test]
fn a_list_that_never_closes_is_a_warning_at_its_line() {
    let text = "\
二、重点任务
（一）城市更新
1、推进旧区改造。（责任单位：区房管局、区建设管理委
2、推进美丽街区建设。（责任单位：区绿化市容局）
";
    let plan = parse_text(text);
    assert_eq!(plan.tasks.len(), 2);
    assert_eq!(names(&plan.tasks[0]), ["区房管局", "区建设管理委"]);
    assert_eq!(names(&plan.tasks[1]), ["区绿化市容局"]);
    let warning = plan
        .warnings
        .iter()
        .find(|w| w.message.contains("never closes"))
        .expect("a warning for the open bracket");
    assert_eq!(warning.line, 3);
}

#[test]
fn unknown_units_are_kept_as_written_and_reported() {
    let text = "\
1、推进河道整治。（责任单位：区水务局、区建设管理委）
2、推进绿化建设。（责任单位：区绿化市容局）
";
    let plan = parse_text(text);
    assert_eq!(names(&plan.tasks[0]), ["区水务局", "区建设管理委"]);
    assert_eq!(plan.warnings.len(), 1);
    assert_eq!(plan.warnings[0].line, 1);
    assert_eq!(
        plan.warnings[0].message,
        "unit '区水务局' is not in the unit registry"
    );

    // Another district's registry knows it: no warning, names unchanged.
    let registry = Registry::from_toml(
        "district = \"示例区\"\n[[unit]]\nname = \"区水务局\"\n[[unit]]\nname = \"区建设管理委\"\n[[unit]]\nname = \"区绿化市容局\"\n",
    )
    .unwrap();
    let plan = duban_plan::parse(text.as_bytes(), &registry).unwrap();
    assert!(plan.warnings.is_empty(), "{:?}", plan.warnings);
    assert_eq!(names(&plan.tasks[0]), ["区水务局", "区建设管理委"]);
}

#[test]
fn groups_and_aliases_are_known_and_kept_as_written() {
    let text = "1、办好民生实事。（责任单位：区府办、区发改委、各街镇、相关部门和国企集团）\n";
    let plan = parse_text(text);
    assert_eq!(
        names(&plan.tasks[0]),
        ["区府办", "区发改委", "各街镇", "相关部门和国企集团"]
    );
    assert!(plan.warnings.is_empty(), "{:?}", plan.warnings);
}

#[test]
fn other_numbering_schemes_nest_by_the_document() {
    // 第一部分 → 一、 → 1. with decimal sub-items inside a task.
    let text = "\
第一部分 重点工作
一、经济发展
1.推进招商引资。
1.1 引进重点项目不少于10个。
1.2 举办招商活动。
牵头部门：区投促办
配合部门：区商务委
2.推进消费升级。
牵头部门：区商务委
二、社会事业
3.推进教育均衡发展。
牵头部门：区教育局
";
    let plan = parse_text(text);
    let numbers: Vec<&str> = plan.tasks.iter().map(|t| t.number.as_str()).collect();
    assert_eq!(numbers, ["1", "2", "3"]);
    assert_eq!(plan.categories.len(), 2);
    assert_eq!(plan.categories[1].title, "社会事业");
    assert_eq!(
        plan.tasks[0].text,
        "推进招商引资。\n1.1引进重点项目不少于10个。\n1.2举办招商活动。"
    );
    assert_eq!(
        units(&plan.tasks[0]),
        [("区投促办", "lead"), ("区商务委", "co")]
    );
    assert_eq!(
        targets(&plan.tasks[0]),
        [("引进重点项目".into(), ">=".into(), 10.0, "个".into())]
    );
}

#[test]
fn unnumbered_tasks_under_headings() {
    let text = "\
2022年区重点工作安排
一、经济发展
推进产业园区建设，新建标准厂房不少于20万平方米。
责任单位：区发展改革委、区商务委
完成时限：2022年9月底
优化营商环境，提升企业满意度。（责任单位：区市场监管局）
二、社会事业
推进教育均衡发展。
责任单位：区教育局
";
    let plan = parse_text(text);
    let numbers: Vec<&str> = plan.tasks.iter().map(|t| t.number.as_str()).collect();
    assert_eq!(numbers, ["1", "2", "3"]);
    let categories: Vec<&str> = plan.categories.iter().map(|c| c.title.as_str()).collect();
    assert_eq!(categories, ["经济发展", "社会事业"]);
    assert_eq!(
        plan.tasks[0].text,
        "推进产业园区建设，新建标准厂房不少于20万平方米。"
    );
    assert_eq!(
        units(&plan.tasks[0]),
        [("区发展改革委", "lead"), ("区商务委", "co")]
    );
    assert_eq!(
        plan.tasks[0]
            .deadline
            .as_ref()
            .and_then(|d| d.date.as_deref()),
        Some("2022-09-30")
    );
    assert_eq!(
        (plan.tasks[0].span.start_line, plan.tasks[0].span.end_line),
        (3, 5)
    );
    assert_eq!(names(&plan.tasks[1]), ["区市场监管局"]);
    assert_eq!(plan.tasks[2].category.as_deref(), Some("二"));
    assert!(
        plan.warnings[0]
            .message
            .contains("does not number its tasks")
    );
}

#[test]
fn a_plan_without_any_numbering() {
    let text = "\
区2022年重点工作任务清单
城市更新
推进旧区改造。
责任单位：区房管局
推进美丽街区建设。
责任单位：区绿化市容局
";
    let plan = parse_text(text);
    assert_eq!(plan.title.as_deref(), Some("区2022年重点工作任务清单"));
    assert_eq!(plan.tasks.len(), 2);
    assert_eq!(plan.categories.len(), 1);
    assert_eq!(plan.categories[0].title, "城市更新");
    assert_eq!(plan.tasks[1].category.as_deref(), Some("一"));
    assert_eq!(names(&plan.tasks[1]), ["区绿化市容局"]);
}

#[test]
fn roles_in_words_and_dates_in_brackets() {
    let text = "\
二、重点任务
1、推进虹桥国际开放枢纽建设。（区发展改革委牵头，区商务委、区临空办配合）
2、完成既有多层住宅加装电梯150台（2021年10月底前）。
责任单位：区房管局
3、做好防汛防台工作（由区应急管理局负责）。
4、落实财政资金保障。（责任单位：区财政局、区发展改革委（牵头））
";
    let plan = parse_text(text);
    assert_eq!(plan.tasks.len(), 4);
    assert_eq!(plan.tasks[0].text, "推进虹桥国际开放枢纽建设。");
    assert_eq!(
        units(&plan.tasks[0]),
        [
            ("区发展改革委", "lead"),
            ("区商务委", "co"),
            ("区临空办", "co")
        ]
    );
    assert_eq!(plan.tasks[1].text, "完成既有多层住宅加装电梯150台");
    let deadline = plan.tasks[1].deadline.as_ref().expect("the bracketed date");
    assert_eq!(deadline.date.as_deref(), Some("2021-10-31"));
    assert_eq!(deadline.text, "2021年10月底前");
    assert_eq!(names(&plan.tasks[1]), ["区房管局"]);
    assert_eq!(plan.tasks[2].text, "做好防汛防台工作");
    assert_eq!(units(&plan.tasks[2]), [("区应急管理局", "lead")]);
    // A lead marked inside a plain list, wherever it stands.
    assert_eq!(
        units(&plan.tasks[3]),
        [("区财政局", "co"), ("区发展改革委", "lead")]
    );
    assert!(plan.warnings.is_empty(), "{:?}", plan.warnings);
}
