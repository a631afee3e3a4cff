//! Ridders' method with adaptive steps against closed-form derivatives: the
//! error scaled by max(1, |f'|), the evaluation count, and what its checks
//! guard against (a kink beyond the probe, a length scale shorter than it).

use std::cell::Cell;

use gradient_oracle::numeric::adaptive::{
    AdaptiveRiddersConfig, adaptive_ridders, adaptive_ridders_gradient,
};
use gradient_oracle::numeric::extrapolation::{Extrapolated, RiddersConfig, ridders};
use rstest::rstest;

fn scaled_error(numeric: f64, exact: f64) -> f64 {
    (numeric - exact).abs() / exact.abs().max(1.0)
}

/// The estimate of f' at `x` (one coordinate), with its evaluation count.
fn estimate(f: impl Fn(f64) -> f64, x: f64) -> (Extrapolated<f64>, usize) {
    let calls = Cell::new(0);
    let mut g = |v: &[f64]| {
        calls.set(calls.get() + 1);
        f(v[0])
    };
    let mut point = [x];
    let r = adaptive_ridders(&mut g, &mut point, 0, &AdaptiveRiddersConfig::default());
    assert_eq!(point, [x], "x is restored");
    assert_eq!(r.evaluations, calls.get());
    (r, calls.get())
}

#[rstest]
// A large loss of long length scale: rounding wants long steps.
#[case::offset_sine(|x: f64| 10.0 + (3.0 * x).sin(), |x: f64| 3.0 * (3.0 * x).cos(), 0.4)]
#[case::flat_on_a_loss_of_nine(|x: f64| 9.0 + 1e-3 * x.tanh(), |x: f64| 1e-3 / x.cosh().powi(2), 0.3)]
// A short length scale: truncation wants short steps.
#[case::steep_tanh(|x: f64| (20.0 * x).tanh(), |x: f64| 20.0 / (20.0 * x).cosh().powi(2), 0.05)]
#[case::runge(|x: f64| 1.0 / (1.0 + 25.0 * x * x), |x: f64| -50.0 * x / (1.0 + 25.0 * x * x).powi(2), 0.3)]
#[case::exponential(|x: f64| x.exp(), |x: f64| x.exp(), 2.0)]
#[case::logistic(|x: f64| 1.0 / (1.0 + (-x).exp()), |x: f64| { let s = 1.0 / (1.0 + (-x).exp()); s * (1.0 - s) }, -1.3)]
// Far from the origin the probe grows like sqrt(|x|).
#[case::cubic_far_out(|x: f64| x * x * x, |x: f64| 3.0 * x * x, 1e4)]
#[case::log_far_out(|x: f64| x.ln(), |x: f64| 1.0 / x, 250.0)]
fn smooth_functions_are_within_1e_12_with_8_evaluations(
    #[case] f: fn(f64) -> f64,
    #[case] exact: fn(f64) -> f64,
    #[case] x: f64,
) {
    let (r, evaluations) = estimate(f, x);
    let value = r.value;
    assert_eq!(evaluations, 8);
    let error = scaled_error(value, exact(x));
    assert!(
        error <= 1e-12,
        "error {error:e}: {value} against {}",
        exact(x)
    );
}

/// 3 + sin(3x) + |x - 0.012| / 2 at 0, where the offset's rounding makes
/// long steps attractive: the kink lies beyond the probe (2p = 0.0078) but
/// inside the step that moving up would take (4p = 0.0156). The
/// h^2 law fails there, the last pair goes below the probe instead, and the
/// estimate keeps its accuracy. With the check switched off (an infinite
/// window) the steps move up across the kink and only two of them are clean.
#[test]
fn a_kink_beyond_the_probe_stops_the_steps_from_moving_up() {
    let f = |v: &[f64]| 3.0 + (3.0 * v[0]).sin() + 0.5 * (v[0] - 0.012).abs();
    let exact = 3.0 - 0.5;
    let checked = adaptive_ridders(
        &mut |v: &[f64]| f(v),
        &mut [0.0],
        0,
        &AdaptiveRiddersConfig::default(),
    );
    let error = scaled_error(checked.value, exact);
    assert!(error <= 1e-12, "error {error:e}");
    let unchecked = adaptive_ridders(
        &mut |v: &[f64]| f(v),
        &mut [0.0],
        0,
        &AdaptiveRiddersConfig {
            window: f64::INFINITY,
            ..AdaptiveRiddersConfig::default()
        },
    );
    let unchecked_error = scaled_error(unchecked.value, exact);
    assert!(unchecked_error > 1e-10, "unchecked {unchecked_error:e}");
}

/// sin(3x) + |x - 0.0015| / 2 at 0: the kink lies between p/4 = 0.00098 and
/// p/2 = 0.00195, so of the probe's neighbours only p/4 is clean. D(p/4),
/// D(p) and D(2p) break the h^2 law, the last pair goes to p/8 rather than
/// p/2, and two clean steps extrapolate the estimate (one clean step alone
/// would be off by about 4.5 (p/4)^2 = 4e-6).
#[test]
fn a_kink_inside_the_probe_sends_the_last_pair_further_down() {
    let f = |x: f64| (3.0 * x).sin() + 0.5 * (x - 0.0015).abs();
    let exact = 3.0 - 0.5;
    let value = estimate(f, 0.0).0.value;
    let error = scaled_error(value, exact);
    assert!(error <= 1e-9, "error {error:e}");
}

/// On a loss of 10 whose slope is tiny the fixed ladder's finest step 2^-9
/// leaves more than 1e-12 of rounding; the adaptive steps move up.
#[test]
fn a_rounding_limited_loss_is_resolved_where_the_fixed_ladder_is_not() {
    // Nine hinge-like terms near 1 and a small smooth slope, as in the
    // protocol's softmax hinge with margin 1.
    let f = |x: f64| {
        (0..9)
            .map(|j| 1.0 + 0.1 * ((j as f64) + 0.3 * x).sin())
            .sum::<f64>()
    };
    let exact = |x: f64| {
        (0..9)
            .map(|j| 0.03 * ((j as f64) + 0.3 * x).cos())
            .sum::<f64>()
    };
    let mut worst_adaptive = 0.0f64;
    let mut worst_fixed = 0.0f64;
    for k in 0..200 {
        let x = -1.0 + 0.01 * k as f64;
        let value = estimate(f, x).0.value;
        worst_adaptive = worst_adaptive.max(scaled_error(value, exact(x)));
        let fixed = ridders(
            &mut |v: &[f64]| f(v[0]),
            &mut [x],
            0,
            &RiddersConfig::default(),
        );
        worst_fixed = worst_fixed.max(scaled_error(fixed.value, exact(x)));
    }
    assert!(worst_adaptive <= 1e-12, "adaptive {worst_adaptive:e}");
    assert!(worst_fixed > worst_adaptive, "fixed {worst_fixed:e}");
}

/// In f32 the probe grows like the optimal step of an eighth-order scheme,
/// and the error stays near that scheme's rounding-truncation balance
/// eps^(8/9) |f| (times 10).
#[test]
fn f32_is_accurate_to_its_precision() {
    let f = |x: &[f32]| 2.0 + (3.0 * x[0]).sin() * x[1].exp();
    let x = [0.4f32, -0.3];
    let r = adaptive_ridders_gradient(f, &x, &AdaptiveRiddersConfig::default());
    let exact = [
        3.0 * (1.2f64).cos() * (-0.3f64).exp(),
        (1.2f64).sin() * (-0.3f64).exp(),
    ];
    let bound = 10.0 * (f32::EPSILON as f64).powf(8.0 / 9.0) * 3.0;
    for (e, exact) in r.iter().zip(exact) {
        let error = scaled_error(e.value as f64, exact);
        assert!(error <= bound, "error {error:e} > {bound:e}");
        assert_eq!(e.evaluations, 8);
    }
}

/// On a line the differences agree to the last bit or differ by rounding
/// alone, so the tableau's own estimate can be 0; the error reported keeps
/// the rounding bound of the entry returned, and covers the actual error.
#[test]
fn the_error_never_claims_more_than_rounding_allows() {
    for x in [0.3, -2.0, 7.5] {
        let mut f = |v: &[f64]| 10.0 + v[0];
        let r = adaptive_ridders(&mut f, &mut [x], 0, &AdaptiveRiddersConfig::default());
        let sigma = 2.0 * f64::EPSILON * (10.0 + x).abs();
        assert!(r.error >= sigma, "{r:?}");
        assert!((r.value - 1.0).abs() <= r.error, "{r:?}");
    }
}

/// The gradient form visits every coordinate and leaves x as it was.
#[test]
fn the_gradient_form_estimates_every_coordinate() {
    let f = |x: &[f64]| x[0] * x[1].sin() + (x[2] * x[0]).exp();
    let x = [0.3f64, -1.1, 0.7];
    let exact = [
        x[1].sin() + x[2] * (x[2] * x[0]).exp(),
        x[0] * x[1].cos(),
        x[0] * (x[2] * x[0]).exp(),
    ];
    let r = adaptive_ridders_gradient(f, &x, &AdaptiveRiddersConfig::default());
    for (e, exact) in r.iter().zip(exact) {
        assert!(
            scaled_error(e.value, exact) <= 1e-12,
            "{e:?} against {exact}"
        );
        assert!(e.error.is_finite());
    }
}

proptest::proptest! {
    /// A + B sin(w x + phi) over wide ranges of offset (|A| < 100), amplitude
    /// and length scale (1/w from 0.05 to 10): the estimate is within the
    /// rounding that its finest possible
    /// step p/4 = 2^-10 sqrt(max(1, |x|)) allows (20 eps (|A| + |B|) / (p/4),
    /// ten times the extrapolation's amplification of 2 eps |f| per
    /// evaluation), plus 1e-12 of the derivative's scale.
    #[test]
    fn offset_sines_are_within_their_rounding(
        offset in -100.0f64..100.0,
        amplitude in 0.1f64..2.0,
        frequency in 0.1f64..20.0,
        phase in 0.0f64..6.3,
        x in -3.0f64..3.0,
    ) {
        let f = |v: f64| offset + amplitude * (frequency * v + phase).sin();
        let exact = amplitude * frequency * (frequency * x + phase).cos();
        let (r, evaluations) = estimate(f, x);
        proptest::prop_assert_eq!(evaluations, 8);
        let finest = (2f64).powi(-10) * x.abs().max(1.0).sqrt();
        let rounding = 20.0 * f64::EPSILON * (offset.abs() + amplitude) / finest;
        let bound = rounding + 1e-12 * exact.abs().max(1.0);
        let error = (r.value - exact).abs();
        proptest::prop_assert!(error <= bound, "error {:e} > {:e}", error, bound);
    }
}
