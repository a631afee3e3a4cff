//! The noisy stage (`src/check/noisy.rs`): a function whose value changes
//! from call to call is detected, its noise measured, and the claim judged
//! with error bars from that noise, never Kink for a smooth f.

use std::sync::atomic::AtomicU64;

mod common;

use common::{smooth, smooth_grad, uniform};
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
