//! The claim's rounding, measured: the first stage of the error budget.
//!
//! A gradient computed in `f32` by backpropagation does not carry a few
//! $\varepsilon$ of error relative to each entry's own size: its sums and
//! cancellations round relative to the terms they combine, the row's largest
//! entries and the intermediate values (a LayerNorm backward subtracts means
//! of inputs that may be a hundred times their spread). Those intermediates are
//! not visible from outside, so the rounding is **measured**: the claim is
//! computed again at $K = 8$ points whose every coordinate is moved by one or
//! two units in the last place (random signs, seeded), which reshuffles the
//! rounding of every operation while the true gradient moves by only
//! $\varepsilon|H||x|$. The spread $s_o$ of row $o$ is the largest change of any
//! of its entries over the draws. (With $K = 3$ the largest change often fell
//! short of the claim's own error: an `f32` gradient $0.049 - 0.0466$ of a
//! tanh composition, 8e-6 off from its rounding, read Fail in the mixed
//! check; a property run of 60000 cases found it.)
//!
//! Each output's absolute allowance for the claim's rounding is then
//!
//! $$\kappa\,\max_i|a_{oi}| + \min\bigl(4 s_o,\ 8(\kappa + 64\varepsilon)\max_i|a_{oi}|\bigr),$$
//!
//! with $\kappa$ the declared relative rounding of the claim
//! ([`CheckConfig::claim_rounding`]: $32\varepsilon_{32}$ in the mixed check, 0
//! when the claim is computed in f's own float type, whose $64\varepsilon$ floor
//! stays per entry). The cap keeps a claim that jumps between draws (a ReLU
//! pre-activation exactly at 0 that the draws move across) from opening the
//! tolerance beyond $8(\kappa + 64\varepsilon)$ of the row's largest entry:
//! $3\cdot10^{-5}$ in the mixed check, so a claim $10^{-4}$ off is still caught.

use super::CheckConfig;
use crate::float::{Real, cst};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// The claim's rows at a point, `None` where it cannot give them.
pub(super) type ClaimAt<'a, G> = dyn FnMut(&[G]) -> Option<Vec<Vec<G>>> + 'a;

/// How many perturbed points the claim is computed at.
pub(super) const CLAIM_DRAWS: usize = 8;

/// The largest change of each output row's claimed entries when every
/// coordinate of `x` moves by one or two units in the last place; `claim(p)`
/// gives the rows at `p` (`None` where it cannot: a shape that changed, a
/// panic-free refusal). Draws whose claim is not finite are left out.
pub(super) fn measure_spread<G: Real>(
    claim: &mut ClaimAt<'_, G>,
    x: &[G],
    base: &[Vec<G>],
    seed: u64,
) -> Vec<f64> {
    let mut spread = vec![0.0_f64; base.len()];
    let mut rng = StdRng::seed_from_u64(seed ^ 0xc1a1_5eed);
    let mut p = x.to_vec();
    for _ in 0..CLAIM_DRAWS {
        for (pi, xi) in p.iter_mut().zip(x) {
            let ulps = cst::<G>(f64::from(rng.random_range(1..=2_u8)));
            let sign = if rng.random_bool(0.5) {
                G::one()
            } else {
                -G::one()
            };
            *pi = *xi + sign * ulps * G::epsilon() * xi.abs();
        }
        let Some(rows) = claim(&p) else { continue };
        if rows.len() != base.len() {
            continue;
        }
        for (o, (row, row0)) in rows.iter().zip(base).enumerate() {
            if row.len() != row0.len() || row.iter().any(|v| !v.is_finite()) {
                continue;
            }
            let moved = row
                .iter()
                .zip(row0)
                .map(|(a, b)| (*a - *b).abs().to_f64().unwrap_or(0.0))
                .fold(0.0, f64::max);
            spread[o] = spread[o].max(moved);
        }
    }
    spread
}

/// Each output's absolute allowance for the claim's rounding (the module
/// doc's formula), in the float type of the evaluations.
pub(super) fn allowance<F: Real>(
    analytic: &[Vec<F>],
    spread: &[f64],
    config: &CheckConfig,
) -> Vec<F> {
    let kappa = config.claim_rounding;
    let eps = F::epsilon().to_f64().unwrap_or(0.0);
    analytic
        .iter()
        .enumerate()
        .map(|(o, row)| {
            let largest = row
                .iter()
                .map(|a| a.abs().to_f64().unwrap_or(0.0))
                .filter(|a| a.is_finite())
                .fold(0.0, f64::max);
            let measured = spread.get(o).copied().unwrap_or(0.0);
            let cap = 8.0 * (kappa + 64.0 * eps) * largest;
            let v = kappa * largest + (4.0 * measured).min(cap);
            if v.is_finite() { cst(v) } else { F::zero() }
        })
        .collect()
}
