//! The noisy stage: a function whose value at the same point changes from
//! call to call (a nondeterministic reduction, a Monte-Carlo term).
//!
//! Such a function is detected when the noise is measured (see `NoiseModel`):
//! $f(x)$ evaluated again differs from $f_0$. (So is a deterministic noise
//! that stands above the cap at every point and scale measured; its
//! $\hat\sigma_o$ is ECnoise's reading.) Its noise $\hat\sigma_o$ is then
//! the standard deviation of [`REPEATS`](super::noise_model::REPEATS) evaluations at $x$, uncapped (it is no
//! kink), and the small steps of the other stages, which divide it by
//! $h \approx 10^{-4}$, cannot decide. This stage takes the step where the
//! noise and the truncation balance,
//! $h = w_i\,(\hat\sigma/\nu)^{1/3}$ (at most $w_i/4$, with $w_i$ the coordinate's width, $\max(1,|x_i|)$ unless the domain shrank it;
//! $\nu = |f_0| + \sum_j|x_j a_j|$, with $|f_0|$ raised to the largest $|f|$
//! the noise was read among: at a zero of f, $|f_0|$ is the noise itself and
//! the step would be $w_i/4$, where sin's fourth-order truncation is $10^{-4}$), halved while f is not finite there (a
//! domain boundary), and evaluates f at $x \pm h, \pm2h, \pm4h$ (6 evaluations).
//!
//! The evidence, each with an error bar of $K = 5$ standard deviations of its
//! noise plus its truncation:
//! - the central estimate $c_4 = (4c(h) - c(2h))/3$, noise
//!   $0.95\,\hat\sigma/h$, truncation twice $|c_4(h) - c_4(2h)|/15$ (the
//!   series past its leading $h^4$ term: at a zero of f the step is up to
//!   $w_i/4$, where a tanh's next terms are a third of it, and once the bar
//!   of $|c_4(h) - c_4(2h)|/15$ fell 25 % short of the error, failing an
//!   exact claim under deterministic noise, in a property run of 60000 cases);
//! - the one-sided slopes $R(h) = (-3f_0 + 4f(x+h) - f(x+2h))/2h$ and $L(h)$,
//!   noise $2.55\,\hat\sigma/h$, truncation twice $|R(2h) - R(h)|/3$ (each
//!   carries $-h^2 f'''/3$ of its own side; at a kink the central difference
//!   changes linearly with h, the sides do not), at $h$ and at $2h$ (four
//!   times that there).
//!
//! The verdict is the one rule of [`rule::judge`](super::rule): Pass within
//! the central bar unless the slopes stand apart at both levels (a kink the
//! steps straddle leaves no truncation in $c_4$, which reads the mean of
//! its slopes: the claim 0.5 passed at a ReLU at 0), Kink when the slopes stand apart at both levels and
//! bracket the claim, Inconclusive when only a one-sided bar holds the claim,
//! Fail otherwise. A pass states its resolution (the bar over the claim), so
//! a pass at noise $10^{-4}$ says it could not see a $10^{-3}$ error. A
//! kink's tolerance is at least the claim's distance from the nearest slope,
//! and a kink whose admitting bar (the nearest slope's, or how far the claim
//! lies outside the slopes) is coarser than max_resolution of its row is
//! **Inconclusive** (`kinks::unless_loose`): at noise $10^{-2}$ on $|x|$ at 0
//! the slopes' bars of 0.45 had admitted a claim 0.3 past them.

use crate::check::report::EntryCheck;
use crate::check::verdict::{Evidence, Verdict};
use crate::float::{Real, cst};

use super::kinks::{kink_bars, unless_loose};
use super::point::{Point, entry};
use super::probe::Evaluator;
use super::rule::{Estimate, Sides, judge};

/// Standard deviations in an error bar.
const K: f64 = 5.0;

/// The noisy stage for the pending outputs of coordinate `i`.
pub(super) fn judge_noisy<F: Real, E: FnMut(&[F], &mut [F])>(
    ev: &mut Evaluator<'_, F, E>,
    point: Point<'_, F>,
    i: usize,
    width: F,
    sigma: &[F],
    pending: &[bool],
    entries: &mut [EntryCheck],
) {
    let Point {
        f0,
        analytic,
        noise,
        ..
    } = point;
    let m = f0.len();
    let t = noise.tolerances(sigma, f0);
    let ratio = (0..m)
        .filter(|o| pending[*o])
        .map(|o| sigma[o] / noise.read_scale(o, f0[o]).max(F::min_positive_value()))
        .fold(F::epsilon(), |acc, r| acc.max(r));
    let mut h = width * ratio.cbrt().min(cst(0.25));
    let offsets = [1.0, -1.0, 2.0, -2.0, 4.0, -4.0];
    let mut values: Vec<Vec<F>> = vec![vec![F::zero(); m]; offsets.len()];
    for _ in 0..60 {
        for (k, v) in offsets.iter().zip(values.iter_mut()) {
            ev.at(i, cst::<F>(*k) * h, v);
        }
        if values.iter().flatten().all(|v| v.is_finite()) {
            break;
        }
        h /= cst::<F>(2.0);
    }
    let [p1, m1, p2, m2, p4, m4] = &values[..] else {
        unreachable!("six offsets")
    };
    let (two, three, four) = (cst::<F>(2.0), cst::<F>(3.0), cst::<F>(4.0));
    for o in (0..m).filter(|o| pending[*o]) {
        let a = analytic[o][i];
        let central = |p: F, q: F, step: F| (p - q) / (two * step);
        let (c1, c2, c3) = (
            central(p1[o], m1[o], h),
            central(p2[o], m2[o], two * h),
            central(p4[o], m4[o], four * h),
        );
        let c4 = (four * c1 - c2) / three;
        let c4_wide = (four * c2 - c3) / three;
        let k = cst::<F>(K);
        let floor = |v: F| t.relative(o) * a.abs().max(v.abs()) + t.absolute(o);
        let best = Estimate {
            value: c4,
            bar: k * cst::<F>(0.95) * sigma[o] / h
                + two * (c4 - c4_wide).abs() / cst::<F>(15.0)
                + floor(c4),
        };
        // The one-sided second-order slopes at h and 2h. Each carries
        // -step^2 f'''/3 on its own side, so the change from h to 2h is three
        // times the finer one's truncation; taken from each side's own
        // slopes, not the central difference's: at a kink the central one
        // changes linearly with h (the jump of f'' between the sides) while
        // each side stays smooth.
        let right_at =
            |near: F, far: F, step: F| (-three * f0[o] + four * near - far) / (two * step);
        let left_at = |near: F, far: F, step: F| (three * f0[o] - four * near + far) / (two * step);
        let (r_h, r_2h) = (right_at(p1[o], p2[o], h), right_at(p2[o], p4[o], two * h));
        let (l_h, l_2h) = (left_at(m1[o], m2[o], h), left_at(m2[o], m4[o], two * h));
        let truncation = |fine: F, coarse: F| (coarse - fine).abs() / three;
        let (tl, tr) = (truncation(l_h, l_2h), truncation(r_h, r_2h));
        let estimate = |value: F, step: F, curvature: F| Estimate {
            value,
            bar: k * cst::<F>(2.55) * sigma[o] / step + two * curvature + floor(value),
        };
        let levels = [
            Sides {
                left: estimate(l_h, h, tl),
                right: estimate(r_h, h, tr),
            },
            Sides {
                left: estimate(l_2h, two * h, four * tl),
                right: estimate(r_2h, two * h, four * tr),
            },
        ];
        let verdict = judge(a, best, &levels, &[]);
        let near = &levels[0];
        // A kink reports what the kink analysis' standing kinks report
        // (`kinks::kink_bars`), and must resolve its row (`kinks::unless_loose`).
        let (numeric, tol, admitting) = if verdict == Verdict::Kink {
            let bars = kink_bars(a, near.left, near.right);
            (bars.nearest.value, bars.tolerance, bars.admitting)
        } else {
            (best.value, best.bar, best.bar)
        };
        let mut e = entry(
            o,
            i,
            a,
            numeric,
            near.left.value,
            near.right.value,
            tol,
            verdict,
            Evidence::Noisy,
        );
        if verdict == Verdict::Kink {
            e.abs_error = 0.0;
            e.rel_error = 0.0;
            e = unless_loose(e, admitting, point.coarsest[o]);
        }
        entries[o] = e;
    }
}
