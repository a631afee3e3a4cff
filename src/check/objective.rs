//! Checking one of the sheet's models: its hand-derived derivative
//! ([`Objective::gradient`], [`Objective::jacobian`]) against finite
//! differences of its value, by [`check_gradient`] for a loss and
//! [`check_jacobian`] for softmax.

use super::diagnose::COMPOUND_KINK;
use super::{
    CheckConfig, CheckReport, Verdict, check_gradient, check_hessian, check_hvp, check_jacobian,
};
use crate::error::Result;
use crate::models::objective::Objective;
use crate::models::softmax::{softmax_jacobian, softmax_unchecked};

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
    let mut report = if objective.is_scalar() {
        let claim = objective.gradient(x)?;
        check_gradient(
            &|p: &[f64]| objective.loss(p),
            &|_: &[f64]| claim.clone(),
            x,
            config,
        )?
    } else {
        let claim = objective.jacobian(x)?;
        check_jacobian(
            &|p: &[f64]| objective.values(p),
            &|_: &[f64]| claim.clone(),
            x,
            config,
        )?
    };
    explain_compound_kink(objective, x, &mut report);
    Ok(report)
}

/// A Fail where several of the model's switching quantities are 0 says so:
/// there the hand-derived (autodiff-convention) value need not be a
/// derivative at all, even when the one-sided slopes agree.
fn explain_compound_kink(objective: &Objective, x: &[f64], report: &mut CheckReport) {
    if report.verdict() != Verdict::Fail {
        return;
    }
    let at_zero: Vec<String> = objective
        .kinks(x)
        .into_iter()
        .filter(|k| k.value == 0.0)
        .map(|k| k.location)
        .collect();
    if at_zero.len() < 2 {
        return;
    }
    let named = format!(
        "a compound kink: {} switch here at once",
        at_zero.join(", ")
    );
    report.diagnosis = Some(match report.diagnosis.take() {
        Some(d) if d.contains(COMPOUND_KINK) => format!("{named}; {d}"),
        Some(d) => format!("{named}; {COMPOUND_KINK}; {d}"),
        None => format!("{named}; {COMPOUND_KINK}"),
    });
}

/// Checks the model's hand-derived second derivatives at `x`: the chain's
/// closed-form Hessian and the hinge's with [`check_hessian`], the network's
/// R-operator with [`check_hvp`], and softmax's Jacobian as the Hessian of
/// log-sum-exp (whose gradient is softmax).
///
/// ```
/// use gradient_oracle::{CheckConfig, Objective, Verdict, check_objective_second_order};
/// let report = check_objective_second_order(&Objective::Softmax, &[2.0, 1.0, 0.1], &CheckConfig::default())?;
/// assert_eq!(report.verdict(), Verdict::Pass);
/// # Ok::<(), gradient_oracle::OracleError>(())
/// ```
///
/// # Errors
/// As [`check_objective`]; a chain of depth other than 3.
pub fn check_objective_second_order<X: AsRef<[f64]> + ?Sized>(
    objective: &Objective,
    x: &X,
    config: &CheckConfig,
) -> Result<CheckReport> {
    let x = x.as_ref();
    match objective {
        Objective::Softmax => {
            softmax_jacobian(x)?;
            check_hessian(
                &|o: &[f64]| softmax_unchecked(o),
                &|o: &[f64]| softmax_jacobian(o).unwrap_or_else(|_| nalgebra::DMatrix::zeros(0, 0)),
                x,
                config,
            )
        }
        Objective::Mlp { .. } => {
            objective.gradient(x)?; // the model's validation of x
            let grad = |p: &[f64]| objective.gradient(p).unwrap_or_default();
            let hvp = |p: &[f64], v: &[f64]| objective.hvp(p, v).unwrap_or_default();
            check_hvp(&grad, &hvp, x, config)
        }
        _ => {
            let claim = objective.hessian(x)?;
            let grad = |p: &[f64]| objective.gradient(p).unwrap_or_default();
            check_hessian(&grad, &|_: &[f64]| claim.clone(), x, config)
        }
    }
}
