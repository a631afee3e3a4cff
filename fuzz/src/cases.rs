//! The fuzz targets' inputs and entry functions, shared with `tests/fuzz_replay.rs`
//! (which includes this file), so a plain `cargo test` replays the committed corpus
//! through exactly the code the fuzzer runs.
//!
//! Each entry function asserts the invariants: no panic; outputs finite or a typed
//! error; softmax sums to 1 within 1e-12 when finite; the checker passes correct
//! gradients, and Ridders with adaptive steps stays within 1e-9 of them on its
//! smooth functions (plus the rounding of f at its finest step). Inputs print
//! as paste-able Rust (`{:?}`), and oversized inputs are rejected, never a
//! panic.

use arbitrary::Arbitrary;
use gradient_oracle::numeric::adaptive::{AdaptiveRiddersConfig, adaptive_ridders_gradient};
use gradient_oracle::{
    Activation, ChainNetwork, CheckConfig, Dataset, Mlp, Placement, Sampler, Verdict,
    check_gradient, check_objective, files, hinge_loss, softmax, softmax_hinge_gradient,
    softmax_hinge_gradient_via_jacobian, softmax_hinge_loss, softmax_jacobian, softmax_jvp,
};
use rand::SeedableRng;
use rand::rngs::StdRng;

/// Inputs larger than this are rejected (keeps runs fast and memory bounded).
pub const MAX_LEN: usize = 64;

/// Logits for softmax and its Jacobian.
#[derive(Debug, Clone, Arbitrary)]
pub struct SoftmaxCase {
    pub logits: Vec<f64>,
    pub v: Vec<f64>,
}

pub fn softmax_case(c: &SoftmaxCase) {
    if c.logits.len() > MAX_LEN {
        return;
    }
    match softmax(&c.logits) {
        Ok(p) => {
            assert!(
                p.iter().all(|v| v.is_finite() && *v >= 0.0 && *v <= 1.0),
                "{c:?} -> {p:?}"
            );
            let sum: f64 = p.iter().sum();
            assert!((sum - 1.0).abs() <= 1e-12, "{c:?}: sum {sum}");
            let j = softmax_jacobian(&c.logits).expect("valid logits give a Jacobian");
            assert!(j.iter().all(|v| v.is_finite()), "{c:?}");
            for r in 0..j.nrows() {
                assert!(
                    j.row(r).sum().abs() <= 1e-12,
                    "{c:?}: Jacobian row {r} sums to {}",
                    j.row(r).sum()
                );
            }
            if let Ok(jv) = softmax_jvp(&c.logits, &c.v) {
                assert!(
                    jv.iter().all(|v| v.is_finite()) || c.v.iter().any(|v| v.abs() > 1e300),
                    "{c:?}"
                );
            }
        }
        Err(e) => assert!(!e.to_string().is_empty()),
    }
}

/// Logits, a label and a margin for the hinge loss.
#[derive(Debug, Clone, Arbitrary)]
pub struct HingeCase {
    pub logits: Vec<f64>,
    pub label: usize,
    pub margin: f64,
}

pub fn hinge_case(c: &HingeCase) {
    if c.logits.len() > MAX_LEN {
        return;
    }
    match softmax_hinge_loss(&c.logits, c.label, c.margin) {
        Ok(l) => {
            assert!(l.is_finite() || c.margin.abs() > 1e300, "{c:?} -> {l}");
            let g = softmax_hinge_gradient(&c.logits, c.label, c.margin).expect("same validation");
            let gj = softmax_hinge_gradient_via_jacobian(&c.logits, c.label, c.margin)
                .expect("same validation");
            let sum: f64 = g.iter().sum();
            assert!(
                sum.abs() <= 1e-9 * (c.logits.len() as f64),
                "{c:?}: gradient sums to {sum}"
            );
            for (a, b) in g.iter().zip(&gj) {
                assert!(
                    (a - b).abs() <= 1e-12 * (1.0 + c.logits.len() as f64),
                    "{c:?}: {a} vs {b}"
                );
            }
        }
        Err(e) => assert!(!e.to_string().is_empty()),
    }
    let _ = hinge_loss(&c.logits, c.label, c.margin);
}

/// A chain network: weights, activation indices, input and target.
#[derive(Debug, Clone, Arbitrary)]
pub struct ChainCase {
    pub weights: Vec<f64>,
    pub activations: Vec<u8>,
    pub x_in: f64,
    pub y_gt: f64,
}

pub fn chain_case(c: &ChainCase) {
    if c.weights.len() > MAX_LEN {
        return;
    }
    let acts: Vec<Activation> = c
        .activations
        .iter()
        .map(|a| Activation::ALL[*a as usize % 6])
        .collect();
    let Ok(net) = ChainNetwork::new(c.weights.clone(), acts) else {
        return;
    };
    let Ok(fwd) = net.forward(c.x_in, c.y_gt) else {
        return;
    };
    let back = net.backward(&fwd).expect("a record of this network");
    let closed = net.closed_form(&fwd).expect("a record of this network");
    for (a, b) in back.grad_weights.iter().zip(&closed) {
        if a.is_finite() && b.is_finite() {
            assert!(
                (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1e-300),
                "{c:?}: {a} vs {b}"
            );
        }
    }
}

/// An mlp: weights, samples and labels (flattened, shaped by the dimensions).
#[derive(Debug, Clone, Arbitrary)]
pub struct MlpCase {
    pub inputs: u8,
    pub hidden: u8,
    pub values: Vec<f64>,
}

pub fn mlp_case(c: &MlpCase) {
    let (d, h) = (c.inputs as usize % 5 + 1, c.hidden as usize % 8 + 1);
    let params = h * d + h;
    if c.values.len() < params + d + 1 || c.values.len() > 1024 {
        return;
    }
    let n = (c.values.len() - params) / (d + 1);
    let (p, rest) = c.values.split_at(params);
    let x: Vec<Vec<f64>> = (0..n).map(|i| rest[i * d..(i + 1) * d].to_vec()).collect();
    let y = &rest[n * d..n * d + n];
    let Ok(data) = Dataset::from_rows(&x, y) else {
        return;
    };
    let rows: Vec<Vec<f64>> = (0..h).map(|i| p[i * d..(i + 1) * d].to_vec()).collect();
    let Ok(model) = Mlp::from_rows(&rows, &p[h * d..]) else {
        return;
    };
    let batch = model.forward_backward(&data).expect("shapes agree");
    assert_eq!(batch.samples.len(), n);
    if batch.loss.is_finite() {
        let total: f64 = batch.samples.iter().map(|s| s.loss).sum();
        assert!(
            (total - batch.loss).abs() <= 1e-9 * batch.loss.max(1.0),
            "{c:?}"
        );
    }
}

/// The checker itself on a small family of functions, points and tolerances.
#[derive(Debug, Clone, Arbitrary)]
pub struct CheckerCase {
    pub function: u8,
    pub x: Vec<f64>,
    pub scale: f64,
    pub atol: Option<f64>,
    pub rtol: Option<f64>,
    pub directions: Option<u8>,
}

pub fn checker_case(c: &CheckerCase) {
    if c.x.len() > 16 {
        return;
    }
    let cfg = CheckConfig {
        atol: c.atol,
        rtol: c.rtol,
        directions: c.directions.map(|d| d as usize % 5),
        ..CheckConfig::default()
    };
    let k = c.function % 3;
    let f = move |x: &[f64]| match k {
        0 => x.iter().map(|v| v * v).sum::<f64>(),
        1 => x.iter().map(|v| v.max(0.0)).sum::<f64>(),
        _ => x.iter().map(|v| v.sin()).sum::<f64>(),
    };
    // The correct gradient (a subgradient at the ReLU's kink).
    let exact = move |x: &[f64]| -> Vec<f64> {
        x.iter()
            .map(|v| match k {
                0 => 2.0 * v,
                1 => f64::from(u8::from(*v > 0.0)),
                _ => v.cos(),
            })
            .collect()
    };
    let scale = c.scale;
    let g = move |x: &[f64]| -> Vec<f64> { exact(x).into_iter().map(|v| scale * v).collect() };
    match check_gradient(&f, &g, &c.x, &cfg) {
        Ok(report) => {
            let _ = report.to_string();
            if scale == 1.0
                && cfg.atol.is_none()
                && cfg.rtol.is_none()
                && c.x.iter().all(|v| v.abs() < 1e6)
            {
                // The exact gradient never fails. Inconclusive is honest where
                // the check cannot resolve it (x = 6.3e-198: a gradient far below
                // f's rounding reaches a resolution of 3e178, over max_resolution),
                // and then it must say why.
                match report.verdict() {
                    Verdict::Fail => panic!("{c:?}\n{report}"),
                    Verdict::Inconclusive => assert!(
                        report.inconclusive_reason().is_some_and(|r| !r.is_empty()),
                        "{c:?}: inconclusive without a reason\n{report}"
                    ),
                    _ => {}
                }
            }
        }
        Err(e) => assert!(!e.to_string().is_empty()),
    }
    // Ridders with adaptive steps: never a panic, always 8 evaluations, and on
    // the smooth functions (x^2, sin x) within 1e-9 of the derivative, plus the
    // rounding of f that its finest possible step p/8 carries,
    // 16 eps |f(x)| / (2^-11 sqrt(max(1, |x_i|))): the other coordinates make
    // f large (x = [-7.8e-8, -939]: f = 8.8e5, whose rounding alone moves the
    // central difference along x_0 by 5e-8; the method was 7.4e-9 off, within
    // its own estimate 1.5e-7, and a bound of 1e-9 alone was wrong).
    let estimates = adaptive_ridders_gradient(&f, &c.x, &AdaptiveRiddersConfig::default());
    assert_eq!(estimates.len(), c.x.len());
    let size = f(&c.x).abs();
    for ((e, exact), xi) in estimates.iter().zip(exact(&c.x)).zip(&c.x) {
        assert_eq!(e.evaluations, 8);
        if k != 1 && c.x.iter().all(|v| v.abs() < 1e3) {
            let finest = 2f64.powi(-11) * xi.abs().max(1.0).sqrt();
            let rounding = 16.0 * f64::EPSILON * size / finest;
            let error = (e.value - exact).abs();
            assert!(
                error <= 1e-9 * exact.abs().max(1.0) + rounding,
                "{c:?}: {e:?} against {exact}"
            );
        }
    }
}

/// Text for the TOML loaders.
#[derive(Debug, Clone, Arbitrary)]
pub struct TomlCase {
    pub text: String,
}

pub fn toml_case(c: &TomlCase) {
    if c.text.len() > 4096 {
        return;
    }
    if let Err(e) = files::network_from_toml("fuzz.toml", &c.text) {
        assert!(!e.to_string().is_empty());
    }
    if let Err(e) = files::dataset_from_toml("fuzz.toml", &c.text) {
        assert!(!e.to_string().is_empty());
    }
}

/// Text for the answer-file parser and the grader.
#[derive(Debug, Clone, Arbitrary)]
pub struct AnswersCase {
    pub text: String,
}

pub fn answers_case(c: &AnswersCase) {
    // Grading is linear in the file's size, and formulas are screened for
    // length and nesting before parsing: large files are fair game.
    if c.text.len() > 1 << 18 {
        return;
    }
    match gradient_oracle::grade::parse_answers("fuzz.toml", &c.text) {
        Ok(answers) => {
            let report = gradient_oracle::grade::grade(&answers);
            assert!(report.score <= report.max_score + 1e-9, "{c:?}");
            let _ = report.to_string();
        }
        Err(e) => assert!(!e.to_string().is_empty()),
    }
}

/// One of the sheet's models as its sampler draws it from a fuzzed seed and
/// placement (the `check` command's distributions, every activation).
#[derive(Debug, Clone, Arbitrary)]
pub struct ObjectiveCase {
    pub model: u8,
    pub seed: u64,
    pub placement: u8,
}

/// The checker never fails the model's own backward pass, and away from
/// kinks the hand-derived derivative agrees with the dual-number one.
pub fn objective_case(c: &ObjectiveCase) {
    let samplers = Sampler::sheet_models(&Activation::ALL);
    let sampler = &samplers[c.model as usize % samplers.len()];
    let placement = match c.placement % 3 {
        0 => Placement::Anywhere,
        1 => Placement::AtKink,
        _ => Placement::AwayFromKinks(1e-3),
    };
    let mut rng = StdRng::seed_from_u64(c.seed);
    let s = sampler
        .sample(&mut rng, placement)
        .expect("the sheet's samplers are valid");
    let report = check_objective(&s.objective, &s.point, &CheckConfig::default())
        .unwrap_or_else(|e| panic!("{c:?}: {e}"));
    assert!(report.verdict() != Verdict::Fail, "{c:?}: {report}");
    if s.objective.kink_distance(&s.point) > 1e-3 {
        let hand = s.objective.jacobian(&s.point).expect("checked above");
        let exact = s.objective.exact_jacobian(&s.point).expect("finite point");
        let scale = exact.amax().max(1.0);
        assert!(
            (hand - &exact).amax() <= 1e-12 * scale,
            "{c:?}: hand-derived and dual-number derivatives differ"
        );
    }
}

/// check_hessian on small functions from fuzzed numbers: the classic
/// functions and a quadratic form $x^\top A x$ at a fuzzed point.
#[derive(Debug, Clone, Arbitrary)]
pub struct HessianCase {
    pub function: u8,
    pub x: Vec<f64>,
    pub a: Vec<f64>,
}

/// The exact Hessian is never a Fail; bad input is a typed error, never a panic.
pub fn hessian_case(c: &HessianCase) {
    use gradient_oracle::models::classic::{
        rosenbrock_gradient, rosenbrock_hessian, tanh_chain_gradient, tanh_chain_hessian,
    };
    use gradient_oracle::nalgebra::{DMatrix, DVector};
    if c.x.len() > 8 || c.x.iter().any(|v| !v.is_finite() || v.abs() > 1e3) {
        return;
    }
    let n = c.x.len();
    let cfg = CheckConfig::default();
    let gradient: fn(&[f64]) -> Vec<f64> = match c.function % 3 {
        0 => rosenbrock_gradient,
        _ => tanh_chain_gradient,
    };
    let report = match c.function % 3 {
        0 => gradient_oracle::check_hessian(&rosenbrock_gradient, &rosenbrock_hessian, &c.x, &cfg),
        1 => gradient_oracle::check_hessian(&tanh_chain_gradient, &tanh_chain_hessian, &c.x, &cfg),
        _ => {
            if c.a.len() < n * n
                || c.a
                    .iter()
                    .take(n * n)
                    .any(|v| !v.is_finite() || v.abs() > 1e3)
            {
                return;
            }
            let a = DMatrix::from_row_slice(n, n, &c.a[..n * n]);
            let sym = &a + a.transpose();
            let grad = |x: &[f64]| (&sym * DVector::from_column_slice(x)).as_slice().to_vec();
            gradient_oracle::check_hessian(&grad, &|_: &[f64]| sym.clone(), &c.x, &cfg)
        }
    };
    match report {
        Ok(r) if r.verdict() == Verdict::Fail => assert!(
            c.function % 3 != 2 && flat_everywhere(gradient, &c.x, &r),
            "{c:?}: {r}"
        ),
        Ok(_) => {}
        Err(e) => assert!(n == 0, "{c:?}: {e}"),
    }
}

/// The checker's documented limit "flat everywhere" (`gradient_oracle::check`):
/// a gradient entry that no step moves, claimed nonzero, is a Fail, as it must
/// be for a dead ReLU. A tanh chain saturated past |x| = 19 computes
/// 1 - tanh^2 = 0 exactly, so its gradient is exactly flat while the exact
/// Hessian is 1e-13: out of reach of any finite difference of that gradient.
/// The case is excluded only when every failing entry read 0 on both sides
/// (within its tolerance: the noisy stage's one-sided stencils leave
/// rounding of 1e-26 where f is flat) and the gradient's output is bitwise
/// constant at steps of 1e-10 to 1e-6 of the coordinate's width (the
/// checker's small steps): that constancy is the limit's definition.
fn flat_everywhere(
    gradient: fn(&[f64]) -> Vec<f64>,
    x: &[f64],
    report: &gradient_oracle::CheckReport,
) -> bool {
    let g0 = gradient(x);
    report.failures().iter().all(|e| {
        let read_flat = [e.numeric, e.left, e.right]
            .iter()
            .all(|v| v.abs() <= e.tolerance);
        let width = x[e.input].abs().max(1.0);
        read_flat
            && [1e-10, 1e-8, 1e-6].iter().all(|s| {
                [-1.0, 1.0].iter().all(|sign| {
                    let mut p = x.to_vec();
                    p[e.input] += sign * s * width;
                    gradient(&p)[e.output].to_bits() == g0[e.output].to_bits()
                })
            })
    })
}
