//! Gradient checks inside proptest (feature `proptest`): strategies that aim
//! at kinks or avoid them, and assertion macros.
//!
//! ```
//! use gradient_oracle::proptest::{points_in_box, AssertConfig};
//! use gradient_oracle::prop_assert_gradient;
//! use proptest::prelude::*;
//!
//! proptest! {
//!     #![proptest_config(ProptestConfig::with_cases(16))]
//!     // `#[test]` in a test file; called by hand here.
//!     fn sin_sum(x in points_in_box(-3.0, 3.0, 4)) {
//!         let f = |x: &[f64]| x.iter().map(|v| v.sin()).sum::<f64>();
//!         let g = |x: &[f64]| x.iter().map(|v| v.cos()).collect::<Vec<_>>();
//!         prop_assert_gradient!(f, g, x);
//!         // With a config: kinks are not acceptable here.
//!         prop_assert_gradient!(f, g, x, AssertConfig::default().forbid_kinks());
//!     }
//! }
//! sin_sum();
//! ```
//!
//! - [`points_in_box`], [`points_away_from`] and [`points_on_kink`] draw
//!   points; all shrink toward a generic point of the box
//!   ([`generic_point`]), never toward 0, where kinks pile up.
//! - [`prop_assert_gradient!`](crate::prop_assert_gradient),
//!   [`prop_assert_jacobian!`](crate::prop_assert_jacobian) and
//!   [`prop_assert_hessian!`](crate::prop_assert_hessian) fail the case with
//!   the whole report. Pass is ok; Kink is ok unless
//!   [`AssertConfig::forbid_kinks`]; Fail fails; Inconclusive fails too (the
//!   check could not decide), unless [`AssertConfig::reject_inconclusive`]
//!   asks proptest to discard such cases instead.
//!
//! The proptest these work with is the one this crate depends on (1.x),
//! re-exported as [`gradient_oracle::proptest::proptest`](::proptest).

mod kinks;
mod shrink;

pub use ::proptest;
pub use kinks::{Kinks, points_away_from, points_on_kink};
pub use proptest::test_runner::TestCaseError;
pub use shrink::{BoxPoints, PointTree, generic_point, points_in_box};

use crate::Real;
use crate::check::MatrixClaim;
use crate::check::{CheckConfig, CheckReport, Verdict};

/// How the assertion macros judge a report.
#[derive(Debug, Clone, Copy, Default)]
pub struct AssertConfig {
    /// The checker's configuration.
    pub check: CheckConfig,
    /// A Kink fails the case (by default it is ok: the claim lies between
    /// the one-sided derivatives, a valid subgradient).
    pub forbid_kinks: bool,
    /// An Inconclusive check discards the case (`TestCaseError::Reject`)
    /// instead of failing it. Off by default: an oracle that could not
    /// decide has not said ok.
    pub reject_inconclusive: bool,
}

impl AssertConfig {
    /// Kinks fail the case.
    pub fn forbid_kinks(mut self) -> Self {
        self.forbid_kinks = true;
        self
    }

    /// Inconclusive checks discard the case instead of failing it.
    pub fn reject_inconclusive(mut self) -> Self {
        self.reject_inconclusive = true;
        self
    }
}

impl From<CheckConfig> for AssertConfig {
    fn from(check: CheckConfig) -> Self {
        Self {
            check,
            ..Self::default()
        }
    }
}

impl From<&CheckConfig> for AssertConfig {
    fn from(check: &CheckConfig) -> Self {
        (*check).into()
    }
}

impl From<&AssertConfig> for AssertConfig {
    fn from(config: &AssertConfig) -> Self {
        *config
    }
}

/// The case's outcome from a report.
fn judged(
    what: &str,
    report: crate::Result<CheckReport>,
    config: &AssertConfig,
) -> Result<(), TestCaseError> {
    let report = report.map_err(|e| TestCaseError::fail(format!("{what}: {e}")))?;
    match report.verdict() {
        Verdict::Pass => Ok(()),
        Verdict::Kink if !config.forbid_kinks => Ok(()),
        Verdict::Inconclusive if config.reject_inconclusive => Err(TestCaseError::reject(format!(
            "{what}: inconclusive: {}",
            report.inconclusive_reason().unwrap_or_default()
        ))),
        Verdict::Kink => Err(TestCaseError::fail(format!(
            "{what}: a kink, and the config forbids kinks\n{report}"
        ))),
        _ => Err(TestCaseError::fail(format!("{what}\n{report}"))),
    }
}

/// What [`prop_assert_gradient!`](crate::prop_assert_gradient) runs.
///
/// # Errors
/// A failed case with the whole report (or the checker's error).
pub fn gradient_holds<F, Func, Grad, X>(
    f: &Func,
    grad: &Grad,
    x: &X,
    config: &AssertConfig,
) -> Result<(), TestCaseError>
where
    F: Real,
    Func: Fn(&[F]) -> F + ?Sized,
    Grad: Fn(&[F]) -> Vec<F> + ?Sized,
    X: AsRef<[F]> + ?Sized,
{
    judged(
        "the gradient check",
        crate::check_gradient(f, grad, x, &config.check),
        config,
    )
}

/// What [`prop_assert_jacobian!`](crate::prop_assert_jacobian) runs.
///
/// # Errors
/// A failed case with the whole report (or the checker's error).
pub fn jacobian_holds<F, Func, Jac, M, X>(
    f: &Func,
    jac: &Jac,
    x: &X,
    config: &AssertConfig,
) -> Result<(), TestCaseError>
where
    F: Real,
    Func: Fn(&[F]) -> Vec<F> + ?Sized,
    Jac: Fn(&[F]) -> M + ?Sized,
    M: MatrixClaim<F>,
    X: AsRef<[F]> + ?Sized,
{
    judged(
        "the Jacobian check",
        crate::check_jacobian(f, jac, x, &config.check),
        config,
    )
}

/// What [`prop_assert_hessian!`](crate::prop_assert_hessian) runs.
///
/// # Errors
/// A failed case with the whole report (or the checker's error).
pub fn hessian_holds<F, Grad, Hess, M, X>(
    grad: &Grad,
    hess: &Hess,
    x: &X,
    config: &AssertConfig,
) -> Result<(), TestCaseError>
where
    F: Real,
    Grad: Fn(&[F]) -> Vec<F> + ?Sized,
    Hess: Fn(&[F]) -> M + ?Sized,
    M: MatrixClaim<F>,
    X: AsRef<[F]> + ?Sized,
{
    judged(
        "the Hessian check",
        crate::check_hessian(grad, hess, x, &config.check),
        config,
    )
}

/// Checks `grad` against `f` at `x` inside a proptest body: the case fails
/// with the whole report unless the check says Pass (or Kink, unless the
/// config forbids kinks). An optional fourth argument is an
/// [`AssertConfig`] or a [`CheckConfig`](crate::CheckConfig).
///
/// `prop_assert_gradient!(f, grad, x)`, `prop_assert_gradient!(f, grad, x, config)`.
#[macro_export]
macro_rules! prop_assert_gradient {
    ($f:expr, $grad:expr, $x:expr $(,)?) => {
        $crate::prop_assert_gradient!($f, $grad, $x, $crate::proptest::AssertConfig::default())
    };
    ($f:expr, $grad:expr, $x:expr, $config:expr $(,)?) => {
        $crate::proptest::gradient_holds(
            &$f,
            &$grad,
            &$x,
            &::core::convert::Into::<$crate::proptest::AssertConfig>::into($config),
        )?
    };
}

/// Checks a Jacobian (`jac` returns a `DMatrix`, `Vec<Vec<F>>` rows, or a
/// row-major `Vec<F>`) against `f` at `x` inside a proptest body; as
/// [`prop_assert_gradient!`](crate::prop_assert_gradient).
#[macro_export]
macro_rules! prop_assert_jacobian {
    ($f:expr, $jac:expr, $x:expr $(,)?) => {
        $crate::prop_assert_jacobian!($f, $jac, $x, $crate::proptest::AssertConfig::default())
    };
    ($f:expr, $jac:expr, $x:expr, $config:expr $(,)?) => {
        $crate::proptest::jacobian_holds(
            &$f,
            &$jac,
            &$x,
            &::core::convert::Into::<$crate::proptest::AssertConfig>::into($config),
        )?
    };
}

/// Checks a Hessian against differences of the gradient `grad` at `x`
/// inside a proptest body; as
/// [`prop_assert_gradient!`](crate::prop_assert_gradient).
#[macro_export]
macro_rules! prop_assert_hessian {
    ($grad:expr, $hess:expr, $x:expr $(,)?) => {
        $crate::prop_assert_hessian!($grad, $hess, $x, $crate::proptest::AssertConfig::default())
    };
    ($grad:expr, $hess:expr, $x:expr, $config:expr $(,)?) => {
        $crate::proptest::hessian_holds(
            &$grad,
            &$hess,
            &$x,
            &::core::convert::Into::<$crate::proptest::AssertConfig>::into($config),
        )?
    };
}
