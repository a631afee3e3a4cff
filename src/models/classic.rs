//! Classic test functions with hand-derived gradients and Hessians: the
//! second-order benchmark's (`../shared/peers/hessian.py`) and the tests'.
//!
//! - Rosenbrock in $n$ dimensions:
//!   $f(x) = \sum_{i<n-1} 100\,(x_{i+1} - x_i^2)^2 + (1 - x_i)^2$,
//!   a tridiagonal Hessian with $H_{ii} \mathrel{+}= 1200 x_i^2 - 400 x_{i+1} + 2$,
//!   $H_{i+1,i+1} \mathrel{+}= 200$, $H_{i,i+1} = H_{i+1,i} = -400 x_i$.
//! - The tanh chain in $n$ dimensions:
//!   $f(x) = \sum_{i<n-1} \tanh(c_i x_i)\, x_{i+1}$ with $c_i = 0.4 + 0.15\,i$;
//!   with $t_i = \tanh(c_i x_i)$, $H_{ii} = -2 c_i^2 t_i (1 - t_i^2)\, x_{i+1}$
//!   and $H_{i,i+1} = H_{i+1,i} = c_i (1 - t_i^2)$.
//!
//! The values are generic ([`Scalar`]), so dual and hyper-dual numbers give
//! exact derivatives to compare the hand-derived ones with.

use nalgebra::DMatrix;

use crate::float::Scalar;

/// Rosenbrock's function (any scalar type; 0 for fewer than 2 coordinates).
pub fn rosenbrock<T: Scalar<f64>>(x: &[T]) -> T {
    x.windows(2).fold(T::zero(), |acc, w| {
        let a = w[1] - w[0] * w[0];
        let b = T::one() - w[0];
        acc + a * a * 100.0 + b * b
    })
}

/// Rosenbrock's gradient, by hand.
pub fn rosenbrock_gradient(x: &[f64]) -> Vec<f64> {
    let mut g = vec![0.0; x.len()];
    for i in 0..x.len().saturating_sub(1) {
        let a = x[i + 1] - x[i] * x[i];
        g[i] += -400.0 * x[i] * a - 2.0 * (1.0 - x[i]);
        g[i + 1] += 200.0 * a;
    }
    g
}

/// Rosenbrock's Hessian, by hand (tridiagonal).
pub fn rosenbrock_hessian(x: &[f64]) -> DMatrix<f64> {
    let n = x.len();
    let mut h = DMatrix::zeros(n, n);
    for i in 0..n.saturating_sub(1) {
        h[(i, i)] += 1200.0 * x[i] * x[i] - 400.0 * x[i + 1] + 2.0;
        h[(i + 1, i + 1)] += 200.0;
        h[(i, i + 1)] -= 400.0 * x[i];
        h[(i + 1, i)] -= 400.0 * x[i];
    }
    h
}

/// The tanh chain's coefficient $c_i = 0.4 + 0.15\,i$.
fn tanh_chain_c(i: usize) -> f64 {
    0.4 + 0.15 * i as f64
}

/// The tanh chain $\sum_i \tanh(c_i x_i)\, x_{i+1}$ (any scalar type).
pub fn tanh_chain<T: Scalar<f64>>(x: &[T]) -> T {
    x.windows(2).enumerate().fold(T::zero(), |acc, (i, w)| {
        acc + (w[0] * tanh_chain_c(i)).tanh() * w[1]
    })
}

/// The tanh chain's gradient, by hand.
pub fn tanh_chain_gradient(x: &[f64]) -> Vec<f64> {
    let mut g = vec![0.0; x.len()];
    for i in 0..x.len().saturating_sub(1) {
        let c = tanh_chain_c(i);
        let t = (c * x[i]).tanh();
        g[i] += c * (1.0 - t * t) * x[i + 1];
        g[i + 1] += t;
    }
    g
}

/// The tanh chain's Hessian, by hand (tridiagonal).
pub fn tanh_chain_hessian(x: &[f64]) -> DMatrix<f64> {
    let n = x.len();
    let mut h = DMatrix::zeros(n, n);
    for i in 0..n.saturating_sub(1) {
        let c = tanh_chain_c(i);
        let t = (c * x[i]).tanh();
        h[(i, i)] += -2.0 * c * c * t * (1.0 - t * t) * x[i + 1];
        h[(i, i + 1)] += c * (1.0 - t * t);
        h[(i + 1, i)] += c * (1.0 - t * t);
    }
    h
}
