//! The multiclass hinge loss on softmax outputs.

use approx::{assert_abs_diff_eq, assert_relative_eq};
use gradient_oracle::{
    OracleError, hinge_gradient_p, hinge_loss, softmax, softmax_hinge_gradient,
    softmax_hinge_gradient_via_jacobian, softmax_hinge_loss,
};
use rstest::rstest;

#[test]
fn loss_by_hand() {
    // p = (0.5, 0.3, 0.2), y = 0, m = 0.25: terms 0.3-0.5+0.25 = 0.05 (active),
    // 0.2-0.5+0.25 = -0.05 (inactive): L = 0.05; dL/dp = (-1, 1, 0).
    let p = [0.5, 0.3, 0.2];
    assert_abs_diff_eq!(hinge_loss(&p, 0, 0.25).unwrap(), 0.05, epsilon = 1e-16);
    assert_eq!(hinge_gradient_p(&p, 0, 0.25).unwrap(), vec![-1.0, 1.0, 0.0]);
}

#[test]
fn gradient_by_hand_through_the_jacobian() {
    // o = (0, ln 2, ln 5): p = (1/8, 2/8, 5/8), y = 2, m = 0.5.
    // Terms: 1/8 - 5/8 + 1/2 = 0 (exactly at the margin: inactive by convention),
    // 2/8 - 5/8 + 1/2 = 1/8 (active). A = {1}, a = 1, S_A = 1/4, p_y = 5/8.
    // dL/do_i = p_i([i in A] - a[i=y] - S_A + a p_y):
    //   i=0: 1/8 * (0 - 0 - 1/4 + 5/8) = 3/64
    //   i=1: 2/8 * (1 - 0 - 1/4 + 5/8) = 22/64
    //   i=2: 5/8 * (0 - 1 - 1/4 + 5/8) = -25/64
    // (p is computed in floating point, so the margin term is within an ulp of 0.)
    let o = [0.0, 2f64.ln(), 5f64.ln()];
    let margins = gradient_oracle::hinge_margins(&o, 2, 0.5).unwrap();
    assert!(margins[0].unwrap().abs() < 1e-15);
    let g = softmax_hinge_gradient(&o, 2, 0.5).unwrap();
    let gj = softmax_hinge_gradient_via_jacobian(&o, 2, 0.5).unwrap();
    let active_only = [3.0 / 64.0, 22.0 / 64.0, -25.0 / 64.0];
    // Whichever side of the kink rounding put term 0 on, both routes agree.
    for i in 0..3 {
        assert_abs_diff_eq!(g[i], gj[i], epsilon = 1e-16);
    }
    if margins[0].unwrap() <= 0.0 {
        for i in 0..3 {
            assert_abs_diff_eq!(g[i], active_only[i], epsilon = 1e-16);
        }
    }
}

#[rstest]
fn margin_at_least_one_keeps_every_term_active(
    #[values(1.0, 1.5, 2.0)] margin: f64,
    #[values(0, 1, 3)] label: usize,
) {
    let o = [0.3, -1.2, 2.5, 0.9];
    let k = o.len() as f64;
    let p = softmax(&o).unwrap();
    let l = softmax_hinge_loss(&o, label, margin).unwrap();
    assert_relative_eq!(
        l,
        (k - 1.0) * margin + 1.0 - k * p[label],
        max_relative = 1e-14
    );
    // Then dL/do = -k * dp_y/do = -k * p_y (e_y - p).
    let g = softmax_hinge_gradient(&o, label, margin).unwrap();
    for i in 0..o.len() {
        let e = if i == label { 1.0 } else { 0.0 };
        assert_relative_eq!(
            g[i],
            -k * p[label] * (e - p[i]),
            max_relative = 1e-13,
            epsilon = 1e-16
        );
    }
}

#[rstest]
fn gradient_sums_to_zero_and_routes_agree(
    #[values(0.0, 0.1, 0.5, 1.0)] margin: f64,
    #[values(0, 2)] label: usize,
) {
    let o = [1.0, -0.5, 0.2, 3.0, -2.0];
    let g = softmax_hinge_gradient(&o, label, margin).unwrap();
    let gj = softmax_hinge_gradient_via_jacobian(&o, label, margin).unwrap();
    assert_abs_diff_eq!(g.iter().sum::<f64>(), 0.0, epsilon = 1e-15);
    for (a, b) in g.iter().zip(&gj) {
        assert_abs_diff_eq!(*a, *b, epsilon = 1e-15);
    }
}

#[test]
fn gradient_agrees_with_dual_numbers() {
    use gradient_oracle::numeric::dual::dual_gradient;
    use num_dual::Dual64;
    let o = [0.4, -0.3, 1.7, 0.0, -1.1];
    for margin in [0.2, 0.6, 1.0] {
        let g = softmax_hinge_gradient(&o, 1, margin).unwrap();
        let loss = |d: &[Dual64]| gradient_oracle::softmax_hinge_loss_unchecked(d, 1, margin);
        let (value, exact) = dual_gradient(loss, &o).unwrap();
        assert_relative_eq!(
            value,
            softmax_hinge_loss(&o, 1, margin).unwrap(),
            max_relative = 1e-15
        );
        for (e, a) in exact.iter().zip(&g) {
            assert_abs_diff_eq!(*e, *a, epsilon = 1e-15);
        }
    }
}

#[test]
fn errors_name_the_input() {
    assert!(matches!(
        hinge_loss(&[0.5, 0.5], 2, 1.0),
        Err(OracleError::LabelOutOfRange {
            label: 2,
            classes: 2
        })
    ));
    assert!(matches!(
        softmax_hinge_loss(&[0.5, 0.5], 0, f64::NAN),
        Err(OracleError::InvalidMargin(_))
    ));
    assert!(matches!(
        softmax_hinge_gradient(&[0.5, 0.5], 0, f64::INFINITY),
        Err(OracleError::InvalidMargin(_))
    ));
    assert!(matches!(
        hinge_loss(&[0.5], 0, 1.0),
        Err(OracleError::TooFewClasses { .. })
    ));
    assert!(
        matches!(hinge_gradient_p(&[0.5, f64::NAN], 0, 1.0), Err(OracleError::NonFinite { ref name, .. }) if name == "p")
    );
    assert!(matches!(
        softmax_hinge_gradient_via_jacobian(&[0.5, 0.1], 5, 1.0),
        Err(OracleError::LabelOutOfRange { .. })
    ));
    let msg = hinge_loss(&[0.5, 0.5], 7, 1.0).unwrap_err().to_string();
    assert!(
        msg.contains("label 7") && msg.contains("2 classes"),
        "{msg}"
    );
}
