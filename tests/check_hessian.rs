//! Second-order checks: Hessians and Hessian-vector products on classic
//! functions and the sheet's models, the required mistakes caught, bad input.

use gradient_oracle::models::classic::{
    rosenbrock, rosenbrock_gradient as rosenbrock_grad, rosenbrock_hessian as rosenbrock_hess,
    tanh_chain, tanh_chain_gradient, tanh_chain_hessian,
};
use gradient_oracle::nalgebra::{DMatrix, DVector};
use gradient_oracle::numeric::dual::dual_hessian;
use gradient_oracle::{
    Activation, CheckConfig, Objective, OracleError, Placement, Sampler, Verdict, check_hessian,
    check_hvp, softmax, softmax_jacobian,
};
use num_dual::{DualNum, HyperDual64};
use proptest::prelude::*;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

fn points(seed: u64, n: usize, range: f64, count: usize) -> Vec<Vec<f64>> {
    let mut rng = StdRng::seed_from_u64(seed);
    (0..count)
        .map(|_| (0..n).map(|_| rng.random_range(-range..range)).collect())
        .collect()
}

/// The failing entries (i, j), sorted.
fn failing_entries(report: &gradient_oracle::CheckReport) -> Vec<(usize, usize)> {
    let mut failing: Vec<(usize, usize)> = report
        .failures()
        .iter()
        .map(|e| (e.output, e.input))
        .collect();
    failing.sort();
    failing
}

fn cfg() -> CheckConfig {
    CheckConfig::default()
}

#[test]
fn the_tanh_chain_by_hand_is_the_hyper_dual_hessian_and_passes() {
    for x in points(2, 8, 1.2, 20) {
        let exact = dual_hessian(|d: &[HyperDual64]| tanh_chain(d), &x).unwrap();
        let hand = tanh_chain_hessian(&x);
        assert!(
            (&hand - &exact).amax() <= 1e-15 * exact.amax().max(1.0),
            "{hand} vs {exact}"
        );
        let report = check_hessian(&tanh_chain_gradient, &tanh_chain_hessian, &x, &cfg()).unwrap();
        assert_eq!(report.verdict(), Verdict::Pass, "{report}");
    }
}

#[test]
fn rosenbrock_by_hand_is_the_hyper_dual_hessian_and_passes() {
    for x in points(1, 5, 1.5, 20) {
        let exact = dual_hessian(|d: &[HyperDual64]| rosenbrock(d), &x).unwrap();
        let hand = rosenbrock_hess(&x);
        assert!(
            (&hand - &exact).amax() <= 1e-12 * exact.amax(),
            "{hand} vs {exact}"
        );
        let report = check_hessian(&rosenbrock_grad, &rosenbrock_hess, &x, &cfg()).unwrap();
        assert_eq!(report.verdict(), Verdict::Pass, "{report}");
        let hvp = |x: &[f64], v: &[f64]| {
            (rosenbrock_hess(x) * DVector::from_column_slice(v))
                .as_slice()
                .to_vec()
        };
        let report = check_hvp(&rosenbrock_grad, &hvp, &x, &cfg()).unwrap();
        assert_eq!(report.verdict(), Verdict::Pass, "{report}");
        assert!(
            report.entries().is_empty(),
            "the random directions decide: {report}"
        );
    }
}

/// The non-symmetric A of the quadratic form $x^\top A x$ (Hessian $A + A^\top$).
fn a_matrix() -> DMatrix<f64> {
    DMatrix::from_row_slice(
        4,
        4,
        &[
            1.0, 2.0, -0.5, 0.3, //
            0.0, -1.5, 4.0, 1.2, //
            2.5, 0.7, 0.2, -3.0, //
            -1.0, 0.4, 0.9, 2.2,
        ],
    )
}

fn quad_grad(x: &[f64]) -> Vec<f64> {
    let a = a_matrix();
    let x = DVector::from_column_slice(x);
    ((&a + a.transpose()) * x).as_slice().to_vec()
}

fn quad_hess(_: &[f64]) -> DMatrix<f64> {
    let a = a_matrix();
    &a + a.transpose()
}

#[test]
fn the_quadratic_form_passes_and_its_classic_slips_fail() {
    let x = [0.4, -1.3, 2.2, 0.7];
    assert_eq!(
        check_hessian(&quad_grad, &quad_hess, &x, &cfg())
            .unwrap()
            .verdict(),
        Verdict::Pass
    );
    // A instead of A + A^T: not symmetric, and named so.
    let report = check_hessian(&quad_grad, &|_: &[f64]| a_matrix(), &x, &cfg()).unwrap();
    assert_eq!(report.verdict(), Verdict::Fail);
    assert!(
        report.diagnosis().unwrap().contains("not symmetric"),
        "{report}"
    );
    // A block of the (symmetric) claim transposed in place: rows 0-1, columns 2-3.
    let transposed_block = |x: &[f64]| {
        let mut h = quad_hess(x);
        let block = h.view((0, 2), (2, 2)).transpose();
        h.view_mut((0, 2), (2, 2)).copy_from(&block);
        h
    };
    let report = check_hessian(&quad_grad, &transposed_block, &x, &cfg()).unwrap();
    assert_eq!(report.verdict(), Verdict::Fail);
    let failing = failing_entries(&report);
    assert_eq!(failing, vec![(0, 3), (1, 2)], "{report}");
    assert!(report.diagnosis().unwrap().contains("H[0, 3]"), "{report}");
    // An HVP that multiplies by the transpose of a non-symmetric H: 2 A^T v.
    let wrong_hvp = |_: &[f64], v: &[f64]| {
        (a_matrix().transpose() * DVector::from_column_slice(v) * 2.0)
            .as_slice()
            .to_vec()
    };
    let report = check_hvp(&quad_grad, &wrong_hvp, &x, &cfg()).unwrap();
    assert_eq!(report.verdict(), Verdict::Fail, "{report}");
    assert!(report.directional().unwrap().failed > 0);
    assert!(!report.failures().is_empty(), "the fallback names entries");
}

#[test]
fn rosenbrock_slips_fail_with_the_entries_named() {
    let x = [0.3, -0.8, 1.1, 0.5, -0.2];
    let missing_cross = |x: &[f64]| {
        let mut h = rosenbrock_hess(x);
        h[(1, 2)] = 0.0;
        h[(2, 1)] = 0.0;
        h
    };
    let report = check_hessian(&rosenbrock_grad, &missing_cross, &x, &cfg()).unwrap();
    assert_eq!(report.verdict(), Verdict::Fail);
    assert!(
        report.diagnosis().unwrap().contains("missing cross term"),
        "{report}"
    );
    let doubled_diagonal = |x: &[f64]| {
        let mut h = rosenbrock_hess(x);
        for i in 0..x.len() {
            h[(i, i)] *= 2.0;
        }
        h
    };
    let report = check_hessian(&rosenbrock_grad, &doubled_diagonal, &x, &cfg()).unwrap();
    let failing = failing_entries(&report);
    assert_eq!(
        failing,
        (0..5).map(|i| (i, i)).collect::<Vec<_>>(),
        "{report}"
    );
    let one_sign = |x: &[f64]| {
        let mut h = rosenbrock_hess(x);
        h[(3, 3)] = -h[(3, 3)];
        h
    };
    let report = check_hessian(&rosenbrock_grad, &one_sign, &x, &cfg()).unwrap();
    assert_eq!(report.failures().len(), 1);
    assert_eq!(
        (report.failures()[0].output, report.failures()[0].input),
        (3, 3)
    );
    assert!(report.diagnosis().unwrap().contains("sign"), "{report}");
}

/// The Gaussian log-likelihood of data in (mu, log sigma).
#[test]
fn the_gaussian_log_likelihood_passes() {
    let data = [0.3, -1.2, 2.5, 0.8, 1.1, -0.4];
    let n = data.len() as f64;
    let grad = |p: &[f64]| {
        let (mu, s) = (p[0], p[1]);
        let var = (2.0 * s).exp();
        let sum: f64 = data.iter().map(|y| y - mu).sum();
        let sq: f64 = data.iter().map(|y| (y - mu).powi(2)).sum();
        vec![sum / var, -n + sq / var]
    };
    let hess = |p: &[f64]| {
        let (mu, s) = (p[0], p[1]);
        let var = (2.0 * s).exp();
        let sum: f64 = data.iter().map(|y| y - mu).sum();
        let sq: f64 = data.iter().map(|y| (y - mu).powi(2)).sum();
        DMatrix::from_row_slice(
            2,
            2,
            &[
                -n / var,
                -2.0 * sum / var,
                -2.0 * sum / var,
                -2.0 * sq / var,
            ],
        )
    };
    for p in points(4, 2, 1.0, 10) {
        let report = check_hessian(&grad, &hess, &p, &cfg()).unwrap();
        assert_eq!(report.verdict(), Verdict::Pass, "{report}");
    }
}

/// Exercise 3: softmax's Jacobian is the Hessian of log-sum-exp, whose
/// gradient is softmax.
#[test]
fn the_softmax_jacobian_is_the_hessian_of_log_sum_exp() {
    let mut rng = StdRng::seed_from_u64(3);
    for _ in 0..30 {
        let k = rng.random_range(2..10);
        let o: Vec<f64> = (0..k).map(|_| rng.random_range(-8.0..8.0)).collect();
        let lse = |o: &[HyperDual64]| {
            let m = o.iter().fold(f64::NEG_INFINITY, |m, v| m.max(v.re));
            o.iter()
                .fold(HyperDual64::from_re(0.0), |s, v| s + (*v - m).exp())
                .ln()
                + m
        };
        let exact = dual_hessian(lse, &o).unwrap();
        let jac = softmax_jacobian(&o).unwrap();
        assert!((&jac - &exact).amax() <= 1e-15, "{jac} vs {exact}");
        let report = check_hessian(
            &|o: &[f64]| softmax(o).unwrap(),
            &|o: &[f64]| softmax_jacobian(o).unwrap(),
            &o,
            &cfg(),
        )
        .unwrap();
        assert_eq!(report.verdict(), Verdict::Pass, "{report}");
    }
}

/// Exercises 1 and 3 (and 2): the hyper-dual Hessian of each model against
/// differences of its hand-derived gradient, away from kinks.
#[test]
fn the_models_hyper_dual_hessians_match_their_hand_gradients() {
    for sampler in [
        Sampler::Chain {
            activations: Activation::SMOOTH.to_vec(),
        },
        Sampler::Chain {
            activations: Activation::ALL.to_vec(),
        },
        Sampler::Mlp {
            samples: 1..=4,
            inputs: 2..=2,
            hidden: 1..=3,
        },
        Sampler::SoftmaxHinge {
            classes: 2..=6,
            margin: 0.0..=2.0,
            boost_label: false,
        },
    ] {
        let mut rng = StdRng::seed_from_u64(6);
        for _ in 0..20 {
            let s = sampler
                .sample(&mut rng, Placement::AwayFromKinks(1e-2))
                .unwrap();
            let grad = |p: &[f64]| s.objective.gradient(p).unwrap_or_default();
            let hess = |p: &[f64]| s.objective.exact_hessian(p).unwrap();
            let report = check_hessian(&grad, &hess, &s.point, &cfg()).unwrap();
            assert_eq!(
                report.verdict(),
                Verdict::Pass,
                "{}: {report}",
                sampler.name()
            );
        }
    }
}

#[test]
fn f32_hessians_are_checked_in_f32() {
    let grad = |x: &[f32]| vec![2.0 * x[0] * x[1], x[0] * x[0] + x[1].cos()];
    let hess = |x: &[f32]| {
        DMatrix::from_row_slice(2, 2, &[2.0 * x[1], 2.0 * x[0], 2.0 * x[0], -x[1].sin()])
    };
    let x = [1.5f32, -0.5];
    assert_eq!(
        check_hessian(&grad, &hess, &x, &cfg()).unwrap().verdict(),
        Verdict::Pass
    );
    let off = |x: &[f32]| hess(x) * 1.01;
    assert_eq!(
        check_hessian(&grad, &off, &x, &cfg()).unwrap().verdict(),
        Verdict::Fail
    );
}

#[test]
fn bad_input_is_a_typed_error() {
    let x = [0.4, -1.3, 2.2, 0.7];
    let wrong_size =
        check_hessian(&quad_grad, &|_: &[f64]| DMatrix::zeros(3, 4), &x, &cfg()).unwrap_err();
    assert!(
        matches!(&wrong_size, OracleError::ShapeMismatch { name, .. } if name == "hessian"),
        "{wrong_size}"
    );
    let short_grad = check_hessian(&|_: &[f64]| vec![0.0; 3], &quad_hess, &x, &cfg()).unwrap_err();
    assert!(matches!(&short_grad, OracleError::ShapeMismatch { name, .. } if name == "gradient"));
    let short =
        check_hvp(&quad_grad, &|_: &[f64], _: &[f64]| vec![0.0; 2], &x, &cfg()).unwrap_err();
    assert!(matches!(short, OracleError::ShapeMismatch { .. }));
    assert!(check_hessian(&quad_grad, &quad_hess, &[f64::NAN; 4], &cfg()).is_err());
    let empty: [f64; 0] = [];
    assert!(
        check_hvp(
            &quad_grad,
            &|_: &[f64], v: &[f64]| v.to_vec(),
            &empty,
            &cfg()
        )
        .is_err()
    );
    assert!(Objective::Softmax.exact_hessian(&[0.0, 1.0]).is_err());
}

#[test]
fn directional_sets_how_many_directions_the_hvp_check_tries() {
    let x = [0.3, -0.8, 1.1];
    let hvp = |x: &[f64], v: &[f64]| {
        (rosenbrock_hess(x) * DVector::from_column_slice(v))
            .as_slice()
            .to_vec()
    };
    for d in [1, 5] {
        let report = check_hvp(&rosenbrock_grad, &hvp, &x, &cfg().directional(d)).unwrap();
        assert_eq!(report.directional().unwrap().directions, d);
        assert_eq!(report.verdict(), Verdict::Pass);
        // Whatever n: per direction, one gradient at the point and 2 along w,
        // and 2 more at twice the step, since Rosenbrock's gradient curves
        // along w (a gap that a straddled kink could also leave).
        assert_eq!(report.evaluations(), 5 * d);
    }
}

/// A random smooth composition $f(x) = \sum_k c_k\, g_k(a_k^\top x + b_k)$.
#[derive(Debug, Clone)]
struct Composition {
    terms: Vec<(usize, f64, Vec<f64>, f64)>, // (g, c, a, b)
}

impl Composition {
    fn value<T: DualNum<Primitive = f64> + Copy>(&self, x: &[T]) -> T {
        self.terms.iter().fold(T::zero(), |acc, (g, c, a, b)| {
            let u = x
                .iter()
                .zip(a)
                .fold(T::from(*b), |s, (xi, ai)| s + *xi * *ai);
            let v = match g {
                0 => u.sin(),
                1 => u.tanh(),
                2 => (-(u * u)).exp(),
                _ => u.exp().ln_1p(),
            };
            acc + v * *c
        })
    }
}

fn composition(n: usize) -> impl Strategy<Value = Composition> {
    prop::collection::vec(
        (
            0..4usize,
            -2.0..2.0f64,
            prop::collection::vec(-1.5..1.5f64, n),
            -1.0..1.0f64,
        ),
        1..5,
    )
    .prop_map(|terms| Composition { terms })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// The exact Hessian of a random smooth composition passes; one entry
    /// (and its twin) 1 % off fails.
    #[test]
    fn prop_exact_hessians_of_smooth_compositions_pass_and_a_wrong_entry_fails(
        (f, x) in (1..6usize).prop_flat_map(|n| (composition(n), prop::collection::vec(-2.0..2.0f64, n))),
        pick in any::<prop::sample::Index>(),
    ) {
        let grad = |p: &[f64]| {
            gradient_oracle::numeric::dual::dual_gradient(|d| f.value(d), p).unwrap().1
        };
        let hess = |p: &[f64]| dual_hessian(|d: &[HyperDual64]| f.value(d), p).unwrap();
        let report = check_hessian(&grad, &hess, &x, &cfg()).unwrap();
        prop_assert!(report.verdict().is_ok(), "{f:?} at {x:?}\n{report}");
        let h = hess(&x);
        let k = pick.index(x.len() * x.len());
        let (i, j) = (k / x.len(), k % x.len());
        prop_assume!(h[(i, j)].abs() > 1e-3);
        let off = |p: &[f64]| {
            let mut m = hess(p);
            m[(i, j)] *= 1.01;
            if i != j {
                m[(j, i)] *= 1.01;
            }
            m
        };
        let report = check_hessian(&grad, &off, &x, &cfg()).unwrap();
        prop_assert_eq!(report.verdict(), Verdict::Fail, "{:?} at {:?}, entry ({}, {})\n{}", f, x, i, j, report);
    }
}

/// The tanh chain's Hessian without tanh'' (its diagonal): caught at every
/// one of hessian.py's 20 points (the slip `benches/peers/gradgradcheck.py`
/// seeds into torch's double backward).
#[test]
fn the_tanh_chain_without_tanh_curvature_is_caught_everywhere() {
    let without = |x: &[f64]| {
        let mut h = tanh_chain_hessian(x);
        h.fill_diagonal(0.0);
        h
    };
    for x in points(7, 8, 1.2, 20) {
        let report = check_hessian(&tanh_chain_gradient, &without, &x, &cfg()).unwrap();
        assert_eq!(report.verdict(), Verdict::Fail, "{report}");
    }
}

/// Found by fuzzing (`hessian`): the tanh chain at x_0 = -35.9 with the next
/// coordinate at scale s. H_00 = -2 c^2 t (1 - t^2) x_1 is 4e-13 s, and the
/// gradient entry g_0 = c (1 - t^2) x_1 moves in whole quanta of its
/// `1 - t*t` (2.2e-16 times c x_1): a quantized f, judged at the grid's
/// resolution. Below s = 1e-140 the squares in the noise estimate underflowed
/// to 0, the quanta read as no noise at all, and the exact Hessian read
/// Fail. The exact Hessian is never a Fail at any scale; H_00 doubled
/// still fails wherever the grid resolves it.
#[test]
fn the_exact_hessian_is_no_failure_at_subnormal_scales() {
    for s in [1.0, 1e-100, 1e-160, 1e-200, -2.271523835691508e-214, 1e-290] {
        let x = [
            -35.945312628825576,
            s,
            -2.27e-214,
            -2.27e-214,
            1.2232681616e-314,
        ];
        let report = check_hessian(&tanh_chain_gradient, &tanh_chain_hessian, &x, &cfg()).unwrap();
        assert_ne!(report.verdict(), Verdict::Fail, "s = {s:e}: {report}");
        if s.abs() < 1.0 {
            let doubled = |x: &[f64]| {
                let mut h = tanh_chain_hessian(x);
                h[(0, 0)] *= 2.0;
                h
            };
            let report = check_hessian(&tanh_chain_gradient, &doubled, &x, &cfg()).unwrap();
            assert_eq!(failing_entries(&report), [(0, 0)], "s = {s:e}: {report}");
        }
    }
}

/// Found by fuzzing (`hessian`): the tanh chain at x = [0, 14.58, 7.0e-9].
/// g_1 = c (1 - t*t) x_2 with t = tanh(8.02) rounds at a unit of about
/// 4e-25, 2e-10 of itself and a million times eps |g_1|: the smallest steps'
/// differences carry it (0.4 % at h = 9e-9), while Ridders' extrapolation
/// from wide steps holds the exact H_11 = -1.843074e-15 to 1e-23. The rule
/// weighs Ridders' trusted value too: the evidence contradicts itself, so
/// the entry is Inconclusive with that reason, never Fail; H_11 doubled
/// fails.
///
/// The second point, [14.87, 3.9e-91], is the same rounding with a tiny
/// factor x_1: the noise measurement's usual direction moves x_1 by 1e83
/// times itself and reads nothing, so the small steps' bars knew no rounding
/// (H_00 off by 3.4e-4 at h = 9e-9 read Fail). Measured again with relative
/// moves, the rounding is 1.5e-107 (4e-12 of g_0), and the entry passes.
///
/// The third: g_1 = c (1 - t^2) x_2 + tanh(0.4 x_0) rounds at 4e-10 of
/// itself along x_1, while along the noise measurement's direction the
/// tanh(0.4 x_0) term dominates and g_1 reads its eps rounding (5e-28 against
/// 2e-21); H_11 read 25 % off at h = 9e-9. The rounding look measures the
/// noise along the failing coordinate and judges it again with that. The
/// fourth is the same at x_2 = 4.9e-6 (H_11 read 5 % off). The fifth, at
/// x_0 = -36.8, is a staircase whose plateaus (in x_0) are as wide as the
/// central step: g_0 reads flat at the small steps and moves by one quantum
/// (3e-4 of itself) on one side at h, on both at 2h; the quantized look
/// takes it (row 1's g_1 of -1 cannot resolve H_10 = 2.7e-13, so the report
/// is Inconclusive, with that reason). The sixth, at x_1 = 28.1, moves in
/// whole quanta of 1.16e-15 = ulp(t*t) c x_2, not a power of two: flat at the
/// small steps, 6 and 10 quanta at the first pass's, up to 880 at Ridders'
/// (whose extrapolation read 0.7 % off); the quantized look reads that unit
/// (`grid.rs`, `value_unit`); the seventh is the same with x_2 = -0.22,
/// whose unit is only 240 ulps of g_1. The eighth never returns to g(x) at
/// any step: it moves 2 units at h = 9e-10 and 19 at 9e-9, not in
/// proportion to the step (its shrunk step read 5 % off). The ninth and
/// tenth move a whole number of quanta per step of the noise measurement:
/// at [19.1, -1.2e-19, ...], g_0 moves 932 quanta of 1.06e-35 per step
/// sqrt(eps) w_0 and 576 per 0.618 of it (Fibonacci multiples), so both
/// steps read g_0 as smooth and its noise as 1.9e-42; the shrunk step's
/// H_00 read 0.33 % off (the tenth: H_11 0.45 %). The rounding look reads
/// at six steps with irrational ratios (`estimate_noise_along_six_steps`).
/// H doubled fails where the evidence resolves it (the first four, the eighth
/// to tenth); at the fifth to seventh the quantum's resolution is
/// coarser than the entry and the doubled claim is Inconclusive, never ok.
#[rstest::rstest]
#[case(&[0.0, 14.581516549348557, 7.041529113171271e-9], (1, 1), true)]
#[case(&[14.867504388107182, 3.948209825432919e-91], (0, 0), true)]
#[case(&[1.0936683029334638e-303, 14.927414715406986, -3.467136613550051e-5, 2.9601043792466e-11, -16.985286355018612], (1, 1), true)]
#[case(&[6.79038653237e-313, 14.581516545362321, 4.858005031041247e-6], (1, 1), true)]
#[case(&[-36.76644182088173, 2.0522684006491881e-289], (0, 0), false)]
#[case(&[-0.0006501755238238606, 28.06151284395422, 19.06069544029181, 29.06069544029181, 2.1369232241323632e-19, 1.1839701864444837e-302], (1, 1), false)]
#[case(&[-0.0006501755238238606, 28.06151284395422, -0.21827586204187688], (1, 1), false)]
#[case(&[1.3e-322, 14.581081660910392, 7.041529113171271e-9], (1, 1), true)]
#[case(&[19.12319544029181, -1.1882852754464282e-19, 5.051286e-317], (0, 0), true)]
#[case(&[-4.4804137370293313e-57, 14.6257387646631, -6.921318440413049e-19, 2.1512799173630111e-19], (1, 1), true)]
fn a_gradient_rounding_far_above_eps_is_no_failure_of_the_exact_hessian(
    #[case] x: &[f64],
    #[case] moved: (usize, usize),
    #[case] resolved: bool,
) {
    let report = check_hessian(&tanh_chain_gradient, &tanh_chain_hessian, x, &cfg()).unwrap();
    assert_ne!(report.verdict(), Verdict::Fail, "{report}");
    if report.verdict() == Verdict::Inconclusive {
        assert!(report.inconclusive_reason().is_some(), "{report}");
    }
    let doubled = |x: &[f64]| {
        let mut h = tanh_chain_hessian(x);
        h[moved] *= 2.0;
        h
    };
    let report = check_hessian(&tanh_chain_gradient, &doubled, x, &cfg()).unwrap();
    if resolved {
        assert_eq!(failing_entries(&report), [moved], "{report}");
    } else {
        // The fifth to seventh are judged at their quantum's resolution
        // (1e-4 to 1e-3 of g), coarser than the entry: never ok.
        assert!(!report.verdict().is_ok(), "{report}");
    }
}

/// The hinge's gradient jumps where a term sits on its margin: the Hessian
/// exists on each side, and a claim is judged by the side it came from. The
/// side across which the gradient jumps is read by a stencil that leaves x
/// out (its one-sided slope at x grows as J/h: 3e8 at the smallest step).
/// Reference: the hyper-dual Hessian just off x on each side along e_j,
/// where each piece is smooth. The claim (the model's own convention) is
/// Pass or Kink; an entry moved by half of itself fails unless it still lies
/// between the two sides' references (then Kink is right).
#[test]
fn a_hessian_across_a_jump_in_the_gradient_is_judged_by_its_own_side() {
    let sampler = Sampler::SoftmaxHinge {
        classes: 2..=8,
        margin: 0.0..=2.0,
        boost_label: false,
    };
    let mut rng = StdRng::seed_from_u64(24);
    let mut jumps = 0;
    for _ in 0..60 {
        let s = sampler.sample(&mut rng, Placement::AtKink).unwrap();
        let grad = |p: &[f64]| s.objective.gradient(p).unwrap_or_default();
        let claim = s.objective.hessian(&s.point).unwrap();
        let report = check_hessian(&grad, &|_: &[f64]| claim.clone(), &s.point, &cfg()).unwrap();
        assert!(report.verdict().is_ok(), "{report}");
        jumps += usize::from(report.verdict() == Verdict::Kink);
        let n = s.point.len();
        // The largest entry, moved by half of itself.
        let (i, j) = (0..n)
            .flat_map(|i| (0..n).map(move |j| (i, j)))
            .max_by(|p, q| claim[*p].abs().total_cmp(&claim[*q].abs()))
            .unwrap();
        let mut wrong = claim.clone();
        wrong[(i, j)] *= 1.5;
        let report = check_hessian(&grad, &|_: &[f64]| wrong.clone(), &s.point, &cfg()).unwrap();
        let entry = report
            .entries()
            .iter()
            .find(|e| (e.output, e.input) == (i, j))
            .unwrap();
        let side = |sign: f64| {
            let mut p = s.point.clone();
            p[j] += sign * 1e-9 * p[j].abs().max(1.0);
            s.objective.exact_hessian(&p).unwrap()[(i, j)]
        };
        let (lo, hi) = (side(-1.0).min(side(1.0)), side(-1.0).max(side(1.0)));
        let slack = 1e-6 * claim[(i, j)].abs();
        let between = wrong[(i, j)] >= lo - slack && wrong[(i, j)] <= hi + slack;
        match entry.outcome {
            Verdict::Fail => assert!(!between, "[{lo:e}, {hi:e}]: {report}"),
            Verdict::Kink => assert!(between, "[{lo:e}, {hi:e}]: {report}"),
            other => panic!("{other:?}: {report}"),
        }
    }
    assert!(jumps > 10, "{jumps} of 60 at a jump");
}
