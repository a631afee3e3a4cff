//! The noisy stage (`src/check/noisy.rs`): a function whose value changes
//! from call to call is detected, its noise measured, and the claim judged
//! with error bars from that noise, never Kink for a smooth f.

use std::sync::atomic::AtomicU64;

mod common;

use common::{hashed, smooth, smooth_grad, uniform};
use gradient_oracle::{CheckConfig, Verdict, check_gradient};

fn cfg() -> CheckConfig {
    CheckConfig::default()
}

fn verdict(f: &dyn Fn(&[f64]) -> f64, g: &dyn Fn(&[f64]) -> Vec<f64>, x: &[f64]) -> Verdict {
    check_gradient(f, g, x, &cfg()).unwrap().verdict()
}

const POINTS: [[f64; 2]; 4] = [[0.3, 0.7], [1.2, -0.4], [-0.8, 2.1], [2.5, 1.5]];

fn noisy(sigma: f64) -> impl Fn(&[f64]) -> f64 {
    let counter = AtomicU64::new(7);
    move |x: &[f64]| smooth(x) + sigma * uniform(&counter)
}

fn scaled(k: f64) -> impl Fn(&[f64]) -> Vec<f64> {
    move |x: &[f64]| smooth_grad(x).iter().map(|g| g * k).collect()
}

#[test]
fn noise_1e_10_passes_the_correct_gradient_and_fails_small_errors() {
    let f = noisy(1e-10);
    for x in POINTS {
        assert_eq!(
            verdict(&f, &smooth_grad, &x),
            Verdict::Pass,
            "correct at {x:?}"
        );
        assert_eq!(
            verdict(&f, &scaled(1.001), &x),
            Verdict::Fail,
            "0.1 % at {x:?}"
        );
        assert_eq!(
            verdict(&f, &scaled(-1.0), &x),
            Verdict::Fail,
            "sign at {x:?}"
        );
    }
}

#[test]
fn noise_1e_4_never_fails_the_correct_gradient_and_catches_ten_percent() {
    let f = noisy(1e-4);
    for x in POINTS {
        let right = verdict(&f, &smooth_grad, &x);
        assert_ne!(right, Verdict::Fail, "correct at {x:?}");
        assert_ne!(
            right,
            Verdict::Kink,
            "a smooth function is never a kink ({x:?})"
        );
        assert_eq!(
            verdict(&f, &scaled(1.1), &x),
            Verdict::Fail,
            "10 % at {x:?}"
        );
        let r = check_gradient(&f, &scaled(1.001), &x, &cfg()).unwrap();
        match r.verdict() {
            Verdict::Fail | Verdict::Inconclusive => {}
            Verdict::Pass => assert!(r.resolution() >= 1e-4, "0.1 % passed at {x:?}: {r}"),
            Verdict::Kink => panic!("0.1 % off read as a kink at {x:?}: {r}"),
        }
    }
}

/// Deterministic noise far above the measurement's cap (1e-11 to 1e-7 on an
/// f of 1, the cap being 2.3e-13): it once read as kinks at the small steps,
/// and a claim 1 % or 10 % off was reported Kink or an unresolved Pass
/// (Inconclusive, resolution 8). It stands at every point and scale, so the
/// noisy stage judges it: the correct gradient passes with a resolution
/// that says what the noise allows, and 1 %, 10 % and a flipped sign fail.
#[test]
fn deterministic_noise_above_the_cap_is_noise_not_kinks() {
    for amplitude in [1e-11, 1e-9, 1e-7] {
        let f = move |x: &[f64]| smooth(x) + amplitude * hashed(x[0] + 3.0 * x[1]);
        for x in POINTS {
            let right = check_gradient(&f, &smooth_grad, &x, &cfg()).unwrap();
            assert_eq!(
                right.verdict(),
                Verdict::Pass,
                "{amplitude:e} at {x:?}: {right}"
            );
            // The resolution is the noise's, not the claim's rounding: about
            // sigma / h over |g| with h balancing noise and truncation.
            assert!(right.resolution() < 1e-3, "{amplitude:e} at {x:?}: {right}");
            for k in [1.01, 1.1, -1.0] {
                let wrong = check_gradient(&f, &scaled(k), &x, &cfg()).unwrap();
                assert_eq!(
                    wrong.verdict(),
                    Verdict::Fail,
                    "{amplitude:e} x{k} at {x:?}: {wrong}"
                );
            }
        }
    }
}

/// A kink under call-to-call noise, $|x_0| + x_1^2/2 + \sigma u$ at $x_0 = 0$:
/// where the noise is small the claim 0.5 between the slopes is a Kink whose
/// tolerance is at least its distance from the nearest slope (as the kink
/// analysis reports); where the slopes' bars are coarser than max_resolution
/// of the row (noise $10^{-2}$: bars of 0.45), a claim 0.3 past the slopes,
/// which they admitted as a Kink, is Inconclusive with the reason.
#[test]
fn a_noisy_kink_admits_only_what_its_slopes_resolve() {
    let x = [0.0, 0.7];
    for (sigma, claim) in [(1e-8, 0.5), (1e-6, 0.5), (1e-2, 1.3), (1e-2, 0.5)] {
        let counter = AtomicU64::new(7);
        let f = |p: &[f64]| p[0].abs() + 0.5 * p[1] * p[1] + sigma * uniform(&counter);
        let g = |p: &[f64]| vec![claim, p[1]];
        let report = check_gradient(&f, &g, &x, &cfg()).unwrap();
        let e = report.entries().iter().find(|e| e.input == 0).unwrap();
        if sigma < 1e-4 {
            assert_eq!(e.outcome, Verdict::Kink, "{sigma:e} {claim}: {report}");
            assert!(
                e.tolerance >= (claim - e.numeric).abs(),
                "{sigma:e} {claim}: {report}"
            );
        } else {
            assert_eq!(
                e.outcome,
                Verdict::Inconclusive,
                "{sigma:e} {claim}: {report}"
            );
            let reason = report.inconclusive_reason().unwrap_or_default();
            assert!(reason.contains("max_resolution"), "{reason}");
        }
    }
}

/// The mean of a kink's slopes under call-to-call noise: a ReLU at
/// $x_0 = 0$, claim 0.5. The noisy stage's central estimate reads that mean
/// with a bar of $3\cdot10^{-6}$ (a straddled kink leaves no truncation in
/// it), and it read **Pass** though the slopes 0 and 1 stood apart at both
/// levels. Where they do, the central estimate passes nothing (`rule::judge`):
/// 0.5 is a subgradient at 0 (Kink), and 0.1 beside the kink, where the
/// derivative is 0, it fails.
#[test]
fn a_noisy_kink_passes_no_mean_of_its_slopes() {
    let relu = |sigma: f64| {
        let counter = AtomicU64::new(7);
        move |p: &[f64]| p[0].max(0.0) + 0.5 * p[1] * p[1] + sigma * uniform(&counter)
    };
    let mean = |p: &[f64]| vec![0.5, p[1]];
    for sigma in [1e-9, 1e-7] {
        let at_zero = check_gradient(&relu(sigma), &mean, &[0.0, 0.7], &cfg()).unwrap();
        assert_eq!(at_zero.verdict(), Verdict::Kink, "{sigma:e}: {at_zero}");
        let beside = check_gradient(&relu(sigma), &mean, &[-0.1, 0.7], &cfg()).unwrap();
        assert_eq!(beside.verdict(), Verdict::Fail, "{sigma:e}: {beside}");
        let right = |p: &[f64]| vec![0.0, p[1]];
        let beside = check_gradient(&relu(sigma), &right, &[-0.1, 0.7], &cfg()).unwrap();
        assert_eq!(beside.verdict(), Verdict::Pass, "{sigma:e}: {beside}");
    }
}
