//! The invite slip: what is printed (or copied) for the person who registers with a code. The
//! code is shown only once, right after it is issued, so the slip is the school's only copy.

use chrono::{DateTime, TimeZone, Utc};
use otmetka_domain::Role;
use otmetka_domain::invite::InviteCreated;
use otmetka_domain::roster::{InviteSheet, InviteSlip};

use crate::format::{format_date, percent_encode};
use crate::i18n::{Locale, td_string};
use crate::text::role_text;

/// A freshly issued invite, with the school's name for the slip.
#[derive(Debug, Clone, PartialEq)]
pub struct Slip {
    pub school_name: String,
    pub person_name: String,
    pub role: Role,
    /// For a parent's slip of an invite sheet: whose parent (`родитель: Михайлов Кирилл`).
    pub student_name: Option<String>,
    /// As printed: `K7QF-M3XP-2WHN`.
    pub code: String,
    pub expires_at: DateTime<Utc>,
}

impl Slip {
    pub fn new(school_name: impl Into<String>, invite: &InviteCreated) -> Slip {
        Slip {
            school_name: school_name.into(),
            person_name: invite.person_name.clone(),
            role: invite.role,
            student_name: None,
            code: invite.code.clone(),
            expires_at: invite.expires_at,
        }
    }

    /// The slips of a class's invite sheet, in the server's order (each student, then their
    /// parents).
    pub fn sheet(sheet: &InviteSheet) -> Vec<Slip> {
        sheet
            .slips
            .iter()
            .map(|s| Slip::of_sheet(sheet, s))
            .collect()
    }

    fn of_sheet(sheet: &InviteSheet, slip: &InviteSlip) -> Slip {
        Slip {
            school_name: sheet.school_name.clone(),
            person_name: slip.person_name.clone(),
            role: slip.role,
            student_name: slip.student_name.clone(),
            code: slip.code.clone(),
            expires_at: slip.expires_at,
        }
    }
}

/// The link that opens the registration page with the code filled in:
/// `https://school.example/register?code=K7QF-M3XP-2WHN`.
pub fn registration_url(origin: &str, code: &str) -> String {
    format!(
        "{}/register?code={}",
        origin.trim_end_matches('/'),
        percent_encode(code.trim())
    )
}

/// One line of the slip.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlipField {
    School,
    /// The class of an invite sheet's slip.
    Class,
    Person,
    Role,
    /// Whose parent.
    Child,
    Code,
    Expires,
    Url,
}

impl SlipField {
    pub const ALL: [SlipField; 8] = [
        SlipField::School,
        SlipField::Class,
        SlipField::Person,
        SlipField::Role,
        SlipField::Child,
        SlipField::Code,
        SlipField::Expires,
        SlipField::Url,
    ];

    /// `data-testid` of the value.
    pub fn testid(self) -> &'static str {
        match self {
            SlipField::School => "slip-school",
            SlipField::Class => "slip-class",
            SlipField::Child => "slip-child",
            SlipField::Person => "slip-person",
            SlipField::Role => "slip-role",
            SlipField::Code => "slip-code",
            SlipField::Expires => "slip-expires",
            SlipField::Url => "slip-url",
        }
    }

    pub fn label(self, locale: Locale) -> &'static str {
        match self {
            SlipField::School => td_string!(locale, slip.school),
            SlipField::Class => td_string!(locale, slip.class),
            SlipField::Child => td_string!(locale, slip.child),
            SlipField::Person => td_string!(locale, slip.person),
            SlipField::Role => td_string!(locale, slip.role),
            SlipField::Code => td_string!(locale, slip.code),
            SlipField::Expires => td_string!(locale, slip.expires),
            SlipField::Url => td_string!(locale, slip.url),
        }
    }
}

/// The slip's lines as label and value; `expires_in` is the zone the expiry date is shown in
/// (the browser's). `class` is the class of an invite sheet; the class and child lines are left
/// out when there is nothing to say.
pub fn slip_lines<Tz: TimeZone>(
    locale: Locale,
    slip: &Slip,
    origin: &str,
    expires_in: &Tz,
) -> Vec<(SlipField, String)>
where
    Tz::Offset: std::fmt::Display,
{
    sheet_slip_lines(locale, slip, None, origin, expires_in)
}

/// [`slip_lines`] for a slip of a class's invite sheet.
pub fn sheet_slip_lines<Tz: TimeZone>(
    locale: Locale,
    slip: &Slip,
    class: Option<&str>,
    origin: &str,
    expires_in: &Tz,
) -> Vec<(SlipField, String)>
where
    Tz::Offset: std::fmt::Display,
{
    SlipField::ALL
        .into_iter()
        .filter_map(|field| {
            let value = match field {
                SlipField::Class => class?.to_string(),
                SlipField::Child => slip.student_name.clone()?,
                SlipField::School => slip.school_name.clone(),
                SlipField::Person => slip.person_name.clone(),
                SlipField::Role => role_text(locale, slip.role).to_string(),
                SlipField::Code => slip.code.clone(),
                SlipField::Expires => {
                    format_date(&slip.expires_at.with_timezone(expires_in), locale)
                }
                SlipField::Url => registration_url(origin, &slip.code),
            };
            Some((field, value))
        })
        .collect()
}

/// The slip as plain text, to paste into a message: a title, `Label: value` lines and how to use
/// the code.
pub fn slip_text<Tz: TimeZone>(locale: Locale, slip: &Slip, origin: &str, expires_in: &Tz) -> String
where
    Tz::Offset: std::fmt::Display,
{
    let mut text = format!(
        "{} — {}\n",
        td_string!(locale, app_name),
        td_string!(locale, slip.title)
    );
    for (field, value) in slip_lines(locale, slip, origin, expires_in) {
        text.push_str(&format!("{}: {value}\n", field.label(locale)));
    }
    text.push_str(td_string!(locale, slip.how));
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::FixedOffset;
    use uuid::Uuid;

    fn slip() -> Slip {
        let invite = InviteCreated {
            id: Uuid::nil(),
            school_id: Uuid::nil(),
            person_id: Uuid::nil(),
            person_name: "Петрова Мадина Магомедовна".into(),
            role: Role::Admin,
            code: "K7QF-M3XP-2WHN".into(),
            // 21:30 UTC is already the next day in Moscow.
            expires_at: Utc.with_ymd_and_hms(2026, 12, 28, 21, 30, 0).unwrap(),
        };
        Slip::new("МБОУ «СОШ № 1»", &invite)
    }

    fn moscow() -> FixedOffset {
        FixedOffset::east_opt(3 * 3600).unwrap()
    }

    #[test]
    fn registration_link_opens_the_register_page_with_the_code() {
        assert_eq!(
            registration_url("https://otmetka.example/", "K7QF-M3XP-2WHN"),
            "https://otmetka.example/register?code=K7QF-M3XP-2WHN"
        );
        assert_eq!(
            registration_url("http://127.0.0.1:8095", " K7QF-M3XP-2WHN "),
            "http://127.0.0.1:8095/register?code=K7QF-M3XP-2WHN"
        );
    }

    #[test]
    fn slip_lists_school_person_role_code_expiry_and_link() {
        let lines = slip_lines(Locale::ru, &slip(), "https://o.example", &moscow());
        let values: Vec<&str> = lines.iter().map(|(_, v)| v.as_str()).collect();
        assert_eq!(
            values,
            [
                "МБОУ «СОШ № 1»",
                "Петрова Мадина Магомедовна",
                "Администратор школы",
                "K7QF-M3XP-2WHN",
                "29.12.2026",
                "https://o.example/register?code=K7QF-M3XP-2WHN",
            ]
        );
    }

    #[test]
    fn a_parents_sheet_slip_says_whose_parent_and_which_class() {
        let sheet = InviteSheet {
            school_name: "Демо-школа № 1".into(),
            class_name: "1А".into(),
            slips: vec![InviteSlip {
                invite_id: Uuid::nil(),
                person_id: Uuid::nil(),
                person_name: "Михайлова Марьям Ахмедовна".into(),
                role: Role::Parent,
                student_name: Some("Михайлов Кирилл Русланович".into()),
                code: "K7QF-M3XP-2WHN".into(),
                expires_at: Utc.with_ymd_and_hms(2026, 12, 28, 9, 0, 0).unwrap(),
            }],
        };
        let slips = Slip::sheet(&sheet);
        let lines = sheet_slip_lines(
            Locale::ru,
            &slips[0],
            Some("1А"),
            "https://o.example",
            &moscow(),
        );
        let fields: Vec<SlipField> = lines.iter().map(|(f, _)| *f).collect();
        assert_eq!(fields, SlipField::ALL);
        assert_eq!(lines[1].1, "1А");
        assert_eq!(lines[3].1, "Родитель");
        assert_eq!(SlipField::Child.label(Locale::ru), "Родитель ученика");
        assert_eq!(lines[4].1, "Михайлов Кирилл Русланович");
        let plain = slip_lines(Locale::ru, &slips[0], "https://o.example", &moscow());
        assert_eq!(plain.len(), 7, "no class line outside a sheet");
    }

    #[test]
    fn slip_text_has_labelled_lines_in_the_chosen_language() {
        let ru = slip_text(Locale::ru, &slip(), "https://o.example", &moscow());
        assert!(ru.starts_with("Отметка — Пригласительный код\n"), "{ru}");
        assert!(ru.contains("\nКод: K7QF-M3XP-2WHN\n"), "{ru}");
        assert!(ru.contains("\nРоль: Администратор школы\n"), "{ru}");
        assert!(ru.contains("\nДействует до: 29.12.2026\n"), "{ru}");
        let en = slip_text(Locale::en, &slip(), "https://o.example", &Utc);
        assert!(en.contains("\nCode: K7QF-M3XP-2WHN\n"), "{en}");
        assert!(en.contains("\nValid until: 28 Dec 2026\n"), "{en}");
    }
}
