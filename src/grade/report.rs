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
            score: (score * 100.0).round() / 100.0,
            max_score: (max_score * 100.0).round() / 100.0,
            convention,
            first_divergence,
            exercises: Vec::new(),
        };
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

    /// No item is wrong or extra (missing items only cost their points).
    pub fn all_correct(&self) -> bool {
        self.items
            .iter()
            .all(|i| !matches!(i.status, Status::Wrong | Status::Extra))
    }

    /// Points earned and available for one exercise.
    pub fn exercise_score(&self, exercise: u8) -> (f64, f64) {
        let of = self.items.iter().filter(|i| i.exercise == exercise);
        let (p, m) = of.fold((0.0, 0.0), |(p, m), i| (p + i.points, m + i.max_points));
        ((p * 100.0).round() / 100.0, (m * 100.0).round() / 100.0)
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
            "{:<3} {:<width$}  {:<15} {:>13}  notes",
            "ex", "item", "status", "points"
        )?;
        for i in &self.items {
            writeln!(
                f,
                "{:<3} {:<width$}  {:<15} {:>6.2}/{:<6.2}  {}",
                i.exercise,
                i.item,
                i.status.label(),
                i.points,
                i.max_points,
                i.message
            )?;
        }
        if let Some(c) = &self.convention {
            writeln!(f, "\nExercise 2 convention: {c}")?;
        }
        if let Some(d) = &self.first_divergence {
            writeln!(f, "first divergent quantity: {d}")?;
        }
        for e in 1..=3 {
            let (p, m) = self.exercise_score(e);
            writeln!(f, "Exercise {e}: {p:.2} / {m:.0}")?;
        }
        write!(f, "score: {:.2} / {:.0}", self.score, self.max_score)
    }
}
