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

/// A zero claim at a zero of f ($s\,x^2/2$ at 0, $s$ from $10^{-30}$ to
/// $10^{30}$, f64, mixed and f32) has no claimed entry to be relative to: it
/// resolves against the slopes f shows about x, finitely and alike at every
/// scale, and so keeps a Pass that H4 allows. A claim of $10^{-9}s$ fails.
#[test]
fn a_zero_claim_at_a_zero_of_f_resolves_against_the_slopes_of_f() {
    let mut seen = Vec::new();
    for s in [1e-30, 1e-6, 1.0, 1e6, 1e30] {
        let f = |p: &[f64]| s * p[0] * p[0] / 2.0 + s * p[1] * p[1];
        let exact = |_: &[f64]| vec![0.0, 0.0];
        let report = check_gradient(&f, &exact, &[0.0, 0.0], &cfg()).unwrap();
        assert_eq!(report.verdict(), Verdict::Pass, "{report}");
        assert!(
            report.resolution() <= 1e-10,
            "s {s:e}: {}",
            report.resolution()
        );
        seen.push(report.resolution());
        let mixed =
            check_gradient_mixed(&f, &|_: &[f32]| vec![0.0f32, 0.0], &[0.0f32, 0.0], &cfg())
                .unwrap();
        assert_eq!(mixed.verdict(), Verdict::Pass, "{mixed}");
        assert!(mixed.resolution() <= cfg().max_resolution, "{mixed}");
        let wrong = |_: &[f64]| vec![1e-9 * s, 0.0];
        assert_eq!(
            check_gradient(&f, &wrong, &[0.0, 0.0], &cfg())
                .unwrap()
                .verdict(),
            Verdict::Fail
        );
    }
    // Scaling f scales its tolerances and its slopes alike.
    let (lo, hi) = seen
        .iter()
        .fold((f64::INFINITY, 0.0_f64), |(l, h), r| (l.min(*r), h.max(*r)));
    assert!(hi <= 2.0 * lo, "{seen:?}");
    let f32_report = check_gradient(
        &|p: &[f32]| p[0] * p[0] / 2.0,
        &|_: &[f32]| vec![0.0f32],
        &[0.0f32],
        &cfg(),
    )
    .unwrap();
    assert_eq!(f32_report.verdict(), Verdict::Pass, "{f32_report}");
    assert!(f32_report.resolution() <= cfg().max_resolution);
}

/// Where f is exactly 0 at x and at every probe (a ReLU at -1, a product
/// x y at 0 probed along the axes, f = 0), the estimates are exact and the
/// tolerance is the absolute floor: resolution 0, and a claim of 1e-300
/// fails. Under a fixed `atol` nothing is relative: infinite, never 0.
#[test]
fn a_zero_claim_where_f_is_flat_to_the_last_bit_resolves_everything() {
    let relu_at = |p: &[f64]| p[0].max(0.0);
    let product = |p: &[f64]| p[0] * p[1];
    let zero = |_: &[f64]| 0.0;
    type Case<'a> = (&'a dyn Fn(&[f64]) -> f64, Vec<f64>);
    let cases: [Case; 3] = [
        (&relu_at, vec![-1.0]),
        (&product, vec![0.0, 0.0]),
        (&zero, vec![0.3]),
    ];
    for (f, x) in cases {
        let claim = vec![0.0; x.len()];
        let report = check_gradient(f, &|_: &[f64]| claim.clone(), &x, &cfg()).unwrap();
        assert_eq!(report.verdict(), Verdict::Pass, "{report}");
        assert_eq!(report.resolution(), 0.0, "{report}");
        let mut wrong = claim.clone();
        wrong[0] = 1e-300;
        let report = check_gradient(f, &|_: &[f64]| wrong.clone(), &x, &cfg()).unwrap();
        assert_eq!(report.verdict(), Verdict::Fail, "{report}");
        let fixed = cfg().with_atol(1e-6);
        let report = check_gradient(f, &|_: &[f64]| claim.clone(), &x, &fixed).unwrap();
        assert_eq!(report.resolution(), f64::INFINITY, "{report}");
    }
}

/// A quartic minimum: the fourth-order stencil's truncation bar,
/// $|n_3 - n_4|/16 = h_3^3/8$, is an eighth of the one-sided slope $h_3^3$
/// its probes saw, so a claim that size would pass too: never a Fail, and
/// never a Pass that H4 forbids.
#[test]
fn a_zero_claim_at_a_quartic_minimum_is_no_vacuous_pass() {
    let report = check_gradient(
        &|p: &[f64]| p[0].powi(4),
        &|_: &[f64]| vec![0.0],
        &[0.0],
        &cfg(),
    )
    .unwrap();
    assert_ne!(report.verdict(), Verdict::Fail, "{report}");
    if report.verdict() == Verdict::Pass {
        assert!(report.resolution() <= cfg().max_resolution, "{report}");
    } else {
        let reason = report.inconclusive_reason().unwrap_or_default();
        assert!(reason.contains("resolution"), "{reason}");
    }
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
