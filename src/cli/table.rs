//! Tables rendered as aligned text, Markdown or LaTeX.

use std::fmt::Write;

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Aligned text for a terminal.
    Text,
    /// Markdown tables.
    Markdown,
    /// LaTeX tabular environments.
    Latex,
    /// JSON for machines.
    Json,
}

/// A titled table of strings.
#[derive(Debug, Clone, Default)]
pub struct Table {
    pub title: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl Table {
    pub fn new(title: impl Into<String>, headers: &[&str]) -> Self {
        Self {
            title: title.into(),
            headers: headers.iter().map(|h| h.to_string()).collect(),
            rows: Vec::new(),
        }
    }

    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    pub fn render(&self, format: Format) -> String {
        match format {
            Format::Text | Format::Json => self.text(),
            Format::Markdown => self.markdown(),
            Format::Latex => self.latex(),
        }
    }

    fn text(&self) -> String {
        let widths: Vec<usize> = (0..self.headers.len())
            .map(|c| {
                self.rows
                    .iter()
                    .map(|r| r.get(c).map_or(0, |s| s.chars().count()))
                    .chain(std::iter::once(self.headers[c].chars().count()))
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let mut out = String::new();
        if !self.title.is_empty() {
            let _ = writeln!(out, "{}", self.title);
        }
        let line = |cells: &[String]| {
            cells
                .iter()
                .zip(&widths)
                .enumerate()
                .map(|(i, (c, w))| {
                    if i == 0 {
                        format!("{c:<w$}")
                    } else {
                        format!("{c:>w$}")
                    }
                })
                .collect::<Vec<_>>()
                .join("  ")
        };
        let _ = writeln!(out, "{}", line(&self.headers).trim_end());
        let _ = writeln!(
            out,
            "{}",
            widths
                .iter()
                .map(|w| "-".repeat(*w))
                .collect::<Vec<_>>()
                .join("  ")
        );
        for r in &self.rows {
            let _ = writeln!(out, "{}", line(r).trim_end());
        }
        out
    }

    fn markdown(&self) -> String {
        let mut out = String::new();
        if !self.title.is_empty() {
            let _ = writeln!(out, "**{}**\n", self.title);
        }
        let _ = writeln!(out, "| {} |", self.headers.join(" | "));
        let _ = writeln!(
            out,
            "|{}|",
            (0..self.headers.len())
                .map(|i| if i == 0 { "---" } else { "---:" })
                .collect::<Vec<_>>()
                .join("|")
        );
        for r in &self.rows {
            let _ = writeln!(out, "| {} |", r.join(" | "));
        }
        out
    }

    fn latex(&self) -> String {
        let esc = |s: &str| {
            s.replace('_', "\\_")
                .replace('%', "\\%")
                .replace('#', "\\#")
        };
        let mut out = String::new();
        if !self.title.is_empty() {
            let _ = writeln!(out, "% {}", self.title);
        }
        let cols: String = std::iter::once('l')
            .chain(std::iter::repeat_n(
                'r',
                self.headers.len().saturating_sub(1),
            ))
            .collect();
        let _ = writeln!(out, "\\begin{{tabular}}{{{cols}}}\n\\hline");
        let _ = writeln!(
            out,
            "{} \\\\\n\\hline",
            self.headers
                .iter()
                .map(|h| esc(h))
                .collect::<Vec<_>>()
                .join(" & ")
        );
        for r in &self.rows {
            let _ = writeln!(
                out,
                "{} \\\\",
                r.iter().map(|c| esc(c)).collect::<Vec<_>>().join(" & ")
            );
        }
        let _ = writeln!(out, "\\hline\n\\end{{tabular}}");
        out
    }
}

/// A number for a table: fixed 6 decimals in the usual range, scientific outside it.
pub fn num(v: f64) -> String {
    if v == 0.0 {
        "0".into()
    } else if (1e-4..1e6).contains(&v.abs()) {
        format!("{v:.6}")
    } else {
        format!("{v:.4e}")
    }
}

/// Whether to colour stdout: a terminal, and `NO_COLOR` unset.
pub fn use_colour() -> bool {
    use std::io::IsTerminal;
    std::env::var_os("NO_COLOR").is_none() && std::io::stdout().is_terminal()
}

/// A verdict word, coloured on a terminal.
pub fn verdict_word(v: gradient_oracle::Verdict, colour: bool) -> String {
    if !colour {
        return v.label().to_string();
    }
    let code = match v {
        gradient_oracle::Verdict::Pass => "32",
        gradient_oracle::Verdict::Kink => "33",
        gradient_oracle::Verdict::Inconclusive => "35",
        gradient_oracle::Verdict::Fail => "31",
    };
    format!("\x1b[1;{code}m{}\x1b[0m", v.label())
}

/// Prints `value` as pretty JSON on stdout (every command's `--format json`).
pub fn print_json<T: serde::Serialize + ?Sized>(value: &T) -> Result<(), String> {
    let text = serde_json::to_string_pretty(value).map_err(|e| e.to_string())?;
    println!("{text}");
    Ok(())
}
