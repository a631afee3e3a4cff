//! `gradient_oracle::proptest`: the strategies (box, away from kinks, on a
//! kink; shrinking toward a generic point) and the assertion macros.
#![cfg(feature = "proptest")]

use gradient_oracle::nalgebra::DMatrix;
use gradient_oracle::proptest::{
    AssertConfig, Kinks, generic_point, points_away_from, points_in_box, points_on_kink,
};
use gradient_oracle::{
    CheckConfig, Verdict, check_gradient, prop_assert_gradient, prop_assert_hessian,
    prop_assert_jacobian,
};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestError, TestRunner};

fn runner(cases: u32) -> TestRunner {
    TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    })
}

/// The minimal failing input proptest shrinks `property` to.
fn shrunk<S: Strategy<Value = Vec<f64>>>(
    strategy: &S,
    property: impl Fn(Vec<f64>) -> Result<(), TestCaseError>,
) -> Vec<f64> {
    match runner(256).run(strategy, property) {
        Err(TestError::Fail(_, x)) => x,
        other => panic!("the property should fail, got {other:?}"),
    }
}

#[test]
fn box_points_stay_in_the_box_and_shrink_toward_the_generic_point() {
    let target = generic_point(-3.0, 3.0, 4);
    // Generic: no coordinate at 0, at the centre, or equal to another.
    assert!(
        target
            .iter()
            .all(|t| t.abs() > 0.1 && (-3.0..=3.0).contains(t))
    );
    for i in 0..4 {
        for j in 0..i {
            assert!((target[i] - target[j]).abs() > 0.1, "{target:?}");
        }
    }
    let mut r = runner(200);
    let strategy = points_in_box(-3.0, 3.0, 4);
    r.run(&strategy, |x| {
        prop_assert_eq!(x.len(), 4);
        prop_assert!(x.iter().all(|v| (-3.0..=3.0).contains(v)));
        Ok(())
    })
    .unwrap();
    // A property that always fails shrinks to the generic point exactly.
    let x = shrunk(&strategy, |_| Err(TestCaseError::fail("always")));
    assert_eq!(x, target);
    // One that fails above a threshold shrinks to the threshold in that
    // coordinate (bisection), and to the generic point in the others.
    let x = shrunk(&strategy, |x| {
        prop_assert!(x[1] <= 2.5);
        Ok(())
    });
    assert!((x[1] - 2.5).abs() < 1e-6, "{x:?}");
    for i in [0, 2, 3] {
        assert_eq!(x[i], target[i], "{x:?}");
    }
}

/// A ReLU layer's switching quantities: s_i = w_i . x.
fn relu_kinks() -> Kinks {
    Kinks::new()
        .switch("s_0", |x: &[f64]| x[0] - 0.5 * x[1])
        .switch("s_1", |x: &[f64]| 0.3 * x[0] + x[2])
        .switch("s_2", |x: &[f64]| x[1] + x[2] - 0.7 * x[3])
}

fn relu_layer(x: &[f64]) -> f64 {
    let s = [
        x[0] - 0.5 * x[1],
        0.3 * x[0] + x[2],
        x[1] + x[2] - 0.7 * x[3],
    ];
    s.iter().map(|v| v.max(0.0)).sum()
}

fn relu_layer_gradient(x: &[f64]) -> Vec<f64> {
    let on = |v: f64| if v > 0.0 { 1.0 } else { 0.0 };
    let (a, b, c) = (
        on(x[0] - 0.5 * x[1]),
        on(0.3 * x[0] + x[2]),
        on(x[1] + x[2] - 0.7 * x[3]),
    );
    vec![a + 0.3 * b, -0.5 * a + c, b + c, -0.7 * c]
}

#[test]
fn points_away_from_kinks_keep_their_distance_and_check_as_pass() {
    let strategy = points_away_from(-2.0, 2.0, 4, relu_kinks(), 0.05);
    runner(300)
        .run(&strategy, |x| {
            let (_, nearest) = relu_kinks().nearest(&x).unwrap();
            prop_assert!(nearest.abs() >= 0.05, "{x:?}");
            let report = check_gradient(
                &relu_layer,
                &relu_layer_gradient,
                &x,
                &CheckConfig::default(),
            )
            .unwrap();
            prop_assert_eq!(report.verdict(), Verdict::Pass, "{}", report);
            Ok(())
        })
        .unwrap();
}

#[test]
fn points_on_a_kink_are_on_it_and_check_as_kinks() {
    for which in 0..3 {
        let strategy = points_on_kink(-2.0, 2.0, 4, relu_kinks(), which);
        runner(100)
            .run(&strategy, |x| {
                let kinks = relu_kinks();
                let active = kinks.active(&x, 1e-12);
                prop_assert!(active.contains(&["s_0", "s_1", "s_2"][which]), "{x:?}");
                prop_assert!(x.iter().all(|v| (-2.0..=2.0).contains(v)));
                let report = check_gradient(
                    &relu_layer,
                    &relu_layer_gradient,
                    &x,
                    &CheckConfig::default(),
                )
                .unwrap();
                // relu'(0) = 0 is a valid subgradient: a kink, not a failure.
                prop_assert_eq!(report.verdict(), Verdict::Kink, "{}", report);
                Ok(())
            })
            .unwrap();
    }
}

#[test]
fn the_macros_pass_right_claims_and_fail_wrong_ones_with_the_report() {
    let f = |x: &[f64]| x[0].sin() * x[1];
    let g = |x: &[f64]| vec![x[0].cos() * x[1], x[0].sin()];
    let wrong = |x: &[f64]| vec![x[0].cos() * x[1], 2.0 * x[0].sin()];
    let strategy = points_away_from(
        -2.0,
        2.0,
        2,
        Kinks::new().switch("sin x0", |x: &[f64]| x[0].sin()),
        0.1,
    );
    runner(64)
        .run(&strategy, |x| {
            prop_assert_gradient!(f, g, x);
            prop_assert_gradient!(f, g, x, CheckConfig::default());
            Ok(())
        })
        .unwrap();
    match runner(64).run(&strategy, |x| {
        prop_assert_gradient!(f, wrong, x);
        Ok(())
    }) {
        Err(TestError::Fail(reason, _)) => {
            let reason = reason.to_string();
            assert!(reason.contains("FAIL"), "{reason}");
            assert!(
                reason.contains("coordinate 1: analytic = 2 x numeric"),
                "{reason}"
            );
        }
        other => panic!("{other:?}"),
    }
    // Jacobians and Hessians, as DMatrix, rows or row-major.
    let h = |x: &[f64]| vec![vec![-x[0].sin() * x[1], x[0].cos()], vec![x[0].cos(), 0.0]];
    runner(32)
        .run(&strategy, |x| {
            prop_assert_jacobian!(g, h, x);
            prop_assert_hessian!(
                g,
                |x: &[f64]| DMatrix::from_row_iterator(2, 2, h(x).concat()),
                x
            );
            prop_assert_hessian!(g, |x: &[f64]| h(x).concat(), x);
            Ok(())
        })
        .unwrap();
}

#[test]
fn kinks_are_ok_unless_forbidden_and_inconclusive_is_never_ok() {
    let relu = |x: &[f64]| x[0].max(0.0);
    let convention = |_: &[f64]| vec![0.0];
    let mut r = runner(1);
    r.run(&Just(vec![0.0]), |x| {
        prop_assert_gradient!(relu, convention, x);
        Ok(())
    })
    .unwrap();
    let forbidden = runner(1).run(&Just(vec![0.0]), |x| {
        prop_assert_gradient!(relu, convention, x, AssertConfig::default().forbid_kinks());
        Ok(())
    });
    assert!(
        matches!(&forbidden, Err(TestError::Fail(reason, _)) if reason.to_string().contains("forbids kinks")),
        "{forbidden:?}"
    );
    // A function finite only at x: nothing to compare with, Inconclusive,
    // which fails the case, or discards it when asked.
    let island = |x: &[f64]| if x[0] == 1.0 { 1.0 } else { f64::NAN };
    let any = |_: &[f64]| vec![100.0];
    let failed = runner(1).run(&Just(vec![1.0]), |x| {
        prop_assert_gradient!(island, any, x);
        Ok(())
    });
    assert!(matches!(failed, Err(TestError::Fail(..))), "{failed:?}");
    let rejected = runner(1).run(&Just(vec![1.0]), |x| {
        prop_assert_gradient!(
            island,
            any,
            x,
            AssertConfig::default().reject_inconclusive()
        );
        Ok(())
    });
    assert!(
        matches!(rejected, Err(TestError::Abort(..))),
        "{rejected:?}"
    );
}

/// A ReLU network with an L2 regulariser whose claimed gradient forgets the
/// factor: λ w / 2 instead of λ w. proptest shrinks the failing case toward
/// the generic point, not toward w = 0 where every ReLU switches at once:
/// the minimal case is off every kink, and its failing entries are off by
/// exactly the regulariser's λ w / 2.
#[test]
fn a_wrong_regulariser_shrinks_to_a_case_that_shows_the_regulariser() {
    const LAMBDA: f64 = 0.3;
    let data = [[1.0, -0.5], [0.25, 1.5], [-1.0, 0.75]];
    // Parameters: W (2 x 2, row-major), hidden units ReLU, output sum.
    let s = move |w: &[f64], k: usize, i: usize| w[2 * i] * data[k][0] + w[2 * i + 1] * data[k][1];
    let loss = move |w: &[f64]| {
        let fit: f64 = (0..3)
            .map(|k| (0..2).map(|i| s(w, k, i).max(0.0)).sum::<f64>())
            .sum();
        fit + 0.5 * LAMBDA * w.iter().map(|v| v * v).sum::<f64>()
    };
    let wrong_grad = move |w: &[f64]| {
        let mut g = [0.0; 4];
        for k in 0..3 {
            for i in 0..2 {
                if s(w, k, i) > 0.0 {
                    g[2 * i] += data[k][0];
                    g[2 * i + 1] += data[k][1];
                }
            }
        }
        g.iter()
            .zip(w)
            .map(|(g, w)| g + 0.5 * LAMBDA * w)
            .collect::<Vec<f64>>()
    };
    let mut kinks = Kinks::new();
    for k in 0..3 {
        for i in 0..2 {
            kinks = kinks.switch(format!("sample {k}, unit {i}"), move |w: &[f64]| s(w, k, i));
        }
    }
    let x = shrunk(&points_in_box(-2.0, 2.0, 4), |w| {
        prop_assert_gradient!(loss, wrong_grad, w);
        Ok(())
    });
    let (name, nearest) = kinks.nearest(&x).unwrap();
    assert!(
        nearest.abs() > 1e-3,
        "shrunk onto the kink of {name}: {x:?}"
    );
    let report = check_gradient(&loss, &wrong_grad, &x, &CheckConfig::default()).unwrap();
    assert_eq!(report.verdict(), Verdict::Fail, "{report}");
    for e in report.failures() {
        let missing = 0.5 * LAMBDA * x[e.input];
        assert!(
            (e.numeric - e.analytic - missing).abs() <= 1e-6 * (1.0 + missing.abs()),
            "entry {}: numeric {} - claim {} is not λ w / 2 = {missing}\n{report}",
            e.input,
            e.numeric,
            e.analytic
        );
    }
}
