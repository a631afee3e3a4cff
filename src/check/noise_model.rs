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

use super::budget::{
    MeasuredRounding, Tolerances, carried_before_noise, carried_rounding, magnitude,
};
use super::grid::value_grid;
use super::noise_reading::{self, Reading};
use super::probe::Evaluator;
use super::{CheckConfig, Method};
use crate::float::{Real, cst};
use crate::numeric::noise::root_mean_square;

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
    /// Per output, the factor by which f's measured rounding relative to its
    /// values exceeds $2\varepsilon$, at least 1 (set with the noise): $\nu$'s
    /// multiplier ([`NoiseModel::nu`]).
    relative: std::sync::OnceLock<Vec<F>>,
    /// Per output, the largest $|f|$ among the values the noise was read
    /// among (set with the noise).
    read_among: std::sync::OnceLock<Vec<F>>,
    /// Coordinates whose rounding was measured along them so far
    /// (`rounding_look.rs`).
    rounding_looks: std::sync::atomic::AtomicUsize,
    /// Coordinates looked at from wide steps so far (`wide_steps.rs`).
    wide_looks: std::sync::atomic::AtomicUsize,
}

/// Takes one of a check's [`MAX_ROUNDING_LOOKS`] looks counted by `taken`.
fn take_look(taken: &std::sync::atomic::AtomicUsize) -> bool {
    taken.fetch_add(1, std::sync::atomic::Ordering::Relaxed) < MAX_ROUNDING_LOOKS
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
            relative: std::sync::OnceLock::new(),
            read_among: std::sync::OnceLock::new(),
            rounding_looks: std::sync::atomic::AtomicUsize::new(0),
            wide_looks: std::sync::atomic::AtomicUsize::new(0),
        }
    }

    /// Takes one of the check's [`MAX_ROUNDING_LOOKS`] looks at f's rounding
    /// along a coordinate; `false` once they are spent.
    pub(super) fn take_rounding_look(&self) -> bool {
        take_look(&self.rounding_looks)
    }

    /// Takes one of the check's [`MAX_ROUNDING_LOOKS`] looks from wide steps
    /// (`wide_steps.rs`); `false` once they are spent.
    pub(super) fn take_wide_look(&self) -> bool {
        take_look(&self.wide_looks)
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

    /// $\nu$ of output `o` for a stage's bar once the noise is measured: the
    /// largest $|f|$ among its `values` plus the inputs' rounding, times the
    /// factor by which f's rounding relative to its values was measured
    /// above $2\varepsilon$. At a zero of f, f's rounding is relative to
    /// the values each stage reads ($2^{-24}|a|h$ at a step h for an
    /// intermediate rounded to `f32`), which no absolute noise level measured
    /// at x matches at every step.
    pub(super) fn nu(&self, o: usize, values: &[F]) -> F {
        let factor = self.relative.get().map_or(F::one(), |r| r[o]);
        (magnitude(values) + self.input[o]) * factor
    }

    /// $\nu$ of output `o` at x: $|f_0|$ raised to the largest $|f|$ the
    /// noise was read among (once measured), plus the inputs' rounding.
    pub(super) fn read_scale(&self, o: usize, f0: F) -> F {
        let among = self.read_among.get().map_or(F::zero(), |m| m[o]);
        f0.abs().max(among) + self.input[o]
    }

    /// The tolerance constants with the claim's rounding: its measured
    /// allowance (`claim.rs`) and the relative $2\hat\sigma/|f|$ for the
    /// noise `sigma` ([`Tolerances::with_claims`]), with $|f|$ the largest
    /// value the noise was read among ($|f_0|$ until then): at a zero of f
    /// the noise read among values of $|a|\,h$ says nothing of $1/|f_0|$.
    pub(super) fn tolerances(&self, sigma: &[F], f0: &[F]) -> Tolerances<F> {
        let among = self.read_among.get().map_or(f0, Vec::as_slice);
        Tolerances::new(&self.claim).with_claims(sigma, among)
    }

    /// Noise beyond $2^{10}\varepsilon\nu$ is taken for kinks and capped
    /// there, with $\nu$ = `magnitude` plus the inputs' rounding: $|f_0|$ for
    /// the noise at x, the largest $|f|$ among the values read for whether a
    /// reading is f's rounding relative to them.
    fn cap(&self, o: usize, magnitude: F) -> F {
        cst::<F>(1024.0) * F::epsilon() * (magnitude + self.input[o])
    }

    /// `sigma` capped per output at $2^{10}\varepsilon(|f_0| + \dots)$ (see
    /// [`NoiseModel::cap`]): a reading among larger values than $f_0$ (x near
    /// a zero of f) is not the noise at x.
    fn capped(&self, sigma: &[Option<F>], f0: &[F]) -> Vec<F> {
        sigma
            .iter()
            .zip(f0)
            .enumerate()
            .map(|(o, (v, f))| v.unwrap_or(F::zero()).min(self.cap(o, f.abs())))
            .collect()
    }

    /// Per output, the noise that stands at x and away from it alike (see
    /// [`NoiseModel::get`]), or `None`; with f's rounding relative to its
    /// values where only that stands (x a zero of f).
    fn standing(
        &self,
        o: usize,
        here: &Reading<F>,
        (f0, capped): (F, F),
        away: &(Vec<F>, Reading<F>),
    ) -> Option<(F, Option<F>)> {
        let (f1, there) = away;
        let (s, e) = (here.upper[o]?, there.upper[o]?);
        if !(s > capped && e > capped) {
            return None;
        }
        // On a coarse grid: the quantized stage's business. At a zero of f the
        // grid test sees f1 alone, and any value rounded to f32 is on the
        // grid of its own ulps: rounding relative to the values, read below.
        let on_grid = value_grid(f0, &[(F::one(), f1[o])], false).is_some();
        if on_grid && f0 != F::zero() {
            return None;
        }
        if !on_grid && within_factor(s, e, 8.0) {
            // The same noise in absolute terms: noise added to f.
            return Some((s.max(e), None));
        }
        // The same noise relative to the values read: f's rounding, where f's
        // magnitude differs between the two points (x near a zero of f).
        let above = s > self.cap(o, here.magnitude[o]) && e > self.cap(o, there.magnitude[o]);
        let (rs, re) = (here.relative(o)?, there.relative(o)?);
        (above && within_factor(rs, re, 8.0)).then(|| (s, Some(rs.max(re))))
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
                let here = noise_reading::measured(ev, x, f0);
                let _ = self.read_among.set(here.magnitude.clone());
                // Kinks along the sampled segment read as noise too (a hinge with
                // terms within 1e-9 of their margins measured 3.5e5 eps |f|). Rounding,
                // even through cancellation or a sum of thousands of terms, stays within
                // a few hundred eps nu (the cancelling chain loss: 230); noise beyond
                // 2^10 eps nu is taken for kinks and capped there, unless the same
                // noise stands at a point away from x too, and f's values there are
                // not on a coarse grid (the quantized stage's business): then it is
                // f's own rounding at every point (an f32 intermediate), and every
                // stage's error bar carries it, uncapped.
                let capped = self.capped(&here.lower, f0);
                // Above the cap at x and above f's plain rounding among the
                // values read (at a zero of f the cap at x is 0).
                let above = (0..f0.len()).any(|o| {
                    here.upper[o]
                        .is_some_and(|s| s > capped[o] && s > self.cap(o, here.magnitude[o]))
                });
                if !above {
                    return capped;
                }
                let away = noise_reading::away_from_x(ev, x, f0.len());
                let standing: Vec<Option<(F, Option<F>)>> = (0..f0.len())
                    .map(|o| self.standing(o, &here, (f0[o], capped[o]), &away))
                    .collect();
                if standing.iter().all(Option::is_none) {
                    return capped;
                }
                let finer = noise_reading::at_a_finer_scale(ev, x, f0);
                let (sigma, factors, everywhere) =
                    self.judged_readings(&here, &finer, &standing, (f0, &capped));
                let _ = self.relative.set(factors);
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

    /// Per output, from the readings at x, at a finer scale and whether they
    /// stand away from x (`standing`): the noise, $\nu$'s factor for f's
    /// rounding relative to its values, and whether noise stands at every
    /// point and scale in every output (the noisy stage's case). A reading
    /// that shrinks with the step is kinks along the segment: `capped`.
    fn judged_readings(
        &self,
        here: &Reading<F>,
        finer: &Reading<F>,
        standing: &[Option<(F, Option<F>)>],
        (f0, capped): (&[F], &[F]),
    ) -> (Vec<F>, Vec<F>, bool) {
        let mut everywhere = true;
        let mut factors = vec![F::one(); f0.len()];
        let sigma = (0..f0.len())
            .map(|o| {
                let Some((s, unit)) = standing[o] else {
                    everywhere = false;
                    return capped[o];
                };
                // Rounding relative to the values shrinks with them at a zero
                // of f: compared relative to them; else as read.
                let shrinks = match unit {
                    Some(_) => shrinks_with_the_step(here.relative(o), finer.relative(o)),
                    None => shrinks_with_the_step(here.upper[o], finer.upper[o]),
                };
                if shrinks {
                    everywhere = false;
                    return capped[o];
                }
                if let Some(u) = unit {
                    // Rounding relative to the values: every stage's nu carries
                    // it, and at x it is u |f0| (the claim's allowance, 2 sigma /
                    // |f|, is 2u). Not noise for the noisy stage.
                    factors[o] = F::one().max(cst::<F>(2.0) * u / F::epsilon());
                    everywhere = false;
                    return capped[o].max(u * f0[o].abs());
                }
                // Above the cap at the finest step as well: noise at every
                // point and every scale.
                everywhere &= here.lower[o].is_some_and(|l| l > capped[o]);
                s
            })
            .collect();
        (sigma, factors, everywhere)
    }
}

/// Whether the coarse reading is structure, not noise: at a step
/// [`FINER`](noise_reading::FINER) times smaller the reading fell by more
/// than 4 times. Rounding and noise stand at every scale (a staircase of
/// fixed unit reads the same at any step that crosses its steps, and none
/// where it crosses none: `None`); kinks along the segment (a ReLU network
/// over many samples has them wherever the weights are) give higher
/// differences of order $J h$, which shrink with the step. (At a zero of f,
/// f's rounding shrinks with the values read: there both readings are
/// compared relative to them.)
fn shrinks_with_the_step<F: Real>(coarse: Option<F>, finer: Option<F>) -> bool {
    match (coarse, finer) {
        (Some(c), Some(f)) => cst::<F>(4.0) * f < c,
        _ => false,
    }
}

/// `a` and `b` within a factor `k` of each other (both positive).
fn within_factor<F: Real>(a: F, b: F, k: f64) -> bool {
    let k = cst::<F>(k);
    a > F::zero() && b > F::zero() && a <= k * b && b <= k * a
}
