//! What the plan pages say: the importer's refusals and warnings in the
//! reader's language (the importer speaks English to programs), and the
//! notices shown after an import, a revision or a publication.

use duban_plan::ParseError;

use crate::service::ServiceError;
use crate::web::i18n::Lang;

/// The message next to the file field for an upload the service refused,
/// or `None` when editing the form cannot help (forbidden, not found…).
pub fn upload_message(lang: Lang, error: &ServiceError) -> Option<String> {
    match error {
        ServiceError::Parse(e) => Some(parse_message(lang, e)),
        ServiceError::Transition(m) => Some(
            lang.t(
                "文件内容与计划当前版本相同，没有任何变化，无需重新导入。",
                m.as_str(),
            )
            .to_string(),
        ),
        _ => None,
    }
}

/// Why a document could not be read, Chinese first.
pub fn parse_message(lang: Lang, error: &ParseError) -> String {
    if lang.is_en() {
        return error.to_string();
    }
    match error {
        ParseError::Empty => "文件是空的，没有任何内容。".into(),
        ParseError::TooLarge { size } => format!(
            "文件过大（{:.1} MB），计划文件最大 {} MB。",
            *size as f64 / 1_048_576.0,
            duban_plan::MAX_DOCUMENT_BYTES / 1_048_576
        ),
        ParseError::Binary { .. } => {
            "这不是文本、.docx 或 .pdf 文档，而是其他二进制文件，无法读取。".into()
        }
        ParseError::Encoding { line, .. } => format!(
            "第 {line} 行的文字编码无法识别：请将文本保存为 UTF-8 或 GB18030（GBK）编码后再上传。"
        ),
        ParseError::Docx(reason) if reason.contains("legacy Word .doc") => {
            "这是旧版 Word（.doc）文件：请在 Word 或 WPS 中“另存为” .docx 后再上传。".into()
        }
        ParseError::Docx(reason) => format!("无法读取该 .docx 文件（{reason}）。"),
        ParseError::Pdf(reason) => format!("无法读取该 PDF 文件（{reason}）。"),
        ParseError::PdfWithoutText => {
            "该 PDF 没有文字层（可能是扫描件），文字无法识别：请改为上传 .docx 或文本文件。".into()
        }
        ParseError::NoTasks => "文件中没有找到计划：未识别出带有责任单位的编号任务。".into(),
    }
}

/// An importer warning in the reader's language.
pub fn warning_message(lang: Lang, message: &str) -> String {
    if lang.is_en() {
        return message.to_string();
    }
    if let Some(name) = message
        .strip_prefix("unit '")
        .and_then(|rest| rest.strip_suffix("' is not in the unit registry"))
    {
        return format!("单位“{name}”不在单位名录中");
    }
    if let Some((from, to)) = message
        .strip_prefix("task numbering jumps from ")
        .and_then(|rest| rest.split_once(" to "))
    {
        return format!("任务编号从 {from} 跳到 {to}");
    }
    if let Some(number) = message
        .strip_prefix("task ")
        .and_then(|rest| rest.strip_suffix(" names no responsible unit"))
    {
        return format!("任务 {number} 未写明责任单位");
    }
    message.to_string()
}

/// The notice a page shows after a redirect (`?notice=`).
pub fn notice(lang: Lang, code: &str) -> Option<&'static str> {
    Some(match code {
        "imported" => lang.t(
            "计划已导入并发布。",
            "The plan has been imported and published.",
        ),
        "drafted" => lang.t(
            "计划已导入为草稿：确认无误后在“计划导入”页发布。",
            "The plan has been imported as a draft: publish it on the Plans page when it is right.",
        ),
        "published" => lang.t("计划已发布。", "The plan has been published."),
        "revised" => lang.t(
            "新版本已导入，变更已生效。",
            "The new edition has been applied.",
        ),
        "discarded" => lang.t(
            "上传的文件已放弃，未导入任何内容。",
            "The upload was discarded; nothing was imported.",
        ),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_importers_words_are_said_in_chinese() {
        let legacy = ParseError::Docx(
            "this is a legacy Word .doc file; save it as .docx and import that".into(),
        );
        assert!(parse_message(Lang::Zh, &legacy).contains(".doc"));
        assert!(parse_message(Lang::Zh, &legacy).contains("另存为"));
        assert_eq!(
            parse_message(Lang::En, &ParseError::Empty),
            "the document is empty"
        );
        assert_eq!(
            warning_message(
                Lang::Zh,
                "unit '区区级机关工作党委' is not in the unit registry"
            ),
            "单位“区区级机关工作党委”不在单位名录中"
        );
        assert_eq!(warning_message(Lang::Zh, "other"), "other");
        assert!(notice(Lang::Zh, "imported").is_some());
        assert!(notice(Lang::Zh, "<script>").is_none());
    }
}
