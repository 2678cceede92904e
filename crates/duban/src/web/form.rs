//! Form mistakes are not failures: the form is shown again with each message
//! next to its field and everything typed kept. A service error becomes field
//! messages when the person can fix it by editing the form, and a
//! [`WebError`] page when they cannot (forbidden, not found, server trouble).

use super::error::WebError;
use super::i18n::{Lang, field_message};
use crate::service::ServiceError;
use crate::store::StoreError;

/// Messages by field; `""` is the form's own (not tied to one field).
#[derive(Debug, Default, Clone)]
pub struct FieldErrors(Vec<(String, String)>);

impl FieldErrors {
    pub fn new() -> FieldErrors {
        FieldErrors::default()
    }

    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0.push((field.to_string(), message.into()));
    }

    /// The message for a field, if it has one.
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
    }

    /// `aria-invalid` for a field's input.
    pub fn invalid(&self, field: &str) -> &'static str {
        if self.get(field).is_some() {
            "true"
        } else {
            "false"
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Messages not tied to a field, for the top of the form.
    pub fn general(&self) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(f, _)| f.is_empty())
            .map(|(_, m)| m.as_str())
            .collect()
    }

    /// Turns a service error into field messages, or into an error page when
    /// editing the form cannot fix it.
    pub fn from_service(lang: Lang, error: ServiceError) -> Result<FieldErrors, WebError> {
        let mut errors = FieldErrors::new();
        match error {
            ServiceError::Field { field, message } => {
                errors.add(field, field_message(lang, field, &message));
            }
            ServiceError::Invalid(message) => errors.add("", message),
            ServiceError::Transition(message) => errors.add(
                "",
                format!(
                    "{}{}",
                    lang.t("当前状态不允许此操作：", "Not possible in the current state: "),
                    super::i18n::transition_message(lang, &message)
                ),
            ),
            ServiceError::Store(StoreError::Conflict { .. }) => errors.add(
                "",
                lang.t(
                    "该记录刚被他人修改。您填写的内容已保留，请核对最新情况后再次提交。",
                    "Someone else changed this record meanwhile. What you typed is kept; check the latest state and send it again.",
                ),
            ),
            other => return Err(other.into()),
        }
        Ok(errors)
    }
}
