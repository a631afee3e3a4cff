//! The burn adapter: a custom op with a hand-written backward (the
//! example's), burn's own autograd on the same layer, seeded bugs named by
//! tensor and index, and bad input.
#![cfg(feature = "burn")]

#[path = "../examples/burn_custom_op.rs"]
#[allow(dead_code)]
mod example;

use burn::module::Module;
use burn::tensor::Tensor;
use burn::tensor::backend::AutodiffBackend;
use example::{Ad, Ad32, Bug, Layer, NAMES, SLOPE, batch, check_layer, layer, layer_loss};
use gradient_oracle::adapters::burn::{check_burn, check_burn_module};
use gradient_oracle::{CheckConfig, OracleError, Verdict};

/// burn's gradient of `loss` at the example layer, flat (weight, then bias).
fn burn_gradient(loss: impl Fn(&Layer<Ad>) -> Tensor<Ad, 1>) -> Vec<f64> {
    let l = layer::<Ad>();
    let grads = loss(&l).backward();
    let w = l.fc.weight.val().grad(&grads).unwrap().into_data();
    let b =
        l.fc.bias
            .as_ref()
            .unwrap()
            .val()
            .grad(&grads)
            .unwrap()
            .into_data();
    w.iter::<f64>().chain(b.iter::<f64>()).collect()
}

/// The same layer from burn's built-in ops.
fn builtin_loss<B: AutodiffBackend>(l: &Layer<B>) -> Tensor<B, 1> {
    let z = l.fc.forward(batch());
    let negative = z.clone().lower_equal_elem(0.0);
    z.clone()
        .mask_where(negative, z * SLOPE)
        .powf_scalar(2.0)
        .sum()
}

fn differing_labels(a: &[f64], b: &[f64]) -> Vec<String> {
    a.iter()
        .zip(b)
        .enumerate()
        .filter(|(_, (p, q))| (*p - *q).abs() > 1e-9 * p.abs().max(q.abs()).max(1.0))
        .map(|(i, _)| {
            if i < 9 {
                format!("fc.weight[{}, {}]", i / 3, i % 3)
            } else {
                format!("fc.bias[{}]", i - 9)
            }
        })
        .collect()
}

#[test]
fn the_custom_ops_backward_is_burns_own_autograd_of_the_builtin_layer() {
    let custom = burn_gradient(|l| layer_loss(l, Bug::None));
    let builtin = burn_gradient(builtin_loss);
    assert!(
        differing_labels(&custom, &builtin).is_empty(),
        "{custom:?} vs {builtin:?}"
    );
    let report = check_burn_module(
        &layer::<Ad>(),
        &NAMES,
        builtin_loss,
        &CheckConfig::default(),
    )
    .unwrap();
    assert_eq!(report.verdict(), Verdict::Pass, "{report}");
}

#[test]
fn the_custom_layer_as_derived_passes_in_f64_and_f32() {
    let report = check_layer(Bug::None).unwrap();
    assert_eq!(report.verdict(), Verdict::Pass, "{report}");
    assert_eq!(report.precision, "f64");
    assert_eq!(report.layout.len(), 9 + 3);
    let report = check_burn_module(
        &layer::<Ad32>(),
        &NAMES,
        |m| layer_loss(m, Bug::None),
        &CheckConfig::default(),
    )
    .unwrap();
    assert_eq!(report.verdict(), Verdict::Pass, "{report}");
    assert!(
        report.precision.starts_with("f32 throughout"),
        "{}",
        report.precision
    );
}

/// The failing entries are exactly those where the buggy backward differs
/// from the correct one (computed by burn, independently of the check).
#[test]
fn seeded_bugs_fail_and_name_exactly_the_wrong_entries() {
    let right = burn_gradient(|l| layer_loss(l, Bug::None));
    for bug in [Bug::MissingSlope, Bug::TransposedMask] {
        let report = check_layer(bug).unwrap();
        assert_eq!(report.verdict(), Verdict::Fail, "{bug:?}: {report}");
        let wrong = burn_gradient(|l| layer_loss(l, bug));
        let mut expected = differing_labels(&right, &wrong);
        let mut named = report.failing_labels();
        expected.sort();
        named.sort();
        assert!(!expected.is_empty());
        assert_eq!(named, expected, "{bug:?}: {report}");
    }
}

#[test]
fn the_missing_slope_is_caught_in_f32_too() {
    let report = check_burn_module(
        &layer::<Ad32>(),
        &NAMES,
        |m| layer_loss(m, Bug::MissingSlope),
        &CheckConfig::default(),
    )
    .unwrap();
    assert_eq!(report.verdict(), Verdict::Fail, "{report}");
}

#[test]
fn a_closure_of_tensors_is_checked_by_name() {
    let dev = Default::default();
    let w = Tensor::<Ad, 2>::from_floats([[0.3, -0.2], [0.1, 0.4]], &dev);
    let v = Tensor::<Ad, 2>::from_floats([[1.0, 2.0]], &dev);
    let x = Tensor::<Ad, 2>::from_floats([[0.5, -1.0], [2.0, 0.25]], &dev);
    let loss = |p: &[Tensor<Ad, 2>]| {
        x.clone()
            .matmul(p[0].clone())
            .tanh()
            .matmul(p[1].clone().transpose())
            .sum()
    };
    let report = check_burn(loss, &[("w", w), ("v", v)], &CheckConfig::default()).unwrap();
    assert_eq!(report.verdict(), Verdict::Pass, "{report}");
    assert_eq!(report.layout.label(5), "v[0, 1]");
}

#[test]
fn bad_input_is_a_typed_error() {
    let cfg = CheckConfig::default();
    let l = layer::<Ad>();
    let wrong_names =
        check_burn_module(&l, &["only one"], |m| layer_loss(m, Bug::None), &cfg).unwrap_err();
    assert!(
        matches!(wrong_names, OracleError::ShapeMismatch { .. }),
        "{wrong_names}"
    );
    let twice = check_burn_module(&l, &["a", "a"], |m| layer_loss(m, Bug::None), &cfg).unwrap_err();
    assert!(twice.to_string().contains("two tensors"), "{twice}");
    let not_scalar = check_burn_module(
        &l,
        &[],
        |m: &Layer<Ad>| m.fc.forward(batch()).sum_dim(0).reshape([3]),
        &cfg,
    )
    .unwrap_err();
    assert!(
        matches!(not_scalar, OracleError::ShapeMismatch { .. }),
        "{not_scalar}"
    );
    let none: &[(&str, Tensor<Ad, 2>)] = &[];
    assert!(matches!(
        check_burn(|p: &[Tensor<Ad, 2>]| p[0].clone().sum(), none, &cfg),
        Err(OracleError::Empty { .. })
    ));
    // Unnamed parameters are named by visit order.
    let report = check_burn_module(&l, &[], |m| layer_loss(m, Bug::None), &cfg).unwrap();
    assert_eq!(report.layout.label(10), "param1[1]");
    assert_eq!(l.num_params(), 12);
}
