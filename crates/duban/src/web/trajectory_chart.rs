//! A target's chart over its plan year, as SVG drawn on the server (the
//! habits of `charts.rs`: geometry here, presentation attributes in the
//! template, a `<title>` on each mark, no script): the planned line (pro rata
//! by month, or through the office's milestones), the actual period by
//! period, the value as a dashed line, and today.

use jiff::civil::Date;

use super::charts::light_fill;
use super::i18n::Lang;
use crate::domain::light::{Light, Pace};
use crate::domain::trajectory::{Direction, Trajectory, days_in_year};

const WIDTH: f64 = 600.0;
const HEIGHT: f64 = 230.0;
const LEFT: f64 = 56.0;
const RIGHT: f64 = 588.0;
const TOP: f64 = 14.0;
const BOTTOM: f64 = 200.0;

/// Where a coordinate is written: one decimal is plenty.
fn at(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// A mark with its `<title>`.
pub struct Dot {
    pub x: f64,
    pub y: f64,
    pub label: String,
}

pub struct TrajectoryChart {
    pub target_id: i64,
    pub width: f64,
    pub height: f64,
    pub title: String,
    pub left: f64,
    pub right: f64,
    pub top: f64,
    pub bottom: f64,
    /// The planned line's path data.
    pub planned: String,
    pub planned_label: String,
    pub goal_y: f64,
    pub goal_label: String,
    /// The actual's path data; empty before the first figure.
    pub actual: String,
    pub points: Vec<Dot>,
    /// Diamonds on the planned line.
    pub milestones: Vec<Dot>,
    pub today: Option<Dot>,
    /// The word over today's line.
    pub today_word: &'static str,
    /// Where each month begins after January, ticked on the axis.
    pub ticks: Vec<f64>,
    /// Month labels along the bottom: (x, label).
    pub months: Vec<(f64, String)>,
    /// Figures up the side, each with a grid line: (y, label).
    pub grid: Vec<(f64, String)>,
    /// The actual's colour: the light the status leads to.
    pub fill: &'static str,
}

/// Step between grid lines: 1, 2, 2.5 or 5 × a power of ten, four or five lines.
fn step_for(max: f64) -> f64 {
    let raw = (max / 4.0).max(f64::MIN_POSITIVE);
    let magnitude = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 2.5, 5.0, 10.0]
        .into_iter()
        .map(|m| m * magnitude)
        .find(|&step| step >= raw)
        .unwrap_or(10.0 * magnitude)
}

/// The chart of `trajectory` with `actuals` (period end, actual), on `today`.
/// `figure` writes a figure with its unit ("185 台").
pub fn trajectory_chart(
    target_id: i64,
    trajectory: &Trajectory,
    actuals: &[(Date, f64)],
    today: Date,
    status: Option<Pace>,
    lang: Lang,
    figure: &dyn Fn(f64) -> String,
) -> TrajectoryChart {
    let year = trajectory.year();
    let days = f64::from(days_in_year(year));
    let actuals: Vec<(Date, f64)> = actuals
        .iter()
        .copied()
        .filter(|(day, _)| day.year() == year)
        .collect();
    let highest = actuals
        .iter()
        .map(|&(_, a)| a)
        .fold(trajectory.value(), f64::max);
    let step = step_for(highest * 1.05);
    let top_figure = (highest * 1.05 / step).ceil().max(1.0) * step;
    let x_of = |t: f64| at(LEFT + (RIGHT - LEFT) * t / days);
    let y_of = |v: f64| at(BOTTOM - (BOTTOM - TOP) * (v / top_figure).clamp(0.0, 1.0));
    let day_x = |day: Date| x_of(f64::from(day.day_of_year()));
    let path = |points: &[(f64, f64)]| {
        points
            .iter()
            .enumerate()
            .map(|(i, (x, y))| format!("{}{x} {y}", if i == 0 { "M" } else { " L" }))
            .collect::<String>()
    };

    let planned: Vec<(f64, f64)> = trajectory
        .corners()
        .into_iter()
        .map(|(t, v)| (x_of(t), y_of(v)))
        .collect();
    let ceiling = trajectory.direction() == Direction::Ceiling;
    let planned_label = match (ceiling, trajectory.milestones().is_empty()) {
        (true, _) => lang.t("控制上限", "Ceiling"),
        (false, true) => lang.t("序时进度（按月平均）", "Trajectory (pro rata by month)"),
        (false, false) => lang.t("序时进度（按节点目标）", "Trajectory (by milestones)"),
    };
    let points: Vec<Dot> = actuals
        .iter()
        .map(|&(day, actual)| Dot {
            x: day_x(day),
            y: y_of(actual),
            label: format!("{} {}{}", day, lang.t("实际 ", "actual "), figure(actual)),
        })
        .collect();
    let months = (1..=12_i8)
        .filter_map(|m| {
            let first = Date::new(year, m, 1).ok()?;
            let middle =
                f64::from(first.day_of_year()) - 1.0 + f64::from(first.days_in_month()) / 2.0;
            let label = match lang {
                Lang::Zh => format!("{m}月"),
                Lang::En => [
                    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
                    "Dec",
                ][usize::try_from(m - 1).ok()?]
                .to_string(),
            };
            Some((x_of(middle), label))
        })
        .collect();
    let lines = (top_figure / step).round() as i64;
    let grid = (0..=lines)
        .map(|i| {
            let v = step * i as f64;
            (y_of(v), super::view::figure(v))
        })
        .collect();
    TrajectoryChart {
        target_id,
        width: WIDTH,
        height: HEIGHT,
        title: format!(
            "{}{}{}",
            planned_label,
            lang.t("与实际完成", " against the actual, "),
            year
        ),
        left: LEFT,
        right: RIGHT,
        top: TOP,
        bottom: BOTTOM,
        planned: path(&planned),
        planned_label: planned_label.to_string(),
        goal_y: y_of(trajectory.value()),
        goal_label: format!(
            "{}{}",
            if ceiling {
                lang.t("上限 ", "ceiling ")
            } else {
                lang.t("全年目标 ", "the year's target ")
            },
            figure(trajectory.value())
        ),
        actual: path(&points.iter().map(|p| (p.x, p.y)).collect::<Vec<_>>()),
        milestones: trajectory
            .milestones()
            .iter()
            .map(|m| Dot {
                x: day_x(m.due_on),
                y: y_of(m.value),
                label: format!(
                    "{} {}{}",
                    m.due_on,
                    lang.t("节点目标 ", "milestone "),
                    figure(m.value)
                ),
            })
            .collect(),
        today: (today.year() == year).then(|| Dot {
            x: day_x(today),
            y: y_of(trajectory.planned_at(today)),
            label: format!(
                "{} {}{}",
                today,
                lang.t("今天，应完成 ", "today, planned "),
                figure(trajectory.planned_at(today))
            ),
        }),
        today_word: lang.t("今天", "today"),
        ticks: (2..=12_i8)
            .filter_map(|m| Date::new(year, m, 1).ok())
            .map(|first| x_of(f64::from(first.day_of_year()) - 1.0))
            .collect(),
        months,
        grid,
        fill: match status {
            Some(Pace::Behind) => light_fill(Light::Yellow),
            Some(_) => light_fill(Light::Green),
            None => "#1d4f91",
        },
        points,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> Date {
        text.parse().unwrap()
    }

    #[test]
    fn the_chart_spans_the_year_and_marks_today() {
        let t = Trajectory::pro_rata(2021, 180.0);
        let actuals = [(date("2021-06-30"), 60.0), (date("2022-01-31"), 1.0)];
        let figure = |x: f64| format!("{x} 台");
        let c = trajectory_chart(
            7,
            &t,
            &actuals,
            date("2021-07-02"),
            Some(Pace::Behind),
            Lang::Zh,
            &figure,
        );
        // 180 × 1.05 = 189: grid lines of 50 up to 200.
        assert_eq!(c.grid.len(), 5);
        assert_eq!(c.grid[4], (TOP, "200".to_string()));
        assert!(c.planned.starts_with(&format!("M{LEFT} {BOTTOM} L")));
        assert!(
            c.planned
                .ends_with(&format!("L{RIGHT} {}", at(BOTTOM - (BOTTOM - TOP) * 0.9)))
        );
        assert_eq!(c.points.len(), 1, "a figure of another year is not drawn");
        assert_eq!(c.fill, "#f2a900");
        assert_eq!(c.months.len(), 12);
        assert!(c.today.is_some());
        assert!(
            trajectory_chart(7, &t, &[], date("2022-02-01"), None, Lang::En, &figure)
                .today
                .is_none()
        );
        assert_eq!(step_for(4.2), 2.0);
        assert_eq!(step_for(1_050_000.0), 500_000.0);
    }
}
