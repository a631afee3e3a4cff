//! Seeded random instances of the sheet's models and points to check them at:
//! the one generator the command's `check` and `bench`, the tests, the
//! benches and the fuzz targets draw from.
//!
//! A [`Sampler`] draws an [`Objective`] and a point from any `rand::Rng` of
//! rand 0.9, the version re-exported as `gradient_oracle::rand` (a seeded
//! `StdRng` makes the draw reproducible), placed by [`Placement`]: anywhere, exactly on a kink, or at
//! least a distance away from every kink. The draws are
//! (with $\mathcal N$ the standard normal):
//!
//! | sampler | instance | point |
//! |---|---|---|
//! | chain | activations uniform from the set; $x_{in}, y_{gt} \sim \mathcal N$ | $W_k \sim \mathcal N$ |
//! | mlp | $X \sim \mathcal N$ (N x D), $y \sim U(-1, 1)$ | $W \sim \mathcal N$, $w \sim \mathcal N/\sqrt H$ |
//! | softmax | k uniform in range | $o \sim U(-s, s)$, s from the scales |
//! | softmax_hinge | label uniform, margin uniform in range | $o \sim 2\mathcal N$, the label's $+3$ half the time if boosted |
//!
//! On a kink: the chain's last non-smooth layer gets $W_k = 0$ ($s_k = 0$
//! exactly, and the smooth layers after it keep the kink simple), redrawn
//! until its input $z_{k-1} \ne 0$ so that the kink shows in $W_k$; the
//! network's hidden unit 0 gets $W_0 = (x_{0,1}, -x_{0,0}, 0, \dots)$,
//! orthogonal to sample 0 in floating point too (D >= 2); the hinge's margin is set so that term $(y+1) \bmod k$ sits
//! exactly on it. Softmax has no kink: it gets two tied logits instead (and
//! `at_kink` false). Away from kinks: the chain and hinge redraw the whole
//! instance, the network redraws the offending hidden rows (and the whole instance when a
//! sample near 0 leaves no row far enough).
//!
//! ```
//! use gradient_oracle::{Activation, Placement, Sampler};
//! use gradient_oracle::rand::{SeedableRng, rngs::StdRng};
//! let mut rng = StdRng::seed_from_u64(7);
//! let sampler = Sampler::Chain { activations: vec![Activation::Relu, Activation::Tanh] };
//! let on = sampler.sample(&mut rng, Placement::AtKink)?;
//! assert!(on.at_kink && on.objective.kink_distance(&on.point) == 0.0);
//! let away = sampler.sample(&mut rng, Placement::AwayFromKinks(1e-3))?;
//! assert!(away.objective.kink_distance(&away.point) > 1e-3);
//! # Ok::<(), gradient_oracle::OracleError>(())
//! ```

use std::ops::RangeInclusive;

use rand::Rng;

use super::activation::Activation;
use super::mlp::Dataset;
use super::objective::Objective;
use super::softmax::softmax;
use crate::error::{OracleError, Result};
use crate::numeric::sampling::normal;

/// The chain's depth: the sheet's three layers.
const CHAIN_DEPTH: usize = 3;

/// How many redraws a placement away from kinks may take before it gives up.
const MAX_REDRAWS: usize = 10_000;

/// Where a sampled point lies relative to the objective's kinks.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Placement {
    /// Wherever the draw falls.
    Anywhere,
    /// Exactly on a kink, where the model has one (else anywhere).
    AtKink,
    /// Every switching quantity at least this far from 0.
    AwayFromKinks(f64),
}

/// One drawn instance and point: what one check runs on.
#[derive(Debug, Clone)]
pub struct Sample {
    /// The model at its drawn configuration.
    pub objective: Objective,
    /// The point (the checked vector).
    pub point: Vec<f64>,
    /// Whether the point was put exactly on a kink.
    pub at_kink: bool,
}

/// Seeded random instances of one of the sheet's models (the table in the
/// [module docs](self)).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Sampler {
    /// Exercise 1's chain, three layers, activations drawn from these.
    Chain {
        /// The activations to draw from.
        activations: Vec<Activation>,
    },
    /// Exercise 2's network on random data.
    Mlp {
        /// Samples N.
        samples: RangeInclusive<usize>,
        /// Inputs D.
        inputs: RangeInclusive<usize>,
        /// Hidden units H.
        hidden: RangeInclusive<usize>,
    },
    /// Exercise 3's softmax.
    Softmax {
        /// Classes k.
        classes: RangeInclusive<usize>,
        /// Logit scales s to draw from.
        scales: Vec<f64>,
    },
    /// Exercise 3's hinge loss through softmax.
    SoftmaxHinge {
        /// Classes k.
        classes: RangeInclusive<usize>,
        /// The margin's range (one value for a fixed margin).
        margin: RangeInclusive<f64>,
        /// Whether the label's logit gets +3 half the time (confident samples).
        boost_label: bool,
    },
}

impl Sampler {
    /// The samplers of `gradient-oracle check`: the chain over `activations`;
    /// networks with N in 1..=8, D in 1..=3, H in 1..=8; softmax and hinge with
    /// k in 2..=11 (logit scales 1, 10, 50; margins in [0, 2)).
    pub fn sheet_models(activations: &[Activation]) -> Vec<Sampler> {
        vec![
            Sampler::Chain {
                activations: activations.to_vec(),
            },
            Sampler::Mlp {
                samples: 1..=8,
                inputs: 1..=3,
                hidden: 1..=8,
            },
            Sampler::Softmax {
                classes: 2..=11,
                scales: vec![1.0, 10.0, 50.0],
            },
            Sampler::SoftmaxHinge {
                classes: 2..=11,
                margin: 0.0..=2.0,
                boost_label: false,
            },
        ]
    }

    /// The model's name (that of the objectives it draws).
    pub fn name(&self) -> &'static str {
        match self {
            Sampler::Chain { .. } => "chain",
            Sampler::Mlp { .. } => "mlp",
            Sampler::Softmax { .. } => "softmax",
            Sampler::SoftmaxHinge { .. } => "softmax_hinge",
        }
    }

    /// Draws one instance and point.
    ///
    /// # Errors
    /// [`OracleError::InvalidParameter`] for an empty range or activation
    /// set, fewer than 2 classes, a non-finite margin or distance, or a
    /// distance from kinks that 10 000 redraws do not reach.
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R, placement: Placement) -> Result<Sample> {
        if let Placement::AwayFromKinks(d) = placement
            && !(d.is_finite() && d >= 0.0)
        {
            return Err(invalid(
                "distance from kinks",
                format!("{d} is not finite and >= 0"),
            ));
        }
        match self {
            Sampler::Chain { activations } => chain(rng, activations, placement),
            Sampler::Mlp {
                samples,
                inputs,
                hidden,
            } => {
                let n = draw_size(rng, "samples", samples, 1)?;
                let d = draw_size(rng, "inputs", inputs, 1)?;
                let h = draw_size(rng, "hidden", hidden, 1)?;
                mlp(rng, (n, d, h), placement)
            }
            Sampler::Softmax { classes, scales } => {
                let k = draw_size(rng, "classes", classes, 2)?;
                softmax_logits(rng, k, scales, placement)
            }
            Sampler::SoftmaxHinge {
                classes,
                margin,
                boost_label,
            } => {
                if !(margin.start().is_finite() && margin.end().is_finite())
                    || margin.start() > margin.end()
                {
                    return Err(invalid(
                        "margin",
                        format!("{margin:?} is not a finite range"),
                    ));
                }
                let k = draw_size(rng, "classes", classes, 2)?;
                hinge(rng, k, margin, *boost_label, placement)
            }
        }
    }
}

fn invalid(name: &str, reason: String) -> OracleError {
    OracleError::InvalidParameter {
        name: name.into(),
        reason,
    }
}

/// A size from its range, no draw when the range is one value (so fixed
/// sizes leave the random stream to the model).
fn draw_size<R: Rng + ?Sized>(
    rng: &mut R,
    name: &str,
    range: &RangeInclusive<usize>,
    least: usize,
) -> Result<usize> {
    if range.start() > range.end() || *range.start() < least {
        return Err(invalid(
            name,
            format!("{range:?} is empty or below {least}"),
        ));
    }
    Ok(if range.start() == range.end() {
        *range.start()
    } else {
        rng.random_range(range.clone())
    })
}

fn chain<R: Rng + ?Sized>(
    rng: &mut R,
    from: &[Activation],
    placement: Placement,
) -> Result<Sample> {
    if from.is_empty() {
        return Err(invalid("activations", "no activation to draw from".into()));
    }
    for _ in 0..MAX_REDRAWS {
        let activations: Vec<Activation> = (0..CHAIN_DEPTH)
            .map(|_| from[rng.random_range(0..from.len())])
            .collect();
        let mut w: Vec<f64> = (0..CHAIN_DEPTH).map(|_| normal(rng)).collect();
        let (x_in, y_gt) = (normal(rng), normal(rng));
        let last_kinky = (0..CHAIN_DEPTH)
            .rev()
            .find(|k| !activations[*k].is_smooth());
        let at_kink = placement == Placement::AtKink && last_kinky.is_some();
        if let (true, Some(k)) = (at_kink, last_kinky) {
            w[k] = 0.0;
        }
        if let (true, Some(k)) = (at_kink, last_kinky) {
            // The kink shows in W_k only if its input z_{k-1} is not 0 (a dead
            // ReLU upstream leaves the loss flat in W_k): redraw such points.
            let z = (0..k).fold(x_in, |z, j| activations[j].value(w[j] * z));
            if z == 0.0 {
                continue;
            }
        }
        let objective = Objective::Chain {
            activations,
            x_in,
            y_gt,
        };
        if far_enough(&objective, &w, placement) {
            return Ok(Sample {
                objective,
                point: w,
                at_kink,
            });
        }
    }
    Err(too_close(placement))
}

fn far_enough(objective: &Objective, x: &[f64], placement: Placement) -> bool {
    match placement {
        Placement::AwayFromKinks(d) => objective.kink_distance(x) > d,
        _ => true,
    }
}

fn too_close(placement: Placement) -> OracleError {
    invalid(
        "placement",
        format!("{MAX_REDRAWS} draws did not reach {placement:?}"),
    )
}

fn normals<R: Rng + ?Sized>(rng: &mut R, rows: usize, cols: usize) -> Vec<Vec<f64>> {
    (0..rows)
        .map(|_| (0..cols).map(|_| normal(rng)).collect())
        .collect()
}

/// Redraws of one hidden row before the whole instance is redrawn (a sample
/// near 0 leaves no row far from its kink).
const ROW_REDRAWS: usize = 100;

fn mlp<R: Rng + ?Sized>(
    rng: &mut R,
    (n, d, h): (usize, usize, usize),
    placement: Placement,
) -> Result<Sample> {
    for _ in 0..MAX_REDRAWS {
        let x = normals(rng, n, d);
        let mut w = normals(rng, h, d);
        let w_out: Vec<f64> = (0..h).map(|_| normal(rng) / (h as f64).sqrt()).collect();
        let y: Vec<f64> = (0..n).map(|_| rng.random_range(-1.0..1.0)).collect();
        let at_kink = placement == Placement::AtKink && d >= 2;
        if at_kink {
            w[0] = vec![0.0; d];
            w[0][0] = x[0][1];
            w[0][1] = -x[0][0];
        }
        if let Placement::AwayFromKinks(least) = placement
            && !w.iter_mut().all(|row| redraw_row_away(rng, row, &x, least))
        {
            continue;
        }
        let data = Dataset::from_rows(&x, &y)?;
        let mut point: Vec<f64> = w.concat();
        point.extend_from_slice(&w_out);
        return Ok(Sample {
            objective: Objective::Mlp { hidden: h, data },
            point,
            at_kink,
        });
    }
    Err(too_close(placement))
}

/// Redraws `row` until every sample's pre-activation is more than `least`
/// from 0; false if [`ROW_REDRAWS`] do not get there.
fn redraw_row_away<R: Rng + ?Sized>(
    rng: &mut R,
    row: &mut Vec<f64>,
    x: &[Vec<f64>],
    least: f64,
) -> bool {
    let near = |row: &[f64]| {
        x.iter().any(|xn| {
            let s: f64 = row.iter().zip(xn).map(|(a, b)| a * b).sum();
            s.abs() <= least
        })
    };
    for _ in 0..ROW_REDRAWS {
        if !near(row) {
            return true;
        }
        *row = (0..row.len()).map(|_| normal(rng)).collect();
    }
    !near(row)
}

fn softmax_logits<R: Rng + ?Sized>(
    rng: &mut R,
    k: usize,
    scales: &[f64],
    placement: Placement,
) -> Result<Sample> {
    if scales.is_empty() || scales.iter().any(|s| !(s.is_finite() && *s > 0.0)) {
        return Err(invalid(
            "scales",
            format!("{scales:?}: need positive finite scales"),
        ));
    }
    let scale = scales[rng.random_range(0..scales.len())];
    let mut o: Vec<f64> = (0..k).map(|_| rng.random_range(-scale..scale)).collect();
    if placement == Placement::AtKink {
        // Softmax has no kink; tied logits are its special point instead (smooth,
        // but where a sign slip in p_i - p_j cancels).
        o[1] = o[0];
    }
    Ok(Sample {
        objective: Objective::Softmax,
        point: o,
        at_kink: false,
    })
}

fn hinge<R: Rng + ?Sized>(
    rng: &mut R,
    k: usize,
    margins: &RangeInclusive<f64>,
    boost_label: bool,
    placement: Placement,
) -> Result<Sample> {
    for _ in 0..MAX_REDRAWS {
        let mut o: Vec<f64> = (0..k).map(|_| 2.0 * normal(rng)).collect();
        let label = rng.random_range(0..k);
        if boost_label && rng.random::<bool>() {
            o[label] += 3.0;
        }
        let at_kink = placement == Placement::AtKink;
        let margin = if at_kink {
            let p = softmax(&o)?;
            p[label] - p[(label + 1) % k]
        } else if margins.start() < margins.end() {
            rng.random_range(*margins.start()..*margins.end())
        } else {
            *margins.start() // a fixed margin: no draw
        };
        let objective = Objective::SoftmaxHinge { label, margin };
        if far_enough(&objective, &o, placement) {
            return Ok(Sample {
                objective,
                point: o,
                at_kink,
            });
        }
    }
    Err(too_close(placement))
}
