//! Jacobian and Hessian claims in any of their forms: a DMatrix, rows, or
//! row-major; the same verdicts, and a malformed one named, never a panic.

use gradient_oracle::nalgebra::DMatrix;
use gradient_oracle::{CheckConfig, OracleError, Verdict, check_hessian, check_jacobian};

fn f(x: &[f64]) -> Vec<f64> {
    vec![x[0] * x[1], x[0].sin(), x[1] * x[1]]
}

fn rows(x: &[f64]) -> Vec<Vec<f64>> {
    vec![
        vec![x[1], x[0]],
        vec![x[0].cos(), 0.0],
        vec![0.0, 2.0 * x[1]],
    ]
}

#[test]
fn the_three_forms_give_the_same_verdicts() {
    let x = [0.7, -1.3];
    let c = CheckConfig::default();
    let as_rows = check_jacobian(&f, &rows, &x, &c).unwrap();
    let flat = check_jacobian(&f, &|x: &[f64]| rows(x).concat(), &x, &c).unwrap();
    let matrix = check_jacobian(
        &f,
        &|x: &[f64]| DMatrix::from_row_iterator(3, 2, rows(x).concat()),
        &x,
        &c,
    )
    .unwrap();
    for r in [&as_rows, &flat, &matrix] {
        assert_eq!(r.verdict(), Verdict::Pass, "{r}");
    }
    // A wrong entry, in rows: caught at its place (output 2, input 1).
    let wrong = |x: &[f64]| {
        let mut j = rows(x);
        j[2][1] = x[1];
        j
    };
    let r = check_jacobian(&f, &wrong, &x, &c).unwrap();
    assert_eq!(r.verdict(), Verdict::Fail);
    assert_eq!((r.failures()[0].output, r.failures()[0].input), (2, 1));
    // A Hessian as rows.
    let grad = |x: &[f64]| vec![2.0 * x[0] * x[1], x[0] * x[0]];
    let hess = |x: &[f64]| vec![vec![2.0 * x[1], 2.0 * x[0]], vec![2.0 * x[0], 0.0]];
    assert_eq!(
        check_hessian(&grad, &hess, &x, &c).unwrap().verdict(),
        Verdict::Pass
    );
}

#[test]
fn malformed_claims_are_named_shape_errors() {
    let x = [0.7, -1.3];
    let c = CheckConfig::default();
    let ragged = |x: &[f64]| {
        let mut j = rows(x);
        j[1].push(1.0);
        j
    };
    match check_jacobian(&f, &ragged, &x, &c) {
        Err(OracleError::ShapeMismatch { name, found, .. }) => {
            assert_eq!(name, "jacobian");
            assert!(found.contains("[2, 3, 2]"), "{found}");
        }
        other => panic!("{other:?}"),
    }
    let short = |x: &[f64]| rows(x).concat()[..5].to_vec();
    match check_jacobian(&f, &short, &x, &c) {
        Err(OracleError::ShapeMismatch { found, .. }) => {
            assert!(found.contains("5 entries (row-major)"), "{found}")
        }
        other => panic!("{other:?}"),
    }
    let grad = |x: &[f64]| vec![2.0 * x[0] * x[1], x[0] * x[0]];
    let three_by_two = |_: &[f64]| vec![vec![0.0; 2]; 3];
    assert!(matches!(
        check_hessian(&grad, &three_by_two, &x, &c),
        Err(OracleError::ShapeMismatch { .. })
    ));
}
