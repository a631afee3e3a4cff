//! The known slips of Exercise 2, as data: what each one computes and how it
//! is named. The answer-file grader ([`trace`](crate::grade::trace)) and the
//! Rust-submission grader ([`rust_grade`](crate::grade::rust_grade)) both
//! recognise a wrong answer by matching it against these.

use crate::models::mlp_steps as steps;

/// A recognisable slip.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum Slip {
    /// $\delta_{out} = y_{out} - y$: the factor $\tanh'(s_{out})$ forgotten.
    MissingTanhPrime,
    /// $(y - y_{out})$ for $(y_{out} - y)$.
    FlippedResidual,
    /// $\mathrm{relu}'(s) = 1$ where $s \le 0$.
    ReluOneBelowZero,
    /// The iteration's total averaged where the convention sums.
    AveragedForSummed,
    /// The iteration's total summed where the convention averages.
    SummedForAveraged,
    /// The update with another learning rate (the one the numbers imply).
    LearningRate {
        /// The rate the student used.
        used: f64,
        /// The rate of the convention.
        declared: f64,
    },
    /// The gradient written where the updated weight belongs.
    GradientAsWeight,
    /// $\mathrm{relu}'(0) = 1$ (the sheet takes $\mathrm{relu}'(0) = 0$):
    /// $s \ge 0$ instead of $s > 0$.
    ReluOneAtZero,
    /// The softmax Jacobian's diagonal $p_i$ instead of $p_i(1 - p_i)$
    /// (the $-p_i p_j$ term left out on the diagonal).
    SoftmaxDiagonal,
}

impl Slip {
    /// How the report names it.
    pub fn message(&self, what: &str) -> String {
        match self {
            Slip::MissingTanhPrime => "the factor tanh'(s_out) = 1 - y_out^2 is missing".into(),
            Slip::FlippedResidual => {
                "the sign is flipped: (y - y_out) instead of (y_out - y)".into()
            }
            Slip::ReluOneBelowZero => "relu'(s) was taken as 1 where s <= 0 (it is 0 there)".into(),
            Slip::AveragedForSummed => format!("the {what} is averaged instead of summed"),
            Slip::SummedForAveraged => format!("the {what} is summed instead of averaged"),
            Slip::LearningRate { used, declared } => {
                format!("the update used a learning rate of about {used} instead of {declared}")
            }
            Slip::GradientAsWeight => {
                "the gradient is written where the updated weight belongs".into()
            }
            Slip::ReluOneAtZero => {
                "relu'(0) was taken as 1 (s >= 0 instead of s > 0); the sheet takes relu'(0) = 0"
                    .into()
            }
            Slip::SoftmaxDiagonal => {
                "the softmax Jacobian's diagonal is p_i instead of p_i (1 - p_i)".into()
            }
        }
    }

    /// $\delta_{out}$ under the slips that concern it.
    pub fn delta_out_slips(y_out: f64, y: f64) -> [(Slip, f64); 2] {
        [
            (Slip::MissingTanhPrime, y_out - y),
            (Slip::FlippedResidual, -steps::delta_out(y_out, y)),
        ]
    }

    /// $\delta_i$ with $\mathrm{relu}'(s_i) = 1$ everywhere.
    pub fn relu_one_below_zero(delta_out: f64, w_out: &[f64]) -> Vec<f64> {
        w_out.iter().map(|w| delta_out * w).collect()
    }

    /// $\delta_i$ with $\mathrm{relu}'(s_i) = [s_i \ge 0]$.
    pub fn relu_one_at_zero(delta_out: f64, w_out: &[f64], s: &[f64]) -> Vec<f64> {
        w_out
            .iter()
            .zip(s)
            .map(|(w, s)| if *s >= 0.0 { delta_out * w } else { 0.0 })
            .collect()
    }

    /// The softmax Jacobian with the diagonal slip: $\mathrm{diag}(p) - pp^\top$
    /// off the diagonal, $p_i$ on it (row $i$ = output $p_i$).
    pub fn softmax_diagonal_jacobian(p: &[f64]) -> Vec<Vec<f64>> {
        (0..p.len())
            .map(|i| {
                (0..p.len())
                    .map(|j| if i == j { p[i] } else { -p[i] * p[j] })
                    .collect()
            })
            .collect()
    }
}

/// A matrix written in another shape than the sheet's $H \times D$ (rows of
/// the given lengths): `None` when it is $H \times D$; a transpose
/// ($D \times H$) named as such; any other shape named with its rows.
pub fn shape_slip(name: &str, row_lengths: &[usize], h: usize, d: usize) -> Option<String> {
    let shaped = |rows: usize, cols: usize| {
        row_lengths.len() == rows && row_lengths.iter().all(|len| *len == cols)
    };
    if shaped(h, d) {
        None
    } else if shaped(d, h) {
        Some(format!(
            "{name} is written transposed, {d} x {h}; the sheet's is H x D = {h} x {d} (row i = hidden unit i)"
        ))
    } else {
        Some(format!(
            "{name} has rows of lengths {row_lengths:?}; the sheet's is H x D = {h} x {d}"
        ))
    }
}
