//! The report card (табель успеваемости): a student's final marks of an academic year, subjects
//! × terms (the periods of the school's final kind, the year, and for grades 9 and 11 the exam
//! and the final mark), as the server's [`ReportCard`] gives them; one student's
//! (`/report-card?student=`) or a whole class's, each card on its own printed page
//! (`/classes/{id}/report-cards`).
//!
//! Rendered to HTML text like the diary (every text escaped); plain functions, tested on the host.

use otmetka_domain::finals::{ReportCard, Term};
use otmetka_domain::structure::PeriodKind;
use uuid::Uuid;

use crate::i18n::{Locale, td_string};
use crate::paging::query_string;
use crate::schedule::push_attr;
use crate::table::escape;

/// A term's column heading: "1 четверть", "Год", "Экзамен", "Итоговая".
pub fn term_label(locale: Locale, term: Term) -> String {
    match term {
        Term::Period { kind, number } => match kind {
            PeriodKind::Quarter => td_string!(locale, report_card.term_quarter, number = number),
            PeriodKind::Trimester => {
                td_string!(locale, report_card.term_trimester, number = number)
            }
            PeriodKind::HalfYear => {
                td_string!(locale, report_card.term_half_year, number = number)
            }
            PeriodKind::Year => td_string!(locale, report_card.term_year).to_string(),
        },
        Term::Year => td_string!(locale, report_card.term_year).to_string(),
        Term::Exam => td_string!(locale, report_card.term_exam).to_string(),
        Term::Final => td_string!(locale, report_card.term_final).to_string(),
    }
}

/// Whether a mark's label is a failing one: 2 and 1, незачёт and «не аттестован» (н/а).
pub fn is_failing(label: &str) -> bool {
    matches!(
        label.trim().to_lowercase().as_str(),
        "1" | "2" | "н/а" | "нз" | "незач" | "незач."
    )
}

/// A row of the card: a subject and its marks, one per column (`None` where none is set).
#[derive(Debug, Clone, PartialEq)]
pub struct CardRow {
    pub subject_id: Uuid,
    pub subject: String,
    pub cells: Vec<Option<String>>,
}

/// The card as a table: the columns and the rows in the server's order (by subject name).
#[derive(Debug, Clone, PartialEq)]
pub struct CardTable {
    pub columns: Vec<Term>,
    pub rows: Vec<CardRow>,
}

/// Lays a card out: every row gets exactly one cell per term (a short row is padded with empty
/// cells, extra marks are dropped), blank labels count as none.
pub fn build(card: &ReportCard) -> CardTable {
    let n = card.terms.len();
    let rows = card
        .subjects
        .iter()
        .map(|s| CardRow {
            subject_id: s.subject_id,
            subject: s.subject_name.clone(),
            cells: (0..n)
                .map(|i| {
                    s.marks
                        .get(i)
                        .cloned()
                        .flatten()
                        .map(|m| m.trim().to_string())
                        .filter(|m| !m.is_empty())
                })
                .collect(),
        })
        .collect();
    CardTable {
        columns: card.terms.clone(),
        rows,
    }
}

/// `/report-card?school=&student=&year=`.
pub fn report_card_href(school_id: Uuid, student: Option<Uuid>, year: Option<Uuid>) -> String {
    format!(
        "/report-card{}",
        query_string(&[
            ("school", Some(school_id.to_string())),
            ("student", student.map(|s| s.to_string())),
            ("year", year.map(|y| y.to_string())),
        ])
    )
}

/// `/classes/{id}/report-cards?school=&year=`.
pub fn class_cards_href(school_id: Uuid, class_id: Uuid, year: Option<Uuid>) -> String {
    format!(
        "/classes/{class_id}/report-cards{}",
        query_string(&[
            ("school", Some(school_id.to_string())),
            ("year", year.map(|y| y.to_string())),
        ])
    )
}

/// `?academic_year_id=` of the API calls.
pub fn year_query(year: Option<Uuid>) -> String {
    query_string(&[("academic_year_id", year.map(|y| y.to_string()))])
}

/// The file name the server suggests in `Content-Disposition` (`filename*=UTF-8''…` first,
/// then `filename="…"`), made safe for a file system; else `fallback`.
pub fn file_name(disposition: Option<&str>, fallback: &str) -> String {
    let from_header = disposition.and_then(|d| {
        let params: Vec<&str> = d.split(';').map(str::trim).collect();
        let extended = params.iter().find_map(|p| {
            let (key, value) = p.split_once('=')?;
            if !key.trim().eq_ignore_ascii_case("filename*") {
                return None;
            }
            let value = value.trim();
            let encoded = value
                .split_once("''")
                .map_or(value, |(_charset, rest)| rest);
            percent_decode(encoded)
        });
        extended.or_else(|| {
            params.iter().find_map(|p| {
                let (key, value) = p.split_once('=')?;
                key.trim()
                    .eq_ignore_ascii_case("filename")
                    .then(|| value.trim().trim_matches('"').to_string())
            })
        })
    });
    let name = safe_file_name(from_header.as_deref().unwrap_or(""));
    if name.is_empty() {
        safe_file_name(fallback)
    } else {
        name
    }
}

/// Decodes `%D0%A2` escapes as UTF-8; `None` when malformed.
fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// A file name without path separators and characters that file systems refuse.
pub fn safe_file_name(name: &str) -> String {
    let cleaned: String = name
        .trim()
        .chars()
        .map(|c| match c {
            '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|' => '_',
            c if c.is_control() => '_',
            c => c,
        })
        .collect();
    cleaned
        .trim_matches(|c: char| c == '.' || c.is_whitespace())
        .to_string()
}

/// The name a downloaded report card gets when the server suggests none:
/// `Табель — Иванов Иван.csv`.
pub fn fallback_name(locale: Locale, whose: &str) -> String {
    format!(
        "{} — {}.csv",
        td_string!(locale, report_card.title),
        whose.trim()
    )
}

/// One report card: the school, the title, the student, the class and the year, then the table
/// (a failing mark is marked for the eye and for tests).
pub fn card_html(out: &mut String, card: &ReportCard, locale: Locale) {
    let table = build(card);
    let student = card.student_id.to_string();
    out.push_str("<article class=\"rc-card\"");
    push_attr(out, "data-testid", &format!("report-card-{student}"));
    push_attr(out, "data-student-id", &student);
    push_attr(out, "data-year-id", &card.academic_year_id.to_string());
    push_attr(out, "data-subjects", &table.rows.len().to_string());
    out.push_str("><header class=\"rc-head\"><p class=\"rc-school\">");
    escape(&card.school_name, out);
    out.push_str("</p><h2 class=\"rc-title\">");
    escape(td_string!(locale, report_card.title), out);
    out.push_str("</h2><dl class=\"rc-facts\"><dt>");
    escape(td_string!(locale, report_card.student), out);
    out.push_str("</dt><dd data-testid=\"report-card-student\">");
    escape(&card.student_name, out);
    out.push_str("</dd>");
    if let Some(class) = card.class_name.as_deref().filter(|c| !c.trim().is_empty()) {
        out.push_str("<dt>");
        escape(td_string!(locale, report_card.class), out);
        out.push_str("</dt><dd data-testid=\"report-card-class\">");
        escape(class, out);
        out.push_str("</dd>");
    }
    out.push_str("<dt>");
    escape(td_string!(locale, report_card.year), out);
    out.push_str("</dt><dd data-testid=\"report-card-year\">");
    escape(&card.academic_year_name, out);
    out.push_str("</dd></dl></header>");

    if table.rows.is_empty() {
        out.push_str("<p class=\"muted\" data-testid=\"report-card-empty\">");
        escape(td_string!(locale, report_card.no_subjects), out);
        out.push_str("</p></article>");
        return;
    }
    out.push_str("<div class=\"rc-wrap\"><table class=\"rc-table\" data-testid=\"report-card-table\"><thead><tr><th scope=\"col\" class=\"rc-subject\">");
    escape(td_string!(locale, report_card.subject), out);
    out.push_str("</th>");
    for term in &table.columns {
        out.push_str("<th scope=\"col\"");
        push_attr(out, "data-term", &term.code());
        out.push('>');
        escape(&term_label(locale, *term), out);
        out.push_str("</th>");
    }
    out.push_str("</tr></thead><tbody>");
    for row in &table.rows {
        out.push_str("<tr data-testid=\"report-card-row\"");
        push_attr(out, "data-subject-id", &row.subject_id.to_string());
        out.push_str("><th scope=\"row\" class=\"rc-subject\">");
        escape(&row.subject, out);
        out.push_str("</th>");
        for (term, cell) in table.columns.iter().zip(&row.cells) {
            out.push_str("<td");
            push_attr(out, "data-term", &term.code());
            match cell {
                Some(mark) => {
                    if is_failing(mark) {
                        out.push_str(" class=\"rc-mark rc-fail\"");
                    } else {
                        out.push_str(" class=\"rc-mark\"");
                    }
                    push_attr(out, "data-value", mark);
                    out.push('>');
                    escape(mark, out);
                }
                None => out.push_str(" class=\"rc-mark rc-none\" data-value=\"\">"),
            }
            out.push_str("</td>");
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table></div><p class=\"rc-legend muted\">");
    escape(td_string!(locale, report_card.legend), out);
    out.push_str("</p></article>");
}

/// A class's report cards, one after another (each prints on its own page).
pub fn cards_html(cards: &[ReportCard], locale: Locale) -> String {
    let mut out = String::with_capacity(512 + 2048 * cards.len());
    out.push_str("<div class=\"rc-cards\" data-testid=\"report-cards\"");
    push_attr(&mut out, "data-count", &cards.len().to_string());
    out.push('>');
    if cards.is_empty() {
        out.push_str("<p class=\"muted\" data-testid=\"report-cards-empty\">");
        escape(td_string!(locale, report_card.no_students), &mut out);
        out.push_str("</p>");
    }
    for card in cards {
        card_html(&mut out, card, locale);
    }
    out.push_str("</div>");
    out
}

/// One student's report card page body.
pub fn single_html(card: &ReportCard, locale: Locale) -> String {
    let mut out = String::with_capacity(4096);
    card_html(&mut out, card, locale);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use otmetka_domain::finals::ReportCardSubject;

    const SCHOOL: Uuid = Uuid::from_u128(0x5C);
    const KID: Uuid = Uuid::from_u128(0x41);
    const YEAR: Uuid = Uuid::from_u128(0x2026);
    const CLASS: Uuid = Uuid::from_u128(0xC1A55);

    fn q(number: i32) -> Term {
        Term::Period {
            kind: PeriodKind::Quarter,
            number,
        }
    }

    fn subject(id: u128, name: &str, marks: &[Option<&str>]) -> ReportCardSubject {
        ReportCardSubject {
            subject_id: Uuid::from_u128(id),
            subject_name: name.into(),
            marks: marks.iter().map(|m| m.map(str::to_string)).collect(),
        }
    }

    fn card() -> ReportCard {
        ReportCard {
            student_id: KID,
            student_name: "Михайлов Кирилл Андреевич".into(),
            class_id: Some(CLASS),
            class_name: Some("9А".into()),
            academic_year_id: YEAR,
            academic_year_name: "2026/2027".into(),
            school_name: "Школа № 1 <Лицей>".into(),
            terms: vec![q(1), q(2), q(3), q(4), Term::Year, Term::Exam, Term::Final],
            subjects: vec![
                subject(
                    1,
                    "Алгебра",
                    &[
                        Some("4"),
                        Some("5"),
                        Some("4"),
                        Some("5"),
                        Some("5"),
                        Some("4"),
                        Some("5"),
                    ],
                ),
                // The server sent fewer marks than terms, one of them blank.
                subject(2, "Физкультура", &[Some("осв."), Some(" ")]),
                subject(
                    3,
                    "Химия",
                    &[Some("н/а"), Some("2"), None, None, None, None, None],
                ),
            ],
        }
    }

    #[test]
    fn terms_have_readable_headings() {
        assert_eq!(term_label(Locale::ru, q(2)), "2 четверть");
        assert_eq!(
            term_label(
                Locale::ru,
                Term::Period {
                    kind: PeriodKind::Trimester,
                    number: 3
                }
            ),
            "3 триместр"
        );
        assert_eq!(
            term_label(
                Locale::ru,
                Term::Period {
                    kind: PeriodKind::HalfYear,
                    number: 1
                }
            ),
            "1 полугодие"
        );
        assert_eq!(term_label(Locale::ru, Term::Year), "Год");
        assert_eq!(term_label(Locale::ru, Term::Exam), "Экзамен");
        assert_eq!(term_label(Locale::ru, Term::Final), "Итоговая");
        assert_eq!(term_label(Locale::en, q(1)), "Quarter 1");
        assert_eq!(term_label(Locale::en, Term::Final), "Final");
    }

    #[test]
    fn the_table_has_one_cell_per_term_in_every_row() {
        let t = build(&card());
        assert_eq!(t.columns.len(), 7);
        assert_eq!(t.rows.len(), 3);
        assert!(t.rows.iter().all(|r| r.cells.len() == 7));
        assert_eq!(t.rows[0].subject, "Алгебра");
        assert_eq!(t.rows[0].cells[4].as_deref(), Some("5"));
        assert_eq!(t.rows[1].cells[0].as_deref(), Some("осв."));
        assert_eq!(t.rows[1].cells[1], None, "a blank label is no mark");
        assert_eq!(t.rows[1].cells[6], None, "padded");
        assert_eq!(t.rows[2].cells[0].as_deref(), Some("н/а"));
        // Extra marks are dropped.
        let mut c = card();
        c.terms.truncate(2);
        let t = build(&c);
        assert!(t.rows.iter().all(|r| r.cells.len() == 2));
    }

    #[test]
    fn failing_marks_are_two_one_fail_and_not_attested() {
        for fail in ["2", "1", "н/а", "Н/А", "нз", "незач"] {
            assert!(is_failing(fail), "{fail}");
        }
        for pass in ["3", "4", "5", "зач", "осв.", ""] {
            assert!(!is_failing(pass), "{pass}");
        }
    }

    #[test]
    fn a_card_prints_the_student_the_class_and_the_marks() {
        let html = single_html(&card(), Locale::ru);
        assert!(
            html.contains(&format!("data-testid=\"report-card-{KID}\"")),
            "{html}"
        );
        assert!(html.contains("data-subjects=\"3\""), "{html}");
        assert!(html.contains("Школа № 1 &lt;Лицей&gt;"), "{html}");
        assert!(html.contains(">Табель успеваемости</h2>"), "{html}");
        assert!(
            html.contains("data-testid=\"report-card-student\">Михайлов Кирилл Андреевич</dd>"),
            "{html}"
        );
        assert!(
            html.contains("data-testid=\"report-card-class\">9А</dd>"),
            "{html}"
        );
        assert!(html.contains(">2026/2027</dd>"), "{html}");
        assert!(
            html.contains("<th scope=\"col\" data-term=\"quarter_1\">1 четверть</th>"),
            "{html}"
        );
        assert!(
            html.contains("<th scope=\"col\" data-term=\"final\">Итоговая</th>"),
            "{html}"
        );
        assert_eq!(html.matches("data-testid=\"report-card-row\"").count(), 3);
        assert!(
            html.contains(
                "<td data-term=\"quarter_1\" class=\"rc-mark rc-fail\" data-value=\"н/а\">н/а</td>"
            ),
            "{html}"
        );
        assert!(
            html.contains("<td data-term=\"year\" class=\"rc-mark\" data-value=\"5\">5</td>"),
            "{html}"
        );
        assert!(
            html.contains("<td data-term=\"exam\" class=\"rc-mark rc-none\" data-value=\"\"></td>"),
            "{html}"
        );

        let mut empty = card();
        empty.subjects.clear();
        empty.class_name = None;
        let html = single_html(&empty, Locale::en);
        assert!(html.contains("report-card-empty"), "{html}");
        assert!(!html.contains("report-card-class"), "{html}");
    }

    #[test]
    fn a_class_prints_every_card() {
        let mut other = card();
        other.student_id = Uuid::from_u128(0x42);
        let html = cards_html(&[card(), other], Locale::ru);
        assert!(html.contains("data-count=\"2\""), "{html}");
        assert_eq!(html.matches("<article class=\"rc-card\"").count(), 2);
        assert!(cards_html(&[], Locale::ru).contains("report-cards-empty"));
    }

    #[test]
    fn links_carry_the_school_the_student_and_the_year() {
        assert_eq!(
            report_card_href(SCHOOL, Some(KID), None),
            format!("/report-card?school={SCHOOL}&student={KID}")
        );
        assert_eq!(
            report_card_href(SCHOOL, None, Some(YEAR)),
            format!("/report-card?school={SCHOOL}&year={YEAR}")
        );
        assert_eq!(
            class_cards_href(SCHOOL, CLASS, None),
            format!("/classes/{CLASS}/report-cards?school={SCHOOL}")
        );
        assert_eq!(year_query(None), "");
        assert_eq!(year_query(Some(YEAR)), format!("?academic_year_id={YEAR}"));
    }

    #[test]
    fn downloads_take_the_servers_file_name() {
        assert_eq!(
            file_name(
                Some(
                    "attachment; filename=\"tabel.csv\"; filename*=UTF-8''%D0%A2%D0%B0%D0%B1%D0%B5%D0%BB%D1%8C%209%D0%90.csv"
                ),
                "x.csv"
            ),
            "Табель 9А.csv"
        );
        assert_eq!(
            file_name(Some("attachment; filename=\"report-card.csv\""), "x.csv"),
            "report-card.csv"
        );
        assert_eq!(
            file_name(Some("attachment; filename=\"../../etc/passwd\""), "x.csv"),
            "_.._etc_passwd"
        );
        assert_eq!(file_name(None, "Табель — 9/А.csv"), "Табель — 9_А.csv");
        assert_eq!(
            file_name(Some("attachment; filename*=UTF-8''%ZZ"), "x.csv"),
            "x.csv",
            "a malformed name falls back"
        );
        assert_eq!(
            fallback_name(Locale::ru, " Михайлов Кирилл "),
            "Табель успеваемости — Михайлов Кирилл.csv"
        );
    }
}
