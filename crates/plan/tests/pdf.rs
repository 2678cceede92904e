//! Text PDFs as Word and WPS export Chinese plans: a Type0 font with
//! Identity-H, a CIDFontType2 descendant and a ToUnicode CMap; lines hard
//! wrapped at ~25 characters, spaces between CJK and figures, a page number
//! in the footer, an annotation split over a line break and a page break.
//! And the PDFs that hold no plan: scans, fonts without ToUnicode, damaged
//! files, English text.

use std::collections::BTreeMap;

use duban_plan::{ParseError, PlanDraft, Registry, Role, Task};
use lopdf::content::{Content, Operation};
use lopdf::{Dictionary, Document, Object, Stream, StringFormat, dictionary};

const PAGE_TOP: f32 = 770.0;
const LEADING: f32 = 28.0;
const SIZE: f32 = 12.0;

fn parse(bytes: &[u8]) -> Result<PlanDraft, ParseError> {
    duban_plan::parse(bytes, &Registry::builtin())
}

/// A Chinese text PDF, one string per line, as Word/WPS export it.
fn cjk_pdf(pages: &[&[&str]]) -> Vec<u8> {
    cjk_pdf_with(pages, true)
}

/// Half-width characters advance half an em (the font's /W), the rest a full em.
fn advance(c: char) -> f32 {
    if c.is_ascii() { SIZE / 2.0 } else { SIZE }
}

fn hex(text: &str, cids: &BTreeMap<char, u16>) -> Object {
    let bytes = text.chars().flat_map(|c| cids[&c].to_be_bytes()).collect();
    Object::String(bytes, StringFormat::Hexadecimal)
}

fn op(operator: &str, operands: Vec<Object>) -> Operation {
    Operation::new(operator, operands)
}

/// Page 1 is one text object with `Td` moves between lines (a `TJ` with
/// kerning on every third line), its page number alone at the foot; later
/// pages place every run with its own `BT … Tm … ET`, CJK and half-width runs
/// apart on one baseline, the way Word switches fonts inside a line.
fn cjk_pdf_with(pages: &[&[&str]], to_unicode: bool) -> Vec<u8> {
    let footers: Vec<String> = (1..=pages.len()).map(|n| format!("— {n} —")).collect();
    let mut cids: BTreeMap<char, u16> = BTreeMap::new();
    let texts = pages
        .iter()
        .flat_map(|p| p.iter().copied())
        .chain(footers.iter().map(String::as_str));
    for c in texts.flat_map(str::chars) {
        let next = u16::try_from(cids.len() + 1).expect("few characters");
        cids.entry(c).or_insert(next);
    }

    let mut doc = Document::with_version("1.7");
    let pages_id = doc.new_object_id();
    let mut cmap = String::from(
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n\
         /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n\
         /CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n\
         1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n",
    );
    let entries: Vec<(&char, &u16)> = cids.iter().collect();
    // The first entry as a one-code bfrange, the rest as bfchar (at most 100 a block).
    if let Some((c, cid)) = entries.first() {
        cmap += &format!(
            "1 beginbfrange\n<{cid:04X}> <{cid:04X}> <{:04X}>\nendbfrange\n",
            **c as u32
        );
    }
    for block in entries[1.min(entries.len())..].chunks(100) {
        cmap += &format!("{} beginbfchar\n", block.len());
        for (c, cid) in block {
            let mut units = [0u16; 2];
            let utf16: String = c
                .encode_utf16(&mut units)
                .iter()
                .map(|u| format!("{u:04X}"))
                .collect();
            cmap += &format!("<{cid:04X}> <{utf16}>\n");
        }
        cmap += "endbfchar\n";
    }
    cmap += "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n";

    let half_widths: Vec<Object> = cids
        .iter()
        .filter(|(c, _)| c.is_ascii())
        .flat_map(|(_, &cid)| [Object::from(i64::from(cid)), vec![Object::from(500)].into()])
        .collect();
    let descriptor = doc.add_object(dictionary! {
        "Type" => "FontDescriptor", "FontName" => "SimSun", "Flags" => 6,
        "FontBBox" => vec![0.into(), (-141).into(), 1000.into(), 859.into()],
        "ItalicAngle" => 0, "Ascent" => 859, "Descent" => -141, "CapHeight" => 683, "StemV" => 80,
    });
    let descendant = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "CIDFontType2", "BaseFont" => "SimSun",
        "CIDSystemInfo" => dictionary! {
            "Registry" => Object::string_literal("Adobe"),
            "Ordering" => Object::string_literal("Identity"),
            "Supplement" => 0,
        },
        "FontDescriptor" => descriptor, "DW" => 1000, "W" => half_widths, "CIDToGIDMap" => "Identity",
    });
    let mut font = dictionary! {
        "Type" => "Font", "Subtype" => "Type0", "BaseFont" => "SimSun",
        "Encoding" => "Identity-H", "DescendantFonts" => vec![descendant.into()],
    };
    if to_unicode {
        let map = doc.add_object(Stream::new(Dictionary::new(), cmap.into_bytes()));
        font.set("ToUnicode", map);
    }
    let font = doc.add_object(font);
    let resources = doc.add_object(dictionary! { "Font" => dictionary! { "F1" => font } });

    let mut kids = Vec::new();
    for (number, lines) in pages.iter().enumerate() {
        let mut ops = Vec::new();
        let mut y = PAGE_TOP;
        if number == 0 {
            ops.push(op("BT", vec![]));
            ops.push(op("Tf", vec!["F1".into(), SIZE.into()]));
            ops.push(op("Td", vec![90.into(), PAGE_TOP.into()]));
            for (i, line) in lines.iter().enumerate() {
                if i > 0 {
                    ops.push(op("Td", vec![0.into(), (-LEADING).into()]));
                }
                let split = line.char_indices().nth(3).map_or(line.len(), |(at, _)| at);
                if i % 3 == 2 && split < line.len() {
                    let kerned = vec![
                        hex(&line[..split], &cids),
                        (-12).into(),
                        hex(&line[split..], &cids),
                    ];
                    ops.push(op("TJ", vec![kerned.into()]));
                } else {
                    ops.push(op("Tj", vec![hex(line, &cids)]));
                }
            }
            ops.push(op("ET", vec![]));
        } else {
            for line in lines.iter() {
                let mut x = 90.0;
                let mut run = String::new();
                let chars: Vec<char> = line.chars().collect();
                for (i, &c) in chars.iter().enumerate() {
                    run.push(c);
                    let ends = chars
                        .get(i + 1)
                        .is_none_or(|n| n.is_ascii() != c.is_ascii());
                    if ends {
                        ops.push(op("BT", vec![]));
                        ops.push(op("Tf", vec!["F1".into(), SIZE.into()]));
                        let tm = [1.0, 0.0, 0.0, 1.0, x, y].map(Object::Real).to_vec();
                        ops.push(op("Tm", tm));
                        ops.push(op("Tj", vec![hex(&run, &cids)]));
                        ops.push(op("ET", vec![]));
                        x += run.chars().map(advance).sum::<f32>();
                        run.clear();
                    }
                }
                y -= LEADING;
            }
        }
        // The page number, centred in the footer.
        ops.push(op("BT", vec![]));
        ops.push(op("Tf", vec!["F1".into(), SIZE.into()]));
        ops.push(op("Td", vec![280.into(), 50.into()]));
        ops.push(op("Tj", vec![hex(&footers[number], &cids)]));
        ops.push(op("ET", vec![]));
        kids.push(add_page(
            &mut doc,
            pages_id,
            resources,
            Content { operations: ops },
        ));
    }
    finish(doc, pages_id, kids)
}

fn add_page(
    doc: &mut Document,
    parent: (u32, u16),
    resources: (u32, u16),
    content: Content,
) -> Object {
    let content = doc.add_object(Stream::new(
        Dictionary::new(),
        content.encode().expect("encodes"),
    ));
    doc.add_object(dictionary! {
        "Type" => "Page", "Parent" => parent, "Contents" => content, "Resources" => resources,
        "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
    })
    .into()
}

fn finish(mut doc: Document, pages_id: (u32, u16), kids: Vec<Object>) -> Vec<u8> {
    let count = i64::try_from(kids.len()).expect("few pages");
    doc.objects.insert(
        pages_id,
        dictionary! { "Type" => "Pages", "Kids" => kids, "Count" => count }.into(),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog);
    let mut bytes = Vec::new();
    doc.save_to(&mut bytes).expect("saves");
    bytes
}

/// A small plan wrapped at 50 half-width columns (25 Chinese characters), as
/// an A4 page of it breaks its lines.
const PAGE_1: &[&str] = &[
    "2024年区重点工作任务安排",
    "为推动各项工作落地见效，现就 2024 年区重点工作任",
    "务安排如下：",
    "一、工作要求",
    "1、注重对标看齐。各部门要对照目标任务，细化工作措",
    "施，明确责任人和时间节点，确保按期完成。",
    "二、重点任务",
    "（一）推进城市更新",
    "1、加大力度推进既有多层住宅加装电梯，新开工不少",
    "于 185 台，竣工 150 台。（责任单位：区房管局、区建",
    "设管理委）",
    "2、推进旧住房成套改造，完成改造面积 5 万平方米，",
    "持续改善老旧小区居住条件，提升居民生活品质。（责任",
];

const PAGE_2: &[&str] = &[
    "单位：区房管局、区规划资源局）",
    "（二）提升城市管理水平",
    "3、城市生活垃圾回收利用率达到 95% 以上，完成 4 条",
    "道路积水点改善工程。（责任单位：区绿化市容局）",
    "4、加快推进架空线入地和合杆整治，完成 20 公里。（牵",
    "头单位：区建设管理委；配合单位：区规划资源局）",
];

fn units(task: &Task) -> Vec<(&str, Role)> {
    task.units
        .iter()
        .map(|u| (u.name.as_str(), u.role))
        .collect()
}

fn targets(task: &Task) -> Vec<(String, String, f64, String)> {
    task.targets
        .iter()
        .map(|t| {
            let op = serde_json::to_value(t.op).expect("serialises");
            (
                t.metric.clone(),
                op.as_str().unwrap_or_default().to_string(),
                t.value,
                t.unit.clone(),
            )
        })
        .collect()
}

#[test]
fn a_word_style_chinese_pdf_reads_as_its_plan() {
    let plan = parse(&cjk_pdf(&[PAGE_1, PAGE_2])).unwrap_or_else(|e| panic!("plan expected: {e}"));
    assert_eq!(plan.title.as_deref(), Some("2024年区重点工作任务安排"));
    assert_eq!(plan.year, Some(2024));
    assert_eq!(plan.requirements.len(), 1);
    assert_eq!(plan.requirements[0].title, "注重对标看齐");

    let categories: Vec<(&str, &str)> = plan
        .categories
        .iter()
        .map(|c| (c.ordinal.as_str(), c.title.as_str()))
        .collect();
    assert_eq!(
        categories,
        [("一", "推进城市更新"), ("二", "提升城市管理水平")]
    );

    let numbers: Vec<&str> = plan.tasks.iter().map(|t| t.number.as_str()).collect();
    assert_eq!(numbers, ["1", "2", "3", "4"]);
    let categories: Vec<Option<&str>> = plan.tasks.iter().map(|t| t.category.as_deref()).collect();
    assert_eq!(categories, [Some("一"), Some("一"), Some("二"), Some("二")]);

    let t = &plan.tasks;
    // The annotation split inside 区建设管理委 at a line break…
    assert_eq!(
        units(&t[0]),
        [("区房管局", Role::Lead), ("区建设管理委", Role::Co)]
    );
    // …and inside 责任单位 at the page break, past the page number.
    assert_eq!(
        units(&t[1]),
        [("区房管局", Role::Lead), ("区规划资源局", Role::Co)]
    );
    assert_eq!(units(&t[2]), [("区绿化市容局", Role::Lead)]);
    assert_eq!(
        units(&t[3]),
        [("区建设管理委", Role::Lead), ("区规划资源局", Role::Co)]
    );

    assert_eq!(
        t[0].text,
        "加大力度推进既有多层住宅加装电梯，新开工不少于185台，竣工150台。"
    );
    assert_eq!(
        t[1].text,
        "推进旧住房成套改造，完成改造面积5万平方米，持续改善老旧小区居住条件，提升居民生活品质。"
    );
    assert_eq!(
        t[2].text,
        "城市生活垃圾回收利用率达到95%以上，完成4条道路积水点改善工程。"
    );
    for task in t {
        assert!(
            !task.text.contains(['\n', ' ', '—']),
            "reflowed: {:?}",
            task.text
        );
    }

    let want = |metric: &str, op: &str, value: f64, unit: &str| {
        (metric.to_string(), op.to_string(), value, unit.to_string())
    };
    assert!(
        targets(&t[0]).contains(&want("既有多层住宅加装电梯新开工", ">=", 185.0, "台")),
        "{:?}",
        targets(&t[0])
    );
    assert!(
        targets(&t[3])
            .iter()
            .any(|(_, _, value, unit)| *value == 20.0 && unit == "公里"),
        "{:?}",
        targets(&t[3])
    );
}

/// A page that only paints an image, as a scanner's PDF does.
fn image_only_pdf() -> Vec<u8> {
    let mut doc = Document::with_version("1.7");
    let pages_id = doc.new_object_id();
    let image = doc.add_object(Stream::new(
        dictionary! {
            "Type" => "XObject", "Subtype" => "Image", "Width" => 2, "Height" => 2,
            "ColorSpace" => "DeviceGray", "BitsPerComponent" => 8,
        },
        vec![0, 255, 255, 0],
    ));
    let resources = doc.add_object(dictionary! { "XObject" => dictionary! { "Im1" => image } });
    let ops = vec![
        op("q", vec![]),
        op("cm", [595, 0, 0, 842, 0, 0].map(Object::from).to_vec()),
        op("Do", vec!["Im1".into()]),
        op("Q", vec![]),
    ];
    let page = add_page(&mut doc, pages_id, resources, Content { operations: ops });
    finish(doc, pages_id, vec![page])
}

#[test]
fn a_scanned_pdf_has_no_text() {
    assert_eq!(parse(&image_only_pdf()), Err(ParseError::PdfWithoutText));
}

#[test]
fn a_cid_font_without_to_unicode_is_no_text() {
    let bytes = cjk_pdf_with(&[PAGE_1, PAGE_2], false);
    assert_eq!(parse(&bytes), Err(ParseError::PdfWithoutText));
}

fn assert_unreadable(bytes: &[u8], what: &str) {
    match parse(bytes) {
        Err(ParseError::Pdf(reason)) => assert!(!reason.is_empty(), "{what}"),
        Err(ParseError::PdfWithoutText) => {}
        other => panic!("{what}: expected a PDF error, got {other:?}"),
    }
}

#[test]
fn damaged_files_are_errors_not_panics() {
    let good = cjk_pdf(&[PAGE_1, PAGE_2]);
    assert_unreadable(&good[..good.len() / 2], "truncated at half");
    assert_unreadable(&good[..good.len() / 10], "truncated at a tenth");
    assert_unreadable(b"%PDF-", "an empty %PDF- file");
    assert_unreadable(b"%PDF-1.7\n%%EOF\n", "a header and an end");

    let mut seed = 0x2545_f491_4f6c_dd1d_u64;
    let mut random = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let mut garbage = b"%PDF-1.7\n".to_vec();
    garbage.extend((0..4096).map(|_| random() as u8));
    assert_unreadable(&garbage, "garbage after the header");

    // Cut anywhere or with bytes overwritten, a PDF never panics the reader.
    for cut in (0..good.len()).step_by(97) {
        let _ = parse(&good[..cut]);
    }
    for _ in 0..300 {
        let mut bent = good.clone();
        for _ in 0..4 {
            let at = (random() as usize) % bent.len();
            bent[at] = random() as u8;
        }
        let _ = parse(&bent);
    }
}

#[test]
fn an_encrypted_pdf_says_so() {
    let bytes = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n\
        2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n\
        3 0 obj\n<< /Filter /Standard /V 2 /R 3 /Length 128 /P -4 \
        /O <0000000000000000000000000000000000000000000000000000000000000000> \
        /U <0000000000000000000000000000000000000000000000000000000000000000> >>\nendobj\n\
        trailer\n<< /Root 1 0 R /Encrypt 3 0 R /Size 4 \
        /ID [<00000000000000000000000000000000> <00000000000000000000000000000000>] >>\n%%EOF\n";
    match parse(bytes) {
        Err(ParseError::Pdf(reason)) => assert!(reason.contains("encrypted"), "{reason}"),
        other => panic!("expected the encrypted-PDF error, got {other:?}"),
    }
}

/// English text in Helvetica, WinAnsiEncoding: text, but no plan.
#[test]
fn a_pdf_without_a_plan_has_no_tasks() {
    let mut doc = Document::with_version("1.4");
    let pages_id = doc.new_object_id();
    let font = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica", "Encoding" => "WinAnsiEncoding",
    });
    let resources = doc.add_object(dictionary! { "Font" => dictionary! { "F1" => font } });
    let mut ops = vec![
        op("BT", vec![]),
        op("Tf", vec!["F1".into(), 11.into()]),
        op("TL", vec![14.into()]),
        op("Td", vec![72.into(), 760.into()]),
    ];
    for line in [
        "Quarterly report",
        "Sales rose by 5% over the year.",
        "Nothing here is a numbered task.",
    ] {
        ops.push(op("'", vec![Object::string_literal(line)]));
    }
    ops.push(op("ET", vec![]));
    let page = add_page(&mut doc, pages_id, resources, Content { operations: ops });
    let bytes = finish(doc, pages_id, vec![page]);
    assert_eq!(parse(&bytes), Err(ParseError::NoTasks));
}

/// One page with a Type0 font whose ToUnicode is `cmap`, content `content`,
/// and a form XObject /Fm1 whose own content is `form`.
fn hostile_pdf(cmap: &str, content: &str, form: &str) -> Vec<u8> {
    let mut doc = Document::with_version("1.7");
    let pages_id = doc.new_object_id();
    let map = doc.add_object(Stream::new(Dictionary::new(), cmap.as_bytes().to_vec()));
    let font = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type0", "BaseFont" => "SimSun",
        "Encoding" => "Identity-H", "ToUnicode" => map,
    });
    let form_id = doc.new_object_id();
    let resources = doc.add_object(dictionary! {
        "Font" => dictionary! { "F1" => font }, "XObject" => dictionary! { "Fm1" => form_id },
    });
    let form = Stream::new(
        dictionary! { "Type" => "XObject", "Subtype" => "Form", "Resources" => resources },
        form.as_bytes().to_vec(),
    );
    doc.objects.insert(form_id, form.into());
    let content = doc.add_object(Stream::new(Dictionary::new(), content.as_bytes().to_vec()));
    let page = doc.add_object(dictionary! {
        "Type" => "Page", "Parent" => pages_id, "Contents" => content, "Resources" => resources,
    });
    finish(doc, pages_id, vec![page.into()])
}

const CMAP_HEAD: &str = "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n\
    /CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n\
    1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n";
const CMAP_TAIL: &str = "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n";

#[test]
fn hostile_structures_end_quickly() {
    let started = std::time::Instant::now();
    // A ToUnicode range over every 4-byte code is refused, not expanded.
    let huge =
        format!("{CMAP_HEAD}1 beginbfrange\n<00000000> <FFFFFFFF> <0041>\nendbfrange\n{CMAP_TAIL}");
    let text = "BT /F1 12 Tf 72 700 Td <00410042> Tj ET";
    assert_eq!(
        parse(&hostile_pdf(&huge, text, "")),
        Err(ParseError::PdfWithoutText)
    );

    // A form that draws itself ten times over: 10^8 draws stop at a bound.
    let plain = format!("{CMAP_HEAD}1 beginbfrange\n<0041> <005A> <0041>\nendbfrange\n{CMAP_TAIL}");
    let fan_out = format!(
        "BT /F1 12 Tf 72 700 Td <0041> Tj ET {}",
        "/Fm1 Do ".repeat(10)
    );
    match parse(&hostile_pdf(&plain, "/Fm1 Do", &fan_out)) {
        Err(ParseError::Pdf(reason)) => assert!(reason.contains("forms"), "{reason}"),
        other => panic!("expected the operations limit, got {other:?}"),
    }
    // Unbalanced q/Q and an unknown font name draw nothing and break nothing.
    let odd = format!(
        "{} BT /F9 12 Tf (x) Tj ET {}",
        "q ".repeat(100_000),
        "Q ".repeat(3)
    );
    assert_eq!(
        parse(&hostile_pdf(&plain, &odd, "")),
        Err(ParseError::PdfWithoutText)
    );
    assert!(
        started.elapsed().as_secs() < 60,
        "took {:?}",
        started.elapsed()
    );
}
