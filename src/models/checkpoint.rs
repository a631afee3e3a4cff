//! Exercise 4 (bonus): backpropagation under a memory budget.
//!
//! Backpropagation through $L$ layers needs each layer's input $z_{k-1}$ when
//! its backward step runs, in reverse order. Three ways to have it:
//!
//! - [`Strategy::StoreAll`]: keep every $z_k$ from the forward sweep:
//!   $L$ stored states, $L - 1$ forward evaluations (no recomputation).
//! - [`Strategy::EveryK`]: keep every $k$-th state; before backpropagating
//!   through a segment, recompute its states from the segment's checkpoint.
//!   About $L/k + k$ states ($2\sqrt L$ for $k = \sqrt L$) for about $2L$
//!   forward evaluations.
//! - [`Strategy::Revolve`]: the optimal binomial schedule of Griewank and
//!   Walther (*Algorithm 799: Revolve*, 2000) for $c$ free snapshots besides
//!   the input: the fewest forward evaluations any schedule with that memory
//!   can use. With $s = c + 1$ stored states and $\beta(s, r) = \binom{s + r}{s}$,
//!   let $r$ be the repetition number with $\beta(s, r-1) < L \le \beta(s, r)$;
//!   then the minimum is
//!   $$ T(L, c) = r L - \beta(s + 1, r - 1) $$
//!   forward evaluations ([`revolve_forward_evaluations`]). The schedule places
//!   each snapshot where $m + T(l - m, c - 1) + T(m, c)$ is least.
//!
//! **Counting.** A *forward evaluation* is one layer advanced from a stored
//! state, $z_{k-1} \mapsto z_k$. A backward step recomputes its own layer's
//! pre-activation from $z_{k-1}$ (as every reverse-mode tool records a step
//! before reversing it) and, for the last layer, the loss seed; those are not
//! counted. Stored states count every $z_k$ held at once, the input included.
//!
//! **Same answers.** Recomputation runs the same floating-point operations on
//! the same inputs, so every recomputed state is bit-for-bit the stored one,
//! and the backward steps run in the same order on the same values: all
//! strategies return bit-identical gradients (the tests assert `==`).

use std::fmt;

use nalgebra::{DMatrix, DVector};

use crate::error::{OracleError, Result, require_finite};
use crate::models::activation::Activation;

/// A stack of layers whose state can be advanced and reversed one layer at a time.
pub trait Layered {
    /// The state between layers ($z_k$).
    type State: Clone;
    /// The gradient of one layer's parameters.
    type Grad;
    /// The number of layers $L$.
    fn layers(&self) -> usize;
    /// $z_{k+1}$ from $z_k$ (`layer` is 0-based: layer `k` maps $z_k$ to $z_{k+1}$).
    fn advance(&self, layer: usize, input: &Self::State) -> Self::State;
    /// The backward step of `layer`: from its input and $\partial L/\partial z_{k+1}$
    /// (`None` for the last layer, whose seed comes from the loss), the
    /// parameter gradient and $\partial L/\partial z_k$.
    fn reverse(
        &self,
        layer: usize,
        input: &Self::State,
        upstream: Option<&Self::State>,
    ) -> (Self::Grad, Self::State);
    /// Bytes of one stored state.
    fn state_bytes(&self) -> usize;

    /// Checks that `input` fits the first layer ([`backprop`] calls it
    /// first, so that a wrong width is an error, not a panic inside the
    /// matrix product). Every input fits by default.
    ///
    /// # Errors
    /// [`OracleError::ShapeMismatch`] or a non-finite input, naming it.
    fn check_input(&self, input: &Self::State) -> Result<()> {
        let _ = input;
        Ok(())
    }
}

/// How states are kept for the backward pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Strategy {
    /// Keep every state.
    StoreAll,
    /// Keep every `k`-th state, recompute segments.
    EveryK(usize),
    /// Optimal binomial checkpointing with this many free snapshots.
    Revolve(usize),
}

impl fmt::Display for Strategy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Strategy::StoreAll => write!(f, "store-all"),
            Strategy::EveryK(k) => write!(f, "every-{k}"),
            Strategy::Revolve(c) => write!(f, "revolve-{c}"),
        }
    }
}

/// What a run cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MemoryStats {
    /// Layers $L$.
    pub layers: usize,
    /// The most states held at once (the input included).
    pub peak_states: usize,
    /// `peak_states` times the bytes of a state.
    pub peak_bytes: usize,
    /// Forward evaluations (layer advances).
    pub forward_evaluations: usize,
}

impl MemoryStats {
    /// Forward evaluations relative to one plain forward sweep ($L - 1$ advances).
    pub fn recompute_factor(&self) -> f64 {
        if self.layers <= 1 {
            1.0
        } else {
            self.forward_evaluations as f64 / (self.layers - 1) as f64
        }
    }
}

/// Counts what is stored and advanced.
struct Tape<'a, M: Layered> {
    model: &'a M,
    held: usize,
    peak: usize,
    advances: usize,
    grads: Vec<Option<M::Grad>>,
    upstream: Option<M::State>,
}

impl<M: Layered> Tape<'_, M> {
    fn hold(&mut self, n: usize) {
        self.held += n;
        self.peak = self.peak.max(self.held);
    }

    fn release(&mut self, n: usize) {
        self.held -= n;
    }

    fn advance(&mut self, layer: usize, state: &M::State) -> M::State {
        self.advances += 1;
        self.model.advance(layer, state)
    }

    /// Backward through `layer` (layers are reversed strictly from the top down).
    fn reverse(&mut self, layer: usize, input: &M::State) {
        let (g, down) = self.model.reverse(layer, input, self.upstream.as_ref());
        self.grads[layer] = Some(g);
        self.upstream = Some(down);
    }
}

/// Backpropagates through `model` from `input` with the given strategy.
/// Returns the per-layer parameter gradients, $\partial L/\partial z_0$, and the costs.
///
/// # Errors
/// [`OracleError::InvalidParameter`] for a model with no layers, `EveryK(0)`.
pub fn backprop<M: Layered>(
    model: &M,
    input: &M::State,
    strategy: Strategy,
) -> Result<(Vec<M::Grad>, M::State, MemoryStats)> {
    let l = model.layers();
    if l == 0 {
        return Err(OracleError::ZeroDepth);
    }
    if strategy == Strategy::EveryK(0) {
        return Err(OracleError::InvalidParameter {
            name: "k".into(),
            reason: "the checkpoint interval must be at least 1".into(),
        });
    }
    model.check_input(input)?;
    let mut tape = Tape {
        model,
        held: 0,
        peak: 0,
        advances: 0,
        grads: (0..l).map(|_| None).collect(),
        upstream: None,
    };
    tape.hold(1); // the input
    match strategy {
        Strategy::StoreAll => {
            let mut states = vec![input.clone()];
            for k in 0..l - 1 {
                let next = tape.advance(k, &states[k]);
                states.push(next);
                tape.hold(1);
            }
            for k in (0..l).rev() {
                tape.reverse(k, &states[k]);
            }
        }
        Strategy::EveryK(step) => {
            // Forward sweep keeping z_0, z_step, z_2step, ...
            let mut checkpoints = vec![input.clone()];
            let mut z = input.clone();
            for k in 0..l - 1 {
                z = tape.advance(k, &z);
                if (k + 1) % step == 0 {
                    checkpoints.push(z.clone());
                    tape.hold(1);
                }
            }
            for (c, start_state) in checkpoints.iter().enumerate().rev() {
                let start = c * step;
                let end = (start + step).min(l);
                // Recompute the segment's states from its checkpoint.
                let mut segment = vec![start_state.clone()];
                for k in start..end - 1 {
                    let next = tape.advance(k, &segment[k - start]);
                    segment.push(next);
                    tape.hold(1);
                }
                for k in (start..end).rev() {
                    tape.reverse(k, &segment[k - start]);
                }
                tape.release(segment.len() - 1);
            }
        }
        Strategy::Revolve(snapshots) => revolve(&mut tape, 0, l, snapshots, input),
    }
    let grads = tape
        .grads
        .into_iter()
        .map(|g| g.expect("every layer is reversed once"))
        .collect();
    let stats = MemoryStats {
        layers: l,
        peak_states: tape.peak,
        peak_bytes: tape.peak * model.state_bytes(),
        forward_evaluations: tape.advances,
    };
    Ok((grads, tape.upstream.expect("at least one layer"), stats))
}

/// Reverses layers `start..end` given the state at `start` and `free` snapshots.
fn revolve<M: Layered>(
    tape: &mut Tape<'_, M>,
    start: usize,
    end: usize,
    free: usize,
    state: &M::State,
) {
    let l = end - start;
    if l == 1 {
        tape.reverse(start, state);
        return;
    }
    if free == 0 {
        // No room: recompute from `start` for every layer, top down.
        for k in (start..end).rev() {
            let mut z = state.clone();
            if k > start {
                tape.hold(1);
            }
            for j in start..k {
                z = tape.advance(j, &z);
            }
            tape.reverse(k, &z);
            if k > start {
                tape.release(1);
            }
        }
        return;
    }
    let m = optimal_split(l, free);
    let mut z = state.clone();
    tape.hold(1);
    for j in start..start + m {
        z = tape.advance(j, &z);
    }
    revolve(tape, start + m, end, free - 1, &z);
    tape.release(1);
    revolve(tape, start, start + m, free, state);
}

/// The number of advances before the first snapshot: the least `m` in `1..l`
/// minimising `m + T(l - m, free - 1) + T(m, free)`. `T(., c)` is convex in the
/// number of layers (its increments are the non-decreasing repetition numbers),
/// so the cost is convex in `m` and a binary search on its increments finds the
/// minimum in O(log l) evaluations.
fn optimal_split(l: usize, free: usize) -> usize {
    let cost = |m: usize| {
        m as u128
            + revolve_forward_evaluations(l - m, free - 1)
            + revolve_forward_evaluations(m, free)
    };
    let (mut lo, mut hi) = (1, l - 1);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if cost(mid + 1) >= cost(mid) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    lo
}

/// The least number of forward evaluations (layer advances) with which any
/// schedule reverses `l` layers holding the input and `free` snapshots:
/// $r l - \beta(s + 1, r - 1)$ with $s = $ `free` $+ 1$,
/// $\beta(s, r) = \binom{s + r}{s}$ and $\beta(s, r-1) < l \le \beta(s, r)$
/// (Griewank 1992); $l(l-1)/2$ when `free = 0`.
pub fn revolve_forward_evaluations(l: usize, free: usize) -> u128 {
    if l <= 1 {
        return 0;
    }
    let l128 = l as u128;
    if free == 0 {
        return l128 * (l128 - 1) / 2;
    }
    let s = free as u128 + 1;
    // beta(s, r) and beta(s + 1, r - 1), built up together as r grows.
    let (mut r, mut b_s, mut b_s1) = (1u128, s + 1, 1u128);
    while b_s < l128 {
        r += 1;
        b_s1 = b_s1.saturating_mul(s + r) / (r - 1);
        b_s = b_s.saturating_mul(s + r) / r;
    }
    r * l128 - b_s1
}

/// Exercise 1's chain, arbitrarily deep: a scalar weight and an activation per layer.
#[derive(Debug, Clone, PartialEq)]
pub struct DeepChain {
    weights: Vec<f64>,
    activations: Vec<Activation>,
    target: f64,
}

impl DeepChain {
    /// A chain with `weights[k]` and `activations[k]` for layer `k`, and loss
    /// $\tfrac12 (z_L - y)^2$ against `target`.
    ///
    /// # Errors
    /// No layers, lengths that differ, non-finite weights or target.
    pub fn new(weights: Vec<f64>, activations: Vec<Activation>, target: f64) -> Result<Self> {
        if weights.is_empty() {
            return Err(OracleError::ZeroDepth);
        }
        if weights.len() != activations.len() {
            return Err(OracleError::ShapeMismatch {
                name: "activations".into(),
                expected: weights.len().to_string(),
                found: activations.len().to_string(),
            });
        }
        require_finite("weights", weights.iter().copied())?;
        require_finite("target", [target])?;
        Ok(Self {
            weights,
            activations,
            target,
        })
    }
}

impl Layered for DeepChain {
    type State = f64;
    type Grad = f64;

    fn layers(&self) -> usize {
        self.weights.len()
    }

    fn advance(&self, layer: usize, input: &f64) -> f64 {
        self.activations[layer].value(self.weights[layer] * input)
    }

    fn reverse(&self, layer: usize, input: &f64, upstream: Option<&f64>) -> (f64, f64) {
        let s = self.weights[layer] * input;
        let g = match upstream {
            Some(u) => *u,
            None => self.activations[layer].value(s) - self.target,
        };
        let delta = g * self.activations[layer].derivative(s);
        (delta * input, delta * self.weights[layer])
    }

    fn state_bytes(&self) -> usize {
        std::mem::size_of::<f64>()
    }
}

/// A stack of dense tanh layers of one width: $z_{k+1} = \tanh(W_k z_k)$,
/// loss $\tfrac12 \lVert z_L - y \rVert^2$.
#[derive(Debug, Clone, PartialEq)]
pub struct DenseStack {
    weights: Vec<DMatrix<f64>>,
    target: DVector<f64>,
}

impl DenseStack {
    /// A stack from square weight matrices and a target of their width.
    ///
    /// # Errors
    /// No layers, non-square or mismatched matrices, a target of another width,
    /// non-finite values.
    pub fn new(weights: Vec<DMatrix<f64>>, target: DVector<f64>) -> Result<Self> {
        let Some(first) = weights.first() else {
            return Err(OracleError::ZeroDepth);
        };
        let w = first.nrows();
        for (k, m) in weights.iter().enumerate() {
            if m.nrows() != w || m.ncols() != w {
                return Err(OracleError::ShapeMismatch {
                    name: format!("weights[{k}]"),
                    expected: format!("{w} x {w}"),
                    found: format!("{} x {}", m.nrows(), m.ncols()),
                });
            }
            require_finite(&format!("weights[{k}]"), m.iter().copied())?;
        }
        if target.len() != w {
            return Err(OracleError::ShapeMismatch {
                name: "target".into(),
                expected: w.to_string(),
                found: target.len().to_string(),
            });
        }
        require_finite("target", target.iter().copied())?;
        Ok(Self { weights, target })
    }

    /// A reproducible stack of `layers` layers of `width`, weights scaled so
    /// that signals neither vanish nor explode quickly.
    pub fn seeded(layers: usize, width: usize, seed: u64) -> Self {
        use rand::{Rng, SeedableRng};
        let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
        let scale = 1.0 / (width as f64).sqrt();
        let weights = (0..layers)
            .map(|_| DMatrix::from_fn(width, width, |_, _| rng.random_range(-1.5..1.5) * scale))
            .collect();
        let target = DVector::from_fn(width, |_, _| rng.random_range(-0.5..0.5));
        Self { weights, target }
    }
}

impl Layered for DenseStack {
    type State = DVector<f64>;
    type Grad = DMatrix<f64>;

    fn check_input(&self, input: &DVector<f64>) -> Result<()> {
        let width = self.weights.first().map_or(0, |w| w.ncols());
        if input.len() != width {
            return Err(OracleError::ShapeMismatch {
                name: "input".into(),
                expected: format!("{width} entries (the stack's width)"),
                found: format!("{} entries", input.len()),
            });
        }
        crate::error::require_finite("input", input.iter().copied())
    }

    fn layers(&self) -> usize {
        self.weights.len()
    }

    fn advance(&self, layer: usize, input: &DVector<f64>) -> DVector<f64> {
        (&self.weights[layer] * input).map(f64::tanh)
    }

    fn reverse(
        &self,
        layer: usize,
        input: &DVector<f64>,
        upstream: Option<&DVector<f64>>,
    ) -> (DMatrix<f64>, DVector<f64>) {
        let z = (&self.weights[layer] * input).map(f64::tanh);
        let g = match upstream {
            Some(u) => u.clone(),
            None => &z - &self.target,
        };
        let delta = g.zip_map(&z, |gi, zi| gi * (1.0 - zi * zi));
        let grad = &delta * input.transpose();
        let down = self.weights[layer].transpose() * &delta;
        (grad, down)
    }

    fn state_bytes(&self) -> usize {
        self.target.len() * std::mem::size_of::<f64>()
    }
}
