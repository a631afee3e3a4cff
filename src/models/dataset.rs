//! The samples a network is trained on: an $N \times D$ input matrix and $N$
//! labels, validated (finite, consistent shapes) when built.

use nalgebra::{DMatrix, DVector};

use crate::error::{OracleError, Result, require_finite};

/// A batch of samples: `x` is $N \times D$ (one sample per row), `y` has $N$ labels.
#[derive(Debug, Clone, PartialEq)]
pub struct Dataset {
    pub(crate) x: DMatrix<f64>,
    pub(crate) y: DVector<f64>,
}

pub(crate) fn matrix_finite(name: &str, m: &DMatrix<f64>) -> Result<()> {
    // Row-major order so that the reported index matches how people read W.
    require_finite(
        name,
        (0..m.nrows()).flat_map(|i| (0..m.ncols()).map(move |j| m[(i, j)])),
    )
}

pub(crate) fn rows_width(name: &str, rows: &[Vec<f64>]) -> Result<usize> {
    let first = rows
        .first()
        .ok_or_else(|| OracleError::Empty { name: name.into() })?;
    if first.is_empty() {
        return Err(OracleError::Empty { name: name.into() });
    }
    if let Some((i, row)) = rows
        .iter()
        .enumerate()
        .find(|(_, r)| r.len() != first.len())
    {
        return Err(OracleError::ShapeMismatch {
            name: format!("{name} row {i}"),
            expected: format!("{} entries", first.len()),
            found: format!("{} entries", row.len()),
        });
    }
    Ok(first.len())
}

impl Dataset {
    /// The sheet's four samples and labels.
    pub fn sheet() -> Self {
        Self {
            x: DMatrix::from_row_slice(4, 2, &[0.75, 0.80, 0.20, 0.05, -0.75, 0.80, 0.20, -0.05]),
            y: DVector::from_column_slice(&[1.0, 1.0, -1.0, -1.0]),
        }
    }

    /// A dataset from an $N \times D$ matrix and $N$ labels.
    ///
    /// # Errors
    /// Empty or non-finite input, or `y.len() != x.nrows()`.
    pub fn new(x: DMatrix<f64>, y: DVector<f64>) -> Result<Self> {
        matrix_finite("X", &x)?;
        require_finite("y", y.iter().copied())?;
        if y.len() != x.nrows() {
            return Err(OracleError::ShapeMismatch {
                name: "y".into(),
                expected: format!("{} labels (one per row of X)", x.nrows()),
                found: format!("{} labels", y.len()),
            });
        }
        Ok(Self { x, y })
    }

    /// A dataset from sample rows and labels.
    ///
    /// # Errors
    /// As [`Dataset::new`], and rows of unequal length.
    pub fn from_rows(x: &[Vec<f64>], y: &[f64]) -> Result<Self> {
        let d = rows_width("X", x)?;
        let flat: Vec<f64> = x.iter().flatten().copied().collect();
        Self::new(
            DMatrix::from_row_slice(x.len(), d, &flat),
            DVector::from_column_slice(y),
        )
    }

    /// The samples, one per row.
    pub fn x(&self) -> &DMatrix<f64> {
        &self.x
    }

    /// The labels.
    pub fn y(&self) -> &DVector<f64> {
        &self.y
    }

    /// The number of samples $N$.
    pub fn len(&self) -> usize {
        self.x.nrows()
    }

    /// Always false: a dataset holds at least one sample.
    pub fn is_empty(&self) -> bool {
        self.x.nrows() == 0
    }

    /// Samples `range` as a new dataset (for micro-batches and online updates).
    pub fn rows(&self, range: std::ops::Range<usize>) -> Result<Self> {
        if range.start >= range.end || range.end > self.len() {
            return Err(OracleError::InvalidParameter {
                name: "rows".into(),
                reason: format!("range {range:?} is empty or outside 0..{}", self.len()),
            });
        }
        Ok(Self {
            x: self.x.rows(range.start, range.len()).into_owned(),
            y: self.y.rows(range.start, range.len()).into_owned(),
        })
    }
}
