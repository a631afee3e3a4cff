//! An `f32` LayerNorm backward, as machine-learning code computes it, judged
//! by the mixed check (the loss in `f64`) and by the `f32` check; the guide's
//! "f32 code" section quotes what this prints, and `tests/docs.rs` keeps the
//! quote in step. The LayerNorm here is also the one of
//! `tests/check_f32_realistic.rs`.
//!
//! `cargo run --example f32_layernorm`

use gradient_oracle::{CheckConfig, Real, check_gradient, check_gradient_mixed};

/// The LayerNorm's $\epsilon$.
pub const EPS: f64 = 1e-5;

/// A constant in the float type.
pub fn num<F: Real>(v: f64) -> F {
    <F as num_traits::NumCast>::from(v).expect("a finite constant")
}

/// The loss $\sum_i c_i y_i$ of a LayerNorm $y = (x - \mu)/\sqrt{\sigma^2 + \epsilon}$.
pub fn layernorm_loss<F: Real>(x: &[F], c: &[F]) -> F {
    let n = num::<F>(x.len() as f64);
    let mu = x.iter().fold(F::zero(), |a, v| a + *v) / n;
    let var = x.iter().fold(F::zero(), |a, v| a + (*v - mu) * (*v - mu)) / n;
    let rstd = F::one() / (var + num::<F>(EPS)).sqrt();
    x.iter()
        .zip(c)
        .fold(F::zero(), |a, (v, ci)| a + *ci * (*v - mu) * rstd)
}

/// The real bugs of a hand-written LayerNorm backward.
#[derive(Clone, Copy, PartialEq, Debug)]
pub enum LnBug {
    /// None: the right backward.
    None,
    /// The $-\overline{c}$ term dropped.
    DroppedMean,
    /// $1/\sqrt{\sigma^2}$ in the backward.
    MissingEps,
    /// $\hat x_{n-1-i}$ read for $\hat x_i$.
    MirroredIndex,
}

/// The LayerNorm backward: $g_i = r(c_i - \bar c - \hat x_i\,\overline{c\hat x})$.
pub fn layernorm_grad<F: Real>(x: &[F], c: &[F], bug: LnBug) -> Vec<F> {
    let len = x.len();
    let n = num::<F>(len as f64);
    let mu = x.iter().fold(F::zero(), |a, v| a + *v) / n;
    let var = x.iter().fold(F::zero(), |a, v| a + (*v - mu) * (*v - mu)) / n;
    let eps = if bug == LnBug::MissingEps {
        F::zero()
    } else {
        num::<F>(EPS)
    };
    let rstd = F::one() / (var + eps).sqrt();
    let xhat: Vec<F> = x.iter().map(|v| (*v - mu) * rstd).collect();
    let mean_c = c.iter().fold(F::zero(), |a, v| a + *v) / n;
    let mean_cx = c
        .iter()
        .zip(&xhat)
        .fold(F::zero(), |a, (ci, xi)| a + *ci * *xi)
        / n;
    (0..len)
        .map(|i| {
            let xi = if bug == LnBug::MirroredIndex {
                xhat[len - 1 - i]
            } else {
                xhat[i]
            };
            let centre = if bug == LnBug::DroppedMean {
                F::zero()
            } else {
                mean_c
            };
            rstd * (c[i] - centre - xi * mean_cx)
        })
        .collect()
}

/// What the example prints: three reports on one LayerNorm of 6 inputs
/// whose mean (3) is 10 times their spread, so the backward cancels.
pub fn reports() -> String {
    let x: [f32; 6] = [3.1, 2.75, 3.42, 2.96, 3.2, 2.57];
    let c: [f32; 6] = [0.5, -1.25, 0.8, 0.3, -0.6, 1.1];
    let c64: Vec<f64> = c.iter().map(|v| f64::from(*v)).collect();
    let f64_loss = |p: &[f64]| layernorm_loss(p, &c64);
    let config = CheckConfig::default();
    let mut out = String::new();
    for (title, bug) in [
        ("the f32 backward, mixed check (loss in f64)", LnBug::None),
        ("the mean term dropped, mixed check", LnBug::DroppedMean),
    ] {
        let grad = |p: &[f32]| layernorm_grad(p, &c, bug);
        let report = check_gradient_mixed(&f64_loss, &grad, &x, &config).expect("valid input");
        out.push_str(&format!("== {title}\n{report}\n"));
    }
    let f32_loss = |p: &[f32]| layernorm_loss(p, &c);
    let grad = |p: &[f32]| layernorm_grad(p, &c, LnBug::None);
    let report = check_gradient(&f32_loss, &grad, &x, &config).expect("valid input");
    out.push_str(&format!(
        "== the f32 backward, f32 check (loss in f32)\n{report}\n"
    ));
    out
}

#[allow(dead_code)] // `tests/` include this file as a module, without its main.
fn main() {
    print!("{}", reports());
}
