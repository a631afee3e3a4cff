//! The command line: clap commands, output formats, exit codes.
//! The library never prints; only this module does.

pub mod bench;
pub mod bench_cmd;
pub mod bench_hessian;
pub mod check;
pub mod check_cmd;
pub mod grade;
pub mod input;
pub mod memory;
pub mod memory_cmd;
pub mod plot;
pub mod progress;
pub mod report_cmd;
pub mod sheet;
pub mod table;
pub mod trace;
pub mod trace_cmd;
pub mod train_args;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

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
    /// The largest input file read (answers, data, networks), in bytes;
    /// larger ones, pipes and devices are refused with exit code 2.
    #[arg(long, global = true, default_value_t = input::DEFAULT_MAX_INPUT_BYTES)]
    max_input_bytes: u64,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// The whole sheet: Exercise 1's derivatives, Exercise 2's trace,
    /// Exercise 3's softmax and hinge gradients, each checked (the default).
    Report(report_cmd::ReportArgs),
    /// Exercise 2 alone: the training trace.
    Trace(trace_cmd::TraceArgs),
    /// The checker over the models at many random and kink-targeted points.
    Check(check_cmd::CheckArgs),
    /// Exercise 4: backpropagation under a memory budget, each strategy measured.
    Memory(memory_cmd::MemoryArgs),
    /// Grade an answer file (numbers and/or formulas) with a per-item table and a score.
    Grade(grade::GradeArgs),
    /// Accuracy and speed on the benchmark protocol's functions and sizes.
    Bench(bench_cmd::BenchArgs),
}

/// Runs the parsed command; `Err` is a one-line reason for exit code 2.
pub fn run(cli: Cli) -> Result<ExitCode, String> {
    input::set_limit(cli.max_input_bytes);
    // The bare command is `report` with its defaults, through the parser:
    // every default is written once, on the arguments.
    let command = match cli.command {
        Some(c) => c,
        None => Cli::try_parse_from(["gradient-oracle", "report"])
            .map_err(|e| e.to_string())?
            .command
            .ok_or("no command")?,
    };
    match command {
        Command::Trace(args) => trace_cmd::run(args),
        Command::Report(args) => report_cmd::run(args),
        Command::Bench(args) => bench_cmd::run(args),
        Command::Grade(args) => grade::run(args),
        Command::Memory(args) => memory_cmd::run(args),
        Command::Check(args) => check_cmd::run(args),
    }
}
