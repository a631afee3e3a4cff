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
//! (at most $\sqrt\varepsilon\max(1,|f|)$, as `grid.rs` says; a stair's edges met by ECnoise's steps grown past a
//! flat stretch read far more), the coordinate is judged again with it as
//! the noise of every stage's error bar. A wrong claim keeps its Fail: the
//! rounding now in the bars is f's own. At most `MAX_ROUNDING_LOOKS` (16,
//! `noise_model.rs`) coordinates per check are looked at (a report with more
//! failing coordinates than that is a Fail whatever the rest read).

use crate::check::report::EntryCheck;
use crate::check::verdict::Verdict;
use crate::float::{Real, cst};
use crate::numeric::noise::estimate_noise_along_six_steps;

use super::grid::rounding_quantum;
use super::point::Point;
use super::probe::Evaluator;

/// The noise per output to judge coordinate `i` again with, when its
/// rounding along $e_i$ (width `width`) is more than four times the check's
/// for some failing output; `None` otherwise (nothing failed, the budget of
/// looks is spent, user tolerances, or the rounding explains nothing).
pub(super) fn louder_along<F: Real, E: FnMut(&[F], &mut [F])>(
    ev: &mut Evaluator<'_, F, E>,
    point: Point<'_, F>,
    i: usize,
    width: F,
    entries: &[EntryCheck],
) -> Option<Vec<F>> {
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
    // most sqrt(eps) max(1, |f|)).
    let louder = entries.iter().filter(fails).any(|e| {
        let o = e.output;
        along[o].is_some_and(|s| s > four * global[o] && rounding_quantum(s, point.f0[o].abs()))
    });
    louder.then(|| {
        (0..m)
            .map(|o| along[o].map_or(global[o], |s| s.max(global[o])))
            .collect()
    })
}
