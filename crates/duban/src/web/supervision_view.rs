//! The evaluation part of the office's assignment page: each dimension with
//! its weight, the score typed, and the record-derived indicators beside it;
//! and the evaluations already given, with their weighted totals.

use super::form::FieldErrors;
use super::i18n::Lang;
use super::supervision_assignment::EvalForm;
use super::view::figure;
use crate::domain::indicators::Ratio;
use crate::service::supervision_board::AssignmentView;

/// One of the four dimensions as the form shows it.
pub struct Dimension {
    /// The form field: completion, innovation, effect, attitude.
    pub key: &'static str,
    pub name: &'static str,
    pub weight: f64,
    pub value: String,
    pub error: Option<String>,
    /// (what, figure) beside the score.
    pub indicators: Vec<(String, String)>,
}

/// "done/of（pct%）", or a dash when nothing was owed.
fn ratio(lang: Lang, r: Ratio) -> String {
    match r.percent() {
        Some(pct) => format!("{}/{}（{pct}%）", r.done, r.of),
        None => format!("0/0（{}）", lang.t("尚无应办", "none due")),
    }
}

pub fn dimensions(
    lang: Lang,
    v: &AssignmentView,
    form: &EvalForm,
    errors: &FieldErrors,
) -> Vec<Dimension> {
    let i = &v.indicators;
    let w = &v.weights;
    let t = |zh: &str, en: &str| lang.t(zh, en).to_string();
    // An indicator's name beside its ratio.
    let rated = |zh: &str, en: &str, r| (t(zh, en), ratio(lang, r));
    let measures = rated(
        "细化措施按期完成",
        "Measures done on time",
        i.measures_on_time,
    );
    let targets = rated("量化目标达成", "Targets reached", i.targets_reached);
    let mut effect = vec![targets.clone()];
    for target in &i.targets {
        let unit = target.unit.clone().unwrap_or_default();
        let actual = target
            .actual
            .map(|a| format!("{}{unit}", figure(a)))
            .unwrap_or_else(|| t("未报", "not reported"));
        let mark = if target.reached() { " ✓" } else { "" };
        effect.push((
            target.metric.clone(),
            format!("{actual} / {}{unit}{mark}", figure(target.value)),
        ));
    }
    let closed = rated(
        "整改已销号",
        "Rectifications closed",
        i.rectifications_closed,
    );
    let closed_on_time = rated(
        "其中按期整改",
        "of which answered in time",
        i.rectifications_closed_on_time,
    );
    let reports = rated("进展按期报送", "Reports on time", i.reports_on_time);
    let counts = (
        t("细化措施 / 进展报告", "Measures / reports"),
        format!("{} / {}", v.measures.len(), v.reports.len()),
    );
    let one = |key: &'static str, name: &'static str, weight: f64, value: &str, shown| Dimension {
        key,
        name,
        weight,
        value: value.to_string(),
        error: errors.get(key).map(str::to_string),
        indicators: shown,
    };
    vec![
        one(
            "completion",
            lang.t("完成情况", "Completion"),
            w.completion,
            &form.completion,
            vec![measures, targets],
        ),
        one(
            "innovation",
            lang.t("方法创新", "Innovation"),
            w.innovation,
            &form.innovation,
            vec![
                counts,
                (
                    t("说明", "Note"),
                    t(
                        "无可自动计算的指标，请结合措施与报告评定",
                        "No figure derives from the record; judge from the measures and reports",
                    ),
                ),
            ],
        ),
        one(
            "effect",
            lang.t("实际效果", "Effect"),
            w.effect,
            &form.effect,
            effect,
        ),
        one(
            "attitude",
            lang.t("工作状态", "Attitude"),
            w.attitude,
            &form.attitude,
            vec![reports, closed, closed_on_time],
        ),
    ]
}

/// An evaluation as the list shows it.
pub struct EvaluationLine {
    pub round: String,
    pub body: String,
    pub evaluator: String,
    pub scores: [String; 4],
    pub weighted: String,
    pub weights: String,
    pub comment: String,
}

pub fn evaluation_lines(v: &AssignmentView) -> Vec<EvaluationLine> {
    v.evaluations
        .iter()
        .map(|e| {
            let body = v
                .body_names
                .iter()
                .find(|(id, _)| *id == e.body_id)
                .map(|(_, n)| n.clone())
                .unwrap_or_default();
            let weights = serde_json::from_str::<crate::domain::evaluation::Weights>(&e.weights)
                .map(|w| {
                    format!(
                        "{}/{}/{}/{}",
                        figure(w.completion),
                        figure(w.innovation),
                        figure(w.effect),
                        figure(w.attitude)
                    )
                })
                .unwrap_or_default();
            EvaluationLine {
                round: e.round.clone(),
                body,
                evaluator: e
                    .evaluator
                    .strip_prefix("user:")
                    .unwrap_or(&e.evaluator)
                    .to_string(),
                scores: e.scores.map(figure),
                weighted: format!("{:.2}", e.weighted),
                weights,
                comment: e.comment.clone(),
            }
        })
        .collect()
}
