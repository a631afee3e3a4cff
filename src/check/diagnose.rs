//! Recognisable shapes of a wrong gradient.
//!
//! Looking only at the failing entries (and their twins for swaps and
//! transposes), in this order:
//! - **sign flipped**: $a \approx -n$ with $|n|$ clear of the tolerance (more
//!   than 8 times it, so that $a$ and $-n$ cannot both be near 0);
//! - **should be zero**: $|n| \le 4\,\mathrm{tol}$ but $|a| > 8\,\mathrm{tol}$;
//! - **swapped**: two coordinates with $a_i \approx n_j$, $a_j \approx n_i$;
//! - **transposed**: a square Jacobian with $a_{rc} \approx n_{cr}$;
//! - **constant factor**: $a / n$ the same on every failing entry, named when
//!   it is $2$, $1/2$, an integer $N$ or $1/N$, and as $(1 + \delta)$ when it
//!   is within $10^{-4}$ of 1 (a gradient scaled by $1 + 10^{-6}$); a single
//!   failing entry is diagnosed only when its ratio is one of those;
//! - **the claim is zero**: every claimed entry is 0 and several fail;
//! - **constant offset**: every entry of a gradient off by the same $c$
//!   (checked before the factor: LayerNorm's dropped mean term);
//! - **outside a kink** (checked first after the zero claim): every failing
//!   entry sits at a visible kink and its claim is outside the one-sided
//!   derivatives: not a subgradient (a compound kink's autodiff value, say);
//! - **diagonal term**: a square Jacobian (a Hessian) whose failing entries are
//!   its whole diagonal, each off by the same $c$ (a missing or extra
//!   $\lambda I$).

use crate::check::report::EntryCheck;
use crate::check::verdict::{Evidence, Verdict};

/// Why a claim outside the one-sided derivatives fails even at a kink.
pub(crate) const COMPOUND_KINK: &str = "at a kink, and at a compound kink (several switching quantities at 0, e.g. relu(x) - relu(-x) at x = 0) above all, the autodiff convention (relu'(0) = 0) need not give a derivative: a value outside the one-sided derivatives is not a subgradient, and Fail is right";

/// A failing entry decided by the kink analysis (its one-sided slopes at the
/// smallest step, apart) whose claim lies outside them.
fn outside_a_kink(e: &EntryCheck) -> bool {
    let (lo, hi) = (e.left.min(e.right), e.left.max(e.right));
    e.evidence == Evidence::OneSided
        && hi - lo > 8.0 * e.tolerance
        && (e.analytic < lo - e.tolerance || e.analytic > hi + e.tolerance)
}

fn close(x: f64, y: f64, tol: f64) -> bool {
    (x - y).abs() <= 4.0 * tol + 1e-6 * x.abs().max(y.abs())
}

fn list(idx: &[String]) -> String {
    if idx.len() <= 6 {
        idx.join(", ")
    } else {
        format!("{}, ... ({} in all)", idx[..6].join(", "), idx.len())
    }
}

/// A one-line diagnosis of the failing entries, if they have a known shape.
pub(crate) fn diagnose(
    entries: &[EntryCheck],
    outputs: usize,
    inputs: usize,
    jacobian: bool,
) -> Option<String> {
    let failing: Vec<&EntryCheck> = entries
        .iter()
        .filter(|e| e.outcome == Verdict::Fail)
        .collect();
    if failing.is_empty() {
        return None;
    }
    let name = |e: &EntryCheck| {
        if jacobian {
            format!("({}, {})", e.output, e.input)
        } else {
            e.input.to_string()
        }
    };
    let names: Vec<String> = failing.iter().map(|e| name(e)).collect();
    let one = failing.len() == 1;
    let what = match (jacobian, one) {
        (true, true) => "entry",
        (true, false) => "entries",
        (false, true) => "coordinate",
        (false, false) => "coordinates",
    };

    // The claim is all zeros (a gradient never written, a detached tensor).
    if failing.len() >= 2 && entries.iter().all(|e| e.analytic == 0.0) {
        return Some(format!(
            "the claim is zero: every entry is 0, and {what} {} are not",
            list(&names)
        ));
    }
    if failing.iter().all(|e| outside_a_kink(e)) {
        let first = failing[0];
        return Some(format!(
            "{what} {}: the claim is not between the one-sided derivatives (at {}: {:.6e} is outside [{:.6e}, {:.6e}]); {COMPOUND_KINK}",
            list(&names),
            name(first),
            first.analytic,
            first.left.min(first.right),
            first.left.max(first.right)
        ));
    }
    if failing
        .iter()
        .all(|e| e.numeric.abs() > 8.0 * e.tolerance && close(e.analytic, -e.numeric, e.tolerance))
    {
        return Some(format!("sign flipped in {what} {}", list(&names)));
    }
    if failing
        .iter()
        .all(|e| e.numeric.abs() <= 4.0 * e.tolerance && e.analytic.abs() > 8.0 * e.tolerance)
    {
        return Some(format!(
            "{what} {} should be zero (the numeric derivative is 0 within tolerance)",
            list(&names)
        ));
    }
    let at = |o: usize, i: usize| entries.iter().find(|e| e.output == o && e.input == i);
    if failing.len() == 2 && failing[0].output == failing[1].output {
        let (a, b) = (failing[0], failing[1]);
        if close(a.analytic, b.numeric, a.tolerance.max(b.tolerance))
            && close(b.analytic, a.numeric, a.tolerance.max(b.tolerance))
        {
            return Some(format!(
                "{} {} and {} are swapped",
                if jacobian { "entries" } else { "coordinates" },
                name(a),
                name(b)
            ));
        }
    }
    if jacobian && outputs == inputs && failing.len() >= 2 {
        let transposed = failing.iter().all(|e| {
            at(e.input, e.output)
                .is_some_and(|t| close(e.analytic, t.numeric, e.tolerance.max(t.tolerance)))
        });
        if transposed {
            return Some(
                "the Jacobian is transposed (analytic[r][c] matches numeric[c][r])".into(),
            );
        }
    }
    if let Some(found) = offset(entries, &failing, outputs) {
        return Some(found);
    }
    if jacobian && outputs == inputs && failing.len() >= 2 {
        // A Hessian without its lambda I, or with one too many: the failing
        // entries are the diagonal, each off by the same c.
        let diagonal = failing.iter().all(|e| e.output == e.input);
        let d: Vec<f64> = failing.iter().map(|e| e.analytic - e.numeric).collect();
        if diagonal && failing.len() == outputs && same(&d, &failing) {
            let c = d[0];
            let how = if c < 0.0 { "missing" } else { "extra" };
            return Some(format!(
                "a {how} diagonal term: every diagonal entry is off by the same {c:.6e} (analytic = numeric {} {:.6e} I)",
                if c < 0.0 { "-" } else { "+" },
                c.abs()
            ));
        }
    }
    let ratios: Vec<f64> = failing
        .iter()
        .filter(|e| e.numeric.abs() > 4.0 * e.tolerance)
        .map(|e| e.analytic / e.numeric)
        .collect();
    if let Some(&first) = ratios.first()
        && ratios.len() == failing.len()
        && (ratios.len() >= 2 || is_named_factor(first))
        && first.is_finite()
        && ratios
            .iter()
            .all(|r| (r - first).abs() <= 1e-4 * first.abs())
    {
        let scope = if failing.len() == entries.len() {
            "the whole gradient".to_string()
        } else {
            format!("{what} {}", list(&names))
        };
        return Some(format!(
            "{scope}: analytic = {} x numeric",
            name_factor(first)
        ));
    }
    None
}

/// Whether a lone entry's ratio is a factor worth naming (2, 1/2, N, 1/N,
/// 1 + d): any other ratio of a single entry says nothing about the mistake's shape.
fn is_named_factor(c: f64) -> bool {
    let name = name_factor(c);
    name.starts_with('(') || !name.contains('.')
}

/// Names a factor: `(1 + d)` within 1e-4 of 1 (an entry failed, so it is not
/// 1), `2`, `1/2`, `N`, `1/N` when close to one of those, else the number.
fn name_factor(c: f64) -> String {
    if (c - 1.0).abs() <= 1e-4 {
        let d = c - 1.0;
        let sign = if d < 0.0 { '-' } else { '+' };
        return format!("(1 {sign} {:.1e})", d.abs());
    }
    let near = |x: f64| (x - x.round()).abs() <= 1e-4 * x.abs() && x.round() != 0.0;
    if near(c) && c.abs() <= 1e6 {
        return format!("{}", c.round());
    }
    let inv = 1.0 / c;
    if near(inv) && inv.abs() <= 1e6 {
        return format!("1/{}", inv.round());
    }
    format!("{c:.9}")
}

/// Whether the differences `d` (one per failing entry) are all the same,
/// within the entries' tolerances.
fn same(d: &[f64], failing: &[&EntryCheck]) -> bool {
    let first = d[0];
    d.iter()
        .zip(failing)
        .all(|(x, e)| close(*x, first, e.tolerance))
}

/// A constant offset: every entry of an output row (the row's failing ones
/// being all of it) off by the same c, $a_i = n_i + c$: LayerNorm's dropped
/// mean term, a bias added to every entry.
fn offset(entries: &[EntryCheck], failing: &[&EntryCheck], outputs: usize) -> Option<String> {
    if failing.len() < 3 || outputs != 1 || failing.len() != entries.len() {
        return None;
    }
    let d: Vec<f64> = failing.iter().map(|e| e.analytic - e.numeric).collect();
    // Not a scaled claim: the differences do not follow the numeric values.
    let spread = failing
        .iter()
        .map(|e| e.numeric)
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        });
    let c = d[0];
    // (Where the numeric values barely differ, an offset and a factor
    // explain the same claim: no diagnosis then.)
    (same(&d, failing) && spread.1 - spread.0 > c.abs())
        .then(|| format!("every entry is off by the same c = {c:.6e} (analytic = numeric + c: a dropped mean term, or a constant added to every entry)"))
}
