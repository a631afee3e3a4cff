//! Exercise 1: the chain network against products written down by hand.

use approx::{assert_abs_diff_eq, assert_relative_eq};
use gradient_oracle::{Activation, ChainNetwork, OracleError, chain_loss};
use rstest::rstest;

#[test]
fn identity_chain_gradients_are_products() {
    // s1 = 2*1.5 = 3, s2 = -1*3 = -3, s3 = 0.5*-3 = -1.5 = y_out; y_gt = 0.5, err = -2.
    // dL/dW3 = err*z2 = -2*-3 = 6; dL/dW2 = err*W3*z1 = -2*0.5*3 = -3;
    // dL/dW1 = err*W3*W2*x = -2*0.5*-1*1.5 = 1.5; L = 0.5*4 = 2.
    let net = ChainNetwork::new(vec![2.0, -1.0, 0.5], vec![Activation::Identity; 3]).unwrap();
    let fwd = net.forward(1.5, 0.5).unwrap();
    assert_eq!(fwd.s, vec![3.0, -3.0, -1.5]);
    assert_eq!(fwd.z, vec![1.5, 3.0, -3.0, -1.5]);
    assert_abs_diff_eq!(fwd.loss, 2.0, epsilon = 0.0);
    let g = net.backward(&fwd).unwrap();
    assert_eq!(g.grad_weights, vec![1.5, -3.0, 6.0]);
    assert_eq!(g.delta, vec![1.0, -1.0, -2.0]);
    let sheet = net.sheet_derivatives(&fwd).unwrap();
    assert_eq!((sheet.d_w1, sheet.d_w2, sheet.d_w_out), (1.5, -3.0, 6.0));
}

#[test]
fn relu_chain_with_dead_unit() {
    // W1 = -1 on x = 2: s1 = -2 < 0, z1 = 0, so everything downstream is 0 and
    // only dL/dW1 could flow, but relu'(-2) = 0 kills it: all gradients 0.
    let net = ChainNetwork::new(
        vec![-1.0, 3.0, 1.0],
        vec![Activation::Relu, Activation::Identity, Activation::Identity],
    )
    .unwrap();
    let (loss, g) = net.loss_and_gradient(2.0, 1.0).unwrap();
    assert_abs_diff_eq!(loss, 0.5, epsilon = 0.0);
    assert_eq!(g, vec![0.0, 0.0, 0.0]);
}

#[test]
fn tanh_depth_one_by_hand() {
    // W = ln 2 / 1 on x = 1: y_out = tanh(ln 2) = 3/5, y_gt = 0; dL/dW = 0.6 * (1 - 0.36) * 1.
    let net = ChainNetwork::new(vec![2f64.ln()], vec![Activation::Tanh]).unwrap();
    let (loss, g) = net.loss_and_gradient(1.0, 0.0).unwrap();
    assert_relative_eq!(loss, 0.18, max_relative = 1e-15);
    assert_relative_eq!(g[0], 0.6 * 0.64, max_relative = 1e-15);
}

#[rstest]
fn recursion_equals_closed_form(
    #[values(
        Activation::Identity,
        Activation::Sigmoid,
        Activation::Tanh,
        Activation::Relu,
        Activation::LeakyRelu,
        Activation::Softplus
    )]
    f: Activation,
    #[values(1, 2, 3, 4, 5, 6)] depth: usize,
) {
    let weights: Vec<f64> = (0..depth).map(|k| 0.9 - 0.35 * k as f64).collect();
    let net = ChainNetwork::new(weights, vec![f; depth]).unwrap();
    let fwd = net.forward(0.8, -0.3).unwrap();
    let recursion = net.backward(&fwd).unwrap().grad_weights;
    let closed = net.closed_form(&fwd).unwrap();
    for (a, b) in recursion.iter().zip(&closed) {
        assert_relative_eq!(*a, *b, max_relative = 1e-14, epsilon = 1e-300);
    }
    if depth == 3 {
        let s = net.sheet_derivatives(&fwd).unwrap();
        assert_relative_eq!(s.d_w1, closed[0], max_relative = 1e-14, epsilon = 1e-300);
        assert_relative_eq!(s.d_w2, closed[1], max_relative = 1e-14, epsilon = 1e-300);
        assert_relative_eq!(s.d_w_out, closed[2], max_relative = 1e-14, epsilon = 1e-300);
    }
}

#[test]
fn mixed_activations_agree_with_dual_numbers() {
    use gradient_oracle::numeric::dual::dual_gradient;
    use num_dual::Dual64;
    let acts = vec![
        Activation::Sigmoid,
        Activation::Tanh,
        Activation::Softplus,
        Activation::LeakyRelu,
    ];
    let weights = vec![0.7, -1.3, 0.4, 2.0];
    let net = ChainNetwork::new(weights.clone(), acts.clone()).unwrap();
    let (loss, g) = net.loss_and_gradient(1.1, 0.25).unwrap();
    let (value, exact) =
        dual_gradient(|w: &[Dual64]| chain_loss(w, &acts, 1.1, 0.25), &weights).unwrap();
    assert_relative_eq!(value, loss, max_relative = 1e-15);
    for (e, a) in exact.iter().zip(&g) {
        assert_relative_eq!(*e, *a, max_relative = 1e-13);
    }
}

#[test]
fn sheet_default_and_errors() {
    let net = ChainNetwork::sheet([Activation::Sigmoid, Activation::Tanh, Activation::Identity]);
    assert_eq!(net.depth(), 3);
    assert_eq!(
        ChainNetwork::<f64>::new(vec![], vec![]).unwrap_err(),
        OracleError::ZeroDepth
    );
    assert!(matches!(
        ChainNetwork::new(vec![1.0], vec![Activation::Tanh; 2]),
        Err(OracleError::ShapeMismatch { .. })
    ));
    assert!(matches!(
        ChainNetwork::new(vec![f64::NAN], vec![Activation::Tanh]),
        Err(OracleError::NonFinite { ref name, .. }) if name == "weights"
    ));
    assert!(
        matches!(net.forward(f64::INFINITY, 0.0), Err(OracleError::NonFinite { ref name, .. }) if name == "x_in")
    );
    assert!(
        matches!(net.forward(0.0, f64::NAN), Err(OracleError::NonFinite { ref name, .. }) if name == "y_gt")
    );
    let deep = ChainNetwork::new(vec![1.0; 4], vec![Activation::Tanh; 4]).unwrap();
    let fwd = deep.forward(1.0, 0.0).unwrap();
    assert!(matches!(
        deep.sheet_derivatives(&fwd),
        Err(OracleError::ShapeMismatch { .. })
    ));
    assert!(matches!(
        net.backward(&fwd),
        Err(OracleError::ShapeMismatch { .. })
    ));
}

#[test]
fn f32_chain_matches_f64() {
    let net32 = ChainNetwork::new(vec![0.5_f32, -0.8, 1.2], vec![Activation::Tanh; 3]).unwrap();
    let net64 = ChainNetwork::new(vec![0.5_f64, -0.8, 1.2], vec![Activation::Tanh; 3]).unwrap();
    let (_, g32) = net32.loss_and_gradient(1.0, 0.5).unwrap();
    let (_, g64) = net64.loss_and_gradient(1.0, 0.5).unwrap();
    for (a, b) in g32.iter().zip(&g64) {
        assert_relative_eq!(f64::from(*a), *b, max_relative = 1e-5);
    }
}

/// Exercise 1's closed-form Hessian is the hyper-dual one, and the checker
/// passes it against differences of the delta-recursion gradient.
#[test]
fn the_sheet_hessian_is_the_hyper_dual_hessian() {
    use gradient_oracle::numeric::dual::dual_hessian;
    use gradient_oracle::{Placement, Sampler, check_hessian};
    use rand::SeedableRng;
    let sampler = Sampler::Chain {
        activations: Activation::ALL.to_vec(),
    };
    let mut rng = rand::rngs::StdRng::seed_from_u64(9);
    for _ in 0..100 {
        let s = sampler
            .sample(&mut rng, Placement::AwayFromKinks(1e-3))
            .unwrap();
        let gradient_oracle::Objective::Chain {
            activations,
            x_in,
            y_gt,
        } = &s.objective
        else {
            unreachable!("a chain sampler draws chains")
        };
        let net = ChainNetwork::new(s.point.clone(), activations.clone()).unwrap();
        let hand = net
            .sheet_hessian(&net.forward(*x_in, *y_gt).unwrap())
            .unwrap();
        let exact = dual_hessian(
            |w| gradient_oracle::chain_loss(w, activations, *x_in, *y_gt),
            &s.point,
        )
        .unwrap();
        assert!(
            (&hand - &exact).amax() <= 1e-13 * exact.amax().max(1.0),
            "{activations:?}: {hand} vs {exact}"
        );
        let grad = |w: &[f64]| s.objective.gradient(w).unwrap();
        let hess = |w: &[f64]| {
            let n = ChainNetwork::new(w.to_vec(), activations.clone()).unwrap();
            n.sheet_hessian(&n.forward(*x_in, *y_gt).unwrap()).unwrap()
        };
        let report = check_hessian(
            &grad,
            &hess,
            &s.point,
            &gradient_oracle::CheckConfig::default(),
        )
        .unwrap();
        assert_eq!(
            report.verdict(),
            gradient_oracle::Verdict::Pass,
            "{activations:?}: {report}"
        );
    }
    let two = ChainNetwork::new(vec![1.0, 2.0], vec![Activation::Tanh; 2]).unwrap();
    assert!(two.sheet_hessian(&two.forward(1.0, 0.0).unwrap()).is_err());
}
