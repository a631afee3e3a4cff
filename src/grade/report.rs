//! Grades, item by item, and their table.

use std::fmt;

use serde::Serialize;

/// How one item was judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Agrees with the reference.
    Correct,
    /// Disagrees with the reference only because an earlier answer did, and
    /// follows correctly from the student's own earlier answers: full credit.
    CarriedForward,
    /// Wrong.
    Wrong,
    /// Not answered.
    Missing,
    /// Answered, but the sheet does not ask for it (a fourth iteration, a
    /// fifth sample): no points, and not full marks.
    Extra,
    /// Answered, but it cannot be read or evaluated (a formula with a
    /// notation slip: a missing parenthesis, `2p_j`): worth 0 until a person
    /// looks. The message carries the parser's reason and the student's text.
    NeedsReview,
}

impl Status {
    /// A short word for tables.
    pub fn label(self) -> &'static str {
        match self {
            Status::Correct => "correct",
            Status::CarriedForward => "carried forward",
            Status::Wrong => "WRONG",
            Status::Missing => "missing",
            Status::Extra => "EXTRA",
            Status::NeedsReview => "NEEDS REVIEW",
        }
    }
}

/// One graded item.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GradeItem {
    /// The exercise (1, 2 or 3).
    pub exercise: u8,
    /// What was graded, e.g. `iteration 1, sample 2: delta_out`.
    pub item: String,
    /// The judgement.
    pub status: Status,
    /// Points earned.
    pub points: f64,
    /// Points available.
    pub max_points: f64,
    /// Evidence and diagnosis, for a person.
    pub message: String,
}

/// The grade of a whole answer file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GradeReport {
    /// Every item, in the order of the sheet.
    pub items: Vec<GradeItem>,
    /// Points earned.
    pub score: f64,
    /// Points available (Exercise 1: 15, Exercise 2: 15, Exercise 3: 10).
    pub max_score: f64,
    /// Exercise 2's convention used for the reference, and how it was chosen.
    pub convention: Option<String>,
    /// The first wrong quantity of the trace (errors after it may be carried forward).
    pub first_divergence: Option<String>,
    /// Points per exercise.
    pub exercises: Vec<ExerciseScore>,
    /// The items a person must look at (status `needs_review`), by name.
    pub needs_review: Vec<String>,
}

/// One exercise's subtotal.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ExerciseScore {
    /// The exercise (1, 2 or 3).
    pub exercise: u8,
    /// Points earned.
    pub score: f64,
    /// Points available.
    pub max_score: f64,
}

/// Points as shown: as many decimals as the value needs (at least 2, at
/// most 6), so that shown items add up to the shown total (0.075, 0.09375,
/// 38.125), and never `-0`.
pub fn show_points(points: f64) -> String {
    let x = tidy(points);
    let decimals = (2..=6)
        .find(|d| {
            let scale = 10f64.powi(*d);
            ((x * scale).round() / scale - x).abs() <= 1e-9
        })
        .unwrap_or(6) as usize;
    let s = format!("{x:.decimals$}");
    if s.trim_start_matches('-')
        .chars()
        .all(|c| c == '0' || c == '.')
    {
        s.trim_start_matches('-').to_string()
    } else {
        s
    }
}

/// Rounds away the float noise of a sum of shares (1e-9).
fn tidy(x: f64) -> f64 {
    let r = (x * 1e9).round() / 1e9;
    if r == 0.0 { 0.0 } else { r }
}

impl GradeReport {
    pub(crate) fn new(items: Vec<GradeItem>, convention: Option<String>) -> Self {
        let score = items.iter().map(|i| i.points).sum::<f64>();
        let max_score = items.iter().map(|i| i.max_points).sum::<f64>();
        let first_divergence = items
            .iter()
            .find(|i| i.exercise == 2 && i.status == Status::Wrong)
            .map(|i| i.item.clone());
        let mut report = Self {
            items,
            score: tidy(score),
            max_score: tidy(max_score),
            convention,
            first_divergence,
            exercises: Vec::new(),
            needs_review: Vec::new(),
        };
        report.needs_review = report
            .items
            .iter()
            .filter(|i| i.status == Status::NeedsReview)
            .map(|i| i.item.clone())
            .collect();
        report.exercises = (1..=3)
            .map(|exercise| {
                let (score, max_score) = report.exercise_score(exercise);
                ExerciseScore {
                    exercise,
                    score,
                    max_score,
                }
            })
            .collect();
        report
    }

    /// Every item earned its points: correct or carried forward, nothing
    /// missing, wrong or extra (the command's exit code 0).
    pub fn full_marks(&self) -> bool {
        self.items
            .iter()
            .all(|i| matches!(i.status, Status::Correct | Status::CarriedForward))
    }

    /// No item is wrong, extra or needs review (missing items only cost
    /// their points).
    pub fn all_correct(&self) -> bool {
        self.items.iter().all(|i| {
            !matches!(
                i.status,
                Status::Wrong | Status::Extra | Status::NeedsReview
            )
        })
    }

    /// Points earned and available for one exercise.
    pub fn exercise_score(&self, exercise: u8) -> (f64, f64) {
        let of = self.items.iter().filter(|i| i.exercise == exercise);
        let (p, m) = of.fold((0.0, 0.0), |(p, m), i| (p + i.points, m + i.max_points));
        (tidy(p), tidy(m))
    }
}

impl fmt::Display for GradeReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let width = self
            .items
            .iter()
            .map(|i| i.item.len())
            .max()
            .unwrap_or(4)
            .max(4);
        writeln!(
            f,
            "{:<3} {:<width$}  {:<15} {:>17}  notes",
            "ex", "item", "status", "points"
        )?;
        for i in &self.items {
            writeln!(
                f,
                "{:<3} {:<width$}  {:<15} {:>8}/{:<8}  {}",
                i.exercise,
                i.item,
                i.status.label(),
                show_points(i.points),
                show_points(i.max_points),
                i.message
            )?;
        }
        if let Some(c) = &self.convention {
            writeln!(f, "\nExercise 2 convention: {c}")?;
        }
        if let Some(d) = &self.first_divergence {
            writeln!(f, "first divergent quantity: {d}")?;
        }
        if !self.needs_review.is_empty() {
            writeln!(
                f,
                "needs review by a person (0 until then): {}",
                self.needs_review.join(", ")
            )?;
        }
        for e in 1..=3 {
            let (p, m) = self.exercise_score(e);
            writeln!(f, "Exercise {e}: {} / {m}", show_points(p))?;
        }
        write!(f, "score: {} / {}", show_points(self.score), self.max_score)
    }
}
