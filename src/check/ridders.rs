//! Step 3: Ridders' extrapolation on every output of the coordinate.
//!
//! **Ridders' extrapolation** (8 evaluations) gives $r$ and an error
//! estimate $e$. Pass if $e \le \sqrt\varepsilon \max(1,|r|)$ (the estimate
//! is trustworthy) and $|a - r| \le 4e + \rho(h_{min}) + 64\varepsilon\max(|a|,|r|)$.
//!
//! **Only with its gaps shrinking.** Ridders' error estimate compares
//! central differences, which are blind to a kink that every level
//! straddles (under `Method::Ridders`, where no first pass looked for one,
//! the mean of a ReLU's slopes 1e-10 beside x passed with a bar of 1e-8).
//! A pass also needs the levels' one-sided gaps to follow the $t$ law of a
//! smooth f, or the finest to be too small to matter (`straddle.rs`); else
//! the kink analysis decides.
//!
//! What it found (value, error estimate, the one-sided slopes it saw) is kept
//! as a `RiddersLook` for the kink analysis (step 4).

use super::point::{Point, Walk, entry};
use super::probe::{Evaluator, Scratch};
use super::straddle;
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

/// Whether Ridders' levels (`sided`: each step with f at $x \pm h$, widest
/// first) show no kink that they all straddle, for output `o`: the finest
/// gap is too small to matter within `tol`, or follows the $t$ law from the
/// widest within twice `rounding` (`straddle.rs`).
fn no_kink_straddled<F: Real>(
    sided: &[(F, Vec<F>, Vec<F>)],
    f0: F,
    o: usize,
    rounding: F,
    tol: F,
) -> bool {
    let gap =
        |(h, plus, minus): &(F, Vec<F>, Vec<F>)| (*h, straddle::gap(f0, plus[o], minus[o], *h));
    let (Some(widest), Some(finest)) = (sided.first(), sided.last()) else {
        return true;
    };
    straddle::levels_clear(gap(widest), gap(finest), rounding, tol)
}
