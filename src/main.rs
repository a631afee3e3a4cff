//! The `gradient-oracle` command. See `gradient-oracle --help`.

mod cli;

use std::process::ExitCode;

use clap::Parser;

/// The exit status of a command whose reader closed the pipe (`| head`):
/// what a shell reports for a tool ended by SIGPIPE, 128 + 13.
const CLOSED_PIPE: i32 = 141;

fn main() -> ExitCode {
    quiet_on_a_closed_pipe();
    let parsed = match cli::Cli::try_parse() {
        Ok(parsed) => parsed,
        Err(e) => return usage_error(&e),
    };
    match cli::run(parsed) {
        Ok(code) => code,
        Err(reason) => {
            eprintln!("error: {reason}");
            ExitCode::from(2)
        }
    }
}

/// `println!` panics when stdout's reader is gone; that is no failure of the
/// command: it ends quietly with [`CLOSED_PIPE`], as a Unix tool ended by
/// SIGPIPE does, instead of printing a panic and a backtrace.
fn quiet_on_a_closed_pipe() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let message = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or("");
        if message.starts_with("failed printing to stdout") && message.contains("Broken pipe") {
            std::process::exit(CLOSED_PIPE);
        }
        default(info);
    }));
}

/// Help and version print as clap renders them (exit 0); a usage error is one
/// line, clap's kind and message (exit 2).
fn usage_error(e: &clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    if matches!(
        e.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        let _ = e.print();
        return ExitCode::SUCCESS;
    }
    // clap's message up to its usage lines, joined into one line (a missing
    // argument names it on the next line).
    let rendered = e.to_string();
    let parts: Vec<&str> = rendered
        .lines()
        .map(str::trim)
        .take_while(|l| !l.starts_with("Usage:") && !l.starts_with("For more information"))
        .filter(|l| !l.is_empty())
        .collect();
    let joined = parts.join(" ");
    let message = joined.strip_prefix("error: ").unwrap_or(&joined);
    eprintln!("error: {}: {message}", kind_name(e.kind()));
    ExitCode::from(2)
}

/// clap's error kind in words.
fn kind_name(kind: clap::error::ErrorKind) -> String {
    let raw = format!("{kind:?}");
    let mut words = String::new();
    for (i, c) in raw.chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            words.push(' ');
        }
        words.push(c.to_ascii_lowercase());
    }
    words
}
