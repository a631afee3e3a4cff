//! Exercise 4: every memory strategy gives the baseline's gradient bit for bit,
//! the optimal schedule's cost matches the binomial formula, and micro-batch
//! accumulation equals the full batch.

use gradient_oracle::{
    Activation, CheckConfig, Dataset, DeepChain, DenseStack, Mlp, Strategy, Verdict, backprop,
    chain_loss, check_gradient, revolve_forward_evaluations,
};
use rstest::rstest;

fn chain(depth: usize, f: Activation) -> DeepChain {
    let weights = (0..depth)
        .map(|k| 1.1 + 0.3 * ((k * 7919) % 13) as f64 / 13.0 - 0.15)
        .collect();
    DeepChain::new(weights, vec![f; depth], 0.3).unwrap()
}

#[rstest]
fn strategies_agree_bit_for_bit(
    #[values(1, 2, 3, 10, 57, 1000)] depth: usize,
    #[values(
        Activation::Tanh,
        Activation::Sigmoid,
        Activation::Relu,
        Activation::Softplus
    )]
    f: Activation,
) {
    let model = chain(depth, f);
    let (base, base_dx, base_stats) = backprop(&model, &0.8, Strategy::StoreAll).unwrap();
    assert_eq!(base_stats.peak_states, depth);
    assert_eq!(base_stats.forward_evaluations, depth - 1);
    let k = (depth as f64).sqrt().ceil() as usize;
    for strategy in [
        Strategy::EveryK(k),
        Strategy::EveryK(1),
        Strategy::EveryK(depth + 3),
        Strategy::Revolve(1),
        Strategy::Revolve(3),
        Strategy::Revolve(k),
    ] {
        let (g, dx, stats) = backprop(&model, &0.8, strategy).unwrap();
        assert!(
            g == base,
            "{strategy} differs from store-all at depth {depth}"
        );
        assert!(dx.to_bits() == base_dx.to_bits());
        assert!(stats.peak_states <= depth.max(1), "{strategy}: {stats:?}");
    }
}

#[test]
fn dense_stack_strategies_agree_bit_for_bit() {
    let model = DenseStack::seeded(40, 16, 7);
    let input = nalgebra::DVector::from_fn(16, |i, _| (i as f64 * 0.37).sin());
    let (base, base_dx, base_stats) = backprop(&model, &input, Strategy::StoreAll).unwrap();
    assert_eq!(base_stats.peak_bytes, 40 * 16 * 8);
    for strategy in [
        Strategy::EveryK(6),
        Strategy::Revolve(2),
        Strategy::Revolve(5),
    ] {
        let (g, dx, stats) = backprop(&model, &input, strategy).unwrap();
        assert!(g == base && dx == base_dx, "{strategy}");
        assert!(
            stats.peak_bytes < base_stats.peak_bytes,
            "{strategy}: {stats:?}"
        );
    }
}

/// The minimal schedule by brute force: reverse `l` layers with `c` free snapshots,
/// trying every first-snapshot position (independent of the closed form).
fn brute_force(
    l: usize,
    c: usize,
    memo: &mut std::collections::HashMap<(usize, usize), u128>,
) -> u128 {
    if l <= 1 {
        return 0;
    }
    if c == 0 {
        return (l * (l - 1) / 2) as u128;
    }
    if let Some(v) = memo.get(&(l, c)) {
        return *v;
    }
    let best = (1..l)
        .map(|m| m as u128 + brute_force(l - m, c - 1, memo) + brute_force(m, c, memo))
        .min()
        .unwrap();
    memo.insert((l, c), best);
    best
}

#[test]
fn the_binomial_formula_is_the_minimum() {
    let mut memo = std::collections::HashMap::new();
    for c in 0..6 {
        for l in 1..160 {
            assert_eq!(
                revolve_forward_evaluations(l, c),
                brute_force(l, c, &mut memo),
                "L = {l}, c = {c}"
            );
        }
    }
    // A value by hand: L = 10, c = 1 (s = 2 states): r = 3 since C(4,2) = 6 < 10 <= C(5,2) = 10;
    // T = 3 * 10 - C(5, 2) = 30 - 10 = 20.
    assert_eq!(revolve_forward_evaluations(10, 1), 20);
}

#[rstest]
fn revolve_schedule_meets_the_formula(
    #[values(2, 7, 100, 1000, 10_000)] depth: usize,
    #[values(1, 2, 4, 10)] snapshots: usize,
) {
    let model = chain(depth, Activation::Tanh);
    let (_, _, stats) = backprop(&model, &0.5, Strategy::Revolve(snapshots)).unwrap();
    assert_eq!(
        stats.forward_evaluations as u128,
        revolve_forward_evaluations(depth, snapshots)
    );
    // The input, the snapshots, and one state in flight.
    assert!(stats.peak_states <= snapshots + 2, "{stats:?}");
}

#[test]
fn the_checker_confirms_the_checkpointed_gradient() {
    let acts = vec![
        Activation::Tanh,
        Activation::Sigmoid,
        Activation::Softplus,
        Activation::Tanh,
        Activation::Identity,
    ];
    let weights = vec![0.9, -1.3, 0.7, 1.8, -0.6];
    let f = |w: &[f64]| chain_loss(w, &acts, 0.8, 0.3);
    let g = |w: &[f64]| {
        let model = DeepChain::new(w.to_vec(), acts.clone(), 0.3).unwrap();
        backprop(&model, &0.8, Strategy::Revolve(1)).unwrap().0
    };
    assert_eq!(
        check_gradient(&f, &g, &weights, &CheckConfig::default())
            .unwrap()
            .verdict(),
        Verdict::Pass
    );
}

#[test]
fn micro_batches_equal_the_full_batch() {
    let data = Dataset::sheet();
    let mlp = Mlp::sheet();
    let full = mlp.forward_backward(&data).unwrap();
    for size in 1..=5 {
        let (loss, gh, go) = mlp.accumulated(&data, size).unwrap();
        assert!((loss - full.loss).abs() <= 1e-15 * full.loss);
        assert!((gh - &full.grad_hidden).amax() <= 1e-16);
        assert!((go - &full.grad_out).amax() <= 1e-16);
    }
    assert!(mlp.accumulated(&data, 0).is_err());
}

#[test]
fn invalid_models_are_errors() {
    assert!(DeepChain::new(vec![], vec![], 0.0).is_err());
    assert!(DeepChain::new(vec![1.0], vec![], 0.0).is_err());
    assert!(DeepChain::new(vec![f64::NAN], vec![Activation::Tanh], 0.0).is_err());
    assert!(backprop(&chain(3, Activation::Tanh), &0.1, Strategy::EveryK(0)).is_err());
    assert!(
        DenseStack::new(
            vec![nalgebra::DMatrix::zeros(2, 3)],
            nalgebra::DVector::zeros(2)
        )
        .is_err()
    );
}

#[test]
fn an_input_of_the_wrong_width_is_an_error_not_a_panic() {
    use gradient_oracle::{DenseStack, OracleError, Strategy, backprop};
    use nalgebra::{DMatrix, DVector};
    let weights = vec![DMatrix::from_element(4, 4, 0.1); 3];
    let stack = DenseStack::new(weights, DVector::from_element(4, 0.2)).unwrap();
    let wrong = DVector::from_element(5, 0.1);
    match backprop(&stack, &wrong, Strategy::StoreAll) {
        Err(OracleError::ShapeMismatch { name, .. }) => assert_eq!(name, "input"),
        other => panic!("{other:?}"),
    }
}
