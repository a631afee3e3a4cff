//! A **Fail** decided by Ridders' extrapolation, read again from finer steps.
//!
//! Ridders' tableau (step 3) starts at $h_0 = 2^{-6}w_i$ and halves its step
//! three times; its error estimate is the agreement of neighbouring
//! extrapolations. Where f changes on a scale below those steps, the tableau
//! can agree with itself on a wrong value (**false convergence**). An `f32`
//! LayerNorm of three inputs near 2.79 whose spread is 0.008 (Ridders' steps
//! are 0.043 to 0.0054): the once-extrapolated values at the last two levels
//! are 1061.7574 and 1061.7516, so the tableau reports 1061.75 with an error
//! of $6\cdot10^{-3}$, while the derivative is 1139.84. Its bar (26.9) is
//! wrong, and the claim, right to $8\cdot10^{-2}$, read **Fail**.
//!
//! A value that an extrapolation found is confirmed by one more tableau from
//! steps it did not use: every entry that Ridders' value failed (evidence
//! `ridders`) has the tableau run again from $h_{min}/2$ down ($h_0/16$ to
//! $h_0/128$, 8 evaluations, all outputs at once, at most
//! [`MAX_ROUNDING_LOOKS`](super::noise_model::MAX_ROUNDING_LOOKS)
//! coordinates per check), its value $r'$ with the same tolerance as step 3.
//! The rule (`rule::judge`) then weighs the two: where the finer value is
//! trusted, holds the claim and has a bar no coarser than the first's, the
//! evidence contradicts itself and the entry is **Inconclusive**, never Pass
//! (the finer tableau may converge falsely too). Where the finer value
//! agrees with the first (a wrong claim on a smooth f), or is too noisy to
//! hold anything, the Fail stands. In the LayerNorm above the finer tableau
//! reads $1136.7 \pm 5.5$.
//!
//! Cost: only failing checks pay, 8 evaluations per coordinate that Ridders
//! failed.

use crate::check::report::EntryCheck;
use crate::check::verdict::{Evidence, Verdict};
use crate::float::{Real, cst};
use crate::numeric::differences::step_within;
use crate::numeric::extrapolation::ridders_vec;

use super::point::Point;
use super::probe::Evaluator;
use super::ridders::ridders_tolerance;
use super::rule::{Estimate, estimates_disagree};

/// Marks **Inconclusive** each entry of coordinate `i` (probe width `width`)
/// that Ridders' value failed while a tableau from finer steps holds the
/// claim (see the module doc).
pub(super) fn doubt_from_finer_ridders<F: Real, E: FnMut(&[F], &mut [F])>(
    ev: &mut Evaluator<'_, F, E>,
    point: Point<'_, F>,
    i: usize,
    width: F,
    entries: &mut [EntryCheck],
) {
    let failed_by_ridders =
        |e: &EntryCheck| e.outcome == Verdict::Fail && e.evidence == Evidence::Ridders;
    // Every coordinate passes here: nothing is allocated unless one failed so.
    if !entries.iter().any(failed_by_ridders) || !point.noise.take_finer_ridders_look() {
        return;
    }
    let Point {
        f0,
        x,
        analytic,
        config,
        noise,
        ..
    } = point;
    let m = f0.len();
    let ratio = cst::<F>(config.ridders.ratio);
    let levels = config.ridders.levels.max(1) as i32;
    let h0 = step_within(cst::<F>(config.ridders.initial_step), x[i], width);
    // The first tableau's smallest step was h0 / ratio^(levels - 1).
    let start = h0 / ratio.powi(levels);
    let finer = ev.within_domain(|ev| {
        let (mut plus, mut minus) = (vec![F::zero(); m], vec![F::zero(); m]);
        ridders_vec(
            |hh, out: &mut [F]| {
                ev.at(i, hh, &mut plus);
                ev.at(i, -hh, &mut minus);
                for o in 0..m {
                    out[o] = (plus[o] - minus[o]) / (hh + hh);
                }
            },
            m,
            start,
            &config.ridders,
        )
    });
    let Some(finer) = finer else { return };
    let h_min = start / ratio.powi(levels - 1);
    let sigma = noise.so_far(m);
    let t = noise.tolerances(&sigma, f0);
    for e in entries.iter_mut().filter(|e| failed_by_ridders(e)) {
        let o = e.output;
        let a = analytic[o][i];
        // The finer value's bar: its rounding from the measured noise alone,
        // not from the worst case 16 eps nu (which at these steps would
        // outweigh any first bar): a disagreement only makes the entry
        // Inconclusive, never Pass.
        let bar = ridders_tolerance(config, &t, o, a, finer[o], F::zero(), sigma[o], h_min);
        let first = Estimate {
            value: cst(e.numeric),
            bar: cst(e.tolerance),
        };
        let again = Estimate {
            value: finer[o].value,
            bar,
        };
        if estimates_disagree(a, first, again) {
            e.outcome = Verdict::Inconclusive;
        }
    }
}
