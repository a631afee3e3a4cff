//! `bench`: accuracy and speed on the benchmark protocol.

use std::process::ExitCode;

use super::table::{Format, Table, print_json};
use super::{bench, bench_hessian, plot};
use clap::Args;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct BenchArgs {
    /// A smaller run: 20 points per function, no 3000-parameter check.
    #[arg(long)]
    quick: bool,
    /// Points per function for the accuracy table.
    #[arg(long)]
    points: Option<usize>,
    /// Seed of the random points.
    #[arg(long, default_value_t = 12345)]
    seed: u64,
    /// Also draw the error-against-step V curve to this SVG file.
    #[arg(long)]
    plot: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

/// Runs the command; `Err` is a one-line reason for exit code 2.
pub fn run(args: BenchArgs) -> Result<ExitCode, String> {
    let points = args.points.unwrap_or(if args.quick { 20 } else { 200 });
    if points == 0 {
        return Err("--points must be positive".into());
    }
    if points > super::check_cmd::MAX_POINTS {
        return Err(format!(
            "--points {points}: at most {} (each point is a full check per function)",
            super::check_cmd::MAX_POINTS
        ));
    }
    let accuracy = bench::accuracy(points, args.seed);
    let speed = bench::speed(args.quick, args.seed);
    let second_order = bench_hessian::second_order(args.seed);
    if let Some(path) = &args.plot {
        plot::v_curve(path, &bench::step_sweep())?;
        eprintln!("wrote {}", path.display());
    }
    if args.format == Format::Json {
        let v = serde_json::json!({ "points": points, "seed": args.seed, "accuracy": accuracy, "speed": speed, "second_order": second_order });
        print_json(&v)?;
    } else {
        let mut a = Table::new(
            format!(
                "(a) numeric-gradient accuracy, {points} points per function: max_i |num - exact| / max(1, |exact|), max and median over points"
            ),
            &[
                "case",
                "method",
                "max",
                "median",
                "evaluations per coordinate",
            ],
        );
        for r in &accuracy {
            a.row(vec![
                r.case.clone(),
                r.method.clone(),
                format!("{:.1e}", r.max),
                format!("{:.1e}", r.median),
                format!("{:.0}", r.evaluations_per_coordinate),
            ]);
        }
        print!("{}", a.render(args.format));
        println!();
        let mut b = Table::new(
            "(b) one complete check (median of 5 after a warm-up; one thread unless the mode says)",
            &["case (P)", "mode", "time (ms)", "evaluations", "verdict"],
        );
        for r in &speed {
            b.row(vec![
                format!("{} ({})", r.case, r.parameters),
                r.mode.clone(),
                format!("{:.3}", r.median_ms),
                r.evaluations.to_string(),
                r.verdict.clone(),
            ]);
        }
        print!("{}", b.render(args.format));
        println!();
        let mut c = Table::new(
            "(c) Hessians from the gradient, 20 points per case: worst max_ij |H - exact| / max(1, |exact|)",
            &[
                "case",
                "method",
                "worst",
                "ms per point",
                "gradient evaluations per column",
            ],
        );
        for r in &second_order {
            c.row(vec![
                r.case.clone(),
                r.method.clone(),
                format!("{:.1e}", r.worst),
                format!("{:.3}", r.ms_per_point),
                format!("{:.1}", r.gradient_evaluations_per_column),
            ]);
        }
        print!("{}", c.render(args.format));
    }
    Ok(ExitCode::SUCCESS)
}
