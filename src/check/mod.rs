//! The judgement: is a claimed derivative right, with the evidence.
//!
//! # The stages and the one verdict rule
//!
//! Each coordinate goes through these stages, each leaving evidence (an
//! estimate, the one-sided slopes, and a tolerance: the estimate's error bar
//! from rounding, measured noise and truncation, plus the claim's own
//! rounding):
//!
//! | stage | file | evaluations |
//! |---|---|---|
//! | probe width: steps scale with $w_i = \max(1,|x_i|)$, narrowed where f is not finite at a probe | `walk.rs`, `probe.rs` | as the stages below, again per narrowing |
//! | the claim's rounding, measured: the claim again at points moved by 1 to 2 ulps, and in `f32` at pairs moved by 16 and 256 (and 16384, for the grid of its values: the ulp of the terms an `f32` sum cancelled); a split in two values is a jump, capped | `claim.rs` | 8 claim evaluations (no f), 14 in `f32` |
//! | f's rounding, measured (`f32` only): half second differences at pairs moved by 1 to 512 ulps raise $\nu$ until ECnoise measures the noise | `value_rounding.rs` | 8 once per check in `f32`, none in `f64` |
//! | f's value grid (an intermediate that absorbed f's low bits) | `grid.rs` | (none: reads values taken) |
//! | noise and tolerance budget: $\nu$, $\hat\sigma$, $\rho(h)$, the one `tolerance`; ECnoise readings with the magnitude of the values they were read among (at a zero of f, f's rounding is relative to them and every stage's $\nu$ carries it) | `budget.rs`, `noise_model.rs`, `noise_reading.rs`, [`numeric::noise`](crate::numeric::noise) | 2 + 112 to 448 once per check (and as many again, away from x, where it exceeds its cap), or 16 |
//! | 0. two-point look: $f(x + h)$, $f(x - 0.618h)$ at $h = \varepsilon^{1/3}w_i$, second order; passes only a claim it resolves, asymmetric so that a kink's conventional claims go on | `two_point.rs` | 2, or none where its bar, foreseen from f(x), would not resolve the claim |
//! | 1. first pass: third- and fourth-order stencils, with the **kink evidence** of the fourth difference's growth from $h_3$ to $2h_3$; $n_4$ must agree with the two-point look's $d$ (unmeasured noise shows there), and its one-sided gap must double from $h_3$ to $2h_3$ (no kink straddled) | `first_pass.rs` | 3, + 1, + 2 where the fourth difference shows |
//! | noisy stage, for a nondeterministic f | `noisy.rs` | 6 |
//! | 2. central differences and Richardson | `central.rs` | 2 + 2 |
//! | 3. Ridders' extrapolation, passing only where its levels' one-sided gaps shrink with the step (no kink they all straddle) | `ridders.rs`, `straddle.rs` | 8 |
//! | 4. kink analysis: the wide stencil, one-sided slopes at shrinking levels, their decisions; where a gap stood at every level, the slopes at the finest step f's rounding allows (at least $1024\varepsilon w_i$) tell a kink at x from one just off it | `wide_stencil.rs`, `kink_levels.rs`, `kinks.rs`, `kink_location.rs` | 2 + 8 (+ 4, + 2 to 8) |
//! | 5. quantized look | `quantized.rs` | 2 to 6 |
//! | 6. a weak pass at a wider step, with the one-sided gap doubling from $t$ to $2t$ (no kink straddled) | `resolve.rs`, `straddle.rs` | 6 |
//! | 7. the edge of f's domain: a one-sided extrapolated difference from the finite side | `domain_edge.rs` | up to 3 per rung, at most 40 rungs a side |
//! | 8. a coordinate with a would-be **Fail**: f's rounding measured along $e_i$; four times the check's and a quantum an intermediate's rounding can make, the coordinate judged again with it | `rounding_look.rs` | 84 to 336 (then the stages again), at most 16 coordinates per check |
//! | 9. a coordinate still failing: central differences with Richardson at $2^{-5}w_i$ to $2^{-3}w_i$ (then at 4 times those where that could not tell) and the stairs' rounding from their values; where they hold the claim and stand apart from the small steps' estimate, f moves in stairs wider than the small steps (an `f32` intermediate near its stationary point) and the entry is Inconclusive | `wide_steps.rs` | 8 (or 16), at most 16 coordinates per check (`f64` only) |
//! | the verdict rule, its last word (a smooth estimate's Fail by less than the claim's own jumps is Inconclusive; a shrunk step's counts as smooth where its one-sided slopes agree; a kink whose admitting bar, or a shrunk step's pass whose tolerance after step 6, is coarser than `max_resolution` of its row, from `kinks.rs`, gets its reason), the negative control, no vacuous Pass | `rule.rs` | (the control: the stages again) |
//! | the fast mode and its halving; a direction whose gap could hide a straddled kink is read again at $2h$ | `directional.rs`, `straddle.rs` | $2d + 1$ to $4d + 1$ |
//! | the whole check, in order | `run.rs` | |
//!
//! **The files import in one direction**, from the verdict down to the
//! measurement, never back up (no import cycle inside `src/check/`):
//!
//! | layer | files |
//! |---|---|
//! | the verdict and the settings | `verdict.rs`, `config.rs`, `report.rs`, `rule.rs` |
//! | the measurement | `probe.rs`, `grid.rs`, `claim.rs`, `value_rounding.rs`, `budget.rs`, `noise_reading.rs`, `noise_model.rs`, `straddle.rs` |
//! | what the stages share | `point.rs` (the point, the walk's state, `entry`) |
//! | the stages, each its evidence | `two_point.rs`, `first_pass.rs`, `noisy.rs`, `central.rs`, `ridders.rs`, `wide_stencil.rs`, `kinks.rs`, `kink_location.rs`, `kink_levels.rs`, `quantized.rs`, `resolve.rs`, `domain_edge.rs`, `rounding_look.rs`, `wide_steps.rs`, `directional.rs` |
//! | one coordinate, in order | `walk.rs` |
//! | the whole check and its report | `run.rs`, `diagnose.rs`, then `hessian.rs`, `objective.rs`, `layout.rs` |
//!
//! **The verdict rule** (`rule.rs`): **Pass** when the claim lies within the
//! best estimate's error bar; **Kink** only when the one-sided slopes differ
//! by more than their combined error bars, consistently across step levels,
//! and the claim lies between them; **Fail** when it lies outside every
//! plausible value; **Inconclusive** when the error bars are too wide to tell
//! (a non-finite estimate or tolerance, a domain boundary at x, a negative
//! control that slipped through, a kink admitted by a bar coarser than
//! [`CheckConfig::max_resolution`] of its row), never Pass or Kink by default. The noisy
//! stage applies it as one function (`rule::judge`); the deterministic stages
//! below are its cases, each with the error bar its estimate carries, and
//! `rule::settle` gives the last word on every entry (a non-finite claim fails,
//! a non-finite estimate or tolerance is inconclusive,
//! [`CheckConfig::forbid_kinks`] makes a kink a failure) before the negative
//! control ([`CheckConfig::with_negative_control`]) runs.
//!
//! A pass states its resolution ([`CheckReport::resolution`]): the largest
//! tolerance relative to the largest claimed entry of its row. **A stage
//! passes only what it resolves**: its error bar must be at most
//! [`CheckConfig::max_resolution`] times the row's largest claim (at least
//! twice the smallest normal number); a coarser bar (a fourth-order
//! truncation bound swollen by kinks near x, a level's rounding at a tiny
//! step) passes nothing, and the entry goes on to the next stage, whose
//! evidence may resolve it (a kink's one-sided slopes). The resolution a
//! report states is then the deciding stage's.
//!
//! Each stage file's module doc gives its formulas and error bars. In brief:
//! $\varepsilon$ is the machine epsilon, $f_0 = f(x)$, $a$ the claim, $\nu$ the
//! noise scale (the largest $|f|$ involved plus $\sum_j|x_ja_j|$), $\hat\sigma$
//! the measured noise and $\rho(h) = \max(16\varepsilon\nu, 8\hat\sigma)/h$ the
//! rounding of a slope at step $h$.
//!
//! **Known limit.** A kink whose jump is below the rounding of the one-sided
//! slopes cannot be told from a wrong value of the same size. For the plain
//! slopes that is $\varepsilon|f|/h_k$; the wide stencil lowers it to about
//! $2\cdot10^{-10}\,\nu$ (its visibility bar, $128\varepsilon\nu/h_3$), as long
//! as no second kink lies within $4h_3$. Below that, a one-sided value is
//! reported as **Fail** (Ridders sees the mismatch). On the hinge loss this
//! happens when a term sits exactly at its margin and its jump $p_j p_y$ is
//! below about $10^{-10}$ times the loss.
//!
//! **Known limit: rounding that no measurement reads.** Where f rounds in
//! quanta far above $\varepsilon|f|$ that are neither whole units of one
//! value (`grid.rs`) nor noise ECnoise reads along x's coordinates, the
//! smallest steps' differences carry errors their bars do not, and a correct
//! claim can read **Fail**. ECnoise reads a staircase as smooth at a step
//! where it moves a whole number of quanta: the rounding look reads at six
//! steps with irrational ratios (a saturated tanh chain's gradient
//! $c(1 - t\cdot t)x$ aliased with both of the usual two, at 932 and 576
//! quanta), and about one staircase in $10^5$ aliases with all six.
//!
//! **Known limit: stairs wider than the steps.** An intermediate rounded to
//! `f32` near its own stationary point moves in stairs of its unit $q$, one
//! per $W = q/|I'|$ along $e_i$; where W is far above the small steps
//! ($\varepsilon^{1/3}w_i$), those steps read the rest of f alone, as smooth
//! and precise as any `f64` function, and nothing at that scale tells the
//! stairs are there. A claim that leaves out $I'$ then **passes**, at the
//! small steps' resolution: f32$(1.9\sin x) - 1.95\sin(0.92x)$ at
//! $x = \pi/2 + 4\cdot10^{-5}$ passes a claim $3\cdot10^{-4}$ of itself off
//! (the f32 term's slope left out) in 3 evaluations. Only steps wider than W
//! can see it, and reading every passing coordinate there would cost 8
//! evaluations each. The exact claim, which the small steps fail, is looked
//! at from wide steps (`wide_steps.rs`): Inconclusive for W up to about
//! $H/8 = w_i/256$, still **Fail** beyond (an intermediate within about
//! $10^{-5}$ of its stationary point, off by less than $10^{-4}$ of its row).
//!
//! **A jump in f itself** (the gradient of a hinge at its margin, judged as
//! the function of [`check_hessian`]): the one-sided slope on the side whose
//! limit is not $f(x)$ grows as $J/h$. Where the change $f(x \pm h_k) - f_0$
//! does not shrink with the step at the last three levels, that side is read
//! by a stencil that leaves x out (`kinks.rs`, `across_a_jump`), so a claim
//! from either side is judged by its own side.
//!
//! **Compound kinks.** Where several kinks meet along one coordinate (two
//! ReLUs at 0 at once, tied hinge terms all at their margin), a value built
//! from the one-sided convention at each kink need not lie between the
//! coordinate's one-sided slopes; it is then reported as **Fail**, as the
//! rule says.
//!
//! **Flat everywhere.** A loss that no step along any coordinate moves (a
//! hinge of margin $1 + 10^{-12}$ over a softmax whose $p_y$ rounds to 1
//! computes $(1 + 10^{-12} + p_j) - p_y$ on the grid of 1) cannot be told from
//! a genuinely flat f: a nonzero claim there (entries of $10^{-20}$) is
//! reported as **Fail**, as it must be for a dead ReLU.
//!
//! **A kink off x.** Wide steps (Ridders', the wide stencil's) reach kinks
//! that the small steps do not: ReLU at $x = 2\cdot10^{-5}$ with its kink
//! inside Ridders' first steps. Kink evidence from wide steps counts only
//! where the small steps could have seen that jump at x and did not deny it
//! (`LevelsSeen::deny_kink`); else the kink is off x, f is differentiable at
//! x, and the small steps' central difference decides. So it does where
//! Ridders' central differences do not settle (a change from one level to
//! the next grows instead of shrinking: kinks of an `f32` ReLU network
//! $10^{-3}$ from x under Ridders' steps). Where the evidence
//! contradicts itself (the one-sided limits of the finer levels hold the
//! claim, the central difference does not, in crowded hinge kinks), the
//! entry is **Inconclusive**.
//!
//! **Resolution is the deciding stage's.** A claim that the first pass does
//! not confirm goes on to stages with smaller steps and larger rounding; near
//! the edge of f's domain under a large f ($\ln x_1$ at $10^{-7}$ next to an
//! f of $10^6$), a claim off by $5\cdot10^{-4}$ can pass there with that
//! stage's tolerance ($1.4\cdot10^{-3}$ relative), although the correct
//! claim's report states $2.3\cdot10^{-5}$. The report of the wrong claim
//! states its own, coarser resolution.
//!
//! **Noise, rounding and kinks are told apart in the measurement**
//! (`noise_model.rs`): noise read above the cap $2^{10}\varepsilon\nu$ is
//! noise only if it stands away from x too and does not shrink at a 16
//! times finer step; kinks along the segment shrink with the step (their
//! higher differences are of order $Jh$) and stay capped, so the kink
//! analysis sees them as kinks. Deterministic noise above the cap (an inner
//! solver converged to $10^{-9}$ on an f of 1) that also stands at the
//! finest step, in every output, is judged by the noisy stage, as
//! nondeterministic noise is:
//! a claim 0.1 % off fails, where it once read **Kink** or a coarse pass.
//!
//! Cost on a smooth function with a correct gradient: $2n + 1$ evaluations
//! where the two-point look decides (plain central differences' count), 3
//! more for each coordinate it leaves to the first pass (a coordinate whose
//! bar there, foreseen from f(x), would not resolve its claim skips the look:
//! 3 in all), plus 1 for each unsure after that,
//! 112 to 448 once per check for the noise (up front from $n = 1000$, else when a
//! coordinate is still unsure), and 4, 8 (and 10) more for each one unsure
//! after that; 6 for each coordinate with a pass that does not resolve its claim.
//!
//! **A panic in your code propagates.** A panic in the function, gradient,
//! Jacobian, Hessian or Hessian-vector product you hand to a check unwinds
//! out of the check, as in any Rust test: no report is made of it, and a
//! **Fail** never comes from a panic. (The grader of Rust submissions is the
//! exception: it catches a panicking method and scores that item 0.)
//!
//! # The fast mode
//! [`CheckConfig::directional`] checks $d$ random directions first
//! ([`numeric::directional`](crate::numeric::directional)), $2d + 1$
//! evaluations ($4d + 1$ where f curves along them: `straddle.rs`); only if one disagrees does it run the per-coordinate check,
//! which names the culprit. Up to 256 inputs, it also runs where the
//! directions agree but cannot vouch for every entry to `max_resolution`
//! (`directional.rs`); above that, f's noise is measured first (a sum of
//! $n$ terms rounds near $\sqrt n\,\varepsilon|f|$), 16 directions are read
//! again at 8 to 4096 times the step, and where even that cannot vouch per
//! entry the report is **Inconclusive** with the per-entry resolution it
//! reached. That fallback is bounded: at most
//! [`MAX_FALLBACK`] coordinates are checked one by one (those the halving
//! kept, in order); a failure among them is named, and if none fails while
//! more were suspected, the report is **Inconclusive** and says how many were
//! and were not checked. `check_hvp` draws its directions one at a time.

mod budget;
mod central;
mod claim;
mod config;
mod diagnose;
mod directional;
mod domain_edge;
mod first_pass;
mod grid;
mod hessian;
mod kink_levels;
mod kink_location;
mod kinks;
mod layout;
mod matrix_claim;
mod noise_model;
mod noise_reading;
mod noisy;
mod objective;
mod point;
mod probe;
mod quantized;
mod report;
mod resolve;
mod ridders;
mod rounding_look;
mod rule;
mod run;
mod straddle;
mod two_point;
mod value_rounding;
mod verdict;
mod walk;
mod wide_stencil;
mod wide_steps;

pub use config::{CheckConfig, DEFAULT_MAX_RESOLUTION, MAX_DIRECTIONS, MAX_KINK_LEVELS, Method};
pub use hessian::{DEFAULT_HVP_DIRECTIONS, check_hessian, check_hvp};
pub use layout::{NamedReport, ParameterLayout, TensorSlot};
pub use matrix_claim::MatrixClaim;
pub use objective::{check_objective, check_objective_second_order};
pub use report::{CheckReport, DirectionalSummary, EntryCheck, NegativeControl};
pub use rule::CONTROL_OFFSET;
pub use verdict::{Evidence, Verdict};

use crate::error::{OracleError, Result, require_finite};
use crate::float::Real;

use directional::FastPass;
pub use run::MAX_FALLBACK;
use run::run;

/// The evaluation as a trait object: the checker's stages are then compiled
/// once per float type, not once per closure (a test file with fifty
/// closures compiled the whole pipeline fifty times). One indirect call per
/// evaluation is nothing beside the evaluation itself.
fn erased<F, E: FnMut(&[F], &mut [F])>(eval: &mut E) -> &mut dyn FnMut(&[F], &mut [F]) {
    eval
}

/// Checks a claimed gradient `grad` of the scalar function `f` at `x`.
///
/// `x` is whatever holds the point: a slice, a `Vec`, an array, a nalgebra
/// `DVector` (anything that is `AsRef<[F]>`).
///
/// ```
/// use gradient_oracle::{check_gradient, CheckConfig, Verdict};
/// let f = |x: &[f64]| x[0] * x[0] * x[1];
/// let right = |x: &[f64]| vec![2.0 * x[0] * x[1], x[0] * x[0]];
/// let wrong = |x: &[f64]| vec![x[0] * x[1], x[0] * x[0]];
/// let x = [1.5, -0.5];
/// assert_eq!(check_gradient(&f, &right, &x, &CheckConfig::default()).unwrap().verdict(), Verdict::Pass);
/// let report = check_gradient(&f, &wrong, &x, &CheckConfig::default()).unwrap();
/// assert_eq!(report.verdict(), Verdict::Fail);
/// println!("{report}"); // coordinate 0: analytic -0.75, numeric -1.5; diagnosis: analytic = 1/2 x numeric
/// ```
///
/// # Errors
/// Only for invalid input: empty or non-finite `x`, `f(x)` not finite, a
/// gradient of the wrong length, an invalid configuration. A wrong gradient is
/// `Ok` with [`Verdict::Fail`].
pub fn check_gradient<F, Func, Grad, X>(
    f: &Func,
    grad: &Grad,
    x: &X,
    config: &CheckConfig,
) -> Result<CheckReport>
where
    F: Real,
    Func: Fn(&[F]) -> F + ?Sized,
    Grad: Fn(&[F]) -> Vec<F> + ?Sized,
    X: AsRef<[F]> + ?Sized,
{
    gradient_check(f, grad, x.as_ref(), config, FastPass::PerEntry)
}

/// [`check_gradient`] with the fast mode's pass rule `fast`
/// (`FastPass::AlongDirections` for `check_hvp`, which judges $Hv$ along
/// one random direction per $v$ and states its resolution along them).
fn gradient_check<F, Func, Grad>(
    f: &Func,
    grad: &Grad,
    x: &[F],
    config: &CheckConfig,
    fast: FastPass,
) -> Result<CheckReport>
where
    F: Real,
    Func: Fn(&[F]) -> F + ?Sized,
    Grad: Fn(&[F]) -> Vec<F> + ?Sized,
{
    let g = validated_gradient(grad, x, config)?;
    let spread = gradient_spread(grad, x, &g, config);
    let mut eval = |p: &[F], out: &mut [F]| out[0] = f(p);
    run(
        &mut erased(&mut eval),
        1,
        x,
        &[g],
        config,
        false,
        None,
        &spread,
        fast,
    )
}

#[cfg(feature = "parallel")]
/// [`check_gradient`] with the coordinates spread over rayon's threads (for
/// large checks; `RAYON_NUM_THREADS` sets the count). The report, the
/// evaluation count included, is identical for any number of threads.
///
/// # Errors
/// As [`check_gradient`].
pub fn check_gradient_parallel<F, Func, Grad, X>(
    f: &Func,
    grad: &Grad,
    x: &X,
    config: &CheckConfig,
) -> Result<CheckReport>
where
    F: Real + Send + Sync,
    Func: Fn(&[F]) -> F + Sync + ?Sized,
    Grad: Fn(&[F]) -> Vec<F> + ?Sized,
    X: AsRef<[F]> + ?Sized,
{
    let x = x.as_ref();
    let g = validated_gradient(grad, x, config)?;
    let spread = gradient_spread(grad, x, &g, config);
    let shared = |p: &[F], out: &mut [F]| out[0] = f(p);
    let mut eval = shared;
    run(
        &mut erased(&mut eval),
        1,
        x,
        &[g],
        config,
        false,
        Some(&shared),
        &spread,
        FastPass::PerEntry,
    )
}

/// The relative rounding allowed an `f32` claim judged against `f64`
/// evaluations: $32\,\varepsilon_{32} \approx 3.8\cdot10^{-6}$. A gradient
/// computed in `f32` by backpropagation carries a few $\varepsilon_{32}$ of
/// relative error per entry (each entry a short chain of products and sums);
/// 32 of them leave room for a sum of a few dozen terms while a claim 10^-4
/// off is still caught 25 times over.
pub const MIXED_CLAIM_ROUNDING: f64 = 32.0 * f32::EPSILON as f64;

/// Checks an `f32` gradient against the same function evaluated in `f64`.
///
/// The point `x` is converted to `f64` exactly; f is evaluated there in `f64`,
/// so the finite differences resolve about $10^{-10}$ instead of the
/// $10^{-3}$ that `f32` evaluations allow; the claim is allowed its own `f32`
/// rounding, [`MIXED_CLAIM_ROUNDING`] relative. An `f32` gradient off by
/// $10^{-4}$ relative, in one entry or all, fails.
///
/// ```
/// use gradient_oracle::{check_gradient_mixed, CheckConfig, Verdict};
/// let f = |x: &[f64]| (x[0] * x[1]).tanh() + x[1] * x[1];
/// let grad = |x: &[f32]| {
///     let s = 1.0 - (x[0] * x[1]).tanh().powi(2);
///     vec![s * x[1], s * x[0] + 2.0 * x[1]]
/// };
/// let off = |x: &[f32]| grad(x).iter().map(|g| g * 1.0001).collect::<Vec<f32>>();
/// let x = [0.7_f32, -0.4];
/// let cfg = CheckConfig::default();
/// assert_eq!(check_gradient_mixed(&f, &grad, &x, &cfg).unwrap().verdict(), Verdict::Pass);
/// assert_eq!(check_gradient_mixed(&f, &off, &x, &cfg).unwrap().verdict(), Verdict::Fail);
/// ```
///
/// # Errors
/// As [`check_gradient`].
pub fn check_gradient_mixed<Func, Grad, X>(
    f: &Func,
    grad: &Grad,
    x: &X,
    config: &CheckConfig,
) -> Result<CheckReport>
where
    Func: Fn(&[f64]) -> f64 + ?Sized,
    Grad: Fn(&[f32]) -> Vec<f32> + ?Sized,
    X: AsRef<[f32]> + ?Sized,
{
    let x = x.as_ref();
    let g = validated_gradient(grad, x, config)?;
    let spread = gradient_spread(grad, x, &g, config);
    let x64: Vec<f64> = x.iter().map(|v| f64::from(*v)).collect();
    let claim: Vec<f64> = g.iter().map(|v| f64::from(*v)).collect();
    let mixed = CheckConfig {
        claim_rounding: config.claim_rounding.max(MIXED_CLAIM_ROUNDING),
        ..*config
    };
    let mut eval = |p: &[f64], out: &mut [f64]| out[0] = f(p);
    run(
        &mut erased(&mut eval),
        1,
        &x64,
        &[claim],
        &mixed,
        false,
        None,
        &spread,
        FastPass::PerEntry,
    )
}

/// Checks a claimed Jacobian `jac` (rows = outputs) of the vector function `f` at `x`.
///
/// # Errors
/// As [`check_gradient`]; a Jacobian whose shape is not
/// `f(x).len() x x.len()`, or an `f(x)` that is empty or not finite.
pub fn check_jacobian<F, Func, Jac, M, X>(
    f: &Func,
    jac: &Jac,
    x: &X,
    config: &CheckConfig,
) -> Result<CheckReport>
where
    F: Real,
    Func: Fn(&[F]) -> Vec<F> + ?Sized,
    Jac: Fn(&[F]) -> M + ?Sized,
    M: MatrixClaim<F>,
    X: AsRef<[F]> + ?Sized,
{
    let x = x.as_ref();
    config.validate()?;
    validate_point(x)?;
    let fx = f(x);
    if fx.is_empty() {
        return Err(OracleError::Empty {
            name: "f(x)".into(),
        });
    }
    let m = fx.len();
    let j = jac(x)
        .into_matrix(m, x.len())
        .map_err(|found| OracleError::ShapeMismatch {
            name: "jacobian".into(),
            expected: format!("{m} x {} (outputs x inputs)", x.len()),
            found,
        })?;
    if j.nrows() != m || j.ncols() != x.len() {
        return Err(OracleError::ShapeMismatch {
            name: "jacobian".into(),
            expected: format!("{m} x {} (outputs x inputs)", x.len()),
            found: format!("{} x {}", j.nrows(), j.ncols()),
        });
    }
    let rows: Vec<Vec<F>> = (0..m).map(|r| j.row(r).iter().copied().collect()).collect();
    let n = x.len();
    let spread = claim::measure_spread(
        &mut |p: &[F]| {
            let j = jac(p).into_matrix(m, n).ok()?;
            (j.nrows() == m && j.ncols() == n)
                .then(|| (0..m).map(|r| j.row(r).iter().copied().collect()).collect())
        },
        x,
        &rows,
        config.seed,
    );
    let mut eval = |p: &[F], out: &mut [F]| {
        let v = f(p);
        for (o, slot) in out.iter_mut().enumerate() {
            *slot = v.get(o).copied().unwrap_or_else(F::nan);
        }
    };
    run(
        &mut erased(&mut eval),
        m,
        x,
        &rows,
        config,
        true,
        None,
        &spread,
        FastPass::PerEntry,
    )
}

/// Validates the configuration and the point, and computes the claimed gradient.
fn validated_gradient<F: Real, Grad: Fn(&[F]) -> Vec<F> + ?Sized>(
    grad: &Grad,
    x: &[F],
    config: &CheckConfig,
) -> Result<Vec<F>> {
    config.validate()?;
    validate_point(x)?;
    let g = grad(x);
    if g.len() != x.len() {
        return Err(OracleError::ShapeMismatch {
            name: "gradient".into(),
            expected: format!("{} entries (one per coordinate of x)", x.len()),
            found: format!("{} entries", g.len()),
        });
    }
    Ok(g)
}

/// The measured rounding of a claimed gradient (see `claim.rs`).
fn gradient_spread<G: Real, Grad: Fn(&[G]) -> Vec<G> + ?Sized>(
    grad: &Grad,
    x: &[G],
    g: &[G],
    config: &CheckConfig,
) -> Vec<claim::RowSpread> {
    claim::measure_spread(
        &mut |p: &[G]| {
            let moved = grad(p);
            (moved.len() == x.len()).then(|| vec![moved])
        },
        x,
        &[g.to_vec()],
        config.seed,
    )
}

fn validate_point<F: Real>(x: &[F]) -> Result<()> {
    require_finite("x", x.iter().map(|v| v.to_f64().unwrap_or(f64::NAN)))
}

fn f64_of<F: Real>(v: F) -> f64 {
    v.to_f64().unwrap_or(f64::NAN)
}
