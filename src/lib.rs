//! # gradient-oracle
//!
//! Tells you whether your gradients are right.
//!
//! - **Analytic models** of a classic backprop exercise sheet: the scalar
//!   chain network and its delta recursion ([`ChainNetwork`]), the 2-3-1
//!   ReLU/tanh network and its training trace ([`Mlp`], [`train`]), softmax
//!   with its Jacobian and a multiclass hinge loss ([`softmax`],
//!   [`softmax_hinge_gradient`]).
//!
//! ```
//! use gradient_oracle::{Activation, ChainNetwork};
//! let net = ChainNetwork::new(vec![2.0, 3.0], vec![Activation::Identity; 2]).unwrap();
//! let fwd = net.forward(1.0, 0.0).unwrap();      // y_out = 6
//! let grads = net.backward(&fwd).unwrap();
//! assert_eq!(grads.grad_weights, vec![18.0, 12.0]); // (6-0)*3*1, (6-0)*2
//! ```
#![deny(missing_docs)]
#![warn(missing_debug_implementations)]
#![deny(clippy::float_cmp)]
#![forbid(unsafe_code)]

mod error;
mod float;
pub mod models;

pub use error::{OracleError, Result};
pub use float::{Real, Scalar};
pub use models::activation::{Activation, LEAKY_RELU_SLOPE};
pub use models::chain::{ChainForward, ChainGradients, ChainNetwork, SheetDerivatives, chain_loss};
pub use models::checkpoint::{
    DeepChain, DenseStack, Layered, MemoryStats, Strategy, backprop, revolve_forward_evaluations,
};
pub use models::hinge::{
    DEFAULT_MARGIN, hinge_gradient_p, hinge_loss, hinge_loss_unchecked, hinge_margins,
    softmax_hinge_gradient, softmax_hinge_gradient_via_jacobian, softmax_hinge_loss,
    softmax_hinge_loss_unchecked,
};
pub use models::mlp::{BatchResult, Dataset, Mlp, SampleRecord, mlp_loss};
pub use models::softmax::{
    jacobian_from_probabilities, jvp_from_probabilities, softmax, softmax_jacobian, softmax_jvp,
    softmax_unchecked, softmax_vjp,
};
pub use models::training::{IterationRecord, Trace, TrainConfig, UpdateMode, train};
pub mod check;
pub mod files;
pub mod grade;
pub mod numeric;

pub use check::{
    CheckConfig, CheckReport, DirectionalSummary, EntryCheck, Evidence, Method, Verdict,
    check_gradient, check_gradient_parallel, check_jacobian,
};

#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

#[cfg(doctest)]
#[doc = include_str!("../docs/guide.md")]
struct GuideDoctests;
