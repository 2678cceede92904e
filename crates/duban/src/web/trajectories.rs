//! The task page's targets card: each quantitative target with its status
//! word (超前/正常/滞后), its figures and its chart over the year, and for the
//! office a form to set its milestones (节点目标), posted here.

use axum::Router;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use serde::Deserialize;

use super::error::WebError;
use super::i18n::Lang;
use super::page::Posted;
use super::tasks::{Drafts, again};
use super::trajectory_chart::{TrajectoryChart, trajectory_chart};
use super::view::figure;
use crate::app::AppState;
use crate::domain::trajectory::{Direction, Pace};
use crate::service::trajectories::{TaskTargets, set_milestones};

pub fn router() -> Router<AppState> {
    Router::new().route("/targets/{id}/milestones", post(set))
}

/// One target as the card shows it.
pub struct TargetCard {
    pub id: i64,
    /// "既有多层住宅加装电梯新开工 ≥ 185 台".
    pub text: String,
    /// ahead, on_track, behind; empty without a figure or a trajectory.
    pub status: &'static str,
    /// 超前, 正常, 滞后.
    pub status_word: &'static str,
    /// The same in full (落后于序时进度), for its title.
    pub status_title: &'static str,
    pub actual: String,
    /// What the trajectory plans by today; empty without one.
    pub planned: String,
    /// 按月平均 / 按节点目标 / 控制上限.
    pub basis: &'static str,
    /// The milestones as the form shows them, one a line.
    pub milestones: String,
    /// The office may set milestones on it (a figure to reach).
    pub settable: bool,
    pub chart: Option<TrajectoryChart>,
}

/// The word for a status, short as a badge.
fn word(lang: Lang, status: Pace) -> &'static str {
    match status {
        Pace::Ahead => lang.t("超前", "Ahead"),
        Pace::OnTrack => lang.t("正常", "On track"),
        Pace::Behind => lang.t("滞后", "Behind"),
    }
}

/// The cards of a task's targets; the milestone form of a failed post
/// keeps what was typed (target id, text).
pub(super) fn cards(
    found: &TaskTargets,
    lang: Lang,
    typed: Option<&(i64, String)>,
) -> Vec<TargetCard> {
    let lines = super::view::targets(
        &found
            .targets
            .iter()
            .map(|t| t.target.clone())
            .collect::<Vec<_>>(),
        lang,
    );
    found
        .targets
        .iter()
        .zip(lines)
        .map(|(track, line)| {
            let unit = line.unit.clone();
            let with_unit = move |x: f64| format!("{} {unit}", figure(x)).trim_end().to_string();
            let trajectory = track.trajectory.as_ref();
            let typed = typed
                .filter(|(id, _)| *id == line.id)
                .map(|(_, text)| text.clone());
            let stored = trajectory
                .map(|t| {
                    t.milestones()
                        .iter()
                        .map(|m| format!("{} {}\n", m.due_on, figure(m.value)))
                        .collect()
                })
                .unwrap_or_default();
            let ceiling = trajectory.is_some_and(|t| t.direction() == Direction::Ceiling);
            TargetCard {
                id: line.id,
                text: line.text.clone(),
                status: track.status.map_or("", Pace::as_str),
                status_word: track.status.map_or("", |s| word(lang, s)),
                status_title: track.status.map_or("", |s| lang.pace(s.as_str())),
                actual: track.actual.map_or_else(|| "—".to_string(), &with_unit),
                planned: trajectory
                    .filter(|_| !ceiling)
                    .map(|t| with_unit(t.planned_at(found.today)))
                    .unwrap_or_default(),
                basis: match trajectory {
                    None => "",
                    Some(_) if ceiling => {
                        lang.t("控制上限，超出即滞后", "a ceiling: behind once above it")
                    }
                    Some(t) if t.milestones().is_empty() => lang.t("按月平均", "pro rata by month"),
                    Some(_) => lang.t("按节点目标", "by milestones"),
                },
                milestones: typed.unwrap_or(stored),
                settable: trajectory.is_some() && !ceiling,
                chart: trajectory.map(|t| {
                    trajectory_chart(
                        line.id,
                        t,
                        &track.actuals,
                        found.today,
                        track.status,
                        lang,
                        &with_unit,
                    )
                }),
            }
        })
        .collect()
}

#[derive(Deserialize)]
struct MilestonesForm {
    task_id: i64,
    milestones: String,
}

async fn set(
    State(state): State<AppState>,
    Path(target_id): Path<i64>,
    Posted(page, form): Posted<MilestonesForm>,
) -> Result<Response, WebError> {
    match set_milestones(
        &state.db,
        state.clock.as_ref(),
        &page.actor,
        target_id,
        &form.milestones,
    )
    .await
    {
        Ok(_) => Ok(
            Redirect::to(&format!("/tasks/{}#target-{target_id}", form.task_id)).into_response(),
        ),
        Err(error) => {
            let drafts = Drafts::milestones(target_id, form.milestones);
            again(&state, &page, form.task_id, error, drafts).await
        }
    }
}

/// A milestone refused (`domain::milestones::MilestoneError`), in Chinese:
/// "line 2: 2022-03-31 is outside the plan year 2021" → "第2行：2022-03-31
/// 不在计划年度 2021 年内". A message not listed here is shown as it is.
pub(super) fn milestone_message(message: &str) -> String {
    let (place, rest) = match message
        .strip_prefix("line ")
        .and_then(|m| m.split_once(": "))
    {
        Some((line, rest)) => (format!("第{line}行："), rest),
        None => (String::new(), message),
    };
    let words: Vec<&str> = rest.split_whitespace().collect();
    let said = if rest.starts_with("write a date and a figure") {
        "请写日期和累计数，中间空格，如 2021-06-30 80".to_string()
    } else if rest == "a figure is not negative" {
        "累计数不能为负".to_string()
    } else if rest.contains("is outside the plan year") {
        format!(
            "{} 不在计划年度（{}年）内",
            words[0],
            words.last().copied().unwrap_or_default()
        )
    } else if rest.ends_with("is given twice") {
        format!("{} 重复", words[0])
    } else if rest.contains("planned by an earlier date") {
        format!(
            "累计数 {} 小于更早节点的 {}，累计数不能减少",
            words[0],
            words.get(4).map_or("", |w| w.trim_end_matches(','))
        )
    } else if rest.contains("is more than the target") {
        format!(
            "{} 超过全年目标 {}",
            words[0],
            words.last().copied().unwrap_or_default()
        )
    } else if rest.starts_with("by December 31") {
        format!(
            "12月31日的节点应等于全年目标 {}",
            words.last().copied().unwrap_or_default()
        )
    } else if rest.starts_with("a ceiling") {
        "“不超过”类指标全年不得超出，不设节点目标".to_string()
    } else if rest.starts_with("this target has no figure") {
        "该指标没有需达到的数值，不设节点目标".to_string()
    } else if rest.starts_with("at most") {
        "节点目标最多 24 个".to_string()
    } else {
        rest.to_string()
    };
    format!("{place}{said}")
}

#[cfg(test)]
mod tests {
    use super::super::i18n::field_message;
    use super::*;

    #[test]
    fn refused_milestones_read_in_chinese_with_their_line() {
        assert_eq!(
            field_message(
                Lang::Zh,
                "milestones",
                "line 2: 2022-03-31 is outside the plan year 2021"
            ),
            "第2行：2022-03-31 不在计划年度（2021年）内"
        );
        assert_eq!(
            field_message(
                Lang::Zh,
                "milestones",
                "line 3: 60 is less than 80, planned by an earlier date"
            ),
            "第3行：累计数 60 小于更早节点的 80，累计数不能减少"
        );
        assert_eq!(
            field_message(Lang::En, "milestones", "line 1: a figure is not negative"),
            "line 1: a figure is not negative"
        );
        assert_eq!(
            milestone_message(
                "a ceiling (≤) is not to be crossed all year: it takes no milestones"
            ),
            "“不超过”类指标全年不得超出，不设节点目标"
        );
    }
}
