//! Exercise 2's three iterations under each convention.

use approx::assert_relative_eq;
use gradient_oracle::{Dataset, Mlp, OracleError, TrainConfig, UpdateMode, train};
use rstest::rstest;

#[test]
fn default_sum_mode_matches_independent_reference() {
    // Reference: a plain-Python loop (sum of per-sample gradients, alpha = 0.1).
    let (_, trace) = train(&Mlp::sheet(), &Dataset::sheet(), &TrainConfig::default()).unwrap();
    let losses = [1.9666450569727654, 1.8848887321228012, 1.8178407616118397];
    assert_eq!(trace.iterations.len(), 3);
    for (it, want) in trace.iterations.iter().zip(losses) {
        assert_relative_eq!(it.loss, want, max_relative = 1e-13);
    }
    let last = &trace.iterations[2];
    let want_w = [
        [0.6097866790452574, 0.022440362535694106],
        [0.717862370534749, 0.4527361468143811],
        [0.03859839115442859, 0.8762810000538255],
    ];
    for i in 0..3 {
        for j in 0..2 {
            assert_relative_eq!(last.w_hidden[i][j], want_w[i][j], max_relative = 1e-13);
        }
    }
    for (got, want) in last.w_out.iter().zip([
        0.12847023432716798,
        0.2491932288812745,
        0.054760042392348884,
    ]) {
        assert_relative_eq!(*got, want, max_relative = 1e-13);
    }
}

#[test]
fn mean_mode_is_sum_mode_with_scaled_rate_and_loss() {
    // Mean gradients with alpha equal sum gradients with alpha / N; the loss is the sum / N.
    let data = Dataset::sheet();
    let mean = TrainConfig {
        mode: UpdateMode::Mean,
        learning_rate: 0.4,
        iterations: 3,
    };
    let sum = TrainConfig {
        mode: UpdateMode::Sum,
        learning_rate: 0.1,
        iterations: 3,
    };
    let (m_model, m) = train(&Mlp::sheet(), &data, &mean).unwrap();
    let (s_model, s) = train(&Mlp::sheet(), &data, &sum).unwrap();
    for (a, b) in m.iterations.iter().zip(&s.iterations) {
        assert_relative_eq!(a.loss * 4.0, b.loss, max_relative = 1e-14);
        assert_relative_eq!(a.grad_out[0] * 4.0, b.grad_out[0], max_relative = 1e-13);
    }
    for (a, b) in m_model.parameters().iter().zip(s_model.parameters()) {
        assert_relative_eq!(*a, b, max_relative = 1e-14);
    }
}

#[test]
fn online_mode_updates_after_each_sample() {
    // The second sample's record is taken at the weights after the first update.
    let data = Dataset::sheet();
    let cfg = TrainConfig {
        mode: UpdateMode::Online,
        learning_rate: 0.1,
        iterations: 1,
    };
    let (_, trace) = train(&Mlp::sheet(), &data, &cfg).unwrap();
    let first = &trace.iterations[0].samples[0];
    let mut p = Mlp::sheet().parameters();
    let mut g1 = first.grad_hidden.concat();
    g1.extend(&first.grad_out);
    for (pi, gi) in p.iter_mut().zip(&g1) {
        *pi -= 0.1 * gi;
    }
    let after_one = Mlp::sheet().with_parameters(&p).unwrap();
    let second = after_one
        .forward_backward(&data.rows(1..2).unwrap())
        .unwrap();
    assert_relative_eq!(
        trace.iterations[0].samples[1].y_out,
        second.samples[0].y_out,
        max_relative = 1e-15
    );
    // Totals are the sums of the applied per-sample gradients.
    let total: f64 = trace.iterations[0]
        .samples
        .iter()
        .map(|s| s.grad_out[2])
        .sum();
    assert_relative_eq!(trace.iterations[0].grad_out[2], total, max_relative = 1e-14);
}

#[rstest]
fn a_small_step_does_not_increase_the_loss(
    #[values(UpdateMode::Sum, UpdateMode::Mean, UpdateMode::Online)] mode: UpdateMode,
) {
    let cfg = TrainConfig {
        mode,
        learning_rate: 0.01,
        iterations: 5,
    };
    let (_, trace) = train(&Mlp::sheet(), &Dataset::sheet(), &cfg).unwrap();
    let batch_losses: Vec<f64> = trace.iterations.iter().map(|it| it.loss).collect();
    for w in batch_losses.windows(2) {
        assert!(w[1] <= w[0], "{mode}: {batch_losses:?}");
    }
}

#[rstest]
#[case::zero(0.0)]
#[case::negative(-0.1)]
#[case::nan(f64::NAN)]
#[case::inf(f64::INFINITY)]
fn bad_learning_rate_is_an_error(#[case] lr: f64) {
    let cfg = TrainConfig {
        learning_rate: lr,
        ..TrainConfig::default()
    };
    let err = train(&Mlp::sheet(), &Dataset::sheet(), &cfg).unwrap_err();
    assert!(matches!(err, OracleError::InvalidLearningRate(_)), "{err}");
}

#[test]
fn mode_names_parse() {
    for m in UpdateMode::ALL {
        assert_eq!(m.name().parse::<UpdateMode>().unwrap(), m);
    }
    assert!("batch".parse::<UpdateMode>().is_err());
}

#[rstest]
fn every_iteration_applies_its_recorded_gradient(
    #[values(UpdateMode::Sum, UpdateMode::Mean, UpdateMode::Online)] mode: UpdateMode,
    #[values(1, 3)] iterations: usize,
    #[values(0.05, 0.5)] learning_rate: f64,
) {
    // W_t = W_{t-1} - lr * grad_t, and in full-batch modes the totals are the
    // (scaled) sums of the per-sample records.
    let cfg = TrainConfig {
        mode,
        learning_rate,
        iterations,
    };
    let (_, trace) = train(&Mlp::sheet(), &Dataset::sheet(), &cfg).unwrap();
    let mut prev_w = trace.initial_w_out.clone();
    let mut prev_wh = trace.initial_w_hidden.clone();
    for it in &trace.iterations {
        for i in 0..3 {
            assert_relative_eq!(
                it.w_out[i],
                prev_w[i] - learning_rate * it.grad_out[i],
                max_relative = 1e-13,
                epsilon = 1e-15
            );
            for j in 0..2 {
                assert_relative_eq!(
                    it.w_hidden[i][j],
                    prev_wh[i][j] - learning_rate * it.grad_hidden[i][j],
                    max_relative = 1e-13,
                    epsilon = 1e-15
                );
            }
        }
        let scale = if mode == UpdateMode::Mean { 0.25 } else { 1.0 };
        let summed: f64 = it.samples.iter().map(|s| s.grad_out[0]).sum::<f64>() * scale;
        assert_relative_eq!(
            summed,
            it.grad_out[0],
            max_relative = 1e-13,
            epsilon = 1e-15
        );
        let loss: f64 = it.samples.iter().map(|s| s.loss).sum::<f64>() * scale;
        assert_relative_eq!(loss, it.loss, max_relative = 1e-14);
        prev_w = it.w_out.clone();
        prev_wh = it.w_hidden.clone();
    }
}
