//! The fast mode: random directions first, and a culprit found by halving.
//!
//! [`CheckConfig::directional`](crate::CheckConfig::directional) checks $d$
//! seeded random unit directions $v$
//! ([`numeric::directional`](crate::numeric::directional)): the central
//! difference $D_v f$ at $h = \varepsilon^{1/3}\max(1, \|x\|_\infty)$ against
//! $g\cdot v$ (summed with compensation, so its rounding stays near
//! $\varepsilon$ over $10^5$ terms), within
//! $\max(16\varepsilon\nu, \cdot)/h + 64\varepsilon\sum_i|g_i v_i|$, where
//! $\nu = \max|f| + \sum_i |x_i g_i|$ carries the inputs' rounding through the
//! claim. A direction that misses is looked at again with Ridders'
//! extrapolation along it (8 evaluations; pass if its error estimate is
//! trustworthy and within $4e$ plus its rounding). $2d + 1$ evaluations when
//! every direction agrees.
//!
//! **Per entry.** A direction sees an error $E$ in entry $j$ as $Ev_j$, with
//! $|v_j| \in [0.5, 1.5)/\sqrt n$, so it lets through entry errors up to
//! about $2\sqrt n\,\tau$ (twice its bar $\tau$, the numeric error included),
//! and errors spread over entries can cancel along it. The component $e\cdot v$
//! of a fixed error has a density below $\sqrt n/2\max_j|e_j|$ (that of its
//! largest entry's term), so $d$ independent directions all miss an error
//! with $\max_j|e_j| > 2\sqrt n\,\tau/\delta^{1/d}$ with a chance below
//! $\delta$ = [`ESCAPE`]. That, over the row's largest claim, is the
//! per-entry resolution `directional_pass` returns beside its summary; where
//! it is coarser than `max_resolution` and the inputs are at most
//! [`LOCALIZE_ABOVE`], the per-coordinate check runs (`run.rs`).
//!
//! **Above [`LOCALIZE_ABOVE`] inputs** no per-coordinate check is
//! affordable, and f is typically a sum over them, whose rounding grows as
//! $\sqrt n\,\varepsilon|f|$: f's noise is measured first (ECnoise's finest
//! reading, 28 to 112 evaluations, `MeasuredRounding::noise`), and every
//! bar here carries it. Where the small step cannot vouch per entry,
//! [`WIDE_DIRECTIONS`] directions are read again at 8, 64, 512 and 4096
//! times the step (`wide_resolution`, 256 evaluations): rounding falls with
//! the step, and $\delta^{1/16}$ brings the per-entry bound down from
//! $63\sqrt n\,\tau$ to $4.7\sqrt n\,\tau$. The kink-free stretch with the
//! finest per-entry resolution decides. Where it still cannot vouch, the
//! report keeps that per-entry resolution, and is Inconclusive (no vacuous
//! Pass): a pass never rests on the directions' resolution along them.
//!
//! **A straddled kink.** Central differences are blind to a kink that their
//! step straddles: the mean of a ReLU's slopes $10^{-10}$ beside x passed
//! every direction. Where a direction's one-sided gap
//! $(f(x+hv) + f(x-hv) - 2f_0)/h$ could move its central difference by more
//! than its tolerance, it agrees only if the gap doubles at $2h$ (2 more
//! evaluations: curvature, not a kink; `straddle.rs`), and Ridders' look
//! along it only if its levels' gaps shrink with the step. A smooth f that
//! curves along the directions thus costs $4d + 1$.
//!
//! When one disagrees, the wrong entries are **localized** by halving (for
//! more than [`LOCALIZE_ABOVE`] inputs): a random direction supported on each
//! half of a disagreeing block is judged the same way (at the wide stretch
//! that disagreed, where only a wide reading did), and only the halves
//! that disagree are split again, down to blocks of [`BLOCK`] coordinates,
//! which the per-coordinate check then judges. One wrong entry among $10^5$
//! costs about 11 levels of 2 directions, plus one block, instead of $3\cdot10^5$
//! evaluations. If the halving finds no block (every half agrees, an error
//! spread thin across halves), the per-coordinate check runs on every
//! coordinate, as for small inputs.

use crate::check::config::CheckConfig;
use crate::check::report::DirectionalSummary;
use crate::float::{Real, cst};
use crate::numeric::differences::DifferenceScheme;
use crate::numeric::directional::RandomDirections;
use crate::numeric::extrapolation::ridders_vec;

use super::budget::{
    MeasuredRounding, Tolerances, carried_before_noise, carried_rounding, magnitude, tolerance,
};
use super::f64_of;
use super::probe::Evaluator;
use super::straddle;

/// What a fast-mode pass must resolve.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum FastPass {
    /// Every entry, to `max_resolution` of its row (with the confidence of
    /// [`ESCAPE`]); where the directions cannot, and the inputs
    /// are few enough to check one by one, the per-coordinate check runs.
    PerEntry,
    /// The directions alone (`check_hvp`, whose claim is a product along them).
    AlongDirections,
}

/// Above this many inputs a disagreeing fast mode localizes by halving.
pub const LOCALIZE_ABOVE: usize = 256;

/// The size of the blocks that halving hands to the per-coordinate check.
pub const BLOCK: usize = 64;

/// What every direction is judged with: f at x, the point, the claim (one
/// row per output), the settings, per output $\sum_i |x_i g_i|$ (the
/// inputs' rounding carried through the claim) and the claim's measured
/// rounding.
struct Claimed<'a, F> {
    f0: &'a [F],
    x: &'a [F],
    analytic: &'a [Vec<F>],
    config: &'a CheckConfig,
    input: Vec<F>,
    rounding: &'a MeasuredRounding<F>,
}

impl<'a, F: Real> Claimed<'a, F> {
    fn new(
        f0: &'a [F],
        x: &'a [F],
        analytic: &'a [Vec<F>],
        config: &'a CheckConfig,
        rounding: &'a MeasuredRounding<F>,
    ) -> Self {
        let input = carried_before_noise(&carried_rounding(x, analytic), &rounding.value);
        Self {
            f0,
            x,
            analytic,
            config,
            input,
            rounding,
        }
    }

    /// f's rounding bar for output `o` at step `h`: values of magnitude
    /// `scale`, and the measured noise where there is one.
    fn rounding(&self, t: &Tolerances<F>, o: usize, scale: F, h: F) -> F {
        t.rounding(scale, self.rounding.noise(o), h)
    }

    /// f at x, the point, the claim, the settings and the inputs' rounding
    /// carried through the claim.
    #[allow(clippy::type_complexity)]
    fn parts(&self) -> (&'a [F], &'a [F], &'a [Vec<F>], &'a CheckConfig, &[F]) {
        (self.f0, self.x, self.analytic, self.config, &self.input)
    }
}

impl<F: Real> Claimed<'_, F> {
    /// The claim along `v`, per output: its tolerances (the claim's rounding
    /// reaches $g \cdot v$ through every entry: at most $\sum_i |v_i|$ times
    /// each entry's allowance), $g \cdot v$ (compensated) and
    /// $\sum_i |g_i v_i|$.
    fn along(&self, v: &[F]) -> (Tolerances<F>, Vec<F>, Vec<F>) {
        let l1 = v.iter().fold(F::zero(), |acc, vi| acc + vi.abs());
        let claim: Vec<F> = self.rounding.claim.iter().map(|c| *c * l1).collect();
        let gv = self
            .analytic
            .iter()
            .map(|row| compensated_sum(row.iter().zip(v).map(|(a, vi)| *a * *vi)))
            .collect();
        let scales = self
            .analytic
            .iter()
            .map(|row| {
                row.iter()
                    .zip(v)
                    .fold(F::zero(), |acc, (a, vi)| acc + (*a * *vi).abs())
            })
            .collect();
        (Tolerances::<F>::new(&claim), gv, scales)
    }
}

/// What one direction found: whether it agrees, and per output the error
/// $|g\cdot v - D_v f|$ and the tolerance it was judged with.
struct DirectionCheck<F> {
    agrees: bool,
    errors: Vec<F>,
    tolerances: Vec<F>,
    scales: Vec<F>,
}

/// Judges the claim along one direction `v` (2 evaluations, 10 when the
/// central difference misses and Ridders looks again). `input` is, per
/// output, $\sum_i |x_i g_i|$ (the inputs' rounding carried through the
/// claim; the same for every direction).
fn judge_direction<F: Real, E: FnMut(&[F], &mut [F])>(
    ev: &mut Evaluator<'_, F, E>,
    at: &Claimed<'_, F>,
    v: &[F],
) -> DirectionCheck<F> {
    let (f0, x, _, config, input) = at.parts();
    let (t, gv, scales) = at.along(v);
    let m = f0.len();
    let width = F::one().max(magnitude(x));
    let h = DifferenceScheme::Central.optimal_step::<F>() * width;
    let h0 = cst::<F>(config.ridders.initial_step) * width;
    let (mut plus, mut minus) = (vec![F::zero(); m], vec![F::zero(); m]);
    ev.along(x, v, h, &mut plus);
    ev.along(x, v, -h, &mut minus);
    let mut agrees = true;
    let mut errors = vec![F::zero(); m];
    let mut tolerances = vec![F::zero(); m];
    let mut gaps = vec![F::zero(); m];
    for o in 0..m {
        let d = (plus[o] - minus[o]) / (h + h);
        let scale = magnitude(&[f0[o], plus[o], minus[o]]) + input[o];
        tolerances[o] = tolerance(config, &t, o, scales[o], d, at.rounding(&t, o, scale, h));
        errors[o] = (gv[o] - d).abs();
        agrees &= errors[o] <= tolerances[o];
        gaps[o] = straddle::gap(f0[o], plus[o], minus[o], h);
    }
    if agrees {
        agrees = no_kink_straddled(ev, (x, v, h), f0, &gaps, &tolerances, |o| {
            at.rounding(&t, o, magnitude(&[f0[o], plus[o], minus[o]]) + input[o], h)
        });
    }
    if agrees {
        return DirectionCheck {
            agrees,
            errors,
            tolerances,
            scales,
        };
    }
    let (mut p, mut q) = (vec![F::zero(); m], vec![F::zero(); m]);
    // Each level's step and gaps, widest first: a kink every level straddles.
    let mut levels: Vec<(F, Vec<F>)> = Vec::with_capacity(config.ridders.levels);
    let r = ridders_vec(
        |hh, out: &mut [F]| {
            ev.along(x, v, hh, &mut p);
            ev.along(x, v, -hh, &mut q);
            for o in 0..m {
                out[o] = (p[o] - q[o]) / (hh + hh);
            }
            let gaps = (0..m)
                .map(|o| straddle::gap(f0[o], p[o], q[o], hh))
                .collect();
            levels.push((hh, gaps));
        },
        m,
        h0,
        &config.ridders,
    );
    agrees = true;
    let h_min = h0 / cst::<F>(config.ridders.ratio).powi(config.ridders.levels as i32 - 1);
    for o in 0..m {
        let trusted = r[o].error <= t.trust * F::one().max(r[o].value.abs());
        let scale = f0[o].abs() + input[o];
        let rounding = at.rounding(&t, o, scale, h_min);
        tolerances[o] = tolerance(
            config,
            &t,
            o,
            scales[o],
            r[o].value,
            cst::<F>(4.0) * r[o].error + rounding,
        );
        errors[o] = (gv[o] - r[o].value).abs();
        let clear = match (levels.first(), levels.last()) {
            (Some((h0, g0)), Some((h, g))) => {
                straddle::levels_clear((*h0, g0[o]), (*h, g[o]), rounding, tolerances[o])
            }
            _ => false,
        };
        agrees &= trusted && clear && errors[o] <= tolerances[o];
    }
    DirectionCheck {
        agrees,
        errors,
        tolerances,
        scales,
    }
}

/// Whether a direction whose central differences agree with the claim
/// straddles no kink (`straddle.rs`): per output, its gap is too small to
/// matter within its tolerance, or, read again at $2h$ (2 more
/// evaluations, once for every output), the gap doubles with the step.
/// `(x, v, h)` is the point, the direction and the step; `rounding(o)` the
/// slopes' rounding at $h$.
fn no_kink_straddled<F: Real, E: FnMut(&[F], &mut [F])>(
    ev: &mut Evaluator<'_, F, E>,
    (x, v, h): (&[F], &[F], F),
    f0: &[F],
    gaps: &[F],
    tolerances: &[F],
    rounding: impl Fn(usize) -> F,
) -> bool {
    let m = f0.len();
    if (0..m).all(|o| straddle::too_small_to_matter(gaps[o], tolerances[o])) {
        return true;
    }
    let two: F = cst(2.0);
    let (mut plus, mut minus) = (vec![F::zero(); m], vec![F::zero(); m]);
    ev.along(x, v, two * h, &mut plus);
    ev.along(x, v, -(two * h), &mut minus);
    (0..m).all(|o| {
        let double = straddle::gap(f0[o], plus[o], minus[o], two * h);
        straddle::too_small_to_matter(gaps[o], tolerances[o])
            || straddle::doubles_with_the_step(gaps[o], double, rounding(o))
    })
}

/// The chance, at most, that an error the per-entry resolution names slips
/// past every direction: $10^{-6}$.
pub const ESCAPE: f64 = 1e-6;

/// The fast mode's $d$ random directions: their summary, whether they
/// vouch for every entry, and where a wide reading alone disagreed (module
/// doc). With `FastPass::PerEntry` the summary's resolution is per entry
/// where they vouch, and above [`LOCALIZE_ABOVE`] inputs (no per-coordinate
/// check is affordable) always, after the wide read (`wide_resolution`)
/// where the small step could not vouch; otherwise it stays along them.
/// What the fast mode's directions found (`directional_pass`).
pub(super) struct FastOutcome {
    /// The summary the report carries.
    pub(super) summary: DirectionalSummary,
    /// Whether they vouch for every entry to `max_resolution`.
    pub(super) vouched: bool,
    /// Where they disagreed at a wide stretch only, that stretch: the
    /// halving reads there (`suspects`).
    pub(super) disagreed_at: Option<f64>,
}

#[allow(clippy::too_many_arguments)]
pub(super) fn directional_pass<F: Real, E: FnMut(&[F], &mut [F])>(
    ev: &mut Evaluator<'_, F, E>,
    f0: &[F],
    x: &[F],
    analytic: &[Vec<F>],
    config: &CheckConfig,
    rounding: &MeasuredRounding<F>,
    count: usize,
    fast: FastPass,
) -> FastOutcome {
    let at = Claimed::new(f0, x, analytic, config, rounding);
    let mut failed = 0;
    let mut worst = 0.0_f64;
    let mut resolution = 0.0_f64;
    let mut widest = vec![F::zero(); f0.len()];
    for v in RandomDirections::<F>::new(config.seed, x.len()).take(count) {
        let d = judge_direction(ev, &at, &v);
        worst = d.errors.iter().fold(worst, |acc, e| acc.max(f64_of(*e)));
        for ((tol, scale), w) in d.tolerances.iter().zip(&d.scales).zip(&mut widest) {
            resolution = resolution.max(f64_of(*tol / *scale));
            *w = w.max(*tol);
        }
        if !d.agrees {
            failed += 1;
        }
    }
    let mut summary = DirectionalSummary {
        directions: count,
        failed,
        worst_abs_error: worst,
        resolution,
    };
    if fast == FastPass::AlongDirections {
        return FastOutcome {
            summary,
            vouched: true,
            disagreed_at: None,
        };
    }
    let mut per_entry = per_entry_resolution(analytic, &widest, count);
    let many = x.len() > LOCALIZE_ABOVE;
    let mut disagreed_at = None;
    if failed == 0 && per_entry > config.max_resolution && many {
        match wide_resolution(ev, &at, count) {
            Wide::Vouches(r) => per_entry = r,
            // Finer than the small steps, they see the claim off: as if a
            // direction had disagreed (the halving, at that stretch, names
            // the entries).
            Wide::Disagrees(stretch) => {
                summary.failed += 1;
                disagreed_at = Some(stretch);
            }
            Wide::Unresolved(r) => per_entry = per_entry.min(r),
        }
    }
    let vouched = per_entry <= config.max_resolution;
    // Above LOCALIZE_ABOVE nothing checks the entries one by one after
    // agreeing directions: the resolution they vouch for per entry is the
    // report's (coarser than max_resolution, it is Inconclusive).
    if vouched || many {
        summary.resolution = per_entry;
    }
    FastOutcome {
        summary,
        vouched,
        disagreed_at,
    }
}

/// The resolution per entry of directions whose largest bars per output
/// were `widest` (module doc): over the rows, $2\sqrt n\,\tau/\delta^{1/d}$
/// over the row's largest claim (infinite for a row of zeros).
fn per_entry_resolution<F: Real>(analytic: &[Vec<F>], widest: &[F], count: usize) -> f64 {
    let n = analytic.first().map_or(0, Vec::len);
    let spread = 2.0 * (n as f64).sqrt() / ESCAPE.powf(1.0 / count.max(1) as f64);
    analytic
        .iter()
        .zip(widest)
        .map(|(row, tol)| {
            let largest = row.iter().fold(0.0_f64, |m, a| m.max(f64_of(a.abs())));
            spread * f64_of(*tol) / largest
        })
        .fold(
            0.0_f64,
            |m, r| if r.is_nan() { f64::INFINITY } else { m.max(r) },
        )
}

/// What the directions read at wider steps found.
enum Wide {
    /// Every direction agrees, and they vouch for this resolution per entry.
    Vouches(f64),
    /// A direction, free of kinks, misses the claim beyond its bar at this
    /// stretch (where the halving then reads).
    Disagrees(f64),
    /// A kink within every stretch (infinite), or agreement at this
    /// resolution, still coarser than `max_resolution`.
    Unresolved(f64),
}

/// How many directions the wide read draws: $\delta^{1/16} = 0.42$, so
/// they vouch per entry for $4.7\sqrt n\,\tau$, where the fast mode's 4
/// vouch for $63\sqrt n\,\tau$ (module doc).
pub const WIDE_DIRECTIONS: usize = 16;

/// The wide read's steps, in multiples of the fast mode's.
const STRETCHES: [f64; 4] = [8.0, 64.0, 512.0, 4096.0];

/// The directions again at 8, 64 and 512 times the step,
/// [`WIDE_DIRECTIONS`] of them at least (4 evaluations each per direction
/// and stretch): the slopes' rounding falls with the step, and the
/// truncation is bounded by $|c(2h) - c(h)|$ (for $c(t) = f'_v + Ct^p$,
/// $p \ge 1$, that is at least $c(h)$'s error), with the gap's doubling
/// ruling out a straddled kink. Of the stretches free of kinks, the one
/// that vouches for the finest resolution per entry decides: every
/// direction agrees within its bar (the resolution, `Vouches` if within
/// `max_resolution`), or a direction misses the claim beyond its bar (the
/// directions disagree).
fn wide_resolution<F: Real, E: FnMut(&[F], &mut [F])>(
    ev: &mut Evaluator<'_, F, E>,
    at: &Claimed<'_, F>,
    count: usize,
) -> Wide {
    let config = at.config;
    let count = count.max(WIDE_DIRECTIONS);
    let mut finest: Option<(f64, bool, f64)> = None;
    for stretch in STRETCHES {
        let Some((resolution, agrees)) = stretch_reading(ev, at, count, stretch) else {
            continue;
        };
        if finest.is_none_or(|(r, _, _)| resolution < r) {
            finest = Some((resolution, agrees, stretch));
        }
    }
    match finest {
        Some((_, false, stretch)) => Wide::Disagrees(stretch),
        Some((r, true, _)) if r <= config.max_resolution => Wide::Vouches(r),
        Some((r, true, _)) => Wide::Unresolved(r),
        None => Wide::Unresolved(f64::INFINITY),
    }
}

/// The `count` directions read at `stretch` times the fast mode's step:
/// the resolution per entry they vouch for and whether every one agrees,
/// or `None` where a gap that does not double leaves a kink possible (or
/// f's rounding at that stretch: it decides nothing, another may).
fn stretch_reading<F: Real, E: FnMut(&[F], &mut [F])>(
    ev: &mut Evaluator<'_, F, E>,
    at: &Claimed<'_, F>,
    count: usize,
    stretch: f64,
) -> Option<(f64, bool)> {
    let mut widest = vec![F::zero(); at.f0.len()];
    let (mut kink_free, mut agrees) = (true, true);
    for v in RandomDirections::<F>::new(at.config.seed, at.x.len()).take(count) {
        let read = read_wide(ev, at, &v, stretch);
        kink_free &= read.kink_free;
        agrees &= read.agrees;
        for (w, tol) in widest.iter_mut().zip(&read.tolerances) {
            *w = w.max(*tol);
        }
    }
    kink_free.then(|| (per_entry_resolution(at.analytic, &widest, count), agrees))
}

/// One direction read at a wide step.
struct WideRead<F> {
    /// Per output, the gap is too small to matter or doubles at $2h$.
    kink_free: bool,
    /// Every output's $|g\cdot v - c(h)|$ within its tolerance.
    agrees: bool,
    /// Per output, the tolerance: rounding plus $|c(2h) - c(h)|$.
    tolerances: Vec<F>,
}

/// The claim along `v` judged at `stretch` times the fast mode's step $h$
/// (4 evaluations): the central differences $c(h)$ and $c(2h)$, the first
/// judged within its rounding plus $|c(2h) - c(h)|$, and the gaps at both
/// steps for a straddled kink.
fn read_wide<F: Real, E: FnMut(&[F], &mut [F])>(
    ev: &mut Evaluator<'_, F, E>,
    at: &Claimed<'_, F>,
    v: &[F],
    stretch: f64,
) -> WideRead<F> {
    let (f0, x, _, config, input) = at.parts();
    let m = f0.len();
    let width = F::one().max(magnitude(x));
    let h = cst::<F>(stretch) * DifferenceScheme::Central.optimal_step::<F>() * width;
    let two: F = cst(2.0);
    let (mut p1, mut m1, mut p2, mut m2) = (
        vec![F::zero(); m],
        vec![F::zero(); m],
        vec![F::zero(); m],
        vec![F::zero(); m],
    );
    let (t, gv, scales) = at.along(v);
    ev.along(x, v, h, &mut p1);
    ev.along(x, v, -h, &mut m1);
    ev.along(x, v, two * h, &mut p2);
    ev.along(x, v, -(two * h), &mut m2);
    let mut read = WideRead {
        kink_free: true,
        agrees: true,
        tolerances: vec![F::zero(); m],
    };
    for o in 0..m {
        let (c1, c2) = (
            (p1[o] - m1[o]) / (two * h),
            (p2[o] - m2[o]) / (cst::<F>(4.0) * h),
        );
        let scale = magnitude(&[f0[o], p1[o], m1[o], p2[o], m2[o]]) + input[o];
        let rho = at.rounding(&t, o, scale, h);
        let tol = tolerance(config, &t, o, scales[o], c1, rho + (c2 - c1).abs());
        let (g1, g2) = (
            straddle::gap(f0[o], p1[o], m1[o], h),
            straddle::gap(f0[o], p2[o], m2[o], two * h),
        );
        read.kink_free &=
            straddle::too_small_to_matter(g1, tol) || straddle::doubles_with_the_step(g1, g2, rho);
        read.agrees &= (gv[o] - c1).abs() <= tol;
        read.tolerances[o] = tol;
    }
    read
}

/// The coordinates left to the per-coordinate check after the fast mode
/// disagreed: every one for small inputs, else the blocks halving kept
/// (every one again if it kept none).
pub(super) fn suspects<F: Real, E: FnMut(&[F], &mut [F])>(
    ev: &mut Evaluator<'_, F, E>,
    f0: &[F],
    x: &[F],
    analytic: &[Vec<F>],
    config: &CheckConfig,
    rounding: &MeasuredRounding<F>,
    disagreed_at: Option<f64>,
) -> Vec<usize> {
    let n = x.len();
    if n <= LOCALIZE_ABOVE {
        return (0..n).collect();
    }
    let at = Claimed::new(f0, x, analytic, config, rounding);
    let mut kept = Vec::new();
    let mut blocks = vec![(0, n)];
    let mut draw = 0u64;
    while let Some((lo, hi)) = blocks.pop() {
        if hi - lo <= BLOCK {
            kept.extend(lo..hi);
            continue;
        }
        let mid = lo + (hi - lo) / 2;
        for (a, b) in [(lo, mid), (mid, hi)] {
            draw += 1;
            let seed = config.seed ^ draw.wrapping_mul(0x9e37_79b9_7f4a_7c15);
            let part = RandomDirections::<F>::new(seed, b - a)
                .next()
                .unwrap_or_default();
            let mut v = vec![F::zero(); n];
            v[a..b].copy_from_slice(&part);
            let disagrees = match disagreed_at {
                None => !judge_direction(ev, &at, &v).agrees,
                // Where only a wide stretch saw the claim off, the halves are
                // read there; one that straddles a kink stays a suspect.
                Some(stretch) => {
                    let read = read_wide(ev, &at, &v, stretch);
                    !(read.kink_free && read.agrees)
                }
            };
            if disagrees {
                blocks.push((a, b));
            }
        }
    }
    if kept.is_empty() {
        return (0..n).collect();
    }
    kept.sort_unstable();
    kept
}

/// Neumaier's compensated sum.
fn compensated_sum<F: Real>(terms: impl Iterator<Item = F>) -> F {
    let (mut sum, mut carry) = (F::zero(), F::zero());
    for v in terms {
        let next = sum + v;
        carry += if sum.abs() >= v.abs() {
            (sum - next) + v
        } else {
            (v - next) + sum
        };
        sum = next;
    }
    sum + carry
}
