//! # gradient-oracle
//!
//! Tells you whether your gradients are right.
//!
//! ## Check a gradient
//!
//! ```
//! use gradient_oracle::{check_gradient, CheckConfig, Verdict};
//!
//! let f = |x: &[f64]| x[0].powi(2) * x[1];
//! let right = |x: &[f64]| vec![2.0 * x[0] * x[1], x[0].powi(2)];
//! let report = check_gradient(&f, &right, &[1.5, -0.5], &CheckConfig::default())?;
//! assert_eq!(report.verdict(), Verdict::Pass);
//!
//! // A ReLU at exactly 0 is a kink, not a false failure, for any valid subgradient.
//! let relu = |x: &[f64]| x[0].max(0.0);
//! let convention = |_: &[f64]| vec![0.0]; // relu'(0) = 0, the exercise sheet's choice
//! assert_eq!(check_gradient(&relu, &convention, &[0.0], &CheckConfig::default())?.verdict(), Verdict::Kink);
//!
//! // A wrong gradient is a report with the evidence, not an error.
//! let wrong = |x: &[f64]| vec![x[0] * x[1], x[0].powi(2)];
//! let report = check_gradient(&f, &wrong, &[1.5, -0.5], &CheckConfig::default())?;
//! assert_eq!(report.verdict(), Verdict::Fail);
//! assert_eq!(report.failures()[0].input, 0);
//! # Ok::<(), gradient_oracle::OracleError>(())
//! ```
//!
//! [`check_gradient`], [`check_jacobian`] and [`check_gradient_parallel`]
//! decide per coordinate with a two-point look (2 evaluations) and the
//! third-order stencil (3 more where the look cannot confirm), escalating only unsure
//! coordinates to higher-order and central differences, Ridders' extrapolation
//! and a kink analysis, judged against the function's measured noise ([`check`]
//! has the rule); [`numeric`] has the estimators (finite differences, Ridders,
//! Ridders with adaptive steps, directions, dual numbers, the noise estimate).
//!
//! ## Second derivatives
//!
//! [`check_hessian`] judges a claimed Hessian against differences of the
//! gradient (every entry with the first-order checker's error bars and kink
//! analysis; asymmetric claims and missing cross terms named), and
//! [`check_hvp`] a Hessian-vector product along seeded random directions,
//! entry by entry where one disagrees.
//!
//! ```
//! use gradient_oracle::{check_hessian, CheckConfig, Verdict};
//! use gradient_oracle::nalgebra::DMatrix;
//! let grad = |x: &[f64]| vec![2.0 * x[0] * x[1], x[0] * x[0]]; // f = x0^2 x1
//! let transposed_slip = |x: &[f64]| DMatrix::from_row_slice(2, 2, &[2.0 * x[1], 2.0 * x[0], 0.0, 0.0]);
//! let report = check_hessian(&grad, &transposed_slip, &[1.5, -0.5], &CheckConfig::default())?;
//! assert_eq!(report.verdict(), Verdict::Fail);
//! assert!(report.diagnosis().unwrap().contains("not symmetric"));
//! # Ok::<(), gradient_oracle::OracleError>(())
//! ```
//!
//! ## The exercise sheet's models
//!
//! - Exercise 1: the scalar chain network and its delta recursion ([`ChainNetwork`]).
//! - Exercise 2: the 2-3-1 ReLU/tanh network ([`Mlp`]) and its training trace
//!   under three conventions ([`train`]).
//! - Exercise 3: softmax with its Jacobian ([`softmax`], [`softmax_jacobian`])
//!   and the multiclass hinge loss ([`softmax_hinge_gradient`]).
//! - Exercise 4: backpropagation under a memory budget ([`backprop`] with
//!   [`Strategy`]: store-all, every-k, optimal binomial checkpointing).
//!
//! ```
//! use gradient_oracle::{Activation, ChainNetwork};
//! let net = ChainNetwork::new(vec![2.0, 3.0], vec![Activation::Identity; 2])?;
//! let fwd = net.forward(1.0, 0.0)?;               // y_out = 6
//! let grads = net.backward(&fwd)?;
//! assert_eq!(grads.grad_weights, vec![18.0, 12.0]); // (6-0)*3*1, (6-0)*2
//! # Ok::<(), gradient_oracle::OracleError>(())
//! ```
//!
//! ## The models as objectives
//!
//! Each model is one [`Objective`] (its value, hand-derived gradient or
//! Jacobian, exact dual-number derivative and kinks), and [`Sampler`] draws
//! seeded instances and points on or away from the kinks;
//! [`check_objective`] checks the model's own backward pass.
//!
//! ```
//! use gradient_oracle::{check_objective, CheckConfig, Objective, Verdict};
//! let hinge = Objective::SoftmaxHinge { label: 1, margin: 1.0 };
//! let o = [2.0, 1.0, 0.1, -0.5];
//! assert_eq!(check_objective(&hinge, &o, &CheckConfig::default())?.verdict(), Verdict::Pass);
//! # Ok::<(), gradient_oracle::OracleError>(())
//! ```
//!
//! ## Grade a student
//!
//! [`grade`] grades answer files (typed formulas and the numbers of a
//! hand-run trace, with error carried forward) and Rust code (the
//! `grade_submission!` macro). The `gradient-oracle` command runs all of it
//! from the shell; `docs/` in the repository has the worked solutions, the
//! user's guide and the instructor's guide.
//!
//! Every public function that takes user input returns [`Result`] with a typed
//! [`OracleError`] naming the input; none panics on bad input.
//!
//! ## Cargo features
//!
//! | feature | what it adds | crates it pulls |
//! |---|---|---|
//! | `cli` (default) | the `gradient-oracle` command; implies all below | clap, indicatif, plotters, serde_json |
//! | `proptest` (default) | `gradient_oracle::proptest`: strategies aimed at kinks or away from them, shrinking toward a generic point; `prop_assert_gradient!`, `prop_assert_jacobian!`, `prop_assert_hessian!` | proptest |
//! | `grade` | [`grade`](crate#grade-a-student): answer files, formulas, Rust submissions | evalexpr, proptest |
//! | `files` | `files`: TOML loaders for networks, data, answers | toml |
//! | `parallel` | `check_gradient_parallel` | rayon |
//! | `ndarray` | `gradient_oracle::ndarray`: the checks on `ArrayView1` points with `Array1` / `Array2` claims | ndarray |
//! | `candle` | `adapters::candle`: candle's backward pass, by tensor name and index | candle-core |
//! | `burn` | `adapters::burn`: a burn module's backward pass (ndarray backend, autodiff) | burn |
//!
//! As a library (the crate is not published: a path or git dependency),
//! `gradient-oracle = { path = "../gradient-oracle", default-features = false }`
//! gives the models and the checkers on nalgebra, num-dual, rand, serde and
//! thiserror alone (33 crates). The matrices it takes and returns are
//! [`nalgebra`]'s, re-exported: use `gradient_oracle::nalgebra::DMatrix`.
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
pub use models::mlp::{
    BatchResult, Dataset, Mlp, SampleRecord, mlp_loss, mlp_loss_and_gradient_f64, mlp_loss_f64,
};
pub use models::mlp_hvp::mlp_hvp;
pub use models::objective::{Kink, Objective};
pub use models::sampler::{Placement, Sample, Sampler};
pub use models::softmax::{
    jacobian_from_probabilities, jvp_from_probabilities, softmax, softmax_jacobian, softmax_jvp,
    softmax_unchecked, softmax_vjp,
};
pub use models::training::{IterationRecord, Trace, TrainConfig, UpdateMode, train};
#[cfg(any(feature = "candle", feature = "burn"))]
pub mod adapters;
pub mod check;
#[cfg(feature = "files")]
pub mod files;
#[cfg(feature = "grade")]
pub mod grade;
#[cfg(feature = "ndarray")]
pub mod ndarray;
pub mod numeric;
#[cfg(feature = "proptest")]
pub mod proptest;

#[cfg(feature = "parallel")]
pub use check::check_gradient_parallel;
pub use check::{
    CONTROL_OFFSET, CheckConfig, CheckReport, DEFAULT_MAX_RESOLUTION, DirectionalSummary,
    EntryCheck, Evidence, MAX_DIRECTIONS, MAX_KINK_LEVELS, MIXED_CLAIM_ROUNDING, MatrixClaim,
    Method, NamedReport, NegativeControl, ParameterLayout, TensorSlot, Verdict, check_gradient,
    check_gradient_mixed, check_jacobian, check_objective,
};
pub use check::{DEFAULT_HVP_DIRECTIONS, check_hessian, check_hvp, check_objective_second_order};
/// The nalgebra this crate is built with: matrices passed to and returned by
/// it (`DMatrix` Jacobians, `Mlp::new`) must be of this version; use
/// `gradient_oracle::nalgebra` to be sure.
pub use nalgebra;
/// The rand this crate is built with (0.9): [`Sampler::sample`] takes any
/// `rand::Rng` of this version; `gradient_oracle::rand::rngs::StdRng` is one.
pub use rand;

#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

// The guide has proptest and ndarray sections, so its doctests run with both
// features (CI's --all-features step); tests/doc_snippets.rs builds every
// snippet with exactly the features it names.
#[cfg(all(doctest, feature = "proptest", feature = "ndarray"))]
#[doc = include_str!("../docs/guide.md")]
struct GuideDoctests;
