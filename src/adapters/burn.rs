//! Checking burn's backward pass (feature `burn`: burn with the ndarray
//! backend and autodiff).
//!
//! [`check_burn_module`] takes a module on an autodiff backend and its loss
//! as a closure of the module. Every float parameter the module visits
//! (`Module::visit`, in declaration order) is one tensor of the flat vector,
//! named by the names given; burn's gradient is `loss.backward()` read per
//! parameter, and the finite differences evaluate the closure on copies of
//! the module with the parameters replaced (`Module::map`).
//! [`check_burn`] does the same for a closure of plain tensors of one rank.
//!
//! A burn backend's float type is fixed by its type (`NdArray<f32>` or
//! `NdArray<f64>`), so the graph cannot be re-run in `f64` from an `f32`
//! model: an `f32` model is checked in `f32`, with the resolution `f32`
//! evaluations allow, and the report says so. Use `NdArray<f64>` for the
//! sharpest check.
//!
//! ```
//! use burn::backend::{Autodiff, NdArray};
//! use burn::tensor::Tensor;
//! use gradient_oracle::adapters::burn::check_burn;
//! use gradient_oracle::{CheckConfig, Verdict};
//! type B = Autodiff<NdArray<f64>>;
//! let dev = Default::default();
//! let x = Tensor::<B, 2>::from_floats([[0.5, -1.0], [2.0, 0.25]], &dev);
//! let w = Tensor::<B, 2>::from_floats([[0.3, -0.2], [0.1, 0.4]], &dev);
//! // A linear layer, tanh, and the summed squares.
//! let loss = |p: &[Tensor<B, 2>]| x.clone().matmul(p[0].clone().transpose()).tanh().powf_scalar(2.0).sum();
//! let report = check_burn(loss, &[("w", w)], &CheckConfig::default())?;
//! assert_eq!(report.verdict(), Verdict::Pass);
//! # Ok::<(), gradient_oracle::OracleError>(())
//! ```

/// The burn this crate is built with: modules and tensors passed to the
/// checks must be of this version.
pub use burn;
use burn::module::{Module, ModuleMapper, ModuleVisitor, ParamId};
use burn::tensor::backend::{AutodiffBackend, Backend};
use burn::tensor::{DType, ElementConversion, Tensor, TensorData};

use super::judge::{Flat, Precision, judge};
use crate::check::{CheckConfig, NamedReport, ParameterLayout};
use crate::error::{OracleError, Result};

/// The float parameters' shapes, values (in `f64`) and element type.
#[derive(Default)]
struct Collect {
    shapes: Vec<Vec<usize>>,
    values: Vec<f64>,
    dtypes: Vec<DType>,
}

impl<B: Backend> ModuleVisitor<B> for Collect {
    fn visit_float<const D: usize>(&mut self, _id: ParamId, tensor: &Tensor<B, D>) {
        let data = tensor.to_data();
        self.dtypes.push(data.dtype);
        self.shapes.push(data.shape.clone());
        self.values.extend(data.iter::<f64>());
    }
}

/// burn's gradient of every float parameter, flat (0 where the loss does
/// not reach a parameter).
struct CollectGradients<'a, B: AutodiffBackend> {
    grads: &'a B::Gradients,
    values: Vec<f64>,
}

impl<B: AutodiffBackend> ModuleVisitor<B> for CollectGradients<'_, B> {
    fn visit_float<const D: usize>(&mut self, _id: ParamId, tensor: &Tensor<B, D>) {
        match tensor.grad(self.grads) {
            Some(g) => self.values.extend(g.into_data().iter::<f64>()),
            None => {
                let n = tensor.shape().num_elements();
                self.values.extend(std::iter::repeat_n(0.0, n));
            }
        }
    }
}

/// Replaces every float parameter by the next values of a flat vector.
struct Replace<'a> {
    values: &'a [f64],
    offset: usize,
}

impl<B: Backend> ModuleMapper<B> for Replace<'_> {
    fn map_float<const D: usize>(&mut self, _id: ParamId, tensor: Tensor<B, D>) -> Tensor<B, D> {
        let dims = tensor.dims();
        let n: usize = dims.iter().product();
        let end = (self.offset + n).min(self.values.len());
        let slice = &self.values[self.offset.min(end)..end];
        self.offset += n;
        let data = TensorData::new(slice.to_vec(), dims.to_vec()).convert::<B::FloatElem>();
        Tensor::from_data(data, &tensor.device())
    }
}

fn scalar<B: Backend>(loss: Tensor<B, 1>) -> Result<f64> {
    let n = loss.shape().num_elements();
    if n != 1 {
        return Err(OracleError::ShapeMismatch {
            name: "loss".into(),
            expected: "one element".into(),
            found: format!("{:?}", loss.dims()),
        });
    }
    Ok(loss.into_scalar().elem::<f64>())
}

fn layout_of(names: &[&str], shapes: &[Vec<usize>]) -> Result<ParameterLayout> {
    if !names.is_empty() && names.len() != shapes.len() {
        return Err(OracleError::ShapeMismatch {
            name: "names".into(),
            expected: format!("{} names (one per float parameter) or none", shapes.len()),
            found: format!("{} names", names.len()),
        });
    }
    let mut layout = ParameterLayout::new();
    for (k, shape) in shapes.iter().enumerate() {
        let name = names
            .get(k)
            .map_or_else(|| format!("param{k}"), |n| (*n).to_string());
        layout.push(&name, shape)?;
    }
    Ok(layout)
}

/// Checks burn's gradient of `loss` with respect to every float parameter of
/// `module`. `names` names the parameters in the order the module visits
/// them (declaration order, e.g. `["fc.weight", "fc.bias"]` for a
/// `Linear`), or is empty for `param0`, `param1`, ...
///
/// # Errors
/// A module without float parameters, a parameter type other than `f32` or
/// `f64`, a wrong number of names or a repeated one, a loss with more than
/// one element. A wrong gradient is `Ok` with a failing report naming the
/// entries.
pub fn check_burn_module<B, M>(
    module: &M,
    names: &[&str],
    loss: impl Fn(&M) -> Tensor<B, 1>,
    config: &CheckConfig,
) -> Result<NamedReport>
where
    B: AutodiffBackend,
    M: Module<B>,
{
    let mut params = Collect::default();
    module.visit(&mut params);
    if params.values.is_empty() {
        return Err(OracleError::Empty {
            name: "module parameters".into(),
        });
    }
    let precision = match params.dtypes.iter().find(|d| **d != params.dtypes[0]) {
        Some(other) => {
            return Err(OracleError::InvalidParameter {
                name: "module parameters".into(),
                reason: format!("mixed element types {:?} and {other:?}", params.dtypes[0]),
            });
        }
        None => match params.dtypes[0] {
            DType::F64 => Precision::F64,
            DType::F32 => Precision::F32,
            other => {
                return Err(OracleError::InvalidParameter {
                    name: "module parameters".into(),
                    reason: format!("element type {other:?}: only f32 and f64 are checked"),
                });
            }
        },
    };
    let layout = layout_of(names, &params.shapes)?;
    let out = loss(module);
    scalar(out.clone())?;
    let mut grads = CollectGradients::<B> {
        grads: &out.backward(),
        values: Vec::new(),
    };
    module.visit(&mut grads);
    let evaluate = |p: &[f64]| {
        let copy = module.clone().map(&mut Replace {
            values: p,
            offset: 0,
        });
        scalar(loss(&copy))
    };
    let in_f32 = |p: &[f32]| {
        let p64: Vec<f64> = p.iter().map(|v| f64::from(*v)).collect();
        evaluate(&p64).map(|v| v as f32)
    };
    let own_type = |_: &[f64]| -> Result<f64> {
        Err(OracleError::InvalidParameter {
            name: "backend".into(),
            reason: "its float type is f32".into(),
        })
    };
    let in_f64: &dyn Fn(&[f64]) -> Result<f64> = match precision {
        Precision::F64 => &evaluate,
        Precision::F32 => &own_type,
    };
    judge(
        Flat {
            layout,
            x: params.values,
            claim: grads.values,
            precision,
            in_f64,
            in_f32: &in_f32,
            claim_at: None,
        },
        config,
    )
}

/// The named tensors of [`check_burn`] as a module of parameters.
#[derive(Module, Debug)]
struct Params<B: Backend, const D: usize> {
    tensors: Vec<burn::module::Param<Tensor<B, D>>>,
}

/// Checks burn's gradient of `loss`, a closure of named tensors of one rank
/// (for tensors of several ranks, or a model, use [`check_burn_module`]).
///
/// # Errors
/// As [`check_burn_module`]; no tensors.
pub fn check_burn<B, const D: usize>(
    loss: impl Fn(&[Tensor<B, D>]) -> Tensor<B, 1>,
    params: &[(&str, Tensor<B, D>)],
    config: &CheckConfig,
) -> Result<NamedReport>
where
    B: AutodiffBackend,
{
    let module = Params {
        tensors: params
            .iter()
            .map(|(_, t)| burn::module::Param::from_tensor(t.clone().detach()))
            .collect(),
    };
    let names: Vec<&str> = params.iter().map(|(n, _)| *n).collect();
    check_burn_module(
        &module,
        &names,
        |m: &Params<B, D>| {
            let tensors: Vec<Tensor<B, D>> = m.tensors.iter().map(|p| p.val()).collect();
            loss(&tensors)
        },
        config,
    )
}
