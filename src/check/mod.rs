//! The judgement: is a claimed derivative right, with the evidence.
//!
//! # The stages and the one verdict rule
//!
//! Each coordinate goes through these stages, each leaving evidence (an
//! estimate, the one-sided slopes, and a tolerance: the estimate's error bar
//! from rounding, measured noise and truncation, plus the claim's own
//! rounding):
//!
//! | stage | where | evaluations |
//! |---|---|---|
//! | probe width: steps scale with $w_i = \max(1,|x_i|)$, narrowed where f is not finite at a probe | `check_coordinate` | as the stages below, again per narrowing |
//! | first pass: third- and fourth-order stencils, with the **kink evidence** of the fourth difference's growth from $h_3$ to $2h_3$ | step 1 below, `structure_at_h3` | 3, + 1, + 2 where the fourth difference shows |
//! | noise: measured once per check; f(x) evaluated again tells a nondeterministic f | `NoiseModel`, [`numeric::noise`](crate::numeric::noise) | 2 + 28 to 112, or 16 |
//! | noisy stage, for a nondeterministic f | `noisy.rs` | 6 |
//! | central differences and Richardson | step 2 | 2 + 2 |
//! | Ridders' extrapolation | step 3 | 8 |
//! | kink analysis: one-sided slopes at shrinking levels, the wide stencil | step 4 | 8 (+ 4), + 2 |
//! | quantized look | step 5, `quantized.rs` | 2 to 6 |
//! | a weak pass at a wider step | step 6, `resolve.rs` | 6 |
//! | the fast mode and its halving | `directional.rs` | $2d + 1$ |
//!
//! **The verdict rule** (`rule.rs`): **Pass** when the claim lies within the
//! best estimate's error bar; **Kink** only when the one-sided slopes differ
//! by more than their combined error bars, consistently across step levels,
//! and the claim lies between them; **Fail** when it lies outside every
//! plausible value; **Inconclusive** when the error bars are too wide to tell
//! (a non-finite estimate or tolerance, a domain boundary at x, a negative
//! control that slipped through), never Pass or Kink by default. The noisy
//! stage applies it as one function (`rule::judge`); the deterministic stages
//! below are its cases, each with the error bar its estimate carries, and
//! `rule::settle` gives the last word on every entry (a non-finite claim fails,
//! a non-finite estimate or tolerance is inconclusive,
//! [`CheckConfig::forbid_kinks`] makes a kink a failure) before the negative
//! control ([`CheckConfig::with_negative_control`]) runs.
//!
//! A pass states its resolution ([`CheckReport::resolution`]): the largest
//! tolerance relative to the largest claimed entry of its row.
//!
//! **Kink evidence at the first pass.** The fourth-order value's truncation
//! bound $|n_3 - n_4|/16$ holds only where f follows the $h^4$ law within the
//! stencil; a kink within $2h_3$ makes $|n_3 - n_4|$ large ($J/6$ for a kink of
//! jump $J$ at x), and that bound would pass a wrong claim (ReLU at $10^{-6}$
//! with the claim 0.5). Where $|n_3 - n_4|$ stands above its rounding, f at
//! $x \pm 4h_3$ gives the fourth difference at $2h_3$; growth between one and
//! four times (a kink: 2) keeps the first pass, the central differences and
//! Ridders from passing the claim, unless the estimate's one-sided gaps are
//! under a quarter of the jump $6|n_3 - n_4|$ (the kink lies beyond their
//! steps) or half the jump is within the tolerance; the kink analysis decides
//! the rest. **Known limit**: 3 evaluations cannot tell a kink at x from a
//! smooth f, so a claim equal to the first stencil's value there
//! ($L/3 + 2R/3$ for one-sided slopes $L, R$: $1/3$ for $|x|$ at 0) to 11 digits
//! passes; every other claim between the slopes is a kink.
//!
//! # The decision, per coordinate $i$ (all outputs of a Jacobian at once)
//!
//! With $\varepsilon$ the machine epsilon, $f_0 = f(x)$, the claimed gradient
//! $a$, the noise scale $\nu$ = the largest $|f|$ among the values involved
//! plus $\sum_j |x_j a_j|$ (the rounding of the inputs carried through $a$),
//! $\hat\sigma$ the **measured noise** of $f$ at $x$
//! ([`numeric::noise`](crate::numeric::noise): ECnoise on each side of $x$, 28 to 112
//! evaluations, or a staircase's quantum over $\sqrt{12}$ where f moves in whole
//! quanta; capped at $2^{10}\varepsilon\nu$ since kinks along the sampled
//! segment read as noise too; run once per check: up front for 1000 coordinates and more,
//! otherwise only when some coordinate is still unsure after step 1b; 0 until
//! measured), and the rounding scale
//! $\rho(h) = \max(16\,\varepsilon\nu,\ 8\hat\sigma) / h$:
//!
//! 1. **Third-order stencil** at $h_3 = \varepsilon^{1/4}\max(1,|x_i|)$
//!    (3 evaluations: $x - h_3$, $x + h_3$, $x + 2h_3$),
//!    $n_3 = (-2f_{-1} - 3f_0 + 6f_1 - f_2)/6h_3$, error $\tfrac{h^3}{12}f^{(4)}$.
//!    Pass if $|a - n_3| \le \max(4\varepsilon\nu, 6\hat\sigma)/h_3 + 64\varepsilon\max(|a|,|n_3|)$
//!    — a strict bar on purpose ($n_3$'s rounding is typically
//!    $1.18\,\varepsilon\nu/h_3$, its noise $1.18\,\hat\sigma/h_3$): nothing but
//!    a pass is decided here, an unsure estimate escalates. Its accepted values are within
//!    $10^{-10}$ of the exact gradient on the benchmark protocol's smooth cases,
//!    where central differences reach $3\cdot10^{-9}$.
//!    Then, for the unsure only, $f(x - 2h_3)$ (1 evaluation) completes the
//!    fourth-order central stencil $n_4$: pass if
//!    $|a - n_4| \le \max(6\varepsilon\nu, 5\hat\sigma)/h_3 + |n_3 - n_4|/16 + 64\varepsilon\max(|a|,|n_4|)$;
//!    if the noise was not measured yet, it is now, and this test runs once more.
//! 2. **Central difference** at its own, smaller step $h = \varepsilon^{1/3}\max(1,|x_i|)$
//!    (2 evaluations; a kink within $2h_3$ or large high derivatives spoil the
//!    wide stencil): $c = (f_+ - f_-)/2h$, pass if
//!    $|a - c| \le \max(4\varepsilon\nu, 4\hat\sigma)/h + 64\varepsilon\max(|a|,|c|)$.
//!    Then the central difference at $2h$ (2 more) and one Richardson step
//!    $c_4 = (4c(h) - c(2h))/3$: pass if
//!    $|a - c_4| \le \max(12\varepsilon\nu, 5\hat\sigma)/h + |c - c_4|/16 + 64\varepsilon\max(|a|,|c_4|)$.
//! 3. **Ridders' extrapolation** (8 evaluations) gives $r$ and an error
//!    estimate $e$. Pass if $e \le \sqrt\varepsilon \max(1,|r|)$ (the estimate
//!    is trustworthy) and $|a - r| \le 4e + \rho(h_{min}) + 64\varepsilon\max(|a|,|r|)$.
//! 4. **Kink analysis** (2 evaluations per level, 4 levels, and 2 for the wide
//!    stencil): first the wide stencil's second-order one-sided slopes
//!    $L_2, R_2$ at $h_3$, corrected for curvature: their gap is
//!    $-\tfrac12 h^3 f^{(4)}$ on a smooth function and the jump $J$ at a kink,
//!    with far less rounding than the plain slopes below (see
//!    `wide_stencil_kinks`); a gap clear of its noise that keeps its size from
//!    $h_3$ to $2h_3$ turns a would-be **Fail** into **Kink** when $a$ lies
//!    between $L_2$ and $R_2$. Then the
//!    one-sided slopes $L_k = (f_0 - f(x - h_k e_i))/h_k$,
//!    $R_k = (f(x + h_k e_i) - f_0)/h_k$ at $h_k = 10^{-k} h$. On a smooth
//!    function their gap is $h_k |f''|$ and shrinks tenfold per level; across a
//!    kink it is the jump of the derivative and stays. With $G_k = |R_k - L_k|$,
//!    the gap is *resolved* at level $k$ (no kink is closer than $h_k$) when
//!    $G_k \le 0.3\,G_{k-1} + \rho(h_k)$ — or, once any gap stood clear of its
//!    level's noise ($G_j > 2\rho(h_j)$, $j < k$), only when $G_k + \rho(h_k) \le 0.3\,G_{k-1}$:
//!    a visible kink is never explained away by the larger noise of a smaller step
//!    (when $\rho(h_k) \ge 0.3\,G_{k-1}$ the level cannot tell and changes nothing).
//!    Every level is run. The coordinate counts as smooth when no level saw a
//!    standing gap, or when, after the last one that did, the gap shrank at
//!    two more levels; the decision then uses the last level where it shrank.
//!    - Smooth, deciding at level $k$: the central difference $c_k$ at $h_k$ is free of kinks; its
//!      tolerance is $\rho(h_k) + |c_k - c_{k-1}|/10$ (truncation, ten times
//!      over) $+ 64\varepsilon\max(|a|,|c_k|)$. If a trustworthy Ridders
//!      estimate agrees with $c_k$, Ridders' sharper verdict stands: **Fail** —
//!      unless the one-sided slopes, Richardson-extrapolated from Ridders' own
//!      evaluations, differ beyond their error estimates and bracket $a$, or the
//!      plain slopes' gap keeps its size at every level while $a$ sits on one
//!      side and Ridders on the midpoint, or the one-sided slopes of the first
//!      two steps, freed of their curvature term by one Richardson step
//!      ($(10 L_1 - L_0)/9$), have different limits that bracket $a$: a kink
//!      smaller than the noise or the curvature of the plain slopes, **Kink**.
//!      Otherwise **Pass** or **Fail** by $c_k$; a **Fail** needs the next
//!      level's $c_{k+1}$ to disagree with $a$ beyond its own tolerance too (a
//!      kink just inside $h_k$ shrinks the gap below $0.3\,G_{k-1}$ while $c_k$
//!      still straddles it, off by $J(h_k - d)/2h_k$; $c_{k+1}$ is free of it).
//!    - Not resolved at the last level: the function is not differentiable at $x$ (or a kink is
//!      closer than the smallest step). **Kink** if $a$ lies in
//!      $[\min(L,R), \max(L,R)]$ at the smallest step, widened by
//!      $\rho + $ the slopes' drift since the previous level $+ 64\varepsilon\max(|L|,|R|)$,
//!      or at the best-resolved level (the smallest $\rho_k$ + drift, level 1
//!      to the one before last: the smallest step's slopes carry the most
//!      rounding, and stray where f loses digits in ways its measured noise
//!      misses); **Fail** otherwise.
//!
//! 5. **Quantized f** (only for a would-be **Fail**, without `atol`/`rtol`).
//!    Some functions lose their low digits inside: a saturated softmax under a
//!    hinge of margin 1 computes $1 + p_j - p_y$ on the grid of 1 ($2^{-53}$)
//!    while the loss is $10^{-12}$, so f moves in whole grid steps (and by
//!    $k-1$ at once when $p_y$ crosses a rounding boundary), and a true
//!    derivative of $10^{-13}$ reads 0 at every small step. When every
//!    difference $f(x+t) - f_0$ seen along $e_i$ is a multiple of a power of
//!    two $g \ge 2^{16}\varepsilon|f|$ (rounding leaves the low bits of a
//!    difference random, so a grid that coarse means an intermediate far larger
//!    than f absorbed them), f is probed at $0.07\cdot4^k\max(1,|x_i|)$, $k = 0,1,2$
//!    (2 evaluations each, while f stays on the grid), and the claim is judged at
//!    the best-resolved step $t$: the central difference $c_t$ within
//!    $2A/t + 2|c_t - c_{t'}|$, with $A$ the noise amplitude seen up to $t$ (the
//!    pairs' asymmetry, and how far each pair's central difference strays from
//!    the next wider one's, times its step; at least $8g$) and $t'$ the next
//!    narrower step. A coordinate this leaves unresolved (f flat out to $H$,
//!    or the claim off by more than its own noise estimate) is judged once
//!    more after the last coordinate, with the largest noise amplitude $A$ any
//!    coordinate of that output showed (if none looked yet, f along the
//!    coordinate of the largest claimed entry, at non-dyadic steps
//!    $4^k\varepsilon^{1/3}\max(1,|x_j|)$, 2 evaluations each): within
//!    $2A/H$ of its numeric value at $H$ (0 where flat).
//!    **Pass** with [`Evidence::Quantized`]; a kink, or a genuinely flat f,
//!    leaves differences without such a grid, and the **Fail** stands. The
//!    resolution is that of f: a doubled gradient entry of $10^{-15}$ on a loss
//!    whose grid is $10^{-16}$ cannot be caught.
//!
//!    Without a grid, a **staircase** still shows: f equal to $f_0$ on both
//!    sides at a step where its slope (the widest pair's) predicts a change of
//!    at least $4\varepsilon|f_0|$. An `f32` loss whose output moves in whole
//!    ulps is one along some weights: it jumps by $r\,u$, far above its own
//!    ulp, and is flat between, while along ECnoise's direction it can look
//!    smooth. Up to two probes (2 evaluations each) between the widest flat
//!    and the narrowest moving step bring the smallest move seen down to one
//!    quantum $q$, and the claim is judged as above with $A = q$ (a
//!    staircase's values stray from the smooth f by less than a quantum; its
//!    pairs' asymmetries are curvature). A kink with a flat side is flat on one
//!    side only, and is no staircase.
//!
//! 6. **A pass that does not resolve its claim** (tolerance over $|a|/4$: an
//!    entry far below $\varepsilon\nu/h$, a hinge gradient of $10^{-12}$ on a
//!    loss of 1, passes whatever its value) is looked at again
//!    (6 evaluations per such coordinate): central
//!    differences at the step $t$ where the claim moves f by $128\rho(1)$
//!    (its rounding there is $|a|/128$), at $2t$ and at $4t$, if
//!    $t \le \max(1,|x_i|)/4$. Within $\rho(t) + |c_t - c_{2t}|$ of $c_t$ the
//!    claim passes, now resolved (evidence `wide-step`). It **fails** only for a
//!    gross miss (over a quarter of the claim and twice the tolerance) where f
//!    is smooth and in its asymptotic range across $[-4t, 4t]$: the one-sided
//!    slopes freed of curvature agree, $c_{4t} - c_{2t} \approx 4(c_{2t} - c_t)$,
//!    every sample moved, and no grid. Otherwise the pass stands, unresolved.
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
//! **The claim's own rounding.** Once the noise is measured, the relative
//! floor $64\varepsilon$ of output $o$ grows by $2\hat\sigma_o/|f_0|$. The
//! claimed gradient is computed in the same float type, by a program that
//! loses the digits f loses: $f = \tfrac12 r^2$ with a cancelling residual $r$
//! has noise $\hat\sigma \approx |r|\sigma_r$, and its derivative $r\,r'$ the
//! relative error $e_r/|r| \approx (e_r/\sigma_r)\,\hat\sigma/2|f|$ at x, a fixed
//! error, not one that averages out as the finite differences' does; the
//! allowance covers $|e_r| \le 4\sigma_r$. An `f32` chain whose residual cancels
//! to $4\cdot10^{-5}$ on an output of 0.57 computes its gradient $1.2\cdot10^{-3}$
//! off the exact one and shows $\hat\sigma/|f| = 1.3\cdot10^{-3}$. For a function that
//! keeps its digits ($\hat\sigma \approx \varepsilon|f|$) the allowance is far
//! below the floor.
//!
//! Every derived tolerance also carries an absolute floor, the smallest normal
//! number of the float type ($1.2\cdot10^{-38}$ in `f32`, $2.2\cdot10^{-308}$ in
//! `f64`): below it values underflow gradually and keep no relative precision
//! (an `f32` softmax of logits 97 apart has a Jacobian entry of $5\cdot10^{-43}$,
//! and its finite differences read 0).
//!
//! `atol`/`rtol` on [`CheckConfig`] replace the derived tolerances in every step.
//!
//! Cost on a smooth function with a correct gradient: $3n + 1$ evaluations
//! (1.5 times plain central differences), plus 1 for each unsure coordinate,
//! 28 to 112 once per check for the noise (up front from $n = 1000$, else when a
//! coordinate is still unsure), and 4, 8 (and 10) more for each one unsure
//! after that; 6 for each coordinate with a pass that does not resolve its claim.
//!
//! # The fast mode
//! [`CheckConfig::directional`] checks $d$ random directions first
//! ([`numeric::directional`](crate::numeric::directional)), $2d + 1$
//! evaluations; only if one disagrees does it run the per-coordinate check,
//! which names the culprit.

mod config;
mod diagnose;
mod directional;
mod kinks;
mod noisy;
mod quantized;
mod report;
mod resolve;
mod rule;
mod verdict;

pub use config::{CheckConfig, MAX_DIRECTIONS, MAX_KINK_LEVELS, Method};
pub use report::{CheckReport, DirectionalSummary, EntryCheck, NegativeControl};
pub use rule::CONTROL_OFFSET;
pub use verdict::{Evidence, Verdict};

use nalgebra::DMatrix;

use crate::error::{OracleError, Result, require_finite};
use crate::float::{Real, cst};
use crate::numeric::differences::{DifferenceScheme, fourth_order, step_within, third_order};
use crate::numeric::extrapolation::{Extrapolated, ridders_vec};
use crate::numeric::noise::estimate_noise;
use crate::numeric::probe::at_offset;
use config::MAX_KINK_LEVELS as LEVEL_CAP;

use kinks::{Last, LevelsSeen};
use quantized::Quantization;

/// Checks a claimed gradient `grad` of the scalar function `f` at `x`.
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
pub fn check_gradient<F, Func, Grad>(
    f: &Func,
    grad: &Grad,
    x: &[F],
    config: &CheckConfig,
) -> Result<CheckReport>
where
    F: Real,
    Func: Fn(&[F]) -> F + ?Sized,
    Grad: Fn(&[F]) -> Vec<F> + ?Sized,
{
    let g = validated_gradient(grad, x, config)?;
    let mut eval = |p: &[F], out: &mut [F]| out[0] = f(p);
    run(&mut eval, 1, x, &[g], config, false, None)
}

/// [`check_gradient`] with the coordinates spread over rayon's threads (for
/// large checks; `RAYON_NUM_THREADS` sets the count). The report, the
/// evaluation count included, is identical for any number of threads.
///
/// # Errors
/// As [`check_gradient`].
pub fn check_gradient_parallel<F, Func, Grad>(
    f: &Func,
    grad: &Grad,
    x: &[F],
    config: &CheckConfig,
) -> Result<CheckReport>
where
    F: Real + Send + Sync,
    Func: Fn(&[F]) -> F + Sync + ?Sized,
    Grad: Fn(&[F]) -> Vec<F> + ?Sized,
{
    let g = validated_gradient(grad, x, config)?;
    let shared = |p: &[F], out: &mut [F]| out[0] = f(p);
    let mut eval = shared;
    run(&mut eval, 1, x, &[g], config, false, Some(&shared))
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
pub fn check_gradient_mixed<Func, Grad>(
    f: &Func,
    grad: &Grad,
    x: &[f32],
    config: &CheckConfig,
) -> Result<CheckReport>
where
    Func: Fn(&[f64]) -> f64 + ?Sized,
    Grad: Fn(&[f32]) -> Vec<f32> + ?Sized,
{
    let g = validated_gradient(grad, x, config)?;
    let x64: Vec<f64> = x.iter().map(|v| f64::from(*v)).collect();
    let claim: Vec<f64> = g.iter().map(|v| f64::from(*v)).collect();
    let mixed = CheckConfig {
        claim_rounding: config.claim_rounding.max(MIXED_CLAIM_ROUNDING),
        ..*config
    };
    let mut eval = |p: &[f64], out: &mut [f64]| out[0] = f(p);
    run(&mut eval, 1, &x64, &[claim], &mixed, false, None)
}

/// Checks a claimed Jacobian `jac` (rows = outputs) of the vector function `f` at `x`.
///
/// # Errors
/// As [`check_gradient`]; a Jacobian whose shape is not
/// `f(x).len() x x.len()`, or an `f(x)` that is empty or not finite.
pub fn check_jacobian<F, Func, Jac>(
    f: &Func,
    jac: &Jac,
    x: &[F],
    config: &CheckConfig,
) -> Result<CheckReport>
where
    F: Real,
    Func: Fn(&[F]) -> Vec<F> + ?Sized,
    Jac: Fn(&[F]) -> DMatrix<F> + ?Sized,
{
    config.validate()?;
    validate_point(x)?;
    let fx = f(x);
    if fx.is_empty() {
        return Err(OracleError::Empty {
            name: "f(x)".into(),
        });
    }
    let m = fx.len();
    let j = jac(x);
    if j.nrows() != m || j.ncols() != x.len() {
        return Err(OracleError::ShapeMismatch {
            name: "jacobian".into(),
            expected: format!("{m} x {} (outputs x inputs)", x.len()),
            found: format!("{} x {}", j.nrows(), j.ncols()),
        });
    }
    let rows: Vec<Vec<F>> = (0..m).map(|r| j.row(r).iter().copied().collect()).collect();
    let mut eval = |p: &[F], out: &mut [F]| {
        let v = f(p);
        for (o, slot) in out.iter_mut().enumerate() {
            *slot = v.get(o).copied().unwrap_or_else(F::nan);
        }
    };
    run(&mut eval, m, x, &rows, config, true, None)
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

fn validate_point<F: Real>(x: &[F]) -> Result<()> {
    require_finite("x", x.iter().map(|v| v.to_f64().unwrap_or(f64::NAN)))
}

fn f64_of<F: Real>(v: F) -> f64 {
    v.to_f64().unwrap_or(f64::NAN)
}

/// Counts evaluations and perturbs one coordinate at a time.
struct Evaluator<'a, F, E> {
    eval: &'a mut E,
    work: Vec<F>,
    count: usize,
    /// Some value f returned at a perturbed point was NaN or infinite (the
    /// step crossed the edge of f's domain).
    nonfinite: bool,
}

impl<F: Real, E: FnMut(&[F], &mut [F])> Evaluator<'_, F, E> {
    fn at(&mut self, i: usize, offset: F, out: &mut [F]) {
        let eval = &mut *self.eval;
        at_offset(&mut self.work, i, offset, |p| eval(p, out));
        self.count += 1;
        self.nonfinite |= out.iter().any(|v| !v.is_finite());
    }

    fn along(&mut self, x: &[F], v: &[F], t: F, out: &mut [F]) {
        for ((w, xi), vi) in self.work.iter_mut().zip(x).zip(v) {
            *w = *xi + t * *vi;
        }
        (self.eval)(&self.work, out);
        self.work.copy_from_slice(x);
        self.count += 1;
    }
}

/// The tolerance constants of the module doc, in the float type.
struct Tolerances<F> {
    eps: F,
    noise: F,
    floor: F,
    /// The smallest normal number: below it values underflow gradually and keep
    /// no relative precision, so derivatives that small cannot be told apart.
    tiny: F,
    trust: F,
    strict: F,
    /// Per output, the claim's own relative rounding: $2\hat\sigma/|f_0|$ (empty
    /// or 0 until the noise is measured). See [`Tolerances::with_claims`].
    claim: Vec<F>,
}

impl<F: Real> Tolerances<F> {
    /// The floor is $64\varepsilon$ relative, plus the rounding of a claim
    /// computed in a coarser float type than f (see [`check_gradient_mixed`]).
    fn new(config: &CheckConfig) -> Self {
        let eps = F::epsilon();
        Self {
            eps,
            noise: cst(16.0),
            floor: cst::<F>(64.0) * eps + cst::<F>(config.claim_rounding),
            tiny: F::min_positive_value(),
            trust: eps.sqrt(),
            strict: cst(4.0),
            claim: Vec::new(),
        }
    }

    /// The claimed derivative is computed in the same float type as f, by a
    /// program that loses the digits f loses: $f = \tfrac12 r^2$ with a
    /// residual $r$ that cancels carries $\hat\sigma \approx |r|\,\sigma_r$, and
    /// its derivative $r\,r'$ the relative error $e_r/|r| \approx
    /// (e_r/\sigma_r)\,\hat\sigma/2|f|$ at x, not a random one that averages out
    /// as the finite differences' does. With $|e_r|$ up to $4\sigma_r$, the claim
    /// is allowed a relative $2\hat\sigma/|f_0|$ (0 where $f_0 = 0$). For a
    /// function that keeps its digits ($\hat\sigma \approx \varepsilon|f|$) this is
    /// far below the $64\varepsilon$ floor.
    fn with_claims(mut self, sigma: &[F], f0: &[F]) -> Self {
        // No noise measured yet (the common case): no allowance, no allocation.
        if sigma.iter().all(|s| *s == F::zero()) {
            return self;
        }
        self.claim = sigma
            .iter()
            .zip(f0)
            .map(|(s, f)| {
                let rel = cst::<F>(2.0) * *s / f.abs();
                if rel.is_finite() { rel } else { F::zero() }
            })
            .collect();
        self
    }

    /// The relative floor of output `o`: $64\varepsilon$ plus the claim's own rounding.
    fn relative(&self, o: usize) -> F {
        self.floor + self.claim.get(o).copied().unwrap_or(F::zero())
    }

    /// $16 \rho(h)$ for function values of magnitude `scale`, or 8 times the
    /// measured noise `sigma` (a slope's noise is $\sqrt2\,\sigma/h$), whichever is larger.
    fn rounding(&self, scale: F, sigma: F, h: F) -> F {
        (self.noise * self.eps * scale).max(cst::<F>(8.0) * sigma) / h
    }

    /// A first-pass bar: `coefficient` eps `scale` or `k` times the measured noise.
    fn bar(&self, coefficient: F, scale: F, k: F, sigma: F, h: F) -> F {
        (coefficient * self.strict * self.eps * scale).max(k * sigma) / h
    }
}

fn magnitude<F: Real>(values: &[F]) -> F {
    values.iter().fold(F::zero(), |acc, v| acc.max(v.abs()))
}

/// A thread-safe evaluation, for checks spread over threads.
type SharedEval<'a, F> = &'a (dyn Fn(&[F], &mut [F]) + Sync);

fn run<F: Real + Send + Sync, E: FnMut(&[F], &mut [F])>(
    eval: &mut E,
    m: usize,
    x: &[F],
    analytic: &[Vec<F>],
    config: &CheckConfig,
    jacobian: bool,
    parallel: Option<SharedEval<'_, F>>,
) -> Result<CheckReport> {
    let n = x.len();
    let mut ev = Evaluator {
        eval,
        work: x.to_vec(),
        count: 0,
        nonfinite: false,
    };
    let mut f0 = vec![F::zero(); m];
    (ev.eval)(x, &mut f0);
    ev.count += 1;
    if let Some((o, v)) = f0.iter().enumerate().find(|(_, v)| !v.is_finite()) {
        return Err(OracleError::FunctionNotFinite {
            name: if jacobian {
                format!("f(x)[{o}]")
            } else {
                "f(x)".into()
            },
            value: f64_of(*v),
        });
    }
    let directional = match config.directions {
        Some(d) => {
            let summary = directional::directional_pass(&mut ev, &f0, x, analytic, config, d);
            if summary.failed == 0 {
                let mut report = CheckReport {
                    entries: Vec::new(),
                    outputs: m,
                    inputs: n,
                    jacobian,
                    evaluations: ev.count,
                    directional: Some(summary),
                    diagnosis: None,
                    control: None,
                    unsure: None,
                };
                negative_control(&mut ev, x, &f0, analytic, config, &mut report);
                return Ok(report);
            }
            Some(summary)
        }
        None => None,
    };
    let coordinates: Vec<usize> = if directional.is_some() {
        directional::suspects(&mut ev, &f0, x, analytic, config)
    } else {
        (0..n).collect()
    };
    let mut entries = check_coordinates(&mut ev, x, &f0, analytic, config, &coordinates, parallel);
    let unsure = rule::settle(&mut entries, config);
    let diagnosis = diagnose::diagnose(&entries, m, n, jacobian);
    let mut report = CheckReport {
        entries,
        outputs: m,
        inputs: n,
        jacobian,
        evaluations: ev.count,
        directional,
        diagnosis,
        control: None,
        unsure,
    };
    negative_control(&mut ev, x, &f0, analytic, config, &mut report);
    Ok(report)
}

/// Runs the negative control when the configuration asks for it, and makes
/// the report inconclusive when the control slips through (see [`rule`]).
fn negative_control<F: Real + Send + Sync, E: FnMut(&[F], &mut [F])>(
    ev: &mut Evaluator<'_, F, E>,
    x: &[F],
    f0: &[F],
    analytic: &[Vec<F>],
    config: &CheckConfig,
    report: &mut CheckReport,
) {
    if !config.negative_control {
        return;
    }
    let as_f64: Vec<Vec<f64>> = analytic
        .iter()
        .map(|row| row.iter().map(|v| f64_of(*v)).collect())
        .collect();
    let (o, i, moved) = rule::control_entry(&as_f64);
    let mut wrong = analytic.to_vec();
    wrong[o][i] += cst::<F>(moved);
    let before = ev.count;
    let mut entries = check_coordinates(ev, x, f0, &wrong, config, &[i], None);
    rule::settle(&mut entries, config);
    let verdict = entries
        .iter()
        .find(|e| e.output == o)
        .map_or(Verdict::Inconclusive, |e| e.outcome);
    report.evaluations += ev.count - before;
    let control = NegativeControl {
        output: o,
        input: i,
        moved_by: moved,
        verdict,
    };
    if !control.caught() {
        report.unsure = Some(rule::control_missed(verdict));
    }
    report.control = Some(control);
}

/// Steps 1 to 6 of the module doc for the coordinates `range`, one entry per
/// output and coordinate, then the quantized look across them.
fn check_coordinates<F: Real + Send + Sync, E: FnMut(&[F], &mut [F])>(
    ev: &mut Evaluator<'_, F, E>,
    x: &[F],
    f0: &[F],
    analytic: &[Vec<F>],
    config: &CheckConfig,
    coordinates: &[usize],
    parallel: Option<SharedEval<'_, F>>,
) -> Vec<EntryCheck> {
    let m = f0.len();
    let mut entries = Vec::with_capacity(coordinates.len() * m);
    let noise = NoiseModel::new(x, analytic, config);
    let mut quantization = Quantization::new(m);
    if noise.eager {
        noise.get(ev, x, f0);
    }
    let point = Point {
        f0,
        x,
        analytic,
        config,
        noise: &noise,
    };
    match parallel {
        Some(shared) => {
            // Coordinates are independent: each chunk runs on its own copy of x,
            // and the chunks are joined in order, so the report is the same for
            // any number of threads.
            use rayon::prelude::*;
            let chunk = (coordinates.len() / (4 * rayon::current_num_threads())).max(8);
            let parts: Vec<(Vec<EntryCheck>, usize, Quantization)> = coordinates
                .par_chunks(chunk)
                .map(|part| {
                    let mut local = |p: &[F], out: &mut [F]| shared(p, out);
                    let mut local_ev = Evaluator {
                        eval: &mut local,
                        work: x.to_vec(),
                        count: 0,
                        nonfinite: false,
                    };
                    let mut scratch = Scratch::new(m);
                    let mut out = Vec::with_capacity(part.len() * m);
                    let mut local_quantization = Quantization::new(m);
                    for &i in part {
                        check_coordinate(
                            &mut local_ev,
                            point,
                            i,
                            &mut scratch,
                            &mut out,
                            &mut local_quantization,
                        );
                    }
                    (out, local_ev.count, local_quantization)
                })
                .collect();
            for (part, count, local_quantization) in parts {
                quantization.merge(local_quantization, entries.len());
                entries.extend(part);
                ev.count += count;
            }
        }
        None => {
            let mut scratch = Scratch::new(m);
            for &i in coordinates {
                check_coordinate(ev, point, i, &mut scratch, &mut entries, &mut quantization);
            }
        }
    }
    let t = Tolerances::<F>::new(config).with_claims(&noise.so_far(f0.len()), f0);
    quantization.look_for_grid(ev, x, f0, &entries, &t);
    quantization.settle(&mut entries, &t);
    entries
}

/// What the tolerances know of f's noise at x, per output: the rounding of
/// the inputs carried through the claimed gradient, and the measured noise (0
/// where it could not be measured): [`numeric::noise`](crate::numeric::noise),
/// run at most once per check, by whichever coordinate first needs it (the same
/// values on any thread).
struct NoiseModel<F> {
    /// $\sum_j |x_j a_j|$: the inputs' rounding, $\varepsilon$ times this, reaches f.
    input: Vec<F>,
    /// Measured up front: for 1000 coordinates and more, where its 14 evaluations
    /// cost under 0.5 % of the first pass and spare every noise-bound coordinate
    /// its escalation. Otherwise on first need.
    eager: bool,
    cell: std::sync::OnceLock<Vec<F>>,
    /// f(x) evaluated again differed from $f_0$: f is nondeterministic, and
    /// the noisy stage decides (see [`noisy`]).
    nondeterministic: std::sync::atomic::AtomicBool,
}

impl<F: Real> NoiseModel<F> {
    fn new(x: &[F], analytic: &[Vec<F>], config: &CheckConfig) -> Self {
        let input = directional::carried_rounding(x, analytic)
            .into_iter()
            .map(|v| if v.is_finite() { v } else { F::zero() })
            .collect();
        Self {
            input,
            eager: config.method == Method::Auto && x.len() >= 1000,
            cell: std::sync::OnceLock::new(),
            nondeterministic: std::sync::atomic::AtomicBool::new(false),
        }
    }

    /// Whether f changed from call to call at x (known once the noise is measured).
    fn nondeterministic(&self) -> bool {
        self.nondeterministic
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    /// f at x, [`noisy::REPEATS`] times in all: the standard deviation per
    /// output if any value differs from $f_0$ (f is nondeterministic), else
    /// `None` (2 evaluations then: f(x) once more agreed).
    fn repeated<E: FnMut(&[F], &mut [F])>(
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
        for _ in 2..noisy::REPEATS {
            let mut v = vec![F::zero(); m];
            (ev.eval)(x, &mut v);
            ev.count += 1;
            samples.push(v);
        }
        let count = cst::<F>(samples.len() as f64);
        let sigma = (0..m)
            .map(|o| {
                let mean = samples.iter().fold(F::zero(), |acc, v| acc + v[o]) / count;
                let var = samples
                    .iter()
                    .fold(F::zero(), |acc, v| acc + (v[o] - mean) * (v[o] - mean))
                    / (count - F::one());
                var.sqrt()
            })
            .collect();
        self.nondeterministic
            .store(true, std::sync::atomic::Ordering::Relaxed);
        Some(sigma)
    }

    /// The noise measured so far, or 0 for each of the `m` outputs (a claim's
    /// allowance for its own rounding is then 0 too).
    fn so_far(&self, m: usize) -> Vec<F> {
        self.cell
            .get()
            .cloned()
            .unwrap_or_else(|| vec![F::zero(); m])
    }

    /// Noise beyond $2^{10}\varepsilon\nu$ is taken for kinks and capped there.
    fn capped(&self, sigma: Vec<Option<F>>, f0: &[F]) -> Vec<F> {
        let cap = cst::<F>(1024.0) * F::epsilon();
        sigma
            .into_iter()
            .zip(f0.iter().zip(&self.input))
            .map(|(v, (f, input))| v.unwrap_or(F::zero()).min(cap * (f.abs() + *input)))
            .collect()
    }

    fn get<E: FnMut(&[F], &mut [F])>(
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
                let (sigma, evaluations) = estimate_noise(&mut *ev.eval, x, f0);
                ev.count += evaluations;
                // Kinks along the sampled segment read as noise too (a hinge with
                // terms within 1e-9 of their margins measured 3.5e5 eps |f|). Rounding,
                // even through cancellation or a sum of thousands of terms, stays within
                // a few hundred eps nu (the cancelling chain loss: 230); noise beyond
                // 2^10 eps nu is taken for kinks and capped there (set atol/rtol for a
                // function noisier than that).
                self.capped(sigma, f0)
            })
            .clone()
    }
}

/// Buffers reused across coordinates (no allocation per coordinate on the pass path).
struct Scratch<F> {
    plus: Vec<F>,
    minus: Vec<F>,
    plus2: Vec<F>,
    minus2: Vec<F>,
    /// f at x - 2 h3, x - h3, x + h3, x + 2 h3: the first pass's stencil, kept for
    /// the kink analysis.
    wide: [Vec<F>; 4],
    /// f at x + 4 h3 and x - 4 h3, once evaluated for this coordinate: the
    /// fourth difference at 2 h3 (kink evidence) and the wide stencil's kinks.
    far: Option<[Vec<F>; 2]>,
    pending: Vec<bool>,
    /// Per output, what the fourth differences say of f at the first pass's
    /// scale: see [`structure_at_h3`].
    structure: Vec<Structure>,
    /// Per output, the jump of a kink at x that $n_3 - n_4$ implies, $6|n_3 - n_4|$.
    jump: Vec<F>,
}

impl<F: Real> Scratch<F> {
    fn new(m: usize) -> Self {
        Self {
            plus: vec![F::zero(); m],
            minus: vec![F::zero(); m],
            plus2: vec![F::zero(); m],
            minus2: vec![F::zero(); m],
            wide: std::array::from_fn(|_| vec![F::zero(); m]),
            far: None,
            pending: vec![false; m],
            structure: vec![Structure::Unseen; m],
            jump: vec![F::zero(); m],
        }
    }

    /// Whether a central estimate whose one-sided gaps are `gaps` may pass
    /// output `o` within `tol`: no kink was seen at the first pass's scale,
    /// or the jump seen could move a central estimate by no more than `tol`
    /// (half the jump), or these gaps are well under the jump, so that the
    /// kink lies outside their steps (a kink within them leaves a gap near
    /// its jump).
    fn kink_clear_of(&self, o: usize, gaps: &[F], tol: F) -> bool {
        let jump = self.jump[o];
        self.structure[o] != Structure::Kink
            || jump <= cst::<F>(2.0) * tol
            || (!gaps.is_empty() && gaps.iter().all(|g| g.abs() < jump / cst::<F>(4.0)))
    }
}

/// What every coordinate's check shares: the point, f there, the claimed
/// derivatives (one row per output), the settings, and f's noise.
#[derive(Clone, Copy)]
struct Point<'a, F> {
    f0: &'a [F],
    x: &'a [F],
    analytic: &'a [Vec<F>],
    config: &'a CheckConfig,
    noise: &'a NoiseModel<F>,
}

/// How often the steps shrink when f is not finite at a probe.
const DOMAIN_RETRIES: usize = 12;

/// Steps 1 to 6 of the module doc for coordinate `i`: one entry per output.
///
/// The steps scale with the coordinate's width $w_i = \max(1, |x_i|)$. Where
/// f is NaN or infinite at a probe point, the steps crossed the edge of f's
/// domain ($\ln x$ at $x = 10^{-9}$ probed at $x - 10^{-4}$): the coordinate is
/// judged again with $w_i = |x_i|$ (for $0 < |x_i| < 1$), then sixteen times
/// smaller each time, up to [`DOMAIN_RETRIES`] times. A coordinate whose
/// probes still meet a non-finite f (f is finite at x only, or on one side
/// only) is inconclusive: a domain boundary at x.
fn check_coordinate<F: Real, E: FnMut(&[F], &mut [F])>(
    ev: &mut Evaluator<'_, F, E>,
    point: Point<'_, F>,
    i: usize,
    s: &mut Scratch<F>,
    entries: &mut Vec<EntryCheck>,
    quantization: &mut Quantization,
) {
    let first = entries.len();
    let unresolved = quantization.unresolved.len();
    let xi = point.x[i].abs();
    let mut width = F::one().max(xi);
    for attempt in 0..=DOMAIN_RETRIES {
        ev.nonfinite = false;
        decide_coordinate(ev, point, i, width, s, entries, quantization);
        resolve::resolve_weak_passes(ev, point, i, width, &mut entries[first..]);
        if !ev.nonfinite {
            return;
        }
        if attempt == DOMAIN_RETRIES {
            break;
        }
        entries.truncate(first);
        quantization.unresolved.truncate(unresolved);
        width = if attempt == 0 && xi > F::zero() && xi < width {
            xi
        } else {
            width / cst::<F>(16.0)
        };
    }
    for e in &mut entries[first..] {
        e.outcome = Verdict::Inconclusive;
        e.tolerance = f64::INFINITY;
    }
}

/// Steps 1 to 5 of the module doc for coordinate `i`, stage by stage.
fn decide_coordinate<F: Real, E: FnMut(&[F], &mut [F])>(
    ev: &mut Evaluator<'_, F, E>,
    point: Point<'_, F>,
    i: usize,
    width: F,
    s: &mut Scratch<F>,
    entries: &mut Vec<EntryCheck>,
    quantization: &mut Quantization,
) {
    let Point {
        f0,
        x,
        analytic,
        config,
        noise,
    } = point;
    let m = f0.len();
    let first = entries.len();
    s.far = None;
    s.structure.iter_mut().for_each(|v| *v = Structure::Unseen);
    // Method::Ridders skips the first passes and escalates everything.
    let auto = config.method == Method::Auto;
    // The measured noise of each output: up front for Method::Ridders and for 1000
    // coordinates and more, else once the fourth-order look leaves one unsure; 0 until then.
    let measured = !auto || noise.eager;
    let sigma: Vec<F> = if measured {
        noise.get(ev, x, f0)
    } else {
        vec![F::zero(); m]
    };
    if measured && noise.nondeterministic() {
        for o in 0..m {
            let a = analytic[o][i];
            let (l, r) = (F::zero(), F::zero());
            let placeholder = entry(o, i, a, a, l, r, F::zero(), Verdict::Pass, Evidence::Noisy);
            entries.push(placeholder);
        }
        noisy::judge_noisy(
            ev,
            point,
            i,
            width,
            &sigma,
            &vec![true; m],
            &mut entries[first..],
        );
        return;
    }
    let t = Tolerances::<F>::new(config).with_claims(&sigma, f0);
    let h3 = step_within(
        DifferenceScheme::ThirdOrder.optimal_step::<F>(),
        x[i],
        width,
    );
    let mut w = Walk {
        point,
        i,
        width,
        first,
        auto,
        h3,
        sigma,
        t,
        measured,
    };
    if auto && first_pass(ev, &mut w, s, entries) {
        return;
    }
    let (h, done) = central_pass(ev, &w, s, entries);
    if done {
        return;
    }
    let look = ridders_pass(ev, &w, s, entries);
    if !s.pending.iter().any(|p| *p) {
        return;
    }
    kink_analysis(ev, &w, s, entries, quantization, h, look);
}

/// What the stages of one coordinate share, and what they learn on the way:
/// f's measured noise and the tolerances built on it.
struct Walk<'a, F> {
    point: Point<'a, F>,
    i: usize,
    /// The coordinate's width $w_i$ (see [`check_coordinate`]).
    width: F,
    /// The index of the coordinate's first entry.
    first: usize,
    /// `Method::Auto` (else `Method::Ridders` skips the first passes).
    auto: bool,
    h3: F,
    sigma: Vec<F>,
    t: Tolerances<F>,
    measured: bool,
}

/// What Ridders' extrapolation found (step 3), for the kink analysis.
struct RiddersLook<F> {
    ridders: Vec<Extrapolated<F>>,
    trusted: Vec<bool>,
    sided: Vec<(F, Vec<F>, Vec<F>)>,
}

/// Steps 1 and 1b of the module doc: the third- and fourth-order stencils at
/// $h_3$, the kink evidence of the fourth difference, and the noise measured
/// (and the noisy stage) when one output is still unsure. `true` when every
/// output is decided.
fn first_pass<F: Real, E: FnMut(&[F], &mut [F])>(
    ev: &mut Evaluator<'_, F, E>,
    w: &mut Walk<'_, F>,
    s: &mut Scratch<F>,
    entries: &mut Vec<EntryCheck>,
) -> bool {
    let Point {
        f0,
        x,
        analytic,
        config,
        noise,
    } = w.point;
    let (i, width, first, auto, h3) = (w.i, w.width, w.first, w.auto, w.h3);
    let m = f0.len();
    let input_noise = &noise.input;
    let two: F = cst(2.0);
    let mut any_pending = false;
    if auto {
        // Step 1: the third-order stencil on x - h3, x, x + h3, x + 2 h3 (3 evaluations).
        let [minus2, minus, plus, plus2] = &mut s.wide;
        ev.at(i, h3, plus);
        ev.at(i, -h3, minus);
        ev.at(i, two * h3, plus2);
        for o in 0..m {
            let a = analytic[o][i];
            let n3 = third_order(minus[o], f0[o], plus[o], plus2[o], h3);
            let scale = magnitude(&[f0[o], plus[o], minus[o], plus2[o]]) + input_noise[o];
            // Its rounding is at most 2 eps nu / h3, typically 1.18; the bar is 4 eps nu / h3,
            // or with measured noise its 1.18 sigma / h3 five times over.
            let tol = tolerance(
                config,
                &w.t,
                o,
                a,
                n3,
                w.t.bar(F::one(), scale, cst(6.0), w.sigma[o], h3),
            );
            let pass = (a - n3).abs() <= tol;
            s.pending[o] = !pass;
            any_pending |= !pass;
            entries.push(entry(
                o,
                i,
                a,
                n3,
                (f0[o] - minus[o]) / h3,
                (plus[o] - f0[o]) / h3,
                tol,
                Verdict::Pass,
                Evidence::HigherOrder,
            ));
        }
        if !any_pending {
            return true;
        }
        // Step 1b: f(x - 2 h3) completes the fourth-order central stencil (1 evaluation);
        // its gap to the third-order value bounds the latter's truncation.
        ev.at(i, -(two * h3), minus2);
        loop {
            any_pending = false;
            for o in 0..m {
                if !s.pending[o] {
                    continue;
                }
                let a = analytic[o][i];
                let [minus2, minus, plus, plus2] = s.wide.each_ref().map(|v| v[o]);
                let n3 = third_order(minus, f0[o], plus, plus2, h3);
                let n4 = fourth_order(minus2, minus, plus, plus2, h3);
                let scale = magnitude(&[f0[o], plus, minus, plus2, minus2]) + input_noise[o];
                // Rounding at most (8 + 8 + 1 + 1)/12 eps nu / h3, times `strict`; the
                // truncation left, bounded by a sixteenth of the third-order value's
                // where f follows the h^4 law at this scale (no kink within 2 h3).
                let rounding = w.t.bar(cst(1.5), scale, cst(5.0), w.sigma[o], h3);
                // (Judged again once the noise is measured: what looked like structure
                // may be noise.)
                s.structure[o] = if (n3 - n4).abs() > rounding {
                    structure_at_h3(ev, i, h3, f0, o, s, scale, w.sigma[o], &w.t)
                } else {
                    Structure::Unseen
                };
                // A kink of jump J at x gives n3 - n4 = J/6.
                s.jump[o] = cst::<F>(6.0) * (n3 - n4).abs();
                let allowance = rounding + (n3 - n4).abs() / cst::<F>(16.0);
                let tol = tolerance(config, &w.t, o, a, n4, allowance);
                if (a - n4).abs() <= tol && s.kink_clear_of(o, &[], tol) {
                    s.pending[o] = false;
                    pass_refined(&mut entries[first + o], a, n4, tol, Evidence::HigherOrder);
                }
                any_pending |= s.pending[o];
            }
            if !any_pending {
                return true;
            }
            if w.measured {
                break;
            }
            // Still unsure: measure f's noise (once per check) and look again with it,
            // for a function that loses digits inside (cancellation, long sums).
            w.sigma = noise.get(ev, x, f0);
            if noise.nondeterministic() {
                let pending = s.pending.clone();
                noisy::judge_noisy(
                    ev,
                    w.point,
                    i,
                    width,
                    &w.sigma,
                    &pending,
                    &mut entries[first..],
                );
                return true;
            }
            let fresh = Tolerances::<F>::new(config);
            w.t = std::mem::replace(&mut w.t, fresh).with_claims(&w.sigma, f0);
            w.measured = true;
        }
    }
    false
}

/// Steps 2 and 2b: central differences at $h = \varepsilon^{1/3}w_i$ and one
/// Richardson step with $2h$; a pass needs the first pass's kink evidence
/// clear of their steps. Returns $h$, and `true` when every output is decided.
fn central_pass<F: Real, E: FnMut(&[F], &mut [F])>(
    ev: &mut Evaluator<'_, F, E>,
    w: &Walk<'_, F>,
    s: &mut Scratch<F>,
    entries: &mut Vec<EntryCheck>,
) -> (F, bool) {
    let Point {
        f0,
        x,
        analytic,
        config,
        noise,
    } = w.point;
    let (i, width, first, auto) = (w.i, w.width, w.first, w.auto);
    let m = f0.len();
    let input_noise = &noise.input;
    // Step 2: central differences at their own, smaller step (2 evaluations), for
    // the coordinates the larger steps left unsure (a kink within 2 h3, or
    // high derivatives).
    let h = step_within(DifferenceScheme::Central.optimal_step::<F>(), x[i], width);
    ev.at(i, h, &mut s.plus);
    ev.at(i, -h, &mut s.minus);
    let mut any_pending = false;
    for o in 0..m {
        if auto && !s.pending[o] {
            continue;
        }
        let a = analytic[o][i];
        let c = (s.plus[o] - s.minus[o]) / (h + h);
        let left = (f0[o] - s.minus[o]) / h;
        let right = (s.plus[o] - f0[o]) / h;
        let scale = magnitude(&[f0[o], s.plus[o], s.minus[o]]) + input_noise[o];
        let tol = tolerance(
            config,
            &w.t,
            o,
            a,
            c,
            w.t.bar(F::one(), scale, cst(4.0), w.sigma[o], h),
        );
        let pass = auto && (a - c).abs() <= tol && s.kink_clear_of(o, &[right - left], tol);
        s.pending[o] = !pass;
        any_pending |= !pass;
        let here = entry(
            o,
            i,
            a,
            c,
            left,
            right,
            tol,
            Verdict::Pass,
            Evidence::Central,
        );
        if auto {
            entries[first + o] = here;
        } else {
            entries.push(here);
        }
    }
    if !any_pending {
        return (h, true);
    }
    // Step 2b: the central difference at 2h (2 evaluations) and one Richardson
    // step, c4 = (4 c(h) - c(2h)) / 3, fourth order.
    if auto {
        let two: F = cst(2.0);
        ev.at(i, two * h, &mut s.plus2);
        ev.at(i, -(two * h), &mut s.minus2);
        any_pending = false;
        for o in 0..m {
            if !s.pending[o] {
                continue;
            }
            let a = analytic[o][i];
            let c1 = (s.plus[o] - s.minus[o]) / (h + h);
            let c2 = (s.plus2[o] - s.minus2[o]) / (cst::<F>(4.0) * h);
            let c4 = (cst::<F>(4.0) * c1 - c2) / cst::<F>(3.0);
            let scale = magnitude(&[f0[o], s.plus[o], s.minus[o], s.plus2[o], s.minus2[o]])
                + input_noise[o];
            // Rounding of c4 (4/3 of c(h)'s plus a sixth of c(2h)'s, doubled) and its
            // truncation, bounded by a sixteenth of the correction it made.
            let noise = w.t.bar(cst(3.0), scale, cst(5.0), w.sigma[o], h)
                + (c1 - c4).abs() / cst::<F>(16.0);
            let tol = tolerance(config, &w.t, o, a, c4, noise);
            let gaps = [
                (s.plus[o] + s.minus[o] - two * f0[o]) / h,
                (s.plus2[o] + s.minus2[o] - two * f0[o]) / (two * h),
            ];
            if (a - c4).abs() <= tol && s.kink_clear_of(o, &gaps, tol) {
                s.pending[o] = false;
                pass_refined(&mut entries[first + o], a, c4, tol, Evidence::Central);
            }
            any_pending |= s.pending[o];
        }
        if !any_pending {
            return (h, true);
        }
    }
    (h, false)
}

/// Step 3: Ridders' extrapolation on every output of the coordinate; every
/// f it evaluates is kept (the kink analysis reads one-sided slopes from them).
fn ridders_pass<F: Real, E: FnMut(&[F], &mut [F])>(
    ev: &mut Evaluator<'_, F, E>,
    w: &Walk<'_, F>,
    s: &mut Scratch<F>,
    entries: &mut [EntryCheck],
) -> RiddersLook<F> {
    let Point {
        f0,
        x,
        analytic,
        config,
        noise,
    } = w.point;
    let (i, width, first) = (w.i, w.width, w.first);
    let m = f0.len();
    let input_noise = &noise.input;
    // Step 3: Ridders' extrapolation on all outputs of this coordinate.
    let h0 = step_within(cst::<F>(config.ridders.initial_step), x[i], width);
    let (mut plus, mut minus) = (vec![F::zero(); m], vec![F::zero(); m]);
    // Every f(x +- h) Ridders evaluates is kept: the one-sided slopes come free from them.
    let mut sided: Vec<(F, Vec<F>, Vec<F>)> = Vec::with_capacity(config.ridders.levels);
    let ridders: Vec<Extrapolated<F>> = ridders_vec(
        |hh, out: &mut [F]| {
            ev.at(i, hh, &mut plus);
            ev.at(i, -hh, &mut minus);
            for o in 0..m {
                out[o] = (plus[o] - minus[o]) / (hh + hh);
            }
            sided.push((hh, plus.clone(), minus.clone()));
        },
        m,
        h0,
        &config.ridders,
    );
    let h_min = h0 / cst::<F>(config.ridders.ratio).powi(config.ridders.levels as i32 - 1);
    let mut trusted = vec![false; m];
    for o in 0..m {
        if !s.pending[o] {
            continue;
        }
        let a = analytic[o][i];
        let r = ridders[o];
        let scale = magnitude(&[f0[o], s.plus[o], s.minus[o]]) + input_noise[o];
        trusted[o] = r.error <= w.t.trust * F::one().max(r.value.abs());
        let tol = match config.user_tolerance(f64_of(a), f64_of(r.value)) {
            Some(u) => cst(u),
            None => {
                cst::<F>(4.0) * r.error
                    + w.t.rounding(scale, w.sigma[o], h_min)
                    + w.t.relative(o) * a.abs().max(r.value.abs())
                    + w.t.tiny
            }
        };
        let e = &mut entries[first + o];
        let (left, right) = (e.left, e.right);
        *e = entry(
            o,
            i,
            a,
            r.value,
            cst(left),
            cst(right),
            tol,
            Verdict::Pass,
            Evidence::Ridders,
        );
        // Ridders' steps (from 2^-6 w_i) reach past any kink the first pass saw.
        if trusted[o] && (a - r.value).abs() <= tol && s.kink_clear_of(o, &[], tol) {
            s.pending[o] = false;
        }
    }
    RiddersLook {
        ridders,
        trusted,
        sided,
    }
}

/// Step 4: the kink analysis, shrinking the step tenfold per level (see the
/// module doc), then the decisions of [`kinks`] for every output still open.
#[allow(clippy::too_many_arguments)]
fn kink_analysis<F: Real, E: FnMut(&[F], &mut [F])>(
    ev: &mut Evaluator<'_, F, E>,
    w: &Walk<'_, F>,
    s: &mut Scratch<F>,
    entries: &mut [EntryCheck],
    quantization: &mut Quantization,
    h: F,
    look: RiddersLook<F>,
) {
    let Point {
        f0,
        x,
        analytic,
        config,
        noise,
    } = w.point;
    let (i, first) = (w.i, w.first);
    let m = f0.len();
    let input_noise = &noise.input;
    let RiddersLook {
        ridders,
        trusted,
        sided,
    } = look;
    let (mut plus, mut minus) = (vec![F::zero(); m], vec![F::zero(); m]);
    // First, the second-order one-sided slopes of the wide stencil; every value
    // of f along coordinate i, by offset, is the evidence of a quantized f.
    let (wide_kinks, mut samples) = wide_evidence(ev, w, s, h, &sided);
    let [
        mut prev_left,
        mut prev_right,
        mut prev_central,
        mut prev_rho,
    ] = level_zero(w, s, h);
    let ten: F = cst(10.0);
    let mut levels = config.kink_levels.max(1);
    // A kink between two levels' steps (a ReLU input of 1e-9 below h_3 = 6e-9)
    // leaves the gap shrinking at the last level only: up to two more levels
    // settle it, while the step stays far above the spacing of the floats at x_i.
    let most_levels = (levels + 2).min(LEVEL_CAP);
    // Per level: resolved (see `smooth_level`) and (c_k, L_k, R_k, tolerance of c_k).
    let mut history: Vec<Vec<(Option<bool>, LevelData<F>)>> = vec![Vec::with_capacity(levels); m];
    let mut gaps = vec![
        GapHistory {
            visible: false,
            seen: F::zero(),
        };
        m
    ];
    // The one-sided slopes at every step, level 0 (the first step h) included.
    let mut level_slopes: Vec<Vec<(F, F)>> = vec![vec![(F::zero(), F::zero()); m]; levels + 1];
    let mut level_steps: Vec<F> = vec![h; levels + 1];
    for o in 0..m {
        level_slopes[0][o] = ((f0[o] - s.minus[o]) / h, (s.plus[o] - f0[o]) / h);
    }
    let mut hk = h;
    let mut level = 0;
    while level < levels {
        level += 1;
        hk /= ten;
        level_steps[level] = hk;
        let mut extend = false;
        ev.at(i, hk, &mut plus);
        ev.at(i, -hk, &mut minus);
        samples.push((hk, plus.clone()));
        samples.push((-hk, minus.clone()));
        for o in 0..m {
            if !s.pending[o] {
                continue;
            }
            let a = analytic[o][i];
            let left = (f0[o] - minus[o]) / hk;
            let right = (plus[o] - f0[o]) / hk;
            let scale = magnitude(&[f0[o], plus[o], minus[o]]) + input_noise[o];
            let rho = w.t.rounding(scale, w.sigma[o], hk);
            let old_gap = (prev_right[o] - prev_left[o]).abs();
            let gap = (right - left).abs();
            let resolved = gaps[o].classify(old_gap, prev_rho[o], gap, rho);
            prev_rho[o] = rho;
            // How much the one-sided slopes still move: a bound on their truncation error.
            let drift = (left - prev_left[o])
                .abs()
                .max((right - prev_right[o]).abs());
            prev_left[o] = left;
            prev_right[o] = right;
            let c = (plus[o] - minus[o]) / (hk + hk);
            level_slopes[level][o] = (left, right);
            // c(h) = f' + C h^2: a tenth of the change since the last level bounds
            // the truncation left at h_k (ten times over).
            let here = LevelData {
                central: c,
                left,
                right,
                tolerance: rho + (c - prev_central[o]).abs() / ten,
            };
            history[o].push((resolved, here));
            prev_central[o] = c;
            if level < levels {
                continue;
            }
            // (Only where the gap collapsed to the rounding at the last level: f
            // linear through x there. A gap still shrinking towards a kink just
            // inside h_k would read as resolved on the way.)
            let shrinking_late = smooth_level(&history[o]).is_none()
                && history[o].last().is_some_and(|(r, _)| *r == Some(true))
                && gap <= rho;
            let room = hk / ten > cst::<F>(1024.0) * w.t.eps * x[i].abs();
            if shrinking_late && levels < most_levels && room {
                extend = true;
                continue;
            }
            let seen = LevelsSeen {
                i,
                f0,
                config,
                t: &w.t,
                sigma: &w.sigma,
                history: &history,
                slopes: &level_slopes,
                steps: &level_steps,
                ridders: &ridders,
                trusted: &trusted,
                sided: &sided,
            };
            let e = &mut entries[first + o];
            let last = Last {
                a,
                left,
                right,
                rho,
                drift,
                scale,
            };
            *e = match smooth_level(&history[o]) {
                Some(k) => kinks::judge_smooth(&seen, o, k, a, e.tolerance),
                None => kinks::judge_standing(&seen, o, last),
            };
            let look = kinks::LastLook {
                samples: &samples,
                wide_kink: wide_kinks[o],
                input_noise: input_noise[o],
                first,
            };
            kinks::last_looks(ev, &seen, o, x[i], e, quantization, look);
            s.pending[o] = false;
        }
        if extend {
            levels += 1;
            level_slopes.push(vec![(F::zero(), F::zero()); m]);
            level_steps.push(hk);
        }
    }
}

/// The wide stencil's evidence for step 4 (f at $x \pm h_3, \pm 2h_3$ first,
/// for `Method::Ridders`, which skipped the first pass): its kinks, and every
/// value of f along the coordinate so far.
#[allow(clippy::type_complexity)]
fn wide_evidence<F: Real, E: FnMut(&[F], &mut [F])>(
    ev: &mut Evaluator<'_, F, E>,
    w: &Walk<'_, F>,
    s: &mut Scratch<F>,
    h: F,
    sided: &[(F, Vec<F>, Vec<F>)],
) -> (Vec<Option<WideKink<F>>>, Vec<(F, Vec<F>)>) {
    let Point {
        f0,
        analytic,
        config,
        noise,
        ..
    } = w.point;
    let (i, h3) = (w.i, w.h3);
    let two: F = cst(2.0);
    if !w.auto {
        let [minus2, minus, plus, plus2] = &mut s.wide;
        ev.at(i, h3, plus);
        ev.at(i, -h3, minus);
        ev.at(i, two * h3, plus2);
        ev.at(i, -(two * h3), minus2);
    }
    let kinks = wide_stencil_kinks(ev, i, f0, analytic, &noise.input, &w.sigma, h3, s, config);
    (kinks, samples_so_far(s, h3, h, w.auto, sided))
}

/// Level 0 of the kink analysis, the central step $h$: per output the
/// left and right slopes, the central difference and the rounding $\rho(h)$.
fn level_zero<F: Real>(w: &Walk<'_, F>, s: &Scratch<F>, h: F) -> [Vec<F>; 4] {
    let (f0, input) = (w.point.f0, &w.point.noise.input);
    let outputs = 0..f0.len();
    let left = outputs.clone().map(|o| (f0[o] - s.minus[o]) / h).collect();
    let right = outputs.clone().map(|o| (s.plus[o] - f0[o]) / h).collect();
    let central = outputs
        .clone()
        .map(|o| (s.plus[o] - s.minus[o]) / (h + h))
        .collect();
    let rho = outputs
        .map(|o| {
            let scale = magnitude(&[f0[o], s.plus[o], s.minus[o]]) + input[o];
            w.t.rounding(scale, w.sigma[o], h)
        })
        .collect();
    [left, right, central, rho]
}

/// Every value of f the earlier stages took along the coordinate, by offset:
/// the wide stencil, the central steps, and Ridders' steps.
fn samples_so_far<F: Real>(
    s: &Scratch<F>,
    h3: F,
    h: F,
    auto: bool,
    sided: &[(F, Vec<F>, Vec<F>)],
) -> Vec<(F, Vec<F>)> {
    let two: F = cst(2.0);
    let mut samples: Vec<(F, Vec<F>)> = vec![
        (-(two * h3), s.wide[0].clone()),
        (-h3, s.wide[1].clone()),
        (h3, s.wide[2].clone()),
        (two * h3, s.wide[3].clone()),
        (h, s.plus.clone()),
        (-h, s.minus.clone()),
    ];
    if auto {
        samples.push((two * h, s.plus2.clone()));
        samples.push((-(two * h), s.minus2.clone()));
    }
    for (hh, p, q) in sided {
        samples.push((*hh, p.clone()));
        samples.push((-*hh, q.clone()));
    }
    samples
}

/// What the kink analysis' levels have shown of one output's gap
/// $G_k = |R_k - L_k|$ so far.
#[derive(Debug, Clone, Copy)]
struct GapHistory<F> {
    /// A gap stood clear of its level's noise: from then on, noise explains
    /// nothing away.
    visible: bool,
    /// The largest gap that stood clear of its level's noise.
    seen: F,
}

impl<F: Real> GapHistory<F> {
    /// Level $k$ against level $k - 1$: `Some(true)` resolved (the gap shrank
    /// below $0.3\,G_{k-1}$, or f is linear through x at both scales where this
    /// level would show the largest kink seen), `Some(false)` a kink within
    /// $h_k$, `None` this step's noise is too large to tell.
    fn classify(&mut self, old_gap: F, old_rho: F, gap: F, rho: F) -> Option<bool> {
        let shrink: F = cst(0.3);
        if old_gap > cst::<F>(2.0) * old_rho {
            self.visible = true;
            self.seen = self.seen.max(old_gap);
        }
        if !self.visible {
            return Some(gap <= shrink * old_gap + rho);
        }
        let linear_twice = gap <= rho && old_gap <= old_rho;
        let sees_kink = rho < shrink * self.seen;
        if gap + rho <= shrink * old_gap || (sees_kink && linear_twice) {
            Some(true)
        } else if gap - rho > shrink * old_gap {
            Some(false)
        } else {
            None
        }
    }
}

/// A kink the wide stencil's second-order one-sided slopes see, with the
/// analytic value between them.
#[derive(Debug, Clone, Copy)]
struct WideKink<F> {
    left: F,
    right: F,
    nearest: F,
    tolerance: F,
}

/// The kink test at the first pass's wide steps, for the outputs still pending
/// (2 more evaluations, at $x \pm 4h_3$).
///
/// The second-order one-sided slopes
/// $R_2(h) = (-3f_0 + 4f(x+h) - f(x+2h))/2h$ and
/// $L_2(h) = (3f_0 - 4f(x-h) + f(x-2h))/2h$ have the gap
/// $G(h) = R_2 - L_2 = -\tfrac12 h^3 f^{(4)} + O(h^5)$ on a smooth function,
/// and $J + O(h^3)$ across a kink at $x$ with jump $J$ in the derivative. At
/// $h_3 = \varepsilon^{1/4}$ their rounding ($8\varepsilon\nu/h_3$) is
/// hundreds of times below that of the plain slopes at the kink analysis' small
/// steps, so a jump too small for those (a hinge term at its margin with
/// $p_j p_y \approx 10^{-9}$) still shows. A kink is reported when the gap stands
/// clear of its rounding and keeps its size from $h_3$ to $2h_3$ (a smooth gap
/// grows eightfold), and the analytic value lies between $L_2(h_3)$ and
/// $R_2(h_3)$, widened by their rounding. Both slopes carry the same
/// truncation $-\tfrac13 h^2 f'''$, removed through the kink-blind
/// $c(h_3) - c_4(h_3) = \tfrac16 h^2 f''' + O(h^4)$ (central stencils are odd
/// and do not see the even part $\tfrac J2 |t|$ of a kink); what is left,
/// $\pm\tfrac14 h^3 f^{(4)}$, is bounded by the gap's growth from $h_3$ to $2h_3$.
/// A jump $\Delta f''$ at the kink is odd ($\tfrac14\Delta f''\,t|t|$), so the
/// central stencils see it: $2(c - c_4)$ carries $\Delta f''\,h_3/6$ besides
/// the curvature term. Each side's one-sided second differences
/// $S_\pm(h) = (f(x\pm2h) - 2f(x\pm h) + f_0)/h^2$ at $h_3$ and $2h_3$ give its
/// $f''$ as $2S_\pm(h_3) - S_\pm(2h_3)$, and the shift is removed (what is
/// left of it is of order $h^3 f^{(4)}$ too, and its rounding about
/// $3\varepsilon\nu/h_3$).
#[allow(clippy::too_many_arguments)]
fn wide_stencil_kinks<F: Real, E: FnMut(&[F], &mut [F])>(
    ev: &mut Evaluator<'_, F, E>,
    i: usize,
    f0: &[F],
    analytic: &[Vec<F>],
    input_noise: &[F],
    sigma: &[F],
    h3: F,
    s: &mut Scratch<F>,
    config: &CheckConfig,
) -> Vec<Option<WideKink<F>>> {
    let t = Tolerances::<F>::new(config).with_claims(sigma, f0);
    let m = f0.len();
    let (two, three, four, six) = (cst::<F>(2.0), cst::<F>(3.0), cst::<F>(4.0), cst::<F>(6.0));
    let [plus4, minus4] = far_values(ev, i, h3, s);
    let [minus2, minus, plus, plus2] = &s.wide;
    (0..m)
        .map(|o| {
            if !s.pending[o] {
                return None;
            }
            let a = analytic[o][i];
            // Both slopes carry -h^2 f'''/3; central stencils, odd and so blind to the
            // kink's even part J|t|/2, measure it: c(h3) - c4(h3) = h^2 f'''/6 + O(h^4).
            let central = (plus[o] - minus[o]) / (two * h3);
            let c4 = fourth_order(minus2[o], minus[o], plus[o], plus2[o], h3);
            // A jump of f'' at the kink too (a ReLU unit switching on adds curvature)
            // is odd, t|t| Delta f''/4, and central stencils see it: c - c4 carries
            // Delta f'' h3 / 12 besides h3^2 f''' / 6. Each side's f'' is its second
            // difference at h3 and 2h3, freed of the f''' term by one Richardson step.
            let side = |near: F, far: F, farthest: F| {
                let at_h = (far - two * near + f0[o]) / (h3 * h3);
                let at_2h = (farthest - two * far + f0[o]) / (four * h3 * h3);
                two * at_h - at_2h
            };
            let bend = side(plus[o], plus2[o], plus4[o]) - side(minus[o], minus2[o], minus4[o]);
            let curvature = two * (central - c4) - bend * h3 / six;
            let left = (three * f0[o] - four * minus[o] + minus2[o]) / (two * h3) + curvature;
            let right = (-three * f0[o] + four * plus[o] - plus2[o]) / (two * h3) + curvature;
            let gap = right - left;
            let gap_wide = (four * (plus2[o] + minus2[o]) - (plus4[o] + minus4[o]) - six * f0[o])
                / (four * h3);
            let scale = magnitude(&[
                f0[o], plus[o], minus[o], plus2[o], minus2[o], plus4[o], minus4[o],
            ]) + input_noise[o];
            // Rounding of the gap at h3 (coefficients 16 / 2h3), times `strict`.
            // (Measured noise: the gap's is sqrt(16+16+1+1+36)/2 = 4.2 sigma / h3.)
            let noise = t.bar(cst(8.0), scale, cst(20.0), sigma[o], h3);
            let visible = gap.abs() > four * noise;
            let steady = (gap_wide - gap).abs() <= cst::<F>(0.3) * gap.abs() + noise;
            if !(visible && steady) {
                return None;
            }
            // Left: rounding (slope 8 / 2h3, curvature 5 / h3 at most, times `strict`;
            // the f''-jump shift adds about 3 eps nu / h3), and the slopes' h^3 f''''/4
            // each, a seventh of the gap's growth to 2 h3 (twice over; the shift's own
            // remainder is of that order too).
            let slope_error = t.bar(cst(10.0), scale, cst(20.0), sigma[o], h3)
                + (gap_wide - gap).abs() / cst::<F>(7.0);
            let tolerance = tolerance(config, &t, o, a, left.abs().max(right.abs()), slope_error);
            let (lo, hi) = if left <= right {
                (left, right)
            } else {
                (right, left)
            };
            let inside = a >= lo - tolerance && a <= hi + tolerance;
            inside.then_some(WideKink {
                left,
                right,
                nearest: if (a - left).abs() <= (a - right).abs() {
                    left
                } else {
                    right
                },
                tolerance,
            })
        })
        .collect()
}

/// f at $x \pm 4h_3$ (2 evaluations, once per coordinate).
fn far_values<F: Real, E: FnMut(&[F], &mut [F])>(
    ev: &mut Evaluator<'_, F, E>,
    i: usize,
    h3: F,
    s: &mut Scratch<F>,
) -> [Vec<F>; 2] {
    if s.far.is_none() {
        let m = s.plus.len();
        let four = cst::<F>(4.0);
        let (mut plus4, mut minus4) = (vec![F::zero(); m], vec![F::zero(); m]);
        ev.at(i, four * h3, &mut plus4);
        ev.at(i, -(four * h3), &mut minus4);
        s.far = Some([plus4, minus4]);
    }
    s.far.clone().unwrap_or_default()
}

/// What the fourth differences say of f along a coordinate at the first
/// pass's scale $h_3$.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Structure {
    /// Not looked at: $|n_3 - n_4|$ (the fourth difference over $12h_3$) is
    /// within its rounding, so no kink of consequence lies within $2h_3$.
    Unseen,
    /// The fourth difference follows the $h^4$ law from $h_3$ to $2h_3$:
    /// f is smooth there, and $|n_3 - n_4|/16$ bounds $n_4$'s truncation.
    Smooth,
    /// It does not (a kink within $4h_3$ makes it grow like $h$, not $h^4$):
    /// no central estimate is trusted to pass a claim; the kink analysis decides.
    Kink,
}

/// The kink evidence of the first pass (2 evaluations, at $x \pm 4h_3$, once
/// per coordinate): with $\Delta_4(h) = f(2h) - 4f(h) + 6f_0 - 4f(-h) + f(-2h)$,
/// $n_3 - n_4 = -\Delta_4(h_3)/12h_3$. On a smooth f, $\Delta_4(h) = h^4 f'''' +
/// O(h^6)$ and $\Delta_4(2h_3) \approx 16\,\Delta_4(h_3)$; across a kink of jump
/// $J$ within the stencil, $\Delta_4$ is of order $Jh$ and the ratio is near 2.
/// Kink when $\Delta_4$ grows between one and four times with the same sign
/// and stands above twice its rounding ($16\varepsilon\nu$ times `strict`, or
/// its noise); smooth otherwise, since beyond its asymptotic range a smooth f
/// gives any ratio. A kink at $d$ from x with $d$ a sizeable fraction of $h_3$
/// gives other ratios (16 at $d = 0.62h_3$, where $n_4$ is off by $0.14J$ while
/// $|n_3 - n_4|/16$ allows $0.0007J$): a known limit, a claim equal to that
/// wrong $n_4$ passes; the tests hold kinks within $10^{-2}h_3$ of x.
#[allow(clippy::too_many_arguments)]
fn structure_at_h3<F: Real, E: FnMut(&[F], &mut [F])>(
    ev: &mut Evaluator<'_, F, E>,
    i: usize,
    h3: F,
    f0: &[F],
    o: usize,
    s: &mut Scratch<F>,
    scale: F,
    sigma: F,
    t: &Tolerances<F>,
) -> Structure {
    let [plus4, minus4] = far_values(ev, i, h3, s);
    let [minus2, minus, plus, plus2] = &s.wide;
    let (four, six) = (cst::<F>(4.0), cst::<F>(6.0));
    let fourth = |m2: F, m1: F, p1: F, p2: F| p2 - four * p1 + six * f0[o] - four * m1 + m2;
    let near = fourth(minus2[o], minus[o], plus[o], plus2[o]);
    let far = fourth(minus4[o], minus2[o], plus2[o], plus4[o]);
    // Rounding of a fourth difference: 16 eps nu, times `strict`, or its noise
    // sqrt(1 + 16 + 36 + 16 + 1) = 8.4 sigma, five times over.
    let rounding = t.bar(cst(16.0), scale, cst(42.0), sigma, F::one());
    // A kink's signature: growth between 1 and 4 times with the same sign (2 for
    // a kink at x or within a few percent of h3 of it). Anything else is taken
    // for smooth: sixteenfold in the asymptotic range, and any ratio beyond it
    // (e^t at h3 = 0.84 gives 23; a logistic at h3 = 0.85, an f32 step at
    // |x_i| = 45, turns sign).
    let kink_like = far.signum() == near.signum()
        && far.abs() >= near.abs()
        && far.abs() <= cst::<F>(4.0) * near.abs();
    if kink_like && near.abs() > cst::<F>(2.0) * rounding {
        Structure::Kink
    } else {
        Structure::Smooth
    }
}

/// What one kink-analysis level measured: the central difference, the
/// one-sided slopes, and the central difference's tolerance.
#[derive(Debug, Clone, Copy)]
struct LevelData<F> {
    central: F,
    left: F,
    right: F,
    tolerance: F,
}

/// The index of the level whose data decide a coordinate that counts as
/// smooth, or `None` for a kink. A resolved level only says the gap shrank
/// since the level before (a kink, or the curvature, left it); the *last*
/// resolved level of the final run is the one least likely to still straddle a
/// kink. Without any sign of a kink (no level where the gap stood), that level,
/// or else level 1. After a sign of a kink, the shrink must show at two levels:
/// one lucky ratio does not explain a kink away.
fn smooth_level<F: Copy>(history: &[(Option<bool>, LevelData<F>)]) -> Option<usize> {
    let last_resolved = |from: usize| {
        history[from..]
            .iter()
            .rposition(|(r, _)| *r == Some(true))
            .map(|k| from + k)
    };
    match history.iter().rposition(|(r, _)| *r == Some(false)) {
        None => last_resolved(0).or(if history.is_empty() { None } else { Some(0) }),
        Some(last_kink) => {
            let after = &history[last_kink + 1..];
            let resolved = after.iter().filter(|(r, _)| *r == Some(true)).count();
            if resolved >= 2 {
                last_resolved(last_kink + 1)
            } else {
                None
            }
        }
    }
}

/// A pass by a refined estimate `n`: the entry keeps its one-sided slopes.
fn pass_refined<F: Real>(e: &mut EntryCheck, a: F, n: F, tol: F, evidence: Evidence) {
    let (left, right) = (e.left, e.right);
    *e = entry(
        e.output,
        e.input,
        a,
        n,
        cst(left),
        cst(right),
        tol,
        Verdict::Pass,
        evidence,
    );
}

fn tolerance<F: Real>(
    config: &CheckConfig,
    t: &Tolerances<F>,
    o: usize,
    a: F,
    n: F,
    rounding: F,
) -> F {
    match config.user_tolerance(f64_of(a), f64_of(n)) {
        Some(u) => cst(u),
        None => rounding + t.relative(o) * a.abs().max(n.abs()) + t.tiny,
    }
}

#[allow(clippy::too_many_arguments)]
fn entry<F: Real>(
    output: usize,
    input: usize,
    a: F,
    n: F,
    left: F,
    right: F,
    tol: F,
    outcome: Verdict,
    evidence: Evidence,
) -> EntryCheck {
    let (a, n) = (f64_of(a), f64_of(n));
    let abs_error = (a - n).abs();
    let denom = a.abs().max(n.abs());
    EntryCheck {
        output,
        input,
        analytic: a,
        numeric: n,
        left: f64_of(left),
        right: f64_of(right),
        abs_error,
        rel_error: if denom > 0.0 { abs_error / denom } else { 0.0 },
        tolerance: f64_of(tol),
        outcome,
        evidence,
    }
}
