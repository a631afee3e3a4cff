//! f's value grid: whether f's values lie on a grid far coarser than their
//! own precision (an intermediate far larger than f absorbed their low bits).
//! A measurement, below every stage: the noise model and the quantized and
//! wide-step looks use it.

use crate::float::{Real, cst};

/// The grid $g$ of f's values: the coarsest power of two of which every
/// nonzero difference $f(x + t) - f_0$ is a multiple, when it is at least
/// $2^{16}$ times their own precision ($\varepsilon$ times the largest value).
/// Rounding leaves the low bits of a difference random, so a grid that coarse
/// means an intermediate far larger than f absorbed them. At a dyadic x, an
/// offset $t$ with few significant bits (the first pass's $2^{-13}$, Ridders'
/// $2^{-6-k}$) gives even a linear f few-bit differences: with `confirmed`, a
/// nonzero difference at an offset with many significant bits must be among
/// them. `None` without a nonzero difference or without such a grid.
pub(super) fn value_grid<F: Real>(f0: F, samples: &[(F, F)], confirmed: bool) -> Option<F> {
    let largest = samples.iter().fold(f0.abs(), |m, (_, v)| m.max(v.abs()));
    let witnessed = !confirmed
        || samples.iter().any(|(t, v)| {
            *v != f0 && (*v - f0).is_finite() && t.integer_decode().0.trailing_zeros() < 32
        });
    let (g, _) = power_of_two_dividing(samples.iter().map(|(_, v)| *v - f0))?;
    (witnessed && g >= cst::<F>(65536.0) * F::epsilon() * largest && rounding_quantum(g, largest))
        .then_some(g)
}

/// The coarsest power of two of which every nonzero finite difference is a
/// whole multiple, and how many such differences there are; `None` without
/// one. Rounding leaves a difference's low bits random, so a coarse power
/// means values on a grid: the ulp of the largest term they were summed from.
pub(super) fn power_of_two_dividing<F: Real>(
    differences: impl IntoIterator<Item = F>,
) -> Option<(F, usize)> {
    let mut exponent: Option<i32> = None;
    let mut count = 0;
    for d in differences {
        if d == F::zero() || !d.is_finite() {
            continue;
        }
        count += 1;
        let (mantissa, exp, _) = d.integer_decode();
        let e = i32::from(exp) + mantissa.trailing_zeros() as i32;
        exponent = Some(exponent.map_or(e, |x| x.min(e)));
    }
    Some((cst::<F>(2.0).powi(exponent?), count))
}

/// Whether a quantum `q` can come from rounding: the ulp of an intermediate
/// $M = q/\varepsilon$ at most $1/\sqrt\varepsilon$ times the larger of 1 and
/// f's values ($6.7\cdot10^7$ times in `f64`, 2900 in `f32`), or, in `f64`,
/// the ulp of an intermediate rounded to `f32` at most 8 times that larger
/// value ($q \le 2^{-20}\max(1, |f|)$: an `f32` term that f cancels or
/// scales down, inside an `f64` loss). A coarser quantum is the function's
/// own: a step function (`floor` jumps by 1 at $|f| \le 2$) is flat between
/// its jumps, its derivative there is 0, and a claim of 1 is wrong, not a
/// derivative hidden under a grid.
pub(super) fn rounding_quantum<F: Real>(q: F, scale: F) -> bool {
    let f32_intermediate = cst::<F>(8.0 * f64::from(f32::EPSILON));
    q <= F::epsilon().sqrt().max(f32_intermediate) * F::one().max(scale)
}

/// f's values on a grid of a unit $q$ that is not a power of two: an
/// intermediate's rounding scaled by a factor after it (a saturated tanh's
/// $1 - t\cdot t$ moves in ulps of $t\cdot t$, and $c\,(1 - t\cdot t)\,x$ in
/// those times $cx$). The evidence: f equals $f_0$ at some offset (a
/// plateau: a smooth f, linear ones included, never returns to $f_0$
/// exactly) or its moves are not proportional to their steps (to within
/// 1 %: 2 units at t, 19 at 10 t), and at least six nonzero differences of
/// at most $10^4$ times the smallest that are whole multiples
/// of $q$ (the smallest of them divided by 1 to 8, refined by least squares)
/// to within $10^{-3}$ or four of the values' ulps, whichever is larger (and
/// at most $10^6$ of it); $q$ at least 128 of those ulps and a rounding
/// quantum (see [`rounding_quantum`]).
pub(super) fn value_unit<F: Real>(f0: F, samples: &[(F, F)]) -> Option<F> {
    let plateau = samples.iter().any(|(t, v)| *t != F::zero() && *v == f0);
    let largest = samples.iter().fold(f0.abs(), |m, (_, v)| m.max(v.abs()));
    let signed: Vec<(F, F)> = samples
        .iter()
        .map(|(t, v)| (*t, (*v - f0).abs()))
        .filter(|(t, d)| *t != F::zero() && *d > F::zero() && d.is_finite())
        .collect();
    let smallest = signed.iter().fold(F::infinity(), |m, (_, d)| m.min(*d));
    // The moves of a few units at most (10^4 of the smallest): wider steps
    // move f by more than the test can count.
    let few: Vec<(F, F)> = signed
        .into_iter()
        .filter(|(_, d)| *d <= cst::<F>(1e4) * smallest)
        .collect();
    // Not a smooth f read at small steps: there the moves are proportional
    // to the steps (to the curvature's share, t f''/f'), a staircase's are
    // whole numbers of units and stray from it (2 units at t, 19 at 10 t).
    // Each side on its own: a kink at x is linear on each side, with slopes
    // in any ratio (a leaky ReLU's 0.01 and 1 at x = 0, read at dyadic steps,
    // made moves that were whole multiples of 0.01 h).
    let proportional = few.iter().all(|(t, d)| {
        few.iter()
            .filter(|(u, _)| (*u > F::zero()) == (*t > F::zero()))
            .all(|(u, e)| {
                let ratio = (*d * *u) / (*e * *t);
                (ratio - F::one()).abs() <= cst(1e-2)
            })
    });
    if (!plateau && proportional) || few.len() < 6 {
        return None;
    }
    let moves: Vec<F> = few.iter().map(|(_, d)| *d).collect();
    // Each move carries the values' own rounding (an ulp of the largest):
    // the whole-multiple test allows that, at least 1e-3 of the unit.
    let ulp = F::epsilon() * largest;
    // Whole multiples of q, q refined by least squares from all of them (the
    // smallest move's own rounding, times a multiple of 400, would drift).
    let whole = |q: F| {
        let count = moves
            .iter()
            .fold(F::zero(), |acc, d| acc + (*d / q).round());
        let refined = moves.iter().fold(F::zero(), |acc, d| acc + *d) / count;
        let tolerance = cst::<F>(1e-3).max(cst::<F>(4.0) * ulp / refined);
        let fits = moves.iter().all(|d| {
            let n = *d / refined;
            n <= cst(1e6) && (n - n.round()).abs() <= tolerance
        });
        fits.then_some(refined)
    };
    (1..=8)
        .map(|k| smallest / cst::<F>(f64::from(k)))
        .filter_map(whole)
        .find(|q| {
            // Far above the values' own rounding (128 ulps: the whole-multiple
            // test then allows at most 1/32 of the unit, on six moves or more).
            *q >= cst::<F>(128.0) * ulp && rounding_quantum(*q, largest)
        })
}

/// The grid f's values lie on: a power of two ([`value_grid`]), or else a
/// unit that is not one ([`value_unit`]).
pub(super) fn value_spacing<F: Real>(f0: F, samples: &[(F, F)], confirmed: bool) -> Option<F> {
    value_grid(f0, samples, confirmed).or_else(|| value_unit(f0, samples))
}
