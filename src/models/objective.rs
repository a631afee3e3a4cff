//! One value per model: the function a checker sees, its hand-derived
//! derivative, the exact derivative (dual numbers), and where its kinks lie.
//!
//! Each of the sheet's models is an [`Objective`] at one configuration (the
//! activations and sample of the chain, the data of the network, the label and
//! margin of the hinge). The point it is evaluated at is the checked vector:
//!
//! | objective | point | value |
//! |---|---|---|
//! | [`Objective::Chain`] (Ex. 1) | $W_1,\dots,W_N$ | $L = \tfrac12(y_{out}-y_{gt})^2$ |
//! | [`Objective::Mlp`] (Ex. 2) | $W$ row-major, then $w$ ([`Mlp::parameters`](crate::Mlp::parameters)) | $\sum_n \tfrac12(y_{out,n}-y_n)^2$ |
//! | [`Objective::Softmax`] (Ex. 3) | logits $o \in \mathbb{R}^k$ | $\mathrm{softmax}(o) \in \mathbb{R}^k$ |
//! | [`Objective::SoftmaxHinge`] (Ex. 3) | logits $o$ | $\sum_{j\ne y}\max(0, m + p_j - p_y)$ |
//!
//! Its kinks are where a switching quantity is exactly 0 ([`Kink`]): a
//! non-smooth layer's pre-activation $s_k$ in the chain, a hidden unit's
//! $W_j \cdot x_n$ in the network, a hinge term's $m + p_j - p_y$. Softmax
//! has none. [`crate::models::sampler`] draws seeded instances and points,
//! on a kink or away from all of them.
//!
//! ```
//! use gradient_oracle::{Activation, CheckConfig, Objective, Verdict, check_objective};
//! let chain = Objective::Chain { activations: vec![Activation::Relu; 3], x_in: 1.0, y_gt: 0.5 };
//! let w = [0.5, -0.25, 2.0];
//! let (hand, exact) = (chain.gradient(&w)?, chain.exact_gradient(&w)?);
//! assert!(hand.iter().zip(&exact).all(|(h, e)| (h - e).abs() <= 1e-15 * e.abs().max(1.0)));
//! assert_eq!(check_objective(&chain, &w, &CheckConfig::default())?.verdict(), Verdict::Pass);
//! assert_eq!(chain.kinks(&w)[1].value, -0.125); // s_2 = W_2 relu(W_1 x_in)
//! # Ok::<(), gradient_oracle::OracleError>(())
//! ```

use nalgebra::DMatrix;

use super::activation::Activation;
use super::chain::{ChainNetwork, chain_loss};
use super::hinge::{hinge_margins, softmax_hinge_gradient, softmax_hinge_loss_unchecked};
use super::mlp::{Dataset, mlp_loss};
use super::mlp_fast::{mlp_loss_and_gradient_f64, mlp_loss_f64};
use super::mlp_hvp::mlp_hvp;
use super::softmax::{softmax_jacobian, softmax_unchecked};
use crate::error::{OracleError, Result};
use crate::float::Scalar;
use crate::numeric::dual::{dual_gradient, dual_hessian, dual_jacobian};

/// One of the sheet's models at one configuration, as a function of the
/// checked vector (the table in the [module docs](self)).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Objective {
    /// Exercise 1: the chain's loss as a function of its weights.
    Chain {
        /// One activation per layer.
        activations: Vec<Activation>,
        /// The input $x_{in}$.
        x_in: f64,
        /// The target $y_{gt}$.
        y_gt: f64,
    },
    /// Exercise 2: the D-H-1 ReLU/tanh network's summed loss as a function of
    /// its parameters.
    Mlp {
        /// The hidden width H.
        hidden: usize,
        /// The samples and labels.
        data: Dataset,
    },
    /// Exercise 3: softmax of the logits (vector-valued; its Jacobian is k x k).
    Softmax,
    /// Exercise 3: the multiclass hinge loss of softmax of the logits.
    SoftmaxHinge {
        /// The true class y.
        label: usize,
        /// The margin m.
        margin: f64,
    },
}

/// A switching quantity of the objective: where `value` is exactly 0 the
/// objective has a kink.
#[derive(Debug, Clone, PartialEq)]
pub struct Kink {
    /// What switches: `s_2`, `sample 0, hidden unit 1`, `hinge term 3`.
    pub location: String,
    /// Its value at the point (0 on the kink).
    pub value: f64,
}

impl Objective {
    /// The model's name in reports: `chain`, `mlp`, `softmax`, `softmax_hinge`.
    pub fn name(&self) -> &'static str {
        match self {
            Objective::Chain { .. } => "chain",
            Objective::Mlp { .. } => "mlp",
            Objective::Softmax => "softmax",
            Objective::SoftmaxHinge { .. } => "softmax_hinge",
        }
    }

    /// Whether the value is one number (a loss with a gradient) rather than a
    /// vector (with a Jacobian).
    pub fn is_scalar(&self) -> bool {
        !matches!(self, Objective::Softmax)
    }

    /// The value at `x` in any scalar type (`f64`, or dual numbers for exact
    /// derivatives): one entry for a loss, k for softmax. Not validated: a
    /// point of the wrong length or an invalid label gives NaN, as the
    /// checkers expect of a function.
    pub fn values<T: Scalar<f64>>(&self, x: &[T]) -> Vec<T> {
        match self {
            Objective::Chain {
                activations,
                x_in,
                y_gt,
            } => vec![chain_loss(x, activations, *x_in, *y_gt)],
            Objective::Mlp { hidden, data } => vec![mlp_loss(x, *hidden, data)],
            Objective::Softmax => softmax_unchecked(x),
            Objective::SoftmaxHinge { label, margin } => {
                vec![softmax_hinge_loss_unchecked(x, *label, *margin)]
            }
        }
    }

    /// The loss at `x` in `f64` (the fast path of [`values`](Self::values));
    /// NaN for softmax, which has no single value.
    pub fn loss(&self, x: &[f64]) -> f64 {
        match self {
            Objective::Mlp { hidden, data } => mlp_loss_f64(x, *hidden, data),
            Objective::Softmax => f64::NAN,
            _ => self.values(x)[0],
        }
    }

    /// The hand-derived gradient of the loss: the chain's delta recursion, the
    /// network's backpropagation, the hinge's gradient through softmax.
    ///
    /// # Errors
    /// The model's own validation of `x` (length, finiteness, label and
    /// margin); [`OracleError::InvalidParameter`] for softmax, which has a
    /// Jacobian instead.
    pub fn gradient(&self, x: &[f64]) -> Result<Vec<f64>> {
        match self {
            Objective::Chain {
                activations,
                x_in,
                y_gt,
            } => Ok(ChainNetwork::new(x.to_vec(), activations.clone())?
                .loss_and_gradient(*x_in, *y_gt)?
                .1),
            Objective::Mlp { hidden, data } => Ok(mlp_loss_and_gradient_f64(x, *hidden, data)?.1),
            Objective::Softmax => Err(vector_valued()),
            Objective::SoftmaxHinge { label, margin } => softmax_hinge_gradient(x, *label, *margin),
        }
    }

    /// The hand-derived Jacobian (rows = outputs): the gradient as one row for
    /// a loss, $\mathrm{diag}(p) - p p^\top$ for softmax.
    ///
    /// # Errors
    /// As [`gradient`](Self::gradient), without the softmax case.
    pub fn jacobian(&self, x: &[f64]) -> Result<DMatrix<f64>> {
        match self {
            Objective::Softmax => softmax_jacobian(x),
            _ => Ok(DMatrix::from_row_slice(1, x.len(), &self.gradient(x)?)),
        }
    }

    /// The exact gradient by forward-mode dual numbers: the same model code,
    /// differentiated mechanically, a second oracle independent of the
    /// hand-derived backward pass.
    ///
    /// # Errors
    /// Empty or non-finite `x`; softmax, as in [`gradient`](Self::gradient).
    pub fn exact_gradient(&self, x: &[f64]) -> Result<Vec<f64>> {
        if !self.is_scalar() {
            return Err(vector_valued());
        }
        Ok(dual_gradient(|d| self.values(d)[0], x)?.1)
    }

    /// The exact Jacobian by dual numbers (one row for a loss).
    ///
    /// # Errors
    /// Empty or non-finite `x`.
    pub fn exact_jacobian(&self, x: &[f64]) -> Result<DMatrix<f64>> {
        dual_jacobian(|d| self.values(d), x)
    }

    /// The exact Hessian of the loss by hyper-dual numbers (the same model
    /// code, differentiated twice mechanically): the oracle for hand-derived
    /// second derivatives. Where a ReLU or hinge switch is exactly 0 it is
    /// the Hessian of the piece the model's branch takes.
    ///
    /// # Errors
    /// Empty or non-finite `x`; softmax, whose second derivative is a
    /// tensor (its Jacobian is the Hessian of log-sum-exp instead).
    pub fn exact_hessian(&self, x: &[f64]) -> Result<DMatrix<f64>> {
        if !self.is_scalar() {
            return Err(vector_valued());
        }
        dual_hessian(|d| self.values(d)[0], x)
    }

    /// The hand-derived Hessian of the loss: the chain's closed form
    /// ([`ChainNetwork::sheet_hessian`], depth 3), the network's columns
    /// $H e_j$ by the R-operator ([`mlp_hvp`]); the hinge has no hand-derived
    /// form here and gives its hyper-dual Hessian.
    ///
    /// # Errors
    /// As [`gradient`](Self::gradient); a chain of depth other than 3;
    /// softmax (see [`exact_hessian`](Self::exact_hessian)).
    pub fn hessian(&self, x: &[f64]) -> Result<DMatrix<f64>> {
        match self {
            Objective::Chain {
                activations,
                x_in,
                y_gt,
            } => {
                let net = ChainNetwork::new(x.to_vec(), activations.clone())?;
                net.sheet_hessian(&net.forward(*x_in, *y_gt)?)
            }
            Objective::Mlp { .. } => {
                let mut e = vec![0.0; x.len()];
                let mut h = DMatrix::zeros(x.len(), x.len());
                for j in 0..x.len() {
                    e[j] = 1.0;
                    h.set_column(j, &nalgebra::DVector::from_vec(self.hvp(x, &e)?));
                    e[j] = 0.0;
                }
                Ok(h)
            }
            Objective::Softmax => Err(vector_valued()),
            Objective::SoftmaxHinge { .. } => self.exact_hessian(x),
        }
    }

    /// The Hessian-vector product $H(x)\,v$: the network's R-operator pass
    /// ([`mlp_hvp`]), else [`hessian`](Self::hessian) times `v`.
    ///
    /// # Errors
    /// As [`hessian`](Self::hessian); a `v` of another length than `x`.
    pub fn hvp(&self, x: &[f64], v: &[f64]) -> Result<Vec<f64>> {
        if let Objective::Mlp { hidden, data } = self {
            return mlp_hvp(x, *hidden, data, v);
        }
        if v.len() != x.len() {
            return Err(OracleError::ShapeMismatch {
                name: "v".into(),
                expected: format!("{} entries", x.len()),
                found: format!("{} entries", v.len()),
            });
        }
        Ok((self.hessian(x)? * nalgebra::DVector::from_column_slice(v))
            .as_slice()
            .to_vec())
    }

    /// The switching quantities at `x`; the objective has a kink where one
    /// is exactly 0. Empty for softmax, for smooth chains, and for a point
    /// the model rejects.
    pub fn kinks(&self, x: &[f64]) -> Vec<Kink> {
        match self {
            Objective::Chain {
                activations, x_in, ..
            } => chain_kinks(activations, *x_in, x),
            Objective::Mlp { hidden, data } => mlp_kinks(*hidden, data, x),
            Objective::Softmax => Vec::new(),
            Objective::SoftmaxHinge { label, margin } => hinge_margins(x, *label, *margin)
                .map(|terms| {
                    terms
                        .iter()
                        .enumerate()
                        .filter_map(|(j, t)| {
                            t.map(|value| Kink {
                                location: format!("hinge term {j}"),
                                value,
                            })
                        })
                        .collect()
                })
                .unwrap_or_default(),
        }
    }

    /// The smallest |switching quantity| at `x`: 0 on a kink, infinite where
    /// the objective has none.
    pub fn kink_distance(&self, x: &[f64]) -> f64 {
        self.kinks(x)
            .iter()
            .map(|k| k.value.abs())
            .fold(f64::INFINITY, f64::min)
    }
}

fn vector_valued() -> OracleError {
    OracleError::InvalidParameter {
        name: "objective".into(),
        reason: "softmax is vector-valued: it has a Jacobian, not a gradient".into(),
    }
}

/// The non-smooth layers' pre-activations $s_k = W_k z_{k-1}$.
fn chain_kinks(activations: &[Activation], x_in: f64, w: &[f64]) -> Vec<Kink> {
    if w.len() != activations.len() {
        return Vec::new();
    }
    let mut z = x_in;
    let mut kinks = Vec::new();
    for (k, (wk, act)) in w.iter().zip(activations).enumerate() {
        let s = wk * z;
        if !act.is_smooth() {
            kinks.push(Kink {
                location: format!("s_{}", k + 1),
                value: s,
            });
        }
        z = act.value(s);
    }
    kinks
}

/// Every hidden pre-activation $W_j \cdot x_n$ (the ReLU's switch).
fn mlp_kinks(hidden: usize, data: &Dataset, params: &[f64]) -> Vec<Kink> {
    let d = data.x().ncols();
    let expected = hidden.checked_mul(d).and_then(|hd| hd.checked_add(hidden));
    if expected != Some(params.len()) {
        return Vec::new();
    }
    let mut kinks = Vec::with_capacity(data.len() * hidden);
    for n in 0..data.len() {
        for j in 0..hidden {
            let value = (0..d).map(|c| params[j * d + c] * data.x()[(n, c)]).sum();
            kinks.push(Kink {
                location: format!("sample {n}, hidden unit {j}"),
                value,
            });
        }
    }
    kinks
}
