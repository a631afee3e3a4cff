//! The template a student starts from: implement the three traits, then run
//! `cargo run --example submission_template` (or put the last line,
//! `gradient_oracle::grade_submission!(Submission);`, in a test file and run
//! `cargo test`). Every function below returns placeholder zeros: replace them.

use gradient_oracle::grade::submission::{
    ChainSubmission, HingeSubmission, MlpBackward, MlpSample, MlpSubmission, check_chain,
    check_hinge, check_mlp,
};
use gradient_oracle::{Activation, ChainForward};

struct Submission;

impl ChainSubmission for Submission {
    fn derivatives(
        &self,
        weights: [f64; 3],
        activations: [Activation; 3],
        fwd: &ChainForward,
    ) -> [f64; 3] {
        // Available: weights = [W1, W2, W_out]; activations[k].derivative(x) is f_{k+1}'(x);
        // fwd.s = [s1, s2, s_out]; fwd.z = [x_in, z1, z2, y_out]; fwd.y_out, fwd.y_gt.
        let _ = (weights, activations, fwd);
        [0.0, 0.0, 0.0] // [dL/dW1, dL/dW2, dL/dW_out]
    }
}

impl MlpSubmission for Submission {
    fn backward(&self, sample: &MlpSample<'_>) -> MlpBackward {
        // Available: sample.w_hidden (rows = hidden units), sample.w_out, sample.x, sample.y,
        // sample.s, sample.z, sample.y_out.
        let (h, d) = (sample.w_out.len(), sample.x.len());
        MlpBackward {
            delta_out: 0.0,
            delta_hidden: vec![0.0; h],
            grad_hidden: vec![vec![0.0; d]; h],
            grad_out: vec![0.0; h],
        }
    }
}

impl HingeSubmission for Submission {
    fn grad_logits(&self, o: &[f64], label: usize, margin: f64) -> Vec<f64> {
        let _ = (label, margin);
        vec![0.0; o.len()]
    }
}

fn main() {
    for (name, result) in [
        ("Exercise 1", check_chain(&Submission, 64)),
        ("Exercise 2", check_mlp(&Submission, 64)),
        ("Exercise 3", check_hinge(&Submission, 64)),
    ] {
        match result {
            Ok(()) => println!("{name}: all checks pass"),
            Err(e) => println!("{e}\n"),
        }
    }
}
