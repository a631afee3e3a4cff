//! Step 0, the two-point look (`src/check/two_point.rs`): $f(x + h)$ and
//! $f(x - 0.618h)$ with f(x), second order, 2 evaluations per coordinate.
//! At a kink at x it reads $0.618L + 0.382R$, none of the conventions'
//! claims, so those go on to the first pass and the kink analysis.

use gradient_oracle::{CheckConfig, Evidence, Verdict, check_gradient};
use rstest::rstest;

/// A smooth function with a large third derivative along x_0 at 0: the
/// look's truncation, 0.618 h^2 f'''/6 = 0.618 (6.06e-6)^2 1000 / 6 = 3.8e-9
/// (by hand), is far over its bar, and the claim goes on to the first pass.
#[test]
fn a_claim_the_look_cannot_confirm_goes_on_to_the_first_pass() {
    let f = |x: &[f64]| 1000.0 * x[0].powi(3) / 6.0 + x[0];
    let g = |x: &[f64]| vec![500.0 * x[0] * x[0] + 1.0];
    let report = check_gradient(&f, &g, &[0.0], &CheckConfig::default()).unwrap();
    assert_eq!(report.verdict(), Verdict::Pass, "{report}");
    assert_eq!(
        report.entries()[0].evidence,
        Evidence::HigherOrder,
        "{report}"
    );
    // f(x), the look's 2, the third-order stencil's 3.
    assert_eq!(report.evaluations(), 1 + 2 + 3, "{report}");
}

/// The conventions at a kink at x (|x| and ReLU at 0; L and R the one-sided
/// slopes): L, R, their mean and 0 are between the slopes, a Kink, never a
/// Pass; a claim outside them fails.
#[rstest]
#[case::abs(|x: f64| x.abs(), &[-1.0, 1.0, 0.0], &[2.0, -1.5])]
#[case::relu(|x: f64| x.max(0.0), &[0.0, 1.0, 0.5], &[-0.5, 1.5])]
#[case::leaky(|x: f64| if x > 0.0 { x } else { 0.01 * x }, &[0.01, 1.0, 0.505], &[0.0, 2.0])]
fn the_conventions_at_a_kink_read_kink_and_a_claim_outside_fails(
    #[case] f: fn(f64) -> f64,
    #[case] between: &[f64],
    #[case] outside: &[f64],
) {
    let cfg = CheckConfig::default();
    let loss = |x: &[f64]| f(x[0]);
    for &claim in between {
        let report = check_gradient(&loss, &|_: &[f64]| vec![claim], &[0.0], &cfg).unwrap();
        assert_eq!(report.verdict(), Verdict::Kink, "claim {claim}: {report}");
    }
    for &claim in outside {
        let report = check_gradient(&loss, &|_: &[f64]| vec![claim], &[0.0], &cfg).unwrap();
        assert_eq!(report.verdict(), Verdict::Fail, "claim {claim}: {report}");
    }
}

/// A wrong claim the look sees as wrong is not passed by it (one part in a
/// million, on a smooth f where the look's bar is 1e-10 of it).
#[test]
fn an_error_of_one_part_in_a_million_is_caught() {
    let f = |x: &[f64]| x[0].sin() * x[1].exp();
    let g = |x: &[f64]| {
        vec![
            x[0].cos() * x[1].exp() * (1.0 + 1e-6),
            x[0].sin() * x[1].exp(),
        ]
    };
    let report = check_gradient(&f, &g, &[0.4, -0.3], &CheckConfig::default()).unwrap();
    assert_eq!(report.verdict(), Verdict::Fail, "{report}");
    assert_eq!(report.failures().len(), 1, "{report}");
    assert_eq!(report.failures()[0].input, 0, "{report}");
}
