//! `check`: the checker over the models at many random and kink-targeted points.

use gradient_oracle::{
    CheckConfig, CheckReport, OracleError, Placement, Sampler, Verdict, check_objective,
    check_objective_second_order,
};
use rand::SeedableRng;
use rand::rngs::StdRng;
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
    /// The coarsest finite resolution of a passing or kink point (none when
    /// no point has one: every claim all zeros).
    pub resolution: Option<f64>,
    pub evaluations: usize,
    #[serde(skip)]
    pub first_failure: Option<String>,
    #[serde(skip)]
    pub first_inconclusive: Option<String>,
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
            resolution: None,
            evaluations: 0,
            first_failure: None,
            first_inconclusive: None,
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
            // An unsure check accepts nothing, and rejects nothing: it is
            // counted and shown on its own (a saturated softmax row of 1e-12
            // entries cannot be resolved by any finite difference on p = 1).
            Verdict::Inconclusive => {
                self.inconclusive += 1;
                if self.first_inconclusive.is_none() {
                    self.first_inconclusive = Some(report.to_string());
                }
            }
            Verdict::Fail => {
                self.fail += 1;
                if self.first_failure.is_none() {
                    self.first_failure = Some(report.to_string());
                }
            }
        }
        self.worst_scaled_error = self.worst_scaled_error.max(report.worst_scaled_error());
        // (A row claiming all zeros under a fixed atol where f is 0 at every
        // probe has no relative resolution: infinite, left out.)
        if report.verdict().is_ok() && report.resolution().is_finite() {
            self.resolution = Some(self.resolution.unwrap_or(0.0).max(report.resolution()));
        }
        self.evaluations += report.evaluations();
    }
}

/// Every fourth point is aimed at a kink (where the model has one).
fn placement(p: usize) -> Placement {
    if p % 4 == 3 {
        Placement::AtKink
    } else {
        Placement::Anywhere
    }
}

/// Checks the model's backward pass (`order` 1) or its hand-derived second
/// derivatives (`order` 2) at `points` draws of `sampler` from `seed`.
pub fn tally(
    label: &str,
    sampler: &Sampler,
    points: usize,
    seed: u64,
    order: u8,
) -> Result<Tally, OracleError> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut t = Tally::new(label, points);
    let cfg = CheckConfig::default();
    for p in 0..points {
        let aim = placement(p);
        let sample = sampler.sample(&mut rng, aim)?;
        let report = if order == 2 {
            check_objective_second_order(&sample.objective, &sample.point, &cfg)?
        } else {
            check_objective(&sample.objective, &sample.point, &cfg)?
        };
        t.add(&report, sample.at_kink);
    }
    Ok(t)
}
