//! Exercise 2's procedure: $T$ iterations of forward, backward and update.
//!
//! The update is $W \leftarrow W - \alpha \nabla_W$, $w \leftarrow w - \alpha \nabla_w$.
//! The sheet gives no $\alpha$ and no batch convention, so three are offered:
//!
//! - [`UpdateMode::Sum`] (default): one full-batch step per iteration with the
//!   gradients summed over the samples; the iteration's loss is the sum.
//! - [`UpdateMode::Mean`]: one full-batch step with gradients and loss averaged
//!   ($\tfrac1N \sum_n$).
//! - [`UpdateMode::Online`]: one pass of per-sample updates in data order; each
//!   sample's record is taken at the weights current when it is processed; the
//!   iteration's loss and gradients are the sums of those per-sample values.
//!
//! Default $\alpha = 0.1$, $T = 3$ (as in one published worked solution).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::{OracleError, Result};
use crate::models::mlp::{Dataset, Mlp, SampleRecord};

/// How an iteration turns per-sample gradients into an update.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum UpdateMode {
    /// Full batch, gradients summed over samples.
    #[default]
    Sum,
    /// Full batch, gradients and loss averaged over samples.
    Mean,
    /// Per-sample (online) updates, one pass per iteration.
    Online,
}

impl UpdateMode {
    /// Every mode.
    pub const ALL: [UpdateMode; 3] = [UpdateMode::Sum, UpdateMode::Mean, UpdateMode::Online];

    /// The mode's name (`sum`, `mean`, `online`).
    pub fn name(self) -> &'static str {
        match self {
            UpdateMode::Sum => "sum",
            UpdateMode::Mean => "mean",
            UpdateMode::Online => "online",
        }
    }
}

impl fmt::Display for UpdateMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for UpdateMode {
    type Err = OracleError;
    fn from_str(s: &str) -> Result<Self> {
        UpdateMode::ALL
            .into_iter()
            .find(|m| m.name() == s.trim().to_ascii_lowercase())
            .ok_or_else(|| OracleError::InvalidParameter {
                name: "mode".into(),
                reason: format!("unknown update mode `{s}` (expected sum, mean or online)"),
            })
    }
}

/// The training settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrainConfig {
    /// The update convention.
    pub mode: UpdateMode,
    /// The learning rate $\alpha$ (positive, finite).
    pub learning_rate: f64,
    /// The number of iterations $T$.
    pub iterations: usize,
}

impl Default for TrainConfig {
    /// Sum mode, $\alpha = 0.1$, 3 iterations.
    fn default() -> Self {
        Self {
            mode: UpdateMode::Sum,
            learning_rate: 0.1,
            iterations: 3,
        }
    }
}

/// One iteration of the trace.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IterationRecord {
    /// The iteration's loss before the update (summed or averaged per the mode).
    pub loss: f64,
    /// $W$ after this iteration's update (row $i$ = hidden unit $i$).
    #[serde(rename = "W")]
    pub w_hidden: Vec<Vec<f64>>,
    /// $w$ after this iteration's update.
    #[serde(rename = "w")]
    pub w_out: Vec<f64>,
    /// The iteration's gradient of $W$ (summed or averaged per the mode).
    #[serde(rename = "grad_W")]
    pub grad_hidden: Vec<Vec<f64>>,
    /// The iteration's gradient of $w$.
    #[serde(rename = "grad_w")]
    pub grad_out: Vec<f64>,
    /// Each sample's forward and backward record.
    pub samples: Vec<SampleRecord>,
}

/// The full training trace.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Trace {
    /// The update convention used.
    pub mode: UpdateMode,
    /// The learning rate used.
    pub lr: f64,
    /// The initial $W$.
    #[serde(rename = "initial_W")]
    pub initial_w_hidden: Vec<Vec<f64>>,
    /// The initial $w$.
    #[serde(rename = "initial_w")]
    pub initial_w_out: Vec<f64>,
    /// One record per iteration.
    pub iterations: Vec<IterationRecord>,
}

fn matrix_rows(m: &nalgebra::DMatrix<f64>) -> Vec<Vec<f64>> {
    (0..m.nrows())
        .map(|i| m.row(i).iter().copied().collect())
        .collect()
}

/// The most iterations [`train`] records (each keeps every sample's record).
pub const MAX_ITERATIONS: usize = 100_000;

/// The weights stopped being finite: name the iteration and the rate.
fn diverged(k: usize, lr: f64, cause: OracleError) -> OracleError {
    OracleError::InvalidParameter {
        name: "learning rate".into(),
        reason: format!(
            "training diverged at iteration {} under learning rate {}: the updated weights are not finite ({cause})",
            k + 1,
            if (1e-4..1e6).contains(&lr) {
                lr.to_string()
            } else {
                format!("{lr:e}")
            }
        ),
    }
}

/// Trains `model` on `data` and records everything.
///
/// # Errors
/// [`OracleError::InvalidLearningRate`] for a learning rate that is not a
/// positive finite number; a shape mismatch between model and data.
pub fn train(model: &Mlp, data: &Dataset, config: &TrainConfig) -> Result<(Mlp, Trace)> {
    let lr = config.learning_rate;
    if !(lr.is_finite() && lr > 0.0) {
        return Err(OracleError::InvalidLearningRate(lr));
    }
    if config.iterations > MAX_ITERATIONS {
        return Err(OracleError::InvalidParameter {
            name: "iterations".into(),
            reason: format!(
                "at most {MAX_ITERATIONS} (every iteration is recorded), got {}",
                config.iterations
            ),
        });
    }
    let mut current = model.clone();
    let mut iterations = Vec::new();
    for k in 0..config.iterations {
        let (loss, grad_hidden, grad_out, samples) = match config.mode {
            UpdateMode::Sum | UpdateMode::Mean => {
                let batch = current.forward_backward(data)?;
                let scale = if config.mode == UpdateMode::Mean {
                    1.0 / data.len() as f64
                } else {
                    1.0
                };
                let (gh, go) = (batch.grad_hidden * scale, batch.grad_out * scale);
                current = Mlp::new(current.w_hidden() - &gh * lr, current.w_out() - &go * lr)
                    .map_err(|e| diverged(k, lr, e))?;
                (batch.loss * scale, gh, go, batch.samples)
            }
            UpdateMode::Online => {
                let mut gh = nalgebra::DMatrix::zeros(current.hidden(), current.inputs());
                let mut go = nalgebra::DVector::zeros(current.hidden());
                let mut loss = 0.0;
                let mut samples = Vec::with_capacity(data.len());
                for n in 0..data.len() {
                    let mut one = current.forward_backward(&data.rows(n..n + 1)?)?;
                    current = Mlp::new(
                        current.w_hidden() - &one.grad_hidden * lr,
                        current.w_out() - &one.grad_out * lr,
                    )
                    .map_err(|e| diverged(k, lr, e))?;
                    loss += one.loss;
                    gh += &one.grad_hidden;
                    go += &one.grad_out;
                    samples.append(&mut one.samples);
                }
                (loss, gh, go, samples)
            }
        };
        iterations.push(IterationRecord {
            loss,
            w_hidden: matrix_rows(current.w_hidden()),
            w_out: current.w_out().iter().copied().collect(),
            grad_hidden: matrix_rows(&grad_hidden),
            grad_out: grad_out.iter().copied().collect(),
            samples,
        });
    }
    let trace = Trace {
        mode: config.mode,
        lr,
        initial_w_hidden: matrix_rows(model.w_hidden()),
        initial_w_out: model.w_out().iter().copied().collect(),
        iterations,
    };
    Ok((current, trace))
}
