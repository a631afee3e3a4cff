//! The kink analysis' decisions (step 4 of [`check`](super)), once the
//! one-sided slopes at every level are in: a coordinate that counts as smooth
//! is judged by the central difference of its decisive level, with Ridders'
//! sharper value and three kinds of kink evidence ([`judge_smooth`]); one
//! whose gap stood to the last level is a kink or a failure by the one-sided
//! slopes ([`judge_standing`]); a failure gets the last looks, the quantized
//! look and the wide stencil's kink ([`last_looks`]).

use crate::check::config::CheckConfig;
use crate::check::report::EntryCheck;
use crate::check::verdict::{Evidence, Verdict};
use crate::float::{Real, cst};
use crate::numeric::extrapolation::{Extrapolated, richardson};

use super::quantized::{Quantization, QuantizedLook, quantized_pass};
use super::{Evaluator, LevelData, Tolerances, WideKink, entry, f64_of, tolerance};

/// What the kink analysis measured along coordinate `i`.
pub(super) struct LevelsSeen<'a, F> {
    pub i: usize,
    pub f0: &'a [F],
    pub config: &'a CheckConfig,
    pub t: &'a Tolerances<F>,
    pub sigma: &'a [F],
    /// Per output, per level: resolved, and the level's data.
    pub history: &'a [Vec<(Option<bool>, LevelData<F>)>],
    /// Per level (0: the central step h), per output: the one-sided slopes.
    pub slopes: &'a [Vec<(F, F)>],
    /// The step of each level.
    pub steps: &'a [F],
    pub ridders: &'a [Extrapolated<F>],
    pub trusted: &'a [bool],
    /// Every step Ridders took, with f at $x + h$ and $x - h$ per output.
    pub sided: &'a [(F, Vec<F>, Vec<F>)],
}

/// The claim and what the last level saw of it.
#[derive(Clone, Copy)]
pub(super) struct Last<F> {
    pub a: F,
    pub left: F,
    pub right: F,
    pub rho: F,
    pub drift: F,
    pub scale: F,
}

/// A coordinate that counts as smooth, decided at level `k` (see
/// `smooth_level`): no kink closer than that step, so its central difference
/// is free of one. If a trustworthy Ridders value disagrees with the claim and
/// agrees with that central difference, Ridders' sharper verdict stands
/// (**Fail**) unless [`kink_below_the_slopes`] finds a kink; otherwise **Pass**
/// or **Fail** by the central difference, a Fail needing the next level to
/// disagree too. `ridders_tolerance` is the tolerance step 3 judged with.
pub(super) fn judge_smooth<F: Real>(
    seen: &LevelsSeen<'_, F>,
    o: usize,
    k: usize,
    a: F,
    ridders_tolerance: f64,
) -> EntryCheck {
    let (config, t, i) = (seen.config, seen.t, seen.i);
    let LevelData {
        central: c,
        left,
        right,
        tolerance: noise,
    } = seen.history[o][k].1;
    let tol = tolerance(config, t, o, a, c, noise);
    let r = seen.ridders[o];
    // (Ridders disagrees with a: it may also agree, where the first pass's
    // kink evidence alone kept it from passing a.)
    let ridders_against = (a - r.value).abs() > cst::<F>(ridders_tolerance);
    if seen.trusted[o] && ridders_against && (r.value - c).abs() <= tol {
        // Either the function is smooth and Ridders' sharper verdict stands, or
        // a kink sits below the slopes' noise but within Ridders' precision.
        return kink_below_the_slopes(seen, o, a, ridders_tolerance).unwrap_or_else(|| {
            let rt = cst::<F>(ridders_tolerance);
            entry(
                o,
                i,
                a,
                r.value,
                left,
                right,
                rt,
                Verdict::Fail,
                Evidence::Ridders,
            )
        });
    }
    if (a - c).abs() <= tol {
        return entry(
            o,
            i,
            a,
            c,
            left,
            right,
            tol,
            Verdict::Pass,
            Evidence::ShrunkStep,
        );
    }
    // A kink just inside h_k shrinks the gap by more than the resolving ratio
    // while the central difference at h_k still straddles it; the next level's,
    // free of it, agrees with a. Fail needs both against a.
    let finer = seen.history[o]
        .get(k + 1)
        .map(|(_, d)| (*d, tolerance(config, t, o, a, d.central, d.tolerance)))
        .filter(|(d, tol)| (a - d.central).abs() <= *tol);
    match finer {
        Some((d, tol)) => entry(
            o,
            i,
            a,
            d.central,
            d.left,
            d.right,
            tol,
            Verdict::Pass,
            Evidence::ShrunkStep,
        ),
        None => entry(
            o,
            i,
            a,
            c,
            left,
            right,
            tol,
            Verdict::Fail,
            Evidence::ShrunkStep,
        ),
    }
}

/// A kink that Ridders' precision sees but the plain slopes' noise hides,
/// with the claim between its one-sided slopes: the one-sided slopes
/// Richardson-extrapolated from Ridders' own evaluations differ beyond their
/// error estimates; or the plain slopes' gap keeps its size at every level
/// while the claim sits on one side and Ridders on the midpoint; or the
/// slopes of the first two steps, freed of their curvature term
/// ($(10L_1 - L_0)/9$), have different limits.
fn kink_below_the_slopes<F: Real>(
    seen: &LevelsSeen<'_, F>,
    o: usize,
    a: F,
    ridders_tolerance: f64,
) -> Option<EntryCheck> {
    let (f0, t) = (seen.f0, seen.t);
    let r = seen.ridders[o];
    let ratio = cst::<F>(seen.config.ridders.ratio);
    let rs: Vec<F> = seen
        .sided
        .iter()
        .map(|(hh, p, _)| (p[o] - f0[o]) / *hh)
        .collect();
    let ls: Vec<F> = seen
        .sided
        .iter()
        .map(|(hh, _, q)| (f0[o] - q[o]) / *hh)
        .collect();
    let (rv, re) = richardson(&rs, ratio, 1);
    let (lv, le) = richardson(&ls, ratio, 1);
    let rt = cst::<F>(ridders_tolerance);
    let spread = cst::<F>(2.0) * (re + le) + rt;
    let (lo, hi) = if lv <= rv { (lv, rv) } else { (rv, lv) };
    let extrapolated_kink = (rv - lv).abs() > spread && a >= lo - spread && a <= hi + spread;
    // Level 1 and the levels whose bare rounding (eps |f| / h, the slopes'
    // quantum) is well below its gap take part.
    let (l1, r1) = seen.slopes[1][o];
    let g1 = r1 - l1;
    let quantum = t.eps * f0[o].abs();
    let gaps: Vec<F> = seen
        .slopes
        .iter()
        .zip(seen.steps)
        .enumerate()
        .filter(|(k, (_, hh))| *k == 1 || quantum / **hh < cst::<F>(0.3) * g1.abs())
        .map(|(_, (ls, _))| ls[o].1 - ls[o].0)
        .collect();
    let band = cst::<F>(0.1) * g1.abs() + rt;
    let steady_kink = gaps.len() >= 2
        && gaps
            .iter()
            .all(|g| (*g - g1).abs() <= cst::<F>(0.3) * g1.abs())
        && ((a - l1).abs() <= band || (a - r1).abs() <= band)
        && (r.value - (l1 + r1) / cst::<F>(2.0)).abs() <= band;
    // L(h) = f'- - f'' h / 2 + ..: one Richardson step between the first two
    // steps removes the curvature term.
    let (l0, r0) = seen.slopes[0][o];
    let ten_ninths = |fine: F, coarse: F| (cst::<F>(10.0) * fine - coarse) / cst::<F>(9.0);
    let (lc, rc) = (ten_ninths(l1, l0), ten_ninths(r1, r0));
    let bare = cst::<F>(2.0) * quantum / seen.steps[1] + rt;
    let (loc, hic) = if lc <= rc { (lc, rc) } else { (rc, lc) };
    let corrected_kink =
        (rc - lc).abs() > cst::<F>(4.0) * bare && a >= loc - bare && a <= hic + bare;
    if !(extrapolated_kink || steady_kink || corrected_kink) {
        return None;
    }
    let mut k = entry(
        o,
        seen.i,
        a,
        r.value,
        lv,
        rv,
        spread,
        Verdict::Kink,
        Evidence::OneSided,
    );
    k.abs_error = 0.0;
    k.rel_error = 0.0;
    Some(k)
}

/// A gap that stood to the last level: f is not differentiable at x (or a
/// kink is closer than the smallest step). **Kink** if the claim lies between
/// the last level's slopes, widened by their rounding and drift, or between
/// those of the best-resolved level; **Fail** otherwise.
pub(super) fn judge_standing<F: Real>(
    seen: &LevelsSeen<'_, F>,
    o: usize,
    last: Last<F>,
) -> EntryCheck {
    let (config, t) = (seen.config, seen.t);
    let Last {
        a,
        left,
        right,
        rho,
        drift,
        scale,
    } = last;
    let (lo, hi) = if left <= right {
        (left, right)
    } else {
        (right, left)
    };
    let tol = match config.user_tolerance(f64_of(a), f64_of(hi.abs().max(lo.abs()))) {
        Some(u) => cst(u),
        None => rho + drift + t.relative(o) * lo.abs().max(hi.abs()) + t.tiny,
    };
    let mut inside = a >= lo - tol && a <= hi + tol;
    let (mut left, mut right, mut tol) = (left, right, tol);
    if !inside && config.derives_tolerances() {
        // The smallest step's slopes carry the most rounding; where f loses
        // digits in ways its measured noise misses (a residual of 4e-4 on an
        // output of 0.5 flips a whole quantum), they stray. The kink stood at
        // every level: the best-resolved one decides too.
        let levels = seen.history[o].len();
        let mut best: Option<(F, F, F)> = None;
        for k in 1..levels {
            let (lk, rk) = seen.slopes[k][o];
            let (lp, rp) = seen.slopes[k - 1][o];
            let noise_k = t.rounding(scale, seen.sigma[o], seen.steps[k])
                + (lk - lp).abs().max((rk - rp).abs());
            if best.is_none_or(|(_, _, b)| noise_k < b) {
                best = Some((lk, rk, noise_k));
            }
        }
        if let Some((lk, rk, noise_k)) = best {
            let (lo, hi) = if lk <= rk { (lk, rk) } else { (rk, lk) };
            let tol_k = noise_k + t.relative(o) * lo.abs().max(hi.abs()) + t.tiny;
            if a >= lo - tol_k && a <= hi + tol_k {
                (inside, left, right, tol) = (true, lk, rk, tol_k);
            }
        }
    }
    // The nearest slope is the numeric value reported.
    let nearest = if (a - left).abs() <= (a - right).abs() {
        left
    } else {
        right
    };
    let outcome = if inside { Verdict::Kink } else { Verdict::Fail };
    let mut e = entry(
        o,
        seen.i,
        a,
        nearest,
        left,
        right,
        tol,
        outcome,
        Evidence::OneSided,
    );
    if inside {
        e.abs_error = 0.0;
        e.rel_error = 0.0;
    }
    e
}

/// What the last looks need besides the levels.
pub(super) struct LastLook<'a, F> {
    /// Every value of f along the coordinate, by offset.
    pub samples: &'a [(F, Vec<F>)],
    /// The wide stencil's kink, if it saw one bracketing the claim.
    pub wide_kink: Option<WideKink<F>>,
    /// $\sum_j |x_j a_j|$ of this output.
    pub input_noise: F,
    /// The index of this coordinate's first entry.
    pub first: usize,
}

/// A **Fail** gets two last looks: the quantized look (step 5), and the wide
/// stencil's kink, for a jump too small for the small steps. A kink at x of
/// jump J leaves every level's gap near J; where two levels whose rounding is
/// well under J show no gap at all (f linear through x: ReLU at $10^{-6}$ and
/// $|x|$ at $10^{-5}$ under $h_3 = 1.2\cdot10^{-4}$), the kink the wide stencil
/// saw is not at x and explains no failure.
pub(super) fn last_looks<F: Real, E: FnMut(&[F], &mut [F])>(
    ev: &mut Evaluator<'_, F, E>,
    seen: &LevelsSeen<'_, F>,
    o: usize,
    xi: F,
    e: &mut EntryCheck,
    quantization: &mut Quantization,
    look: LastLook<'_, F>,
) {
    let (f0, t, i) = (seen.f0, seen.t, seen.i);
    let a: F = cst(e.analytic);
    if e.outcome == Verdict::Fail && seen.config.derives_tolerances() {
        let mut along: Vec<(F, F)> = look.samples.iter().map(|(s, v)| (*s, v[o])).collect();
        match quantized_pass(ev, (i, xi), f0, (o, a), &mut along, t) {
            QuantizedLook::Pass(q, grid, amplitude) => {
                *e = q;
                quantization.grid_seen(o, f64_of(grid), f64_of(amplitude));
            }
            QuantizedLook::Unresolved {
                numeric,
                step,
                grid,
            } => {
                if let Some((g, amplitude)) = grid {
                    quantization.grid_seen(o, f64_of(g), f64_of(amplitude));
                }
                let (numeric, step) = (f64_of(numeric), f64_of(step));
                quantization
                    .unresolved
                    .push((look.first + o, o, numeric, step));
            }
            QuantizedLook::Nothing => {}
        }
    }
    if e.outcome != Verdict::Fail {
        return;
    }
    let blind = |k: &WideKink<F>| {
        let scale = f0[o].abs() + look.input_noise;
        let jump = (k.right - k.left).abs();
        let clear = seen
            .slopes
            .iter()
            .zip(seen.steps)
            .filter(|(ls, hh)| {
                let (l, r) = ls[o];
                let rounding = t.rounding(scale, seen.sigma[o], **hh);
                (r - l).abs() <= rounding && rounding < jump / cst::<F>(4.0)
            })
            .count();
        clear < 2
    };
    if let Some(kink) = look.wide_kink.filter(blind) {
        *e = entry(
            o,
            i,
            a,
            kink.nearest,
            kink.left,
            kink.right,
            kink.tolerance,
            Verdict::Kink,
            Evidence::OneSided,
        );
        e.abs_error = 0.0;
        e.rel_error = 0.0;
    }
}
