//! The checker's required behaviour: no false alarms on correct gradients
//! (smooth points, kinks, near-kinks, f32), and every listed bug caught.

mod common;

use common::*;
use gradient_oracle::{
    Activation, CheckConfig, Dataset, Evidence, Method, Mlp, OracleError, Verdict, check_gradient,
    check_jacobian, softmax, softmax_jacobian, softmax_unchecked,
};
use nalgebra::DMatrix;
use rand::Rng;
use rstest::rstest;

fn verdict(f: &dyn Fn(&[f64]) -> f64, g: &dyn Fn(&[f64]) -> Vec<f64>, x: &[f64]) -> Verdict {
    let report = check_gradient(f, g, x, &CheckConfig::default()).unwrap();
    report.verdict()
}

#[test]
fn correct_chain_gradients_pass_at_random_points() {
    let mut r = rng(1);
    for _ in 0..300 {
        let acts: Vec<Activation> = (0..3)
            .map(|_| Activation::ALL[r.random_range(0..6)])
            .collect();
        let case = ChainCase {
            acts,
            x_in: normal(&mut r),
            y_gt: normal(&mut r),
        };
        let w: Vec<f64> = (0..3).map(|_| normal(&mut r)).collect();
        let report = check_gradient(&case.f(), &case.grad(), &w, &CheckConfig::default()).unwrap();
        assert!(
            report.verdict().is_ok(),
            "{:?} at {w:?}\n{report}",
            case.acts
        );
    }
}

#[test]
fn correct_mlp_gradients_pass_at_random_points() {
    let mut r = rng(2);
    for _ in 0..60 {
        let (case, p) = random_mlp(&mut r, 16, 2, 8);
        let report = check_gradient(&case.f(), &case.grad(), &p, &CheckConfig::default()).unwrap();
        assert!(report.verdict().is_ok(), "{report}");
    }
}

/// The sheet's network with hidden unit 0's pre-activation on sample 0 set to `offset`.
fn mlp_with_preactivation(offset: f64) -> (MlpCase, Vec<f64>) {
    // x0 = (0.75, 0.80); W_0 = (0.8, -0.75 + offset / 0.8): s = 0.6 - 0.6 + offset.
    let data = Dataset::sheet();
    let w = vec![
        vec![0.8, -0.75 + offset / 0.8],
        vec![0.70, 0.43],
        vec![0.00, 0.88],
    ];
    let shape = Mlp::from_rows(&w, &[0.02, 0.03, 0.09]).unwrap();
    let s = shape.forward_backward(&data).unwrap().samples[0].s[0];
    if offset == 0.0 {
        assert_eq!(s, 0.0, "the fixture must hit the kink exactly");
    } else {
        assert!(s != 0.0 && s.abs() < 2.0 * offset.abs(), "{s}");
    }
    let p = shape.parameters();
    (
        MlpCase {
            hidden: 3,
            data,
            shape,
        },
        p,
    )
}

#[test]
fn relu_preactivation_exactly_zero_is_a_kink_not_a_failure() {
    let (case, p) = mlp_with_preactivation(0.0);
    let report = check_gradient(&case.f(), &case.grad(), &p, &CheckConfig::default()).unwrap();
    assert_eq!(report.verdict(), Verdict::Kink, "{report}");
    // The kink is in the coordinates that move s_0 of sample 0: W_00, W_01, and w_0.
    let kinks: Vec<usize> = report.kinks().iter().map(|e| e.input).collect();
    assert!(kinks.iter().all(|i| [0, 1, 6].contains(i)), "{kinks:?}");
    assert!(!kinks.is_empty());
}

#[test]
fn relu_preactivation_near_zero_passes_or_is_a_kink() {
    for offset in [1e-9, -1e-9, 1e-12, -3e-10, 1e-7, -1e-6, 1e-5] {
        let (case, p) = mlp_with_preactivation(offset);
        let report = check_gradient(&case.f(), &case.grad(), &p, &CheckConfig::default()).unwrap();
        assert!(report.verdict().is_ok(), "offset {offset}\n{report}");
    }
}

#[test]
fn relu_chain_at_exact_zero_is_a_kink() {
    // s1 = W1 * x_in = 0 exactly with W1 = 0.
    let case = ChainCase {
        acts: vec![Activation::Relu, Activation::Tanh, Activation::Sigmoid],
        x_in: 1.3,
        y_gt: 0.2,
    };
    let report = check_gradient(
        &case.f(),
        &case.grad(),
        &[0.0, 0.7, -1.1],
        &CheckConfig::default(),
    )
    .unwrap();
    assert_eq!(report.verdict(), Verdict::Kink, "{report}");
}

#[test]
fn softmax_hinge_passes_with_large_logits() {
    let mut r = rng(3);
    for _ in 0..200 {
        let k = r.random_range(2..12);
        let scale = [1.0, 10.0, 50.0][r.random_range(0..3)];
        let o: Vec<f64> = (0..k).map(|_| r.random_range(-scale..scale)).collect();
        let label = r.random_range(0..k);
        let margin = r.random_range(0.0..2.0);
        let report = check_hinge(&o, label, margin);
        assert!(
            ok_or_unresolvable(&report),
            "o={o:?} y={label} m={margin}\n{report}"
        );
    }
}

#[test]
fn hinge_terms_at_and_near_their_margin() {
    let o = [0.3, -0.2, 1.1, 0.05];
    let p = softmax(&o).unwrap();
    let label = 2;
    for delta in [0.0, 1e-12, -1e-12, 1e-15] {
        // Term j = 0 sits `delta` above its margin.
        let margin = p[label] - p[0] + delta;
        let report = check_hinge(&o, label, margin);
        assert!(ok_or_unresolvable(&report), "delta {delta}\n{report}");
    }
}

#[test]
fn softmax_jacobian_passes_and_f32_models_pass() {
    let mut r = rng(4);
    for _ in 0..50 {
        let k = r.random_range(2..8);
        let o: Vec<f64> = (0..k).map(|_| r.random_range(-50.0..50.0)).collect();
        let report = check_softmax_jacobian(&o);
        assert!(ok_or_unresolvable(&report), "{o:?}\n{report}");
    }
    // f32: the smooth chain and softmax.
    for _ in 0..50 {
        let acts: Vec<Activation> = (0..3)
            .map(|_| Activation::SMOOTH[r.random_range(0..4)])
            .collect();
        let w: Vec<f32> = (0..3).map(|_| normal(&mut r) as f32).collect();
        let (x_in, y_gt) = (normal(&mut r) as f32, normal(&mut r) as f32);
        let case = ChainCase { acts, x_in, y_gt };
        let report = check_gradient(&case.f(), &case.grad(), &w, &CheckConfig::default()).unwrap();
        assert_eq!(
            report.verdict(),
            Verdict::Pass,
            "{:?} {w:?}\n{report}",
            case.acts
        );
        let o: Vec<f32> = (0..4).map(|_| r.random_range(-5.0..5.0)).collect();
        let report = check_jacobian(
            &|o: &[f32]| softmax_unchecked(o),
            &|o: &[f32]| softmax_jacobian(o).unwrap(),
            &o,
            &CheckConfig::default(),
        )
        .unwrap();
        assert!(ok_or_unresolvable(&report), "{o:?}\n{report}");
    }
}

// ---------------------------------------------------------------- detection

fn chain_tanh() -> ChainCase {
    ChainCase {
        acts: vec![Activation::Tanh, Activation::Sigmoid, Activation::Tanh],
        x_in: 0.9,
        y_gt: -0.4,
    }
}

#[test]
fn sign_flip_in_one_coordinate_is_caught_and_named() {
    let case = chain_tanh();
    let g = case.grad();
    let bad = |w: &[f64]| {
        let mut v = g(w);
        v[1] = -v[1];
        v
    };
    let report =
        check_gradient(&case.f(), &bad, &[0.7, -1.2, 0.8], &CheckConfig::default()).unwrap();
    assert_eq!(report.verdict(), Verdict::Fail);
    assert_eq!(report.failures().len(), 1);
    assert_eq!(report.failures()[0].input, 1);
    assert!(
        report.diagnosis().unwrap().contains("sign flipped"),
        "{report}"
    );
}

#[test]
fn missing_activation_derivative_and_wrong_residual_sign_are_caught() {
    let case = chain_tanh();
    let (x_in, y_gt) = (case.x_in, case.y_gt);
    let acts = case.acts.clone();
    // dL/dW_out without f3'(s_out).
    let no_f3prime = move |w: &[f64]| {
        let net = gradient_oracle::ChainNetwork::new(w.to_vec(), acts.clone()).unwrap();
        let fwd = net.forward(x_in, y_gt).unwrap();
        let mut g = net.backward(&fwd).unwrap().grad_weights;
        g[2] = (fwd.y_out - y_gt) * fwd.z[2];
        g
    };
    let grad = case.grad();
    let flipped_residual = |w: &[f64]| grad(w).iter().map(|v| -v).collect::<Vec<_>>();
    let mut r = rng(5);
    for _ in 0..20 {
        let w: Vec<f64> = (0..3).map(|_| normal(&mut r)).collect();
        assert_eq!(verdict(&case.f(), &no_f3prime, &w), Verdict::Fail, "{w:?}");
        let rep =
            check_gradient(&case.f(), &flipped_residual, &w, &CheckConfig::default()).unwrap();
        assert_eq!(rep.verdict(), Verdict::Fail);
        assert!(rep.diagnosis().unwrap().contains("sign flipped"), "{rep}");
    }
}

// relu' = 1 everywhere, a missing tanh', mean for sum...: see tests/mutations.rs.

#[test]
fn softmax_diagonal_bug_and_transposed_jacobian_are_caught() {
    let o = [0.2, -1.0, 0.7, 1.5];
    let bad_diag = |o: &[f64]| {
        let p = softmax_unchecked(o);
        DMatrix::from_fn(
            p.len(),
            p.len(),
            |i, j| if i == j { p[i] } else { -p[i] * p[j] },
        )
    };
    let rep = check_jacobian(
        &|o: &[f64]| softmax_unchecked(o),
        &bad_diag,
        &o,
        &CheckConfig::default(),
    )
    .unwrap();
    assert_eq!(rep.verdict(), Verdict::Fail);
    assert_eq!(rep.failures().len(), 4, "only the diagonal is wrong\n{rep}");
    // A non-symmetric Jacobian, transposed.
    let f = |x: &[f64]| vec![x[0] * x[1], x[0].sin() + x[1].powi(3), x[2] * x[0]];
    let jac = |x: &[f64]| {
        DMatrix::from_row_slice(
            3,
            3,
            &[
                x[1],
                x[0],
                0.0,
                x[0].cos(),
                3.0 * x[1] * x[1],
                0.0,
                x[2],
                0.0,
                x[0],
            ],
        )
    };
    let x = [0.5, -1.3, 2.0];
    assert_eq!(
        check_jacobian(&f, &jac, &x, &CheckConfig::default())
            .unwrap()
            .verdict(),
        Verdict::Pass
    );
    let transposed = |x: &[f64]| jac(x).transpose();
    let rep = check_jacobian(&f, &transposed, &x, &CheckConfig::default()).unwrap();
    assert_eq!(rep.verdict(), Verdict::Fail);
    assert!(rep.diagnosis().unwrap().contains("transposed"), "{rep}");
}

#[test]
fn swapped_coordinates_are_caught_and_named() {
    let case = chain_tanh();
    let g = case.grad();
    let swapped = |w: &[f64]| {
        let mut v = g(w);
        v.swap(0, 2);
        v
    };
    let rep = check_gradient(
        &case.f(),
        &swapped,
        &[0.7, -1.2, 0.8],
        &CheckConfig::default(),
    )
    .unwrap();
    assert_eq!(rep.verdict(), Verdict::Fail);
    assert!(rep.diagnosis().unwrap().contains("swapped"), "{rep}");
}

#[test]
fn scaled_gradients_are_caught() {
    let mut r = rng(7);
    for factor in [1.001, 1.0 + 1e-6, 2.0, 0.5] {
        for _ in 0..20 {
            let case = chain_tanh();
            let g = case.grad();
            let scaled = |w: &[f64]| g(w).iter().map(|v| v * factor).collect::<Vec<_>>();
            let w: Vec<f64> = (0..3).map(|_| normal(&mut r)).collect();
            let rep = check_gradient(&case.f(), &scaled, &w, &CheckConfig::default()).unwrap();
            assert_eq!(
                rep.verdict(),
                Verdict::Fail,
                "factor {factor} at {w:?}\n{rep}"
            );
            let o: Vec<f64> = (0..10).map(|_| 2.0 * normal(&mut r)).collect();
            let hg = hinge_grad(3, 1.0);
            let scaled = |o: &[f64]| hg(o).iter().map(|v| v * factor).collect::<Vec<_>>();
            let rep =
                check_gradient(&hinge_f(3, 1.0), &scaled, &o, &CheckConfig::default()).unwrap();
            assert_eq!(
                rep.verdict(),
                Verdict::Fail,
                "factor {factor} at {o:?}\n{rep}"
            );
        }
    }
    let case = chain_tanh();
    let g = case.grad();
    let doubled = |w: &[f64]| g(w).iter().map(|v| v * 2.0).collect::<Vec<_>>();
    let rep = check_gradient(
        &case.f(),
        &doubled,
        &[0.7, -1.2, 0.8],
        &CheckConfig::default(),
    )
    .unwrap();
    assert!(
        rep.diagnosis().unwrap().contains("analytic = 2 x numeric"),
        "{rep}"
    );
}

#[test]
fn a_tiny_entry_wrong_by_two_is_caught() {
    let f = |x: &[f64]| x[0].sin() + 1e-8 * x[1] + x[2] * x[2];
    let right = |x: &[f64]| vec![x[0].cos(), 1e-8, 2.0 * x[2]];
    let wrong = |x: &[f64]| vec![x[0].cos(), 2e-8, 2.0 * x[2]];
    let x = [0.3, 1.7, -0.4];
    assert_eq!(verdict(&f, &right, &x), Verdict::Pass);
    let rep = check_gradient(&f, &wrong, &x, &CheckConfig::default()).unwrap();
    assert_eq!(rep.verdict(), Verdict::Fail, "{rep}");
    assert_eq!(rep.failures()[0].input, 1);
}

#[test]
fn a_zero_entry_claimed_nonzero_is_diagnosed() {
    let f = |x: &[f64]| x[0] * x[0];
    let wrong = |x: &[f64]| vec![2.0 * x[0], 0.5];
    let rep = check_gradient(&f, &wrong, &[1.0, 2.0], &CheckConfig::default()).unwrap();
    assert!(rep.diagnosis().unwrap().contains("should be zero"), "{rep}");
}

/// A gradient scaled by 1 + 1e-6 is named by its offset, not as "1 x".
#[test]
fn a_gradient_scaled_by_one_plus_1e_6_is_named_by_its_offset() {
    let f = |x: &[f64]| x[0] * x[0] + x[0].sin() * x[1];
    let scaled = |x: &[f64]| {
        vec![
            (2.0 * x[0] + x[0].cos() * x[1]) * (1.0 + 1e-6),
            x[0].sin() * (1.0 + 1e-6),
        ]
    };
    let rep = check_gradient(&f, &scaled, &[1.3, -0.6], &CheckConfig::default()).unwrap();
    assert_eq!(rep.verdict(), Verdict::Fail, "{rep}");
    let diagnosis = rep.diagnosis().unwrap();
    assert!(
        diagnosis.contains("analytic = (1 + 1.0e-6) x numeric"),
        "{rep}"
    );
}

/// Where the tolerance is of the size of the values (sqrt at 0: the slopes
/// blow up), a claim of 0 is neither "sign flipped" nor "should be zero".
/// (f is NaN left of 0 at every step: a domain boundary at x, which the
/// checker reports as inconclusive, not ok.)
#[test]
fn a_claim_of_zero_under_a_blown_up_slope_gets_no_false_diagnosis() {
    let f = |x: &[f64]| x[0].sqrt();
    let zero = |_: &[f64]| vec![0.0];
    let rep = check_gradient(&f, &zero, &[0.0], &CheckConfig::default()).unwrap();
    assert_eq!(rep.verdict(), Verdict::Inconclusive, "{rep}");
    assert_eq!(rep.diagnosis(), None, "{rep}");
}

// ----------------------------------------------------------------- methods

#[test]
fn ridders_method_and_fast_mode_agree_with_auto() {
    let case = chain_tanh();
    let w = [0.7, -1.2, 0.8];
    let cfg = CheckConfig::default().with_method(Method::Ridders);
    let rep = check_gradient(&case.f(), &case.grad(), &w, &cfg).unwrap();
    assert_eq!(rep.verdict(), Verdict::Pass, "{rep}");
    let fast = CheckConfig::default().directional(2);
    let rep = check_gradient(&case.f(), &case.grad(), &w, &fast).unwrap();
    assert_eq!(rep.verdict(), Verdict::Pass);
    assert!(rep.entries().is_empty());
    // f(x), then per direction f(x +- h v), and f(x +- 2h v): the chain's
    // curvature makes a gap that a straddled kink could also make.
    assert_eq!(rep.evaluations(), 9, "2 directions x 4 evaluations + f(x)");
    // When a direction fails, the per-coordinate fallback names the culprit.
    let g = case.grad();
    let bad = |w: &[f64]| {
        let mut v = g(w);
        v[2] *= 1.01;
        v
    };
    let rep = check_gradient(&case.f(), &bad, &w, &fast).unwrap();
    assert_eq!(rep.verdict(), Verdict::Fail);
    assert!(rep.directional().unwrap().failed > 0);
    assert_eq!(rep.failures()[0].input, 2);
}

#[test]
fn user_tolerances_override_the_derived_ones() {
    let case = chain_tanh();
    let g = case.grad();
    let scaled = |w: &[f64]| g(w).iter().map(|v| v * 1.001).collect::<Vec<_>>();
    let w = [0.7, -1.2, 0.8];
    let loose = CheckConfig::default().with_rtol(1e-2);
    assert_eq!(
        check_gradient(&case.f(), &scaled, &w, &loose)
            .unwrap()
            .verdict(),
        Verdict::Pass
    );
    let tight = CheckConfig::default().with_rtol(1e-5).with_atol(0.0);
    assert_eq!(
        check_gradient(&case.f(), &scaled, &w, &tight)
            .unwrap()
            .verdict(),
        Verdict::Fail
    );
}

#[test]
fn the_default_run_costs_two_evaluations_per_coordinate_when_sure() {
    let case = chain_tanh();
    let rep = check_gradient(
        &case.f(),
        &case.grad(),
        &[0.7, -1.2, 0.8],
        &CheckConfig::default(),
    )
    .unwrap();
    // f(x), then f(x + h), f(x - 0.618 h) per coordinate (the two-point look).
    assert_eq!(rep.evaluations(), 1 + 2 * 3, "{rep}");
    assert!(
        rep.entries()
            .iter()
            .all(|e| e.evidence == Evidence::TwoPoint),
        "{rep}"
    );
}

#[test]
fn the_report_table_shows_the_evidence() {
    let case = chain_tanh();
    let g = case.grad();
    let bad = |w: &[f64]| {
        let mut v = g(w);
        v[0] = -v[0];
        v
    };
    let text = check_gradient(&case.f(), &bad, &[0.7, -1.2, 0.8], &CheckConfig::default())
        .unwrap()
        .to_string();
    for needle in [
        "FAIL",
        "analytic",
        "numeric",
        "left",
        "right",
        "abs err",
        "rel err",
        "tol",
        "diagnosis",
    ] {
        assert!(text.contains(needle), "missing {needle}:\n{text}");
    }
}

// ------------------------------------------------------------------ errors

#[test]
fn invalid_input_is_an_error_not_a_verdict() {
    let f = |x: &[f64]| x.iter().sum::<f64>();
    let g = |x: &[f64]| vec![1.0; x.len()];
    let cfg = CheckConfig::default();
    assert!(matches!(
        check_gradient(&f, &g, &[], &cfg),
        Err(OracleError::Empty { .. })
    ));
    assert!(matches!(
        check_gradient(&f, &g, &[1.0, f64::NAN], &cfg),
        Err(OracleError::NonFinite { index: 1, .. })
    ));
    let short = |_: &[f64]| vec![1.0];
    assert!(matches!(
        check_gradient(&f, &short, &[1.0, 2.0], &cfg),
        Err(OracleError::ShapeMismatch { .. })
    ));
    let log = |x: &[f64]| x[0].ln();
    assert!(matches!(
        check_gradient(&log, &g, &[0.0], &cfg),
        Err(OracleError::FunctionNotFinite { .. })
    ));
    let vf = |x: &[f64]| vec![x[0], x[0]];
    let wrong_shape = |_: &[f64]| DMatrix::zeros(1, 1);
    assert!(matches!(
        check_jacobian(&vf, &wrong_shape, &[1.0], &cfg),
        Err(OracleError::ShapeMismatch { .. })
    ));
    let empty = |_: &[f64]| Vec::<f64>::new();
    assert!(matches!(
        check_jacobian(&empty, &wrong_shape, &[1.0], &cfg),
        Err(OracleError::Empty { .. })
    ));
    for bad in [
        CheckConfig::default().with_atol(-1.0),
        CheckConfig::default().with_rtol(f64::NAN),
        CheckConfig::default().directional(0),
    ] {
        assert!(matches!(
            check_gradient(&f, &g, &[1.0], &bad),
            Err(OracleError::InvalidParameter { .. })
        ));
    }
    // A NaN analytic value is a wrong gradient, not invalid input.
    let nan = |_: &[f64]| vec![f64::NAN];
    assert_eq!(
        check_gradient(&f, &nan, &[1.0], &cfg).unwrap().verdict(),
        Verdict::Fail
    );
}

#[test]
#[cfg(feature = "parallel")]
fn the_parallel_check_gives_the_same_report_for_any_thread_count() {
    use gradient_oracle::check_gradient_parallel;
    let mut r = rng(9);
    let (case, p) = random_mlp(&mut r, 16, 2, 40);
    let g = case.grad();
    let bad = |q: &[f64]| {
        let mut v = g(q);
        v[7] *= 1.01;
        v
    };
    let sequential = check_gradient(&case.f(), &bad, &p, &CheckConfig::default()).unwrap();
    for threads in [1, 2, 3] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        let parallel = pool.install(|| {
            check_gradient_parallel(&case.f(), &bad, &p, &CheckConfig::default()).unwrap()
        });
        assert_eq!(parallel, sequential, "{threads} threads");
    }
    assert_eq!(sequential.failures()[0].input, 7);
}

/// Found by `prop_chain_gradient_passes_the_checker`: the loss
/// $\tfrac12 (y_{out} - y)^2$ with $y_{out} - y \approx 6\cdot10^{-3}$ carries the
/// rounding of $y_{out}$, a relative $10^{-14}$ of $f$ rather than
/// $\varepsilon$, and a correct gradient of size 1e-7 failed against the
/// rounding model. The measured noise (ECnoise) accounts for it.
#[test]
fn a_loss_that_cancels_digits_inside_does_not_fail_a_correct_gradient() {
    use Activation::*;
    let layers = [
        (-0.9054587578832298, Identity),
        (0.3549210631560575, Identity),
        (-1.6437692906034373, Sigmoid),
        (-0.9804328290551441, LeakyRelu),
        (1.7010692489028565, LeakyRelu),
        (0.7155376254074028, Tanh),
        (0.4613968344808988, Softplus),
    ];
    let (case, w) = ChainCase::from_layers(&layers, 1.9235848823805777, 0.6871738832350571);
    // The same gradient 1e-4 off in one coordinate is still caught.
    case.assert_passes_and_catches(&w, &[(1, 1.0 + 1e-4)]);
}

/// An f32 chain whose residual cancels to 4e-5 on an output of 0.57 (found by
/// a soak of the f32 property): every flip of the output's last bit moves the
/// loss by 1.5e-3 of itself, and the analytic gradient, computed in f32 by the
/// same forward pass, carries that rounding at x (1.2e-3 off the exact one,
/// measured here against the f64 computation). The checker measures the noise
/// (ECnoise finds it between a step too large and one too small) and allows
/// the claim its own rounding; the largest entry 1 % off, or the next 2 %
/// off, still fails (the finite differences' own resolution here is 0.6 %).
#[test]
fn an_f32_loss_whose_residual_cancels_allows_the_claim_its_own_rounding() {
    use Activation::*;
    let w: Vec<f32> = vec![-0.7876632, -1.0501285, -1.0132302, 1.8334912, 0.3686878];
    let case = ChainCase {
        acts: vec![Softplus, Identity, Sigmoid, Sigmoid, Sigmoid],
        x_in: 1.0834032f32,
        y_gt: 0.56854755f32,
    };
    // Why: the claim itself is off, by its own rounding.
    let w64: Vec<f64> = w.iter().map(|v| f64::from(*v)).collect();
    let exact = gradient_oracle::ChainNetwork::new(w64, case.acts.clone())
        .unwrap()
        .loss_and_gradient(f64::from(case.x_in), f64::from(case.y_gt))
        .unwrap()
        .1;
    let claim = case.grad()(&w);
    let off = (f64::from(claim[4]) - exact[4]).abs() / exact[4].abs();
    assert!(off > 1e-3, "the f32 claim is {off:e} off the exact value");
    case.assert_passes_and_catches(&w, &[(4, 1.01), (3, 1.02), (4, 2.0), (4, -1.0)]);
}

/// The chain whose noise aliased with ECnoise's step (see
/// `noise_that_aliases_with_one_step_is_seen_at_the_other`): unmeasured, the
/// noise left the shrunk steps' tolerance at 5e-14 while their central
/// difference strayed 1.15e-13 (4e-6 of the entry) from the exact value. A
/// claim 1e-4 off still fails.
#[test]
fn a_chain_whose_noise_aliased_with_the_noise_step_passes() {
    use Activation::*;
    let layers = [
        (0.12171178321345023, Softplus),
        (1.766425760767696, Sigmoid),
        (-0.35943596644767817, Identity),
        (0.10428532968121784, Identity),
        (-0.09330712767589412, Tanh),
        (0.5689652494420399, Identity),
        (-0.051726565588803654, Softplus),
    ];
    let (case, w) = ChainCase::from_layers(&layers, -1.2634386023160111, 0.6883939266785938);
    case.assert_passes_and_catches(&w, &[(1, 1.0 + 1e-4)]);
}

/// Noise far above the rounding model (1e-13 on values of size 1, about 300
/// times their rounding, within the measured noise's cap of $2^{10}\varepsilon\nu$):
/// the correct gradient passes, one wrong by 1e-4 fails.
#[test]
fn a_noisy_function_is_judged_by_its_measured_noise() {
    let noise = |t: f64| {
        let z = (t.to_bits() ^ 0x5555_5555_5555_5555).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        (z >> 11) as f64 / (1u64 << 52) as f64 - 1.0
    };
    let f = |x: &[f64]| x[0].sin() + x[1] * x[0] + 1e-13 * noise(x[0] - 7.0 * x[1]);
    let right = |x: &[f64]| vec![x[0].cos() + x[1], x[0]];
    let wrong = |x: &[f64]| vec![(x[0].cos() + x[1]) * (1.0 + 1e-4), x[0]];
    let x = [0.3, 1.1];
    let report = check_gradient(&f, &right, &x, &CheckConfig::default()).unwrap();
    assert_eq!(report.verdict(), Verdict::Pass, "{report}");
    let report = check_gradient(&f, &wrong, &x, &CheckConfig::default()).unwrap();
    assert_eq!(report.verdict(), Verdict::Fail, "{report}");
}

/// Found by `prop_mlp_gradient_passes_the_checker` (hidden unit 0 exactly at
/// its kink on sample 0). The first was a false failure before the measured
/// noise and the wide stencil. The second (found by a soak) failed coordinate 1,
/// along which other samples' kinks lie near x: the kink analysis' level taken
/// for resolved still straddled one; the next level's central difference,
/// free of it, agrees (a Fail by the shrunk step needs both against the claim).
/// The third (a 200 000-case soak) has a kink of jump 1.5e-7 under curvature
/// 0.6 along coordinate 2, where f'' jumps too: the wide stencil saw the kink,
/// but its curvature correction, shifted by the jump of f'' (an odd t|t| term
/// central stencils do see), put the right slope 9e-10 past the claim; that
/// shift is now in the tolerance.
#[rstest]
#[case(4, 10, 9, 15468256353986169624)]
#[case(4, 4, 15, 2698936680078373716)]
#[case(3, 13, 5, 17049465792292492485)]
fn an_mlp_point_once_misread_as_a_failure_is_not_one(
    #[case] d: usize,
    #[case] h: usize,
    #[case] n: usize,
    #[case] seed: u64,
) {
    let (case, p) = mlp_at_a_kink(seed, n, d, h);
    let report = check_gradient(&case.f(), &case.grad(), &p, &CheckConfig::default()).unwrap();
    assert!(report.verdict().is_ok(), "{report}");
}

/// Found by `prop_mlp_gradient_passes_the_checker` (d = 4, h = 26, n = 12,
/// hidden unit 0 exactly at its kink on sample 0): the claim is the
/// one-sided derivative along coordinates 0 to 3, a kink. It read
/// Inconclusive with a resolution of 1.4e-2: the noise measured along a
/// segment that crossed the other samples' kinks (a ReLU network's weights
/// meet kinks everywhere at a step of 1e-4) was taken for f's own rounding,
/// 1.3e-6 on a loss of 4 (the fine reading: 4.6e-16), and its bars passed
/// the entries at 11 % of their size. Kinks shrink with the step, noise
/// does not: the slopes' own error bars decide, and the entries are kinks
/// with the claim between one-sided slopes 0.3 % to 40 % apart.
#[test]
fn kinks_along_the_noise_segment_are_not_read_as_noise() {
    let (d, h, n, seed) = (4, 26, 12, 5394294233609664738);
    let (case, p) = mlp_at_a_kink(seed, n, d, h);
    let report = check_gradient(&case.f(), &case.grad(), &p, &CheckConfig::default()).unwrap();
    assert_eq!(report.verdict(), Verdict::Kink, "{report}");
    assert!(report.resolution() < 1e-3, "{report}");
    for e in report.entries().iter().filter(|e| e.input < d) {
        assert_eq!(e.outcome, Verdict::Kink, "{report}");
        // The claim is one of the one-sided slopes, to their rounding.
        let nearest = (e.analytic - e.left)
            .abs()
            .min((e.analytic - e.right).abs());
        assert!(nearest <= 1e-5 * e.analytic.abs(), "{report}");
        assert!(
            (e.left - e.right).abs() > 1e-3 * e.analytic.abs(),
            "{report}"
        );
    }
}

/// Found by `prop_f32_smooth_models_pass_the_checker`: an f32 softmax of
/// logits 97 apart has Jacobian entries of 5e-43, subnormal, which its finite
/// differences cannot resolve (they read 0). The absolute floor of the
/// smallest normal number keeps that from being a failure, and the
/// resolution it reaches keeps it from being a Pass: Inconclusive, saying
/// why; a wrong entry of normal size still fails.
#[test]
fn subnormal_jacobian_entries_in_f32_are_not_failures() {
    let o = [-49.92053f32, 47.413723];
    let report = check_jacobian(
        &|o: &[f32]| softmax_unchecked(o),
        &|o: &[f32]| softmax_jacobian(o).unwrap(),
        &o,
        &CheckConfig::default(),
    )
    .unwrap();
    assert_eq!(report.verdict(), Verdict::Inconclusive, "{report}");
    assert!(ok_or_unresolvable(&report), "{report}");
    let wrong = |o: &[f32]| {
        let mut j = softmax_jacobian(o).unwrap();
        j[(0, 0)] = 1e-30;
        j
    };
    let report = check_jacobian(
        &|o: &[f32]| softmax_unchecked(o),
        &wrong,
        &o,
        &CheckConfig::default(),
    )
    .unwrap();
    assert_eq!(report.verdict(), Verdict::Fail, "{report}");
}

/// Found by the at-margin hinge property with logits in ±10: three other terms
/// sit within 4e-7 of their margins, and ECnoise, whose samples cross those
/// kinks, read them as noise of 7.8e-11 (3.5e5 times the rounding), which hid
/// a kink of jump 5.6e-4 and failed a correct gradient. The measured noise is
/// capped at $2^{10}\varepsilon\nu$.
#[test]
fn a_noise_estimate_spoiled_by_nearby_kinks_does_not_hide_a_kink() {
    let raw = [
        -21.21004680192013,
        0.0,
        0.0,
        0.0,
        0.0,
        0.0,
        0.0,
        0.0,
        0.0,
        0.0,
        0.0,
        -22.66717287368935,
        47.712233250993826,
        0.0,
        0.0,
        0.0,
        0.0,
        0.0,
        -44.063560172516866,
        0.0,
        0.0,
        0.0,
        0.0,
        -40.046524331311275,
        0.0,
        0.0,
        0.0,
        0.0,
        35.803601180628014,
        0.0,
        0.0,
        0.0,
        0.0,
        0.0,
        0.0,
        0.0,
        29.113257192388104,
        -41.679774938818504,
        47.21248590891796f64,
    ];
    // As the property builds them: sorted ranks, scaled, 0.01 apart.
    let mut order: Vec<usize> = (0..raw.len()).collect();
    order.sort_by(|&a, &b| raw[a].total_cmp(&raw[b]));
    let mut o = raw.to_vec();
    for (rank, &i) in order.iter().enumerate() {
        o[i] = raw[i] / 5.0 + 0.01 * rank as f64;
    }
    let label = 36;
    let p = softmax(&o).unwrap();
    let margin = p[label] - p[label + 1];
    let f = hinge_f(label, margin);
    let g = hinge_grad(label, margin);
    let report = check_gradient(&f, &g, &o, &CheckConfig::default()).unwrap();
    assert!(report.verdict().is_ok(), "{report}");
}

/// A hinge term 9e-13 short of its margin puts a kink 1.26e-6 from x along
/// logit 4, just inside the kink analysis' level-1 step (1.5e-6). The slopes'
/// gap shrank from 6.8e-7 to 1.2e-7 there (under the resolving ratio 0.3), so
/// level 1 was taken for resolved while its central difference still straddled
/// the kink (off by 5.9e-8, tolerance 3.2e-8): a false failure. A Fail by the
/// shrunk step now needs the next level's central difference, free of the
/// kink, to disagree too.
#[test]
fn a_kink_just_inside_a_shrunk_step_is_not_a_failure() {
    let o = [
        -1.6009197997150473,
        4.771871540227476,
        -1.5718939926832487,
        -0.7636310593784721,
        2.4734296476532727,
        4.901453653085044,
        5.649538323871969,
        3.158040448511187,
        -1.4578028765501259,
        2.820329283128441,
        8.222083861035351,
        -9.07428582983223,
        4.352155195708747,
        -4.557258307852887,
        -3.6288955768079045,
        9.000298204042366,
        4.786603617948479,
        4.6718117740211085,
        -4.730664084551277,
        0.6737355957929747,
        1.3527643642900458,
        4.2540133095961075,
        4.743748505334482,
        -8.487138837506873,
        -6.878378866127779,
        -6.577796300247827,
        8.573564310468488,
        6.287495224914963,
        0.5767443877572873,
        -8.832129361269665,
        2.0668408342001285,
        9.664310412279509,
        6.701459427731322,
        -7.065249132503482,
    ];
    let (label, margin) = (12, 0.0021986781633068406);
    // Term 13 sits 9.3e-13 short of its margin: a kink near x, not at it.
    let p = softmax(&o).unwrap();
    let gap = margin + p[13] - p[label];
    assert!(gap < 0.0 && gap > -1e-12, "{gap}");
    let report = check_hinge(&o, label, margin);
    assert!(report.verdict().is_ok(), "{report}");
    // One percent low (1.9e-7 off, over the next level's tolerance 4.8e-8, and below
    // both one-sided slopes) still fails.
    let wrong = |o: &[f64]| {
        let mut g = hinge_grad(label, margin)(o);
        g[4] *= 0.99;
        g
    };
    let report =
        check_gradient(&hinge_f(label, margin), &wrong, &o, &CheckConfig::default()).unwrap();
    assert_eq!(report.verdict(), Verdict::Fail, "{report}");
}

/// Hinge terms within 1e-12 of their margins, logits spread over ±10 and ±20:
/// the kink lies up to about 1e-6 from x along a logit, between the kink
/// analysis' steps. Before the rule that a Fail by the shrunk step needs the
/// next level to disagree too, 145 of 5000 such points at ±10 failed.
#[rstest]
#[case(10.0, 1)]
#[case(20.0, 2)]
fn hinge_terms_within_1e_12_of_their_margins_do_not_fail(#[case] spread: f64, #[case] seed: u64) {
    let mut r = rng(seed);
    let (mut checked, mut unsure) = (0, 0);
    while checked < 300 {
        let k = r.random_range(2..40);
        let o: Vec<f64> = (0..k).map(|_| r.random_range(-spread..spread)).collect();
        let label = r.random_range(0..k);
        let p = softmax(&o).unwrap();
        let margin = p[label] - p[(label + 1) % k] + r.random_range(-1e-12..1e-12);
        if margin < 0.0 {
            continue;
        }
        checked += 1;
        let report = check_hinge(&o, label, margin);
        assert_ne!(
            report.verdict(),
            Verdict::Fail,
            "{o:?} {label} {margin}\n{report}"
        );
        // (An inconclusive for a resolution coarser than max_resolution is
        // the honest answer for entries of 1e-20 beside a loss of 1; only the
        // evidence contradicting itself is counted.)
        if report.verdict() == Verdict::Inconclusive && !ok_or_unresolvable(&report) {
            unsure += 1;
        }
    }
    // Where kinks crowd (another within the wide steps, a third between the
    // small ones), the one-sided limits can hold the claim while the central
    // difference does not: the evidence contradicts itself, and says so.
    assert!(unsure <= 3, "{unsure} of 300 inconclusive");
}

/// Confident classifiers: logits spread over ±1 to ±300, half of them with one
/// logit 20 to 60 above the rest (p of the others down to 1e-26), under hinges
/// of margin 1, 0.5 and 0.1, and the softmax Jacobian at the same logits.
#[test]
fn saturated_softmax_and_hinge_do_not_fail() {
    let mut r = rng(3);
    for _ in 0..300 {
        let k = r.random_range(2..12);
        let spread = [1.0, 10.0, 50.0, 300.0][r.random_range(0..4)];
        let mut o: Vec<f64> = (0..k).map(|_| r.random_range(-spread..spread)).collect();
        if r.random::<bool>() {
            let j = r.random_range(0..k);
            o[j] += r.random_range(20.0..60.0);
        }
        let jacobian = check_softmax_jacobian(&o);
        assert!(ok_or_unresolvable(&jacobian), "{o:?}\n{jacobian}");
        let label = r.random_range(0..k);
        let margin = [1.0, 0.5, 0.1][r.random_range(0..3)];
        let report = check_hinge(&o, label, margin);
        assert!(
            ok_or_unresolvable(&report),
            "{o:?} {label} {margin}\n{report}"
        );
    }
}

/// Found by a soak of `prop_chain_gradient_passes_the_checker`: a leaky ReLU
/// exactly at its kink (W_3 = 0) under a loss whose residual is 3.75e-4 on an
/// output of 0.5. Each flip of the output's last bit moves the loss by 2e-20,
/// 1300 times its own rounding and twice what its measured noise allowed, so
/// the left slope at the smallest step strayed by 3.8e-11 (tolerance 3.5e-11)
/// and the value 0.01 times the right slope failed. The kink stands at every
/// level; the best-resolved level's slopes decide too.
#[test]
fn a_kink_under_a_loss_that_loses_digits_is_judged_at_its_best_level() {
    let case = ChainCase {
        acts: vec![
            Activation::Tanh,
            Activation::Sigmoid,
            Activation::LeakyRelu,
            Activation::Tanh,
            Activation::Sigmoid,
        ],
        x_in: 0.0,
        y_gt: 0.5003753662504346,
    };
    let w = [0.0, 0.0, 0.0, -1.6858049396436943, 0.10409722018557044];
    let report = check_gradient(&case.f(), &case.grad(), &w, &CheckConfig::default()).unwrap();
    assert!(report.verdict().is_ok(), "{report}");
    // A value 1 % below the leaky side (outside the one-sided slopes) still fails.
    let wrong = |w: &[f64]| {
        let mut g = case.grad()(w);
        g[2] *= 0.99;
        g
    };
    let report = check_gradient(&case.f(), &wrong, &w, &CheckConfig::default()).unwrap();
    assert_eq!(report.verdict(), Verdict::Fail, "{report}");
}

/// The point is taken as users hold it: slice, Vec, array, nalgebra vector.
#[test]
fn points_are_taken_as_slices_vecs_arrays_and_dvectors() {
    use gradient_oracle::nalgebra::DVector;
    let cfg = CheckConfig::default();
    let f = |x: &[f64]| x[0].sin() * x[1];
    let g = |x: &[f64]| vec![x[0].cos() * x[1], x[0].sin()];
    let array = [0.3, 2.0];
    let vec = array.to_vec();
    let dvector = DVector::from_vec(vec.clone());
    let reports = [
        check_gradient(&f, &g, &array, &cfg).unwrap(),
        check_gradient(&f, &g, &vec, &cfg).unwrap(),
        check_gradient(&f, &g, &vec[..], &cfg).unwrap(),
        check_gradient(&f, &g, &dvector, &cfg).unwrap(),
    ];
    for r in &reports {
        assert_eq!(r.verdict(), Verdict::Pass, "{r}");
        assert_eq!(r.entries(), reports[0].entries());
    }
    let wrong = |x: &[f64]| vec![x[0].cos() * x[1], 2.0 * x[0].sin()];
    assert_eq!(
        check_gradient(&f, &wrong, &dvector, &cfg)
            .unwrap()
            .verdict(),
        Verdict::Fail
    );
}
