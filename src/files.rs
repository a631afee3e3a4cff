//! Loading the Exercise 2 network and data from TOML.
//!
//! Network file (`--hidden`): `W` is $H \times D$, row $i$ = hidden unit $i$
//! (the sheet's $W_{ij}$, input $j$ into unit $i$); `w` has $H$ entries.
//! ```toml
//! W = [[0.60, 0.01], [0.70, 0.43], [0.00, 0.88]]
//! w = [0.02, 0.03, 0.09]
//! ```
//! Data file (`--data`): one sample per row of `x`, one label per sample in `y`.
//! ```toml
//! x = [[0.75, 0.80], [0.20, 0.05], [-0.75, 0.80], [0.20, -0.05]]
//! y = [1, 1, -1, -1]
//! ```
//! Syntax errors are reported with line and column; shapes and values are
//! validated as by [`Mlp::new`] and [`Dataset::new`].

use serde::Deserialize;

use crate::error::{OracleError, Result};
use crate::models::mlp::{Dataset, Mlp};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NetworkFile {
    #[serde(rename = "W")]
    w_hidden: Vec<Vec<f64>>,
    w: Vec<f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DataFile {
    x: Vec<Vec<f64>>,
    y: Vec<f64>,
}

/// 1-based line and column of byte `offset` in `text`.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    LineIndex::new(text).line_column(offset)
}

/// The start of every line of a text, for line and column lookups in
/// $O(\log n)$ each (a file's numbers are located once each, so grading
/// stays linear in the file's size).
#[derive(Debug, Clone)]
pub struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    /// Indexes `text` (one pass).
    pub fn new(text: &'a str) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Self { text, starts }
    }

    /// 1-based line of byte `offset` ($O(\log n)$).
    pub fn line(&self, offset: usize) -> usize {
        let offset = offset.min(self.text.len());
        self.starts.partition_point(|s| *s <= offset)
    }

    /// 1-based line and column (in characters) of byte `offset`; the column
    /// costs the length of its line, so it is for messages, not for every number.
    pub fn line_column(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.starts.partition_point(|s| *s <= offset);
        let start = self.starts[line - 1];
        let column = self
            .text
            .get(start..offset)
            .map_or(offset - start, |s| s.chars().count());
        (line, column + 1)
    }
}

/// Parses TOML into `T`, mapping errors to [`OracleError::Parse`] with a position.
pub fn parse_toml<T: serde::de::DeserializeOwned>(source_name: &str, text: &str) -> Result<T> {
    toml::from_str(text).map_err(|e| {
        let (line, column) = e.span().map_or((1, 1), |s| line_column(text, s.start));
        OracleError::Parse {
            source_name: source_name.to_string(),
            line,
            column,
            message: e.message().trim().to_string(),
        }
    })
}

/// Reads the network's weights from TOML text.
///
/// # Errors
/// [`OracleError::Parse`] for malformed TOML or missing keys; the shape and
/// value errors of [`Mlp::from_rows`].
pub fn network_from_toml(source_name: &str, text: &str) -> Result<Mlp> {
    let file: NetworkFile = parse_toml(source_name, text)?;
    Mlp::from_rows(&file.w_hidden, &file.w)
}

/// Reads samples and labels from TOML text.
///
/// # Errors
/// [`OracleError::Parse`] for malformed TOML or missing keys; the shape and
/// value errors of [`Dataset::from_rows`].
pub fn dataset_from_toml(source_name: &str, text: &str) -> Result<Dataset> {
    let file: DataFile = parse_toml(source_name, text)?;
    if file.y.is_empty() {
        return Err(OracleError::Empty { name: "y".into() });
    }
    Dataset::from_rows(&file.x, &file.y)
}

#[cfg(test)]
mod tests {
    use super::LineIndex;

    /// The quadratic scan the index replaced, as the reference.
    fn by_scan(text: &str, offset: usize) -> (usize, usize) {
        let before = &text[..offset.min(text.len())];
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        (line, column)
    }

    #[test]
    fn the_index_agrees_with_a_scan_at_every_offset() {
        let text = "a = 1\n\nb = [0.5, 2]\n  é = 3\r\nlast";
        let index = LineIndex::new(text);
        for offset in (0..=text.len() + 2).filter(|o| text.is_char_boundary((*o).min(text.len()))) {
            assert_eq!(index.line_column(offset), by_scan(text, offset), "{offset}");
        }
    }
}
