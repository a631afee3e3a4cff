//! The wide stencil's kink test (part of step 4): second-order one-sided
//! slopes $L_2, R_2$ from f at $x, x\pm h_3, x\pm 2h_3$, corrected for curvature
//! with f at $x\pm 4h_3$. Their gap is $-\tfrac12 h^3 f^{(4)}$ on a smooth
//! function and the jump $J$ at a kink, with far less rounding than the plain
//! slopes of the levels; a gap clear of its noise ($128\varepsilon\nu/h_3$)
//! that keeps its size from $h_3$ to $2h_3$ is a `WideKink`, which turns a
//! would-be **Fail** into **Kink** when the claim lies between $L_2$ and $R_2$.

use super::CheckConfig;
use super::budget::{magnitude, tolerance};
use super::noise_model::NoiseModel;
use super::probe::{Evaluator, Scratch};
use crate::float::{Real, cst};
use crate::numeric::differences::fourth_order;

/// A kink the wide stencil's second-order one-sided slopes see, with the
/// analytic value between them.
#[derive(Debug, Clone, Copy)]
pub(super) struct WideKink<F> {
    pub(super) left: F,
    pub(super) right: F,
    pub(super) nearest: F,
    pub(super) tolerance: F,
}

/// The kink test at the first pass's wide steps, for the outputs still pending
/// (2 more evaluations, at $x \pm 4h_3$).
///
/// The second-order one-sided slopes
/// $R_2(h) = (-3f_0 + 4f(x+h) - f(x+2h))/2h$ and
/// $L_2(h) = (3f_0 - 4f(x-h) + f(x-2h))/2h$ have the gap
/// $G(h) = R_2 - L_2 = -\tfrac12 h^3 f^{(4)} + O(h^5)$ on a smooth function,
/// and $J + O(h^3)$ across a kink at $x$ with jump $J$ in the derivative. At
/// $h_3 = \varepsilon^{1/4}$ their rounding ($8\varepsilon\nu/h_3$) is
/// hundreds of times below that of the plain slopes at the kink analysis' small
/// steps, so a jump too small for those (a hinge term at its margin with
/// $p_j p_y \approx 10^{-9}$) still shows. A kink is reported when the gap stands
/// clear of its rounding and keeps its size from $h_3$ to $2h_3$ (a smooth gap
/// grows eightfold), and the analytic value lies between $L_2(h_3)$ and
/// $R_2(h_3)$, widened by their rounding. Both slopes carry the same
/// truncation $-\tfrac13 h^2 f'''$, removed through the kink-blind
/// $c(h_3) - c_4(h_3) = \tfrac16 h^2 f''' + O(h^4)$ (central stencils are odd
/// and do not see the even part $\tfrac J2 |t|$ of a kink); what is left,
/// $\pm\tfrac14 h^3 f^{(4)}$, is bounded by the gap's growth from $h_3$ to $2h_3$.
/// A jump $\Delta f''$ at the kink is odd ($\tfrac14\Delta f''\,t|t|$), so the
/// central stencils see it: $2(c - c_4)$ carries $\Delta f''\,h_3/6$ besides
/// the curvature term. Each side's one-sided second differences
/// $S_\pm(h) = (f(x\pm2h) - 2f(x\pm h) + f_0)/h^2$ at $h_3$ and $2h_3$ give its
/// $f''$ as $2S_\pm(h_3) - S_\pm(2h_3)$, and the shift is removed (what is
/// left of it is of order $h^3 f^{(4)}$ too, and its rounding about
/// $3\varepsilon\nu/h_3$).
#[allow(clippy::too_many_arguments)]
pub(super) fn wide_stencil_kinks<F: Real, E: FnMut(&[F], &mut [F])>(
    ev: &mut Evaluator<'_, F, E>,
    i: usize,
    f0: &[F],
    analytic: &[Vec<F>],
    noise: &NoiseModel<F>,
    sigma: &[F],
    h3: F,
    s: &mut Scratch<F>,
    config: &CheckConfig,
) -> Vec<Option<WideKink<F>>> {
    let t = noise.tolerances(sigma, f0);
    let m = f0.len();
    let (two, three, four, six) = (cst::<F>(2.0), cst::<F>(3.0), cst::<F>(4.0), cst::<F>(6.0));
    let [plus4, minus4] = far_values(ev, i, h3, s);
    let [minus2, minus, plus, plus2] = &s.wide;
    (0..m)
        .map(|o| {
            if !s.pending[o] {
                return None;
            }
            let a = analytic[o][i];
            // Both slopes carry -h^2 f'''/3; central stencils, odd and so blind to the
            // kink's even part J|t|/2, measure it: c(h3) - c4(h3) = h^2 f'''/6 + O(h^4).
            let central = (plus[o] - minus[o]) / (two * h3);
            let c4 = fourth_order(minus2[o], minus[o], plus[o], plus2[o], h3);
            // A jump of f'' at the kink too (a ReLU unit switching on adds curvature)
            // is odd, t|t| Delta f''/4, and central stencils see it: c - c4 carries
            // Delta f'' h3 / 12 besides h3^2 f''' / 6. Each side's f'' is its second
            // difference at h3 and 2h3, freed of the f''' term by one Richardson step.
            let side = |near: F, far: F, farthest: F| {
                let at_h = (far - two * near + f0[o]) / (h3 * h3);
                let at_2h = (farthest - two * far + f0[o]) / (four * h3 * h3);
                two * at_h - at_2h
            };
            let bend = side(plus[o], plus2[o], plus4[o]) - side(minus[o], minus2[o], minus4[o]);
            let curvature = two * (central - c4) - bend * h3 / six;
            let left = (three * f0[o] - four * minus[o] + minus2[o]) / (two * h3) + curvature;
            let right = (-three * f0[o] + four * plus[o] - plus2[o]) / (two * h3) + curvature;
            let gap = right - left;
            let gap_wide = (four * (plus2[o] + minus2[o]) - (plus4[o] + minus4[o]) - six * f0[o])
                / (four * h3);
            let scale = magnitude(&[
                f0[o], plus[o], minus[o], plus2[o], minus2[o], plus4[o], minus4[o],
            ]) + noise.input[o];
            // Rounding of the gap at h3 (coefficients 16 / 2h3), times `strict`.
            // (Measured noise: the gap's is sqrt(16+16+1+1+36)/2 = 4.2 sigma / h3.)
            let noise = t.bar(cst(8.0), scale, cst(20.0), sigma[o], h3);
            let visible = gap.abs() > four * noise;
            let steady = (gap_wide - gap).abs() <= cst::<F>(0.3) * gap.abs() + noise;
            if !(visible && steady) {
                return None;
            }
            // Left: rounding (slope 8 / 2h3, curvature 5 / h3 at most, times `strict`;
            // the f''-jump shift adds about 3 eps nu / h3), and the slopes' h^3 f''''/4
            // each, a seventh of the gap's growth to 2 h3 (twice over; the shift's own
            // remainder is of that order too).
            let slope_error = t.bar(cst(10.0), scale, cst(20.0), sigma[o], h3)
                + (gap_wide - gap).abs() / cst::<F>(7.0);
            let tolerance = tolerance(config, &t, o, a, left.abs().max(right.abs()), slope_error);
            let (lo, hi) = if left <= right {
                (left, right)
            } else {
                (right, left)
            };
            let inside = a >= lo - tolerance && a <= hi + tolerance;
            inside.then_some(WideKink {
                left,
                right,
                nearest: if (a - left).abs() <= (a - right).abs() {
                    left
                } else {
                    right
                },
                tolerance,
            })
        })
        .collect()
}

/// f at $x \pm 4h_3$ (2 evaluations, once per coordinate).
pub(super) fn far_values<F: Real, E: FnMut(&[F], &mut [F])>(
    ev: &mut Evaluator<'_, F, E>,
    i: usize,
    h3: F,
    s: &mut Scratch<F>,
) -> [Vec<F>; 2] {
    if s.far.is_none() {
        let m = s.plus.len();
        let four = cst::<F>(4.0);
        let (mut plus4, mut minus4) = (vec![F::zero(); m], vec![F::zero(); m]);
        ev.at(i, four * h3, &mut plus4);
        ev.at(i, -(four * h3), &mut minus4);
        s.far = Some([plus4, minus4]);
    }
    s.far.clone().unwrap_or_default()
}
