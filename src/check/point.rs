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
