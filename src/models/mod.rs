//! The analytic side: the exercise sheet's networks, their forward and
//! backward passes. Models know nothing of checking.

pub mod activation;
pub mod chain;
pub mod checkpoint;
pub mod classic;
pub mod dataset;
pub mod hinge;
pub mod mlp;
pub mod mlp_fast;
pub mod mlp_hvp;
pub mod mlp_steps;
pub mod objective;
pub mod sampler;
pub mod softmax;
pub mod training;
