//! The verdicts an oracle can be trusted with (issue: "no ok for a wrong
//! gradient"): noise, domain boundaries, kinks and near-kinks, overflow, the
//! fast mode at scale, the negative control, mixed precision, resolution.

mod common;

use common::{smooth, smooth_grad};

use gradient_oracle::{CheckConfig, OracleError, Verdict, check_gradient, check_gradient_mixed};

fn cfg() -> CheckConfig {
    CheckConfig::default()
}

fn verdict(f: &dyn Fn(&[f64]) -> f64, g: &dyn Fn(&[f64]) -> Vec<f64>, x: &[f64]) -> Verdict {
    check_gradient(f, g, x, &cfg()).unwrap().verdict()
}

#[test]
fn logarithms_and_roots_near_zero_keep_their_steps_inside_the_domain() {
    let f = |x: &[f64]| x[0].ln() + x[1].ln() + x[2].ln() + x[3] * x[3];
    let g = |x: &[f64]| vec![1.0 / x[0], 1.0 / x[1], 1.0 / x[2], 2.0 * x[3]];
    let off = |x: &[f64]| g(x).iter().map(|v| v * 1.01).collect::<Vec<f64>>();
    let x = [1e-9, 1e-6, 1e-3, 0.5];
    assert_eq!(verdict(&f, &g, &x), Verdict::Pass);
    assert_eq!(verdict(&f, &off, &x), Verdict::Fail);
    let root = |x: &[f64]| x[0].sqrt() + x[1];
    let root_grad = |x: &[f64]| vec![0.5 / x[0].sqrt(), 1.0];
    let root_off = |x: &[f64]| vec![0.505 / x[0].sqrt(), 1.0];
    let x = [1e-12, 0.3];
    assert_eq!(verdict(&root, &root_grad, &x), Verdict::Pass);
    assert_eq!(verdict(&root, &root_off, &x), Verdict::Fail);
}

fn abs(x: &[f64]) -> f64 {
    x[0].abs()
}

#[test]
fn abs_at_zero_is_a_kink_for_every_subgradient_and_a_failure_outside() {
    for claim in [-1.0, -0.5, 0.0, 0.25, 0.5, 1.0] {
        let g = move |_: &[f64]| vec![claim];
        assert_eq!(verdict(&abs, &g, &[0.0]), Verdict::Kink, "claim {claim}");
        let strict = check_gradient(&abs, &g, &[0.0], &cfg().forbid_kinks()).unwrap();
        assert_eq!(
            strict.verdict(),
            Verdict::Fail,
            "claim {claim}, kinks forbidden"
        );
    }
    for claim in [1.5, -1.5] {
        let g = move |_: &[f64]| vec![claim];
        assert_eq!(verdict(&abs, &g, &[0.0]), Verdict::Fail, "claim {claim}");
    }
    let strict = check_gradient(&smooth, &smooth_grad, &[0.3, 0.7], &cfg().forbid_kinks());
    assert_eq!(strict.unwrap().verdict(), Verdict::Pass);
}

#[test]
fn floor_at_its_jump_is_never_a_pass() {
    let f = |x: &[f64]| x[0].floor();
    let zero = |_: &[f64]| vec![0.0];
    assert_ne!(verdict(&f, &zero, &[1.0]), Verdict::Pass);
}

fn relu(x: &[f64]) -> f64 {
    x[0].max(0.0)
}

#[test]
fn near_a_kink_the_one_sided_truth_is_ok_and_wrong_claims_fail() {
    let truth = |x: &[f64]| vec![if x[0] > 0.0 { 1.0 } else { 0.0 }];
    for x in [1e-6, -1e-6, 1e-9, -1e-9] {
        assert!(verdict(&relu, &truth, &[x]).is_ok(), "relu truth at {x}");
    }
    let half = |_: &[f64]| vec![0.5];
    assert_eq!(verdict(&relu, &half, &[1e-6]), Verdict::Fail);
    assert_eq!(verdict(&relu, &half, &[1e-9]), Verdict::Fail);
    let almost_half = |_: &[f64]| vec![0.49];
    assert_eq!(verdict(&relu, &almost_half, &[-1e-6]), Verdict::Fail);
    let tenth = |_: &[f64]| vec![0.1];
    assert_eq!(verdict(&abs, &tenth, &[1e-5]), Verdict::Fail);
    let sign = |x: &[f64]| vec![x[0].signum()];
    assert!(verdict(&abs, &sign, &[1e-5]).is_ok());
}

#[test]
fn a_step_function_between_its_jumps_has_derivative_zero_only() {
    let f = |x: &[f64]| x[0].floor();
    let zero = |_: &[f64]| vec![0.0];
    assert_eq!(verdict(&f, &zero, &[0.5]), Verdict::Pass);
    for claim in [-5.0, 1.0, 10.0, 14.0, 1e-3] {
        let g = move |_: &[f64]| vec![claim];
        assert_eq!(verdict(&f, &g, &[0.5]), Verdict::Fail, "claim {claim}");
    }
}

#[test]
fn infinite_claims_and_overflowing_intermediates_never_pass() {
    let f = |x: &[f64]| x[0] * x[0];
    let inf = |_: &[f64]| vec![f64::INFINITY];
    assert_eq!(verdict(&f, &inf, &[1.0]), Verdict::Fail);
    let nan = |_: &[f64]| vec![f64::NAN];
    assert_eq!(verdict(&f, &nan, &[1.0]), Verdict::Fail);
    let big = |x: &[f64]| 1e8 * x[0];
    let flipped = |_: &[f64]| vec![-1e8];
    assert!(!verdict(&big, &flipped, &[1e300]).is_ok());
    let right = |_: &[f64]| vec![1e8];
    assert!(verdict(&big, &right, &[1e300]) != Verdict::Fail);
}

#[test]
fn absurd_settings_are_errors() {
    let f = |x: &[f64]| x[0] * x[0];
    let g = |x: &[f64]| vec![2.0 * x[0]];
    let x = [1.0];
    let huge = cfg().directional(1 << 40);
    assert!(matches!(
        check_gradient(&f, &g, &x, &huge),
        Err(OracleError::InvalidParameter { .. })
    ));
    let levels = CheckConfig {
        kink_levels: usize::MAX,
        ..cfg()
    };
    assert!(matches!(
        check_gradient(&f, &g, &x, &levels),
        Err(OracleError::InvalidParameter { .. })
    ));
}

#[test]
fn a_clean_smooth_check_resolves_below_1e_8() {
    let report = check_gradient(&smooth, &smooth_grad, &[0.3, 0.7], &cfg()).unwrap();
    assert_eq!(report.verdict(), Verdict::Pass);
    assert!(report.resolution() <= 1e-8, "{}", report.resolution());
    assert!(report.to_string().contains("resolution"), "{report}");
}

#[test]
fn the_negative_control_exposes_a_loose_tolerance() {
    let f = |x: &[f64]| 1e-3 * (x[0].sin() + x[1] * x[1]);
    let g = |x: &[f64]| vec![1e-3 * x[0].cos(), 2e-3 * x[1]];
    let doubled = |x: &[f64]| g(x).iter().map(|v| 2.0 * v).collect::<Vec<f64>>();
    let x = [0.4, 0.9];
    let loose = cfg().with_atol(1.0).with_negative_control();
    let report = check_gradient(&f, &g, &x, &loose).unwrap();
    assert_eq!(report.verdict(), Verdict::Inconclusive, "{report}");
    assert!(report.inconclusive_reason().unwrap().contains("0.1 %"));
    let control = cfg().with_negative_control();
    let report = check_gradient(&f, &g, &x, &control).unwrap();
    assert_eq!(report.verdict(), Verdict::Pass, "{report}");
    let c = report.negative_control().unwrap();
    assert!(c.caught());
    assert_eq!((c.output, c.input), (0, 1), "the largest claimed entry");
    assert!(report.to_string().contains("caught"), "{report}");
    assert_eq!(
        check_gradient(&f, &doubled, &x, &control)
            .unwrap()
            .verdict(),
        Verdict::Fail
    );
}

/// An f32 chain network of eight tanh and sigmoid layers: the f32 gradient by
/// the crate's backpropagation, f by the same model in f64.
fn f32_chain(seed: u64) -> (Vec<f32>, Vec<gradient_oracle::Activation>) {
    use gradient_oracle::Activation;
    let mut rng = common::rng(seed);
    let acts: Vec<Activation> = (0..8)
        .map(|k| {
            if k % 2 == 0 {
                Activation::Tanh
            } else {
                Activation::Sigmoid
            }
        })
        .collect();
    let w = (0..8)
        .map(|_| 0.5 + 0.5 * common::normal(&mut rng) as f32)
        .collect();
    (w, acts)
}

#[test]
fn mixed_precision_catches_an_f32_gradient_off_by_1e_4() {
    use gradient_oracle::{ChainNetwork, chain_loss};
    for seed in 0..8 {
        let (w, acts) = f32_chain(seed);
        let f = |p: &[f64]| chain_loss(p, &acts, 0.8, 0.3);
        let grad = |p: &[f32]| {
            ChainNetwork::new(p.to_vec(), acts.clone())
                .unwrap()
                .loss_and_gradient(0.8_f32, 0.3)
                .unwrap()
                .1
        };
        let report = check_gradient_mixed(&f, &grad, &w, &cfg()).unwrap();
        assert_eq!(report.verdict(), Verdict::Pass, "seed {seed}: {report}");
        let all = |p: &[f32]| {
            grad(p)
                .iter()
                .map(|g| g * (1.0 + 1e-4))
                .collect::<Vec<f32>>()
        };
        let report = check_gradient_mixed(&f, &all, &w, &cfg()).unwrap();
        assert_eq!(
            report.verdict(),
            Verdict::Fail,
            "seed {seed}, all: {report}"
        );
        let largest = grad(&w)
            .iter()
            .enumerate()
            .max_by(|a, b| a.1.abs().total_cmp(&b.1.abs()))
            .unwrap()
            .0;
        let one = |p: &[f32]| {
            let mut g = grad(p);
            g[largest] *= 1.0 + 1e-4;
            g
        };
        let report = check_gradient_mixed(&f, &one, &w, &cfg()).unwrap();
        assert_eq!(
            report.verdict(),
            Verdict::Fail,
            "seed {seed}, entry {largest}: {report}"
        );
    }
}
