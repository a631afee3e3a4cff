//! Checking a candle custom op's hand-written backward (feature `candle`):
//!
//! ```text
//! cargo run --example candle_custom_op --features candle
//! ```
//!
//! Two custom ops, each with a hand-written `bwd`: a leaky ReLU
//! ([`LeakyRelu`], a `CustomOp1`) and a linear layer $y = x W^\top$
//! ([`Linear`], a `CustomOp2`). The layer linear -> leaky ReLU -> summed
//! squares is checked as written, then with a seeded bug in each backward:
//! the leaky ReLU's slope factor left out, and the linear layer's weight
//! gradient with its indices transposed. Each bug fails, the wrong entries
//! named by tensor and index.
//!
//! The tests (`tests/adapters_candle.rs`) use these ops too.

use candle_core::backend::BackendStorage;
use candle_core::{CpuStorage, CustomOp1, CustomOp2, DType, Device, Layout, Shape, Tensor};
use gradient_oracle::adapters::candle::check_candle;
use gradient_oracle::{CheckConfig, NamedReport};

/// The negative side's slope.
pub const SLOPE: f64 = 0.1;

/// A mistake to seed into a hand-written backward.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bug {
    /// As derived.
    None,
    /// The leaky ReLU's backward forgets the slope factor on the negative side.
    MissingSlope,
    /// The linear layer's weight gradient is $(x^\top g)$ instead of $g^\top x$:
    /// entry $(i, j)$ gets $(j, i)$.
    TransposedWeightGradient,
}

/// Elementwise $\max(x, \alpha x)$, forward and backward by hand.
#[derive(Debug, Clone, Copy)]
pub struct LeakyRelu {
    /// The seeded mistake, if any.
    pub bug: Bug,
}

fn contiguous<'a, T>(
    v: &'a [T],
    layout: &Layout,
    op: &'static str,
) -> candle_core::Result<&'a [T]> {
    match layout.contiguous_offsets() {
        Some((start, end)) => Ok(&v[start..end]),
        None => Err(candle_core::Error::RequiresContiguous { op }),
    }
}

impl CustomOp1 for LeakyRelu {
    fn name(&self) -> &'static str {
        "leaky_relu"
    }

    fn cpu_fwd(
        &self,
        storage: &CpuStorage,
        layout: &Layout,
    ) -> candle_core::Result<(CpuStorage, Shape)> {
        let out = match storage {
            CpuStorage::F64(v) => CpuStorage::F64(
                contiguous(v, layout, self.name())?
                    .iter()
                    .map(|&x| if x > 0.0 { x } else { SLOPE * x })
                    .collect(),
            ),
            CpuStorage::F32(v) => CpuStorage::F32(
                contiguous(v, layout, self.name())?
                    .iter()
                    .map(|&x| if x > 0.0 { x } else { SLOPE as f32 * x })
                    .collect(),
            ),
            other => {
                return Err(candle_core::Error::UnsupportedDTypeForOp(
                    other.dtype(),
                    self.name(),
                ));
            }
        };
        Ok((out, layout.shape().clone()))
    }

    /// $\partial y/\partial x = 1$ for $x > 0$, $\alpha$ otherwise.
    fn bwd(
        &self,
        arg: &Tensor,
        _res: &Tensor,
        grad_res: &Tensor,
    ) -> candle_core::Result<Option<Tensor>> {
        let positive = arg.gt(0.0)?.to_dtype(arg.dtype())?;
        let slope = match self.bug {
            Bug::MissingSlope => positive.affine(0.0, 1.0)?, // 1 on both sides
            _ => positive.affine(1.0 - SLOPE, SLOPE)?,
        };
        Ok(Some(grad_res.mul(&slope)?))
    }
}

/// $y = x W^\top$ for $x$ (n x d) and $W$ (m x d), forward and backward by hand.
#[derive(Debug, Clone, Copy)]
pub struct Linear {
    /// The seeded mistake, if any.
    pub bug: Bug,
}

fn linear_forward<T: Copy + std::ops::Mul<Output = T> + std::iter::Sum>(
    x: &[T],
    w: &[T],
    (n, d, m): (usize, usize, usize),
) -> Vec<T> {
    (0..n * m)
        .map(|k| {
            (0..d)
                .map(|c| x[(k / m) * d + c] * w[(k % m) * d + c])
                .sum()
        })
        .collect()
}

impl CustomOp2 for Linear {
    fn name(&self) -> &'static str {
        "linear"
    }

    fn cpu_fwd(
        &self,
        s1: &CpuStorage,
        l1: &Layout,
        s2: &CpuStorage,
        l2: &Layout,
    ) -> candle_core::Result<(CpuStorage, Shape)> {
        let (&[n, d], &[m, d2]) = (l1.dims(), l2.dims()) else {
            return Err(candle_core::Error::msg("linear: x and W must be matrices"));
        };
        if d != d2 {
            return Err(candle_core::Error::msg(format!(
                "linear: x is {n} x {d}, W is {m} x {d2}"
            )));
        }
        let out = match (s1, s2) {
            (CpuStorage::F64(x), CpuStorage::F64(w)) => CpuStorage::F64(linear_forward(
                contiguous(x, l1, self.name())?,
                contiguous(w, l2, self.name())?,
                (n, d, m),
            )),
            (CpuStorage::F32(x), CpuStorage::F32(w)) => CpuStorage::F32(linear_forward(
                contiguous(x, l1, self.name())?,
                contiguous(w, l2, self.name())?,
                (n, d, m),
            )),
            _ => {
                return Err(candle_core::Error::UnsupportedDTypeForOp(
                    s1.dtype(),
                    self.name(),
                ));
            }
        };
        Ok((out, Shape::from((n, m))))
    }

    /// $\partial L/\partial x = g W$, $\partial L/\partial W = g^\top x$.
    fn bwd(
        &self,
        x: &Tensor,
        w: &Tensor,
        _res: &Tensor,
        g: &Tensor,
    ) -> candle_core::Result<(Option<Tensor>, Option<Tensor>)> {
        let grad_x = g.matmul(w)?;
        let grad_w = match self.bug {
            Bug::TransposedWeightGradient => x.t()?.matmul(g)?, // d x m: square layers only
            _ => g.t()?.matmul(x)?,
        };
        Ok((Some(grad_x), Some(grad_w)))
    }
}

/// The layer's inputs: a 4 x 3 batch with entries on both sides of 0.
pub fn batch(device: &Device, dtype: DType) -> candle_core::Result<Tensor> {
    Tensor::new(
        &[
            [0.5f64, -1.0, 2.0],
            [1.5, 0.25, -0.75],
            [-2.0, 0.5, 1.0],
            [0.3, 0.9, -1.2],
        ],
        device,
    )?
    .to_dtype(dtype)
}

/// The square layer's weights (3 x 3, not symmetric).
pub fn weights(device: &Device, dtype: DType) -> candle_core::Result<Tensor> {
    Tensor::new(
        &[[0.4f64, -0.3, 0.8], [0.2, 0.6, -0.5], [-0.7, 0.1, 0.3]],
        device,
    )?
    .to_dtype(dtype)
}

/// $L = \sum (\mathrm{leaky}(x W^\top))^2$ with the custom ops and these bugs.
pub fn custom_layer_loss(
    x: &Tensor,
    w: &Tensor,
    linear: Bug,
    leaky: Bug,
) -> candle_core::Result<Tensor> {
    x.apply_op2(w, Linear { bug: linear })?
        .apply_op1(LeakyRelu { bug: leaky })?
        .sqr()?
        .sum_all()
}

/// Checks the layer's weight and input gradients with the given bugs.
pub fn check_layer(
    dtype: DType,
    linear: Bug,
    leaky: Bug,
) -> Result<NamedReport, Box<dyn std::error::Error>> {
    let dev = Device::Cpu;
    let (x, w) = (batch(&dev, dtype)?, weights(&dev, dtype)?);
    let loss = |p: &[Tensor]| custom_layer_loss(&p[0], &p[1], linear, leaky);
    Ok(check_candle(
        loss,
        &[("x", &x), ("w", &w)],
        &CheckConfig::default(),
    )?)
}

#[allow(dead_code)] // the tests include this file for its ops
fn main() -> Result<(), Box<dyn std::error::Error>> {
    for (what, linear, leaky) in [
        ("as derived", Bug::None, Bug::None),
        ("leaky ReLU without its slope", Bug::None, Bug::MissingSlope),
        (
            "linear with a transposed weight gradient",
            Bug::TransposedWeightGradient,
            Bug::None,
        ),
    ] {
        let report = check_layer(DType::F64, linear, leaky)?;
        println!("{what}:\n{report}");
    }
    Ok(())
}
