//! Word documents, written here as Word, WPS and LibreOffice write them: a
//! plan typed with its markers, the same plan numbered by Word's automatic
//! numbering (directly and through a paragraph style), plans laid out as a
//! table (category rows; a 类别 column), and files that are not plans.

mod common;

use std::io::{Cursor, Write};

use common::{parse, targets, units};
use duban_plan::{ParseError, PlanDraft};
use zip::ZipWriter;
use zip::write::SimpleFileOptions;

const W: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships""#;

/// A zip of the given entries.
fn zip(entries: &[(&str, &str)]) -> Vec<u8> {
    let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
    for (name, content) in entries {
        writer
            .start_file(*name, SimpleFileOptions::default())
            .expect("zip entry starts");
        writer
            .write_all(content.as_bytes())
            .expect("zip entry written");
    }
    writer.finish().expect("zip finishes").into_inner()
}

/// A minimal, valid .docx whose `w:body` holds `body`.
fn docx(body: &str, numbering: Option<&str>, styles: Option<&str>) -> Vec<u8> {
    let content_types = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
<Override PartName="/word/numbering.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"/>
<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>
</Types>"#;
    let rels = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>
</Relationships>"#;
    let document_rels = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering" Target="numbering.xml"/>
</Relationships>"#;
    let document = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document {W}><w:body>{body}<w:sectPr><w:pgSz w:w="11906" w:h="16838"/></w:sectPr></w:body></w:document>"#
    );
    let numbering = numbering.map(|n| {
        format!(r#"<?xml version="1.0" encoding="UTF-8"?><w:numbering {W}>{n}</w:numbering>"#)
    });
    let styles = styles
        .map(|s| format!(r#"<?xml version="1.0" encoding="UTF-8"?><w:styles {W}>{s}</w:styles>"#));
    let mut entries = vec![
        ("[Content_Types].xml", content_types.to_string()),
        ("_rels/.rels", rels.to_string()),
        ("word/_rels/document.xml.rels", document_rels.to_string()),
        ("word/document.xml", document),
    ];
    if let Some(n) = numbering {
        entries.push(("word/numbering.xml", n));
    }
    if let Some(s) = styles {
        entries.push(("word/styles.xml", s));
    }
    let borrowed: Vec<(&str, &str)> = entries.iter().map(|(n, c)| (*n, c.as_str())).collect();
    zip(&borrowed)
}

/// A paragraph of runs, each run with the formatting Word scatters over text.
fn p(runs: &[&str]) -> String {
    paragraph("", runs)
}

fn paragraph(properties: &str, runs: &[&str]) -> String {
    let runs: String = runs
        .iter()
        .map(|t| {
            format!(
                r#"<w:r><w:rPr><w:rFonts w:hint="eastAsia" w:ascii="仿宋_GB2312"/><w:sz w:val="32"/></w:rPr><w:t xml:space="preserve">{t}</w:t></w:r>"#
            )
        })
        .collect();
    format!(
        r#"<w:p><w:pPr>{properties}<w:spacing w:line="560" w:lineRule="exact"/></w:pPr>{runs}</w:p>"#
    )
}

fn numbered(num_id: u32, ilvl: u32, runs: &[&str]) -> String {
    paragraph(
        &format!(r#"<w:numPr><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>"#),
        runs,
    )
}

fn styled(style: &str, runs: &[&str]) -> String {
    paragraph(&format!(r#"<w:pStyle w:val="{style}"/>"#), runs)
}

fn read(bytes: &[u8]) -> PlanDraft {
    parse(bytes).unwrap_or_else(|e| panic!("plan expected, got error: {e}"))
}

fn categories(plan: &PlanDraft) -> Vec<(&str, &str)> {
    plan.categories
        .iter()
        .map(|c| (c.ordinal.as_str(), c.title.as_str()))
        .collect()
}

fn numbers(plan: &PlanDraft) -> Vec<(&str, Option<&str>)> {
    plan.tasks
        .iter()
        .map(|t| (t.number.as_str(), t.category.as_deref()))
        .collect()
}

fn deadline(plan: &PlanDraft, task: usize) -> (Option<&str>, &str) {
    let d = plan.tasks[task]
        .deadline
        .as_ref()
        .expect("the task has a deadline");
    (d.date.as_deref(), d.text.as_str())
}

fn target(metric: &str, op: &str, value: f64, unit: &str) -> (String, String, f64, String) {
    (metric.to_string(), op.to_string(), value, unit.to_string())
}

/// The body of case (a): the plan typed with its markers, runs split mid-word,
/// a content control, a tracked insertion and deletion, a bookmark.
fn typed_body() -> String {
    [
        p(&["2021年区重点", "工作安排"]),
        p(&["一、工作要求"]),
        p(&["1、加强组织领导。", "各部门要高度重视。"]),
        p(&["二、重点任务"]),
        format!(r#"<w:sdt><w:sdtPr><w:alias w:val="分类"/><w:placeholder><w:docPart w:val="X"/></w:placeholder></w:sdtPr><w:sdtContent>{}</w:sdtContent></w:sdt>"#, p(&["（一）", "推动经济发展"])),
        r#"<w:p><w:bookmarkStart w:id="0" w:name="_Toc1"/><w:r><w:t>1、推进重</w:t></w:r><w:proofErr w:type="gramStart"/><w:r><w:t>大项目建设，新开工项目不少于</w:t></w:r><w:r><w:rPr><w:rFonts w:ascii="Times New Roman"/></w:rPr><w:t>30</w:t></w:r><w:r><w:t>个。（责任</w:t></w:r><w:r><w:t>单位：区发改委、</w:t></w:r><w:del w:id="1" w:author="a"><w:r><w:delText>区财政局、</w:delText></w:r></w:del><w:ins w:id="2" w:author="a"><w:r><w:t>区建设管理委</w:t></w:r></w:ins><w:r><w:t>）</w:t></w:r><w:bookmarkEnd w:id="0"/></w:p>"#.to_string(),
        p(&["2、优化营商", "环境。（牵头单位：区政府办公室；配合单位：区市场监管局、各街镇）"]),
        p(&["（二）", "保障改善民生"]),
        p(&["3、新建公共停车泊位不少于500个。", "（责任单位：区交通委 完成时限：2021年6月底）"]),
        "<w:p/>".to_string(),
    ]
    .concat()
}

#[test]
fn a_typed_plan_reads_with_runs_joined() {
    let plan = read(&docx(&typed_body(), None, None));
    assert_eq!(plan.title.as_deref(), Some("2021年区重点工作安排"));
    assert_eq!(plan.year, Some(2021));
    assert_eq!(plan.requirements.len(), 1);
    assert_eq!(plan.requirements[0].title, "加强组织领导");
    assert_eq!(
        categories(&plan),
        [("一", "推动经济发展"), ("二", "保障改善民生")]
    );
    assert_eq!(
        numbers(&plan),
        [("1", Some("一")), ("2", Some("一")), ("3", Some("二"))]
    );
    let t = &plan.tasks;
    assert_eq!(t[0].title, "推进重大项目建设");
    assert_eq!(units(&t[0]), [("区发改委", "lead"), ("区建设管理委", "co")]);
    assert_eq!(targets(&t[0]), [target("新开工项目", ">=", 30.0, "个")]);
    assert_eq!(
        units(&t[1]),
        [
            ("区政府办公室", "lead"),
            ("区市场监管局", "co"),
            ("各街镇", "co")
        ]
    );
    assert_eq!(units(&t[2]), [("区交通委", "lead")]);
    assert_eq!(deadline(&plan, 2), (Some("2021-06-30"), "2021年6月底"));
    assert_eq!(
        targets(&t[2]),
        [target("新建公共停车泊位", ">=", 500.0, "个")]
    );
    // Lines are paragraph ordinals: the content control's paragraph is the 5th.
    assert_eq!(plan.categories[0].span.start_line, 5);
    assert_eq!((t[0].span.start_line, t[2].span.start_line), (6, 9));
}

/// Numbering for case (b): 一、 and （一） in Chinese counting; the requirement
/// items in the decimal list, and the tasks in a second instance of it that
/// restarts at 1 (Word's "restart numbering"), as Word writes them.
const NUMBERING: &str = r#"
<w:abstractNum w:abstractNumId="0"><w:multiLevelType w:val="singleLevel"/>
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/><w:lvlJc w:val="left"/><w:suff w:val="nothing"/></w:lvl></w:abstractNum>
<w:abstractNum w:abstractNumId="1"><w:multiLevelType w:val="singleLevel"/>
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%1）"/><w:pStyle w:val="CategoryHeading"/></w:lvl></w:abstractNum>
<w:abstractNum w:abstractNumId="2"><w:multiLevelType w:val="hybridMultilevel"/>
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1、"/></w:lvl>
  <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="(%2)"/></w:lvl></w:abstractNum>
<w:abstractNum w:abstractNumId="3"><w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/><w:lvlText w:val=""/></w:lvl></w:abstractNum>
<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>
<w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>
<w:num w:numId="3"><w:abstractNumId w:val="2"/></w:num>
<w:num w:numId="4"><w:abstractNumId w:val="2"/><w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>
<w:num w:numId="5"><w:abstractNumId w:val="3"/></w:num>
"#;

const STYLES: &str = r#"
<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style>
<w:style w:type="paragraph" w:styleId="CategoryBase"><w:name w:val="分类基础"/><w:basedOn w:val="Normal"/>
  <w:pPr><w:numPr><w:numId w:val="2"/></w:numPr></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="CategoryHeading"><w:name w:val="分类标题"/><w:basedOn w:val="CategoryBase"/>
  <w:pPr><w:outlineLvl w:val="1"/></w:pPr></w:style>
"#;

#[test]
fn automatic_numbering_is_written_out() {
    let body = [
        p(&["2021年区重点工作安排"]),
        numbered(5, 0, &["此件公开发布"]),
        numbered(1, 0, &["工作要求"]),
        numbered(3, 0, &["加强组织领导。各部门要高度重视。"]),
        numbered(1, 0, &["重点任务"]),
        styled("CategoryHeading", &["推动经济", "发展"]),
        numbered(
            4,
            0,
            &["推进重大项目建设，新开工项目不少于30个。（责任单位：区发改委、区建设管理委）"],
        ),
        numbered(
            4,
            0,
            &["优化营商环境。（牵头单位：区政府办公室；配合单位：区市场监管局、各街镇）"],
        ),
        styled("CategoryHeading", &["保障改善民生"]),
        // The decimal list goes on across the category: task 3, not 1.
        numbered(
            4,
            0,
            &["新建公共停车泊位不少于500个。（责任单位：区交通委 完成时限：2021年6月底）"],
        ),
    ]
    .concat();
    let plan = read(&docx(&body, Some(NUMBERING), Some(STYLES)));
    assert_eq!(plan.title.as_deref(), Some("2021年区重点工作安排"));
    assert_eq!(plan.requirements.len(), 1);
    assert_eq!(plan.requirements[0].number, "1");
    assert_eq!(
        categories(&plan),
        [("一", "推动经济发展"), ("二", "保障改善民生")]
    );
    assert_eq!(
        numbers(&plan),
        [("1", Some("一")), ("2", Some("一")), ("3", Some("二"))]
    );
    assert_eq!(
        units(&plan.tasks[0]),
        [("区发改委", "lead"), ("区建设管理委", "co")]
    );
    assert_eq!(deadline(&plan, 2), (Some("2021-06-30"), "2021年6月底"));
    assert!(
        plan.warnings.iter().all(|w| !w.message.contains("jumps")),
        "{:?}",
        plan.warnings
    );
}

/// A table cell: its paragraphs, a horizontal span, a vertical merge.
fn tc(span: u32, merge: Option<&str>, paragraphs: &[&str]) -> String {
    let span = if span > 1 {
        format!(r#"<w:gridSpan w:val="{span}"/>"#)
    } else {
        String::new()
    };
    let merge = match merge {
        Some("restart") => r#"<w:vMerge w:val="restart"/>"#,
        Some(_) => "<w:vMerge/>",
        None => "",
    };
    let body: String = if paragraphs.is_empty() {
        "<w:p/>".to_string()
    } else {
        paragraphs.iter().map(|t| p(&[t])).collect()
    };
    format!(
        r#"<w:tc><w:tcPr><w:tcW w:w="1000" w:type="dxa"/>{span}{merge}<w:vAlign w:val="center"/></w:tcPr>{body}</w:tc>"#
    )
}

fn tr(cells: &[String]) -> String {
    format!(
        r#"<w:tr><w:trPr><w:jc w:val="center"/></w:trPr>{}</w:tr>"#,
        cells.concat()
    )
}

fn tbl(rows: &[String]) -> String {
    format!(
        r#"<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/><w:tblBorders/></w:tblPr><w:tblGrid><w:gridCol w:w="800"/><w:gridCol w:w="4000"/><w:gridCol w:w="1500"/><w:gridCol w:w="1500"/><w:gridCol w:w="1200"/></w:tblGrid>{}</w:tbl>"#,
        rows.concat()
    )
}

fn cell(text: &str) -> String {
    tc(1, None, &[text])
}

#[test]
fn a_table_plan_reads_categories_units_and_deadlines() {
    let body = [
        p(&["2022年区重点工作任务分解表"]),
        tbl(&[
            tr(&[
                cell("序  号"),
                cell("工作任务"),
                cell("牵头单位"),
                cell("责任单位"),
                cell("完成时限"),
            ]),
            tr(&[tc(5, None, &["一、经济发展"])]),
            tr(&[
                cell("1"),
                cell("新建公共停车泊位不少于500个"),
                tc(1, Some("restart"), &["区建设管理委"]),
                cell("区交通委、区规划资源局"),
                cell("2022年6月底前"),
            ]),
            tr(&[
                cell("2"),
                tc(1, None, &["推进重大项目", "建设"]),
                tc(1, Some("continue"), &[]),
                cell("区发改委"),
                cell("年底前"),
            ]),
            tr(&[tc(5, None, &["二、社会民生"])]),
            tr(&[
                cell("3"),
                cell("完善社区养老服务"),
                cell("区民政局"),
                tc(1, None, &["区卫生健康委", "各街道"]),
                cell("持续推进"),
            ]),
        ]),
        p(&["抄送：区委办公室"]),
    ]
    .concat();
    let plan = read(&docx(&body, None, None));
    // The title ends in 表, which the title finder does not take for a plan
    // title (see the report); the year is found in the opening all the same.
    assert_eq!(plan.year, Some(2022));
    assert_eq!(categories(&plan), [("一", "经济发展"), ("二", "社会民生")]);
    assert_eq!(
        numbers(&plan),
        [("1", Some("一")), ("2", Some("一")), ("3", Some("二"))]
    );
    let t = &plan.tasks;
    assert_eq!(t[0].text, "新建公共停车泊位不少于500个");
    assert_eq!(
        units(&t[0]),
        [
            ("区建设管理委", "lead"),
            ("区交通委", "co"),
            ("区规划资源局", "co")
        ]
    );
    assert_eq!(
        targets(&t[0]),
        [target("新建公共停车泊位", ">=", 500.0, "个")]
    );
    assert_eq!(deadline(&plan, 0), (Some("2022-06-30"), "2022年6月底前"));
    // The lead cell is merged down: task 2 has the same lead.
    assert_eq!(t[1].text, "推进重大项目建设");
    assert_eq!(units(&t[1]), [("区建设管理委", "lead"), ("区发改委", "co")]);
    assert_eq!(deadline(&plan, 1), (Some("2022-12-31"), "年底前"));
    assert_eq!(
        units(&t[2]),
        [
            ("区民政局", "lead"),
            ("区卫生健康委", "co"),
            ("各街道", "co")
        ]
    );
    assert_eq!(deadline(&plan, 2), (None, "持续推进"));
    // Title 1, header 2–6, category row 7, task rows from 8 and 13 (its task
    // cell holds two paragraphs: 13–18), category row 19, last task row 20.
    let starts: Vec<u32> = t.iter().map(|t| t.span.start_line).collect();
    assert_eq!(starts, [8, 13, 20]);
    assert_eq!(plan.categories[1].span.start_line, 19);
}

/// A 序号 cell numbered by Word ("1." from a list), empty of typed text.
fn number_cell() -> String {
    format!(
        r#"<w:tc><w:tcPr><w:tcW w:w="800" w:type="dxa"/></w:tcPr>{}</w:tc>"#,
        numbered(1, 0, &[])
    )
}

#[test]
fn a_category_column_gives_the_categories() {
    let body = [
        p(&["2023年重点工作任务清单"]),
        tbl(&[
            tr(&[
                cell("类别"),
                cell("序号"),
                cell("重点任务"),
                cell("责任单位"),
                cell("时间节点"),
            ]),
            tr(&[
                tc(1, Some("restart"), &["经济发展"]),
                number_cell(),
                cell("推进项目建设"),
                cell("区发改委、区商务委"),
                cell("9月底前"),
            ]),
            tr(&[
                tc(1, Some("continue"), &[]),
                number_cell(),
                cell("优化营商环境"),
                cell("区政府办公室"),
                cell("三季度末"),
            ]),
            tr(&[
                tc(1, Some("restart"), &["社会民生"]),
                number_cell(),
                cell("全年新增就业岗位5000个"),
                cell("区人力资源社会保障局"),
                cell("年底前"),
            ]),
        ]),
    ]
    .concat();
    let numbering = r#"<w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl></w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>"#;
    let plan = read(&docx(&body, Some(numbering), None));
    assert_eq!(plan.title.as_deref(), Some("2023年重点工作任务清单"));
    assert_eq!(plan.year, Some(2023));
    assert_eq!(categories(&plan), [("一", "经济发展"), ("二", "社会民生")]);
    assert_eq!(
        numbers(&plan),
        [("1", Some("一")), ("2", Some("一")), ("3", Some("二"))]
    );
    assert_eq!(
        units(&plan.tasks[0]),
        [("区发改委", "lead"), ("区商务委", "co")]
    );
    assert_eq!(units(&plan.tasks[2]), [("区人力资源社会保障局", "lead")]);
    assert_eq!(deadline(&plan, 0), (Some("2023-09-30"), "9月底前"));
    assert_eq!(deadline(&plan, 1), (Some("2023-09-30"), "三季度末"));
    assert_eq!(deadline(&plan, 2), (Some("2023-12-31"), "年底前"));
    assert_eq!(
        targets(&plan.tasks[2]),
        [target("新增就业岗位", "=", 5000.0, "个")]
    );
}

#[test]
fn the_main_part_is_found_through_the_package_relationships() {
    let typed = typed_body();
    let document = format!(r#"<w:document {W}><w:body>{typed}</w:body></w:document>"#);
    let bytes = zip(&[
        (
            "_rels/.rels",
            r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="/word/document2.xml"/></Relationships>"#,
        ),
        ("word/document2.xml", &document),
    ]);
    assert_eq!(read(&bytes).tasks.len(), 3);
}

fn docx_error(bytes: &[u8]) -> String {
    match parse(bytes) {
        Err(ParseError::Docx(reason)) => reason,
        other => panic!("a .docx error expected, got {other:?}"),
    }
}

#[test]
fn a_zip_that_is_not_a_word_document_says_so() {
    let reason = docx_error(&zip(&[("hello.txt", "你好")]));
    assert!(reason.contains("word/document.xml is missing"), "{reason}");
    let reason = docx_error(&zip(&[("xl/workbook.xml", "<workbook/>")]));
    assert!(reason.contains("Excel"), "{reason}");
}

#[test]
fn damaged_files_fail_without_panicking() {
    let bytes = docx(&typed_body(), Some(NUMBERING), Some(STYLES));
    docx_error(&bytes[..bytes.len() / 2]);
    // Every cut and a flipped byte at many places: an error or a plan, never a panic.
    for cut in (4..bytes.len()).step_by(53) {
        let _ = parse(&bytes[..cut]);
    }
    for at in (30..bytes.len()).step_by(41) {
        let mut damaged = bytes.clone();
        damaged[at] ^= 0x5A;
        let _ = parse(&damaged);
    }
    // Damage inside the compressed document: the checksum or inflate fails.
    let document = bytes
        .windows(17)
        .position(|w| w == b"word/document.xml")
        .expect("the entry name is stored");
    let mut damaged = bytes.clone();
    for byte in damaged.iter_mut().skip(document + 60).take(20) {
        *byte ^= 0xFF;
    }
    docx_error(&damaged);
}

#[test]
fn malformed_xml_is_reported() {
    let bytes = zip(&[(
        "word/document.xml",
        &format!(
            r#"<w:document {W}><w:body><w:p><w:r><w:t>1、推进</w:t></w:p></w:body></w:document>"#
        ),
    )]);
    let reason = docx_error(&bytes);
    assert!(
        reason.contains("word/document.xml is not well-formed XML"),
        "{reason}"
    );
}

#[test]
fn a_document_without_tasks_is_no_plan() {
    let body = [
        p(&["关于做好节日值班工作的通知"]),
        p(&["各单位要做好值班安排。"]),
    ]
    .concat();
    assert_eq!(parse(&docx(&body, None, None)), Err(ParseError::NoTasks));
}

mod never_panics {
    //! Random documents: tag soup, and well-formed tables and numbering with
    //! arbitrary merges, spans, starts and formats. An error or a plan, never a panic.

    use super::*;
    use proptest::prelude::*;

    const PIECES: &[&str] = &[
        "<w:p>",
        "</w:p>",
        "<w:r><w:t>",
        "</w:t></w:r>",
        "<w:tbl>",
        "</w:tbl>",
        "<w:tr>",
        "</w:tr>",
        "<w:tc>",
        "</w:tc>",
        r#"<w:tcPr><w:gridSpan w:val="3"/></w:tcPr>"#,
        "<w:tcPr><w:vMerge/></w:tcPr>",
        r#"<w:pPr><w:numPr><w:ilvl w:val="1"/><w:numId w:val="1"/></w:numPr></w:pPr>"#,
        "<w:p/>",
        "<w:br/>",
        "&amp;",
        "<w:sdt><w:sdtContent>",
        "</w:sdtContent></w:sdt>",
        "1、推进建设",
        "（责任单位：区发改委）",
        "序号",
        "工作任务",
        "牵头单位",
        "一、经济发展",
    ];

    const TEXTS: &[&str] = &[
        "",
        "序  号",
        "工作任务",
        "牵头单位",
        "责任单位",
        "完成时限",
        "类别",
        "1",
        "2.",
        "（一）",
        "一、经济发展",
        "推进项目建设不少于30个",
        "区发改委\n区商务委",
        "年底前",
        "注：各单位每月报送进展。",
    ];

    const FORMATS: &[&str] = &[
        "decimal",
        "chineseCounting",
        "upperLetter",
        "lowerRoman",
        "bullet",
        "none",
        "decimalEnclosedCircle",
        "ideographTraditional",
        "custom",
    ];

    const LEVEL_TEXTS: &[&str] = &["%1、", "（%1）", "%1.%2.%3", "%9", "%", "%0", "", "第%1条"];

    fn cell_strategy() -> impl Strategy<Value = (u32, u8, usize, Option<(u32, u32)>)> {
        (
            0u32..6,
            0u8..3,
            0..TEXTS.len(),
            proptest::option::of((0u32..4, 0u32..12)),
        )
    }

    fn level_strategy() -> impl Strategy<Value = (u32, usize, usize, u32)> {
        (
            any::<u32>(),
            0..FORMATS.len(),
            0..LEVEL_TEXTS.len(),
            0u32..12,
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

        #[test]
        fn tag_soup(pieces in proptest::collection::vec(0..PIECES.len(), 0..60)) {
            let body: String = pieces.iter().map(|&i| PIECES[i]).collect();
            let _ = parse(&docx(&body, None, None));
        }

        #[test]
        fn tables_and_numbering(
            rows in proptest::collection::vec(proptest::collection::vec(cell_strategy(), 1..6), 0..8),
            levels in proptest::collection::vec(level_strategy(), 1..4),
            nested in any::<bool>(),
        ) {
            let mut table_rows = Vec::new();
            for row in &rows {
                let cells: Vec<String> = row
                    .iter()
                    .map(|&(span, merge, text, numbered_as)| {
                        let merge = match merge {
                            0 => None,
                            1 => Some("restart"),
                            _ => Some("continue"),
                        };
                        let mut cell = tc(span, merge, &TEXTS[text].split('\n').collect::<Vec<_>>());
                        if let Some((num_id, ilvl)) = numbered_as {
                            cell = cell.replace("<w:pPr>", &format!(
                                r#"<w:pPr><w:numPr><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>"#
                            ));
                        }
                        cell
                    })
                    .collect();
                table_rows.push(tr(&cells));
            }
            let mut table = tbl(&table_rows);
            if nested {
                table = tbl(&[tr(&[format!("<w:tc>{table}<w:p/></w:tc>")])]);
            }
            let lvls: String = levels
                .iter()
                .enumerate()
                .map(|(i, &(start, format, text, restart))| format!(
                    r#"<w:lvl w:ilvl="{i}"><w:start w:val="{start}"/><w:numFmt w:val="{}"/><w:lvlText w:val="{}"/><w:lvlRestart w:val="{restart}"/></w:lvl>"#,
                    FORMATS[format], LEVEL_TEXTS[text]
                ))
                .collect();
            let numbering = format!(
                r#"<w:abstractNum w:abstractNumId="0">{lvls}</w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num><w:num w:numId="2"><w:abstractNumId w:val="0"/><w:lvlOverride w:ilvl="1"><w:startOverride w:val="4294967295"/></w:lvlOverride></w:num>"#
            );
            let body = format!("{}{table}", p(&["2022年重点工作任务分解表"]));
            if let Ok(plan) = parse(&docx(&body, Some(&numbering), Some(STYLES))) {
                for task in &plan.tasks {
                    prop_assert!(task.span.start_line >= 1);
                    prop_assert!(task.span.start_line <= task.span.end_line);
                }
            }
        }
    }
}

/// The preview shows the lines the spans point at: paragraphs by their
/// ordinal, table cells one line per paragraph from their row's first line.
#[test]
fn source_lines_are_numbered_as_the_spans_are() {
    let body = [
        p(&["2022年区重点工作任务分解表"]),
        tbl(&[
            tr(&[
                cell("序  号"),
                cell("工作任务"),
                cell("牵头单位"),
                cell("责任单位"),
                cell("完成时限"),
            ]),
            tr(&[tc(5, None, &["一、经济发展"])]),
            tr(&[
                cell("1"),
                cell("新建公共停车泊位不少于500个"),
                cell("区建设管理委"),
                cell("区交通委、区规划资源局"),
                cell("2022年6月底前"),
            ]),
            tr(&[
                cell("2"),
                tc(1, None, &["推进重大项目", "建设"]),
                cell("区发改委"),
                cell("区商务委"),
                cell("年底前"),
            ]),
        ]),
    ]
    .concat();
    let bytes = docx(&body, None, None);
    let plan = read(&bytes);
    let lines = duban_plan::source_lines(&bytes).expect("lines");
    let at = |n: u32| {
        lines
            .iter()
            .find(|l| l.number == n)
            .map(|l| l.text.as_str())
    };
    assert_eq!(at(1), Some("2022年区重点工作任务分解表"));
    assert_eq!(at(7), Some("一、经济发展"));
    for task in &plan.tasks {
        assert_eq!(at(task.span.start_line), Some(task.number.as_str()));
    }
    let second = &plan.tasks[1];
    assert_eq!(at(second.span.start_line + 1), Some("推进重大项目"));
    assert_eq!(at(second.span.start_line + 2), Some("建设"));
    assert_eq!(at(plan.categories[0].span.start_line), Some("一、经济发展"));
}
