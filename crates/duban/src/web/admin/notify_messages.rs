//! The notification page's messages: a service's refusal said beside the
//! field it concerns, in Chinese first; a holiday file's mistake named by its
//! line and key as the reader would look for them.

use super::field_errors;
use crate::domain::calendar::WorkCalendar;
use crate::service::ServiceError;
use crate::web::error::WebError;
use crate::web::form::FieldErrors;
use crate::web::i18n::Lang;

/// A service's refusal as messages beside the page's fields, in the
/// reader's language; `holidays` is the file as typed, to say where it is wrong.
pub(super) fn messages(
    lang: Lang,
    problem: ServiceError,
    holidays: Option<&str>,
) -> Result<FieldErrors, WebError> {
    let zh = match &problem {
        _ if lang.is_en() => None,
        ServiceError::Field { field, message } => match *field {
            "host" => Some("请填写邮件服务器地址和端口".to_string()),
            "port" => Some("端口为 1–65535 之间的数字".to_string()),
            "security" => Some("请选择加密方式".to_string()),
            "from" => Some("发件人须为邮箱地址，如 区督查室 <duban@district.gov.cn>".to_string()),
            "ca_pem" => Some("CA 证书须为 PEM 格式（-----BEGIN CERTIFICATE-----…）".to_string()),
            "to" => Some("请填写有效的收件邮箱地址".to_string()),
            "base_url" => Some("系统访问地址须以 http:// 或 https:// 开头".to_string()),
            "quiet_hours" => Some("免打扰时段格式为 22:00-08:00，留空则不设".to_string()),
            "repeat_every_days" => Some("请填写 1–60 个工作日".to_string()),
            "head_from" | "leader_from" => {
                Some("抄送领导的轮次为 1–10，告知负责人的轮次为 1 至抄送领导的轮次".to_string())
            }
            f if f.ends_with("_days") => Some("请填写 0–60 个工作日".to_string()),
            "owner" => Some("请选择全区或登记在册的单位".to_string()),
            "robot" => Some("请选择机器人类型".to_string()),
            "url" => Some("请填写机器人的 Webhook 地址（以 https:// 或 http:// 开头）".to_string()),
            "date" => Some("请填写日期，格式为 年-月-日（如 2021-06-15）".to_string()),
            "holidays" => Some(holiday_message(lang, holidays, message)),
            _ => None,
        },
        ServiceError::Invalid(message) if message.contains("no SMTP server") => {
            Some("尚未保存邮件服务器，请先保存上面的设置。".to_string())
        }
        _ => None,
    };
    match (zh, &problem) {
        (Some(text), ServiceError::Field { field, .. }) => {
            let mut errors = FieldErrors::new();
            errors.add(field, text);
            Ok(errors)
        }
        (Some(text), _) => {
            let mut errors = FieldErrors::new();
            errors.add("", text);
            Ok(errors)
        }
        (None, _) => field_errors(lang, vec![problem]),
    }
}

/// "第12行 字段 to：…": where the holiday file is wrong, read again from the
/// typed text (the service's message says it in English).
fn holiday_message(lang: Lang, typed: Option<&str>, message: &str) -> String {
    let Some(Err(e)) = typed.map(WorkCalendar::parse) else {
        return message.to_string();
    };
    let mut said = String::new();
    if let Some(line) = e.line {
        said.push_str(&format!(
            "{}{line}{}",
            lang.t("第", "line "),
            lang.t("行", "")
        ));
    }
    if !e.field.is_empty() {
        if !said.is_empty() {
            said.push(' ');
        }
        said.push_str(&format!("{}{}", lang.t("字段 ", "field "), e.field));
    }
    if said.is_empty() {
        e.message
    } else {
        format!("{said}{}{}", lang.t("：", ": "), e.message)
    }
}
