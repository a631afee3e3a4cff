//! Checking a burn custom op's hand-written backward (feature `burn`):
//!
//! ```text
//! cargo run --example burn_custom_op --features burn
//! ```
//!
//! A leaky ReLU written as a burn autodiff op with its own `Backward`
//! ([`leaky_relu`]), in a standard layer: burn's `Linear`, the leaky ReLU,
//! the summed squares. The module is checked as written, then with two
//! seeded bugs in the backward: the slope factor left out on the negative
//! side, and the derivative's mask read at the transposed index. Each fails,
//! the wrong entries named (`fc.weight[i, j]`, `fc.bias[j]`).
//!
//! The tests (`tests/adapters_burn.rs`) use this op and layer too.

use burn::backend::autodiff::checkpoint::base::Checkpointer;
use burn::backend::autodiff::checkpoint::strategy::CheckpointStrategy;
use burn::backend::autodiff::grads::Gradients;
use burn::backend::autodiff::ops::{Backward, Ops, OpsKind, unary};
use burn::backend::{Autodiff, NdArray};
use burn::module::{Module, Param};
use burn::nn::Linear;
use burn::tensor::backend::Backend;
use burn::tensor::{Tensor, TensorPrimitive};
use gradient_oracle::adapters::burn::check_burn_module;
use gradient_oracle::{CheckConfig, NamedReport};

/// The negative side's slope.
pub const SLOPE: f64 = 0.1;

/// The autodiff backend of the example, in `f64`.
pub type Ad = Autodiff<NdArray<f64>>;
/// The same in `f32`.
pub type Ad32 = Autodiff<NdArray<f32>>;

/// A mistake to seed into the hand-written backward.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bug {
    /// As derived.
    None,
    /// The slope factor is left out on the negative side (derivative 1 there).
    MissingSlope,
    /// The derivative's mask is read at the transposed index (square inputs).
    TransposedMask,
}

/// $\max(x, \alpha x)$ on the inner backend.
fn forward<B: Backend>(x: Tensor<B, 2>) -> Tensor<B, 2> {
    let negative = x.clone().lower_equal_elem(0.0);
    x.clone().mask_where(negative, x * SLOPE)
}

/// $\partial y/\partial x$: 1 where $x > 0$, $\alpha$ elsewhere.
fn derivative<B: Backend>(x: Tensor<B, 2>, bug: Bug) -> Tensor<B, 2> {
    let x = match bug {
        Bug::TransposedMask => x.transpose(),
        _ => x,
    };
    let slope = if bug == Bug::MissingSlope { 1.0 } else { SLOPE };
    let negative = x.clone().lower_equal_elem(0.0);
    x.ones_like().mask_fill(negative, slope)
}

#[derive(Debug)]
struct LeakyReluBackward {
    bug: Bug,
}

impl<B: Backend> Backward<B, 1> for LeakyReluBackward {
    /// The op's input.
    type State = B::FloatTensorPrimitive;

    fn backward(self, ops: Ops<Self::State, 1>, grads: &mut Gradients, _: &mut Checkpointer) {
        let x = Tensor::<B, 2>::from_primitive(TensorPrimitive::Float(ops.state));
        unary::<B, _>(ops.parents, ops.node, grads, |grad| {
            let grad = Tensor::<B, 2>::from_primitive(TensorPrimitive::Float(grad));
            (grad * derivative(x, self.bug)).into_primitive().tensor()
        });
    }
}

/// The leaky ReLU as an autodiff op with the hand-written backward above.
pub fn leaky_relu<B: Backend, C: CheckpointStrategy>(
    x: Tensor<Autodiff<B, C>, 2>,
    bug: Bug,
) -> Tensor<Autodiff<B, C>, 2> {
    let x = x.into_primitive().tensor();
    let inner = Tensor::<B, 2>::from_primitive(TensorPrimitive::Float(x.primitive.clone()));
    let out = forward(inner).into_primitive().tensor();
    let result = match (LeakyReluBackward { bug })
        .prepare::<C>([x.node.clone()])
        .compute_bound()
        .stateful()
    {
        OpsKind::Tracked(prep) => prep.finish(x.primitive, out),
        OpsKind::UnTracked(prep) => prep.finish(out),
    };
    Tensor::from_primitive(TensorPrimitive::Float(result))
}

/// A standard layer: burn's `Linear` (weight d_in x d_out, bias d_out).
#[derive(Module, Debug)]
pub struct Layer<B: Backend> {
    /// The linear map.
    pub fc: Linear<B>,
}

/// The layer's parameter names in the order burn visits them.
pub const NAMES: [&str; 2] = ["fc.weight", "fc.bias"];

/// The layer with fixed, non-symmetric 3 x 3 weights and a bias.
pub fn layer<B: Backend>() -> Layer<B> {
    let device = Default::default();
    let weight = Tensor::<B, 2>::from_floats(
        [[0.4, -0.3, 0.8], [0.2, 0.6, -0.5], [-0.7, 0.1, 0.3]],
        &device,
    );
    let bias = Tensor::<B, 1>::from_floats([0.05, -0.1, 0.2], &device);
    Layer {
        fc: Linear {
            weight: Param::from_tensor(weight),
            bias: Some(Param::from_tensor(bias)),
        },
    }
}

/// The layer's inputs: a 3 x 3 batch (square, so that the transposed-mask
/// bug is shape-valid) with pre-activations on both sides of 0.
pub fn batch<B: Backend>() -> Tensor<B, 2> {
    Tensor::from_floats(
        [[0.5, -1.0, 2.0], [1.5, 0.25, -0.75], [-2.0, 0.5, 1.0]],
        &Default::default(),
    )
}

/// $L = \sum \mathrm{leaky}(x W + b)^2$ with the custom op.
pub fn layer_loss<B: Backend, C: CheckpointStrategy>(
    layer: &Layer<Autodiff<B, C>>,
    bug: Bug,
) -> Tensor<Autodiff<B, C>, 1> {
    leaky_relu(layer.fc.forward(batch()), bug)
        .powf_scalar(2.0)
        .sum()
}

/// Checks the layer's parameters with the given bug.
pub fn check_layer(bug: Bug) -> Result<NamedReport, gradient_oracle::OracleError> {
    check_burn_module(
        &layer::<Ad>(),
        &NAMES,
        |m| layer_loss(m, bug),
        &CheckConfig::default(),
    )
}

#[allow(dead_code)] // the tests include this file for its op and layer
fn main() -> Result<(), gradient_oracle::OracleError> {
    for (what, bug) in [
        ("as derived", Bug::None),
        ("without the slope factor", Bug::MissingSlope),
        ("mask read at the transposed index", Bug::TransposedMask),
    ] {
        println!("{what}:\n{}", check_layer(bug)?);
    }
    Ok(())
}
