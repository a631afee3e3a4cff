//! Exercise 2: one hidden layer of ReLU units, one tanh output, no biases.
//!
//! For a sample $x \in \mathbb{R}^D$ with label $y$, hidden weights
//! $W \in \mathbb{R}^{H \times D}$ ($W_{ij}$ from input $j$ into hidden unit $i$,
//! as on the sheet) and output weights $w \in \mathbb{R}^H$:
//! $$ s_i = \sum_j W_{ij} x_j, \quad z_i = \mathrm{relu}(s_i), \quad
//!    s_{out} = \sum_i w_i z_i, \quad y_{out} = \tanh s_{out}, \quad
//!    L = \tfrac12 (y_{out} - y)^2 . $$
//! Backward:
//! $$ \delta_{out} = (y_{out} - y)(1 - y_{out}^2), \quad
//!    \delta_i = \delta_{out}\, w_i\, \mathrm{relu}'(s_i), \quad
//!    \frac{\partial L}{\partial w_i} = \delta_{out} z_i, \quad
//!    \frac{\partial L}{\partial W_{ij}} = \delta_i x_j , $$
//! with $\mathrm{relu}'(0) = 0$ (the sheet: "ignore" the input 0).
//!
//! In batch form with $X \in \mathbb{R}^{N \times D}$ (one sample per row):
//! $S = X W^\top$, $Z = \mathrm{relu}(S)$, $s_{out} = Z w$,
//! $\nabla_w = Z^\top \delta_{out}$, $\nabla_W = \Delta^\top X$ where
//! $\Delta = (\delta_{out} w^\top) \odot \mathrm{relu}'(S)$ — computed with
//! nalgebra's matrix products.

use nalgebra::{DMatrix, DVector};
use num_dual::DualNumFloat;
use serde::Serialize;

use crate::error::{OracleError, Result, require_finite};
use crate::float::{Scalar, cst};
use crate::models::activation::Activation;
pub use crate::models::dataset::Dataset;
use crate::models::dataset::{matrix_finite, rows_width};
pub use crate::models::mlp_fast::{mlp_loss_and_gradient_f64, mlp_loss_f64};
use crate::models::mlp_steps as steps;

/// The network's weights.
#[derive(Debug, Clone, PartialEq)]
pub struct Mlp {
    w_hidden: DMatrix<f64>,
    w_out: DVector<f64>,
}

/// The forward and backward record of one sample, at the current weights.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SampleRecord {
    /// Hidden pre-activations $s_i$.
    pub s: Vec<f64>,
    /// Hidden activations $z_i = \mathrm{relu}(s_i)$.
    pub z: Vec<f64>,
    /// The output pre-activation.
    pub s_out: f64,
    /// The output $\tanh(s_{out})$.
    pub y_out: f64,
    /// $\tfrac12 (y_{out} - y)^2$.
    pub loss: f64,
    /// $\partial L/\partial s_{out}$.
    pub delta_out: f64,
    /// $\partial L/\partial s_i$.
    pub delta_hidden: Vec<f64>,
    /// $\partial L/\partial W$ for this sample ($H \times D$, row $i$ = hidden unit $i$).
    #[serde(rename = "grad_W")]
    pub grad_hidden: Vec<Vec<f64>>,
    /// $\partial L/\partial w$ for this sample.
    #[serde(rename = "grad_w")]
    pub grad_out: Vec<f64>,
}

/// The result of one batch forward and backward pass.
#[derive(Debug, Clone, PartialEq)]
pub struct BatchResult {
    /// One record per sample, in order.
    pub samples: Vec<SampleRecord>,
    /// The summed loss $\sum_n L_n$.
    pub loss: f64,
    /// The summed gradient with respect to $W$ ($H \times D$).
    pub grad_hidden: DMatrix<f64>,
    /// The summed gradient with respect to $w$.
    pub grad_out: DVector<f64>,
}

impl Mlp {
    /// The sheet's weights: $W$ is $3 \times 2$ and $w = (0.02, 0.03, 0.09)$.
    pub fn sheet() -> Self {
        Self {
            w_hidden: DMatrix::from_row_slice(3, 2, &[0.60, 0.01, 0.70, 0.43, 0.00, 0.88]),
            w_out: DVector::from_column_slice(&[0.02, 0.03, 0.09]),
        }
    }

    /// A network from $W$ ($H \times D$) and $w$ ($H$).
    ///
    /// # Errors
    /// Empty or non-finite weights, or `w_out.len() != w_hidden.nrows()`.
    pub fn new(w_hidden: DMatrix<f64>, w_out: DVector<f64>) -> Result<Self> {
        matrix_finite("W", &w_hidden)?;
        require_finite("w", w_out.iter().copied())?;
        if w_out.len() != w_hidden.nrows() {
            return Err(OracleError::ShapeMismatch {
                name: "w".into(),
                expected: format!("{} entries (one per hidden unit of W)", w_hidden.nrows()),
                found: format!("{} entries", w_out.len()),
            });
        }
        Ok(Self { w_hidden, w_out })
    }

    /// Builds a network from rows of $W$ and the entries of $w$.
    ///
    /// # Errors
    /// As [`Mlp::new`], and rows of unequal length.
    pub fn from_rows(w_hidden: &[Vec<f64>], w_out: &[f64]) -> Result<Self> {
        let d = rows_width("W", w_hidden)?;
        let flat: Vec<f64> = w_hidden.iter().flatten().copied().collect();
        Self::new(
            DMatrix::from_row_slice(w_hidden.len(), d, &flat),
            DVector::from_column_slice(w_out),
        )
    }

    /// Hidden weights $W$ ($H \times D$).
    pub fn w_hidden(&self) -> &DMatrix<f64> {
        &self.w_hidden
    }

    /// Output weights $w$.
    pub fn w_out(&self) -> &DVector<f64> {
        &self.w_out
    }

    /// The number of inputs $D$.
    pub fn inputs(&self) -> usize {
        self.w_hidden.ncols()
    }

    /// The number of hidden units $H$.
    pub fn hidden(&self) -> usize {
        self.w_hidden.nrows()
    }

    /// The number of parameters $HD + H$.
    pub fn parameter_count(&self) -> usize {
        self.hidden() * self.inputs() + self.hidden()
    }

    /// The parameters as one vector: $W$ row by row, then $w$.
    pub fn parameters(&self) -> Vec<f64> {
        let mut p = Vec::with_capacity(self.parameter_count());
        for i in 0..self.hidden() {
            p.extend(self.w_hidden.row(i).iter());
        }
        p.extend(self.w_out.iter());
        p
    }

    /// A network of this shape with the given flat parameters (layout of [`Mlp::parameters`]).
    ///
    /// # Errors
    /// Wrong length or non-finite values.
    pub fn with_parameters(&self, params: &[f64]) -> Result<Self> {
        if params.len() != self.parameter_count() {
            return Err(OracleError::ShapeMismatch {
                name: "parameters".into(),
                expected: self.parameter_count().to_string(),
                found: params.len().to_string(),
            });
        }
        let (h, d) = (self.hidden(), self.inputs());
        Self::new(
            DMatrix::from_row_slice(h, d, &params[..h * d]),
            DVector::from_column_slice(&params[h * d..]),
        )
    }

    /// Checks that `data` has this network's input width.
    fn check_data(&self, data: &Dataset) -> Result<()> {
        if data.x.ncols() != self.inputs() {
            return Err(OracleError::ShapeMismatch {
                name: "X".into(),
                expected: format!("{} columns (the inputs of W)", self.inputs()),
                found: format!("{} columns", data.x.ncols()),
            });
        }
        Ok(())
    }

    /// Batch forward and backward: a record per sample and the summed totals.
    ///
    /// # Errors
    /// [`OracleError::ShapeMismatch`] when the data's width is not $D$.
    pub fn forward_backward(&self, data: &Dataset) -> Result<BatchResult> {
        self.check_data(data)?;
        let s = &data.x * self.w_hidden.transpose(); // N x H
        let z = s.map(steps::hidden);
        let s_out = &z * &self.w_out; // N
        let y_out = s_out.map(steps::output);
        let residual = &y_out - &data.y;
        let delta_out = y_out.zip_map(&data.y, steps::delta_out);
        let delta_hidden = DMatrix::from_fn(s.nrows(), s.ncols(), |n, i| {
            steps::delta_hidden(delta_out[n], self.w_out[i], s[(n, i)])
        }); // N x H
        let grad_out = z.transpose() * &delta_out;
        let grad_hidden = delta_hidden.transpose() * &data.x;
        let samples = (0..data.len())
            .map(|n| {
                let dh: Vec<f64> = delta_hidden.row(n).iter().copied().collect();
                let xn = data.x.row(n);
                SampleRecord {
                    s: s.row(n).iter().copied().collect(),
                    z: z.row(n).iter().copied().collect(),
                    s_out: s_out[n],
                    y_out: y_out[n],
                    loss: steps::sample_loss(y_out[n], data.y[n]),
                    delta_out: delta_out[n],
                    grad_hidden: dh
                        .iter()
                        .map(|d| xn.iter().map(|x| d * x).collect())
                        .collect(),
                    grad_out: z.row(n).iter().map(|zi| delta_out[n] * zi).collect(),
                    delta_hidden: dh,
                }
            })
            .collect();
        Ok(BatchResult {
            samples,
            loss: residual.iter().map(|r| 0.5 * r * r).sum(),
            grad_hidden,
            grad_out,
        })
    }

    /// Gradient accumulation over micro-batches: runs [`Mlp::forward_backward`] on
    /// consecutive chunks of `micro_batch` samples (the last may be smaller) and
    /// sums the losses and gradients, holding one chunk's activations at a time.
    /// Equals the full-batch sum up to the order of floating-point additions.
    ///
    /// # Errors
    /// `micro_batch == 0`; a shape mismatch between model and data.
    pub fn accumulated(
        &self,
        data: &Dataset,
        micro_batch: usize,
    ) -> Result<(f64, DMatrix<f64>, DVector<f64>)> {
        if micro_batch == 0 {
            return Err(OracleError::InvalidParameter {
                name: "micro_batch".into(),
                reason: "a micro-batch holds at least one sample".into(),
            });
        }
        self.check_data(data)?;
        let mut loss = 0.0;
        let mut grad_hidden = DMatrix::zeros(self.hidden(), self.inputs());
        let mut grad_out = DVector::zeros(self.hidden());
        let mut start = 0;
        while start < data.len() {
            let end = (start + micro_batch).min(data.len());
            let part = self.forward_backward(&data.rows(start..end)?)?;
            loss += part.loss;
            grad_hidden += part.grad_hidden;
            grad_out += part.grad_out;
            start = end;
        }
        Ok((loss, grad_hidden, grad_out))
    }

    /// The summed loss and its gradient as one flat vector (layout of [`Mlp::parameters`]).
    ///
    /// # Errors
    /// As [`Mlp::forward_backward`].
    pub fn loss_and_gradient(&self, data: &Dataset) -> Result<(f64, Vec<f64>)> {
        let (loss, grad_hidden, grad_out) = self.totals(data)?;
        let mut g = Vec::with_capacity(self.parameter_count());
        for i in 0..self.hidden() {
            g.extend(grad_hidden.row(i).iter());
        }
        g.extend(grad_out.iter());
        Ok((loss, g))
    }

    /// The summed loss and gradients only: the batch products of
    /// [`Mlp::forward_backward`] without its per-sample records (which cost
    /// an allocation per sample and unit).
    ///
    /// # Errors
    /// As [`Mlp::forward_backward`].
    pub fn totals(&self, data: &Dataset) -> Result<(f64, DMatrix<f64>, DVector<f64>)> {
        self.check_data(data)?;
        let s = &data.x * self.w_hidden.transpose();
        let z = s.map(|v| Activation::Relu.value(v));
        let y_out = (&z * &self.w_out).map(f64::tanh);
        let residual = &y_out - &data.y;
        let delta_out = residual.zip_map(&y_out, |r, y| r * (1.0 - y * y));
        let relu_prime = s.map(|v| Activation::Relu.derivative(v));
        let delta_hidden = (&delta_out * self.w_out.transpose()).component_mul(&relu_prime);
        let loss = residual.iter().map(|r| 0.5 * r * r).sum();
        Ok((
            loss,
            delta_hidden.transpose() * &data.x,
            z.transpose() * &delta_out,
        ))
    }
}

/// The summed loss $\sum_n \tfrac12(y_{out,n} - y_n)^2$ as a function of the flat
/// parameters (layout of [`Mlp::parameters`]) for `hidden` units, in any scalar
/// type (for checkers and the dual-number oracle). Allocation-free.
///
/// `params.len()` must be `hidden * D + hidden`; shorter input is read as far as it goes.
pub fn mlp_loss<T: Scalar<F>, F: DualNumFloat>(params: &[T], hidden: usize, data: &Dataset) -> T {
    let d = data.x.ncols();
    let (w_hidden, w_out) = params.split_at(hidden.saturating_mul(d).min(params.len()));
    let mut total = T::zero();
    for n in 0..data.len() {
        let mut s_out = T::zero();
        for (i, wi) in w_out.iter().enumerate().take(hidden) {
            let mut s = T::zero();
            for j in 0..d {
                s += w_hidden[i * d + j] * cst::<F>(data.x[(n, j)]);
            }
            s_out += *wi * Activation::Relu.value(s);
        }
        let r = s_out.tanh() - cst::<F>(data.y[n]);
        total += r * r * cst::<F>(0.5);
    }
    total
}
