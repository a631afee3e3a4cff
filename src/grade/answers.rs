//! The answer file: TOML with numbers and/or formulas, read with positions.
//!
//! ```toml
//! [exercise1]                       # formulas (see `grade::formula` for the syntax)
//! dL_dW_out = "(y_out - y_gt) * df3(s_out) * z2"
//! dL_dW2    = "(y_out - y_gt) * df3(s_out) * W_out * df2(s2) * z1"
//! dL_dW1    = "(y_out - y_gt) * df3(s_out) * W_out * df2(s2) * W2 * df1(s1) * x_in"
//!
//! [exercise2]                       # the numbers of a hand-run trace; any subset
//! mode = "sum"                      # optional: sum | mean | online (inferred when absent)
//! lr = 0.1                          # optional (inferred when absent)
//! [[exercise2.iterations]]
//! loss = 1.9666                     # the iteration's loss (summed or averaged)
//! grad_W = [[-0.0133, -0.0163], [-0.0200, -0.0244], [-0.1496, 0.0075]]   # H x D
//! grad_w = [-0.4079, -0.8165, 0.0734]
//! W = [[0.6013, 0.0116], [0.7020, 0.4324], [0.0150, 0.8793]]            # after the update
//! w = [0.0608, 0.1117, 0.0827]
//! [[exercise2.iterations.samples]]  # one table per sample, in order
//! s = [0.458, 0.869, 0.704]
//! z = [0.458, 0.869, 0.704]
//! s_out = 0.0986
//! y_out = 0.0983
//! loss = 0.4066
//! delta_out = -0.8930
//! delta_hidden = [-0.0179, -0.0268, -0.0804]
//!
//! [exercise3]
//! dL_do = "p_j * (active_j - a * is_y - S_A + a * p_y)"
//! ```
//!
//! A number is compared at the precision it is written with: $k$ decimals
//! allow an error of one unit in the $k$-th decimal (so rounding, and rounding
//! carried forward, are fine); an integer such as `0` must be exact.

use serde::Deserialize;
use toml::Spanned;

use crate::error::{OracleError, Result};
use crate::files::{LineIndex, line_column, parse_toml};

/// A number as the student wrote it.
#[derive(Debug, Clone, PartialEq)]
pub struct Typed {
    /// Its value.
    pub value: f64,
    /// The literal as written in the file (`0.70`, `1.5e-3`), quoted in messages.
    pub written: String,
    /// Decimals written (`0.4066` has 4; `1.5e-3` has 4; an integer has 0).
    pub decimals: u32,
    /// 1-based line in the file.
    pub line: usize,
}

impl Typed {
    /// The allowed error: one unit in the last written decimal; `1e-9` for integers.
    pub fn tolerance(&self) -> f64 {
        if self.decimals == 0 {
            1e-9
        } else {
            10f64.powi(-(self.decimals as i32)) * (1.0 + 1e-9)
        }
    }

    /// Whether `expected` agrees at the written precision: within one unit
    /// in the last written decimal, or exactly when `expected` itself has no
    /// more decimals than were written (0.5 written to 1 decimal must read
    /// 0.5, not 0.4: writing it takes no rounding).
    pub fn matches(&self, expected: f64) -> bool {
        let error = (self.value - expected).abs();
        let scale = 10f64.powi(self.decimals as i32);
        let short =
            ((expected * scale).round() / scale - expected).abs() <= 1e-9 * expected.abs().max(1.0);
        if short {
            error <= 1e-9 * expected.abs().max(1.0)
        } else {
            error <= self.tolerance().max(1e-12 * expected.abs())
        }
    }
}

/// Decimals of a TOML number literal.
fn decimals_of(literal: &str) -> u32 {
    let lit = literal.trim().replace('_', "");
    let (mantissa, exponent) = match lit.find(['e', 'E']) {
        Some(i) => (&lit[..i], lit[i + 1..].parse::<i32>().unwrap_or(0)),
        None => (lit.as_str(), 0),
    };
    let frac = mantissa.split_once('.').map_or(0, |(_, f)| f.len() as i32);
    (frac - exponent).max(0) as u32
}

type N = Spanned<f64>;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    exercise1: Option<Exercise1Answers>,
    exercise2: Option<RawExercise2>,
    exercise3: Option<Exercise3Answers>,
}

/// Exercise 1's formulas.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Exercise1Answers {
    /// $\partial L/\partial W_1$.
    #[serde(rename = "dL_dW1")]
    pub d_w1: Option<String>,
    /// $\partial L/\partial W_2$.
    #[serde(rename = "dL_dW2")]
    pub d_w2: Option<String>,
    /// $\partial L/\partial W_{out}$.
    #[serde(rename = "dL_dW_out")]
    pub d_w_out: Option<String>,
}

/// Exercise 3's formula.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Exercise3Answers {
    /// $\partial L/\partial o_j$, in terms of one component $j$.
    #[serde(rename = "dL_do")]
    pub d_o: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawExercise2 {
    mode: Option<Spanned<String>>,
    lr: Option<N>,
    #[serde(default)]
    iterations: Vec<RawIteration>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIteration {
    loss: Option<N>,
    #[serde(rename = "grad_W")]
    grad_hidden: Option<Vec<Vec<N>>>,
    #[serde(rename = "grad_w")]
    grad_out: Option<Vec<N>>,
    #[serde(rename = "W")]
    w_hidden: Option<Vec<Vec<N>>>,
    #[serde(rename = "w")]
    w_out: Option<Vec<N>>,
    #[serde(default)]
    samples: Vec<RawSample>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSample {
    s: Option<Vec<N>>,
    z: Option<Vec<N>>,
    s_out: Option<N>,
    y_out: Option<N>,
    loss: Option<N>,
    delta_out: Option<N>,
    delta_hidden: Option<Vec<N>>,
}

/// Exercise 2's answers.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Exercise2Answers {
    /// The declared update convention.
    pub mode: Option<crate::UpdateMode>,
    /// The declared learning rate.
    pub lr: Option<f64>,
    /// One entry per iteration, in order.
    pub iterations: Vec<IterationAnswers>,
}

/// One iteration's answers.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct IterationAnswers {
    /// The iteration's loss.
    pub loss: Option<Typed>,
    /// $\nabla_W$ ($H \times D$).
    pub grad_hidden: Option<Vec<Vec<Typed>>>,
    /// $\nabla_w$.
    pub grad_out: Option<Vec<Typed>>,
    /// $W$ after the update.
    pub w_hidden: Option<Vec<Vec<Typed>>>,
    /// $w$ after the update.
    pub w_out: Option<Vec<Typed>>,
    /// Per-sample answers.
    pub samples: Vec<SampleAnswers>,
}

/// One sample's answers.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SampleAnswers {
    /// Hidden pre-activations.
    pub s: Option<Vec<Typed>>,
    /// Hidden activations.
    pub z: Option<Vec<Typed>>,
    /// Output pre-activation.
    pub s_out: Option<Typed>,
    /// Output.
    pub y_out: Option<Typed>,
    /// The sample's loss.
    pub loss: Option<Typed>,
    /// $\delta_{out}$.
    pub delta_out: Option<Typed>,
    /// Hidden deltas.
    pub delta_hidden: Option<Vec<Typed>>,
}

/// A parsed answer file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AnswerFile {
    /// Exercise 1's formulas, if given.
    pub exercise1: Option<Exercise1Answers>,
    /// Exercise 2's numbers, if given.
    pub exercise2: Option<Exercise2Answers>,
    /// Exercise 3's formula, if given.
    pub exercise3: Option<Exercise3Answers>,
}

struct Converter<'a> {
    text: &'a str,
    source: &'a str,
    lines: LineIndex<'a>,
}

impl Converter<'_> {
    fn num(&self, n: &N) -> Result<Typed> {
        let span = n.span();
        let line = self.lines.line(span.start);
        let value = *n.get_ref();
        if !value.is_finite() {
            let (line, column) = self.lines.line_column(span.start);
            return Err(OracleError::Parse {
                source_name: self.source.into(),
                line,
                column,
                message: format!("answers must be finite numbers, got {value}"),
            });
        }
        let literal = self.text.get(span.start..span.end).unwrap_or("");
        Ok(Typed {
            value,
            written: literal.trim().to_string(),
            decimals: decimals_of(literal),
            line,
        })
    }

    fn opt(&self, n: &Option<N>) -> Result<Option<Typed>> {
        n.as_ref().map(|v| self.num(v)).transpose()
    }

    fn vec(&self, v: &Option<Vec<N>>) -> Result<Option<Vec<Typed>>> {
        v.as_ref()
            .map(|row| row.iter().map(|n| self.num(n)).collect())
            .transpose()
    }

    fn mat(&self, m: &Option<Vec<Vec<N>>>) -> Result<Option<Vec<Vec<Typed>>>> {
        m.as_ref()
            .map(|rows| {
                rows.iter()
                    .map(|row| row.iter().map(|n| self.num(n)).collect())
                    .collect()
            })
            .transpose()
    }
}

/// Parses an answer file. `source_name` names it in error messages.
///
/// # Errors
/// [`OracleError::Parse`] with line and column for malformed TOML, unknown
/// keys, non-numbers where numbers belong, non-finite numbers, an unknown mode,
/// or a learning rate that is not positive.
pub fn parse_answers(source_name: &str, text: &str) -> Result<AnswerFile> {
    let raw: RawFile = parse_toml(source_name, text)?;
    let c = Converter {
        text,
        source: source_name,
        lines: LineIndex::new(text),
    };
    let exercise2 = match raw.exercise2 {
        None => None,
        Some(e) => {
            let mode = match &e.mode {
                None => None,
                Some(m) => Some(m.get_ref().parse().map_err(|err: OracleError| {
                    let (line, column) = line_column(text, m.span().start);
                    OracleError::Parse {
                        source_name: source_name.into(),
                        line,
                        column,
                        message: err.to_string(),
                    }
                })?),
            };
            let lr = c.opt(&e.lr)?;
            if let (Some(l), Some(raw_lr)) = (&lr, &e.lr)
                && l.value <= 0.0
            {
                let (line, column) = line_column(text, raw_lr.span().start);
                return Err(OracleError::Parse {
                    source_name: source_name.into(),
                    line,
                    column,
                    message: format!("the learning rate must be positive, got {}", l.value),
                });
            }
            let iterations = e
                .iterations
                .iter()
                .map(|it| {
                    Ok(IterationAnswers {
                        loss: c.opt(&it.loss)?,
                        grad_hidden: c.mat(&it.grad_hidden)?,
                        grad_out: c.vec(&it.grad_out)?,
                        w_hidden: c.mat(&it.w_hidden)?,
                        w_out: c.vec(&it.w_out)?,
                        samples: it
                            .samples
                            .iter()
                            .map(|s| {
                                Ok(SampleAnswers {
                                    s: c.vec(&s.s)?,
                                    z: c.vec(&s.z)?,
                                    s_out: c.opt(&s.s_out)?,
                                    y_out: c.opt(&s.y_out)?,
                                    loss: c.opt(&s.loss)?,
                                    delta_out: c.opt(&s.delta_out)?,
                                    delta_hidden: c.vec(&s.delta_hidden)?,
                                })
                            })
                            .collect::<Result<Vec<_>>>()?,
                    })
                })
                .collect::<Result<Vec<_>>>()?;
            Some(Exercise2Answers {
                mode,
                lr: lr.as_ref().map(|l| l.value),
                iterations,
            })
        }
    };
    Ok(AnswerFile {
        exercise1: raw.exercise1,
        exercise2,
        exercise3: raw.exercise3,
    })
}

#[cfg(test)]
mod tests {
    use super::decimals_of;

    #[test]
    fn decimals_count_as_written() {
        assert_eq!(decimals_of("0.4066"), 4);
        assert_eq!(decimals_of("-12.5"), 1);
        assert_eq!(decimals_of("3"), 0);
        assert_eq!(decimals_of("1.5e-3"), 4);
        assert_eq!(decimals_of("2.25E2"), 0);
        assert_eq!(decimals_of("1_000.25"), 2);
    }
}
