//! Reads an edited ledger workbook back: checks that it is ours (the 台账
//! sheet, the marker, the header row), that no cell where data belongs is
//! merged, and reads each measure row with the task and unit it stands
//! under. Every problem is reported with its sheet, row and column.

use std::fmt;
use std::io::Cursor;

use calamine::{Data, Dimensions, Reader, Xlsx, open_workbook_from_rs};
use jiff::civil::Date;

use super::ledger_layout::*;
use super::sheet_dates;

/// A problem in the workbook, where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellError {
    /// 1-based, as Excel numbers rows; `None` for the workbook as a whole.
    pub row: Option<u32>,
    pub col: Option<u16>,
    pub message: String,
}

impl CellError {
    pub fn at(row: u32, col: u16, message: impl Into<String>) -> CellError {
        CellError {
            row: Some(row + 1),
            col: Some(col),
            message: message.into(),
        }
    }

    fn workbook(message: impl Into<String>) -> CellError {
        CellError {
            row: None,
            col: None,
            message: message.into(),
        }
    }
}

/// 工作表 台账 第N行 第X列（列名）：message
impl fmt::Display for CellError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.row, self.col) {
            (Some(row), Some(col)) => write!(
                f,
                "工作表 {SHEET} 第{row}行 第{}列（{}）：{}",
                letter(col),
                HEADERS[usize::from(col).min(HEADERS.len() - 1)],
                self.message
            ),
            (Some(row), None) => write!(f, "工作表 {SHEET} 第{row}行：{}", self.message),
            _ => f.write_str(&self.message),
        }
    }
}

/// One measure row as the sheet has it.
#[derive(Debug, Clone, PartialEq)]
pub struct SheetMeasure {
    /// 0-based row.
    pub row: u32,
    pub task_number: String,
    pub unit: String,
    /// The measure's id from the hidden column; `None` for a new one.
    pub id: Option<i64>,
    pub description: String,
    pub responsible_person: String,
    pub deadline: Date,
    pub done: bool,
}

/// A unit's 进展情况 cell (the top of its merged cells), period prefix stripped.
#[derive(Debug, Clone, PartialEq)]
pub struct SheetProgress {
    /// 0-based row.
    pub row: u32,
    pub task_number: String,
    pub unit: String,
    pub narrative: String,
}

/// What a ledger holds that import reads: the plan, measure rows, progress cells.
pub type SheetRows = (i64, Vec<SheetMeasure>, Vec<SheetProgress>);

/// The plan a workbook was exported from: the marker in its title row.
pub fn plan_of(bytes: &[u8]) -> Result<i64, CellError> {
    let (range, _) = open(bytes)?;
    marker(&range)
}

type Sheet = calamine::Range<Data>;

fn open(bytes: &[u8]) -> Result<(Sheet, Vec<Dimensions>), CellError> {
    let not_ours =
        || CellError::workbook("这不是 .xlsx 工作簿：请上传从 Duban 下载的台账（.xlsx）");
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).map_err(|_| not_ours())?;
    if !book.sheet_names().iter().any(|n| n == SHEET) {
        return Err(CellError::workbook(format!(
            "工作簿中没有名为“{SHEET}”的工作表：请上传从 Duban 下载的台账"
        )));
    }
    let range = book.worksheet_range(SHEET).map_err(|_| not_ours())?;
    let merged = match book.worksheet_merge_cells(SHEET) {
        Some(Ok(merged)) => merged,
        Some(Err(_)) => return Err(not_ours()),
        None => Vec::new(),
    };
    Ok((range, merged))
}

fn marker(range: &Sheet) -> Result<i64, CellError> {
    text(range, TITLE_ROW, COL_ID)
        .strip_prefix(MARKER_PREFIX)
        .and_then(|id| id.trim().parse().ok())
        .ok_or_else(|| {
            CellError::at(
                TITLE_ROW,
                COL_ID,
                "缺少台账标识：这张表不是从 Duban 下载的台账，或标识被改动",
            )
        })
}

/// A cell as text: numbers without a trailing ".0", empty when blank.
fn text(range: &Sheet, row: u32, col: u16) -> String {
    match range.get_value((row, u32::from(col))) {
        None | Some(Data::Empty) => String::new(),
        Some(Data::String(s)) => s.trim().to_string(),
        Some(Data::Float(f)) if f.fract() == 0.0 => format!("{f:.0}"),
        Some(Data::Float(f)) => f.to_string(),
        Some(Data::Int(i)) => i.to_string(),
        Some(Data::DateTime(d)) => d.as_f64().to_string(),
        Some(other) => other.to_string().trim().to_string(),
    }
}

fn a1(row: u32, col: u32) -> String {
    format!("{}{}", letter(col as u16), row + 1)
}

/// Merges allowed: one row across the printed width (title, categories), or
/// one column of task or unit cells down several rows.
fn merge_allowed(d: &Dimensions) -> bool {
    let (r0, c0) = d.start;
    let (r1, c1) = d.end;
    let full_row = r0 == r1 && c0 == 0 && c1 == u32::from(LAST_VISIBLE);
    let column = [
        COL_NUMBER,
        COL_CATEGORY,
        COL_TASK,
        COL_LEADS,
        COL_UNIT,
        COL_PROGRESS,
        COL_LIGHT,
    ];
    full_row || (c0 == c1 && column.iter().any(|c| u32::from(*c) == c0))
}

/// Reads the measure rows and progress cells; every problem found, or none.
pub fn read(bytes: &[u8], plan_year: Option<i16>) -> Result<SheetRows, Vec<CellError>> {
    let (range, merged) = open(bytes).map_err(|e| vec![e])?;
    let plan = marker(&range).map_err(|e| vec![e])?;
    let mut errors = Vec::new();
    for (col, wanted) in HEADERS.iter().enumerate() {
        let found = text(&range, HEADER_ROW, col as u16);
        if found != *wanted {
            errors.push(CellError::at(
                HEADER_ROW,
                col as u16,
                format!("表头应为“{wanted}”，实为“{found}”：请勿修改表头"),
            ));
        }
    }
    for d in merged
        .iter()
        .filter(|d| d.end.0 >= FIRST_DATA_ROW && !merge_allowed(d))
    {
        errors.push(CellError::at(
            d.start.0,
            d.start.1 as u16,
            format!(
                "{}:{} 是合并单元格：细化措施、责任人、时间节点每行填写一项，请取消合并",
                a1(d.start.0, d.start.1),
                a1(d.end.0, d.end.1)
            ),
        ));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let full_rows: Vec<u32> = merged
        .iter()
        .filter(|d| d.start.0 == d.end.0 && d.start.1 == 0)
        .map(|d| d.start.0)
        .collect();
    let (mut measures, mut progress) = (Vec::new(), Vec::new());
    let (mut task, mut unit) = (String::new(), String::new());
    let last = range.end().map_or(0, |(r, _)| r);
    for row in FIRST_DATA_ROW..=last {
        if full_rows.contains(&row) {
            (task, unit) = (String::new(), String::new());
            continue;
        }
        let number = text(&range, row, COL_NUMBER);
        if !number.is_empty() {
            (task, unit) = (number, String::new());
        }
        let name = text(&range, row, COL_UNIT);
        if !name.is_empty() {
            unit = name;
            if !task.is_empty() {
                progress.push(SheetProgress {
                    row,
                    task_number: task.clone(),
                    unit: unit.clone(),
                    narrative: progress_narrative(&text(&range, row, COL_PROGRESS)).to_string(),
                });
            }
        }
        let cells = [COL_MEASURE, COL_PERSON, COL_DEADLINE, COL_ID].map(|c| text(&range, row, c));
        if cells.iter().all(String::is_empty) {
            continue;
        }
        match measure_row(&range, row, &task, &unit, plan_year) {
            Ok(m) => measures.push(m),
            Err(mut found) => errors.append(&mut found),
        }
    }
    if errors.is_empty() {
        Ok((plan, measures, progress))
    } else {
        Err(errors)
    }
}

fn measure_row(
    range: &Sheet,
    row: u32,
    task: &str,
    unit: &str,
    plan_year: Option<i16>,
) -> Result<SheetMeasure, Vec<CellError>> {
    let mut errors = Vec::new();
    if task.is_empty() {
        errors.push(CellError::at(
            row,
            COL_NUMBER,
            "这一行不在任何任务之下：请填写任务序号",
        ));
    }
    if unit.is_empty() {
        errors.push(CellError::at(row, COL_UNIT, "请填写这条措施的责任单位"));
    }
    let id = match text(range, row, COL_ID) {
        id if id.is_empty() => None,
        id => match id.parse::<i64>() {
            Ok(id) => Some(id),
            Err(_) => {
                errors.push(CellError::at(
                    row,
                    COL_ID,
                    format!("编号“{id}”被改动：请勿修改隐藏的编号列"),
                ));
                None
            }
        },
    };
    let mut description = text(range, row, COL_MEASURE);
    let done = description.ends_with(DONE_MARK) || description.ends_with("(已完成)");
    if done {
        description = description
            .trim_end_matches(DONE_MARK)
            .trim_end_matches("(已完成)")
            .trim()
            .to_string();
    }
    if description.is_empty() || description.chars().count() > 2000 {
        errors.push(CellError::at(
            row,
            COL_MEASURE,
            "请填写措施内容（1–2000 字）",
        ));
    }
    let person = text(range, row, COL_PERSON);
    if person.is_empty() || person.chars().count() > 100 {
        errors.push(CellError::at(row, COL_PERSON, "请填写责任人（1–100 字）"));
    }
    let deadline = match range.get_value((row, u32::from(COL_DEADLINE))) {
        Some(Data::DateTime(d)) => sheet_dates::from_serial(d.as_f64()),
        Some(Data::Float(f)) => sheet_dates::from_serial(*f),
        Some(Data::Int(i)) => sheet_dates::from_serial(*i as f64),
        Some(Data::DateTimeIso(s)) => sheet_dates::parse_text(s.get(..10).unwrap_or(s), plan_year),
        None | Some(Data::Empty) => Err("请填写时间节点".to_string()),
        Some(_) => sheet_dates::parse_text(&text(range, row, COL_DEADLINE), plan_year),
    };
    let deadline = deadline.map_err(|m| errors.push(CellError::at(row, COL_DEADLINE, m)));
    match deadline {
        Ok(deadline) if errors.is_empty() => Ok(SheetMeasure {
            row,
            task_number: task.to_string(),
            unit: unit.to_string(),
            id,
            description,
            responsible_person: person,
            deadline,
            done,
        }),
        _ => Err(errors),
    }
}
