//! ECnoise against noise of a known size (an independent, deterministic
//! pseudo-random perturbation), and its two failure signals.

use gradient_oracle::numeric::noise::{NoiseLevel, ecnoise, estimate_noise};
use rstest::rstest;

/// A deterministic value in [-1, 1] from the bits of `t` (splitmix64): noise
/// of standard deviation 1/sqrt(3), unrelated to any smooth trend.
fn hashed_unit(t: f64) -> f64 {
    let mut z = t.to_bits().wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^= z >> 31;
    (z >> 11) as f64 / (1u64 << 52) as f64 - 1.0
}

#[rstest]
#[case(1e-12)]
#[case(1e-9)]
#[case(1e-6)]
fn ecnoise_measures_a_known_noise_within_a_factor_two(#[case] amplitude: f64) {
    let sigma = amplitude / 3f64.sqrt();
    let f =
        |x: &[f64]| (1.5 * x[0]).sin() + x[1] * x[1] + amplitude * hashed_unit(x[0] + 3.0 * x[1]);
    let x = [0.4, -0.7];
    let f0 = [f(&x)];
    let (estimate, evaluations) =
        estimate_noise(&mut |p: &[f64], out: &mut [f64]| out[0] = f(p), &x, &f0);
    let estimate = estimate[0].expect("measurable");
    assert!(
        estimate > sigma / 2.0 && estimate < 2.0 * sigma,
        "{estimate:e} against {sigma:e}"
    );
    assert!((14..=42).contains(&evaluations), "{evaluations}");
}

#[test]
fn equal_values_say_the_step_is_too_small() {
    assert_eq!(ecnoise(&[1.0f64; 8]), NoiseLevel::StepTooSmall);
}

#[test]
fn a_smooth_trend_without_noise_says_the_step_is_too_large() {
    // exp at a step of 0.01: every difference order is the smooth part, with no sign change.
    let values: Vec<f64> = (0..8).map(|k| (0.01 * k as f64).exp()).collect();
    assert_eq!(ecnoise(&values), NoiseLevel::StepTooLarge);
    // Values spread by more than 10 %.
    let wide: Vec<f64> = (0..8).map(|k| 1.0 + k as f64).collect();
    assert_eq!(ecnoise(&wide), NoiseLevel::StepTooLarge);
}

#[test]
fn a_kink_at_the_point_does_not_pass_for_noise() {
    // |x_0| * 1e-3 with a kink exactly at x: each side alone is smooth.
    let f = |x: &[f64]| 1.0 + 1e-3 * x[0].abs() + x[1];
    let x = [0.0, 0.5];
    let f0 = [f(&x)];
    let (estimate, _) = estimate_noise(&mut |p: &[f64], out: &mut [f64]| out[0] = f(p), &x, &f0);
    // The rounding of values near 1.5 is about 1e-16; the kink would read as ~1e-9.
    assert!(estimate[0].unwrap_or(0.0) < 1e-14, "{estimate:?}");
}
