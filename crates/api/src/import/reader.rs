//! The one reader of import files (DESIGN §4 "Imports"; STYLE: "one CSV reader").
//!
//! An import kind (students, staff, courses …) declares the columns it takes as a list of
//! [`ColumnSpec`]s; [`read_upload`] (or [`read_csv`] / [`read_json`] directly) turns the uploaded
//! body into a [`Table`] of [`Row`]s, and the kind reads each value through a typed accessor
//! ([`Row::text`], [`Row::date`], [`Row::int`], [`Row::sex`] …) that answers a [`RowError`]
//! naming the line and the column.
//!
//! CSV, as Russian schools produce it (DESIGN §4 imports):
//! - encoding: a UTF-8 byte-order mark means UTF-8; otherwise valid UTF-8 is UTF-8, and anything
//!   else is Windows-1251 (Excel's "CSV (разделители — точка с запятой)" on a Russian Windows);
//!   UTF-16 is refused with a hint;
//! - separator: `,` or `;`, whichever splits the header line into more fields (an Excel `sep=;`
//!   first line is honoured); quoting follows RFC 4180 (the `csv` crate);
//! - CRLF or LF; blank lines (also Excel's `;;;;` rows) are skipped; every value is trimmed;
//! - the first non-blank line is the header: canonical snake_case names (`last_name`) or their
//!   Russian aliases (`Фамилия`), matched ignoring case, surrounding spaces, `_` vs space and
//!   `ё` vs `е`. Unknown, duplicate and missing required columns are errors on the header line, so
//!   a typo never silently drops data. Header cells left empty (Excel's trailing `;`) are ignored
//!   as long as no row puts a value under them.
//!
//! JSON: an array of objects (or `{"rows": [...]}`) keyed by the canonical names; values are
//! strings, numbers or `null`.

use std::borrow::Cow;
use std::fmt;
use std::ops::RangeInclusive;
use std::str::FromStr;
use std::sync::Arc;

use chrono::{NaiveDate, NaiveTime};
use csv::StringRecord;
use serde::Serialize;
use serde_json::Value;

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

// ---------------------------------------------------------------------------------------------
// Column specs and the alias table
// ---------------------------------------------------------------------------------------------

/// One column an import kind takes: its canonical snake_case `name` (the JSON field name and the
/// English CSV header, as in the sample files) and whether the header must contain it. A required
/// column may still hold an empty value in some row; [`Row::text`] and friends report that.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ColumnSpec {
    /// Canonical name, e.g. `"birth_date"`.
    pub name: &'static str,
    /// The header (or, for JSON, at least one item) must contain this column.
    pub required: bool,
}

impl ColumnSpec {
    /// A column the file must have.
    pub const fn required(name: &'static str) -> Self {
        ColumnSpec {
            name,
            required: true,
        }
    }

    /// A column the file may leave out.
    pub const fn optional(name: &'static str) -> Self {
        ColumnSpec {
            name,
            required: false,
        }
    }
}

// Russian (and a few English) header spellings per canonical name. Matching normalises case,
// spaces, `_` and `ё`, so list each spelling once. Only the columns of the kind being imported are
// considered, so `Начало` means `starts_on` for periods and `starts_at` for the bell schedule.
const EXTERNAL_ID: &[&str] = &[
    "Код",
    "Внешний код",
    "ID",
    "Идентификатор",
    "Внешний идентификатор",
];
const LAST_NAME: &[&str] = &["Фамилия"];
const FIRST_NAME: &[&str] = &["Имя"];
const MIDDLE_NAME: &[&str] = &["Отчество"];
const BIRTH_DATE: &[&str] = &["Дата рождения"];
const SEX: &[&str] = &["Пол"];
const CLASS: &[&str] = &["Класс"];
const GROUP: &[&str] = &["Группа", "Подгруппа"];
const ROLE: &[&str] = &["Роль", "Должность"];
const SUBJECT: &[&str] = &["Предмет"];
const EMAIL: &[&str] = &["Email", "E-mail", "Эл. почта", "Электронная почта", "Почта"];
const NAME: &[&str] = &["Название", "Наименование"];
const SHORT_NAME: &[&str] = &[
    "Краткое название",
    "Краткое наименование",
    "Сокращение",
    "Сокращенное название",
];
const GRADE: &[&str] = &["Параллель", "Год обучения"];
const LETTER: &[&str] = &["Литера", "Буква"];
const CLASS_TEACHER_EXTERNAL_ID: &[&str] = &["Классный руководитель", "Код классного руководителя"];
const STUDENT_EXTERNAL_ID: &[&str] = &["Код ученика", "Код обучающегося"];
const RELATION: &[&str] = &["Кем приходится", "Степень родства", "Родство"];
const PHONE: &[&str] = &["Телефон", "Тел.", "Мобильный телефон"];
const TEACHER_EXTERNAL_ID: &[&str] = &["Код учителя", "Учитель", "Педагог"];
const HOURS_PER_WEEK: &[&str] = &["Часов в неделю", "Часы в неделю"];
const ACADEMIC_YEAR: &[&str] = &["Учебный год"];
const KIND: &[&str] = &["Вид периода", "Тип периода", "Тип"];
const NUMBER: &[&str] = &["Номер", "№"];
const STARTS_ON: &[&str] = &["Начало", "Дата начала"];
const ENDS_ON: &[&str] = &["Окончание", "Дата окончания"];
const WEEKDAY: &[&str] = &["День недели"];
const LESSON_NUMBER: &[&str] = &["Номер урока", "№ урока", "Урок"];
const ROOM: &[&str] = &["Кабинет", "Каб.", "Аудитория"];
const STARTS_AT: &[&str] = &["Начало", "Время начала"];
const ENDS_AT: &[&str] = &["Окончание", "Время окончания"];
const VALID_FROM: &[&str] = &["Действует с"];
const VALID_TO: &[&str] = &["Действует по"];

/// Canonical name → header aliases; the one place that knows them.
const ALIASES: &[(&str, &[&str])] = &[
    ("external_id", EXTERNAL_ID),
    ("last_name", LAST_NAME),
    ("first_name", FIRST_NAME),
    ("middle_name", MIDDLE_NAME),
    ("birth_date", BIRTH_DATE),
    ("sex", SEX),
    ("class", CLASS),
    ("group", GROUP),
    ("role", ROLE),
    ("subject", SUBJECT),
    ("email", EMAIL),
    ("name", NAME),
    ("short_name", SHORT_NAME),
    ("grade", GRADE),
    ("letter", LETTER),
    ("class_teacher_external_id", CLASS_TEACHER_EXTERNAL_ID),
    ("student_external_id", STUDENT_EXTERNAL_ID),
    ("relation", RELATION),
    ("phone", PHONE),
    ("teacher_external_id", TEACHER_EXTERNAL_ID),
    ("hours_per_week", HOURS_PER_WEEK),
    ("academic_year", ACADEMIC_YEAR),
    ("kind", KIND),
    ("number", NUMBER),
    ("starts_on", STARTS_ON),
    ("ends_on", ENDS_ON),
    ("weekday", WEEKDAY),
    ("lesson_number", LESSON_NUMBER),
    ("room", ROOM),
    ("starts_at", STARTS_AT),
    ("ends_at", ENDS_AT),
    ("valid_from", VALID_FROM),
    ("valid_to", VALID_TO),
];

/// The header aliases accepted for a canonical column name, the usual Russian one first
/// (`aliases("last_name") == ["Фамилия"]`); empty for a name without aliases. Useful for import
/// templates and help texts.
pub fn aliases(name: &str) -> &'static [&'static str] {
    ALIASES
        .iter()
        .find(|(canonical, _)| *canonical == name)
        .map_or(&[], |&(_, list)| list)
}

/// Header text reduced for comparison: lowercase, `ё` → `е`, `_` as a space, runs of whitespace
/// as one space, no surrounding whitespace.
fn normalize_header(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text
        .split(|c: char| c.is_whitespace() || c == '_')
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(
            word.chars()
                .flat_map(char::to_lowercase)
                .map(|c| if c == 'ё' { 'е' } else { c }),
        );
    }
    out
}

/// `last_name (Фамилия)`, for messages.
fn describe(name: &str) -> String {
    match aliases(name).first() {
        Some(alias) => format!("{name} ({alias})"),
        None => name.to_owned(),
    }
}

// ---------------------------------------------------------------------------------------------
// Result types
// ---------------------------------------------------------------------------------------------

/// A problem with one line of an import file, for the import answer (DESIGN §4: "the answer lists
/// every row's outcome").
///
/// `line` is the physical line of a CSV file (the header is line 1, or the line it is on when
/// blank or `sep=` lines precede it) or the 1-based item index of a JSON array. Problems with the
/// whole file (empty, undecodable, not valid JSON, missing column) are reported on line 1, or on
/// the header line for the header. `column` is the canonical column name (`birth_date`), the
/// header cell as written for an unknown or duplicate column, or absent when the problem is not
/// about one column. `message` is English.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct RowError {
    /// 1-based line (CSV) or item number (JSON).
    pub line: usize,
    /// The column concerned, if any.
    pub column: Option<String>,
    /// What is wrong, e.g. `"31.02.2015" is not a date: February 2015 has 28 days`.
    pub message: String,
}

impl RowError {
    /// An error on `line`, about `column` if given.
    pub fn new(line: usize, column: Option<&str>, message: impl Into<String>) -> Self {
        RowError {
            line,
            column: column.map(str::to_owned),
            message: message.into(),
        }
    }
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.column {
            Some(column) => write!(f, "line {}, {column}: {}", self.line, self.message),
            None => write!(f, "line {}: {}", self.line, self.message),
        }
    }
}

impl std::error::Error for RowError {}

/// A whole-file problem, as the `Err` of the readers.
fn file_error(line: usize, message: impl Into<String>) -> Vec<RowError> {
    vec![RowError::new(line, None, message)]
}

/// A read import file.
///
/// `columns` are the canonical names of the spec's columns that the file has, in spec order;
/// `rows` the readable records in file order (blank lines skipped; a header-only file or an empty
/// JSON array gives none — the caller decides whether that is an error). `errors` are records the
/// reader could not turn into a row (wrong number of fields, a value under a header-less column,
/// a JSON item that is not an object or holds a nested value); they are not in `rows`, and the
/// caller reports them with its own per-row errors: a batch with any error is not written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Table {
    /// Canonical names of the columns present, in spec order.
    pub columns: Vec<&'static str>,
    /// The records, each with its line.
    pub rows: Vec<Row>,
    /// Records that could not be read, by line.
    pub errors: Vec<RowError>,
}

/// One record of an import file: its `line` (see [`RowError`]) and a trimmed value per column of
/// the [`Table`]. Values are read through the accessors, which return a [`RowError`] naming this
/// line and the column. An absent optional column reads as an empty value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// Physical line in the CSV file (header = 1), or 1-based JSON item index.
    pub line: usize,
    /// Shared by every row of a table (no per-row header map).
    columns: Arc<[&'static str]>,
    /// Indexed like `columns`.
    fields: Vec<String>,
}

impl Row {
    /// The trimmed raw value of a column: `None` when the table has no such column, `Some("")`
    /// when the value is empty.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.columns
            .iter()
            .position(|c| *c == name)
            .and_then(|i| self.fields.get(i))
            .map(String::as_str)
    }

    /// `(column, value)` pairs in column order.
    pub fn fields(&self) -> impl Iterator<Item = (&'static str, &str)> + '_ {
        self.columns
            .iter()
            .copied()
            .zip(self.fields.iter().map(String::as_str))
    }

    /// An error on this row about `column`, for the caller's own checks ("no class 5Я").
    pub fn error(&self, column: &str, message: impl Into<String>) -> RowError {
        RowError::new(self.line, Some(column), message)
    }

    /// The value parsed by `parse`, `None` when empty or absent.
    fn parsed<'a, T>(
        &'a self,
        name: &str,
        parse: impl FnOnce(&'a str) -> Result<T, String>,
    ) -> Result<Option<T>, RowError> {
        match self.get(name) {
            None | Some("") => Ok(None),
            Some(value) => parse(value).map(Some).map_err(|m| self.error(name, m)),
        }
    }

    /// `value`, or "a value is required".
    fn required<T>(&self, name: &str, value: Option<T>) -> Result<T, RowError> {
        value.ok_or_else(|| self.error(name, "a value is required"))
    }

    /// Optional text: `None` when empty; an error when it holds a control character.
    pub fn opt_text(&self, name: &str) -> Result<Option<&str>, RowError> {
        self.parsed(name, check_text)
    }

    /// Non-empty text without control characters.
    pub fn text(&self, name: &str) -> Result<&str, RowError> {
        let value = self.opt_text(name)?;
        self.required(name, value)
    }

    /// Optional date (`YYYY-MM-DD` or `DD.MM.YYYY`, see [`parse_date`]).
    pub fn opt_date(&self, name: &str) -> Result<Option<NaiveDate>, RowError> {
        self.parsed(name, parse_date)
    }

    /// Required date (`YYYY-MM-DD` or `DD.MM.YYYY`, see [`parse_date`]).
    pub fn date(&self, name: &str) -> Result<NaiveDate, RowError> {
        let value = self.opt_date(name)?;
        self.required(name, value)
    }

    /// Optional time of day (`HH:MM`, see [`parse_time`]).
    pub fn opt_time(&self, name: &str) -> Result<Option<NaiveTime>, RowError> {
        self.parsed(name, parse_time)
    }

    /// Required time of day (`HH:MM`, see [`parse_time`]).
    pub fn time(&self, name: &str) -> Result<NaiveTime, RowError> {
        let value = self.opt_time(name)?;
        self.required(name, value)
    }

    /// Optional whole number within `range` (see [`parse_int`]).
    pub fn opt_int<T>(&self, name: &str, range: RangeInclusive<T>) -> Result<Option<T>, RowError>
    where
        T: FromStr + PartialOrd + fmt::Display,
    {
        self.parsed(name, |value| parse_int(value, &range))
    }

    /// Required whole number within `range` (see [`parse_int`]): `row.int("grade", 1..=11)`.
    pub fn int<T>(&self, name: &str, range: RangeInclusive<T>) -> Result<T, RowError>
    where
        T: FromStr + PartialOrd + fmt::Display,
    {
        let value = self.opt_int(name, range)?;
        self.required(name, value)
    }

    /// Optional sex, `"M"` or `"F"` (see [`parse_sex`]).
    pub fn opt_sex(&self, name: &str) -> Result<Option<&'static str>, RowError> {
        self.parsed(name, parse_sex)
    }

    /// Required sex, `"M"` or `"F"` (see [`parse_sex`]).
    pub fn sex(&self, name: &str) -> Result<&'static str, RowError> {
        let value = self.opt_sex(name)?;
        self.required(name, value)
    }
}

// ---------------------------------------------------------------------------------------------
// Value helpers (the rules behind the accessors; errors are messages without line/column)
// ---------------------------------------------------------------------------------------------

/// Accepts text without control characters (NUL, tab, line breaks, C1 codes …): PostgreSQL
/// cannot store NUL and no name or code holds the others. Returns the text unchanged.
pub fn check_text(value: &str) -> Result<&str, String> {
    match value.chars().find(|c| c.is_control()) {
        Some(c) => Err(format!(
            "contains the control character U+{:04X}; only printable text is allowed",
            u32::from(c)
        )),
        None => Ok(value),
    }
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// A date as `YYYY-MM-DD` (DESIGN §4 API conventions) or `DD.MM.YYYY` (Russian usage, Excel),
/// with one- or two-digit day and month and a four-digit year. A date that does not exist
/// (`31.02.2015`) is an error saying why.
pub fn parse_date(value: &str) -> Result<NaiveDate, String> {
    fn split3(s: &str, sep: char) -> Option<(&str, &str, &str)> {
        let mut parts = s.split(sep);
        let parts3 = (parts.next()?, parts.next()?, parts.next()?);
        parts.next().is_none().then_some(parts3)
    }
    fn digits(s: &str, len: RangeInclusive<usize>) -> Option<u32> {
        if len.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit()) {
            s.parse().ok()
        } else {
            None
        }
    }
    let value = value.trim();
    let parts = if let Some((y, m, d)) = split3(value, '-') {
        (digits(y, 4..=4), digits(m, 1..=2), digits(d, 1..=2))
    } else if let Some((d, m, y)) = split3(value, '.') {
        (digits(y, 4..=4), digits(m, 1..=2), digits(d, 1..=2))
    } else {
        (None, None, None)
    };
    let (Some(year), Some(month), Some(day)) = parts else {
        return Err(format!(
            "expected a date as YYYY-MM-DD or DD.MM.YYYY, found {value:?}"
        ));
    };
    // Four ASCII digits always fit.
    let year = year as i32;
    let Some(month_name) = month.checked_sub(1).and_then(|i| MONTHS.get(i as usize)) else {
        return Err(format!(
            "{value:?} is not a date: there is no month {month}"
        ));
    };
    NaiveDate::from_ymd_opt(year, month, day).ok_or_else(|| {
        let days = (28..=31)
            .rev()
            .find(|d| NaiveDate::from_ymd_opt(year, month, *d).is_some())
            .unwrap_or(31);
        if day == 0 {
            format!("{value:?} is not a date: there is no day 0")
        } else {
            format!("{value:?} is not a date: {month_name} {year} has {days} days")
        }
    })
}

/// A time of day as `HH:MM` or `H:MM` (bell schedules), seconds optional (`HH:MM:SS`).
pub fn parse_time(value: &str) -> Result<NaiveTime, String> {
    let value = value.trim();
    let parts: Vec<&str> = value.split(':').collect();
    let number = |s: &str, max_len: usize| {
        (!s.is_empty() && s.len() <= max_len && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse::<u32>().ok())
            .flatten()
    };
    let (hour, minute, second) = match parts.as_slice() {
        [h, m] if m.len() == 2 => (number(h, 2), number(m, 2), Some(0)),
        [h, m, s] if m.len() == 2 && s.len() == 2 => (number(h, 2), number(m, 2), number(s, 2)),
        _ => (None, None, None),
    };
    let (Some(hour), Some(minute), Some(second)) = (hour, minute, second) else {
        return Err(format!("expected a time as HH:MM, found {value:?}"));
    };
    NaiveTime::from_hms_opt(hour, minute, second)
        .ok_or_else(|| format!("{value:?} is not a time of day"))
}

/// A whole number within `range` (decimal digits, optional sign, surrounding spaces ignored).
pub fn parse_int<T>(value: &str, range: &RangeInclusive<T>) -> Result<T, String>
where
    T: FromStr + PartialOrd + fmt::Display,
{
    let value = value.trim();
    match value.parse::<T>() {
        Ok(n) if range.contains(&n) => Ok(n),
        _ => Err(format!(
            "expected a whole number from {} to {}, found {value:?}",
            range.start(),
            range.end()
        )),
    }
}

/// Sex as `"M"` or `"F"`, from `M`/`F`, `м`/`ж` (any case), `муж`/`жен` (with or without a dot),
/// `мужской`/`женский`, `male`/`female`.
pub fn parse_sex(value: &str) -> Result<&'static str, String> {
    let key = value.trim().trim_end_matches('.').to_lowercase();
    match key.as_str() {
        "m" | "м" | "муж" | "мужской" | "male" => Ok("M"),
        "f" | "ж" | "жен" | "женский" | "female" => Ok("F"),
        _ => Err(format!(
            "expected M or F (м or ж), found {:?}",
            value.trim()
        )),
    }
}

// ---------------------------------------------------------------------------------------------
// Format detection and entry points
// ---------------------------------------------------------------------------------------------

/// The format of an upload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Comma- or semicolon-separated values, see the module docs.
    Csv,
    /// A JSON array of objects, or `{"rows": [...]}`.
    Json,
}

/// The format of an upload: JSON when the content type is `application/json` (or `…+json`) or the
/// body's first non-blank character (after a BOM) is `[` or `{`; CSV otherwise (`text/csv`,
/// `text/plain`, `application/octet-stream`, none …) — a CSV header never starts with a bracket.
pub fn detect_format(content_type: Option<&str>, bytes: &[u8]) -> Format {
    let mime = content_type
        .and_then(|c| c.split(';').next())
        .map(|m| m.trim().to_ascii_lowercase());
    if let Some(mime) = &mime
        && (mime == "application/json" || mime.ends_with("+json"))
    {
        return Format::Json;
    }
    let body = bytes.strip_prefix(UTF8_BOM).unwrap_or(bytes);
    match body.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'[' | b'{') => Format::Json,
        _ => Format::Csv,
    }
}

/// Reads an uploaded body of either format ([`detect_format`], then [`read_csv`] or
/// [`read_json`]). A body that is not valid JSON is an error on line 1 giving serde's position.
pub fn read_upload(
    content_type: Option<&str>,
    bytes: &[u8],
    spec: &[ColumnSpec],
) -> Result<Table, Vec<RowError>> {
    match detect_format(content_type, bytes) {
        Format::Csv => read_csv(bytes, spec),
        Format::Json => {
            let body = bytes.strip_prefix(UTF8_BOM).unwrap_or(bytes);
            let value = serde_json::from_slice(body)
                .map_err(|e| file_error(1, format!("the body is not valid JSON: {e}")))?;
            read_json(value, spec)
        }
    }
}

// ---------------------------------------------------------------------------------------------
// CSV
// ---------------------------------------------------------------------------------------------

/// Reads a CSV file against `spec` (rules in the module docs).
///
/// `Err` holds every whole-file problem: an empty file, UTF-16, a BOM followed by invalid UTF-8,
/// and every header problem (unknown, duplicate, ambiguous or missing required column), each on
/// the header line. Problems with single records go to [`Table::errors`].
pub fn read_csv(bytes: &[u8], spec: &[ColumnSpec]) -> Result<Table, Vec<RowError>> {
    let text = decode(bytes)?;
    let (hint, body, offset) = split_sep_hint(&text);
    let delimiter = hint.unwrap_or_else(|| detect_delimiter(body));
    // A record's position is where the reader stood after the previous record: before the LF of
    // a CRLF and before skipped empty lines. Step over those to the line the record starts on.
    let line_of = |record: &StringRecord| {
        let Some(position) = record.position() else {
            return offset + 1;
        };
        let start = usize::try_from(position.byte()).unwrap_or(usize::MAX);
        let skipped = body
            .as_bytes()
            .get(start..)
            .unwrap_or_default()
            .iter()
            .take_while(|b| matches!(b, b'\r' | b'\n'))
            .filter(|&&b| b == b'\n')
            .count();
        usize::try_from(position.line())
            .unwrap_or(usize::MAX)
            .saturating_add(skipped)
            .saturating_add(offset)
    };

    let mut reader = csv_reader(body, delimiter);
    let mut record = StringRecord::new();
    let header = loop {
        match reader.read_record(&mut record) {
            Ok(true) if is_blank(&record) => {}
            Ok(true) => break record.clone(),
            Ok(false) => return Err(file_error(1, "the file is empty")),
            Err(e) => return Err(file_error(csv_error_line(&e, offset), e.to_string())),
        }
    };
    let layout = Layout::new(&header, line_of(&header), spec)?;

    let mut table = Table {
        columns: layout.columns.to_vec(),
        ..Table::default()
    };
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                // Not expected from text input; report it rather than loop on it.
                let line = csv_error_line(&e, offset);
                table.errors.push(RowError::new(line, None, e.to_string()));
                break;
            }
        }
        if is_blank(&record) {
            continue;
        }
        let line = line_of(&record);
        match layout.row(line, &record, delimiter) {
            Ok(row) => table.rows.push(row),
            Err(e) => table.errors.push(e),
        }
    }
    Ok(table)
}

/// The text of the file: UTF-8 after a BOM, UTF-8 when valid, Windows-1251 otherwise.
fn decode(bytes: &[u8]) -> Result<Cow<'_, str>, Vec<RowError>> {
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return Err(file_error(
            1,
            "the file is UTF-16 text; save it as \"CSV UTF-8\" or \"CSV (разделители — точка с \
             запятой)\"",
        ));
    }
    if let Some(rest) = bytes.strip_prefix(UTF8_BOM) {
        return std::str::from_utf8(rest).map(Cow::Borrowed).map_err(|e| {
            let line = 1 + rest[..e.valid_up_to()]
                .iter()
                .filter(|b| **b == b'\n')
                .count();
            file_error(
                line,
                "the file starts with a UTF-8 byte-order mark but is not valid UTF-8 here",
            )
        });
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(Cow::Borrowed(text)),
        Err(_) => {
            // A file edited in two programs can mix UTF-8 lines with Windows-1251 ones; decoding
            // it all as Windows-1251 would store the UTF-8 lines' names garbled («РџРµС‚...»).
            if let (Some(utf8), Some(other)) = mixed_encodings(bytes) {
                return Err(file_error(
                    other,
                    format!(
                        "line {other} is not UTF-8 while line {utf8} is: the file mixes two \
                         encodings; save the whole file as \"CSV UTF-8\""
                    ),
                ));
            }
            // Every byte has a character in Windows-1251, so this never fails.
            Ok(encoding_rs::WINDOWS_1251
                .decode_without_bom_handling(bytes)
                .0)
        }
    }
}

/// The first line (1-based) with non-ASCII text that is valid UTF-8 and the first that is not.
/// A Windows-1251 line of Cyrillic text is practically never valid UTF-8 (its letters are all
/// bytes ≥ 0xC0, which UTF-8 never puts next to each other).
fn mixed_encodings(bytes: &[u8]) -> (Option<usize>, Option<usize>) {
    let (mut utf8, mut other) = (None, None);
    for (i, line) in bytes.split(|b| *b == b'\n').enumerate() {
        if line.is_ascii() {
            continue;
        }
        if std::str::from_utf8(line).is_ok() {
            utf8.get_or_insert(i + 1);
        } else {
            other.get_or_insert(i + 1);
        }
        if utf8.is_some() && other.is_some() {
            break;
        }
    }
    (utf8, other)
}

/// Excel's optional first line `sep=;` / `sep=,`: the separator it names, the text after it and
/// the number of lines it took.
fn split_sep_hint(text: &str) -> (Option<u8>, &str, usize) {
    let (first, rest) = text.split_once('\n').unwrap_or((text, ""));
    match first.trim().to_ascii_lowercase().as_str() {
        "sep=;" => (Some(b';'), rest, 1),
        "sep=," => (Some(b','), rest, 1),
        _ => (None, text, 0),
    }
}

/// `;` when it splits the first non-blank record into more fields than `,`; else `,`.
fn detect_delimiter(text: &str) -> u8 {
    let width = |delimiter| {
        let mut reader = csv_reader(text, delimiter);
        let mut record = StringRecord::new();
        while reader.read_record(&mut record).unwrap_or(false) {
            if !is_blank(&record) {
                return record.len();
            }
        }
        0
    };
    if width(b';') > width(b',') {
        b';'
    } else {
        b','
    }
}

/// A reader that hands over every record as is: the header and the field count are checked here.
fn csv_reader(text: &str, delimiter: u8) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes())
}

/// A record with nothing but whitespace and separators: a blank line or Excel's `;;;;` row (also
/// before the separator is known).
fn is_blank(record: &StringRecord) -> bool {
    record
        .iter()
        .all(|f| f.chars().all(|c| c.is_whitespace() || c == ',' || c == ';'))
}

fn csv_error_line(e: &csv::Error, offset: usize) -> usize {
    e.position()
        .map_or(1, |p| usize::try_from(p.line()).unwrap_or(usize::MAX))
        .saturating_add(offset)
}

/// How the cells of a CSV record map onto the table's columns; built once from the header.
struct Layout {
    /// Canonical names present, in spec order.
    columns: Arc<[&'static str]>,
    /// Per header cell: the index into `columns`, `None` for a header-less cell.
    by_position: Vec<Option<usize>>,
}

impl Layout {
    /// Matches the header cells against `spec`; every problem is an error on `line`.
    fn new(header: &StringRecord, line: usize, spec: &[ColumnSpec]) -> Result<Self, Vec<RowError>> {
        let normalized: Vec<Vec<String>> = spec
            .iter()
            .map(|c| {
                std::iter::once(c.name)
                    .chain(aliases(c.name).iter().copied())
                    .map(normalize_header)
                    .collect()
            })
            .collect();
        let mut errors = Vec::new();
        // Per header cell: the spec index it names.
        let mut spec_at: Vec<Option<usize>> = Vec::with_capacity(header.len());
        // Per spec column: the 1-based header position that named it.
        let mut found_at: Vec<Option<usize>> = vec![None; spec.len()];
        for (position, cell) in header.iter().enumerate() {
            let cell = cell.trim();
            if cell.is_empty() {
                spec_at.push(None);
                continue;
            }
            let key = normalize_header(cell);
            let hits: Vec<usize> = (0..spec.len())
                .filter(|&i| normalized[i].contains(&key))
                .collect();
            let index = match hits.as_slice() {
                [] => {
                    let expected: Vec<String> = spec.iter().map(|c| describe(c.name)).collect();
                    errors.push(RowError::new(
                        line,
                        Some(cell),
                        format!(
                            "unknown column {cell:?}; this import takes: {}",
                            expected.join(", ")
                        ),
                    ));
                    None
                }
                &[i] => match found_at[i] {
                    Some(first) => {
                        errors.push(RowError::new(
                            line,
                            Some(cell),
                            format!(
                                "duplicate column {cell:?}: column {first} is already {:?}",
                                spec[i].name
                            ),
                        ));
                        None
                    }
                    None => {
                        found_at[i] = Some(position + 1);
                        Some(i)
                    }
                },
                many => {
                    let names: Vec<&str> = many.iter().map(|&i| spec[i].name).collect();
                    errors.push(RowError::new(
                        line,
                        Some(cell),
                        format!(
                            "ambiguous column {cell:?}: it could be {}; use the canonical name",
                            names.join(" or ")
                        ),
                    ));
                    None
                }
            };
            spec_at.push(index);
        }
        for (column, found) in spec.iter().zip(&found_at) {
            if column.required && found.is_none() {
                errors.push(RowError::new(
                    line,
                    Some(column.name),
                    format!("missing required column {}", describe(column.name)),
                ));
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }

        // Spec index → table index, counting only the columns present.
        let mut table_at = vec![None; spec.len()];
        let mut columns = Vec::new();
        for (i, (column, found)) in spec.iter().zip(&found_at).enumerate() {
            if found.is_some() {
                table_at[i] = Some(columns.len());
                columns.push(column.name);
            }
        }
        let by_position = spec_at
            .iter()
            .map(|s| s.and_then(|i| table_at[i]))
            .collect();
        Ok(Layout {
            columns: columns.into(),
            by_position,
        })
    }

    /// The row of a (non-blank) record, or why it has none.
    fn row(&self, line: usize, record: &StringRecord, delimiter: u8) -> Result<Row, RowError> {
        let expected = self.by_position.len();
        if record.len() != expected {
            let mut message = format!(
                "expected {expected} fields as in the header, found {}",
                record.len()
            );
            if record.len() > expected {
                message.push_str(&format!(
                    "; a value containing \"{}\" must be in double quotes",
                    char::from(delimiter)
                ));
            }
            return Err(RowError::new(line, None, message));
        }
        let mut fields = vec![String::new(); self.columns.len()];
        for (position, (cell, target)) in record.iter().zip(&self.by_position).enumerate() {
            let cell = cell.trim();
            match target.and_then(|t| fields.get_mut(t)) {
                Some(field) => cell.clone_into(field),
                None if cell.is_empty() => {}
                None => {
                    return Err(RowError::new(
                        line,
                        None,
                        format!(
                            "value {cell:?} in column {} which has no header",
                            position + 1
                        ),
                    ));
                }
            }
        }
        Ok(Row {
            line,
            columns: Arc::clone(&self.columns),
            fields,
        })
    }
}

// ---------------------------------------------------------------------------------------------
// JSON
// ---------------------------------------------------------------------------------------------

/// Reads a JSON import: an array of objects, or an object `{"rows": [...]}`, keyed by the
/// canonical names of `spec` (exactly; no aliases). Strings are trimmed, numbers read as their
/// decimal text, `null` and absent fields as empty. A row's `line` is the 1-based item index.
///
/// `Err` holds whole-body problems: another top-level shape (line 1), each unknown field name (on
/// the first item that has it, with the field as `column`), and each required field that no item
/// has (line 1). Items that are not objects or hold a boolean, array or object value go to
/// [`Table::errors`].
pub fn read_json(value: Value, spec: &[ColumnSpec]) -> Result<Table, Vec<RowError>> {
    let items = match value {
        Value::Array(items) => Some(items),
        Value::Object(mut map) if map.len() == 1 => match map.remove("rows") {
            Some(Value::Array(items)) => Some(items),
            _ => None,
        },
        _ => None,
    };
    let Some(items) = items else {
        return Err(file_error(
            1,
            "the body must be a JSON array of objects or {\"rows\": [...]}",
        ));
    };

    let spec_index = |key: &str| spec.iter().position(|c| c.name == key);
    let mut errors = Vec::new();
    let mut present = vec![false; spec.len()];
    let mut unknown: Vec<&str> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let Value::Object(map) = item else { continue };
        for key in map.keys() {
            match spec_index(key) {
                Some(s) => present[s] = true,
                None if unknown.contains(&key.as_str()) => {}
                None => {
                    unknown.push(key.as_str());
                    let expected: Vec<&str> = spec.iter().map(|c| c.name).collect();
                    errors.push(RowError::new(
                        i + 1,
                        Some(key.as_str()),
                        format!(
                            "unknown field {key:?}; this import takes: {}",
                            expected.join(", ")
                        ),
                    ));
                }
            }
        }
    }
    if !items.is_empty() {
        for (column, present) in spec.iter().zip(&present) {
            if column.required && !present {
                errors.push(RowError::new(
                    1,
                    Some(column.name),
                    format!("missing required field {:?}", column.name),
                ));
            }
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }

    let mut table_at = vec![None; spec.len()];
    let mut names = Vec::new();
    for (i, (column, present)) in spec.iter().zip(&present).enumerate() {
        if *present {
            table_at[i] = Some(names.len());
            names.push(column.name);
        }
    }
    let columns: Arc<[&'static str]> = names.into();
    let mut table = Table {
        columns: columns.to_vec(),
        ..Table::default()
    };
    for (i, item) in items.into_iter().enumerate() {
        let line = i + 1;
        let Value::Object(map) = item else {
            table.errors.push(RowError::new(
                line,
                None,
                format!("item {line} is not a JSON object"),
            ));
            continue;
        };
        let mut fields = vec![String::new(); columns.len()];
        let mut error = None;
        for (key, value) in map {
            let Some(field) = spec_index(&key)
                .and_then(|s| table_at[s])
                .and_then(|t| fields.get_mut(t))
            else {
                continue;
            };
            match value {
                Value::String(s) if s.trim().len() == s.len() => *field = s,
                Value::String(s) => s.trim().clone_into(field),
                Value::Number(n) => *field = number_text(&n),
                Value::Null => {}
                Value::Bool(_) | Value::Array(_) | Value::Object(_) => {
                    error.get_or_insert_with(|| {
                        RowError::new(line, Some(key.as_str()), "expected a string or a number")
                    });
                }
            }
        }
        match error {
            Some(e) => table.errors.push(e),
            None => table.rows.push(Row {
                line,
                columns: Arc::clone(&columns),
                fields,
            }),
        }
    }
    Ok(table)
}

/// A JSON number as text: integers exactly, whole floats without `.0` (`5.0` → `5`).
fn number_text(n: &serde_json::Number) -> String {
    if let Some(i) = n.as_i64() {
        i.to_string()
    } else if let Some(u) = n.as_u64() {
        u.to_string()
    } else {
        n.as_f64().map_or_else(|| n.to_string(), |f| f.to_string())
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    const STUDENTS_CSV: &[u8] = include_bytes!("../../tests/fixtures/school/students.csv");
    const STUDENTS_BOM_CRLF: &[u8] =
        include_bytes!("../../tests/fixtures/school/dirty/students_bom_crlf.csv");
    const STUDENTS_CP1251: &[u8] =
        include_bytes!("../../tests/fixtures/school/dirty/students_excel_cp1251.csv");
    const PARENTS_CSV: &[u8] = include_bytes!("../../tests/fixtures/school/parents.csv");
    const COURSES_CSV: &[u8] = include_bytes!("../../tests/fixtures/school/courses.csv");

    /// Every clean sample file: name, bytes, canonical columns, data rows.
    const CLEAN_FILES: &[(&str, &[u8], &[&str], usize)] = &[
        (
            "subjects",
            include_bytes!("../../tests/fixtures/school/subjects.csv"),
            &["name", "short_name"],
            24,
        ),
        (
            "staff",
            include_bytes!("../../tests/fixtures/school/staff.csv"),
            &[
                "external_id",
                "last_name",
                "first_name",
                "middle_name",
                "role",
                "subject",
                "email",
            ],
            42,
        ),
        (
            "classes",
            include_bytes!("../../tests/fixtures/school/classes.csv"),
            &["name", "grade", "letter", "class_teacher_external_id"],
            20,
        ),
        (
            "students",
            STUDENTS_CSV,
            &[
                "external_id",
                "last_name",
                "first_name",
                "middle_name",
                "birth_date",
                "sex",
                "class",
                "group",
            ],
            441,
        ),
        (
            "parents",
            PARENTS_CSV,
            &[
                "external_id",
                "last_name",
                "first_name",
                "middle_name",
                "student_external_id",
                "relation",
                "phone",
            ],
            735,
        ),
        (
            "courses",
            COURSES_CSV,
            &[
                "class",
                "subject",
                "teacher_external_id",
                "hours_per_week",
                "group",
            ],
            298,
        ),
        (
            "periods",
            include_bytes!("../../tests/fixtures/school/periods.csv"),
            &["academic_year", "kind", "number", "starts_on", "ends_on"],
            4,
        ),
        (
            "timetable",
            include_bytes!("../../tests/fixtures/school/timetable.csv"),
            &[
                "class",
                "weekday",
                "lesson_number",
                "subject",
                "teacher_external_id",
                "group",
                "room",
            ],
            602,
        ),
        (
            "bell_schedule",
            include_bytes!("../../tests/fixtures/school/bell_schedule.csv"),
            &["number", "starts_at", "ends_at"],
            7,
        ),
    ];

    const STUDENTS: &[ColumnSpec] = &[
        ColumnSpec::required("external_id"),
        ColumnSpec::required("last_name"),
        ColumnSpec::required("first_name"),
        ColumnSpec::optional("middle_name"),
        ColumnSpec::required("birth_date"),
        ColumnSpec::optional("sex"),
        ColumnSpec::required("class"),
        ColumnSpec::optional("group"),
    ];

    #[derive(Debug, Clone, PartialEq)]
    struct Student {
        external_id: String,
        last_name: String,
        first_name: String,
        middle_name: Option<String>,
        birth_date: NaiveDate,
        sex: Option<&'static str>,
        class: String,
        group: Option<String>,
    }

    /// What the students import would take from a row.
    fn student(row: &Row) -> Result<Student, RowError> {
        Ok(Student {
            external_id: row.text("external_id")?.to_owned(),
            last_name: row.text("last_name")?.to_owned(),
            first_name: row.text("first_name")?.to_owned(),
            middle_name: row.opt_text("middle_name")?.map(str::to_owned),
            birth_date: row.date("birth_date")?,
            sex: row.opt_sex("sex")?,
            class: row.text("class")?.to_owned(),
            group: row.opt_text("group")?.map(str::to_owned),
        })
    }

    /// Reads a students CSV that must be free of errors.
    fn students(bytes: &[u8]) -> Vec<Student> {
        let table = read_csv(bytes, STUDENTS).expect("header accepted");
        assert!(table.errors.is_empty());
        table
            .rows
            .iter()
            .map(|r| student(r).expect("valid row"))
            .collect()
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
    }

    /// The errors of a file the reader refuses.
    fn refused(bytes: &[u8], spec: &[ColumnSpec]) -> Vec<RowError> {
        read_csv(bytes, spec).expect_err("the file is refused")
    }

    const TWO: &[ColumnSpec] = &[
        ColumnSpec::required("last_name"),
        ColumnSpec::optional("birth_date"),
    ];

    #[test]
    fn clean_students_file_gives_441_rows_with_the_first_row_values() {
        let table = read_csv(STUDENTS_CSV, STUDENTS).expect("read");
        assert_eq!(table.columns, CLEAN_FILES[3].2);
        assert_eq!(table.rows.len(), 441);
        assert!(table.errors.is_empty());
        let first = &table.rows[0];
        assert_eq!(first.line, 2);
        assert_eq!(
            student(first).expect("valid"),
            Student {
                external_id: "S00001".into(),
                last_name: "Михайлов".into(),
                first_name: "Кирилл".into(),
                middle_name: Some("Русланович".into()),
                birth_date: date(2019, 3, 16),
                sex: Some("M"),
                class: "1А".into(),
                group: Some("1".into()),
            }
        );
        assert_eq!(table.rows[440].line, 442);
        assert_eq!(students(STUDENTS_CSV).len(), 441);
    }

    fn assert_matches_clean(dirty: &[u8]) {
        let clean: HashMap<String, Student> = students(STUDENTS_CSV)
            .into_iter()
            .map(|s| (s.external_id.clone(), s))
            .collect();
        let dirty = students(dirty);
        assert_eq!(dirty.len(), 60);
        for s in &dirty {
            assert_eq!(Some(s), clean.get(&s.external_id), "{}", s.external_id);
        }
    }

    #[test]
    fn dirty_bom_crlf_students_equal_the_clean_rows_with_the_same_external_id() {
        assert_matches_clean(STUDENTS_BOM_CRLF);
        let table = read_csv(STUDENTS_BOM_CRLF, STUDENTS).expect("read");
        assert_eq!(
            table.columns[0], "external_id",
            "BOM is not part of the name"
        );
        assert_eq!(table.rows[0].get("external_id"), Some("S00061"));
    }

    #[test]
    fn dirty_excel_cp1251_students_with_russian_headers_equal_the_clean_rows() {
        assert_matches_clean(STUDENTS_CP1251);
        let table = read_csv(STUDENTS_CP1251, STUDENTS).expect("read");
        assert_eq!(table.columns, CLEAN_FILES[3].2);
        assert_eq!(table.rows[0].line, 2);
        assert_eq!(table.rows[0].get("last_name"), Some("Михайлов"));
    }

    #[test]
    fn every_clean_file_reads_with_its_canonical_header() {
        for (name, bytes, columns, count) in CLEAN_FILES {
            let spec: Vec<ColumnSpec> = columns.iter().map(|&c| ColumnSpec::required(c)).collect();
            let table = read_csv(bytes, &spec).unwrap_or_else(|e| panic!("{name}: {e:?}"));
            assert_eq!(table.columns, *columns, "{name}");
            assert_eq!(table.rows.len(), *count, "{name}");
            assert!(table.errors.is_empty(), "{name}");
        }
    }

    #[test]
    fn every_clean_file_reads_the_same_with_russian_headers_and_semicolons() {
        for (name, bytes, columns, _) in CLEAN_FILES {
            let spec: Vec<ColumnSpec> = columns.iter().map(|&c| ColumnSpec::required(c)).collect();
            let text = std::str::from_utf8(bytes).expect("utf-8");
            let (_, body) = text.split_once('\n').expect("header line");
            let header: Vec<&str> = columns.iter().map(|c| aliases(c)[0]).collect();
            let russian = format!("{}\r\n{}", header.join(";"), body.replace(',', ";"));
            let english = read_csv(bytes, &spec).expect("english");
            let russian =
                read_csv(russian.as_bytes(), &spec).unwrap_or_else(|e| panic!("{name}: {e:?}"));
            assert_eq!(russian, english, "{name}");
        }
    }

    #[test]
    fn no_alias_names_two_columns_of_one_clean_file() {
        for (name, _, columns, _) in CLEAN_FILES {
            let mut seen: HashMap<String, &str> = HashMap::new();
            for &column in *columns {
                for alias in std::iter::once(column).chain(aliases(column).iter().copied()) {
                    if let Some(other) = seen.insert(normalize_header(alias), column) {
                        assert_eq!(other, column, "{name}: {alias:?} names two columns");
                    }
                }
            }
        }
        for (canonical, list) in ALIASES {
            assert!(!list.is_empty(), "{canonical} has aliases");
        }
    }

    #[test]
    fn parents_and_courses_files_give_typed_rows() {
        let parents = read_csv(
            PARENTS_CSV,
            &[
                ColumnSpec::required("external_id"),
                ColumnSpec::required("last_name"),
                ColumnSpec::required("first_name"),
                ColumnSpec::optional("middle_name"),
                ColumnSpec::required("student_external_id"),
                ColumnSpec::required("relation"),
                ColumnSpec::optional("phone"),
            ],
        )
        .expect("parents");
        assert_eq!(parents.rows.len(), 735);
        let p = &parents.rows[0];
        assert_eq!(p.text("external_id"), Ok("P00001"));
        assert_eq!(p.text("student_external_id"), Ok("S00001"));
        assert_eq!(p.text("relation"), Ok("мать"));
        assert_eq!(p.opt_text("phone"), Ok(Some("+7 936 495-90-65")));

        let courses = read_csv(
            COURSES_CSV,
            &[
                ColumnSpec::required("class"),
                ColumnSpec::required("subject"),
                ColumnSpec::required("teacher_external_id"),
                ColumnSpec::required("hours_per_week"),
                ColumnSpec::optional("group"),
            ],
        )
        .expect("courses");
        assert_eq!(courses.rows.len(), 298);
        let c = &courses.rows[0];
        assert_eq!(c.text("class"), Ok("1А"));
        assert_eq!(c.text("subject"), Ok("Русский язык"));
        assert_eq!(c.int("hours_per_week", 1..=40), Ok(5));
        assert_eq!(c.opt_text("group"), Ok(None));
        for row in &courses.rows {
            row.int::<u8>("hours_per_week", 1..=40).expect("hours");
        }
    }

    #[test]
    fn semicolon_and_comma_separated_files_give_the_same_rows() {
        let comma = read_csv("last_name,birth_date\nИванов,2010-01-02\n".as_bytes(), TWO);
        let semicolon = read_csv("Фамилия;Дата рождения\nИванов;02.01.2010\n".as_bytes(), TWO)
            .expect("semicolons");
        assert_eq!(semicolon.rows.len(), 1);
        assert_eq!(semicolon.rows[0].text("last_name"), Ok("Иванов"));
        assert_eq!(semicolon.rows[0].date("birth_date"), Ok(date(2010, 1, 2)));
        let comma = comma.expect("commas");
        assert_eq!(comma.rows[0].text("last_name"), Ok("Иванов"));
        assert_eq!(comma.rows[0].date("birth_date"), Ok(date(2010, 1, 2)));
    }

    #[test]
    fn quoted_fields_keep_separators_and_quotes() {
        let csv = "last_name;birth_date\n\"Иванов; младший\";2010-01-02\n\"Ка\"\"рамов\";\n";
        let table = read_csv(csv.as_bytes(), TWO).expect("read");
        assert_eq!(table.rows[0].text("last_name"), Ok("Иванов; младший"));
        assert_eq!(table.rows[1].text("last_name"), Ok("Ка\"рамов"));
        assert_eq!(table.rows[1].opt_date("birth_date"), Ok(None));
        // A quoted comma in the header does not make `,` the separator.
        let csv = "\"last_name\";\"birth_date\"\n\"Иванов, Пётр\";\n";
        let table = read_csv(csv.as_bytes(), TWO).expect("read");
        assert_eq!(table.rows[0].text("last_name"), Ok("Иванов, Пётр"));
    }

    #[test]
    fn bom_crlf_and_lf_files_give_the_same_rows() {
        let lf = read_csv(b"last_name,birth_date\nA,2010-01-02\nB,\n", TWO).expect("lf");
        let crlf = read_csv(b"last_name,birth_date\r\nA,2010-01-02\r\nB,\r\n", TWO).expect("crlf");
        let bom = read_csv(
            b"\xEF\xBB\xBFlast_name,birth_date\r\nA,2010-01-02\r\nB,",
            TWO,
        )
        .expect("bom");
        assert_eq!(lf, crlf);
        assert_eq!(lf, bom);
        assert_eq!(lf.rows[1].line, 3);
    }

    #[test]
    fn cp1251_bytes_are_decoded_and_values_trimmed() {
        let (bytes, _, unmappable) =
            encoding_rs::WINDOWS_1251.encode("Фамилия;Дата рождения\r\n  Ёлкина ; 01.09.2015 \r\n");
        assert!(!unmappable);
        assert!(std::str::from_utf8(&bytes).is_err(), "really not UTF-8");
        let table = read_csv(&bytes, TWO).expect("read");
        assert_eq!(table.rows[0].text("last_name"), Ok("Ёлкина"));
        assert_eq!(table.rows[0].date("birth_date"), Ok(date(2015, 9, 1)));
    }

    #[test]
    fn a_file_mixing_utf8_and_cp1251_lines_is_refused_at_the_first_cp1251_line() {
        let mut bytes = "Фамилия;Дата рождения\nПетрова;01.09.2015\n"
            .as_bytes()
            .to_vec();
        let (cp, _, _) = encoding_rs::WINDOWS_1251.encode("Сёмина;02.09.2015\n");
        bytes.extend_from_slice(&cp);
        let errors = read_csv(&bytes, TWO).expect_err("mixed");
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].line, 3);
        assert!(
            errors[0].message.contains("mixes two encodings"),
            "{}",
            errors[0].message
        );
        // All of it in Windows-1251 (the header too) reads.
        let (cp, _, _) =
            encoding_rs::WINDOWS_1251.encode("Фамилия;Дата рождения\nПетрова;01.09.2015\n");
        let table = read_csv(&cp, TWO).expect("read");
        assert_eq!(table.rows[0].text("last_name"), Ok("Петрова"));
    }

    #[test]
    fn headers_match_ignoring_case_spaces_underscores_and_yo() {
        let spec = [
            ColumnSpec::required("last_name"),
            ColumnSpec::required("short_name"),
            ColumnSpec::required("birth_date"),
        ];
        let csv = "  ФАМИЛИЯ ;СОКРАЩЁННОЕ   название;Birth Date\nИванов;Ив;2010-01-02\n";
        let table = read_csv(csv.as_bytes(), &spec).expect("read");
        assert_eq!(table.columns, ["last_name", "short_name", "birth_date"]);
        assert_eq!(table.rows[0].text("short_name"), Ok("Ив"));
    }

    #[test]
    fn the_same_alias_means_the_column_of_the_kind_being_imported() {
        let periods = [
            ColumnSpec::required("starts_on"),
            ColumnSpec::required("ends_on"),
        ];
        let bells = [
            ColumnSpec::required("starts_at"),
            ColumnSpec::required("ends_at"),
        ];
        let csv = "Начало;Окончание\n01.09.2026;24.10.2026\n";
        let table = read_csv(csv.as_bytes(), &periods).expect("periods");
        assert_eq!(table.rows[0].date("starts_on"), Ok(date(2026, 9, 1)));
        let csv = "Начало;Окончание\n8:30;09:15\n";
        let table = read_csv(csv.as_bytes(), &bells).expect("bells");
        let eight_thirty = NaiveTime::from_hms_opt(8, 30, 0).expect("time");
        assert_eq!(table.rows[0].time("starts_at"), Ok(eight_thirty));
    }

    #[test]
    fn header_only_file_gives_zero_rows() {
        let table = read_csv(b"last_name,birth_date\r\n", TWO).expect("read");
        assert_eq!(table.columns, ["last_name", "birth_date"]);
        assert!(table.rows.is_empty());
        assert!(table.errors.is_empty());
        let table = read_csv(
            b"\xEF\xBB\xBF\xD0\xA4\xD0\xB0\xD0\xBC\xD0\xB8\xD0\xBB\xD0\xB8\xD1\x8F",
            TWO,
        )
        .expect("BOM + `Фамилия` without a line break");
        assert!(table.rows.is_empty());
    }

    #[test]
    fn empty_or_blank_file_is_an_error() {
        for bytes in [&b""[..], b"\xEF\xBB\xBF", b"\r\n\r\n", b"  \n;;;\n"] {
            let errors = refused(bytes, TWO);
            assert_eq!(errors, [RowError::new(1, None, "the file is empty")]);
        }
    }

    #[test]
    fn utf16_file_is_refused_with_a_hint() {
        let errors = refused(b"\xFF\xFEa\0,\0b\0", TWO);
        assert_eq!(errors[0].line, 1);
        assert!(errors[0].message.contains("UTF-16"), "{errors:?}");
    }

    #[test]
    fn bom_followed_by_invalid_utf8_is_an_error_on_its_line() {
        let errors = refused(b"\xEF\xBB\xBFlast_name\nA\n\xC6\xE5\n", TWO);
        assert_eq!(errors[0].line, 3);
    }

    #[test]
    fn unknown_column_is_a_line_1_error_naming_it() {
        let errors = refused("last_name;Фомилия\nИванов;x\n".as_bytes(), TWO);
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].line, 1);
        assert_eq!(errors[0].column.as_deref(), Some("Фомилия"));
        assert!(
            errors[0].message.starts_with("unknown column \"Фомилия\""),
            "{errors:?}"
        );
        // A real column of another kind is unknown here too.
        let errors = refused(b"last_name,email\n", TWO);
        assert_eq!(errors[0].column.as_deref(), Some("email"));
    }

    #[test]
    fn missing_required_column_is_a_line_1_error_naming_it() {
        let errors = refused(
            "Код;Дата рождения\nS1;01.01.2010\n".as_bytes(),
            &[
                ColumnSpec::optional("external_id"),
                ColumnSpec::required("last_name"),
                ColumnSpec::required("first_name"),
                ColumnSpec::optional("birth_date"),
            ],
        );
        let named: Vec<(usize, Option<&str>)> = errors
            .iter()
            .map(|e| (e.line, e.column.as_deref()))
            .collect();
        assert_eq!(named, [(1, Some("last_name")), (1, Some("first_name"))]);
        assert_eq!(
            errors[0].message,
            "missing required column last_name (Фамилия)"
        );
    }

    #[test]
    fn duplicate_column_is_a_line_1_error_naming_it() {
        let errors = refused("Фамилия;Дата рождения;last_name\n".as_bytes(), TWO);
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].line, 1);
        assert_eq!(errors[0].column.as_deref(), Some("last_name"));
        assert!(errors[0].message.contains("column 1"), "{errors:?}");
    }

    #[test]
    fn header_errors_are_reported_on_the_header_line() {
        let errors = refused(b"sep=;\r\nlast_name;oops\r\n", TWO);
        assert_eq!(errors[0].line, 2);
        assert_eq!(errors[0].column.as_deref(), Some("oops"));
    }

    #[test]
    fn row_lines_are_physical_lines_across_blank_lines_and_quoted_line_breaks() {
        for eol in ["\n", "\r\n"] {
            let csv = ["", "", "last_name", "A", "", "\"B", "C\"", "", "D", "", ""].join(eol);
            let table = read_csv(csv.as_bytes(), TWO).expect("read");
            let lines: Vec<(usize, String)> = table
                .rows
                .iter()
                .map(|r| (r.line, r.get("last_name").unwrap_or_default().to_owned()))
                .collect();
            let expected = [
                (4, "A".to_owned()),
                (6, format!("B{eol}C")),
                (9, "D".to_owned()),
            ];
            assert_eq!(lines, expected, "{eol:?}");
            let errors = refused(csv.replace("last_name", "oops").as_bytes(), TWO);
            assert_eq!(errors[0].line, 3, "{eol:?}");
        }
    }

    #[test]
    fn excel_sep_line_sets_the_separator_and_shifts_lines() {
        let table = read_csv(b"sep=;\r\nlast_name;birth_date\r\nA, B;\r\n", TWO).expect("read");
        assert_eq!(table.rows[0].text("last_name"), Ok("A, B"));
        assert_eq!(table.rows[0].line, 3);
    }

    #[test]
    fn impossible_date_is_a_row_error_with_line_and_column() {
        let table = read_csv(
            "Фамилия;Дата рождения\nИванов;01.02.2015\nПетров;31.02.2015\n".as_bytes(),
            TWO,
        )
        .expect("read");
        assert_eq!(table.rows[0].date("birth_date"), Ok(date(2015, 2, 1)));
        assert_eq!(
            table.rows[1].date("birth_date"),
            Err(RowError::new(
                3,
                Some("birth_date"),
                "\"31.02.2015\" is not a date: February 2015 has 28 days"
            ))
        );
    }

    #[test]
    fn short_and_long_rows_are_row_errors_and_other_rows_still_read() {
        let table = read_csv(
            b"last_name,birth_date\nA\nB,2010-01-01\nC,2010-01-01,x\n",
            TWO,
        )
        .expect("read");
        assert_eq!(table.rows.len(), 1);
        assert_eq!(table.rows[0].line, 3);
        assert_eq!(table.errors.len(), 2);
        assert_eq!(
            table.errors[0],
            RowError::new(2, None, "expected 2 fields as in the header, found 1")
        );
        assert_eq!(table.errors[1].line, 4);
        assert!(table.errors[1].message.contains("double quotes"));
    }

    #[test]
    fn empty_required_field_is_a_row_error() {
        let table = read_csv(b"last_name,birth_date\n  ,2010-01-01\n", TWO).expect("read");
        assert_eq!(
            table.rows[0].text("last_name"),
            Err(RowError::new(2, Some("last_name"), "a value is required"))
        );
        assert_eq!(
            table.rows[0].opt_text("middle_name"),
            Ok(None),
            "an absent optional column reads as empty"
        );
    }

    #[test]
    fn trailing_blank_lines_and_excel_empty_rows_and_columns_are_ignored() {
        let csv = "Фамилия;Дата рождения;;\r\nИванов;;;\r\n;;;\r\n\r\n\r\n";
        let table = read_csv(csv.as_bytes(), TWO).expect("read");
        assert_eq!(table.rows.len(), 1);
        assert!(table.errors.is_empty());
        let csv = "Фамилия;Дата рождения;\r\nИванов;;лишнее\r\n";
        let table = read_csv(csv.as_bytes(), TWO).expect("read");
        assert!(table.rows.is_empty());
        assert_eq!(table.errors[0].line, 2);
        assert!(table.errors[0].message.contains("no header"));
    }

    #[test]
    fn control_characters_in_text_are_row_errors() {
        let table = read_csv(b"last_name\nIv\0anov\n\"Iv\nanov\"\n", TWO).expect("read");
        assert_eq!(
            table.rows[0].text("last_name"),
            Err(RowError::new(
                2,
                Some("last_name"),
                "contains the control character U+0000; only printable text is allowed"
            ))
        );
        assert_eq!(
            table.rows[1].opt_text("last_name").map_err(|e| e.line),
            Err(3)
        );
    }

    #[test]
    fn dates_accept_iso_and_russian_forms_and_explain_impossible_ones() {
        assert_eq!(parse_date("2019-03-16"), Ok(date(2019, 3, 16)));
        assert_eq!(parse_date("16.03.2019"), Ok(date(2019, 3, 16)));
        assert_eq!(parse_date("6.3.2019"), Ok(date(2019, 3, 6)));
        assert_eq!(parse_date("29.02.2016"), Ok(date(2016, 2, 29)));
        assert_eq!(
            parse_date("29.02.2015"),
            Err("\"29.02.2015\" is not a date: February 2015 has 28 days".into())
        );
        assert_eq!(
            parse_date("2015-13-01"),
            Err("\"2015-13-01\" is not a date: there is no month 13".into())
        );
        assert_eq!(
            parse_date("00.01.2015"),
            Err("\"00.01.2015\" is not a date: there is no day 0".into())
        );
        for bad in [
            "16.03.19",
            "2019/03/16",
            "16-03-2019",
            "2019-03-16T00:00",
            "завтра",
            "",
        ] {
            assert!(parse_date(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn sex_accepts_latin_and_russian_forms() {
        for (text, sex) in [
            ("M", "M"),
            ("m", "M"),
            ("м", "M"),
            ("М", "M"),
            ("муж", "M"),
            ("муж.", "M"),
            ("Мужской", "M"),
            ("F", "F"),
            ("ж", "F"),
            ("Ж", "F"),
            ("жен", "F"),
            ("женский", "F"),
        ] {
            assert_eq!(parse_sex(text), Ok(sex), "{text}");
        }
        assert!(parse_sex("x").is_err());
    }

    #[test]
    fn integers_are_checked_against_their_range() {
        assert_eq!(parse_int("11", &(1..=11)), Ok(11));
        assert_eq!(parse_int(" 7 ", &(1u8..=11)), Ok(7));
        assert_eq!(
            parse_int("12", &(1..=11)),
            Err("expected a whole number from 1 to 11, found \"12\"".into())
        );
        assert!(parse_int("5.5", &(1..=11)).is_err());
        assert!(parse_int("пять", &(1..=11)).is_err());
        assert!(parse_int("300", &(0u8..=255)).is_err());
    }

    #[test]
    fn times_accept_hours_and_minutes() {
        let t = |h, m| NaiveTime::from_hms_opt(h, m, 0).expect("time");
        assert_eq!(parse_time("08:30"), Ok(t(8, 30)));
        assert_eq!(parse_time("8:30"), Ok(t(8, 30)));
        assert_eq!(parse_time("14:10:00"), Ok(t(14, 10)));
        for bad in ["24:00", "8:3", "8.30", "08:60", ""] {
            assert!(parse_time(bad).is_err(), "{bad}");
        }
    }

    /// The students sample as a JSON array, values as the CSV has them.
    fn students_json() -> Value {
        let table = read_csv(STUDENTS_CSV, STUDENTS).expect("read");
        Value::Array(
            table
                .rows
                .iter()
                .map(|row| {
                    row.fields()
                        .map(|(k, v)| (k.to_owned(), Value::String(v.to_owned())))
                        .collect()
                })
                .collect(),
        )
    }

    #[test]
    fn json_array_gives_the_same_rows_as_csv() {
        let csv = read_csv(STUDENTS_CSV, STUDENTS).expect("csv");
        let json = read_json(students_json(), STUDENTS).expect("json");
        assert_eq!(json.columns, csv.columns);
        assert_eq!(json.rows.len(), 441);
        for (i, (j, c)) in json.rows.iter().zip(&csv.rows).enumerate() {
            assert_eq!(j.line, i + 1, "JSON lines are item numbers");
            assert_eq!(student(j), student(c));
        }
        let wrapped =
            read_json(serde_json::json!({ "rows": students_json() }), STUDENTS).expect("wrapped");
        assert_eq!(wrapped, json);
    }

    #[test]
    fn json_numbers_nulls_and_missing_optional_fields_read_like_csv_values() {
        let value = serde_json::json!([{
            "external_id": "S00001", "last_name": " Михайлов ", "first_name": "Кирилл",
            "middle_name": "Русланович", "birth_date": "16.03.2019", "sex": "м",
            "class": "1А", "group": 1
        }, {
            "external_id": "S9", "last_name": "Б", "first_name": "В", "middle_name": null,
            "birth_date": "2019-01-01", "class": "1А", "group": 2.0
        }]);
        let table = read_upload(
            Some("application/json"),
            value.to_string().as_bytes(),
            STUDENTS,
        )
        .expect("json");
        let csv = read_csv(STUDENTS_CSV, STUDENTS).expect("csv");
        assert_eq!(student(&table.rows[0]), student(&csv.rows[0]));
        let second = student(&table.rows[1]).expect("valid");
        assert_eq!((second.middle_name, second.sex), (None, None));
        assert_eq!(second.group.as_deref(), Some("2"));
    }

    #[test]
    fn json_unknown_and_missing_fields_are_errors_naming_them() {
        let value = serde_json::json!([
            { "last_name": "A" },
            { "last_name": "B", "lastname": "x" },
            { "last_name": "C", "lastname": "y" },
        ]);
        let errors = read_json(value, TWO).expect_err("refused");
        assert_eq!(errors.len(), 1, "each unknown field once: {errors:?}");
        assert_eq!(
            (errors[0].line, errors[0].column.as_deref()),
            (2, Some("lastname"))
        );

        let errors =
            read_json(serde_json::json!([{ "birth_date": null }]), TWO).expect_err("refused");
        assert_eq!(
            (errors[0].line, errors[0].column.as_deref()),
            (1, Some("last_name"))
        );

        let table = read_json(
            serde_json::json!([{ "last_name": "A" }, { "birth_date": "2010-01-01" }]),
            TWO,
        )
        .expect("present in some items");
        assert_eq!(
            table.rows[1].text("last_name"),
            Err(RowError::new(2, Some("last_name"), "a value is required"))
        );
    }

    #[test]
    fn json_bad_shapes_are_errors() {
        let errors = read_json(serde_json::json!({ "students": [] }), TWO).expect_err("shape");
        assert_eq!(errors[0].line, 1);
        let table = read_json(
            serde_json::json!([{ "last_name": true }, 5, { "last_name": "ok" }]),
            TWO,
        )
        .expect("read");
        assert_eq!(table.rows.len(), 1);
        assert_eq!(table.rows[0].line, 3);
        let lines: Vec<(usize, Option<&str>)> = table
            .errors
            .iter()
            .map(|e| (e.line, e.column.as_deref()))
            .collect();
        assert_eq!(lines, [(1, Some("last_name")), (2, None)]);
        let empty = read_json(serde_json::json!([]), TWO).expect("empty array");
        assert!(empty.rows.is_empty());
        let errors = read_upload(None, b"[{\"last_name\": ", TWO).expect_err("syntax");
        assert_eq!(errors[0].line, 1);
        assert!(errors[0].message.starts_with("the body is not valid JSON"));
        let table = read_json(serde_json::json!([{ "last_name": "A\u{0}" }]), TWO).expect("read");
        assert!(table.rows[0].text("last_name").is_err(), "NUL refused");
    }

    #[test]
    fn format_is_json_by_content_type_or_leading_bracket_else_csv() {
        assert_eq!(detect_format(Some("application/json"), b"x"), Format::Json);
        assert_eq!(
            detect_format(Some("Application/JSON; charset=utf-8"), b""),
            Format::Json
        );
        assert_eq!(detect_format(None, b"  \n[{}]"), Format::Json);
        assert_eq!(
            detect_format(Some("text/plain"), b"\xEF\xBB\xBF{\"rows\":[]}"),
            Format::Json
        );
        assert_eq!(detect_format(Some("text/csv"), b"last_name\n"), Format::Csv);
        assert_eq!(
            detect_format(Some("application/octet-stream"), STUDENTS_CP1251),
            Format::Csv
        );
        assert_eq!(detect_format(None, b""), Format::Csv);
        assert_eq!(
            read_upload(Some("text/csv"), STUDENTS_CSV, STUDENTS)
                .expect("csv")
                .rows
                .len(),
            441
        );
    }

    #[test]
    fn row_error_serializes_for_the_import_answer() {
        let e = RowError::new(3, Some("birth_date"), "bad");
        assert_eq!(
            serde_json::to_value(&e).expect("json"),
            serde_json::json!({ "line": 3, "column": "birth_date", "message": "bad" })
        );
        assert_eq!(e.to_string(), "line 3, birth_date: bad");
    }
}
