//! Scoring a Rust submission on the answer files' scale (40 points).
//!
//! [`grade_rust`] runs every item of the three traits on the same
//! [`SUBMISSION_CASES`] cases on every run: they are drawn from the fixed
//! seed [`SUBMISSION_SEED`], and nothing in the environment or in the
//! student's crate (`PROPTEST_CASES`, a `.cargo/config.toml`) changes them.
//! An item earns its points only when it is right in every case (the same
//! $10^{-9}$ relative agreement as the property tests); otherwise the message
//! says in how many cases it was wrong, shows the first, and names the slip
//! where its shape is recognisable (a flipped sign, a factor, a transposed
//! $\partial L/\partial W$).
//!
//! | exercise | items | points |
//! |---|---|---|
//! | 1 | $\partial L/\partial W_{out}$, $\partial L/\partial W_2$, $\partial L/\partial W_1$ | 5 each |
//! | 2 | $\delta_{out}$, $\delta_i$, $\partial L/\partial w$, $\partial L/\partial W$, finite differences of the loss against the student's $(\partial L/\partial W, \partial L/\partial w)$ | 3 each |
//! | 3 | $\partial L/\partial o_j$; or, when the submission implements [`HingeSubmission::softmax_jacobian`], the Jacobian and $\partial L/\partial o_j$ (carried forward from the student's own Jacobian) | 10; or 4 + 6 |
//!
//! The slips named include $\mathrm{relu}'(0) = 1$ (in $\delta_i$ and
//! $\partial L/\partial W$) and the softmax Jacobian's diagonal $p_i$ for
//! $p_i(1 - p_i)$ (in the Jacobian and in $\partial L/\partial o$).
//!
//! The finite-difference item is judged by [`check_gradient`]: only Pass or
//! Kink earns it (an Inconclusive check earns nothing).

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::check::{CheckConfig, check_gradient};
use crate::grade::report::{GradeItem, GradeReport, Status};
use crate::grade::slips::{Slip, shape_slip};
use crate::grade::submission::{ChainSubmission, HingeSubmission, MlpSample, MlpSubmission, close};
use crate::models::activation::Activation;
use crate::models::chain::ChainNetwork;
use crate::models::hinge::{hinge_gradient_p, softmax_hinge_gradient};
use crate::models::mlp::{Dataset, Mlp};
use crate::models::mlp_fast::mlp_loss_f64;
use crate::models::softmax::{jacobian_from_probabilities, softmax};

pub use crate::grade::submission::{SUBMISSION_CASES, SUBMISSION_SEED};

/// One item's tally over the cases.
struct Tally {
    exercise: u8,
    name: &'static str,
    points: f64,
    wrong: usize,
    first: Option<String>,
    slip: Option<String>,
}

impl Tally {
    fn new(exercise: u8, name: &'static str, points: f64) -> Self {
        Self {
            exercise,
            name,
            points,
            wrong: 0,
            first: None,
            slip: None,
        }
    }

    /// Records one case: `got` against `truth`, described by `case`.
    fn record(&mut self, got: &[f64], truth: &[f64], case: impl FnOnce() -> String) {
        self.record_with(got, truth, &[], case);
    }

    /// As [`Tally::record`], naming a known slip (the answer files' own,
    /// [`Slip`]) when `got` is what it computes.
    fn record_with(
        &mut self,
        got: &[f64],
        truth: &[f64],
        known: &[(Slip, Vec<f64>)],
        case: impl FnOnce() -> String,
    ) {
        let same = |a: &[f64], b: &[f64]| {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| close(*x, *y))
        };
        if !same(got, truth) {
            let named = known
                .iter()
                .find(|(_, v)| same(got, v))
                .map(|(s, _)| s.message(self.name));
            self.fail(
                || {
                    format!(
                        "you return {}, the reference is {}; {}",
                        exact(got),
                        exact(truth),
                        case()
                    )
                },
                named.or_else(|| slip(got, truth)),
            );
        }
    }

    /// The submission's `method` panicked on this case: the case is wrong,
    /// with the panic's message.
    fn panicked(&mut self, method: &str, panic: &str, case: impl FnOnce() -> String) {
        self.fail(
            || format!("your {method} panicked ({panic}); {}", case()),
            None,
        );
    }

    fn fail(&mut self, message: impl FnOnce() -> String, slip: Option<String>) {
        self.wrong += 1;
        if self.first.is_none() {
            self.first = Some(message());
            self.slip = slip;
        }
    }

    fn item(self, cases: usize) -> GradeItem {
        let (status, points, message) = match self.first {
            None => (
                Status::Correct,
                self.points,
                format!("right in all {cases} cases"),
            ),
            Some(first) => {
                let slip = self.slip.map(|s| format!("{s}; ")).unwrap_or_default();
                (
                    Status::Wrong,
                    0.0,
                    format!(
                        "{slip}wrong in {} of {cases} cases; first: {first}",
                        self.wrong
                    ),
                )
            }
        };
        GradeItem {
            exercise: self.exercise,
            item: self.name.into(),
            status,
            points,
            max_points: self.points,
            message,
        }
    }
}

/// Values in full (shortest round-trip form), with no `-0`.
fn exact(v: &[f64]) -> String {
    let one = |x: &f64| {
        if *x == 0.0 {
            "0".to_string()
        } else {
            x.to_string()
        }
    };
    if v.len() == 1 {
        one(&v[0])
    } else {
        format!("[{}]", v.iter().map(one).collect::<Vec<_>>().join(", "))
    }
}

/// A recognisable slip of `got` against `truth`: a flipped sign, or one
/// common factor (2, 1/2, -2, ...). None where the truth is all zero.
fn slip(got: &[f64], truth: &[f64]) -> Option<String> {
    if got.len() != truth.len() {
        return Some(format!(
            "{} entries where the sheet has {}",
            got.len(),
            truth.len()
        ));
    }
    let at = truth.iter().position(|t| t.abs() > 1e-6)?;
    let k = got[at] / truth[at];
    let consistent = got.iter().zip(truth).all(|(g, t)| close(*g, k * t));
    if !consistent || close(k, 1.0) {
        return None;
    }
    if close(k, -1.0) {
        return Some("the sign is flipped".into());
    }
    if close(k, 0.0) {
        return Some("every entry is 0".into());
    }
    Some(format!("every entry is {k:.4} times the reference"))
}

/// Grades all three exercises of a Rust submission on the fixed cases.
pub fn grade_rust<S: ChainSubmission + MlpSubmission + HingeSubmission>(
    submission: &S,
) -> GradeReport {
    let mut rng = StdRng::seed_from_u64(SUBMISSION_SEED);
    let mut items = grade_chain(submission, &mut rng);
    items.extend(grade_mlp(submission, &mut rng));
    items.extend(grade_hinge(submission, &mut rng));
    GradeReport::new(items, None)
}

fn grade_chain<S: ChainSubmission>(submission: &S, rng: &mut StdRng) -> Vec<GradeItem> {
    let mut tallies = [
        Tally::new(1, "dL/dW_out", 5.0),
        Tally::new(1, "dL/dW2", 5.0),
        Tally::new(1, "dL/dW1", 5.0),
    ];
    let mut cases = 0;
    while cases < SUBMISSION_CASES {
        let acts: [Activation; 3] =
            std::array::from_fn(|_| Activation::ALL[rng.random_range(0..Activation::ALL.len())]);
        let mut w: [f64; 3] = std::array::from_fn(|_| rng.random_range(-2.0..2.0));
        let (x_in, y_gt) = (rng.random_range(-2.0..2.0), rng.random_range(-1.0..1.0));
        // A quarter of the cases sit at a kink of the last non-smooth activation.
        if rng.random_bool(0.25)
            && let Some(k) = (0..3).rev().find(|k| !acts[*k].is_smooth())
        {
            w[k] = 0.0;
        }
        let Ok(net) = ChainNetwork::new(w.to_vec(), acts.to_vec()) else {
            continue;
        };
        let Ok(fwd) = net.forward(x_in, y_gt) else {
            continue;
        };
        let Ok(truth) = net.sheet_derivatives(&fwd) else {
            continue;
        };
        cases += 1;
        let case = || format!("weights {w:?}, activations {acts:?}, x_in {x_in}, y_gt {y_gt}");
        let got = match guarded(|| submission.derivatives(w, acts, &fwd)) {
            Ok(got) => got,
            Err(panic) => {
                tallies
                    .iter_mut()
                    .for_each(|t| t.panicked("derivatives", &panic, case));
                continue;
            }
        };
        for (t, (g, r)) in tallies.iter_mut().zip([
            (got[2], truth.d_w_out),
            (got[1], truth.d_w2),
            (got[0], truth.d_w1),
        ]) {
            t.record(&[g], &[r], case);
        }
    }
    tallies.map(|t| t.item(cases)).into()
}

fn grade_mlp<S: MlpSubmission>(submission: &S, rng: &mut StdRng) -> Vec<GradeItem> {
    let mut tallies = [
        Tally::new(2, "delta_out", 3.0),
        Tally::new(2, "delta_i", 3.0),
        Tally::new(2, "grad_w", 3.0),
        Tally::new(2, "grad_W", 3.0),
        Tally::new(2, "finite differences of L", 3.0),
    ];
    let mut cases = 0;
    while cases < SUBMISSION_CASES {
        let (h, d) = (rng.random_range(1..5), rng.random_range(1..4));
        let mut wh: Vec<Vec<f64>> = (0..h)
            .map(|_| (0..d).map(|_| rng.random_range(-1.5..1.5)).collect())
            .collect();
        let wo: Vec<f64> = (0..h).map(|_| rng.random_range(-1.5..1.5)).collect();
        let x: Vec<f64> = (0..d).map(|_| rng.random_range(-1.5..1.5)).collect();
        let y = rng.random_range(-1.0..1.0);
        if rng.random_bool(0.25) {
            wh[0] = vec![0.0; d]; // s_0 = 0 exactly: ReLU at its kink
        }
        let (Ok(model), Ok(data)) = (
            Mlp::from_rows(&wh, &wo),
            Dataset::from_rows(std::slice::from_ref(&x), &[y]),
        ) else {
            continue;
        };
        let Ok(run) = model.forward_backward(&data) else {
            continue;
        };
        cases += 1;
        let rec = &run.samples[0];
        let case = || format!("W {wh:?}, w {wo:?}, x {x:?}, y {y}");
        let sample = MlpSample::from_record((&wh, &wo), (&x, y), rec);
        let got = match guarded(|| submission.backward(&sample)) {
            Ok(got) => got,
            Err(panic) => {
                tallies
                    .iter_mut()
                    .for_each(|t| t.panicked("backward", &panic, case));
                continue;
            }
        };
        let [t_out, t_hidden, t_w, t_big_w, t_fd] = &mut tallies;
        let known: Vec<(Slip, Vec<f64>)> = Slip::delta_out_slips(rec.y_out, y)
            .iter()
            .map(|(s, v)| (*s, vec![*v]))
            .collect();
        t_out.record_with(&[got.delta_out], &[rec.delta_out], &known, case);
        let known = [
            (
                Slip::ReluOneAtZero,
                Slip::relu_one_at_zero(rec.delta_out, &wo, &rec.s),
            ),
            (
                Slip::ReluOneBelowZero,
                Slip::relu_one_below_zero(rec.delta_out, &wo),
            ),
        ];
        t_hidden.record_with(&got.delta_hidden, &rec.delta_hidden, &known, case);
        t_w.record(&got.grad_out, &rec.grad_out, case);
        // The same slips, carried into dL/dW = delta_i x_j.
        let known_w: Vec<(Slip, Vec<f64>)> = known
            .iter()
            .map(|(slip, delta)| {
                let outer = delta.iter().flat_map(|d| x.iter().map(move |xj| d * xj));
                (*slip, outer.collect())
            })
            .collect();
        record_grad_w(t_big_w, &got.grad_hidden, &rec.grad_hidden, &known_w, case);
        // Independently of the reference: the loss's finite differences
        // against the student's own gradient.
        let claimed: Vec<f64> = got
            .grad_hidden
            .iter()
            .flatten()
            .chain(&got.grad_out)
            .copied()
            .collect();
        let f = |p: &[f64]| mlp_loss_f64(p, h, &data);
        let verdict = check_gradient(
            &f,
            &|_: &[f64]| claimed.clone(),
            &model.parameters(),
            &CheckConfig::default(),
        )
        .map(|r| r.verdict());
        match verdict {
            Ok(v) if v.is_ok() => {}
            Ok(v) => t_fd.fail(|| format!("the check says {v}; {}", case()), None),
            Err(e) => t_fd.fail(|| format!("{e}; {}", case()), None),
        }
    }
    tallies.map(|t| t.item(cases)).into()
}

/// $\partial L/\partial W$ must be $H \times D$; a $D \times H$ answer that is
/// the transpose of the reference is named as such.
fn record_grad_w(
    tally: &mut Tally,
    got: &[Vec<f64>],
    truth: &[Vec<f64>],
    known: &[(Slip, Vec<f64>)],
    case: impl FnOnce() -> String,
) {
    let (h, d) = (truth.len(), truth.first().map_or(0, Vec::len));
    let lengths: Vec<usize> = got.iter().map(Vec::len).collect();
    match shape_slip("grad_W", &lengths, h, d) {
        Some(slip) => tally.fail(case, Some(slip)),
        None => {
            let flat = |m: &[Vec<f64>]| m.iter().flatten().copied().collect::<Vec<f64>>();
            tally.record_with(&flat(got), &flat(truth), known, case);
        }
    }
}

/// Exercise 3: $\partial L/\partial o$ alone (10 points), or, when the
/// submission gives its softmax Jacobian, in parts: the Jacobian (4) and
/// $\partial L/\partial o$ (6), which earns full credit, carried forward,
/// when it is $J^\top \partial L/\partial p$ with the student's own $J$.
fn grade_hinge<S: HingeSubmission>(submission: &S, rng: &mut StdRng) -> Vec<GradeItem> {
    let in_parts = matches!(
        guarded(|| submission.softmax_jacobian(&[0.0, 1.0])),
        Ok(Some(_))
    );
    let (mut jac, mut grad) = if in_parts {
        (
            Some(Tally::new(3, "softmax Jacobian", 4.0)),
            Tally::new(3, "dL/do_j", 6.0),
        )
    } else {
        (None, Tally::new(3, "dL/do_j", 10.0))
    };
    let mut carried_only = true;
    let mut cases = 0;
    while cases < SUBMISSION_CASES {
        let k = rng.random_range(2..9);
        let mut o: Vec<f64> = (0..k).map(|_| rng.random_range(-6.0..6.0)).collect();
        let label = rng.random_range(0..k);
        let margin = rng.random_range(0.0..2.0);
        if rng.random_bool(0.25) {
            o[0] = o[k - 1]; // tied logits
        }
        let (Ok(truth), Ok(p)) = (softmax_hinge_gradient(&o, label, margin), softmax(&o)) else {
            continue;
        };
        let Ok(grad_p) = hinge_gradient_p(&p, label, margin) else {
            continue;
        };
        cases += 1;
        let case = || format!("o {}, label {label}, margin {margin}", exact(&o));
        // The gradient through a Jacobian (J is k x k, row i = output p_i).
        let through = |j: &[Vec<f64>]| -> Vec<f64> {
            (0..k)
                .map(|c| {
                    (0..k)
                        .map(|r| j[r].get(c).copied().unwrap_or(f64::NAN) * grad_p[r])
                        .sum()
                })
                .collect()
        };
        let diagonal_slip = Slip::softmax_diagonal_jacobian(&p);
        let mut known = vec![(Slip::SoftmaxDiagonal, through(&diagonal_slip))];
        if let Some(t) = &mut jac {
            let reference = jacobian_from_probabilities(&p);
            let reference: Vec<f64> = (0..k)
                .flat_map(|r| (0..k).map(move |c| (r, c)))
                .map(|(r, c)| reference[(r, c)])
                .collect();
            match guarded(|| submission.softmax_jacobian(&o)) {
                Ok(Some(j)) if j.len() == k && j.iter().all(|row| row.len() == k) => {
                    let flat: Vec<f64> = j.iter().flatten().copied().collect();
                    let slip: Vec<f64> = diagonal_slip.iter().flatten().copied().collect();
                    t.record_with(&flat, &reference, &[(Slip::SoftmaxDiagonal, slip)], case);
                    // Their own Jacobian carried into the gradient.
                    known.insert(0, (Slip::SoftmaxDiagonal, through(&j)));
                }
                Ok(Some(j)) => t.fail(
                    || {
                        format!(
                            "the Jacobian has {} rows where k = {k}; {}",
                            j.len(),
                            case()
                        )
                    },
                    None,
                ),
                Ok(None) => t.fail(|| format!("no Jacobian returned; {}", case()), None),
                Err(panic) => t.panicked("softmax_jacobian", &panic, case),
            }
        }
        match guarded(|| submission.grad_logits(&o, label, margin)) {
            Ok(got) => {
                let wrong_before = grad.wrong;
                grad.record_with(&got, &truth, &known[known.len() - 1..], case);
                if grad.wrong > wrong_before {
                    // Carried forward from their own Jacobian?
                    let own = &known[0].1;
                    let follows = in_parts
                        && known.len() == 2
                        && got.len() == own.len()
                        && got.iter().zip(own).all(|(a, b)| close(*a, *b));
                    carried_only &= follows;
                }
            }
            Err(panic) => {
                carried_only = false;
                grad.panicked("grad_logits", &panic, case);
            }
        }
    }
    let mut items: Vec<GradeItem> = jac.map(|t| t.item(cases)).into_iter().collect();
    let mut g = grad.item(cases);
    if in_parts && g.status == Status::Wrong && carried_only {
        g.status = Status::CarriedForward;
        g.points = g.max_points;
        g.message = format!(
            "follows from your own softmax Jacobian (J^T dL/dp) in every case where it differs from the reference: full credit; {}",
            g.message
        );
    }
    items.push(g);
    items
}

/// Runs one submission method, catching a panic: one panicking method must
/// not take the whole score table down. `Err` holds the panic's message.
/// (The default hook still prints the panic to stderr, as in any Rust test.)
fn guarded<T>(method: impl FnOnce() -> T) -> Result<T, String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(method)).map_err(|payload| {
        payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic without a message".into())
    })
}
