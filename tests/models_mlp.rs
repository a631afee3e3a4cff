//! Exercise 2's network against values computed independently (a separate
//! plain-Python loop in double precision, and dual numbers).

use approx::{assert_abs_diff_eq, assert_relative_eq};
use gradient_oracle::{Dataset, Mlp, OracleError, mlp_loss};
use nalgebra::{DMatrix, DVector};

#[test]
fn sheet_sample_one_pre_activations() {
    // By hand: s1 = 0.60*0.75 + 0.01*0.80 = 0.458; s2 = 0.70*0.75 + 0.43*0.80 = 0.869;
    // s3 = 0.00*0.75 + 0.88*0.80 = 0.704; s_out = 0.02*0.458 + 0.03*0.869 + 0.09*0.704 = 0.09859.
    let batch = Mlp::sheet().forward_backward(&Dataset::sheet()).unwrap();
    let first = &batch.samples[0];
    for (got, want) in first.s.iter().zip([0.458, 0.869, 0.704]) {
        assert_abs_diff_eq!(*got, want, epsilon = 1e-15);
    }
    assert_abs_diff_eq!(first.s_out, 0.09859, epsilon = 1e-15);
    // Independent double-precision reference (plain Python loop).
    assert_relative_eq!(first.y_out, 0.09827180587109526, max_relative = 1e-14);
    assert_relative_eq!(first.delta_out, -0.8930198913108359, max_relative = 1e-14);
    for (got, want) in first.delta_hidden.iter().zip([
        -0.01786039782621672,
        -0.026790596739325077,
        -0.08037179021797523,
    ]) {
        assert_relative_eq!(*got, want, max_relative = 1e-13);
    }
}

#[test]
fn sheet_sample_three_has_dead_units() {
    // x3 = (-0.75, 0.80): s1 = -0.442, s2 = -0.181 are negative, so z = (0, 0, 0.704)
    // and the dead units get no gradient.
    let batch = Mlp::sheet().forward_backward(&Dataset::sheet()).unwrap();
    let third = &batch.samples[2];
    assert_abs_diff_eq!(third.s[0], -0.442, epsilon = 1e-15);
    assert_abs_diff_eq!(third.s[1], -0.181, epsilon = 1e-15);
    assert_eq!(&third.z[..2], &[0.0, 0.0]);
    assert_eq!(&third.delta_hidden[..2], &[0.0, 0.0]);
    assert_relative_eq!(
        third.delta_hidden[2],
        0.09531164160540986,
        max_relative = 1e-13
    );
}

#[test]
fn summed_totals_match_reference() {
    let batch = Mlp::sheet().forward_backward(&Dataset::sheet()).unwrap();
    assert_relative_eq!(batch.loss, 1.9666450569727654, max_relative = 1e-14);
    let want_w = [
        [-0.013326305318581243, -0.0162828887535306],
        [-0.019989457977871865, -0.024424333130295902],
        [-0.14955847393562094, 0.0075029060929271835],
    ];
    for i in 0..3 {
        for j in 0..2 {
            assert_relative_eq!(
                batch.grad_hidden[(i, j)],
                want_w[i][j],
                max_relative = 1e-12
            );
        }
    }
    for (got, want) in batch.grad_out.iter().zip([
        -0.40793060393420255,
        -0.8165027943512514,
        0.07336174846417687,
    ]) {
        assert_relative_eq!(*got, want, max_relative = 1e-13);
    }
    // Totals are the sums of the per-sample records.
    let sum_w: f64 = batch.samples.iter().map(|s| s.grad_out[1]).sum();
    assert_relative_eq!(sum_w, batch.grad_out[1], max_relative = 1e-14);
}

#[test]
fn flat_gradient_agrees_with_dual_numbers() {
    use gradient_oracle::numeric::dual::dual_gradient;
    use num_dual::Dual64;
    let mlp = Mlp::sheet();
    let data = Dataset::sheet();
    let (loss, g) = mlp.loss_and_gradient(&data).unwrap();
    let p = mlp.parameters();
    assert_eq!(
        p,
        vec![0.60, 0.01, 0.70, 0.43, 0.00, 0.88, 0.02, 0.03, 0.09]
    );
    let (value, exact) = dual_gradient(|d: &[Dual64]| mlp_loss(d, 3, &data), &p).unwrap();
    assert_relative_eq!(value, loss, max_relative = 1e-15);
    for (e, a) in exact.iter().zip(&g) {
        assert_relative_eq!(*e, *a, max_relative = 1e-13, epsilon = 1e-300);
    }
    let back = mlp.with_parameters(&p).unwrap();
    assert_eq!(back, mlp);
}

#[test]
fn shape_and_value_errors_name_the_input() {
    let e = Mlp::new(
        DMatrix::from_element(3, 2, 0.1),
        DVector::from_element(2, 0.1),
    )
    .unwrap_err();
    assert!(
        matches!(e, OracleError::ShapeMismatch { ref name, .. } if name == "w"),
        "{e}"
    );
    let e = Mlp::new(
        DMatrix::from_row_slice(1, 2, &[0.1, f64::NAN]),
        DVector::from_element(1, 0.1),
    )
    .unwrap_err();
    assert!(
        matches!(e, OracleError::NonFinite { ref name, index: 1, .. } if name == "W"),
        "{e}"
    );
    let e = Mlp::new(DMatrix::zeros(0, 2), DVector::zeros(0)).unwrap_err();
    assert!(
        matches!(e, OracleError::Empty { ref name } if name == "W"),
        "{e}"
    );
    let e = Dataset::new(
        DMatrix::from_element(2, 2, 0.1),
        DVector::from_element(3, 1.0),
    )
    .unwrap_err();
    assert!(
        matches!(e, OracleError::ShapeMismatch { ref name, .. } if name == "y"),
        "{e}"
    );
    let e = Dataset::from_rows(&[vec![1.0, 2.0], vec![1.0]], &[1.0, 1.0]).unwrap_err();
    assert!(matches!(e, OracleError::ShapeMismatch { .. }), "{e}");
    let wide = Dataset::from_rows(&[vec![1.0, 2.0, 3.0]], &[1.0]).unwrap();
    let e = Mlp::sheet().forward_backward(&wide).unwrap_err();
    assert!(
        matches!(e, OracleError::ShapeMismatch { ref name, .. } if name == "X"),
        "{e}"
    );
    assert!(matches!(
        Mlp::sheet().with_parameters(&[1.0]),
        Err(OracleError::ShapeMismatch { .. })
    ));
    assert!(Dataset::sheet().rows(3..9).is_err());
}

#[test]
fn totals_equal_the_batch_record() {
    let mlp = Mlp::sheet();
    let data = Dataset::sheet();
    let batch = mlp.forward_backward(&data).unwrap();
    let (loss, gh, go) = mlp.totals(&data).unwrap();
    assert_eq!(loss, batch.loss);
    assert_eq!(gh, batch.grad_hidden);
    assert_eq!(go, batch.grad_out);
}

/// The step functions (`models::mlp_steps`) are the batch pass's equations:
/// applied one by one to one sample they give its record, by hand-checked
/// values (the first sample's delta_out from an independent run; relu' = 0
/// at 0).
#[test]
fn the_step_equations_reproduce_the_batch_pass() {
    use gradient_oracle::models::mlp_steps as steps;
    let (mlp, data) = (Mlp::sheet(), Dataset::sheet());
    let run = mlp.forward_backward(&data).unwrap();
    let wh: Vec<Vec<f64>> = (0..mlp.hidden())
        .map(|i| mlp.w_hidden().row(i).iter().copied().collect())
        .collect();
    let wo: Vec<f64> = mlp.w_out().iter().copied().collect();
    for (n, rec) in run.samples.iter().enumerate() {
        let x: Vec<f64> = data.x().row(n).iter().copied().collect();
        let y = data.y()[n];
        let s = steps::pre_activations(&wh, &x);
        let z: Vec<f64> = s.iter().map(|v| steps::hidden(*v)).collect();
        let y_out = steps::output(steps::output_pre_activation(&wo, &z));
        let d = steps::delta_out(y_out, y);
        assert!((d - rec.delta_out).abs() < 1e-15);
        if n == 0 {
            // examples/answers/correct.toml, from an independent Python run.
            assert!((d - -0.8930).abs() < 5e-5, "{d}");
        }
        for i in 0..wh.len() {
            assert!((s[i] - rec.s[i]).abs() < 1e-15);
            assert!((z[i] - rec.z[i]).abs() < 1e-15);
            let dh = steps::delta_hidden(d, wo[i], s[i]);
            assert!((dh - rec.delta_hidden[i]).abs() < 1e-15);
        }
        assert!((y_out - rec.y_out).abs() < 1e-15);
        assert!((steps::sample_loss(y_out, y) - rec.loss).abs() < 1e-15);
    }
    assert_eq!(steps::delta_hidden(1.0, 2.0, 0.0), 0.0);
    assert_eq!(steps::updated(1.0, 2.0, 0.1), 0.8);
}
