//! Step 0, the two-point look: a second-order estimate from $f(x + h)$ and
//! $f(x - \beta h)$ with f(x), at the central difference's step
//! $h = \varepsilon^{1/3}\max(1,|x_i|)$ and $\beta = 0.618$ (2 evaluations).
//! Notation ($\nu$, $\hat\sigma$) as in `budget.rs`.
//!
//! With the steps the float grid takes, $h_+ = (x_i + h) - x_i$ and
//! $h_- = x_i - (x_i - \beta h)$,
//! $$d = \frac{h_-^2 (f_+ - f_0) + h_+^2 (f_0 - f_-)}{h_+ h_- (h_+ + h_-)},$$
//! exact on quadratics, truncation $h_+ h_- f'''/6$. Its rounding is at most
//! $2\varepsilon\nu/h$ (the weights' sum); **pass** if
//! $|a - d| \le \max(4\varepsilon\nu, 6\hat\sigma)/h + 64\varepsilon\max(|a|,|d|)$
//! (the first pass's strict bar, `strict` times) and the bar resolves the
//! claim (at most a quarter of it, as `resolve.rs` asks of every pass),
//! nothing else: an entry it does not pass goes on to the first pass, which
//! evaluates its own stencil. Where that bar, foreseen from $f_0$ before
//! evaluating, would not resolve some output's claim (a hinge gradient of
//! $10^{-6}$ on a loss of 1000), the look is skipped: the first pass's bar at
//! its 20 times wider step is the one that can.
//!
//! **The trade.** The look's values are second order: where it decides, the
//! reported numeric value is within its bar of the claim, $10^{-10}$ to
//! $10^{-9}$ of the exact gradient on the benchmark protocol's cases
//! (the third-order first pass reached $10^{-10}$ at 3 evaluations). What it
//! buys: a check of a correct gradient in about $2n + 1$ evaluations, plain
//! central differences' count (issue #24's budget, 1.5 times that).
//!
//! **Why a pass here is a pass.** The claim agrees with $d$ to $d$'s
//! rounding. A correct claim then tells that $d$'s truncation is under that
//! bar, and the reported value is as accurate as the bar. A wrong claim
//! passes only where its error cancels $d$'s truncation to within that bar:
//! a claim computed by this very stencil at this step, nothing a derivation
//! makes.
//!
//! **Only in f64.** In `f32` the look's rounding, $\varepsilon^{2/3} = 2.4\cdot10^{-5}$
//! of f's scale before any cancellation, is the size of the errors a check
//! must catch: a property sweep found a claim $10^{-4}$ off within the bar of
//! an `f32` function whose value 0.04 is the difference of terms of 0.4 (its
//! rounding ten times what the bar assumed, before the noise is measured).
//! An `f32` check starts at the first pass.
//!
//! **Why asymmetric.** At a kink at x, with one-sided slopes $L$ and $R$,
//! $d = (L + \beta R)/(1 + \beta) = 0.618L + 0.382R$. A symmetric stencil
//! reads $(L + R)/2$, the claim a convention often makes ($\mathrm{sign}(0) =
//! 0$ for $|x|$): passing it would call a kink a pass. The conventions'
//! claims ($L$, $R$, their mean, 0) are none of $0.618L + 0.382R$ unless
//! $L = R$, so they go on to the first pass and its kink evidence. **Known
//! limit**, as for the first pass's $L/3 + 2R/3$: a claim equal to
//! $0.618L + 0.382R$ at a kink at x passes.

use super::budget::{f32_or_coarser, magnitude, tolerance};
use super::point::{Point, Walk, entry};
use super::probe::{Evaluator, Scratch};
use super::resolve::{resolves, size_to_resolve};
use super::{EntryCheck, Evidence, Verdict};
use crate::float::{Real, cst};
use crate::numeric::differences::{DifferenceScheme, step_within};

/// The left step's share of the right one.
const BETA: f64 = 0.618_033_988_749_894_9;

/// Step 0 of the module doc: pushes one entry per output (a pass, or the
/// estimate for the first pass to replace) and marks the outputs it does not
/// pass as pending. `true` when every output passed.
pub(super) fn two_point_pass<F: Real, E: FnMut(&[F], &mut [F])>(
    ev: &mut Evaluator<'_, F, E>,
    w: &Walk<'_, F>,
    s: &mut Scratch<F>,
    entries: &mut Vec<EntryCheck>,
) -> bool {
    let Point {
        f0,
        x,
        analytic,
        config,
        noise,
        ..
    } = w.point;
    let (i, width) = (w.i, w.width);
    let h = step_within(DifferenceScheme::Central.optimal_step::<F>(), x[i], width);
    let h_minus = x[i] - (x[i] - cst::<F>(BETA) * h);
    let bar = |o: usize, scale: F| w.t.bar(F::one(), scale, cst(6.0), w.sigma[o], h);
    // In f32 the look's rounding, eps^(2/3) = 2.4e-5 of f's scale before any
    // cancellation (ten times that where f = 0.04 is the difference of terms
    // of 0.4), is the size of the errors a check must catch: a claim 1e-4
    // off once lay within its bar of d. The look runs where eps^(2/3) is far
    // below them (f64: 3.7e-11). And an entry whose bar here, foreseen from
    // f(x), would not resolve it (a hinge gradient of 1e-6 on a loss of 1000)
    // is the first pass's from the start: its bar at the wider step is 20
    // times finer.
    let skip = f32_or_coarser::<F>()
        || h_minus <= F::zero()
        || (0..f0.len()).any(|o| {
            let a = analytic[o][i];
            let foreseen = bar(o, f0[o].abs() + noise.input[o]);
            a != F::zero() && !resolves(tolerance(config, &w.t, o, a, a, foreseen), a.abs())
        });
    if skip {
        s.pending.iter_mut().for_each(|p| *p = true);
        push_placeholders(w, entries);
        return false;
    }
    ev.at(i, h, &mut s.plus);
    ev.at(i, -h_minus, &mut s.minus);
    let mut all = true;
    s.look_steps = Some((h, h_minus));
    for o in 0..f0.len() {
        let a = analytic[o][i];
        let (rise, fall) = (s.plus[o] - f0[o], f0[o] - s.minus[o]);
        let d = (h_minus * h_minus * rise + h * h * fall) / (h * h_minus * (h + h_minus));
        let scale = magnitude(&[f0[o], s.plus[o], s.minus[o]]) + noise.input[o];
        let tol = tolerance(config, &w.t, o, a, d, bar(o, scale));
        s.look[o] = (d, scale);
        // A pass that does not resolve its claim (`resolve.rs`) is left to the
        // first pass, whose bar at its wider step is finer: else step 6
        // spends 6 evaluations on it.
        let pass = resolves(tol, size_to_resolve(a, d)) && w.point.passes(o, a, d, tol);
        s.pending[o] = !pass;
        all &= pass;
        entries.push(entry(
            o,
            i,
            a,
            d,
            fall / h_minus,
            rise / h,
            tol,
            Verdict::Pass,
            Evidence::TwoPoint,
        ));
    }
    all
}

/// Entries for the first pass to replace, where the look is skipped (`f32`,
/// or a claim its bar could not resolve).
fn push_placeholders<F: Real>(w: &Walk<'_, F>, entries: &mut Vec<EntryCheck>) {
    let zero = F::zero();
    for (o, row) in w.point.analytic.iter().enumerate() {
        let a = row[w.i];
        let e = entry(
            o,
            w.i,
            a,
            a,
            zero,
            zero,
            zero,
            Verdict::Pass,
            Evidence::TwoPoint,
        );
        entries.push(e);
    }
}
