//! Step 2, central differences and Richardson (`src/check/central.rs`): a
//! coordinate whose wide stencil straddles a kink is decided at the central
//! step $h = \varepsilon^{1/3}\max(1,|x_i|) \approx 6\cdot10^{-6}$, which does not.

use gradient_oracle::{CheckConfig, Evidence, Verdict, check_gradient};
use rstest::rstest;

/// ReLU plus a smooth term; for x > 0 its derivative is $1 + 2x$ (by hand).
fn relu_plus_square(x: &[f64]) -> f64 {
    x[0].max(0.0) + x[0] * x[0]
}

#[rstest]
#[case(1e-4)]
#[case(5e-5)]
#[case(2e-5)]
#[case(1e-5)]
#[case(7e-6)]
fn a_kink_between_the_central_step_and_the_stencil_is_no_obstacle(#[case] x0: f64) {
    let truth = 1.0 + 2.0 * x0;
    let cfg = CheckConfig::default();
    let report = check_gradient(&relu_plus_square, &|_: &[f64]| vec![truth], &[x0], &cfg).unwrap();
    assert_eq!(report.verdict(), Verdict::Pass, "{report}");
    // Decided at the central step: by the two-point look (x + h, x - 0.618h)
    // or by central differences.
    assert!(
        matches!(
            report.entries()[0].evidence,
            Evidence::TwoPoint | Evidence::Central
        ),
        "{report}"
    );
    // Wrong by one part in a million, by 1 %, or the other side's slope: the
    // kink is not at x, so none of them is a subgradient.
    for claim in [truth * (1.0 + 1e-6), truth * 1.01, truth * 0.99, 0.0, 0.5] {
        let report =
            check_gradient(&relu_plus_square, &|_: &[f64]| vec![claim], &[x0], &cfg).unwrap();
        assert_eq!(
            report.verdict(),
            Verdict::Fail,
            "x = {x0}, claim {claim}: {report}"
        );
    }
}

#[test]
fn richardson_decides_where_the_plain_central_difference_is_too_coarse() {
    // sin(40 x): the central difference's truncation, h^2 f'''/6, is about
    // 4e-7 of the derivative, above the plain pass's bar; one Richardson
    // step removes it. The kink at 1e-4 keeps the first pass out.
    let f = |x: &[f64]| (40.0 * x[0]).sin() + (x[0] - 1e-4).abs();
    let truth = |x0: f64| 40.0 * (40.0 * x0).cos() + 1.0;
    let x0 = 1.5e-4;
    let cfg = CheckConfig::default();
    let report = check_gradient(&f, &|_: &[f64]| vec![truth(x0)], &[x0], &cfg).unwrap();
    assert_eq!(report.verdict(), Verdict::Pass, "{report}");
    let off = check_gradient(&f, &|_: &[f64]| vec![truth(x0) * (1.0 + 1e-5)], &[x0], &cfg).unwrap();
    assert_eq!(off.verdict(), Verdict::Fail, "{off}");
}
