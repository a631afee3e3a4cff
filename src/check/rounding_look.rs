//! The last look at a coordinate with a would-be **Fail**: f's rounding
//! along that coordinate, measured.
//!
//! The check measures f's noise once, along one pseudo-random direction
//! (`noise_model.rs`). Along the checked coordinate f can round far more
//! coarsely than along that direction: a tanh chain's gradient entry
//! $g_1 = c\,(1 - t^2)\,x_2$ with $t = \tanh(8.2)$ moves in quanta of its
//! $1 - t\cdot t$, $4\cdot10^{-10}$ of itself, while along the direction,
//! where another term of $g_1$ dominates, it reads its own $\varepsilon$
//! rounding. The small steps' differences then carry an error their bars do
//! not (25 % at $h = 9\cdot10^{-9}$), and a correct claim reads Fail.
//!
//! So a coordinate with a failing entry has its noise measured along $e_i$
//! (ECnoise from $\sqrt\varepsilon\,w_i$ at six steps whose ratios are
//! irrational: a staircase that moves a whole number of quanta per step
//! reads as smooth at that step, and about one in $10^5$ does so at all six;
//! each side on its own, the smaller kept: 84 to 336 evaluations, for all
//! outputs at once). Where it exceeds four times the check's measurement for
//! a failing output, and is a quantum an intermediate's rounding can make
//! (at most $\sqrt\varepsilon\max(1,|f|)$, or in `f64` the ulp of an
//! `f32` intermediate up to $8\max(1,|f|)$, as `grid.rs` says; a stair's
//! edges met by ECnoise's steps grown past a flat stretch read far more),
//! and grows less than fourfold at a step 16 times coarser (a quantum reads
//! the same at every step; the rounding of values that grow with the step
//! does not, nor does a kink's reading: an `f32` ReLU at $10^{-7}$ read
//! the rounding of its values $10^{-3}$ away, $10^{4}$ times its own, and
//! its claim 0, the far side's slope, read Kink; 84 to 336 evaluations more),
//! the coordinate is judged again with it as the noise of every stage's
//! error bar. A wrong claim keeps its Fail: the
//! rounding now in the bars is f's own. At most `MAX_ROUNDING_LOOKS` (16,
//! `noise_model.rs`) coordinates per check are looked at (a report with more
//! failing coordinates than that is a Fail whatever the rest read).

use crate::check::report::EntryCheck;
use crate::check::verdict::Verdict;
use crate::float::{Real, cst};
use crate::numeric::noise::{
    estimate_noise_along_six_steps, noise_along_read_at, noise_along_six_steps_from,
};

use super::budget::f32_or_coarser;
use super::grid::rounding_quantum;
use super::point::{Point, largest_claims};
use super::probe::Evaluator;

/// The ratio of the step that tells a quantum from values growing with the
/// step to the reading's own.
const COARSER: f64 = 16.0;

/// What coordinate `i` is judged again with: per output, the noise of every
/// stage's bar and a slope error added to its absolute allowance.
pub(super) struct Along<F> {
    /// The noise per output (f's rounding along $e_i$ where it was louder).
    pub(super) sigma: Vec<F>,
    /// The slope error per output that noise growing with the step carries
    /// into every stage ([`slope_floors`]; 0 where none).
    pub(super) floor: Vec<F>,
}

/// What to judge coordinate `i` again with, when its rounding along $e_i$
/// (width `width`) is more than four times the check's for some failing
/// output, or grows with the step ([`slope_floors`]); `None` otherwise
/// (nothing failed, the budget of looks is spent, user tolerances, or the
/// rounding explains nothing).
pub(super) fn louder_along<F: Real, E: FnMut(&[F], &mut [F])>(
    ev: &mut Evaluator<'_, F, E>,
    point: Point<'_, F>,
    i: usize,
    width: F,
    entries: &[EntryCheck],
) -> Option<Along<F>> {
    // Every coordinate passes here: nothing is allocated unless one failed.
    let fails = |e: &&EntryCheck| e.outcome == Verdict::Fail;
    if !entries.iter().any(|e| fails(&e))
        || !point.config.derives_tolerances()
        || !point.noise.take_rounding_look()
    {
        return None;
    }
    let m = point.f0.len();
    let mut direction = vec![F::zero(); point.x.len()];
    direction[i] = width;
    let (along, count) =
        estimate_noise_along_six_steps(&mut *ev.eval, point.x, point.f0, &direction);
    ev.count += count;
    let global = point.noise.so_far(m);
    let four: F = cst(4.0);
    // Rounding, not a stair's edges or kinks met by steps grown past a flat
    // stretch: a quantum an intermediate's rounding can make (`grid.rs`: at
    // most sqrt(eps) max(1, |f|), in f64 also an f32 ulp of 8 max(1, |f|)).
    let louder_than_global = |o: usize| {
        along[o].is_some_and(|s| s > four * global[o] && rounding_quantum(s, point.f0[o].abs()))
    };
    let mut louder = entries
        .iter()
        .filter(fails)
        .any(|e| louder_than_global(e.output));
    if louder {
        // A quantum, not the rounding of values that grow with the step (at
        // a zero of f they do, and so does a kink's reading): the reading
        // grows less than fourfold at a step 16 times coarser.
        let coarser_step = F::epsilon().sqrt() * cst::<F>(COARSER);
        let (coarser, count) =
            noise_along_six_steps_from(&mut *ev.eval, point.x, point.f0, &direction, coarser_step);
        ev.count += count;
        louder = entries.iter().filter(fails).any(|e| {
            let o = e.output;
            louder_than_global(o)
                && along[o].is_some_and(|s| coarser[o].is_none_or(|c| c <= four * s))
        });
    }
    let sigma: Vec<F> = (0..m)
        .map(|o| match along[o] {
            Some(s) if louder => s.max(global[o]),
            _ => global[o],
        })
        .collect();
    let floor = slope_floors(ev, point, (&direction, width), &sigma, entries);
    (louder || floor.iter().any(|v| *v > F::zero())).then_some(Along { sigma, floor })
}

/// Per output, $8\max_k(\hat\sigma_k - \sigma)_+/(h_k w_i)$ over ECnoise's
/// readings along $e_i$ from the coarse step $\varepsilon^{1/4}$ (84 to 336
/// evaluations; `f64` only), where they grew past four times the noise
/// `sigma` the bars carry: the slope error of noise that grows with the
/// step, which reads the same at every step ($8\hat\sigma/h$, as
/// `Tolerances::rounding`). An intermediate rounded to `f32` at its own
/// zero inside an f that is not 0 ($\mathrm{f32}(c\tanh x) + d$ at $x = 0$)
/// rounds by $2^{-24}|c|\,h$ at a step h: a slope error of about
/// $2^{-24}|c|$ at every step (Ridders' extrapolation read the exact claim
/// $4.5\cdot10^{-8}$ of itself off against a bar of $5\cdot10^{-12}$),
/// which no noise level carries. Kept only between $2^{10}\varepsilon$ of
/// the row's largest claim and $2^{-16}$ of the larger of that claim and
/// $|f_0|/w_i$: below, it is f's plain rounding of a term at its zero,
/// which the relative floor carries; above, kinks along the segment, whose
/// slope is of the order of their jumps (the kink analysis's). The
/// intermediate's slope $|c|$ can be far above the row's claim where f's
/// terms cancel ($c = 0.84$ against a claim of $7\cdot10^{-3}$), not above
/// f's own scale; a floor above the claim's scale makes a coarse tolerance,
/// and the resolution the report states says so. Read only where a failing
/// entry's miss is within the largest floor it could get, $8\cdot2^{-16}$
/// of the row's largest claim: a wrong claim is not looked at again for it.
fn slope_floors<F: Real, E: FnMut(&[F], &mut [F])>(
    ev: &mut Evaluator<'_, F, E>,
    point: Point<'_, F>,
    (direction, width): (&[F], F),
    sigma: &[F],
    entries: &[EntryCheck],
) -> Vec<F> {
    let m = point.f0.len();
    let none = vec![F::zero(); m];
    let limit: F = cst(2f64.powi(-16));
    let eight: F = cst(8.0);
    let largest = largest_claims(point.analytic);
    let within_reach = entries.iter().any(|e| {
        e.outcome == Verdict::Fail
            && cst::<F>((e.analytic - e.numeric).abs()) <= eight * limit * largest[e.output]
    });
    if f32_or_coarser::<F>() || !within_reach {
        return none;
    }
    let first_step = F::epsilon().sqrt().sqrt();
    let (_, read_at, count) =
        noise_along_read_at(&mut *ev.eval, point.x, point.f0, direction, first_step);
    ev.count += count;
    (0..m)
        .map(|o| {
            let slope = read_at[o]
                .iter()
                .filter(|(s, _)| *s > cst::<F>(4.0) * sigma[o])
                .map(|(s, h)| (*s - sigma[o]) / (*h * width))
                .fold(F::zero(), F::max);
            let kept = slope.is_finite()
                && slope > cst::<F>(1024.0) * F::epsilon() * largest[o]
                && slope <= limit * largest[o].max(point.f0[o].abs() / width);
            if kept { eight * slope } else { F::zero() }
        })
        .collect()
}
