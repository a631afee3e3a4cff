//! Exercise 3, second half: the multiclass hinge loss on softmax outputs.
//!
//! For probabilities $p = \mathrm{softmax}(o)$, true class $y$ and margin $m$:
//! $$ L = \sum_{j \ne y} \max(0,\; p_j - p_y + m). $$
//! Let $A = \{ j \ne y : p_j - p_y + m > 0 \}$ be the active terms, $a = |A|$.
//!
//! **Gradient with respect to $p$:** $\partial L/\partial p_j = [j \in A]$ for
//! $j \ne y$ and $\partial L/\partial p_y = -a$.
//!
//! **Gradient with respect to the logits** (through the Jacobian,
//! $\partial L/\partial o = J^\top \partial L/\partial p$), in closed form with
//! $S_A = \sum_{j\in A} p_j$:
//! $$ \frac{\partial L}{\partial o_i} = p_i\big([i\in A] - a[i=y] - S_A + a\,p_y\big). $$
//! It sums to zero over $i$ (softmax is shift-invariant).
//!
//! **Kinks.** A term exactly at its margin ($p_j - p_y + m = 0$) is not
//! differentiable. The subgradient used there is the inactive side (the term
//! contributes 0), the same rule as $\mathrm{relu}'(0) = 0$.
//!
//! **Margin $\ge 1$.** Since $p_y - p_j < 1$, every term is active, and
//! $L = (k-1)m + 1 - k\,p_y$: an affine function of $p_y$ alone.

use num_dual::DualNumFloat;

use crate::error::{OracleError, Result, require_finite};
use crate::float::{Real, Scalar, cst};
use crate::models::softmax::{check_logits, jacobian_from_probabilities, softmax_unchecked};

/// The default margin, 1.0 (the sheet leaves it symbolic).
pub const DEFAULT_MARGIN: f64 = 1.0;

fn check_label_margin(label: usize, classes: usize, margin: f64) -> Result<()> {
    if label >= classes {
        return Err(OracleError::LabelOutOfRange { label, classes });
    }
    if !margin.is_finite() {
        return Err(OracleError::InvalidMargin(margin));
    }
    Ok(())
}

fn check_probabilities<F: Real>(p: &[F]) -> Result<()> {
    require_finite("p", p.iter().map(|v| v.to_f64().unwrap_or(f64::NAN)))?;
    if p.len() < 2 {
        return Err(OracleError::TooFewClasses {
            name: "p".into(),
            found: p.len(),
        });
    }
    Ok(())
}

/// Whether term $j$ is active (strictly above its margin; at the margin counts as inactive).
fn active<F: Real>(p: &[F], label: usize, margin: F, j: usize) -> bool {
    j != label && p[j] - p[label] + margin > F::zero()
}

/// $L(p)$ for probabilities `p` (any real vector is accepted).
///
/// # Errors
/// Fewer than 2 entries, non-finite entries, `label >= p.len()`, non-finite margin.
pub fn hinge_loss<F: Real>(p: &[F], label: usize, margin: F) -> Result<F> {
    check_probabilities(p)?;
    check_label_margin(label, p.len(), margin.to_f64().unwrap_or(f64::NAN))?;
    Ok(hinge_loss_unchecked(p, label, margin))
}

/// $L(p)$ without input checks, in any scalar type (floats or dual numbers).
pub fn hinge_loss_unchecked<T: Scalar<F>, F: DualNumFloat>(p: &[T], label: usize, margin: F) -> T {
    let Some(py) = p.get(label).copied() else {
        return T::from(F::nan());
    };
    p.iter()
        .enumerate()
        .filter(|(j, _)| *j != label)
        .fold(T::zero(), |acc, (_, pj)| {
            let term = *pj - py + margin;
            if term.re() > F::zero() {
                acc + term
            } else {
                acc
            }
        })
}

/// $\partial L/\partial p$, with the inactive side taken at a term exactly at its margin.
///
/// # Errors
/// As [`hinge_loss`].
pub fn hinge_gradient_p<F: Real>(p: &[F], label: usize, margin: F) -> Result<Vec<F>> {
    check_probabilities(p)?;
    check_label_margin(label, p.len(), margin.to_f64().unwrap_or(f64::NAN))?;
    let mut g = vec![F::zero(); p.len()];
    for j in 0..p.len() {
        if active(p, label, margin, j) {
            g[j] = F::one();
            g[label] -= F::one();
        }
    }
    Ok(g)
}

/// The loss on logits: $L(\mathrm{softmax}(o))$.
///
/// # Errors
/// As [`crate::softmax`] and [`hinge_loss`].
pub fn softmax_hinge_loss<F: Real>(o: &[F], label: usize, margin: F) -> Result<F> {
    check_logits("logits", o)?;
    check_label_margin(label, o.len(), margin.to_f64().unwrap_or(f64::NAN))?;
    Ok(softmax_hinge_loss_unchecked(o, label, margin))
}

/// $L(\mathrm{softmax}(o))$ without input checks, in any scalar type.
pub fn softmax_hinge_loss_unchecked<T: Scalar<F>, F: DualNumFloat>(
    o: &[T],
    label: usize,
    margin: F,
) -> T {
    hinge_loss_unchecked(&softmax_unchecked(o), label, margin)
}

/// $\partial L/\partial o$ through the Jacobian: $J^\top\, \partial L/\partial p$,
/// forming the $k\times k$ matrix (the textbook route).
///
/// # Errors
/// As [`softmax_hinge_loss`].
pub fn softmax_hinge_gradient_via_jacobian<F: Real>(
    o: &[F],
    label: usize,
    margin: F,
) -> Result<Vec<F>> {
    check_logits("logits", o)?;
    check_label_margin(label, o.len(), margin.to_f64().unwrap_or(f64::NAN))?;
    let p = softmax_unchecked(o);
    let gp = hinge_gradient_p(&p, label, margin)?;
    let j = jacobian_from_probabilities(&p);
    let gp = nalgebra::DVector::from_column_slice(&gp);
    Ok((j.transpose() * gp).iter().copied().collect())
}

/// $\partial L/\partial o$ in closed form, $O(k)$:
/// $p_i([i\in A] - a[i=y] - S_A + a\,p_y)$.
///
/// ```
/// use gradient_oracle::softmax_hinge_gradient;
/// let g = softmax_hinge_gradient(&[1.0, 2.0, 0.5], 0, 1.0).unwrap();
/// assert!(g.iter().sum::<f64>().abs() < 1e-15);
/// ```
///
/// # Errors
/// As [`softmax_hinge_loss`].
pub fn softmax_hinge_gradient<F: Real>(o: &[F], label: usize, margin: F) -> Result<Vec<F>> {
    check_logits("logits", o)?;
    check_label_margin(label, o.len(), margin.to_f64().unwrap_or(f64::NAN))?;
    let p = softmax_unchecked(o);
    let mut a = 0usize;
    let mut s_a = F::zero();
    for j in 0..p.len() {
        if active(&p, label, margin, j) {
            a += 1;
            s_a += p[j];
        }
    }
    let a_f: F = cst(a as f64);
    let py = p[label];
    Ok((0..p.len())
        .map(|i| {
            let indicator = if active(&p, label, margin, i) {
                F::one()
            } else {
                F::zero()
            };
            let own = if i == label { a_f } else { F::zero() };
            p[i] * (indicator - own - s_a + a_f * py)
        })
        .collect())
}

/// The hinge terms' distances to their margins, $p_j - p_y + m$ for $j \ne y$
/// (`None` at $j = y$): a term at 0 is at its kink.
///
/// # Errors
/// As [`softmax_hinge_loss`].
pub fn hinge_margins<F: Real>(o: &[F], label: usize, margin: F) -> Result<Vec<Option<F>>> {
    check_logits("logits", o)?;
    check_label_margin(label, o.len(), margin.to_f64().unwrap_or(f64::NAN))?;
    let p = softmax_unchecked(o);
    Ok((0..p.len())
        .map(|j| (j != label).then(|| p[j] - p[label] + margin))
        .collect())
}
