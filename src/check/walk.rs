//! One coordinate's walk through the stages. `check_coordinate` sets the probe
//! width, $w_i = \max(1,|x_i|)$, and narrows it (up to 12 times, by 16 each)
//! while f is not finite at a probe, so that a step never crosses the edge of
//! f's domain (`ln`, `sqrt` near 0); still not finite at the narrowest width,
//! the coordinate is **Inconclusive**. `decide_coordinate` is the list of the
//! stages: first pass, the noisy stage for a nondeterministic f, central
//! differences, Ridders, the kink analysis; each returns once every output is
//! decided. `Walk` carries what they share and the noise they learn.

use super::central::central_pass;
use super::first_pass::first_pass;
use super::kink_levels::kink_analysis;
use super::point::{Point, Walk, entry};
use super::probe::{Evaluator, Scratch, Structure};
use super::quantized::Quantization;
use super::ridders::ridders_pass;
use super::rounding_look::Along;
use super::{
    EntryCheck, Evidence, Method, Verdict, domain_edge, kinks, noisy, resolve, rounding_look,
    wide_steps,
};
use crate::float::{Real, cst};
use crate::numeric::differences::{DifferenceScheme, step_within};

/// How often the steps shrink when f is not finite at a probe.
pub(super) const DOMAIN_RETRIES: usize = 12;

/// Steps 1 to 6 of the module doc for coordinate `i`: one entry per output.
///
/// The steps scale with the coordinate's width $w_i = \max(1, |x_i|)$. Where
/// f is NaN or infinite at a probe point, the steps crossed the edge of f's
/// domain ($\ln x$ at $x = 10^{-9}$ probed at $x - 10^{-4}$): the coordinate is
/// judged again with $w_i = |x_i|$ (for $0 < |x_i| < 1$), then sixteen times
/// smaller each time, up to [`DOMAIN_RETRIES`] times, while the first pass's
/// step stays above 64 units in the last place of $x_i$. A coordinate whose
/// probes still meet a non-finite f (f is finite on one side of x only, or at
/// x only) is judged by its finite side, or is inconclusive where it has none
/// (`domain_edge.rs`).
pub(super) fn check_coordinate<F: Real, E: FnMut(&[F], &mut [F])>(
    ev: &mut Evaluator<'_, F, E>,
    point: Point<'_, F>,
    i: usize,
    s: &mut Scratch<F>,
    entries: &mut Vec<EntryCheck>,
    quantization: &mut Quantization,
) {
    let first = entries.len();
    let unresolved = quantization.unresolved.len();
    let xi = point.x[i].abs();
    let mut width = F::one().max(xi);
    let widest = width;
    // Below this width the first pass's step h3 = eps^(1/3) w is under 64 ulps of x_i.
    let narrowest = cst::<F>(64.0) * F::epsilon() * F::epsilon().cbrt().recip() * xi;
    for attempt in 0..=DOMAIN_RETRIES {
        ev.nonfinite = false;
        decide_coordinate(ev, point, i, width, s, entries, quantization, None);
        resolve::resolve_weak_passes(ev, point, i, width, &mut entries[first..]);
        if !ev.nonfinite {
            // A failure may be f's rounding along e_i, which the check's one
            // measurement of the noise did not see: judged again with it.
            if let Some(along) = rounding_look::louder_along(ev, point, i, width, &entries[first..])
            {
                entries.truncate(first);
                quantization.unresolved.truncate(unresolved);
                decide_coordinate(ev, point, i, width, s, entries, quantization, Some(&along));
                resolve::resolve_weak_passes(ev, point, i, width, &mut entries[first..]);
            }
            kinks::unless_resolved(point.coarsest, &mut entries[first..]);
            // Still failing: perhaps stairs wider than the small steps.
            wide_steps::doubt_from_wide_steps(ev, point, i, width, &mut entries[first..]);
            return;
        }
        let next = if attempt == 0 && xi > F::zero() && xi < width {
            xi
        } else {
            width / cst::<F>(16.0)
        };
        if attempt == DOMAIN_RETRIES || next < narrowest {
            break;
        }
        entries.truncate(first);
        quantization.unresolved.truncate(unresolved);
        width = next;
    }
    quantization.unresolved.truncate(unresolved);
    domain_edge::judge_at_domain_edge(ev, point, i, widest, &mut entries[first..]);
}

/// Steps 1 to 5 of the module doc for coordinate `i`, stage by stage;
/// `along`, where given, is the noise per output every stage's bar uses (f's
/// rounding measured along $e_i$) instead of the check's measurement, and
/// the slope error its absolute allowance carries.
#[allow(clippy::too_many_arguments)]
pub(super) fn decide_coordinate<F: Real, E: FnMut(&[F], &mut [F])>(
    ev: &mut Evaluator<'_, F, E>,
    point: Point<'_, F>,
    i: usize,
    width: F,
    s: &mut Scratch<F>,
    entries: &mut Vec<EntryCheck>,
    quantization: &mut Quantization,
    along: Option<&Along<F>>,
) {
    let Point {
        f0,
        x,
        analytic,
        config,
        noise,
        ..
    } = point;
    let m = f0.len();
    let first = entries.len();
    s.far = None;
    s.look_steps = None;
    s.central_ready = false;
    s.structure.iter_mut().for_each(|v| *v = Structure::Unseen);
    // Method::Ridders skips the first passes and escalates everything.
    let auto = config.method == Method::Auto;
    // The measured noise of each output: up front for Method::Ridders and for 1000
    // coordinates and more, else once the fourth-order look leaves one unsure; 0 until then.
    let measured = !auto || noise.eager || along.is_some();
    let sigma: Vec<F> = match along {
        Some(along) => along.sigma.clone(),
        None if measured => noise.get(ev, x, f0),
        None => vec![F::zero(); m],
    };
    if measured && noise.noise_everywhere() {
        for o in 0..m {
            let a = analytic[o][i];
            let (l, r) = (F::zero(), F::zero());
            let placeholder = entry(o, i, a, a, l, r, F::zero(), Verdict::Pass, Evidence::Noisy);
            entries.push(placeholder);
        }
        noisy::judge_noisy(
            ev,
            point,
            i,
            width,
            &sigma,
            &vec![true; m],
            &mut entries[first..],
        );
        return;
    }
    let floor = along.map_or(&[][..], |along| &along.floor);
    let t = noise.tolerances(&sigma, f0).with_floor(floor);
    let h3 = step_within(
        DifferenceScheme::ThirdOrder.optimal_step::<F>(),
        x[i],
        width,
    );
    let mut w = Walk {
        point,
        i,
        width,
        first,
        auto,
        h3,
        sigma,
        t,
        measured,
    };
    if auto && first_pass(ev, &mut w, s, entries) {
        return;
    }
    let (h, done) = central_pass(ev, &w, s, entries);
    if done {
        return;
    }
    let look = ridders_pass(ev, &w, s, entries);
    if !s.pending.iter().any(|p| *p) {
        return;
    }
    kink_analysis(ev, &w, s, entries, quantization, h, look);
}
