//! The model objective type: its hand-derived derivatives against the dual
//! numbers' exact ones, its kinks against the models' own forward passes.

use gradient_oracle::{
    Activation, ChainNetwork, CheckConfig, Dataset, Mlp, Objective, OracleError, Placement,
    Sampler, Verdict, check_objective, hinge_margins, softmax_jacobian,
};
use rand::SeedableRng;
use rand::rngs::StdRng;

fn sheet_samplers() -> Vec<Sampler> {
    Sampler::sheet_models(&Activation::ALL)
}

/// Away from kinks, the hand-derived Jacobian (delta recursion, backprop,
/// closed forms) is the dual numbers' exact one to a few rounding errors.
#[test]
fn hand_derived_derivatives_are_the_exact_ones_away_from_kinks() {
    for sampler in sheet_samplers() {
        let mut rng = StdRng::seed_from_u64(11);
        for _ in 0..200 {
            let s = sampler
                .sample(&mut rng, Placement::AwayFromKinks(1e-3))
                .unwrap();
            let hand = s.objective.jacobian(&s.point).unwrap();
            let exact = s.objective.exact_jacobian(&s.point).unwrap();
            let scale = exact.amax().max(1.0);
            assert!(
                (&hand - &exact).amax() <= 1e-13 * scale,
                "{}: {hand} vs {exact}",
                sampler.name()
            );
        }
    }
}

#[test]
fn the_loss_is_the_generic_value_and_the_gradient_the_jacobian_row() {
    for sampler in sheet_samplers() {
        let mut rng = StdRng::seed_from_u64(3);
        for _ in 0..50 {
            let s = sampler.sample(&mut rng, Placement::Anywhere).unwrap();
            let values = s.objective.values(&s.point);
            if s.objective.is_scalar() {
                let loss = s.objective.loss(&s.point);
                assert!((loss - values[0]).abs() <= 1e-14 * values[0].abs().max(1.0));
                let g = s.objective.gradient(&s.point).unwrap();
                let j = s.objective.jacobian(&s.point).unwrap();
                assert_eq!((j.nrows(), j.ncols()), (1, s.point.len()));
                assert!(
                    g.iter()
                        .zip(j.iter())
                        .all(|(a, b)| a.to_bits() == b.to_bits())
                );
            } else {
                assert_eq!(values.len(), s.point.len());
                assert!(s.objective.loss(&s.point).is_nan());
            }
        }
    }
}

#[test]
fn softmax_has_a_jacobian_not_a_gradient() {
    let o = [0.5, -1.0, 2.0];
    assert!(matches!(
        Objective::Softmax.gradient(&o),
        Err(OracleError::InvalidParameter { .. })
    ));
    assert!(Objective::Softmax.exact_gradient(&o).is_err());
    assert_eq!(
        Objective::Softmax.jacobian(&o).unwrap(),
        softmax_jacobian(&o).unwrap()
    );
    assert!(Objective::Softmax.kinks(&o).is_empty());
    assert_eq!(Objective::Softmax.kink_distance(&o), f64::INFINITY);
}

#[test]
fn the_chain_kinks_are_its_non_smooth_pre_activations() {
    let activations = vec![Activation::Relu, Activation::Tanh, Activation::LeakyRelu];
    let chain = Objective::Chain {
        activations: activations.clone(),
        x_in: 0.8,
        y_gt: 0.3,
    };
    let w = [1.5, -0.4, 2.0];
    let fwd = ChainNetwork::new(w.to_vec(), activations)
        .unwrap()
        .forward(0.8, 0.3)
        .unwrap();
    let kinks = chain.kinks(&w);
    assert_eq!(kinks.len(), 2, "tanh has no kink");
    assert_eq!(
        (kinks[0].location.as_str(), kinks[0].value),
        ("s_1", fwd.s[0])
    );
    assert_eq!(
        (kinks[1].location.as_str(), kinks[1].value),
        ("s_3", fwd.s[2])
    );
    assert!(
        chain.kinks(&w[..2]).is_empty(),
        "a point the model rejects has none"
    );
}

#[test]
fn the_network_kinks_are_every_hidden_pre_activation() {
    let (mlp, data) = (Mlp::sheet(), Dataset::sheet());
    let net = Objective::Mlp {
        hidden: mlp.hidden(),
        data: data.clone(),
    };
    let p = mlp.parameters();
    let kinks = net.kinks(&p);
    let batch = mlp.forward_backward(&data).unwrap();
    assert_eq!(kinks.len(), data.len() * mlp.hidden());
    for (n, sample) in batch.samples.iter().enumerate() {
        for j in 0..mlp.hidden() {
            let k = &kinks[n * mlp.hidden() + j];
            assert_eq!(k.location, format!("sample {n}, hidden unit {j}"));
            assert!(
                (k.value - sample.s[j]).abs() <= 1e-15,
                "{k:?} vs {}",
                sample.s[j]
            );
        }
    }
}

#[test]
fn the_hinge_kinks_are_its_terms_distances_to_the_margin() {
    let hinge = Objective::SoftmaxHinge {
        label: 1,
        margin: 0.4,
    };
    let o = [2.0, 1.0, 0.1, -0.5];
    let terms = hinge_margins(&o, 1, 0.4).unwrap();
    let kinks = hinge.kinks(&o);
    assert_eq!(kinks.len(), 3);
    for k in &kinks {
        let j: usize = k
            .location
            .trim_start_matches("hinge term ")
            .parse()
            .unwrap();
        assert_eq!(Some(k.value), terms[j]);
    }
    assert!(
        hinge.kinks(&[1.0]).is_empty(),
        "one logit: rejected, no kinks"
    );
}

/// The model's own backward pass is never a Fail, on or off its kinks
/// (the `check` command's claim, here on fixed seeds).
#[test]
fn check_objective_never_fails_the_models_own_backward_pass() {
    let cfg = CheckConfig::default();
    for sampler in sheet_samplers() {
        let mut rng = StdRng::seed_from_u64(5);
        let mut kinks = 0;
        for i in 0..80 {
            let placement = [Placement::Anywhere, Placement::AtKink][i % 2];
            let s = sampler.sample(&mut rng, placement).unwrap();
            let report = check_objective(&s.objective, &s.point, &cfg).unwrap();
            assert_ne!(
                report.verdict(),
                Verdict::Fail,
                "{}: {report}",
                sampler.name()
            );
            kinks += usize::from(report.verdict() == Verdict::Kink);
        }
        if sampler.name() != "softmax" {
            assert!(kinks > 0, "{}: no kink seen on its kinks", sampler.name());
        }
    }
}

/// A wrong claim on the model's own function is caught: check_objective's
/// function is the model's, whatever the claim.
#[test]
fn a_scaled_entry_against_the_objective_fails() {
    let net = Objective::Mlp {
        hidden: 3,
        data: Dataset::sheet(),
    };
    let p = Mlp::sheet().parameters();
    let mut claim = net.gradient(&p).unwrap();
    claim[4] *= 1.01;
    let report = gradient_oracle::check_gradient(
        &|q: &[f64]| net.loss(q),
        &|_: &[f64]| claim.clone(),
        &p,
        &CheckConfig::default(),
    )
    .unwrap();
    assert_eq!(report.verdict(), Verdict::Fail);
    assert_eq!(report.failures()[0].input, 4);
}

#[test]
fn bad_points_are_errors_not_panics() {
    let chain = Objective::Chain {
        activations: vec![Activation::Relu; 3],
        x_in: 1.0,
        y_gt: 0.0,
    };
    assert!(chain.gradient(&[1.0, f64::NAN, 2.0]).is_err());
    assert!(chain.gradient(&[]).is_err());
    assert!(chain.exact_gradient(&[f64::INFINITY; 3]).is_err());
    let hinge = Objective::SoftmaxHinge {
        label: 5,
        margin: 1.0,
    };
    assert!(matches!(
        hinge.gradient(&[0.0, 1.0]),
        Err(OracleError::LabelOutOfRange {
            label: 5,
            classes: 2
        })
    ));
    assert!(check_objective(&hinge, &[0.0, 1.0], &CheckConfig::default()).is_err());
}
