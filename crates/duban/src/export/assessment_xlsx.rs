//! Writes the annual assessment as an .xlsx workbook: sheet 考核排名 with
//! each unit's rank, figures (score and done/of) and total, and sheet 计分明细
//! with every row each figure was counted from, so the workbook carries its
//! own drill-down. A4 landscape, header repeated, 第 N 页 共 M 页.

use jiff::civil::Date;

use crate::domain::words::date_zh;
use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError};

use crate::domain::assessment::{Assessed, AssessmentWeights, Figure};
use crate::domain::assessment_evidence::Evidence;
use crate::domain::indicators::Ratio;

/// What the workbook shows.
pub struct AssessmentBook<'a> {
    pub plan_title: &'a str,
    pub today: Date,
    pub weights: &'a AssessmentWeights,
    pub units: &'a [Assessed],
    /// Each unit's rows: (unit name, its rows).
    pub evidence: Vec<(&'a str, &'a [Evidence])>,
}

/// The figures' names as the sheets head them.
pub fn figure_name(figure: Figure) -> &'static str {
    match figure {
        Figure::Evaluation => "督查评价",
        Figure::Claims => "按时认领率",
        Figure::Measures => "措施按期完成率",
        Figure::Reports => "进展按时报送率",
        Figure::Rectifications => "整改按期销号率",
        Figure::Targets => "量化目标达成率",
    }
}

fn page_setup(sheet: &mut Worksheet, last_col: u16) -> Result<(), XlsxError> {
    sheet.set_landscape();
    sheet.set_paper_size(9); // A4
    sheet.set_print_fit_to_pages(1, 0);
    sheet.set_footer("&C第 &P 页 共 &N 页");
    sheet.set_repeat_rows(1, 1)?;
    sheet.set_freeze_panes(2, 0)?;
    sheet.set_column_range_width(0, last_col, 14)?;
    Ok(())
}

fn ratio_of(unit: &Assessed, figure: Figure) -> Option<Ratio> {
    let f = &unit.figures;
    match figure {
        Figure::Evaluation => None,
        Figure::Claims => Some(f.claims),
        Figure::Measures => Some(f.measures),
        Figure::Reports => Some(f.reports),
        Figure::Rectifications => Some(f.rectifications),
        Figure::Targets => Some(f.targets),
    }
}

/// The workbook's bytes.
pub fn write(book: &AssessmentBook<'_>) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let base = Format::new()
        .set_font_name("宋体")
        .set_font_size(10.5)
        .set_border(FormatBorder::Thin)
        .set_text_wrap()
        .set_align(FormatAlign::VerticalCenter);
    let header = base
        .clone()
        .set_font_name("黑体")
        .set_bold()
        .set_align(FormatAlign::Center)
        .set_background_color(Color::RGB(0xD9D9D9));
    let number = base
        .clone()
        .set_num_format("0.00")
        .set_align(FormatAlign::Center);
    let title = Format::new()
        .set_font_name("黑体")
        .set_font_size(16)
        .set_bold()
        .set_align(FormatAlign::Center);

    let ranking = workbook.add_worksheet();
    ranking.set_name("考核排名")?;
    let mut heads: Vec<String> = vec!["名次".into(), "单位".into()];
    for (figure, weight) in Figure::ALL.iter().zip(book.weights.each()) {
        heads.push(format!("{}（权重{weight}%）", figure_name(*figure)));
    }
    heads.push("综合得分".into());
    let last = (heads.len() - 1) as u16;
    page_setup(ranking, last)?;
    ranking.set_column_width(1, 22)?;
    let heading = format!(
        "{}年度考核排名（截至{}）",
        book.plan_title,
        date_zh(book.today)
    );
    ranking.merge_range(0, 0, 0, last, &heading, &title)?;
    for (col, text) in heads.iter().enumerate() {
        ranking.write_string_with_format(1, col as u16, text, &header)?;
    }
    for (i, unit) in book.units.iter().enumerate() {
        let row = 2 + i as u32;
        match unit.rank {
            Some(rank) => ranking.write_number_with_format(
                row,
                0,
                rank as f64,
                &number.clone().set_num_format("0"),
            )?,
            None => ranking.write_string_with_format(row, 0, "—", &base)?,
        };
        ranking.write_string_with_format(row, 1, &unit.figures.unit_name, &base)?;
        for (j, figure) in Figure::ALL.iter().enumerate() {
            let col = 2 + j as u16;
            let text = match (unit.scores[j], ratio_of(unit, *figure)) {
                (Some(score), Some(r)) => format!("{score:.2}（{}/{}）", r.done, r.of),
                (Some(score), None) => {
                    format!("{score:.2}（{}次）", unit.figures.evaluations.len())
                }
                (None, _) => "—".into(),
            };
            ranking.write_string_with_format(row, col, &text, &base)?;
        }
        match unit.total {
            Some(total) => ranking.write_number_with_format(row, last, total, &number)?,
            None => ranking.write_string_with_format(row, last, "—", &base)?,
        };
    }

    let detail = workbook.add_worksheet();
    detail.set_name("计分明细")?;
    let columns = [
        "单位",
        "指标",
        "任务",
        "事项",
        "应于",
        "完成于",
        "计入",
        "按期",
    ];
    page_setup(detail, columns.len() as u16 - 1)?;
    detail.set_column_width(2, 36)?;
    detail.set_column_width(3, 30)?;
    detail.merge_range(
        0,
        0,
        0,
        columns.len() as u16 - 1,
        "年度考核计分明细",
        &title,
    )?;
    for (col, text) in columns.iter().enumerate() {
        detail.write_string_with_format(1, col as u16, *text, &header)?;
    }
    let day = |d: Option<Date>| d.map(|d| d.to_string()).unwrap_or_default();
    let yes = |b: bool| if b { "是" } else { "否" };
    let mut row = 2u32;
    for (unit, rows) in &book.evidence {
        for e in rows.iter() {
            let cells = [
                unit.to_string(),
                figure_name(e.figure).to_string(),
                e.task.clone(),
                e.item.clone(),
                day(e.due),
                day(e.done),
                yes(e.counted).to_string(),
                yes(e.credited).to_string(),
            ];
            for (col, text) in cells.iter().enumerate() {
                detail.write_string_with_format(row, col as u16, text, &base)?;
            }
            row += 1;
        }
    }
    workbook.save_to_buffer()
}
