//! `gradient-oracle grade PATH...`: answer files graded one by one, for a
//! person (text) or an autograder (json, gradescope, csv).
//!
//! Exit codes: 0 every file full marks; 1 something wrong, missing or extra
//! (an empty file is 1); 2 a file unreadable or malformed, or bad usage. In a
//! batch the highest code wins and every readable file is still graded.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use gradient_oracle::UpdateMode;
use gradient_oracle::grade::{
    DEFAULT_MIN_DECIMALS, GradePolicy, GradeReport, grade_with, parse_answers,
};
use serde_json::{Value, json};

/// The blank answer file `grade --template` prints: every item, commented.
pub const ANSWER_TEMPLATE: &str = include_str!("answer_template.toml");

/// The grade command's arguments.
#[derive(Debug, Args)]
pub struct GradeArgs {
    /// Answer files (TOML) or directories (every `*.toml` inside, sorted).
    #[arg(required_unless_present = "template")]
    paths: Vec<PathBuf>,
    /// Print a blank answer file to hand out (every item, commented with its
    /// meaning in the sheet's notation) and exit.
    #[arg(long, conflicts_with = "paths")]
    template: bool,
    /// Impose Exercise 2's update convention (else declared or inferred).
    #[arg(long, value_enum)]
    mode: Option<UpdateMode>,
    /// Impose Exercise 2's learning rate (else declared or inferred).
    #[arg(long)]
    lr: Option<f64>,
    /// The decimals a number must be written with (where its exact value needs them).
    #[arg(long, default_value_t = DEFAULT_MIN_DECIMALS)]
    min_decimals: u32,
    /// Output format.
    #[arg(long, value_enum, default_value_t = GradeFormat::Text)]
    format: GradeFormat,
}

/// How grades are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GradeFormat {
    /// A table per file, for a person.
    Text,
    /// Today's JSON report per file (an array for several files).
    Json,
    /// Gradescope's `results.json` (an array for several files).
    Gradescope,
    /// A header and one row per file: file, score, max_score, one column per exercise.
    Csv,
}

/// One file's outcome.
enum Graded {
    Report(Box<GradeReport>),
    Unreadable(String),
}

/// Runs the command.
///
/// # Errors
/// Bad usage (an invalid policy, a path that is neither a file nor a
/// directory with answer files): exit 2 with the reason.
pub fn run(args: GradeArgs) -> Result<ExitCode, String> {
    if args.template {
        print!("{ANSWER_TEMPLATE}");
        return Ok(ExitCode::SUCCESS);
    }
    let policy = GradePolicy {
        mode: args.mode,
        lr: args.lr,
        min_decimals: args.min_decimals,
    };
    policy.validate().map_err(|e| e.to_string())?;
    let files = expand(&args.paths)?;
    let graded: Vec<(String, Graded)> = files
        .iter()
        .map(|path| (path.display().to_string(), grade_file(path, &policy)))
        .collect();
    print!("{}", render(&graded, args.format));
    let code = graded
        .iter()
        .map(|(_, g)| match g {
            Graded::Report(r) if r.full_marks() => 0,
            Graded::Report(_) => 1,
            Graded::Unreadable(_) => 2,
        })
        .max()
        .unwrap_or(0);
    Ok(ExitCode::from(code))
}

/// Files as given, directories as their `*.toml` files (any case, `.TOML`
/// too) in every subfolder (a Gradescope export is one folder per student),
/// sorted.
fn expand(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            let mut inside = Vec::new();
            answer_files(path, &mut inside, 0)?;
            inside.sort();
            if inside.is_empty() {
                return Err(format!("no *.toml answer files in {}", path.display()));
            }
            files.extend(inside);
        } else {
            // A missing file is graded as unreadable (exit 2), with the others.
            files.push(path.clone());
        }
    }
    Ok(files)
}

fn grade_file(path: &Path, policy: &GradePolicy) -> Graded {
    let name = path.display().to_string();
    let text = match super::input::read_limited(path) {
        Ok(t) => t,
        Err(reason) => return Graded::Unreadable(reason),
    };
    match parse_answers(&name, &text) {
        Ok(answers) => Graded::Report(Box::new(grade_with(&answers, policy))),
        // One line: the parser's message may span two.
        Err(e) => Graded::Unreadable(e.to_string().lines().collect::<Vec<_>>().join("; ")),
    }
}

fn render(graded: &[(String, Graded)], format: GradeFormat) -> String {
    match format {
        GradeFormat::Text => text(graded),
        GradeFormat::Json => one_or_array(graded.iter().map(|(f, g)| json_report(f, g))),
        GradeFormat::Gradescope => one_or_array(graded.iter().map(|(f, g)| gradescope(f, g))),
        GradeFormat::Csv => csv(graded),
    }
}

fn text(graded: &[(String, Graded)]) -> String {
    let many = graded.len() > 1;
    let mut out = String::new();
    for (file, g) in graded {
        if many {
            out += &format!("== {file}\n");
        }
        match g {
            Graded::Report(r) => out += &format!("{r}\n"),
            // The reason goes to stderr, as for every command's bad input, and
            // into the saved report too, in the file's own section.
            Graded::Unreadable(e) => {
                eprintln!("error: {e}");
                out += &format!("not graded (score 0): {e}\n");
            }
        }
        if many {
            out += "\n";
        }
    }
    out
}

fn one_or_array(values: impl Iterator<Item = Value>) -> String {
    let mut values: Vec<Value> = values.collect();
    let value = if values.len() == 1 {
        values.remove(0)
    } else {
        Value::Array(values)
    };
    format!(
        "{}\n",
        serde_json::to_string_pretty(&value).unwrap_or_default()
    )
}

fn json_report(file: &str, g: &Graded) -> Value {
    match g {
        Graded::Report(r) => {
            let mut v = serde_json::to_value(r.as_ref()).unwrap_or(Value::Null);
            if let Value::Object(map) = &mut v {
                map.insert("file".into(), json!(file));
            }
            v
        }
        Graded::Unreadable(e) => json!({ "error": e, "file": file }),
    }
}

/// Gradescope's `results.json`: the score and one test per item.
fn gradescope(file: &str, g: &Graded) -> Value {
    match g {
        Graded::Report(r) => json!({
            "score": r.score,
            "output": if r.needs_review.is_empty() {
                format!("{file}: {} / {}", r.score, r.max_score)
            } else {
                format!(
                    "{file}: {} / {} (needs review by a person: {})",
                    r.score,
                    r.max_score,
                    r.needs_review.join(", ")
                )
            },
            "tests": r.items.iter().map(|i| json!({
                "name": format!("Exercise {}: {}", i.exercise, i.item),
                "score": i.points,
                "max_score": i.max_points,
                "output": format!("{}{}{}", i.status.label(), if i.message.is_empty() { "" } else { ": " }, i.message),
            })).collect::<Vec<_>>(),
        }),
        Graded::Unreadable(e) => json!({
            "score": 0.0,
            "output": format!("the answer file could not be read: {e}"),
            "tests": [],
        }),
    }
}

fn csv(graded: &[(String, Graded)]) -> String {
    // An unreadable file scores 0 out of the class's maximum (the readable
    // files'; 0 when none is readable), with its error.
    let max = graded
        .iter()
        .find_map(|(_, g)| match g {
            Graded::Report(r) => Some(r.max_score),
            Graded::Unreadable(_) => None,
        })
        .unwrap_or(0.0);
    let mut out =
        String::from("file,score,max_score,exercise_1,exercise_2,exercise_3,error,needs_review\n");
    for (file, g) in graded {
        let quoted = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
        match g {
            Graded::Report(r) => {
                let ex: Vec<String> = r.exercises.iter().map(|e| e.score.to_string()).collect();
                let review = if r.needs_review.is_empty() {
                    String::new()
                } else {
                    quoted(&r.needs_review.join("; "))
                };
                out += &format!(
                    "{},{},{},{},,{review}\n",
                    quoted(file),
                    r.score,
                    r.max_score,
                    ex.join(",")
                );
            }
            Graded::Unreadable(e) => {
                out += &format!("{},0,{max},0,0,0,{},\n", quoted(file), quoted(e));
            }
        }
    }
    out
}

/// How deep `grade DIR` looks into subfolders.
const MAX_DEPTH: usize = 8;

/// The answer files below `dir`, recursively (at most [`MAX_DEPTH`] levels;
/// symbolic links to folders are not followed, so a link loop cannot recur).
fn answer_files(dir: &Path, found: &mut Vec<PathBuf>, depth: usize) -> Result<(), String> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| format!("cannot read directory {}: {e}", dir.display()))?;
    for entry in entries.filter_map(Result::ok) {
        let path = entry.path();
        let kind = entry.file_type().ok();
        if kind.is_some_and(|k| k.is_dir()) && depth < MAX_DEPTH {
            answer_files(&path, found, depth + 1)?;
        } else if path.is_file()
            && path
                .extension()
                .is_some_and(|x| x.to_string_lossy().eq_ignore_ascii_case("toml"))
        {
            found.push(path);
        }
    }
    Ok(())
}
