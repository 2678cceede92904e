//! Charts as SVG drawn on the server: the geometry of stacked light bars and
//! target progress bars, computed here and written out by the templates with
//! presentation attributes only (no inline styles, no script), each shape
//! carrying a `<title>` for screen readers and hover.

use crate::domain::light::{Light, Pace};

/// The fill of each light: the stylesheet's colours, as attributes so that
/// charts keep them in print.
pub fn light_fill(light: Light) -> &'static str {
    match light {
        Light::Green => "#2e7d32",
        Light::Yellow => "#f2a900",
        Light::Red => "#c62828",
        Light::Done => "#78909c",
    }
}

/// Where a coordinate is written: one decimal is plenty.
fn at(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// One part of a stacked bar: a link to the rows it counts.
pub struct Segment {
    pub x: f64,
    pub width: f64,
    pub fill: &'static str,
    pub count: i64,
    /// Its `<title>`: what it counts, in words.
    pub label: String,
    pub href: String,
    /// The middle, for its count; `show_count` when the part is wide enough.
    pub text_x: f64,
    pub show_count: bool,
}

/// A horizontal bar split by light.
pub struct StackedBar {
    pub width: f64,
    pub height: f64,
    pub title: String,
    pub segments: Vec<Segment>,
}

/// One part as given: its light, count, words and link.
pub struct Part {
    pub light: Light,
    pub count: i64,
    pub label: String,
    pub href: String,
}

/// A bar `width` wide whose parts take their share of the sum; parts that
/// count nothing are left out. An empty bar has no parts (the track shows).
pub fn stacked_bar(title: String, parts: Vec<Part>, width: f64, height: f64) -> StackedBar {
    let total: i64 = parts.iter().map(|p| p.count).sum();
    let mut x = 0.0;
    let mut segments = Vec::new();
    for part in parts.into_iter().filter(|p| p.count > 0) {
        let share = width * part.count as f64 / total as f64;
        segments.push(Segment {
            x: at(x),
            width: at(share),
            fill: light_fill(part.light),
            count: part.count,
            label: part.label,
            href: part.href,
            text_x: at(x + share / 2.0),
            show_count: share >= 18.0,
        });
        x += share;
    }
    StackedBar {
        width,
        height,
        title,
        segments,
    }
}

/// A target's progress: the actual filled in, the trajectory marked.
pub struct ProgressBar {
    pub width: f64,
    pub height: f64,
    pub title: String,
    /// The filled part; 0 while there is no figure.
    pub filled: f64,
    pub fill: &'static str,
    /// Where the value itself sits (the end of the bar unless the actual
    /// passed it).
    pub goal_x: f64,
    /// The trajectory marker, with its `<title>`.
    pub marker: Option<(f64, String)>,
}

/// The bar is scaled to the larger of value and actual, so a target passed
/// shows as passed.
pub fn progress_bar(
    title: String,
    value: f64,
    actual: Option<f64>,
    expected: Option<(f64, String)>,
    pace: Option<Pace>,
    width: f64,
) -> ProgressBar {
    let scale = value.max(actual.unwrap_or(0.0)).max(f64::MIN_POSITIVE);
    let x_of = |figure: f64| at(width * (figure / scale).clamp(0.0, 1.0));
    ProgressBar {
        width,
        height: 20.0,
        title,
        filled: actual.map_or(0.0, x_of),
        // Behind the trajectory is the rule's yellow; otherwise green.
        fill: match pace {
            Some(Pace::Behind) => light_fill(Light::Yellow),
            Some(_) => light_fill(Light::Green),
            None => "#1d4f91",
        },
        goal_x: x_of(value),
        marker: expected.map(|(figure, label)| (x_of(figure), label)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn part(light: Light, count: i64) -> Part {
        Part {
            light,
            count,
            label: String::new(),
            href: String::new(),
        }
    }

    #[test]
    fn a_stacked_bar_shares_its_width_and_skips_empty_parts() {
        let bar = stacked_bar(
            "t".into(),
            vec![
                part(Light::Red, 1),
                part(Light::Yellow, 0),
                part(Light::Green, 3),
            ],
            400.0,
            20.0,
        );
        assert_eq!(bar.segments.len(), 2);
        assert_eq!((bar.segments[0].x, bar.segments[0].width), (0.0, 100.0));
        assert_eq!((bar.segments[1].x, bar.segments[1].width), (100.0, 300.0));
        assert_eq!(bar.segments[1].fill, "#2e7d32");
        assert!(
            stacked_bar("t".into(), vec![part(Light::Red, 0)], 400.0, 20.0)
                .segments
                .is_empty()
        );
    }

    #[test]
    fn a_progress_bar_marks_the_trajectory_and_shows_a_target_passed() {
        let bar = progress_bar(
            "t".into(),
            185.0,
            Some(37.0),
            Some((92.5, "m".into())),
            Some(Pace::Behind),
            370.0,
        );
        assert_eq!((bar.filled, bar.goal_x), (74.0, 370.0));
        assert_eq!(bar.marker.as_ref().map(|m| m.0), Some(185.0));
        assert_eq!(bar.fill, "#f2a900");
        let passed = progress_bar("t".into(), 100.0, Some(200.0), None, None, 400.0);
        assert_eq!((passed.filled, passed.goal_x), (400.0, 200.0));
    }
}
