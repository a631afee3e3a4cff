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
