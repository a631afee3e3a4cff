//! Ridders' method: Richardson extrapolation of central differences, with an
//! error estimate.
//!
//! The central difference has an even error expansion,
//! $D(h) = f' + c_2 h^2 + c_4 h^4 + \dots$. With steps $h_k = h_0 / r^k$
//! ($r = 2$), the tableau
//! $$ T_{k,0} = D(h_k), \qquad
//!    T_{k,j} = \frac{r^{2j} T_{k,j-1} - T_{k-1,j-1}}{r^{2j} - 1} $$
//! cancels one more power of $h^2$ per column. As in Ridders (1982) and
//! *Numerical Recipes*' `dfridr`, the error of $T_{k,j}$ is estimated by
//! $\max(|T_{k,j} - T_{k,j-1}|, |T_{k,j} - T_{k-1,j-1}|)$, the entry with the
//! smallest estimate is returned, and the tableau stops early when the
//! estimates start to grow (rounding has taken over).
//!
//! **Cost**: 2 evaluations per level; the default 4 levels cost 8 per
//! coordinate. The default $h_0 = 2^{-6}$ (times $\max(1,|x_i|)$) leaves the
//! finest step at $2^{-9}$, large enough that rounding stays near
//! $10^{-13}|f|$, while three extrapolations remove the $h^2, h^4, h^6$ terms;
//! small steps also keep the stencil from crossing nearby kinks.

use crate::float::{Real, cst};
use crate::numeric::differences::scaled_step;
use crate::numeric::probe::at_offset;

/// An extrapolated estimate with its error estimate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Extrapolated<F> {
    /// The best estimate.
    pub value: F,
    /// Its estimated absolute error.
    pub error: F,
    /// Function evaluations used.
    pub evaluations: usize,
}

/// Settings of Ridders' method.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RiddersConfig {
    /// The first (largest) base step $h_0$, scaled by $\max(1,|x_i|)$.
    pub initial_step: f64,
    /// The step ratio $r$ between levels.
    pub ratio: f64,
    /// The number of levels (2 evaluations each).
    pub levels: usize,
}

impl Default for RiddersConfig {
    /// $h_0 = 2^{-6}$, $r = 2$, 4 levels (8 evaluations).
    fn default() -> Self {
        Self {
            initial_step: 0.015625,
            ratio: 2.0,
            levels: 4,
        }
    }
}

/// Runs Ridders' tableau on `m` outputs at once. `central(h, out)` must write
/// the central differences at step `h` of every output into `out`.
pub fn ridders_vec<F: Real>(
    mut central: impl FnMut(F, &mut [F]),
    m: usize,
    h0: F,
    config: &RiddersConfig,
) -> Vec<Extrapolated<F>> {
    let levels = config.levels.max(1);
    let ratio: F = cst(config.ratio);
    let r2 = ratio * ratio;
    // tableau[k][j][out], kept as two rows to avoid allocation per level.
    let mut prev: Vec<Vec<F>> = Vec::new();
    let mut best: Vec<Extrapolated<F>> = vec![
        Extrapolated {
            value: F::nan(),
            error: F::infinity(),
            evaluations: 0,
        };
        m
    ];
    let mut done = vec![false; m];
    let mut h = h0;
    let mut row0 = vec![F::zero(); m];
    for k in 0..levels {
        central(h, &mut row0);
        let mut row = vec![row0.clone()];
        let mut factor = r2;
        for j in 1..=k {
            let next: Vec<F> = (0..m)
                .map(|o| (factor * row[j - 1][o] - prev[j - 1][o]) / (factor - F::one()))
                .collect();
            row.push(next);
            factor *= r2;
        }
        for o in 0..m {
            if done[o] {
                continue;
            }
            if k == 0 {
                best[o].value = row[0][o];
            }
            for j in 1..=k {
                let e = (row[j][o] - row[j - 1][o])
                    .abs()
                    .max((row[j][o] - prev[j - 1][o]).abs());
                if e <= best[o].error {
                    best[o].error = e;
                    best[o].value = row[j][o];
                }
            }
            best[o].evaluations = 2 * (k + 1);
            // Rounding has taken over: the diagonal moved away by more than twice the best error.
            if k > 0 && (row[k][o] - prev[k - 1][o]).abs() >= cst::<F>(2.0) * best[o].error {
                done[o] = true;
            }
        }
        prev = row;
        h /= ratio;
    }
    best
}

/// Ridders' estimate of $\partial f/\partial x_i$ at `x` (scalar `f`).
pub fn ridders<F: Real>(
    f: &mut impl FnMut(&[F]) -> F,
    x: &mut [F],
    i: usize,
    config: &RiddersConfig,
) -> Extrapolated<F> {
    let h0 = scaled_step(cst::<F>(config.initial_step), x[i]);
    let mut out = ridders_vec(
        |h, out: &mut [F]| {
            let plus = at_offset(x, i, h, &mut *f);
            let minus = at_offset(x, i, -h, &mut *f);
            out[0] = (plus - minus) / (h + h);
        },
        1,
        h0,
        config,
    );
    out.remove(0)
}

/// The Jacobian of a vector function by Ridders' method, one column (all
/// outputs at once) per input: $2 \cdot$ `levels` evaluations of `f` per
/// column (each estimate's `evaluations` is its column's whole cost), and
/// up to three more ladders, each 16 times shorter, for a
/// column whose error estimate exceeds $10^{-8}$ of its size (a kink
/// within the steps). Applied to a gradient it is the Hessian from first
/// derivatives, the estimate `gradient-oracle bench` sets beside
/// numdifftools' `Hessian` (which works from $f$ alone).
///
/// Columns are `result[j][i]` $\approx \partial f_i / \partial x_j$.
///
/// ```
/// use gradient_oracle::numeric::extrapolation::{ridders_jacobian, RiddersConfig};
/// let grad = |x: &[f64]| vec![2.0 * x[0] * x[1], x[0] * x[0]]; // of x0^2 x1
/// let cols = ridders_jacobian(grad, &[1.5, -0.5], &RiddersConfig::default());
/// assert!((cols[0][0].value - -1.0).abs() < 1e-12 && (cols[1][0].value - 3.0).abs() < 1e-12);
/// ```
pub fn ridders_jacobian<F: Real>(
    mut f: impl FnMut(&[F]) -> Vec<F>,
    x: &[F],
    config: &RiddersConfig,
) -> Vec<Vec<Extrapolated<F>>> {
    let m = f(x).len();
    let mut p = x.to_vec();
    (0..x.len())
        .map(|j| {
            // Each ladder evaluates f at every level, whatever the outputs'
            // early stops (their `evaluations` count only the levels they used).
            let ladder = 2 * config.levels.max(1);
            let mut spent = ladder;
            let mut h0 = scaled_step(cst::<F>(config.initial_step), x[j]);
            let mut column = ridders_column(&mut f, &mut p, x, j, m, h0, config);
            // A kink within the ladder (a ReLU's, a hinge's) spoils the
            // extrapolation and shows in its error estimate: shorter ladders,
            // at most three, and per output the estimate that trusts itself most.
            for _ in 0..SHORTER_LADDERS {
                if column.iter().all(|e| trusted(e)) {
                    break;
                }
                h0 /= cst::<F>(16.0);
                let shorter = ridders_column(&mut f, &mut p, x, j, m, h0, config);
                spent += ladder;
                for (best, new) in column.iter_mut().zip(shorter) {
                    if new.error < best.error {
                        *best = new;
                    }
                }
            }
            for e in &mut column {
                e.evaluations = spent;
            }
            column
        })
        .collect()
}

/// Shorter ladders [`ridders_jacobian`] tries where an estimate is not trusted.
const SHORTER_LADDERS: usize = 3;

/// An estimate whose error estimate is within $10^{-8}$ of its size.
fn trusted<F: Real>(e: &Extrapolated<F>) -> bool {
    e.error <= cst::<F>(1e-8) * F::one().max(e.value.abs())
}

/// One column of [`ridders_jacobian`] from the first step `h0`.
fn ridders_column<F: Real>(
    f: &mut impl FnMut(&[F]) -> Vec<F>,
    p: &mut [F],
    x: &[F],
    j: usize,
    m: usize,
    h0: F,
    config: &RiddersConfig,
) -> Vec<Extrapolated<F>> {
    ridders_vec(
        |h, out: &mut [F]| {
            p[j] = x[j] + h;
            let plus = f(p);
            p[j] = x[j] - h;
            let minus = f(p);
            p[j] = x[j];
            for (o, slot) in out.iter_mut().enumerate() {
                *slot = match (plus.get(o), minus.get(o)) {
                    (Some(a), Some(b)) => (*a - *b) / (h + h),
                    _ => F::nan(),
                };
            }
        },
        m,
        h0,
        config,
    )
}

/// The whole gradient by Ridders' method: at most $2 \cdot$ `levels` evaluations per coordinate.
pub fn ridders_gradient<F: Real>(
    mut f: impl FnMut(&[F]) -> F,
    x: &[F],
    config: &RiddersConfig,
) -> Vec<Extrapolated<F>> {
    let mut work = x.to_vec();
    (0..x.len())
        .map(|i| ridders(&mut f, &mut work, i, config))
        .collect()
}

/// Richardson extrapolation of estimates `values[k]` taken at steps $h_0 / r^k$
/// whose error expands in powers $h^{p}, h^{2p}, \dots$ (`power` $= p$: 1 for
/// one-sided differences, 2 for central ones). Returns the entry of the
/// tableau with the smallest error estimate, and that estimate (as in Ridders'
/// method); with fewer than two values the error is infinite.
pub fn richardson<F: Real>(values: &[F], ratio: F, power: i32) -> (F, F) {
    let Some(&first) = values.first() else {
        return (F::nan(), F::infinity());
    };
    let base = ratio.powi(power);
    let mut best = (first, F::infinity());
    let mut prev: Vec<F> = vec![first];
    for &v in &values[1..] {
        let mut row = vec![v];
        let mut factor = base;
        for j in 1..=prev.len() {
            let next = (factor * row[j - 1] - prev[j - 1]) / (factor - F::one());
            let err = (next - row[j - 1]).abs().max((next - prev[j - 1]).abs());
            if err <= best.1 {
                best = (next, err);
            }
            row.push(next);
            factor *= base;
        }
        prev = row;
    }
    best
}
