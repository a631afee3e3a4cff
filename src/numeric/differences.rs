//! Finite-difference stencils and their optimal steps.
//!
//! | scheme | formula | error | evaluations | optimal base step |
//! |---|---|---|---|---|
//! | forward | $\frac{f(x+h)-f(x)}{h}$ | $\frac h2 f''$ | 1 (+ $f(x)$, shared) | $\sqrt{\varepsilon}$ |
//! | backward | $\frac{f(x)-f(x-h)}{h}$ | $\frac h2 f''$ | 1 (+ $f(x)$, shared) | $\sqrt{\varepsilon}$ |
//! | central | $\frac{f(x+h)-f(x-h)}{2h}$ | $\frac{h^2}{6} f'''$ | 2 | $\varepsilon^{1/3}$ |
//! | third order | $\frac{-2f(x-h)-3f(x)+6f(x+h)-f(x+2h)}{6h}$ | $\frac{h^3}{12} f^{(4)}$ | 3 (+ $f(x)$, shared) | $\varepsilon^{1/4}$ |
//! | central, 4th order | $\frac{-f(x+2h)+8f(x+h)-8f(x-h)+f(x-2h)}{12h}$ | $\frac{h^4}{30} f^{(5)}$ | 4 | $\varepsilon^{1/5}$ |
//!
//! The optimal step balances truncation ($\propto h^p$) against rounding
//! ($\propto \varepsilon |f| / h$): $h^\ast \propto \varepsilon^{1/(p+1)}$.
//! With $\varepsilon$ the machine epsilon of the float type, that is about
//! $1.5\cdot10^{-8}$, $6\cdot10^{-6}$, $1.2\cdot10^{-4}$ and $7\cdot10^{-4}$ in `f64`, and
//! $3.5\cdot10^{-4}$, $4.9\cdot10^{-3}$, $1.9\cdot10^{-2}$ and $4.1\cdot10^{-2}$ in `f32`
//! (orders 1, 2, 3, 4). The third-order stencil is the checker's first pass: of
//! the estimates that 3 new evaluations buy it is the most accurate, about
//! $10^{-11}$ where central differences reach $10^{-10}$ to $3\cdot10^{-9}$.
//! The step for coordinate $i$ is scaled by $\max(1, |x_i|)$ and then rounded
//! so that $x_i + h$ is exactly representable (the step actually taken is the
//! step divided by).
//!
//! Evaluation perturbs one coordinate in place, evaluates and restores it: no
//! copy of $x$ per coordinate.

use crate::float::{Real, cst};
use crate::numeric::probe::at_offset;

/// A finite-difference stencil.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DifferenceScheme {
    /// $(f(x+h) - f(x))/h$, first order.
    Forward,
    /// $(f(x) - f(x-h))/h$, first order.
    Backward,
    /// $(f(x+h) - f(x-h))/(2h)$, second order.
    Central,
    /// The four-point stencil on $x-h, x, x+h, x+2h$, third order: the most
    /// accurate estimate from 3 new evaluations (the checker's first pass).
    ThirdOrder,
    /// The five-point stencil, fourth order.
    Central4,
}

impl DifferenceScheme {
    /// Every scheme.
    pub const ALL: [DifferenceScheme; 5] = [
        DifferenceScheme::Forward,
        DifferenceScheme::Backward,
        DifferenceScheme::Central,
        DifferenceScheme::ThirdOrder,
        DifferenceScheme::Central4,
    ];

    /// The scheme's name.
    pub fn name(self) -> &'static str {
        match self {
            DifferenceScheme::Forward => "forward",
            DifferenceScheme::Backward => "backward",
            DifferenceScheme::Central => "central",
            DifferenceScheme::ThirdOrder => "third-order",
            DifferenceScheme::Central4 => "central4",
        }
    }

    /// The order of accuracy $p$ (error $\propto h^p$).
    pub fn order(self) -> i32 {
        match self {
            DifferenceScheme::Forward | DifferenceScheme::Backward => 1,
            DifferenceScheme::Central => 2,
            DifferenceScheme::ThirdOrder => 3,
            DifferenceScheme::Central4 => 4,
        }
    }

    /// Function evaluations per coordinate, not counting the shared $f(x)$.
    pub fn evaluations(self) -> usize {
        match self {
            DifferenceScheme::Forward | DifferenceScheme::Backward => 1,
            DifferenceScheme::Central => 2,
            DifferenceScheme::ThirdOrder => 3,
            DifferenceScheme::Central4 => 4,
        }
    }

    /// The classic optimal base step $\varepsilon^{1/(p+1)}$ for float type `F`.
    pub fn optimal_step<F: Real>(self) -> F {
        let eps = F::epsilon();
        eps.powf(F::one() / cst::<F>(f64::from(self.order() + 1)))
    }

    /// The derivative of `f` along coordinate `i` at `x` with step `h`
    /// (`fx` is $f(x)$, used by the one-sided schemes).
    ///
    /// `x` is perturbed and restored exactly.
    pub fn estimate<F: Real>(
        self,
        f: &mut impl FnMut(&[F]) -> F,
        x: &mut [F],
        i: usize,
        h: F,
        fx: F,
    ) -> F {
        let mut at = |offset: F| at_offset(x, i, offset, &mut *f);
        match self {
            DifferenceScheme::Forward => (at(h) - fx) / h,
            DifferenceScheme::Backward => (fx - at(-h)) / h,
            DifferenceScheme::Central => (at(h) - at(-h)) / (h + h),
            DifferenceScheme::ThirdOrder => {
                third_order(at(-h), fx, at(h), at(cst::<F>(2.0) * h), h)
            }
            DifferenceScheme::Central4 => {
                let two = cst::<F>(2.0);
                let (p1, m1, p2, m2) = (at(h), at(-h), at(two * h), at(-two * h));
                fourth_order(m2, m1, p1, p2, h)
            }
        }
    }
}

/// The third-order stencil from $f(x-h), f(x), f(x+h), f(x+2h)$:
/// $(-2f_{-1} - 3f_0 + 6f_1 - f_2)/(6h)$. Its coefficients sum to 0 and its
/// moments $\sum_k c_k k^m$ are $6, 0, 0$ for $m = 1, 2, 3$ and $-12$ for
/// $m = 4$, hence the error $-\frac{h^3}{12} f^{(4)}$; the rounding is at most
/// $\frac{2+3+6+1}{6}\,\varepsilon|f|/h = 2\varepsilon|f|/h$.
pub fn third_order<F: Real>(minus: F, at_x: F, plus: F, plus2: F, h: F) -> F {
    (cst::<F>(6.0) * plus - cst::<F>(2.0) * minus - cst::<F>(3.0) * at_x - plus2)
        / (cst::<F>(6.0) * h)
}

/// The fourth-order central stencil from $f(x-2h), f(x-h), f(x+h), f(x+2h)$:
/// $(8(f_1 - f_{-1}) - (f_2 - f_{-2}))/(12h)$, error $-\frac{h^4}{30} f^{(5)}$.
pub fn fourth_order<F: Real>(minus2: F, minus: F, plus: F, plus2: F, h: F) -> F {
    (cst::<F>(8.0) * (plus - minus) - (plus2 - minus2)) / (cst::<F>(12.0) * h)
}

/// The step for coordinate value `xi`: `base * max(1, |xi|)`, adjusted so that
/// `xi + h` and `xi - h` are exactly representable and `h` is the true distance.
pub fn scaled_step<F: Real>(base: F, xi: F) -> F {
    step_within(base, xi, F::one().max(xi.abs()))
}

/// The step `base * width` at coordinate value `xi`, adjusted as in
/// [`scaled_step`]: for a width other than $\max(1, |x_i|)$ (the checker
/// narrows it where f's domain ends close to $x_i$).
pub fn step_within<F: Real>(base: F, xi: F, width: F) -> F {
    let h = base * width;
    // (xi + h) - xi is the step the float grid actually takes.
    let exact = (xi + h) - xi;
    if exact > F::zero() { exact } else { h }
}

/// The full gradient of `f` at `x` by one scheme with its optimal step:
/// $n \cdot$ [`DifferenceScheme::evaluations`] evaluations, plus one for $f(x)$.
pub fn gradient<F: Real>(
    scheme: DifferenceScheme,
    mut f: impl FnMut(&[F]) -> F,
    x: &[F],
) -> Vec<F> {
    gradient_with_step(scheme, &mut f, x, scheme.optimal_step())
}

/// As [`gradient`], with a given base step (scaled by $\max(1, |x_i|)$).
pub fn gradient_with_step<F: Real>(
    scheme: DifferenceScheme,
    f: &mut impl FnMut(&[F]) -> F,
    x: &[F],
    base_step: F,
) -> Vec<F> {
    let mut work = x.to_vec();
    let fx = f(&work);
    (0..x.len())
        .map(|i| {
            let h = scaled_step(base_step, x[i]);
            scheme.estimate(f, &mut work, i, h, fx)
        })
        .collect()
}
