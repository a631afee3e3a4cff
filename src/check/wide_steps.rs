//! A would-be **Fail** looked at from wide steps: f's slope where a
//! staircase wider than the small steps averages out.
//!
//! An intermediate rounded to `f32` moves in stairs of its unit in the last
//! place $q$, one stair per $W = q/|I'|$ along $e_i$. Near a stationary
//! point of that intermediate (f32$(1.9\sin x)$ at $x = \pi/2 + 4\cdot10^{-5}$:
//! $W = 1.6\cdot10^{-3}$) the plateaus are far wider than the small steps
//! ($\varepsilon^{1/3} w_i$ and below): there f reads as the rest of f alone,
//! smooth and precise, and the exact claim, which carries $I'$, reads Fail
//! by $|I'|$ against a bar of $10^{-6}$.
//!
//! The same happens where the kink analysis, taking the stairs' edges for
//! kinks, shrinks its steps into one plateau (steps of $10^{-7}$ between
//! stairs $3\cdot10^{-7}$ apart read an exact claim 23 % off).
//!
//! So every failing entry (a stair's hidden slope is the intermediate's
//! own, which can be larger than the row's claims: a Fail is proven only
//! where the wide steps do not hold the claim either) has f read at
//! $x + kHe_i$, $H = 2^{-5} w_i$, $k = -4..4$ (8 evaluations, `f64` only,
//! all outputs at once; again at $H = 2^{-3}w_i$ where the first held the
//! claim without standing apart, the stairs' $q/H$ too coarse there; at most
//! [`MAX_ROUNDING_LOOKS`](super::noise_model::MAX_ROUNDING_LOOKS)
//! coordinates per check): two Richardson values $R_1 = (4D(H) - D(2H))/3$,
//! $R_2 = (4D(2H) - D(4H))/3$ of the central differences $D$, and the
//! stairs' rounding $\hat\sigma$ from the values' sixth differences. The
//! wide estimate is $R_1$ with the bar
//! $2(|R_1 - R_2| + \max(16\varepsilon\nu, 8\hat\sigma)/H)$. Where it holds
//! the claim and stands apart from the small steps' estimate by more than
//! four of its bars (`rule::scales_disagree`), the evidence contradicts
//! itself: f's slope depends on the scale it is read at, and the entry is
//! **Inconclusive**, never Pass (three sixth differences measure the
//! stairs too coarsely to vouch for a bar). A wrong claim on a smooth f
//! keeps its Fail: both estimates agree with the truth. A failing check
//! pays the 8 evaluations per failing coordinate (the README's wrong
//! gradient: 243 instead of 235).
//!
//! Known limit: stairs wider than about $H/8$ (an intermediate within about
//! $10^{-5}$ of its stationary point) bend the wide estimate too, and the
//! exact claim, off by less than $10^{-4}$ of its row there, still reads
//! Fail.

use crate::check::report::EntryCheck;
use crate::check::verdict::{Evidence, Verdict};
use crate::float::{Real, cst};
use crate::numeric::extrapolation::richardson;
use crate::numeric::noise::root_mean_square;

use super::budget::{Tolerances, f32_or_coarser};
use super::point::{Point, entry};
use super::probe::Evaluator;
use super::rule::{Estimate, scales_disagree, within};

/// The wide steps $H$, relative to the coordinate's width: $2^{-5}$, then
/// $2^{-3}$ where the first held the claim without standing apart from the
/// small steps (its stairs' rounding, $q/H$, too coarse to tell).
pub(super) const WIDE_STEPS: [f64; 2] = [1.0 / 32.0, 1.0 / 8.0];

/// Marks **Inconclusive** each failing entry of coordinate `i` (probe width
/// `width`) that the wide steps' estimate holds while it stands apart from
/// the small steps' (see the module doc).
pub(super) fn doubt_from_wide_steps<F: Real, E: FnMut(&[F], &mut [F])>(
    ev: &mut Evaluator<'_, F, E>,
    point: Point<'_, F>,
    i: usize,
    width: F,
    entries: &mut [EntryCheck],
) {
    // Every coordinate passes here: nothing is allocated unless one failed.
    if !entries.iter().any(|e| e.outcome == Verdict::Fail)
        || f32_or_coarser::<F>()
        || !point.config.derives_tolerances()
        || !point.noise.take_wide_look()
    {
        return;
    }
    for step in WIDE_STEPS {
        let Some(wide) = wide_estimates(ev, point, i, cst::<F>(step) * width) else {
            return;
        };
        let mut undecided = false;
        for e in entries.iter_mut().filter(|e| e.outcome == Verdict::Fail) {
            let o = e.output;
            let a: F = cst(e.analytic);
            let small = Estimate {
                value: cst(e.numeric),
                bar: cst(e.tolerance),
            };
            if scales_disagree(a, small, wide[o]) {
                let (l, r) = (cst::<F>(e.left), cst::<F>(e.right));
                *e = entry(
                    o,
                    e.input,
                    a,
                    wide[o].value,
                    l,
                    r,
                    wide[o].bar,
                    Verdict::Inconclusive,
                    Evidence::ScalesDisagree,
                );
            } else {
                undecided |= within(a, wide[o].value, wide[o].bar);
            }
        }
        if !undecided {
            return;
        }
    }
}

/// Per output, $R_1$ with its bar from f at $x + kH e_i$, $k = -4..4$: the
/// central differences at $H$, $2H$, $4H$, and the noise $\hat\sigma$ of the
/// values at those steps (the stairs' rounding), from their three sixth
/// differences, $\hat\sigma^2 = \overline{(\Delta^6)^2}/\binom{12}{6}$ (the
/// smooth part's $f^{(6)}H^6$ is far below a stair at a wide step; where it
/// is not, the bar only grows); the
/// bar is $2|R_1 - R_2| + 2\max(16\varepsilon\nu, 8\hat\sigma)/H$. `None`
/// where f is not finite at one of them (the wide steps left f's domain:
/// they say nothing).
fn wide_estimates<F: Real, E: FnMut(&[F], &mut [F])>(
    ev: &mut Evaluator<'_, F, E>,
    point: Point<'_, F>,
    i: usize,
    h: F,
) -> Option<Vec<Estimate<F>>> {
    let m = point.f0.len();
    let xi = point.x[i];
    // values[k + 4][o] = f_o(x + k H e_i).
    let values = ev.within_domain(|ev| {
        let mut values = vec![point.f0.to_vec(); 9];
        for k in (-4i32..=4).filter(|k| *k != 0) {
            let offset = h * cst::<F>(f64::from(k));
            ev.at(i, offset, &mut values[(k + 4) as usize]);
        }
        values
    })?;
    // The steps actually taken, after x_i + kH rounds.
    let at = |k: i32| xi + h * cst::<F>(f64::from(k));
    let slope = |k: i32, o: usize| {
        (values[(4 + k) as usize][o] - values[(4 - k) as usize][o]) / (at(k) - at(-k))
    };
    // The sixth difference's weights, and its standard deviation for unit
    // noise: sqrt(C(12, 6)).
    let weights: [F; 7] = [1.0, -6.0, 15.0, -20.0, 15.0, -6.0, 1.0].map(cst);
    let spread = cst::<F>(924.0).sqrt();
    let tolerances = Tolerances::<F>::new(&[]);
    let sigma = point.noise.so_far(m);
    let two: F = cst(2.0);
    // One Richardson step on central differences at steps 2k and k.
    let extrapolated = |k: i32, o: usize| richardson(&[slope(2 * k, o), slope(k, o)], two, 2).0;
    Some(
        (0..m)
            .map(|o| {
                let (r1, r2) = (extrapolated(1, o), extrapolated(2, o));
                let sixth: [F; 3] = std::array::from_fn(|start| {
                    (0..7).fold(F::zero(), |d, j| d + weights[j] * values[start + j][o])
                });
                let stairs = root_mean_square(&sixth) / spread;
                let scale = values.iter().fold(F::zero(), |l, v| l.max(v[o].abs()));
                let nu = point.noise.nu(o, &[scale]);
                let rounding = tolerances.rounding(nu, sigma[o].max(stairs), h);
                Estimate {
                    value: r1,
                    bar: two * ((r1 - r2).abs() + rounding),
                }
            })
            .collect(),
    )
}
