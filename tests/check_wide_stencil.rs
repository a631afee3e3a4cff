//! The wide stencil's kink test (`src/check/wide_stencil.rs`): a kink whose
//! jump is below the small steps' rounding is seen by the curvature-corrected
//! second-order slopes at $h_3$.

use gradient_oracle::{CheckConfig, Verdict, check_gradient};
use rstest::rstest;

/// A kink with a jump of 1e-9 on a curved function of size 1 (or 1e-8 on one
/// of size 10): the plain one-sided slopes cannot show it at any step (their
/// gap is the curvature at large steps and their rounding, $16\varepsilon|f|/h$,
/// at small ones), and it once made a valid one-sided slope a false failure.
/// The wide stencil's curvature-corrected second-order slopes see it: a
/// one-sided slope is a kink, a value outside the slopes still fails.
#[rstest]
#[case(1.0, 1e-9, 1.0, Verdict::Kink)]
#[case(1.0, 1e-9, -1.0, Verdict::Kink)]
#[case(1.0, 1e-9, 3.0, Verdict::Fail)]
#[case(1.0, 1e-9, -3.0, Verdict::Fail)]
#[case(10.0, 1e-8, 1.0, Verdict::Kink)]
#[case(10.0, 1e-8, -1.0, Verdict::Kink)]
#[case(10.0, 1e-8, 3.0, Verdict::Fail)]
fn a_kink_below_the_small_steps_noise_is_seen_by_the_wide_stencil(
    #[case] size: f64,
    #[case] jump: f64,
    #[case] jumps_off_the_midpoint: f64,
    #[case] expected: Verdict,
) {
    let f = |x: &[f64]| {
        size + x[1] * x[1] + jump * x[0].abs() + 0.3 * x[0] + 0.5 * (3.0 * x[0]).sin() + x[0] * x[0]
    };
    // The smooth part's derivative at x_0 = 0 is 0.3 + 1.5; the one-sided slopes are that +- jump.
    let g = |x: &[f64]| vec![1.8 + jumps_off_the_midpoint * jump, 2.0 * x[1]];
    let report = check_gradient(&f, &g, &[0.0, 0.3], &CheckConfig::default()).unwrap();
    assert_eq!(report.verdict(), expected, "{report}");
}
