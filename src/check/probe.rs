//! The probe and its cache: `Evaluator` perturbs one coordinate (or moves
//! along a direction), evaluates f, restores the point and counts; it notes a
//! value of f that is not finite (the step crossed the edge of f's domain).
//! `Scratch` holds the values of f each stage took along the coordinate, so
//! that later stages reuse them instead of evaluating again, and the buffers
//! reused across coordinates (no allocation per coordinate on the pass path).

use crate::float::{Real, cst};
use crate::numeric::probe::at_offset;
use rand::Rng;
use rand::rngs::StdRng;

/// Counts evaluations and perturbs one coordinate at a time.
pub(super) struct Evaluator<'a, F, E> {
    pub(super) eval: &'a mut E,
    pub(super) work: Vec<F>,
    pub(super) count: usize,
    /// Some value f returned at a perturbed point was NaN or infinite (the
    /// step crossed the edge of f's domain).
    pub(super) nonfinite: bool,
}

impl<F: Real, E: FnMut(&[F], &mut [F])> Evaluator<'_, F, E> {
    pub(super) fn at(&mut self, i: usize, offset: F, out: &mut [F]) {
        let eval = &mut *self.eval;
        at_offset(&mut self.work, i, offset, |p| eval(p, out));
        self.count += 1;
        self.nonfinite |= out.iter().any(|v| !v.is_finite());
    }

    /// Runs `read` (a look beyond the stages' own steps) and gives its
    /// result, or `None` where f was not finite at one of its points: the
    /// look left f's domain and says nothing. The stages' own record of
    /// a non-finite f is left as it was.
    pub(super) fn within_domain<T>(&mut self, read: impl FnOnce(&mut Self) -> T) -> Option<T> {
        let before = self.nonfinite;
        self.nonfinite = false;
        let result = read(self);
        let left_domain = self.nonfinite;
        self.nonfinite = before;
        (!left_domain).then_some(result)
    }

    pub(super) fn along(&mut self, x: &[F], v: &[F], t: F, out: &mut [F]) {
        for ((w, xi), vi) in self.work.iter_mut().zip(x).zip(v) {
            *w = *xi + t * *vi;
        }
        (self.eval)(&self.work, out);
        self.work.copy_from_slice(x);
        self.count += 1;
    }
}

/// Buffers reused across coordinates (no allocation per coordinate on the pass path).
pub(super) struct Scratch<F> {
    pub(super) plus: Vec<F>,
    pub(super) minus: Vec<F>,
    pub(super) plus2: Vec<F>,
    pub(super) minus2: Vec<F>,
    /// f at x - 2 h3, x - h3, x + h3, x + 2 h3: the first pass's stencil, kept for
    /// the kink analysis.
    pub(super) wide: [Vec<F>; 4],
    /// f at x + 4 h3 and x - 4 h3, once evaluated for this coordinate: the
    /// fourth difference at 2 h3 (kink evidence) and the wide stencil's kinks.
    pub(super) far: Option<[Vec<F>; 2]>,
    /// Whether `plus` and `minus` already hold f at $x \pm h$ (the central
    /// step) for this coordinate: the `f32` first pass reads them.
    pub(super) central_ready: bool,
    pub(super) pending: Vec<bool>,
    /// Per output, what the fourth differences say of f at the first pass's
    /// scale: see [`structure_at_h3`].
    pub(super) structure: Vec<Structure>,
    /// Per output, the jump of a kink at x that $n_3 - n_4$ implies, $6|n_3 - n_4|$.
    pub(super) jump: Vec<F>,
    /// The two-point look's steps $h_+$ and $h_-$, where it ran for this
    /// coordinate: the first pass's $n_4$ must hold at its scale.
    pub(super) look_steps: Option<(F, F)>,
    /// Per output, the look's estimate $d$ and the magnitude $\nu$ of the
    /// values it came from (read where `look_steps` is set).
    pub(super) look: Vec<(F, F)>,
}

impl<F: Real> Scratch<F> {
    pub(super) fn new(m: usize) -> Self {
        Self {
            plus: vec![F::zero(); m],
            minus: vec![F::zero(); m],
            plus2: vec![F::zero(); m],
            minus2: vec![F::zero(); m],
            wide: std::array::from_fn(|_| vec![F::zero(); m]),
            far: None,
            central_ready: false,
            pending: vec![false; m],
            structure: vec![Structure::Unseen; m],
            jump: vec![F::zero(); m],
            look_steps: None,
            look: vec![(F::zero(), F::zero()); m],
        }
    }

    /// Whether a central estimate whose one-sided gaps are `gaps` may pass
    /// output `o` within `tol`: no kink was seen at the first pass's scale,
    /// or the jump seen could move a central estimate by no more than `tol`
    /// (half the jump), or these gaps are well under the jump, so that the
    /// kink lies outside their steps (a kink within them leaves a gap near
    /// its jump).
    pub(super) fn kink_clear_of(&self, o: usize, gaps: &[F], tol: F) -> bool {
        let jump = self.jump[o];
        self.structure[o] != Structure::Kink
            || jump <= cst::<F>(2.0) * tol
            || (!gaps.is_empty() && gaps.iter().all(|g| g.abs() < jump / cst::<F>(4.0)))
    }
}

/// What the fourth differences say of f along a coordinate at the first
/// pass's scale $h_3$.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Structure {
    /// Not looked at: $|n_3 - n_4|$ (the fourth difference over $12h_3$) is
    /// within its rounding, so no kink of consequence lies within $2h_3$.
    Unseen,
    /// The fourth difference follows the $h^4$ law from $h_3$ to $2h_3$
    /// (grows 11 to 23 times, one sign): f is smooth there, and
    /// $|n_3 - n_4|/16$ bounds $n_4$'s truncation.
    Smooth,
    /// Neither law: noise (call-to-call noise makes $|n_3 - n_4|$ large at
    /// any ratio), or a smooth f beyond its asymptotic range. The gap bounds
    /// nothing: before f's noise is measured, the fourth-order value passes
    /// nothing.
    Unexplained,
    /// It does not (a kink within $4h_3$ makes it grow like $h$, not $h^4$):
    /// no central estimate is trusted to pass a claim; the kink analysis decides.
    Kink,
}

/// `x` with every coordinate moved by `scale` times one or two units in the
/// last place (relative to the coordinate), random signs: a point where
/// every operation of a function or a claim rounds afresh while the true
/// values barely move (`claim.rs`, `value_rounding.rs`). A coordinate at
/// exactly 0 moves by units of 1 (the probe width there), as in
/// [`ulp_pair`]: its own ulp is subnormal, or 0 times $\varepsilon$, and
/// did not move it at all (an `f32` claim $1.14\,\sigma(x) - 0.58\cos(0.87x)$
/// at $x = 0$, cancelling to $-4.7\cdot10^{-3}$ from terms of 0.57, showed
/// no rounding and read Fail $3\cdot10^{-8}$ off).
pub(super) fn ulp_moved<G: Real>(rng: &mut StdRng, x: &[G], scale: f64) -> Vec<G> {
    moved_by_units(rng, x, scale, unit_of)
}

/// The unit a coordinate moves by: $|x_i|$, or 1 at exactly 0.
fn unit_of<G: Real>(xi: G) -> G {
    if xi == G::zero() { G::one() } else { xi.abs() }
}

/// `x` with every coordinate moved by `scale` times one or two of `unit(x_i)`
/// times $\varepsilon$, random signs.
fn moved_by_units<G: Real>(rng: &mut StdRng, x: &[G], scale: f64, unit: impl Fn(G) -> G) -> Vec<G> {
    x.iter()
        .map(|xi| {
            let ulps = cst::<G>(scale * f64::from(rng.random_range(1..=2_u8)));
            let sign = if rng.random_bool(0.5) {
                G::one()
            } else {
                -G::one()
            };
            *xi + sign * ulps * G::epsilon() * unit(*xi)
        })
        .collect()
}

/// The pair $x \pm \delta$, with $x + \delta$ as [`ulp_moved`] draws it,
/// except that a coordinate at exactly 0 moves by units of 1 (the probe
/// width there): its own ulps are subnormal, f rounds to the same values
/// at them, and a pair would measure no rounding at all (an `f32` function
/// at $x = 0$).
pub(super) fn ulp_pair<G: Real>(rng: &mut StdRng, x: &[G], scale: f64) -> (Vec<G>, Vec<G>) {
    let plus = moved_by_units(rng, x, scale, unit_of);
    let minus = x
        .iter()
        .zip(&plus)
        .map(|(xi, p)| *xi - (*p - *xi))
        .collect();
    (plus, minus)
}

/// $|(v_+ + v_-)/2 - v_0|$: what is left of values at $x \pm \delta$ and x
/// once the linear part cancels (curvature and rounding).
pub(super) fn half_second_difference<G: Real>(plus: G, minus: G, at_x: G) -> G {
    (cst::<G>(0.5) * (plus + minus) - at_x).abs()
}
