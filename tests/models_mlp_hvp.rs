//! Exercise 2's R-operator Hessian-vector product: against the hyper-dual
//! Hessian, through check_hvp, its classic slip caught, a ReLU exactly at 0.

use gradient_oracle::models::mlp_hvp::mlp_hvp_without_tanh_curvature;
use gradient_oracle::nalgebra::DVector;
use gradient_oracle::{
    CheckConfig, Dataset, Mlp, Objective, OracleError, Placement, Sampler, Verdict, check_hvp,
    mlp_hvp,
};
use rand::SeedableRng;
use rand::rngs::StdRng;

fn sheet() -> (Objective, Vec<f64>) {
    let (mlp, data) = (Mlp::sheet(), Dataset::sheet());
    (
        Objective::Mlp {
            hidden: mlp.hidden(),
            data,
        },
        mlp.parameters(),
    )
}

fn hvp_of(objective: &Objective) -> impl Fn(&[f64], &[f64]) -> Vec<f64> + '_ {
    move |p, v| {
        let Objective::Mlp { hidden, data } = objective else {
            unreachable!("a network")
        };
        mlp_hvp(p, *hidden, data, v).unwrap()
    }
}

/// Every column $H e_j$ of the R-operator is the hyper-dual Hessian's.
#[test]
fn the_r_operator_is_the_hyper_dual_hessian_at_the_sheets_weights() {
    let (net, p) = sheet();
    let exact = net.exact_hessian(&p).unwrap();
    let hvp = hvp_of(&net);
    for j in 0..p.len() {
        let mut e = vec![0.0; p.len()];
        e[j] = 1.0;
        let column = DVector::from_vec(hvp(&p, &e));
        let diff = (&column - exact.column(j)).amax();
        assert!(
            diff <= 1e-14 * exact.amax().max(1.0),
            "column {j}: {column} vs {}",
            exact.column(j)
        );
    }
}

#[test]
fn check_hvp_passes_the_r_operator_and_catches_the_missing_tanh_curvature() {
    let (net, p) = sheet();
    let grad = |q: &[f64]| net.gradient(q).unwrap();
    let report = check_hvp(&grad, &hvp_of(&net), &p, &CheckConfig::default()).unwrap();
    assert_eq!(report.verdict(), Verdict::Pass, "{report}");
    let Objective::Mlp { hidden, data } = &net else {
        unreachable!()
    };
    let slip = |q: &[f64], v: &[f64]| mlp_hvp_without_tanh_curvature(q, *hidden, data, v).unwrap();
    let report = check_hvp(&grad, &slip, &p, &CheckConfig::default()).unwrap();
    assert_eq!(report.verdict(), Verdict::Fail, "{report}");
    assert!(!report.failures().is_empty());
}

#[test]
fn check_hvp_passes_at_random_networks_away_from_kinks() {
    let sampler = Sampler::Mlp {
        samples: 1..=6,
        inputs: 1..=3,
        hidden: 1..=5,
    };
    let mut rng = StdRng::seed_from_u64(2);
    for _ in 0..40 {
        let s = sampler
            .sample(&mut rng, Placement::AwayFromKinks(1e-2))
            .unwrap();
        let grad = |q: &[f64]| s.objective.gradient(q).unwrap();
        let report = check_hvp(
            &grad,
            &hvp_of(&s.objective),
            &s.point,
            &CheckConfig::default(),
        )
        .unwrap();
        assert_eq!(report.verdict(), Verdict::Pass, "{report}");
    }
}

/// Hidden unit 0 exactly at its kink on sample 0 (the sheet's x_0 = (0.75,
/// 0.80), W_0 = (0.8, -0.75)): the gradient jumps there, and the check says
/// Kink, not Fail.
#[test]
fn a_relu_exactly_at_zero_is_a_kink_not_a_fail() {
    let data = Dataset::sheet();
    let w = vec![vec![0.8, -0.75], vec![0.70, 0.43], vec![0.00, 0.88]];
    let mlp = Mlp::from_rows(&w, &[0.02, 0.03, 0.09]).unwrap();
    assert_eq!(mlp.forward_backward(&data).unwrap().samples[0].s[0], 0.0);
    let net = Objective::Mlp { hidden: 3, data };
    let grad = |q: &[f64]| net.gradient(q).unwrap();
    let report = check_hvp(
        &grad,
        &hvp_of(&net),
        &mlp.parameters(),
        &CheckConfig::default(),
    )
    .unwrap();
    assert_eq!(report.verdict(), Verdict::Kink, "{report}");
}

#[test]
fn a_wrong_length_is_an_error() {
    let (mlp, data) = (Mlp::sheet(), Dataset::sheet());
    let p = mlp.parameters();
    assert!(matches!(
        mlp_hvp(&p, 3, &data, &[1.0; 3]),
        Err(OracleError::ShapeMismatch { .. })
    ));
    assert!(mlp_hvp(&p[1..], 3, &data, &p[1..]).is_err());
    let mut v = p.clone();
    v[0] = f64::NAN;
    assert!(mlp_hvp(&p, 3, &data, &v).is_err());
}
