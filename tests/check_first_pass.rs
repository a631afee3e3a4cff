//! Step 0, the two-point look (`src/check/two_point.rs`), and step 1, the
//! first pass (`src/check/first_pass.rs`): a smooth coordinate is decided in
//! 2 evaluations, or in 3 more by the third-order stencil, whose kink
//! evidence keeps it from passing a claim across a kink inside its stencil.

use gradient_oracle::{CheckConfig, Evidence, Verdict, check_gradient};
use rstest::rstest;
mod common;

/// A cubic: the third-order stencil's truncation, $h^3 f^{(4)}/12$, is 0.
fn cubic(x: &[f64]) -> f64 {
    x[0].powi(3) - 2.0 * x[0] * x[1] + 0.5 * x[1].powi(3)
}

/// Its gradient, by hand.
fn cubic_grad(x: &[f64]) -> Vec<f64> {
    vec![
        3.0 * x[0] * x[0] - 2.0 * x[1],
        -2.0 * x[0] + 1.5 * x[1] * x[1],
    ]
}

/// Where the two-point look's truncation, $0.618h^2 f'''/6$ at
/// $h = 6\cdot10^{-6}$ (about $2\cdot10^{-11}$ here), is under its bar
/// ($4\varepsilon\nu/h$, $\nu \approx |f| + \sum_j|x_ja_j|$), it decides in 2
/// evaluations per coordinate; near 0, where f and the claims are small, its
/// bar is $2\cdot10^{-13}$ and the first pass decides, 3 evaluations more.
#[rstest]
#[case(&[0.7, -1.3], Evidence::TwoPoint, 2)]
#[case(&[12.0, 0.25], Evidence::TwoPoint, 2)]
#[case(&[-3.5, 40.0], Evidence::TwoPoint, 2)]
#[case(&[0.01, 0.02], Evidence::HigherOrder, 5)]
#[case(&[-0.02, 0.01], Evidence::HigherOrder, 5)]
fn a_smooth_coordinate_passes_at_the_two_point_look_or_the_first_pass(
    #[case] x: &[f64],
    #[case] evidence: Evidence,
    #[case] per_coordinate: usize,
) {
    let report = check_gradient(&cubic, &cubic_grad, x, &CheckConfig::default()).unwrap();
    assert_eq!(report.verdict(), Verdict::Pass, "{report}");
    for e in report.entries() {
        assert_eq!(e.evidence, evidence, "{report}");
        // The third-order stencil is exact on a cubic, the two-point look off
        // by its truncation: within 1e-8 of the claim either way.
        assert!(e.abs_error <= 1e-8 * e.analytic.abs().max(1.0), "{report}");
    }
    assert_eq!(
        report.evaluations(),
        1 + per_coordinate * x.len(),
        "{report}"
    );
}

#[test]
fn an_error_of_one_part_in_a_million_is_not_passed_by_the_first_pass() {
    let x = [0.7, -1.3];
    let off = |x: &[f64]| {
        let mut g = cubic_grad(x);
        g[0] *= 1.0 + 1e-6;
        g
    };
    let report = check_gradient(&cubic, &off, &x, &CheckConfig::default()).unwrap();
    assert_eq!(report.verdict(), Verdict::Fail, "{report}");
    assert_eq!(report.failures().len(), 1);
    assert_eq!(report.failures()[0].input, 0);
}

/// ReLU plus a smooth term, with its kink at 0.
fn relu_plus_square(x: &[f64]) -> f64 {
    x[0].max(0.0) + x[0] * x[0]
}

/// A kink within the first pass's stencil ($2h_3 \approx 2.4\cdot10^{-4}$)
/// makes the fourth-order value's truncation term large; the kink evidence
/// keeps that term from passing a wrong claim (the truth is $1 + 2x$).
#[rstest]
#[case(1e-6)]
#[case(-1e-6)]
#[case(5e-5)]
#[case(1e-4)]
fn a_kink_inside_the_stencil_does_not_let_a_wrong_claim_pass(#[case] x0: f64) {
    let truth = if x0 > 0.0 { 1.0 + 2.0 * x0 } else { 2.0 * x0 };
    for claim in [0.5, truth + 0.25, -0.5] {
        let report = check_gradient(
            &relu_plus_square,
            &|_: &[f64]| vec![claim],
            &[x0],
            &CheckConfig::default(),
        )
        .unwrap();
        assert_eq!(
            report.verdict(),
            Verdict::Fail,
            "x = {x0}, claim {claim}: {report}"
        );
    }
    let right = check_gradient(
        &relu_plus_square,
        &|_: &[f64]| vec![truth],
        &[x0],
        &CheckConfig::default(),
    )
    .unwrap();
    assert_eq!(right.verdict(), Verdict::Pass, "x = {x0}: {right}");
    assert_ne!(
        right.entries()[0].evidence,
        Evidence::HigherOrder,
        "{right}"
    );
}

/// $c\,s(x) - d\,e^{bx/4}$ with deterministic noise of amplitude `r` times
/// $1 + |c| + |d|$ (one hashed value per point, the same at every call), and
/// its exact derivative without the noise. `smooth` is softplus or $x^2/2$.
fn noisy_sum(
    smooth: fn(f64) -> (f64, f64),
    c: f64,
    b: f64,
    d: f64,
    r: f64,
) -> (impl Fn(&[f64]) -> f64, impl Fn(f64) -> f64) {
    let size = 1.0 + c.abs() + d.abs();
    let f = move |p: &[f64]| {
        c * smooth(p[0]).0 + d * (b * p[0] / 4.0).exp() + r * size * common::hashed(p[0])
    };
    let exact = move |t: f64| c * smooth(t).1 + d * b / 4.0 * (b * t / 4.0).exp();
    (f, exact)
}

fn softplus(t: f64) -> (f64, f64) {
    ((1.0 + t.exp()).ln(), 1.0 / (1.0 + (-t).exp()))
}

fn half_square(t: f64) -> (f64, f64) {
    (t * t / 2.0, t)
}

/// Deterministic noise makes the fourth differences at $h_3$ and $2h_3$
/// random; one draw in ten grows sixteenfold and reads as the $h^4$ law,
/// whose bar $|n_3 - n_4|/16$ is then the noise's, not $n_4$'s error. The
/// two-point look's values, 20 times finer, show the noise, and the first
/// pass no longer passes on that bar (property seeds 38 and 44: a claim
/// $10^{-4}$ off passed with a tolerance of $4\cdot10^{-8}$, one 1 % off
/// with $9\cdot10^{-5}$). Whatever the verdict, a pass or a kink holds the
/// claim within twice its tolerance of the exact derivative.
#[rstest]
#[case(softplus, 0.4728102340114577, 0.13259595633317076, -1.6790639512742744, -1.895589845782796, 1e-9, 1.0001)]
#[case(half_square, 0.4070312174124524, 0.5639800623889785, -1.4795906218301746, -0.40747813360185364, 1e-6, 1.01)]
fn deterministic_noise_that_mimics_the_h4_law_passes_nothing_beyond_its_bar(
    #[case] smooth: fn(f64) -> (f64, f64),
    #[case] c: f64,
    #[case] b: f64,
    #[case] d: f64,
    #[case] x0: f64,
    #[case] r: f64,
    #[case] off: f64,
) {
    let (f, exact) = noisy_sum(smooth, c, b, d, r);
    let claim = |p: &[f64]| vec![off * exact(p[0])];
    let report = check_gradient(&f, &claim, &[x0], &CheckConfig::default()).unwrap();
    let e = &report.entries()[0];
    if matches!(e.outcome, Verdict::Pass | Verdict::Kink) {
        let error = (e.analytic - exact(x0)).abs();
        assert!(error <= 2.0 * e.tolerance, "{error:e}\n{report}");
    }
    // A claim 1 % off stands 4 times its bar once the noise is measured.
    assert!(off < 1.001 || report.verdict() == Verdict::Fail, "{report}");
}
