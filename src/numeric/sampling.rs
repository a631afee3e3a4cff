//! Random points: one standard normal draw, used wherever the crate, its
//! command, its grader and its tests draw random weights or logits.

use rand::Rng;

/// A standard normal draw by the Box-Muller transform,
/// $\sqrt{-2\ln u}\,\cos(2\pi v)$ with $u \in [10^{-12}, 1)$ (so the
/// logarithm stays finite) and $v \in [0, 1)$.
///
/// ```
/// use rand::SeedableRng;
/// let mut rng = rand::rngs::StdRng::seed_from_u64(7);
/// let x = gradient_oracle::numeric::sampling::normal(&mut rng);
/// assert!(x.is_finite() && x.abs() < 8.0);
/// ```
pub fn normal<R: Rng + ?Sized>(rng: &mut R) -> f64 {
    let u: f64 = rng.random_range(1e-12..1.0);
    let v: f64 = rng.random_range(0.0..1.0);
    (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
}
