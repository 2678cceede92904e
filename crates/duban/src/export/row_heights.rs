//! Row heights for the ledger sheet, estimated from the text each row holds.

use rust_xlsxwriter::{Worksheet, XlsxError};

/// Row heights: Excel and LibreOffice grow a row for its wrapped text but
/// not for a merged cell's, so every row's height is set from its text.
#[derive(Default)]
pub struct Heights {
    /// Points needed by each row's own cells, by row.
    rows: std::collections::BTreeMap<u32, f64>,
    /// (first, last, points) of each merged cell.
    spans: Vec<(u32, u32, f64)>,
}

const LINE_POINTS: f64 = 14.5;

/// Lines the text takes in a column `width` characters wide (a Chinese
/// character is two of them).
fn lines(text: &str, width: f64) -> f64 {
    text.split('\n')
        .map(|line| {
            let units: f64 = line
                .chars()
                .map(|c| if c.is_ascii() { 1.1 } else { 2.05 })
                .sum();
            (units / (width - 1.0)).ceil().max(1.0)
        })
        .sum()
}

impl Heights {
    pub fn cell(&mut self, row: u32, text: &str, width: f64) {
        let need = lines(text, width) * LINE_POINTS + 4.0;
        let h = self.rows.entry(row).or_insert(LINE_POINTS + 4.0);
        *h = h.max(need);
    }

    pub fn span(&mut self, first: u32, last: u32, text: &str, width: f64) {
        if first == last {
            self.cell(first, text, width);
        } else {
            self.spans
                .push((first, last, lines(text, width) * LINE_POINTS + 4.0));
        }
    }

    pub fn apply(mut self, sheet: &mut Worksheet) -> Result<(), XlsxError> {
        for (first, last, need) in std::mem::take(&mut self.spans) {
            let have: f64 = (first..=last)
                .map(|r| *self.rows.entry(r).or_insert(LINE_POINTS + 4.0))
                .sum();
            if have < need {
                let more = (need - have) / f64::from(last - first + 1);
                for r in first..=last {
                    *self.rows.entry(r).or_default() += more;
                }
            }
        }
        for (row, points) in self.rows {
            sheet.set_row_height(row, points.min(409.0))?;
        }
        Ok(())
    }
}
