//! Named parameter tensors flattened into the one vector a check perturbs,
//! and the way back: entry $i$ of the vector is element
//! $(i_1, \dots, i_r)$ (row-major) of tensor $t$, reported as `t[i_1, ..., i_r]`.
//!
//! The framework adapters (`candle`, `burn`) build a [`ParameterLayout`]
//! from a model's tensors; a [`NamedReport`] is a [`CheckReport`] read
//! through it.
//!
//! ```
//! use gradient_oracle::ParameterLayout;
//! let mut layout = ParameterLayout::new();
//! layout.push("fc.weight", &[2, 3])?;
//! layout.push("fc.bias", &[2])?;
//! assert_eq!(layout.len(), 8);
//! assert_eq!(layout.label(4), "fc.weight[1, 1]");
//! assert_eq!(layout.label(7), "fc.bias[1]");
//! # Ok::<(), gradient_oracle::OracleError>(())
//! ```

use std::fmt;
use std::ops::Range;

use super::{CheckReport, EntryCheck, Verdict};
use crate::error::{OracleError, Result};

/// One tensor's place in the flat vector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TensorSlot {
    /// The tensor's name (a module path such as `fc1.weight`, or one given).
    pub name: String,
    /// Its shape (empty for a scalar).
    pub shape: Vec<usize>,
    /// The flat index of its first element.
    pub offset: usize,
}

impl TensorSlot {
    /// Its number of elements.
    pub fn len(&self) -> usize {
        self.shape.iter().product()
    }

    /// Whether it has no elements.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Named tensors, one after the other, in one flat vector.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParameterLayout {
    slots: Vec<TensorSlot>,
    len: usize,
}

impl ParameterLayout {
    /// An empty layout.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends a tensor; returns its range in the flat vector.
    ///
    /// # Errors
    /// [`OracleError::InvalidParameter`] for a repeated name or an element
    /// count that overflows.
    pub fn push(&mut self, name: &str, shape: &[usize]) -> Result<Range<usize>> {
        if self.slots.iter().any(|s| s.name == name) {
            return Err(OracleError::InvalidParameter {
                name: name.into(),
                reason: "two tensors have this name".into(),
            });
        }
        let count = shape
            .iter()
            .try_fold(1usize, |n, d| n.checked_mul(*d))
            .and_then(|n| n.checked_add(self.len).map(|end| (n, end)));
        let Some((count, end)) = count else {
            return Err(OracleError::InvalidParameter {
                name: name.into(),
                reason: format!("shape {shape:?} has more elements than usize holds"),
            });
        };
        self.slots.push(TensorSlot {
            name: name.into(),
            shape: shape.to_vec(),
            offset: self.len,
        });
        self.len = end;
        Ok(end - count..end)
    }

    /// The tensors in order.
    pub fn tensors(&self) -> &[TensorSlot] {
        &self.slots
    }

    /// The flat vector's length.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether no element is laid out.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The tensor and row-major index of flat entry `index`.
    pub fn locate(&self, index: usize) -> Option<(&TensorSlot, Vec<usize>)> {
        let slot = self
            .slots
            .iter()
            .rev()
            .find(|s| s.offset <= index && index < s.offset + s.len())?;
        let mut rest = index - slot.offset;
        let mut multi = vec![0; slot.shape.len()];
        for (k, d) in slot.shape.iter().enumerate().rev() {
            multi[k] = rest % d;
            rest /= d;
        }
        Some((slot, multi))
    }

    /// `name[i, j]` for flat entry `index` (`name` for a scalar tensor;
    /// `#index` past the end).
    pub fn label(&self, index: usize) -> String {
        match self.locate(index) {
            Some((slot, multi)) if multi.is_empty() => slot.name.clone(),
            Some((slot, multi)) => {
                let parts: Vec<String> = multi.iter().map(ToString::to_string).collect();
                format!("{}[{}]", slot.name, parts.join(", "))
            }
            None => format!("#{index}"),
        }
    }
}

/// A check of named parameter tensors: the report on the flat vector, read
/// back through its layout.
#[derive(Debug, Clone)]
pub struct NamedReport {
    /// The report on the flat vector (entry `input` is `layout.label(input)`).
    pub report: CheckReport,
    /// Where each entry came from.
    pub layout: ParameterLayout,
    /// How the claim was judged, e.g. "f64 evaluations of the f32 graph".
    pub precision: String,
}

impl NamedReport {
    /// The overall verdict.
    pub fn verdict(&self) -> Verdict {
        self.report.verdict()
    }

    /// The failing entries with their tensor labels.
    pub fn failures(&self) -> Vec<(String, &EntryCheck)> {
        self.report
            .failures()
            .into_iter()
            .map(|e| (self.layout.label(e.input), e))
            .collect()
    }

    /// The report's resolution (see [`CheckReport::resolution`]).
    pub fn resolution(&self) -> f64 {
        self.report.resolution()
    }

    /// Why the check could not decide, when it could not (see
    /// [`CheckReport::inconclusive_reason`]).
    pub fn inconclusive_reason(&self) -> Option<&str> {
        self.report.inconclusive_reason()
    }

    /// The labels of the failing entries, e.g. `["fc.weight[1, 0]"]`.
    pub fn failing_labels(&self) -> Vec<String> {
        self.failures().into_iter().map(|(l, _)| l).collect()
    }
}

impl fmt::Display for NamedReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shapes: Vec<String> = self
            .layout
            .tensors()
            .iter()
            .map(|s| format!("{} {:?}", s.name, s.shape))
            .collect();
        writeln!(
            f,
            "{}: {} parameters in {} ({}), {}",
            self.verdict().label(),
            self.layout.len(),
            shapes.join(", "),
            self.precision,
            match self.report.resolution() {
                r if r.is_finite() => format!("resolution {r:.1e}"),
                _ => "no finite resolution".into(),
            }
        )?;
        for (label, e) in self.failures() {
            writeln!(
                f,
                "  {label}: backward gives {:e}, finite differences {:e} (error {:.1e}, tolerance {:.1e})",
                e.analytic, e.numeric, e.abs_error, e.tolerance
            )?;
        }
        for e in self.report.inconclusive() {
            writeln!(f, "  {}: inconclusive", self.layout.label(e.input))?;
        }
        if let Some(reason) = self.report.inconclusive_reason() {
            writeln!(f, "  inconclusive: {reason}")?;
        }
        if let Some(d) = self.report.diagnosis() {
            writeln!(f, "  diagnosis: {d}")?;
        }
        Ok(())
    }
}
