//! f's rounding at x, measured: the second rounding term of the error budget
//! (the claim's is `claim.rs`).
//!
//! Every error bar scales f's rounding by $\nu = |f| + \sum_j|x_j a_j|$ until
//! the noise is measured. That assumes f rounds relative to its own value.
//! A function that cancels does not: $f = 1.21\sin x + 1.87\tanh(-0.67x)$ at
//! $x = -0.66$ is 0.03, the difference of two terms of 0.77, and in `f32` its
//! values carry an error near $\varepsilon \cdot 0.77$, 25 times what $\nu$
//! says. The first pass's strict bar was then 2.2 to 2.5 times too narrow,
//! and a claim $10^{-4}$ off passed (a property run of 60000 cases found it).
//!
//! So in `f32` (and coarser) f's rounding is **measured** before any bar is
//! drawn: f at $K = 4$ pairs of points $x \pm \delta_k$ whose every
//! coordinate moves by $s_k$ times one or two units in the last place (random
//! signs, seeded), $s_k = 1, 8, 64, 512$. The half second difference
//! $r_k = (f(x + \delta_k) + f(x - \delta_k))/2 - f(x)$ has no linear part,
//! and its curvature, $\tfrac12\delta^\top\nabla^2 f\,\delta \le
//! 7.5\cdot10^{-9}|x|^2\|\nabla^2 f\|$, is far below $\varepsilon_{32}$; what
//! is left is rounding, $(e_+ + e_-)/2 - e_0$, of standard deviation
//! $1.22\sigma$. The moves grow because 1 or 2 units do not reshuffle an
//! intermediate whose slope is small: $e^{x/4}$ at $x = 0.25$ moves by a
//! sixteenth of its unit, rounds to the same value, and the one-sided draws
//! of an earlier version read a cancelling f's rounding 5 times too small (a
//! claim $10^{-4}$ off passed at 3 times its tolerance). $r_o = \max_k |r_k|$
//! is about $1.4\sigma$ to $2.3\sigma$ over the pairs that reshuffle, and
//! $\nu_o$ is raised to at least $r_o/2\varepsilon$ in the bars drawn before
//! ECnoise measures the noise: the first pass's, $4\varepsilon\nu/h_3 \ge
//! 2r_o/h_3$, 2.8 to 4.6 times $\sigma/h_3$ where its stencil's rounding is
//! $1.18\sigma/h_3$ (a strict bar on purpose: an unsure estimate goes on and
//! measures the noise), and the fast mode's. Once measured, ECnoise's
//! $\hat\sigma$ takes over. (Counting $r_o/\varepsilon$, or raising $\nu$ in
//! the later stages too, cost resolution the tests hold: an `f32` loss
//! moving in whole quanta could no longer catch a claim 15 % off, nor a
//! chain whose residual cancels an entry 2 % off; 10 seeds of the 60000-case
//! property runs are honest with $r_o/2\varepsilon$.)
//!
//! In `f64` the look does not run: there the rounding is $10^{-16}$ of the
//! terms, far below any error a check is asked to catch, and its 8
//! evaluations would break the evaluation budget of small checks (21 for a
//! hinge of 10 classes). An intermediate rounded to `f32` inside an `f64` f
//! does not move at these steps at all; the noise model's coarse reading and
//! the quantized look see it.

use super::budget::f32_or_coarser;
use super::probe::{Evaluator, half_second_difference, ulp_pair};
use crate::float::{Real, cst};
use rand::SeedableRng;
use rand::rngs::StdRng;

/// The pairs' moves, in units in the last place (times one or two).
pub(super) const VALUE_PAIR_ULPS: [f64; 4] = [1.0, 8.0, 64.0, 512.0];

/// Per output, the scale $r_o/2\varepsilon$ that f's rounding measured at x
/// implies (the module doc); empty, with no evaluation, in `f64`.
pub(super) fn measure<F: Real, E: FnMut(&[F], &mut [F])>(
    ev: &mut Evaluator<'_, F, E>,
    x: &[F],
    f0: &[F],
    seed: u64,
) -> Vec<F> {
    if !f32_or_coarser::<F>() {
        return Vec::new();
    }
    let m = f0.len();
    let mut largest = vec![F::zero(); m];
    let mut rng = StdRng::seed_from_u64(seed ^ 0x0f_5ca1e);
    let (mut up, mut down) = (vec![F::zero(); m], vec![F::zero(); m]);
    for scale in VALUE_PAIR_ULPS {
        let (plus, minus) = ulp_pair(&mut rng, x, scale);
        (ev.eval)(&plus, &mut up);
        (ev.eval)(&minus, &mut down);
        ev.count += 2;
        for o in 0..m {
            let r = half_second_difference(up[o], down[o], f0[o]);
            // A value that is not finite (x at the edge of f's domain) says
            // nothing of rounding; the stages see that edge themselves.
            if r.is_finite() {
                largest[o] = largest[o].max(r);
            }
        }
    }
    let two = cst::<F>(2.0);
    largest.iter().map(|r| *r / (two * F::epsilon())).collect()
}
