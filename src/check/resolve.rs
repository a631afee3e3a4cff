//! A pass that does not resolve its claim is looked at again, at a wider step.
//! (Step 6 of the decision in [`check`](super).)
//!
//! Every pass compares the claim $a$ with a numeric value within a tolerance
//! that is mostly rounding, $\rho \approx \varepsilon\nu/h$ at the step $h$
//! that decided. An entry far smaller than $\varepsilon\nu/h$ (a hinge
//! gradient of $10^{-12}$ on a loss of 1, at $h = 10^{-4}$) passes whatever its
//! value: doubled, or 0. Where the tolerance exceeds $|a|/4$, the central
//! differences at the step $t$ where the claim moves f by 128 times its
//! rounding ($|a|\,t = 128\max(16\varepsilon\nu, 8\hat\sigma)$), at $2t$ and at
//! $4t$ judge the claim once more (6 evaluations per coordinate that has such
//! an entry, for all its outputs at once), if $t \le w_i/4$ ($w_i$ the coordinate's width, $\max(1, |x_i|)$ unless f's domain shrank it).
//! Wide steps meet kinks and a function's changes of character, so a failure
//! here needs a gross miss and every sign of a smooth f in its asymptotic
//! range, and a pass needs f in its asymptotic range with no kink straddled:
//! the one-sided gap doubles from $t$ to $2t$, or is too small to matter
//! (`straddle.rs`).

use crate::check::report::EntryCheck;
use crate::check::verdict::{Evidence, Verdict};
use crate::float::{Real, cst};

use super::budget::Tolerances;
use super::grid::value_grid;
use super::noise_model::NoiseModel;
use super::point::{Point, entry};
use super::probe::Evaluator;
use super::rule;
use super::straddle::{doubles_with_the_step, gap, grows_with_the_step, too_small_to_matter};

/// The size a pass must resolve: the claim `a`, or for a claim of 0 the
/// numeric value that passed it (a noisy numeric value must not shorten the
/// step a nonzero claim needs).
pub(super) fn size_to_resolve<F: Real>(a: F, numeric: F) -> F {
    if a == F::zero() {
        numeric.abs()
    } else {
        a.abs()
    }
}

/// Whether a pass's tolerance `tol` resolves `size`: not over a quarter of
/// it (a NaN tolerance is left to the rule, which passes nothing with it).
pub(super) fn resolves<F: Real>(tol: F, size: F) -> bool {
    tol.partial_cmp(&(size / cst::<F>(4.0))) != Some(std::cmp::Ordering::Greater)
}

/// Step 6 on the entries of coordinate `i` (one per output).
///
/// With $c_1, c_2, c_4$ the central differences at $t$, $2t$, $4t$, the claim passes,
/// now resolved, within $\rho(t) + |c_1 - c_2|$ of $c_1$ (the truncation of
/// $c_1$ is a third of $c_2 - c_1$) plus the relative floor, where f is in
/// its asymptotic range (below): beyond it $|c_1 - c_2|$ bounds nothing (an
/// `f32` LayerNorm whose spread is below the steps passed a dropped mean 4
/// tolerances off). It **fails** only
/// when it misses $c_1$ by twice that and by a quarter of itself, f is in its
/// asymptotic range ($c_4 - c_2 = 4(c_2 - c_1)$ within half, plus rounding:
/// hinge terms crowding their margins put kinks at every distance, and a
/// softmax logit moved by 2 changes character), and f is smooth: the
/// one-sided slopes freed of their curvature term, $2L(t) - L(2t)$ and
/// $2R(t) - R(2t)$, agree to within a quarter of the miss and within four
/// times the drift $|c_1 - c_2|$ plus rounding (across a kink at x
/// they differ by the jump $J$, twice a correct one-sided claim's miss). A
/// kink at $d = rt$ inside the steps leaves them $J|1 - 1.5r|$ apart while
/// $c_1$ is off by $J(1 - r)/2$: they pass for smooth only for $r$ in
/// $[0.64, 0.69]$, where the drift $|c_1 - c_2|$ is over $0.16J$ and $c_1$ is
/// off by under $0.19J$, inside twice the tolerance. Nor may the steps
/// straddle a kink: the one-sided gap grows from $t$ to $2t$ and from $2t$
/// to $4t$ as a smooth f's can, 1.5 to 4 times with the same sign, however
/// small it is (`straddle.rs`): kinks either side of x whose jumps cancel
/// leave f smooth at the wide steps, at the slope outside them, while x's
/// own derivative lies between the kinks.
/// A wide-step value within 16 times its rounding, values on a coarse grid
/// (see `value_grid`), or a sample equal to $f_0$
/// (f flat, or absorbed by a larger intermediate: a saturated softmax under a
/// hinge of margin 1 computes $1 + p_j - p_y$ on the grid of 1), are left
/// alone. Otherwise the pass stands, unresolved.
pub(super) fn resolve_weak_passes<F: Real, E: FnMut(&[F], &mut [F])>(
    ev: &mut Evaluator<'_, F, E>,
    point: Point<'_, F>,
    i: usize,
    width: F,
    entries: &mut [EntryCheck],
) {
    let Point {
        f0,
        analytic,
        config,
        noise,
        ..
    } = point;
    if !config.derives_tolerances() {
        return;
    }
    // Per output, the size a weak pass must resolve ([`size_to_resolve`]).
    // Most coordinates have none, and leave here without allocating.
    let weak = |e: &EntryCheck| {
        let size = size_to_resolve(analytic[e.output][i], cst::<F>(e.numeric));
        let unresolved = e.outcome == Verdict::Pass
            && e.evidence != Evidence::Quantized
            && size > F::zero()
            && !resolves(cst(e.tolerance), size);
        unresolved.then_some(size)
    };
    if !entries.iter().any(|e| weak(e).is_some()) {
        return;
    }
    let sigma = noise.so_far(f0.len());
    let t = noise.tolerances(&sigma, f0);
    let reach = width / cst::<F>(4.0);
    // Per output: the step at which the claim moves f by 128 times its rounding
    // (2048 eps nu), for the weak passes it can resolve: far above the ulps where
    // absorbed digits and nearby kinks play.
    let wanted: Vec<Option<F>> = entries
        .iter()
        .map(|e| {
            let size = weak(e)?;
            let numerator = t.rounding(
                f0[e.output].abs() + noise.input[e.output],
                sigma[e.output],
                F::one(),
            );
            let step = cst::<F>(128.0) * numerator / size;
            (step.is_finite() && step <= reach).then_some(step)
        })
        .collect();
    let Some(step) = wanted.iter().flatten().copied().reduce(F::max) else {
        return;
    };
    let look = WideLook {
        i,
        f0,
        noise,
        t: &t,
        sigma: &sigma,
        samples: WideSamples::read(ev, i, step, f0.len()),
    };
    for (e, want) in entries.iter_mut().zip(&wanted) {
        if want.is_some() {
            let a = analytic[e.output][i];
            if let Some(judged) = look.judge(e.output, a, cst(e.tolerance)) {
                *e = judged;
            }
        }
    }
}

/// f at $x \pm t$, $x \pm 2t$, $x \pm 4t$ along one coordinate, every output
/// (6 evaluations): `plus[k]` and `minus[k]` at $2^k t$.
struct WideSamples<F> {
    step: F,
    plus: [Vec<F>; 3],
    minus: [Vec<F>; 3],
}

impl<F: Real> WideSamples<F> {
    fn read<E: FnMut(&[F], &mut [F])>(
        ev: &mut Evaluator<'_, F, E>,
        i: usize,
        step: F,
        m: usize,
    ) -> Self {
        let [(p1, m1), (p2, m2), (p4, m4)] = [F::one(), cst(2.0), cst(4.0)].map(|k| {
            let (mut plus, mut minus) = (vec![F::zero(); m], vec![F::zero(); m]);
            ev.at(i, k * step, &mut plus);
            ev.at(i, -(k * step), &mut minus);
            (plus, minus)
        });
        WideSamples {
            step,
            plus: [p1, p2, p4],
            minus: [m1, m2, m4],
        }
    }
}

/// What step 6 judges a weak pass with: the wide samples, and the noise
/// budget of the coordinate.
struct WideLook<'a, F> {
    i: usize,
    f0: &'a [F],
    noise: &'a NoiseModel<F>,
    t: &'a Tolerances<F>,
    sigma: &'a [F],
    samples: WideSamples<F>,
}

impl<F: Real> WideLook<'_, F> {
    /// Output `o`'s claim `a`, a weak pass of tolerance `passed_with`, at the
    /// wide steps (see [`resolve_weak_passes`]): a resolved **Pass**, a
    /// **Fail**, or `None` (the pass stands, unresolved).
    fn judge(&self, o: usize, a: F, passed_with: F) -> Option<EntryCheck> {
        let (two, four) = (cst::<F>(2.0), cst::<F>(4.0));
        let (t, f0, step) = (self.t, self.f0[o], self.samples.step);
        let [p1, p2, p4] = self.samples.plus.each_ref().map(|v| v[o]);
        let [m1, m2, m4] = self.samples.minus.each_ref().map(|v| v[o]);
        let c1 = (p1 - m1) / (two * step);
        let c2 = (p2 - m2) / (four * step);
        let scale = self.noise.nu(o, &[f0, p1, m1, p2, m2]);
        let rho = t.rounding(scale, self.sigma[o], step);
        let tol = rho + (c1 - c2).abs() + t.relative(o) * a.abs().max(c1.abs()) + t.absolute(o);
        let (left1, right1) = ((f0 - m1) / step, (p1 - f0) / step);
        let (left2, right2) = ((f0 - m2) / (two * step), (p2 - f0) / (two * step));
        // In the asymptotic range c(t) = f' + C t^2: c(4t) - c(2t) is four times
        // c(2t) - c(t). Wide steps on a function that changes character (a
        // softmax logit moved by 2) are not; nor is a kink between them, nor
        // kinks at every distance under the steps (c(t) = B + A/t: the changes
        // halve instead). The rounding of c4 - 5 c2 + 4 c1 is about
        // 3.3 eps nu / t; 2 rho is ten times that (8 rho let an f32 ReLU network
        // of weights 3.5e-3 through, its changes 8.8e-5 and 4.3e-5 at t = 0.08,
        // and the exact claim failed).
        let c4 = (p4 - m4) / (cst::<F>(8.0) * step);
        let asymptotic = ((c4 - c2) - four * (c2 - c1)).abs() <= (c4 - c2).abs() / two + two * rho;
        let judged = |outcome| {
            entry(
                o,
                self.i,
                a,
                c1,
                left1,
                right1,
                tol,
                outcome,
                Evidence::WideStep,
            )
        };
        if rule::within(a, c1, tol) {
            // |c1 - c2| bounds c1's truncation only in the asymptotic range: where
            // the steps outgrow f's features (an f32 LayerNorm of spread 0.01), the
            // claim is not resolved here. A kink inside the steps moves c1 by half
            // the one-sided gap and can keep the changes near the t^2 law (an f32
            // ReLU network, a kink at 0.29t and another at 2.8t: c(4t) - c(2t) =
            // 3.1 (c(2t) - c(t)), and a claim 4.3e-3 off passed under 9.3e-4): the
            // gap must double from t to 2t, or be too small to matter
            // (`straddle.rs`).
            let single = gap(f0, p1, m1, step);
            let kink_free = too_small_to_matter(single, tol)
                || doubles_with_the_step(single, gap(f0, p2, m2, two * step), rho);
            return (asymptotic && kink_free && tol < passed_with).then(|| judged(Verdict::Pass));
        }
        // The one-sided slopes freed of their curvature term (L(t) = f'- - f'' t / 2 + ..):
        // on a smooth f both limits are f', across a kink at x they differ by the jump.
        let (left0, right0) = (two * left1 - left2, two * right1 - right2);
        // They agree to within the truncation the central values drift by and
        // the rounding, too: on a smooth f their distance is of order t^3 f''''.
        // Kinks of a ReLU network in f32 at every distance under a step of 0.1
        // left them 2.1e-3 apart, under a quarter of a miss of 8.7e-3 but far
        // over a drift of 1.1e-4: not smooth.
        let apart = (right0 - left0).abs();
        let smooth = apart <= (a - c1).abs() / four && apart <= four * ((c1 - c2).abs() + rho);
        let samples = [
            (step, p1),
            (-step, m1),
            (two * step, p2),
            (-(two * step), m2),
            (four * step, p4),
            (-(four * step), m4),
        ];
        let on_grid = value_grid(f0, &samples, false).is_some();
        let moved = samples.iter().all(|(_, v)| *v != f0);
        let gross = (a - c1).abs() > (two * tol).max(a.abs().max(c1.abs()) / four);
        // The wide step's own value must stand clear of its rounding (a loss of
        // 27 whose entry is 1e-13 shows only ulps even at a step of 10).
        let resolved = c1.abs() >= cst::<F>(16.0) * rho;
        // No kink straddled: the one-sided gap grows from t to 2t and from 2t
        // to 4t as a smooth f's does, however small it is (`straddle.rs`).
        // Kinks either side of x whose jumps cancel leave f smooth at the wide
        // steps, at the slope outside them: an f32 ReLU network read c(t) =
        // 7.58e-3 at t = 0.16 where f' is 1.50e-2 (kinks 2.1e-4 and 2.9e-3 from
        // x), its gaps 7.5e-4, 9.0e-4, 9.9e-4.
        let [g1, g2, g4] = [(p1, m1, F::one()), (p2, m2, two), (p4, m4, four)]
            .map(|(p, m, k)| gap(f0, p, m, k * step));
        let kink_free =
            grows_with_the_step(g1, g2, two, rho) && grows_with_the_step(g2, g4, two, rho / two);
        (smooth && asymptotic && resolved && moved && !on_grid && gross && kink_free)
            .then(|| judged(Verdict::Fail))
    }
}
