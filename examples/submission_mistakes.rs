//! A submission with classic mistakes, and what the student sees:
//! `cargo run --example submission_mistakes`.
//!
//! - Exercise 1: dL/dW_out forgets f3'(s_out).
//! - Exercise 2: relu'(s) taken as 1 everywhere.
//! - Exercise 3: the softmax Jacobian's diagonal taken as p_i instead of p_i (1 - p_i).

use gradient_oracle::grade::submission::{
    ChainSubmission, HingeSubmission, MlpBackward, MlpSample, MlpSubmission, check_chain,
    check_hinge, check_mlp,
};
use gradient_oracle::{Activation, ChainForward};

/// The student's work, with mistakes.
pub struct Mistaken;

impl ChainSubmission for Mistaken {
    fn derivatives(&self, w: [f64; 3], f: [Activation; 3], fwd: &ChainForward) -> [f64; 3] {
        let (s1, s2, s_out) = (fwd.s[0], fwd.s[1], fwd.s[2]);
        let (x_in, z1, z2) = (fwd.z[0], fwd.z[1], fwd.z[2]);
        let delta_out = (fwd.y_out - fwd.y_gt) * f[2].derivative(s_out);
        let delta2 = delta_out * w[2] * f[1].derivative(s2);
        let delta1 = delta2 * w[1] * f[0].derivative(s1);
        // Mistake: the last factor f3'(s_out) is forgotten in dL/dW_out.
        [delta1 * x_in, delta2 * z1, (fwd.y_out - fwd.y_gt) * z2]
    }
}

impl MlpSubmission for Mistaken {
    fn backward(&self, sample: &MlpSample<'_>) -> MlpBackward {
        let MlpSample {
            w_out,
            x,
            y,
            z,
            y_out,
            ..
        } = *sample;
        let delta_out = (y_out - y) * (1.0 - y_out * y_out);
        // Mistake: relu'(s) = 1 even where s <= 0.
        let delta_hidden: Vec<f64> = w_out.iter().map(|wi| delta_out * wi).collect();
        MlpBackward {
            delta_out,
            grad_hidden: delta_hidden
                .iter()
                .map(|d| x.iter().map(|xj| d * xj).collect())
                .collect(),
            grad_out: z.iter().map(|zi| delta_out * zi).collect(),
            delta_hidden,
        }
    }
}

impl HingeSubmission for Mistaken {
    fn grad_logits(&self, o: &[f64], y: usize, margin: f64) -> Vec<f64> {
        let max = o.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
        let e: Vec<f64> = o.iter().map(|v| (v - max).exp()).collect();
        let total: f64 = e.iter().sum();
        let p: Vec<f64> = e.iter().map(|v| v / total).collect();
        let mut gp = vec![0.0; o.len()];
        for j in 0..o.len() {
            if j != y && p[j] - p[y] + margin > 0.0 {
                gp[j] += 1.0;
                gp[y] -= 1.0;
            }
        }
        // Mistake: J_ii = p_i instead of p_i (1 - p_i).
        (0..o.len())
            .map(|i| {
                (0..o.len())
                    .map(|j| {
                        if i == j {
                            p[i] * gp[j]
                        } else {
                            -p[i] * p[j] * gp[j]
                        }
                    })
                    .sum()
            })
            .collect()
    }
}

fn main() {
    for result in [
        check_chain(&Mistaken, 256),
        check_mlp(&Mistaken, 256),
        check_hinge(&Mistaken, 256),
    ] {
        match result {
            Ok(()) => println!("pass"),
            Err(e) => println!("{e}\n"),
        }
    }
}
