//! Step 3, Ridders' extrapolation (`src/check/ridders.rs`): where the first
//! passes cannot confirm a claim, Ridders' error-controlled estimate decides
//! it, to about $10^{-10}$ relative on well-scaled smooth functions.

use gradient_oracle::{CheckConfig, Evidence, Verdict, check_gradient};
use rstest::rstest;

#[rstest]
#[case::exponential(|x: &[f64]| (20.0 * x[0]).exp(), |x: &[f64]| 20.0 * (20.0 * x[0]).exp(), 0.3)]
#[case::cubic(|x: &[f64]| x[0].powi(3), |x: &[f64]| 3.0 * x[0] * x[0], 0.7)]
#[case::quartic(|x: &[f64]| x[0].powi(4), |x: &[f64]| 4.0 * x[0].powi(3), -1.7)]
fn a_claim_one_part_in_a_million_off_is_failed_by_ridders(
    #[case] f: fn(&[f64]) -> f64,
    #[case] derivative: fn(&[f64]) -> f64,
    #[case] x0: f64,
) {
    let cfg = CheckConfig::default();
    let right = check_gradient(&f, &|x: &[f64]| vec![derivative(x)], &[x0], &cfg).unwrap();
    assert_eq!(right.verdict(), Verdict::Pass, "{right}");
    for k in [1.0 + 1e-6, 1.0 - 1e-6] {
        let off = check_gradient(&f, &|x: &[f64]| vec![k * derivative(x)], &[x0], &cfg).unwrap();
        assert_eq!(off.verdict(), Verdict::Fail, "{off}");
        let e = &off.entries()[0];
        assert_eq!(e.evidence, Evidence::Ridders, "{off}");
        // Ridders' value is the derivative to far better than the error.
        let exact = derivative(&[x0]);
        assert!((e.numeric - exact).abs() <= 1e-8 * exact.abs(), "{off}");
    }
}

/// Under `Method::Ridders` every level straddles a ReLU kink 1e-10 beside
/// x, its central differences are all 1/2 - x/2h, and the mean of the two
/// slopes passed with a bar of 1e-8 (Ridders' error estimate compares
/// central differences only). The levels' one-sided gaps stay near the jump
/// instead of shrinking with the step, so Ridders no longer passes, and the
/// kink analysis judges the claim against the derivative at x, 0.
#[rstest]
#[case::f64_1e_8(-1e-8)]
#[case::f64_1e_10(-1e-10)]
#[case::f64_1e_12(-1e-12)]
#[case::f64_right_of_0(1e-10)]
fn ridders_passes_no_mean_of_the_slopes_of_a_kink_beside_x(#[case] x0: f64) {
    let relu = |x: &[f64]| x[0].max(0.0);
    let slope = if x0 > 0.0 { 1.0 } else { 0.0 };
    let cfg = CheckConfig::default().with_method(gradient_oracle::Method::Ridders);
    let mean = check_gradient(&relu, &|_: &[f64]| vec![0.5], &[x0], &cfg).unwrap();
    let e = &mean.entries()[0];
    assert!(
        e.outcome == Verdict::Fail || (e.outcome == Verdict::Kink && 0.5 <= 2.0 * e.tolerance),
        "{mean}"
    );
    let right = check_gradient(&relu, &|_: &[f64]| vec![slope], &[x0], &cfg).unwrap();
    assert_eq!(right.verdict(), Verdict::Pass, "{right}");
}

/// The same in `f32`, a ReLU 1e-6 beside x: the mean passed with a bar of
/// 1.8e-4.
#[test]
fn ridders_in_f32_passes_no_mean_of_the_slopes_of_a_kink_beside_x() {
    let relu = |x: &[f32]| x[0].max(0.0);
    let cfg = CheckConfig::default().with_method(gradient_oracle::Method::Ridders);
    let mean = check_gradient(&relu, &|_: &[f32]| vec![0.5f32], &[-1e-6f32], &cfg).unwrap();
    assert_eq!(mean.verdict(), Verdict::Fail, "{mean}");
    let right = check_gradient(&relu, &|_: &[f32]| vec![0.0f32], &[-1e-6f32], &cfg).unwrap();
    assert_eq!(right.verdict(), Verdict::Pass, "{right}");
}
