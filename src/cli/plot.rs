//! SVG pictures (plotters): the V curve of numeric error against step size,
//! and the loss per iteration under each update convention.

use std::path::Path;

use plotters::prelude::*;

use super::bench::SweepPoint;

/// A curve of the V plot: legend, the error it reads, colour.
type Series = (&'static str, fn(&SweepPoint) -> f64, RGBColor);

fn err<E: std::fmt::Display>(e: E) -> String {
    e.to_string()
}

/// A failure names the file.
fn at(path: &Path, e: String) -> String {
    format!("cannot write the plot {}: {e}", path.display())
}

/// Log-log error against step for forward, central, third-order and Richardson differences,
/// with the classic optimal steps marked.
pub fn v_curve(path: &Path, sweep: &[SweepPoint]) -> Result<(), String> {
    draw_v_curve(path, sweep).map_err(|e| at(path, e))
}

fn draw_v_curve(path: &Path, sweep: &[SweepPoint]) -> Result<(), String> {
    let root = SVGBackend::new(path, (900, 600)).into_drawing_area();
    root.fill(&WHITE).map_err(err)?;
    let floor = 1e-17;
    let mut chart = ChartBuilder::on(&root)
        .caption(
            "numeric error against step size (chain: tanh, sigmoid, tanh)",
            ("sans-serif", 22),
        )
        .margin(15)
        .x_label_area_size(45)
        .y_label_area_size(70)
        .build_cartesian_2d((1e-16f64..1e-1).log_scale(), (floor..1e1f64).log_scale())
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_desc("step h (scaled by max(1, |x_i|)); vertical lines: the optimal steps eps^(1/2), eps^(1/3), eps^(1/4), eps^(1/5)")
        .y_desc("max |numeric - exact| / max(1, |exact|)")
        .x_label_formatter(&|v| format!("{v:.0e}"))
        .y_label_formatter(&|v| format!("{v:.0e}"))
        .draw()
        .map_err(err)?;
    let series: [Series; 4] = [
        ("forward, error ~ h + eps/h", |p| p.forward, RED),
        ("central, error ~ h^2 + eps/h", |p| p.central, BLUE),
        (
            "third order (x-h, x, x+h, x+2h; the checker's first pass), error ~ h^3 + eps/h",
            |p| p.third_order,
            MAGENTA,
        ),
        (
            "Richardson (central at h, 2h), error ~ h^4 + eps/h",
            |p| p.richardson,
            GREEN,
        ),
    ];
    for (label, pick, colour) in series {
        let pts: Vec<(f64, f64)> = sweep.iter().map(|p| (p.step, pick(p).max(floor))).collect();
        chart
            .draw_series(LineSeries::new(pts, colour.stroke_width(2)))
            .map_err(err)?
            .label(label)
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 20, y)], colour.stroke_width(2))
            });
    }
    let eps = f64::EPSILON;
    for (h, colour) in [
        (eps.sqrt(), RED),
        (eps.cbrt(), BLUE),
        (eps.powf(0.25), MAGENTA),
        (eps.powf(0.2), GREEN),
    ] {
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(h, floor), (h, 1e1)],
                colour.mix(0.4).stroke_width(1),
            )))
            .map_err(err)?;
    }
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .position(SeriesLabelPosition::UpperRight)
        .draw()
        .map_err(err)?;
    root.present().map_err(err)
}

/// The loss after each iteration, one line per convention.
pub fn loss_curves(path: &Path, curves: &[(String, Vec<f64>)]) -> Result<(), String> {
    // Axis ranges past 1e150 (or not finite) make the plotting crate's key
    // points spin: such a curve is refused, not drawn.
    if let Some((name, v)) = curves
        .iter()
        .flat_map(|(name, c)| c.iter().map(move |v| (name, *v)))
        .find(|(_, v)| !(v.is_finite() && v.abs() <= 1e150))
    {
        return Err(format!(
            "{}: the {name} curve has the loss {v:e}, beyond what a plot can show (at most 1e150 in size)",
            path.display()
        ));
    }
    draw_loss_curves(path, curves).map_err(|e| at(path, e))
}

fn draw_loss_curves(path: &Path, curves: &[(String, Vec<f64>)]) -> Result<(), String> {
    let root = SVGBackend::new(path, (800, 500)).into_drawing_area();
    root.fill(&WHITE).map_err(err)?;
    let n = curves.iter().map(|c| c.1.len()).max().unwrap_or(1).max(2);
    let hi = curves
        .iter()
        .flat_map(|c| c.1.iter().copied())
        .fold(0.0f64, f64::max)
        * 1.05;
    let lo = curves
        .iter()
        .flat_map(|c| c.1.iter().copied())
        .fold(f64::INFINITY, f64::min)
        .min(hi)
        * 0.95;
    let mut chart = ChartBuilder::on(&root)
        .caption("Exercise 2: loss per iteration", ("sans-serif", 22))
        .margin(15)
        .x_label_area_size(40)
        .y_label_area_size(60)
        .build_cartesian_2d(1f64..n as f64, lo..hi.max(lo + 1e-9))
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_desc("iteration")
        .y_desc("loss summed over the samples (before the update)")
        .x_labels(n)
        .x_label_formatter(&|v| format!("{v:.0}"))
        .draw()
        .map_err(err)?;
    let colours = [RED, BLUE, GREEN, MAGENTA, CYAN, BLACK];
    for (i, (label, losses)) in curves.iter().enumerate() {
        let colour = colours[i % colours.len()];
        let pts: Vec<(f64, f64)> = losses
            .iter()
            .enumerate()
            .map(|(t, l)| ((t + 1) as f64, *l))
            .collect();
        chart
            .draw_series(LineSeries::new(pts.clone(), colour.stroke_width(2)))
            .map_err(err)?
            .label(label.clone())
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 20, y)], colour.stroke_width(2))
            });
        chart
            .draw_series(pts.iter().map(|p| Circle::new(*p, 3, colour.filled())))
            .map_err(err)?;
    }
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .draw()
        .map_err(err)?;
    root.present().map_err(err)
}
