//! A correct submission: `cargo run --example submission_correct`.

use gradient_oracle::grade::submission::{
    ChainSubmission, HingeSubmission, MlpBackward, MlpSample, MlpSubmission, check_chain,
    check_hinge, check_mlp,
};
use gradient_oracle::{Activation, ChainForward};

/// The student's work.
pub struct Correct;

impl ChainSubmission for Correct {
    fn derivatives(&self, w: [f64; 3], f: [Activation; 3], fwd: &ChainForward) -> [f64; 3] {
        let (s1, s2, s_out) = (fwd.s[0], fwd.s[1], fwd.s[2]);
        let (x_in, z1, z2) = (fwd.z[0], fwd.z[1], fwd.z[2]);
        let delta_out = (fwd.y_out - fwd.y_gt) * f[2].derivative(s_out);
        let delta2 = delta_out * w[2] * f[1].derivative(s2);
        let delta1 = delta2 * w[1] * f[0].derivative(s1);
        [delta1 * x_in, delta2 * z1, delta_out * z2]
    }
}

impl MlpSubmission for Correct {
    fn backward(&self, sample: &MlpSample<'_>) -> MlpBackward {
        let MlpSample {
            w_out,
            x,
            y,
            s,
            z,
            y_out,
            ..
        } = *sample;
        let delta_out = (y_out - y) * (1.0 - y_out * y_out);
        let delta_hidden: Vec<f64> = (0..w_out.len())
            .map(|i| {
                if s[i] > 0.0 {
                    delta_out * w_out[i]
                } else {
                    0.0
                }
            })
            .collect();
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

impl HingeSubmission for Correct {
    fn grad_logits(&self, o: &[f64], y: usize, margin: f64) -> Vec<f64> {
        let max = o.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
        let e: Vec<f64> = o.iter().map(|v| (v - max).exp()).collect();
        let total: f64 = e.iter().sum();
        let p: Vec<f64> = e.iter().map(|v| v / total).collect();
        // dL/dp: +1 for each active term j, -1 per active term at y.
        let mut gp = vec![0.0; o.len()];
        for j in 0..o.len() {
            if j != y && p[j] - p[y] + margin > 0.0 {
                gp[j] += 1.0;
                gp[y] -= 1.0;
            }
        }
        // Through the softmax Jacobian: dL/do_i = p_i (gp_i - p . gp).
        let pg: f64 = p.iter().zip(&gp).map(|(a, b)| a * b).sum();
        p.iter().zip(&gp).map(|(pi, gi)| pi * (gi - pg)).collect()
    }
}

fn main() {
    for result in [
        check_chain(&Correct, 256),
        check_mlp(&Correct, 256),
        check_hinge(&Correct, 256),
    ] {
        match result {
            Ok(()) => println!("pass"),
            Err(e) => println!("{e}"),
        }
    }
}
