//! Activation values, derivatives and kinks against hand-derived values.

use approx::assert_abs_diff_eq;
use gradient_oracle::{Activation, LEAKY_RELU_SLOPE};
use rstest::rstest;

// Values by hand: sigmoid(0) = 1/2, tanh(0) = 0, softplus(0) = ln 2,
// sigmoid(ln 3) = 3/4 (e^{ln 3} / (1 + e^{ln 3})), tanh(ln 2) = (4-1)/(4+1) = 3/5.
#[rstest]
#[case::identity(Activation::Identity, -1.5, -1.5, 1.0)]
#[case::sigmoid_zero(Activation::Sigmoid, 0.0, 0.5, 0.25)]
#[case::sigmoid_ln3(Activation::Sigmoid, 3f64.ln(), 0.75, 0.1875)]
#[case::sigmoid_neg_ln3(Activation::Sigmoid, -(3f64.ln()), 0.25, 0.1875)]
#[case::tanh_zero(Activation::Tanh, 0.0, 0.0, 1.0)]
#[case::tanh_ln2(Activation::Tanh, 2f64.ln(), 0.6, 0.64)]
#[case::relu_pos(Activation::Relu, 2.5, 2.5, 1.0)]
#[case::relu_neg(Activation::Relu, -2.5, 0.0, 0.0)]
#[case::relu_zero_sheet_convention(Activation::Relu, 0.0, 0.0, 0.0)]
#[case::leaky_pos(Activation::LeakyRelu, 3.0, 3.0, 1.0)]
#[case::leaky_neg(Activation::LeakyRelu, -3.0, -0.03, 0.01)]
#[case::leaky_zero(Activation::LeakyRelu, 0.0, 0.0, 0.01)]
#[case::softplus_zero(Activation::Softplus, 0.0, 2f64.ln(), 0.5)]
#[case::softplus_ln3(Activation::Softplus, 3f64.ln(), 4f64.ln(), 0.75)]
fn value_and_derivative_by_hand(
    #[case] f: Activation,
    #[case] x: f64,
    #[case] value: f64,
    #[case] derivative: f64,
) {
    assert_abs_diff_eq!(f.value(x), value, epsilon = 1e-15);
    assert_abs_diff_eq!(f.derivative(x), derivative, epsilon = 1e-15);
}

#[rstest]
fn extreme_inputs_stay_finite(#[values(-1e308, -745.0, -700.0, 700.0, 745.0, 1e308)] x: f64) {
    for f in Activation::ALL {
        let v = f.value(x);
        let d = f.derivative(x);
        assert!(v.is_finite() || f == Activation::Identity, "{f}({x}) = {v}");
        assert!(d.is_finite(), "{f}'({x}) = {d}");
    }
}

#[test]
fn softplus_tail_is_not_lost() {
    // ln(1 + e^{-40}) = e^{-40} to 1e-35 relative: the naive form would give 0 only
    // for much larger |x|, but ln(1 + e^x) at x = -40 must still be ~4.25e-18.
    assert_abs_diff_eq!(
        Activation::Softplus.value(-40.0),
        (-40f64).exp(),
        epsilon = 1e-30
    );
    assert_abs_diff_eq!(Activation::Softplus.value(800.0), 800.0, epsilon = 0.0);
}

#[test]
fn kinks_and_one_sided_derivatives() {
    assert_eq!(Activation::Relu.kinks(), &[0.0]);
    assert_eq!(Activation::LeakyRelu.kinks(), &[0.0]);
    for f in Activation::SMOOTH {
        assert!(f.is_smooth());
        let (l, r) = f.one_sided_derivatives(0.3);
        assert_abs_diff_eq!(l, r, epsilon = 0.0);
    }
    assert_eq!(Activation::Relu.one_sided_derivatives(0.0), (0.0, 1.0));
    assert_eq!(
        Activation::LeakyRelu.one_sided_derivatives(0.0),
        (LEAKY_RELU_SLOPE, 1.0)
    );
}

#[test]
fn derivatives_agree_with_dual_numbers() {
    use num_dual::{Dual64, first_derivative};
    for f in Activation::ALL {
        for x in [-3.0, -0.7, 0.2, 1.9, 30.0] {
            let (_, d) = first_derivative(|v: Dual64| f.value(v), x);
            assert_abs_diff_eq!(f.derivative(x), d, epsilon = 1e-15);
        }
    }
}

#[test]
fn names_round_trip_and_unknown_is_an_error() {
    for f in Activation::ALL {
        assert_eq!(f.name().parse::<Activation>().unwrap(), f);
        assert_eq!(f.to_string(), f.name());
    }
    assert_eq!(
        "Leaky-ReLU".parse::<Activation>().unwrap(),
        Activation::LeakyRelu
    );
    let err = "swish".parse::<Activation>().unwrap_err();
    assert!(err.to_string().contains("swish"), "{err}");
}

#[test]
fn f32_values() {
    assert_abs_diff_eq!(Activation::Sigmoid.value(0.0_f32), 0.5_f32, epsilon = 0.0);
    assert_abs_diff_eq!(Activation::Tanh.derivative(0.0_f32), 1.0_f32, epsilon = 0.0);
}
