//! Checking one of the sheet's models: its hand-derived derivative
//! ([`Objective::gradient`], [`Objective::jacobian`]) against finite
//! differences of its value, by [`check_gradient`] for a loss and
//! [`check_jacobian`] for softmax.

use super::{CheckConfig, CheckReport, check_gradient, check_jacobian};
use crate::error::Result;
use crate::models::objective::Objective;

/// Checks the model's own backward pass at `x`.
///
/// ```
/// use gradient_oracle::{CheckConfig, Objective, Verdict, check_objective};
/// let hinge = Objective::SoftmaxHinge { label: 0, margin: 1.0 };
/// let report = check_objective(&hinge, &[0.3, -1.2, 2.0], &CheckConfig::default())?;
/// assert_eq!(report.verdict(), Verdict::Pass);
/// # Ok::<(), gradient_oracle::OracleError>(())
/// ```
///
/// # Errors
/// The model's validation of `x` (see [`Objective::gradient`]) and the
/// checker's (see [`check_gradient`]).
pub fn check_objective(
    objective: &Objective,
    x: &[f64],
    config: &CheckConfig,
) -> Result<CheckReport> {
    if objective.is_scalar() {
        let claim = objective.gradient(x)?;
        check_gradient(
            &|p: &[f64]| objective.loss(p),
            &|_: &[f64]| claim.clone(),
            x,
            config,
        )
    } else {
        let claim = objective.jacobian(x)?;
        check_jacobian(
            &|p: &[f64]| objective.values(p),
            &|_: &[f64]| claim.clone(),
            x,
            config,
        )
    }
}
