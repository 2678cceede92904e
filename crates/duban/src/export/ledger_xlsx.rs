//! Writes the ledger (台账) as an .xlsx workbook in the layout of
//! [`super::ledger_layout`]: a title, the header repeated on every printed
//! page, categories as merged full-width rows, one row per measure, A4
//! landscape fitted to the page width, 第 N 页 共 M 页 in the footer.

use jiff::civil::Date;

use crate::domain::words::date_zh;
use rust_xlsxwriter::{
    Color, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError,
};

use super::ledger_layout::*;
use super::row_heights::Heights;
use crate::domain::light::Light;

/// What the ledger shows, already filtered and ordered.
#[derive(Debug, Clone)]
pub struct LedgerSheet {
    pub plan_id: i64,
    pub plan_title: String,
    pub exported_on: Date,
    /// The filters applied, as a reader says them ("单位：区房管局"); empty for all.
    pub scope: String,
    pub tasks: Vec<LedgerTask>,
}

#[derive(Debug, Clone)]
pub struct LedgerTask {
    /// "一、…": a new heading row is written where it changes.
    pub category: String,
    pub number: String,
    pub text: String,
    pub leads: Vec<String>,
    /// The units shown, leads first.
    pub units: Vec<LedgerUnit>,
}

#[derive(Debug, Clone)]
pub struct LedgerUnit {
    pub name: String,
    /// The latest progress report, "［2021-05］…"; empty when none.
    pub progress: String,
    pub light: Light,
    pub measures: Vec<LedgerMeasure>,
}

#[derive(Debug, Clone)]
pub struct LedgerMeasure {
    pub id: i64,
    pub description: String,
    pub responsible_person: String,
    pub deadline: Date,
    pub done: bool,
}

struct Formats {
    title: Format,
    info: Format,
    header: Format,
    category: Format,
    cell: Format,
    center: Format,
    date: Format,
}

fn formats() -> Formats {
    let font = |f: Format| f.set_font_name("宋体").set_font_size(10.5);
    let cell = font(Format::new())
        .set_text_wrap()
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::VerticalCenter);
    Formats {
        title: Format::new()
            .set_font_name("黑体")
            .set_font_size(16)
            .set_bold()
            .set_align(FormatAlign::Center)
            .set_align(FormatAlign::VerticalCenter),
        info: font(Format::new()).set_align(FormatAlign::Right),
        header: cell
            .clone()
            .set_bold()
            .set_font_name("黑体")
            .set_align(FormatAlign::Center)
            .set_background_color(Color::RGB(0xD9D9D9)),
        category: cell.clone().set_bold().set_font_name("黑体"),
        center: cell.clone().set_align(FormatAlign::Center),
        date: cell
            .clone()
            .set_align(FormatAlign::Center)
            .set_num_format("yyyy\"年\"m\"月\"d\"日\""),
        cell,
    }
}

/// The workbook's bytes.
pub fn write(ledger: &LedgerSheet) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name(SHEET)?;
    let f = formats();
    for (col, width) in WIDTHS.iter().enumerate() {
        sheet.set_column_width(col as u16, *width)?;
    }
    sheet.set_column_hidden(COL_ID)?;
    page_setup(sheet)?;

    let title = format!("{}重点任务推进台账", ledger.plan_title);
    sheet.merge_range(TITLE_ROW, 0, TITLE_ROW, LAST_VISIBLE, &title, &f.title)?;
    sheet.set_row_height(TITLE_ROW, 30)?;
    sheet.write_string(
        TITLE_ROW,
        COL_ID,
        format!("{MARKER_PREFIX}{}", ledger.plan_id),
    )?;
    let mut info = format!("导出日期：{}", date_zh(ledger.exported_on));
    if !ledger.scope.is_empty() {
        info = format!("{}　　{info}", ledger.scope);
    }
    sheet.merge_range(INFO_ROW, 0, INFO_ROW, LAST_VISIBLE, &info, &f.info)?;
    for (col, header) in HEADERS.iter().enumerate() {
        sheet.write_string_with_format(HEADER_ROW, col as u16, *header, &f.header)?;
    }
    sheet.set_repeat_rows(HEADER_ROW, HEADER_ROW)?;
    sheet.set_freeze_panes(FIRST_DATA_ROW, 0)?;

    let mut out = Out {
        sheet,
        f: &f,
        heights: Heights::default(),
    };
    let mut row = FIRST_DATA_ROW;
    let mut category: Option<&str> = None;
    for task in &ledger.tasks {
        if category != Some(task.category.as_str()) && !task.category.is_empty() {
            category = Some(task.category.as_str());
            out.sheet
                .merge_range(row, 0, row, LAST_VISIBLE, &task.category, &f.category)?;
            out.heights.cell(row, &task.category, 200.0);
            row += 1;
        }
        row = write_task(&mut out, task, row)?;
    }
    out.heights.apply(out.sheet)?;
    workbook.save_to_buffer()
}

fn page_setup(sheet: &mut Worksheet) -> Result<(), XlsxError> {
    sheet.set_landscape();
    sheet.set_paper_size(9); // A4
    sheet.set_print_fit_to_pages(1, 0);
    sheet.set_print_center_horizontally(true);
    sheet.set_margins(0.5, 0.5, 0.6, 0.6, 0.3, 0.3);
    sheet.set_footer("&C第 &P 页 共 &N 页");
    Ok(())
}

/// The sheet being written, its formats, and the heights its rows need.
struct Out<'a> {
    sheet: &'a mut Worksheet,
    f: &'a Formats,
    heights: Heights,
}

/// Writes one task's rows from `row`; returns the next free row.
fn write_task(out: &mut Out, task: &LedgerTask, first: u32) -> Result<u32, XlsxError> {
    let mut row = first;
    for unit in &task.units {
        row = write_unit(out, unit, row)?;
    }
    let (sheet, f) = (&mut *out.sheet, out.f);
    if task.units.is_empty() {
        for col in COL_UNIT..=LAST_VISIBLE {
            sheet.write_blank(row, col, &f.cell)?;
        }
        row += 1;
    }
    let last = row - 1;
    let leads = task.leads.join("\n");
    let cells = [
        (COL_NUMBER, task.number.as_str(), &f.center),
        (COL_CATEGORY, task.category.as_str(), &f.cell),
        (COL_TASK, task.text.as_str(), &f.cell),
        (COL_LEADS, leads.as_str(), &f.center),
    ];
    for (col, text, format) in cells {
        span(sheet, first, last, col, text, format)?;
        out.heights
            .span(first, last, text, WIDTHS[usize::from(col)]);
    }
    Ok(row)
}

/// One unit's rows: one per measure, or one empty row when it has none.
fn write_unit(out: &mut Out, unit: &LedgerUnit, first: u32) -> Result<u32, XlsxError> {
    let (sheet, f) = (&mut *out.sheet, out.f);
    let mut row = first;
    for measure in &unit.measures {
        let mut description = measure.description.clone();
        if measure.done {
            description.push_str(DONE_MARK);
        }
        sheet.write_string_with_format(row, COL_MEASURE, &description, &f.cell)?;
        sheet.write_string_with_format(row, COL_PERSON, &measure.responsible_person, &f.center)?;
        let d = measure.deadline;
        let when = ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)?;
        sheet.write_datetime_with_format(row, COL_DEADLINE, &when, &f.date)?;
        sheet.write_number(row, COL_ID, measure.id as f64)?;
        let widths = &WIDTHS;
        out.heights
            .cell(row, &description, widths[usize::from(COL_MEASURE)]);
        out.heights.cell(
            row,
            &measure.responsible_person,
            widths[usize::from(COL_PERSON)],
        );
        row += 1;
    }
    if unit.measures.is_empty() {
        for col in [COL_MEASURE, COL_PERSON, COL_DEADLINE] {
            sheet.write_blank(row, col, &f.cell)?;
        }
        row += 1;
    }
    let last = row - 1;
    span(sheet, first, last, COL_UNIT, &unit.name, &f.center)?;
    span(sheet, first, last, COL_PROGRESS, &unit.progress, &f.cell)?;
    let (word, fill) = light_word(unit.light);
    let light = f.center.clone().set_background_color(Color::RGB(fill));
    span(sheet, first, last, COL_LIGHT, word, &light)?;
    for (col, text) in [(COL_UNIT, &unit.name), (COL_PROGRESS, &unit.progress)] {
        out.heights
            .span(first, last, text, WIDTHS[usize::from(col)]);
    }
    Ok(row)
}

/// A value over rows `first..=last` of one column: merged when several.
fn span(
    sheet: &mut Worksheet,
    first: u32,
    last: u32,
    col: u16,
    text: &str,
    format: &Format,
) -> Result<(), XlsxError> {
    if last > first {
        sheet.merge_range(first, col, last, col, text, format)?;
    } else {
        sheet.write_string_with_format(first, col, text, format)?;
    }
    Ok(())
}
