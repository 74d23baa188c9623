//! The invite slip: what is printed (or copied) for the person who registers with a code. The
//! code is shown only once, right after it is issued, so the slip is the school's only copy.

use chrono::{DateTime, TimeZone, Utc};
use otmetka_domain::Role;
use otmetka_domain::invite::InviteCreated;

use crate::format::{format_date, percent_encode};
use crate::i18n::{Locale, td_string};
use crate::text::role_text;

/// A freshly issued invite, with the school's name for the slip.
#[derive(Debug, Clone, PartialEq)]
pub struct Slip {
    pub school_name: String,
    pub person_name: String,
    pub role: Role,
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
            code: invite.code.clone(),
            expires_at: invite.expires_at,
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
    Person,
    Role,
    Code,
    Expires,
    Url,
}

impl SlipField {
    pub const ALL: [SlipField; 6] = [
        SlipField::School,
        SlipField::Person,
        SlipField::Role,
        SlipField::Code,
        SlipField::Expires,
        SlipField::Url,
    ];

    /// `data-testid` of the value.
    pub fn testid(self) -> &'static str {
        match self {
            SlipField::School => "slip-school",
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
            SlipField::Person => td_string!(locale, slip.person),
            SlipField::Role => td_string!(locale, slip.role),
            SlipField::Code => td_string!(locale, slip.code),
            SlipField::Expires => td_string!(locale, slip.expires),
            SlipField::Url => td_string!(locale, slip.url),
        }
    }
}

/// The slip's lines as label and value; `expires_in` is the zone the expiry date is shown in
/// (the browser's).
pub fn slip_lines<Tz: TimeZone>(
    locale: Locale,
    slip: &Slip,
    origin: &str,
    expires_in: &Tz,
) -> Vec<(SlipField, String)>
where
    Tz::Offset: std::fmt::Display,
{
    SlipField::ALL
        .into_iter()
        .map(|field| {
            let value = match field {
                SlipField::School => slip.school_name.clone(),
                SlipField::Person => slip.person_name.clone(),
                SlipField::Role => role_text(locale, slip.role).to_string(),
                SlipField::Code => slip.code.clone(),
                SlipField::Expires => {
                    format_date(&slip.expires_at.with_timezone(expires_in), locale)
                }
                SlipField::Url => registration_url(origin, &slip.code),
            };
            (field, value)
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
