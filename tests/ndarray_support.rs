//! `gradient_oracle::ndarray`: the checks on ndarray points and claims give
//! the verdicts of the slice-based checks, on contiguous and strided views.
#![cfg(feature = "ndarray")]

use gradient_oracle::ndarray::{check_gradient, check_hessian, check_hvp, check_jacobian};
use gradient_oracle::{CheckConfig, OracleError, Verdict};
use ndarray::{Array1, Array2, ArrayView1, array, s};

/// f = sum_i x_i^2 + x0 x1, a test function with a cross term.
fn f(x: ArrayView1<f64>) -> f64 {
    x.dot(&x) + x[0] * x[1]
}

fn grad(x: ArrayView1<f64>) -> Array1<f64> {
    let mut g = &x * 2.0;
    g[0] += x[1];
    g[1] += x[0];
    g
}

fn hess(x: ArrayView1<f64>) -> Array2<f64> {
    let n = x.len();
    let mut h = Array2::<f64>::eye(n) * 2.0;
    h[[0, 1]] = 1.0;
    h[[1, 0]] = 1.0;
    h
}

#[test]
fn a_right_gradient_passes_and_a_wrong_entry_is_named() {
    let x = array![0.7, -1.2, 2.5, 0.3];
    let config = CheckConfig::default();
    assert_eq!(
        check_gradient(&f, &grad, x.view(), &config)
            .unwrap()
            .verdict(),
        Verdict::Pass
    );
    // The cross term dropped from entry 1 (a hand-derivation slip).
    let slip = |x: ArrayView1<f64>| {
        let mut g = grad(x);
        g[1] -= x[0];
        g
    };
    let report = check_gradient(&f, &slip, x.view(), &config).unwrap();
    assert_eq!(report.verdict(), Verdict::Fail);
    let failing: Vec<usize> = report.failures().iter().map(|e| e.input).collect();
    assert_eq!(failing, vec![1]);
}

#[test]
fn a_strided_view_is_the_point_it_shows() {
    // Every other entry of a longer array: not contiguous in memory.
    let backing = array![0.7, 99.0, -1.2, 99.0, 2.5, 99.0];
    let x = backing.slice(s![..;2]);
    assert!(
        x.as_slice().is_none(),
        "the view must be strided for this test"
    );
    // A gradient that is only right at the view's entries (not at the
    // backing array's first three) tells the two apart.
    let config = CheckConfig::default();
    let report = check_gradient(&f, &grad, x, &config).unwrap();
    assert_eq!(report.verdict(), Verdict::Pass);
    let at_backing = |_: ArrayView1<f64>| grad(backing.slice(s![..3]));
    assert_eq!(
        check_gradient(&f, &at_backing, x, &config)
            .unwrap()
            .verdict(),
        Verdict::Fail
    );
}

#[test]
fn jacobian_claims_are_array2_outputs_by_inputs() {
    let g = |x: ArrayView1<f64>| array![x[0] * x[1], x[0] + x[2].sin()];
    let jac = |x: ArrayView1<f64>| array![[x[1], x[0], 0.0], [1.0, 0.0, x[2].cos()]];
    let x = array![0.4, -0.9, 1.3];
    let config = CheckConfig::default();
    assert_eq!(
        check_jacobian(&g, &jac, x.view(), &config)
            .unwrap()
            .verdict(),
        Verdict::Pass
    );
    // Inputs x outputs (3 x 2) is a shape error naming the claim.
    let transposed = |x: ArrayView1<f64>| jac(x).reversed_axes();
    let err = check_jacobian(&g, &transposed, x.view(), &config).unwrap_err();
    assert!(matches!(err, OracleError::ShapeMismatch { .. }), "{err}");
}

#[test]
fn hessian_and_hvp_on_ndarray() {
    let x = array![0.7, -1.2, 2.5];
    let config = CheckConfig::default();
    assert_eq!(
        check_hessian(&grad, &hess, x.view(), &config)
            .unwrap()
            .verdict(),
        Verdict::Pass
    );
    // Without the cross term the off-diagonal pair fails.
    let no_cross = |x: ArrayView1<f64>| Array2::<f64>::eye(x.len()) * 2.0;
    let report = check_hessian(&grad, &no_cross, x.view(), &config).unwrap();
    assert_eq!(report.verdict(), Verdict::Fail);
    let hvp = |x: ArrayView1<f64>, v: ArrayView1<f64>| hess(x).dot(&v);
    assert_eq!(
        check_hvp(&grad, &hvp, x.view(), &config).unwrap().verdict(),
        Verdict::Pass
    );
    let half = |x: ArrayView1<f64>, v: ArrayView1<f64>| hess(x).dot(&v) * 0.5;
    assert_eq!(
        check_hvp(&grad, &half, x.view(), &config)
            .unwrap()
            .verdict(),
        Verdict::Fail
    );
}

#[test]
fn array2_is_a_claim_for_the_slice_checks_too() {
    let g = |x: &[f64]| vec![x[0] * x[1], x[1]];
    let jac = |x: &[f64]| array![[x[1], x[0]], [0.0, 1.0]];
    let report =
        gradient_oracle::check_jacobian(&g, &jac, &[1.5, -0.5], &CheckConfig::default()).unwrap();
    assert_eq!(report.verdict(), Verdict::Pass);
}

#[test]
fn bad_points_are_typed_errors() {
    let config = CheckConfig::default();
    let empty: Array1<f64> = Array1::zeros(0);
    assert!(matches!(
        check_gradient(&f, &grad, empty.view(), &config).unwrap_err(),
        OracleError::Empty { .. }
    ));
    let nan = array![0.5, f64::NAN];
    let err = check_gradient(&f, &grad, nan.view(), &config).unwrap_err();
    assert!(
        matches!(&err, OracleError::NonFinite { name, .. } if name == "x"),
        "{err}"
    );
    // A gradient of the wrong length is a shape error, not a panic.
    let short = |_: ArrayView1<f64>| array![1.0];
    let x = array![0.5, 0.25];
    assert!(matches!(
        check_gradient(&f, &short, x.view(), &config).unwrap_err(),
        OracleError::ShapeMismatch { .. }
    ));
}

#[test]
fn f32_code_on_ndarray() {
    let f = |x: ArrayView1<f32>| x.mapv(|v| v.tanh()).sum();
    let g = |x: ArrayView1<f32>| x.mapv(|v| 1.0 - v.tanh().powi(2));
    let x = array![0.3f32, -0.8, 1.1];
    let config = CheckConfig::default();
    let report = check_gradient(&f, &g, x.view(), &config).unwrap();
    assert_eq!(report.verdict(), Verdict::Pass, "{report}");
    // tanh' written as 1 - tanh (the square forgotten): off by 10 % to 40 %.
    let slip = |x: ArrayView1<f32>| x.mapv(|v| 1.0 - v.tanh());
    let report = check_gradient(&f, &slip, x.view(), &config).unwrap();
    assert_eq!(report.verdict(), Verdict::Fail, "{report}");
}
