//! What the tolerances know of f's noise at x, per output (see `budget.rs` for
//! how it enters the error bars). Measured once per check with
//! [`numeric::noise`](crate::numeric::noise) (ECnoise on each side of x from
//! $\sqrt\varepsilon$, 28 to 112 evaluations, and as many again with relative
//! moves $\pm|x_j|$ for an output it cannot read along the usual direction,
//! and in `f64` from
//! $\varepsilon^{1/4}$, 84 to 336, for an `f32` intermediate; 112 to 448 in all;
//! or a staircase's quantum over $\sqrt{12}$), capped at
//! $2^{10}\varepsilon\nu$ since kinks along the sampled segment read as noise
//! too, unless the same noise stands at a point away from x (every coordinate
//! moved by $2^{-7}\max(1,|x_j|)$), f's values are on no coarse grid, and
//! the reading does not shrink at a step 16 times smaller (by more than 4
//! times): then it is f's own rounding at every point and every scale (an
//! intermediate rounded to `f32`), uncapped. Kinks everywhere along the
//! segment (a ReLU network over many samples, at x and away from it alike)
//! give higher differences of order $J h$, which do shrink with the step:
//! they stay capped, and the kink analysis sees them as kinks (84 to 336
//! more evaluations, only where the first two tests held). Measured up front
//! for 1000 coordinates and more, otherwise only when a coordinate is still
//! unsure after step 1b. Before measuring, f(x) is
//! evaluated once more: a value that differs from $f_0$ means f is
//! nondeterministic, and its noise is then the standard deviation of 16
//! evaluations at x, uncapped, for the noisy stage (`noisy.rs`).

use super::budget::{MeasuredRounding, carried_before_noise, carried_rounding, f32_or_coarser};
use super::grid::value_grid;
use super::probe::Evaluator;
use super::{CheckConfig, Method};
use crate::float::{Real, cst};
use crate::numeric::noise::{
    estimate_noise_sides, estimate_noise_sides_relative, root_mean_square,
};

/// The most coordinates per check whose rounding is measured along them
/// (`rounding_look.rs`).
pub(super) const MAX_ROUNDING_LOOKS: usize = 16;

/// Evaluations of f at x that measure a nondeterministic f's noise.
pub(super) const REPEATS: usize = 16;

/// What the tolerances know of f's noise at x, per output: the rounding of
/// the inputs carried through the claimed gradient, and the measured noise (0
/// where it could not be measured): [`numeric::noise`](crate::numeric::noise),
/// run at most once per check, by whichever coordinate first needs it (the same
/// values on any thread).
pub(super) struct NoiseModel<F> {
    /// $\sum_j |x_j a_j|$: the inputs' rounding, $\varepsilon$ times this, reaches f.
    pub(super) input: Vec<F>,
    /// Measured up front: for 1000 coordinates and more, where its 14 evaluations
    /// cost under 0.5 % of the first pass and spare every noise-bound coordinate
    /// its escalation. Otherwise on first need.
    pub(super) eager: bool,
    pub(super) cell: std::sync::OnceLock<Vec<F>>,
    /// f(x) evaluated again differed from $f_0$ (f is nondeterministic), or
    /// its noise stands above the cap at every point and scale measured: the
    /// noisy stage decides (see [`noisy`]).
    pub(super) noise_everywhere: std::sync::atomic::AtomicBool,
    /// Per output, the claim's absolute rounding allowance (`claim.rs`).
    pub(super) claim: Vec<F>,
    /// Per output, `input` raised to f's rounding measured at x
    /// (`value_rounding.rs`): the part of $\nu$ beyond $|f|$ in the bars drawn
    /// before ECnoise measures the noise (the first pass's).
    unmeasured: Vec<F>,
    /// Coordinates whose rounding was measured along them so far
    /// (`rounding_look.rs`).
    rounding_looks: std::sync::atomic::AtomicUsize,
}

impl<F: Real> NoiseModel<F> {
    pub(super) fn new(
        x: &[F],
        analytic: &[Vec<F>],
        rounding: &MeasuredRounding<F>,
        config: &CheckConfig,
    ) -> Self {
        let input: Vec<F> = carried_rounding(x, analytic)
            .into_iter()
            .map(|v| if v.is_finite() { v } else { F::zero() })
            .collect();
        let unmeasured = carried_before_noise(&input, &rounding.value);
        Self {
            input,
            eager: config.method == Method::Auto && x.len() >= 1000,
            cell: std::sync::OnceLock::new(),
            noise_everywhere: std::sync::atomic::AtomicBool::new(false),
            claim: rounding.claim.clone(),
            unmeasured,
            rounding_looks: std::sync::atomic::AtomicUsize::new(0),
        }
    }

    /// Takes one of the check's [`MAX_ROUNDING_LOOKS`] looks at f's rounding
    /// along a coordinate; `false` once they are spent.
    pub(super) fn take_rounding_look(&self) -> bool {
        self.rounding_looks
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed)
            < MAX_ROUNDING_LOOKS
    }

    /// Whether f's noise stands at every point (known once the noise is
    /// measured): f changed from call to call at x, or every output's noise
    /// reads above $2^{10}\varepsilon\nu$ at x, away from x, at the finest
    /// step and at a 16 times finer coarse step alike (deterministic noise:
    /// an inner solver converged to $10^{-9}$, a hashed perturbation). The
    /// noisy stage judges such an f at the step where noise and truncation balance.
    pub(super) fn noise_everywhere(&self) -> bool {
        self.noise_everywhere
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    /// f at x, [`REPEATS`] times in all: the standard deviation per
    /// output if any value differs from $f_0$ (f is nondeterministic), else
    /// `None` (2 evaluations then: f(x) once more agreed).
    pub(super) fn repeated<E: FnMut(&[F], &mut [F])>(
        &self,
        ev: &mut Evaluator<'_, F, E>,
        x: &[F],
        f0: &[F],
    ) -> Option<Vec<F>> {
        let m = f0.len();
        let mut again = vec![F::zero(); m];
        (ev.eval)(x, &mut again);
        ev.count += 1;
        if again.iter().zip(f0).all(|(a, b)| a == b || !a.is_finite()) {
            return None;
        }
        let mut samples = vec![f0.to_vec(), again];
        for _ in 2..REPEATS {
            let mut v = vec![F::zero(); m];
            (ev.eval)(x, &mut v);
            ev.count += 1;
            samples.push(v);
        }
        let count = cst::<F>(samples.len() as f64);
        let sigma = (0..m)
            .map(|o| {
                let mean = samples.iter().fold(F::zero(), |acc, v| acc + v[o]) / count;
                let deviations: Vec<F> = samples.iter().map(|v| v[o] - mean).collect();
                // Sample standard deviation, without squares that underflow.
                root_mean_square(&deviations) * (count / (count - F::one())).sqrt()
            })
            .collect();
        self.noise_everywhere
            .store(true, std::sync::atomic::Ordering::Relaxed);
        Some(sigma)
    }

    /// The noise measured so far, or 0 for each of the `m` outputs (a claim's
    /// allowance for its own rounding is then 0 too).
    pub(super) fn so_far(&self, m: usize) -> Vec<F> {
        self.cell
            .get()
            .cloned()
            .unwrap_or_else(|| vec![F::zero(); m])
    }

    /// The part of output `o`'s $\nu$ beyond $|f|$ in a bar: the inputs'
    /// rounding carried through the claim, and, while the noise is not
    /// `measured`, f's rounding measured at x where that is larger.
    pub(super) fn carried(&self, o: usize, measured: bool) -> F {
        if measured {
            self.input[o]
        } else {
            self.unmeasured[o]
        }
    }

    /// Noise beyond $2^{10}\varepsilon\nu$ is taken for kinks and capped there.
    pub(super) fn capped(&self, sigma: &[Option<F>], f0: &[F]) -> Vec<F> {
        let cap = cst::<F>(1024.0) * F::epsilon();
        sigma
            .iter()
            .zip(f0.iter().zip(&self.input))
            .map(|(v, (f, input))| v.unwrap_or(F::zero()).min(cap * (f.abs() + *input)))
            .collect()
    }

    /// f at a point away from x (every coordinate moved by
    /// $2^{-7}\max(1, |x_j|)$, signs alternating) and its noise measured
    /// there: `None` per output where it cannot be measured or f is not
    /// finite there.
    fn noise_away_from_x<E: FnMut(&[F], &mut [F])>(
        &self,
        ev: &mut Evaluator<'_, F, E>,
        x: &[F],
        m: usize,
    ) -> (Vec<F>, Vec<Option<F>>) {
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
            return (f1, vec![None; m]);
        }
        let (_, upper) = measured(ev, &moved, &f1);
        (f1, upper)
    }

    pub(super) fn get<E: FnMut(&[F], &mut [F])>(
        &self,
        ev: &mut Evaluator<'_, F, E>,
        x: &[F],
        f0: &[F],
    ) -> Vec<F> {
        self.cell
            .get_or_init(|| {
                // Call-to-call noise is real noise, not kinks: uncapped.
                if let Some(sigma) = self.repeated(ev, x, f0) {
                    return sigma;
                }
                let (lower, upper) = measured(ev, x, f0);
                // Kinks along the sampled segment read as noise too (a hinge with
                // terms within 1e-9 of their margins measured 3.5e5 eps |f|). Rounding,
                // even through cancellation or a sum of thousands of terms, stays within
                // a few hundred eps nu (the cancelling chain loss: 230); noise beyond
                // 2^10 eps nu is taken for kinks and capped there, unless the same
                // noise stands at a point away from x too, and f's values there are
                // not on a coarse grid (the quantized stage's business): then it is
                // f's own rounding at every point (an f32 intermediate), and every
                // stage's error bar carries it, uncapped.
                let capped = self.capped(&lower, f0);
                let above = upper
                    .iter()
                    .zip(&capped)
                    .any(|(s, c)| s.is_some_and(|s| s > *c));
                if !above {
                    return capped;
                }
                let (f1, elsewhere) = self.noise_away_from_x(ev, x, f0.len());
                let standing: Vec<Option<F>> = (0..f0.len())
                    .map(|o| match (upper[o], elsewhere[o]) {
                        (Some(s), Some(e))
                            if s > capped[o]
                                && e > capped[o]
                                && within_factor(s, e, 8.0)
                                && value_grid(f0[o], &[(F::one(), f1[o])], false).is_none() =>
                        {
                            Some(s.max(e))
                        }
                        _ => None,
                    })
                    .collect();
                if standing.iter().all(Option::is_none) {
                    return capped;
                }
                let finer = noise_at_a_finer_scale(ev, x, f0);
                let mut everywhere = true;
                let sigma = (0..f0.len())
                    .map(|o| match (standing[o], upper[o]) {
                        (Some(s), Some(coarse)) if !shrinks_with_the_step(coarse, finer[o]) => {
                            // Above the cap at the finest step as well: noise at
                            // every point and every scale.
                            everywhere &= lower[o].is_some_and(|l| l > capped[o]);
                            s
                        }
                        _ => {
                            everywhere = false;
                            capped[o]
                        }
                    })
                    .collect();
                // Noise at every point and every scale, in every output: the
                // small steps cannot see past it, the noisy stage's balanced
                // step can. (The noisy stage judges every output; an output
                // whose rounding is a staircase the noise measurement cannot
                // read, a saturated tanh's gradient entry beside a noisy one,
                // needs the deterministic stages' quantized look.)
                if everywhere {
                    self.noise_everywhere
                        .store(true, std::sync::atomic::Ordering::Relaxed);
                }
                sigma
            })
            .clone()
    }
}

/// The step ratio between [`measured`]'s coarse reading and
/// `noise_at_a_finer_scale`'s.
const FINER: f64 = 16.0;

/// Whether the coarse reading `coarse` is structure, not noise: at a step
/// [`FINER`] times smaller the reading `finer` fell by more than 4 times.
/// Rounding and noise stand at every scale (a staircase of fixed unit reads
/// the same at any step that crosses its steps, and none where it crosses
/// none: `None`); kinks along the segment (a ReLU network over many
/// samples has them wherever the weights are) give higher differences of
/// order $J h$, which shrink with the step.
fn shrinks_with_the_step<F: Real>(coarse: F, finer: Option<F>) -> bool {
    finer.is_some_and(|f| cst::<F>(4.0) * f < coarse)
}

/// f's noise at x read as [`measured`]'s coarse reading is, at a step
/// [`FINER`] times smaller: the larger side's reading per output.
fn noise_at_a_finer_scale<F: Real, E: FnMut(&[F], &mut [F])>(
    ev: &mut Evaluator<'_, F, E>,
    x: &[F],
    f0: &[F],
) -> Vec<Option<F>> {
    let step = F::epsilon().sqrt().sqrt() / cst::<F>(FINER);
    let (sides, count) = estimate_noise_sides(&mut *ev.eval, x, f0, step);
    ev.count += count;
    sides.upper
}

/// `a` and `b` within a factor `k` of each other (both positive).
fn within_factor<F: Real>(a: F, b: F, k: f64) -> bool {
    let k = cst::<F>(k);
    a > F::zero() && b > F::zero() && a <= k * b && b <= k * a
}

/// f's noise at x by ECnoise: the usual estimate (from $\sqrt\varepsilon$,
/// the smaller side's reading, robust to a kink beside x), and the larger of
/// it and the same reading from $\varepsilon^{1/4}$ where the float type is
/// finer than `f32`: an intermediate rounded to `f32` moves in jumps too far
/// apart to show at the first step.
fn measured<F: Real, E: FnMut(&[F], &mut [F])>(
    ev: &mut Evaluator<'_, F, E>,
    x: &[F],
    f0: &[F],
) -> (Vec<Option<F>>, Vec<Option<F>>) {
    let eps = F::epsilon();
    let (mut fine, n_fine) = estimate_noise_sides(&mut *ev.eval, x, f0, eps.sqrt());
    ev.count += n_fine;
    // Unmeasurable along the usual direction (its moves of max(1, |x_j|) can
    // be 1e83 times a tiny coordinate f is proportional to): once more with
    // relative moves, for those outputs.
    if fine.lower.iter().any(Option::is_none) {
        let (relative, n) = estimate_noise_sides_relative(&mut *ev.eval, x, f0, eps.sqrt());
        ev.count += n;
        for o in 0..f0.len() {
            if fine.lower[o].is_none() {
                fine.lower[o] = relative.lower[o];
                fine.upper[o] = relative.upper[o];
            }
        }
    }
    if f32_or_coarser::<F>() {
        return (fine.lower.clone(), fine.lower);
    }
    let (coarse, n_coarse) = estimate_noise_sides(&mut *ev.eval, x, f0, eps.sqrt().sqrt());
    ev.count += n_coarse;
    let larger = fine
        .lower
        .iter()
        .zip(coarse.lower)
        .map(|(a, b)| match (*a, b) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        })
        .collect();
    (fine.lower, larger)
}
