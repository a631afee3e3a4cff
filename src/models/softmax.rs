//! Exercise 3, first half: softmax and its Jacobian.
//!
//! $$ p_j = \frac{e^{o_j}}{\sum_l e^{o_l}}, \qquad
//!    \frac{\partial p_i}{\partial o_j} = p_i(\delta_{ij} - p_j), \qquad
//!    J = \mathrm{diag}(p) - p p^\top . $$
//! $J$ is symmetric, its rows sum to zero (softmax is invariant to adding a
//! constant to all logits), and it is positive semi-definite.
//!
//! Products that never form $J$ ($O(k)$ instead of $O(k^2)$):
//! $J v = p \odot (v - (p \cdot v)\mathbf 1)$, and $u^\top J = (J u)^\top$ by symmetry.
//!
//! **Stability.** The largest logit is subtracted first, so $e^{o_j - \max o}\le 1$:
//! logits of $\pm 10^{308}$ give exact 0/1 probabilities instead of NaN.

use nalgebra::DMatrix;
use num_dual::DualNumFloat;

use crate::error::{OracleError, Result, require_finite};
use crate::float::{Real, Scalar};

/// Validates logits: at least two, all finite.
pub(crate) fn check_logits<F: Real>(name: &str, o: &[F]) -> Result<()> {
    require_finite(name, o.iter().map(|v| v.to_f64().unwrap_or(f64::NAN)))?;
    if o.len() < 2 {
        return Err(OracleError::TooFewClasses {
            name: name.into(),
            found: o.len(),
        });
    }
    Ok(())
}

/// Softmax without input checks, in any scalar type (floats or dual numbers).
///
/// With an empty input it returns an empty vector.
pub fn softmax_unchecked<T: Scalar<F>, F: DualNumFloat>(o: &[T]) -> Vec<T> {
    let Some(max) = o.iter().map(|v| v.re()).reduce(F::max) else {
        return Vec::new();
    };
    let e: Vec<T> = o.iter().map(|v| (*v - max).exp()).collect();
    let total = e.iter().fold(T::zero(), |acc, v| acc + *v);
    e.into_iter().map(|v| v / total).collect()
}

/// The numerically stable softmax of the logits `o`.
///
/// ```
/// use gradient_oracle::softmax;
/// let p = softmax(&[1e308, -1e308, 0.0]).unwrap();
/// assert_eq!(p, vec![1.0, 0.0, 0.0]);
/// ```
///
/// # Errors
/// Fewer than 2 logits, or a non-finite logit.
pub fn softmax<F: Real>(o: &[F]) -> Result<Vec<F>> {
    check_logits("logits", o)?;
    Ok(softmax_unchecked(o))
}

/// The $k \times k$ Jacobian $\partial p / \partial o = \mathrm{diag}(p) - p p^\top$
/// at the logits `o` (row $i$ = output $p_i$).
///
/// # Errors
/// As [`softmax`].
pub fn softmax_jacobian<F: Real>(o: &[F]) -> Result<DMatrix<F>> {
    let p = softmax(o)?;
    Ok(jacobian_from_probabilities(&p))
}

/// $\mathrm{diag}(p) - p p^\top$ from probabilities already computed.
pub fn jacobian_from_probabilities<F: Real>(p: &[F]) -> DMatrix<F> {
    let k = p.len();
    DMatrix::from_fn(k, k, |i, j| {
        let d = if i == j { p[i] } else { F::zero() };
        d - p[i] * p[j]
    })
}

/// The Jacobian-vector product $J v$ at logits `o`, without forming $J$.
///
/// # Errors
/// As [`softmax`], a non-finite `v`, or `v.len() != o.len()`.
pub fn softmax_jvp<F: Real>(o: &[F], v: &[F]) -> Result<Vec<F>> {
    let p = softmax(o)?;
    check_same_len("v", o.len(), v)?;
    Ok(jvp_from_probabilities(&p, v))
}

/// The vector-Jacobian product $u^\top J$ at logits `o` (equal to $J u$: $J$ is symmetric).
///
/// # Errors
/// As [`softmax_jvp`].
pub fn softmax_vjp<F: Real>(o: &[F], u: &[F]) -> Result<Vec<F>> {
    softmax_jvp(o, u)
}

/// $p \odot (v - (p\cdot v)\mathbf 1)$ from probabilities already computed.
pub fn jvp_from_probabilities<F: Real>(p: &[F], v: &[F]) -> Vec<F> {
    let pv = p.iter().zip(v).fold(F::zero(), |acc, (a, b)| acc + *a * *b);
    p.iter().zip(v).map(|(pi, vi)| *pi * (*vi - pv)).collect()
}

pub(crate) fn check_same_len<F: Real>(name: &str, expected: usize, v: &[F]) -> Result<()> {
    require_finite(name, v.iter().map(|x| x.to_f64().unwrap_or(f64::NAN)))?;
    if v.len() != expected {
        return Err(OracleError::ShapeMismatch {
            name: name.into(),
            expected: format!("{expected} entries (one per logit)"),
            found: format!("{} entries", v.len()),
        });
    }
    Ok(())
}
