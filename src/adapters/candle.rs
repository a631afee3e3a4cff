//! Checking candle's backward pass (feature `candle`).
//!
//! [`check_candle`] takes the loss as a closure of the parameter tensors and
//! the named tensors themselves. It computes candle's gradient once (each
//! parameter as a `Var`, `loss.backward()`), then evaluates the same closure
//! on perturbed copies for the finite differences:
//!
//! - `f64` parameters: [`check_gradient`](crate::check_gradient) on the flat vector;
//! - `f32` parameters: the graph evaluated in `f64` (the parameters converted
//!   exactly), the `f32` gradient judged with [`check_gradient_mixed`](crate::check_gradient_mixed);
//!   where the graph does not run in `f64` (an op or constant fixed to `f32`),
//!   in `f32`, with the resolution `f32` evaluations allow, and the reason in
//!   one line in the report's precision.
//!
//! A loss that captures `f32` input tensors (every real model's data) cannot
//! run with `f64` parameters: candle does not mix dtypes. Hand the data to
//! [`check_candle_with_data`] instead: its float tensors are cast to the
//! parameters' dtype for the backward pass and to `f64` for the `f64`
//! evaluations, so the `f32` gradient is judged by the mixed check.
//!
//! ```
//! use candle_core::{Device, Tensor};
//! use gradient_oracle::adapters::candle::check_candle;
//! use gradient_oracle::{CheckConfig, Verdict};
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let dev = Device::Cpu;
//! let x = Tensor::new(&[[0.5f64, -1.0], [2.0, 0.25]], &dev)?;
//! let w = Tensor::new(&[[0.3f64, -0.2], [0.1, 0.4]], &dev)?;
//! // A linear layer, tanh, and the summed squares.
//! let loss = |p: &[Tensor]| x.matmul(&p[0].t()?)?.tanh()?.sqr()?.sum_all();
//! let report = check_candle(loss, &[("w", &w)], &CheckConfig::default())?;
//! assert_eq!(report.verdict(), Verdict::Pass);
//! # Ok(()) }
//! ```

/// The candle this crate is built with: tensors passed to [`check_candle`]
/// must be of this version.
pub use candle_core;
use candle_core::{DType, Device, Tensor, Var};

use super::judge::{Flat, Precision, first_line, judge};
use crate::check::{CheckConfig, NamedReport, ParameterLayout};
use crate::error::{OracleError, Result};

/// The loss as a function of the parameter tensors (in the order given).
pub trait CandleLoss: Fn(&[Tensor]) -> candle_core::Result<Tensor> {}
impl<L: Fn(&[Tensor]) -> candle_core::Result<Tensor>> CandleLoss for L {}

fn framework(e: candle_core::Error) -> OracleError {
    OracleError::Framework {
        framework: "candle",
        message: first_line(&e.to_string()),
    }
}

/// The parameters: their layout, flat values in `f64`, dtype and device.
struct Flattened {
    layout: ParameterLayout,
    values: Vec<f64>,
    dtype: DType,
    device: Device,
}

fn flatten(params: &[(&str, &Tensor)]) -> Result<Flattened> {
    let Some((_, first)) = params.first() else {
        return Err(OracleError::Empty {
            name: "params".into(),
        });
    };
    let (dtype, device) = (first.dtype(), first.device().clone());
    let mut layout = ParameterLayout::new();
    let mut values = Vec::new();
    for (name, t) in params {
        if !matches!(t.dtype(), DType::F32 | DType::F64) || t.dtype() != dtype {
            return Err(OracleError::InvalidParameter {
                name: (*name).into(),
                reason: format!(
                    "dtype {:?}: the parameters must all be f32 or all f64 (the first is {dtype:?})",
                    t.dtype()
                ),
            });
        }
        if !t.device().same_device(&device) {
            return Err(OracleError::InvalidParameter {
                name: (*name).into(),
                reason: "on another device than the first parameter".into(),
            });
        }
        layout.push(name, t.dims())?;
        values.extend(to_f64s(t).map_err(framework)?);
    }
    if values.is_empty() {
        return Err(OracleError::Empty {
            name: "params".into(),
        });
    }
    Ok(Flattened {
        layout,
        values,
        dtype,
        device,
    })
}

fn to_f64s(t: &Tensor) -> candle_core::Result<Vec<f64>> {
    t.flatten_all()?.to_dtype(DType::F64)?.to_vec1::<f64>()
}

/// The loss's one value, in `f64`.
fn scalar(out: &Tensor) -> Result<f64> {
    if out.elem_count() != 1 {
        return Err(OracleError::ShapeMismatch {
            name: "loss".into(),
            expected: "one element".into(),
            found: format!("{:?}", out.dims()),
        });
    }
    Ok(to_f64s(out).map_err(framework)?[0])
}

/// candle's gradient at the parameters, flat (a parameter the loss does not
/// reach has gradient 0).
fn backward(loss: &impl CandleLoss, params: &[(&str, &Tensor)]) -> Result<Vec<f64>> {
    let vars = params
        .iter()
        .map(|(_, t)| Var::from_tensor(&t.detach()))
        .collect::<candle_core::Result<Vec<Var>>>()
        .map_err(framework)?;
    let inputs: Vec<Tensor> = vars.iter().map(|v| v.as_tensor().clone()).collect();
    let out = loss(&inputs).map_err(framework)?;
    scalar(&out)?;
    let grads = out.backward().map_err(framework)?;
    let mut claim = Vec::new();
    for v in &vars {
        match grads.get(v.as_tensor()) {
            Some(g) => claim.extend(to_f64s(g).map_err(framework)?),
            None => claim.extend(std::iter::repeat_n(0.0, v.elem_count())),
        }
    }
    Ok(claim)
}

/// The parameter tensors at flat values `p`, of `dtype`.
fn tensors_at(at: &Flattened, p: &[f64], dtype: DType) -> Result<Vec<Tensor>> {
    at.layout
        .tensors()
        .iter()
        .map(|s| {
            Tensor::from_slice(
                &p[s.offset..s.offset + s.len()],
                s.shape.as_slice(),
                &at.device,
            )?
            .to_dtype(dtype)
        })
        .collect::<candle_core::Result<Vec<Tensor>>>()
        .map_err(framework)
}

/// The loss at flat parameters `p`, built as tensors of `dtype`.
fn evaluate(loss: &impl CandleLoss, at: &Flattened, p: &[f64], dtype: DType) -> Result<f64> {
    let tensors = tensors_at(at, p, dtype)?;
    scalar(&loss(&tensors).map_err(framework)?)
}

/// Checks candle's gradient of `loss` with respect to the named parameter
/// tensors (the module docs say how `f32` is judged).
///
/// # Errors
/// No parameters, parameters of mixed or non-float dtypes or on several
/// devices, a repeated name, a loss with more than one element, or an error
/// candle raises ([`OracleError::Framework`]) in the forward or backward
/// pass at the given parameters. A wrong gradient is `Ok` with a failing
/// report naming the entries.
pub fn check_candle(
    loss: impl CandleLoss,
    params: &[(&str, &Tensor)],
    config: &CheckConfig,
) -> Result<NamedReport> {
    let at = flatten(params)?;
    let claim = backward(&loss, params)?;
    let in_f64 = |p: &[f64]| evaluate(&loss, &at, p, DType::F64);
    let in_f32 = |p: &[f32]| {
        let p64: Vec<f64> = p.iter().map(|v| f64::from(*v)).collect();
        evaluate(&loss, &at, &p64, DType::F32).map(|v| v as f32)
    };
    let precision = if at.dtype == DType::F64 {
        Precision::F64
    } else {
        Precision::F32
    };
    // candle's gradient at other parameters (of the same dtype), for the
    // measured rounding of an f32 claim.
    let claim_at = |p: &[f64]| -> Result<Vec<f64>> {
        let moved = tensors_at(&at, p, at.dtype)?;
        let named: Vec<(&str, &Tensor)> =
            params.iter().map(|(n, _)| *n).zip(moved.iter()).collect();
        backward(&loss, &named)
    };
    judge(
        Flat {
            layout: at.layout.clone(),
            x: at.values.clone(),
            claim,
            precision,
            in_f64: &in_f64,
            in_f32: &in_f32,
            claim_at: Some(&claim_at),
        },
        config,
    )
}

/// [`check_candle`] for a loss of the parameters and of data tensors (the
/// model's inputs and targets): `loss(params, data)`. The adapter casts the
/// float data to the dtype of the parameters it evaluates with (`f64` for the
/// finite differences of an `f32` model, so that it is judged by the mixed
/// check instead of in `f32`); integer data (labels, indices) is passed as it is.
///
/// ```
/// use candle_core::{DType, Device, Tensor};
/// use gradient_oracle::adapters::candle::check_candle_with_data;
/// use gradient_oracle::{CheckConfig, Verdict};
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let dev = Device::Cpu;
/// let x = Tensor::new(&[[0.5f32, -1.0], [2.0, 0.25]], &dev)?; // f32 data
/// let w = Tensor::new(&[[0.3f32, -0.2], [0.1, 0.4]], &dev)?; // f32 weights
/// let loss = |p: &[Tensor], d: &[Tensor]| d[0].matmul(&p[0].t()?)?.tanh()?.sqr()?.sum_all();
/// let report = check_candle_with_data(loss, &[("w", &w)], &[&x], &CheckConfig::default())?;
/// assert_eq!(report.verdict(), Verdict::Pass);
/// assert!(report.precision.contains("evaluated in f64"), "{}", report.precision);
/// # Ok(()) }
/// ```
///
/// # Errors
/// As [`check_candle`].
pub fn check_candle_with_data(
    loss: impl Fn(&[Tensor], &[Tensor]) -> candle_core::Result<Tensor>,
    params: &[(&str, &Tensor)],
    data: &[&Tensor],
    config: &CheckConfig,
) -> Result<NamedReport> {
    let cast = |dtype: DType| -> Result<Vec<Tensor>> {
        data.iter()
            .map(|t| {
                if t.dtype().is_float() {
                    t.to_dtype(dtype)
                } else {
                    Ok((*t).clone())
                }
            })
            .collect::<candle_core::Result<Vec<Tensor>>>()
            .map_err(framework)
    };
    let (data64, data32) = (cast(DType::F64)?, cast(DType::F32)?);
    let with_data = |p: &[Tensor]| {
        let d = match p.first().map(Tensor::dtype) {
            Some(DType::F64) => &data64,
            _ => &data32,
        };
        loss(p, d)
    };
    check_candle(with_data, params, config)
}
