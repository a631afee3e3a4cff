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
