//! Final marks (итоговые отметки, issue 6) in the journal grid: the course's sheet as the grid
//! keeps it, which terms the grid shows, the window labels, the reason rule, the batch errors and
//! the admin's reopening form — plain functions tested on the host.
//!
//! The grid (`journal.rs`) keeps the final cells' edits with its own (slot
//! [`crate::journal::Slot::Final`]), so conflicts, retries and the status line are the same as
//! for marks; the final marks go in a batch of their own (`POST …/final-marks`).

use std::collections::HashMap;

use chrono::NaiveDate;
use otmetka_domain::ErrorCode;
use otmetka_domain::finals::{
    CourseFinalMarks, FinalMarkCell, FinalMarksResult, FinalTerm, Term, TermReopeningInput,
    TermState, mean_of_marks,
};
use otmetka_domain::grading::{MarkScale, suggest_year_mark};
use otmetka_domain::structure::{Period, PeriodKind};
use uuid::Uuid;

use crate::api::ApiError;
use crate::i18n::{Locale, td_string};
use crate::journal::{CellKey, Failure, day_month, parse_write_field};

/// Why a final mark's change is not sent yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hold {
    /// More than one point off the suggestion and no comment (422 `comment_required`).
    Comment,
    /// Outside the teachers' window (principal, admin) and no reason given yet.
    Reason,
}

/// The shortest and the longest reason for writes outside the teachers' window.
pub const REASON_MIN: usize = 3;
pub const REASON_MAX: usize = 500;

/// The final-mark sheet of the journal's course as the grid keeps it.
#[derive(Debug, Clone)]
pub struct Finals {
    pub scale: MarkScale,
    pub threshold: f64,
    /// The terms shown as columns: the journal period's, and the year's after the last period.
    pub terms: Vec<FinalTerm>,
    /// Every term of the course's year (the reopening form offers them).
    pub all_terms: Vec<FinalTerm>,
    cells: HashMap<(Uuid, Term), FinalMarkCell>,
    /// The reason given for writes outside the teachers' window; sent with them.
    pub reason: Option<String>,
    /// The reason being typed (kept while the panel is redrawn).
    pub reason_draft: Option<String>,
    /// The writes of the batch in flight, in the order sent (a 422 names their indexes).
    pub(crate) sent: Option<Vec<(CellKey, u64)>>,
}

impl Finals {
    pub fn new(sheet: CourseFinalMarks, period: &Period) -> Finals {
        let shown = shown_terms(&sheet.terms, period);
        let terms = shown.iter().map(|&i| sheet.terms[i].clone()).collect();
        Finals {
            scale: sheet.scale,
            threshold: sheet.rounding_threshold,
            terms,
            all_terms: sheet.terms,
            cells: sheet
                .cells
                .into_iter()
                .map(|c| ((c.student_id, c.term), c))
                .collect(),
            reason: None,
            reason_draft: None,
            sent: None,
        }
    }

    pub fn cell(&self, student: Uuid, term: Term) -> Option<&FinalMarkCell> {
        self.cells.get(&(student, term))
    }

    /// A shown term.
    pub fn term(&self, term: Term) -> Option<&FinalTerm> {
        self.terms.iter().find(|t| t.term == term)
    }

    /// The column of a shown term (0 = the first final column).
    pub fn index(&self, term: Term) -> Option<usize> {
        self.terms.iter().position(|t| t.term == term)
    }

    /// The journal period's own term (the first shown period term).
    pub fn period_term(&self) -> Option<&FinalTerm> {
        self.terms.iter().find(|t| t.term.is_period())
    }

    /// Whether the journal period is closed for the reader: its window ended, it is not reopened
    /// and the reader may not write it (a teacher).
    pub fn closed_for_reader(&self) -> bool {
        self.period_term()
            .is_some_and(|t| t.state == TermState::Closed && !t.writable)
    }

    /// Whether a lesson on `day` lies in a period closed for the reader.
    pub fn closed_on(&self, day: NaiveDate) -> bool {
        self.terms.iter().any(|t| {
            t.term.is_period()
                && t.state == TermState::Closed
                && !t.writable
                && t.starts_on <= day
                && day <= t.ends_on
        })
    }

    /// A cell as the server has it now (after a save or a conflict); a period mark changes the
    /// year's suggestion, a year or exam mark the final's, computed here with the server's
    /// functions (`otmetka_domain::finals`).
    pub fn put_cell(&mut self, cell: FinalMarkCell) {
        let (student, term) = (cell.student_id, cell.term);
        self.cells.insert((student, term), cell);
        if term.is_period() {
            let marks: Vec<String> = self
                .all_terms
                .iter()
                .filter(|t| t.term.is_period())
                .filter_map(|t| self.cells.get(&(student, t.term))?.value.clone())
                .collect();
            self.recount(student, Term::Year, &marks);
        }
        if matches!(term, Term::Period { .. } | Term::Year | Term::Exam) {
            let marks: Vec<String> = [Term::Year, Term::Exam]
                .into_iter()
                .filter_map(|t| self.cells.get(&(student, t))?.value.clone())
                .collect();
            self.recount(student, Term::Final, &marks);
        }
    }

    /// The year's (from the period marks) or the final's (from year and exam) basis and
    /// suggestion.
    fn recount(&mut self, student: Uuid, term: Term, marks: &[String]) {
        let average = mean_of_marks(&self.scale, marks.iter().map(String::as_str));
        let suggested = suggest_year_mark(
            &self.scale,
            marks.iter().map(String::as_str),
            self.threshold,
        );
        if let Some(c) = self.cells.get_mut(&(student, term)) {
            c.average = average;
            c.suggested = suggested;
        }
    }
}

/// The terms of the sheet the journal of `period` shows, as indexes into `terms`: the period's
/// own term (by its id, else by kind and number) and, when it is the year's last period, the
/// year — and for grades 9 and 11 the exam and final (итоговая) marks. A journal of the whole
/// year shows the year (and exam and final).
pub fn shown_terms(terms: &[FinalTerm], period: &Period) -> Vec<usize> {
    let year_end: Vec<usize> = [Term::Year, Term::Exam, Term::Final]
        .iter()
        .filter_map(|want| terms.iter().position(|t| t.term == *want))
        .collect();
    if period.kind == PeriodKind::Year {
        return year_end;
    }
    let own = terms
        .iter()
        .position(|t| t.term.is_period() && t.period_id == Some(period.id))
        .or_else(|| {
            let want = Term::Period {
                kind: period.kind,
                number: period.number,
            };
            terms.iter().position(|t| t.term == want)
        });
    let Some(own) = own else {
        return Vec::new();
    };
    let last = terms.iter().rposition(|t| t.term.is_period());
    let mut out = vec![own];
    if last == Some(own) {
        out.extend(year_end);
    }
    out
}

/// The term's short column head: "2 четв.", "Год".
pub fn term_short(locale: Locale, term: Term) -> String {
    match term {
        Term::Period { kind, number } => match kind {
            PeriodKind::Quarter => td_string!(locale, finals.short_quarter, n = number),
            PeriodKind::Trimester => td_string!(locale, finals.short_trimester, n = number),
            PeriodKind::HalfYear => td_string!(locale, finals.short_half_year, n = number),
            PeriodKind::Year => td_string!(locale, finals.short_year).to_string(),
        },
        Term::Year => td_string!(locale, finals.short_year).to_string(),
        Term::Exam => td_string!(locale, finals.short_exam).to_string(),
        Term::Final => td_string!(locale, finals.short_final).to_string(),
    }
}

/// The term's mark in words: "Четвертная отметка, 2-я четверть", "Годовая отметка".
pub fn term_title(locale: Locale, term: Term) -> String {
    match term {
        Term::Period { kind, number } => match kind {
            PeriodKind::Quarter => td_string!(locale, finals.title_quarter, n = number),
            PeriodKind::Trimester => td_string!(locale, finals.title_trimester, n = number),
            PeriodKind::HalfYear => td_string!(locale, finals.title_half_year, n = number),
            PeriodKind::Year => td_string!(locale, finals.title_year).to_string(),
        },
        Term::Year => td_string!(locale, finals.title_year).to_string(),
        Term::Exam => td_string!(locale, finals.title_exam).to_string(),
        Term::Final => td_string!(locale, finals.title_final).to_string(),
    }
}

/// The teachers' window of a term: "откроется 17.10", "открыто до 27.10", "открыто заново до
/// 02.11", "закрыто".
pub fn window_label(locale: Locale, term: &FinalTerm) -> String {
    match term.state {
        TermState::NotOpen => td_string!(
            locale,
            finals.window_not_open,
            date = day_month(term.opens_on)
        ),
        TermState::Open => td_string!(locale, finals.window_open, date = day_month(term.closes_on)),
        TermState::Reopened => td_string!(
            locale,
            finals.window_reopened,
            date = day_month(term.reopened_until.unwrap_or(term.closes_on))
        ),
        TermState::Closed => td_string!(locale, finals.window_closed).to_string(),
    }
}

/// A term state as sent (`not_open`, `open`, `closed`, `reopened`), for `data-state`.
pub fn state_str(state: TermState) -> &'static str {
    match state {
        TermState::NotOpen => "not_open",
        TermState::Open => "open",
        TermState::Closed => "closed",
        TermState::Reopened => "reopened",
    }
}

/// An average as the grid shows it: two decimals, a comma in Russian (`3,62`).
pub fn average_text(locale: Locale, average: f64) -> String {
    let s = format!("{average:.2}");
    match locale {
        Locale::ru => s.replace('.', ","),
        _ => s,
    }
}

/// A reason as sent: trimmed; `None` when shorter than [`REASON_MIN`] characters. Cut to
/// [`REASON_MAX`].
pub fn check_reason(text: &str) -> Option<String> {
    let text = text.trim();
    (text.chars().count() >= REASON_MIN).then(|| text.chars().take(REASON_MAX).collect())
}

/// A final-mark batch's refusal, read from the API error.
#[derive(Debug, Clone, PartialEq)]
pub enum FinalBatchError {
    /// 412 `version_mismatch`: the stale cells as they are now.
    Conflict(Vec<FinalMarkCell>),
    /// 422: `(index, code)` of each refused write; `reason` when the reason was refused
    /// (missing or of a wrong length).
    Invalid {
        cells: Vec<(usize, String)>,
        reason: bool,
    },
    /// Anything else: the whole batch failed (403 `final_mark_deadline_passed` …).
    Other(Failure),
}

/// Reads a failed final-mark batch.
pub fn final_batch_error(err: &ApiError) -> FinalBatchError {
    match err {
        ApiError::Network => FinalBatchError::Other(Failure::Network),
        ApiError::Unexpected { status } => FinalBatchError::Other(Failure::Unexpected(*status)),
        ApiError::Problem { problem, .. } => match problem.code {
            ErrorCode::VersionMismatch => match problem
                .current
                .clone()
                .and_then(|v| serde_json::from_value::<FinalMarksResult>(v).ok())
            {
                Some(c) => FinalBatchError::Conflict(c.cells),
                None => FinalBatchError::Other(Failure::Code(ErrorCode::VersionMismatch)),
            },
            ErrorCode::ValidationFailed => {
                let reason = problem.errors.iter().any(|e| e.field == "reason");
                let cells: Vec<(usize, String)> = problem
                    .errors
                    .iter()
                    .filter_map(|e| match parse_write_field(&e.field) {
                        Some((true, i)) => Some((i, e.code.clone())),
                        _ => None,
                    })
                    .collect();
                if cells.is_empty() && !reason {
                    FinalBatchError::Other(Failure::Code(ErrorCode::ValidationFailed))
                } else {
                    FinalBatchError::Invalid { cells, reason }
                }
            }
            code => FinalBatchError::Other(Failure::Code(code)),
        },
    }
}

/// What is wrong with the reopening form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReopenProblem {
    /// No term chosen.
    Term,
    /// The last day is not a date.
    UntilFormat,
    /// The last day is before today or more than 60 days ahead.
    UntilRange,
    /// The reason is shorter than 3 characters.
    Reason,
}

/// How far ahead a reopening may last.
pub const REOPEN_MAX_DAYS: i64 = 60;

/// The reopening form → the request: a term (`quarter_1`), the last day open (today … today +
/// 60 days) and a reason (3–500 characters).
pub fn check_reopening(
    term: &str,
    until: &str,
    reason: &str,
    today: NaiveDate,
) -> Result<TermReopeningInput, Vec<ReopenProblem>> {
    let mut problems = Vec::new();
    let term = term.trim().parse::<Term>().ok();
    if term.is_none() {
        problems.push(ReopenProblem::Term);
    }
    let until = crate::roster::parse_day(until);
    match until {
        None => problems.push(ReopenProblem::UntilFormat),
        Some(d) if d < today || d > today + chrono::Duration::days(REOPEN_MAX_DAYS) => {
            problems.push(ReopenProblem::UntilRange)
        }
        Some(_) => {}
    }
    let reason = check_reason(reason);
    if reason.is_none() {
        problems.push(ReopenProblem::Reason);
    }
    match (term, until, reason) {
        (Some(term), Some(until), Some(reason)) if problems.is_empty() => Ok(TermReopeningInput {
            term,
            until,
            reason,
        }),
        _ => Err(problems),
    }
}

pub fn reopen_problem_text(locale: Locale, p: ReopenProblem) -> &'static str {
    match p {
        ReopenProblem::Term => td_string!(locale, finals.reopen_err_term),
        ReopenProblem::UntilFormat => td_string!(locale, finals.reopen_err_until),
        ReopenProblem::UntilRange => td_string!(locale, finals.reopen_err_until_range),
        ReopenProblem::Reason => td_string!(locale, finals.reopen_err_reason),
    }
}

/// The terms the admin may reopen: those closed (or reopened) now.
pub fn reopenable(terms: &[FinalTerm]) -> Vec<&FinalTerm> {
    terms
        .iter()
        .filter(|t| matches!(t.state, TermState::Closed | TermState::Reopened))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journal::tests::{S1, S2, S3, day, journal};
    use crate::journal::{CellState, Counts, EditState, Grid, Key, Lock, Note};
    use otmetka_domain::FieldError;

    const Q: PeriodKind = PeriodKind::Quarter;

    fn q(n: i32) -> Term {
        Term::Period { kind: Q, number: n }
    }

    fn term(t: Term, state: TermState, writable: bool) -> FinalTerm {
        let (starts_on, ends_on) = match t {
            Term::Period { number: 1, .. } => (day(9, 1), day(10, 24)),
            Term::Period { number: 2, .. } => (day(11, 1), day(12, 28)),
            Term::Period { number: 3, .. } => (day(1, 10), day(3, 20)),
            Term::Period { .. } => (day(3, 30), day(5, 26)),
            _ => (day(9, 1), day(5, 26)),
        };
        FinalTerm {
            term: t,
            period_id: match t {
                Term::Period { number: 2, .. } => Some(Uuid::from_u128(0xF1)),
                Term::Period { number, .. } => Some(Uuid::from_u128(0xF0 + number as u128 + 8)),
                _ => None,
            },
            starts_on,
            ends_on,
            opens_on: ends_on - chrono::Duration::days(7),
            closes_on: ends_on + chrono::Duration::days(3),
            reopened_until: None,
            state,
            writable,
            reason_required: false,
        }
    }

    fn cell(
        s: Uuid,
        t: Term,
        value: Option<&str>,
        suggested: Option<&str>,
        avg: Option<f64>,
    ) -> FinalMarkCell {
        FinalMarkCell {
            student_id: s,
            subject_id: Uuid::from_u128(0x5B),
            term: t,
            value: value.map(str::to_string),
            comment: None,
            version: i32::from(value.is_some()),
            set_at: None,
            set_by_name: None,
            average: avg,
            suggested: suggested.map(str::to_string),
            due: true,
        }
    }

    /// Quarters 1–4 and the year; quarter 2 (the journal's) is open for the reader. S1 is
    /// suggested 4 (3.62), S2 left before the quarter's end (not due), S3 is suggested 5.
    fn sheet() -> CourseFinalMarks {
        let j = journal();
        let mut s2 = cell(S2, q(2), None, Some("3"), Some(3.0));
        s2.due = false;
        CourseFinalMarks {
            course: j.course.clone(),
            scale: j.scale.clone(),
            rounding_threshold: 0.5,
            terms: vec![
                term(q(1), TermState::Closed, false),
                term(q(2), TermState::Open, true),
                term(q(3), TermState::NotOpen, false),
                term(q(4), TermState::NotOpen, false),
                term(Term::Year, TermState::NotOpen, false),
            ],
            students: j.students.clone(),
            cells: vec![
                cell(S1, q(1), Some("4"), Some("4"), Some(4.1)),
                cell(S1, q(2), None, Some("4"), Some(3.62)),
                s2,
                cell(S3, q(2), None, Some("5"), Some(4.8)),
                cell(S1, Term::Year, None, Some("4"), Some(4.0)),
            ],
            today: day(12, 26),
        }
    }

    fn grid() -> Grid {
        let mut g = Grid::new(journal());
        g.set_finals(sheet());
        g
    }

    /// The grid with the cursor on the first final column of `row`.
    fn at_final(g: &mut Grid, row: usize) {
        let col = g.columns.len();
        g.click(row, col);
        assert_eq!(g.cursor, (row, col));
    }

    #[test]
    fn a_reloaded_sheet_patches_the_final_column_only() {
        let mut g = grid();
        assert!(g.take_dirty().full, "the first sheet adds the columns");
        // Loaded again after saved marks: new suggestions, the same terms.
        let mut s = sheet();
        s.cells[1] = cell(S1, q(2), None, Some("5"), Some(4.6));
        g.set_finals(s);
        let dirty = g.take_dirty();
        assert!(!dirty.full, "the table is not drawn anew");
        let first = g.columns.len();
        let want: std::collections::BTreeSet<_> = (0..g.row_count())
            .flat_map(|r| (first..g.col_count()).map(move |c| (r, c)))
            .collect();
        assert_eq!(dirty.cells, want, "every final cell, nothing else");
        assert!(
            g.cell_html(0, first, Locale::ru)
                .contains("data-suggested=\"5\""),
            "the new suggestion"
        );
        // Other terms (a reopening): the heads and the locks change, the table is drawn anew.
        let mut s = sheet();
        s.terms[1].state = TermState::Reopened;
        g.set_finals(s);
        assert!(g.take_dirty().full);
    }

    #[test]
    fn the_journal_period_and_after_the_last_period_the_year_are_shown() {
        let s = sheet();
        let mut p = journal().period;
        assert_eq!(shown_terms(&s.terms, &p), [1], "quarter 2 by its id");
        p.id = Uuid::from_u128(0x999);
        p.number = 4;
        assert_eq!(
            shown_terms(&s.terms, &p),
            [3, 4],
            "the last quarter brings the year"
        );
        p.kind = PeriodKind::Year;
        assert_eq!(shown_terms(&s.terms, &p), [4]);
        p.kind = PeriodKind::HalfYear;
        p.number = 1;
        assert!(
            shown_terms(&s.terms, &p).is_empty(),
            "not a final-mark period"
        );
        // A grade 9 sheet: the last quarter brings the year, the exam and the final mark.
        let mut nine = sheet();
        nine.terms.push(term(Term::Exam, TermState::NotOpen, false));
        nine.terms
            .push(term(Term::Final, TermState::NotOpen, false));
        p.kind = PeriodKind::Quarter;
        p.number = 4;
        assert_eq!(shown_terms(&nine.terms, &p), [3, 4, 5, 6]);
        p.number = 2;
        assert_eq!(shown_terms(&nine.terms, &p), [1]);

        let g = grid();
        assert_eq!(g.final_count(), 1);
        assert_eq!(g.col_count(), g.columns.len() + 1);
        let html = g.grid_html(Locale::ru);
        assert!(html.contains("data-testid=\"finals-head-quarter_2\""));
        assert!(html.contains("открыто до 31.12"));
        assert!(html.contains(&format!("data-testid=\"finals-cell-{S1}-quarter_2\"")));
        assert!(html.contains("data-suggested=\"4\""));
        assert!(html.contains("3,62"));
        assert!(html.contains("finals-accept-all-quarter_2"));
    }

    #[test]
    fn window_labels_say_when_teachers_set_the_marks() {
        let mut t = term(q(1), TermState::NotOpen, false);
        assert_eq!(window_label(Locale::ru, &t), "откроется 17.10");
        t.state = TermState::Open;
        assert_eq!(window_label(Locale::ru, &t), "открыто до 27.10");
        t.state = TermState::Closed;
        assert_eq!(window_label(Locale::ru, &t), "закрыто");
        t.state = TermState::Reopened;
        t.reopened_until = Some(day(11, 2));
        assert_eq!(window_label(Locale::ru, &t), "открыто заново до 02.11");
        assert_eq!(window_label(Locale::en, &t), "reopened until 02.11");
        assert_eq!(term_short(Locale::ru, q(2)), "2 четв.");
        assert_eq!(term_short(Locale::ru, Term::Year), "Год");
        assert_eq!(
            term_title(Locale::ru, q(2)),
            "Четвертная отметка, 2-я четверть"
        );
        assert_eq!(average_text(Locale::ru, 3.6249), "3,62");
        assert_eq!(average_text(Locale::en, 4.0), "4.00");
    }

    #[test]
    fn enter_or_equals_on_an_empty_final_cell_accepts_the_suggestion() {
        let mut g = grid();
        at_final(&mut g, 0);
        let out = g.key(Key::Enter);
        assert!(out.save);
        let k1 = CellKey::final_mark(S1, q(2));
        assert_eq!(g.value(k1), Some("4".into()));
        assert_eq!(g.cursor.0, 1, "and moves down");
        // S2 is not due: Enter moves on, `=` says why.
        let out = g.key(Key::Text('='));
        assert!(!out.save);
        assert_eq!(g.note, Some(Note::Locked(Lock::NotDue)));
        assert_eq!(g.cursor.0, 1);
        g.key(Key::Down);
        assert_eq!(g.cursor.0, 2);
        g.key(Key::Text('='));
        assert_eq!(g.value(CellKey::final_mark(S3, q(2))), Some("5".into()));
        // On a set cell Enter changes nothing.
        g.click(0, g.columns.len());
        g.key(Key::Enter);
        assert_eq!(g.value(k1), Some("4".into()));
        let batch = g.take_final_batch().unwrap();
        assert_eq!(batch.marks.len(), 2);
        assert_eq!(batch.marks[0].student_id, S1);
        assert_eq!(batch.marks[0].term, q(2));
        assert_eq!(batch.marks[0].value.as_deref(), Some("4"));
        assert_eq!(batch.marks[0].version, 0);
        assert_eq!(batch.marks[0].comment, None, "the comment stays");
        assert_eq!(batch.reason, None);
        assert!(
            g.take_batch().is_none(),
            "final marks never go with the journal's"
        );
    }

    #[test]
    fn accept_all_fills_every_empty_due_cell_in_one_batch() {
        let mut g = grid();
        let out = g.accept_all(q(2));
        assert!(out.save);
        let batch = g.take_final_batch().unwrap();
        let written: Vec<(Uuid, Option<String>)> = batch
            .marks
            .iter()
            .map(|m| (m.student_id, m.value.clone()))
            .collect();
        assert_eq!(
            written,
            [(S1, Some("4".into())), (S3, Some("5".into()))],
            "S2 is not due"
        );
        assert!(g.take_final_batch().is_none(), "one batch in flight");
        g.final_saved(FinalMarksResult {
            cells: vec![
                cell(S1, q(2), Some("4"), Some("4"), Some(3.62)),
                cell(S3, q(2), Some("5"), Some("5"), Some(4.8)),
            ],
        });
        assert!(!g.unsaved());
        assert_eq!(g.state(CellKey::final_mark(S1, q(2))), CellState::Saved);
        // Nothing left to accept.
        let out = g.accept_all(q(2));
        assert!(!out.save);
        assert_eq!(g.note, Some(Note::NothingToAccept));
        // A closed term accepts nothing.
        let out = g.accept_all(q(1));
        assert!(!out.save);
    }

    #[test]
    fn a_value_far_from_the_suggestion_waits_for_a_comment() {
        let mut g = grid();
        at_final(&mut g, 0);
        g.key(Key::Text('2'));
        let out = g.key(Key::Enter);
        let k = CellKey::final_mark(S1, q(2));
        assert!(out.ask_comment, "the comment input is focused");
        assert_eq!(g.cursor.0, 0, "the cursor stays for the comment");
        assert_eq!(g.note, Some(Note::CommentRequired));
        assert_eq!(g.hold(k), Some(Hold::Comment));
        assert_eq!(g.state(k), CellState::Held);
        assert_eq!(
            g.counts(),
            Counts {
                held: 1,
                ..Counts::default()
            }
        );
        assert!(g.take_final_batch().is_none(), "not sent without a comment");
        let out = g.set_comment("  болел, не сдал зачёт  ");
        assert!(out.save);
        assert_eq!(g.hold(k), None);
        let batch = g.take_final_batch().unwrap();
        assert_eq!(batch.marks[0].value.as_deref(), Some("2"));
        assert_eq!(
            batch.marks[0].comment.as_deref(),
            Some("болел, не сдал зачёт")
        );
        // One point off needs none.
        let mut g = grid();
        at_final(&mut g, 0);
        g.key(Key::Text('5'));
        let out = g.key(Key::Enter);
        assert!(!out.ask_comment);
        assert_eq!(g.cursor.0, 1);
        assert_eq!(g.hold(k), None);
    }

    #[test]
    fn outside_the_window_a_reason_is_asked_once_for_the_batch() {
        let mut s = sheet();
        s.terms[1].state = TermState::Closed;
        s.terms[1].reason_required = true;
        let mut g = Grid::new(journal());
        g.set_finals(s);
        g.accept_all(q(2));
        let k = CellKey::final_mark(S1, q(2));
        assert_eq!(g.hold(k), Some(Hold::Reason));
        assert!(g.take_final_batch().is_none());
        let out = g.set_reason("ab");
        assert!(!out.save);
        assert_eq!(g.note, Some(Note::ReasonNeeded));
        let out = g.set_reason("  исправление ошибки учителя ");
        assert!(out.save);
        let batch = g.take_final_batch().unwrap();
        assert_eq!(batch.marks.len(), 2);
        assert_eq!(batch.reason.as_deref(), Some("исправление ошибки учителя"));
        // The server refused the reason: it is asked again, nothing is lost.
        g.final_failed(FinalBatchError::Invalid {
            cells: vec![],
            reason: true,
        });
        assert_eq!(g.finals.as_ref().unwrap().reason, None);
        assert_eq!(g.hold(k), Some(Hold::Reason));
        assert!(g.take_final_batch().is_none());
    }

    #[test]
    fn conflicts_refusals_and_closed_windows() {
        let mut g = grid();
        g.accept_all(q(2));
        g.take_final_batch().unwrap();
        let mut theirs = cell(S1, q(2), Some("3"), Some("4"), Some(3.62));
        theirs.version = 4;
        g.final_failed(FinalBatchError::Conflict(vec![theirs]));
        let k1 = CellKey::final_mark(S1, q(2));
        let k3 = CellKey::final_mark(S3, q(2));
        assert_eq!(g.state(k1), CellState::Conflict);
        assert_eq!(g.base(k1), (Some("3".into()), 4));
        assert_eq!(g.value(k1), Some("4".into()), "mine is kept");
        assert_eq!(
            g.edit(k3).unwrap().state,
            EditState::Pending,
            "the rest goes again"
        );
        assert!(g.keep_mine(k1));
        let batch = g.take_final_batch().unwrap();
        assert_eq!(batch.marks.len(), 2);
        assert_eq!(batch.marks[0].version, 4, "written over theirs");
        // 422: a refused cell keeps its value; the other waits for the next batch.
        g.final_failed(FinalBatchError::Invalid {
            cells: vec![(1, "not_on_scale".into())],
            reason: false,
        });
        assert_eq!(
            g.edit(k3).unwrap().state,
            EditState::Failed(Failure::Field("not_on_scale".into()))
        );
        assert_eq!(g.edit(k1).unwrap().state, EditState::Pending);
        // 403: the window closed meanwhile — offer to reload.
        let batch = g.take_final_batch().unwrap();
        assert_eq!(batch.marks.len(), 1);
        g.final_failed(FinalBatchError::Other(Failure::Code(
            ErrorCode::FinalMarkDeadlinePassed,
        )));
        assert!(g.stale);
        assert_eq!(
            g.edit(k1).unwrap().state,
            EditState::Failed(Failure::Code(ErrorCode::FinalMarkDeadlinePassed))
        );
        let panel = {
            g.click(0, g.columns.len());
            g.panel_html(Locale::ru)
        };
        assert!(
            panel.contains("Срок выставления итоговых отметок истёк"),
            "{panel}"
        );
        assert!(panel.contains("journal-reload"));
    }

    #[test]
    fn batch_errors_are_read_from_the_problem() {
        let problem = |code: ErrorCode, status: u16, errors: Vec<FieldError>, current| {
            let mut err = ApiError::from_code(code, status);
            if let ApiError::Problem { problem, .. } = &mut err {
                problem.errors = errors;
                problem.current = current;
            }
            err
        };
        let current = serde_json::json!({ "cells": [cell(S1, q(2), Some("3"), None, None)] });
        match final_batch_error(&problem(
            ErrorCode::VersionMismatch,
            412,
            vec![],
            Some(current),
        )) {
            FinalBatchError::Conflict(c) => assert_eq!(c[0].value.as_deref(), Some("3")),
            other => panic!("{other:?}"),
        }
        let errors = vec![
            FieldError {
                field: "marks[1].comment".into(),
                code: "comment_required".into(),
                message: String::new(),
            },
            FieldError {
                field: "reason".into(),
                code: "required".into(),
                message: String::new(),
            },
        ];
        assert_eq!(
            final_batch_error(&problem(ErrorCode::ValidationFailed, 422, errors, None)),
            FinalBatchError::Invalid {
                cells: vec![(1, "comment_required".into())],
                reason: true
            }
        );
        assert_eq!(
            final_batch_error(&problem(ErrorCode::FinalMarkNotOpen, 403, vec![], None)),
            FinalBatchError::Other(Failure::Code(ErrorCode::FinalMarkNotOpen))
        );
        assert_eq!(
            crate::journal::failure_text(Locale::ru, &Failure::Field("comment_required".into())),
            "нужен комментарий: отметка отличается от предлагаемой больше чем на балл"
        );
        assert_eq!(
            crate::text::code_text(Locale::ru, ErrorCode::PeriodClosed),
            "Период закрыт: журнал за него только для чтения. Открыть его заново может администратор."
        );
    }

    #[test]
    fn a_closed_period_locks_its_lessons_and_final_cells_for_the_teacher() {
        let mut s = sheet();
        s.terms[1].state = TermState::Closed;
        s.terms[1].writable = false;
        let mut j = journal();
        for l in &mut j.lessons {
            l.writable = false;
        }
        let mut g = Grid::new(j);
        g.set_finals(s);
        assert!(g.finals.as_ref().unwrap().closed_for_reader());
        let lesson = g.journal.lessons[0].clone();
        assert_eq!(g.lock(0, &lesson), Lock::PeriodClosed);
        at_final(&mut g, 0);
        g.key(Key::Text('5'));
        assert_eq!(g.note, Some(Note::Locked(Lock::TermClosed)));
        assert!(!g.unsaved());
        let html = g.grid_html(Locale::ru);
        assert!(html.contains("закрыто"));
        assert!(
            !html.contains("finals-accept-all"),
            "read-only: nothing to accept"
        );
    }

    #[test]
    fn a_journal_write_refused_as_period_closed_offers_to_reload() {
        let mut g = grid();
        g.key(Key::Text('5'));
        g.key(Key::Enter);
        assert!(g.take_batch().is_some());
        assert!(
            g.take_final_batch().is_none(),
            "a lesson's mark is not a final one"
        );
        g.batch_failed(crate::journal::BatchError::Other(Failure::Code(
            ErrorCode::PeriodClosed,
        )));
        assert!(g.stale);
        assert_eq!(g.counts().failed, 1);
    }

    #[test]
    fn a_saved_period_mark_updates_the_year_suggestion() {
        let mut s = sheet();
        let mut p = journal().period;
        p.number = 4;
        p.id = Uuid::from_u128(0x999);
        s.terms[3].state = TermState::Open;
        s.terms[3].writable = true;
        s.cells.push(cell(S1, q(4), None, Some("5"), Some(4.7)));
        let mut j = journal();
        j.period = p;
        let mut g = Grid::new(j);
        g.set_finals(s);
        assert_eq!(g.final_count(), 2, "quarter 4 and the year");
        let mut f = g.finals.clone().unwrap();
        f.put_cell(cell(S1, q(4), Some("5"), Some("5"), Some(4.7)));
        // quarters 4 and 5 → 4.5 → 5
        let year = f.cell(S1, Term::Year).unwrap();
        assert_eq!(year.average, Some(4.5));
        assert_eq!(year.suggested.as_deref(), Some("5"));
    }

    #[test]
    fn saved_year_and_exam_marks_update_the_final_suggestion() {
        let mut s = sheet();
        s.terms.push(term(Term::Exam, TermState::NotOpen, false));
        s.terms.push(term(Term::Final, TermState::NotOpen, false));
        s.cells.push(cell(S1, Term::Exam, None, None, None));
        s.cells.push(cell(S1, Term::Final, None, None, None));
        let mut g = Grid::new(journal());
        g.set_finals(s);
        let mut f = g.finals.clone().unwrap();
        f.put_cell(cell(S1, Term::Year, Some("4"), Some("4"), Some(4.0)));
        assert_eq!(f.cell(S1, Term::Final).unwrap().average, Some(4.0));
        f.put_cell(cell(S1, Term::Exam, Some("3"), None, None));
        // year 4 and exam 3 → 3.5 → 4 at the sheet's 0.5
        let fin = f.cell(S1, Term::Final).unwrap();
        assert_eq!(fin.average, Some(3.5));
        assert_eq!(fin.suggested.as_deref(), Some("4"));
    }

    #[test]
    fn the_reopening_form_is_checked() {
        let today = day(11, 5);
        let ok = check_reopening("quarter_1", "2026-11-12", " исправить ошибку ", today).unwrap();
        assert_eq!(ok.term, q(1));
        assert_eq!(ok.until, day(11, 12));
        assert_eq!(ok.reason, "исправить ошибку");
        assert_eq!(
            check_reopening("", "вчера", "x", today).unwrap_err(),
            [
                ReopenProblem::Term,
                ReopenProblem::UntilFormat,
                ReopenProblem::Reason
            ]
        );
        assert_eq!(
            check_reopening("year", "2026-11-04", "причина", today).unwrap_err(),
            [ReopenProblem::UntilRange]
        );
        assert_eq!(
            check_reopening("year", "2027-01-05", "причина", today).unwrap_err(),
            [ReopenProblem::UntilRange],
            "more than 60 days ahead"
        );
        assert_eq!(check_reason("  ab "), None);
        assert_eq!(check_reason("abc").as_deref(), Some("abc"));
        let s = sheet();
        let r: Vec<Term> = reopenable(&s.terms).iter().map(|t| t.term).collect();
        assert_eq!(r, [q(1)]);
    }
}
