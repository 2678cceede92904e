use crate::error::ParseError;
pub fn extract_text(_bytes: &[u8]) -> Result<String, ParseError> { Err(ParseError::Pdf("wip".into())) }
