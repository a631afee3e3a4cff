//! The last look at a would-be **Fail**: is f quantized? (Step 5 of the
//! decision in [`check`](super).) A loss can lose its low digits to a larger
//! intermediate (a saturated softmax under a hinge of margin 1 computes
//! $1 + p_j - p_y$ on the grid of 1 while the loss is $10^{-12}$); its values
//! then move in whole grid steps, and a correct derivative reads 0 at small
//! steps. Here the claim is judged at the resolution that grid allows.
//!
//! **Quantized f** (only for a would-be **Fail**, without `atol`/`rtol`).
//! Some functions lose their low digits inside: a saturated softmax under a
//! hinge of margin 1 computes $1 + p_j - p_y$ on the grid of 1 ($2^{-53}$)
//! while the loss is $10^{-12}$, so f moves in whole grid steps (and by
//! $k-1$ at once when $p_y$ crosses a rounding boundary), and a true
//! derivative of $10^{-13}$ reads 0 at every small step. When every
//! difference $f(x+t) - f_0$ seen along $e_i$ is a multiple of a power of
//! two $g \ge 2^{16}\varepsilon|f|$ (rounding leaves the low bits of a
//! difference random, so a grid that coarse means an intermediate far larger
//! than f absorbed them), f is probed at $0.07\cdot4^k\max(1,|x_i|)$, $k = 0,1,2$
//! (2 evaluations each, while f stays on the grid), and the claim is judged at
//! the best-resolved step $t$: the central difference $c_t$ within
//! $2A/t + 2|c_t - c_{t'}|$, with $A$ the noise amplitude seen up to $t$ (the
//! pairs' asymmetry, and how far each pair's central difference strays from
//! the next wider one's, times its step; at least $8g$) and $t'$ the next
//! narrower step. A coordinate this leaves unresolved (f flat out to $H$,
//! or the claim off by more than its own noise estimate) is judged once
//! more after the last coordinate, with the largest noise amplitude $A$ any
//! coordinate of that output showed (if none looked yet, f along the
//! coordinate of the largest claimed entry, at non-dyadic steps
//! $4^k\varepsilon^{1/3}\max(1,|x_j|)$, 2 evaluations each): within
//! $2A/H$ of its numeric value at $H$ (0 where flat).
//! **Pass** with [`Evidence::Quantized`], unless some step's central
//! difference stands apart from the deciding one beyond both tolerances (a
//! kink beside x: the wide steps read the mean of its slopes with little
//! drift between them, the narrow ones x's own slope); a kink, or a
//! genuinely flat f, leaves differences without such a grid, and the
//! **Fail** stands. The
//! resolution is that of f: a doubled gradient entry of $10^{-15}$ on a loss
//! whose grid is $10^{-16}$ cannot be caught.
//!
//! Without a grid, a **staircase** still shows: f equal to $f_0$ on both
//! sides at a step where its slope (the widest pair's) predicts a change of
//! at least $4\varepsilon|f_0|$. An `f32` loss whose output moves in whole
//! ulps is one along some weights: it jumps by $r\,u$, far above its own
//! ulp, and is flat between, while along ECnoise's direction it can look
//! smooth. Up to two probes (2 evaluations each) between the widest flat
//! and the narrowest moving step bring the smallest move seen down to one
//! quantum $q$, and the claim is judged as above with $A = q$ (a
//! staircase's values stray from the smooth f by less than a quantum; its
//! pairs' asymmetries are curvature). A kink with a flat side is flat on one
//! side only, and is no staircase.
//!

use crate::check::report::EntryCheck;
use crate::check::verdict::{Evidence, Verdict};
use crate::float::{Real, cst};
use crate::numeric::differences::{DifferenceScheme, scaled_step};

use super::budget::Tolerances;
use super::f64_of;
use super::grid::{rounding_quantum, value_grid, value_spacing};
use super::point::entry;
use super::probe::Evaluator;
use super::rule;

/// What [`quantized_pass`] made of a would-be **Fail**.
pub(super) enum QuantizedLook<F> {
    /// Passed at the grid's resolution; the grid and the noise amplitude seen.
    Pass(EntryCheck, F, F),
    /// Not resolved by this coordinate's own look: f stayed flat out to `step`
    /// (`numeric` 0, no grid), or it lies on a grid (with the noise amplitude
    /// seen) but the claim missed the central difference `numeric` at its
    /// widest `step`. Judged again once the whole check knows f's noise (see
    /// `Quantization::settle`).
    Unresolved {
        /// Per step $t$ that moved after a narrower one $t'$: $t$, the central
        /// difference $c_t$, and its truncation bound $2|c_t - c_{t'}|$; where f
        /// stayed flat, the widest step with $c = 0$ and bound 0.
        steps: Vec<(F, F, F)>,
        grid: Option<(F, F)>,
    },
    /// No grid: the **Fail** stands.
    Nothing,
}

/// What the coordinates learned of f's quantization, per output: the finest
/// grid and the largest noise amplitude seen, and the would-be failures left
/// unresolved.
pub(super) struct Quantization {
    grid: Vec<Option<(f64, f64)>>,
    pub(super) unresolved: Vec<Unresolved>,
}

/// A would-be failure left for [`Quantization::settle`].
#[derive(Debug, Clone)]
pub(super) struct Unresolved {
    /// The entry's index in the check's entries.
    pub(super) entry: usize,
    pub(super) output: usize,
    /// Per step: the step, the central difference there and its truncation
    /// bound (see [`QuantizedLook::Unresolved`]).
    pub(super) steps: Vec<(f64, f64, f64)>,
}

impl Quantization {
    pub(super) fn new(m: usize) -> Self {
        Self {
            grid: vec![None; m],
            unresolved: Vec::new(),
        }
    }

    pub(super) fn grid_seen(&mut self, o: usize, g: f64, amplitude: f64) {
        self.grid[o] =
            Some(self.grid[o].map_or((g, amplitude), |(og, oa)| (og.min(g), oa.max(amplitude))));
    }

    #[cfg(feature = "parallel")]
    /// Joins a chunk's findings whose entries start at `offset`.
    pub(super) fn merge(&mut self, other: Quantization, offset: usize) {
        for (o, g) in other.grid.into_iter().enumerate() {
            if let Some((g, amplitude)) = g {
                self.grid_seen(o, g, amplitude);
            }
        }
        self.unresolved
            .extend(other.unresolved.into_iter().map(|u| Unresolved {
                entry: u.entry + offset,
                ..u
            }));
    }

    /// For an output with flat would-be failures but no grid seen yet (its other
    /// coordinates passed early): f along the coordinate $j$ of the largest
    /// claimed entry, at $4^k\varepsilon^{1/3}\max(1,|x_j|)$, $k = 0..6$ (steps
    /// that are not powers of two, so that a dyadic x shows no false grid;
    /// 2 evaluations each), while f stays flat or on its grid, and 2 steps past
    /// its first move: the grid and noise amplitude as `judge_quantized` reads them.
    pub(super) fn look_for_grid<F: Real, E: FnMut(&[F], &mut [F])>(
        &mut self,
        ev: &mut Evaluator<'_, F, E>,
        x: &[F],
        f0: &[F],
        entries: &[EntryCheck],
        t: &Tolerances<F>,
    ) {
        let m = f0.len();
        let (mut plus, mut minus) = (vec![F::zero(); m], vec![F::zero(); m]);
        for o in 0..m {
            if self.grid[o].is_some() || !self.unresolved.iter().any(|u| u.output == o) {
                continue;
            }
            let flat_inputs: Vec<usize> = self
                .unresolved
                .iter()
                .filter(|u| u.output == o)
                .map(|u| entries[u.entry].input)
                .collect();
            let Some((j, a)) = entries
                .iter()
                .filter(|e| e.output == o && !flat_inputs.contains(&e.input))
                .max_by(|p, q| p.analytic.abs().total_cmp(&q.analytic.abs()))
                .map(|e| (e.input, e.analytic))
            else {
                continue;
            };
            let mut samples: Vec<(F, F)> = Vec::new();
            let mut step = scaled_step(DifferenceScheme::Central.optimal_step::<F>(), x[j]);
            let mut past_move = 0;
            for _ in 0..7 {
                ev.at(j, step, &mut plus);
                ev.at(j, -step, &mut minus);
                samples.push((step, plus[o]));
                samples.push((-step, minus[o]));
                let moved = samples.iter().any(|(_, v)| *v != f0[o]);
                if moved && value_grid(f0[o], &samples, false).is_none() {
                    samples.truncate(samples.len() - 2);
                    break;
                }
                past_move += usize::from(moved);
                if past_move > 2 {
                    break;
                }
                step *= cst::<F>(4.0);
            }
            if let Some(g) = value_grid(f0[o], &samples, true) {
                let (_, amplitude) =
                    judge_quantized(f0[o], (o, j, cst(a)), &samples, Floor::Grid(g), t);
                self.grid_seen(o, f64_of(g), f64_of(amplitude));
            }
        }
    }

    /// A coordinate left unresolved (flat out to $H$, or on the grid but off
    /// its own noise estimate) is judged with the noise of the whole output:
    /// where the coordinates showed that f is quantized at $g$ with noise
    /// amplitude $A$ (at least $8g$, as in `judge_quantized`), the claim is
    /// judged at the best-resolved step $t$ that moved after a narrower one
    /// $t'$: within $2A/t + 2|c_t - c_{t'}|$ of the central difference $c_t$
    /// (the noise over the step, and the truncation bound as in
    /// `judge_quantized`), or where f stayed flat out to $H$, within $2A/H$
    /// of 0: **Pass** at that resolution. Elsewhere the **Fail** stands.
    /// (The widest step alone, without its truncation bound, read 0.128 at
    /// $t = 2$ for a derivative of 0.275 and passed a claim of $-0.0034$: a
    /// property run of 60000 cases found it.)
    pub(super) fn settle<F: Real>(&self, entries: &mut [EntryCheck], t: &Tolerances<F>) {
        let tiny = f64_of(t.tiny);
        for u in &self.unresolved {
            let o = u.output;
            let floor = f64_of(t.relative(o));
            let Some((g, amplitude)) = self.grid[o] else {
                continue;
            };
            let e = &mut entries[u.entry];
            let judged: Vec<(f64, f64)> = u
                .steps
                .iter()
                .map(|&(step, numeric, drift)| {
                    let tol = 2.0 * amplitude.max(8.0 * g) / step
                        + drift
                        + floor * e.analytic.abs().max(numeric.abs())
                        + tiny;
                    (numeric, tol)
                })
                .filter(|(_, tol)| tol.is_finite())
                .collect();
            let best = judged.iter().copied().min_by(|p, q| p.1.total_cmp(&q.1));
            let Some((numeric, tol)) = best else { continue };
            if e.outcome == Verdict::Fail
                && rule::within(e.analytic, numeric, tol)
                && !contradicted((numeric, tol), judged.iter().copied())
            {
                *e = entry(
                    o,
                    e.input,
                    e.analytic,
                    numeric,
                    numeric,
                    numeric,
                    tol,
                    Verdict::Pass,
                    Evidence::Quantized,
                );
            }
        }
    }
}

/// The last look at a would-be **Fail**: is f quantized along coordinate `i`?
/// A saturated softmax under a hinge of margin 1 computes $1 + p_j - p_y$ on
/// the grid of 1 ($2^{-53}$) while the loss is $10^{-12}$: its values move in
/// steps of $2^{-53}$, and by $k - 1$ of them at once when $p_y$ crosses a
/// rounding boundary, so a true derivative of $10^{-13}$ shows as 0 at small
/// steps, and Ridders, fooled by its flat fine levels, extrapolates to 0. That
/// is noise far above $\varepsilon|f|$, which the noise model (capped, and
/// blind where f is flat) does not know.
///
/// If every sample equals $f_0$, f is first probed at $0.07\cdot4^k\max(1,|x_i|)$,
/// $k = 0, 1, 2$ (not dyadic; 2 evaluations each) until it moves; still flat,
/// the coordinate is left for `Quantization::settle`. When f's differences lie
/// on a grid (see `value_grid`), the remaining probe steps follow while f stays
/// on it, and `judge_quantized` decides; a claim it cannot pass is left for
/// `Quantization::settle` too, with the central difference at the widest step.
/// Without a grid (a kink, a smooth f) the **Fail** stands.
pub(super) fn quantized_pass<F: Real, E: FnMut(&[F], &mut [F])>(
    ev: &mut Evaluator<'_, F, E>,
    (i, xi): (usize, F),
    f0: &[F],
    (o, a): (usize, F),
    samples: &mut Vec<(F, F)>,
    t: &Tolerances<F>,
) -> QuantizedLook<F> {
    let widest = samples.iter().fold(F::zero(), |w, (s, _)| w.max(s.abs()));
    let (mut plus, mut minus) = (vec![F::zero(); f0.len()], vec![F::zero(); f0.len()]);
    let mut probe = |samples: &mut Vec<(F, F)>, step: F| {
        ev.at(i, step, &mut plus);
        ev.at(i, -step, &mut minus);
        samples.push((step, plus[o]));
        samples.push((-step, minus[o]));
    };
    let steps: Vec<F> = (0..3)
        .map(|k| scaled_step(cst::<F>(0.07 * 4f64.powi(k)), xi))
        .filter(|s| *s > widest)
        .collect();
    let mut probed = 0;
    if samples.iter().all(|(_, v)| *v == f0[o]) {
        for &step in &steps {
            probe(samples, step);
            probed += 1;
            if samples.iter().any(|(_, v)| *v != f0[o]) {
                break;
            }
        }
        if samples.iter().all(|(_, v)| *v == f0[o]) {
            let reach = samples.iter().fold(F::zero(), |w, (s, _)| w.max(s.abs()));
            return QuantizedLook::Unresolved {
                steps: vec![(reach, F::zero(), F::zero())],
                grid: None,
            };
        }
    }
    let Some(mut g) = value_spacing(f0[o], samples, false) else {
        // No power-of-two grid; a staircase of quanta still shows by its plateaus.
        // Between the widest flat pair and the narrowest that moved, f moves by
        // a few quanta: up to two probes there (2 evaluations each) bring the
        // smallest move seen down to one.
        if staircase_quantum(f0[o], xi, samples).is_some() {
            for _ in 0..2 {
                let pairs = symmetric_pairs(samples);
                let flat = pairs
                    .iter()
                    .filter(|(_, v, w)| *v == f0[o] && *w == f0[o])
                    .fold(F::zero(), |m, p| m.max(p.0));
                let Some(moved) = pairs
                    .iter()
                    .find(|(s, v, w)| *s > flat && (*v != f0[o] || *w != f0[o]))
                else {
                    break;
                };
                if moved.0 < cst::<F>(3.0) * flat {
                    break;
                }
                probe(samples, (flat * moved.0).sqrt());
            }
        }
        return match staircase_quantum(f0[o], xi, samples) {
            Some(q) => match judge_quantized(f0[o], (o, i, a), samples, Floor::Staircase(q), t) {
                (Some(e), amplitude) => QuantizedLook::Pass(e, q, amplitude),
                (None, _) => QuantizedLook::Nothing,
            },
            None => QuantizedLook::Nothing,
        };
    };
    // Wider steps while f stays on the grid: beyond, f is no longer quantized
    // (or a kink broke the pattern) and tells nothing of the noise here.
    for &step in &steps[probed..] {
        let kept = samples.len();
        probe(samples, step);
        match value_spacing(f0[o], samples, false) {
            Some(finer) => g = finer,
            None => {
                samples.truncate(kept);
                break;
            }
        }
    }
    if value_spacing(f0[o], samples, true) != Some(g) {
        return QuantizedLook::Nothing;
    }
    match judge_quantized(f0[o], (o, i, a), samples, Floor::Grid(g), t) {
        (Some(e), amplitude) => QuantizedLook::Pass(e, g, amplitude),
        (None, amplitude) => {
            let two = cst::<F>(2.0);
            let central = |(s, v, w): (F, F, F)| (v - w) / (two * s);
            let moved: Vec<(F, F)> = symmetric_pairs(samples)
                .into_iter()
                .filter(|(_, v, w)| *v != f0[o] || *w != f0[o])
                .map(|p| (p.0, central(p)))
                .collect();
            // Each moved pair with a narrower one: its step, its central
            // difference, and twice the gap between them (its truncation bound).
            let steps: Vec<(F, F, F)> = moved
                .windows(2)
                .map(|w| (w[1].0, w[1].1, two * (w[1].1 - w[0].1).abs()))
                .collect();
            if steps.is_empty() {
                return QuantizedLook::Nothing;
            }
            QuantizedLook::Unresolved {
                steps,
                grid: Some((g, amplitude)),
            }
        }
    }
}

/// The quantum of a staircase along the coordinate: f equal to $f_0$ on both
/// sides at a step where its slope (the widest pair's central difference)
/// predicts a change of at least $4\varepsilon|f_0|$, so that something larger
/// than f absorbed the change (an `f32` loss $\tfrac12 r^2$ whose output moves
/// in whole ulps: the loss jumps by $r\,u$, far above its own ulp, with no
/// power-of-two grid). The stairs must be narrow and f monotone through x:
/// some pair within four central difference steps $h$ moved, on both sides,
/// in opposite directions, and so did the widest pair. A kink with a flat
/// side (a dead ReLU) moves on one side only or beyond $4h$ only, and a flat f
/// has no slope: neither is a staircase. The quantum is the smallest
/// $|f(x+t) - f_0|$ seen that is at least the change the widest plateau
/// absorbed (slope times its step): smaller moves are not the stairs but a
/// smooth part beside them (an `f32` intermediate plus an `f64` term that
/// is flat at x moves by ulps of `f64` at steps where the stairs stay put;
/// taken for the quantum, they passed a claim of 0 for a slope of 0.13).
fn staircase_quantum<F: Real>(f0: F, xi: F, samples: &[(F, F)]) -> Option<F> {
    let pairs = symmetric_pairs(samples);
    let across = |&(_, v, w): &(F, F, F)| (v > f0 && w < f0) || (v < f0 && w > f0);
    let widest = pairs.last()?;
    if !across(widest) {
        return None;
    }
    // Within a few central steps (a staircase whose plateaus are as wide as
    // the step moves on one side at h and on both at 2h: a saturated tanh's
    // 1 - t*t at x = -36.8); a dead ReLU never moves on its flat side.
    let h = scaled_step(DifferenceScheme::Central.optimal_step::<F>(), xi);
    if !pairs.iter().any(|p| p.0 <= cst::<F>(4.0) * h && across(p)) {
        return None;
    }
    let &(s, v, w) = widest;
    let slope = ((v - w) / (cst::<F>(2.0) * s)).abs();
    let absorbed = cst::<F>(4.0) * F::epsilon() * f0.abs();
    // The change the widest plateau absorbed: x - t and x + t on one stair
    // means a quantum above 2 slope t.
    let swallowed = pairs
        .iter()
        .filter(|&&(t, v, w)| v == f0 && w == f0 && slope * t >= absorbed)
        .map(|&(t, _, _)| slope * t)
        .reduce(F::max)?;
    let largest = samples.iter().fold(f0.abs(), |m, (_, v)| m.max(v.abs()));
    samples
        .iter()
        .map(|(_, v)| (*v - f0).abs())
        .filter(|d| *d >= swallowed && d.is_finite())
        .reduce(F::min)
        .filter(|q| rounding_quantum(*q, largest))
}

/// The symmetric pairs $(t, f(x+t), f(x-t))$ among the samples, by step.
fn symmetric_pairs<F: Real>(samples: &[(F, F)]) -> Vec<(F, F, F)> {
    let mut pairs: Vec<(F, F, F)> = samples
        .iter()
        .filter(|(s, _)| *s > F::zero())
        .filter_map(|(s, v)| {
            let w = samples.iter().find(|(u, _)| *u == -*s)?.1;
            Some((*s, *v, w))
        })
        .collect();
    pairs.sort_by(|p, q| p.0.partial_cmp(&q.0).unwrap_or(std::cmp::Ordering::Equal));
    pairs
}

/// What bounds the noise of a quantized f.
#[derive(Clone, Copy)]
enum Floor<F> {
    /// Values on a power-of-two grid $g$: $p_y$ crossing a rounding boundary
    /// moves f by $k - 1$ grid steps at once, so the noise amplitude is at
    /// least $8g$ and grows with what the samples show.
    Grid(F),
    /// A staircase of quantum $q$: its values stray from the smooth f by less
    /// than one quantum, and the samples' asymmetries are the smooth f's
    /// curvature, not noise.
    Staircase(F),
}

/// The judgement of [`quantized_pass`] once the grid $g$ (or a staircase's
/// quantum $q$) is known, and the noise amplitude $A$ seen: per symmetric pair from the first that moved, the
/// central difference $c_t$ and the tolerance $2A_t/t + 2|c_t - c_{t'}|$ (the
/// noise seen up to $t$ over the step, twice, and twice the drift from the next
/// narrower step, for the truncation); the best-resolved step decides. $A_t$
/// is $q$ on a staircase (see [`Floor`]); on a grid it is at least $8g$ and takes each pair's asymmetry $|f(x+t) + f(x-t) - 2f_0|/2$
/// (a jump on one side) and how far its central difference strays from the
/// next wider pair's, times $t$ (both sides absorbed alike). The widest pair's
/// asymmetry is mostly curvature; it only counts, and decides, when no narrower
/// pair moved.
fn judge_quantized<F: Real>(
    f0: F,
    (o, i, a): (usize, usize, F),
    samples: &[(F, F)],
    noise: Floor<F>,
    t: &Tolerances<F>,
) -> (Option<EntryCheck>, F) {
    let (floor, grows) = match noise {
        Floor::Grid(g) => (cst::<F>(8.0) * g, true),
        Floor::Staircase(q) => (q, false),
    };
    let two: F = cst(2.0);
    let pairs = symmetric_pairs(samples);
    let mut amplitude = floor;
    let Some(first_move) = pairs.iter().position(|(_, v, w)| *v != f0 || *w != f0) else {
        return (None, amplitude);
    };
    // The noise amplitude seen up to each step: each pair's asymmetry (a jump
    // on one side), and how far its central difference strays from the next
    // wider pair's, times its step (both sides absorbed alike); at least
    // `floor`. The widest pair has no wider one to compare with and its
    // asymmetry is mostly curvature: it decides only if no narrower pair moved.
    let central = |&(s, v, w): &(F, F, F)| (v - w) / (two * s);
    let only = first_move + 1 == pairs.len();
    // Per pair from the first that moved: its central difference, and its
    // tolerance: the noise over the step, twice, plus twice the drift since the
    // last pair (the truncation).
    let mut judged: Vec<(F, F, F)> = Vec::new();
    for (k, pair) in pairs.iter().enumerate() {
        let (s, v, w) = *pair;
        let c = central(pair);
        let asymmetry = (v + w - two * f0).abs() / two;
        let wider = pairs.get(k + 1);
        if wider.is_none() && !only {
            continue;
        }
        if grows {
            amplitude = amplitude.max(asymmetry);
            if let Some(wider) = wider {
                amplitude = amplitude.max((c - central(wider)).abs() * s);
            }
        }
        if k < first_move {
            continue;
        }
        let drift = judged
            .last()
            .map_or(F::zero(), |(previous, _, _)| two * (c - *previous).abs());
        let tol =
            two * amplitude / s + drift + t.relative(o) * a.abs().max(c.abs()) + t.absolute(o);
        judged.push((c, tol, amplitude));
    }
    // The best-resolved step decides: small ones drown in the grid, wide ones
    // in curvature. The noise amplitude reported is the one seen up to it:
    // wider pairs stray by curvature (or a kink), which is no noise, and
    // would make every other coordinate's resolution as coarse.
    let Some(best) = judged
        .iter()
        .copied()
        .min_by(|p, q| p.1.partial_cmp(&q.1).unwrap_or(std::cmp::Ordering::Equal))
    else {
        return (None, amplitude);
    };
    let (c, tol, seen) = best;
    let others = judged.iter().map(|(c, tol, _)| (*c, *tol));
    let pass = (rule::within(a, c, tol) && !contradicted((c, tol), others))
        .then(|| entry(o, i, a, c, c, c, tol, Verdict::Pass, Evidence::Quantized));
    (pass, seen)
}

/// Some step's central difference stands apart from the best-resolved one
/// `(c, tol)` beyond both tolerances: the steps do not read one slope (a kink
/// beside x: the wide steps' central differences tend to the mean of its
/// slopes, with a drift between them far under the jump, while the narrow
/// steps that moved beyond the grid read x's own slope within theirs), and
/// the best step's bar does not hold.
fn contradicted<F: Real>((c, tol): (F, F), mut judged: impl Iterator<Item = (F, F)>) -> bool {
    judged.any(|(other, bar)| (other - c).abs() > bar + tol)
}

#[cfg(test)]
mod tests {
    use super::staircase_quantum;

    /// Samples of f along a coordinate at offsets +-t.
    fn along(f: impl Fn(f64) -> f64, offsets: &[f64]) -> Vec<(f64, f64)> {
        offsets
            .iter()
            .flat_map(|t| [(*t, f(*t)), (-*t, f(-*t))])
            .collect()
    }

    /// A staircase of quantum 1e-9 and slope 1e-3 (stairs 1e-6 wide): flat at
    /// 1e-7, four quanta at 4e-6, within the central step 6e-6.
    #[test]
    fn a_staircase_shows_its_quantum() {
        let f = |t: f64| 10.0 + 1e-9 * (t * 1e-3 / 1e-9).round();
        let samples = along(f, &[1e-8, 1e-7, 4e-6, 1e-4]);
        let q = staircase_quantum(f(0.0), 0.5, &samples).expect("a staircase");
        assert!((1e-9..=4.1e-9).contains(&q), "{q:e}");
    }

    /// A kink with a flat side (a ReLU off until 1e-5): flat within the
    /// central step on both sides, moving on one side only beyond it.
    #[test]
    fn a_flat_side_of_a_kink_is_no_staircase() {
        let f = |t: f64| 10.0 + (t - 1e-5).max(0.0);
        let samples = along(f, &[1e-8, 1e-7, 4e-6, 1e-4]);
        assert_eq!(staircase_quantum(f(0.0), 0.5, &samples), None);
    }
}
