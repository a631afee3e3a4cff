//! The whole check: the noise up front for large checks, the fast mode's
//! directions, every coordinate (in parallel when asked), the second looks
//! that need all coordinates (quantized, weak passes), the verdict rule's last
//! word (`rule::settle`), the diagnoses, and the negative control.

use super::budget::MeasuredRounding;
use super::claim;
use super::directional::FastPass;
use super::noise_model::NoiseModel;
use super::noise_reading;
use super::point::{Point, coarsest_bars};
use super::probe::{Evaluator, Scratch};
use super::quantized::Quantization;
use super::value_rounding;
use super::walk::check_coordinate;
use super::{
    CheckConfig, CheckReport, EntryCheck, NegativeControl, Verdict, diagnose, directional, f64_of,
    rule,
};
use crate::error::{OracleError, Result};
use crate::float::{Real, cst};

/// The most coordinates the fast mode falls back to checking one by one.
pub const MAX_FALLBACK: usize = 4096;

/// A thread-safe evaluation, for checks spread over threads.
pub(super) type SharedEval<'a, F> = &'a (dyn Fn(&[F], &mut [F]) + Sync);

#[allow(clippy::too_many_arguments)]
pub(super) fn run<F: Real + Send + Sync, E: FnMut(&[F], &mut [F])>(
    eval: &mut E,
    m: usize,
    x: &[F],
    analytic: &[Vec<F>],
    config: &CheckConfig,
    jacobian: bool,
    parallel: Option<SharedEval<'_, F>>,
    claim_spread: &[claim::RowSpread],
    fast: FastPass,
) -> Result<CheckReport> {
    let n = x.len();
    let mut ev = Evaluator {
        eval,
        work: x.to_vec(),
        count: 0,
        nonfinite: false,
    };
    let mut f0 = vec![F::zero(); m];
    (ev.eval)(x, &mut f0);
    ev.count += 1;
    if let Some((o, v)) = f0.iter().enumerate().find(|(_, v)| !v.is_finite()) {
        return Err(OracleError::FunctionNotFinite {
            name: if jacobian {
                format!("f(x)[{o}]")
            } else {
                "f(x)".into()
            },
            value: f64_of(*v),
        });
    }
    let fast_and_wide = config.directions.is_some() && n > directional::LOCALIZE_ABOVE;
    let rounding = MeasuredRounding {
        claim: claim::allowance(analytic, claim_spread, config),
        jump_doubt: claim::jump_doubt(claim_spread),
        value: if config.derives_tolerances() {
            value_rounding::measure(&mut ev, x, &f0, config.seed)
        } else {
            Vec::new()
        },
        noise: if fast_and_wide && config.derives_tolerances() {
            noise_reading::finest(&mut ev, x, &f0)
        } else {
            Vec::new()
        },
    };
    let mut disagreed_at = None;
    let directional = match config.directions {
        Some(d) => {
            let outcome = directional::directional_pass(
                &mut ev, &f0, x, analytic, config, &rounding, d, fast,
            );
            let (summary, vouched) = (outcome.summary, outcome.vouched);
            disagreed_at = outcome.disagreed_at;
            // Agreeing directions that cannot vouch for every entry hand few
            // inputs to the per-coordinate check (`directional.rs`).
            let resolved = vouched || n > directional::LOCALIZE_ABOVE;
            if summary.failed == 0 && resolved {
                let mut report = CheckReport {
                    entries: Vec::new(),
                    outputs: m,
                    inputs: n,
                    jacobian,
                    evaluations: ev.count,
                    directional: Some(summary),
                    diagnosis: None,
                    control: None,
                    unsure: None,
                    flat_scale: flat_scale(x, &f0),
                };
                negative_control(&mut ev, x, &f0, analytic, config, &rounding, &mut report);
                settle_resolution(&mut report, config);
                return Ok(report);
            }
            Some(summary)
        }
        None => None,
    };
    let coordinates: Vec<usize> = if directional.is_some() {
        directional::suspects(&mut ev, &f0, x, analytic, config, &rounding, disagreed_at)
    } else {
        (0..n).collect()
    };
    // The fast mode's fallback is bounded: where the halving kept no block
    // (an error spread thin, or directions at their resolution's edge), the
    // per-coordinate check of every one of 10^6 coordinates would run for
    // hours. The first MAX_FALLBACK are checked; a failure among them is
    // named, and if none fails, the report says what was and was not checked.
    let suspected = coordinates.len();
    let mut coordinates = coordinates;
    if directional.is_some() && suspected > MAX_FALLBACK {
        coordinates.truncate(MAX_FALLBACK);
    }
    let mut entries = check_coordinates(
        &mut ev,
        x,
        &f0,
        analytic,
        config,
        &rounding,
        &coordinates,
        parallel,
    );
    let mut unsure = rule::settle(&mut entries, config, &rounding.jump_doubt);
    let failed = entries.iter().any(|e| e.outcome == Verdict::Fail);
    if suspected > coordinates.len() && !failed {
        unsure.get_or_insert(format!(
            "the fast mode's directions disagreed and halving kept {suspected} coordinates; the first {} were checked one by one (the fast mode's budget) and none failed, the rest were not checked",
            coordinates.len()
        ));
    } else if coordinates.len() < n && !failed {
        // The blocks halving kept agree entry by entry, so what the
        // directions saw is elsewhere: spread thin over entries no half
        // showed, or a half's reading at its edge. The entries not checked
        // are vouched for by nothing.
        unsure.get_or_insert(format!(
            "the fast mode's directions disagreed, and the {} coordinates halving kept agree one by one; the other {} were not checked, and what the directions saw is not found",
            coordinates.len(),
            n - coordinates.len()
        ));
    }
    let diagnosis = diagnose::diagnose(&entries, m, n, jacobian);
    let mut report = CheckReport {
        entries,
        outputs: m,
        inputs: n,
        jacobian,
        evaluations: ev.count,
        directional,
        diagnosis,
        control: None,
        unsure,
        flat_scale: flat_scale(x, &f0),
    };
    negative_control(&mut ev, x, &f0, analytic, config, &rounding, &mut report);
    settle_resolution(&mut report, config);
    Ok(report)
}

/// Per output, $|f_0|$ over the point's width $\max(1, \max_j|x_j|)$: the
/// scale a row claiming all zeros is resolved against (see
/// [`CheckReport::resolution`]).
fn flat_scale<F: Real>(x: &[F], f0: &[F]) -> Vec<f64> {
    let width = x.iter().fold(1.0_f64, |w, v| w.max(f64_of(v.abs())));
    f0.iter().map(|f| f64_of(f.abs()) / width).collect()
}

/// No vacuous Pass: a passing report whose resolution is coarser than
/// [`CheckConfig::max_resolution`] is inconclusive, with the resolution reached.
pub(super) fn settle_resolution(report: &mut CheckReport, config: &CheckConfig) {
    if report.unsure.is_none() {
        report.unsure = rule::vacuous(report, config);
    }
}

/// Runs the negative control when the configuration asks for it, and makes
/// the report inconclusive when the control slips through (see [`rule`]).
pub(super) fn negative_control<F: Real + Send + Sync, E: FnMut(&[F], &mut [F])>(
    ev: &mut Evaluator<'_, F, E>,
    x: &[F],
    f0: &[F],
    analytic: &[Vec<F>],
    config: &CheckConfig,
    rounding: &MeasuredRounding<F>,
    report: &mut CheckReport,
) {
    if !config.negative_control {
        return;
    }
    let as_f64: Vec<Vec<f64>> = analytic
        .iter()
        .map(|row| row.iter().map(|v| f64_of(*v)).collect())
        .collect();
    let (o, i, moved) = rule::control_entry(&as_f64);
    let mut wrong = analytic.to_vec();
    wrong[o][i] += cst::<F>(moved);
    let before = ev.count;
    let mut entries = check_coordinates(ev, x, f0, &wrong, config, rounding, &[i], None);
    rule::settle(&mut entries, config, &rounding.jump_doubt);
    let verdict = entries
        .iter()
        .find(|e| e.output == o)
        .map_or(Verdict::Inconclusive, |e| e.outcome);
    report.evaluations += ev.count - before;
    let control = NegativeControl {
        output: o,
        input: i,
        moved_by: moved,
        verdict,
    };
    if !control.caught() {
        report.unsure = Some(rule::control_missed(verdict));
    }
    report.control = Some(control);
}

/// Steps 1 to 6 of the module doc for the coordinates `range`, one entry per
/// output and coordinate, then the quantized look across them.
#[allow(clippy::too_many_arguments)]
pub(super) fn check_coordinates<F: Real + Send + Sync, E: FnMut(&[F], &mut [F])>(
    ev: &mut Evaluator<'_, F, E>,
    x: &[F],
    f0: &[F],
    analytic: &[Vec<F>],
    config: &CheckConfig,
    rounding: &MeasuredRounding<F>,
    coordinates: &[usize],
    parallel: Option<SharedEval<'_, F>>,
) -> Vec<EntryCheck> {
    let m = f0.len();
    let mut entries = Vec::with_capacity(coordinates.len() * m);
    let noise = NoiseModel::new(x, analytic, rounding, config);
    let mut quantization = Quantization::new(m);
    if noise.eager {
        noise.get(ev, x, f0);
    }
    let coarsest = coarsest_bars(analytic, config);
    let point = Point {
        f0,
        x,
        analytic,
        config,
        noise: &noise,
        coarsest: &coarsest,
    };
    match parallel {
        #[cfg(feature = "parallel")]
        Some(shared) => {
            // Coordinates are independent: each chunk runs on its own copy of x,
            // and the chunks are joined in order, so the report is the same for
            // any number of threads.
            use rayon::prelude::*;
            let chunk = (coordinates.len() / (4 * rayon::current_num_threads())).max(8);
            let parts: Vec<(Vec<EntryCheck>, usize, Quantization)> = coordinates
                .par_chunks(chunk)
                .map(|part| {
                    let mut local = |p: &[F], out: &mut [F]| shared(p, out);
                    let mut local_ev = Evaluator {
                        eval: &mut local,
                        work: x.to_vec(),
                        count: 0,
                        nonfinite: false,
                    };
                    let mut scratch = Scratch::new(m);
                    let mut out = Vec::with_capacity(part.len() * m);
                    let mut local_quantization = Quantization::new(m);
                    for &i in part {
                        check_coordinate(
                            &mut local_ev,
                            point,
                            i,
                            &mut scratch,
                            &mut out,
                            &mut local_quantization,
                        );
                    }
                    (out, local_ev.count, local_quantization)
                })
                .collect();
            for (part, count, local_quantization) in parts {
                quantization.merge(local_quantization, entries.len());
                entries.extend(part);
                ev.count += count;
            }
        }
        // (Without the `parallel` feature nothing passes a shared evaluation.)
        _ => {
            let mut scratch = Scratch::new(m);
            for &i in coordinates {
                check_coordinate(ev, point, i, &mut scratch, &mut entries, &mut quantization);
            }
        }
    }
    let t = noise.tolerances(&noise.so_far(f0.len()), f0);
    quantization.look_for_grid(ev, x, f0, &entries, &t);
    quantization.settle(&mut entries, &t);
    entries
}
