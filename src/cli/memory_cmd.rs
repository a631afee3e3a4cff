//! `memory`: Exercise 4's strategies measured.

use std::process::ExitCode;

use super::memory;
use super::table::{Format, Table, print_json};
use clap::Args;

#[derive(Debug, Args)]
pub struct MemoryArgs {
    /// Depths of the scalar chain (comma-separated).
    #[arg(long, default_value = "100,1000,10000,100000", value_delimiter = ',')]
    layers: Vec<usize>,
    /// Width of the dense tanh stack.
    #[arg(long, default_value_t = 64)]
    width: usize,
    /// Depths of the dense stack (comma-separated; empty for none).
    #[arg(long, default_value = "100,1000", value_parser = depths)]
    dense_layers: Depths,
    /// Leave out the wall-time column (for reproducible tables).
    #[arg(long)]
    no_time: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

/// A comma-separated list of depths, possibly empty.
#[derive(Debug, Clone, Default)]
pub struct Depths(Vec<usize>);

fn depths(s: &str) -> Result<Depths, String> {
    if s.trim().is_empty() {
        return Ok(Depths::default());
    }
    s.split(',')
        .map(|d| {
            d.trim()
                .parse()
                .map_err(|_| format!("`{d}` is not a depth"))
        })
        .collect::<Result<_, _>>()
        .map(Depths)
}

/// The most memory the dense stacks may take: their weights and gradients,
/// $2 \cdot 8 L w^2$ bytes for $L$ layers of width $w$ (this machine has 24 GiB;
/// a table should not need a tenth of it).
pub const MEMORY_BUDGET_BYTES: usize = 2 << 30;

/// Runs the command; `Err` is a one-line reason for exit code 2.
pub fn run(args: MemoryArgs) -> Result<ExitCode, String> {
    let MemoryArgs {
        dense_layers: Depths(dense_layers),
        ..
    } = &args;
    let dense_layers = dense_layers.clone();
    if args.layers.iter().chain(&dense_layers).any(|l| *l == 0) || args.width == 0 {
        return Err("--layers, --dense-layers and --width must be positive".into());
    }
    if args.layers.iter().any(|l| *l > 1_000_000)
        || dense_layers.iter().any(|l| *l > 10_000)
        || args.width > 256
    {
        return Err("at most 10^6 chain layers, 10^4 dense layers, width 256".into());
    }
    let widest = dense_layers.iter().max().copied().unwrap_or(0);
    let bytes = 16 * widest * args.width * args.width;
    if bytes > MEMORY_BUDGET_BYTES {
        return Err(format!(
            "--dense-layers {widest} at --width {} would take about {:.1} GiB (weights and gradients, 16 L w^2 bytes); at most {} GiB",
            args.width,
            bytes as f64 / (1u64 << 30) as f64,
            MEMORY_BUDGET_BYTES >> 30
        ));
    }
    let rows = memory::run(&args.layers, args.width, &dense_layers)?;
    if args.format == Format::Json {
        print_json(&rows)?;
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
