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
}

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

    /// Rejects negative or non-finite tolerances and zero direction counts.
    pub(crate) fn validate(&self) -> Result<()> {
        for (name, value) in [("atol", self.atol), ("rtol", self.rtol)] {
            if let Some(v) = value
                && !(v.is_finite() && v >= 0.0)
            {
                return Err(OracleError::InvalidParameter {
                    name: name.into(),
                    reason: format!("must be a finite number >= 0, got {v}"),
                });
            }
        }
        if self.directions == Some(0) {
            return Err(OracleError::InvalidParameter {
                name: "directions".into(),
                reason: "the fast mode needs at least one direction".into(),
            });
        }
        let r = &self.ridders;
        if !(r.initial_step.is_finite()
            && r.initial_step > 0.0
            && r.ratio.is_finite()
            && r.ratio > 1.0
            && r.levels >= 2)
        {
            return Err(OracleError::InvalidParameter {
                name: "ridders".into(),
                reason: format!("needs initial_step > 0, ratio > 1 and levels >= 2, got {r:?}"),
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
