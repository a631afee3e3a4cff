//! The one judgement both adapters make once they hold the flat parameters,
//! the framework's gradient and a way to evaluate the loss: the precision
//! rule of the [module docs](super).

use crate::check::{
    CheckConfig, NamedReport, ParameterLayout, check_gradient, check_gradient_mixed,
};
use crate::error::Result;

/// The parameters' element type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Precision {
    /// `f32` parameters and gradient.
    F32,
    /// `f64` parameters and gradient.
    F64,
}

/// What the adapter hands over: the parameters (flat, in `f64`, exact for
/// `f32` ones), the framework's gradient, and the loss evaluated with
/// parameters and graph in `f64` and in `f32` (`Err` where the graph does
/// not run in that type).
/// The framework's gradient at given flat parameters.
pub(crate) type GradientAt<'a> = dyn Fn(&[f64]) -> Result<Vec<f64>> + 'a;

pub(crate) struct Flat<'a> {
    pub layout: ParameterLayout,
    pub x: Vec<f64>,
    pub claim: Vec<f64>,
    pub precision: Precision,
    pub in_f64: &'a dyn Fn(&[f64]) -> Result<f64>,
    pub in_f32: &'a dyn Fn(&[f32]) -> Result<f32>,
    /// The framework's gradient at other parameters, where the adapter can
    /// run its backward pass there: the checker then measures the claim's
    /// rounding (the gradient at points moved by an ulp or two). `None`: the
    /// claim is taken as fixed, allowed only its declared rounding.
    pub claim_at: Option<&'a GradientAt<'a>>,
}

/// `f64`: the plain check. `f32`: the mixed check where the graph runs in
/// `f64` at the point, else the check in `f32`, the reason stated.
pub(crate) fn judge(flat: Flat<'_>, config: &CheckConfig) -> Result<NamedReport> {
    let in_f64 = |p: &[f64]| (flat.in_f64)(p).unwrap_or(f64::NAN);
    let (report, precision) = match flat.precision {
        Precision::F64 => {
            let claim = &flat.claim;
            let report = check_gradient(&in_f64, &|_: &[f64]| claim.clone(), &flat.x, config)?;
            (report, "f64".to_string())
        }
        Precision::F32 => {
            let x32: Vec<f32> = flat.x.iter().map(|v| *v as f32).collect();
            let claim32: Vec<f32> = flat.claim.iter().map(|v| *v as f32).collect();
            // At x the gradient already computed; elsewhere the framework's
            // backward pass again, when the adapter offers it (a failure there
            // leaves the claim fixed: no measured rounding, never a panic).
            let claim = |p: &[f32]| {
                // (Bitwise: the point itself, not a point near it.)
                let at_x = p.len() == flat.x.len()
                    && p.iter()
                        .zip(&flat.x)
                        .all(|(a, b)| f64::from(*a).to_bits() == b.to_bits());
                match flat.claim_at {
                    Some(at) if !at_x => {
                        let p64: Vec<f64> = p.iter().map(|v| f64::from(*v)).collect();
                        at(&p64).map_or_else(
                            |_| claim32.clone(),
                            |g| g.iter().map(|v| *v as f32).collect(),
                        )
                    }
                    _ => claim32.clone(),
                }
            };
            match (flat.in_f64)(&flat.x) {
                Ok(v) if v.is_finite() => {
                    let report = check_gradient_mixed(&in_f64, &claim, &x32, config)?;
                    (
                        report,
                        "f32 gradient, the graph evaluated in f64".to_string(),
                    )
                }
                other => {
                    let why = other
                        .map_or_else(|e| first_line(&e.to_string()), |v| format!("it gives {v}"));
                    let in_f32 = |p: &[f32]| (flat.in_f32)(p).unwrap_or(f32::NAN);
                    let report = check_gradient(&in_f32, &claim, &x32, config)?;
                    (
                        report,
                        format!("f32 throughout (the graph does not run in f64: {why})"),
                    )
                }
            }
        }
    };
    Ok(NamedReport {
        report,
        layout: flat.layout,
        precision,
    })
}

/// A framework's error in one line: its first non-empty line (candle appends
/// a backtrace of thirty lines to some of its errors).
pub(crate) fn first_line(message: &str) -> String {
    message
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("")
        .to_string()
}
