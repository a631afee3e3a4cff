//! Step 4's last probe, where a kink's gap stood at every level of the kink
//! analysis: is the kink at x, or closer to x than the smallest step?
//!
//! The levels' smallest step $h_K$ is $10^{-4}$ of the central step (about
//! $6\cdot10^{-10}w_i$ in `f64`). A kink at a distance $d < h_K$ from x, say
//! to its right, leaves the right slopes straddling it at every level,
//! $R_k = L + J(1 - d/h_k)$, and the gap stands as for a kink at x: a ReLU at
//! $x = -10^{-12}$ read **Kink** for the claim 1, its other side's slope,
//! though its derivative there is 0. f's rounding allows a far smaller step.
//! With $N = \max(\eta\varepsilon\nu_0, 8\hat\sigma)$ the numerator of the
//! slopes' rounding $\rho(h) = N/h$, $\nu_0$ from $|f_0|$ alone (at a zero of
//! f the values near x shrink with the step, and so does their rounding), and
//! $G_K$ the last level's gap, the slopes at
//! $$\delta = \max\big(8N/G_K,\ 1024\,\varepsilon w_i\big)$$
//! resolve an eighth of the gap (what the decision below needs: its reach,
//! twice the rounding plus a bar, stays under half the gap; a sixteenth
//! left kinks $10^{-11}$ beside x, under a jump of 0.07, unplaced). The floor is where floats stop placing a
//! kink: a pre-activation $w \cdot x + b$ summed from terms of the
//! coordinate's width $w_i$ crosses 0 at a place known to about
//! $\varepsilon w_i$ per term, and a probe finer than that would read the
//! side its rounding picked (an exact claim could then fail). Where $\delta$
//! is not a tenth of $h_K$ (in `f32` it never is: $h_K = 4.9\cdot10^{-7}w_i$)
//! nothing is probed. Two evaluations, $f(x \pm \delta e_i)$ (two more per
//! coarser step read): where both
//! slopes there, $l^*$ and $r^*$, agree with one side's slope $S$ of the
//! last level (within twice their rounding $\rho^*$ plus that slope's bar,
//! the bar of `kinks::judge_standing`: $\rho_K$ + its drift since the level
//! before + the relative floor) and that side stands apart from the other by
//! more than twice that, the kink is off x, on the other side, farther than
//! $\delta$: f is differentiable at x with the derivative $S$ (a one-sided
//! slope that never straddled the kink, its truncation bounded by its
//! drift), and the claim is judged against it. A kink at x keeps its gap at
//! $\delta$; a side that reads exactly $f_0$ at $\delta$ after it moved at
//! the levels is a plateau of f's rounding, whose bar ($\rho^*$ of
//! `plateau_rounding`) is too coarse to tell the sides apart: both leave the
//! kink as it stood. The side's slope is trusted only as far as the probe
//! confirms it: its bar gains the probe's slopes' distance from it and their
//! bare rounding ($2\varepsilon\nu/\delta$), for a second kink between
//! $\delta$ and $h_K$ would move it. Steps $h_K/16^j$ coarser than $\delta$,
//! read after $\delta$ found the kink off x and while they still do, give
//! the finer rounding. A jump of f itself (`LevelsSeen::across_a_jump`: a
//! hinge's gradient, judged by a Hessian check) is not placed: a claim from
//! either piece is judged by its own side. The probe's slopes also deny a
//! wider step's kink (`LevelsSeen::deny_kink`).

use crate::float::{Real, cst};

use super::budget::Tolerances;
use super::probe::Evaluator;
use super::rule::Estimate;

/// The probe's step is at least this many $\varepsilon w_i$: where f is
/// computed from sums of terms of the coordinate's width (a pre-activation
/// $w \cdot x + b$), the place where such a sum crosses 0 is known to about
/// $\varepsilon w_i$ per term, and a probe finer than that would read the
/// side its rounding picked.
const FLOOR: f64 = 1024.0;

/// The slopes $l^*$, $r^*$ at the probe's step, their rounding bar $\rho^*$
/// (the stages' conservative one, plateaus included) and their bare
/// rounding, two units of f's last place or twice its measured noise over
/// the step (what the slopes' rounding typically is).
#[derive(Debug, Clone, Copy)]
pub(super) struct Probe<F> {
    pub(super) step: F,
    pub(super) left: F,
    pub(super) right: F,
    pub(super) rounding: F,
    pub(super) bare: F,
}

/// The probe's steps for a standing gap between the last level's slopes
/// `left` and `right` (at step `last_step`), with f's rounding at x
/// `rounding_at_x` (the numerator of $\rho(h)$: $\max(\eta\varepsilon\nu,
/// 8\hat\sigma)$ with $\nu$ from $|f_0|$ alone, since at a zero of f the
/// values near x shrink with the step and so does their rounding), coarsest
/// first: $h_K/16^j$ down to the finest step $\delta$ (see the module doc),
/// then $\delta$ itself. The coarser a step the finer its rounding: of the
/// steps that find the kink off x, the coarsest decides. Empty
/// where $\delta$ is not a tenth of $h_K$ (the levels went as fine as f's
/// rounding allows).
pub(super) fn probe_steps<F: Real>(
    (left, right): (F, F),
    last_step: F,
    rounding_at_x: F,
    width: F,
) -> Vec<F> {
    let gap = (right - left).abs();
    let finest = (cst::<F>(8.0) * rounding_at_x / gap).max(cst::<F>(FLOOR) * F::epsilon() * width);
    if finest.is_nan() || finest > last_step / cst::<F>(10.0) {
        return Vec::new();
    }
    let rung: F = cst(RUNG);
    let mut steps: Vec<F> = std::iter::successors(Some(last_step / rung), |s| Some(*s / rung))
        .take_while(|s| *s > finest)
        .collect();
    steps.push(finest);
    steps
}

/// The ratio between the probe's successive steps.
const RUNG: f64 = 16.0;

/// The bars of the last level's one-sided slopes `(left, right)` of output
/// `o`: the rounding `rho`, how far each slope still moved since the level
/// before (`drift`; a slope whose step straddles a kink just off x moves,
/// the other side's does not), and the relative floor.
pub(super) fn side_bars<F: Real>(
    t: &Tolerances<F>,
    o: usize,
    (left, right): (F, F),
    rho: F,
    drift: (F, F),
) -> (F, F) {
    let bar = |v: F, moved: F| rho + moved + t.relative(o) * v.abs() + t.absolute(o);
    (bar(left, drift.0), bar(right, drift.1))
}

/// f at $x \pm$ `step` along coordinate `i`, every output: `(plus, minus)`,
/// or `None` where f was not finite there.
pub(super) fn probe_values<F: Real, E: FnMut(&[F], &mut [F])>(
    ev: &mut Evaluator<'_, F, E>,
    i: usize,
    step: F,
    m: usize,
) -> Option<(Vec<F>, Vec<F>)> {
    let (mut plus, mut minus) = (vec![F::zero(); m], vec![F::zero(); m]);
    ev.within_domain(|ev| {
        ev.at(i, step, &mut plus);
        ev.at(i, -step, &mut minus);
    })?;
    Some((plus, minus))
}

/// Which of the last level's one-sided slopes is x's own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Side {
    Left,
    Right,
}

/// Where the probe found the kink off x: x's side and its slope with its bar
/// (`bars`: the left's and the right's). `None` where the probe leaves the
/// kink at x (or cannot tell).
pub(super) fn off_x_side<F: Real>(
    (left, right): (F, F),
    bars: (F, F),
    p: &Probe<F>,
) -> Option<(Side, Estimate<F>)> {
    let two: F = cst(2.0);
    let sides = [
        (Side::Left, left, bars.0, right),
        (Side::Right, right, bars.1, left),
    ];
    sides.into_iter().find_map(|(side, value, bar, other)| {
        let reach = two * p.rounding + bar;
        let holds = (p.left - value).abs() <= reach && (p.right - value).abs() <= reach;
        let apart = (other - value).abs() > two * reach;
        (holds && apart).then_some((side, Estimate { value, bar }))
    })
}
