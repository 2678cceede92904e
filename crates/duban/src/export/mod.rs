//! Documents Duban writes and reads back. Pure: data in, bytes out (and bytes
//! in, data out); no database, no HTTP, no clock.

pub mod assessment_xlsx;
pub mod assignment_notice;
pub mod bulletin_docx;
pub mod bulletin_text;
pub mod bulletin_words;
pub mod ledger_layout;
pub mod ledger_read;
pub mod ledger_xlsx;
mod row_heights;
pub mod sheet_dates;
pub mod supervision_notice;
