//! Softmax and its Jacobian against values worked by hand.

use approx::{assert_abs_diff_eq, assert_relative_eq};
use gradient_oracle::{OracleError, softmax, softmax_jacobian, softmax_jvp, softmax_vjp};
use rstest::rstest;

#[rstest]
#[case::two(2)]
#[case::three(3)]
#[case::ten(10)]
fn equal_logits_give_uniform(#[case] k: usize) {
    let p = softmax(&vec![0.7; k]).unwrap();
    for v in p {
        assert_abs_diff_eq!(v, 1.0 / k as f64, epsilon = 1e-16);
    }
}

#[test]
fn jacobian_by_hand() {
    // o = (ln 1, ln 2, ln 5) gives p = (1/8, 2/8, 5/8).
    // J = diag(p) - p p^T: J00 = 1/8 - 1/64 = 7/64, J01 = -2/64, J02 = -5/64,
    // J11 = 2/8 - 4/64 = 12/64, J12 = -10/64, J22 = 5/8 - 25/64 = 15/64.
    let o = [0.0, 2f64.ln(), 5f64.ln()];
    let p = softmax(&o).unwrap();
    for (got, want) in p.iter().zip([0.125, 0.25, 0.625]) {
        assert_relative_eq!(*got, want, max_relative = 1e-15);
    }
    let j = softmax_jacobian(&o).unwrap();
    let want = [[7.0, -2.0, -5.0], [-2.0, 12.0, -10.0], [-5.0, -10.0, 15.0]];
    for r in 0..3 {
        for c in 0..3 {
            assert_abs_diff_eq!(j[(r, c)], want[r][c] / 64.0, epsilon = 1e-16);
        }
    }
    // J v without J: v = (1, 0, 0) picks the first column.
    let jv = softmax_jvp(&o, &[1.0, 0.0, 0.0]).unwrap();
    for r in 0..3 {
        assert_abs_diff_eq!(jv[r], want[r][0] / 64.0, epsilon = 1e-16);
    }
    let uj = softmax_vjp(&o, &[0.0, 1.0, 0.0]).unwrap();
    for c in 0..3 {
        assert_abs_diff_eq!(uj[c], want[1][c] / 64.0, epsilon = 1e-16);
    }
}

#[test]
fn huge_logits_do_not_overflow() {
    assert_eq!(softmax(&[1e308, -1e308, 0.0]).unwrap(), vec![1.0, 0.0, 0.0]);
    assert_eq!(softmax(&[1e308, 1e308]).unwrap(), vec![0.5, 0.5]);
    let p = softmax(&[-1e308, -1e308, -1e308, -1e308]).unwrap();
    assert_eq!(p, vec![0.25; 4]);
    let j = softmax_jacobian(&[1e308_f64, -1e308]).unwrap();
    assert!(j.iter().all(|v: &f64| v.is_finite()));
    // Tiny differences survive: softmax(1e-300, 0) = 1/2 + 2.5e-301.
    let p = softmax(&[1e-300, 0.0]).unwrap();
    assert!(p[0] >= 0.5 && p[1] <= 0.5);
}

#[test]
fn f32_softmax() {
    let p = softmax(&[0.0_f32, 2f32.ln(), 5f32.ln()]).unwrap();
    assert_relative_eq!(p[2], 0.625_f32, max_relative = 1e-6);
    assert_eq!(softmax(&[3e38_f32, -3e38]).unwrap(), vec![1.0, 0.0]);
}

#[test]
fn errors_name_the_input() {
    assert!(
        matches!(softmax::<f64>(&[]), Err(OracleError::Empty { ref name }) if name == "logits")
    );
    assert!(matches!(
        softmax(&[1.0]),
        Err(OracleError::TooFewClasses { found: 1, .. })
    ));
    assert!(matches!(
        softmax(&[1.0, f64::NAN]),
        Err(OracleError::NonFinite { index: 1, .. })
    ));
    assert!(matches!(
        softmax(&[f64::NEG_INFINITY, 0.0]),
        Err(OracleError::NonFinite { index: 0, .. })
    ));
    assert!(
        matches!(softmax_jvp(&[1.0, 2.0], &[1.0]), Err(OracleError::ShapeMismatch { ref name, .. }) if name == "v")
    );
    assert!(matches!(
        softmax_jvp(&[1.0, 2.0], &[1.0, f64::INFINITY]),
        Err(OracleError::NonFinite { .. })
    ));
}
