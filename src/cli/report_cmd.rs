//! `report`: the whole sheet, the default command.

use std::process::ExitCode;

use super::sheet;
use super::table::{Format, print_json, use_colour};
use super::train_args::{TrainArgs, load, parse_activations};
use clap::Args;
use gradient_oracle::{Activation, train};

#[derive(Debug, Args)]
pub struct ReportArgs {
    #[command(flatten)]
    train: TrainArgs,
    /// Exercise 1's activations f1,f2,f3.
    #[arg(long, default_value = "sigmoid,tanh,identity")]
    activations: String,
    /// Exercise 3's hinge margin.
    #[arg(long, default_value_t = gradient_oracle::DEFAULT_MARGIN, allow_negative_numbers = true)]
    margin: f64,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

/// The last line of the report: the verdict over all checks.
pub fn final_line(total: usize, failed: usize, kinks: usize) -> String {
    if failed == 0 {
        format!("verdict: PASS: all {total} gradient checks pass ({kinks} at a kink)")
    } else {
        format!("verdict: FAIL: {failed} of {total} gradient checks fail")
    }
}

/// Runs the command; `Err` is a one-line reason for exit code 2.
pub fn run(args: ReportArgs) -> Result<ExitCode, String> {
    let colour = use_colour();
    let acts = parse_activations(&args.activations)?;
    let acts: [Activation; 3] = acts.try_into().map_err(|v: Vec<Activation>| {
        format!(
            "--activations needs exactly 3 activations (f1,f2,f3), got {}",
            v.len()
        )
    })?;
    // The margin is validated by the library (a typed error naming it).
    let (model, data, config) = load(&args.train)?;
    let (_, trace) = train(&model, &data, &config).map_err(|e| e.to_string())?;
    let run = sheet::run(
        acts,
        &trace,
        &model,
        &data,
        args.margin,
        args.format,
        colour,
    )?;
    let failed = run
        .checks
        .iter()
        .filter(|c| !c.report.verdict().is_ok())
        .count();
    let kinks = run
        .checks
        .iter()
        .filter(|c| c.report.verdict() == gradient_oracle::Verdict::Kink)
        .count();
    if args.format == Format::Json {
        print_json(&run.json)?;
    } else {
        print!("{}", run.text);
        println!();
        println!("{}", final_line(run.checks.len(), failed, kinks));
    }
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
