//! The class journal grid (`/journal/{course_id}`, DESIGN §6): the state machine of keyboard-first
//! entry and the grid's HTML, as plain functions tested on the host.
//!
//! Rows are the students; columns are the lessons by date, each with an attendance sub-column
//! («П») followed by one sub-column per work (a lesson without works has one empty sub-column; a
//! mark typed there creates the lesson's first work on the server). A cursor moves over the
//! cells: typing starts an entry, Enter saves it and moves down, Tab moves right, arrows move,
//! Delete / Backspace clear, Escape cancels. `н`, `б`, `уп`, `оп` (also typed on a Latin layout:
//! `y`, `,`, `eg`, `jg`) typed in any cell of a lesson set that lesson's attendance.
//!
//! Changes are kept as edits over the server's cells and sent as one batch (`POST …/journal`);
//! a cell shows `data-state` `saved`, `pending` (not yet confirmed), `error` (refused, the typed
//! value is kept) or `conflict` (someone changed the cell meanwhile: keep mine or take theirs).
//! Averages are recomputed with the one grading function ([`scale_average`]) while edits are
//! pending and replaced by the server's once a batch is saved.
//!
//! The page (`pages/journal.rs`) renders [`Grid::grid_html`] once and then patches only the
//! cells a step changed ([`Grid::take_dirty`]), so that a keystroke never rebuilds the table.
//!
//! Right of the averages come the final-mark columns (issue 6, [`crate::finals`]): the journal
//! period's term and, for the year's last period, the year. Their cells are edited like the
//! others (their edits are kept with the same keys, slot [`Slot::Final`]) but go in a batch of
//! their own (`POST …/final-marks`). Enter or `=` on an empty final cell accepts the suggestion;
//! a value more than one point off the suggestion waits for a comment, and a write outside the
//! teachers' window (principal, admin) for a reason.

use std::collections::{BTreeSet, HashMap};

use chrono::{Datelike, NaiveDate};
use otmetka_domain::ErrorCode;
use otmetka_domain::finals::{
    CourseFinalMarks, FinalMarkWrite, FinalMarksBatch, FinalMarksResult, FinalTerm, Term,
    TermState, needs_comment,
};
use otmetka_domain::grading::{AttendanceCode, MarkScale, ScaleValue, scale_average};
use otmetka_domain::journal::{
    AttendanceCell, AttendanceWrite, Journal, JournalBatch, JournalBatchResult, JournalConflict,
    JournalLesson, MarkCell, MarkWrite, StudentAverage, Work,
};
use otmetka_domain::structure::{Course, Period, PeriodKind};
use otmetka_domain::timetable::{Lesson, LessonContentInput, LessonStatus};
use uuid::Uuid;

use crate::api::ApiError;
use crate::finals::{
    FinalBatchError, Finals, Hold, average_text, check_reason, term_short, term_title, window_label,
};
use crate::i18n::{Locale, td_string};
use crate::table::escape;

/// What a sub-column of a lesson holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Slot {
    /// The lesson's attendance.
    Att,
    /// A work's marks.
    Work(Uuid),
    /// The marks of a lesson that has no work yet (the server creates the first one).
    NewWork,
    /// A final mark of a term (its key's `lesson` is nil).
    Final(Term),
}

/// One cell of the grid: a student × a lesson's sub-column (or a final-mark term).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CellKey {
    pub student: Uuid,
    pub lesson: Uuid,
    pub slot: Slot,
}

impl CellKey {
    /// A student's final mark of a term.
    pub fn final_mark(student: Uuid, term: Term) -> CellKey {
        CellKey {
            student,
            lesson: Uuid::nil(),
            slot: Slot::Final(term),
        }
    }

    pub fn is_final(&self) -> bool {
        matches!(self.slot, Slot::Final(_))
    }
}

/// A column of the grid: a lesson (index into [`Journal::lessons`]) and a sub-column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    pub lesson: usize,
    pub slot: Slot,
}

/// Why a change was not saved.
#[derive(Debug, Clone, PartialEq)]
pub enum Failure {
    /// The value is not on the subject's scale (`not_on_scale`).
    NotOnScale,
    /// The student is not in the class on the lesson's day (`not_enrolled`).
    NotEnrolled,
    /// Another refusal of a field (its code).
    Field(String),
    /// The whole batch was refused (`edit_window_closed`, `lesson_cancelled`, `forbidden` …).
    Code(ErrorCode),
    /// No answer.
    Network,
    /// An answer that made no sense.
    Unexpected(u16),
}

/// Where an edit stands.
#[derive(Debug, Clone, PartialEq)]
pub enum EditState {
    /// Waiting for the next batch.
    Pending,
    /// In the batch being sent.
    Sending,
    /// Refused; the typed value stays until it is retried, retyped or discarded.
    Failed(Failure),
    /// The cell changed on the server since it was read (its current state is in the grid's
    /// cells); "keep mine" writes again over it, "take theirs" drops the edit.
    Conflict,
}

/// A change of one cell that the server has not confirmed yet.
#[derive(Debug, Clone, PartialEq)]
pub struct Edit {
    /// The new value (a scale value or an attendance code); `None` clears the cell.
    pub value: Option<String>,
    /// The version the change is based on (0 for a cell never written).
    pub version: i32,
    /// The new comment of a mark (`""` removes it); `None` keeps the cell's comment.
    pub comment: Option<String>,
    pub state: EditState,
    /// Increases with every change, so that an answer for an older value does not settle a
    /// newer one typed meanwhile.
    seq: u64,
}

/// The `data-state` of a cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CellState {
    Saved,
    Pending,
    Error,
    Conflict,
    /// A final mark that waits for a comment or a reason before it is sent.
    Held,
}

impl CellState {
    pub fn as_str(self) -> &'static str {
        match self {
            CellState::Saved => "saved",
            CellState::Pending => "pending",
            CellState::Error => "error",
            CellState::Conflict => "conflict",
            CellState::Held => "held",
        }
    }
}

/// Why a cell cannot be written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lock {
    Open,
    /// The student is not in the class on the lesson's day.
    NotEnrolled,
    Cancelled,
    /// Not the caller's lesson, outside the edit window, or a read-only role.
    ReadOnly,
    /// The lesson's period is closed (its final marks' window ended): read-only for teachers
    /// until the admin reopens it.
    PeriodClosed,
    /// A final mark the student is not due (not in the course on the term's last day).
    NotDue,
    /// The teachers' window of the term has not opened yet.
    TermNotOpen,
    /// The teachers' window of the term has closed.
    TermClosed,
    /// A final mark the reader may only read (not a teacher of the course).
    FinalReadOnly,
}

/// A note for the line under the grid, about the last keystroke.
#[derive(Debug, Clone, PartialEq)]
pub enum Note {
    /// The typed text is neither a mark of the scale nor an attendance code.
    NotOnScale(String),
    /// The cell cannot be written.
    Locked(Lock),
    /// A final mark more than one point off the suggestion: write a comment to send it.
    CommentRequired,
    /// Enter or `=` on a final cell without a suggestion.
    NoSuggestion,
    /// The reason typed is too short (or was refused): 3–500 characters.
    ReasonNeeded,
    /// "Accept all" found no empty cell with a suggestion.
    NothingToAccept,
}

/// A key of the grid (from a `keydown`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Key {
    /// A printable character (a digit, a letter, `+`, `-`, `/` …).
    Text(char),
    Enter,
    /// Shift+Enter: saves and moves up.
    BackEnter,
    Tab,
    BackTab,
    Up,
    Down,
    Left,
    Right,
    Home,
    End,
    Delete,
    Backspace,
    Escape,
}

/// Reads a `keydown`: `key` is `KeyboardEvent.key`. Keys with Ctrl, Alt or Meta are left to
/// the browser (copy, shortcuts), and so is anything the grid does not use.
pub fn parse_key(key: &str, shift: bool, modifier: bool) -> Option<Key> {
    if modifier {
        return None;
    }
    Some(match key {
        "Enter" if shift => Key::BackEnter,
        "Enter" => Key::Enter,
        "Tab" if shift => Key::BackTab,
        "Tab" => Key::Tab,
        "ArrowUp" | "Up" => Key::Up,
        "ArrowDown" | "Down" => Key::Down,
        "ArrowLeft" | "Left" => Key::Left,
        "ArrowRight" | "Right" => Key::Right,
        "Home" => Key::Home,
        "End" => Key::End,
        "Delete" | "Del" => Key::Delete,
        "Backspace" => Key::Backspace,
        "Escape" | "Esc" => Key::Escape,
        _ => {
            let mut chars = key.chars();
            let c = chars.next()?;
            if chars.next().is_some() {
                return None;
            }
            if c.is_alphanumeric() || "+-/.,;'[]`=".contains(c) {
                Key::Text(c)
            } else {
                return None;
            }
        }
    })
}

/// What the page does after a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Outcome {
    /// The key was the grid's: prevent the browser's default (scrolling, focus moves).
    pub handled: bool,
    /// A change waits to be saved: (re)start the short delay before sending the batch.
    pub save: bool,
    /// The cursor moved: scroll it into view.
    pub moved: bool,
    /// A final mark waits for its comment: focus the comment input.
    pub ask_comment: bool,
}

/// The Latin key under a Cyrillic letter on the Russian ЙЦУКЕН layout: typing `y` with the
/// Latin layout on means `н`.
const LATIN_TO_CYRILLIC: [(char, char); 33] = [
    ('q', 'й'),
    ('w', 'ц'),
    ('e', 'у'),
    ('r', 'к'),
    ('t', 'е'),
    ('y', 'н'),
    ('u', 'г'),
    ('i', 'ш'),
    ('o', 'щ'),
    ('p', 'з'),
    ('[', 'х'),
    (']', 'ъ'),
    ('a', 'ф'),
    ('s', 'ы'),
    ('d', 'в'),
    ('f', 'а'),
    ('g', 'п'),
    ('h', 'р'),
    ('j', 'о'),
    ('k', 'л'),
    ('l', 'д'),
    (';', 'ж'),
    ('\'', 'э'),
    ('z', 'я'),
    ('x', 'ч'),
    ('c', 'с'),
    ('v', 'м'),
    ('b', 'и'),
    ('n', 'т'),
    ('m', 'ь'),
    (',', 'б'),
    ('.', 'ю'),
    ('`', 'ё'),
];

/// Text typed with the Latin layout on, as the Russian layout would have typed it
/// (`eg` → `уп`); other characters stay.
pub fn to_cyrillic(text: &str) -> String {
    text.chars()
        .map(|c| {
            let lower = c.to_ascii_lowercase();
            LATIN_TO_CYRILLIC
                .iter()
                .find(|(l, _)| *l == lower)
                .map(|(_, r)| *r)
                .unwrap_or(c)
        })
        .collect()
}

/// What a typed text means in a cell.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Entry<'a> {
    Mark(&'a ScaleValue),
    Attendance(&'a AttendanceCode),
}

fn loose(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Resolves a typed text: an attendance code (`н`, `Б`), else a value of the scale
/// ([`MarkScale::find`]); each also as typed on the Latin layout; and, for words without digits,
/// without their punctuation (`на` → `н/а`, `осв` → `осв.`).
pub fn resolve<'a>(
    input: &str,
    scale: &'a MarkScale,
    codes: &'a [AttendanceCode],
) -> Option<Entry<'a>> {
    let raw = input.trim();
    if raw.is_empty() {
        return None;
    }
    let cyr = to_cyrillic(raw);
    let mut candidates = vec![raw.to_string()];
    if cyr != raw {
        candidates.push(cyr);
    }
    for cand in &candidates {
        let low = cand.to_lowercase();
        if let Some(code) = codes
            .iter()
            .find(|c| c.code.to_lowercase() == low || c.label.to_lowercase() == low)
        {
            return Some(Entry::Attendance(code));
        }
        if let Some(value) = scale.find(cand) {
            return Some(Entry::Mark(value));
        }
    }
    for cand in &candidates {
        let l = loose(cand);
        if l.is_empty() || !l.chars().all(char::is_alphabetic) {
            continue;
        }
        let hits: Vec<&ScaleValue> = scale
            .values
            .iter()
            .filter(|v| loose(&v.value) == l || loose(&v.label) == l)
            .collect();
        if let [one] = hits[..] {
            return Some(Entry::Mark(one));
        }
    }
    None
}

/// The typed text as the cell shows it: Latin letters that only make sense on the Russian
/// layout are shown as the Cyrillic ones they stand for (`y` → `н`).
pub fn shown_input(input: &str, scale: &MarkScale, codes: &[AttendanceCode]) -> String {
    let cyr = to_cyrillic(input);
    if cyr == input {
        return input.to_string();
    }
    let starts = |text: &str| {
        let low = text.to_lowercase();
        scale.values.iter().any(|v| {
            v.value.to_lowercase().starts_with(&low) || v.label.to_lowercase().starts_with(&low)
        }) || codes.iter().any(|c| {
            c.code.to_lowercase().starts_with(&low) || c.label.to_lowercase().starts_with(&low)
        })
    };
    if !starts(input) && starts(&cyr) {
        cyr
    } else {
        input.to_string()
    }
}

/// The colour class of a mark: `m5` green, `m4` blue, `m3` amber, `m2` red (2 and 1, and a
/// failing non-number such as незачёт), `mx` grey (н/а, осв.), `m5` for a passing non-number.
pub fn mark_class(scale: &MarkScale, value: &str) -> &'static str {
    let Some(v) = scale.values.iter().find(|v| v.value == value) else {
        return "mx";
    };
    match v.numeric {
        Some(n) if n >= 4.5 => "m5",
        Some(n) if n >= 3.5 => "m4",
        Some(n) if n >= 2.5 => "m3",
        Some(_) => "m2",
        None if v.value == "н/а" || v.value == "осв" => "mx",
        None if v.passing => "m5",
        None => "m2",
    }
}

/// The longest comment of a mark, in characters.
pub const COMMENT_MAX: usize = 500;

/// A comment as it is sent: trimmed and cut to [`COMMENT_MAX`] characters (`""` removes it).
pub fn comment_text(text: &str) -> String {
    text.trim().chars().take(COMMENT_MAX).collect()
}

/// `dd.mm`.
pub fn day_month(day: NaiveDate) -> String {
    format!("{:02}.{:02}", day.day(), day.month())
}

/// A batch's refusal, read from the API error.
#[derive(Debug, Clone, PartialEq)]
pub enum BatchError {
    /// 412 `version_mismatch`: the stale cells as they are now.
    Conflict(JournalConflict),
    /// 422 `validation_failed`: `(marks|attendance, index, code)` of each refused write.
    Invalid(Vec<(bool, usize, String)>),
    /// Anything else: the whole batch failed.
    Other(Failure),
}

/// `marks[3].value` → `(true, 3)`; `attendance[0].code` → `(false, 0)`.
pub fn parse_write_field(field: &str) -> Option<(bool, usize)> {
    let (list, rest) = field.split_once('[')?;
    let (index, _) = rest.split_once(']')?;
    let marks = match list {
        "marks" => true,
        "attendance" => false,
        _ => return None,
    };
    Some((marks, index.parse().ok()?))
}

/// Reads a failed batch.
pub fn batch_error(err: &ApiError) -> BatchError {
    match err {
        ApiError::Network => BatchError::Other(Failure::Network),
        ApiError::Unexpected { status } => BatchError::Other(Failure::Unexpected(*status)),
        ApiError::Problem { problem, .. } => match problem.code {
            ErrorCode::VersionMismatch => {
                match problem
                    .current
                    .clone()
                    .and_then(|v| serde_json::from_value::<JournalConflict>(v).ok())
                {
                    Some(c) => BatchError::Conflict(c),
                    None => BatchError::Other(Failure::Code(ErrorCode::VersionMismatch)),
                }
            }
            ErrorCode::ValidationFailed => {
                let list: Vec<(bool, usize, String)> = problem
                    .errors
                    .iter()
                    .filter_map(|e| {
                        parse_write_field(&e.field).map(|(m, i)| (m, i, e.code.clone()))
                    })
                    .collect();
                if list.is_empty() {
                    BatchError::Other(Failure::Code(ErrorCode::ValidationFailed))
                } else {
                    BatchError::Invalid(list)
                }
            }
            code => BatchError::Other(Failure::Code(code)),
        },
    }
}

/// The writes of the batch in flight, in the order they were sent (their indexes are the ones
/// a 422 names).
#[derive(Debug, Clone, Default)]
struct Sent {
    marks: Vec<(CellKey, u64)>,
    attendance: Vec<(CellKey, u64)>,
}

impl Sent {
    fn all(&self) -> impl Iterator<Item = &(CellKey, u64)> {
        self.marks.iter().chain(self.attendance.iter())
    }
}

/// What the page must redraw.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Dirty {
    /// Everything (the columns changed).
    pub full: bool,
    /// `(row, column)` cells.
    pub cells: BTreeSet<(usize, usize)>,
    /// Rows whose average and absences changed.
    pub rows: BTreeSet<usize>,
}

/// Counts for the status line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counts {
    pub pending: usize,
    pub sending: usize,
    pub failed: usize,
    pub conflicts: usize,
    /// Final marks waiting for a comment or a reason.
    pub held: usize,
}

/// The journal grid: the server's data, the edits over it, the cursor and the entry typed.
#[derive(Debug, Clone)]
pub struct Grid {
    /// The journal as loaded; its `marks`, `attendance` and `averages` are moved into the maps
    /// below and kept up to date there.
    pub journal: Journal,
    pub columns: Vec<Column>,
    marks: HashMap<(Uuid, Uuid), MarkCell>,
    attendance: HashMap<(Uuid, Uuid), AttendanceCell>,
    averages: HashMap<Uuid, StudentAverage>,
    rows: HashMap<Uuid, usize>,
    edits: HashMap<CellKey, Edit>,
    /// `(row, column)`.
    pub cursor: (usize, usize),
    /// The text typed into the cursor's cell, not yet entered.
    pub editing: Option<String>,
    pub note: Option<Note>,
    seq: u64,
    sent: Option<Sent>,
    dirty: Dirty,
    /// The server's grid changed under this one (a mark went to a work it does not know):
    /// the page offers to reload.
    pub stale: bool,
    /// The comment being typed in the panel for a cell (kept while the panel is redrawn).
    pub comment_draft: Option<(CellKey, String)>,
    /// The final-mark columns, once the course's sheet is loaded.
    pub finals: Option<Finals>,
}

/// The lesson's columns: attendance, then its works (or the empty sub-column).
fn lesson_columns(index: usize, lesson: &JournalLesson, out: &mut Vec<Column>) {
    out.push(Column {
        lesson: index,
        slot: Slot::Att,
    });
    if lesson.works.is_empty() {
        out.push(Column {
            lesson: index,
            slot: Slot::NewWork,
        });
    }
    for w in &lesson.works {
        out.push(Column {
            lesson: index,
            slot: Slot::Work(w.id),
        });
    }
}

impl Grid {
    pub fn new(mut journal: Journal) -> Grid {
        let marks = std::mem::take(&mut journal.marks)
            .into_iter()
            .map(|m| ((m.student_id, m.work_id), m))
            .collect();
        let attendance = std::mem::take(&mut journal.attendance)
            .into_iter()
            .map(|a| ((a.student_id, a.lesson_id), a))
            .collect();
        let averages = std::mem::take(&mut journal.averages)
            .into_iter()
            .map(|a| (a.student_id, a))
            .collect();
        for l in &mut journal.lessons {
            l.works.sort_by_key(|w| w.position);
        }
        let rows = journal
            .students
            .iter()
            .enumerate()
            .map(|(i, s)| (s.id, i))
            .collect();
        let mut grid = Grid {
            journal,
            columns: Vec::new(),
            marks,
            attendance,
            averages,
            rows,
            edits: HashMap::new(),
            cursor: (0, 0),
            editing: None,
            note: None,
            seq: 0,
            sent: None,
            dirty: Dirty::default(),
            stale: false,
            comment_draft: None,
            finals: None,
        };
        grid.rebuild_columns();
        grid.cursor = (0, grid.start_column());
        grid
    }

    fn rebuild_columns(&mut self) {
        let mut columns = Vec::new();
        for (i, l) in self.journal.lessons.iter().enumerate() {
            lesson_columns(i, l, &mut columns);
        }
        // A cursor on a final column stays on it (they come after the lessons').
        let old = self.columns.len();
        if old > 0 && self.cursor.1 >= old {
            self.cursor.1 = self.cursor.1 - old + columns.len();
        }
        self.columns = columns;
        self.dirty.full = true;
    }

    /// Every column: the lessons' sub-columns, then the final-mark terms.
    pub fn col_count(&self) -> usize {
        self.columns.len() + self.final_count()
    }

    /// How many final-mark columns the grid shows.
    pub fn final_count(&self) -> usize {
        self.finals.as_ref().map_or(0, |f| f.terms.len())
    }

    /// The term of a final-mark column.
    pub fn final_at(&self, col: usize) -> Option<&FinalTerm> {
        let i = col.checked_sub(self.columns.len())?;
        self.finals.as_ref()?.terms.get(i)
    }

    /// Where the cursor starts: the attendance column of today's (else the last past) lesson.
    fn start_column(&self) -> usize {
        let today = self.journal.today;
        let lesson = self
            .journal
            .lessons
            .iter()
            .rposition(|l| l.lesson.date <= today)
            .unwrap_or(0);
        self.columns
            .iter()
            .position(|c| c.lesson == lesson)
            .unwrap_or(0)
    }

    pub fn row_count(&self) -> usize {
        self.journal.students.len()
    }

    pub fn lesson(&self, col: usize) -> Option<&JournalLesson> {
        self.columns
            .get(col)
            .and_then(|c| self.journal.lessons.get(c.lesson))
    }

    /// The cell at `(row, column)`.
    pub fn key_at(&self, row: usize, col: usize) -> Option<CellKey> {
        let student = self.journal.students.get(row)?;
        if let Some(t) = self.final_at(col) {
            return Some(CellKey::final_mark(student.id, t.term));
        }
        let column = self.columns.get(col)?;
        let lesson = self.journal.lessons.get(column.lesson)?;
        Some(CellKey {
            student: student.id,
            lesson: lesson.lesson.id,
            slot: column.slot,
        })
    }

    /// Where a cell is drawn.
    pub fn position(&self, key: CellKey) -> Option<(usize, usize)> {
        let row = *self.rows.get(&key.student)?;
        if let Slot::Final(term) = key.slot {
            let i = self.finals.as_ref()?.index(term)?;
            return Some((row, self.columns.len() + i));
        }
        let col = self.columns.iter().position(|c| {
            c.slot == key.slot
                && self
                    .journal
                    .lessons
                    .get(c.lesson)
                    .is_some_and(|l| l.lesson.id == key.lesson)
        })?;
        Some((row, col))
    }

    fn lesson_by_id(&self, id: Uuid) -> Option<&JournalLesson> {
        self.journal.lessons.iter().find(|l| l.lesson.id == id)
    }

    /// Whether `(row, lesson)` may be written, and why not.
    pub fn lock(&self, row: usize, lesson: &JournalLesson) -> Lock {
        let Some(student) = self.journal.students.get(row) else {
            return Lock::ReadOnly;
        };
        if !student
            .enrolled
            .iter()
            .any(|s| s.contains(lesson.lesson.date))
        {
            Lock::NotEnrolled
        } else if lesson.lesson.status == LessonStatus::Cancelled {
            Lock::Cancelled
        } else if !lesson.writable {
            if self
                .finals
                .as_ref()
                .is_some_and(|f| f.closed_on(lesson.lesson.date))
            {
                Lock::PeriodClosed
            } else {
                Lock::ReadOnly
            }
        } else {
            Lock::Open
        }
    }

    /// Whether a student's final mark of a term may be written, and why not.
    pub fn final_lock(&self, row: usize, term: &FinalTerm) -> Lock {
        let (Some(student), Some(f)) = (self.journal.students.get(row), self.finals.as_ref())
        else {
            return Lock::ReadOnly;
        };
        if !term.writable {
            return match term.state {
                TermState::NotOpen => Lock::TermNotOpen,
                TermState::Closed => Lock::TermClosed,
                TermState::Open | TermState::Reopened => Lock::FinalReadOnly,
            };
        }
        if !f.cell(student.id, term.term).is_some_and(|c| c.due) {
            return Lock::NotDue;
        }
        Lock::Open
    }

    fn lock_at(&self, row: usize, col: usize) -> Lock {
        if let Some(t) = self.final_at(col) {
            return self.final_lock(row, t);
        }
        match self.lesson(col) {
            Some(l) => self.lock(row, l),
            None => Lock::ReadOnly,
        }
    }

    /// The server's value and version of a cell.
    pub fn base(&self, key: CellKey) -> (Option<String>, i32) {
        match key.slot {
            Slot::Att => self
                .attendance
                .get(&(key.student, key.lesson))
                .map(|a| (a.code.clone(), a.version))
                .unwrap_or((None, 0)),
            Slot::Work(w) => self
                .marks
                .get(&(key.student, w))
                .map(|m| (m.value.clone(), m.version))
                .unwrap_or((None, 0)),
            Slot::NewWork => (None, 0),
            Slot::Final(term) => self
                .finals
                .as_ref()
                .and_then(|f| f.cell(key.student, term))
                .map(|c| (c.value.clone(), c.version))
                .unwrap_or((None, 0)),
        }
    }

    /// The value a cell shows: the edit's, else the server's.
    pub fn value(&self, key: CellKey) -> Option<String> {
        match self.edits.get(&key) {
            Some(e) => e.value.clone(),
            None => self.base(key).0,
        }
    }

    pub fn edit(&self, key: CellKey) -> Option<&Edit> {
        self.edits.get(&key)
    }

    pub fn state(&self, key: CellKey) -> CellState {
        match self.edits.get(&key).map(|e| &e.state) {
            None => CellState::Saved,
            Some(EditState::Pending) if self.hold(key).is_some() => CellState::Held,
            Some(EditState::Pending | EditState::Sending) => CellState::Pending,
            Some(EditState::Failed(_)) => CellState::Error,
            Some(EditState::Conflict) => CellState::Conflict,
        }
    }

    pub fn counts(&self) -> Counts {
        let mut c = Counts::default();
        for (k, e) in &self.edits {
            match e.state {
                EditState::Pending if self.hold_of(*k, e).is_some() => c.held += 1,
                EditState::Pending => c.pending += 1,
                EditState::Sending => c.sending += 1,
                EditState::Failed(_) => c.failed += 1,
                EditState::Conflict => c.conflicts += 1,
            }
        }
        c
    }

    /// Whether anything typed is not saved yet (the page warns before leaving).
    pub fn unsaved(&self) -> bool {
        !self.edits.is_empty()
    }

    /// What changed since the last call.
    pub fn take_dirty(&mut self) -> Dirty {
        std::mem::take(&mut self.dirty)
    }

    fn touch(&mut self, key: CellKey) {
        if let Some(pos) = self.position(key) {
            self.dirty.cells.insert(pos);
            self.dirty.rows.insert(pos.0);
        }
    }

    fn touch_cursor(&mut self) {
        self.dirty.cells.insert(self.cursor);
    }

    /// The work type a mark typed into a lesson without works gets (the first by position).
    fn first_work_type_weight(&self) -> f64 {
        self.journal
            .work_types
            .iter()
            .min_by_key(|t| t.position)
            .map(|t| t.weight)
            .unwrap_or(1.0)
    }

    /// A student's average and absences from what the grid shows (the edits included), with the
    /// one grading function.
    pub fn local_average(&self, student: Uuid) -> StudentAverage {
        let new_weight = self.first_work_type_weight();
        let mut marks: Vec<(String, f64)> = Vec::new();
        let mut absences = 0;
        for l in &self.journal.lessons {
            let key = |slot| CellKey {
                student,
                lesson: l.lesson.id,
                slot,
            };
            for w in &l.works {
                if let Some(v) = self.value(key(Slot::Work(w.id))) {
                    marks.push((v, w.weight));
                }
            }
            if l.works.is_empty()
                && let Some(v) = self.value(key(Slot::NewWork))
            {
                marks.push((v, new_weight));
            }
            if let Some(code) = self.value(key(Slot::Att))
                && self
                    .journal
                    .attendance_codes
                    .iter()
                    .any(|c| c.code == code && c.counts_as_absence)
            {
                absences += 1;
            }
        }
        let avg = scale_average(
            &self.journal.scale,
            marks.iter().map(|(v, w)| (v.as_str(), *w)),
        );
        StudentAverage {
            student_id: student,
            average: avg.average,
            mark_count: avg.mark_count,
            absences,
        }
    }

    /// The average a row shows: computed here while the student has edits, else the server's.
    pub fn shown_average(&self, student: Uuid) -> StudentAverage {
        let edited = self
            .edits
            .keys()
            .any(|k| k.student == student && !k.is_final());
        match self.averages.get(&student) {
            Some(a) if !edited => *a,
            _ => self.local_average(student),
        }
    }

    // --- entry -----------------------------------------------------------------------------

    /// Handles a key.
    pub fn key(&mut self, key: Key) -> Outcome {
        let mut out = Outcome {
            handled: true,
            ..Outcome::default()
        };
        if self.journal.students.is_empty() || self.col_count() == 0 {
            out.handled = false;
            return out;
        }
        let on_final = self.final_at(self.cursor.1).is_some();
        match key {
            // `=` on a final cell accepts its suggestion and moves down.
            Key::Text('=') if on_final && self.editing.is_none() => {
                if self.accept_suggestion_here(&mut out) {
                    let (row, col) = self.cursor;
                    let last = self.row_count().saturating_sub(1);
                    self.move_to((row + 1).min(last), col, &mut out);
                }
            }
            Key::Text(c) => {
                let (row, col) = self.cursor;
                match self.lock_at(row, col) {
                    Lock::Open => {
                        let text = self.editing.get_or_insert_with(String::new);
                        if text.chars().count() < 8 {
                            text.push(c);
                        }
                        self.note = None;
                        self.touch_cursor();
                    }
                    lock => self.note = Some(Note::Locked(lock)),
                }
            }
            Key::Enter
            | Key::BackEnter
            | Key::Tab
            | Key::BackTab
            | Key::Up
            | Key::Down
            | Key::Left
            | Key::Right
            | Key::Home
            | Key::End => {
                // Enter on an empty final cell accepts its suggestion (when there is one).
                if key == Key::Enter && on_final && self.editing.is_none() {
                    self.accept_suggestion_quietly(&mut out);
                }
                if !self.commit(&mut out) {
                    return out;
                }
                let (row, col) = self.cursor;
                let last_row = self.row_count() - 1;
                let last_col = self.col_count() - 1;
                let to = match key {
                    Key::Enter | Key::Down => (row.saturating_add(1).min(last_row), col),
                    Key::BackEnter | Key::Up => (row.saturating_sub(1), col),
                    Key::Tab | Key::Right => (row, col.saturating_add(1).min(last_col)),
                    Key::BackTab | Key::Left => (row, col.saturating_sub(1)),
                    Key::Home => (row, 0),
                    _ => (row, last_col),
                };
                self.move_to(to.0, to.1, &mut out);
            }
            Key::Delete => {
                self.editing = None;
                self.clear(&mut out);
            }
            Key::Backspace => match &mut self.editing {
                Some(text) => {
                    text.pop();
                    if text.is_empty() {
                        self.editing = None;
                    }
                    self.note = None;
                    self.touch_cursor();
                }
                None => self.clear(&mut out),
            },
            Key::Escape => {
                self.note = None;
                if self.editing.take().is_some() {
                    self.touch_cursor();
                } else if let Some(key) = self.key_at(self.cursor.0, self.cursor.1) {
                    self.discard(key);
                }
            }
        }
        out
    }

    /// Moves the cursor (a click or a key); an entry being typed is entered first.
    pub fn click(&mut self, row: usize, col: usize) -> Outcome {
        let mut out = Outcome {
            handled: true,
            ..Outcome::default()
        };
        if (row, col) != self.cursor && self.commit(&mut out) {
            self.move_to(row, col, &mut out);
        }
        out
    }

    fn move_to(&mut self, row: usize, col: usize, out: &mut Outcome) {
        if row >= self.row_count() || col >= self.col_count() {
            return;
        }
        if (row, col) != self.cursor {
            self.touch_cursor();
            self.comment_draft = None;
            self.cursor = (row, col);
            self.touch_cursor();
            out.moved = true;
        }
        // A note about the cell left goes; a text that is not a mark stays with its entry.
        if self
            .note
            .as_ref()
            .is_some_and(|n| !matches!(n, Note::NotOnScale(_)))
        {
            self.note = None;
        }
    }

    /// Enters the typed text into the cursor's cell; false (the text stays, with a note) when
    /// it is neither a mark nor an attendance code.
    fn commit(&mut self, out: &mut Outcome) -> bool {
        let Some(text) = self.editing.clone() else {
            return true;
        };
        if text.trim().is_empty() {
            self.editing = None;
            self.touch_cursor();
            return true;
        }
        if self.final_at(self.cursor.1).is_some() {
            return self.commit_final(&text, out);
        }
        let value = match resolve(&text, &self.journal.scale, &self.journal.attendance_codes) {
            Some(Entry::Mark(v)) => Some((false, v.value.clone())),
            Some(Entry::Attendance(c)) => Some((true, c.code.clone())),
            None => None,
        };
        let Some((is_att, value)) = value else {
            self.note = Some(Note::NotOnScale(text));
            self.touch_cursor();
            return false;
        };
        self.editing = None;
        self.touch_cursor();
        self.note = None;
        self.put(is_att, Some(value), out)
    }

    /// Puts a value into the cursor's cell as if typed and entered (the touch palette): a mark
    /// or an attendance code (`is_att`), then moves down.
    pub fn put_value(&mut self, value: &str) -> Outcome {
        let mut out = Outcome {
            handled: true,
            ..Outcome::default()
        };
        self.editing = Some(value.to_string());
        if self.commit(&mut out) {
            let (row, col) = self.cursor;
            let last = self.row_count().saturating_sub(1);
            self.move_to((row + 1).min(last), col, &mut out);
        }
        out
    }

    /// Writes a value to the cursor's lesson: attendance, or a mark (into the cursor's work, or
    /// the lesson's first work from the attendance column).
    fn put(&mut self, is_att: bool, value: Option<String>, out: &mut Outcome) -> bool {
        let (row, col) = self.cursor;
        let Some(here) = self.key_at(row, col) else {
            return false;
        };
        let lock = self.lock_at(row, col);
        if lock != Lock::Open {
            self.note = Some(Note::Locked(lock));
            return false;
        }
        let key = if is_att {
            CellKey {
                slot: Slot::Att,
                ..here
            }
        } else if here.slot == Slot::Att {
            let slot = self
                .lesson(col)
                .and_then(|l| l.works.first())
                .map(|w| Slot::Work(w.id))
                .unwrap_or(Slot::NewWork);
            CellKey { slot, ..here }
        } else {
            here
        };
        if self.set(key, value) {
            out.save = true;
        }
        true
    }

    /// Clears the cursor's cell.
    fn clear(&mut self, out: &mut Outcome) {
        let (row, col) = self.cursor;
        let Some(key) = self.key_at(row, col) else {
            return;
        };
        let lock = self.lock_at(row, col);
        if lock != Lock::Open {
            self.note = Some(Note::Locked(lock));
            return;
        }
        self.note = None;
        if key.slot == Slot::NewWork {
            self.discard(key);
        } else if self.set(key, None) {
            out.save = true;
        }
    }

    /// Records a change of a cell; false when nothing changed.
    fn set(&mut self, key: CellKey, value: Option<String>) -> bool {
        let (base, version) = self.base(key);
        self.seq += 1;
        let seq = self.seq;
        let changed = match self.edits.get_mut(&key) {
            Some(e) if e.state == EditState::Sending => {
                // The answer for the value in flight brings the version to write over.
                e.value = value;
                e.seq = seq;
                e.state = EditState::Pending;
                true
            }
            Some(e) => {
                if e.state == EditState::Conflict || matches!(e.state, EditState::Failed(_)) {
                    // Typed again after seeing the current value: write over it.
                    e.version = version;
                }
                if value == base && e.state != EditState::Conflict && e.comment.is_none() {
                    self.edits.remove(&key);
                } else {
                    e.value = value;
                    e.seq = seq;
                    e.state = EditState::Pending;
                }
                true
            }
            None if value == base => false,
            None => {
                self.edits.insert(
                    key,
                    Edit {
                        value,
                        version,
                        comment: None,
                        state: EditState::Pending,
                        seq,
                    },
                );
                true
            }
        };
        if changed {
            self.touch(key);
        }
        changed
    }

    /// The comment a mark cell shows: the edit's, else the server's (`None` when there is none).
    pub fn comment(&self, key: CellKey) -> Option<String> {
        let saved = match key.slot {
            Slot::Work(w) => self
                .marks
                .get(&(key.student, w))
                .and_then(|m| m.comment.clone()),
            Slot::Final(term) => self
                .finals
                .as_ref()
                .and_then(|f| f.cell(key.student, term))
                .and_then(|c| c.comment.clone()),
            _ => None,
        };
        self.edits
            .get(&key)
            .and_then(|e| e.comment.clone())
            .or(saved)
            .filter(|c| !c.is_empty())
    }

    /// The cursor's cell when its mark's comment can be edited: a mark cell with a value that
    /// may be written.
    pub fn comment_cell(&self) -> Option<CellKey> {
        let (row, col) = self.cursor;
        let key = self.key_at(row, col)?;
        (key.slot != Slot::Att && self.lock_at(row, col) == Lock::Open && self.value(key).is_some())
            .then_some(key)
    }

    /// Sets the comment of the cursor's mark (trimmed, at most [`COMMENT_MAX`] characters; empty
    /// removes it): a change of the cell with its current value, sent with the next batch.
    /// Nothing changes when the cell has no mark, is locked, or the comment is the same.
    pub fn set_comment(&mut self, text: &str) -> Outcome {
        let mut out = Outcome {
            handled: true,
            ..Outcome::default()
        };
        let Some(key) = self.comment_cell() else {
            return out;
        };
        self.comment_draft = None;
        let comment = comment_text(text);
        if self.comment(key).unwrap_or_default() == comment {
            return out;
        }
        let (_, version) = self.base(key);
        let value = self.value(key);
        self.seq += 1;
        let seq = self.seq;
        match self.edits.get_mut(&key) {
            Some(e) => {
                if matches!(e.state, EditState::Conflict | EditState::Failed(_)) {
                    e.version = version;
                }
                e.comment = Some(comment);
                e.seq = seq;
                e.state = EditState::Pending;
            }
            None => {
                self.edits.insert(
                    key,
                    Edit {
                        value,
                        version,
                        comment: Some(comment),
                        state: EditState::Pending,
                        seq,
                    },
                );
            }
        }
        self.touch(key);
        out.save = true;
        out
    }

    /// Drops the change of a cell (not while it is being sent): back to the server's value.
    pub fn discard(&mut self, key: CellKey) {
        if self
            .edits
            .get(&key)
            .is_some_and(|e| e.state != EditState::Sending)
        {
            self.edits.remove(&key);
            self.touch(key);
        }
    }

    /// "Keep mine" on a conflict: write the typed value over the current one.
    pub fn keep_mine(&mut self, key: CellKey) -> bool {
        let version = self.base(key).1;
        match self.edits.get_mut(&key) {
            Some(e) if e.state == EditState::Conflict => {
                e.version = version;
                e.state = EditState::Pending;
                self.touch(key);
                true
            }
            _ => false,
        }
    }

    /// "Take theirs" on a conflict: the current value stays.
    pub fn take_theirs(&mut self, key: CellKey) {
        if self
            .edits
            .get(&key)
            .is_some_and(|e| e.state == EditState::Conflict)
        {
            self.discard(key);
        }
    }

    /// Sends every refused change again.
    pub fn retry_failed(&mut self) -> bool {
        let keys: Vec<CellKey> = self
            .edits
            .iter()
            .filter(|(_, e)| matches!(e.state, EditState::Failed(_)))
            .map(|(k, _)| *k)
            .collect();
        for k in &keys {
            if let Some(e) = self.edits.get_mut(k) {
                e.state = EditState::Pending;
            }
            self.touch(*k);
        }
        !keys.is_empty()
    }

    /// Drops every refused change and conflict.
    pub fn discard_failed(&mut self) {
        let keys: Vec<CellKey> = self
            .edits
            .iter()
            .filter(|(_, e)| matches!(e.state, EditState::Failed(_) | EditState::Conflict))
            .map(|(k, _)| *k)
            .collect();
        for k in keys {
            self.discard(k);
        }
    }

    // --- saving ----------------------------------------------------------------------------

    /// The batch of every pending change, marking them as being sent; `None` while another
    /// batch is in flight or nothing waits.
    pub fn take_batch(&mut self) -> Option<JournalBatch> {
        if self.sent.is_some() {
            return None;
        }
        let mut keys: Vec<(CellKey, (usize, usize))> = self
            .edits
            .iter()
            .filter(|(k, e)| e.state == EditState::Pending && !k.is_final())
            .map(|(k, _)| (*k, self.position(*k).unwrap_or((usize::MAX, usize::MAX))))
            .collect();
        if keys.is_empty() {
            return None;
        }
        keys.sort_by_key(|(_, pos)| *pos);
        let mut sent = Sent::default();
        let mut batch = JournalBatch {
            marks: Vec::new(),
            attendance: Vec::new(),
        };
        for (key, _) in keys {
            let kept = match key.slot {
                Slot::Work(w) => self
                    .marks
                    .get(&(key.student, w))
                    .and_then(|m| m.comment.clone()),
                _ => None,
            };
            let Some(e) = self.edits.get_mut(&key) else {
                continue;
            };
            let comment = e.comment.clone().or(kept);
            e.state = EditState::Sending;
            match key.slot {
                Slot::Att => {
                    batch.attendance.push(AttendanceWrite {
                        lesson_id: key.lesson,
                        student_id: key.student,
                        code: e.value.clone(),
                        version: e.version,
                    });
                    sent.attendance.push((key, e.seq));
                }
                Slot::Work(_) | Slot::NewWork => {
                    batch.marks.push(MarkWrite {
                        lesson_id: key.lesson,
                        work_id: match key.slot {
                            Slot::Work(w) => Some(w),
                            _ => None,
                        },
                        student_id: key.student,
                        value: e.value.clone(),
                        comment,
                        version: e.version,
                    });
                    sent.marks.push((key, e.seq));
                }
                Slot::Final(_) => {}
            }
        }
        self.sent = Some(sent);
        Some(batch)
    }

    /// Adds works the server created (or another editor added) to their lessons, keeping the
    /// edits of a lesson's empty sub-column on its new first work.
    fn add_works(&mut self, works: &[Work]) {
        let mut changed = false;
        for w in works {
            let Some(l) = self
                .journal
                .lessons
                .iter_mut()
                .find(|l| l.lesson.id == w.lesson_id)
            else {
                continue;
            };
            match l.works.iter_mut().find(|x| x.id == w.id) {
                Some(x) => *x = w.clone(),
                None => {
                    l.works.push(w.clone());
                    l.works.sort_by_key(|x| x.position);
                }
            }
            changed = true;
        }
        if !changed {
            return;
        }
        let moved: Vec<(CellKey, Edit)> = self
            .edits
            .iter()
            .filter(|(k, _)| k.slot == Slot::NewWork)
            .filter_map(|(k, e)| {
                let first = self.lesson_by_id(k.lesson)?.works.first()?;
                Some((
                    CellKey {
                        slot: Slot::Work(first.id),
                        ..*k
                    },
                    e.clone(),
                ))
            })
            .collect();
        for (k, e) in moved {
            self.edits.remove(&CellKey {
                slot: Slot::NewWork,
                ..k
            });
            self.edits.insert(k, e);
        }
        self.rebuild_columns();
    }

    /// A sent key as it is now (an empty sub-column's key becomes its new work's).
    fn current_key(&self, key: CellKey) -> CellKey {
        if key.slot == Slot::NewWork
            && let Some(first) = self.lesson_by_id(key.lesson).and_then(|l| l.works.first())
        {
            return CellKey {
                slot: Slot::Work(first.id),
                ..key
            };
        }
        key
    }

    fn known_work(&self, id: Uuid) -> bool {
        self.journal
            .lessons
            .iter()
            .any(|l| l.works.iter().any(|w| w.id == id))
    }

    /// The batch was saved: the new cells, versions, works and averages.
    pub fn batch_saved(&mut self, result: JournalBatchResult) {
        let Some(sent) = self.sent.take() else {
            return;
        };
        self.add_works(&result.works);
        for m in result.marks {
            if !self.known_work(m.work_id) {
                self.stale = true;
                continue;
            }
            let key = CellKey {
                student: m.student_id,
                lesson: m.lesson_id,
                slot: Slot::Work(m.work_id),
            };
            self.marks.insert((m.student_id, m.work_id), m);
            self.touch(key);
        }
        for a in result.attendance {
            let key = CellKey {
                student: a.student_id,
                lesson: a.lesson_id,
                slot: Slot::Att,
            };
            self.attendance.insert((a.student_id, a.lesson_id), a);
            self.touch(key);
        }
        for (key, seq) in sent.all() {
            let key = self.current_key(*key);
            let version = self.base(key).1;
            if let Some(e) = self.edits.get_mut(&key) {
                if e.seq == *seq {
                    self.edits.remove(&key);
                } else {
                    // Changed again while this was sent: write that over the new version.
                    e.version = version;
                    if e.state == EditState::Sending {
                        e.state = EditState::Pending;
                    }
                }
            }
            self.touch(key);
        }
        for a in result.averages {
            if let Some(&row) = self.rows.get(&a.student_id) {
                self.dirty.rows.insert(row);
            }
            self.averages.insert(a.student_id, a);
        }
    }

    /// The batch was refused: conflicts, refused fields or a failure of the whole batch. Writes
    /// that were not at fault wait for the next batch (all or nothing on the server).
    pub fn batch_failed(&mut self, err: BatchError) {
        let Some(sent) = self.sent.take() else {
            return;
        };
        // What becomes of each sent write whose value is still the one sent.
        let mut fate: HashMap<CellKey, EditState> = HashMap::new();
        match err {
            BatchError::Conflict(current) => {
                let mut any = false;
                for m in current.marks {
                    if !self.known_work(m.work_id) {
                        // Another editor made the lesson's first work meanwhile.
                        self.stale = true;
                        for (k, _) in &sent.marks {
                            if k.slot == Slot::NewWork
                                && k.lesson == m.lesson_id
                                && k.student == m.student_id
                            {
                                fate.insert(
                                    *k,
                                    EditState::Failed(Failure::Code(ErrorCode::VersionMismatch)),
                                );
                                any = true;
                            }
                        }
                        continue;
                    }
                    let key = CellKey {
                        student: m.student_id,
                        lesson: m.lesson_id,
                        slot: Slot::Work(m.work_id),
                    };
                    self.marks.insert((m.student_id, m.work_id), m);
                    fate.insert(key, EditState::Conflict);
                    any = true;
                }
                for a in current.attendance {
                    let key = CellKey {
                        student: a.student_id,
                        lesson: a.lesson_id,
                        slot: Slot::Att,
                    };
                    self.attendance.insert((a.student_id, a.lesson_id), a);
                    fate.insert(key, EditState::Conflict);
                    any = true;
                }
                if !any {
                    // Nothing to show: do not send the same batch in a loop.
                    for (k, _) in sent.all() {
                        fate.insert(
                            *k,
                            EditState::Failed(Failure::Code(ErrorCode::VersionMismatch)),
                        );
                    }
                }
            }
            BatchError::Invalid(list) => {
                for (marks, index, code) in list {
                    let entry = if marks {
                        sent.marks.get(index)
                    } else {
                        sent.attendance.get(index)
                    };
                    if let Some((k, _)) = entry {
                        let failure = match code.as_str() {
                            "not_on_scale" => Failure::NotOnScale,
                            "not_enrolled" => Failure::NotEnrolled,
                            _ => Failure::Field(code),
                        };
                        fate.insert(*k, EditState::Failed(failure));
                    }
                }
            }
            BatchError::Other(failure) => {
                if failure == Failure::Code(ErrorCode::PeriodClosed) {
                    // The period closed since the journal was read: offer to load it again.
                    self.stale = true;
                }
                for (k, _) in sent.all() {
                    fate.insert(*k, EditState::Failed(failure.clone()));
                }
            }
        }
        for (key, seq) in sent.all() {
            let Some(e) = self.edits.get_mut(key) else {
                continue;
            };
            let state = fate.remove(key).unwrap_or(EditState::Pending);
            if e.seq == *seq {
                e.state = state;
            } else if e.state == EditState::Sending {
                e.state = EditState::Pending;
            }
            self.touch(*key);
        }
    }

    /// Replaces a lesson (after its topic or homework was saved).
    pub fn set_lesson(&mut self, lesson: Lesson) {
        if let Some(l) = self
            .journal
            .lessons
            .iter_mut()
            .find(|l| l.lesson.id == lesson.id)
        {
            l.lesson = lesson;
            self.dirty.full = true;
        }
    }

    /// «Все присутствуют» was recorded for a lesson (the header's `data-attendance-taken`).
    pub fn set_attendance_taken(&mut self, lesson_id: Uuid) {
        if let Some(l) = self
            .journal
            .lessons
            .iter_mut()
            .find(|l| l.lesson.id == lesson_id && !l.attendance_taken)
        {
            l.attendance_taken = true;
            self.dirty.full = true;
        }
    }

    /// A work was added or changed in the header editor.
    pub fn put_work(&mut self, work: Work) {
        self.add_works(std::slice::from_ref(&work));
        self.recount_all();
    }

    /// A work was deleted (it had no marks).
    pub fn remove_work(&mut self, work_id: Uuid) {
        for l in &mut self.journal.lessons {
            l.works.retain(|w| w.id != work_id);
        }
        self.edits.retain(|k, _| k.slot != Slot::Work(work_id));
        self.rebuild_columns();
        let last = self.col_count().saturating_sub(1);
        self.cursor.1 = self.cursor.1.min(last);
        self.recount_all();
    }

    /// A work's weight changed: every average must be computed again (the server's are stale).
    fn recount_all(&mut self) {
        let students: Vec<Uuid> = self.journal.students.iter().map(|s| s.id).collect();
        for s in students {
            let a = self.local_average(s);
            self.averages.insert(s, a);
        }
        self.dirty.full = true;
    }

    /// The date of the course's next lesson after `lesson_id` in the grid (not cancelled): the
    /// default due date of new homework.
    pub fn next_lesson_date(&self, lesson_id: Uuid) -> Option<NaiveDate> {
        let i = self
            .journal
            .lessons
            .iter()
            .position(|l| l.lesson.id == lesson_id)?;
        let date = self.journal.lessons[i].lesson.date;
        self.journal.lessons[i + 1..]
            .iter()
            .find(|l| l.lesson.status != LessonStatus::Cancelled && l.lesson.date > date)
            .map(|l| l.lesson.date)
    }

    /// The column of a lesson's first sub-column.
    pub fn lesson_column(&self, lesson: usize) -> Option<usize> {
        self.columns.iter().position(|c| c.lesson == lesson)
    }

    // --- HTML ------------------------------------------------------------------------------

    /// The whole grid: `<table data-testid="journal-grid">`.
    pub fn grid_html(&self, locale: Locale) -> String {
        let mut out = String::with_capacity(
            2048 + self.columns.len() * 200 + self.row_count() * (120 + self.columns.len() * 150),
        );
        out.push_str("<table class=\"jg\" data-testid=\"journal-grid\" role=\"grid\"");
        attr(
            &mut out,
            "aria-rowcount",
            &(self.row_count() + 2).to_string(),
        );
        attr(
            &mut out,
            "aria-colcount",
            &(self.col_count() + 3).to_string(),
        );
        out.push_str("><thead><tr class=\"jg-h1\"><th class=\"jg-name jg-corner\" rowspan=\"2\" scope=\"col\">");
        escape(td_string!(locale, journal.student), &mut out);
        out.push_str("</th>");
        for (i, l) in self.journal.lessons.iter().enumerate() {
            self.lesson_head(&mut out, i, l, locale);
        }
        out.push_str("<th class=\"jg-avg jg-tail\" rowspan=\"2\" scope=\"col\"");
        attr(&mut out, "title", td_string!(locale, journal.avg_title));
        out.push('>');
        escape(td_string!(locale, journal.avg), &mut out);
        out.push_str("</th><th class=\"jg-abs jg-tail\" rowspan=\"2\" scope=\"col\"");
        attr(
            &mut out,
            "title",
            td_string!(locale, journal.absences_title),
        );
        out.push('>');
        escape(td_string!(locale, journal.absences), &mut out);
        out.push_str("</th>");
        if let Some(f) = &self.finals {
            for (i, t) in f.terms.iter().enumerate() {
                self.final_head(&mut out, i, t, locale);
            }
        }
        out.push_str("</tr><tr class=\"jg-h2\">");
        for c in &self.columns {
            self.sub_head(&mut out, *c, locale);
        }
        out.push_str("</tr></thead><tbody>");
        for (r, s) in self.journal.students.iter().enumerate() {
            out.push_str("<tr");
            attr(&mut out, "data-student-id", &s.id.to_string());
            out.push_str("><th class=\"jg-name\" scope=\"row\"");
            attr(
                &mut out,
                "data-testid",
                &format!("journal-student-{}", s.id),
            );
            let mut full = format!("{} {}", s.last_name, s.first_name);
            if let Some(m) = &s.middle_name {
                full.push(' ');
                full.push_str(m);
            }
            attr(&mut out, "title", &full);
            out.push_str("><span class=\"jg-n\">");
            out.push_str(&(r + 1).to_string());
            out.push_str("</span> ");
            escape(&s.last_name, &mut out);
            out.push(' ');
            escape(&s.first_name, &mut out);
            out.push_str("</th>");
            for c in 0..self.columns.len() {
                out.push_str(&self.cell_html(r, c, locale));
            }
            out.push_str(&self.avg_html(r, locale));
            out.push_str(&self.abs_html(r));
            for c in self.columns.len()..self.col_count() {
                out.push_str(&self.cell_html(r, c, locale));
            }
            out.push_str("</tr>");
        }
        out.push_str("</tbody></table>");
        out
    }

    fn lesson_head(&self, out: &mut String, i: usize, l: &JournalLesson, locale: Locale) {
        let span = l.works.len().max(1) + 1;
        out.push_str("<th scope=\"colgroup\"");
        let mut class = String::from("jg-lesson");
        if l.lesson.status == LessonStatus::Cancelled {
            class.push_str(" jg-cancelled");
        }
        if l.lesson.date == self.journal.today {
            class.push_str(" jg-today");
        }
        attr(out, "class", &class);
        attr(out, "colspan", &span.to_string());
        out.push_str("><button type=\"button\" class=\"jg-head-btn\"");
        attr(out, "data-action", "lesson");
        attr(out, "data-lesson", &i.to_string());
        attr(
            out,
            "data-testid",
            &format!("journal-lesson-head-{}", l.lesson.id),
        );
        attr(out, "data-date", &l.lesson.date.to_string());
        attr(
            out,
            "data-attendance-taken",
            if l.attendance_taken { "true" } else { "false" },
        );
        let mut title = format!(
            "{} · {}",
            l.lesson.date.format("%d.%m.%Y"),
            td_string!(locale, journal.lesson_n, n = l.lesson.lesson_number)
        );
        if let Some(t) = l.lesson.topic.as_deref().filter(|t| !t.is_empty()) {
            title.push_str(" · ");
            title.push_str(t);
        }
        if l.lesson.status == LessonStatus::Cancelled {
            title.push_str(" · ");
            title.push_str(td_string!(locale, journal.cancelled));
        }
        attr(out, "title", &title);
        out.push_str("><span class=\"jg-date\">");
        out.push_str(&day_month(l.lesson.date));
        out.push_str("</span><span class=\"jg-num\">");
        out.push_str(&l.lesson.lesson_number.to_string());
        out.push_str("</span>");
        let has_topic = l.lesson.topic.as_deref().is_some_and(|t| !t.is_empty());
        let has_hw = l.lesson.homework.as_deref().is_some_and(|t| !t.is_empty());
        if has_topic || has_hw {
            out.push_str("<span class=\"jg-has\" aria-hidden=\"true\">");
            if has_topic {
                escape(td_string!(locale, journal.has_topic), out);
            }
            if has_hw {
                escape(td_string!(locale, journal.has_homework), out);
            }
            out.push_str("</span>");
        }
        out.push_str("</button></th>");
    }

    fn sub_head(&self, out: &mut String, c: Column, locale: Locale) {
        let Some(l) = self.journal.lessons.get(c.lesson) else {
            return;
        };
        out.push_str("<th scope=\"col\"");
        let cancelled = l.lesson.status == LessonStatus::Cancelled;
        match c.slot {
            // Final columns have heads of their own (`final_head`).
            Slot::Final(_) => out.push('>'),
            Slot::Att => {
                attr(
                    out,
                    "class",
                    if cancelled {
                        "jg-sub jg-att jg-cancelled"
                    } else {
                        "jg-sub jg-att"
                    },
                );
                attr(out, "title", td_string!(locale, journal.att_title));
                out.push('>');
                escape(td_string!(locale, journal.att_short), out);
            }
            Slot::NewWork => {
                attr(out, "class", "jg-sub jg-new");
                let first = self.journal.work_types.iter().min_by_key(|t| t.position);
                if let Some(t) = first {
                    attr(
                        out,
                        "title",
                        &td_string!(locale, journal.no_works, kind = t.name.as_str()),
                    );
                }
                out.push('>');
                if let Some(t) = first {
                    escape(&t.short_name, out);
                }
            }
            Slot::Work(id) => {
                let Some(w) = l.works.iter().find(|w| w.id == id) else {
                    out.push_str("></th>");
                    return;
                };
                attr(out, "class", "jg-sub jg-work");
                attr(out, "data-testid", &format!("journal-work-head-{}", w.id));
                let kind = self
                    .journal
                    .work_types
                    .iter()
                    .find(|t| t.id == w.work_type_id)
                    .map(|t| t.name.clone())
                    .unwrap_or_else(|| w.work_type_short_name.clone());
                let mut title = format!(
                    "{kind} · {}",
                    td_string!(locale, journal.weight_is, weight = weight_text(w.weight))
                );
                if let Some(t) = w.title.as_deref().filter(|t| !t.is_empty()) {
                    title.push_str(" · ");
                    title.push_str(t);
                }
                attr(out, "title", &title);
                out.push('>');
                escape(&w.work_type_short_name, out);
                if (w.weight - 1.0).abs() > 1e-9 {
                    out.push_str("<sup class=\"jg-w\">×");
                    out.push_str(&weight_text(w.weight));
                    out.push_str("</sup>");
                }
            }
        }
        out.push_str("</th>");
    }

    /// One cell (`<td id="jc-{row}-{col}">`), as drawn and as patched.
    pub fn cell_html(&self, row: usize, col: usize, locale: Locale) -> String {
        if let Some(t) = self.final_at(col) {
            return self.final_cell_html(row, col, t, locale);
        }
        let mut out = String::with_capacity(256);
        let (Some(key), Some(lesson)) = (self.key_at(row, col), self.lesson(col)) else {
            return out;
        };
        let lock = self.lock(row, lesson);
        let state = self.state(key);
        let here = self.cursor == (row, col);
        let value = self.value(key);
        let mut class = String::from("jc");
        match key.slot {
            Slot::Att => class.push_str(" jc-att"),
            _ => class.push_str(" jc-mark"),
        }
        // The first sub-column of a lesson draws the lesson's left border.
        if self.lesson_column(self.columns[col].lesson) == Some(col) {
            class.push_str(" jc-first");
        }
        class.push_str(lock_class(lock));
        if let Some(v) = &value {
            match key.slot {
                Slot::Att => class.push_str(" a-abs"),
                _ => {
                    class.push(' ');
                    class.push_str(mark_class(&self.journal.scale, v));
                }
            }
        }
        let comment = self.comment(key);
        if comment.is_some() {
            class.push_str(" jc-cmt");
        }
        if here {
            class.push_str(" cur");
            if self.editing.is_some() {
                class.push_str(" jc-editing");
            }
        }
        out.push_str("<td");
        attr(&mut out, "id", &format!("jc-{row}-{col}"));
        attr(&mut out, "class", &class);
        attr(&mut out, "role", "gridcell");
        attr(&mut out, "data-r", &row.to_string());
        attr(&mut out, "data-c", &col.to_string());
        let testid = match key.slot {
            Slot::Att => format!("journal-att-{}-{}", key.student, key.lesson),
            Slot::Work(w) => format!("journal-cell-{}-{}", key.student, w),
            Slot::NewWork => format!("journal-cell-{}-{}", key.student, key.lesson),
            Slot::Final(t) => format!("finals-cell-{}-{t}", key.student),
        };
        attr(&mut out, "data-testid", &testid);
        attr(&mut out, "data-state", state.as_str());
        attr(&mut out, "data-value", value.as_deref().unwrap_or(""));
        if lock != Lock::Open {
            attr(&mut out, "data-lock", lock_str(lock));
            attr(&mut out, "aria-readonly", "true");
        }
        if here {
            attr(&mut out, "aria-selected", "true");
        }
        if let Some(c) = &comment {
            attr(&mut out, "title", c);
        }
        out.push('>');
        match (&self.editing, here) {
            (Some(text), true) => {
                out.push_str("<span class=\"jc-input\">");
                escape(
                    &shown_input(text, &self.journal.scale, &self.journal.attendance_codes),
                    &mut out,
                );
                out.push_str("</span>");
            }
            _ => {
                if let Some(v) = &value {
                    escape(&self.label(key.slot, v), &mut out);
                }
            }
        }
        out.push_str("</td>");
        out
    }

    /// The label of a stored value: the scale's (`осв.`) or the attendance code's (`Н`).
    pub fn label(&self, slot: Slot, value: &str) -> String {
        match slot {
            Slot::Att => self
                .journal
                .attendance_codes
                .iter()
                .find(|c| c.code == value)
                .map(|c| c.label.clone())
                .unwrap_or_else(|| value.to_uppercase()),
            _ => self
                .scale_of(slot)
                .values
                .iter()
                .find(|v| v.value == value)
                .map(|v| v.label.clone())
                .unwrap_or_else(|| value.to_string()),
        }
    }

    /// The scale of a cell's values: the final marks' sheet's for a final cell (the same
    /// subject's), else the journal's.
    pub fn scale_of(&self, slot: Slot) -> &MarkScale {
        match (slot, &self.finals) {
            (Slot::Final(_), Some(f)) => &f.scale,
            _ => &self.journal.scale,
        }
    }

    /// The average cell of a row (`<td id="ja-{row}">`).
    pub fn avg_html(&self, row: usize, locale: Locale) -> String {
        let mut out = String::with_capacity(160);
        let Some(s) = self.journal.students.get(row) else {
            return out;
        };
        let a = self.shown_average(s.id);
        out.push_str("<td");
        attr(&mut out, "id", &format!("ja-{row}"));
        let class = match a.average {
            Some(v) if v >= 4.5 => "jg-avg m5",
            Some(v) if v >= 3.5 => "jg-avg m4",
            Some(v) if v >= 2.5 => "jg-avg m3",
            Some(_) => "jg-avg m2",
            None => "jg-avg",
        };
        attr(&mut out, "class", class);
        attr(&mut out, "data-testid", &format!("journal-avg-{}", s.id));
        let shown = a.average.map(|v| format!("{v:.2}")).unwrap_or_default();
        attr(&mut out, "data-value", &shown);
        let shown = match locale {
            Locale::ru => shown.replace('.', ","),
            _ => shown,
        };
        attr(&mut out, "data-count", &a.mark_count.to_string());
        attr(
            &mut out,
            "title",
            &td_string!(locale, journal.marks_counted, n = a.mark_count),
        );
        out.push('>');
        out.push_str(&shown);
        out.push_str("</td>");
        out
    }

    /// The absences cell of a row (`<td id="jb-{row}">`).
    pub fn abs_html(&self, row: usize) -> String {
        let mut out = String::with_capacity(96);
        let Some(s) = self.journal.students.get(row) else {
            return out;
        };
        let a = self.shown_average(s.id);
        out.push_str("<td");
        attr(&mut out, "id", &format!("jb-{row}"));
        attr(&mut out, "class", "jg-abs");
        attr(&mut out, "data-testid", &format!("journal-abs-{}", s.id));
        out.push('>');
        if a.absences > 0 {
            out.push_str(&a.absences.to_string());
        }
        out.push_str("</td>");
        out
    }

    /// The panel under the grid: the cursor's cell (student, lesson, work, state, why it was
    /// refused, conflict choices), the status of saving and the touch palette.
    pub fn panel_html(&self, locale: Locale) -> String {
        let mut out = String::with_capacity(2048);
        self.status_html(&mut out, locale);
        self.reason_html(&mut out, locale);
        let (row, col) = self.cursor;
        if let Some(t) = self.final_at(col) {
            self.final_panel_html(&mut out, row, t, locale);
            return out;
        }
        let (Some(key), Some(lesson), Some(student)) = (
            self.key_at(row, col),
            self.lesson(col),
            self.journal.students.get(row),
        ) else {
            return out;
        };
        let lock = self.lock(row, lesson);
        out.push_str("<div class=\"jp-cell\" data-testid=\"journal-cell-info\"");
        attr(&mut out, "data-state", self.state(key).as_str());
        out.push_str("><p class=\"jp-where\"><strong>");
        escape(
            &format!("{} {}", student.last_name, student.first_name),
            &mut out,
        );
        out.push_str("</strong> · ");
        escape(&day_month(lesson.lesson.date), &mut out);
        out.push_str(", ");
        escape(
            &td_string!(locale, journal.lesson_n, n = lesson.lesson.lesson_number),
            &mut out,
        );
        out.push_str(" · ");
        match key.slot {
            Slot::Att => escape(td_string!(locale, journal.att_title), &mut out),
            Slot::Final(t) => escape(&term_title(locale, t), &mut out),
            Slot::NewWork => {
                if let Some(t) = self.journal.work_types.iter().min_by_key(|t| t.position) {
                    escape(&t.name, &mut out);
                }
            }
            Slot::Work(id) => {
                if let Some(w) = lesson.works.iter().find(|w| w.id == id) {
                    let kind = self
                        .journal
                        .work_types
                        .iter()
                        .find(|t| t.id == w.work_type_id)
                        .map(|t| t.name.clone())
                        .unwrap_or_else(|| w.work_type_short_name.clone());
                    escape(&kind, &mut out);
                    if let Some(t) = w.title.as_deref().filter(|t| !t.is_empty()) {
                        out.push_str(" «");
                        escape(t, &mut out);
                        out.push('»');
                    }
                    out.push_str(" · ");
                    escape(
                        &td_string!(locale, journal.weight_is, weight = weight_text(w.weight)),
                        &mut out,
                    );
                }
            }
        }
        out.push_str("</p>");
        // A keystroke on a locked cell says the same as the lock line: say it once.
        if lock != Lock::Open && !matches!(self.note, Some(Note::Locked(_))) {
            out.push_str("<p class=\"jp-lock\" data-testid=\"journal-lock\">");
            escape(lock_text(locale, lock), &mut out);
            out.push_str("</p>");
        }
        self.note_html(&mut out, self.allowed_text(), locale);
        self.edit_state_html(&mut out, key, locale);
        if self.comment_cell() == Some(key) {
            self.comment_html(&mut out, key, locale);
        }
        out.push_str("</div>");
        if lock == Lock::Open {
            self.palette_html(&mut out, locale);
        }
        out
    }

    /// The note about the last keystroke; `allowed` lists the values the cell takes.
    fn note_html(&self, out: &mut String, allowed: String, locale: Locale) {
        let Some(note) = &self.note else {
            return;
        };
        out.push_str("<p class=\"jp-note\" role=\"alert\" data-testid=\"journal-note\">");
        let text = match note {
            Note::NotOnScale(t) => td_string!(
                locale,
                journal.not_on_scale,
                value = t.as_str(),
                values = allowed.as_str()
            ),
            Note::Locked(l) => lock_text(locale, *l).to_string(),
            Note::CommentRequired => td_string!(locale, finals.comment_required).to_string(),
            Note::NoSuggestion => td_string!(locale, finals.no_suggestion).to_string(),
            Note::ReasonNeeded => td_string!(locale, finals.reason_needed).to_string(),
            Note::NothingToAccept => td_string!(locale, finals.nothing_to_accept).to_string(),
        };
        escape(&text, out);
        out.push_str("</p>");
    }

    /// A change of the cursor's cell that needs a choice: a conflict (keep mine, take theirs) or
    /// a refusal (retry, discard).
    fn edit_state_html(&self, out: &mut String, key: CellKey, locale: Locale) {
        if let Some(e) = self.edits.get(&key) {
            let mine = e
                .value
                .as_deref()
                .map(|v| self.label(key.slot, v))
                .unwrap_or_else(|| td_string!(locale, journal.empty_value).to_string());
            match &e.state {
                EditState::Conflict => {
                    let theirs = self
                        .base(key)
                        .0
                        .map(|v| self.label(key.slot, &v))
                        .unwrap_or_else(|| td_string!(locale, journal.empty_value).to_string());
                    out.push_str("<div class=\"jp-conflict\" role=\"alert\" data-testid=\"journal-conflict\"><p>");
                    escape(
                        &td_string!(
                            locale,
                            journal.conflict_text,
                            theirs = theirs.as_str(),
                            mine = mine.as_str()
                        ),
                        out,
                    );
                    out.push_str("</p><div class=\"actions\">");
                    button(
                        out,
                        "keep",
                        "journal-keep-mine",
                        td_string!(locale, journal.keep_mine),
                        "button button-primary",
                    );
                    button(
                        out,
                        "theirs",
                        "journal-take-theirs",
                        td_string!(locale, journal.take_theirs),
                        "button",
                    );
                    out.push_str("</div></div>");
                }
                EditState::Failed(f) => {
                    let reason = failure_text(locale, f);
                    out.push_str("<div class=\"jp-error\" role=\"alert\" data-testid=\"journal-cell-error\"><p>");
                    escape(
                        &td_string!(
                            locale,
                            journal.failed,
                            value = mine.as_str(),
                            reason = reason.as_str()
                        ),
                        out,
                    );
                    out.push_str("</p><div class=\"actions\">");
                    button(
                        out,
                        "retry",
                        "journal-retry",
                        td_string!(locale, journal.retry),
                        "button",
                    );
                    button(
                        out,
                        "discard",
                        "journal-discard",
                        td_string!(locale, journal.discard),
                        "button button-quiet",
                    );
                    out.push_str("</div></div>");
                }
                _ => {}
            }
        }
    }

    /// The comment of the cursor's mark: an input (Enter saves, Escape goes back to the grid)
    /// and a save button.
    fn comment_html(&self, out: &mut String, key: CellKey, locale: Locale) {
        let text = match &self.comment_draft {
            Some((k, t)) if *k == key => t.clone(),
            _ => self.comment(key).unwrap_or_default(),
        };
        out.push_str("<div class=\"jp-comment\"><input type=\"text\" id=\"journal-comment\"");
        attr(out, "class", "jp-comment-input");
        attr(out, "data-testid", "journal-comment");
        attr(out, "maxlength", &COMMENT_MAX.to_string());
        attr(out, "autocomplete", "off");
        attr(out, "aria-label", td_string!(locale, journal.comment));
        attr(
            out,
            "placeholder",
            td_string!(locale, journal.comment_placeholder),
        );
        attr(out, "value", &text);
        out.push('>');
        button(
            out,
            "comment",
            "journal-comment-save",
            td_string!(locale, journal.comment_save),
            "button",
        );
        out.push_str("</div>");
    }

    /// The values of the scale and the attendance codes, as a hint.
    fn allowed_text(&self) -> String {
        let mut v: Vec<&str> = self
            .journal
            .scale
            .values
            .iter()
            .map(|v| v.label.as_str())
            .collect();
        v.extend(
            self.journal
                .attendance_codes
                .iter()
                .map(|c| c.code.as_str()),
        );
        v.join(", ")
    }

    fn status_html(&self, out: &mut String, locale: Locale) {
        let c = self.counts();
        let (class, text) = if c.conflicts > 0 {
            (
                "jp-status jp-bad",
                td_string!(locale, journal.status_conflicts, n = c.conflicts),
            )
        } else if c.failed > 0 {
            (
                "jp-status jp-bad",
                td_string!(locale, journal.status_failed, n = c.failed),
            )
        } else if c.sending > 0 {
            (
                "jp-status",
                td_string!(locale, journal.status_saving).to_string(),
            )
        } else if c.pending > 0 {
            (
                "jp-status",
                td_string!(locale, journal.status_pending, n = c.pending),
            )
        } else if c.held > 0 {
            (
                "jp-status jp-bad",
                td_string!(locale, finals.status_held, n = c.held),
            )
        } else {
            (
                "jp-status jp-ok",
                td_string!(locale, journal.status_saved).to_string(),
            )
        };
        out.push_str("<div");
        attr(out, "class", class);
        attr(out, "role", "status");
        attr(out, "data-testid", "journal-status");
        attr(out, "data-pending", &(c.pending + c.sending).to_string());
        attr(out, "data-failed", &c.failed.to_string());
        attr(out, "data-conflicts", &c.conflicts.to_string());
        attr(out, "data-held", &c.held.to_string());
        out.push_str("><span>");
        escape(&text, out);
        out.push_str("</span>");
        if c.failed > 0 {
            button(
                out,
                "retry-all",
                "journal-retry-all",
                td_string!(locale, journal.retry),
                "button button-quiet",
            );
        }
        if c.failed + c.conflicts > 0 {
            button(
                out,
                "discard-all",
                "journal-discard-all",
                td_string!(locale, journal.discard_all),
                "button button-quiet",
            );
        }
        if self.stale {
            button(
                out,
                "reload",
                "journal-reload",
                td_string!(locale, journal.reload),
                "button",
            );
        }
        out.push_str("</div>");
    }

    fn palette_html(&self, out: &mut String, locale: Locale) {
        out.push_str("<div class=\"jp-palette\" data-testid=\"journal-palette\"");
        attr(out, "aria-label", td_string!(locale, journal.palette));
        out.push('>');
        for v in &self.journal.scale.values {
            out.push_str("<button type=\"button\"");
            attr(
                out,
                "class",
                &format!("jp-key {}", mark_class(&self.journal.scale, &v.value)),
            );
            attr(out, "data-action", "put");
            attr(out, "data-value", &v.value);
            attr(out, "data-testid", &format!("journal-put-{}", v.value));
            out.push('>');
            escape(&v.label, out);
            out.push_str("</button>");
        }
        for c in &self.journal.attendance_codes {
            out.push_str("<button type=\"button\" class=\"jp-key jp-att\"");
            attr(out, "data-action", "put");
            attr(out, "data-value", &c.code);
            attr(out, "data-testid", &format!("journal-put-{}", c.code));
            attr(out, "title", &c.name);
            out.push('>');
            escape(&c.label, out);
            out.push_str("</button>");
        }
        button(
            out,
            "clear",
            "journal-put-clear",
            td_string!(locale, journal.clear),
            "jp-key jp-clear",
        );
        out.push_str("</div>");
    }
}

// --- final marks ---------------------------------------------------------------------------

impl Grid {
    /// The course's final-mark sheet arrived (or was loaded again): the journal period's term
    /// and, after the year's last period, the year become columns. Edits of shown terms stay.
    ///
    /// The sheet is loaded again after every batch of saved marks (the suggestions follow the
    /// marks): when its terms are the ones shown (the same columns, heads and period locks),
    /// only the final cells are marked dirty, so that the page patches that column instead of
    /// drawing the table anew (which would lose the UI state around it).
    pub fn set_finals(&mut self, sheet: CourseFinalMarks) {
        let mut finals = Finals::new(sheet, &self.journal.period);
        let same_columns = self
            .finals
            .as_ref()
            .is_some_and(|old| old.terms == finals.terms);
        if let Some(old) = self.finals.take() {
            finals.reason = old.reason;
            finals.reason_draft = old.reason_draft;
            finals.sent = old.sent;
        }
        self.edits.retain(|k, e| match k.slot {
            Slot::Final(t) => finals.index(t).is_some() || e.state == EditState::Sending,
            _ => true,
        });
        self.finals = Some(finals);
        if same_columns {
            let (first, end) = (self.columns.len(), self.col_count());
            for row in 0..self.row_count() {
                self.dirty.cells.extend((first..end).map(|col| (row, col)));
            }
            return;
        }
        let last = self.col_count().saturating_sub(1);
        self.cursor.1 = self.cursor.1.min(last);
        self.dirty.full = true;
    }

    /// Why a final mark's change waits (a comment, a reason); `None` for other cells.
    pub fn hold(&self, key: CellKey) -> Option<Hold> {
        self.edits.get(&key).and_then(|e| self.hold_of(key, e))
    }

    fn hold_of(&self, key: CellKey, e: &Edit) -> Option<Hold> {
        let Slot::Final(term) = key.slot else {
            return None;
        };
        let f = self.finals.as_ref()?;
        let cell = f.cell(key.student, term);
        if let Some(v) = &e.value {
            let comment = e
                .comment
                .as_deref()
                .or(cell.and_then(|c| c.comment.as_deref()))
                .unwrap_or_default();
            if comment.trim().is_empty()
                && needs_comment(&f.scale, v, cell.and_then(|c| c.suggested.as_deref()))
            {
                return Some(Hold::Comment);
            }
        }
        if f.term(term).is_some_and(|t| t.reason_required) && f.reason.is_none() {
            return Some(Hold::Reason);
        }
        None
    }

    /// Whether any final mark waits for a reason.
    pub fn reason_held(&self) -> bool {
        self.edits.iter().any(|(k, e)| {
            e.state == EditState::Pending && self.hold_of(*k, e) == Some(Hold::Reason)
        })
    }

    /// The suggestion an empty, writable final cell takes.
    fn acceptable(&self, row: usize, term: &FinalTerm) -> Option<(CellKey, String)> {
        let student = self.journal.students.get(row)?;
        let key = CellKey::final_mark(student.id, term.term);
        if self.final_lock(row, term) != Lock::Open || self.value(key).is_some() {
            return None;
        }
        let s = self
            .finals
            .as_ref()?
            .cell(student.id, term.term)?
            .suggested
            .clone()?;
        Some((key, s))
    }

    /// `=` (or the palette's button) on a final cell: accepts its suggestion; true when the
    /// cursor may move on (accepted, or the cell already has a mark).
    fn accept_suggestion_here(&mut self, out: &mut Outcome) -> bool {
        let (row, col) = self.cursor;
        let (Some(term), Some(key)) = (self.final_at(col).cloned(), self.key_at(row, col)) else {
            return false;
        };
        let lock = self.final_lock(row, &term);
        if lock != Lock::Open {
            self.note = Some(Note::Locked(lock));
            return false;
        }
        if self.value(key).is_some() {
            return true;
        }
        match self.acceptable(row, &term) {
            Some((key, value)) => {
                self.note = None;
                if self.set(key, Some(value)) {
                    out.save = true;
                }
                true
            }
            None => {
                self.note = Some(Note::NoSuggestion);
                self.touch_cursor();
                false
            }
        }
    }

    /// Enter on an empty final cell: accepts its suggestion when there is one.
    fn accept_suggestion_quietly(&mut self, out: &mut Outcome) {
        let (row, col) = self.cursor;
        let Some(term) = self.final_at(col).cloned() else {
            return;
        };
        if let Some((key, value)) = self.acceptable(row, &term)
            && self.set(key, Some(value))
        {
            out.save = true;
        }
    }

    /// The palette's "accept" button: the cursor's suggestion, then the next row.
    pub fn accept_suggestion(&mut self) -> Outcome {
        let mut out = Outcome {
            handled: true,
            ..Outcome::default()
        };
        if self.accept_suggestion_here(&mut out) {
            let (row, col) = self.cursor;
            let last = self.row_count().saturating_sub(1);
            self.move_to((row + 1).min(last), col, &mut out);
        }
        out
    }

    /// "Accept all suggestions" of a term's column: every empty cell that may be written takes
    /// its suggestion; they go in one batch.
    pub fn accept_all(&mut self, term: Term) -> Outcome {
        let mut out = Outcome {
            handled: true,
            ..Outcome::default()
        };
        let Some(t) = self.finals.as_ref().and_then(|f| f.term(term)).cloned() else {
            return out;
        };
        let mut any = false;
        for row in 0..self.row_count() {
            if let Some((key, value)) = self.acceptable(row, &t) {
                any |= self.set(key, Some(value));
            }
        }
        out.save = any;
        self.note = (!any).then_some(Note::NothingToAccept);
        self.touch_cursor();
        out
    }

    /// Enters the typed text into the cursor's final cell; false (the cursor stays) when it is
    /// not a mark of the scale, or when the mark waits for a comment.
    fn commit_final(&mut self, text: &str, out: &mut Outcome) -> bool {
        let (row, col) = self.cursor;
        let (Some(key), Some(f)) = (self.key_at(row, col), self.finals.as_ref()) else {
            return false;
        };
        let value = match resolve(text, &f.scale, &[]) {
            Some(Entry::Mark(v)) => v.value.clone(),
            _ => {
                self.note = Some(Note::NotOnScale(text.to_string()));
                self.touch_cursor();
                return false;
            }
        };
        self.editing = None;
        self.touch_cursor();
        self.note = None;
        let lock = self.lock_at(row, col);
        if lock != Lock::Open {
            self.note = Some(Note::Locked(lock));
            return false;
        }
        if self.set(key, Some(value)) {
            out.save = true;
        }
        if self.hold(key) == Some(Hold::Comment) {
            self.note = Some(Note::CommentRequired);
            out.ask_comment = true;
            return false;
        }
        true
    }

    /// The reason for writes outside the teachers' window (3–500 characters): the marks that
    /// waited for it can go.
    pub fn set_reason(&mut self, text: &str) -> Outcome {
        let mut out = Outcome {
            handled: true,
            ..Outcome::default()
        };
        let Some(f) = self.finals.as_mut() else {
            return out;
        };
        match check_reason(text) {
            Some(r) => {
                f.reason = Some(r);
                f.reason_draft = None;
                self.note = None;
                out.save = true;
            }
            None => self.note = Some(Note::ReasonNeeded),
        }
        let keys: Vec<CellKey> = self
            .edits
            .keys()
            .filter(|k| k.is_final())
            .copied()
            .collect();
        for k in keys {
            self.touch(k);
        }
        self.touch_cursor();
        out
    }

    /// Whether final marks wait to be sent (not held).
    pub fn final_pending(&self) -> bool {
        self.edits.iter().any(|(k, e)| {
            k.is_final() && e.state == EditState::Pending && self.hold_of(*k, e).is_none()
        })
    }

    /// The batch of every final mark ready to go, marking them as being sent; `None` while
    /// another is in flight or nothing is ready. The reason goes when a term needs it.
    pub fn take_final_batch(&mut self) -> Option<FinalMarksBatch> {
        if self.finals.as_ref()?.sent.is_some() {
            return None;
        }
        let mut keys: Vec<(CellKey, (usize, usize))> = self
            .edits
            .iter()
            .filter(|(k, e)| {
                k.is_final() && e.state == EditState::Pending && self.hold_of(**k, e).is_none()
            })
            .map(|(k, _)| (*k, self.position(*k).unwrap_or((usize::MAX, usize::MAX))))
            .collect();
        if keys.is_empty() {
            return None;
        }
        keys.sort_by_key(|(_, pos)| *pos);
        let mut sent = Vec::new();
        let mut marks = Vec::new();
        let mut reason_needed = false;
        for (key, _) in keys {
            let Slot::Final(term) = key.slot else {
                continue;
            };
            reason_needed |= self
                .finals
                .as_ref()
                .and_then(|f| f.term(term))
                .is_some_and(|t| t.reason_required);
            let Some(e) = self.edits.get_mut(&key) else {
                continue;
            };
            e.state = EditState::Sending;
            marks.push(FinalMarkWrite {
                student_id: key.student,
                term,
                value: e.value.clone(),
                comment: e.comment.clone(),
                version: e.version,
            });
            sent.push((key, e.seq));
        }
        let f = self.finals.as_mut()?;
        f.sent = Some(sent);
        Some(FinalMarksBatch {
            marks,
            reason: if reason_needed {
                f.reason.clone()
            } else {
                None
            },
        })
    }

    /// The final-mark batch was saved: the cells as stored now.
    pub fn final_saved(&mut self, result: FinalMarksResult) {
        let Some(sent) = self.finals.as_mut().and_then(|f| f.sent.take()) else {
            return;
        };
        for c in result.cells {
            let key = CellKey::final_mark(c.student_id, c.term);
            if let Some(f) = self.finals.as_mut() {
                f.put_cell(c);
            }
            self.touch(key);
            self.touch(CellKey::final_mark(key.student, Term::Year));
        }
        for (key, seq) in &sent {
            let version = self.base(*key).1;
            if let Some(e) = self.edits.get_mut(key) {
                if e.seq == *seq {
                    self.edits.remove(key);
                } else {
                    // Changed again while this was sent: write that over the new version.
                    e.version = version;
                    if e.state == EditState::Sending {
                        e.state = EditState::Pending;
                    }
                }
            }
            self.touch(*key);
        }
    }

    /// The final-mark batch was refused: conflicts, refused cells or reason, or a failure of
    /// the whole batch (a 403 of the window offers to reload). Writes not at fault go again.
    pub fn final_failed(&mut self, err: FinalBatchError) {
        let Some(sent) = self.finals.as_mut().and_then(|f| f.sent.take()) else {
            return;
        };
        let all = |failure: Failure| -> HashMap<CellKey, EditState> {
            sent.iter()
                .map(|(k, _)| (*k, EditState::Failed(failure.clone())))
                .collect()
        };
        let mut fate: HashMap<CellKey, EditState> = HashMap::new();
        match err {
            FinalBatchError::Conflict(cells) => {
                for c in cells {
                    let key = CellKey::final_mark(c.student_id, c.term);
                    if let Some(f) = self.finals.as_mut() {
                        f.put_cell(c);
                    }
                    fate.insert(key, EditState::Conflict);
                }
                if fate.is_empty() {
                    // Nothing to show: do not send the same batch in a loop.
                    fate = all(Failure::Code(ErrorCode::VersionMismatch));
                }
            }
            FinalBatchError::Invalid { cells, reason } => {
                if reason {
                    if let Some(f) = self.finals.as_mut() {
                        f.reason = None;
                    }
                    self.note = Some(Note::ReasonNeeded);
                }
                for (index, code) in cells {
                    if let Some((k, _)) = sent.get(index) {
                        fate.insert(*k, EditState::Failed(Failure::Field(code)));
                    }
                }
            }
            FinalBatchError::Other(failure) => {
                if matches!(
                    failure,
                    Failure::Code(
                        ErrorCode::FinalMarkDeadlinePassed
                            | ErrorCode::FinalMarkNotOpen
                            | ErrorCode::PeriodClosed
                            | ErrorCode::Forbidden
                    )
                ) {
                    // The window changed since the sheet was read: offer to load it again.
                    self.stale = true;
                }
                fate = all(failure);
            }
        }
        for (key, seq) in &sent {
            let Some(e) = self.edits.get_mut(key) else {
                continue;
            };
            let state = fate.remove(key).unwrap_or(EditState::Pending);
            if e.seq == *seq {
                e.state = state;
            } else if e.state == EditState::Sending {
                e.state = EditState::Pending;
            }
            self.touch(*key);
        }
        self.touch_cursor();
    }

    /// A final column's head: the term, its window and "accept all" when it may be written.
    fn final_head(&self, out: &mut String, i: usize, t: &FinalTerm, locale: Locale) {
        out.push_str("<th scope=\"col\" rowspan=\"2\"");
        attr(
            out,
            "class",
            if i == 0 {
                "jg-final jg-final-first"
            } else {
                "jg-final"
            },
        );
        attr(out, "data-testid", &format!("finals-head-{}", t.term));
        attr(out, "data-state", crate::finals::state_str(t.state));
        let window = window_label(locale, t);
        attr(
            out,
            "title",
            &format!("{} · {}", term_title(locale, t.term), window),
        );
        out.push_str("><span class=\"jf-term\">");
        escape(&term_short(locale, t.term), out);
        out.push_str("</span><span class=\"jf-window\"");
        attr(out, "data-testid", &format!("finals-window-{}", t.term));
        out.push('>');
        escape(&window, out);
        out.push_str("</span>");
        if t.writable {
            out.push_str("<button type=\"button\" class=\"jf-accept\"");
            attr(out, "data-action", "accept-all");
            attr(out, "data-term", &t.term.to_string());
            attr(out, "data-testid", &format!("finals-accept-all-{}", t.term));
            attr(out, "title", td_string!(locale, finals.accept_all_title));
            out.push('>');
            escape(td_string!(locale, finals.accept_all), out);
            out.push_str("</button>");
        }
        out.push_str("</th>");
    }

    /// A final cell: the mark and, faded, the suggestion (when it differs) and the average.
    fn final_cell_html(&self, row: usize, col: usize, t: &FinalTerm, locale: Locale) -> String {
        let mut out = String::with_capacity(384);
        let (Some(key), Some(f)) = (self.key_at(row, col), self.finals.as_ref()) else {
            return out;
        };
        let cell = f.cell(key.student, t.term);
        let lock = self.final_lock(row, t);
        let here = self.cursor == (row, col);
        let value = self.value(key);
        let suggested = cell.and_then(|c| c.suggested.clone());
        let average = cell.and_then(|c| c.average);
        let mut class = String::from("jc jc-final");
        if f.index(t.term) == Some(0) {
            class.push_str(" jc-final-first");
        }
        class.push_str(lock_class(lock));
        if let Some(v) = &value {
            class.push(' ');
            class.push_str(mark_class(&f.scale, v));
        }
        let comment = self.comment(key);
        if comment.is_some() {
            class.push_str(" jc-cmt");
        }
        if here {
            class.push_str(" cur");
            if self.editing.is_some() {
                class.push_str(" jc-editing");
            }
        }
        out.push_str("<td");
        attr(&mut out, "id", &format!("jc-{row}-{col}"));
        attr(&mut out, "class", &class);
        attr(&mut out, "role", "gridcell");
        attr(&mut out, "data-r", &row.to_string());
        attr(&mut out, "data-c", &col.to_string());
        attr(
            &mut out,
            "data-testid",
            &format!("finals-cell-{}-{}", key.student, t.term),
        );
        attr(&mut out, "data-state", self.state(key).as_str());
        attr(&mut out, "data-value", value.as_deref().unwrap_or(""));
        attr(
            &mut out,
            "data-suggested",
            suggested.as_deref().unwrap_or(""),
        );
        if lock != Lock::Open {
            attr(&mut out, "data-lock", lock_str(lock));
            attr(&mut out, "aria-readonly", "true");
        }
        if here {
            attr(&mut out, "aria-selected", "true");
        }
        let basis = self.basis_text(key, locale);
        let title = match &comment {
            Some(c) => format!("{c} · {basis}"),
            None => basis,
        };
        attr(&mut out, "title", &title);
        out.push('>');
        match (&self.editing, here) {
            (Some(text), true) => {
                out.push_str("<span class=\"jc-input\">");
                escape(&shown_input(text, &f.scale, &[]), &mut out);
                out.push_str("</span>");
            }
            _ => {
                if let Some(v) = &value {
                    out.push_str("<span class=\"jf-v\">");
                    escape(&self.label(key.slot, v), &mut out);
                    out.push_str("</span>");
                }
            }
        }
        let suggestion = suggested.filter(|s| value.as_deref() != Some(s.as_str()));
        if suggestion.is_some() || average.is_some() {
            out.push_str("<span class=\"jf-hint\" aria-hidden=\"true\">");
            if let Some(s) = &suggestion {
                out.push_str("<span class=\"jf-sug\">→");
                escape(&self.label(key.slot, s), &mut out);
                out.push_str("</span>");
            }
            if let Some(a) = average {
                out.push_str("<span class=\"jf-avg\">");
                out.push_str(&average_text(locale, a));
                out.push_str("</span>");
            }
            out.push_str("</span>");
        }
        out.push_str("</td>");
        out
    }

    /// "Предлагается 4 (средний балл 3,62)", or why there is no suggestion.
    pub fn basis_text(&self, key: CellKey, locale: Locale) -> String {
        let Slot::Final(term) = key.slot else {
            return String::new();
        };
        let cell = self.finals.as_ref().and_then(|f| f.cell(key.student, term));
        let suggested = cell
            .and_then(|c| c.suggested.as_deref())
            .map(|s| self.label(key.slot, s));
        let average = cell
            .and_then(|c| c.average)
            .map(|a| average_text(locale, a));
        match (suggested, average) {
            (Some(s), Some(a)) => td_string!(locale, finals.basis, mark = s, avg = a),
            (Some(s), None) => td_string!(locale, finals.basis_mark, mark = s),
            (None, Some(a)) => td_string!(locale, finals.basis_avg, avg = a),
            (None, None) => td_string!(locale, finals.basis_none).to_string(),
        }
    }

    /// The panel for the cursor on a final cell.
    fn final_panel_html(&self, out: &mut String, row: usize, t: &FinalTerm, locale: Locale) {
        let (Some(student), Some(f)) = (self.journal.students.get(row), self.finals.as_ref())
        else {
            return;
        };
        let key = CellKey::final_mark(student.id, t.term);
        let cell = f.cell(student.id, t.term);
        let lock = self.final_lock(row, t);
        out.push_str("<div class=\"jp-cell\" data-testid=\"journal-cell-info\"");
        attr(out, "data-state", self.state(key).as_str());
        out.push_str("><p class=\"jp-where\"><strong>");
        escape(
            &format!("{} {}", student.last_name, student.first_name),
            out,
        );
        out.push_str("</strong> · ");
        escape(&term_title(locale, t.term), out);
        out.push_str(" · <span data-testid=\"finals-window\">");
        escape(&window_label(locale, t), out);
        out.push_str("</span></p><p class=\"jf-basis\" data-testid=\"finals-basis\">");
        escape(&self.basis_text(key, locale), out);
        out.push_str("</p>");
        if let Some(c) = cell
            && c.value.is_some()
            && let Some(name) = &c.set_by_name
        {
            out.push_str("<p class=\"jf-set-by muted\">");
            let when = c
                .set_at
                .map(|d| d.date_naive().format("%d.%m.%Y").to_string())
                .unwrap_or_default();
            escape(
                &td_string!(locale, finals.set_by, name = name.as_str(), date = when),
                out,
            );
            out.push_str("</p>");
        }
        if lock != Lock::Open && !matches!(self.note, Some(Note::Locked(_))) {
            out.push_str("<p class=\"jp-lock\" data-testid=\"journal-lock\">");
            escape(lock_text(locale, lock), out);
            out.push_str("</p>");
        }
        let allowed: Vec<&str> = f.scale.values.iter().map(|v| v.label.as_str()).collect();
        self.note_html(out, allowed.join(", "), locale);
        self.edit_state_html(out, key, locale);
        if self.state(key) == CellState::Held
            && self.hold(key) == Some(Hold::Comment)
            && self.note != Some(Note::CommentRequired)
        {
            out.push_str("<p class=\"jp-note\" data-testid=\"finals-hold-comment\">");
            escape(td_string!(locale, finals.comment_required), out);
            out.push_str("</p>");
        }
        if self.comment_cell() == Some(key) {
            self.comment_html(out, key, locale);
        }
        out.push_str("</div>");
        if lock == Lock::Open {
            self.final_palette_html(out, key, locale);
        }
    }

    /// The reason for writes outside the teachers' window: shown while marks wait for it or the
    /// cursor's term needs one.
    fn reason_html(&self, out: &mut String, locale: Locale) {
        let Some(f) = self.finals.as_ref() else {
            return;
        };
        let cursor_needs = self
            .final_at(self.cursor.1)
            .is_some_and(|t| t.reason_required);
        if !cursor_needs && !self.reason_held() {
            return;
        }
        let text = f
            .reason_draft
            .clone()
            .or_else(|| f.reason.clone())
            .unwrap_or_default();
        out.push_str("<div class=\"jf-reason\" data-testid=\"finals-reason-box\"");
        attr(
            out,
            "data-set",
            if f.reason.is_some() { "true" } else { "false" },
        );
        out.push_str("><label for=\"finals-reason\">");
        escape(td_string!(locale, finals.reason_label), out);
        out.push_str("</label><input type=\"text\" id=\"finals-reason\" class=\"jf-reason-input\"");
        attr(out, "data-testid", "finals-reason");
        attr(out, "maxlength", &crate::finals::REASON_MAX.to_string());
        attr(out, "autocomplete", "off");
        attr(
            out,
            "placeholder",
            td_string!(locale, finals.reason_placeholder),
        );
        attr(out, "value", &text);
        out.push('>');
        button(
            out,
            "reason",
            "finals-reason-save",
            td_string!(locale, finals.reason_save),
            "button",
        );
        out.push_str("<p class=\"hint\">");
        escape(
            if f.reason.is_some() {
                td_string!(locale, finals.reason_set_hint)
            } else {
                td_string!(locale, finals.reason_hint)
            },
            out,
        );
        out.push_str("</p></div>");
    }

    /// The touch palette of a final cell: accept the suggestion, the scale's values, clear.
    fn final_palette_html(&self, out: &mut String, key: CellKey, locale: Locale) {
        let Some(f) = self.finals.as_ref() else {
            return;
        };
        let Slot::Final(term) = key.slot else {
            return;
        };
        out.push_str("<div class=\"jp-palette\" data-testid=\"journal-palette\"");
        attr(out, "aria-label", td_string!(locale, journal.palette));
        out.push('>');
        if self.value(key).is_none()
            && let Some(s) = f.cell(key.student, term).and_then(|c| c.suggested.clone())
        {
            out.push_str("<button type=\"button\"");
            attr(
                out,
                "class",
                &format!("jp-key jf-accept-one {}", mark_class(&f.scale, &s)),
            );
            attr(out, "data-action", "accept");
            attr(out, "data-testid", "finals-accept");
            attr(out, "title", td_string!(locale, finals.accept_key_hint));
            out.push('>');
            escape(
                &td_string!(locale, finals.accept_one, mark = self.label(key.slot, &s)),
                out,
            );
            out.push_str("</button>");
        }
        for v in &f.scale.values {
            out.push_str("<button type=\"button\"");
            attr(
                out,
                "class",
                &format!("jp-key {}", mark_class(&f.scale, &v.value)),
            );
            attr(out, "data-action", "put");
            attr(out, "data-value", &v.value);
            attr(out, "data-testid", &format!("journal-put-{}", v.value));
            out.push('>');
            escape(&v.label, out);
            out.push_str("</button>");
        }
        button(
            out,
            "clear",
            "journal-put-clear",
            td_string!(locale, journal.clear),
            "jp-key jp-clear",
        );
        out.push_str("</div>");
    }
}

/// `2`, `1.5`, `0.25`.
pub fn weight_text(w: f64) -> String {
    let s = format!("{w:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

fn lock_str(lock: Lock) -> &'static str {
    match lock {
        Lock::Open => "",
        Lock::NotEnrolled => "not_enrolled",
        Lock::Cancelled => "cancelled",
        Lock::ReadOnly | Lock::FinalReadOnly => "read_only",
        Lock::PeriodClosed => "period_closed",
        Lock::NotDue => "not_due",
        Lock::TermNotOpen => "not_open",
        Lock::TermClosed => "closed",
    }
}

/// The class a locked cell gets.
fn lock_class(lock: Lock) -> &'static str {
    match lock {
        Lock::Open => "",
        Lock::NotEnrolled | Lock::NotDue => " jc-off",
        Lock::Cancelled => " jc-cx",
        Lock::ReadOnly
        | Lock::FinalReadOnly
        | Lock::PeriodClosed
        | Lock::TermNotOpen
        | Lock::TermClosed => " jc-ro",
    }
}

pub fn lock_text(locale: Locale, lock: Lock) -> &'static str {
    match lock {
        Lock::Open => "",
        Lock::NotEnrolled => td_string!(locale, journal.lock_not_enrolled),
        Lock::Cancelled => td_string!(locale, journal.lock_cancelled),
        Lock::ReadOnly => td_string!(locale, journal.lock_read_only),
        Lock::PeriodClosed => td_string!(locale, finals.lock_period_closed),
        Lock::NotDue => td_string!(locale, finals.lock_not_due),
        Lock::TermNotOpen => td_string!(locale, finals.lock_not_open),
        Lock::TermClosed => td_string!(locale, finals.lock_closed),
        Lock::FinalReadOnly => td_string!(locale, finals.lock_read_only),
    }
}

pub fn failure_text(locale: Locale, f: &Failure) -> String {
    match f {
        Failure::NotOnScale => td_string!(locale, journal.err_not_on_scale).to_string(),
        Failure::NotEnrolled => td_string!(locale, journal.lock_not_enrolled).to_string(),
        Failure::Field(code) => match code.as_str() {
            "comment_required" => td_string!(locale, finals.err_comment_required).to_string(),
            "unknown_term" => td_string!(locale, finals.err_unknown_term).to_string(),
            "not_on_scale" => td_string!(locale, journal.err_not_on_scale).to_string(),
            "not_enrolled" => td_string!(locale, finals.lock_not_due).to_string(),
            "length" => td_string!(locale, finals.err_comment_length).to_string(),
            _ => code.clone(),
        },
        Failure::Code(ErrorCode::EditWindowClosed) => {
            td_string!(locale, journal.err_edit_window).to_string()
        }
        Failure::Code(ErrorCode::VersionMismatch) => {
            td_string!(locale, journal.err_stale).to_string()
        }
        Failure::Code(code) => crate::text::code_text(locale, *code).to_string(),
        Failure::Network => crate::text::error_text(locale, &ApiError::Network),
        Failure::Unexpected(status) => {
            crate::text::error_text(locale, &ApiError::Unexpected { status: *status })
        }
    }
}

fn attr(out: &mut String, name: &str, value: &str) {
    out.push(' ');
    out.push_str(name);
    out.push_str("=\"");
    escape(value, out);
    out.push('"');
}

fn button(out: &mut String, action: &str, testid: &str, text: &str, class: &str) {
    out.push_str("<button type=\"button\"");
    attr(out, "class", class);
    attr(out, "data-action", action);
    attr(out, "data-testid", testid);
    out.push('>');
    escape(text, out);
    out.push_str("</button>");
}

// --- the course picker and links ----------------------------------------------------------

/// The journal of a course: `/journal/{course_id}?school=&period=`.
pub fn journal_href(school_id: Uuid, course_id: Uuid, period: Option<Uuid>) -> String {
    let mut href = format!("/journal/{course_id}?school={school_id}");
    if let Some(p) = period {
        href.push_str("&period=");
        href.push_str(&p.to_string());
    }
    href
}

/// The course picker: `/journal?school=&period=`.
pub fn list_href(school_id: Uuid, period: Option<Uuid>) -> String {
    let mut href = format!("/journal?school={school_id}");
    if let Some(p) = period {
        href.push_str("&period=");
        href.push_str(&p.to_string());
    }
    href
}

/// `5А` → (5, "А") for sorting classes by grade, then letter.
fn class_order(name: &str) -> (u32, String) {
    let digits: String = name.chars().take_while(char::is_ascii_digit).collect();
    (
        digits.parse().unwrap_or(u32::MAX),
        name[digits.len()..].to_string(),
    )
}

/// Courses grouped by class (by grade, then letter), each class's by subject and subgroup.
pub fn course_groups(mut courses: Vec<Course>) -> Vec<(String, Vec<Course>)> {
    courses.sort_by(|a, b| {
        (class_order(&a.class_name), &a.subject_name, a.group_number).cmp(&(
            class_order(&b.class_name),
            &b.subject_name,
            b.group_number,
        ))
    });
    let mut out: Vec<(String, Vec<Course>)> = Vec::new();
    for c in courses {
        match out.last_mut() {
            Some((name, list)) if *name == c.class_name => list.push(c),
            _ => out.push((c.class_name.clone(), vec![c])),
        }
    }
    out
}

/// "Четверть 2", "Учебный год".
pub fn period_label(locale: Locale, period: &Period) -> String {
    let kind = crate::text::period_kind_text(locale, period.kind);
    match period.kind {
        PeriodKind::Year => kind.to_string(),
        _ => format!("{kind} {}", period.number),
    }
}

/// "Математика, гр. 2".
pub fn course_subject(locale: Locale, course: &Course) -> String {
    match course.group_number {
        Some(n) => format!(
            "{}, {}",
            course.subject_name,
            td_string!(locale, journal.group, n = n)
        ),
        None => course.subject_name.clone(),
    }
}

/// The picker's list: a section per class with links to its courses' journals.
pub fn course_list_html(
    groups: &[(String, Vec<Course>)],
    school_id: Uuid,
    period: Option<Uuid>,
    locale: Locale,
) -> String {
    let mut out = String::with_capacity(256 + groups.len() * 512);
    out.push_str("<div class=\"jl\" data-testid=\"journal-courses\">");
    for (class, courses) in groups {
        out.push_str("<section class=\"jl-class\"");
        attr(&mut out, "data-testid", "journal-class");
        attr(&mut out, "data-class", class);
        out.push_str("><h2 class=\"jl-class-name\">");
        escape(class, &mut out);
        out.push_str("</h2><ul class=\"jl-courses\">");
        for c in courses {
            out.push_str("<li><a class=\"jl-course\"");
            attr(&mut out, "href", &journal_href(school_id, c.id, period));
            attr(&mut out, "data-testid", &format!("journal-course-{}", c.id));
            out.push_str("><span class=\"jl-subject\">");
            escape(&course_subject(locale, c), &mut out);
            out.push_str("</span>");
            if !c.teacher_names.is_empty() {
                out.push_str("<span class=\"jl-teachers muted\">");
                let names: Vec<String> = c
                    .teacher_names
                    .iter()
                    .map(|n| crate::schedule::short_name(n))
                    .collect();
                escape(&names.join(", "), &mut out);
                out.push_str("</span>");
            }
            out.push_str("</a></li>");
        }
        out.push_str("</ul></section>");
    }
    out.push_str("</div>");
    out
}

/// A day for a date input (`2026-11-05`), or empty.
pub fn date_value(day: Option<NaiveDate>) -> String {
    day.map(|d| d.to_string()).unwrap_or_default()
}

/// The topic and homework form → the request: empty texts clear; the due date goes only with
/// homework. `Err` when the due date is not a date.
pub fn content_input(
    topic: &str,
    homework: &str,
    due: &str,
    version: i32,
) -> Result<LessonContentInput, ()> {
    let homework = homework.trim();
    let due = due.trim();
    let homework_due_on = if homework.is_empty() || due.is_empty() {
        None
    } else {
        Some(NaiveDate::parse_from_str(due, "%Y-%m-%d").map_err(|_| ())?)
    };
    Ok(LessonContentInput {
        topic: Some(topic.trim().to_string()),
        homework: Some(homework.to_string()),
        homework_due_on,
        version,
    })
}

/// A weight typed in the works editor: 0.1–10, with a comma or a dot.
pub fn parse_weight(text: &str) -> Option<f64> {
    let w: f64 = text.trim().replace(',', ".").parse().ok()?;
    (0.1..=10.0).contains(&w).then_some(w)
}

#[cfg(test)]
pub mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};
    use otmetka_domain::FieldError;
    use otmetka_domain::grading::WorkType;
    use otmetka_domain::journal::{DateSpan, JournalStudent};

    pub fn day(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, d).unwrap()
    }

    pub const S1: Uuid = Uuid::from_u128(0x51);
    pub const S2: Uuid = Uuid::from_u128(0x52);
    pub const S3: Uuid = Uuid::from_u128(0x53);
    pub const W1: Uuid = Uuid::from_u128(0x701);
    pub const W2: Uuid = Uuid::from_u128(0x702);
    pub const ORAL: Uuid = Uuid::from_u128(0x7A);
    pub const CONTROL: Uuid = Uuid::from_u128(0x7C);

    fn work(id: Uuid, lesson: Uuid, control: bool, position: i32) -> Work {
        Work {
            id,
            lesson_id: lesson,
            work_type_id: if control { CONTROL } else { ORAL },
            work_type_code: if control { "control" } else { "oral" }.into(),
            work_type_short_name: if control { "КР" } else { "Отв" }.into(),
            weight: if control { 3.0 } else { 1.0 },
            title: None,
            position,
            version: 1,
        }
    }

    fn student(id: Uuid, last: &str, from: NaiveDate, to: Option<NaiveDate>) -> JournalStudent {
        JournalStudent {
            id,
            last_name: last.into(),
            first_name: "Иван".into(),
            middle_name: None,
            enrolled: vec![DateSpan { from, to }],
        }
    }

    pub fn mark(student: Uuid, lesson: Uuid, work: Uuid, value: &str, version: i32) -> MarkCell {
        MarkCell {
            work_id: work,
            lesson_id: lesson,
            student_id: student,
            value: Some(value.into()),
            comment: None,
            version,
            set_at: Utc.with_ymd_and_hms(2026, 11, 1, 9, 0, 0).unwrap(),
        }
    }

    /// Three lessons: 02.11 with oral W1 and control W2, 05.11 without works, 09.11 cancelled;
    /// S1 is there all along, S2 left on 04.11, S3 came on 05.11.
    pub fn journal() -> Journal {
        let l1 = crate::schedule::tests::lesson(day(11, 2), 1, "Математика");
        let mut l2 = crate::schedule::tests::lesson(day(11, 5), 2, "Математика");
        let mut l3 = crate::schedule::tests::lesson(day(11, 9), 3, "Математика");
        l2.id = Uuid::from_u128(0x1002);
        l3.id = Uuid::from_u128(0x1003);
        l3.status = LessonStatus::Cancelled;
        let (id1, id2) = (l1.id, l2.id);
        let codes: Vec<AttendanceCode> = otmetka_domain::grading::DEFAULT_ATTENDANCE_CODES
            .iter()
            .enumerate()
            .map(
                |(i, (code, label, name, absence, excused))| AttendanceCode {
                    id: Uuid::from_u128(0xA0 + i as u128),
                    code: (*code).into(),
                    label: (*label).into(),
                    name: (*name).into(),
                    counts_as_absence: *absence,
                    excused: *excused,
                    position: i as i32,
                },
            )
            .collect();
        Journal {
            course: Course {
                id: Uuid::from_u128(0xC0),
                academic_year_id: Uuid::from_u128(0xE0),
                class_id: Uuid::from_u128(0xC1),
                class_name: "5А".into(),
                group_id: None,
                group_number: None,
                subject_id: Uuid::from_u128(0x5B),
                subject_name: "Математика".into(),
                teacher_ids: vec![],
                teacher_names: vec![],
                hours_per_week: 5,
            },
            period: Period {
                id: Uuid::from_u128(0xF1),
                academic_year_id: Uuid::from_u128(0xE0),
                kind: PeriodKind::Quarter,
                number: 2,
                starts_on: day(11, 1),
                ends_on: day(12, 28),
            },
            scale: MarkScale {
                id: Uuid::from_u128(0x5C),
                code: "five_point".into(),
                name: "5".into(),
                values: MarkScale::five_point_values(),
                is_default: true,
            },
            work_types: vec![
                WorkType {
                    id: ORAL,
                    code: "oral".into(),
                    name: "Ответ на уроке".into(),
                    short_name: "Отв".into(),
                    weight: 1.0,
                    position: 0,
                },
                WorkType {
                    id: CONTROL,
                    code: "control".into(),
                    name: "Контрольная работа".into(),
                    short_name: "КР".into(),
                    weight: 3.0,
                    position: 5,
                },
            ],
            attendance_codes: codes,
            students: vec![
                student(S1, "Антонов", day(9, 1), None),
                student(S2, "Борисов", day(9, 1), Some(day(11, 4))),
                student(S3, "Васильев", day(11, 5), None),
            ],
            lessons: vec![
                JournalLesson {
                    lesson: l1,
                    works: vec![work(W2, id1, true, 1), work(W1, id1, false, 0)],
                    writable: true,
                    attendance_taken: false,
                },
                JournalLesson {
                    lesson: l2,
                    works: vec![],
                    writable: true,
                    attendance_taken: false,
                },
                JournalLesson {
                    lesson: l3,
                    works: vec![],
                    writable: true,
                    attendance_taken: false,
                },
            ],
            marks: vec![mark(S1, id1, W1, "5", 1), mark(S2, id1, W2, "3", 2)],
            attendance: vec![AttendanceCell {
                lesson_id: id2,
                student_id: S1,
                code: Some("б".into()),
                version: 1,
                set_at: Utc.with_ymd_and_hms(2026, 11, 5, 9, 0, 0).unwrap(),
            }],
            averages: vec![
                StudentAverage {
                    student_id: S1,
                    average: Some(5.0),
                    mark_count: 1,
                    absences: 1,
                },
                StudentAverage {
                    student_id: S2,
                    average: Some(3.0),
                    mark_count: 1,
                    absences: 0,
                },
            ],
            today: day(11, 5),
            edit_window_days: None,
        }
    }

    fn typed(g: &mut Grid, text: &str) {
        for c in text.chars() {
            g.key(Key::Text(c));
        }
    }

    fn l1() -> Uuid {
        Uuid::from_u128(0x1001)
    }
    fn l2() -> Uuid {
        Uuid::from_u128(0x1002)
    }

    #[test]
    fn columns_are_attendance_then_works_by_position_and_the_cursor_starts_today() {
        let g = Grid::new(journal());
        let slots: Vec<(usize, Slot)> = g.columns.iter().map(|c| (c.lesson, c.slot)).collect();
        assert_eq!(
            slots,
            [
                (0, Slot::Att),
                (0, Slot::Work(W1)),
                (0, Slot::Work(W2)),
                (1, Slot::Att),
                (1, Slot::NewWork),
                (2, Slot::Att),
                (2, Slot::NewWork),
            ]
        );
        assert_eq!(g.cursor, (0, 3), "today's lesson (05.11), its attendance");
    }

    #[test]
    fn keys_are_read_from_keydown() {
        assert_eq!(parse_key("5", false, false), Some(Key::Text('5')));
        assert_eq!(parse_key("н", false, false), Some(Key::Text('н')));
        assert_eq!(parse_key("Enter", true, false), Some(Key::BackEnter));
        assert_eq!(parse_key("Tab", true, false), Some(Key::BackTab));
        assert_eq!(parse_key("ArrowLeft", false, false), Some(Key::Left));
        assert_eq!(parse_key("c", false, true), None, "Ctrl+C is the browser's");
        assert_eq!(parse_key("Shift", true, false), None);
        assert_eq!(parse_key(" ", false, false), None);
    }

    #[test]
    fn typed_text_resolves_on_both_layouts() {
        let j = journal();
        let (s, c) = (&j.scale, &j.attendance_codes[..]);
        let att = |t: &str| match resolve(t, s, c) {
            Some(Entry::Attendance(a)) => Some(a.code.clone()),
            _ => None,
        };
        let mark = |t: &str| match resolve(t, s, c) {
            Some(Entry::Mark(v)) => Some(v.value.clone()),
            _ => None,
        };
        assert_eq!(att("н").as_deref(), Some("н"));
        assert_eq!(att("Н").as_deref(), Some("н"));
        assert_eq!(
            att("y").as_deref(),
            Some("н"),
            "y is н on the Russian layout"
        );
        assert_eq!(att(",").as_deref(), Some("б"));
        assert_eq!(att("eg").as_deref(), Some("уп"));
        assert_eq!(att("JG").as_deref(), Some("оп"));
        assert_eq!(att("уп").as_deref(), Some("уп"));
        assert_eq!(mark("5").as_deref(), Some("5"));
        assert_eq!(mark("н/а").as_deref(), Some("н/а"));
        assert_eq!(mark("на").as_deref(), Some("н/а"), "without the slash");
        assert_eq!(
            mark("y/f").as_deref(),
            Some("н/а"),
            "typed on the Latin layout"
        );
        assert_eq!(mark("осв.").as_deref(), Some("осв"));
        assert_eq!(mark("jcd").as_deref(), Some("осв"));
        assert_eq!(resolve("6", s, c), None);
        assert_eq!(resolve("4-", s, c), None, "not on this scale");
        assert_eq!(resolve("", s, c), None);
        assert_eq!(shown_input("y", s, c), "н");
        assert_eq!(shown_input("eg", s, c), "уп");
        assert_eq!(shown_input("5", s, c), "5");
    }

    #[test]
    fn a_mark_typed_and_entered_is_pending_and_the_cursor_moves_down() {
        let mut g = Grid::new(journal());
        g.cursor = (0, 1); // S1 × W1 (5)
        typed(&mut g, "4");
        assert_eq!(g.editing.as_deref(), Some("4"));
        let out = g.key(Key::Enter);
        assert!(out.handled && out.save && out.moved);
        assert_eq!(g.cursor, (1, 1));
        let key = g.key_at(0, 1).unwrap();
        assert_eq!(g.value(key).as_deref(), Some("4"));
        assert_eq!(g.state(key), CellState::Pending);
        assert_eq!(g.edit(key).unwrap().version, 1, "based on the version read");
        // The average follows at once, with the one grading function.
        assert_eq!(g.shown_average(S1).average, Some(4.0));
        let dirty = g.take_dirty();
        assert!(dirty.cells.contains(&(0, 1)) && dirty.cells.contains(&(1, 1)));
        assert!(dirty.rows.contains(&0));
        let html = g.cell_html(0, 1, Locale::ru);
        assert!(html.contains("data-state=\"pending\""), "{html}");
        assert!(
            html.contains(&format!("data-testid=\"journal-cell-{S1}-{W1}\"")),
            "{html}"
        );
        assert!(html.contains(" m4"), "{html}");
    }

    #[test]
    fn the_same_value_again_is_no_change_and_retyping_the_old_value_undoes() {
        let mut g = Grid::new(journal());
        g.cursor = (0, 1);
        typed(&mut g, "5");
        assert!(!g.key(Key::Enter).save);
        assert!(!g.unsaved());
        g.cursor = (0, 1);
        typed(&mut g, "3");
        g.key(Key::Enter);
        g.cursor = (0, 1);
        typed(&mut g, "5");
        g.key(Key::Enter);
        assert!(!g.unsaved(), "back to the saved value");
    }

    #[test]
    fn attendance_typed_in_any_cell_of_a_lesson_sets_that_lessons_attendance() {
        let mut g = Grid::new(journal());
        g.cursor = (0, 2); // S1 × W2 of lesson 1
        typed(&mut g, "y");
        g.key(Key::Enter);
        let att = CellKey {
            student: S1,
            lesson: l1(),
            slot: Slot::Att,
        };
        assert_eq!(g.value(att).as_deref(), Some("н"));
        assert_eq!(
            g.value(g.key_at(0, 2).unwrap()),
            None,
            "the mark is untouched"
        );
        assert_eq!(g.shown_average(S1).absences, 2);
        let html = g.cell_html(0, 0, Locale::ru);
        assert!(html.contains(">Н</td>"), "{html}");
        assert!(
            html.contains(&format!("journal-att-{S1}-{}", l1())),
            "{html}"
        );
    }

    #[test]
    fn a_mark_in_the_attendance_column_or_a_lesson_without_works_goes_without_a_work() {
        let mut g = Grid::new(journal());
        g.cursor = (0, 3); // S1 × attendance of lesson 2 (no works)
        typed(&mut g, "4");
        g.key(Key::Tab);
        assert_eq!(g.cursor, (0, 4));
        let batch = g.take_batch().unwrap();
        assert_eq!(batch.marks.len(), 1);
        assert_eq!(batch.marks[0].work_id, None);
        assert_eq!(batch.marks[0].lesson_id, l2());
        assert_eq!(batch.marks[0].version, 0);
        assert!(batch.attendance.is_empty());
        assert!(g.take_batch().is_none(), "one batch in flight at a time");
        // The server made the lesson's first work and put the mark there.
        let created = work(Uuid::from_u128(0x799), l2(), false, 0);
        g.batch_saved(JournalBatchResult {
            marks: vec![mark(S1, l2(), created.id, "4", 1)],
            attendance: vec![],
            works: vec![created.clone()],
            averages: vec![StudentAverage {
                student_id: S1,
                average: Some(4.5),
                mark_count: 2,
                absences: 1,
            }],
        });
        assert!(!g.unsaved());
        assert_eq!(g.columns[4].slot, Slot::Work(created.id));
        assert!(g.take_dirty().full);
        assert_eq!(g.shown_average(S1).average, Some(4.5));
        assert_eq!(g.local_average(S1).average, Some(4.5), "the same function");
    }

    #[test]
    fn an_entry_typed_while_a_batch_is_in_flight_goes_in_the_next_one_on_the_new_version() {
        let mut g = Grid::new(journal());
        g.cursor = (0, 1);
        typed(&mut g, "4");
        g.key(Key::Enter);
        let first = g.take_batch().unwrap();
        assert_eq!(first.marks[0].version, 1);
        g.cursor = (0, 1);
        typed(&mut g, "3");
        g.key(Key::Enter);
        g.batch_saved(JournalBatchResult {
            marks: vec![mark(S1, l1(), W1, "4", 2)],
            attendance: vec![],
            works: vec![],
            averages: vec![],
        });
        let key = g.key_at(0, 1).unwrap();
        assert_eq!(g.state(key), CellState::Pending);
        assert_eq!(g.value(key).as_deref(), Some("3"));
        let second = g.take_batch().unwrap();
        assert_eq!(second.marks[0].version, 2);
        assert_eq!(second.marks[0].value.as_deref(), Some("3"));
    }

    #[test]
    fn a_conflict_shows_theirs_and_lets_the_user_choose() {
        let mut g = Grid::new(journal());
        g.cursor = (0, 1);
        typed(&mut g, "4");
        g.key(Key::Enter); // S1 × W1 → 4
        g.cursor = (0, 0);
        typed(&mut g, "н");
        g.key(Key::Enter); // S1 × attendance of lesson 1
        let batch = g.take_batch().unwrap();
        assert_eq!((batch.marks.len(), batch.attendance.len()), (1, 1));
        let mut problem = ApiError::from_code(ErrorCode::VersionMismatch, 412);
        if let ApiError::Problem { problem, .. } = &mut problem {
            problem.current = Some(
                serde_json::to_value(JournalConflict {
                    marks: vec![mark(S1, l1(), W1, "2", 3)],
                    attendance: vec![],
                })
                .unwrap(),
            );
        }
        g.batch_failed(batch_error(&problem));
        let key = g.key_at(0, 1).unwrap();
        let att = g.key_at(0, 0).unwrap();
        assert_eq!(g.state(key), CellState::Conflict);
        assert_eq!(g.value(key).as_deref(), Some("4"), "mine is still shown");
        assert_eq!(g.base(key), (Some("2".into()), 3), "theirs is known");
        assert_eq!(g.state(att), CellState::Pending, "not at fault: sent again");
        g.cursor = (0, 1);
        let panel = g.panel_html(Locale::ru);
        assert!(panel.contains("journal-keep-mine"), "{panel}");
        assert!(panel.contains("сейчас «2»"), "{panel}");
        let next = g.take_batch().unwrap();
        assert!(next.marks.is_empty() && next.attendance.len() == 1);
        g.batch_saved(JournalBatchResult {
            marks: vec![],
            attendance: vec![],
            works: vec![],
            averages: vec![],
        });
        assert!(g.keep_mine(key));
        let again = g.take_batch().unwrap();
        assert_eq!(again.marks[0].version, 3);
        assert_eq!(again.marks[0].value.as_deref(), Some("4"));
        g.batch_failed(BatchError::Conflict(JournalConflict {
            marks: vec![mark(S1, l1(), W1, "2", 4)],
            attendance: vec![],
        }));
        g.take_theirs(key);
        assert!(!g.unsaved());
        assert_eq!(g.value(key).as_deref(), Some("2"));
    }

    #[test]
    fn refused_fields_keep_the_typed_value_and_the_rest_is_sent_again() {
        let mut g = Grid::new(journal());
        g.cursor = (0, 1);
        typed(&mut g, "4");
        g.key(Key::Enter);
        g.cursor = (2, 4); // S3 × lesson 2
        typed(&mut g, "5");
        g.key(Key::Enter);
        let batch = g.take_batch().unwrap();
        assert_eq!(batch.marks.len(), 2);
        assert_eq!(batch.marks[1].student_id, S3);
        let mut err = ApiError::from_code(ErrorCode::ValidationFailed, 422);
        if let ApiError::Problem { problem, .. } = &mut err {
            problem.errors = vec![FieldError {
                field: "marks[1].value".into(),
                code: "not_enrolled".into(),
                message: "x".into(),
            }];
        }
        g.batch_failed(batch_error(&err));
        let bad = g.key_at(2, 4).unwrap();
        assert_eq!(g.state(bad), CellState::Error);
        assert_eq!(g.value(bad).as_deref(), Some("5"));
        assert_eq!(g.state(g.key_at(0, 1).unwrap()), CellState::Pending);
        let again = g.take_batch().unwrap();
        assert_eq!(again.marks.len(), 1, "the refused one waits for the user");
        g.batch_failed(BatchError::Other(Failure::Code(
            ErrorCode::EditWindowClosed,
        )));
        assert_eq!(g.counts().failed, 2);
        g.cursor = (0, 1);
        let panel = g.panel_html(Locale::ru);
        assert!(panel.contains("journal-cell-error"), "{panel}");
        assert!(g.retry_failed());
        assert_eq!(g.take_batch().unwrap().marks.len(), 2);
        g.batch_failed(BatchError::Other(Failure::Network));
        g.discard_failed();
        assert!(!g.unsaved());
    }

    #[test]
    fn a_comment_is_written_with_the_cells_value_and_version() {
        let mut j = journal();
        j.marks[0].comment = Some("устно".into());
        let mut g = Grid::new(j);
        let key = g.key_at(0, 1).unwrap(); // S1 × W1: 5, version 1
        assert_eq!(g.value(key).as_deref(), Some("5"));
        g.cursor = (0, 1);
        let html = g.cell_html(0, 1, Locale::ru);
        assert!(
            html.contains("jc-cmt") && html.contains("title=\"устно\""),
            "{html}"
        );
        let panel = g.panel_html(Locale::ru);
        assert!(panel.contains("data-testid=\"journal-comment\""), "{panel}");
        assert!(panel.contains("value=\"устно\""), "{panel}");
        assert!(panel.contains("maxlength=\"500\""), "{panel}");
        assert!(panel.contains("journal-comment-save"), "{panel}");
        // The same comment is no change.
        assert!(!g.set_comment(" устно ").save);
        assert!(!g.unsaved());
        // A new comment: one write with the current value and version.
        assert!(g.set_comment("  у доски ").save);
        assert_eq!(g.value(key).as_deref(), Some("5"));
        assert_eq!(g.state(key), CellState::Pending);
        assert_eq!(g.comment(key).as_deref(), Some("у доски"));
        let batch = g.take_batch().unwrap();
        assert_eq!(batch.marks.len(), 1);
        let w = &batch.marks[0];
        assert_eq!(
            (
                w.value.as_deref(),
                w.comment.as_deref(),
                w.version,
                w.work_id
            ),
            (Some("5"), Some("у доски"), 1, Some(W1))
        );
        let mut saved = mark(S1, l1(), W1, "5", 2);
        saved.comment = Some("у доски".into());
        g.batch_saved(JournalBatchResult {
            marks: vec![saved],
            attendance: vec![],
            works: vec![],
            averages: vec![],
        });
        assert!(!g.unsaved());
        // An empty comment removes it: sent as "".
        assert!(g.set_comment("   ").save);
        let batch = g.take_batch().unwrap();
        assert_eq!(batch.marks[0].comment.as_deref(), Some(""));
        assert_eq!(batch.marks[0].version, 2);
        assert_eq!(g.comment(key), None);
        assert!(!g.cell_html(0, 1, Locale::ru).contains("jc-cmt"));
        // At most 500 characters.
        assert_eq!(comment_text(&"я".repeat(600)).chars().count(), COMMENT_MAX);
    }

    #[test]
    fn a_comment_needs_a_writable_mark_and_rides_with_a_typed_value() {
        let mut g = Grid::new(journal());
        // The attendance column and an empty mark cell have no comment input.
        g.cursor = (0, 0);
        assert!(!g.panel_html(Locale::ru).contains("journal-comment"));
        assert!(!g.set_comment("x").save);
        g.cursor = (1, 1); // S2 × W1: no mark
        assert!(!g.panel_html(Locale::ru).contains("journal-comment"));
        assert!(!g.set_comment("x").save);
        assert!(!g.unsaved());
        // A typed mark and its comment go in one write; retyping the old value keeps the comment.
        typed(&mut g, "4");
        g.key(Key::Escape);
        g.cursor = (0, 1);
        typed(&mut g, "3");
        g.key(Key::Enter);
        g.cursor = (0, 1);
        assert!(g.set_comment("пересдача").save);
        typed(&mut g, "5");
        g.key(Key::Enter);
        let batch = g.take_batch().unwrap();
        assert_eq!(batch.marks.len(), 1);
        assert_eq!(batch.marks[0].value.as_deref(), Some("5"));
        assert_eq!(batch.marks[0].comment.as_deref(), Some("пересдача"));
        // Without a comment edit the cell's comment is kept (null).
        let mut g = Grid::new(journal());
        g.cursor = (0, 1);
        typed(&mut g, "4");
        g.key(Key::Enter);
        assert_eq!(g.take_batch().unwrap().marks[0].comment, None);
        // A locked cell has none either.
        g.cursor = (2, 1);
        assert!(!g.panel_html(Locale::ru).contains("journal-comment"));
    }

    #[test]
    fn off_scale_text_stays_with_a_note_and_escape_cancels() {
        let mut g = Grid::new(journal());
        g.cursor = (0, 1);
        typed(&mut g, "7");
        let out = g.key(Key::Enter);
        assert!(!out.moved && !out.save);
        assert_eq!(g.cursor, (0, 1));
        assert!(matches!(&g.note, Some(Note::NotOnScale(t)) if t == "7"));
        let panel = g.panel_html(Locale::ru);
        assert!(panel.contains("journal-note"), "{panel}");
        g.key(Key::Escape);
        assert_eq!(g.editing, None);
        assert!(!g.unsaved());
        // Backspace while typing removes a character; Delete clears the cell.
        typed(&mut g, "45");
        g.key(Key::Backspace);
        assert_eq!(g.editing.as_deref(), Some("4"));
        g.key(Key::Escape);
        let out = g.key(Key::Delete);
        assert!(out.save);
        let key = g.key_at(0, 1).unwrap();
        assert_eq!(g.value(key), None);
        assert_eq!(g.shown_average(S1).average, None);
        let batch = g.take_batch().unwrap();
        assert_eq!(batch.marks[0].value, None, "clearing sends null");
        // Escape on a cell with an unsaved change drops it (not while it is sent).
        g.key(Key::Escape);
        assert!(g.unsaved());
    }

    #[test]
    fn days_outside_the_enrollment_and_cancelled_or_foreign_lessons_are_locked() {
        let mut j = journal();
        j.lessons[1].writable = false;
        let mut g = Grid::new(j);
        assert_eq!(
            g.lock(1, &g.journal.lessons[1].clone()),
            Lock::NotEnrolled,
            "S2 left"
        );
        assert_eq!(
            g.lock(2, &g.journal.lessons[0].clone()),
            Lock::NotEnrolled,
            "S3 came later"
        );
        assert_eq!(g.lock(0, &g.journal.lessons[2].clone()), Lock::Cancelled);
        assert_eq!(g.lock(0, &g.journal.lessons[1].clone()), Lock::ReadOnly);
        g.cursor = (2, 1);
        typed(&mut g, "5");
        assert_eq!(g.editing, None);
        assert_eq!(g.note, Some(Note::Locked(Lock::NotEnrolled)));
        assert!(!g.key(Key::Delete).save);
        let panel = g.panel_html(Locale::ru);
        assert_eq!(panel.matches("не числится").count(), 1, "{panel}");
        assert!(
            panel.contains("journal-note") && !panel.contains("journal-palette"),
            "{panel}"
        );
        let html = g.cell_html(2, 1, Locale::ru);
        assert!(
            html.contains("jc-off") && html.contains("data-lock=\"not_enrolled\""),
            "{html}"
        );
        assert!(g.cell_html(0, 6, Locale::ru).contains("jc-cx"));
        assert!(g.cell_html(0, 4, Locale::ru).contains("jc-ro"));
        g.cursor = (0, 4);
        assert!(!g.put_value("5").save);
    }

    #[test]
    fn arrows_stop_at_the_edges_and_an_entry_is_entered_before_moving() {
        let mut g = Grid::new(journal());
        g.cursor = (0, 0);
        g.key(Key::Up);
        g.key(Key::Left);
        assert_eq!(g.cursor, (0, 0));
        g.key(Key::End);
        assert_eq!(g.cursor, (0, 6));
        g.key(Key::Right);
        assert_eq!(g.cursor, (0, 6));
        g.key(Key::Home);
        g.key(Key::Right);
        typed(&mut g, "3");
        g.key(Key::Down);
        assert_eq!(g.cursor, (1, 1));
        assert_eq!(g.value(g.key_at(0, 1).unwrap()).as_deref(), Some("3"));
        for _ in 0..5 {
            g.key(Key::Enter);
        }
        assert_eq!(g.cursor, (2, 1));
        g.key(Key::BackEnter);
        assert_eq!(g.cursor, (1, 1));
        let out = g.click(0, 2);
        assert!(out.moved);
        assert_eq!(g.cursor, (0, 2));
    }

    #[test]
    fn marks_are_coloured_by_value() {
        let j = journal();
        let s = &j.scale;
        assert_eq!(mark_class(s, "5"), "m5");
        assert_eq!(mark_class(s, "4"), "m4");
        assert_eq!(mark_class(s, "3"), "m3");
        assert_eq!(mark_class(s, "2"), "m2");
        assert_eq!(mark_class(s, "1"), "m2");
        assert_eq!(mark_class(s, "н/а"), "mx");
        let pf = MarkScale {
            values: MarkScale::pass_fail_values(),
            ..s.clone()
        };
        assert_eq!(mark_class(&pf, "зч"), "m5");
        assert_eq!(mark_class(&pf, "нз"), "m2");
    }

    #[test]
    fn the_grid_has_its_heads_rows_and_averages() {
        let g = Grid::new(journal());
        let html = g.grid_html(Locale::ru);
        assert!(html.contains("data-testid=\"journal-grid\""));
        assert!(html.contains(&format!("data-testid=\"journal-lesson-head-{}\"", l1())));
        assert!(html.contains(">02.11</span>"), "{html}");
        assert!(html.contains("КР<sup class=\"jg-w\">×3</sup>"), "{html}");
        assert!(html.contains(&format!("data-testid=\"journal-avg-{S1}\"")));
        assert!(html.contains("data-value=\"5.00\""), "{html}");
        assert!(html.contains(">5,00</td>"), "{html}");
        assert!(html.contains("jg-cancelled"));
        assert!(html.contains("Антонов Иван"));
        assert_eq!(html.matches("<td id=\"jc-").count(), 3 * 7);
        // The server's averages agree with the local computation.
        for s in [S1, S2] {
            assert_eq!(g.shown_average(s), g.local_average(s), "{s}");
        }
    }

    #[test]
    fn all_present_marks_the_lesson_head() {
        let mut g = Grid::new(journal());
        let head = |g: &Grid| {
            let html = g.grid_html(Locale::ru);
            let at = html
                .find(&format!("data-testid=\"journal-lesson-head-{}\"", l1()))
                .unwrap();
            html[at..].split('>').next().unwrap().to_string()
        };
        assert!(
            head(&g).contains("data-attendance-taken=\"false\""),
            "{}",
            head(&g)
        );
        g.take_dirty();
        g.set_attendance_taken(l1());
        assert!(g.take_dirty().full, "the grid is drawn again");
        assert!(
            head(&g).contains("data-attendance-taken=\"true\""),
            "{}",
            head(&g)
        );
        g.set_attendance_taken(l1());
        assert!(!g.take_dirty().full, "already taken: nothing to draw");
        assert!(g.journal.lessons[0].attendance_taken);
        assert!(!g.journal.lessons[1].attendance_taken);
    }

    #[test]
    fn the_next_lesson_gives_the_default_due_date_and_works_change_the_columns() {
        let mut g = Grid::new(journal());
        assert_eq!(g.next_lesson_date(l1()), Some(day(11, 5)));
        assert_eq!(g.next_lesson_date(l2()), None, "the next one is cancelled");
        let extra = Work {
            weight: 2.0,
            ..work(Uuid::from_u128(0x777), l2(), false, 0)
        };
        g.cursor = (0, 4);
        typed(&mut g, "5");
        g.key(Key::Enter);
        g.put_work(extra.clone());
        assert_eq!(g.columns[4].slot, Slot::Work(extra.id));
        let key = g.key_at(0, 4).unwrap();
        assert_eq!(
            g.value(key).as_deref(),
            Some("5"),
            "the typed mark moved to the work"
        );
        assert_eq!(g.take_batch().unwrap().marks[0].work_id, Some(extra.id));
        g.remove_work(W2);
        assert_eq!(g.columns.len(), 6);
        assert_eq!(
            g.shown_average(S2).average,
            None,
            "S2's only mark was on W2"
        );
    }

    #[test]
    fn the_palette_puts_values_like_typing() {
        let mut g = Grid::new(journal());
        g.cursor = (0, 1);
        let out = g.put_value("н");
        assert!(out.save && out.moved);
        assert_eq!(
            g.value(CellKey {
                student: S1,
                lesson: l1(),
                slot: Slot::Att
            })
            .as_deref(),
            Some("н")
        );
        let panel = g.panel_html(Locale::en);
        assert!(panel.contains("data-testid=\"journal-put-5\""), "{panel}");
        assert!(panel.contains("journal-status"), "{panel}");
    }

    #[test]
    fn batch_errors_are_read_from_the_problem() {
        assert_eq!(parse_write_field("marks[3].value"), Some((true, 3)));
        assert_eq!(parse_write_field("attendance[0].code"), Some((false, 0)));
        assert_eq!(parse_write_field("topic"), None);
        assert_eq!(
            batch_error(&ApiError::Network),
            BatchError::Other(Failure::Network)
        );
        let p = ApiError::from_code(ErrorCode::LessonCancelled, 409);
        assert_eq!(
            batch_error(&p),
            BatchError::Other(Failure::Code(ErrorCode::LessonCancelled))
        );
        assert_eq!(weight_text(2.0), "2");
        assert_eq!(weight_text(1.5), "1.5");
        assert_eq!(weight_text(0.25), "0.25");
    }

    #[test]
    fn the_picker_groups_courses_by_class_and_links_with_the_period() {
        let j = journal();
        let mut c1 = j.course.clone();
        c1.class_name = "10Б".into();
        c1.id = Uuid::from_u128(1);
        let mut c2 = j.course.clone();
        c2.id = Uuid::from_u128(2);
        c2.subject_name = "Английский язык".into();
        c2.group_number = Some(2);
        let mut c3 = j.course.clone();
        c3.id = Uuid::from_u128(3);
        c3.teacher_names = vec!["Петрова Мария Михайловна".into()];
        let groups = course_groups(vec![c1, c3, c2]);
        let names: Vec<&str> = groups.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["5А", "10Б"]);
        assert_eq!(groups[0].1[0].subject_name, "Английский язык");
        let school = Uuid::from_u128(0x5C00);
        let period = Uuid::from_u128(0xF1);
        let html = course_list_html(&groups, school, Some(period), Locale::ru);
        assert!(
            html.contains(&format!(
                "href=\"/journal/{}?school={school}&amp;period={period}\"",
                Uuid::from_u128(3)
            )),
            "{html}"
        );
        assert!(html.contains("Английский язык, гр. 2"), "{html}");
        assert!(html.contains("Петрова\u{a0}М.\u{a0}М."), "{html}");
        assert_eq!(period_label(Locale::ru, &j.period), "Четверть 2");
    }

    #[test]
    fn the_content_form_and_weights_are_checked() {
        let c = content_input(" Дроби ", "№ 12", "2026-11-05", 3).unwrap();
        assert_eq!(c.topic.as_deref(), Some("Дроби"));
        assert_eq!(c.homework_due_on, Some(day(11, 5)));
        assert_eq!(c.version, 3);
        let c = content_input("", "", "2026-11-05", 1).unwrap();
        assert_eq!(c.homework_due_on, None, "no homework, no due date");
        assert!(content_input("", "x", "05.11", 1).is_err());
        assert_eq!(parse_weight("1,5"), Some(1.5));
        assert_eq!(parse_weight("0"), None);
        assert_eq!(parse_weight("11"), None);
    }
}
