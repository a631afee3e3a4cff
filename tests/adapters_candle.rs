//! The candle adapter: custom ops with hand-written backward passes (the
//! example's), candle's own autograd on the same layer, seeded bugs named by
//! tensor and index, and bad input.
#![cfg(feature = "candle")]

#[path = "../examples/candle_custom_op.rs"]
#[allow(dead_code)]
mod example;

use candle_core::{DType, Device, Tensor};
use example::{Bug, SLOPE, batch, check_layer, custom_layer_loss, weights};
use gradient_oracle::adapters::candle::{check_candle, check_candle_with_data};
use gradient_oracle::{CheckConfig, OracleError, Verdict};

/// candle's gradient of `loss` at (x, w), flat: x's entries then w's.
fn candle_gradient(
    loss: impl Fn(&Tensor, &Tensor) -> candle_core::Result<Tensor>,
    dtype: DType,
) -> Vec<f64> {
    let dev = Device::Cpu;
    let x = candle_core::Var::from_tensor(&batch(&dev, dtype).unwrap()).unwrap();
    let w = candle_core::Var::from_tensor(&weights(&dev, dtype).unwrap()).unwrap();
    let grads = loss(&x, &w).unwrap().backward().unwrap();
    [&x, &w]
        .iter()
        .flat_map(|v| {
            let g = grads.get(v.as_tensor()).unwrap();
            g.flatten_all()
                .unwrap()
                .to_dtype(DType::F64)
                .unwrap()
                .to_vec1::<f64>()
                .unwrap()
        })
        .collect()
}

/// The same layer from candle's built-in ops: its gradient is candle's autograd.
fn builtin_layer(x: &Tensor, w: &Tensor) -> candle_core::Result<Tensor> {
    let y = x.matmul(&w.t()?)?;
    y.maximum(&y.affine(SLOPE, 0.0)?)?.sqr()?.sum_all()
}

/// The labels of the entries where two gradients differ (x is 4 x 3, w 3 x 3).
fn differing_labels(a: &[f64], b: &[f64]) -> Vec<String> {
    a.iter()
        .zip(b)
        .enumerate()
        .filter(|(_, (p, q))| (*p - *q).abs() > 1e-9 * p.abs().max(q.abs()).max(1.0))
        .map(|(i, _)| {
            if i < 12 {
                format!("x[{}, {}]", i / 3, i % 3)
            } else {
                format!("w[{}, {}]", (i - 12) / 3, (i - 12) % 3)
            }
        })
        .collect()
}

#[test]
fn the_custom_ops_backward_is_candles_own_autograd_of_the_builtin_layer() {
    let custom = candle_gradient(
        |x, w| custom_layer_loss(x, w, Bug::None, Bug::None),
        DType::F64,
    );
    let builtin = candle_gradient(builtin_layer, DType::F64);
    assert!(
        differing_labels(&custom, &builtin).is_empty(),
        "{custom:?} vs {builtin:?}"
    );
    // And candle's autograd of the built-in layer passes against finite differences.
    let dev = Device::Cpu;
    let (x, w) = (
        batch(&dev, DType::F64).unwrap(),
        weights(&dev, DType::F64).unwrap(),
    );
    let report = check_candle(
        |p: &[Tensor]| builtin_layer(&p[0], &p[1]),
        &[("x", &x), ("w", &w)],
        &CheckConfig::default(),
    )
    .unwrap();
    assert_eq!(report.verdict(), Verdict::Pass, "{report}");
}

#[test]
fn the_custom_layer_as_derived_passes_in_f64_and_f32() {
    let report = check_layer(DType::F64, Bug::None, Bug::None).unwrap();
    assert_eq!(report.verdict(), Verdict::Pass, "{report}");
    assert_eq!(report.precision, "f64");
    assert_eq!(report.layout.len(), 12 + 9);
    let report = check_layer(DType::F32, Bug::None, Bug::None).unwrap();
    assert_eq!(report.verdict(), Verdict::Pass, "{report}");
    assert!(
        report.precision.contains("evaluated in f64"),
        "{}",
        report.precision
    );
}

/// The failing entries are exactly those where the buggy backward differs
/// from the correct one (computed by candle, independently of the check).
#[test]
fn a_missing_slope_factor_fails_and_names_exactly_the_wrong_entries() {
    for dtype in [DType::F64, DType::F32] {
        let report = check_layer(dtype, Bug::None, Bug::MissingSlope).unwrap();
        assert_eq!(report.verdict(), Verdict::Fail, "{report}");
        let right = candle_gradient(
            |x, w| custom_layer_loss(x, w, Bug::None, Bug::None),
            DType::F64,
        );
        let wrong = candle_gradient(
            |x, w| custom_layer_loss(x, w, Bug::None, Bug::MissingSlope),
            DType::F64,
        );
        let mut expected = differing_labels(&right, &wrong);
        let mut named = report.failing_labels();
        expected.sort();
        named.sort();
        assert!(!expected.is_empty());
        assert_eq!(named, expected, "{report}");
        assert!(report.to_string().contains(&expected[0]), "{report}");
    }
}

#[test]
fn a_transposed_weight_gradient_fails_on_the_weights_off_diagonal() {
    let report = check_layer(DType::F64, Bug::TransposedWeightGradient, Bug::None).unwrap();
    assert_eq!(report.verdict(), Verdict::Fail, "{report}");
    let named = report.failing_labels();
    assert!(named.iter().all(|l| l.starts_with("w[")), "{named:?}");
    assert!(named.contains(&"w[0, 1]".to_string()), "{named:?}");
    for i in 0..3 {
        assert!(
            !named.contains(&format!("w[{i}, {i}]")),
            "a diagonal entry is its own transpose"
        );
    }
}

/// A graph that cannot run in f64 (an f32 constant) is checked in f32, and
/// says so; the bug is still caught there.
#[test]
fn an_f32_only_graph_is_checked_in_f32_and_says_so() {
    let dev = Device::Cpu;
    let (x, w) = (
        batch(&dev, DType::F32).unwrap(),
        weights(&dev, DType::F32).unwrap(),
    );
    let half = Tensor::new(&[0.5f32], &dev).unwrap();
    let loss = |bug: Bug| {
        let half = half.clone();
        move |p: &[Tensor]| custom_layer_loss(&p[0], &p[1], Bug::None, bug)?.broadcast_mul(&half)
    };
    let params = [("x", &x), ("w", &w)];
    let report = check_candle(loss(Bug::None), &params, &CheckConfig::default()).unwrap();
    assert_eq!(report.verdict(), Verdict::Pass, "{report}");
    assert!(
        report.precision.starts_with("f32 throughout"),
        "{}",
        report.precision
    );
    let report = check_candle(loss(Bug::MissingSlope), &params, &CheckConfig::default()).unwrap();
    assert_eq!(report.verdict(), Verdict::Fail, "{report}");
    // The reason is candle's error in one line: no backtrace in the report.
    assert_eq!(report.precision.lines().count(), 1, "{}", report.precision);
}

/// A loss that captures f32 data cannot run with f64 parameters; handed
/// over as data, the float tensors are cast, the graph runs in f64, and the
/// f32 gradient is judged by the mixed check, bugs caught by name.
#[test]
fn f32_data_handed_over_is_cast_and_the_mixed_check_judges() {
    let dev = Device::Cpu;
    let (x, w) = (
        batch(&dev, DType::F32).unwrap(),
        weights(&dev, DType::F32).unwrap(),
    );
    let captured = |p: &[Tensor]| custom_layer_loss(&x, &p[0], Bug::None, Bug::None);
    let report = check_candle(captured, &[("w", &w)], &CheckConfig::default()).unwrap();
    assert!(
        report.precision.starts_with("f32 throughout"),
        "{}",
        report.precision
    );
    assert_eq!(report.precision.lines().count(), 1, "{}", report.precision);
    let loss = |bug: Bug| {
        move |p: &[Tensor], d: &[Tensor]| custom_layer_loss(&d[0], &p[0], Bug::None, bug)
    };
    let report = check_candle_with_data(
        loss(Bug::None),
        &[("w", &w)],
        &[&x],
        &CheckConfig::default(),
    )
    .unwrap();
    assert_eq!(report.verdict(), Verdict::Pass, "{report}");
    assert!(
        report.precision.contains("evaluated in f64"),
        "{}",
        report.precision
    );
    assert!(report.resolution() < 1e-4, "{report}");
    assert_eq!(report.inconclusive_reason(), None);
    let report = check_candle_with_data(
        loss(Bug::MissingSlope),
        &[("w", &w)],
        &[&x],
        &CheckConfig::default(),
    )
    .unwrap();
    assert_eq!(report.verdict(), Verdict::Fail, "{report}");
}

#[test]
fn a_parameter_the_loss_does_not_reach_has_gradient_zero() {
    let dev = Device::Cpu;
    let (x, w) = (
        batch(&dev, DType::F64).unwrap(),
        weights(&dev, DType::F64).unwrap(),
    );
    let unused = Tensor::new(&[1.0f64, 2.0], &dev).unwrap();
    let report = check_candle(
        |p: &[Tensor]| builtin_layer(&p[0], &p[1]),
        &[("x", &x), ("w", &w), ("unused", &unused)],
        &CheckConfig::default(),
    )
    .unwrap();
    assert_eq!(report.verdict(), Verdict::Pass, "{report}");
    assert_eq!(report.layout.label(22), "unused[1]");
}

#[test]
fn bad_input_is_a_typed_error() {
    let dev = Device::Cpu;
    let cfg = CheckConfig::default();
    let sum = |p: &[Tensor]| p[0].sum_all();
    let a = Tensor::new(&[1.0f64, 2.0], &dev).unwrap();
    let b = Tensor::new(&[1.0f32, 2.0], &dev).unwrap();
    let ints = Tensor::new(&[1u32, 2], &dev).unwrap();
    assert!(matches!(
        check_candle(sum, &[], &cfg),
        Err(OracleError::Empty { .. })
    ));
    let mixed = check_candle(sum, &[("a", &a), ("b", &b)], &cfg).unwrap_err();
    assert!(mixed.to_string().contains("`b`"), "{mixed}");
    assert!(check_candle(sum, &[("ints", &ints)], &cfg).is_err());
    let twice = check_candle(sum, &[("a", &a), ("a", &a)], &cfg).unwrap_err();
    assert!(twice.to_string().contains("two tensors"), "{twice}");
    let vector = check_candle(|p: &[Tensor]| p[0].sqr(), &[("a", &a)], &cfg).unwrap_err();
    assert!(
        matches!(vector, OracleError::ShapeMismatch { .. }),
        "{vector}"
    );
    let refused = check_candle(|p: &[Tensor]| p[0].matmul(&p[0]), &[("a", &a)], &cfg).unwrap_err();
    assert!(
        matches!(
            refused,
            OracleError::Framework {
                framework: "candle",
                ..
            }
        ),
        "{refused}"
    );
}
