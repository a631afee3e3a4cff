//! Grading Rust code: a student implements a trait per exercise, and one macro
//! turns the implementation into a test suite.
//!
//! Each check runs proptest over random points, every activation, and points
//! aimed at kinks; it compares the student's values with the reference
//! implementation and, independently, with finite differences
//! ([`check_gradient`]). On failure proptest shrinks
//! the input, and the message names the wrong quantity and the smallest input.
//!
//! ```text
//! // tests/my_submission.rs in the student's crate
//! use gradient_oracle::grade::submission::*;
//! struct Mine;
//! impl ChainSubmission for Mine { /* ... */ }
//! impl MlpSubmission for Mine { /* ... */ }
//! impl HingeSubmission for Mine { /* ... */ }
//! gradient_oracle::grade_submission!(Mine);
//! ```
//!
//! See `examples/submission_template.rs`, `examples/submission_correct.rs`
//! and `examples/submission_mistakes.rs`.

use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestError, TestRng, TestRunner};

use crate::check::{CheckConfig, check_gradient};
use crate::models::activation::Activation;
use crate::models::chain::{ChainForward, ChainNetwork, chain_loss};
use crate::models::hinge::{softmax_hinge_gradient, softmax_hinge_loss_unchecked};
use crate::models::mlp::{Dataset, Mlp};
use crate::models::softmax::{jacobian_from_probabilities, softmax};

/// Exercise 1: the three derivatives of the depth-3 chain.
pub trait ChainSubmission {
    /// $(\partial L/\partial W_1, \partial L/\partial W_2, \partial L/\partial W_{out})$
    /// from the weights, the activations and the forward record
    /// (`fwd.s[k]` is $s_{k+1}$, `fwd.z[k]` is $z_k$ with $z_0 = x_{in}$).
    fn derivatives(
        &self,
        weights: [f64; 3],
        activations: [Activation; 3],
        fwd: &ChainForward,
    ) -> [f64; 3];
}

/// Exercise 2: one sample's backward pass.
pub trait MlpSubmission {
    /// The deltas and gradients of one sample, from its forward record.
    fn backward(&self, sample: &MlpSample<'_>) -> MlpBackward;
}

/// What Exercise 2's backward pass starts from, for one sample.
#[derive(Debug, Clone, Copy)]
pub struct MlpSample<'a> {
    /// $W$, rows = hidden units.
    pub w_hidden: &'a [Vec<f64>],
    /// $w$.
    pub w_out: &'a [f64],
    /// The sample.
    pub x: &'a [f64],
    /// Its label.
    pub y: f64,
    /// Hidden pre-activations.
    pub s: &'a [f64],
    /// Hidden activations.
    pub z: &'a [f64],
    /// The output.
    pub y_out: f64,
}

impl<'a> MlpSample<'a> {
    /// The sample `(x, y)` at weights `(w_hidden, w_out)`, with its forward
    /// record `rec` (from [`Mlp::forward_backward`](crate::Mlp::forward_backward)).
    pub fn from_record(
        (w_hidden, w_out): (&'a [Vec<f64>], &'a [f64]),
        (x, y): (&'a [f64], f64),
        rec: &'a crate::models::mlp::SampleRecord,
    ) -> Self {
        Self {
            w_hidden,
            w_out,
            x,
            y,
            s: &rec.s,
            z: &rec.z,
            y_out: rec.y_out,
        }
    }
}

/// A student's Exercise 2 backward values.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MlpBackward {
    /// $\delta_{out}$.
    pub delta_out: f64,
    /// $\delta_i$ of the hidden units.
    pub delta_hidden: Vec<f64>,
    /// $\partial L/\partial W$ (rows = hidden units).
    pub grad_hidden: Vec<Vec<f64>>,
    /// $\partial L/\partial w$.
    pub grad_out: Vec<f64>,
}

/// Exercise 3: the hinge loss's gradient with respect to the logits, and,
/// optionally, the softmax Jacobian it goes through.
pub trait HingeSubmission {
    /// $\partial L/\partial o$ for logits `o`, true class `label`, margin `margin`.
    fn grad_logits(&self, o: &[f64], label: usize, margin: f64) -> Vec<f64>;

    /// The softmax Jacobian $\partial p_i/\partial o_j$ at `o` ($k \times k$,
    /// row $i$ = output $p_i$), if the submission computes it. Implement it to
    /// have Exercise 3 graded in parts: the Jacobian (4 points) and
    /// $\partial L/\partial o$ (6 points, full credit when it follows from
    /// your own Jacobian), so that one slip does not zero the exercise. The
    /// default, `None`, grades $\partial L/\partial o$ alone for 10 points.
    fn softmax_jacobian(&self, o: &[f64]) -> Option<Vec<Vec<f64>>> {
        let _ = o;
        None
    }
}

/// The seed every Rust submission is graded with.
pub const SUBMISSION_SEED: u64 = 20_161_128;

/// The cases per exercise.
pub const SUBMISSION_CASES: usize = 256;

/// A submitted value agrees with the reference: $10^{-9}$ relative
/// (absolute below 1). The property checks and [`grade_rust`](crate::grade::rust_grade::grade_rust) both use it.
pub(crate) fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

/// A runner with the fixed seed [`SUBMISSION_SEED`](SUBMISSION_SEED)
/// and exactly `cases` cases: the same cases, and the same smallest
/// counterexample, on every run. `PROPTEST_CASES` and the other `PROPTEST_*`
/// variables (which a student's `.cargo/config.toml` can set) change nothing
/// that decides a grade.
fn runner(cases: u32) -> TestRunner {
    let config = Config {
        cases,
        failure_persistence: None,
        max_local_rejects: 65_536,
        max_global_rejects: 1024,
        max_shrink_iters: 1024,
        max_flat_map_regens: 1_000_000,
        verbose: 0,
        rng_algorithm: RngAlgorithm::ChaCha,
        ..Config::default()
    };
    let mut seed = [0u8; 32];
    seed[..8].copy_from_slice(&SUBMISSION_SEED.to_le_bytes());
    TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &seed))
}

fn report<T: std::fmt::Debug>(what: &str, result: Result<(), TestError<T>>) -> Result<(), String> {
    match result {
        Ok(()) => Ok(()),
        Err(TestError::Fail(reason, input)) => Err(format!(
            "{what}: {reason}\n  smallest failing input: {input:?}"
        )),
        Err(TestError::Abort(reason)) => Err(format!("{what}: aborted: {reason}")),
    }
}

fn activation() -> impl Strategy<Value = Activation> {
    prop::sample::select(Activation::ALL.to_vec())
}

/// Checks an Exercise 1 submission on `cases` random chains (a quarter at a kink).
///
/// # Errors
/// A message naming the wrong derivative, the values, and the smallest input found.
pub fn check_chain<S: ChainSubmission>(submission: &S, cases: u32) -> Result<(), String> {
    let strategy = (
        [activation(), activation(), activation()],
        [-2.0..2.0f64, -2.0..2.0f64, -2.0..2.0f64],
        -2.0..2.0f64,
        -1.0..1.0f64,
        any::<bool>(),
    );
    let result = runner(cases).run(&strategy, |(acts, mut w, x_in, y_gt, at_kink)| {
        if at_kink && let Some(k) = (0..3).rev().find(|k| !acts[*k].is_smooth()) {
            w[k] = 0.0;
        }
        let net = ChainNetwork::new(w.to_vec(), acts.to_vec())
            .map_err(|e| TestCaseError::reject(e.to_string()))?;
        let fwd = net
            .forward(x_in, y_gt)
            .map_err(|e| TestCaseError::reject(e.to_string()))?;
        let truth = net
            .sheet_derivatives(&fwd)
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        let got = submission.derivatives(w, acts, &fwd);
        for (name, g, t) in [
            ("dL/dW1", got[0], truth.d_w1),
            ("dL/dW2", got[1], truth.d_w2),
            ("dL/dW_out", got[2], truth.d_w_out),
        ] {
            prop_assert!(
                close(g, t),
                "{name} is wrong: you return {g}, the reference is {t}"
            );
        }
        // And independently of the reference: finite differences.
        let f = |v: &[f64]| chain_loss(v, &acts, x_in, y_gt);
        let g = |v: &[f64]| match ChainNetwork::new(v.to_vec(), acts.to_vec())
            .and_then(|n| n.forward(x_in, y_gt))
        {
            Ok(fw) => submission
                .derivatives([v[0], v[1], v[2]], acts, &fw)
                .to_vec(),
            Err(_) => vec![f64::NAN; 3],
        };
        let r = check_gradient(&f, &g, &w, &CheckConfig::default())
            .map_err(|e| TestCaseError::reject(e.to_string()))?;
        prop_assert!(r.verdict().is_ok(), "finite differences disagree:\n{r}");
        Ok(())
    });
    report("Exercise 1", result)
}

/// Checks an Exercise 2 submission on `cases` random networks and samples
/// (sometimes with a hidden unit exactly at its kink).
///
/// # Errors
/// A message naming the wrong quantity and the smallest input found.
pub fn check_mlp<S: MlpSubmission>(submission: &S, cases: u32) -> Result<(), String> {
    let strategy = (1usize..5, 1usize..4).prop_flat_map(|(h, d)| {
        (
            prop::collection::vec(prop::collection::vec(-1.5..1.5f64, d), h),
            prop::collection::vec(-1.5..1.5f64, h),
            prop::collection::vec(-1.5..1.5f64, d),
            -1.0..1.0f64,
            any::<bool>(),
        )
    });
    let result = runner(cases).run(&strategy, |(mut wh, wo, x, y, at_kink)| {
        if at_kink {
            wh[0] = vec![0.0; x.len()]; // s_0 = 0 exactly
        }
        let model = Mlp::from_rows(&wh, &wo).map_err(|e| TestCaseError::reject(e.to_string()))?;
        let data = Dataset::from_rows(std::slice::from_ref(&x), &[y])
            .map_err(|e| TestCaseError::reject(e.to_string()))?;
        let r = model
            .forward_backward(&data)
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        let rec = &r.samples[0];
        let got = submission.backward(&MlpSample::from_record((&wh, &wo), (&x, y), rec));
        prop_assert!(
            close(got.delta_out, rec.delta_out),
            "delta_out is wrong: you return {}, the reference is {}",
            got.delta_out,
            rec.delta_out
        );
        prop_assert!(
            got.delta_hidden.len() == rec.delta_hidden.len(),
            "delta_hidden has {} entries, expected {}",
            got.delta_hidden.len(),
            rec.delta_hidden.len()
        );
        for (i, (g, t)) in got.delta_hidden.iter().zip(&rec.delta_hidden).enumerate() {
            prop_assert!(
                close(*g, *t),
                "delta_hidden[{i}] is wrong: you return {g}, the reference is {t} (s[{i}] = {})",
                rec.s[i]
            );
        }
        prop_assert!(
            got.grad_out.len() == rec.grad_out.len(),
            "grad_w has {} entries, expected {}",
            got.grad_out.len(),
            rec.grad_out.len()
        );
        for (i, (g, t)) in got.grad_out.iter().zip(&rec.grad_out).enumerate() {
            prop_assert!(
                close(*g, *t),
                "grad_w[{i}] is wrong: you return {g}, the reference is {t}"
            );
        }
        prop_assert!(
            got.grad_hidden.len() == rec.grad_hidden.len()
                && got.grad_hidden.iter().all(|row| row.len() == x.len()),
            "grad_W must be H x D = {} x {} (row i = hidden unit i)",
            rec.grad_hidden.len(),
            x.len()
        );
        for (i, (gr, tr)) in got.grad_hidden.iter().zip(&rec.grad_hidden).enumerate() {
            for (j, (g, t)) in gr.iter().zip(tr).enumerate() {
                prop_assert!(
                    close(*g, *t),
                    "grad_W[{i}][{j}] is wrong: you return {g}, the reference is {t}"
                );
            }
        }
        Ok(())
    });
    report("Exercise 2", result)
}

/// Checks an Exercise 3 submission on `cases` random logits, labels and margins
/// (sometimes with tied logits).
///
/// # Errors
/// A message naming the wrong component and the smallest input found.
pub fn check_hinge<S: HingeSubmission>(submission: &S, cases: u32) -> Result<(), String> {
    let strategy = (
        prop::collection::vec(-6.0..6.0f64, 2..9),
        any::<prop::sample::Index>(),
        0.0..2.0f64,
        any::<bool>(),
    );
    let result = runner(cases).run(&strategy, |(mut o, label, margin, tie)| {
        let label = label.index(o.len());
        if tie {
            o[0] = o[o.len() - 1];
        }
        let truth = softmax_hinge_gradient(&o, label, margin)
            .map_err(|e| TestCaseError::reject(e.to_string()))?;
        if let Some(j) = submission.softmax_jacobian(&o) {
            let p = softmax(&o).map_err(|e| TestCaseError::reject(e.to_string()))?;
            let reference = jacobian_from_probabilities(&p);
            let k = o.len();
            prop_assert!(
                j.len() == k && j.iter().all(|row| row.len() == k),
                "the softmax Jacobian must be k x k = {k} x {k}"
            );
            for r in 0..k {
                for c in 0..k {
                    prop_assert!(
                        close(j[r][c], reference[(r, c)]),
                        "softmax_jacobian[{r}][{c}] is wrong: you return {}, the reference is {}",
                        j[r][c],
                        reference[(r, c)]
                    );
                }
            }
        }
        let got = submission.grad_logits(&o, label, margin);
        prop_assert!(
            got.len() == truth.len(),
            "dL/do has {} entries, expected {}",
            got.len(),
            truth.len()
        );
        for (j, (g, t)) in got.iter().zip(&truth).enumerate() {
            prop_assert!(
                close(*g, *t),
                "dL/do[{j}] is wrong: you return {g}, the reference is {t}"
            );
        }
        let f = |v: &[f64]| softmax_hinge_loss_unchecked(v, label, margin);
        let g = |v: &[f64]| submission.grad_logits(v, label, margin);
        let r = check_gradient(&f, &g, &o, &CheckConfig::default())
            .map_err(|e| TestCaseError::reject(e.to_string()))?;
        prop_assert!(r.verdict().is_ok(), "finite differences disagree:\n{r}");
        Ok(())
    });
    report("Exercise 3", result)
}

/// Turns a type implementing [`ChainSubmission`], [`MlpSubmission`] and
/// [`HingeSubmission`] into four `#[test]`s: one per exercise (the property
/// checks, [`SUBMISSION_CASES`](SUBMISSION_CASES)
/// fixed cases each, shrinking a failure to its smallest input), and
/// `score`, which grades every item on the answer files' scale
/// ([`grade_rust`](crate::grade::rust_grade::grade_rust)), writes the table and
/// a `score: X / 40` line to the test output (shown without `--nocapture`),
/// and fails unless every item is right. No environment variable changes the
/// cases.
#[macro_export]
macro_rules! grade_submission {
    ($submission:expr) => {
        const __GRADIENT_ORACLE_CASES: u32 = $crate::grade::submission::SUBMISSION_CASES as u32;
        #[test]
        fn exercise_1_chain_derivatives() {
            if let Err(e) =
                $crate::grade::submission::check_chain(&$submission, __GRADIENT_ORACLE_CASES)
            {
                panic!("{e}");
            }
        }
        #[test]
        fn exercise_2_deltas_and_gradients() {
            if let Err(e) =
                $crate::grade::submission::check_mlp(&$submission, __GRADIENT_ORACLE_CASES)
            {
                panic!("{e}");
            }
        }
        #[test]
        fn exercise_3_hinge_gradient() {
            if let Err(e) =
                $crate::grade::submission::check_hinge(&$submission, __GRADIENT_ORACLE_CASES)
            {
                panic!("{e}");
            }
        }
        #[test]
        fn score() {
            let report = $crate::grade::grade_rust(&$submission);
            // Straight to stderr, past the test harness's capture: the score
            // shows in every run.
            let _ =
                std::io::Write::write_all(&mut std::io::stderr(), format!("{report}\n").as_bytes());
            // The table is above; the failure says only what it amounts to.
            assert!(
                report.all_correct(),
                "not every item is right: score {} / {} (the table above names each item)",
                $crate::grade::show_points(report.score),
                report.max_score
            );
        }
    };
}
