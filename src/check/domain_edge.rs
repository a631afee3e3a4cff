//! The edge of f's domain: non-finite values are evidence, never silence.
//!
//! When the probes of a coordinate meet a NaN or an infinite f at every probe
//! width (`walk.rs` narrows it first), each side of x is probed on its own
//! with a ladder of steps $h_k = h_0 2^{-k}$, $h_0 = \varepsilon^{1/3}w_i$,
//! until $f(x \pm h)$, $f(x \pm 2h)$ and $f(x \pm 4h)$ are all finite:
//!
//! - **one finite side** $s$: the one-sided differences
//!   $D(h) = (f(x + s h) - f_0)/(s h)$ at $h, 2h, 4h$, extrapolated twice,
//!   $R_1(h) = 2D(h) - D(2h)$, $R_2 = (4R_1(h) - R_1(2h))/3$. The claim is
//!   judged against $R_2$, the one-sided derivative, with the bar
//!   $4|R_2 - R_1(h)| + 64\varepsilon\nu/h$ (truncation and rounding) plus
//!   the floors of `budget.rs`. At the end of a domain that is the derivative
//!   the claim must equal: a wrong claim **fails**. Where the first
//!   extrapolation does not shrink the change between steps,
//!   $|R_1(h) - R_1(2h)| > |D(h) - D(2h)|/2$ beyond rounding (a slope that
//!   blows up, $\sqrt{x}$ at 0, or converges like $h^{1/2}$), f is not smooth
//!   up to the edge and the entry is **Inconclusive**.
//! - **both sides finite** at some step (the domain is two-sided there, but
//!   the probe widths could not fit inside it): the same, from the side
//!   whose estimate has the smaller bar.
//! - **no finite side** (f is finite at x only): **Inconclusive**, with the
//!   reason; the entry's tolerance is infinite.
//!
//! Cost: up to 3 evaluations per rung per side, at most 40 rungs.

use super::budget::{Tolerances, tolerance};
use super::point::{Point, entry};
use super::probe::Evaluator;
use super::rule::{Estimate, judge};
use super::{EntryCheck, Evidence, Verdict};
use crate::float::{Real, cst};

/// The most halvings of the step on each side.
const RUNGS: usize = 40;

/// A one-sided estimate per output, from side `sign` (+1 or -1) at step `h`.
struct Side<F> {
    estimates: Vec<Estimate<F>>,
}

/// Judges the entries of coordinate `i` (one per output) by the finite side
/// of x, or makes them Inconclusive where neither side is finite.
pub(super) fn judge_at_domain_edge<F: Real, E: FnMut(&[F], &mut [F])>(
    ev: &mut Evaluator<'_, F, E>,
    point: Point<'_, F>,
    i: usize,
    width: F,
    entries: &mut [EntryCheck],
) {
    let sides: Vec<Side<F>> = [F::one(), -F::one()]
        .into_iter()
        .filter_map(|sign| one_side(ev, point, i, width, sign))
        .collect();
    let t = Tolerances::<F>::new(&point.noise.claim);
    for (o, e) in entries.iter_mut().enumerate() {
        let a = point.analytic[o][i];
        let best = sides
            .iter()
            .map(|s| s.estimates[o])
            .filter(|est| est.bar.is_finite() && est.value.is_finite())
            .min_by(|p, q| {
                p.bar
                    .partial_cmp(&q.bar)
                    .unwrap_or(std::cmp::Ordering::Equal)
            });
        let Some(best) = best else {
            e.outcome = Verdict::Inconclusive;
            e.tolerance = f64::INFINITY;
            e.evidence = Evidence::DomainEdge;
            continue;
        };
        let tol = tolerance(point.config, &t, o, a, best.value, best.bar);
        let verdict = judge(
            a,
            Estimate {
                value: best.value,
                bar: tol,
            },
            &[],
            &[],
        );
        *e = entry(
            o,
            i,
            a,
            best.value,
            best.value,
            best.value,
            tol,
            verdict,
            Evidence::DomainEdge,
        );
    }
}

/// The extrapolated one-sided derivative from side `sign`, at the largest
/// step of the ladder where f is finite at all three probes; `None` when no
/// rung is.
fn one_side<F: Real, E: FnMut(&[F], &mut [F])>(
    ev: &mut Evaluator<'_, F, E>,
    point: Point<'_, F>,
    i: usize,
    width: F,
    sign: F,
) -> Option<Side<F>> {
    let m = point.f0.len();
    let (two, three, four) = (cst::<F>(2.0), cst::<F>(3.0), cst::<F>(4.0));
    let mut h = F::epsilon().cbrt() * width;
    let (mut f1, mut f2, mut f4) = (vec![F::zero(); m], vec![F::zero(); m], vec![F::zero(); m]);
    let finite = |v: &[F]| v.iter().all(|x| x.is_finite());
    for _ in 0..RUNGS {
        // A step below the spacing of the floats at x does not move x.
        if point.x[i] + sign * h == point.x[i] {
            return None;
        }
        ev.at(i, sign * four * h, &mut f4);
        if finite(&f4) {
            ev.at(i, sign * two * h, &mut f2);
            ev.at(i, sign * h, &mut f1);
            if finite(&f2) && finite(&f1) {
                let estimates = (0..m)
                    .map(|o| {
                        let f0 = point.f0[o];
                        let d = |v: F, step: F| (v - f0) / (sign * step);
                        let (d1, d2, d4) = (d(f1[o], h), d(f2[o], two * h), d(f4[o], four * h));
                        let (r1, r2) = (two * d1 - d2, two * d2 - d4);
                        let value = (four * r1 - r2) / three;
                        let scale = f0.abs().max(f1[o].abs()).max(f2[o].abs()).max(f4[o].abs())
                            + point.noise.input[o];
                        let rounding = cst::<F>(64.0) * F::epsilon() * scale / h;
                        // Extrapolation assumes f is smooth up to the edge: the
                        // first correction shrinks the change between steps
                        // (by about h). Where it does not (sqrt or x^1.5 at the
                        // edge: a slope that blows up or converges like h^0.5),
                        // nothing bounds the error: the bar is infinite.
                        let smooth = (r1 - r2).abs() <= (d1 - d2).abs() / two + rounding;
                        let bar = if smooth {
                            four * (value - r1).abs() + rounding
                        } else {
                            F::infinity()
                        };
                        Estimate { value, bar }
                    })
                    .collect();
                return Some(Side { estimates });
            }
        }
        h /= two;
    }
    None
}
