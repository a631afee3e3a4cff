//! The fast mode (`src/check/directional.rs`): random directions first, and
//! a culprit found by halving when one disagrees.

use gradient_oracle::{CheckConfig, Verdict, check_gradient};

fn cfg() -> CheckConfig {
    CheckConfig::default()
}

#[test]
fn the_fast_mode_at_scale_passes_cheaply_and_catches_one_flipped_entry() {
    let n = 100_000;
    let f = |x: &[f64]| {
        x.iter()
            .enumerate()
            .map(|(i, v)| (v * (1.0 + (i % 7) as f64 * 0.1)).sin() + 0.5 * v * v)
            .sum::<f64>()
    };
    let g = |x: &[f64]| {
        x.iter()
            .enumerate()
            .map(|(i, v)| {
                let k = 1.0 + (i % 7) as f64 * 0.1;
                k * (v * k).cos() + v
            })
            .collect::<Vec<f64>>()
    };
    let x: Vec<f64> = (0..n)
        .map(|i| ((i * 37 % 101) as f64 / 50.0) - 1.0)
        .collect();
    let fast = cfg().directional(4);
    let report = check_gradient(&f, &g, &x, &fast).unwrap();
    assert_eq!(report.verdict(), Verdict::Pass, "{report}");
    assert!(
        report.evaluations() < 1000,
        "{} evaluations",
        report.evaluations()
    );
    let flipped = |x: &[f64]| {
        let mut v = g(x);
        v[12_345] = -v[12_345];
        v
    };
    let report = check_gradient(&f, &flipped, &x, &fast).unwrap();
    assert_eq!(report.verdict(), Verdict::Fail, "{report}");
    assert!(report.directional().unwrap().failed > 0);
    let culprits: Vec<usize> = report.failures().iter().map(|e| e.input).collect();
    assert_eq!(culprits, [12_345], "{report}");
    // Halving found it: far fewer evaluations than the 3e5 of a full check.
    assert!(
        report.evaluations() < 5_000,
        "{} evaluations",
        report.evaluations()
    );
}

/// The fast mode's fallback is bounded: an error spread over all of 10^4
/// coordinates keeps every block, and the per-coordinate check runs on the
/// first `MAX_FALLBACK` only, which names the failures; the cost is bounded
/// by those (a failing coordinate goes through every stage, about 27
/// evaluations), not by the inputs (10^4 of them would take 2.7e5).
#[test]
fn the_fast_modes_fallback_checks_a_bounded_number_of_coordinates() {
    let n = 10_000;
    let f = |x: &[f64]| x.iter().map(|v| v.sin()).sum::<f64>();
    let off = |x: &[f64]| x.iter().map(|v| 1.01 * v.cos()).collect::<Vec<f64>>();
    let x: Vec<f64> = (0..n).map(|i| (i as f64 * 0.37).sin()).collect();
    let report = check_gradient(&f, &off, &x, &CheckConfig::default().directional(4)).unwrap();
    assert_eq!(report.verdict(), Verdict::Fail);
    assert!(report.entries().len() <= gradient_oracle::check::MAX_FALLBACK);
    assert!(
        report.evaluations() < 40 * gradient_oracle::check::MAX_FALLBACK,
        "{}",
        report.evaluations()
    );
}
