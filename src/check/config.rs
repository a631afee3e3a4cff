//! The checker's settings: a small builder with documented defaults.

use crate::error::{OracleError, Result};
use crate::numeric::extrapolation::RiddersConfig;

/// How the numeric derivative is obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Method {
    /// Central differences at the optimal step (2 evaluations per coordinate);
    /// only coordinates whose first estimate is unsure escalate to Ridders'
    /// method (8 more) and then to the kink analysis (6 more). The default.
    #[default]
    Auto,
    /// Ridders' method for every coordinate (8 evaluations each), then the
    /// kink analysis where it does not pass.
    Ridders,
}

/// Settings of [`check_gradient`](crate::check_gradient) and
/// [`check_jacobian`](crate::check_jacobian).
///
/// The default tolerance is derived per coordinate from the numeric method's
/// own error estimate plus a floating-point floor of $64\,\varepsilon$ relative
/// (see [`crate::check`]); setting `atol` or `rtol` replaces it with
/// $|a - n| \le \mathrm{atol} + \mathrm{rtol}\cdot\max(|a|, |n|)$.
#[derive(Debug, Clone, Copy, PartialEq)]
#[must_use]
pub struct CheckConfig {
    /// The numeric method.
    pub method: Method,
    /// Absolute tolerance override.
    pub atol: Option<f64>,
    /// Relative tolerance override.
    pub rtol: Option<f64>,
    /// `Some(d)`: the fast mode, checking `d` random directions first
    /// (2 evaluations each) and falling back to per-coordinate checks only
    /// when one fails.
    pub directions: Option<usize>,
    /// Seed of the random directions.
    pub seed: u64,
    /// How many times the kink analysis shrinks the step by 10.
    pub kink_levels: usize,
    /// Ridders' method's settings.
    pub ridders: RiddersConfig,
    /// A [`Verdict::Kink`](crate::Verdict::Kink) outcome becomes a
    /// [`Verdict::Fail`](crate::Verdict::Fail): for code that must be
    /// differentiable where it is checked.
    pub forbid_kinks: bool,
    /// Also judge a claim known to be wrong (see
    /// [`CheckConfig::with_negative_control`]); if the check cannot catch it,
    /// the verdict is [`Verdict::Inconclusive`](crate::Verdict::Inconclusive).
    pub negative_control: bool,
    /// The claim's own relative rounding, added to every derived tolerance's
    /// relative floor: 0 when the claim is computed in f's float type;
    /// [`check_gradient_mixed`](crate::check_gradient_mixed) sets it for an
    /// `f32` claim judged against `f64` evaluations.
    pub claim_rounding: f64,
    /// The coarsest resolution a Pass may have (default $10^{-2}$):
    /// a check that could not have caught a claim wrong by this fraction of
    /// its row's largest entry
    /// ([`CheckReport::resolution`](crate::CheckReport::resolution)) is
    /// [`Verdict::Inconclusive`](crate::Verdict::Inconclusive), with the
    /// resolution it reached, instead of Pass. Each stage of the check
    /// passes an entry only with an error bar at most this fraction of its
    /// row's largest claim; a coarser bar sends the entry on to the next
    /// stage, so the resolution reported is the deciding stage's.
    /// `f64::INFINITY` turns the rule off. A report whose rows are all
    /// exactly flat (claims 0, no estimate beyond its tolerance) has no
    /// relative resolution and keeps its Pass.
    pub max_resolution: f64,
}

/// The default of [`CheckConfig::max_resolution`]: an ok verdict can tell a
/// 1 % error in its row's largest entry.
pub const DEFAULT_MAX_RESOLUTION: f64 = 1e-2;

/// The most directions the fast mode accepts: past a million, the
/// per-coordinate check is cheaper for every gradient this crate can hold.
pub const MAX_DIRECTIONS: usize = 1 << 20;

/// The most kink-analysis levels: the step shrinks tenfold per level from
/// $\varepsilon^{1/3}$, and past 12 levels it is below $10^{-17}$ of
/// $\max(1, |x_i|)$, under the spacing of the floats at $x_i$.
pub const MAX_KINK_LEVELS: usize = 12;

impl Default for CheckConfig {
    fn default() -> Self {
        Self {
            method: Method::Auto,
            atol: None,
            rtol: None,
            directions: None,
            seed: 0x5eed,
            kink_levels: 4,
            ridders: RiddersConfig::default(),
            forbid_kinks: false,
            negative_control: false,
            claim_rounding: 0.0,
            max_resolution: DEFAULT_MAX_RESOLUTION,
        }
    }
}

impl CheckConfig {
    /// Sets the method.
    pub fn with_method(mut self, method: Method) -> Self {
        self.method = method;
        self
    }

    /// Overrides the absolute tolerance.
    pub fn with_atol(mut self, atol: f64) -> Self {
        self.atol = Some(atol);
        self
    }

    /// Overrides the relative tolerance.
    pub fn with_rtol(mut self, rtol: f64) -> Self {
        self.rtol = Some(rtol);
        self
    }

    /// Turns on the directional fast mode with `count` random directions.
    pub fn directional(mut self, count: usize) -> Self {
        self.directions = Some(count);
        self
    }

    /// Sets the seed of the random directions.
    pub fn with_seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// A kink is a failure: the code under test must be differentiable at the
    /// checked point (a valid subgradient at a kink then fails).
    pub fn forbid_kinks(mut self) -> Self {
        self.forbid_kinks = true;
        self
    }

    /// Turns on the negative control: besides the claim, the check judges
    /// the claim with one entry moved by 0.1 % of the largest claimed entry
    /// (the entry is the largest claimed one, the first of them on a tie;
    /// where every claimed entry is 0, entry 0 moved by $10^{-3}$). A check
    /// that lets that known-wrong claim through cannot tell a 0.1 % error, and
    /// its verdict is [`Verdict::Inconclusive`](crate::Verdict::Inconclusive)
    /// whatever it found for the claim itself.
    pub fn with_negative_control(mut self) -> Self {
        self.negative_control = true;
        self
    }

    /// Sets the coarsest resolution a Pass may have (see
    /// [`CheckConfig::max_resolution`]).
    pub fn with_max_resolution(mut self, max_resolution: f64) -> Self {
        self.max_resolution = max_resolution;
        self
    }

    /// Rejects negative or non-finite tolerances, zero or absurd direction
    /// counts and kink levels.
    pub(crate) fn validate(&self) -> Result<()> {
        for (name, value) in [
            ("atol", self.atol),
            ("rtol", self.rtol),
            ("claim_rounding", Some(self.claim_rounding)),
        ] {
            if let Some(v) = value
                && !(v.is_finite() && v >= 0.0)
            {
                return Err(OracleError::InvalidParameter {
                    name: name.into(),
                    reason: format!("must be a finite number >= 0, got {v}"),
                });
            }
        }
        if self.max_resolution.is_nan() || self.max_resolution <= 0.0 {
            return Err(OracleError::InvalidParameter {
                name: "max_resolution".into(),
                reason: format!(
                    "must be > 0 (f64::INFINITY turns the rule off), got {}",
                    self.max_resolution
                ),
            });
        }
        if self.directions == Some(0) {
            return Err(OracleError::InvalidParameter {
                name: "directions".into(),
                reason: "the fast mode needs at least one direction".into(),
            });
        }
        if let Some(d) = self.directions
            && d > MAX_DIRECTIONS
        {
            return Err(OracleError::InvalidParameter {
                name: "directions".into(),
                reason: format!(
                    "at most {MAX_DIRECTIONS} directions (the per-coordinate check is cheaper past that), got {d}"
                ),
            });
        }
        if self.kink_levels > MAX_KINK_LEVELS {
            return Err(OracleError::InvalidParameter {
                name: "kink_levels".into(),
                reason: format!(
                    "at most {MAX_KINK_LEVELS} levels (the step would fall below the spacing of the floats), got {}",
                    self.kink_levels
                ),
            });
        }
        let r = &self.ridders;
        if !(r.initial_step.is_finite()
            && r.initial_step > 0.0
            && r.ratio.is_finite()
            && r.ratio > 1.0
            && r.levels >= 2
            && r.levels <= 32)
        {
            return Err(OracleError::InvalidParameter {
                name: "ridders".into(),
                reason: format!(
                    "needs initial_step > 0, ratio > 1 and 2 <= levels <= 32, got {r:?}"
                ),
            });
        }
        Ok(())
    }

    /// The user's tolerance for this pair, if one was set.
    /// Whether the tolerances are derived (neither `atol` nor `rtol` set).
    pub(crate) fn derives_tolerances(&self) -> bool {
        self.atol.is_none() && self.rtol.is_none()
    }

    pub(crate) fn user_tolerance(&self, analytic: f64, numeric: f64) -> Option<f64> {
        if self.derives_tolerances() {
            return None;
        }
        Some(
            self.atol.unwrap_or(0.0) + self.rtol.unwrap_or(0.0) * analytic.abs().max(numeric.abs()),
        )
    }
}
