//! `bench`: accuracy and speed on the benchmark protocol's functions and sizes
//! (`../shared/bench-protocol.md`), for comparison with the established checkers.

use std::time::Instant;

use gradient_oracle::numeric::adaptive::{AdaptiveRiddersConfig, adaptive_ridders_gradient};
use gradient_oracle::numeric::differences::{DifferenceScheme, gradient, third_order};
use gradient_oracle::numeric::dual::dual_gradient;
use gradient_oracle::numeric::extrapolation::{Extrapolated, RiddersConfig, ridders_gradient};
use gradient_oracle::{
    Activation, CheckConfig, Dataset, Mlp, chain_loss, check_gradient, check_gradient_parallel,
    mlp_loss, mlp_loss_and_gradient_f64, mlp_loss_f64, softmax, softmax_hinge_gradient,
    softmax_hinge_loss_unchecked,
};
use num_dual::Dual64;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::Serialize;

use super::check::normal;

/// A scalar function of the parameters.
type ScalarFn = Box<dyn Fn(&[f64]) -> f64 + Send + Sync>;
/// A gradient of the parameters.
type GradFn = Box<dyn Fn(&[f64]) -> Vec<f64> + Send + Sync>;
/// Makes a protocol case from the random generator.
type CaseMaker = Box<dyn Fn(&mut StdRng) -> Case>;

/// A protocol function at one point: value and exact gradient available.
pub struct Case {
    pub f: ScalarFn,
    pub exact: GradFn,
    pub grad: GradFn,
    pub x: Vec<f64>,
}

const PROTOCOL_ACTS: [Activation; 5] = [
    Activation::Sigmoid,
    Activation::Tanh,
    Activation::Relu,
    Activation::Softplus,
    Activation::Identity,
];

/// The protocol's chain: theta = (W1, W2, Wout) ~ N(0, 1), ReLU pre-activations away from 0.
pub fn chain_case(rng: &mut StdRng, acts_from: &[Activation]) -> Case {
    loop {
        let acts: Vec<Activation> = (0..3)
            .map(|_| acts_from[rng.random_range(0..acts_from.len())])
            .collect();
        let w: Vec<f64> = (0..3).map(|_| normal(rng)).collect();
        let (x_in, y_gt) = (normal(rng), normal(rng));
        let mut z = x_in;
        let mut near_kink = false;
        for (wk, f) in w.iter().zip(&acts) {
            let s = wk * z;
            near_kink |= !f.is_smooth() && s.abs() <= 1e-3;
            z = f.value(s);
        }
        if near_kink {
            continue;
        }
        let (a1, a2, a3) = (acts.clone(), acts.clone(), acts);
        return Case {
            f: Box::new(move |t| chain_loss(t, &a1, x_in, y_gt)),
            exact: Box::new(move |t| {
                dual_gradient(|d: &[Dual64]| chain_loss(d, &a2, x_in, y_gt), t)
                    .map(|r| r.1)
                    .unwrap_or_default()
            }),
            grad: Box::new(move |t| {
                gradient_oracle::ChainNetwork::new(t.to_vec(), a3.clone())
                    .and_then(|n| n.loss_and_gradient(x_in, y_gt))
                    .map(|r| r.1)
                    .unwrap_or_default()
            }),
            x: w,
        };
    }
}

/// The protocol's mlp: X ~ N(0,1) (N x 2), W ~ N(0,1), w ~ N(0,1)/sqrt(H), y ~ U(-1,1),
/// every |pre-activation| > 1e-3 (offending hidden units redrawn).
pub fn mlp_case(rng: &mut StdRng, n: usize, h: usize) -> Case {
    let d = 2;
    let x: Vec<Vec<f64>> = (0..n)
        .map(|_| (0..d).map(|_| normal(rng)).collect())
        .collect();
    let mut w: Vec<Vec<f64>> = (0..h)
        .map(|_| (0..d).map(|_| normal(rng)).collect())
        .collect();
    let w_out: Vec<f64> = (0..h).map(|_| normal(rng) / (h as f64).sqrt()).collect();
    let y: Vec<f64> = (0..n).map(|_| rng.random_range(-1.0..1.0)).collect();
    for row in &mut w {
        while x
            .iter()
            .any(|xn| row.iter().zip(xn).map(|(a, b)| a * b).sum::<f64>().abs() <= 1e-3)
        {
            *row = (0..d).map(|_| normal(rng)).collect();
        }
    }
    let data = Dataset::from_rows(&x, &y).expect("finite data");
    let model = Mlp::from_rows(&w, &w_out).expect("finite weights");
    let p = model.parameters();
    let (d1, d2, d3) = (data.clone(), data.clone(), data);
    Case {
        f: Box::new(move |t| mlp_loss_f64(t, h, &d1)),
        exact: Box::new(move |t| {
            dual_gradient(|q: &[Dual64]| mlp_loss(q, h, &d2), t)
                .map(|r| r.1)
                .unwrap_or_default()
        }),
        grad: Box::new(move |t| {
            mlp_loss_and_gradient_f64(t, h, &d3)
                .map(|r| r.1)
                .unwrap_or_default()
        }),
        x: p,
    }
}

/// The protocol's softmax-hinge: o = 2 N(0,1) (the label's boosted by 3 half the
/// time), every hinge term more than 1e-3 from its margin.
pub fn hinge_case(rng: &mut StdRng, k: usize, margin: f64) -> Case {
    loop {
        let mut o: Vec<f64> = (0..k).map(|_| 2.0 * normal(rng)).collect();
        let label = rng.random_range(0..k);
        if rng.random::<bool>() {
            o[label] += 3.0;
        }
        let p = softmax(&o).expect("finite logits");
        if (0..k).any(|j| j != label && (margin + p[j] - p[label]).abs() <= 1e-3) {
            continue;
        }
        return Case {
            f: Box::new(move |t| softmax_hinge_loss_unchecked(t, label, margin)),
            exact: Box::new(move |t| {
                dual_gradient(
                    |d: &[Dual64]| softmax_hinge_loss_unchecked(d, label, margin),
                    t,
                )
                .map(|r| r.1)
                .unwrap_or_default()
            }),
            grad: Box::new(move |t| softmax_hinge_gradient(t, label, margin).unwrap_or_default()),
            x: o,
        };
    }
}

/// One accuracy row.
#[derive(Debug, Serialize)]
pub struct AccuracyRow {
    pub case: String,
    pub method: String,
    pub max: f64,
    pub median: f64,
    pub evaluations_per_coordinate: f64,
}

fn scaled_error(num: &[f64], exact: &[f64]) -> f64 {
    num.iter()
        .zip(exact)
        .map(|(n, e)| (n - e).abs() / e.abs().max(1.0))
        .fold(0.0, f64::max)
}

fn summary(mut v: Vec<f64>) -> (f64, f64) {
    v.sort_by(f64::total_cmp);
    (
        v.last().copied().unwrap_or(f64::NAN),
        v.get(v.len() / 2).copied().unwrap_or(f64::NAN),
    )
}

/// Each point's scaled error of an extrapolated gradient, and the evaluations
/// it spent per coordinate.
fn extrapolated_errors(
    pts: &[Case],
    estimate: impl Fn(&Case) -> Vec<Extrapolated<f64>>,
) -> (Vec<f64>, f64) {
    let (mut evals, mut coords) = (0usize, 0usize);
    let errs = pts
        .iter()
        .map(|c| {
            let r = estimate(c);
            evals += r.iter().map(|e| e.evaluations).sum::<usize>();
            coords += r.len();
            let values: Vec<f64> = r.iter().map(|e| e.value).collect();
            scaled_error(&values, &(c.exact)(&c.x))
        })
        .collect();
    (errs, evals as f64 / coords.max(1) as f64)
}

/// Table (a): numeric-gradient accuracy against the exact (dual-number) gradient.
pub fn accuracy(points: usize, seed: u64) -> Vec<AccuracyRow> {
    let mut rows = Vec::new();
    let cases: Vec<(&str, CaseMaker)> = vec![
        ("chain", Box::new(|r| chain_case(r, &PROTOCOL_ACTS))),
        (
            "chain_tanh_sigmoid",
            Box::new(|r| chain_case(r, &[Activation::Tanh, Activation::Sigmoid])),
        ),
        ("mlp_N16_H8", Box::new(|r| mlp_case(r, 16, 8))),
        ("softmax_hinge_k10_m1", Box::new(|r| hinge_case(r, 10, 1.0))),
        (
            "softmax_hinge_k10_m0.5",
            Box::new(|r| hinge_case(r, 10, 0.5)),
        ),
    ];
    let mut progress = super::progress::Progress::new(cases.len() as u64, "accuracy");
    for (name, make) in cases {
        progress.tick();
        let mut rng = StdRng::seed_from_u64(seed);
        let pts: Vec<Case> = (0..points).map(|_| make(&mut rng)).collect();
        let mut per_method: Vec<(String, Vec<f64>, f64)> = Vec::new();
        for scheme in [
            DifferenceScheme::Forward,
            DifferenceScheme::Central,
            DifferenceScheme::ThirdOrder,
            DifferenceScheme::Central4,
        ] {
            let errs = pts
                .iter()
                .map(|c| scaled_error(&gradient(scheme, &c.f, &c.x), &(c.exact)(&c.x)))
                .collect();
            per_method.push((
                format!(
                    "{} (h = {:.1e})",
                    scheme.name(),
                    scheme.optimal_step::<f64>()
                ),
                errs,
                scheme.evaluations() as f64,
            ));
        }
        let cfg = RiddersConfig::default();
        let (errs, per_coordinate) =
            extrapolated_errors(&pts, |c| ridders_gradient(&c.f, &c.x, &cfg));
        per_method.push(("ridders (8 evaluations)".into(), errs, per_coordinate));
        let adaptive = AdaptiveRiddersConfig::default();
        let (errs, per_coordinate) =
            extrapolated_errors(&pts, |c| adaptive_ridders_gradient(&c.f, &c.x, &adaptive));
        per_method.push((
            "adaptive ridders (8 evaluations)".into(),
            errs,
            per_coordinate,
        ));
        // The checker's own numeric values (with the correct gradient): the
        // third-order stencil where it agrees, refined where it was unsure.
        let (mut evals, mut coords) = (0usize, 0usize);
        let errs = pts
            .iter()
            .map(|c| {
                let report = check_gradient(&c.f, &c.grad, &c.x, &CheckConfig::default())
                    .expect("valid protocol point");
                evals += report.evaluations();
                coords += c.x.len();
                let num: Vec<f64> = report.entries().iter().map(|e| e.numeric).collect();
                scaled_error(&num, &(c.exact)(&c.x))
            })
            .collect();
        per_method.push((
            "check (the checker's own)".into(),
            errs,
            evals as f64 / coords.max(1) as f64,
        ));
        for (method, errs, e) in per_method {
            let (max, median) = summary(errs);
            rows.push(AccuracyRow {
                case: name.into(),
                method,
                max,
                median,
                evaluations_per_coordinate: e,
            });
        }
    }
    rows
}

/// One timing row.
#[derive(Debug, Serialize)]
pub struct SpeedRow {
    pub case: String,
    pub parameters: usize,
    pub mode: String,
    pub median_ms: f64,
    pub evaluations: usize,
    pub verdict: String,
}

/// Table (b): the time of one complete check, median of 5 after a warm-up;
/// for 300 parameters and more, also spread over rayon's threads.
pub fn speed(quick: bool, seed: u64) -> Vec<SpeedRow> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut cases: Vec<(String, Case)> = vec![
        ("mlp_N4_H3".into(), mlp_case(&mut rng, 4, 3)),
        ("mlp_N64_H100".into(), mlp_case(&mut rng, 64, 100)),
    ];
    if !quick {
        cases.push(("mlp_N64_H1000".into(), mlp_case(&mut rng, 64, 1000)));
    }
    for k in [10, 100, 1000] {
        cases.push((format!("softmax_hinge_k{k}"), hinge_case(&mut rng, k, 1.0)));
    }
    let mut rows = Vec::new();
    let mut progress = super::progress::Progress::new(cases.len() as u64, "timing");
    for (name, c) in &cases {
        progress.tick();
        let threads = rayon::current_num_threads();
        let parallel = format!("full, {threads} threads");
        for (mode, cfg) in [
            ("full", CheckConfig::default()),
            (parallel.as_str(), CheckConfig::default()),
            ("directional (2)", CheckConfig::default().directional(2)),
        ] {
            let spread = mode.starts_with("full,");
            if spread && c.x.len() < 300 {
                continue;
            }
            let run = || {
                if spread {
                    check_gradient_parallel(&c.f, &c.grad, &c.x, &cfg)
                        .expect("valid protocol point")
                } else {
                    check_gradient(&c.f, &c.grad, &c.x, &cfg).expect("valid protocol point")
                }
            };
            let report = run();
            rows.push(SpeedRow {
                case: name.clone(),
                parameters: c.x.len(),
                mode: mode.into(),
                median_ms: median_ms_of_5(run),
                evaluations: report.evaluations(),
                verdict: report.verdict().label().into(),
            });
        }
        // The yardstick of the escalation's cost: plain central differences
        // (2n + 1 evaluations), no comparison, no verdict.
        let plain = || gradient(DifferenceScheme::Central, &c.f, &c.x);
        std::hint::black_box(plain());
        rows.push(SpeedRow {
            case: name.clone(),
            parameters: c.x.len(),
            mode: "plain central differences".into(),
            median_ms: median_ms_of_5(plain),
            evaluations: 2 * c.x.len() + 1,
            verdict: "-".into(),
        });
    }
    rows
}

/// The median of 5 timed runs of `run`, in ms (the caller has warmed it up).
fn median_ms_of_5<T>(run: impl Fn() -> T) -> f64 {
    let mut times: Vec<f64> = (0..5)
        .map(|_| {
            let t = Instant::now();
            std::hint::black_box(run());
            t.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[2]
}

/// One step of the V curve: the step and each scheme's scaled error.
pub struct SweepPoint {
    pub step: f64,
    pub forward: f64,
    pub central: f64,
    pub third_order: f64,
    pub richardson: f64,
}

/// The V curve: scaled error against step size for forward, central,
/// third-order (the checker's first pass) and Richardson (central
/// extrapolated once) on the chain (tanh, sigmoid, tanh).
pub fn step_sweep() -> Vec<SweepPoint> {
    let acts = [Activation::Tanh, Activation::Sigmoid, Activation::Tanh];
    let w = [0.7, -1.2, 0.9];
    let f = |t: &[f64]| chain_loss(t, &acts, 0.8, -0.3);
    let exact = dual_gradient(|d: &[Dual64]| chain_loss(d, &acts, 0.8, -0.3), &w)
        .expect("finite")
        .1;
    (0..=64)
        .map(|i| {
            let h = 10f64.powf(-16.0 + 15.0 * i as f64 / 64.0);
            let mut errs = [0.0f64; 4];
            let mut x = w.to_vec();
            for k in 0..3 {
                let at = |x: &mut Vec<f64>, off: f64| {
                    let saved = x[k];
                    x[k] = saved + off;
                    let v = f(x);
                    x[k] = saved;
                    v
                };
                let f0 = f(&x);
                let fw = (at(&mut x, h) - f0) / h;
                let c1 = (at(&mut x, h) - at(&mut x, -h)) / (2.0 * h);
                let c2 = (at(&mut x, 2.0 * h) - at(&mut x, -2.0 * h)) / (4.0 * h);
                let third = third_order(at(&mut x, -h), f0, at(&mut x, h), at(&mut x, 2.0 * h), h);
                let rich = (4.0 * c1 - c2) / 3.0;
                for (e, v) in errs.iter_mut().zip([fw, c1, third, rich]) {
                    *e = e.max((v - exact[k]).abs() / exact[k].abs().max(1.0));
                }
            }
            SweepPoint {
                step: h,
                forward: errs[0],
                central: errs[1],
                third_order: errs[2],
                richardson: errs[3],
            }
        })
        .collect()
}
