//! The fast mode: random directions first, and a culprit found by halving.
//!
//! [`CheckConfig::directional`](crate::CheckConfig::directional) checks $d$
//! seeded random unit directions $v$
//! ([`numeric::directional`](crate::numeric::directional)): the central
//! difference $D_v f$ at $h = \varepsilon^{1/3}\max(1, \|x\|_\infty)$ against
//! $g\cdot v$ (summed with compensation, so its rounding stays near
//! $\varepsilon$ over $10^5$ terms), within
//! $\max(16\varepsilon\nu, \cdot)/h + 64\varepsilon\sum_i|g_i v_i|$, where
//! $\nu = \max|f| + \sum_i |x_i g_i|$ carries the inputs' rounding through the
//! claim. A direction that misses is looked at again with Ridders'
//! extrapolation along it (8 evaluations; pass if its error estimate is
//! trustworthy and within $4e$ plus its rounding). $2d + 1$ evaluations when
//! every direction agrees.
//!
//! When one disagrees, the wrong entries are **localized** by halving (for
//! more than [`LOCALIZE_ABOVE`] inputs): a random direction supported on each
//! half of a disagreeing block is judged the same way, and only the halves
//! that disagree are split again, down to blocks of [`BLOCK`] coordinates,
//! which the per-coordinate check then judges. One wrong entry among $10^5$
//! costs about 11 levels of 2 directions, plus one block, instead of $3\cdot10^5$
//! evaluations. If the halving finds no block (every half agrees, an error
//! spread thin across halves), the per-coordinate check runs on every
//! coordinate, as for small inputs.

use crate::check::config::CheckConfig;
use crate::check::report::DirectionalSummary;
use crate::float::{Real, cst};
use crate::numeric::differences::DifferenceScheme;
use crate::numeric::directional::RandomDirections;
use crate::numeric::extrapolation::ridders_vec;

use super::budget::{
    MeasuredRounding, Tolerances, carried_before_noise, carried_rounding, magnitude, tolerance,
};
use super::f64_of;
use super::probe::Evaluator;

/// Above this many inputs a disagreeing fast mode localizes by halving.
pub const LOCALIZE_ABOVE: usize = 256;

/// The size of the blocks that halving hands to the per-coordinate check.
pub const BLOCK: usize = 64;

/// What one direction found: whether it agrees, and per output the error
/// $|g\cdot v - D_v f|$ and the tolerance it was judged with.
struct DirectionCheck<F> {
    agrees: bool,
    errors: Vec<F>,
    tolerances: Vec<F>,
    scales: Vec<F>,
}

/// Judges the claim along one direction `v` (2 evaluations, 10 when the
/// central difference misses and Ridders looks again). `input` is, per
/// output, $\sum_i |x_i g_i|$ (the inputs' rounding carried through the
/// claim; the same for every direction).
#[allow(clippy::too_many_arguments)]
fn judge_direction<F: Real, E: FnMut(&[F], &mut [F])>(
    ev: &mut Evaluator<'_, F, E>,
    f0: &[F],
    x: &[F],
    analytic: &[Vec<F>],
    config: &CheckConfig,
    input: &[F],
    rounding: &MeasuredRounding<F>,
    v: &[F],
) -> DirectionCheck<F> {
    let claim = &rounding.claim;
    // The claim's rounding reaches g.v through every entry: at most
    // sum_i |v_i| times each entry's allowance.
    let l1 = v.iter().fold(F::zero(), |acc, vi| acc + vi.abs());
    let claim: Vec<F> = claim.iter().map(|c| *c * l1).collect();
    let t = Tolerances::<F>::new(&claim);
    let m = f0.len();
    let width = F::one().max(magnitude(x));
    let h = DifferenceScheme::Central.optimal_step::<F>() * width;
    let h0 = cst::<F>(config.ridders.initial_step) * width;
    let (mut plus, mut minus) = (vec![F::zero(); m], vec![F::zero(); m]);
    let gv: Vec<F> = analytic
        .iter()
        .map(|row| compensated_sum(row.iter().zip(v).map(|(a, vi)| *a * *vi)))
        .collect();
    let scales: Vec<F> = analytic
        .iter()
        .map(|row| {
            row.iter()
                .zip(v)
                .fold(F::zero(), |acc, (a, vi)| acc + (*a * *vi).abs())
        })
        .collect();
    ev.along(x, v, h, &mut plus);
    ev.along(x, v, -h, &mut minus);
    let mut agrees = true;
    let mut errors = vec![F::zero(); m];
    let mut tolerances = vec![F::zero(); m];
    for o in 0..m {
        let d = (plus[o] - minus[o]) / (h + h);
        let scale = magnitude(&[f0[o], plus[o], minus[o]]) + input[o];
        tolerances[o] = tolerance(config, &t, o, scales[o], d, t.rounding(scale, F::zero(), h));
        errors[o] = (gv[o] - d).abs();
        agrees &= errors[o] <= tolerances[o];
    }
    if agrees {
        return DirectionCheck {
            agrees,
            errors,
            tolerances,
            scales,
        };
    }
    let (mut p, mut q) = (vec![F::zero(); m], vec![F::zero(); m]);
    let r = ridders_vec(
        |hh, out: &mut [F]| {
            ev.along(x, v, hh, &mut p);
            ev.along(x, v, -hh, &mut q);
            for o in 0..m {
                out[o] = (p[o] - q[o]) / (hh + hh);
            }
        },
        m,
        h0,
        &config.ridders,
    );
    agrees = true;
    let h_min = h0 / cst::<F>(config.ridders.ratio).powi(config.ridders.levels as i32 - 1);
    for o in 0..m {
        let trusted = r[o].error <= t.trust * F::one().max(r[o].value.abs());
        let scale = f0[o].abs() + input[o];
        let rounding = cst::<F>(4.0) * r[o].error + t.rounding(scale, F::zero(), h_min);
        tolerances[o] = tolerance(config, &t, o, scales[o], r[o].value, rounding);
        errors[o] = (gv[o] - r[o].value).abs();
        agrees &= trusted && errors[o] <= tolerances[o];
    }
    DirectionCheck {
        agrees,
        errors,
        tolerances,
        scales,
    }
}

/// The fast mode's $d$ random directions.
pub(super) fn directional_pass<F: Real, E: FnMut(&[F], &mut [F])>(
    ev: &mut Evaluator<'_, F, E>,
    f0: &[F],
    x: &[F],
    analytic: &[Vec<F>],
    config: &CheckConfig,
    rounding: &MeasuredRounding<F>,
    count: usize,
) -> DirectionalSummary {
    let input = carried_before_noise(&carried_rounding(x, analytic), &rounding.value);
    let mut failed = 0;
    let mut worst = 0.0_f64;
    let mut resolution = 0.0_f64;
    for v in RandomDirections::<F>::new(config.seed, x.len()).take(count) {
        let d = judge_direction(ev, f0, x, analytic, config, &input, rounding, &v);
        worst = d.errors.iter().fold(worst, |acc, e| acc.max(f64_of(*e)));
        for (tol, scale) in d.tolerances.iter().zip(&d.scales) {
            resolution = resolution.max(f64_of(*tol / *scale));
        }
        if !d.agrees {
            failed += 1;
        }
    }
    DirectionalSummary {
        directions: count,
        failed,
        worst_abs_error: worst,
        resolution,
    }
}

/// The coordinates left to the per-coordinate check after the fast mode
/// disagreed: every one for small inputs, else the blocks halving kept
/// (every one again if it kept none).
pub(super) fn suspects<F: Real, E: FnMut(&[F], &mut [F])>(
    ev: &mut Evaluator<'_, F, E>,
    f0: &[F],
    x: &[F],
    analytic: &[Vec<F>],
    config: &CheckConfig,
    rounding: &MeasuredRounding<F>,
) -> Vec<usize> {
    let n = x.len();
    if n <= LOCALIZE_ABOVE {
        return (0..n).collect();
    }
    let input = carried_before_noise(&carried_rounding(x, analytic), &rounding.value);
    let mut kept = Vec::new();
    let mut blocks = vec![(0, n)];
    let mut draw = 0u64;
    while let Some((lo, hi)) = blocks.pop() {
        if hi - lo <= BLOCK {
            kept.extend(lo..hi);
            continue;
        }
        let mid = lo + (hi - lo) / 2;
        for (a, b) in [(lo, mid), (mid, hi)] {
            draw += 1;
            let seed = config.seed ^ draw.wrapping_mul(0x9e37_79b9_7f4a_7c15);
            let part = RandomDirections::<F>::new(seed, b - a)
                .next()
                .unwrap_or_default();
            let mut v = vec![F::zero(); n];
            v[a..b].copy_from_slice(&part);
            if !judge_direction(ev, f0, x, analytic, config, &input, rounding, &v).agrees {
                blocks.push((a, b));
            }
        }
    }
    if kept.is_empty() {
        return (0..n).collect();
    }
    kept.sort_unstable();
    kept
}

/// Neumaier's compensated sum.
fn compensated_sum<F: Real>(terms: impl Iterator<Item = F>) -> F {
    let (mut sum, mut carry) = (F::zero(), F::zero());
    for v in terms {
        let next = sum + v;
        carry += if sum.abs() >= v.abs() {
            (sum - next) + v
        } else {
            (v - next) + sum
        };
        sum = next;
    }
    sum + carry
}
