//! What `report` and `trace` share: the training arguments and loading the
//! network and data they name.

use std::path::PathBuf;

use clap::Args;
use gradient_oracle::files::{dataset_from_toml, network_from_toml};
use gradient_oracle::{Activation, Dataset, Mlp, TrainConfig, UpdateMode};

/// The network, the data and the training convention.
#[derive(Debug, Args, Default)]
pub struct TrainArgs {
    /// Update convention: sum (full batch, summed gradients), mean, or online.
    #[arg(long, default_value = "sum", value_parser = parse_mode)]
    pub mode: Option<UpdateMode>,
    /// Learning rate (a positive finite number).
    #[arg(long, default_value_t = 0.1, allow_negative_numbers = true)]
    pub lr: f64,
    /// Number of iterations.
    #[arg(long, default_value_t = 3)]
    pub iters: usize,
    /// TOML file with the weights `W` (H x D) and `w` (H); default: the sheet's.
    #[arg(long)]
    pub hidden: Option<PathBuf>,
    /// TOML file with the samples `x` (N x D) and labels `y`; default: the sheet's.
    #[arg(long)]
    pub data: Option<PathBuf>,
}

/// `--mode`: the names of [`UpdateMode`], with the library's error.
pub fn parse_mode(s: &str) -> Result<UpdateMode, String> {
    s.parse()
        .map_err(|e: gradient_oracle::OracleError| e.to_string())
}

/// `--activations`: a comma-separated list of [`Activation`] names.
pub fn parse_activations(s: &str) -> Result<Vec<Activation>, String> {
    let v: Result<Vec<Activation>, _> = s.split(',').map(str::parse).collect();
    let v = v.map_err(|e| e.to_string())?;
    if v.is_empty() {
        return Err("--activations is empty".into());
    }
    Ok(v)
}

/// A file's text, or the reason it cannot be read.
pub fn read(path: &std::path::Path) -> Result<String, String> {
    super::input::read_limited(path)
}

/// The network, data and convention `args` name (the sheet's by default).
pub fn load(args: &TrainArgs) -> Result<(Mlp, Dataset, TrainConfig), String> {
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
