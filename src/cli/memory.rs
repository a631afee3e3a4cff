//! `memory`: Exercise 4's strategies measured.

use std::time::Instant;

use gradient_oracle::{Activation, DeepChain, DenseStack, Layered, Strategy, backprop};
use serde::Serialize;

/// One measured run.
#[derive(Debug, Serialize)]
pub struct MemoryRow {
    pub model: String,
    pub layers: usize,
    pub strategy: String,
    pub peak_states: usize,
    pub peak_bytes: usize,
    pub forward_evaluations: usize,
    pub recompute_factor: f64,
    pub formula_evaluations: Option<u128>,
    pub millis: f64,
}

/// The strategies compared at depth `l`.
pub fn strategies(l: usize) -> Vec<Strategy> {
    let root = (l as f64).sqrt().ceil() as usize;
    let log = (usize::BITS - l.leading_zeros()) as usize;
    // Revolve with every-k's memory (its checkpoints plus a segment, less the input
    // and the state in flight), then with less.
    let same_memory = (l.div_ceil(root) + root).saturating_sub(3).max(1);
    vec![
        Strategy::StoreAll,
        Strategy::EveryK(root),
        Strategy::Revolve(same_memory),
        Strategy::Revolve(root),
        Strategy::Revolve(log),
    ]
}

fn measure<M: Layered>(
    model: &M,
    name: &str,
    input: &M::State,
    strategy: Strategy,
) -> Result<MemoryRow, String> {
    let started = Instant::now();
    let (_, _, stats) = backprop(model, input, strategy).map_err(|e| e.to_string())?;
    let millis = started.elapsed().as_secs_f64() * 1e3;
    Ok(MemoryRow {
        model: name.into(),
        layers: stats.layers,
        strategy: strategy.to_string(),
        peak_states: stats.peak_states,
        peak_bytes: stats.peak_bytes,
        forward_evaluations: stats.forward_evaluations,
        recompute_factor: stats.recompute_factor(),
        formula_evaluations: match strategy {
            Strategy::Revolve(c) => Some(gradient_oracle::revolve_forward_evaluations(
                stats.layers,
                c,
            )),
            _ => None,
        },
        millis,
    })
}

/// Runs every strategy on the scalar chain at each depth and on a dense stack.
pub fn run(
    depths: &[usize],
    dense_width: usize,
    dense_depths: &[usize],
) -> Result<Vec<MemoryRow>, String> {
    let mut rows = Vec::new();
    for &l in depths {
        let weights: Vec<f64> = (0..l)
            .map(|k| 1.05 + 0.1 * ((k * 7919 % 17) as f64 / 17.0))
            .collect();
        let model =
            DeepChain::new(weights, vec![Activation::Tanh; l], 0.25).map_err(|e| e.to_string())?;
        for s in strategies(l) {
            rows.push(measure(&model, "chain", &0.7, s)?);
        }
    }
    for &l in dense_depths {
        let model = DenseStack::seeded(l, dense_width, 11);
        let input = nalgebra::DVector::from_fn(dense_width, |i, _| ((i + 1) as f64 * 0.31).sin());
        for s in strategies(l) {
            rows.push(measure(&model, &format!("dense-{dense_width}"), &input, s)?);
        }
    }
    Ok(rows)
}
