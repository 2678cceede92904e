//! Documents Duban writes and reads back. Pure: data in, bytes out (and bytes
//! in, data out); no database, no HTTP, no clock.

pub mod bulletin_docx;
pub mod bulletin_text;
pub mod bulletin_words;
