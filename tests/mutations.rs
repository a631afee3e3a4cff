//! The checker's own mutation suite: deliberately wrong gradients across the
//! models, each beside its correct twin. At every random point where a mutant
//! actually changes the gradient, the checker must reject it; the twin must
//! pass (or be a kink) everywhere.

mod common;

use common::{normal, random_mlp, rng};
use gradient_oracle::{
    Activation, ChainNetwork, CheckConfig, Verdict, chain_loss, check_gradient, check_jacobian,
    softmax_hinge_gradient, softmax_hinge_loss_unchecked, softmax_jacobian, softmax_unchecked,
};
use nalgebra::DMatrix;
use rand::Rng;

type Grad = Box<dyn Fn(&[f64]) -> Vec<f64>>;
type Loss = Box<dyn Fn(&[f64]) -> f64>;

/// One point of a scalar model: f, the correct gradient, a mutant gradient, x.
struct Point {
    f: Loss,
    correct: Grad,
    mutant: Grad,
    x: Vec<f64>,
}

fn differs(a: &[f64], b: &[f64]) -> bool {
    a.iter()
        .zip(b)
        .any(|(x, y)| (x - y).abs() > 1e-9 * x.abs().max(y.abs()).max(1e-6))
}

fn assert_mutation(name: &str, points: Vec<Point>) {
    let mut effective = 0;
    for p in &points {
        let ok = check_gradient(&p.f, &p.correct, &p.x, &CheckConfig::default()).unwrap();
        assert!(
            ok.verdict().is_ok(),
            "{name}: the correct twin was rejected at {:?}\n{ok}",
            p.x
        );
        if differs(&(p.correct)(&p.x), &(p.mutant)(&p.x)) {
            effective += 1;
            let bad = check_gradient(&p.f, &p.mutant, &p.x, &CheckConfig::default()).unwrap();
            assert_eq!(
                bad.verdict(),
                Verdict::Fail,
                "{name}: the mutant passed at {:?}\n{bad}",
                p.x
            );
        }
    }
    assert!(
        effective >= points.len() / 2,
        "{name}: only {effective} points exercise the mutation"
    );
}

/// The chain's gradient with a twist applied to the forward record.
fn chain_points(
    acts: [Activation; 3],
    mutate: fn(&ChainNetwork, &gradient_oracle::ChainForward, Vec<f64>) -> Vec<f64>,
) -> Vec<Point> {
    let mut r = rng(41);
    (0..12)
        .map(|_| {
            let (x_in, y_gt) = (normal(&mut r), normal(&mut r));
            let x: Vec<f64> = (0..3).map(|_| normal(&mut r)).collect();
            let a = acts.to_vec();
            let grad = move |w: &[f64], twist: bool| {
                let net = ChainNetwork::new(w.to_vec(), a.clone()).unwrap();
                let fwd = net.forward(x_in, y_gt).unwrap();
                let g = net.backward(&fwd).unwrap().grad_weights;
                if twist { mutate(&net, &fwd, g) } else { g }
            };
            let g2 = grad.clone();
            Point {
                f: Box::new(move |w| chain_loss(w, &acts, x_in, y_gt)),
                correct: Box::new(move |w| grad(w, false)),
                mutant: Box::new(move |w| g2(w, true)),
                x,
            }
        })
        .collect()
}

const SMOOTH3: [Activation; 3] = [Activation::Tanh, Activation::Sigmoid, Activation::Tanh];

#[test]
fn m01_sign_flip_in_one_coordinate() {
    assert_mutation(
        "sign flip",
        chain_points(SMOOTH3, |_, _, mut g| {
            g[1] = -g[1];
            g
        }),
    );
}

#[test]
fn m02_missing_output_activation_derivative() {
    assert_mutation(
        "missing f3'",
        chain_points(SMOOTH3, |net, fwd, mut g| {
            let d = net.activations()[2].derivative(fwd.s[2]);
            for v in &mut g {
                *v /= d;
            }
            g
        }),
    );
}

#[test]
fn m03_residual_sign() {
    assert_mutation(
        "(y - y_out)",
        chain_points(SMOOTH3, |_, _, g| g.iter().map(|v| -v).collect()),
    );
}

#[test]
fn m04_recursion_forgets_the_weight() {
    // delta_k = delta_{k+1} f'(s_k), without W_{k+1}.
    assert_mutation(
        "delta without W",
        chain_points(SMOOTH3, |net, fwd, _| {
            let f = net.activations();
            let d3 = (fwd.y_out - fwd.y_gt) * f[2].derivative(fwd.s[2]);
            let d2 = d3 * f[1].derivative(fwd.s[1]);
            let d1 = d2 * f[0].derivative(fwd.s[0]);
            vec![d1 * fwd.z[0], d2 * fwd.z[1], d3 * fwd.z[2]]
        }),
    );
}

#[test]
fn m05_gradient_uses_the_layer_output() {
    // dL/dW_k = delta_k z_k instead of delta_k z_{k-1}.
    assert_mutation(
        "delta z_k",
        chain_points(SMOOTH3, |net, fwd, _| {
            let g = net.backward(fwd).unwrap();
            g.delta
                .iter()
                .enumerate()
                .map(|(k, d)| d * fwd.z[k + 1])
                .collect()
        }),
    );
}

#[test]
fn m06_two_coordinates_swapped() {
    assert_mutation(
        "swap",
        chain_points(SMOOTH3, |_, _, mut g| {
            g.swap(0, 2);
            g
        }),
    );
}

#[test]
fn m07_scaled_by_1_001() {
    assert_mutation(
        "x 1.001",
        chain_points(SMOOTH3, |_, _, g| g.iter().map(|v| v * 1.001).collect()),
    );
}

#[test]
fn m08_scaled_by_1_plus_1e_6() {
    assert_mutation(
        "x (1 + 1e-6)",
        chain_points(SMOOTH3, |_, _, g| {
            g.iter().map(|v| v * (1.0 + 1e-6)).collect()
        }),
    );
}

/// The mlp's gradient with a twist in its backward pass.
fn mlp_points(
    mutate: fn(&gradient_oracle::Mlp, &gradient_oracle::Dataset) -> Vec<f64>,
) -> Vec<Point> {
    let mut r = rng(43);
    (0..12)
        .map(|_| {
            let (case, p) = random_mlp(&mut r, 8, 2, 5);
            let (shape, data, h) = (case.shape.clone(), case.data.clone(), case.hidden);
            let (s2, d2) = (shape.clone(), data.clone());
            let d3 = data.clone();
            Point {
                f: Box::new(move |q| gradient_oracle::mlp_loss(q, h, &d3)),
                correct: Box::new(move |q| {
                    shape
                        .with_parameters(q)
                        .unwrap()
                        .loss_and_gradient(&data)
                        .unwrap()
                        .1
                }),
                mutant: Box::new(move |q| mutate(&s2.with_parameters(q).unwrap(), &d2)),
                x: p,
            }
        })
        .collect()
}

/// A hand-written backward pass with switches for the classic mistakes.
fn mlp_backward(
    m: &gradient_oracle::Mlp,
    data: &gradient_oracle::Dataset,
    relu_one: bool,
    no_tanh_prime: bool,
    grad_w_from_s: bool,
) -> Vec<f64> {
    let (h, d) = (m.hidden(), m.inputs());
    let mut g = vec![0.0; h * d + h];
    for n in 0..data.len() {
        let x = data.x().row(n);
        let s: Vec<f64> = (0..h)
            .map(|i| (0..d).map(|j| m.w_hidden()[(i, j)] * x[j]).sum())
            .collect();
        let z: Vec<f64> = s.iter().map(|v| v.max(0.0)).collect();
        let y_out = z
            .iter()
            .zip(m.w_out().iter())
            .map(|(a, b)| a * b)
            .sum::<f64>()
            .tanh();
        let residual = y_out - data.y()[n];
        let delta = if no_tanh_prime {
            residual
        } else {
            residual * (1.0 - y_out * y_out)
        };
        for i in 0..h {
            let on = if relu_one || s[i] > 0.0 { 1.0 } else { 0.0 };
            g[h * d + i] += delta * if grad_w_from_s { s[i] } else { z[i] };
            for j in 0..d {
                g[i * d + j] += delta * m.w_out()[i] * on * x[j];
            }
        }
    }
    g
}

#[test]
fn m09_relu_derivative_one_everywhere() {
    assert_mutation(
        "relu' = 1",
        mlp_points(|m, d| mlp_backward(m, d, true, false, false)),
    );
}

#[test]
fn m10_missing_tanh_derivative() {
    assert_mutation(
        "no tanh'",
        mlp_points(|m, d| mlp_backward(m, d, false, true, false)),
    );
}

#[test]
fn m11_output_gradient_from_pre_activations() {
    assert_mutation(
        "grad w = delta s",
        mlp_points(|m, d| mlp_backward(m, d, false, false, true)),
    );
}

#[test]
fn m12_mean_instead_of_sum() {
    assert_mutation(
        "mean",
        mlp_points(|m, d| {
            mlp_backward(m, d, false, false, false)
                .iter()
                .map(|v| v / d.len() as f64)
                .collect()
        }),
    );
}

fn hinge_points(mutate: fn(&[f64], usize, f64) -> Vec<f64>) -> Vec<Point> {
    let mut r = rng(47);
    (0..12)
        .map(|_| {
            let k = r.random_range(3..9);
            let o: Vec<f64> = (0..k).map(|_| 2.0 * normal(&mut r)).collect();
            let label = r.random_range(0..k);
            let margin = r.random_range(0.2..1.5);
            Point {
                f: Box::new(move |o| softmax_hinge_loss_unchecked(o, label, margin)),
                correct: Box::new(move |o| softmax_hinge_gradient(o, label, margin).unwrap()),
                mutant: Box::new(move |o| mutate(o, label, margin)),
                x: o,
            }
        })
        .collect()
}

#[test]
fn m13_hinge_gradient_with_respect_to_p_not_o() {
    assert_mutation(
        "dL/dp for dL/do",
        hinge_points(|o, y, m| {
            gradient_oracle::hinge_gradient_p(&softmax_unchecked(o), y, m).unwrap()
        }),
    );
}

#[test]
fn m14_hinge_gradient_forgets_the_label_term() {
    // p_i([i in A] - S_A + a p_y), without -a [i = y].
    assert_mutation(
        "no -a[i=y]",
        hinge_points(|o, y, m| {
            let g = softmax_hinge_gradient(o, y, m).unwrap();
            let p = softmax_unchecked(o);
            let a = (0..o.len())
                .filter(|j| *j != y && p[*j] - p[y] + m > 0.0)
                .count() as f64;
            g.iter()
                .enumerate()
                .map(|(i, v)| if i == y { v + a * p[y] } else { *v })
                .collect()
        }),
    );
}

#[test]
fn m15_softmax_jacobian_mistakes_and_their_twin() {
    let mut r = rng(53);
    let mut caught = [0usize; 2];
    for _ in 0..12 {
        let k = r.random_range(3..7);
        let o: Vec<f64> = (0..k).map(|_| 2.0 * normal(&mut r)).collect();
        let f = |o: &[f64]| softmax_unchecked(o);
        let right = |o: &[f64]| softmax_jacobian(o).unwrap();
        assert_eq!(
            check_jacobian(&f, &right, &o, &CheckConfig::default())
                .unwrap()
                .verdict(),
            Verdict::Pass
        );
        // Diagonal p_i instead of p_i (1 - p_i).
        let diag = |o: &[f64]| {
            let p = softmax_unchecked(o);
            DMatrix::from_fn(
                p.len(),
                p.len(),
                |i, j| if i == j { p[i] } else { -p[i] * p[j] },
            )
        };
        // The off-diagonal sign lost: p_i p_j instead of -p_i p_j.
        let sign = |o: &[f64]| {
            let p = softmax_unchecked(o);
            DMatrix::from_fn(p.len(), p.len(), |i, j| {
                if i == j {
                    p[i] * (1.0 - p[i])
                } else {
                    p[i] * p[j]
                }
            })
        };
        caught[0] += usize::from(
            check_jacobian(&f, &diag, &o, &CheckConfig::default())
                .unwrap()
                .verdict()
                == Verdict::Fail,
        );
        caught[1] += usize::from(
            check_jacobian(&f, &sign, &o, &CheckConfig::default())
                .unwrap()
                .verdict()
                == Verdict::Fail,
        );
    }
    assert_eq!(caught, [12, 12]);
}
