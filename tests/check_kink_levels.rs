//! Step 4, the kink analysis (`src/check/kink_levels.rs`, `kinks.rs`): the
//! one-sided slopes at shrinking steps tell a kink at x (their gap stands)
//! from one off x (it shrinks), and a claim is a subgradient only at a kink
//! that is really at x.

use gradient_oracle::{CheckConfig, Verdict, check_gradient};
use rstest::rstest;

/// ReLU plus a smooth term: one-sided slopes $2x$ and $1 + 2x$ at its kink 0.
fn relu_plus_square(x: &[f64]) -> f64 {
    x[0].max(0.0) + x[0] * x[0]
}

fn judge(x0: f64, claim: f64) -> Verdict {
    check_gradient(
        &relu_plus_square,
        &|_: &[f64]| vec![claim],
        &[x0],
        &CheckConfig::default(),
    )
    .unwrap()
    .verdict()
}

#[rstest]
#[case(0.0)]
#[case(0.25)]
#[case(0.5)]
#[case(1.0)]
fn every_subgradient_at_the_kink_is_a_kink(#[case] claim: f64) {
    assert_eq!(judge(0.0, claim), Verdict::Kink);
}

#[rstest]
#[case(-0.01)]
#[case(1.01)]
#[case(1.000001)]
#[case(2.0)]
fn a_claim_outside_the_one_sided_slopes_fails_at_the_kink(#[case] claim: f64) {
    assert_eq!(judge(0.0, claim), Verdict::Fail);
}

/// x just off the kink, between the smallest steps and the wide ones: f is
/// differentiable at x, the derivative is $1 + 2x$, and the wider steps'
/// view of the kink (Ridders', the wide stencil's) must not make a wrong
/// claim a subgradient.
#[rstest]
#[case(3e-6)]
#[case(1e-6)]
#[case(1e-7)]
#[case(1e-8)]
#[case(3e-9)]
#[case(1e-9)]
fn just_off_the_kink_only_the_derivative_passes(#[case] x0: f64) {
    let truth = 1.0 + 2.0 * x0;
    assert_eq!(judge(x0, truth), Verdict::Pass, "x = {x0}");
    for claim in [truth * (1.0 + 1e-6), truth * 1.01, 0.5, 0.0] {
        assert_eq!(judge(x0, claim), Verdict::Fail, "x = {x0}, claim {claim}");
    }
}

/// Closer than the smallest step, the slopes cannot resolve x from the kink:
/// the one-sided truth is ok, a claim outside the slopes' error bars fails.
#[test]
fn below_the_smallest_step_a_claim_past_the_slopes_still_fails() {
    let x0 = 1e-10;
    assert!(judge(x0, 1.0 + 2.0 * x0).is_ok());
    assert_eq!(judge(x0, 1.01), Verdict::Fail);
    assert_eq!(judge(x0, -0.01), Verdict::Fail);
}

/// $s\,\max(0, x - x_0)^2$ and its derivative 0 at $x_0$: f is
/// differentiable there but f'' jumps from 0 to $2s$, so the central
/// difference converges linearly, $c(h) = s h/2$, not as $h^2$. The shrunk
/// step's truncation bar must cover that (a tenth of the change between
/// levels was a ninth too small, and the exact 0 read Fail).
fn squared_relu<F: gradient_oracle::Real>(scale: F, at: F) -> impl Fn(&[F]) -> F {
    move |x| {
        let r = (x[0] - at).max(F::zero());
        scale * r * r
    }
}

#[rstest]
#[case(1.0, 0.0)]
#[case(3.0, 0.0)]
#[case(1e-8, 0.0)]
#[case(1e8, 0.0)]
#[case(1.0, 0.7)]
#[case(1.0, 1e3)]
fn a_jump_in_f_second_derivative_does_not_fail_the_exact_derivative(
    #[case] scale: f64,
    #[case] at: f64,
) {
    let cfg = CheckConfig::default();
    let report = check_gradient(
        &squared_relu(scale, at),
        &|_: &[f64]| vec![0.0],
        &[at],
        &cfg,
    )
    .unwrap();
    assert_ne!(report.verdict(), Verdict::Fail, "{report}");
    let report = check_gradient(
        &squared_relu(scale as f32, at as f32),
        &|_: &[f32]| vec![0.0],
        &[at as f32],
        &cfg,
    )
    .unwrap();
    assert_ne!(report.verdict(), Verdict::Fail, "f32: {report}");
    // The slope of a linear term beside it is still read to the claim's 1 %.
    let tilted = |x: &[f64]| squared_relu(scale, at)(x) + scale * x[0];
    for claim in [1.01 * scale, 0.99 * scale] {
        let report = check_gradient(&tilted, &|_: &[f64]| vec![claim], &[at], &cfg).unwrap();
        assert_eq!(report.verdict(), Verdict::Fail, "{claim}: {report}");
    }
}

/// The squared hinge $\max(0, 1 - w \cdot u)^2$ exactly at its margin (an
/// L2-SVM's loss): its gradient is 0 there, and reads so, alone or beside a
/// regularizer whose claim sets the row's scale.
#[test]
fn a_squared_hinge_at_its_margin_is_not_failed() {
    let u = [0.5, 2.0];
    let hinge = |w: &[f64]| (1.0 - (u[0] * w[0] + u[1] * w[1])).max(0.0).powi(2);
    let grad = |w: &[f64]| {
        let m = (1.0 - (u[0] * w[0] + u[1] * w[1])).max(0.0);
        vec![-2.0 * m * u[0], -2.0 * m * u[1]]
    };
    let at_margin = [1.0, 0.25];
    let cfg = CheckConfig::default();
    let report = check_gradient(&hinge, &grad, &at_margin, &cfg).unwrap();
    assert_ne!(report.verdict(), Verdict::Fail, "{report}");
    let regularized = |w: &[f64]| hinge(w) + 0.5 * (w[0] * w[0] + w[1] * w[1]);
    let regularized_grad = |w: &[f64]| {
        let g = grad(w);
        vec![g[0] + w[0], g[1] + w[1]]
    };
    let report = check_gradient(&regularized, &regularized_grad, &at_margin, &cfg).unwrap();
    assert_eq!(report.verdict(), Verdict::Pass, "{report}");
    // Dropping the hinge's slope past the margin is no kink there: caught
    // just inside it.
    let inside = [0.9, 0.25];
    let report =
        check_gradient(&regularized, &|w: &[f64]| vec![w[0], w[1]], &inside, &cfg).unwrap();
    assert_eq!(report.verdict(), Verdict::Fail, "{report}");
}

/// Huber's loss of the residual $x - 0.3$ exactly at its threshold $\pm\delta$:
/// f'' jumps from 1 to 0 there, the derivative is $\pm\delta$ (by hand).
#[rstest]
#[case(1.0)]
#[case(0.1)]
#[case(1e-3)]
fn huber_at_its_threshold_passes_its_derivative_and_fails_a_wrong_one(#[case] delta: f64) {
    let huber = move |x: &[f64]| {
        let r = x[0] - 0.3;
        if r.abs() <= delta {
            0.5 * r * r
        } else {
            delta * (r.abs() - 0.5 * delta)
        }
    };
    let cfg = CheckConfig::default();
    for side in [1.0, -1.0] {
        let at = [0.3 + side * delta];
        let report = check_gradient(&huber, &|_: &[f64]| vec![side * delta], &at, &cfg).unwrap();
        assert_eq!(report.verdict(), Verdict::Pass, "{report}");
        let wrong = side * delta * 1.01;
        let report = check_gradient(&huber, &|_: &[f64]| vec![wrong], &at, &cfg).unwrap();
        assert_eq!(report.verdict(), Verdict::Fail, "{report}");
    }
}

/// A kink read under bars coarser than `max_resolution` of the row's
/// largest claim resolves nothing, as a pass would not. A LeakyReLU kink of
/// slopes $10^{-11}$ and $10^{-9}$ beside a value of 1 is read under bars of
/// about $2\cdot10^{-12}$: the claim $10^{-11}$ (the 0.01 convention) is then
/// resolved to only 18 % of itself, and claims 5 % and 10 % past the larger
/// slope were admitted as lying on it (a band of a tenth of the gap). Each
/// is Inconclusive with the reason, never Kink.
#[rstest]
#[case(0.01)]
#[case(1.05)]
#[case(1.1)]
fn a_kink_under_coarse_bars_is_inconclusive(#[case] claim: f64) {
    let leaky = |x: &[f64]| 1.0 + 1e-9 * if x[0] > 0.0 { x[0] } else { 0.01 * x[0] };
    let cfg = CheckConfig::default();
    let report = check_gradient(&leaky, &|_: &[f64]| vec![claim * 1e-9], &[0.0], &cfg).unwrap();
    assert_eq!(report.verdict(), Verdict::Inconclusive, "{report}");
    let reason = report.inconclusive_reason().unwrap();
    assert!(reason.contains("max_resolution"), "{reason}");
    assert!(report.resolution() > cfg.max_resolution, "{report}");
}

/// The same kinks where the bars resolve the claim stay kinks: a claim
/// between the slopes of $10^{-9}$, and the 0.01 convention at the scale of f.
#[test]
fn a_kink_under_fine_bars_stays_a_kink() {
    let cfg = CheckConfig::default();
    for (scale, claim) in [(1e-9, 0.5e-9), (1.0, 0.01), (1.0, 1.0)] {
        let leaky = move |x: &[f64]| 1.0 + scale * if x[0] > 0.0 { x[0] } else { 0.01 * x[0] };
        let report = check_gradient(&leaky, &|_: &[f64]| vec![claim], &[0.0], &cfg).unwrap();
        assert_eq!(report.verdict(), Verdict::Kink, "{report}");
        assert!(report.resolution() <= cfg.max_resolution, "{report}");
    }
}

/// An `f32` LayerNorm of two inputs, 3.150276 and 3.145708 (spread 0.0046,
/// below the steps' reach of $\sqrt{10^{-5}}$): its Jacobian's entries are
/// about 212, and a claim without the mean term is 100 % off. The slopes'
/// bars reach 1000 there, so that claim read Kink; it must not be ok.
#[test]
fn an_f32_layernorm_jacobian_without_its_mean_term_is_not_a_kink() {
    use gradient_oracle::check_jacobian;
    use gradient_oracle::nalgebra::DMatrix;
    fn normalized(x: &[f32]) -> (f32, Vec<f32>) {
        let n = x.len() as f32;
        let mean = x.iter().sum::<f32>() / n;
        let var = x.iter().map(|v| (v - mean) * (v - mean)).sum::<f32>() / n;
        let r = 1.0 / (var + 1e-5).sqrt();
        (r, x.iter().map(|v| (v - mean) * r).collect())
    }
    let jacobian = |x: &[f32], mean_term: bool| {
        let (r, y) = normalized(x);
        let n = x.len();
        DMatrix::from_fn(n, n, |i, j| {
            let delta = if i == j { 1.0 } else { 0.0 };
            let mean = if mean_term { 1.0 / n as f32 } else { 0.0 };
            r * (delta - mean - y[i] * y[j] / n as f32)
        })
    };
    let x = [3.150_276_f32, 3.145_708];
    let cfg = CheckConfig::default();
    let f = |x: &[f32]| normalized(x).1;
    let wrong = check_jacobian(&f, &|x: &[f32]| jacobian(x, false), &x, &cfg).unwrap();
    assert!(!wrong.verdict().is_ok(), "{wrong}");
    let right = check_jacobian(&f, &|x: &[f32]| jacobian(x, true), &x, &cfg).unwrap();
    assert_ne!(right.verdict(), Verdict::Fail, "{right}");
}

/// A sum of $10^4$ terms rounds near $100\varepsilon|f|$, and $|f|$ here is
/// $1.3\cdot10^7$ while the derivative is 9.6: every level of the kink
/// analysis is rounding, its gap never stands clear of it, and the levels'
/// steps shrink tenfold each, so the last level's bar (1710) was a thousand
/// times the central step's. That bar decided: a claim 10 % off read
/// Inconclusive with a tolerance of 1710. Where no level's gap ever stood
/// clear, a kink the central step straddles moves its central difference by
/// at most half its gap, so that step's estimate, with that allowance and
/// its truncation, decides: 10 % off fails, and 1 % off is Inconclusive at a
/// resolution of 2 %, not 177.
#[test]
fn a_sum_whose_levels_show_no_kink_is_judged_at_its_central_step() {
    let k = |i: usize| 1.0 + (i % 7) as f64 * 0.1;
    let shift = |i: usize| 50.0 + (i * 37 % 101) as f64 / 50.0 - 1.0;
    let weight = |i: usize| if (i * 7919) % 13 < 6 { 1e-3 } else { -1e-3 };
    let f = move |x: &[f64]| {
        (0..10_000).fold(48.0 * x[0], |acc, i| {
            let v = shift(i) + weight(i) * x[0];
            (acc + (v * k(i)).sin()) + 0.5 * v * v
        })
    };
    let g = move |x: &[f64]| {
        48.0 + (0..10_000)
            .map(|i| {
                let v = shift(i) + weight(i) * x[0];
                weight(i) * (k(i) * (v * k(i)).cos() + v)
            })
            .sum::<f64>()
    };
    let cfg = CheckConfig::default();
    let off = |by: f64| move |x: &[f64]| vec![g(x) * (1.0 + by)];
    let report = check_gradient(&f, &off(0.1), &[0.0], &cfg).unwrap();
    assert_eq!(report.verdict(), Verdict::Fail, "{report}");
    let report = check_gradient(&f, &off(0.01), &[0.0], &cfg).unwrap();
    assert_ne!(report.verdict(), Verdict::Pass, "{report}");
    assert!(report.resolution() < 0.05, "{report}");
    let right = check_gradient(&f, &off(0.0), &[0.0], &cfg).unwrap();
    assert_eq!(right.verdict(), Verdict::Pass, "{right}");
}
