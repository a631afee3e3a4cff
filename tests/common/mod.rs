//! Shared fixtures: the crate's models as closures for the checker, and seeded points.
#![allow(dead_code)]

use gradient_oracle::{
    Activation, ChainNetwork, CheckConfig, CheckReport, Dataset, Mlp, Objective, Real, Verdict,
    chain_loss, check_gradient, check_objective,
};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

pub fn rng(seed: u64) -> StdRng {
    StdRng::seed_from_u64(seed)
}

pub use gradient_oracle::numeric::sampling::normal;

/// The chain loss of weights and its analytic gradient, in `f64` or `f32`.
pub struct ChainCase<F = f64> {
    pub acts: Vec<Activation>,
    pub x_in: F,
    pub y_gt: F,
}

impl<F: Real> ChainCase<F> {
    /// The case and its weights from (weight, activation) layers.
    pub fn from_layers(layers: &[(F, Activation)], x_in: F, y_gt: F) -> (Self, Vec<F>) {
        let case = ChainCase {
            acts: layers.iter().map(|l| l.1).collect(),
            x_in,
            y_gt,
        };
        (case, layers.iter().map(|l| l.0).collect())
    }

    /// Asserts that the checker passes this case's gradient at `w`, and fails
    /// it with each listed entry scaled by its factor (one wrong entry beside
    /// its correct twin).
    pub fn assert_passes_and_catches(&self, w: &[F], wrong: &[(usize, F)]) {
        self.assert_passes_and_catches_with(w, wrong, &CheckConfig::default());
    }

    /// [`ChainCase::assert_passes_and_catches`] with the given settings.
    pub fn assert_passes_and_catches_with(&self, w: &[F], wrong: &[(usize, F)], cfg: &CheckConfig) {
        let (f, grad) = (self.f(), self.grad());
        let report = check_gradient(&f, &grad, w, cfg).unwrap();
        assert_eq!(report.verdict(), Verdict::Pass, "{report}");
        for &(k, factor) in wrong {
            let report = check_with_entry_scaled(&f, &grad, w, k, factor);
            assert_eq!(
                report.verdict(),
                Verdict::Fail,
                "entry {k} times {factor}: {report}"
            );
        }
    }

    pub fn f(&self) -> impl Fn(&[F]) -> F + '_ {
        move |w| chain_loss(w, &self.acts, self.x_in, self.y_gt)
    }
    pub fn grad(&self) -> impl Fn(&[F]) -> Vec<F> + '_ {
        move |w| {
            ChainNetwork::new(w.to_vec(), self.acts.clone())
                .unwrap()
                .loss_and_gradient(self.x_in, self.y_gt)
                .unwrap()
                .1
        }
    }
}

/// The checker's report on `grad` with entry `k` scaled by `factor`: one
/// wrong entry beside its correct twin.
pub fn check_with_entry_scaled<F: Real>(
    f: &dyn Fn(&[F]) -> F,
    grad: &dyn Fn(&[F]) -> Vec<F>,
    x: &[F],
    k: usize,
    factor: F,
) -> CheckReport {
    let scaled = |p: &[F]| {
        let mut v = grad(p);
        v[k] *= factor;
        v
    };
    check_gradient(f, &scaled, x, &CheckConfig::default()).unwrap()
}

pub struct MlpCase {
    pub hidden: usize,
    pub data: Dataset,
    pub shape: Mlp,
}

impl MlpCase {
    pub fn objective(&self) -> Objective {
        Objective::Mlp {
            hidden: self.hidden,
            data: self.data.clone(),
        }
    }
    pub fn f(&self) -> impl Fn(&[f64]) -> f64 {
        let objective = self.objective();
        move |p| objective.loss(p)
    }
    pub fn grad(&self) -> impl Fn(&[f64]) -> Vec<f64> {
        let objective = self.objective();
        move |p| objective.gradient(p).unwrap()
    }
}

pub fn random_mlp(rng: &mut StdRng, n: usize, d: usize, h: usize) -> (MlpCase, Vec<f64>) {
    let x: Vec<Vec<f64>> = (0..n)
        .map(|_| (0..d).map(|_| normal(rng)).collect())
        .collect();
    let y: Vec<f64> = (0..n).map(|_| rng.random_range(-1.0..1.0)).collect();
    let data = Dataset::from_rows(&x, &y).unwrap();
    let w: Vec<Vec<f64>> = (0..h)
        .map(|_| (0..d).map(|_| normal(rng)).collect())
        .collect();
    let w_out: Vec<f64> = (0..h).map(|_| normal(rng) / (h as f64).sqrt()).collect();
    let shape = Mlp::from_rows(&w, &w_out).unwrap();
    let p = shape.parameters();
    (
        MlpCase {
            hidden: h,
            data,
            shape,
        },
        p,
    )
}

pub fn hinge_f(label: usize, margin: f64) -> impl Fn(&[f64]) -> f64 {
    let hinge = Objective::SoftmaxHinge { label, margin };
    move |o| hinge.loss(o)
}

pub fn hinge_grad(label: usize, margin: f64) -> impl Fn(&[f64]) -> Vec<f64> {
    let hinge = Objective::SoftmaxHinge { label, margin };
    move |o| hinge.gradient(o).unwrap()
}

/// The default check of the softmax-hinge gradient at logits `o`.
pub fn check_hinge(o: &[f64], label: usize, margin: f64) -> CheckReport {
    let hinge = Objective::SoftmaxHinge { label, margin };
    check_objective(&hinge, o, &CheckConfig::default()).unwrap()
}

/// The default check of the softmax Jacobian at logits `o`.
pub fn check_softmax_jacobian(o: &[f64]) -> CheckReport {
    check_objective(&Objective::Softmax, o, &CheckConfig::default()).unwrap()
}

/// A fresh uniform draw in [-1, 1] per call (splitmix64 over a counter), as
/// from a nondeterministic reduction: noise that changes from call to call.
pub fn uniform(counter: &std::sync::atomic::AtomicU64) -> f64 {
    let mut z = counter
        .fetch_add(0x9e37_79b9_7f4a_7c15, std::sync::atomic::Ordering::Relaxed)
        .wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^= z >> 31;
    (z >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0
}

/// A smooth function of two inputs, for the verdict and noise tests.
pub fn smooth(x: &[f64]) -> f64 {
    x[0].sin() * x[1] + x[1].cos() * x[0] * x[0]
}

/// Its gradient, by hand.
pub fn smooth_grad(x: &[f64]) -> Vec<f64> {
    vec![
        x[0].cos() * x[1] + 2.0 * x[1].cos() * x[0],
        x[0].sin() - x[1].sin() * x[0] * x[0],
    ]
}

/// The verdict is ok with a resolution within `max_resolution` (a Pass or Kink
/// that could have caught a claim that far off), or Inconclusive because no
/// finite difference resolves the claim that finely (a saturated softmax row of
/// 1e-12 entries under p = 1): the two honest answers for a correct claim.
pub fn ok_or_unresolvable(report: &CheckReport) -> bool {
    let max = CheckConfig::default().max_resolution;
    match report.verdict() {
        Verdict::Pass => report.resolution() <= max || !report.resolution().is_finite(),
        Verdict::Kink => true,
        Verdict::Inconclusive => {
            report.resolution() > max
                && report
                    .inconclusive_reason()
                    .is_some_and(|r| r.contains("max_resolution"))
        }
        Verdict::Fail => false,
    }
}

/// A deterministic value in [-1, 1] from the bits of `t` (splitmix64): noise
/// of standard deviation 1/sqrt(3), unrelated to any smooth trend, and the
/// same for the same `t` (as an inner solver stopped at a tolerance).
pub fn hashed(t: f64) -> f64 {
    let mut z = t.to_bits().wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^= z >> 31;
    (z >> 11) as f64 / (1u64 << 52) as f64 - 1.0
}

/// A random network (`random_mlp`) with hidden unit 0 exactly at its kink
/// on sample 0 alone: its input weights are (x_1, -x_0, 0, ...) of sample 0.
pub fn mlp_at_a_kink(seed: u64, n: usize, d: usize, h: usize) -> (MlpCase, Vec<f64>) {
    let mut r = rng(seed);
    let (mut case, mut p) = random_mlp(&mut r, n, d, h);
    let x0 = case.data.x().row(0).clone_owned();
    p[0] = x0[1];
    p[1] = -x0[0];
    for v in &mut p[2..d] {
        *v = 0.0;
    }
    case.shape = case.shape.with_parameters(&p).unwrap();
    (case, p)
}
