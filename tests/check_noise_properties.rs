//! Property tests of the verdicts under call-to-call noise: random smooth
//! functions, noise levels from 1e-14 to 1e-3, random claim errors. A claim
//! wrong by more than 10 times the reported resolution never passes (nor is a
//! kink), and a correct claim never fails. Case counts follow `PROPTEST_CASES`.

mod common;

use common::uniform;
use std::sync::atomic::AtomicU64;

use gradient_oracle::{CheckConfig, Verdict, check_gradient};
use proptest::prelude::*;

/// f(x) = sum_j c_j sin(w_j x_j + p_j) + q x_0 x_1, and its gradient.
#[derive(Debug, Clone)]
struct Smooth {
    c: Vec<f64>,
    w: Vec<f64>,
    p: Vec<f64>,
    q: f64,
}

impl Smooth {
    fn f(&self, x: &[f64]) -> f64 {
        let waves: f64 = (0..x.len())
            .map(|j| self.c[j] * (self.w[j] * x[j] + self.p[j]).sin())
            .sum();
        waves + self.q * x[0] * x[1]
    }

    fn grad(&self, x: &[f64]) -> Vec<f64> {
        let mut g: Vec<f64> = (0..x.len())
            .map(|j| self.c[j] * self.w[j] * (self.w[j] * x[j] + self.p[j]).cos())
            .collect();
        g[0] += self.q * x[1];
        g[1] += self.q * x[0];
        g
    }
}

fn smooth(n: usize) -> impl Strategy<Value = Smooth> {
    (
        prop::collection::vec(0.2..3.0f64, n),
        prop::collection::vec(0.2..2.0f64, n),
        prop::collection::vec(-3.0..3.0f64, n),
        -1.0..1.0f64,
    )
        .prop_map(|(c, w, p, q)| Smooth { c, w, p, q })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn prop_noisy_verdicts_are_honest(
        (model, x) in (2usize..5).prop_flat_map(|n| (smooth(n), prop::collection::vec(-2.0..2.0f64, n))),
        log_sigma in -14.0..-3.0f64,
        log_error in -8.0..0.0f64,
        entry in 0usize..5,
        one_entry in any::<bool>(),
        seed in any::<u64>(),
    ) {
        let sigma = 10f64.powf(log_sigma);
        let counter = AtomicU64::new(seed);
        let f = |x: &[f64]| model.f(x) + sigma * uniform(&counter);
        let right = |x: &[f64]| model.grad(x);
        let report = check_gradient(&f, &right, &x, &CheckConfig::default()).unwrap();
        prop_assert_ne!(report.verdict(), Verdict::Fail, "correct claim, sigma {}\n{}", sigma, report);

        // The claim with one entry, or all, off by a relative `error` of the largest entry.
        let error = 10f64.powf(log_error);
        let g0 = model.grad(&x);
        let largest = g0.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        let k = entry % x.len();
        let wrong = |x: &[f64]| {
            let mut g = model.grad(x);
            if one_entry {
                g[k] += error * largest;
            } else {
                for v in &mut g { *v += error * largest; }
            }
            g
        };
        let report = check_gradient(&f, &wrong, &x, &CheckConfig::default()).unwrap();
        if report.verdict().is_ok() {
            // Relative to the wrong claim's largest entry, as `resolution` is.
            let claimed = wrong(&x).iter().fold(0.0f64, |m, v| m.max(v.abs()));
            let relative = error * largest / claimed;
            prop_assert!(
                relative <= 10.0 * report.resolution(),
                "error {:e} passed with resolution {:e} at sigma {:e}\n{}",
                relative, report.resolution(), sigma, report
            );
        }
    }
}
