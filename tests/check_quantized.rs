//! Step 5, the quantized look (`src/check/quantized.rs`): a loss whose values
//! move in whole grid steps or quanta is judged at the resolution the grid
//! allows; a smooth f at a dyadic point is not taken for one.

mod common;

use common::*;
use gradient_oracle::{Activation, CheckConfig, Evidence, Verdict, check_gradient};

/// A confident classifier under a hinge of margin 1: the label's logit 28 above
/// the rest makes p_y = 1 - 9e-13, and every term 1 + p_j - p_y is computed on
/// the grid of 1 (2^-53) while the loss is 4.4e-12 (39829 grid steps). f moves
/// in whole grid steps, several at once, and a true derivative of 1e-12 reads
/// 0 at the kink analysis' steps: 4 of 5 coordinates failed a correct
/// gradient. Judged at the grid's resolution, they pass (`Evidence::Quantized`).
#[test]
fn a_saturated_softmax_under_a_margin_one_hinge_is_judged_at_its_resolution() {
    let o = [
        -0.7529643608054282,
        28.47957286228316,
        -0.9985717281800084,
        -0.27802192816565174,
        -0.7565458664731106,
    ];
    let (label, margin) = (1, 1.0);
    let f = hinge_f(label, margin);
    let f0 = f(&o);
    let grid = 2f64.powi(-53);
    assert_eq!((f0 / grid).fract(), 0.0, "the loss lies on the grid of 1");
    let report =
        check_gradient(&f, &hinge_grad(label, margin), &o, &CheckConfig::default()).unwrap();
    // The grid's resolution is 2.6 %: honest, and coarser than the default
    // max_resolution, so the check says Inconclusive with that resolution.
    assert!(ok_or_unresolvable(&report), "{report}");
    assert!(
        report
            .entries()
            .iter()
            .any(|e| e.evidence == Evidence::Quantized),
        "{report}"
    );
    // Resolution is not blindness: the gradient doubled still fails.
    let doubled = |o: &[f64]| {
        hinge_grad(label, margin)(o)
            .iter()
            .map(|g| 2.0 * g)
            .collect()
    };
    let report = check_gradient(&f, &doubled, &o, &CheckConfig::default()).unwrap();
    assert_eq!(report.verdict(), Verdict::Fail, "{report}");
}

/// Logits 31 and more apart under a margin-1 hinge: along logits 2 and 3
/// (p ~ 1e-19) the loss does not move at all out to a step of 1, while the
/// claimed entries are 1e-18. Other coordinates show the loss on the grid of 1
/// and its noise; flat coordinates are judged with that noise.
#[test]
fn flat_coordinates_of_a_quantized_loss_are_judged_with_its_noise() {
    let o = [
        40.21009766579796,
        8.6607430769077,
        -2.4829945961103794,
        -3.4023075174091,
    ];
    let (label, margin) = (0, 1.0);
    let report = check_hinge(&o, label, margin);
    assert!(ok_or_unresolvable(&report), "{report}");
    assert_eq!(
        report.entries()[2].evidence,
        Evidence::Quantized,
        "{report}"
    );
}

/// The grid test reads the low bits of f's differences. A linear function at a
/// dyadic point with the dyadic step 2^-13 has differences with few bits too;
/// the checker's other steps (eps^(1/3), not dyadic) give differences with all
/// their bits, so no grid is seen, and a wrong slope still fails.
#[test]
fn a_linear_function_at_a_dyadic_point_is_not_taken_for_quantized() {
    let f = |x: &[f64]| 3.0 * x[0] + x[1];
    let wrong = |_: &[f64]| vec![2.999, 1.0];
    let report = check_gradient(&f, &wrong, &[0.5, 0.25], &CheckConfig::default()).unwrap();
    assert_eq!(report.verdict(), Verdict::Fail, "{report}");
    assert!(
        report
            .entries()
            .iter()
            .all(|e| e.evidence != Evidence::Quantized)
    );
    // A genuinely flat coordinate (a dead ReLU) with a tiny nonzero claim still fails.
    let g = |x: &[f64]| 3.0 * x[0] + x[1].max(0.0);
    let tiny = |_: &[f64]| vec![3.0, 1e-6];
    let report = check_gradient(&g, &tiny, &[0.5, -0.25], &CheckConfig::default()).unwrap();
    assert_eq!(report.verdict(), Verdict::Fail, "{report}");
    // One wide stair (flat over [-0.2, 0.1], rising on both sides) is no
    // staircase: it is flat within the central step, and the tiny claim fails.
    let stair = |x: &[f64]| 3.0 * x[0] + (x[1] - 0.1).max(0.0) - (-x[1] - 0.2).max(0.0);
    let report = check_gradient(&stair, &tiny, &[0.5, 0.0], &CheckConfig::default()).unwrap();
    assert_eq!(report.verdict(), Verdict::Fail, "{report}");
}

/// An f32 loss that moves in whole quanta (a residual of 4.4e-6 on an output
/// of 0.5: each ulp of the output moves the loss by 2.7 % of itself; found by
/// a soak of the f32 property). The shrunk steps of the kink analysis see one
/// quantum or none and once read 13 % off a correct claim; with the
/// staircase's noise measured, the first pass settles it. The larger entry
/// 15 % off, the smaller one (1.2e-9, where the quantum over Ridders' finest
/// step leaves a resolution of 20 %) 50 % off, or either of the wrong sign,
/// still fail. (10 % off no longer fails: the claim moves in the same whole
/// quanta, its half second difference over points 256 ulps apart is 0.75 %
/// of the larger entry, and that rounding, 4 times over, with Ridders' 8 %
/// bar leaves a 10 % slip undecided. The f32 claim is 0.27 % off the exact
/// gradient here.)
#[test]
fn an_f32_loss_that_moves_in_whole_quanta_is_judged_with_their_size() {
    use Activation::*;
    let w: Vec<f32> = vec![-0.40517142, 1.5702449];
    let case = ChainCase {
        acts: vec![Tanh, Sigmoid],
        x_in: -0.00272431f32,
        y_gt: 0.50043774f32,
    };
    // The quanta leave a resolution of 2 %: Inconclusive by default, which
    // says so; a Pass where 5 % is enough, and the wrong claims fail.
    let report = check_gradient(&case.f(), &case.grad(), &w, &CheckConfig::default()).unwrap();
    assert!(ok_or_unresolvable(&report), "{report}");
    let cfg = CheckConfig::default().with_max_resolution(0.05);
    case.assert_passes_and_catches_with(&w, &[(0, 1.15), (1, 1.5), (0, -1.0), (1, -1.0)], &cfg);
}

/// An f32 loss that is a staircase along one weight (found by a soak of the
/// f32 property): the output moves in whole ulps, so along w[3] the loss
/// jumps by 4.5e-11 (1.6e-4 of itself) with flat stretches between. The
/// noise measurement once aliased with it (4e-15, see
/// `noise_that_aliases_with_one_step_is_seen_at_the_other`), and the shrunk
/// steps read 6 % off the correct claim. Measured at two steps, the noise is
/// 1.1e-11 and the first pass settles the correct claim. The resolution left
/// is that noise over Ridders' finest step, 11 % here: a claim 20 % off, or
/// of the wrong sign, fails.
#[test]
fn an_f32_loss_that_is_a_staircase_along_one_weight_passes_with_its_measured_noise() {
    use Activation::*;
    let w: Vec<f32> = vec![-1.0686065, -0.8940859, 0.565422, 1.0802672, 0.009761314];
    let case = ChainCase {
        acts: vec![Sigmoid, Sigmoid, Tanh, Identity, Sigmoid],
        x_in: -0.7350588f32,
        y_gt: 0.49976298f32,
    };
    // The staircase: flat at a step where the slope predicts 60 ulps of change.
    let f = case.f();
    let mut p = w.clone();
    p[3] += 5e-6;
    assert_eq!(f(&p), f(&w));
    case.assert_passes_and_catches(&w, &[(3, 1.2), (3, 0.8), (3, -1.0)]);
}

/// A kink $1.6\cdot10^{-7}$ beside x whose values along the coordinate fell
/// on a spurious grid ($1.8\cdot10^{-10}$): the look judged the claim at its
/// widest step (2.2), where the central difference is the mean of the two
/// slopes, $b + s/2$, with a drift under $10^{-6}$ between the widest steps,
/// and passed that midpoint, 1.8 from the derivative $b$, while the narrow
/// steps that moved beyond the grid read $b$ within 0.02. A step whose
/// central difference stands apart from the best-resolved one beyond both
/// tolerances contradicts it: the **Fail** stands.
#[test]
fn a_kink_beside_x_is_not_judged_at_the_quantized_look_s_wide_steps() {
    let (c, s, b) = (
        -1.991_921_462_271_494_7,
        -3.606_573_311_096_871,
        0.592_479_489_942_598,
    );
    let x = -1.991_921_620_000_87;
    let f = move |p: &[f64]| s * (p[0] - c).max(0.0) + b * p[0];
    let judge = |claim: f64| {
        check_gradient(
            &f,
            &move |_: &[f64]| vec![claim],
            &[x],
            &CheckConfig::default(),
        )
        .unwrap()
        .verdict()
    };
    assert_eq!(judge(b + s / 2.0), Verdict::Fail);
    assert_eq!(judge(b), Verdict::Pass);
}
