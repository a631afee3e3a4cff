//! Activation functions: value, derivative, and where they are not differentiable.
//!
//! | name | $f(x)$ | $f'(x)$ | kinks |
//! |---|---|---|---|
//! | identity | $x$ | $1$ | none |
//! | sigmoid | $\sigma(x) = 1/(1+e^{-x})$ | $\sigma(x)(1-\sigma(x))$ | none |
//! | tanh | $\tanh x$ | $1-\tanh^2 x$ | none |
//! | relu | $\max(0, x)$ | $1$ for $x>0$, $0$ for $x \le 0$ | $x = 0$ |
//! | leaky relu | $x$ for $x>0$, $a x$ otherwise ($a = 0.01$) | $1$ for $x>0$, $a$ for $x \le 0$ | $x = 0$ |
//! | softplus | $\ln(1+e^x)$ | $\sigma(x)$ | none |
//!
//! **Convention at the kink.** The exercise sheet says to "ignore" the ReLU
//! input 0: no gradient flows, so $\mathrm{relu}'(0) = 0$. Leaky ReLU follows
//! the same rule and takes its left slope $a$ at 0. Both values are valid
//! subgradients (they lie between the one-sided slopes), which is what the
//! checker accepts at a kink.
//!
//! Sigmoid and softplus are evaluated in their numerically stable forms, so
//! that $x = \pm 700$ neither overflows nor loses the tail.

use std::fmt;
use std::str::FromStr;

use num_dual::DualNumFloat;
use serde::{Deserialize, Serialize};

use crate::error::OracleError;
use crate::float::{Scalar, cst};

/// The slope of [`Activation::LeakyRelu`] for negative inputs.
pub const LEAKY_RELU_SLOPE: f64 = 0.01;

/// An elementwise activation function.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Activation {
    /// $f(x) = x$.
    Identity,
    /// The logistic function $1/(1+e^{-x})$.
    Sigmoid,
    /// The hyperbolic tangent.
    Tanh,
    /// $\max(0, x)$, with derivative 0 at $x = 0$ (the sheet's convention).
    Relu,
    /// $x$ for $x > 0$, $0.01 x$ otherwise; derivative $0.01$ at 0.
    LeakyRelu,
    /// $\ln(1+e^x)$, a smooth ReLU.
    Softplus,
}

impl Activation {
    /// Every activation, in a fixed order (for tables and property tests).
    pub const ALL: [Activation; 6] = [
        Activation::Identity,
        Activation::Sigmoid,
        Activation::Tanh,
        Activation::Relu,
        Activation::LeakyRelu,
        Activation::Softplus,
    ];

    /// The smooth activations (no kinks).
    pub const SMOOTH: [Activation; 4] = [
        Activation::Identity,
        Activation::Sigmoid,
        Activation::Tanh,
        Activation::Softplus,
    ];

    /// The activation's name as the CLI and files spell it.
    pub fn name(self) -> &'static str {
        match self {
            Activation::Identity => "identity",
            Activation::Sigmoid => "sigmoid",
            Activation::Tanh => "tanh",
            Activation::Relu => "relu",
            Activation::LeakyRelu => "leaky_relu",
            Activation::Softplus => "softplus",
        }
    }

    /// $f(x)$, in any scalar type (a float or a dual number).
    ///
    /// ```
    /// use gradient_oracle::Activation;
    /// assert_eq!(Activation::Relu.value(-2.0_f64), 0.0);
    /// assert_eq!(Activation::Sigmoid.value(0.0_f64), 0.5);
    /// ```
    pub fn value<T: Scalar<F>, F: DualNumFloat>(self, x: T) -> T {
        let zero = F::zero();
        match self {
            Activation::Identity => x,
            Activation::Sigmoid => {
                // Stable: never exponentiate a large positive number.
                if x.re() >= zero {
                    T::one() / (T::one() + (-x).exp())
                } else {
                    let e = x.exp();
                    e / (T::one() + e)
                }
            }
            Activation::Tanh => x.tanh(),
            Activation::Relu => {
                if x.re() > zero {
                    x
                } else {
                    T::zero()
                }
            }
            Activation::LeakyRelu => {
                if x.re() > zero {
                    x
                } else {
                    x * cst::<F>(LEAKY_RELU_SLOPE)
                }
            }
            Activation::Softplus => {
                // ln(1 + e^x) = max(x, 0) + ln(1 + e^{-|x|}).
                if x.re() > zero {
                    x + (-x).exp().ln_1p()
                } else {
                    x.exp().ln_1p()
                }
            }
        }
    }

    /// $f'(x)$, with the documented convention at kinks (0 for ReLU at 0,
    /// the left slope for leaky ReLU).
    ///
    /// ```
    /// use gradient_oracle::Activation;
    /// assert_eq!(Activation::Relu.derivative(0.0_f64), 0.0);
    /// assert_eq!(Activation::Tanh.derivative(0.0_f64), 1.0);
    /// ```
    pub fn derivative<T: Scalar<F>, F: DualNumFloat>(self, x: T) -> T {
        let zero = F::zero();
        match self {
            Activation::Identity => T::one(),
            Activation::Sigmoid => {
                let s = Activation::Sigmoid.value(x);
                s * (T::one() - s)
            }
            Activation::Softplus => Activation::Sigmoid.value(x),
            Activation::Tanh => {
                let t = x.tanh();
                T::one() - t * t
            }
            Activation::Relu => {
                if x.re() > zero {
                    T::one()
                } else {
                    T::zero()
                }
            }
            Activation::LeakyRelu => {
                if x.re() > zero {
                    T::one()
                } else {
                    T::from(cst::<F>(LEAKY_RELU_SLOPE))
                }
            }
        }
    }

    /// $f''(x)$: 0 for the piecewise-linear activations (away from their
    /// kink, where it does not exist), $\sigma(1-\sigma)(1-2\sigma)$ for
    /// sigmoid, $-2\tanh x\,(1-\tanh^2 x)$ for tanh, $\sigma(1-\sigma)$ for
    /// softplus.
    ///
    /// ```
    /// use gradient_oracle::Activation;
    /// assert_eq!(Activation::Tanh.second_derivative(0.0_f64), 0.0);
    /// assert_eq!(Activation::Softplus.second_derivative(0.0_f64), 0.25);
    /// ```
    pub fn second_derivative<T: Scalar<F>, F: DualNumFloat>(self, x: T) -> T {
        match self {
            Activation::Identity | Activation::Relu | Activation::LeakyRelu => T::zero(),
            Activation::Sigmoid => {
                let s = Activation::Sigmoid.value(x);
                s * (T::one() - s) * (T::one() - s - s)
            }
            Activation::Tanh => {
                let t = x.tanh();
                -(t + t) * (T::one() - t * t)
            }
            Activation::Softplus => Activation::Sigmoid.derivative(x),
        }
    }

    /// The one-sided derivatives $(f'(x^-), f'(x^+))$; they differ only at a kink.
    pub fn one_sided_derivatives(self, x: f64) -> (f64, f64) {
        match self {
            Activation::Relu if x == 0.0 => (0.0, 1.0),
            Activation::LeakyRelu if x == 0.0 => (LEAKY_RELU_SLOPE, 1.0),
            _ => {
                let d = self.derivative(x);
                (d, d)
            }
        }
    }

    /// The points where $f$ is not differentiable (empty for smooth activations).
    pub fn kinks(self) -> &'static [f64] {
        match self {
            Activation::Relu | Activation::LeakyRelu => &[0.0],
            _ => &[],
        }
    }

    /// Whether $f$ is differentiable everywhere.
    pub fn is_smooth(self) -> bool {
        self.kinks().is_empty()
    }
}

impl fmt::Display for Activation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Activation {
    type Err = OracleError;

    /// Parses `identity`, `sigmoid`, `tanh`, `relu`, `leaky_relu` (or
    /// `leaky-relu`), `softplus`, case-insensitively.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let lower = s.trim().to_ascii_lowercase().replace('-', "_");
        Activation::ALL
            .into_iter()
            .find(|a| a.name() == lower)
            .ok_or_else(|| OracleError::InvalidParameter {
                name: "activation".to_string(),
                reason: format!(
                    "unknown activation `{s}` (expected one of identity, sigmoid, tanh, relu, leaky_relu, softplus)"
                ),
            })
    }
}
