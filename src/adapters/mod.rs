//! Checks of real autodiff frameworks' backward passes: every parameter
//! tensor flattened into one checked vector, the verdict reported back by
//! tensor name and index ([`NamedReport`](crate::NamedReport)).
//!
//! | feature | module | what it checks |
//! |---|---|---|
//! | `candle` | [`candle`](mod@candle) | a closure of candle tensors, its `backward()` |
//! | `burn` | [`burn`](mod@burn) | a burn module or closure on the autodiff ndarray backend |
//!
//! Both evaluate an `f32` model's graph in `f64` where it runs there, and
//! judge the `f32` gradient against it with [`check_gradient_mixed`](crate::check_gradient_mixed)
//! (the `f32` claim is allowed its own rounding); a graph that does not run
//! in `f64` is checked in its own dtype, with the resolution `f32` allows,
//! and the report says which.

#[cfg(feature = "burn")]
pub mod burn;
#[cfg(feature = "candle")]
pub mod candle;
mod judge;
