//! `bench`, table (c): second derivatives. The Hessian from the gradient
//! (Ridders' extrapolation per column, and the checker's own differences in
//! `check_hessian`) against closed forms and hyper-dual Hessians, beside
//! numdifftools' `Hessian` from f alone (`../shared/peers/hessian.py`).

use std::time::Instant;

use gradient_oracle::models::classic::{
    rosenbrock_gradient, rosenbrock_hessian, tanh_chain_gradient, tanh_chain_hessian,
};
use gradient_oracle::nalgebra::DMatrix;
use gradient_oracle::numeric::extrapolation::{RiddersConfig, ridders_jacobian};
use gradient_oracle::{Activation, CheckConfig, Placement, Sampler, check_hessian};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::Serialize;

/// Points per case, as in `hessian.py`.
const POINTS: usize = 20;

/// One row of table (c).
#[derive(Debug, Serialize)]
pub struct HessianRow {
    pub case: String,
    pub method: String,
    /// The worst, over the points, of $\max_{ij} |H - H^*| / \max(1, |H^*|)$.
    pub worst: f64,
    pub ms_per_point: f64,
    pub gradient_evaluations_per_column: f64,
}

/// A gradient.
type Gradient = Box<dyn Fn(&[f64]) -> Vec<f64>>;

/// A point with its gradient and exact Hessian.
struct HessianPoint {
    grad: Gradient,
    exact: DMatrix<f64>,
    x: Vec<f64>,
}

fn scaled_error(h: &DMatrix<f64>, exact: &DMatrix<f64>) -> f64 {
    h.iter()
        .zip(exact.iter())
        .map(|(a, e)| (a - e).abs() / e.abs().max(1.0))
        .fold(0.0, f64::max)
}

fn uniform_points(rng: &mut StdRng, n: usize, range: f64) -> Vec<Vec<f64>> {
    (0..POINTS)
        .map(|_| (0..n).map(|_| rng.random_range(-range..range)).collect())
        .collect()
}

/// The classic functions at `hessian.py`'s sizes and ranges, and the
/// sheet's models at protocol points (away from kinks) against their
/// hyper-dual Hessians.
fn cases(seed: u64) -> Vec<(String, Vec<HessianPoint>)> {
    let mut rng = StdRng::seed_from_u64(seed);
    let classic =
        |rng: &mut StdRng, n, range, g: fn(&[f64]) -> Vec<f64>, h: fn(&[f64]) -> DMatrix<f64>| {
            uniform_points(rng, n, range)
                .into_iter()
                .map(|x| HessianPoint {
                    grad: Box::new(g),
                    exact: h(&x),
                    x,
                })
                .collect::<Vec<_>>()
        };
    let mut out = vec![
        (
            "rosenbrock5 (±1.5)".to_string(),
            classic(&mut rng, 5, 1.5, rosenbrock_gradient, rosenbrock_hessian),
        ),
        (
            "tanh chain 8 (±1.2)".to_string(),
            classic(&mut rng, 8, 1.2, tanh_chain_gradient, tanh_chain_hessian),
        ),
    ];
    let models = [
        (
            "chain (Ex. 1)",
            Sampler::Chain {
                activations: Activation::SMOOTH.to_vec(),
            },
        ),
        (
            "mlp N16 H8 (Ex. 2)",
            Sampler::Mlp {
                samples: 16..=16,
                inputs: 2..=2,
                hidden: 8..=8,
            },
        ),
        (
            "softmax_hinge k10 m1 (Ex. 3)",
            Sampler::SoftmaxHinge {
                classes: 10..=10,
                margin: 1.0..=1.0,
                boost_label: true,
            },
        ),
    ];
    for (name, sampler) in models {
        let points = (0..POINTS)
            .map(|_| {
                let s = sampler
                    .sample(&mut rng, Placement::AwayFromKinks(1e-3))
                    .expect("the protocol's samplers are valid");
                let exact = s.objective.exact_hessian(&s.point).expect("a scalar model");
                let objective = s.objective;
                HessianPoint {
                    grad: Box::new(move |p: &[f64]| objective.gradient(p).unwrap_or_default()),
                    exact,
                    x: s.point,
                }
            })
            .collect();
        out.push((format!("{name} vs hyper-dual"), points));
    }
    out
}

/// Table (c): each case by Ridders on the gradient and by `check_hessian`.
pub fn second_order(seed: u64) -> Vec<HessianRow> {
    let mut rows = Vec::new();
    for (case, points) in cases(seed) {
        let n = points[0].x.len() as f64;
        let (mut worst, mut evaluations) = (0.0_f64, 0usize);
        let start = Instant::now();
        for p in &points {
            let columns = ridders_jacobian(&p.grad, &p.x, &RiddersConfig::default());
            let raw = DMatrix::from_fn(p.x.len(), p.x.len(), |i, j| columns[j][i].value);
            evaluations += columns
                .iter()
                .map(|c| c.iter().map(|e| e.evaluations).max().unwrap_or(0))
                .sum::<usize>();
            worst = worst.max(scaled_error(&((&raw + raw.transpose()) * 0.5), &p.exact));
        }
        rows.push(HessianRow {
            case: case.clone(),
            method: "ridders on the gradient (symmetrized)".into(),
            worst,
            ms_per_point: start.elapsed().as_secs_f64() * 1e3 / points.len() as f64,
            gradient_evaluations_per_column: evaluations as f64 / (n * points.len() as f64),
        });
        let (mut worst, mut evaluations) = (0.0_f64, 0usize);
        let start = Instant::now();
        for p in &points {
            let claim = p.exact.clone();
            let report = check_hessian(
                &p.grad,
                &|_: &[f64]| claim.clone(),
                &p.x,
                &CheckConfig::default(),
            )
            .expect("valid protocol point");
            evaluations += report.evaluations();
            let numeric = DMatrix::from_fn(p.x.len(), p.x.len(), |i, j| {
                report
                    .entries()
                    .iter()
                    .find(|e| e.output == i && e.input == j)
                    .map_or(f64::NAN, |e| e.numeric)
            });
            worst = worst.max(scaled_error(&numeric, &p.exact));
        }
        rows.push(HessianRow {
            case,
            method: "check_hessian (the checker's own)".into(),
            worst,
            ms_per_point: start.elapsed().as_secs_f64() * 1e3 / points.len() as f64,
            gradient_evaluations_per_column: evaluations as f64 / (n * points.len() as f64),
        });
    }
    rows
}
