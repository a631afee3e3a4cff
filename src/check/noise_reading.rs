//! ECnoise readings of f's noise for the noise model (`noise_model.rs`), each
//! with the **magnitude** of the values it was read among: per output, the
//! largest $|f|$ the reading evaluated ($|f_0|$ included).
//!
//! The magnitude is what tells rounding from noise added to f. Rounding is
//! relative to the values rounded: an intermediate rounded to `f32` moves f
//! by about $2^{-24}$ of its value. At a point where f is 0 ($\sin x$ in
//! `f32` at $x = 0$) the values a reading sees are $|a|\,h$ at most, and
//! their rounding is $2^{-24}|a|\,h$: it shrinks with the step, is 50 times
//! larger at a point $2^{-7}$ away, and $2^{10}\varepsilon|f_0|$ caps it to
//! 0. Relative to its own magnitude, each of these readings is the same
//! $2^{-24}$.

use super::budget::f32_or_coarser;
use super::probe::Evaluator;
use crate::float::{Real, cst};
use crate::numeric::noise::{
    NoiseSides, estimate_noise_sides, estimate_noise_sides_read_at, estimate_noise_sides_relative,
};

/// The step ratio between [`measured`]'s coarse reading and
/// [`at_a_finer_scale`]'s.
pub(super) const FINER: f64 = 16.0;

/// ECnoise readings per output and the magnitude they were read among.
#[derive(Debug, Clone)]
pub(super) struct Reading<F> {
    /// The usual estimate (from $\sqrt\varepsilon$, the smaller side's
    /// reading, robust to a kink beside x); `None` where it could not read.
    pub(super) lower: Vec<Option<F>>,
    /// The larger of `lower` and, where the float type is finer than `f32`,
    /// the same reading from $\varepsilon^{1/4}$ (an intermediate rounded to
    /// `f32` moves in jumps too far apart to show at the first step). In
    /// `f32`, `lower`.
    pub(super) upper: Vec<Option<F>>,
    /// Per output, the largest finite $|f|$ among the values read.
    pub(super) magnitude: Vec<F>,
}

impl<F: Real> Reading<F> {
    /// `upper` relative to the magnitude of the values read: f's rounding
    /// unit where the reading is rounding. 0 for a reading of 0; `None`
    /// where there is no reading or no magnitude to relate it to.
    pub(super) fn relative(&self, o: usize) -> Option<F> {
        match self.upper[o] {
            Some(s) if s == F::zero() => Some(s),
            Some(s) if self.magnitude[o] > F::zero() => Some(s / self.magnitude[o]),
            _ => None,
        }
    }
}

/// `read` run on f, every value f returns recorded: its result and, per
/// output, the largest finite $|f|$ seen, $|f_0|$ included.
fn recording<F: Real, R>(
    eval: &mut impl FnMut(&[F], &mut [F]),
    f0: &[F],
    read: impl FnOnce(&mut dyn FnMut(&[F], &mut [F])) -> R,
) -> (R, Vec<F>) {
    let finite_abs = |v: &F| if v.is_finite() { v.abs() } else { F::zero() };
    let mut magnitude: Vec<F> = f0.iter().map(finite_abs).collect();
    let mut recorded = |p: &[F], out: &mut [F]| {
        eval(p, out);
        for (m, v) in magnitude.iter_mut().zip(out.iter()) {
            *m = m.max(finite_abs(v));
        }
    };
    let result = read(&mut recorded);
    (result, magnitude)
}

/// The first step of [`measured`]'s coarsest reading: $\varepsilon^{1/4}$,
/// or in `f32`, which reads at $\sqrt\varepsilon$ only, that.
fn coarsest_step<F: Real>() -> F {
    if f32_or_coarser::<F>() {
        F::epsilon().sqrt()
    } else {
        F::epsilon().sqrt().sqrt()
    }
}

/// ECnoise on each side of x from $\sqrt\varepsilon$ along the usual
/// direction, and where an output cannot be read there, along relative
/// moves: the sides' readings and the evaluations spent.
fn fine_sides<F: Real>(
    eval: &mut impl FnMut(&[F], &mut [F]),
    x: &[F],
    f0: &[F],
) -> (NoiseSides<F>, usize) {
    let step = F::epsilon().sqrt();
    let (mut fine, mut count) = estimate_noise_sides(eval, x, f0, step);
    // Unmeasurable along the usual direction (its moves of max(1, |x_j|)
    // can be 1e83 times a tiny coordinate f is proportional to): once
    // more with relative moves, for those outputs.
    if fine.lower.iter().any(Option::is_none) {
        let (relative, n) = estimate_noise_sides_relative(eval, x, f0, step);
        count += n;
        for o in 0..f0.len() {
            if fine.lower[o].is_none() {
                fine.lower[o] = relative.lower[o];
                fine.upper[o] = relative.upper[o];
            }
        }
    }
    (fine, count)
}

/// Per output, f's noise at x read at the finest step only (the smaller
/// side's ECnoise reading, 28 to 112 evaluations; 0 where it could not
/// read): the rounding of f's own arithmetic, a sum's included. The fast
/// mode's directions above `LOCALIZE_ABOVE` inputs carry it
/// (`budget::MeasuredRounding::noise`).
pub(super) fn finest<F: Real, E: FnMut(&[F], &mut [F])>(
    ev: &mut Evaluator<'_, F, E>,
    x: &[F],
    f0: &[F],
) -> Vec<F> {
    let (sides, count) = fine_sides(&mut *ev.eval, x, f0);
    ev.count += count;
    (sides.lower.into_iter())
        .map(|s| s.filter(|s| s.is_finite()).unwrap_or(F::zero()))
        .collect()
}

/// f's noise at x by ECnoise (see [`Reading`]): 28 to 112 evaluations, as
/// many again with relative moves for an output the usual direction cannot
/// read, and in `f64` 84 to 336 more from $\varepsilon^{1/4}$.
pub(super) fn measured<F: Real, E: FnMut(&[F], &mut [F])>(
    ev: &mut Evaluator<'_, F, E>,
    x: &[F],
    f0: &[F],
) -> Reading<F> {
    let ((lower, upper, count), magnitude) = recording(&mut *ev.eval, f0, |mut eval| {
        let (fine, mut count) = fine_sides(&mut eval, x, f0);
        if f32_or_coarser::<F>() {
            return (fine.lower.clone(), fine.lower, count);
        }
        let (coarse, n) = estimate_noise_sides(&mut eval, x, f0, coarsest_step::<F>());
        count += n;
        let larger = fine
            .lower
            .iter()
            .zip(coarse.lower)
            .map(|(a, b)| match (*a, b) {
                (Some(a), Some(b)) => Some(a.max(b)),
                (a, b) => a.or(b),
            })
            .collect();
        (fine.lower, larger, count)
    });
    ev.count += count;
    Reading {
        lower,
        upper,
        magnitude,
    }
}

/// f's noise at x read as [`measured`]'s coarsest reading is, at a step
/// [`FINER`] times smaller ($\varepsilon^{1/4}/16$; in `f32`, where
/// [`measured`] reads at $\sqrt\varepsilon$ only, $\sqrt\varepsilon/16$): the
/// larger side's reading per output (`upper`; `lower` is the smaller
/// side's), and the magnitude it was read among.
///
/// Only readings taken at a step at least 4 times finer than the coarsest
/// count. ECnoise moves its step up a hundredfold where the segment is too
/// flat to read: at a dead ReLU unit of an `f32` network, flat for 0.02 about
/// x, both readings moved up to the same wide steps, read the unit's kink
/// there, and the kink passed for noise at every scale (the noisy stage then
/// failed the exact gradient). Where f was flat at the finer step, the
/// reading there is 0.
pub(super) fn at_a_finer_scale<F: Real, E: FnMut(&[F], &mut [F])>(
    ev: &mut Evaluator<'_, F, E>,
    x: &[F],
    f0: &[F],
) -> Reading<F> {
    let coarse = coarsest_step::<F>();
    let step = coarse / cst::<F>(FINER);
    let ((sides, read_at, count), magnitude) = recording(&mut *ev.eval, f0, |mut eval| {
        estimate_noise_sides_read_at(&mut eval, x, f0, step)
    });
    ev.count += count;
    let finest = coarse / cst::<F>(4.0);
    let (mut lower, mut upper) = (sides.lower, sides.upper);
    for (o, readings) in read_at.iter().enumerate() {
        if readings.is_empty() {
            continue;
        }
        let finer = readings
            .iter()
            .filter(|(_, at)| *at <= finest)
            .map(|(sigma, _)| *sigma)
            .fold(F::zero(), F::max);
        upper[o] = Some(finer);
        lower[o] = Some(lower[o].map_or(finer, |l| l.min(finer)));
    }
    Reading {
        lower,
        upper,
        magnitude,
    }
}

/// f at a point away from x (every coordinate moved by
/// $2^{-7}\max(1, |x_j|)$, signs alternating) and its noise measured there:
/// `None` per output where it cannot be measured, or where f is not finite
/// there.
pub(super) fn away_from_x<F: Real, E: FnMut(&[F], &mut [F])>(
    ev: &mut Evaluator<'_, F, E>,
    x: &[F],
    m: usize,
) -> (Vec<F>, Reading<F>) {
    let shift: F = cst(1.0 / 128.0);
    let moved: Vec<F> = x
        .iter()
        .enumerate()
        .map(|(j, xj)| {
            let sign = if j % 2 == 0 { F::one() } else { -F::one() };
            *xj + sign * shift * F::one().max(xj.abs())
        })
        .collect();
    let mut f1 = vec![F::zero(); m];
    (ev.eval)(&moved, &mut f1);
    ev.count += 1;
    if f1.iter().any(|v| !v.is_finite()) {
        let none = Reading {
            lower: vec![None; m],
            upper: vec![None; m],
            magnitude: vec![F::zero(); m],
        };
        return (f1, none);
    }
    let reading = measured(ev, &moved, &f1);
    (f1, reading)
}
