//! One coordinate's walk (`src/check/walk.rs`, `probe.rs`): the probe width
//! narrows where f is not finite at a probe, so steps stay inside f's domain;
//! where no width helps, the entry is Inconclusive, never Pass or Kink.

mod common;

use common::ok_or_unresolvable;
use gradient_oracle::{CheckConfig, Evidence, Verdict, check_gradient};
use rstest::rstest;

/// Steps that would cross into $x_0 < 0$ narrow until they fit; a 1 % error
/// fails, or, where the rounding of f at the narrow steps cannot show 1 %
/// (f near 2 next to a root of $10^{-12}$), the check is Inconclusive, with
/// the resolution it reached: no Pass is vacuous.
#[rstest]
#[case(1e-12, 0.3)]
#[case(1e-12, 2.0)]
#[case(1e-9, 2.0)]
#[case(1e-6, 2.0)]
#[case(3e-3, 2.0)]
fn a_root_near_the_edge_of_its_domain_is_checked_inside_it(#[case] x0: f64, #[case] x1: f64) {
    let f = |x: &[f64]| x[0].sqrt() + x[1];
    let exact = 0.5 / x0.sqrt();
    let cfg = CheckConfig::default();
    let right = check_gradient(&f, &|_: &[f64]| vec![exact, 1.0], &[x0, x1], &cfg).unwrap();
    assert!(ok_or_unresolvable(&right), "{right}");
    let off = check_gradient(&f, &|_: &[f64]| vec![exact * 1.01, 1.0], &[x0, x1], &cfg).unwrap();
    match off.verdict() {
        Verdict::Fail => assert_eq!(off.failures()[0].input, 0),
        Verdict::Inconclusive => assert!(off.resolution() >= 1e-2, "{off}"),
        other => panic!("{other}: {off}"),
    }
    if x1 < 1.0 || x0 > 1e-9 {
        assert_eq!(off.verdict(), Verdict::Fail, "{off}");
    }
}

#[test]
fn at_the_edge_of_the_domain_the_entry_is_inconclusive() {
    // sqrt at 0: NaN on the left at every width, infinite slope on the right.
    let f = |x: &[f64]| x[0].sqrt();
    for claim in [0.0, 1.0, 1e6] {
        let report = check_gradient(
            &f,
            &|_: &[f64]| vec![claim],
            &[0.0],
            &CheckConfig::default(),
        )
        .unwrap();
        assert_eq!(
            report.verdict(),
            Verdict::Inconclusive,
            "claim {claim}: {report}"
        );
        assert!(report.inconclusive_reason().is_some());
    }
}

#[test]
fn each_coordinate_keeps_its_own_width() {
    // A large coordinate next to a tiny one: each is checked at a step scaled
    // to itself (3e6 next to 1e-7), and a 1 % error in either is caught.
    let f = |x: &[f64]| (x[0] / 1e6).sin() * 1e6 + x[1].ln();
    let grad = |x: &[f64]| vec![(x[0] / 1e6).cos(), 1.0 / x[1]];
    let x = [3e6, 1e-7];
    let cfg = CheckConfig::default();
    let right = check_gradient(&f, &grad, &x, &cfg).unwrap();
    assert_eq!(right.verdict(), Verdict::Pass, "{right}");
    for i in 0..2 {
        let off = |x: &[f64]| {
            let mut g = grad(x);
            g[i] *= 1.01;
            g
        };
        let report = check_gradient(&f, &off, &x, &cfg).unwrap();
        assert_eq!(report.verdict(), Verdict::Fail, "{report}");
        assert_eq!(report.failures()[0].input, i);
    }
}

/// The domain ends at x: f = x² for x ≤ 0.5 and NaN beyond (and the mirror
/// image). The one-sided derivative from the finite side, 1, judges the claim:
/// 1 passes, 7 and -40 fail, in the per-coordinate check and in the fast mode.
#[rstest]
#[case(false)]
#[case(true)]
fn at_a_domain_edge_the_finite_side_judges_the_claim(#[case] fast: bool) {
    let left = |x: &[f64]| if x[0] <= 0.5 { x[0] * x[0] } else { f64::NAN };
    let right = |x: &[f64]| if x[0] >= 0.5 { x[0] * x[0] } else { f64::NAN };
    let cfg = if fast {
        CheckConfig::default().directional(4)
    } else {
        CheckConfig::default()
    };
    for f in [&left as &dyn Fn(&[f64]) -> f64, &right] {
        let report = check_gradient(f, &|_: &[f64]| vec![1.0], &[0.5], &cfg).unwrap();
        assert_eq!(report.verdict(), Verdict::Pass, "{report}");
        for claim in [7.0, -40.0, 1.001] {
            let report = check_gradient(f, &|_: &[f64]| vec![claim], &[0.5], &cfg).unwrap();
            assert_eq!(report.verdict(), Verdict::Fail, "claim {claim}: {report}");
            assert_eq!(report.failures()[0].evidence, Evidence::DomainEdge);
        }
    }
}

/// f finite at x only (NaN at every probe): no side can judge, so any claim
/// is Inconclusive, with the reason.
#[test]
fn a_function_finite_only_at_x_is_inconclusive_for_any_claim() {
    let f = |x: &[f64]| {
        if x == [0.5, -0.25] { 1.0 } else { f64::NAN }
    };
    for claim in [[100.0, -100.0], [0.0, 0.0]] {
        let report = check_gradient(
            &f,
            &|_: &[f64]| claim.to_vec(),
            &[0.5, -0.25],
            &CheckConfig::default(),
        )
        .unwrap();
        assert_eq!(report.verdict(), Verdict::Inconclusive, "{report}");
        assert!(report.inconclusive_reason().is_some(), "{report}");
    }
}
