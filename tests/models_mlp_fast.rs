//! The fast f64 kernels against the generic model (bit for bit), against
//! nalgebra's batch products, and against dual numbers.

use approx::assert_relative_eq;
use gradient_oracle::numeric::dual::dual_gradient;
use gradient_oracle::{
    Dataset, Mlp, OracleError, mlp_loss, mlp_loss_and_gradient_f64, mlp_loss_f64,
};
use num_dual::Dual64;
use rstest::rstest;

fn case(n: usize, d: usize, h: usize) -> (Dataset, Vec<f64>) {
    let mut rng = 0.3f64;
    let mut next = || {
        rng = (rng * 9301.0 + 0.49297).fract();
        2.0 * rng - 1.0
    };
    let x: Vec<Vec<f64>> = (0..n).map(|_| (0..d).map(|_| next()).collect()).collect();
    let y: Vec<f64> = (0..n).map(|_| next()).collect();
    let data = Dataset::from_rows(&x, &y).unwrap();
    let p: Vec<f64> = (0..h * d + h).map(|_| next()).collect();
    (data, p)
}

/// The fused loss does the generic loss's operations in the same order, so the
/// two agree to the last bit, for the D = 2 fast path and the general path, and
/// for sample counts below, at and across the 8-sample register block.
#[rstest]
#[case(7, 3, 5)]
#[case(1, 2, 1)]
#[case(8, 2, 4)]
#[case(17, 2, 9)]
#[case(16, 1, 3)]
#[case(9, 4, 6)]
#[case(12, 6, 7)]
fn the_fast_loss_equals_the_generic_one_bit_for_bit(
    #[case] n: usize,
    #[case] d: usize,
    #[case] h: usize,
) {
    let (data, p) = case(n, d, h);
    let slow = mlp_loss(&p, h, &data);
    let fast = mlp_loss_f64(&p, h, &data);
    assert_eq!(slow.to_bits(), fast.to_bits(), "{slow} vs {fast}");
    assert!(mlp_loss_f64(&p[1..], h, &data).is_nan());
}

/// The fused gradient against two independent computations: nalgebra's batch
/// products (`Mlp::loss_and_gradient`) and forward-mode dual numbers on the
/// generic loss. Sums run in other orders, hence a relative 1e-13.
#[rstest]
#[case(7, 3, 5)]
#[case(1, 2, 1)]
#[case(8, 2, 4)]
#[case(17, 2, 9)]
#[case(16, 1, 3)]
#[case(9, 4, 6)]
#[case(12, 6, 7)]
#[case(64, 2, 100)]
fn the_fast_gradient_equals_the_batch_and_the_dual_one(
    #[case] n: usize,
    #[case] d: usize,
    #[case] h: usize,
) {
    let (data, p) = case(n, d, h);
    let (loss, gradient) = mlp_loss_and_gradient_f64(&p, h, &data).unwrap();
    let rows: Vec<Vec<f64>> = p[..h * d].chunks(d).map(<[f64]>::to_vec).collect();
    let mlp = Mlp::from_rows(&rows, &p[h * d..]).unwrap();
    let (batch_loss, batch_gradient) = mlp.loss_and_gradient(&data).unwrap();
    assert_eq!(loss, mlp_loss_f64(&p, h, &data));
    assert_relative_eq!(loss, batch_loss, max_relative = 1e-13);
    let (_, dual) = dual_gradient(|q: &[Dual64]| mlp_loss(q, h, &data), &p).unwrap();
    assert_eq!(gradient.len(), p.len());
    for i in 0..p.len() {
        assert_relative_eq!(
            gradient[i],
            batch_gradient[i],
            max_relative = 1e-13,
            epsilon = 1e-15
        );
        assert_relative_eq!(gradient[i], dual[i], max_relative = 1e-13, epsilon = 1e-15);
    }
}

/// relu'(0) = 0 as in the model: a pre-activation of exactly 0 sends no
/// gradient to its hidden weights.
#[test]
fn the_fast_gradient_takes_relu_prime_zero_at_zero() {
    let data = Dataset::from_rows(&[vec![1.0, 2.0]], &[0.5]).unwrap();
    // s = 2*1 + (-1)*2 = 0 exactly.
    let p = [2.0, -1.0, 0.7];
    let (_, gradient) = mlp_loss_and_gradient_f64(&p, 1, &data).unwrap();
    assert_eq!(&gradient[..2], &[0.0, 0.0]);
    assert_eq!(gradient[2], 0.0);
    let mlp = Mlp::from_rows(&[vec![2.0, -1.0]], &[0.7]).unwrap();
    assert_eq!(mlp.loss_and_gradient(&data).unwrap().1, gradient);
}

#[test]
fn a_wrong_parameter_count_is_a_shape_error() {
    let (data, p) = case(5, 2, 3);
    let err = mlp_loss_and_gradient_f64(&p[..8], 3, &data).unwrap_err();
    assert!(
        matches!(err, OracleError::ShapeMismatch { ref name, .. } if name == "params"),
        "{err}"
    );
}

#[test]
fn a_parameter_count_that_overflows_is_refused() {
    use gradient_oracle::{Dataset, mlp_loss_and_gradient_f64, mlp_loss_f64};
    let data = Dataset::sheet();
    assert!(mlp_loss_f64(&[1.0], usize::MAX / 2, &data).is_nan());
    assert!(mlp_loss_and_gradient_f64(&[1.0], usize::MAX / 2, &data).is_err());
}
