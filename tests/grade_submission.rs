//! The submission macro on the shipped examples: the correct one passes as a
//! test suite and scores 40 / 40; the mistaken one fails with the wrong
//! quantity named and scores only the items it gets right, the same on every
//! run, whatever `PROPTEST_CASES` says.
#![cfg(feature = "grade")] // the grader

#[path = "../examples/submission_correct.rs"]
#[allow(dead_code)]
mod correct;
#[path = "../examples/submission_mistakes.rs"]
#[allow(dead_code)]
mod mistakes;

use gradient_oracle::grade::submission::{
    ChainSubmission, HingeSubmission, MlpBackward, MlpSample, MlpSubmission, check_chain,
    check_hinge, check_mlp,
};
use gradient_oracle::grade::{Status, grade_rust};
use gradient_oracle::{Activation, ChainForward};

gradient_oracle::grade_submission!(correct::Correct);

#[test]
fn mistakes_are_caught_and_named() {
    let e1 = check_chain(&mistakes::Mistaken, 64).unwrap_err();
    assert!(e1.contains("dL/dW_out is wrong"), "{e1}");
    assert!(e1.contains("smallest failing input"), "{e1}");
    let e2 = check_mlp(&mistakes::Mistaken, 64).unwrap_err();
    assert!(e2.contains("delta_hidden"), "{e2}");
    let e3 = check_hinge(&mistakes::Mistaken, 64).unwrap_err();
    assert!(e3.contains("dL/do["), "{e3}");
}

#[test]
fn the_correct_submission_scores_full_marks() {
    let report = grade_rust(&correct::Correct);
    assert_eq!((report.score, report.max_score), (40.0, 40.0), "{report}");
    assert!(report.to_string().contains("score: 40.00 / 40"), "{report}");
}

#[test]
fn the_mistaken_submission_scores_what_it_gets_right() {
    let report = grade_rust(&mistakes::Mistaken);
    let status = |name: &str| report.items.iter().find(|i| i.item == name).unwrap().status;
    // Exercise 1: only dL/dW_out forgets f3'; the other two are right.
    assert_eq!(status("dL/dW_out"), Status::Wrong, "{report}");
    assert_eq!(status("dL/dW2"), Status::Correct, "{report}");
    assert_eq!(status("dL/dW1"), Status::Correct, "{report}");
    // Exercise 2: relu' = 1 spoils the hidden deltas and grad_W, not delta_out or grad_w.
    assert_eq!(status("delta_out"), Status::Correct, "{report}");
    assert_eq!(status("grad_w"), Status::Correct, "{report}");
    assert_eq!(status("delta_i"), Status::Wrong, "{report}");
    // The same slip diagnosis as an answer file's.
    let delta_i = report.items.iter().find(|i| i.item == "delta_i").unwrap();
    assert!(
        delta_i.message.contains("relu'(s) was taken as 1"),
        "{}",
        delta_i.message
    );
    assert_eq!(status("grad_W"), Status::Wrong, "{report}");
    assert_eq!(status("finite differences of L"), Status::Wrong, "{report}");
    assert_eq!(status("dL/do_j"), Status::Wrong, "{report}");
    // 10 (two of Exercise 1) + 6 (two of Exercise 2).
    assert_eq!(report.score, 16.0, "{report}");
    // The same cases on every run: the same report.
    assert_eq!(report, grade_rust(&mistakes::Mistaken));
}

/// A submission that flips the sign of dL/dW1 and writes grad_W transposed.
struct Slips;

impl ChainSubmission for Slips {
    fn derivatives(&self, w: [f64; 3], f: [Activation; 3], fwd: &ChainForward) -> [f64; 3] {
        let [d1, d2, d3] = correct::Correct.derivatives(w, f, fwd);
        [-d1, d2, d3]
    }
}

impl MlpSubmission for Slips {
    fn backward(&self, sample: &MlpSample<'_>) -> MlpBackward {
        let mut b = correct::Correct.backward(sample);
        let (h, d) = (b.grad_hidden.len(), sample.x.len());
        b.grad_hidden = (0..d)
            .map(|j| (0..h).map(|i| b.grad_hidden[i][j]).collect())
            .collect();
        b
    }
}

impl HingeSubmission for Slips {
    fn grad_logits(&self, o: &[f64], label: usize, margin: f64) -> Vec<f64> {
        correct::Correct.grad_logits(o, label, margin)
    }
}

#[test]
fn slips_are_named_in_the_score() {
    let report = grade_rust(&Slips);
    let item = |name: &str| report.items.iter().find(|i| i.item == name).unwrap();
    assert_eq!(item("dL/dW1").status, Status::Wrong);
    assert!(
        item("dL/dW1").message.contains("sign is flipped"),
        "{report}"
    );
    assert_eq!(item("grad_W").status, Status::Wrong);
    assert!(item("grad_W").message.contains("transposed"), "{report}");
    assert_eq!(item("dL/do_j").status, Status::Correct);
    assert_eq!(report.score, 40.0 - 5.0 - 3.0 - 3.0, "{report}");
}

#[test]
fn proptest_cases_from_the_environment_cannot_switch_the_grading_off() {
    // What a student's .cargo/config.toml [env] could set.
    // SAFETY: no other thread of this test binary writes the environment.
    unsafe { std::env::set_var("PROPTEST_CASES", "0") };
    assert!(check_chain(&mistakes::Mistaken, 256).is_err());
    assert!(check_mlp(&mistakes::Mistaken, 256).is_err());
    assert!(check_hinge(&mistakes::Mistaken, 256).is_err());
    assert!(grade_rust(&mistakes::Mistaken).score < 40.0);
}

/// delta_out without tanh'(s_out), the rest right.
struct NoTanhPrime;

impl MlpSubmission for NoTanhPrime {
    fn backward(&self, sample: &MlpSample<'_>) -> MlpBackward {
        let mut b = correct::Correct.backward(sample);
        b.delta_out = sample.y_out - sample.y;
        b
    }
}

impl ChainSubmission for NoTanhPrime {
    fn derivatives(&self, w: [f64; 3], f: [Activation; 3], fwd: &ChainForward) -> [f64; 3] {
        correct::Correct.derivatives(w, f, fwd)
    }
}

impl HingeSubmission for NoTanhPrime {
    fn grad_logits(&self, o: &[f64], label: usize, margin: f64) -> Vec<f64> {
        correct::Correct.grad_logits(o, label, margin)
    }
}

#[test]
fn a_missing_tanh_prime_is_named_as_in_answer_files() {
    let report = grade_rust(&NoTanhPrime);
    let item = report.items.iter().find(|i| i.item == "delta_out").unwrap();
    assert_eq!(item.status, Status::Wrong);
    assert!(
        item.message
            .contains("the factor tanh'(s_out) = 1 - y_out^2 is missing"),
        "{}",
        item.message
    );
}

/// A submission whose hinge gradient panics (an index out of range on one
/// label): the panic is caught, that item scores 0 with the panic's message,
/// and the rest of the table is graded and printed.
struct PanickingHinge;

impl ChainSubmission for PanickingHinge {
    fn derivatives(&self, w: [f64; 3], acts: [Activation; 3], fwd: &ChainForward) -> [f64; 3] {
        correct::Correct.derivatives(w, acts, fwd)
    }
}

impl MlpSubmission for PanickingHinge {
    fn backward(&self, s: &MlpSample) -> MlpBackward {
        correct::Correct.backward(s)
    }
}

impl HingeSubmission for PanickingHinge {
    fn grad_logits(&self, o: &[f64], label: usize, margin: f64) -> Vec<f64> {
        assert!(label != 1, "label 1 is not handled");
        correct::Correct.grad_logits(o, label, margin)
    }
}

#[test]
fn a_panicking_method_scores_zero_and_the_table_still_prints() {
    let report = grade_rust(&PanickingHinge);
    let hinge = report.items.iter().find(|i| i.exercise == 3).unwrap();
    assert_eq!(hinge.points, 0.0, "{report}");
    assert!(
        hinge.message.contains("panicked (label 1 is not handled)"),
        "{}",
        hinge.message
    );
    assert_eq!(report.score, 30.0, "{report}");
    assert!(report.to_string().contains("score: 30.00 / 40"), "{report}");
}

/// relu'(0) = 1 (`s >= 0` for `s > 0`), the rest right: delta_i and grad_W
/// are wrong only at the kink cases, and both name the slip.
struct ReluOneAtZero;

impl MlpSubmission for ReluOneAtZero {
    fn backward(&self, sample: &MlpSample<'_>) -> MlpBackward {
        let mut b = correct::Correct.backward(sample);
        b.delta_hidden = (0..sample.w_out.len())
            .map(|i| {
                if sample.s[i] >= 0.0 {
                    b.delta_out * sample.w_out[i]
                } else {
                    0.0
                }
            })
            .collect();
        b.grad_hidden = b
            .delta_hidden
            .iter()
            .map(|d| sample.x.iter().map(|xj| d * xj).collect())
            .collect();
        b
    }
}

impl ChainSubmission for ReluOneAtZero {
    fn derivatives(&self, w: [f64; 3], f: [Activation; 3], fwd: &ChainForward) -> [f64; 3] {
        correct::Correct.derivatives(w, f, fwd)
    }
}

impl HingeSubmission for ReluOneAtZero {
    fn grad_logits(&self, o: &[f64], label: usize, margin: f64) -> Vec<f64> {
        correct::Correct.grad_logits(o, label, margin)
    }
}

#[test]
fn relu_prime_one_at_zero_is_named_in_delta_i_and_grad_w() {
    let report = grade_rust(&ReluOneAtZero);
    for name in ["delta_i", "grad_W"] {
        let item = report.items.iter().find(|i| i.item == name).unwrap();
        assert_eq!(item.status, Status::Wrong, "{report}");
        assert!(
            item.message.contains("relu'(0) was taken as 1"),
            "{name}: {}",
            item.message
        );
        assert!(
            !item.message.contains("-0,") && !item.message.contains("[-0]"),
            "{}",
            item.message
        );
    }
    assert_eq!(report.score, 34.0, "{report}");
}

/// Exercise 3 in parts: a submission that gives its softmax Jacobian.
struct WithJacobian {
    /// The diagonal slip: p_i instead of p_i (1 - p_i).
    diagonal_slip: bool,
}

impl WithJacobian {
    fn jacobian(&self, o: &[f64]) -> Vec<Vec<f64>> {
        let max = o.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
        let e: Vec<f64> = o.iter().map(|v| (v - max).exp()).collect();
        let total: f64 = e.iter().sum();
        let p: Vec<f64> = e.iter().map(|v| v / total).collect();
        (0..p.len())
            .map(|i| {
                (0..p.len())
                    .map(|j| match (i == j, self.diagonal_slip) {
                        (true, true) => p[i],
                        (true, false) => p[i] * (1.0 - p[i]),
                        (false, _) => -p[i] * p[j],
                    })
                    .collect()
            })
            .collect()
    }
}

impl HingeSubmission for WithJacobian {
    fn grad_logits(&self, o: &[f64], y: usize, margin: f64) -> Vec<f64> {
        // dL/do = J^T dL/dp with the submission's own Jacobian.
        let j = self.jacobian(o);
        let max = o.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
        let e: Vec<f64> = o.iter().map(|v| (v - max).exp()).collect();
        let total: f64 = e.iter().sum();
        let p: Vec<f64> = e.iter().map(|v| v / total).collect();
        let mut gp = vec![0.0; o.len()];
        for k in 0..o.len() {
            if k != y && p[k] - p[y] + margin > 0.0 {
                gp[k] += 1.0;
                gp[y] -= 1.0;
            }
        }
        (0..o.len())
            .map(|c| (0..o.len()).map(|r| j[r][c] * gp[r]).sum())
            .collect()
    }

    fn softmax_jacobian(&self, o: &[f64]) -> Option<Vec<Vec<f64>>> {
        Some(self.jacobian(o))
    }
}

impl ChainSubmission for WithJacobian {
    fn derivatives(&self, w: [f64; 3], f: [Activation; 3], fwd: &ChainForward) -> [f64; 3] {
        correct::Correct.derivatives(w, f, fwd)
    }
}

impl MlpSubmission for WithJacobian {
    fn backward(&self, sample: &MlpSample<'_>) -> MlpBackward {
        correct::Correct.backward(sample)
    }
}

/// One Jacobian slip does not zero Exercise 3: the Jacobian item is wrong
/// with the slip named, and the gradient that follows from it is carried
/// forward. Right, the two parts are full marks.
#[test]
fn exercise_3_is_graded_in_parts_when_the_jacobian_is_given() {
    let right = grade_rust(&WithJacobian {
        diagonal_slip: false,
    });
    assert_eq!(right.exercise_score(3), (10.0, 10.0), "{right}");
    assert!(
        check_hinge(
            &WithJacobian {
                diagonal_slip: false
            },
            64
        )
        .is_ok()
    );

    let slip = grade_rust(&WithJacobian {
        diagonal_slip: true,
    });
    let item = |name: &str| slip.items.iter().find(|i| i.item == name).unwrap();
    let jac = item("softmax Jacobian");
    assert_eq!(
        (jac.status, jac.points, jac.max_points),
        (Status::Wrong, 0.0, 4.0)
    );
    assert!(
        jac.message
            .contains("diagonal is p_i instead of p_i (1 - p_i)"),
        "{}",
        jac.message
    );
    let grad = item("dL/do_j");
    assert_eq!(
        (grad.status, grad.points),
        (Status::CarriedForward, 6.0),
        "{slip}"
    );
    assert_eq!(slip.exercise_score(3), (6.0, 10.0));
    let e3 = check_hinge(
        &WithJacobian {
            diagonal_slip: true,
        },
        64,
    )
    .unwrap_err();
    assert!(e3.contains("softmax_jacobian["), "{e3}");
}

/// The same slip without the Jacobian method: dL/do_j is wrong, and the
/// diagnosis names the diagonal.
struct DiagonalSlipGradientOnly;

impl HingeSubmission for DiagonalSlipGradientOnly {
    fn grad_logits(&self, o: &[f64], label: usize, margin: f64) -> Vec<f64> {
        WithJacobian {
            diagonal_slip: true,
        }
        .grad_logits(o, label, margin)
    }
}

impl ChainSubmission for DiagonalSlipGradientOnly {
    fn derivatives(&self, w: [f64; 3], f: [Activation; 3], fwd: &ChainForward) -> [f64; 3] {
        correct::Correct.derivatives(w, f, fwd)
    }
}

impl MlpSubmission for DiagonalSlipGradientOnly {
    fn backward(&self, sample: &MlpSample<'_>) -> MlpBackward {
        correct::Correct.backward(sample)
    }
}

#[test]
fn the_diagonal_slip_is_diagnosed_in_the_gradient_alone() {
    let report = grade_rust(&DiagonalSlipGradientOnly);
    let grad = report.items.iter().find(|i| i.item == "dL/do_j").unwrap();
    assert_eq!((grad.status, grad.max_points), (Status::Wrong, 10.0));
    assert!(grad.message.contains("diagonal is p_i"), "{}", grad.message);
}
