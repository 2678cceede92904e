use crate::blocks::Block;
use crate::error::ParseError;
pub fn read(_bytes: &[u8]) -> Result<Vec<Block>, ParseError> { Err(ParseError::Docx("wip".into())) }
