//! Perturb, evaluate, restore: the one step every stencil takes.
//!
//! A finite difference evaluates f at $x + t e_i$: it sets $x_i$ to
//! $x_i + t$, evaluates, and puts $x_i$ back exactly (the saved value, not
//! $(x_i + t) - t$, which rounding would move). Every stencil in this crate
//! (the checker's, the fixed schemes, Ridders', Ridders' with adaptive steps)
//! goes through [`at_offset`].

use crate::float::Real;

/// `eval` at `x` with coordinate `i` moved by `offset`; `x` is restored
/// exactly before returning.
///
/// ```
/// use gradient_oracle::numeric::probe::at_offset;
/// let mut x = [0.1, 0.2];
/// let v = at_offset(&mut x, 1, 0.5, |p| p[0] + p[1]);
/// assert_eq!(v, 0.1 + (0.2 + 0.5));
/// assert_eq!(x, [0.1, 0.2]);
/// ```
pub fn at_offset<F: Real, T>(x: &mut [F], i: usize, offset: F, eval: impl FnOnce(&[F]) -> T) -> T {
    let saved = x[i];
    x[i] = saved + offset;
    let value = eval(x);
    x[i] = saved;
    value
}
