//! The annual unit assessment (年度考核): per unit, the average of its
//! evaluations' weighted scores beside five rates computed from the record —
//! tasks claimed on time, measures done by their deadline, reports on time,
//! rectifications closed by their deadline, targets reached — weighted into
//! one total and ranked. Pure: the figures in, the ranking out.
//!
//! A component the unit has nothing for (no evaluation yet, no measure due)
//! neither helps nor hurts: the total is the weighted mean of the components
//! it has, so a unit is not ranked down for work it was never given.

use serde::{Deserialize, Serialize};

use super::indicators::Ratio;

/// How much each component weighs, in percent; they add up to 100.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssessmentWeights {
    /// 督查评价 (the four dimensions, already weighted per evaluation).
    pub evaluation: u32,
    /// 按时认领率
    pub claims: u32,
    /// 措施按期完成率
    pub measures: u32,
    /// 进展按时报送率
    pub reports: u32,
    /// 整改按期销号率
    pub rectifications: u32,
    /// 量化目标达成率
    pub targets: u32,
}

impl Default for AssessmentWeights {
    /// The evaluations half, the record's five rates the other half.
    fn default() -> AssessmentWeights {
        AssessmentWeights {
            evaluation: 50,
            claims: 10,
            measures: 10,
            reports: 10,
            rectifications: 10,
            targets: 10,
        }
    }
}

impl AssessmentWeights {
    /// Whole percents adding up to 100.
    pub fn check(&self) -> Result<(), String> {
        let sum: u32 = self.each().iter().sum();
        if sum != 100 {
            return Err(format!("the weights add up to {sum}, not 100"));
        }
        Ok(())
    }

    /// In the order of [`Figure::ALL`].
    pub fn each(&self) -> [u32; 6] {
        [
            self.evaluation,
            self.claims,
            self.measures,
            self.reports,
            self.rectifications,
            self.targets,
        ]
    }
}

/// The figures of the assessment, in the order they are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Figure {
    Evaluation,
    Claims,
    Measures,
    Reports,
    Rectifications,
    Targets,
}

impl Figure {
    pub const ALL: [Figure; 6] = [
        Figure::Evaluation,
        Figure::Claims,
        Figure::Measures,
        Figure::Reports,
        Figure::Rectifications,
        Figure::Targets,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Figure::Evaluation => "evaluation",
            Figure::Claims => "claims",
            Figure::Measures => "measures",
            Figure::Reports => "reports",
            Figure::Rectifications => "rectifications",
            Figure::Targets => "targets",
        }
    }
}

/// What one unit's record gives each component.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct UnitFigures {
    pub unit_id: i64,
    pub unit_name: String,
    /// The weighted score of each of its evaluations (0–100).
    pub evaluations: Vec<f64>,
    pub claims: Ratio,
    pub measures: Ratio,
    pub reports: Ratio,
    pub rectifications: Ratio,
    pub targets: Ratio,
}

impl UnitFigures {
    /// Each component's score out of 100, none where there is nothing to score.
    pub fn scores(&self) -> [Option<f64>; 6] {
        let rate = |r: &Ratio| (r.of > 0).then(|| r.done as f64 * 100.0 / r.of as f64);
        let evaluation = (!self.evaluations.is_empty())
            .then(|| self.evaluations.iter().sum::<f64>() / self.evaluations.len() as f64);
        [
            evaluation,
            rate(&self.claims),
            rate(&self.measures),
            rate(&self.reports),
            rate(&self.rectifications),
            rate(&self.targets),
        ]
    }
}

/// A unit's place in the assessment.
#[derive(Debug, Clone, PartialEq)]
pub struct Assessed {
    pub figures: UnitFigures,
    /// Each component out of 100, in the order of [`Figure::ALL`].
    pub scores: [Option<f64>; 6],
    /// The weighted mean of the components it has, rounded to two decimals.
    pub total: Option<f64>,
    /// 1 for the best; equal totals share a rank and the next rank skips
    /// (1, 2, 2, 4). None for a unit with nothing to score.
    pub rank: Option<usize>,
}

/// Scores and ranks the units: best first, ties by name.
pub fn assess(units: Vec<UnitFigures>, weights: &AssessmentWeights) -> Vec<Assessed> {
    let mut assessed: Vec<Assessed> = units
        .into_iter()
        .map(|figures| {
            let scores = figures.scores();
            let (mut sum, mut weight) = (0.0, 0.0);
            for (score, w) in scores.iter().zip(weights.each()) {
                if let Some(score) = score
                    && w > 0
                {
                    sum += score * f64::from(w);
                    weight += f64::from(w);
                }
            }
            let total = (weight > 0.0).then(|| (sum / weight * 100.0).round() / 100.0);
            Assessed {
                figures,
                scores,
                total,
                rank: None,
            }
        })
        .collect();
    assessed.sort_by(|a, b| {
        b.total
            .unwrap_or(f64::NEG_INFINITY)
            .total_cmp(&a.total.unwrap_or(f64::NEG_INFINITY))
            .then_with(|| a.figures.unit_name.cmp(&b.figures.unit_name))
    });
    let mut previous: Option<(f64, usize)> = None;
    for (index, a) in assessed.iter_mut().enumerate() {
        let Some(total) = a.total else { continue };
        let rank = match previous {
            Some((last, rank)) if last == total => rank,
            _ => index + 1,
        };
        a.rank = Some(rank);
        previous = Some((total, rank));
    }
    assessed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(name: &str, evaluations: &[f64], rates: [(usize, usize); 5]) -> UnitFigures {
        let r = |(done, of): (usize, usize)| Ratio { done, of };
        UnitFigures {
            unit_id: 0,
            unit_name: name.into(),
            evaluations: evaluations.to_vec(),
            claims: r(rates[0]),
            measures: r(rates[1]),
            reports: r(rates[2]),
            rectifications: r(rates[3]),
            targets: r(rates[4]),
        }
    }

    #[test]
    fn totals_weigh_what_a_unit_has_and_ties_share_a_rank() {
        let w = AssessmentWeights::default();
        let all = [(2, 2), (4, 4), (6, 6), (1, 1), (1, 1)];
        let units = vec![
            // 90 on evaluations, every rate 100: (90×50 + 100×50) / 100 = 95.
            unit("区房管局", &[80.0, 100.0], all),
            // The same record under another name: the same total, the same rank.
            unit("区民政局", &[90.0], all),
            // No evaluation and no rectification or target: the mean of what it
            // has, claims 50 % and measures 100 %, reports 0 of 2.
            unit("区科委", &[], [(1, 2), (3, 3), (0, 2), (0, 0), (0, 0)]),
            // Nothing at all to score: listed, not ranked.
            unit("区体育局", &[], [(0, 0); 5]),
            unit(
                "区财政局",
                &[60.0],
                [(1, 1), (1, 2), (2, 2), (0, 1), (0, 0)],
            ),
        ];
        let ranked = assess(units, &w);
        let got: Vec<(&str, Option<f64>, Option<usize>)> = ranked
            .iter()
            .map(|a| (a.figures.unit_name.as_str(), a.total, a.rank))
            .collect();
        assert_eq!(
            got,
            vec![
                ("区房管局", Some(95.0), Some(1)),
                ("区民政局", Some(95.0), Some(1)),
                // (60×50 + 100×10 + 50×10 + 100×10 + 0×10) / 90 = 61.11
                ("区财政局", Some(61.11), Some(3)),
                // (50×10 + 100×10 + 0×10) / 30 = 50
                ("区科委", Some(50.0), Some(4)),
                ("区体育局", None, None),
            ]
        );
        assert_eq!(ranked[2].scores[0], Some(60.0));
        assert_eq!(ranked[3].scores[4], None, "no rectification: no score");
    }

    #[test]
    fn weights_add_up_to_one_hundred() {
        assert!(AssessmentWeights::default().check().is_ok());
        let bad = AssessmentWeights {
            evaluation: 60,
            ..AssessmentWeights::default()
        };
        assert_eq!(
            bad.check().unwrap_err(),
            "the weights add up to 110, not 100"
        );
        // A zero weight leaves its component out of the total.
        let no_targets = AssessmentWeights {
            evaluation: 60,
            targets: 0,
            ..AssessmentWeights::default()
        };
        let ranked = assess(
            vec![unit(
                "区房管局",
                &[90.0],
                [(1, 1), (1, 1), (1, 1), (1, 1), (0, 3)],
            )],
            &no_targets,
        );
        // (90×60 + 100×40) / 100 = 94
        assert_eq!(ranked[0].total, Some(94.0));
    }
}
