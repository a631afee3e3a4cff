//! Exercise 2's network in `f64`, fast: the loss and the gradient that the
//! finite-difference checks and the benchmarks call thousands of times.
//!
//! Both are fused and register-blocked over blocks of 8 samples, so the
//! $N \times H$ matrix $S = X W^\top$ is never stored: at the protocol's
//! $N = 64$, $H = 1000$ it has 64 000 entries (512 KB), and writing it and
//! reading it back made nalgebra's matrix products
//! ([`Mlp::totals`](crate::Mlp::totals)) 2 to 5 times slower than these loops.
//! Each function is compiled for AVX-512, AVX2 and baseline x86-64 and picks
//! one at run time (`multiversion`); none fuses multiply-adds, so every build
//! gives the same bits.
//!
//! The math is the module [`mlp`](crate::models::mlp)'s: with
//! $\delta_{out,n} = (y_{out,n} - y_n)(1 - y_{out,n}^2)$,
//! $$ \frac{\partial L}{\partial w_i} = \sum_n \delta_{out,n}\, \mathrm{relu}(s_{ni}), \qquad
//!    \frac{\partial L}{\partial W_{ij}} = \sum_n \delta_{out,n}\, w_i\,
//!    \mathrm{relu}'(s_{ni})\, x_{nj}, $$
//! with $\mathrm{relu}'(0) = 0$.

use crate::error::{OracleError, Result};
use crate::models::dataset::Dataset;

/// Samples per register block (two AVX2 registers or one AVX-512 register).
const SAMPLE_BLOCK: usize = 8;

/// [`mlp_loss`](crate::mlp_loss) in `f64`, fast: the finite-difference checks' hot path.
///
/// Equal to [`mlp_loss`](crate::mlp_loss) bit for bit (the same operations in the
/// same order). No allocation.
///
/// `params.len()` must be `hidden * D + hidden` (layout of
/// [`Mlp::parameters`](crate::Mlp::parameters)); otherwise the result is NaN.
///
/// ```
/// use gradient_oracle::{Dataset, Mlp, mlp_loss_f64};
/// let (mlp, data) = (Mlp::sheet(), Dataset::sheet());
/// let loss = mlp_loss_f64(&mlp.parameters(), mlp.hidden(), &data);
/// assert_eq!(loss, mlp.loss_and_gradient(&data)?.0);
/// # Ok::<(), gradient_oracle::OracleError>(())
/// ```
pub fn mlp_loss_f64(params: &[f64], hidden: usize, data: &Dataset) -> f64 {
    let d = data.x().ncols();
    // (Checked: a `hidden` near usize::MAX would overflow the product.)
    let expected = hidden.checked_mul(d).and_then(|hd| hd.checked_add(hidden));
    if expected != Some(params.len()) {
        return f64::NAN;
    }
    let (w_hidden, w_out) = params.split_at(hidden * d);
    fused_loss(w_hidden, w_out, d, data.x().as_slice(), data.y().as_slice())
}

/// The summed loss and its gradient (layout of [`Mlp::parameters`](crate::Mlp::parameters)),
/// fast: the same values as [`Mlp::loss_and_gradient`](crate::Mlp::loss_and_gradient)
/// up to the order of additions, with no `Mlp` to build.
///
/// # Errors
/// [`OracleError::ShapeMismatch`] when `params.len() != hidden * D + hidden`.
pub fn mlp_loss_and_gradient_f64(
    params: &[f64],
    hidden: usize,
    data: &Dataset,
) -> Result<(f64, Vec<f64>)> {
    let d = data.x().ncols();
    let expected = hidden.checked_mul(d).and_then(|hd| hd.checked_add(hidden));
    if expected != Some(params.len()) {
        return Err(OracleError::ShapeMismatch {
            name: "params".into(),
            expected: format!(
                "{} entries (H*D + H, H = {hidden}, D = {d})",
                expected.map_or("more than usize::MAX".to_string(), |e| e.to_string())
            ),
            found: format!("{} entries", params.len()),
        });
    }
    let (w_hidden, w_out) = params.split_at(hidden * d);
    let n = data.len();
    let padded = n.div_ceil(SAMPLE_BLOCK) * SAMPLE_BLOCK;
    // X column by column, each column padded with zeros to whole blocks; a
    // padded sample has delta_out = 0 and adds nothing.
    let mut x = vec![0.0; d * padded];
    for (k, column) in data.x().column_iter().enumerate() {
        x[k * padded..k * padded + n].copy_from_slice(column.as_slice());
    }
    let mut delta_out = vec![0.0; padded];
    let loss = fused_forward(w_hidden, w_out, d, &x, data.y().as_slice(), &mut delta_out);
    let mut gradient = vec![0.0; params.len()];
    let (grad_hidden, grad_out) = gradient.split_at_mut(hidden * d);
    fused_backward(w_hidden, w_out, d, &x, &delta_out, grad_hidden, grad_out);
    Ok((loss, gradient))
}

/// The body of [`mlp_loss_f64`]: `x` is the N x D matrix column by column,
/// `w_hidden` the H x D weights row by row.
#[multiversion::multiversion(targets("x86_64+avx512f", "x86_64+avx2"))]
fn fused_loss(w_hidden: &[f64], w_out: &[f64], d: usize, x: &[f64], y: &[f64]) -> f64 {
    let n = y.len();
    let mut total = 0.0;
    for start in (0..n).step_by(SAMPLE_BLOCK) {
        let len = (n - start).min(SAMPLE_BLOCK);
        // The block's inputs, padded with zeros (a padded lane computes relu(0) = 0
        // and is never read).
        let column = |k: usize| {
            let mut lanes = [0.0; SAMPLE_BLOCK];
            lanes[..len].copy_from_slice(&x[k * n + start..k * n + start + len]);
            lanes
        };
        let s_out = block_s_out(w_hidden, w_out, d, column);
        for l in 0..len {
            let r = s_out[l].tanh() - y[start + l];
            total += 0.5 * r * r;
        }
    }
    total
}

/// $s_{out}$ for one block of samples; `column(k)` gives input k's lanes.
#[inline(always)]
fn block_s_out(
    w_hidden: &[f64],
    w_out: &[f64],
    d: usize,
    column: impl Fn(usize) -> [f64; SAMPLE_BLOCK],
) -> [f64; SAMPLE_BLOCK] {
    let mut s_out = [0.0; SAMPLE_BLOCK];
    if d == 2 {
        // The protocol's and the sheet's case, written out so that both input
        // columns stay in registers.
        let (x0, x1) = (column(0), column(1));
        for (w_row, &w) in w_hidden.chunks_exact(2).zip(w_out) {
            for l in 0..SAMPLE_BLOCK {
                let s = x0[l] * w_row[0] + x1[l] * w_row[1];
                s_out[l] += s.max(0.0) * w;
            }
        }
    } else {
        for (w_row, &w) in w_hidden.chunks_exact(d).zip(w_out) {
            let mut s = [0.0; SAMPLE_BLOCK];
            for (k, &a) in w_row.iter().enumerate() {
                let xk = column(k);
                for l in 0..SAMPLE_BLOCK {
                    s[l] += xk[l] * a;
                }
            }
            for l in 0..SAMPLE_BLOCK {
                s_out[l] += s[l].max(0.0) * w;
            }
        }
    }
    s_out
}

/// The loss, and $\delta_{out}$ per sample into `delta_out`; `x` is padded
/// column by column to `delta_out.len()` samples.
#[multiversion::multiversion(targets("x86_64+avx512f", "x86_64+avx2"))]
fn fused_forward(
    w_hidden: &[f64],
    w_out: &[f64],
    d: usize,
    x: &[f64],
    y: &[f64],
    delta_out: &mut [f64],
) -> f64 {
    let padded = delta_out.len();
    let mut total = 0.0;
    for start in (0..padded).step_by(SAMPLE_BLOCK) {
        let block = |k: usize| -> [f64; SAMPLE_BLOCK] {
            let mut lanes = [0.0; SAMPLE_BLOCK];
            lanes.copy_from_slice(&x[k * padded + start..k * padded + start + SAMPLE_BLOCK]);
            lanes
        };
        let s_out = block_s_out(w_hidden, w_out, d, block);
        for l in 0..SAMPLE_BLOCK.min(y.len().saturating_sub(start)) {
            let y_out = s_out[l].tanh();
            let r = y_out - y[start + l];
            total += 0.5 * r * r;
            delta_out[start + l] = r * (1.0 - y_out * y_out);
        }
    }
    total
}

/// The gradient from $\delta_{out}$: one pass over the hidden units, each
/// summing over all samples in lane-wise partial sums.
#[multiversion::multiversion(targets("x86_64+avx512f", "x86_64+avx2"))]
fn fused_backward(
    w_hidden: &[f64],
    w_out: &[f64],
    d: usize,
    x: &[f64],
    delta_out: &[f64],
    grad_hidden: &mut [f64],
    grad_out: &mut [f64],
) {
    let padded = delta_out.len();
    let lanes_sum = |v: [f64; SAMPLE_BLOCK]| v.iter().sum::<f64>();
    for (i, (w_row, &w)) in w_hidden.chunks_exact(d).zip(w_out).enumerate() {
        let mut g_w = [0.0; SAMPLE_BLOCK];
        // Up to 4 inputs in registers; more go through the general loop below.
        let mut g_row = [[0.0; SAMPLE_BLOCK]; 4];
        for start in (0..padded).step_by(SAMPLE_BLOCK) {
            let block = |k: usize| -> [f64; SAMPLE_BLOCK] {
                let mut lanes = [0.0; SAMPLE_BLOCK];
                lanes.copy_from_slice(&x[k * padded + start..k * padded + start + SAMPLE_BLOCK]);
                lanes
            };
            let mut delta = [0.0; SAMPLE_BLOCK];
            delta.copy_from_slice(&delta_out[start..start + SAMPLE_BLOCK]);
            let mut s = [0.0; SAMPLE_BLOCK];
            for (k, &a) in w_row.iter().enumerate() {
                let xk = block(k);
                for l in 0..SAMPLE_BLOCK {
                    s[l] += xk[l] * a;
                }
            }
            let mut delta_i = [0.0; SAMPLE_BLOCK];
            for l in 0..SAMPLE_BLOCK {
                g_w[l] += s[l].max(0.0) * delta[l];
                delta_i[l] = if s[l] > 0.0 { delta[l] * w } else { 0.0 };
            }
            for k in 0..d.min(4) {
                let xk = block(k);
                for l in 0..SAMPLE_BLOCK {
                    g_row[k][l] += delta_i[l] * xk[l];
                }
            }
            for k in 4..d {
                let xk = block(k);
                grad_hidden[i * d + k] +=
                    (0..SAMPLE_BLOCK).map(|l| delta_i[l] * xk[l]).sum::<f64>();
            }
        }
        grad_out[i] = lanes_sum(g_w);
        for k in 0..d.min(4) {
            grad_hidden[i * d + k] = lanes_sum(g_row[k]);
        }
    }
}
