//! The wide steps' look (`wide_steps.rs`): an intermediate rounded to `f32`
//! near its own stationary point moves in stairs wider than the small steps,
//! which then read only the rest of f. The exact claim carries the stairs'
//! slope and must not read Fail; a claim wrong by more than that slope still
//! does.

use gradient_oracle::{CheckConfig, CheckReport, Evidence, Verdict, check_gradient};

/// $f(x) = \mathrm{f32}(c\sin x) + d\sin(bx)$, the f32 term's stationary
/// point at $\pi/2$.
const C: f64 = 1.9125114691761376;
const D: f64 = -1.9543485908544058;
const B: f64 = 0.9150300608296201;

fn f(p: &[f64]) -> f64 {
    f64::from((C * p[0].sin()) as f32) + D * (B * p[0]).sin()
}

/// The derivative of the unrounded function, by hand.
fn exact(x: f64) -> f64 {
    C * x.cos() + D * B * (B * x).cos()
}

/// H1: every entry called Pass or Kink is within twice its tolerance of
/// the truth, `truth[input]`.
fn ok_entries_hold(report: &CheckReport, truth: &[f64]) {
    for e in report.entries().iter().filter(|e| e.outcome.is_ok()) {
        assert!(
            (e.analytic - truth[e.input]).abs() <= 2.0 * e.tolerance,
            "{report}"
        );
    }
}

fn checked(x: f64, claim: f64) -> CheckReport {
    check_gradient(&f, &|_: &[f64]| vec![claim], &[x], &CheckConfig::default()).unwrap()
}

/// At $x = \pi/2 + \delta$ the f32 term's stairs ($2^{-23}$ of 1.9) are
/// $W = 2^{-23}/(1.9\,\delta)$ wide: $2\cdot10^{-4}$ to $4\cdot10^{-3}$ here,
/// far above the small steps ($10^{-5}$). The small steps read the slope of
/// the sine alone, $1.9\delta$ (4e-5 to 2e-4) away from the exact claim,
/// and read it Fail with a bar of 1.5e-6 before the wide look.
#[test]
fn an_f32_intermediate_near_its_stationary_point_fails_no_exact_claim() {
    for delta in [3e-5, 5e-5, 1e-4, 2e-4, 3e-4] {
        let x = std::f64::consts::FRAC_PI_2 + delta;
        let report = checked(x, exact(x));
        assert_ne!(report.verdict(), Verdict::Fail, "delta {delta}: {report}");
        ok_entries_hold(&report, &[exact(x)]);
        if report.entries()[0].outcome == Verdict::Inconclusive {
            assert_eq!(
                report.entries()[0].evidence,
                Evidence::ScalesDisagree,
                "{report}"
            );
            let reason = report.inconclusive_reason().unwrap_or_default();
            assert!(
                reason.contains("stairs wider than the small steps"),
                "{reason}"
            );
        }
    }
}

/// A claim wrong by far more than the stairs' slope is never ok: the wide
/// steps read the truth too and do not hold it (where the stairs are about
/// as wide as the kink analysis's steps, 2e-4 here, the check may resolve
/// too little to decide, and says so: Inconclusive). A claim 0.2 % off is
/// ok only within its tolerance.
#[test]
fn a_wrong_claim_near_the_stationary_point_is_never_ok() {
    for delta in [3e-5, 1e-4, 3e-4] {
        let x = std::f64::consts::FRAC_PI_2 + delta;
        for claim in [exact(x) * 1.01, -exact(x)] {
            let report = checked(x, claim);
            assert!(!report.verdict().is_ok(), "delta {delta}: {report}");
        }
        ok_entries_hold(&checked(x, exact(x) * 1.002), &[exact(x)]);
    }
    // Where the stairs are 6e-4 wide (delta 1e-4), all three are Fail.
    let x = std::f64::consts::FRAC_PI_2 + 1e-4;
    for claim in [exact(x) * 1.01, exact(x) * 1.002, -exact(x)] {
        assert_eq!(checked(x, claim).verdict(), Verdict::Fail);
    }
}

/// On a smooth f with no stairs the wide steps agree with the small ones:
/// a claim 1e-4 off, which the wide look reads too, keeps its Fail.
#[test]
fn a_smooth_function_keeps_a_small_miss_failing() {
    let g = |p: &[f64]| C * p[0].sin() + D * (B * p[0]).sin();
    for x in [0.3, 1.57, 2.0] {
        let claim = exact(x) * (1.0 + 1e-4);
        let report =
            check_gradient(&g, &|_: &[f64]| vec![claim], &[x], &CheckConfig::default()).unwrap();
        assert_eq!(report.verdict(), Verdict::Fail, "x {x}: {report}");
    }
}

/// The kink analysis can shrink its steps into one plateau of stairs that
/// are not wide at all: f32(1.28 softplus(x0)) + f32(0.69 exp(x1/4)) +
/// 1.91 sin(0.95 x0) at (-0.666, 1.666) moves one f32 unit per 2.8e-7
/// along x0, and central differences at 1e-7 read the sine alone, 23 % below
/// the exact claim (a Fail with a bar of 1.3e-6 before the wide look).
#[test]
fn steps_shrunk_into_a_plateau_fail_no_exact_claim() {
    let softplus = |v: f64| (1.0 + v.exp()).ln();
    let sigmoid = |v: f64| 1.0 / (1.0 + (-v).exp());
    let (c0, c1, b0, d) = (
        1.2750910614147375,
        0.6855531556550252,
        0.9517421482101095,
        1.9131446515182786,
    );
    let x = [-0.6663456142686264, 1.666394129448002];
    let f = |p: &[f64]| {
        let own = (c0 * softplus(p[0])) as f32 + (c1 * (p[1] / 4.0).exp()) as f32;
        f64::from(own) + d * (b0 * p[0]).sin()
    };
    let exact = vec![
        c0 * sigmoid(x[0]) + d * b0 * (b0 * x[0]).cos(),
        c1 * (x[1] / 4.0).exp() / 4.0,
    ];
    let report =
        check_gradient(&f, &|_: &[f64]| exact.clone(), &x, &CheckConfig::default()).unwrap();
    assert_ne!(report.verdict(), Verdict::Fail, "{report}");
    ok_entries_hold(&report, &exact);
    let mut flipped = exact.clone();
    flipped[0] = -flipped[0];
    let report = check_gradient(
        &f,
        &|_: &[f64]| flipped.clone(),
        &x,
        &CheckConfig::default(),
    )
    .unwrap();
    assert_eq!(report.verdict(), Verdict::Fail, "{report}");
}
