//! `check`: the checker over the models.

use std::process::ExitCode;

use super::check;
use super::table::{Format, Table, num, print_json, use_colour, verdict_word};
use super::train_args::parse_activations;
use clap::{Args, ValueEnum};
use gradient_oracle::Sampler;

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Random points per model (every fourth one aimed at a kink).
    #[arg(long, default_value_t = 100)]
    points: usize,
    /// Seed of the random points.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Which model to check.
    #[arg(long, value_enum, default_value_t = Model::All)]
    model: Model,
    /// The chain's activations to draw from (comma-separated).
    #[arg(long, default_value = "identity,sigmoid,tanh,relu,leaky_relu,softplus")]
    activations: String,
    /// 1: the models' gradients; 2: their Hessians and Hessian-vector
    /// products (the chain's closed form, the network's R-operator,
    /// softmax as the Hessian of log-sum-exp, the hinge, on its margins too).
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u8).range(1..=2))]
    order: u8,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Model {
    Chain,
    Mlp,
    Softmax,
    Hinge,
    All,
}

/// The most points per model `check` and `bench` take.
pub const MAX_POINTS: usize = 100_000;

/// Runs the command; `Err` is a one-line reason for exit code 2.
pub fn run(args: CheckArgs) -> Result<ExitCode, String> {
    if args.points == 0 {
        return Err("--points must be positive (0 points would pass vacuously)".into());
    }
    if args.points > MAX_POINTS {
        return Err(format!(
            "--points {}: at most {MAX_POINTS} per model (each point is a full check)",
            args.points
        ));
    }
    let colour = use_colour();
    let acts = parse_activations(&args.activations)?;
    let mut tallies = Vec::new();
    // The labels are the `--model` values (the hinge's tally is `hinge`).
    let labels = [Model::Chain, Model::Mlp, Model::Softmax, Model::Hinge];
    for (label, sampler) in labels.iter().zip(Sampler::sheet_models(&acts)) {
        if args.model == Model::All || args.model == *label {
            let name = label.to_possible_value().map(|v| v.get_name().to_string());
            let name = name.unwrap_or_else(|| sampler.name().into());
            tallies.push(
                check::tally(&name, &sampler, args.points, args.seed, args.order)
                    .map_err(|e| e.to_string())?,
            );
        }
    }
    let failed: usize = tallies.iter().map(|t| t.fail).sum();
    if args.format == Format::Json {
        let v = serde_json::json!({ "seed": args.seed, "order": args.order, "models": tallies, "fail": failed });
        print_json(&v)?;
    } else {
        let mut t = Table::new(
            match args.order {
                2 => format!("second derivatives of the models (seed {})", args.seed),
                _ => format!("checker over the models (seed {})", args.seed),
            },
            &[
                "model",
                "points",
                "kink-targeted",
                "pass",
                "kink",
                "inconclusive",
                "fail",
                "worst error",
                "evaluations",
            ],
        );
        for x in &tallies {
            t.row(vec![
                x.model.clone(),
                x.points.to_string(),
                x.kink_targeted.to_string(),
                x.pass.to_string(),
                x.kink.to_string(),
                x.inconclusive.to_string(),
                x.fail.to_string(),
                num(x.worst_scaled_error),
                x.evaluations.to_string(),
            ]);
        }
        print!("{}", t.render(args.format));
        for x in &tallies {
            if let Some(first) = &x.first_failure {
                println!("\nfirst failure in {}:\n{first}", x.model);
            }
            if let Some(first) = &x.first_inconclusive {
                println!("\nfirst inconclusive point in {}:\n{first}", x.model);
            }
        }
        let total: usize = tallies.iter().map(|t| t.points).sum();
        let unsure: usize = tallies.iter().map(|t| t.inconclusive).sum();
        println!(
            "\n{}: {} of {total} points fail, {unsure} inconclusive",
            verdict_word(
                if failed == 0 {
                    gradient_oracle::Verdict::Pass
                } else {
                    gradient_oracle::Verdict::Fail
                },
                colour && args.format == Format::Text
            ),
            failed
        );
    }
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
