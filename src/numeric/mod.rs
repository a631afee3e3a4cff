//! The numerical side: derivative estimates from function values, model-agnostic
//! (plain closures over slices). Each function documents its evaluation count.

pub mod adaptive;
pub mod differences;
pub mod directional;
pub mod dual;
pub mod extrapolation;
pub mod noise;
pub mod probe;
pub mod sampling;
