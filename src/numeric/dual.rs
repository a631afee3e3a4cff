//! Exact derivatives by forward-mode dual numbers (num-dual): a second oracle.
//!
//! A function written generically over [`Scalar`](crate::Scalar) can be
//! evaluated at $x + \varepsilon e_i$ with $\varepsilon^2 = 0$; the dual part
//! of the result is $\partial f/\partial x_i$ to rounding, with no step and no
//! truncation error. Cost: $n$ evaluations in dual arithmetic (about 2-3
//! times a plain evaluation each).

use num_dual::{Dual64, HyperDual64};

use crate::error::{Result, require_finite};

/// $f(x)$ and $\nabla f(x)$ exactly, from a function over dual numbers.
///
/// ```
/// use gradient_oracle::numeric::dual::dual_gradient;
/// use num_dual::{Dual64, DualNum};
/// let (v, g) = dual_gradient(|x: &[Dual64]| x[0] * x[1] + x[0].sin(), &[2.0, 3.0]).unwrap();
/// assert_eq!(g[1], 2.0);
/// assert!((g[0] - (3.0 + 2f64.cos())).abs() < 1e-15);
/// # let _ = v;
/// ```
///
/// # Errors
/// Empty or non-finite `x`.
pub fn dual_gradient(f: impl Fn(&[Dual64]) -> Dual64, x: &[f64]) -> Result<(f64, Vec<f64>)> {
    require_finite("x", x.iter().copied())?;
    let mut d: Vec<Dual64> = x.iter().map(|&v| Dual64::from(v)).collect();
    let mut value = f64::NAN;
    let mut g = Vec::with_capacity(x.len());
    for i in 0..x.len() {
        d[i] = Dual64::from(x[i]).derivative();
        let r = f(&d);
        value = r.re;
        g.push(r.eps);
        d[i] = Dual64::from(x[i]);
    }
    Ok((value, g))
}

/// The Jacobian (rows = outputs) of a vector function over dual numbers.
///
/// # Errors
/// Empty or non-finite `x`.
pub fn dual_jacobian(
    f: impl Fn(&[Dual64]) -> Vec<Dual64>,
    x: &[f64],
) -> Result<nalgebra::DMatrix<f64>> {
    require_finite("x", x.iter().copied())?;
    let mut d: Vec<Dual64> = x.iter().map(|&v| Dual64::from(v)).collect();
    let mut columns = Vec::with_capacity(x.len());
    for i in 0..x.len() {
        d[i] = Dual64::from(x[i]).derivative();
        columns.push(f(&d).iter().map(|v| v.eps).collect::<Vec<f64>>());
        d[i] = Dual64::from(x[i]);
    }
    let m = columns.first().map_or(0, Vec::len);
    Ok(nalgebra::DMatrix::from_fn(m, x.len(), |r, c| {
        columns[c].get(r).copied().unwrap_or(f64::NAN)
    }))
}

/// The Hessian of a scalar function exactly, by hyper-dual numbers:
/// $f(x + \varepsilon_1 e_i + \varepsilon_2 e_j)$ with
/// $\varepsilon_1^2 = \varepsilon_2^2 = 0$ carries
/// $\partial^2 f/\partial x_i \partial x_j$ in its $\varepsilon_1\varepsilon_2$
/// part, with no step and no truncation error. Cost: $n(n+1)/2$ evaluations
/// in hyper-dual arithmetic (the Hessian is symmetric by construction).
///
/// ```
/// use gradient_oracle::numeric::dual::dual_hessian;
/// use num_dual::{DualNum, HyperDual64};
/// let h = dual_hessian(|x: &[HyperDual64]| x[0] * x[0] * x[1] + x[1].sin(), &[2.0, 0.5]).unwrap();
/// assert_eq!((h[(0, 0)], h[(0, 1)], h[(1, 0)]), (1.0, 4.0, 4.0)); // 2 x1, 2 x0
/// assert!((h[(1, 1)] + 0.5f64.sin()).abs() < 1e-15);
/// ```
///
/// # Errors
/// Empty or non-finite `x`.
pub fn dual_hessian(
    f: impl Fn(&[HyperDual64]) -> HyperDual64,
    x: &[f64],
) -> Result<nalgebra::DMatrix<f64>> {
    require_finite("x", x.iter().copied())?;
    let n = x.len();
    let plain: Vec<HyperDual64> = x.iter().map(|&v| HyperDual64::from_re(v)).collect();
    let mut h = nalgebra::DMatrix::zeros(n, n);
    let mut d = plain.clone();
    for i in 0..n {
        for j in i..n {
            d[i] += HyperDual64::from_re(0.0).derivative1();
            d[j] += HyperDual64::from_re(0.0).derivative2();
            let v = f(&d).eps1eps2;
            h[(i, j)] = v;
            h[(j, i)] = v;
            d[i] = plain[i];
            d[j] = plain[j];
        }
    }
    Ok(h)
}
