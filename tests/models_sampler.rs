//! The seeded sampler: placements hold, draws repeat from a seed, bad
//! settings are errors.

use gradient_oracle::{Activation, Objective, OracleError, Placement, Sampler};
use rand::SeedableRng;
use rand::rngs::StdRng;

#[test]
fn a_seed_repeats_its_draws() {
    for sampler in Sampler::sheet_models(&Activation::ALL) {
        let draw = |seed| {
            let mut rng = StdRng::seed_from_u64(seed);
            (0..5)
                .map(|_| sampler.sample(&mut rng, Placement::Anywhere).unwrap())
                .map(|s| (s.objective, s.point))
                .collect::<Vec<_>>()
        };
        assert_eq!(draw(9), draw(9));
        assert_ne!(draw(9), draw(10));
    }
}

#[test]
fn at_kink_puts_a_switch_exactly_at_zero() {
    for sampler in Sampler::sheet_models(&[Activation::Relu, Activation::Sigmoid]) {
        let mut rng = StdRng::seed_from_u64(4);
        for _ in 0..100 {
            let s = sampler.sample(&mut rng, Placement::AtKink).unwrap();
            assert_eq!(
                s.at_kink,
                s.objective.kink_distance(&s.point) == 0.0,
                "{s:?}"
            );
            match sampler.name() {
                "softmax" => {
                    assert!(!s.at_kink);
                    assert_eq!(s.point[0].to_bits(), s.point[1].to_bits(), "tied logits");
                }
                "softmax_hinge" => assert!(s.at_kink),
                "chain" => {
                    let Objective::Chain { activations, .. } = &s.objective else {
                        panic!("a chain sampler draws chains")
                    };
                    let kinky = activations.iter().any(|a| !a.is_smooth());
                    assert_eq!(
                        s.at_kink, kinky,
                        "all-sigmoid chains have no kink to aim at"
                    );
                }
                _ => {} // the network only when D >= 2
            }
        }
    }
}

#[test]
fn away_from_kinks_keeps_every_switch_away() {
    for sampler in Sampler::sheet_models(&Activation::ALL) {
        let mut rng = StdRng::seed_from_u64(8);
        for _ in 0..100 {
            let s = sampler
                .sample(&mut rng, Placement::AwayFromKinks(0.05))
                .unwrap();
            assert!(!s.at_kink);
            assert!(s.objective.kink_distance(&s.point) > 0.05);
        }
    }
}

#[test]
fn fixed_sizes_are_kept() {
    let sampler = Sampler::Mlp {
        samples: 16..=16,
        inputs: 2..=2,
        hidden: 8..=8,
    };
    let mut rng = StdRng::seed_from_u64(1);
    let s = sampler.sample(&mut rng, Placement::Anywhere).unwrap();
    assert_eq!(s.point.len(), 8 * 2 + 8);
    let hinge = Sampler::SoftmaxHinge {
        classes: 10..=10,
        margin: 0.5..=0.5,
        boost_label: true,
    };
    let s = hinge.sample(&mut rng, Placement::Anywhere).unwrap();
    assert_eq!(s.point.len(), 10);
    assert!(matches!(
        s.objective,
        Objective::SoftmaxHinge { margin, .. } if margin.to_bits() == 0.5f64.to_bits()
    ));
}

#[test]
fn bad_settings_are_errors() {
    let mut rng = StdRng::seed_from_u64(1);
    let bad = [
        Sampler::Chain {
            activations: vec![],
        },
        Sampler::Mlp {
            #[allow(clippy::reversed_empty_ranges)] // the empty range is the point
            samples: 3..=1,
            inputs: 1..=2,
            hidden: 1..=2,
        },
        Sampler::Softmax {
            classes: 1..=1,
            scales: vec![1.0],
        },
        Sampler::Softmax {
            classes: 2..=3,
            scales: vec![f64::NAN],
        },
        Sampler::SoftmaxHinge {
            classes: 2..=3,
            margin: 1.0..=f64::INFINITY,
            boost_label: false,
        },
    ];
    for sampler in bad {
        assert!(
            matches!(
                sampler.sample(&mut rng, Placement::Anywhere),
                Err(OracleError::InvalidParameter { .. })
            ),
            "{sampler:?}"
        );
    }
    let chain = &Sampler::sheet_models(&[Activation::Relu])[0];
    for d in [f64::NAN, -1.0] {
        assert!(chain.sample(&mut rng, Placement::AwayFromKinks(d)).is_err());
    }
    // No chain keeps |s| above 1e300: the redraws give up with a reason.
    let err = chain
        .sample(&mut rng, Placement::AwayFromKinks(1e300))
        .unwrap_err();
    assert!(err.to_string().contains("draws did not reach"), "{err}");
}

/// A point aimed at a ReLU chain's kink is a kink the checker sees: the
/// sampler redraws points whose kink is hidden behind a dead unit upstream.
#[test]
fn aimed_relu_chain_points_are_kinks_the_checker_sees() {
    let sampler = Sampler::Chain {
        activations: vec![Activation::Relu],
    };
    let mut rng = StdRng::seed_from_u64(12);
    for _ in 0..40 {
        let s = sampler.sample(&mut rng, Placement::AtKink).unwrap();
        let report = gradient_oracle::check_objective(
            &s.objective,
            &s.point,
            &gradient_oracle::CheckConfig::default(),
        )
        .unwrap();
        assert_eq!(
            report.verdict(),
            gradient_oracle::Verdict::Kink,
            "{s:?}: {report}"
        );
    }
}
