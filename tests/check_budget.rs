//! The noise and tolerance budget (`src/check/budget.rs`,
//! `noise_model.rs`): one tolerance per entry, built from the rounding at the
//! deciding step, the measured noise, the truncation estimate and the
//! relative floor $64\varepsilon$, or the user's `atol`/`rtol` instead.

use gradient_oracle::{CheckConfig, Verdict, check_gradient};

fn smooth(x: &[f64]) -> f64 {
    x[0].sin() * x[1] + (0.5 * x[1]).exp()
}

fn smooth_grad(x: &[f64]) -> Vec<f64> {
    vec![x[0].cos() * x[1], x[0].sin() + 0.5 * (0.5 * x[1]).exp()]
}

#[test]
fn the_tolerance_of_a_clean_function_is_a_few_ulps_per_step() {
    let x = [0.3, 1.7];
    let report = check_gradient(&smooth, &smooth_grad, &x, &CheckConfig::default()).unwrap();
    assert_eq!(report.verdict(), Verdict::Pass);
    // Rounding over the first pass's step (about 1e-4) bounds it: 16 eps |f| / h
    // is under 1e-10 here.
    for e in report.entries() {
        assert!(e.tolerance < 1e-9, "{report}");
        assert!(e.tolerance > 0.0);
    }
    assert!(report.resolution() <= 1e-8, "{}", report.resolution());
}

#[test]
fn the_tolerance_scales_with_the_size_of_f() {
    // The same derivative under a constant of 1e6 added to f: its rounding,
    // and so the tolerance, grows with |f|.
    let x = [0.3, 1.7];
    let plain = check_gradient(&smooth, &smooth_grad, &x, &CheckConfig::default()).unwrap();
    let lifted = |x: &[f64]| smooth(x) + 1e6;
    let big = check_gradient(&lifted, &smooth_grad, &x, &CheckConfig::default()).unwrap();
    assert_eq!(big.verdict(), Verdict::Pass, "{big}");
    let ratio = big.entries()[0].tolerance / plain.entries()[0].tolerance;
    assert!(ratio > 1e4, "{ratio}");
}

#[test]
fn user_tolerances_replace_the_derived_ones() {
    let x = [0.3, 1.7];
    let loose = CheckConfig {
        atol: Some(1e-3),
        ..CheckConfig::default()
    };
    let off = |x: &[f64]| {
        let mut g = smooth_grad(x);
        g[1] += 5e-4;
        g
    };
    let report = check_gradient(&smooth, &off, &x, &loose).unwrap();
    assert_eq!(report.verdict(), Verdict::Pass, "{report}");
    assert!(report.entries().iter().all(|e| e.tolerance == 1e-3));
    // The default budget catches what the loose one let through.
    let strict = check_gradient(&smooth, &off, &x, &CheckConfig::default()).unwrap();
    assert_eq!(strict.verdict(), Verdict::Fail, "{strict}");
}

#[test]
fn measured_noise_widens_the_bars_of_a_noisy_function_only() {
    // A deterministic function whose values carry 1e-13 of pseudo-noise (a
    // hash of the input, 500 ulps of f): the measured noise enters the
    // tolerance, and a claim off by far more than that still fails.
    let jitter = |x: &[f64]| {
        let bits = x[0].to_bits() ^ x[1].to_bits().rotate_left(17);
        let u = (bits.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 11) as f64 / (1u64 << 53) as f64;
        1e-13 * (2.0 * u - 1.0)
    };
    let f = |x: &[f64]| smooth(x) + jitter(x);
    let x = [0.3, 1.7];
    let report = check_gradient(&f, &smooth_grad, &x, &CheckConfig::default()).unwrap();
    assert!(report.verdict().is_ok(), "{report}");
    let clean = check_gradient(&smooth, &smooth_grad, &x, &CheckConfig::default()).unwrap();
    assert!(report.resolution() > clean.resolution());
    let off = |x: &[f64]| smooth_grad(x).iter().map(|g| g * 1.01).collect::<Vec<_>>();
    assert_eq!(
        check_gradient(&f, &off, &x, &CheckConfig::default())
            .unwrap()
            .verdict(),
        Verdict::Fail
    );
}
