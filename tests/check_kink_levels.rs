//! Step 4, the kink analysis (`src/check/kink_levels.rs`, `kinks.rs`): the
//! one-sided slopes at shrinking steps tell a kink at x (their gap stands)
//! from one off x (it shrinks), and a claim is a subgradient only at a kink
//! that is really at x.

use gradient_oracle::{CheckConfig, Verdict, check_gradient};
use rstest::rstest;

/// ReLU plus a smooth term: one-sided slopes $2x$ and $1 + 2x$ at its kink 0.
fn relu_plus_square(x: &[f64]) -> f64 {
    x[0].max(0.0) + x[0] * x[0]
}

fn judge(x0: f64, claim: f64) -> Verdict {
    check_gradient(
        &relu_plus_square,
        &|_: &[f64]| vec![claim],
        &[x0],
        &CheckConfig::default(),
    )
    .unwrap()
    .verdict()
}

#[rstest]
#[case(0.0)]
#[case(0.25)]
#[case(0.5)]
#[case(1.0)]
fn every_subgradient_at_the_kink_is_a_kink(#[case] claim: f64) {
    assert_eq!(judge(0.0, claim), Verdict::Kink);
}

#[rstest]
#[case(-0.01)]
#[case(1.01)]
#[case(1.000001)]
#[case(2.0)]
fn a_claim_outside_the_one_sided_slopes_fails_at_the_kink(#[case] claim: f64) {
    assert_eq!(judge(0.0, claim), Verdict::Fail);
}

/// x just off the kink, between the smallest steps and the wide ones: f is
/// differentiable at x, the derivative is $1 + 2x$, and the wider steps'
/// view of the kink (Ridders', the wide stencil's) must not make a wrong
/// claim a subgradient.
#[rstest]
#[case(3e-6)]
#[case(1e-6)]
#[case(1e-7)]
#[case(1e-8)]
#[case(3e-9)]
#[case(1e-9)]
fn just_off_the_kink_only_the_derivative_passes(#[case] x0: f64) {
    let truth = 1.0 + 2.0 * x0;
    assert_eq!(judge(x0, truth), Verdict::Pass, "x = {x0}");
    for claim in [truth * (1.0 + 1e-6), truth * 1.01, 0.5, 0.0] {
        assert_eq!(judge(x0, claim), Verdict::Fail, "x = {x0}, claim {claim}");
    }
}

/// Closer than the smallest step, the slopes cannot resolve x from the kink:
/// the one-sided truth is ok, a claim outside the slopes' error bars fails.
#[test]
fn below_the_smallest_step_a_claim_past_the_slopes_still_fails() {
    let x0 = 1e-10;
    assert!(judge(x0, 1.0 + 2.0 * x0).is_ok());
    assert_eq!(judge(x0, 1.01), Verdict::Fail);
    assert_eq!(judge(x0, -0.01), Verdict::Fail);
}
