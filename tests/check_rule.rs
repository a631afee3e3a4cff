//! The verdict rule's last word (`src/check/rule.rs`): a non-finite claim
//! fails, a non-finite estimate or tolerance is inconclusive, `forbid_kinks`
//! makes a kink a failure, and the negative control exposes a check that
//! cannot tell a 0.1 % error.

use gradient_oracle::{CONTROL_OFFSET, CheckConfig, Verdict, check_gradient};

fn abs(x: &[f64]) -> f64 {
    x[0].abs() + x[1] * x[1]
}

#[test]
fn a_non_finite_claim_fails_wherever_it_is() {
    for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        let report = check_gradient(
            &|x: &[f64]| x[0] * x[0],
            &|_: &[f64]| vec![bad],
            &[0.5],
            &CheckConfig::default(),
        )
        .unwrap();
        assert_eq!(report.verdict(), Verdict::Fail, "{bad}");
    }
}

#[test]
fn forbid_kinks_turns_only_kinks_into_failures() {
    let x = [0.0, 0.5];
    let sub = |_: &[f64]| vec![0.3, 1.0];
    let allowed = check_gradient(&abs, &sub, &x, &CheckConfig::default()).unwrap();
    assert_eq!(allowed.verdict(), Verdict::Kink, "{allowed}");
    let strict = CheckConfig::default().forbid_kinks();
    let forbidden = check_gradient(&abs, &sub, &x, &strict).unwrap();
    assert_eq!(forbidden.verdict(), Verdict::Fail, "{forbidden}");
    // The smooth coordinate still passes under the strict rule.
    assert_eq!(forbidden.entries()[1].outcome, Verdict::Pass);
    let smooth = check_gradient(
        &abs,
        &|x: &[f64]| vec![1.0, 2.0 * x[1]],
        &[0.7, 0.5],
        &strict,
    );
    assert_eq!(smooth.unwrap().verdict(), Verdict::Pass);
}

#[test]
fn the_negative_control_is_caught_by_a_sharp_check_and_not_by_a_loose_one() {
    let f = |x: &[f64]| 1e-3 * (x[0] * x[0] + x[1]);
    let g = |x: &[f64]| vec![2e-3 * x[0], 1e-3];
    let x = [0.5, 0.25];
    let sharp = CheckConfig::default().with_negative_control();
    let report = check_gradient(&f, &g, &x, &sharp).unwrap();
    assert_eq!(report.verdict(), Verdict::Pass, "{report}");
    let control = report.negative_control().expect("the control ran");
    assert!(control.caught(), "{report}");
    assert!(report.to_string().contains("caught"), "{report}");
    let loose = CheckConfig {
        atol: Some(1.0),
        ..CheckConfig::default()
    }
    .with_negative_control();
    let report = check_gradient(&f, &g, &x, &loose).unwrap();
    assert_eq!(report.verdict(), Verdict::Inconclusive, "{report}");
    assert!(report.inconclusive_reason().unwrap().contains("0.1 %"));
    assert_eq!(CONTROL_OFFSET, 1e-3);
}

/// The Jacobian of an `f32` LayerNorm of two inputs 0.0046 apart at 3.15:
/// $y = \pm d/\sqrt{d^2 + \epsilon}$ rounds far above its slopes' scale, and a
/// claim without the mean term ($J_{00} = 212$ against one-sided slopes of 71
/// and 110) read **Kink** under error bars of 1000. A kink that only the
/// slopes' bars admit, by more than `max_resolution` of the row's largest
/// claim, decides nothing.
#[test]
fn a_kink_admitted_only_by_coarse_bars_is_inconclusive() {
    use gradient_oracle::check_jacobian;
    use gradient_oracle::nalgebra::DMatrix;
    let layernorm = |x: &[f32]| {
        let mu = (x[0] + x[1]) / 2.0;
        let var = ((x[0] - mu) * (x[0] - mu) + (x[1] - mu) * (x[1] - mu)) / 2.0;
        let r = 1.0 / (var + 1e-5).sqrt();
        vec![(x[0] - mu) * r, (x[1] - mu) * r]
    };
    let no_mean = |x: &[f32]| {
        let mu = (x[0] + x[1]) / 2.0;
        let var = ((x[0] - mu) * (x[0] - mu) + (x[1] - mu) * (x[1] - mu)) / 2.0;
        let r = 1.0 / (var + 1e-5).sqrt();
        let xh = [(x[0] - mu) * r, (x[1] - mu) * r];
        // The -1/n of the mean term dropped.
        DMatrix::from_fn(2, 2, |i, j| {
            r * (if i == j { 1.0 } else { 0.0 } - xh[i] * xh[j] / 2.0)
        })
    };
    let x = [3.150_276_f32, 3.145_708];
    let report = check_jacobian(&layernorm, &no_mean, &x, &CheckConfig::default()).unwrap();
    assert_eq!(report.verdict(), Verdict::Inconclusive, "{report}");
    let reason = report.inconclusive_reason().unwrap();
    assert!(reason.contains("error bars"), "{reason}");
}
