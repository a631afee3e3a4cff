//! Realistic `f32` code, as machine-learning code runs: a LayerNorm backward and
//! a two-layer tanh MLP with their gradients computed in `f32`, judged by the
//! mixed check (f in `f64`) and by the `f32` check. A correct backward never
//! reads Fail; the real bugs (the dropped mean term, the eps missing from the
//! backward, a mirrored index) are caught; no Pass is vacuous.

mod common;

use common::{normal, rng};
use gradient_oracle::{CheckConfig, Real, Verdict, check_gradient, check_gradient_mixed};
use rand::Rng;

// The LayerNorm and its bugs, written once: the example the guide quotes.
#[path = "../examples/f32_layernorm.rs"]
#[allow(dead_code)]
mod layernorm;
use layernorm::{LnBug, layernorm_grad, layernorm_loss, num};

/// A LayerNorm draw: inputs with a mean and spread that vary over decades,
/// upstream gradients of either sign.
fn layernorm_draw(seed: u64, n: usize) -> (Vec<f32>, Vec<f32>) {
    let mut r = rng(seed);
    let offset = normal(&mut r) * 10f64.powf(r.random_range(-1.0..1.0));
    let spread = 10f64.powf(r.random_range(-1.5..0.5));
    let x = (0..n)
        .map(|_| (offset + spread * normal(&mut r)) as f32)
        .collect();
    let c = (0..n).map(|_| normal(&mut r) as f32).collect();
    (x, c)
}

fn mixed_layernorm(x: &[f32], c: &[f32], bug: LnBug) -> gradient_oracle::CheckReport {
    let c64: Vec<f64> = c.iter().map(|v| f64::from(*v)).collect();
    let f = |p: &[f64]| layernorm_loss(p, &c64);
    let g = |p: &[f32]| layernorm_grad(p, c, bug);
    check_gradient_mixed(&f, &g, x, &CheckConfig::default()).unwrap()
}

#[test]
fn a_correct_f32_layernorm_backward_never_fails_the_mixed_check() {
    for n in [16, 64, 256] {
        for seed in 0..30 {
            let (x, c) = layernorm_draw(seed, n);
            let report = mixed_layernorm(&x, &c, LnBug::None);
            assert!(
                report.verdict().is_ok(),
                "n {n} seed {seed}: {report}\nresolution {}",
                report.resolution()
            );
            assert!(report.resolution() <= CheckConfig::default().max_resolution);
        }
    }
}

#[test]
fn the_layernorm_bugs_are_caught_by_the_mixed_check() {
    for n in [16, 64, 256] {
        for seed in 0..10 {
            let (x, c) = layernorm_draw(100 + seed, n);
            for bug in [LnBug::DroppedMean, LnBug::MirroredIndex] {
                let report = mixed_layernorm(&x, &c, bug);
                assert_eq!(report.verdict(), Verdict::Fail, "{bug:?} n {n}: {report}");
            }
        }
    }
}

/// The eps missing from the backward changes every entry by the relative
/// $\epsilon/2\sigma^2$: caught wherever that is above the claim's `f32`
/// rounding, i.e. for inputs of small variance.
#[test]
fn the_missing_eps_is_caught_where_it_exceeds_f32_rounding() {
    for n in [16, 64, 256] {
        for seed in 0..10 {
            let mut r = rng(200 + seed);
            let x: Vec<f32> = (0..n).map(|_| (0.01 * normal(&mut r)) as f32).collect();
            let c: Vec<f32> = (0..n).map(|_| normal(&mut r) as f32).collect();
            let report = mixed_layernorm(&x, &c, LnBug::MissingEps);
            assert_eq!(report.verdict(), Verdict::Fail, "n {n}: {report}");
        }
    }
}

#[test]
fn a_correct_f32_layernorm_backward_never_fails_in_f32() {
    for n in [16, 64] {
        for seed in 0..20 {
            let (x, c) = layernorm_draw(300 + seed, n);
            let f = |p: &[f32]| layernorm_loss(p, &c);
            let g = |p: &[f32]| layernorm_grad(p, &c, LnBug::None);
            let report = check_gradient(&f, &g, &x, &CheckConfig::default()).unwrap();
            assert_ne!(
                report.verdict(),
                Verdict::Fail,
                "n {n} seed {seed}: {report}"
            );
            if report.verdict() == Verdict::Pass {
                assert!(report.resolution() <= CheckConfig::default().max_resolution);
            }
        }
    }
}

/// A two-layer tanh MLP on a few samples: $L = \tfrac12\sum_s (v\cdot\tanh(W x_s) - y_s)^2$,
/// parameters $[W (h \times d), v]$, gradient by backpropagation.
struct Mlp {
    d: usize,
    h: usize,
    xs: Vec<Vec<f64>>,
    ys: Vec<f64>,
}

impl Mlp {
    fn loss<F: Real>(&self, p: &[F]) -> F {
        let (d, h) = (self.d, self.h);
        let mut total = F::zero();
        for (xs, y) in self.xs.iter().zip(&self.ys) {
            let mut out = F::zero();
            for k in 0..h {
                let z = (0..d).fold(F::zero(), |a, j| a + p[k * d + j] * num::<F>(xs[j]));
                out += p[h * d + k] * z.tanh();
            }
            let r = out - num::<F>(*y);
            total += r * r / num::<F>(2.0);
        }
        total
    }

    fn grad<F: Real>(&self, p: &[F], mirrored: bool) -> Vec<F> {
        let (d, h) = (self.d, self.h);
        let mut g = vec![F::zero(); p.len()];
        for (xs, y) in self.xs.iter().zip(&self.ys) {
            let x: Vec<F> = xs.iter().map(|v| num::<F>(*v)).collect();
            let a: Vec<F> = (0..h)
                .map(|k| {
                    (0..d)
                        .fold(F::zero(), |s, j| s + p[k * d + j] * x[j])
                        .tanh()
                })
                .collect();
            let out = (0..h).fold(F::zero(), |s, k| s + p[h * d + k] * a[k]);
            let r = out - num::<F>(*y);
            for k in 0..h {
                g[h * d + k] += r * a[k];
                let delta = r * p[h * d + k] * (F::one() - a[k] * a[k]);
                for j in 0..d {
                    let xj = if mirrored { x[d - 1 - j] } else { x[j] };
                    g[k * d + j] += delta * xj;
                }
            }
        }
        g
    }
}

fn mlp_draw(seed: u64, scale: f64) -> (Mlp, Vec<f32>) {
    let mut r = rng(seed);
    let (d, h, samples) = (5, 8, 4);
    let xs = (0..samples)
        .map(|_| (0..d).map(|_| normal(&mut r)).collect())
        .collect();
    let ys = (0..samples).map(|_| normal(&mut r)).collect();
    let p = (0..h * d + h)
        .map(|_| (scale * normal(&mut r)) as f32)
        .collect();
    (Mlp { d, h, xs, ys }, p)
}

#[test]
fn a_correct_f32_mlp_gradient_never_fails_at_any_weight_scale() {
    for k in 0..20 {
        let scale = 10f64.powf(-2.0 + 3.0 * k as f64 / 19.0);
        let (mlp, p) = mlp_draw(400 + k, scale);
        let f = |q: &[f64]| mlp.loss(q);
        let g = |q: &[f32]| mlp.grad(q, false);
        let mixed = check_gradient_mixed(&f, &g, &p, &CheckConfig::default()).unwrap();
        assert!(mixed.verdict().is_ok(), "scale {scale:.3e}: {mixed}");
        let f32_f = |q: &[f32]| mlp.loss(q);
        let native = check_gradient(&f32_f, &g, &p, &CheckConfig::default()).unwrap();
        assert_ne!(
            native.verdict(),
            Verdict::Fail,
            "scale {scale:.3e}: {native}"
        );
        let wrong = |q: &[f32]| mlp.grad(q, true);
        let caught = check_gradient_mixed(&f, &wrong, &p, &CheckConfig::default()).unwrap();
        assert_eq!(
            caught.verdict(),
            Verdict::Fail,
            "scale {scale:.3e}: {caught}"
        );
    }
}
