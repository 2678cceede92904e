//! The 交办单: the numbered notice that hands one unit its part of an item or
//! of an annual plan's task, worded as an office writes it, laid out by the
//! bulletin's .docx writer and by the printable page alike. Pure: facts in,
//! a document out.

use jiff::civil::Date;

use super::bulletin_text::{Block, BulletinDoc};
use crate::domain::period::Frequency;
use crate::domain::words::date_zh;

/// What a notice says.
#[derive(Debug, Clone, PartialEq)]
pub struct NoticeFacts {
    /// The item's number (督〔2021〕12号), or none for a plan's task.
    pub number: Option<String>,
    pub office: String,
    /// The unit the notice goes to, and its role ("lead" or "co").
    pub unit: String,
    pub role: String,
    pub title: String,
    /// "领导批示 · 区长批示（…）", or the plan's title for a plan's task.
    pub source: String,
    pub content: String,
    pub required_result: Option<String>,
    pub deadline: Option<Date>,
    /// A granted extension's date, shown beside the original.
    pub extended_to: Option<Date>,
    pub sign_by: Option<Date>,
    /// How often the unit reports (the task's own rhythm, else the office's)
    /// and the working days after each period it has to report.
    pub report: (Frequency, i32),
    /// Every unit of the task with its role, lead units first.
    pub units: Vec<(String, String)>,
    pub assigned_on: Date,
}

fn role_zh(role: &str) -> &'static str {
    if role == "lead" { "牵头" } else { "配合" }
}

/// The notice as a document.
pub fn document(f: &NoticeFacts) -> BulletinDoc {
    let mut fields = Vec::new();
    if let Some(number) = &f.number {
        fields.push(("编号".to_string(), number.clone()));
    }
    fields.push(("事项名称".to_string(), f.title.clone()));
    fields.push(("来源".to_string(), f.source.clone()));
    fields.push(("督办内容".to_string(), f.content.clone()));
    if let Some(required) = &f.required_result {
        fields.push(("办理要求".to_string(), required.clone()));
    }
    let units = |role: &str| {
        f.units
            .iter()
            .filter(|(_, r)| r == role)
            .map(|(u, _)| u.as_str())
            .collect::<Vec<_>>()
            .join("、")
    };
    fields.push(("牵头单位".to_string(), units("lead")));
    let co = units("co");
    if !co.is_empty() {
        fields.push(("配合单位".to_string(), co));
    }
    let deadline = match (f.deadline, f.extended_to) {
        (Some(original), Some(extended)) => format!(
            "{}（经批准延期，原时限{}）",
            date_zh(extended),
            date_zh(original)
        ),
        (Some(original), None) => date_zh(original),
        (None, Some(extended)) => date_zh(extended),
        (None, None) => "全年".to_string(),
    };
    fields.push(("办理时限".to_string(), deadline));
    if let Some(sign_by) = f.sign_by {
        fields.push(("签收时限".to_string(), date_zh(sign_by)));
    }
    let (rhythm, grace_days) = f.report;
    fields.push((
        "报送要求".to_string(),
        format!(
            "{}报送一次工作进展，每期结束后{grace_days}个工作日内报送",
            rhythm.zh()
        ),
    ));
    let sign = match f.sign_by {
        Some(day) => format!("请于{}前签收", date_zh(day)),
        None => "请及时签收".to_string(),
    };
    BulletinDoc {
        title: "督办事项交办单".to_string(),
        number: f.number.clone(),
        office: f.office.clone(),
        date: date_zh(f.assigned_on),
        blocks: vec![
            Block::Paragraph(format!("{}：", f.unit)),
            Block::Paragraph(format!(
                "现将下列事项交你单位{}办理。{}，细化措施，明确责任人和时间节点，按期报送进展；\
                 如不属于你单位职责，请在签收时限内说明理由退回。确需延期的，请在时限届满前提出申请。",
                role_zh(&f.role),
                sign
            )),
            Block::Fields(fields),
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts() -> NoticeFacts {
        let d = |t: &str| t.parse::<Date>().unwrap();
        NoticeFacts {
            number: Some("督〔2021〕1号".into()),
            office: "区委督促检查工作领导小组办公室".into(),
            unit: "区建设管理委".into(),
            role: "co".into(),
            title: "虹桥路积水点专项整治".into(),
            source: "领导批示 · 区长批示".into(),
            content: "对虹桥路沿线积水点开展专项排查。".into(),
            required_result: Some("积水点整改完毕".into()),
            deadline: Some(d("2021-07-05")),
            extended_to: Some(d("2021-07-31")),
            sign_by: Some(d("2021-06-18")),
            report: (Frequency::Weekly, 5),
            units: vec![
                ("区房管局".into(), "lead".into()),
                ("区建设管理委".into(), "co".into()),
            ],
            assigned_on: d("2021-06-15"),
        }
    }

    #[test]
    fn the_notice_names_the_unit_its_role_and_every_date() {
        let doc = document(&facts());
        assert_eq!(doc.number.as_deref(), Some("督〔2021〕1号"));
        assert_eq!(doc.date, "2021年6月15日");
        assert_eq!(doc.blocks[0], Block::Paragraph("区建设管理委：".into()));
        let Block::Paragraph(ask) = &doc.blocks[1] else {
            panic!("the request comes second")
        };
        assert!(ask.contains("交你单位配合办理"), "{ask}");
        assert!(ask.contains("请于2021年6月18日前签收"), "{ask}");
        let Block::Fields(fields) = &doc.blocks[2] else {
            panic!("the fields come third")
        };
        let value = |label: &str| {
            fields
                .iter()
                .find(|(l, _)| l == label)
                .map(|(_, v)| v.as_str())
                .unwrap_or_else(|| panic!("no {label}"))
        };
        assert_eq!(value("牵头单位"), "区房管局");
        assert_eq!(value("配合单位"), "区建设管理委");
        assert_eq!(
            value("办理时限"),
            "2021年7月31日（经批准延期，原时限2021年7月5日）"
        );
        assert_eq!(
            value("报送要求"),
            "每周报送一次工作进展，每期结束后5个工作日内报送"
        );
        let bytes = super::super::bulletin_docx::write(&doc).unwrap();
        assert_eq!(&bytes[..2], b"PK");
    }
}
