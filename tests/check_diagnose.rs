//! The diagnoses users need (`src/check/diagnose.rs`): a constant offset, a
//! missing diagonal term in a Hessian, an all-zero claim, next to the older
//! shapes.

use gradient_oracle::nalgebra::DMatrix;
use gradient_oracle::{CheckConfig, Verdict, check_gradient, check_hessian};

/// LayerNorm's backward without its mean term: every entry off by the same
/// $\bar c / \sigma$.
#[test]
fn a_dropped_mean_term_is_named_as_a_constant_offset() {
    let c = [0.3, -1.2, 0.8, 2.0, -0.5];
    // The mean and the reciprocal standard deviation of x.
    let stats = |x: &[f64]| {
        let n = x.len() as f64;
        let mu = x.iter().sum::<f64>() / n;
        let var = x.iter().map(|v| (v - mu) * (v - mu)).sum::<f64>() / n;
        (mu, 1.0 / (var + 1e-5).sqrt())
    };
    let loss = |x: &[f64]| {
        let (mu, r) = stats(x);
        x.iter()
            .zip(&c)
            .map(|(v, ci)| ci * (v - mu) * r)
            .sum::<f64>()
    };
    let grad = |x: &[f64], with_mean: bool| {
        let n = x.len() as f64;
        let (mu, r) = stats(x);
        let mean_c = if with_mean {
            c.iter().sum::<f64>() / n
        } else {
            0.0
        };
        let mean_cx = c
            .iter()
            .zip(x)
            .map(|(ci, v)| ci * (v - mu) * r)
            .sum::<f64>()
            / n;
        x.iter()
            .zip(&c)
            .map(|(v, ci)| r * (ci - mean_c - (v - mu) * r * mean_cx))
            .collect::<Vec<f64>>()
    };
    let x = [0.4, -0.3, 1.1, 0.2, -0.9];
    let right = check_gradient(
        &loss,
        &|p: &[f64]| grad(p, true),
        &x,
        &CheckConfig::default(),
    )
    .unwrap();
    assert_eq!(right.verdict(), Verdict::Pass, "{right}");
    let report = check_gradient(
        &loss,
        &|p: &[f64]| grad(p, false),
        &x,
        &CheckConfig::default(),
    )
    .unwrap();
    assert_eq!(report.verdict(), Verdict::Fail);
    let diagnosis = report.diagnosis().unwrap_or("");
    assert!(diagnosis.contains("off by the same c"), "{report}");
}

#[test]
fn an_all_zero_claim_is_named() {
    let f = |x: &[f64]| x.iter().map(|v| v.sin()).sum::<f64>();
    let report = check_gradient(
        &f,
        &|_: &[f64]| vec![0.0; 3],
        &[0.3, -1.0, 2.0],
        &CheckConfig::default(),
    )
    .unwrap();
    assert_eq!(report.verdict(), Verdict::Fail);
    assert!(
        report
            .diagnosis()
            .unwrap_or("")
            .contains("the claim is zero"),
        "{report}"
    );
}

/// Ridge regression's Hessian without its $\lambda I$.
#[test]
fn a_hessian_without_its_lambda_i_is_named() {
    let lambda = 0.7;
    let a = DMatrix::from_row_slice(3, 3, &[2.0, 0.5, 0.1, 0.5, 3.0, -0.4, 0.1, -0.4, 1.5]);
    let grad = |x: &[f64]| {
        let v = gradient_oracle::nalgebra::DVector::from_column_slice(x);
        (&a * &v + lambda * &v).as_slice().to_vec()
    };
    let right = a.clone() + DMatrix::identity(3, 3) * lambda;
    let x = [0.2, -0.4, 0.9];
    let report = check_hessian(
        &grad,
        &|_: &[f64]| right.clone(),
        &x,
        &CheckConfig::default(),
    )
    .unwrap();
    assert_eq!(report.verdict(), Verdict::Pass, "{report}");
    let report = check_hessian(&grad, &|_: &[f64]| a.clone(), &x, &CheckConfig::default()).unwrap();
    assert_eq!(report.verdict(), Verdict::Fail);
    assert!(
        report
            .diagnosis()
            .unwrap_or("")
            .contains("missing diagonal term"),
        "{report}"
    );
}

/// check_hvp's passing header says how many directions were checked, not
/// that every entry agrees.
#[test]
fn a_directional_pass_says_what_it_covered() {
    let grad = |x: &[f64]| vec![2.0 * x[0] * x[1], x[0] * x[0] + x[1].cos()];
    let hvp = |x: &[f64], v: &[f64]| {
        vec![
            2.0 * x[1] * v[0] + 2.0 * x[0] * v[1],
            2.0 * x[0] * v[0] - x[1].sin() * v[1],
        ]
    };
    let report =
        gradient_oracle::check_hvp(&grad, &hvp, &[1.5, -0.5], &CheckConfig::default()).unwrap();
    assert_eq!(report.verdict(), Verdict::Pass);
    let text = report.to_string();
    assert!(
        text.contains("random directions") && !text.contains("entries agree"),
        "{text}"
    );
}
