//! The bulletin's wording (督查通报): the facts of `service::bulletin` said
//! as an office writes them, section by section, as a list of blocks that the
//! .docx writer and the HTML page both lay out, so the two never differ.

use super::bulletin_words::{action_zh, reason};
use crate::domain::bulletin_period::date_zh;
use crate::domain::light::Pace;
use crate::service::bulletin::Bulletin;
use crate::service::cockpit::LightCounts;

/// The bulletin as a document.
#[derive(Debug, Clone, PartialEq)]
pub struct BulletinDoc {
    pub title: String,
    /// 文号, when one is given.
    pub number: Option<String>,
    pub office: String,
    /// The date line at the end: 2021年7月8日.
    pub date: String,
    pub blocks: Vec<Block>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// 一、总体情况 (黑体).
    Heading(String),
    /// （一）… (楷体).
    Subheading(String),
    Paragraph(String),
    /// A bordered table: column widths in relative parts, a header row, rows.
    Table {
        widths: Vec<u32>,
        header: Vec<String>,
        rows: Vec<Vec<String>>,
    },
    /// A form's fields: a bordered two-column table, label (黑体) and value
    /// (仿宋, left-aligned, as long as it needs), as on a 交办单.
    Fields(Vec<(String, String)>),
}

const ORDINALS: [&str; 10] = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];

fn ordinal(i: usize) -> String {
    match i {
        0..10 => ORDINALS[i].to_string(),
        10..20 => format!("十{}", ORDINALS.get(i - 10).copied().unwrap_or("")),
        _ => (i + 1).to_string(),
    }
}

fn table(widths: &[u32], header: &[&str], rows: Vec<Vec<String>>) -> Block {
    Block::Table {
        widths: widths.to_vec(),
        header: header.iter().map(|h| h.to_string()).collect(),
        rows,
    }
}

pub use crate::domain::words::figure;

fn percent(part: i64, whole: i64) -> i64 {
    if whole == 0 {
        0
    } else {
        (part * 100 + whole / 2) / whole
    }
}

fn lights(c: &LightCounts) -> String {
    format!(
        "滞后（红灯）{}项、预警（黄灯）{}项、正常推进（绿灯）{}项、已办结{}项",
        c.red, c.yellow, c.green, c.done
    )
}

pub fn document(b: &Bulletin) -> BulletinDoc {
    let label = b.period.label_zh();
    let as_of = date_zh(b.as_of);
    let mut blocks = vec![Block::Paragraph(format!(
        "现将{}各项重点任务{label}推进情况通报如下（亮灯情况截至{as_of}）。",
        b.plan_title
    ))];

    blocks.push(Block::Heading("一、总体情况".into()));
    if b.tasks.total() == 0 {
        blocks.push(Block::Paragraph("本计划暂无重点任务。".into()));
    } else {
        blocks.push(Block::Paragraph(format!(
            "截至{as_of}，共有重点任务{}项、责任分解{}项。按任务计，{}，办结率{}%；按责任分解计，{}。",
            b.tasks.total(),
            b.assignments.total(),
            lights(&b.tasks),
            percent(b.tasks.done, b.tasks.total()),
            lights(&b.assignments),
        )));
    }
    let r = &b.reports;
    blocks.push(Block::Paragraph(if r.submitted == 0 {
        format!("{label}内未收到进展报告；截至{as_of}，累计漏报{}期次。", r.missed)
    } else {
        format!(
            "{label}内共收到进展报告{}份，其中按时报送{}份、逾期报送{}份，按时报送率{}%；截至{as_of}，累计漏报{}期次。",
            r.submitted,
            r.on_time,
            r.late,
            percent(r.on_time, r.submitted),
            r.missed
        )
    }));

    blocks.push(Block::Heading("二、各类别推进情况".into()));
    if b.categories.is_empty() {
        blocks.push(Block::Paragraph("本计划未分类别。".into()));
    } else {
        let rows = b
            .categories
            .iter()
            .map(|c| {
                let t = &c.tasks;
                vec![
                    format!("{}、{}", c.ordinal, c.title),
                    t.total().to_string(),
                    t.red.to_string(),
                    t.yellow.to_string(),
                    t.green.to_string(),
                    t.done.to_string(),
                ]
            })
            .collect();
        blocks.push(table(
            &[8, 2, 2, 2, 2, 2],
            &["类别", "任务数", "滞后", "预警", "正常推进", "已办结"],
            rows,
        ));
    }

    blocks.push(Block::Heading("三、滞后任务".into()));
    if b.red_tasks.is_empty() {
        blocks.push(Block::Paragraph(format!("截至{as_of}，无滞后任务。")));
    }
    for (i, task) in b.red_tasks.iter().enumerate() {
        blocks.push(Block::Subheading(format!(
            "（{}）{} {}",
            ordinal(i),
            task.number,
            task.title
        )));
        let co = if task.co.is_empty() {
            String::new()
        } else {
            format!("；责任单位：{}", task.co.join("、"))
        };
        let lead = if task.lead.is_empty() {
            "无".to_string()
        } else {
            task.lead.join("、")
        };
        blocks.push(Block::Paragraph(format!("牵头单位：{lead}{co}。")));
        let why: Vec<String> = task.reasons.iter().map(reason).collect();
        blocks.push(Block::Paragraph(format!("滞后原因：{}。", why.join("；"))));
    }

    blocks.push(Block::Heading("四、单位推进情况".into()));
    if b.units.is_empty() {
        blocks.push(Block::Paragraph("本计划暂无责任单位。".into()));
    } else {
        blocks.push(Block::Paragraph(format!(
            "截至{as_of}，各责任单位推进情况如下（按年度考核综合得分排名，尚无可计分记录的单位列后）："
        )));
        let rows = b
            .units
            .iter()
            .map(|u| {
                let f = &u.figures;
                vec![
                    u.rank.map_or_else(|| "—".into(), |r| r.to_string()),
                    f.name.clone(),
                    u.score.map_or_else(|| "—".into(), |s| format!("{s:.2}")),
                    f.assignments().to_string(),
                    u.red.to_string(),
                    u.yellow.to_string(),
                    f.overdue_measures.to_string(),
                    f.missed_reports.to_string(),
                    f.open_findings.to_string(),
                    format!("{}%", f.completion_percent()),
                ]
            })
            .collect();
        blocks.push(table(
            &[2, 6, 2, 2, 2, 2, 2, 2, 2, 2],
            &[
                "名次",
                "单位",
                "考核得分",
                "承担任务",
                "滞后",
                "预警",
                "逾期措施",
                "漏报",
                "未销号问题",
                "办结率",
            ],
            rows,
        ));
    }

    blocks.push(Block::Heading("五、督查发现问题及整改".into()));
    let raised: i64 = b.findings.iter().map(|f| f.raised).sum();
    let closed: i64 = b.findings.iter().map(|f| f.closed).sum();
    let by = |pick: fn(&crate::service::bulletin::FindingFigures) -> i64| {
        b.findings
            .iter()
            .map(|f| format!("{}{}个", action_zh(f.action), pick(f)))
            .collect::<Vec<_>>()
            .join("、")
    };
    if raised == 0 && closed == 0 {
        blocks.push(Block::Paragraph(format!(
            "{label}内未新发现问题，亦无问题整改销号。"
        )));
    } else {
        blocks.push(Block::Paragraph(format!(
            "{label}内督查发现问题{raised}个（{}），整改销号{closed}个（{}）。",
            by(|f| f.raised),
            by(|f| f.closed)
        )));
        let rows = b
            .findings
            .iter()
            .map(|f| {
                vec![
                    action_zh(f.action).to_string(),
                    f.raised.to_string(),
                    f.closed.to_string(),
                ]
            })
            .collect();
        blocks.push(table(&[4, 3, 3], &["督办方式", "新发现", "销号"], rows));
    }

    blocks.push(Block::Heading("六、量化目标完成情况".into()));
    if b.targets.is_empty() {
        blocks.push(Block::Paragraph("本计划无量化目标。".into()));
    } else {
        let on = date_zh(b.targets_on);
        blocks.push(Block::Paragraph(format!(
            "各量化目标最新实绩与{on}序时计划对照如下："
        )));
        let rows = b
            .targets
            .iter()
            .map(|t| {
                let unit = t.unit.clone().unwrap_or_default();
                let op = match t.op.as_str() {
                    ">=" => "≥",
                    "<=" => "≤",
                    _ => "",
                };
                vec![
                    t.task_number.clone(),
                    t.metric.clone(),
                    format!("{op}{}{unit}", figure(t.value)),
                    t.actual
                        .map_or_else(|| "未报".to_string(), |a| format!("{}{unit}", figure(a))),
                    t.expected
                        .map_or_else(|| "—".to_string(), |e| format!("{}{unit}", figure(e))),
                    match t.pace {
                        Some(Pace::Ahead) => "超前",
                        Some(Pace::OnTrack) => "正常",
                        Some(Pace::Behind) => "滞后",
                        None => "—",
                    }
                    .to_string(),
                ]
            })
            .collect();
        blocks.push(table(
            &[2, 6, 3, 3, 3, 2],
            &["任务", "指标", "目标值", "最新实绩", "序时计划", "状态"],
            rows,
        ));
    }

    if let Some(items) = &b.items {
        blocks.push(Block::Heading("七、督办事项办理情况".into()));
        blocks.push(Block::Paragraph(format!(
            "{}共交办督办事项{}项（{label}新立项{}项），其中按期办结{}项、逾期办结{}项、逾期未办结{}项、正在办理{}项。",
            items.register_title,
            items.total,
            items.opened_in_period,
            items.on_time,
            items.late,
            items.not_completed,
            items.running
        )));
        let rows = items
            .lines
            .iter()
            .map(|i| {
                vec![
                    i.number.clone(),
                    i.title.clone(),
                    i.source.to_string(),
                    i.lead.join("、"),
                    i.deadline.clone(),
                    match i.result {
                        "on_time" => "按期办结",
                        "late" => "逾期办结",
                        "not_completed" => "逾期未办结",
                        _ => "正在办理",
                    }
                    .to_string(),
                ]
            })
            .collect();
        blocks.push(table(
            &[3, 6, 2, 3, 2, 2],
            &[
                "编号",
                "督办事项",
                "来源",
                "牵头单位",
                "办理时限",
                "办理情况",
            ],
            rows,
        ));
    }

    BulletinDoc {
        title: format!("关于{label}重点任务推进情况的督查通报"),
        number: b.number.clone(),
        office: b.office.clone(),
        date: as_of,
        blocks,
    }
}
