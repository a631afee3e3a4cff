//! The checker's contract as properties over generated functions with known
//! derivatives (random smooth compositions scaled by 1e-30 to 1e30), in f64,
//! in f32 and in the mixed check, with generated wrong claims:
//!
//! - **H1** an entry called Pass or Kink is within 2x its tolerance of the truth;
//! - **H2** an ok report is within 2x its resolution of the truth, relative to
//!   its row's largest claim;
//! - **H3** the exact gradient never reads Fail;
//! - **H4** Pass implies `resolution() <= max_resolution`.

use gradient_oracle::{
    CheckConfig, CheckReport, Real, Verdict, check_gradient, check_gradient_mixed,
};
use proptest::prelude::*;

/// A constant in the float type.
fn num<F: Real>(v: f64) -> F {
    <F as num_traits::NumCast>::from(v).unwrap()
}

/// $f(x) = s\,(\sum_i c_i\,\phi_{k_i}(x_i) + d\,\phi_{k_0}(\sum_j b_j x_j))$ with
/// $\phi$ among sin, tanh, x^2/2, exp(x/4), softplus.
#[derive(Debug, Clone)]
struct Composition {
    scale: f64,
    c: Vec<f64>,
    kinds: Vec<u8>,
    b: Vec<f64>,
    d: f64,
    outer: u8,
}

fn phi<F: Real>(kind: u8, v: F) -> (F, F) {
    match kind {
        0 => (v.sin(), v.cos()),
        1 => {
            let t = v.tanh();
            (t, F::one() - t * t)
        }
        2 => (v * v / num::<F>(2.0), v),
        3 => {
            let e = (v / num::<F>(4.0)).exp();
            (e, e / num::<F>(4.0))
        }
        _ => {
            let s = F::one() / (F::one() + (-v).exp());
            ((F::one() + v.exp()).ln(), s)
        }
    }
}

impl Composition {
    fn value<F: Real>(&self, x: &[F]) -> F {
        let inner = x
            .iter()
            .zip(&self.b)
            .fold(F::zero(), |a, (xi, bi)| a + num::<F>(*bi) * *xi);
        let sum = x
            .iter()
            .zip(&self.c)
            .zip(&self.kinds)
            .fold(F::zero(), |a, ((xi, ci), k)| {
                a + num::<F>(*ci) * phi(*k, *xi).0
            });
        num::<F>(self.scale) * (sum + num::<F>(self.d) * phi(self.outer, inner).0)
    }

    fn gradient<F: Real>(&self, x: &[F]) -> Vec<F> {
        let inner = x
            .iter()
            .zip(&self.b)
            .fold(F::zero(), |a, (xi, bi)| a + num::<F>(*bi) * *xi);
        let outer = phi(self.outer, inner).1 * num::<F>(self.d);
        x.iter()
            .enumerate()
            .map(|(i, xi)| {
                let own = num::<F>(self.c[i]) * phi(self.kinds[i], *xi).1;
                num::<F>(self.scale) * (own + outer * num::<F>(self.b[i]))
            })
            .collect()
    }
}

fn composition() -> impl Strategy<Value = (Composition, Vec<f64>)> {
    (1usize..6).prop_flat_map(|n| {
        (
            -30.0..30.0f64,
            prop::collection::vec(-2.0..2.0f64, n),
            prop::collection::vec(0u8..5, n),
            prop::collection::vec(-1.0..1.0f64, n),
            -2.0..2.0f64,
            0u8..5,
            prop::collection::vec(-2.0..2.0f64, n),
        )
            .prop_map(|(e, c, kinds, b, d, outer, x)| {
                let comp = Composition {
                    scale: 10f64.powf(e),
                    c,
                    kinds,
                    b,
                    d,
                    outer,
                };
                (comp, x)
            })
    })
}

/// The wrong claims: one entry scaled, sign-flipped, zeroed; two swapped.
#[derive(Debug, Clone, Copy)]
enum Slip {
    None,
    Scaled(usize, f64),
    Flipped(usize),
    Zeroed(usize),
    Swapped(usize, usize),
}

fn slip() -> impl Strategy<Value = Slip> {
    prop_oneof![
        Just(Slip::None),
        (
            0usize..6,
            prop_oneof![Just(1.01), Just(0.9), Just(2.0), Just(1.0001)]
        )
            .prop_map(|(i, s)| Slip::Scaled(i, s)),
        (0usize..6).prop_map(Slip::Flipped),
        (0usize..6).prop_map(Slip::Zeroed),
        (0usize..6, 0usize..6).prop_map(|(i, j)| Slip::Swapped(i, j)),
    ]
}

fn apply<F: Real>(slip: Slip, mut g: Vec<F>) -> Vec<F> {
    let n = g.len();
    match slip {
        Slip::None => {}
        Slip::Scaled(i, s) => g[i % n] *= num::<F>(s),
        Slip::Flipped(i) => g[i % n] = -g[i % n],
        Slip::Zeroed(i) => g[i % n] = F::zero(),
        Slip::Swapped(i, j) => g.swap(i % n, j % n),
    }
    g
}

/// H1, H2 and H4 for one report against the true gradient `truth`.
fn honest(report: &CheckReport, truth: &[f64]) -> Result<(), TestCaseError> {
    let max = CheckConfig::default().max_resolution;
    for e in report.entries() {
        if matches!(e.outcome, Verdict::Pass | Verdict::Kink) {
            let off = (e.analytic - truth[e.input]).abs();
            prop_assert!(
                off <= 2.0 * e.tolerance,
                "H1: entry {} is {off:e} from the truth, tolerance {:e}\n{report}",
                e.input,
                e.tolerance
            );
        }
    }
    if report.verdict().is_ok() && !report.entries().is_empty() {
        let largest = report
            .entries()
            .iter()
            .map(|e| e.analytic.abs())
            .fold(0.0, f64::max);
        for e in report.entries() {
            let off = (e.analytic - truth[e.input]).abs();
            prop_assert!(
                off <= 2.0 * report.resolution() * largest || largest == 0.0,
                "H2: entry {} is {off:e} off, resolution {:e}\n{report}",
                e.input,
                report.resolution()
            );
        }
    }
    if report.verdict() == Verdict::Pass && report.resolution().is_finite() {
        prop_assert!(report.resolution() <= max, "H4\n{report}");
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(192))]

    #[test]
    fn f64_checks_are_honest((comp, x) in composition(), slip in slip()) {
        let truth = comp.gradient(&x);
        let claim = |p: &[f64]| apply(slip, comp.gradient(p));
        let report = check_gradient(&|p: &[f64]| comp.value(p), &claim, &x, &CheckConfig::default()).unwrap();
        honest(&report, &truth)?;
        if matches!(slip, Slip::None) {
            prop_assert_ne!(report.verdict(), Verdict::Fail, "H3\n{}", report);
        }
    }

    #[test]
    fn f32_and_mixed_checks_are_honest((comp, x) in composition(), slip in slip()) {
        // f32 cannot hold scales past 1e±30 with room for the gradient.
        let comp = Composition { scale: comp.scale.clamp(1e-12, 1e12), ..comp };
        let x32: Vec<f32> = x.iter().map(|v| *v as f32).collect();
        let exact: Vec<f64> = x32.iter().map(|v| f64::from(*v)).collect();
        let truth = comp.gradient(&exact);
        let claim = |p: &[f32]| apply(slip, comp.gradient(p));
        let native = check_gradient(&|p: &[f32]| comp.value(p), &claim, &x32, &CheckConfig::default()).unwrap();
        honest(&native, &truth)?;
        let mixed = check_gradient_mixed(&|p: &[f64]| comp.value(p), &claim, &x32, &CheckConfig::default()).unwrap();
        honest(&mixed, &truth)?;
        if matches!(slip, Slip::None) {
            prop_assert_ne!(native.verdict(), Verdict::Fail, "H3 f32\n{}", native);
            prop_assert_ne!(mixed.verdict(), Verdict::Fail, "H3 mixed\n{}", mixed);
        }
    }
}
