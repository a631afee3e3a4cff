//! Exercise 2's Hessian-vector product by hand: the R-operator
//! (forward-over-reverse) pass of the D-H-1 ReLU/tanh network.
//!
//! $R\{\cdot\}$ is the derivative along the parameter direction
//! $V = (V_W, v_w)$ (layout of [`Mlp::parameters`](crate::Mlp::parameters)).
//! Per sample $x$ with label $t$, the forward pass and its R-pass:
//!
//! $$s = W x,\ z = \mathrm{relu}(s),\ s_{out} = w^\top z,\ y = \tanh s_{out},\ r = y - t$$
//! $$R\{s\} = V_W x,\quad R\{z\} = \mathrm{relu}'(s) \odot R\{s\},\quad
//!   R\{s_{out}\} = v_w^\top z + w^\top R\{z\},\quad R\{y\} = (1 - y^2)\,R\{s_{out}\}$$
//!
//! then the backward pass and its R-pass ($\mathrm{relu}'' = 0$ off the kinks):
//!
//! $$\delta_{out} = r\,(1 - y^2),\quad
//!   R\{\delta_{out}\} = (1 - y^2)\,R\{y\} - 2\,r\,y\,R\{y\}$$
//! $$\frac{\partial L}{\partial w} = \delta_{out} z,\quad
//!   R\Big\{\frac{\partial L}{\partial w}\Big\} = R\{\delta_{out}\}\, z + \delta_{out}\, R\{z\}$$
//! $$\delta = \delta_{out}\, w \odot \mathrm{relu}'(s),\quad
//!   R\{\delta\} = (R\{\delta_{out}\}\, w + \delta_{out}\, v_w) \odot \mathrm{relu}'(s),\quad
//!   R\Big\{\frac{\partial L}{\partial W}\Big\} = R\{\delta\}\, x^\top$$
//!
//! summed over the samples: $H V$ in two passes, without forming $H$. The
//! term $-2 r y R\{y\}$ is $\tanh''$'s: the one a hand derivation drops
//! most often. At a pre-activation exactly 0 the sheet's convention
//! $\mathrm{relu}'(0) = 0$ holds, as in the gradient.

use super::mlp::Dataset;
use crate::error::{OracleError, Result, require_finite};

/// $H(\theta)\,v$ of the summed loss, by the R-operator pass above.
///
/// ```
/// use gradient_oracle::{Dataset, Mlp, mlp_hvp};
/// let (mlp, data) = (Mlp::sheet(), Dataset::sheet());
/// let p = mlp.parameters();
/// let mut e0 = vec![0.0; p.len()];
/// e0[p.len() - 1] = 1.0; // the last output weight
/// let column = mlp_hvp(&p, mlp.hidden(), &data, &e0)?;
/// assert_eq!(column.len(), p.len());
/// # Ok::<(), gradient_oracle::OracleError>(())
/// ```
///
/// # Errors
/// [`OracleError::ShapeMismatch`] when `params` or `v` is not `H * D + H`
/// long; [`OracleError::NonFinite`] for a non-finite entry.
pub fn mlp_hvp(params: &[f64], hidden: usize, data: &Dataset, v: &[f64]) -> Result<Vec<f64>> {
    r_operator(params, hidden, data, v, true)
}

/// [`mlp_hvp`] without $\tanh''$'s term $-2 r y R\{y\}$: the classic slip,
/// kept for the tests that must catch it.
#[doc(hidden)]
pub fn mlp_hvp_without_tanh_curvature(
    params: &[f64],
    hidden: usize,
    data: &Dataset,
    v: &[f64],
) -> Result<Vec<f64>> {
    r_operator(params, hidden, data, v, false)
}

fn r_operator(
    params: &[f64],
    hidden: usize,
    data: &Dataset,
    v: &[f64],
    tanh_curvature: bool,
) -> Result<Vec<f64>> {
    let d = data.x().ncols();
    let expected = hidden.checked_mul(d).and_then(|hd| hd.checked_add(hidden));
    for (name, given) in [("params", params), ("v", v)] {
        if expected != Some(given.len()) {
            return Err(OracleError::ShapeMismatch {
                name: name.into(),
                expected: format!("H*D + H entries (H = {hidden}, D = {d})"),
                found: format!("{} entries", given.len()),
            });
        }
        require_finite(name, given.iter().copied())?;
    }
    let h = hidden;
    let (w_hidden, w_out) = params.split_at(h * d);
    let (v_hidden, v_out) = v.split_at(h * d);
    let mut out = vec![0.0; params.len()];
    let (mut s, mut rs) = (vec![0.0; h], vec![0.0; h]);
    for n in 0..data.len() {
        let x: Vec<f64> = (0..d).map(|c| data.x()[(n, c)]).collect();
        for j in 0..h {
            s[j] = (0..d).map(|c| w_hidden[j * d + c] * x[c]).sum();
            rs[j] = (0..d).map(|c| v_hidden[j * d + c] * x[c]).sum();
        }
        let relu_prime: Vec<f64> = s
            .iter()
            .map(|sj| if *sj > 0.0 { 1.0 } else { 0.0 })
            .collect();
        let z: Vec<f64> = s.iter().map(|sj| sj.max(0.0)).collect();
        let rz: Vec<f64> = (0..h).map(|j| relu_prime[j] * rs[j]).collect();
        let s_out: f64 = (0..h).map(|j| w_out[j] * z[j]).sum();
        let r_s_out: f64 = (0..h).map(|j| v_out[j] * z[j] + w_out[j] * rz[j]).sum();
        let y = s_out.tanh();
        let r = y - data.y()[n];
        let ry = (1.0 - y * y) * r_s_out;
        let delta_out = r * (1.0 - y * y);
        let curvature = if tanh_curvature {
            -2.0 * r * y * ry
        } else {
            0.0
        };
        let r_delta_out = (1.0 - y * y) * ry + curvature;
        for j in 0..h {
            out[h * d + j] += r_delta_out * z[j] + delta_out * rz[j];
            let r_delta = (r_delta_out * w_out[j] + delta_out * v_out[j]) * relu_prime[j];
            for c in 0..d {
                out[j * d + c] += r_delta * x[c];
            }
        }
    }
    Ok(out)
}
