//! `trace`: Exercise 2's training trace.

use std::process::ExitCode;

use super::table::{Format, print_json};
use super::train_args::{TrainArgs, load};
use super::{plot, trace};
use clap::Args;
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

/// Runs the command; `Err` is a one-line reason for exit code 2.
pub fn run(args: TraceArgs) -> Result<ExitCode, String> {
    let (model, data, config) = load(&args.train)?;
    let (_, trace) = train(&model, &data, &config).map_err(|e| e.to_string())?;
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
