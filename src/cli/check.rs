//! `check`: the checker over the models at many random and kink-targeted points.

use gradient_oracle::{
    Activation, ChainNetwork, CheckConfig, CheckReport, Dataset, Mlp, OracleError, Verdict,
    chain_loss, check_gradient, check_jacobian, mlp_loss, softmax, softmax_hinge_gradient,
    softmax_hinge_loss_unchecked, softmax_jacobian, softmax_unchecked,
};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::Serialize;

/// The tally for one model.
#[derive(Serialize)]
pub struct Tally {
    pub model: String,
    pub points: usize,
    pub kink_targeted: usize,
    pub pass: usize,
    pub kink: usize,
    pub inconclusive: usize,
    pub fail: usize,
    pub worst_scaled_error: f64,
    /// The coarsest finite resolution of a passing or kink point.
    pub resolution: f64,
    pub evaluations: usize,
    #[serde(skip)]
    pub first_failure: Option<String>,
    #[serde(skip)]
    progress: super::progress::Progress,
}

impl Tally {
    fn new(model: &str, points: usize) -> Self {
        Self {
            model: model.into(),
            points: 0,
            kink_targeted: 0,
            pass: 0,
            kink: 0,
            inconclusive: 0,
            fail: 0,
            worst_scaled_error: 0.0,
            resolution: 0.0,
            evaluations: 0,
            first_failure: None,
            progress: super::progress::Progress::new(points as u64, &format!("checking {model}")),
        }
    }

    fn add(&mut self, report: &CheckReport, targeted: bool) {
        self.progress.tick();
        self.points += 1;
        self.kink_targeted += usize::from(targeted);
        match report.verdict() {
            Verdict::Pass => self.pass += 1,
            Verdict::Kink => self.kink += 1,
            // An unsure check accepts nothing: it counts against the model too.
            Verdict::Inconclusive | Verdict::Fail => {
                if report.verdict() == Verdict::Inconclusive {
                    self.inconclusive += 1;
                }
                self.fail += 1;
                if self.first_failure.is_none() {
                    self.first_failure = Some(report.to_string());
                }
            }
        }
        self.worst_scaled_error = self.worst_scaled_error.max(report.worst_scaled_error());
        // (A row claiming all zeros has no relative resolution: infinite, left out.)
        if report.verdict().is_ok() && report.resolution().is_finite() {
            self.resolution = self.resolution.max(report.resolution());
        }
        self.evaluations += report.evaluations();
    }
}

pub use gradient_oracle::numeric::sampling::normal;

type R<T> = Result<T, OracleError>;

/// Every fourth point is aimed at a kink (where the model has one).
fn targeted(p: usize) -> bool {
    p % 4 == 3
}

pub fn chain(points: usize, seed: u64, acts: &[Activation]) -> R<Tally> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut t = Tally::new("chain", points);
    let cfg = CheckConfig::default();
    for p in 0..points {
        let a: Vec<Activation> = (0..3)
            .map(|_| acts[rng.random_range(0..acts.len())])
            .collect();
        let (x_in, y_gt) = (normal(&mut rng), normal(&mut rng));
        let mut w: Vec<f64> = (0..3).map(|_| normal(&mut rng)).collect();
        // Aim at the last layer with a kink: W_k = 0 puts s_k exactly at 0. Layers after
        // it are smooth, so the kink does not cascade into a compound one.
        let last_kinky = (0..3).rev().find(|k| !a[*k].is_smooth());
        let aim = targeted(p) && last_kinky.is_some();
        if let (true, Some(k)) = (aim, last_kinky) {
            w[k] = 0.0;
        }
        let f = |w: &[f64]| chain_loss(w, &a, x_in, y_gt);
        let g = |w: &[f64]| {
            ChainNetwork::new(w.to_vec(), a.clone())
                .and_then(|n| n.loss_and_gradient(x_in, y_gt))
                .map(|r| r.1)
                .unwrap_or_default()
        };
        t.add(&check_gradient(&f, &g, &w, &cfg)?, aim);
    }
    Ok(t)
}

pub fn mlp(points: usize, seed: u64) -> R<Tally> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut t = Tally::new("mlp", points);
    let cfg = CheckConfig::default();
    for p in 0..points {
        let (n, d, h) = (
            rng.random_range(1..9),
            rng.random_range(1..4),
            rng.random_range(1..9),
        );
        let x: Vec<Vec<f64>> = (0..n)
            .map(|_| (0..d).map(|_| normal(&mut rng)).collect())
            .collect();
        let y: Vec<f64> = (0..n).map(|_| rng.random_range(-1.0..1.0)).collect();
        let mut w: Vec<Vec<f64>> = (0..h)
            .map(|_| (0..d).map(|_| normal(&mut rng)).collect())
            .collect();
        // Hidden unit 0 exactly at its kink on sample 0 alone: W_0 = (x_01, -x_00, 0, ..)
        // is orthogonal to x_0 in exact arithmetic and in floating point (the two
        // products are the same number).
        let aim = targeted(p) && d >= 2;
        if aim {
            w[0] = vec![0.0; d];
            w[0][0] = x[0][1];
            w[0][1] = -x[0][0];
        }
        let w_out: Vec<f64> = (0..h)
            .map(|_| normal(&mut rng) / (h as f64).sqrt())
            .collect();
        let data = Dataset::from_rows(&x, &y)?;
        let model = Mlp::from_rows(&w, &w_out)?;
        let f = |q: &[f64]| mlp_loss(q, h, &data);
        let g = |q: &[f64]| {
            model
                .with_parameters(q)
                .and_then(|m| m.loss_and_gradient(&data))
                .map(|r| r.1)
                .unwrap_or_default()
        };
        t.add(&check_gradient(&f, &g, &model.parameters(), &cfg)?, aim);
    }
    Ok(t)
}

pub fn softmax_model(points: usize, seed: u64) -> R<Tally> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut t = Tally::new("softmax", points);
    let cfg = CheckConfig::default();
    for p in 0..points {
        let k = rng.random_range(2..12);
        let scale = [1.0, 10.0, 50.0][rng.random_range(0..3)];
        let mut o: Vec<f64> = (0..k).map(|_| rng.random_range(-scale..scale)).collect();
        let aim = targeted(p);
        if aim {
            o[1] = o[0]; // tied logits
        }
        t.add(
            &check_jacobian(
                &|o: &[f64]| softmax_unchecked(o),
                &|o: &[f64]| softmax_jacobian(o).unwrap_or_else(|_| nalgebra::DMatrix::zeros(0, 0)),
                &o,
                &cfg,
            )?,
            aim,
        );
    }
    Ok(t)
}

pub fn hinge(points: usize, seed: u64) -> R<Tally> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut t = Tally::new("hinge", points);
    let cfg = CheckConfig::default();
    for p in 0..points {
        let k = rng.random_range(2..12);
        let o: Vec<f64> = (0..k).map(|_| 2.0 * normal(&mut rng)).collect();
        let label = rng.random_range(0..k);
        let aim = targeted(p);
        let margin = if aim {
            // Put term j = (label + 1) % k exactly at its margin.
            let q = softmax(&o)?;
            q[label] - q[(label + 1) % k]
        } else {
            rng.random_range(0.0..2.0)
        };
        let f = |o: &[f64]| softmax_hinge_loss_unchecked(o, label, margin);
        let g = |o: &[f64]| softmax_hinge_gradient(o, label, margin).unwrap_or_default();
        t.add(&check_gradient(&f, &g, &o, &cfg)?, aim);
    }
    Ok(t)
}
