//! A 督办单 (blue, yellow or red) as a document, laid out by the bulletin's
//! .docx writer and by the printable page alike. Pure: a notice in, a
//! document out.

use super::bulletin_text::{Block, BulletinDoc};
use crate::domain::notice::Color;
use crate::domain::words::date_zh;
use crate::store::notices::NoticeRow;

/// The notice as a document, issued on `issued_on` by `office`.
pub fn document(n: &NoticeRow, office: &str, issued_on: jiff::civil::Date) -> BulletinDoc {
    let title = n
        .color
        .parse::<Color>()
        .map(Color::zh)
        .unwrap_or("督办单")
        .to_string();
    let respond_by = n
        .respond_by
        .parse()
        .map(date_zh)
        .unwrap_or_else(|_| n.respond_by.clone());
    BulletinDoc {
        title,
        number: Some(n.number.clone()),
        office: office.to_string(),
        date: date_zh(issued_on),
        blocks: vec![
            Block::Paragraph(format!("{}：", n.unit_name)),
            Block::Paragraph(format!(
                "经督查，你单位承办的下列事项需督促办理。请于{respond_by}前签收本单，并书面反馈整改落实情况。"
            )),
            Block::Fields(vec![
                ("督办事项".to_string(), n.task_title.clone()),
                ("督办事由".to_string(), n.reason.clone()),
                ("督办要求".to_string(), n.required_action.clone()),
                ("反馈时限".to_string(), respond_by),
            ]),
        ],
    }
}
