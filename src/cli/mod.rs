//! The command line: clap commands, output formats, exit codes.
//! The library never prints; only this module does.

pub mod bench;
pub mod check;
pub mod grade;
pub mod memory;
pub mod plot;
pub mod progress;
pub mod sheet;
pub mod table;
pub mod trace;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use gradient_oracle::files::{dataset_from_toml, network_from_toml};
use gradient_oracle::{Activation, Dataset, Mlp, TrainConfig, UpdateMode, train};

use table::{Format, Table, num, use_colour, verdict_word};

/// gradient-oracle: tells you whether your gradients are right.
///
/// Without a subcommand it runs `report`: the whole exercise sheet, solved and
/// checked against finite differences. Exit code 0 when every check passes
/// (kinks allowed), 1 when one fails, 2 on bad usage or input.
#[derive(Debug, Parser)]
#[command(name = "gradient-oracle", version, about, long_about)]
pub struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// The whole sheet: Exercise 1's derivatives, Exercise 2's trace,
    /// Exercise 3's softmax and hinge gradients, each checked (the default).
    Report(ReportArgs),
    /// Exercise 2 alone: the training trace.
    Trace(TraceArgs),
    /// The checker over the models at many random and kink-targeted points.
    Check(CheckArgs),
    /// Exercise 4: backpropagation under a memory budget, each strategy measured.
    Memory(MemoryArgs),
    /// Grade an answer file (numbers and/or formulas) with a per-item table and a score.
    Grade(grade::GradeArgs),
    /// Accuracy and speed on the benchmark protocol's functions and sizes.
    Bench(BenchArgs),
}

#[derive(Debug, Args, Default)]
struct TrainArgs {
    /// Update convention: sum (full batch, summed gradients), mean, or online.
    #[arg(long, default_value = "sum", value_parser = parse_mode)]
    mode: Option<UpdateMode>,
    /// Learning rate (a positive finite number).
    #[arg(long, default_value_t = 0.1, allow_negative_numbers = true)]
    lr: f64,
    /// Number of iterations.
    #[arg(long, default_value_t = 3)]
    iters: usize,
    /// TOML file with the weights `W` (H x D) and `w` (H); default: the sheet's.
    #[arg(long)]
    hidden: Option<PathBuf>,
    /// TOML file with the samples `x` (N x D) and labels `y`; default: the sheet's.
    #[arg(long)]
    data: Option<PathBuf>,
}

#[derive(Debug, Args)]
struct ReportArgs {
    #[command(flatten)]
    train: TrainArgs,
    /// Exercise 1's activations f1,f2,f3.
    #[arg(long, default_value = "sigmoid,tanh,identity")]
    activations: String,
    /// Exercise 3's hinge margin.
    #[arg(long, default_value_t = 1.0, allow_negative_numbers = true)]
    margin: f64,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

#[derive(Debug, Args)]
struct TraceArgs {
    #[command(flatten)]
    train: TrainArgs,
    /// Also draw the loss per iteration under each update convention to this SVG file.
    #[arg(long)]
    plot: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Model {
    Chain,
    Mlp,
    Softmax,
    Hinge,
    All,
}

#[derive(Debug, Args)]
struct CheckArgs {
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
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

#[derive(Debug, Args)]
struct BenchArgs {
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

#[derive(Debug, Args)]
struct MemoryArgs {
    /// Depths of the scalar chain (comma-separated).
    #[arg(long, default_value = "100,1000,10000,100000", value_delimiter = ',')]
    layers: Vec<usize>,
    /// Width of the dense tanh stack.
    #[arg(long, default_value_t = 64)]
    width: usize,
    /// Depths of the dense stack (comma-separated; empty for none).
    #[arg(long, default_value = "100,1000", value_delimiter = ',')]
    dense_layers: Vec<usize>,
    /// Leave out the wall-time column (for reproducible tables).
    #[arg(long)]
    no_time: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

fn parse_mode(s: &str) -> Result<UpdateMode, String> {
    s.parse()
        .map_err(|e: gradient_oracle::OracleError| e.to_string())
}

fn parse_activations(s: &str) -> Result<Vec<Activation>, String> {
    let v: Result<Vec<Activation>, _> = s.split(',').map(str::parse).collect();
    let v = v.map_err(|e| e.to_string())?;
    if v.is_empty() {
        return Err("--activations is empty".into());
    }
    Ok(v)
}

fn read(path: &PathBuf) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

fn load(args: &TrainArgs) -> Result<(Mlp, Dataset, TrainConfig), String> {
    let model = match &args.hidden {
        Some(p) => {
            network_from_toml(&p.display().to_string(), &read(p)?).map_err(|e| e.to_string())?
        }
        None => Mlp::sheet(),
    };
    let data = match &args.data {
        Some(p) => {
            dataset_from_toml(&p.display().to_string(), &read(p)?).map_err(|e| e.to_string())?
        }
        None => Dataset::sheet(),
    };
    let config = TrainConfig {
        mode: args.mode.unwrap_or_default(),
        learning_rate: args.lr,
        iterations: args.iters,
    };
    // The learning rate is validated by `train`, whose error names it.
    Ok((model, data, config))
}

/// Runs the parsed command; `Err` is a one-line reason for exit code 2.
pub fn run(cli: Cli) -> Result<ExitCode, String> {
    let command = cli.command.unwrap_or(Command::Report(ReportArgs {
        train: TrainArgs {
            mode: Some(UpdateMode::Sum),
            lr: 0.1,
            iters: 3,
            hidden: None,
            data: None,
        },
        activations: "sigmoid,tanh,identity".into(),
        margin: 1.0,
        format: Format::Text,
    }));
    let colour = use_colour();
    match command {
        Command::Trace(args) => {
            let (model, data, config) = load(&args.train)?;
            let (_, trace) = train(&model, &data, &config).map_err(|e| e.to_string())?;
            if let Some(path) = &args.plot {
                let mut curves = Vec::new();
                for mode in UpdateMode::ALL {
                    let (_, t) = train(&model, &data, &TrainConfig { mode, ..config })
                        .map_err(|e| e.to_string())?;
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
                Format::Json => println!(
                    "{}",
                    serde_json::to_string_pretty(&trace).map_err(|e| e.to_string())?
                ),
                f => print!("{}", trace::render(&trace, f)),
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Report(args) => {
            let acts = parse_activations(&args.activations)?;
            let acts: [Activation; 3] = acts.try_into().map_err(|v: Vec<Activation>| {
                format!(
                    "--activations needs exactly 3 activations (f1,f2,f3), got {}",
                    v.len()
                )
            })?;
            if !args.margin.is_finite() {
                return Err(format!(
                    "--margin must be a finite number, got {}",
                    args.margin
                ));
            }
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
                println!(
                    "{}",
                    serde_json::to_string_pretty(&run.json).map_err(|e| e.to_string())?
                );
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
        Command::Bench(args) => {
            let points = args.points.unwrap_or(if args.quick { 20 } else { 200 });
            if points == 0 {
                return Err("--points must be positive".into());
            }
            let accuracy = bench::accuracy(points, args.seed);
            let speed = bench::speed(args.quick, args.seed);
            if let Some(path) = &args.plot {
                plot::v_curve(path, &bench::step_sweep())?;
                eprintln!("wrote {}", path.display());
            }
            if args.format == Format::Json {
                let v = serde_json::json!({ "points": points, "seed": args.seed, "accuracy": accuracy, "speed": speed });
                println!(
                    "{}",
                    serde_json::to_string_pretty(&v).map_err(|e| e.to_string())?
                );
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
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Grade(args) => grade::run(args),
        Command::Memory(args) => {
            if args
                .layers
                .iter()
                .chain(&args.dense_layers)
                .any(|l| *l == 0)
                || args.width == 0
            {
                return Err("--layers, --dense-layers and --width must be positive".into());
            }
            if args.layers.iter().any(|l| *l > 1_000_000)
                || args.dense_layers.iter().any(|l| *l > 10_000)
                || args.width > 256
            {
                return Err("at most 10^6 chain layers, 10^4 dense layers, width 256".into());
            }
            let rows = memory::run(&args.layers, args.width, &args.dense_layers)?;
            if args.format == Format::Json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&rows).map_err(|e| e.to_string())?
                );
                return Ok(ExitCode::SUCCESS);
            }
            let mut headers = vec![
                "model",
                "layers",
                "strategy",
                "peak states",
                "peak bytes",
                "forward evals",
                "recompute factor",
                "binomial formula",
            ];
            if !args.no_time {
                headers.push("time (ms)");
            }
            let mut t = Table::new("backpropagation under a memory budget", &headers);
            for r in &rows {
                let mut row = vec![
                    r.model.clone(),
                    r.layers.to_string(),
                    r.strategy.clone(),
                    r.peak_states.to_string(),
                    r.peak_bytes.to_string(),
                    r.forward_evaluations.to_string(),
                    format!("{:.3}", r.recompute_factor),
                    r.formula_evaluations.map_or("-".into(), |v| v.to_string()),
                ];
                if !args.no_time {
                    row.push(format!("{:.3}", r.millis));
                }
                t.row(row);
            }
            print!("{}", t.render(args.format));
            Ok(ExitCode::SUCCESS)
        }
        Command::Check(args) => {
            let acts = parse_activations(&args.activations)?;
            let e = |e: gradient_oracle::OracleError| e.to_string();
            let mut tallies = Vec::new();
            let all = args.model == Model::All;
            if all || args.model == Model::Chain {
                tallies.push(check::chain(args.points, args.seed, &acts).map_err(e)?);
            }
            if all || args.model == Model::Mlp {
                tallies.push(check::mlp(args.points, args.seed).map_err(e)?);
            }
            if all || args.model == Model::Softmax {
                tallies.push(check::softmax_model(args.points, args.seed).map_err(e)?);
            }
            if all || args.model == Model::Hinge {
                tallies.push(check::hinge(args.points, args.seed).map_err(e)?);
            }
            let failed: usize = tallies.iter().map(|t| t.fail).sum();
            if args.format == Format::Json {
                let v = serde_json::json!({ "seed": args.seed, "models": tallies, "fail": failed });
                println!(
                    "{}",
                    serde_json::to_string_pretty(&v).map_err(|e| e.to_string())?
                );
            } else {
                let mut t = Table::new(
                    format!("checker over the models (seed {})", args.seed),
                    &[
                        "model",
                        "points",
                        "kink-targeted",
                        "pass",
                        "kink",
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
                        x.fail.to_string(),
                        num(x.worst_scaled_error),
                        x.evaluations.to_string(),
                    ]);
                }
                print!("{}", t.render(args.format));
                for x in tallies.iter().filter(|x| x.fail > 0) {
                    if let Some(first) = &x.first_failure {
                        println!("\nfirst failure in {}:\n{first}", x.model);
                    }
                }
                let total: usize = tallies.iter().map(|t| t.points).sum();
                println!(
                    "\n{}: {} of {total} points fail",
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
    }
}

fn final_line(total: usize, failed: usize, kinks: usize) -> String {
    if failed == 0 {
        format!("verdict: PASS: all {total} gradient checks pass ({kinks} at a kink)")
    } else {
        format!("verdict: FAIL: {failed} of {total} gradient checks fail")
    }
}
