//! `bench`: accuracy and speed on the benchmark protocol's functions and sizes
//! (`../shared/bench-protocol.md`), for comparison with the established checkers.

use std::time::Instant;

use gradient_oracle::numeric::adaptive::{AdaptiveRiddersConfig, adaptive_ridders_gradient};
use gradient_oracle::numeric::differences::{DifferenceScheme, gradient, third_order};
use gradient_oracle::numeric::extrapolation::{Extrapolated, RiddersConfig, ridders_gradient};
use gradient_oracle::{
    Activation, CheckConfig, Objective, Placement, Sample, Sampler, check_gradient,
    check_gradient_parallel, check_objective,
};
use rand::SeedableRng;
use rand::rngs::StdRng;
use serde::Serialize;

const PROTOCOL_ACTS: [Activation; 5] = [
    Activation::Sigmoid,
    Activation::Tanh,
    Activation::Relu,
    Activation::Softplus,
    Activation::Identity,
];

/// The protocol's distance of every kink from the point.
const PROTOCOL_KINK_DISTANCE: f64 = 1e-3;

/// The protocol's chain: theta = (W1, W2, Wout) ~ N(0, 1), non-smooth
/// pre-activations away from 0.
fn chain_sampler(activations: &[Activation]) -> Sampler {
    Sampler::Chain {
        activations: activations.to_vec(),
    }
}

/// The protocol's mlp: X ~ N(0,1) (N x 2), W ~ N(0,1), w ~ N(0,1)/sqrt(H),
/// y ~ U(-1,1), every |pre-activation| > 1e-3.
fn mlp_sampler(n: usize, h: usize) -> Sampler {
    Sampler::Mlp {
        samples: n..=n,
        inputs: 2..=2,
        hidden: h..=h,
    }
}

/// The protocol's softmax-hinge: o = 2 N(0,1) (the label's boosted by 3 half
/// the time), every hinge term more than 1e-3 from its margin.
fn hinge_sampler(k: usize, margin: f64) -> Sampler {
    Sampler::SoftmaxHinge {
        classes: k..=k,
        margin: margin..=margin,
        boost_label: true,
    }
}

/// A protocol point: the sampler's draw away from kinks.
pub fn protocol_case(sampler: &Sampler, rng: &mut StdRng) -> Sample {
    sampler
        .sample(rng, Placement::AwayFromKinks(PROTOCOL_KINK_DISTANCE))
        .expect("the protocol's samplers are valid")
}

/// The loss of a protocol case (its `f`).
fn loss(c: &Sample) -> impl Fn(&[f64]) -> f64 + Sync + '_ {
    |p| c.objective.loss(p)
}

/// The hand-derived gradient of a protocol case.
fn grad(c: &Sample) -> impl Fn(&[f64]) -> Vec<f64> + Sync + '_ {
    |p| c.objective.gradient(p).unwrap_or_default()
}

/// The exact (dual-number) gradient at the case's point.
fn exact(c: &Sample) -> Vec<f64> {
    c.objective.exact_gradient(&c.point).unwrap_or_default()
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
    pts: &[Sample],
    estimate: impl Fn(&Sample) -> Vec<Extrapolated<f64>>,
) -> (Vec<f64>, f64) {
    let (mut evals, mut coords) = (0usize, 0usize);
    let errs = pts
        .iter()
        .map(|c| {
            let r = estimate(c);
            evals += r.iter().map(|e| e.evaluations).sum::<usize>();
            coords += r.len();
            let values: Vec<f64> = r.iter().map(|e| e.value).collect();
            scaled_error(&values, &exact(c))
        })
        .collect();
    (errs, evals as f64 / coords.max(1) as f64)
}

/// Table (a): numeric-gradient accuracy against the exact (dual-number) gradient.
pub fn accuracy(points: usize, seed: u64) -> Vec<AccuracyRow> {
    let mut rows = Vec::new();
    let cases = [
        ("chain", chain_sampler(&PROTOCOL_ACTS)),
        (
            "chain_tanh_sigmoid",
            chain_sampler(&[Activation::Tanh, Activation::Sigmoid]),
        ),
        ("mlp_N16_H8", mlp_sampler(16, 8)),
        ("softmax_hinge_k10_m1", hinge_sampler(10, 1.0)),
        ("softmax_hinge_k10_m0.5", hinge_sampler(10, 0.5)),
    ];
    let mut progress = super::progress::Progress::new(cases.len() as u64, "accuracy");
    for (name, sampler) in cases {
        progress.tick();
        let mut rng = StdRng::seed_from_u64(seed);
        let pts: Vec<Sample> = (0..points)
            .map(|_| protocol_case(&sampler, &mut rng))
            .collect();
        let mut per_method: Vec<(String, Vec<f64>, f64)> = Vec::new();
        for scheme in [
            DifferenceScheme::Forward,
            DifferenceScheme::Central,
            DifferenceScheme::ThirdOrder,
            DifferenceScheme::Central4,
        ] {
            let errs = pts
                .iter()
                .map(|c| scaled_error(&gradient(scheme, &loss(c), &c.point), &exact(c)))
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
            extrapolated_errors(&pts, |c| ridders_gradient(&loss(c), &c.point, &cfg));
        per_method.push(("ridders (8 evaluations)".into(), errs, per_coordinate));
        let adaptive = AdaptiveRiddersConfig::default();
        let (errs, per_coordinate) = extrapolated_errors(&pts, |c| {
            adaptive_ridders_gradient(&loss(c), &c.point, &adaptive)
        });
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
                let report = check_objective(&c.objective, &c.point, &CheckConfig::default())
                    .expect("valid protocol point");
                evals += report.evaluations();
                coords += c.point.len();
                let num: Vec<f64> = report.entries().iter().map(|e| e.numeric).collect();
                scaled_error(&num, &exact(c))
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
    let mut draw = |sampler: Sampler| protocol_case(&sampler, &mut rng);
    let mut cases: Vec<(String, Sample)> = vec![
        ("mlp_N4_H3".into(), draw(mlp_sampler(4, 3))),
        ("mlp_N64_H100".into(), draw(mlp_sampler(64, 100))),
    ];
    if !quick {
        cases.push(("mlp_N64_H1000".into(), draw(mlp_sampler(64, 1000))));
    }
    for k in [10, 100, 1000] {
        cases.push((format!("softmax_hinge_k{k}"), draw(hinge_sampler(k, 1.0))));
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
            if spread && c.point.len() < 300 {
                continue;
            }
            let (f, g) = (loss(c), grad(c));
            let run = || {
                if spread {
                    check_gradient_parallel(&f, &g, &c.point, &cfg).expect("valid protocol point")
                } else {
                    check_gradient(&f, &g, &c.point, &cfg).expect("valid protocol point")
                }
            };
            let report = run();
            rows.push(SpeedRow {
                case: name.clone(),
                parameters: c.point.len(),
                mode: mode.into(),
                median_ms: median_ms_of_5(run),
                evaluations: report.evaluations(),
                verdict: report.verdict().label().into(),
            });
        }
        // The yardstick of the escalation's cost: plain central differences
        // (2n + 1 evaluations), no comparison, no verdict.
        let plain = || gradient(DifferenceScheme::Central, &loss(c), &c.point);
        std::hint::black_box(plain());
        rows.push(SpeedRow {
            case: name.clone(),
            parameters: c.point.len(),
            mode: "plain central differences".into(),
            median_ms: median_ms_of_5(plain),
            evaluations: 2 * c.point.len() + 1,
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
    let chain = Objective::Chain {
        activations: vec![Activation::Tanh, Activation::Sigmoid, Activation::Tanh],
        x_in: 0.8,
        y_gt: -0.3,
    };
    let w = [0.7, -1.2, 0.9];
    let f = |t: &[f64]| chain.loss(t);
    let exact = chain.exact_gradient(&w).expect("finite");
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
