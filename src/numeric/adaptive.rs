//! Ridders' method with adaptive steps: Neville's extrapolation of central
//! differences over four step pairs placed where the function allows, 8
//! evaluations per coordinate, with an error estimate.
//!
//! Fixed steps cannot serve every function. Rounding wants them long: a
//! central difference carries about $\sigma/h$ of it ($\sigma$ the rounding of
//! one evaluation, about $\varepsilon|f|$), so on a loss of 10 a finest step of
//! $2^{-9}$ already leaves $10^{-12}$. Truncation and kinks want them short: a
//! logistic of scale 0.1, or a ReLU kink $2\cdot10^{-3}$ away, spoils any
//! estimate that uses steps beyond them. [`ridders`](super::extrapolation::ridders)
//! with its fixed ladder $2^{-6}, \dots, 2^{-9}$ misses $10^{-12}$ both ways on
//! the benchmark protocol (a softmax hinge of loss 10; kinks inside its steps).
//!
//! **The method.** With the probe step $p = 2^{-8}\sqrt{\max(1,|x_i|)}$ (in
//! `f64`; see [`AdaptiveRiddersConfig::probe_step`]). The square root, where
//! the fixed schemes scale by $\max(1,|x_i|)$, is a compromise: a logit or a
//! weight keeps its kinks and its length scale where they are whatever its
//! size (scaled by $|x_i|$, the probe crossed hinge margins at logits of 5
//! to 8), while a function like $x^3$ far out needs steps that grow with $x$.
//!
//! 1. Central differences $D(p)$ and $D(2p)$ (4 evaluations). Their relative
//!    change $\rho = |D(2p) - D(p)| / \max(1, |D(p)|) \approx 3|c_2|p^2/s$
//!    (with $D(h) = f' + c_2h^2 + c_4h^4 + \dots$ and $s = \max(1,|f'|)$)
//!    measures how far the probe is from the function's length scale $R$:
//!    if the expansion is geometric, $c_{2j} \approx s R^{-2j}$, then
//!    $(p/R)^2 \approx \rho/3$.
//! 2. The four steps end as $T/8, T/4, T/2, T$ with top $T = kp$,
//!    $k \in \{2, 4, 8\}$ (step 3 may change the last one), whichever
//!    minimises the predicted error
//!    $$ E(k) = 3\,\frac{\rho^4 k^8}{81 \cdot 4096} + 1.7\,\frac{8\sigma}{kp\,s}: $$
//!    the first term is what the extrapolation leaves over four steps of
//!    ratio 2 ($c_8 \prod h_j^2 \approx s\,(T/R)^8/4096$, with three times the
//!    derived size for safety), the second the rounding of the finest step
//!    $T/8$, amplified 1.7 times by the extrapolation weights. Here
//!    $\sigma = 2\varepsilon\max|f(x \pm p)|$.
//!    A small $\rho$ (a long length scale, or rounding-limited) moves the
//!    steps up, a large one down.
//! 3. Moving up is checked before it is trusted: after $D(4p)$, the three
//!    differences must follow the $h^2$ law,
//!    $D(4p) - D(2p) = 4\,(D(2p) - D(p))$ within 0.25 % (plus their
//!    rounding).
//!    If they do, the last pair is $8p$; if they do not (a kink or a short
//!    length scale beyond $2p$), the last pair goes to $p/2$ instead.
//!    Moving down is checked too: after $D(p/4)$, if $D(p/4), D(p), D(2p)$
//!    break the $h^2$ law by more than 25 % (a kink within $p$, which $p/2$
//!    would most likely cross as well), the last pair goes to $p/8$ instead
//!    of $p/2$, so that two clean steps remain.
//! 4. Neville's tableau in $h^2$ over the four steps in ascending order,
//!    $$ T_{k,j} = T_{k,j-1} + \frac{T_{k,j-1} - T_{k-1,j-1}}{(h_{k-j}/h_k)^2 - 1}, $$
//!    returns, as Ridders' method does, the entry with the smallest error
//!    estimate $\max(|T_{k,j} - T_{k,j-1}|, |T_{k,j} - T_{k-1,j-1}|)$, and
//!    stops when the diagonal moves away by more than twice that. In
//!    ascending order a step that crossed a kink enters only the last
//!    entries, whose estimates expose it.
//!
//! **The error returned** is the larger of that estimate and a bound on the
//! entry's rounding ($\sigma/h$ for each central difference, carried through
//! the tableau's weights): Ridders' estimate alone is 0 where the differences
//! agree by chance. On the 200 points of the protocol's chain with tanh and
//! sigmoid, its two hinges and its mlp (seed 12345), an actual error above
//! $10^{-14}$ exceeds it at 49 of 9400 coordinates, never by a factor 10
//! (Ridders' estimate alone: at 2 601, 217 of them by more). The bound takes $f$
//! to round like $\varepsilon|f|$; a function computed through much larger
//! intermediates (a sine of a large phase) rounds more, and its error can
//! exceed the estimate.
//!
//! **Cost**: exactly 8 evaluations per coordinate; $f(x)$ is not needed.
//!
//! **Accuracy** (`docs/benchmarks.md`, table (a)): on the protocol's chains
//! and softmax hinges, within $10^{-12}$ of the exact gradient (scaled by
//! $\max(1,|f'|)$) at every coordinate of 200 points for the protocol's seed;
//! over 128 seeds, 6 of 665 600 such coordinates miss it, 5 of them by at
//! most a factor 5.4. The mlp has kinks closer than any step that rounding
//! allows and misses it at 1 % of its coordinates (the fixed ladder: 3.6 %),
//! grossly (above $10^{-6}$) where a kink lies within the probe.

use crate::float::{Real, cst};
use crate::numeric::extrapolation::Extrapolated;
use crate::numeric::probe::at_offset;

/// Settings of Ridders' method with adaptive steps.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AdaptiveRiddersConfig {
    /// The probe step $p_0$ for `f64`, scaled by $\sqrt{\max(1,|x_i|)}$; other
    /// float types scale it by $(\varepsilon/\varepsilon_{64})^{1/9}$, as the
    /// optimal step of an eighth-order scheme moves (0.037 in `f32`).
    pub probe_step: f64,
    /// How closely three differences must follow the $h^2$ law before the
    /// steps move up: the relative deviation allowed in $D(4p) - D(2p)$
    /// against $4(D(2p) - D(p))$.
    pub window: f64,
}

impl Default for AdaptiveRiddersConfig {
    /// $p_0 = 2^{-8}$, a window of 0.25 %.
    fn default() -> Self {
        Self {
            probe_step: 0.00390625,
            window: 0.0025,
        }
    }
}

/// How far below the probe three differences may stray from the $h^2$ law
/// before a kink within the probe is assumed: a kink breaks it grossly, a
/// short length scale only mildly.
const KINK_WINDOW: f64 = 0.25;

/// A central difference and the step it was taken at.
#[derive(Debug, Clone, Copy)]
struct Node<F> {
    step: F,
    value: F,
}

/// Whether three central differences at ascending steps follow
/// $D(h) = f' + c_2 h^2$: the second change is the first times
/// $(h_c^2 - h_b^2)/(h_b^2 - h_a^2)$, within `window` of it plus the
/// differences' rounding ($\sigma/h$ each).
fn follows_h2_law<F: Real>(a: Node<F>, b: Node<F>, c: Node<F>, sigma: F, window: F) -> bool {
    let expected = (c.step * c.step - b.step * b.step) / (b.step * b.step - a.step * a.step);
    let (upper, lower) = (c.value - b.value, b.value - a.value);
    let rounding = sigma / c.step + sigma / b.step + expected * (sigma / b.step + sigma / a.step);
    (upper - expected * lower).abs() <= window * (expected * lower).abs() + rounding
}

/// Neville's tableau in $h^2$ over `nodes` (ascending steps), with Ridders'
/// selection: the entry with the smallest error estimate. Beside each entry
/// the tableau carries a bound on its rounding, from $\sigma/h$ for each
/// central difference through the same weights; the error returned is the
/// larger of the two, so that it never claims more than rounding allows
/// (Ridders' estimate alone can be 0 where the differences agree by chance).
fn neville<F: Real>(nodes: &[Node<F>], sigma: F) -> (F, F) {
    let mut best = (nodes[0].value, F::infinity(), F::infinity());
    let mut prev: Vec<(F, F)> = vec![(nodes[0].value, sigma / nodes[0].step)];
    for k in 1..nodes.len() {
        let mut row = vec![(nodes[k].value, sigma / nodes[k].step)];
        for j in 1..=k {
            let q = nodes[k - j].step / nodes[k].step;
            let weight = F::one() / (q * q - F::one());
            let (here, below) = (row[j - 1], prev[j - 1]);
            let next = here.0 + (here.0 - below.0) * weight;
            let rounding = here.1 * (F::one() + weight).abs() + below.1 * weight.abs();
            let estimate = (next - here.0).abs().max((next - below.0).abs());
            if estimate <= best.1 {
                best = (next, estimate, estimate.max(rounding));
            }
            row.push((next, rounding));
        }
        // Rounding or a spoiled step has taken over: the diagonal moved away.
        if (row[k].0 - prev[k - 1].0).abs() >= cst::<F>(2.0) * best.1 {
            break;
        }
        prev = row;
    }
    (best.0, best.2)
}

/// The probe step for `F`: $p_0 (\varepsilon/\varepsilon_{64})^{1/9}$.
fn probe<F: Real>(config: &AdaptiveRiddersConfig) -> F {
    let ratio = F::epsilon() / cst::<F>(f64::EPSILON);
    cst::<F>(config.probe_step) * ratio.powf(cst::<F>(1.0 / 9.0))
}

/// Ridders' estimate of $\partial f/\partial x_i$ at `x` with adaptive steps
/// (8 evaluations; `x` is restored).
///
/// ```
/// use gradient_oracle::numeric::adaptive::{AdaptiveRiddersConfig, adaptive_ridders};
/// let mut f = |x: &[f64]| 10.0 + (3.0 * x[0]).sin();
/// let mut x = [0.4];
/// let d = adaptive_ridders(&mut f, &mut x, 0, &AdaptiveRiddersConfig::default());
/// assert!((d.value - 3.0 * (1.2f64).cos()).abs() < 1e-12);
/// assert_eq!(d.evaluations, 8);
/// ```
pub fn adaptive_ridders<F: Real>(
    f: &mut impl FnMut(&[F]) -> F,
    x: &mut [F],
    i: usize,
    config: &AdaptiveRiddersConfig,
) -> Extrapolated<F> {
    let saved = x[i];
    // A central difference, and the larger |f| of its two evaluations.
    let mut central_with_size = |h: F| -> (Node<F>, F) {
        let plus = at_offset(x, i, h, &mut *f);
        let minus = at_offset(x, i, -h, &mut *f);
        // The step actually taken, so that x_i +- h need not be representable.
        let step = ((saved + h) - (saved - h)) / cst::<F>(2.0);
        let node = Node {
            step,
            value: (plus - minus) / (step + step),
        };
        (node, plus.abs().max(minus.abs()))
    };
    let two: F = cst(2.0);
    let p = probe::<F>(config) * saved.abs().max(F::one()).sqrt();
    let ((a, size_a), (b, size_b)) = (central_with_size(p), central_with_size(two * p));
    let mut central = |h: F| central_with_size(h).0;
    let sigma = two * F::epsilon() * size_a.max(size_b);
    let scale = a.value.abs().max(F::one());
    let rho = (b.value - a.value).abs() / scale;
    let predicted = |k: f64| {
        let k: F = cst(k);
        let truncation = cst::<F>(3.0 / (81.0 * 4096.0)) * rho.powi(4) * k.powi(8);
        let rounding = cst::<F>(1.7 * 8.0) * sigma / (k * p * scale);
        truncation + rounding
    };
    let (error_2p, error_4p, error_8p) = (predicted(2.0), predicted(4.0), predicted(8.0));
    let four: F = cst(4.0);
    let nodes: [Node<F>; 4] = if error_2p <= error_4p && error_2p <= error_8p {
        // Moving down is checked too: if D(p/4), D(p) and D(2p) do not follow
        // the h^2 law even roughly (a kink within p), p/2 would most likely
        // cross it as well, and the last pair goes to p/8 instead.
        let c = central(p / four);
        if follows_h2_law(c, a, b, sigma, cst(KINK_WINDOW)) {
            [c, central(p / two), a, b]
        } else {
            [central(p / (two * four)), c, a, b]
        }
    } else if error_4p <= error_8p {
        [central(p / two), a, b, central(four * p)]
    } else {
        let c = central(four * p);
        if follows_h2_law(a, b, c, sigma, cst(config.window)) {
            [a, b, c, central(two * four * p)]
        } else {
            [central(p / two), a, b, c]
        }
    };
    let (value, error) = neville(&nodes, sigma);
    Extrapolated {
        value,
        error,
        evaluations: 8,
    }
}

/// The whole gradient by Ridders' method with adaptive steps: 8 evaluations
/// per coordinate.
pub fn adaptive_ridders_gradient<F: Real>(
    mut f: impl FnMut(&[F]) -> F,
    x: &[F],
    config: &AdaptiveRiddersConfig,
) -> Vec<Extrapolated<F>> {
    let mut work = x.to_vec();
    (0..x.len())
        .map(|i| adaptive_ridders(&mut f, &mut work, i, config))
        .collect()
}
