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
