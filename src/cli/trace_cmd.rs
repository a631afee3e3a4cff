//! `trace`: Exercise 2's training trace.

use std::process::ExitCode;

use super::table::{Format, print_json};
use super::train_args::{TrainArgs, load};
use super::{plot, trace};
use clap::Args;
use gradient_oracle::models::training::MAX_ITERATIONS;
use gradient_oracle::{TrainConfig, UpdateMode, train};
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct TraceArgs {
    #[command(flatten)]
    train: TrainArgs,
    /// Also draw the loss per iteration under each update convention to this SVG file.
    #[arg(long)]
    plot: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

/// The most numbers a trace may record: iterations x (samples + 2) x parameters.
pub const MAX_RECORDED: u64 = 50_000_000;

/// Runs the command; `Err` is a one-line reason for exit code 2.
pub fn run(args: TraceArgs) -> Result<ExitCode, String> {
    let (model, data, config) = load(&args.train)?;
    // Every iteration is recorded (weights, gradients, each sample's pass):
    // memory grows with iterations x samples x parameters, so that is capped.
    let recorded =
        (config.iterations as u128) * (data.len() as u128 + 2) * model.parameter_count() as u128;
    // (Past MAX_ITERATIONS the library's own reason applies.)
    if config.iterations <= MAX_ITERATIONS && recorded > MAX_RECORDED as u128 {
        return Err(format!(
            "--iters {} on {} samples and {} parameters would record {recorded} numbers, over the limit of {MAX_RECORDED} (about 400 MB): fewer iterations, samples or units",
            config.iterations,
            data.len(),
            model.parameter_count()
        ));
    }
    let (_, trace) = train(&model, &data, &config).map_err(|e| e.to_string())?;
    // A diverged run is no trace: its loss is never printed as inf nor plotted.
    if let Some((k, it)) = trace
        .iterations
        .iter()
        .enumerate()
        .find(|(_, it)| !it.loss.is_finite())
    {
        return Err(format!(
            "the loss is not finite at iteration {} ({}): the data or the learning rate make training diverge, nothing to print or plot",
            k + 1,
            it.loss
        ));
    }
    if let Some(path) = &args.plot {
        let mut curves = Vec::new();
        for mode in UpdateMode::ALL {
            let (_, t) =
                train(&model, &data, &TrainConfig { mode, ..config }).map_err(|e| e.to_string())?;
            // Summed over the samples for every mode, so the curves compare.
            let scale = if mode == UpdateMode::Mean {
                data.len() as f64
            } else {
                1.0
            };
            curves.push((
                format!("{mode} (lr {})", config.learning_rate),
                t.iterations.iter().map(|i| i.loss * scale).collect(),
            ));
        }
        plot::loss_curves(path, &curves)?;
        eprintln!("wrote {}", path.display());
    }
    match args.format {
        Format::Json => print_json(&trace)?,
        f => print!("{}", trace::render(&trace, f)),
    }
    Ok(ExitCode::SUCCESS)
}
