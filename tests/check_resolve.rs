//! Step 6, a pass that does not resolve its claim (`src/check/resolve.rs`):
//! looked at again at a wider step, where the claim moves f by far more than
//! its rounding.

mod common;

use common::*;
use gradient_oracle::{CheckConfig, Verdict, check_gradient};

/// An entry far below the function's rounding over the first steps (2e-10
/// on a function of size 11, whose rounding at h3 is 8e-12 / 1.2e-4) passes
/// the first looks whatever its value; the wider step of step 6 resolves it.
/// Reference: the exact derivative 2e-10 x1 of the written formula.
#[test]
fn a_tiny_entry_under_a_large_function_is_resolved_at_a_wider_step() {
    let f = |x: &[f64]| 10.0 + x[0].cos() + 1e-10 * x[1] * x[1];
    let right = |x: &[f64]| vec![-x[0].sin(), 2e-10 * x[1]];
    let x = [0.3, 0.5];
    let report = check_gradient(&f, &right, &x, &CheckConfig::default()).unwrap();
    assert_eq!(report.verdict(), Verdict::Pass, "{report}");
    for wrong_entry in [2e-10, 0.0, -1e-10, 5e-11] {
        let wrong = |x: &[f64]| vec![-x[0].sin(), wrong_entry];
        let report = check_gradient(&f, &wrong, &x, &CheckConfig::default()).unwrap();
        assert_eq!(
            report.verdict(),
            Verdict::Fail,
            "claim {wrong_entry:e}: {report}"
        );
        assert_eq!(report.failures()[0].input, 1, "{report}");
    }
}

/// The same on the hinge: logits over +-20 with one term within 1e-12 of its
/// margin, where two entries are 1.5e-12 on a loss of 1. Doubled, they once
/// passed every first look and failed only at the wider step; now the first
/// looks' bars (coarser than 1 % of the row's largest claim) pass nothing,
/// and the entries fail where the evidence resolves them.
#[test]
fn a_doubled_tiny_hinge_entry_fails() {
    let o = [
        -14.286771787849064,
        -12.265254527061495,
        -19.143231566906607,
        -3.708324435968784,
        -3.643559027371033,
        0.13616015267302117,
        4.162734966267703,
        7.236290434024593,
        -10.86474851527611,
        -11.287205842422976,
        -0.7408789160842773,
        -14.972824639899533,
        16.302293362983782,
        -7.253982391974763,
        -3.527286135502898,
        7.029483883776617,
        -1.4663148706690947,
        -6.6007393786986235,
        -9.883246732384938,
        -6.40826847796796,
        19.721739661368083,
        5.490552982869417,
        14.173027420806775,
        -17.394050747060348,
        5.739853537783226,
        -9.685110958703005,
        -0.04522693374943998,
        -8.545615230462742,
        4.926463643945233,
        4.395341819839054,
        -6.396958507452251,
    ];
    let (label, margin) = (8, 2.7204396105847606e-13);
    assert!(ok_or_unresolvable(&check_hinge(&o, label, margin)));
    let g = hinge_grad(label, margin);
    let doubled = |o: &[f64]| g(o).iter().map(|v| 2.0 * v).collect::<Vec<_>>();
    let report = check_gradient(
        &hinge_f(label, margin),
        &doubled,
        &o,
        &CheckConfig::default(),
    )
    .unwrap();
    assert_eq!(report.verdict(), Verdict::Fail, "{report}");
    let mut failing: Vec<usize> = report.failures().iter().map(|e| e.input).collect();
    failing.sort_unstable();
    assert_eq!(failing, [8, 20], "{report}");
    // Whichever stage decides (Ridders, since a stage whose bar is coarser
    // than max_resolution of the row passes nothing), its estimate is the
    // exact entry: half the doubled claim.
    for e in report.failures() {
        assert!(
            (e.numeric - e.analytic / 2.0).abs() <= 0.05 * e.analytic.abs(),
            "{report}"
        );
    }
}

/// Ten hinge terms within 1e-6 of their margins (margin 0.285, 26 logits)
/// put kinks along a logit at every distance: the central differences at
/// wide steps agree with each other and look smooth, yet sit 3 % off the
/// exact (dual-number) derivative. Step 6 must not fail the correct claim.
#[test]
fn crowded_hinge_kinks_do_not_fail_a_correct_claim_at_a_wider_step() {
    let o = [
        9.010939866633553,
        4.391746831924195,
        -4.363561248642038,
        -6.902222845327541,
        -0.6144247098452205,
        1.998778015291812,
        -0.3305824131630164,
        -7.836702441791132,
        3.8324740999957427,
        1.4609339682582565,
        5.517177605431339,
        8.759323490093053,
        -8.165455489339513,
        -9.153297849751262,
        3.0507961902338288,
        -6.536037603168627,
        0.18720720135731028,
        -9.738592245484048,
        -7.494617976997726,
        1.088822863174439,
        8.834433162510585,
        6.079013799336671,
        -3.501289547941102,
        -7.674038644102352,
        -8.355082678533599,
        3.770007982496516,
    ];
    let report = check_hinge(&o, 11, 2.8534886190449826e-1);
    assert!(ok_or_unresolvable(&report), "{report}");
}
