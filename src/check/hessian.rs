//! Second derivatives: a claimed Hessian judged against differences of the
//! gradient, claimed Hessian-vector products along seeded random directions.
//!
//! **Hessian.** Row $i$ of $H$ is the gradient of $g_i = \partial f/\partial x_i$,
//! so [`check_hessian`] is [`check_jacobian`] of the gradient: every entry
//! $H_{ij}$ (the report's entry $(i, j)$) against the checker's differences of
//! $g_i$ along $x_j$, with the same error bars, kink analysis and verdicts.
//! A twice continuously differentiable $f$ has $H = H^\top$: a claim that
//! is not symmetric beyond both entries' tolerances is named, pair by pair,
//! beside the first-order diagnoses (sign, factor, transposed, should be
//! zero); an off-diagonal entry claimed 0 where the differences are clear of
//! 0 is named a missing cross term.
//!
//! **Hessian-vector products.** [`check_hvp`] takes `hvp(x, v)` $= H(x)\,v$.
//! For each of $d$ seeded Rademacher directions $v$, $H v$ is the gradient
//! of $\varphi_v(x) = v^\top \nabla f(x)$ ($H$ being symmetric), so the claim
//! is judged by the first-order fast mode on $\varphi_v$ along one more,
//! independent random direction $w$: $w^\top \mathrm{hvp}(x, v)$ against the
//! central difference of $\varphi_v$ along $w$, with that mode's error bars
//! (the inputs' rounding carried through the claim): 2 gradient evaluations
//! per direction, plus one at the point, and 2 more where $\varphi_v$ curves
//! along $w$ (the fast mode's read at twice the step, which tells that
//! curvature from a kink of the gradient its step straddles; an independent $w$, not $v$ itself:
//! $v^\top A v = 0$ would let an antisymmetric error through). $d$ is
//! [`CheckConfig::directional`]'s count, [`DEFAULT_HVP_DIRECTIONS`] when not
//! set. If every direction passes, the report carries the
//! [`DirectionalSummary`] and no entries; if one does not (a failure, a kink,
//! an undecided case), every column $H e_j = \mathrm{hvp}(x, e_j)$ is
//! checked entry by entry, as [`check_hessian`] does, so the verdict names
//! entries.

use nalgebra::DMatrix;

use super::directional::FastPass;
use super::matrix_claim::MatrixClaim;

use super::report::EntryCheck;
use super::{CheckConfig, CheckReport, DirectionalSummary, Verdict, check_jacobian};
use crate::error::{OracleError, Result, require_finite};
use crate::float::Real;
use crate::numeric::directional::RandomDirections;

/// Directions [`check_hvp`] tries when the configuration sets none.
pub const DEFAULT_HVP_DIRECTIONS: usize = 3;

/// Checks a claimed Hessian `hess` ($n \times n$) of the function whose
/// gradient is `grad`, at `x`.
///
/// ```
/// use gradient_oracle::{check_hessian, CheckConfig, Verdict};
/// use gradient_oracle::nalgebra::DMatrix;
/// // f = x0^2 x1 + sin(x1)
/// let grad = |x: &[f64]| vec![2.0 * x[0] * x[1], x[0] * x[0] + x[1].cos()];
/// let hess = |x: &[f64]| DMatrix::from_row_slice(2, 2, &[2.0 * x[1], 2.0 * x[0], 2.0 * x[0], -x[1].sin()]);
/// let report = check_hessian(&grad, &hess, &[1.5, -0.5], &CheckConfig::default())?;
/// assert_eq!(report.verdict(), Verdict::Pass);
/// // A missing cross term is named.
/// let diagonal = |x: &[f64]| DMatrix::from_row_slice(2, 2, &[2.0 * x[1], 0.0, 0.0, -x[1].sin()]);
/// let report = check_hessian(&grad, &diagonal, &[1.5, -0.5], &CheckConfig::default())?;
/// assert_eq!(report.verdict(), Verdict::Fail);
/// assert!(report.diagnosis().unwrap().contains("missing cross term"));
/// # Ok::<(), gradient_oracle::OracleError>(())
/// ```
///
/// # Errors
/// As [`check_jacobian`]; a claimed Hessian that is not $n \times n$ or a
/// gradient that is not of length $n$, named as such.
pub fn check_hessian<F, G, H, M, X>(
    grad: &G,
    hess: &H,
    x: &X,
    config: &CheckConfig,
) -> Result<CheckReport>
where
    F: Real,
    G: Fn(&[F]) -> Vec<F> + ?Sized,
    H: Fn(&[F]) -> M + ?Sized,
    M: MatrixClaim<F>,
    X: AsRef<[F]> + ?Sized,
{
    let x = x.as_ref();
    require_finite("x", x.iter().map(|v| v.to_f64().unwrap_or(f64::NAN)))?;
    let n = x.len();
    let claim = hess(x)
        .into_matrix(n, n)
        .map_err(|found| OracleError::ShapeMismatch {
            name: "hessian".into(),
            expected: format!("{n} x {n} (the point has {n} coordinates)"),
            found,
        })?;
    if claim.nrows() != n || claim.ncols() != n {
        return Err(OracleError::ShapeMismatch {
            name: "hessian".into(),
            expected: format!("{n} x {n} (the point has {n} coordinates)"),
            found: format!("{} x {}", claim.nrows(), claim.ncols()),
        });
    }
    let g = grad(x);
    if g.len() != n {
        return Err(OracleError::ShapeMismatch {
            name: "gradient".into(),
            expected: format!("{n} entries"),
            found: format!("{} entries", g.len()),
        });
    }
    let mut report = check_jacobian(grad, &|_: &[F]| claim.clone(), x, config)?;
    let second_order = second_order_diagnosis(&report.entries, &claim);
    report.diagnosis = match (second_order, report.diagnosis.take()) {
        (Some(a), Some(b)) => Some(format!("{a}; {b}")),
        (a, b) => a.or(b),
    };
    Ok(report)
}

/// The claim's asymmetric pairs and missing cross terms, if any.
fn second_order_diagnosis<F: Real>(entries: &[EntryCheck], claim: &DMatrix<F>) -> Option<String> {
    let n = claim.nrows();
    let entry = |i: usize, j: usize| entries.iter().find(|e| e.output == i && e.input == j);
    let value = |i: usize, j: usize| claim[(i, j)].to_f64().unwrap_or(f64::NAN);
    let mut asymmetric = Vec::new();
    let mut missing = Vec::new();
    for i in 0..n {
        for j in 0..n {
            let (Some(a), Some(b)) = (entry(i, j), entry(j, i)) else {
                continue;
            };
            if i < j && (value(i, j) - value(j, i)).abs() > a.tolerance + b.tolerance {
                asymmetric.push(format!(
                    "H[{i}, {j}] = {:.6e} but H[{j}, {i}] = {:.6e}",
                    value(i, j),
                    value(j, i)
                ));
            }
            let clear = a.numeric.abs() > 8.0 * a.tolerance;
            if i != j && a.outcome == Verdict::Fail && value(i, j) == 0.0 && clear {
                missing.push(format!(
                    "H[{i}, {j}] (the differences give {:.6e})",
                    a.numeric
                ));
            }
        }
    }
    let mut parts = Vec::new();
    if !asymmetric.is_empty() {
        parts.push(format!(
            "the claimed Hessian is not symmetric, as a Hessian of a twice continuously differentiable f is: {}{}",
            asymmetric.iter().take(4).cloned().collect::<Vec<_>>().join(", "),
            if asymmetric.len() > 4 { format!(", ... ({} pairs in all)", asymmetric.len()) } else { String::new() }
        ));
    }
    if !missing.is_empty() {
        parts.push(format!(
            "missing cross term{} claimed 0: {}",
            if missing.len() == 1 { "" } else { "s" },
            missing
                .iter()
                .take(4)
                .cloned()
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    (!parts.is_empty()).then(|| parts.join("; "))
}

/// Checks a claimed Hessian-vector product `hvp(x, v)` $= H(x)\,v$ of the
/// function whose gradient is `grad`, at `x` (the module docs say how).
///
/// ```
/// use gradient_oracle::{check_hvp, CheckConfig, Verdict};
/// // f = x0^2 x1 + sin(x1): H v without forming H.
/// let grad = |x: &[f64]| vec![2.0 * x[0] * x[1], x[0] * x[0] + x[1].cos()];
/// let hvp = |x: &[f64], v: &[f64]| vec![
///     2.0 * x[1] * v[0] + 2.0 * x[0] * v[1],
///     2.0 * x[0] * v[0] - x[1].sin() * v[1],
/// ];
/// let report = check_hvp(&grad, &hvp, &[1.5, -0.5], &CheckConfig::default())?;
/// assert_eq!(report.verdict(), Verdict::Pass);
/// assert!(report.entries().is_empty(), "passed along the random directions alone");
/// # Ok::<(), gradient_oracle::OracleError>(())
/// ```
///
/// # Errors
/// As [`check_hessian`]; a product that is not of length $n$.
pub fn check_hvp<F, G, V, X>(grad: &G, hvp: &V, x: &X, config: &CheckConfig) -> Result<CheckReport>
where
    F: Real,
    G: Fn(&[F]) -> Vec<F> + ?Sized,
    V: Fn(&[F], &[F]) -> Vec<F> + ?Sized,
    X: AsRef<[F]> + ?Sized,
{
    let x = x.as_ref();
    config.validate()?;
    require_finite("x", x.iter().map(|v| v.to_f64().unwrap_or(f64::NAN)))?;
    let n = x.len();
    let product = |v: &[F], name: &str| -> Result<Vec<F>> {
        let p = hvp(x, v);
        if p.len() != n {
            return Err(OracleError::ShapeMismatch {
                name: name.into(),
                expected: format!("{n} entries"),
                found: format!("{} entries", p.len()),
            });
        }
        Ok(p)
    };
    let inner = CheckConfig {
        directions: None,
        ..*config
    };
    let count = config.directions.unwrap_or(DEFAULT_HVP_DIRECTIONS);
    let mut summary = DirectionalSummary {
        directions: count,
        failed: 0,
        worst_abs_error: 0.0,
        resolution: 0.0,
    };
    let mut evaluations = 0;
    // Drawn one at a time: memory for one direction, however many are asked
    // for (directional(1 << 20) at n = 300 once built 2.5 GB up front).
    for (k, v) in RandomDirections::<F>::new(config.seed, n)
        .take(count)
        .enumerate()
    {
        let claim = product(&v, "hvp(x, v)")?;
        // H v is the gradient of phi(x) = v . grad f(x) (H is symmetric): one
        // first-order check of phi along an independent random direction,
        // with the fast mode's error bars (the inputs' rounding included).
        let phi = |p: &[F]| {
            let g = grad(p);
            if g.len() != n {
                return F::nan();
            }
            g.iter()
                .zip(&v)
                .fold(F::zero(), |s, (gi, vi)| s + *gi * *vi)
        };
        let along = CheckConfig {
            directions: Some(1),
            seed: config.seed.wrapping_add(1 + k as u64),
            ..*config
        };
        let r = super::gradient_check(
            &phi,
            &|_: &[F]| claim.clone(),
            x,
            &along,
            FastPass::AlongDirections,
        )?;
        evaluations += r.evaluations();
        if let Some(d) = r.directional() {
            summary.worst_abs_error = summary.worst_abs_error.max(d.worst_abs_error);
            summary.resolution = summary.resolution.max(d.resolution);
        }
        summary.failed += usize::from(r.verdict() != Verdict::Pass);
    }
    if summary.failed == 0 {
        let mut report = CheckReport {
            entries: Vec::new(),
            outputs: n,
            inputs: n,
            jacobian: true,
            evaluations,
            directional: Some(summary),
            diagnosis: None,
            control: None,
            unsure: None,
            flat_scale: Vec::new(),
        };
        super::run::settle_resolution(&mut report, config);
        return Ok(report);
    }
    let mut e = vec![F::zero(); n];
    let mut columns = Vec::with_capacity(n);
    for j in 0..n {
        e[j] = F::one();
        columns.push(product(&e, "hvp(x, e_j)")?);
        e[j] = F::zero();
    }
    let h = DMatrix::from_fn(n, n, |i, j| columns[j][i]);
    let mut report = check_hessian(grad, &|_: &[F]| h.clone(), x, &inner)?;
    report.evaluations += evaluations;
    report.directional = Some(summary);
    Ok(report)
}
