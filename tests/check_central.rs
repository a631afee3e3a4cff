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

/// $s(x - x_0 + q(x))$ with $q = (x - x_0)^2$ right of $x_0$ and half that
/// left of it: differentiable at $x_0$ with derivative $s$ (by hand), but f''
/// jumps there, so $c(t) = s + st/4$ converges linearly and the Richardson
/// value keeps a sixth of the step ($10^{-6}$ at $h \approx 6\cdot10^{-6}$),
/// which the $t^2$ law's bar does not see. Claims from $10^{-9}$ to $10^{-3}$
/// of $s$ off, eight a decade, both signs: whatever reads ok is within twice
/// its tolerance of $s$.
#[rstest]
#[case(1.0, 0.0)]
#[case(3.0, 0.7)]
#[case(1e6, 0.0)]
#[case(1e-6, -2.0)]
fn where_f_second_derivative_jumps_an_ok_claim_is_within_its_tolerance(
    #[case] scale: f64,
    #[case] at: f64,
) {
    let f = move |x: &[f64]| {
        let r = x[0] - at;
        scale * (x[0] + if r > 0.0 { r * r } else { 0.5 * r * r })
    };
    let cfg = CheckConfig::default();
    for e in -72..=-24 {
        for sign in [1.0, -1.0] {
            let claim = scale * (1.0 + sign * 10f64.powf(f64::from(e) / 8.0));
            let report = check_gradient(&f, &|_: &[f64]| vec![claim], &[at], &cfg).unwrap();
            let entry = report.entries()[0];
            assert!(
                !entry.outcome.is_ok() || (claim - scale).abs() <= 2.0 * entry.tolerance,
                "{claim}: {report}"
            );
        }
    }
    let report = check_gradient(&f, &|_: &[f64]| vec![scale], &[at], &cfg).unwrap();
    assert_ne!(report.verdict(), Verdict::Fail, "{report}");
}
