//! Step 2: central differences at their own step, and one Richardson step.
//! Notation as in `budget.rs`.
//!
//! **Central difference** at its own, smaller step $h = \varepsilon^{1/3}\max(1,|x_i|)$
//! (2 evaluations; a kink within $2h_3$ or large high derivatives spoil the
//! wide stencil): $c = (f_+ - f_-)/2h$, pass if
//! $|a - c| \le \max(4\varepsilon\nu, 4\hat\sigma)/h + 64\varepsilon\max(|a|,|c|)$.
//! Then the central difference at $2h$ (2 more) and one Richardson step
//! $c_4 = (4c(h) - c(2h))/3$: pass if
//! $|a - c_4| \le \max(12\varepsilon\nu, 5\hat\sigma)/h + |c - c_4|/16 + 64\varepsilon\max(|a|,|c_4|)$,
//! where $c(2h) - c(h)$ follows the $t^2$ law that bound assumes: at most
//! four times $(h/h_3)^2$ the change of the first pass's central differences
//! from $h_3$ to $2h_3$, plus rounding (where f'' jumps at x, $c(t) = f' + Ct$
//! and the change is $h_3/h$ times that).
//!
//! **In `f32`** the central difference at $h$ does not pass alone: its bar
//! is rounding only, and $h = 4.9\cdot10^{-3}w_i$ can reach f's features,
//! where its truncation is unbounded (an `f32` LayerNorm's mirrored index
//! passed 10 tolerances off). Step 2b decides, and there $c_4$'s bar
//! $|c - c_4|/16$ assumes the $t^4$ term is small, which at such steps it
//! need not be: an `f32` LayerNorm of four inputs 0.05 apart read
//! $c(h), c(2h)$ 0.34 and 0.85 above the derivative (not the $t^2$ law's
//! 1 : 4), and $c_4$, 0.16 off, passed a claim 0.2 off under a bar of 0.05.
//! So in `f32` step 2b also reads $c(h/2)$ (2 more evaluations) and judges
//! the finer Richardson value $c_4' = (4c(h/2) - c(h))/3$, its truncation
//! bounded by $|c_4' - c_4|$ and its rounding at $h/2$.
//!
//! Like every central estimate (`straddle.rs`), step 2b passes only where
//! its one-sided gap grows from $h$ to $2h$ as a smooth f's can (1.5 to 4
//! times, one sign, within the rounding: `straddle::grows_with_the_step`,
//! step 6's law) or is too small to matter: a kink inside all its steps
//! keeps the gap near its jump, and moves $c(h/2)$, $c(h)$, $c(2h)$ alike,
//! so that their changes follow the $t^2$ law by their smallness. An `f32`
//! ReLU network with a kink of jump $2.4\cdot10^{-2}$ at $0.05h$ (other kinks
//! near $2.7h_3$ left the fourth differences unexplained, so the first
//! pass's kink evidence did not apply) read $c_4' = 1.5\cdot10^{-4}$ where f'
//! is $-1.05\cdot10^{-2}$, with gaps of $2.29$ and $2.34$ times $10^{-2}$,
//! and passed a claim $1.3\cdot10^{-2}$ off.

use super::budget::{f32_or_coarser, tolerance};
use super::point::{Point, Walk, entry, pass_refined};
use super::probe::{Evaluator, Scratch};
use super::straddle::{grows_with_the_step, too_small_to_matter};
use super::{EntryCheck, Evidence, Verdict};
use crate::float::{Real, cst};
use crate::numeric::differences::{DifferenceScheme, step_within};

/// Steps 2 and 2b: central differences at $h = \varepsilon^{1/3}w_i$ and one
/// Richardson step with $2h$; a pass needs the first pass's kink evidence
/// clear of their steps. Returns $h$, and `true` when every output is decided.
pub(super) fn central_pass<F: Real, E: FnMut(&[F], &mut [F])>(
    ev: &mut Evaluator<'_, F, E>,
    w: &Walk<'_, F>,
    s: &mut Scratch<F>,
    entries: &mut Vec<EntryCheck>,
) -> (F, bool) {
    let Point {
        f0,
        x,
        analytic,
        config,
        noise,
        ..
    } = w.point;
    let (i, width, first, auto) = (w.i, w.width, w.first, w.auto);
    let m = f0.len();
    // Step 2: central differences at their own, smaller step (2 evaluations), for
    // the coordinates the larger steps left unsure (a kink within 2 h3, or
    // high derivatives).
    let h = step_within(DifferenceScheme::Central.optimal_step::<F>(), x[i], width);
    if !s.central_ready {
        ev.at(i, h, &mut s.plus);
        ev.at(i, -h, &mut s.minus);
    }
    let mut any_pending = false;
    for o in 0..m {
        if auto && !s.pending[o] {
            continue;
        }
        let a = analytic[o][i];
        let c = (s.plus[o] - s.minus[o]) / (h + h);
        let left = (f0[o] - s.minus[o]) / h;
        let right = (s.plus[o] - f0[o]) / h;
        let scale = noise.nu(o, &[f0[o], s.plus[o], s.minus[o]]);
        let tol = tolerance(
            config,
            &w.t,
            o,
            a,
            c,
            w.t.bar(F::one(), scale, cst(4.0), w.sigma[o], h),
        );
        // In f32 the central difference does not pass alone (module doc).
        let pass = auto
            && !f32_or_coarser::<F>()
            && w.point.passes(o, a, c, tol)
            && s.kink_clear_of(o, &[right - left], tol);
        s.pending[o] = !pass;
        any_pending |= !pass;
        let here = entry(
            o,
            i,
            a,
            c,
            left,
            right,
            tol,
            Verdict::Pass,
            Evidence::Central,
        );
        if auto {
            entries[first + o] = here;
        } else {
            entries.push(here);
        }
    }
    if !any_pending {
        return (h, true);
    }
    // Step 2b: the central difference at 2h (2 evaluations) and one Richardson
    // step, c4 = (4 c(h) - c(2h)) / 3, fourth order.
    if auto {
        let two: F = cst(2.0);
        ev.at(i, two * h, &mut s.plus2);
        ev.at(i, -(two * h), &mut s.minus2);
        // In f32 the Richardson step is checked against one from h/2 (2 more).
        let half = f32_or_coarser::<F>().then(|| {
            let (mut plus, mut minus) = (vec![F::zero(); m], vec![F::zero(); m]);
            ev.at(i, h / two, &mut plus);
            ev.at(i, -(h / two), &mut minus);
            (plus, minus)
        });
        any_pending = false;
        for o in 0..m {
            if !s.pending[o] {
                continue;
            }
            let a = analytic[o][i];
            let c1 = (s.plus[o] - s.minus[o]) / (h + h);
            let c2 = (s.plus2[o] - s.minus2[o]) / (cst::<F>(4.0) * h);
            let c4 = (cst::<F>(4.0) * c1 - c2) / cst::<F>(3.0);
            let scale = noise.nu(o, &[f0[o], s.plus[o], s.minus[o], s.plus2[o], s.minus2[o]]);
            // Rounding of c4 (4/3 of c(h)'s plus a sixth of c(2h)'s, doubled) and its
            // truncation, bounded by a sixteenth of the correction it made.
            let rounding = w.t.bar(cst(3.0), scale, cst(5.0), w.sigma[o], h);
            let (c4, noise) = match &half {
                None => (c4, rounding + (c1 - c4).abs() / cst::<F>(16.0)),
                Some((plus, minus)) => {
                    let c_half = (plus[o] - minus[o]) / h;
                    let fine = (cst::<F>(4.0) * c_half - c1) / cst::<F>(3.0);
                    let finer_rounding = w.t.bar(cst(3.0), scale, cst(5.0), w.sigma[o], h / two);
                    (fine, finer_rounding + (fine - c4).abs())
                }
            };
            let tol = tolerance(config, &w.t, o, a, c4, noise);
            let law = follows_the_square_law(&s.wide, o, h, w.h3, c1, c2, rounding);
            let gaps = [
                (s.plus[o] + s.minus[o] - two * f0[o]) / h,
                (s.plus2[o] + s.minus2[o] - two * f0[o]) / (two * h),
            ];
            // Like every central estimate (`straddle.rs`): its gap doubles from
            // h to 2h, or is too small to matter.
            let straddles_none = too_small_to_matter(gaps[0], tol)
                || grows_with_the_step(gaps[0], gaps[1], cst(2.0), rounding);
            if law
                && straddles_none
                && w.point.passes(o, a, c4, tol)
                && s.kink_clear_of(o, &gaps, tol)
            {
                s.pending[o] = false;
                pass_refined(&mut entries[first + o], a, c4, tol, Evidence::Central);
            }
            any_pending |= s.pending[o];
        }
        if !any_pending {
            return (h, true);
        }
    }
    (h, false)
}

/// Whether the change $c(2h) - c(h)$ that step 2b extrapolates from follows
/// the $t^2$ law of $c(t) = f' + Ct^2$ that its bar assumes, measured against
/// the first pass's central differences at $h_3$ and $2h_3$ (`wide`, f at
/// $x - 2h_3$, $x - h_3$, $x + h_3$, $x + 2h_3$, all taken by then): at most
/// four times $(h/h_3)^2\,|c(2h_3) - c(h_3)|$, plus `rounding`. Where f''
/// jumps at x ($\max(0, x)^2$ at 0, a squared hinge at its margin) the fourth
/// differences are 0 and nothing else shows it, but $c(t) = f' + Ct$: the
/// change is $h_3/h$ times the law's, and $c_4$ keeps $2Ch/3$ where its bar
/// allows $Ch/48$ (a claim equal to that $c_4$ passed, 7e-7 off).
fn follows_the_square_law<F: Real>(
    wide: &[Vec<F>; 4],
    o: usize,
    h: F,
    h3: F,
    c1: F,
    c2: F,
    rounding: F,
) -> bool {
    let [minus2, minus, plus, plus2] = wide.each_ref().map(|v| v[o]);
    let wide_change = (plus2 - minus2) / (cst::<F>(4.0) * h3) - (plus - minus) / (h3 + h3);
    let ratio = h / h3;
    (c2 - c1).abs() <= cst::<F>(4.0) * ratio * ratio * wide_change.abs() + rounding
}
