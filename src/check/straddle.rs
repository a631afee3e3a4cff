//! Whether a central difference straddles a kink: the one-sided gap's law.
//!
//! Central differences are blind to a kink that their step straddles: for
//! a kink of jump $J$ at a distance $d < h$ from x,
//! $c(h) = L + J(1 - d/h)/2$, whose error is exactly half the **gap**
//! $$g(h) = \frac{f(x+h) + f(x-h) - 2f_0}{h} = J(1 - d/h),$$
//! and two such differences agree with each other (a ReLU at
//! $x = -10^{-10}$ gives $c(h) = \tfrac12 - x/2h$ at every step, and the mean
//! of its slopes passed Ridders' error estimate with a bar of $10^{-8}$).
//! For a smooth f the gap is curvature, $g(h) = f''h + f''''h^3/12$: it
//! shrinks with the step. So a central estimate passes a claim only where
//! its gap is too small to matter ($|g|/2$ at most the tolerance, whatever
//! made it) or follows the law of a smooth f:
//!
//! - **Ridders' levels** (steps $h_0$ down to $h_{min} = h_0/8$): the finest
//!   gap is at most twice $(h_{min}/h_0)$ the widest, plus twice the slopes'
//!   rounding. A kink within every level keeps its gap near $J$ at all of
//!   them; one that only the wider levels straddle leaves Ridders' tableau
//!   inconsistent, which its error estimate sees.
//! - **Two steps $h$ and $2h$** (the fast mode's directions): the gap
//!   doubles, $|g(2h) - 2g(h)| \le |g(h)|/8$ plus the rounding. A kink at
//!   $d < h$ gives $g(2h) - 2g(h) = J(3d/2h - 1)$, which the bound admits
//!   only for $d$ within $0.64h$ to $0.69h$ (where five symmetric points
//!   fit a cubic exactly at $d = 2h/3$: the law of any fixed stencil has
//!   such a point). Step 6's weak pass at $t$ and $2t$ keeps the same law.
//! - **Ridders' value as evidence for a Fail** (the kink analysis): every
//!   level's gap is the next finer one's times the steps' ratio, within a
//!   sixteenth and the rounding, or too small to matter. A kink that only
//!   the wider levels straddle leaves the finest gap clear while the tableau
//!   still carries it.
//! - **Step 6's wide steps as evidence for a Fail** (`resolve.rs`): the gap
//!   grows from $t$ to $2t$ and from $2t$ to $4t$ by 1.5 to 4 times (as
//!   loose as that step's test of the central differences' $t^2$ law), with
//!   no exemption for a small gap. Kinks of jumps $J_k$ at distances $d_k < h$ give the gap
//!   $\sum_k J_k(1 - d_k/h)$, and the central difference an error of half
//!   the right side's share less the left side's: opposite jumps either
//!   side of x cancel in the gap and add in the error, so a small gap is no
//!   evidence for a Fail.

use crate::float::{Real, cst};

/// The one-sided gap $(f(x+h) + f(x-h) - 2f_0)/h$ of a central difference.
pub(super) fn gap<F: Real>(f0: F, plus: F, minus: F, h: F) -> F {
    (plus + minus - cst::<F>(2.0) * f0) / h
}

/// Whether a central difference with gap `gap` may pass within `tol`
/// whatever made the gap: a straddled kink moves it by half the gap.
pub(super) fn too_small_to_matter<F: Real>(gap: F, tol: F) -> bool {
    gap.abs() <= cst::<F>(2.0) * tol
}

/// Whether levels of shrinking steps straddle no kink (module doc):
/// `widest` and `finest` as (step, gap), `rounding` the slopes' rounding at
/// the finest step. The finest gap is too small to matter within `tol`, or
/// follows Ridders' levels' law from the widest.
pub(super) fn levels_clear<F: Real>(widest: (F, F), finest: (F, F), rounding: F, tol: F) -> bool {
    let two: F = cst(2.0);
    let ((h0, g0), (h, g)) = (widest, finest);
    too_small_to_matter(g, tol) || (h < h0 && g.abs() <= two * (h / h0) * g0.abs() + two * rounding)
}

/// Whether every level of a sequence of shrinking steps (`levels`, widest
/// first, each as (step, gap)) follows a smooth f's law from the level
/// before: each coarser gap is too small to matter within `tol`, or is the
/// finer one scaled by the steps' ratio, within a sixteenth of itself and
/// `rounding` at the finer step (for a ratio of 2, the law of two steps). A
/// kink that only the wider levels straddle breaks it where the steps pass
/// it: $g$ follows $J(1 - d/h)$ there, not $f''h$.
pub(super) fn every_level_follows<F: Real>(
    levels: &[(F, F)],
    rounding: impl Fn(F) -> F,
    tol: F,
) -> bool {
    levels.windows(2).all(|w| {
        let ((coarse_step, coarse), (fine_step, fine)) = (w[0], w[1]);
        let ratio = coarse_step / fine_step;
        too_small_to_matter(coarse, tol)
            || follows_the_step(fine, coarse, ratio, rounding(fine_step))
    })
}

/// A smooth f's law between a `fine` gap and a `coarse` one at `ratio`
/// times its step: the coarse gap is the fine one times the ratio, within a
/// sixteenth of that and `rounding`.
fn follows_the_step<F: Real>(fine: F, coarse: F, ratio: F, rounding: F) -> bool {
    (coarse - ratio * fine).abs() <= ratio * fine.abs() / cst::<F>(16.0) + rounding
}

/// Whether a one-sided gap stands between two steps, `coarse` and `fine`
/// as (step, gap): the finer gap is clear of `rounding` and the coarser one
/// is under $(1 + r)/2$ times it ($r$ the steps' ratio), where a smooth f's
/// would be $r$ times it: kinks within both steps, whose gap is their jump.
pub(super) fn stands<F: Real>(coarse: (F, F), fine: (F, F), rounding: F) -> bool {
    let ratio = coarse.0 / fine.0;
    fine.1.abs() > rounding && coarse.1.abs() < (F::one() + ratio) / cst::<F>(2.0) * fine.1.abs()
}

/// Whether a gap grows from a `fine` step to one `ratio` times wider as a
/// smooth f's can, in or near its asymptotic range: with the same sign, by
/// at least $(1 + r)/2$ (under it, kinks within both steps: [`stands`]) and
/// at most $2r$ (as step 6's asymptotic test lets the central differences'
/// changes grow up to twice their law), within `rounding` at the fine step.
pub(super) fn grows_with_the_step<F: Real>(fine: F, coarse: F, ratio: F, rounding: F) -> bool {
    let two: F = cst(2.0);
    let along = coarse * fine.signum();
    along >= (F::one() + ratio) / two * fine.abs() - rounding
        && along <= two * ratio * fine.abs() + rounding
}

/// The law at two steps $h$ and $2h$ (module doc): `single` the gap at
/// $h$, `double` at $2h$, `rounding` the slopes' rounding at $h$.
pub(super) fn doubles_with_the_step<F: Real>(single: F, double: F, rounding: F) -> bool {
    follows_the_step(single, double, cst(2.0), rounding)
}
