//! Exercise 2's equations, one step at a time, for one sample.
//!
//! $$s = W x,\quad z = \mathrm{relu}(s),\quad s_{out} = w^\top z,\quad
//! y_{out} = \tanh(s_{out}),\quad L = \tfrac12 (y_{out} - y)^2,$$
//! $$\delta_{out} = (y_{out} - y)(1 - y_{out}^2),\quad
//! \delta_i = \delta_{out}\, w_i\, \mathrm{relu}'(s_i),\quad
//! \partial L/\partial w_i = \delta_{out} z_i,\quad
//! \partial L/\partial W_{ij} = \delta_i x_j,\quad
//! w \leftarrow w - \alpha\, \partial L/\partial w.$$
//!
//! The batch pass ([`Mlp::forward_backward`](crate::Mlp::forward_backward))
//! applies the scalar steps elementwise; the grader applies each step to the
//! student's own previous numbers, to tell a carried-forward error from a new
//! one. One source for both.

use crate::models::activation::Activation;

/// $s = W x$ (row $i$ of $W$ = hidden unit $i$).
pub fn pre_activations(w_hidden: &[Vec<f64>], x: &[f64]) -> Vec<f64> {
    w_hidden
        .iter()
        .map(|row| row.iter().zip(x).map(|(w, xj)| w * xj).sum())
        .collect()
}

/// $z_i = \mathrm{relu}(s_i)$.
pub fn hidden(s: f64) -> f64 {
    Activation::Relu.value(s)
}

/// $s_{out} = w^\top z$.
pub fn output_pre_activation(w_out: &[f64], z: &[f64]) -> f64 {
    w_out.iter().zip(z).map(|(w, zi)| w * zi).sum()
}

/// $y_{out} = \tanh(s_{out})$.
pub fn output(s_out: f64) -> f64 {
    s_out.tanh()
}

/// $L = \tfrac12 (y_{out} - y)^2$.
pub fn sample_loss(y_out: f64, y: f64) -> f64 {
    0.5 * (y_out - y) * (y_out - y)
}

/// $\delta_{out} = (y_{out} - y)(1 - y_{out}^2)$.
pub fn delta_out(y_out: f64, y: f64) -> f64 {
    (y_out - y) * (1.0 - y_out * y_out)
}

/// $\delta_i = \delta_{out}\, w_i\, \mathrm{relu}'(s_i)$ (with $\mathrm{relu}'(0) = 0$).
pub fn delta_hidden(delta_out: f64, w_i: f64, s_i: f64) -> f64 {
    delta_out * w_i * Activation::Relu.derivative(s_i)
}

/// One step of gradient descent on one weight.
pub fn updated(weight: f64, gradient: f64, learning_rate: f64) -> f64 {
    weight - learning_rate * gradient
}
