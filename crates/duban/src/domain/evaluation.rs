//! The four dimensions of an evaluation and their weighting.

use serde::{Deserialize, Serialize};

/// Scores out of 100 on each dimension the plan names.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Scores {
    /// 完成情况
    pub completion: f64,
    /// 方法创新
    pub innovation: f64,
    /// 实际效果
    pub effect: f64,
    /// 工作状态
    pub attitude: f64,
}

/// Weights in percent; they add up to 100.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Weights {
    pub completion: f64,
    pub innovation: f64,
    pub effect: f64,
    pub attitude: f64,
}

impl Default for Weights {
    /// Completion first, as the plan's wording ranks the dimensions.
    fn default() -> Weights {
        Weights {
            completion: 40.0,
            innovation: 20.0,
            effect: 25.0,
            attitude: 15.0,
        }
    }
}

impl Scores {
    /// Each score between 0 and 100; names the first one outside.
    pub fn parse(scores: Scores) -> Result<Scores, (&'static str, String)> {
        for (name, value) in scores.named() {
            if !value.is_finite() || !(0.0..=100.0).contains(&value) {
                return Err((name, format!("{name} is scored from 0 to 100")));
            }
        }
        Ok(scores)
    }

    fn named(&self) -> [(&'static str, f64); 4] {
        [
            ("completion", self.completion),
            ("innovation", self.innovation),
            ("effect", self.effect),
            ("attitude", self.attitude),
        ]
    }

    /// The weighted score, rounded to two decimals.
    pub fn weighted(&self, weights: &Weights) -> f64 {
        let sum = self.completion * weights.completion
            + self.innovation * weights.innovation
            + self.effect * weights.effect
            + self.attitude * weights.attitude;
        (sum / 100.0 * 100.0).round() / 100.0
    }
}

impl Weights {
    /// Each weight 0–100 and all four adding up to 100.
    pub fn parse(weights: Weights) -> Result<Weights, String> {
        let all = [
            weights.completion,
            weights.innovation,
            weights.effect,
            weights.attitude,
        ];
        if all
            .iter()
            .any(|w| !w.is_finite() || !(0.0..=100.0).contains(w))
        {
            return Err("each weight is between 0 and 100".into());
        }
        let total: f64 = all.iter().sum();
        if (total - 100.0).abs() > 1e-9 {
            return Err(format!("the weights add up to {total}, not 100"));
        }
        Ok(weights)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_must_add_up_and_scores_stay_in_range() {
        assert!(Weights::parse(Weights::default()).is_ok());
        assert!(
            Weights::parse(Weights {
                completion: 50.0,
                ..Weights::default()
            })
            .is_err()
        );
        let scores = Scores {
            completion: 90.0,
            innovation: 80.0,
            effect: 85.0,
            attitude: 100.0,
        };
        assert_eq!(scores.weighted(&Weights::default()), 88.25);
        assert_eq!(
            Scores::parse(Scores {
                effect: 101.0,
                ..scores
            })
            .unwrap_err()
            .0,
            "effect"
        );
    }
}
