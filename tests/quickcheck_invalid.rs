//! quickcheck's own generators produce NaN and infinities: invalid inputs give
//! the documented error, never a panic. Case counts follow `QUICKCHECK_TESTS`.

use gradient_oracle::{
    Activation, ChainNetwork, CheckConfig, Dataset, OracleError, check_gradient, hinge_loss,
    softmax, softmax_hinge_gradient, softmax_jacobian,
};
use quickcheck::{TestResult, quickcheck};

fn has_non_finite(v: &[f64]) -> bool {
    v.iter().any(|x| !x.is_finite())
}

quickcheck! {
    fn qc_softmax_errors_or_sums_to_one(o: Vec<f64>) -> bool {
        match softmax(&o) {
            Ok(p) => !has_non_finite(&o) && o.len() >= 2 && (p.iter().sum::<f64>() - 1.0).abs() <= 1e-12,
            Err(OracleError::NonFinite { .. }) => has_non_finite(&o),
            Err(OracleError::Empty { .. }) => o.is_empty(),
            Err(OracleError::TooFewClasses { .. }) => o.len() == 1,
            Err(_) => false,
        }
    }

    fn qc_jacobian_never_panics(o: Vec<f64>) -> bool {
        softmax_jacobian(&o).map(|j| j.iter().all(|v| v.is_finite())).unwrap_or(true)
    }

    fn qc_hinge_errors_name_the_problem(o: Vec<f64>, label: usize, margin: f64) -> TestResult {
        let result = softmax_hinge_gradient(&o, label, margin);
        match result {
            Ok(g) => TestResult::from_bool(label < o.len() && margin.is_finite() && g.iter().all(|v| v.is_finite())),
            Err(OracleError::LabelOutOfRange { label: l, classes }) => TestResult::from_bool(l == label && classes == o.len()),
            Err(OracleError::InvalidMargin(_)) => TestResult::from_bool(!margin.is_finite()),
            Err(OracleError::NonFinite { .. } | OracleError::Empty { .. } | OracleError::TooFewClasses { .. }) => {
                TestResult::from_bool(has_non_finite(&o) || o.len() < 2)
            }
            Err(_) => TestResult::failed(),
        }
    }

    fn qc_hinge_loss_on_p_never_panics(p: Vec<f64>, label: usize, margin: f64) -> bool {
        let _ = hinge_loss(&p, label, margin);
        true
    }

    fn qc_chain_rejects_non_finite(w: Vec<f64>, x_in: f64, y_gt: f64) -> bool {
        let acts = vec![Activation::Tanh; w.len()];
        match ChainNetwork::new(w.clone(), acts) {
            Ok(net) => match net.forward(x_in, y_gt) {
                Ok(f) => x_in.is_finite() && y_gt.is_finite() && net.backward(&f).is_ok(),
                Err(OracleError::NonFinite { .. }) => !x_in.is_finite() || !y_gt.is_finite(),
                Err(_) => false,
            },
            Err(OracleError::ZeroDepth) => w.is_empty(),
            Err(OracleError::NonFinite { .. }) => has_non_finite(&w),
            Err(_) => false,
        }
    }

    fn qc_dataset_rejects_bad_shapes_and_values(x: Vec<Vec<f64>>, y: Vec<f64>) -> bool {
        match Dataset::from_rows(&x, &y) {
            Ok(d) => d.len() == y.len() && !has_non_finite(&y),
            Err(_) => true,
        }
    }

    fn qc_checker_rejects_non_finite_points(x: Vec<f64>) -> bool {
        let f = |x: &[f64]| x.iter().map(|v| v * v).sum::<f64>();
        let g = |x: &[f64]| x.iter().map(|v| 2.0 * v).collect::<Vec<_>>();
        match check_gradient(&f, &g, &x, &CheckConfig::default()) {
            // (A coordinate at 0 beside one of 1e9 moves f below its rounding:
            // Inconclusive at the resolution reached, never Fail.)
            Ok(r) => !x.is_empty() && !has_non_finite(&x) && (r.verdict().is_ok() || r.resolution() > CheckConfig::default().max_resolution || x.iter().any(|v| v.abs() > 1e150)),
            Err(OracleError::NonFinite { .. }) => has_non_finite(&x),
            Err(OracleError::Empty { .. }) => x.is_empty(),
            Err(OracleError::FunctionNotFinite { .. }) => true,
            Err(_) => false,
        }
    }
}
