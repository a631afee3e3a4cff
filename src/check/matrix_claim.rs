//! The forms a claimed Jacobian or Hessian may take.
//!
//! A claim can be a nalgebra [`DMatrix`] (this crate's nalgebra, re-exported
//! as `gradient_oracle::nalgebra`), its rows as `Vec<Vec<F>>`, or a row-major
//! `Vec<F>`: a user's own nalgebra version, or none, never has to match.

use nalgebra::DMatrix;

use crate::Real;

/// A claimed matrix (Jacobian: outputs x inputs; Hessian: n x n).
pub trait MatrixClaim<F> {
    /// The claim as a matrix, given the shape the check expects (which the
    /// row-major form needs). `Err` describes what was found when it cannot
    /// be a matrix at all (ragged rows, a flat length that is not
    /// `rows * cols`); the check then reports a shape mismatch.
    ///
    /// # Errors
    /// The found shape, in words.
    fn into_matrix(self, rows: usize, cols: usize) -> Result<DMatrix<F>, String>;
}

impl<F: Real> MatrixClaim<F> for DMatrix<F> {
    fn into_matrix(self, _rows: usize, _cols: usize) -> Result<DMatrix<F>, String> {
        Ok(self)
    }
}

impl<F: Real> MatrixClaim<F> for Vec<Vec<F>> {
    fn into_matrix(self, _rows: usize, _cols: usize) -> Result<DMatrix<F>, String> {
        let cols = self.first().map_or(0, Vec::len);
        if self.iter().any(|r| r.len() != cols) {
            let lengths: Vec<usize> = self.iter().map(Vec::len).collect();
            return Err(format!("rows of lengths {lengths:?}"));
        }
        Ok(DMatrix::from_row_iterator(
            self.len(),
            cols,
            self.into_iter().flatten(),
        ))
    }
}

impl<F: Real> MatrixClaim<F> for Vec<F> {
    fn into_matrix(self, rows: usize, cols: usize) -> Result<DMatrix<F>, String> {
        if self.len() != rows * cols {
            return Err(format!("{} entries (row-major)", self.len()));
        }
        Ok(DMatrix::from_row_slice(rows, cols, &self))
    }
}
