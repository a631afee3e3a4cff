//! Compound kinks: where the autodiff convention gives a value outside the
//! one-sided derivatives, Fail is right, and the report says why.

use gradient_oracle::{CheckConfig, Dataset, Objective, Verdict, check_gradient, check_objective};

/// relu(x) + relu(2x) at 0: one-sided slopes 0 and 3. A claim between them
/// is a kink; one outside is a Fail whose diagnosis says it is not between
/// the one-sided derivatives.
#[test]
fn a_claim_outside_the_one_sided_derivatives_fails_with_the_reason() {
    let f = |x: &[f64]| x[0].max(0.0) + (2.0 * x[0]).max(0.0);
    let c = CheckConfig::default();
    for inside in [0.0, 1.5, 3.0] {
        let r = check_gradient(&f, &|_: &[f64]| vec![inside], &[0.0], &c).unwrap();
        assert_eq!(r.verdict(), Verdict::Kink, "{inside}: {r}");
    }
    for outside in [-1.0, 4.0] {
        let r = check_gradient(&f, &|_: &[f64]| vec![outside], &[0.0], &c).unwrap();
        assert_eq!(r.verdict(), Verdict::Fail, "{r}");
        let d = r.diagnosis().unwrap();
        assert!(d.contains("not between the one-sided derivatives"), "{d}");
        assert!(d.contains("need not give a derivative"), "{d}");
    }
}

/// relu(x) - relu(-x) is x: smooth, derivative 1. Autodiff with relu'(0) = 0
/// gives 0 at x = 0: not a derivative, and the check fails it.
#[test]
fn relu_minus_mirrored_relu_is_the_identity_and_its_autodiff_value_fails() {
    let f = |x: &[f64]| x[0].max(0.0) - (-x[0]).max(0.0);
    let autodiff = |x: &[f64]| {
        let d = |s: f64| if s > 0.0 { 1.0 } else { 0.0 };
        vec![d(x[0]) + d(-x[0])]
    };
    let r = check_gradient(&f, &autodiff, &[0.0], &CheckConfig::default()).unwrap();
    assert_eq!(r.verdict(), Verdict::Fail, "{r}");
    assert!((r.failures()[0].numeric - 1.0).abs() < 1e-6, "{r}");
    // Away from 0 the same code is right.
    let r = check_gradient(&f, &autodiff, &[0.3], &CheckConfig::default()).unwrap();
    assert_eq!(r.verdict(), Verdict::Pass, "{r}");
}

/// The sheet's network with hidden unit 0's weights at 0: its input is 0 for
/// both samples at once, and W_00 switches both (one on each side). The
/// hand-derived gradient (relu'(0) = 0) gives 0, outside the one-sided
/// derivatives, which have the same sign: Fail, and the report names the
/// compound kink and its switching quantities.
#[test]
fn the_models_compound_kink_is_named_in_the_report() {
    let data = Dataset::from_rows(&[vec![1.0, 1.0], vec![-1.0, 1.0]], &[1.0, -1.0]).unwrap();
    let objective = Objective::Mlp { hidden: 2, data };
    // W = [[0, 0], [0.4, -0.3]], w = [0.8, 0.5].
    let x = [0.0, 0.0, 0.4, -0.3, 0.8, 0.5];
    let report = check_objective(&objective, &x, &CheckConfig::default()).unwrap();
    assert_eq!(report.verdict(), Verdict::Fail, "{report}");
    let failing = report.failures();
    assert_eq!(failing[0].input, 0, "{report}");
    let (lo, hi) = (
        failing[0].left.min(failing[0].right),
        failing[0].left.max(failing[0].right),
    );
    assert!(
        failing[0].analytic < lo || failing[0].analytic > hi,
        "{report}"
    );
    let d = report.diagnosis().unwrap();
    assert!(d.contains("a compound kink"), "{d}");
    assert!(
        d.contains("sample 0, hidden unit 0") && d.contains("sample 1, hidden unit 0"),
        "{d}"
    );
}
