//! The checks for code written on ndarray (feature `ndarray`): points are
//! `ArrayView1`s, gradients `Array1`s, Jacobians and Hessians `Array2`s.
//!
//! Each function here is the crate-root check of the same name, with the
//! user's closures taking and returning ndarray types; the report, the
//! verdicts and the errors are the same. A strided or otherwise
//! non-contiguous view is accepted (it is copied once). An `Array2` is also a
//! [`MatrixClaim`], so the slice-based checks take `Array2` claims too.
//!
//! ```
//! use gradient_oracle::ndarray::{check_gradient, check_jacobian};
//! use gradient_oracle::{CheckConfig, Verdict};
//! use ndarray::{array, Array1, Array2, ArrayView1};
//!
//! let f = |x: ArrayView1<f64>| x.dot(&x) + x[0] * x[1];
//! let grad = |x: ArrayView1<f64>| {
//!     let mut g = &x * 2.0;
//!     g[0] += x[1];
//!     g[1] += x[0];
//!     g
//! };
//! let x = array![0.5, -1.5, 2.0];
//! let report = check_gradient(&f, &grad, x.view(), &CheckConfig::default())?;
//! assert_eq!(report.verdict(), Verdict::Pass);
//!
//! // A Jacobian as an Array2 (outputs x inputs).
//! let g = |x: ArrayView1<f64>| array![x[0] * x[1], x[0] + x[2]];
//! let jac = |x: ArrayView1<f64>| array![[x[1], x[0], 0.0], [1.0, 0.0, 1.0]];
//! assert_eq!(check_jacobian(&g, &jac, x.view(), &CheckConfig::default())?.verdict(), Verdict::Pass);
//! # let _: (Array1<f64>, Array2<f64>) = (grad(x.view()), jac(x.view()));
//! # Ok::<(), gradient_oracle::OracleError>(())
//! ```
//!
//! The ndarray these take is the one this crate is built with (0.16 or
//! 0.17: the dependency accepts `>=0.16, <0.18`, so a project on either
//! shares one copy), re-exported as `gradient_oracle::ndarray::ndarray`.

pub use ::ndarray;
use ::ndarray::{Array1, Array2, ArrayView1};
use nalgebra::DMatrix;

use crate::check::{CheckConfig, CheckReport, MatrixClaim};
use crate::{Real, Result};

impl<F: Real> MatrixClaim<F> for Array2<F> {
    fn into_matrix(self, _rows: usize, _cols: usize) -> std::result::Result<DMatrix<F>, String> {
        let (rows, cols) = self.dim();
        Ok(DMatrix::from_fn(rows, cols, |i, j| self[[i, j]]))
    }
}

/// A vector function on ndarray as the slice-based checks take it.
fn on_slices<F, V>(v: &V) -> impl Fn(&[F]) -> Vec<F> + '_
where
    F: Real,
    V: Fn(ArrayView1<'_, F>) -> Array1<F> + ?Sized,
{
    move |s: &[F]| v(ArrayView1::from(s)).to_vec()
}

/// [`crate::check_gradient`] for `f(x)` and `grad(x)` on ndarray.
///
/// # Errors
/// As [`crate::check_gradient`]: a non-finite or empty point, a gradient of
/// the wrong length, an invalid config.
pub fn check_gradient<F, Func, Grad>(
    f: &Func,
    grad: &Grad,
    x: ArrayView1<'_, F>,
    config: &CheckConfig,
) -> Result<CheckReport>
where
    F: Real,
    Func: Fn(ArrayView1<'_, F>) -> F + ?Sized,
    Grad: Fn(ArrayView1<'_, F>) -> Array1<F> + ?Sized,
{
    let point = x.to_vec();
    crate::check_gradient(
        &|s: &[F]| f(ArrayView1::from(s)),
        &on_slices(grad),
        &point,
        config,
    )
}

/// [`crate::check_jacobian`] for a vector function `f(x)` and its claimed
/// Jacobian `jac(x)` (outputs x inputs) on ndarray.
///
/// # Errors
/// As [`crate::check_jacobian`]: a non-finite or empty point, a Jacobian of
/// the wrong shape, an invalid config.
pub fn check_jacobian<F, Func, Jac>(
    f: &Func,
    jac: &Jac,
    x: ArrayView1<'_, F>,
    config: &CheckConfig,
) -> Result<CheckReport>
where
    F: Real,
    Func: Fn(ArrayView1<'_, F>) -> Array1<F> + ?Sized,
    Jac: Fn(ArrayView1<'_, F>) -> Array2<F> + ?Sized,
{
    let point = x.to_vec();
    crate::check_jacobian(
        &on_slices(f),
        &|s: &[F]| jac(ArrayView1::from(s)),
        &point,
        config,
    )
}

/// [`crate::check_hessian`] for a gradient `grad(x)` and its claimed Hessian
/// `hess(x)` on ndarray.
///
/// # Errors
/// As [`crate::check_hessian`]: a non-finite or empty point, a Hessian that
/// is not n x n, an invalid config.
pub fn check_hessian<F, Grad, Hess>(
    grad: &Grad,
    hess: &Hess,
    x: ArrayView1<'_, F>,
    config: &CheckConfig,
) -> Result<CheckReport>
where
    F: Real,
    Grad: Fn(ArrayView1<'_, F>) -> Array1<F> + ?Sized,
    Hess: Fn(ArrayView1<'_, F>) -> Array2<F> + ?Sized,
{
    let point = x.to_vec();
    crate::check_hessian(
        &on_slices(grad),
        &|s: &[F]| hess(ArrayView1::from(s)),
        &point,
        config,
    )
}

/// [`crate::check_hvp`] for a gradient `grad(x)` and a claimed
/// Hessian-vector product `hvp(x, v)` on ndarray.
///
/// # Errors
/// As [`crate::check_hvp`]: a non-finite or empty point, a product of the
/// wrong length, an invalid config.
pub fn check_hvp<F, Grad, Hvp>(
    grad: &Grad,
    hvp: &Hvp,
    x: ArrayView1<'_, F>,
    config: &CheckConfig,
) -> Result<CheckReport>
where
    F: Real,
    Grad: Fn(ArrayView1<'_, F>) -> Array1<F> + ?Sized,
    Hvp: Fn(ArrayView1<'_, F>, ArrayView1<'_, F>) -> Array1<F> + ?Sized,
{
    let point = x.to_vec();
    crate::check_hvp(
        &on_slices(grad),
        &|s: &[F], v: &[F]| hvp(ArrayView1::from(s), ArrayView1::from(v)).to_vec(),
        &point,
        config,
    )
}
