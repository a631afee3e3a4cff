//! The scalar types the models and checkers are generic over.
//!
//! Models are written once over [`Scalar`], so the same code runs in `f64`,
//! in `f32`, and in forward-mode dual numbers (`num_dual::Dual64`), which
//! gives exact derivatives as a second oracle.

use num_dual::{DualNum, DualNumFloat};

/// A plain floating-point type: `f32` or `f64`.
pub trait Real: DualNumFloat + Scalar<Self> {}
impl<F: DualNumFloat + Scalar<F>> Real for F {}

/// A number the models can be evaluated in: a float `F` itself, or a dual
/// number over `F`. Branches (ReLU, the hinge) look at the real part.
pub trait Scalar<F: DualNumFloat>: DualNum<Primitive = F> + Copy {}
impl<F: DualNumFloat, T: DualNum<Primitive = F> + Copy> Scalar<F> for T {}

/// Converts an `f64` constant into `F` (exact for the constants we use).
#[inline]
pub(crate) fn cst<F: DualNumFloat>(value: f64) -> F {
    <F as num_traits::FromPrimitive>::from_f64(value).unwrap_or_else(F::nan)
}
