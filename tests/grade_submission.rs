//! The submission macro on the shipped examples: the correct one passes as a
//! test suite; the mistaken one fails with the wrong quantity named.

#[path = "../examples/submission_correct.rs"]
#[allow(dead_code)]
mod correct;
#[path = "../examples/submission_mistakes.rs"]
#[allow(dead_code)]
mod mistakes;

gradient_oracle::grade_submission!(correct::Correct);

#[test]
fn mistakes_are_caught_and_named() {
    use gradient_oracle::grade::submission::{check_chain, check_hinge, check_mlp};
    let e1 = check_chain(&mistakes::Mistaken, 64).unwrap_err();
    assert!(e1.contains("dL/dW_out is wrong"), "{e1}");
    assert!(e1.contains("smallest failing input"), "{e1}");
    let e2 = check_mlp(&mistakes::Mistaken, 64).unwrap_err();
    assert!(e2.contains("delta_hidden"), "{e2}");
    let e3 = check_hinge(&mistakes::Mistaken, 64).unwrap_err();
    assert!(e3.contains("dL/do["), "{e3}");
}
