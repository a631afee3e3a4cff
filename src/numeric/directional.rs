//! Directional derivatives along seeded random directions.
//!
//! For a unit direction $v$, $\nabla f \cdot v = \lim_{h\to0}
//! \frac{f(x + hv) - f(x - hv)}{2h}$: one central difference (2 evaluations)
//! checks every coordinate at once, so $d$ directions cost $2d$ evaluations
//! instead of $2n$. A wrong gradient $g \ne \nabla f$ escapes a random $v$
//! only if $v \perp (g - \nabla f)$, which has probability 0 for continuous
//! random directions.
//!
//! Directions are Rademacher vectors ($\pm 1$ entries) divided by $\sqrt n$,
//! drawn from a seeded ChaCha generator, so a run is reproducible.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::float::{Real, cst};

/// `count` unit directions in $\mathbb{R}^n$ from `seed`.
pub fn random_directions<F: Real>(seed: u64, n: usize, count: usize) -> Vec<Vec<F>> {
    RandomDirections::new(seed, n).take(count).collect()
}

/// The directions of [`random_directions`], drawn one at a time: memory for
/// one direction, however many are asked for.
#[derive(Debug, Clone)]
pub struct RandomDirections<F> {
    rng: StdRng,
    n: usize,
    scale: F,
}

impl<F: Real> RandomDirections<F> {
    /// The sequence of unit directions in $\mathbb{R}^n$ from `seed`.
    pub fn new(seed: u64, n: usize) -> Self {
        Self {
            rng: StdRng::seed_from_u64(seed),
            n,
            scale: F::one() / cst::<F>(n.max(1) as f64).sqrt(),
        }
    }
}

impl<F: Real> Iterator for RandomDirections<F> {
    type Item = Vec<F>;

    fn next(&mut self) -> Option<Vec<F>> {
        let (rng, scale) = (&mut self.rng, self.scale);
        Some(
            (0..self.n)
                .map(|_| {
                    // A continuous magnitude in [0.5, 1.5) avoids the orthogonal
                    // cancellations a pure sign vector can hit on structured errors.
                    let m: f64 = rng.random_range(0.5..1.5);
                    let s = if rng.random::<bool>() { m } else { -m };
                    cst::<F>(s) * scale
                })
                .collect(),
        )
    }
}

/// The central difference of `f` along `v` at `x` with step `h` (2 evaluations).
/// `work` is scratch space of the same length as `x`.
pub fn directional_derivative<F: Real>(
    f: &mut impl FnMut(&[F]) -> F,
    x: &[F],
    v: &[F],
    h: F,
    work: &mut [F],
) -> (F, F, F) {
    for ((w, xi), vi) in work.iter_mut().zip(x).zip(v) {
        *w = *xi + h * *vi;
    }
    let plus = f(work);
    for ((w, xi), vi) in work.iter_mut().zip(x).zip(v) {
        *w = *xi - h * *vi;
    }
    let minus = f(work);
    ((plus - minus) / (h + h), plus, minus)
}
