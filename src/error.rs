//! The crate's one error type.
//!
//! Invalid input is an error; a wrong gradient is not (it is an `Ok` report
//! whose verdict is [`Verdict::Fail`](crate::Verdict::Fail)).

use thiserror::Error;

/// Everything that can be wrong with the input of a public function.
///
/// Each variant names the offending input so that the message alone tells the
/// user what to fix.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum OracleError {
    /// An input that must hold at least one element is empty.
    #[error("`{name}` is empty")]
    Empty {
        /// The input's name.
        name: String,
    },
    /// Two inputs whose shapes must agree do not.
    #[error("`{name}` has shape {found}, expected {expected}")]
    ShapeMismatch {
        /// The input's name.
        name: String,
        /// The shape it must have, as text (e.g. `3 x 2`).
        expected: String,
        /// The shape it has.
        found: String,
    },
    /// An input holds NaN or an infinity.
    #[error("`{name}` is not finite: element {index} is {value}")]
    NonFinite {
        /// The input's name.
        name: String,
        /// The position of the first non-finite element (row-major).
        index: usize,
        /// The offending value.
        value: f64,
    },
    /// A class label is not below the number of classes.
    #[error("label {label} is out of range for {classes} classes (labels are 0..{classes})")]
    LabelOutOfRange {
        /// The label given.
        label: usize,
        /// The number of classes `k`.
        classes: usize,
    },
    /// Softmax and the hinge loss need `k >= 2` classes.
    #[error("`{name}` has {found} classes; at least 2 are needed")]
    TooFewClasses {
        /// The input's name.
        name: String,
        /// The number of classes given.
        found: usize,
    },
    /// The hinge margin is NaN or infinite.
    #[error("margin must be a finite number, got {0}")]
    InvalidMargin(f64),
    /// The learning rate is not a positive finite number.
    #[error("learning rate must be a positive finite number, got {0}")]
    InvalidLearningRate(f64),
    /// A chain network of depth 0 was asked for.
    #[error("the chain network needs depth >= 1 (one weight and one activation per layer), got 0")]
    ZeroDepth,
    /// A configuration parameter (tolerance, step, count) is out of range.
    #[error("`{name}` is invalid: {reason}")]
    InvalidParameter {
        /// The parameter's name.
        name: String,
        /// Why it is rejected.
        reason: String,
    },
    /// The function under check is not finite at the point.
    #[error("the function is not finite at the point: {name} = {value}")]
    FunctionNotFinite {
        /// What was evaluated (`f(x)`, `f(x)[i]`).
        name: String,
        /// The value it returned.
        value: f64,
    },
    /// A text input (TOML, a formula) could not be parsed.
    #[error("{source_name}:{line}:{column}: {message}")]
    Parse {
        /// The file or input name.
        source_name: String,
        /// 1-based line of the problem.
        line: usize,
        /// 1-based column of the problem.
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// A deep-learning framework (candle, burn) refused an operation of the
    /// model under check.
    #[error("{framework}: {message}")]
    Framework {
        /// `candle` or `burn`.
        framework: &'static str,
        /// The framework's own message.
        message: String,
    },
}

/// Shorthand for results of this crate.
pub type Result<T> = std::result::Result<T, OracleError>;

/// Returns an error naming `name` if `values` is empty or holds a non-finite value.
pub(crate) fn require_finite<I>(name: &str, values: I) -> Result<()>
where
    I: IntoIterator<Item = f64>,
{
    let mut seen = false;
    for (index, value) in values.into_iter().enumerate() {
        seen = true;
        if !value.is_finite() {
            return Err(OracleError::NonFinite {
                name: name.to_string(),
                index,
                value,
            });
        }
    }
    if seen {
        Ok(())
    } else {
        Err(OracleError::Empty {
            name: name.to_string(),
        })
    }
}

/// Returns an error naming `name` if `value` is not finite.
pub(crate) fn require_finite_scalar(name: &str, value: f64) -> Result<()> {
    require_finite(name, std::iter::once(value))
}
