//! Step 3: Ridders' extrapolation on every output of the coordinate.
//!
//! **Ridders' extrapolation** (8 evaluations) gives $r$ and an error
//! estimate $e$. Pass if $e \le \sqrt\varepsilon \max(1,|r|)$ (the estimate
//! is trustworthy) and $|a - r| \le 4e + \rho(h_{min}) + 64\varepsilon\max(|a|,|r|)$.
//!
//! **Only with its gaps shrinking.** Ridders' error estimate compares
//! central differences, which are blind to a kink that every level
//! straddles: a ReLU at $x = -10^{-10}$ gives $c(h) = \tfrac12 - x/2h$ at
//! every level, and the mean of its slopes, $\tfrac12$, passed with a bar
//! of $10^{-8}$ under `Method::Ridders` (in the default mode the first
//! pass's kink evidence keeps it from passing). The levels' one-sided gaps
//! $g_k = (f(x+h_k) + f(x-h_k) - 2f_0)/h_k$ are $f''h_k$ for a smooth f, but
//! $J(1 - d/h_k)$ for a kink of jump $J$ at a distance $d < h_k$, whose
//! central difference is then off by exactly $g_k/2$. So a pass also needs
//! the finest gap to follow the $t$ law from the widest,
//! $|g_{min}| \le 2(h_{min}/h_0)|g_0| + 2\rho(h_{min})$, or to be too small
//! to matter, $|g_{min}|/2 \le$ the tolerance; else the kink analysis decides.
//!
//! What it found (value, error estimate, the one-sided slopes it saw) is kept
//! as a `RiddersLook` for the kink analysis (step 4).

use super::point::{Point, Walk, entry};
use super::probe::{Evaluator, Scratch};
use super::{EntryCheck, Evidence, Verdict, f64_of};
use crate::float::{Real, cst};
use crate::numeric::differences::step_within;
use crate::numeric::extrapolation::{Extrapolated, ridders_vec};

/// What Ridders' extrapolation found (step 3), for the kink analysis.
pub(super) struct RiddersLook<F> {
    pub(super) ridders: Vec<Extrapolated<F>>,
    pub(super) trusted: Vec<bool>,
    pub(super) sided: Vec<(F, Vec<F>, Vec<F>)>,
}

/// Step 3: Ridders' extrapolation on every output of the coordinate; every
/// f it evaluates is kept (the kink analysis reads one-sided slopes from them).
pub(super) fn ridders_pass<F: Real, E: FnMut(&[F], &mut [F])>(
    ev: &mut Evaluator<'_, F, E>,
    w: &Walk<'_, F>,
    s: &mut Scratch<F>,
    entries: &mut [EntryCheck],
) -> RiddersLook<F> {
    let Point {
        f0,
        x,
        analytic,
        config,
        noise,
        ..
    } = w.point;
    let (i, width, first) = (w.i, w.width, w.first);
    let m = f0.len();
    // Step 3: Ridders' extrapolation on all outputs of this coordinate.
    let h0 = step_within(cst::<F>(config.ridders.initial_step), x[i], width);
    let (mut plus, mut minus) = (vec![F::zero(); m], vec![F::zero(); m]);
    // Every f(x +- h) Ridders evaluates is kept: the one-sided slopes come free from them.
    let mut sided: Vec<(F, Vec<F>, Vec<F>)> = Vec::with_capacity(config.ridders.levels);
    let ridders: Vec<Extrapolated<F>> = ridders_vec(
        |hh, out: &mut [F]| {
            ev.at(i, hh, &mut plus);
            ev.at(i, -hh, &mut minus);
            for o in 0..m {
                out[o] = (plus[o] - minus[o]) / (hh + hh);
            }
            sided.push((hh, plus.clone(), minus.clone()));
        },
        m,
        h0,
        &config.ridders,
    );
    let h_min = h0 / cst::<F>(config.ridders.ratio).powi(config.ridders.levels as i32 - 1);
    let mut trusted = vec![false; m];
    for o in 0..m {
        if !s.pending[o] {
            continue;
        }
        let a = analytic[o][i];
        let r = ridders[o];
        let scale = noise.nu(o, &[f0[o], s.plus[o], s.minus[o]]);
        trusted[o] = r.error <= w.t.trust * F::one().max(r.value.abs());
        let tol = match config.user_tolerance(f64_of(a), f64_of(r.value)) {
            Some(u) => cst(u),
            None => {
                cst::<F>(4.0) * r.error
                    + w.t.rounding(scale, w.sigma[o], h_min)
                    + w.t.relative(o) * a.abs().max(r.value.abs())
                    + w.t.absolute(o)
            }
        };
        let e = &mut entries[first + o];
        let (left, right) = (e.left, e.right);
        *e = entry(
            o,
            i,
            a,
            r.value,
            cst(left),
            cst(right),
            tol,
            Verdict::Pass,
            Evidence::Ridders,
        );
        let rounding = w.t.rounding(scale, w.sigma[o], h_min);
        // Ridders' steps (from 2^-6 w_i) reach past any kink the first pass saw.
        if trusted[o]
            && w.point.passes(o, a, r.value, tol)
            && s.kink_clear_of(o, &[], tol)
            && no_kink_straddled(&sided, f0[o], o, rounding, tol)
        {
            s.pending[o] = false;
        }
    }
    RiddersLook {
        ridders,
        trusted,
        sided,
    }
}

/// Whether Ridders' levels (`sided`: each step with f at $x \pm h$) show no
/// kink that all of them straddle, for output `o` (module doc): the finest
/// one-sided gap follows the $t$ law from the widest, within twice
/// `rounding` (the slopes' rounding at the finest step), or is at most
/// twice `tol` (a straddled kink moves the central difference by half the
/// gap). A single level cannot show the law: only the second test holds it.
fn no_kink_straddled<F: Real>(
    sided: &[(F, Vec<F>, Vec<F>)],
    f0: F,
    o: usize,
    rounding: F,
    tol: F,
) -> bool {
    let two: F = cst(2.0);
    let gap = |(h, plus, minus): &(F, Vec<F>, Vec<F>)| ((plus[o] + minus[o] - two * f0) / *h, *h);
    let (Some(widest), Some(finest)) = (sided.first(), sided.last()) else {
        return true;
    };
    let ((g0, h0), (g, h)) = (gap(widest), gap(finest));
    let small = g.abs() <= two * tol;
    let follows = sided.len() > 1 && g.abs() <= two * (h / h0) * g0.abs() + two * rounding;
    small || follows
}
