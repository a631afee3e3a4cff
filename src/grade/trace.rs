//! Grading a hand-run Exercise 2 trace, with error carried forward.
//!
//! Every quantity is compared first with the reference trace (the crate's own
//! run under the student's convention), at the precision it is written with.
//! If it differs, it is recomputed from the student's *own* earlier answers (their `s` for `z`, their `y_out` for
//! `delta_out`, their gradients and previous weights for the update, ...): if
//! it follows correctly from them (within three units of the last written
//! decimal, since the student's rounding adds up), it gets full credit as
//! *carried forward*.
//! Otherwise it is wrong, and the common slips are recognised:
//! a missing $\tanh'(s_{out})$ factor in $\delta_{out}$; $(y - y_{out})$ instead
//! of $(y_{out} - y)$; mean instead of sum or the reverse; another learning
//! rate (inferred from the answers); $\mathrm{relu}'(s) = 1$ at or below 0;
//! $W$ transposed; the gradient written where the updated weight belongs.
//!
//! The convention: the declared `mode` and `lr`, or, where absent, the one
//! (of sum, mean, online, and the learning rates 0.1, 0.5, 0.01, 1 and the one
//! the answers imply) the student's numbers follow most: the file is graded
//! under each, and agreement (before the decimals rule) decides.
//!
//! How each number is judged (precision, the decimals rule, slips charged
//! consistently) is in `src/grade/judge.rs` and `docs/grading.md`.
//!
//! Points (15 in all, 5 per iteration): the forward quantities of the four
//! samples share 1.5, the backward ones 1.5, the iteration's loss 0.2 and
//! gradients 0.4 each, the updated weights 1.

use crate::grade::GradePolicy;
use crate::grade::answers::{Exercise2Answers, IterationAnswers, SampleAnswers, Typed};
use crate::grade::judge::{
    Candidate, Evidence, Judged, all_match_carried, charge_consistent_slips, judge,
};
use crate::grade::report::{GradeItem, Status};
use crate::grade::slips::{Slip, shape_slip};
use crate::models::mlp::{Dataset, Mlp};
use crate::models::mlp_steps as steps;
use crate::models::training::{IterationRecord, TrainConfig, UpdateMode, train};

const ITERATIONS: usize = 3;

fn flat(m: &[Vec<f64>]) -> Vec<f64> {
    m.iter().flatten().copied().collect()
}

/// A matrix answer that is not $H \times D$: transposed ($D \times H$, a
/// slip named as such) or another shape, named.
fn shape_problem(name: &str, m: &[Vec<Typed>], h: usize, d: usize) -> Option<Judged> {
    let lengths: Vec<usize> = m.iter().map(Vec::len).collect();
    shape_slip(name, &lengths, h, d).map(Judged::wrong)
}

/// The learning rate an update implies, from every entry at once (least
/// squares of $w_{prev} - w = r\,g$: one entry's rounding does not decide),
/// rounded to the precision people write rates with (two significant
/// digits), if it reproduces the student's numbers at their precision.
fn implied_rate(given: &[Typed], prev: &[f64], grad: &[f64]) -> Option<f64> {
    if given.len() != prev.len() || prev.len() != grad.len() {
        return None;
    }
    let (num, den) = given
        .iter()
        .zip(prev)
        .zip(grad)
        .fold((0.0, 0.0), |(n, d), ((w, p), g)| {
            (n + (p - w.value) * g, d + g * g)
        });
    let rate = num / den;
    if !(rate.is_finite() && rate > 0.0) {
        return None;
    }
    let magnitude = 10f64.powi(rate.log10().floor() as i32 - 1);
    let rounded = (rate / magnitude).round() * magnitude;
    let rounded = (rounded * 1e12).round() / 1e12;
    let update: Vec<f64> = prev
        .iter()
        .zip(grad)
        .map(|(p, g)| p - rounded * g)
        .collect();
    all_match_carried(given, &update).then_some(rounded)
}

/// The learning rate the first iteration's $w$ implies from the start
/// weights and the student's gradient, if they say (see [`implied_rate`]).
fn implied_lr(answers: &Exercise2Answers, start: &Mlp) -> Option<f64> {
    let it = answers.iterations.first()?;
    let (w, g) = (it.w_out.as_ref()?, it.grad_out.as_ref()?);
    let grad: Vec<f64> = g.iter().map(|t| t.value).collect();
    let start: Vec<f64> = start.w_out().iter().copied().collect();
    implied_rate(w, &start, &grad)
}

/// The conventions to grade under: the imposed or declared mode and rate,
/// else every mode and the usual rates (0.1, 0.5, 0.01, 1) plus the one the
/// answers imply, in that order.
fn candidates(answers: &Exercise2Answers, model: &Mlp, policy: &GradePolicy) -> Vec<TrainConfig> {
    let (mode, lr) = (policy.mode.or(answers.mode), policy.lr.or(answers.lr));
    let modes: Vec<UpdateMode> = mode.map_or(UpdateMode::ALL.to_vec(), |m| vec![m]);
    let mut rates: Vec<f64> = match lr {
        Some(lr) => vec![lr],
        None => vec![0.1, 0.5, 0.01, 1.0],
    };
    if lr.is_none()
        && let Some(lr) = implied_lr(answers, model)
        && !rates.contains(&lr)
    {
        rates.push(lr);
    }
    modes
        .iter()
        .flat_map(|&mode| {
            rates.iter().map(move |&learning_rate| TrainConfig {
                mode,
                learning_rate,
                iterations: ITERATIONS,
            })
        })
        .collect()
}

/// How the convention was chosen, in words.
fn how_chosen(answers: &Exercise2Answers, policy: &GradePolicy) -> String {
    if policy.mode.is_some() || policy.lr.is_some() {
        let mut declared = Vec::new();
        if let (Some(m), Some(d)) = (policy.mode, answers.mode)
            && m != d
        {
            declared.push(format!("mode {d}"));
        }
        if let (Some(l), Some(d)) = (policy.lr, answers.lr)
            && (l - d).abs() > 1e-12 * l.abs()
        {
            declared.push(format!("learning rate {d}"));
        }
        return if declared.is_empty() {
            "imposed by the grader".to_string()
        } else {
            format!(
                "imposed by the grader; the file declares {}, and loses credit where that differs",
                declared.join(" and ")
            )
        };
    }
    match (answers.mode, answers.lr) {
        (Some(_), Some(_)) => "declared in the file",
        (None, None) => {
            "not declared in the file: of sum, mean and online and the usual learning rates, the one your numbers follow most"
        }
        _ => "declared in part; for the rest, the choice your numbers follow most",
    }
    .to_string()
}

/// Grades Exercise 2's answers against the sheet's network and data, under
/// the default policy.
pub fn grade_trace(answers: &Exercise2Answers) -> (Vec<GradeItem>, String) {
    grade_trace_with(answers, &GradePolicy::default())
}

/// Grades Exercise 2's answers under a TA's `policy`.
pub fn grade_trace_with(
    answers: &Exercise2Answers,
    policy: &GradePolicy,
) -> (Vec<GradeItem>, String) {
    let model = Mlp::sheet();
    let data = Dataset::sheet();
    let (answers, layout) = in_sheet_layout(answers, model.hidden(), model.inputs());
    let answers = &answers;
    let mut how = how_chosen(answers, policy);
    if let Some(note) = layout {
        how += &format!("; {note}");
    }
    // Every candidate convention is graded in full, and the one the answers
    // agree with most is kept (the earlier candidate on a tie). Agreement
    // is counted before the decimals rule, so a coarse trace is judged under
    // the convention its numbers follow, not one its rounding happens to
    // resemble somewhere.
    let mut best: Option<(f64, TrainConfig, Vec<GradeItem>)> = None;
    for config in candidates(answers, &model, policy) {
        let Some((items, agreement)) = grade_under(answers, &model, &data, config, policy) else {
            continue;
        };
        let score = agreement;
        if best.as_ref().is_none_or(|(b, _, _)| score > *b + 1e-9) {
            best = Some((score, config, items));
        }
    }
    let (items, config, how) = match best {
        Some((_, config, items)) => (items, config, how),
        None => {
            // No candidate trains (a declared rate of 1e308 overflows the
            // weights): say so, and grade against the sheet's own convention.
            let config = TrainConfig::default();
            let (items, _) = grade_under(answers, &model, &data, config, policy)
                .expect("the sheet's network trains");
            let how = format!(
                "the declared convention, mode {}, learning rate {}, cannot be run (the weights overflow); graded under the sheet's",
                answers
                    .mode
                    .or(policy.mode)
                    .map_or("inferred".to_string(), |m| m.to_string()),
                answers
                    .lr
                    .or(policy.lr)
                    .map_or("inferred".to_string(), |l| l.to_string()),
            );
            (items, config, how)
        }
    };
    let mut items = items;
    items.extend(extras(answers, data.len()));
    (
        items,
        format!(
            "mode {}, learning rate {} ({how})",
            config.mode, config.learning_rate
        ),
    )
}

/// Grades the answers under one convention, with the points of the items
/// that agree with it before the decimals rule (the evidence for the
/// convention); `None` if it cannot be run.
fn grade_under(
    answers: &Exercise2Answers,
    model: &Mlp,
    data: &Dataset,
    config: TrainConfig,
    policy: &GradePolicy,
) -> Option<(Vec<GradeItem>, f64)> {
    let (_, trace) = train(model, data, &config).ok()?;
    let mut grader = TraceGrader {
        config,
        min_decimals: policy.min_decimals,
        data,
        shape: (model.hidden(), model.inputs(), data.len()),
        items: Vec::new(),
        evidence: Vec::new(),
        w_hidden: trace.initial_w_hidden.clone(),
        w_out: trace.initial_w_out.clone(),
    };
    let empty = IterationAnswers::default();
    for (t, r) in trace.iterations.iter().enumerate().take(ITERATIONS) {
        let a = answers.iterations.get(t).unwrap_or(&empty);
        let sums = grader.samples(t, r, a);
        let (gh_s, go_s) = grader.totals(t, r, a, &sums);
        grader.update(t, r, a, &gh_s, &go_s);
    }
    let mut items = grader.items;
    let agreement = items
        .iter()
        .zip(&grader.evidence)
        .filter(|(_, e)| e.agrees)
        .map(|(i, _)| i.max_points)
        .sum();
    charge_consistent_slips(&mut items, &grader.evidence);
    Some((items, agreement))
}

/// Layout is notation: $W$ and $\partial L/\partial W$ may be written
/// $H \times D$ (row $i$ = hidden unit $i$, the crate's $W_{ij}$) or $D \times H$
/// (the sheet's printed table: row $j$ = input $j$). With $D \ne H$ the shape
/// says which; a $D \times H$ matrix is read as its transpose, in every
/// iteration, and named in a note, never penalised. Other shapes are left
/// as they are (and named as a shape slip when graded).
fn in_sheet_layout(
    answers: &Exercise2Answers,
    h: usize,
    d: usize,
) -> (Exercise2Answers, Option<String>) {
    let mut normalized = answers.clone();
    if h == d {
        return (normalized, None);
    }
    let transposed = |m: &mut Option<Vec<Vec<Typed>>>| -> bool {
        let Some(rows) = m else { return false };
        if rows.len() != d || rows.iter().any(|r| r.len() != h) {
            return false;
        }
        *m = Some(
            (0..h)
                .map(|i| (0..d).map(|j| rows[j][i].clone()).collect())
                .collect(),
        );
        true
    };
    let mut which = Vec::new();
    for it in &mut normalized.iterations {
        if transposed(&mut it.w_hidden) && !which.contains(&"W") {
            which.push("W");
        }
        if transposed(&mut it.grad_hidden) && !which.contains(&"grad_W") {
            which.push("grad_W");
        }
    }
    let note = (!which.is_empty()).then(|| {
        format!(
            "{} written {d} x {h} (the sheet's printed layout, row j = input j), read as H x D: a notation, not a mistake",
            which.join(" and ")
        )
    });
    (normalized, note)
}

/// What the student's own per-sample numbers add up to in one iteration.
struct OwnSums {
    loss: f64,
    grad_out: Vec<f64>,
    grad_hidden: Vec<Vec<f64>>,
}

/// The student's values where they gave the right number of them, else the
/// reference's (so that one missing answer does not spoil the next).
fn own_values(v: &Option<Vec<Typed>>, fallback: &[f64]) -> Vec<f64> {
    match v {
        Some(v) if v.len() == fallback.len() => v.iter().map(|t| t.value).collect(),
        _ => fallback.to_vec(),
    }
}

fn own_value(v: &Option<Typed>, fallback: f64) -> f64 {
    v.as_ref().map_or(fallback, |t| t.value)
}

/// Grades a trace iteration by iteration, carrying the student's own numbers
/// (their weights, sums and deltas) from one quantity to the next.
struct TraceGrader<'a> {
    config: TrainConfig,
    min_decimals: u32,
    data: &'a Dataset,
    /// $(H, D, N)$.
    shape: (usize, usize, usize),
    items: Vec<GradeItem>,
    /// What each item showed about slips (aligned with `items`).
    evidence: Vec<Evidence>,
    /// The student's weights at the start of the iteration (theirs where given).
    w_hidden: Vec<Vec<f64>>,
    w_out: Vec<f64>,
}

impl TraceGrader<'_> {
    fn judge(
        &self,
        student: &[Typed],
        reference: &[f64],
        carried: Option<&[f64]>,
        slips: &[Candidate],
    ) -> Judged {
        judge(student, reference, carried, slips, self.min_decimals)
    }

    fn push(&mut self, item: String, judged: Option<Judged>, max: f64) {
        let (status, message, credit, evidence) = judged.map_or(
            (Status::Missing, String::new(), 0.0, Evidence::default()),
            |j| {
                let evidence = Evidence {
                    slip: j.slip,
                    ambiguous: j.ambiguous,
                    agrees: j.agrees,
                    written: j.written,
                };
                (j.status, j.message, j.credit, evidence)
            },
        );
        self.evidence.push(evidence);
        self.items.push(GradeItem {
            exercise: 2,
            item,
            status,
            points: max * credit,
            max_points: max,
            message,
        });
    }

    /// Every sample's forward and backward quantities; the student's own sums.
    fn samples(&mut self, t: usize, r: &IterationRecord, a: &IterationAnswers) -> OwnSums {
        let (h, d, n) = self.shape;
        let lr = self.config.learning_rate;
        let online = self.config.mode == UpdateMode::Online;
        // Online updates move the student's weights sample by sample, by the
        // student's own per-sample gradients: an error is carried forward
        // within the iteration as in the other modes.
        let (mut cur_h, mut cur_o) = (self.w_hidden.clone(), self.w_out.clone());
        let mut sums = OwnSums {
            loss: 0.0,
            grad_out: vec![0.0; h],
            grad_hidden: vec![vec![0.0; d]; h],
        };
        for k in 0..n {
            let x: Vec<f64> = self.data.x().row(k).iter().copied().collect();
            let y = self.data.y()[k];
            let sa = a.samples.get(k).cloned().unwrap_or_default();
            let (wh, wo) = if online {
                (cur_h.clone(), cur_o.clone())
            } else {
                (self.w_hidden.clone(), self.w_out.clone())
            };
            let tag = |what: &str| format!("iteration {}, sample {}: {what}", t + 1, k + 1);
            let own = self.sample(&tag, &r.samples[k], &sa, (&wh, &wo), (&x, y));
            sums.loss += own.loss;
            for i in 0..h {
                sums.grad_out[i] += own.delta_out * own.z[i];
                for j in 0..d {
                    sums.grad_hidden[i][j] += own.delta_hidden[i] * x[j];
                }
            }
            if online {
                for i in 0..h {
                    cur_o[i] = steps::updated(cur_o[i], own.delta_out * own.z[i], lr);
                    for j in 0..d {
                        cur_h[i][j] = steps::updated(cur_h[i][j], own.delta_hidden[i] * x[j], lr);
                    }
                }
            }
        }
        sums
    }

    /// One sample: each quantity against the reference and against what the
    /// student's own previous quantities give, with the known slips.
    fn sample(
        &mut self,
        tag: &dyn Fn(&str) -> String,
        rs: &crate::models::mlp::SampleRecord,
        sa: &SampleAnswers,
        (wh, wo): (&[Vec<f64>], &[f64]),
        (x, y): (&[f64], f64),
    ) -> OwnSample {
        let (h, _, n) = self.shape;
        let forward = 1.5 / (5 * n) as f64;
        let backward = 1.5 / (2 * n) as f64;
        let s_ecf = steps::pre_activations(wh, x);
        let j =
            sa.s.as_ref()
                .map(|v| self.judge(v, &rs.s, Some(&s_ecf), &[]));
        self.push(tag("s"), j, forward);
        let s_s = own_values(&sa.s, &rs.s);
        let z_ecf: Vec<f64> = s_s.iter().map(|v| steps::hidden(*v)).collect();
        let j =
            sa.z.as_ref()
                .map(|v| self.judge(v, &rs.z, Some(&z_ecf), &[]));
        self.push(tag("z"), j, forward);
        let z_s = own_values(&sa.z, &rs.z);
        let s_out_ecf = steps::output_pre_activation(wo, &z_s);
        let j = sa.s_out.as_ref().map(|v| {
            self.judge(
                std::slice::from_ref(v),
                &[rs.s_out],
                Some(&[s_out_ecf]),
                &[],
            )
        });
        self.push(tag("s_out"), j, forward);
        let s_out_s = own_value(&sa.s_out, rs.s_out);
        let j = sa.y_out.as_ref().map(|v| {
            self.judge(
                std::slice::from_ref(v),
                &[rs.y_out],
                Some(&[steps::output(s_out_s)]),
                &[],
            )
        });
        self.push(tag("y_out"), j, forward);
        let y_out_s = own_value(&sa.y_out, rs.y_out);
        let loss_ecf = steps::sample_loss(y_out_s, y);
        let j = sa
            .loss
            .as_ref()
            .map(|v| self.judge(std::slice::from_ref(v), &[rs.loss], Some(&[loss_ecf]), &[]));
        self.push(tag("loss"), j, forward);

        let d_ecf = steps::delta_out(y_out_s, y);
        let slips = Slip::delta_out_slips(y_out_s, y).map(|(s, v)| Candidate::new(s, "", vec![v]));
        let j = sa.delta_out.as_ref().map(|v| {
            self.judge(
                std::slice::from_ref(v),
                &[rs.delta_out],
                Some(&[d_ecf]),
                &slips,
            )
        });
        self.push(tag("delta_out"), j, backward);
        let d_s = own_value(&sa.delta_out, rs.delta_out);
        let dh_ecf: Vec<f64> = (0..h)
            .map(|i| steps::delta_hidden(d_s, wo[i], s_s[i]))
            .collect();
        let slips = [Candidate::new(
            Slip::ReluOneBelowZero,
            "",
            Slip::relu_one_below_zero(d_s, wo),
        )];
        let j = sa
            .delta_hidden
            .as_ref()
            .map(|v| self.judge(v, &rs.delta_hidden, Some(&dh_ecf), &slips));
        self.push(tag("delta_hidden"), j, backward);
        OwnSample {
            loss: own_value(&sa.loss, rs.loss),
            z: z_s,
            delta_out: d_s,
            delta_hidden: own_values(&sa.delta_hidden, &rs.delta_hidden),
        }
    }

    /// The iteration's loss and gradients; returns the gradients the update
    /// uses: the student's where given in the sheet's shape, else their own sums.
    fn totals(
        &mut self,
        t: usize,
        r: &IterationRecord,
        a: &IterationAnswers,
        sums: &OwnSums,
    ) -> (Vec<f64>, Vec<f64>) {
        let (h, d, n) = self.shape;
        let mean = self.config.mode == UpdateMode::Mean;
        let scale = if mean { 1.0 / n as f64 } else { 1.0 };
        let other = if mean { n as f64 } else { 1.0 / n as f64 };
        let slip = if mean {
            Slip::SummedForAveraged
        } else {
            Slip::AveragedForSummed
        };
        // The slip "averaged instead of summed" (or the reverse), from the
        // reference and from the student's own sums: it is named in every
        // iteration, also after an earlier error.
        let other_slip = |what: &str, reference: &[f64], own: &[f64]| -> Vec<Candidate> {
            let scaled = |v: &[f64]| v.iter().map(|x| x * other).collect::<Vec<f64>>();
            vec![
                Candidate::new(slip, what, scaled(reference)),
                Candidate::new(slip, what, scaled(own)),
            ]
        };
        // Online, the sheet asks for the updated weights, not the iteration's
        // totals: those are graded for information only (no points).
        // The iteration's point: 0.2 for the loss, 0.4 for each gradient
        // (decimal shares, so the shown points add up to the shown total).
        let (loss_points, grad_points) = if self.config.mode == UpdateMode::Online {
            (0.0, 0.0)
        } else {
            (0.2, 0.4)
        };
        let tag = |what: &str| format!("iteration {}: {what}", t + 1);
        let loss_ecf = sums.loss * scale;
        let slips = other_slip("loss", &[r.loss], &[loss_ecf]);
        let j = a.loss.as_ref().map(|v| {
            self.judge(
                std::slice::from_ref(v),
                &[r.loss],
                Some(&[loss_ecf]),
                &slips,
            )
        });
        self.push_total(tag("loss"), j, loss_points);
        let go_ecf: Vec<f64> = sums.grad_out.iter().map(|v| v * scale).collect();
        let slips = other_slip("gradient", &r.grad_out, &go_ecf);
        let j = a
            .grad_out
            .as_ref()
            .map(|v| self.judge(v, &r.grad_out, Some(&go_ecf), &slips));
        self.push_total(tag("grad_w"), j, grad_points);
        let gh_ecf: Vec<f64> = flat(&sums.grad_hidden).iter().map(|v| v * scale).collect();
        let gh_ref = flat(&r.grad_hidden);
        let slips = other_slip("gradient", &gh_ref, &gh_ecf);
        let j = a.grad_hidden.as_ref().map(|v| {
            shape_problem("grad_W", v, h, d)
                .unwrap_or_else(|| self.judge(&v.concat(), &gh_ref, Some(&gh_ecf), &slips))
        });
        self.push_total(tag("grad_W"), j, grad_points);
        let gh_s: Vec<f64> = match &a.grad_hidden {
            Some(v) if shape_problem("grad_W", v, h, d).is_none() => {
                v.concat().iter().map(|t| t.value).collect()
            }
            _ => gh_ecf,
        };
        let go_s: Vec<f64> = match &a.grad_out {
            Some(v) if v.len() == h => v.iter().map(|t| t.value).collect(),
            _ => go_ecf,
        };
        (gh_s, go_s)
    }

    /// A total worth no points (online) is listed only when answered.
    fn push_total(&mut self, item: String, judged: Option<Judged>, points: f64) {
        if points > 0.0 || judged.is_some() {
            self.push(item, judged, points);
        }
    }

    /// The updated weights, from the student's previous weights and
    /// gradients; the next iteration starts from the student's where given.
    fn update(
        &mut self,
        t: usize,
        r: &IterationRecord,
        a: &IterationAnswers,
        gh_s: &[f64],
        go_s: &[f64],
    ) {
        let (h, d, _) = self.shape;
        let lr = self.config.learning_rate;
        let points = if self.config.mode == UpdateMode::Online {
            1.0
        } else {
            0.5
        };
        let tag = |what: &str| format!("iteration {}: {what}", t + 1);
        let wh_prev = flat(&self.w_hidden);
        let step = |w: &[f64], g: &[f64]| -> Vec<f64> {
            w.iter()
                .zip(g)
                .map(|(w, g)| steps::updated(*w, *g, lr))
                .collect()
        };
        let (wh_ecf, wo_ecf) = (step(&wh_prev, gh_s), step(&self.w_out, go_s));
        let given_h = a.w_hidden.as_ref().map(|v| v.concat());
        let slips = update_slips(&wh_prev, gh_s, given_h.as_deref(), lr);
        let j = a.w_hidden.as_ref().zip(given_h.as_ref()).map(|(m, v)| {
            shape_problem("W", m, h, d)
                .unwrap_or_else(|| self.judge(v, &flat(&r.w_hidden), Some(&wh_ecf), &slips))
        });
        self.push(tag("W"), j, points);
        let slips = update_slips(&self.w_out, go_s, a.w_out.as_deref(), lr);
        let j = a
            .w_out
            .as_ref()
            .map(|v| self.judge(v, &r.w_out, Some(&wo_ecf), &slips));
        self.push(tag("w"), j, points);
        self.w_hidden = match &a.w_hidden {
            Some(w) if shape_problem("W", w, h, d).is_none() => w
                .iter()
                .map(|row| row.iter().map(|t| t.value).collect())
                .collect(),
            _ => r.w_hidden.clone(),
        };
        self.w_out = match &a.w_out {
            Some(w) if w.len() == h => w.iter().map(|t| t.value).collect(),
            _ => r.w_out.clone(),
        };
    }
}

/// What one sample's own numbers carry to the sums and the next quantities.
struct OwnSample {
    loss: f64,
    z: Vec<f64>,
    delta_out: f64,
    delta_hidden: Vec<f64>,
}

/// The update's slips: the gradient written for the weight, another learning
/// rate (fitted over every entry, see [`implied_rate`]).
fn update_slips(prev: &[f64], grad: &[f64], given: Option<&[Typed]>, lr: f64) -> Vec<Candidate> {
    let mut v = vec![Candidate::new(Slip::GradientAsWeight, "", grad.to_vec())];
    if let Some(rate) = given.and_then(|g| implied_rate(g, prev, grad))
        && (rate - lr).abs() > 1e-6 * lr
    {
        let slip = Slip::LearningRate {
            used: rate,
            declared: lr,
        };
        v.push(Candidate::new(
            slip,
            "",
            prev.iter()
                .zip(grad)
                .map(|(p, g)| steps::updated(*p, *g, rate))
                .collect(),
        ));
    }
    v
}

/// Iterations and samples the sheet does not ask for: no points, named.
fn extras(answers: &Exercise2Answers, samples: usize) -> Vec<GradeItem> {
    let extra = |item: String, message: String| GradeItem {
        exercise: 2,
        item,
        status: Status::Extra,
        points: 0.0,
        max_points: 0.0,
        message,
    };
    let mut items = Vec::new();
    for (t, it) in answers.iterations.iter().enumerate() {
        if t >= ITERATIONS {
            items.push(extra(
                format!("iteration {}", t + 1),
                format!("the sheet asks for {ITERATIONS} iterations"),
            ));
            continue;
        }
        for s in samples..it.samples.len() {
            items.push(extra(
                format!("iteration {}, sample {}", t + 1, s + 1),
                format!("the sheet has {samples} samples"),
            ));
        }
    }
    items
}
