//! Exercise 1: the chain network of scalar weights, of any depth $N \ge 1$.
//!
//! $$ s_k = W_k z_{k-1}, \quad z_k = f_k(s_k), \quad z_0 = x_{in}, \quad
//!    y_{out} = z_N, \quad L = \tfrac12 (y_{out} - y_{gt})^2 . $$
//!
//! **Delta recursion** (the sheet's prelude), with $\delta_k = \partial L / \partial s_k$:
//! $$ \delta_N = (y_{out} - y_{gt})\, f_N'(s_N), \qquad
//!    \delta_k = \delta_{k+1} W_{k+1} f_k'(s_k), \qquad
//!    \frac{\partial L}{\partial W_k} = \delta_k\, z_{k-1}. $$
//!
//! **Closed form** (the chain rule written out, what the sheet asks for):
//! $$ \frac{\partial L}{\partial W_k} = (y_{out} - y_{gt})
//!    \Big[\prod_{j=k+1}^{N} f_j'(s_j) W_j\Big] f_k'(s_k)\, z_{k-1}. $$
//! For the sheet's $N = 3$ ($W_3 = W_{out}$):
//! - $\partial L/\partial W_{out} = (y_{out} - y_{gt}) f_3'(s_{out}) z_2$
//! - $\partial L/\partial W_2 = (y_{out} - y_{gt}) f_3'(s_{out}) W_{out} f_2'(s_2) z_1$
//! - $\partial L/\partial W_1 = (y_{out} - y_{gt}) f_3'(s_{out}) W_{out} f_2'(s_2) W_2 f_1'(s_1) x_{in}$
//!
//! [`ChainNetwork::backward`] implements the recursion, [`ChainNetwork::closed_form`]
//! the products (each computed independently, $O(N^2)$), and
//! [`ChainNetwork::sheet_derivatives`] the three formulas above verbatim.

use num_dual::DualNumFloat;

use crate::error::{OracleError, Result, require_finite, require_finite_scalar};
use crate::float::{Real, Scalar, cst};
use crate::models::activation::Activation;

/// A chain of scalar layers: one weight and one activation per layer.
#[derive(Debug, Clone, PartialEq)]
pub struct ChainNetwork<F = f64> {
    weights: Vec<F>,
    activations: Vec<Activation>,
}

/// Everything the forward pass computes, layer by layer.
#[derive(Debug, Clone, PartialEq)]
pub struct ChainForward<F = f64> {
    /// Pre-activations $s_1, \dots, s_N$ (`s[k-1]` is $s_k$).
    pub s: Vec<F>,
    /// Activations $z_0 = x_{in}, z_1, \dots, z_N$ (`z[k]` is $z_k$).
    pub z: Vec<F>,
    /// $y_{out} = z_N$.
    pub y_out: F,
    /// The target $y_{gt}$.
    pub y_gt: F,
    /// $L = \tfrac12 (y_{out} - y_{gt})^2$.
    pub loss: F,
}

/// The backward pass: error signals and weight gradients.
#[derive(Debug, Clone, PartialEq)]
pub struct ChainGradients<F = f64> {
    /// $\delta_1, \dots, \delta_N$ (`delta[k-1]` is $\delta_k$).
    pub delta: Vec<F>,
    /// $\partial L/\partial W_1, \dots, \partial L/\partial W_N$.
    pub grad_weights: Vec<F>,
}

/// The three derivatives Exercise 1 asks for (depth 3 only).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SheetDerivatives<F = f64> {
    /// $\partial L/\partial W_1$.
    pub d_w1: F,
    /// $\partial L/\partial W_2$.
    pub d_w2: F,
    /// $\partial L/\partial W_{out}$.
    pub d_w_out: F,
}

impl ChainNetwork<f64> {
    /// The sheet's network: depth 3, weights $(W_1, W_2, W_{out}) = (0.5, -0.8, 1.2)$
    /// (the sheet leaves them symbolic; these are the crate's default example)
    /// with the given activations $f_1, f_2, f_3$.
    pub fn sheet(activations: [Activation; 3]) -> Self {
        Self {
            weights: vec![0.5, -0.8, 1.2],
            activations: activations.to_vec(),
        }
    }
}

impl<F: Real> ChainNetwork<F> {
    /// A chain with `weights[k-1] = W_k` and `activations[k-1] = f_k`.
    ///
    /// # Errors
    /// [`OracleError::ZeroDepth`] for no layers, [`OracleError::ShapeMismatch`]
    /// when the two lengths differ, [`OracleError::NonFinite`] for a NaN or
    /// infinite weight.
    pub fn new(weights: Vec<F>, activations: Vec<Activation>) -> Result<Self> {
        if weights.is_empty() && activations.is_empty() {
            return Err(OracleError::ZeroDepth);
        }
        if weights.len() != activations.len() {
            return Err(OracleError::ShapeMismatch {
                name: "activations".into(),
                expected: format!("{} (one per weight)", weights.len()),
                found: activations.len().to_string(),
            });
        }
        require_finite(
            "weights",
            weights.iter().map(|w| w.to_f64().unwrap_or(f64::NAN)),
        )?;
        Ok(Self {
            weights,
            activations,
        })
    }

    /// The depth $N$.
    pub fn depth(&self) -> usize {
        self.weights.len()
    }

    /// The weights $W_1, \dots, W_N$.
    pub fn weights(&self) -> &[F] {
        &self.weights
    }

    /// The activations $f_1, \dots, f_N$.
    pub fn activations(&self) -> &[Activation] {
        &self.activations
    }

    /// The forward pass, recording every $s_k$ and $z_k$.
    ///
    /// # Errors
    /// [`OracleError::NonFinite`] for a non-finite `x_in` or `y_gt`.
    pub fn forward(&self, x_in: F, y_gt: F) -> Result<ChainForward<F>> {
        require_finite_scalar("x_in", x_in.to_f64().unwrap_or(f64::NAN))?;
        require_finite_scalar("y_gt", y_gt.to_f64().unwrap_or(f64::NAN))?;
        let mut s = Vec::with_capacity(self.depth());
        let mut z = Vec::with_capacity(self.depth() + 1);
        z.push(x_in);
        for (w, f) in self.weights.iter().zip(&self.activations) {
            let sk = *w * z[z.len() - 1];
            s.push(sk);
            z.push(f.value(sk));
        }
        let y_out = z[self.depth()];
        let r = y_out - y_gt;
        Ok(ChainForward {
            s,
            z,
            y_out,
            y_gt,
            loss: cst::<F>(0.5) * r * r,
        })
    }

    /// The backward pass by the delta recursion.
    ///
    /// # Errors
    /// [`OracleError::ShapeMismatch`] when `forward` does not come from a
    /// network of this depth.
    pub fn backward(&self, forward: &ChainForward<F>) -> Result<ChainGradients<F>> {
        self.check_record(forward)?;
        let n = self.depth();
        let mut delta = vec![F::zero(); n];
        delta[n - 1] =
            (forward.y_out - forward.y_gt) * self.activations[n - 1].derivative(forward.s[n - 1]);
        for k in (0..n - 1).rev() {
            delta[k] =
                delta[k + 1] * self.weights[k + 1] * self.activations[k].derivative(forward.s[k]);
        }
        let grad_weights = delta.iter().zip(&forward.z).map(|(d, z)| *d * *z).collect();
        Ok(ChainGradients {
            delta,
            grad_weights,
        })
    }

    /// $\partial L/\partial W_k$ for every $k$ as the explicit chain-rule product,
    /// each computed from scratch (independently of the recursion).
    ///
    /// # Errors
    /// As [`ChainNetwork::backward`].
    pub fn closed_form(&self, forward: &ChainForward<F>) -> Result<Vec<F>> {
        self.check_record(forward)?;
        let n = self.depth();
        Ok((0..n)
            .map(|k| {
                let mut product = forward.y_out - forward.y_gt;
                for j in (k + 1..n).rev() {
                    product =
                        product * self.activations[j].derivative(forward.s[j]) * self.weights[j];
                }
                product * self.activations[k].derivative(forward.s[k]) * forward.z[k]
            })
            .collect())
    }

    /// The three derivatives of Exercise 1, written exactly as on the sheet.
    ///
    /// # Errors
    /// [`OracleError::ShapeMismatch`] unless the depth is 3.
    pub fn sheet_derivatives(&self, forward: &ChainForward<F>) -> Result<SheetDerivatives<F>> {
        if self.depth() != 3 {
            return Err(OracleError::ShapeMismatch {
                name: "chain network".into(),
                expected: "depth 3".into(),
                found: format!("depth {}", self.depth()),
            });
        }
        self.check_record(forward)?;
        let [f1, f2, f3] = [
            self.activations[0],
            self.activations[1],
            self.activations[2],
        ];
        let (w2, w_out) = (self.weights[1], self.weights[2]);
        let (s1, s2, s_out) = (forward.s[0], forward.s[1], forward.s[2]);
        let (x_in, z1, z2) = (forward.z[0], forward.z[1], forward.z[2]);
        let err = forward.y_out - forward.y_gt;
        Ok(SheetDerivatives {
            d_w_out: err * f3.derivative(s_out) * z2,
            d_w2: err * f3.derivative(s_out) * w_out * f2.derivative(s2) * z1,
            d_w1: err
                * f3.derivative(s_out)
                * w_out
                * f2.derivative(s2)
                * w2
                * f1.derivative(s1)
                * x_in,
        })
    }

    /// Exercise 1's Hessian of $L$ in $(W_1, W_2, W_{out})$ (depth 3), in
    /// closed form (derived in `docs/exercise-1.md`): with $a_k = f_k'(s_k)$,
    /// $b_k = f_k''(s_k)$, $r = y_{out} - y_{gt}$ and
    /// $p = \partial s_{out}/\partial W = (W_{out} a_2 W_2 a_1 x_{in},\ W_{out} a_2 z_1,\ z_2)$,
    ///
    /// $$H = (a_3^2 + r\,b_3)\, p\,p^\top + r\,a_3\,Q,$$
    ///
    /// $Q$ symmetric with $Q_{33} = 0$, $Q_{23} = a_2 z_1$,
    /// $Q_{13} = a_2 W_2 a_1 x_{in}$, $Q_{22} = W_{out} b_2 z_1^2$,
    /// $Q_{12} = W_{out} a_1 x_{in} (a_2 + b_2 W_2 z_1)$,
    /// $Q_{11} = W_{out} W_2 x_{in}^2 (b_2 W_2 a_1^2 + a_2 b_1)$.
    /// The first term is the Gauss-Newton part; $Q$ carries the curvature of
    /// the layers.
    ///
    /// # Errors
    /// [`OracleError::ShapeMismatch`] unless the depth is 3; a record of
    /// another network.
    pub fn sheet_hessian(&self, forward: &ChainForward<F>) -> Result<nalgebra::DMatrix<F>> {
        self.sheet_derivatives(forward)?; // the same depth and record checks
        let acts = &self.activations;
        let a: Vec<F> = (0..3).map(|k| acts[k].derivative(forward.s[k])).collect();
        let b: Vec<F> = (0..3)
            .map(|k| acts[k].second_derivative(forward.s[k]))
            .collect();
        let (w2, w_out) = (self.weights[1], self.weights[2]);
        let (x, z1, z2) = (forward.z[0], forward.z[1], forward.z[2]);
        let r = forward.y_out - forward.y_gt;
        let p = [w_out * a[1] * w2 * a[0] * x, w_out * a[1] * z1, z2];
        let mut q = nalgebra::DMatrix::from_element(3, 3, F::zero());
        q[(1, 2)] = a[1] * z1;
        q[(0, 2)] = a[1] * w2 * a[0] * x;
        q[(1, 1)] = w_out * b[1] * z1 * z1;
        q[(0, 1)] = w_out * a[0] * x * (a[1] + b[1] * w2 * z1);
        q[(0, 0)] = w_out * w2 * x * x * (b[1] * w2 * a[0] * a[0] + a[1] * b[0]);
        let gauss_newton = a[2] * a[2] + r * b[2];
        Ok(nalgebra::DMatrix::from_fn(3, 3, |i, j| {
            let qij = if i <= j { q[(i, j)] } else { q[(j, i)] };
            gauss_newton * p[i] * p[j] + r * a[2] * qij
        }))
    }

    /// The loss and its gradient with respect to the weights, in one call.
    ///
    /// # Errors
    /// As [`ChainNetwork::forward`].
    pub fn loss_and_gradient(&self, x_in: F, y_gt: F) -> Result<(F, Vec<F>)> {
        let forward = self.forward(x_in, y_gt)?;
        let grads = self.backward(&forward)?;
        Ok((forward.loss, grads.grad_weights))
    }

    fn check_record(&self, forward: &ChainForward<F>) -> Result<()> {
        if forward.s.len() != self.depth() || forward.z.len() != self.depth() + 1 {
            return Err(OracleError::ShapeMismatch {
                name: "forward record".into(),
                expected: format!("{} pre-activations", self.depth()),
                found: forward.s.len().to_string(),
            });
        }
        Ok(())
    }
}

/// The chain network's loss as a function of its weights, in any scalar type
/// (used by the checkers: `f32`, `f64`, or dual numbers for exact derivatives).
///
/// `weights` and `activations` must have the same length (extra entries of
/// the longer one are ignored).
pub fn chain_loss<T: Scalar<F>, F: DualNumFloat>(
    weights: &[T],
    activations: &[Activation],
    x_in: F,
    y_gt: F,
) -> T {
    let mut z = T::from(x_in);
    for (w, f) in weights.iter().zip(activations) {
        z = f.value(*w * z);
    }
    let r = z - T::from(y_gt);
    r * r * cst::<F>(0.5)
}
