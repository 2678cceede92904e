use crate::blocks::{Paragraph, Table};
pub fn to_paragraphs(_t: &Table) -> Vec<Paragraph> { Vec::new() }
