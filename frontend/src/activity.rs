//! The monthly activity report (`/reports/activity?school=&month=&role=&class=`, regulation §15):
//! per role and per class, how many people there are, how many registered, invite codes not
//! used, sign-ins, diary views and journal edits in a month; a row opens the people behind it
//! (`GET …/reports/activity/users?month=&role=&class_id=`).
//!
//! The page shows the tables of [`otmetka_domain::reports::activity_tables`] (what the CSV/XLSX
//! exports hold); this module keeps the URL, the month arithmetic, which row opens whom and the
//! people table's HTML. Plain functions, tested on the host.

use std::fmt;

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, Utc};
use otmetka_domain::Role;
use otmetka_domain::reports::{ActivityReport, UserActivity};
use uuid::Uuid;

use crate::i18n::{Locale, td_string};
use crate::paging::query_string;
use crate::schedule::push_attr;
use crate::table::{Cell, Part, Row, Table, escape, render};

/// A calendar month (`2026-11`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    pub year: i32,
    /// 1–12.
    pub month: u32,
}

impl Month {
    pub fn new(year: i32, month: u32) -> Option<Month> {
        ((1..=12).contains(&month) && (1..=9999).contains(&year)).then_some(Month { year, month })
    }

    /// The month of a day.
    pub fn of(day: NaiveDate) -> Month {
        Month {
            year: day.year(),
            month: day.month(),
        }
    }

    /// Reads `2026-11` (the URL, `<input type="month">`) or `11.2026` (typed by hand).
    pub fn parse(value: &str) -> Option<Month> {
        let value = value.trim();
        let (year, month) = if let Some((y, m)) = value.split_once('-') {
            (y, m)
        } else {
            let (m, y) = value.split_once('.')?;
            (y, m)
        };
        if year.len() != 4 || month.is_empty() || month.len() > 2 {
            return None;
        }
        Month::new(year.parse().ok()?, month.parse().ok()?)
    }

    /// The month `n` months later (earlier when negative).
    pub fn shift(self, n: i32) -> Month {
        let index = self.year * 12 + self.month as i32 - 1 + n;
        Month {
            year: index.div_euclid(12),
            month: index.rem_euclid(12) as u32 + 1,
        }
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// `ноябрь 2026` / `November 2026`.
pub fn month_label(m: Month, locale: Locale) -> String {
    let name = match m.month {
        1 => td_string!(locale, activity.month_1),
        2 => td_string!(locale, activity.month_2),
        3 => td_string!(locale, activity.month_3),
        4 => td_string!(locale, activity.month_4),
        5 => td_string!(locale, activity.month_5),
        6 => td_string!(locale, activity.month_6),
        7 => td_string!(locale, activity.month_7),
        8 => td_string!(locale, activity.month_8),
        9 => td_string!(locale, activity.month_9),
        10 => td_string!(locale, activity.month_10),
        11 => td_string!(locale, activity.month_11),
        _ => td_string!(locale, activity.month_12),
    };
    format!("{name} {}", m.year)
}

/// What the page shows, as kept in its URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct View {
    /// `None`: the current month (the server's choice).
    pub month: Option<Month>,
    /// The open drill-down: a role …
    pub role: Option<Role>,
    /// … and, for a class row, the class.
    pub class_id: Option<Uuid>,
}

impl View {
    /// Reads `?month=&role=&class=`; anything invalid counts as absent.
    pub fn parse(month: Option<&str>, role: Option<&str>, class: Option<&str>) -> View {
        let role = role.and_then(|r| Role::parse(r.trim()));
        View {
            month: month.and_then(Month::parse),
            role,
            // A class without a role opens nothing.
            class_id: role.and(class.and_then(|c| Uuid::parse_str(c.trim()).ok())),
        }
    }

    /// The same drill-down in another month.
    pub fn in_month(self, month: Option<Month>) -> View {
        View { month, ..self }
    }
}

/// `/reports/activity?school=&month=&role=&class=`.
pub fn activity_href(school_id: Uuid, view: View) -> String {
    format!(
        "/reports/activity{}",
        query_string(&[
            ("school", Some(school_id.to_string())),
            ("month", view.month.map(|m| m.to_string())),
            ("role", view.role.map(|r| r.as_str().to_string())),
            ("class", view.class_id.map(|c| c.to_string())),
        ])
    )
}

/// `?month=&table=` of `GET …/reports/activity` and its exports.
pub fn activity_query(month: Option<Month>, table: Option<&str>) -> String {
    query_string(&[
        ("month", month.map(|m| m.to_string())),
        ("table", table.map(str::to_string)),
    ])
}

/// `?month=&role=&class_id=` of `GET …/reports/activity/users`.
pub fn users_query(month: Option<Month>, role: Role, class_id: Option<Uuid>) -> String {
    query_string(&[
        ("month", month.map(|m| m.to_string())),
        ("role", Some(role.as_str().to_string())),
        ("class_id", class_id.map(|c| c.to_string())),
    ])
}

/// Whom a row of a table opens (`roles`: the role's people; `classes`: the class's students or
/// their parents): the index is the row's in `activity_tables`' table, which has the report's
/// rows in order.
pub fn row_target(
    report: &ActivityReport,
    table_key: &str,
    index: usize,
) -> Option<(Role, Option<Uuid>)> {
    let rows = match table_key {
        "roles" => &report.roles,
        "classes" => &report.classes,
        _ => return None,
    };
    rows.get(index).map(|r| (r.role, r.class_id))
}

/// The drill-down's heading: the row's label (`5А — родители`), else the role's name.
pub fn target_label(
    report: &ActivityReport,
    role: Role,
    class_id: Option<Uuid>,
    locale: Locale,
) -> String {
    report
        .roles
        .iter()
        .chain(&report.classes)
        .find(|r| r.role == role && r.class_id == class_id)
        .map(|r| r.label.clone())
        .unwrap_or_else(|| crate::text::role_text(locale, role).to_string())
}

/// «12 человек» with the Russian plural forms.
pub fn people_count_text(locale: Locale, count: usize) -> String {
    td_string!(locale, activity.people_count, count = count)
}

/// «3 раза» / «1 раз» / «5 раз».
pub fn times_text(locale: Locale, count: u32) -> String {
    td_string!(locale, activity.times, count = count)
}

fn user_row(u: &UserActivity, locale: Locale, offset: FixedOffset) -> Row {
    let l = |key: fn(Locale) -> &'static str| key(locale).to_string();
    let last = match u.last_sign_in_at {
        Some(at) => Cell::new(l(|l| td_string!(l, activity.col_last_sign_in))).text(
            crate::format::format_instant(&at.with_timezone(&offset), locale),
        ),
        None => Cell::new(l(|l| td_string!(l, activity.col_last_sign_in)))
            .muted(td_string!(locale, activity.never)),
    };
    let login = match u.login.as_deref() {
        Some(login) => {
            Cell::new(l(|l| td_string!(l, activity.col_login))).part(Part::Mono(login.into()))
        }
        None => Cell::new(l(|l| td_string!(l, activity.col_login)))
            .muted(td_string!(locale, activity.no_account)),
    };
    let sign_ins = if u.sign_ins == 0 {
        Cell::new(l(|l| td_string!(l, activity.col_sign_ins)))
            .muted(td_string!(locale, activity.not_signed_in))
    } else {
        Cell::new(l(|l| td_string!(l, activity.col_sign_ins))).text(times_text(locale, u.sign_ins))
    };
    let invite = if u.invite_outstanding {
        Cell::new(l(|l| td_string!(l, activity.col_invite))).part(Part::Badge {
            class: "badge badge-info",
            text: td_string!(locale, activity.invite_outstanding).to_string(),
        })
    } else {
        Cell::new(l(|l| td_string!(l, activity.col_invite))).muted("—")
    };
    Row::new("activity-user")
        .attr("data-person-id", u.person_id.to_string())
        .attr("data-role", u.role.as_str())
        .attr("data-sign-ins", u.sign_ins.to_string())
        .attr("data-diary-views", u.diary_views.to_string())
        .attr("data-journal-edits", u.journal_edits.to_string())
        .attr("data-invite-outstanding", u.invite_outstanding.to_string())
        .attr("data-registered", u.login.is_some().to_string())
        .cell(Cell::new(l(|l| td_string!(l, activity.col_name))).text(&u.name))
        .cell(
            Cell::new(l(|l| td_string!(l, activity.col_class)))
                .text(u.class_name.clone().unwrap_or_default()),
        )
        .cell(login)
        .cell(sign_ins)
        .cell(last)
        .cell(
            Cell::new(l(|l| td_string!(l, activity.col_diary_views)))
                .text(u.diary_views.to_string()),
        )
        .cell(
            Cell::new(l(|l| td_string!(l, activity.col_journal_edits)))
                .text(u.journal_edits.to_string()),
        )
        .cell(invite)
}

/// The people of a drill-down as a table (the order the server gives: by name), with a count
/// line; times in `offset` (the browser's zone).
pub fn users_html(list: &[UserActivity], locale: Locale, offset: FixedOffset) -> String {
    let l = |key: fn(Locale) -> &'static str| key(locale).to_string();
    let mut out = String::with_capacity(512 + 500 * list.len());
    let active = list.iter().filter(|u| u.sign_ins > 0).count();
    out.push_str("<p class=\"activity-users-count\" data-testid=\"activity-users-count\"");
    push_attr(&mut out, "data-count", &list.len().to_string());
    push_attr(&mut out, "data-active", &active.to_string());
    out.push('>');
    escape(
        &td_string!(
            locale,
            activity.users_line,
            people = people_count_text(locale, list.len()),
            active = active
        ),
        &mut out,
    );
    out.push_str("</p>");
    if list.is_empty() {
        out.push_str("<p class=\"muted\" data-testid=\"activity-users-none\">");
        escape(td_string!(locale, activity.users_none), &mut out);
        out.push_str("</p>");
        return out;
    }
    let table = Table {
        testid: "activity-users-table",
        head: vec![
            l(|l| td_string!(l, activity.col_name)),
            l(|l| td_string!(l, activity.col_class)),
            l(|l| td_string!(l, activity.col_login)),
            l(|l| td_string!(l, activity.col_sign_ins)),
            l(|l| td_string!(l, activity.col_last_sign_in)),
            l(|l| td_string!(l, activity.col_diary_views)),
            l(|l| td_string!(l, activity.col_journal_edits)),
            l(|l| td_string!(l, activity.col_invite)),
        ],
        rows: list.iter().map(|u| user_row(u, locale, offset)).collect(),
    };
    out.push_str("<div class=\"table-wrap\">");
    out.push_str(&render(&table));
    out.push_str("</div>");
    out
}

/// The browser's offset from UTC now (Russia keeps no summer time).
pub fn local_offset() -> FixedOffset {
    use chrono::Offset as _;
    chrono::Local::now().offset().fix()
}

/// An instant's month in the browser's zone (the default month before the report answers).
pub fn current_month(now: DateTime<Utc>, offset: FixedOffset) -> Month {
    Month::of(now.with_timezone(&offset).date_naive())
}

#[cfg(test)]
mod tests {
    use super::*;
    use otmetka_domain::reports::{ActivityCounts, ActivityRow, activity_tables};

    const SCHOOL: Uuid = Uuid::from_u128(0x5C);
    const C5A: Uuid = Uuid::from_u128(0x5A);

    fn m(year: i32, month: u32) -> Month {
        Month::new(year, month).unwrap()
    }

    #[test]
    fn months_step_across_years() {
        assert_eq!(m(2026, 11).shift(1), m(2026, 12));
        assert_eq!(m(2026, 12).shift(1), m(2027, 1));
        assert_eq!(m(2027, 1).shift(-1), m(2026, 12));
        assert_eq!(m(2026, 3).shift(-14), m(2025, 1));
        assert_eq!(m(2026, 11).shift(0), m(2026, 11));
        assert_eq!(m(2026, 1).shift(-1), m(2025, 12));
        assert_eq!(m(2026, 1).shift(23), m(2027, 12));
        assert_eq!(m(2026, 1).to_string(), "2026-01");
    }

    #[test]
    fn a_month_is_read_as_the_url_or_a_person_writes_it() {
        assert_eq!(Month::parse("2026-11"), Some(m(2026, 11)));
        assert_eq!(Month::parse(" 11.2026 "), Some(m(2026, 11)));
        assert_eq!(Month::parse("3.2027"), Some(m(2027, 3)));
        assert_eq!(Month::parse("2026-13"), None);
        assert_eq!(Month::parse("2026-00"), None);
        assert_eq!(Month::parse("26-11"), None);
        assert_eq!(Month::parse("2026-11-05"), None);
        assert_eq!(Month::parse("ноябрь"), None);
        assert_eq!(month_label(m(2026, 11), Locale::ru), "ноябрь 2026");
        assert_eq!(month_label(m(2027, 1), Locale::en), "January 2027");
        let moscow = FixedOffset::east_opt(3 * 3600).unwrap();
        let late_evening = DateTime::parse_from_rfc3339("2026-11-30T22:30:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(
            current_month(late_evening, moscow),
            m(2026, 12),
            "Moscow is past midnight"
        );
    }

    #[test]
    fn the_url_keeps_the_month_and_the_drill_down() {
        let v = View::parse(Some("2026-11"), Some("parent"), Some(&C5A.to_string()));
        assert_eq!(
            v,
            View {
                month: Some(m(2026, 11)),
                role: Some(Role::Parent),
                class_id: Some(C5A),
            }
        );
        assert_eq!(
            activity_href(SCHOOL, v),
            format!("/reports/activity?school={SCHOOL}&month=2026-11&role=parent&class={C5A}")
        );
        let next = v.in_month(Some(m(2026, 11).shift(1)));
        assert_eq!(
            activity_href(SCHOOL, next),
            format!("/reports/activity?school={SCHOOL}&month=2026-12&role=parent&class={C5A}")
        );
        assert_eq!(
            View::parse(Some("x"), Some("boss"), Some(&C5A.to_string())),
            View::default(),
            "a class without a role opens nothing"
        );
        assert_eq!(activity_query(None, None), "");
        assert_eq!(
            activity_query(Some(m(2026, 9)), Some("roles")),
            "?month=2026-09&table=roles"
        );
        assert_eq!(
            users_query(Some(m(2026, 9)), Role::Student, Some(C5A)),
            format!("?month=2026-09&role=student&class_id={C5A}")
        );
        assert_eq!(users_query(None, Role::Teacher, None), "?role=teacher");
    }

    fn arow(key: &str, label: &str, role: Role, class_id: Option<Uuid>) -> ActivityRow {
        ActivityRow {
            key: key.into(),
            label: label.into(),
            role,
            class_id,
            counts: ActivityCounts::default(),
        }
    }

    #[test]
    fn a_row_opens_its_role_or_its_class_people() {
        let report = ActivityReport {
            month: "2026-11".into(),
            from: NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(),
            to: NaiveDate::from_ymd_opt(2026, 11, 30).unwrap(),
            roles: vec![
                arow("role:admin", "Администраторы", Role::Admin, None),
                arow("role:teacher", "Учителя", Role::Teacher, None),
            ],
            classes: vec![
                arow(
                    "class:a:student",
                    "5А — обучающиеся",
                    Role::Student,
                    Some(C5A),
                ),
                arow("class:a:parent", "5А — родители", Role::Parent, Some(C5A)),
            ],
        };
        let tables = activity_tables(&report);
        assert_eq!(tables[0].key, "roles");
        assert_eq!(tables[1].rows.len(), 2);
        assert_eq!(row_target(&report, "roles", 1), Some((Role::Teacher, None)));
        assert_eq!(
            row_target(&report, "classes", 1),
            Some((Role::Parent, Some(C5A)))
        );
        assert_eq!(row_target(&report, "classes", 2), None);
        assert_eq!(row_target(&report, "weeks", 0), None);
        assert_eq!(
            target_label(&report, Role::Parent, Some(C5A), Locale::ru),
            "5А — родители"
        );
        assert_eq!(
            target_label(&report, Role::Student, None, Locale::ru),
            "Ученик"
        );
    }

    fn user(name: &str, login: Option<&str>, sign_ins: u32, invite: bool) -> UserActivity {
        UserActivity {
            person_id: Uuid::from_u128(name.len() as u128),
            name: name.into(),
            role: Role::Parent,
            class_name: Some("5А, 7Б".into()),
            login: login.map(str::to_string),
            invite_outstanding: invite,
            sign_ins,
            last_sign_in_at: (sign_ins > 0).then(|| {
                DateTime::parse_from_rfc3339("2026-11-20T06:05:00Z")
                    .unwrap()
                    .with_timezone(&Utc)
            }),
            diary_views: 7,
            journal_edits: 0,
        }
    }

    #[test]
    fn the_people_table_shows_sign_ins_in_local_time_and_outstanding_invites() {
        let moscow = FixedOffset::east_opt(3 * 3600).unwrap();
        let list = vec![
            user("Иванова Мария", Some("ivanova"), 3, false),
            user("Петров Пётр", None, 0, true),
        ];
        let html = users_html(&list, Locale::ru, moscow);
        assert!(
            html.contains("data-count=\"2\" data-active=\"1\""),
            "{html}"
        );
        assert!(html.contains("2 человека, входили в месяце: 1"), "{html}");
        assert_eq!(html.matches("data-testid=\"activity-user\"").count(), 2);
        assert!(html.contains("20.11.2026 09:05"), "{html}");
        assert!(html.contains("3 раза"), "{html}");
        assert!(
            html.contains("<span class=\"mono\">ivanova</span>"),
            "{html}"
        );
        assert!(html.contains("нет учётной записи"), "{html}");
        assert!(html.contains("не использован"), "{html}");
        assert!(html.contains("data-invite-outstanding=\"true\""), "{html}");
        assert!(html.contains("5А, 7Б"), "{html}");
        let none = users_html(&[], Locale::ru, moscow);
        assert!(none.contains("activity-users-none"), "{none}");
        assert!(none.contains("0 человек"), "{none}");
    }

    #[test]
    fn counts_use_russian_plural_forms() {
        let people: Vec<String> = [1, 2, 5, 11, 21, 22]
            .into_iter()
            .map(|n| people_count_text(Locale::ru, n))
            .collect();
        assert_eq!(
            people,
            [
                "1 человек",
                "2 человека",
                "5 человек",
                "11 человек",
                "21 человек",
                "22 человека"
            ]
        );
        let times: Vec<String> = [1, 3, 5, 12, 21, 104]
            .into_iter()
            .map(|n| times_text(Locale::ru, n))
            .collect();
        assert_eq!(
            times,
            ["1 раз", "3 раза", "5 раз", "12 раз", "21 раз", "104 раза"]
        );
        assert_eq!(people_count_text(Locale::en, 1), "1 person");
        assert_eq!(people_count_text(Locale::en, 4), "4 people");
        assert_eq!(times_text(Locale::en, 1), "once");
        assert_eq!(times_text(Locale::en, 3), "3 times");
    }
}
