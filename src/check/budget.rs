//! The noise and tolerance budget: every stage's error bar is built here, and
//! one function, `tolerance`, turns a stage's rounding term into the
//! tolerance it compares with (or the user's `atol`/`rtol`).
//!
//! With $\varepsilon$ the machine epsilon, $f_0 = f(x)$, the claimed gradient
//! $a$, the noise scale $\nu$ = the largest $|f|$ among the values involved
//! plus $\sum_j |x_j a_j|$ (the rounding of the inputs carried through $a$),
//! in `f32` until the noise is measured, $\sum_j|x_ja_j|$ raised to f's
//! rounding measured at x over $2\varepsilon$ where that is larger
//! (`value_rounding.rs`: a cancelling f rounds far above $\varepsilon|f|$),
//! $\hat\sigma$ the **measured noise** of $f$ at $x$
//! ([`numeric::noise`](crate::numeric::noise): ECnoise on each side of $x$, 112 to 448
//! evaluations, or a staircase's quantum over $\sqrt{12}$ where f moves in whole
//! quanta; capped at $2^{10}\varepsilon\nu$ since kinks along the sampled
//! segment read as noise too; run once per check: up front for 1000 coordinates and more,
//! otherwise only when some coordinate is still unsure after step 1b; 0 until
//! measured), and the rounding scale
//! $\rho(h) = \max(16\,\varepsilon\nu,\ 8\hat\sigma) / h$.
//!
//! A tolerance is the stage's bar (rounding and noise over the step, plus its
//! truncation estimate) $+$ the relative floor $64\varepsilon\max(|a|,|n|)$
//! $+$ the smallest normal number.
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
//! Cost on a smooth function with a correct gradient: $2n + 1$ evaluations
//! where the two-point look decides (plain central differences' count), 3
//! more for each coordinate it leaves to the first pass (a coordinate whose
//! bar there, foreseen from f(x), would not resolve its claim skips the look:
//! 3 in all), plus 1 for each unsure after that,
//! 112 to 448 once per check for the noise (up front from $n = 1000$, else when a
//! coordinate is still unsure), and 4, 8 (and 10) more for each one unsure
//! after that; 6 for each coordinate with a pass that does not resolve its claim.
//! In `f32` the two-point look does not run (4 per coordinate at least), and
//! f's rounding is measured once per check (8, `value_rounding.rs`).

use super::{CheckConfig, f64_of};
use crate::float::{Real, cst};

/// The tolerance constants of the module doc, in the float type.
pub(super) struct Tolerances<F> {
    pub(super) eps: F,
    pub(super) noise: F,
    pub(super) floor: F,
    /// The smallest normal number: below it values underflow gradually and keep
    /// no relative precision, so derivatives that small cannot be told apart.
    pub(super) tiny: F,
    pub(super) trust: F,
    pub(super) strict: F,
    /// Per output, the claim's own relative rounding: $2\hat\sigma/|f_0|$ (empty
    /// or 0 until the noise is measured). See [`Tolerances::with_claims`].
    pub(super) claim: Vec<F>,
    /// Per output, the claim's absolute rounding allowance, measured once per
    /// check (see `claim.rs`).
    pub(super) claim_rows: Vec<F>,
}

impl<F: Real> Tolerances<F> {
    /// The floor is $64\varepsilon$ relative; `claim_rows` is each output's
    /// absolute allowance for the claim's rounding (`claim.rs`: the declared
    /// rounding of a claim computed in a coarser float type than f, see
    /// [`check_gradient_mixed`](crate::check_gradient_mixed), and the measured one).
    pub(super) fn new(claim_rows: &[F]) -> Self {
        let eps = F::epsilon();
        Self {
            eps,
            noise: cst(16.0),
            floor: cst::<F>(64.0) * eps,
            tiny: F::min_positive_value(),
            trust: eps.sqrt(),
            strict: cst(4.0),
            claim: Vec::new(),
            claim_rows: claim_rows.to_vec(),
        }
    }

    /// The absolute floor of output `o`: the smallest normal number plus the
    /// claim's measured rounding.
    pub(super) fn absolute(&self, o: usize) -> F {
        self.tiny + self.claim_rows.get(o).copied().unwrap_or(F::zero())
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
    pub(super) fn with_claims(mut self, sigma: &[F], f0: &[F]) -> Self {
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

    /// The absolute allowance of each output raised by `floor` (a slope
    /// error measured along the coordinate judged: `rounding_look.rs`).
    pub(super) fn with_floor(mut self, floor: &[F]) -> Self {
        for (row, v) in self.claim_rows.iter_mut().zip(floor) {
            *row += *v;
        }
        self
    }

    /// The relative floor of output `o`: $64\varepsilon$ plus the claim's own rounding.
    pub(super) fn relative(&self, o: usize) -> F {
        self.floor + self.claim.get(o).copied().unwrap_or(F::zero())
    }

    /// $16 \rho(h)$ for function values of magnitude `scale`, or 8 times the
    /// measured noise `sigma` (a slope's noise is $\sqrt2\,\sigma/h$), whichever is larger.
    pub(super) fn rounding(&self, scale: F, sigma: F, h: F) -> F {
        (self.noise * self.eps * scale).max(cst::<F>(8.0) * sigma) / h
    }

    /// A first-pass bar: `coefficient` eps `scale` or `k` times the measured noise.
    pub(super) fn bar(&self, coefficient: F, scale: F, k: F, sigma: F, h: F) -> F {
        (coefficient * self.strict * self.eps * scale).max(k * sigma) / h
    }
}

/// The bare rounding of a one-sided slope at step `h`: two units of f's
/// last place at `scale`, or twice its measured noise `sigma`, over `h`
/// (what the slopes' rounding typically is; the stages' bars are 8 to 16
/// times it).
pub(super) fn bare_rounding<F: Real>(scale: F, sigma: F, h: F) -> F {
    let two: F = cst(2.0);
    (two * F::epsilon() * scale).max(two * sigma) / h
}

/// Whether the float type is `f32` or coarser: its rounding is then the
/// size of the errors a check must catch (the two-point look does not run),
/// and an intermediate rounded to `f32` is f's own type (no coarse noise
/// reading looks for one).
pub(super) fn f32_or_coarser<F: Real>() -> bool {
    F::epsilon() >= cst(f64::from(f32::EPSILON))
}

pub(super) fn magnitude<F: Real>(values: &[F]) -> F {
    values.iter().fold(F::zero(), |acc, v| acc.max(v.abs()))
}

pub(super) fn tolerance<F: Real>(
    config: &CheckConfig,
    t: &Tolerances<F>,
    o: usize,
    a: F,
    n: F,
    rounding: F,
) -> F {
    match config.user_tolerance(f64_of(a), f64_of(n)) {
        Some(u) => cst(u),
        None => rounding + t.relative(o) * a.abs().max(n.abs()) + t.absolute(o),
    }
}

/// The two measured rounding terms of the budget, per output: the claim's
/// absolute allowance (`claim.rs`) and the scale at which f's values round
/// (`value_rounding.rs`; empty in `f64`).
pub(super) struct MeasuredRounding<F> {
    /// Per output, the claim's absolute rounding allowance.
    pub(super) claim: Vec<F>,
    /// Per output, the scale $r_o/2\varepsilon$ of f's rounding measured at x
    /// (`value_rounding.rs`; empty in `f64`).
    pub(super) value: Vec<F>,
    /// Per output and entry, how much the claim's own jumps could explain
    /// (`claim.rs`, [`rule::settle`](super::rule::settle)).
    pub(super) jump_doubt: Vec<Vec<f64>>,
    /// Per output, f's noise read by ECnoise before the fast mode's
    /// directions above `LOCALIZE_ABOVE` inputs (`noise_reading.rs`): a sum
    /// of $n$ terms rounds near $\sqrt n\,\varepsilon|f|$, not $\varepsilon|f|$,
    /// and the directions have no other measure of it. Empty otherwise.
    pub(super) noise: Vec<F>,
}

impl<F: Real> MeasuredRounding<F> {
    /// The measured noise of output `o` (0 where none was read).
    pub(super) fn noise(&self, o: usize) -> F {
        self.noise.get(o).copied().unwrap_or(F::zero())
    }
}

/// Per output, $\sum_i |x_i g_i|$: $\varepsilon$ times this is the inputs'
/// rounding carried through the claim into f.
pub(super) fn carried_rounding<F: Real>(x: &[F], analytic: &[Vec<F>]) -> Vec<F> {
    analytic
        .iter()
        .map(|row| {
            row.iter()
                .zip(x)
                .fold(F::zero(), |acc, (a, xi)| acc + (*a * *xi).abs())
        })
        .collect()
}

/// Per output, the part of $\nu$ beyond $|f|$ before the noise is measured:
/// the `carried` rounding ([`carried_rounding`]), raised to f's rounding
/// measured at x (`measured[o]`, `value_rounding.rs`; empty in `f64`) where
/// that is larger.
pub(super) fn carried_before_noise<F: Real>(carried: &[F], measured: &[F]) -> Vec<F> {
    carried
        .iter()
        .enumerate()
        .map(|(o, c)| c.max(measured.get(o).copied().unwrap_or(F::zero())))
        .collect()
}
