//! How noisy is $f$? Moré and Wild's ECnoise: the computational noise of a
//! function, measured from a few of its values.
//!
//! The checker's tolerances model rounding as $\varepsilon$ times the size of
//! the values involved. That fails when $f$ loses digits inside: $f = \tfrac12
//! (y_{out} - y)^2$ with $y_{out} - y \approx 10^{-2}$ carries the rounding of
//! $y_{out}$, a relative $10^{-14}$ of $f$, not $10^{-16}$; a sum of a thousand
//! terms carries tens of $\varepsilon |f|$. A finite difference of such an $f$ is
//! off by far more than the model allows, and a correct gradient would fail.
//!
//! **ECnoise** (J. J. Moré, S. M. Wild, *Estimating computational noise*,
//! SIAM J. Sci. Comput. 33(3), 2011) takes $m + 1$ values $f(x + k\,\delta\, d)$,
//! $k = 0, \dots, m$, along a direction $d$, and their difference
//! table $\Delta^j$. For a smooth $f$ plus independent noise of standard
//! deviation $\sigma$, $\Delta^j$ is the smooth part's $\delta^j f^{(j)}$ (tiny
//! at a small $\delta$) plus noise with variance $\binom{2j}{j}\sigma^2$, so
//! $$ \sigma_j = \Big(\gamma_j \frac{1}{m+1-j}\sum_i (\Delta^j_i)^2\Big)^{1/2},
//!    \qquad \gamma_j = \frac{(j!)^2}{(2j)!}, $$
//! estimates $\sigma$ once the noise dominates. The estimate is accepted at the
//! first order $j$ where $\sigma_j, \sigma_{j+1}, \sigma_{j+2}$ agree within a
//! factor 4 and $\Delta^j$ changes sign (noise, not a smooth trend). If half the
//! first differences are exactly 0 the step is too small; if no order qualifies
//! or the values spread by more than 10 % the step is too large.
//!
//! **Cost**: 7 evaluations per try ($m = 7$; $f(x)$ is shared), at most 4 tries,
//! at two first steps ($\sqrt\varepsilon$ and $0.618\sqrt\varepsilon$, against
//! aliasing: see [`estimate_noise_along`]) on each side of $x$ (see
//! [`estimate_noise`]), 28 to 112 in all. After a failed try the step is
//! multiplied or divided by 100, and once one step was too large and another
//! too small, the next is their geometric mean. The window between the two can
//! be narrower than a factor 100: an `f32` loss near zero (a residual of
//! $4\cdot10^{-5}$) varies by more than 10 % over the segment at a step of
//! $3.5\cdot10^{-6}$ and reads flat at $3.5\cdot10^{-8}$, below its inputs'
//! precision; at $3.5\cdot10^{-7}$ its noise shows.
//!
//! **Staircases.** Where f moves only in whole quanta $q$ of several percent of
//! itself (an `f32` loss $\tfrac12 r^2$ whose output moves in whole ulps: the
//! loss is exactly $k^2u^2/2$), no step shows many jumps within a 10 % spread,
//! and ECnoise never qualifies. The smallest nonzero jump between neighbours at
//! a step found too small is one quantum, and if no try gave an estimate, the
//! noise is the quantization's, $q/\sqrt{12}$ (for a function that keeps its
//! digits that is about $0.3\,\varepsilon|f|$, the rounding it has anyway).
//!
//! **At a zero of f.** Where the segment reaches within its own spread of 0
//! ($\sin x$ at $x = 0$), the values spread by 100 % of the largest at every
//! step, and the 10 % rule never holds. At the first step (and finer ones),
//! such a segment is read if its values spread by at most 10 % about their
//! secant: the noise is then read among values of the size $|f'|\,k\delta$,
//! and the checker's noise model compares it relative to them.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::float::{Real, cst};

/// What ECnoise found in one table of values.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum NoiseLevel<F> {
    /// The noise's standard deviation, and the difference order that showed it.
    Estimated {
        /// $\hat\sigma$.
        sigma: F,
        /// The order $j$ accepted.
        order: usize,
    },
    /// Half the first differences are exactly 0: the step is below the noise's reach.
    StepTooSmall,
    /// The smooth part still dominates every order: the step is too large.
    StepTooLarge,
}

/// ECnoise on values at equally spaced points (at least 4).
///
/// ```
/// use gradient_oracle::numeric::noise::{ecnoise, NoiseLevel};
/// // A straight line plus alternating noise of size 1e-10.
/// let values: Vec<f64> = (0..8).map(|k| 2.0 + 1e-3 * k as f64 + if k % 2 == 0 { 1e-10 } else { -1e-10 }).collect();
/// match ecnoise(&values) {
///     NoiseLevel::Estimated { sigma, .. } => assert!(sigma > 3e-11 && sigma < 3e-10),
///     other => panic!("{other:?}"),
/// }
/// ```
pub fn ecnoise<F: Real>(values: &[F]) -> NoiseLevel<F> {
    ecnoise_near_zero(values, false)
}

/// [`ecnoise`], with `near_zero`: values that spread by more than 10 % only
/// because they lie near a zero of f are read too (see `near_a_zero`).
fn ecnoise_near_zero<F: Real>(values: &[F], near_zero: bool) -> NoiseLevel<F> {
    let nf = values.len();
    if nf < 4 {
        return NoiseLevel::StepTooLarge;
    }
    let (lo, hi) = values
        .iter()
        .fold((F::infinity(), F::neg_infinity()), |(lo, hi), v| {
            (lo.min(*v), hi.max(*v))
        });
    if !(lo.is_finite() && hi.is_finite()) {
        return NoiseLevel::StepTooLarge;
    }
    if hi - lo > cst::<F>(0.1) * hi.abs().max(lo.abs())
        && !(near_zero && near_a_zero(values, lo, hi))
    {
        return NoiseLevel::StepTooLarge;
    }
    let mut table = values.to_vec();
    let mut levels = vec![F::zero(); nf - 1];
    let mut sign_change = vec![false; nf - 1];
    let mut gamma = F::one();
    for j in 1..nf {
        for i in 0..nf - j {
            table[i] = table[i + 1] - table[i];
        }
        let row = &table[..nf - j];
        if j == 1 && 2 * row.iter().filter(|d| **d == F::zero()).count() >= nf {
            return NoiseLevel::StepTooSmall;
        }
        let jf = cst::<F>(j as f64);
        gamma = cst::<F>(0.5) * (jf / (cst::<F>(2.0) * jf - F::one())) * gamma;
        levels[j - 1] = gamma.sqrt() * root_mean_square(row);
        let (dmin, dmax) = row
            .iter()
            .fold((F::infinity(), F::neg_infinity()), |(a, b), d| {
                (a.min(*d), b.max(*d))
            });
        // Signs compared, not the product: at f of 1e-200 it underflows to 0.
        sign_change[j - 1] = dmin < F::zero() && dmax > F::zero();
    }
    for k in 0..nf.saturating_sub(3) {
        let window = &levels[k..k + 3];
        let (wmin, wmax) = window
            .iter()
            .fold((F::infinity(), F::neg_infinity()), |(a, b), v| {
                (a.min(*v), b.max(*v))
            });
        if wmax <= cst::<F>(4.0) * wmin && sign_change[k] {
            return NoiseLevel::Estimated {
                sigma: levels[k],
                order: k + 1,
            };
        }
    }
    NoiseLevel::StepTooLarge
}

/// Whether the values spread by more than 10 % only because they lie near a
/// zero of f: the segment comes within its own spread of 0, and about its
/// secant (the line through the first and last value) the values spread by
/// at most 10 % of the largest. Rounding is relative to the values: at a
/// zero of f ($\sin x$ rounded to `f32` at $x = 0$) every segment spreads by
/// 100 % of its largest value, and the plain rule never reads the rounding.
/// Beyond the secant, the difference table is what it was: the secant is a
/// straight line, which differences of order 2 and up do not see. Used only
/// at the first step or finer (`one_side`): a step grown past a flat stretch
/// reaches the function's own structure (floor's stairs read as a line plus
/// noise).
fn near_a_zero<F: Real>(values: &[F], lo: F, hi: F) -> bool {
    let spread = hi - lo;
    let nearest = values.iter().fold(F::infinity(), |m, v| m.min(v.abs()));
    // (NaN compares false: no zero seen.)
    if nearest.partial_cmp(&spread) != Some(std::cmp::Ordering::Less) {
        return false;
    }
    let last = values.len() - 1;
    let slope = (values[last] - values[0]) / cst::<F>(last as f64);
    let (dlo, dhi) =
        values
            .iter()
            .enumerate()
            .fold((F::infinity(), F::neg_infinity()), |(a, b), (k, v)| {
                let d = *v - (values[0] + slope * cst::<F>(k as f64));
                (a.min(d), b.max(d))
            });
    dhi - dlo <= cst::<F>(0.1) * hi.abs().max(lo.abs())
}

/// $\sqrt{\frac1n\sum d_i^2}$, scaled by the largest $|d_i|$ first: the plain
/// squares underflow to 0 for differences below $10^{-154}$ (a gradient
/// entry of $10^{-200}$ has them), and the noise would read 0.
pub(crate) fn root_mean_square<F: Real>(row: &[F]) -> F {
    let scale = row.iter().fold(F::zero(), |m, d| m.max(d.abs()));
    if scale == F::zero() || !scale.is_finite() {
        return scale;
    }
    let mean = row.iter().fold(F::zero(), |acc, d| {
        let r = *d / scale;
        acc + r * r
    }) / cst::<F>(row.len() as f64);
    scale * mean.sqrt()
}

/// The noise of each output of `eval` at `x` (`f0` = the values at `x`), by
/// ECnoise along a fixed pseudo-random direction $d$ whose entry $j$ is
/// $\pm\max(1, |x_j|)$, first step $\delta = \sqrt\varepsilon$ ($1.5\cdot10^{-8}$ in
/// `f64`: noise dominates the differences of order 2 and up there, and a short
/// segment meets fewer kinks). `None` for an output whose noise could not be measured. Returns the
/// estimates and the evaluations spent (28 to 112).
///
/// The checker runs this where a kink may sit exactly at $x$ (a ReLU input of
/// 0), and a kink inside the sampled segment looks like noise to ECnoise. So
/// each side is measured on its own, $f(x + k\delta d)$ and $f(x - k\delta d)$
/// for $k = 0, \dots, 7$, and the smaller estimate is kept: a kink at $x$ is
/// at the end of both segments, and one just beside $x$ spoils only one.
pub fn estimate_noise<F: Real>(
    eval: &mut impl FnMut(&[F], &mut [F]),
    x: &[F],
    f0: &[F],
) -> (Vec<Option<F>>, usize) {
    estimate_noise_from(eval, x, f0, F::epsilon().sqrt())
}

/// [`estimate_noise`] with the first step $\delta$ = `first_step` instead of
/// $\sqrt\varepsilon$. A function that rounds an intermediate to `f32` inside
/// an `f64` computation moves by whole `f32` ulps only every $10^{-7}$ to
/// $10^{-6}$ of its input: ECnoise at $\sqrt\varepsilon$ sees a smooth
/// segment and f's `f64` rounding; at $\varepsilon^{1/4}$ ($1.2\cdot10^{-4}$)
/// the jumps are many and read as its noise.
pub fn estimate_noise_from<F: Real>(
    eval: &mut impl FnMut(&[F], &mut [F]),
    x: &[F],
    f0: &[F],
    first_step: F,
) -> (Vec<Option<F>>, usize) {
    let direction = pseudo_random_direction(x);
    noise_along_from(eval, x, f0, &direction, first_step, &TWO_STEPS)
}

/// The fixed pseudo-random direction of [`estimate_noise`]: entry $j$ is
/// $\pm\max(1, |x_j|)$.
fn pseudo_random_direction<F: Real>(x: &[F]) -> Vec<F> {
    signed_direction(x, |xj| F::one().max(xj.abs()))
}

/// The fixed pseudo-random signs, entry $j$ of size `size(x_j)`.
fn signed_direction<F: Real>(x: &[F], size: impl Fn(F) -> F) -> Vec<F> {
    let mut rng = StdRng::seed_from_u64(0x00ec_401e);
    x.iter()
        .map(|xj| {
            let s = if rng.random::<bool>() {
                F::one()
            } else {
                -F::one()
            };
            s * size(*xj)
        })
        .collect()
}

/// [`estimate_noise`] along a given direction (each side on its own, the
/// smaller estimate kept). The noise can depend on the direction: where a
/// loss $\tfrac12 r^2$ cancels its residual, each flip of the output's last
/// bit moves f by $r\,u$; along a direction that barely moves the output (its
/// partial derivatives cancel), one side reads only f's own rounding, a
/// hundred times less. (The checker measures along one pseudo-random
/// direction only; a function whose noise hides along it is a known limit.)
///
/// Each side is measured at two first steps, $\sqrt\varepsilon$ and
/// $0.618\sqrt\varepsilon$, and the larger estimate kept: equally spaced
/// samples alias with the rounding's own pattern where the output moves by
/// nearly a whole number of its ulps per step.
///
/// ```
/// use gradient_oracle::numeric::noise::estimate_noise_along;
/// // Noise of size 1e-12 that depends on x[1] only: invisible along e_0.
/// let f = |x: &[f64]| x[0] + 1e-12 * ((x[1] * 1e9).sin() * 1e6).sin();
/// let x = [0.3, 0.7];
/// let f0 = [f(&x)];
/// let mut eval = |p: &[f64], out: &mut [f64]| out[0] = f(p);
/// let (along_1, _) = estimate_noise_along(&mut eval, &x, &f0, &[0.0, 1.0]);
/// let (along_0, _) = estimate_noise_along(&mut eval, &x, &f0, &[1.0, 0.0]);
/// assert!(along_1[0].unwrap() > 1e-13);
/// assert!(along_0[0].unwrap_or(0.0) < 1e-14);
/// ```
pub fn estimate_noise_along<F: Real>(
    eval: &mut impl FnMut(&[F], &mut [F]),
    x: &[F],
    f0: &[F],
    direction: &[F],
) -> (Vec<Option<F>>, usize) {
    noise_along_from(eval, x, f0, direction, F::epsilon().sqrt(), &TWO_STEPS)
}

/// [`estimate_noise_along`] at six steps on each side instead of two
/// ($\sqrt\varepsilon$ times 1, 0.618, 0.414, 0.732, 0.236 and 0.142: ratios
/// no two of which are rational), the largest reading kept: 84 to 336
/// evaluations. A staircase that moves a whole number of its quanta per step
/// reads as smooth at that step; steps in the golden ratio both alias where
/// that number is a Fibonacci multiple (a saturated tanh's
/// $c\,(1 - t\cdot t)\,x$ moved 932 and 576 of its quanta: the noise read
/// $10^{-42}$ where its quantum is $10^{-35}$). A step reads as smooth for
/// about one staircase in seven; all six at once, for about one in $10^5$.
pub fn estimate_noise_along_six_steps<F: Real>(
    eval: &mut impl FnMut(&[F], &mut [F]),
    x: &[F],
    f0: &[F],
    direction: &[F],
) -> (Vec<Option<F>>, usize) {
    noise_along_six_steps_from(eval, x, f0, direction, F::epsilon().sqrt())
}

/// [`estimate_noise_along_six_steps`] from the first step `first_step`
/// instead of $\sqrt\varepsilon$.
pub(crate) fn noise_along_six_steps_from<F: Real>(
    eval: &mut impl FnMut(&[F], &mut [F]),
    x: &[F],
    f0: &[F],
    direction: &[F],
    first_step: F,
) -> (Vec<Option<F>>, usize) {
    noise_along_from(eval, x, f0, direction, first_step, &SIX_STEPS)
}

/// The usual steps' factors: the first step and 0.618 times it, irrational.
const TWO_STEPS: [f64; 2] = [1.0, 0.618_033_988_749_894_9];
/// The rounding look's, and any coarse step's: also $\sqrt2 - 1$,
/// $\sqrt3 - 1$, $\sqrt5 - 2$ and $\pi - 3$.
const SIX_STEPS: [f64; 6] = [
    1.0,
    0.618_033_988_749_894_9,
    std::f64::consts::SQRT_2 - 1.0,
    0.732_050_807_568_877_2,
    0.236_067_977_499_789_7,
    std::f64::consts::PI - 3.0,
];

/// [`estimate_noise_along`] from the first step `first_step`, at the steps
/// `factors` times it: the smaller side's reading per output.
fn noise_along_from<F: Real>(
    eval: &mut impl FnMut(&[F], &mut [F]),
    x: &[F],
    f0: &[F],
    direction: &[F],
    first_step: F,
    factors: &[f64],
) -> (Vec<Option<F>>, usize) {
    let (sides, _, evaluations) = sides_along(eval, x, f0, direction, first_step, factors);
    (sides.lower, evaluations)
}

/// Per output, every ECnoise reading taken and the step it was read at,
/// `(sigma, step)`.
pub(crate) type ReadAt<F> = Vec<Vec<(F, F)>>;

/// The noise read on each side of x, per output: the smaller and the larger.
/// A side whose every value was $f(x)$ itself, at every step tried, reads 0
/// (a ReLU just above its kink: the flat side has no noise, and the other
/// side's reading is the kink, not rounding).
#[derive(Debug, Clone, PartialEq)]
pub struct NoiseSides<F> {
    /// The smaller of the two sides' estimates (a kink beside x spoils one side only).
    pub lower: Vec<Option<F>>,
    /// The larger (a direction whose one side hides f's rounding shows it on the other).
    pub upper: Vec<Option<F>>,
}

/// Both sides' readings of [`estimate_noise_from`] (the smaller and the
/// larger per output), and the evaluations spent.
pub fn estimate_noise_sides<F: Real>(
    eval: &mut impl FnMut(&[F], &mut [F]),
    x: &[F],
    f0: &[F],
    first_step: F,
) -> (NoiseSides<F>, usize) {
    let (sides, _, evaluations) = estimate_noise_sides_read_at(eval, x, f0, first_step);
    (sides, evaluations)
}

/// Both sides' readings along `direction` from `first_step` (at six steps
/// each once the first is coarse, as [`estimate_noise_sides`]), with, per
/// output, every reading taken and the step it was read at, `(sigma, step)`
/// (steps in units of `direction`): what the noise implies for a slope,
/// $\hat\sigma/h$, at that step.
pub(crate) fn noise_along_read_at<F: Real>(
    eval: &mut impl FnMut(&[F], &mut [F]),
    x: &[F],
    f0: &[F],
    direction: &[F],
    first_step: F,
) -> (NoiseSides<F>, ReadAt<F>, usize) {
    sides_along(eval, x, f0, direction, first_step, &TWO_STEPS)
}

/// [`estimate_noise_sides`] along the same pseudo-random signs with entry $j$
/// $\pm|x_j|$ ($\pm1$ where $x_j = 0$): relative moves. Where f is a product
/// with a tiny coordinate ($c\,(1 - t^2)\,x_1$ at $x_1 = 4\cdot10^{-91}$), the
/// usual direction moves that coordinate by $10^{83}$ times itself and no
/// segment is smooth; this one moves every coordinate by the same fraction.
pub fn estimate_noise_sides_relative<F: Real>(
    eval: &mut impl FnMut(&[F], &mut [F]),
    x: &[F],
    f0: &[F],
    first_step: F,
) -> (NoiseSides<F>, usize) {
    let relative = |xj: F| if xj == F::zero() { F::one() } else { xj.abs() };
    let (sides, _, evaluations) = sides_along(
        eval,
        x,
        f0,
        &signed_direction(x, relative),
        first_step,
        &TWO_STEPS,
    );
    (sides, evaluations)
}

/// [`estimate_noise_sides`] with, per output, every reading taken and the
/// step it was read at (in units of the direction, whose entries are
/// $\pm\max(1, |x_j|)$): ECnoise moves its step up a hundredfold from a
/// segment too flat to read, so a reading may come from far wider steps
/// than `first_step`.
pub(crate) fn estimate_noise_sides_read_at<F: Real>(
    eval: &mut impl FnMut(&[F], &mut [F]),
    x: &[F],
    f0: &[F],
    first_step: F,
) -> (NoiseSides<F>, ReadAt<F>, usize) {
    let direction = pseudo_random_direction(x);
    sides_along(eval, x, f0, &direction, first_step, &TWO_STEPS)
}

/// ECnoise along `direction` on each side of x, from `first_step`: both
/// sides' readings, every reading per output with its step, and the
/// evaluations spent.
fn sides_along<F: Real>(
    eval: &mut impl FnMut(&[F], &mut [F]),
    x: &[F],
    f0: &[F],
    direction: &[F],
    first_step: F,
    factors: &[f64],
) -> (NoiseSides<F>, ReadAt<F>, usize) {
    // Equally spaced samples can alias with the rounding's own pattern: where
    // the output moves by nearly a whole number of its ulps per step, its
    // rounding error drifts smoothly and ECnoise reads f's own rounding only (a
    // chain loss whose noise is 1.7e-19 read 5.6e-22 at the step sqrt(eps), and
    // 1.7e-19 at 1.007 sqrt(eps)). Each side is measured at two steps or more,
    // their ratios irrational, and the largest estimate kept. At a coarse step
    // the rounding of an f32 intermediate advances by tens of its ulps per
    // step: two steps can alias (34.08 and 21.06 ulps: drifts of 0.08 and 0.06
    // ulp per step read as a smooth segment), and so can three (an f32
    // intermediate moving 466, 288 and 193.02 ulps per step, away from x, in
    // a property sweep): a coarse step reads at all six.
    let coarse = first_step > cst::<F>(2.0) * F::epsilon().sqrt();
    let factors = if coarse { &SIX_STEPS[..] } else { factors };
    let mut evaluations = 0;
    let mut read_at: ReadAt<F> = vec![Vec::new(); f0.len()];
    let mut side = |sign: F| {
        let mut largest: Vec<Option<F>> = vec![None; f0.len()];
        let mut flat_side = vec![true; f0.len()];
        for factor in factors {
            let step = cst::<F>(*factor) * first_step;
            let (read, count) = one_side(eval, x, f0, direction, sign, step);
            evaluations += count;
            for ((pairs, sigma), at) in read_at.iter_mut().zip(&read.reading).zip(read.read_at) {
                pairs.extend(sigma.zip(at));
            }
            largest = combine(largest, read.reading, F::max);
            for (all, this) in flat_side.iter_mut().zip(read.flat) {
                *all &= this;
            }
        }
        // A side whose every value was f_0 has no noise at any step taken
        // (ECnoise read nothing there): it reads 0.
        for (reading, flat) in largest.iter_mut().zip(flat_side) {
            if flat {
                *reading = Some(F::zero());
            }
        }
        largest
    };
    let ahead = side(F::one());
    let behind = side(-F::one());
    let sides = NoiseSides {
        lower: combine(ahead.clone(), behind.clone(), F::min),
        upper: combine(ahead, behind, F::max),
    };
    (sides, read_at, evaluations)
}

/// Two estimates per output joined by `pick` where both exist, else whichever does.
fn combine<F: Real>(a: Vec<Option<F>>, b: Vec<Option<F>>, pick: fn(F, F) -> F) -> Vec<Option<F>> {
    a.into_iter()
        .zip(b)
        .map(|(a, b)| match (a, b) {
            (Some(a), Some(b)) => Some(pick(a, b)),
            (a, b) => a.or(b),
        })
        .collect()
}

/// ECnoise on $f(x + k\delta\,\mathrm{side}\,d)$, $k = 0..7$, first step
/// $\delta = $ `scale`, retrying with the
/// step times or divided by 100, or at the geometric mean of a step too small
/// and one too large (4 tries at most). Per output, the reading and the step
/// it was read at (`None` for a staircase's quantum, read at no one step),
/// and whether every value taken was $f_0$ itself (the side is flat).
fn one_side<F: Real>(
    eval: &mut impl FnMut(&[F], &mut [F]),
    x: &[F],
    f0: &[F],
    direction: &[F],
    side: F,
    scale: F,
) -> (OneSide<F>, usize) {
    const SAMPLES: usize = 8;
    const TRIES: usize = 4;
    let m = f0.len();
    let mut result: Vec<Option<F>> = vec![None; m];
    let mut read_at: Vec<Option<F>> = vec![None; m];
    let mut step = scale;
    let mut evaluations = 0;
    let mut work = x.to_vec();
    let mut out = vec![F::zero(); m];
    let mut values = vec![vec![F::zero(); m]; SAMPLES];
    values[0].copy_from_slice(f0);
    let hundred: F = cst(100.0);
    // The last steps found too small and too large: once both are known, the
    // next try is their geometric mean (the window between them can be
    // narrower than the factor 100 of a blind step).
    let (mut small, mut large): (Option<F>, Option<F>) = (None, None);
    // Per output, the smallest nonzero jump between neighbours at a step too
    // small: one quantum of a staircase.
    let mut quantum: Vec<Option<F>> = vec![None; m];
    let mut flat = vec![true; m];
    for _try in 0..TRIES {
        for (k, row) in values.iter_mut().enumerate().skip(1) {
            let t = side * cst::<F>(k as f64) * step;
            for ((w, xj), dj) in work.iter_mut().zip(x).zip(direction) {
                *w = *xj + t * *dj;
            }
            eval(&work, &mut out);
            evaluations += 1;
            row.copy_from_slice(&out);
            for ((still, v), f) in flat.iter_mut().zip(&out).zip(f0) {
                *still &= v == f;
            }
        }
        let (mut too_small, mut too_large) = (false, false);
        for (o, (slot, at)) in result.iter_mut().zip(&mut read_at).enumerate() {
            if slot.is_some() {
                continue;
            }
            let column: Vec<F> = values.iter().map(|row| row[o]).collect();
            // Near a zero of f only at the first step or finer (`near_a_zero`).
            match ecnoise_near_zero(&column, step <= scale) {
                NoiseLevel::Estimated { sigma, .. } => {
                    *slot = Some(sigma);
                    *at = Some(step);
                }
                NoiseLevel::StepTooSmall => {
                    too_small = true;
                    let jump = column
                        .windows(2)
                        .map(|pair| (pair[1] - pair[0]).abs())
                        .filter(|d| *d > F::zero());
                    quantum[o] = quantum[o].into_iter().chain(jump).reduce(F::min);
                }
                NoiseLevel::StepTooLarge => too_large = true,
            }
        }
        if result.iter().all(Option::is_some) {
            break;
        }
        // A step too small for one output and too large for another: keep what was found.
        match (too_small, too_large) {
            (true, false) => small = Some(step),
            (false, true) => large = Some(step),
            _ => break,
        }
        step = match (small, large) {
            (Some(s), Some(l)) if l > s * cst::<F>(3.0) => (s * l).sqrt(),
            (Some(_), Some(_)) => break,
            (Some(s), None) => s * hundred,
            (None, Some(l)) => l / hundred,
            (None, None) => break,
        };
    }
    // A staircase (f moves only in whole quanta q, each several percent of f,
    // so that no step shows both many jumps and a spread under 10 %) has no
    // window where ECnoise can read it; its noise is the quantization's, q/sqrt(12).
    let twelve: F = cst(12.0);
    for (slot, q) in result.iter_mut().zip(quantum) {
        if slot.is_none() {
            *slot = q.map(|q| q / twelve.sqrt());
        }
    }
    let side = OneSide {
        reading: result,
        read_at,
        flat,
    };
    (side, evaluations)
}

/// What ECnoise read on one side of x, per output.
struct OneSide<F> {
    /// The reading (`None` where none could be taken).
    reading: Vec<Option<F>>,
    /// The step it was read at (`None` for a staircase's quantum).
    read_at: Vec<Option<F>>,
    /// Every value taken was $f_0$ itself.
    flat: Vec<bool>,
}
