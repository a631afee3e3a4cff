//! What every stage of a coordinate's check shares, below them all: the
//! point ([`Point`]), what the stages learn on the way ([`Walk`]), and the
//! one way an entry is made ([`entry`]). The stages import this file; none
//! of them imports another stage's driver (`walk.rs`).

use super::budget::Tolerances;
use super::noise_model::NoiseModel;
use super::{CheckConfig, EntryCheck, Evidence, Verdict, f64_of};
use crate::float::{Real, cst};

/// What every coordinate's check shares: the point, f there, the claimed
/// derivatives (one row per output), the settings, and f's noise.
#[derive(Clone, Copy)]
pub(super) struct Point<'a, F> {
    pub(super) f0: &'a [F],
    pub(super) x: &'a [F],
    pub(super) analytic: &'a [Vec<F>],
    pub(super) config: &'a CheckConfig,
    pub(super) noise: &'a NoiseModel<F>,
    /// Per output, the coarsest tolerance a stage's pass may have:
    /// [`CheckConfig::max_resolution`] times the row's largest claimed
    /// $|a|$, at least twice the smallest normal number (infinite for a row
    /// of zero claims, or with a user's `atol`/`rtol`). A stage whose error
    /// bar is coarser passes nothing: the entry goes on to the next stage, whose evidence may resolve it (a
    /// kink's one-sided slopes), and the last stage's pass states its own
    /// resolution.
    pub(super) coarsest: &'a [F],
}

impl<F: Real> Point<'_, F> {
    /// The stages' Pass clause: the rule ([`judge`](super::rule::judge)) on
    /// the one estimate `value` with its `bar` says Pass (the claim `a` within
    /// the bar, both finite), with a bar that resolves the row (at most
    /// `coarsest[o]`).
    pub(super) fn passes(&self, o: usize, a: F, value: F, bar: F) -> bool {
        let best = super::rule::Estimate { value, bar };
        super::rule::judge(a, best, &[], &[]) == Verdict::Pass && bar <= self.coarsest[o]
    }
}

/// Per output row of `analytic`, its largest finite $|a|$ (0 for a row
/// with none).
pub(super) fn largest_claims<F: Real>(analytic: &[Vec<F>]) -> Vec<F> {
    analytic
        .iter()
        .map(|row| {
            row.iter()
                .filter(|a| a.is_finite())
                .fold(F::zero(), |l, a| l.max(a.abs()))
        })
        .collect()
}

/// Per output row of `analytic`, the coarsest tolerance a pass may have (see
/// [`Point::coarsest`]).
pub(super) fn coarsest_bars<F: Real>(analytic: &[Vec<F>], config: &CheckConfig) -> Vec<F> {
    analytic
        .iter()
        .map(|row| {
            let largest = row.iter().fold(F::zero(), |m, a| m.max(a.abs()));
            if config.derives_tolerances() && largest > F::zero() && largest.is_finite() {
                // Never below twice the smallest normal number, every
                // tolerance's absolute floor: no stage resolves a subnormal
                // row finer, and the report's resolution says so.
                (cst::<F>(config.max_resolution) * largest)
                    .max(cst::<F>(2.0) * F::min_positive_value())
            } else {
                F::infinity()
            }
        })
        .collect()
}

/// What the stages of one coordinate share, and what they learn on the way:
/// f's measured noise and the tolerances built on it.
pub(super) struct Walk<'a, F> {
    pub(super) point: Point<'a, F>,
    pub(super) i: usize,
    /// The coordinate's width $w_i$ (see [`check_coordinate`]).
    pub(super) width: F,
    /// The index of the coordinate's first entry.
    pub(super) first: usize,
    /// `Method::Auto` (else `Method::Ridders` skips the first passes).
    pub(super) auto: bool,
    pub(super) h3: F,
    pub(super) sigma: Vec<F>,
    pub(super) t: Tolerances<F>,
    pub(super) measured: bool,
}

/// A pass by a refined estimate `n`: the entry keeps its one-sided slopes.
pub(super) fn pass_refined<F: Real>(e: &mut EntryCheck, a: F, n: F, tol: F, evidence: Evidence) {
    let (left, right) = (e.left, e.right);
    *e = entry(
        e.output,
        e.input,
        a,
        n,
        cst(left),
        cst(right),
        tol,
        Verdict::Pass,
        evidence,
    );
}

#[allow(clippy::too_many_arguments)]
pub(super) fn entry<F: Real>(
    output: usize,
    input: usize,
    a: F,
    n: F,
    left: F,
    right: F,
    tol: F,
    outcome: Verdict,
    evidence: Evidence,
) -> EntryCheck {
    let (a, n) = (f64_of(a), f64_of(n));
    let abs_error = (a - n).abs();
    let denom = a.abs().max(n.abs());
    EntryCheck {
        output,
        input,
        analytic: a,
        numeric: n,
        left: f64_of(left),
        right: f64_of(right),
        abs_error,
        rel_error: if denom > 0.0 { abs_error / denom } else { 0.0 },
        tolerance: f64_of(tol),
        outcome,
        evidence,
    }
}
